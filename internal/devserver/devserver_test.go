package devserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	homeHTML    = "<!doctype html><html><head><title>Home</title></head><body><h1>Home</h1></body></html>"
	opioidsHTML = "<!DOCTYPE html><HTML><BODY><h1>Opioids</h1></BODY></HTML>"
	notFound    = "<!doctype html><html><body><h1>Not here</h1></body></html>"
)

func site() map[string][]byte {
	return map[string][]byte{
		"index.html":               []byte(homeHTML),
		"pain/opioids/index.html":  []byte(opioidsHTML),
		"pain/opioids/dosing.html": []byte("<p>fragment without a body"),
		"already.html":             []byte("<html><body>x" + ScriptTag + "</body></html>"),
		"assets/main.1a2b3c4d.css": []byte("body{color:red}"),
		"assets/app.js":            []byte("document.write('</body>')"),
		"sitemap.xml":              []byte("<?xml version=\"1.0\"?><urlset><![CDATA[</body>]]></urlset>"),
		"search.json":              []byte(`{"html":"</body>"}`),
		"icon.svg":                 []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
		"site.webmanifest":         []byte(`{"name":"x"}`),
		"caf\u00e9/index.html":     []byte("<html><body>café</body></html>"),
		"what?/index.html":         []byte("<html><body>what</body></html>"),
		"404.html":                 []byte(notFound),
	}
}

func published(files map[string][]byte) *Server {
	s := New(nil)
	s.Publish(Update{Files: MapFiles(files)})
	return s
}

func do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, local(httptest.NewRequest(method, target, nil)))
	return w
}

