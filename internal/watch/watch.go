// Package watch turns file-system changes under a site's source folders into
// debounced batches of changed paths, for cmesite's watch mode (cmesite
// serve). It knows nothing of curricula, HTTP or builds.
//
// # Contract
//
// New watches Options.Paths (slash paths relative to Options.Root: folders,
// watched recursively, or single files) and returns once every existing
// folder is watched, so any change made after New returns is reported.
// Paths that do not exist yet are picked up when they are created, however
// deep (the nearest existing parent folders are watched for them).
//
// Each Batch on Batches holds the slash paths, relative to Root, sorted and
// unique, that were created, written, removed or renamed (old and new name)
// during one burst of activity. Folder paths appear too when a folder was
// created, removed or renamed; a created or moved-in folder also reports
// every file already inside it. Batch.Full tells the caller to rebuild
// everything: it is set when a folder was created, removed or renamed, when
// a batch holds more than Options.Burst paths (git checkout, a folder copied
// in) and when the kernel dropped events (an fsnotify overflow, after which
// the watched folders are rescanned). A Full batch may hold no paths.
//
// A batch is sent after Options.Debounce (20ms) without new changes; every
// change resets that wait, but a steady stream cannot postpone a batch by
// more than Options.MaxWait (500ms) after its first change. Bursts come in
// waves, and a second full rebuild over a half-finished checkout helps no
// one, so once a batch has more than Burst paths (or after an overflow) the
// quiet period becomes 5×Debounce and the cap 4×MaxWait. A consumer that is
// slow to receive never blocks watching: batches that finished meanwhile
// are merged into the one waiting to be received, and changes still
// settling stay out of it.
//
// Errors that do not stop watching (a folder that cannot be read, the
// system's limit on watched folders reached while running, an fsnotify
// error) are sent on Errors, which is buffered and never blocks: an error
// that finds it full is dropped (and traced through Options.Logf). Logf,
// when set, is a trace of raw events and sent batches, for debugging an
// editor's behaviour. Close stops every goroutine and closes Batches and
// Errors; changes not yet sent are discarded.
//
// # Editors and other writers
//
// Folders are watched, never single files: editors save by rename, which
// ends a watch on the old file, and on macOS kqueue every watched file costs
// a file handle. A single file in Paths (cmesite.yaml) is watched through its
// parent folder, and only that name is reported. The behaviours handled:
//
//   - Atomic saves by rename: vim (backupcopy=no renames foo.md to foo.md~
//     and writes a new foo.md), JetBrains "safe write" (foo.md___jb_tmp___,
//     foo.md___jb_old___), GNOME/gedit (.goutputstream-XXXXXX), Qt's
//     QSaveFile (foo.md.XXXXXX) and any other write-a-temp-then-rename
//     scheme report only the final name: a path that first appears in a
//     batch as created and no longer exists when the batch is sent is left
//     out, and the known temp names below are never reported at all.
//   - Editors' temp, swap, lock and backup files, and the files operating
//     systems leave in folders, are ignored, and so is anything inside a
//     folder so named: every name that content.Ignored lists, the one list
//     the build also skips (*.swp, *.swo, *.swn, *.swx, vim's "4913" write
//     probe, *~, .#*, #*#, *___jb_tmp___, *___jb_old___, .goutputstream-*,
//     *.tmp, ~$*, .DS_Store, Thumbs.db, desktop.ini, and every name
//     starting with "." such as .git, .idea, .vscode, .obsidian). So is the
//     site's output folder (Options.Output, "public" by default).
//   - Chmod-only events (touch on some systems, Spotlight, anti-virus,
//     backup tools, and the extra event Linux sends before a delete) are
//     ignored.
//   - One save that the editor turns into several events (truncate, writes,
//     renames, a backup removed) is one batch, by the trailing debounce.
//   - Folders created, or moved or renamed in, while watching are watched at
//     once, and files already inside them are reported; removed or renamed
//     folders are reported by their own path (and watches on them dropped).
//   - Symbolic links are reported like files and never followed, so a link
//     loop cannot trap the watcher.
//
// # Polling
//
// Network shares, WSL's Windows drives and some containers deliver no
// events. With Options.Poll > 0 the watched paths are walked at that
// interval instead, and (size, modification time, file type) of every
// entry compared with the previous walk. Permission bits are not compared,
// so chmod produces no batch here either; folders are compared by existence
// and type only. The same ignore rules, batch form and debounce semantics
// apply, measured at poll times: a batch is sent by the first walk that
// finds nothing new at least Debounce after the last change.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/fsnotify/fsnotify"
)

