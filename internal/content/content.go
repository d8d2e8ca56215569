// Package content reads the Markdown files of a site's content/ folder: it
// finds them, splits each into frontmatter and body, and decodes the
// frontmatter strictly into a typed Front, keeping the file line of every
// field so that later stages can point at it.
//
// Frontmatter may be YAML (between --- lines), TOML (between +++ lines) or
// JSON (a {...} object whose braces stand on lines of their own). The
// splitting is github.com/adrg/frontmatter's; the decoding is ours
// (internal/fields), because the library's own YAML decoding drops unknown
// keys and positions. A UTF-8 byte-order mark and CRLF line endings are
// accepted. Nothing here writes to the content folder.
package content

import (
	"bufio"
	"bytes"
	"errors"
	"hash/maphash"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
	"unique"

	"github.com/adrg/frontmatter"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/fields"
	"gopkg.in/yaml.v3"
)

// Dir is the content folder under the site root.
const Dir = "content"

// IndexName is the file that describes a section (a folder).
const IndexName = "_index.md"

// Tree lists the files under content/.
type Tree struct {
	Markdown []string // content-relative paths of .md files, sorted
	Static   []string // other files (images, PDFs), copied to the output as they are
	Dirs     []string // every folder, "" for content/ itself
}

// Walk lists the content tree of fsys (rooted at the site root). Files and
// folders whose name is Ignored (hidden names, editors' and operating
// systems' temporary, backup and lock files) are skipped.
func Walk(fsys fs.FS) (Tree, diag.List) {
	t, diags := walk(fsys, Dir)
	sort.Strings(t.Dirs)
	sort.Strings(t.Markdown)
	sort.Strings(t.Static)
	return t, diags
}

// walk lists the tree under root, a folder of content/ (or content/
// itself), with content-relative paths, unsorted.
func walk(fsys fs.FS, root string) (Tree, diag.List) {
	var t Tree
	var diags diag.List
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == Dir && errors.Is(err, fs.ErrNotExist) {
				diags.Errorf(Dir, 0, "no content folder; create content/ with Markdown modules (cmesite new SECTION/SLUG scaffolds one)")
				return fs.SkipAll
			}
			diags.Errorf(p, 0, "cannot read: %v", err)
			return nil
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, Dir), "/")
		name := d.Name()
		if rel != "" && Ignored(name) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
			t.Dirs = append(t.Dirs, rel)
		case strings.HasSuffix(name, ".md"):
			t.Markdown = append(t.Markdown, rel)
		case d.Type().IsRegular():
			t.Static = append(t.Static, rel)
		}
		return nil
	})
	if err != nil {
		diags.Errorf(root, 0, "cannot read: %v", err)
	}
	return t, diags
}

// Update brings t, a Walk of fsys, up to date with the content-relative
// paths that changed (files created, written or removed; folders created
// or removed, with everything in them), reading only those, and returns
// the files that came, and the files and folders that went. ok is false when a folder could not be
// read: then only a new Walk gives what Walk would report.
func (t *Tree) Update(fsys fs.FS, changed []string) (added, removed []string, ok bool) {
	had := func(p string) bool { return has(t.Markdown, p) || has(t.Static, p) }
	for _, rel := range changed {
		if rel == "" || hidden(rel) {
			continue
		}
		var gone []string
		for _, list := range []*[]string{&t.Markdown, &t.Static, &t.Dirs} {
			gone = append(gone, cut(list, rel)...)
		}
		fi, err := fs.Stat(fsys, path.Join(Dir, rel))
		var now Tree
		switch {
		case err != nil:
		case fi.IsDir():
			var diags diag.List
			if now, diags = walk(fsys, path.Join(Dir, rel)); len(diags) > 0 {
				return nil, nil, false
			}
		case strings.HasSuffix(rel, ".md"):
			now.Markdown = []string{rel}
		case fi.Mode().IsRegular():
			now.Static = []string{rel}
		}
		came := map[string]bool{}
		for _, p := range slices.Concat(now.Markdown, now.Static, now.Dirs) {
			came[p] = true
		}
		for _, p := range gone {
			if !came[p] {
				removed = append(removed, p) // files, and folders
			}
		}
		for _, p := range slices.Concat(now.Markdown, now.Static) {
			if !slices.Contains(gone, p) && !had(p) {
				added = append(added, p)
			}
		}
		insert(&t.Markdown, now.Markdown...)
		insert(&t.Static, now.Static...)
		insert(&t.Dirs, now.Dirs...)
	}
	return added, removed, true
}

