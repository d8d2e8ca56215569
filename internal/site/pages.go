package site

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/render"
)

// job is one output file to (re)render.
type job struct {
	name  string
	print uint64
	gen   func() ([]byte, error)
}

// renderPages renders every page whose fingerprint changed, on every core,
// and writes them through w. With only set, just the pages at those URLs
// are considered, and only the fragments of the modules in fresh are
// rendered anew (nil: every module's).
//
// moved says a module moved in the lists since the last build (Patch),
// which reorders the catalogue.
func (b *Builder) renderPages(c *curriculum.Curriculum, w *writer, modules bool, only map[string]bool, fresh []*curriculum.Module, moved bool) {
	if only == nil {
		fresh = c.Modules
	}
	b.refreshFragments(c, fresh, only == nil, moved)
	var jobs []job
	add := func(url string, print func() uint64, data func() listed) {
		if only != nil && !only[url] {
			return
		}
		name, p := fileOf(url), print()
		if w.unchanged(name, p) {
			return
		}
		jobs = append(jobs, job{name: name, print: p, gen: func() ([]byte, error) {
			pg := data()
			if pg.list.to == nil {
				return b.theme.Render(pg.Kind, pg.Data)
			}
			pg.List = listMarker
			out, err := b.theme.Render(pg.Kind, pg.Data)
			if err != nil {
				return nil, err
			}
			return pg.list.splice(out), nil
		}})
	}
	cfg := c.Config
	base := func(kind, url, title, desc string) *render.Data { return pageData(c, kind, url, title, desc) }
	t := func(key string) string { s, _ := b.theme.T(key); return s }

	// Module pages (unless a streamed build wrote them already).
	for _, m := range c.Modules {
		if !modules || (only != nil && !only[m.URL]) {
			continue
		}
		add(m.URL, func() uint64 { return b.modulePrint(m) }, func() listed {
			return listed{Data: b.moduleData(c, m, b.docs[m.Doc.Path].html)}
		})
	}
	// Section pages (the root section is the home page), a page per
	// PageSize modules.
	for _, s := range c.Sections {
		if s.ID == "" {
			continue
		}
		for _, pg := range paged(s.URL, s.Modules, cfg.PageSize) {
			add(pg.url, func() uint64 {
				h := newHasher().u64(b.global).str("section", s.ID, s.Title, s.Summary).u64(uint64(pg.n), uint64(pg.total), uint64(len(s.Modules)))
				if s.Doc != nil && pg.n == 1 {
					h.u64(b.docs[s.Doc.Path].hash)
				}
				for p := s.Parent; p != nil; p = p.Parent {
					h.str(p.ID, p.Title)
				}
				for _, ch := range s.Children {
					h.str(ch.URL, ch.Title, ch.Summary)
				}
				b.hashList(h, pg.modules)
				return h.sum()
			}, func() listed {
				d := base("section", pg.url, pg.title(s.Title, t), s.Summary)
				d.Section, d.Pager = s, pg.pager()
				if s.Doc != nil && pg.n == 1 {
					d.Body = b.docs[s.Doc.Path].html
				}
				d.Count = len(s.Modules)
				return listed{d, b.cards(pg.modules, d.Root)}
			})
		}
	}
	all := c.ListOrder()
	// Facets: index and term pages.
	for _, f := range c.Facets {
		add(f.Plural+"/", func() uint64 {
			h := newHasher().u64(b.global).str("terms", f.Name)
			for _, tp := range f.Terms {
				h.str(tp.Term.ID).u64(uint64(len(tp.Modules)))
			}
			return h.sum()
		}, func() listed {
			d := base("terms", f.Plural+"/", t(f.Plural+"_title"), "")
			d.Facet = f
			return listed{Data: d}
		})
		for _, tp := range f.Terms {
			for _, pg := range paged(tp.URL, tp.Modules, cfg.PageSize) {
				add(pg.url, func() uint64 {
					h := newHasher().u64(b.global).str("term", tp.URL).u64(uint64(pg.n), uint64(pg.total), uint64(len(tp.Modules)))
					b.hashList(h, pg.modules)
					return h.sum()
				}, func() listed {
					d := base("term", pg.url, pg.title(tp.Term.Label, t), tp.Term.Description)
					d.Facet, d.Term, d.Pager = f, tp, pg.pager()
					d.Count = len(tp.Modules)
					return listed{d, b.cards(pg.modules, d.Root)}
				})
			}
		}
	}
	// Catalogue: every module on one page, as the filters need.
	add("catalogue/", func() uint64 {
		h := newHasher().u64(b.global).str("catalogue")
		for _, f := range c.Facets {
			for _, tp := range f.Terms {
				h.str(tp.Term.ID).u64(uint64(len(tp.Modules)))
			}
		}
		for _, x := range b.cat.hashes {
			h.u64(x)
		}
		return h.sum()
	}, func() listed {
		d := base("catalogue", "catalogue/", t("catalogue_title"), t("catalogue_description"))
		d.Count = len(all)
		return listed{d, b.rows()}
	})
	// Learning paths: a path is one sequence, on one page.
	if len(c.Paths) > 0 {
		add("paths/", func() uint64 {
			h := newHasher().u64(b.global).str("paths")
			for _, p := range c.Paths {
				h.u64(uint64(len(p.Modules)))
			}
			return h.sum()
		}, func() listed { return listed{Data: base("paths", "paths/", t("paths_title"), "")} })
		for _, p := range c.Paths {
			add(p.URL, func() uint64 {
				h := newHasher().u64(b.global).str("path", p.ID)
				b.hashList(h, p.Modules)
				return h.sum()
			}, func() listed {
				d := base("path", p.URL, p.Title, p.Description)
				d.Path = p
				d.Count = len(p.Modules)
				return listed{d, b.cards(p.Modules, d.Root)}
			})
		}
	}
	// Home, help, search, 404.
	var quick []*curriculum.Module
	if only == nil || only[""] || only["help/"] {
		for _, m := range all {
			if m.Format.ID == "quick-reference" {
				quick = append(quick, m)
			}
		}
	}
	homePrint := func() uint64 {
		h := newHasher().u64(b.global).str("home")
		if c.Root.Doc != nil {
			h.u64(b.docs[c.Root.Doc.Path].hash)
		}
		for _, m := range quick {
			h.str(m.URL, m.Front.Title, m.Front.Summary)
		}
		for _, f := range c.Facets {
			for _, tp := range f.Terms {
				h.str(tp.Term.ID).u64(uint64(len(tp.Modules)))
			}
		}
		for _, p := range c.Paths {
			h.u64(uint64(len(p.Modules)))
		}
		for _, s := range c.Root.Children {
			h.str(s.URL, s.Title, s.Summary)
		}
		return h.sum()
	}
	add("", homePrint, func() listed {
		d := base("home", "", "", cfg.Description)
		if c.Root.Doc != nil {
			d.Body = b.docs[c.Root.Doc.Path].html
		}
		d.QuickRefs = quick
		return listed{Data: d}
	})
	add("help/", homePrint, func() listed {
		d := base("help", "help/", t("help_title"), t("help_intro"))
		d.QuickRefs = quick
		return listed{Data: d}
	})
	add("search/", func() uint64 { return b.global }, func() listed { return listed{Data: base("search", "search/", t("searchpage_title"), "")} })
	// 404.html is served for any missing path, at any depth: its links are
	// absolute, from the base URL's path or the domain root.
	if only == nil {
		if name := "404.html"; !w.unchanged(name, b.global) {
			jobs = append(jobs, job{name: name, print: b.global, gen: func() ([]byte, error) {
				d := base("404", "", t("notfound_title"), "")
				d.Root, d.Canonical = "/", ""
				if cfg.BaseURL != "" {
					d.Root = cfg.BaseURL
				}
				return b.theme.Render("404", d)
			}})
		}
	}
	run(jobs, w)
}

