package site

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/cmesite/cmesite/internal/browsertest"
	"github.com/cmesite/cmesite/internal/devserver"
)

// host is a static host for browser tests: it serves a build under a
// prefix, can be given a new build (a deploy) or another handler, can go
// down (every request fails as without a network: the connection is cut
// unanswered), and can hold back the requests for one path.
type host struct {
	*httptest.Server
	h    atomic.Pointer[http.Handler]
	down atomic.Bool

	mu      sync.Mutex
	hold    string        // a path whose requests wait for release
	held    chan struct{} // closed when a request for hold arrives
	release chan struct{}
	stop    chan struct{} // closed when the test ends: a held request goes on
}

func newHost(t *testing.T) *host {
	h := &host{stop: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.down.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		h.mu.Lock()
		if h.hold != "" && r.URL.Path == h.hold {
			held, release := h.held, h.release
			h.hold = ""
			h.mu.Unlock()
			close(held)
			// A test that fails before it releases the request must
			// not leave it waiting: Close waits for every request.
			select {
			case <-release:
			case <-h.stop:
			case <-r.Context().Done():
			}
		} else {
			h.mu.Unlock()
		}
		(*h.h.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(h.stop)
		h.Close()
	})
	return h
}

// serve makes the host serve files under prefix ("" or "/cme").
func (h *host) serve(prefix string, files map[string][]byte) {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	var hd http.Handler = http.FileServerFS(fsys)
	if prefix != "" {
		hd = http.StripPrefix(prefix, hd)
	}
	h.h.Store(&hd)
}

// holdBack makes the next request for path wait until release is closed;
// held is closed when it arrives.
func (h *host) holdBack(path string) (held, release chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hold, h.held, h.release = path, make(chan struct{}), make(chan struct{})
	return h.held, h.release
}

// builtSample builds the sample curriculum, with changes laid over its
// files.
func builtSample(t *testing.T, changes map[string]string) map[string][]byte {
	t.Helper()
	fsys := sampleSite(t)
	for name, data := range changes {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	files, _ := build(t, fsys, Options{Stream: true})
	return files
}

// workerInfo is what the page's worker says of itself.
const workerInfo = `new Promise((resolve) => {
  const c = new MessageChannel();
  c.port1.onmessage = (e) => resolve(e.data.version + ' ' + e.data.date);
  navigator.serviceWorker.controller.postMessage({type: 'info'}, [c.port2]);
})`

const controlled = `navigator.serviceWorker && navigator.serviceWorker.controller !== null && document.readyState === 'complete'`

// offline sets navigator.onLine, as a phone without signal has it.
func offline(on bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: on, DownloadThroughput: -1, UploadThroughput: -1})
		return chromedp.Void{}, err
	}
}

