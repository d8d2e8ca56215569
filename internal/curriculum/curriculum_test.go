package curriculum

import (
	"fmt"
	"slices"
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
	if got := ids(c.QuickReferences()); got != "cards/card" || !c.ByID["cards/card"].IsQuickReference() || c.ByID["pain/beta"].IsQuickReference() {
		t.Errorf("quick references = %s", got)
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

// TestPatch: saves that leave every list and link as it was are patched
// into the curriculum; any other save asks for a new Assemble and changes
// nothing.
func TestPatch(t *testing.T) {
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := func() []*content.Doc {
		return []*content.Doc{
			doc(t, "pain/_index.md", "title: Pain\nsummary: About pain."),
			module(t, "pain/alpha.md", "Alpha", "basic", 0, ""),
			module(t, "pain/epsilon.md", "Epsilon", "specialist", 0, "prerequisites: [pain/alpha]"),
			module(t, "cards/card.md", "Card", "basic", 0, "prerequisites: [pain/alpha]\nformat: quick-reference"),
			module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/alpha]"),
			module(t, "pain/delta.md", "Delta", "basic", 0, "review_by: 2027-01-01"),
			doc(t, "pain/gamma.md", "title: Gamma\nlevel: basic\ntopics: [pain, nausea]\naudience: [gp]\nsummary: s"),
		}
	}
	tests := []struct {
		name   string
		doc    *content.Doc
		patch  bool
		warned bool // an overdue warning for the patched file
	}{
		{"summary", module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/alpha]\nobjectives: [Learn]"), true, false},
		{"title in place", module(t, "pain/beta.md", "Beta blockers", "basic", 0, "prerequisites: [pain/alpha]"), true, false},
		{"title moves", module(t, "pain/beta.md", "Zed", "basic", 0, "prerequisites: [pain/alpha]"), true, false},
		{"title moves before", module(t, "pain/delta.md", "Aardvark", "basic", 0, "review_by: 2027-01-01"), true, false},
		{"prerequisite moves", module(t, "pain/alpha.md", "Omega", "basic", 0, ""), true, false},
		{"level", module(t, "pain/beta.md", "Beta", "specialist", 0, "prerequisites: [pain/alpha]"), true, false},
		{"level and title", module(t, "pain/delta.md", "Aardvark", "specialist", 0, "review_by: 2027-01-01"), true, false},
		{"unknown level", module(t, "pain/beta.md", "Beta", "expert", 0, "prerequisites: [pain/alpha]"), false, false},
		{"topic in use elsewhere", doc(t, "pain/alpha.md", "title: Alpha\nlevel: basic\ntopics: [pain, nausea]\naudience: [gp, pharmacist]\nsummary: s"), true, false},
		{"topic without a page", doc(t, "pain/alpha.md", "title: Alpha\nlevel: basic\ntopics: [pain, dyspnoea]\naudience: [gp]\nsummary: s"), false, false},
		{"last module of a topic leaves it", doc(t, "pain/gamma.md", "title: Gamma\nlevel: basic\ntopics: [pain]\naudience: [gp]\nsummary: s"), false, false},
		{"weight", module(t, "pain/beta.md", "Beta", "basic", 5, "prerequisites: [pain/alpha]"), true, false},
		{"prerequisite dropped", module(t, "pain/beta.md", "Beta", "basic", 0, ""), true, false},
		{"prerequisites added", module(t, "pain/delta.md", "Delta", "basic", 0, "review_by: 2027-01-01\nprerequisites: [pain/beta, pain/alpha.md]"), true, false},
		{"prerequisite swapped", module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/gamma]"), true, false},
		{"unknown prerequisite", module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/nope]"), false, false},
		{"own prerequisite", module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/beta]"), false, false},
		{"prerequisite cycle", module(t, "pain/alpha.md", "Alpha", "basic", 0, "prerequisites: [pain/beta]"), false, false},
		{"format", module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/alpha]\nformat: e-learning"), true, false},
		{"format dropped", module(t, "cards/card.md", "Card", "basic", 0, "prerequisites: [pain/alpha]"), true, false},
		{"draft", module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/alpha]\ndraft: true"), false, false},
		{"becomes overdue", module(t, "pain/delta.md", "Delta", "basic", 0, "review_by: 2025-06-01"), false, false},
		{"review date, still due", module(t, "pain/delta.md", "Delta", "basic", 0, "review_by: 2028-01-01"), true, false},
		{"new module", module(t, "pain/gamma.md", "Gamma", "basic", 0, ""), false, false},
		{"section summary", doc(t, "pain/_index.md", "title: Pain\nsummary: Pain, again."), true, false},
		{"section title", doc(t, "pain/_index.md", "title: Aches\nsummary: About pain."), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, diags := Assemble(config.Default(), base(), Options{Today: today})
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			before := fmt.Sprint(c.ByID["pain/beta"].Front.Title, c.Sections[1].Summary)
			warns, _, ok := c.Patch([]*content.Doc{tt.doc}, today)
			if ok != tt.patch {
				t.Fatalf("Patch = %v, want %v", ok, tt.patch)
			}
			if !ok {
				if after := fmt.Sprint(c.ByID["pain/beta"].Front.Title, c.Sections[1].Summary); after != before {
					t.Errorf("a refused patch changed the curriculum: %s -> %s", before, after)
				}
				return
			}
			if (len(warns) > 0) != tt.warned {
				t.Errorf("warnings = %v", warns)
			}
			// What Patch made must be what Assemble makes of the new files.
			docs := base()
			for i, d := range docs {
				if d.Path == tt.doc.Path {
					docs[i] = tt.doc
				}
			}
			want, _ := Assemble(config.Default(), docs, Options{Today: today})
			if got, w := shape(c), shape(want); got != w {
				t.Errorf("patched:\n%s\nassembled:\n%s", got, w)
			}
		})
	}
}

