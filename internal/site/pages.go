package site

import (
	"bytes"
	"fmt"
	"html/template"
	"runtime"
	"sync"

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
// and writes them through w.
// With only set, just the pages at those URLs are considered.
func (b *Builder) renderPages(c *curriculum.Curriculum, w *writer, modules bool, only map[string]bool) {
	if only == nil {
		b.refreshFragments(c)
	}
	var jobs []job
	add := func(url string, print uint64, data func() *render.Data) {
		if only != nil && !only[url] {
			return
		}
		name := fileOf(url)
		w.seen[name] = true
		if old, ok := b.prints[name]; ok && old == print {
			return
		}
		kind := ""
		jobs = append(jobs, job{name: name, print: print, gen: func() ([]byte, error) {
			d := data()
			kind = d.Kind
			return b.theme.Render(kind, d)
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
		add(m.URL, b.modulePrint(m), func() *render.Data {
			return b.moduleData(c, m, b.docs[m.Doc.Path].html)
		})
	}
	// Section pages (the root section is the home page).
	for _, s := range c.Sections {
		if s.ID == "" || (only != nil && !only[s.URL]) {
			continue
		}
		h := newHasher().u64(b.global).str("section", s.ID, s.Title, s.Summary)
		if s.Doc != nil {
			h.u64(b.docs[s.Doc.Path].hash)
		}
		for p := s.Parent; p != nil; p = p.Parent {
			h.str(p.ID, p.Title)
		}
		for _, ch := range s.Children {
			h.str(ch.URL, ch.Title, ch.Summary)
		}
		b.hashList(h, s.Modules)
		add(s.URL, h.sum(), func() *render.Data {
			d := base("section", s.URL, s.Title, s.Summary)
			d.Section = s
			if s.Doc != nil {
				d.Body = b.docs[s.Doc.Path].html
			}
			d.List, d.Count = b.list(s.Modules, d.Root, false), len(s.Modules)
			return d
		})
	}
	all := c.ListOrder()
	if only == nil {
		// Facets: index and term pages.
		for _, f := range c.Facets {
			h := newHasher().u64(b.global).str("terms", f.Name)
			for _, tp := range f.Terms {
				h.str(tp.Term.ID).u64(uint64(len(tp.Modules)))
			}
			add(f.Plural+"/", h.sum(), func() *render.Data {
				d := base("terms", f.Plural+"/", t(f.Plural+"_title"), "")
				d.Facet = f
				return d
			})
			for _, tp := range f.Terms {
				h := newHasher().u64(b.global).str("term", tp.URL)
				b.hashList(h, tp.Modules)
				add(tp.URL, h.sum(), func() *render.Data {
					d := base("term", tp.URL, tp.Term.Label, tp.Term.Description)
					d.Facet, d.Term = f, tp
					d.List, d.Count = b.list(tp.Modules, d.Root, false), len(tp.Modules)
					return d
				})
			}
		}
		// Catalogue.
		{
			h := newHasher().u64(b.global).str("catalogue")
			for _, f := range c.Facets {
				for _, tp := range f.Terms {
					h.str(tp.Term.ID).u64(uint64(len(tp.Modules)))
				}
			}
			b.hashList(h, all)
			add("catalogue/", h.sum(), func() *render.Data {
				d := base("catalogue", "catalogue/", t("catalogue_title"), t("catalogue_description"))
				d.List, d.Count = b.list(all, d.Root, true), len(all)
				return d
			})
		}
		// Learning paths.
		if len(c.Paths) > 0 {
			h := newHasher().u64(b.global).str("paths")
			for _, p := range c.Paths {
				h.u64(uint64(len(p.Modules)))
			}
			add("paths/", h.sum(), func() *render.Data { return base("paths", "paths/", t("paths_title"), "") })
			for _, p := range c.Paths {
				h := newHasher().u64(b.global).str("path", p.ID)
				b.hashList(h, p.Modules)
				add(p.URL, h.sum(), func() *render.Data {
					d := base("path", p.URL, p.Title, p.Description)
					d.Path = p
					d.List, d.Count = b.list(p.Modules, d.Root, false), len(p.Modules)
					return d
				})
			}
		}
	}
	// Home, help, search, 404.
	if only != nil && !only[""] {
		b.run(jobs, w)
		return
	}
	var quick []*curriculum.Module
	for _, m := range all {
		if m.Format.ID == "quick-reference" {
			quick = append(quick, m)
		}
	}
	{
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
		print := h.sum()
		add("", print, func() *render.Data {
			d := base("home", "", "", cfg.Description)
			if c.Root.Doc != nil {
				d.Body = b.docs[c.Root.Doc.Path].html
			}
			d.QuickRefs = quick
			return d
		})
		add("help/", print, func() *render.Data {
			d := base("help", "help/", t("help_title"), t("help_intro"))
			d.QuickRefs = quick
			return d
		})
	}
	add("search/", b.global, func() *render.Data { return base("search", "search/", t("searchpage_title"), "") })
	// 404.html is served for any missing path, at any depth: its links are
	// absolute, from the base URL's path or the domain root.
	if only == nil {
		name := "404.html"
		w.seen[name] = true
		if old, ok := b.prints[name]; !ok || old != b.global {
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
	b.run(jobs, w)
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
func (b *Builder) run(jobs []job, w *writer) {
	type result struct {
		i    int
		data []byte
		err  error
	}
	results := make(chan result, 64)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, err := jobs[i].gen()
				results <- result{i, data, err}
			}
		}()
	}
	go func() {
		for i := range jobs {
			next <- i
		}
		close(next)
		wg.Wait()
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

// refreshFragments renders the card and row of every module whose inputs
// changed.
func (b *Builder) refreshFragments(c *curriculum.Curriculum) {
	var todo []*curriculum.Module
	keys := make(map[*curriculum.Module]uint64, len(c.Modules))
	for _, m := range c.Modules {
		key := newHasher().u64(b.global, b.docs[m.Doc.Path].hash).str(m.ID, boolStr(m.Overdue)).sum()
		keys[m] = key
		if f, ok := b.frags[m.ID]; !ok || f.key != key {
			todo = append(todo, m)
		}
	}
	live := make(map[string]bool, len(c.Modules))
	for _, m := range c.Modules {
		live[m.ID] = true
	}
	for id := range b.frags {
		if !live[id] {
			delete(b.frags, id)
		}
	}
	frags := make([]*frag, len(todo))
	forEach(len(todo), func(i int) {
		m := todo[i]
		item := render.Item{Root: render.RootMarker, Module: m, Config: c.Config}
		card, err1 := b.theme.Fragment("card", item)
		row, err2 := b.theme.Fragment("row", item)
		if err1 != nil {
			card = []byte("<!-- " + template.HTMLEscapeString(err1.Error()) + " -->")
		}
		if err2 != nil {
			row = []byte("<!-- " + template.HTMLEscapeString(err2.Error()) + " -->")
		}
		frags[i] = &frag{key: keys[m], card: card, row: row, hash: newHasher().str(string(card), string(row)).sum()}
	})
	for i, m := range todo {
		b.frags[m.ID] = frags[i]
	}
}

func boolStr(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

func (b *Builder) hashList(h *hasher, ms []*curriculum.Module) {
	for _, m := range ms {
		h.u64(b.frags[m.ID].hash)
	}
}

// list joins the cached cards (or catalogue rows) of ms for a page at root.
func (b *Builder) list(ms []*curriculum.Module, root string, rows bool) template.HTML {
	n := 0
	for _, m := range ms {
		f := b.frags[m.ID]
		if rows {
			n += len(f.row)
		} else {
			n += len(f.card)
		}
	}
	buf := make([]byte, 0, n)
	for _, m := range ms {
		f := b.frags[m.ID]
		if rows {
			buf = append(buf, f.row...)
		} else {
			buf = append(buf, f.card...)
		}
	}
	return template.HTML(bytes.ReplaceAll(buf, []byte(render.RootMarker), []byte(root))) // fragments are template output
}