func TestServe(t *testing.T) {
	s := published(site())
	const html = "text/html; charset=utf-8"
	tests := []struct {
		method, target string
		status         int
		ctype          string
		location       string // for redirects
		body           string // exact body, or "" to skip
		contains       string // substring of the body
		injected       bool   // the body has ScriptTag exactly once
	}{
		{method: "GET", target: "/", status: 200, ctype: html, body: strings.Replace(homeHTML, "</body>", ScriptTag+"</body>", 1), injected: true},
		{method: "GET", target: "/index.html", status: 200, ctype: html, contains: "<h1>Home</h1>", injected: true},
		{method: "GET", target: "/pain/opioids/", status: 200, ctype: html, body: strings.Replace(opioidsHTML, "</BODY>", ScriptTag+"</BODY>", 1), injected: true},
		{method: "GET", target: "/pain/opioids", status: 301, location: "/pain/opioids/"},
		{method: "GET", target: "/pain/opioids?from=search", status: 301, location: "/pain/opioids/?from=search"},
		{method: "GET", target: "/pain/opioids/dosing.html", status: 200, ctype: html, body: "<p>fragment without a body" + ScriptTag, injected: true},
		{method: "GET", target: "/already.html", status: 200, ctype: html, injected: true},
		{method: "GET", target: "/caf%C3%A9/", status: 200, ctype: html, contains: "café", injected: true},
		{method: "GET", target: "/pain/", status: 404, ctype: html, contains: "Not here", injected: true},
		{method: "GET", target: "/pain", status: 404, ctype: html, contains: "Not here", injected: true},
		{method: "GET", target: "/assets/", status: 404, ctype: html, contains: "Not here", injected: true},
		{method: "GET", target: "/nope.html", status: 404, ctype: html, contains: "Not here", injected: true},
		{method: "GET", target: "/assets/main.1a2b3c4d.css", status: 200, ctype: "text/css; charset=utf-8", body: "body{color:red}"},
		{method: "GET", target: "/assets/app.js", status: 200, ctype: "text/javascript; charset=utf-8", body: "document.write('</body>')"},
		{method: "GET", target: "/sitemap.xml", status: 200, ctype: "application/xml; charset=utf-8", body: "<?xml version=\"1.0\"?><urlset><![CDATA[</body>]]></urlset>"},
		{method: "GET", target: "/search.json", status: 200, ctype: "application/json", body: `{"html":"</body>"}`},
		{method: "GET", target: "/icon.svg", status: 200, ctype: "image/svg+xml"},
		{method: "GET", target: "/site.webmanifest", status: 200, ctype: "application/manifest+json"},
		{method: "GET", target: "/404.html", status: 200, ctype: html, contains: "Not here", injected: true},
		// Traversal and unclean paths redirect to their clean form inside the site.
		{method: "GET", target: "/../index.html", status: 301, location: "/index.html"},
		{method: "GET", target: "/%2e%2e/%2e%2e/etc/passwd", status: 301, location: "/etc/passwd"},
		{method: "GET", target: "/caf%C3%A9", status: 301, location: "/caf%C3%A9/"},
		{method: "GET", target: "/what%3F", status: 301, location: "/what%3F/"},
		{method: "GET", target: "/what%3F/", status: 200, contains: "what", injected: true},
		{method: "GET", target: "/pain/../index.html", status: 301, location: "/index.html"},
		{method: "GET", target: "//evil.example/", status: 301, location: "/evil.example/"},
		{method: "GET", target: "/pain/./opioids/", status: 301, location: "/pain/opioids/"},
		{method: "GET", target: "/..%5c..%5cindex.html", status: 404, contains: "Not here", injected: true},
		{method: "GET", target: "/etc/passwd", status: 404, contains: "Not here", injected: true},
		// Methods.
		{method: "HEAD", target: "/", status: 200, ctype: html, body: ""},
		{method: "HEAD", target: "/missing", status: 404, ctype: html, body: ""},
		{method: "POST", target: "/", status: 405},
		{method: "PUT", target: "/index.html", status: 405},
		{method: "DELETE", target: "/missing", status: 405},
		{method: "OPTIONS", target: "/pain/opioids", status: 405},
		// The package's own paths.
		{method: "GET", target: ScriptPath, status: 200, ctype: "text/javascript; charset=utf-8", contains: "EventSource"},
		{method: "HEAD", target: ScriptPath, status: 200, ctype: "text/javascript; charset=utf-8"},
		{method: "POST", target: ScriptPath, status: 405},
		{method: "POST", target: EventsPath, status: 405},
		{method: "GET", target: "/__cmesite/other", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			w := do(s, tt.method, tt.target)
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d (body %q)", w.Code, tt.status, body)
			}
			if got := w.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
			if tt.ctype != "" {
				if got := w.Header().Get("Content-Type"); got != tt.ctype {
					t.Errorf("Content-Type %q, want %q", got, tt.ctype)
				}
			}
			if tt.location != "" {
				if got := w.Header().Get("Location"); got != tt.location {
					t.Errorf("Location %q, want %q", got, tt.location)
				}
			}
			if tt.status == 405 {
				if got := w.Header().Get("Allow"); got == "" {
					t.Error("405 without an Allow header")
				}
			}
			if tt.method == "HEAD" {
				if body != "" {
					t.Errorf("HEAD wrote a body: %q", body)
				}
				get := do(s, "GET", tt.target)
				if got, want := w.Header().Get("Content-Length"), fmt.Sprint(get.Body.Len()); got != want {
					t.Errorf("HEAD Content-Length %s, GET body is %s bytes", got, want)
				}
				return
			}
			if tt.body != "" && body != tt.body {
				t.Errorf("body\n%q\nwant\n%q", body, tt.body)
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("body %q does not contain %q", body, tt.contains)
			}
			if n := strings.Count(body, ScriptTag); tt.injected && n != 1 || !tt.injected && n != 0 {
				t.Errorf("script tag %d times in %q; want injected=%v", n, body, tt.injected)
			}
		})
	}
}

