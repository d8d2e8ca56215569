package search

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gopkg.in/yaml.v3"
)

// The size tests and benchmarks need realistic curricula. With
// CMESITE_GEN_CORPUS set to the path of gen-corpus.py (the project's corpus
// generator), they generate one and parse its Markdown crudely into Docs;
// otherwise they synthesize Docs of the same shape in Go (synthDocs).
// CMESITE_CORPUS_DIR names a folder that keeps generated trees, one per
// size (<dir>/<n> is the content folder of n modules): a tree found there
// is read instead of generated (100,000 modules take minutes to generate),
// and a generated one is kept there.

var corpusCache = map[int][]Doc{}

// corpusDocs returns n realistic docs and says where they came from.
func corpusDocs(tb testing.TB, n int) ([]Doc, string) {
	tb.Helper()
	if d, ok := corpusCache[n]; ok {
		return d, "gen-corpus.py"
	}
	gen, keep := os.Getenv("CMESITE_GEN_CORPUS"), os.Getenv("CMESITE_CORPUS_DIR")
	dir := ""
	if keep != "" {
		dir = filepath.Join(keep, fmt.Sprint(n))
		if _, err := os.Stat(dir); err != nil {
			dir = ""
		}
	}
	if dir == "" && gen == "" {
		return synthDocs(n), "synthesized in Go"
	}
	if dir == "" {
		dir = filepath.Join(tb.TempDir(), "content")
		if keep != "" {
			dir = filepath.Join(keep, fmt.Sprint(n))
		}
		cmd := exec.Command("python3", gen, "--modules", fmt.Sprint(n), "--out", dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("%s: %v\n%s", gen, err, out)
		}
	}
	docs, err := loadMarkdownDocs(os.DirFS(dir))
	if err != nil {
		tb.Fatal(err)
	}
	corpusCache[n] = docs
	return docs, "gen-corpus.py"
}

type frontmatter struct {
	Title    string   `yaml:"title"`
	Level    string   `yaml:"level"`
	Topics   []string `yaml:"topics"`
	Audience []string `yaml:"audience"`
	Summary  string   `yaml:"summary"`
	Format   string   `yaml:"format"`
	Weight   int      `yaml:"weight"`
	Keywords []string `yaml:"keywords"`
}

var (
	mdLink   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdMarks  = regexp.MustCompile("[*_`|>#]+")
	mdBullet = regexp.MustCompile(`^\s*(?:[-*]|\d+\.)\s+`)
	mdRule   = regexp.MustCompile(`^\|?[-| :]+\|?$`)
)

// loadMarkdownDocs reads every module (not _index.md) of a generated
// content tree, on every CPU.
func loadMarkdownDocs(fsys fs.FS) ([]Doc, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, de fs.DirEntry, err error) error {
		if err == nil && !de.IsDir() && strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, "_index.md") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	docs := make([]Doc, len(paths))
	errs := make([]error, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				data, err := fs.ReadFile(fsys, paths[i])
				if err == nil {
					docs[i], err = parseModule(paths[i], string(data))
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	return docs, errors.Join(errs...)
}

func parseModule(p, src string) (Doc, error) {
	rest, ok := strings.CutPrefix(src, "---\n")
	if !ok {
		return Doc{}, fmt.Errorf("%s: no frontmatter", p)
	}
	fmText, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return Doc{}, fmt.Errorf("%s: unclosed frontmatter", p)
	}
	var fm frontmatter
	if err := yaml.Unmarshal([]byte(fmText), &fm); err != nil {
		return Doc{}, fmt.Errorf("%s: %v", p, err)
	}
	d := Doc{
		URL: strings.TrimSuffix(p, ".md") + "/", Title: fm.Title, Level: fm.Level, Format: fm.Format,
		Topics: fm.Topics, Audiences: fm.Audience, Summary: fm.Summary, Weight: fm.Weight, Keywords: fm.Keywords,
	}
	cur := Section{}
	var text, callout []string
	anchors := map[string]int{}
	flush := func() {
		if len(callout) > 0 {
			d.Sections = append(d.Sections, Section{Anchor: cur.Anchor, Heading: cur.Heading, Text: strings.Join(callout, " "), Callout: "KEY POINTS"})
			callout = nil
		}
		if len(text) > 0 || cur.Heading != "" {
			cur.Text = strings.Join(text, " ")
			d.Sections = append(d.Sections, cur)
		}
		text = nil
	}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## ") || strings.HasPrefix(line, "### "):
			flush()
			h := strings.TrimSpace(strings.TrimLeft(line, "#"))
			a := slug(h)
			if n := anchors[a]; n > 0 {
				anchors[a]++
				a = fmt.Sprintf("%s-%d", a, n)
			} else {
				anchors[a] = 1
			}
			cur = Section{Anchor: a, Heading: h}
		case strings.HasPrefix(line, ">"):
			t := plainMarkdown(strings.TrimPrefix(line, ">"))
			if t != "" && !strings.EqualFold(t, "key points") {
				callout = append(callout, t)
			}
		default:
			if mdRule.MatchString(strings.TrimSpace(line)) {
				continue
			}
			if t := plainMarkdown(line); t != "" {
				text = append(text, t)
			}
		}
	}
	flush()
	return d, nil
}

