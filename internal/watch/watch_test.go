package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/content"
)

// waitFor bounds every wait for a batch that must come.
const waitFor = 5 * time.Second

// modes runs a test with fsnotify and with polling.
var modes = []struct {
	name string
	poll time.Duration
}{
	{"fsnotify", 0},
	{"poll", 20 * time.Millisecond},
}

// start creates a Watcher on root and closes it when the test ends,
// failing the test on any error sent on Errors.
func start(t testing.TB, opts Options) *Watcher {
	t.Helper()
	w, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		for err := range w.Errors() {
			t.Errorf("watcher error: %v", err)
		}
	})
	return w
}

// put writes a file below root, creating its folder.
func put(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// collect receives batches until together they hold every path in want,
// checks each batch is sorted and unique, and returns the batches and the
// union of their paths.
func collect(t testing.TB, w *Watcher, want []string) ([]Batch, []string) {
	t.Helper()
	got := map[string]bool{}
	var batches []Batch
	deadline := time.After(waitFor)
	for {
		missing := false
		for _, p := range want {
			if !got[p] {
				missing = true
			}
		}
		if !missing {
			break
		}
		select {
		case b, ok := <-w.Batches():
			if !ok {
				t.Fatalf("Batches closed while waiting for %v", want)
			}
			if !sort.StringsAreSorted(b.Paths) || len(slices.Compact(slices.Clone(b.Paths))) != len(b.Paths) {
				t.Errorf("batch paths not sorted and unique: %q", b.Paths)
			}
			batches = append(batches, b)
			for _, p := range b.Paths {
				got[p] = true
			}
		case <-deadline:
			t.Fatalf("no batch with %v within %v; got %v", want, waitFor, batches)
		}
	}
	union := make([]string, 0, len(got))
	for p := range got {
		union = append(union, p)
	}
	slices.Sort(union)
	return batches, union
}

// expectNone fails if a batch arrives within d.
func expectNone(t *testing.T, w *Watcher, d time.Duration) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Errorf("unexpected batch %+v", b)
	case <-time.After(d):
	}
}

