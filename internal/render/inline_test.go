package render

import (
	"bytes"
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

// inlineSite is a site whose theme overrides the 404 page with T in every
// escaping context html/template knows, in a language "xx" whose strings
// need escaping.
func inlineSite(t *testing.T, files map[string]string) fstest.MapFS {
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

const inlinePage = `{{define "head"}}<style>p::before{content:"{{T "k_css"}}"} p{color:{{T "k_css"}}}</style>
<script>var s = {{T "k_js"}}; var q = "{{T "k_js"}}"; var t = ` + "`{{T \"k_js\"}}`" + `; var r = /{{T "k_js"}}/;</script>{{end}}
{{define "main"}}
<p title={{T "k_attr"}} data-x="{{T "k_attr"}}" data-y='{{T "k_text"}}'>{{T "k_text"}}{{T "k_text"}}</p>
<a href="{{T "k_url"}}">x</a><a href="{{T "k_path"}}">p</a><a href="/search?q={{T "k_path"}}">y</a><a href="{{.Root}}{{T "k_path"}}#{{T "k_path"}}">z</a>
<img srcset="{{T "k_path"}} 2x" src="{{asset "main.css"}}">
<textarea>{{T "k_text"}}</textarea>
<div style="color: {{T "k_css"}}" onclick="f({{T "k_js"}}, '{{T "k_js"}}')">c</div>
<!-- {{T "k_text"}} -->
{{T "k_n" 1}} {{T "k_n" 3}} {{T "k_n" 1.0}} {{T "k_n" 0x1}} {{T "k_n" 'a'}} {{T "k_text" | html}} {{T "k_path" | urlquery}} {{T "k_text" | js}}
<p {{T "k_name"}}="v" data-{{T "k_name"}}=x>n</p>
{{template "label" .}} <a title="{{template "label" .}}" href="/{{template "label" .}}">l</a>
{{template "twice" .}}
{{range $i, $x := .QuickRefs}}{{T "k_text"}}{{end}}
{{if .Title}}{{T "k_text"}}{{else}}{{T "k_attr"}}{{end}}{{with .Title}}{{T "k_text"}}{{else}}{{T "k_url"}}{{end}}{{if T "k_text"}}yes{{end}}{{with T "k_attr"}}{{.}}{{end}}
{{tocList .TOC}} <a title="{{tocList .TOC}}" href="/{{tocList .TOC}}">t</a><textarea>{{tocList .TOC}}</textarea>
{{printf "%s" (T "k_text")}} {{$v := T "k_text"}}{{$v}} {{T "k_text" | printf "%s"}} {{len (T "k_path")}} {{"k_text" | T}}
{{end}}
{{define "label"}}{{T "k_text"}}{{end}}
{{define "twice"}}{{T "k_attr"}}{{end}}`

// plainRender renders a page with the theme's templates as written, never
// inlined: what Render must give.
func plainRender(t *testing.T, th *Theme, kind string, d *Data) (string, error) {
	t.Helper()
	var b bytes.Buffer
	err := th.plain[kind].Execute(&b, d)
	return b.String(), err
}

func inlineData() *Data {
	return &Data{Kind: "404", Root: "../", Lang: "xx", Config: config.Default(), Site: &curriculum.Curriculum{}}
}

// TestInlineSameOutput: a page whose T and asset commands are inlined is
// the same, byte for byte, as the page of the templates as written, in
// every context.
func TestInlineSameOutput(t *testing.T) {
	site := inlineSite(t, map[string]string{
		"themes/default/templates/404.html": inlinePage,
		// A shared partial that uses "twice" in a URL, so html/template
		// escapes it for a second context.
		"themes/default/templates/partials/footer.html": `{{define "footer"}}<footer><a href="/q?x={{template "twice" .}}">{{T "k_text"}}</a></footer>{{end}}`,
	})
	th, diags := Load(site, "default", "xx")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	main := th.pages["404"].Lookup("main").Tree.Root.String()
	if strings.Contains(main, `T "`) || !strings.Contains(main, `"Tom & Jerry's <b>\"quote\"</b>"`) {
		t.Errorf("constant T commands are not inlined:\n%s", main)
	}
	if !strings.Contains(th.plain["404"].Lookup("main").Tree.Root.String(), `{{T "k_text"}}`) {
		t.Error("the templates as written were changed")
	}
	for i := range 2 {
		d := inlineData()
		if i == 1 {
			d.Title = "A title"
			d.TOC = []Heading{{Level: 2, ID: "a b", Text: "A & <b>"}}
		}
		got, err := th.Render("404", d)
		if err != nil {
			t.Fatal(err)
		}
		want, err := plainRender(t, th, "404", d)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("inlined page differs:\n%s\nwant:\n%s", got, want)
		}
		// The page's shared partials come from the inlined templates
		// either way: compare them, and the others, one by one.
		for _, name := range []string{"head-assets", "header", "footer", "main", "label", "twice"} {
			var got, want bytes.Buffer
			if err := th.pages["404"].Lookup(name).Execute(&got, d); err != nil {
				t.Fatal(err)
			}
			if err := th.plain["404"].Lookup(name).Execute(&want, d); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("inlined %s differs:\n%s\nwant:\n%s", name, &got, &want)
			}
		}
	}
}

