package markdown

import (
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
