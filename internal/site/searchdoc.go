package site

import (
	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/search"
)

// newSearchIndex makes the site's search index, with the vocabularies'
// labels and order for the facets.
func newSearchIndex(cfg *config.Config) *search.Index {
	labels := map[string]map[string]string{}
	order := map[string][]string{}
	for _, f := range content.Facets() {
		v := cfg.Vocab(f.Name)
		labels[v.Name] = map[string]string{}
		for _, t := range v.Terms {
			labels[v.Name][t.ID] = t.Label
			order[v.Name] = append(order[v.Name], t.ID)
		}
	}
	return search.NewIndex(search.Options{Synonyms: cfg.Synonyms, Labels: labels, Order: order})
}

// searchKey identifies what a module's search entry was made from.
func searchKey(m *curriculum.Module, ds *docState) uint64 {
	return newHasher().u64(ds.hash).str(m.URL).sum()
}

func searchDoc(m *curriculum.Module, ds *docState) search.Doc {
	d := search.Doc{
		URL:      m.URL,
		Title:    m.Front.Title,
		Level:    m.Level.ID,
		Format:   m.Format.ID,
		Keywords: m.Front.Keywords,
		Summary:  m.Front.Summary,
		Weight:   m.Front.Weight,
	}
	for _, t := range m.Topics {
		d.Topics = append(d.Topics, t.ID)
	}
	for _, t := range m.Audiences {
		d.Audiences = append(d.Audiences, t.ID)
	}
	for _, s := range ds.res.Sections {
		d.Sections = append(d.Sections, search.Section{Anchor: s.Anchor, Heading: s.Heading, Text: s.Text, Callout: s.Callout})
	}
	return d
}
