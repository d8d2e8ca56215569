package cli

import (
	"bytes"
	"encoding/csv"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// organizerSite writes testdata/organizer.txtar into a temp folder.
func organizerSite(t *testing.T) string {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "organizer.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range a.Files {
		files[f.Name] = string(f.Data)
	}
	return writeSite(t, files)
}

// golden compares got with testdata/golden/name (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		w, g := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := 0; i < max(len(w), len(g)); i++ {
			var wl, gl string
			if i < len(w) {
				wl = w[i]
			}
			if i < len(g) {
				gl = g[i]
			}
			if wl != gl {
				t.Errorf("%s differs (go test -update rewrites it) at line %d:\nwant: %q\n got: %q", p, i+1, wl, gl)
				return
			}
		}
	}
}

// TestOrganizerGolden: the report, the export and the GitHub annotations
// of the fixture, as of a fixed day.
func TestOrganizerGolden(t *testing.T) {
	root := organizerSite(t)
	tests := []struct {
		golden string
		args   []string
		code   int
	}{
		{"report.txt", []string{"report", "--as-of", "2026-12-01"}, ExitOK},
		{"report.json", []string{"report", "--as-of", "2026-12-01", "--format", "json"}, ExitOK},
		{"export.csv", []string{"export"}, ExitOK},
		{"export.json", []string{"export", "--format", "json", "--base-url", "https://cme.example.org/pc"}, ExitOK},
		{"export-filtered.csv", []string{"export", "--filter", "level=basic,topic=pain", "--filter", "topic=nausea"}, ExitOK},
		{"check-github.txt", []string{"check", "--as-of", "2026-12-01", "--format", "github", "--strict"}, ExitContent},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errOut := run(append(tt.args, "--source", root)...)
			if code != tt.code {
				t.Fatalf("cmesite %v = %d, want %d\n%s%s", tt.args, code, tt.code, out, errOut)
			}
			golden(t, tt.golden, out)
		})
	}
}

// TestExportCSV: the export is RFC 4180 with the documented columns, and
// reads back as it was written.
func TestExportCSV(t *testing.T) {
	root := organizerSite(t)
	code, out, errOut := run("export", "--source", root)
	if code != ExitOK {
		t.Fatalf("export = %d: %s", code, errOut)
	}
	if !strings.Contains(out, "\r\n") || strings.HasPrefix(out, "\ufeff") {
		t.Error("the CSV does not end its records with CRLF, or starts with a byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "title,url,level,topics,audience,format,minutes,credits,objectives,authors,disclosures,reviewed,review_by,references" {
		t.Errorf("header = %s", got)
	}
	byTitle := map[string][]string{}
	for _, r := range recs[1:] {
		byTitle[r[0]] = r
	}
	pain := byTitle[`Pain, "total pain" and opioids`]
	if pain == nil {
		t.Fatalf("no row for the pain module: %q", recs)
	}
	if pain[8] != "Assess pain, including total pain.\nStart an opioid safely." || pain[10] != "none declared" || pain[7] != "1.5" || pain[9] != "Dr A. Example (GP)\nDr B. Sample" {
		t.Errorf("pain row = %q", pain)
	}
	if len(recs) != 6 {
		t.Errorf("%d records, want a header and 5 modules", len(recs))
	}
}

func TestExportFilterErrors(t *testing.T) {
	root := organizerSite(t)
	tests := []struct {
		filter, want string
	}{
		{"levle=basic", `unknown filter field "levle"; fields: level, topic, audience, format`},
		{"level=basci", `unknown level "basci"; allowed: basic, specialist`},
		{"topic=pian", `unknown topic "pian"; allowed: pain, nausea, news`},
		{"level", `filter "level" must be FIELD=VALUE`},
	}
	for _, tt := range tests {
		code, out, errOut := run("export", "--source", root, "--filter", tt.filter)
		if code != ExitUsage || !strings.Contains(errOut, tt.want) || out != "" {
			t.Errorf("export --filter %s = %d, %q; want exit 2 and %q", tt.filter, code, errOut, tt.want)
		}
	}
}

// TestAsOf: --as-of judges reviews on the day given, whatever today is.
func TestAsOf(t *testing.T) {
	root := organizerSite(t)
	for _, tt := range []struct {
		asOf    string
		overdue []string
	}{
		{"2026-05-31", nil},
		{"2026-06-02", []string{"content/talking/news.md:8"}},
		{"2026-12-21", []string{"content/cards/pain-card.md:8", "content/talking/news.md:8"}},
	} {
		_, out, _ := run("check", "--source", root, "--as-of", tt.asOf)
		var got []string
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "overdue for review") {
				got = append(got, strings.SplitN(line, ": ", 2)[0])
			}
		}
		if strings.Join(got, " ") != strings.Join(tt.overdue, " ") {
			t.Errorf("--as-of %s: overdue %q, want %q", tt.asOf, got, tt.overdue)
		}
	}
	if code, _, errOut := run("check", "--source", root, "--as-of", "1 June"); code != ExitUsage || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("--as-of with a bad date = %d %q", code, errOut)
	}
}

