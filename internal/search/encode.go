package search

import (
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/cmesite/cmesite/internal/content"
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

// qrBit marks, in the code of a posting, a doc that is a quick-reference
// card (its score counts 1.5 times): the postings are all a query reads
// about every doc it finds. A small index lists the cards in the manifest
// instead (layout.qrBits), which costs less than a bit in every posting.
const qrBit = 16

// encodePostings writes a list's postings: for each doc, in id order,
// (gap-1)*2 + hasCode, then the code if it is not 0 (body, fewer than 4
// times, not a card). The gap of the first doc is its id + 1.
func (x *Index) encodePostings(posts []posting) []byte {
	b := make([]byte, 0, len(posts)+8)
	prev := int32(-1)
	for _, p := range posts {
		v := int(p.doc()-prev-1) * 2
		prev = p.doc()
		code := int(p.code())
		if x.lay.qrBits && x.byID[p.doc()].qr {
			code |= qrBit
		}
		if code != 0 {
			b = appendV64(b, v+1)
			b = appendV64(b, code)
			continue
		}
		b = appendV64(b, v)
	}
	return b
}

// listFacets are the facets a facet part or group holds: all but the
// level, which the doc id tells (docs are in level order).
var listFacets = func() []string {
	var fs []string
	for _, f := range facetNames {
		if f != content.FacetLevel {
			fs = append(fs, f)
		}
	}
	return fs
}()

// appendFacets appends the facets of docs n docs, whose ids id gives:
// for each facet of listFacets a v64 list of the value of each doc
// (docFacets); the lists are separated by ".".
func (x *Index) appendFacets(b []byte, n int, id func(i int) int) []byte {
	for k := range listFacets {
		if k > 0 {
			b = append(b, '.')
		}
		t := &x.ftab[k]
		for i := range n {
			d := id(i)
			b = append(b, t.data[t.off[d]:t.off[d+1]]...)
		}
	}
	return b
}

// facetTable holds each doc's value of one facet of listFacets, as
// docFacets encodes it, by doc id: a large index's lists read them
// millions of times, from two flat arrays rather than from each doc.
type facetTable struct {
	off  []uint32 // doc id d's value is data[off[d]:off[d+1]]
	data []byte
}

// flattenFacets makes x.ftab from the docs' facets; after any change to
// them or to the ids.
func (x *Index) flattenFacets() {
	x.ftab = make([]facetTable, len(listFacets))
	for k := range x.ftab {
		t := &x.ftab[k]
		t.off = make([]uint32, len(x.byID)+1)
		for d, e := range x.byID {
			t.data = append(t.data, e.facets[k]...)
			t.off[d+1] = uint32(len(t.data))
		}
	}
}

// maskValues is the size of the largest facet whose values a doc's value
// is a bit mask of (1<<index of each value it has); the value of a doc in
// a larger facet is the number of its values and their indexes. Masks
// compress best, and every mask of maskValues bits is a v64 number both
// sides read exactly.
const maskValues = 45

// docFacets encodes a doc's value of each facet of listFacets (for
// appendFacets): indexes into the manifest's list of the facet's values.
func (x *Index) docFacets(e *docEntry) {
	var ids []int
	var buf [1]string
	e.facets = make([][]byte, len(listFacets))
	for k, f := range listFacets {
		fpos := x.facetPos[f]
		ids = ids[:0]
		for _, id := range facetIDs(&e.doc, f, buf[:0]) {
			if p, ok := fpos[id]; ok && !slices.Contains(ids, p) {
				ids = append(ids, p)
			}
		}
		var b []byte
		if len(x.facetVals[f]) <= maskValues {
			mask := 0
			for _, p := range ids {
				mask |= 1 << p
			}
			b = appendV64(make([]byte, 0, 2), mask)
		} else {
			b = appendV64(make([]byte, 0, 1+len(ids)), len(ids))
			for _, p := range ids {
				b = appendV64(b, p)
			}
		}
		e.facets[k] = b
	}
}

// encodeListFacets writes the facet part of a list: the facets of its docs
// when it has at most half the docs, else the docs it does not have (a v64
// list of id gaps, as in postings), ":" and their facets.
func (x *Index) encodeListFacets(posts []posting) []byte {
	n := len(x.byID)
	if 2*len(posts) <= n {
		return x.appendFacets(make([]byte, 0, 4*len(posts)+4), len(posts), func(i int) int { return int(posts[i].doc()) })
	}
	out := make([]int, 0, n-len(posts))
	j := 0
	for d := range n {
		if j < len(posts) && int(posts[j].doc()) == d {
			j++
			continue
		}
		out = append(out, d)
	}
	b := make([]byte, 0, 6*len(out)+4)
	prev := -1
	for _, d := range out {
		b = appendV64(b, d-prev-1)
		prev = d
	}
	b = append(b, ':')
	return x.appendFacets(b, len(out), func(i int) int { return out[i] })
}

// encodeStrings writes a JSON array of strings that need no escaping.
func encodeStrings(ss [][]byte) file {
	n := 3
	for _, s := range ss {
		n += len(s) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, s...)
		b = append(b, '"')
	}
	b = append(b, ']', '\n')
	return file{b, fileHash(b)}
}

