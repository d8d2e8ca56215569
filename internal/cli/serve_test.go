package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/devserver"
)

// served starts Serve on a free loopback port and returns its URL and
// server; the server stops at the end of the test.
func served(t *testing.T, root string, poll time.Duration) (string, *devserver.Server, context.CancelFunc, chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type ready struct {
		url string
		srv *devserver.Server
	}
	readyc := make(chan ready, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ServeOptions{Source: root, Addr: "127.0.0.1:0", Poll: poll,
			Ready: func(url string, srv *devserver.Server) { readyc <- ready{url, srv} }}, io.Discard, io.Discard)
	}()
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
		return r.url, r.srv, cancel, done
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil, cancel, done
}

// waitPublish waits for the publish after version v.
func waitPublish(t *testing.T, srv *devserver.Server, v uint64) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.WaitVersion(ctx, v+1); err != nil {
		t.Fatalf("no rebuild after version %d: %v", v, err)
	}
	return srv.Version()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const section = "---\ntitle: Symptoms\n---\n"

// TestServeRebuilds drives the watcher with real file operations — write,
// atomic save by rename, a new folder with files, a delete, a folder
// rename, a broken and then fixed frontmatter — in both watching modes,
// and checks what the server answers after each rebuild.
func TestServeRebuilds(t *testing.T) {
	for _, mode := range []struct {
		name string
		poll time.Duration
	}{{"events", 0}, {"poll", 25 * time.Millisecond}} {
		t.Run(mode.name, func(t *testing.T) {
			root := writeSite(t, map[string]string{
				"content/symptoms/_index.md":         section,
				"content/symptoms/breathlessness.md": module + "\nFirst words.\n",
			})
			url, srv, _, _ := served(t, root, mode.poll)
			page := url + "symptoms/breathlessness/"
			if code, body := get(t, page); code != 200 || !strings.Contains(body, "First words.") || !strings.Contains(body, "/__cmesite/reload.js") {
				t.Fatalf("first page: %d %q", code, body)
			}
			file := filepath.Join(root, "content", "symptoms", "breathlessness.md")

			// A plain write.
			os.WriteFile(file, []byte(module+"\nSecond words.\n"), 0o644)
			// (os.WriteFile truncates, then writes: on a loaded machine
			// the two can come in two batches, so wait for the text.)
			v := waitFor(t, srv, func() bool { return strings.Contains(mustGet(t, page), "Second words.") })
			// An atomic save: write a temporary file, rename it over.
			save(t, file, module+"\nThird words.\n")
			v = waitPublish(t, srv, v)
			if _, body := get(t, page); !strings.Contains(body, "Third words.") {
				t.Error("an atomic save did not show")
			}
			// A new folder with files.
			os.MkdirAll(filepath.Join(root, "content", "cards"), 0o755)
			os.WriteFile(filepath.Join(root, "content", "cards", "card.md"), []byte(strings.Replace(module, "Breathlessness", "Card", 1)), 0o644)
			v = waitPublish(t, srv, v)
			for srv.Version() == v && !strings.Contains(mustGet(t, url+"cards/card/"), "<h1>Card</h1>") {
				v = waitPublish(t, srv, v)
			}
			if code, _ := get(t, url+"cards/card/"); code != 200 {
				t.Errorf("a module in a new folder answers %d", code)
			}
			// Rename the folder: the old URL goes, the new one comes.
			os.Rename(filepath.Join(root, "content", "cards"), filepath.Join(root, "content", "quick"))
			waitFor(t, srv, func() bool { code, _ := get(t, url+"quick/card/"); return code == 200 })
			if code, _ := get(t, url+"cards/card/"); code != 404 {
				t.Errorf("the old URL of a renamed folder answers %d, want 404", code)
			}
			// Delete a module.
			os.Remove(filepath.Join(root, "content", "quick", "card.md"))
			v = waitFor(t, srv, func() bool { code, _ := get(t, url+"quick/card/"); return code == 404 })
			// Break the frontmatter: the last good page stays served.
			os.WriteFile(file, []byte("---\ntitle: Broken\nlevel: [basic\n---\n"), 0o644)
			waitPublish(t, srv, v)
			if _, body := get(t, page); !strings.Contains(body, "Third words.") {
				t.Error("a broken save replaced the last good page")
			}
			// Fix it.
			os.WriteFile(file, []byte(module+"\nFixed words.\n"), 0o644)
			waitFor(t, srv, func() bool { return strings.Contains(mustGet(t, page), "Fixed words.") })
		})
	}
}

// waitFor waits until cond holds, through as many rebuilds as it takes
// (for 15 s), and returns the version then served.
func waitFor(t *testing.T, srv *devserver.Server, cond func() bool) uint64 {
	t.Helper()
	// cond is checked after each rebuild and every few milliseconds
	// between them: serve prints to the terminal after it publishes, so
	// a condition on its output can come true after the version moved.
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after rebuilds (version %d)", srv.Version())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		srv.WaitVersion(ctx, srv.Version()+1)
		cancel()
	}
	return srv.Version()
}

// save writes file whole in one step, as editors that save by rename do:
// a plain write truncates first, and a rebuild that reads the empty file
// between the two would count as a save of its own.
func save(t *testing.T, file, text string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(file), ".cmesite-test-save")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
}

func mustGet(t *testing.T, url string) string {
	_, body := get(t, url)
	return body
}

// TestServeStops: cancelling the context ends Serve and its goroutines.
func TestServeStops(t *testing.T) {
	before := runtime.NumGoroutine()
	root := writeSite(t, map[string]string{"content/symptoms/breathlessness.md": module})
	url, _, cancel, done := served(t, root, 0)
	get(t, url)
	http.DefaultClient.CloseIdleConnections()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
		done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond) // goroutines finishing; bounded
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before serve, %d after", before, n)
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if e.Name() != "content" {
			t.Errorf("serve left %s in the site root", e.Name())
		}
	}
}
