package render

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/organize"
)

// The list helpers build markup in Go: everything an author wrote must be
// escaped there, as the template would have.
func TestListsEscape(t *testing.T) {
	terms := []config.Term{{ID: "pain", Label: "Pain"}, {ID: `a"b <c>`, Label: `<script>alert(1)</script> & "q"`}}
	if got, want := string(termLinks("../../", "topics", terms)),
		`<a href="../../topics/pain/">Pain</a>, <a href="../../topics/a%22b%20%3Cc%3E/">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34;</a>`; got != want {
		t.Errorf("termLinks:\n got %s\nwant %s", got, want)
	}
	m := &curriculum.Module{URL: "pain/x y/", Front: &content.Front{Title: `A <b>bold</b> "title"`}}
	if got, want := string(moduleLinks("../", []*curriculum.Module{m})),
		`<ul><li><a href="../pain/x%20y/">A &lt;b&gt;bold&lt;/b&gt; &#34;title&#34;</a></li></ul>`; got != want {
		t.Errorf("moduleLinks:\n got %s\nwant %s", got, want)
	}
	if got, want := string(tocList([]Heading{{Level: 2, ID: "a-b", Text: "A & B"}, {Level: 3, ID: `x"y`, Text: "<i>"}})),
		`<ol><li class="toc-2"><a href="#a-b">A &amp; B</a></li><li class="toc-3"><a href="#x%22y">&lt;i&gt;</a></li></ol>`; got != want {
		t.Errorf("tocList:\n got %s\nwant %s", got, want)
	}
	if got := termIDs(terms); got != `pain a"b <c>` {
		t.Errorf("termIDs = %q (escaped by the template's attribute context)", got)
	}
}

// tricky returns a module whose every text and id needs escaping, on a
// path, with neighbours, for the list helpers' tests.
func tricky() (*curriculum.Module, *config.Config) {
	cfg := config.Default()
	cfg.CreditsLabel = `CME & "credits" <x>`
	front := func(title, summary string) *content.Front {
		return &content.Front{Title: title, Summary: summary}
	}
	m := &curriculum.Module{
		ID:        `sec&1/it's "q" <x>`,
		URL:       `sec&1/it's "q" <x>/ü?#/`,
		Front:     front(`Title & "quoted" <b>it's</b>`, `Summary <i>&</i> 'single' "double"`),
		Level:     config.Term{ID: `basic"&`, Label: `Basic <1> & 'x'`},
		Format:    config.Term{ID: "case-based", Label: `Case & "based"`},
		Topics:    []config.Term{{ID: "pain", Label: "Pain"}, {ID: `a"b <c>&d`, Label: `<script>alert(1)</script> & "q"`}},
		Audiences: []config.Term{{ID: "gp's", Label: "GP's & nurses"}},
		Overdue:   true,
	}
	m.Front.Minutes, m.Front.Credits, m.Front.HasCredits = 95, 1.5, true
	m.Prev = &curriculum.Module{ID: "p", URL: "sec&1/prev page/", Front: front(`Prev <&> "one"`, "")}
	m.Next = &curriculum.Module{ID: "n", URL: "sec&1/next'/", Front: front("Next & last", "")}
	other := &curriculum.Module{ID: "o", URL: "o/", Front: front(`Other "o"`, "")}
	p := &curriculum.Path{Path: &config.Path{ID: "p1", Title: `Path & "one" <p>`}, URL: "paths/p&1/", Modules: []*curriculum.Module{other, m}}
	m.Paths = []*curriculum.Path{p, {Path: &config.Path{ID: "p2", Title: "Second"}, URL: "paths/p2/", Modules: []*curriculum.Module{m, other, m.Next}}}
	return m, cfg
}

