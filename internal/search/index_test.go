package search

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden pins the index format: the files of the fixture site, one
// golden file per index file. Run with -update after a deliberate change.
func TestGolden(t *testing.T) {
	files := fixtureIndex().Files()
	dir := filepath.Join("testdata", "golden")
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var want []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			want = append(want, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for name := range files {
		got = append(got, name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("files %q, golden %q (run go test -update)", got, want)
	}
	for _, name := range got {
		w, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files[name], w) {
			t.Errorf("%s differs from its golden file (run go test -update if the change is intended):\n%s", name, lineDiff(string(w), string(files[name])))
		}
	}
}

// lineDiff shows the first differing line of two texts.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n- %.300s\n+ %.300s", i+1, w, g)
		}
	}
	return ""
}

func equalFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d", what, len(got), len(want))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s missing", what, name)
		} else if !bytes.Equal(g, w) {
			t.Errorf("%s: %s differs:\n%s", what, name, lineDiff(string(w), string(g)))
		}
	}
}

// TestDeterministic: the same doc set gives the same bytes whatever the
// order of Set calls, and whatever Set/Delete history led to it.
func TestDeterministic(t *testing.T) {
	t.Run("default", func(t *testing.T) { testDeterministic(t, false) })
	t.Run("facet parts", func(t *testing.T) {
		defer func(c, f, l, m int) { chunkBytes, facetGroup, listFacetDocs, mergeMin = c, f, l, m }(chunkBytes, facetGroup, listFacetDocs, mergeMin)
		chunkBytes, facetGroup, listFacetDocs, mergeMin = 2000, 100, 10, 50
		testDeterministic(t, true)
	})
}

