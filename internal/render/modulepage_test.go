package render

import (
	"bytes"
	"html/template"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/themes"
)

// templatePage is the module page of d as the theme's templates make it.
func templatePage(t testing.TB, th *Theme, d *Data) (string, error) {
	t.Helper()
	return templatePageOf(t, th, "module", d)
}

// templatePageOf is the page of kind of d as the theme's templates make it.
func templatePageOf(t testing.TB, th *Theme, kind string, d *Data) (string, error) {
	t.Helper()
	var b bytes.Buffer
	err := th.execute(&b, kind, th.pages[kind], d)
	return b.String(), err
}

// writtenPage is the page of kind of d as writePage writes it, and
// whether it did.
func writtenPage(th *Theme, kind string, d *Data) (string, bool) {
	var b bytes.Buffer
	b.WriteString("kept") // what the buffer held before stays
	ok := th.writePage(&b, kind, d)
	s, found := strings.CutPrefix(b.String(), "kept")
	if !found || !ok && s != "" {
		return "buffer changed: " + b.String(), ok
	}
	return s, ok
}

// samePage fails t unless modulePage writes d's page as the templates do;
// it reports whether modulePage wrote it.
func samePage(t *testing.T, th *Theme, d *Data) bool {
	t.Helper()
	return samePageOf(t, th, "module", d)
}

// samePageOf is samePage for a page of kind.
func samePageOf(t *testing.T, th *Theme, kind string, d *Data) bool {
	t.Helper()
	want, err := templatePageOf(t, th, kind, d)
	got, ok := writtenPage(th, kind, d)
	if !ok {
		if strings.HasPrefix(got, "buffer changed") {
			t.Error(got)
		}
		return false
	}
	if err != nil {
		t.Errorf("the %s page was written, but the templates fail on it: %v", kind, err)
		return true
	}
	if got != want {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("the %s page written differs from the templates' at byte %d:\n got …%s\nwant …%s", kind, i, excerpt(got, i), excerpt(want, i))
	}
	return true
}

func excerpt(s string, i int) string {
	return s[max(0, i-60):min(len(s), i+60)]
}

// TestModulePageDirect: the built-in theme's module pages are written
// without executing the templates, byte for byte as the templates write
// them, in every branch of module.html and base.html and with every
// character html/template escapes; URLs it cannot pass through as they
// are leave the page to the templates.
func TestModulePageDirect(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if !th.directPages["module"] {
		t.Fatal("the built-in theme's module pages run through the templates")
	}
	nasty := "A <b>\"bold\"</b> & 'quoted' 1+1 \x00 \xff\xfe é ’ {{.}} </script>"
	cases := []struct {
		name   string
		edit   func(d *Data)
		direct bool
	}{
		{"full", func(d *Data) {}, true},
		{"plain", func(d *Data) {
			f := d.Module.Front
			f.HasCredits, f.Minutes, f.References, f.Summary = false, 0, nil, ""
			d.TOC, d.Description, d.Module.Format = nil, "", config.Term{}
			d.Module.Prev, d.Module.Next, d.Module.Paths, d.Module.Prerequisites, d.Module.NeededFor = nil, nil, nil, nil, nil
		}, true},
		{"quick reference", func(d *Data) {
			d.Module.Format = config.Term{ID: config.QuickReference, Label: "Quick reference"}
		}, true},
		{"quick reference without TOC", func(d *Data) {
			d.Module.Format = config.Term{ID: config.QuickReference, Label: "Quick reference"}
			d.TOC = nil
		}, true},
		{"escaped text", func(d *Data) {
			f := d.Module.Front
			f.Title, f.Summary, f.References = nasty, nasty, []string{nasty, "", "plain"}
			d.Title, d.Description, d.Lang = nasty, nasty, nasty
			d.Module.ID, d.Module.Level.ID, d.Module.Format.ID = nasty, nasty, nasty
			d.Config.Title, d.Config.Notice = nasty, nasty
			f.Credits, f.Minutes = 0.25, -5
		}, true},
		{"contacts and notice", func(d *Data) {
			d.Config.Contacts = []config.Contact{{Name: "Palliative home-care team", Phone: "+32 2 000 00 00"}}
			d.Config.Notice = "Sample content"
		}, true},
		{"canonical", func(d *Data) { d.Canonical = "https://cme.example.org/sub/symptoms/breathing/breathlessness/" }, true},
		{"canonical, query", func(d *Data) { d.Canonical = "http://localhost:8080/a;b/?x=1#top" }, true},
		{"root of a top page", func(d *Data) { d.Root = "./" }, true},
		{"root one up", func(d *Data) { d.Root = "../" }, true},
		{"canonical with +", func(d *Data) { d.Canonical = "https://cme.example.org/a+b/" }, false},
		{"canonical with &", func(d *Data) { d.Canonical = "https://cme.example.org/?a=1&b=2" }, false},
		{"canonical with é", func(d *Data) { d.Canonical = "https://cme.example.org/café/" }, false},
		{"canonical with an escape", func(d *Data) { d.Canonical = "https://cme.example.org/caf%C3%A9/" }, true},
		{"canonical with a bare %", func(d *Data) { d.Canonical = "https://cme.example.org/100%/" }, false},
		{"canonical ending in %4", func(d *Data) { d.Canonical = "https://cme.example.org/a%4" }, false},
		{"canonical, other scheme", func(d *Data) { d.Canonical = "javascript:alert(1)" }, false},
		{"root not a root", func(d *Data) { d.Root = "x/../" }, false},
		{"root with a quote", func(d *Data) { d.Root = "../\"/" }, false},
		{"no front matter", func(d *Data) { d.Module.Front = nil }, false},
		{"no module", func(d *Data) { d.Module = nil }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, _ := benchModule()
			cfg := *d.Config
			d.Config = &cfg
			c.edit(d)
			if got := samePage(t, th, d); got != c.direct {
				t.Errorf("written directly: %v, want %v", got, c.direct)
			}
		})
	}
}

