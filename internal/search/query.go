package search

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cmesite/cmesite/internal/content"
)

// This file is the reference implementation of the query that search.js
// runs in the browser, over the same files. Tests use it to check ranking
// and matching; the browser test checks that search.js returns the same
// results. Keep the two in step: every constant and rule here has a twin
// in search.js.

// MaxQueryTokens is how many words of a query are used; the rest are
// ignored.
const MaxQueryTokens = 10

// Match qualities (percent) and scores.
const (
	qualityExact       = 100
	qualityPrefix      = 75
	qualityTypo        = 60
	qualityTypoPrefix  = 50
	weightTyped        = 100
	weightSpelling     = 95
	weightSynonym      = 90
	weightSynonymTyped = 50 // a synonym of a word the reader is still typing
	weightFiller       = 25 // a filler word (fillerWords): orders results, never decides them
	minPrefixRunes     = 2
	minTypoRunes       = 5
	minSynonymPrefix   = 4
)

var (
	fieldWeights = [5]int{100, 150, 300, 500, 1000}
	repeatBonus  = [2]int{0, 20}
)

// Searcher answers queries from index files, loading files as a query
// needs them, as the browser does.
type Searcher struct {
	load    func(name string) ([]byte, error)
	man     manifest
	level   []int  // doc -> index of its level, or -1
	qr      []bool // doc -> a quick-reference card, when the manifest lists them
	dicts   map[string]*dict
	chunks  map[string][]string // posting file -> posting strings
	fparts  map[string][]string // facet file -> facet parts
	posts   map[listRef][]posting
	meta    map[int][]metaDoc
	facets  map[string][][]int // facet (but level) -> doc -> value indexes
	known   []bool             // doc -> its facets are in facets
	groups  map[int]bool       // facet groups read
	expand  []expansion        // the synonym groups, then the lay terms
	counted int                // queries whose facets were counted from the docs not counted (for tests)
	// Loaded lists the files read so far, in order.
	Loaded []string
}

type manifest struct {
	Version    int                    `json:"version"`
	Docs       int                    `json:"docs"`
	TermKey    int                    `json:"termKey"`
	MetaGroup  int                    `json:"metaGroup"`
	FacetGroup int                    `json:"facetGroup"`
	ListFacets bool                   `json:"listFacets"`
	Levels     []int                  `json:"levels"`
	Stop       []string               `json:"stop"`
	Spell      [][2]string            `json:"spell"`
	Syn        [][]string             `json:"syn"`
	Lay        [][2][]string          `json:"lay"`
	Filler     []string               `json:"filler"`
	Facets     map[string][][2]string `json:"facets"`
	Counts     map[string][]int       `json:"counts"`
	QR         *string                `json:"qr"`
	Files      struct {
		Meta   string            `json:"meta"`
		Facets string            `json:"facets"`
		Terms  map[string]string `json:"terms"`
	} `json:"files"`
}

// dict is a term dictionary: the names of a shard's lists and the posting
// file of each.
type dict struct {
	key   string
	names []string
	chunk []int // name index -> posting file number
	pos   []int // name index -> place in its posting file
	index map[string]int
}

// listRef names a posting list: its shard and its place in the shard's
// dictionary.
type listRef struct {
	key string
	i   int
}

type metaDoc struct {
	URL, Title, Snippet string
	Anchors             [][2]string // anchor, heading
	Format              int         // index in the format facet, or -1
}

func damaged(name string) error { return fmt.Errorf("%s is damaged", name) }

// NewSearcher reads search/index.json through load (which gets paths like
// "search/index.json") and checks it.
func NewSearcher(load func(name string) ([]byte, error)) (*Searcher, error) {
	s := &Searcher{load: load, dicts: map[string]*dict{}, chunks: map[string][]string{}, fparts: map[string][]string{},
		posts: map[listRef][]posting{}, meta: map[int][]metaDoc{}, facets: map[string][][]int{}, groups: map[int]bool{}}
	const name = "search/index.json"
	b, err := s.file(name)
	if err != nil {
		return nil, err
	}
	m := &s.man
	if err := json.Unmarshal(b, m); err != nil || m.Version != manifestVersion || m.Docs < 0 || m.MetaGroup < 1 ||
		m.FacetGroup < 1 || m.TermKey < 0 || len(m.Levels) != len(m.Facets[content.FacetLevel])+1 {
		return nil, damaged(name)
	}
	for _, f := range listFacets {
		if len(m.Counts[f]) != len(m.Facets[f]) {
			return nil, damaged(name)
		}
	}
	for _, g := range m.Syn {
		s.expand = append(s.expand, expansion{keys: g, alts: g})
	}
	for _, g := range m.Lay {
		s.expand = append(s.expand, expansion{keys: g[0], alts: append(slices.Clone(g[0]), g[1]...)})
	}
	n := m.Docs
	s.level = make([]int, n)
	for i := range s.level {
		s.level[i] = -1
	}
	for l := range len(m.Levels) - 1 {
		lo, hi := m.Levels[l], m.Levels[l+1]
		if lo < 0 || lo > hi || hi > n {
			return nil, damaged(name)
		}
		for d := lo; d < hi; d++ {
			s.level[d] = l
		}
	}
	for _, f := range listFacets {
		s.facets[f] = make([][]int, n)
	}
	s.known = make([]bool, n)
	if m.QR != nil {
		s.qr = make([]bool, n)
		r := v64Reader{s: *m.QR}
		for d := -1; r.more(); {
			v, err := r.next()
			if d += v + 1; err != nil || d >= n {
				return nil, damaged(name)
			}
			s.qr[d] = true
		}
	}
	return s, nil
}

