// Package render holds a site's theme: the HTML templates, the static
// assets (CSS, JS, icons) with content-hashed names, and the translated UI
// strings. A Theme is loaded once per build and is safe for concurrent use.
//
// A theme is a folder with templates/, assets/, i18n/<language>.yaml and
// worker.js, the code of the site's service worker (the build writes it
// at the site root as sw.js, after the constants it fills in).
// The default theme is embedded (package themes); a site's themes/<name>/
// overrides it file by file, so a site can replace a single template or
// stylesheet. Templates are parsed with their file names, so a template
// error names "templates/module.html:12".
//
// Each page kind K is the template file templates/K.html, which defines
// "main" (and may define "head"); templates/base.html is the layout around
// it, and templates/partials/*.html are shared by all. Templates receive a
// *Data. Functions available: T (translated string, with an optional count
// that picks key_one/key_other, or key_zero for 0, and fills {n}), asset (hashed asset path,
// relative to the site root), minutes, date, credits, join, add,
// sectionTrail, pathNav, shared (see below), and the list helpers of
// lists.go: sectionCrumbs, termLinks, moduleLinks, pathLinks, tocList,
// termIDs, termLabels, numbers, pagers, badges, moduleDetails,
// moduleFooter, overdueNotice, reviewRows, card, row.
//
// Module, term and catalogue pages are written by writePage
// (modulepage.go, listpage.go), the same bytes without executing
// html/template, while the templates such a page runs are the built-in
// ones.
//
// A date a module does not give (Front.Reviewed, Front.ReviewBy) is the
// zero time.Time, which a template's if and with count as set, as they
// count every struct: test it with .IsZero.
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/fields"
	"github.com/cmesite/cmesite/internal/organize"
	"github.com/cmesite/cmesite/themes"
)

// Kinds are the page templates of the built-in theme's pages; Load parses
// the ones it is given (the site's page table names them), or these.
var Kinds = []string{"home", "module", "section", "terms", "term", "catalogue", "paths", "path", "search", "help", "404", "start", "my-cme"}

// Asset is a static theme file with its output path.
type Asset struct {
	Name string // logical name, "main.css"
	Path string // output path, "assets/main.3f2a9c1b.css"
	Data []byte
}

// Theme is a loaded theme.
type Theme struct {
	// pages holds each page kind's base.html, in a namespace of its own
	// whose constant T and asset commands are inlined (inline.go); plain
	// the same as the theme wrote it, which runs only when a template
	// fails, so that the error reads as the template is written.
	pages   map[string]*template.Template
	plain   map[string]*template.Template
	Assets  []Asset // sorted by Name
	byName  map[string]*Asset
	strings map[string]string
	// Worker is the theme's worker.js: the service worker's code, which
	// the build writes at the site root after its constants (site
	// package, offline.go). Nil when the theme has none.
	Worker []byte
	// Hash identifies the theme's content and language, for incremental
	// rebuilds: a different Hash means every page must be rendered anew.
	Hash string
	pool sync.Pool

	// direct are the fragments (Fragment) whose template is one call of
	// a list helper on its data, {{card .}} as the default theme has it:
	// the helper is called without executing the template, which would
	// give the same bytes (the helper's result is HTML) at the cost of a
	// reflective call and a copy, for every module of a site.
	direct map[string]func(Item) (template.HTML, error)
	// directPages are the kinds of page that run the built-in templates,
	// which writePage writes (modulepage.go, listpage.go).
	directPages map[string]bool
	// names are the field and method names the templates use (.A.B,
	// $v.A, (pipe).A): Names.
	names map[string]bool

	sharedMu sync.RWMutex
	sharedBy map[sharedKey][]byte        // rendered shared partials, with RootMarker for the root
	sharedAt map[sharedKey]template.HTML // the same with a page's root swapped in, by key with root
}

// sharedKey identifies a rendered shared partial. root is "" for the
// rendering with RootMarker, else a page's root path.
type sharedKey struct {
	name, kind string
	facet      string
	hasFacet   bool
	root       string
}