// hidden reports whether a content-relative path lies in or is a file or
// folder that Walk skips.
func hidden(rel string) bool {
	for name := range strings.SplitSeq(rel, "/") {
		if Ignored(name) {
			return true
		}
	}
	return false
}

// has reports whether the sorted list holds p.
func has(list []string, p string) bool {
	_, ok := slices.BinarySearch(list, p)
	return ok
}

// cut removes p, and every path under p, from a sorted list and returns
// what it removed.
func cut(list *[]string, p string) []string {
	var out []string
	if i, ok := slices.BinarySearch(*list, p); ok {
		out = append(out, p)
		*list = slices.Delete(*list, i, i+1)
	}
	lo, _ := slices.BinarySearch(*list, p+"/")
	hi := lo
	for hi < len(*list) && strings.HasPrefix((*list)[hi], p+"/") {
		hi++
	}
	out = append(out, (*list)[lo:hi]...)
	*list = slices.Delete(*list, lo, hi)
	return out
}

// insert adds paths to a sorted list.
func insert(list *[]string, paths ...string) {
	for _, p := range paths {
		if i, ok := slices.BinarySearch(*list, p); !ok {
			*list = slices.Insert(*list, i, p)
		}
	}
}

// Ignored reports whether a file or folder name (one path element) is not
// part of the site: Walk skips it (and everything inside an ignored folder),
// so the build neither reads nor publishes it, a theme's files are read
// without it, and cmesite serve neither watches nor reports it. It is the one
// list of these names; the build and the watcher use nothing else:
//
//   - "" and names starting with "." (.git, .idea, .DS_Store, emacs locks
//     .#foo.md, GNOME's .goutputstream-XXXXXX, vim's .foo.md.swp);
//   - names starting with "#" (emacs auto-saves #foo.md#; such a name would
//     also start a URL fragment);
//   - *~ (vim and emacs backups) and ~$* (Microsoft Office locks);
//   - names holding "___jb_" (JetBrains safe-write foo.md___jb_tmp___ and
//     foo.md___jb_old___);
//   - *.swp, *.swo, *.swn, *.swx (vim swap files) and *.tmp, in any case;
//   - vim's write probe "4913" and the 4913+123k names vim tries after it;
//   - Thumbs.db and desktop.ini (Windows), in any case.
func Ignored(name string) bool {
	if name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") ||
		strings.HasSuffix(name, "~") || strings.HasPrefix(name, "~$") || strings.Contains(name, "___jb_") {
		return true
	}
	switch strings.ToLower(name) {
	case "thumbs.db", "desktop.ini":
		return true
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".swp", ".swo", ".swn", ".swx", ".tmp":
		return true
	}
	return isVimProbe(name)
}

// isVimProbe reports whether name is one of the files vim creates to test
// whether it may write in a folder: "4913", or 4913+123k if that exists.
func isVimProbe(name string) bool {
	if len(name) < 4 || len(name) > 9 || name[0] < '1' || name[0] > '9' {
		return false
	}
	n, err := strconv.Atoi(name)
	return err == nil && n >= 4913 && (n-4913)%123 == 0
}

// Author is a module author.
type Author struct {
	Name string
	Role string
}

// Front is a decoded frontmatter. Zero values mean "not given"; the Has*
// fields tell the absent from the zero where that matters.
type Front struct {
	Title         string
	Level         string
	Topics        []string
	Audience      []string
	Summary       string
	Objectives    []string
	Minutes       int
	Credits       float64
	Format        string
	Prerequisites []string
	Keywords      []string
	Authors       []Author
	Reviewed      time.Time
	ReviewBy      time.Time
	Disclosures   []string
	Competencies  []int
	References    []string
	Weight        int
	Draft         bool
	// HasCredits and HasDiscl say that credits and disclosures were
	// given (as 0 and as an empty list count). The three flags sit
	// together: apart, each took 8 bytes, and a large site keeps a Front
	// per module.
	HasCredits bool
	HasDiscl   bool
	// Aliases are the module's old ids ("old-section/old-slug"), each of
	// which gets a page that redirects to the module; AliasLines are their
	// file lines.
	Aliases    []string
	AliasLines []int
	// lines holds the file line of every field present (by fieldIndex),
	// and at 0 the line of the frontmatter's opening delimiter.
	lines [len(allFields) + 1]int32
}

