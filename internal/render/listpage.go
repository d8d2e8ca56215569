package render

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Term and catalogue pages, a large site's list pages (a page for every
// page_size modules of each term, and of the catalogue), are written by
// basePage, with termMain and catalogueMain, when the theme's templates
// for them are the built-in ones, as module pages are (see modulepage.go,
// and TestListPagesDirect, which holds each to the templates' bytes).
// The catalogue's filters are about ten template actions for each term
// of the site; at 100,000 modules the two kinds are about 16,000 pages.
//
// A value is written as it is only where html/template would write it
// so: in a URL, a relative path whose every byte its URL filter,
// normaliser and attribute escaper keep (plainPath); in a query, only
// unreserved bytes (queryPlain); in the CSS string of the catalogue's
// style attribute, only letters, digits, blanks and ".,-" (css).
// Anything else hands the page to the templates.

// writePage writes the page of kind with d as the built-in templates
// would, and reports whether it did; when it did not, w is as it was.
func (t *Theme) writePage(w *bytes.Buffer, kind string, d *Data) bool {
	switch kind {
	case "module":
		return t.basePage(w, d, (*pageWriter).moduleMain, d.Module != nil && d.Module.Front != nil)
	case "term":
		return t.basePage(w, d, (*pageWriter).termMain, d.Facet != nil && d.Term != nil)
	case "catalogue":
		return t.basePage(w, d, (*pageWriter).catalogueMain, d.Site != nil)
	}
	return false
}

// basePage writes base.html around the "main" that writeMain writes;
// complete says that d holds what that "main" reads. It writes nothing
// for a root or canonical URL html/template would change, and takes back
// what it wrote when a part failed.
func (t *Theme) basePage(w *bytes.Buffer, d *Data, writeMain func(*pageWriter, *Data), complete bool) bool {
	if !complete || d.Config == nil || !rootURL(d.Root) || d.Canonical != "" && !plainURL(d.Canonical) {
		return false
	}
	start := w.Len()
	p := pageWriter{w: w, t: t}
	p.top(d)
	writeMain(&p, d)
	p.bottom(d)
	if p.failed {
		w.Truncate(start)
		return false
	}
	return true
}

// termMain is term.html's "main".
func (p *pageWriter) termMain(d *Data) {
	fc, tp := d.Facet, d.Term
	p.plainPath(fc.Plural)
	p.queryPlain(fc.Name)
	p.queryPlain(tp.Term.ID)
	p.plainPath(d.PocketURL)
	p.s("\n<nav class=\"breadcrumbs\" aria-label=\"")
	p.T("breadcrumbs_label")
	p.link("\"><ol>\n<li><a href=\"", d.Root, "home")
	p.link("</li>\n<li><a href=\"", d.Root+fc.Plural+"/", "facet_"+fc.Name+"_plural")
	p.s("</li>\n</ol></nav>\n<h1>")
	p.esc(tp.Term.Label)
	p.s("</h1>\n")
	if tp.Term.Description != "" {
		p.s("<p class=\"lead\">")
		p.esc(tp.Term.Description)
		p.s("</p>")
	}
	if d.PocketURL != "" {
		p.link("\n<p class=\"pocket-link\"><a href=\"", d.Root+d.PocketURL, "pocket_link")
		p.s("</p>")
	}
	p.link("\n<p><a href=\"", d.Root+"catalogue/?"+fc.Name+"="+tp.Term.ID, "filter_in_catalogue")
	p.s("</p>\n<h2>")
	p.Tn("modules_count", d.Count)
	p.s("</h2>\n<ul class=\"cards\">\n")
	p.s(string(d.List))
	p.s("</ul>")
	p.listPager(d)
	p.s("\n")
}

