package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cmesite/cmesite/internal/browsertest"
)

// catalogueFile is catalogue/modules.json, decoded.
type catalogueFile struct {
	Facets []struct {
		Name    string            `json:"name"`
		Terms   [][2]string       `json:"terms"`
		Modules []json.RawMessage `json:"modules"`
	} `json:"facets"`
	Durations []string `json:"durations"`
	Credits   []string `json:"credits"`
	Modules   struct {
		URL      []string `json:"url"`
		Title    []string `json:"title"`
		Duration []int    `json:"duration"`
		Credits  []int    `json:"credits"`
	} `json:"modules"`
}

// termIndexes decodes a module's terms of one facet: a number or an array.
func termIndexes(t *testing.T, raw json.RawMessage) []int {
	t.Helper()
	var one int
	if err := json.Unmarshal(raw, &one); err == nil {
		return []int{one}
	}
	var many []int
	if err := json.Unmarshal(raw, &many); err != nil {
		t.Fatalf("term indexes %s: %v", raw, err)
	}
	return many
}

// withPageSize adds page_size to a site's cmesite.yaml.
func withPageSize(t *testing.T, fsys fstest.MapFS, n int) fstest.MapFS {
	t.Helper()
	var cfg []byte
	if f, ok := fsys["cmesite.yaml"]; ok {
		cfg = bytes.Clone(f.Data)
	}
	fsys["cmesite.yaml"] = &fstest.MapFile{Data: append(cfg, fmt.Sprintf("\npage_size: %d\n", n)...)}
	return fsys
}

// sampleSite is the sample curriculum in content/, as a MapFS.
func sampleSite(t *testing.T) fstest.MapFS {
	t.Helper()
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	fsys := fstest.MapFS{}
	for name, data := range mapFromFS(os.DirFS("../..")) {
		if strings.HasPrefix(name, "content/") || name == "cmesite.yaml" || strings.HasPrefix(name, "themes/") {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
	}
	return fsys
}

// TestCatalogueData: the data file lists every built module once, in the
// catalogue's order, with the terms, title, link, duration and credits
// its row in the static catalogue shows.
func TestCatalogueData(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"fixture": toMapFS(mapFromFS(fixture(t, "small.txtar"))),
		"sample":  sampleSite(t),
	} {
		t.Run(name, func(t *testing.T) {
			fsys = withPageSize(t, fsys, 3)
			b := New(fsys, Options{Today: today})
			st, diags := b.Update(nil)
			if diags.Errors() > 0 {
				t.Fatal(diags)
			}
			f := b.Files()
			raw, err := f.Get("catalogue/modules.json")
			if err != nil {
				t.Fatal(err)
			}
			var data catalogueFile
			if err := json.Unmarshal(raw, &data); err != nil {
				t.Fatalf("catalogue/modules.json: %v", err)
			}
			if len(data.Facets) != len(f.c.Facets) {
				t.Fatalf("%d facets, want %d", len(data.Facets), len(f.c.Facets))
			}
			for k, fc := range f.c.Facets {
				if data.Facets[k].Name != fc.Name || len(data.Facets[k].Terms) != len(fc.Terms) {
					t.Fatalf("facet %d is %s with %d terms, want %s with %d", k, data.Facets[k].Name, len(data.Facets[k].Terms), fc.Name, len(fc.Terms))
				}
				for j, tp := range fc.Terms {
					if got := data.Facets[k].Terms[j]; got != [2]string{tp.Term.ID, tp.Term.Label} {
						t.Errorf("term %d of %s is %q, want %q %q", j, fc.Name, got, tp.Term.ID, tp.Term.Label)
					}
				}
			}

			// The static rows, from every page of the catalogue.
			rows := staticRows(t, f)
			all := f.c.ListOrder()
			ms := data.Modules
			if len(ms.URL) != len(all) || len(all) != st.Modules || len(rows) != len(all) {
				t.Fatalf("the data file lists %d modules, the catalogue's pages %d; %d were built", len(ms.URL), len(rows), st.Modules)
			}
			for name, n := range map[string]int{"title": len(ms.Title), "duration": len(ms.Duration), "credits": len(ms.Credits),
				"level": len(data.Facets[0].Modules), "topic": len(data.Facets[1].Modules), "audience": len(data.Facets[2].Modules), "format": len(data.Facets[3].Modules)} {
				if n != len(all) {
					t.Errorf("the data file has %d %s, want %d", n, name, len(all))
				}
			}
			seen := map[string]bool{}
			for i, m := range all {
				u, title, dur, cred := ms.URL[i], ms.Title[i], ms.Duration[i], ms.Credits[i]
				if seen[u] {
					t.Errorf("%s is listed twice", u)
				}
				seen[u] = true
				id, err := url.PathUnescape(strings.TrimSuffix(u, "/"))
				if id != m.ID || err != nil {
					t.Errorf("module %d is %q (id %q), want %s", i, u, id, m.ID)
				}
				r := rows[i]
				if r.attrs["data-module"] != m.ID || r.href != "../"+u || title != m.Front.Title || r.title != title {
					t.Errorf("module %d: %q %q, its row %q %q %q", i, u, title, r.attrs["data-module"], r.href, r.title)
				}
				if data.Durations[dur] != r.cells[5] || data.Credits[cred] != r.cells[6] {
					t.Errorf("%s: duration %q and credits %q; its row shows %q and %q", m.ID, data.Durations[dur], data.Credits[cred], r.cells[5], r.cells[6])
				}
				for k, fc := range f.c.Facets {
					var ids, labels []string
					for _, j := range termIndexes(t, data.Facets[k].Modules[i]) {
						ids = append(ids, data.Facets[k].Terms[j][0])
						labels = append(labels, data.Facets[k].Terms[j][1])
					}
					var want []string
					for _, tm := range m.Terms(fc.Name) {
						want = append(want, tm.ID)
					}
					if strings.Join(ids, " ") != strings.Join(want, " ") || r.attrs["data-"+fc.Name] != strings.Join(ids, " ") {
						t.Errorf("%s: %s terms %q, want %q (its row: %q)", m.ID, fc.Name, ids, want, r.attrs["data-"+fc.Name])
					}
					if got := strings.Join(labels, ", "); got != r.cells[1+k] {
						t.Errorf("%s: %s labels %q; its row shows %q", m.ID, fc.Name, got, r.cells[1+k])
					}
				}
			}
			// It is not a page: no sitemap entry.
			sitemap, _ := f.Get("sitemap.xml")
			if bytes.Contains(sitemap, []byte("modules.json")) {
				t.Error("sitemap.xml lists the catalogue's data file")
			}
		})
	}
}