// allFields are the keys of ModuleFields and SectionFields: the module's,
// then the one only sections have.
var allFields = [...]string{"title", "level", "topics", "audience", "summary", "objectives", "duration",
	"credits", "format", "prerequisites", "keywords", "authors", "reviewed", "review_by", "disclosures",
	"competencies", "references", "weight", "draft", "aliases", "description"}

var fieldIndex = func() map[string]int {
	m := make(map[string]int, len(allFields))
	for i, k := range allFields {
		m[k] = i + 1
	}
	return m
}()

// Line returns the line of field key, or of the frontmatter when the
// field is absent.
func (f *Front) Line(key string) int {
	if l := f.lines[fieldIndex[key]]; l > 0 {
		return int(l)
	}
	return int(f.lines[0])
}

// Has reports whether the frontmatter gives field key.
func (f *Front) Has(key string) bool {
	i := fieldIndex[key]
	return i > 0 && f.lines[i] > 0
}

func (f *Front) setLine(key string, line int) { f.lines[fieldIndex[key]] = int32(line) }

// Doc is one parsed Markdown file.
type Doc struct {
	Path     string // content-relative, "pain/opioids.md"
	File     string // site-root-relative, "content/pain/opioids.md"
	Section  bool   // an _index.md
	Front    Front
	Body     []byte // the Markdown after the frontmatter, LF line endings
	BodyLine int    // file line on which Body starts
	// Lead is the body's first line of text as written (not a heading,
	// Markdown not rendered), at most 300 bytes: for a theme that shows a
	// taste of a module in lists. Body itself is not kept by a one-off
	// build once the module's page is made; Lead is.
	Lead string
	Hash uint64 // of the file's bytes, for incremental rebuilds
	// FrontHash is the hash of the bytes before the body (the frontmatter
	// and its delimiters): equal FrontHash, equal Front and diagnostics.
	FrontHash uint64
	Diags     diag.List

	bodyLen int // len(Body) as parsed, for BodyOf
}

// BodyOf returns the body of the file whose bytes are data, which Parse
// made d of, for a build that drops bodies after parsing and reads the
// files again to render them; false when data is not those bytes (the
// file changed since).
func (d *Doc) BodyOf(data []byte) ([]byte, bool) {
	if HashBytes(data) != d.Hash {
		return nil, false
	}
	data = normalize(data)
	return data[len(data)-d.bodyLen:], true
}

// normalize drops a byte order mark and makes line endings LF.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if bytes.Contains(data, []byte("\r")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	return data
}

// Placeholder starts every text that `cmesite new` leaves for the author
// to replace ("REPLACE: the key message for a GP ..."). A line that still
// holds it is a warning at that line, so `check --strict` fails until
// every one is replaced. It is written in capitals with a colon so that
// no real module says it by chance.
const Placeholder = "REPLACE:"

// placeholders warns at each line of data (the whole file) that holds
// Placeholder.
func placeholders(doc *Doc, data []byte) {
	if !bytes.Contains(data, []byte(Placeholder)) {
		return
	}
	n := 0
	for line := range bytes.Lines(data) {
		n++
		i := bytes.Index(line, []byte(Placeholder))
		if i < 0 {
			continue
		}
		text := strings.TrimSpace(string(line[i:]))
		text = strings.TrimRight(text, `"'|`)
		if r := []rune(text); len(r) > 60 {
			text = string(r[:60]) + "…"
		}
		doc.Diags.Warnf(doc.File, n, "scaffold placeholder %q is still in the module; replace it with your own text", strings.TrimSpace(text))
	}
}

// ModuleFields are the frontmatter keys of a module.
var ModuleFields = allFields[: len(allFields)-1 : len(allFields)-1] // capped: appending never touches allFields

// SectionFields are the frontmatter keys of a section's _index.md.
// "description" is accepted as another name for summary, as other
// generators call it.
var SectionFields = []string{"title", "summary", "description", "weight", "draft"}

var seed = maphash.MakeSeed()

// HashBytes is the hash Doc.Hash uses; stable within one process.
func HashBytes(b []byte) uint64 { return maphash.Bytes(seed, b) }

// Parse splits and decodes one Markdown file. It never fails: problems are
// in the returned Doc's Diags.
func Parse(contentPath string, data []byte) *Doc {
	doc := new(Doc)
	ParseInto(doc, contentPath, data)
	return doc
}