// TestOfflineAfterOneVisit: a GP opens the site once (here under a
// sub-path), the signal goes; a quick-reference card opens and search
// finds it; a page not saved shows the offline page at its own address,
// whose links lead into the site; every page says "Content from <date>";
// the offline page passes axe in both colour schemes.
func TestOfflineAfterOneVisit(t *testing.T) {
	files := builtSample(t, nil)
	h := newHost(t)
	h.serve("/cme", files)
	site := h.URL + "/cme/"
	b := newBrowser(t, "")
	b.run(chromedp.Navigate(site), browsertest.Poll(controlled))
	if scope := b.eval(`navigator.serviceWorker.getRegistration().then(r => r.scope)`); scope != site {
		t.Errorf("the worker's scope is %s; want the site's root %s", scope, site)
	}
	version := b.eval(workerInfo)

	h.down.Store(true)
	const card = "quick-reference/syringe-driver-problems/"
	b.run(chromedp.Navigate(site+card), browsertest.Poll(`document.readyState === 'complete'`))
	if got := b.eval(`(document.querySelector('main h1') || {textContent: ''}).textContent + ' | ' + document.querySelectorAll('aside.callout').length`); !strings.Contains(got, "yringe driver") || strings.HasSuffix(got, "| 0") {
		t.Fatalf("a card opened without network shows %q; want its title and callouts", got)
	}
	const box = `form[data-search-form] input[type=search][name=q]`
	const results = `document.querySelectorAll('[data-search-suggest] [data-search-result]')`
	b.run(chromedp.SendKeys(chromedp.CSS(box), "syringe driver alarm"),
		browsertest.Poll(results+`.length > 0 || document.querySelector('[data-search-suggest] .search-error') !== null`))
	if got := b.eval(`Array.from(` + results + `).map(a => a.href).join(' ')`); !strings.Contains(got, card) {
		t.Errorf("search without network does not find the syringe driver card: %q (%s)", got, b.eval(`document.querySelector('[data-search-suggest]').textContent`))
	}

	// A page the first visit did not save.
	const missing = "symptoms/constipation/"
	b.run(chromedp.Navigate(site+missing), browsertest.Poll(`document.querySelector('[data-offline-page]') !== null`))
	if loc := b.eval(`location.href`); loc != site+missing {
		t.Errorf("the offline page moved the address to %s", loc)
	}
	if lead := b.eval(`document.querySelector('[data-offline-lead]').textContent`); !strings.Contains(lead, "/cme/"+missing) {
		t.Errorf("the offline page does not name the page that is missing: %q", lead)
	}
	links := b.eval(`Array.from(document.querySelectorAll('main a[href]')).map(a => a.href).join(' ')`)
	for _, want := range []string{site + " ", site + "help/", site + card} {
		if !strings.Contains(links+" ", want) {
			t.Errorf("the offline page does not link %s: %s", want, links)
		}
	}
	// Its links work, and so does its stylesheet.
	if bg := b.eval(`getComputedStyle(document.querySelector('.site-header')).backgroundColor`); bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("the offline page is shown without the site's stylesheet")
	}
	b.run(chromedp.Click(chromedp.CSS(`main a[href$="`+card+`"]`)), browsertest.Poll(`location.href === '`+site+card+`' && document.readyState === 'complete'`))

	// Offline, every page says what date its content is from.
	b.run(offline(true), browsertest.Poll(`document.querySelector('[data-offline-note]') !== null`))
	if note := b.eval(`document.querySelector('[data-offline-note]').textContent`); !strings.Contains(note, "content from") || !strings.Contains(note, strings.Fields(version)[1][:4]) {
		t.Errorf("offline, the page says %q; want the content date (%s)", note, strings.Fields(version)[1])
	}
	if strings.Contains(string(files[card+"index.html"]), strings.Fields(version)[1]) {
		t.Errorf("the card's bytes carry the content date; it belongs in the worker")
	}
	b.run(offline(false), browsertest.Poll(`document.querySelector('[data-offline-note]') === null`))

	b.run(chromedp.Navigate(site+missing), browsertest.Poll(`document.querySelector('[data-offline-page]') !== null`))
	b.axe("the offline page")
}

