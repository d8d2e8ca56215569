package diag

import (
	"testing"
	"testing/fstest"
)

func TestSuggest(t *testing.T) {
	vocab := []string{"title", "level", "topics", "audience", "summary", "review_by", "reviewed"}
	tests := []struct{ word, want string }{
		{"levle", "level"},
		{"lvl", ""},
		{"topic", "topics"},
		{"audiences", "audience"},
		{"Title", "title"},
		{"reviewby", "review_by"},
		{"colour", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.word, vocab); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestStringAndSort(t *testing.T) {
	var l List
	l.Warnf("content/b.md", 3, "unknown field %q", "levle")
	l.Errorf("content/a.md", 7, "missing title")
	l.Errorf("content/a.md", 2, "bad level")
	l.Errorf("content/a.md", 2, "bad level")
	l.Add(Diagnostic{File: "cmesite.yaml", Message: "empty"})
	l.Sort()
	want := []string{
		"cmesite.yaml: empty",
		"content/a.md:2: bad level",
		"content/a.md:7: missing title",
		"content/b.md:3: warning: unknown field \"levle\"",
	}
	if len(l) != len(want) {
		t.Fatalf("got %d diagnostics, want %d: %v", len(l), len(want), l)
	}
	for i, d := range l {
		if d.String() != want[i] {
			t.Errorf("line %d: got %q, want %q", i, d.String(), want[i])
		}
	}
	if l.Errors() != 3 || l.Warnings() != 1 {
		t.Errorf("Errors, Warnings = %d, %d; want 3, 1", l.Errors(), l.Warnings())
	}
}

func TestExcerpt(t *testing.T) {
	fsys := fstest.MapFS{"content/x.md": {Data: []byte("\ufeffone\r\ntwo\r\nthree\r\nfour\r\n")}}
	got := Excerpt(fsys, Diagnostic{File: "content/x.md", Line: 2}, 1)
	if len(got) != 3 || got[0].Text != "one" || !got[1].Here || got[1].Text != "two" || got[2].N != 3 {
		t.Fatalf("Excerpt = %+v", got)
	}
	if Excerpt(fsys, Diagnostic{File: "missing.md", Line: 2}, 1) != nil {
		t.Error("Excerpt of a missing file is not nil")
	}
}
