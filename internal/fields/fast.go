package fields

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastYAML parses the plain YAML that frontmatter is almost always written
// in, and reports false for anything else, which yaml.v3 then parses. When
// it reports true, the tree is the one yaml.v3 makes of data, node for
// node: kinds, styles, tags, values, lines and columns
// (FuzzFastYAML compares the two on every input).
//
// Why it exists: yaml.v3 allocates about 28 KB to parse one module's
// frontmatter, and at 100,000 modules that parse was half the CPU of
// reading the site and a third of all it allocated before rendering
// began. This parser allocates the document's text once and each value
// once; its nodes come from one slab, which Decode reuses.
//
// What it takes, one construct per line, nothing else:
//
//	key: plain value
//	key: "double-quoted value"
//	key: [plain, "quoted", 3]
//	key:
//	  - plain item
//	  - "quoted item"
//
// Keys start at the first column; a block sequence's items all have the
// same indentation. Plain values start with an ASCII letter or digit, and
// those that start with a digit must be a whole number, a decimal number
// or a date. Anything that would need yaml.v3's rules to read — a comment,
// a tab, a line ending in a space, an escape, a quoted value on several
// lines, a nested mapping, a key written twice, true, false, null, a
// number yaml.v3 reads in another base — is left to yaml.v3.
func fastYAML(data []byte) (*yaml.Node, bool) {
	var p fastParser
	return p.parse(data)
}

// fastMaxKeys bounds the keys the fast parser reads (its check for a key
// written twice looks at every key before): frontmatter has a few dozen.
const fastMaxKeys = 100

// fastParsers keep the memory of fastParser for Decode.
var fastParsers = sync.Pool{New: func() any { return new(fastParser) }}

type fastParser struct {
	src     string
	nodes   []yaml.Node  // every node, allocated at once
	ptrs    []*yaml.Node // every Content slice is a piece of it
	entries []fastEntry
	items   []*yaml.Node
}

type fastEntry struct{ key, value *yaml.Node }

// release forgets the last tree, so that a pooled parser keeps none of
// its values alive.
func (p *fastParser) release() {
	clear(p.nodes)
	clear(p.ptrs)
	clear(p.entries)
	clear(p.items)
	p.src = "" // parse starts every slice again
}

// fastCount is the number of nodes fastYAML makes of src, or fewer when
// src is not in its subset (it then declines src when the slab is full).
func fastCount(src string) int {
	n := 2 // the document and its mapping
	for rest := src; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		switch {
		case line == "":
		case line[0] == ' ' || line[0] == '-':
			n++ // an item
		default:
			n += 2 // a key and its value
			if i := strings.Index(line, ": ["); i >= 0 {
				n += strings.Count(line[i:], ",") + 1
			}
		}
	}
	return n
}

// node gives the next node of the slab; nil when it is full, which a
// document in the subset never makes it.
func (p *fastParser) node(kind yaml.Kind, tag string, line, col int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		return nil
	}
	p.nodes = p.nodes[:len(p.nodes)+1]
	n := &p.nodes[len(p.nodes)-1]
	*n = yaml.Node{Kind: kind, Tag: tag, Line: line, Column: col}
	return n
}

// children ends the Content of a node whose children are ptrs[from:].
func (p *fastParser) children(from int) []*yaml.Node {
	if from == len(p.ptrs) {
		return nil
	}
	return p.ptrs[from:len(p.ptrs):len(p.ptrs)]
}

