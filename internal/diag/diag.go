// Package diag holds the diagnostics a user's content can cause: a position
// (file and line, sometimes a column), a severity and a message that says
// what is wrong and what is allowed.
//
// Every stage of a build appends to a List instead of stopping at the first
// problem, so one run reports everything. A List sorts by file, line, column
// and message, so the same input always prints the same report.
package diag

import (
	"cmp"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Severity says whether a diagnostic fails a build.
type Severity int

const (
	// Error fails build and check.
	Error Severity = iota
	// Warning is printed; it fails only check --strict.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes "error" or "warning", for check --format json.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem at one place. File is slash-separated and
// relative to the site root (for example "content/pain/opioids.md");
// Line and Col are 1-based and 0 when unknown.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Col      int      `json:"col,omitempty"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// String formats d as "file:line:col: message", with "warning: " before the
// message of a warning, and leaves out positions that are unknown.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos())
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Pos formats the position alone: "file", "file:line" or "file:line:col".
func (d Diagnostic) Pos() string {
	switch {
	case d.Line > 0 && d.Col > 0:
		return fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Col)
	case d.Line > 0:
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return d.File
}

// List collects diagnostics. The zero value is ready to use.
type List []Diagnostic

// Errorf appends an error at file:line.
func (l *List) Errorf(file string, line int, format string, args ...any) {
	*l = append(*l, Diagnostic{File: file, Line: line, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at file:line.
func (l *List) Warnf(file string, line int, format string, args ...any) {
	*l = append(*l, Diagnostic{File: file, Line: line, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// Add appends diagnostics.
func (l *List) Add(ds ...Diagnostic) { *l = append(*l, ds...) }

// Errors counts the diagnostics of severity Error.
func (l List) Errors() int {
	n := 0
	for _, d := range l {
		if d.Severity == Error {
			n++
		}
	}
	return n
}

// Warnings counts the diagnostics of severity Warning.
func (l List) Warnings() int { return len(l) - l.Errors() }

// Sort orders the list by file, line, column, severity and message and drops
// exact duplicates.
func (l *List) Sort() {
	if !slices.IsSortedFunc(*l, compare) { // a rebuild's list often is
		slices.SortFunc(*l, compare)
	}
	*l = slices.Compact(*l)
}

// compare orders by file, line, column, severity and message; it returns
// at the first difference (cmp.Or would compare every field first).
func compare(a, b Diagnostic) int {
	if c := cmp.Compare(a.File, b.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Col, b.Col); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Severity, b.Severity); c != 0 {
		return c
	}
	return cmp.Compare(a.Message, b.Message)
}

// Merge adds more to the sorted list l, keeping it sorted.
func (l *List) Merge(more List) {
	for _, d := range more {
		i, _ := slices.BinarySearchFunc(*l, d, compare)
		*l = slices.Insert(*l, i, d)
	}
}

// Line is one numbered line of source, for showing context around a problem.
type Line struct {
	N    int    `json:"n"`
	Text string `json:"text"`
	Here bool   `json:"here,omitempty"`
}

// Excerpt returns up to radius lines either side of d's line from the file
// it names, read from fsys (rooted at the site root). It returns nil when
// the line is unknown or the file cannot be read.
func Excerpt(fsys fs.FS, d Diagnostic, radius int) []Line {
	if d.Line <= 0 || fsys == nil {
		return nil
	}
	data, err := fs.ReadFile(fsys, d.File)
	if err != nil {
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	lo, hi := max(d.Line-radius, 1), min(d.Line+radius, len(lines))
	var out []Line
	for n := lo; n <= hi; n++ {
		out = append(out, Line{N: n, Text: strings.TrimPrefix(lines[n-1], "\ufeff"), Here: n == d.Line})
	}
	return out
}
