package search

import (
	"slices"
	"strings"
)

// layTerms is the built-in vocabulary of a GP's everyday words: what a GP,
// a nurse or a carer types at the bedside, and the words guidance uses for
// it. It is the one list of lay and colloquial terms; British/American
// spellings are in spellingStems, true synonyms in builtinSynonyms, and a
// site adds its own groups (Options.Synonyms, "synonyms" in cmesite.yaml).
//
// Each entry leads one way: a query word or phrase that is one of Says
// also searches every Means (at the synonym weight), but a query for a
// Means word is left alone, so "subcutaneous" or "sedation" rank exactly
// as they did before the lay words came. Multi-word terms are phrases: the
// query must hold their words in a row ("water tablets"); stop words in
// them are dropped ("unable to swallow" is "unable swallow"), and an
// apostrophe joins ("can't" is "cant"), so "can't swallow" and "cant
// swallow" are the same. Terms are folded like index text (lower case, no
// accents).
var layTerms = []struct{ Says, Means []string }{
	{[]string{"fits", "fitting", "fit"}, []string{"seizure", "seizures", "convulsion", "convulsions"}},
	{[]string{"water tablets", "water tablet", "water pills"}, []string{"diuretic", "diuretics", "furosemide"}},
	{[]string{"bed sores", "bedsores", "bed sore", "pressure sores", "pressure sore"}, []string{"pressure ulcer", "pressure ulcers", "pressure area", "pressure areas", "skin care"}},
	{[]string{"cant swallow", "cannot swallow", "can not swallow", "unable to swallow", "not swallowing", "difficulty swallowing",
		"stopped swallowing", "cant swallow tablets", "cannot swallow tablets", "unable to swallow tablets", "cant swallow medicines",
		"cant swallow meds", "cant take tablets", "cannot take tablets", "unable to take tablets", "cant take medicines",
		"cant take meds", "not taking tablets", "oral route lost", "nil by mouth"},
		[]string{"subcutaneous", "syringe driver", "csci", "oral route"}},
	{[]string{"swallowing"}, []string{"dysphagia", "oral route"}},
	{[]string{"tummy", "belly", "stomach ache", "tummy ache"}, []string{"abdominal", "abdomen"}},
	{[]string{"being sick", "throwing up", "sick", "sickness", "vomit"}, []string{"vomiting", "nausea"}},
	{[]string{"short of breath", "shortness of breath", "breathless", "out of breath", "cant breathe", "cannot breathe",
		"struggling to breathe", "puffed"}, []string{"breathlessness", "dyspnoea"}},
	{[]string{"confused", "confusion", "muddled", "not making sense"}, []string{"delirium"}},
	{[]string{"agitated", "restless", "restlessness", "distressed"}, []string{"agitation", "terminal agitation"}},
	{[]string{"constipated", "bunged up", "not opened bowels", "bowels not open", "blocked up"}, []string{"constipation", "laxative", "laxatives"}},
	{[]string{"drowsy", "drowsiness", "sleepy", "very sleepy"}, []string{"sedation", "sedated"}},
	{[]string{"pain killers", "painkillers", "painkiller", "pain relief"}, []string{"analgesia", "analgesic", "analgesics", "opioid", "opioids"}},
	{[]string{"rattle", "rattly", "rattling", "chesty", "gurgling"}, []string{"death rattle", "respiratory secretions"}},
	{[]string{"dying", "last days", "last hours", "end of life", "near death", "deathbed", "actively dying"},
		[]string{"last days of life", "dying phase", "terminal phase"}},
	{[]string{"passed away", "has died", "just died", "expected death"}, []string{"care after death", "verification of death"}},
	{[]string{"dry lips", "sore mouth", "mouth ulcers"}, []string{"mouth care", "dry mouth", "oral thrush"}},
	{[]string{"bleed out", "bleeding out", "big bleed", "massive bleed"}, []string{"catastrophic bleeding", "haemorrhage"}},
	{[]string{"back pain and weak legs", "weak legs", "legs gone weak", "cant walk"}, []string{"spinal cord compression", "mscc"}},
	{[]string{"swollen face", "puffy face"}, []string{"superior vena cava obstruction", "svco"}},
	{[]string{"morphine overdose", "too much morphine", "opioid overdose", "pinpoint pupils"}, []string{"opioid toxicity"}},
	{[]string{"swelling", "swollen legs", "swollen ankles", "fluid on the legs"}, []string{"oedema"}},
	{[]string{"not eating", "off food", "stopped eating", "not drinking", "stopped drinking", "drip", "fluids"},
		[]string{"hydration", "clinically assisted hydration", "nutrition"}},
	{[]string{"pump", "syringe pump", "driver", "pump alarm", "pump alarming", "driver alarm", "alarms", "alarming", "beeping"},
		[]string{"syringe driver", "syringe driver problems"}},
	{[]string{"jic", "jic meds", "just in case meds", "just in case drugs", "emergency box", "anticipatory meds"},
		[]string{"just in case medicines", "anticipatory prescribing"}},
	{[]string{"ring the team", "phone the team", "call for help", "get help"},
		[]string{"call the team", "when to call"}},
	{[]string{"hospice team", "palliative team", "macmillan nurse", "specialist nurse"}, []string{"palliative home care team", "specialist palliative care"}},
	{[]string{"do not resuscitate", "not for resus", "not for resuscitation", "dnr form"}, []string{"dnacpr", "resuscitation decisions"}},
	{[]string{"living will"}, []string{"advance decision", "advance care planning"}},
	{[]string{"family row", "family argument", "family disagree", "relatives disagree"}, []string{"family disagreement", "family meeting"}},
	{[]string{"wants to die", "wish to die", "help me die", "end it all"}, []string{"request to die", "requests to hasten death", "euthanasia"}},
	{[]string{"how long", "how long left", "time left"}, []string{"prognosis"}},
	{[]string{"burnt out", "burned out", "stressed"}, []string{"burnout", "self care"}},
	{[]string{"grieving family", "after the death"}, []string{"bereavement", "grief"}},
}

