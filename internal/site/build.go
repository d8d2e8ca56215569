package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/markdown"
	"github.com/cmesite/cmesite/internal/render"
	"github.com/cmesite/cmesite/internal/search"
)

// pass is the state of one build. Its phases run in this order: load,
// assemble, plan, render, check, index, write.
type pass struct {
	b       *Builder
	out     Output // nil: an Update, whose pages are made on demand
	stream  bool   // pages that show a body are written with it (Options.Stream)
	changed []string
	start   time.Time
	lap     time.Time

	reload     bool                 // every content file is read again
	reconfig   bool                 // the configuration and theme were loaded again
	retheme    bool                 // ... because the theme may have changed
	sameConfig bool                 // ... and cmesite.yaml is as it was
	walked     bool                 // the content tree was listed again
	toRead     []string             // content paths read by this build
	before     map[string]*docState // their state before this build (nil: new)
	lastOK     bool                 // the previous build succeeded
	added      []string             // content files that came (the tree was updated, not walked)
	removed    []string             // content files and folders that went (likewise)
	gone       map[string]*docState // the documents of the Markdown files that went
	patched    bool                 // the last curriculum was patched in place
	patch      struct {             // what was patched in, to revert it
		docs, added []*content.Doc
		removed     []string
	}
	rendered []string // content paths whose bodies this build rendered

	c     *curriculum.Curriculum
	files *Files
	diags diag.List
	st    Stats
}

// run is Build (out set) and Update (out nil).
func (b *Builder) run(changed []string, out Output) (Stats, diag.List) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bd := &pass{b: b, out: out, changed: changed, start: time.Now()}
	bd.lap = bd.start
	bd.stream = out != nil && b.opts.Stream
	if out != nil {
		changed = nil
		bd.changed = nil
	}
	if !bd.load() {
		// The files that changed were not read: the next build reads
		// every file (those whose bytes are the same keep their state).
		b.rereadAll = true
		bd.diags.Sort()
		return bd.st, bd.diags
	}
	bd.assemble()
	bd.plan()
	bd.render()
	bd.check()
	if bd.diags.Errors() == 0 && bd.retheme && out == nil {
		bd.tryTheme()
	}
	if bd.diags.Errors() > 0 {
		if bd.stream && b.index != nil {
			b.index.Close() // its spill: it ends without FinalTo
		}
		bd.revert()
		return bd.st, bd.diags
	}
	bd.index()
	bd.write()
	bd.st.Duration = time.Since(bd.start)
	return bd.st, bd.diags
}

func (bd *pass) phase(what string) { bd.lap = bd.b.trace(bd.lap, what) }

// load reads what changed: the configuration and theme, the content
// tree, the content files. It reports false when the configuration or
// theme has errors, which stop the build.
func (bd *pass) load() bool {
	b := bd.b
	bd.lastOK = b.lastOK
	bd.reload = bd.changed == nil || b.cfg == nil || b.rereadAll
	// After a configuration or theme with errors (b.theme is nil), both
	// are loaded again, whatever changed.
	reconfig := bd.reload || b.theme == nil
	bd.retheme = reconfig
	for _, p := range bd.changed {
		if p == "themes" || strings.HasPrefix(p, "themes/") {
			bd.retheme = true
		}
		if p == config.File || p == "themes" || strings.HasPrefix(p, "themes/") || p == content.Dir {
			reconfig = true
		}
		if p == content.Dir {
			bd.reload = true
		}
	}
	bd.reconfig = reconfig
	if reconfig && !bd.loadConfig() {
		return false
	}
	switch {
	case bd.reload:
		b.walk()
		bd.walked = true
	case b.needWalk(bd.changed):
		bd.walked = true
		if !bd.updateTree() {
			b.walk()
			bd.reload = true // what a walk reports, it reports for every file
		}
	}
	bd.toRead = bd.whatToRead()
	b.rereadAll = false
	bd.st.Reread = len(bd.toRead)
	bd.before = make(map[string]*docState, len(bd.toRead))
	for _, p := range bd.toRead {
		bd.before[p] = b.docs[p]
	}
	bd.phase("config, theme, walk")
	bd.diags.Add(b.readDocs(bd.toRead)...)
	bd.phase("read, parse frontmatter")
	return true
}