// Defaults for the zero values of Options.
const (
	DefaultDebounce = 20 * time.Millisecond
	DefaultMaxWait  = 500 * time.Millisecond
	DefaultBurst    = 50
	DefaultOutput   = "public"
)

// During a burst (more than Burst paths, or an overflow) the quiet period
// and the cap grow by these factors.
const (
	burstQuietFactor = 5
	burstWaitFactor  = 4
)

// errBuffer is the capacity of the Errors channel.
const errBuffer = 16

// Options configure a Watcher. Only Root is needed; see the package
// documentation for the meaning of each setting.
type Options struct {
	// Root is the site root folder, absolute or relative to the working
	// directory. It must exist. Empty means ".".
	Root string
	// Paths are slash paths relative to Root to watch: folders (watched
	// recursively) or single files, e.g. {"content", "themes",
	// "cmesite.yaml"}. Missing ones are fine and picked up when created.
	// Empty means the whole of Root.
	Paths []string
	// Output is the site's output folder, a slash path relative to Root,
	// never watched nor reported. Empty means "public".
	Output string
	// Debounce is the trailing quiet period that closes a batch; every
	// change resets it. Zero or less means 20ms.
	Debounce time.Duration
	// MaxWait caps how long a steady stream of changes can postpone a
	// batch, counted from its first change. Zero or less means 500ms.
	MaxWait time.Duration
	// Burst: a batch with more than this many distinct paths is Full.
	// Zero or less means 50.
	Burst int
	// Poll > 0 walks the tree at this interval instead of using fsnotify.
	Poll time.Duration
	// Logf, if set, receives a trace of raw events and sent batches.
	Logf func(format string, args ...any)
}

// Batch is one debounced set of changes.
type Batch struct {
	// Paths are the changed paths, slash-separated, relative to Root,
	// sorted and unique: created, written, removed or renamed (both the old
	// and the new name), folders included when a folder itself changed.
	Paths []string
	// Full means the caller should rebuild everything: a burst, an
	// fsnotify overflow, or a folder created, removed or renamed.
	Full bool
	// Lost means events were lost (an fsnotify overflow): Paths may miss
	// changes, and only reading everything again is sure. Without it,
	// Paths name every change, in a Full batch too (a created or
	// moved-in folder with every file inside it, a removed folder by its
	// own path).
	Lost bool
}

// Watcher reports changes under Options.Paths as Batches. Create it with
// New and stop it with Close.
type Watcher struct {
	root     string   // absolute, OS form
	targets  []string // cleaned Options.Paths
	output   string
	debounce time.Duration
	maxWait  time.Duration
	burst    int
	poll     time.Duration
	logf     func(string, ...any)

	fsw     *fsnotify.Watcher // nil when polling
	batches chan Batch
	errs    chan error
	done    chan struct{}
	exited  chan struct{}

	closeOnce sync.Once
	closeErr  error

	// Owned by New until the run goroutine starts, then by it alone.
	dirs     map[string]bool  // folders with an fsnotify watch
	snap     map[string]entry // polling: the last walk
	pollErrs map[string]bool  // polling: paths whose error was sent
	pend     pending          // changes still settling
	ready    *Batch           // settled, waiting for the consumer
}

// entry is what polling compares for one path.
type entry struct {
	size  int64
	mtime int64 // UnixNano; 0 for folders
	typ   fs.FileMode
}

// pending accumulates the changes of the batch being built.
type pending struct {
	paths       map[string]bool // path → it did not exist when first seen
	full, burst bool
	lost        bool // events were lost
	first, last time.Time
}

func (p *pending) active() bool { return len(p.paths) > 0 || p.full || p.burst }

// New validates opts, watches every existing folder under opts.Paths (or
// takes the first polling snapshot) and starts watching. It fails when Root
// is not a folder, a path is not a slash path inside Root, or the system's
// limit on watches is reached (the error says which limit to raise; polling
// needs no such limit).
func New(opts Options) (*Watcher, error) {
	w, err := newWatcher(opts)
	if err != nil {
		return nil, err
	}
	go w.run()
	return w, nil
}