// step is one action of a scenario and the batch it must produce.
type step struct {
	act  func(t *testing.T, root string)
	want []string
	// pollExtra may also be reported in poll mode, which knows the files
	// inside a folder that went away.
	pollExtra []string
	full      bool
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		name  string
		paths []string // default {"content", "themes", "cmesite.yaml"}
		setup func(t *testing.T, root string)
		steps []step
	}{
		{
			name: "write a new file",
			steps: []step{{
				act:  func(t *testing.T, root string) { put(t, root, "content/a.md", "# A") },
				want: []string{"content/a.md"},
			}},
		},
		{
			name:  "edit a file",
			setup: func(t *testing.T, root string) { put(t, root, "content/a.md", "# A") },
			steps: []step{{
				act:  func(t *testing.T, root string) { put(t, root, "content/a.md", "# A, edited") },
				want: []string{"content/a.md"},
			}},
		},
		{
			name:  "atomic save by rename reports only the target",
			setup: func(t *testing.T, root string) { put(t, root, "content/a.md", "# A") },
			steps: []step{{
				act: func(t *testing.T, root string) {
					// Qt's QSaveFile names: no rule knows them.
					put(t, root, "content/a.md.Xq3kLp", "# A, saved")
					must(t, os.Rename(filepath.Join(root, "content/a.md.Xq3kLp"), filepath.Join(root, "content/a.md")))
				},
				want: []string{"content/a.md"},
			}},
		},
		{
			name:  "vim write: 4913 probe, swap file, backup by rename",
			setup: func(t *testing.T, root string) { put(t, root, "content/foo.md", "# Foo") },
			steps: []step{{
				act: func(t *testing.T, root string) {
					dir := filepath.Join(root, "content")
					put(t, root, "content/.foo.md.swp", "swap")
					put(t, root, "content/4913", "")
					must(t, os.Remove(filepath.Join(dir, "4913")))
					must(t, os.Rename(filepath.Join(dir, "foo.md"), filepath.Join(dir, "foo.md~")))
					put(t, root, "content/foo.md", "# Foo, saved by vim")
					must(t, os.Remove(filepath.Join(dir, "foo.md~")))
					put(t, root, "content/.foo.md.swp", "swap, updated")
				},
				want: []string{"content/foo.md"},
			}},
		},
		{
			name:  "JetBrains safe write",
			setup: func(t *testing.T, root string) { put(t, root, "content/a.md", "# A") },
			steps: []step{{
				act: func(t *testing.T, root string) {
					dir := filepath.Join(root, "content")
					put(t, root, "content/a.md___jb_tmp___", "# A, saved")
					must(t, os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "a.md___jb_old___")))
					must(t, os.Rename(filepath.Join(dir, "a.md___jb_tmp___"), filepath.Join(dir, "a.md")))
					must(t, os.Remove(filepath.Join(dir, "a.md___jb_old___")))
				},
				want: []string{"content/a.md"},
			}},
		},
		{
			name:  "gedit save through .goutputstream",
			setup: func(t *testing.T, root string) { put(t, root, "content/a.md", "# A") },
			steps: []step{{
				act: func(t *testing.T, root string) {
					put(t, root, "content/.goutputstream-ZK01QZ", "# A, saved")
					must(t, os.Rename(filepath.Join(root, "content/.goutputstream-ZK01QZ"), filepath.Join(root, "content/a.md")))
				},
				want: []string{"content/a.md"},
			}},
		},
		{
			name:  "emacs lock, auto-save and backup",
			setup: func(t *testing.T, root string) { put(t, root, "content/a.md", "# A") },
			steps: []step{{
				act: func(t *testing.T, root string) {
					dir := filepath.Join(root, "content")
					must(t, os.Symlink("gp@host.1234:1", filepath.Join(dir, ".#a.md")))
					put(t, root, "content/#a.md#", "auto-save")
					must(t, os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "a.md~")))
					put(t, root, "content/a.md", "# A, saved by emacs")
					must(t, os.Remove(filepath.Join(dir, "#a.md#")))
					must(t, os.Remove(filepath.Join(dir, ".#a.md")))
				},
				want: []string{"content/a.md"},
			}},
		},
		{
			name:  "ignored names and folders never show",
			paths: []string{"."},
			steps: []step{{
				act: func(t *testing.T, root string) {
					for _, rel := range []string{
						".git/index", ".idea/workspace.xml", "content/.DS_Store",
						"public/index.html", "public/pain/index.html",
						"content/x.tmp", "content/~$notes.docx", "content/Thumbs.db",
						"content/a.md.swo", "content/a.md.swx",
					} {
						put(t, root, rel, "x")
					}
					put(t, root, "content/real.md", "# Real")
				},
				want: []string{"content/real.md"},
			}},
		},
		{
			name: "new folder with files is watched at once",
			steps: []step{
				{
					act: func(t *testing.T, root string) {
						put(t, root, "content/new/a.md", "# A")
						put(t, root, "content/new/sub/b.md", "# B")
					},
					want: []string{"content/new", "content/new/a.md", "content/new/sub", "content/new/sub/b.md"},
					full: true,
				},
				{
					act:  func(t *testing.T, root string) { put(t, root, "content/new/sub/b.md", "# B, edited") },
					want: []string{"content/new/sub/b.md"},
				},
			},
		},
		{
			name:  "rename a folder",
			setup: func(t *testing.T, root string) { put(t, root, "content/old/sub/a.md", "# A") },
			steps: []step{
				{
					act: func(t *testing.T, root string) {
						must(t, os.Rename(filepath.Join(root, "content/old"), filepath.Join(root, "content/renamed")))
					},
					want:      []string{"content/old", "content/renamed", "content/renamed/sub", "content/renamed/sub/a.md"},
					pollExtra: []string{"content/old/sub", "content/old/sub/a.md"},
					full:      true,
				},
				{
					act:  func(t *testing.T, root string) { put(t, root, "content/renamed/sub/a.md", "# A, edited") },
					want: []string{"content/renamed/sub/a.md"},
				},
				{
					// The old name is free again and watched like any new folder.
					act:  func(t *testing.T, root string) { put(t, root, "content/old/b.md", "# B") },
					want: []string{"content/old", "content/old/b.md"},
					full: true,
				},
			},
		},
		{
			name:  "folder moved in from outside the site",
			setup: func(t *testing.T, root string) { put(t, root, "outside/in/x.md", "# X") },
			steps: []step{
				{
					act: func(t *testing.T, root string) {
						must(t, os.Rename(filepath.Join(root, "outside/in"), filepath.Join(root, "content/in")))
					},
					want: []string{"content/in", "content/in/x.md"},
					full: true,
				},
				{
					act:  func(t *testing.T, root string) { put(t, root, "content/in/x.md", "# X, edited") },
					want: []string{"content/in/x.md"},
				},
			},
		},
		{
			name:  "delete a file",
			setup: func(t *testing.T, root string) { put(t, root, "content/a.md", "# A") },
			steps: []step{{
				act:  func(t *testing.T, root string) { must(t, os.Remove(filepath.Join(root, "content/a.md"))) },
				want: []string{"content/a.md"},
			}},
		},
		{
			name: "delete a folder",
			setup: func(t *testing.T, root string) {
				put(t, root, "content/d/a.md", "# A")
				put(t, root, "content/d/e/b.md", "# B")
			},
			steps: []step{{
				act:  func(t *testing.T, root string) { must(t, os.RemoveAll(filepath.Join(root, "content/d"))) },
				want: []string{"content/d"},
				// fsnotify reports the files it saw removed; polling knows them all.
				pollExtra: []string{"content/d/a.md", "content/d/e", "content/d/e/b.md"},
				full:      true,
			}},
		},
		{
			name: "single file target: only that name, through atomic saves",
			setup: func(t *testing.T, root string) {
				put(t, root, "cmesite.yaml", "title: A")
			},
			steps: []step{
				{
					act: func(t *testing.T, root string) {
						put(t, root, "other.yaml", "x")
						put(t, root, "notes.md", "x")
						put(t, root, "cmesite.yaml.new", "title: B")
						must(t, os.Rename(filepath.Join(root, "cmesite.yaml.new"), filepath.Join(root, "cmesite.yaml")))
					},
					want: []string{"cmesite.yaml"},
				},
				{
					act:  func(t *testing.T, root string) { put(t, root, "cmesite.yaml", "title: C") },
					want: []string{"cmesite.yaml"},
				},
			},
		},
		{
			name: "missing folder is picked up when created",
			steps: []step{
				{
					act:  func(t *testing.T, root string) { put(t, root, "themes/default/page.html", "<p>") },
					want: []string{"themes", "themes/default", "themes/default/page.html"},
					full: true,
				},
				{
					act:  func(t *testing.T, root string) { put(t, root, "themes/default/page.html", "<div>") },
					want: []string{"themes/default/page.html"},
				},
			},
		},
		{
			name:  "missing deep file target is picked up when created",
			paths: []string{"config/site/cmesite.yaml"},
			steps: []step{
				{
					act: func(t *testing.T, root string) {
						put(t, root, "config/site/other.yaml", "x")
						put(t, root, "config/site/cmesite.yaml", "title: A")
					},
					want: []string{"config/site/cmesite.yaml"},
				},
				{
					act:  func(t *testing.T, root string) { put(t, root, "config/site/cmesite.yaml", "title: B") },
					want: []string{"config/site/cmesite.yaml"},
				},
			},
		},
	}
	for _, mode := range modes {
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				root := t.TempDir()
				if tt.setup != nil {
					tt.setup(t, root)
				}
				paths := tt.paths
				if paths == nil {
					paths = []string{"content", "themes", "cmesite.yaml"}
				}
				must(t, os.MkdirAll(filepath.Join(root, "content"), 0o755))
				w := start(t, Options{Root: root, Paths: paths, Poll: mode.poll})
				for i, s := range tt.steps {
					s.act(t, root)
					batches, got := collect(t, w, s.want)
					allowed := slices.Clone(s.want)
					if mode.poll > 0 {
						allowed = append(allowed, s.pollExtra...)
					} else {
						// fsnotify reports what it saw go; polling must not.
						for _, p := range s.pollExtra {
							if slices.Contains(got, p) {
								allowed = append(allowed, p)
							}
						}
					}
					for _, p := range got {
						if !slices.Contains(allowed, p) {
							t.Errorf("step %d: reported %q; want only %q", i, p, s.want)
						}
					}
					full := slices.ContainsFunc(batches, func(b Batch) bool { return b.Full })
					if full != s.full {
						t.Errorf("step %d: Full = %v, want %v (batches %+v)", i, full, s.full, batches)
					}
				}
			})
		}
	}
}

