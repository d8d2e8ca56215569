// Package config reads a site's optional cmesite.yaml into a typed Config
// with defaults: site title and description, language, base URL, the
// vocabularies (levels, topics, audiences, formats), learning paths,
// support contacts, search synonyms and the credits label.
//
// Every problem is reported as a positioned diagnostic; unknown keys are
// warnings with a did-you-mean. A missing file is not an error: the
// defaults describe a working site.
package config

import (
	"errors"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/fields"
	"gopkg.in/yaml.v3"
)

// File is the name of the config file at the site root.
const File = "cmesite.yaml"

// Term is one entry of a vocabulary.
type Term struct {
	ID          string
	Label       string
	Description string
	Group       string // optional grouping, e.g. an EAPC curriculum domain for topics
}

// Vocabulary is the allowed set of ids for one frontmatter field. An open
// vocabulary (no list configured) accepts any id and labels it from the id.
type Vocabulary struct {
	Name  string // the facet: "level", "topic", "audience", "format" (content.Facets)
	Terms []Term
	Open  bool
	index map[string]int
	lists *termLists
}

// termLists are the term lists Vocabulary.Share has given, by their ids.
type termLists struct {
	mu    sync.Mutex
	lists map[string][]Term
}

// Share returns a list with the same terms as terms, the same list for
// every caller that gives the same ids: the modules of a large site share
// a few hundred lists of topics or audiences instead of holding one each.
// The list it returns may not be changed.
func (v *Vocabulary) Share(terms []Term) []Term {
	if v.lists == nil || len(terms) == 0 {
		return terms
	}
	var key strings.Builder
	for _, t := range terms {
		key.WriteString(t.ID)
		key.WriteByte(0)
	}
	v.lists.mu.Lock()
	defer v.lists.mu.Unlock()
	if l, ok := v.lists.lists[key.String()]; ok {
		return l
	}
	l := slices.Clip(terms)
	v.lists.lists[key.String()] = l
	return l
}

func newTermLists() *termLists { return &termLists{lists: map[string][]Term{}} }

// NewVocabulary returns a closed vocabulary of terms.
func NewVocabulary(name string, terms []Term) Vocabulary {
	v := Vocabulary{Name: name, Terms: terms, index: make(map[string]int, len(terms)), lists: newTermLists()}
	for i, t := range terms {
		v.index[t.ID] = i
	}
	return v
}

// Has reports whether id is allowed.
func (v *Vocabulary) Has(id string) bool {
	if v.Open {
		return true
	}
	_, ok := v.index[id]
	return ok
}

// Term returns the term for id; an id of an open vocabulary gets a label
// made from the id.
func (v *Vocabulary) Term(id string) Term {
	if i, ok := v.index[id]; ok {
		return v.Terms[i]
	}
	return Term{ID: id, Label: Label(id)}
}

// Label makes a label from an id or a file name: "nausea-vomiting" ->
// "Nausea vomiting".
func Label(id string) string {
	label := strings.ReplaceAll(id, "-", " ")
	if r, size := utf8.DecodeRuneInString(label); r != utf8.RuneError {
		label = strings.ToUpper(string(r)) + label[size:]
	}
	return label
}

// Rank is the position of id in the vocabulary's order (open vocabularies
// order after every listed term; the caller then sorts by id).
func (v *Vocabulary) Rank(id string) int {
	if i, ok := v.index[id]; ok {
		return i
	}
	return len(v.Terms)
}

// IDs lists the allowed ids in order.
func (v *Vocabulary) IDs() []string {
	ids := make([]string, len(v.Terms))
	for i, t := range v.Terms {
		ids[i] = t.ID
	}
	return ids
}

// Path is a learning path: an ordered list of modules.
type Path struct {
	ID          string
	Title       string
	Description string
	Modules     []string // module ids ("section/slug")
	Line        int      // line of the path in cmesite.yaml
	ModuleLines []int    // line of each module entry
	// Audience lists the audience ids the path is for, as declared; nil
	// when the path declares none (the curriculum then derives them from
	// its modules).
	Audience      []string
	AudienceLines []int
}

