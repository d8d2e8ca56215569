package site

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/cmesite/cmesite/internal/browsertest"
)

// pageTypes is one page of every kind a GP meets, by path on the built
// sample site.
var pageTypes = []struct{ name, path string }{
	{"home", "/"},
	{"module", "/symptoms/pain/"},
	{"quick-reference card", "/quick-reference/when-to-call-the-team/"},
	{"section", "/symptoms/"},
	{"term index", "/topics/"},
	{"term page", "/topics/breathlessness/"},
	{"catalogue", "/catalogue/"},
	{"path", "/paths/out-of-hours/"},
	{"paths", "/paths/"},
	{"search with results", "/search/?q=breathless"},
	{"help", "/help/"},
	{"404", "/404.html"},
	{"pocket cards", "/pocket-cards/"},
	{"offline page", "/offline/"},
	{"start", "/start/"},
	{"my CME record", "/my-cme/"},
}

// viewport sets the tab's CSS viewport, as a phone of that size would.
func viewport(w, h int64) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 1, Mobile: true})
		return chromedp.Void{}, err
	}
}

// quickRefCards lists the sample site's quick-reference cards' paths.
func quickRefCards(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("../../content/quick-reference")
	if err != nil {
		t.Skip("no content/quick-reference")
	}
	var cards []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".md") && n != "_index.md" {
			cards = append(cards, "/quick-reference/"+strings.TrimSuffix(n, ".md")+"/")
		}
	}
	if len(cards) == 0 {
		t.Fatal("no quick-reference cards in the sample")
	}
	return cards
}

// TestCardsLeadWithGuidance: on a 390×844 phone the first callout of every
// quick-reference card starts on the first screen, and the card's details
// come after its guidance.
func TestCardsLeadWithGuidance(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, "")
	b.run(viewport(390, 844))
	for _, card := range quickRefCards(t) {
		b.run(chromedp.Navigate(srv.URL + card))
		top := b.eval(`(() => { const c = document.querySelector('.module-body aside.callout'); return c ? String(Math.round(c.getBoundingClientRect().top + scrollY)) : 'none'; })()`)
		if top == "none" {
			t.Errorf("%s: no aside.callout", card)
			continue
		}
		var y int
		fmt.Sscan(top, &y)
		if y >= 844 {
			t.Errorf("%s: first callout starts at %d px, below the first 844 px screen", card, y)
		}
		if got := b.eval(`String(!!document.querySelector('.module-meta') && !document.querySelector('.module-meta').closest('details'))`); got != "false" {
			t.Errorf("%s: the card's details are not behind a disclosure", card)
		}
	}
}

// TestCallTeamCalloutContacts: a CALL THE TEAM callout ends with the site's
// contacts as tap-to-call links; a site without contacts shows only what
// the author wrote.
func TestCallTeamCalloutContacts(t *testing.T) {
	fsys := sampleSite(t)
	files, _ := build(t, fsys, Options{})
	page := files["quick-reference/when-to-call-the-team/index.html"]
	i := strings.Index(string(page), `<aside class="callout callout-call-the-team"`)
	if i < 0 {
		t.Fatal("no CALL THE TEAM callout on the card")
	}
	callout := string(page[i:])
	callout = callout[:strings.Index(callout, "</aside>")]
	if !strings.Contains(callout, `<a class="contact-phone" href="tel:`) {
		t.Errorf("the CALL THE TEAM callout has no tap-to-call link:\n%s", callout)
	}

	cfg := string(fsys["cmesite.yaml"].Data)
	start := strings.Index(cfg, "\ncontacts:")
	end := strings.Index(cfg[start+1:], "\n\n")
	fsys["cmesite.yaml"].Data = []byte(cfg[:start] + cfg[start+1+end:])
	files, _ = build(t, fsys, Options{})
	if page := files["quick-reference/when-to-call-the-team/index.html"]; strings.Contains(string(page), "callout-contacts") || strings.Contains(string(page), "tel:") {
		t.Error("without contacts the card still shows contact buttons")
	}
}