// encodeDict writes a shard's dictionary: {"names": [...], "chunks":
// "..."}: the names of its lists in order (terms, and prefixes with "*"
// for merged lists) and, as a v64 list, how many of them each posting file
// holds.
func encodeDict(lists []*list, chunks []chunk) file {
	n := 32
	for _, l := range lists {
		n += len(l.name) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, `{"names":[`...)
	for i, l := range lists {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, l.name)
	}
	b = append(b, `],"chunks":"`...)
	for _, c := range chunks {
		b = appendV64(b, len(c.lists))
	}
	b = append(b, "\"}\n"...)
	return file{b, fileHash(b)}
}

// encode re-encodes the dirty shards and groups, and the manifest.
func (x *Index) encode() {
	for k, s := range x.keys {
		packed := s.dirty
		if packed {
			// For FinalTo, pack gives the posting files as it makes them.
			x.pack(k, s)
			x.changed = true
		}
		if x.final != nil && len(s.terms) > 0 {
			if packed {
				x.final("search/t/"+termFileName(k)+".json", s.dict.data)
			} else {
				x.shardFiles(k, s, x.final)
			}
			s.dict.data = nil
			for i := range s.chunks {
				s.chunks[i].post.data, s.chunks[i].facet.data = nil, nil
			}
		}
	}
	for k, s := range x.keys {
		if len(s.terms) == 0 {
			delete(x.keys, k)
		}
	}
	x.sendMetas()
	if x.encodeGroups("g", x.fgroups, x.lay.facetGroup, x.encodeFacetGroup) {
		x.facetVer = groupsVersion(x.fgroups)
		x.changed = true
	}
	if x.changed {
		x.encodeManifest()
		x.changed = false
	}
}

// sendMetas encodes the dirty meta groups (for FinalTo, gives them).
func (x *Index) sendMetas() {
	if x.encodeGroups("m", x.metas, x.lay.metaGroup, x.encodeMeta) {
		x.metaVer = groupsVersion(x.metas)
		x.changed = true
	}
}

// encodeGroups encodes the dirty groups of docs (files dir/<n>.json) and
// reports whether there were any.
func (x *Index) encodeGroups(dir string, gs []*group, size int, enc func(lo, hi int) []byte) bool {
	any := false
	for i, g := range gs {
		if !g.dirty {
			continue
		}
		b := enc(i*size, min((i+1)*size, len(x.byID)))
		g.out = file{b, fileHash(b)}
		g.dirty = false
		any = true
	}
	if x.final != nil {
		groupFiles(dir, gs, x.final)
		for _, g := range gs {
			g.out.data = nil
		}
	}
	return any
}

// groupsVersion is the version of a set of groups: search.js fetches every
// group as "<file>?v=<version>", so that the manifest stays small however
// many groups there are.
func groupsVersion(gs []*group) string {
	b := make([]byte, 0, 8*len(gs))
	for _, g := range gs {
		b = append(b, g.out.hash...)
	}
	return fileHash(b)
}

