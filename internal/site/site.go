// Package site runs a build: it reads a site root (content/, cmesite.yaml,
// themes/) through an fs.FS, and produces every output file — module,
// section, term, catalogue, path, help and search pages, the search index,
// sitemap.xml, feed.xml, robots.txt, 404.html and the theme's assets —
// into an Output.
//
// A Builder keeps what it parsed and rendered, so that a later Build with
// the list of changed files (serve mode) re-reads only those files and
// re-renders only the pages whose inputs changed. Every page has a
// fingerprint of the inputs its template reads; a page is rendered when
// its fingerprint differs from the last build's. Full and incremental
// builds go through the same code, so their output is byte-identical.
//
// Nothing is written when the content has errors: Build reports every
// diagnostic and leaves the Output untouched.
package site

import (
	"fmt"
	"hash/maphash"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/markdown"
	"github.com/cmesite/cmesite/internal/render"
)

// Options control a build.
type Options struct {
	Drafts  bool      // include modules marked draft
	BaseURL string    // overrides cmesite.yaml's base_url when set
	Today   time.Time // for "overdue for review"; zero means now
	Trace   io.Writer // when set, receives the time each phase took
	// Stream is for a single build into an Output that can be thrown away
	// when the build fails (a Dir, or nothing at all for check): module
	// pages are written as soon as they are rendered and their bodies are
	// not kept, so memory stays low on large sites.
	Stream bool
}

// Output receives a build's files. Put is called only for files whose
// bytes may have changed since the previous build into the same Output;
// Remove for files that are no longer part of the site. Calls come from a
// single goroutine.
type Output interface {
	Put(name string, data []byte) error
	Remove(name string) error
}

// Stats describes one build.
type Stats struct {
	Modules  int           // modules built
	Pages    int           // HTML pages in the site
	Files    int           // all output files
	Rendered int           // files written by this build
	Reread   int           // content files read by this build
	Duration time.Duration // wall time
}

// Builder builds one site, repeatedly.
type Builder struct {
	root fs.FS
	opts Options

	global      uint64 // hash of everything that changes every page
	cfg         *config.Config
	theme       *render.Theme
	md          *markdown.Renderer
	docs        map[string]*docState         // by content path
	statics     map[string]uint64            // static content files: content path -> hash
	prints      map[string]uint64            // output path -> fingerprint of its inputs
	stale       map[string]bool              // files of earlier builds to remove unless written again
	frags       map[string]*frag             // module ID -> cached list fragments
	fragOf      map[*curriculum.Module]*frag // the same for the modules of the last curriculum
	cat         catalogue                    // the catalogue's rows
	feedModules []*curriculum.Module         // the modules of feed.xml
	index       *searchIndex
	indexed     map[string]uint64 // search doc URL -> doc hash
	searchOut   map[string][]byte // the index files last written
	built       bool
	last        *curriculum.Curriculum // of the last good build
	lastOK      bool                   // the last Build succeeded: last matches docs
	lastAll     diag.List              // the diagnostics of the last good build, sorted
	cfgDiags    diag.List              // what loading the configuration and theme reported

	tree      content.Tree // the last walk of content/
	treeDiags diag.List
	known     map[string]bool // files of tree
	dirs      map[string]bool // folders of tree
	lapAt     time.Time

	// unrendered are the documents whose Markdown is not rendered yet:
	// read since, or left out (a draft, a module whose URL another took).
	unrendered map[string]bool
	pages      int // HTML pages in the last full build
}

type docState struct {
	doc      *content.Doc
	res      markdown.Result // HTML moved to html
	html     template.HTML   // the rendered body; not kept in a streamed build
	hash     uint64          // of the file bytes
	rendered bool            // res is up to date with doc
}

// frag holds a module's list fragments with RootMarker in place of the
// page's root.
type frag struct {
	key               uint64
	card, row         []byte
	cardHash, rowHash uint64
}

// New returns a Builder for the site rooted at root.
func New(root fs.FS, opts Options) *Builder {
	return &Builder{root: root, opts: opts, stale: map[string]bool{}, unrendered: map[string]bool{}}
}

