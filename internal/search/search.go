// Package search builds the static, sharded search index of a cmesite site
// and holds the reference implementation (Searcher) of the query that the
// theme's search.js runs in the browser over the same files.
//
// # Contract
//
// The site builder turns every built module page into a Doc and calls
// Index.Set; in serve mode it calls Set and Delete for changed pages. Files
// returns the files to write under "search/". For the same set of Docs (and
// the same Options) Files returns the same bytes, whatever the order of Set
// and Delete calls that produced the set. Editing a Doc whose URL is already
// indexed keeps every doc id and re-encodes only the files that changed
// (about a millisecond on 10,000 docs); adding or removing a Doc renumbers
// the docs and re-encodes everything. An Index is not safe for concurrent
// use.
//
// # Text rules
//
// Index and query fold text the same way (Fold: NFKD, no combining marks,
// lower case, a few letters such as ß and ø spelled out) and split it the
// same way (Tokenize: runs of letters and numbers; an apostrophe inside a
// word joins, everything else separates). Stop words are not indexed; a
// query ignores them, except a last word still being typed ("the" on the
// way to "therapy"), which is optional. Every query word matches as a prefix (from two
// letters); a whole-word match ranks higher. A word of 5 or more letters
// that matches nothing also matches words one edit away (insertion,
// deletion, substitution, transposition; "ph" and "f" count as one letter)
// and words that start one edit away. British/American spellings
// (spellingStems), built-in synonyms (builtinSynonyms), the site's synonym
// groups (Options.Synonyms, multi-word alternatives allowed) and each Doc's
// Keywords connect the words a reader types with the words an author wrote.
//
// # Ranking
//
// A word scores by the best place it occurs in a doc: title and keywords
// (1000), headings (500), summary and KEY POINTS callouts (300), other
// callouts and the labels of the doc's topics and format (150), body (100),
// plus 20 when it occurs 4 times or more; prefix, typo, spelling and
// synonym matches score a fixed percentage of that. Docs that match every
// query word (or a synonym of it) come first, then docs that match some of
// them. A quick-reference card's score counts 1.5 times, so a card whose
// title or keywords name the query comes before modules that do too (the
// GP in a difficult case wants the card), while a card that only has the
// word in one of the headings every card shares ("Advice for carers")
// does not push a module named for it off the first results.
// Ties go to the lower level (vocabulary order: basic first), then the lower
// Weight, then the title.
//
// # Sections
//
// The index keeps each doc's section anchors and headings. A result links
// to the heading that names the query words when the title does not name
// them all; otherwise search.js reads the result's own page (the element
// with data-search-body, else <main>; sections start at h2/h3 elements with
// an id), links to the section whose text matches and takes the snippet
// from there. Body text is not copied into the index: the pages already
// hold it, and the index of a small site stays small enough to cache whole.
//
// # Files
//
//	search/index.json    manifest: doc count, shard parameters, content hash of
//	                     every other file, stop words, spelling pairs, synonym
//	                     groups, facet vocabularies [[id, label], ...]
//	search/docs.json     {"rank": ..., "level": ..., "topic": ..., ...}: per doc,
//	                     its place in tie order and its facet value indexes
//	search/t/<key>.json  ["term", "postings", ...] for the terms whose first
//	                     runes are <key> (termFileName), sorted
//	search/m/<n>.json    [[url, title, snippet, [anchor, heading, ...]], ...]
//	                     for docs n*metaGroup .. n*metaGroup+metaGroup-1
//
// Number lists (ranks, facets, postings) are v64 strings (encode.go). Doc
// ids are positions in URL order. Small sites (about 500 modules; the
// threshold is on the number of doc-term pairs, see shardParams) get one
// term shard (t/_.json) and one meta shard: four files that can be cached
// whole for offline use. Larger sites shard terms by their first letter
// (up to about 1,500 modules) or first two letters, and meta by 16 docs, so
// that the first query loads only what it needs. search.js fetches each file but the
// manifest as "<file>?v=<hash>", so a browser never mixes files of two
// builds.
package search

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
)

// Doc is one page in the index.
type Doc struct {
	URL       string // page URL relative to the site root, e.g. "symptoms/breathlessness/" (no leading slash)
	Title     string
	Level     string   // vocabulary id, e.g. "basic"
	Format    string   // e.g. "quick-reference", "e-learning"
	Topics    []string // ids
	Audiences []string // ids
	Keywords  []string // author-given search terms and synonyms; rank like the title
	Summary   string
	Weight    int       // author ordering (ties)
	Sections  []Section // body text split at h2/h3, callouts as their own sections
}

