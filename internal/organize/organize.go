// Package organize is the organizer's desk: what a CME organizer answers
// for, worked out from a curriculum. Coverage (topics by level and by
// audience, totals per format, the core competencies), the gaps an
// organizer must act on, the review schedule, and the accreditation export.
// It does no I/O and knows no HTML: cmesite report and export print what
// it returns, and the site's organizers/coverage/ and organizers/reviews/
// pages show it.
//
// Decisions, for organizers reading the README:
//   - A coverage cell counts the modules with both terms and adds up their
//     duration; a module without a duration adds no minutes. It links to
//     the catalogue filtered to both terms (catalogue/?topic=pain&level=basic).
//   - "Basic" is the first level of the site's level vocabulary: a topic
//     with no module at that level is a gap.
//   - A path is for the audiences it declares (audience: in cmesite.yaml),
//     or else for those at least half of its modules name
//     (curriculum.Path.Audiences). An audience of the vocabulary with no
//     such path is a gap.
//   - A prerequisite "of a higher level" is one whose level comes later in
//     the level vocabulary than the level of the module that needs it.
//   - Reviews: overdue when review_by has passed on the day the report is
//     made for (check --as-of, or today), due when it falls within the
//     next 90 days, fine after that; modules without review_by are listed
//     last as having no review date.
package organize

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/markdown"
)

// DueWithin is how far ahead a review counts as due.
const DueWithin = 90 * 24 * time.Hour

// Report is the coverage, gaps and review schedule of a curriculum.
type Report struct {
	Title         string         `json:"title"`
	Modules       int            `json:"modules"`
	Minutes       int            `json:"minutes"`
	TopicLevel    Grid           `json:"topics_by_level"`
	TopicAudience Grid           `json:"topics_by_audience"`
	Formats       []Total        `json:"formats"`
	Competencies  []Total        `json:"competencies"`
	Gaps          []Gap          `json:"gaps"`
	AsOf          string         `json:"as_of"` // the day reviews are judged on, YYYY-MM-DD
	Reviews       []Review       `json:"reviews"`
	ReviewCounts  map[string]int `json:"review_counts"` // by Review.Status
	// ReviewDates is every review_by date and the number of modules due
	// on it, "2026-03-01:2,2026-04-15:1", earliest first: a page that
	// shows some of the reviews counts the statuses of all of them on
	// the reader's day from it.
	ReviewDates string `json:"-"`
}

// Grid is topics (rows, grouped by their group) against the terms of
// another facet (columns).
type Grid struct {
	Facet   string        `json:"facet"` // the columns' facet: "level", "audience"
	Columns []config.Term `json:"-"`
	Labels  []string      `json:"columns"` // the columns' labels
	Groups  []RowGroup    `json:"groups"`
	Totals  []Cell        `json:"totals"` // per column, over all topics
	Empty   int           `json:"empty_cells"`
}

// RowGroup is the topics of one group ("" for topics without one).
type RowGroup struct {
	Name string `json:"name"`
	Rows []Row  `json:"rows"`
}

// Row is one topic's cells, one per column, and its total.
type Row struct {
	Topic config.Term `json:"-"`
	ID    string      `json:"id"`
	Label string      `json:"label"`
	Cells []Cell      `json:"cells"`
	Total Cell        `json:"total"`
}

// Cell counts modules and adds up their minutes. URL is the catalogue
// filtered to what the cell counts, relative to the site root.
type Cell struct {
	Modules int    `json:"modules"`
	Minutes int    `json:"minutes"`
	URL     string `json:"url"`
}

// Total is the modules, minutes and credits of one term (a format, a
// competency).
type Total struct {
	ID      string  `json:"id"`
	Label   string  `json:"label"`
	Modules int     `json:"modules"`
	Minutes int     `json:"minutes"`
	Credits float64 `json:"credits"`
	URL     string  `json:"url,omitempty"` // a page listing the modules, relative to the site root
}

// Gap kinds.
const (
	GapNoBasic            = "topic-without-basic-module"
	GapNoPath             = "audience-without-path"
	GapNoCallTheTeam      = "card-without-call-the-team"
	GapNoObjectives       = "module-without-objectives"
	GapHigherPrerequisite = "prerequisite-of-higher-level"
)

