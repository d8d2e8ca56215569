package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/cmesite/cmesite/internal/browsertest"
	"github.com/cmesite/cmesite/internal/config"
)

// recordSite builds the sample curriculum and serves it as a static host
// would.
func recordSite(t *testing.T) *httptest.Server {
	t.Helper()
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	files, _ := build(t, os.DirFS("../.."), Options{Stream: true})
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	srv := httptest.NewServer(http.FileServerFS(fsys))
	t.Cleanup(srv.Close)
	return srv
}

// browser wraps a chromedp tab with helpers that fail the test.
type browser struct {
	t   *testing.T
	ctx context.Context
}

// newBrowser opens a tab whose pages keep their script errors in
// window.jsErrors; init is more script to run before each page's own.
func newBrowser(t *testing.T, init string) browser {
	b := browser{t, browsertest.New(t, 3*time.Minute)}
	b.run(func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.jsErrors = []; addEventListener('error', e => jsErrors.push(e.message + ' at ' + e.filename + ':' + e.lineno)); addEventListener('unhandledrejection', e => jsErrors.push(String(e.reason)));` + init,
		})
		return chromedp.Void{}, err
	})
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		if s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(window.jsErrors || []).join('\n')`)); err == nil && s != "" {
			t.Logf("script errors on the last page:\n%s", s)
		}
	})
	return b
}

func (b browser) run(as ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, as...); err != nil {
		b.t.Fatal(err)
	}
}

func (b browser) eval(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return s
}

// press focuses the element sel selects and presses Enter, as a keyboard
// user would.
func press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(kb.Enter))
}

// axe fails the test for any violation on the open page, in light and
// dark mode.
func (b browser) axe(what string) {
	b.t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		b.run(browsertest.ColorScheme(scheme))
		for _, v := range browsertest.Axe(b.t, b.ctx) {
			b.t.Errorf("%s (%s): %s", what, scheme, v)
		}
	}
	b.run(browsertest.ColorScheme("light"))
}

// sameOrigin fails the test when the open page loaded anything from
// another origin.
func (b browser) sameOrigin(what string) {
	b.t.Helper()
	if other := b.eval(`performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith(location.origin) && !u.startsWith('blob:')).join(' ')`); other != "" {
		b.t.Errorf("%s requested another origin: %s", what, other)
	}
}

const recordKey = `'cmesite-record:/'`