// loadConfig loads cmesite.yaml and the theme. What depends on them is
// made anew only when what it depends on changed: the Markdown renderer
// (on the callout labels) and the search index (on its options).
func (bd *pass) loadConfig() bool {
	b := bd.b
	cfg, d := config.Load(b.root)
	if b.opts.BaseURL != "" {
		cfg.BaseURL = strings.TrimSuffix(b.opts.BaseURL, "/") + "/"
	}
	// The theme depends on its files, its name and the language.
	theme, td := b.theme, b.themeDiags
	if bd.retheme || theme == nil || cfg.Theme != b.cfg.Theme || cfg.Language != b.cfg.Language {
		theme, td = render.Load(b.root, cfg.Theme, cfg.Language, templates(b.table)...)
	}
	d.Add(td...)
	if d.Errors() > 0 {
		bd.diags = d
		b.lastOK = false
		b.theme = nil // load it again next time: it may be what is wrong
		return false
	}
	bd.sameConfig = b.cfg != nil && bytes.Equal(b.cfg.Source, cfg.Source) && b.cfg.BaseURL == cfg.BaseURL
	b.cfg, b.theme, b.cfgDiags, b.themeDiags = cfg, theme, d, td
	labels := calloutLabels(theme)
	callTeam := callTeamHTML(theme, cfg)
	if key := fmt.Sprint(labels) + callTeam; b.md == nil || key != b.labels {
		b.md, b.labels = markdown.New(markdown.Options{CalloutLabels: labels, CallTheTeamHTML: callTeam}), key
		for p, ds := range b.docs {
			// Bodies show the labels: render them again.
			if ds.rendered {
				b.docs[p] = &docState{doc: ds.doc, hash: ds.hash}
				b.unrendered[p] = true
			}
		}
	}
	if key := searchKeyOf(cfg); b.index == nil || key != b.indexKey {
		b.index, b.indexKey, b.indexed = newSearchIndex(cfg), key, map[string]uint64{}
	}
	if b.docs == nil {
		b.docs = map[string]*docState{}
	}
	return true
}

// needWalk reports whether the content tree must be listed again: when a
// changed path is not a file the last walk found or no longer exists (a
// file or folder created, deleted or renamed).
func (b *Builder) needWalk(changed []string) bool {
	if b.known == nil {
		return true
	}
	for _, p := range changed {
		rel, ok := strings.CutPrefix(p, content.Dir+"/")
		if !ok {
			continue
		}
		if !b.known[rel] {
			return true
		}
		if _, err := fs.Stat(b.root, p); err != nil {
			return true
		}
	}
	return false
}

// updateTree brings the content tree up to date with the changed paths,
// reading only those; false when only a new walk can.
func (bd *pass) updateTree() bool {
	b := bd.b
	if len(b.treeDiags) > 0 {
		return false
	}
	var rels []string
	for _, p := range bd.changed {
		if rel, ok := strings.CutPrefix(p, content.Dir+"/"); ok {
			rels = append(rels, rel)
		}
	}
	added, removed, ok := b.tree.Update(b.root, rels)
	if !ok {
		return false
	}
	for _, p := range added {
		b.known[p] = true
	}
	for _, p := range removed {
		delete(b.known, p)
		delete(b.dirs, p)
	}
	for _, d := range b.tree.Dirs {
		b.dirs[d] = true
	}
	bd.added, bd.removed = added, removed
	return true
}

// walk lists the content tree.
func (b *Builder) walk() {
	tree, d := content.Walk(b.root)
	b.tree, b.treeDiags = tree, d
	b.known = make(map[string]bool, len(tree.Markdown)+len(tree.Static))
	for _, p := range tree.Markdown {
		b.known[p] = true
	}
	for _, p := range tree.Static {
		b.known[p] = true
	}
	b.dirs = make(map[string]bool, len(tree.Dirs))
	for _, d := range tree.Dirs {
		b.dirs[d] = true
	}
}

