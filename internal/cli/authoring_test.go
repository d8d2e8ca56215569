package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/content"
)

// contactsYAML gives a site a contact, so that check has nothing to say
// about a site for GPs without one.
const contactsYAML = "contacts:\n  - name: Team\n    phone: \"+00 000\"\n"

// TestNewFormats: each format's scaffold carries that format's callouts
// and headings, starts as a draft, has no errors, and fails check --strict
// with a warning at every placeholder line until they are all replaced.
func TestNewFormats(t *testing.T) {
	want := map[string][]string{
		"quick-reference":     {"> [!KEY POINTS]", "> [!RED FLAGS]", "> [!CALL THE TEAM]", "## Advice for carers", "## Check before you leave", "duration: 5\n"},
		"e-learning":          {"> [!KEY POINTS]", "> [!RED FLAGS]", "> [!CALL THE TEAM]", "> [!PRACTICE TIP]", "## Reflect", "credits: 0.5\n"},
		"small-group":         {"## Aim", "## Preparation", "## Timing plan", "| Time | Activity |", "## The case", "## Discussion questions", "> [!FACILITATOR]", "credits: 1.5\n"},
		"peer-review":         {"## How to present an anonymised case", "## Worked example", "## Questions for the group", "> [!FACILITATOR]", "## Reflective note template"},
		"clinical-attachment": {"## Arranging it", "## What to observe", "## What to ask the team", "### Skills checklist", "- [ ] ", "## Reflective summary", "> [!PRACTICE TIP]"},
	}
	for format, parts := range want {
		t.Run(format, func(t *testing.T) {
			root := writeSite(t, map[string]string{"cmesite.yaml": contactsYAML, "content/_index.md": "---\ntitle: Home\n---\n"})
			code, out, errOut := run("new", "--source", root, "--format", format, "cards/thing")
			if code != ExitOK || !strings.Contains(out, "format "+format) {
				t.Fatalf("new = %d %q %q", code, out, errOut)
			}
			file := filepath.Join(root, "content", "cards", "thing.md")
			data, _ := os.ReadFile(file)
			src := string(data)
			for _, p := range append(parts, "\nformat: "+format+"\n", "\ndraft: true\n") {
				if !strings.Contains(src, p) {
					t.Errorf("scaffold lacks %q", p)
				}
			}
			if format == "quick-reference" && strings.Contains(src, "\ncredits:") {
				t.Error("a card scaffold carries credits")
			}
			// Every placeholder line is a warning at that line, drafts or not.
			var lines []int
			for i, l := range strings.Split(src, "\n") {
				if strings.Contains(l, content.Placeholder) {
					lines = append(lines, i+1)
				}
			}
			if len(lines) < 5 {
				t.Fatalf("only %d placeholder lines", len(lines))
			}
			code, out, _ = run("check", "--source", root, "--strict")
			if code != ExitContent {
				t.Errorf("check --strict of a fresh scaffold = %d, want 1\n%s", code, out)
			}
			for _, n := range lines {
				if !strings.Contains(out, "content/cards/thing.md:"+strconv.Itoa(n)+": warning: scaffold placeholder") {
					t.Errorf("no placeholder warning at line %d\n%s", n, out)
				}
			}
			if code, out, _ := run("check", "--source", root, "--drafts"); code != ExitOK || !strings.Contains(out, ", 0 errors,") {
				t.Errorf("check --drafts of a fresh scaffold = %d\n%s", code, out)
			}
			// Written: placeholders replaced, draft off: a clean module.
			done := regexp.MustCompile(`REPLACE: ?`).ReplaceAllString(src, "")
			done = strings.Replace(done, "draft: true", "draft: false", 1)
			os.WriteFile(file, []byte(done), 0o644)
			os.WriteFile(filepath.Join(root, "content", "cards", "_index.md"), []byte("---\ntitle: Cards\n---\n"), 0o644)
			if code, out, _ := run("check", "--source", root, "--strict"); code != ExitOK || !strings.Contains(out, "ok: 1 module, 0 errors, 0 warnings") {
				t.Errorf("check --strict of the finished module = %d\n%s", code, out)
			}
			// Never overwrite, whatever the format.
			if code, _, errOut := run("new", "--source", root, "--format", "e-learning", "cards/thing"); code != ExitContent || !strings.Contains(errOut, "already exists") {
				t.Errorf("second new = %d %q", code, errOut)
			}
			if b, _ := os.ReadFile(file); string(b) != done {
				t.Error("new overwrote an author's file")
			}
		})
	}
	root := writeSite(t, map[string]string{"content/_index.md": "---\ntitle: Home\n---\n"})
	if code, _, errOut := run("new", "--source", root, "--format", "webinar", "a/b"); code != ExitUsage || !strings.Contains(errOut, "allowed: e-learning") {
		t.Errorf("new --format webinar = %d %q", code, errOut)
	}
}

// TestHelpOnce: -h prints the usage once, to stdout; a bad flag prints the
// error and the usage once, to stderr.
func TestHelpOnce(t *testing.T) {
	for _, cmd := range []string{"build", "check", "new", "serve", "report", "export"} {
		code, out, errOut := run(cmd, "-h")
		if code != ExitOK || strings.Count(out, "Usage: cmesite "+cmd) != 1 || errOut != "" {
			t.Errorf("cmesite %s -h = %d, stdout %q, stderr %q", cmd, code, out, errOut)
		}
		code, out, errOut = run(cmd, "--nope")
		if code != ExitUsage || out != "" || strings.Count(errOut, "Usage: cmesite "+cmd) != 1 || !strings.HasPrefix(errOut, "flag provided but not defined") {
			t.Errorf("cmesite %s --nope = %d, stdout %q, stderr %q", cmd, code, out, errOut)
		}
	}
}

