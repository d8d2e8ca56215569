// Package curriculum is the domain model of a CME site: modules with their
// competence level, topics, audiences and format; sections (folders) that
// hold them; learning paths; prerequisites and what each module is needed
// for. Assemble validates decoded content against the site's vocabularies
// and links it together. It does no I/O and knows no HTML.
package curriculum

import (
	"cmp"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/diag"
)

// Module is one CME module.
type Module struct {
	ID    string // content path without ".md": "pain/opioid-titration"
	URL   string // page URL relative to the site root: "pain/opioid-titration/"
	Doc   *content.Doc
	Front *content.Front

	Section   *Section
	Level     config.Term
	Topics    []config.Term
	Audiences []config.Term
	Format    config.Term // zero when the module gives none
	// Competencies are the core competencies the module addresses, from
	// the site's competencies vocabulary (config.Config.Competencies).
	Competencies []config.Term

	Prerequisites []*Module
	NeededFor     []*Module // modules that list this one as a prerequisite
	Paths         []*Path   // learning paths this module is on
	Prev, Next    *Module   // neighbours within the section
	Overdue       bool      // review_by is in the past

	order, listOrder int // positions in section and list order
}

// Section is a folder under content/: a curriculum unit.
type Section struct {
	ID       string // folder path, "" for content/ itself
	URL      string // "pain/", "" for the root
	Title    string
	Summary  string
	Weight   int
	Doc      *content.Doc // the _index.md, nil when the folder has none
	Parent   *Section
	Children []*Section
	Modules  []*Module // sorted by weight, then title
}

// Path is a learning path with its modules resolved.
type Path struct {
	*config.Path
	URL     string // "paths/<id>/"
	Modules []*Module
	// Audiences are who the path is for: the audience the path declares in
	// cmesite.yaml, or, when it declares none, derived from its modules:
	// every audience that at least half of its modules name, in vocabulary
	// order (AudienceDerived is then set). Half, not any: one module for
	// pharmacists on a path for GPs does not make it a path for
	// pharmacists, and counting it so would hide the gap "no path for
	// pharmacists" from the coverage report.
	Audiences       []config.Term
	AudienceDerived bool
}

// Facet is one of the four ways to browse: level, topic, audience, format
// (content.Facets, in that order), with its vocabulary and term pages.
type Facet struct {
	Name   string // content.Facet.Name: "level", "topic", "audience", "format"
	Plural string // content.Facet.Plural, the URL folder: "levels", "topics", "audiences", "formats"
	Vocab  *config.Vocabulary
	Terms  []*TermPage // in vocabulary order; only terms with modules for open vocabularies
}

// TermPage lists the modules tagged with one term.
type TermPage struct {
	Facet   *Facet
	Term    config.Term
	URL     string // "topics/pain/"
	Modules []*Module
}

// Curriculum is a whole, validated site model.
type Curriculum struct {
	Config   *config.Config
	Root     *Section
	Sections []*Section // sorted by ID, root first
	Modules  []*Module  // sorted by ID
	ByID     map[string]*Module
	Facets   []*Facet // level, topic, audience, format
	Paths    []*Path

	byList    []*Module // the order of cross-section lists
	bySection []*Module // every module by weight, title and ID
}

// Options control assembly.
type Options struct {
	Drafts bool      // include modules marked draft
	Today  time.Time // for "overdue for review"; zero means time.Now()
}

