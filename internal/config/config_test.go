package config

import (
	"strings"
	"testing"
	"testing/fstest"
)

func load(src string) (*Config, string) {
	cfg, diags := Load(fstest.MapFS{File: {Data: []byte(src)}})
	var lines []string
	for _, d := range diags {
		lines = append(lines, d.String())
	}
	return cfg, strings.Join(lines, "\n")
}

func TestDefaults(t *testing.T) {
	cfg, diags := Load(fstest.MapFS{})
	if len(diags) != 1 || diags.Warnings() != 1 || cfg.File != "" || cfg.Language != "en" || !cfg.Levels.Has("basic") || !cfg.Topics.Open ||
		!cfg.Topics.Has("anything") || !cfg.Audiences.Has("district-nurse") || cfg.Audiences.Has("martian") || !cfg.Formats.Has("peer-review") {
		t.Errorf("defaults = %+v, %v", cfg, diags)
	}
	if got := cfg.Topics.Term("nausea-vomiting").Label; got != "Nausea vomiting" {
		t.Errorf("open vocabulary label = %q", got)
	}
}

// TestNoContacts: a site for GPs without contacts is warned, at the
// contacts key when there is one; a site with contacts, or not for GPs,
// is not.
func TestNoContacts(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"", `cmesite.yaml: warning: the site is for GPs (its audiences include "gp") but lists no contacts`},
		{"title: x\ncontacts: []\n", `cmesite.yaml:2: warning: the site is for GPs`},
		{"title: x\ncontacts:\n  - {name: Team, phone: \"+00 1\"}\n", ""},
		{"audiences:\n  - {id: nurse, label: Nurses}\n", ""},
	}
	for _, tt := range tests {
		var got string
		if tt.src == "" {
			_, diags := Load(fstest.MapFS{})
			for _, d := range diags {
				got += d.String()
			}
		} else {
			_, got = load(tt.src)
		}
		if (tt.want == "") != (got == "") || !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q: diagnostics %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	cfg, diags := load(`title: Palliative care
base_url: https://cme.example.org/pal
topics:
  - {id: pain, label: Pain, group: Symptoms}
  - breathlessness
paths:
  - id: start
    title: Start
    modules: [symptoms/pain.md, /symptoms/breathlessness/]
contacts:
  - {name: Team, phone: "+00 1", url: "https://example.org"}
synonyms:
  - [breathlessness, dyspnoea, SOB]
`)
	if diags != "" {
		t.Fatal(diags)
	}
	if cfg.BaseURL != "https://cme.example.org/pal/" || cfg.Topics.Open || !cfg.Topics.Has("pain") || cfg.Topics.Has("nausea") ||
		cfg.Topics.Term("breathlessness").Label != "Breathlessness" || cfg.Topics.Term("pain").Group != "Symptoms" {
		t.Errorf("cfg = %+v", cfg)
	}
	if got := strings.Join(cfg.Paths[0].Modules, " "); got != "symptoms/pain symptoms/breathlessness" || cfg.Paths[0].ModuleLines[0] != 9 {
		t.Errorf("path modules = %q at %v", got, cfg.Paths[0].ModuleLines)
	}
	if len(cfg.Synonyms) != 1 || len(cfg.Synonyms[0]) != 3 || cfg.Contacts[0].Phone != "+00 1" {
		t.Errorf("synonyms %v contacts %v", cfg.Synonyms, cfg.Contacts)
	}
}

// TestRecordKeys: the learning record's provider defaults to the site's
// title, and a yearly target gets a label when it has none.
func TestRecordKeys(t *testing.T) {
	for _, tt := range []struct {
		src, provider, label string
		target               float64
	}{
		{"", "CME curriculum", "", 0},
		{"title: Palliative care\n", "Palliative care", "", 0},
		{"title: P\nprovider: Deanery\ncme_target: 50\n", "Deanery", DefaultTargetLabel, 50},
		{"cme_target: 12.5\ncme_target_label: \"UK appraisal, 50 a year\"\n", "CME curriculum", "UK appraisal, 50 a year", 12.5},
	} {
		cfg, diags := load(tt.src)
		if diags != "" && !strings.HasPrefix(diags, "cmesite.yaml: warning: the site is for GPs") { // no contacts: TestNoContacts
			t.Fatal(diags)
		}
		if cfg.Provider != tt.provider || cfg.CMETarget != tt.target || cfg.CMETargetLabel != tt.label {
			t.Errorf("%q: provider %q target %v %q; want %q %v %q", tt.src, cfg.Provider, cfg.CMETarget, cfg.CMETargetLabel, tt.provider, tt.target, tt.label)
		}
	}
}