// staticRow is a row of the catalogue as the build writes it.
type staticRow struct {
	attrs       map[string]string
	href, title string
	cells       []string // the text of each cell; the first without its summary
}

var (
	rowRE       = regexp.MustCompile(`(?s)<tr( data-module=[^>]*)>(.*?)</tr>`)
	attrRE      = regexp.MustCompile(`(data-[a-z]+)="([^"]*)"`)
	cellRE      = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	linkTitleRE = regexp.MustCompile(`^<a href="([^"]*)">(.*?)</a>`)
	tagRE       = regexp.MustCompile(`<[^>]*>`)
)

// staticRows reads the rows of every page of the catalogue, in order, as
// if from catalogue/ (the links of later pages made relative to it).
func staticRows(t *testing.T, f *Files) []staticRow {
	t.Helper()
	var rows []staticRow
	for n := 1; ; n++ {
		u := pageURL("catalogue/", n)
		page, err := f.Get(fileOf(u))
		if err != nil {
			return rows
		}
		for _, m := range rowRE.FindAllSubmatch(page, -1) {
			r := staticRow{attrs: map[string]string{}}
			for _, a := range attrRE.FindAllSubmatch(m[1], -1) {
				r.attrs[string(a[1])] = html.UnescapeString(string(a[2]))
			}
			for i, c := range cellRE.FindAllSubmatch(m[2], -1) {
				cell := string(c[1])
				if i == 0 {
					lt := linkTitleRE.FindStringSubmatch(cell)
					if lt == nil {
						t.Fatalf("/%s: a row's first cell is %q", u, cell)
					}
					r.href = strings.Replace(html.UnescapeString(lt[1]), rootOf(u), "../", 1)
					r.title = html.UnescapeString(lt[2])
					cell = lt[2]
				}
				r.cells = append(r.cells, html.UnescapeString(tagRE.ReplaceAllString(cell, "")))
			}
			if len(r.cells) != 7 {
				t.Fatalf("/%s: a row has %d cells, want 7", u, len(r.cells))
			}
			rows = append(rows, r)
		}
	}
}

