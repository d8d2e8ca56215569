package site

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/organize"
)

// TestOrganizerPages: the coverage and review pages are built, kept out
// of search engines, the sitemap and the learner navigation, show the
// gaps of the fixture, and can be left out.
func TestOrganizerPages(t *testing.T) {
	files, _ := build(t, fixture(t, "small.txtar"), Options{})
	pages := []string{"organizers/coverage/index.html", "organizers/reviews/index.html"}
	for _, p := range pages {
		data, ok := files[p]
		if !ok {
			t.Fatalf("%s was not built", p)
		}
		if !strings.Contains(string(data), `<meta name="robots" content="noindex">`) {
			t.Errorf("%s has no robots noindex", p)
		}
	}
	if strings.Contains(string(files["sitemap.xml"]), "organizers/") {
		t.Error("sitemap.xml lists an organizer page")
	}
	for name, data := range files {
		if strings.HasSuffix(name, ".html") && !strings.HasPrefix(name, "organizers/") && strings.Contains(string(data), "organizers/") {
			t.Errorf("%s links to an organizer page", name)
		}
	}
	coverage := string(files["organizers/coverage/index.html"])
	for _, want := range []string{
		// a topic with no basic module
		`topic &#34;last-days&#34; (Last days of life) has no basic module`,
		// a quick-reference card without a CALL THE TEAM callout
		`<a href="../../cards/breathless-card/">quick-reference card &#34;Breathlessness card&#34; has no`,
		// modules without objectives, at the frontmatter's line
		`<code>content/talking/bad-news.md:1</code>`,
		// a cell links to the catalogue filtered to it
		`<td class="num"><a href="../../catalogue/?level=specialist&amp;topic=last-days">1 · 1 h 30 min</a></td>`,
		// an empty cell stands out
		`<td class="num cell-empty">0</td>`,
		// the EAPC competencies, by name
		`Meet patients&#39; spiritual needs`,
	} {
		if !strings.Contains(coverage, want) {
			t.Errorf("the coverage page does not contain %s", want)
		}
	}

	for _, opts := range []struct {
		name  string
		opts  Options
		files map[string]string
	}{
		{"--no-organizer-pages", Options{NoOrganizerPages: true}, nil},
		{"organizer_pages: false", Options{}, map[string]string{"cmesite.yaml": readFixtureConfig(t) + "organizer_pages: false\n"}},
	} {
		t.Run(opts.name, func(t *testing.T) {
			got, _ := build(t, overlayFS{fixture(t, "small.txtar"), opts.files}, opts.opts)
			for _, p := range pages {
				if _, ok := got[p]; ok {
					t.Errorf("%s was built", p)
				}
			}
		})
	}
}

func readFixtureConfig(t *testing.T) string {
	t.Helper()
	return mapFromFS(fixture(t, "small.txtar"))["cmesite.yaml"]
}

// TestOrganizersReserved: content may not take the organizer pages' folder.
func TestOrganizersReserved(t *testing.T) {
	module := "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n"
	_, diags := New(overlayFS{fixture(t, "small.txtar"), map[string]string{"content/organizers/plan.md": module}}, Options{Today: today}).Build(NewMemory())
	if want := `the folder name "organizers" is taken by pages cmesite generates`; !strings.Contains(fmt.Sprint(diags), want) {
		t.Errorf("diagnostics do not say %q:\n%s", want, diags)
	}
}

