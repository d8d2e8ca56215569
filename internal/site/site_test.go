package site

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var today = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

// fixture loads a txtar site from testdata.
func fixture(t testing.TB, name string) fs.FS {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := txtar.FS(a)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// build builds fsys into memory and fails the test on errors.
func build(t testing.TB, fsys fs.FS, opts Options) (map[string][]byte, Stats) {
	t.Helper()
	if opts.Today.IsZero() {
		opts.Today = today
	}
	out := NewMemory()
	st, diags := New(fsys, opts).Build(out)
	if diags.Errors() > 0 {
		var lines []string
		for _, d := range diags {
			lines = append(lines, d.String())
		}
		t.Fatalf("build failed:\n%s", strings.Join(lines, "\n"))
	}
	return out.Snapshot(), st
}

var assetHash = regexp.MustCompile(`\.[0-9a-f]{8}\.(css|js)`)

// TestGolden compares pages of the fixture site with golden files. Asset
// hashes are blanked, so a stylesheet change does not churn the goldens.
func TestGolden(t *testing.T) {
	files, _ := build(t, fixture(t, "small.txtar"), Options{})
	checkGolden(t, files, "", []string{
		"symptoms/breathlessness/index.html",
		"symptoms/last-days/index.html",
		"topics/breathlessness/index.html",
		"catalogue/index.html",
		"symptoms/index.html",
		"index.html",
		"sitemap.xml",
		"feed.xml",
		"organizers/coverage/index.html",
		"organizers/reviews/index.html",
	})
}

// TestGoldenPaged builds the fixture with one card a page: section and
// term lists and the catalogue run over pages linked by previous and
// next, every pager link resolves, and the sitemap lists every page.
func TestGoldenPaged(t *testing.T) {
	fsys := toMapFS(mapFromFS(fixture(t, "small.txtar")))
	fsys["cmesite.yaml"] = &fstest.MapFile{Data: append(bytes.Clone(fsys["cmesite.yaml"].Data), "page_size: 1\n"...)}
	files, _ := build(t, fsys, Options{})
	checkGolden(t, files, "paged_", []string{
		"symptoms/index.html",
		"symptoms/page/2/index.html",
		"levels/basic/page/2/index.html",
		"catalogue/page/2/index.html",
		"sitemap.xml",
	})
	pager := regexp.MustCompile(`class="list-pager-(?:prev|next)" rel="(?:prev|next)" href="([^"]+)"`)
	pages := 0
	for name, data := range files {
		for _, m := range pager.FindAllSubmatch(data, -1) {
			target := path.Join(path.Dir(name), string(m[1]), "index.html")
			if _, ok := files[target]; !ok {
				t.Errorf("%s links to %s, which was not built", name, m[1])
			}
			pages++
		}
	}
	if pages == 0 {
		t.Error("no page links to other pages of its list")
	}
	// The catalogue is paged: one row a page, every module once, each
	// page linked from the one before and in the sitemap.
	seen := map[string]bool{}
	row := regexp.MustCompile(`<tr data-module="([^"]+)"`)
	for n := 1; ; n++ {
		url := pageURL("catalogue/", n)
		data, ok := files[fileOf(url)]
		if !ok {
			if n != 5 {
				t.Errorf("the catalogue of 4 modules has %d pages, want 4", n-1)
			}
			break
		}
		rows := row.FindAllSubmatch(data, -1)
		if len(rows) != 1 {
			t.Errorf("/%s has %d rows, want page_size 1", url, len(rows))
		}
		for _, r := range rows {
			if seen[string(r[1])] {
				t.Errorf("/%s lists %s again", url, r[1])
			}
			seen[string(r[1])] = true
		}
		if n > 1 && !bytes.Contains(files[fileOf(pageURL("catalogue/", n-1))], []byte(`rel="next" href="../`)) {
			t.Errorf("the page before /%s does not link to it", url)
		}
		if !bytes.Contains(files["sitemap.xml"], []byte("<loc>/"+url+"</loc>")) {
			t.Errorf("sitemap.xml does not list /%s", url)
		}
	}
	if len(seen) != 4 {
		t.Errorf("the catalogue's pages list %d modules, want 4", len(seen))
	}
}

func checkGolden(t *testing.T, files map[string][]byte, prefix string, names []string) {
	t.Helper()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got, ok := files[name]
			if !ok {
				t.Fatalf("%s was not built", name)
			}
			got = assetHash.ReplaceAll(got, []byte(".HASH.$1"))
			golden := filepath.Join("testdata", "golden", prefix+strings.ReplaceAll(name, "/", "_"))
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, golden, lineDiff(want, got))
			}
		})
	}
}

