package content

import "slices"

// The names of the four facets, the ways modules are browsed and searched.
// A facet's name is also the name of its vocabulary in messages and
// cmesite.yaml's Vocabulary.Name, the search index's facet and the query
// parameter of the catalogue and search filters.
const (
	FacetLevel    = "level"
	FacetTopic    = "topic"
	FacetAudience = "audience"
	FacetFormat   = "format"
)

// Facet is one way to browse and search modules, and where its terms come
// from.
type Facet struct {
	Name   string // FacetLevel, FacetTopic, FacetAudience or FacetFormat
	Plural string // the URL folder of its term pages and its cmesite.yaml key: "levels"
	Field  string // the frontmatter field that gives a module's terms: "level", "topics"
	Single bool   // a module has at most one term of it (level, format)
}

// facets are the facets in the order lists, the catalogue and search show
// them.
var facets = []Facet{
	{Name: FacetLevel, Plural: "levels", Field: "level", Single: true},
	{Name: FacetTopic, Plural: "topics", Field: "topics"},
	{Name: FacetAudience, Plural: "audiences", Field: "audience"},
	{Name: FacetFormat, Plural: "formats", Field: "format", Single: true},
}

// Facets returns the facets, in the order lists, the catalogue and search
// show them.
func Facets() []Facet { return slices.Clone(facets) }

// FacetNamed returns the facet called name (FacetLevel, ...).
func FacetNamed(name string) (Facet, bool) {
	for _, f := range facets {
		if f.Name == name {
			return f, true
		}
	}
	return Facet{}, false
}

// Terms returns the term ids the frontmatter gives for facet (FacetLevel,
// ...), as written, in order: none, one for a Single facet, any number for
// the others. It is the one place that knows which field gives which
// facet's terms. The slice may be f's own; do not modify it.
func (f *Front) Terms(facet string) []string {
	switch facet {
	case FacetLevel:
		return single(f.Level)
	case FacetTopic:
		return f.Topics
	case FacetAudience:
		return f.Audience
	case FacetFormat:
		return single(f.Format)
	}
	return nil
}

func single(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}
