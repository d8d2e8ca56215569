package fields

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestYAMLProblemLine: a syntax error is reported on the line that holds
// the problem, not on the line yaml.v3 names (often the one before).
func TestYAMLProblemLine(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
	}{
		{"unclosed flow sequence", "title: x\nlevel: basic\nsummary: s\ntopics: [a, b\naudience: [gp]\n", 4},
		{"unclosed flow sequence at the end", "title: x\nlevel: basic\nsummary: s\ntopics: [a, b\n", 4},
		{"unclosed flow sequence on the first line", "topics: [a, b\ntitle: x\n", 1},
		{"unclosed flow mapping", "title: x\nauthors: {name: A\naudience: gp\n", 2},
		{"unclosed quote", "title: x\nlevel: basic\nsummary: \"abc\naudience: gp\n", 3},
		{"list item indented too little", "title: x\nlevel: basic\nobjectives:\n  - a\n - b\naudience: gp\n", 5},
		{"key indented", "title: x\nlevel: basic\nsummary: s\n topics: [a]\naudience: gp\n", 4},
		{"key indented under a plain value", "title: x\nlevel: basic\n  summary: s\ntopics: [a]\n", 3},
		{"tab indentation", "title: x\n\tlevel: basic\n", 2},
		{"colon in a plain value", "title: x\nlevel: basic\nsummary: a: b\naudience: gp\n", 3},
		{"valid multi-line flow before a later error", "topics: [a,\n  b]\nlevel: basic\n summary: s\nx: y\n", 4},
		{"no final newline", "title: x\ntopics: [a", 2},
		{"blank lines after the problem", "title: x\ntopics: [a\n\n\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, se := Parse(YAML, []byte(tt.src))
			if se == nil {
				t.Fatal("no syntax error")
			}
			if se.Line != tt.line {
				t.Errorf("line %d (%s), want %d", se.Line, se.Msg, tt.line)
			}
			if strings.HasPrefix(se.Msg, "line ") || se.Msg == "" {
				t.Errorf("message %q still carries yaml.v3's line, or is empty", se.Msg)
			}
		})
	}
}

// FuzzParse: Parse never panics; a YAML syntax error names a line of the
// document after which the document no longer parses, and every line
// before it parses.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"title: x\ntopics: [a, b\naudience: gp\n",
		"title: x\n  level: basic\n",
		"objectives:\n  - a\n - b\n",
		"a: \"b\n",
		"title = 'x'\n",
		"{\"title\": 1}",
		"",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, src string, which uint8) {
		syntax := []Syntax{YAML, TOML, JSON}[int(which)%3]
		node, se := Parse(syntax, []byte(src))
		if se == nil {
			_ = node
			return
		}
		lines := 1 + strings.Count(src, "\n")
		if se.Line < 0 || se.Line > lines {
			t.Fatalf("%s error on line %d of a %d-line document: %v", syntax, se.Line, lines, se)
		}
		if syntax != YAML {
			return
		}
		if se.Line < 1 {
			t.Fatalf("YAML error without a line: %v", se)
		}
		// The lines before the reported one parse.
		data := []byte(src)
		cut := 0
		for i := 1; i < se.Line; i++ {
			cut += bytes.IndexByte(data[cut:], '\n') + 1
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data[:cut], &doc); err != nil {
			t.Fatalf("reported line %d, but the lines before it do not parse either: %v", se.Line, err)
		}
	})
}
