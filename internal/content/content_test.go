package content

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/adrg/frontmatter"
)

const good = `---
title: Breathlessness at home
level: basic
topics: [breathlessness]
audience: gp
summary: Relieving breathlessness at home.
duration: 1h30m
credits: 1.5
reviewed: 2026-01-10
review_by: "2028-01-10"
authors:
  - name: Sample author
    role: GP
  - Another author
disclosures: []
competencies: [2, 3]
weight: 20
---

# Heading
`

func TestParseGood(t *testing.T) {
	for name, src := range map[string]string{
		"lf":   good,
		"crlf": strings.ReplaceAll(good, "\n", "\r\n"),
		"bom":  "\ufeff" + good,
		"toml": "+++\ntitle = \"Breathlessness at home\"\nlevel = \"basic\"\ntopics = [\"breathlessness\"]\naudience = \"gp\"\nsummary = \"Relieving breathlessness at home.\"\nduration = \"1h30m\"\ncredits = 1.5\nreviewed = 2026-01-10\nreview_by = 2028-01-10\nauthors = [\"Sample author\", \"Another author\"]\ndisclosures = []\ncompetencies = [2, 3]\nweight = 20\n+++\n\n# Heading\n",
		"json": "{\n  \"title\": \"Breathlessness at home\",\n  \"level\": \"basic\",\n  \"topics\": [\"breathlessness\"],\n  \"audience\": \"gp\",\n  \"summary\": \"Relieving breathlessness at home.\",\n  \"duration\": \"1h30m\",\n  \"credits\": 1.5,\n  \"reviewed\": \"2026-01-10\",\n  \"review_by\": \"2028-01-10\",\n  \"authors\": [\"Sample author\", \"Another author\"],\n  \"disclosures\": [],\n  \"competencies\": [2, 3],\n  \"weight\": 20\n}\n\n# Heading\n",
	} {
		t.Run(name, func(t *testing.T) {
			doc := Parse("symptoms/breathlessness.md", []byte(src))
			if len(doc.Diags) > 0 {
				t.Fatalf("diagnostics: %v", doc.Diags)
			}
			f := doc.Front
			if f.Title != "Breathlessness at home" || f.Level != "basic" || f.Minutes != 90 || f.Credits != 1.5 ||
				len(f.Topics) != 1 || len(f.Audience) != 1 || f.Audience[0] != "gp" || !f.HasDiscl || len(f.Disclosures) != 0 ||
				len(f.Competencies) != 2 || f.Weight != 20 || f.Reviewed.Year() != 2026 || len(f.Authors) != 2 {
				t.Errorf("front = %+v", f)
			}
			if !strings.Contains(string(doc.Body), "# Heading") || doc.BodyLine < 2 {
				t.Errorf("body = %q at line %d", doc.Body, doc.BodyLine)
			}
			if name == "lf" && f.Line("weight") != 17 {
				t.Errorf("weight line = %d, want 17", f.Line("weight"))
			}
		})
	}
}

