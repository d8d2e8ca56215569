// Package cli is cmesite's command line: it parses flags, runs the build,
// check, new, serve and version commands, prints to the writers it is
// given and returns the exit code: 0 ok, 1 content errors (or a refused
// output folder), 2 usage errors. It is the only package that knows
// about arguments, standard streams and exit codes.
package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/site"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitContent = 1
	ExitUsage   = 2
)

const usage = `cmesite builds Markdown CME modules into a static curriculum site.

Usage:
  cmesite build   [--source DIR] [--out DIR] [--base-url URL] [--drafts] [--no-organizer-pages]
  cmesite serve   [--source DIR] [--addr 127.0.0.1:1313] [--drafts] [--poll DURATION] [--open] [--no-organizer-pages]
  cmesite check   [--source DIR] [--strict] [--format text|json|github] [--as-of YYYY-MM-DD] [--external]
  cmesite report  [--source DIR] [--format text|json] [--as-of YYYY-MM-DD]
  cmesite export  [--source DIR] [--format csv|json] [--filter level=basic,topic=pain]
  cmesite new     [--source DIR] [--format FORMAT] SECTION/SLUG
  cmesite version

Run 'cmesite COMMAND -h' for a command's flags.
Exit codes: 0 ok, 1 content errors, 2 usage errors.
`

// Main runs the command line args (without the program name).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return build(rest, stdout, stderr)
	case "check":
		return check(rest, stdout, stderr)
	case "new":
		return newModule(rest, stdout, stderr)
	case "report":
		return report(rest, stdout, stderr)
	case "export":
		return export(rest, stdout, stderr)
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "cmesite", Version())
		return ExitOK
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "cmesite: unknown command %q\n\n%s", cmd, usage)
	return ExitUsage
}

// Version is the module version of the binary, or "(devel)".
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v := bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
		return v
	}
	return "(devel)"
}

// flags makes a flag set whose -h prints the command's usage once, to
// stdout; a flag error prints the error, then the usage, to stderr.
func flags(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: cmesite %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; it returns the exit code to stop with, or -1 to go on.
// The flag package prints the usage itself on -h and on a bad flag; parse
// silences that and prints it once: to stdout for -h, to stderr after an
// error.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) int {
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return ExitOK
	}
	if err != nil {
		fs.Usage()
		return ExitUsage
	}
	return -1
}

// plural writes a count with its noun: "1 module", "2 modules", "0 modules".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func build(args []string, stdout, stderr io.Writer) int {
	fs := flags("build", "[--source DIR] [--out DIR] [--base-url URL] [--drafts] [--no-organizer-pages]", stdout, stderr)
	source := fs.String("source", ".", "site root: holds content/, an optional cmesite.yaml and optional themes/")
	out := fs.String("out", "", "output folder (default SOURCE/public); replaced whole on every build")
	baseURL := fs.String("base-url", "", "absolute URL where the site is hosted, e.g. https://cme.example.org/palliative/ (overrides cmesite.yaml)")
	drafts := fs.Bool("drafts", false, "include modules marked draft: true")
	noOrganizer := fs.Bool("no-organizer-pages", false, noOrganizerUsage)
	if code := parse(fs, args, stdout); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cmesite build: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if code := checkSource(*source, stderr); code >= 0 {
		return code
	}
	if *baseURL != "" && !strings.HasPrefix(*baseURL, "http://") && !strings.HasPrefix(*baseURL, "https://") {
		fmt.Fprintf(stderr, "cmesite build: --base-url %q must be an absolute http(s) URL\n", *baseURL)
		return ExitUsage
	}
	if *out == "" {
		*out = filepath.Join(*source, "public")
	}
	dir, err := site.NewDir(*out, *source)
	if err != nil {
		fmt.Fprintf(stderr, "cmesite build: %v\n", err)
		return ExitContent
	}
	start := time.Now()
	defer limitMemory()()
	opts := site.Options{Drafts: *drafts, BaseURL: *baseURL, Stream: true, NoOrganizerPages: *noOrganizer}
	if os.Getenv("CMESITE_TRACE") != "" {
		opts.Trace = stderr
	}
	b := site.New(content.DirFS(*source), opts)
	st, diags := b.Build(dir)
	printDiags(stderr, diags)
	if diags.Errors() > 0 {
		dir.Abort()
		fmt.Fprintf(stderr, "build failed: %s; %s was not changed\n", counts(diags), *out)
		return ExitContent
	}
	if err := dir.Commit(); err != nil {
		fmt.Fprintf(stderr, "cmesite build: %v\n", err)
		return ExitContent
	}
	fmt.Fprintf(stdout, "built %s, %s in %d ms -> %s%s\n", plural(st.Modules, "module", "modules"), plural(st.Pages, "page", "pages"),
		time.Since(start).Milliseconds(), filepath.ToSlash(*out)+"/", warningsNote(diags))
	return ExitOK
}

func checkSource(source string, stderr io.Writer) int {
	fi, err := os.Stat(source)
	if err != nil || !fi.IsDir() {
		fmt.Fprintf(stderr, "cmesite: --source %q is not a folder\n", source)
		return ExitUsage
	}
	return -1
}

func counts(diags diag.List) string {
	return plural(diags.Errors(), "error", "errors") + ", " + plural(diags.Warnings(), "warning", "warnings")
}

