package search

import (
	"slices"
	"strings"
	"testing"
)

func fixtureSearcher(t testing.TB) *Searcher {
	t.Helper()
	s, err := NewSearcher(memLoader(fixtureIndex().Files()))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// urls lists the URLs of the complete hits (with #anchor when there is
// one), then "|" and the partial ones.
func urls(t testing.TB, s *Searcher, q string, filters map[string][]string) []string {
	t.Helper()
	res, err := s.Search(q, filters, 100)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var out []string
	for i, h := range res.Hits {
		if i == res.Complete {
			out = append(out, "|")
		}
		u := h.URL
		if h.Anchor != "" {
			u += "#" + h.Anchor
		}
		out = append(out, u)
	}
	return out
}

func TestSearchFinds(t *testing.T) {
	s := fixtureSearcher(t)
	tests := []struct {
		name, q string
		first   string // the first hit
		also    []string
	}{
		{"prefix", "breathl", "cards/breathlessness-crisis/", []string{"symptoms/breathlessness/"}},
		{"two letters", "br", "cards/breathlessness-crisis/", nil},
		{"abbreviation synonym", "SOB", "cards/breathlessness-crisis/", []string{"symptoms/breathlessness/", "symptoms/dyspnoea-copd/"}},
		// The card matches through a synonym and still comes first (quick
		// reference); the spelling variant beats the synonym otherwise.
		{"American spelling", "dyspnea", "cards/breathlessness-crisis/", []string{"symptoms/dyspnoea-copd/", "symptoms/breathlessness/"}},
		{"typo", "breathlesness", "cards/breathlessness-crisis/", []string{"symptoms/breathlessness/"}},
		{"typo ph/f", "morfine", "pain/morphine-titration/", nil},
		{"typo transposition", "morhpine", "pain/morphine-titration/", nil},
		{"multi-word synonym", "syringe driver", "medication/csci/", []string{"pain/morphine-titration/#converting-to-subcutaneous"}},
		{"hyphenated", "syringe-driver", "medication/csci/", nil},
		{"abbreviation to phrase", "CSCI", "medication/csci/", nil},
		{"phrase to abbreviation", "continuous subcutaneous infusion", "medication/csci/", nil},
		{"start of a phrase", "just in case", "last-days/anticipatory-prescribing/", nil},
		{"ACP", "acp", "planning/advance-care-planning/", nil},
		{"MSCC", "MSCC", "emergencies/spinal-cord-compression/", nil},
		{"British from American", "hemorrhage", "emergencies/catastrophic-haemorrhage/", nil},
		{"accent folding", "oedeme", "symptoms/oedema/", nil},
		{"accent folding upper case", "ŒDÈME", "symptoms/oedema/", nil},
		{"keyword", "oramorph", "pain/morphine-titration/", nil},
		{"heading deep link", "non-drug measures", "symptoms/breathlessness/#non-drug-measures", nil},
		{"apostrophe", "parkinson's", "communication/breaking-bad-news/", nil},
		{"topic label", "heart failure", "symptoms/oedema/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := urls(t, s, tt.q, nil)
			if len(got) == 0 || got[0] != tt.first {
				t.Fatalf("%q: first hit %q, want %q (all: %q)", tt.q, first(got), tt.first, got)
			}
			for _, u := range tt.also {
				if !slices.Contains(got, u) {
					t.Errorf("%q: %q missing from %q", tt.q, u, got)
				}
			}
		})
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func TestSearchNothing(t *testing.T) {
	s := fixtureSearcher(t)
	for _, q := range []string{"", "   ", "xyzzy", "🫁😮‍💨", "b", "the", strings.Repeat("(.*+?[", 2000)} {
		res, err := s.Search(q, nil, 10)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if len(res.Hits) != 0 {
			t.Errorf("Search(%.40q) = %d hits, want none", q, len(res.Hits))
		}
	}
}

func TestRanking(t *testing.T) {
	s := fixtureSearcher(t)
	tests := []struct {
		q    string
		want []string
	}{
		// The quick-reference card first, then title matches (basic before
		// specialist), then a synonym in the title, then body mentions.
		{"breathlessness", []string{"cards/breathlessness-crisis/", "symptoms/breathlessness/", "symptoms/dyspnoea-copd/"}},
		// AND before OR: two docs name both words (the card first); the
		// others match one word and come after the "|".
		{"morphine breathlessness", []string{"cards/breathlessness-crisis/", "symptoms/breathlessness/#low-dose-morphine", "|"}},
		// Ties (all in body text once): basic before specialist, then the
		// lower weight, then the title.
		{"handover", []string{"medication/csci/", "symptoms/breathlessness/", "pain/morphine-titration/", "symptoms/dyspnoea-copd/"}},
		// Title beats heading beats body (the cards count 2.5 times:
		// 250 for a body match).
		{"morphine", []string{"pain/morphine-titration/", "symptoms/breathlessness/#low-dose-morphine", "cards/breathlessness-crisis/", "pain/opioid-conversion/"}},
		// A summary match (300) of a card beats a body match (100).
		{"midazolam", []string{"emergencies/catastrophic-haemorrhage/", "cards/breathlessness-crisis/"}},
	}
	for _, tt := range tests {
		got := urls(t, s, tt.q, nil)
		if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
			t.Errorf("%q: got %q, want it to start with %q", tt.q, got, tt.want)
		}
	}
}

func TestFacets(t *testing.T) {
	s := fixtureSearcher(t)
	res, err := s.Search("breathlessness", map[string][]string{"level": {"specialist"}}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.URL)
	}
	if !slices.Equal(got, []string{"symptoms/dyspnoea-copd/"}) {
		t.Errorf("level=specialist: %q", got)
	}
	// Level counts ignore the level selection (so the reader sees what
	// switching gives); format counts follow it.
	counts := func(f string) map[string]int {
		m := map[string]int{}
		for _, v := range res.Facets[f] {
			m[v.ID] = v.Count
		}
		return m
	}
	if c := counts("level"); c["basic"] != 2 || c["specialist"] != 1 {
		t.Errorf("level counts %v", c)
	}
	if c := counts("format"); c["e-learning"] != 1 || c["quick-reference"] != 0 {
		t.Errorf("format counts %v", c)
	}
	// OR within a facet, AND across facets.
	res, _ = s.Search("morphine", map[string][]string{"format": {"quick-reference", "small-group"}, "level": {"basic"}}, 10)
	got = got[:0]
	for _, h := range res.Hits {
		got = append(got, h.URL)
	}
	if !slices.Equal(got, []string{"cards/breathlessness-crisis/"}) {
		t.Errorf("format=quick-reference|small-group, level=basic: %q", got)
	}
}