// TestOneSaveOneBatch checks that the several events editors make for one
// save arrive as one batch, with the default debounce.
func TestOneSaveOneBatch(t *testing.T) {
	saves := []struct {
		name string
		save func(t *testing.T, dir string)
	}{
		{"write in place", func(t *testing.T, dir string) {
			f, err := os.OpenFile(filepath.Join(dir, "foo.md"), os.O_WRONLY|os.O_TRUNC, 0)
			must(t, err)
			for range 5 {
				_, err = f.WriteString("a line of the page\n")
				must(t, err)
			}
			must(t, f.Close())
		}},
		{"vim", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "4913"), nil, 0o644))
			must(t, os.Remove(filepath.Join(dir, "4913")))
			must(t, os.Rename(filepath.Join(dir, "foo.md"), filepath.Join(dir, "foo.md~")))
			must(t, os.WriteFile(filepath.Join(dir, "foo.md"), []byte("# vim"), 0o644))
			must(t, os.Remove(filepath.Join(dir, "foo.md~")))
		}},
		{"rename over", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "foo.md.tmp"), []byte("# renamed"), 0o644))
			must(t, os.Rename(filepath.Join(dir, "foo.md.tmp"), filepath.Join(dir, "foo.md")))
		}},
	}
	for _, mode := range modes {
		for _, s := range saves {
			t.Run(mode.name+"/"+s.name, func(t *testing.T) {
				root := t.TempDir()
				put(t, root, "content/foo.md", "# Foo")
				w := start(t, Options{Root: root, Paths: []string{"content"}, Poll: mode.poll})
				begin := time.Now()
				s.save(t, filepath.Join(root, "content"))
				took := time.Since(begin)
				batches, got := collect(t, w, []string{"content/foo.md"})
				if !slices.Equal(got, []string{"content/foo.md"}) || slices.ContainsFunc(batches, func(b Batch) bool { return b.Full }) {
					t.Errorf("got batches %+v, want [content/foo.md], not Full", batches)
				}
				// A save that a loaded machine stretched to about the debounce
				// may rightly be split; a save at normal speed may not.
				if len(batches) != 1 && took < DefaultDebounce/2 {
					t.Errorf("a save of %v made %d batches %+v, want 1", took, len(batches), batches)
				}
			})
		}
	}
}

