package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/diag"
)

// TestBadInput: every mistake an author can make is reported as
// file:line: message, all in one run, and nothing is written.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"unknown level with did-you-mean", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basci\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n"},
			[]string{`content/x/a.md:3: level "basci" is not in the site's level vocabulary; did you mean basic?; allowed: basic, specialist`}},
		{"unknown topic and audience", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlesness]\naudience: [gps]\nsummary: s\n---\n"},
			[]string{`content/x/a.md:4: topic "breathlesness" is not in the site's topic vocabulary; did you mean breathlessness?`,
				`content/x/a.md:5: audience "gps" is not in the site's audience vocabulary; did you mean gp?`}},
		{"unknown format", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\nformat: webinar\n---\n"},
			[]string{`content/x/a.md:7: format "webinar" is not in the site's format vocabulary; allowed: e-learning, small-group, peer-review, clinical-attachment, quick-reference`}},
		{"unknown prerequisite", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\nprerequisites: [symptoms/breathlesness]\n---\n"},
			[]string{`content/x/a.md:7: unknown prerequisite "symptoms/breathlesness"`, "did you mean symptoms/breathlessness?"}},
		{"prerequisite cycle", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\nprerequisites: [x/b]\n---\n",
			"content/x/b.md": "---\ntitle: B\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\nprerequisites: [x/a]\n---\n"},
			[]string{"prerequisite cycle: x/a -> x/b -> x/a"}},
		{"broken link", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n\nSee [b](b.md).\n"},
			[]string{`content/x/a.md:9: broken link "b.md": content/x/b.md does not exist`}},
		{"broken anchor", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n\n\nSee [b](../symptoms/breathlessness.md#non-drug-measure).\n"},
			[]string{`content/x/a.md:10: broken link "../symptoms/breathlessness.md#non-drug-measure": content/symptoms/breathlessness.md has no heading #non-drug-measure; did you mean non-drug-measures?`}},
		{"broken same-page anchor", map[string]string{
			"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n## One\n\n[up](#two)\n"},
			[]string{`content/x/a.md:10: broken link "#two"`}},
		{"two files, one URL", map[string]string{
			"content/x/a.md":        "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n",
			"content/x/a/_index.md": "---\ntitle: A section\n---\n"},
			[]string{"both map to the URL /x/a/"}},
		{"invalid yaml", map[string]string{
			"content/x/a.md": "---\ntitle: A\ntopics: [pain, opioids\n---\n"},
			[]string{"content/x/a.md:", "invalid YAML"}},
		{"unterminated", map[string]string{"content/x/a.md": "---\ntitle: A\n"}, []string{"content/x/a.md:1: frontmatter opened"}},
		{"missing field", map[string]string{"content/x/a.md": "---\ntitle: A\nlevel: basic\n---\n"}, []string{`content/x/a.md:1: missing required field "topics"`}},
		{"wrong types", map[string]string{"content/x/a.md": "---\ntitle: A\nlevel: [basic]\ntopics: pain\naudience: gp\nsummary: s\nduration: soon\n---\n"},
			[]string{"content/x/a.md:3: level must be text, found a list", "content/x/a.md:7: duration must be"}},
		{"not utf-8", map[string]string{"content/x/a.md": "---\ntitle: \xff\n---\n"}, []string{"content/x/a.md:2: not UTF-8"}},
		{"empty file", map[string]string{"content/x/a.md": ""}, []string{"content/x/a.md:1: empty file"}},
		{"unknown callout", map[string]string{"content/x/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n\n> [!RED FLAG]\n> x\n"},
			[]string{`content/x/a.md:9: unknown callout kind "RED FLAG"`}},
		{"a module where a list's second page goes", map[string]string{
			"cmesite.yaml":             "page_size: 1\n",
			"content/x/a.md":           "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n",
			"content/x/b.md":           "---\ntitle: B\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n",
			"content/x/page/2.md":      "---\ntitle: C\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n",
			"content/x/page/_index.md": "---\ntitle: Pages\n---\n"},
			[]string{"content/x/page/2.md: the URL /x/page/2/ is taken by page 2 of the list of modules in /x/"}},
		{"path lists unknown module", map[string]string{"cmesite.yaml": "paths:\n  - id: p\n    title: P\n    modules: [symptoms/nope]\n"},
			[]string{`cmesite.yaml:4: path "p" lists unknown module "symptoms/nope"`}},
		{"reserved folder", map[string]string{"content/topics/a.md": "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n"},
			[]string{`the folder name "topics" is taken`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := fixture(t, "small.txtar")
			files := tt.files
			if _, ok := files["cmesite.yaml"]; !ok {
				files["content/x/_index.md"] = "---\ntitle: X\n---\n"
			}
			// A streamed build (cmesite build's, whose output folder is
			// thrown away on errors) reports the same.
			for _, stream := range []bool{false, true} {
				out := NewMemory()
				_, diags := New(overlayFS{base, files}, Options{Today: today, Stream: stream}).Build(out)
				var lines []string
				for _, d := range diags {
					lines = append(lines, d.String())
				}
				all := strings.Join(lines, "\n")
				for _, w := range tt.want {
					if !strings.Contains(all, w) {
						t.Errorf("streamed %v: diagnostics do not contain %q:\n%s", stream, w, all)
					}
				}
				if diags.Errors() == 0 {
					t.Errorf("streamed %v: no error reported", stream)
				}
				if !stream && len(out.Snapshot()) != 0 {
					t.Errorf("a failed build wrote %d files", len(out.Snapshot()))
				}
			}
		})
	}
}