// TestPlurals: counts read as English at 1.
func TestPlurals(t *testing.T) {
	root := writeSite(t, map[string]string{"cmesite.yaml": contactsYAML,
		"content/symptoms/breathlessness.md": strings.Replace(module, "summary:", "objectves: [x]\nsummary:", 1)})
	_, out, _ := run("build", "--source", root)
	if !strings.HasPrefix(out, "built 1 module, ") || !strings.Contains(out, "(1 warning)") {
		t.Errorf("build = %q", out)
	}
	_, out, _ = run("check", "--source", root)
	if !strings.Contains(out, "ok: 1 module, 0 errors, 1 warning\n") {
		t.Errorf("check = %q", out)
	}
}

// TestTranslatedSite: a Dutch or French site is complete (no warning, the
// callouts translated); a language whose file lacks keys builds in
// English for those keys, and check lists each one at the i18n file.
func TestTranslatedSite(t *testing.T) {
	body := "\n> [!KEY POINTS]\n> - One.\n"
	for lang, want := range map[string]string{"nl": "Kernpunten", "fr": "Points clés"} {
		root := writeSite(t, map[string]string{"cmesite.yaml": "language: " + lang + "\n" + contactsYAML,
			"content/symptoms/breathlessness.md": module + body})
		code, out, _ := run("check", "--source", root, "--strict")
		if code != ExitOK || !strings.Contains(out, "0 warnings") {
			t.Errorf("%s: check --strict = %d\n%s", lang, code, out)
		}
		if code, out, errOut := run("build", "--source", root); code != ExitOK {
			t.Fatalf("%s: build = %d %s %s", lang, code, out, errOut)
		}
		page, _ := os.ReadFile(filepath.Join(root, "public", "symptoms", "breathlessness", "index.html"))
		if !strings.Contains(string(page), want) || !strings.Contains(string(page), `lang="`+lang+`"`) {
			t.Errorf("%s page lacks %q or its lang", lang, want)
		}
	}
	root := writeSite(t, map[string]string{"cmesite.yaml": "language: de\n" + contactsYAML,
		"themes/default/i18n/de.yaml":        "home: \"Startseite\"\n",
		"content/symptoms/breathlessness.md": module})
	code, out, _ := run("check", "--source", root)
	if code != ExitOK || !strings.Contains(out, `themes/default/i18n/de.yaml: warning: UI string nav_catalogue is not translated, so pages show it in English ("Catalogue")`) {
		t.Errorf("check of a partial translation = %d\n%s", code, out)
	}
	if code, _, _ := run("check", "--source", root, "--strict"); code != ExitContent {
		t.Errorf("check --strict of a partial translation = %d, want 1", code)
	}
}

// TestNoContactsHidesUrgentLink: without contacts, no page offers "call
// the team", and check warns a site for GPs.
func TestNoContactsHidesUrgentLink(t *testing.T) {
	root := writeSite(t, map[string]string{"content/symptoms/breathlessness.md": module})
	_, out, _ := run("check", "--source", root)
	if !strings.Contains(out, `cmesite.yaml: warning: the site is for GPs (its audiences include "gp") but lists no contacts`) {
		t.Errorf("check without contacts:\n%s", out)
	}
	run("build", "--source", root)
	for _, p := range []string{"index.html", "symptoms/breathlessness/index.html", "help/index.html", "404.html"} {
		b, _ := os.ReadFile(filepath.Join(root, "public", filepath.FromSlash(p)))
		if len(b) == 0 || strings.Contains(string(b), "Urgent help: call the team") || strings.Contains(string(b), "Contact the palliative home-care team") {
			t.Errorf("%s offers to call a team the site does not list (%d bytes)", p, len(b))
		}
	}
	root = writeSite(t, map[string]string{"cmesite.yaml": contactsYAML, "content/symptoms/breathlessness.md": module})
	run("build", "--source", root)
	if b, _ := os.ReadFile(filepath.Join(root, "public", "index.html")); !strings.Contains(string(b), "Urgent help: call the team") {
		t.Error("with contacts, the urgent link is gone")
	}
}

// TestEmptyStates: a level without modules says so in words, not "All 0
// modules", and the home page offers no session formats that have none.
func TestEmptyStates(t *testing.T) {
	root := writeSite(t, map[string]string{"cmesite.yaml": contactsYAML, "content/symptoms/breathlessness.md": module})
	run("build", "--source", root)
	home, _ := os.ReadFile(filepath.Join(root, "public", "index.html"))
	levels, _ := os.ReadFile(filepath.Join(root, "public", "levels", "index.html"))
	for name, b := range map[string][]byte{"home": home, "levels": levels} {
		if len(b) == 0 || regexp.MustCompile(`\b0 modules\b|\(0\)`).Match(b) {
			t.Errorf("%s page says 0 modules (%d bytes)", name, len(b))
		}
	}
	if !strings.Contains(string(home), "No modules at this level yet") || !strings.Contains(string(levels), "No modules yet") {
		t.Error("the empty specialist level is not described in words")
	}
}
