package render

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultTheme(t *testing.T) {
	th, diags := Load(nil, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for _, name := range []string{"main.css", "main.js", "search.js", "search.css"} {
		p, err := th.Asset(name)
		if err != nil || !strings.HasPrefix(p, "assets/") || strings.Count(p, ".") != 2 {
			t.Errorf("Asset(%q) = %q, %v; want a content-hashed name", name, p, err)
		}
	}
	if s, _ := th.T("modules_count", 1); s != "1 module" {
		t.Errorf("T one = %q", s)
	}
	if s, _ := th.T("modules_count", 3); s != "3 modules" {
		t.Errorf("T other = %q", s)
	}
	if _, err := th.T("no_such_key"); err == nil {
		t.Error("a missing UI string is not an error")
	}
}

// TestOverride: a site's themes/default/ replaces single files of the
// embedded theme, and a language needs its own UI strings file.
func TestOverride(t *testing.T) {
	site := fstest.MapFS{
		"themes/default/templates/404.html": {Data: []byte(`{{define "main"}}<p class="custom">{{T "notfound_text"}}</p>{{end}}`)},
		"themes/default/i18n/nl.yaml":       {Data: []byte("notfound_text: \"Deze pagina bestaat niet.\"\n")},
		"themes/default/assets/main.css":    {Data: []byte("body{color:red}")},
	}
	en, diags := Load(site, "default", "en")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	css, _ := en.Asset("main.css")
	def, _ := Load(nil, "default", "en")
	defCSS, _ := def.Asset("main.css")
	if css == defCSS {
		t.Error("an overriding stylesheet keeps the default's hashed name")
	}
	if en.Hash == def.Hash {
		t.Error("an override does not change the theme hash")
	}
	// nl.yaml has one string only: the others are missing, which is an
	// error when a template asks for them, never a silent English word.
	nl, diags := Load(site, "default", "nl")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if s, _ := nl.T("notfound_text"); s != "Deze pagina bestaat niet." {
		t.Errorf("nl string = %q", s)
	}
	_, diags = Load(site, "default", "fr")
	if len(diags) == 0 || !strings.Contains(diags[0].Message, `language "fr" has no UI strings`) {
		t.Errorf("missing language: %v", diags)
	}
}

func TestTemplateErrorHasLine(t *testing.T) {
	site := fstest.MapFS{"themes/default/templates/help.html": {Data: []byte("{{define \"main\"}}\n<p>\n{{if}}\n{{end}}")}}
	_, diags := Load(site, "default", "en")
	if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), "themes/default/templates/help.html:3: template error") {
		t.Errorf("diagnostics = %v", diags)
	}
}