// TestNoSidewaysScroll: at 320 CSS px (WCAG reflow), and with text at
// 130%, no page scrolls sideways.
func TestNoSidewaysScroll(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, "")
	b.run(viewport(320, 640))
	for _, p := range pageTypes {
		for _, size := range []string{"100%", "130%"} {
			b.run(chromedp.Navigate(srv.URL + p.path))
			over := b.eval(`document.documentElement.style.fontSize = '` + size + `'; String(document.documentElement.scrollWidth - document.documentElement.clientWidth)`)
			if over != "0" {
				wide := b.eval(`Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).slice(-3).map(e => e.tagName + '.' + e.className).join(', ')`)
				t.Errorf("%s at 320 px, text %s: scrolls sideways by %s px (%s)", p.name, size, over, wide)
			}
		}
	}
}

// TestPrintedCardKeepsContacts: a printed card shows the site's name, the
// contacts and the review date.
func TestPrintedCardKeepsContacts(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, "")
	b.run(chromedp.Navigate(srv.URL+"/quick-reference/last-days-checklist/"), browsertest.Media("print"))
	for _, c := range []struct{ what, sel string }{
		{"site name", ".site-header .site-title"},
		{"contacts", ".site-footer .contacts .contact-phone"},
		{"review date", ".module-footer .review time"},
	} {
		if got := b.eval(`(() => { const e = document.querySelector('` + c.sel + `'); return e ? String(e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden') : 'missing'; })()`); got != "true" {
			t.Errorf("printed card: %s (%s) is not shown: %s", c.what, c.sel, got)
		}
	}
	if got := b.eval(`(() => { const e = document.querySelector('.site-footer .contact-phone'); const s = getComputedStyle(e); return s.color + ' on ' + s.backgroundColor; })()`); got != "rgb(0, 0, 0) on rgb(255, 255, 255)" {
		t.Errorf("printed phone button is %s, want black on white (printers drop backgrounds)", got)
	}
}

// TestTickableChecklist: a card's task-list items can be ticked, the ticks
// survive a reload in the same tab, and "clear ticks" clears them; in the
// built HTML (no JavaScript) the boxes are disabled.
func TestTickableChecklist(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, "")
	card := srv.URL + "/quick-reference/last-days-checklist/"
	b.run(chromedp.Navigate(card))
	if n := b.eval(`String(document.querySelectorAll('.module-body input[type=checkbox]:disabled').length)`); n != "0" {
		t.Fatalf("%s boxes are still disabled with JavaScript", n)
	}
	if n := b.eval(`String(document.querySelectorAll('.module-body label.task-label > input[type=checkbox]').length)`); n == "0" {
		t.Fatal("no labelled task boxes on the checklist card")
	}
	b.run(chromedp.Click(chromedp.CSS(`.module-body label.task-label`)))
	if got := b.eval(`String(document.querySelector('.module-body label.task-label > input').checked)`); got != "true" {
		t.Fatal("tapping the first item did not tick it")
	}
	b.run(chromedp.Reload())
	if got := b.eval(`String(document.querySelector('.module-body label.task-label > input').checked)`); got != "true" {
		t.Error("the tick did not survive a reload in the same tab")
	}
	if got := b.eval(`Object.keys(localStorage).filter(k => k.includes('tick')).join(' ')`); got != "" {
		t.Errorf("ticks were written to localStorage (%s): they must last only for the session", got)
	}
	b.run(chromedp.Click(chromedp.CSS(`.ticks-clear button`)))
	if got := b.eval(`String(document.querySelectorAll('.module-body label.task-label > input:checked').length)`); got != "0" {
		t.Errorf("after clear ticks %s boxes are still ticked", got)
	}
	b.axe("checklist card")

	files, _ := build(t, sampleSite(t), Options{})
	page := string(files["quick-reference/last-days-checklist/index.html"])
	if !strings.Contains(page, `disabled="" type="checkbox"`) {
		t.Error("without JavaScript the task boxes are not disabled")
	}
}

// TestAxeEveryPageType: axe-core finds nothing on any page type, in light
// and dark mode.
func TestAxeEveryPageType(t *testing.T) {
	srv := recordSite(t)
	b := newBrowser(t, "")
	for _, p := range pageTypes {
		b.run(chromedp.Navigate(srv.URL + p.path))
		b.axe(p.name)
	}
}
