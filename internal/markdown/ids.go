package markdown

import (
	"bytes"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

// ids makes the element ids of one document (goldmark's parser.IDs).
//
// Heading ids are slugs of the heading's plain text, the way GitHub makes
// them, so authors can guess anchors: letters and digits of any script,
// lower-cased; '-' and '_' kept; spaces become '-'; everything else is
// dropped. "Übelkeit & Erbrechen" -> "übelkeit--erbrechen". Duplicates get
// "-1", "-2", ...; a heading without letters or digits gets "heading". The
// same text always gives the same id.
//
// goldmark's own slugger works on the raw Markdown line (so a link's URL
// or "&amp;" ends up in the id) and drops every non-ASCII letter. So while
// parsing, Generate only marks a heading as wanting an id and Put reserves
// custom ids ({#id}); the document walk then slugs each heading's plain
// text in document order, around every custom id of the document.
type ids struct {
	used map[string]string // id -> itself, so the walk gets strings without copying
	next map[string]int    // base id -> the suffix to try next
	buf  []byte
	// parsing defers heading ids to the walk.
	parsing bool
}

var _ parser.IDs = (*ids)(nil)

func (s *ids) reset() {
	if s.used == nil {
		s.used = make(map[string]string, 32)
		s.next = make(map[string]int)
	}
	clear(s.used)
	clear(s.next)
	s.parsing = true
}

// Generate implements parser.IDs. While parsing it returns nil for a
// heading: the walk gives it its id.
func (s *ids) Generate(value []byte, kind ast.NodeKind) []byte {
	if s.parsing && kind == ast.KindHeading {
		return nil
	}
	return []byte(s.generate(value, kind))
}

// generate returns a new unique id made from value.
func (s *ids) generate(value []byte, kind ast.NodeKind) string {
	value = bytes.Trim(value, " \t")
	b := s.buf[:0]
	for i := 0; i < len(value); {
		c := value[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
				b = append(b, c)
			case 'A' <= c && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c == ' ' || c == '\t' || c == '\n':
				b = append(b, '-')
			}
			continue
		}
		r, n := utf8.DecodeRune(value[i:])
		i += n
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	if len(b) == 0 {
		if kind == ast.KindHeading {
			b = append(b, "heading"...)
		} else {
			b = append(b, "id"...)
		}
	}
	id := string(b)
	if _, dup := s.used[id]; dup {
		base := id
		n := max(s.next[base], 1)
		for ; ; n++ {
			id = string(strconv.AppendInt(append(b, '-'), int64(n), 10))
			if _, dup := s.used[id]; !dup {
				break
			}
		}
		s.next[base] = n + 1
	}
	s.buf = b[:0]
	s.used[id] = id
	return id
}

// str returns id as a string, without a copy when it was generated or put.
func (s *ids) str(id []byte) string {
	if v, ok := s.used[string(id)]; ok {
		return v
	}
	return string(id)
}

// Put implements parser.IDs: it reserves a custom id ({#id}).
func (s *ids) Put(value []byte) {
	id := string(value)
	s.used[id] = id
}
