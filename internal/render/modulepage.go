package render

import (
	"bytes"
	"html/template"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/themes"
)

// A module page, the page of which a site has the most, is written by
// writePage (basePage and moduleMain) rather than by executing the
// templates when the theme's templates for it are the built-in ones:
// html/template spends a reflective call on every action and on the
// escaper of each, about 50 µs a page, five times what the page's own
// helpers cost.
//
// It writes exactly what the built-in base.html and module.html
// write (TestModulePageDirect holds the two to the same bytes), so it is
// used only when every template the page runs is the built-in one, which
// directPage decides at Load from the parse trees. A theme that
// overrides base.html, module.html or the badges, module-details, record
// or head templates gets its own templates, executed as before; one that
// overrides the chrome (header, footer, head-assets, record-top,
// record-end) keeps this path, since those are shared partials rendered
// from the theme's templates (Theme.shared).
//
// Each value is escaped as html/template escapes it in that place: text,
// a quoted attribute and <title> by one table (escape below), a helper's
// HTML and the record's JSON as they are. The URLs it writes in href
// (the root, the canonical URL) are passed through only when
// html/template's URL filter and normaliser would leave them as they
// are; otherwise the templates make the page. Any error (a UI string the
// theme lacks, a helper failing) also hands the page to the templates,
// whose error is the one reported.

// pageTemplates are, for each kind of page written without executing
// the templates when they are the built-in ones, the templates its page
// runs, by name; "" is base.html (named by its file). Module pages are
// written with moduleMain; term and catalogue pages, a large site's many
// list pages, with termMain and catalogueMain (listpage.go); each by
// basePage.
var pageTemplates = map[string][]string{
	"module":    {"", "main", "head", "badges", "module-details", "record"},
	"term":      {"", "main", "head", "listpager"},
	"catalogue": {"", "main", "head", "listpager"},
}

// directPage reports whether the namespace ns of pages of kind (base.html
// named baseFile, not executed yet) runs the built-in templates.
func directPage(kind string, ns *template.Template, baseFile string) bool {
	ref := builtinTrees()[kind]
	if ref == nil {
		return false
	}
	for _, name := range pageTemplates[kind] {
		if tree, ok := treeText(ns, baseFile, name); !ok || tree != ref[name] {
			return false
		}
	}
	return true
}

// treeText is the parse tree's text of the template name of ns, base.html
// (named baseFile) for "".
func treeText(ns *template.Template, baseFile, name string) (string, bool) {
	if name == "" {
		name = baseFile
	}
	tmpl := ns.Lookup(name)
	if tmpl == nil || tmpl.Tree == nil || tmpl.Tree.Root == nil {
		return "", false
	}
	return tmpl.Tree.Root.String(), true
}

// builtinTrees are, by kind, the built-in theme's pageTemplates, each as
// its parse tree's text, from base.html, the partials and the kind's
// template parsed into one namespace as Load does; made once, as the
// built-in theme is embedded. Parsing needs the functions' names only,
// which every Theme's funcs share.
var builtinTrees = sync.OnceValue(func() map[string]map[string]string {
	fsys := themes.Default()
	partials, _ := fs.Glob(fsys, "templates/partials/*.html")
	all := map[string]map[string]string{}
	for kind, names := range pageTemplates {
		ns := template.New("").Funcs((&Theme{}).funcs())
		files := append([]string{"templates/base.html"}, partials...)
		files = append(files, "templates/"+kind+".html")
		ok := true
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err == nil {
				_, err = ns.New(f).Parse(string(b))
			}
			ok = ok && err == nil
		}
		trees := map[string]string{}
		for _, name := range names {
			tree, found := treeText(ns, files[0], name)
			ok = ok && found
			trees[name] = tree
		}
		if ok {
			all[kind] = trees
		}
	}
	return all
})