// TestRecordOnBuiltSite: a GP marks a module completed and writes a note
// with the keyboard alone; the path shows the progress, my-cme/ the entry,
// and both survive a reload; an activity with a note is added; the record
// is exported as CSV, JSON and xAPI, cleared, and imported back whole.
func TestRecordOnBuiltSite(t *testing.T) {
	srv := recordSite(t)
	cfg, _ := config.Load(os.DirFS("../.."))
	b := newBrowser(t, "")
	wait := browsertest.Poll
	const module = "foundations/what-is-palliative-care"
	today := b.eval(`(() => { const t = new Date(); t.setMinutes(t.getMinutes() - t.getTimezoneOffset()); return t.toISOString().slice(0, 10) })()`)

	// Prerequisites not completed are said and linked.
	b.run(chromedp.Navigate(srv.URL+"/symptoms/pain/"), wait(`document.querySelector('[data-record]') && !document.querySelector('[data-record]').hidden`))
	if got := b.eval(`Array.from(document.querySelectorAll('.record-prereqs a')).map(a => a.getAttribute('href')).join(' ')`); !strings.Contains(got, "../../foundations/holistic-assessment/") {
		t.Errorf("the pain module's missing prerequisites link to %q", got)
	}

	// Mark completed with the keyboard: focus the control, press Enter.
	b.run(chromedp.Navigate(srv.URL+"/"+module+"/"), wait(`!document.querySelector('[data-record]').hidden`))
	b.run(chromedp.Focus(chromedp.CSS(`[data-complete]`)), chromedp.KeyEvent(kb.Enter),
		wait(`!document.querySelector('[data-completed-on]').hidden`))
	if got := b.eval(`document.querySelector('[data-completed-on]').textContent`); got != "Completed on "+today {
		t.Errorf("after marking: %q, want Completed on %s", got, today)
	}
	if got := b.eval(`document.querySelector('[data-complete]').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("the control's aria-pressed is %q after marking", got)
	}
	// Tab goes from the control to the note; typing saves it.
	b.run(chromedp.KeyEvent(kb.Tab))
	if got := b.eval(`document.activeElement.dataset.noteField || document.activeElement.outerHTML`); got != "what" {
		t.Fatalf("Tab after the control focuses %s, want the What? field", got)
	}
	b.run(chromedp.KeyEvent("Palliative care starts early."), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("Patients at home need it."),
		wait(`document.querySelector('[data-note-status]').textContent !== ''`))
	b.axe("a module page, completed, with a note")
	b.sameOrigin("a module page")

	// The path's progress, and the next module.
	b.run(chromedp.Navigate(srv.URL+"/paths/every-gp-basics/"), wait(`!document.querySelector('[data-path-record]').hidden`))
	if got := b.eval(`document.querySelector('progress[data-path-progress]').value + '/' + document.querySelector('progress[data-path-progress]').max`); !strings.HasPrefix(got, "1/") {
		t.Errorf("path progress %s, want 1 of the path's modules", got)
	}
	if got := b.eval(`document.querySelector('[data-path-status]').textContent`); !strings.HasPrefix(got, "1 of ") || !strings.Contains(got, " modules, ") || !strings.HasSuffix(got, " minutes") {
		t.Errorf("path status %q, want n of m modules, x of y minutes", got)
	}
	if got := b.eval(`document.querySelector('[data-path-next] a').getAttribute('href')`); got != "../../foundations/early-identification/" {
		t.Errorf("next module link %q", got)
	}
	if got := b.eval(`String(document.querySelector('[data-module="` + module + `"]').classList.contains('is-completed'))`); got != "true" {
		t.Error("the completed module's card on the path is not shown as completed")
	}

	// The section's card, and the catalogue's row once a filter redraws it.
	b.run(chromedp.Navigate(srv.URL+"/foundations/"), wait(`document.querySelector('[data-module="`+module+`"].is-completed .badge-completed') !== null`))
	b.run(chromedp.Navigate(srv.URL+"/catalogue/?topic=principles"),
		wait(`document.querySelectorAll('[data-catalogue] tbody tr').length > 0 && !document.querySelector('[data-catalogue] tbody .row-summary')`),
		wait(`document.querySelector('tr[data-module="`+module+`"].is-completed .badge-completed') !== null`))

	// my-cme/ shows the entry and its note, also after a reload.
	for _, reload := range []bool{false, true} {
		if reload {
			b.eval(`(() => { window.old = true; return '' })()`)
			b.run(chromedp.Reload())
		} else {
			b.run(chromedp.Navigate(srv.URL + "/my-cme/"))
		}
		b.run(wait(`!window.old && document.querySelectorAll('[data-cme-entry]').length === 1`))
		if got := b.eval(`document.querySelector('[data-cme-entry="module:` + module + `"] textarea[data-note-field=what]').value`); got != "Palliative care starts early." {
			t.Errorf("reload %v: the entry's What? note is %q", reload, got)
		}
	}

	// Add an activity that is not a module, with a note.
	b.run(
		chromedp.SendKeys(chromedp.CSS(`#act-title`), "Peer-review group: a death at home"),
		chromedp.SetValue(chromedp.CSS(`#act-date`), "2026-03-12"),
		chromedp.SendKeys(chromedp.CSS(`#act-minutes`), "120"),
		chromedp.SendKeys(chromedp.CSS(`#act-credits`), "2"),
		chromedp.SetValue(chromedp.CSS(`#act-format`), "Peer review"),
		chromedp.SendKeys(chromedp.CSS(`#act-what`), "We discussed an \"unplanned\" admission, anonymised."),
		chromedp.SendKeys(chromedp.CSS(`#act-nowwhat`), "Check anticipatory medicines, every time."),
		chromedp.Focus(chromedp.CSS(`[data-cme-add] button[type=submit]`)), chromedp.KeyEvent(kb.Enter),
	)
	if err := chromedp.Do(b.ctx, wait(`document.querySelectorAll('[data-cme-entry]').length === 2`)); err != nil {
		t.Fatalf("the activity was not added: %v; the page says %q", err, b.eval(`Array.from(document.querySelectorAll('[data-cme-add] :invalid')).map(e => e.id + ': ' + e.validationMessage).join('; ') + ' ' + document.querySelector('[data-my-cme] [data-record-message]').textContent`))
	}
	if got := b.eval(`document.querySelector('[data-cme-target]').textContent`); cfg.CMETarget > 0 && !strings.Contains(got, cfg.CMETargetLabel+": ") {
		t.Errorf("the yearly target reads %q", got)
	}
	if got := b.eval(`document.querySelector('[data-cme-totals]').textContent`); !strings.Contains(got, "2026") {
		t.Errorf("the totals do not show the year 2026: %q", got)
	}
	b.axe("my-cme/ with two entries")
	// The printed record: the entries with their notes in full, no forms.
	b.run(browsertest.Media("print"))
	if got := b.eval(`getComputedStyle(document.querySelector('.cme-add')).display + ' ' + Array.from(document.querySelectorAll('[data-cme-entry] .print-only')).filter(e => getComputedStyle(e).display !== 'none').map(e => e.textContent).join(' | ')`); !strings.HasPrefix(got, "none ") || !strings.Contains(got, "Now what? Check anticipatory medicines") || !strings.Contains(got, "What? Palliative care starts early.") {
		t.Errorf("the printed record: %q", got)
	}
	b.run(browsertest.Media(""))
	b.sameOrigin("my-cme/")

	// Exports: catch each file as the page makes it.
	b.eval(`(() => { window.exported = []; const o = URL.createObjectURL; URL.createObjectURL = blob => { window.exported.push(blob); return o.call(URL, blob) }; return '' })()`)
	exported := func(kind string) string {
		t.Helper()
		n := b.eval(`String(window.exported.length)`)
		b.run(press(`[data-cme-export="`+kind+`"]`), wait(`String(window.exported.length) !== '`+n+`'`))
		return b.eval(`window.exported[window.exported.length - 1].text()`)
	}
	csvText := exported("csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvText, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("the CSV export does not parse: %v\n%s", err, csvText)
	}
	if !strings.Contains(csvText, "\r\n") || len(rows) != 3 || strings.Join(rows[0], ",") != "title,provider,url,date,minutes,credits,credits_label,format,level,topics,objectives,what,so_what,now_what" {
		t.Fatalf("CSV export:\n%s", csvText)
	}
	for _, r := range rows[1:] {
		switch r[0] {
		case "Peer-review group: a death at home":
			if r[3] != "2026-03-12" || r[4] != "120" || r[5] != "2" || r[6] != "CME credits" || r[7] != "Peer review" || r[11] != `We discussed an "unplanned" admission, anonymised.` || r[13] != "Check anticipatory medicines, every time." {
				t.Errorf("CSV activity row %q", r)
			}
		default:
			if r[1] != cfg.Provider || r[2] != srv.URL+"/"+module+"/" || r[3] != today || r[8] != "Basic" || r[9] == "" || r[10] == "" || r[11] != "Palliative care starts early." || r[12] != "Patients at home need it." {
				t.Errorf("CSV module row %q", r)
			}
		}
	}
	jsonText := exported("json")
	var export struct {
		Format  string           `json:"format"`
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal([]byte(jsonText), &export); err != nil || export.Format != "cmesite-record" || len(export.Entries) != 2 {
		t.Fatalf("JSON export (%v):\n%s", err, jsonText)
	}
	var statements []struct {
		Actor  map[string]any      `json:"actor"`
		Verb   struct{ ID string } `json:"verb"`
		Object struct {
			ID string `json:"id"`
		} `json:"object"`
		Result struct {
			Completion bool   `json:"completion"`
			Duration   string `json:"duration"`
			Response   string `json:"response"`
		} `json:"result"`
		Timestamp string `json:"timestamp"`
	}
	xapi := exported("xapi")
	if err := json.Unmarshal([]byte(xapi), &statements); err != nil || len(statements) != 2 {
		t.Fatalf("xAPI export (%v):\n%s", err, xapi)
	}
	ids := ""
	for _, s := range statements {
		if s.Verb.ID != "http://adlnet.gov/expapi/verbs/completed" || !s.Result.Completion || s.Actor["mbox"] != "" || s.Timestamp == "" {
			t.Errorf("xAPI statement %+v", s)
		}
		ids += s.Object.ID + " "
	}
	if !strings.Contains(ids, srv.URL+"/"+module+"/") || !strings.Contains(ids, "urn:uuid:") || !strings.Contains(xapi, `"PT120M"`) || !strings.Contains(xapi, "Now what? Check anticipatory") {
		t.Errorf("xAPI objects %s in\n%s", ids, xapi)
	}

	// Clear all, after a confirmation.
	b.run(press(`[data-cme-clear]`), wait(`!document.querySelector('[data-cme-clear-confirm]').hidden`))
	if got := b.eval(`String(document.querySelectorAll('[data-cme-entry]').length)`); got != "2" {
		t.Errorf("asking to clear already removed entries: %s left", got)
	}
	b.run(press(`[data-cme-clear-yes]`), wait(`document.querySelectorAll('[data-cme-entry]').length === 0`))

	// A bad file is refused, and says why.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format": "cmesite-record", "entries": [{"id": "x", "kind": "activity", "title": "T", "date": "12/03/2026"}]}`), 0o644)
	b.run(chromedp.SetUploadFiles(chromedp.CSS(`[data-cme-import]`), []string{bad}), wait(`!document.querySelector('[data-my-cme] [data-record-message]').hidden`))
	if got := b.eval(`document.querySelector('[data-my-cme] [data-record-message]').textContent`); !strings.Contains(got, "entry 1") || !strings.Contains(got, "YYYY-MM-DD") {
		t.Errorf("a bad import says %q", got)
	}
	// The JSON export, imported, gives the same record back; importing it
	// again adds nothing.
	good := filepath.Join(dir, "record.json")
	os.WriteFile(good, []byte(jsonText), 0o644)
	for _, want := range []string{"Imported 2 entries; 0 were", "Imported 0 entries; 2 were"} {
		b.run(chromedp.SetUploadFiles(chromedp.CSS(`[data-cme-import]`), []string{good}), wait(`document.querySelector('[data-mycme-status]').textContent.startsWith('`+want+`')`))
	}
	again := exported("json")
	var back struct {
		Entries []map[string]any `json:"entries"`
	}
	json.Unmarshal([]byte(again), &back)
	a, _ := json.Marshal(export.Entries)
	c, _ := json.Marshal(back.Entries)
	if !bytes.Equal(a, c) {
		t.Errorf("after clear and import the record differs:\n%s\nwant\n%s", c, a)
	}

	// start/: the self-assessment suggests a path and modules.
	b.run(chromedp.Navigate(srv.URL+"/start/"), wait(`!document.querySelector('[data-start-form]').hidden`))
	b.axe("start/")
	b.run(chromedp.SetValue(chromedp.CSS(`#conf-1`), "1"), press(`[data-start-form] button[type=submit]`),
		wait(`!document.querySelector('[data-start-result]').hidden`))
	res := b.eval(`Array.from(document.querySelectorAll('[data-start-result] a')).map(a => a.getAttribute('href')).join(' ')`)
	if !strings.Contains(res, "paths/") || strings.Count(res, " ") < 2 || strings.Contains(res, module) {
		t.Errorf("start/ suggests %q; want a path and modules not yet completed", res)
	}
	b.axe("start/ with a suggestion")
	b.sameOrigin("start/")
}

// TestRecordStorageProblems: a stored record that cannot be read is
// reported, kept and offered for download; storage that is switched off
// gives a message and a usable page.
func TestRecordStorageProblems(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, "")
	wait := browsertest.Poll
	for stored, reason := range map[string]string{
		`{"schema": 1, "entries": [{"id": "a"`:                                              "it is not JSON",
		`{"schema": 99, "entries": []}`:                                                     "newer version of this site",
		`{"schema": 1, "entries": [{"id": "a", "kind": "activity", "date": "2026-01-01"}]}`: "entry 1: it has no title",
	} {
		b.run(chromedp.Navigate(srv.URL + "/my-cme/"))
		b.eval(`(() => { localStorage.setItem(` + recordKey + `, ` + jsString(stored) + `); return '' })()`)
		b.run(chromedp.Reload(), wait(`!document.querySelector('[data-my-cme] [data-record-message]').hidden`))
		if got := b.eval(`document.querySelector('[data-my-cme] [data-record-message]').textContent`); !strings.Contains(got, "could not be read") || !strings.Contains(got, reason) {
			t.Errorf("%s: my-cme/ says %q", stored, got)
		}
		if got := b.eval(`document.querySelector('[data-cme-stored]').download`); got == "" {
			t.Errorf("%s: the stored record is not offered for download", stored)
		}
		b.run(chromedp.Navigate(srv.URL+"/symptoms/pain/"), wait(`!document.querySelector('[data-record] [data-record-message]').hidden`))
		if got := b.eval(`String(document.querySelector('[data-complete]').disabled)`); got != "true" {
			t.Errorf("%s: the module's control works on an unreadable record", stored)
		}
		if got := b.eval(`localStorage.getItem(` + recordKey + `)`); got != stored {
			t.Errorf("the stored record was changed to %q", got)
		}
	}

	// Storage switched off: every access throws, as in Chromium with site
	// data blocked.
	b = newBrowser(t, `Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('The operation is insecure.', 'SecurityError') }});`)
	b.run(chromedp.Navigate(srv.URL+"/symptoms/pain/"), wait(`!document.querySelector('[data-record] [data-record-message]').hidden`))
	if got := b.eval(`document.querySelector('[data-record] [data-record-message]').textContent`); !strings.Contains(got, "does not let the site keep your record") {
		t.Errorf("with storage off the module page says %q", got)
	}
	if got := b.eval(`document.querySelector('h1').textContent + ' ' + String(document.querySelector('.module-body').textContent.length > 500)`); !strings.HasSuffix(got, " true") {
		t.Errorf("with storage off the module page reads %q", got)
	}
	b.run(chromedp.Navigate(srv.URL+"/my-cme/"), wait(`!document.querySelector('[data-my-cme]').hidden && !document.querySelector('[data-my-cme] [data-record-message]').hidden`))
	if got := b.eval(`document.querySelector('[data-cme-entries]').textContent`); !strings.Contains(got, "empty") {
		t.Errorf("with storage off my-cme/ shows %q", got)
	}
	b.run(chromedp.Navigate(srv.URL+"/paths/every-gp-basics/"), wait(`document.querySelector('.cards') !== null`))
	if got := b.eval(`String(document.querySelectorAll('.path-steps .card').length)`); got == "0" {
		t.Error("with storage off the path page lists no modules")
	}
}