// TestParseBad covers every kind of bad frontmatter a user can write; each
// must be reported at its file line with what is allowed.
func TestParseBad(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the diagnostics, in order
	}{
		{"empty file", "", []string{"content/s/m.md:1: empty file"}},
		{"blank file", "\n  \n", []string{"content/s/m.md:1: empty file"}},
		{"no frontmatter", "# Just a body\n", []string{"content/s/m.md:1: no frontmatter"}},
		{"unterminated yaml", "---\ntitle: x\nlevel: basic\n\nBody\n", []string{"content/s/m.md:1: frontmatter opened with \"---\" is never closed"}},
		{"unterminated toml", "\n+++\ntitle = 'x'\n", []string{"content/s/m.md:2: frontmatter opened with \"+++\" is never closed"}},
		{"invalid yaml", "---\ntitle: x\ntopics: [pain, opioids\naudience: gp\n---\n", []string{"content/s/m.md:3: invalid YAML: did not find expected ',' or ']'"}},
		{"unclosed flow sequence on line 5", "---\ntitle: x\nlevel: basic\nsummary: s\ntopics: [a, b\naudience: [gp]\n---\n", []string{"content/s/m.md:5: invalid YAML"}},
		{"bad indentation", "---\ntitle: x\nlevel: basic\nobjectives:\n  - a\n - b\naudience: gp\n---\n", []string{"content/s/m.md:6: invalid YAML"}},
		{"bad indentation after a blank first line", "\n---\ntitle: x\n  level: basic\n---\n", []string{"content/s/m.md:4: invalid YAML"}},
		{"invalid toml", "+++\ntitle = 'x'\nlevel = \n+++\n", []string{"content/s/m.md:3: invalid TOML"}},
		{"invalid yaml on the first line", "---\ntitle: A \"B: c\"\nlevel: basic\n---\n", []string{"content/s/m.md:2: invalid YAML: mapping values are not allowed"}},
		{"invalid json", "{\n\"title\": \"x\",\n\"level\": basic\n}\n", []string{"content/s/m.md:3: invalid JSON"}},
		{"missing required", "---\ntitle: x\nlevel: basic\ntopics: pain\n---\n", []string{
			`content/s/m.md:1: missing required field "audience"`, `content/s/m.md:1: missing required field "summary"`}},
		{"wrong type level", "---\ntitle: x\nlevel: [basic]\ntopics: pain\naudience: gp\nsummary: s\n---\n", []string{"content/s/m.md:3: level must be text, found a list"}},
		{"wrong type duration", "---\ntitle: x\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\nduration: soon\n---\n", []string{`content/s/m.md:7: duration must be a positive number of minutes (45) or a duration such as "45m"`}},
		{"negative credits", "---\ntitle: x\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\ncredits: -1\n---\n", []string{"content/s/m.md:7: credits must be 0 or more"}},
		{"bad date", "---\ntitle: x\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\nreviewed: 2026-02-30\n---\n", []string{"content/s/m.md:7: reviewed: \"2026-02-30\" is not a real calendar date"}},
		{"review order", "---\ntitle: x\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\nreviewed: 2026-02-01\nreview_by: 2025-01-01\n---\n", []string{"content/s/m.md:8: review_by 2025-01-01 must be after reviewed 2026-02-01"}},
		{"unknown field", "---\ntitle: x\nlevle: basic\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\n---\n", []string{`content/s/m.md:3: warning: unknown module field "levle" is ignored; did you mean level?`}},
		{"competency range", "---\ntitle: x\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\ncompetencies: [0, 11]\n---\n", []string{"content/s/m.md:7: competencies are numbered from 1 (the ids of the site's competencies vocabulary, by default the ten EAPC core competencies); found 0"}},
		{"duplicate key", "---\ntitle: x\ntitle: y\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\n---\n", []string{"content/s/m.md:3: "}},
		{"not utf8", "---\ntitle: x\xff\n---\n", []string{"content/s/m.md:2: not UTF-8 text"}},
		{"empty title", "---\ntitle: \"\"\nlevel: basic\ntopics: pain\naudience: gp\nsummary: s\n---\n", []string{"content/s/m.md:2: title must not be empty"}},
		{"frontmatter not a mapping", "---\n- a\n- b\n---\n", []string{"content/s/m.md:2: frontmatter must be a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := Parse("s/m.md", []byte(tt.src))
			var got []string
			for _, d := range doc.Diags {
				got = append(got, d.String())
			}
			joined := strings.Join(got, "\n")
			for _, w := range tt.want {
				if !strings.Contains(joined, w) {
					t.Errorf("diagnostics\n%s\ndo not contain %q", joined, w)
				}
			}
			if len(got) == 0 {
				t.Error("no diagnostics")
			}
		})
	}
}

