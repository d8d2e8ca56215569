package site

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/render"
)

// This file makes the pages of the page table (table.go) from the
// curriculum: each builds its render.Data and executes its template.

// base is the Data every page starts from.
func (f *Files) base(kind, url, title, desc string) *render.Data {
	d := &render.Data{Kind: kind, URL: url, Root: rootOf(url), Title: title, Description: desc,
		Lang: f.cfg.Language, Site: f.c, Config: f.cfg}
	if f.cfg.BaseURL != "" {
		d.Canonical = f.cfg.BaseURL + url
	}
	return d
}

// t is a UI string of the theme.
func (f *Files) t(key string) string { s, _ := f.theme.T(key); return s }

// body is the rendered Markdown of the document at content path p.
func (f *Files) body(p string) template.HTML {
	if ds := f.docs[p]; ds != nil {
		return ds.html
	}
	return ""
}

// moduleInto makes the page p of the module pages' entry, appended to
// dst (nil: a new slice).
func (f *Files) moduleInto(p *page, dst []byte) ([]byte, error) {
	m := f.c.ByID[strings.TrimSuffix(p.body, ".md")]
	if m == nil { // a module's ID is its path without .md: not reached
		return nil, fmt.Errorf("no module %s", p.body)
	}
	return f.theme.RenderInto(dst, "module", f.moduleData(m))
}

func (f *Files) moduleData(m *curriculum.Module) *render.Data {
	d := f.base("module", m.URL, m.Front.Title, m.Front.Summary)
	d.Module, d.Body = m, f.body(m.Doc.Path)
	var toc []render.Heading
	hs := f.docs[m.Doc.Path].res.Headings
	for _, h := range hs {
		if h.Level == 2 || h.Level == 3 {
			if toc == nil {
				toc = make([]render.Heading, 0, len(hs)) // one allocation, not a slice grown
			}
			toc = append(toc, render.Heading{Level: h.Level, ID: h.ID, Text: h.Text})
		}
	}
	if len(toc) >= 3 {
		d.TOC = toc
	}
	recordData(d)
	return d
}

func (f *Files) section(dst []byte, s *curriculum.Section, pg listPage) ([]byte, error) {
	d := f.base("section", pg.url, pg.title(s.Title, f.t), s.Summary)
	d.Section, d.Pager = s, pg.pager()
	if s.Doc != nil && pg.n == 1 {
		d.Body = f.body(s.Doc.Path)
	}
	d.Count = len(s.Modules)
	f.pocketLink(d, s.Modules)
	return f.listed(dst, d, f.cards(pg.modules, d.Root))
}

func (f *Files) terms(fc *curriculum.Facet) ([]byte, error) {
	d := f.base("terms", fc.Plural+"/", f.t(fc.Plural+"_title"), "")
	d.Facet = fc
	return f.theme.Render("terms", d)
}

func (f *Files) term(dst []byte, fc *curriculum.Facet, tp *curriculum.TermPage, pg listPage) ([]byte, error) {
	d := f.base("term", pg.url, pg.title(tp.Term.Label, f.t), tp.Term.Description)
	d.Facet, d.Term, d.Pager = fc, tp, pg.pager()
	d.Count = len(tp.Modules)
	f.pocketLink(d, tp.Modules)
	return f.listed(dst, d, f.cards(pg.modules, d.Root))
}

func (f *Files) paths() ([]byte, error) {
	return f.theme.Render("paths", f.base("paths", "paths/", f.t("paths_title"), ""))
}

// path is a learning path: one sequence, on one page.
func (f *Files) path(dst []byte, p *curriculum.Path) ([]byte, error) {
	d := f.base("path", p.URL, p.Title, p.Description)
	d.Path = p
	d.Count = len(p.Modules)
	recordData(d)
	return f.listed(dst, d, f.cards(p.Modules, d.Root))
}