// TestReviewInterval: review_interval flags a review_by further out than
// the interval, and a bad interval is an error at its line.
func TestReviewInterval(t *testing.T) {
	root := organizerSite(t)
	_, out, _ := run("check", "--source", root, "--as-of", "2026-12-01")
	want := "content/symptoms/pain-complex.md:11: warning: review_by 2027-06-01 lies more than the site's review_interval 2y after reviewed 2024-01-01; set review_by to 2026-01-01 or earlier"
	if !strings.Contains(out, want) {
		t.Errorf("check does not say\n%s\n%s", want, out)
	}
	if strings.Contains(out, "content/symptoms/pain.md:17: warning: review_by") {
		t.Error("a review_by within the interval was flagged")
	}
	for _, bad := range []string{"3 years", "0y", "1.5y", "36", "3Y", "2w"} {
		cfg, _ := os.ReadFile(filepath.Join(root, "cmesite.yaml"))
		os.WriteFile(filepath.Join(root, "cmesite.yaml"), bytes.Replace(cfg, []byte("review_interval: 2y"), []byte("review_interval: "+bad), 1), 0o644)
		code, out, _ := run("check", "--source", root)
		if code != ExitContent || !strings.Contains(out, `cmesite.yaml:2: review_interval "`+bad+`": write a whole number of years or months, such as 3y, 2y or 18m`) {
			t.Errorf("review_interval: %s = %d\n%s", bad, code, out)
		}
		os.WriteFile(filepath.Join(root, "cmesite.yaml"), cfg, 0o644)
	}
}

func TestGitHubEscaping(t *testing.T) {
	for _, tt := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100% sure", "100%25 sure", "100%25 sure"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"c:\\x,y", "c:\\x,y", "c%3A\\x%2Cy"},
		{"%0A", "%250A", "%250A"},
	} {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

// TestCheckExternal: check --external reports a dead link as a warning at
// its file and line, and --strict fails on it; build never asks.
func TestCheckExternal(t *testing.T) {
	var hits atomic.Int32
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer ok.Close()
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); http.NotFound(w, r) }))
	defer gone.Close()
	mod := strings.Replace(module, "\n## One\n", "\n## One\n\nSee [the guideline]("+ok.URL+"/guide) and\n[an old page]("+gone.URL+"/old).\n", 1)
	root := writeSite(t, map[string]string{"content/symptoms/breathlessness.md": mod})
	cache := filepath.Join(t.TempDir(), "links.json")

	if code, _, errOut := run("build", "--source", root); code != ExitOK || hits.Load() != 0 {
		t.Fatalf("build = %d (%s) and asked %d links", code, errOut, hits.Load())
	}
	code, out, _ := run("check", "--source", root, "--external", "--cache", cache)
	want := "content/symptoms/breathlessness.md:12: warning: dead external link " + gone.URL + "/old: 404 Not Found"
	if code != ExitOK || !strings.Contains(out, want) || strings.Contains(out, ok.URL) {
		t.Errorf("check --external = %d\n%s\nwant %s", code, out, want)
	}
	if code, _, _ := run("check", "--source", root, "--external", "--cache", cache, "--strict"); code != ExitContent {
		t.Errorf("check --external --strict with a dead link = %d, want 1", code)
	}
	// The fine link was cached: the second check asked the dead one only.
	if hits.Load() != 3 {
		t.Errorf("the servers saw %d requests, want 3 (the fine link once, the dead one twice)", hits.Load())
	}
}
