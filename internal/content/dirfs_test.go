package content

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// DirFS is a file system as os.DirFS is: it passes the standard checks,
// reads what is on disk, and gives os.DirFS's errors.
func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"cmesite.yaml":             "title: T\n",
		"content/_index.md":        "---\ntitle: Home\n---\n",
		"content/pain/opioids.md":  "---\ntitle: Opioids\n---\nBody.\n",
		"content/pain/empty.md":    "",
		"themes/t/templates/x.txt": "x",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys := DirFS(dir)
	if err := fstest.TestFS(fsys, "cmesite.yaml", "content/_index.md", "content/pain/opioids.md", "content/pain/empty.md", "themes/t/templates/x.txt"); err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		f, err := fsys.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(f)
		f.Close()
		if err != nil || string(got) != want {
			t.Errorf("%s: read %q, %v; want %q", name, got, err, want)
		}
	}
	for _, tc := range []struct {
		name string
		want error
	}{
		{"content/missing.md", fs.ErrNotExist},
		{"../outside", fs.ErrInvalid},
		{"/etc/passwd", fs.ErrInvalid},
		{"content/", fs.ErrInvalid},
	} {
		_, err := fsys.Open(tc.name)
		_, osErr := os.DirFS(dir).Open(tc.name)
		var pe *fs.PathError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Path != tc.name {
			t.Errorf("Open(%q) = %v, want a *fs.PathError for %q that is %v", tc.name, err, tc.name, tc.want)
		}
		if !errors.Is(osErr, tc.want) {
			t.Errorf("os.DirFS: Open(%q) = %v, want %v (the test's premise)", tc.name, osErr, tc.want)
		}
	}
	if _, err := DirFS("").Open("x"); err == nil {
		t.Error(`DirFS("").Open succeeded; os.DirFS("") refuses every name`)
	}
}