// moduleMain is module.html's "main".
func (p *pageWriter) moduleMain(d *Data) {
	t, m := p.t, d.Module
	f := m.Front
	p.s("\n<article class=\"module\" data-module-id=\"")
	p.esc(m.ID)
	p.s("\" data-level=\"")
	p.esc(m.Level.ID)
	p.s("\" data-format=\"")
	p.esc(m.Format.ID)
	p.s("\"")
	if f.HasCredits {
		p.s(" data-credits=\"")
		p.esc(Credits(f.Credits))
		p.s("\"")
	}
	if f.Minutes != 0 {
		p.s(" data-minutes=\"")
		p.s(strconv.Itoa(f.Minutes))
		p.s("\"")
	}
	p.s(">\n<nav class=\"breadcrumbs\" aria-label=\"")
	p.T("breadcrumbs_label")
	p.s("\"><ol>\n<li><a href=\"")
	p.s(d.Root)
	p.s("\">")
	p.T("home")
	p.s("</a></li>")
	p.markup(func(b *markup) error {
		var buf [8]*curriculum.Section
		b.crumbs(d.Root, appendTrail(buf[:0], m.Section))
		return nil
	})
	p.s("\n</ol></nav>\n<header class=\"module-header\">\n<h1>")
	p.esc(f.Title)
	p.s("</h1>\n")
	p.markup(func(b *markup) error { return t.writeBadges(b, d.Root, m, d.Config) })
	p.s("\n<p class=\"lead\">")
	p.esc(f.Summary)
	p.s("</p>\n</header>\n")
	p.markup(func(b *markup) error { return t.writeOverdueNotice(b, m) })
	p.s("\n")
	quick := m.IsQuickReference()
	if !quick {
		p.markup(func(b *markup) error { return t.writeModuleDetails(b, d.Root, m) })
		p.s("\n")
		if len(d.TOC) > 0 {
			p.s("\n<nav class=\"toc\" aria-labelledby=\"toc-title\"><h2 id=\"toc-title\">")
			p.T("toc_title")
			p.s("</h2>")
			p.markup(func(b *markup) error { b.toc(d.TOC); return nil })
			p.s("</nav>\n")
		}
	}
	p.s("\n<div class=\"module-body\" data-search-body data-checklist data-ticks-clear=\"")
	p.T("ticks_clear")
	p.s("\" data-ticks-note=\"")
	p.T("ticks_note")
	p.s("\">\n")
	p.s(string(d.Body))
	p.s("\n</div>\n")
	if len(f.References) > 0 {
		p.s("\n<section class=\"references\" aria-labelledby=\"references-title\"><h2 id=\"references-title\">")
		p.T("references_title")
		p.s("</h2><ol>")
		for _, r := range f.References {
			p.s("<li>")
			p.esc(r)
			p.s("</li>")
		}
		p.s("</ol></section>\n")
	}
	p.s("\n")
	if quick {
		p.s("<details class=\"card-details\">\n<summary>")
		p.T("card_details")
		p.s("</summary>\n")
		p.markup(func(b *markup) error { return t.writeModuleDetails(b, d.Root, m) })
		p.s("\n</details>")
	}
	p.s("\n")
	p.shared("record-top", d)
	p.s("\n<script type=\"application/json\" data-record-module>")
	p.s(string(d.Record))
	p.s("</script>\n")
	p.shared("record-end", d)
	p.s("\n<footer class=\"module-footer\">\n")
	p.markup(func(b *markup) error { return t.writeModuleFooter(b, m) })
	p.s("\n</footer>\n")
	if len(d.Config.Contacts) > 0 {
		p.s("<aside class=\"call-team\" aria-label=\"")
		p.T("contacts_title")
		p.s("\"><a href=\"")
		p.s(d.Root)
		p.s("help/#contacts\">")
		p.T("call_team_link")
		p.s("</a></aside>")
	}
	p.s("\n")
	p.markup(func(b *markup) error { return t.writePagers(b, d.Root, m) })
	p.s("\n</article>\n")
}

// pageWriter writes a page, remembering whether a part failed.
type pageWriter struct {
	w      *bytes.Buffer
	t      *Theme
	failed bool
}

func (p *pageWriter) s(s string) { p.w.WriteString(s) }