// lineDiff shows the first differing lines.
func lineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant: %s\n got: %s", i+1, wl, gl)
		}
	}
	return "(same lines)"
}

// TestPages checks what a reader of the fixture site would notice.
func TestPages(t *testing.T) {
	files, st := build(t, fixture(t, "small.txtar"), Options{})
	if st.Modules != 4 {
		t.Errorf("Modules = %d, want 4", st.Modules)
	}
	page := func(name string) string {
		t.Helper()
		b, ok := files[name]
		if !ok {
			t.Fatalf("missing %s", name)
		}
		return string(b)
	}
	tests := []struct {
		file string
		want []string
		not  []string
	}{
		{"symptoms/breathlessness/index.html", []string{
			`<h1>Breathlessness at home</h1>`,
			`data-root="../../"`,
			`href="../../cards/breathless-card/#red-flags"`, // .md link rewritten, relative
			`class="callout callout-key-points"`,
			`none declared`,               // empty disclosures, shown with credits
			`href="../../help/#contacts"`, // call the team, one tap away
			`Sample content for tests.`,   // site notice on every page
			`Needed for`, `href="../../symptoms/last-days/"`,
			`Start here`, // on a learning path
			`NICE guideline NG31`,
			`1 CME points`,
		}, nil},
		{"symptoms/last-days/index.html", []string{`overdue for review`, `Before this module`, `1 h 30 min`, `<div class="table-wrap" tabindex="0">`}, nil},
		{"talking/bad-news/index.html", []string{`callout-call-the-team`}, []string{"<script>alert"}},
		{"topics/breathlessness/index.html", []string{`href="../../symptoms/breathlessness/"`, `href="../../cards/breathless-card/"`}, []string{"@@ROOT@@"}},
		{"catalogue/index.html", []string{`data-level="basic"`, `data-topic="breathlessness"`, `href="../symptoms/breathlessness/"`}, nil},
		{"levels/basic/index.html", []string{"Breaking bad news"}, []string{"Last days of life</a>"}},
		{"formats/quick-reference/index.html", []string{"Breathlessness card"}, nil},
		{"audiences/district-nurse/index.html", []string{"Breathlessness at home"}, nil},
		{"paths/start-here/index.html", []string{"Breathlessness at home", "Breaking bad news"}, nil},
		{"help/index.html", []string{"Sample home-care team", `href="tel:&#43;00%20000"`, "Breathlessness card"}, nil},
		{"index.html", []string{`data-root="./"`, "Welcome to the <strong>test</strong> curriculum.", "In a difficult case now", "Start here"}, nil},
		{"404.html", []string{`href="/catalogue/"`}, nil},
		{"cards/diagram.png", []string{"PNG"}, nil},
		{"sitemap.xml", []string{"<loc>/symptoms/breathlessness/</loc>", "<lastmod>2026-01-10</lastmod>"}, nil},
		{"feed.xml", []string{"<title>Breathlessness at home</title>"}, nil},
		{"robots.txt", []string{"User-agent: *"}, nil},
	}
	for _, tt := range tests {
		got := page(tt.file)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s does not contain %q", tt.file, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("%s contains %q", tt.file, n)
			}
		}
	}
	for name := range files {
		if strings.Contains(name, "public") {
			t.Errorf("unexpected output path %s", name)
		}
	}
}