// whatToRead lists the Markdown files to read: every one on a reload,
// else the changed ones and the ones the walk found new. Documents whose
// files are gone are forgotten.
func (bd *pass) whatToRead() []string {
	b := bd.b
	changed := make(map[string]bool, len(bd.changed))
	for _, p := range bd.changed {
		changed[p] = true
	}
	var toRead []string
	if bd.walked && !bd.reload {
		// The tree was updated: the changed files that are there, and
		// the new ones; the documents whose files went are gone.
		bd.gone = map[string]*docState{}
		for _, p := range bd.removed {
			if ds := b.docs[p]; ds != nil {
				bd.gone[p] = ds
				delete(b.docs, p)
				delete(b.unrendered, p)
			}
		}
		for _, p := range bd.changed {
			if rel, ok := strings.CutPrefix(p, content.Dir+"/"); ok && strings.HasSuffix(rel, ".md") && b.known[rel] {
				toRead = append(toRead, rel)
			}
		}
		for _, p := range bd.added {
			if strings.HasSuffix(p, ".md") {
				toRead = append(toRead, p)
			}
		}
		slices.Sort(toRead)
		return slices.Compact(toRead)
	}
	if bd.walked {
		want := make(map[string]bool, len(b.tree.Markdown))
		for _, p := range b.tree.Markdown {
			want[p] = true
			if _, ok := b.docs[p]; !ok || bd.reload || changed[content.Dir+"/"+p] {
				toRead = append(toRead, p)
			}
		}
		for p := range b.docs {
			if !want[p] {
				delete(b.docs, p)
				delete(b.unrendered, p)
			}
		}
		return toRead
	}
	for _, p := range bd.changed {
		if rel, ok := strings.CutPrefix(p, content.Dir+"/"); ok && b.docs[rel] != nil {
			toRead = append(toRead, rel)
		}
	}
	slices.Sort(toRead)
	return slices.Compact(toRead)
}

// readDocs reads and parses files on every core. A file whose bytes did
// not change keeps its state, rendered body included.
func (b *Builder) readDocs(paths []string) diag.List {
	states := make([]*docState, len(paths))
	errs := make([]error, len(paths))
	// A one-off build keeps a module's Lead, 300 bytes of every module
	// until the last list page, only for a theme that can read it: one
	// whose templates name Lead or the Doc that holds it (a Doc shown
	// whole shows its Lead). serve keeps it for any theme.
	dropLead := b.opts.Stream && b.theme != nil && !b.theme.Names("Lead") && !b.theme.Names("Doc")
	// slab: a one-off build makes every document's state and Doc in one
	// array. The collector marks a pointer into one large array for much
	// less than a pointer to an object of its own (it finds the span of
	// each object it marks, and here they are all in one), and the
	// states, kept to the end of the build, no longer sit among the
	// files' garbage in half-empty spans. At 100,000 modules this took
	// the collector's CPU from about 6.0 s to 4.0 s (3 runs each, in
	// memory). serve makes each on its own: a state it replaces after a
	// save must not keep a whole array, and the text of all its
	// neighbours' old versions, alive.
	type slabbed struct {
		state docState
		doc   content.Doc
	}
	var slab []slabbed
	if b.opts.Stream {
		slab = make([]slabbed, len(paths))
	}
	forEach(len(paths), func(i int) {
		p := paths[i]
		var data []byte
		var err error
		if b.opts.Stream {
			// A one-off build keeps no byte of the file (Body is
			// dropped below): it reads into a reused buffer.
			buf := readBufs.Get().(*bytes.Buffer)
			defer readBufs.Put(buf)
			data, err = readInto(b.root, path.Join(content.Dir, p), buf)
		} else {
			data, err = fs.ReadFile(b.root, path.Join(content.Dir, p))
		}
		if err != nil {
			errs[i] = err
			states[i] = &docState{doc: &content.Doc{Path: p, File: path.Join(content.Dir, p), Section: path.Base(p) == content.IndexName}}
			return
		}
		if old := b.docs[p]; old != nil && old.rendered && old.hash == content.HashBytes(data) {
			states[i] = old
			return
		}
		var doc *content.Doc
		var st *docState
		if slab != nil {
			doc, st = &slab[i].doc, &slab[i].state
		} else {
			doc, st = new(content.Doc), new(docState)
		}
		content.ParseInto(doc, p, data)
		*st = docState{doc: doc, hash: doc.Hash}
		states[i] = st
		if b.opts.Stream && doc.Body != nil {
			// A one-off build reads the body again when it renders it:
			// the Markdown of a large site need not all be in memory.
			doc.Body, states[i].dropped = nil, true
		}
		if dropLead {
			doc.Lead = ""
		}
	})
	var diags diag.List
	for i, p := range paths {
		if errs[i] != nil {
			diags.Errorf(path.Join(content.Dir, p), 0, "cannot read: %v", errs[i])
		}
		if b.docs[p] != states[i] {
			b.docs[p] = states[i]
			b.unrendered[p] = true
		}
	}
	return diags
}