func TestServeWithoutNotFoundPage(t *testing.T) {
	files := site()
	delete(files, "404.html")
	s := published(files)
	for _, method := range []string{"GET", "HEAD"} {
		w := do(s, method, "/missing/")
		if w.Code != 404 || w.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("%s: status %d type %q, want 404 text/plain", method, w.Code, w.Header().Get("Content-Type"))
		}
		if method == "GET" && !strings.Contains(w.Body.String(), "404 page not found") {
			t.Errorf("body %q", w.Body.String())
		}
		if method == "HEAD" && w.Body.Len() != 0 {
			t.Errorf("HEAD wrote %q", w.Body.String())
		}
	}
}

// Before the first good build every page says so, with the script, so the
// overlay can explain why and the page reloads when the site appears.
func TestServeBeforeFirstBuild(t *testing.T) {
	s := New(nil)
	s.Publish(Update{Problems: []Problem{problem("content/a.md", 1, "broken")}})
	for _, target := range []string{"/", "/pain/opioids/", "/assets/main.css"} {
		w := do(s, "GET", target)
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("%s: status %d, want 503", target, w.Code)
		}
		if strings.Count(w.Body.String(), ScriptTag) != 1 {
			t.Errorf("%s: no reload script in %q", target, w.Body.String())
		}
	}
}

// The builder's bytes are served as published; injection never writes into
// the published slices.
func TestPublishedFilesAreNotModified(t *testing.T) {
	files := site()
	keep := make(map[string][]byte, len(files))
	for k, v := range files {
		keep[k] = bytes.Clone(v)
	}
	s := published(files)
	for name := range files {
		do(s, "GET", "/"+name)
	}
	for k, v := range files {
		if !bytes.Equal(v, keep[k]) {
			t.Errorf("%s changed to %q", k, v)
		}
	}
}

// inject is the page serveBody writes for body: body with ScriptTag at
// injectAt, or body as it is when it carries the tag already.
func inject(body []byte) []byte {
	at := injectAt(body)
	if at < 0 {
		return body
	}
	return slices.Concat(body[:at], []byte(ScriptTag), body[at:])
}

