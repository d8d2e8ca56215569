package render

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
)

// benchModule is a module page's data with every part of the default
// theme's module template filled in.
func benchModule() (*Data, *curriculum.Module) {
	cfg := config.Default()
	root := &curriculum.Section{}
	sec := &curriculum.Section{ID: "symptoms", URL: "symptoms/", Title: "Symptoms", Parent: root}
	sub := &curriculum.Section{ID: "symptoms/breathing", URL: "symptoms/breathing/", Title: "Breathing", Parent: sec}
	other := func(id, title string) *curriculum.Module {
		return &curriculum.Module{ID: id, URL: id + "/", Front: &content.Front{Title: title}}
	}
	m := &curriculum.Module{
		ID: "symptoms/breathing/breathlessness", URL: "symptoms/breathing/breathlessness/", Section: sub,
		Front: &content.Front{
			Title: "Breathlessness in advanced illness", Summary: "Assess and manage breathlessness at home.",
			Objectives: []string{"Assess breathlessness", "Use a fan and positioning", "Start an opioid safely"},
			Minutes:    45, Credits: 1, HasCredits: true, Competencies: []int{2, 5},
			Authors:    []content.Author{{Name: "A. Author", Role: "GP"}, {Name: "B. Author"}},
			References: []string{"Reference one.", "Reference two."},
			Reviewed:   time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), ReviewBy: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC),
		},
		Level:         config.Term{ID: "basic", Label: "Basic"},
		Format:        config.Term{ID: "case-based", Label: "Case-based"},
		Topics:        []config.Term{{ID: "breathlessness", Label: "Breathlessness"}, {ID: "symptoms", Label: "Symptoms"}},
		Audiences:     []config.Term{{ID: "gp", Label: "GPs"}, {ID: "nurses", Label: "Nurses"}},
		Prerequisites: []*curriculum.Module{other("foundations/principles", "Principles")},
		NeededFor:     []*curriculum.Module{other("symptoms/cough", "Cough"), other("last-days/care", "Care")},
		Prev:          other("symptoms/breathing/assess", "Assessment"),
		Next:          other("symptoms/breathing/opioids", "Opioids"),
	}
	p := &curriculum.Path{Path: &config.Path{ID: "core", Title: "Core"}, URL: "paths/core/", Modules: []*curriculum.Module{m.Prev, m, m.Next}}
	m.Paths = []*curriculum.Path{p}
	d := &Data{
		Kind: "module", URL: m.URL, Root: "../../../", Title: m.Front.Title, Description: m.Front.Summary, Lang: "en",
		Site: &curriculum.Curriculum{Config: cfg, Paths: m.Paths}, Config: cfg, Module: m,
		Body: template.HTML(strings.Repeat("<h2 id=\"x\">Heading</h2><p>Paragraph text with some words in it.</p>\n", 40)),
		TOC:  []Heading{{Level: 2, ID: "assess", Text: "Assess"}, {Level: 2, ID: "manage", Text: "Manage"}, {Level: 3, ID: "fan", Text: "A fan"}},
	}
	return d, m
}

// BenchmarkRenderModule renders a module page: the template cost every
// module pays, with the shared partials already made.
func BenchmarkRenderModule(b *testing.B) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	d, _ := benchModule()
	for b.Loop() {
		if _, err := th.Render("module", d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCard renders a module's card, as every list of modules does.
func BenchmarkCard(b *testing.B) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		b.Fatal(diags)
	}
	d, m := benchModule()
	for b.Loop() {
		if _, err := th.Fragment("card", Item{Root: RootMarker, Module: m, Config: d.Config}); err != nil {
			b.Fatal(err)
		}
	}
}
