package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/cmesite/cmesite/internal/browsertest"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"gopkg.in/yaml.v3"
)

// The browser test serves a small site over httptest (a home page with the
// header form, the search page rendered from the theme's search.html, one
// page per fixture doc, the theme's search.js and search.css and the index
// files) and drives it with headless Chromium.

const themeDir = "../../themes/default"

// formI18n are the data-i18n-* attributes the base layout puts on the
// header form, and the en.yaml keys they come from.
var formI18n = [][2]string{
	{"results-one", "search_results_one"},
	{"results-other", "search_results_other"},
	{"no-results", "search_no_results"},
	{"partial", "search_partial"},
	{"partial-only", "search_partial_only"},
	{"see-all", "search_see_all"},
	{"loading", "search_loading"},
	{"unavailable", "search_unavailable"},
	{"error-load", "search_error_load"},
	{"error-corrupt", "search_error_corrupt"},
	{"catalogue", "search_catalogue"},
	{"topics", "search_topics"},
}

const testLayout = `{{define "layout"}}<!doctype html>
<html lang="en" data-root="{{.Root}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.Root}}assets/search.css">
<script src="{{.Root}}assets/search.js" defer></script></head>
<body><header><form class="site-search" role="search" action="{{.Root}}search/" method="get" data-search-form{{range .FormI18n}} {{.}}{{end}}>
<input type="search" name="q" aria-label="Search"><button type="submit">Search</button>
<div class="search-suggest" data-search-suggest hidden></div></form>
<a href="{{.Root}}">Home</a></header>
<main id="main">{{template "main" .}}</main></body></html>{{end}}`

const testDocPage = `{{define "main"}}<article><h1>{{.Doc.Title}}</h1><p>{{.Doc.Summary}}</p>
<div class="module-body" data-search-body>
{{- range .Doc.Sections}}{{if .Heading}}<h2 id="{{.Anchor}}">{{.Heading}}</h2>{{end}}
{{if .Callout}}<aside class="callout"><p><strong>{{.Callout}}</strong></p><p>{{.Text}}</p></aside>{{else}}<p>{{.Text}}</p>{{end}}
{{- end}}</div></article>{{end}}`

type pageData struct {
	Root, Title string
	Doc         *Doc
	FormI18n    []template.HTMLAttr
}

// testSite renders the site of docs; files maps a path (no leading slash)
// to its content.
func testSite(t testing.TB, docs []Doc, opts Options) map[string][]byte {
	t.Helper()
	files, page := testSiteParts(t, docs, opts)
	for i := range docs {
		files[docs[i].URL+"index.html"] = page(&docs[i])
	}
	return files
}

