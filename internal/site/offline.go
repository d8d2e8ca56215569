package site

// The installable, offline site: the web app manifest, the offline page,
// the service worker (sw.js) and the list of everything it can save
// (offline/files.json). See "Offline and installable" in the README.
//
// What the worker caches, and when:
//
//   - On the first visit (its install): the theme's assets (the shell, the
//     icons among them), the home page, help/, search/, offline/, the
//     quick-reference cards help/ lists (every one, up to page_size:
//     firstCards), the manifest and the search index: whole when
//     its .json files come to at most 1 MB gzipped (wholeIndexGzip), else
//     only search/index.json, the other files being cached as searches use
//     them. That list (precache) is written into sw.js with each file's
//     hash, and the worker checks each file it fetches against it, so a
//     worker never caches a file of another build.
//   - Pages and files fetched later, as they are used.
//   - Everything in offline/files.json when the reader asks for it (help/,
//     "Save everything for offline"): every file of the site but the
//     sitemap, the feed, robots.txt, 404.html, the organizer pages, the
//     redirects of renamed modules and the search index's twins for a site
//     opened from disk (an entry's noSave).
//
// The cache version (VERSION in sw.js) is the sha256 of what the worker
// may cache: every file's name, size and sha256, the precache list,
// the content date and the worker's code. The same input gives the same
// bytes; any change to a page the worker may hold gives a new worker,
// which the browser finds on the reader's next visit. The new worker
// fills a cache of its own, copying the files whose hash did not change
// from the old one, and waits: pages offer to reload, and on reload every
// page and asset comes from the new cache, never a mix.
//
// The content date ("Content from <date>", shown offline) is the newest
// review date of the site's modules (the feed's date; the build day when
// no module has one), so that rebuilding the same content gives the same
// worker. It lives in sw.js only; pages ask the worker for it.
//
// sw.js and offline/files.json are made after every other file, from the
// size and sha256 of each (a one-off build records them as it writes each
// file; serve makes every file to answer a request for them, and answers a
// browser's request for a worker itself: see package devserver).

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cmesite/cmesite/internal/curriculum"
)

const (
	manifestFile = "manifest.webmanifest"
	workerFile   = "sw.js"
	offlineURL   = "offline/"
	savedList    = "offline/files.json"
	// themeColor and backgroundColor are the manifest's colours: the
	// default theme's --brand and --bg.
	themeColor      = "#0c5f6c"
	backgroundColor = "#ffffff"
)

// wholeIndexGzip is the largest search index, gzipped, that the worker
// caches whole on the first visit (a variable for tests).
var wholeIndexGzip = 1 << 20

// icons are the theme assets the manifest names: any theme may replace
// them with its own PNGs of the same names and sizes.
var icons = []struct{ asset, sizes, purpose string }{
	{"icon-192.png", "192x192", "any"},
	{"icon-512.png", "512x512", "any"},
	{"icon-maskable-512.png", "512x512", "maskable"},
}

// manifestEntry is the page table's entry of the web app manifest.
func manifestEntry() *entry {
	return &entry{name: "the web app manifest", reserve: []string{manifestFile}, pages: func(f *Files, add func(page)) {
		add(page{file: manifestFile, make: (*Files).webManifest})
	}}
}

// offlinePageEntry is the page table's entry of offline/.
func offlinePageEntry() *entry {
	return &entry{name: "the offline page", templates: []string{"offline"}, reserve: []string{"offline"}, pages: func(f *Files, add func(page)) {
		add(htmlPage(offlineURL, (*Files).offlinePage))
	}}
}

// workerEntry is the page table's entry of sw.js and offline/files.json,
// made after every other file.
func workerEntry() *entry {
	return &entry{name: "the service worker", reserve: []string{workerFile, "offline"}, noSave: true,
		finals: []string{workerFile, savedList}, final: (*Files).offlineFiles}
}

// webManifest is manifest.webmanifest. Its URLs are relative to itself,
// so the app's start and scope are the site's root, under a sub-path too.
func (f *Files) webManifest() ([]byte, error) {
	type icon struct {
		Src     string `json:"src"`
		Sizes   string `json:"sizes"`
		Type    string `json:"type"`
		Purpose string `json:"purpose"`
	}
	m := struct {
		Name        string `json:"name"`
		ShortName   string `json:"short_name"`
		Description string `json:"description,omitempty"`
		Lang        string `json:"lang"`
		StartURL    string `json:"start_url"`
		Scope       string `json:"scope"`
		Display     string `json:"display"`
		Background  string `json:"background_color"`
		Theme       string `json:"theme_color"`
		Icons       []icon `json:"icons"`
	}{Name: f.cfg.Title, ShortName: f.cfg.Title, Description: f.cfg.Description, Lang: f.cfg.Language,
		StartURL: "./", Scope: "./", Display: "standalone", Background: backgroundColor, Theme: themeColor, Icons: []icon{}}
	for _, ic := range icons {
		p, err := f.theme.Asset(ic.asset)
		if err != nil {
			continue // a theme without the icon: the browser draws one
		}
		m.Icons = append(m.Icons, icon{Src: p, Sizes: ic.sizes, Type: "image/png", Purpose: ic.purpose})
	}
	b, err := json.MarshalIndent(m, "", "  ")
	return append(b, '\n'), err
}

