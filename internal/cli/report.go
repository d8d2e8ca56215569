package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/organize"
	"github.com/cmesite/cmesite/internal/site"
)

const noOrganizerUsage = "leave out the organizer pages (organizers/coverage/ and organizers/reviews/)"

// parseAsOf reads --as-of: a date YYYY-MM-DD, or "" for today (the zero
// time, which the build takes as now).
func parseAsOf(cmd, s string, stderr io.Writer) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		fmt.Fprintf(stderr, "cmesite %s: --as-of %q must be a date written YYYY-MM-DD\n", cmd, s)
		return time.Time{}, false
	}
	return t, true
}

// load builds the site at source without writing anything (as check
// does) and returns the Builder, or the exit code when the content has
// errors (printed to stderr). The caller sets the collector for it
// (limitMemory), for the rest of its command, which reads what the build
// made.
func load(cmd, source string, opts site.Options, stderr io.Writer) (*site.Builder, int) {
	opts.Stream = true
	b := site.New(content.DirFS(source), opts)
	_, diags := b.Build(discard{})
	if diags.Errors() > 0 {
		printDiags(stderr, diags)
		fmt.Fprintf(stderr, "cmesite %s: the content has errors (%s); fix them first (cmesite check lists them)\n", cmd, counts(diags))
		return nil, ExitContent
	}
	return b, -1
}

// report prints the organizer's report: coverage, gaps, competencies and
// the review schedule (package organize).
func report(args []string, stdout, stderr io.Writer) int {
	fs := flags("report", "[--source DIR] [--format text|json] [--as-of YYYY-MM-DD] [--drafts]", stdout, stderr)
	source := fs.String("source", ".", "site root: holds content/, an optional cmesite.yaml and optional themes/")
	format := fs.String("format", "text", "output format: text, or json")
	asOf := fs.String("as-of", "", "judge reviews as of this date (YYYY-MM-DD) instead of today")
	drafts := fs.Bool("drafts", false, "include modules marked draft: true")
	if code := parse(fs, args, stdout); code >= 0 {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "cmesite report: --format must be text or json, not %q\n", *format)
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cmesite report: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if code := checkSource(*source, stderr); code >= 0 {
		return code
	}
	today, ok := parseAsOf("report", *asOf, stderr)
	if !ok {
		return ExitUsage
	}
	defer limitMemory()()
	b, code := load("report", *source, site.Options{Drafts: *drafts, Today: today}, stderr)
	if code >= 0 {
		return code
	}
	r := b.Report()
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(r)
		return ExitOK
	}
	writeReport(stdout, r)
	return ExitOK
}

// gapTitles head the gaps of each kind in the text report.
var gapTitles = map[string]string{
	organize.GapNoBasic:            "Topics without a basic module",
	organize.GapNoPath:             "Audiences without a learning path",
	organize.GapNoCallTheTeam:      "Quick-reference cards without a CALL THE TEAM callout",
	organize.GapNoObjectives:       "Modules without learning objectives",
	organize.GapHigherPrerequisite: "Prerequisites of a higher level than the module that needs them",
}

var statusTitles = map[string]string{
	organize.Overdue:  "overdue",
	organize.Due:      "due within 90 days",
	organize.Fine:     "fine",
	organize.NoReview: "no review date",
}

// emptyCell marks an empty cell of a coverage table: a gap to see at a
// glance.
const emptyCell = "--"

// writeReport prints r as text: the gaps first (what to act on), then
// the coverage tables, the totals per format, the competencies and the
// reviews that need attention.
func writeReport(w io.Writer, r *organize.Report) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	fmt.Fprintf(bw, "%s: %s, %s\n", r.Title, nOf(r.Modules, "module"), fmtMinutes(r.Minutes))

	fmt.Fprintf(bw, "\nGaps to act on: %d\n", len(r.Gaps))
	for _, g := range r.GapsByKind() {
		fmt.Fprintf(bw, "\n  %s (%d)\n", gapTitles[g.Kind], len(g.Gaps))
		for _, x := range g.Gaps {
			pos := x.File
			if x.Line > 0 {
				pos += fmt.Sprintf(":%d", x.Line)
			}
			fmt.Fprintf(bw, "    %s: %s\n", pos, x.Message)
		}
	}

	for _, g := range r.Grids() {
		fmt.Fprintf(bw, "\nTopics by %s (modules / minutes; %s: none; %d empty)\n\n", g.Facet, emptyCell, g.Empty)
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "topic\t%s\ttotal\t\n", strings.Join(g.Labels, "\t"))
		for _, rg := range g.Groups {
			if rg.Name != "" {
				fmt.Fprintf(tw, "%s\t%s\t\n", rg.Name, strings.Repeat("\t", len(g.Labels)))
			}
			for _, row := range rg.Rows {
				fmt.Fprintf(tw, "  %s\t", row.Label)
				for _, c := range row.Cells {
					fmt.Fprintf(tw, "%s\t", cellText(c))
				}
				fmt.Fprintf(tw, "%s\t\n", cellText(row.Total))
			}
		}
		fmt.Fprint(tw, "total\t")
		for _, c := range g.Totals {
			fmt.Fprintf(tw, "%s\t", cellText(c))
		}
		fmt.Fprint(tw, "\t\n")
		tw.Flush()
	}

	fmt.Fprint(bw, "\nTotals per format\n\n")
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "format\tmodules\tminutes\tcredits\t\n")
	for _, t := range r.Formats {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", t.Label, t.Modules, t.Minutes, fmtCredits(t.Credits))
	}
	tw.Flush()

	fmt.Fprint(bw, "\nCore competencies (modules / minutes)\n\n")
	for _, t := range r.Competencies {
		c := organize.Cell{Modules: t.Modules, Minutes: t.Minutes}
		fmt.Fprintf(bw, "  %2s. %-9s %s\n", t.ID, cellText(c), t.Label)
	}

	fmt.Fprintf(bw, "\nReviews as of %s:", r.AsOf)
	for _, s := range organize.ReviewStatuses {
		fmt.Fprintf(bw, " %d %s;", r.ReviewCounts[s], statusTitles[s])
	}
	fmt.Fprintln(bw)
	for _, rv := range r.Reviews {
		if rv.Status != organize.Overdue && rv.Status != organize.Due {
			continue
		}
		fmt.Fprintf(bw, "  %s:%d: %s, review_by %s: %s", rv.File, rv.Line, statusTitles[rv.Status], rv.ReviewBy, rv.Title)
		if len(rv.Authors) > 0 {
			fmt.Fprintf(bw, " (%s)", strings.Join(rv.Authors, "; "))
		}
		fmt.Fprintln(bw)
	}
}

func cellText(c organize.Cell) string {
	if c.Modules == 0 {
		return emptyCell
	}
	return fmt.Sprintf("%d / %d", c.Modules, c.Minutes)
}

func nOf(n int, s string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, s)
	}
	return fmt.Sprintf("%d %ss", n, s)
}

func fmtMinutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

func fmtCredits(v float64) string {
	if v == 0 {
		return "0"
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}
