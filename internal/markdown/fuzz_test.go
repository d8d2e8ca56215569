package markdown

import (
	"bytes"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
	"golang.org/x/tools/txtar"
)

// fuzzPages are the pages fuzzed links sit on: a module, a section page,
// the site root and a deep module.
var fuzzPages = []string{"pain/opioids.md", "pain/_index.md", "_index.md", "a/b/c.md"}

// addGoldenSeeds adds the input of every golden case to f.
func addGoldenSeeds(f *testing.F, add func(src []byte)) {
	names, _ := filepath.Glob("testdata/*.txtar")
	for _, name := range names {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if src, ok := archiveFile(ar, "input.md"); ok {
			add(src)
		}
	}
	if src, err := os.ReadFile("testdata/bench-module.md"); err == nil {
		add(src)
	}
}

// FuzzRender: Render never panics, never lets "<script" through, reports
// lines inside the body, produces unique heading ids, only relative link
// targets inside content/, and renders CRLF input like LF input.
func FuzzRender(f *testing.F) {
	addGoldenSeeds(f, func(src []byte) { f.Add(src, uint8(0)) })
	for _, s := range []string{
		"> [!NOTE]", "> [!FOO]\n> x", ">[!tip]\n>- a\n>- b", "> > [!WARNING]\n> > x",
		"- > [!NOTE]\n  > x", "> [!NOTE]\n> | a |\n> |---|\n> | 1 |", "> [!NOTE]\n> [r]: r.md\n> [x][r]",
		"[^1]: > [!TIP]\n    > x\n\nA[^1]", "## A {#callout-1}\n\n> [!NOTE]\n> x", "<script>", "[x](../../../x.md)",
		"Term\n: > [!NOTE]\n  > def", "# \n#\n## {#}", "[x](<a b.md>)", "![a](%zz.png)", "[x](\\&amp;.md#&amp;)",
	} {
		f.Add([]byte(s), uint8(1))
	}
	r := New(Options{})
	f.Fuzz(func(t *testing.T, src []byte, page uint8) {
		in := Input{Source: src, File: "content/x.md", Path: fuzzPages[int(page)%len(fuzzPages)], FirstLine: 3}
		res := r.Render(in)
		for _, d := range res.Diagnostics {
			if strings.Contains(d.Message, "internal error") {
				t.Fatalf("Render panicked: %s", d)
			}
		}
		if strings.Contains(strings.ToLower(res.HTML), "<script") {
			t.Fatalf("output holds <script:\n%s", res.HTML)
		}
		last := in.FirstLine + bytes.Count(src, []byte("\n"))
		for _, h := range res.Headings {
			if h.Line < in.FirstLine || h.Line > last {
				t.Errorf("heading %+v: line outside %d..%d", h, in.FirstLine, last)
			}
		}
		seen := map[string]bool{}
		for _, h := range res.Headings {
			if seen[h.ID] && !hasDiagnostic(res, h.Line, "heading id") {
				t.Errorf("heading id %q used twice without a diagnostic", h.ID)
			}
			seen[h.ID] = true
		}
		for _, l := range res.Links {
			if l.Line < in.FirstLine || l.Line > last {
				t.Errorf("link %+v: line outside %d..%d", l, in.FirstLine, last)
			}
			if l.Target != "" && (l.Target != path.Clean(l.Target) || l.Target == ".." ||
				strings.HasPrefix(l.Target, "../") || strings.HasPrefix(l.Target, "/")) {
				t.Errorf("link %+v: target is not a clean path inside content/", l)
			}
		}
		for _, d := range res.Diagnostics {
			if d.Line < in.FirstLine || d.Line > last {
				t.Errorf("diagnostic %s: line outside %d..%d", d, in.FirstLine, last)
			}
		}
		if !bytes.ContainsRune(src, '\r') && !bytes.HasPrefix(src, []byte("\ufeff")) {
			crlf := in
			crlf.Source = bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
			if got := r.Render(crlf); !reflect.DeepEqual(got, res) {
				t.Errorf("CRLF input renders differently")
			}
		}
	})
}

