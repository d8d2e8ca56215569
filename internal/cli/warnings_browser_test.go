package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cmesite/cmesite/internal/browsertest"
)

// TestWarningPanelInBrowser: a misspelt objectves: shows in a small
// panel naming the file and line while the page stays usable; the panel
// can be dismissed, stays away while the warnings are the same, comes
// back with a new one, and goes when the module is fixed. A YAML error
// shows the overlay with its real line highlighted.
func TestWarningPanelInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 2*time.Minute)
	root := writeSite(t, map[string]string{
		"cmesite.yaml":                       contactsYAML,
		"content/symptoms/_index.md":         section,
		"content/symptoms/breathlessness.md": module + "\nFirst words.\n",
	})
	url, _, _, _ := served(t, root, 0)
	file := filepath.Join(root, "content", "symptoms", "breathlessness.md")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url+"symptoms/breathlessness/"),
		browsertest.Visible("h1"),
		poll(`document.documentElement.hasAttribute('data-cmesite-version')`),
	); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#cmesite-warnings').length`)); n != 0 {
		t.Fatal("a warnings panel without warnings")
	}

	misspelt := strings.Replace(module, "summary:", "objectves: [Relieve breathlessness]\nsummary:", 1)
	os.WriteFile(file, []byte(misspelt+"\nSecond words.\n"), 0o644)
	if err := chromedp.Do(ctx, poll(`!!document.querySelector('#cmesite-warnings [data-problem*="objectves"]')`)); err != nil {
		t.Fatalf("no warnings panel after a misspelt field: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cmesite-warnings")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 warning", "content/symptoms/breathlessness.md:6", `unknown module field "objectves"`, "did you mean objectives?", "objectves: [Relieve breathlessness]"} {
		if !strings.Contains(text, want) {
			t.Errorf("panel lacks %q:\n%s", want, text)
		}
	}
	// The page stays usable: no overlay, the panel is small and leaves the
	// middle of the page clickable, and the page's own text is there.
	usable, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const p = document.getElementById('cmesite-warnings');
		const r = p.getBoundingClientRect();
		const mid = document.elementFromPoint(innerWidth / 2, innerHeight / 4);
		return !document.getElementById('cmesite-overlay') && !p.hasAttribute('aria-modal') &&
			r.height <= innerHeight * 0.5 && mid && !p.contains(mid) &&
			document.body.textContent.includes('Second words.');
	})()`))
	if err != nil || !usable {
		t.Errorf("the warnings panel blocks the page (%v)", err)
	}

	// Dismissed, it stays away while the warnings are the same, across a
	// reload caused by another save.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#cmesite-warnings .cmesite-close")),
		poll(`!document.getElementById('cmesite-warnings')`),
	); err != nil {
		t.Fatalf("the panel did not go when dismissed: %v", err)
	}
	os.WriteFile(file, []byte(misspelt+"\nThird words.\n"), 0o644)
	if err := chromedp.Do(ctx, poll(`document.body.textContent.includes('Third words.')`)); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#cmesite-warnings').length`)); n != 0 {
		t.Error("a dismissed panel came back with the same warnings")
	}
	// A new warning brings it back.
	os.WriteFile(file, []byte(strings.Replace(misspelt, "summary:", "keywrods: [sob]\nsummary:", 1)+"\nThird words.\n"), 0o644)
	if err := chromedp.Do(ctx, poll(`document.querySelectorAll('#cmesite-warnings [data-problem]').length === 2`)); err != nil {
		t.Fatalf("the panel did not come back with a new warning: %v", err)
	}

	// A YAML error: the overlay highlights the line of the unclosed list.
	os.WriteFile(file, []byte("---\ntitle: Breathlessness\nlevel: basic\naudience: [gp]\ntopics: [breathlessness, pain\nsummary: s\n---\n"), 0o644)
	if err := chromedp.Do(ctx, poll(`!!document.querySelector('#cmesite-overlay .cmesite-here')`)); err != nil {
		t.Fatalf("no overlay for a YAML error: %v", err)
	}
	here, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cmesite-overlay .cmesite-here")))
	where, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cmesite-overlay .cmesite-where")))
	if !strings.Contains(here, "5 | topics: [breathlessness, pain") || where != "content/symptoms/breathlessness.md:5" {
		t.Errorf("overlay points at %q, highlighting %q; want line 5, the unclosed list", where, here)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#cmesite-warnings').length`)); n != 0 {
		t.Error("the warnings panel stays under the error overlay")
	}

	// Fixed: no overlay, no panel.
	os.WriteFile(file, []byte(module+"\nFixed words.\n"), 0o644)
	if err := chromedp.Do(ctx,
		poll(`document.body.textContent.includes('Fixed words.')`),
		poll(`!document.getElementById('cmesite-overlay') && !document.getElementById('cmesite-warnings')`),
	); err != nil {
		t.Fatalf("overlay or panel stayed after the fix: %v", err)
	}
}

// TestWarningPanelAccessible: the warnings panel passes axe-core's WCAG
// 2.1 AA rules in light and dark mode (the page under it is checked by
// the site's own accessibility tests).
func TestWarningPanelAccessible(t *testing.T) {
	ctx := browsertest.New(t, 2*time.Minute)
	root := writeSite(t, map[string]string{
		"cmesite.yaml":                       contactsYAML,
		"content/symptoms/_index.md":         section,
		"content/symptoms/breathlessness.md": strings.Replace(module, "summary:", "objectves: [Relieve breathlessness]\nsummary:", 1),
	})
	url, _, _, _ := served(t, root, 0)
	for _, scheme := range []string{"light", "dark"} {
		if err := chromedp.Do(ctx,
			browsertest.ColorScheme(scheme),
			chromedp.Navigate(url+"symptoms/breathlessness/"),
			poll(`!!document.querySelector('#cmesite-warnings [data-problem]')`),
		); err != nil {
			t.Fatal(err)
		}
		for _, v := range browsertest.Axe(t, ctx) {
			for _, n := range v.Nodes {
				if strings.Contains(n, "cmesite-warnings") || strings.Contains(n, "cmesite-") {
					t.Errorf("%s: the warnings panel breaks %s", scheme, v)
					break
				}
			}
		}
	}
}
