package search

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"unicode"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/markdown"
)

// scratch is the working memory of one analysing goroutine, kept from doc
// to doc so that a word seen before costs one hash-table probe and no
// allocation. The table is open addressing over slots, keyed by the
// token's FNV-1a hash and bytes (faster here than a Go map, which hashes
// and compares the key again on every access).
type scratch struct {
	tok   tokenizer
	table []int32 // slot index + 1; 0 = empty; len is a power of 2
	slots []termSlot
	used  []int32  // slots the current doc uses
	codes []uint32 // the current doc's term codes
	sortb []uint32 // sortCodes's second buffer
	buf   []byte   // ... written as docEntry.terms
	meta  []byte   // the current doc's meta entry, kept as a copy of its size
	stamp int32    // the current doc, for termSlot.stamp
	// entries are where the entries of an index that spills (a one-off
	// build's) are made, entryChunk at a time: the collector marks
	// pointers into one large array for much less than pointers to as
	// many objects of their own (see slab in package site's readDocs).
	// An index that lives on (serve) makes each entry on its own, so
	// that one replaced entry does not keep its neighbours' text.
	entries []docEntry
}

const entryChunk = 256

// entry returns a new docEntry, from the scratch's chunk when chunked.
func (sc *scratch) entry(chunked bool) *docEntry {
	if !chunked {
		return new(docEntry)
	}
	if len(sc.entries) == 0 {
		sc.entries = make([]docEntry, entryChunk)
	}
	e := &sc.entries[0]
	sc.entries = sc.entries[1:]
	return e
}

type termSlot struct {
	term  string
	hash  uint32
	id    uint32 // term id in the Index
	stop  bool   // a stop word: never indexed
	stamp int32  // the doc count and field belong to
	count uint32
	field uint8
}

func newScratch() *scratch {
	sc := &scratch{table: make([]int32, 1<<13)}
	for _, w := range stopWords {
		i := sc.find([]byte(w), fnv1a([]byte(w)))
		sc.insert(i, termSlot{term: w, hash: fnv1a([]byte(w)), stop: true})
	}
	return sc
}

// The 32-bit FNV-1a parameters.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnv1a(b []byte) uint32 {
	h := uint32(fnvOffset)
	for _, c := range b {
		h ^= uint32(c)
		h *= fnvPrime
	}
	return h
}

// find returns the table position of tok: its slot, or the empty place
// where it belongs.
func (sc *scratch) find(tok []byte, h uint32) int {
	mask := len(sc.table) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := sc.table[i]
		if s == 0 {
			return i
		}
		if sl := &sc.slots[s-1]; sl.hash == h && sl.term == string(tok) {
			return i
		}
	}
}

// insert adds a slot at an empty table position returned by find, and
// returns its slot index.
func (sc *scratch) insert(pos int, sl termSlot) int32 {
	sc.slots = append(sc.slots, sl)
	idx := int32(len(sc.slots))
	sc.table[pos] = idx
	if 2*len(sc.slots) > len(sc.table) { // keep the table at most half full
		old := sc.table
		sc.table = make([]int32, 2*len(old))
		mask := len(sc.table) - 1
		for _, s := range old {
			if s == 0 {
				continue
			}
			i := int(sc.slots[s-1].hash) & mask
			for sc.table[i] != 0 {
				i = (i + 1) & mask
			}
			sc.table[i] = s
		}
	}
	return idx - 1
}

// analyse turns a Doc into its terms (with where they occur) and its meta
// entry. It only reads d and o, so docs can be analysed in parallel, each
// goroutine with its own scratch; intern must be safe for concurrent use.
//
// With a spill, the terms and meta entry are written to it rather than
// kept in the entry.
func analyse(d Doc, o *normOptions, sc *scratch, intern func(string) uint32, sp *spill) *docEntry {
	sc.stamp++
	sc.used = sc.used[:0]
	add := func(s string, field uint8) {
		sc.tok.each(s, func(tok []byte) {
			h := sc.tok.hash // fnv1a(tok), made as the token was copied
			pos := sc.find(tok, h)
			var i int32
			if s := sc.table[pos]; s != 0 {
				i = s - 1
			} else {
				t := string(tok)
				i = sc.insert(pos, termSlot{term: t, hash: h, id: intern(t)})
			}
			ts := &sc.slots[i]
			if ts.stop {
				return
			}
			if ts.stamp != sc.stamp {
				ts.stamp, ts.count, ts.field = sc.stamp, 1, field
				sc.used = append(sc.used, i)
				return
			}
			ts.count++
			ts.field = max(ts.field, field)
		})
	}
	add(d.Title, fieldTitle)
	for _, k := range d.Keywords {
		add(k, fieldTitle)
	}
	add(d.Summary, fieldSummary)
	for _, t := range d.Topics {
		add(label(o, content.FacetTopic, t), fieldCallout)
	}
	if d.Format != "" {
		add(label(o, content.FacetFormat, d.Format), fieldCallout)
	}
	for _, s := range d.Sections {
		add(s.Heading, fieldHeading)
		switch {
		case s.Callout == "":
			add(s.Text, fieldBody)
		case isKeyPoints(s.Callout):
			add(s.Text, fieldSummary)
		default:
			add(s.Text, fieldCallout)
		}
	}
	// Keep what ranking and facets need; the text is in the terms now.
	e := sc.entry(sp != nil)
	*e = docEntry{
		doc: Doc{URL: d.URL, Title: d.Title, Level: d.Level, Format: d.Format, Topics: d.Topics,
			Audiences: d.Audiences, Weight: d.Weight},
		ftitle: Fold(d.Title),
		nterms: len(sc.used),
	}
	sc.codes = sc.codes[:0]
	for _, i := range sc.used {
		ts := &sc.slots[i]
		sc.codes = append(sc.codes, ts.id<<5|termCodeOf(ts.field, ts.count))
	}
	sc.sortb = sortCodes(sc.codes, sc.sortb)
	sc.buf = sc.buf[:0]
	prev := uint32(0)
	for _, c := range sc.codes {
		sc.buf = binary.AppendUvarint(sc.buf, uint64(c-prev))
		prev = c
	}
	sc.meta = metaEntry(sc.meta[:0], &d)
	if sp != nil && sp.put(e, sc.buf, sc.meta) {
		return e
	}
	// Kept until the index files are made: copies of their own size,
	// not buffers grown by doubling, which held a third more on a large
	// site.
	e.terms = slices.Clone(sc.buf)
	e.meta = bytes.Clone(sc.meta)
	return e
}

