package site

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"rsc.io/qr"

	"github.com/cmesite/cmesite/internal/browsertest"
)

// TestPocketCards: the pocket cards print each quick-reference card's key
// points, red flags and when to call, the contacts and the review date,
// and a QR code of the card's address only when the site has a base URL.
// The help page, the cards' section and the format's term page link them.
func TestPocketCards(t *testing.T) {
	files, _ := build(t, fixture(t, "small.txtar"), Options{})
	withBase, _ := build(t, fixture(t, "small.txtar"), Options{BaseURL: "https://cme.example.org/pc/"})
	checkGolden(t, files, "", []string{"pocket-cards/index.html"})
	checkGolden(t, withBase, "base_", []string{"pocket-cards/index.html"})
	if bytes.Contains(files["pocket-cards/index.html"], []byte("<svg")) {
		t.Error("a site without base_url has QR codes: they could lead nowhere")
	}
	if !bytes.Contains(files["sitemap.xml"], []byte("pocket-cards/")) {
		t.Error("sitemap.xml does not list the pocket cards")
	}
	for _, p := range []string{"help/index.html", "formats/quick-reference/index.html"} {
		if !bytes.Contains(files[p], []byte(`pocket-cards/"`)) {
			t.Errorf("%s does not link to the pocket cards", p)
		}
	}

	// Each QR code is the card's absolute URL: the SVG's squares are the
	// code's black modules.
	html := string(withBase["pocket-cards/index.html"])
	svgs := regexp.MustCompile(`aria-label="QR code: ([^"]+)"><rect[^>]*/><path fill="#000" d="([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(svgs) == 0 {
		t.Fatal("no QR code with base_url")
	}
	for _, s := range svgs {
		url := s[1]
		if !strings.HasPrefix(url, "https://cme.example.org/pc/") || !strings.Contains(html, `href="../`+strings.TrimPrefix(url, "https://cme.example.org/pc/")+`"`) {
			t.Errorf("QR code of %s, which is not a card on the page", url)
		}
		code, err := qr.Encode(url, qr.M)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for y := 0; y < code.Size; y++ {
			for x := 0; x < code.Size; x++ {
				if code.Black(x, y) {
					fmt.Fprintf(&want, "M%d %dh1v1h-1z", x+4, y+4)
				}
			}
		}
		if s[2] != want.String() {
			t.Errorf("the QR code drawn for %s is not its code", url)
		}
	}
}

// TestPocketCardsPrint prints the sample's pocket cards as Chromium
// would: each card takes the two sides of one A6 sheet, with its contacts and
// review date; and axe-core finds nothing on the page in either scheme.
func TestPocketCardsPrint(t *testing.T) {
	files, _ := build(t, os.DirFS("../.."), Options{Stream: true, BaseURL: "https://cme.example.org/"})
	cards := bytes.Count(files["pocket-cards/index.html"], []byte(`<article class="pocket-card"`))
	if cards == 0 {
		t.Fatal("the sample has no pocket cards")
	}
	srv := serveBuilt(t, files)
	ctx := browsertest.New(t, 2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/pocket-cards/"), browsertest.Poll(`document.readyState === 'complete'`)); err != nil {
		t.Fatal(err)
	}
	yes := true
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		r, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &yes})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sheets := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	if sheets != 2*cards {
		t.Errorf("%d pocket cards print on %d sides, want two each (front and back of one A6 sheet)", cards, sheets)
	}
	// A6 is 105 × 148 mm: 297.6 × 419.5 points.
	for _, box := range regexp.MustCompile(`/MediaBox\s*\[[^\]]*\]`).FindAll(pdf, -1) {
		if !regexp.MustCompile(`\[\s*0 0 29[78](\.\d+)? (41[89]|420)(\.\d+)?\s*\]`).Match(box) {
			t.Errorf("the pocket cards do not print on A6 (105 × 148 mm): %s", box)
		}
	}
	if err := chromedp.Do(ctx, browsertest.Media("print")); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{".pocket-card .callout-call-the-team", ".pocket-contacts .contact-phone", ".pocket-foot time", ".pocket-qr"} {
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector('`+sel+`'); return !!e && e.getClientRects().length > 0 })()`))
		if err != nil || !visible {
			t.Errorf("printed pocket cards do not show %s (%v)", sel, err)
		}
	}
	for _, scheme := range []string{"light", "dark"} {
		if err := chromedp.Do(ctx, browsertest.Media(""), browsertest.ColorScheme(scheme), chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		for _, v := range browsertest.Axe(t, ctx) {
			t.Errorf("pocket-cards/ (%s): %s", scheme, v)
		}
	}
}