// TestListsMarkup holds the list helpers to the markup they made when each
// was written with html.EscapeString and string concatenation, for a
// module whose every text, id and URL needs escaping.
func TestListsMarkup(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	m, cfg := tricky()
	got := map[string]template.HTML{}
	put := func(name string, h template.HTML, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = h
	}
	h, err := th.pagers("../../", m)
	put("pagers", h, err)
	h, err = th.badges("../", m, cfg)
	put("badges", h, err)
	h, err = th.card(Item{Root: RootMarker, Module: m, Config: cfg})
	put("card", h, err)
	h, err = th.row(Item{Root: "../", Module: m, Config: cfg})
	put("row", h, err)
	put("termLinks", termLinks("../", "topics", m.Topics), nil)
	put("moduleLinks", moduleLinks("./", []*curriculum.Module{m, m.Prev}), nil)
	put("pathLinks", pathLinks("../../", m.Paths), nil)
	put("tocList", tocList([]Heading{{Level: 2, ID: `a "b" & <c>`, Text: `x & 'y' <z>`}, {Level: 3, ID: "ü/?", Text: "plain"}}), nil)
	m.Overdue, m.Front.HasCredits, m.Front.Minutes, m.Format = false, false, 0, config.Term{}
	m.Paths, m.Prev = nil, nil
	h, err = th.pagers("./", m)
	put("pagers2", h, err)
	h, err = th.card(Item{Root: "./", Module: m, Config: cfg})
	put("card2", h, err)
	h, err = th.row(Item{Root: "./", Module: m, Config: cfg})
	put("row2", h, err)
	for _, w := range []struct{ name, html string }{
		{"pagers", "<nav class=\"pager\" aria-label=\"Previous and next module\">\n<a class=\"prev\" rel=\"prev\" href=\"../../sec&amp;1/prev%20page/\"><span>Previous:</span> Prev &lt;&amp;&gt; &#34;one&#34;</a>\n<a class=\"next\" rel=\"next\" href=\"../../sec&amp;1/next%27/\"><span>Next:</span> Next &amp; last</a>\n</nav>\n<nav class=\"pager path-pager\" aria-label=\"Path &amp; &#34;one&#34; &lt;p&gt;\">\n<p class=\"path-pos\"><a href=\"../../paths/p&amp;1/\">Path &amp; &#34;one&#34; &lt;p&gt;</a>: step 2/2</p>\n<a class=\"prev\" rel=\"prev\" href=\"../../o/\"><span>Previous:</span> Other &#34;o&#34;</a>\n\n</nav>\n<nav class=\"pager path-pager\" aria-label=\"Second\">\n<p class=\"path-pos\"><a href=\"../../paths/p2/\">Second</a>: step 1/3</p>\n\n<a class=\"next\" rel=\"next\" href=\"../../o/\"><span>Next:</span> Other &#34;o&#34;</a>\n</nav>\n"},
		{"badges", "<span class=\"badges\"><a class=\"badge level level-basic&#34;&amp;\" href=\"../levels/basic%22&amp;/\">Basic &lt;1&gt; &amp; &#39;x&#39;</a> <a class=\"badge format format-case-based\" href=\"../formats/case-based/\">Case &amp; &#34;based&#34;</a> <span class=\"badge duration\">1 h 35 min</span> <span class=\"badge credits\">1.5 CME &amp; &#34;credits&#34; &lt;x&gt;</span> <span class=\"badge overdue\">Review overdue</span>\n</span>"},
		{"card", "<li class=\"card\" data-module=\"sec&amp;1/it&#39;s &#34;q&#34; &lt;x&gt;\">\n<h3 class=\"card-title\"><a href=\"@@ROOT@@sec&amp;1/it%27s%20%22q%22%20%3Cx%3E/%C3%BC%3F%23/\">Title &amp; &#34;quoted&#34; &lt;b&gt;it&#39;s&lt;/b&gt;</a></h3>\n<span class=\"badges\"><a class=\"badge level level-basic&#34;&amp;\" href=\"@@ROOT@@levels/basic%22&amp;/\">Basic &lt;1&gt; &amp; &#39;x&#39;</a> <a class=\"badge format format-case-based\" href=\"@@ROOT@@formats/case-based/\">Case &amp; &#34;based&#34;</a> <span class=\"badge duration\">1 h 35 min</span> <span class=\"badge credits\">1.5 CME &amp; &#34;credits&#34; &lt;x&gt;</span> <span class=\"badge overdue\">Review overdue</span>\n</span>\n<p class=\"card-summary\">Summary &lt;i&gt;&amp;&lt;/i&gt; &#39;single&#39; &#34;double&#34;</p>\n</li>\n"},
		{"row", "<tr data-module=\"sec&amp;1/it&#39;s &#34;q&#34; &lt;x&gt;\" data-level=\"basic&#34;&amp;\" data-format=\"case-based\" data-topic=\"pain a&#34;b &lt;c&gt;&amp;d\" data-audience=\"gp&#39;s\">\n<td><a href=\"../sec&amp;1/it%27s%20%22q%22%20%3Cx%3E/%C3%BC%3F%23/\">Title &amp; &#34;quoted&#34; &lt;b&gt;it&#39;s&lt;/b&gt;</a><br><span class=\"row-summary\">Summary &lt;i&gt;&amp;&lt;/i&gt; &#39;single&#39; &#34;double&#34;</span></td>\n<td>Basic &lt;1&gt; &amp; &#39;x&#39;</td>\n<td>Pain, &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34;</td>\n<td>GP&#39;s &amp; nurses</td>\n<td>Case &amp; &#34;based&#34;</td>\n<td class=\"num\">1 h 35 min</td>\n<td class=\"num\">1.5</td>\n</tr>\n"},
		{"termLinks", "<a href=\"../topics/pain/\">Pain</a>, <a href=\"../topics/a%22b%20%3Cc%3E&amp;d/\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34;</a>"},
		{"moduleLinks", "<ul><li><a href=\"./sec&amp;1/it%27s%20%22q%22%20%3Cx%3E/%C3%BC%3F%23/\">Title &amp; &#34;quoted&#34; &lt;b&gt;it&#39;s&lt;/b&gt;</a></li><li><a href=\"./sec&amp;1/prev%20page/\">Prev &lt;&amp;&gt; &#34;one&#34;</a></li></ul>"},
		{"pathLinks", "<a href=\"../../paths/p&amp;1/\">Path &amp; &#34;one&#34; &lt;p&gt;</a>, <a href=\"../../paths/p2/\">Second</a>"},
		{"tocList", "<ol><li class=\"toc-2\"><a href=\"#a%20%22b%22%20&amp;%20%3Cc%3E\">x &amp; &#39;y&#39; &lt;z&gt;</a></li><li class=\"toc-3\"><a href=\"#%C3%BC%2F%3F\">plain</a></li></ol>"},
		{"pagers2", "<nav class=\"pager\" aria-label=\"Previous and next module\">\n\n<a class=\"next\" rel=\"next\" href=\"./sec&amp;1/next%27/\"><span>Next:</span> Next &amp; last</a>\n</nav>\n"},
		{"card2", "<li class=\"card\" data-module=\"sec&amp;1/it&#39;s &#34;q&#34; &lt;x&gt;\">\n<h3 class=\"card-title\"><a href=\"./sec&amp;1/it%27s%20%22q%22%20%3Cx%3E/%C3%BC%3F%23/\">Title &amp; &#34;quoted&#34; &lt;b&gt;it&#39;s&lt;/b&gt;</a></h3>\n<span class=\"badges\"><a class=\"badge level level-basic&#34;&amp;\" href=\"./levels/basic%22&amp;/\">Basic &lt;1&gt; &amp; &#39;x&#39;</a>\n</span>\n<p class=\"card-summary\">Summary &lt;i&gt;&amp;&lt;/i&gt; &#39;single&#39; &#34;double&#34;</p>\n</li>\n"},
		{"row2", "<tr data-module=\"sec&amp;1/it&#39;s &#34;q&#34; &lt;x&gt;\" data-level=\"basic&#34;&amp;\" data-format=\"\" data-topic=\"pain a&#34;b &lt;c&gt;&amp;d\" data-audience=\"gp&#39;s\">\n<td><a href=\"./sec&amp;1/it%27s%20%22q%22%20%3Cx%3E/%C3%BC%3F%23/\">Title &amp; &#34;quoted&#34; &lt;b&gt;it&#39;s&lt;/b&gt;</a><br><span class=\"row-summary\">Summary &lt;i&gt;&amp;&lt;/i&gt; &#39;single&#39; &#34;double&#34;</span></td>\n<td>Basic &lt;1&gt; &amp; &#39;x&#39;</td>\n<td>Pain, &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34;</td>\n<td>GP&#39;s &amp; nurses</td>\n<td></td>\n<td class=\"num\"></td>\n<td class=\"num\"></td>\n</tr>\n"},
	} {
		if string(got[w.name]) != w.html {
			t.Errorf("%s:\n got %q\nwant %q", w.name, got[w.name], w.html)
		}
	}
}