// TestInlineErrors: a missing UI string, a template that does not escape
// and a failing command whose argument was inlined fail with the error
// of the templates as written, every time.
func TestInlineErrors(t *testing.T) {
	for name, c := range map[string]struct{ page, want string }{
		"missing string":  {`{{define "main"}}<p title="{{T "no_such"}}">{{T "notfound_text"}}</p>{{end}}`, `"no_such"`},
		"missing count":   {`{{define "main"}}{{T "no_such" 2}}{{end}}`, `"no_such_other"`},
		"missing asset":   {`{{define "main"}}<link href="{{asset "nope.css"}}">{{end}}`, `"nope.css"`},
		"non-text end":    {`{{define "main"}}<a href="{{T "home"}}{{end}}`, "non-text context"},
		"branch contexts": {`{{define "main"}}{{if .Title}}<a href="{{end}}{{T "home"}}">{{end}}`, "branches end in different contexts"},
		"ambiguous URL":   {`{{define "main"}}<a href="{{if .Title}}/x?{{end}}{{T "home"}}">a</a>{{end}}`, `{{T "home"}} appears in an ambiguous context`},
		"no template":     {`{{define "main"}}{{T "home"}}{{template "nowhere" .}}{{end}}`, `"nowhere"`},
		"argument":        {`{{define "main"}}{{index (T "home") 99}}{{end}}`, `<index (T "home") 99>`},
	} {
		th, diags := Load(inlineSite(t, map[string]string{"themes/default/templates/404.html": c.page}), "default", "xx")
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		for range 2 {
			_, err := th.Render("404", inlineData())
			_, want := plainRender(t, th, "404", inlineData())
			if err == nil || want == nil || err.Error() != want.Error() {
				t.Errorf("%s: error %v; want %v", name, err, want)
			} else if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error %v; want it to name %s", name, err, c.want)
			}
		}
	}
}

// TestInlineDefaultTheme: the module page of the default theme calls T only
// with constant keys, so none is left.
func TestInlineDefaultTheme(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	main := th.pages["module"].Lookup("main").Tree.Root.String()
	if strings.Contains(main, "{{T ") {
		t.Errorf("module main still calls T:\n%s", main)
	}
	if !strings.Contains(main, `aria-label="{{"Breadcrumbs"}}"`) {
		t.Errorf("module main lacks the inlined breadcrumbs label:\n%s", main)
	}
}

// TestConcurrent renders pages of every kind, and module cards, from many
// goroutines at once on a new theme, whose templates html/template
// escapes on their first use (run with -race).
func TestConcurrent(t *testing.T) {
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