var seed = maphash.MakeSeed()

type hasher struct{ h maphash.Hash }

func newHasher() *hasher {
	h := &hasher{}
	h.h.SetSeed(seed)
	return h
}

func (h *hasher) str(ss ...string) *hasher {
	for _, s := range ss {
		h.h.WriteString(s)
		h.h.WriteByte(0)
	}
	return h
}

func (h *hasher) u64(vs ...uint64) *hasher {
	var b [8]byte
	for _, v := range vs {
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		h.h.Write(b[:])
	}
	return h
}

func (h *hasher) sum() uint64 { return h.h.Sum64() }

// Build brings out up to date with the site. changed lists the site-root
// relative paths that changed since the previous Build (as the watcher
// reports them); nil means everything is read anew. It returns the
// diagnostics; when they hold an error, out was not touched.
func (b *Builder) Build(changed []string, out Output) (Stats, diag.List) {
	start := time.Now()
	b.lapAt = start
	var st Stats
	var diags diag.List

	full := changed == nil || !b.built
	lastOK := b.lastOK // the last build succeeded; b.last is its curriculum
	for _, p := range changed {
		if p == config.File || strings.HasPrefix(p, "themes/") || p == "themes" || p == content.Dir {
			full = true
		}
	}

	// Configuration and theme.
	if full {
		cfg, d := config.Load(b.root)
		if b.opts.BaseURL != "" {
			cfg.BaseURL = strings.TrimSuffix(b.opts.BaseURL, "/") + "/"
		}
		theme, td := render.Load(b.root, cfg.Theme, cfg.Language)
		d.Add(td...)
		if d.Errors() > 0 {
			d.Sort()
			return st, d
		}
		b.cfgDiags = d
		b.cfg, b.theme = cfg, theme
		b.md = markdown.New(markdown.Options{CalloutLabels: calloutLabels(theme)})
		today := b.today().Format(time.DateOnly)
		b.global = newHasher().str(theme.Hash, string(cfg.Source), cfg.BaseURL, fmt.Sprint(b.opts.Drafts), today).sum()
		// Forget every fingerprint, but remember the files: those the new
		// build does not write again must still be removed.
		for name := range b.prints {
			b.stale[name] = true
		}
		b.docs, b.statics, b.prints, b.frags = map[string]*docState{}, map[string]uint64{}, map[string]uint64{}, map[string]*frag{}
		b.index, b.indexed, b.searchOut = newSearchIndex(cfg), map[string]uint64{}, map[string][]byte{}
	}

	// Content: walk the tree when files may have come or gone; read what
	// changed, in parallel.
	walked := b.needWalk(full, changed)
	if walked {
		tree, d := content.Walk(b.root)
		b.tree, b.treeDiags = tree, d
		b.known = make(map[string]bool, len(tree.Markdown)+len(tree.Static))
		for _, p := range tree.Markdown {
			b.known[p] = true
		}
		for _, p := range tree.Static {
			b.known[p] = true
		}
		b.dirs = make(map[string]bool, len(tree.Dirs))
		for _, d := range tree.Dirs {
			b.dirs[d] = true
		}
	}
	tree := b.tree
	var toRead []string
	changedSet := map[string]bool{}
	for _, p := range changed {
		changedSet[p] = true
	}
	if walked {
		want := make(map[string]bool, len(tree.Markdown))
		for _, p := range tree.Markdown {
			want[p] = true
			if _, ok := b.docs[p]; !ok || full || changedSet[content.Dir+"/"+p] {
				toRead = append(toRead, p)
			}
		}
		for p := range b.docs {
			if !want[p] {
				delete(b.docs, p)
			}
		}
	} else {
		// The same files as the last walk: read the changed ones.
		for _, p := range changed {
			if rel, ok := strings.CutPrefix(p, content.Dir+"/"); ok && b.docs[rel] != nil {
				toRead = append(toRead, rel)
			}
		}
		slices.Sort(toRead)
		toRead = slices.Compact(toRead)
	}
	st.Reread = len(toRead)
	before := make(map[string]*docState, len(toRead))
	for _, p := range toRead {
		before[p] = b.docs[p]
	}
	b.lap("config, theme, walk")
	diags.Add(b.readDocs(toRead)...)
	b.lap("read, parse frontmatter")

	// When the saved files leave the curriculum's structure as it was (a
	// body, a summary, objectives, references: the common saves), the
	// curriculum of the last build is patched in place, and only the pages
	// that show the saved files need work. So do the diagnostics: those of
	// the last build for the other files still hold.
	var c *curriculum.Curriculum
	var only map[string]bool       // URLs of the pages to consider; nil: all
	var fresh []*curriculum.Module // modules whose list fragments may have changed
	frontChanged := false          // a patched document's frontmatter changed
	moved := false                 // ... and with it a module's place in lists
	reviewedChanged := false       // ... and with it a module's review date, which the sitemap shows
	if !full && b.lastOK && len(toRead) > 0 && existed(before) {
		var patch []*content.Doc
		for _, p := range toRead {
			old, doc := before[p].doc, b.docs[p].doc
			if !b.opts.Drafts && old.Front.Draft && doc.Front.Draft {
				continue // a draft, left out before and after
			}
			patch = append(patch, doc)
			frontChanged = frontChanged || old.FrontHash != doc.FrontHash || doc.FrontHash == 0
			reviewedChanged = reviewedChanged || !old.Front.Reviewed.Equal(doc.Front.Reviewed)
		}
		// A list that gains or loses a page is a file that comes or goes,
		// which only a full pass writes or removes.
		if b.keepsPages(b.last, patch) {
			if warns, movers, ok := b.last.Patch(patch, b.today()); ok {
				c = b.last
				only, fresh = b.affected(c, patch, before, movers, frontChanged)
				moved = len(movers) > 0
				for _, p := range toRead {
					diags.Add(b.docs[p].doc.Diags...)
				}
				diags.Add(warns...)
			}
		}
	}
	patched := c != nil
	if !patched {
		diags.Add(b.cfgDiags...)
		diags.Add(b.treeDiags...)
		docs := make([]*content.Doc, 0, len(tree.Markdown))
		for _, p := range tree.Markdown {
			ds := b.docs[p]
			docs = append(docs, ds.doc)
			diags.Add(ds.doc.Diags...)
		}
		var d diag.List
		c, d = curriculum.Assemble(b.cfg, docs, curriculum.Options{Drafts: b.opts.Drafts, Today: b.today()})
		d.Add(reserved(c)...)
		d.Add(pageConflicts(c)...)
		diags.Add(d...)
	}
	b.lastOK = false
	b.lap("assemble")

	// Bodies; in a streamed build, module pages are written as they come.
	w := &writer{b: b, out: out, seen: map[string]bool{}}
	b.theme.ResetShared()
	stream := b.opts.Stream && diags.Errors() == 0
	b.renderBodies(c, w, stream)
	rendered := tree.Markdown
	if patched {
		rendered = toRead
	}
	for _, p := range rendered {
		diags.Add(b.docs[p].res.Diagnostics...)
	}
	b.lap("markdown (and module pages when streamed)")
	// Links: after a body-only save that kept every heading, only the
	// saved files' own links can have broken (the others were fine at the
	// last build and point at the same headings).
	// The same holds after a save that reassembled the curriculum but kept
	// the files and the modules built (a new level, say).
	var from []string // nil: every file
	if !full && !walked && lastOK && (patched || sameModules(b.last, c)) && sameHeadings(before, b.docs) {
		from = slices.Sorted(maps.Keys(before))
	}
	diags.Add(b.checkLinks(c, tree, from)...)
	b.lap("check links")
	if w.err != nil {
		diags.Errorf("themes/"+b.cfg.Theme, 0, "%v", w.err)
	}
	diags.Sort()
	if patched {
		// The last build's diagnostics of the files not read again, and
		// this build's of those that were.
		files := make(map[string]bool, len(toRead))
		for _, p := range toRead {
			files[b.docs[p].doc.File] = true
		}
		all := make(diag.List, 0, len(b.lastAll)+len(diags))
		for _, x := range b.lastAll {
			if !files[x.File] {
				all = append(all, x)
			}
		}
		all.Merge(diags)
		diags = all
	}
	if diags.Errors() > 0 {
		return st, diags
	}

	// Pages.
	// The search index is encoded on its own goroutine while the pages
	// render: much of its work is serial.
	index := make(chan map[string][]byte, 1)
	go func() { index <- b.updateSearch(c, only == nil) }()
	b.renderPages(c, w, !stream, only, fresh, moved)
	b.lap("render and write pages")
	b.writeStatics(tree, changedSet, full, w)
	for name, data := range <-index {
		// Files returns the very slice it returned last time for a file
		// that did not change: no need to hash megabytes to find out.
		if old, ok := b.searchOut[name]; ok && sameSlice(old, data) {
			if _, written := b.prints[name]; written {
				w.seen[name] = true
				continue
			}
		}
		b.searchOut[name] = data
		w.put(name, content.HashBytes(data), func() []byte { return data })
	}
	b.lap("search index")
	if only == nil || reviewedChanged {
		w.put("sitemap.xml", b.sitemapPrint(c), func() []byte { return sitemap(c) })
	}
	if only == nil || frontChanged {
		// Which modules the feed shows changes only with review dates.
		if only == nil || reviewedChanged || b.feedModules == nil {
			b.feedModules = feedModules(c)
		}
		ms := b.feedModules
		w.put("feed.xml", b.feedPrint(ms), func() []byte { return feed(c, ms, b.today()) })
	}
	w.put("robots.txt", b.global, func() []byte { return robots(c.Config) })
	w.put(".nojekyll", b.global, func() []byte { return nil })
	for _, a := range b.theme.Assets {
		w.put(a.Path, b.global, func() []byte { return a.Data })
	}
	if w.err != nil {
		diags.Errorf("themes/"+b.cfg.Theme, 0, "%v", w.err)
		diags.Sort()
		return st, diags
	}
	b.lap("feed, sitemap, assets")
	b.lastAll = diags
	if only != nil {
		// Every page not rendered stays as it is: nothing to remove, and
		// the counts are the last build's.
		b.built, b.lastOK = true, true
		st.Modules, st.Files, st.Pages, st.Rendered = len(c.Modules), len(b.prints), b.pages, w.rendered
		st.Duration = time.Since(start)
		return st, diags
	}
	for name := range b.prints {
		if !w.seen[name] {
			delete(b.prints, name)
			b.stale[name] = true
		}
	}
	for name := range b.stale {
		if !w.seen[name] {
			if err := out.Remove(name); err != nil {
				diags.Errorf(name, 0, "cannot remove: %v", err)
			}
		}
		delete(b.stale, name)
	}
	b.built, b.last, b.lastOK = true, c, true
	st.Modules = len(c.Modules)
	st.Files = len(w.seen)
	st.Rendered = w.rendered
	for name := range w.seen {
		if strings.HasSuffix(name, ".html") {
			st.Pages++
		}
	}
	b.pages = st.Pages
	st.Duration = time.Since(start)
	return st, diags
}