// sortCodes sorts a doc's term codes, with tmp as working memory, and
// returns tmp for the next call. A doc has hundreds of codes; slices.Sort
// took a quarter of analyse's time on them (about 13 µs for 400), where a
// radix sort, a byte of the code at a time, takes about 2 µs. A few codes
// are sorted by slices.Sort, for which the sort's tables cost more.
func sortCodes(a, tmp []uint32) []uint32 {
	if len(a) < 64 {
		slices.Sort(a)
		return tmp
	}
	if cap(tmp) < len(a) {
		tmp = make([]uint32, len(a))
	}
	var bits uint32
	for _, v := range a {
		bits |= v
	}
	src, dst := a, tmp[:len(a)]
	for shift := uint(0); shift < 32 && bits>>shift != 0; shift += 8 {
		var at [256]int32 // where the next code with each byte goes
		for _, v := range src {
			at[byte(v>>shift)]++
		}
		n := int32(0)
		for i, c := range at {
			at[i] = n
			n += c
		}
		for _, v := range src {
			d := byte(v >> shift)
			dst[at[d]] = v
			at[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
	return tmp
}

// repeated is the number of occurrences from which a word counts as
// repeated in a doc (a small ranking bonus).
const repeated = 4

// termCodeOf is the code of a term in a doc: field<<1 | 1 if repeated.
func termCodeOf(field uint8, count uint32) uint32 {
	c := uint32(field) << 1
	if count >= repeated {
		c |= 1
	}
	return c
}

// isKeyPoints reports whether a section is the key-points callout, which
// ranks like the summary.
func isKeyPoints(kind string) bool { return kind == markdown.CalloutKeyPoints }

func label(o *normOptions, facet, id string) string {
	if l, ok := o.labels[facet][id]; ok && l != "" {
		return l
	}
	return id
}

// snippetRunes is the length of the fallback snippet of a doc without a
// summary.
const snippetRunes = 200

// metaEntry is the start of the JSON array a meta shard holds for one doc:
// [url, title, snippet, [anchor, heading, anchor, heading, ...] (the
// format and the closing bracket depend on the other docs: encodeMeta),
// appended to b.
func metaEntry(b []byte, d *Doc) []byte {
	b = append(b, '[')
	b = appendString(b, d.URL)
	b = append(b, ',')
	b = appendString(b, d.Title)
	b = append(b, ',')
	snippet := collapseSpace(d.Summary)
	if snippet == "" {
		for _, s := range d.Sections {
			if t := collapseSpace(s.Text); t != "" {
				snippet = cutWords(t, snippetRunes)
				break
			}
		}
	}
	b = appendString(b, snippet)
	b = append(b, ",["...)
	var seen []string
	for _, s := range d.Sections {
		if s.Anchor == "" || slices.Contains(seen, s.Anchor) {
			continue
		}
		if len(seen) > 0 {
			b = append(b, ',')
		}
		seen = append(seen, s.Anchor)
		b = appendString(b, s.Anchor)
		b = append(b, ',')
		b = appendString(b, collapseSpace(s.Heading))
	}
	return append(b, ']')
}

// collapseSpace is strings.Join(strings.Fields(s), " "), without a copy
// when s has no space to collapse (the usual case).
func collapseSpace(s string) string {
	space := true // before s: a leading space is collapsed
	for _, r := range s {
		if !unicode.IsSpace(r) {
			space = false
			continue
		}
		if r != ' ' || space {
			return strings.Join(strings.Fields(s), " ")
		}
		space = true
	}
	if space && s != "" {
		return strings.Join(strings.Fields(s), " ") // a trailing space
	}
	return s
}

// cutWords shortens s to at most n runes, at a space, adding "…".
func cutWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n
	for i := n; i > n/2; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,;:.") + "…"
}
