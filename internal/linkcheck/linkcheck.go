// Package linkcheck checks that http(s) links answer, for cmesite check
// --external. It is never used by build or serve: a build must not depend
// on the network.
//
// How it treats the sites it asks:
//   - Links are grouped by host, and one host's links are asked one after
//     another, Delay apart: at most one request at a time to any host.
//   - At most Parallel hosts are asked at once.
//   - Each request has a Timeout; a request that fails in a way that may
//     pass (a timeout, a refused connection, 429 Too Many Requests, a 5xx
//     status) is tried again up to Retries times, Backoff apart, the wait
//     doubling each time (or as long as a Retry-After header asks, up to
//     a minute).
//   - A link is asked with GET; the body is not read. Redirects are
//     followed (up to 10); what counts is the status at the end.
//   - 2xx is fine; any other answer, or none, makes the link dead.
//
// A Cache keeps the links found fine, with when: a link fine within
// MaxAge is not asked again, so a second run is cheap. Dead links are
// always asked again.
package linkcheck

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Options control a check. Zero values take the defaults.
type Options struct {
	Client   *http.Client  // default: a client with no overall timeout (each request has Timeout)
	Parallel int           // hosts asked at once (default 8)
	Delay    time.Duration // between two requests to one host (default 500ms)
	Timeout  time.Duration // per request (default 15s)
	Retries  int           // tries after the first, for failures that may pass (default 2); -1 for none
	Backoff  time.Duration // before the first retry, doubled for each next (default 2s)
	MaxAge   time.Duration // how long a fine link stays fine in the cache (default 7 days)
	Cache    *Cache        // nil: no cache
	Agent    string        // User-Agent (default "cmesite link checker")
	Now      func() time.Time
}

func (o *Options) defaults() {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	if o.Delay == 0 {
		o.Delay = 500 * time.Millisecond
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 2
	}
	if o.Backoff <= 0 {
		o.Backoff = 2 * time.Second
	}
	if o.MaxAge <= 0 {
		o.MaxAge = 7 * 24 * time.Hour
	}
	if o.Agent == "" {
		o.Agent = "cmesite link checker"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Result is what became of one link.
type Result struct {
	URL    string
	OK     bool
	Status int    // the last HTTP status, 0 when there was no answer
	Reason string // why the link is dead: "404 Not Found", "no answer within 15s", ...
	Tries  int    // requests made (0: from the cache)
	Cached bool
}

// Check asks every URL of urls (duplicates are asked once) and returns a
// result for each, by URL. It returns when every request has ended: when
// ctx is done, the links not asked yet are dead with ctx's error as the
// reason.
func Check(ctx context.Context, urls []string, opts Options) map[string]Result {
	opts.defaults()
	results := make(map[string]Result, len(urls))
	byHost := map[string][]string{}
	for _, u := range urls {
		if _, done := results[u]; done {
			continue
		}
		if r, ok := opts.Cache.fresh(u, opts.Now(), opts.MaxAge); ok {
			results[u] = r
			continue
		}
		results[u] = Result{URL: u}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			results[u] = Result{URL: u, Reason: "not an http(s) URL"}
			continue
		}
		host := p.Hostname()
		byHost[host] = append(byHost[host], u)
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)

	var mu sync.Mutex
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range min(opts.Parallel, len(hosts)) {
		wg.Go(func() {
			for h := range jobs {
				for i, u := range byHost[h] {
					if i > 0 && !wait(ctx, opts.Delay) {
						mu.Lock()
						results[u] = Result{URL: u, Reason: ctx.Err().Error()}
						mu.Unlock()
						continue
					}
					r := checkOne(ctx, u, &opts)
					mu.Lock()
					results[u] = r
					mu.Unlock()
				}
			}
		})
	}
	for _, h := range hosts {
		jobs <- h
	}
	close(jobs)
	wg.Wait()
	for _, r := range results {
		if r.OK && !r.Cached {
			opts.Cache.put(r.URL, opts.Now())
		}
	}
	return results
}

// wait waits d, or less when ctx is done first; it reports whether ctx is
// still live.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// checkOne asks u, and again while the failure may pass.
func checkOne(ctx context.Context, u string, o *Options) Result {
	r := Result{URL: u}
	backoff := o.Backoff
	for try := 0; ; try++ {
		r.Tries++
		status, retryAfter, err := get(ctx, u, o)
		r.Status = status
		switch {
		case err == nil && status >= 200 && status < 300:
			r.OK, r.Reason = true, ""
			return r
		case err != nil:
			r.Reason = reason(err, o.Timeout)
		default:
			r.Reason = strconv.Itoa(status) + " " + http.StatusText(status)
		}
		transient := err != nil || status == http.StatusTooManyRequests || status >= 500
		if !transient || try >= o.Retries || ctx.Err() != nil {
			if try > 0 {
				r.Reason += fmt.Sprintf(" (%d tries)", r.Tries)
			}
			return r
		}
		d := backoff
		if retryAfter > 0 {
			d = min(retryAfter, time.Minute)
		}
		if !wait(ctx, d) {
			return r
		}
		backoff *= 2
	}
}

// get asks u once and returns the status and a Retry-After delay.
func get(ctx context.Context, u string, o *Options) (int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("User-Agent", o.Agent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8")
	resp, err := o.Client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	// Read a little, so the connection can be reused, and no more.
	io.CopyN(io.Discard, resp.Body, 4<<10)
	resp.Body.Close()
	var after time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		after = time.Duration(s) * time.Second
	}
	return resp.StatusCode, after, nil
}

// reason says why a request got no answer, in words for an author.
func reason(err error, timeout time.Duration) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return "no answer within " + timeout.String()
	case errors.Is(err, context.Canceled):
		return "check cancelled"
	case errors.As(err, &dnsErr):
		return "host not found: " + dnsErr.Name
	case errors.As(err, &opErr):
		return "cannot connect: " + opErr.Err.Error()
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}