func TestChmodOnlyProducesNoBatch(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			put(t, root, "content/a.md", "# A")
			w := start(t, Options{Root: root, Paths: []string{"content"}, Poll: mode.poll})
			must(t, os.Chmod(filepath.Join(root, "content/a.md"), 0o600))
			must(t, os.Chmod(filepath.Join(root, "content"), 0o700))
			expectNone(t, w, 200*time.Millisecond)
		})
	}
}

func TestBurstIsOneFullBatch(t *testing.T) {
	const n = 200
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			root := t.TempDir()
			must(t, os.MkdirAll(filepath.Join(root, "content"), 0o755))
			// A debounce above the default keeps a scheduler hiccup in the
			// writing loop from splitting the burst before it crosses Burst.
			w := start(t, Options{Root: root, Paths: []string{"content"}, Poll: mode.poll, Debounce: 50 * time.Millisecond})
			var want []string
			var pause time.Duration // the writer's longest pause
			last := time.Now()
			for i := range n {
				rel := fmt.Sprintf("content/f%03d.md", i)
				put(t, root, rel, "# page")
				want = append(want, rel)
				pause = max(pause, time.Since(last))
				last = time.Now()
			}
			batches, got := collect(t, w, want)
			switch {
			case len(batches) == 1 && batches[0].Full:
			case pause >= 50*time.Millisecond/2:
				// The machine stalled the writer for about a quiet period: a
				// split is then right. What must hold: a Full batch.
				t.Logf("writer paused %v; got %d batches", pause, len(batches))
				if !slices.ContainsFunc(batches, func(b Batch) bool { return b.Full }) {
					t.Errorf("got %d batches, none Full", len(batches))
				}
			default:
				t.Errorf("got %d batches (first Full=%v), want 1 Full batch (writer's longest pause %v)", len(batches), batches[0].Full, pause)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %d paths, want the %d files", len(got), n)
			}
		})
	}
}

