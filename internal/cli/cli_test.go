package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// site writes a small site into a temp folder.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const module = "---\ntitle: Breathlessness\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: Relief at home.\n---\n\n## One\n"

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, ExitUsage, "Usage:"},
		{[]string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{[]string{"build", "--nope"}, ExitUsage, "flag provided but not defined"},
		{[]string{"build", "extra"}, ExitUsage, `unexpected argument "extra"`},
		{[]string{"build", "--source", "/does/not/exist"}, ExitUsage, "is not a folder"},
		{[]string{"check", "--format", "xml"}, ExitUsage, "--format must be text, json or github"},
		{[]string{"report", "--format", "csv"}, ExitUsage, "--format must be text or json"},
		{[]string{"export", "--format", "xml"}, ExitUsage, "--format must be csv or json"},
		{[]string{"check", "--as-of", "2026-13-01"}, ExitUsage, "must be a date written YYYY-MM-DD"},
		{[]string{"new"}, ExitUsage, "give one module id"},
		{[]string{"new", "Bad Name"}, ExitUsage, "is not SECTION/SLUG"},
		{[]string{"new", "noslash"}, ExitUsage, "is not SECTION/SLUG"},
		{[]string{"serve", "--poll", "-1s"}, ExitUsage, "--poll must be"},
		{[]string{"build", "--base-url", "cme.example.org"}, ExitUsage, "must be an absolute http(s) URL"},
	}
	for _, tt := range tests {
		code, out, errOut := run(tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("cmesite %v = %d, %q%q; want %d and %q", tt.args, code, out, errOut, tt.code, tt.want)
		}
	}
	for _, cmd := range []string{"build", "check", "new", "serve", "report", "export"} {
		code, out, _ := run(cmd, "-h")
		if code != ExitOK || !strings.Contains(out, "Usage: cmesite "+cmd) || !strings.Contains(out, "-source") {
			t.Errorf("cmesite %s -h = %d, %q", cmd, code, out)
		}
	}
	if code, out, _ := run("version"); code != 0 || !strings.HasPrefix(out, "cmesite ") {
		t.Errorf("version = %d %q", code, out)
	}
}

