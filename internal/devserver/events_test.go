package devserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/diag"
)

const timeout = 10 * time.Second

type event struct {
	name string // "" for a comment (ping)
	data string
}

func (e event) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(e.data), v); err != nil {
		t.Fatalf("%s event data %q: %v", e.name, e.data, err)
	}
}

// stream is one test client on the event stream.
type stream struct {
	events chan event // closed when the stream ends
}

// listen opens the event stream of the server at base for the page at p and
// reads it until the test ends.
func listen(t *testing.T, base, p string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", base+EventsPath+"?path="+url.QueryEscape(p), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("events: status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &stream{events: make(chan event)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var e event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.name == "" {
					continue
				}
			case strings.HasPrefix(line, ":"):
				e = event{data: line}
			case strings.HasPrefix(line, "event: "):
				e.name = strings.TrimPrefix(line, "event: ")
				continue
			case strings.HasPrefix(line, "data: "):
				e.data = strings.TrimPrefix(line, "data: ")
				continue
			default:
				continue
			}
			select {
			case s.events <- e:
			case <-ctx.Done():
				return
			}
			e = event{}
		}
	}()
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-done
		tr.CloseIdleConnections()
	})
	return s
}

// next returns the next event that is not a ping.
func (s *stream) next(t *testing.T) event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				t.Fatal("the event stream ended")
			}
			if e.name != "" {
				return e
			}
		case <-deadline:
			t.Fatal("no event within", timeout)
		}
	}
}

// until returns the events up to and including "version" v.
func (s *stream) until(t *testing.T, v uint64) []event {
	t.Helper()
	var got []event
	for {
		e := s.next(t)
		got = append(got, e)
		if e.name == "version" {
			var d versionEvent
			e.decode(t, &d)
			if d.Version == v {
				return got
			}
			if d.Version > v {
				t.Fatalf("version %d passed; waited for %d", d.Version, v)
			}
		}
	}
}

// hello reads the greeting: hello, then problems.
func (s *stream) hello(t *testing.T) (helloEvent, problemsEvent) {
	t.Helper()
	var h helloEvent
	var p problemsEvent
	e := s.next(t)
	if e.name != "hello" {
		t.Fatalf("first event %q, want hello", e.name)
	}
	e.decode(t, &h)
	e = s.next(t)
	if e.name != "problems" {
		t.Fatalf("second event %q, want problems", e.name)
	}
	e.decode(t, &p)
	return h, p
}

func names(es []event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.name)
	}
	return out
}

func problem(file string, line int, msg string) Problem {
	return Problem{Diagnostic: diag.Diagnostic{File: file, Line: line, Severity: diag.Error, Message: msg}}
}

func html(s string) []byte { return []byte("<!doctype html><html><body>" + s + "</body></html>") }

func newTestServer(t *testing.T, s *Server) string {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close) // registered first, so it runs after the streams close
	return srv.URL
}