// TestSteadyStreamIsCappedByMaxWait writes to a page every 10ms, faster
// than the debounce, and expects a batch while the stream goes on.
func TestSteadyStreamIsCappedByMaxWait(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			root := t.TempDir()
			put(t, root, "content/log.md", "start")
			const maxWait = 150 * time.Millisecond
			w := start(t, Options{Root: root, Paths: []string{"content"}, Poll: mode.poll, Debounce: 60 * time.Millisecond, MaxWait: maxWait})
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			deadline := time.After(waitFor)
			begin := time.Now()
			for i := 0; ; i++ {
				select {
				case b := <-w.Batches():
					elapsed := time.Since(begin)
					t.Logf("first batch after %v of a steady stream (MaxWait %v): %v", elapsed, maxWait, b.Paths)
					if !slices.Equal(b.Paths, []string{"content/log.md"}) {
						t.Errorf("got %v, want [content/log.md]", b.Paths)
					}
					return
				case <-tick.C:
					put(t, root, "content/log.md", fmt.Sprintf("line %d", i))
				case <-deadline:
					t.Fatalf("a steady stream postponed the batch for %v", waitFor)
				}
			}
		})
	}
}

// TestLatency measures the time from a save to its batch with the
// defaults; the author must see a save within 100ms, and the watcher's
// share of that is the debounce.
// BenchmarkSaveToBatch measures the watcher's share of a save's latency:
// from the write to the batch that reports it (fsnotify's event plus the
// quiet period that gathers an editor's several writes into one batch).
// ms/save is the median of the iterations; the test suite asserts no time.
func BenchmarkSaveToBatch(b *testing.B) {
	root := b.TempDir()
	put(b, root, "content/a.md", "# A")
	w := start(b, Options{Root: root, Paths: []string{"content"}})
	var took []time.Duration
	i := 0
	for b.Loop() {
		begin := time.Now()
		put(b, root, "content/a.md", fmt.Sprintf("# A %d", i))
		collect(b, w, []string{"content/a.md"})
		took = append(took, time.Since(begin))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms/save")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "slowest-ms")
}

func TestCloseEndsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, mode := range modes {
		root := t.TempDir()
		put(t, root, "content/a/b.md", "# B")
		w, err := New(Options{Root: root, Paths: []string{"content"}, Poll: mode.poll})
		must(t, err)
		put(t, root, "content/a/b.md", "# B, edited")
		collect(t, w, []string{"content/a/b.md"})
		put(t, root, "content/a/c.md", "# C") // pending when closed
		var wg sync.WaitGroup
		for range 3 { // Close is idempotent and safe to call concurrently
			wg.Go(func() {
				if err := w.Close(); err != nil {
					t.Errorf("%s: Close: %v", mode.name, err)
				}
			})
		}
		wg.Wait()
		if _, ok := <-w.Batches(); ok {
			t.Errorf("%s: Batches still open after Close", mode.name)
		}
		if _, ok := <-w.Errors(); ok {
			t.Errorf("%s: Errors still open after Close", mode.name)
		}
	}
	// Close waits for its goroutines; the bounded retry only covers the
	// runtime's own bookkeeping.
	deadline := time.Now().Add(waitFor)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after Close:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func TestNewRejects(t *testing.T) {
	root := t.TempDir()
	put(t, root, "file.txt", "x")
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"missing root", Options{Root: filepath.Join(root, "nope")}, "root"},
		{"root is a file", Options{Root: filepath.Join(root, "file.txt")}, "not a folder"},
		{"path outside root", Options{Root: root, Paths: []string{"../x"}}, "inside the site root"},
		{"absolute path", Options{Root: root, Paths: []string{"/etc"}}, "relative to the site root"},
		{"empty path", Options{Root: root, Paths: []string{""}}, "relative to the site root"},
		{"output is root", Options{Root: root, Output: "."}, "not the root itself"},
		{"output outside root", Options{Root: root, Output: "../public"}, "inside the site root"},
		{"path in the output", Options{Root: root, Paths: []string{"content", "public/x"}}, `"public/x": is never watched`},
		{"dot path", Options{Root: root, Paths: []string{".git"}}, `".git": is never watched`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range modes {
				tt.opts.Poll = mode.poll
				w, err := New(tt.opts)
				if err == nil {
					w.Close()
					t.Fatalf("%s: New succeeded, want error containing %q", mode.name, tt.want)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: error %q, want it to contain %q", mode.name, err, tt.want)
				}
			}
		})
	}
}

