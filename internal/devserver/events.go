package devserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/diag"
)

// client is one open event stream.
type client struct {
	path    string        // the clean URL path of the page it shows
	hash    string        // the page's hash at the last version sent (guarded by Server.mu)
	ch      chan []byte   // one message per publish; only Publish sends, nobody closes it
	dropped chan struct{} // closed by Publish (under Server.mu) when it drops the client
}

// serveEvents streams events to one page until the page goes away, the
// server shuts down or Publish drops the client for falling behind.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Query().Get("path")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	c := &client{
		path:    cleanPath(p),
		ch:      make(chan []byte, clientBuffer),
		dropped: make(chan struct{}),
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)

	// Register and take the state to greet with in one step, so the client
	// misses no publish and sees none twice. Writing happens unlocked: a
	// stalled connection must never hold up Publish.
	s.mu.Lock()
	var hello []byte
	hello, c.hash = helloMessage(s.cur.Load(), c.path)
	s.clients[c] = struct{}{}
	s.signalLocked()
	s.mu.Unlock()
	defer s.unregister(c)

	send := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	defer func() { _ = rc.SetWriteDeadline(time.Time{}) }()

	w.WriteHeader(http.StatusOK)
	if !send(hello) {
		return
	}
	ping := time.NewTicker(s.ping)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.dropped:
			return
		case msg := <-c.ch:
			if !send(msg) {
				return
			}
		case <-ping.C:
			if !send([]byte(": ping\n\n")) {
				return
			}
		}
	}
}

func (s *Server) unregister(c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, c)
	s.signalLocked()
}

// Event payloads.
type (
	helloEvent struct {
		Version uint64 `json:"version"`
		Hash    string `json:"hash"`
	}
	problemsEvent struct {
		Version  uint64        `json:"version"`
		Problems []wireProblem `json:"problems"`
		More     int           `json:"more,omitempty"`
	}
	reloadEvent struct {
		Version uint64 `json:"version"`
		Path    string `json:"path"`
	}
	cssEvent struct {
		Version uint64 `json:"version"`
		Swaps   []Swap `json:"swaps"`
	}
	versionEvent = helloEvent
)

// Swap is one stylesheet to replace in place: links whose URL path is Old
// get New as their href.
type Swap struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// wireProblem is a Problem as the overlay script reads it. Text is
// "file:line: message", the text of the overlay item's data-problem hook.
type wireProblem struct {
	File     string      `json:"file"`
	Line     int         `json:"line,omitempty"`
	Col      int         `json:"col,omitempty"`
	Severity string      `json:"severity"`
	Message  string      `json:"message"`
	Where    string      `json:"where"`
	Text     string      `json:"text"`
	Source   []diag.Line `json:"source,omitempty"`
}

func toWire(ps []Problem) []wireProblem {
	out := make([]wireProblem, 0, len(ps))
	for _, p := range ps {
		where := p.File
		if p.Line > 0 {
			where += ":" + strconv.Itoa(p.Line)
		}
		out = append(out, wireProblem{
			File:     p.File,
			Line:     p.Line,
			Col:      p.Col,
			Severity: p.Severity.String(),
			Message:  p.Message,
			Where:    where,
			Text:     where + ": " + p.Message,
			Source:   p.Source,
		})
	}
	return out
}

