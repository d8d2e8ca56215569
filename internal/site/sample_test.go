package site

import (
	"html"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

var (
	linkRE = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)
	idRE   = regexp.MustCompile(`\sid="([^"]*)"`)
)

// TestSampleCurriculum builds the real content/ and crawls it as a reader
// would: every internal link and anchor must resolve, every page must say
// it is sample content, and the curriculum must cover what it promises.
func TestSampleCurriculum(t *testing.T) {
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	files, st := build(t, os.DirFS("../.."), Options{})
	if st.Modules < 30 {
		t.Errorf("the sample curriculum has %d modules, want at least 30", st.Modules)
	}
	for _, p := range []string{"levels/basic/index.html", "levels/specialist/index.html",
		"formats/e-learning/index.html", "formats/small-group/index.html", "formats/peer-review/index.html",
		"formats/clinical-attachment/index.html", "formats/quick-reference/index.html", "paths/index.html"} {
		if _, ok := files[p]; !ok {
			t.Errorf("sample site has no %s", p)
		}
	}
	ids := map[string]map[string]bool{}
	for name, data := range files {
		if strings.HasSuffix(name, ".html") {
			m := map[string]bool{}
			for _, sub := range idRE.FindAllSubmatch(data, -1) {
				m[html.UnescapeString(string(sub[1]))] = true
			}
			ids[name] = m
		}
	}
	checked := 0
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") || name == "404.html" {
			continue
		}
		page := string(data)
		if !strings.Contains(page, "Sample content") {
			t.Errorf("%s does not say it is sample content", name)
		}
		for _, bad := range []string{"&amp;amp;", "&amp;lt;", "&amp;#", "@@ROOT@@", "<script>alert"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s contains %q (double escaping or a leak)", name, bad)
			}
		}
		for _, sub := range linkRE.FindAllStringSubmatch(page, -1) {
			raw := html.UnescapeString(sub[1])
			u, err := url.Parse(raw)
			if err != nil {
				t.Errorf("%s: bad URL %q", name, raw)
				continue
			}
			if u.Scheme != "" || strings.HasPrefix(raw, "//") {
				continue // external: https:, mailto:, tel:
			}
			if strings.HasPrefix(u.Path, "/") {
				t.Errorf("%s: link %q is not relative", name, raw)
				continue
			}
			target := name
			if u.Path != "" {
				target = path.Join(path.Dir(name), u.Path)
				if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == ".." {
					target = path.Join(target, "index.html")
				}
			}
			if _, ok := files[target]; !ok {
				t.Errorf("%s: link %q points to %s, which was not built", name, raw, target)
				continue
			}
			if u.Fragment != "" && strings.HasSuffix(target, ".html") && !ids[target][u.Fragment] {
				t.Errorf("%s: link %q: %s has no id %q", name, raw, target, u.Fragment)
			}
			checked++
		}
	}
	t.Logf("%d modules, %d files, %d internal links checked", st.Modules, len(files), checked)
}
