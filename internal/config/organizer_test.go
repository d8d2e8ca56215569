package config

import (
	"strings"
	"testing"
)

func TestParseInterval(t *testing.T) {
	for _, tt := range []struct {
		in     string
		months int
	}{
		{"18m", 18}, {"2y", 24}, {"3y", 36}, {"1m", 1}, {" 3y ", 36},
		{"3 years", 0}, {"0y", 0}, {"1.5y", 0}, {"36", 0}, {"3Y", 0}, {"2w", 0}, {"-1y", 0}, {"", 0}, {"1y6m", 0},
	} {
		iv, err := ParseInterval(tt.in)
		if iv.Months != tt.months || (err == nil) != (tt.months > 0) {
			t.Errorf("ParseInterval(%q) = %v, %v; want %d months", tt.in, iv, err, tt.months)
		}
	}
}

func TestOrganizerKeys(t *testing.T) {
	cfg, diags := load(`review_interval: 18m
organizer_pages: false
competencies:
  - {id: 1, label: First}
  - {id: 2, label: Second}
paths:
  - id: p
    title: P
    audience: [gp, pharmacist]
    modules: [a/b]
contacts: [{name: Team, phone: "1"}]
`)
	if diags != "" {
		t.Fatal(diags)
	}
	if cfg.ReviewInterval.Months != 18 || cfg.OrganizerPages || len(cfg.Competencies.Terms) != 2 || cfg.Competencies.Term("2").Label != "Second" {
		t.Errorf("config = interval %v, organizer pages %v, competencies %+v", cfg.ReviewInterval, cfg.OrganizerPages, cfg.Competencies.Terms)
	}
	if p := cfg.Paths[0]; strings.Join(p.Audience, " ") != "gp pharmacist" || p.AudienceLines[1] != 9 {
		t.Errorf("path audience = %q at %v", p.Audience, p.AudienceLines)
	}
	def, _ := load("title: x\n")
	if len(def.Competencies.Terms) != 10 || !def.OrganizerPages || !def.ReviewInterval.IsZero() {
		t.Errorf("defaults: %d competencies, organizer pages %v, interval %v", len(def.Competencies.Terms), def.OrganizerPages, def.ReviewInterval)
	}

	_, diags = load("review_interval: 3 years\ncompetencies:\n  - {id: one, label: First}\n  - {id: 2}\n")
	for _, want := range []string{
		`cmesite.yaml:1: review_interval "3 years": write a whole number of years or months, such as 3y, 2y or 18m`,
		`cmesite.yaml:3: competencies id "one" must be a whole number from 1`,
	} {
		if !strings.Contains(diags, want) {
			t.Errorf("diagnostics do not say %s:\n%s", want, diags)
		}
	}
}

// FuzzParseInterval: any text gives an interval of at least one month or
// an error, never a panic, and an interval prints back as it parses.
func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"3y", "18m", "0y", "1.5y", "999y", "3 years", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseInterval(s)
		if err != nil {
			return
		}
		if iv.Months < 1 {
			t.Fatalf("ParseInterval(%q) = %d months", s, iv.Months)
		}
		if back, err := ParseInterval(iv.String()); err != nil || back != iv {
			t.Fatalf("ParseInterval(%q) = %v, which reads back as %v, %v", s, iv, back, err)
		}
	})
}