// What one publish means to a page that is open.
func TestEventsForOnePublish(t *testing.T) {
	const (
		oldCSS = "assets/main.aaaaaaa1.css"
		newCSS = "assets/main.bbbbbbb2.css"
	)
	styled := func(css, text string) []byte {
		return html(`<link rel="stylesheet" href="/` + css + `"><p>` + text)
	}
	base := func() map[string][]byte {
		return map[string][]byte{
			"index.html":       html("home"),
			"a/index.html":     styled(oldCSS, "A"),
			"b/index.html":     html("B"),
			"plain/index.html": html(`<link rel=stylesheet href="../style.css">plain`),
			"404.html":         html("not found"),
			oldCSS:             []byte("body{color:red}"),
			"style.css":        []byte("p{}"),
		}
	}
	with := func(changes map[string][]byte) map[string][]byte {
		m := base()
		for k, v := range changes {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	renamed := func(extra map[string][]byte) map[string][]byte {
		m := with(extra)
		delete(m, oldCSS)
		m[newCSS] = []byte("body{color:blue}")
		if _, ok := extra["a/index.html"]; !ok {
			m["a/index.html"] = styled(newCSS, "A")
		}
		return m
	}
	tests := []struct {
		name   string
		before map[string][]byte // nil: nothing published yet
		after  Update
		page   string
		want   []string // event names up to version
		swaps  []Swap
	}{
		{name: "own page changed", before: base(), page: "/a/",
			after: Update{Files: MapFiles(with(map[string][]byte{"a/index.html": styled(oldCSS, "A2")}))},
			want:  []string{"reload", "version"}},
		{name: "another page changed", before: base(), page: "/a/",
			after: Update{Files: MapFiles(with(map[string][]byte{"b/index.html": html("B2")}))},
			want:  []string{"version"}},
		{name: "same bytes in a new map", before: base(), page: "/",
			after: Update{Files: MapFiles(base())},
			want:  []string{"version"}},
		{name: "folder path without slash", before: base(), page: "/b",
			after: Update{Files: MapFiles(with(map[string][]byte{"b/index.html": html("B2")}))},
			want:  []string{"reload", "version"}},
		{name: "a 404 now exists", before: base(), page: "/c/",
			after: Update{Files: MapFiles(with(map[string][]byte{"c/index.html": html("C")}))},
			want:  []string{"reload", "version"}},
		{name: "a page is gone", before: base(), page: "/b/",
			after: Update{Files: MapFiles(with(map[string][]byte{"b/index.html": nil}))},
			want:  []string{"reload", "version"}},
		{name: "the 404 page changed under a missing page", before: base(), page: "/missing",
			after: Update{Files: MapFiles(with(map[string][]byte{"404.html": html("gone")}))},
			want:  []string{"reload", "version"}},
		{name: "first good build", before: nil, page: "/b/",
			after: Update{Files: MapFiles(base())},
			want:  []string{"reload", "version"}},
		{name: "stylesheet renamed only", before: base(), page: "/a/",
			after: Update{Files: MapFiles(renamed(nil))},
			want:  []string{"css", "version"},
			swaps: []Swap{{Old: "/" + oldCSS, New: "/" + newCSS}}},
		{name: "stylesheet renamed, page unstyled", before: base(), page: "/b/",
			after: Update{Files: MapFiles(renamed(nil))},
			want:  []string{"version"}},
		{name: "stylesheet renamed and text changed", before: base(), page: "/a/",
			after: Update{Files: MapFiles(renamed(map[string][]byte{"a/index.html": styled(newCSS, "A2")}))},
			want:  []string{"reload", "version"}},
		{name: "unhashed stylesheet changed", before: base(), page: "/plain/",
			after: Update{Files: MapFiles(with(map[string][]byte{"style.css": []byte("p{color:red}")}))},
			want:  []string{"css", "version"},
			swaps: []Swap{{Old: "/style.css", New: "/style.css?v=2"}}},
		{name: "failed build", before: base(), page: "/a/",
			after: Update{Problems: []Problem{problem("content/a.md", 3, "bad")}},
			want:  []string{"problems", "version"}},
		{name: "build with problems and a changed page", before: base(), page: "/a/",
			after: Update{Files: MapFiles(with(map[string][]byte{"a/index.html": html("A2")})), Problems: []Problem{problem("content/a.md", 3, "bad")}},
			want:  []string{"problems", "reload", "version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t.Logf)
			if tt.before != nil {
				s.Publish(Update{Files: MapFiles(tt.before)})
			}
			st := listen(t, newTestServer(t, s), tt.page)
			h, _ := st.hello(t)
			if want := lookupPage(filesOf(tt.before), tt.page).hash(); h.Hash != want {
				t.Errorf("hello hash %s, want %s", h.Hash, want)
			}
			s.Publish(tt.after)
			got := st.until(t, s.Version())
			if !reflect.DeepEqual(names(got), tt.want) {
				t.Fatalf("events %v, want %v", names(got), tt.want)
			}
			for _, e := range got {
				switch e.name {
				case "css":
					var d cssEvent
					e.decode(t, &d)
					if !reflect.DeepEqual(d.Swaps, tt.swaps) {
						t.Errorf("swaps %+v, want %+v", d.Swaps, tt.swaps)
					}
				case "reload":
					var d reloadEvent
					e.decode(t, &d)
					if d.Path != cleanPath(tt.page) || d.Version != s.Version() {
						t.Errorf("reload %+v", d)
					}
				case "version":
					var d versionEvent
					e.decode(t, &d)
					cur := tt.after.Files
					if cur == nil {
						cur = filesOf(tt.before)
					}
					if want := lookupPage(cur, tt.page).hash(); d.Hash != want {
						t.Errorf("version hash %s, want %s", d.Hash, want)
					}
				}
			}
		})
	}
}

// The hash in hello is the one the page was served with, so a page can tell
// on reconnect whether it is stale.
func TestServerTimingMatchesHello(t *testing.T) {
	s := published(map[string][]byte{"a/index.html": html("A"), "404.html": html("nf")})
	base := newTestServer(t, s)
	for _, p := range []string{"/a/", "/missing/"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h, _ := listen(t, base, p).hello(t)
		if got, want := resp.Header.Get("Server-Timing"), `cmesite;desc="`+h.Hash+`"`; got != want {
			t.Errorf("%s: Server-Timing %q, hello says %q", p, got, want)
		}
	}
}

func TestEventsPathIsUnescaped(t *testing.T) {
	s := published(map[string][]byte{"café/index.html": html("1")})
	st := listen(t, newTestServer(t, s), "/caf%C3%A9/")
	st.hello(t)
	s.Publish(Update{Files: MapFiles(map[string][]byte{"café/index.html": html("2")})})
	if got := names(st.until(t, 2)); !reflect.DeepEqual(got, []string{"reload", "version"}) {
		t.Fatalf("events %v", got)
	}
}

func TestProblems(t *testing.T) {
	s := published(map[string][]byte{"index.html": html("home")})
	base := newTestServer(t, s)
	early := listen(t, base, "/")
	if _, p := early.hello(t); len(p.Problems) != 0 {
		t.Fatalf("problems on a clean site: %+v", p.Problems)
	}

	hostile := `<img src=x onerror="alert(1)"> & </script>`
	bad := Problem{
		Diagnostic: diag.Diagnostic{File: "content/pain/opioids.md", Line: 12, Col: 3, Severity: diag.Error, Message: "unknown level " + hostile},
		Source: []diag.Line{
			{N: 11, Text: "title: Opioids"},
			{N: 12, Text: "level: " + hostile, Here: true},
		},
	}
	warn := Problem{Diagnostic: diag.Diagnostic{File: "cmesite.yaml", Severity: diag.Warning, Message: "no description"}}
	s.Publish(Update{Problems: []Problem{bad, warn}})

	want := []wireProblem{
		{File: "content/pain/opioids.md", Line: 12, Col: 3, Severity: "error", Message: "unknown level " + hostile,
			Where: "content/pain/opioids.md:12", Text: "content/pain/opioids.md:12: unknown level " + hostile, Source: bad.Source},
		{File: "cmesite.yaml", Severity: "warning", Message: "no description", Where: "cmesite.yaml", Text: "cmesite.yaml: no description"},
	}
	check := func(name string, e event) {
		t.Helper()
		if e.name != "problems" {
			t.Fatalf("%s: event %q, want problems", name, e.name)
		}
		if strings.Contains(e.data, "<img") {
			t.Errorf("%s: markup travels raw in %s", name, e.data)
		}
		var d problemsEvent
		e.decode(t, &d)
		if !reflect.DeepEqual(d.Problems, want) {
			t.Errorf("%s: problems\n%+v\nwant\n%+v", name, d.Problems, want)
		}
	}
	// A page that is open gets them with the publish...
	got := early.until(t, 2)
	if !reflect.DeepEqual(names(got), []string{"problems", "version"}) {
		t.Fatalf("events %v", names(got))
	}
	check("open page", got[0])
	// ...a page opened later gets them on connect...
	late := listen(t, base, "/")
	if e := late.next(t); e.name != "hello" {
		t.Fatalf("first event %q", e.name)
	}
	check("new page", late.next(t))
	// ...and again with every publish while they last (an overlay dismissed
	// with Esc comes back).
	s.Publish(Update{Problems: []Problem{bad, warn}})
	got = early.until(t, 3)
	if !reflect.DeepEqual(names(got), []string{"problems", "version"}) {
		t.Fatalf("events %v", names(got))
	}
	check("next publish", got[0])
	if got := late.until(t, 3); len(got) != 2 {
		t.Fatalf("events %v", names(got))
	} else {
		check("new page, next publish", got[0])
	}

	// A clean build clears them: one empty problems event, then none.
	s.Publish(Update{Files: MapFiles(map[string][]byte{"index.html": html("home")})})
	for _, st := range []*stream{early, late} {
		got := st.until(t, 4)
		if !reflect.DeepEqual(names(got), []string{"problems", "version"}) {
			t.Fatalf("events %v", names(got))
		}
		var d problemsEvent
		got[0].decode(t, &d)
		if d.Problems == nil || len(d.Problems) != 0 {
			t.Errorf("clearing event %s, want an empty list", got[0].data)
		}
	}
	s.Publish(Update{Files: MapFiles(map[string][]byte{"index.html": html("home")})})
	if got := names(early.until(t, 5)); !reflect.DeepEqual(got, []string{"version"}) {
		t.Fatalf("events %v after a second clean build", got)
	}
}

func TestPing(t *testing.T) {
	s := published(map[string][]byte{"index.html": html("home")})
	s.ping = 5 * time.Millisecond
	st := listen(t, newTestServer(t, s), "/")
	st.hello(t)
	select {
	case e := <-st.events:
		if e.name != "" || e.data != ": ping" {
			t.Fatalf("got %+v, want a ping comment", e)
		}
	case <-time.After(timeout):
		t.Fatal("no ping")
	}
}

// stalledWriter is a connection whose reader never reads: every write after
// the first blocks until release is closed.
type stalledWriter struct {
	header  http.Header
	writes  int
	release chan struct{}
}

func (w *stalledWriter) Header() http.Header { return w.header }
func (w *stalledWriter) WriteHeader(int)     {}
func (w *stalledWriter) Flush()              {}
func (w *stalledWriter) Write(b []byte) (int, error) {
	w.writes++
	if w.writes > 1 {
		<-w.release
		return 0, errors.New("connection reset")
	}
	return len(b), nil
}

func TestSlowClientNeverBlocksPublish(t *testing.T) {
	var logged sync.Mutex
	var notes []string
	s := New(func(format string, args ...any) {
		logged.Lock()
		defer logged.Unlock()
		notes = append(notes, fmt.Sprintf(format, args...))
	})
	s.Publish(Update{Files: MapFiles(map[string][]byte{"index.html": html("0")})})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	w := &stalledWriter{header: http.Header{}, release: make(chan struct{})}
	handlerDone := make(chan struct{})
	go func() {
		defer close(handlerDone)
		s.ServeHTTP(w, local(httptest.NewRequest("GET", EventsPath+"?path=/", nil)))
	}()
	if err := s.WaitClients(ctx, 1); err != nil {
		t.Fatal(err)
	}

	published := make(chan struct{})
	go func() {
		defer close(published)
		for i := range 10 * clientBuffer {
			s.Publish(Update{Files: MapFiles(map[string][]byte{"index.html": html(fmt.Sprint(i + 1))})})
		}
	}()
	select {
	case <-published:
	case <-ctx.Done():
		t.Fatal("Publish blocked on a client that does not read")
	}
	if err := s.WaitClients(ctx, 0); err != nil {
		t.Fatalf("the stalled client was not dropped: %v", err)
	}
	close(w.release)
	select {
	case <-handlerDone:
	case <-ctx.Done():
		t.Fatal("the stalled client's handler did not return")
	}
	logged.Lock()
	defer logged.Unlock()
	if len(notes) != 1 || !strings.Contains(notes[0], "dropped") {
		t.Errorf("log %q, want one note about the dropped client", notes)
	}
}

func TestWaitVersionAndClients(t *testing.T) {
	s := New(nil)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done := make(chan error)
	go func() { done <- s.WaitVersion(ctx, 3) }()
	for range 3 {
		s.Publish(Update{})
	}
	if err := <-done; err != nil || s.Version() != 3 {
		t.Fatalf("WaitVersion: %v, version %d", err, s.Version())
	}
	short, cancelShort := context.WithCancel(ctx)
	cancelShort()
	if err := s.WaitClients(short, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitClients on a cancelled context: %v", err)
	}
}

func goroutinesBack(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, had %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		<-tick.C
	}
}

func TestServeShutsDown(t *testing.T) {
	before := runtime.NumGoroutine()
	s := published(map[string][]byte{"index.html": html("home")})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	base := "http://" + ln.Addr().String()
	tr := &http.Transport{}
	resp, err := (&http.Client{Transport: tr}).Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	tr.CloseIdleConnections()

	// Two open streams end with the server, without the clients hanging up.
	var streams []*stream
	t.Run("streams", func(t *testing.T) {
		for range 2 {
			st := listen(t, base, "/")
			st.hello(t)
			streams = append(streams, st)
		}
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Fatalf("Serve: %v", err)
			}
		case <-time.After(timeout):
			t.Fatal("Serve did not return after cancel")
		}
		for _, st := range streams {
			select {
			case _, ok := <-st.events:
				if ok {
					t.Error("an event after shutdown")
				}
			case <-time.After(timeout):
				t.Fatal("a stream is still open after Serve returned")
			}
		}
	})
	if s.Clients() != 0 {
		t.Errorf("%d clients after shutdown", s.Clients())
	}
	goroutinesBack(t, before)
}

