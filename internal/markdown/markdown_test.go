package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/*.txtar from the current output")

// A golden case is testdata/NAME.txtar. Its comment holds "key: value"
// lines:
//
//	path: pain/opioids.md        Input.Path (default "pain/page.md")
//	file: content/pain/x.md      Input.File (default "content/" + path)
//	firstline: 12                Input.FirstLine (default 1)
//	label: KEY POINTS=Points clés  an Options.CalloutLabels entry (repeatable)
//
// Its files: input.md (the body) and output.html (the expected HTML), and,
// when present, the expected headings.txt, links.txt, sections.txt and
// diagnostics.txt. Diagnostics must be expected: a case without
// diagnostics.txt must have none. With -update the expected files are
// rewritten, optional ones only when present (diagnostics.txt also when
// there are diagnostics).
type goldenCase struct {
	name string
	in   Input
	opts Options
	ar   *txtar.Archive
}

func loadCases(t *testing.T) []goldenCase {
	t.Helper()
	names, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(names) == 0 {
		t.Fatalf("no golden cases in testdata: %v", err)
	}
	var cases []goldenCase
	for _, name := range names {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		c := goldenCase{name: strings.TrimSuffix(filepath.Base(name), ".txtar"), ar: ar}
		c.in.Path = "pain/page.md"
		c.in.FirstLine = 1
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "path":
				c.in.Path = v
			case "file":
				c.in.File = v
			case "firstline":
				if c.in.FirstLine, err = strconv.Atoi(v); err != nil {
					t.Fatalf("%s: firstline: %v", name, err)
				}
			case "label":
				kind, label, _ := strings.Cut(v, "=")
				if c.opts.CalloutLabels == nil {
					c.opts.CalloutLabels = map[string]string{}
				}
				c.opts.CalloutLabels[kind] = label
			}
		}
		if c.in.File == "" {
			c.in.File = "content/" + c.in.Path
		}
		src, ok := archiveFile(ar, "input.md")
		if !ok {
			t.Fatalf("%s: no input.md", name)
		}
		c.in.Source = src
		cases = append(cases, c)
	}
	return cases
}

func archiveFile(ar *txtar.Archive, name string) ([]byte, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

func setArchiveFile(ar *txtar.Archive, name string, data []byte) {
	for i, f := range ar.Files {
		if f.Name == name {
			ar.Files[i].Data = data
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
}

// goldenFiles formats a Result as the files of a golden case.
func goldenFiles(res Result) map[string][]byte {
	var h, l, s, d bytes.Buffer
	for _, x := range res.Headings {
		fmt.Fprintf(&h, "%d h%d id=%q text=%q\n", x.Line, x.Level, x.ID, x.Text)
	}
	for _, x := range res.Links {
		kind := "link"
		if x.Image {
			kind = "image"
		}
		fmt.Fprintf(&l, "%d %s target=%q fragment=%q raw=%q\n", x.Line, kind, x.Target, x.Fragment, x.Raw)
	}
	for _, x := range res.Sections {
		fmt.Fprintf(&s, "anchor=%q heading=%q callout=%q\n  %q\n", x.Anchor, x.Heading, x.Callout, x.Text)
	}
	for _, x := range res.Diagnostics {
		fmt.Fprintln(&d, x.String())
	}
	return map[string][]byte{
		"output.html":     []byte(res.HTML),
		"headings.txt":    h.Bytes(),
		"links.txt":       l.Bytes(),
		"sections.txt":    s.Bytes(),
		"diagnostics.txt": d.Bytes(),
	}
}

var optionalFiles = []string{"headings.txt", "links.txt", "sections.txt", "diagnostics.txt"}

func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			res := New(c.opts).Render(c.in)
			got := goldenFiles(res)
			if *update {
				setArchiveFile(c.ar, "output.html", got["output.html"])
				for _, name := range optionalFiles {
					if _, ok := archiveFile(c.ar, name); ok || name == "diagnostics.txt" && len(got[name]) > 0 {
						setArchiveFile(c.ar, name, got[name])
					}
				}
				if err := os.WriteFile(filepath.Join("testdata", c.name+".txtar"), txtar.Format(c.ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range append([]string{"output.html"}, optionalFiles...) {
				want, ok := archiveFile(c.ar, name)
				if !ok {
					switch {
					case name == "output.html":
						t.Fatalf("no output.html (run go test -update)")
					case name == "diagnostics.txt" && len(got[name]) > 0:
						t.Errorf("unexpected diagnostics:\n%s", got[name])
					}
					continue
				}
				if g := got[name]; !bytes.Equal(g, want) {
					t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, g, want)
				}
			}
		})
	}
}

// TestLineEndingsAndBOM renders every golden input with CRLF line ends and
// with a byte order mark: the result must be the one of the plain input.
func TestLineEndingsAndBOM(t *testing.T) {
	for _, c := range loadCases(t) {
		r := New(c.opts)
		want := r.Render(c.in)
		variants := map[string][]byte{
			"CRLF":     bytes.ReplaceAll(c.in.Source, []byte("\n"), []byte("\r\n")),
			"BOM":      append([]byte("\ufeff"), c.in.Source...),
			"BOM+CRLF": append([]byte("\ufeff"), bytes.ReplaceAll(c.in.Source, []byte("\n"), []byte("\r\n"))...),
		}
		for name, src := range variants {
			in := c.in
			in.Source = src
			got := r.Render(in)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s with %s: result differs from the LF input\n--- got\n%s\n--- want\n%s", c.name, name, got.HTML, want.HTML)
			}
			if strings.Contains(got.HTML, "\ufeff") || strings.Contains(got.HTML, "\r") {
				t.Errorf("%s with %s: output holds a BOM or CR", c.name, name)
			}
		}
	}
}

// TestRenderDoesNotModifyInput: the builder may keep the source around.
func TestRenderDoesNotModifyInput(t *testing.T) {
	src := []byte("\ufeff> [!NOTE]\r\n> See [x](x.md).\r\n\r\n| a |\r\n|---|\r\n| 1 |\r\n")
	orig := bytes.Clone(src)
	New(Options{}).Render(Input{Source: src, Path: "a/b.md"})
	if !bytes.Equal(src, orig) {
		t.Errorf("Render changed its input:\n%q\n%q", src, orig)
	}
}

// TestConcurrentRender renders different modules from many goroutines with
// one Renderer; each result must equal the one rendered alone. Run with
// -race.
func TestConcurrentRender(t *testing.T) {
	cases := loadCases(t)
	r := New(Options{})
	want := make([]Result, len(cases))
	for i, c := range cases {
		want[i] = r.Render(c.in)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(cases))
	for g := range 8 {
		wg.Go(func() {
			for k := range 3 * len(cases) {
				i := (k + g) % len(cases)
				if got := r.Render(cases[i].in); !reflect.DeepEqual(got, want[i]) {
					errs <- cases[i].name
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for name := range errs {
		t.Errorf("%s: concurrent result differs from the sequential one", name)
	}
}

// TestResultIsOwned: results must not share memory with pooled buffers that
// the next Render reuses.
func TestResultIsOwned(t *testing.T) {
	r := New(Options{})
	in := Input{Source: []byte("# A\n\nText [l](l.md).\n\n## B\n\n> [!TIP]\n> tip\n"), Path: "s/p.md"}
	first := r.Render(in)
	keep := goldenFiles(first)
	for range 5 {
		r.Render(Input{Source: []byte("# Other\n\nZZZZZZZZZZZZZZZZZZZZZZZZZZZZ [m](m.md) ZZZZZZZZZZZZZZ\n\n## C\n\n> [!NOTE]\n> yyyyyyyyyyyyyyyyy\n"), Path: "t/q.md"})
	}
	again := goldenFiles(first)
	for name, v := range keep {
		if !bytes.Equal(v, again[name]) {
			t.Errorf("%s of an earlier result changed after later renders:\n%s\n%s", name, v, again[name])
		}
	}
}

// TestRenderTransient: RenderTransient gives Render's result, and after
// done and later renders, all of it but the HTML and the section texts
// (the two it lends) is as it was.
func TestRenderTransient(t *testing.T) {
	r := New(Options{})
	for _, c := range loadCases(t) {
		want := r.Render(c.in)
		got, done := r.RenderTransient(c.in)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: RenderTransient differs from Render", c.name)
		}
		// What the caller may keep, copied now for comparison.
		kept := got
		kept.HTML, kept.Sections = "", nil
		before := goldenFiles(kept)
		done()
		for range 3 {
			_, done := r.RenderTransient(Input{Source: []byte("# Other\n\nZZZZZZZZZZZZZZZZZZZZZZZZZZZZ [m](m.md#x) ZZZZZZZZ\n\n## C\n\n> [!NOTE]\n> yyyyyyyyyyyyyyyyy\n"), Path: "t/q.md"})
			done()
		}
		after := goldenFiles(kept)
		for name, v := range before {
			if !bytes.Equal(v, after[name]) {
				t.Errorf("%s: %s of a transient result changed after done and later renders:\n%s\n%s", c.name, name, v, after[name])
			}
		}
	}
}

func TestRawHTMLNeverRendered(t *testing.T) {
	r := New(Options{})
	for _, src := range []string{
		"<script>alert(1)</script>",
		"text <script>alert(1)</script> text",
		"<SCRIPT src=x></SCRIPT>",
		"<div>\n<script>x</script>\n</div>",
		"> [!NOTE]\n> <script>alert(1)</script>",
		"| a |\n|---|\n| <script>x</script> |",
		"## Heading {title=\"<script>\"}",
		"[x](javascript:alert(1))",
		"<img src=x onerror=alert(1)>",
		"[^1]\n\n[^1]: <script>x</script>",
	} {
		res := r.Render(Input{Source: []byte(src), Path: "a.md"})
		html := strings.ToLower(string(res.HTML))
		if strings.Contains(html, "<script") || strings.Contains(html, "onerror") || strings.Contains(html, "javascript:") {
			t.Errorf("%q rendered active content:\n%s", src, res.HTML)
		}
	}
}

func TestCalloutLabels(t *testing.T) {
	src := []byte("> [!Key Points]\n> a\n\n> [!NOTE]\n> b\n")
	tests := []struct {
		labels map[string]string
		want   []string
	}{
		{nil, []string{">Key points</p>", ">Note</p>"}},
		{map[string]string{"key  points": "Points clés", "NOTE": ""}, []string{">Points clés</p>", ">Note</p>"}},
		{map[string]string{"NOTE": "<b>&</b>", "UNKNOWN": "x"}, []string{">Key points</p>", ">&lt;b&gt;&amp;&lt;/b&gt;</p>"}},
	}
	for _, tt := range tests {
		res := New(Options{CalloutLabels: tt.labels}).Render(Input{Source: src, Path: "a.md"})
		for _, w := range tt.want {
			if !strings.Contains(res.HTML, w) {
				t.Errorf("labels %v: output lacks %q:\n%s", tt.labels, w, res.HTML)
			}
		}
	}
}

func TestSuggestKind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"RED FLAG", "RED FLAGS"},
		{"KEYPOINTS", "KEY POINTS"},
		{"WARN", "WARNING"},
		{"NOTES", "NOTE"},
		{"CAUTON", "CAUTION"},
		{"IMPORTNAT", "IMPORTANT"},
		{"TIPS", "TIP"},
		{"PRACTISE TIP", "PRACTICE TIP"},
		{"CALL TEAM", "CALL THE TEAM"},
		{"FOO", ""},
		{"DANGER", ""},
		{"X", ""},
		{strings.Repeat("A", 100), ""},
	}
	for _, tt := range tests {
		if got := suggestKind(tt.in); got != tt.want {
			t.Errorf("suggestKind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestURLFor(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pain/opioids.md", "pain/opioids/"},
		{"pain/_index.md", "pain/"},
		{"_index.md", ""},
		{"opioids.md", "opioids/"},
		{"a/b/c/d.md", "a/b/c/d/"},
		{"a/b/_index.md", "a/b/"},
		{"pain/my_index.md", "pain/my_index/"},
		{"pain/diagram.png", "pain/diagram.png"},
		{"pain/leaflet.pdf", "pain/leaflet.pdf"},
		{"pain/notes.MD", "pain/notes.MD"},
		{"", ""},
		{".md", ".md"},
		{"a/..md", "a/..md"},
		{"a/.md", "a/.md"},
		{"a/.x.md", "a/.x/"},
	}
	for _, tt := range tests {
		if got := URLFor(tt.in); got != tt.want {
			t.Errorf("URLFor(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRel(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"pain/opioids/", "opioids/x/", "../../opioids/x/"},
		{"pain/opioid-titration/", "pain/breathlessness/", "../breathlessness/"},
		{"pain/opioids/", "pain/", "../"},
		{"pain/opioids/", "", "../../"},
		{"pain/opioids/", "pain/opioids/", "./"},
		{"pain/opioids/", "pain/diagram.png", "../diagram.png"},
		{"pain/", "pain/opioids/", "opioids/"},
		{"pain/", "pain/diagram.png", "diagram.png"},
		{"pain/", "pain/", "./"},
		{"pain/", "", "../"},
		{"", "", "./"},
		{"", "pain/", "pain/"},
		{"", "pain/opioids/", "pain/opioids/"},
		{"", "logo.png", "logo.png"},
		{"a/bc/", "a/b/", "../b/"},
		{"a/b/", "a/bc/", "../bc/"},
		{"ab/", "ab", "../ab"},
		{"a/b/c/", "a/x/y/", "../../x/y/"},
		{"pain/x.html", "pain/y.png", "y.png"}, // from names a file: its folder counts
		{"", "c:d/", "./c:d/"},                 // not a URL scheme
		{"a/", "a/c:d.png", "./c:d.png"},
		{"a/b/", "c:d/", "../../c:d/"},
	}
	for _, tt := range tests {
		if got := Rel(tt.from, tt.to); got != tt.want {
			t.Errorf("Rel(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
		checkRel(t, tt.from, tt.to)
	}
}

func TestAppendPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{`\*not emphasis\*`, "*not emphasis*"},
		{`a\b`, `a\b`}, // not an escape: 'b' is not punctuation
		{`ends with \`, `ends with \`},
		{`\\`, `\`},
		{"AT&amp;T", "AT&T"},
		{"AT&T", "AT&T"},
		{"&copy; &nbsp;x", "© \u00a0x"},
		{"&rsquo;&hellip;", "’…"},
		{"&#233;&#xE9;&#XE9;", "ééé"},
		{"&#0; &#xD800; &#x110000;", "\ufffd \ufffd \ufffd"},
		{"&#12345678; &#x1234567;", "&#12345678; &#x1234567;"}, // too many digits
		{"&bogus; &; &# &#x; &#;", "&bogus; &; &# &#x; &#;"},
		{`\&amp;`, "&amp;"},
		{"&amp", "&amp"},
	}
	for _, tt := range tests {
		if got := string(appendPlain([]byte("<"), []byte(tt.in))); got != "<"+tt.want {
			t.Errorf("appendPlain(%q) = %q, want %q", tt.in, got[1:], tt.want)
		}
	}
}

func TestHeadingIDs(t *testing.T) {
	var s ids
	s.reset()
	s.parsing = false
	tests := []struct{ in, want string }{
		{"Starting doses", "starting-doses"},
		{"Starting doses", "starting-doses-1"},
		{"  Starting doses\t", "starting-doses-2"},
		{"Übelkeit & Erbrechen", "übelkeit--erbrechen"},
		{"Drug_name (mg/kg)", "drug_name-mgkg"},
		{"已知 问题", "已知-问题"},
		{"!!!", "heading"},
		{"", "heading-1"},
		{"heading 1", "heading-1-1"}, // "heading-1" is taken
		{"Crème brûlée", "crème-brûlée"},
	}
	for _, tt := range tests {
		if got := s.generate([]byte(tt.in), ast.KindHeading); got != tt.want {
			t.Errorf("generate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	s.Put([]byte("custom"))
	if got := s.generate([]byte("Custom"), ast.KindHeading); got != "custom-1" {
		t.Errorf("an id after a custom one = %q, want custom-1", got)
	}
	s.parsing = true
	if got := s.Generate([]byte("x"), ast.KindHeading); got != nil {
		t.Errorf("while parsing, heading ids are left to the walk; got %q", got)
	}
}
