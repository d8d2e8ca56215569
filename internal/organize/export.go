package organize

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
)

// Columns are the accreditation export's columns, in their order. The
// order is part of the contract: add columns at the end, never reorder.
var Columns = []string{"title", "url", "level", "topics", "audience", "format", "minutes", "credits",
	"objectives", "authors", "disclosures", "reviewed", "review_by", "references"}

// ExportRow is one module of the accreditation export. Terms are the
// vocabularies' labels; URL is absolute when the site has a base URL,
// else relative to the site root.
type ExportRow struct {
	Title       string   `json:"title"`
	URL         string   `json:"url"`
	Level       string   `json:"level"`
	Topics      []string `json:"topics"`
	Audience    []string `json:"audience"`
	Format      string   `json:"format"`
	Minutes     *int     `json:"minutes"`
	Credits     *float64 `json:"credits"`
	Objectives  []string `json:"objectives"`
	Authors     []string `json:"authors"`
	Disclosures []string `json:"disclosures"` // null when the module declares none, [] when it declares there are none
	Reviewed    string   `json:"reviewed"`
	ReviewBy    string   `json:"review_by"`
	References  []string `json:"references"`
}

// Filter keeps the modules whose terms match: within a facet any of the
// listed terms, across facets all of them (as the catalogue's filters).
type Filter map[string][]string

// FilterFields are the fields a filter may name.
func FilterFields() []string {
	var out []string
	for _, f := range content.Facets() {
		out = append(out, f.Name)
	}
	return out
}

// ParseFilter reads "level=basic,topic=pain" (and the same given in
// several flags) against c's vocabularies. An unknown field or value is an
// error that lists what is allowed.
func ParseFilter(c *curriculum.Curriculum, specs []string) (Filter, error) {
	f := Filter{}
	fields := FilterFields()
	for _, spec := range specs {
		for _, part := range strings.Split(spec, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			k, v, ok := strings.Cut(part, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || v == "" {
				return nil, fmt.Errorf("filter %q must be FIELD=VALUE, such as level=basic; fields: %s", part, strings.Join(fields, ", "))
			}
			if !slices.Contains(fields, k) {
				return nil, fmt.Errorf("unknown filter field %q; fields: %s", k, strings.Join(fields, ", "))
			}
			fc := facet(c, k)
			var ids []string
			for _, tp := range fc.Terms {
				ids = append(ids, tp.Term.ID)
			}
			if !slices.Contains(ids, v) {
				return nil, fmt.Errorf("unknown %s %q; allowed: %s", k, v, strings.Join(ids, ", "))
			}
			if !slices.Contains(f[k], v) {
				f[k] = append(f[k], v)
			}
		}
	}
	return f, nil
}

// Match reports whether m passes the filter.
func (f Filter) Match(m *curriculum.Module) bool {
	for k, ids := range f {
		if !slices.ContainsFunc(ids, func(id string) bool { return hasTerm(m, k, id) }) {
			return false
		}
	}
	return true
}

// Export lists the modules of c that pass filter, in the catalogue's
// order (level, then section order).
func Export(c *curriculum.Curriculum, filter Filter) []ExportRow {
	rows := []ExportRow{}
	for _, m := range c.ListOrder() {
		if !filter.Match(m) {
			continue
		}
		fr := m.Front
		r := ExportRow{Title: fr.Title, URL: c.Config.BaseURL + m.URL, Level: m.Level.Label,
			Topics: labels(m.Topics), Audience: labels(m.Audiences), Format: m.Format.Label,
			Objectives: nonNil(fr.Objectives), Authors: []string{}, Reviewed: date(fr.Reviewed), ReviewBy: date(fr.ReviewBy),
			References: nonNil(fr.References)}
		if fr.Minutes > 0 {
			n := fr.Minutes
			r.Minutes = &n
		}
		if fr.HasCredits {
			v := fr.Credits
			r.Credits = &v
		}
		for _, a := range fr.Authors {
			r.Authors = append(r.Authors, AuthorName(a))
		}
		if fr.HasDiscl {
			r.Disclosures = nonNil(fr.Disclosures)
		}
		rows = append(rows, r)
	}
	return rows
}

// NoneDeclared is what the CSV export writes for a module that declares
// it has no disclosures (disclosures: []).
const NoneDeclared = "none declared"

// Record is the row as CSV fields, in Columns order. A list is one field
// with its items on lines of their own (RFC 4180 quotes the line breaks;
// spreadsheets show them as lines in one cell).
func (r ExportRow) Record() []string {
	list := func(s []string) string { return strings.Join(s, "\n") }
	minutes, credits := "", ""
	if r.Minutes != nil {
		minutes = strconv.Itoa(*r.Minutes)
	}
	if r.Credits != nil {
		credits = strconv.FormatFloat(*r.Credits, 'f', -1, 64)
	}
	disclosures := list(r.Disclosures)
	if r.Disclosures != nil && len(r.Disclosures) == 0 {
		disclosures = NoneDeclared
	}
	return []string{r.Title, r.URL, r.Level, list(r.Topics), list(r.Audience), r.Format, minutes, credits,
		list(r.Objectives), list(r.Authors), disclosures, r.Reviewed, r.ReviewBy, list(r.References)}
}

func labels(ts []config.Term) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Label)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