// Assemble builds the curriculum from parsed documents. It reports every
// problem it finds; the returned curriculum is usable for rendering only
// when the list holds no errors.
func Assemble(cfg *config.Config, docs []*content.Doc, opts Options) (*Curriculum, diag.List) {
	var diags diag.List
	today := opts.Today
	if today.IsZero() {
		today = time.Now()
	}
	c := &Curriculum{Config: cfg, ByID: map[string]*Module{}}
	sections := map[string]*Section{}
	var section func(id string) *Section
	section = func(id string) *Section {
		if s, ok := sections[id]; ok {
			return s
		}
		s := &Section{ID: id}
		if id != "" {
			s.URL = id + "/"
			s.Title = config.Label(path.Base(id))
			s.Parent = section(parentDir(id))
			s.Parent.Children = append(s.Parent.Children, s)
		} else {
			s.Title = cfg.Title
		}
		sections[id] = s
		return s
	}
	c.Root = section("")

	urls := map[string]string{} // URL -> file that claims it
	claim := func(url, file string, line int) bool {
		if prev, ok := urls[url]; ok {
			diags.Errorf(file, line, "this file and %s both map to the URL /%s; rename one of them", prev, url)
			return false
		}
		urls[url] = file
		return true
	}
	// The modules are made in one array, which the collector marks for
	// less than as many objects (see slab in package site's readDocs).
	// A curriculum is made whole by each Assemble; the modules Patch
	// adds are made on their own.
	slab := make([]Module, 0, len(docs))
	for _, doc := range docs {
		if doc.Section {
			s := section(parentDir(doc.Path))
			if doc.Front.Draft && !opts.Drafts {
				continue
			}
			s.Doc = doc
			if doc.Front.Title != "" {
				s.Title = doc.Front.Title
			}
			s.Summary, s.Weight = doc.Front.Summary, doc.Front.Weight
			claim(s.URL, doc.File, 1)
			continue
		}
		if doc.Front.Draft && !opts.Drafts {
			continue
		}
		id := strings.TrimSuffix(doc.Path, ".md")
		url := id + "/"
		if !claim(url, doc.File, 1) {
			continue
		}
		slab = append(slab, Module{ID: id, URL: url, Doc: doc, Front: &doc.Front})
		m := &slab[len(slab)-1]
		m.Section = section(parentDir(doc.Path))
		c.ByID[id] = m
		c.Modules = append(c.Modules, m)
	}
	// A folder without _index.md still claims its URL.
	for _, s := range sections {
		if s.Doc == nil && s.ID != "" {
			if prev, ok := urls[s.URL]; ok && prev != s.ID {
				diags.Errorf(prev, 1, "this file and the folder content/%s both map to the URL /%s; rename one of them", s.ID, s.URL)
			}
		}
	}
	slices.SortFunc(c.Modules, func(a, b *Module) int { return cmp.Compare(a.ID, b.ID) })

	for _, f := range content.Facets() {
		c.Facets = append(c.Facets, &Facet{Name: f.Name, Plural: f.Plural, Vocab: cfg.Vocab(f.Name)})
	}

	for _, m := range c.Modules {
		fr, file := m.Front, m.Doc.File
		tag(cfg, m, fr, &diags)
		for _, p := range fr.Prerequisites {
			id := PrerequisiteID(p)
			pre, ok := c.ByID[id]
			switch {
			case ok && pre == m:
				diags.Errorf(file, fr.Line("prerequisites"), "a module cannot be its own prerequisite (%s)", p)
			case ok:
				m.Prerequisites = append(m.Prerequisites, pre)
				pre.NeededFor = append(pre.NeededFor, m)
			default:
				diags.Errorf(file, fr.Line("prerequisites"), "unknown prerequisite %q; write a module id such as section/slug (the path under content/ without .md)%s",
					p, diag.DidYouMean(id, moduleIDs(c)))
			}
		}
		m.Overdue = overdue(fr, today)
		warnOverdue(m, &diags)
		warnInterval(cfg, m, today, &diags)
		competencies(cfg, m, &diags)
	}
	cycles(c, &diags)

	// Orders, sorted once: by weight and title within a section, and by
	// level, weight and title in cross-section lists. Lists are filled in
	// these orders, so no list needs a sort of its own.
	bySection := slices.Clone(c.Modules)
	slices.SortFunc(bySection, compareModules)
	for i, m := range bySection {
		m.order = i
		m.Section.Modules = append(m.Section.Modules, m)
	}
	c.bySection = bySection
	c.orderLists()

	// Sections, ordered.
	for _, s := range sections {
		slices.SortFunc(s.Children, compareSections)
		s.linkNeighbours()
		c.Sections = append(c.Sections, s)
	}
	slices.SortFunc(c.Sections, func(a, b *Section) int { return cmp.Compare(a.ID, b.ID) })
	for _, m := range c.Modules {
		slices.SortFunc(m.NeededFor, byOrder)
	}

	// Term pages.
	for _, fc := range c.Facets {
		byID := map[string]*TermPage{}
		for _, t := range fc.Vocab.Terms {
			tp := &TermPage{Facet: fc, Term: t, URL: fc.Plural + "/" + t.ID + "/"}
			byID[t.ID] = tp
			fc.Terms = append(fc.Terms, tp)
		}
		for _, m := range c.byList {
			for _, t := range m.Terms(fc.Name) {
				tp, ok := byID[t.ID]
				if !ok { // open vocabulary
					tp = &TermPage{Facet: fc, Term: t, URL: fc.Plural + "/" + t.ID + "/"}
					byID[t.ID] = tp
					fc.Terms = append(fc.Terms, tp)
				}
				if n := len(tp.Modules); n == 0 || tp.Modules[n-1] != m {
					tp.Modules = append(tp.Modules, m)
				}
			}
		}
		slices.SortStableFunc(fc.Terms, func(a, b *TermPage) int {
			return cmp.Or(cmp.Compare(fc.Vocab.Rank(a.Term.ID), fc.Vocab.Rank(b.Term.ID)), cmp.Compare(a.Term.ID, b.Term.ID))
		})
	}

	// Learning paths.
	for i := range cfg.Paths {
		cp := &cfg.Paths[i]
		p := &Path{Path: cp, URL: "paths/" + cp.ID + "/"}
		seen := map[string]bool{}
		for j, id := range cp.Modules {
			m, ok := c.ByID[id]
			switch {
			case !ok:
				diags.Errorf(config.File, cp.ModuleLines[j], "path %q lists unknown module %q; write a module id such as section/slug%s",
					cp.ID, id, diag.DidYouMean(id, moduleIDs(c)))
			case seen[id]:
				diags.Errorf(config.File, cp.ModuleLines[j], "path %q lists module %q twice", cp.ID, id)
			default:
				seen[id] = true
				p.Modules = append(p.Modules, m)
				m.Paths = append(m.Paths, p)
			}
		}
		pathAudiences(cfg, p, &diags)
		c.Paths = append(c.Paths, p)
	}
	return c, diags
}