// fillerWords are the words of natural phrasing ("what to do when…", "how
// do I…", "patient can't swallow…") that say little about what the reader
// wants. Unlike stop words they are indexed, so a query made of them still
// finds a module named with them ("when to call" finds "When to call the
// team"), and they take part in phrases ("do not resuscitate"); but in a
// query they are optional and score weightFiller percent, so they order
// results without excluding any or outranking the words that matter. The
// last word of a query still being typed counts as a stop word does
// ("do" on the way to "dose").
var fillerWords = []string{
	"what", "how", "when", "why", "where", "do", "does", "did", "doing", "done", "i", "im", "me", "my",
	"we", "our", "us", "you", "your", "can", "could", "should", "would", "must", "may", "might",
	"need", "want", "get", "got", "about", "please", "tell", "find", "know", "give", "make", "now",
	"today", "tonight", "just", "still", "very", "really", "some", "any", "all", "one", "someone",
	"patient", "patients", "pt", "person", "man", "woman", "been", "being", "had", "having", "also",
	"after", "before", "during", "while", "again", "here", "way", "best", "good",
}

// layGroups is layTerms as the manifest holds it: each side's terms as
// space-joined tokens without stop words ("unable swallow").
var layGroups = func() [][2][]string {
	var out [][2][]string
	side := func(terms []string) []string {
		var alts []string
		for _, a := range terms {
			if t := strings.Join(contentTokens(a), " "); t != "" && !slices.Contains(alts, t) {
				alts = append(alts, t)
			}
		}
		return alts
	}
	for _, e := range layTerms {
		out = append(out, [2][]string{side(e.Says), side(e.Means)})
	}
	return out
}()