// assemble makes the curriculum. When the saved files leave its
// structure as it was (a body, a summary, a title, new terms: the common
// saves), the last build's curriculum is patched in place, and the
// diagnostics of the files not read again are the last build's.
func (bd *pass) assemble() {
	b := bd.b
	// A save of the theme alone, or of nothing that changes the
	// curriculum, keeps it; so do saves the curriculum can be patched
	// with.
	if !bd.reload && bd.lastOK && (!bd.reconfig || bd.sameConfig) {
		if docs, added, removed, ok := bd.patchable(); ok {
			if warns, _, ok := b.last.PatchFiles(docs, added, removed, b.today()); ok {
				bd.c, bd.patched = b.last, true
				bd.patch.docs, bd.patch.added, bd.patch.removed = docs, added, removed
				for _, p := range bd.toRead {
					bd.diags.Add(b.docs[p].doc.Diags...)
				}
				bd.diags.Add(warns...)
			}
		}
	}
	if !bd.patched {
		bd.diags.Add(b.cfgDiags...)
		bd.diags.Add(b.treeDiags...)
		docs := make([]*content.Doc, 0, len(b.tree.Markdown))
		for _, p := range b.tree.Markdown {
			ds := b.docs[p]
			docs = append(docs, ds.doc)
			bd.diags.Add(ds.doc.Diags...)
		}
		c, d := curriculum.Assemble(b.cfg, docs, curriculum.Options{Drafts: b.opts.Drafts, Today: b.today()})
		bd.c = c
		bd.diags.Add(d...)
	}
	b.lastOK = false
	bd.phase("assemble")
}

