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
	s = norm.NFKD.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.M, r) {
			continue
		}
		r = unicode.ToLower(r)
		if m, ok := foldMap[r]; ok {
			b.WriteString(m)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
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

// asciiWord marks the ASCII bytes that belong to tokens.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWord(rune(c))
	}
	return t
}()

// eachToken calls fn for each token of Tokenize(s). The slice passed to fn
// is reused: fn must copy what it keeps.
func eachToken(s string, fn func([]byte)) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			eachFoldedToken(Fold(s), fn)
			return
		}
	}
	// ASCII: fold (lower-case) while splitting, without a copy of s.
	var arr [MaxTokenRunes]byte
	buf := arr[:0]
	n := len(s)
	for i := 0; i < n; {
		for i < n && !asciiWord[s[i]] {
			i++
		}
		if i == n {
			break
		}
		buf = buf[:0]
		for {
			j := i
			for j < n && asciiWord[s[j]] {
				j++
			}
			k := min(j, i+MaxTokenRunes-len(buf))
			start := len(buf)
			buf = append(buf, s[i:k]...)
			for x := start; x < len(buf); x++ {
				if c := buf[x]; 'A' <= c && c <= 'Z' {
					buf[x] = c + 'a' - 'A'
				}
			}
			// An apostrophe between two word characters joins them.
			if j+1 < n && s[j] == '\'' && asciiWord[s[j+1]] {
				i = j + 1
				continue
			}
			i = j
			break
		}
		fn(buf)
	}
}

// eachFoldedToken is eachToken for a string that is already folded.
func eachFoldedToken(f string, fn func([]byte)) {
	var buf []byte
	n := 0 // runes in buf
	word := false
	for i := 0; i < len(f); {
		r, size := rune(f[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(f[i:])
		}
		switch {
		case isWord(r):
			if n < MaxTokenRunes {
				buf = utf8.AppendRune(buf, r)
				n++
			}
			word = true
		case r == '\'' && word && i+1 < len(f) && nextIsWord(f[i+1:]):
			// joined: drop the apostrophe, keep the word going
		default:
			if len(buf) > 0 {
				fn(buf)
				buf, n = buf[:0], 0
			}
			word = false
		}
		i += size
	}
	if len(buf) > 0 {
		fn(buf)
	}
}

func nextIsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
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