func (s *Searcher) file(name string) ([]byte, error) {
	b, err := s.load(name)
	if err != nil {
		return nil, fmt.Errorf("could not load %s: %v", name, err)
	}
	s.Loaded = append(s.Loaded, name)
	return b, nil
}

// dict returns the dictionary of a shard key, loading it once; nil when
// the index has no such shard.
func (s *Searcher) dict(key string) (*dict, error) {
	if d, ok := s.dicts[key]; ok {
		return d, nil
	}
	if _, ok := s.man.Files.Terms[key]; !ok {
		s.dicts[key] = nil
		return nil, nil
	}
	name := "search/t/" + termFileName(key) + ".json"
	b, err := s.file(name)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Names  []string `json:"names"`
		Chunks string   `json:"chunks"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, damaged(name)
	}
	d := &dict{key: key, names: raw.Names, index: make(map[string]int, len(raw.Names))}
	r := v64Reader{s: raw.Chunks}
	for c := 0; r.more(); c++ {
		k, err := r.next()
		if err != nil || k < 1 || len(d.chunk)+k > len(d.names) {
			return nil, damaged(name)
		}
		for i := range k {
			d.chunk = append(d.chunk, c)
			d.pos = append(d.pos, i)
		}
	}
	if len(d.chunk) != len(d.names) {
		return nil, damaged(name)
	}
	for i, t := range d.names {
		d.index[t] = i
	}
	s.dicts[key] = d
	return d, nil
}

// chunkName is the posting file (dir "p") or facet file (dir "f") of a
// list.
func (d *dict) chunkName(dir string, i int) string {
	return "search/" + dir + "/" + termFileName(d.key) + "." + itoa(d.chunk[i]) + ".json"
}

// strings reads a file that is a JSON array of n strings, once.
func (s *Searcher) strings(cache map[string][]string, name string, n int) ([]string, error) {
	if ss, ok := cache[name]; ok {
		return ss, nil
	}
	b, err := s.file(name)
	if err != nil {
		return nil, err
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil || len(ss) != n {
		return nil, damaged(name)
	}
	cache[name] = ss
	return ss, nil
}

// chunkLen is the number of lists in the posting file of list i.
func (d *dict) chunkLen(i int) int {
	n := 0
	for _, c := range d.chunk {
		if c == d.chunk[i] {
			n++
		}
	}
	return n
}

// postings returns the decoded postings of a list, loading its file once.
func (s *Searcher) postings(ref listRef) ([]posting, error) {
	if p, ok := s.posts[ref]; ok {
		return p, nil
	}
	d := s.dicts[ref.key]
	name := d.chunkName("p", ref.i)
	ss, err := s.strings(s.chunks, name, d.chunkLen(ref.i))
	if err != nil {
		return nil, err
	}
	var out []posting
	r := v64Reader{s: ss[d.pos[ref.i]]}
	doc := -1
	for r.more() {
		v, err := r.next()
		if err != nil {
			return nil, damaged(name)
		}
		doc += v>>1 + 1
		code := 0
		if v&1 == 1 {
			if code, err = r.next(); err != nil {
				return nil, damaged(name)
			}
		}
		if doc >= s.man.Docs || code&^qrBit > 9 || code == 0 && v&1 == 1 || code > qrBit|9 || code&qrBit != 0 && s.qr != nil {
			return nil, damaged(name)
		}
		out = append(out, mkPosting(int32(doc), uint8(code)))
	}
	if len(out) == 0 {
		return nil, damaged(name)
	}
	s.posts[ref] = out
	return out, nil
}

// readFacets decodes facets (appendFacets) for docs, and records them.
func (s *Searcher) readFacets(enc string, docs func(i int) int, n int, name string) error {
	streams := strings.Split(enc, ".")
	if len(streams) != len(listFacets) {
		return damaged(name)
	}
	vals := make([][][]int, len(listFacets))
	for k, f := range listFacets {
		r := v64Reader{s: streams[k]}
		size := len(s.man.Facets[f])
		vals[k] = make([][]int, n)
		for i := range n {
			c, err := r.next()
			if err != nil {
				return damaged(name)
			}
			if size <= maskValues {
				if c >= 1<<size {
					return damaged(name)
				}
				for v := 0; c > 0; v, c = v+1, c>>1 {
					if c&1 == 1 {
						vals[k][i] = append(vals[k][i], v)
					}
				}
				continue
			}
			for range c {
				v, err := r.next()
				if err != nil || v >= size {
					return damaged(name)
				}
				vals[k][i] = append(vals[k][i], v)
			}
		}
		if r.more() {
			return damaged(name)
		}
	}
	for i := range n {
		d := docs(i)
		if s.known[d] {
			continue
		}
		s.known[d] = true
		for k, f := range listFacets {
			s.facets[f][d] = vals[k][i]
		}
	}
	return nil
}

// listFacets reads the facet part of a list of at most half the docs: the
// facets of its docs.
func (s *Searcher) listFacets(ref listRef) error {
	d := s.dicts[ref.key]
	name := d.chunkName("f", ref.i)
	ss, err := s.strings(s.fparts, name, d.chunkLen(ref.i))
	if err != nil {
		return err
	}
	ps := s.posts[ref]
	return s.readFacets(ss[d.pos[ref.i]], func(i int) int { return int(ps[i].doc()) }, len(ps), name)
}

// otherFacets reads the facet part of a list of more than half the docs:
// the facets of the docs it does not have.
func (s *Searcher) otherFacets(ref listRef) ([]int, error) {
	d := s.dicts[ref.key]
	name := d.chunkName("f", ref.i)
	ss, err := s.strings(s.fparts, name, d.chunkLen(ref.i))
	if err != nil {
		return nil, err
	}
	ids, enc, ok := strings.Cut(ss[d.pos[ref.i]], ":")
	if !ok {
		return nil, damaged(name)
	}
	var docs []int
	r := v64Reader{s: ids}
	prev := -1
	for r.more() {
		v, err := r.next()
		if err != nil || prev+v+1 >= s.man.Docs {
			return nil, damaged(name)
		}
		prev += v + 1
		docs = append(docs, prev)
	}
	if err := s.readFacets(enc, func(i int) int { return docs[i] }, len(docs), name); err != nil {
		return nil, err
	}
	return docs, nil
}

// facetGroup reads the facet group of doc.
func (s *Searcher) facetGroup(doc int) error {
	g := doc / s.man.FacetGroup
	if s.groups[g] {
		return nil
	}
	name := "search/g/" + itoa(g) + ".json"
	b, err := s.file(name)
	if err != nil {
		return err
	}
	var enc string
	if err := json.Unmarshal(b, &enc); err != nil {
		return damaged(name)
	}
	lo := g * s.man.FacetGroup
	if err := s.readFacets(enc, func(i int) int { return lo + i }, min(s.man.FacetGroup, s.man.Docs-lo), name); err != nil {
		return err
	}
	s.groups[g] = true
	return nil
}

// facetOf returns the value indexes of a doc's facet; the doc's facets
// must have been read (but its level).
func (s *Searcher) facetOf(d int, f string) []int {
	if f == content.FacetLevel {
		if l := s.level[d]; l >= 0 {
			return []int{l}
		}
		return nil
	}
	return s.facets[f][d]
}

func (s *Searcher) metaOf(doc int) (metaDoc, error) {
	g := doc / s.man.MetaGroup
	if _, ok := s.meta[g]; !ok {
		name := "search/m/" + itoa(g) + ".json"
		b, err := s.file(name)
		if err != nil {
			return metaDoc{}, err
		}
		var raw [][]any
		if err := json.Unmarshal(b, &raw); err != nil || len(raw) != min(s.man.MetaGroup, s.man.Docs-g*s.man.MetaGroup) {
			return metaDoc{}, damaged(name)
		}
		var docs []metaDoc
		for _, e := range raw {
			if len(e) != 5 {
				return metaDoc{}, damaged(name)
			}
			m := metaDoc{}
			m.URL, _ = e[0].(string)
			m.Title, _ = e[1].(string)
			m.Snippet, _ = e[2].(string)
			a, _ := e[3].([]any)
			for i := 0; i+1 < len(a); i += 2 {
				id, _ := a[i].(string)
				h, _ := a[i+1].(string)
				m.Anchors = append(m.Anchors, [2]string{id, h})
			}
			f, _ := e[4].(float64)
			m.Format = int(f)
			docs = append(docs, m)
		}
		s.meta[g] = docs
	}
	return s.meta[g][doc%s.man.MetaGroup], nil
}

// Hit is one result.
type Hit struct {
	Doc      int
	Score    int
	Complete bool // matches every query word (or its synonyms)
	// Set for the first Limit hits:
	URL, Title, Anchor string
}

// FacetCount is one facet value with the number of results it would give.
type FacetCount struct {
	ID, Label string
	Count     int
	Selected  bool
}

// Results of a query.
type Results struct {
	// Hits are the results that pass the filters: first those that match
	// every query word (Complete of them), then those that match some.
	Hits     []Hit
	Complete int
	// Facets count, for each value, the results that selecting it would
	// give (ignoring the facet's own selection); they count complete
	// results, or partial ones when no result is complete.
	Facets map[string][]FacetCount
	Terms  []string // index words that matched, for highlighting
}

// concept is one thing the reader asked for: a word (with its spellings and
// synonyms) or a synonym phrase. A result must match every required concept
// to rank as complete.
type concept struct {
	alts     []alt
	optional bool
}

// expansion is what a word or phrase of a query also searches: a synonym
// group (keys and alts the same) or a lay term (keys: what the reader
// says; alts: that and what it means).
type expansion struct {
	keys, alts []string
}

type alt struct {
	tokens []string
	weight int
}

type queryWord struct {
	tok      string
	optional bool // a stop word being typed
	filler   bool // a filler word: optional unless in a phrase
}

// parseQuery turns a query into concepts.
func (s *Searcher) parseQuery(q string) []concept {
	toks := Tokenize(q)
	f := Fold(q)
	last, _ := utf8.DecodeLastRuneInString(f)
	typing := len(f) > 0 && isWord(last) && len(toks) <= MaxQueryTokens
	if len(toks) > MaxQueryTokens {
		toks = toks[:MaxQueryTokens]
	}
	stop := map[string]bool{}
	for _, w := range s.man.Stop {
		stop[w] = true
	}
	filler := map[string]bool{}
	for _, w := range s.man.Filler {
		filler[w] = true
	}
	var words []queryWord
	for i, t := range toks {
		last := i == len(toks)-1 && typing
		if stop[t] {
			if last {
				words = append(words, queryWord{tok: t, optional: true})
			}
			continue
		}
		words = append(words, queryWord{tok: t, filler: filler[t]})
	}
	var cs []concept
	for i := 0; i < len(words); {
		w := words[i]
		if w.optional {
			cs = append(cs, concept{alts: []alt{{[]string{w.tok}, weightTyped}}, optional: true})
			i++
			continue
		}
		if g, typed, n := s.phraseAt(words, i, typing); n > 0 {
			c := concept{}
			c.alts = addAlt(c.alts, typed, weightTyped)
			for _, other := range s.expand[g].alts {
				c.alts = addAlt(c.alts, strings.Fields(other), weightSynonym)
			}
			cs = append(cs, c)
			i += n
			continue
		}
		isLast := i == len(words)-1
		if w.filler {
			wt := weightFiller
			if isLast && typing {
				wt = weightTyped // as a stop word being typed: "do" on the way to "dose"
			}
			cs = append(cs, concept{alts: []alt{{[]string{w.tok}, wt}}, optional: true})
			i++
			continue
		}
		cs = append(cs, s.wordConcept(w.tok, isLast && typing))
		i++
	}
	return cs
}

// phraseAt finds the longest multi-word synonym alternative that the
// words from i on spell out, or start to spell out when the query ends
// inside it (at least two words: "just in case" for "just in case
// medicines"). While the reader is typing, the last query word may be the
// start of its word in the phrase. It returns the group, the typed part of
// the alternative and the number of query words it covers (0: none).
func (s *Searcher) phraseAt(words []queryWord, i int, typing bool) (group int, typed []string, n int) {
	for g, e := range s.expand {
		for _, a := range e.keys {
			at := strings.Fields(a)
			k := min(len(at), len(words)-i)
			if len(at) < 2 || k < 2 || k <= n || k < len(at) && i+k != len(words) {
				continue
			}
			ok := true
			for j := range k {
				w := words[i+j]
				last := i+j == len(words)-1
				if w.optional || !(w.tok == at[j] || last && typing &&
					utf8.RuneCountInString(w.tok) >= minPrefixRunes && strings.HasPrefix(at[j], w.tok)) {
					ok = false
					break
				}
			}
			if ok {
				group, typed, n = g, at[:k], k
			}
		}
	}
	return group, typed, n
}

// spellingVariants returns the other spellings of a word: for each pair
// whose side the word starts with (the longer side when it starts with
// both), the other side plus the rest of the word.
func spellingVariants(tok string, pairs [][2]string) []string {
	var out []string
	for _, p := range pairs {
		a, b := p[0], p[1]
		ha, hb := strings.HasPrefix(tok, a), strings.HasPrefix(tok, b)
		var v string
		switch {
		case ha && (!hb || len(a) >= len(b)):
			v = b + tok[len(a):]
		case hb:
			v = a + tok[len(b):]
		default:
			continue
		}
		if v != tok && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (s *Searcher) wordConcept(tok string, typing bool) concept {
	c := concept{}
	c.alts = addAlt(c.alts, []string{tok}, weightTyped)
	variants := append([]string{tok}, spellingVariants(tok, s.man.Spell)...)
	for _, v := range variants[1:] {
		c.alts = addAlt(c.alts, []string{v}, weightSpelling)
	}
	for _, e := range s.expand {
		wt := 0
		for _, a := range e.keys {
			if strings.Contains(a, " ") {
				continue
			}
			if slices.Contains(variants, a) {
				wt = weightSynonym
				break
			}
			if typing && utf8.RuneCountInString(tok) >= minSynonymPrefix && strings.HasPrefix(a, tok) {
				wt = weightSynonymTyped
			}
		}
		if wt == 0 {
			continue
		}
		for _, a := range e.alts {
			c.alts = addAlt(c.alts, strings.Fields(a), wt)
		}
	}
	return c
}

// addAlt adds an alternative, or raises the weight of an equal one.
func addAlt(alts []alt, tokens []string, w int) []alt {
	for i := range alts {
		if slices.Equal(alts[i].tokens, tokens) {
			alts[i].weight = max(alts[i].weight, w)
			return alts
		}
	}
	return append(alts, alt{tokens, w})
}

// tokenMatch is what a query token matches: the index words (for
// highlighting and section links) and the lists to read, each with the
// quality of its match. A merged list stands for the words that extend the
// token.
type tokenMatch struct {
	terms []string
	lists []listMatch
}

type listMatch struct {
	ref     listRef
	quality int
}

// matchToken finds the index words a query token matches.
func (s *Searcher) matchToken(tok string) (tokenMatch, error) {
	var out tokenMatch
	n := utf8.RuneCountInString(tok)
	d, err := s.dict(termKey(tok, s.man.TermKey))
	if err != nil {
		return out, err
	}
	if d != nil {
		if i, ok := d.index[tok]; ok {
			out.terms = append(out.terms, tok)
			out.lists = append(out.lists, listMatch{listRef{d.key, i}, qualityExact})
		}
		if n >= minPrefixRunes {
			merged, hasMerged := d.index[tok+"*"]
			for i, t := range d.names {
				if t != tok && strings.HasPrefix(t, tok) && !strings.HasSuffix(t, "*") {
					out.terms = append(out.terms, t)
					if !hasMerged {
						out.lists = append(out.lists, listMatch{listRef{d.key, i}, qualityPrefix})
					}
				}
			}
			if hasMerged {
				out.lists = append(out.lists, listMatch{listRef{d.key, merged}, qualityPrefix})
			}
		}
	}
	if len(out.terms) > 0 || n < minTypoRunes {
		return out, nil
	}
	var seen []string
	for _, k := range typoKeys(tok, s.man.TermKey) {
		if slices.Contains(seen, k) {
			continue
		}
		seen = append(seen, k)
		d, err := s.dict(k)
		if err != nil {
			return out, err
		}
		if d == nil {
			continue
		}
		for i, t := range d.names {
			if strings.HasSuffix(t, "*") {
				continue
			}
			if q := typoQuality(tok, t); q > 0 {
				out.terms = append(out.terms, t)
				out.lists = append(out.lists, listMatch{listRef{d.key, i}, q})
			}
		}
	}
	return out, nil
}

// typoKeys are the shards that can hold a word one edit away from tok
// whose edit is one the shard key can predict: anywhere after the key, or a
// deleted or transposed letter inside it.
func typoKeys(tok string, keyLen int) []string {
	r := []rune(tok)
	keys := []string{termKey(tok, keyLen)}
	if keyLen == 0 {
		return keys
	}
	del0 := string(r[1:])
	del1 := string(r[:1]) + string(r[2:])
	swap := string([]rune{r[1], r[0]}) + string(r[2:])
	return append(keys, termKey(del0, keyLen), termKey(del1, keyLen), termKey(swap, keyLen))
}

// typoQuality says how a token one edit away from an index word matches it:
// qualityTypo for the whole word, qualityTypoPrefix for its start, 0 not.
// "ph" and "f" count as the same letter ("morfine" finds "morphine").
func typoQuality(tok, term string) int {
	if q := typoQuality1([]rune(tok), []rune(term)); q > 0 {
		return q
	}
	if strings.Contains(tok, "ph") || strings.Contains(term, "ph") {
		return typoQuality1([]rune(strings.ReplaceAll(tok, "ph", "f")), []rune(strings.ReplaceAll(term, "ph", "f")))
	}
	return 0
}

func typoQuality1(a, b []rune) int {
	if within1(a, b) {
		return qualityTypo
	}
	for m := len(a) - 1; m <= len(a)+1; m++ {
		if m >= 1 && m < len(b) && within1(a, b[:m]) {
			return qualityTypoPrefix
		}
	}
	return 0
}

// within1 reports whether a and b are at most one insertion, deletion,
// substitution or transposition of neighbours apart.
func within1(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true // equal, or b has one more letter at the end
	}
	if len(a) == len(b) {
		if slices.Equal(a[i+1:], b[i+1:]) {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(a[i+2:], b[i+2:])
	}
	return slices.Equal(a[i:], b[i+1:]) // b has one more letter at i
}

// Search runs a query with facet filters (facet -> selected ids; OR within
// a facet, AND across facets) and fills in display data for the first limit
// hits.
func (s *Searcher) Search(q string, filters map[string][]string, limit int) (*Results, error) {
	return s.search(q, filters, limit, true)
}

// search is Search, without the facet counts (and the files only they
// need) unless facets: the header's dropdown shows none.
func (s *Searcher) search(q string, filters map[string][]string, limit int, facets bool) (*Results, error) {
	res := &Results{Facets: map[string][]FacetCount{}}
	cs := s.parseQuery(q)
	n := s.man.Docs
	required := 0
	for _, c := range cs {
		if !c.optional {
			required++
		}
	}
	scores := make([][]int, len(cs))
	termSets := make([]map[string]bool, len(cs))
	read := make([][][][]listRef, len(cs)) // concept -> alt -> token -> lists
	qr := s.qr
	if qr == nil {
		qr = make([]bool, n) // from the postings
	}
	var allTerms []string
	for ci, c := range cs {
		best := make([]int, n)
		termSets[ci] = map[string]bool{}
		read[ci] = make([][][]listRef, len(c.alts))
		for ai, a := range c.alts {
			sum := make([]int, n)
			hits := make([]int, n)
			for _, tok := range a.tokens {
				tm, err := s.matchToken(tok)
				if err != nil {
					return nil, err
				}
				for _, t := range tm.terms {
					termSets[ci][t] = true
					if !slices.Contains(allTerms, t) {
						allTerms = append(allTerms, t)
					}
				}
				tokBest := make([]int, n)
				var refs []listRef
				for _, m := range tm.lists {
					ps, err := s.postings(m.ref)
					if err != nil {
						return nil, err
					}
					refs = append(refs, m.ref)
					for _, p := range ps {
						code, doc := int(p.code()), p.doc()
						if code&qrBit != 0 {
							qr[doc] = true // never when the manifest lists the cards
						}
						sc := fieldWeights[code&^qrBit>>1]*m.quality/100 + repeatBonus[code&1]
						tokBest[doc] = max(tokBest[doc], sc)
					}
				}
				read[ci][ai] = append(read[ci][ai], refs)
				for d, v := range tokBest {
					if v > 0 {
						sum[d] += v
						hits[d]++
					}
				}
			}
			for d := range n {
				if hits[d] == len(a.tokens) {
					best[d] = max(best[d], sum[d]/len(a.tokens)*a.weight/100)
				}
			}
		}
		scores[ci] = best
	}
	slices.Sort(allTerms)
	res.Terms = allTerms
	type cand struct {
		doc, matched, total int
	}
	var cands []cand
	for d := range n {
		m, total := 0, 0
		for ci, c := range cs {
			if v := scores[ci][d]; v > 0 {
				total += v
				if !c.optional || required == 0 {
					m++
				}
			}
		}
		if m == 0 {
			continue
		}
		if qr[d] {
			total = total * 3 / 2
		}
		cands = append(cands, cand{d, m, total})
	}
	need := required
	if need == 0 {
		need = len(cs)
	}
	// Ids are in tie order.
	slices.SortFunc(cands, func(a, b cand) int {
		ac, bc := a.matched == need, b.matched == need
		if ac != bc {
			if ac {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.matched, a.matched), cmp.Compare(b.total, a.total), cmp.Compare(a.doc, b.doc))
	})
	// Facets: a doc passes facet f when nothing is selected in f or it has
	// a selected value; counts of f ignore f's own selection.
	selected := map[string]map[int]bool{}
	filtered, anySelected := false, false // by some facet but the level; by any
	for _, f := range facetNames {
		selected[f] = map[int]bool{}
		for _, id := range filters[f] {
			for i, v := range s.man.Facets[f] {
				if v[0] == id {
					selected[f][i] = true
					anySelected = true
					filtered = filtered || f != content.FacetLevel
				}
			}
		}
	}
	anyComplete := len(cands) > 0 && cands[0].matched == need
	// The docs counted (and every hit when a filter needs their facets).
	var docs []int
	for _, c := range cands {
		if filtered || !anyComplete || c.matched == need {
			docs = append(docs, c.doc)
		}
	}
	if !facets && !filtered {
		docs = nil
	}
	others, err := s.readFacetsOf(docs, cs, read, required, filtered || !anyComplete, !anySelected)
	if err != nil {
		return nil, err
	}
	passes := func(d int, f string) bool {
		if len(selected[f]) == 0 {
			return true
		}
		for _, v := range s.facetOf(d, f) {
			if selected[f][v] {
				return true
			}
		}
		return false
	}
	counts := map[string][]int{}
	for _, f := range facetNames {
		counts[f] = make([]int, len(s.man.Facets[f]))
	}
	for _, c := range cands {
		complete := c.matched == need
		fails := 0
		failed := ""
		for _, f := range facetNames {
			if !passes(c.doc, f) {
				fails++
				failed = f
			}
		}
		if fails == 0 {
			res.Hits = append(res.Hits, Hit{Doc: c.doc, Score: c.total, Complete: complete})
			if complete {
				res.Complete++
			}
		}
		if anyComplete && !complete || !facets {
			continue
		}
		for _, f := range facetNames {
			if (fails == 0 || fails == 1 && failed == f) && (others == nil || f == content.FacetLevel) {
				for _, v := range s.facetOf(c.doc, f) {
					counts[f][v]++
				}
			}
		}
	}
	if others != nil {
		// Every doc is counted but those others holds.
		for _, f := range listFacets {
			for v, n := range s.man.Counts[f] {
				counts[f][v] = n - others[f][v]
			}
		}
	}
	for _, f := range facetNames {
		if !facets {
			break
		}
		for i, v := range s.man.Facets[f] {
			if counts[f][i] > 0 || selected[f][i] {
				res.Facets[f] = append(res.Facets[f], FacetCount{v[0], v[1], counts[f][i], selected[f][i]})
			}
		}
	}
	for i := range min(limit, len(res.Hits)) {
		h := &res.Hits[i]
		m, err := s.metaOf(h.Doc)
		if err != nil {
			return nil, err
		}
		h.URL, h.Title = m.URL, m.Title
		h.Anchor = bestAnchor(m, termSets, need)
	}
	return res, nil
}

// readFacetsOf reads the facets of docs (the docs the query counts, or
// all it found: all) from as little as it can. Every doc found is in a
// list of each token of an alternative it matches, so the facet parts of
// the lists of one token per alternative of a concept hold the facets of
// every doc that matches the concept: for each alternative, the token
// whose lists have the fewest postings, all of at most half the docs. The
// docs counted match every required concept: the concept read is the one
// with the fewest postings (an alternative whose tokens all have a list of
// more than half the docs counts as every doc). The docs found match some
// concept: all are read. The facet groups hold the facets of the docs
// left.
//
// When no filter is set (whole: the counts are all it needs) and it is
// smaller, it reads the facets of the docs not counted instead, and
// returns their counts: the facet part of a list of more than half the
// docs holds the docs it does not have. A doc that does not match an
// alternative is missing from the lists of one of its tokens, so the
// parts of one such list per token of one alternative of each required
// concept hold every doc that is not counted; when the docs counted are
// all those found, one concept is enough.
func (s *Searcher) readFacetsOf(docs []int, cs []concept, read [][][][]listRef, required int, all, whole bool) (others map[string][]int, err error) {
	if len(docs) == 0 {
		return nil, nil
	}
	if s.man.ListFacets {
		in, out := s.facetCovers(cs, read, required, all)
		if whole && out.cost >= 0 && out.cost < in.cost {
			isDoc := make([]bool, s.man.Docs)
			for _, d := range docs {
				isDoc[d] = true
			}
			others = map[string][]int{}
			for _, f := range listFacets {
				others[f] = make([]int, len(s.man.Facets[f]))
			}
			seen := map[int]bool{}
			for _, r := range out.refs {
				ds, err := s.otherFacets(r)
				if err != nil {
					return nil, err
				}
				for _, d := range ds {
					if isDoc[d] || seen[d] {
						continue
					}
					seen[d] = true
					for _, f := range listFacets {
						for _, v := range s.facets[f][d] {
							others[f][v]++
						}
					}
				}
			}
			s.counted++
			return others, nil
		}
		for _, r := range in.refs {
			if err := s.listFacets(r); err != nil {
				return nil, err
			}
		}
	}
	var groups []int
	for _, d := range docs {
		if g := d / s.man.FacetGroup; !s.known[d] && !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	slices.Sort(groups)
	for _, g := range groups {
		if err := s.facetGroup(g * s.man.FacetGroup); err != nil {
			return nil, err
		}
	}
	for _, d := range docs {
		if !s.known[d] {
			return nil, damaged("search/g/" + itoa(d/s.man.FacetGroup) + ".json")
		}
	}
	return nil, nil
}

// cover is a set of lists whose facet parts readFacetsOf reads, and the
// number of docs they hold (cost).
type cover struct {
	refs []listRef
	cost int
}

// facetCovers returns the lists whose facet parts hold the facets of the
// docs counted (in) and of the docs not counted (out; cost -1: no lists
// do): see readFacetsOf.
func (s *Searcher) facetCovers(cs []concept, read [][][][]listRef, required int, all bool) (in, out cover) {
	n := s.man.Docs
	inOf := func(alts [][][]listRef) cover {
		var cv cover
		for _, toks := range alts {
			best := -1
			var refs []listRef
			for _, lists := range toks {
				cost := 0
				for _, r := range lists {
					if ps := s.posts[r]; 2*len(ps) <= n && cost >= 0 {
						cost += len(ps)
					} else {
						cost = -1
					}
				}
				if cost >= 0 && (best < 0 || cost < best) {
					best, refs = cost, lists
				}
			}
			if best < 0 {
				cv.cost += n
				continue
			}
			cv.cost += best
			cv.refs = append(cv.refs, refs...)
		}
		return cv
	}
	outOf := func(alts [][][]listRef) cover {
		cv := cover{cost: -1}
		for _, toks := range alts {
			var alt cover
			for _, lists := range toks {
				var big listRef
				most := 0
				for _, r := range lists {
					if ps := s.posts[r]; 2*len(ps) > n && len(ps) > most {
						big, most = r, len(ps)
					}
				}
				if most == 0 {
					alt.cost = -1
					break
				}
				alt.cost += n - most
				alt.refs = append(alt.refs, big)
			}
			if alt.cost >= 0 && (cv.cost < 0 || alt.cost < cv.cost) {
				cv = alt
			}
		}
		return cv
	}
	// The docs counted: in, one concept; out, every concept. All the docs
	// found: in, every concept; out, one.
	in.cost, out.cost = -1, -1
	first := true
	for ci, c := range cs {
		if c.optional && required > 0 {
			continue
		}
		ic, oc := inOf(read[ci]), outOf(read[ci])
		if all {
			in.cost = max(in.cost, 0) + ic.cost
			in.refs = append(in.refs, ic.refs...)
			if oc.cost >= 0 && (out.cost < 0 || oc.cost < out.cost) {
				out = oc
			}
		} else {
			if in.cost < 0 || ic.cost < in.cost {
				in = ic
			}
			if first || out.cost >= 0 && oc.cost >= 0 {
				out.cost = max(out.cost, 0) + oc.cost
				out.refs = append(out.refs, oc.refs...)
			}
			if oc.cost < 0 {
				out = cover{cost: -1}
			}
		}
		first = false
	}
	return in, out
}

// bestAnchor links to the top of the page when the title names every
// concept (need of them), else to the heading that names the most concepts
// (the first of equals), else to the top.
func bestAnchor(m metaDoc, termSets []map[string]bool, need int) string {
	count := func(text string) int {
		toks := Tokenize(text)
		n := 0
		for _, set := range termSets {
			for _, t := range toks {
				if set[t] {
					n++
					break
				}
			}
		}
		return n
	}
	if count(m.Title) >= need {
		return ""
	}
	bestN, best := 0, ""
	for _, a := range m.Anchors {
		if c := count(a[1]); c > bestN {
			bestN, best = c, a[0]
		}
	}
	return best
}
