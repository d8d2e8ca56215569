package search

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
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
	rank    []int
	facets  map[string][][]int // facet -> doc -> value indexes
	qrIndex int                // index of quick-reference in the format facet, or -1
	shards  map[string][]string
	posts   map[string][]posting
	meta    map[int][]metaDoc
	// Loaded lists the files read so far, in order.
	Loaded []string
}

type manifest struct {
	Version   int                    `json:"version"`
	Docs      int                    `json:"docs"`
	TermKey   int                    `json:"termKey"`
	MetaGroup int                    `json:"metaGroup"`
	Stop      []string               `json:"stop"`
	Spell     [][2]string            `json:"spell"`
	Syn       [][]string             `json:"syn"`
	Facets    map[string][][2]string `json:"facets"`
	Files     struct {
		Docs  string            `json:"docs"`
		Terms map[string]string `json:"terms"`
		Meta  []string          `json:"meta"`
	} `json:"files"`
}

type metaDoc struct {
	URL, Title, Snippet string
	Anchors             [][2]string // anchor, heading
}

// NewSearcher reads search/index.json and search/docs.json through load
// (which gets paths like "search/index.json") and checks them.
func NewSearcher(load func(name string) ([]byte, error)) (*Searcher, error) {
	s := &Searcher{load: load, shards: map[string][]string{}, posts: map[string][]posting{}, meta: map[int][]metaDoc{}, qrIndex: -1}
	b, err := s.file("search/index.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &s.man); err != nil || s.man.Version != manifestVersion || s.man.MetaGroup < 1 {
		return nil, fmt.Errorf("search/index.json is damaged")
	}
	b, err = s.file("search/docs.json")
	if err != nil {
		return nil, err
	}
	var cols map[string]string
	if err := json.Unmarshal(b, &cols); err != nil {
		return nil, fmt.Errorf("search/docs.json is damaged")
	}
	n := s.man.Docs
	r := v64Reader{s: cols["rank"]}
	for range n {
		v, err := r.next()
		if err != nil || v >= n {
			return nil, fmt.Errorf("search/docs.json is damaged")
		}
		s.rank = append(s.rank, v)
	}
	s.facets = map[string][][]int{}
	for _, f := range facetNames {
		r := v64Reader{s: cols[f]}
		vals := make([][]int, n)
		for d := range n {
			k, err := r.next()
			if err != nil {
				return nil, fmt.Errorf("search/docs.json is damaged")
			}
			for range k {
				v, err := r.next()
				if err != nil || v >= len(s.man.Facets[f]) {
					return nil, fmt.Errorf("search/docs.json is damaged")
				}
				vals[d] = append(vals[d], v)
			}
		}
		s.facets[f] = vals
	}
	for i, v := range s.man.Facets["format"] {
		if v[0] == quickReference {
			s.qrIndex = i
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

// shard returns the terms and postings of a shard key, loading it once;
// nil when the index has no such shard.
func (s *Searcher) shard(key string) ([]string, error) {
	if t, ok := s.shards[key]; ok {
		return t, nil
	}
	if _, ok := s.man.Files.Terms[key]; !ok {
		s.shards[key] = nil
		return nil, nil
	}
	name := "search/t/" + termFileName(key) + ".json"
	b, err := s.file(name)
	if err != nil {
		return nil, err
	}
	var flat []string
	if err := json.Unmarshal(b, &flat); err != nil || len(flat)%2 != 0 {
		return nil, fmt.Errorf("%s is damaged", name)
	}
	s.shards[key] = flat
	return flat, nil
}

func (s *Searcher) postings(term, enc string) ([]posting, error) {
	if p, ok := s.posts[term]; ok {
		return p, nil
	}
	var out []posting
	r := v64Reader{s: enc}
	doc := -1
	for r.more() {
		v, err := r.next()
		if err != nil {
			return nil, err
		}
		doc += v>>1 + 1
		code := 0
		if v&1 == 1 {
			if code, err = r.next(); err != nil {
				return nil, err
			}
		}
		if doc >= s.man.Docs || code > 9 || code == 0 && v&1 == 1 {
			return nil, errV64
		}
		out = append(out, posting{int32(doc), uint8(code)})
	}
	s.posts[term] = out
	return out, nil
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
		if err := json.Unmarshal(b, &raw); err != nil {
			return metaDoc{}, fmt.Errorf("%s is damaged", name)
		}
		var docs []metaDoc
		for _, e := range raw {
			if len(e) != 4 {
				return metaDoc{}, fmt.Errorf("%s is damaged", name)
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
			docs = append(docs, m)
		}
		s.meta[g] = docs
	}
	i := doc % s.man.MetaGroup
	if i >= len(s.meta[g]) {
		return metaDoc{}, fmt.Errorf("search/m/%d.json is damaged", g)
	}
	return s.meta[g][i], nil
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

type alt struct {
	tokens []string
	weight int
}

type queryWord struct {
	tok      string
	optional bool
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
	var words []queryWord
	for i, t := range toks {
		if stop[t] {
			if i == len(toks)-1 && typing {
				words = append(words, queryWord{t, true})
			}
			continue
		}
		words = append(words, queryWord{t, false})
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
			for _, other := range s.man.Syn[g] {
				c.alts = addAlt(c.alts, strings.Fields(other), weightSynonym)
			}
			cs = append(cs, c)
			i += n
			continue
		}
		isLast := i == len(words)-1
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
	for g, alts := range s.man.Syn {
		for _, a := range alts {
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
	for _, group := range s.man.Syn {
		wt := 0
		for _, a := range group {
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
		for _, a := range group {
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

type termMatch struct {
	term    string
	quality int
	enc     string
}

// matchToken finds the index words a query token matches.
func (s *Searcher) matchToken(tok string) ([]termMatch, error) {
	n := utf8.RuneCountInString(tok)
	flat, err := s.shard(termKey(tok, s.man.TermKey))
	if err != nil {
		return nil, err
	}
	var out []termMatch
	for i := 0; i < len(flat); i += 2 {
		t := flat[i]
		switch {
		case t == tok:
			out = append(out, termMatch{t, qualityExact, flat[i+1]})
		case n >= minPrefixRunes && strings.HasPrefix(t, tok):
			out = append(out, termMatch{t, qualityPrefix, flat[i+1]})
		}
	}
	if len(out) > 0 || n < minTypoRunes {
		return out, nil
	}
	var seen []string
	for _, k := range typoKeys(tok, s.man.TermKey) {
		if slices.Contains(seen, k) {
			continue
		}
		seen = append(seen, k)
		flat, err := s.shard(k)
		if err != nil {
			return nil, err
		}
		for i := 0; i < len(flat); i += 2 {
			if q := typoQuality(tok, flat[i]); q > 0 {
				out = append(out, termMatch{flat[i], q, flat[i+1]})
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
	var allTerms []string
	for ci, c := range cs {
		best := make([]int, n)
		termSets[ci] = map[string]bool{}
		for _, a := range c.alts {
			sum := make([]int, n)
			hits := make([]int, n)
			for _, tok := range a.tokens {
				ms, err := s.matchToken(tok)
				if err != nil {
					return nil, err
				}
				tokBest := make([]int, n)
				for _, m := range ms {
					termSets[ci][m.term] = true
					if !slices.Contains(allTerms, m.term) {
						allTerms = append(allTerms, m.term)
					}
					ps, err := s.postings(m.term, m.enc)
					if err != nil {
						return nil, fmt.Errorf("search/t/%s.json is damaged", termFileName(termKey(tok, s.man.TermKey)))
					}
					for _, p := range ps {
						sc := fieldWeights[p.code>>1]*m.quality/100 + repeatBonus[p.code&1]
						tokBest[p.doc] = max(tokBest[p.doc], sc)
					}
				}
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
		if s.qrIndex >= 0 && slices.Contains(s.facets["format"][d], s.qrIndex) {
			total = total * 3 / 2
		}
		cands = append(cands, cand{d, m, total})
	}
	need := required
	if need == 0 {
		need = len(cs)
	}
	slices.SortFunc(cands, func(a, b cand) int {
		ac, bc := a.matched == need, b.matched == need
		if ac != bc {
			if ac {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.matched, a.matched), cmp.Compare(b.total, a.total), cmp.Compare(s.rank[a.doc], s.rank[b.doc]))
	})
	// Facets: a doc passes facet f when nothing is selected in f or it has
	// a selected value; counts of f ignore f's own selection.
	selected := map[string]map[int]bool{}
	for _, f := range facetNames {
		selected[f] = map[int]bool{}
		for _, id := range filters[f] {
			for i, v := range s.man.Facets[f] {
				if v[0] == id {
					selected[f][i] = true
				}
			}
		}
	}
	passes := func(d int, f string) bool {
		if len(selected[f]) == 0 {
			return true
		}
		for _, v := range s.facets[f][d] {
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
	anyComplete := len(cands) > 0 && cands[0].matched == need
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
		if anyComplete && !complete {
			continue
		}
		for _, f := range facetNames {
			if fails == 0 || fails == 1 && failed == f {
				for _, v := range s.facets[f][c.doc] {
					counts[f][v]++
				}
			}
		}
	}
	for _, f := range facetNames {
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
