package content

import (
	"slices"
	"testing"
)

// TestFacets checks the facet table against the frontmatter: every Field is
// a module field, Terms reads it with its line, and a Single facet gives at
// most one term.
func TestFacets(t *testing.T) {
	doc := Parse("x/a.md", []byte("---\ntitle: A\nlevel: basic\ntopics: [pain, nausea]\naudience: gp\nsummary: S.\nformat: e-learning\n---\n"))
	if len(doc.Diags) > 0 {
		t.Fatal(doc.Diags)
	}
	want := map[string][]string{FacetLevel: {"basic"}, FacetTopic: {"pain", "nausea"}, FacetAudience: {"gp"}, FacetFormat: {"e-learning"}}
	var names []string
	for _, f := range Facets() {
		names = append(names, f.Name)
		if !slices.Contains(ModuleFields, f.Field) {
			t.Errorf("facet %s: field %q is not a module field", f.Name, f.Field)
		}
		if got := doc.Front.Terms(f.Name); !slices.Equal(got, want[f.Name]) {
			t.Errorf("Terms(%q) = %q, want %q", f.Name, got, want[f.Name])
		}
		if doc.Front.Line(f.Field) == 0 {
			t.Errorf("facet %s: no line for field %q", f.Name, f.Field)
		}
		if g, ok := FacetNamed(f.Name); !ok || g != f {
			t.Errorf("FacetNamed(%q) = %+v, %v", f.Name, g, ok)
		}
		if len((&Front{}).Terms(f.Name)) != 0 {
			t.Errorf("an empty frontmatter has terms of %s", f.Name)
		}
	}
	if !slices.Equal(names, []string{FacetLevel, FacetTopic, FacetAudience, FacetFormat}) {
		t.Errorf("facets = %q", names)
	}
	if _, ok := FacetNamed("levels"); ok {
		t.Error(`FacetNamed("levels") found a facet`)
	}
}