// overlay reads a file from the site's theme folder first, then the
// embedded default.
type overlay struct{ layers []layer }

func (o overlay) ReadFile(name string) ([]byte, string, error) {
	for _, l := range o.layers {
		b, err := fs.ReadFile(l.fs, name)
		if err == nil {
			return b, l.prefix + name, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, "", err
		}
	}
	return nil, "", fs.ErrNotExist
}

type layer struct {
	fs     fs.FS
	prefix string // for diagnostics: "themes/custom/" or "" for the embedded default
}

// glob lists the files of dir whose name ends in suffix, over every layer,
// leaving out the names content.Ignored lists (editors' backups, .DS_Store,
// Thumbs.db), which are never published.
func (o overlay) glob(dir, suffix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range o.layers {
		entries, _ := fs.ReadDir(l.fs, dir)
		for _, e := range entries {
			name := path.Join(dir, e.Name())
			if !e.IsDir() && strings.HasSuffix(name, suffix) && !seen[name] && !content.Ignored(e.Name()) {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// themeFile is one layer's copy of a theme file.
type themeFile struct {
	data []byte
	file string // for diagnostics
}

// all returns every layer's copy of name, the embedded default first and
// the site's own last, so that a later copy overrides an earlier key by
// key.
func (o overlay) all(name string) []themeFile {
	var out []themeFile
	for i := len(o.layers) - 1; i >= 0; i-- {
		if b, err := fs.ReadFile(o.layers[i].fs, name); err == nil {
			out = append(out, themeFile{b, o.layers[i].prefix + name})
		}
	}
	return out
}

// Untranslated returns, sorted, the keys of the English UI strings en
// that the translation tr lacks. A _zero form is optional: a translation
// that gives the key's _other form uses it for a count of 0.
func Untranslated(en, tr map[string]string) []string {
	var out []string
	for key := range en {
		if _, ok := tr[key]; ok {
			continue
		}
		if form, ok := strings.CutSuffix(key, "_zero"); ok {
			if _, ok := tr[form+"_other"]; ok {
				continue
			}
		}
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// Load reads the theme name for language lang: files from site's
// themes/<name>/ (site may be nil) over the embedded default theme.
//
// UI strings are merged key by key: the built-in en.yaml, a site's
// en.yaml over it, then every layer's <lang>.yaml over that, so a
// translation written before a key was added shows that key in English
// rather than failing the page. Each English key a language lacks is a
// warning at its (topmost) i18n file, which is how check lists them; a
// language with no file at all is an error.
func Load(site fs.FS, name, lang string, kinds ...string) (*Theme, diag.List) {
	if kinds == nil {
		kinds = Kinds
	}
	var diags diag.List
	var o overlay
	if site != nil {
		if name != "default" {
			if sub, err := fs.Sub(site, "themes/"+name); err == nil {
				if _, err := fs.Stat(site, "themes/"+name); err != nil {
					diags.Errorf("cmesite.yaml", 0, "theme %q not found: create the folder themes/%s/ or remove theme from cmesite.yaml", name, name)
				}
				o.layers = append(o.layers, layer{sub, "themes/" + name + "/"})
			}
		}
		if sub, err := fs.Sub(site, "themes/default"); err == nil {
			o.layers = append(o.layers, layer{sub, "themes/default/"})
		}
	}
	o.layers = append(o.layers, layer{themes.Default(), "(built-in theme) "})
	t := &Theme{pages: map[string]*template.Template{}, plain: map[string]*template.Template{}, byName: map[string]*Asset{}, names: map[string]bool{}, directPages: map[string]bool{}}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", name, lang)

	// UI strings: English, then the language's over it key by key.
	t.strings = map[string]string{}
	for _, f := range o.all("i18n/en.yaml") {
		h.Write(f.data)
		loadStrings(f.file, f.data, t.strings, &diags)
	}
	if lang != "en" {
		files := o.all("i18n/" + lang + ".yaml")
		if len(files) == 0 {
			diags.Errorf("cmesite.yaml", 0, "language %q has no UI strings in the theme: add i18n/%s.yaml to themes/%s/ (copy the built-in theme's en.yaml and translate it); using English", lang, lang, name)
		}
		tr := map[string]string{}
		for _, f := range files {
			h.Write(f.data)
			loadStrings(f.file, f.data, tr, &diags)
		}
		if len(files) > 0 {
			for _, key := range Untranslated(t.strings, tr) {
				diags.Warnf(files[len(files)-1].file, 0, "UI string %s is not translated, so pages show it in English (%q); add it to this file", key, t.strings[key])
			}
			for key := range t.strings {
				if form, ok := strings.CutSuffix(key, "_zero"); ok && tr[key] == "" && tr[form+"_other"] != "" {
					delete(t.strings, key) // a count of 0 takes the translated _other form
				}
			}
		}
		maps.Copy(t.strings, tr)
	}

	// Assets, hashed by content.
	for _, p := range o.glob("assets", "") {
		b, _, err := o.ReadFile(p)
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		base := path.Base(p)
		ext := path.Ext(base)
		a := Asset{Name: base, Path: "assets/" + strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:4]) + ext, Data: b}
		t.Assets = append(t.Assets, a)
		h.Write([]byte(a.Path))
	}
	for i := range t.Assets {
		t.byName[t.Assets[i].Name] = &t.Assets[i]
	}
	if b, _, err := o.ReadFile("worker.js"); err == nil {
		t.Worker = b
		h.Write(b)
	}

	// Templates.
	common := template.New("").Funcs(t.funcs())
	in := t.newInliner()
	shared := append([]string{"templates/base.html"}, o.glob("templates/partials", ".html")...)
	baseFile := ""
	for i, p := range shared {
		b, file, err := o.ReadFile(p)
		if i == 0 {
			baseFile = file
		}
		if err != nil {
			diags.Errorf("themes/"+name+"/"+p, 0, "missing theme template")
			continue
		}
		h.Write(b)
		if _, err := common.New(file).Parse(string(b)); err != nil {
			diags.Add(templateDiag(file, err))
		}
	}
	for _, kind := range kinds {
		p := "templates/" + kind + ".html"
		b, file, err := o.ReadFile(p)
		if err != nil {
			diags.Errorf("themes/"+name+"/"+p, 0, "missing theme template for %s pages", kind)
			continue
		}
		h.Write(b)
		if diags.Errors() > 0 {
			continue
		}
		clone := template.Must(common.Clone())
		if _, err := clone.New(file).Parse(string(b)); err != nil {
			diags.Add(templateDiag(file, err))
			continue
		}
		if clone.Lookup("main") == nil {
			diags.Errorf(file, 0, "template must define \"main\" ({{define \"main\"}}…{{end}})")
			continue
		}
		fast, err := clone.Clone() // nothing has executed yet
		if err == nil {
			err = in.set(fast)
		}
		if err != nil {
			diags.Errorf(file, 0, "template error: %v", err)
			continue
		}
		t.pages[kind] = fast.Lookup(baseFile)
		t.plain[kind] = clone.Lookup(baseFile)
		for _, tm := range clone.Templates() {
			if tm.Tree != nil {
				addNames(tm.Tree.Root, t.names)
			}
		}
		if kind == "module" {
			t.direct = directFragments(clone, map[string]func(Item) (template.HTML, error){"card": t.card, "row": t.row})
		}
		if directPage(kind, clone, baseFile) {
			t.directPages[kind] = true
		}
	}
	t.Hash = hex.EncodeToString(h.Sum(nil)[:8])
	t.pool.New = func() any { return new(bytes.Buffer) }
	return t, diags
}

func templateDiag(file string, err error) diag.Diagnostic {
	// html/template reports "template: FILE:LINE: message".
	msg := strings.TrimPrefix(err.Error(), "template: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, file+":"); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, e := strconv.Atoi(rest[:i]); e == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return diag.Diagnostic{File: file, Line: line, Severity: diag.Error, Message: "template error: " + msg}
}

func loadStrings(file string, data []byte, dst map[string]string, diags *diag.List) {
	node, se := fields.Parse(fields.YAML, data)
	if se != nil {
		diags.Errorf(file, se.Line, "%s", se.Error())
		return
	}
	d := &fields.Decoder{File: file, Diags: diags}
	for _, kv := range d.Mapping(node, "UI strings") {
		if s, ok := d.String(kv); ok {
			dst[kv.Key] = s
		}
	}
}

// Asset returns the output path of a theme asset by logical name.
func (t *Theme) Asset(name string) (string, error) {
	a, ok := t.byName[name]
	if !ok {
		return "", fmt.Errorf("no asset %q in the theme's assets/ folder", name)
	}
	return a.Path, nil
}

// T returns a translated UI string. With a count, it uses key_one for 1,
// key_zero for 0 when the theme has one, else key_other, and replaces {n}.
func (t *Theme) T(key string, count ...any) (string, error) {
	if len(count) > 0 {
		var n string
		if i, ok := count[0].(int); ok {
			n = strconv.Itoa(i) // as fmt.Sprint, without its reflection
		} else {
			n = fmt.Sprint(count[0])
		}
		form := "_other"
		switch n {
		case "1":
			form = "_one"
		case "0":
			if _, ok := t.strings[key+"_zero"]; ok {
				form = "_zero"
			}
		}
		s, ok := t.strings[key+form]
		if !ok {
			return "", fmt.Errorf("no UI string %q in the theme's i18n file", key+form)
		}
		return strings.ReplaceAll(s, "{n}", n), nil
	}
	s, ok := t.strings[key]
	if !ok {
		return "", fmt.Errorf("no UI string %q in the theme's i18n file", key)
	}
	return s, nil
}

func (t *Theme) funcs() template.FuncMap {
	return template.FuncMap{
		"T":             t.T,
		"asset":         t.Asset,
		"minutes":       t.Duration,
		"date":          func(d time.Time) string { return d.Format(time.DateOnly) },
		"credits":       Credits,
		"join":          strings.Join,
		"sectionTrail":  func(s *curriculum.Section) []*curriculum.Section { return appendTrail(nil, s) },
		"pathNav":       PathNavFor,
		"sectionCrumbs": sectionCrumbs,
		"termLinks":     termLinks,
		"moduleLinks":   moduleLinks,
		"pathLinks":     pathLinks,
		"tocList":       tocList,
		"termIDs":       termIDs,
		"termLabels":    termLabels,
		"numbers":       numbers,
		"pagers":        t.pagers,
		"badges":        t.badges,
		"moduleDetails": t.moduleDetails,
		"moduleFooter":  t.moduleFooter,
		"overdueNotice": t.overdueNotice,
		"reviewRows":    t.reviewRows,
		"card":          t.card,
		"row":           t.row,
		"shared":        t.shared,
		"add":           func(a, b int) int { return a + b },
		// The organizer pages: a coverage cell with the page's root, and
		// the review statuses in the order the schedule lists them.
		"cell":     func(root string, c organize.Cell) CoverageCell { return CoverageCell{Root: root, Cell: c} },
		"statuses": func() []string { return organize.ReviewStatuses },
	}
}

// CoverageCell is what the coverage page's "covcell" template receives.
type CoverageCell struct {
	Root string
	Cell organize.Cell
}

// minutes formats a duration in minutes with the theme's words: "45 min",
// "1 h 30 min".
// Duration formats m minutes in the theme's words, as badges and
// catalogue rows show it: "45 min", "1 h 30 min".
func (t *Theme) Duration(m int) (string, error) {
	h, min := m/60, m%60
	switch {
	case h == 0:
		return t.T("duration_minutes", min)
	case min == 0:
		return t.T("duration_hours", h)
	}
	hs, err := t.T("duration_hours", h)
	if err != nil {
		return "", err
	}
	ms, err := t.T("duration_minutes", min)
	return hs + " " + ms, err
}

// shared renders a partial that is the same on every page of a kind (the
// header, the footer): once per kind, with RootMarker for the root, then
// the page's root is swapped in. Such a partial may read only .Kind,
// .Root, .Facet, .Lang, .Config, .Site and T. The result for each root
// (one per folder depth) is kept too, so a page costs a map lookup.
func (t *Theme) shared(name string, d *Data) (template.HTML, error) {
	key := sharedKey{name: name, kind: d.Kind, root: d.Root}
	if d.Facet != nil {
		key.facet, key.hasFacet = d.Facet.Name, true
	}
	t.sharedMu.RLock()
	s, ok := t.sharedAt[key]
	t.sharedMu.RUnlock()
	if ok {
		return s, nil
	}
	key.root = ""
	t.sharedMu.RLock()
	b, ok := t.sharedBy[key]
	t.sharedMu.RUnlock()
	if !ok {
		shell := *d
		shell.Root, shell.Title, shell.Description, shell.Canonical = RootMarker, "", "", ""
		shell.Module, shell.Body, shell.TOC, shell.Section, shell.Term, shell.Path, shell.List = nil, "", nil, nil, nil, nil, ""
		tmpl, err := t.partial(d.Kind, name)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := t.execute(&buf, d.Kind, tmpl, &shell); err != nil {
			return "", err
		}
		b = buf.Bytes()
		t.sharedMu.Lock()
		if t.sharedBy == nil {
			t.sharedBy = map[sharedKey][]byte{}
		}
		t.sharedBy[key] = b
		t.sharedMu.Unlock()
	}
	s = template.HTML(bytes.ReplaceAll(b, []byte(RootMarker), []byte(d.Root))) // template output
	key.root = d.Root
	t.sharedMu.Lock()
	if t.sharedAt == nil {
		t.sharedAt = map[sharedKey]template.HTML{}
	}
	t.sharedAt[key] = s
	t.sharedMu.Unlock()
	return s, nil
}

// ResetShared forgets the shared partials, which read site-wide data: a
// new build starts with none.
func (t *Theme) ResetShared() {
	t.sharedMu.Lock()
	t.sharedBy, t.sharedAt = nil, nil
	t.sharedMu.Unlock()
}

// Render executes the page template of kind with data.
func (t *Theme) Render(kind string, data *Data) ([]byte, error) {
	buf := t.pool.Get().(*bytes.Buffer)
	buf.Reset()
	defer t.pool.Put(buf)
	if err := t.page(buf, kind, data); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// RenderInto executes the page template of kind with data and appends
// the page to dst, for a caller that writes the page out and reuses dst:
// a large site's build makes a page of every module.
func (t *Theme) RenderInto(dst []byte, kind string, data *Data) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	if err := t.page(buf, kind, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// page writes the page template of kind, executed with data, to w.
func (t *Theme) page(w *bytes.Buffer, kind string, data *Data) error {
	tmpl, ok := t.pages[kind]
	if !ok {
		return fmt.Errorf("theme has no template for %s pages", kind)
	}
	if t.directPages[kind] && t.writePage(w, kind, data) {
		return nil
	}
	return t.execute(w, kind, tmpl, data)
}

// Names reports whether a template of the theme names the field or
// method name, as in .Module.Doc, $m.Doc or (index .Modules 0).Doc:
// the only ways a template reads a field. A build need not keep what no
// template can read (the site package keeps a module's Lead only for a
// theme that names Lead or Doc).
func (t *Theme) Names(name string) bool { return t.names[name] }

// addNames adds to names the field and method names used under n.
func addNames(n parse.Node, names map[string]bool) {
	eachPipe(n, func(p *parse.PipeNode) { addPipeNames(p, names) })
}

// addPipeNames adds the names p uses, in its arguments' pipelines too.
func addPipeNames(p *parse.PipeNode, names map[string]bool) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			addArgNames(a, names)
		}
	}
}

func addArgNames(a parse.Node, names map[string]bool) {
	switch a := a.(type) {
	case *parse.PipeNode:
		addPipeNames(a, names)
	case *parse.FieldNode:
		for _, id := range a.Ident {
			names[id] = true
		}
	case *parse.VariableNode:
		for _, id := range a.Ident[1:] { // Ident[0] is the variable
			names[id] = true
		}
	case *parse.ChainNode:
		addArgNames(a.Node, names)
		for _, id := range a.Field {
			names[id] = true
		}
	}
}

// directFragments picks, of the helpers by name, those whose template of
// the same name in ns, not yet executed, is nothing but {{name .}}.
func directFragments(ns *template.Template, helpers map[string]func(Item) (template.HTML, error)) map[string]func(Item) (template.HTML, error) {
	direct := map[string]func(Item) (template.HTML, error){}
	for name, h := range helpers {
		tmpl := ns.Lookup(name)
		if tmpl == nil || tmpl.Tree == nil || tmpl.Tree.Root == nil || len(tmpl.Tree.Root.Nodes) != 1 {
			continue
		}
		a, ok := tmpl.Tree.Root.Nodes[0].(*parse.ActionNode)
		if !ok || len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 2 {
			continue
		}
		fn, ok1 := a.Pipe.Cmds[0].Args[0].(*parse.IdentifierNode)
		_, ok2 := a.Pipe.Cmds[0].Args[1].(*parse.DotNode)
		if ok1 && ok2 && fn.Ident == name {
			direct[name] = h
		}
	}
	return direct
}

// Fragment executes a named partial template (for example "card") with
// data. It returns a string: a helper's markup (card, row) is one
// already, and a site's builder keeps a fragment of every module until
// its last list is made.
func (t *Theme) Fragment(name string, data any) (string, error) {
	if h := t.direct[name]; h != nil {
		if it, ok := data.(Item); ok {
			if html, err := h(it); err == nil {
				return string(html), nil
			}
			// The template reports the error, as it reads.
		}
	}
	tmpl, err := t.partial("module", name)
	if err != nil {
		return "", err
	}
	buf := fragBufs.Get().(*bytes.Buffer)
	defer fragBufs.Put(buf)
	buf.Reset()
	if err := t.execute(buf, "module", tmpl, data); err != nil {
		return "", err
	}
	return buf.String(), nil // a copy of the exact size
}

// fragBufs are the buffers Fragment renders into.
var fragBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// partial looks up a template of kind's namespace by name.
func (t *Theme) partial(kind, name string) (*template.Template, error) {
	ns, ok := t.pages[kind]
	if !ok {
		return nil, fmt.Errorf("theme has no template for %s pages", kind)
	}
	tmpl := ns.Lookup(name)
	if tmpl == nil {
		return nil, fmt.Errorf("theme has no partial template %q", name)
	}
	return tmpl, nil
}

// execute writes tmpl, a template of kind's namespace, executed with data,
// to w. If that fails, the theme's template as written runs instead: its
// error is the one to report (an inlined command no longer reads as the
// author wrote it), and its output stands should the inlined template ever
// be the only one to fail.
func (t *Theme) execute(w *bytes.Buffer, kind string, tmpl *template.Template, data any) error {
	start := w.Len()
	err := tmpl.Execute(w, data)
	if err != nil {
		w.Truncate(start)
		err = t.plain[kind].Lookup(tmpl.Name()).Execute(w, data)
	}
	return err
}

// PathNav is a module's place on a learning path.
type PathNav struct {
	Pos        int // 1-based
	Prev, Next *curriculum.Module
}

// PathNavFor finds module m on path p.
func PathNavFor(p *curriculum.Path, m *curriculum.Module) PathNav {
	i := slices.Index(p.Modules, m)
	nav := PathNav{Pos: i + 1}
	if i > 0 {
		nav.Prev = p.Modules[i-1]
	}
	if i >= 0 && i+1 < len(p.Modules) {
		nav.Next = p.Modules[i+1]
	}
	return nav
}