func TestBaseURL(t *testing.T) {
	files, _ := build(t, fixture(t, "small.txtar"), Options{BaseURL: "https://cme.example.org/pal"})
	for name, want := range map[string]string{
		"sitemap.xml":                        "<loc>https://cme.example.org/pal/symptoms/breathlessness/</loc>",
		"feed.xml":                           `href="https://cme.example.org/pal/feed.xml"`,
		"robots.txt":                         "Sitemap: https://cme.example.org/pal/sitemap.xml",
		"symptoms/breathlessness/index.html": `<link rel="canonical" href="https://cme.example.org/pal/symptoms/breathlessness/">`,
		"404.html":                           `href="https://cme.example.org/pal/catalogue/"`,
	} {
		if !strings.Contains(string(files[name]), want) {
			t.Errorf("%s does not contain %q", name, want)
		}
	}
	// Internal links stay relative even with a base URL.
	if !strings.Contains(string(files["symptoms/breathlessness/index.html"]), `href="../../catalogue/"`) {
		t.Error("internal links are not relative with a base URL")
	}
}

func TestDrafts(t *testing.T) {
	fsys := fixture(t, "small.txtar")
	draft := overlayFS{fsys, map[string]string{"content/talking/draft.md": "---\ntitle: Draft\nlevel: basic\ntopics: communication\naudience: gp\nsummary: s\ndraft: true\n---\nx\n"}}
	files, _ := build(t, draft, Options{})
	if _, ok := files["talking/draft/index.html"]; ok {
		t.Error("draft built without --drafts")
	}
	files, _ = build(t, draft, Options{Drafts: true})
	if _, ok := files["talking/draft/index.html"]; !ok {
		t.Error("draft not built with --drafts")
	}
}