func hasDiagnostic(res Result, line int, text string) bool {
	for _, d := range res.Diagnostics {
		if d.Line == line && strings.Contains(d.Message, text) {
			return true
		}
	}
	return false
}

// FuzzLinks: any destination, on any page, is classified without panic;
// a rewritten relative link, once escaped the way goldmark writes href
// and resolved by a browser against the page URL, reaches the page or file
// of its Target.
func FuzzLinks(f *testing.F) {
	for _, s := range []string{
		"x.md", "./x.md", "../s/x.md", "x.md#frag", "_index.md", "../_index.md", "../", ".", "sub/",
		"diagram.png", "a%20b.md", "50%.png", "a#b#c", "x.md?q=1&r=2#f", "#frag", "", "#", "?q",
		"https://example.org/x.md", "mailto:a@b.c", "tel:+4412", "//host/x", "/pain/x.md", "/logo.png",
		"../../x.md", "..", "c:d.md", "a\\&b.md", "&amp;.md", "%2e%2e/%2e%2e/x.md", "x.md#a&amp;b", "日本.md",
	} {
		for p := range fuzzPages {
			f.Add(s, uint8(p))
		}
	}
	r := New(Options{})
	f.Fuzz(func(t *testing.T, dest string, page uint8) {
		pagePath := fuzzPages[int(page)%len(fuzzPages)]
		pageURL := URLFor(pagePath)
		for _, dir := range []string{".", "pain", "a/b", "/x", ""} {
			if got, want := string(appendJoin([]byte("keep"), dir, dest)), "keep"+path.Join(dir, dest); got != want && !(dir == "" && dest == "") {
				t.Fatalf("appendJoin(%q, %q) = %q, want path.Join's %q", dir, dest, got, want)
			}
		}
		if got, want := string(appendURLFor([]byte("keep"), dest)), "keep"+URLFor(dest); got != want {
			t.Fatalf("appendURLFor(%q) = %q, want %q", dest, got, want)
		}
		var scratch []byte
		res := resolveLink(pagePath, path.Dir(pagePath), []byte(dest), &scratch)
		// Rendering a link to it must not panic either.
		r.Render(Input{Source: []byte("[x](<" + dest + ">) ![y](" + dest + ")"), Path: pagePath})
		if res.kind != linkRelative {
			return
		}
		t2 := res.target
		if t2 != path.Clean(t2) || t2 == ".." || strings.HasPrefix(t2, "../") || strings.HasPrefix(t2, "/") || t2 == "." {
			t.Fatalf("%q on %s: target %q is not a clean path inside content/", dest, pagePath, t2)
		}
		if !utf8.ValidString(dest) || strings.ContainsFunc(dest, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return
		}
		href := string(util.URLEscape(res.rewrite(pageURL, &scratch), true))
		ref, err := url.Parse(href)
		if err != nil {
			t.Fatalf("%q on %s: href %q does not parse: %v", dest, pagePath, href, err)
		}
		if ref.Scheme != "" || ref.Host != "" {
			t.Fatalf("%q on %s: href %q is not relative", dest, pagePath, href)
		}
		base, _ := url.Parse("https://h/" + pageURL)
		got := base.ResolveReference(ref)
		if want := "/" + URLFor(t2); got.Path != want && utf8.ValidString(t2) {
			t.Fatalf("%q on %s: href %q leads to %q, want %q", dest, pagePath, href, got.Path, want)
		}
	})
}