func (f *Files) home() ([]byte, error) {
	d := f.base("home", "", "", f.cfg.Description)
	if f.c.Root.Doc != nil {
		d.Body = f.body(f.c.Root.Doc.Path)
	}
	f.quickRefs(d)
	return f.theme.Render("home", d)
}

func (f *Files) help() ([]byte, error) {
	d := f.base("help", "help/", f.t("help_title"), f.t("help_intro"))
	f.quickRefs(d)
	f.pocketLink(d, f.quick)
	return f.theme.Render("help", d)
}

// quickRefs gives the home and help pages the first page_size
// quick-reference cards, and when there are more, the format's term page
// that lists them all: the pages stay small however many cards there are.
func (f *Files) quickRefs(d *render.Data) {
	d.QuickRefs = f.quick
	if len(f.quick) <= f.cfg.PageSize {
		return
	}
	d.QuickRefs = f.quick[:f.cfg.PageSize]
	for _, fc := range f.c.Facets {
		if fc.Name != content.FacetFormat {
			continue
		}
		for _, tp := range fc.Terms {
			if tp.Term.ID == config.QuickReference {
				d.QuickRefsMore = tp
			}
		}
	}
}

func (f *Files) searchPage() ([]byte, error) {
	return f.theme.Render("search", f.base("search", "search/", f.t("searchpage_title"), ""))
}

// notFound is 404.html, served for any missing path at any depth: its
// links are absolute, from the base URL's path or the domain root.
func (f *Files) notFound() ([]byte, error) {
	d := f.base("404", "", f.t("notfound_title"), "")
	d.Root, d.Canonical = "/", ""
	if f.cfg.BaseURL != "" {
		d.Root = f.cfg.BaseURL
	}
	return f.theme.Render("404", d)
}

func (f *Files) sitemap() ([]byte, error) {
	s := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for i := range f.pages {
		if p := &f.pages[i]; p.html && p.entry.sitemap {
			u := sitemapURL{Loc: abs(f.cfg, p.url)}
			if !p.lastmod.IsZero() {
				u.LastMod = p.lastmod.Format(time.DateOnly)
			}
			s.URLs = append(s.URLs, u)
		}
	}
	return encodeXML(s), nil
}

func (f *Files) feed() ([]byte, error) {
	return feed(f.c, feedModules(f.c), f.today), nil
}

// listPage is one page of a list of modules: a section's, a term's or
// the catalogue's.
type listPage struct {
	url      string // the page's URL: the list's own for page 1, then <list>page/<n>/
	first    string // the URL of page 1
	n, total int
	modules  []*curriculum.Module
}

// paged splits a list at url into pages of size modules; a list without
// modules still has its one page.
func paged(url string, ms []*curriculum.Module, size int) []listPage {
	total := pageCount(len(ms), size)
	pages := make([]listPage, total)
	for i := range pages {
		pages[i] = listPage{url: pageURL(url, i+1), first: url, n: i + 1, total: total,
			modules: ms[min(i*size, len(ms)):min((i+1)*size, len(ms))]}
	}
	return pages
}

// pageCount is how many pages a list of n modules takes.
func pageCount(n, size int) int { return max(1, (n+size-1)/size) }

// pageURL is the URL of page n of the list at url.
func pageURL(url string, n int) string {
	if n <= 1 {
		return url
	}
	return url + "page/" + strconv.Itoa(n) + "/"
}

func (pg listPage) pager() *render.Pager {
	p := &render.Pager{Number: pg.n, Total: pg.total, First: pg.first}
	if pg.n > 1 {
		p.Prev = pageURL(pg.first, pg.n-1)
	}
	if pg.n < pg.total {
		p.Next = pageURL(pg.first, pg.n+1)
	}
	return p
}

// title is the page title of a list page: the list's own, and on later
// pages its page number.
func (pg listPage) title(title string, t func(string) string) string {
	if pg.n == 1 {
		return title
	}
	return fmt.Sprintf("%s (%s %d %s %d)", title, t("list_pager_page"), pg.n, t("list_pager_of"), pg.total)
}