// orderLists derives the order of cross-section lists from bySection:
// by level (vocabulary order), then as in sections.
func (c *Curriculum) orderLists() {
	ranks := len(c.Config.Levels.Terms) + 1
	byList := make([]*Module, 0, len(c.bySection))
	for r := 0; r < ranks; r++ {
		for _, m := range c.bySection {
			if min(c.Config.Levels.Rank(m.Level.ID), ranks-1) == r {
				byList = append(byList, m)
			}
		}
	}
	for i, m := range byList {
		m.listOrder = i
	}
	c.byList = byList
}

// overdue reports whether fr's review_by date has passed.
func overdue(fr *content.Front, today time.Time) bool {
	return !fr.ReviewBy.IsZero() && fr.ReviewBy.Before(today.Truncate(24*time.Hour))
}

// warnInterval warns when a module's review_by lies further out than the
// site's review_interval: after its reviewed date, or after today when it
// gives none.
func warnInterval(cfg *config.Config, m *Module, today time.Time, diags *diag.List) {
	fr := m.Front
	if cfg.ReviewInterval.IsZero() || fr.ReviewBy.IsZero() {
		return
	}
	from, what := fr.Reviewed, "reviewed "+fr.Reviewed.Format(time.DateOnly)
	if from.IsZero() {
		from, what = today.Truncate(24*time.Hour), "today ("+today.Format(time.DateOnly)+")"
	}
	if limit := cfg.ReviewInterval.AddTo(from); fr.ReviewBy.After(limit) {
		diags.Warnf(m.Doc.File, fr.Line("review_by"), "review_by %s lies more than the site's review_interval %s after %s; set review_by to %s or earlier",
			fr.ReviewBy.Format(time.DateOnly), cfg.ReviewInterval, what, limit.Format(time.DateOnly))
	}
}

// competencies resolves m's competency numbers against the site's
// competencies vocabulary, reporting the ones it lacks when diags is not
// nil, and reports whether all were found.
func competencies(cfg *config.Config, m *Module, diags *diag.List) bool {
	v := &cfg.Competencies
	m.Competencies = nil
	ok := true
	for _, n := range m.Front.Competencies {
		id := strconv.Itoa(n)
		if !v.Has(id) || v.Open {
			ok = false
			if diags != nil {
				diags.Errorf(m.Doc.File, m.Front.Line("competencies"), "competency %d is not in the site's competencies vocabulary; allowed: %s", n, strings.Join(v.IDs(), ", "))
			}
			continue
		}
		m.Competencies = append(m.Competencies, v.Term(id))
	}
	return ok
}

