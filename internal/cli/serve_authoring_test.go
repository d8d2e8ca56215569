package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cmesite/cmesite/internal/devserver"
	"github.com/cmesite/cmesite/internal/diag"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// servedWith starts Serve with o and returns its URL, server and output.
func servedWith(t *testing.T, o ServeOptions) (string, *devserver.Server, *syncBuffer, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type ready struct {
		url string
		srv *devserver.Server
	}
	readyc := make(chan ready, 1)
	done := make(chan error, 1)
	var stdout, stderr syncBuffer
	o.Ready = func(url string, srv *devserver.Server) { readyc <- ready{url, srv} }
	go func() { done <- Serve(ctx, o, &stdout, &stderr) }()
	select {
	case r := <-readyc:
		t.Cleanup(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Error("serve did not stop within 10s of cancel")
			}
		})
		return r.url, r.srv, &stdout, &stderr
	case err := <-done:
		cancel()
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return "", nil, nil, nil
}

// TestServePrintsWarnings: a misspelt field is printed in full when it
// appears, once; a new one is printed when it comes; the summary line
// counts them in English.
func TestServePrintsWarnings(t *testing.T) {
	root := writeSite(t, map[string]string{"cmesite.yaml": contactsYAML, "content/symptoms/_index.md": section,
		"content/symptoms/breathlessness.md": module})
	_, srv, stdout, stderr := servedWith(t, ServeOptions{Source: root, Addr: "127.0.0.1:0"})
	file := filepath.Join(root, "content", "symptoms", "breathlessness.md")
	misspelt := strings.Replace(module, "summary:", "objectves: [Relieve breathlessness]\nsummary:", 1)
	const want = `content/symptoms/breathlessness.md:6: warning: unknown module field "objectves" is ignored; did you mean objectives?`
	save(t, file, misspelt)
	// The terminal is written after the browser is told: wait for both.
	v := waitFor(t, srv, func() bool {
		return strings.Contains(stderr.String(), want) && strings.Contains(stdout.String(), "rebuilt")
	})
	if !strings.Contains(stdout.String(), "(1 warning)") {
		t.Errorf("summary line does not count 1 warning:\n%s", stdout.String())
	}
	// The same warning after another save is not printed again.
	save(t, file, misspelt+"\nMore words.\n")
	waitPublish(t, srv, v)
	// A second warning is printed when it comes.
	second := strings.Replace(misspelt, "summary:", "keywrods: [sob]\nsummary:", 1)
	save(t, file, second)
	waitFor(t, srv, func() bool { return strings.Contains(stderr.String(), `"keywrods"`) })
	if n := strings.Count(stderr.String(), `"objectves"`); n != 1 {
		t.Errorf("the objectves warning was printed %d times, want once:\n%s", n, stderr.String())
	}
}

// TestServeHostsAndAddr: the preview answers loopback names only, and
// warns when --addr reaches the network.
func TestServeHostsAndAddr(t *testing.T) {
	root := writeSite(t, map[string]string{"cmesite.yaml": contactsYAML, "content/symptoms/breathlessness.md": module})
	url, _, _, stderr := servedWith(t, ServeOptions{Source: root, Addr: "127.0.0.1:0"})
	if strings.Contains(stderr.String(), "reached from other computers") {
		t.Errorf("a loopback preview warns:\n%s", stderr.String())
	}
	_, port, _ := net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"))
	for host, want := range map[string]int{
		"127.0.0.1:" + port:         200,
		"localhost:" + port:         200,
		"cmesite.localhost:" + port: 200,
		"attacker.example:" + port:  403,
	} {
		req, _ := http.NewRequest("GET", url, nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}

	// On every interface: a warning, and this computer's addresses answer.
	url, _, stdout, stderr := servedWith(t, ServeOptions{Source: root, Addr: "0.0.0.0:0"})
	if !strings.Contains(stderr.String(), "can be reached from other computers on the network") {
		t.Errorf("--addr 0.0.0.0 does not warn:\n%s", stderr.String())
	}
	// It says to open localhost, which answers.
	if !strings.HasPrefix(url, "http://localhost:") || !strings.Contains(stdout.String(), url) {
		t.Errorf("--addr 0.0.0.0 serves at %q:\n%s", url, stdout.String())
	}
	if code, _ := get(t, url); code != 200 {
		t.Errorf("%s answers %d", url, code)
	}
}

// TestProblemsCapped: a page is sent at most maxProblems problems, the
// first maxExcerpts with source lines, and the count of the rest; errors
// win over warnings.
func TestProblemsCapped(t *testing.T) {
	src := strings.Repeat("line\n", 300)
	root := fstest.MapFS{"content/a.md": {Data: []byte(src)}}
	var warnings diag.List
	for i := 1; i <= 250; i++ {
		warnings.Warnf("content/a.md", i, "warning %d", i)
	}
	ps, more := problems(root, warnings)
	if len(ps) != maxProblems || more != 50 {
		t.Fatalf("%d problems and %d more, want %d and 50", len(ps), more, maxProblems)
	}
	for i, p := range ps {
		if (len(p.Source) > 0) != (i < maxExcerpts) {
			t.Errorf("problem %d has %d source lines", i, len(p.Source))
		}
	}
	withError := append(diag.List{}, warnings...)
	withError.Errorf("content/a.md", 3, "broken")
	if ps, more := problems(root, withError); len(ps) != 1 || more != 0 || ps[0].Severity != diag.Error {
		t.Errorf("with an error: %v, %d more", ps, more)
	}
}