// Contact is a support contact, typically the palliative home-care team.
type Contact struct {
	Name, Role, Phone, Hours, URL, Note string
}

// Config is a site's configuration.
type Config struct {
	File         string // File when the site has one, else ""
	Source       []byte // the bytes of File as read, for fingerprints
	Title        string
	Description  string
	Language     string
	BaseURL      string // absolute, ends in "/", or "" for relative-only output
	Notice       string // shown on every page (for example "sample content")
	CreditsLabel string
	// Provider names who provides the modules in a GP's learning-record
	// exports; default the site's title.
	Provider string
	// CMETarget is the credits a GP aims for in a year, shown as progress
	// on my-cme/ (0: no target); CMETargetLabel says what the target is.
	CMETarget      float64
	CMETargetLabel string
	Theme          string
	PageSize       int // module cards per page of a section or term list
	Levels         Vocabulary
	Topics         Vocabulary
	Audiences      Vocabulary
	Formats        Vocabulary
	// Competencies are the core competencies modules name by number in
	// their competencies field (default: the ten EAPC core competencies).
	Competencies Vocabulary
	// ReviewInterval is the longest time a module's review_by may lie
	// after its reviewed date (review_interval: 3y); zero: no limit.
	ReviewInterval Interval
	// OrganizerPages builds organizers/coverage/ and organizers/reviews/
	// (organizer_pages: false leaves them out; default true).
	OrganizerPages bool
	Paths          []Path
	Contacts       []Contact
	Synonyms       [][]string

	contactsLine int // line of the contacts key, 0 when absent
}

// Vocab returns the vocabulary of a facet: the one whose Name is facet
// (content.FacetLevel, ...), or nil.
func (c *Config) Vocab(facet string) *Vocabulary {
	for _, v := range []*Vocabulary{&c.Levels, &c.Topics, &c.Audiences, &c.Formats} {
		if v.Name == facet {
			return v
		}
	}
	return nil
}

// Default returns the configuration of a site without cmesite.yaml.
func Default() *Config {
	return &Config{
		Title:        "CME curriculum",
		Provider:     "CME curriculum",
		Language:     "en",
		CreditsLabel: "CME credits",
		Theme:        "default",
		PageSize:     DefaultPageSize,
		Levels: NewVocabulary(content.FacetLevel, []Term{
			{ID: "basic", Label: "Basic", Description: "The palliative care approach and general palliative care: what every GP needs."},
			{ID: "specialist", Label: "Specialist", Description: "Specialist palliative care: depth for GPs with a special interest and home-care team physicians."},
		}),
		Topics: Vocabulary{Name: content.FacetTopic, Open: true, lists: newTermLists()},
		Audiences: NewVocabulary(content.FacetAudience, []Term{
			{ID: "gp", Label: "GPs"},
			{ID: "gp-trainee", Label: "GP trainees"},
			{ID: "district-nurse", Label: "District nurses"},
			{ID: "home-care-team", Label: "Palliative home-care teams"},
			{ID: "pharmacist", Label: "Pharmacists"},
			{ID: "organizer", Label: "CME organizers"},
		}),
		Formats:        NewVocabulary(content.FacetFormat, DefaultFormats()),
		Competencies:   NewVocabulary(Competency, EAPCCompetencies()),
		OrganizerPages: true,
	}
}

// Competency is the Name of the competencies vocabulary.
const Competency = "competency"