// TestAllErrorsInOneRun: several broken files are all reported at once.
func TestAllErrorsInOneRun(t *testing.T) {
	files := map[string]string{
		"content/x/a.md": "---\ntitle: A\nlevel: expert\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n",
		"content/x/b.md": "---\ntitle: B\n",
		"content/x/c.md": "---\ntitle: C\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n[x](nope.md)\n",
	}
	_, diags := New(overlayFS{fixture(t, "small.txtar"), files}, Options{Today: today}).Build(NewMemory())
	seen := map[string]bool{}
	for _, d := range diags {
		seen[d.File] = true
	}
	for f := range files {
		if !seen[f] {
			t.Errorf("no diagnostic for %s in %v", f, diags)
		}
	}
}

func TestOutputSafety(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "content"), 0o755)
	theirs := filepath.Join(root, "theirs")
	os.MkdirAll(theirs, 0o755)
	os.WriteFile(filepath.Join(theirs, "thesis.docx"), []byte("precious"), 0o644)
	for _, out := range []string{root, filepath.Dir(root), filepath.Join(root, "content"), filepath.Join(root, "content", "x"), theirs} {
		if _, err := NewDir(out, root); err == nil {
			t.Errorf("NewDir(%s) was allowed", out)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(theirs, "thesis.docx")); string(b) != "precious" {
		t.Fatal("a refused output folder was changed")
	}
	// A fresh folder, then a rebuild over it: the old files go, the new come.
	out := filepath.Join(root, "public")
	for i, file := range []string{"one.html", "two.html"} {
		d, err := NewDir(out, root)
		if err != nil {
			t.Fatalf("build %d: %v", i, err)
		}
		d.Put(file, []byte("x"))
		d.Put("a/b/c.html", []byte("y"))
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "one.html")); err == nil {
		t.Error("a file of the previous build survived the rebuild")
	}
	for _, f := range []string{"two.html", "a/b/c.html", Marker} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s missing after commit: %v", f, err)
		}
	}
	// An aborted build leaves the output as it was, and no temp folder.
	d, _ := NewDir(out, root)
	d.Put("three.html", []byte("z"))
	d.Abort()
	if _, err := os.Stat(filepath.Join(out, "two.html")); err != nil {
		t.Error("abort changed the previous output")
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.Contains(e.Name(), "cmesite-new") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}
}

// TestStreamedLinkChecks: a one-off (streamed) build checks most links as
// each body is rendered, and the rest at the end; it must report exactly
// what a build that checks them all at the end reports.
func TestStreamedLinkChecks(t *testing.T) {
	mod := func(title, body string, extra ...string) string {
		return "---\ntitle: " + title + "\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n" + strings.Join(extra, "") + "---\n\n" + body
	}
	files := map[string]string{
		"content/x/_index.md": "---\ntitle: X\n---\n\nSee [gone](gone.md) and [a](a.md#nowhere).\n",
		"content/x/a.md": mod("A", "## One\n\n[b](b.md) [nope](nope.md) [draft](d.md) [img](pic.png) [folder](../y/)\n\n"+
			"[heading](b.md#two) [bad heading](b.md#too) [here](#one) [not here](#three) [section](../symptoms/)\n"),
		"content/x/b.md": mod("B", "## Two\n\n[back](a.md#one) [a gone folder](../z/)\n"),
		"content/x/d.md": mod("D", "Draft.\n", "draft: true\n"),
		"content/y/c.md": mod("C", "[up](../x/_index.md) [missing](../x/a.md#two)\n"),
	}
	var want string
	for _, stream := range []bool{false, true} {
		_, diags := New(overlayFS{fixture(t, "small.txtar"), files}, Options{Today: today, Stream: stream}).Build(NewMemory())
		var lines []string
		for _, d := range diags {
			lines = append(lines, d.String())
		}
		got := strings.Join(lines, "\n")
		if !stream {
			want = got
			for _, w := range []string{`content/x/a.md:11: broken link "nope.md"`, `points to a draft`, `broken link "pic.png"`,
				`has no heading #too`, `broken link "#three"`, `broken link "../z/"`, `content/x/_index.md:5: broken link "gone.md"`,
				`content/y/c.md:9: broken link "../x/a.md#two"`} {
				if !strings.Contains(got, w) {
					t.Errorf("diagnostics do not contain %q:\n%s", w, got)
				}
			}
			continue
		}
		if got != want {
			t.Errorf("a streamed build reports\n%s\n\nnot\n%s", got, want)
		}
	}
}

// TestTemplateErrorOnce: a template that fails names the page it was
// making once, in a one-off build (pages written as they are made) and in
// one kept in memory (serve), and the build fails.
func TestTemplateErrorOnce(t *testing.T) {
	broken := overlayFS{fixture(t, "small.txtar"), map[string]string{
		"themes/default/templates/module.html": `{{define "main"}}{{.Module.Titel}}{{end}}`,
	}}
	for _, stream := range []bool{false, true} {
		_, diags := New(broken, Options{Today: today, Stream: stream}).Build(NewMemory())
		if diags.Errors() == 0 {
			t.Fatalf("stream %v: a broken template built", stream)
		}
		for _, d := range diags {
			if d.Severity != diag.Error {
				continue
			}
			if s := d.String(); strings.Count(s, "cannot render") != 1 || !strings.Contains(s, `can't evaluate field Titel`) {
				t.Errorf("stream %v: %s", stream, s)
			}
		}
	}
}