// existed reports whether every re-read document was there before.
func existed(before map[string]*docState) bool {
	for _, old := range before {
		if old == nil {
			return false
		}
	}
	return true
}

// affected lists the URLs of the pages that can show what changed in docs,
// which Patch put into c, and the modules whose list fragments must be
// rendered anew. Without frontmatter changes, that is the documents' own
// pages; otherwise also the pages of the lists they are on, the pages of
// the modules that name them (neighbours, prerequisites, what they are
// needed for, learning-path neighbours) and the home and help pages. For
// the modules that moved (Patch reports them), every page of their
// section's and terms' lists and every module page of their section
// (their neighbours) are considered too; for a module with new terms,
// every page of the lists it left or joined, and the facet indexes.
func (b *Builder) affected(c *curriculum.Curriculum, docs []*content.Doc, before map[string]*docState, moved []*curriculum.Module, frontChanged bool) (only map[string]bool, fresh []*curriculum.Module) {
	only = map[string]bool{}
	size := c.Config.PageSize
	sectionPages := func(s *curriculum.Section) {
		for _, pg := range paged(s.URL, s.Modules, size) {
			only[pg.url] = true
		}
	}
	for _, doc := range docs {
		if doc.Section {
			for _, s := range c.Sections {
				if s.Doc == doc {
					sectionPages(s)
					if frontChanged && s.Parent != nil {
						sectionPages(s.Parent)
						only[""] = true
					}
				}
			}
			continue
		}
		m := c.ByID[strings.TrimSuffix(doc.Path, ".md")]
		if m == nil {
			continue
		}
		only[m.URL] = true
		fresh = append(fresh, m)
		if !frontChanged {
			continue
		}
		old := before[doc.Path].doc.Front
		if retagged := !curriculum.SameTerms(&old, &doc.Front); retagged {
			// Every list it left or joined, and the counts of terms.
			for _, f := range c.Facets {
				only[f.Plural+"/"] = true
				for _, id := range slices.Concat(frontTerms(&old, f.Name), frontTerms(&doc.Front, f.Name)) {
					if tp := f.Page(id); tp != nil {
						for _, pg := range paged(tp.URL, tp.Modules, size) {
							only[pg.url] = true
						}
					}
				}
			}
			only[""], only["help/"] = true, true
		}
		if slices.Contains(moved, m) && (old.Title != doc.Front.Title || old.Weight != doc.Front.Weight) {
			// A new place in its section too (a new level or topic keeps it).
			sectionPages(m.Section)
			for _, n := range m.Section.Modules {
				only[n.URL] = true
			}
			for _, f := range c.Facets {
				for _, tp := range f.Terms {
					if tp.Index(m) >= 0 {
						for _, pg := range paged(tp.URL, tp.Modules, size) {
							only[pg.url] = true
						}
					}
				}
			}
		}
		only[pageOf(m.Section.URL, m.Section.Index(m), size)] = true
		for _, f := range c.Facets {
			for _, tp := range f.Terms {
				if i := tp.Index(m); i >= 0 {
					only[pageOf(tp.URL, i, size)] = true
				}
			}
		}
		only["catalogue/"] = true
		for _, p := range m.Paths {
			only[p.URL] = true
		}
		if m.Format.ID == "quick-reference" {
			only[""], only["help/"] = true, true
		}
		for _, n := range []*curriculum.Module{m.Prev, m.Next} {
			if n != nil {
				only[n.URL] = true
			}
		}
		for _, n := range m.Prerequisites {
			only[n.URL] = true
		}
		for _, p := range old.Prerequisites { // what they are needed for may have lost m
			if n := c.ByID[curriculum.PrerequisiteID(p)]; n != nil {
				only[n.URL] = true
			}
		}
		for _, n := range m.NeededFor {
			only[n.URL] = true
		}
		for _, p := range m.Paths {
			nav := render.PathNavFor(p, m)
			for _, n := range []*curriculum.Module{nav.Prev, nav.Next} {
				if n != nil {
					only[n.URL] = true
				}
			}
		}
	}
	return only, fresh
}

