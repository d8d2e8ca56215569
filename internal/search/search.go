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
// and Delete calls that produced the set. Doc ids follow the ranking's tie
// order (see Files). Editing a Doc whose URL is already indexed, so that it
// keeps its place in that order and no facet value comes into use or goes
// out of it, keeps every doc id and re-encodes only the files that changed
// (a few milliseconds on 10,000 docs); adding or removing a Doc, or an edit
// that moves it (its level, its weight, a new title that sorts elsewhere),
// renumbers the docs and re-encodes everything. An Index is not safe for
// concurrent use.
//
// # Text rules
//
// Index and query fold text the same way (Fold: NFKD, no combining marks,
// lower case, a few letters such as ß and ø spelled out) and split it the
// same way (Tokenize: runs of letters and numbers; an apostrophe inside a
// word joins, everything else separates). Stop words are not indexed; a
// query ignores them, except a last word still being typed ("the" on the
// way to "therapy"), which is optional. Filler words (fillerWords: "what",
// "how", "patient", ...) are indexed, but a query word that is one is
// optional and scores weightFiller percent. Every query word matches as a prefix (from two
// letters); a whole-word match ranks higher. A word of 5 or more letters
// that matches nothing also matches words one edit away (insertion,
// deletion, substitution, transposition; "ph" and "f" count as one letter)
// and words that start one edit away. British/American spellings
// (spellingStems), built-in synonyms (builtinSynonyms), a GP's lay words
// (layTerms, which lead one way), the site's synonym
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
//	search/index.json       the manifest: doc count, layout (termKey, metaGroup,
//	                        facetGroup, listFacets), the first id of each level,
//	                        the cards ("qr": id gaps; small index only), stop
//	                        words, spelling pairs, synonym groups, lay terms
//	                        ([[says...], [means...]]), filler words, facet values
//	                        [[id, label], ...] and how many docs have each
//	                        ("counts"), and versions: one per dictionary, one
//	                        for all meta files, one for all facet groups
//	search/t/<key>.json     {"names": [...], "chunks": "..."}: the dictionary of
//	                        the terms whose first termKey runes are <key>
//	                        (termFileName): the names of their posting lists in
//	                        order (a term, or a prefix and "*" for a merged
//	                        list) and how many lists each posting file holds
//	search/p/<key>.<i>.json ["postings", ...]: posting file i of <key>
//	search/f/<key>.<i>.json ["facets", ...]: the facet parts of the lists of
//	                        p/<key>.<i>.json (listFacets only)
//	search/g/<n>.json       "facets": the facets of docs n*facetGroup ..
//	                        n*facetGroup+facetGroup-1
//	search/m/<n>.json       [[url, title, snippet, [anchor, heading, ...],
//	                        format], ...] for docs n*metaGroup ..
//
// No file that every query reads grows with the number of docs: the
// manifest grows with the vocabularies and the dictionaries, a dictionary
// with the words. A query reads the manifest, the dictionaries of its
// words, the posting files of the lists they match, and the meta files of
// the first hits; counting the facets of its results reads facet parts or
// groups (below). Doc ids are places in the ranking's tie order (level,
// weight, folded title, title, URL), so that the order of tied results
// needs no data, and the level of a doc is the range its id is in.
//
// Number lists (postings, facets, counts) are v64 strings (encode.go). A
// posting is the gap from the doc before and a code (field and repeat,
// termCodeOf; qrBit for a quick-reference card, whose score counts 1.5
// times). A merged list, named after a prefix, holds the best code of each
// doc among the words that extend the prefix: a query word that is the
// prefix of many words ("co") reads one list instead of one per word
// (mergedRule). The facets of a doc (but its level) are, per facet, a bit
// mask of its values, or their number and indexes in a facet of more than
// maskValues values (docFacets).
//
// Up to smallIndex postings (doc-term pairs; about 500 modules) the index
// is one of each file, cached whole for offline use, and the manifest
// lists the cards. Larger indexes cut each dictionary's lists into posting
// files of about chunkBytes (at the same names whatever their sizes,
// cutBefore, so that an edit re-encodes few), keep 8 docs per meta file
// (metaGroup) and 2,048 per facet group, split dictionaries by the first
// letter of their terms above dictTerms terms and by the first two above
// 20 times as many. Above listFacetDocs docs every posting list also has a facet part,
// in f/ at the same place as its postings in p/: the facets of its docs
// when it has at most half the docs, else the ids of the docs it does not
// have and their facets. The results of a query match, for every required
// concept, one alternative, and so are in a list of each of its tokens:
// the facet parts of the lists of one token per alternative of one concept
// hold the facets of every result, and, when no filter is set, the facet
// parts of one list of more than half the docs per token of one
// alternative of every concept hold the facets of every doc that is not a
// result, to subtract from the manifest's counts (Searcher.readFacetsOf
// takes the cheaper, and facet groups for what is left), so that counting
// reads about as much as the posting lists, not the facets of every doc.
// The search page shows the results before it counts the facets; the
// header's dropdown does not count them.
//
// search.js fetches every file but the manifest as "<file>?v=<version>", so
// that a browser never mixes files of two builds.
package search