// newWatcher is New without starting the run goroutine.
func newWatcher(opts Options) (*Watcher, error) {
	if opts.Root == "" {
		opts.Root = "."
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("watch: root %s: %w", opts.Root, err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("watch: root %s: %w", opts.Root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("watch: root %s is not a folder", opts.Root)
	}
	targets, err := cleanTargets(opts.Paths)
	if err != nil {
		return nil, err
	}
	output := DefaultOutput
	if opts.Output != "" {
		output, err = cleanRel(opts.Output)
		if err != nil {
			return nil, fmt.Errorf("watch: output %w", err)
		}
		if output == "." {
			return nil, fmt.Errorf("watch: output %q: must be a folder inside the site root, not the root itself", opts.Output)
		}
	}
	w := &Watcher{
		root:     root,
		targets:  targets,
		output:   output,
		debounce: opts.Debounce,
		maxWait:  opts.MaxWait,
		burst:    opts.Burst,
		poll:     opts.Poll,
		logf:     opts.Logf,
		batches:  make(chan Batch),
		errs:     make(chan error, errBuffer),
		done:     make(chan struct{}),
		exited:   make(chan struct{}),
		dirs:     make(map[string]bool),
	}
	if w.debounce <= 0 {
		w.debounce = DefaultDebounce
	}
	if w.maxWait <= 0 {
		w.maxWait = DefaultMaxWait
	}
	w.maxWait = max(w.maxWait, w.debounce)
	if w.burst <= 0 {
		w.burst = DefaultBurst
	}
	if w.logf == nil {
		w.logf = func(string, ...any) {}
	}
	for _, t := range targets {
		if w.ignored(t) {
			return nil, fmt.Errorf("watch: path %q: is never watched (it is in the output folder %q, or a name in it starts with \".\" or is an editor's temp file); watch a folder of the site's sources instead", t, output)
		}
	}

	if w.poll > 0 {
		w.snap = w.walk()
		w.logf("watch: polling %s every %v, %d paths", root, w.poll, len(w.snap))
	} else {
		fsw, err := fsnotify.NewWatcher()
		if err != nil {
			return nil, fmt.Errorf("watch: %w", explain(err))
		}
		w.fsw = fsw
		if err := w.scan(".", false); err != nil {
			fsw.Close()
			return nil, err
		}
		w.logf("watch: watching %d folders under %s", len(w.dirs), root)
	}
	return w, nil
}

// Batches delivers one Batch per quiet period. It is closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers errors that do not stop watching. It is buffered and never
// blocks the watcher: errors that find it full are dropped. It is closed by
// Close.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching, ends every goroutine the Watcher started and closes
// Batches and Errors. Changes not yet sent are discarded. It is safe to call
// more than once and from several goroutines; later calls return the first
// call's result.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		close(w.done)
		<-w.exited
		if w.fsw != nil {
			w.closeErr = w.fsw.Close()
		}
	})
	return w.closeErr
}

// run is the only goroutine of the Watcher (besides fsnotify's own reader).
func (w *Watcher) run() {
	defer close(w.exited)
	defer close(w.errs)
	defer close(w.batches)

	var (
		events <-chan fsnotify.Event
		ferrs  <-chan error
	)
	if w.fsw != nil {
		events, ferrs = w.fsw.Events, w.fsw.Errors
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var timerC <-chan time.Time
	arm := func() {
		if w.poll > 0 || !w.pend.active() {
			return
		}
		timer.Reset(w.wait(time.Now()))
		timerC = timer.C
	}
	var pollC <-chan time.Time
	var pollT *time.Timer
	if w.poll > 0 {
		pollT = time.NewTimer(w.poll)
		defer pollT.Stop()
		pollC = pollT.C
	}

	for {
		var out chan<- Batch
		var b Batch
		if w.ready != nil {
			out, b = w.batches, *w.ready
		}
		select {
		case <-w.done:
			return
		case out <- b:
			w.ready = nil
			w.logf("watch: sent batch: %d paths, full=%v", len(b.Paths), b.Full)
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if w.handle(ev) {
				arm()
			}
		case err, ok := <-ferrs:
			if !ok {
				ferrs = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.overflow()
				arm()
			} else {
				w.sendErr(fmt.Errorf("watch: %w", err))
			}
		case <-timerC:
			timerC = nil
			if w.drain(events) {
				arm()
				continue
			}
			w.flush()
		case <-pollC:
			w.pollOnce()
			if w.pend.active() && w.due(time.Now()) {
				w.flush()
			}
			pollT.Reset(w.poll)
		}
	}
}

// limits returns the quiet period and cap for the batch being built.
func (w *Watcher) limits() (quiet, maxWait time.Duration) {
	if w.pend.burst {
		return burstQuietFactor * w.debounce, burstWaitFactor * w.maxWait
	}
	return w.debounce, w.maxWait
}

// wait returns how long from now until the pending batch is due.
func (w *Watcher) wait(now time.Time) time.Duration {
	quiet, maxWait := w.limits()
	d := min(w.pend.last.Add(quiet).Sub(now), w.pend.first.Add(maxWait).Sub(now))
	return max(d, 0)
}

func (w *Watcher) due(now time.Time) bool { return w.wait(now) == 0 }

// drain handles the events already waiting when the debounce timer fires,
// and reports whether they recorded a change. A watcher starved of CPU (a
// loaded machine) sees its timer and a queue of events ready at once; the
// events are part of the same burst and must not be split off by a random
// choice of select. Past MaxWait it drains nothing, so the cap holds.
func (w *Watcher) drain(events <-chan fsnotify.Event) bool {
	if events == nil {
		return false
	}
	if _, maxWait := w.limits(); time.Since(w.pend.first) >= maxWait {
		return false
	}
	changed := false
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return changed
			}
			if w.handle(ev) {
				changed = true
			}
		default:
			return changed
		}
	}
}