func warningsNote(diags diag.List) string {
	if w := diags.Warnings(); w > 0 {
		return " (" + plural(w, "warning", "warnings") + ")"
	}
	return ""
}

func printDiags(w io.Writer, diags diag.List) {
	bw := bufio.NewWriter(w) // a large site can have thousands of warnings
	for _, d := range diags {
		bw.WriteString(d.String())
		bw.WriteByte('\n')
	}
	bw.Flush()
}

// buildMemoryBudget is the memory a one-off build aims to stay under: the
// project's ceiling for a build, 1 GB (10^9 bytes) of resident memory,
// less the 1% a process holds beyond the Go runtime's count. Near it the
// collector runs more often rather than let a large site's build grow
// past it. It is a ceiling, not a setting for one size of site: a small
// site never comes near it. GOMEMLIMIT overrides it.
const buildMemoryBudget = 920 << 20

// buildGCPercent is the collector's GOGC for a one-off build: it runs
// when the heap has grown by twice what was live after the last
// collection, not once (GOGC=100, Go's default). A build allocates much
// and keeps little, so the collector's CPU falls by about half for the
// memory it adds, and the budget still caps the heap. Against GOGC=100,
// in two sets of alternating builds (medians, 4–6 rounds): 0.86× and
// 0.94× the wall time at 1,000 modules; 0.89× and 0.94× at 10,000
// (peak 195–230 MB against 148–175 MB); 0.97× and 1.00× at 100,000,
// where the budget binds (peak unchanged, 947 MB). GOGC overrides it.
const buildGCPercent = 200

// limitMemory sets the collector for a one-off build (build, check,
// report, export), and returns the function that restores the settings
// it changed.
func limitMemory() (restore func()) {
	setPercent, setLimit := os.Getenv("GOGC") == "", os.Getenv("GOMEMLIMIT") == ""
	var oldPercent int
	var oldLimit int64
	if setPercent {
		oldPercent = debug.SetGCPercent(buildGCPercent)
	}
	if setLimit {
		oldLimit = debug.SetMemoryLimit(buildMemoryBudget)
	}
	return func() {
		if setPercent {
			debug.SetGCPercent(oldPercent)
		}
		if setLimit {
			debug.SetMemoryLimit(oldLimit)
		}
	}
}

// discard is an Output that keeps nothing (check).
type discard struct{}

func (discard) Put(string, []byte) error { return nil }

func check(args []string, stdout, stderr io.Writer) int {
	fs := flags("check", "[--source DIR] [--strict] [--format text|json|github] [--as-of YYYY-MM-DD] [--external [--cache FILE]]", stdout, stderr)
	source := fs.String("source", ".", "site root: holds content/, an optional cmesite.yaml and optional themes/")
	strict := fs.Bool("strict", false, "fail on warnings too (overdue reviews, unknown fields, dead external links)")
	format := fs.String("format", "text", "output format: text; json for CI; github for GitHub Actions annotations")
	drafts := fs.Bool("drafts", false, "check modules marked draft: true as well")
	asOf := fs.String("as-of", "", "judge reviews as of this date (YYYY-MM-DD) instead of today, so a pipeline is reproducible")
	external := fs.Bool("external", false, "also check that http(s) links in bodies and references answer (needs the network)")
	cache := fs.String("cache", "", "the external link cache file (default: cmesite/links.json in the user's cache folder)")
	if code := parse(fs, args, stdout); code >= 0 {
		return code
	}
	if *format != "text" && *format != "json" && *format != "github" {
		fmt.Fprintf(stderr, "cmesite check: --format must be text, json or github, not %q\n", *format)
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cmesite check: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if code := checkSource(*source, stderr); code >= 0 {
		return code
	}
	today, ok := parseAsOf("check", *asOf, stderr)
	if !ok {
		return ExitUsage
	}
	defer limitMemory()()
	b := site.New(content.DirFS(*source), site.Options{Drafts: *drafts, Stream: true, Today: today})
	st, diags := b.Build(discard{})
	if *external && diags.Errors() == 0 {
		diags.Merge(checkExternal(b, *cache, stderr))
	}
	failed := diags.Errors() > 0 || (*strict && diags.Warnings() > 0)
	switch *format {
	case "json":
		report := struct {
			OK          bool              `json:"ok"`
			Errors      int               `json:"errors"`
			Warnings    int               `json:"warnings"`
			Modules     int               `json:"modules"`
			Diagnostics []diag.Diagnostic `json:"diagnostics"`
		}{!failed, diags.Errors(), diags.Warnings(), st.Modules, diags}
		if report.Diagnostics == nil {
			report.Diagnostics = []diag.Diagnostic{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(report)
	case "github":
		printGitHub(stdout, diags)
		if failed {
			fmt.Fprintf(stdout, "check failed: %s\n", counts(diags))
		} else {
			fmt.Fprintf(stdout, "ok: %s, %s\n", plural(st.Modules, "module", "modules"), counts(diags))
		}
	default:
		printDiags(stdout, diags)
		if failed {
			fmt.Fprintf(stdout, "check failed: %s\n", counts(diags))
		} else {
			fmt.Fprintf(stdout, "ok: %s, %s\n", plural(st.Modules, "module", "modules"), counts(diags))
		}
	}
	if failed {
		return ExitContent
	}
	return ExitOK
}