// frontTerms are the term ids fr gives for a facet.
func frontTerms(fr *content.Front, facet string) []string {
	switch facet {
	case "level":
		return []string{fr.Level}
	case "topic":
		return fr.Topics
	case "audience":
		return fr.Audience
	default:
		return []string{fr.Format}
	}
}

// keepsPages reports whether giving the modules of docs their new terms
// leaves every term list with as many pages as it has: a page that comes or
// goes is a file to write or remove, which a patched build does not do.
func (b *Builder) keepsPages(c *curriculum.Curriculum, docs []*content.Doc) bool {
	delta := map[*curriculum.TermPage]int{}
	for _, doc := range docs {
		m := c.ByID[strings.TrimSuffix(doc.Path, ".md")]
		if doc.Section || m == nil {
			continue // Patch decides
		}
		for _, f := range c.Facets {
			old, now := frontTerms(m.Front, f.Name), frontTerms(&doc.Front, f.Name)
			for _, id := range old {
				if tp := f.Page(id); tp != nil && !slices.Contains(now, id) {
					delta[tp]--
				}
			}
			for _, id := range now {
				if tp := f.Page(id); tp != nil && !slices.Contains(old, id) {
					delta[tp]++
				}
			}
		}
	}
	size := c.Config.PageSize
	for tp, d := range delta {
		if pageCount(len(tp.Modules), size) != pageCount(len(tp.Modules)+d, size) {
			return false
		}
	}
	return true
}