// Section is a part of a Doc's body.
type Section struct {
	Anchor  string // heading id ("" = top of page)
	Heading string
	Text    string // plain text
	Callout string // "" or the callout kind (a markdown.CalloutKinds Name: "KEY POINTS", "RED FLAGS", ...); markdown.CalloutKeyPoints ranks like the summary
}

// Options are the site-wide inputs of the index.
type Options struct {
	// Synonyms are the site's synonym groups, e.g. {"breathlessness",
	// "dyspnoea", "SOB", "shortness of breath"}. Multi-word terms are allowed.
	Synonyms [][]string
	// Labels maps facet ("level", "topic", "audience", "format") -> id ->
	// display label.
	Labels map[string]map[string]string
	// Order maps facet -> ids in vocabulary order. Level order also breaks
	// ranking ties (the first level first).
	Order map[string][]string
}

// facetNames are the facets (content.Facets), in the order of docs.json and
// search.js.
var facetNames = func() []string {
	var names []string
	for _, f := range content.Facets() {
		names = append(names, f.Name)
	}
	return names
}()

// Field weights of the places a word can occur (see the package comment).
const (
	fieldBody = iota
	fieldCallout
	fieldSummary
	fieldHeading
	fieldTitle
)

// quickReference is the Format that ranks first.
const quickReference = config.QuickReference

// Index is an incremental search index. The zero value is not usable; call
// NewIndex.
type Index struct {
	opts      normOptions
	docs      map[string]*docEntry // by URL, analysed
	pending   map[string]Doc       // Set since the last Files
	readyMu   sync.Mutex
	ready     map[string]*docEntry // Add-ed since the last Files, analysed
	scratches sync.Pool            // of *scratch, for Add
	renumber  bool                 // ids must be reassigned (docs added or removed)

	urls     []string // by id
	postings int      // doc-term pairs
	keyLen   int      // runes of a term that choose its shard (0 = one shard)
	group    int      // docs per meta shard
	internMu sync.Mutex
	termIDs  map[string]uint32 // every term seen, also ones no doc has any more
	termList []*termEntry      // by term id
	tshards  map[string]*termShard
	mshards  []*metaShard

	docsFile    file
	docsDirty   bool
	facetsDirty bool                // ... and so did some doc's facets
	facetPart   []byte              // docs.json's facet lists, encoded
	facetVals   map[string][]string // facet -> value ids, in display order
	manifest    file
	changed     bool // some shard changed since the manifest was written
}

type file struct {
	data []byte
	hash string
}

type docEntry struct {
	doc    Doc    // without text: what docs.json needs
	ftitle string // the title folded, for ranking ties
	id     int
	terms  []uint32 // term id<<5 | termCodeOf(field, count)
	meta   []byte   // this doc's entry in its meta shard
}

type posting struct {
	doc  int32
	code uint8
}

type termEntry struct {
	text  string
	posts []posting // by doc
	enc   []byte    // encoded postings; nil when posts changed
}

type termShard struct {
	terms []string // sorted
	out   file
	dirty bool
}

type metaShard struct {
	out   file
	dirty bool
}

// normOptions are Options folded for matching.
type normOptions struct {
	synonyms [][]string // groups of alternatives, each a space-joined token list
	labels   map[string]map[string]string
	order    map[string][]string
}

// NewIndex returns an empty index.
func NewIndex(opts Options) *Index {
	return &Index{
		opts:    normalizeOptions(opts),
		docs:    map[string]*docEntry{},
		pending: map[string]Doc{},
		ready:   map[string]*docEntry{},
		termIDs: map[string]uint32{},
		tshards: map[string]*termShard{},
	}
}

func normalizeOptions(o Options) normOptions {
	n := normOptions{labels: map[string]map[string]string{}, order: map[string][]string{}}
	for _, f := range facetNames {
		n.labels[f] = map[string]string{}
		for id, l := range o.Labels[f] {
			n.labels[f][id] = l
		}
		n.order[f] = slices.Clone(o.Order[f])
	}
	addGroup := func(g []string) {
		var alts []string
		for _, a := range g {
			t := strings.Join(contentTokens(a), " ")
			if t != "" && !slices.Contains(alts, t) {
				alts = append(alts, t)
			}
		}
		if len(alts) >= 2 {
			n.synonyms = append(n.synonyms, alts)
		}
	}
	for _, g := range o.Synonyms {
		addGroup(g)
	}
	for _, g := range builtinSynonyms {
		addGroup(g)
	}
	return n
}

// Set adds d, or replaces the Doc with the same URL.
func (x *Index) Set(d Doc) {
	d.Topics = slices.Clone(d.Topics)
	d.Audiences = slices.Clone(d.Audiences)
	d.Keywords = slices.Clone(d.Keywords)
	d.Sections = slices.Clone(d.Sections)
	x.pending[d.URL] = d
}

