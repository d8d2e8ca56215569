package render

import (
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
)

// The list helpers build the markup of lists that every module page has —
// its topics, audiences, prerequisites, table of contents — in Go, with
// each text and attribute escaped, instead of ranging in a template: a
// template pays several reflective calls for every action of every item,
// which made these lists half the cost of a 10,000-module build. (Hugo
// renders .TableOfContents the same way.) A theme that wants other markup
// can still range over the same data itself.

// credits prints a number of credits as authors write it: 1, 0.5, 7.5.
func credits(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// href escapes a relative URL made of a root and path segments.
func href(root string, segments ...string) string {
	var b strings.Builder
	b.WriteString(root)
	for _, s := range segments {
		for i, part := range strings.Split(s, "/") {
			if i > 0 {
				b.WriteByte('/')
			}
			b.WriteString(url.PathEscape(part))
		}
	}
	return html.EscapeString(b.String())
}

// termLinks joins links to the term pages of terms with ", ":
// {{termLinks $.Root "topics" .Module.Topics}}.
func termLinks(root, plural string, terms []config.Term) template.HTML {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`<a href="`)
		b.WriteString(href(root, plural+"/", t.ID, "/"))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(t.Label))
		b.WriteString(`</a>`)
	}
	return template.HTML(b.String()) // every part escaped above
}

// moduleLinks is a <ul> of links to modules: {{moduleLinks $.Root .Module.Prerequisites}}.
func moduleLinks(root string, ms []*curriculum.Module) template.HTML {
	var b strings.Builder
	b.WriteString("<ul>")
	for _, m := range ms {
		b.WriteString(`<li><a href="`)
		b.WriteString(href(root, m.URL))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(m.Front.Title))
		b.WriteString(`</a></li>`)
	}
	b.WriteString("</ul>")
	return template.HTML(b.String()) // every part escaped above
}

// pathLinks joins links to learning paths with ", ".
func pathLinks(root string, ps []*curriculum.Path) template.HTML {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`<a href="`)
		b.WriteString(href(root, p.URL))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(p.Title))
		b.WriteString(`</a>`)
	}
	return template.HTML(b.String()) // every part escaped above
}

// tocList is the <ol> of a table of contents: {{tocList .TOC}}; entries
// have the class toc-2 or toc-3 after their heading level.
func tocList(hs []Heading) template.HTML {
	var b strings.Builder
	b.WriteString("<ol>")
	for _, h := range hs {
		b.WriteString(`<li class="toc-`)
		b.WriteString(strconv.Itoa(h.Level))
		b.WriteString(`"><a href="#`)
		b.WriteString(html.EscapeString(url.PathEscape(h.ID)))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(h.Text))
		b.WriteString(`</a></li>`)
	}
	b.WriteString("</ol>")
	return template.HTML(b.String()) // every part escaped above
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
	label, err := t.T("pager_label")
	if err != nil {
		return "", err
	}
	prev, err := t.T("previous")
	if err != nil {
		return "", err
	}
	next, err := t.T("next")
	if err != nil {
		return "", err
	}
	step, err := t.T("path_step")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	link := func(class, word string, o *curriculum.Module) {
		if o == nil {
			return
		}
		b.WriteString(`<a class="` + class + `" rel="` + class + `" href="`)
		b.WriteString(href(root, o.URL))
		b.WriteString(`"><span>`)
		b.WriteString(html.EscapeString(word))
		b.WriteString(`</span> `)
		b.WriteString(html.EscapeString(o.Front.Title))
		b.WriteString("</a>")
	}
	b.WriteString(`<nav class="pager" aria-label="` + html.EscapeString(label) + "\">\n")
	link("prev", prev, m.Prev)
	b.WriteString("\n")
	link("next", next, m.Next)
	b.WriteString("\n</nav>\n")
	for _, p := range m.Paths {
		nav := PathNavFor(p, m)
		b.WriteString(`<nav class="pager path-pager" aria-label="` + html.EscapeString(p.Title) + "\">\n")
		b.WriteString(`<p class="path-pos"><a href="` + href(root, p.URL) + `">` + html.EscapeString(p.Title) + "</a>: ")
		b.WriteString(html.EscapeString(step) + " " + strconv.Itoa(nav.Pos) + "/" + strconv.Itoa(len(p.Modules)) + "</p>\n")
		link("prev", prev, nav.Prev)
		b.WriteString("\n")
		link("next", next, nav.Next)
		b.WriteString("\n</nav>\n")
	}
	return template.HTML(b.String()), nil // every part escaped above
}