// TestOfflineUpdate: after a new build is deployed, the page the worker
// shows stays the old build's, with the old build's stylesheet, until the
// reader accepts the offered reload; then page and assets are the new
// build's and the old cache is gone.
func TestOfflineUpdate(t *testing.T) {
	css, err := os.ReadFile("../../themes/default/assets/main.css")
	if err != nil {
		t.Skip("no theme")
	}
	card, err := os.ReadFile("../../content/quick-reference/breathlessness.md")
	if err != nil {
		t.Skip("no content/ folder")
	}
	oldFiles := builtSample(t, nil)
	newFiles := builtSample(t, map[string]string{
		"themes/default/assets/main.css":            string(css) + "\n.new-build-only { color: red; }\n",
		"content/quick-reference/breathlessness.md": string(card) + "\nA line only the new build has.\n",
	})
	h := newHost(t)
	h.serve("", oldFiles)
	b := newBrowser(t, "")
	const page = "quick-reference/breathlessness/"
	b.run(chromedp.Navigate(h.URL+"/"+page), browsertest.Poll(controlled))
	oldVersion := b.eval(workerInfo)
	oldCSS := b.eval(`document.querySelector('link[rel=stylesheet]').getAttribute('href')`)

	h.serve("", newFiles)
	b.run(chromedp.Navigate(h.URL+"/"+page), browsertest.Poll(`document.querySelector('[data-sw-update] button') !== null`))
	const newLine = "A line only the new build has."
	if got := b.eval(`String(document.body.textContent.includes('` + newLine + `')) + ' ' + document.querySelector('link[rel=stylesheet]').getAttribute('href')`); got != "false "+oldCSS {
		t.Errorf("before the reload, the page is %q; want the old build's page and stylesheet (%s)", got, oldCSS)
	}
	if got := b.eval(`fetch(document.querySelector('link[rel=stylesheet]').href).then(r => r.status + ' ' + (r.ok ? 'loaded' : ''))`); got != "200 loaded" {
		t.Errorf("the old build's stylesheet, asked for while the new build waits: %s", got)
	}
	if got := b.eval(`fetch('./').then(r => r.text()).then(t => String(t.includes('` + newLine + `')))`); got != "false" {
		t.Errorf("the old worker answers with the new build's page before the reload")
	}
	if got := b.eval(`document.querySelector('[data-sw-update]').textContent`); !strings.Contains(got, "new version") {
		t.Errorf("the update offer reads %q", got)
	}

	b.run(chromedp.Click(chromedp.CSS(`[data-sw-update] button`)),
		browsertest.Poll(`document.readyState === 'complete' && document.body.textContent.includes('`+newLine+`') && navigator.serviceWorker.controller !== null`))
	newVersion := b.eval(workerInfo)
	if newVersion == oldVersion {
		t.Errorf("the worker after the reload is still %s", oldVersion)
	}
	newCSS := b.eval(`document.querySelector('link[rel=stylesheet]').getAttribute('href')`)
	if newCSS == oldCSS || newFiles[strings.TrimPrefix(strings.TrimPrefix(newCSS, "../"), "../")] == nil {
		t.Errorf("after the reload the page loads %s; want the new build's stylesheet", newCSS)
	}
	if got := b.eval(`String(getComputedStyle(document.querySelector('.site-header')).backgroundColor !== 'rgba(0, 0, 0, 0)')`); got != "true" {
		t.Errorf("the new build's stylesheet does not apply")
	}
	if got := b.eval(`caches.keys().then(k => k.filter(n => n.startsWith('cmesite ')).map(n => n.split(' ').pop()).join(' '))`); got != strings.Fields(newVersion)[0] {
		t.Errorf("caches after the update: %q; want only the new build's %s", got, strings.Fields(newVersion)[0])
	}
	if b.eval(`String(document.querySelector('[data-sw-update]') === null)`) != "true" {
		t.Errorf("the update offer stays after the reload")
	}
}

// TestServeRegistersNoWorker: a worker a build registered on the address
// cmesite serve then uses is removed at the next visit, its caches too,
// and pages under serve register none.
func TestServeRegistersNoWorker(t *testing.T) {
	files := builtSample(t, nil)
	h := newHost(t)
	h.serve("", files)
	b := newBrowser(t, `window.registered = 0;
if (navigator.serviceWorker) { const reg = navigator.serviceWorker.register.bind(navigator.serviceWorker);
  navigator.serviceWorker.register = (...a) => { window.registered++; return reg(...a); }; }`)
	b.run(chromedp.Navigate(h.URL+"/"), browsertest.Poll(controlled))

	ds := devserver.New(nil)
	ds.Publish(devserver.Update{Files: devserver.MapFiles(files)})
	var hd http.Handler = ds
	h.h.Store(&hd)
	b.run(chromedp.Navigate(h.URL+"/help/"),
		browsertest.Poll(`document.querySelector('script[src="/__cmesite/reload.js"]') !== null && document.readyState === 'complete'`))
	b.run(browsertest.Poll(`navigator.serviceWorker.getRegistrations().then(r => r.length === 0)`))
	if got := b.eval(`caches.keys().then(k => String(k.filter(n => n.startsWith('cmesite ')).length))`); got != "0" {
		t.Errorf("serve left %s of the worker's caches", got)
	}
	if got := b.eval(`String(window.registered)`); got != "0" {
		t.Errorf("a page under serve registered a worker %s times", got)
	}
	if got := b.eval(`document.querySelector('[data-offline-status]').textContent`); !strings.Contains(got, "preview") {
		t.Errorf("help/ under serve says %q about saving for offline; want that it works on the published site", got)
	}
}