// record notes a change to rel; created says rel did not exist before it.
func (w *Watcher) record(rel string, created bool) {
	now := time.Now()
	if w.pend.paths == nil {
		w.pend.paths = make(map[string]bool)
	}
	if !w.pend.active() {
		w.pend.first = now
	}
	w.pend.last = now
	if _, ok := w.pend.paths[rel]; !ok {
		w.pend.paths[rel] = created
	}
	if len(w.pend.paths) > w.burst {
		w.pend.burst = true
	}
}

// markFull notes a folder-level change.
func (w *Watcher) markFull() {
	now := time.Now()
	if !w.pend.active() {
		w.pend.first = now
	}
	w.pend.last = now
	w.pend.full = true
}

// flush moves the settled pending changes into the batch waiting for the
// consumer.
func (w *Watcher) flush() {
	p := w.pend
	w.pend = pending{}
	paths := make([]string, 0, len(p.paths))
	for rel, created := range p.paths {
		if created && !w.exists(rel) {
			continue // a temp file, created and gone within the batch
		}
		paths = append(paths, rel)
	}
	full := p.full || p.burst
	if len(paths) == 0 && !full {
		return
	}
	if w.ready == nil {
		w.ready = &Batch{}
	}
	w.ready.Paths = append(w.ready.Paths, paths...)
	slices.Sort(w.ready.Paths)
	w.ready.Paths = slices.Compact(w.ready.Paths)
	w.ready.Full = w.ready.Full || full
	w.ready.Lost = w.ready.Lost || p.lost
}

func (w *Watcher) exists(rel string) bool {
	_, err := os.Lstat(w.abs(rel))
	return err == nil
}

func (w *Watcher) sendErr(err error) {
	select {
	case w.errs <- err:
	default:
		w.logf("watch: error dropped, Errors is full: %v", err)
	}
}

// handle processes one fsnotify event and reports whether it recorded a
// change.
func (w *Watcher) handle(ev fsnotify.Event) bool {
	w.logf("watch: event %s", ev)
	op := ev.Op &^ fsnotify.Chmod
	if op == 0 {
		return false
	}
	rel, ok := w.relOf(ev.Name)
	if !ok || w.ignored(rel) {
		return false
	}
	relevant := w.relevant(rel)
	if !relevant && !w.onChain(rel) {
		return false
	}
	changed := false
	if op.Has(fsnotify.Remove) || op.Has(fsnotify.Rename) {
		if _, isDir := w.dirs[rel]; isDir {
			w.dropDirs(rel)
			changed = true
		} else if relevant {
			w.record(rel, false)
			changed = true
		}
	}
	if op.Has(fsnotify.Create) {
		fi, err := os.Lstat(w.abs(rel))
		switch {
		case err == nil && fi.IsDir():
			if err := w.scan(rel, true); err != nil {
				w.sendErr(err)
			}
			changed = true
		case relevant:
			w.record(rel, true)
			changed = true
		}
	}
	if op.Has(fsnotify.Write) && relevant {
		// kqueue and Windows send Write on a folder whose entries changed;
		// the entries report themselves.
		if _, isDir := w.dirs[rel]; !isDir {
			w.record(rel, false)
			changed = true
		}
	}
	return changed
}