func TestParseQuerySynonyms(t *testing.T) {
	s := fixtureSearcher(t)
	alts := func(q string) []string {
		var out []string
		for _, c := range s.parseQuery(q) {
			var as []string
			for _, a := range c.alts {
				as = append(as, strings.Join(a.tokens, "+")+"@"+itoa(a.weight))
			}
			if c.optional {
				as = append(as, "optional")
			}
			out = append(out, strings.Join(as, ","))
		}
		return out
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"sob", []string{"sob@100,breathlessness@90,dyspnoea@90,shortness+breath@90"}},
		{"dyspnea", []string{"dyspnea@100,dyspnoea@95,breathlessness@90,sob@90,shortness+breath@90"}},
		{"shortness of breath", []string{"shortness+breath@100,breathlessness@90,dyspnoea@90,sob@90"}},
		{"shortness of bre", []string{"shortness+breath@100,breathlessness@90,dyspnoea@90,sob@90"}},
		{"just in case", []string{"just+case@100,just+case+medicines@90,anticipatory+prescribing@90"}},
		{"dysp", []string{"dysp@100,breathlessness@50,dyspnoea@50,sob@50,shortness+breath@50"}},
		{"dysp ", []string{"dysp@100"}},
		{"paracetamol", []string{"paracetamol@100,acetaminophen@90"}},
		{"care of the", []string{"care@100", "the@100,optional"}},
		{"care of the ", []string{"care@100"}},
	}
	for _, tt := range tests {
		if got := alts(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("parseQuery(%q):\n got %q\nwant %q", tt.q, got, tt.want)
		}
	}
}