// TestSaveEverything: help/ says how much saving everything stores before
// it starts, shows its progress, can be cancelled, then saves everything;
// without network, a page the first visit did not save opens, and the
// offline page lists what this device holds.
func TestSaveEverything(t *testing.T) {
	files := builtSample(t, nil)
	h := newHost(t)
	h.serve("", files)
	b := newBrowser(t, "")
	const save = `[data-offline-save]`
	const status = `document.querySelector('[data-offline-status]').textContent`
	b.run(chromedp.Navigate(h.URL+"/help/"), browsertest.Poll(controlled+` && !document.querySelector('`+save+`').hidden`))
	if got := b.eval(`document.querySelector('` + save + `').textContent`); !strings.Contains(got, "Save everything for offline (") || !strings.Contains(got, "MB)") {
		t.Errorf("the save button says %q; want how much it stores", got)
	}
	b.axe("help/ with the save button")

	// Cancelled while a page is on its way.
	const slow = "/symptoms/constipation/"
	held, release := h.holdBack(slow)
	b.run(chromedp.Click(chromedp.CSS(save)))
	<-held
	if got := b.eval(`String(!document.querySelector('[data-offline-progress]').hidden) + ' ' + ` + status); !strings.HasPrefix(got, "true Saving") {
		t.Errorf("while saving, the progress bar and status read %q", got)
	}
	b.run(chromedp.Click(chromedp.CSS(`[data-offline-cancel]`)), browsertest.Poll(status+`.startsWith('Stopped')`))
	close(release)
	b.run(browsertest.Poll(`!document.querySelector('` + save + `').disabled`))

	b.run(chromedp.Click(chromedp.CSS(save)), browsertest.Poll(status+`.startsWith('Everything is saved')`))
	if got := b.eval(status); !strings.Contains(got, "content from") {
		t.Errorf("after saving, the status says %q", got)
	}

	h.down.Store(true)
	b.run(chromedp.Navigate(h.URL+slow), browsertest.Poll(`document.readyState === 'complete'`))
	if got := b.eval(`(document.querySelector('main h1') || {textContent: ''}).textContent`); !strings.Contains(got, "onstipation") {
		t.Errorf("a saved page opened without network shows %q", got)
	}
	b.run(chromedp.Navigate(h.URL+"/no-such-page/"), browsertest.Poll(`document.querySelector('[data-offline-more]') !== null && !document.querySelector('[data-offline-more]').hidden`))
	if got := b.eval(`Array.from(document.querySelectorAll('[data-offline-list] a')).map(a => a.textContent).join(' | ')`); !strings.Contains(got, "onstipation") {
		t.Errorf("the offline page's list of what this device holds: %q", got)
	}
}

// TestSaveEverythingStopsOnFailure: when a file cannot be fetched, saving
// everything stops, all of it (the other fetches under way are
// cancelled, no new one starts), and the status keeps saying why.
func TestSaveEverythingStopsOnFailure(t *testing.T) {
	files := builtSample(t, nil)
	var list struct{ Files [][]any }
	if err := json.Unmarshal(files["offline/files.json"], &list); err != nil || len(list.Files) < 20 {
		t.Fatalf("offline/files.json: %v, %d files", err, len(list.Files))
	}
	// A section page, which the first visit does not save: among the
	// first files fetched.
	missing := "/" + list.Files[1][0].(string)
	listed := map[string]bool{}
	for _, f := range list.Files {
		listed["/"+f[0].(string)] = true
	}
	h := newHost(t)
	h.serve("", files)
	site := *h.h.Load()
	var fetched atomic.Int64
	var hd http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == missing {
			http.NotFound(w, r)
			return
		}
		if listed[r.URL.Path] {
			fetched.Add(1)
		}
		site.ServeHTTP(w, r)
	})
	b := newBrowser(t, "")
	const save = `[data-offline-save]`
	const status = `document.querySelector('[data-offline-status]').textContent`
	b.run(chromedp.Navigate(h.URL+"/help/"), browsertest.Poll(controlled+` && !document.querySelector('`+save+`').hidden`))
	h.h.Store(&hd)
	before := fetched.Load()
	b.run(chromedp.Click(chromedp.CSS(save)),
		browsertest.Poll(status+`.startsWith('Saving stopped') && !document.querySelector('`+save+`').disabled`))
	// Wait for the host to go quiet: no request for a second.
	for last, quiet, deadline := fetched.Load(), time.Now(), time.Now().Add(20*time.Second); time.Since(quiet) < time.Second && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if n := fetched.Load(); n != last {
			last, quiet = n, time.Now()
		}
	}
	if n := fetched.Load() - before; n > 8 {
		t.Errorf("after %s failed, saving went on: %d of the %d listed files were fetched", missing, n, len(list.Files))
	}
	if got := b.eval(status); !strings.HasPrefix(got, "Saving stopped") || !strings.Contains(got, missing[1:]+": 404") {
		t.Errorf("after %s failed, the status says %q", missing, got)
	}
}
