package site

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
)

// checkLinks reports relative links to files or headings that do not exist.
// With from set, only the links of those files are checked.
func (b *Builder) checkLinks(c *curriculum.Curriculum, from []string) diag.List {
	var diags diag.List
	isDir := func(p string) bool {
		p = strings.TrimSuffix(p, "/")
		if p == "." {
			p = ""
		}
		return b.dirs[p]
	}
	anchors := func(ds *docState) map[string]bool {
		ids := ds.headingIDs()
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	cache := map[string]map[string]bool{}
	built := func(p string) (*docState, bool) {
		ds, ok := b.docs[p]
		if !ok {
			return nil, false
		}
		if ds.doc.Section {
			// a section exists when it has modules or it is built
			return ds, !ds.doc.Front.Draft || b.opts.Drafts
		}
		_, ok = c.ByID[strings.TrimSuffix(p, ".md")]
		return ds, ok
	}
	if from == nil {
		from = b.tree.Markdown
	}
	for _, p := range from {
		src := b.docs[p]
		if _, ok := built(p); !ok && !src.doc.Section {
			continue // drafts are not checked when left out
		}
		for _, l := range src.res.Links {
			target := l.Target
			if target == "" {
				target = p
			}
			if !strings.HasSuffix(target, ".md") {
				if !b.known[target] && !isDir(target) { // a static file (targets here are not .md)
					what := "link"
					if l.Image {
						what = "image"
					}
					diags.Errorf(src.doc.File, l.Line, "broken %s %q: content/%s does not exist", what, l.Raw, target)
				}
				continue
			}
			ds, ok := built(target)
			if !ok {
				if _, exists := b.docs[target]; exists {
					diags.Errorf(src.doc.File, l.Line, "link %q points to a draft, which is not built; remove the link or build with --drafts", l.Raw)
				} else if path.Base(target) == content.IndexName && isDir(path.Dir(target)) {
					continue // a folder without _index.md still has a section page
				} else {
					diags.Errorf(src.doc.File, l.Line, "broken link %q: content/%s does not exist%s", l.Raw, target, diag.DidYouMean(target, slices.Sorted(maps.Keys(b.docs))))
				}
				continue
			}
			if l.Fragment == "" {
				continue
			}
			a, ok := cache[target]
			if !ok {
				a = anchors(ds)
				cache[target] = a
			}
			if !a[l.Fragment] {
				ids := ds.headingIDs()
				allowed := "it has no headings"
				if len(ids) > 0 {
					allowed = "its headings are #" + strings.Join(ids, ", #")
				}
				diags.Errorf(src.doc.File, l.Line, "broken link %q: content/%s has no heading #%s%s; %s", l.Raw, target, l.Fragment, diag.DidYouMean(l.Fragment, ids), allowed)
			}
		}
	}
	return diags
}

// linkingTo lists the documents with a link to one of the content paths
// (files or folders) in targets.
func (b *Builder) linkingTo(targets []string) []string {
	if len(targets) == 0 {
		return nil
	}
	// Each target's folder prefix is made once, not once per link: a
	// delete scans every link of the site.
	type target struct{ path, folder string }
	ts := make([]target, len(targets))
	for i, x := range targets {
		ts[i] = target{x, x + "/"}
	}
	hit := func(t string) bool {
		t = strings.TrimSuffix(t, "/")
		for _, x := range ts {
			// x/_index.md is under the folder too.
			if t == x.path || strings.HasPrefix(t, x.folder) {
				return true
			}
		}
		return false
	}
	var out []string
	for p, ds := range b.docs {
		for _, l := range ds.res.Links {
			if hit(l.Target) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}
