// Package devserver is the HTTP side of `cmesite serve`: it serves the latest
// published build of a site from memory and keeps every open page live.
//
// The contract:
//
//   - The caller builds the site and calls Publish with its Files (each
//     output path's bytes, which the site may make when first asked for)
//     or, when a build fails, with nil Files and the problems; the last
//     good files stay served underneath. Publishing asks for the pages open
//     in a browser at once, to tell which must reload. A file that cannot
//     be made answers 500 with the reason. The package knows nothing of
//     curricula or file watching.
//   - Requests map to output paths: "/" -> "index.html", "/a/" ->
//     "a/index.html", "/a" (a folder with an index) -> 301 "/a/", unknown ->
//     the site's "404.html" with status 404 (plain text when it has none).
//     Before the first publish with Files every path answers 503 with a
//     small HTML page, so the overlay can say why and the page reloads when
//     the site appears.
//     Only GET and HEAD are allowed; every response says Cache-Control:
//     no-store. Paths are cleaned (a request that is not clean is redirected
//     to its clean form), so no request reaches outside the site and there
//     are no directory listings.
//   - Every text/html response gets ScriptTag injected once, before </body>
//     (at the end when there is none). Files handed to Publish are never
//     modified: the injection happens per response, so the builder and the
//     files it writes to disk never see it.
//   - The script keeps a Server-Sent Events stream open on EventsPath and
//     tells the server which page it shows. A page reloads only when its own
//     bytes changed; when the only change is a stylesheet's hashed name, the
//     <link> is swapped in place; pages that did not change do nothing.
//     Scroll position survives a reload, and the stream reconnects with
//     backoff when the server restarts, reloading if the page changed
//     meanwhile.
//   - A failed build's problems show as an overlay (id "cmesite-overlay",
//     one element with a data-problem attribute per problem) in every open
//     page until a publish without problems. A good build's problems are
//     warnings: they show in a small panel in a corner (id
//     "cmesite-warnings", same data-problem items) that leaves the page
//     usable and can be dismissed; a dismissed set of warnings stays
//     hidden, in that tab, until the set changes. Messages and source are
//     sent as JSON data and rendered with textContent only.
//   - No service worker runs under the preview: a browser's request for a
//     worker script (it sends "Service-Worker: script" when it registers or
//     updates one) is answered with NoWorker, a worker that removes itself,
//     the caches of cmesite's workers and its hold on open pages, which
//     reload from the server. A worker a build of the same site registered
//     on this address (its sw.js) would otherwise answer pages from its
//     cache, and saves would not show. Pages tell they are served by the
//     preview from the Server-Timing entry "cmesite" (below), and the
//     default theme's register no worker then.
//   - Requests are answered only when their Host header names this
//     computer: localhost, *.localhost, a loopback address, or what
//     AllowHosts added (Serve adds the listening address when it is not
//     loopback). Any other Host gets 403 with the reason, so a web page
//     cannot read the preview through DNS rebinding.
//
// The events on the stream, each with a JSON object as data:
//
//	hello     {"version":N,"hash":H}             first, on every connect
//	problems  {"version":N,"problems":[...],"more":M}  after hello, and on each publish while there are (or just were) problems; M (omitted when 0) problems were left out
//	reload    {"version":N,"path":P}             the page's bytes changed
//	css       {"version":N,"swaps":[{"old":O,"new":U}]}  only stylesheets changed
//	version   {"version":N,"hash":H}             last event of every publish
//
// A problem is {"file","line","col","severity","message","where":"file:line",
// "text":"file:line: message","source":[{"n","text","here"}]}.
// H identifies the bytes of the client's page at version N (it is also sent
// in the Server-Timing header of HTML responses as cmesite;desc="H"), so a
// client that reconnects reloads exactly when its page changed meanwhile.
// Every publish sends a client its events in one piece, ending with version:
// a test that has seen "version N" has seen everything publish N caused.
// In Go, Version, Changed, WaitVersion and WaitClients let a caller or a
// test wait for a publish or a connection instead of sleeping; in a
// browser, the script sets data-cmesite-version on <html> to the last
// version the page has processed and keeps its state in window.__cmesite.
package devserver

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cmesite/cmesite/internal/diag"
)

// Paths the server reserves for itself; a site's own files under
// "/__cmesite/" are not reachable.
const (
	InternalPrefix = "/__cmesite/"
	ScriptPath     = "/__cmesite/reload.js"
	EventsPath     = "/__cmesite/events"
	// ScriptTag is what every served HTML response gets, once.
	ScriptTag = `<script src="/__cmesite/reload.js" defer></script>`
)

// NoWorker is what a request for a service worker script gets: a worker
// that unregisters itself, deletes the caches of cmesite's workers
// (named "cmesite <scope> <version>") and reloads the pages it controlled.
const NoWorker = `// cmesite serve runs no service worker: this one removes an earlier one.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil((async () => {
  for (const k of await caches.keys()) if (k.startsWith("cmesite ")) await caches.delete(k);
  await self.registration.unregister();
  for (const c of await self.clients.matchAll({ type: "window" })) c.navigate(c.url);
})()));
`