// TestMarkupText: markup.text escapes as html.EscapeString does, but
// writes NUL as U+FFFD, as html/template does.
func TestMarkupText(t *testing.T) {
	for _, s := range []string{"", "plain", `&'<>"`, `a&&b''c<<d>>e""f`, "ü & € <\x00> 'x", "&amp;", "x&", "\x00", "a\x00\x00b"} {
		var b markup
		b.text(s)
		if got, want := string(b.html()), strings.ReplaceAll(html.EscapeString(s), "\x00", "\uFFFD"); got != want {
			t.Errorf("text(%q) = %q; want %q", s, got, want)
		}
	}
}

// TestDirectFragments: a card or row whose template only calls its helper
// is the helper's markup, the bytes the template gives, made without
// executing it; a theme that adds to the template gets its template.
func TestDirectFragments(t *testing.T) {
	m, cfg := tricky()
	it := Item{Root: RootMarker, Module: m, Config: cfg}
	def, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for _, name := range []string{"card", "row"} {
		if def.direct[name] == nil {
			t.Errorf("the default theme's %s is not made directly", name)
		}
		got, err := def.Fragment(name, it)
		if err != nil {
			t.Fatal(err)
		}
		tmpl, err := def.partial("module", name)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := def.execute(&want, "module", tmpl, it); err != nil {
			t.Fatal(err)
		}
		if got != want.String() {
			t.Errorf("%s made directly:\n%s\nexecuted:\n%s", name, got, want.Bytes())
		}
	}
	own, diags := Load(fstest.MapFS{"themes/default/templates/partials/card.html": {Data: []byte(`{{define "card"}}{{card .}}<p class="mine">{{.Module.Front.Summary}}</p>{{end}}{{define "row"}}{{row .}}{{end}}`)}}, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if own.direct["card"] != nil || own.direct["row"] == nil {
		t.Errorf("direct fragments of a theme that adds to the card: %v", own.direct)
	}
	if got, err := own.Fragment("card", it); err != nil || !strings.Contains(got, `<p class="mine">`) {
		t.Errorf("a theme's own card template was not executed: %s (%v)", got, err)
	}
}

// TestNames: a theme names a field however its templates reach it; the
// default theme never names a module's Doc, so a build may drop what only
// the Doc holds.
func TestNames(t *testing.T) {
	def, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for name, want := range map[string]bool{"Module": true, "Front": true, "Title": true, "Doc": false, "Lead": false} {
		if def.Names(name) != want {
			t.Errorf("default theme: Names(%q) = %v, want %v", name, !want, want)
		}
	}
	for _, tmpl := range []string{
		`{{with .Module}}{{.Doc.Lead}}{{end}}`,
		`{{$m := .Module}}{{$m.Doc}}`,
		`{{range .Site.Modules}}{{(index .Prerequisites 0).Doc}}{{end}}`,
		`{{if .Module}}{{else}}{{with .Module.Doc}}{{end}}{{end}}`,
		`{{template "x" .Module.Doc}}`,
	} {
		card := `{{define "card"}}{{card .}}` + tmpl + `{{end}}{{define "x"}}{{end}}`
		own, diags := Load(fstest.MapFS{"themes/default/templates/partials/card.html": {Data: []byte(card)}}, "default", "en")
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		if !own.Names("Doc") {
			t.Errorf("a card with %s: Names(\"Doc\") is false", tmpl)
		}
	}
}

// reference loads the default theme and parses text, the template a
// helper replaced, with the theme's functions.
func reference(t *testing.T, text string) (*Theme, *template.Template) {
	t.Helper()
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return th, template.Must(template.New("").Funcs(th.funcs()).Parse(text))
}

// asTemplate fails t unless got, the markup a helper made (or err), is
// what ref makes of data, "+" aside: html/template writes it as &#43;,
// the helpers as it is.
func asTemplate(t *testing.T, what string, ref *template.Template, data any, got template.HTML, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var want bytes.Buffer
	if err := ref.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	if w := strings.ReplaceAll(want.String(), "&#43;", "+"); string(got) != w {
		t.Errorf("%s:\n got %q\nwant %q", what, got, w)
	}
}

// moduleDetailsTemplate is the default theme's "module-details" as it was
// written before the moduleDetails helper made its markup.
const moduleDetailsTemplate = `{{define "module-details"}}{{$m := .Module}}<dl class="module-meta">
{{- if $m.Topics}}<div><dt>{{T "meta_topics"}}</dt><dd>{{termLinks $.Root "topics" $m.Topics}}</dd></div>{{end}}
{{- if $m.Audiences}}<div><dt>{{T "meta_audience"}}</dt><dd>{{termLinks $.Root "audiences" $m.Audiences}}</dd></div>{{end}}
{{- if $m.Prerequisites}}<div><dt>{{T "meta_prerequisites"}}</dt><dd>{{moduleLinks $.Root $m.Prerequisites}}</dd></div>{{end}}
{{- if $m.NeededFor}}<div><dt>{{T "meta_needed_for"}}</dt><dd>{{moduleLinks $.Root $m.NeededFor}}</dd></div>{{end}}
{{- if $m.Paths}}<div><dt>{{T "meta_paths"}}</dt><dd>{{pathLinks $.Root $m.Paths}}</dd></div>{{end}}
{{- with $m.Competencies}}<div><dt>{{T "meta_competencies"}}</dt><dd>{{range $i, $c := .}}{{if $i}}; {{end}}{{$c.ID}}. {{$c.Label}}{{end}}</dd></div>{{end}}
</dl>
{{if or $m.Front.Objectives $m.Front.HasCredits}}
<section class="cme-box" aria-labelledby="cme-title">
<h2 id="cme-title">{{T "cme_title"}}</h2>
{{with $m.Front.Objectives}}<p>{{T "objectives_intro"}}</p><ul class="objectives">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if $m.Front.HasCredits}}
<p class="disclosures"><strong>{{T "disclosures_title"}}</strong> {{if $m.Front.Disclosures}}{{join $m.Front.Disclosures "; "}}{{else}}{{T "disclosures_none"}}{{end}}</p>
<p class="cme-note">{{T "cme_note"}}</p>
{{end}}
</section>
{{end}}
{{end}}`

// TestModuleDetails: the moduleDetails helper makes the markup the
// template it replaced made, for modules with and without each part,
// whose every text needs escaping. One difference is by design: the
// template wrote "+" as "&#43;", the helpers write it as it is.
func TestModuleDetails(t *testing.T) {
	th, ref := reference(t, moduleDetailsTemplate)
	m, _ := tricky()
	prereq := &curriculum.Module{ID: "q", URL: "q r/", Front: &content.Front{Title: `Q & "r" <s> 1+1`}}
	variants := []struct {
		name string
		set  func(m *curriculum.Module)
	}{
		{"tricky", func(*curriculum.Module) {}},
		{"everything", func(m *curriculum.Module) {
			m.Prerequisites = []*curriculum.Module{prereq, m.Prev}
			m.NeededFor = []*curriculum.Module{m.Next}
			m.Competencies = []config.Term{{ID: "1", Label: `Care & "comfort" <x>`}, {ID: "3'", Label: "Team+work"}}
			m.Front.Objectives = []string{`Assess <pain> & "distress"`, "Use C++ 'safely'", "a NUL\x00 byte"}
			m.Front.Disclosures = []string{`Grant from <X> & "Y"`, "none+"}
		}},
		{"objectives without credits", func(m *curriculum.Module) {
			m.Front.HasCredits = false
			m.Front.Disclosures = nil
		}},
		{"credits without disclosures", func(m *curriculum.Module) {
			m.Front.Objectives = nil
			m.Front.HasCredits = true
		}},
		{"nothing", func(m *curriculum.Module) {
			*m = curriculum.Module{ID: "bare", URL: "bare/", Front: &content.Front{Title: "Bare"}}
		}},
	}
	for _, v := range variants {
		v.set(m)
		for _, root := range []string{"../", RootMarker, `a&"b/`} {
			got, err := th.moduleDetails(root, m)
			asTemplate(t, fmt.Sprintf("%s, root %q", v.name, root), ref.Lookup("module-details"), struct {
				Root   string
				Module *curriculum.Module
			}{root, m}, got, err)
		}
	}
}

// TestSectionCrumbs: sectionCrumbs makes the breadcrumbs the template's
// range over sectionTrail made, for sections at each depth; a URL
// segment that needs escaping is path-escaped, as moduleLinks does.
func TestSectionCrumbs(t *testing.T) {
	_, ref := reference(t, `{{range sectionTrail .S}}<li><a href="{{$.Root}}{{.URL}}">{{.Title}}</a></li>{{end}}`)
	root := &curriculum.Section{ID: ""}
	a := &curriculum.Section{ID: "symptoms", URL: "symptoms/", Title: `Symptoms & "signs" <x>`, Parent: root}
	b := &curriculum.Section{ID: "symptoms/breathing", URL: "symptoms/breathing/", Title: "Breathing", Parent: a}
	c := &curriculum.Section{ID: "symptoms/breathing/at-home", URL: "symptoms/breathing/at-home/", Title: "At home", Parent: b}
	for _, s := range []*curriculum.Section{nil, root, a, b, c} {
		for _, r := range []string{"", "../../", RootMarker} {
			asTemplate(t, fmt.Sprintf("sectionCrumbs(%q, %v)", r, s), ref, struct {
				Root string
				S    *curriculum.Section
			}{r, s}, sectionCrumbs(r, s), nil)
		}
	}
	odd := &curriculum.Section{ID: "soins palliatifs", URL: "soins palliatifs/é'?/", Title: "Soins", Parent: root}
	if got, want := string(sectionCrumbs("../", odd)), `<li><a href="../soins%20palliatifs/%C3%A9%27%3F/">Soins</a></li>`; got != want {
		t.Errorf("sectionCrumbs of an odd URL:\n got %q\nwant %q", got, want)
	}
}

// moduleFooterTemplate is the module page's footer as the default theme
// wrote it before the moduleFooter helper made it, with one fix: a date
// the module does not give is left out (the template's with took a zero
// time.Time for a date and printed 0001-01-01), and so is the review
// paragraph when neither date is given.
const moduleFooterTemplate = `{{$m := .}}{{with $m.Front.Authors}}<p class="authors"><strong>{{T "authors_title"}}</strong> {{range $i, $a := .}}{{if $i}}; {{end}}{{$a.Name}}{{with $a.Role}} ({{.}}){{end}}{{end}}</p>{{end}}
{{if and $m.Front.HasDiscl (not $m.Front.HasCredits)}}<p class="disclosures"><strong>{{T "disclosures_title"}}</strong> {{if $m.Front.Disclosures}}{{join $m.Front.Disclosures "; "}}{{else}}{{T "disclosures_none"}}{{end}}</p>{{end}}
{{if or (not $m.Front.Reviewed.IsZero) (not $m.Front.ReviewBy.IsZero)}}<p class="review">{{if not $m.Front.Reviewed.IsZero}}{{with $m.Front.Reviewed}}{{T "reviewed"}} <time datetime="{{date .}}">{{date .}}</time>{{end}}{{end}}{{if not $m.Front.ReviewBy.IsZero}}{{with $m.Front.ReviewBy}}{{if not $m.Front.Reviewed.IsZero}} · {{end}}{{if $m.Overdue}}<strong class="overdue">{{T "review_overdue"}}</strong>{{else}}{{T "review_by"}}{{end}} <time datetime="{{date .}}">{{date .}}</time>{{end}}{{end}}</p>{{end}}`

// TestModuleFooter: moduleFooter makes the markup of the template it
// replaced, for modules with and without authors, roles, disclosures,
// credits and each review date.
func TestModuleFooter(t *testing.T) {
	th, ref := reference(t, moduleFooterTemplate)
	m, _ := tricky()
	day := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC) }
	steps := []struct {
		name string
		set  func(f *content.Front)
	}{
		{"no authors, credits, overdue, no dates", func(*content.Front) {}},
		{"authors and both dates", func(f *content.Front) {
			f.Authors = []content.Author{{Name: `A. "Author" <x> & co`, Role: "GP's+"}, {Name: "B. Author"}}
			f.Reviewed, f.ReviewBy = day(2025, 1, 2), day(2027, 1, 2)
		}},
		{"disclosures without credits", func(f *content.Front) {
			f.HasCredits, f.HasDiscl = false, true
			f.Disclosures = []string{`Fee from <X> & "Y"`, "none+"}
		}},
		{"none declared, not overdue", func(f *content.Front) {
			f.Disclosures = nil
			m.Overdue = false
		}},
		{"only reviewed", func(f *content.Front) { f.ReviewBy = time.Time{} }},
		{"only review_by", func(f *content.Front) { f.Reviewed, f.ReviewBy = time.Time{}, day(2026, 6, 30) }},
		{"overdue, only review_by", func(f *content.Front) { m.Overdue = true }},
	}
	for _, s := range steps {
		s.set(m.Front)
		got, err := th.moduleFooter(m)
		asTemplate(t, s.name, ref, m, got, err)
		if strings.Contains(string(got), "0001-01-01") {
			t.Errorf("%s: a date the module does not give is shown: %q", s.name, got)
		}
	}
}