// Cache remembers the links found fine, in a JSON file. Its methods are
// safe on a nil *Cache, which remembers nothing.
type Cache struct {
	path  string
	mu    sync.Mutex
	fine  map[string]time.Time // URL -> when it was last found fine
	dirty bool
}

// OpenCache reads the cache file at path; a missing or unreadable file
// is an empty cache (it is only a cache).
func OpenCache(path string) *Cache {
	c := &Cache{path: path, fine: map[string]time.Time{}}
	data, err := os.ReadFile(path)
	if err == nil {
		var f cacheFile
		if json.Unmarshal(data, &f) == nil && f.Version == cacheVersion {
			for u, t := range f.Fine {
				c.fine[u] = t
			}
		}
	}
	return c
}

const cacheVersion = 1

type cacheFile struct {
	Version int                  `json:"version"`
	Fine    map[string]time.Time `json:"fine"`
}

func (c *Cache) fresh(u string, now time.Time, maxAge time.Duration) (Result, bool) {
	if c == nil {
		return Result{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.fine[u]
	if !ok || now.Sub(t) > maxAge || t.After(now) {
		return Result{}, false
	}
	return Result{URL: u, OK: true, Cached: true}, true
}

func (c *Cache) put(u string, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fine[u], c.dirty = now, true
}

// Save writes the cache file when it changed, dropping entries older
// than maxAge, through a temporary file renamed into place.
func (c *Cache) Save(now time.Time, maxAge time.Duration) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	f := cacheFile{Version: cacheVersion, Fine: map[string]time.Time{}}
	for u, t := range c.fine {
		if now.Sub(t) <= cmp.Or(maxAge, 7*24*time.Hour) {
			f.Fine[u] = t
		}
	}
	data, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.path), ".links-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), c.path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	c.dirty = false
	return nil
}

// DefaultCachePath is where check --external keeps its cache: the user's
// cache folder (on Linux $XDG_CACHE_HOME or ~/.cache), cmesite/links.json.
// Links are the same whichever site names them, so sites share it.
func DefaultCachePath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "cmesite", "links.json"), nil
}