// encodeMeta writes a meta file: for each doc, [url, title, snippet,
// [anchor, heading, ...], format index or -1].
func (x *Index) encodeMeta(lo, hi int) []byte {
	n := 2
	for _, e := range x.byID[lo:hi] {
		n += e.metaSize() + 8
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, e := range x.byID[lo:hi] {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = x.appendMeta(b, e)
		b = append(b, ',')
		f, ok := x.facetPos[content.FacetFormat][e.doc.Format]
		if !ok {
			f = -1
		}
		b = appendInt(b, f)
		b = append(b, ']')
	}
	return append(b, ']', '\n')
}

// encodeFacetGroup writes a facet group: the facets of its docs as one
// JSON string (appendFacets).
func (x *Index) encodeFacetGroup(lo, hi int) []byte {
	b := make([]byte, 0, 8*(hi-lo)+8)
	b = append(b, '"')
	b = x.appendFacets(b, hi-lo, func(i int) int { return lo + i })
	return append(b, '"', '\n')
}

// facetValues lists a facet's value ids in display order: the vocabulary
// order, then labelled ids not in it, then ids only docs use (use: how
// many docs have each id), each sorted.
func (x *Index) facetValues(f string, use map[string]int) []string {
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
	for id, n := range use {
		if n > 0 && !seen[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		addVal(id)
	}
	return vals
}

// facetIDs returns the value ids a doc has for a facet, each once.
func facetIDs(d *Doc, f string, buf []string) []string {
	var ids []string
	switch f {
	case content.FacetLevel:
		return append(buf, d.Level)
	case content.FacetFormat:
		return append(buf, d.Format)
	case content.FacetTopic:
		ids = d.Topics
	default:
		ids = d.Audiences
	}
	for i, id := range ids {
		if slices.Contains(ids[:i], id) { // rare: a value listed twice
			var once []string
			for _, id := range ids {
				if !slices.Contains(once, id) {
					once = append(once, id)
				}
			}
			return once
		}
	}
	return ids
}

// appendPerValue appends a JSON object {facet: [item, ...], ...} for these
// facets, with one item per value of the facet, in display order: the
// manifest's "facets" (id and label) and "counts" (docs with it).
func (x *Index) appendPerValue(b []byte, facets []string, item func(b []byte, f, id string) []byte) []byte {
	b = append(b, '{')
	for i, f := range facets {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f)
		b = append(b, ":["...)
		for j, id := range x.facetVals[f] {
			if j > 0 {
				b = append(b, ',')
			}
			b = item(b, f, id)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// manifestVersion changes when the format of the files changes.
const manifestVersion = 2

// encodeManifest writes index.json.
func (x *Index) encodeManifest() {
	b := make([]byte, 0, 4096+24*len(x.keys))
	b = append(b, `{"version":`...)
	b = appendInt(b, manifestVersion)
	b = append(b, `,"docs":`...)
	b = appendInt(b, len(x.byID))
	b = append(b, `,"termKey":`...)
	b = appendInt(b, x.lay.keyLen)
	b = append(b, `,"metaGroup":`...)
	b = appendInt(b, x.lay.metaGroup)
	b = append(b, `,"facetGroup":`...)
	b = appendInt(b, x.lay.facetGroup)
	b = append(b, `,"listFacets":`...)
	b = strconv.AppendBool(b, x.lay.listFacets)
	b = append(b, `,"levels":[`...)
	for i, s := range x.levelStarts {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendInt(b, s)
	}
	b = append(b, ']')
	if !x.lay.qrBits {
		b = append(b, `,"qr":"`...)
		prev := -1
		for _, e := range x.byID {
			if e.qr {
				b = appendV64(b, e.id-prev-1)
				prev = e.id
			}
		}
		b = append(b, '"')
	}
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
	b = append(b, "],\n\"lay\":["...)
	for i, g := range layGroups {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendStrings(b, g[0])
		b = append(b, ',')
		b = appendStrings(b, g[1])
		b = append(b, ']')
	}
	b = append(b, "],\n\"filler\":"...)
	b = appendStrings(b, fillerWords)
	b = append(b, ",\n\"facets\":"...)
	b = x.appendPerValue(b, facetNames, func(b []byte, f, id string) []byte {
		return appendStrings(b, []string{id, label(&x.opts, f, id)})
	})
	b = append(b, ",\n\"counts\":"...)
	b = x.appendPerValue(b, listFacets, func(b []byte, f, id string) []byte {
		return appendInt(b, x.facetUse[f][id])
	})
	b = append(b, ",\n\"files\":{\"meta\":"...)
	b = appendString(b, x.metaVer)
	b = append(b, `,"facets":`...)
	b = appendString(b, x.facetVer)
	b = append(b, `,"terms":{`...)
	keys := make([]string, 0, len(x.keys))
	for k := range x.keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, x.keys[k].version)
	}
	b = append(b, "}}}\n"...)
	x.manifest = file{b, fileHash(b)}
}