// ParseInto is Parse into doc, which it overwrites.
func ParseInto(doc *Doc, contentPath string, data []byte) {
	*doc = Doc{
		Path:    contentPath,
		File:    path.Join(Dir, contentPath),
		Section: path.Base(contentPath) == IndexName,
		Hash:    HashBytes(data),
	}
	doc.Front.lines[0] = 1
	errorf := func(line int, format string, args ...any) { doc.Diags.Errorf(doc.File, line, format, args...) }

	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		errorf(line, "not UTF-8 text (first bad byte on this line); save the file as UTF-8")
		return
	}
	data = normalize(data)
	if len(bytes.TrimSpace(data)) == 0 {
		if doc.Section {
			errorf(1, "empty file; a section's _index.md needs frontmatter with at least a title")
		} else {
			errorf(1, "empty file; a module needs frontmatter with title, level, topics, audience and summary (cmesite new scaffolds one)")
		}
		return
	}

	var raw rawFront
	src := &frontReader{data: data, raw: &raw}
	// The splitter wraps what it reads in a bufio.Reader unless it is
	// given one: a pooled one saves a 4 KB buffer per file.
	br := lineReaders.Get().(*bufio.Reader)
	br.Reset(src)
	rest, err := frontmatter.Parse(br, &raw, formats...)
	br.Reset(nil)
	lineReaders.Put(br)
	if err != nil { // the unmarshal functions only record; this is a read error
		errorf(1, "cannot split frontmatter: %v", err)
		return
	}
	// rest is the tail of what the splitter read, which ends soon after
	// the frontmatter (frontReader).
	prefix := data[:src.n-len(rest)]
	doc.FrontHash = HashBytes(prefix)
	doc.BodyLine = 1 + bytes.Count(prefix, []byte("\n"))
	// The body is the tail of the file: slice it out of data rather than
	// keep the splitter's copy, which has room to spare.
	doc.Body = data[len(prefix):]
	doc.Lead = lead(doc.Body)
	doc.bodyLen = len(doc.Body)
	start := openingLine(data)
	doc.Front.lines[0] = int32(start)

	if raw.syntax == "" {
		// No frontmatter found: either none was written, or it never ends.
		if delim := openingDelim(data); delim != "" {
			errorf(start, "frontmatter opened with %q is never closed; end it with a line holding only %q", delim, closingDelim(delim))
		} else if doc.Section {
			errorf(1, "no frontmatter; start the file with a --- line, then title: ..., then a --- line")
		} else {
			errorf(1, "no frontmatter; start the file with a --- line, then title, level, topics, audience and summary, then a --- line")
		}
		doc.Body, doc.BodyLine = data, 1
		doc.Lead = lead(doc.Body)
		doc.bodyLen = len(doc.Body)
		return
	}
	offset := start // YAML/TOML data starts on the line after the delimiter
	if raw.syntax == fields.JSON {
		offset = start - 1 // JSON data includes its braces
	}
	// The tree is decoded into doc.Front and not kept (fields.Decode).
	se := fields.Decode(raw.syntax, raw.data, func(node *yaml.Node) {
		placeholders(doc, data)
		if node == nil {
			errorf(start, "the frontmatter is empty; it needs at least a title")
			return
		}
		decodeFront(&fields.Decoder{File: doc.File, Offset: offset, Diags: &doc.Diags}, node, doc)
	})
	if se != nil {
		line := start
		if se.Line > 0 {
			line = se.Line + offset
		}
		errorf(line, "%s in frontmatter", se.Error())
	}
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// frontReader gives the splitter the file's bytes until it has recorded
// the frontmatter, then reports the end: the splitter would otherwise
// copy the whole body into a buffer of its own, which cmesite does not
// use (the body is sliced out of the file's bytes). It gives a line at a
// time, so that the splitter's read-ahead holds nothing past the line it
// reads: the frontmatter is all it copies. n counts the bytes given.
type frontReader struct {
	data []byte
	n    int
	raw  *rawFront
}

func (r *frontReader) Read(p []byte) (int, error) {
	if r.raw.syntax != "" || r.n == len(r.data) {
		return 0, io.EOF
	}
	rest := r.data[r.n:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i+1]
	}
	k := copy(p, rest)
	r.n += k
	return k, nil
}

// lineReaders are the bufio.Readers Parse hands the splitter, of the size
// it would make (bufio.NewReader returns a Reader at least that large as
// it is).
var lineReaders = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// rawFront records what the splitter found; decoding happens afterwards so
// it can be positioned.
type rawFront struct {
	syntax fields.Syntax
	data   []byte
}