func TestBuild(t *testing.T) {
	root := writeSite(t, map[string]string{"content/symptoms/breathlessness.md": module})
	code, out, errOut := run("build", "--source", root)
	if code != ExitOK {
		t.Fatalf("build = %d\n%s%s", code, out, errOut)
	}
	if !strings.HasPrefix(out, "built 1 module, ") || !strings.Contains(out, "/public/") {
		t.Errorf("summary line = %q", out)
	}
	if _, err := os.Stat(filepath.Join(root, "public", "symptoms", "breathlessness", "index.html")); err != nil {
		t.Error(err)
	}
	// The live-reload script belongs to serve's responses, never to a build.
	filepath.WalkDir(filepath.Join(root, "public"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("__cmesite")) {
				t.Errorf("%s contains the live-reload script", p)
			}
		}
		return nil
	})
	// A second build over the same output is byte-identical.
	snapshot := func() map[string]string {
		m := map[string]string{}
		filepath.WalkDir(filepath.Join(root, "public"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				m[p] = string(b)
			}
			return nil
		})
		return m
	}
	first := snapshot()
	if code, _, errOut := run("build", "--source", root); code != ExitOK {
		t.Fatalf("second build = %d: %s", code, errOut)
	}
	second := snapshot()
	if len(first) != len(second) {
		t.Errorf("%d files, then %d", len(first), len(second))
	}
	for p, data := range first {
		if second[p] != data {
			t.Errorf("%s differs between two builds", p)
		}
	}

	// A broken edit fails with file:line and leaves the output as it was.
	before, _ := os.ReadFile(filepath.Join(root, "public", "symptoms", "breathlessness", "index.html"))
	os.WriteFile(filepath.Join(root, "content", "symptoms", "breathlessness.md"), []byte(strings.Replace(module, "level: basic", "level: expert", 1)), 0o644)
	os.WriteFile(filepath.Join(root, "content", "symptoms", "other.md"), []byte("---\ntitle: x\n"), 0o644)
	code, _, errOut = run("build", "--source", root)
	if code != ExitContent {
		t.Fatalf("broken build = %d", code)
	}
	for _, want := range []string{`content/symptoms/breathlessness.md:3: level "expert"`, "content/symptoms/other.md:1: frontmatter opened", "was not changed"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, errOut)
		}
	}
	after, _ := os.ReadFile(filepath.Join(root, "public", "symptoms", "breathlessness", "index.html"))
	if !bytes.Equal(before, after) {
		t.Error("a failed build changed the output")
	}
	// An output folder with someone else's files is refused.
	theirs := filepath.Join(root, "theirs")
	os.MkdirAll(theirs, 0o755)
	os.WriteFile(filepath.Join(theirs, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(root, "content", "symptoms", "breathlessness.md"), []byte(module), 0o644)
	os.Remove(filepath.Join(root, "content", "symptoms", "other.md"))
	code, _, errOut = run("build", "--source", root, "--out", theirs)
	if code != ExitContent || !strings.Contains(errOut, "was not written by cmesite") {
		t.Errorf("build into a foreign folder = %d, %q", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(theirs, "notes.txt")); string(b) != "mine" {
		t.Error("a foreign file was touched")
	}
}

func TestCheck(t *testing.T) {
	overdue := strings.Replace(module, "summary:", "review_by: 2020-01-01\nsummary:", 1)
	root := writeSite(t, map[string]string{"cmesite.yaml": contactsYAML, "content/symptoms/breathlessness.md": overdue})
	if code, out, _ := run("check", "--source", root); code != ExitOK || !strings.Contains(out, "overdue for review") {
		t.Errorf("check = %d, %q", code, out)
	}
	if code, _, _ := run("check", "--source", root, "--strict"); code != ExitContent {
		t.Errorf("check --strict with a warning = %d, want 1", code)
	}
	code, out, _ := run("check", "--source", root, "--format", "json", "--strict")
	var report struct {
		OK          bool
		Errors      int
		Warnings    int
		Diagnostics []struct {
			File, Severity, Message string
			Line                    int
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if code != ExitContent || report.OK || report.Warnings != 1 || report.Diagnostics[0].Severity != "warning" ||
		report.Diagnostics[0].File != "content/symptoms/breathlessness.md" || report.Diagnostics[0].Line != 6 {
		t.Errorf("json report = %d %+v", code, report)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); err == nil {
		t.Error("check wrote output")
	}
}

func TestNew(t *testing.T) {
	root := writeSite(t, map[string]string{"content/.keep": ""})
	code, out, errOut := run("new", "--source", root, "symptoms/hiccups")
	if code != ExitOK || !strings.Contains(out, "created") {
		t.Fatalf("new = %d %q %q", code, out, errOut)
	}
	file := filepath.Join(root, "content", "symptoms", "hiccups.md")
	data, _ := os.ReadFile(file)
	for _, field := range []string{"title:", "level:", "topics:", "audience:", "summary:", "objectives:", "duration:", "credits:",
		"format:", "prerequisites:", "keywords:", "authors:", "reviewed:", "review_by:", "disclosures:", "competencies:", "references:", "weight:", "draft:"} {
		if !bytes.Contains(data, []byte("\n"+field)) {
			t.Errorf("scaffold lacks %s", field)
		}
	}
	// The scaffold has no errors; its placeholders are warnings (TestNewFormats).
	if code, out, _ := run("check", "--source", root, "--drafts"); code != ExitOK {
		t.Errorf("check of a fresh scaffold = %d\n%s", code, out)
	}
	// Never overwrite.
	os.WriteFile(file, []byte("my words"), 0o644)
	if code, _, errOut := run("new", "--source", root, "symptoms/hiccups"); code != ExitContent || !strings.Contains(errOut, "already exists") {
		t.Errorf("second new = %d %q", code, errOut)
	}
	if b, _ := os.ReadFile(file); string(b) != "my words" {
		t.Error("new overwrote an author's file")
	}
}