func testDeterministic(t *testing.T, parts bool) {
	docs, _ := corpusDocs(t, 1200) // above smallIndex: posting files, merged lists, meta files
	fresh := func(ds []Doc) map[string][]byte {
		x := NewIndex(fixtureOptions)
		for _, d := range ds {
			x.Set(d)
		}
		return x.Files()
	}
	want := fresh(docs)
	rng := rand.New(rand.NewPCG(1, 2))
	shuffled := slices.Clone(docs)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	equalFiles(t, "shuffled", fresh(shuffled), want)

	// Add from several goroutines (as the site builder does while it
	// renders pages) gives the same bytes as Set.
	added := NewIndex(fixtureOptions)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(shuffled); i += 4 {
				added.Add(shuffled[i])
			}
		})
	}
	wg.Wait()
	equalFiles(t, "added concurrently", added.Files(), want)

	// Final (a one-off build's, which drops the analysis as it encodes)
	// gives the same bytes.
	once := NewIndex(fixtureOptions)
	for _, d := range shuffled {
		once.Add(d)
	}
	final := map[string][]byte{}
	once.FinalTo(func(name string, data []byte) {
		if _, dup := final[name]; dup {
			t.Errorf("FinalTo gave %s twice", name)
		}
		final[name] = data
	})
	equalFiles(t, "final", final, want)

	// Spilled (a one-off build's: each doc's terms and meta entry wait
	// in a temporary file), added concurrently, half before Spill and
	// half after: the same bytes again, and the file is closed.
	spilled := NewIndex(fixtureOptions)
	half := len(shuffled) / 2
	for _, d := range shuffled[:half] {
		spilled.Add(d)
	}
	spilled.Spill()
	if spilled.spill == nil {
		t.Fatal("Spill made no temporary file")
	}
	for w := range 4 {
		wg.Go(func() {
			for i := half + w; i < len(shuffled); i += 4 {
				spilled.Add(shuffled[i])
			}
		})
	}
	wg.Wait()
	if n := spilled.spill.off; n == 0 {
		t.Fatal("nothing was written to the temporary file")
	}
	final = map[string][]byte{}
	spilled.FinalTo(func(name string, data []byte) { final[name] = data })
	if err := spilled.Err(); err != nil {
		t.Fatal(err)
	}
	equalFiles(t, "spilled", final, want)
	if spilled.spill.f != nil {
		t.Error("FinalTo left the temporary file open")
	}

	// A temporary file that cannot be read back is reported by Err.
	broken := NewIndex(fixtureOptions)
	broken.Spill()
	for _, d := range shuffled[:10] {
		broken.Add(d)
	}
	broken.spill.f.Close()
	broken.FinalTo(func(string, []byte) {})
	if err := broken.Err(); err == nil || !strings.Contains(err.Error(), "temporary file") {
		t.Errorf("a spill that cannot be read: Err() = %v, want an error about the temporary file", err)
	}
	added.Add(Doc{URL: "zz/late/", Title: "Late", Sections: []Section{{Text: "late words"}}})
	added.Delete("zz/late/")
	equalFiles(t, "added and deleted", added.Files(), want)

	// Incremental: start from a different set, then edit, add and delete
	// until the set is the same.
	x := NewIndex(fixtureOptions)
	for _, d := range shuffled[:900] {
		x.Set(d)
	}
	x.Set(Doc{URL: "zz/temporary/", Title: "Temporary", Sections: []Section{{Text: "gone soon"}}})
	x.Files()
	for i := range 50 { // edits of indexed docs, ids kept
		d := shuffled[i]
		d.Title += " (draft)"
		d.Sections = append(slices.Clone(d.Sections), Section{Anchor: "extra", Heading: "Extra words", Text: "quetiapine zopiclone"})
		x.Set(d)
	}
	x.Files()
	for i := range 50 { // and back
		x.Set(shuffled[i])
	}
	x.Files()
	for _, d := range shuffled[900:] {
		x.Set(d)
	}
	x.Delete("zz/temporary/")
	equalFiles(t, "incremental", x.Files(), want)

	// Edits that change only a doc's facets, or only its title (its rank),
	// with no doc added or removed: each state as a fresh index of it.
	for i, edit := range []func(d *Doc){
		func(d *Doc) { d.Topics = append(slices.Clone(d.Topics), "zz-new-topic") },
		func(d *Doc) { d.Level, d.Audiences = "zz-level", nil },
		func(d *Doc) { d.Title = "Aaa " + d.Title },
		func(d *Doc) { d.Format = "zz-format"; d.Title += " (edited)" },
		// Ids kept: facets among the values in use, a title that keeps
		// its place.
		func(d *Doc) { d.Format = quickReference; d.Topics = []string{docs[3].Topics[0]}; d.Audiences = nil },
		func(d *Doc) {
			d.Format = "e-learning"
			d.Audiences = append(slices.Clone(docs[5].Audiences), docs[6].Audiences...)
		},
		func(d *Doc) { d.Title += "." },
	} {
		k := 11 * (i + 1)
		d := docs[k]
		edit(&d)
		x.Set(d)
		edited := slices.Clone(docs)
		edited[k] = d
		equalFiles(t, fmt.Sprint("edit ", i), x.Files(), fresh(edited))
		x.Set(docs[k])
		equalFiles(t, fmt.Sprint("edit ", i, " undone"), x.Files(), want)
	}

	// A content-only edit keeps ids: unchanged files are the same slices.
	before := x.Files()
	d := docs[7]
	d.Sections = append(slices.Clone(d.Sections), Section{Text: "an extra sentence about hypodermoclysis"})
	x.Set(d)
	after := x.Files()
	var changed []string
	for name, b := range after {
		if len(before[name]) > 0 && &before[name][0] == &b[0] {
			continue
		}
		changed = append(changed, name)
	}
	// The new sentence has four new words in four shards (keyLen 1): the
	// dictionary and one posting file of each, and the manifest; the
	// doc's meta entry and its facets do not change.
	if !parts && len(changed) != 9 {
		t.Errorf("a one-doc edit re-encoded %d of %d files, want 9: %q", len(changed), len(after), changed)
	}
	x.Set(docs[7])
	equalFiles(t, "edited back", x.Files(), want)

	// Files with nothing pending returns the same slices.
	again := x.Files()
	for name, b := range again {
		if b2 := x.Files()[name]; &b2[0] != &b[0] {
			t.Errorf("%s re-encoded with nothing changed", name)
		}
	}
}

// TestEditCrossesThreshold: an edit that grows the index past a layout
// threshold lays it out anew exactly as a fresh build would, and back.
func TestEditCrossesThreshold(t *testing.T) {
	defer func(s, d, m int) { smallIndex, dictTerms, mergeMin = s, d, m }(smallIndex, dictTerms, mergeMin)
	x := fixtureIndex()
	x.Files()
	smallIndex, dictTerms, mergeMin = x.postings, 10, 1
	grown := fixtureDocs[0]
	grown.Sections = append(slices.Clone(grown.Sections), Section{Text: "hypodermoclysis glycopyrronium"})
	for _, tt := range []struct {
		doc    Doc
		keyLen int
	}{{grown, 2}, {fixtureDocs[0], 0}} {
		x.Set(tt.doc)
		got := x.Files()
		if x.lay.keyLen != tt.keyLen {
			t.Errorf("keyLen %d, want %d", x.lay.keyLen, tt.keyLen)
		}
		fresh := fixtureIndex()
		fresh.Set(tt.doc)
		equalFiles(t, fmt.Sprintf("keyLen %d", tt.keyLen), got, fresh.Files())
	}
}

