package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Breathlessness", "breathlessness"},
		{"oedème", "oedeme"},
		{"ŒDÈME", "oedeme"},
		{"Œdème", "oedeme"},
		{"oe\u0301deme", "oedeme"}, // decomposed accent
		{"Straße", "strasse"},
		{"ﬁbrose", "fibrose"}, // ligature
		{"Ｍｏｒｐｈｉｎｅ", "morphine"},
		{"Søren Łukasz Þór", "soren lukasz thor"},
		{"İstanbul", "istanbul"},
		{"ΟΔΥΣΣΕΥΣ", "οδυσσευσ"}, // final sigma folds like any sigma
		{"O’Brien", "o'brien"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	long := strings.Repeat("a", 40)
	tests := []struct {
		in   string
		want []string
	}{
		{"Breathlessness at home", []string{"breathlessness", "at", "home"}},
		{"syringe-driver", []string{"syringe", "driver"}},
		{"Parkinson's disease", []string{"parkinsons", "disease"}},
		{"O’Brien’s patient", []string{"obriens", "patient"}},
		{"'quoted' words'", []string{"quoted", "words"}},
		{"rock'n'roll", []string{"rocknroll"}},
		{"a''b", []string{"a", "b"}},
		{"2.5 mg/kg, 24h", []string{"2", "5", "mg", "kg", "24h"}},
		{"Œdème des membres inférieurs", []string{"oedeme", "des", "membres", "inferieurs"}},
		{"SOB!!! <img src=x onerror=alert(1)>", []string{"sob", "img", "src", "x", "onerror", "alert", "1"}},
		{"🫁 breathing 😮‍💨", []string{"breathing"}},
		{"e-learning (CME)", []string{"e", "learning", "cme"}},
		{long + " x", []string{long[:MaxTokenRunes], "x"}},
		{"  \t\n", nil},
		{"", nil},
		{"日本語 テキスト", []string{"日本語", "テキスト"}},
	}
	for _, tt := range tests {
		if got := Tokenize(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSpellingVariants(t *testing.T) {
	pairs := spellingStems
	tests := []struct {
		in   string
		want []string
	}{
		{"dyspnea", []string{"dyspnoea"}},
		{"dyspnoea", []string{"dyspnea"}},
		{"hemorrhagic", []string{"haemorrhagic"}},
		{"oesophageal", []string{"esophageal"}},
		{"programmes", []string{"programs"}},
		{"programs", []string{"programmes"}},
		{"counselling", []string{"counseling"}},
		{"enrollment", []string{"enrolment"}},
		{"enrolment", []string{"enrollment"}},
		{"catheterisation", []string{"catheterization"}},
		{"tumours", []string{"tumors"}},
		{"morphine", nil},
		{"analysis", nil}, // not "analyzis": analyse is listed as a whole word
	}
	for _, tt := range tests {
		if got := spellingVariants(tt.in, pairs); !slices.Equal(got, tt.want) {
			t.Errorf("spellingVariants(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Every pair is folded, and no side is empty.
	for _, p := range pairs {
		for _, side := range p {
			if side == "" || Fold(side) != side || len(Tokenize(side)) != 1 {
				t.Errorf("spelling pair %q: %q is not one folded word", p, side)
			}
		}
	}
}

// FuzzTokenize checks that tokenizing never panics, that folding is
// idempotent, and that tokens are stable: tokenizing the tokens again gives
// the same tokens.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Breathlessness", "oedème", "Parkinson's", "ﬁ", "İ", "ẞ", "ΣΑΣ", "a'b'c", "\xff\xfe", "日本", "x\u0301\u0302",
		"it's'", "'a", "a''b", strings.Repeat("Ab", 20) + "'cd e", "x" + strings.Repeat("y", 31) + "'z q",
		"the patient’s “plan” — Müller's café", "ab'’c", "é'b", "a'\u0301b", "x\xe2\x80y'\xffz", "Ｏ’Ｂ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		folded := Fold(s)
		if again := Fold(folded); again != folded {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, folded, again)
		}
		toks := Tokenize(s)
		for _, tok := range toks {
			if tok == "" || utf8.RuneCountInString(tok) > MaxTokenRunes || !utf8.ValidString(tok) {
				t.Fatalf("bad token %q from %q", tok, s)
			}
			for _, r := range tok {
				if !isWord(r) {
					t.Fatalf("token %q from %q has non-word rune %q", tok, s, r)
				}
			}
		}
		if again := Tokenize(strings.Join(toks, " ")); !slices.Equal(again, toks) {
			t.Fatalf("Tokenize not stable: %q -> %q -> %q", s, toks, again)
		}
		if !slices.Equal(Tokenize(folded), toks) {
			t.Fatalf("Tokenize(Fold(s)) != Tokenize(s) for %q", s)
		}
		// Each token comes with its hash (analyse's table key).
		var tk tokenizer
		tk.each(s, func(tok []byte) {
			if tk.hash != fnv1a(tok) {
				t.Fatalf("token %q of %q: hash %#x, fnv1a %#x", tok, s, tk.hash, fnv1a(tok))
			}
		})
		// The ASCII fast path splits as the general one does.
		var general []string
		new(tokenizer).eachFolded([]byte(folded), func(tok []byte) { general = append(general, string(tok)) })
		if !slices.Equal(general, toks) {
			t.Fatalf("fast path %q, general path %q for %q", toks, general, s)
		}
	})
}

// TestTokenizeFastPath compares eachToken, which folds only the pieces of
// its input around non-ASCII characters, with tokenizing the folded input,
// on random strings made of the pieces that meet at those boundaries.
func TestTokenizeFastPath(t *testing.T) {
	pieces := []string{"a", "B", "z", "7", "'", "'", " ", ".", "-", "’", "‘", "“", "”", "—", "é", "E\u0301",
		"\u0301", "\u0327\u0301", "ß", "ẞ", "ﬁ", "½", "Ａ", "İ", "Σ", "ς", "\u00a0", "…", "\xff", "\xe2\x80",
		"日", "🫁", "\u02bc", "\u2032", "Œ", "ᾇ", strings.Repeat("x", 30), strings.Repeat("\u0316\u0301", 20)}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		var b strings.Builder
		for k := rng.IntN(12); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		var fast, general []string
		var tk tokenizer
		tk.each(s, func(tok []byte) {
			if tk.hash != fnv1a(tok) {
				t.Fatalf("%q: token %q has hash %#x, fnv1a %#x", s, tok, tk.hash, fnv1a(tok))
			}
			fast = append(fast, string(tok))
		})
		new(tokenizer).eachFolded([]byte(Fold(s)), func(tok []byte) { general = append(general, string(tok)) })
		if !slices.Equal(fast, general) {
			t.Fatalf("%q: eachToken %q, tokens of Fold %q", s, fast, general)
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	pieces := []string{"a", "é", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x85", "\xc2\x85", "\xff", "-"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100_000 {
		var b strings.Builder
		for k := rng.IntN(8); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestFoldIsLocal checks what the fast path of eachToken relies on (see
// tokenizer.each): every character that NFKD may reorder (nonzero
// canonical combining class) is a combining mark, which Fold drops. A new
// Unicode version in golang.org/x/text or in Go could break it.
func TestFoldIsLocal(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if utf8.ValidRune(r) && norm.NFKD.PropertiesString(string(r)).CCC() != 0 && !unicode.Is(unicode.M, r) {
			t.Errorf("%U has combining class %d but is not a mark", r, norm.NFKD.PropertiesString(string(r)).CCC())
		}
	}
}