// TestAliases: each alias of a module is a page at the old URL that
// redirects to the module; an alias that collides is an error at its
// line.
func TestAliases(t *testing.T) {
	const head = "---\ntitle: Breathlessness card\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: What to do now.\nformat: quick-reference\n"
	card := head + "aliases:\n  - old-cards/breathless\n  - /quick/sob.md\n---\n## Red flags\n"
	files, _ := build(t, overlayFS{fixture(t, "small.txtar"), map[string]string{"content/cards/breathless-card.md": card}}, Options{})
	for _, p := range []string{"old-cards/breathless/index.html", "quick/sob/index.html"} {
		page := string(files[p])
		for _, want := range []string{
			`<meta http-equiv="refresh" content="0; url=../../cards/breathless-card/">`,
			`<link rel="canonical" href="../../cards/breathless-card/">`,
			`<meta name="robots" content="noindex">`,
			`<a href="../../cards/breathless-card/">Breathlessness card</a>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s does not contain %s", p, want)
			}
		}
	}
	if strings.Contains(string(files["sitemap.xml"]), "old-cards") {
		t.Error("sitemap.xml lists a redirect")
	}
	withBase, _ := build(t, overlayFS{fixture(t, "small.txtar"), map[string]string{"content/cards/breathless-card.md": card}}, Options{BaseURL: "https://cme.example.org/pc/"})
	if want := `<link rel="canonical" href="https://cme.example.org/pc/cards/breathless-card/">`; !strings.Contains(string(withBase["old-cards/breathless/index.html"]), want) {
		t.Errorf("with a base URL, the redirect does not contain %s", want)
	}

	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"an alias at a module's URL", map[string]string{"content/cards/breathless-card.md": head + "aliases: [talking/bad-news]\n---\n## Red flags\n"},
			[]string{`content/cards/breathless-card.md:8: alias "talking/bad-news": the URL /talking/bad-news/ is taken by the page of content/talking/bad-news.md`}},
		{"an alias at a section's URL", map[string]string{"content/cards/breathless-card.md": head + "aliases:\n  - x\n  - symptoms\n---\n## Red flags\n"},
			[]string{`content/cards/breathless-card.md:10: alias "symptoms": the URL /symptoms/ is taken by the page of content/symptoms/_index.md`}},
		{"two modules with one alias", map[string]string{
			"content/cards/breathless-card.md": head + "aliases: [old/sob]\n---\n## Red flags\n",
			"content/talking/bad-news.md":      "---\ntitle: Bad news\nlevel: basic\ntopics: [communication]\naudience: [gp]\nsummary: s\naliases:\n  - old/sob\n---\n## Red flags\n"},
			[]string{`content/cards/breathless-card.md:8: alias "old/sob": the URL /old/sob/ is taken by an alias of content/talking/bad-news.md (line 8)`,
				`content/talking/bad-news.md:8: alias "old/sob": the URL /old/sob/ is taken by an alias of content/cards/breathless-card.md (line 8)`}},
		{"an alias in a reserved folder", map[string]string{"content/cards/breathless-card.md": head + "aliases: [topics/sob]\n---\n## Red flags\n"},
			[]string{`content/cards/breathless-card.md:8: alias "topics/sob" starts with "topics", a name taken by pages cmesite generates`}},
		{"the module's own URL", map[string]string{"content/cards/breathless-card.md": head + "aliases: [cards/breathless-card]\n---\n## Red flags\n"},
			[]string{`content/cards/breathless-card.md:8: alias "cards/breathless-card" is the module's own URL`}},
		{"not a path", map[string]string{"content/cards/breathless-card.md": head + "aliases:\n  - ../up\n  - https://example.org/x\n---\n## Red flags\n"},
			[]string{`content/cards/breathless-card.md:9: alias "../up" must be an old module id`, `content/cards/breathless-card.md:10: alias "https://example.org/x" must be an old module id`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := New(overlayFS{fixture(t, "small.txtar"), tt.files}, Options{Today: today}).Build(NewMemory())
			for _, want := range tt.want {
				if !strings.Contains(fmt.Sprint(diags), want) {
					t.Errorf("diagnostics do not say %q:\n%s", want, diags)
				}
			}
			if diags.Errors() != len(tt.want) {
				t.Errorf("%d errors, want %d:\n%s", diags.Errors(), len(tt.want), diags)
			}
		})
	}
}

// TestExternalLinks: check --external reads the http(s) links of bodies
// and references, at their lines.
func TestExternalLinks(t *testing.T) {
	mod := "---\ntitle: A\nlevel: basic\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\nreferences:\n  - \"Guideline. https://example.org/guide.\"\n---\nSee [x](https://example.org/a) and <http://example.org/b>.\n"
	b := New(overlayFS{fixture(t, "small.txtar"), map[string]string{"content/symptoms/ext.md": mod}}, Options{Today: today, Stream: true})
	if _, diags := b.Build(NewMemory()); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	var got []string
	for _, l := range b.ExternalLinks() {
		if l.File == "content/symptoms/ext.md" {
			got = append(got, fmt.Sprintf("%d %s", l.Line, l.URL))
		}
	}
	want := "10 https://example.org/a|10 http://example.org/b|7 https://example.org/guide"
	if strings.Join(got, "|") != want {
		t.Errorf("external links = %q, want %q", strings.Join(got, "|"), want)
	}
}

// FuzzURLsIn: the URLs found in a reference are pieces of it that start
// with http:// or https://, and finding them never panics.
func FuzzURLsIn(f *testing.F) {
	for _, s := range []string{"NICE NG31. https://www.nice.org.uk/guidance/ng31.", "see http://a.example/x, and https://b.example/(y)", "https://", "http://http://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range urlsIn(s) {
			if !strings.Contains(s, u) || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
				t.Fatalf("urlsIn(%q) gave %q", s, u)
			}
		}
	})
}