// pathAudiences sets p's audiences: declared (each must be in the
// audience vocabulary), or derived from its modules (Path.Audiences).
func pathAudiences(cfg *config.Config, p *Path, diags *diag.List) {
	v := &cfg.Audiences
	if p.Audience != nil {
		for i, id := range p.Audience {
			if !v.Has(id) {
				diags.Errorf(config.File, p.AudienceLines[i], "path %q: audience %q is not in the site's audience vocabulary%s; allowed: %s",
					p.ID, id, diag.DidYouMean(id, v.IDs()), strings.Join(v.IDs(), ", "))
				continue
			}
			p.Audiences = append(p.Audiences, v.Term(id))
		}
		return
	}
	p.AudienceDerived = true
	count := map[string]int{}
	var ids []string
	for _, m := range p.Modules {
		for _, t := range m.Audiences {
			if count[t.ID] == 0 {
				ids = append(ids, t.ID)
			}
			count[t.ID]++
		}
	}
	slices.SortStableFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(v.Rank(a), v.Rank(b)), cmp.Compare(a, b)) })
	for _, id := range ids {
		if 2*count[id] >= len(p.Modules) {
			p.Audiences = append(p.Audiences, v.Term(id))
		}
	}
}

func warnOverdue(m *Module, diags *diag.List) {
	if m.Overdue {
		diags.Warnf(m.Doc.File, m.Front.Line("review_by"), "overdue for review: review_by %s has passed; review the module and set reviewed and review_by anew",
			m.Front.ReviewBy.Format(time.DateOnly))
	}
}

// Patch puts new versions of documents that c already holds in place,
// when none of the changes can alter c's structure beyond the order of
// lists and links between modules: a module keeps its draft status and
// whether it is overdue; a new title or weight moves it in its section and
// in every list it is on; new terms move it between term lists while every
// term keeps its page; new prerequisites (in a save of one file) must exist
// and make no cycle. A section's _index.md keeps its title, weight and
// draft status. Everything else (summary, objectives, keywords, references,
// dates, the body) may change. These are the common saves in serve mode,
// and a patch costs a millisecond or less where Assemble costs tens of
// milliseconds on a large site.
//
// c must come from an Assemble that reported no errors. Patch returns the
// diagnostics Assemble would now report for the patched modules' files
// (the overdue warnings), the modules that moved in some list, and true;
// or false, changing nothing, when some change needs a new Assemble.
func (c *Curriculum) Patch(docs []*content.Doc, today time.Time) (diags diag.List, moved []*Module, ok bool) {
	return c.PatchFiles(docs, nil, nil, today)
}

// PatchFiles is Patch for a save that also adds and removes modules: the
// modules of added (new files) come into c, and those of the content
// paths removed (files that are gone) leave it, when Assemble would make
// the same of it. A module comes into a folder's section, made for it
// (with the title Assemble gives a folder without _index.md) when the
// folder has none yet, and names prerequisites that exist; a module
// leaves when no other module or learning path names it, its section
// keeps something to show and no term page of an open vocabulary loses
// its last module. Drafts
// are the caller's to leave out, as from Assemble. Every check is made
// before anything changes.
func (c *Curriculum) PatchFiles(docs, added []*content.Doc, removed []string, today time.Time) (diags diag.List, moved []*Module, ok bool) {
	if today.IsZero() {
		today = time.Now()
	}
	if !c.canRemove(removed) || !c.canAdd(added, removed) {
		return nil, nil, false
	}
	type patch struct {
		m   *Module
		s   *Section
		doc *content.Doc
	}
	var patches []patch
	for _, doc := range docs {
		if doc.Section {
			s := c.sectionOf(doc)
			if s == nil || s.Doc == nil || s.Doc.Path != doc.Path {
				return nil, nil, false
			}
			old, fr := &s.Doc.Front, &doc.Front
			if old.Draft != fr.Draft || old.Title != fr.Title || old.Weight != fr.Weight {
				return nil, nil, false
			}
			patches = append(patches, patch{s: s, doc: doc})
			continue
		}
		m := c.ByID[strings.TrimSuffix(doc.Path, ".md")]
		if m == nil || m.Doc.Path != doc.Path || m.Front.Draft != doc.Front.Draft ||
			overdue(&doc.Front, today) != m.Overdue {
			return nil, nil, false
		}
		// New prerequisites, one save at a time: they must exist and make
		// no cycle.
		if !slices.Equal(m.Front.Prerequisites, doc.Front.Prerequisites) && (len(docs) != 1 || !c.canRelink(m, &doc.Front)) {
			return nil, nil, false
		}
		if !SameTerms(m.Front, &doc.Front) && !c.canRetag(m, &doc.Front) {
			return nil, nil, false
		}
		// Competencies may be reported, and a path's derived audience
		// follows its modules': Assemble handles those.
		if !competencies(c.Config, &Module{Doc: doc, Front: &doc.Front}, nil) ||
			(len(m.Paths) > 0 && !slices.Equal(m.Front.Audience, doc.Front.Audience)) {
			return nil, nil, false
		}
		patches = append(patches, patch{m: m, doc: doc})
	}
	for _, p := range removed {
		c.remove(c.ByID[strings.TrimSuffix(p, ".md")])
	}
	for _, p := range patches {
		if p.s != nil {
			p.s.Doc, p.s.Summary = p.doc, p.doc.Front.Summary
			continue
		}
		retag := !SameTerms(p.m.Front, &p.doc.Front)
		stays := c.keepsPlace(p.m, &p.doc.Front)
		relink := !slices.Equal(p.m.Front.Prerequisites, p.doc.Front.Prerequisites)
		p.m.Doc, p.m.Front = p.doc, &p.doc.Front
		if relink {
			c.relink(p.m)
		}
		if retag {
			tag(c.Config, p.m, p.m.Front, nil)
		}
		if retag || !stays {
			c.move(p.m)
			moved = append(moved, p.m)
		}
		competencies(c.Config, p.m, nil)
		warnOverdue(p.m, &diags)
		warnInterval(c.Config, p.m, today, &diags)
	}
	for _, doc := range added {
		m := c.add(doc, today)
		moved = append(moved, m)
		warnOverdue(m, &diags)
		warnInterval(c.Config, m, today, &diags)
	}
	return diags, moved, true
}