func TestWithin1(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"morphine", "morphine", true},
		{"morphne", "morphine", true},
		{"morphinee", "morphine", true},
		{"morpine", "morphine", true},
		{"mrophine", "morphine", true},
		{"morphien", "morphine", true},
		{"morfine", "morphine", false},
		{"mrophien", "morphine", false},
		{"abc", "abcde", false},
	}
	for _, tt := range tests {
		if got := within1([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("within1(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
	if typoQuality("morfine", "morphine") != qualityTypo || typoQuality("breathlesn", "breathlessness") != qualityTypoPrefix {
		t.Error("typoQuality")
	}
}

// FuzzSearch runs arbitrary queries against the fixture index: no panic,
// no error, hits sorted with complete ones first.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"breathl", "SOB", "shortness of br", "morfine", "the", "a b c d e f g h i j k l", "ŒDÈME", "x\u0301", "just in case"} {
		f.Add(q)
	}
	files := fixtureIndex().Files()
	f.Fuzz(func(t *testing.T, q string) {
		s, err := NewSearcher(memLoader(files))
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Search(q, nil, 5)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for i, h := range res.Hits {
			if h.Complete != (i < res.Complete) {
				t.Fatalf("Search(%q): complete hits are not first", q)
			}
		}
	})
}

// TestLayWordsAndFiller: a GP's everyday words find the guidance's words
// (one way), and filler words neither exclude results nor need to match.
func TestLayWordsAndFiller(t *testing.T) {
	s := fixtureSearcher(t)
	complete := func(q string) []string {
		u := urls(t, s, q, nil)
		if i := slices.Index(u, "|"); i >= 0 {
			u = u[:i]
		}
		return u
	}
	for _, q := range []string{"can't swallow", "cant swallow", "unable to swallow", "patient can't swallow tablets", "can’t swallow"} {
		if got := complete(q); len(got) == 0 || got[0] != "medication/csci/" {
			t.Errorf("%q: complete hits %q; want medication/csci/ first", q, got)
		}
	}
	if got := complete("bleeding out"); !slices.Equal(got, []string{"emergencies/catastrophic-haemorrhage/"}) {
		t.Errorf("bleeding out: %q", got)
	}
	// One way: the lay word leads to the clinical word, not back.
	hasAlt := func(q, alt string) bool {
		for _, c := range s.parseQuery(q) {
			for _, a := range c.alts {
				if strings.Join(a.tokens, " ") == alt {
					return true
				}
			}
		}
		return false
	}
	if !hasAlt("fits", "seizures") || !hasAlt("water tablets", "diuretics") || !hasAlt("tummy", "abdominal") {
		t.Error("a lay word does not search its clinical words")
	}
	if hasAlt("seizures", "fits") || hasAlt("subcutaneous", "cant swallow") || hasAlt("sedation", "drowsy") {
		t.Error("a clinical word searches lay words")
	}
	// Filler words are optional: they never exclude a result.
	if got, want := complete("patient syringe driver"), complete("syringe driver"); !slices.Equal(got, want) {
		t.Errorf("patient syringe driver: %q; syringe driver: %q", got, want)
	}
	if got := complete("how do I set up a CSCI"); len(got) == 0 || got[0] != "medication/csci/" {
		t.Errorf("how do I set up a CSCI: %q", got)
	}
	// A query of filler words alone still finds what names them.
	if got := complete("when"); len(got) == 0 {
		t.Error("when: nothing found")
	}
	// The word being typed may be on its way somewhere else ("do" -> "dose"):
	// it scores in full, as a stop word being typed does.
	for _, c := range s.parseQuery("morphine do") {
		if c.optional && c.alts[0].weight != weightTyped {
			t.Errorf("morphine do: the last word weighs %d", c.alts[0].weight)
		}
	}
	for _, c := range s.parseQuery("do morphine") {
		if c.optional && c.alts[0].weight != weightFiller {
			t.Errorf("do morphine: the filler word weighs %d", c.alts[0].weight)
		}
	}
}
