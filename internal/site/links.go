package site

import (
	"bytes"
	"path"
	"slices"
	"strings"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/markdown"
)

// checkLinks reports relative links to files or headings that do not exist.
// With from set, only the links of those files are checked.
func (b *Builder) checkLinks(c *curriculum.Curriculum, from []string) diag.List {
	var diags diag.List
	lc := linkChecker{b: b, c: c, cache: map[string]map[string]bool{}}
	if from == nil {
		from = b.tree.Markdown
	}
	for _, p := range from {
		src := b.docs[p]
		if _, ok := lc.built(p); !ok && !src.doc.Section {
			continue // drafts are not checked when left out
		}
		for _, l := range src.res.Links {
			lc.check(&diags, src, p, l)
		}
	}
	return diags
}

// checkNow reports the broken links of a module's page as soon as its
// body is rendered, in a one-off build, and keeps only the links that
// name a heading (their target may not be rendered yet) for checkLinks:
// a large site's links need not all be held until the end of the
// build. Safe to call from many goroutines: it only reads the model.
func (b *Builder) checkNow(c *curriculum.Curriculum, p string, ds *docState) {
	lc := linkChecker{b: b, c: c}
	kept := ds.res.Links[:0]
	for _, l := range ds.res.Links {
		if l.Fragment != "" {
			kept = append(kept, l)
			continue
		}
		lc.check(&ds.res.Diagnostics, ds, p, l)
	}
	ds.res.Links = nil
	if len(kept) > 0 {
		ds.res.Links = slices.Clone(kept) // not the whole array
	}
}

// linkChecker checks links against the documents and the curriculum.
type linkChecker struct {
	b     *Builder
	c     *curriculum.Curriculum
	cache map[string]map[string]bool // target -> its heading ids, for links to headings (checkLinks)
}

// built reports whether the document at p is built, and gives it.
func (lc linkChecker) built(p string) (*docState, bool) {
	ds, ok := lc.b.docs[p]
	if !ok {
		return nil, false
	}
	if ds.doc.Section {
		// a section exists when it has modules or it is built
		return ds, !ds.doc.Front.Draft || lc.b.opts.Drafts
	}
	_, ok = lc.c.ByID[strings.TrimSuffix(p, ".md")]
	return ds, ok
}

func (lc linkChecker) isDir(p string) bool {
	p = strings.TrimSuffix(p, "/")
	if p == "." {
		p = ""
	}
	return lc.b.dirs[p]
}

// check adds to diags what is wrong with the link l of src, the document
// at p.
func (lc linkChecker) check(diags *diag.List, src *docState, p string, l markdown.Link) {
	b := lc.b
	target := l.Target
	if target == "" {
		target = p
	}
	if !strings.HasSuffix(target, ".md") {
		if !b.known[target] && !lc.isDir(target) { // a static file (targets here are not .md)
			what := "link"
			if l.Image {
				what = "image"
			}
			diags.Errorf(src.doc.File, l.Line, "broken %s %q: content/%s does not exist", what, l.Raw, target)
		}
		return
	}
	ds, ok := lc.built(target)
	if !ok {
		if _, exists := b.docs[target]; exists {
			diags.Errorf(src.doc.File, l.Line, "link %q points to a draft, which is not built; remove the link or build with --drafts", l.Raw)
		} else if path.Base(target) == content.IndexName && lc.isDir(path.Dir(target)) {
			return // a folder without _index.md still has a section page
		} else {
			// The tree lists every document's path, sorted: nothing to
			// sort for each broken link.
			diags.Errorf(src.doc.File, l.Line, "broken link %q: content/%s does not exist%s", l.Raw, target, diag.DidYouMean(target, b.tree.Markdown))
		}
		return
	}
	if l.Fragment == "" {
		return
	}
	if ds.idSums != nil {
		// compacted: the hashes say whether the heading is there; the
		// ids, read again, name the others
		if slices.Contains(ds.idSums, idSum(l.Fragment)) {
			return
		}
		if ids, ok := b.headingsAgain(target, ds); ok {
			lc.brokenFragment(diags, src, target, l, ids)
		} else {
			diags.Errorf(src.doc.File, l.Line, "broken link %q: content/%s has no heading #%s, and the file changed while the site was being built; build again", l.Raw, target, l.Fragment)
		}
		return
	}
	a, ok := lc.cache[target]
	if !ok {
		ids := ds.headingIDs()
		a = make(map[string]bool, len(ids))
		for _, id := range ids {
			a[id] = true
		}
		lc.cache[target] = a
	}
	if !a[l.Fragment] {
		lc.brokenFragment(diags, src, target, l, ds.headingIDs())
	}
}

// brokenFragment reports that the document at target, whose heading ids
// are ids, has no heading l.Fragment.
func (lc linkChecker) brokenFragment(diags *diag.List, src *docState, target string, l markdown.Link, ids []string) {
	allowed := "it has no headings"
	if len(ids) > 0 {
		allowed = "its headings are #" + strings.Join(ids, ", #")
	}
	diags.Errorf(src.doc.File, l.Line, "broken link %q: content/%s has no heading #%s%s; %s", l.Raw, target, l.Fragment, diag.DidYouMean(l.Fragment, ids), allowed)
}

// headingsAgain renders the body of the compacted document at p again for
// its heading ids (docState.idSums); false when the file changed since it
// was parsed.
func (b *Builder) headingsAgain(p string, ds *docState) ([]string, bool) {
	buf := readBufs.Get().(*bytes.Buffer)
	defer readBufs.Put(buf)
	body, ok := b.bodyAgain(p, ds, buf)
	if !ok {
		return nil, false
	}
	res := b.md.Render(markdown.Input{Source: body, File: ds.doc.File, Path: p, FirstLine: ds.doc.BodyLine})
	return headingIDs(res.Headings), true
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