// Add is Set for a builder that renders pages on several goroutines: it
// analyses d at once, on the calling goroutine, and keeps only what the
// index needs, so the caller can drop d's text. It is safe for concurrent
// use with other Add calls (not with Set, Delete or Files).
func (x *Index) Add(d Doc) {
	sc, _ := x.scratches.Get().(*scratch) // a scratch caches this index's term ids
	if sc == nil {
		sc = newScratch()
	}
	e := analyse(d, &x.opts, sc, x.intern)
	x.scratches.Put(sc)
	x.readyMu.Lock()
	x.ready[d.URL] = e
	x.readyMu.Unlock()
}

// Delete removes the Doc with this URL, if there is one.
func (x *Index) Delete(url string) {
	delete(x.pending, url)
	delete(x.ready, url)
	if _, ok := x.docs[url]; ok {
		delete(x.docs, url)
		x.renumber = true
	}
}

// Files returns the index files, keyed by their path in the output
// ("search/index.json", ...). The map is new on each call; the byte slices of
// files that did not change since the last call are the same slices, and
// must not be modified.
func (x *Index) Files() map[string][]byte {
	x.apply()
	out := make(map[string][]byte, 2+len(x.tshards)+len(x.mshards))
	out["search/index.json"] = x.manifest.data
	out["search/docs.json"] = x.docsFile.data
	for k, s := range x.tshards {
		out["search/t/"+termFileName(k)+".json"] = s.out.data
	}
	for i, s := range x.mshards {
		out["search/m/"+itoa(i)+".json"] = s.out.data
	}
	return out
}

func itoa(i int) string { return string(appendInt(nil, i)) }

// apply analyses pending docs and re-encodes what they changed.
func (x *Index) apply() {
	if len(x.pending) == 0 && len(x.ready) == 0 && !x.renumber && x.manifest.data != nil {
		return
	}
	urls := make([]string, 0, len(x.pending))
	for u := range x.pending {
		urls = append(urls, u)
		delete(x.ready, u) // a later Set wins over an earlier Add
	}
	for u := range x.ready {
		urls = append(urls, u)
	}
	for _, u := range urls {
		if _, ok := x.docs[u]; !ok {
			x.renumber = true
		}
	}
	slices.Sort(urls)
	entries := x.analyseAll(urls)
	clear(x.pending)
	clear(x.ready)
	if x.renumber || x.manifest.data == nil {
		for _, e := range entries {
			x.docs[e.doc.URL] = e
		}
		x.rebuild()
		x.renumber = false
	} else {
		for _, e := range entries {
			x.replace(e)
		}
		// An edit that crosses a size threshold reshards everything, as a
		// fresh build of the same docs would.
		if k, g := shardParams(len(x.urls), x.postings); k != x.keyLen || g != x.group {
			x.rebuild()
		}
	}
	x.encode()
}

// analyseAll analyses the pending docs with these URLs on every CPU.
func (x *Index) analyseAll(urls []string) []*docEntry {
	entries := make([]*docEntry, len(urls))
	workers := min(runtime.GOMAXPROCS(0), len(urls))
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			sc := newScratch()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(urls) {
					return
				}
				if e, ok := x.ready[urls[i]]; ok {
					entries[i] = e
					continue
				}
				entries[i] = analyse(x.pending[urls[i]], &x.opts, sc, x.intern)
			}
		})
	}
	wg.Wait()
	return entries
}

// intern returns the id of a term, adding it if it is new. Analysing
// goroutines call it for terms they have not seen before.
func (x *Index) intern(t string) uint32 {
	x.internMu.Lock()
	defer x.internMu.Unlock()
	id, ok := x.termIDs[t]
	if !ok {
		id = uint32(len(x.termList))
		x.termIDs[t] = id
		x.termList = append(x.termList, &termEntry{text: t})
	}
	return id
}

// Shard sizes follow the number of postings (doc-term pairs), which
// tracks the size of the term index better than the number of docs. On
// generated curricula (TestSizes) a posting costs 0.7 to 1.4 bytes
// gzipped: up to smallIndex postings (about 500 modules) the whole index
// stays under 250 KB gzipped, so it is one term shard and one meta shard
// (one download, cacheable whole for offline use); up to mediumIndex terms
// are sharded by their first letter, above it by their first two letters,
// and meta by metaGroup docs.
var (
	smallIndex  = 200_000
	mediumIndex = 500_000
	metaGroup   = 16
)

func shardParams(docs, postings int) (keyLen, group int) {
	switch {
	case postings <= smallIndex:
		return 0, max(docs, 1)
	case postings <= mediumIndex:
		return 1, metaGroup
	default:
		return 2, metaGroup
	}
}