func TestOutputOption(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			w := start(t, Options{Root: root, Output: "site/out", Poll: mode.poll})
			put(t, root, "site/out/index.html", "x")
			put(t, root, "public/index.html", "x") // not the output here
			_, got := collect(t, w, []string{"public/index.html"})
			for _, p := range got {
				if strings.HasPrefix(p, "site/out") {
					t.Errorf("output folder reported: %q", p)
				}
			}
		})
	}
}

// ignoredNames are the names the build and the watcher must both skip
// (true) or both take (false).
var ignoredNames = []struct {
	name string
	want bool
}{
	{"foo.md", false},
	{"page.html", false},
	{"chart.png", false},
	{"notes.txt", false},
	{"4912", false},
	{"4913", true}, // vim's write probe
	{"5036", true}, // vim tries 4913+123 when 4913 exists
	{"5037", false},
	{"04913", false},
	{"+4913", false},
	{"2024", false},
	{".foo.md.swp", true},
	{"foo.md.swp", true},
	{"foo.md.swo", true},
	{"foo.md.swn", true},
	{"foo.md.swx", true},
	{"FOO.MD.SWP", true},
	{"foo.swp.md", false},
	{"foo.md~", true},
	{"x~y.md", false},
	{".#foo.md", true},
	{"#foo.md#", true},
	{"#", true},
	{"#tag", true},
	{"foo.md___jb_tmp___", true},
	{"foo.md___jb_old___", true},
	{".goutputstream-ZK01QZ", true},
	{".DS_Store", true},
	{"Thumbs.db", true},
	{"THUMBS.DB", true},
	{"thumbs.db.png", false},
	{"desktop.ini", true},
	{"Desktop.ini", true},
	{"x.tmp", true},
	{"X.TMP", true},
	{"tmp", false},
	{"~$notes.docx", true},
	{"~notes.md", false},
	{".git", true},
	{".obsidian", true},
	{"template.md", false},
}

