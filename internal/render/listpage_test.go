package render

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/curriculum"
)

// benchLists is a site with two facets, and the Data of a term page and
// of a catalogue page of it.
func benchLists() (term, catalogue *Data) {
	cfg := config.Default()
	m := &curriculum.Module{ID: "pain/opioids", URL: "pain/opioids/"}
	topic := &curriculum.Facet{Name: "topic", Plural: "topics"}
	level := &curriculum.Facet{Name: "level", Plural: "levels"}
	pain := &curriculum.TermPage{Facet: topic, Term: config.Term{ID: "pain", Label: "Pain", Description: "Assessing and treating pain."}, URL: "topics/pain/", Modules: []*curriculum.Module{m}}
	topic.Terms = []*curriculum.TermPage{
		pain,
		{Facet: topic, Term: config.Term{ID: "delirium", Label: "Delirium"}, URL: "topics/delirium/"},
	}
	level.Terms = []*curriculum.TermPage{{Facet: level, Term: config.Term{ID: "basic", Label: "Basic"}, URL: "levels/basic/", Modules: []*curriculum.Module{m, m}}}
	site := &curriculum.Curriculum{Config: cfg, Facets: []*curriculum.Facet{level, topic}}
	list := template.HTML("<li class=\"card\">a card</li>\n")
	term = &Data{
		Kind: "term", URL: "topics/pain/page/2/", Root: "../../../../", Title: "Pain (page 2 of 3)", Description: "Assessing and treating pain.", Lang: "en",
		Site: site, Config: cfg, Facet: topic, Term: pain, List: list, Count: 120,
		Pager:     &Pager{Number: 2, Total: 3, First: "topics/pain/", Prev: "topics/pain/", Next: "topics/pain/page/3/"},
		PocketURL: "pocket-cards/",
	}
	catalogue = &Data{
		Kind: "catalogue", URL: "catalogue/", Root: "../", Title: "Catalogue", Lang: "en",
		Site: site, Config: cfg, List: template.HTML("<tr><td>a row</td></tr>\n"), Count: 120, DataURL: "catalogue/modules.json",
		Pager: &Pager{Number: 1, Total: 3, First: "catalogue/", Next: "catalogue/page/2/"},
	}
	return term, catalogue
}