// TestDeterministic: two builds of the same tree are byte-identical.
func TestDeterministic(t *testing.T) {
	a, _ := build(t, fixture(t, "small.txtar"), Options{})
	b, _ := build(t, fixture(t, "small.txtar"), Options{})
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

// TestStreamed: a streamed build (as cmesite build does it) writes the
// same files as a build kept in memory (as serve does it).
func TestStreamed(t *testing.T) {
	// A theme that shows each module's lead in its cards: a streamed
	// build keeps the leads for it (it drops them for a theme that cannot
	// read them).
	leads := overlayFS{fixture(t, "small.txtar"), map[string]string{
		"themes/default/templates/partials/card.html": `{{define "card"}}{{card .}}<p data-lead>{{.Module.Doc.Lead}}</p>{{end}}`,
	}}
	for _, fsys := range map[string]fs.FS{"fixture": fixture(t, "small.txtar"), "sample": os.DirFS("../.."), "leads": leads} {
		a, _ := build(t, fsys, Options{})
		b, _ := build(t, fsys, Options{Stream: true})
		if len(a) != len(b) {
			t.Fatalf("%d files in memory, %d streamed", len(a), len(b))
		}
		for name, data := range a {
			if !bytes.Equal(data, b[name]) {
				t.Errorf("%s differs when streamed:\n%s", name, lineDiff(data, b[name]))
			}
		}
	}
}

// overlayFS adds or replaces files of a base fs.FS (the value deleted
// removes a file).
type overlayFS struct {
	base  fs.FS
	files map[string]string
}

func (o overlayFS) Open(name string) (fs.File, error) {
	return o.mapFS().Open(name)
}

func (o overlayFS) mapFS() fs.FS {
	m := mapFromFS(o.base)
	for k, v := range o.files {
		if v == deleted {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return toMapFS(m)
}

func keys(m map[string][]byte) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

const deleted = "\x00deleted"

// TestUndatedModules: a module that gives no review dates shows none. Its
// page has no overdue notice (main.js would show one dated 0001-01-01,
// as if long overdue) and no review line, and no page or card shows the
// zero date.
func TestUndatedModules(t *testing.T) {
	files, _ := build(t, fixture(t, "small.txtar"), Options{})
	page := string(files["talking/bad-news/index.html"])
	if page == "" {
		t.Fatal("no page for talking/bad-news.md")
	}
	for _, s := range []string{"data-overdue-notice", `class="review"`} {
		if strings.Contains(page, s) {
			t.Errorf("talking/bad-news/index.html, which gives no review dates, has %s", s)
		}
	}
	if !strings.Contains(string(files["symptoms/breathlessness/index.html"]), "data-overdue-notice") {
		t.Error("symptoms/breathlessness/index.html, which gives review_by, has no overdue notice")
	}
	for name, data := range files {
		if bytes.Contains(data, []byte("0001-01-01")) {
			t.Errorf("%s shows the zero date 0001-01-01", name)
		}
	}
	// The feed of recently reviewed modules leaves it out, and is the
	// same whatever the day of the build.
	if feed := string(files["feed.xml"]); strings.Contains(feed, "bad-news") || !strings.Contains(feed, "symptoms/breathlessness/") {
		t.Errorf("feed.xml lists the undated talking/bad-news or not the reviewed symptoms/breathlessness:\n%s", feed)
	}
	later, _ := build(t, fixture(t, "small.txtar"), Options{Today: today.AddDate(0, 3, 0)})
	if !bytes.Equal(later["feed.xml"], files["feed.xml"]) {
		t.Errorf("feed.xml changes with the day of the build:\n%s\n%s", files["feed.xml"], later["feed.xml"])
	}
}

// TestReadInto: readInto gives a file's bytes whole, from disk (one read
// call when the size is as Stat said) and from any fs.FS, into a buffer
// reused from a larger or a smaller file.
func TestReadInto(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"empty.md": "",
		"one.md":   "x",
		"small.md": "---\ntitle: A\n---\nBody\n",
		"large.md": strings.Repeat("a line of the body\n", 5000),
	}
	mem := fstest.MapFS{}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		mem[name] = &fstest.MapFile{Data: []byte(data)}
	}
	var buf bytes.Buffer
	for _, fsys := range []fs.FS{os.DirFS(dir), mem} {
		for _, name := range []string{"large.md", "small.md", "empty.md", "one.md", "large.md", "small.md"} {
			got, err := readInto(fsys, name, &buf)
			if err != nil || string(got) != files[name] {
				t.Errorf("%T %s: got %d bytes (%v), want %d", fsys, name, len(got), err, len(files[name]))
			}
		}
		if _, err := readInto(fsys, "missing.md", &buf); err == nil {
			t.Errorf("%T: a missing file gave no error", fsys)
		}
	}
}

// A one-off build keeps part of its search index in a temporary file
// (search.Index.Spill) and leaves nothing behind, neither in the
// temporary folder nor open, whether it succeeds or fails.
func TestBuildLeavesNoTemporaryFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	openFiles := func() int {
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			return -1 // not Linux: only the folder is checked
		}
		return len(fds)
	}
	before := openFiles()
	build(t, fixture(t, "small.txtar"), Options{Stream: true})
	bad := overlayFS{fixture(t, "small.txtar"), map[string]string{
		// found once its body is rendered, after the spill began
		"content/x/bad.md": "---\ntitle: Bad\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n\nSee [gone](gone.md).\n",
	}}
	if _, diags := New(bad, Options{Today: today, Stream: true}).Build(NewMemory()); diags.Errors() == 0 {
		t.Fatal("a module with a broken link built without an error")
	}
	if after := openFiles(); after > before {
		t.Errorf("%d files open after two builds, %d before", after, before)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left in the temporary folder: %s", e.Name())
	}
}
