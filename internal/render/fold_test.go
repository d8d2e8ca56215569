package render

import (
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/themes"
)

// foldSite is a site whose theme overrides the 404 page with T in every
// escaping context html/template knows, in a language "xx" whose strings
// need escaping.
func foldSite(t *testing.T, files map[string]string) fstest.MapFS {
	t.Helper()
	en, err := fs.ReadFile(themes.Default(), "i18n/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	extra := `
k_text: "Tom & Jerry's <b>\"quote\"</b>"
k_attr: "a \"b\" c d"
k_url: "javascript:alert(1)"
k_path: "a b/ü?x=1&y=<2>"
k_js: "it's \"x\" </script> \\ ${y}"
k_css: "red; x:expression(1) </style>"
k_name: "onclick"
k_n_one: "{n} thing & more"
k_n_other: "{n} things & more"
`
	site := fstest.MapFS{"themes/default/i18n/xx.yaml": {Data: append(en, extra...)}}
	for name, text := range files {
		site[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return site
}

const foldPage = `{{define "head"}}<style>p::before{content:"{{T "k_css"}}"} p{color:{{T "k_css"}}}</style>
<script>var s = {{T "k_js"}}; var q = "{{T "k_js"}}"; var t = ` + "`{{T \"k_js\"}}`" + `; var r = /{{T "k_js"}}/;</script>{{end}}
{{define "main"}}
<p title={{T "k_attr"}} data-x="{{T "k_attr"}}" data-y='{{T "k_text"}}'>{{T "k_text"}}{{T "k_text"}}</p>
<a href="{{T "k_url"}}">x</a><a href="{{T "k_path"}}">p</a><a href="/search?q={{T "k_path"}}">y</a><a href="{{.Root}}{{T "k_path"}}#{{T "k_path"}}">z</a>
<img srcset="{{T "k_path"}} 2x" src="{{asset "main.css"}}">
<textarea>{{T "k_text"}}</textarea>
<div style="color: {{T "k_css"}}" onclick="f({{T "k_js"}}, '{{T "k_js"}}')">c</div>
<!-- {{T "k_text"}} -->
{{T "k_n" 1}} {{T "k_n" 3}} {{T "k_text" | html}} {{T "k_path" | urlquery}} {{T "k_text" | js}}
<p {{T "k_name"}}="v" data-{{T "k_name"}}=x>n</p>
{{template "label" .}} <a title="{{template "label" .}}" href="/{{template "label" .}}">l</a>
{{template "twice" .}}
{{range $i, $x := .QuickRefs}}{{T "k_text"}}{{end}}
{{if .Title}}{{T "k_text"}}{{else}}{{T "k_attr"}}{{end}}{{with .Title}}{{T "k_text"}}{{else}}{{T "k_url"}}{{end}}
{{tocList .TOC}} <a title="{{tocList .TOC}}" href="/{{tocList .TOC}}">t</a><textarea>{{tocList .TOC}}</textarea>
{{printf "%s" (T "k_text")}} {{$v := T "k_text"}}{{$v}} {{T "k_text" | printf "%s"}}
{{end}}
{{define "label"}}{{T "k_text"}}{{end}}
{{define "twice"}}{{T "k_attr"}}{{end}}`

// foldPair loads the site's theme twice in language xx: as the builder
// does, and with folding switched off, to compare with.
func foldPair(t *testing.T, site fs.FS) (folded, plain *Theme) {
	t.Helper()
	folded, diags := Load(site, "default", "xx")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	plain, _ = Load(site, "default", "xx")
	plain.folds = nil
	return folded, plain
}

func foldData() *Data {
	return &Data{Kind: "404", Root: "../", Lang: "xx", Config: config.Default(), Site: &curriculum.Curriculum{}}
}

func TestFoldSameOutput(t *testing.T) {
	site := foldSite(t, map[string]string{
		"themes/default/templates/404.html": foldPage,
		// A shared partial that uses "twice" in a URL, so html/template
		// copies it, already escaped by the page, and escapes the copy
		// again for the URL: it must not be folded.
		"themes/default/templates/partials/footer.html": `{{define "footer"}}<footer><a href="/q?x={{template "twice" .}}">{{T "k_text"}}</a></footer>{{end}}`,
	})
	folded, plain := foldPair(t, site)
	for i := range 2 {
		d := foldData()
		if i == 1 {
			d.Title = "A title"
			d.TOC = []Heading{{Level: 2, ID: "a b", Text: "A & <b>"}}
		}
		got, err := folded.Render("404", d)
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.Render("404", d)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("folded page differs:\n%s\nwant:\n%s", got, want)
		}
	}
	f := folded.folds["404"]
	if f.folded < 30 {
		t.Errorf("%d actions folded; want most of them", f.folded)
	}
	if f.trimmed < 1 {
		t.Error("no escaper trimmed")
	}
	if tw := folded.pages["404"].Lookup("twice"); strings.Contains(tw.Tree.Root.String(), "&#34;") {
		t.Errorf("template reached from a shared partial was folded: %s", tw.Tree.Root)
	}
}

// TestFoldDefaultTheme: the module page of the default theme calls T only
// with constant keys, so none is left, nor any no-op escaper.
func TestFoldDefaultTheme(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if err := th.prepare("module"); err != nil {
		t.Fatal(err)
	}
	main := th.pages["module"].Lookup("main").Tree.Root.String()
	for _, s := range []string{"{{T ", "termLinks $.Root \"topics\" $m.Topics | _html_template_htmlescaper"} {
		if strings.Contains(main, s) {
			t.Errorf("module main still has %q:\n%s", s, main)
		}
	}
	if !strings.Contains(main, `aria-label="Breadcrumbs"`) {
		t.Errorf("module main lacks the folded breadcrumbs label:\n%s", main)
	}
}

// TestFoldErrors: a missing UI string and a template that does not
// escape fail as they do without folding, every time.
func TestFoldErrors(t *testing.T) {
	for name, page := range map[string]string{
		"missing string":  `{{define "main"}}<p title="{{T "no_such"}}">{{T "notfound_text"}}</p>{{end}}`,
		"missing count":   `{{define "main"}}{{T "no_such" 2}}{{end}}`,
		"missing asset":   `{{define "main"}}<link href="{{asset "nope.css"}}">{{end}}`,
		"non-text end":    `{{define "main"}}<a href="{{T "home"}}{{end}}`,
		"branch contexts": `{{define "main"}}{{if .Title}}<a href="{{end}}{{T "home"}}">{{end}}`,
		"no template":     `{{define "main"}}{{T "home"}}{{template "nowhere" .}}{{end}}`,
	} {
		folded, plain := foldPair(t, foldSite(t, map[string]string{"themes/default/templates/404.html": page}))
		for range 2 {
			_, err1 := folded.Render("404", foldData())
			_, err2 := plain.Render("404", foldData())
			if err1 == nil || err2 == nil || err1.Error() != err2.Error() {
				t.Errorf("%s: error %v; want %v", name, err1, err2)
			}
		}
	}
}

// TestFoldConcurrent renders pages of every kind, and module cards, from
// many goroutines at once on a new theme (run with -race).
func TestFoldConcurrent(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	cfg := config.Default()
	m := &curriculum.Module{ID: "a/b", URL: "a/b/", Front: &content.Front{Title: "B"}}
	var wg sync.WaitGroup
	for range 4 {
		for _, kind := range []string{"404", "help", "module"} {
			wg.Go(func() {
				d := &Data{Kind: kind, Root: "../", Lang: "en", Config: cfg, Site: &curriculum.Curriculum{}, Module: m}
				if _, err := th.Render(kind, d); err != nil && kind != "module" {
					t.Error(err)
				}
			})
		}
		wg.Go(func() {
			if _, err := th.Fragment("card", Item{Root: RootMarker, Module: m, Config: cfg}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
