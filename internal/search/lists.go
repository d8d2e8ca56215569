package search

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// keyShard holds the terms whose first runes are its key: its dictionary,
// its merged lists and the posting (and facet) files its lists are cut
// into.
type keyShard struct {
	terms   []string         // sorted; every one has postings
	merged  map[string]*list // merged lists, by prefix
	chunks  []chunk
	dict    file
	version string // of the dictionary and its files together
	dirty   bool   // some list or the set of lists changed since the files were made
}

// chunk is one posting file (and its facet file): lists in name order.
type chunk struct {
	lists       []*list
	encs, fencs [][]byte // what the files were made from
	post, facet file
}

func newKeyShard() *keyShard {
	return &keyShard{merged: map[string]*list{}, dirty: true}
}

// A merged list serves a query word that is a prefix of many words: it
// holds, for each doc, the best code of the words that extend the prefix
// (not the prefix itself, which has its own list if it is a word), so
// that "co" reads one list instead of every list of a word in co-. The
// words of a prefix with one get no list of their own for that query.
//
// mergedRule says which prefixes (of at least minPrefixRunes runes) get
// one: those whose extending words have at least mergeMin postings beyond
// those of the biggest of them, and at least as many as it. A query word
// without one reads fewer than twice the postings of the biggest list,
// plus mergeMin.
func mergedRule(sum, biggest int) bool {
	return sum >= 2*biggest && sum-biggest >= mergeMin
}

// extensions returns the range of s.terms that extend prefix p (p itself
// excluded).
func (s *keyShard) extensions(p string) (lo, hi int) {
	lo, _ = slices.BinarySearch(s.terms, p)
	if lo < len(s.terms) && s.terms[lo] == p {
		lo++
	}
	hi = lo
	for hi < len(s.terms) && strings.HasPrefix(s.terms[hi], p) {
		hi++
	}
	return lo, hi
}

// prefixes calls fn with every proper prefix of t of at least
// minPrefixRunes runes.
func prefixes(t string, fn func(p string)) {
	runes := 0
	for i := range t {
		if runes >= minPrefixRunes {
			fn(t[:i])
		}
		runes++
	}
}

// buildMerged makes the merged lists of a shard.
func (x *Index) buildMerged(s *keyShard) {
	type acc struct{ sum, biggest int }
	accs := map[string]*acc{}
	for _, t := range s.terms {
		n := len(x.termList[x.termIDs[t]].posts)
		prefixes(t, func(p string) {
			a := accs[p]
			if a == nil {
				a = &acc{}
				accs[p] = a
			}
			a.sum += n
			a.biggest = max(a.biggest, n)
		})
	}
	s.merged = map[string]*list{}
	for p, a := range accs {
		if mergedRule(a.sum, a.biggest) {
			s.merged[p] = x.mergeList(s, p)
		}
	}
}

// mergeList makes the merged list of prefix p.
func (x *Index) mergeList(s *keyShard, p string) *list {
	n := len(x.byID)
	best := make([]uint8, n) // code+1; 0 = not in the list
	lo, hi := s.extensions(p)
	count := 0
	for _, t := range s.terms[lo:hi] {
		for _, q := range x.termList[x.termIDs[t]].posts {
			if best[q.doc()] == 0 {
				count++
			}
			best[q.doc()] = max(best[q.doc()], q.code()+1)
		}
	}
	l := &list{name: p + "*", posts: make([]posting, 0, count)}
	for d, c := range best {
		if c > 0 {
			l.posts = append(l.posts, mkPosting(int32(d), c-1))
		}
	}
	return l
}

// updateMerged brings the merged lists of a shard up to date after the
// postings of these terms changed for the docs of entries; facetDocs are
// the docs whose facets changed (their lists encode anew).
func (x *Index) updateMerged(s *keyShard, changed map[string]bool, entries []*docEntry, facetDocs map[int]bool) {
	affected := map[string]bool{}
	for t := range changed {
		prefixes(t, func(p string) { affected[p] = true })
	}
	for p := range affected {
		lo, hi := s.extensions(p)
		sum, biggest := 0, 0
		for _, t := range s.terms[lo:hi] {
			n := len(x.termList[x.termIDs[t]].posts)
			sum += n
			biggest = max(biggest, n)
		}
		m, has := s.merged[p]
		switch want := mergedRule(sum, biggest); {
		case want && !has:
			s.merged[p] = x.mergeList(s, p)
			s.dirty = true
		case !want && has:
			delete(s.merged, p)
			s.dirty = true
		case want:
			for _, e := range entries {
				best, in := uint8(0), false
				for _, t := range s.terms[lo:hi] {
					ps := x.termList[x.termIDs[t]].posts
					if i, ok := findPost(ps, e.id); ok {
						best, in = max(best, ps[i].code()), true
					}
				}
				if _, ok := setPost(m, e.id, best, in); ok {
					s.dirty = true
				}
				if facetDocs[e.id] {
					if _, ok := findPost(m.posts, e.id); ok {
						m.enc, m.fenc = nil, nil
						s.dirty = true
					}
				}
			}
		}
	}
}

