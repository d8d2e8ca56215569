package site

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
)

// entry is one kind of output in the page table.
type entry struct {
	name      string   // what its pages are, for messages: "the catalogue"
	templates []string // the theme templates its pages use (render.Data.Kind)
	reserve   []string // the top-level names its URLs take, which content may not use
	sitemap   bool     // its HTML pages are listed in sitemap.xml
	// pages lists the entry's pages for the curriculum of f, in the order
	// sitemap.xml lists them.
	pages func(f *Files, add func(page))
	// later, for an entry whose files are known only once they are made
	// (the search index), makes them all at once, after the pages; its
	// names start with one of reserve.
	later func(f *Files) map[string][]byte
	// final, for an entry whose files are made from every other file
	// (the service worker), makes the files named in finals from the
	// size and sha256 of each other file (offline.go).
	final  func(f *Files, sums *fileSums) (map[string][]byte, error)
	finals []string
	// prepare, when set, makes what the entry's pages share (and would
	// each wait for) as a task of its own, before a one-off build makes
	// any page (Files.writeAll).
	prepare func(f *Files)
	// noSave leaves the entry's files out of what the service worker may
	// cache (the sitemap, the feed, the organizer pages, ...).
	noSave bool
}

// page is one output file.
type page struct {
	file  string // output path: "pain/opioids/index.html", "feed.xml"
	url   string // of an HTML page: "pain/opioids/", "" for the home page
	html  bool
	entry *entry
	// owner is the content file or folder whose name the page's URL
	// comes from ("" for a page cmesite names): a conflict is reported
	// there.
	owner   string
	line    int       // the line of owner that names the page (an alias's)
	alias   string    // of a redirect page: the alias it stands for
	body    string    // the content path of the Markdown body the page shows, if any
	lastmod time.Time // for sitemap.xml, when not zero
	list    string    // a later page of a list: the list's URL,
	n       int       // and the page's number
	// lists are the modules whose cards or catalogue rows the page
	// lists (Files.listedOnce)
	lists []*curriculum.Module
	// make makes the page; into, when set, makes it appended to dst, for
	// a one-off build, which writes the page and reuses dst for the next
	// (Files.makeOut). A page with into alone is made by into(f, p, nil).
	make func(f *Files) ([]byte, error)
	into func(f *Files, p *page, dst []byte) ([]byte, error)
}

// htmlPage is a page at url made by mk.
func htmlPage(url string, mk func(f *Files) ([]byte, error)) page {
	return page{file: fileOf(url), url: url, html: true, make: mk}
}

// pageInto is an HTML page at url made by into, into a buffer a one-off
// build reuses (Files.makeOut): the module pages and the lists.
func pageInto(url string, into func(f *Files, p *page, dst []byte) ([]byte, error)) page {
	return page{file: fileOf(url), url: url, html: true, into: into}
}