// dropDirs forgets the watched folder rel and every watched folder under
// it, and records rel and any target under it as changed.
func (w *Watcher) dropDirs(rel string) {
	for d := range w.dirs {
		if under(d, rel) {
			delete(w.dirs, d)
			// The watch may be gone already (the kernel drops it on
			// delete, fsnotify on rename).
			_ = w.fsw.Remove(w.abs(d))
		}
	}
	if w.relevant(rel) {
		w.record(rel, false)
		w.markFull()
	}
	for _, t := range w.targets {
		if t != rel && under(t, rel) {
			w.record(t, false)
			w.markFull()
		}
	}
}

// overflow handles lost events: it marks the batch Full and rescans,
// dropping watches of folders removed meanwhile and adding every folder
// again: a folder removed and created again under the same name is a new
// one, and adding its path moves the watch to it.
func (w *Watcher) overflow() {
	w.logf("watch: event queue overflow, rescanning")
	w.markFull()
	w.pend.lost = true
	w.pend.burst = true
	for d := range w.dirs {
		fi, err := os.Lstat(w.abs(d))
		if err != nil || !fi.IsDir() {
			w.dropDirs(d)
		}
	}
	clear(w.dirs)
	if err := w.scan(".", false); err != nil {
		w.sendErr(err)
	}
}

// scan watches the folder rel (if it is one that needs watching) and,
// recursively, every folder under it that does; with report it records
// every relevant path found as created. It returns only errors that mean
// watching cannot go on (the system's limit reached); others are sent on
// Errors.
func (w *Watcher) scan(rel string, report bool) error {
	fi, err := os.Lstat(w.abs(rel))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.sendErr(fmt.Errorf("watch: %s: %w", rel, err))
		}
		return nil
	}
	relevant := w.relevant(rel)
	if !fi.IsDir() {
		if relevant && report {
			w.record(rel, true)
		}
		return nil
	}
	if !relevant && !w.onChain(rel) {
		return nil
	}
	if _, ok := w.dirs[rel]; !ok {
		if err := w.fsw.Add(w.abs(rel)); err != nil {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil // gone already
			case isLimit(err):
				return fmt.Errorf("watch: %s: %w", rel, explain(err))
			}
			w.sendErr(fmt.Errorf("watch: %s: %w", rel, err))
			return nil
		}
		w.dirs[rel] = true
	}
	if relevant && report && rel != "." {
		w.record(rel, true)
		w.markFull()
	}
	entries, err := os.ReadDir(w.abs(rel))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		w.sendErr(fmt.Errorf("watch: %s: %w", rel, err))
	}
	for _, e := range entries {
		child := join(rel, e.Name())
		if w.ignored(child) {
			continue
		}
		childRelevant := w.relevant(child)
		switch {
		case !childRelevant && !w.onChain(child):
		case e.IsDir():
			if err := w.scan(child, report); err != nil {
				return err
			}
		case childRelevant && report:
			w.record(child, true)
		}
	}
	return nil
}

// pollOnce walks the tree and records the differences with the previous
// walk.
func (w *Watcher) pollOnce() {
	next := w.walk()
	for p, e := range next {
		old, ok := w.snap[p]
		switch {
		case !ok:
			w.record(p, true)
			if e.typ.IsDir() {
				w.markFull()
			}
		case old != e:
			w.record(p, false)
			if old.typ.IsDir() != e.typ.IsDir() {
				w.markFull()
			}
		}
	}
	for p, old := range w.snap {
		if _, ok := next[p]; !ok {
			w.record(p, false)
			if old.typ.IsDir() {
				w.markFull()
			}
		}
	}
	w.snap = next
}

// walk returns the polling snapshot of every relevant path. An error for a
// path is sent once, until the path reads again.
func (w *Watcher) walk() map[string]entry {
	snap := make(map[string]entry)
	errs := make(map[string]bool)
	w.walkDir(".", snap, errs)
	w.pollErrs = errs
	return snap
}