func TestInject(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<body></body>", "<body>" + ScriptTag + "</body>"},
		{"<BODY>x</Body >", "<BODY>x" + ScriptTag + "</Body >"},
		{"a</body>b</body>c", "a</body>b" + ScriptTag + "</body>c"},
		{"<p>no body", "<p>no body" + ScriptTag},
		{"", ScriptTag},
		{"</bodyguard>", "</bodyguard>" + ScriptTag},
		{"</body", ScriptTag + "</body"},
		{"x" + ScriptTag + "</body>", "x" + ScriptTag + "</body>"},
	}
	for _, tt := range tests {
		if got := string(inject([]byte(tt.in))); got != tt.want {
			t.Errorf("inject(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContentType(t *testing.T) {
	tests := []struct{ name, want string }{
		{"index.html", "text/html; charset=utf-8"},
		{"A.HTML", "text/html; charset=utf-8"},
		{"feed.xml", "application/xml; charset=utf-8"},
		{"x.json", "application/json"},
		{"x.js", "text/javascript; charset=utf-8"},
		{"x.css", "text/css; charset=utf-8"},
		{"x.svg", "image/svg+xml"},
		{"site.webmanifest", "application/manifest+json"},
		{"photo.png", "image/png"},
		{"LICENSE", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		if got := contentType(tt.name, []byte("plain words")); got != tt.want {
			t.Errorf("contentType(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Serving stays correct while builds are published concurrently (run with
// -race).
func TestServeWhilePublishing(t *testing.T) {
	s := published(site())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				w := do(s, "GET", "/pain/opioids/")
				if w.Code != 200 || !strings.Contains(w.Body.String(), "<h1>Opioids") {
					t.Errorf("status %d body %q", w.Code, w.Body.String())
					return
				}
			}
		})
	}
	for i := range 200 {
		files := site()
		files["pain/opioids/index.html"] = fmt.Appendf(nil, "<html><body><h1>Opioids %d</h1></body></html>", i)
		s.Publish(Update{Files: MapFiles(files)})
	}
	close(stop)
	wg.Wait()
	if err := s.WaitVersion(ctx, 201); err != nil || s.Version() != 201 {
		t.Fatalf("version %d, err %v; want 201", s.Version(), err)
	}
}

func TestRangeRequest(t *testing.T) {
	files := map[string][]byte{"media/clip.mp4": []byte("0123456789")}
	s := published(files)
	r := local(httptest.NewRequest("GET", "/media/clip.mp4", nil))
	r.Header.Set("Range", "bytes=2-4")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Body)
	if w.Code != http.StatusPartialContent || string(b) != "234" {
		t.Fatalf("status %d body %q, want 206 \"234\"", w.Code, b)
	}
}

// A page is sent whole, with the reload script, even when a range is
// asked for: it is written around the script, not copied with it.
func TestRangeRequestOnPage(t *testing.T) {
	s := published(map[string][]byte{"index.html": []byte("<html><body>0123456789</body></html>")})
	r := local(httptest.NewRequest("GET", "/", nil))
	r.Header.Set("Range", "bytes=2-4")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	want := "<html><body>0123456789" + ScriptTag + "</body></html>"
	if w.Code != http.StatusOK || w.Body.String() != want || w.Header().Get("Content-Length") != fmt.Sprint(len(want)) {
		t.Fatalf("status %d, Content-Length %s, body %q; want 200 and the whole page %q", w.Code, w.Header().Get("Content-Length"), w.Body.String(), want)
	}
}

// failing is a site whose page "broken/index.html" cannot be made.
type failing struct{ MapFiles }

func (f failing) Get(name string) ([]byte, error) {
	if name == "broken/index.html" {
		return nil, errors.New(`cannot render broken/index.html: template: module.html:3: no such field "Titel"`)
	}
	return f.MapFiles.Get(name)
}

// TestServeUnmadePage: a page the site cannot make answers 500 with the
// reason, escaped, and the live-reload script, so it reloads once fixed.
func TestServeUnmadePage(t *testing.T) {
	s := New(nil)
	s.Publish(Update{Files: failing{MapFiles(site())}})
	w := do(s, http.MethodGet, "/broken/")
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{"could not be made", `no such field &#34;Titel&#34;`, ScriptTag} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q:\n%s", want, body)
		}
	}
	if w := do(s, http.MethodGet, "/broken"); w.Code != http.StatusMovedPermanently {
		t.Errorf("/broken: status %d, want a redirect to /broken/", w.Code)
	}
}

// TestNoServiceWorker: a browser's request for a worker script, at any
// path, gets the worker that removes itself, not the site's sw.js; the
// same path asked for as a file is the site's file.
func TestNoServiceWorker(t *testing.T) {
	files := site()
	files["sw.js"] = []byte("self.addEventListener('fetch', () => {}) // the site's worker")
	s := published(files)
	for _, target := range []string{"/sw.js", "/sub/sw.js"} {
		r := local(httptest.NewRequest("GET", target, nil))
		r.Header.Set("Service-Worker", "script")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 || w.Header().Get("Content-Type") != "text/javascript; charset=utf-8" || w.Body.String() != NoWorker {
			t.Errorf("a worker request for %s: %d %q %q; want 200 and NoWorker", target, w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("a worker request for %s may be cached: %q", target, w.Header().Get("Cache-Control"))
		}
	}
	if !strings.Contains(NoWorker, "unregister()") || !strings.Contains(NoWorker, "caches.delete") {
		t.Errorf("NoWorker does not remove the worker and its caches:\n%s", NoWorker)
	}
	if w := do(s, "GET", "/sw.js"); w.Code != 200 || w.Body.String() != string(files["sw.js"]) {
		t.Errorf("GET /sw.js without the worker header: %d %q; want the site's file", w.Code, w.Body.String())
	}
}