// listPage is one page of a section's or term's list of modules.
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

// pageOf is the URL of the page of the list at url that shows the module
// at index i.
func pageOf(url string, i, size int) string { return pageURL(url, i/size+1) }

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

// pageData is the Data every page starts from.
func pageData(c *curriculum.Curriculum, kind, url, title, desc string) *render.Data {
	d := &render.Data{Kind: kind, URL: url, Root: rootOf(url), Title: title, Description: desc,
		Lang: c.Config.Language, Site: c, Config: c.Config}
	if c.Config.BaseURL != "" {
		d.Canonical = c.Config.BaseURL + url
	}
	return d
}

// moduleData is what a module page shows.
func (b *Builder) moduleData(c *curriculum.Curriculum, m *curriculum.Module, body template.HTML) *render.Data {
	d := pageData(c, "module", m.URL, m.Front.Title, m.Front.Summary)
	d.Module, d.Body = m, body
	var toc []render.Heading
	for _, h := range b.docs[m.Doc.Path].res.Headings {
		if h.Level == 2 || h.Level == 3 {
			toc = append(toc, render.Heading{Level: h.Level, ID: h.ID, Text: h.Text})
		}
	}
	if len(toc) >= 3 {
		d.TOC = toc
	}
	return d
}

// run renders jobs on every core and writes results from this goroutine.
func run(jobs []job, w *writer) {
	type result struct {
		i    int
		data []byte
		err  error
	}
	results := make(chan result, 64)
	go func() {
		forEach(len(jobs), func(i int) {
			data, err := jobs[i].gen()
			results <- result{i, data, err}
		})
		close(results)
	}()
	for r := range results {
		j := jobs[r.i]
		if j.name == "" {
			continue // a job with nothing to write
		}
		if r.err != nil {
			if w.err == nil {
				w.err = fmt.Errorf("cannot render %s: %w", j.name, r.err)
			}
			continue
		}
		w.write(j.name, j.print, r.data)
	}
}

