package search

import (
	"cmp"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// v64 is the alphabet of the compact number lists in the index files. A
// number is written in groups of 5 bits, lowest group first; a group is one
// character: alphabet[group] for the last group of a number, alphabet[32+group]
// for a group that has more groups after it. All 64 characters are safe
// inside a JSON string without escaping.
const v64 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"

var v64val = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(v64); i++ {
		t[v64[i]] = int8(i)
	}
	return t
}()

// appendV64 appends n (>= 0) to b.
func appendV64(b []byte, n int) []byte {
	for n >= 32 {
		b = append(b, v64[32+n&31])
		n >>= 5
	}
	return append(b, v64[n])
}

var errV64 = errors.New("damaged number list")

// v64Reader reads numbers written by appendV64.
type v64Reader struct {
	s   string
	pos int
}

func (r *v64Reader) more() bool { return r.pos < len(r.s) }

func (r *v64Reader) next() (int, error) {
	n, shift := 0, 0
	for r.pos < len(r.s) {
		c := v64val[r.s[r.pos]]
		r.pos++
		if c < 0 || shift > 45 {
			return 0, errV64
		}
		if c < 32 {
			return n | int(c)<<shift, nil
		}
		n |= int(c-32) << shift
		shift += 5
	}
	return 0, errV64
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// U+2028 and U+2029 are escaped so the file is also valid JavaScript.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		// Copy a run of plain ASCII (most of the text) at once.
		j := i
		for j < len(s) && jsonPlain[s[j]] {
			j++
		}
		b = append(b, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&15])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// jsonPlain marks the bytes appendString copies as they are: ASCII that
// needs no escape.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendInt(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

// fileHash is the cache-busting version of a file: the manifest lists it and
// search.js fetches the file as "<name>?v=<hash>", so a browser never mixes
// a new manifest with an old cached shard.
func fileHash(b []byte) string {
	return fmt.Sprintf("%08x", crc32.Checksum(b, castagnoli))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// termFileName is the file name (without directory and ".json") of the term
// shard for key: the key itself when it is plain ASCII letters and digits,
// "_" for the single shard of a small site, otherwise "_" and the hex bytes of
// its UTF-8 (search.js computes the same).
func termFileName(key string) string {
	if key == "" {
		return "_"
	}
	plain := true
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return key
	}
	return fmt.Sprintf("_%x", key)
}

// encodePostings writes a term's posting list: for each doc, in id order,
// (gap-1)*2 + hasCode, then the code if it is not 0 (body, fewer than 4
// times). The gap
// of the first doc is its id + 1.
func encodePostings(b []byte, posts []posting) []byte {
	prev := int32(-1)
	for _, p := range posts {
		v := int(p.doc-prev-1) * 2
		prev = p.doc
		if p.code != 0 {
			b = appendV64(b, v+1)
			b = appendV64(b, int(p.code))
			continue
		}
		b = appendV64(b, v)
	}
	return b
}

// encode re-encodes the dirty shards, docs.json and the manifest.
func (x *Index) encode() {
	for _, s := range x.tshards {
		if !s.dirty {
			continue
		}
		n := 2
		for _, t := range s.terms {
			te := x.termList[x.termIDs[t]]
			if te.enc == nil {
				te.enc = encodePostings(make([]byte, 0, len(te.posts)+8), te.posts)
			}
			n += len(t) + len(te.enc) + 6
		}
		b := make([]byte, 0, n)
		b = append(b, '[')
		for i, t := range s.terms {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, t...) // letters and numbers only: nothing to escape
			b = append(b, `","`...)
			b = append(b, x.termList[x.termIDs[t]].enc...)
			b = append(b, '"')
		}
		b = append(b, ']', '\n')
		s.out = file{b, fileHash(b)}
		s.dirty = false
		x.changed = true
	}
	for i, s := range x.mshards {
		if !s.dirty {
			continue
		}
		lo, hi := i*x.group, min((i+1)*x.group, len(x.urls))
		n := 2
		for _, u := range x.urls[lo:hi] {
			n += len(x.docs[u].meta) + 2
		}
		b := make([]byte, 0, n)
		b = append(b, '[')
		for j, u := range x.urls[lo:hi] {
			if j > 0 {
				b = append(b, ",\n"...)
			}
			b = append(b, x.docs[u].meta...)
		}
		b = append(b, ']', '\n')
		s.out = file{b, fileHash(b)}
		s.dirty = false
		x.changed = true
	}
	if x.docsDirty {
		x.encodeDocs()
		x.docsDirty = false
		x.changed = true
	}
	if x.changed {
		x.encodeManifest()
		x.changed = false
	}
}

// facetValues lists a facet's value ids in display order: the vocabulary
// order, then labelled ids not in it, then ids only docs use, each sorted.
func (x *Index) facetValues(f string, docs []*docEntry) []string {
	var vals []string
	seen := map[string]bool{}
	addVal := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			vals = append(vals, id)
		}
	}
	for _, id := range x.opts.order[f] {
		addVal(id)
	}
	var extra []string
	for id := range x.opts.labels[f] {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		addVal(id)
	}
	extra = extra[:0]
	var buf [1]string
	for _, e := range docs {
		for _, id := range facetOf(&e.doc, f, buf[:0]) {
			if !seen[id] && !slices.Contains(extra, id) {
				extra = append(extra, id)
			}
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		addVal(id)
	}
	return vals
}