// badges shows a module's level, format, duration, credits and an
// overdue review: {{badges $.Root .Module .Config}}.
func (t *Theme) badges(root string, m *curriculum.Module, cfg *config.Config) (template.HTML, error) {
	var b strings.Builder
	b.WriteString(`<span class="badges">`)
	term := func(facet string, tm config.Term, space bool) {
		if tm.ID == "" {
			return
		}
		if space {
			b.WriteString(" ")
		}
		f, _ := content.FacetNamed(facet)
		id := html.EscapeString(tm.ID)
		b.WriteString(`<a class="badge ` + f.Name + " " + f.Name + "-" + id + `" href="` + href(root, f.Plural+"/", tm.ID, "/") + `">`)
		b.WriteString(html.EscapeString(tm.Label) + "</a>")
	}
	term(content.FacetLevel, m.Level, false)
	term(content.FacetFormat, m.Format, true)
	if n := m.Front.Minutes; n > 0 {
		d, err := t.minutes(n)
		if err != nil {
			return "", err
		}
		b.WriteString(` <span class="badge duration">` + html.EscapeString(d) + "</span>")
	}
	if m.Front.HasCredits {
		b.WriteString(` <span class="badge credits">` + credits(m.Front.Credits) + " " + html.EscapeString(cfg.CreditsLabel) + "</span>")
	}
	if m.Overdue {
		o, err := t.T("overdue_badge")
		if err != nil {
			return "", err
		}
		b.WriteString(` <span class="badge overdue">` + html.EscapeString(o) + "</span>")
	}
	b.WriteString("\n</span>")
	return template.HTML(b.String()), nil // every part escaped above
}

// card is a module in a list of cards: {{card .}} with an Item.
func (t *Theme) card(it Item) (template.HTML, error) {
	m := it.Module
	badges, err := t.badges(it.Root, m, it.Config)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<li class="card" data-module="` + html.EscapeString(m.ID) + "\">\n")
	b.WriteString(`<h3 class="card-title"><a href="` + href(it.Root, m.URL) + `">` + html.EscapeString(m.Front.Title) + "</a></h3>\n")
	b.WriteString(string(badges))
	b.WriteString("\n<p class=\"card-summary\">" + html.EscapeString(m.Front.Summary) + "</p>\n</li>\n")
	return template.HTML(b.String()), nil // every part escaped above
}

// row is a module in the catalogue table: {{row .}} with an Item.
func (t *Theme) row(it Item) (template.HTML, error) {
	m := it.Module
	e := html.EscapeString
	var b strings.Builder
	b.WriteString(`<tr data-module="` + e(m.ID) + `" data-level="` + e(m.Level.ID) + `" data-format="` + e(m.Format.ID) +
		`" data-topic="` + e(termIDs(m.Topics)) + `" data-audience="` + e(termIDs(m.Audiences)) + "\">\n")
	b.WriteString(`<td><a href="` + href(it.Root, m.URL) + `">` + e(m.Front.Title) + `</a><br><span class="row-summary">` + e(m.Front.Summary) + "</span></td>\n")
	b.WriteString("<td>" + e(m.Level.Label) + "</td>\n")
	b.WriteString("<td>" + e(termLabels(m.Topics)) + "</td>\n")
	b.WriteString("<td>" + e(termLabels(m.Audiences)) + "</td>\n")
	b.WriteString("<td>" + e(m.Format.Label) + "</td>\n")
	b.WriteString(`<td class="num">`)
	if m.Front.Minutes > 0 {
		d, err := t.minutes(m.Front.Minutes)
		if err != nil {
			return "", err
		}
		b.WriteString(e(d))
	}
	b.WriteString("</td>\n<td class=\"num\">")
	if m.Front.HasCredits {
		b.WriteString(credits(m.Front.Credits))
	}
	b.WriteString("</td>\n</tr>\n")
	return template.HTML(b.String()), nil // every part escaped above
}
