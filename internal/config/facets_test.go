package config

import (
	"testing"

	"github.com/cmesite/cmesite/internal/content"
)

// TestVocabOfFacets checks that every facet of content.Facets has its
// vocabulary, named for it, both by default and when cmesite.yaml lists all
// four under the facets' plural names.
func TestVocabOfFacets(t *testing.T) {
	src := ""
	for _, f := range content.Facets() {
		src += f.Plural + ": [a-" + f.Name + "]\n"
	}
	loaded, problems := load(src)
	if problems != "" {
		t.Fatal(problems)
	}
	for name, cfg := range map[string]*Config{"default": Default(), "loaded": loaded} {
		seen := map[*Vocabulary]bool{}
		for _, f := range content.Facets() {
			v := cfg.Vocab(f.Name)
			if v == nil || v.Name != f.Name || seen[v] {
				t.Fatalf("%s: Vocab(%q) = %+v", name, f.Name, v)
			}
			seen[v] = true
			if name == "loaded" && !v.Has("a-"+f.Name) {
				t.Errorf("%s: cmesite.yaml's %s did not set the %s vocabulary", name, f.Plural, f.Name)
			}
		}
	}
	if Default().Vocab("levels") != nil {
		t.Error(`Vocab("levels") found a vocabulary`)
	}
}
