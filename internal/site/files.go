package site

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/markdown"
	"github.com/cmesite/cmesite/internal/organize"
	"github.com/cmesite/cmesite/internal/render"
)

// Files is the output of one build, planned from the page table: every
// file's name, and how to make it. A build writes them all; serve asks
// for each as a browser does, and Files makes it from the model of its
// build and keeps it. Files is safe for concurrent use.
type Files struct {
	b     *Builder
	c     *curriculum.Curriculum
	cfg   *config.Config
	theme *render.Theme
	md    *markdown.Renderer
	docs  map[string]*docState
	today time.Time

	pages  []page
	byFile map[string]int // output path -> index in pages
	dups   [][2]int       // pages that take the same output path
	quick  []*curriculum.Module
	// pocketAt is where each quick-reference card's callouts are shown:
	// its pocket cards page, and its place there (pocketEntry).
	pocketAt map[*curriculum.Module]*markdown.ShownAt
	frags    []atomic.Pointer[frag] // by Module.ListIndex
	lists    []atomic.Int32         // a streamed build's: pages left that list each module (listedOnce)

	// searched is closed when search holds the search index's files.
	searched chan struct{}
	search   map[string][]byte
	// searchFiles are a streamed build's search index files, as they
	// are made; closed after the last (search is then empty).
	searchFiles chan streamed
	onDisk      map[string][]byte // search's twins for a site opened from disk

	// rec records each file a one-off build writes, for the files made
	// after all others (workerEntry); sumsRec is serve's, made on demand.
	rec      *fileSums
	sumsOnce sync.Once
	sumsRec  *fileSums
	sumsErr  error

	reportOnce sync.Once
	rep        *organize.Report // report

	keep    bool // keep made files (serve)
	mu      sync.Mutex
	made    map[string][]byte
	written map[string]bool // a streamed build's pages written already
}

// frag holds a module's list fragments: its card, with RootMarker in
// place of the page's root, and its catalogue row.
type frag struct {
	// card and row are split at each RootMarker, where a page puts its
	// root: found once, not on every page that lists the module.
	card, row []string
}

// newFiles plans the pages of c from the Builder's table.
func newFiles(b *Builder, c *curriculum.Curriculum) *Files {
	f := &Files{b: b, c: c, cfg: b.cfg, theme: b.theme, md: b.md, docs: b.docs, today: b.today()}
	if !b.opts.Stream {
		// Later builds change b.docs; a served build keeps its own.
		f.docs = maps.Clone(b.docs)
		f.keep, f.made = true, map[string][]byte{}
	}
	f.frags = make([]atomic.Pointer[frag], len(c.ListOrder()))
	f.quick = c.QuickReferences()
	// The table makes about as many pages as the last build made, or
	// somewhat more than one per module: sized once, not grown page by
	// page, which on a large site cost a save more than the rest of
	// planning.
	n := len(c.Modules) + len(c.Modules)/4
	if b.cur != nil {
		n = max(n, len(b.cur.pages)+len(b.cur.pages)/64)
	}
	f.pages = make([]page, 0, n)
	f.byFile = make(map[string]int, n)
	for _, e := range b.table {
		if e.pages == nil {
			continue
		}
		e.pages(f, func(p page) {
			p.entry = e
			if i, ok := f.byFile[p.file]; ok {
				f.dups = append(f.dups, [2]int{i, len(f.pages)})
			} else {
				f.byFile[p.file] = len(f.pages)
			}
			f.pages = append(f.pages, p)
		})
	}
	if !f.keep {
		f.lists = make([]atomic.Int32, len(f.frags))
		for i := range f.pages {
			for _, m := range f.pages[i].lists {
				f.lists[m.ListIndex()].Add(1)
			}
		}
	}
	return f
}

// Get returns the bytes of the file at output path name, made when it is
// first asked for. A file that is not part of the site is an error that
// wraps fs.ErrNotExist; a page that cannot be made (a theme template
// that fails) another error. The bytes must not be modified.
//
// Files superseded by a newer build make what they have not made yet
// from the newest.
func (f *Files) Get(name string) ([]byte, error) {
	if data, ok := f.kept(name); ok {
		return data, nil
	}
	f.b.mu.RLock()
	defer f.b.mu.RUnlock()
	if cur := f.b.cur; cur != nil && cur != f && f.keep {
		return cur.get(name)
	}
	return f.get(name)
}