func (p *fastParser) parse(data []byte) (*yaml.Node, bool) {
	if len(data) == 0 || !fastPrintable(data) {
		return nil, false
	}
	p.src = string(data) // keys are slices of it; values are copied out
	p.nodes, p.ptrs = p.nodes[:0], p.ptrs[:0]
	if n := fastCount(p.src); cap(p.nodes) < n {
		p.nodes, p.ptrs = make([]yaml.Node, 0, n), make([]*yaml.Node, 0, n)
	}
	p.entries, p.items = p.entries[:0], p.items[:0]
	var seq *yaml.Node // the block sequence being read, if any
	seqIndent := 0
	endSeq := func() bool {
		if seq == nil {
			return true
		}
		if len(p.items) == 0 {
			return false // "key:" with nothing under it is null: yaml.v3's
		}
		from := len(p.ptrs)
		if from+len(p.items) > cap(p.ptrs) {
			return false
		}
		p.ptrs = append(p.ptrs, p.items...)
		seq.Content = p.children(from)
		seq, p.items = nil, p.items[:0]
		return true
	}
	lineNo := 0
	for rest := p.src; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		lineNo++
		if line == "" {
			continue
		}
		if line[len(line)-1] == ' ' {
			return nil, false
		}
		if line[0] == ' ' || line[0] == '-' {
			// An item of the block sequence under the last key.
			if seq == nil {
				return nil, false
			}
			ind := len(line) - len(strings.TrimLeft(line, " "))
			if line[ind] != '-' || len(line) < ind+3 || line[ind+1] != ' ' {
				return nil, false
			}
			if len(p.items) == 0 {
				seqIndent = ind
				seq.Line, seq.Column = lineNo, ind+1
			} else if ind != seqIndent {
				return nil, false
			}
			at := ind + 2 + len(line[ind+2:]) - len(strings.TrimLeft(line[ind+2:], " "))
			item := p.scalar(line[at:], lineNo, column(line, at), false)
			if item == nil {
				return nil, false
			}
			p.items = append(p.items, item)
			continue
		}
		if !endSeq() {
			return nil, false
		}
		colon := strings.IndexByte(line, ':')
		if colon <= 0 || !fastKey(line[:colon]) {
			return nil, false
		}
		if len(p.entries) == fastMaxKeys {
			return nil, false
		}
		for _, e := range p.entries {
			if e.key.Value == line[:colon] {
				return nil, false // yaml.v3 reports it
			}
		}
		key := p.node(yaml.ScalarNode, "!!str", lineNo, 1)
		if key == nil {
			return nil, false
		}
		key.Value = line[:colon]
		after := line[colon+1:]
		if after == "" {
			seq = p.node(yaml.SequenceNode, "!!seq", 0, 0)
			if seq == nil {
				return nil, false
			}
			p.entries = append(p.entries, fastEntry{key: key, value: seq})
			continue
		}
		if after[0] != ' ' {
			return nil, false
		}
		at := colon + 1 + len(after) - len(strings.TrimLeft(after, " "))
		var value *yaml.Node
		if line[at] == '[' {
			value = p.flow(line, at, lineNo)
		} else {
			value = p.scalar(line[at:], lineNo, column(line, at), false)
		}
		if value == nil {
			return nil, false
		}
		p.entries = append(p.entries, fastEntry{key: key, value: value})
	}
	if !endSeq() || len(p.entries) == 0 {
		return nil, false
	}
	first := p.entries[0].key
	doc := p.node(yaml.DocumentNode, "", first.Line, first.Column)
	m := p.node(yaml.MappingNode, "!!map", first.Line, first.Column)
	if doc == nil || m == nil || len(p.ptrs)+2*len(p.entries)+1 > cap(p.ptrs) {
		return nil, false
	}
	from := len(p.ptrs)
	for _, e := range p.entries {
		p.ptrs = append(p.ptrs, e.key, e.value)
	}
	m.Content = p.children(from)
	from = len(p.ptrs)
	p.ptrs = append(p.ptrs, m)
	doc.Content = p.children(from)
	return doc, true
}

// flow reads a flow sequence that starts at line[at] and ends the line.
func (p *fastParser) flow(line string, at, lineNo int) *yaml.Node {
	if line[len(line)-1] != ']' {
		return nil
	}
	seq := p.node(yaml.SequenceNode, "!!seq", lineNo, column(line, at))
	if seq == nil {
		return nil
	}
	seq.Style = yaml.FlowStyle
	end := len(line) - 1
	i := at + 1
	skip := func() {
		for i < end && line[i] == ' ' {
			i++
		}
	}
	skip()
	from := len(p.ptrs)
	for i < end {
		start := i
		var text string
		if line[i] == '"' {
			j := strings.IndexByte(line[i+1:end], '"')
			if j < 0 {
				return nil
			}
			i += j + 2
			text = line[start:i]
		} else {
			j := strings.IndexByte(line[i:end], ',')
			if j < 0 {
				j = end - i
			}
			i += j
			text = strings.TrimRight(line[start:i], " ")
		}
		item := p.scalar(text, lineNo, column(line, start), true)
		if item == nil {
			return nil
		}
		if len(p.ptrs) == cap(p.ptrs) {
			return nil
		}
		p.ptrs = append(p.ptrs, item)
		skip()
		if i == end {
			break
		}
		if line[i] != ',' {
			return nil
		}
		i++
		skip()
		if i == end {
			return nil // a trailing comma
		}
	}
	seq.Content = p.children(from)
	return seq
}