func recorder(syntax fields.Syntax) frontmatter.UnmarshalFunc {
	return func(data []byte, v any) error {
		r := v.(*rawFront)
		// data is in the splitter's own buffer of this file, which it
		// writes no more: kept as it is, not copied.
		r.syntax, r.data = syntax, data
		return nil
	}
}

var formats = []*frontmatter.Format{
	frontmatter.NewFormat("---", "---", recorder(fields.YAML)),
	frontmatter.NewFormat("+++", "+++", recorder(fields.TOML)),
	{Start: "{", End: "}", Unmarshal: recorder(fields.JSON), UnmarshalDelims: true, RequiresNewLine: true},
}

// openingLine is the line of the first non-blank line (where the splitter
// looks for a delimiter).
func openingLine(data []byte) int {
	_, n := firstNonBlank(data)
	return n
}

func openingDelim(data []byte) string {
	line, _ := firstNonBlank(data)
	first := strings.TrimSpace(string(line))
	switch first {
	case "---", "+++", "{":
		return first
	}
	return ""
}

func closingDelim(open string) string {
	if open == "{" {
		return "}"
	}
	return open
}

// firstNonBlank returns the first line with more than white space and its
// number; nil and 1 when there is none.
func firstNonBlank(data []byte) ([]byte, int) {
	for n := 1; len(data) > 0; n++ {
		l, rest, _ := bytes.Cut(data, []byte("\n"))
		if len(bytes.TrimSpace(l)) > 0 {
			return l, n
		}
		data = rest
	}
	return nil, 1
}

func decodeFront(d *fields.Decoder, node *yaml.Node, doc *Doc) {
	f := &doc.Front
	known := ModuleFields
	what := "module"
	if doc.Section {
		known, what = SectionFields, "section"
	}
	for _, kv := range d.Mapping(node, "frontmatter") {
		if !slices.Contains(known, kv.Key) {
			if doc.Section && slices.Contains(ModuleFields, kv.Key) {
				d.Diags.Warnf(d.File, kv.Line, "%q is a module field and is ignored in a section's _index.md; section fields: %s", kv.Key, strings.Join(SectionFields, ", "))
			} else {
				d.Unknown(kv, what, known)
			}
			continue
		}
		f.setLine(kv.Key, kv.Line)
		switch kv.Key {
		case "title":
			f.Title, _ = d.String(kv)
		case "level":
			f.Level, _ = d.String(kv)
		case "summary", "description":
			f.Summary, _ = d.String(kv)
		case "format":
			f.Format, _ = d.String(kv)
		case "topics":
			f.Topics, _ = d.Strings(kv, true)
		case "audience":
			f.Audience, _ = d.Strings(kv, true)
		case "objectives":
			f.Objectives, _ = d.Strings(kv, true)
		case "prerequisites":
			f.Prerequisites, _ = d.Strings(kv, true)
		case "keywords":
			f.Keywords, _ = d.Strings(kv, true)
		case "references":
			f.References, _ = d.Strings(kv, true)
		case "disclosures":
			f.Disclosures, f.HasDiscl = d.Strings(kv, true)
		case "authors":
			f.Authors = authors(d, kv)
		case "duration":
			f.Minutes, _ = d.Minutes(kv)
		case "credits":
			if v, ok := d.Float(kv); ok {
				if v < 0 {
					d.Errorf(kv.Value, "credits must be 0 or more, found %v", v)
				} else {
					f.Credits, f.HasCredits = v, true
				}
			}
		case "reviewed":
			f.Reviewed, _ = d.Date(kv)
		case "review_by":
			f.ReviewBy, _ = d.Date(kv)
		case "competencies":
			if cs, ok := d.Ints(kv); ok {
				for _, c := range cs {
					if c < 1 {
						d.Errorf(kv.Value, "competencies are numbered from 1 (the ids of the site's competencies vocabulary, by default the ten EAPC core competencies); found %d", c)
						ok = false
					}
				}
				if ok {
					f.Competencies = cs
				}
			}
		case "aliases":
			aliases(d, kv, f)
		case "weight":
			f.Weight, _ = d.Int(kv)
		case "draft":
			f.Draft, _ = d.Bool(kv)
		}
	}
	f.intern()
	required := []string{"title", "level", "topics", "audience", "summary"}
	if doc.Section {
		required = []string{"title"}
	}
	for _, k := range required {
		if !f.Has(k) {
			doc.Diags.Errorf(doc.File, f.Line(""), "missing required field %q; a %s needs %s", k, what, strings.Join(required, ", "))
		}
	}
	if !f.Reviewed.IsZero() && !f.ReviewBy.IsZero() && !f.ReviewBy.After(f.Reviewed) {
		doc.Diags.Errorf(doc.File, f.Line("review_by"), "review_by %s must be after reviewed %s",
			f.ReviewBy.Format(time.DateOnly), f.Reviewed.Format(time.DateOnly))
	}
}