func TestWalk(t *testing.T) {
	fsys := fstest.MapFS{
		"content/_index.md":           {Data: []byte("---\ntitle: Home\n---\n")},
		"content/pain/_index.md":      {Data: []byte("---\ntitle: Pain\n---\n")},
		"content/pain/a.md":           {},
		"content/pain/.a.md.swp":      {},
		"content/pain/a.md~":          {},
		"content/pain/diagram.png":    {},
		"content/.git/config":         {},
		"content/pain/deep/nested.md": {},
	}
	tree, diags := Walk(fsys)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := "_index.md pain/_index.md pain/a.md pain/deep/nested.md"
	if got := strings.Join(tree.Markdown, " "); got != want {
		t.Errorf("Markdown = %q, want %q", got, want)
	}
	if strings.Join(tree.Static, " ") != "pain/diagram.png" {
		t.Errorf("Static = %q", tree.Static)
	}
	_, diags = Walk(fstest.MapFS{})
	if len(diags) != 1 || !strings.Contains(diags[0].String(), "no content folder") {
		t.Errorf("missing content: %v", diags)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("+++\ntitle = 'x'\n+++\n"))
	f.Add([]byte("{\n\"title\": 1\n}\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\nauthors: [{name: a, role: b}]\nduration: 99999999999999999999\n---"))
	if files, _ := filepath.Glob("../../content/*/*.md"); len(files) > 0 {
		for _, p := range files[:min(5, len(files))] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc := Parse("s/m.md", data)
		for _, d := range doc.Diags {
			if d.File != "content/s/m.md" || d.Line < 0 || d.Message == "" {
				t.Fatalf("bad diagnostic %+v", d)
			}
		}
		if doc.BodyLine < 0 {
			t.Fatalf("BodyLine %d", doc.BodyLine)
		}
		// The body is what the splitter leaves when it reads the whole
		// file (Parse stops its reading after the frontmatter).
		if doc.Body != nil {
			n := normalize(data)
			var raw rawFront
			rest, err := frontmatter.Parse(bytes.NewReader(n), &raw, formats...)
			if err == nil && !bytes.Equal(doc.Body, rest) {
				t.Fatalf("body %q, the splitter's %q", doc.Body, rest)
			}
		}
	})
}

// TestLead: the first line of text a theme may show in a list.
func TestLead(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	tests := []struct{ body, want string }{
		{"\n\nFirst line.\nSecond.\n", "First line."},
		{"## Heading\n\nAfter the heading.\n", "After the heading."},
		{"> [!KEY POINTS]\n> - Treat the cause.\n", "- Treat the cause."},
		{"\n\n", ""},
		{long + "\n", strings.Repeat("é", 150)},
	}
	for _, tt := range tests {
		doc := Parse("x/a.md", []byte("---\ntitle: A\n---\n"+tt.body))
		if doc.Lead != tt.want {
			t.Errorf("Lead of %q = %q, want %q", tt.body, doc.Lead, tt.want)
		}
	}
}

// TestTreeUpdate: updating a walk with the paths that changed gives the
// walk of the changed tree, and says what came and went.
func TestTreeUpdate(t *testing.T) {
	fsys := fstest.MapFS{
		"content/_index.md":     {Data: []byte("x")},
		"content/a/x.md":        {Data: []byte("x")},
		"content/a/img.png":     {Data: []byte("x")},
		"content/a/b/y.md":      {Data: []byte("x")},
		"content/a-b/z.md":      {Data: []byte("x")},
		"content/old/gone.md":   {Data: []byte("x")},
		"content/old/sub/g.pdf": {Data: []byte("x")},
	}
	tree, _ := Walk(fsys)
	delete(fsys, "content/old/gone.md")
	delete(fsys, "content/old/sub/g.pdf")
	delete(fsys, "content/a/img.png")
	fsys["content/new/n.md"] = &fstest.MapFile{Data: []byte("x")}
	fsys["content/new/deep/d.png"] = &fstest.MapFile{Data: []byte("x")}
	fsys["content/a/w.md"] = &fstest.MapFile{Data: []byte("x")}
	fsys["content/a/.w.md.swp"] = &fstest.MapFile{Data: []byte("x")}
	added, removed, ok := tree.Update(fsys, []string{"old", "new", "a/w.md", "a/img.png", "a/x.md", "a/.w.md.swp"})
	if !ok {
		t.Fatal("not ok")
	}
	want, _ := Walk(fsys)
	if !slices.Equal(tree.Markdown, want.Markdown) || !slices.Equal(tree.Static, want.Static) || !slices.Equal(tree.Dirs, want.Dirs) {
		t.Errorf("updated tree\n%+v\nwant\n%+v", tree, want)
	}
	slices.Sort(added)
	slices.Sort(removed)
	if w := []string{"a/w.md", "new/deep/d.png", "new/n.md"}; !slices.Equal(added, w) {
		t.Errorf("added %v, want %v", added, w)
	}
	if w := []string{"a/img.png", "old", "old/gone.md", "old/sub", "old/sub/g.pdf"}; !slices.Equal(removed, w) {
		t.Errorf("removed %v, want %v", removed, w)
	}
}