func TestBad(t *testing.T) {
	tests := []struct{ src, want string }{
		{"titel: x\n", `cmesite.yaml:1: warning: unknown cmesite.yaml field "titel" is ignored; did you mean title?`},
		{"title: [x]\n", "cmesite.yaml:1: title must be text, found a list"},
		{"base_url: cme.example.org\n", `cmesite.yaml:1: base_url "cme.example.org" must be an absolute http(s) URL`},
		{"language: English\n", `cmesite.yaml:1: language "English" is not a language code`},
		{"page_size: 0\n", "cmesite.yaml:1: page_size 0 must be a whole number of at least 1"},
		{"page_size: many\n", "cmesite.yaml:1: page_size must be a whole number"},
		{"levels:\n  - {id: Basic Level}\n", `cmesite.yaml:2: levels id "Basic Level" must be lowercase`},
		{"levels:\n  - basic\n  - basic\n", `cmesite.yaml:3: levels id "basic" appears twice`},
		{"levels: basic\n", "cmesite.yaml:1: levels must be a list"},
		{"topics:\n  - {id: pain, lable: Pain}\n", `cmesite.yaml:2: warning: unknown topics entry field "lable" is ignored; did you mean label?`},
		{"paths:\n  - id: p\n    modules: []\n", `cmesite.yaml:2: path "p" needs a title`},
		{"contacts:\n  - {name: T, url: ftp://x}\n", `cmesite.yaml:2: contact url "ftp://x" must be an http(s) or mailto: address`},
		{"synonyms:\n  - [alone]\n", "cmesite.yaml:2: a synonym group needs at least two terms"},
		{"title: x\n  bad: indent\n", "cmesite.yaml:2: invalid YAML"},
		{"- just\n- a list\n", "cmesite.yaml:1: cmesite.yaml must be a mapping"},
		{"title: \xff\n", "cmesite.yaml: not UTF-8"},
		{"title: x\ncme_target: 0\n", "cmesite.yaml:2: cme_target 0 must be a number of credits above 0"},
		{"cme_target: fifty\n", "cmesite.yaml:1: cme_target must be a number"},
		{"title: x\ncme_target_label: UK appraisal\n", "cmesite.yaml:2: cme_target_label needs cme_target"},
		{"provider: [a, b]\n", "cmesite.yaml:1: provider must be text"},
	}
	for _, tt := range tests {
		if _, got := load(tt.src); !strings.Contains(got, tt.want) {
			t.Errorf("Load(%q):\n%s\nwant %q", tt.src, got, tt.want)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("title: x\nlevels: [basic]\npaths:\n  - {id: p, title: P, modules: [a/b]}\n"))
	f.Add([]byte("synonyms:\n  - [a, b]\ncontacts:\n  - name: n\n    url: https://x\n"))
	f.Add([]byte("base_url: 3\nlanguage: [en]\ntopics: {a: b}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, diags := Load(fstest.MapFS{File: {Data: data}})
		if cfg == nil || cfg.Levels.Terms == nil {
			t.Fatal("no usable config")
		}
		for _, d := range diags {
			if d.File != File || d.Message == "" {
				t.Fatalf("bad diagnostic %+v", d)
			}
		}
	})
}

// TestSyntaxErrorLine: a YAML mistake in cmesite.yaml is reported on its
// own line.
func TestSyntaxErrorLine(t *testing.T) {
	for src, want := range map[string]string{
		"title: x\nlanguage: en\nsynonyms:\n  - [sob, breathlessness\n  - [oedema, edema]\n": "cmesite.yaml:4: invalid YAML",
		"title: x\ncontacts:\n  - name: A\n   phone: \"1\"\n":                                "cmesite.yaml:4: invalid YAML",
	} {
		if _, got := load(src); !strings.HasPrefix(got, want) {
			t.Errorf("%q: %q, want %q", src, got, want)
		}
	}
}
