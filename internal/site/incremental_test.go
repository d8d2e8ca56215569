package site

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cmesite/cmesite/themes"
)

// TestIncrementalEqualsFull applies a random sequence of edits, creates,
// renames and deletes, rebuilds incrementally after each, and compares the
// output with a full build of the same tree: they must be byte-identical,
// and report the same diagnostics.
func TestIncrementalEqualsFull(t *testing.T) {
	for seed := range seeds(12) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			testIncremental(t, seed, 60, allOps, false, nil)
		})
	}
}

// TestIncrementalOverridingTheme runs the random edits with a theme whose
// templates read what the default theme's do not: module pages show their
// section's summary, their parent section's title, the titles of their
// paths, prerequisites (with their first lines) and of the modules that
// need them; list pages and cards show module bodies' first lines and
// their sections' summaries. Every file served after each edit must
// still be the one a full build writes.
func TestIncrementalOverridingTheme(t *testing.T) {
	for seed := range seeds(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			testIncremental(t, seed, 50, allOps, false, overridingTheme(t))
		})
	}
}

// overridingTheme is the files of the theme of TestIncrementalOverridingTheme.
func overridingTheme(t *testing.T) map[string]string {
	read := func(name string) string {
		b, err := fs.ReadFile(themes.Default(), "templates/"+name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	main := `{{define "main"}}`
	inject := func(name, extra string) string {
		s := read(name)
		if !strings.Contains(s, main) {
			t.Fatalf("%s has no %s", name, main)
		}
		return strings.Replace(s, main, main+extra, 1)
	}
	everyLead := `<ul data-x-leads>{{range .Site.Modules}}<li>{{.ID}}: {{.Doc.Lead}}</li>{{end}}</ul>`
	return map[string]string{
		"themes/custom/templates/module.html": inject("module.html", `<aside data-x>{{with .Module}}{{.Section.Summary}}`+
			`{{with .Section.Parent}} in {{.Title}}{{end}}{{range .Paths}} path {{.Title}}{{end}}`+
			`{{range .Prerequisites}} needs {{.Front.Title}}: {{.Doc.Lead}}{{end}}{{range .NeededFor}} for {{.Front.Title}}{{end}}{{end}}</aside>`),
		"themes/custom/templates/section.html": inject("section.html", `{{with .Section}}<ul data-x>{{range .Modules}}<li>{{.Doc.Lead}}</li>{{end}}</ul>{{end}}`+everyLead),
		"themes/custom/templates/term.html":    inject("term.html", everyLead),
		"themes/custom/templates/path.html":    inject("path.html", `{{with .Path}}{{range .Modules}}<p>{{.Section.Summary}}: {{.Doc.Lead}}</p>{{end}}{{end}}`),
		"themes/custom/templates/home.html":    inject("home.html", everyLead),
		"themes/custom/templates/partials/card.html": `{{define "card"}}{{card .}}<p data-x>{{.Module.Section.Title}}: {{.Module.Section.Summary}}; {{.Module.Doc.Lead}}` +
			`{{with .Module.Prev}}; after {{.Front.Title}}{{end}}</p>{{end}}{{define "row"}}{{row .}}{{end}}`,
	}
}

// TestIncrementalPatch applies only saves that keep the site valid and the
// set of modules as it is — bodies, summaries, titles, review dates, a
// section's introduction: the saves serve patches into the last build's
// curriculum instead of assembling it anew.
func TestIncrementalPatch(t *testing.T) {
	for seed := range seeds(8) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			testIncremental(t, seed, 80, []int{0, 11, 12, 13, 14, 15, 17, 18, 19, 20}, true, nil)
		})
	}
}

var (
	reviewBy     = regexp.MustCompile(`\nreview_by: [0-9-]+\n`)
	levelLine    = regexp.MustCompile(`\nlevel: [a-z-]+\n`)
	topicsLine   = regexp.MustCompile(`\ntopics: \[[a-z, -]*\]\n`)
	audienceLine = regexp.MustCompile(`\naudience: \[[a-z, -]*\]\n`)
	formatLine   = regexp.MustCompile(`\nformat: [a-z-]+\n`)
	prereqLine   = regexp.MustCompile(`\nprerequisites: \[[a-z0-9/, -]*\]`)
)