// catalogueMain is catalogue.html's "main".
func (p *pageWriter) catalogueMain(d *Data) {
	p.plainPath(d.DataURL)
	p.s("\n<h1>")
	p.esc(d.Title)
	p.s("</h1>\n<p class=\"lead\">")
	p.T("catalogue_intro")
	p.s("</p>\n<div class=\"catalogue-layout\">\n<form class=\"filters\" data-catalogue-filters data-src=\"")
	p.s(d.Root)
	p.s(d.DataURL)
	p.s("\" data-page-size=\"")
	p.s(strconv.Itoa(d.Config.PageSize))
	p.s("\" data-status-zero=\"")
	p.T("filter_status_zero")
	p.s("\" data-status-one=\"")
	p.T("filter_status_one")
	p.s("\" data-status-other=\"")
	p.T("filter_status_other")
	p.s("\" data-loading=\"")
	p.T("filter_loading")
	p.s("\" data-failed=\"")
	p.T("filter_unavailable")
	p.s("\" data-page-text=\"")
	p.T("list_pager_page")
	p.s(" {n} ")
	p.T("list_pager_of")
	p.s(" {total}\">\n<p class=\"filter-hint\" data-filter-hint>")
	p.T("filter_links_hint")
	p.s("</p>")
	for _, fc := range d.Site.Facets {
		p.s("\n<details class=\"filter\" data-filter-group=\"")
		p.esc(fc.Name)
		p.s("\">\n<summary>")
		p.T("facet_" + fc.Name)
		p.s(" <span class=\"filter-selected\" data-filter-selected></span></summary>\n<fieldset>\n<legend class=\"visually-hidden\">")
		p.T("facet_" + fc.Name)
		p.s("</legend>")
		for _, tp := range fc.Terms {
			p.plainPath(tp.URL)
			p.s("\n<label")
			if len(tp.Modules) == 0 {
				p.s(" class=\"is-empty\"")
			}
			p.s("><input type=\"checkbox\" name=\"")
			p.esc(fc.Name)
			p.s("\" value=\"")
			p.esc(tp.Term.ID)
			p.s("\" data-filter=\"")
			p.esc(fc.Name)
			p.s("\" hidden> <a href=\"")
			p.s(d.Root)
			p.s(tp.URL)
			p.s("\">")
			p.esc(tp.Term.Label)
			p.s("</a> <span class=\"count\">(")
			p.s(strconv.Itoa(len(tp.Modules)))
			p.s(")</span></label>")
		}
		p.s("\n</fieldset>\n</details>")
	}
	p.s("\n<p class=\"filter-actions\" hidden><button type=\"reset\">")
	p.T("filters_clear")
	p.s("</button> <span class=\"filter-status\" role=\"status\" aria-live=\"polite\" data-catalogue-status></span></p>\n</form>\n<div class=\"table-wrap\">\n<table class=\"catalogue\" data-catalogue style=\"--label-level: '")
	p.cssT("facet_level")
	p.s("'; --label-topic: '")
	p.cssT("facet_topic_plural")
	p.s("'; --label-audience: '")
	p.cssT("facet_audience")
	p.s("'; --label-format: '")
	p.cssT("facet_format")
	p.s("'; --label-duration: '")
	p.cssT("col_duration")
	p.s("'; --label-credits: '")
	p.css(d.Config.CreditsLabel)
	p.s("'\">\n<caption class=\"visually-hidden\">")
	p.Tn("modules_count", d.Count)
	p.s("</caption>\n<thead><tr><th scope=\"col\">")
	p.T("col_module")
	p.s("</th><th scope=\"col\">")
	p.T("facet_level")
	p.s("</th><th scope=\"col\">")
	p.T("facet_topic_plural")
	p.s("</th><th scope=\"col\">")
	p.T("facet_audience")
	p.s("</th><th scope=\"col\">")
	p.T("facet_format")
	p.s("</th><th scope=\"col\" class=\"num\">")
	p.T("col_duration")
	p.s("</th><th scope=\"col\" class=\"num\">")
	p.esc(d.Config.CreditsLabel)
	p.s("</th></tr></thead>\n<tbody>\n")
	p.s(string(d.List))
	p.s("</tbody>\n</table>\n</div>\n<div data-catalogue-pager>")
	p.listPager(d)
	p.s("</div>\n<nav class=\"list-pager\" data-catalogue-pages aria-label=\"")
	p.T("list_pager_label")
	p.s("\" hidden><button type=\"button\" class=\"list-pager-prev\" data-step=\"-1\">")
	p.T("list_pager_prev")
	p.s("</button> <span class=\"list-pager-status\" data-catalogue-page></span> <button type=\"button\" class=\"list-pager-next\" data-step=\"1\">")
	p.T("list_pager_next")
	p.s("</button></nav>\n</div>\n")
}

// listPager is partials/listpager.html's "listpager".
func (p *pageWriter) listPager(d *Data) {
	pg := d.Pager
	if pg == nil || pg.Total <= 1 {
		return
	}
	p.plainPath(pg.Prev)
	p.plainPath(pg.Next)
	p.s("\n<nav class=\"list-pager\" aria-label=\"")
	p.T("list_pager_label")
	p.s("\">")
	if pg.Prev != "" {
		p.link("<a class=\"list-pager-prev\" rel=\"prev\" href=\"", d.Root+pg.Prev, "list_pager_prev")
	}
	p.s("\n<span class=\"list-pager-status\">")
	p.T("list_pager_page")
	p.s(" ")
	p.s(strconv.Itoa(pg.Number))
	p.s(" ")
	p.T("list_pager_of")
	p.s(" ")
	p.s(strconv.Itoa(pg.Total))
	p.s("</span>")
	if pg.Next != "" {
		p.link("<a class=\"list-pager-next\" rel=\"next\" href=\"", d.Root+pg.Next, "list_pager_next")
	}
	p.s("\n</nav>\n")
}

// link writes open (markup up to an href's value), then href, which the
// caller has made sure html/template writes as it is, and an anchor
// whose text is the UI string key.
func (p *pageWriter) link(open, href, key string) {
	p.s(open)
	p.s(href)
	p.s("\">")
	p.T(key)
	p.s("</a>")
}

// Tn writes the UI string key for the count n, escaped.
func (p *pageWriter) Tn(key string, n int) {
	if s, ok := p.ok(p.t.T(key, n)); ok {
		p.esc(s)
	}
}

// cssT writes the UI string key in a CSS string of an attribute (css).
func (p *pageWriter) cssT(key string) {
	if s, ok := p.ok(p.t.T(key)); ok {
		p.css(s)
	}
}

// css writes s in a CSS string of an attribute, where html/template
// escapes it twice (as CSS, then for the attribute): only text that
// neither changes is written here.
func (p *pageWriter) css(s string) {
	if !utf8.ValidString(s) {
		p.failed = true
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == ' ', c == '.', c == ',', c == '-':
		default:
			p.failed = true
			return
		}
	}
	p.s(s)
}

// plainPath fails the page unless html/template writes u, a relative URL
// after the page's root in an href, as it is. The URL's start is the
// root's action, so u passes through html/template's URL filter too,
// which rejects a scheme other than http, https or mailto: any ":" fails.
func (p *pageWriter) plainPath(u string) {
	if !plainChars(u) || strings.IndexByte(u, ':') >= 0 {
		p.failed = true
	}
}

// queryPlain fails the page unless html/template writes s, in the query
// of a URL, as it is: unreserved bytes only.
func (p *pageWriter) queryPlain(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
		default:
			p.failed = true
			return
		}
	}
}
