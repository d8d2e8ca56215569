package search

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/themes"
)

// TestSearchJSShared checks that search.js, which cannot import Go, spells
// the facets and the quick-reference format as their one Go source does
// (content.Facets, config.QuickReference).
func TestSearchJSShared(t *testing.T) {
	js, err := fs.ReadFile(themes.Default(), "assets/search.js")
	if err != nil {
		t.Fatal(err)
	}
	constant := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s*const ` + name + ` = (.*);$`).FindSubmatch(js)
		if m == nil {
			t.Fatalf("search.js has no const %s", name)
		}
		return string(m[1])
	}
	var facets []string
	if err := json.Unmarshal([]byte(constant("FACETS")), &facets); err != nil || !slices.Equal(facets, facetNames) {
		t.Errorf("search.js FACETS = %s, want %q (content.Facets)", constant("FACETS"), facetNames)
	}
	var qr string
	if err := json.Unmarshal([]byte(constant("QUICK_REFERENCE")), &qr); err != nil || qr != config.QuickReference {
		t.Errorf("search.js QUICK_REFERENCE = %s, want %q (config.QuickReference)", constant("QUICK_REFERENCE"), config.QuickReference)
	}
}