// TestRecordStorageFull: when the browser's storage is full, marking a
// module says so, and nothing else breaks.
func TestRecordStorageFull(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, `Storage.prototype.setItem = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError') };`)
	wait := browsertest.Poll
	b.run(chromedp.Navigate(srv.URL+"/symptoms/pain/"), wait(`!document.querySelector('[data-record]').hidden`))
	b.run(press(`[data-complete]`), wait(`!document.querySelector('[data-record] [data-record-message]').hidden`))
	if got := b.eval(`document.querySelector('[data-record] [data-record-message]').textContent`); !strings.Contains(got, "storage for the site is full") {
		t.Errorf("with storage full, marking says %q", got)
	}
	if got := b.eval(`document.querySelector('[data-complete]').getAttribute('aria-pressed') + ' ' + (window.jsErrors || []).length`); got != "false 0" {
		t.Errorf("with storage full, the control and errors are %q; want not pressed, no script error", got)
	}
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestSessionGuidePrint: a session guide hides its facilitator notes
// behind a toggle; print gives the handout without them, or the
// facilitator's copy with them.
func TestSessionGuidePrint(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, "")
	wait := browsertest.Poll
	const notes = `getComputedStyle(document.querySelector('aside.callout-facilitator')).display`
	b.run(chromedp.Navigate(srv.URL+"/sessions/breaking-bad-news-practice/"), wait(`document.querySelector('[data-facilitator-toggle]') !== null`))
	if got := b.eval(notes); got != "none" {
		t.Errorf("on screen the facilitator notes show (%s) before the toggle", got)
	}
	if got := b.eval(`document.querySelector('[data-facilitator-toggle]').textContent`); got != "Show facilitator notes" {
		t.Errorf("the toggle reads %q", got)
	}
	b.run(chromedp.Focus(chromedp.CSS(`[data-facilitator-toggle]`)), chromedp.KeyEvent(kb.Enter), wait(notes+` !== 'none'`))

	// Print: what the page looks like when printing starts.
	b.eval(`(() => { window.printed = []; window.print = () => window.printed.push(getComputedStyle(document.querySelector('aside.callout-facilitator')).display); return '' })()`)
	b.run(browsertest.Media("print"))
	if got := b.eval(`getComputedStyle(document.querySelector('[data-record]')).display`); got != "none" {
		t.Errorf("the record controls print (%s)", got)
	}
	// The buttons do not print themselves: click them from a script.
	b.eval(`(() => { document.querySelector('[data-print-handout]').click(); document.querySelector('[data-print-notes]').click(); return '' })()`)
	if got := b.eval(`window.printed.join(' ')`); !strings.HasPrefix(got, "none ") || strings.HasSuffix(got, "none") {
		t.Errorf("printed the handout and the facilitator's copy with the notes' display %q; want none, then shown", got)
	}
	if got := b.eval(`String(document.querySelector('.case, .module-body').textContent.includes('Discussion questions'))`); got != "true" {
		t.Error("the handout has no discussion questions")
	}
	b.run(browsertest.Media(""), chromedp.Focus(chromedp.CSS(`[data-facilitator-toggle]`)), chromedp.KeyEvent(kb.Enter))
	if err := chromedp.Do(b.ctx, wait(notes+` === 'none'`)); err != nil {
		t.Fatalf("the toggle does not hide the notes again: %v; %s", err, b.eval(notes+` + ' ' + document.documentElement.className + ' ' + document.querySelector('[data-facilitator-toggle]').textContent`))
	}
	if got := b.eval(`document.querySelector('[data-facilitator-toggle]').getAttribute('aria-expanded')`); got != "false" {
		t.Errorf("the toggle's aria-expanded is %q with the notes hidden", got)
	}
}