// FuzzRel: Rel never panics, and for clean paths a browser resolving its
// result against from reaches to.
func FuzzRel(f *testing.F) {
	for _, tt := range [][2]string{
		{"pain/opioids/", "opioids/x/"}, {"", ""}, {"a/", "a/b.png"}, {"a/b/", ""}, {"", "c:d/"},
		{"ab/", "ab"}, {"a/bc/", "a/b/"}, {"x", "y"}, {"//", "/"}, {"a//b/", "a/"},
	} {
		f.Add(tt[0], tt[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		got := Rel(from, to)
		if !cleanURLPath(from) || !cleanURLPath(to) {
			return
		}
		if got == "" {
			t.Fatalf("Rel(%q, %q) is empty", from, to)
		}
		checkRel(t, from, to)
	})
}

// cleanURLPath reports whether p is a path the way URLFor returns them:
// relative, no empty, "." or ".." segments, plain characters only.
func cleanURLPath(p string) bool {
	if p == "" {
		return true
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.:/~", c) >= 0) {
			return false
		}
	}
	segs := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return false
		}
	}
	return true
}

// checkRel checks that Rel(from, to), resolved against from by net/url the
// way a browser does, is to.
func checkRel(t *testing.T, from, to string) {
	t.Helper()
	rel := Rel(from, to)
	ref, err := url.Parse(rel)
	if err != nil {
		t.Fatalf("Rel(%q, %q) = %q does not parse: %v", from, to, rel, err)
	}
	if ref.Scheme != "" || ref.Host != "" {
		t.Fatalf("Rel(%q, %q) = %q is not a relative URL", from, to, rel)
	}
	base, err := url.Parse("https://h/" + from)
	if err != nil {
		t.Fatalf("base %q: %v", from, err)
	}
	if got := base.ResolveReference(ref).Path; got != "/"+to {
		t.Fatalf("Rel(%q, %q) = %q leads to %q", from, to, rel, got)
	}
}

// FuzzNoLinkify: a body Render parses without GFM's bare links (mayLink
// false) renders to exactly what the parser with them makes of it, and a
// body with a bare link in it is parsed with them.
func FuzzNoLinkify(f *testing.F) {
	addGoldenSeeds(f, func(src []byte) { f.Add(src) })
	for _, s := range []string{
		"a b  \nc *d* _e_ ~f~ (g) h", "Call the team:\n\n- at night\n- (weekends)", "x http:/ y ftp: z",
		"www example.org", "a\tb\n\n    code www.x\n", "mail a@b.org", "see www.example.org.", "(https://example.org/a)",
		"**x** https://example.org", "| a | b |\n|---|---|\n| 1 | 2 |", "[^1]\n\n[^1]: x y", "`a b` c",
	} {
		f.Add([]byte(s))
	}
	r := New(Options{})
	always := *r
	always.noLinkify = r.parser
	f.Fuzz(func(t *testing.T, src []byte) {
		in := Input{Source: src, File: "content/x.md", Path: "x.md", FirstLine: 3}
		got, want := r.Render(in), always.Render(in)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("without bare links (mayLink %v):\n%q\nwith them:\n%q", mayLink(src), got.HTML, want.HTML)
		}
	})
}

