package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxTokenRunes is the length at which Tokenize cuts a token. Index and query
// cut at the same place, so a long word still matches itself.
const MaxTokenRunes = 32

// foldMap replaces letters that NFKD does not decompose but that readers
// treat as plain letters, after lower-casing. search.js has the same table
// (FOLD_MAP); the browser test compares the two on the same strings.
var foldMap = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d",
	'ł': "l", 'þ': "th", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ς': "σ",
	'\u2019': "'", '\u2018': "'", '\u02bc': "'", '\u2032': "'",
}

// Fold returns s in the form the index stores: compatibility-decomposed
// (NFKD), combining marks removed, lower-cased, and the letters of foldMap
// replaced ("Œdème" -> "oedeme", "ﬁbrose" -> "fibrose"). Fold is idempotent.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	nfkd := norm.NFKD.AppendString(nil, strings.ToValidUTF8(s, "\uFFFD"))
	return string(appendFolded(make([]byte, 0, len(nfkd)), nfkd))
}

// appendFolded appends the text nfkd, which is in NFKD, folded: without
// combining marks, lower-cased, with the letters of foldMap replaced.
func appendFolded(dst, nfkd []byte) []byte {
	for _, r := range string(nfkd) {
		if r < utf8.RuneSelf {
			// ASCII: no marks, nothing in foldMap.
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		if unicode.Is(unicode.M, r) {
			continue
		}
		r = unicode.ToLower(r)
		if m, ok := foldMap[r]; ok {
			dst = append(dst, m...)
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// isWord reports whether r belongs to a token: a letter or a number in any
// script (the same classes as /[\p{L}\p{N}]/u in JavaScript).
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// Tokenize folds s and splits it into words: runs of letters and numbers.
// An apostrophe between two letters joins them ("Parkinson's" ->
// "parkinsons", "O’Brien" -> "obrien"); every other character separates
// ("syringe-driver" -> "syringe", "driver"). Tokens longer than
// MaxTokenRunes are cut. Stop words are kept: the index and the query decide
// what to do with them.
func Tokenize(s string) []string {
	var out []string
	eachToken(s, func(tok []byte) { out = append(out, string(tok)) })
	return out
}

// Classes of bytes for the fast path of eachToken.
const (
	byteSep  = iota // ASCII other than letters, digits and ': separates tokens
	byteWord        // ASCII letter or digit
	byteApos        // ': joins two word characters
	byteHigh        // part of a non-ASCII character (or of invalid UTF-8)
)

var byteClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = byteHigh
		case c == '\'':
			t[c] = byteApos
		case isWord(rune(c)):
			t[c] = byteWord
		}
	}
	return t
}()

// asciiLower maps the ASCII letters and digits to lower case, and every
// other byte to 0.
var asciiLower = func() (t [256]byte) {
	for c := range utf8.RuneSelf {
		if isWord(rune(c)) {
			t[c] = byte(unicode.ToLower(rune(c)))
		}
	}
	return t
}()

// eachToken calls fn for each token of Tokenize(s). The slice passed to fn
// is reused: fn must copy what it keeps.
func eachToken(s string, fn func([]byte)) {
	new(tokenizer).each(s, fn)
}

// tokenizer is eachToken with a token buffer that lives from call to call
// (an analysing goroutine keeps one in its scratch).
type tokenizer struct {
	buf    [4 * MaxTokenRunes]byte // the current token (UTF-8: up to 4 bytes a rune)
	hash   uint32                  // fnv1a of the token fn is called with, made as it is copied
	iter   *norm.Iter              // fold path: decomposes a piece of text
	nfkd   []byte                  // fold path: the piece decomposed
	folded []byte                  // fold path: the piece folded
}

// each is eachToken. Tokenize(s) is by definition the tokens of Fold(s),
// but folding all of s is slow (NFKD, then table searches for every rune),
// and text that is ASCII but for typographer's quotes and a few accented
// names would pay for it in full. So each works on s itself: it lower-cases
// ASCII tokens as it copies them, and folds only the pieces of s that hold
// non-ASCII bytes (fold), from the start of their token to the next ASCII
// separator.
//
// The tokens are the same because folding is local. NFKD decomposes each
// rune on its own, then reorders runs of characters of nonzero combining
// class, which are all combining marks (TestFoldIsLocal) that Fold drops;
// the rest of Fold (marks, lower case, foldMap) works rune by rune; and
// strings.ToValidUTF8 replaces runs of invalid bytes, which never include
// an ASCII byte. So Fold(s) is the concatenation of the folded pieces and
// of the rest of s lower-cased. A piece starts where a token starts and
// ends at an ASCII separator (byteSep), which ends every token and joins
// nothing, so the pieces split into the same tokens as the whole.
func (t *tokenizer) each(s string, fn func([]byte)) {
	n := len(s)
	for i := 0; i < n; {
		switch byteClass[s[i]] {
		case byteSep, byteApos:
			// No word before it: an apostrophe separates.
			i++
			continue
		case byteHigh:
			i = t.fold(s, i, fn)
			continue
		}
		// An ASCII token starts at i: copy it to t.buf, lower-cased and
		// cut at MaxTokenRunes bytes, joining words at apostrophes.
		start, buf, m, h := i, t.buf[:MaxTokenRunes], 0, uint32(fnvOffset)
		for {
			for ; i < n; i++ {
				c := asciiLower[s[i]]
				if c == 0 {
					break
				}
				if m < len(buf) {
					buf[m] = c
					m++
					h = (h ^ uint32(c)) * fnvPrime
				}
			}
			if i == n {
				break
			}
			c, next := byteClass[s[i]], uint8(byteSep)
			if i+1 < n {
				next = byteClass[s[i+1]]
			}
			if c == byteApos && next == byteWord {
				i++ // an apostrophe between two word characters joins them
				continue
			}
			if c == byteHigh || c == byteApos && next == byteHigh {
				// A non-ASCII character may fold to a letter (é), or to
				// an apostrophe (’) that joins: fold the token.
				i, m = t.fold(s, start, fn), 0
			}
			break
		}
		if m > 0 {
			t.hash = h
			fn(buf[:m])
		}
	}
}

// fold is the slow path of each: it calls fn for the tokens of the piece
// of s from start, where a token starts, to the next ASCII separator, and
// returns the end of the piece.
func (t *tokenizer) fold(s string, start int, fn func([]byte)) int {
	end := start
	for end < len(s) && byteClass[s[end]] != byteSep {
		end++
	}
	// Fold(s[start:end]), with buffers that last. norm.Iter makes the same
	// NFKD as Fold's norm.NFKD.String but for where it puts the U+034F
	// that breaks runs of over 30 combining marks, which folding drops,
	// and it does not allocate on every call.
	if t.iter == nil {
		t.iter = new(norm.Iter)
	}
	t.iter.InitString(norm.NFKD, strings.ToValidUTF8(s[start:end], "\uFFFD"))
	t.nfkd = t.nfkd[:0]
	for !t.iter.Done() {
		t.nfkd = append(t.nfkd, t.iter.Next()...)
	}
	t.folded = appendFolded(t.folded[:0], t.nfkd)
	t.eachFolded(t.folded, fn)
	return end
}

// eachFolded is eachToken for text that is already folded.
func (t *tokenizer) eachFolded(f []byte, fn func([]byte)) {
	buf := t.buf[:0]
	n := 0 // runes in buf
	word := false
	for i, r := range string(f) {
		switch {
		case isWord(r):
			if n < MaxTokenRunes {
				buf = utf8.AppendRune(buf, r)
				n++
			}
			word = true
		case r == '\'' && word && nextIsWord(f[i+1:]):
			// joined: drop the apostrophe, keep the word going
		default:
			if len(buf) > 0 {
				t.hash = fnv1a(buf)
				fn(buf)
				buf, n = buf[:0], 0
			}
			word = false
		}
	}
	if len(buf) > 0 {
		t.hash = fnv1a(buf)
		fn(buf)
	}
}

func nextIsWord(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return isWord(r)
}

// stopWords are left out of the index. In a query they are optional: they
// add to a score when they prefix-match a word (the reader may be typing
// "the" on the way to "therapy") but never exclude a result.
var stopWords = []string{
	"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from",
	"has", "have", "he", "her", "his", "if", "in", "into", "is", "it", "its",
	"of", "on", "or", "she", "so", "than", "that", "the", "their", "them",
	"then", "there", "these", "they", "this", "those", "to", "was", "were",
	"which", "who", "will", "with",
}

var stopSet = func() map[string]bool {
	m := make(map[string]bool, len(stopWords))
	for _, w := range stopWords {
		m[w] = true
	}
	return m
}()

// contentTokens tokenizes s and drops stop words.
func contentTokens(s string) []string {
	var out []string
	eachToken(s, func(tok []byte) {
		if !stopSet[string(tok)] {
			out = append(out, string(tok))
		}
	})
	return out
}
