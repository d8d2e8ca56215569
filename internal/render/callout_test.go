package render

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/cmesite/cmesite/internal/markdown"
	"github.com/cmesite/cmesite/themes"
	"gopkg.in/yaml.v3"
)

// TestDefaultThemeCallouts checks the default theme against the one list of
// callout kinds: its stylesheet styles every kind's class, and every
// callout_* UI string it has is the title key of a kind.
func TestDefaultThemeCallouts(t *testing.T) {
	css, err := fs.ReadFile(themes.Default(), "assets/main.css")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range markdown.CalloutKinds() {
		keys[k.Key] = true
		if !strings.Contains(string(css), ".callout-"+k.Class+" {") {
			t.Errorf("main.css has no rule for .callout-%s (kind %s)", k.Class, k.Name)
		}
	}
	data, err := fs.ReadFile(themes.Default(), "i18n/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var strs map[string]any
	if err := yaml.Unmarshal(data, &strs); err != nil {
		t.Fatal(err)
	}
	for key := range strs {
		if strings.HasPrefix(key, "callout_") && !keys[key] {
			t.Errorf("i18n/en.yaml: %s is not the title key of a callout kind", key)
		}
	}
}