import (
	"cmp"
	"encoding/binary"
	"iter"
	"maps"
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
	renumber  bool                 // ids must be reassigned (docs added, removed or moved in tie order)

	byID     []*docEntry  // in tie order: a doc's id is its place here
	ftab     []facetTable // the docs' facets by id, for the lists (flattenFacets)
	postings int          // doc-term pairs
	lay      layout
	internMu sync.Mutex
	termIDs  map[string]uint32 // every term seen, also ones no doc has any more
	termList []*list           // by term id
	keys     map[string]*keyShard

	facetVals   map[string][]string       // facet -> value ids, in display order
	facetPos    map[string]map[string]int // facet -> value id -> index in facetVals
	facetUse    map[string]map[string]int // facet -> value id -> docs that have it
	levelStarts []int                     // first id of each level, and then of the docs without one
	metas       []*group                  // meta shards, metaGroup docs each
	fgroups     []*group                  // facet groups, facetGroup docs each
	metaVer     string
	facetVer    string
	manifest    file
	changed     bool // some file changed since the manifest was written
	// final, when set (FinalTo), takes each file as soon as it is
	// encoded; each part of the analysis is dropped once encoded.
	final func(name string, data []byte)
	spill *spill // see Spill; nil: every doc's terms and meta are in memory
	// spillCounts are the postings of each term id in the docs spilled
	// (Add), for sizing the posting lists.
	spillCounts []int32
}

type file struct {
	data []byte
	hash string
}

type docEntry struct {
	doc    Doc    // without text: what ranking, facets and meta need
	ftitle string // the title folded, for ranking ties
	id     int
	qr     bool     // a quick-reference card (its postings carry qrBit)
	facets [][]byte // its facets, encoded (docFacets)
	// terms are the doc's term codes (term id<<5 | termCodeOf(field,
	// count)) in ascending order, each written as the uvarint of its
	// difference from the one before: about half the memory of a
	// []uint32, which a large site's index holds for every doc until
	// its posting lists are made.
	terms  []byte
	nterms int
	meta   []byte // this doc's meta entry, without its format and closing bracket
	// spilled: terms and meta are in the index's spill file, at off
	// (terms, then meta), not in memory.
	spilled          bool
	termLen, metaLen int32
	off              int64
}

// allTerms yields the doc's term codes (of a doc not spilled).
func (e *docEntry) allTerms() iter.Seq[uint32] { return codes(e.terms) }

// codes yields the term codes written in b (docEntry.terms).
func codes(b []byte) iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		v := uint64(0)
		for len(b) > 0 {
			d, n := binary.Uvarint(b)
			b, v = b[n:], v+d
			if !yield(uint32(v)) {
				return
			}
		}
	}
}

// posting is a doc's place in a posting list: its id and its code
// (termCodeOf; in a Searcher's lists also qrBit), packed into 32 bits,
// doc<<5 | code, so that the lists of a large index take half the memory
// a struct would (an index holds at most 1<<27 docs).
type posting uint32

func mkPosting(doc int32, code uint8) posting { return posting(uint32(doc)<<5 | uint32(code)) }

func (p posting) doc() int32  { return int32(p >> 5) }
func (p posting) code() uint8 { return uint8(p & 31) }

// list is a posting list: a term's, or a merged list (name: its prefix
// and "*") of the best code of each doc among the terms that extend the
// prefix.
type list struct {
	name  string
	posts []posting // by doc
	enc   []byte    // encoded postings; nil when stale
	fenc  []byte    // encoded facet part; nil when stale (empty: none)
}