// testSiteParts renders the site of docs but the docs' pages, and returns
// how to render one.
func testSiteParts(t testing.TB, docs []Doc, opts Options) (files map[string][]byte, page func(d *Doc) []byte) {
	t.Helper()
	var strs map[string]string
	b, err := os.ReadFile(filepath.Join(themeDir, "i18n", "en.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &strs); err != nil {
		t.Fatal(err)
	}
	funcs := template.FuncMap{"T": func(key string) (string, error) {
		s, ok := strs[key]
		if !ok {
			return "", fmt.Errorf("en.yaml has no key %q", key)
		}
		return s, nil
	}}
	var attrs []template.HTMLAttr
	for _, a := range formI18n {
		attrs = append(attrs, template.HTMLAttr(fmt.Sprintf(`data-i18n-%s="%s"`, a[0], template.HTMLEscapeString(strs[a[1]]))))
	}
	searchHTML, err := os.ReadFile(filepath.Join(themeDir, "templates", "search.html"))
	if err != nil {
		t.Fatal(err)
	}
	render := func(mainTmpl string, d pageData) []byte {
		tm := template.Must(template.New("layout").Funcs(funcs).Parse(testLayout))
		template.Must(tm.Parse(mainTmpl))
		d.FormI18n = attrs
		var buf bytes.Buffer
		if err := tm.ExecuteTemplate(&buf, "layout", d); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	files = map[string][]byte{
		"index.html":        render(`{{define "main"}}<h1>Home</h1><p>Welcome.</p>{{end}}`, pageData{Root: "./", Title: "Home"}),
		"search/index.html": render(string(searchHTML), pageData{Root: "../", Title: "Search"}),
	}
	page = func(d *Doc) []byte {
		root := strings.Repeat("../", strings.Count(d.URL, "/"))
		return render(testDocPage, pageData{Root: root, Title: d.Title, Doc: d})
	}
	for _, a := range []string{"search.js", "search.css"} {
		b, err := os.ReadFile(filepath.Join(themeDir, "assets", a))
		if err != nil {
			t.Fatal(err)
		}
		files["assets/"+a] = b
	}
	x := NewIndex(opts)
	for _, d := range docs {
		x.Set(d)
	}
	for name, b := range x.Files() {
		files[name] = b
	}
	return files, page
}

func serve(t testing.TB, files map[string][]byte) *httptest.Server {
	return servePages(t, files, nil, nil)
}

// servePages serves files, and the pages of docs rendered on request.
func servePages(t testing.TB, files map[string][]byte, docs []Doc, page func(d *Doc) []byte) *httptest.Server {
	types := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}
	byURL := map[string]*Doc{}
	for i := range docs {
		byURL[docs[i].URL+"index.html"] = &docs[i]
	}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p == "" || strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		b, ok := files[p]
		if d := byURL[p]; !ok && d != nil {
			mu.Lock() // the templates are not safe for concurrent use
			b, ok = page(d), true
			mu.Unlock()
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", types[filepath.Ext(p)])
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// browser starts headless Chromium for the test (internal/browsertest:
// skipped without Chromium, failed when CI=true) and returns a context to
// open tabs from.
func browser(t testing.TB) context.Context {
	return browsertest.New(t, 10*time.Minute)
}

// tab is one browser tab with its page's uncaught exceptions and dialogs.
type tab struct {
	t    testing.TB
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

func newTab(t testing.TB, bctx context.Context) *tab {
	tctx, cancel := chromedp.NewContext(bctx)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: tctx}
	msgs := chromedp.Console(tctx)
	dialogs := chromedp.Events(tctx, page.JavascriptDialogOpening)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleException {
				tb.mu.Lock()
				tb.errs = append(tb.errs, "exception: "+m.Text)
				tb.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.errs = append(tb.errs, "dialog: "+ev.Message)
			tb.mu.Unlock()
			chromedp.Call(tctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	t.Cleanup(func() {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, e := range tb.errs {
			t.Errorf("page: %s", e)
		}
	})
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// wait polls a JavaScript condition until it is true.
func (tb *tab) wait(cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 25*time.Second)
	defer cancel()
	// A poll cut short by a navigation (a followed result) starts again.
	if err := chromedp.Do(ctx, browsertest.Poll(cond)); err != nil {
		tb.t.Fatalf("waiting for %s: %v", cond, err)
	}
}

// clearQuery empties the header box as a reader would (an input event).
const clearQuery = `(() => { const i = document.querySelector('[data-search-form] input[name="q"]');
	i.value = ""; i.dispatchEvent(new Event("input", {bubbles: true})); i.focus(); return true; })()`

// typeQuery types q into the header box, key by key.
func (tb *tab) typeQuery(q string) {
	tb.t.Helper()
	eval[bool](tb, clearQuery)
	tb.do(chromedp.SendKeys(`[data-search-form] input[name="q"]`, q))
}

const suggestTitles = `[...document.querySelectorAll('[data-search-suggest] [data-search-result] .search-result-title')].map(e => e.textContent)`

func TestBrowser(t *testing.T) {
	bctx := browser(t)
	site := testSite(t, fixtureDocs, fixtureOptions)
	srv := serve(t, site)

	t.Run("dropdown", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/"))
		tb.typeQuery("b")
		if open := eval[bool](tb, `!document.querySelector('[data-search-suggest]').hidden`); open {
			t.Error("one letter opened the dropdown")
		}
		tb.do(chromedp.SendKeys(`[data-search-form] input[name="q"]`, "r"))
		tb.wait(`document.querySelectorAll('[data-search-suggest]:not([hidden]) [data-search-result]').length > 0`)
		tb.typeQuery("breathl")
		tb.wait(suggestTitles + `[0] === "Breathlessness crisis"`)
		if !eval[bool](tb, `!!document.querySelector('[data-search-suggest] [data-search-result] .search-result-title mark')`) {
			t.Error("no <mark> in the result titles")
		}
		if got := eval[string](tb, `document.querySelector('[data-search-form] [role=status]').textContent`); !strings.HasSuffix(got, "results") {
			t.Errorf("live region says %q", got)
		}
		tb.do(chromedp.KeyEvent(kb.Escape))
		tb.wait(`document.querySelector('[data-search-suggest]').hidden`)
	})

	t.Run("synonyms and typos", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/"))
		for _, tt := range []struct{ q, want string }{
			{"SOB", "Breathlessness in advanced illness"},
			{"SOB", "Chronic dyspnoea in COPD"},
			{"breathlesness", "Breathlessness in advanced illness"},
			{"dyspnea", "Chronic dyspnoea in COPD"},
			{"morfine", "Titrating oral morphine"},
			{"syringe driver", "Setting up a CSCI"},
			{"OEDÈME", "Oedema in advanced heart failure"},
		} {
			tb.typeQuery(tt.q)
			tb.wait(fmt.Sprintf(`%s.includes(%s)`, suggestTitles, jsString(tt.want)))
		}
	})

	t.Run("snippet from the page", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/"))
		tb.typeQuery("pacing")
		// The index has no body text: the snippet comes from the page, and
		// the link goes to the section that mentions the word.
		tb.wait(`[...document.querySelectorAll('[data-search-suggest] .search-result-snippet mark')].some(m => m.textContent === "pacing")`)
		tb.wait(`document.querySelector('[data-search-suggest] [data-search-result]').getAttribute("href").endsWith("#non-drug-measures")`)
	})

	t.Run("keyboard", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL+"/"), browsertest.Visible("h1"))
		tb.do(chromedp.KeyEvent("/"))
		tb.wait(`document.activeElement === document.querySelector('[data-search-form] input[name="q"]')`)
		tb.do(chromedp.SendKeys(`[data-search-form] input[name="q"]`, "csci"))
		tb.wait(suggestTitles + `[0] === "Setting up a CSCI"`)
		tb.do(chromedp.KeyEvent(kb.ArrowDown))
		if got := eval[string](tb, `document.activeElement.getAttribute("href") || ""`); !strings.HasSuffix(got, "medication/csci/") {
			t.Fatalf("ArrowDown focused %q", got)
		}
		tb.do(chromedp.KeyEvent(kb.ArrowUp))
		tb.wait(`document.activeElement.name === "q"`)
		tb.do(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
		tb.wait(`location.pathname !== "/" && document.querySelector("article h1") !== null`)
		if loc := eval[string](tb, `location.pathname`); loc != "/medication/csci/" {
			t.Errorf("Enter opened %q", loc)
		}
	})

	t.Run("deep link", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/"))
		tb.typeQuery("non-drug measures")
		tb.wait(`document.querySelector('[data-search-suggest] [data-search-result]')?.getAttribute("href").endsWith("symptoms/breathlessness/#non-drug-measures")`)
		tb.do(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
		tb.wait(`location.pathname !== "/" && document.querySelector("article h1") !== null`)
		if loc := eval[string](tb, `location.pathname + location.hash`); loc != "/symptoms/breathlessness/#non-drug-measures" {
			t.Errorf("opened %q", loc)
		}
	})

	t.Run("hostile queries", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/"))
		long := strings.Repeat("breathlessness (.*+?[\\ 🫁 ", 400) // over 10,000 characters
		for _, q := range []string{`<img src=x onerror=alert(1)>`, `<img src=qq onerror=alert()>`, `"><script>window.__xss=1</script>`, `(.*+?[\^$|{}`, "🫁😮‍💨 🫁", long, ""} {
			// Clear the live region, search, and wait for the answer (or
			// for the dropdown to close when there is nothing to search).
			eval[bool](tb, fmt.Sprintf(`(() => { document.querySelector('[data-search-form] [role=status]').textContent = "";
				const i = document.querySelector('[data-search-form] input[name="q"]');
				i.value = %s; i.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, jsString(q)))
			searchable := slices.ContainsFunc(Tokenize(q), func(t string) bool { return len([]rune(t)) >= 2 })
			if searchable {
				tb.wait(`document.querySelector('[data-search-form] [role=status]').textContent !== ""`)
			} else {
				tb.wait(`document.querySelector('[data-search-suggest]').hidden`)
			}
			if n := eval[int](tb, `document.querySelectorAll("img, script:not([src]), iframe").length`); n != 0 {
				t.Errorf("query %.30q added %d elements", q, n)
			}
		}
		// A query that finds nothing is quoted as text in the message.
		eval[bool](tb, clearQuery)
		tb.do(chromedp.SendKeys(`[data-search-form] input[name="q"]`, `<img src=qq onerror=alert()>`))
		tb.wait(`document.querySelector('[data-search-suggest] .search-suggest-count')?.textContent === "No results for “<img src=qq onerror=alert()>”."`)
		if got := eval[string](tb, `typeof window.__xss`); got != "undefined" {
			t.Error("script ran")
		}
	})

	t.Run("search page and facets", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/search/?q=breathlessness"))
		tb.wait(`document.querySelectorAll('[data-search-results] [data-search-result]').length === 3`)
		if got := eval[string](tb, `document.querySelector('[data-search-status]').textContent`); got != "3 results" {
			t.Errorf("status %q", got)
		}
		if got := eval[string](tb, `document.querySelector('[data-search-form] input[name="q"]').value`); got != "breathlessness" {
			t.Errorf("header box holds %q", got)
		}
		counts := `[...document.querySelectorAll('[data-facet-group="%s"] label:not([hidden])')].map(l => l.querySelector("[data-facet]").value + l.querySelector(".search-facet-count").textContent).join(" ")`
		// The page shows the results before it counts the facets: wait
		// for the counts (a slow run, -race, reads them late).
		facet := func(group, want, what string) {
			t.Helper()
			expr := fmt.Sprintf(counts, group)
			ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
			defer cancel()
			if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr+" === "+strconv.Quote(want), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
				t.Errorf("%s %q, want %q", what, eval[string](tb, expr), want)
			}
		}
		// The filters fold away on a phone, and are counted only when
		// the reader opens them: until then no facet file is read and
		// no group shows (no counts of an earlier query either).
		if eval[bool](tb, `document.querySelector('[data-search-facets]').open`) {
			t.Fatal("the filters are open on a phone")
		}
		facetFiles := `performance.getEntriesByType("resource").filter(e => /\/search\/[gf]\//.test(e.name)).length`
		if n := eval[int](tb, facetFiles); n != 0 {
			t.Errorf("%d facet files read before the filters were opened", n)
		}
		if got := eval[string](tb, `[...document.querySelectorAll('[data-facet-group]')].filter(g => !g.hidden).length + " " + document.querySelector('[data-search-facets]').hidden`); got != "0 false" {
			t.Errorf("folded filters: visible groups and box hidden %q, want \"0 false\"", got)
		}
		tb.do(chromedp.Click(`[data-search-facets] > summary`))
		facet("level", "basic(2) specialist(1)", "level facet")
		if n := eval[int](tb, facetFiles); n == 0 {
			t.Error("no facet file read once the filters were opened")
		}
		tb.do(chromedp.Click(`[data-facet="level"][value="specialist"]`))
		tb.wait(`document.querySelectorAll('[data-search-results] [data-search-result]').length === 1`)
		if got := eval[string](tb, `document.querySelector('[data-search-results] .search-result-title').textContent`); got != "Chronic dyspnoea in COPD" {
			t.Errorf("filtered result %q", got)
		}
		if got := eval[string](tb, `location.search`); got != "?q=breathlessness&level=specialist" {
			t.Errorf("URL %q", got)
		}
		facet("level", "basic(2) specialist(1)", "level facet after filtering")
		facet("format", "e-learning(1)", "format facet after filtering")
		// Typing in the header box updates the results in place.
		tb.typeQuery("morphine")
		tb.wait(`location.search === "?q=morphine&level=specialist"`)
		tb.wait(`document.querySelector('[data-search-results] .search-result-title')?.textContent === "Opioid conversion table"`)
		tb.do(chromedp.KeyEvent(kb.ArrowDown))
		if got := eval[string](tb, `document.activeElement.getAttribute("href") || ""`); !strings.HasSuffix(got, "pain/opioid-conversion/") {
			t.Errorf("ArrowDown on the search page focused %q", got)
		}
		// A shared link restores query and filters.
		tb.do(chromedp.Navigate(srv.URL + "/search/?q=sob&format=quick-reference&format=small-group"))
		tb.wait(`document.querySelector('[data-search-results] .search-result-title')?.textContent === "Breathlessness crisis"`)
		if got := eval[int](tb, `document.querySelectorAll('[data-facet="format"]:checked').length`); got != 2 {
			t.Errorf("%d format boxes checked, want 2", got)
		}
		// ... and shows them chosen, counted, on a phone too.
		tb.wait(`document.querySelector('[data-search-facets]').open && !document.querySelector('[data-facet-group="format"]').hidden`)
		if got := eval[bool](tb, `document.querySelector('[data-search-clear]').hidden`); got {
			t.Error("the clear button is hidden while filters are chosen")
		}
	})

	t.Run("empty query", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/search/"))
		tb.wait(`!!(window.cmesiteSearch && cmesiteSearch.engine.man)`)
		got := eval[string](tb, `document.querySelector('[data-search-results]').childElementCount + "|" +
			document.querySelector('[data-search-status]').textContent + "|" + document.querySelector('[data-search-error]').hidden`)
		if got != "0||true" {
			t.Errorf("empty search page: %q", got)
		}
	})

	t.Run("damaged index", func(t *testing.T) {
		for _, tt := range []struct {
			name, file, content, want string
		}{
			{"corrupt", "search/t/_.json", "this is not JSON", "Search is unavailable: search/t/_.json is damaged."},
			{"damaged dictionary", "search/t/_.json", `{"names":["breathlessness"],"chunks":"2"}`, "Search is unavailable: search/t/_.json is damaged."},
			{"damaged postings", "search/p/_.0.json", `["!!"]`, "Search is unavailable: search/p/_.0.json is damaged."},
			{"missing", "search/t/_.json", "", "Search is unavailable: could not load search/t/_.json."},
			{"missing meta", "search/m/0.json", "", "Search is unavailable: could not load search/m/0.json."},
		} {
			t.Run(tt.name, func(t *testing.T) {
				files := map[string][]byte{}
				for k, v := range site {
					files[k] = v
				}
				if tt.content == "" {
					delete(files, tt.file)
				} else {
					files[tt.file] = []byte(tt.content)
				}
				bad := serve(t, files)
				tb := newTab(t, bctx)
				tb.do(chromedp.Navigate(bad.URL + "/search/?q=breathlessness"))
				tb.wait(`!document.querySelector('[data-search-error]').hidden`)
				if got := eval[string](tb, `document.querySelector('[data-search-error] p').textContent`); got != tt.want {
					t.Errorf("message %q, want %q", got, tt.want)
				}
				links := eval[[]string](tb, `[...document.querySelectorAll('[data-search-error] a')].map(a => a.getAttribute("href"))`)
				if !slices.Equal(links, []string{"../catalogue/", "../topics/"}) {
					t.Errorf("links %q", links)
				}
				// The dropdown on other pages says the same.
				tb.do(chromedp.Navigate(bad.URL + "/"))
				tb.typeQuery("breathl")
				tb.wait(fmt.Sprintf(`document.querySelector('[data-search-suggest] .search-error p')?.textContent === %s`, jsString(tt.want)))
			})
		}
	})

	t.Run("same results as Go", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/"))
		tb.wait(`!!window.cmesiteSearch`)
		compareWithGo(t, tb, site, []string{"breathl", "br", "SOB", "breathlesness", "dyspnea", "morfine", "morhpine",
			"syringe driver", "syringe-driver", "just in case", "acp", "MSCC", "hemorrhage", "ŒDÈME", "oramorph",
			"non-drug measures", "morphine breathlessness", "handover", "midazolam", "care of the", "shortness of bre",
			"dysp", "parkinson's", "heart failure", "xyzzy", "the", "1", "2.5 mg", "<img src=x onerror=alert(1)>",
			// The lay vocabulary and filler words (vocab.go).
			"fits", "patient can't swallow tablets", "cant swa", "what to do when the syringe driver alarms", "when to call",
			"how do i", "morphine do", "water tablets", "short of breath", "tummy", "end of life", "being sick", "drowsy "})
		// The same shard file names.
		for _, k := range []string{"", "br", "a1", "σα", "бо", "日本", "x"} {
			if got := eval[string](tb, fmt.Sprintf(`cmesiteSearch.termFileName(%s)`, jsString(k))); got != termFileName(k) {
				t.Errorf("termFileName(%q): search.js %q, Go %q", k, got, termFileName(k))
			}
		}
		// The same words from the same text.
		for _, s := range []string{"Œdème des membres inférieurs", "O’Brien's", "ﬁbrose Straße", "İstanbul ΟΔΥΣΣΕΥΣ",
			"Ｍｏｒｐｈｉｎｅ 2.5mg", "a''b rock'n'roll", "日本語 テキスト", "x\u0301y", strings.Repeat("z", 40), "🫁😮‍💨",
			"the patient’s “plan” — don’t stop", "Café'au l’été", "ab'’c ’d e’ f'’", "x'\u0301y", strings.Repeat("Ab", 20) + "’s"} {
			got := eval[[]string](tb, fmt.Sprintf(`cmesiteSearch.tokenize(%s)`, jsString(s)))
			if want := Tokenize(s); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("tokenize(%q): search.js %q, Go %q", s, got, want)
			}
		}
	})
}

