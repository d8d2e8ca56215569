package content

import (
	"strings"
	"testing"
)

// TestPlaceholders: every line that still holds a scaffold's REPLACE:
// text is a warning at that line, in frontmatter and body alike; a module
// without one has none.
func TestPlaceholders(t *testing.T) {
	src := "---\ntitle: x\nlevel: basic\ntopics: [pain]\naudience: gp\nsummary: \"REPLACE: what a GP will be able to do.\"\n---\n\nReal words.\n\n> [!KEY POINTS]\n> - REPLACE: the first thing to remember.\n"
	doc := Parse("s/m.md", []byte(src))
	var got []string
	for _, d := range doc.Diags {
		got = append(got, d.String())
	}
	want := []string{
		`content/s/m.md:6: warning: scaffold placeholder "REPLACE: what a GP will be able to do." is still in the module; replace it with your own text`,
		`content/s/m.md:12: warning: scaffold placeholder "REPLACE: the first thing to remember." is still in the module; replace it with your own text`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if doc := Parse("s/m.md", []byte(strings.ReplaceAll(src, "REPLACE: ", ""))); len(doc.Diags) > 0 {
		t.Errorf("a finished module: %v", doc.Diags)
	}
}
