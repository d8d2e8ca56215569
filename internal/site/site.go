// Package site runs a build: it reads a site root (content/, cmesite.yaml,
// themes/) through an fs.FS and produces every output file of the site.
//
// # The page table
//
// Every output is declared once, in the page table (table.go): each entry
// names a kind of output (module pages, section lists, the catalogue, the
// sitemap, the theme's assets, the search index, ...), the top-level names
// its URLs take, whether its pages are listed in sitemap.xml, and how its
// pages are enumerated from the curriculum and made. Rendering, the
// sitemap, the reserved names that content may not use, URL conflicts and
// what serve shows after a save are all derived from the table. Adding a
// kind of page is one table entry plus one template.
//
// # Builds
//
// A build runs in named phases (build.go): load (configuration, theme, the
// content tree, the changed files), assemble (the curriculum), plan (the
// pages, from the table), render (Markdown bodies, and in a streamed build
// the pages that show them), check (links), index (search) and write.
//
// Build writes every file to an Output: a one-off build (cmesite build,
// check). Update brings the Builder up to date with a list of changed files
// and makes no page at all: Files then serves each page on demand, made
// from the current model when it is first asked for and kept until the
// next Update (cmesite serve). A save therefore costs reading the saved
// files, assembling the curriculum (or patching it in place when the save
// leaves its structure as it was) and making the pages someone asks for;
// the pages open in a browser are asked for first, by the dev server.
//
// A page has no hand-kept list of inputs: every page is made from the
// whole current model, so a page served after a save is the page a full
// build would write, whatever its template reads. Tests hold this: after
// random edits, every file Files serves is byte-identical to a full
// build's, with the default theme and with a theme whose templates read
// other modules, sections and paths.
//
// # What a theme's templates may read
//
// A page template receives a *render.Data: the page's own fields and the
// whole curriculum (.Site) and configuration (.Config). A template may
// read any of it, at any depth: serve makes every page anew from the
// current curriculum after each change. The card and row partials receive
// a render.Item (one module, with every module, section and path it links
// to). Partials called through "shared" (the header and footer) are made
// once per page kind and folder depth in a build, and may read only .Kind,
// .Root, .Facet, .Lang, .Config, .Site and T.
//
// Nothing is written when the content has errors: Build and Update report
// every diagnostic and leave the Output, and the files served, untouched.
package site

import (
	"fmt"
	"hash/maphash"
	"html/template"
	"io"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/markdown"
	"github.com/cmesite/cmesite/internal/render"
	"github.com/cmesite/cmesite/internal/search"
)

// Options control a build.
type Options struct {
	Drafts  bool      // include modules marked draft
	BaseURL string    // overrides cmesite.yaml's base_url when set
	Today   time.Time // for "overdue for review"; zero means now
	Trace   io.Writer // when set, receives the time each phase took
	// Stream is for a one-off Build into an Output that can be thrown away
	// when the build fails (a Dir, or nothing at all for check): pages that
	// show a Markdown body are written as soon as the body is rendered, and
	// neither the body nor its text is kept, so memory stays low on large
	// sites. A Builder with Stream set cannot Update.
	Stream bool
	// NoOrganizerPages leaves out organizers/coverage/ and
	// organizers/reviews/ (--no-organizer-pages; organizer_pages: false in
	// cmesite.yaml does the same).
	NoOrganizerPages bool
}

// Output receives a build's files. Put is called from several goroutines
// at once, each time with a different name, and must be safe for that.
// Put may not keep data once it returns: the build reuses the memory of
// the pages it wrote.
type Output interface {
	Put(name string, data []byte) error
}

// Stats describes one build.
type Stats struct {
	Modules  int           // modules built
	Pages    int           // HTML pages in the site
	Files    int           // all output files (the search index's once it is made)
	Reread   int           // content files read by this build
	Rendered int           // Markdown bodies rendered by this build
	Duration time.Duration // wall time
}

// Builder builds one site, repeatedly. What it keeps between builds lives
// here; what belongs to one build lives in a build (build.go).
type Builder struct {
	root  fs.FS
	opts  Options
	table []*entry // the page table; tests may add an entry

	// mu is held for writing while a build changes what the Builder
	// keeps, and for reading while Files makes a page from it.
	mu sync.RWMutex

	cfg        *config.Config
	cfgDiags   diag.List // what loading the configuration and theme reported
	theme      *render.Theme
	themeDiags diag.List // what loading the theme reported
	md         *markdown.Renderer
	labels     string // the callout labels md was made with
	tree       content.Tree
	treeDiags  diag.List
	known      map[string]bool      // files of tree
	dirs       map[string]bool      // folders of tree
	docs       map[string]*docState // by content path
	// unrendered are the documents whose Markdown is not rendered yet:
	// read since, or left out (a draft, a module whose URL another took).
	unrendered map[string]bool
	rereadAll  bool // a build stopped before it read the changed files

	index     *search.Index
	indexKey  string            // the options index was made with
	indexed   map[string]uint64 // search doc URL -> what it was made from
	searching chan struct{}     // closed when the last build's index files are made
	onDisk    diskTwins         // the index files' twins of the last build

	last    *curriculum.Curriculum // of the last good build
	lastOK  bool                   // the last build succeeded: last matches docs
	lastAll diag.List              // the diagnostics of the last good build, sorted
	cur     *Files                 // the last good build's files
}