func findPost(ps []posting, doc int) (int, bool) {
	return slices.BinarySearchFunc(ps, int32(doc), func(p posting, d int32) int { return int(p.doc() - d) })
}

// pack cuts the lists of shard k into files and makes its dictionary.
// The lists are encoded in order, a batch of packBatch at a time on
// every CPU, and each file is made as soon as its last list is known.
// For an index used no more (FinalTo), each file goes to x.final as soon
// as it is made and each list is dropped once it is in a file, so that
// a large site's index never holds all its encoded lists and all its
// files at once, only its posting lists and one batch.
func (x *Index) pack(k string, s *keyShard) {
	lists := make([]*list, 0, len(s.terms)+len(s.merged))
	for _, t := range s.terms {
		lists = append(lists, x.termList[x.termIDs[t]])
	}
	for _, m := range s.merged {
		lists = append(lists, m)
	}
	slices.SortFunc(lists, func(a, b *list) int { return strings.Compare(a.name, b.name) })
	encoded := 0 // lists[:encoded] are encoded
	encodeTo := func(n int) {
		if n <= encoded {
			return
		}
		batch := lists[encoded:min(len(lists), max(n, encoded+packBatch))]
		encoded += len(batch)
		parallel(len(batch), func(i int) {
			l := batch[i]
			if l.enc == nil {
				l.enc = x.encodePostings(l.posts)
			}
			if l.fenc == nil {
				l.fenc = noFacets
				if x.lay.listFacets {
					l.fenc = x.encodeListFacets(l.posts)
				}
			}
		})
	}
	old := map[*list]*chunk{}
	for i := range s.chunks {
		old[s.chunks[i].lists[0]] = &s.chunks[i]
	}
	name := termFileName(k)
	var chunks []chunk
	for i := 0; i < len(lists); {
		encodeTo(i + 1)
		j, size := i+1, len(lists[i].enc)
		for ; j < len(lists); j++ {
			encodeTo(j + 1)
			if x.lay.chunk != 0 && (size+len(lists[j].enc) > x.lay.chunk || cutBefore(lists[j].name)) {
				break
			}
			size += len(lists[j].enc)
		}
		c := chunk{lists: lists[i:j]}
		for _, l := range c.lists {
			c.encs = append(c.encs, l.enc)
			c.fencs = append(c.fencs, l.fenc)
		}
		if o := old[lists[i]]; o != nil && o.same(&c) {
			c.post, c.facet = o.post, o.facet
		} else {
			c.post = encodeStrings(c.encs)
			if x.lay.listFacets {
				c.facet = encodeStrings(c.fencs)
			}
		}
		if x.final != nil {
			// Nothing is encoded again: the files are all that is kept,
			// and only until they are given.
			for _, l := range c.lists {
				l.posts, l.enc, l.fenc = nil, nil, nil
			}
			c.encs, c.fencs = nil, nil
			x.chunkFiles(name, len(chunks), &c, x.final)
			c.post.data, c.facet.data = nil, nil
		}
		chunks = append(chunks, c)
		i = j
	}
	s.chunks = chunks
	s.dict = encodeDict(lists, chunks)
	b := []byte(s.dict.hash)
	for _, c := range chunks {
		b = append(b, c.post.hash...)
		b = append(b, c.facet.hash...)
	}
	s.version = fileHash(b)
	s.dirty = false
}

// packBatch is how many lists pack encodes at a time: enough to keep
// every CPU busy, few enough that a batch is small beside the index.
const packBatch = 256

// cutBefore reports whether a posting file starts at the list with this
// name, whatever the size of the lists before it: such cuts (about one
// name in chunkNames) keep the files of a shard from shifting all at once
// when a list grows or a word comes or goes; the files between two cuts
// are cut where they would grow past chunkBytes.
func cutBefore(name string) bool {
	return fnv1a([]byte(name))%chunkNames == 0
}

// chunkNames is the average number of names between two cuts (cutBefore).
const chunkNames = 32

// noFacets is the facet part of a list when the index has none.
var noFacets = []byte{}

func (c *chunk) same(d *chunk) bool {
	if len(c.lists) != len(d.lists) {
		return false
	}
	for i := range c.lists {
		if c.lists[i] != d.lists[i] || !sameBytes(c.encs[i], d.encs[i]) || !sameBytes(c.fencs[i], d.fencs[i]) {
			return false
		}
	}
	return true
}

// sameBytes reports whether a and b are the same slice.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// parallel calls fn(0..n-1) on every CPU.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}
