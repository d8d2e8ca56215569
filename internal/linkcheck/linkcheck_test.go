package linkcheck

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// servers are local test servers of every kind the checker meets.
type servers struct {
	ok, slow, redirect, loop, notFound, broken, flaky *httptest.Server
	silent                                            net.Listener // accepts connections and never answers
	release                                           chan struct{}
	hits                                              sync.Map // path -> *atomic.Int32
	conns                                             sync.WaitGroup
}

func (s *servers) count(r *http.Request) int32 {
	v, _ := s.hits.LoadOrStore(r.Host+r.URL.Path, new(atomic.Int32))
	return v.(*atomic.Int32).Add(1)
}

func (s *servers) hitsOf(u string) int32 {
	u = strings.TrimPrefix(u, "http://")
	v, ok := s.hits.Load(u)
	if !ok {
		return 0
	}
	return v.(*atomic.Int32).Load()
}

func newServers(t *testing.T) *servers {
	s := &servers{release: make(chan struct{})}
	handler := func(fn func(w http.ResponseWriter, r *http.Request)) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.count(r)
			fn(w, r)
		}))
	}
	s.ok = handler(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("fine")) })
	// slow answers only when the test ends: the checker's timeout comes first.
	s.slow = handler(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-s.release:
		}
	})
	s.redirect = handler(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.ok.URL+"/moved", http.StatusMovedPermanently)
	})
	s.loop = handler(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	s.notFound = handler(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	s.broken = handler(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "oops", http.StatusInternalServerError)
	})
	// flaky fails its first answer for each path, then answers.
	s.flaky = handler(func(w http.ResponseWriter, r *http.Request) {
		if s.hitsOf("http://"+r.Host+r.URL.Path) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("fine"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.silent = ln
	var held sync.Mutex
	var open []net.Conn
	s.conns.Add(1)
	go func() {
		defer s.conns.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held.Lock()
			open = append(open, c)
			held.Unlock()
		}
	}()
	t.Cleanup(func() {
		close(s.release)
		for _, srv := range []*httptest.Server{s.ok, s.slow, s.redirect, s.loop, s.notFound, s.broken, s.flaky} {
			srv.Close()
		}
		ln.Close()
		s.conns.Wait()
		held.Lock()
		for _, c := range open {
			c.Close()
		}
		held.Unlock()
	})
	return s
}

// quick are options for tests: short timeouts, no delays worth waiting
// for, a client of the test's own.
func quick(t *testing.T) Options {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return Options{Client: &http.Client{Transport: tr}, Timeout: 200 * time.Millisecond, Backoff: time.Millisecond,
		Delay: time.Millisecond, Retries: 2, Parallel: 4}
}

// noLeak fails when a goroutine of the checker outlives Check.
func noLeak(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "linkcheck.Check") || strings.Contains(g, "linkcheck.checkOne") {
			t.Errorf("a checker goroutine outlived Check:\n%s", g)
		}
	}
}

func TestCheck(t *testing.T) {
	s := newServers(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a bound, not an assertion
	defer cancel()
	urls := map[string]struct {
		ok     bool
		reason string
		tries  int32 // requests the server saw
	}{
		s.ok.URL + "/page":                              {true, "", 1},
		s.redirect.URL + "/old":                         {true, "", 1},
		s.flaky.URL + "/busy":                           {true, "", 2},
		s.notFound.URL + "/gone":                        {false, "404 Not Found", 1},
		s.broken.URL + "/error":                         {false, "500 Internal Server Error (3 tries)", 3},
		s.slow.URL + "/slow":                            {false, "no answer within 200ms (3 tries)", 3},
		s.loop.URL + "/loop":                            {false, "stopped after 10 redirects (3 tries)", 3},
		"http://" + s.silent.Addr().String() + "/never": {false, "no answer within 200ms (3 tries)", 0},
		"ftp://example.org/x":                           {false, "not an http(s) URL", 0},
	}
	var list []string
	for u := range urls {
		list = append(list, u, u) // duplicates are asked once
	}
	res := Check(ctx, list, quick(t))
	noLeak(t)
	if len(res) != len(urls) {
		t.Errorf("%d results, want %d", len(res), len(urls))
	}
	for u, want := range urls {
		r := res[u]
		if r.OK != want.ok || r.Reason != want.reason {
			t.Errorf("%s: ok=%v reason=%q, want ok=%v reason=%q", u, r.OK, r.Reason, want.ok, want.reason)
		}
		if u == s.loop.URL+"/loop" || strings.Contains(u, s.silent.Addr().String()) || strings.HasPrefix(u, "ftp:") {
			continue
		}
		if got := s.hitsOf(u); got != want.tries {
			t.Errorf("%s: the server saw %d requests, want %d", u, got, want.tries)
		}
	}
}

// TestCheckCancelled: a cancelled check ends, its links dead, with no
// goroutine left behind.
func TestCheckCancelled(t *testing.T) {
	s := newServers(t)
	ctx, cancel := context.WithCancel(context.Background())
	opts := quick(t)
	opts.Timeout = time.Hour // only the cancellation ends the requests
	done := make(chan map[string]Result)
	go func() {
		done <- Check(ctx, []string{s.slow.URL + "/a", s.slow.URL + "/b", "http://" + s.silent.Addr().String() + "/x"}, opts)
	}()
	// Cancel once the slow server has the first request.
	for s.hitsOf(s.slow.URL+"/a") == 0 {
		runtime.Gosched()
	}
	cancel()
	res := <-done
	noLeak(t)
	for u, r := range res {
		if r.OK {
			t.Errorf("%s is fine after a cancelled check", u)
		}
	}
}

// TestCache: a second run asks only what was not fine.
func TestCache(t *testing.T) {
	s := newServers(t)
	path := filepath.Join(t.TempDir(), "cache", "links.json")
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	opts := quick(t)
	opts.Now = func() time.Time { return now }
	urls := []string{s.ok.URL + "/cached", s.notFound.URL + "/dead"}

	opts.Cache = OpenCache(path)
	Check(context.Background(), urls, opts)
	if err := opts.Cache.Save(now, 0); err != nil {
		t.Fatal(err)
	}
	opts.Cache = OpenCache(path)
	res := Check(context.Background(), urls, opts)
	if !res[urls[0]].Cached || s.hitsOf(urls[0]) != 1 {
		t.Errorf("a fine link was asked again: cached=%v, %d requests", res[urls[0]].Cached, s.hitsOf(urls[0]))
	}
	if res[urls[1]].Cached || s.hitsOf(urls[1]) != 2 {
		t.Errorf("a dead link was not asked again: %d requests", s.hitsOf(urls[1]))
	}
	// A week later the fine link is asked again.
	now = now.Add(8 * 24 * time.Hour)
	opts.Cache = OpenCache(path)
	Check(context.Background(), urls[:1], opts)
	if s.hitsOf(urls[0]) != 2 {
		t.Errorf("a stale cache entry was trusted: %d requests", s.hitsOf(urls[0]))
	}
}
