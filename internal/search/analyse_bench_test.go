package search

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
)

// addDocs are the docs of BenchmarkAdd. With CMESITE_SEARCH_DOCS set to a
// file of JSON Docs, one per line (the Docs a site build passes to Add),
// they are those; otherwise they are synthDocs set the way the site's
// typographer sets text: curly apostrophes and quotes, dashes.
func addDocs(tb testing.TB) ([]Doc, string) {
	tb.Helper()
	p := os.Getenv("CMESITE_SEARCH_DOCS")
	if p == "" {
		docs := synthDocs(10000)
		typeset := strings.NewReplacer(" patient ", " patient’s ", " family ", " “family” ", " plan ", " plan — ")
		for i := range docs {
			d := &docs[i]
			d.Summary = typeset.Replace(d.Summary)
			d.Sections = append([]Section(nil), d.Sections...)
			for j := range d.Sections {
				d.Sections[j].Text = typeset.Replace(d.Sections[j].Text)
			}
		}
		return docs, "synthDocs, typeset"
	}
	f, err := os.Open(p)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var docs []Doc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var d Doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return docs, p
}

// BenchmarkAdd is a full build the way the site builder does it: Add on
// two goroutines, then Files.
func BenchmarkAdd(b *testing.B) {
	docs, src := addDocs(b)
	b.Logf("docs: %s", src)
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		x := NewIndex(fixtureOptions)
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				for i := w; i < len(docs); i += 2 {
					x.Add(docs[i])
				}
			})
		}
		wg.Wait()
		x.Files()
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkEachToken is the tokenizer alone over the text of 2,000 docs.
func BenchmarkEachToken(b *testing.B) {
	docs, src := addDocs(b)
	b.Logf("docs: %s", src)
	var texts []string
	size := 0
	for _, d := range docs[:2000] {
		texts = append(texts, d.Title, d.Summary)
		for _, s := range d.Sections {
			texts = append(texts, s.Heading, s.Text)
		}
	}
	for _, t := range texts {
		size += len(t)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	var tk tokenizer // as analyse has in its scratch
	n := 0
	for b.Loop() {
		for _, t := range texts {
			tk.each(t, func(tok []byte) { n += len(tok) })
		}
	}
}