type docState struct {
	doc      *content.Doc
	res      markdown.Result // HTML moved to html
	html     template.HTML   // the rendered body; not kept in a streamed build
	hash     uint64          // of the file bytes
	rendered bool            // res is up to date with doc
	// callouts and external are res.Callouts and res.External, kept when
	// a one-off build drops res: the organizer pages and check --external
	// read them.
	callouts []string
	external []markdown.External
	dropped  bool // the body was dropped after parsing: read it again to render
	// idSums are the hashes (idSum) of the heading ids of res.Headings,
	// when a streamed build has made the module's page and dropped the
	// headings (compact): all a link to a heading needs to be checked. A
	// heading link that is broken names the ids: headingsAgain renders
	// the body again for them.
	idSums []uint64
	// shown are a streamed build's quick-reference card's callouts for
	// its pocket card, made with its page from one parse (res.Shown), for
	// shownAt; the pocket cards drop them once used.
	shown   []markdown.Callout
	shownAt *markdown.ShownAt
}

// compact drops what a streamed build needs no more once the module's
// page is made: the headings but their ids' hashes, and each link
// target's own copy of a content path that is also a document's (the link
// checks read the rest).
func (ds *docState) compact(docs map[string]*docState) {
	if len(ds.res.Headings) > 0 {
		ds.idSums = make([]uint64, len(ds.res.Headings))
		for i, h := range ds.res.Headings {
			ds.idSums[i] = idSum(h.ID)
		}
	}
	ds.res.Headings = nil
	for i := range ds.res.Links {
		if t, ok := docs[ds.res.Links[i].Target]; ok {
			ds.res.Links[i].Target = t.doc.Path
		}
	}
}

// idSeed makes idSum's hashes, for the life of the process.
var idSeed = maphash.MakeSeed()

// idSum is the hash of a heading id kept by compact: 8 bytes, where a
// large site's ids took about 370 per module.
func idSum(id string) uint64 { return maphash.String(idSeed, id) }

// headingIDs are the ids of the headings of a document not compacted
// (idSums), in order.
func (ds *docState) headingIDs() []string { return headingIDs(ds.res.Headings) }

// headingIDs are the ids of hs, in order.
func headingIDs(hs []markdown.Heading) []string {
	ids := make([]string, 0, len(hs))
	for _, h := range hs {
		ids = append(ids, h.ID)
	}
	return ids
}

// New returns a Builder for the site rooted at root.
func New(root fs.FS, opts Options) *Builder {
	return &Builder{root: root, opts: opts, table: defaultTable(), unrendered: map[string]bool{}}
}

// Build reads the whole site anew and writes every file to out. It
// returns the diagnostics; when they hold an error, out may hold part of
// the site (a streamed build) and must be thrown away.
func (b *Builder) Build(out Output) (Stats, diag.List) {
	return b.run(nil, out)
}

// Update brings the Builder up to date with the site. changed lists the
// site-root relative paths that changed since the previous Update (as the
// watcher reports them: files, and folders that came or went); nil means
// everything is read anew. When the diagnostics hold no error, Files
// serves the new build.
func (b *Builder) Update(changed []string) (Stats, diag.List) {
	if b.opts.Stream {
		panic("site: Update on a Builder made for a streamed build")
	}
	return b.run(changed, nil)
}

// Files returns the files of the last good build, nil before the first.
func (b *Builder) Files() *Files {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.cur
}

var seed = maphash.MakeSeed()

// forEach calls fn for 0..n-1 on every core and returns when all are done.
func forEach(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// today is the date reviews are checked against.
func (b *Builder) today() time.Time {
	if b.opts.Today.IsZero() {
		return time.Now()
	}
	return b.opts.Today
}

// trace reports the time since at to Options.Trace and returns now.
func (b *Builder) trace(at time.Time, what string) time.Time {
	now := time.Now()
	if b.opts.Trace != nil {
		fmt.Fprintf(b.opts.Trace, "%8.1f ms  %s\n", float64(now.Sub(at).Microseconds())/1000, what)
	}
	return now
}

// hasher makes the keys that tell what a cached thing was made from.
type hasher struct{ h maphash.Hash }

func newHasher() *hasher {
	h := &hasher{}
	h.h.SetSeed(seed)
	return h
}

func (h *hasher) str(ss ...string) *hasher {
	for _, s := range ss {
		h.h.WriteString(s)
		h.h.WriteByte(0)
	}
	return h
}

func (h *hasher) u64(vs ...uint64) *hasher {
	var b [8]byte
	for _, v := range vs {
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		h.h.Write(b[:])
	}
	return h
}

func (h *hasher) sum() uint64 { return h.h.Sum64() }