// frame formats one SSE event. JSON has no raw newlines, so one data line
// carries it.
func frame(event string, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil { // cannot happen: every payload is plain data
		data = []byte("{}")
	}
	b := make([]byte, 0, len(event)+len(data)+16)
	b = append(b, "event: "...)
	b = append(b, event...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// helloMessage is what a client gets on connect: who it is talking to and
// the current problems (an empty list hides a stale overlay).
// It also returns the page's hash.
func helloMessage(st *state, p string) ([]byte, string) {
	h := lookupPage(st.files, p).hash()
	b := frame("hello", helloEvent{Version: st.version, Hash: h})
	return append(b, frame("problems", problemsEvent{Version: st.version, Problems: toWire(st.problems), More: st.more})...), h
}

// diff is what one publish changed, worked out once for all clients.
type diff struct {
	old, next *state
	rebuilt   bool   // the publish carried files
	problems  []byte // the problems frame, nil when there are none now and were none before
	renames   []rename
	restyled  []string // stylesheets whose name stayed and bytes changed
}

type rename struct {
	old, new string // output paths
}

func newDiff(old, next *state, rebuilt bool) *diff {
	d := &diff{old: old, next: next, rebuilt: rebuilt}
	if len(old.problems) > 0 || len(next.problems) > 0 {
		d.problems = frame("problems", problemsEvent{Version: next.version, Problems: toWire(next.problems), More: next.more})
	}
	if rebuilt && old.files != nil {
		d.renames, d.restyled = stylesheetChanges(old.files, next.files)
	}
	return d
}

// message is everything one publish means to a page at path p whose hash
// was hash; it returns the message and the page's new hash.
func (d *diff) message(p, hash string) ([]byte, string) {
	var b []byte
	b = append(b, d.problems...)
	op, np := lookupPage(d.old.files, p), lookupPage(d.next.files, p)
	switch {
	case !op.equal(np):
		hash = np.hash()
		if swaps := d.styleOnly(op, np); swaps != nil {
			b = append(b, frame("css", cssEvent{Version: d.next.version, Swaps: swaps})...)
		} else {
			b = append(b, frame("reload", reloadEvent{Version: d.next.version, Path: p})...)
		}
	case d.rebuilt:
		if swaps := d.restyledIn(np); swaps != nil {
			b = append(b, frame("css", cssEvent{Version: d.next.version, Swaps: swaps})...)
		}
	}
	return append(b, frame("version", versionEvent{Version: d.next.version, Hash: hash})...), hash
}

// styleOnly returns the swaps that turn the page's old bytes into its new
// bytes when the only change is renamed stylesheets, or nil.
func (d *diff) styleOnly(op, np page) []Swap {
	if op.status != np.status || len(d.renames) == 0 {
		return nil
	}
	var swaps []Swap
	b := op.body
	for _, r := range d.renames {
		ob, nb := []byte(path.Base(r.old)), []byte(path.Base(r.new))
		if !bytes.Contains(b, ob) {
			continue
		}
		b = bytes.ReplaceAll(b, ob, nb)
		swaps = append(swaps, Swap{Old: "/" + r.old, New: "/" + r.new})
	}
	if swaps == nil || !bytes.Equal(b, np.body) {
		return nil
	}
	return append(swaps, d.restyledIn(np)...)
}

// restyledIn returns swaps that reload the stylesheets the page names whose
// bytes changed under the same name (a cache-busting query makes the
// browser fetch them again).
func (d *diff) restyledIn(np page) []Swap {
	var swaps []Swap
	for _, name := range d.restyled {
		if bytes.Contains(np.body, []byte(path.Base(name))) {
			swaps = append(swaps, Swap{Old: "/" + name, New: "/" + name + "?v=" + strconv.FormatUint(d.next.version, 10)})
		}
	}
	return swaps
}

// stylesheetChanges pairs stylesheets that went away with ones that came,
// by their name without the content hash ("assets/main.1a2b3c4d.css" and
// "assets/main.5e6f7a8b.css" are both "assets/main.css"); when exactly one
// is left unpaired on each side, those two pair too. It also lists
// stylesheets whose bytes changed under the same name.
func stylesheetChanges(old, next Files) (renames []rename, restyled []string) {
	var gone, came []string
	oldNames, nextNames := old.Styles(), next.Styles()
	for _, name := range oldNames {
		if !slices.Contains(nextNames, name) {
			gone = append(gone, name)
			continue
		}
		b, _ := old.Get(name)
		if nb, _ := next.Get(name); !bytes.Equal(b, nb) {
			restyled = append(restyled, name)
		}
	}
	for _, name := range nextNames {
		if !slices.Contains(oldNames, name) {
			came = append(came, name)
		}
	}
	if len(gone) == 0 || len(came) == 0 {
		slices.Sort(restyled)
		return nil, restyled
	}
	slices.Sort(gone)
	slices.Sort(came)
	slices.Sort(restyled)

	byKey := func(names []string) map[string][]string {
		m := make(map[string][]string)
		for _, n := range names {
			m[unhashed(n)] = append(m[unhashed(n)], n)
		}
		return m
	}
	gk, ck := byKey(gone), byKey(came)
	paired := make(map[string]bool)
	for _, g := range gone {
		k := unhashed(g)
		if len(gk[k]) == 1 && len(ck[k]) == 1 {
			renames = append(renames, rename{old: g, new: ck[k][0]})
			paired[g], paired[ck[k][0]] = true, true
		}
	}
	restG := slices.DeleteFunc(slices.Clone(gone), func(n string) bool { return paired[n] })
	restC := slices.DeleteFunc(slices.Clone(came), func(n string) bool { return paired[n] })
	if len(restG) == 1 && len(restC) == 1 {
		renames = append(renames, rename{old: restG[0], new: restC[0]})
	}
	return renames, restyled
}

func isCSS(name string) bool { return strings.EqualFold(path.Ext(name), ".css") }

// unhashed drops a content hash from a stylesheet's name: the last segment
// before ".css" that follows a '.', '-' or '_', is at least 6 characters of
// letters and digits and holds a digit.
func unhashed(name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	i := strings.LastIndexAny(stem, ".-_/")
	if i < 0 || stem[i] == '/' {
		return name
	}
	seg := stem[i+1:]
	if len(seg) < 6 || !strings.ContainsAny(seg, "0123456789") {
		return name
	}
	for _, r := range seg {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return name
		}
	}
	return stem[:i] + ext
}