// TestListPagesDirect: the built-in theme's term and catalogue pages are
// written without executing the templates, byte for byte as the
// templates write them, in every branch of their templates and with every
// character html/template escapes; what it cannot pass through as it is
// (a URL, a query, a CSS string html/template would change) leaves the
// page to the templates.
func TestListPagesDirect(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for _, kind := range []string{"term", "catalogue"} {
		if !th.directPages[kind] {
			t.Fatalf("the built-in theme's %s pages run through the templates", kind)
		}
	}
	nasty := "A <b>\"bold\"</b> & 'quoted' 1+1 \x00 \xff\xfe é ’ {{.}} </script>"
	cases := []struct {
		name   string
		edit   func(term, cat *Data)
		direct bool
	}{
		{"full", func(term, cat *Data) {}, true},
		{"one page, no pocket cards, no description", func(term, cat *Data) {
			term.Pager, cat.Pager = &Pager{Number: 1, Total: 1}, nil
			term.PocketURL, term.Term.Term.Description = "", ""
		}, true},
		{"last page", func(term, cat *Data) {
			term.Pager.Next, cat.Pager = "", &Pager{Number: 3, Total: 3, Prev: "catalogue/page/2/"}
		}, true},
		{"counts of one and none", func(term, cat *Data) { term.Count, cat.Count = 1, 0 }, true},
		{"escaped text", func(term, cat *Data) {
			for _, d := range []*Data{term, cat} {
				d.Title, d.Description, d.Lang = nasty, nasty, nasty
				d.Config.Title, d.Config.Notice = nasty, nasty
			}
			for _, fc := range cat.Site.Facets {
				for _, tp := range fc.Terms {
					tp.Term.Label, tp.Term.Description = nasty, nasty
					if tp != term.Term { // in the term page's query: below
						tp.Term.ID = nasty
					}
				}
			}
			cat.Config.CreditsLabel = "Crédits CME, 1.5 h" // in CSS too
		}, true},
		{"a site notice and a base URL", func(term, cat *Data) {
			term.Config.Notice = "Sample content"
			term.Canonical, cat.Canonical = "https://cme.example.org/topics/pain/page/2/", "https://cme.example.org/catalogue/"
		}, true},
		{"root of a top page", func(term, cat *Data) { term.Root, cat.Root = "./", "./" }, true},
		{"a term id for a query", func(term, cat *Data) { term.Term.Term.ID = "a&b"; cat.Root = "x/" }, false},
		{"a facet name for a query", func(term, cat *Data) { term.Facet.Name = "to pic" }, false},
		{"a term URL to escape", func(term, cat *Data) { term.Facet.Plural = "thèmes"; cat.Site.Facets[1].Terms[0].URL = "topics/a b/" }, false},
		{"a pager URL to escape", func(term, cat *Data) {
			term.Pager.Next = "topics/pain/page/3/\"x"
			cat.Pager.Next = "catalogue/page/2/'"
		}, false},
		{"a URL with a scheme", func(term, cat *Data) {
			term.PocketURL = "javascript:alert(1)"
			cat.Site.Facets[0].Terms[0].URL = "x:y/"
		}, false},
		{"a path with an escape", func(term, cat *Data) {
			term.PocketURL = "pocket%2Dcards/"
			cat.Site.Facets[0].Terms[0].URL = "levels/b%C3%A4sic/"
		}, true},
		{"a path with a bare %", func(term, cat *Data) { term.Facet.Plural = "100%"; cat.DataURL = "catalogue/%zz.json" }, false},
		{"a data URL to escape", func(term, cat *Data) { term.PocketURL = "pocket cards/"; cat.DataURL = "catalogue/<modules>.json" }, false},
		{"a credits label for CSS", func(term, cat *Data) { term.Root = "x/"; cat.Config.CreditsLabel = "CME credits (h)" }, false},
		{"canonical with &", func(term, cat *Data) {
			term.Canonical, cat.Canonical = "https://cme.example.org/?a=1&b=2", "https://cme.example.org/?a=1&b=2"
		}, false},
		{"no term", func(term, cat *Data) { term.Term, cat.Site = nil, nil }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			term, cat := benchLists()
			cfg := *term.Config
			term.Config, cat.Config = &cfg, &cfg
			c.edit(term, cat)
			for _, d := range []*Data{term, cat} {
				if got := samePageOf(t, th, d.Kind, d); got != c.direct {
					t.Errorf("%s page written directly: %v, want %v", d.Kind, got, c.direct)
				}
			}
		})
	}
}

// TestListPagesLanguages: in every built-in language, and with UI strings
// holding every character html/template escapes, a term or catalogue page
// written directly is the templates' page; a label that CSS would escape
// leaves the catalogue to the templates.
func TestListPagesLanguages(t *testing.T) {
	eachLanguage(t, []string{"breadcrumbs_label", "home", "facet_topic_plural", "pocket_link", "filter_in_catalogue", "modules_count_other",
		"list_pager_label", "list_pager_prev", "list_pager_next", "list_pager_page", "list_pager_of", "catalogue_intro", "filter_status_zero",
		"filter_links_hint", "facet_topic", "filters_clear", "col_module"},
		func(th *Theme, lang string, siteStrings bool) {
			term, cat := benchLists()
			for _, d := range []*Data{term, cat} {
				// The site's strings put a quote in the catalogue's CSS.
				want := !siteStrings || d.Kind == "term"
				if got := samePageOf(t, th, d.Kind, d); got != want {
					t.Errorf("%s (site strings: %v): %s page written directly: %v, want %v", lang, siteStrings, d.Kind, got, want)
				}
			}
			if siteStrings {
				page, err := th.Render("term", term)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(page), escapedHome) {
					t.Error("the site's UI string is not on the term page, escaped")
				}
			}
		})
}