// TestEmptyAndTinyIndex: no docs, and a doc without text.
func TestEmptyAndTinyIndex(t *testing.T) {
	x := NewIndex(Options{})
	files := x.Files()
	s, err := NewSearcher(memLoader(files))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Search("anything", nil, 10); err != nil || len(res.Hits) != 0 {
		t.Errorf("empty index: %v, %v", res, err)
	}
	x.Set(Doc{URL: "a/"})
	x.Set(Doc{URL: "b/", Title: "Ünïcode \u2028 \"quoted\" <b>", Summary: "line\nbreak\x00", Sections: []Section{{Anchor: "x\"y", Heading: "H"}}})
	files = x.Files()
	s, err = NewSearcher(memLoader(files))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Search("unicode", nil, 10)
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Title != "Ünïcode \u2028 \"quoted\" <b>" {
		t.Errorf("tiny index: %+v, %v", res, err)
	}
}

// TestDamagedFiles: a damaged or missing file is an error that names it,
// never a panic.
func TestDamagedFiles(t *testing.T) {
	good := fixtureIndex().Files()
	for name := range good {
		for _, damage := range []string{"", "{", "[1,2,3]", `["a","!!!"]`, `{"rank":"~~"}`, `[["x"]]`} {
			files := map[string][]byte{}
			for k, v := range good {
				files[k] = v
			}
			if damage == "" {
				delete(files, name)
			} else {
				files[name] = []byte(damage)
			}
			s, err := NewSearcher(memLoader(files))
			if err == nil {
				_, err = s.Search("breathlessness morphine oedema", nil, 20)
			}
			if err == nil {
				continue // this damage does not touch what the query reads
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%s = %.20q: error %q does not name the file", name, damage, err)
			}
		}
	}
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// firstQueries are typical first queries; the size test reports what each
// downloads.
var firstQueries = []string{"br", "re", "co", "breathl", "sob", "morphine", "morfine", "breathlesness", "dyspnea",
	"syringe driver", "advance care planning", "xyzzy"}

// TestSizes reports the index size for 500 and 10,000 docs (and 100,000
// with CMESITE_SEARCH_100K=1) and what a browser downloads (gzipped) to
// answer a first query: its results (the header's dropdown, and the result
// list of the search page, which shows them before it counts the facets;
// on a phone, whose filters start folded, all it reads until the reader
// opens them), and the facet counts too (the search page on a wide
// screen). It checks the budgets: the whole index of 500 docs at most
// 250 KB; the results of a first query at most 150 KB on 10,000 docs (with
// the facet counts too) and 300 KB on 100,000.
func TestSizes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10,000-doc index")
	}
	sizes := []int{500, 10000}
	if os.Getenv("CMESITE_SEARCH_100K") != "" {
		sizes = append(sizes, 100000)
	}
	budget := map[int]int{10000: 150_000, 100000: 300_000}
	for _, n := range sizes {
		docs, src := corpusDocs(t, n)
		x := NewIndex(fixtureOptions)
		for _, d := range docs {
			x.Set(d)
		}
		t0 := time.Now()
		files := x.Files()
		build := time.Since(t0)
		gz := map[string]int{}
		raw, total := 0, 0
		kinds := map[string][3]int{} // folder -> files, raw, gzipped
		for name, b := range files {
			gz[name] = gzipSize(b)
			raw += len(b)
			total += gz[name]
			k := kinds[path.Dir(name)]
			kinds[path.Dir(name)] = [3]int{k[0] + 1, k[1] + len(b), k[2] + gz[name]}
		}
		t.Logf("%d docs (%s): %d files, %d KB raw, %d KB gzipped, built in %v; layout %+v", n, src, len(files), raw/1000, total/1000,
			build.Round(time.Millisecond), x.lay)
		for _, k := range slices.Sorted(maps.Keys(kinds)) {
			t.Logf("  %-10s %6d files %8d KB raw %8d KB gzipped", k+"/", kinds[k][0], kinds[k][1]/1000, kinds[k][2]/1000)
		}
		if n == 500 && total > 250_000 {
			t.Errorf("%d docs: whole index %d bytes gzipped, budget 250 KB", n, total)
		}
		worst := [2]int{}
		for _, q := range firstQueries {
			var bytes [2]int
			var loaded [2]int
			var res *Results
			for i, facets := range []bool{false, true} {
				s, err := NewSearcher(memLoader(files))
				if err != nil {
					t.Fatal(err)
				}
				// The dropdown shows 8, the page 20: 10 is typical.
				if res, err = s.search(q, nil, 10, facets); err != nil {
					t.Fatal(err)
				}
				for _, f := range s.Loaded {
					bytes[i] += gz[f]
				}
				loaded[i] = len(s.Loaded)
				worst[i] = max(worst[i], bytes[i])
			}
			t.Logf("  first query %-24q %6d hits: results %2d files %6.1f KB, and facets %2d files %6.1f KB gzipped",
				q, len(res.Hits), loaded[0], float64(bytes[0])/1000, loaded[1], float64(bytes[1])/1000)
		}
		if b := budget[n]; b > 0 && worst[0] > b {
			t.Errorf("%d docs: the results of a first query download %d bytes gzipped, budget %d KB", n, worst[0], b/1000)
		}
		if n == 10000 && worst[1] > budget[n] {
			t.Errorf("%d docs: a first query and its facet counts download %d bytes gzipped, budget %d KB", n, worst[1], budget[n]/1000)
		}
	}
}