// shape prints what pages show of a curriculum.
func shape(c *Curriculum) string {
	var b strings.Builder
	for _, s := range c.Sections {
		fmt.Fprintf(&b, "section %q %q %q url=%s", s.ID, s.Title, s.Summary, s.URL)
		if s.Parent != nil {
			fmt.Fprintf(&b, " in %q", s.Parent.ID)
		}
		for _, ch := range s.Children {
			fmt.Fprintf(&b, " child %q", ch.ID)
		}
		b.WriteString(":")
		for _, m := range s.Modules {
			fmt.Fprintf(&b, " %s(%s)", m.ID, m.Front.Title)
		}
		b.WriteString("\n")
	}
	for _, f := range c.Facets {
		for _, tp := range f.Terms {
			fmt.Fprintf(&b, "%s:", tp.URL)
			for _, m := range tp.Modules {
				fmt.Fprintf(&b, " %s", m.ID)
			}
			b.WriteString("\n")
		}
	}
	for _, m := range c.ListOrder() {
		fmt.Fprintf(&b, "%s %q %q overdue=%v level=%s section=%s", m.ID, m.Front.Title, m.Front.Objectives, m.Overdue, m.Level.ID, m.Section.ID)
		if m.Prev != nil {
			fmt.Fprintf(&b, " prev=%s", m.Prev.ID)
		}
		if m.Next != nil {
			fmt.Fprintf(&b, " next=%s", m.Next.ID)
		}
		for _, n := range m.NeededFor {
			fmt.Fprintf(&b, " for=%s", n.ID)
		}
		for _, p := range m.Prerequisites {
			fmt.Fprintf(&b, " pre=%s", p.ID)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestPatchFiles: modules that come and go are put in or taken out of a
// curriculum as Assemble would place them, or refused with nothing
// changed.
func TestPatchFiles(t *testing.T) {
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := func() []*content.Doc {
		return []*content.Doc{
			doc(t, "pain/_index.md", "title: Pain\nsummary: About pain."),
			module(t, "pain/alpha.md", "Alpha", "basic", 0, ""),
			module(t, "pain/beta.md", "Beta", "basic", 0, "prerequisites: [pain/alpha]"),
			module(t, "pain/delta.md", "Delta", "specialist", 0, ""),
			module(t, "cards/card.md", "Card", "basic", 0, "format: quick-reference"),
			module(t, "cards/card2.md", "Card 2", "basic", 0, "format: quick-reference"),
			doc(t, "pain/gamma.md", "title: Gamma\nlevel: basic\ntopics: [pain, nausea]\naudience: [gp]\nsummary: s"),
		}
	}
	tests := []struct {
		name    string
		added   []*content.Doc
		removed []string
		patch   bool
	}{
		{"a module in a section", []*content.Doc{module(t, "pain/aaa.md", "Aaa", "specialist", 0, "prerequisites: [pain/beta]")}, nil, true},
		{"a module that sorts last", []*content.Doc{module(t, "cards/zz.md", "Zz", "basic", 0, "")}, nil, true},
		{"a module in a new folder", []*content.Doc{module(t, "new/deep/one.md", "One", "basic", 0, "")}, nil, true},
		{"two in a new folder", []*content.Doc{module(t, "new/one.md", "One", "basic", 0, ""), module(t, "new/two.md", "Two", "specialist", 3, "")}, nil, true},
		{"an overdue module", []*content.Doc{module(t, "pain/old.md", "Old", "basic", 0, "review_by: 2020-01-01")}, nil, true},
		{"unknown level", []*content.Doc{module(t, "pain/x.md", "X", "expert", 0, "")}, nil, false},
		{"unknown prerequisite", []*content.Doc{module(t, "pain/x.md", "X", "basic", 0, "prerequisites: [pain/nope]")}, nil, false},
		{"a topic without a page", []*content.Doc{doc(t, "pain/x.md", "title: X\nlevel: basic\ntopics: [dyspnoea]\naudience: [gp]\nsummary: s")}, nil, false},
		{"a section's introduction", []*content.Doc{doc(t, "cards/_index.md", "title: Cards")}, nil, false},
		{"a module where a folder is", []*content.Doc{module(t, "pain.md", "Pain", "basic", 0, "")}, nil, false},
		{"remove a module", nil, []string{"pain/delta.md"}, true},
		{"remove one card of two", nil, []string{"cards/card.md"}, true},
		{"remove a prerequisite", nil, []string{"pain/alpha.md"}, false},
		{"remove a prerequisite and what needs it", nil, []string{"pain/alpha.md", "pain/beta.md"}, true},
		{"remove the last module of a folder", nil, []string{"cards/card.md", "cards/card2.md"}, false},
		{"remove the last module of an open topic", nil, []string{"pain/gamma.md"}, false},
		{"rename", []*content.Doc{module(t, "pain/delta2.md", "Delta", "specialist", 0, "")}, []string{"pain/delta.md"}, true},
		{"a prerequisite that is removed", []*content.Doc{module(t, "pain/x.md", "X", "basic", 0, "prerequisites: [pain/delta]")}, []string{"pain/delta.md"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, diags := Assemble(config.Default(), base(), Options{Today: today})
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			before := shape(c)
			_, _, ok := c.PatchFiles(nil, tt.added, tt.removed, today)
			if ok != tt.patch {
				t.Fatalf("PatchFiles = %v, want %v", ok, tt.patch)
			}
			if !ok {
				if after := shape(c); after != before {
					t.Errorf("a refused patch changed the curriculum:\n%s", after)
				}
				return
			}
			docs := slices.DeleteFunc(base(), func(d *content.Doc) bool { return slices.Contains(tt.removed, d.Path) })
			want, _ := Assemble(config.Default(), append(docs, tt.added...), Options{Today: today})
			if got, w := shape(c), shape(want); got != w {
				t.Errorf("patched:\n%s\nassembled:\n%s", got, w)
			}
		})
	}
}