// compareWithGo runs each query in search.js and in the Go Searcher over the
// same files and compares hits, scores, anchors and facet counts.
func compareWithGo(t *testing.T, tb *tab, files map[string][]byte, queries []string) {
	for _, q := range queries {
		filters := map[string][]string{}
		switch {
		case strings.HasPrefix(q, "mor"):
			filters["level"] = []string{"basic"}
		case strings.HasPrefix(q, "p"):
			filters["topic"] = []string{"pain", "opioids"}
		case strings.HasPrefix(q, "c"):
			filters["audience"] = []string{"gp"}
			filters["format"] = []string{"e-learning"}
		}
		s, err := NewSearcher(memLoader(files))
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Search(q, filters, 20)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i, h := range res.Hits {
			line := fmt.Sprintf("%d %v %d", h.Doc, h.Complete, h.Score)
			if i < 20 {
				line += " " + h.URL + "#" + h.Anchor
			}
			want = append(want, line)
		}
		for _, f := range facetNames {
			for _, c := range res.Facets[f] {
				want = append(want, fmt.Sprintf("%s=%s:%d:%v", f, c.ID, c.Count, c.Selected))
			}
		}
		want = append(want, fmt.Sprintf("complete=%d", res.Complete), "terms="+strings.Join(res.Terms, " "))
		js := fmt.Sprintf(`(async () => {
			const res = await cmesiteSearch.query(%s, %s, 20, true);
			const out = res.hits.map((h, i) => h.doc + " " + h.complete + " " + h.score + (i < 20 ? " " + h.url + "#" + h.anchor : ""));
			for (const f of ["level", "topic", "audience", "format"]) for (const c of res.facets[f]) out.push(f + "=" + c.id + ":" + c.count + ":" + c.selected);
			out.push("complete=" + res.complete);
			out.push(res.terms);
			return out; })()`, jsString(q), jsString(filters))
		raw := eval[[]any](tb, js)
		var got []string
		for _, v := range raw {
			switch v := v.(type) {
			case string:
				got = append(got, v)
			case []any: // the matched terms, sorted here as Go sorts them
				var terms []string
				for _, t := range v {
					terms = append(terms, fmt.Sprint(t))
				}
				slices.Sort(terms)
				got = append(got, "terms="+strings.Join(terms, " "))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("query %q:\nsearch.js %q\n       Go %q", q, got, want)
		}
	}
}

// jsString writes v as a JavaScript literal (JSON).
func jsString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// BenchmarkBrowserSearch measures, in Chromium, typing on the search page
// of sites of 500 and 10,000 docs (and 100,000 with CMESITE_SEARCH_100K=1)
// once the files a query needs are loaded. An iteration runs 50 typical
// queries, misspellings and phrases among them. ms/keystroke is the median
// of a query with its 20 results and the filters' counts shown on the page
// (the filters open, as on a wide screen), slowest-ms the slowest
// of them, query-ms the median of the query alone, and cold-ms the first
// pass over the 50 queries, which loads the files they need (a second
// pass, not counted, warms the browser's compiler).
//
//	go test ./internal/search -run X -bench BrowserSearch -benchtime 5x
func BenchmarkBrowserSearch(b *testing.B) {
	bctx := browser(b)
	sizes := []int{500, 10000}
	if os.Getenv("CMESITE_SEARCH_100K") != "" {
		sizes = append(sizes, 100000)
	}
	queries := jsString([]string{"br", "bre", "brea", "breat", "breath", "breathl", "breathlessness", "mo", "mor", "morp", "morphine",
		"morfine", "sob", "dyspnea", "pa", "pai", "pain", "pain at home", "syringe driver", "syringe dr", "csci", "care", "care home",
		"advance care planning", "acp", "op", "opioid", "opioids conversion", "delirium", "delirum", "nausea", "nausea vomiting",
		"haloperidol", "famly meeting", "family", "grief", "bereavement", "spiritual", "hope", "last days", "last days of life",
		"anticipatory", "just in case", "midazolam", "laxative", "constipation", "oxygen", "fan", "gp", "district nurse"})
	for _, n := range sizes {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			docs, src := corpusDocs(b, n)
			b.Logf("docs: %s", src)
			files, page := testSiteParts(b, docs, fixtureOptions)
			srv := servePages(b, files, docs, page)
			tb := newTab(b, bctx)
			tb.do(chromedp.Navigate(srv.URL + "/search/"))
			tb.wait(`!!(window.cmesiteSearch && cmesiteSearch.run)`)
			eval[bool](tb, `document.querySelector('[data-search-facets]').open = true`)
			cold := eval[float64](tb, fmt.Sprintf(`(async () => {
				const t0 = performance.now();
				for (const q of %s) await cmesiteSearch.run(q);
				return performance.now() - t0;
			})()`, queries))
			warm := fmt.Sprintf(`(async () => {
				const api = window.cmesiteSearch, shown = [], alone = [];
				for (const q of %s) {
					let t0 = performance.now();
					await api.run(q);
					shown.push(performance.now() - t0);
					t0 = performance.now();
					await api.query(q, {}, 20);
					alone.push(performance.now() - t0);
				}
				return [shown, alone];
			})()`, queries)
			eval[[][]float64](tb, warm) // the browser's compiler warms up
			var shown, alone []float64
			for b.Loop() {
				got := eval[[][]float64](tb, warm)
				shown = append(shown, got[0]...)
				alone = append(alone, got[1]...)
			}
			b.ReportMetric(medianOf(shown), "ms/keystroke")
			b.ReportMetric(slices.Max(shown), "slowest-ms")
			b.ReportMetric(medianOf(alone), "query-ms")
			b.ReportMetric(cold, "cold-ms")
		})
	}
}

