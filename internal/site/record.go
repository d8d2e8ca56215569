package site

import (
	"encoding/json"
	"html/template"
	"slices"

	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/render"
)

// The GP's learning record lives in the browser only (localStorage); the
// build gives its scripts what they need, in the pages themselves:
//
//   - a module page carries its own entry (recordModule): what a record
//     keeps of the module when the GP marks it completed, so that the
//     record stays whole when the module later changes or goes, and my-cme/
//     exports it without fetching anything;
//   - a path page carries its modules' ids, titles, links and minutes;
//   - start/ carries the topic groups and the paths; its modules come from
//     catalogue/modules.json, the catalogue's data file, which already
//     holds every module's link, title, level, topics, audiences and format.
//
// The scripts are record.js (small: on every page but 404.html, 3 KB
// gzipped) and my-cme.js (my-cme/ and start/ only).
//
// # The stored record
//
// One localStorage value, under "cmesite-record:" and the path of the
// site's root ("cmesite-record:/palliative/"), so that two sites on one
// host keep two records:
//
//	{"schema": 1,
//	 "entries": [{"id": "module:symptoms/pain", "kind": "module", "module": "symptoms/pain",
//	              "title": "...", "url": "symptoms/pain/", "date": "2026-12-03",
//	              "minutes": 45, "credits": 0.5, "level": "Basic", "format": "E-learning",
//	              "topics": ["Pain"], "objectives": ["..."],
//	              "note": {"what": "...", "soWhat": "...", "nowWhat": "..."}},
//	             {"id": "activity:<uuid>", "kind": "activity", "title": "...", "date": "...",
//	              "minutes": 120, "credits": 2, "format": "Peer review", "provider": "..."}],
//	 "notes": {"symptoms/pain": {...}}}
//
// "notes" keeps the note of a module whose completion was undone, until it
// is marked again. A record of an older schema is upgraded when it is read,
// by record.js's migrations[n] (schema n to n+1), written back at the next
// change; schema 1 is the first, so there are none yet. A stored value that
// cannot be read (not JSON, a newer schema, an entry that fails the checks)
// is never written over: module pages say so and disable their controls,
// and my-cme/ says what is wrong and offers the stored text for download;
// only "Clear all", after its confirmation, replaces it. Storage that is
// switched off (access throws) or full (a write throws QuotaExceededError)
// is said on the page, which reads as it does without JavaScript.

// recordModule is a module as the learning record keeps it.
type recordModule struct {
	ID         string       `json:"id"`
	URL        string       `json:"url"` // relative to the site root, as a link has it
	Title      string       `json:"title"`
	Minutes    int          `json:"minutes,omitempty"`
	Credits    *float64     `json:"credits,omitempty"`
	Level      string       `json:"level,omitempty"`
	Format     string       `json:"format,omitempty"`
	Topics     []string     `json:"topics,omitempty"`
	Objectives []string     `json:"objectives,omitempty"`
	Prereqs    []recordLink `json:"prereqs,omitempty"`
}

type recordLink struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Title string `json:"title"`
}

func newRecordModule(m *curriculum.Module) recordModule {
	r := recordModule{ID: m.ID, URL: moduleURL(m), Title: m.Front.Title, Minutes: m.Front.Minutes,
		Level: m.Level.Label, Format: m.Format.Label, Objectives: m.Front.Objectives}
	if m.Front.HasCredits {
		c := m.Front.Credits
		r.Credits = &c
	}
	for _, t := range m.Topics {
		r.Topics = append(r.Topics, t.Label)
	}
	for _, p := range m.Prerequisites {
		r.Prereqs = append(r.Prereqs, recordLink{ID: p.ID, URL: moduleURL(p), Title: p.Front.Title})
	}
	return r
}

// scriptJSON is v as JSON for a <script type="application/json"> element:
// json.Marshal escapes <, > and &, so the text cannot close the element.
func scriptJSON(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	return template.JS(b), err // JSON with <, >, & escaped
}

// pathRecord is what a path page's progress bar is made from.
func pathRecord(p *curriculum.Path) (template.JS, int) {
	type step struct {
		ID      string `json:"id"`
		URL     string `json:"url"`
		Title   string `json:"title"`
		Minutes int    `json:"minutes"`
	}
	steps := make([]step, len(p.Modules))
	total := 0
	for i, m := range p.Modules {
		steps[i] = step{ID: m.ID, URL: moduleURL(m), Title: m.Front.Title, Minutes: m.Front.Minutes}
		total += m.Front.Minutes
	}
	js, _ := scriptJSON(steps) // strings and ints: cannot fail
	return js, total
}

// startData is the self-assessment's own data: the topic groups a GP rates
// their confidence in, and the learning paths with their modules.
type startData struct {
	Groups []startGroup `json:"groups"`
	Paths  []startPath  `json:"paths"`
}

type startGroup struct {
	Name   string   `json:"name"`
	Topics []string `json:"topics"` // topic ids
}

type startPath struct {
	ID      string   `json:"id"`
	URL     string   `json:"url"`
	Title   string   `json:"title"`
	Modules []string `json:"modules"` // module ids
}

// topicGroups are the groups of the topics that modules use, in the
// vocabulary's order: each topic's group, or the topic itself when the
// vocabulary gives it none (an open vocabulary has no groups).
func topicGroups(c *curriculum.Curriculum) []startGroup {
	var groups []startGroup
	for _, fc := range c.Facets {
		if fc.Name != "topic" {
			continue
		}
		for _, tp := range fc.Terms {
			if len(tp.Modules) == 0 {
				continue
			}
			name := tp.Term.Group
			if name == "" {
				name = tp.Term.Label
			}
			i := slices.IndexFunc(groups, func(g startGroup) bool { return g.Name == name })
			if i < 0 {
				groups = append(groups, startGroup{Name: name})
				i = len(groups) - 1
			}
			groups[i].Topics = append(groups[i].Topics, tp.Term.ID)
		}
	}
	return groups
}

// start is the self-assessment page, start/.
func (f *Files) start() ([]byte, error) {
	d := f.base("start", "start/", f.t("start_title"), f.t("start_description"))
	sd := startData{Groups: topicGroups(f.c), Paths: []startPath{}}
	for _, p := range f.c.Paths {
		sp := startPath{ID: p.ID, URL: p.URL, Title: p.Title}
		for _, m := range p.Modules {
			sp.Modules = append(sp.Modules, m.ID)
		}
		sd.Paths = append(sd.Paths, sp)
	}
	js, err := scriptJSON(sd)
	if err != nil {
		return nil, err
	}
	d.Record, d.DataURL = js, catalogueDataURL
	d.Groups = make([]string, len(sd.Groups))
	for i, g := range sd.Groups {
		d.Groups[i] = g.Name
	}
	return f.theme.Render("start", d)
}

// myCME is the GP's record page, my-cme/.
func (f *Files) myCME() ([]byte, error) {
	return f.theme.Render("my-cme", f.base("my-cme", "my-cme/", f.t("mycme_title"), f.t("mycme_description")))
}

// recordData fills a module or path page's record data.
func recordData(d *render.Data) {
	switch {
	case d.Module != nil:
		d.Record, _ = scriptJSON(newRecordModule(d.Module)) // strings and numbers: cannot fail
	case d.Path != nil:
		d.Record, d.PathMinutes = pathRecord(d.Path)
	}
}