// BenchmarkIndex is a full build of the index of 10,000 docs (analysis on
// every CPU, postings, encoding); cpu-ms/op is the CPU time it takes.
func BenchmarkIndex(b *testing.B) {
	docs, src := corpusDocs(b, 10000)
	b.Logf("docs: %s", src)
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		x := NewIndex(fixtureOptions)
		for _, d := range docs {
			x.Set(d)
		}
		x.Files()
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkEdit is the serve-mode update: one doc of 10,000 changes its
// text, then Files.
func BenchmarkEdit(b *testing.B) {
	docs, _ := corpusDocs(b, 10000)
	x := NewIndex(fixtureOptions)
	for _, d := range docs {
		x.Set(d)
	}
	x.Files()
	edited := docs[5000]
	edited.Sections = append(slices.Clone(edited.Sections), Section{Anchor: "new", Heading: "A new section", Text: "Hypodermoclysis is a route for fluids."})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			x.Set(edited)
		} else {
			x.Set(docs[5000])
		}
		x.Files()
	}
}

// TestEditIsFast logs how long one-doc edits of a 10,000-doc index take:
// its text; its topics and audiences (among the values in use); its title,
// so that it moves in tie order (which renumbers the docs).
func TestEditIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10,000-doc index")
	}
	docs, _ := corpusDocs(t, 10000)
	x := NewIndex(fixtureOptions)
	for _, d := range docs {
		x.Set(d)
	}
	t0 := time.Now()
	x.Files()
	full := time.Since(t0)
	median := func(edit func(d *Doc, i int)) (time.Duration, time.Duration) {
		var times []time.Duration
		for i := range 5 {
			d := docs[i*2000+1]
			edit(&d, i)
			x.Set(d)
			t0 = time.Now()
			x.Files()
			times = append(times, time.Since(t0))
			x.Set(docs[i*2000+1])
			x.Files()
		}
		slices.Sort(times)
		return times[2], times[4]
	}
	text, textMax := median(func(d *Doc, i int) {
		d.Sections = append(slices.Clone(d.Sections), Section{Text: fmt.Sprintf("edit number %d mentions hypodermoclysis", i)})
	})
	facets, facetsMax := median(func(d *Doc, i int) { d.Topics, d.Audiences = docs[i].Topics, docs[i+1].Audiences })
	title, titleMax := median(func(d *Doc, i int) { d.Title = "Aa " + d.Title })
	t.Logf("10,000 docs: full build %v; one-doc edit median (max): text %v (%v), facets %v (%v), a title that moves the doc %v (%v)",
		full.Round(time.Millisecond), text, textMax, facets, facetsMax, title, titleMax)
}