// group is a file of a fixed range of doc ids (meta shards, facet groups).
type group struct {
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
		keys:    map[string]*keyShard{},
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
	e := analyse(d, &x.opts, sc, x.intern, x.spill)
	x.readyMu.Lock()
	x.ready[d.URL] = e
	if e.spilled && len(sc.codes) > 0 {
		// Counted now, for sizing the posting lists, rather than
		// read back from the spill for it.
		if n := int(sc.codes[len(sc.codes)-1]>>5) + 1; n > len(x.spillCounts) {
			x.spillCounts = append(x.spillCounts, make([]int32, n-len(x.spillCounts))...)
		}
		for _, c := range sc.codes {
			x.spillCounts[c>>5]++
		}
	}
	x.readyMu.Unlock()
	x.scratches.Put(sc)
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
	out := make(map[string][]byte, 1+len(x.metas)+len(x.fgroups)+3*len(x.keys))
	put := func(name string, data []byte) { out[name] = data }
	put("search/index.json", x.manifest.data)
	for k, s := range x.keys {
		x.shardFiles(k, s, put)
	}
	groupFiles("m", x.metas, put)
	groupFiles("g", x.fgroups, put)
	return out
}

// FinalTo gives the files Files would give, to put, each as soon as it is
// encoded, for an index that is used no more (a one-off build): each
// doc's terms are dropped once its postings are in the lists, each list
// once its files are made, each file once put has it; the manifest comes
// last. A large site's index is never held twice, nor all its files at
// once. The index must not be used after.
func (x *Index) FinalTo(put func(name string, data []byte)) {
	x.final = put
	x.apply()
	x.Close()
	put("search/index.json", x.manifest.data)
	x.docs, x.byID, x.termIDs, x.termList, x.keys, x.metas, x.fgroups = nil, nil, nil, nil, nil, nil, nil
}

// shardFiles gives put the files of the shard of key k: its dictionary,
// posting files and facet parts.
func (x *Index) shardFiles(k string, s *keyShard, put func(name string, data []byte)) {
	name := termFileName(k)
	put("search/t/"+name+".json", s.dict.data)
	for i := range s.chunks {
		x.chunkFiles(name, i, &s.chunks[i], put)
	}
}

// chunkFiles gives put the files of chunk i of the shard whose files are
// named name: its posting file and its facet part.
func (x *Index) chunkFiles(name string, i int, c *chunk, put func(name string, data []byte)) {
	put("search/p/"+name+"."+itoa(i)+".json", c.post.data)
	if x.lay.listFacets {
		put("search/f/"+name+"."+itoa(i)+".json", c.facet.data)
	}
}