// TestReviewSchedulePaged: a review schedule longer than reviewRows is
// paged like every list: each page lists at most reviewRows modules,
// earliest review first, the pages together list every module once, each
// links the pages before and after it, and each carries every review date
// (for the counts a browser brings up to its day) and the whole site's
// counts. A schedule that fits on one page carries no dates.
func TestReviewSchedulePaged(t *testing.T) {
	files, _ := build(t, fixture(t, "small.txtar"), Options{})
	one := string(files["organizers/reviews/index.html"])
	if strings.Contains(one, "data-review-dates") || strings.Contains(one, "list-pager") {
		t.Error("a schedule on one page carries review dates or a pager")
	}
	oneRows := reviewRowsOf(one)

	defer func(n int) { reviewRows = n }(reviewRows)
	reviewRows = 2
	files, _ = build(t, fixture(t, "small.txtar"), Options{})
	var rows []string
	total := (len(oneRows) + 1) / 2
	for n := 1; n <= total; n++ {
		name := "organizers/reviews/index.html"
		if n > 1 {
			name = fmt.Sprintf("organizers/reviews/page/%d/index.html", n)
		}
		page := string(files[name])
		if page == "" {
			t.Fatalf("%s was not built", name)
		}
		// Links are relative: a later page is two folders deeper.
		got := reviewRowsOf(strings.ReplaceAll(page, `href="../../../../`, `href="../../`))
		if len(got) == 0 || len(got) > 2 {
			t.Errorf("%s lists %d modules, want 1 or 2", name, len(got))
		}
		rows = append(rows, got...)
		if want := fmt.Sprintf("Page %d of %d", n, total); !strings.Contains(page, want) {
			t.Errorf("%s does not say %q", name, want)
		}
		if n > 1 && !strings.Contains(page, `rel="prev"`) || n < total && !strings.Contains(page, `rel="next"`) {
			t.Errorf("%s does not link the pages beside it", name)
		}
		dates := between(page, `data-review-dates="`, `"`)
		sum := 0
		for _, pair := range strings.Split(dates, ",") {
			var d string
			var k int
			if _, err := fmt.Sscanf(strings.Replace(pair, ":", " ", 1), "%s %d", &d, &k); err != nil {
				t.Fatalf("%s: review date %q: %v", name, pair, err)
			}
			sum += k
		}
		if dated := strings.Count(one, "<tr class=\"review-") - strings.Count(one, "<tr class=\"review-none\""); sum != dated {
			t.Errorf("%s: the review dates count %d modules, want the %d with a date", name, sum, dated)
		}
		if between(page, `<ul class="review-counts">`, `</ul>`) != between(one, `<ul class="review-counts">`, `</ul>`) {
			t.Errorf("%s does not show the whole site's counts", name)
		}
	}
	if strings.Join(rows, "\n") != strings.Join(oneRows, "\n") {
		t.Errorf("the pages list\n%s\nwant, as on one page,\n%s", strings.Join(rows, "\n"), strings.Join(oneRows, "\n"))
	}
	if _, ok := files[fmt.Sprintf("organizers/reviews/page/%d/index.html", total+1)]; ok {
		t.Error("a page past the last was built")
	}
}

// reviewRowsOf lists the review rows of a schedule page.
func reviewRowsOf(page string) []string {
	var rows []string
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, "<tr class=\"review-") {
			rows = append(rows, line)
		}
	}
	return rows
}

// between is the text of s after the first from, up to the next to.
func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	before, _, _ := strings.Cut(after, to)
	return before
}

// TestCoverageGapsCapped: the coverage page lists at most GapsShown gaps
// of a kind, and says how many more the text report lists.
func TestCoverageGapsCapped(t *testing.T) {
	files, _ := build(t, fixture(t, "small.txtar"), Options{})
	full := string(files["organizers/coverage/index.html"])
	if strings.Contains(full, `class="gaps-more"`) {
		t.Error("the coverage page of a small site says it leaves gaps out")
	}
	defer func(n int) { organize.GapsShown = n }(organize.GapsShown)
	organize.GapsShown = 1
	files, _ = build(t, fixture(t, "small.txtar"), Options{})
	page := string(files["organizers/coverage/index.html"])
	fullLists := strings.Split(full, `<ul class="gaps">`)[1:]
	lists := strings.Split(page, `<ul class="gaps">`)[1:]
	if len(lists) != len(fullLists) || len(lists) == 0 {
		t.Fatalf("the capped page has %d gap lists, want %d", len(lists), len(fullLists))
	}
	more := 0
	for i, list := range lists {
		items, after, _ := strings.Cut(list, "</ul>")
		if n := strings.Count(items, "<li>"); n != 1 {
			t.Errorf("a gap list holds %d gaps, want 1", n)
		}
		fullItems, _, _ := strings.Cut(fullLists[i], "</ul>")
		n := strings.Count(fullItems, "<li>")
		want := fmt.Sprintf("\n<p class=\"gaps-more\">… and %d more, which “cmesite report” lists.</p>", n-1)
		if n > 1 {
			more++
			if !strings.HasPrefix(after, want) {
				t.Errorf("a list of %d gaps capped at 1 is followed by %.80q, want %q", n, after, want)
			}
		} else if strings.HasPrefix(after, "\n<p class=\"gaps-more\">") {
			t.Error("a list of 1 gap says it leaves gaps out")
		}
	}
	if more == 0 {
		t.Error("the fixture has no kind with more than one gap: the test tests nothing")
	}
}