func facetOf(d *Doc, f string, buf []string) []string {
	switch f {
	case "level":
		return append(buf, d.Level)
	case "format":
		return append(buf, d.Format)
	case "topic":
		return d.Topics
	default:
		return d.Audiences
	}
}

// encodeDocs writes docs.json: {"rank": ..., "level": ..., ...}. rank holds
// each doc's place in tie order (level, weight, title, URL); each facet
// holds, per doc, the number of its values and their indexes in the
// manifest's facet list. All are v64 number lists in doc id order.
func (x *Index) encodeDocs() {
	docs := make([]*docEntry, len(x.urls))
	for i, u := range x.urls {
		docs[i] = x.docs[u]
	}
	// The facet lists change only when some doc's facets do, or docs come
	// or go; a retitled doc changes the rank alone.
	if x.facetsDirty || x.facetPart == nil {
		x.encodeFacets(docs)
		x.facetsDirty = false
	}
	levels := make(map[string]int, len(x.facetVals["level"]))
	for i, id := range x.facetVals["level"] {
		levels[id] = i
	}
	type tie struct {
		level, weight int
		ftitle, title string
		id            int
	}
	ties := make([]tie, len(docs))
	for i, e := range docs {
		lv, ok := levels[e.doc.Level]
		if !ok {
			lv = len(levels)
		}
		ties[i] = tie{lv, e.doc.Weight, e.ftitle, e.doc.Title, i}
	}
	slices.SortFunc(ties, func(a, b tie) int {
		// Returns at the first difference: cmp.Or would compare the titles
		// of every pair.
		if a.level != b.level {
			return cmp.Compare(a.level, b.level)
		}
		if a.weight != b.weight {
			return cmp.Compare(a.weight, b.weight)
		}
		if c := strings.Compare(a.ftitle, b.ftitle); c != 0 {
			return c
		}
		if c := strings.Compare(a.title, b.title); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	rank := make([]int, len(docs))
	for r, t := range ties {
		rank[t.id] = r
	}
	b := make([]byte, 0, 4*len(docs)+len(x.facetPart)+16)
	b = append(b, `{"rank":"`...)
	for _, r := range rank {
		b = appendV64(b, r)
	}
	b = append(b, '"')
	b = append(b, x.facetPart...)
	b = append(b, '}', '\n')
	x.docsFile = file{b, fileHash(b)}
}

// encodeFacets finds each facet's values and encodes, per facet, the
// values of every doc: the part of docs.json after the rank.
func (x *Index) encodeFacets(docs []*docEntry) {
	x.facetVals = map[string][]string{}
	pos := map[string]map[string]int{}
	for _, f := range facetNames {
		x.facetVals[f] = x.facetValues(f, docs)
		pos[f] = map[string]int{}
		for i, id := range x.facetVals[f] {
			pos[f][id] = i
		}
	}
	b := make([]byte, 0, 12*len(docs)+100)
	var ids []int // reused from doc to doc
	var buf [1]string
	for _, f := range facetNames {
		b = append(b, ',', '"')
		b = append(b, f...)
		b = append(b, `":"`...)
		fpos := pos[f]
		for _, e := range docs {
			ids = ids[:0]
			for _, id := range facetOf(&e.doc, f, buf[:0]) {
				if p, ok := fpos[id]; ok && !slices.Contains(ids, p) {
					ids = append(ids, p)
				}
			}
			b = appendV64(b, len(ids))
			for _, p := range ids {
				b = appendV64(b, p)
			}
		}
		b = append(b, '"')
	}
	x.facetPart = b
}

// manifestVersion changes when the format of the files changes.
const manifestVersion = 1

// encodeManifest writes index.json.
func (x *Index) encodeManifest() {
	b := make([]byte, 0, 4096+24*(len(x.tshards)+len(x.mshards)))
	b = append(b, `{"version":`...)
	b = appendInt(b, manifestVersion)
	b = append(b, `,"docs":`...)
	b = appendInt(b, len(x.urls))
	b = append(b, `,"termKey":`...)
	b = appendInt(b, x.keyLen)
	b = append(b, `,"metaGroup":`...)
	b = appendInt(b, x.group)
	b = append(b, ",\n\"stop\":"...)
	b = appendStrings(b, stopWords)
	b = append(b, ",\n\"spell\":["...)
	for i, p := range spellingStems {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStrings(b, p[:])
	}
	b = append(b, "],\n\"syn\":["...)
	for i, g := range x.opts.synonyms {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStrings(b, g)
	}
	b = append(b, "],\n\"facets\":{"...)
	for i, f := range facetNames {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f)
		b = append(b, ":["...)
		for j, id := range x.facetVals[f] {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendStrings(b, []string{id, label(&x.opts, f, id)})
		}
		b = append(b, ']')
	}
	b = append(b, "},\n\"files\":{\"docs\":"...)
	b = appendString(b, x.docsFile.hash)
	b = append(b, ",\"terms\":{"...)
	keys := make([]string, 0, len(x.tshards))
	for k := range x.tshards {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, x.tshards[k].out.hash)
	}
	b = append(b, "},\"meta\":["...)
	for i, s := range x.mshards {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s.out.hash)
	}
	b = append(b, "]}}\n"...)
	x.manifest = file{b, fileHash(b)}
}