// patchable sorts what the build read into what PatchFiles takes: new
// versions of documents, new modules, and the content paths of modules
// that went. Drafts left out of the site stay out; false when a
// section's _index.md came or went, which only Assemble handles.
func (bd *pass) patchable() (docs, added []*content.Doc, removed []string, ok bool) {
	b := bd.b
	draft := func(doc *content.Doc) bool { return doc.Front.Draft && !b.opts.Drafts }
	for _, p := range bd.toRead {
		doc := b.docs[p].doc
		old := bd.before[p]
		switch {
		case old == nil && doc.Section:
			return nil, nil, nil, false
		case old == nil && !draft(doc):
			added = append(added, doc)
		case old != nil && !(draft(old.doc) && draft(doc)):
			docs = append(docs, doc)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(bd.gone)) {
		doc := bd.gone[p].doc
		switch {
		case doc.Section:
			return nil, nil, nil, false
		case b.last.ByID[strings.TrimSuffix(p, ".md")] != nil:
			removed = append(removed, p)
		}
	}
	return docs, added, removed, true
}

// revert undoes a patch when the build failed after it: the files served
// are still made from the last good build's curriculum.
func (bd *pass) revert() {
	if !bd.patched {
		return
	}
	var old, back []*content.Doc
	for _, doc := range bd.patch.docs {
		old = append(old, bd.before[doc.Path].doc)
	}
	for _, p := range bd.patch.removed {
		back = append(back, bd.gone[p].doc)
	}
	var gone []string
	for _, doc := range bd.patch.added {
		gone = append(gone, doc.Path)
	}
	// What it held before: it takes it back.
	bd.c.PatchFiles(old, back, gone, bd.b.today())
}

// tryTheme makes the first page of each entry of the table, so that a
// template that fails is reported when the theme or configuration is
// saved, not when a browser asks for the page.
func (bd *pass) tryTheme() {
	f := bd.files
	var first []*page
	seen := map[*entry]bool{}
	for i := range f.pages {
		if p := &f.pages[i]; p.html && !seen[p.entry] {
			seen[p.entry] = true
			first = append(first, p)
		}
	}
	errs := make([]error, len(first))
	forEach(len(first), func(i int) { _, errs[i] = f.get(first[i].file) })
	for _, err := range errs {
		if err != nil {
			bd.diags.Errorf("themes/"+bd.b.cfg.Theme, 0, "%v", err)
		}
	}
	bd.diags.Sort()
}

// plan lists the site's pages from the page table and reports the names
// content may not take.
func (bd *pass) plan() {
	b := bd.b
	b.theme.ResetShared() // shared partials read the curriculum
	bd.files = newFiles(b, bd.c)
	bd.diags.Add(bd.files.conflicts()...)
	bd.phase("plan")
}

// render converts the Markdown of every built document not yet rendered,
// on every core. In a streamed build, the pages that show a body are made
// and written as soon as it is rendered, and the body is not kept.
func (bd *pass) render() {
	b := bd.b
	stream := bd.stream && bd.diags.Errors() == 0
	var w *writer
	if stream {
		w = newWriter(bd.out)
		w.rec = bd.files.record()
		bd.files.written = map[string]bool{}
		// The index ends with FinalTo: what it keeps of each page until
		// then waits in a temporary file, not on the heap.
		b.index.Spill()
	}
	type job struct {
		p  string
		ds *docState
		m  *curriculum.Module
	}
	var jobs []job
	for _, p := range slices.Sorted(maps.Keys(b.unrendered)) {
		ds := b.docs[p]
		if ds.rendered || (ds.doc.Body == nil && !ds.dropped) {
			continue
		}
		m := bd.c.ByID[strings.TrimSuffix(p, ".md")]
		if m == nil && (!ds.doc.Section || (ds.doc.Front.Draft && !b.opts.Drafts)) {
			continue // a draft left out: not rendered, not checked
		}
		jobs = append(jobs, job{p, ds, m})
		delete(b.unrendered, p)
		bd.rendered = append(bd.rendered, p)
	}
	bd.st.Rendered = len(jobs)
	results := make(chan streamed, 64)
	go func() {
		forEach(len(jobs), func(i int) {
			j := jobs[i]
			ds := j.ds
			if ds.dropped {
				buf := readBufs.Get().(*bytes.Buffer)
				if !b.reread(j.p, ds, buf) {
					readBufs.Put(buf)
					return
				}
				// Given back once no byte of the file is held: a
				// streamed build drops the body once it is rendered
				// and indexed; any other keeps it.
				if stream {
					defer func() {
						ds.doc.Body = nil
						readBufs.Put(buf)
					}()
				}
			}
			in := markdown.Input{Source: ds.doc.Body, File: ds.doc.File, Path: j.p, FirstLine: ds.doc.BodyLine}
			if stream && j.m != nil {
				// A pocket card's callouts come from this parse: the
				// body is not read again for them.
				in.CalloutsAt = bd.files.pocketAt[j.m]
				// The module's pages are made and its text indexed
				// below, and then the body's HTML and text are dropped:
				// they need not be copied out of the renderer's buffers.
				var done func()
				ds.res, done = b.md.RenderTransient(in)
				defer done()
			} else {
				ds.res = b.md.Render(in)
			}
			ds.html = template.HTML(ds.res.HTML) // goldmark's output; raw HTML is not rendered
			ds.res.HTML, ds.rendered = "", true
			ds.shown, ds.shownAt, ds.res.Shown = ds.res.Shown, in.CalloutsAt, nil
			ds.callouts, ds.external = ds.res.Callouts, ds.res.External
			if j.m == nil {
				return
			}
			if stream {
				// Index the page here, on this core, and drop its text.
				b.index.Add(searchDoc(j.m, ds))
				ds.res.Sections, ds.doc.Body = nil, nil
				for _, pg := range bd.files.showing(j.p) {
					data, buf, err := bd.files.makeOut(pg)
					results <- streamed{pg.file, data, err, buf}
				}
				ds.html = ""
				b.checkNow(bd.c, j.p, ds)
				ds.compact(b.docs)
			}
		})
		close(results)
	}()
	if !stream {
		for range results { // none are sent: wait for the renders
		}
	} else {
		w.written = bd.files.written
		w.drain(results)
		for _, j := range jobs {
			if j.m != nil {
				b.indexed[j.m.URL] = searchKey(j.m, j.ds)
			}
		}
		if w.err != nil {
			bd.diags.Errorf("themes/"+b.cfg.Theme, 0, "%v", w.err)
		}
	}
	for _, p := range bd.rendered {
		bd.diags.Add(b.docs[p].res.Diagnostics...)
	}
	bd.phase("markdown (and the pages that show it when streamed)")
}

// reread reads the body of a document whose body was dropped after
// parsing, and reports whether it is the body that was parsed.
//
// The file is read into buf, which the caller gives back once the body is
// rendered and dropped.
func (b *Builder) reread(p string, ds *docState, buf *bytes.Buffer) bool {
	ds.dropped = false
	body, ok := b.bodyAgain(p, ds, buf)
	if !ok {
		ds.res = markdown.Result{}
		ds.res.Diagnostics.Errorf(ds.doc.File, 0, "the file changed while the site was being built; build again")
		ds.rendered = true
		return false
	}
	ds.doc.Body = body
	return true
}

// bodyAgain reads the file of the document at p into buf and gives its
// body; false when the file cannot be read or is not the one parsed.
func (b *Builder) bodyAgain(p string, ds *docState, buf *bytes.Buffer) ([]byte, bool) {
	data, err := readInto(b.root, path.Join(content.Dir, p), buf)
	if err != nil {
		return nil, false
	}
	return ds.doc.BodyOf(data)
}

type streamed struct {
	name string
	data []byte
	err  error
	buf  *[]byte // data's buffer, given back once data is written (makeOut)
}

// check reports broken links, and puts the diagnostics together: after a
// patch, the last build's for the files not read again.
func (bd *pass) check() {
	b := bd.b
	// After a save that kept the files and every heading, only the saved
	// files' own links can have broken (the others were fine at the last
	// build and point at the same headings).
	// Files that went can break the links that pointed to them: those
	// are checked too.
	var from []string // nil: every file
	if !bd.reload && bd.lastOK && (bd.patched || !bd.walked && sameModules(b.last, bd.c)) && bd.sameHeadings() {
		from = slices.Concat(slices.Collect(maps.Keys(bd.before)), b.linkingTo(bd.removed))
		slices.Sort(from)
		from = slices.Compact(from)
	}
	bd.diags.Add(b.checkLinks(bd.c, from)...)
	bd.diags.Sort()
	if bd.patched {
		files := make(map[string]bool, len(bd.toRead))
		for _, p := range bd.toRead {
			files[b.docs[p].doc.File] = true
		}
		for _, ds := range bd.gone {
			files[ds.doc.File] = true
		}
		if bd.reconfig {
			// The configuration and theme were loaded again: theirs are new.
			for _, x := range b.lastAll {
				if x.File == config.File || strings.HasPrefix(x.File, "themes/") {
					files[x.File] = true
				}
			}
			bd.diags.Add(b.cfgDiags...)
			bd.diags.Sort()
		}
		all := make(diag.List, 0, len(b.lastAll)+len(bd.diags))
		for _, x := range b.lastAll {
			if !files[x.File] {
				all = append(all, x)
			}
		}
		all.Merge(bd.diags)
		bd.diags = all
	}
	bd.phase("check links")
}

// sameHeadings reports whether every re-read document has the heading ids
// it had before.
func (bd *pass) sameHeadings() bool {
	for p, old := range bd.before {
		now := bd.b.docs[p]
		if old == nil || old == now {
			continue // a new file (links to it were broken), or the same bytes
		}
		a, b := old.res.Headings, now.res.Headings
		if !old.rendered || len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].ID != b[i].ID {
				return false
			}
		}
	}
	return true
}

