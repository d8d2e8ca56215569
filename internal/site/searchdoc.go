package site

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/markdown"
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
	d.Topics, d.Audiences = termIDs(m.Topics, m.Front.Topics), termIDs(m.Audiences, m.Front.Audience)
	// The two Sections have the same fields: one that gains a field
	// stops this conversion from compiling.
	d.Sections = mapped(ds.res.Sections, func(s markdown.Section) search.Section { return search.Section(s) })
	return d
}

// termIDs are the ids of terms, which the module took from the ids its
// frontmatter gives, written: those ids themselves when every one was
// allowed (the same length), as they are in a build without errors. The
// search index keeps them for every module; sharing the frontmatter's
// slice spares it one more object per module.
func termIDs(terms []config.Term, written []string) []string {
	if len(terms) == 0 {
		return nil
	}
	if len(terms) == len(written) {
		return written
	}
	return mapped(terms, func(t config.Term) string { return t.ID })
}

// mapped is f of each element of s, in a slice made at its size (nil for
// none): a large site's build makes one per module.
func mapped[S, T any](s []S, f func(S) T) []T {
	if len(s) == 0 {
		return nil
	}
	out := make([]T, len(s))
	for i, x := range s {
		out[i] = f(x)
	}
	return out
}

// diskTwins are the twins of the search index's files for a site opened
// from disk: the browser refuses fetch() on file:, but runs a script.
// search/X.json's twin search/X.js is
//
//	(self.cmesiteData=self.cmesiteData||{})["search/X.json"]=<the JSON>;
//
// which search.js loads with a <script> element and reads back. The twins
// double the index's bytes on disk; a twin is remade only when its file's
// bytes change.
type diskTwins map[string]diskTwin

type diskTwin struct {
	src, js []byte
}

// update returns the twins of files, reusing those of t whose files are
// the same bytes.
func (t diskTwins) update(files map[string][]byte) diskTwins {
	out := make(diskTwins, len(files))
	for name, data := range files {
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		if old, ok := t[name]; ok && bytes.Equal(old.src, data) {
			out[name] = old
			continue
		}
		_, js := diskTwinOf(name, data)
		out[name] = diskTwin{src: data, js: js}
	}
	return out
}

// files are the twins by output path.
func (t diskTwins) files() map[string][]byte {
	out := make(map[string][]byte, len(t))
	for name, tw := range t {
		out[strings.TrimSuffix(name, ".json")+".js"] = tw.js
	}
	return out
}

// diskTwinOf is the twin of the index file name: its name and bytes, or
// nil bytes for a file that is not JSON.
func diskTwinOf(name string, data []byte) (string, []byte) {
	return appendDiskTwin(nil, name, data)
}

// appendDiskTwin is diskTwinOf with the twin's bytes appended to dst.
func appendDiskTwin(dst []byte, name string, data []byte) (string, []byte) {
	if !strings.HasSuffix(name, ".json") {
		return "", nil
	}
	key, _ := json.Marshal(name)
	js := slices.Grow(dst, len(data)+len(key)+48)
	js = append(js, "(self.cmesiteData=self.cmesiteData||{})["...)
	js = append(js, key...)
	js = append(js, "]="...)
	js = append(js, data...)
	js = append(js, ";\n"...)
	return strings.TrimSuffix(name, ".json") + ".js", js
}
