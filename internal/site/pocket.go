package site

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"rsc.io/qr"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/markdown"
	"github.com/cmesite/cmesite/internal/render"
)

// pocketURL is where the pocket cards are: every quick-reference card
// laid out for printing on A6, page_size cards to a page.
const pocketURL = "pocket-cards/"

// pocketEntry declares the pocket cards in the page table.
//
// A pocket card prints what a GP needs at the bedside and nothing else,
// on one A6 sheet printed on both sides. The front has the card's KEY
// POINTS and RED FLAGS callouts; the back its CALL THE TEAM callouts, the
// site's contacts, the site's name and notice, and the card's review date.
// Other callouts and the text between them stay on the card's page. With
// a base_url, a QR code on the back leads to that page, so the printed
// card stays one scan from the whole guidance.
func pocketEntry() *entry {
	return &entry{name: "the pocket cards", templates: []string{"pocket-cards"}, sitemap: true, reserve: []string{"pocket-cards"},
		pages: func(f *Files, add func(page)) {
			if len(f.quick) == 0 {
				return
			}
			f.pocketAt = make(map[*curriculum.Module]*markdown.ShownAt, len(f.quick))
			for _, pg := range paged(pocketURL, f.quick, f.cfg.PageSize) {
				for i, m := range pg.modules {
					f.pocketAt[m] = &markdown.ShownAt{URL: pg.url, IDPrefix: pocketPrefix(i)}
				}
				p := htmlPage(pg.url, func(f *Files) ([]byte, error) { return f.pocketCards(pg) })
				if pg.n > 1 {
					p.list, p.n = pg.first, pg.n
				}
				add(p)
			}
		}}
}

// pocketKinds are the callouts a pocket card prints, in the order it
// prints them: the front's, then the back's.
var pocketKinds = []string{markdown.CalloutKeyPoints, markdown.CalloutRedFlags, markdown.CalloutCallTheTeam}

func (f *Files) pocketCards(pg listPage) ([]byte, error) {
	d := f.base("pocket-cards", pg.url, pg.title(f.t("pocket_title"), f.t), f.t("pocket_description"))
	d.Pager, d.Count = pg.pager(), len(f.quick)
	for i, m := range pg.modules {
		prefix := pocketPrefix(i)
		callouts, err := f.pocketCallouts(m, pg.url, prefix)
		if err != nil {
			return nil, err
		}
		c := render.PocketCard{Module: m, ID: strings.TrimSuffix(prefix, "-")}
		// Every card has its "Key points": each callout is named by its
		// card's title too, so that its landmark's name is the page's only.
		named := strings.NewReplacer(`aria-labelledby="`+prefix, `aria-labelledby="`+c.ID+`-title `+prefix)
		for _, kind := range pocketKinds {
			for _, co := range callouts {
				if co.Kind != kind {
					continue
				}
				h := template.HTML(named.Replace(string(co.HTML))) // goldmark's output; raw HTML is not rendered
				if kind == markdown.CalloutCallTheTeam {
					c.Back = append(c.Back, h)
				} else {
					c.Front = append(c.Front, h)
				}
			}
		}
		if f.cfg.BaseURL != "" {
			c.URL = f.cfg.BaseURL + m.URL
			c.QR, err = qrSVG(c.URL)
			if err != nil {
				return nil, fmt.Errorf("%s: QR code: %w", m.Doc.File, err)
			}
		}
		d.Pocket = append(d.Pocket, c)
	}
	return f.theme.Render("pocket-cards", d)
}

// pocketPrefix starts the ids of the callouts of the i-th card of a
// pocket cards page.
func pocketPrefix(i int) string { return "pocket-" + strconv.Itoa(i+1) + "-" }

// pocketCallouts are the callouts of the card m on the pocket cards page
// at url, their ids starting with prefix: those a streamed build made
// with m's page, else from m's body, parsed again.
func (f *Files) pocketCallouts(m *curriculum.Module, url, prefix string) ([]markdown.Callout, error) {
	if ds := f.docs[m.Doc.Path]; ds != nil && ds.shownAt != nil && *ds.shownAt == (markdown.ShownAt{URL: url, IDPrefix: prefix}) {
		callouts := ds.shown
		if !f.keep {
			ds.shown, ds.shownAt = nil, nil // this page is its only use
		}
		return callouts, nil
	}
	src, err := f.source(m.Doc.Path)
	if err != nil {
		return nil, err
	}
	return f.md.Callouts(markdown.Input{Source: src, File: m.Doc.File, Path: m.Doc.Path, FirstLine: m.Doc.BodyLine}, url, prefix), nil
}

// source is the Markdown body of the document at content path p, read
// again when a one-off build has dropped it.
func (f *Files) source(p string) ([]byte, error) {
	doc := f.docs[p].doc
	if doc.Body != nil {
		return doc.Body, nil
	}
	data, err := fs.ReadFile(f.b.root, path.Join(content.Dir, p))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", doc.File, err)
	}
	body, ok := doc.BodyOf(data)
	if !ok {
		return nil, fmt.Errorf("%s: the file changed while the site was being built; build again", doc.File)
	}
	return body, nil
}

// qrSVG draws the QR code of url as an SVG: one path of unit squares
// inside a four-module quiet zone, at medium error correction (a card in
// a pocket gets creased).
func qrSVG(url string) (template.HTML, error) {
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		return "", err
	}
	const quiet = 4
	n := code.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="pocket-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR code: %s"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, template.HTMLEscapeString(url), n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil // made here of numbers and an escaped URL
}

// pocketLink points a page that lists the modules ms to the pocket cards
// when one of them is a quick-reference card.
func (f *Files) pocketLink(d *render.Data, ms []*curriculum.Module) {
	for _, m := range ms {
		if m.Format.ID == config.QuickReference {
			d.PocketURL = pocketURL
			return
		}
	}
}