// kept returns the file at name if it was made and kept already.
func (f *Files) kept(name string) ([]byte, bool) {
	if !f.keep {
		return nil, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.made[name]
	return data, ok
}

func (f *Files) get(name string) ([]byte, error) {
	if data, ok := f.kept(name); ok {
		return data, nil
	}
	var data []byte
	var err error
	if i, ok := f.byFile[name]; ok {
		data, err = f.make(&f.pages[i])
	} else if later, ok := f.later(name); ok {
		data = later
	} else if data, ok, err = f.final(name); !ok {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	if err != nil {
		return nil, err
	}
	if f.keep {
		f.mu.Lock()
		f.made[name] = data
		f.mu.Unlock()
	}
	return data, nil
}

// later looks name up among the files made after the pages.
func (f *Files) later(name string) ([]byte, bool) {
	for _, e := range f.b.table {
		if e.later == nil || !slices.ContainsFunc(e.reserve, func(r string) bool { return strings.HasPrefix(name, r+"/") }) {
			continue
		}
		if data, ok := e.later(f)[name]; ok {
			return data, true
		}
	}
	return nil, false
}

// Names lists every output path, sorted. It waits for the files made
// after the pages.
func (f *Files) Names() []string {
	names := make([]string, 0, len(f.byFile))
	for name := range f.byFile {
		names = append(names, name)
	}
	for _, e := range f.b.table {
		if e.later != nil {
			for name := range e.later(f) {
				names = append(names, name)
			}
		}
		names = append(names, e.finals...)
	}
	slices.Sort(names)
	return names
}

// Styles lists the output paths of the stylesheets.
func (f *Files) Styles() []string {
	var names []string
	for name := range f.byFile {
		if path.Ext(name) == ".css" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// make makes one page.
func (f *Files) make(p *page) ([]byte, error) {
	var data []byte
	var err error
	if p.make != nil {
		data, err = p.make(f)
	} else {
		data, err = p.into(f, p, nil)
	}
	if err != nil {
		return nil, cannotRender(p.file, err)
	}
	return data, nil
}

// cannotRender is the error of a file that could not be made: it names
// the file once, whoever reports it.
func cannotRender(name string, err error) error {
	return fmt.Errorf("cannot render %s: %w", name, err)
}

// makeOut makes page p for a one-off build, which writes it and then
// gives buf (when not nil) back with recycle: the module pages and the
// lists are made into reused buffers instead of a copy each.
func (f *Files) makeOut(p *page) (data []byte, buf *[]byte, err error) {
	if p.into == nil {
		data, err = f.make(p)
		return data, nil, err
	}
	buf = pageBufs.Get().(*[]byte)
	data, err = p.into(f, p, (*buf)[:0])
	if err != nil {
		recycle(buf, nil)
		return nil, nil, cannotRender(p.file, err)
	}
	return data, buf, nil
}

// pageBufs are the buffers makeOut makes pages into.
var pageBufs = sync.Pool{New: func() any { return new([]byte) }}

// recycle gives back a buffer of makeOut once data, made into it, is
// written. A buffer that grew past a large page is let go.
func recycle(buf *[]byte, data []byte) {
	if buf == nil {
		return
	}
	if cap(data) > cap(*buf) {
		*buf = data
	}
	if cap(*buf) > 1<<20 {
		return
	}
	*buf = (*buf)[:0]
	pageBufs.Put(buf)
}

// showing lists the pages that show the body of the document at content
// path p.
func (f *Files) showing(p string) []*page {
	var out []*page
	if i, ok := f.byFile[fileOf(strings.TrimSuffix(p, ".md")+"/")]; ok && f.pages[i].body == p {
		out = append(out, &f.pages[i])
	}
	return out
}

// writeAll makes every page not written yet, on every core, writes them
// and then the files made after the pages.
func (f *Files) writeAll(out Output) error {
	var todo []*page
	for i := range f.pages {
		if p := &f.pages[i]; !f.written[p.file] {
			todo = append(todo, p)
		}
	}
	// The pages that list no modules first: among them the few large
	// ones (the sitemap, the catalogue's data, the organizer pages),
	// which then do not end the build alone on one core.
	lists := func(p *page) int { return min(len(p.lists), 1) }
	slices.SortStableFunc(todo, func(a, b *page) int { return lists(a) - lists(b) })
	w := newWriter(out)
	w.rec = f.record()
	// The search index's files come first: the index holds a share of
	// every module, and the list pages hold every module's card until
	// the last page that lists it, so that a large site's build never
	// holds both.
	lap := time.Now()
	if f.searchFiles != nil {
		w.drain(f.searchFiles)
		lap = f.b.trace(lap, "  search index files")
	}
	// What pages share (entry.prepare) is made first, each as one task
	// among the pages: the other cores make pages meanwhile, and the
	// pages that need it come later in the table.
	var prep []func(*Files)
	seen := map[*entry]bool{}
	for _, p := range todo {
		if e := p.entry; e.prepare != nil && !seen[e] {
			seen[e] = true
			prep = append(prep, e.prepare)
		}
	}
	results := make(chan streamed, 64)
	go func() {
		forEach(len(prep)+len(todo), func(i int) {
			if i < len(prep) {
				prep[i](f)
				return
			}
			p := todo[i-len(prep)]
			data, buf, err := f.makeOut(p)
			results <- streamed{p.file, data, err, buf}
		})
		close(results)
	}()
	w.drain(results)
	f.b.trace(lap, "  pages")
	for _, e := range f.b.table {
		if e.later == nil {
			continue
		}
		files := e.later(f)
		for _, name := range slices.Sorted(maps.Keys(files)) {
			w.put(name, files[name], nil)
		}
	}
	w.rec = nil
	for _, e := range f.b.table {
		if e.final == nil || w.err != nil {
			continue
		}
		files, err := e.final(f, f.rec)
		for _, name := range e.finals {
			if err != nil {
				w.put(name, nil, cannotRender(name, err))
				continue
			}
			w.put(name, files[name], nil)
		}
	}
	return w.err
}

// record returns the record of the files a one-off build writes.
func (f *Files) record() *fileSums {
	if f.rec == nil {
		f.rec = newFileSums()
	}
	return f.rec
}

// counts are the HTML pages and the files planned.
func (f *Files) counts() (pages, files int) {
	for i := range f.pages {
		if f.pages[i].html {
			pages++
		}
	}
	return pages, len(f.byFile)
}

// static reads a file kept beside the modules.
func (f *Files) static(p string) ([]byte, error) {
	data, err := fs.ReadFile(f.b.root, path.Join(content.Dir, p))
	if errors.Is(err, fs.ErrNotExist) {
		// Gone since the build: the next build forgets it.
		return nil, fmt.Errorf("content/%s: %w", p, err)
	}
	return data, err
}
