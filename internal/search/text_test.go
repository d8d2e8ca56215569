package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
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
		"it's'", "'a", "a''b", strings.Repeat("Ab", 20) + "'cd e", "x" + strings.Repeat("y", 31) + "'z q"} {
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
		// The ASCII fast path splits as the general one does.
		var general []string
		eachFoldedToken(folded, func(tok []byte) { general = append(general, string(tok)) })
		if !slices.Equal(general, toks) {
			t.Fatalf("fast path %q, general path %q for %q", toks, general, s)
		}
	})
}