// canRemove reports whether the modules at the content paths ps can
// leave c as PatchFiles says.
func (c *Curriculum) canRemove(ps []string) bool {
	gone := map[*Module]bool{}
	for _, p := range ps {
		m := c.ByID[strings.TrimSuffix(p, ".md")]
		if m == nil || m.Doc.Path != p {
			return false
		}
		gone[m] = true
	}
	for m := range gone {
		if len(m.Paths) > 0 || slices.ContainsFunc(m.NeededFor, func(n *Module) bool { return !gone[n] }) {
			return false
		}
		if s := m.Section; s.Doc == nil && len(s.Children) == 0 && !slices.ContainsFunc(s.Modules, func(n *Module) bool { return !gone[n] }) {
			return false // the folder's section would go: Assemble's to say
		}
		for _, f := range c.Facets {
			if !f.Vocab.Open {
				continue
			}
			for _, t := range m.Terms(f.Name) {
				if !slices.ContainsFunc(f.Page(t.ID).Modules, func(n *Module) bool { return !gone[n] }) {
					return false
				}
			}
		}
	}
	return true
}

// canAdd reports whether the modules of docs can come into c as
// PatchFiles says, once the modules at the content paths removed left.
func (c *Curriculum) canAdd(docs []*content.Doc, removed []string) bool {
	ids := map[string]bool{}
	for _, doc := range docs {
		ids[strings.TrimSuffix(doc.Path, ".md")] = true
	}
	for _, doc := range docs {
		id := strings.TrimSuffix(doc.Path, ".md")
		if doc.Section || c.ByID[id] != nil || c.section(id) != nil || doc.Diags.Errors() > 0 {
			return false
		}
		// The folder's section, and every one above it, must be a folder
		// without a module of that name.
		for dir := parentDir(doc.Path); dir != ""; dir = parentDir(dir) {
			if c.ByID[dir] != nil || ids[dir] {
				return false
			}
		}
		next := &Module{Doc: doc, Front: &doc.Front}
		if !tag(c.Config, next, &doc.Front, nil) || !competencies(c.Config, next, nil) {
			return false
		}
		for _, f := range c.Facets {
			for _, t := range next.Terms(f.Name) {
				if f.Page(t.ID) == nil {
					return false
				}
			}
		}
		for _, p := range doc.Front.Prerequisites {
			pid := PrerequisiteID(p)
			if pid == id || c.ByID[pid] == nil || slices.Contains(removed, pid+".md") {
				return false
			}
		}
	}
	return true
}

// section is the section with id, or nil.
func (c *Curriculum) section(id string) *Section {
	i, ok := slices.BinarySearchFunc(c.Sections, id, func(s *Section, id string) int { return cmp.Compare(s.ID, id) })
	if !ok {
		return nil
	}
	return c.Sections[i]
}

// folder returns the section of the folder id, made (with the sections
// above it) when there is none.
func (c *Curriculum) folder(id string) *Section {
	if s := c.section(id); s != nil {
		return s
	}
	s := &Section{ID: id, URL: id + "/", Title: config.Label(path.Base(id)), Parent: c.folder(parentDir(id))}
	p := s.Parent
	i, _ := slices.BinarySearchFunc(p.Children, s, compareSections)
	p.Children = slices.Insert(p.Children, i, s)
	i, _ = slices.BinarySearchFunc(c.Sections, id, func(s *Section, id string) int { return cmp.Compare(s.ID, id) })
	c.Sections = slices.Insert(c.Sections, i, s)
	return s
}

