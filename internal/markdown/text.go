package markdown

import (
	"bytes"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// appendPlain appends Markdown text v to dst as plain text: backslash
// escapes of punctuation resolved ("\*" -> "*") and HTML entity and numeric
// character references decoded ("&amp;" -> "&", "&#8217;" -> "’"), the way
// a browser shows goldmark's output.
func appendPlain(dst, v []byte) []byte {
	for {
		// Most text has neither: two vectorised scans and one append.
		i := bytes.IndexByte(v, '\\')
		if j := bytes.IndexByte(v, '&'); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			return append(dst, v...)
		}
		dst = append(dst, v[:i]...)
		if v[i] == '\\' {
			if i+1 < len(v) && util.IsPunct(v[i+1]) {
				dst = append(dst, v[i+1])
				v = v[i+2:]
			} else {
				dst = append(dst, '\\')
				v = v[i+1:]
			}
			continue
		}
		if r, n := decodeEntity(v[i:]); n > 0 {
			dst = append(dst, r...)
			v = v[i+n:]
		} else {
			dst = append(dst, '&')
			v = v[i+1:]
		}
	}
}

// decodeEntity decodes the character reference at the start of v ("&amp;",
// "&#233;", "&#xE9;") into UTF-8 and returns it with the length it took,
// or 0 when v does not start with a valid one.
func decodeEntity(v []byte) ([]byte, int) {
	if len(v) < 3 || v[0] != '&' {
		return nil, 0
	}
	if v[1] == '#' {
		i, base := 2, rune(10)
		if i < len(v) && (v[i] == 'x' || v[i] == 'X') {
			i, base = 3, 16
		}
		digits, max := i, 7
		if base == 16 {
			max = 6
		}
		var r rune
		for ; i < len(v) && i-digits < max; i++ {
			d := hexVal(v[i])
			if d < 0 || d >= base {
				break
			}
			r = r*base + d
		}
		if i == digits || i >= len(v) || v[i] != ';' {
			return nil, 0
		}
		if r == 0 || r > utf8.MaxRune || (0xD800 <= r && r <= 0xDFFF) {
			r = utf8.RuneError
		}
		return utf8.AppendRune(nil, r), i + 1
	}
	i := 1
	for i < len(v) && i < 40 && util.IsAlphaNumeric(v[i]) {
		i++
	}
	if i == 1 || i >= len(v) || v[i] != ';' {
		return nil, 0
	}
	e, ok := util.LookUpHTML5EntityByName(util.BytesToReadOnlyString(v[1:i]))
	if !ok {
		return nil, 0
	}
	return e.Characters, i + 1
}

func hexVal(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}