// modulePrint fingerprints everything a module page shows.
func (b *Builder) modulePrint(m *curriculum.Module) uint64 {
	h := newHasher().u64(b.global, b.docs[m.Doc.Path].hash).str("module")
	for s := m.Section; s != nil; s = s.Parent {
		h.str(s.ID, s.Title)
	}
	if m.Overdue {
		h.str("overdue")
	}
	ref := func(tag string, o *curriculum.Module) {
		if o != nil {
			h.str(tag, o.URL, o.Front.Title)
		}
	}
	for _, p := range m.Prerequisites {
		ref("pre", p)
	}
	for _, n := range m.NeededFor {
		ref("for", n)
	}
	ref("prev", m.Prev)
	ref("next", m.Next)
	for _, p := range m.Paths {
		nav := render.PathNavFor(p, m)
		h.str("path", p.ID).u64(uint64(nav.Pos), uint64(len(p.Modules)))
		ref("pprev", nav.Prev)
		ref("pnext", nav.Next)
	}
	return h.sum()
}

// refreshFragments renders the card and catalogue row of each module of
// ms whose inputs changed; with prune set, ms are all the site's modules
// and the fragments of the others are dropped.
func (b *Builder) refreshFragments(c *curriculum.Curriculum, ms []*curriculum.Module, prune, reorder bool) {
	var todo []*curriculum.Module
	var keys []uint64
	for _, m := range ms {
		key := newHasher().u64(b.global, b.docs[m.Doc.Path].hash).str(m.ID, boolStr(m.Overdue)).sum()
		if f, ok := b.frags[m.ID]; !ok || f.key != key {
			todo = append(todo, m)
			keys = append(keys, key)
		}
	}
	if prune {
		live := make(map[string]bool, len(ms))
		for _, m := range ms {
			live[m.ID] = true
		}
		for id := range b.frags {
			if !live[id] {
				delete(b.frags, id)
			}
		}
	}
	frags := make([]*frag, len(todo))
	forEach(len(todo), func(i int) {
		m := todo[i]
		// Cards go on pages at every depth: they hold RootMarker, replaced
		// per page. Rows are only on catalogue/, one folder deep.
		card, err1 := b.theme.Fragment("card", render.Item{Root: render.RootMarker, Module: m, Config: c.Config})
		row, err2 := b.theme.Fragment("row", render.Item{Root: rootOf("catalogue/"), Module: m, Config: c.Config})
		if err1 != nil {
			card = []byte("<!-- " + template.HTMLEscapeString(err1.Error()) + " -->")
		}
		if err2 != nil {
			row = []byte("<!-- " + template.HTMLEscapeString(err2.Error()) + " -->")
		}
		frags[i] = &frag{key: keys[i], card: card, row: row,
			cardHash: content.HashBytes(card), rowHash: content.HashBytes(row)}
	})
	for i, m := range todo {
		b.frags[m.ID] = frags[i]
	}
	// Lists look fragments up by module, which costs less than by ID; the
	// catalogue's rows and their hashes are kept in its order, as a save
	// changes a row or two of thousands.
	if prune {
		b.fragOf = make(map[*curriculum.Module]*frag, len(ms))
	}
	for _, m := range ms {
		b.fragOf[m] = b.frags[m.ID]
	}
	if prune || reorder {
		all := c.ListOrder()
		b.cat = catalogue{rows: make([][]byte, len(all)), hashes: make([]uint64, len(all))}
		ms = all
	}
	for _, m := range ms {
		i, f := m.ListIndex(), b.fragOf[m]
		b.cat.rows[i], b.cat.hashes[i] = f.row, f.rowHash
	}
}

