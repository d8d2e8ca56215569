package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/cmesite/cmesite/internal/browsertest"
)

// TestSearchFromDisk opens the built sample site from a folder, as a USB
// stick or a shared drive, with no flag that lets file: pages read files:
// search from a module page finds and opens modules, and a link to a
// folder opens its page.
func TestSearchFromDisk(t *testing.T) {
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	ctx := browsertest.New(t, 2*time.Minute)
	files, _ := build(t, os.DirFS("../.."), Options{Stream: true})
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	site := "file://" + filepath.ToSlash(dir) + "/"
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
	const box = `form[data-search-form] input[type=search][name=q]`
	const results = `document.querySelectorAll('[data-search-suggest] [data-search-result]')`

	run(chromedp.Steps(
		chromedp.Navigate(site+"symptoms/pain/index.html"),
		browsertest.Visible(box),
		chromedp.SendKeys(chromedp.CSS(box), "breathlesness"),
		browsertest.Poll(results+`.length > 0 || document.querySelector('[data-search-suggest] .search-error') !== null`),
	))
	if n := eval(`String(` + results + `.length)`); n == "0" {
		t.Fatalf("search from disk shows no results: %q", eval(`document.querySelector('[data-search-suggest]').textContent`))
	}
	first := eval(results + `[0].href`)
	if !strings.HasPrefix(first, site) || !strings.HasSuffix(first, "/index.html") || !strings.Contains(first, "breathlessness") {
		t.Errorf("the first result for a typo of breathlessness, from disk, links to %q; want a breathlessness module's index.html", first)
	}
	run(chromedp.Steps(
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.KeyEvent(kb.Enter),
		browsertest.Poll(`location.href !== '`+site+`symptoms/pain/index.html' && document.readyState === 'complete'`),
	))
	if loc, h1 := eval(`location.href`), eval(`(document.querySelector('main h1') || {textContent: ''}).textContent`); loc != first || h1 == "" {
		t.Errorf("Enter on the first result %q opened %q with heading %q", first, loc, h1)
	}

	// A link to a folder opens the folder's page, not a file listing.
	run(chromedp.Steps(
		chromedp.Click(chromedp.CSS(`.site-nav a[href$="catalogue/index.html"]`)),
		browsertest.Poll(`location.pathname.endsWith('/catalogue/index.html') && document.readyState === 'complete'`),
	))
	if n := eval(`String(document.querySelectorAll('[data-catalogue] tbody tr, [data-catalogue] li').length)`); n == "0" {
		t.Errorf("the catalogue opened from disk lists no modules")
	}
	// The home page's links, and the site title's link to the home page.
	run(chromedp.Steps(
		chromedp.Click(chromedp.CSS(`a.site-title`)),
		browsertest.Poll(`location.href === '`+site+`index.html' && document.readyState === 'complete'`),
	))
	if bad := eval(`Array.from(document.querySelectorAll('a[href]')).map(a => a.href).filter(h => h.startsWith('file:') && new URL(h).pathname.endsWith('/')).join(' ')`); bad != "" {
		t.Errorf("links to folders on the home page opened from disk: %s", bad)
	}

	// The search page, from the header box's "see all".
	run(chromedp.Steps(
		chromedp.Navigate(site+"search/index.html?q=syringe+driver"),
		browsertest.Poll(`document.querySelectorAll('[data-search-results] [data-search-result]').length > 0 || document.querySelector('[data-search-error]:not([hidden])') !== null`),
	))
	if n := eval(`String(document.querySelectorAll('[data-search-results] [data-search-result]').length)`); n == "0" {
		t.Errorf("the search page opened from disk finds nothing for syringe driver: %q", eval(`document.querySelector('main').innerText`))
	}
}

// TestSearchLoadsOnFirstUse: a module page does not ask for search.js
// until the reader turns to the search box ("/" here); then a query works.
func TestSearchLoadsOnFirstUse(t *testing.T) {
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	ctx := browsertest.New(t, 2*time.Minute)
	files, _ := build(t, os.DirFS("../.."), Options{Stream: true})
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	var mu sync.Mutex
	var asked []string
	fileServer := http.FileServerFS(fsys)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sw.js" {
			// No service worker: it saves the shell, search.js included,
			// when it installs, which is not the page asking for it (the
			// offline tests test the worker).
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		fileServer.ServeHTTP(w, r)
	}))
	defer srv.Close()
	searchAsked := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range asked {
			if strings.HasPrefix(p, "/assets/search.") && strings.HasSuffix(p, ".js") {
				return true
			}
		}
		return false
	}
	run := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	const box = `form[data-search-form] input[type=search][name=q]`
	const results = `document.querySelectorAll('[data-search-suggest] [data-search-result]')`
	run(chromedp.Steps(
		chromedp.Navigate(srv.URL+"/symptoms/pain/"),
		browsertest.Visible(box),
		browsertest.Poll(`document.readyState === 'complete'`),
	))
	if searchAsked() {
		t.Fatalf("search.js was asked for before the search box was used: %v", asked)
	}
	run(chromedp.Steps(
		chromedp.KeyEvent("/"),
		browsertest.Poll(`document.activeElement === document.querySelector('`+box+`') && window.cmesiteSearch !== undefined`),
		chromedp.SendKeys(chromedp.CSS(box), "SOB"),
		browsertest.Poll(results+`.length > 0`),
	))
	if !searchAsked() {
		t.Errorf("results shown, but search.js was never asked for: %v", asked)
	}
}