// scalar reads a whole plain or double-quoted value; nil when yaml.v3
// must read it.
func (p *fastParser) scalar(text string, lineNo, col int, flow bool) *yaml.Node {
	if text == "" {
		return nil
	}
	if text[0] == '"' {
		if len(text) < 2 || text[len(text)-1] != '"' || strings.ContainsAny(text[1:len(text)-1], "\"\\") {
			return nil
		}
		n := p.node(yaml.ScalarNode, "!!str", lineNo, col)
		if n != nil {
			n.Style = yaml.DoubleQuotedStyle
			n.Value = strings.Clone(text[1 : len(text)-1])
		}
		return n
	}
	tag := plainTag(text, flow)
	if tag == "" {
		return nil
	}
	n := p.node(yaml.ScalarNode, tag, lineNo, col)
	if n != nil {
		n.Value = strings.Clone(text)
	}
	return n
}

// plainTag is the tag yaml.v3 resolves a plain value to, or "" when the
// value is one this parser leaves to yaml.v3.
func plainTag(s string, flow bool) string {
	c := s[0]
	letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	if !letter && !('0' <= c && c <= '9') {
		return ""
	}
	if strings.Contains(s, ": ") || s[len(s)-1] == ':' || strings.IndexByte(s, '#') >= 0 {
		return ""
	}
	if flow && !flowText(s) {
		return ""
	}
	if letter {
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL":
			return ""
		}
		return "!!str"
	}
	n := digits(s)
	switch {
	case n == len(s) && n <= 9 && (c != '0' || n == 1):
		return "!!int" // no leading zero: yaml.v3 would read octal
	case n <= 9 && n+1 < len(s) && s[n] == '.':
		if f := digits(s[n+1:]); f == len(s)-n-1 && f <= 9 {
			return "!!float"
		}
	case n == 4 && 5 < len(s) && len(s) <= 10 && s[4] == '-' && dateShape(s[5:]):
		// yaml.v3 reads a date as a timestamp when it parses as one
		if _, err := time.Parse("2006-1-2", s); err == nil {
			return "!!timestamp"
		}
	}
	return ""
}

// flowText: an item of a flow sequence holds only letters, digits,
// spaces and "-_./()": yaml.v3 reads some other characters in a flow
// sequence ("A?]") in ways of its own.
func flowText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= utf8.RuneSelf || strings.IndexByte(" -_./()", c) >= 0) {
			return false
		}
	}
	return true
}

// digits counts the digits that start s.
func digits(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// dateShape: "M-D" with one or two digits each, as "2006-1-2" reads.
func dateShape(s string) bool {
	m := digits(s)
	if m < 1 || m > 2 || m >= len(s) || s[m] != '-' {
		return false
	}
	d := digits(s[m+1:])
	return d >= 1 && d <= 2 && m+1+d == len(s)
}

// fastKey: a key yaml.v3 reads as the same text: letters, digits, "_" and
// "-", starting with a letter or "_", and not true, false or null; and
// short (yaml.v3 refuses a key longer than 1024 characters).
func fastKey(k string) bool {
	if len(k) > 100 {
		return false
	}
	c := k[0]
	if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_') {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return plainTag(k, false) == "!!str"
}

// column is the 1-based column of line[at] as yaml.v3 counts it, in
// characters.
func column(line string, at int) int {
	return utf8.RuneCountInString(line[:at]) + 1
}

// fastPrintable: every character is one yaml.v3 reads as text, and none is
// a tab, a carriage return or a line break other than "\n" (U+0085,
// U+2028, U+2029), which it treats specially.
func fastPrintable(data []byte) bool {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c != '\n' && (c < 0x20 || c > 0x7e) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff,
			0xd800 <= r && r < 0xe000, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}
