package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/markdown"
)

// readme returns the project's README and the text of its section whose
// heading is title, up to the next heading of the same or a higher level.
func readme(t *testing.T, title string) (string, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	all := string(b)
	i := strings.Index(all, "\n"+title+"\n")
	if i < 0 {
		t.Fatalf("README has no section %q", title)
	}
	level := strings.Index(title, " ")
	rest := all[i+len(title)+2:]
	for j := 0; j < len(rest); {
		k := strings.Index(rest[j:], "\n#")
		if k < 0 {
			break
		}
		j += k + 1
		h := rest[j:]
		if n := strings.IndexByte(h, ' '); n > 0 && n <= level && strings.Trim(h[:n], "#") == "" {
			return all, rest[:j]
		}
	}
	return all, rest
}

// tableKeys returns the code spans of the first column of a section's
// Markdown table rows.
func tableKeys(section string) []string {
	var keys []string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cell := strings.Split(line, "|")[1]
		for _, part := range strings.Split(cell, ",") {
			keys = append(keys, strings.Trim(strings.TrimSpace(part), "`"))
		}
	}
	return keys
}

// TestREADMEFields: the frontmatter table lists exactly the fields the
// parser knows.
func TestREADMEFields(t *testing.T) {
	_, section := readme(t, "### Frontmatter reference")
	got := tableKeys(section)
	want := slices.Concat(content.ModuleFields, content.SectionFields)
	slices.Sort(want)
	want = slices.Compact(want)
	for _, f := range want {
		if !slices.Contains(got, f) {
			t.Errorf("README's frontmatter table lacks the field %q", f)
		}
	}
	for _, f := range got {
		if !slices.Contains(want, f) {
			t.Errorf("README's frontmatter table lists %q, which is no field", f)
		}
	}
}

// TestREADMECallouts: the callout table lists exactly the kinds the
// Markdown renderer knows.
func TestREADMECallouts(t *testing.T) {
	_, section := readme(t, "### Markdown")
	got := tableKeys(section)
	var want []string
	for _, k := range markdown.CalloutKinds() {
		want = append(want, k.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("README's callout kinds %q, want %q", got, want)
	}
}

// TestREADMEVocabularies: the README gives each facet's default ids as
// the code has them.
func TestREADMEVocabularies(t *testing.T) {
	_, section := readme(t, "### Vocabularies")
	cfg := config.Default()
	for _, f := range content.Facets() {
		v := cfg.Vocab(f.Name)
		var row string
		for _, line := range strings.Split(section, "\n") {
			if strings.HasPrefix(line, "| "+f.Name+" |") {
				row = line
			}
		}
		if row == "" {
			t.Errorf("README's vocabulary table has no row for %s", f.Name)
			continue
		}
		cells := strings.Split(row, "|")
		if !strings.Contains(cells[2], "`"+f.Field+"`") {
			t.Errorf("row %s names field %q, want %s", f.Name, cells[2], f.Field)
		}
		if v.Open {
			if !strings.Contains(cells[3], "any id") {
				t.Errorf("row %s: the default is open, the README says %q", f.Name, cells[3])
			}
			continue
		}
		var ids []string
		for _, id := range strings.Split(cells[3], ",") {
			ids = append(ids, strings.Trim(strings.TrimSpace(id), "`"))
		}
		if !slices.Equal(ids, v.IDs()) {
			t.Errorf("row %s: README's default ids %q, the code's %q", f.Name, ids, v.IDs())
		}
	}
}

// TestREADMEExamples: the example site passes check --strict, has one
// module of each built-in format, and the README shows each module file
// exactly as it is.
func TestREADMEExamples(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	if code, out, errOut := run("check", "--source", root, "--strict"); code != ExitOK {
		t.Fatalf("check --strict examples = %d\n%s%s", code, out, errOut)
	}
	all, _ := readme(t, "### Example modules, one per format")
	formats := map[string]bool{}
	fsys := os.DirFS(root)
	err := fs.WalkDir(fsys, "content", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") || d.Name() == content.IndexName {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc := content.Parse(strings.TrimPrefix(p, "content/"), b)
		formats[doc.Front.Format] = true
		block := "#### `" + doc.Front.Format + "`: `examples/" + p + "`\n\n````markdown\n" + string(b) + "````\n"
		if !strings.Contains(all, block) {
			t.Errorf("README does not show examples/%s as it is (under a heading naming its format %q)", p, doc.Front.Format)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range scaffoldFormats {
		if !formats[f] {
			t.Errorf("no example module of format %s", f)
		}
	}
}