func plainMarkdown(s string) string {
	if !strings.ContainsAny(s, "[*_`|>#-0123456789") && !strings.HasPrefix(s, " ") {
		return strings.Join(strings.Fields(s), " ")
	}
	s = mdBullet.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdMarks.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(s), " ")
}

// slug makes a heading id the way goldmark's auto heading ids do for plain
// ASCII headings.
func slug(h string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(h) {
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == ' ' || r == '-':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// synthDocs makes n docs shaped like gen-corpus.py modules: 400-1300 words
// in 3-8 sections with a key-points callout, drawn from a Zipf-distributed
// vocabulary of palliative-care words and generated pseudo-words (so the
// vocabulary grows with the corpus as real text does). Same n, same docs.
func synthDocs(n int) []Doc {
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	vocab := slices.Clone(synthWords)
	syll := []string{"ra", "mo", "ti", "ne", "ka", "lu", "pe", "so", "vi", "da", "ter", "ol", "an", "is", "cor", "phi", "ment", "gen"}
	for len(vocab) < 40000 {
		w := ""
		for k := 2 + rng.IntN(3); k > 0; k-- {
			w += syll[rng.IntN(len(syll))]
		}
		vocab = append(vocab, w)
	}
	zipf := rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))
	sentence := func(words int) string {
		ws := make([]string, words)
		for i := range ws {
			ws[i] = vocab[zipf.Uint64()]
		}
		ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
		return strings.Join(ws, " ") + "."
	}
	para := func(sentences int) string {
		s := make([]string, sentences)
		for i := range s {
			s[i] = sentence(8 + rng.IntN(12))
		}
		return strings.Join(s, " ")
	}
	levels := []string{"basic", "basic", "specialist"}
	formats := []string{"e-learning", "e-learning", "small-group", "peer-review", "clinical-attachment", "quick-reference"}
	topics := []string{"pain", "breathlessness", "nausea-vomiting", "delirium", "last-days-of-life", "advance-care-planning",
		"communication", "teamwork", "bereavement", "ethics", "spiritual-care", "opioids", "syringe-drivers", "care-at-home", "self-care"}
	auds := []string{"gp", "gp-trainee", "district-nurse", "home-care-team", "pharmacist", "organizer"}
	headings := []string{"Background", "Assessment", "Management", "Non-drug measures", "Medicines", "Case example",
		"Working with the family", "When to call the team", "Documentation and handover", "Reflection", "Learning activity"}
	docs := make([]Doc, n)
	for i := range docs {
		topic := topics[rng.IntN(len(topics))]
		title := strings.TrimSuffix(sentence(3+rng.IntN(5)), ".")
		d := Doc{
			URL:       fmt.Sprintf("%s/%s-%d/", topic, slug(title), i),
			Title:     title,
			Level:     levels[rng.IntN(len(levels))],
			Format:    formats[rng.IntN(len(formats))],
			Topics:    []string{topic},
			Audiences: []string{auds[rng.IntN(len(auds))], auds[rng.IntN(len(auds))]},
			Summary:   sentence(12 + rng.IntN(8)),
			Weight:    rng.IntN(1000),
		}
		d.Sections = append(d.Sections, Section{Text: para(3 + rng.IntN(3))},
			Section{Text: para(3), Callout: "KEY POINTS"})
		words := 400 + rng.IntN(900)
		for j, h := range rng.Perm(len(headings))[:3+rng.IntN(6)] {
			s := Section{Anchor: slug(headings[h]), Heading: headings[h], Text: para(words / 100 / (j + 1) * 2)}
			d.Sections = append(d.Sections, s)
		}
		docs[i] = d
	}
	return docs
}

// synthWords are the most frequent words of synthDocs.
var synthWords = strings.Fields(`patient care family pain plan team home breathlessness carer review morphine
opioid dose medicine nurse doctor practice symptom support night visit call record death dying syringe driver
subcutaneous nausea vomiting delirium agitation anticipatory prescribing advance conversation decision capacity
grief bereavement spiritual hope meaning comfort mouth skin pressure bowel constipation laxative anxiety fan
oxygen breathing position discharge hospital hospice specialist palliative district community pharmacist
weekend handover register meeting summary document consent preference place treatment limit resuscitation
oxycodone fentanyl haloperidol midazolam levomepromazine metoclopramide cyclizine hyoscine paracetamol
dyspnoea oedema anaemia haemorrhage hypercalcaemia spinal cord compression seizure bleeding emergency
assessment management reassess titrate convert breakthrough regular daily weekly monthly continuity trajectory
frailty dementia heart failure copd cancer kidney liver parkinson motor neurone disease`)
