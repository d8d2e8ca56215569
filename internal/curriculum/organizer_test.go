package curriculum

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
)

// TestCompetencies: modules name competencies by number; each must be in
// the site's vocabulary (by default the ten EAPC core competencies).
func TestCompetencies(t *testing.T) {
	cfg := config.Default()
	docs := []*content.Doc{
		module(t, "pain/a.md", "A", "basic", 0, "competencies: [2, 10]"),
		module(t, "pain/b.md", "B", "basic", 0, "competencies: [11]"),
	}
	c, diags := Assemble(cfg, docs, Options{Today: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	want := "content/pain/b.md:8: competency 11 is not in the site's competencies vocabulary; allowed: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
	if diags.Errors() != 1 || !strings.Contains(fmt.Sprint(diags), want) {
		t.Errorf("diagnostics = %v, want %s", diags, want)
	}
	a := c.ByID["pain/a"]
	if len(a.Competencies) != 2 || a.Competencies[0].Label != "Enhance physical comfort throughout patients' disease trajectories" {
		t.Errorf("competencies of a = %+v", a.Competencies)
	}
}

// TestPathAudiences: a path declares its audience, or takes those at
// least half of its modules name.
func TestPathAudiences(t *testing.T) {
	cfg := config.Default()
	cfg.Paths = []config.Path{
		{ID: "derived", Title: "D", Modules: []string{"pain/a", "pain/b", "pain/c"}, ModuleLines: []int{1, 2, 3}},
		{ID: "declared", Title: "E", Modules: []string{"pain/a"}, ModuleLines: []int{4}, Audience: []string{"pharmacist", "nobody"}, AudienceLines: []int{5, 6}},
	}
	docs := []*content.Doc{
		doc(t, "pain/a.md", "title: A\nlevel: basic\ntopics: [pain]\naudience: [gp, pharmacist]\nsummary: s"),
		doc(t, "pain/b.md", "title: B\nlevel: basic\ntopics: [pain]\naudience: [gp, district-nurse]\nsummary: s"),
		doc(t, "pain/c.md", "title: C\nlevel: basic\ntopics: [pain]\naudience: [gp-trainee]\nsummary: s"),
	}
	c, diags := Assemble(cfg, docs, Options{Today: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if want := `cmesite.yaml:6: path "declared": audience "nobody" is not in the site's audience vocabulary`; diags.Errors() != 1 || !strings.Contains(fmt.Sprint(diags), want) {
		t.Errorf("diagnostics = %v, want %s", diags, want)
	}
	ids := func(p *Path) string {
		var s []string
		for _, t := range p.Audiences {
			s = append(s, t.ID)
		}
		return fmt.Sprint(p.AudienceDerived, s)
	}
	if got := ids(c.Paths[0]); got != "true [gp]" {
		t.Errorf("derived audiences = %s, want gp only (2 of 3 modules; the others 1 of 3)", got)
	}
	if got := ids(c.Paths[1]); got != "false [pharmacist]" {
		t.Errorf("declared audiences = %s", got)
	}
}

// TestReviewIntervalWarning: a review_by further than review_interval
// after reviewed (or after today without reviewed) is a warning at its
// line.
func TestReviewIntervalWarning(t *testing.T) {
	cfg := config.Default()
	iv, err := config.ParseInterval("18m")
	if err != nil {
		t.Fatal(err)
	}
	cfg.ReviewInterval = iv
	docs := []*content.Doc{
		module(t, "pain/ok.md", "Ok", "basic", 0, "reviewed: 2025-01-01\nreview_by: 2026-07-01"),
		module(t, "pain/far.md", "Far", "basic", 0, "reviewed: 2025-01-01\nreview_by: 2026-07-02"),
		module(t, "pain/undated.md", "Undated", "basic", 0, "review_by: 2030-01-01"),
	}
	_, diags := Assemble(cfg, docs, Options{Today: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	got := fmt.Sprint(diags)
	for _, want := range []string{
		"content/pain/far.md:9: warning: review_by 2026-07-02 lies more than the site's review_interval 18m after reviewed 2025-01-01; set review_by to 2026-07-01 or earlier",
		"content/pain/undated.md:8: warning: review_by 2030-01-01 lies more than the site's review_interval 18m after today (2026-01-01); set review_by to 2027-07-01 or earlier",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics do not say %s:\n%s", want, got)
		}
	}
	if len(diags) != 2 {
		t.Errorf("%d diagnostics, want 2: %s", len(diags), got)
	}
}