func (w *Watcher) walkDir(rel string, snap map[string]entry, errs map[string]bool) {
	fail := func(p string, err error) {
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if !w.pollErrs[p] {
			w.sendErr(fmt.Errorf("watch: %s: %w", p, err))
		}
		errs[p] = true
	}
	fi, err := os.Lstat(w.abs(rel))
	if err != nil {
		fail(rel, err)
		return
	}
	relevant := w.relevant(rel)
	if !fi.IsDir() {
		if relevant {
			snap[rel] = entryOf(fi)
		}
		return
	}
	if !relevant && !w.onChain(rel) {
		return
	}
	if relevant && rel != "." {
		snap[rel] = entryOf(fi)
	}
	entries, err := os.ReadDir(w.abs(rel))
	if err != nil {
		fail(rel, err)
	}
	for _, e := range entries {
		child := join(rel, e.Name())
		if w.ignored(child) {
			continue
		}
		childRelevant := w.relevant(child)
		if !childRelevant && !w.onChain(child) {
			continue
		}
		if e.IsDir() {
			w.walkDir(child, snap, errs)
			continue
		}
		if !childRelevant {
			continue
		}
		info, err := e.Info()
		if err != nil {
			fail(child, err)
			continue
		}
		snap[child] = entryOf(info)
	}
}

func entryOf(fi fs.FileInfo) entry {
	if fi.IsDir() {
		return entry{typ: fs.ModeDir}
	}
	return entry{size: fi.Size(), mtime: fi.ModTime().UnixNano(), typ: fi.Mode().Type()}
}

// abs returns the OS path of rel.
func (w *Watcher) abs(rel string) string { return filepath.Join(w.root, filepath.FromSlash(rel)) }

// relOf returns the slash path relative to Root of an OS path, and false
// if it is outside Root.
func (w *Watcher) relOf(name string) (string, bool) {
	r, err := filepath.Rel(w.root, name)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// relevant reports whether rel is a target or inside one: its changes are
// reported.
func (w *Watcher) relevant(rel string) bool {
	for _, t := range w.targets {
		if under(rel, t) {
			return true
		}
	}
	return false
}

// onChain reports whether rel is a folder above a target: it is watched so
// that the target is seen when it is created, but its own changes are not
// reported.
func (w *Watcher) onChain(rel string) bool {
	for _, t := range w.targets {
		if t != rel && under(t, rel) {
			return true
		}
	}
	return false
}

// ignored reports whether rel is never watched nor reported: the output
// folder, dot files and folders, editors' temp files, or anything inside
// those.
func (w *Watcher) ignored(rel string) bool {
	if rel == "." {
		return false
	}
	if under(rel, w.output) {
		return true
	}
	for name := range strings.SplitSeq(rel, "/") {
		if content.Ignored(name) {
			return true
		}
	}
	return false
}

// under reports whether p is dir or inside it; everything is under ".".
func under(p, dir string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}

func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// cleanRel cleans one slash path and checks it stays inside the root.
func cleanRel(p string) (string, error) {
	if p == "" || filepath.IsAbs(p) || filepath.VolumeName(p) != "" || strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%q: must be a slash path relative to the site root, like \"content\" or \"cmesite.yaml\"", p)
	}
	c := path.Clean(filepath.ToSlash(p))
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%q: must stay inside the site root, like \"content\" or \"cmesite.yaml\"", p)
	}
	return c, nil
}

// cleanTargets cleans Options.Paths, dropping duplicates and paths inside
// other paths.
func cleanTargets(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return []string{"."}, nil
	}
	var out []string
	for _, p := range paths {
		c, err := cleanRel(p)
		if err != nil {
			return nil, fmt.Errorf("watch: path %w", err)
		}
		out = append(out, c)
	}
	if slices.Contains(out, ".") {
		return []string{"."}, nil
	}
	slices.Sort(out)
	out = slices.Compact(out)
	kept := out[:0]
	for _, t := range out {
		inside := false
		for _, k := range kept {
			if under(t, k) {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, t)
		}
	}
	return kept, nil
}

// isLimit reports whether err is the system refusing more watches.
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// explain adds what to do to the system's limit errors.
func explain(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%w: the system's limit on watched folders is reached; raise it (Linux: sysctl fs.inotify.max_user_watches=524288) or use polling", err)
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return fmt.Errorf("%w: the system's limit on open watches is reached; raise it (Linux: sysctl fs.inotify.max_user_instances=512; macOS: ulimit -n) or use polling", err)
	}
	return err
}
