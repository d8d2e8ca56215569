package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/png"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// workerConsts reads the constants the build wrote into sw.js.
type workerConsts struct {
	version, date string
	precache      map[string]string // url -> hash
	order         []string
	files, bytes  int
}

func readWorker(t *testing.T, sw []byte) workerConsts {
	t.Helper()
	s := string(sw)
	var c workerConsts
	if m := regexp.MustCompile(`const VERSION = "([0-9a-f]{64})";`).FindStringSubmatch(s); m != nil {
		c.version = m[1]
	}
	if m := regexp.MustCompile(`const DATE = "(\d{4}-\d\d-\d\d)";`).FindStringSubmatch(s); m != nil {
		c.date = m[1]
	}
	m := regexp.MustCompile(`(?s)const PRECACHE = (\[.*?\n\]);`).FindStringSubmatch(s)
	if c.version == "" || c.date == "" || m == nil {
		t.Fatalf("sw.js lacks VERSION, DATE or PRECACHE:\n%.1500s", s)
	}
	var pre [][2]string
	if err := json.Unmarshal([]byte(m[1]), &pre); err != nil {
		t.Fatalf("PRECACHE is not a list of [url, hash]: %v", err)
	}
	c.precache = map[string]string{}
	for _, p := range pre {
		c.precache[p[0]] = p[1]
		c.order = append(c.order, p[0])
	}
	if m := regexp.MustCompile(`const SAVE = \{files: (\d+), bytes: (\d+)\};`).FindStringSubmatch(s); m != nil {
		json.Unmarshal([]byte(m[1]), &c.files)
		json.Unmarshal([]byte(m[2]), &c.bytes)
	}
	return c
}

// fileOfURL is the output file of a URL the worker keeps.
func fileOfURL(u string) string {
	if u == "" || strings.HasSuffix(u, "/") {
		return u + "index.html"
	}
	return u
}

func shortSum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:8])
}