// frag returns the list fragments of m, made the first time they are
// asked for.
func (f *Files) frag(m *curriculum.Module) *frag {
	slot := &f.frags[m.ListIndex()]
	if fr := slot.Load(); fr != nil {
		return fr
	}
	// Cards and rows go on pages at several depths (catalogue/,
	// catalogue/page/2/): they hold RootMarker, replaced per page.
	card, err1 := f.theme.Fragment("card", render.Item{Root: render.RootMarker, Module: m, Config: f.cfg})
	row, err2 := f.theme.Fragment("row", render.Item{Root: render.RootMarker, Module: m, Config: f.cfg})
	if err1 != nil {
		card = "<!-- " + template.HTMLEscapeString(err1.Error()) + " -->"
	}
	if err2 != nil {
		row = "<!-- " + template.HTMLEscapeString(err2.Error()) + " -->"
	}
	fr := &frag{card: strings.Split(card, render.RootMarker), row: strings.Split(row, render.RootMarker)}
	slot.Store(fr)
	return fr
}

// listMarker stands for a page's list while the page renders.
const listMarker = "@@LIST@@"

// fill appends a list to a page being put together.
type fill struct {
	n  int                     // bytes it appends
	to func(dst []byte) []byte // appends them
}

// listed renders a page whose template prints .List, appended to dst:
// the list is copied into the rendered page where the template printed
// it, once, into a buffer of the exact size when dst is nil.
func (f *Files) listed(dst []byte, d *render.Data, list fill) ([]byte, error) {
	d.List = listMarker
	scratch := pageBufs.Get().(*[]byte)
	page, err := f.theme.RenderInto((*scratch)[:0], d.Kind, d)
	defer recycle(scratch, page)
	if err != nil {
		return nil, err
	}
	marker := []byte(listMarker)
	n := bytes.Count(page, marker)
	out := slices.Grow(dst, len(page)+n*(list.n-len(marker)))
	for {
		i := bytes.Index(page, marker)
		if i < 0 {
			return append(out, page...), nil
		}
		out = list.to(append(out, page[:i]...))
		page = page[i+len(marker):]
	}
}

// cards is the list of the cards of ms for a page at root.
func (f *Files) cards(ms []*curriculum.Module, root string) fill {
	return f.fragments(ms, root, func(fr *frag) []string { return fr.card })
}

// rows is the list of the catalogue rows of ms for a page at root.
func (f *Files) rows(ms []*curriculum.Module, root string) fill {
	return f.fragments(ms, root, func(fr *frag) []string { return fr.row })
}

// fragments is the list of one fragment of each of ms, which of them
// pick says, with the page's root in place of RootMarker.
func (f *Files) fragments(ms []*curriculum.Module, root string, pick func(*frag) []string) fill {
	n := 0
	for _, m := range ms {
		parts := pick(f.frag(m))
		n += (len(parts) - 1) * len(root)
		for _, p := range parts {
			n += len(p)
		}
	}
	done := false
	return fill{n, func(dst []byte) []byte {
		for _, m := range ms {
			for i, p := range pick(f.frag(m)) {
				if i > 0 {
					dst = append(dst, root...)
				}
				dst = append(dst, p...)
			}
		}
		if !done {
			done = true
			f.listedOnce(ms)
		}
		return dst
	}}
}

// listedOnce counts a list of modules on a page as made. A streamed
// build knows how many of its pages list each module (page.lists), and
// drops a module's fragments once the last of them is made: a large
// site's cards are not all held at once. Should one be asked for again
// (a theme that lists them elsewhere), it is made again, the same.
func (f *Files) listedOnce(ms []*curriculum.Module) {
	if f.lists == nil {
		return
	}
	for _, m := range ms {
		if i := m.ListIndex(); f.lists[i].Add(-1) == 0 {
			f.frags[i].Store(nil)
		}
	}
}
