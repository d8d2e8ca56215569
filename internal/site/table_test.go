package site

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// TestNewPageKind adds a kind of page the way the next features will: one
// entry in the page table and one template. Without any other change the
// page is rendered by a build and in serve, listed in sitemap.xml, its
// name is reserved, and serve shows it anew after a save.
func TestNewPageKind(t *testing.T) {
	digest := &entry{name: "the digest", templates: []string{"digest"}, reserve: []string{"digest"}, sitemap: true,
		pages: func(f *Files, add func(page)) {
			add(htmlPage("digest/", func(f *Files) ([]byte, error) {
				return f.theme.Render("digest", f.base("digest", "digest/", "Digest", ""))
			}))
		}}
	site := func() fstest.MapFS {
		fsys := toMapFS(mapFromFS(fixture(t, "small.txtar")))
		fsys["cmesite.yaml"] = &fstest.MapFile{Data: append(bytes.Clone(fsys["cmesite.yaml"].Data), "theme: custom\n"...)}
		fsys["themes/custom/templates/digest.html"] = &fstest.MapFile{Data: []byte(
			`{{define "main"}}<h1>{{.Title}}</h1><ul>{{range .Site.Modules}}<li data-digest>{{.Front.Title}}</li>{{end}}</ul>{{end}}`)}
		return fsys
	}
	withDigest := func(fsys fstest.MapFS, opts Options) *Builder {
		b := New(fsys, opts)
		b.table = append(b.table, digest)
		return b
	}

	// A build writes it, and lists it in the sitemap.
	fsys := site()
	out := NewMemory()
	if _, diags := withDigest(fsys, Options{Today: today}).Build(out); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	files := out.Snapshot()
	page := string(files["digest/index.html"])
	if !strings.Contains(page, "<li data-digest>Breathlessness") || !strings.Contains(page, "<title>Digest") {
		t.Errorf("digest/index.html is not the digest:\n%s", page)
	}
	if !strings.Contains(string(files["sitemap.xml"]), "<loc>/digest/</loc>") {
		t.Errorf("sitemap.xml does not list the digest:\n%s", files["sitemap.xml"])
	}

	// Serve makes it on demand, and anew after a save.
	b := withDigest(fsys, Options{Today: today})
	if _, diags := b.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	if got, _ := b.Files().Get("digest/index.html"); string(got) != page {
		t.Errorf("serve's digest differs from the build's:\n%s", lineDiff([]byte(page), got))
	}
	p := "content/symptoms/breathlessness.md"
	fsys[p] = &fstest.MapFile{Data: bytes.Replace(fsys[p].Data, []byte("title: "), []byte("title: Renamed "), 1)}
	if _, diags := b.Update([]string{p}); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	if got, _ := b.Files().Get("digest/index.html"); !bytes.Contains(got, []byte("<li data-digest>Renamed Breathlessness")) {
		t.Errorf("after a retitle, serve's digest is stale:\n%s", got)
	}

	// Its name is taken.
	fsys = site()
	fsys["content/digest/a.md"] = &fstest.MapFile{Data: []byte("---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n")}
	_, diags := withDigest(fsys, Options{Today: today}).Build(NewMemory())
	if want := `content/digest: the folder name "digest" is taken by pages cmesite generates`; !strings.Contains(fmt.Sprint(diags), want) {
		t.Errorf("diagnostics do not say %q:\n%s", want, diags)
	}
}

// TestConflicts: content that takes the URL of a page cmesite makes is
// an error at the content's file.
func TestConflicts(t *testing.T) {
	module := "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a static file named like the sitemap", map[string]string{"content/sitemap.xml": "<x/>"},
			`content/sitemap.xml: the URL /sitemap.xml is taken by the sitemap`},
		{"a static index.html where a section's page goes", map[string]string{"content/symptoms/index.html": "<p>x</p>"},
			`content/symptoms/index.html: the file /symptoms/index.html is also the page of content/symptoms/_index.md`},
		{"a module named like a reserved folder", map[string]string{"content/help.md": module},
			`content/help.md: the file name "help" is taken by pages cmesite generates`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := New(overlayFS{fixture(t, "small.txtar"), tt.files}, Options{Today: today}).Build(NewMemory())
			if !strings.Contains(fmt.Sprint(diags), tt.want) {
				t.Errorf("diagnostics do not say %q:\n%s", tt.want, diags)
			}
		})
	}
}
