package devserver

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// bigSite is a site of n pages of about 30 KB that link one stylesheet.
func bigSite(n int, css string) map[string][]byte {
	filler := strings.Repeat("<p>Palliative care for GPs, sample text.</p>\n", 700)
	files := map[string][]byte{css: []byte("body{}"), "404.html": html("nf")}
	for i := range n {
		files[fmt.Sprintf("m%d/index.html", i)] = html(`<link rel="stylesheet" href="/` + css + `">` + filler + fmt.Sprint(i))
	}
	return files
}

// BenchmarkPublish measures one publish of a 300-page site that changed
// one page, with 8 pages open on different paths.
func BenchmarkPublish(b *testing.B) {
	s := New(nil)
	site := bigSite(300, "assets/main.11111111.css")
	s.Publish(Update{Files: MapFiles(site)})
	for i := range 8 {
		p := fmt.Sprintf("/m%d/", i)
		c := &client{path: p, hash: lookupPage(MapFiles(site), p).hash(), ch: make(chan []byte, 1<<16), dropped: make(chan struct{})}
		s.clients[c] = struct{}{}
		go func() {
			for range c.ch {
			}
		}()
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		next := make(map[string][]byte, len(site))
		for k, v := range site {
			next[k] = v
		}
		next["m0/index.html"] = html(fmt.Sprint(i))
		s.Publish(Update{Files: MapFiles(next)})
	}
	if n := s.Clients(); n != 8 {
		b.Fatalf("%d clients left of 8", n)
	}
}

// BenchmarkServePage measures serving one 30 KB page with injection.
func BenchmarkServePage(b *testing.B) {
	s := published(bigSite(10, "assets/main.11111111.css"))
	r := local(httptest.NewRequest("GET", "/m3/", nil))
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
	}
}
