package search

// A small curriculum for the ranking, golden and browser tests. The words
// are chosen so that each doc is found only through the rule under test:
// the CSCI module never says "syringe driver", the COPD module only says
// "dyspnoea", the haemorrhage card only has British spellings.

var fixtureOptions = Options{
	Synonyms: [][]string{
		{"breathlessness", "dyspnoea", "SOB", "shortness of breath"},
		{"syringe driver", "CSCI", "continuous subcutaneous infusion"},
		{"just in case medicines", "anticipatory prescribing"},
		{"ACP", "advance care planning"},
		{"MSCC", "spinal cord compression"},
	},
	Labels: map[string]map[string]string{
		"level":  {"basic": "Basic", "specialist": "Specialist"},
		"format": {"e-learning": "E-learning", "quick-reference": "Quick reference", "small-group": "Small group"},
		"topic": {"breathlessness": "Breathlessness", "pain": "Pain", "opioids": "Opioids", "syringe-driver": "Syringe driver",
			"emergencies": "Emergencies", "advance-care-planning": "Advance care planning", "last-days-of-life": "Last days of life",
			"communication": "Communication", "heart-failure": "Heart failure"},
		"audience": {"gp": "GP", "home-care-nurse": "Home-care nurse", "pharmacist": "Pharmacist"},
	},
	Order: map[string][]string{
		"level":    {"basic", "specialist"},
		"format":   {"e-learning", "small-group", "quick-reference"},
		"topic":    {"breathlessness", "pain", "opioids", "syringe-driver", "emergencies", "advance-care-planning", "last-days-of-life", "communication", "heart-failure"},
		"audience": {"gp", "home-care-nurse", "pharmacist"},
	},
}