// pageConflicts reports modules and folders whose URLs are taken by the
// later pages of a section's list (<section>/page/2/ and on).
func pageConflicts(c *curriculum.Curriculum) diag.List {
	var diags diag.List
	sections := map[string]*curriculum.Section{}
	for _, s := range c.Sections {
		sections[s.URL] = s
	}
	for _, s := range c.Sections {
		if s.ID == "" {
			continue // the home page has no list of its own
		}
		pages := paged(s.URL, s.Modules, c.Config.PageSize)
		for _, pg := range pages[1:] {
			file := ""
			if m := c.ByID[strings.TrimSuffix(pg.url, "/")]; m != nil {
				file = m.Doc.File
			} else if o := sections[pg.url]; o != nil {
				file = "content/" + o.ID
				if o.Doc != nil {
					file = o.Doc.File
				}
			}
			if file != "" {
				diags.Errorf(file, 0, "the URL /%s is taken by page %d of the list of modules in /%s; rename the file or folder (a section's list continues at page/2/, page/3/, ...)", pg.url, pg.n, s.URL)
			}
		}
	}
	return diags
}

// sameModules reports whether two curricula build the same modules.
func sameModules(a, b *curriculum.Curriculum) bool {
	if a == nil || len(a.ByID) != len(b.ByID) {
		return false
	}
	for id := range b.ByID {
		if a.ByID[id] == nil {
			return false
		}
	}
	return true
}

