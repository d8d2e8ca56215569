package site

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/organize"
)

// The organizer pages and the redirects of renamed modules, declared in
// the page table (table.go):
//
//   - organizers/coverage/ and organizers/reviews/ show the organizer's
//     report (package organize). They carry <meta name="robots"
//     content="noindex">, are not in sitemap.xml and no page of the
//     learner navigation links them: an organizer bookmarks them. The
//     folder name "organizers" is reserved. Options.NoOrganizerPages
//     (--no-organizer-pages) or organizer_pages: false leaves them out.
//   - A module's aliases (old ids: aliases: [old-section/old-slug]) each
//     get a page at the old URL that redirects to the module: a meta
//     refresh, a canonical link and a visible link, so bookmarks, printed
//     cards and QR codes keep working. They are not in sitemap.xml. An
//     alias whose URL another page or alias takes is an error at the
//     alias's line.

// organizersDir is the top-level folder of the organizer pages.
const organizersDir = "organizers"

func organizerEntry() *entry {
	return &entry{name: "the organizer pages", templates: []string{"coverage", "reviews"}, reserve: []string{organizersDir}, noSave: true,
		prepare: func(f *Files) { f.report() },
		pages: func(f *Files, add func(page)) {
			if f.b.opts.NoOrganizerPages || !f.cfg.OrganizerPages {
				return
			}
			add(htmlPage(organizersDir+"/coverage/", (*Files).coverage))
			// The review schedule is paged like every list, reviewRows
			// rows a page, a row per module (in the report's order,
			// earliest review first: reviews slices it).
			for _, pg := range paged(organizersDir+"/reviews/", f.c.Modules, reviewRows) {
				p := htmlPage(pg.url, func(f *Files) ([]byte, error) { return f.reviews(pg) })
				if pg.n > 1 {
					p.list, p.n = pg.first, pg.n
				}
				add(p)
			}
		}}
}

func aliasEntry() *entry {
	return &entry{name: "the redirects of renamed modules", templates: []string{"alias"}, noSave: true,
		pages: func(f *Files, add func(page)) {
			for _, m := range f.c.Modules {
				for i, a := range m.Front.Aliases {
					p := htmlPage(a+"/", func(f *Files) ([]byte, error) { return f.alias(m, a) })
					p.owner, p.line, p.alias = m.Doc.File, m.Front.AliasLines[i], a
					add(p)
				}
			}
		}}
}

// Report is the organizer's report of the last good build, its reviews
// judged on the build's day (Options.Today); nil before a good build.
func (b *Builder) Report() *organize.Report {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.last == nil || !b.lastOK {
		return nil
	}
	return organize.Make(b.last, b.calloutsOf(b.docs), b.today())
}

// Curriculum is the curriculum of the last good build, nil before one.
func (b *Builder) Curriculum() *curriculum.Curriculum {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if !b.lastOK {
		return nil
	}
	return b.last
}

// ExternalLink is an absolute http(s) link of the site's content, where
// it is written.
type ExternalLink struct {
	File string
	Line int
	URL  string
}

// ExternalLinks lists the http(s) links of the last good build's modules
// and sections (their bodies, and their references), by file and line.
func (b *Builder) ExternalLinks() []ExternalLink {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if !b.lastOK {
		return nil
	}
	var out []ExternalLink
	for _, p := range b.tree.Markdown {
		ds := b.docs[p]
		if ds == nil || !ds.rendered {
			continue // a draft left out
		}
		for _, l := range ds.external {
			out = append(out, ExternalLink{File: ds.doc.File, Line: l.Line, URL: l.URL})
		}
		for _, ref := range ds.doc.Front.References {
			for _, u := range urlsIn(ref) {
				out = append(out, ExternalLink{File: ds.doc.File, Line: ds.doc.Front.Line("references"), URL: u})
			}
		}
	}
	return out
}