// reloadJS is the live-reload and overlay client served at ScriptPath.
//
//go:embed reload.js
var reloadJS []byte

const (
	clientBuffer    = 32               // publishes a client may fall behind before it is dropped
	defaultPing     = 20 * time.Second // SSE comment ping interval
	writeTimeout    = 10 * time.Second // a stalled connection is cut after this
	shutdownTimeout = 5 * time.Second
)

// Problem is one diagnostic with a few lines of source around it.
type Problem struct {
	diag.Diagnostic
	Source []diag.Line // may be empty
}

// Files is a published site: the bytes of each output path
// ("index.html", "pain/opioids/index.html", "assets/main.1a2b3c4d.css",
// "404.html"). A site may make a file when it is first asked for; the
// server asks for the pages open in a browser as soon as a site is
// published, to tell which must reload. Implementations must be safe
// for concurrent use, and the bytes they return are never modified.
type Files interface {
	// Get returns the file at output path name: an error that wraps
	// fs.ErrNotExist when the site has none, another error when it has
	// one that could not be made (the server answers 500 and says why).
	Get(name string) ([]byte, error)
	// Styles lists the output paths of the site's stylesheets.
	Styles() []string
}

// MapFiles is Files held in a map.
type MapFiles map[string][]byte

// Get returns the file at name.
func (m MapFiles) Get(name string) ([]byte, error) {
	if b, ok := m[name]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
}

// Styles lists the map's stylesheets.
func (m MapFiles) Styles() []string {
	var names []string
	for name := range m {
		if isCSS(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Update is one publish: the whole site, or nil Files when the build failed
// and the last good files should stay served.
type Update struct {
	// Files is the site; treated as immutable once published.
	Files Files
	// Problems is empty when the site is fine; that clears the overlay.
	// With Files, they are warnings: the page shows them in a small panel
	// that leaves it usable. Without, the build failed: the overlay.
	Problems []Problem
	// More is the number of further problems left out of Problems (a
	// site with thousands of warnings); the page says how many.
	More int
}

// state is one published version; immutable once stored.
type state struct {
	version  uint64
	files    Files // nil until the first good build
	problems []Problem
	more     int
}

// Server serves the latest published site with live reload. Create it with
// New; the zero value is not usable.
type Server struct {
	logf func(string, ...any)
	ping time.Duration

	cur atomic.Pointer[state]

	hosts sync.Map // further names the Host header may give (AllowHosts), lower case

	mu      sync.Mutex // serialises Publish and client (un)registration
	clients map[*client]struct{}
	changed chan struct{} // closed and replaced on every publish, connect and disconnect
}

// New returns a Server with nothing published yet: until the first Publish
// with Files, every page says the site is still building. logf receives
// notes such as a dropped slow client; nil discards them.
func New(logf func(string, ...any)) *Server {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	s := &Server{
		logf:    logf,
		ping:    defaultPing,
		clients: make(map[*client]struct{}),
		changed: make(chan struct{}),
	}
	s.cur.Store(&state{})
	return s
}

// Publish makes u the current state and tells every connected page what to
// do about it. It never waits for a client: a client whose buffer is full is
// dropped (its browser reconnects and catches up). Safe for concurrent use
// with serving and with other calls to Publish.
func (s *Server) Publish(u Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	next := &state{
		version:  old.version + 1,
		files:    u.Files,
		problems: append([]Problem(nil), u.Problems...),
		more:     u.More,
	}
	if next.files == nil {
		next.files = old.files
	}
	s.cur.Store(next)

	if len(s.clients) > 0 {
		d := newDiff(old, next, u.Files != nil)
		type out struct {
			msg  []byte
			hash string
		}
		byPath := make(map[string]out)
		for c := range s.clients {
			o, ok := byPath[c.path]
			if !ok {
				o.msg, o.hash = d.message(c.path, c.hash)
				byPath[c.path] = o
			}
			c.hash = o.hash
			select {
			case c.ch <- o.msg:
			default:
				delete(s.clients, c)
				close(c.dropped)
				s.logf("devserver: dropped a live-reload client on %s that fell %d builds behind; it will reconnect", c.path, clientBuffer)
			}
		}
	}
	s.signalLocked()
}

// Version is the number of publishes so far (0 before the first).
func (s *Server) Version() uint64 { return s.cur.Load().version }

// Clients is the number of connected live-reload streams.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

// Changed returns a channel that is closed at the next Publish or the next
// time a live-reload client connects or goes away. Read Version or Clients
// after it fires, then call Changed again.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// WaitVersion waits until Version() >= v or ctx is done.
func (s *Server) WaitVersion(ctx context.Context, v uint64) error {
	return s.wait(ctx, func() bool { return s.Version() >= v })
}

// WaitClients waits until exactly n live-reload clients are connected or ctx
// is done.
func (s *Server) WaitClients(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return s.Clients() == n })
}

func (s *Server) wait(ctx context.Context, done func() bool) error {
	for {
		ch := s.Changed()
		if done() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// AllowHosts adds names or addresses that requests may be addressed to
// (the Host header), besides the loopback names every server answers:
// localhost, *.localhost, 127.0.0.0/8 and [::1]. Serve adds the address it
// listens on when that is not loopback.
func (s *Server) AllowHosts(hosts ...string) {
	for _, h := range hosts {
		s.hosts.Store(normalHost(h), true)
	}
}

// normalHost is a Host header's host without port, brackets, a final dot
// or capitals.
func normalHost(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	return strings.ToLower(h)
}

// hostAllowed reports whether a request addressed to hostport (its Host
// header) may be answered. The server answers only names that resolve to
// this computer whatever DNS says (loopback names and addresses) and the
// names it was told to allow: a web page an author visits could otherwise
// point a domain of its own at 127.0.0.1 and read the preview, drafts
// included, as a same-origin page (DNS rebinding, as in Vite's
// CVE-2025-24010).
func (s *Server) hostAllowed(hostport string) bool {
	h := normalHost(hostport)
	if h == "" {
		return false
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if ip, err := netip.ParseAddr(h); err == nil && ip.Unmap().IsLoopback() {
		return true
	}
	_, ok := s.hosts.Load(h)
	return ok
}

// ServeHTTP serves the current site, the reload script and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !s.hostAllowed(r.Host) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "403 Forbidden: this cmesite preview answers only requests addressed to localhost, 127.0.0.1 or [::1] (or the address given with --addr), and this one was addressed to %q.\n"+
			"This protects your drafts: a web page could otherwise point a domain name of its own at this computer and read the preview (DNS rebinding).\n"+
			"Open the preview at http://localhost:PORT/, or, to reach it from another device, start cmesite serve with --addr set to this computer's network address and use that address.\n", r.Host)
		return
	}
	if strings.HasPrefix(r.URL.Path, InternalPrefix) {
		s.serveInternal(w, r)
		return
	}
	if r.Header.Get("Service-Worker") == "script" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		serveBody(w, r, http.StatusOK, "sw.js", []byte(NoWorker), nil)
		return
	}
	if !allowMethod(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	st := s.cur.Load()
	if st.files == nil {
		serveBody(w, r, http.StatusServiceUnavailable, "building.html", []byte(buildingPage), func() string { return pageHash(http.StatusServiceUnavailable, nil) })
		return
	}
	t := resolve(st.files, r.URL.Path)
	switch {
	case t.Redirect != "":
		loc := (&url.URL{Path: t.Redirect}).EscapedPath()
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, loc, http.StatusMovedPermanently)
	case t.Found:
		status, name, body := get(st.files, t.Name)
		serveBody(w, r, status, name, body, func() string { return pageHash(status, body) })
	default:
		if body, err := st.files.Get(notFoundFile); err == nil {
			serveBody(w, r, http.StatusNotFound, notFoundFile, body, func() string { return pageHash(http.StatusNotFound, body) })
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusNotFound)
		if r.Method != http.MethodHead {
			fmt.Fprintf(w, "404 page not found: %s\n", r.URL.Path)
		}
	}
}