// EAPCCompetencies are the ten core competencies in palliative care of
// Gamondi C, Larkin P, Payne S. Core competencies in palliative care: an
// EAPC White Paper on palliative care education, part 1 and part 2.
// European Journal of Palliative Care 2013;20(2):86-91 and 20(3):140-145.
// Their ids are their numbers, which modules write in competencies.
func EAPCCompetencies() []Term {
	return []Term{
		{ID: "1", Label: "Apply the core constituents of palliative care in the setting where patients and families are based"},
		{ID: "2", Label: "Enhance physical comfort throughout patients' disease trajectories"},
		{ID: "3", Label: "Meet patients' psychological needs"},
		{ID: "4", Label: "Meet patients' social needs"},
		{ID: "5", Label: "Meet patients' spiritual needs"},
		{ID: "6", Label: "Respond to the needs of family carers in relation to short-, medium- and long-term patient care goals"},
		{ID: "7", Label: "Respond to the challenges of clinical and ethical decision-making in palliative care"},
		{ID: "8", Label: "Practise comprehensive care coordination and interdisciplinary teamwork across all settings where palliative care is offered"},
		{ID: "9", Label: "Develop interpersonal and communicative skills appropriate to palliative care"},
		{ID: "10", Label: "Practise self-awareness and undergo continuing professional development"},
	}
}

// QuickReference is the id of the format of quick-reference cards: the
// just-in-time cards that the home and help pages list and that search ranks
// first. A site that keeps it in its format vocabulary gets that handling.
const QuickReference = "quick-reference"

// DefaultFormats are the five CME formats that match how GPs learn.
func DefaultFormats() []Term {
	return []Term{
		{ID: "e-learning", Label: "E-learning", Description: "A self-study module."},
		{ID: "small-group", Label: "Small group", Description: "A session guide with facilitator notes."},
		{ID: "peer-review", Label: "Peer review", Description: "A case discussion for a local peer-review group."},
		{ID: "clinical-attachment", Label: "Clinical attachment", Description: "Learning alongside a palliative home-care team."},
		{ID: QuickReference, Label: "Quick reference", Description: "A just-in-time card for a difficult case."},
	}
}