// intern makes the texts that modules share (vocabulary ids, authors,
// references, objectives, keywords, prerequisites) the same string in
// every module that gives them, instead of a copy per file: a large
// site's build keeps every module's frontmatter. unique keeps no text
// that no module holds any more.
func (f *Front) intern() {
	f.Level, f.Format = internString(f.Level), internString(f.Format)
	for _, l := range [][]string{f.Topics, f.Audience, f.Objectives, f.Prerequisites, f.Keywords, f.References, f.Disclosures} {
		for i, s := range l {
			l[i] = internString(s)
		}
	}
	for i := range f.Authors {
		a := &f.Authors[i]
		a.Name, a.Role = internString(a.Name), internString(a.Role)
	}
}

func internString(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

func authors(d *fields.Decoder, kv fields.KV) []Author {
	n := kv.Value
	if n != nil && n.Kind == yaml.ScalarNode {
		if s, ok := d.String(kv); ok {
			return []Author{{Name: s}}
		}
		return nil
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		d.Diags.Errorf(d.File, kv.Line, "authors must be a list of names (\"Dr A. Example (GP)\") or of name/role pairs")
		return nil
	}
	var out []Author
	for _, item := range n.Content {
		switch item.Kind {
		case yaml.ScalarNode:
			if s := strings.TrimSpace(item.Value); s != "" {
				out = append(out, Author{Name: s})
				continue
			}
		case yaml.MappingNode:
			var a Author
			for _, f := range d.Mapping(item, "author") {
				switch f.Key {
				case "name":
					a.Name, _ = d.String(f)
				case "role":
					a.Role, _ = d.String(f)
				default:
					d.Unknown(f, "author", []string{"name", "role"})
				}
			}
			if a.Name != "" {
				out = append(out, a)
				continue
			}
		}
		d.Errorf(item, "each author must be a name or a mapping with name and role")
	}
	return out
}

// lead is the first line of body that holds text and is not a heading,
// without quote markers, cut to at most 300 bytes at a rune boundary.
func lead(body []byte) string {
	for line := range bytes.Lines(body) {
		line = bytes.TrimSpace(line)
		for bytes.HasPrefix(line, []byte(">")) {
			line = bytes.TrimSpace(line[1:])
		}
		if len(line) == 0 || line[0] == '#' || bytes.HasPrefix(line, []byte("[!")) {
			continue
		}
		if len(line) > 300 {
			n := 300
			for n > 0 && !utf8.RuneStart(line[n]) {
				n--
			}
			line = line[:n]
		}
		return string(line)
	}
	return ""
}

// aliases reads the old ids of a module: content paths without ".md"
// ("old-section/old-slug"), whose pages redirect to the module. A leading
// or trailing "/" and a trailing ".md" or "/index.html" are dropped; an
// alias must be a relative path of plain names.
func aliases(d *fields.Decoder, kv fields.KV, f *Front) {
	ids, ok := d.Strings(kv, true)
	if !ok {
		return
	}
	var items []*yaml.Node
	if kv.Value != nil && kv.Value.Kind == yaml.SequenceNode {
		items = kv.Value.Content
	}
	for i, a := range ids {
		line := kv.Line
		if i < len(items) && d.Line(items[i]) > 0 {
			line = d.Line(items[i])
		}
		id := strings.TrimSuffix(strings.TrimSuffix(strings.Trim(a, "/"), "/index.html"), ".md")
		id = strings.Trim(id, "/")
		if !validAlias(id) {
			d.Diags.Errorf(d.File, line, "alias %q must be an old module id: a path such as old-section/old-slug, without a scheme, \"..\", \"?\" or \"#\"", a)
			continue
		}
		f.Aliases = append(f.Aliases, id)
		f.AliasLines = append(f.AliasLines, line)
	}
}

func validAlias(id string) bool {
	if id == "" || strings.ContainsAny(id, "?#\\:%<>\"") || strings.ContainsFunc(id, unicode.IsSpace) {
		return false
	}
	for _, seg := range strings.Split(id, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return true
}