func medianOf(xs []float64) float64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// TestBrowserSharded compares search.js with Go on sites large enough for
// one-letter and two-letter term shards and meta groups, with some
// non-Latin words (hex shard file names).
func TestBrowserSharded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sites of 700 and 2,000 docs")
	}
	bctx := browser(t)
	defer func(l, m, d int) { listFacetDocs, mergeMin, dictTerms = l, m, d }(listFacetDocs, mergeMin, dictTerms)
	for _, n := range []int{700, 2000, 2001} {
		if n == 2001 {
			// Facet parts of posting lists, more merged lists and
			// dictionaries by two letters, as on a much larger site.
			listFacetDocs, mergeMin, dictTerms = 1000, 200, 100
		}
		docs := synthDocs(n)
		docs = append(docs, fixtureDocs...)
		docs = append(docs,
			Doc{URL: "el/dyspnoia/", Title: "Δύσπνοια στο σπίτι", Level: "basic", Format: "e-learning", Sections: []Section{{Text: "Η δύσπνοια τρομάζει τους ασθενείς."}}},
			Doc{URL: "ru/odyshka/", Title: "Одышка дома", Level: "basic", Format: "quick-reference", Sections: []Section{{Text: "Одышка пугает больных."}}},
		)
		x := NewIndex(fixtureOptions)
		for _, d := range docs {
			x.Set(d)
		}
		x.Files()
		t.Logf("%d docs: dictionaries by %d letters, %+v", len(docs), x.lay.keyLen, x.lay)
		site := testSite(t, docs, fixtureOptions)
		srv := serve(t, site)
		tb := newTab(t, bctx)
		tb.do(chromedp.Navigate(srv.URL + "/"))
		tb.wait(`!!window.cmesiteSearch`)
		compareWithGo(t, tb, site, []string{"br", "breathl", "sob", "breathlesness", "rbeathlessness", "bretahlessness", "morfine",
			"dyspnea", "syringe driver", "just in case", "care home", "patient family plan", "δύσπνοια", "ΔΥΣΠΝΟΙΑ", "одышка", "оды",
			"morphine", "xyzzy", "handover", "mo", "co", "the", "care of the", "pa", "opioid", "csci"})
	}
}

// TestSearchPageTemplate checks the page contract of the theme's
// search.html without a browser: the no-JavaScript explanation with its
// links, and the elements search.js looks for.
func TestSearchPageTemplate(t *testing.T) {
	page := string(testSite(t, fixtureDocs[:1], fixtureOptions)["search/index.html"])
	noscript, _, _ := strings.Cut(page[strings.Index(page, "<noscript>")+1:], "</noscript>")
	for _, want := range []string{"Search needs JavaScript", `href="../catalogue/"`, `href="../topics/"`} {
		if !strings.Contains(noscript, want) {
			t.Errorf("the <noscript> block lacks %s:\n%s", want, noscript)
		}
	}
	for _, want := range []string{"data-search-page", "data-search-status", `aria-live="polite"`, "data-search-results",
		"data-search-error", "data-search-more", "data-search-facets", `data-facet-group="level"`, `data-facet-group="topic"`,
		`data-facet-group="audience"`, `data-facet-group="format"`, "data-facet-options", "data-search-clear",
		`data-i18n-results-other="{n} results"`} {
		if !strings.Contains(page, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
}
