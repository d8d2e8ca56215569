package cli

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/content"
)

// TestBuildSkipsJunk builds a site whose content and theme folders hold
// editors' and operating systems' files, as files and as folders, and checks
// that none of them is published while a real static file and a theme asset
// beside them are.
func TestBuildSkipsJunk(t *testing.T) {
	junk := []string{".DS_Store", "Thumbs.db", "THUMBS.DB", "desktop.ini", "Desktop.ini", "~$handout.docx",
		"notes.md~", "#notes.md#", ".#notes.md", "notes.md.swp", ".notes.md.swo", "x.swn", "x.swx", "x.tmp",
		"notes.md___jb_tmp___", "notes.md___jb_old___", "4913", "5036", ".goutputstream-ZK01QZ"}
	files := map[string]string{
		"cmesite.yaml":                       "theme: custom\n",
		"content/symptoms/breathlessness.md": module,
		"content/symptoms/chart.png":         "PNG",
		"themes/custom/assets/extra.css":     "body{}",
	}
	for _, name := range junk {
		if !content.Ignored(name) {
			t.Errorf("content.Ignored(%q) = false", name)
		}
		files["content/symptoms/"+name] = "JUNK " + name
		files["content/"+name+"/x.png"] = "JUNK " + name
		files["themes/custom/assets/"+name] = "JUNK " + name
	}
	root := writeSite(t, files)
	if code, out, errOut := run("build", "--source", root); code != ExitOK {
		t.Fatalf("build = %d\n%s%s", code, out, errOut)
	}
	public := filepath.Join(root, "public")
	var sawChart, sawCSS bool
	filepath.WalkDir(public, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		rel, _ := filepath.Rel(public, p)
		rel = filepath.ToSlash(rel)
		sawChart = sawChart || rel == "symptoms/chart.png"
		sawCSS = sawCSS || strings.HasPrefix(rel, "assets/extra.") && path.Ext(rel) == ".css"
		for elem := range strings.SplitSeq(rel, "/") {
			if slices.Contains(junk, elem) {
				t.Errorf("published %s", rel)
			}
		}
		if !d.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), "JUNK") {
				t.Errorf("published %s, with the bytes of a junk file", rel)
			}
		}
		return nil
	})
	if !sawChart || !sawCSS {
		t.Errorf("symptoms/chart.png published: %v; assets/extra.*.css published: %v", sawChart, sawCSS)
	}
}