// sameModules reports whether two curricula build the same modules.
func sameModules(a, b *curriculum.Curriculum) bool {
	if a == nil || len(a.ByID) != len(b.ByID) {
		return false
	}
	for id := range b.ByID {
		if a.ByID[id] == nil {
			return false
		}
	}
	return true
}

// index brings the search index up to date: the modules not indexed
// while their bodies were rendered, and the pages that are gone. What to
// change is worked out here; the index takes the changes and makes its
// files on a goroutine of its own, after those of the builds before, so
// that neither the pages of a one-off build nor the page a browser shows
// wait for it.
func (bd *pass) index() {
	b := bd.b
	c := bd.c
	var set []search.Doc
	var gone []string
	live := make(map[string]bool, len(c.Modules))
	for _, m := range c.Modules {
		live[m.URL] = true
		ds := b.docs[m.Doc.Path]
		h := searchKey(m, ds)
		if old, ok := b.indexed[m.URL]; ok && old == h {
			continue
		}
		b.indexed[m.URL] = h
		set = append(set, searchDoc(m, ds))
	}
	for url := range b.indexed {
		if !live[url] {
			delete(b.indexed, url)
			gone = append(gone, url)
		}
	}
	prev, done, ix, f := b.searching, make(chan struct{}), b.index, bd.files
	f.searched = done
	var files chan streamed
	if bd.stream {
		// A one-off build writes each file of the index as soon as it
		// is made, among the pages (writeAll).
		files = make(chan streamed, 64)
		f.searchFiles = files
	}
	if bd.stream {
		// A one-off build: the index is not needed once its files are
		// made, nor what the link checks read.
		b.index = nil
		for _, ds := range b.docs {
			ds.res, ds.idSums = markdown.Result{}, nil
		}
	}
	go func() {
		if prev != nil {
			<-prev
		}
		for _, d := range set {
			ix.Set(d)
		}
		for _, url := range gone {
			ix.Delete(url)
		}
		if files != nil {
			ix.FinalTo(func(name string, data []byte) {
				files <- streamed{name: name, data: data}
				buf := pageBufs.Get().(*[]byte)
				if twin, js := appendDiskTwin((*buf)[:0], name, data); js != nil {
					files <- streamed{name: twin, data: js, buf: buf}
				} else {
					pageBufs.Put(buf)
				}
			})
			if err := ix.Err(); err != nil {
				files <- streamed{name: "search/index.json", err: cannotRender("search/index.json", err)}
			}
			close(files)
			f.search, f.onDisk = map[string][]byte{}, map[string][]byte{}
		} else {
			f.search = ix.Files()
			b.onDisk = b.onDisk.update(f.search)
			f.onDisk = b.onDisk.files()
		}
		close(done)
	}()
	b.searching = done
	bd.phase("search index (queued)")
}