// offlinePage is offline/: what the worker shows for a page it does not
// hold when there is no connection. It lists what every visit saves (the
// home page, help, search and the quick-reference cards); its script adds
// what else this device holds.
func (f *Files) offlinePage() ([]byte, error) {
	d := f.base("offline", offlineURL, f.t("offline_title"), f.t("offline_intro"))
	d.QuickRefs = f.firstCards()
	return f.theme.Render("offline", d)
}

// firstCards are the quick-reference cards the first visit saves: the
// ones help/ lists, every card up to page_size. A curriculum has a few
// dozen; a site with thousands would have a phone fetch them all on its
// first visit (16,000 cards, about 250 MB, on the 100,000-module test
// corpus), so the rest are saved as they are read or by "Save
// everything for offline".
func (f *Files) firstCards() []*curriculum.Module {
	return f.quick[:min(len(f.quick), f.cfg.PageSize)]
}

// fileSum is what the worker's lists say of a file.
type fileSum struct {
	size int
	sha  [sha256.Size]byte
}

// fileSums records the size and sha256 of each file a build writes, and
// how large the search index is gzipped (up to just over wholeIndexGzip).
type fileSums struct {
	mu       sync.Mutex
	files    map[string]fileSum
	indexGz  int
	indexBig bool
}

func newFileSums() *fileSums { return &fileSums{files: map[string]fileSum{}} }

// add records one file.
func (s *fileSums) add(name string, data []byte) {
	sum := fileSum{size: len(data), sha: sha256.Sum256(data)}
	gz := 0
	index := indexFile(name)
	s.mu.Lock()
	big := s.indexBig
	s.mu.Unlock()
	if index && !big {
		gz = gzipSize(data)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = sum
	if index && !s.indexBig {
		s.indexGz += gz
		s.indexBig = s.indexGz > wholeIndexGzip
	}
}

// indexFile reports whether name is a file of the search index (not its
// twin for a site opened from disk).
func indexFile(name string) bool {
	return strings.HasPrefix(name, "search/") && path.Ext(name) == ".json"
}

// gzipSize is the size of data gzipped. Its writers are reused: each
// holds about 800 KB of tables, and the index has hundreds of files.
func gzipSize(data []byte) int {
	var n countWriter
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&n)
	zw.Write(data)
	zw.Close()
	gzipWriters.Put(zw)
	return int(n)
}

var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// sums returns the record of every file but the final ones, made from
// every file when serve is first asked for a final one (a one-off build
// records each file as it writes it: Files.rec).
func (f *Files) sums() (*fileSums, error) {
	f.sumsOnce.Do(func() {
		rec := newFileSums()
		for _, name := range f.Names() {
			if f.isFinal(name) {
				continue
			}
			data, err := f.get(name)
			if err != nil {
				f.sumsErr = err
				return
			}
			rec.add(name, data)
		}
		f.sumsRec = rec
	})
	return f.sumsRec, f.sumsErr
}

// isFinal reports whether name is made after every other file.
func (f *Files) isFinal(name string) bool {
	for _, e := range f.b.table {
		if slices.Contains(e.finals, name) {
			return true
		}
	}
	return false
}

// final makes the final file name, if it is one.
func (f *Files) final(name string) ([]byte, bool, error) {
	for _, e := range f.b.table {
		if !slices.Contains(e.finals, name) {
			continue
		}
		rec, err := f.sums()
		if err != nil {
			return nil, true, err
		}
		files, err := e.final(f, rec)
		if err != nil {
			return nil, true, err
		}
		return files[name], true, nil
	}
	return nil, false, nil
}

// saveURL is the URL the worker keeps a file at: a page's folder URL
// ("help/", "" for the home page), else its path.
func saveURL(name string) string {
	if name == "index.html" {
		return ""
	}
	if u, ok := strings.CutSuffix(name, "/index.html"); ok {
		return u + "/"
	}
	return name
}

// saves reports whether the worker may cache the file name.
func (f *Files) saves(name string) bool {
	if i, ok := f.byFile[name]; ok {
		return !f.pages[i].entry.noSave
	}
	return indexFile(name)
}