// TestIgnoredNames checks that the content walk (what the build reads and
// publishes), its incremental update (what serve rebuilds) and the watcher
// agree on every name in ignoredNames, as a file and as a folder.
func TestIgnoredNames(t *testing.T) {
	if !content.Ignored("") {
		t.Error(`content.Ignored("") = false, want true`)
	}
	root := t.TempDir()
	for _, tt := range ignoredNames {
		put(t, root, "content/f/"+tt.name, "x")
		put(t, root, "content/d/"+tt.name+"/a.md", "# A")
	}
	tree, diags := content.Walk(os.DirFS(root))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	w := &Watcher{targets: []string{"content"}, output: "public"}
	for _, tt := range ignoredNames {
		file, dir := "f/"+tt.name, "d/"+tt.name
		walked := slices.Contains(tree.Markdown, file) || slices.Contains(tree.Static, file)
		walkedDir := slices.Contains(tree.Dirs, dir) || slices.Contains(tree.Markdown, dir+"/a.md")
		var empty content.Tree
		added, _, ok := empty.Update(os.DirFS(root), []string{file, dir})
		if !ok {
			t.Fatalf("Update(%q, %q) failed", file, dir)
		}
		for what, got := range map[string]bool{
			"!content.Ignored":               !content.Ignored(tt.name),
			"Walk lists the file":            walked,
			"Walk lists the folder":          walkedDir,
			"Tree.Update adds the file":      slices.Contains(added, file),
			"Tree.Update adds the folder's":  slices.Contains(added, dir+"/a.md"),
			"the watcher reports the file":   !w.ignored("content/" + file),
			"the watcher reports the folder": !w.ignored("content/"+dir) && !w.ignored("content/"+dir+"/a.md"),
		} {
			if got == tt.want {
				t.Errorf("%q: %s = %v, want %v", tt.name, what, got, !tt.want)
			}
		}
	}
}

// TestFlush checks how settled changes become the batch the consumer gets,
// without timing: vanished temp files, merging while the consumer is busy,
// and the burst threshold.
func TestFlush(t *testing.T) {
	root := t.TempDir()
	put(t, root, "content/a.md", "# A")
	put(t, root, "content/b.md", "# B")
	w := &Watcher{root: root, targets: []string{"content"}, output: "public", debounce: DefaultDebounce, maxWait: DefaultMaxWait, burst: 4}

	w.record("content/a.md", false)
	w.record("content/gone.md", false) // removed: reported
	w.record("content/temp", true)     // created and gone: a temp file
	w.record("content/b.md", true)
	w.flush()
	if want := (Batch{Paths: []string{"content/a.md", "content/b.md", "content/gone.md"}}); !equalBatch(*w.ready, want) {
		t.Fatalf("first flush: got %+v, want %+v", *w.ready, want)
	}

	// The consumer has not taken it: the next settled batch merges in.
	w.record("content/c.md", false)
	w.record("content/a.md", false)
	w.flush()
	if want := (Batch{Paths: []string{"content/a.md", "content/b.md", "content/c.md", "content/gone.md"}}); !equalBatch(*w.ready, want) {
		t.Fatalf("merged flush: got %+v, want %+v", *w.ready, want)
	}

	// Only vanished temp files: nothing to send.
	w.ready = nil
	w.record("content/x", true)
	w.flush()
	if w.ready != nil {
		t.Errorf("flush of vanished temp files made %+v", *w.ready)
	}

	// More than Burst paths: Full, and a longer quiet period.
	for i := range 5 {
		w.record(fmt.Sprintf("content/%d.md", i), false)
	}
	if q, _ := w.limits(); q != burstQuietFactor*DefaultDebounce {
		t.Errorf("quiet period in a burst = %v, want %v", q, burstQuietFactor*DefaultDebounce)
	}
	w.flush()
	if w.ready == nil || !w.ready.Full || len(w.ready.Paths) != 5 {
		t.Errorf("burst flush: got %+v, want 5 paths, Full", w.ready)
	}
}

