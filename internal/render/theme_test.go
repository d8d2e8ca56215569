package render

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cmesite/cmesite/internal/markdown"
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
	// The site's nl.yaml has one string: it overrides the built-in Dutch
	// one, and every other key keeps the built-in translation.
	nl, diags := Load(site, "default", "nl")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if s, _ := nl.T("notfound_text"); s != "Deze pagina bestaat niet." {
		t.Errorf("nl string = %q", s)
	}
	if s, _ := nl.T("nav_catalogue"); s != "Catalogus" {
		t.Errorf("nl string from the built-in nl.yaml = %q", s)
	}
	_, diags = Load(site, "default", "de")
	if len(diags) == 0 || !strings.Contains(diags[0].Message, `language "de" has no UI strings`) {
		t.Errorf("missing language: %v", diags)
	}
}

// TestFallback: a translation that lacks keys (a theme's own language, or
// one written before keys were added) shows those keys in English, and
// each is a warning that names the file and the key; a missing _zero form
// takes the translation's _other form.
func TestFallback(t *testing.T) {
	site := fstest.MapFS{
		"themes/default/i18n/de.yaml": {Data: []byte("home: \"Startseite\"\nmodules_count_one: \"{n} Modul\"\nmodules_count_other: \"{n} Module\"\n")},
	}
	de, diags := Load(site, "default", "de")
	if diags.Errors() > 0 {
		t.Fatal(diags)
	}
	if s, _ := de.T("home"); s != "Startseite" {
		t.Errorf("translated = %q", s)
	}
	if s, _ := de.T("nav_catalogue"); s != "Catalogue" {
		t.Errorf("missing key = %q, want the English", s)
	}
	if s, _ := de.T("modules_count", 0); s != "0 Module" {
		t.Errorf("count 0 without a translated _zero = %q, want the translated _other", s)
	}
	en, _ := Load(nil, "default", "en")
	var enKeys []string
	for k := range en.strings {
		enKeys = append(enKeys, k)
	}
	warned := map[string]bool{}
	for _, d := range diags {
		if d.File != "themes/default/i18n/de.yaml" || !strings.Contains(d.Message, "is not translated") {
			t.Errorf("unexpected diagnostic %v", d)
			continue
		}
		warned[strings.Fields(d.Message)[2]] = true
	}
	for _, k := range enKeys {
		want := k != "home" && !strings.HasPrefix(k, "modules_count_")
		if warned[k] != want {
			t.Errorf("key %s: warned %v, want %v", k, warned[k], want)
		}
	}
}

// TestTranslationsComplete: the shipped translations give every key of
// en.yaml, so a Dutch or French site shows no English and check is quiet.
func TestTranslationsComplete(t *testing.T) {
	en, _ := Load(nil, "default", "en")
	if s, _ := en.T("modules_count", 0); s != "No modules yet" {
		t.Errorf("English count 0 = %q", s)
	}
	for lang, want := range map[string][2]string{
		"nl": {"contacts_title", "Wanneer het palliatief thuiszorgteam bellen"},
		"fr": {"contacts_title", "Quand appeler l'équipe de soins palliatifs à domicile"},
	} {
		th, diags := Load(nil, "default", lang)
		if len(diags) > 0 {
			t.Errorf("%s: %v", lang, diags)
		}
		for k := range en.strings {
			if th.strings[k] == "" {
				t.Errorf("%s lacks %s", lang, k)
			} else if th.strings[k] == en.strings[k] && !sameInEnglish[k] {
				t.Errorf("%s: %s is the English %q", lang, k, en.strings[k])
			}
		}
		if s, _ := th.T(want[0]); s != want[1] {
			t.Errorf("%s %s = %q", lang, want[0], s)
		}
	}
}

// sameInEnglish are the keys whose translation may equal the English.
var sameInEnglish = map[string]bool{
	"nav_label": true, "nav_catalogue": true, "nav_formats": true, "catalogue_title": true, "col_module": true,
	"modules_count_one": true, "modules_count_other": true, "duration_minutes_one": true, "duration_minutes_other": true,
	"duration_hours_one": true, "duration_hours_other": true, "facet_format": true, "facet_format_plural": true,
	"formats_title": true, "entry_level_link_one": true, "subsections": true, "search_facet_format": true, "col_modules": true, "col_status": true, "coverage_total": true, "path_progress_total_one": true, "path_progress_total_other": true, "mycme_field_minutes": true, "mycme_minutes": true, "mycme_module": true, "mycme_min": true, "mycme_field_format": true, "mycme_field_date": true, "list_pager_page": true, "callout_tip": true, "callout_important": true,
}

func TestTemplateErrorHasLine(t *testing.T) {
	site := fstest.MapFS{"themes/default/templates/help.html": {Data: []byte("{{define \"main\"}}\n<p>\n{{if}}\n{{end}}")}}
	_, diags := Load(site, "default", "en")
	if len(diags) != 1 || !strings.HasPrefix(diags[0].String(), "themes/default/templates/help.html:3: template error") {
		t.Errorf("diagnostics = %v", diags)
	}
}

// TestCalloutKeys: every callout kind's title is a UI string, so a
// translation can give it.
func TestCalloutKeys(t *testing.T) {
	en, _ := Load(nil, "default", "en")
	for _, k := range markdown.CalloutKinds() {
		if s, err := en.T(k.Key); err != nil || s != k.Label {
			t.Errorf("%s: en.yaml gives %q (%v), want its label %q", k.Key, s, err, k.Label)
		}
	}
}
