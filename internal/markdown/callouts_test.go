package markdown

import (
	"strings"
	"testing"
)

// TestCallouts: a page that shows a body's callouts apart from it gets
// each callout whole, with links for that page and ids of its own.
func TestCallouts(t *testing.T) {
	src := `# Card

Intro with [a link](../symptoms/pain.md).

> [!KEY POINTS]
> - See [pain](../symptoms/pain.md).

Some text.

> [!RED FLAGS]
> - Stridor

> [!CALL THE TEAM]
> Call when unsure.
`
	r := New(Options{})
	got := r.Callouts(Input{Source: []byte(src), File: "content/quick/card.md", Path: "quick/card.md"}, "pocket-cards/", "card-")
	if len(got) != 3 {
		t.Fatalf("got %d callouts, want 3: %+v", len(got), got)
	}
	for i, want := range []string{CalloutKeyPoints, CalloutRedFlags, CalloutCallTheTeam} {
		if got[i].Kind != want {
			t.Errorf("callout %d is %q, want %q", i, got[i].Kind, want)
		}
		h := string(got[i].HTML)
		if !strings.HasPrefix(h, `<aside class="callout`) || !strings.HasSuffix(h, "</aside>\n") {
			t.Errorf("callout %d is not one whole aside:\n%s", i, h)
		}
		if strings.Contains(h, "Intro") || strings.Contains(h, "Some text") {
			t.Errorf("callout %d carries text from outside it:\n%s", i, h)
		}
		if !strings.Contains(h, `id="card-callout-`) {
			t.Errorf("callout %d's id does not start with the prefix:\n%s", i, h)
		}
	}
	// From pocket-cards/, the module symptoms/pain.md is ../symptoms/pain/.
	if !strings.Contains(string(got[0].HTML), `href="../symptoms/pain/"`) {
		t.Errorf("link not written for the page the callout is shown on:\n%s", got[0].HTML)
	}
	// Render of the same body is unchanged: ids without the prefix.
	if h := string(r.Render(Input{Source: []byte(src), Path: "quick/card.md"}).HTML); !strings.Contains(h, `id="callout-1"`) || !strings.Contains(h, `href="../../symptoms/pain/"`) {
		t.Errorf("Render changed after Callouts:\n%s", h)
	}
}

// TestCalloutsShownWithThePage: Render asked for the callouts of another
// page gives them from the same parse, as Callouts would, and its own
// page is byte for byte what it is without them. The ids meet headings
// of the same names; links are inline, by reference, and images.
func TestCalloutsShownWithThePage(t *testing.T) {
	src := `# Card

## Callout 1

## Pocket 3 callout 2

> [!KEY POINTS]
> - See [pain](../symptoms/pain.md#dose) and [again][p].
> - ![chart](../img/chart.png)

> [!RED FLAGS]
> Stridor.[^1]

[p]: ../symptoms/pain.md

[^1]: A note.
`
	r := New(Options{})
	in := Input{Source: []byte(src), File: "content/quick/card.md", Path: "quick/card.md"}
	alone := r.Render(in)
	in.CalloutsAt = &ShownAt{URL: "pocket-cards/page/2/", IDPrefix: "pocket-3-"}
	both := r.Render(in)
	if both.HTML != alone.HTML {
		t.Errorf("the page changed when its callouts were also shown elsewhere:\n%s\nwant\n%s", both.HTML, alone.HTML)
	}
	for _, want := range []string{`id="callout-1-1"`, `id="callout-2"`, `href="../../symptoms/pain/#dose"`} {
		if !strings.Contains(alone.HTML, want) {
			t.Errorf("the page lacks %s:\n%s", want, alone.HTML)
		}
	}
	if len(both.Shown) != 2 {
		t.Fatalf("got %d callouts shown, want 2: %+v", len(both.Shown), both.Shown)
	}
	key, red := string(both.Shown[0].HTML), string(both.Shown[1].HTML)
	for _, want := range []string{`id="pocket-3-callout-1"`, `href="../../../symptoms/pain/#dose"`, `href="../../../symptoms/pain/"`, `src="../../../img/chart.png"`} {
		if !strings.Contains(key, want) {
			t.Errorf("KEY POINTS shown on pocket-cards/page/2/ lacks %s:\n%s", want, key)
		}
	}
	// "pocket-3-callout-2" is the second heading's id already.
	if !strings.Contains(red, `id="pocket-3-callout-2-1"`) {
		t.Errorf("RED FLAGS shown lacks its own id:\n%s", red)
	}
	if got := r.Callouts(Input{Source: []byte(src), File: "content/quick/card.md", Path: "quick/card.md"}, "pocket-cards/page/2/", "pocket-3-"); len(got) != 2 || string(got[0].HTML) != key || string(got[1].HTML) != red {
		t.Errorf("Callouts differs from Render's shown callouts:\n%+v", got)
	}
	if alone.Shown != nil {
		t.Errorf("Render gave shown callouts unasked: %+v", alone.Shown)
	}
}