func equalBatch(a, b Batch) bool { return a.Full == b.Full && slices.Equal(a.Paths, b.Paths) }

// FuzzIgnored checks the path rules on arbitrary names: no panic, and
// whatever is inside an ignored path is ignored too.
func FuzzIgnored(f *testing.F) {
	for _, s := range []string{"content/a.md", ".git/HEAD", "public/x", "content/4913", "a/#b#/c", "x~/y", ""} {
		f.Add(s, "z.md")
	}
	w := &Watcher{targets: []string{"content"}, output: "public"}
	f.Fuzz(func(t *testing.T, rel, child string) {
		if strings.Contains(child, "/") || child == "" {
			return
		}
		if w.ignored(rel) && rel != "." && !w.ignored(rel+"/"+child) {
			t.Errorf("%q is ignored but %q inside it is not", rel, rel+"/"+child)
		}
		_ = w.relevant(rel)
		_ = w.onChain(rel)
		_, _ = cleanRel(rel)
	})
}

// TestOverflow checks what happens when the kernel drops events: the batch
// is Full, folders removed meanwhile are no longer watched, and folders
// created meanwhile (even under an old name) are.
func TestOverflow(t *testing.T) {
	root := t.TempDir()
	put(t, root, "content/lost/a.md", "# A")
	w, err := newWatcher(Options{Root: root, Paths: []string{"content"}})
	must(t, err)
	must(t, os.RemoveAll(filepath.Join(root, "content")))
	put(t, root, "content/new/c.md", "# C")
	// Lose the events, as the kernel does in an overflow (fsnotify still
	// drops its watch of the removed folder). Waiting for the queue to stay
	// empty is the one way to know it is empty.
	for lost := false; !lost; {
		select {
		case <-w.fsw.Events:
		case <-w.fsw.Errors:
		case <-time.After(100 * time.Millisecond):
			lost = true
		}
	}
	w.overflow()
	for _, d := range []string{".", "content", "content/new"} {
		if !w.dirs[d] {
			t.Errorf("after overflow %q is not watched; watched: %v", d, w.dirs)
		}
	}
	if w.dirs["content/lost"] {
		t.Errorf("after overflow, removed folder content/lost is still watched")
	}
	w.flush()
	if w.ready == nil || !w.ready.Full || !w.ready.Lost {
		t.Fatalf("overflow batch = %+v, want Full and Lost", w.ready)
	}
	// The new content folder, under its old name, is really watched.
	go w.run()
	t.Cleanup(func() { must(t, w.Close()) })
	put(t, root, "content/d.md", "# D")
	put(t, root, "content/new/c.md", "# C, edited")
	collect(t, w, []string{"content/d.md", "content/new/c.md"})
}

// TestUnreadableFolder checks that a folder that cannot be read is
// reported on Errors, once, and the rest is still watched.
func TestUnreadableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any folder")
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			root := t.TempDir()
			put(t, root, "content/locked/a.md", "# A")
			locked := filepath.Join(root, "content/locked")
			must(t, os.Chmod(locked, 0))
			t.Cleanup(func() { os.Chmod(locked, 0o755) })
			w, err := New(Options{Root: root, Paths: []string{"content"}, Poll: mode.poll})
			must(t, err)
			defer w.Close()
			select {
			case err := <-w.Errors():
				if !strings.Contains(err.Error(), "content/locked") {
					t.Errorf("error %q does not name content/locked", err)
				}
			case <-time.After(waitFor):
				t.Fatal("no error for an unreadable folder")
			}
			put(t, root, "content/b.md", "# B")
			collect(t, w, []string{"content/b.md"})
			select {
			case err := <-w.Errors():
				t.Errorf("error sent again: %v", err)
			default:
			}
		})
	}
}