// TestOfflineFiles: the build writes the manifest, its icons, sw.js and
// the list of what can be saved; the worker caches the shell, home, help/,
// search, offline/, every card and the whole (small) index on the first
// visit, each file named with its true hash; saving everything covers
// every page a reader can open but not the sitemap, the feed, 404.html,
// the organizer pages or the index's twins for a site opened from disk;
// the same input gives the same bytes, and serve gives the same files.
func TestOfflineFiles(t *testing.T) {
	fsys := fixture(t, "small.txtar")
	files, _ := build(t, fsys, Options{Stream: true})

	// The manifest: relative URLs (the site may live under a sub-path),
	// and the theme's icons at their sizes.
	var man struct {
		Name     string `json:"name"`
		StartURL string `json:"start_url"`
		Scope    string `json:"scope"`
		Display  string `json:"display"`
		Icons    []struct{ Src, Sizes, Type, Purpose string }
	}
	raw := files["manifest.webmanifest"]
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatalf("manifest.webmanifest: %v\n%s", err, raw)
	}
	if man.Name != "Test curriculum" || man.StartURL != "./" || man.Scope != "./" || man.Display != "standalone" {
		t.Errorf("manifest: name %q, start_url %q, scope %q, display %q; want the site's title, ./, ./, standalone", man.Name, man.StartURL, man.Scope, man.Display)
	}
	var purposes []string
	for _, ic := range man.Icons {
		img, err := png.DecodeConfig(bytes.NewReader(files[ic.Src]))
		if err != nil {
			t.Errorf("icon %s is not a PNG of the site: %v", ic.Src, err)
			continue
		}
		if got := fmt.Sprintf("%dx%d", img.Width, img.Height); got != ic.Sizes || ic.Type != "image/png" {
			t.Errorf("icon %s is %s, %s; the manifest says %s, %s", ic.Src, got, "image/png", ic.Sizes, ic.Type)
		}
		purposes = append(purposes, ic.Sizes+" "+ic.Purpose)
	}
	if want := []string{"192x192 any", "512x512 any", "512x512 maskable"}; !slices.Equal(purposes, want) {
		t.Errorf("manifest icons %v; want %v", purposes, want)
	}
	page := string(files["symptoms/breathlessness/index.html"])
	for _, want := range []string{`<link rel="manifest" href="../../manifest.webmanifest">`, `src="../../assets/offline.`} {
		if !strings.Contains(page, want) {
			t.Errorf("a module page lacks %s", want)
		}
	}

	sw := readWorker(t, files["sw.js"])
	if sw.date != "2026-01-10" {
		t.Errorf("the content date is %s; want the newest review, 2026-01-10", sw.date)
	}
	for _, u := range []string{"", "help/", "search/", "offline/", "manifest.webmanifest", "cards/breathless-card/", "search/index.json"} {
		if _, ok := sw.precache[u]; !ok {
			t.Errorf("the first visit does not cache %q (PRECACHE %v)", u, sw.order)
		}
	}
	for name := range files {
		if strings.HasPrefix(name, "assets/") {
			if _, ok := sw.precache[name]; !ok {
				t.Errorf("the first visit does not cache the theme asset %s", name)
			}
		}
		if indexFile(name) {
			if _, ok := sw.precache[name]; !ok {
				t.Errorf("the first visit does not cache %s of a small index", name)
			}
		}
	}
	for _, u := range []string{"symptoms/breathlessness/", "catalogue/"} {
		if _, ok := sw.precache[u]; ok {
			t.Errorf("the first visit caches %s, which is neither a card nor the shell", u)
		}
	}
	for u, h := range sw.precache {
		if data, ok := files[fileOfURL(u)]; !ok || shortSum(data) != h {
			t.Errorf("PRECACHE %q: hash %s, the file's %s (exists: %v)", u, h, shortSum(data), ok)
		}
	}

	// Everything a reader can open, with true sizes and hashes.
	var list struct{ Files [][3]any }
	if err := json.Unmarshal(files["offline/files.json"], &list); err != nil {
		t.Fatalf("offline/files.json: %v", err)
	}
	listed := map[string]bool{}
	total := 0
	for _, f := range list.Files {
		u, size, h := f[0].(string), int(f[1].(float64)), f[2].(string)
		data, ok := files[fileOfURL(u)]
		if !ok || len(data) != size || shortSum(data) != h {
			t.Errorf("files.json lists %q with %d bytes, hash %s; the file has %d, %s", u, size, h, len(data), shortSum(data))
		}
		listed[fileOfURL(u)] = true
		total += size
	}
	if sw.files != len(list.Files) || sw.bytes != total {
		t.Errorf("sw.js says saving everything stores %d files, %d bytes; files.json lists %d, %d", sw.files, sw.bytes, len(list.Files), total)
	}
	for name := range files {
		never := name == "sitemap.xml" || name == "feed.xml" || name == "robots.txt" || name == "404.html" || name == ".nojekyll" ||
			name == "sw.js" || name == "offline/files.json" || strings.HasPrefix(name, "organizers/") ||
			(strings.HasPrefix(name, "search/") && strings.HasSuffix(name, ".js"))
		if listed[name] == never {
			t.Errorf("%s: listed for saving %v", name, listed[name])
		}
	}

	// The same input, the same bytes; a change to any page, a new version.
	again, _ := build(t, fsys, Options{})
	for _, name := range []string{"sw.js", "offline/files.json", "manifest.webmanifest"} {
		if !bytes.Equal(files[name], again[name]) {
			t.Errorf("%s differs between two builds of the same site", name)
		}
	}
	changed := toMapFS(mapFromFS(fsys))
	changed["content/talking/bad-news.md"] = &fstest.MapFile{Data: []byte(strings.Replace(string(changed["content/talking/bad-news.md"].Data), "\n---\n", "\n---\nA new first line.\n\n", 1))}
	after, _ := build(t, changed, Options{Stream: true})
	if v := readWorker(t, after["sw.js"]).version; v == sw.version {
		t.Errorf("a module's new body keeps the worker's version %s", v)
	}

	// serve makes the same worker and list.
	b := New(fsys, Options{Today: today})
	if _, diags := b.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	for _, name := range []string{"sw.js", "offline/files.json"} {
		got, err := b.Files().Get(name)
		if err != nil || !bytes.Equal(got, files[name]) {
			t.Errorf("serve's %s differs from the build's (%v)", name, err)
		}
	}
}

// TestOfflineLargeIndex: an index over the size the worker caches whole
// is cached file by file as searches use it: the first visit caches only
// its manifest.
func TestOfflineLargeIndex(t *testing.T) {
	defer func(n int) { wholeIndexGzip = n }(wholeIndexGzip)
	wholeIndexGzip = 100
	files, _ := build(t, fixture(t, "small.txtar"), Options{Stream: true})
	sw := readWorker(t, files["sw.js"])
	for name := range files {
		_, cached := sw.precache[name]
		if indexFile(name) && cached != (name == "search/index.json") {
			t.Errorf("%s cached on the first visit: %v", name, cached)
		}
	}
}