// TestModulePageWeight: the theme CSS and JS a module page loads at once
// stay within 25 KB gzipped, and the learning record's share within 4 KB.
// While search.js is still loaded with the page (it is being made to load
// on demand), the budget is checked for everything else.
func TestModulePageWeight(t *testing.T) {
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	files, _ := build(t, os.DirFS("../.."), Options{Stream: true})
	page := string(files["symptoms/pain/index.html"])
	head, _, _ := strings.Cut(page, "</head>")
	total, record := 0, 0
	for _, m := range regexp.MustCompile(`(?:href|src)="\.\./\.\./(assets/[^"]+\.(?:css|js))"`).FindAllStringSubmatch(head, -1) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(files[m[1]])
		zw.Close()
		total += buf.Len()
		if strings.HasPrefix(m[1], "assets/record.") {
			record += buf.Len()
		}
		t.Logf("%s: %d bytes gzipped", m[1], buf.Len())
	}
	if record == 0 || total > 25*1024 || record > 4*1024 {
		t.Errorf("a module page loads %d bytes of theme CSS and JS gzipped (limit 25 KB), of which the record's %d (limit 4 KB)", total, record)
	}
	// search.js comes on first use: the search box names it.
	js := regexp.MustCompile(`data-search-js="\.\./\.\./(assets/search\.[0-9a-f]+\.js)"`).FindStringSubmatch(page)
	if regexp.MustCompile(`src="[^"]*search\.[0-9a-f]+\.js"`).MatchString(head) {
		t.Errorf("a module page loads search.js with the page:\n%s", head)
	}
	if js == nil || files[js[1]] == nil {
		t.Errorf("a module page's search box does not name search.js for loading on first use (%v)", js)
	}
	if search := files["search/index.html"]; !regexp.MustCompile(`<script src="\.\./assets/search\.[0-9a-f]+\.js" defer>`).Match(search) {
		t.Errorf("the search page does not load search.js with the page")
	}
}