var fixtureDocs = []Doc{
	{
		URL: "symptoms/breathlessness/", Title: "Breathlessness in advanced illness", Level: "basic", Format: "e-learning",
		Topics: []string{"breathlessness"}, Audiences: []string{"gp", "home-care-nurse"}, Weight: 10,
		Summary: "Recognising and relieving breathlessness at home, non-drug measures first.",
		Sections: []Section{
			{Text: "Breathlessness is one of the most frightening symptoms for patients and carers. Ask what it stops the person doing. Write a handover note."},
			{Text: "Treat reversible causes. A fan helps. Plan for a crisis.", Callout: "KEY POINTS"},
			{Anchor: "assessment", Heading: "Assessment", Text: "Take a history: onset, triggers, anxiety, and what the patient fears most."},
			{Anchor: "non-drug-measures", Heading: "Non-drug measures", Text: "A hand-held fan directed at the face, sitting upright and pacing activities give back a sense of control."},
			{Anchor: "low-dose-morphine", Heading: "Low-dose morphine", Text: "Low-dose oral morphine can ease chronic breathlessness. Review the dose after two days."},
		},
	},
	{
		URL: "cards/breathlessness-crisis/", Title: "Breathlessness crisis", Level: "basic", Format: "quick-reference",
		Topics: []string{"breathlessness", "emergencies"}, Audiences: []string{"gp"}, Weight: 5,
		Summary: "What to do at the bedside when breathing suddenly gets worse.",
		Sections: []Section{
			{Text: "Stay calm, sit the patient upright and open a window."},
			{Anchor: "red-flags", Heading: "Red flags", Text: "Stridor, a swollen face and neck (superior vena cava obstruction), chest pain.", Callout: "RED FLAGS"},
			{Anchor: "medicines", Heading: "Medicines", Text: "Midazolam 2.5 mg subcutaneously for panic; oral morphine for the sensation of breathing."},
		},
	},
	{
		URL: "symptoms/dyspnoea-copd/", Title: "Chronic dyspnoea in COPD", Level: "specialist", Format: "e-learning",
		Topics: []string{"breathlessness"}, Audiences: []string{"gp"}, Weight: 20,
		Summary: "Oxygen, opioids and pulmonary rehabilitation for dyspnoea in advanced COPD.",
		Sections: []Section{
			{Text: "Dyspnoea in COPD fluctuates over months; exacerbations are frightening. A good handover prevents admissions."},
			{Anchor: "oxygen", Heading: "Oxygen", Text: "Oxygen helps people who are hypoxaemic, not every person with dyspnoea."},
		},
	},
	{
		URL: "pain/morphine-titration/", Title: "Titrating oral morphine", Level: "basic", Format: "e-learning",
		Topics: []string{"pain", "opioids"}, Audiences: []string{"gp", "pharmacist"}, Weight: 10, Keywords: []string{"Oramorph", "MST"},
		Summary: "Starting, titrating and reviewing oral morphine for pain.",
		Sections: []Section{
			{Text: "Start with immediate-release morphine every four hours and a breakthrough dose. Mention it in the handover."},
			{Anchor: "breakthrough-doses", Heading: "Breakthrough doses", Text: "The breakthrough dose is one sixth of the daily dose. Prescribe a laxative."},
			{Anchor: "converting-to-subcutaneous", Heading: "Converting to a syringe driver", Text: "Halve the oral daily dose for subcutaneous morphine over 24 hours."},
		},
	},
	{
		URL: "pain/opioid-conversion/", Title: "Opioid conversion table", Level: "specialist", Format: "quick-reference",
		Topics: []string{"opioids"}, Audiences: []string{"gp", "pharmacist"}, Weight: 10,
		Summary: "Approximate conversions between oral and subcutaneous opioids.",
		Sections: []Section{
			{Text: "Oral morphine to oral oxycodone: divide by 1.5 to 2. Always check the local guideline."},
		},
	},
	{
		URL: "medication/csci/", Title: "Setting up a CSCI", Level: "basic", Format: "e-learning",
		Topics: []string{"syringe-driver"}, Audiences: []string{"home-care-nurse"}, Weight: 5,
		Summary: "Continuous subcutaneous infusion over 24 hours in the community.",
		Sections: []Section{
			{Text: "Check the infusion site twice a day for redness or swelling, and at every handover."},
			{Anchor: "compatibility", Heading: "Compatibility", Text: "Check that the drugs can be mixed in one syringe; water for injection is the usual diluent."},
		},
	},
	{
		URL: "last-days/anticipatory-prescribing/", Title: "Anticipatory prescribing", Level: "basic", Format: "e-learning",
		Topics: []string{"last-days-of-life"}, Audiences: []string{"gp", "pharmacist"}, Weight: 10,
		Summary: "Medicines in the house before they are needed, for the last days of life.",
		Sections: []Section{
			{Text: "Prescribe for pain, agitation, nausea and respiratory secretions."},
		},
	},
	{
		URL: "planning/advance-care-planning/", Title: "Advance care planning conversations", Level: "basic", Format: "small-group",
		Topics: []string{"advance-care-planning", "communication"}, Audiences: []string{"gp"}, Weight: 10,
		Summary: "Starting and recording conversations about future care.",
		Sections: []Section{
			{Text: "A process of conversations, not a single form."},
		},
	},
	{
		URL: "emergencies/spinal-cord-compression/", Title: "Spinal cord compression", Level: "basic", Format: "quick-reference",
		Topics: []string{"emergencies"}, Audiences: []string{"gp"}, Weight: 10,
		Summary: "Back pain with weakness or numbness in a patient with cancer: act today.",
		Sections: []Section{
			{Text: "Give dexamethasone and arrange an MRI the same day."},
		},
	},
	{
		URL: "symptoms/oedema/", Title: "Oedema in advanced heart failure", Level: "specialist", Format: "e-learning",
		Topics: []string{"heart-failure"}, Audiences: []string{"gp"}, Weight: 10,
		Summary: "Swollen legs, skin care and diuretics near the end of life.",
		Sections: []Section{
			{Text: "Colleagues in Brussels call it œdème des membres inférieurs; the French handout is linked below."},
			{Anchor: "skin-care", Heading: "Skin care", Text: "Protect fragile skin and raise the legs."},
		},
	},
	{
		URL: "communication/breaking-bad-news/", Title: "Breaking bad news", Level: "basic", Format: "small-group",
		Topics: []string{"communication"}, Audiences: []string{"gp"}, Weight: 10,
		Summary: "Preparing, sharing and following up difficult news.",
		Sections: []Section{
			{Text: "In Parkinson's disease and other long illnesses the news often comes in stages."},
		},
	},
	{
		URL: "emergencies/catastrophic-haemorrhage/", Title: "Catastrophic haemorrhage", Level: "specialist", Format: "quick-reference",
		Topics: []string{"emergencies"}, Audiences: []string{"gp", "home-care-nurse"}, Weight: 10,
		Summary: "Dark towels, a calm presence and midazolam when a major bleed is likely.",
		Sections: []Section{
			{Text: "Haemoptysis or haematemesis may herald a terminal haemorrhage."},
		},
	},
}

func fixtureIndex() *Index {
	x := NewIndex(fixtureOptions)
	for _, d := range fixtureDocs {
		x.Set(d)
	}
	return x
}

// memLoader serves index files from a Files map, as the browser fetches
// them.
func memLoader(files map[string][]byte) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		b, ok := files[name]
		if !ok {
			return nil, errNotFound
		}
		return b, nil
	}
}

type notFound struct{}

func (notFound) Error() string { return "404 not found" }

var errNotFound error = notFound{}
