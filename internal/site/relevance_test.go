package site

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/search"
)

// TestRelevance asks the sample curriculum's search index what a GP would
// type — spelling variants, abbreviations, typos, lay words — and expects
// the right module in the top 3. The Searcher is the Go twin of
// search.js (internal/search checks they agree).
func TestRelevance(t *testing.T) {
	if _, err := os.Stat("../../content"); err != nil {
		t.Skip("no content/ folder")
	}
	files, _ := build(t, os.DirFS("../.."), Options{})
	s, err := search.NewSearcher(func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("no %s", name)
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  string // a module URL expected in the top 3
	}{
		{"breathlessness", "quick-reference/breathlessness/"},
		{"dyspnoea", "symptoms/breathlessness/"},
		{"dyspnea", "symptoms/breathlessness/"},                // American spelling
		{"SOB", "symptoms/breathlessness/"},                    // abbreviation
		{"short of breath", "quick-reference/breathlessness/"}, // lay words
		{"breathlesness", "symptoms/breathlessness/"},          // typo
		{"breathl", "quick-reference/breathlessness/"},         // prefix while typing
		{"syringe driver", "quick-reference/syringe-driver-problems/"},
		{"CSCI", "last-days-of-life/syringe-drivers/"},
		{"just in case medicines", "last-days-of-life/anticipatory-prescribing/"},
		{"anticipatory", "quick-reference/anticipatory-prescribing/"},
		{"death rattle", "last-days-of-life/caring-in-the-last-days/"},
		{"MSCC", "quick-reference/palliative-emergencies/"},
		{"spinal cord compression", "emergencies/palliative-emergencies/"},
		{"SVCO", "quick-reference/palliative-emergencies/"},
		{"hypercalcemia", "quick-reference/palliative-emergencies/"}, // American spelling
		{"ACP", "advance-care-planning/advance-care-planning/"},
		{"DNACPR", "advance-care-planning/resuscitation-decisions/"},
		{"breaking bad news", "communication/breaking-bad-news/"},
		{"SPIKES", "communication/breaking-bad-news/"},
		{"family meeting", "communication/family-meetings/"},
		{"terminal restlessness", "quick-reference/terminal-agitation/"},
		{"agitation", "quick-reference/terminal-agitation/"},
		{"call the team", "quick-reference/when-to-call-the-team/"},
		{"out of hours", "teamwork/out-of-hours-handover/"},
		{"OOH handover", "teamwork/out-of-hours-handover/"},
		{"constipation", "symptoms/constipation/"},
		{"feeling sick", "symptoms/nausea-and-vomiting/"}, // lay words
		{"morfine", "symptoms/opioids/"},                  // typo
		{"grief", "bereavement-and-self-care/bereavement/"},
		{"burnout", "bereavement-and-self-care/self-care-for-clinicians/"},
		{"surprise question", "foundations/early-identification/"},
		{"heart failure", "foundations/non-cancer-illness/"},
		{"sedation", "ethics/palliative-sedation/"},
		{"euthanasia", "ethics/requests-to-hasten-death/"},
		{"dry mouth", "symptoms/mouth-care/"},
		{"carers", "care-at-home/supporting-carers/"},
		{"peer review opioid toxicity", "sessions/opioid-toxicity-peer-review/"},
		// A GP's everyday words (the built-in lay vocabulary).
		{"fits", "emergencies/planning-for-bleeding-and-seizures/"},
		{"fitting", "emergencies/planning-for-bleeding-and-seizures/"},
		{"can't swallow", "quick-reference/syringe-driver-problems/"},
		{"cant swallow", "quick-reference/syringe-driver-problems/"},
		{"unable to swallow", "quick-reference/syringe-driver-problems/"},
		{"being sick", "symptoms/nausea-and-vomiting/"},
		{"constipated", "symptoms/constipation/"},
		{"confused", "symptoms/delirium-and-agitation/"},
		{"water tablets heart failure", "foundations/non-cancer-illness/"},
		{"pain killers", "symptoms/pain/"},
		{"rattly breathing", "last-days-of-life/caring-in-the-last-days/"},
		{"end of life", "last-days-of-life/caring-in-the-last-days/"},
		{"sore mouth", "symptoms/mouth-care/"},
		{"burnt out", "bereavement-and-self-care/self-care-for-clinicians/"},
		{"not for resus", "advance-care-planning/resuscitation-decisions/"},
		// As a GP types at the bedside: natural phrasing, filler words
		// ("patient", "what to do", "how do I") weigh little.
		{"patient can't swallow tablets", "quick-reference/syringe-driver-problems/"},
		{"what to do when the syringe driver alarms", "quick-reference/syringe-driver-problems/"},
		{"syringe driver beeping", "quick-reference/syringe-driver-problems/"},
		{"how do I set up a syringe driver", "last-days-of-life/syringe-drivers/"},
		{"when to call", "quick-reference/when-to-call-the-team/"}, // filler words that matter in a title
		{"patient fitting", "emergencies/planning-for-bleeding-and-seizures/"},
		{"what to do when patient is dying", "quick-reference/last-days-checklist/"},
		{"patient has died what now", "care-at-home/care-after-death/"},
		{"just in case meds", "quick-reference/anticipatory-prescribing/"},
		{"bleeding out", "emergencies/planning-for-bleeding-and-seizures/"},
		{"weak legs back pain", "quick-reference/palliative-emergencies/"},
		{"swollen face", "quick-reference/palliative-emergencies/"},
		{"too much morphine", "sessions/opioid-toxicity-peer-review/"},
		{"how long has he got", "communication/prognosis-conversations/"},
		{"wants to die", "ethics/requests-to-hasten-death/"},
		{"patient is confused and agitated", "symptoms/delirium-and-agitation/"},
		{"patient vomiting what can I give", "symptoms/nausea-and-vomiting/"},
		{"can't breathe", "quick-reference/breathlessness/"},
		{"drowsy on morphine", "sessions/opioid-toxicity-peer-review/"},
		{"how do i talk about dying", "communication/talking-about-dying/"},
		{"how do i manage breathlessness at home", "symptoms/breathlessness/"},
		{"hospice team", "teamwork/working-with-the-home-care-team/"},
		{"he is agitated at night", "symptoms/delirium-and-agitation/"},
	}
	if len(tests) < 60 {
		t.Fatalf("%d queries; the table keeps at least 60", len(tests))
	}
	for _, tt := range tests {
		res, err := s.Search(tt.query, nil, 3)
		if err != nil {
			t.Errorf("%q: %v", tt.query, err)
			continue
		}
		var top []string
		for i, h := range res.Hits {
			if i == 3 {
				break
			}
			top = append(top, h.URL)
		}
		found := false
		for _, u := range top {
			found = found || u == tt.want
		}
		if !found {
			t.Errorf("%q: top 3 = %s; want %s among them", tt.query, strings.Join(top, ", "), tt.want)
		}
	}
}