// FuzzHeadingIDs: the ids the walk keeps for renderHeading make the same
// Result as when goldmark's WithAutoHeadingID gave every heading an
// attribute list for the walk to fill in, on the page and on a page that
// shows the callouts. One input differs on purpose: a custom id that is
// not a string ({id=1}) made goldmark panic (Render reported an internal
// error); the walk gives that heading an id of its own.
func FuzzHeadingIDs(f *testing.F) {
	addGoldenSeeds(f, func(src []byte) { f.Add(src, false) })
	for _, s := range []string{
		"# A\n## A\n## A {#a-1}\n## B {.x}\n### B\n", "Setext\n===\n\nSub\n---\n", "> # In a quote\n\n- ## In a list\n",
		"## First\n\n## Later {#first}\n", "## {#}\n", "# {id=1}\n", "## x {#a .b data-c=d}\n",
		"> [!KEY POINTS]\n> ## Inside {#in}\n> ## Inside\n\n## Inside\n", "## callout-1\n\n> [!NOTE]\n> x\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	r := New(Options{})
	auto := New(Options{})
	auto.parser.AddOptions(parser.WithAutoHeadingID())
	auto.noLinkify.AddOptions(parser.WithAutoHeadingID())
	f.Fuzz(func(t *testing.T, src []byte, shown bool) {
		in := Input{Source: src, File: "content/x.md", Path: "x.md", FirstLine: 3}
		if shown {
			in.CalloutsAt = &ShownAt{URL: "pocket-cards/", IDPrefix: "c1-"}
		}
		got, want := r.Render(in), auto.Render(in)
		for _, d := range want.Diagnostics {
			if strings.Contains(d.Message, "internal error") {
				return
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ids from the walk:\n%q\nfrom attributes:\n%q", got.HTML, want.HTML)
		}
	})
}

// TestBareLinks: bare addresses are still links, one per kind mayLink
// looks for, and a body without any is parsed without looking.
func TestBareLinks(t *testing.T) {
	r := New(Options{})
	for _, tc := range []struct{ src, want string }{
		{"Guidance at https://example.org/a today.", `<a href="https://example.org/a">https://example.org/a</a>`},
		{"Guidance at www.example.org today.", `<a href="http://www.example.org">www.example.org</a>`},
		{"Write to team@example.org today.", `<a href="mailto:team@example.org">team@example.org</a>`},
		{"(ftp://example.org/f)", `<a href="ftp://example.org/f">ftp://example.org/f</a>`},
	} {
		if !mayLink([]byte(tc.src)) {
			t.Errorf("mayLink(%q) = false", tc.src)
		}
		if got := r.Render(Input{Source: []byte(tc.src), File: "content/x.md", Path: "x.md"}).HTML; !strings.Contains(string(got), tc.want) {
			t.Errorf("%q rendered as %s, want it to hold %s", tc.src, got, tc.want)
		}
	}
	if mayLink([]byte("Breathlessness: sit the patient up (a fan helps).")) {
		t.Error("mayLink is true for prose without an address")
	}
}

// FuzzLinkRefs: the Renderer, which asks goldmark for link reference
// definitions only in paragraphs that can start with one, renders
// everything as it does when goldmark is asked about every paragraph.
func FuzzLinkRefs(f *testing.F) {
	addGoldenSeeds(f, func(src []byte) { f.Add(src) })
	for _, s := range []string{
		"[a]: x.md\n\n[b][a]", "  [a]: <x y.md> \"t\"\n[a]", "x\n[a]: x.md\n\n[a]", "\t[a]: x.md\n[a]",
		"> [a]: x.md\n> [a]", "- [a]: x.md\n\n  [a]", "[a]:\nx.md\n'title'\n\n[a]", "[a]\n: x", "\\[a]: x.md",
		"[^1]: note\n\nA[^1]", "[a]: x.md\n[b]: y.md\ntext [a] [b]", "   \t[a]: x.md\n\n[a]",
	} {
		f.Add([]byte(s))
	}
	r := New(Options{})
	stock := newRenderer(Options{}, parser.LinkReferenceParagraphTransformer)
	f.Fuzz(func(t *testing.T, src []byte) {
		in := Input{Source: src, File: "content/x.md", Path: "x.md", FirstLine: 3}
		if got, want := r.Render(in), stock.Render(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("with linkRefs:\n%q\nwith goldmark's transformer:\n%q", got.HTML, want.HTML)
		}
	})
}

// TestTrailingSpaces: a line that ends in two or more blanks, the last
// line too, is found; one blank, or blanks inside a line, are not.
func TestTrailingSpaces(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"a  \nb", true}, {"a\nb  ", true}, {"a\t \nb", true}, {"a\r \nb", true}, {"  \n", true},
		{"a \nb", false}, {"a  b\nc", false}, {"a\n\n\nb", false}, {"", false}, {" ", false},
	} {
		if got := trailingSpaces([]byte(tc.src)); got != tc.want {
			t.Errorf("trailingSpaces(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}