// TestLayoutsAgree: whatever the layout of the files (one of each; posting
// files and merged lists; facet parts of lists; dictionaries by two
// letters), a query gives the same results. (Typos that change the first
// letters are found only in the dictionaries the shard key predicts:
// queries with typos are compared between layouts of the same key.)
func TestLayoutsAgree(t *testing.T) {
	defer func(s, d, c, m, f, l, mm int) {
		smallIndex, dictTerms, chunkBytes, metaGroup, facetGroup, listFacetDocs, mergeMin = s, d, c, m, f, l, mm
	}(smallIndex, dictTerms, chunkBytes, metaGroup, facetGroup, listFacetDocs, mergeMin)
	docs := append(synthDocs(900), fixtureDocs...) // more than smallIndex postings
	docs = append(docs,
		Doc{URL: "odd/no-level/", Title: "No level or format", Topics: []string{"pain", "pain", "zz-topic"}, Sections: []Section{{Text: "morphine breathlessness"}}},
		Doc{URL: "odd/unknown/", Title: "Unknown level", Level: "zz-level", Format: "zz-format", Audiences: []string{"gp"}, Sections: []Section{{Text: "care plan"}}},
	)
	defaults := func() {
		smallIndex, dictTerms, chunkBytes, metaGroup, facetGroup, listFacetDocs, mergeMin = 200_000, 4000, 16<<10, 8, 2048, 20_000, 2000
	}
	layouts := []struct {
		name string
		set  func()
	}{
		{"one of each", func() { smallIndex = 1 << 30 }},
		{"default", func() {}},
		{"facet parts", func() { chunkBytes, metaGroup, facetGroup, listFacetDocs, mergeMin = 2000, 5, 100, 10, 50 }},
		{"two-letter dictionaries", func() { dictTerms, listFacetDocs, mergeMin = 100, 10, 500 }},
	}
	queries := []string{"br", "breathl", "sob", "care", "care home", "patient family plan", "syringe driver", "just in case", "the",
		"care of the", "pa", "co", "xyzzy", "no level", "unknown", "opioid conversion", "handover", "breathlesness", "morfine"}
	typos := map[string]bool{"breathlesness": true, "morfine": true}
	filters := []map[string][]string{nil, {"level": {"basic"}}, {"topic": {"pain", "opioids"}}, {"audience": {"gp"}, "format": {"e-learning"}},
		{"level": {"specialist"}, "topic": {"breathlessness"}}}
	results := map[string][]string{} // layout and query -> results
	keyLens := map[string]int{}
	for _, l := range layouts {
		defaults()
		l.set()
		x := NewIndex(fixtureOptions)
		for _, d := range docs {
			x.Set(d)
		}
		files := x.Files()
		keyLens[l.name] = x.lay.keyLen
		counted := 0
		for _, q := range queries {
			var got []string
			for _, f := range filters {
				s, err := NewSearcher(memLoader(files))
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.Search(q, f, 10)
				if err != nil {
					t.Fatalf("%s: %q %v: %v", l.name, q, f, err)
				}
				counted += s.counted
				got = append(got, fmt.Sprintf("%q %v: %d complete, terms %q", q, f, res.Complete, res.Terms))
				for _, h := range res.Hits {
					got = append(got, fmt.Sprintf("  %d %v %d %s#%s", h.Doc, h.Complete, h.Score, h.URL, h.Anchor))
				}
				for _, fn := range facetNames {
					got = append(got, fmt.Sprintf("  %s %v", fn, res.Facets[fn]))
				}
			}
			results[l.name+"\x00"+q] = got
		}
		t.Logf("%s: %+v, %d files; %d queries counted their facets from the docs not counted", l.name, x.lay, len(files), counted)
		if x.lay.listFacets && counted == 0 {
			t.Errorf("%s: no query counted its facets from the docs not counted", l.name)
		}
	}
	for _, l := range layouts[1:] {
		for _, q := range queries {
			ref := layouts[0].name
			if typos[q] {
				ref = ""
				for _, o := range layouts {
					if o.name != l.name && keyLens[o.name] == keyLens[l.name] {
						ref = o.name
						break
					}
				}
				if ref == "" {
					continue
				}
			}
			want, got := results[ref+"\x00"+q], results[l.name+"\x00"+q]
			if !slices.Equal(got, want) {
				t.Errorf("%s: %q differs from %s:\n%s", l.name, q, ref, lineDiff(strings.Join(want, "\n"), strings.Join(got, "\n")))
			}
		}
	}
}

// TestSortCodes: sortCodes sorts as slices.Sort does, for short and long
// lists and codes of every width.
func TestSortCodes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var tmp []uint32
	for _, n := range []int{0, 1, 2, 63, 64, 65, 400, 3000} {
		for _, width := range []int{1, 8, 9, 17, 25, 32} {
			a := make([]uint32, n)
			for i := range a {
				a[i] = uint32(r.Uint64() >> (64 - width))
			}
			want := slices.Clone(a)
			slices.Sort(want)
			tmp = sortCodes(a, tmp)
			if !slices.Equal(a, want) {
				t.Errorf("%d codes of %d bits: not sorted", n, width)
			}
		}
	}
}
