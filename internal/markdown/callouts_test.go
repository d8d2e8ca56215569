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