// seeds is n, or fewer under the race detector (raceSeeds).
func seeds(n uint64) uint64 {
	if raceSeeds > 0 {
		return min(n, raceSeeds)
	}
	return n
}

var allOps = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26}

// testIncremental runs steps random operations out of ops; with valid set,
// every step must leave the site without errors.
func testIncremental(t *testing.T, seed uint64, steps int, ops []int, valid bool, theme map[string]string) {
	rng := rand.New(rand.NewPCG(seed, 42))
	fsys := toMapFS(mapFromFS(fixture(t, "small.txtar")))
	for name, data := range theme {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	if theme != nil {
		fsys["cmesite.yaml"] = &fstest.MapFile{Data: append(bytes.Clone(fsys["cmesite.yaml"].Data), "theme: custom\n"...)}
	}
	// Two cards a page, so that lists run over several pages and edits
	// move modules between them; and a field with a warning, which every
	// rebuild must report as a full build does.
	fsys["cmesite.yaml"] = &fstest.MapFile{Data: append(bytes.Clone(fsys["cmesite.yaml"].Data), "page_size: 2\ncolour: blue\n"...)}
	inc := New(fsys, Options{Today: today})
	if _, diags := inc.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	if theme != nil {
		if page, _ := inc.Files().Get("symptoms/breathlessness/index.html"); !bytes.Contains(page, []byte("<aside data-x>")) {
			t.Fatalf("the overriding theme is not used:\n%s", page)
		}
	}
	modules := func() []string {
		var ms []string
		for p := range fsys {
			if strings.HasPrefix(p, "content/") && strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, "_index.md") {
				ms = append(ms, p)
			}
		}
		slices.Sort(ms)
		return ms
	}
	pick := func() string { ms := modules(); return ms[rng.IntN(len(ms))] }
	n := 0
	newModule := func(title string) string {
		n++
		levels := []string{"basic", "specialist"}
		topics := []string{"breathlessness", "communication", "last-days"}
		formats := []string{"e-learning", "quick-reference", "small-group"}
		return fmt.Sprintf("---\ntitle: %s\nlevel: %s\ntopics: [%s]\naudience: [gp]\nsummary: Summary %d.\nformat: %s\nweight: %d\n---\n\n## Part %d\n\nText %d.\n",
			title, levels[rng.IntN(2)], topics[rng.IntN(3)], n, formats[rng.IntN(3)], rng.IntN(3)*10, n, n)
	}
	if valid {
		// Modules that nothing links to, so that a module's neighbours in
		// its section and lists are often shown nowhere else.
		for i := range 8 {
			p := fmt.Sprintf("content/%s/plain-%d.md", []string{"symptoms", "talking", "cards"}[i%3], i)
			fsys[p] = &fstest.MapFile{Data: []byte(newModule(fmt.Sprintf("%c plain %d", 'B'+rng.IntN(20), i)))}
		}
		if _, diags := inc.Update(nil); diags.Errors() > 0 {
			t.Fatal(diags)
		}
	}
	for step := range steps {
		var changed []string
		var what string
		op := ops[rng.IntN(len(ops))]
		if n := len(modules()); (n < 3 && (op == 4 || op == 5)) || n == 0 {
			op = 3 // keep modules to edit
		}
		switch op {
		case 0, 1: // edit a body
			p := pick()
			fsys[p] = &fstest.MapFile{Data: append(bytes.Clone(fsys[p].Data), fmt.Sprintf("\nMore text %d.\n", step)...)}
			changed, what = []string{p}, "edit body of "+p
		case 2: // retitle or reweight (changes lists and neighbours)
			p := pick()
			fsys[p] = &fstest.MapFile{Data: []byte(newModule(fmt.Sprintf("Retitled %d", step)))}
			changed, what = []string{p}, "rewrite "+p
		case 3: // create
			p := fmt.Sprintf("content/%s/new-%d.md", []string{"symptoms", "talking", "cards", "fresh"}[rng.IntN(4)], step)
			fsys[p] = &fstest.MapFile{Data: []byte(newModule(fmt.Sprintf("New %d", step)))}
			changed, what = []string{p}, "create "+p
		case 4: // delete (may break links, prerequisites and paths)
			p := pick()
			delete(fsys, p)
			changed, what = []string{p}, "delete "+p
		case 5: // rename
			p := pick()
			q := strings.TrimSuffix(p, ".md") + "-renamed.md"
			fsys[q] = fsys[p]
			delete(fsys, p)
			changed, what = []string{p, q}, "rename "+p
		case 6: // a section's title
			p := "content/symptoms/_index.md"
			fsys[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Symptoms %d\nsummary: s\n---\nIntro %d.\n", step, step))}
			changed, what = []string{p}, "edit section"
		case 7: // add a prerequisite (may make a cycle)
			p, q := pick(), pick()
			id := strings.TrimSuffix(strings.TrimPrefix(q, "content/"), ".md")
			fsys[p] = &fstest.MapFile{Data: bytes.Replace(fsys[p].Data, []byte("\nsummary:"), []byte("\nprerequisites: ["+id+"]\nsummary:"), 1)}
			changed, what = []string{p}, "prerequisite "+p+" -> "+id
		case 9: // rename a folder: the watcher asks for a full rebuild (nil)
			from, to := "content/cards/", fmt.Sprintf("content/cards%d/", step)
			var moving []string // collected first: the map must not change while ranging
			for p := range fsys {
				if strings.HasPrefix(p, "content/cards") && strings.Count(p, "/") == 2 {
					moving = append(moving, p)
				}
			}
			slices.Sort(moving)
			if len(moving) > 0 {
				from = moving[0][:strings.LastIndex(moving[0], "/")+1] // one folder
			}
			for _, p := range moving {
				if strings.HasPrefix(p, from) {
					fsys[to+p[len(from):]] = fsys[p]
					delete(fsys, p)
				}
			}
			changed, what = nil, "rename folder "+from+" to "+to
		case 10: // rename a heading that another module links to, and back
			p := "content/symptoms/breathlessness.md"
			f, ok := fsys[p]
			if !ok {
				continue
			}
			data := f.Data
			if bytes.Contains(data, []byte("## Non-drug measures")) {
				data = bytes.Replace(data, []byte("## Non-drug measures"), []byte("## Other measures"), 1)
			} else {
				data = bytes.Replace(data, []byte("## Other measures"), []byte("## Non-drug measures"), 1)
			}
			fsys[p] = &fstest.MapFile{Data: data}
			changed, what = []string{p}, "toggle a linked heading"
		case 11: // a summary: the lists the module is on change, nothing moves
			p := pick()
			fsys[p] = &fstest.MapFile{Data: bytes.Replace(fsys[p].Data, []byte("\nsummary: "), []byte(fmt.Sprintf("\nsummary: Edit %d. ", step)), 1)}
			changed, what = []string{p}, "edit summary of "+p
		case 12: // a summary over more lines: every later field moves down
			p := pick()
			fsys[p] = &fstest.MapFile{Data: bytes.Replace(fsys[p].Data, []byte("\nsummary: "), []byte(fmt.Sprintf("\nsummary: >-\n  Edit %d,\n  on two lines.\n  ", step)), 1)}
			changed, what = []string{p}, "edit summary of "+p+" over lines"
		case 13: // a title change, which may or may not move the module
			p := pick()
			data := fsys[p].Data
			if i := bytes.Index(data, []byte("\ntitle: ")); i >= 0 {
				if j := bytes.IndexByte(data[i+1:], '\n'); j >= 0 {
					start, end := i+len("\ntitle: "), i+1+j
					switch rng.IntN(4) {
					case 0: // likely to stay in place
						data = slices.Concat(data[:end], []byte([]string{" (revised)", "s", " 2"}[rng.IntN(3)]), data[end:])
					default: // likely to move
						data = slices.Concat(data[:start], []byte([]string{"A ", "Z ", "M "}[rng.IntN(3)]), data[start:])
					}
				}
			}
			fsys[p] = &fstest.MapFile{Data: data}
			changed, what = []string{p}, "change title of "+p
		case 14: // review dates: the feed, the sitemap, perhaps overdue
			p := pick()
			date := []string{"2026-03-01", "2031-05-01"}[rng.IntN(2)] // overdue, or not
			data := fsys[p].Data
			if reviewBy.Match(data) {
				data = reviewBy.ReplaceAll(data, []byte("\nreview_by: "+date+"\n"))
			} else {
				data = bytes.Replace(data, []byte("\nsummary: "), []byte("\nreviewed: 2018-01-01\nreview_by: "+date+"\nsummary: "), 1)
			}
			fsys[p] = &fstest.MapFile{Data: data}
			changed, what = []string{p}, "review date of "+p
		case 15: // a section's summary and introduction, keeping its title
			p := "content/talking/_index.md"
			fsys[p] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Talking\nsummary: Talking %d.\n---\nIntro %d.\n", step, step))}
			changed, what = []string{p}, "edit section summary"
		case 16: // draft on, draft off
			p := pick()
			data := fsys[p].Data
			if bytes.Contains(data, []byte("\ndraft: true\n")) {
				data = bytes.Replace(data, []byte("\ndraft: true\n"), []byte("\n"), 1)
			} else {
				data = bytes.Replace(data, []byte("\nsummary: "), []byte("\ndraft: true\nsummary: "), 1)
			}
			fsys[p] = &fstest.MapFile{Data: data}
			changed, what = []string{p}, "toggle draft of "+p
		case 17: // a new level: the module moves from one level's list to the other's
			p := pick()
			data := levelLine.ReplaceAllFunc(fsys[p].Data, func(l []byte) []byte {
				if bytes.Contains(l, []byte("basic")) {
					return []byte("\nlevel: specialist\n")
				}
				return []byte("\nlevel: basic\n")
			})
			fsys[p] = &fstest.MapFile{Data: data}
			changed, what = []string{p}, "change level of "+p
		case 18: // new topics and audiences
			p := pick()
			topics := [][]string{{"breathlessness"}, {"communication"}, {"last-days", "breathlessness"}, {"communication", "last-days"}}[rng.IntN(4)]
			audience := [][]string{{"gp"}, {"gp", "district-nurse"}, {"pharmacist"}}[rng.IntN(3)]
			data := topicsLine.ReplaceAll(fsys[p].Data, []byte("\ntopics: ["+strings.Join(topics, ", ")+"]\n"))
			data = audienceLine.ReplaceAll(data, []byte("\naudience: ["+strings.Join(audience, ", ")+"]\n"))
			fsys[p] = &fstest.MapFile{Data: data}
			changed, what = []string{p}, fmt.Sprintf("topics %v, audience %v of %s", topics, audience, p)
		case 19: // a new format
			p := pick()
			format := []string{"e-learning", "quick-reference", "small-group", "peer-review"}[rng.IntN(4)]
			fsys[p] = &fstest.MapFile{Data: formatLine.ReplaceAll(fsys[p].Data, []byte("\nformat: "+format+"\n"))}
			changed, what = []string{p}, "format "+format+" of "+p
		case 20: // new prerequisites, taken from modules that have none
			var p string
			var plain []string
			for _, m := range modules() {
				if strings.Contains(m, "/plain-") {
					plain = append(plain, strings.TrimSuffix(strings.TrimPrefix(m, "content/"), ".md"))
				} else if p == "" || rng.IntN(2) == 0 {
					p = m
				}
			}
			if p == "" {
				continue
			}
			var pre []string
			for _, q := range plain {
				if rng.IntN(3) == 0 {
					pre = append(pre, q)
				}
			}
			data := prereqLine.ReplaceAll(fsys[p].Data, nil)
			data = bytes.Replace(data, []byte("\nsummary: "), []byte("\nprerequisites: ["+strings.Join(pre, ", ")+"]\nsummary: "), 1)
			fsys[p] = &fstest.MapFile{Data: data}
			changed, what = []string{p}, fmt.Sprintf("prerequisites %v of %s", pre, p)
		case 21: // rename a folder, as the watcher reports it: both folders, and the files that came
			var moving []string
			for p := range fsys {
				if strings.HasPrefix(p, "content/talking") && strings.Count(p, "/") == 2 {
					moving = append(moving, p)
				}
			}
			slices.Sort(moving)
			if len(moving) == 0 {
				continue
			}
			from := moving[0][:strings.LastIndex(moving[0], "/")]
			to := fmt.Sprintf("content/talking%d", step)
			changed = []string{from, to}
			for _, p := range moving {
				if strings.HasPrefix(p, from+"/") {
					fsys[to+p[len(from):]] = fsys[p]
					delete(fsys, p)
					changed = append(changed, to+p[len(from):])
				}
			}
			what = "rename folder " + from + " to " + to + " (paths)"
		case 22: // a new folder with a module in it (and perhaps one below)
			dir := fmt.Sprintf("content/folder%d", step)
			fsys[dir+"/m.md"] = &fstest.MapFile{Data: []byte(newModule(fmt.Sprintf("Folder %d", step)))}
			changed = []string{dir, dir + "/m.md"}
			if rng.IntN(2) == 0 {
				fsys[dir+"/sub/n.md"] = &fstest.MapFile{Data: []byte(newModule(fmt.Sprintf("Sub %d", step)))}
				changed = append(changed, dir+"/sub/n.md")
			}
			what = "new folder " + dir
		case 23: // a folder removed, reported by its own path
			var dirs []string
			for p := range fsys {
				if strings.HasPrefix(p, "content/folder") || strings.HasPrefix(p, "content/cards") {
					dirs = append(dirs, p[:strings.Index(p[len("content/"):], "/")+len("content/")])
				}
			}
			slices.Sort(dirs)
			if len(dirs) == 0 {
				continue
			}
			dir := dirs[rng.IntN(len(dirs))]
			for p := range fsys {
				if strings.HasPrefix(p, dir+"/") {
					delete(fsys, p)
				}
			}
			changed, what = []string{dir}, "remove folder "+dir
		case 24: // a theme's stylesheet: every page names its new hash
			fsys["themes/default/assets/main.css"] = &fstest.MapFile{Data: fmt.Appendf(nil, "body { margin: %dpx }\n", step)}
			changed, what = []string{"themes/default/assets/main.css"}, "theme stylesheet"
		case 25: // a theme's callout label: every body shows it
			en, err := fs.ReadFile(themes.Default(), "i18n/en.yaml")
			if err != nil {
				t.Fatal(err)
			}
			en = fmt.Appendf(bytes.Clone(en), "\ncallout_key_points: Key points %d\n", step)
			fsys["themes/default/i18n/en.yaml"] = &fstest.MapFile{Data: en}
			changed, what = []string{"themes/default/i18n/en.yaml"}, "theme callout label"
		case 26: // a theme template with an error, and fixed again
			tmpl := "themes/default/templates/help.html"
			if _, ok := fsys[tmpl]; ok {
				delete(fsys, tmpl)
				what = "fix the theme"
			} else {
				fsys[tmpl] = &fstest.MapFile{Data: []byte(`{{define "main"}}{{if}}{{end}}`)}
				what = "break the theme"
			}
			changed = []string{tmpl}
		case 8: // the config
			fsys["cmesite.yaml"] = &fstest.MapFile{Data: append(bytes.Clone(fsys["cmesite.yaml"].Data), fmt.Sprintf("# %d\n", step)...)}
			changed, what = []string{"cmesite.yaml"}, "edit config"
		}
		_, incDiags := inc.Update(changed)
		fullOut := NewMemory()
		_, fullDiags := New(fsys, Options{Today: today}).Build(fullOut)
		if fmt.Sprint(incDiags) != fmt.Sprint(fullDiags) {
			t.Fatalf("step %d (%s): diagnostics differ\nincremental: %v\nfull: %v", step, what, incDiags, fullDiags)
		}
		if fullDiags.Errors() > 0 {
			if valid {
				t.Fatalf("step %d (%s): %v", step, what, fullDiags)
			}
			continue // the incremental output keeps the last good build
		}
		got, want := served(t, inc), fullOut.Snapshot()
		for _, name := range keys(want) {
			if !bytes.Equal(got[name], want[name]) {
				t.Fatalf("step %d (%s): %s differs from a full build:\n%s", step, what, name, lineDiff(want[name], got[name]))
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Fatalf("step %d (%s): %s is left over from an earlier build", step, what, name)
			}
		}
	}
}

// TestIncrementalRetitleEach retitles every module in turn: each module's
// title shows on its neighbours' pages (previous/next, learning path,
// prerequisites, needed for), which must all be rendered anew.
func TestIncrementalRetitleEach(t *testing.T) {
	fsys := toMapFS(mapFromFS(fixture(t, "small.txtar")))
	inc := New(fsys, Options{Today: today})
	if _, diags := inc.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	var names []string
	for p := range fsys {
		if strings.HasSuffix(p, ".md") {
			names = append(names, p)
		}
	}
	slices.Sort(names)
	for _, p := range names {
		fsys[p] = &fstest.MapFile{Data: bytes.Replace(fsys[p].Data, []byte("title: "), []byte("title: Renamed "), 1)}
		if _, diags := inc.Update([]string{p}); diags.Errors() > 0 {
			t.Fatal(diags)
		}
		want, _ := build(t, fsys, Options{})
		got := served(t, inc)
		for _, name := range keys(want) {
			if !bytes.Equal(got[name], want[name]) {
				t.Fatalf("after retitling %s, %s differs from a full build:\n%s", p, name, lineDiff(want[name], got[name]))
			}
		}
	}
}

// TestIncrementalDraftLinked: a module that another links to becomes a
// draft. The save reassembles the curriculum without walking the files
// again, and the broken link is in the other file: it must be found, as a
// full build finds it.
func TestIncrementalDraftLinked(t *testing.T) {
	fsys := toMapFS(mapFromFS(fixture(t, "small.txtar")))
	inc := New(fsys, Options{Today: today})
	if _, diags := inc.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	p := "content/cards/breathless-card.md"
	fsys[p] = &fstest.MapFile{Data: bytes.Replace(fsys[p].Data, []byte("\ntitle: "), []byte("\ndraft: true\ntitle: "), 1)}
	_, incDiags := inc.Update([]string{p})
	_, fullDiags := New(fsys, Options{Today: today}).Build(NewMemory())
	if !strings.Contains(fmt.Sprint(fullDiags), "content/symptoms/breathlessness.md:") {
		t.Fatalf("a full build does not report the link to the draft: %v", fullDiags)
	}
	if fmt.Sprint(incDiags) != fmt.Sprint(fullDiags) {
		t.Errorf("incremental: %v\nfull: %v", incDiags, fullDiags)
	}
}

// served is every file a Builder serves after Update, made on demand.
func served(t testing.TB, b *Builder) map[string][]byte {
	t.Helper()
	f := b.Files()
	out := map[string][]byte{}
	for _, name := range f.Names() {
		data, err := f.Get(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = data
	}
	return out
}

// TestIncrementalBrokenTheme: a theme save with an error is reported by
// every later build until it is fixed, whatever those saves change, and
// then the site is as a full build makes it.
func TestIncrementalBrokenTheme(t *testing.T) {
	fsys := toMapFS(mapFromFS(fixture(t, "small.txtar")))
	inc := New(fsys, Options{Today: today})
	if _, diags := inc.Update(nil); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	tmpl := "themes/default/templates/help.html"
	fsys[tmpl] = &fstest.MapFile{Data: []byte(`{{define "main"}}{{if}}{{end}}`)}
	if _, diags := inc.Update([]string{tmpl}); diags.Errors() == 0 {
		t.Fatal("a broken template is not reported")
	}
	p := "content/symptoms/breathlessness.md"
	fsys[p] = &fstest.MapFile{Data: append(bytes.Clone(fsys[p].Data), "\nMore.\n"...)}
	if _, diags := inc.Update([]string{p}); !strings.Contains(fmt.Sprint(diags), "help.html") {
		t.Fatalf("after a content save, the broken template is no longer reported: %v", diags)
	}
	delete(fsys, tmpl)
	if _, diags := inc.Update([]string{tmpl}); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	want, _ := build(t, fsys, Options{})
	got := served(t, inc)
	for _, name := range keys(want) {
		if !bytes.Equal(got[name], want[name]) {
			t.Fatalf("%s differs from a full build:\n%s", name, lineDiff(want[name], got[name]))
		}
	}
}
