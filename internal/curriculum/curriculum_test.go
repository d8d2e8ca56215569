package curriculum

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
)

func doc(t *testing.T, path, front string) *content.Doc {
	t.Helper()
	d := content.Parse(path, []byte("---\n"+front+"\n---\nbody\n"))
	if d.Diags.Errors() > 0 {
		t.Fatalf("%s: %v", path, d.Diags)
	}
	return d
}

func module(t *testing.T, path, title, level string, weight int, extra string) *content.Doc {
	return doc(t, path, fmt.Sprintf("title: %s\nlevel: %s\ntopics: [pain]\naudience: [gp]\nsummary: s\nweight: %d\n%s", title, level, weight, extra))
}

// TestOrders: sections list modules by weight (weighted first) then
// title; cross-section lists put basic before specialist; neighbours and
// reverse prerequisites follow.
func TestOrders(t *testing.T) {
	cfg := config.Default()
	docs := []*content.Doc{
		doc(t, "pain/_index.md", "title: Pain"),
		module(t, "pain/zeta.md", "Zeta", "basic", 0, ""),
		module(t, "pain/alpha.md", "Alpha", "specialist", 20, "prerequisites: [pain/beta]"),
		module(t, "pain/beta.md", "Beta", "basic", 10, ""),
		module(t, "cards/card.md", "Card", "basic", 0, "prerequisites: [pain/beta]\nformat: quick-reference"),
	}
	c, diags := Assemble(cfg, docs, Options{Today: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	ids := func(ms []*Module) string {
		var s []string
		for _, m := range ms {
			s = append(s, m.ID)
		}
		return strings.Join(s, " ")
	}
	var pain *Section
	for _, s := range c.Sections {
		if s.ID == "pain" {
			pain = s
		}
	}
	if got := ids(pain.Modules); got != "pain/beta pain/alpha pain/zeta" {
		t.Errorf("section order = %s", got)
	}
	if got := ids(c.ListOrder()); got != "pain/beta cards/card pain/zeta pain/alpha" { // level, then weight (weighted first), then title
		t.Errorf("list order = %s", got)
	}
	beta := c.ByID["pain/beta"]
	if got := ids(beta.NeededFor); got != "pain/alpha cards/card" {
		t.Errorf("needed for = %s (section order: alpha is in pain, card weightless)", got)
	}
	if beta.Prev != nil || beta.Next != c.ByID["pain/alpha"] || c.ByID["pain/zeta"].Prev != c.ByID["pain/alpha"] {
		t.Error("previous/next within the section are wrong")
	}
	for _, f := range c.Facets {
		if f.Name == "topic" {
			if len(f.Terms) != 1 || f.Terms[0].URL != "topics/pain/" || ids(f.Terms[0].Modules) != ids(c.ListOrder()) {
				t.Errorf("topic terms = %+v", f.Terms)
			}
		}
		if f.Name == "format" && len(f.Terms) != 5 {
			t.Errorf("format terms = %d, want every format of the vocabulary", len(f.Terms))
		}
	}
}

func TestCycleAndDraft(t *testing.T) {
	cfg := config.Default()
	docs := []*content.Doc{
		module(t, "a/one.md", "One", "basic", 0, "prerequisites: [a/two]"),
		module(t, "a/two.md", "Two", "basic", 0, "prerequisites: [a/three]"),
		module(t, "a/three.md", "Three", "basic", 0, "prerequisites: [a/one]"),
		module(t, "a/draft.md", "Draft", "basic", 0, "draft: true"),
		module(t, "a/four.md", "Four", "basic", 0, "prerequisites: [a/draft]"),
	}
	c, diags := Assemble(cfg, docs, Options{})
	all := fmt.Sprint(diags)
	if !strings.Contains(all, "prerequisite cycle: a/one -> a/two -> a/three -> a/one") {
		t.Errorf("cycle not printed in full: %s", all)
	}
	if strings.Count(all, "prerequisite cycle") != 1 {
		t.Errorf("the cycle is reported more than once: %s", all)
	}
	if !strings.Contains(all, `unknown prerequisite "a/draft"`) || c.ByID["a/draft"] != nil {
		t.Errorf("a draft is built or can be a prerequisite: %s", all)
	}
	c, _ = Assemble(cfg, docs, Options{Drafts: true})
	if c.ByID["a/draft"] == nil {
		t.Error("--drafts leaves the draft out")
	}
}