// write finishes the build: a one-off build makes and writes every page
// not written yet; an Update makes its files the ones served.
func (bd *pass) write() {
	b := bd.b
	f := bd.files
	if bd.out != nil {
		if err := f.writeAll(bd.out); err != nil {
			bd.diags.Errorf("themes/"+b.cfg.Theme, 0, "%v", err)
			bd.diags.Sort()
			return
		}
		bd.phase("render and write pages, index")
	} else {
		b.cur = f
	}
	b.lastAll = bd.diags
	b.last, b.lastOK = bd.c, true
	bd.st.Modules = len(bd.c.Modules)
	bd.st.Pages, bd.st.Files = f.counts()
}

// calloutLabels are the theme's titles for the callout kinds.
func calloutLabels(t *render.Theme) map[string]string {
	labels := map[string]string{}
	for _, k := range markdown.CalloutKinds() {
		if s, err := t.T(k.Key); err == nil {
			labels[k.Name] = s
		}
	}
	return labels
}

// callTeamHTML is the site's contacts as tap-to-call buttons, the theme's
// "call-team-contacts" partial, which every CALL THE TEAM callout ends
// with: the GP reads the number where the card says when to call, and a
// printed card keeps it. No contacts (or a theme without the partial)
// gives "": the callout shows only what its author wrote.
func callTeamHTML(t *render.Theme, cfg *config.Config) string {
	if len(cfg.Contacts) == 0 {
		return ""
	}
	h, err := t.Fragment("call-team-contacts", cfg)
	if err != nil {
		return ""
	}
	return h
}