// defaultTable is every output of a site. Its order is sitemap.xml's.
func defaultTable() []*entry {
	return []*entry{
		{name: "the home page", templates: []string{"home"}, sitemap: true, pages: func(f *Files, add func(page)) {
			add(htmlPage("", (*Files).home))
		}},
		{name: "the sections' lists", templates: []string{"section"}, sitemap: true, pages: func(f *Files, add func(page)) {
			for _, s := range f.c.Sections {
				if s.ID == "" {
					continue // the root section is the home page
				}
				for _, pg := range paged(s.URL, s.Modules, f.cfg.PageSize) {
					p := pageInto(pg.url, func(f *Files, _ *page, dst []byte) ([]byte, error) { return f.section(dst, s, pg) })
					p.lists = pg.modules
					if pg.n == 1 {
						p.owner = sectionFile(s)
					} else {
						p.list, p.n = s.URL, pg.n
					}
					add(p)
				}
			}
		}},
		{name: "the module pages", templates: []string{"module"}, sitemap: true, pages: func(f *Files, add func(page)) {
			for _, m := range f.c.Modules {
				// moduleInto finds the module from the page's body path:
				// the entry keeps no closure per module.
				p := pageInto(m.URL, (*Files).moduleInto)
				p.owner, p.body, p.lastmod = m.Doc.File, m.Doc.Path, m.Front.Reviewed
				add(p)
			}
		}},
		{name: "the term lists", templates: []string{"terms", "term"}, sitemap: true, reserve: facetFolders(),
			pages: func(f *Files, add func(page)) {
				for _, fc := range f.c.Facets {
					add(htmlPage(fc.Plural+"/", func(f *Files) ([]byte, error) { return f.terms(fc) }))
					for _, tp := range fc.Terms {
						for _, pg := range paged(tp.URL, tp.Modules, f.cfg.PageSize) {
							p := pageInto(pg.url, func(f *Files, _ *page, dst []byte) ([]byte, error) { return f.term(dst, fc, tp, pg) })
							p.lists = pg.modules
							if pg.n > 1 {
								p.list, p.n = tp.URL, pg.n
							}
							add(p)
						}
					}
				}
			}},
		{name: "the catalogue", templates: []string{"catalogue"}, sitemap: true, reserve: []string{"catalogue"}, pages: func(f *Files, add func(page)) {
			for _, pg := range paged("catalogue/", f.c.ListOrder(), f.cfg.PageSize) {
				p := pageInto(pg.url, func(f *Files, _ *page, dst []byte) ([]byte, error) { return f.catalogue(dst, pg) })
				p.lists = pg.modules
				if pg.n > 1 {
					p.list, p.n = pg.first, pg.n
				}
				add(p)
			}
		}},
		{name: "the catalogue's data", reserve: []string{"catalogue"}, pages: func(f *Files, add func(page)) {
			add(page{file: catalogueDataURL, make: (*Files).catalogueData})
		}},
		{name: "the learning paths", templates: []string{"paths", "path"}, sitemap: true, reserve: []string{"paths"}, pages: func(f *Files, add func(page)) {
			if len(f.c.Paths) == 0 {
				return
			}
			add(htmlPage("paths/", (*Files).paths))
			for _, p := range f.c.Paths {
				pg := pageInto(p.URL, func(f *Files, _ *page, dst []byte) ([]byte, error) { return f.path(dst, p) })
				pg.lists = p.Modules
				add(pg)
			}
		}},
		{name: "the help page", templates: []string{"help"}, sitemap: true, reserve: []string{"help"}, pages: func(f *Files, add func(page)) {
			add(htmlPage("help/", (*Files).help))
		}},
		pocketEntry(),
		{name: "the self-assessment", templates: []string{"start"}, sitemap: true, reserve: []string{"start"}, pages: func(f *Files, add func(page)) {
			add(htmlPage("start/", (*Files).start))
		}},
		{name: "the CME record", templates: []string{"my-cme"}, reserve: []string{"my-cme"}, pages: func(f *Files, add func(page)) {
			add(htmlPage("my-cme/", (*Files).myCME))
		}},
		{name: "the search page", templates: []string{"search"}, reserve: []string{"search"}, pages: func(f *Files, add func(page)) {
			add(htmlPage("search/", (*Files).searchPage))
		}},
		{name: "the search index", reserve: []string{"search"}, later: func(f *Files) map[string][]byte {
			<-f.searched
			return f.search
		}},
		// Each search/X.json again as search/X.js, which search.js loads
		// with a <script> element on file:, where fetch() is refused.
		{name: "the search index opened from disk", reserve: []string{"search"}, noSave: true, later: func(f *Files) map[string][]byte {
			<-f.searched
			return f.onDisk
		}},
		organizerEntry(),
		aliasEntry(),
		{name: "the page for missing pages", templates: []string{"404"}, reserve: []string{"404.html"}, noSave: true, pages: func(f *Files, add func(page)) {
			add(page{file: "404.html", html: true, make: (*Files).notFound})
		}},
		{name: "the sitemap", reserve: []string{"sitemap.xml"}, noSave: true, pages: func(f *Files, add func(page)) {
			add(page{file: "sitemap.xml", make: (*Files).sitemap})
		}},
		{name: "the feed", reserve: []string{"feed.xml"}, noSave: true, pages: func(f *Files, add func(page)) {
			add(page{file: "feed.xml", make: (*Files).feed})
		}},
		{name: "robots.txt", reserve: []string{"robots.txt"}, noSave: true, pages: func(f *Files, add func(page)) {
			add(page{file: "robots.txt", make: func(f *Files) ([]byte, error) { return robots(f.cfg), nil }})
			// GitHub Pages publishes folders starting with an underscore
			// only without Jekyll.
			add(page{file: ".nojekyll", make: func(*Files) ([]byte, error) { return nil, nil }})
		}},
		// The manifest, the offline page, and the service worker with the
		// list of what it can save: made after every other file.
		manifestEntry(),
		offlinePageEntry(),
		workerEntry(),
		{name: "the theme's assets", reserve: []string{"assets"}, pages: func(f *Files, add func(page)) {
			for _, a := range f.theme.Assets {
				add(page{file: a.Path, make: func(*Files) ([]byte, error) { return a.Data, nil }})
			}
		}},
		{name: "the files kept beside the modules", pages: func(f *Files, add func(page)) {
			for _, p := range f.b.tree.Static {
				add(page{file: p, owner: "content/" + p, make: func(f *Files) ([]byte, error) { return f.static(p) }})
			}
		}},
	}
}