// TestModulePageLanguages: in every built-in language, and with UI
// strings holding every character html/template escapes, a page written
// directly is the templates' page.
func TestModulePageLanguages(t *testing.T) {
	eachLanguage(t, []string{"breadcrumbs_label", "home", "toc_title", "ticks_clear", "ticks_note", "references_title", "card_details", "contacts_title", "call_team_link", "notice_label"},
		func(th *Theme, lang string, siteStrings bool) {
			for _, quick := range []bool{false, true} {
				d, _ := benchModule()
				cfg := *d.Config
				d.Config = &cfg
				cfg.Notice = "Sample"
				cfg.Contacts = []config.Contact{{Name: "Team", Phone: "1"}}
				if quick {
					d.Module.Format = config.Term{ID: config.QuickReference}
				}
				if !samePage(t, th, d) {
					t.Errorf("%s (site strings: %v): not written directly", lang, siteStrings)
				}
				if siteStrings && !strings.Contains(mustRender(t, th, d), escapedHome) {
					t.Error("the site's UI string is not on the page, escaped")
				}
			}
		})
}

// escapedHome is the UI string "home" that eachLanguage's site gives, as
// a page shows it.
const escapedHome = "&lt;b&gt;&#39;home&#39;&lt;/b&gt; &amp; &#34;1&#43;1&#34;"

// eachLanguage calls fn with the built-in theme in each built-in language,
// then in English with a site's UI strings for keys, each holding every
// character html/template escapes (siteStrings true).
func eachLanguage(t *testing.T, keys []string, fn func(th *Theme, lang string, siteStrings bool)) {
	t.Helper()
	var yaml strings.Builder
	for _, key := range keys {
		yaml.WriteString(key + `: "<b>'` + key + `'</b> & \"1+1\""` + "\n")
	}
	site := fstest.MapFS{"themes/default/i18n/en.yaml": {Data: []byte(yaml.String())}}
	for _, c := range []struct {
		lang string
		site fs.FS
	}{{"en", nil}, {"nl", nil}, {"fr", nil}, {"en", site}} {
		th, diags := Load(c.site, "default", c.lang)
		if diags.Errors() > 0 {
			t.Fatal(diags)
		}
		fn(th, c.lang, c.site != nil)
	}
}