// add puts the module of doc into every order of c, as Assemble would.
func (c *Curriculum) add(doc *content.Doc, today time.Time) *Module {
	id := strings.TrimSuffix(doc.Path, ".md")
	m := &Module{ID: id, URL: id + "/", Doc: doc, Front: &doc.Front, Section: c.folder(parentDir(doc.Path))}
	tag(c.Config, m, m.Front, nil)
	competencies(c.Config, m, nil)
	m.Overdue = overdue(m.Front, today)
	c.ByID[id] = m
	i, _ := slices.BinarySearchFunc(c.Modules, id, func(m *Module, id string) int { return cmp.Compare(m.ID, id) })
	c.Modules = slices.Insert(c.Modules, i, m)
	m.order = -1
	c.move(m)
	c.relink(m)
	return m
}

// remove takes m out of every order of c.
func (c *Curriculum) remove(m *Module) {
	delete(c.ByID, m.ID)
	c.Modules = slices.DeleteFunc(c.Modules, func(x *Module) bool { return x == m })
	c.bySection = slices.Delete(c.bySection, m.order, m.order+1)
	for i, x := range c.bySection {
		x.order = i
	}
	s := m.Section
	s.Modules = slices.DeleteFunc(s.Modules, func(x *Module) bool { return x == m })
	s.linkNeighbours()
	c.orderLists()
	for _, f := range c.Facets {
		for _, t := range m.Terms(f.Name) {
			tp := f.Page(t.ID)
			tp.Modules = slices.DeleteFunc(tp.Modules, func(x *Module) bool { return x == m })
		}
	}
	for _, p := range m.Prerequisites {
		p.NeededFor = slices.DeleteFunc(p.NeededFor, func(x *Module) bool { return x == m })
	}
}

// move puts m, whose title, weight or terms changed, in its new place in
// every order: sections, cross-section lists, the term pages it is on,
// neighbours, and the lists of what its prerequisites are needed for.
func (c *Curriculum) move(m *Module) {
	if m.order >= 0 { // -1: a new module
		c.bySection = slices.Delete(c.bySection, m.order, m.order+1)
	}
	i, _ := slices.BinarySearchFunc(c.bySection, m, compareModules)
	c.bySection = slices.Insert(c.bySection, i, m)
	for i, x := range c.bySection {
		x.order = i
	}
	s := m.Section
	s.Modules = slices.DeleteFunc(s.Modules, func(x *Module) bool { return x == m })
	i, _ = slices.BinarySearchFunc(s.Modules, m, byOrder)
	s.Modules = slices.Insert(s.Modules, i, m)
	s.linkNeighbours()
	c.orderLists()
	for _, f := range c.Facets {
		for _, tp := range f.Terms {
			if j := slices.Index(tp.Modules, m); j >= 0 {
				tp.Modules = slices.Delete(tp.Modules, j, j+1)
			}
		}
		for _, t := range m.Terms(f.Name) {
			tp := f.Page(t.ID)
			if k, found := slices.BinarySearchFunc(tp.Modules, m, byList); !found {
				tp.Modules = slices.Insert(tp.Modules, k, m)
			}
		}
	}
	for _, p := range m.Prerequisites {
		slices.SortFunc(p.NeededFor, byOrder)
	}
}

// compareSections orders the sections of a folder: by weight, title and ID.
func compareSections(a, b *Section) int {
	return cmp.Or(compareWeight(a.Weight, b.Weight), cmp.Compare(a.Title, b.Title), cmp.Compare(a.ID, b.ID))
}

// ListIndex is m's position in ListOrder.
func (m *Module) ListIndex() int { return m.listOrder }

// byOrder orders modules as sections list them; byList as cross-section
// lists do.
func byOrder(a, b *Module) int { return cmp.Compare(a.order, b.order) }
func byList(a, b *Module) int  { return cmp.Compare(a.listOrder, b.listOrder) }

// linkNeighbours sets the previous and next module of each of s's modules.
func (s *Section) linkNeighbours() {
	for i, m := range s.Modules {
		m.Prev, m.Next = nil, nil
		if i > 0 {
			m.Prev = s.Modules[i-1]
		}
		if i+1 < len(s.Modules) {
			m.Next = s.Modules[i+1]
		}
	}
}