// sameHeadings reports whether every re-read document has the heading ids
// it had before.
func sameHeadings(before, now map[string]*docState) bool {
	for p, old := range before {
		a, b := old.res.Headings, now[p].res.Headings
		if !old.rendered || len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].ID != b[i].ID {
				return false
			}
		}
	}
	return true
}

// needWalk reports whether the content tree must be listed again: on a
// full build, and when a changed path is not a file the last walk found
// or no longer exists (a file created, deleted or renamed).
func (b *Builder) needWalk(full bool, changed []string) bool {
	if full || b.known == nil {
		return true
	}
	for _, p := range changed {
		rel, ok := strings.CutPrefix(p, content.Dir+"/")
		if !ok {
			continue
		}
		if !b.known[rel] {
			return true
		}
		if _, err := fs.Stat(b.root, p); err != nil {
			return true
		}
	}
	return false
}

// lap reports the time since the previous lap to Options.Trace.
func (b *Builder) lap(what string) {
	if b.opts.Trace == nil {
		return
	}
	now := time.Now()
	if !b.lapAt.IsZero() {
		fmt.Fprintf(b.opts.Trace, "%8.1f ms  %s\n", float64(now.Sub(b.lapAt).Microseconds())/1000, what)
	}
	b.lapAt = now
}

func (b *Builder) today() time.Time {
	if b.opts.Today.IsZero() {
		return time.Now()
	}
	return b.opts.Today
}

func calloutLabels(t *render.Theme) map[string]string {
	labels := map[string]string{}
	for _, kind := range []string{"KEY POINTS", "RED FLAGS", "CALL THE TEAM", "PRACTICE TIP", "NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"} {
		if s, err := t.T("callout_" + strings.ToLower(strings.ReplaceAll(kind, " ", "_"))); err == nil {
			labels[kind] = s
		}
	}
	return labels
}