// TestTopicGroups: start/ asks about the topic groups of the vocabulary,
// in its order, with only topics that modules use; a topic without a group
// is a group of its own.
func TestTopicGroups(t *testing.T) {
	fsys := toMapFS(mapFromFS(fixture(t, "small.txtar")))
	fsys["cmesite.yaml"] = &fstest.MapFile{Data: bytes.Replace(fsys["cmesite.yaml"].Data,
		[]byte("  - {id: breathlessness, label: Breathlessness, description: Relieving breathlessness.}\n"),
		[]byte("  - {id: breathlessness, label: Breathlessness, group: Symptoms}\n  - {id: unused, group: Other}\n  - {id: pain, group: Symptoms}\n"), 1)}
	b := New(fsys, Options{Today: today})
	if _, diags := b.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	got, _ := json.Marshal(topicGroups(b.Files().c))
	want := `[{"name":"Symptoms","topics":["breathlessness"]},{"name":"Communication","topics":["communication"]},{"name":"Last days of life","topics":["last-days"]}]`
	if string(got) != want {
		t.Errorf("topic groups %s, want %s", got, want)
	}
	page, err := b.Files().Get("start/index.html")
	if err != nil || !bytes.Contains(page, []byte(`<label for="conf-0">Symptoms</label>`)) || bytes.Contains(page, []byte(">Other<")) {
		t.Errorf("start/ (%v) does not ask about the groups:\n%s", err, page)
	}
}