// TestQuickRefsBounded: the home and help pages list at most page_size
// quick-reference cards, and then link to the format's page of them all;
// a site with fewer shows them all, with no link.
func TestQuickRefsBounded(t *testing.T) {
	fsys := sampleSite(t)
	files, _ := build(t, fsys, Options{})
	home, help := string(files["index.html"]), string(files["help/index.html"])
	all := strings.Count(string(files["formats/quick-reference/index.html"]), `<li class="card"`)
	if all < 4 {
		t.Fatalf("the sample has %d quick-reference cards; the test needs at least 4", all)
	}
	for name, page := range map[string]string{"index.html": home, "help/index.html": help} {
		if strings.Contains(page, "quick-reference cards</a>") {
			t.Errorf("%s links to all cards though it lists them all", name)
		}
	}

	files, _ = build(t, withPageSize(t, sampleSite(t), 3), Options{})
	for name, list := range map[string]*regexp.Regexp{
		"index.html":      regexp.MustCompile(`(?s)<section class="entry entry-urgent".*?<ul>(.*?)</ul>(.*?)</section>`),
		"help/index.html": regexp.MustCompile(`(?s)<ul class="quick-list">(.*?)</ul>(.*?)</main>`),
	} {
		m := list.FindStringSubmatch(string(files[name]))
		if m == nil {
			t.Errorf("%s has no list of quick-reference cards", name)
			continue
		}
		if n := strings.Count(m[1], "<li>"); n != 3 {
			t.Errorf("%s lists %d quick-reference cards, want page_size 3", name, n)
		}
		root := rootOf(strings.TrimSuffix(name, "index.html"))
		want := fmt.Sprintf(`<a href="%sformats/quick-reference/">All %d quick-reference cards</a>`, root, all)
		if !strings.Contains(m[2], want) {
			t.Errorf("%s does not link to all cards with %s:\n%s", name, want, m[2])
		}
	}
}