// catalogue holds the catalogue's rows in its order (Curriculum.ListOrder).
type catalogue struct {
	rows   [][]byte
	hashes []uint64
}

func boolStr(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

// hashList adds the cards of ms to h.
func (b *Builder) hashList(h *hasher, ms []*curriculum.Module) {
	for _, m := range ms {
		h.u64(b.fragOf[m].cardHash)
	}
}

// listMarker stands for a page's list while the page renders.
const listMarker = "@@LIST@@"

// listed is a page's data and, for a page with a list, the list's
// fragments: they are copied into the rendered page where its template
// printed .List, once, into a buffer of the exact size (a catalogue of
// 10,000 modules is a 6 MB page).
type listed struct {
	*render.Data
	list fill
}

// fill appends a list to a page being put together.
type fill struct {
	n  int                     // bytes it appends
	to func(dst []byte) []byte // appends them
}

// splice copies the list into page in place of every listMarker.
func (f fill) splice(page []byte) []byte {
	marker := []byte(listMarker)
	n := bytes.Count(page, marker)
	out := make([]byte, 0, len(page)+n*(f.n-len(marker)))
	for {
		i := bytes.Index(page, marker)
		if i < 0 {
			return append(out, page...)
		}
		out = f.to(append(out, page[:i]...))
		page = page[i+len(marker):]
	}
}

// cards is the list of the cached cards of ms for a page at root.
func (b *Builder) cards(ms []*curriculum.Module, root string) fill {
	n := 0
	for _, m := range ms {
		c := b.fragOf[m].card
		n += len(c) + bytes.Count(c, []byte(render.RootMarker))*(len(root)-len(render.RootMarker))
	}
	return fill{n, func(dst []byte) []byte {
		for _, m := range ms {
			c := b.fragOf[m].card
			for {
				i := bytes.Index(c, []byte(render.RootMarker))
				if i < 0 {
					break
				}
				dst = append(append(dst, c[:i]...), root...)
				c = c[i+len(render.RootMarker):]
			}
			dst = append(dst, c...)
		}
		return dst
	}}
}

// rows is the list of the catalogue's rows.
func (b *Builder) rows() fill {
	n := 0
	for _, r := range b.cat.rows {
		n += len(r)
	}
	return fill{n, func(dst []byte) []byte {
		for _, r := range b.cat.rows {
			dst = append(dst, r...)
		}
		return dst
	}}
}
