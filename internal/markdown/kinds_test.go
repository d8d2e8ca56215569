package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// TestCalloutKinds checks the exported kinds: the named ones are kinds, and
// each kind renders with its Class and Label and is found again from any
// case and spacing.
func TestCalloutKinds(t *testing.T) {
	kinds := CalloutKinds()
	for _, name := range []string{CalloutKeyPoints, CalloutCallTheTeam} {
		if kindIndex(name) < 0 {
			t.Errorf("%q is not in CalloutKinds", name)
		}
	}
	if k := kinds[kindIndex(CalloutKeyPoints)]; k.Key != "callout_key_points" || k.Class != "key-points" || k.Label != "Key points" {
		t.Errorf("KEY POINTS = %+v", k)
	}
	kinds[0].Name = "CHANGED"
	if CalloutKinds()[0].Name == "CHANGED" {
		t.Error("CalloutKinds returns the package's own slice")
	}
	r := New(Options{})
	for _, k := range CalloutKinds() {
		src := "> [!" + strings.ToLower(strings.ReplaceAll(k.Name, " ", "  ")) + "]\n> Text.\n"
		res := r.Render(Input{Source: []byte(src), File: "content/x.md", Path: "x.md", FirstLine: 1})
		want := `<aside class="callout callout-` + k.Class + `"`
		if !strings.Contains(string(res.HTML), want) || !strings.Contains(string(res.HTML), ">"+k.Label+"</p>") ||
			len(res.Callouts) != 1 || res.Callouts[0] != k.Name {
			t.Errorf("%s: HTML %q, callouts %q", k.Name, res.HTML, res.Callouts)
		}
	}
}

// TestFacilitatorConvention: facilitator notes go in a FACILITATOR callout;
// under a "Facilitator notes" heading they are a warning at its line.
func TestFacilitatorConvention(t *testing.T) {
	r := New(Options{})
	res := r.Render(Input{Source: []byte("## Case\n\nText.\n\n> [!FACILITATOR]\n> - Keep it short.\n"), File: "content/s.md", Path: "s.md", FirstLine: 1})
	if len(res.Diagnostics) != 0 || !strings.Contains(string(res.HTML), `<aside class="callout callout-facilitator"`) {
		t.Errorf("a FACILITATOR callout: %v\n%s", res.Diagnostics, res.HTML)
	}
	res = r.Render(Input{Source: []byte("## Case\n\nText.\n\n## Facilitator notes\n\n- Keep it short.\n"), File: "content/s.md", Path: "s.md", FirstLine: 10})
	if got := fmt.Sprint(res.Diagnostics); !strings.Contains(got, `content/s.md:14: warning: facilitator notes under a heading`) || !strings.Contains(got, "[!FACILITATOR]") {
		t.Errorf("a Facilitator notes heading: %q", got)
	}
}