// groupFiles gives put the files of groups gs, in folder dir.
func groupFiles(dir string, gs []*group, put func(name string, data []byte)) {
	for i, g := range gs {
		put("search/"+dir+"/"+itoa(i)+".json", g.out.data)
	}
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
	if !x.renumber && x.manifest.data != nil && !x.keepsIDs(entries) {
		x.renumber = true
	}
	if x.renumber || x.manifest.data == nil {
		for _, e := range entries {
			x.docs[e.doc.URL] = e
		}
		x.rebuild()
		x.renumber = false
	} else {
		x.update(entries)
		// An edit that crosses a size threshold reshards everything, as a
		// fresh build of the same docs would.
		if shardParams(len(x.byID), x.postings, x.termCount()) != x.lay {
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
				entries[i] = analyse(x.pending[urls[i]], &x.opts, sc, x.intern, nil)
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
		x.termList = append(x.termList, &list{name: t})
	}
	return id
}

// termCount is the number of terms that some doc has.
func (x *Index) termCount() int {
	n := 0
	for _, s := range x.keys {
		n += len(s.terms)
	}
	return n
}

// The layout of the files follows the size of the index. Up to smallIndex
// postings (doc-term pairs; about 500 modules, under 250 KB gzipped in all
// on generated curricula) a site gets one term dictionary, one posting
// file, one facet file and one meta file, which can be cached whole for
// offline use. Above it, posting lists are cut into files of about
// chunkBytes, prefixes shared by many words get merged lists, meta files
// hold metaGroup docs and facet files facetGroup docs; dictionaries are
// split by the first letter of their terms above dictTerms terms, by the
// first two above 20 times as many; and above listFacetDocs docs every
// posting list gets a facet part (the facets of its docs, or of the docs
// it does not have), so that counting the facets of a query's results
// reads about as much as its posting lists, not the facets of every doc.
var (
	smallIndex    = 200_000
	dictTerms     = 4000
	chunkBytes    = 16 << 10
	metaGroup     = 8
	facetGroup    = 2048
	listFacetDocs = 20_000
	mergeMin      = 2000 // postings, see mergedRule
)

// layout is how the index is cut into files.
type layout struct {
	keyLen     int  // runes of a term that choose its dictionary (0 = one dictionary)
	chunk      int  // bytes of postings per posting file (0 = one file per dictionary)
	merged     bool // prefixes shared by many words get merged lists
	listFacets bool // posting lists get facet parts
	qrBits     bool // postings carry qrBit (else the manifest lists the cards)
	metaGroup  int  // docs per meta file
	facetGroup int  // docs per facet group file
}

func shardParams(docs, postings, terms int) layout {
	if postings <= smallIndex {
		return layout{metaGroup: max(docs, 1), facetGroup: max(docs, 1)}
	}
	l := layout{chunk: chunkBytes, merged: true, qrBits: true, metaGroup: metaGroup, facetGroup: facetGroup, listFacets: docs > listFacetDocs}
	switch {
	case terms <= dictTerms:
	case terms <= 20*dictTerms:
		l.keyLen = 1
	default:
		l.keyLen = 2
	}
	return l
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

// tieOrder compares docs in ranking tie order: level (vocabulary order,
// docs without one last), weight, folded title, title, URL.
func (x *Index) tieOrder(a, b *docEntry) int {
	if la, lb := x.levelOf(a), x.levelOf(b); la != lb {
		return cmp.Compare(la, lb)
	}
	if a.doc.Weight != b.doc.Weight {
		return cmp.Compare(a.doc.Weight, b.doc.Weight)
	}
	if c := strings.Compare(a.ftitle, b.ftitle); c != 0 {
		return c
	}
	if c := strings.Compare(a.doc.Title, b.doc.Title); c != 0 {
		return c
	}
	return strings.Compare(a.doc.URL, b.doc.URL)
}

func (x *Index) levelOf(e *docEntry) int {
	if p, ok := x.facetPos[content.FacetLevel][e.doc.Level]; ok {
		return p
	}
	return len(x.facetVals[content.FacetLevel])
}

// rebuild assigns ids in tie order and rebuilds every posting list, merged
// list and file.
func (x *Index) rebuild() {
	all := make([]*docEntry, 0, len(x.docs))
	for _, e := range x.docs {
		all = append(all, e)
	}
	x.setFacetValues(all)
	slices.SortFunc(all, x.tieOrder)
	x.byID = all
	nl := len(x.facetVals[content.FacetLevel])
	x.levelStarts = make([]int, nl+1)
	lv := 0
	for i, e := range all {
		e.id = i
		e.qr = e.doc.Format == quickReference
		x.docFacets(e)
		for l := x.levelOf(e); lv < l; lv++ {
			x.levelStarts[lv+1] = i
		}
	}
	for ; lv < nl; lv++ {
		x.levelStarts[lv+1] = len(all)
	}
	x.flattenFacets()
	// The meta files depend on the ids and the number of postings alone.
	// FinalTo gives them now and drops every doc's meta entry before the
	// posting lists are made; the groups, given, are not kept.
	postings := 0
	for _, e := range all {
		postings += e.nterms
	}
	x.lay.metaGroup = shardParams(len(all), postings, 0).metaGroup
	x.metas = newGroups(len(all), x.lay.metaGroup)
	if x.final != nil {
		x.sendMetas()
		for _, e := range all {
			e.meta = nil
		}
		x.metas = nil
	}
	// Size every posting list before filling it: growing them by append
	// costs more than a counting pass. Spilled docs were counted as they
	// were added (a doc replaced or deleted since leaves a list a little
	// larger than it needs).
	counts := make([]int32, len(x.termList))
	copy(counts, x.spillCounts)
	for _, e := range all {
		if !e.spilled {
			for p := range e.allTerms() {
				counts[p>>5]++
			}
		}
	}
	var buf []byte
	for id, l := range x.termList {
		if n := int(counts[id]); cap(l.posts) < n {
			l.posts = make([]posting, 0, n)
		}
		l.posts, l.enc, l.fenc = l.posts[:0], nil, nil
	}
	x.postings = 0
	for i, e := range all {
		terms := e.terms
		if e.spilled {
			buf = x.appendTerms(buf[:0], e)
			terms = buf
		}
		for p := range codes(terms) {
			l := x.termList[p>>5]
			l.posts = append(l.posts, mkPosting(int32(i), uint8(p&31)))
		}
		x.postings += e.nterms
		if x.final != nil {
			e.terms = nil
		}
	}
	terms := 0
	for _, l := range x.termList {
		if len(l.posts) > 0 {
			terms++
		}
	}
	x.lay = shardParams(len(all), x.postings, terms)
	x.keys = map[string]*keyShard{}
	for _, l := range x.termList {
		if len(l.posts) == 0 {
			continue
		}
		k := termKey(l.name, x.lay.keyLen)
		s := x.keys[k]
		if s == nil {
			s = newKeyShard()
			x.keys[k] = s
		}
		s.terms = append(s.terms, l.name)
	}
	for _, s := range x.keys {
		slices.Sort(s.terms)
		if x.lay.merged {
			x.buildMerged(s)
		}
	}
	x.fgroups = newGroups(len(all), x.lay.facetGroup)
	x.changed = true
}

func newGroups(n, size int) []*group {
	g := make([]*group, (n+size-1)/size)
	for i := range g {
		g[i] = &group{dirty: true}
	}
	return g
}

// setFacetValues finds each facet's values and how many docs have each.
func (x *Index) setFacetValues(all []*docEntry) {
	x.facetVals = map[string][]string{}
	x.facetPos = map[string]map[string]int{}
	x.facetUse = map[string]map[string]int{}
	var buf [1]string
	for _, f := range facetNames {
		use := map[string]int{}
		for _, e := range all {
			for _, id := range facetIDs(&e.doc, f, buf[:0]) {
				use[id]++
			}
		}
		x.facetUse[f] = use
		x.facetVals[f] = x.facetValues(f, use)
		x.facetPos[f] = map[string]int{}
		for i, id := range x.facetVals[f] {
			x.facetPos[f][id] = i
		}
	}
}

// keepsIDs reports whether these new analyses of indexed docs leave every
// doc in its place in tie order, with the same facet values in use, so
// that update can apply them.
func (x *Index) keepsIDs(entries []*docEntry) bool {
	moved := map[int]*docEntry{}
	var buf [1]string
	use := map[string]map[string]int{}
	for _, e := range entries {
		old := x.docs[e.doc.URL]
		moved[old.id] = e
		if !facetsChanged(&old.doc, &e.doc) {
			continue
		}
		for _, f := range facetNames {
			if use[f] == nil {
				use[f] = maps.Clone(x.facetUse[f])
			}
			for _, id := range facetIDs(&old.doc, f, buf[:0]) {
				use[f][id]--
			}
			for _, id := range facetIDs(&e.doc, f, buf[:0]) {
				use[f][id]++
			}
		}
	}
	// The facet values a fresh index would list must not change: they
	// order the levels and number every doc's facets. The vocabulary's
	// values are always listed, other values while some doc has them.
	for f, u := range use {
		for id, n := range u {
			if id != "" && !x.keepsValue(f, id) && (n > 0) != (x.facetUse[f][id] > 0) {
				return false
			}
		}
	}
	at := func(i int) *docEntry {
		if e, ok := moved[i]; ok {
			return e
		}
		return x.byID[i]
	}
	for i, e := range moved {
		if x.levelOf(e) != x.levelOf(x.byID[i]) {
			return false
		}
		if i > 0 && x.tieOrder(at(i-1), e) >= 0 || i+1 < len(x.byID) && x.tieOrder(e, at(i+1)) >= 0 {
			return false
		}
	}
	return true
}

// keepsValue reports whether a facet value is listed even when no doc has
// it: the vocabulary's values and labelled ones are.
func (x *Index) keepsValue(f, id string) bool {
	_, labelled := x.opts.labels[f][id]
	return labelled || slices.Contains(x.opts.order[f], id)
}

// update applies new analyses of indexed docs that keep every id
// (keepsIDs).
func (x *Index) update(entries []*docEntry) {
	changed := map[*keyShard]map[string]bool{} // terms whose postings changed, by shard
	facetDocs := map[int]bool{}
	refacet := false // some doc's facets changed
	var buf [1]string
	for _, e := range entries {
		old := x.docs[e.doc.URL]
		e.id, e.qr = old.id, e.doc.Format == quickReference
		x.docFacets(e)
		x.docs[e.doc.URL] = e
		x.byID[e.id] = e
		if string(old.meta) != string(e.meta) || old.doc.Format != e.doc.Format {
			x.metas[e.id/x.lay.metaGroup].dirty = true
		}
		oldCodes := make(map[uint32]uint8, old.nterms)
		for p := range old.allTerms() {
			oldCodes[p>>5] = uint8(p & 31)
		}
		if facetsChanged(&old.doc, &e.doc) {
			refacet = true
			for _, f := range facetNames {
				for _, id := range facetIDs(&old.doc, f, buf[:0]) {
					x.facetUse[f][id]--
				}
				for _, id := range facetIDs(&e.doc, f, buf[:0]) {
					x.facetUse[f][id]++
				}
			}
			x.fgroups[e.id/x.lay.facetGroup].dirty = true
			x.changed = true // the manifest counts the docs of each value (and may list the cards)
			// Every list that holds the doc encodes its facets (facet
			// parts) or the quick-reference bit of its postings anew.
			if x.lay.listFacets || x.lay.qrBits && old.qr != e.qr {
				facetDocs[e.id] = true
				for p := range old.allTerms() {
					x.touch(x.termList[p>>5], changed)
				}
				for p := range e.allTerms() {
					x.touch(x.termList[p>>5], changed)
				}
			}
		}
		for p := range e.allTerms() {
			id, code := p>>5, uint8(p&31)
			if oc, ok := oldCodes[id]; ok {
				delete(oldCodes, id)
				if oc == code {
					continue
				}
			}
			x.setPosting(id, e.id, code, true, changed)
		}
		for id := range oldCodes {
			x.setPosting(id, e.id, 0, false, changed)
		}
	}
	if refacet {
		x.flattenFacets() // a save that keeps every doc's facets keeps the table
	}
	if x.lay.merged {
		for s, terms := range changed {
			x.updateMerged(s, terms, entries, facetDocs)
		}
	}
	if x.lay.listFacets && len(facetDocs) > 0 {
		// The facet part of a list of more than half the docs holds the
		// docs it does not have.
		for _, s := range x.keys {
			each := func(l *list) {
				if 2*len(l.posts) <= len(x.byID) || l.fenc == nil {
					return
				}
				for d := range facetDocs {
					if _, ok := findPost(l.posts, d); !ok {
						l.fenc = nil
						s.dirty = true
						return
					}
				}
			}
			for _, t := range s.terms {
				each(x.termList[x.termIDs[t]])
			}
			for _, m := range s.merged {
				each(m)
			}
		}
	}
}

// touch marks a term's list, and the merged lists it is part of, to be
// encoded anew.
func (x *Index) touch(l *list, changed map[*keyShard]map[string]bool) {
	if len(l.posts) == 0 {
		return
	}
	l.enc, l.fenc = nil, nil
	s := x.keys[termKey(l.name, x.lay.keyLen)]
	s.dirty = true
	if changed[s] == nil {
		changed[s] = map[string]bool{}
	}
	changed[s][l.name] = true
	x.changed = true
}

// setPosting adds, changes (present) or removes (!present) doc's posting of
// a term, and marks the term and its shard dirty.
func (x *Index) setPosting(id uint32, doc int, code uint8, present bool, changed map[*keyShard]map[string]bool) {
	l := x.termList[id]
	delta, ok := setPost(l, doc, code, present)
	if !ok {
		return
	}
	x.postings += delta
	k := termKey(l.name, x.lay.keyLen)
	s := x.keys[k]
	if s == nil {
		s = newKeyShard()
		x.keys[k] = s
	}
	s.dirty = true
	if changed[s] == nil {
		changed[s] = map[string]bool{}
	}
	changed[s][l.name] = true
	j, has := slices.BinarySearch(s.terms, l.name)
	switch {
	case len(l.posts) == 0:
		if has {
			s.terms = slices.Delete(s.terms, j, j+1)
		}
	case !has:
		s.terms = slices.Insert(s.terms, j, l.name)
	}
	x.changed = true
}

// setPost sets doc's posting in a list and reports whether it changed
// (the list is then stale) and by how many postings the list grew.
func setPost(l *list, doc int, code uint8, present bool) (delta int, changed bool) {
	i, found := slices.BinarySearchFunc(l.posts, int32(doc), func(p posting, d int32) int { return cmp.Compare(p.doc(), d) })
	switch {
	case present && found:
		if l.posts[i].code() == code {
			return 0, false
		}
		l.posts[i] = mkPosting(int32(doc), code)
	case present:
		l.posts = slices.Insert(l.posts, i, mkPosting(int32(doc), code))
		delta = 1
	case found:
		l.posts = slices.Delete(l.posts, i, i+1)
		delta = -1
	default:
		return 0, false
	}
	l.enc, l.fenc = nil, nil
	return delta, true
}

func facetsChanged(a, b *Doc) bool {
	return a.Level != b.Level || a.Format != b.Format || !slices.Equal(a.Topics, b.Topics) || !slices.Equal(a.Audiences, b.Audiences)
}
