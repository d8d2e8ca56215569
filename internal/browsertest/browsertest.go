// Package browsertest starts headless Chromium for end-to-end tests
// through chromedp. When no Chromium is installed, a test is skipped with
// a message that says how to install it — unless the environment variable
// CI is "true", where a missing browser fails the test, so CI never
// passes by skipping.
package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path returns the Chromium executable, or "" when none is installed.
func Path() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// New starts a headless browser and returns a chromedp context for one
// tab. The browser lives until the test ends or timeout passes, whichever
// comes first (a bound on a hung browser, not a timing assertion).
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path := Path()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is not installed, and CI=true makes browser tests mandatory: .ci/run installs it (apt-get install -y chromium)")
		}
		t.Skip("skipping browser test: Chromium is not installed (apt-get install chromium); CI runs it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		// Chromium keeps its singleton socket in a folder of its own
		// under TMPDIR, which a killed browser leaves behind: one per
		// test on the machine, for ever, unless it is the test's own.
		chromedp.Env("TMPDIR="+t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(390, 844), // a phone
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("starting Chromium at %s: %v", path, err)
	}
	return tctx
}

// Poll waits in the page until the JavaScript expression is true, for up
// to 20 seconds. The page may navigate or reload meanwhile (live reload, a
// followed link): a poll cut short by that starts again in the new page.
func Poll(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, err := chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(time.Until(deadline)))(ctx, t)
			if err == nil || time.Now().After(deadline) || ctx.Err() != nil || !navigated(err) {
				return chromedp.Void{}, err
			}
		}
	}
}

// Visible waits, as Poll does, until the element that the CSS selector
// sel matches is in the page and shown. chromedp's WaitVisible follows
// the page through its own tracking of the DOM, which once missed a page
// under -race in CI and hung the test; a poll asks the page itself.
func Visible(sel string) chromedp.Action[chromedp.Void] {
	q, _ := json.Marshal(sel) // a string: cannot fail
	return Poll(`(e => e !== null && e.checkVisibility())(document.querySelector(` + string(q) + `))`)
}

func navigated(err error) bool {
	s := err.Error()
	return strings.Contains(s, "navigated") || strings.Contains(s, "context was destroyed") || strings.Contains(s, "Cannot find context")
}
