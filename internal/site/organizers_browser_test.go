package site

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cmesite/cmesite/internal/browsertest"
)

// serveBuilt builds fsys and serves the files as a plain static host.
func serveBuilt(t *testing.T, files map[string][]byte) *httptest.Server {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	srv := httptest.NewServer(http.FileServerFS(fsys))
	t.Cleanup(srv.Close)
	return srv
}

// TestReviewDatesInBrowser: a site built before a module's review date
// shows the overdue notice in a browser once the date has passed, and the
// review schedule brings its statuses and counts up to the reader's
// today. The fixture's last-days module is due 2020-01-01; the site is
// built as of 2019-12-01, when it is due within 90 days.
func TestReviewDatesInBrowser(t *testing.T) {
	ctx := browsertest.New(t, time.Minute)
	files, _ := build(t, fixture(t, "small.txtar"), Options{Today: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)})
	if !strings.Contains(string(files["symptoms/last-days/index.html"]), `data-review-by="2020-01-01" hidden>`) {
		t.Fatal("the module page built before the review date does not carry a hidden notice")
	}
	srv := serveBuilt(t, files)
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := chromedp.Do(ctx, chromedp.Steps(chromedp.Navigate(srv.URL+"/symptoms/last-days/"),
		browsertest.Poll(`!document.querySelector('[data-overdue-notice]').hidden`))); err != nil {
		t.Fatalf("the overdue notice was not shown: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Steps(chromedp.Navigate(srv.URL+"/symptoms/breathlessness/"),
		browsertest.Poll(`document.readyState === 'complete'`))); err != nil {
		t.Fatal(err)
	}
	if got := eval(`String(document.querySelector('[data-overdue-notice]').hidden)`); got != "true" {
		t.Errorf("the notice of a module due in 2029 is shown (hidden=%s)", got)
	}
	if err := chromedp.Do(ctx, chromedp.Steps(chromedp.Navigate(srv.URL+"/organizers/reviews/"),
		browsertest.Poll(`document.querySelector('[data-review-count=overdue]').textContent === '1'`))); err != nil {
		t.Fatalf("the review counts were not brought up to today: %v", err)
	}
	if got := eval(`document.querySelector('tr[data-review-by="2020-01-01"] [data-review-status]').textContent`); got != "Overdue" {
		t.Errorf("the status of a module due 2020-01-01 reads %q, want Overdue", got)
	}

	// A schedule of several pages counts every module on the reader's
	// day, also on a page that does not list the overdue one.
	defer func(n int) { reviewRows = n }(reviewRows)
	reviewRows = 1
	files, _ = build(t, fixture(t, "small.txtar"), Options{Today: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)})
	srv = serveBuilt(t, files)
	if err := chromedp.Do(ctx, chromedp.Steps(chromedp.Navigate(srv.URL+"/organizers/reviews/page/2/"),
		browsertest.Poll(`document.readyState === 'complete'`))); err != nil {
		t.Fatal(err)
	}
	if eval(`String(!!document.querySelector('tr[data-review-by="2020-01-01"]'))`) != "false" {
		t.Fatal("page 2 of the schedule lists the module due 2020-01-01; the test needs a page that does not")
	}
	counts := `['overdue','due','fine','none'].map(s => document.querySelector('[data-review-count='+s+']').textContent).join(' ')`
	if err := chromedp.Do(ctx, chromedp.Steps(browsertest.Poll(counts+` === '1 0 1 2'`))); err != nil {
		t.Errorf("page 2 of the schedule counts %q (overdue due fine none), want \"1 0 1 2\": %v", eval(counts), err)
	}
}

// TestOrganizerPagesAccessible runs axe-core on the organizer pages, in
// light and dark mode, and follows a redirect page. Only what the pages
// themselves hold (their main element) is theirs to answer for here: the
// header and footer are every page's, and the site's own accessibility
// tests check them.
func TestOrganizerPagesAccessible(t *testing.T) {
	ctx := browsertest.New(t, 2*time.Minute)
	card := "---\ntitle: Breathlessness card\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: What to do now.\nformat: quick-reference\naliases: [old/card]\n---\n## Red flags\n"
	files, _ := build(t, overlayFS{fixture(t, "small.txtar"), map[string]string{"content/cards/breathless-card.md": card}}, Options{})
	srv := serveBuilt(t, files)
	inMain := func(sel string) bool {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(document.querySelector(`+strconv.Quote(sel)+`) || document.body).closest('main')`))
		return err == nil && ok
	}
	for _, scheme := range []string{"light", "dark"} {
		for _, p := range []string{"organizers/coverage/", "organizers/reviews/"} {
			if err := chromedp.Do(ctx, chromedp.Steps(browsertest.ColorScheme(scheme), chromedp.Navigate(srv.URL+"/"+p),
				browsertest.Poll(`document.readyState === 'complete'`))); err != nil {
				t.Fatal(err)
			}
			for _, v := range browsertest.Axe(t, ctx) {
				if slices.ContainsFunc(v.Nodes, inMain) {
					t.Errorf("/%s (%s): %s", p, scheme, v)
				}
			}
		}
	}
	// The old URL takes the reader to the module.
	if err := chromedp.Do(ctx, chromedp.Steps(chromedp.Navigate(srv.URL+"/old/card/"),
		browsertest.Poll(`location.pathname === '/cards/breathless-card/'`))); err != nil {
		t.Errorf("the redirect page did not take the browser to the module: %v", err)
	}
}