// Index is the position of m in s.Modules, or -1.
func (s *Section) Index(m *Module) int {
	i, ok := slices.BinarySearchFunc(s.Modules, m, byOrder)
	if !ok {
		return -1
	}
	return i
}

// Index is the position of m in tp.Modules, or -1.
func (tp *TermPage) Index(m *Module) int {
	i, ok := slices.BinarySearchFunc(tp.Modules, m, byList)
	if !ok {
		return -1
	}
	return i
}

// sectionOf is the section whose _index.md doc is.
func (c *Curriculum) sectionOf(doc *content.Doc) *Section {
	id := parentDir(doc.Path)
	i, ok := slices.BinarySearchFunc(c.Sections, id, func(s *Section, id string) int { return cmp.Compare(s.ID, id) })
	if !ok {
		return nil
	}
	return c.Sections[i]
}

// PrerequisiteID is the module id a prerequisites entry names.
func PrerequisiteID(p string) string { return strings.TrimSuffix(strings.Trim(p, "/"), ".md") }

// canRelink reports whether m can take the prerequisites of fr: each is a
// module other than m, and none leads back to m (the last Assemble found
// no cycle, so a new one would pass through m).
func (c *Curriculum) canRelink(m *Module, fr *content.Front) bool {
	seen := map[*Module]bool{}
	var reaches func(x *Module) bool // whether m is a prerequisite of x, at any depth
	reaches = func(x *Module) bool {
		if x == m {
			return true
		}
		if seen[x] {
			return false
		}
		seen[x] = true
		for _, p := range x.Prerequisites {
			if reaches(p) {
				return true
			}
		}
		return false
	}
	for _, p := range fr.Prerequisites {
		pre := c.ByID[PrerequisiteID(p)]
		if pre == nil || reaches(pre) {
			return false
		}
	}
	return true
}

// relink gives m the prerequisites of its frontmatter, and updates what
// they are needed for, as Assemble would.
func (c *Curriculum) relink(m *Module) {
	for _, p := range m.Prerequisites {
		p.NeededFor = slices.DeleteFunc(p.NeededFor, func(x *Module) bool { return x == m })
	}
	m.Prerequisites = nil
	for _, p := range m.Front.Prerequisites {
		pre := c.ByID[PrerequisiteID(p)]
		m.Prerequisites = append(m.Prerequisites, pre)
		pre.NeededFor = append(pre.NeededFor, m)
	}
	for _, pre := range m.Prerequisites {
		slices.SortFunc(pre.NeededFor, byOrder)
	}
}

// SameTerms reports whether two versions of a module's frontmatter give it
// the same level, topics, audiences and format.
func SameTerms(a, b *content.Front) bool {
	for _, f := range content.Facets() {
		if !slices.Equal(a.Terms(f.Name), b.Terms(f.Name)) {
			return false
		}
	}
	return true
}

// tag sets m's terms from fr (content.Front.Terms), resolved against the
// site's vocabularies, and reports whether every one was allowed. A term
// that is not is left out, and reported to diags when that is not nil.
func tag(cfg *config.Config, m *Module, fr *content.Front, diags *diag.List) bool {
	ok := true
	for _, f := range content.Facets() {
		v := cfg.Vocab(f.Name)
		var terms []config.Term
		for _, id := range fr.Terms(f.Name) {
			if v.Has(id) {
				terms = append(terms, v.Term(id))
				continue
			}
			ok = false
			if diags != nil {
				diags.Errorf(m.Doc.File, fr.Line(f.Field), "%s %q is not in the site's %s vocabulary%s; allowed: %s",
					f.Name, id, f.Name, diag.DidYouMean(id, v.IDs()), strings.Join(v.IDs(), ", "))
			}
		}
		m.setTerms(f.Name, v.Share(terms))
	}
	return ok
}

// canRetag reports whether m can take the terms of fr without a term page
// coming or going: every term is allowed and has its page already, and no
// page of an open vocabulary (which has pages only for terms in use) loses
// its last module.
func (c *Curriculum) canRetag(m *Module, fr *content.Front) bool {
	next := &Module{}
	if !tag(c.Config, next, fr, nil) {
		return false
	}
	for _, f := range c.Facets {
		for _, t := range next.Terms(f.Name) {
			if f.Page(t.ID) == nil {
				return false
			}
		}
		if !f.Vocab.Open {
			continue
		}
		for _, t := range m.Terms(f.Name) {
			if tp := f.Page(t.ID); len(tp.Modules) == 1 && !slices.ContainsFunc(next.Terms(f.Name), func(n config.Term) bool { return n.ID == t.ID }) {
				return false
			}
		}
	}
	return true
}