var (
	idRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	langRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]+)*$`)
)

// Load reads cmesite.yaml from the root of fsys. Without the file it
// returns Default() and no diagnostics.
func Load(fsys fs.FS) (*Config, diag.List) {
	cfg := Default()
	var diags diag.List
	data, err := fs.ReadFile(fsys, File)
	if errors.Is(err, fs.ErrNotExist) {
		noContacts(cfg, &diags, 0)
		return cfg, diags
	}
	if err != nil {
		diags.Errorf(File, 0, "cannot read: %v", err)
		return cfg, diags
	}
	cfg.File, cfg.Source = File, data
	if !utf8.Valid(data) {
		diags.Errorf(File, 0, "not UTF-8 text; save the file as UTF-8")
		return cfg, diags
	}
	data = []byte(strings.TrimPrefix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\ufeff"))
	root, se := fields.Parse(fields.YAML, data)
	if se != nil {
		diags.Errorf(File, se.Line, "%s", se.Error())
		return cfg, diags
	}
	d := &fields.Decoder{File: File, Diags: &diags}
	cfg.Provider = ""
	decode(d, root, cfg)
	if cfg.Provider == "" {
		cfg.Provider = cfg.Title
	}
	noContacts(cfg, &diags, cfg.contactsLine)
	return cfg, diags
}

// DefaultTargetLabel is what a yearly CME target is called when
// cme_target_label does not say.
const DefaultTargetLabel = "Yearly target"

// GPAudience is the audience id that makes a site one for GPs.
const GPAudience = "gp"

// noContacts warns when a site for GPs (its audience vocabulary, given or
// the default, holds GPAudience) lists no contacts: a GP in a difficult
// case at a patient's home must find whom to call, and without contacts
// the site shows no "call the team" link at all. line is the line of the
// empty contacts key, or 0.
func noContacts(cfg *Config, diags *diag.List, line int) {
	if len(cfg.Contacts) > 0 || cfg.Audiences.Open || !cfg.Audiences.Has(GPAudience) {
		return
	}
	diags.Warnf(File, line, "the site is for GPs (its audiences include %q) but lists no contacts, so its pages cannot say whom to call in a difficult case; add contacts: with at least the palliative home-care team's name, phone and hours", GPAudience)
}

// DefaultPageSize is how many module cards a section or term page shows
// before its list continues on a next page: enough to scan on a phone,
// small enough to load fast on a slow connection.
const DefaultPageSize = 50

// keys are the keys of cmesite.yaml: a vocabulary for each facet under its
// plural (content.Facet.Plural: levels, topics, audiences, formats), and
// the others.
var keys = func() []string {
	k := []string{"title", "description", "language", "base_url", "notice", "credits_label", "provider", "cme_target", "cme_target_label", "theme", "page_size"}
	for _, f := range content.Facets() {
		k = append(k, f.Plural)
	}
	return append(k, "competencies", "review_interval", "organizer_pages", "paths", "contacts", "synonyms")
}()

func decode(d *fields.Decoder, root *yaml.Node, cfg *Config) {
	labelLine := 0
	defer func() {
		switch {
		case labelLine > 0 && cfg.CMETarget == 0:
			d.Diags.Errorf(d.File, labelLine, "cme_target_label needs cme_target, the credits a GP aims for in a year (such as 50)")
		case cfg.CMETarget > 0 && cfg.CMETargetLabel == "":
			cfg.CMETargetLabel = DefaultTargetLabel
		}
	}()
	for _, kv := range d.Mapping(root, File) {
		switch kv.Key {
		case "title":
			setString(d, kv, &cfg.Title)
		case "description":
			setString(d, kv, &cfg.Description)
		case "notice":
			setString(d, kv, &cfg.Notice)
		case "credits_label":
			setString(d, kv, &cfg.CreditsLabel)
		case "provider":
			setString(d, kv, &cfg.Provider)
		case "cme_target":
			if v, ok := d.Float(kv); ok {
				if v <= 0 || v > 10000 {
					d.Diags.Errorf(d.File, kv.Line, "cme_target %v must be a number of credits above 0 (a year's target, such as 50); leave it out for no target", v)
				} else {
					cfg.CMETarget = v
				}
			}
		case "cme_target_label":
			setString(d, kv, &cfg.CMETargetLabel)
			labelLine = kv.Line
		case "page_size":
			if n, ok := d.Int(kv); ok {
				if n < 1 {
					d.Diags.Errorf(d.File, kv.Line, "page_size %d must be a whole number of at least 1 (module cards per page of a section or topic list; default %d)", n, DefaultPageSize)
				} else {
					cfg.PageSize = n
				}
			}
		case "language":
			if s, ok := d.String(kv); ok {
				if !langRE.MatchString(s) {
					d.Diags.Errorf(d.File, kv.Line, "language %q is not a language code; write one such as en, nl, fr or en-GB", s)
				} else {
					cfg.Language = s
				}
			}
		case "theme":
			if s, ok := d.String(kv); ok {
				if !idRE.MatchString(s) {
					d.Diags.Errorf(d.File, kv.Line, "theme %q must be a folder name under themes/ (lowercase letters, digits and hyphens)", s)
				} else {
					cfg.Theme = s
				}
			}
		case "base_url":
			if v := kv.Value; v != nil && v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) == "" {
				break // "" or null: no base URL, relative links only
			}
			if s, ok := d.String(kv); ok {
				u, err := url.Parse(s)
				if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
					d.Diags.Errorf(d.File, kv.Line, "base_url %q must be an absolute http(s) URL such as https://cme.example.org/palliative/", s)
				} else {
					cfg.BaseURL = strings.TrimSuffix(s, "/") + "/"
				}
			}
		case "competencies":
			competencies(d, kv, &cfg.Competencies)
		case "review_interval":
			if s, ok := d.String(kv); ok {
				if iv, err := ParseInterval(s); err != nil {
					d.Diags.Errorf(d.File, kv.Line, "review_interval %q: %v", s, err)
				} else {
					cfg.ReviewInterval = iv
				}
			}
		case "organizer_pages":
			cfg.OrganizerPages, _ = d.Bool(kv)
		case "paths":
			cfg.Paths = paths(d, kv)
		case "contacts":
			cfg.Contacts = contacts(d, kv)
			cfg.contactsLine = kv.Line
		case "synonyms":
			cfg.Synonyms = synonyms(d, kv)
		default:
			if f, ok := facetOfKey(kv.Key); ok {
				vocab(d, kv, cfg.Vocab(f.Name), f.Name)
			} else {
				d.Unknown(kv, "cmesite.yaml", keys)
			}
		}
	}
}

// facetOfKey returns the facet whose vocabulary key is key ("levels").
func facetOfKey(key string) (content.Facet, bool) {
	for _, f := range content.Facets() {
		if f.Plural == key {
			return f, true
		}
	}
	return content.Facet{}, false
}

func setString(d *fields.Decoder, kv fields.KV, dst *string) {
	if s, ok := d.String(kv); ok {
		*dst = s
	}
}

func list(d *fields.Decoder, kv fields.KV, what string) []*yaml.Node {
	n := kv.Value
	if n == nil || n.Kind != yaml.SequenceNode {
		d.Diags.Errorf(d.File, kv.Line, "%s must be a list of %s", kv.Key, what)
		return nil
	}
	return n.Content
}

func vocab(d *fields.Decoder, kv fields.KV, dst *Vocabulary, name string) {
	items := list(d, kv, "entries with id, label and description")
	if items == nil {
		return
	}
	var terms []Term
	seen := map[string]bool{}
	for _, item := range items {
		var t Term
		if item.Kind == yaml.ScalarNode { // a bare id
			t.ID = item.Value
		} else {
			for _, f := range d.Mapping(item, kv.Key+" entry") {
				switch f.Key {
				case "id":
					setString(d, f, &t.ID)
				case "label":
					setString(d, f, &t.Label)
				case "description":
					setString(d, f, &t.Description)
				case "group":
					setString(d, f, &t.Group)
				default:
					d.Unknown(f, kv.Key+" entry", []string{"id", "label", "description", "group"})
				}
			}
		}
		switch {
		case t.ID == "":
			d.Errorf(item, "%s entry needs an id", kv.Key)
			continue
		case !idRE.MatchString(t.ID):
			d.Errorf(item, "%s id %q must be lowercase letters, digits and single hyphens (it becomes a URL)", kv.Key, t.ID)
			continue
		case seen[t.ID]:
			d.Errorf(item, "%s id %q appears twice", kv.Key, t.ID)
			continue
		}
		seen[t.ID] = true
		if t.Label == "" {
			t.Label = Label(t.ID)
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		d.Diags.Errorf(d.File, kv.Line, "%s must list at least one entry", kv.Key)
		return
	}
	*dst = NewVocabulary(name, terms)
}

func paths(d *fields.Decoder, kv fields.KV) []Path {
	var out []Path
	seen := map[string]bool{}
	for _, item := range list(d, kv, "learning paths (id, title, description, modules)") {
		p := Path{Line: d.Line(item)}
		for _, f := range d.Mapping(item, "path") {
			switch f.Key {
			case "id":
				setString(d, f, &p.ID)
			case "title":
				setString(d, f, &p.Title)
			case "description":
				setString(d, f, &p.Description)
			case "audience":
				if ids, ok := d.Strings(f, true); ok {
					p.Audience = ids
					n := f.Value
					for i := range ids {
						line := f.Line
						if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
							line = d.Line(n.Content[i])
						}
						p.AudienceLines = append(p.AudienceLines, line)
					}
				}
			case "modules":
				if f.Value != nil && f.Value.Kind == yaml.SequenceNode {
					for _, m := range f.Value.Content {
						if m.Kind != yaml.ScalarNode || strings.TrimSpace(m.Value) == "" {
							d.Errorf(m, "each module of a path must be a module id such as pain/opioid-titration")
							continue
						}
						p.Modules = append(p.Modules, strings.TrimSuffix(strings.Trim(strings.TrimSpace(m.Value), "/"), ".md"))
						p.ModuleLines = append(p.ModuleLines, d.Line(m))
					}
				} else {
					d.Diags.Errorf(d.File, f.Line, "modules must be a list of module ids such as pain/opioid-titration")
				}
			default:
				d.Unknown(f, "path", []string{"id", "title", "description", "audience", "modules"})
			}
		}
		switch {
		case p.ID == "" || !idRE.MatchString(p.ID):
			d.Errorf(item, "a path needs an id of lowercase letters, digits and hyphens (it becomes paths/<id>/)")
			continue
		case seen[p.ID]:
			d.Errorf(item, "path id %q appears twice", p.ID)
			continue
		case p.Title == "":
			d.Errorf(item, "path %q needs a title", p.ID)
		case len(p.Modules) == 0:
			d.Errorf(item, "path %q lists no modules", p.ID)
		}
		seen[p.ID] = true
		out = append(out, p)
	}
	return out
}

func contacts(d *fields.Decoder, kv fields.KV) []Contact {
	var out []Contact
	for _, item := range list(d, kv, "contacts (name, role, phone, hours, url, note)") {
		var c Contact
		for _, f := range d.Mapping(item, "contact") {
			switch f.Key {
			case "name":
				setString(d, f, &c.Name)
			case "role":
				setString(d, f, &c.Role)
			case "phone":
				setString(d, f, &c.Phone)
			case "hours":
				setString(d, f, &c.Hours)
			case "url":
				if s, ok := d.String(f); ok {
					if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "mailto") {
						d.Errorf(f.Value, "contact url %q must be an http(s) or mailto: address", s)
					} else {
						c.URL = s
					}
				}
			case "note":
				setString(d, f, &c.Note)
			default:
				d.Unknown(f, "contact", []string{"name", "role", "phone", "hours", "url", "note"})
			}
		}
		if c.Name == "" {
			d.Errorf(item, "a contact needs a name")
			continue
		}
		out = append(out, c)
	}
	return out
}

func synonyms(d *fields.Decoder, kv fields.KV) [][]string {
	var out [][]string
	for _, item := range list(d, kv, "synonym groups, each a list of terms") {
		terms, ok := d.Strings(fields.KV{Key: "a synonym group", Line: d.Line(item), Value: item}, false)
		if !ok {
			continue
		}
		if len(terms) < 2 {
			d.Errorf(item, "a synonym group needs at least two terms")
			continue
		}
		out = append(out, terms)
	}
	return out
}

// competencies reads the competencies vocabulary: entries like the other
// vocabularies', whose ids are the whole numbers modules write.
func competencies(d *fields.Decoder, kv fields.KV, dst *Vocabulary) {
	var v Vocabulary
	vocab(d, kv, &v, Competency)
	if v.Name == "" {
		return // reported
	}
	ok := true
	for i, t := range v.Terms {
		if n, err := strconv.Atoi(t.ID); err != nil || n < 1 || strconv.Itoa(n) != t.ID {
			line := kv.Line
			if items := kv.Value.Content; i < len(items) {
				line = d.Line(items[i])
			}
			d.Diags.Errorf(d.File, line, "competencies id %q must be a whole number from 1, the number modules write in their competencies field", t.ID)
			ok = false
		}
	}
	if ok {
		*dst = v
	}
}

// Interval is a whole number of months, written in cmesite.yaml as years
// ("3y") or months ("18m").
type Interval struct{ Months int }

// IsZero reports whether no interval is set.
func (iv Interval) IsZero() bool { return iv.Months == 0 }

// AddTo returns t plus the interval, in calendar months.
func (iv Interval) AddTo(t time.Time) time.Time { return t.AddDate(0, iv.Months, 0) }

// String writes the interval as it would be configured: "3y", "18m".
func (iv Interval) String() string {
	if iv.Months%12 == 0 {
		return strconv.Itoa(iv.Months/12) + "y"
	}
	return strconv.Itoa(iv.Months) + "m"
}

var intervalRE = regexp.MustCompile(`^([1-9][0-9]{0,2})([ym])$`)

// ParseInterval reads a review interval: a whole number of years ("2y",
// "3y") or months ("18m"), at least one.
func ParseInterval(s string) (Interval, error) {
	m := intervalRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Interval{}, errors.New("write a whole number of years or months, such as 3y, 2y or 18m")
	}
	n, _ := strconv.Atoi(m[1])
	if m[2] == "y" {
		n *= 12
	}
	return Interval{Months: n}, nil
}