// sectionFile is where a section's name comes from: its _index.md, or
// its folder.
func sectionFile(s *curriculum.Section) string {
	if s.Doc != nil {
		return s.Doc.File
	}
	return "content/" + s.ID
}

// templates lists the theme templates the table's pages use.
func templates(table []*entry) []string {
	var kinds []string
	for _, e := range table {
		for _, k := range e.templates {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	return kinds
}

// reservedNames are the top-level names the table's pages take.
func reservedNames(table []*entry) []string {
	var names []string
	for _, e := range table {
		for _, n := range e.reserve {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names
}

// describe says what a page is, for messages.
func (p *page) describe() string {
	if p.n > 1 {
		return fmt.Sprintf("page %d of the list of modules in /%s", p.n, p.list)
	}
	return p.entry.name
}

// conflicts reports content whose names are taken: a top-level folder or
// file named like a page cmesite makes, and content whose URL another
// page has. Two modules or sections with one URL are the curriculum's to
// report.
func (f *Files) conflicts() diag.List {
	var diags diag.List
	reserved := reservedNames(f.b.table)
	taken := strings.Join(reserved, ", ")
	for _, s := range f.c.Root.Children {
		if slices.Contains(reserved, s.ID) {
			diags.Errorf(sectionFile(s), 0, "the folder name %q is taken by pages cmesite generates; rename the folder (taken: %s)", s.ID, taken)
		}
	}
	for _, m := range f.c.Root.Modules {
		if slices.Contains(reserved, path.Base(m.ID)) {
			diags.Errorf(m.Doc.File, 0, "the file name %q is taken by pages cmesite generates; rename the file (taken: %s)", path.Base(m.ID), taken)
		}
	}
	isReserved := func(owner string) bool {
		top, _, _ := strings.Cut(strings.TrimPrefix(owner, "content/"), "/")
		return slices.Contains(reserved, strings.TrimSuffix(top, ".md"))
	}
	f.aliasReserved(reserved, &diags)
	for _, d := range f.dups {
		a, b := &f.pages[d[0]], &f.pages[d[1]]
		if (a.alias != "" && isReserved(a.alias)) || (b.alias != "" && isReserved(b.alias)) {
			continue // reported above
		}
		if aliasConflict(&diags, a, b) {
			continue
		}
		if a.owner != "" && b.owner != "" {
			if a.html && b.html {
				continue // two modules or sections: the curriculum says so
			}
			diags.Errorf(b.owner, 0, "the file /%s is also the page of %s; rename one of them", b.file, a.owner)
			continue
		}
		if a.owner == "" {
			a, b = b, a
		}
		switch {
		case a.owner == "":
			diags.Errorf("cmesite.yaml", 0, "two pages cmesite makes take /%s: %s and %s; rename the term, path or section that names them", a.file, a.describe(), b.describe())
		case a.html && isReserved(a.owner):
			// reported above
		case b.list != "":
			diags.Errorf(a.owner, 0, "the URL /%s is taken by %s; rename the file or folder (a section's list continues at page/2/, page/3/, ...)", b.url, b.describe())
		default:
			diags.Errorf(a.owner, 0, "the URL /%s is taken by %s; rename the file or folder (taken: %s)", strings.TrimSuffix(b.file, "index.html"), b.describe(), taken)
		}
	}
	return diags
}

// fileOf is the output file of a page URL.
func fileOf(url string) string { return url + "index.html" }

// rootOf is the relative path from a page URL to the site root.
func rootOf(url string) string {
	n := strings.Count(url, "/")
	if n == 0 {
		return "./"
	}
	return strings.Repeat("../", n)
}

// facetFolders are the URL folders of the facets' term pages.
func facetFolders() []string {
	var names []string
	for _, f := range content.Facets() {
		names = append(names, f.Plural)
	}
	return names
}