// top writes base.html up to its "main", for a page whose "head" block
// is empty.
func (p *pageWriter) top(d *Data) {
	p.s("<!doctype html>\n<html lang=\"")
	p.esc(d.Lang)
	p.s("\" data-root=\"")
	p.esc(d.Root)
	p.s("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	if d.Title != "" {
		p.esc(d.Title)
		p.s(" · ")
	}
	p.esc(d.Config.Title)
	p.s("</title>\n")
	if d.Description != "" {
		p.s("<meta name=\"description\" content=\"")
		p.esc(d.Description)
		p.s("\">")
	}
	p.s("\n")
	if d.Canonical != "" {
		p.s("<link rel=\"canonical\" href=\"")
		p.s(d.Canonical)
		p.s("\">")
	}
	p.s("\n<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"cmesite\">\n")
	p.shared("head-assets", d)
	p.s("\n</head>\n<body class=\"kind-")
	p.esc(d.Kind)
	p.s("\">\n")
	p.shared("header", d)
	p.s("\n")
	if d.Config.Notice != "" {
		p.s("<aside class=\"site-notice\" aria-label=\"")
		p.T("notice_label")
		p.s("\"><p class=\"wrap\">")
		p.esc(d.Config.Notice)
		p.s("</p></aside>")
	}
	p.s("\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n")
}

// bottom writes base.html after its "main".
func (p *pageWriter) bottom(d *Data) {
	p.s("\n</main>\n")
	p.shared("footer", d)
	p.s("\n</body>\n</html>\n")
}

// esc writes s as html/template writes a string in text, in a quoted
// attribute or in <title>: NUL " & ' + < > replaced (its
// htmlReplacementTable), everything else, invalid UTF-8 too, as it is.
// It is markup.text's loop with '+' added: one loop for both, writing
// through an io.StringWriter, made the card helper 15% slower; one
// appending to a slice (markup's, or the page buffer's spare room), the
// card helper and a module page 7% and 15% slower (medians of 5).
func (p *pageWriter) esc(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		p.w.WriteString(s[last:i])
		p.w.WriteString(r)
		last = i + 1
	}
	p.w.WriteString(s[last:])
}

// T writes the UI string key, escaped.
func (p *pageWriter) T(key string) {
	if s, ok := p.ok(p.t.T(key)); ok {
		p.esc(s)
	}
}

// ok returns s, and false after marking the page failed when err is not
// nil.
func (p *pageWriter) ok(s string, err error) (string, bool) {
	if err != nil {
		p.failed = true
		return "", false
	}
	return s, true
}

// html writes a helper's markup.
func (p *pageWriter) html(h template.HTML, err error) {
	if err != nil {
		p.failed = true
		return
	}
	p.w.WriteString(string(h))
}

// markup writes what write writes with a helper's writer straight into
// the page, with no string of its own.
func (p *pageWriter) markup(write func(b *markup) error) {
	b := markup{b: p.w.AvailableBuffer()}
	if err := write(&b); err != nil {
		p.failed = true
		return
	}
	p.w.Write(b.b)
}

func (p *pageWriter) shared(name string, d *Data) { p.html(p.t.shared(name, d)) }

// rootURL reports whether root is a page's path to the site root ("./",
// "../", "../../", ...), which html/template writes in an href as it is.
func rootURL(root string) bool {
	if root == "./" {
		return true
	}
	for len(root) > 0 {
		rest, ok := strings.CutPrefix(root, "../")
		if !ok {
			return false
		}
		root = rest
	}
	return true
}

// plainURL reports whether html/template writes u, an absolute http(s)
// URL, in a quoted href as it is: its URL normaliser keeps every byte of
// it and its attribute escaper changes none.
func plainURL(u string) bool {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return false
	}
	return plainChars(u)
}

// plainChars reports whether html/template's URL normaliser and
// attribute escaper keep every byte of u, after the start of a URL. The
// normaliser keeps a "%" only as the start of an escape ("%2F").
func plainChars(u string) bool {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!#$*,/:;=?@[]", c) >= 0:
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