// GapKinds are the kinds of gap, in the order the report lists them.
var GapKinds = []string{GapNoBasic, GapNoPath, GapNoCallTheTeam, GapNoObjectives, GapHigherPrerequisite}

// Gap is one thing an organizer must act on.
type Gap struct {
	Kind    string `json:"kind"`
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	URL     string `json:"url,omitempty"` // the page concerned, relative to the site root
	Message string `json:"message"`
}

// Review statuses.
const (
	Overdue  = "overdue"
	Due      = "due"
	Fine     = "fine"
	NoReview = "none"
)

// ReviewStatuses are the statuses in the order the schedule lists them.
var ReviewStatuses = []string{Overdue, Due, Fine, NoReview}

// Review is one module on the review schedule.
type Review struct {
	Module   *curriculum.Module `json:"-"`
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	URL      string             `json:"url"`
	File     string             `json:"file"`
	Line     int                `json:"line"` // of review_by, or of the frontmatter
	Reviewed string             `json:"reviewed"`
	ReviewBy string             `json:"review_by"`
	Status   string             `json:"status"`
	Authors  []string           `json:"authors"`
}

// Callouts gives the callout kinds of a module's body (markdown.Result.Callouts).
type Callouts func(m *curriculum.Module) []string

// Make works out the report of c. today is the day reviews are judged on.
func Make(c *curriculum.Curriculum, callouts Callouts, today time.Time) *Report {
	cfg := c.Config
	r := &Report{Title: cfg.Title, Modules: len(c.Modules), AsOf: today.Format(time.DateOnly), ReviewCounts: map[string]int{}}
	for _, m := range c.Modules {
		r.Minutes += m.Front.Minutes
	}
	topics := facet(c, content.FacetTopic)
	r.TopicLevel = grid(c, topics, facet(c, content.FacetLevel))
	r.TopicAudience = grid(c, topics, facet(c, content.FacetAudience))
	r.Formats = totals(c, facet(c, content.FacetFormat))
	r.Competencies = competencies(c)
	r.Gaps = gaps(c, callouts)
	r.Reviews = reviews(c, today)
	// Lists are never null in JSON: an empty list is an answer.
	r.Gaps = nonNilOf(r.Gaps)
	r.Reviews = nonNilOf(r.Reviews)
	r.Formats = nonNilOf(r.Formats)
	r.Competencies = nonNilOf(r.Competencies)
	for _, s := range ReviewStatuses {
		r.ReviewCounts[s] = 0
	}
	dates := map[string]int{}
	for _, rv := range r.Reviews {
		r.ReviewCounts[rv.Status]++
		if rv.ReviewBy != "" {
			dates[rv.ReviewBy]++
		}
	}
	var b strings.Builder
	for i, d := range slices.Sorted(maps.Keys(dates)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(d)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(dates[d]))
	}
	r.ReviewDates = b.String()
	return r
}