func (s *Server) serveInternal(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case ScriptPath:
		if !allowMethod(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		serveBody(w, r, http.StatusOK, "reload.js", reloadJS, nil)
	case EventsPath:
		if !allowMethod(w, r, http.MethodGet) {
			return
		}
		s.serveEvents(w, r)
	default:
		http.NotFound(w, r)
	}
}

func allowMethod(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, fmt.Sprintf("405 method %s not allowed: use %s", r.Method, strings.Join(methods, " or ")), http.StatusMethodNotAllowed)
	return false
}

// Serve serves on ln until ctx is done, then ends every event stream and
// shuts the HTTP server down, waiting at most 5 s for requests in flight
// before closing their connections. It returns nil after a shutdown caused
// by ctx, or the error that stopped serving before that.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// Request contexts derive from base: cancelling it ends every event
	// stream (and nothing else: other responses are written from memory).
	s.allowListener(ln.Addr())
	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          log.New(logWriter{s.logf}, "", 0),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("devserver: %w", err)
	case <-ctx.Done():
	}
	cancelBase()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.logf("devserver: shutdown: %v; closing the remaining connections", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("devserver: %w", err)
	}
	return nil
}

// allowListener allows requests addressed to the address the server
// listens on when that is not loopback: its IP address, or, for an
// unspecified address (0.0.0.0, ::), every address of this computer's
// network interfaces.
func (s *Server) allowListener(addr net.Addr) {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return
	}
	ip, ok := netip.AddrFromSlice(ta.IP)
	ip = ip.Unmap()
	if !ok || ip.IsLoopback() {
		return
	}
	if !ip.IsUnspecified() {
		s.AllowHosts(ip.String())
		return
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			s.AllowHosts(p.Addr().Unmap().String())
		}
	}
}

type logWriter struct{ logf func(string, ...any) }

func (l logWriter) Write(p []byte) (int, error) {
	l.logf("devserver: %s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// buildingPage is served (503) before the first good build, so the overlay
// can show why and the page reloads when the site appears.
const buildingPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cmesite: building</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><p>The site has no good build yet. This page reloads when there is one.</p></body></html>
`