// Page is the page of the term with id, or nil.
func (f *Facet) Page(id string) *TermPage {
	for _, tp := range f.Terms {
		if tp.Term.ID == id {
			return tp
		}
	}
	return nil
}

// keepsPlace reports whether m, with frontmatter fr, sorts between the
// modules before and after it in the order every list derives from.
func (c *Curriculum) keepsPlace(m *Module, fr *content.Front) bool {
	if fr.Title == m.Front.Title && fr.Weight == m.Front.Weight {
		return true
	}
	moved := &Module{ID: m.ID, Front: fr}
	if i := m.order; i > 0 && compareModules(c.bySection[i-1], moved) >= 0 {
		return false
	}
	if i := m.order; i+1 < len(c.bySection) && compareModules(moved, c.bySection[i+1]) >= 0 {
		return false
	}
	return true
}

// IsQuickReference reports whether m is a quick-reference card (its format
// is config.QuickReference).
func (m *Module) IsQuickReference() bool { return m.Format.ID == config.QuickReference }

// Terms returns m's terms of facet (content.FacetLevel, ...): its Level,
// Topics, Audiences or Format, none when it has none. The slice may be m's
// own; do not modify it.
func (m *Module) Terms(facet string) []config.Term {
	switch facet {
	case content.FacetLevel:
		return single(m.Level)
	case content.FacetTopic:
		return m.Topics
	case content.FacetAudience:
		return m.Audiences
	case content.FacetFormat:
		return single(m.Format)
	}
	return nil
}

// setTerms sets m's terms of facet, as Terms returns them.
func (m *Module) setTerms(facet string, terms []config.Term) {
	first := func() config.Term {
		if len(terms) == 0 {
			return config.Term{}
		}
		return terms[0]
	}
	switch facet {
	case content.FacetLevel:
		m.Level = first()
	case content.FacetTopic:
		m.Topics = terms
	case content.FacetAudience:
		m.Audiences = terms
	case content.FacetFormat:
		m.Format = first()
	}
}

func single(t config.Term) []config.Term {
	if t.ID == "" {
		return nil
	}
	return []config.Term{t}
}

func moduleIDs(c *Curriculum) []string {
	ids := make([]string, len(c.Modules))
	for i, m := range c.Modules {
		ids[i] = m.ID
	}
	return ids
}

func parentDir(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// compareWeight orders weighted items first (by weight), unweighted (0) last.
func compareWeight(a, b int) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	}
	return cmp.Compare(a, b)
}

func compareModules(a, b *Module) int {
	// Each comparison only when the ones before tie: a sort makes many.
	if c := compareWeight(a.Front.Weight, b.Front.Weight); c != 0 {
		return c
	}
	if c := strings.Compare(a.Front.Title, b.Front.Title); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// ListOrder returns every module in the order of cross-section lists (term
// pages, the catalogue): by level (vocabulary order), then weight, then
// title. The slice is shared: do not modify it.
func (c *Curriculum) ListOrder() []*Module { return c.byList }

// QuickReferences returns the quick-reference cards (Module.IsQuickReference)
// in list order: the cards the home and help pages list.
func (c *Curriculum) QuickReferences() []*Module {
	var cards []*Module
	for _, m := range c.byList {
		if m.IsQuickReference() {
			cards = append(cards, m)
		}
	}
	return cards
}

// cycles reports every prerequisite cycle once, printing it in full.
func cycles(c *Curriculum, diags *diag.List) {
	const (
		white = iota
		grey
		black
	)
	color := map[*Module]int{}
	var stack []*Module
	var visit func(m *Module)
	visit = func(m *Module) {
		color[m] = grey
		stack = append(stack, m)
		for _, p := range m.Prerequisites {
			switch color[p] {
			case white:
				visit(p)
			case grey:
				i := slices.Index(stack, p)
				cyc := stack[i:]
				names := make([]string, 0, len(cyc)+1)
				for _, x := range cyc {
					names = append(names, x.ID)
				}
				names = append(names, p.ID)
				diags.Errorf(m.Doc.File, m.Front.Line("prerequisites"), "prerequisite cycle: %s; a module cannot (indirectly) require itself",
					strings.Join(names, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		color[m] = black
	}
	for _, m := range c.Modules {
		if color[m] == white {
			visit(m)
		}
	}
}