func facet(c *curriculum.Curriculum, name string) *curriculum.Facet {
	for _, f := range c.Facets {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// CatalogueURL is the catalogue filtered to the terms of filters, in
// facet order: "catalogue/?level=basic&topic=pain".
func CatalogueURL(filters ...[2]string) string {
	order := func(f string) int {
		for i, fc := range content.Facets() {
			if fc.Name == f {
				return i
			}
		}
		return len(content.Facets())
	}
	fs := slices.Clone(filters)
	slices.SortStableFunc(fs, func(a, b [2]string) int { return cmp.Compare(order(a[0]), order(b[0])) })
	var q []string
	for _, f := range fs {
		q = append(q, url.QueryEscape(f[0])+"="+url.QueryEscape(f[1]))
	}
	return "catalogue/?" + strings.Join(q, "&")
}

func grid(c *curriculum.Curriculum, topics, cols *curriculum.Facet) Grid {
	g := Grid{Facet: cols.Name}
	for _, tp := range cols.Terms {
		g.Columns = append(g.Columns, tp.Term)
		g.Labels = append(g.Labels, tp.Term.Label)
		g.Totals = append(g.Totals, Cell{URL: CatalogueURL([2]string{cols.Name, tp.Term.ID})})
	}
	var counted []map[*curriculum.Module]bool // per column: modules counted in the totals
	for range g.Columns {
		counted = append(counted, map[*curriculum.Module]bool{})
	}
	for _, tp := range topics.Terms {
		row := Row{Topic: tp.Term, ID: tp.Term.ID, Label: tp.Term.Label,
			Total: Cell{URL: CatalogueURL([2]string{topics.Name, tp.Term.ID})}}
		for i, col := range g.Columns {
			cell := Cell{URL: CatalogueURL([2]string{topics.Name, tp.Term.ID}, [2]string{cols.Name, col.ID})}
			for _, m := range tp.Modules {
				if hasTerm(m, cols.Name, col.ID) {
					cell.Modules++
					cell.Minutes += m.Front.Minutes
					if !counted[i][m] {
						counted[i][m] = true
						g.Totals[i].Modules++
						g.Totals[i].Minutes += m.Front.Minutes
					}
				}
			}
			if cell.Modules == 0 {
				g.Empty++
			}
			row.Cells = append(row.Cells, cell)
		}
		for _, m := range tp.Modules {
			row.Total.Modules++
			row.Total.Minutes += m.Front.Minutes
		}
		// Rows go under their group, groups in the order of their first
		// topic.
		i := slices.IndexFunc(g.Groups, func(rg RowGroup) bool { return rg.Name == tp.Term.Group })
		if i < 0 {
			g.Groups = append(g.Groups, RowGroup{Name: tp.Term.Group})
			i = len(g.Groups) - 1
		}
		g.Groups[i].Rows = append(g.Groups[i].Rows, row)
	}
	return g
}

func hasTerm(m *curriculum.Module, facet, id string) bool {
	return slices.ContainsFunc(m.Terms(facet), func(t config.Term) bool { return t.ID == id })
}

func totals(c *curriculum.Curriculum, fc *curriculum.Facet) []Total {
	var out []Total
	for _, tp := range fc.Terms {
		t := Total{ID: tp.Term.ID, Label: tp.Term.Label, URL: tp.URL}
		for _, m := range tp.Modules {
			t.Modules++
			t.Minutes += m.Front.Minutes
			t.Credits += m.Front.Credits
		}
		out = append(out, t)
	}
	var none Total
	for _, m := range c.Modules {
		if m.Format.ID == "" {
			none.Modules++
			none.Minutes += m.Front.Minutes
			none.Credits += m.Front.Credits
		}
	}
	if none.Modules > 0 {
		none.Label = "(no format)"
		out = append(out, none)
	}
	return out
}

func competencies(c *curriculum.Curriculum) []Total {
	var out []Total
	for _, t := range c.Config.Competencies.Terms {
		tot := Total{ID: t.ID, Label: t.Label}
		for _, m := range c.ListOrder() {
			if slices.ContainsFunc(m.Competencies, func(x config.Term) bool { return x.ID == t.ID }) {
				tot.Modules++
				tot.Minutes += m.Front.Minutes
				tot.Credits += m.Front.Credits
			}
		}
		out = append(out, tot)
	}
	return out
}

func gaps(c *curriculum.Curriculum, callouts Callouts) []Gap {
	cfg := c.Config
	var out []Gap
	if len(cfg.Levels.Terms) > 0 {
		basic := cfg.Levels.Terms[0]
		for _, tp := range facet(c, content.FacetTopic).Terms {
			if !slices.ContainsFunc(tp.Modules, func(m *curriculum.Module) bool { return m.Level.ID == basic.ID }) {
				out = append(out, Gap{Kind: GapNoBasic, File: config.File, URL: tp.URL,
					Message: fmt.Sprintf("topic %q (%s) has no %s module", tp.Term.ID, tp.Term.Label, strings.ToLower(basic.Label))})
			}
		}
	}
	for _, a := range facet(c, content.FacetAudience).Terms {
		if !slices.ContainsFunc(c.Paths, func(p *curriculum.Path) bool {
			return slices.ContainsFunc(p.Audiences, func(t config.Term) bool { return t.ID == a.Term.ID })
		}) {
			out = append(out, Gap{Kind: GapNoPath, File: config.File, URL: a.URL,
				Message: fmt.Sprintf("audience %q (%s) has no learning path; add a path for them, or name them in a path's audience", a.Term.ID, a.Term.Label)})
		}
	}
	for _, m := range c.ListOrder() {
		if m.IsQuickReference() && callouts != nil && !slices.Contains(callouts(m), markdown.CalloutCallTheTeam) {
			out = append(out, Gap{Kind: GapNoCallTheTeam, File: m.Doc.File, Line: m.Front.Line("format"), URL: m.URL,
				Message: fmt.Sprintf("quick-reference card %q has no \"> [!CALL THE TEAM]\" callout saying when to call the palliative home-care team", m.Front.Title)})
		}
	}
	for _, m := range c.ListOrder() {
		if len(m.Front.Objectives) == 0 {
			out = append(out, Gap{Kind: GapNoObjectives, File: m.Doc.File, Line: m.Front.Line("objectives"), URL: m.URL,
				Message: fmt.Sprintf("module %q lists no learning objectives", m.Front.Title)})
		}
	}
	for _, m := range c.ListOrder() {
		for _, p := range m.Prerequisites {
			if cfg.Levels.Rank(p.Level.ID) > cfg.Levels.Rank(m.Level.ID) {
				out = append(out, Gap{Kind: GapHigherPrerequisite, File: m.Doc.File, Line: m.Front.Line("prerequisites"), URL: m.URL,
					Message: fmt.Sprintf("%s module %q needs %s, a %s module", strings.ToLower(m.Level.Label), m.ID, p.ID, strings.ToLower(p.Level.Label))})
			}
		}
	}
	return out
}

func reviews(c *curriculum.Curriculum, today time.Time) []Review {
	day := today.Truncate(24 * time.Hour)
	var out []Review
	for _, m := range c.Modules {
		fr := m.Front
		rv := Review{Module: m, ID: m.ID, Title: fr.Title, URL: m.URL, File: m.Doc.File, Line: fr.Line("review_by"),
			Reviewed: date(fr.Reviewed), ReviewBy: date(fr.ReviewBy), Status: Status(fr.ReviewBy, day), Authors: []string{}}
		for _, a := range fr.Authors {
			rv.Authors = append(rv.Authors, AuthorName(a))
		}
		out = append(out, rv)
	}
	rank := func(s string) int { return slices.Index(ReviewStatuses, s) }
	slices.SortStableFunc(out, func(a, b Review) int {
		if (a.Status == NoReview) != (b.Status == NoReview) {
			return cmp.Compare(rank(a.Status), rank(b.Status))
		}
		return cmp.Or(cmp.Compare(a.ReviewBy, b.ReviewBy), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Status is the review status of a module whose review_by is by, on day.
func Status(by, day time.Time) string {
	switch {
	case by.IsZero():
		return NoReview
	case by.Before(day):
		return Overdue
	case !by.After(day.Add(DueWithin)):
		return Due
	}
	return Fine
}

// AuthorName is an author as lists show them: "Name (role)".
func AuthorName(a content.Author) string {
	if a.Role != "" {
		return a.Name + " (" + a.Role + ")"
	}
	return a.Name
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// GapGroup is the gaps of one kind.
type GapGroup struct {
	Kind string
	Gaps []Gap
}

// GapsShown is how many gaps of one kind the coverage page lists, so that
// the page stays small on a site of any size; `cmesite report` lists
// every one.
var GapsShown = 200

// Shown is the gaps of g the coverage page lists: the first GapsShown.
func (g GapGroup) Shown() []Gap { return g.Gaps[:min(len(g.Gaps), GapsShown)] }

// Hidden is how many gaps of g the coverage page does not list.
func (g GapGroup) Hidden() int { return len(g.Gaps) - len(g.Shown()) }

// GapsByKind groups the gaps by kind, in GapKinds order, leaving out kinds
// without gaps.
func (r *Report) GapsByKind() []GapGroup {
	var out []GapGroup
	for _, k := range GapKinds {
		g := GapGroup{Kind: k}
		for _, x := range r.Gaps {
			if x.Kind == k {
				g.Gaps = append(g.Gaps, x)
			}
		}
		if len(g.Gaps) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Grids are the coverage grids: topics by level, then by audience.
func (r *Report) Grids() []Grid { return []Grid{r.TopicLevel, r.TopicAudience} }

// Span is the number of table columns of the grid: the topic, one per
// term, the total.
func (g Grid) Span() int { return len(g.Columns) + 2 }

func nonNilOf[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