func mustRender(t *testing.T, th *Theme, d *Data) string {
	t.Helper()
	b, err := th.Render("module", d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestModulePageError: a module page that fails (a UI string the theme
// lacks, which a helper needs) is left to the templates, whose error names
// the template as written.
func TestModulePageError(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	delete(th.strings, "cme_title") // read by moduleDetails, on every page
	d, _ := benchModule()
	if _, ok := writtenPage(th, "module", d); ok {
		t.Error("modulePage wrote a page with a missing UI string")
	}
	_, err := th.Render("module", d)
	if err == nil || !strings.Contains(err.Error(), "cme_title") || !strings.Contains(err.Error(), "module.html") {
		t.Errorf("error = %v, want the missing string named in module.html", err)
	}
}

// builtinFile is the built-in theme's file name.
func builtinFile(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(themes.Default(), name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// themeWith loads the default theme in English with files (by path
// under themes/default/) put over the built-in ones.
func themeWith(t *testing.T, files map[string]string) *Theme {
	t.Helper()
	site := fstest.MapFS{}
	for name, data := range files {
		site["themes/default/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	th, diags := Load(site, "default", "en")
	if diags.Errors() > 0 {
		t.Fatal(diags)
	}
	return th
}

// TestModulePageOverride: a theme that overrides a template a module page
// runs gets its module pages from its templates; one that overrides only
// the shared chrome keeps the direct path, with its own chrome.
func TestModulePageOverride(t *testing.T) {
	builtin := func(name string) string { return builtinFile(t, name) }
	module := builtin("templates/module.html")
	chrome := builtin("templates/partials/chrome.html")
	cases := []struct {
		name   string
		files  map[string]string
		direct bool
	}{
		{"none", nil, true},
		{"the same module.html", map[string]string{"templates/module.html": module}, true},
		{"the header", map[string]string{"templates/partials/chrome.html": strings.Replace(chrome, `<header class="site-header">`, `<header class="site-header custom">`, 1)}, true},
		{"module.html", map[string]string{"templates/module.html": strings.Replace(module, `<p class="lead">`, `<p class="lead custom">`, 1)}, false},
		{"base.html", map[string]string{"templates/base.html": strings.Replace(builtin("templates/base.html"), "<main ", "<main data-x ", 1)}, false},
		{"badges", map[string]string{"templates/partials/badges.html": `{{define "badges"}}<span>{{.Module.Level.Label}}</span>{{end}}`}, false},
		{"record, redefined in a new partial", map[string]string{"templates/partials/zz.html": `{{define "record"}}<p>no record</p>{{end}}`}, false},
		{"module-details, in module.html", map[string]string{"templates/module.html": strings.Replace(module, `{{moduleDetails .Root .Module}}`, `{{moduleDetails .Root .Module}}<p>more</p>`, 1)}, false},
		{"a head block", map[string]string{"templates/module.html": module + `{{define "head"}}<meta name="x" content="y">{{end}}`}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th := themeWith(t, c.files)
			if th.directPages["module"] != c.direct {
				t.Fatalf("direct module pages: %v, want %v", th.directPages["module"], c.direct)
			}
			d, _ := benchModule()
			page, err := th.Render("module", d)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := templatePage(t, th, d)
			if string(page) != want {
				t.Error("the page differs from what the theme's templates make")
			}
			for _, s := range []string{"site-header custom", "lead custom", "<span>Basic</span>", "no record", "<p>more</p>", `<main data-x `, `<meta name="x"`} {
				if strings.Contains(want, s) != strings.Contains(string(page), s) {
					t.Errorf("the page and the templates disagree on %q", s)
				}
			}
		})
	}
}

// FuzzModulePage: whatever the text of a module and the site, a page
// written directly is the one the templates write.
func FuzzModulePage(f *testing.F) {
	f.Add("Breathlessness", "Assess it.", "NICE NG31.", "en", "Sample content", "https://cme.example.org/", "../../", "Palliative care")
	f.Add("<a href='x'>1+1</a>", "\x00\xff", "&amp;", "nl\"", "", "http://x/?a=b;c", "./", "T&C")
	f.Add("", "", "", "", "", "", "", "")
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		f.Fatal(diags)
	}
	f.Fuzz(func(t *testing.T, title, summary, ref, lang, notice, canonical, root, site string) {
		d, m := benchModule()
		cfg := *d.Config
		d.Config = &cfg
		m.Front.Title, m.Front.Summary, m.Front.References = title, summary, []string{ref}
		d.Title, d.Description, d.Lang, d.Canonical, d.Root = title, summary, lang, canonical, root
		cfg.Notice, cfg.Title = notice, site
		d.Body = template.HTML(summary)
		samePage(t, th, d)
		// Most fuzzed roots and URLs leave the page to the templates:
		// again with ones that do not.
		d.Root, d.Canonical = "../", ""
		if !samePage(t, th, d) {
			t.Error("a page with a plain root was not written directly")
		}
	})
}
