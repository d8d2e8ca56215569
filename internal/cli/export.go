package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cmesite/cmesite/internal/organize"
	"github.com/cmesite/cmesite/internal/site"
)

// multiFlag is a flag that may be given more than once.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// export prints the accreditation export: one row per module, the
// columns of organize.Columns in that order. CSV is RFC 4180 (encoding/csv:
// fields with commas, quotes or line breaks are quoted, CRLF line ends),
// UTF-8 without a byte-order mark, with a header row; a list (topics,
// objectives, ...) is one field with an item per line.
func export(args []string, stdout, stderr io.Writer) int {
	fs := flags("export", "[--source DIR] [--format csv|json] [--filter FIELD=VALUE,...] [--base-url URL] [--drafts]", stdout, stderr)
	source := fs.String("source", ".", "site root: holds content/, an optional cmesite.yaml and optional themes/")
	format := fs.String("format", "csv", "output format: csv, or json")
	var filters multiFlag
	fs.Var(&filters, "filter", "keep the modules with these terms, e.g. level=basic,topic=pain (fields: "+strings.Join(organize.FilterFields(), ", ")+"; a field given twice matches either value)")
	baseURL := fs.String("base-url", "", "absolute URL where the site is hosted, for the url column (overrides cmesite.yaml)")
	drafts := fs.Bool("drafts", false, "include modules marked draft: true")
	if code := parse(fs, args, stdout); code >= 0 {
		return code
	}
	if *format != "csv" && *format != "json" {
		fmt.Fprintf(stderr, "cmesite export: --format must be csv or json, not %q\n", *format)
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cmesite export: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if code := checkSource(*source, stderr); code >= 0 {
		return code
	}
	if *baseURL != "" && !strings.HasPrefix(*baseURL, "http://") && !strings.HasPrefix(*baseURL, "https://") {
		fmt.Fprintf(stderr, "cmesite export: --base-url %q must be an absolute http(s) URL\n", *baseURL)
		return ExitUsage
	}
	defer limitMemory()()
	b, code := load("export", *source, site.Options{Drafts: *drafts, BaseURL: *baseURL}, stderr)
	if code >= 0 {
		return code
	}
	c := b.Curriculum()
	filter, err := organize.ParseFilter(c, filters)
	if err != nil {
		fmt.Fprintf(stderr, "cmesite export: --filter: %v\n", err)
		return ExitUsage
	}
	rows := organize.Export(c, filter)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(rows)
		return ExitOK
	}
	w := csv.NewWriter(stdout)
	w.UseCRLF = true // RFC 4180
	w.Write(organize.Columns)
	for _, r := range rows {
		w.Write(r.Record())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fmt.Fprintf(stderr, "cmesite export: %v\n", err)
		return ExitContent
	}
	return ExitOK
}