// offlineFiles makes sw.js and offline/files.json.
func (f *Files) offlineFiles(rec *fileSums) (map[string][]byte, error) {
	rec.mu.Lock()
	names := make([]string, 0, len(rec.files))
	for name := range rec.files {
		if f.saves(name) {
			names = append(names, name)
		}
	}
	sums := rec.files
	big := rec.indexBig
	rec.mu.Unlock()
	// The version covers every file, saved or not: the worker keeps any
	// page it fetched (an organizer page, a redirect), and a change to
	// one must give a new worker, whose cache starts without it. Its
	// lines are hashed on a goroutine of their own, while the list is
	// made.
	version := sha256.New()
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		all := make([]string, 0, len(sums))
		for name := range sums {
			all = append(all, name)
		}
		slices.Sort(all)
		// Each line "<name>\x00<size>\x00<sha256 in hex>\n", appended
		// rather than printed: a large site has hundreds of thousands.
		var line []byte
		for _, name := range all {
			s := sums[name]
			line = append(append(line[:0], name...), 0)
			line = append(strconv.AppendInt(line, int64(s.size), 10), 0)
			line = append(hex.AppendEncode(line, s.sha[:]), '\n')
			version.Write(line)
		}
	}()
	// By URL: "" (the home page) first. Each URL is made once, not at
	// each comparison: a large site has hundreds of thousands of files.
	type saved struct{ url, name string }
	byURL := make([]saved, len(names))
	for i, name := range names {
		byURL[i] = saved{saveURL(name), name}
	}
	slices.SortFunc(byURL, func(a, b saved) int { return strings.Compare(a.url, b.url) })
	// Each file [url,size,"<first 16 hex digits of its sha256>"].
	list := []byte("{\"files\":[")
	total := 0
	for i, sv := range byURL {
		s := sums[sv.name]
		if i > 0 {
			list = append(list, ",\n"...)
		}
		list = append(appendJSON(append(list, '['), sv.url), ',')
		list = append(strconv.AppendInt(list, int64(s.size), 10), ",\""...)
		list = append(hex.AppendEncode(list, s.sha[:8]), "\"]"...)
		total += s.size
	}
	list = append(list, "]}\n"...)

	// What the first visit caches.
	short := func(s fileSum) string { return hex.EncodeToString(s.sha[:8]) }
	want := []string{"index.html", "help/index.html", "search/index.html", fileOf(offlineURL), manifestFile}
	for _, a := range f.theme.Assets {
		want = append(want, a.Path)
	}
	for _, m := range f.firstCards() {
		want = append(want, fileOf(m.URL))
	}
	for _, sv := range byURL {
		if indexFile(sv.name) && (!big || sv.name == "search/index.json") {
			want = append(want, sv.name)
		}
	}
	var pre strings.Builder
	seen := map[string]bool{}
	for _, name := range want {
		s, ok := sums[name]
		if !ok || seen[name] || !f.saves(name) {
			continue // a theme without the page, or a page left out
		}
		seen[name] = true
		if pre.Len() > 0 {
			pre.WriteString(",\n")
		}
		fmt.Fprintf(&pre, "  [%s, %q]", jsonString(saveURL(name)), short(s))
	}

	date := f.contentDate()
	text := map[string]string{}
	for _, k := range []string{"offline_banner", "offline_update", "offline_update_reload"} {
		text[k] = f.t(k)
	}
	textJSON, _ := json.Marshal(text)
	<-hashed
	fmt.Fprintf(version, "%s\x00%s\x00%s\x00", pre.String(), date, textJSON)
	version.Write(f.theme.Worker)

	var sw bytes.Buffer
	fmt.Fprintf(&sw, `// The service worker of %s, written by cmesite build. The constants are
// this build's; the code after them is the theme's worker.js.
"use strict";
// VERSION: the sha256 of everything this worker may cache.
const VERSION = %q;
// DATE: the content date pages show offline.
const DATE = %q;
// PRECACHE: what the first visit saves, [url, first 16 hex digits of its sha256].
const PRECACHE = [
%s
];
// SAVE: how much "Save everything for offline" stores (offline/files.json).
const SAVE = {files: %d, bytes: %d};
// TEXT: the theme's strings for pages' offline notices.
const TEXT = %s;
`, jsComment(f.cfg.Title), hex.EncodeToString(version.Sum(nil)), date, pre.String(), len(names), total, textJSON)
	sw.Write(f.theme.Worker) // the built-in theme's, unless a site's theme has its own
	return map[string][]byte{workerFile: sw.Bytes(), savedList: list}, nil
}

// contentDate is the date pages show offline: the newest review of a
// module, or the build day when none has one.
func (f *Files) contentDate() string {
	var newest time.Time
	for _, m := range f.c.Modules {
		if m.Front.Reviewed.After(newest) {
			newest = m.Front.Reviewed
		}
	}
	if newest.IsZero() {
		newest = f.today
	}
	return newest.UTC().Format(time.DateOnly)
}

// jsonString is s as a JSON string (which is also a JavaScript one).
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsComment is s made safe for a line comment.
func jsComment(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "\u2028", " ", "\u2029", " ").Replace(s)
}