// TestListPagesOverride: a theme that overrides a template a term or
// catalogue page runs gets those pages from its templates.
func TestListPagesOverride(t *testing.T) {
	builtin := func(name string) string { return builtinFile(t, name) }
	cases := []struct {
		name            string
		files           map[string]string
		term, catalogue bool
		marker          string
	}{
		{"none", nil, true, true, ""},
		{"term.html", map[string]string{"templates/term.html": strings.Replace(builtin("templates/term.html"), "<h1>", "<h1 class=\"custom\">", 1)}, false, true, `<h1 class="custom">`},
		{"catalogue.html", map[string]string{"templates/catalogue.html": strings.Replace(builtin("templates/catalogue.html"), "<h1>", "<h1 class=\"custom\">", 1)}, true, false, `<h1 class="custom">`},
		{"the list pager", map[string]string{"templates/partials/listpager.html": `{{define "listpager"}}<p class="custom">pages</p>{{end}}`}, false, false, `<p class="custom">pages</p>`},
		{"base.html", map[string]string{"templates/base.html": strings.Replace(builtin("templates/base.html"), "<main ", "<main data-x ", 1)}, false, false, "<main data-x "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th := themeWith(t, c.files)
			term, cat := benchLists()
			for _, x := range []struct {
				d      *Data
				direct bool
			}{{term, c.term}, {cat, c.catalogue}} {
				if th.directPages[x.d.Kind] != x.direct {
					t.Errorf("direct %s pages: %v, want %v", x.d.Kind, th.directPages[x.d.Kind], x.direct)
				}
				page, err := th.Render(x.d.Kind, x.d)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := templatePageOf(t, th, x.d.Kind, x.d)
				if string(page) != want {
					t.Errorf("the %s page differs from what the theme's templates make", x.d.Kind)
				}
				if c.marker != "" && strings.Contains(want, c.marker) != strings.Contains(string(page), c.marker) {
					t.Errorf("the %s page and the templates disagree on %q", x.d.Kind, c.marker)
				}
			}
		})
	}
}

// FuzzListPage: whatever the texts and URLs of a term or catalogue page, a
// page written directly is the one the templates write.
func FuzzListPage(f *testing.F) {
	f.Add("Pain", "Assess it.", "pain", "topics/pain/", "topics", "en", "Sample content", "https://cme.example.org/", "../../", "CME credits")
	f.Add("<a href='x'>1+1</a>", "\x00\xff", "a&b", "x y/", "thèmes", "nl\"", "", "http://x/?a=b;c", "./", "É-crédits, 1.5")
	f.Add("", "", "", "", "", "", "", "", "", "")
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		f.Fatal(diags)
	}
	f.Fuzz(func(t *testing.T, label, desc, id, url, plural, lang, notice, canonical, root, credits string) {
		term, cat := benchLists()
		cfg := *term.Config
		term.Config, cat.Config = &cfg, &cfg
		tp := term.Term
		tp.Term.Label, tp.Term.Description, tp.Term.ID, tp.URL = label, desc, id, url
		term.Facet.Plural = plural
		cfg.Notice, cfg.CreditsLabel, cfg.Title = notice, credits, label
		for _, d := range []*Data{term, cat} {
			d.Title, d.Description, d.Lang, d.Canonical, d.Root = label, desc, lang, canonical, root
			samePageOf(t, th, d.Kind, d)
			// Most fuzzed roots and URLs leave the page to the templates:
			// again with ones that do not.
			d.Root, d.Canonical = "../", ""
			samePageOf(t, th, d.Kind, d)
		}
	})
}

// BenchmarkRenderList renders a term page and a catalogue page (without
// their lists, which are made apart): as written directly, and as the
// templates make them.
func BenchmarkRenderList(b *testing.B) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	term, cat := benchLists()
	for _, d := range []*Data{term, cat} {
		b.Run(d.Kind+"/direct", func(b *testing.B) {
			for b.Loop() {
				if _, err := th.Render(d.Kind, d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(d.Kind+"/templates", func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := th.execute(&buf, d.Kind, th.pages[d.Kind], d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