// readDocs reads and parses files on every core.
func (b *Builder) readDocs(paths []string) diag.List {
	states := make([]*docState, len(paths))
	errs := make([]error, len(paths))
	forEach(len(paths), func(i int) {
		p := paths[i]
		data, err := fs.ReadFile(b.root, path.Join(content.Dir, p))
		if err != nil {
			errs[i] = err
			states[i] = &docState{doc: &content.Doc{Path: p, File: path.Join(content.Dir, p), Section: path.Base(p) == content.IndexName}}
			return
		}
		doc := content.Parse(p, data)
		states[i] = &docState{doc: doc, hash: doc.Hash}
	})
	var diags diag.List
	for i, p := range paths {
		if errs[i] != nil {
			diags.Errorf(path.Join(content.Dir, p), 0, "cannot read: %v", errs[i])
		}
		b.docs[p] = states[i]
		b.unrendered[p] = true
	}
	return diags
}

// forEach calls fn for 0..n-1 on every core and returns when all are done.
func forEach(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// renderBodies converts the Markdown of every built document not yet
// rendered, on every core. When stream is set, each module's page is
// rendered and written at once and its body HTML is not kept.
func (b *Builder) renderBodies(c *curriculum.Curriculum, w *writer, stream bool) {
	var jobs []job
	var indexed []*curriculum.Module
	for _, p := range slices.Sorted(maps.Keys(b.unrendered)) {
		ds := b.docs[p]
		if ds == nil {
			delete(b.unrendered, p) // the file is gone
			continue
		}
		if ds.rendered || ds.doc.Body == nil {
			continue
		}
		m := c.ByID[strings.TrimSuffix(p, ".md")]
		if m == nil && (!ds.doc.Section || (ds.doc.Front.Draft && !b.opts.Drafts)) {
			continue // a draft left out: not rendered, not checked
		}
		j := job{gen: func() ([]byte, error) {
			ds.res = b.md.Render(markdown.Input{Source: ds.doc.Body, File: ds.doc.File, Path: p, FirstLine: ds.doc.BodyLine})
			html := template.HTML(ds.res.HTML) // goldmark's output; raw HTML is not rendered
			ds.res.HTML, ds.doc.Body, ds.rendered = nil, nil, true
			if m != nil {
				// Index the page here, on this core, and drop its text.
				b.index.Add(searchDoc(m, ds))
				ds.res.Sections = nil
			}
			if m == nil || !stream {
				ds.html = html
				return nil, nil
			}
			return b.theme.Render("module", b.moduleData(c, m, html))
		}}
		if m != nil && stream {
			j.name, j.print = fileOf(m.URL), b.modulePrint(m)
			w.seen[j.name] = true
		}
		if m != nil {
			indexed = append(indexed, m)
		}
		jobs = append(jobs, j)
		delete(b.unrendered, p)
	}
	run(jobs, w)
	for _, m := range indexed {
		b.indexed[m.URL] = searchKey(m, b.docs[m.Doc.Path])
	}
}

// checkLinks reports relative links to files or headings that do not exist.
// With from set, only the links of those files are checked.
func (b *Builder) checkLinks(c *curriculum.Curriculum, tree content.Tree, from []string) diag.List {
	var diags diag.List
	isDir := func(p string) bool {
		p = strings.TrimSuffix(p, "/")
		if p == "." {
			p = ""
		}
		return b.dirs[p]
	}
	anchors := func(ds *docState) map[string]bool {
		m := make(map[string]bool, len(ds.res.Headings))
		for _, h := range ds.res.Headings {
			m[h.ID] = true
		}
		return m
	}
	cache := map[string]map[string]bool{}
	built := func(p string) (*docState, bool) {
		ds, ok := b.docs[p]
		if !ok {
			return nil, false
		}
		if ds.doc.Section {
			// a section exists when it has modules or it is built
			return ds, !ds.doc.Front.Draft || b.opts.Drafts
		}
		_, ok = c.ByID[strings.TrimSuffix(p, ".md")]
		return ds, ok
	}
	if from == nil {
		from = tree.Markdown
	}
	for _, p := range from {
		src := b.docs[p]
		if _, ok := built(p); !ok && !src.doc.Section {
			continue // drafts are not checked when left out
		}
		for _, l := range src.res.Links {
			target := l.Target
			if target == "" {
				target = p
			}
			if !strings.HasSuffix(target, ".md") {
				if !b.known[target] && !isDir(target) { // a static file (targets here are not .md)
					what := "link"
					if l.Image {
						what = "image"
					}
					diags.Errorf(src.doc.File, l.Line, "broken %s %q: content/%s does not exist", what, l.Raw, target)
				}
				continue
			}
			ds, ok := built(target)
			if !ok {
				if _, exists := b.docs[target]; exists {
					diags.Errorf(src.doc.File, l.Line, "link %q points to a draft, which is not built; remove the link or build with --drafts", l.Raw)
				} else if path.Base(target) == content.IndexName && isDir(path.Dir(target)) {
					continue // a folder without _index.md still has a section page
				} else {
					diags.Errorf(src.doc.File, l.Line, "broken link %q: content/%s does not exist%s", l.Raw, target, diag.DidYouMean(target, slices.Sorted(maps.Keys(b.docs))))
				}
				continue
			}
			if l.Fragment == "" {
				continue
			}
			a, ok := cache[target]
			if !ok {
				a = anchors(ds)
				cache[target] = a
			}
			if !a[l.Fragment] {
				ids := make([]string, 0, len(ds.res.Headings))
				for _, h := range ds.res.Headings {
					ids = append(ids, h.ID)
				}
				allowed := "it has no headings"
				if len(ids) > 0 {
					allowed = "its headings are #" + strings.Join(ids, ", #")
				}
				diags.Errorf(src.doc.File, l.Line, "broken link %q: content/%s has no heading #%s%s; %s", l.Raw, target, l.Fragment, diag.DidYouMean(l.Fragment, ids), allowed)
			}
		}
	}
	return diags
}

// reservedNames are top-level URLs that cmesite generates.
var reservedNames = []string{"assets", "audiences", "catalogue", "formats", "help", "levels", "paths", "search", "topics", "404.html", "feed.xml", "sitemap.xml", "robots.txt"}

func reserved(c *curriculum.Curriculum) diag.List {
	var diags diag.List
	for _, s := range c.Root.Children {
		if slices.Contains(reservedNames, s.ID) {
			file := "content/" + s.ID
			if s.Doc != nil {
				file = s.Doc.File
			}
			diags.Errorf(file, 0, "the folder name %q is taken by pages cmesite generates; rename the folder (taken: %s)", s.ID, strings.Join(reservedNames, ", "))
		}
	}
	for _, m := range c.Root.Modules {
		if slices.Contains(reservedNames, path.Base(m.ID)) {
			diags.Errorf(m.Doc.File, 0, "the file name %q is taken by pages cmesite generates; rename the file (taken: %s)", path.Base(m.ID), strings.Join(reservedNames, ", "))
		}
	}
	return diags
}

// writer funnels rendered files to the Output, skipping files whose
// fingerprint did not change.
type writer struct {
	b        *Builder
	out      Output
	seen     map[string]bool
	rendered int
	err      error
}

// put makes (with gen) and writes name unless its fingerprint is unchanged.
func (w *writer) put(name string, print uint64, gen func() []byte) {
	if !w.unchanged(name, print) {
		w.write(name, print, gen())
	}
}

// unchanged marks name as part of this build and reports whether it was
// written with the same fingerprint before.
func (w *writer) unchanged(name string, print uint64) bool {
	w.seen[name] = true
	old, ok := w.b.prints[name]
	return ok && old == print
}

func (w *writer) write(name string, print uint64, data []byte) {
	w.b.prints[name] = print
	w.rendered++
	if err := w.out.Put(name, data); err != nil && w.err == nil {
		w.err = fmt.Errorf("%s: %w", name, err)
	}
}

// sameSlice reports whether a and b are the same bytes in memory.
func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// rootOf is the relative path from a page URL to the site root.
func rootOf(url string) string {
	n := strings.Count(url, "/")
	if n == 0 {
		return "./"
	}
	return strings.Repeat("../", n)
}

// fileOf is the output file of a page URL.
func fileOf(url string) string { return url + "index.html" }
