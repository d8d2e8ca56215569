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

var poll = browsertest.Poll

// TestServeInBrowser opens a served page in headless Chromium, edits the
// module on disk and waits for the page to change by itself; then breaks
// the frontmatter and waits for the overlay to name the file and line,
// fixes it and waits for the overlay to go.
func TestServeInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 2*time.Minute)
	root := writeSite(t, map[string]string{
		"content/symptoms/_index.md":         section,
		"content/symptoms/breathlessness.md": module + "\nFirst words.\n",
	})
	url, _, _, _ := served(t, root, 0)
	file := filepath.Join(root, "content", "symptoms", "breathlessness.md")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url+"symptoms/breathlessness/"),
		browsertest.Visible("h1"),
		// the live-reload stream is connected once the script has taken a version
		poll(`document.documentElement.hasAttribute('data-cmesite-version')`),
	); err != nil {
		t.Fatal(err)
	}

	// An edit on disk shows without any action in the browser.
	os.WriteFile(file, []byte(strings.Replace(module, "title: Breathlessness", "title: Breathlessness edited", 1)+"\nSecond words.\n"), 0o644)
	if err := chromedp.Do(ctx, poll(`document.querySelector('h1') && document.querySelector('h1').textContent === 'Breathlessness edited'`)); err != nil {
		t.Fatalf("the page did not change after an edit: %v", err)
	}
	// The page may reload once more (a save can reach the watcher as a
	// truncate and a write): wait for the body rather than read it once.
	if err := chromedp.Do(ctx, poll(`document.querySelector('.module-body') && document.querySelector('.module-body').textContent.includes('Second words.')`)); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".module-body")))
		t.Errorf("body after reload = %q (%v)", body, err)
	}

	// A broken frontmatter shows the overlay with file and line.
	os.WriteFile(file, []byte("---\ntitle: Broken\nlevel: expert\ntopics: [breathlessness]\naudience: [gp]\nsummary: s\n---\n"), 0o644)
	if err := chromedp.Do(ctx, browsertest.Visible("#cmesite-overlay")); err != nil {
		t.Fatalf("no overlay after a broken save: %v", err)
	}
	overlay, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cmesite-overlay")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(overlay, "content/symptoms/breathlessness.md:3") || !strings.Contains(overlay, `level "expert"`) {
		t.Errorf("overlay text = %q", overlay)
	}
	if h1, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('h1').textContent`)); h1 != "Breathlessness edited" {
		t.Errorf("the last good page is not kept under the overlay: h1 = %q", h1)
	}

	// Fixing the file clears the overlay by itself.
	os.WriteFile(file, []byte(module+"\nFixed words.\n"), 0o644)
	if err := chromedp.Do(ctx,
		poll(`(() => { const o = document.querySelector('#cmesite-overlay'); return !o || o.hidden || getComputedStyle(o).display === 'none'; })()`),
		poll(`document.body.textContent.includes('Fixed words.')`),
	); err != nil {
		t.Fatalf("the overlay did not clear after the fix: %v", err)
	}
}
