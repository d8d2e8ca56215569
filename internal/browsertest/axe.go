package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// AxeVersion is the axe-core release .ci/run installs with npm.
const AxeVersion = "4.11.0"

// axeScript finds axe-core's axe.min.js: the file named by CMESITE_AXE, or
// node_modules/axe-core/axe.min.js in the module root (where
// `npm install --no-save axe-core` puts it). It returns "" when neither
// exists.
func axeScript() string {
	if p := os.Getenv("CMESITE_AXE"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"` // CSS selectors of the offending elements
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s) at %s", v.ID, v.Help, strings.Join(v.Nodes, ", "))
}

// Axe runs axe-core on the page open in ctx and returns the violations of
// the WCAG 2.1 A and AA rules and axe's best practices. Without axe-core
// the test is skipped with a message saying how to install it, unless
// CI=true, where that fails it.
func Axe(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	p := axeScript()
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("axe-core is not installed, and CI=true makes accessibility tests mandatory: .ci/run installs it (npm install --no-save axe-core@" + AxeVersion + ")")
		}
		t.Skip("skipping accessibility check: axe-core is not installed (npm install --no-save axe-core@" + AxeVersion + " in the repository root, or set CMESITE_AXE to axe.min.js); CI runs it")
	}
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("reading axe-core: %v", err)
	}
	const run = `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
  return JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})));
})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		t.Fatalf("loading axe-core into the page: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("reading axe-core's result: %v", err)
	}
	return vs
}

// ColorScheme makes the page prefer "light" or "dark" colours, as a
// phone in that mode would.
func ColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return chromedp.Void{}, err
	}
}

// Media emulates a CSS media type: "print", or "" for the screen.
func Media(media string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return chromedp.Void{}, err
	}
}