// TestCatalogueFiltersOnBuiltSite serves a built site whose catalogue
// runs over several pages, as a plain static host would, and filters it
// in headless Chromium: the rows, counts and pages come from the data
// file, the filters live in the address, and clearing them brings the
// page back as built. When the data file cannot be loaded, the status
// line says so and the rows stay.
func TestCatalogueFiltersOnBuiltSite(t *testing.T) {
	const size = 5
	fsys := withPageSize(t, sampleSite(t), size)
	ctx := browsertest.New(t, 2*time.Minute)
	b := New(fsys, Options{Today: today})
	if _, diags := b.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	f := b.Files()
	site := fstest.MapFS{}
	for _, name := range f.Names() {
		data, err := f.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		site[name] = &fstest.MapFile{Data: data}
	}
	srv := httptest.NewServer(http.FileServerFS(site))
	defer srv.Close()
	noData := fstest.MapFS{}
	for name, file := range site {
		if name != catalogueDataURL {
			noData[name] = file
		}
	}
	offline := httptest.NewServer(http.FileServerFS(noData))
	defer offline.Close()

	// What the reader should see, from the curriculum.
	var basic []string
	topics := map[string]int{} // basic modules per topic
	all := f.c.ListOrder()
	for _, m := range all {
		if m.Level.ID == "basic" {
			basic = append(basic, m.ID)
			for _, tm := range m.Topics {
				topics[tm.ID]++
			}
		}
	}
	specialist := len(all) - len(basic)
	if len(basic) <= 2*size || len(all) <= size {
		t.Fatalf("the sample has %d modules, %d basic; the test needs more than %d", len(all), len(basic), 2*size)
	}
	var static []string
	for _, m := range all[:size] {
		static = append(static, m.ID)
	}
	pages := (len(basic) + size - 1) / size

	run := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	const (
		rows      = `Array.from(document.querySelectorAll('[data-catalogue] tbody tr'))`
		ids       = rows + `.map(r => r.dataset.module).join(' ')`
		status    = `document.querySelector('[data-catalogue-status]').textContent`
		pageText  = `document.querySelector('[data-catalogue-page]').textContent`
		clientNav = `document.querySelector('[data-catalogue-pages]')`
		staticNav = `document.querySelector('[data-catalogue-pager]')`
	)
	count := func(facet, term string) string {
		return eval(`document.querySelector('[data-filter="` + facet + `"][value="` + term + `"]').closest('label').querySelector('.count').textContent`)
	}

	// A link to the basic modules in the catalogue, as term pages make.
	shown := fmt.Sprintf("%d modules shown", len(basic))
	run(chromedp.Steps(
		chromedp.Navigate(srv.URL+"/catalogue/?level=basic"),
		browsertest.Poll(status+` === '`+shown+`'`),
	))
	if got, want := eval(ids), strings.Join(basic[:size], " "); got != want {
		t.Errorf("with ?level=basic the rows are\n%s\nwant the first %d basic modules\n%s", got, size, want)
	}
	if got := eval(rows + `.filter(r => r.dataset.level !== 'basic' || r.cells.length !== 7 || !r.dataset.topic || !r.dataset.audience || !r.dataset.format).length + ''`); got != "0" {
		t.Errorf("%s rows are not basic, or lack cells or data- attributes", got)
	}
	href := eval(rows + `[0].querySelector('a').getAttribute('href')`)
	if want := "../" + basic[0] + "/"; href != want {
		t.Errorf("the first row links to %q, want %q", href, want)
	}
	if got, want := count("level", "basic"), fmt.Sprintf("(%d)", len(basic)); got != want {
		t.Errorf("count of basic %s, want %s", got, want)
	}
	if got, want := count("level", "specialist"), fmt.Sprintf("(%d)", specialist); got != want {
		t.Errorf("count of specialist %s, want %s (the modules it would add)", got, want)
	}
	for topic, n := range topics {
		if got, want := count("topic", topic), fmt.Sprintf("(%d)", n); got != want {
			t.Errorf("count of topic %s %s, want %s basic modules", topic, got, want)
		}
	}
	if got, want := eval(pageText), fmt.Sprintf("Page 1 of %d", pages); got != want {
		t.Errorf("the pager says %q, want %q", got, want)
	}
	if eval(`String(`+clientNav+`.hidden)+' '+String(`+staticNav+`.hidden)`) != "false true" {
		t.Error("with a filter set, the filtered list's pager is not shown in place of the page's")
	}

	// The next page of the matches.
	run(chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](clientNav+`.querySelector('[data-step="1"]').click()`),
		browsertest.Poll(pageText+` === 'Page 2 of `+fmt.Sprint(pages)+`'`),
	))
	if got, want := eval(ids), strings.Join(basic[size:2*size], " "); got != want {
		t.Errorf("page 2 of the basic modules is\n%s\nwant\n%s", got, want)
	}

	// A topic too: AND across facets, in the address.
	var topic string
	for tp, n := range topics {
		if n > 0 && (topic == "" || tp < topic) {
			topic = tp
		}
	}
	run(chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-filter="topic"][value="`+topic+`"]').click()`),
		browsertest.Poll(`location.search === '?level=basic&topic=`+topic+`'`),
	))
	if got, want := eval(status), fmt.Sprintf("%d module", topics[topic]); !strings.HasPrefix(got, want) {
		t.Errorf("basic and %s: status %q, want %q", topic, got, want)
	}

	// Clearing the filters brings the page back as built.
	run(chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-catalogue-filters] button[type=reset]').click()`),
		browsertest.Poll(`location.search === ''`),
	))
	if got, want := eval(ids), strings.Join(static, " "); got != want {
		t.Errorf("after clearing, the rows are\n%s\nwant the page's own\n%s", got, want)
	}
	if got := eval(rows + `.filter(r => r.querySelector('.row-summary')).length + ''`); got != fmt.Sprint(size) {
		t.Errorf("after clearing, %s rows have their summary, want %d", got, size)
	}
	if eval(`String(`+clientNav+`.hidden)+' '+String(`+staticNav+`.hidden)+' '+`+status) != "true false " {
		t.Error("after clearing, the page's own pager is not back, or the status is not empty")
	}
	if got, want := count("level", "specialist"), fmt.Sprintf("(%d)", specialist); got != want {
		t.Errorf("after clearing, count of specialist %s, want %s", got, want)
	}

	// Without the data file (a site opened from disk, offline): the status
	// says so and the page's rows stay.
	run(chromedp.Steps(
		chromedp.Navigate(offline.URL+"/catalogue/page/2/?level=basic"),
		browsertest.Poll(status+`.includes('unavailable')`),
	))
	var page2 []string
	for _, m := range all[size:min(2*size, len(all))] {
		page2 = append(page2, m.ID)
	}
	if got, want := eval(ids), strings.Join(page2, " "); got != want {
		t.Errorf("without the data file, page 2 shows\n%s\nwant its own rows\n%s", got, want)
	}
}

// FuzzAppendJSON: a string written into a data file (the catalogue's,
// offline/files.json) reads back as itself, as from json.Marshal.
func FuzzAppendJSON(f *testing.F) {
	for _, s := range []string{"", "pain/opioids/", "a b/", `q"x`, `back\slash`, "a&b<c>", "ü/", "\u2028", "\x7f", "\x1f", "\xff", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSON([]byte("["), s)
		var got []string
		if err := json.Unmarshal(append(b, ']'), &got); err != nil {
			t.Fatalf("appendJSON(%q) = %s: %v", s, b[1:], err)
		}
		var want string
		m, _ := json.Marshal(s)
		json.Unmarshal(m, &want)
		if len(got) != 1 || got[0] != want {
			t.Errorf("appendJSON(%q) = %s reads as %q, want %q", s, b[1:], got, want)
		}
	})
}
