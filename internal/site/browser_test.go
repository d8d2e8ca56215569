package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/cmesite/cmesite/internal/browsertest"
)

// TestSearchOnBuiltSite serves the built sample curriculum as a plain
// static host would and searches it from the header box of a deep page in
// headless Chromium, as a GP on a phone would.
func TestSearchOnBuiltSite(t *testing.T) {
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	ctx := browsertest.New(t, 2*time.Minute)
	files, _ := build(t, os.DirFS("../.."), Options{Stream: true})
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	srv := httptest.NewServer(http.FileServerFS(fsys))
	defer srv.Close()
	run := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	wait := browsertest.Poll
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

	// An abbreviation, typed in the header box of a page two folders deep.
	run(chromedp.Steps(
		chromedp.Navigate(srv.URL+"/symptoms/pain/"),
		browsertest.Visible(box),
		chromedp.SendKeys(chromedp.CSS(box), "SOB"),
		wait(results+`.length > 0`),
	))
	hrefs := eval(`Array.from(` + results + `).slice(0, 3).map(a => a.getAttribute('href')).join(' ')`)
	if !strings.Contains(hrefs, "breathlessness/") || !strings.HasPrefix(hrefs, "../../") {
		t.Errorf("results for SOB from a deep page: %q; want relative links to the breathlessness modules", hrefs)
	}

	// A typo, with the matched word highlighted in the snippet.
	run(chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+box+`').value = ''`),
		chromedp.SendKeys(chromedp.CSS(box), "breathlesness"),
		wait(results+`.length > 0 && document.querySelector('[data-search-suggest] mark') !== null`),
	))
	if mark := eval(`document.querySelector('[data-search-suggest] mark').textContent.toLowerCase()`); !strings.HasPrefix(mark, "breathless") {
		t.Errorf("highlighted %q for a typo of breathlessness", mark)
	}

	// Keyboard: arrow down to the first result, Enter opens it.
	first := eval(`document.querySelector('[data-search-suggest] [data-search-result]').getAttribute('href')`)
	run(chromedp.Steps(
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.KeyEvent(kb.Enter),
		wait(`!location.pathname.startsWith('/symptoms/pain/')`),
	))
	if loc := eval(`location.pathname`); !strings.Contains(first, strings.Trim(loc, "/")) {
		t.Errorf("Enter on the first result %q opened %q", first, loc)
	}

	// The search page: a shareable query, a deep link to a heading, a facet.
	run(chromedp.Steps(
		chromedp.Navigate(srv.URL+"/search/?q=non-drug+measures+breathlessness"),
		wait(`document.querySelectorAll('[data-search-results] [data-search-result]').length > 0`),
	))
	if first := eval(`document.querySelector('[data-search-results] [data-search-result]').getAttribute('href')`); !strings.Contains(first, "#non-drug-measures") {
		t.Errorf("first result %q does not link to the #non-drug-measures heading", first)
	}
	run(chromedp.Steps(
		chromedp.Navigate(srv.URL+"/search/?q=breathlessness"),
		wait(`document.querySelectorAll('[data-search-results] [data-search-result]').length > 1`),
	))
	all := eval(`String(document.querySelectorAll('[data-search-results] [data-search-result]').length)`)
	shown := `Array.from(document.querySelectorAll('[data-search-results] [data-search-result]')).map(a => a.getAttribute('href')).join(' ')`
	run(chromedp.Steps(
		wait(`document.querySelector('[data-facet="format"] input[value="quick-reference"], [data-facet="format"][value="quick-reference"]') !== null`),
		chromedp.Evaluate[chromedp.Void](`(document.querySelector('[data-facet="format"] input[value="quick-reference"]') || document.querySelector('[data-facet="format"][value="quick-reference"]')).click()`),
		wait(`location.search.includes('format=quick-reference')`),
	))
	// The filtered results replace the others once the facets are read.
	if err := chromedp.Do(ctx, wait(`(s => s !== "" && !s.includes("symptoms/"))(`+shown+`)`)); err != nil {
		t.Errorf("with the quick-reference facet (of %s results) the results are %q (%v)", all, eval(shown), err)
	}

	// Hostile input injects nothing.
	run(chromedp.Steps(
		chromedp.Navigate(srv.URL+"/search/?q="+strings.ReplaceAll("<img src=x onerror=window.pwned=1>", " ", "+")),
		wait(`document.querySelector('input[type=search][name=q]').value.includes('onerror') && document.querySelector('[role=status], [aria-live]') !== null && Array.from(document.querySelectorAll('[role=status], [aria-live]')).some(e => e.textContent.trim() !== '')`),
	))
	// Whatever the page says about the query, no element came of it.
	if img := eval(`String(document.querySelectorAll('img[src="x"], [onerror]').length)`); img != "0" {
		t.Error("a query injected markup into the page")
	}
}