// TestReviewRows: reviewRows makes the rows the review schedule's
// template made, for rows with and without dates and authors, whose
// texts need escaping, in every status.
func TestReviewRows(t *testing.T) {
	th, ref := reference(t, `{{- range .Rows}}
<tr class="review-{{.Status}}"{{with .ReviewBy}} data-review-by="{{.}}"{{end}}><th scope="row"><a href="{{$.Root}}{{.URL}}">{{.Title}}</a> <code>{{.File}}</code></th><td data-review-status>{{T (print "review_status_" .Status)}}</td><td>{{with .ReviewBy}}<time datetime="{{.}}">{{.}}</time>{{end}}</td><td>{{with .Reviewed}}<time datetime="{{.}}">{{.}}</time>{{end}}</td><td>{{join .Authors "; "}}</td></tr>
{{- end}}`)
	rows := []organize.Review{
		{Title: `Pain & "more" <x>`, URL: "pain/a/", File: "content/pain/a.md", Status: organize.Overdue, ReviewBy: "2020-01-01", Reviewed: "2019-01-01", Authors: []string{`A & "B"`, "C's"}},
		{Title: "Due", URL: "pain/b/", File: "content/pain/b.md", Status: organize.Due, ReviewBy: "2026-12-20"},
		{Title: "Fine+", URL: "c/", File: "content/c.md", Status: organize.Fine, ReviewBy: "2029-01-01", Authors: []string{"One"}},
		{Title: "None", URL: "d/", File: "content/d <1>.md", Status: organize.NoReview},
	}
	for _, root := range []string{"../../", "../../../../"} {
		got, err := th.reviewRows(root, rows)
		asTemplate(t, "root "+root, ref, struct {
			Root string
			Rows []organize.Review
		}{root, rows}, got, err)
	}
	if got, err := th.reviewRows("./", nil); err != nil || got != "" {
		t.Errorf("no rows: %q, %v", got, err)
	}
}

// TestOverdueNotice: overdueNotice makes the notice the module template
// made, hidden or shown, and none for a module without review_by.
func TestOverdueNotice(t *testing.T) {
	th, ref := reference(t, `{{$m := .}}{{if not $m.Front.ReviewBy.IsZero}}{{with $m.Front.ReviewBy}}<p class="notice notice-overdue" role="note" data-overdue-notice data-review-by="{{date .}}"{{if not $m.Overdue}} hidden{{end}}>{{T "overdue_notice"}} {{date .}}.</p>{{end}}{{end}}`)
	m, _ := tricky()
	for _, c := range []struct {
		by      time.Time
		overdue bool
	}{
		{time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2031, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{time.Time{}, false},
	} {
		m.Front.ReviewBy, m.Overdue = c.by, c.overdue
		got, err := th.overdueNotice(m)
		asTemplate(t, fmt.Sprintf("review_by %v, overdue %v", c.by, c.overdue), ref, m, got, err)
	}
}