func TestServeListenerError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := New(nil).Serve(context.Background(), ln); err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
}

func TestUnhashed(t *testing.T) {
	tests := []struct{ in, want string }{
		{"assets/main.1a2b3c4d.css", "assets/main.css"},
		{"assets/main-1a2b3c4d.css", "assets/main.css"},
		{"assets/print.css", "assets/print.css"},
		{"assets/print-styles.css", "assets/print-styles.css"},
		{"assets/a.b.css", "assets/a.b.css"},
		{"x.abcdef.css", "x.abcdef.css"},
		{"1a2b3c4d.css", "1a2b3c4d.css"},
	}
	for _, tt := range tests {
		if got := unhashed(tt.in); got != tt.want {
			t.Errorf("unhashed(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStylesheetChanges(t *testing.T) {
	b := []byte("x")
	tests := []struct {
		name      string
		old, next map[string][]byte
		renames   []rename
		restyled  []string
	}{
		{"by key", map[string][]byte{"a/main.11111111.css": b, "a/print.22222222.css": b},
			map[string][]byte{"a/main.33333333.css": b, "a/print.44444444.css": b},
			[]rename{{"a/main.11111111.css", "a/main.33333333.css"}, {"a/print.22222222.css", "a/print.44444444.css"}}, nil},
		{"one for one", map[string][]byte{"old.css": b}, map[string][]byte{"new.css": b},
			[]rename{{"old.css", "new.css"}}, nil},
		{"ambiguous", map[string][]byte{"a.css": b, "b.css": b}, map[string][]byte{"c.css": b, "d.css": b}, nil, nil},
		{"same name", map[string][]byte{"s.css": b, "t.css": b}, map[string][]byte{"s.css": []byte("y"), "t.css": b}, nil, []string{"s.css"}},
	}
	for _, tt := range tests {
		r, s := stylesheetChanges(MapFiles(tt.old), MapFiles(tt.next))
		if !reflect.DeepEqual(r, tt.renames) || !reflect.DeepEqual(s, tt.restyled) {
			t.Errorf("%s: %v %v, want %v %v", tt.name, r, s, tt.renames, tt.restyled)
		}
	}
}

// filesOf is m as Files; nil for nil, as before the first good build.
func filesOf(m map[string][]byte) Files {
	if m == nil {
		return nil
	}
	return MapFiles(m)
}