// termKey is the shard key of a term: its first keyLen runes.
func termKey(term string, keyLen int) string {
	i := 0
	for n := 0; n < keyLen && i < len(term); n++ {
		_, size := utf8.DecodeRuneInString(term[i:])
		i += size
	}
	return term[:i]
}

// rebuild assigns ids by URL and rebuilds every posting list and shard.
func (x *Index) rebuild() {
	x.urls = x.urls[:0]
	for u := range x.docs {
		x.urls = append(x.urls, u)
	}
	slices.Sort(x.urls)
	for i, u := range x.urls {
		x.docs[u].id = i
	}
	// Size every posting list before filling it: growing them by append
	// costs more than a counting pass.
	counts := make([]int32, len(x.termList))
	for _, u := range x.urls {
		for _, p := range x.docs[u].terms {
			counts[p>>5]++
		}
	}
	for id, te := range x.termList {
		if n := int(counts[id]); cap(te.posts) < n {
			te.posts = make([]posting, 0, n)
		}
		te.posts, te.enc = te.posts[:0], nil
	}
	x.postings = 0
	for i, u := range x.urls {
		for _, p := range x.docs[u].terms {
			te := x.termList[p>>5]
			te.posts = append(te.posts, posting{int32(i), uint8(p & 31)})
		}
		x.postings += len(x.docs[u].terms)
	}
	x.keyLen, x.group = shardParams(len(x.urls), x.postings)
	x.tshards = map[string]*termShard{}
	for _, te := range x.termList {
		if len(te.posts) == 0 {
			continue
		}
		k := termKey(te.text, x.keyLen)
		s := x.tshards[k]
		if s == nil {
			s = &termShard{dirty: true}
			x.tshards[k] = s
		}
		s.terms = append(s.terms, te.text)
	}
	for _, s := range x.tshards {
		slices.Sort(s.terms)
	}
	x.mshards = make([]*metaShard, (len(x.urls)+x.group-1)/x.group)
	for i := range x.mshards {
		x.mshards[i] = &metaShard{dirty: true}
	}
	x.docsDirty, x.facetsDirty = true, true
	x.changed = true
}

// replace swaps in the new analysis of an indexed doc, keeping its id.
func (x *Index) replace(e *docEntry) {
	old := x.docs[e.doc.URL]
	e.id = old.id
	x.docs[e.doc.URL] = e
	if string(old.meta) != string(e.meta) {
		x.mshards[e.id/x.group].dirty = true
	}
	// docs.json holds the rank (level, weight, title) and the facets.
	if facetsChanged(&old.doc, &e.doc) {
		x.docsDirty, x.facetsDirty = true, true
	} else if old.doc.Title != e.doc.Title || old.doc.Weight != e.doc.Weight {
		x.docsDirty = true
	}
	oldCodes := make(map[uint32]uint8, len(old.terms))
	for _, p := range old.terms {
		oldCodes[p>>5] = uint8(p & 31)
	}
	for _, p := range e.terms {
		id, code := p>>5, uint8(p&31)
		if oc, ok := oldCodes[id]; ok {
			delete(oldCodes, id)
			if oc == code {
				continue
			}
		}
		x.setPosting(id, e.id, code, true)
	}
	for id := range oldCodes {
		x.setPosting(id, e.id, 0, false)
	}
}

// setPosting adds, changes (present) or removes (!present) doc's posting of
// a term, and marks the term and its shard dirty.
func (x *Index) setPosting(id uint32, doc int, code uint8, present bool) {
	te := x.termList[id]
	i, found := slices.BinarySearchFunc(te.posts, int32(doc), func(p posting, d int32) int { return cmp.Compare(p.doc, d) })
	switch {
	case present && found:
		te.posts[i].code = code
	case present:
		te.posts = slices.Insert(te.posts, i, posting{int32(doc), code})
		x.postings++
	case found:
		te.posts = slices.Delete(te.posts, i, i+1)
		x.postings--
	default:
		return
	}
	te.enc = nil
	k := termKey(te.text, x.keyLen)
	s := x.tshards[k]
	if s == nil {
		s = &termShard{}
		x.tshards[k] = s
	}
	s.dirty = true
	j, has := slices.BinarySearch(s.terms, te.text)
	switch {
	case len(te.posts) == 0:
		if has {
			s.terms = slices.Delete(s.terms, j, j+1)
		}
		if len(s.terms) == 0 {
			delete(x.tshards, k)
		}
	case !has:
		s.terms = slices.Insert(s.terms, j, te.text)
	}
	x.changed = true
}

func facetsChanged(a, b *Doc) bool {
	return a.Level != b.Level || a.Format != b.Format || !slices.Equal(a.Topics, b.Topics) || !slices.Equal(a.Audiences, b.Audiences)
}