// urlsIn finds the http(s) URLs written in a line of text (a reference):
// each runs from "http://" or "https://" to the next space, less trailing
// punctuation that ends a sentence.
func urlsIn(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "http://")
		if j := strings.Index(s, "https://"); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			return out
		}
		s = s[i:]
		end := strings.IndexAny(s, " \t<>\"")
		if end < 0 {
			end = len(s)
		}
		u := strings.TrimRight(s[:end], ".,;:)]}'")
		if len(u) > len("https://") {
			out = append(out, u)
		}
		s = s[end:]
	}
}

func (b *Builder) calloutsOf(docs map[string]*docState) organize.Callouts {
	return func(m *curriculum.Module) []string {
		if ds := docs[m.Doc.Path]; ds != nil {
			return ds.callouts
		}
		return nil
	}
}

// report is the organizer's report of the build's curriculum, made once:
// the coverage page and every page of the review schedule show it.
func (f *Files) report() *organize.Report {
	f.reportOnce.Do(func() { f.rep = organize.Make(f.c, f.b.calloutsOf(f.docs), f.today) })
	return f.rep
}

func (f *Files) coverage() ([]byte, error) {
	d := f.base("coverage", organizersDir+"/coverage/", f.t("coverage_title"), f.t("coverage_intro"))
	d.Report = f.report()
	return f.theme.Render("coverage", d)
}

// reviewRows is how many modules a page of the review schedule lists:
// about 20 KB gzipped, a table an organizer can read and print, on a site
// of any size.
var reviewRows = 500

// reviews makes page pg of the review schedule. Its report holds the
// reviews of that page; the counts (and the dates they are counted from
// on the reader's day) are the whole site's.
func (f *Files) reviews(pg listPage) ([]byte, error) {
	d := f.base("reviews", pg.url, pg.title(f.t("reviews_title"), f.t), f.t("reviews_intro"))
	r := *f.report()
	r.Reviews = r.Reviews[min((pg.n-1)*reviewRows, len(r.Reviews)):min(pg.n*reviewRows, len(r.Reviews))]
	d.Report, d.Pager = &r, pg.pager()
	return f.theme.Render("reviews", d)
}

func (f *Files) alias(m *curriculum.Module, alias string) ([]byte, error) {
	url := alias + "/"
	d := f.base("alias", url, m.Front.Title, m.Front.Summary)
	d.Module, d.Alias = m, alias
	if f.cfg.BaseURL != "" {
		d.Canonical = f.cfg.BaseURL + m.URL
	}
	return f.theme.Render("alias", d)
}

// aliasConflict reports an alias page whose URL another page takes, at
// the alias's line; false when neither page is an alias page.
func aliasConflict(diags *diag.List, a, b *page) bool {
	if a.alias == "" && b.alias == "" {
		return false
	}
	if a.alias == "" || (b.alias != "" && b.owner < a.owner) {
		a, b = b, a // a is an alias page
	}
	if b.alias == "" && b.owner == a.owner && b.url == a.url {
		diags.Errorf(a.owner, a.line, "alias %q is the module's own URL; remove it", a.alias)
		return true
	}
	other := b.describe()
	switch {
	case b.alias != "":
		other = "an alias of " + b.owner + " (line " + strconv.Itoa(b.line) + ")"
	case b.owner != "":
		other = "the page of " + b.owner
	}
	diags.Errorf(a.owner, a.line, "alias %q: the URL /%s is taken by %s; remove the alias or rename what takes it", a.alias, a.url, other)
	if b.alias != "" {
		diags.Errorf(b.owner, b.line, "alias %q: the URL /%s is taken by an alias of %s (line %d); remove one of them", b.alias, b.url, a.owner, a.line)
	}
	return true
}

// aliasReserved reports aliases whose first folder is a name cmesite's
// own pages take.
func (f *Files) aliasReserved(reserved []string, diags *diag.List) {
	for i := range f.pages {
		p := &f.pages[i]
		if p.alias == "" {
			continue
		}
		top, _, _ := strings.Cut(p.alias, "/")
		if slices.Contains(reserved, top) {
			diags.Errorf(p.owner, p.line, "alias %q starts with %q, a name taken by pages cmesite generates (taken: %s)", p.alias, top, strings.Join(reserved, ", "))
		}
	}
}
