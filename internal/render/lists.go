package render

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/organize"
)

// The list helpers build the markup of lists that every module page has —
// its topics, audiences, prerequisites, table of contents — in Go, with
// each text and attribute escaped, instead of ranging in a template: a
// template pays several reflective calls for every action of every item,
// which made these lists half the cost of a 10,000-module build. (Hugo
// renders .TableOfContents the same way.) A theme that wants other markup
// can still range over the same data itself.

// credits prints a number of credits as authors write it: 1, 0.5, 7.5.
// Credits formats a number of credits as badges and catalogue rows show it.
func Credits(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// markup builds the HTML of a list helper, into a slice of its own for a
// template (html), or into the page a direct writer makes
// (pageWriter.markup) without a string of its own. Each text goes in
// escaped as html.EscapeString escapes it, without the intermediate
// strings that escaping and concatenating would allocate.
// Its methods are strings.Builder's, which it was.
type markup struct{ b []byte }

func (b *markup) WriteString(s string) (int, error) { b.b = append(b.b, s...); return len(s), nil }
func (b *markup) WriteByte(c byte) error            { b.b = append(b.b, c); return nil }
func (b *markup) Write(p []byte) (int, error)       { b.b = append(b.b, p...); return len(p), nil }
func (b *markup) Grow(n int)                        { b.b = slices.Grow(b.b, n) }

// text writes s escaped: & ' < > " as &amp; &#39; &lt; &gt; &#34;, and a
// NUL byte as U+FFFD, as html/template writes it (html.EscapeString
// keeps it).
func (b *markup) text(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case 0:
			esc = "\uFFFD"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// raw writes markup that needs no escaping.
func (b *markup) raw(parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

// href writes a relative URL made of a root and path segments: each part
// between slashes path-escaped, the whole HTML-escaped.
func (b *markup) href(root string, segments ...string) {
	b.text(root)
	for _, s := range segments {
		for {
			part, rest, more := strings.Cut(s, "/")
			b.text(url.PathEscape(part))
			if !more {
				break
			}
			b.WriteByte('/')
			s = rest
		}
	}
}

// html returns what b holds, every part of which was escaped as it was
// written, as strings.Builder does: without a copy, so b is written no
// more.
func (b *markup) html() template.HTML {
	return template.HTML(unsafe.String(unsafe.SliceData(b.b), len(b.b)))
}

// termLinks joins links to the term pages of terms with ", ":
// {{termLinks $.Root "topics" .Module.Topics}}.
func termLinks(root, plural string, terms []config.Term) template.HTML {
	var b markup
	n := 0
	for _, t := range terms {
		n += 2*len(root) + len(plural) + len(t.ID) + len(t.Label) + 24
	}
	b.Grow(n)
	b.termLinks(root, plural, terms)
	return b.html()
}

func (b *markup) termLinks(root, plural string, terms []config.Term) {
	for i, t := range terms {
		if i > 0 {
			b.raw(", ")
		}
		b.raw(`<a href="`)
		b.href(root, plural+"/", t.ID, "/")
		b.raw(`">`)
		b.text(t.Label)
		b.raw(`</a>`)
	}
}

// moduleLinks is a <ul> of links to modules: {{moduleLinks $.Root .Module.Prerequisites}}.
func moduleLinks(root string, ms []*curriculum.Module) template.HTML {
	var b markup
	n := 9
	for _, m := range ms {
		n += len(root) + len(m.URL) + len(m.Front.Title) + 30
	}
	b.Grow(n)
	b.moduleLinks(root, ms)
	return b.html()
}

func (b *markup) moduleLinks(root string, ms []*curriculum.Module) {
	b.raw("<ul>")
	for _, m := range ms {
		b.raw(`<li><a href="`)
		b.href(root, m.URL)
		b.raw(`">`)
		b.text(m.Front.Title)
		b.raw(`</a></li>`)
	}
	b.raw("</ul>")
}

// pathLinks joins links to learning paths with ", ".
func pathLinks(root string, ps []*curriculum.Path) template.HTML {
	var b markup
	n := 0
	for _, p := range ps {
		n += len(root) + len(p.URL) + len(p.Title) + 20
	}
	b.Grow(n)
	b.pathLinks(root, ps)
	return b.html()
}

func (b *markup) pathLinks(root string, ps []*curriculum.Path) {
	for i, p := range ps {
		if i > 0 {
			b.raw(", ")
		}
		b.raw(`<a href="`)
		b.href(root, p.URL)
		b.raw(`">`)
		b.text(p.Title)
		b.raw(`</a>`)
	}
}

// sectionCrumbs are the breadcrumbs of section s and the sections it
// is in, outermost first: an <li> with a link for each, as
// {{range sectionTrail s}}<li><a href="{{$.Root}}{{.URL}}">{{.Title}}</a></li>{{end}}
// makes them (each URL segment path-escaped, as moduleLinks does):
// {{sectionCrumbs $.Root .Module.Section}}. The root section, and a nil
// s, have none.
func sectionCrumbs(root string, s *curriculum.Section) template.HTML {
	var buf [8]*curriculum.Section
	trail := appendTrail(buf[:0], s)
	if len(trail) == 0 {
		return ""
	}
	n := 0
	for _, s := range trail {
		n += len(root) + len(s.URL) + len(s.Title) + 28
	}
	var b markup
	b.Grow(n)
	b.crumbs(root, trail)
	return b.html()
}

// crumbs writes sectionCrumbs of the sections of trail.
func (b *markup) crumbs(root string, trail []*curriculum.Section) {
	for _, s := range trail {
		b.raw(`<li><a href="`)
		b.href(root, s.URL)
		b.raw(`">`)
		b.text(s.Title)
		b.raw(`</a></li>`)
	}
}

// appendTrail appends to dst section s and the sections it is in, up to
// the root section (not included), outermost first: {{sectionTrail s}}.
func appendTrail(dst []*curriculum.Section, s *curriculum.Section) []*curriculum.Section {
	start := len(dst)
	for ; s != nil && s.ID != ""; s = s.Parent {
		dst = append(dst, s)
	}
	slices.Reverse(dst[start:])
	return dst
}

// sayer returns a function that writes the UI string key into b,
// escaped, and keeps the first error in *err (a string the theme lacks);
// after one, it writes nothing.
func (t *Theme) sayer(b *markup, err *error) func(key string) {
	return func(key string) {
		if *err != nil {
			return
		}
		var s string
		if s, *err = t.T(key); *err == nil {
			b.text(s)
		}
	}
}

// overdueNotice is a module page's notice that the module is overdue
// for review, with its review_by date: hidden unless the module was
// overdue on the day of the build (main.js shows it once the date has
// passed in the reader's calendar), and none when the module gives no
// review_by: {{overdueNotice .Module}}.
func (t *Theme) overdueNotice(m *curriculum.Module) (template.HTML, error) {
	var b markup
	if err := t.writeOverdueNotice(&b, m); err != nil {
		return "", err
	}
	return b.html(), nil
}

func (t *Theme) writeOverdueNotice(b *markup, m *curriculum.Module) error {
	if m.Front.ReviewBy.IsZero() {
		return nil
	}
	w, err := t.T("overdue_notice")
	if err != nil {
		return err
	}
	var buf [10]byte
	d := m.Front.ReviewBy.AppendFormat(buf[:0], time.DateOnly)
	b.Grow(112 + len(w))
	b.raw(`<p class="notice notice-overdue" role="note" data-overdue-notice data-review-by="`)
	b.Write(d)
	b.raw(`"`)
	if !m.Overdue {
		b.raw(" hidden")
	}
	b.raw(">")
	b.text(w)
	b.raw(" ")
	b.Write(d)
	b.raw(".</p>")
	return nil
}

// moduleFooter is the end of a module page: its authors, its
// disclosures when it gives no credits (the CME box shows them when it
// does), and when it was reviewed and is due for review, each date only
// when the module gives it: {{moduleFooter .Module}}.
func (t *Theme) moduleFooter(m *curriculum.Module) (template.HTML, error) {
	f := m.Front
	var b markup
	n := 400
	for _, a := range f.Authors {
		n += len(a.Name) + len(a.Role) + 5
	}
	for _, d := range f.Disclosures {
		n += len(d) + 2
	}
	b.Grow(n)
	if err := t.writeModuleFooter(&b, m); err != nil {
		return "", err
	}
	return b.html(), nil
}

func (t *Theme) writeModuleFooter(b *markup, m *curriculum.Module) error {
	f := m.Front
	var err error
	say := t.sayer(b, &err)
	if len(f.Authors) > 0 {
		b.raw(`<p class="authors"><strong>`)
		say("authors_title")
		b.raw("</strong> ")
		for i, a := range f.Authors {
			if i > 0 {
				b.raw("; ")
			}
			b.text(a.Name)
			if a.Role != "" {
				b.raw(" (")
				b.text(a.Role)
				b.raw(")")
			}
		}
		b.raw("</p>")
	}
	b.raw("\n")
	if f.HasDiscl && !f.HasCredits {
		b.writeDisclosures(f.Disclosures, say)
	}
	b.raw("\n")
	if !f.Reviewed.IsZero() || !f.ReviewBy.IsZero() {
		b.raw(`<p class="review">`)
		if !f.Reviewed.IsZero() {
			say("reviewed")
			b.time(f.Reviewed)
		}
		if !f.ReviewBy.IsZero() {
			if !f.Reviewed.IsZero() {
				b.raw(" · ")
			}
			if m.Overdue {
				b.raw(`<strong class="overdue">`)
				say("review_overdue")
				b.raw("</strong>")
			} else {
				say("review_by")
			}
			b.time(f.ReviewBy)
		}
		b.raw("</p>")
	}
	return err
}

// time writes " <time>" with date d, as the date function prints it.
func (b *markup) time(d time.Time) {
	var buf [10]byte
	b.raw(" ")
	b.timeElem(d.AppendFormat(buf[:0], time.DateOnly))
}

// timeElem writes a <time> element for the date d, "2006-01-02", which
// needs no escaping.
func (b *markup) timeElem(d []byte) {
	b.raw(`<time datetime="`)
	b.Write(d)
	b.raw(`">`)
	b.Write(d)
	b.raw("</time>")
}

// writeDisclosures writes a module's disclosures paragraph: the
// disclosures joined with "; ", or the words for none.
func (b *markup) writeDisclosures(ds []string, say func(key string)) {
	b.raw(`<p class="disclosures"><strong>`)
	say("disclosures_title")
	b.raw("</strong> ")
	if len(ds) > 0 {
		for i, d := range ds {
			if i > 0 {
				b.raw("; ")
			}
			b.text(d)
		}
	} else {
		say("disclosures_none")
	}
	b.raw("</p>")
}

// moduleDetails is what a module is about and for: its topics, audience,
// prerequisites, the modules that need it, its learning paths and
// competencies, and the CME box (objectives, disclosures):
// {{moduleDetails .Root .Module}}, the default theme's "module-details".
// It makes the markup the template made when it was written in the
// theme with two dozen actions, a third of a module page's template time
// (each action is a reflective call); TestModuleDetails holds it to that
// template.
func (t *Theme) moduleDetails(root string, m *curriculum.Module) (template.HTML, error) {
	var b markup
	n := 1024
	for _, o := range m.Front.Objectives {
		n += len(o) + 9
	}
	for _, d := range m.Front.Disclosures {
		n += len(d) + 2
	}
	b.Grow(n + 200*(len(m.Prerequisites)+len(m.NeededFor)+len(m.Paths)) + 120*(len(m.Topics)+len(m.Audiences)+len(m.Competencies)))
	if err := t.writeModuleDetails(&b, root, m); err != nil {
		return "", err
	}
	return b.html(), nil
}

func (t *Theme) writeModuleDetails(b *markup, root string, m *curriculum.Module) error {
	var err error
	say := t.sayer(b, &err)
	// row writes a row of the list when it has n items: the UI string
	// key as its term, then what write writes.
	row := func(key string, n int, write func()) {
		if n == 0 {
			return
		}
		b.raw("<div><dt>")
		say(key)
		b.raw("</dt><dd>")
		write()
		b.raw("</dd></div>")
	}
	b.raw(`<dl class="module-meta">`)
	row("meta_topics", len(m.Topics), func() { b.termLinks(root, "topics", m.Topics) })
	row("meta_audience", len(m.Audiences), func() { b.termLinks(root, "audiences", m.Audiences) })
	row("meta_prerequisites", len(m.Prerequisites), func() { b.moduleLinks(root, m.Prerequisites) })
	row("meta_needed_for", len(m.NeededFor), func() { b.moduleLinks(root, m.NeededFor) })
	row("meta_paths", len(m.Paths), func() { b.pathLinks(root, m.Paths) })
	row("meta_competencies", len(m.Competencies), func() {
		for i, c := range m.Competencies {
			if i > 0 {
				b.raw("; ")
			}
			b.text(c.ID)
			b.raw(". ")
			b.text(c.Label)
		}
	})
	b.raw("\n</dl>\n")
	f := m.Front
	if len(f.Objectives) > 0 || f.HasCredits {
		b.raw("\n<section class=\"cme-box\" aria-labelledby=\"cme-title\">\n<h2 id=\"cme-title\">")
		say("cme_title")
		b.raw("</h2>\n")
		if len(f.Objectives) > 0 {
			b.raw("<p>")
			say("objectives_intro")
			b.raw(`</p><ul class="objectives">`)
			for _, o := range f.Objectives {
				b.raw("<li>")
				b.text(o)
				b.raw("</li>")
			}
			b.raw("</ul>")
		}
		b.raw("\n")
		if f.HasCredits {
			b.raw("\n")
			b.writeDisclosures(f.Disclosures, say)
			b.raw("\n<p class=\"cme-note\">")
			say("cme_note")
			b.raw("</p>\n")
		}
		b.raw("\n</section>\n")
	}
	b.raw("\n")
	return err
}

// tocList is the <ol> of a table of contents: {{tocList .TOC}}; entries
// have the class toc-2 or toc-3 after their heading level.
func tocList(hs []Heading) template.HTML {
	var b markup
	n := 9
	for _, h := range hs {
		n += len(h.ID) + len(h.Text) + 40
	}
	b.Grow(n)
	b.toc(hs)
	return b.html()
}

// toc writes tocList of hs.
func (b *markup) toc(hs []Heading) {
	b.raw("<ol>")
	for _, h := range hs {
		b.raw(`<li class="toc-`, strconv.Itoa(h.Level), `"><a href="#`)
		b.text(url.PathEscape(h.ID))
		b.raw(`">`)
		b.text(h.Text)
		b.raw(`</a></li>`)
	}
	b.raw("</ol>")
}

// termIDs joins the ids of terms with spaces (for data- attributes).
func termIDs(terms []config.Term) string {
	ids := make([]string, len(terms))
	for i, t := range terms {
		ids[i] = t.ID
	}
	return strings.Join(ids, " ")
}

// termLabels joins the labels of terms with ", ".
func termLabels(terms []config.Term) string {
	ls := make([]string, len(terms))
	for i, t := range terms {
		ls[i] = t.Label
	}
	return strings.Join(ls, ", ")
}

// numbers formats whole numbers, for join: {{join (numbers .Module.Front.Competencies) ", "}}.
func numbers(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return out
}

// pagers is the previous/next navigation of a module page: within its
// section, then along each learning path it is on:
// {{pagers $.Root .Module}}.
func (t *Theme) pagers(root string, m *curriculum.Module) (template.HTML, error) {
	var b markup
	b.Grow(512 + 256*len(m.Paths))
	if err := t.writePagers(&b, root, m); err != nil {
		return "", err
	}
	return b.html(), nil
}

func (t *Theme) writePagers(b *markup, root string, m *curriculum.Module) error {
	label, err := t.T("pager_label")
	if err != nil {
		return err
	}
	prev, err := t.T("previous")
	if err != nil {
		return err
	}
	next, err := t.T("next")
	if err != nil {
		return err
	}
	step, err := t.T("path_step")
	if err != nil {
		return err
	}
	link := func(class, word string, o *curriculum.Module) {
		if o == nil {
			return
		}
		b.raw(`<a class="`, class, `" rel="`, class, `" href="`)
		b.href(root, o.URL)
		b.raw(`"><span>`)
		b.text(word)
		b.raw(`</span> `)
		b.text(o.Front.Title)
		b.raw("</a>")
	}
	b.raw(`<nav class="pager" aria-label="`)
	b.text(label)
	b.raw("\">\n")
	link("prev", prev, m.Prev)
	b.raw("\n")
	link("next", next, m.Next)
	b.raw("\n</nav>\n")
	for _, p := range m.Paths {
		nav := PathNavFor(p, m)
		b.raw(`<nav class="pager path-pager" aria-label="`)
		b.text(p.Title)
		b.raw("\">\n", `<p class="path-pos"><a href="`)
		b.href(root, p.URL)
		b.raw(`">`)
		b.text(p.Title)
		b.raw("</a>: ")
		b.text(step)
		b.raw(" ", strconv.Itoa(nav.Pos), "/", strconv.Itoa(len(p.Modules)), "</p>\n")
		link("prev", prev, nav.Prev)
		b.raw("\n")
		link("next", next, nav.Next)
		b.raw("\n</nav>\n")
	}
	return nil
}

// badges shows a module's level, format, duration, credits and an
// overdue review: {{badges $.Root .Module .Config}}.
func (t *Theme) badges(root string, m *curriculum.Module, cfg *config.Config) (template.HTML, error) {
	var b markup
	b.Grow(400)
	if err := t.writeBadges(&b, root, m, cfg); err != nil {
		return "", err
	}
	return b.html(), nil
}

func (t *Theme) writeBadges(b *markup, root string, m *curriculum.Module, cfg *config.Config) error {
	b.raw(`<span class="badges">`)
	term := func(facet string, tm config.Term, space bool) {
		if tm.ID == "" {
			return
		}
		if space {
			b.raw(" ")
		}
		f, _ := content.FacetNamed(facet)
		b.raw(`<a class="badge `, f.Name, " ", f.Name, "-")
		b.text(tm.ID)
		b.raw(`" href="`)
		b.href(root, f.Plural+"/", tm.ID, "/")
		b.raw(`">`)
		b.text(tm.Label)
		b.raw("</a>")
	}
	term(content.FacetLevel, m.Level, false)
	term(content.FacetFormat, m.Format, true)
	if n := m.Front.Minutes; n > 0 {
		d, err := t.Duration(n)
		if err != nil {
			return err
		}
		b.raw(` <span class="badge duration">`)
		b.text(d)
		b.raw("</span>")
	}
	if m.Front.HasCredits {
		b.raw(` <span class="badge credits">`, Credits(m.Front.Credits), " ")
		b.text(cfg.CreditsLabel)
		b.raw("</span>")
	}
	if m.Overdue {
		o, err := t.T("overdue_badge")
		if err != nil {
			return err
		}
		b.raw(` <span class="badge overdue">`)
		b.text(o)
		b.raw("</span>")
	}
	b.raw("\n</span>")
	return nil
}

// card is a module in a list of cards: {{card .}} with an Item.
func (t *Theme) card(it Item) (template.HTML, error) {
	m := it.Module
	var b markup
	b.Grow(2*len(it.Root) + len(m.ID) + len(m.URL) + len(m.Front.Title) + len(m.Front.Summary) + 600)
	b.raw(`<li class="card" data-module="`)
	b.text(m.ID)
	b.raw("\">\n", `<h3 class="card-title"><a href="`)
	b.href(it.Root, m.URL)
	b.raw(`">`)
	b.text(m.Front.Title)
	b.raw("</a></h3>\n")
	if err := t.writeBadges(&b, it.Root, m, it.Config); err != nil {
		return "", err
	}
	b.raw("\n<p class=\"card-summary\">")
	b.text(m.Front.Summary)
	b.raw("</p>\n</li>\n")
	return b.html(), nil
}

// row is a module in the catalogue table: {{row .}} with an Item.
func (t *Theme) row(it Item) (template.HTML, error) {
	m := it.Module
	var b markup
	b.Grow(len(it.Root) + len(m.ID) + len(m.URL) + len(m.Front.Title) + len(m.Front.Summary) + 600)
	b.raw(`<tr data-module="`)
	b.text(m.ID)
	b.raw(`" data-level="`)
	b.text(m.Level.ID)
	b.raw(`" data-format="`)
	b.text(m.Format.ID)
	b.raw(`" data-topic="`)
	b.terms(m.Topics, " ", false)
	b.raw(`" data-audience="`)
	b.terms(m.Audiences, " ", false)
	b.raw("\">\n", `<td><a href="`)
	b.href(it.Root, m.URL)
	b.raw(`">`)
	b.text(m.Front.Title)
	b.raw(`</a><br><span class="row-summary">`)
	b.text(m.Front.Summary)
	b.raw("</span></td>\n<td>")
	b.text(m.Level.Label)
	b.raw("</td>\n<td>")
	b.terms(m.Topics, ", ", true)
	b.raw("</td>\n<td>")
	b.terms(m.Audiences, ", ", true)
	b.raw("</td>\n<td>")
	b.text(m.Format.Label)
	b.raw("</td>\n", `<td class="num">`)
	if m.Front.Minutes > 0 {
		d, err := t.Duration(m.Front.Minutes)
		if err != nil {
			return "", err
		}
		b.text(d)
	}
	b.raw("</td>\n<td class=\"num\">")
	if m.Front.HasCredits {
		b.raw(Credits(m.Front.Credits))
	}
	b.raw("</td>\n</tr>\n")
	return b.html(), nil
}

// terms writes the ids (or labels) of terms, escaped, separated by sep:
// what termIDs (termLabels) returns, escaped.
func (b *markup) terms(terms []config.Term, sep string, labels bool) {
	for i, t := range terms {
		if i > 0 {
			b.text(sep)
		}
		if labels {
			b.text(t.Label)
		} else {
			b.text(t.ID)
		}
	}
}

// reviewRows are the rows of the review schedule, one <tr> per module
// after a newline: {{reviewRows $.Root .Report.Reviews}} (a paged
// schedule gives the page's rows). Each row has its status as a class
// and, when the module has a review date, as data-review-by, for
// main.js to bring the status to the reader's today.
func (t *Theme) reviewRows(root string, rows []organize.Review) (template.HTML, error) {
	status := map[string]string{}
	for _, s := range organize.ReviewStatuses {
		w, err := t.T("review_status_" + s)
		if err != nil {
			return "", err
		}
		status[s] = w
	}
	var b markup
	n := 0
	for i := range rows {
		r := &rows[i]
		n += 300 + len(root) + 2*len(r.URL) + len(r.Title) + len(r.File)
		for _, a := range r.Authors {
			n += len(a) + 2
		}
	}
	b.Grow(n)
	date := func(d string) {
		if d != "" { // organize writes a date as time.DateOnly
			b.timeElem([]byte(d))
		}
	}
	for i := range rows {
		r := &rows[i]
		w, ok := status[r.Status]
		if !ok {
			var err error
			if w, err = t.T("review_status_" + r.Status); err != nil {
				return "", err
			}
		}
		b.raw("\n<tr class=\"review-")
		b.text(r.Status)
		b.raw(`"`)
		if r.ReviewBy != "" {
			b.raw(` data-review-by="`)
			b.text(r.ReviewBy)
			b.raw(`"`)
		}
		b.raw(`><th scope="row"><a href="`)
		b.href(root, r.URL)
		b.raw(`">`)
		b.text(r.Title)
		b.raw("</a> <code>")
		b.text(r.File)
		b.raw("</code></th><td data-review-status>")
		b.text(w)
		b.raw("</td><td>")
		date(r.ReviewBy)
		b.raw("</td><td>")
		date(r.Reviewed)
		b.raw("</td><td>")
		for i, a := range r.Authors {
			if i > 0 {
				b.raw("; ")
			}
			b.text(a)
		}
		b.raw("</td></tr>")
	}
	return b.html(), nil
}