// writer funnels made files to an Output, records them, and keeps the
// first error: the Output's, or the one a file was made with, which names
// the file (cannotRender). Its put is safe for concurrent use.
type writer struct {
	out     Output
	rec     *fileSums       // when set, records each file written
	mu      sync.Mutex      // guards err and written
	err     error           // the first error, in time
	written map[string]bool // when set, the names of the files put
}

func newWriter(out Output) *writer { return &writer{out: out} }

func (w *writer) put(name string, data []byte, err error) {
	if err == nil {
		if w.rec != nil {
			w.rec.add(name, data)
		}
		err = w.out.Put(name, data)
	}
	if err == nil && w.written == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written != nil {
		w.written[name] = true
	}
	if err != nil && w.err == nil {
		w.err = err
	}
}

// drain puts the files sent on files, a goroutine per core, and returns
// once files is closed and every one of them is written. One goroutine
// making every file's sha256 and system calls would bound a build on many
// cores; on 2 it makes no measurable difference either way.
func (w *writer) drain(files <-chan streamed) {
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for r := range files {
				w.put(r.name, r.data, r.err)
				recycle(r.buf, r.data)
			}
		})
	}
	wg.Wait()
}

// searchKeyOf is what the search index's options are made from
// (newSearchIndex): the synonyms and the vocabularies.
func searchKeyOf(cfg *config.Config) string {
	key := fmt.Sprint(cfg.Synonyms)
	for _, f := range content.Facets() {
		key += fmt.Sprint(cfg.Vocab(f.Name))
	}
	return key
}

// readBufs are the buffers a one-off build reads Markdown files into: it
// holds no byte of a file once the file is parsed, or rendered and
// indexed, so the files of a large site need not each be a new
// allocation, twice.
var readBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readInto reads the file name of fsys into buf, as fs.ReadFile does into
// a new slice.
func readInto(fsys fs.FS, name string, buf *bytes.Buffer) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf.Reset()
	fi, err := f.Stat()
	if err != nil || fi.Size() >= 1<<30 {
		_, err = buf.ReadFrom(f)
		return buf.Bytes(), err
	}
	size := int(fi.Size())
	buf.Grow(size + bytes.MinRead)
	if _, ok := f.(*os.File); ok && fi.Mode().IsRegular() {
		// A read of a regular file returns less than asked only at its
		// end. Asked for one byte more than Stat said, a read that
		// returns the size has read the whole file: one call, not the
		// two of ReadFrom (the second sees the end), half the reads of
		// a large site's build. Anything else (the file grew or
		// shrank since Stat) reads on as before.
		b := buf.AvailableBuffer()[:size+1]
		n, err := f.Read(b)
		buf.Write(b[:n])
		if n == size && size > 0 {
			return buf.Bytes(), nil
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
	}
	_, err = buf.ReadFrom(f)
	return buf.Bytes(), err
}
