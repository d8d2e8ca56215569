// Package markdown turns the Markdown body of one CME module into HTML and,
// in the same pass, collects what the site builder needs to know about it.
//
// It holds the one goldmark configuration of the project and its
// extensions. It knows nothing of templates or of the curriculum.
//
// Contract:
//
//   - A Renderer is built once (New) and is safe for concurrent use: the
//     builder calls Render for many modules at once. All per-document state
//     lives in the goldmark parser.Context of that call.
//   - Render never fails and never panics on input: problems a user can cause
//     are returned as Diagnostics at real file lines (Input.FirstLine):
//     errors for an unknown callout kind (with a did-you-mean) and for a link
//     that leaves content/; warnings for a callout marker with text after it
//     on its line, a site-absolute link to a .md file ("/pain/x.md") and a
//     custom heading id used twice.
//   - Raw HTML in Markdown is never rendered (goldmark replaces it with an
//     HTML comment), so "<script" written in a module never reaches a page.
//   - Relative links and images are rewritten for pretty URLs: content file
//     "pain/opioids.md" is served at "pain/opioids/" (see URLFor), so a link
//     to "breathlessness.md" written in it becomes "../breathlessness/".
//     Every relative link is reported in Result.Links with its file line,
//     so the builder can report broken ones.
//   - Result.Headings, Result.Sections (plain text for search, split at h2
//     and h3 headings, callouts as their own items) and Result.Callouts are
//     collected in the single walk that also rewrites links, turns
//     GitHub-style alerts ("> [!KEY POINTS]") into <aside> callouts and wraps
//     tables in <div class="table-wrap">.
//   - A Result is the caller's to keep, except from RenderTransient: its
//     HTML and its Sections' texts are the Renderer's buffers, lent until
//     the caller's done.
package markdown

import (
	"bytes"
	"path"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/cmesite/cmesite/internal/diag"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configures a Renderer.
type Options struct {
	// CalloutLabels maps a callout kind ("KEY POINTS", "NOTE", ...; case and
	// spacing as in Markdown do not matter) to the title shown above the
	// callout, so a theme can translate them: the theme's string of each
	// CalloutKinds Key. Kinds that are missing or map to "" get their
	// English Label ("Key points", "Note", ...).
	CalloutLabels map[string]string
	// CallTheTeamHTML is trusted HTML written at the end of every CALL THE
	// TEAM callout, inside its <aside>: the site's contacts as tap-to-call
	// buttons. Empty (no contacts) adds nothing.
	CallTheTeamHTML string
}

// Input is one module body to render.
type Input struct {
	// Source is the Markdown body, frontmatter already removed. A leading
	// UTF-8 byte order mark is ignored and CRLF line ends render exactly
	// like LF ones.
	Source []byte
	// File names the file in diagnostics: slash-separated and relative to
	// the site root, e.g. "content/pain/opioids.md".
	File string
	// Path is the file's path relative to content/, e.g. "pain/opioids.md"
	// or "pain/_index.md". Relative links are resolved against it.
	Path string
	// FirstLine is the file line on which Source starts (the frontmatter
	// lines precede it), so positions name real file lines. 0 means 1.
	FirstLine int
	// CalloutsAt, when set, asks Render for the body's top-level callouts
	// too, as Callouts gives them for that page, from the same parse
	// (Result.Shown).
	CalloutsAt *ShownAt
}

// ShownAt is a page that shows a body's callouts apart from the body
// (Callouts).
type ShownAt struct {
	URL      string // the page's URL: relative links are written for it
	IDPrefix string // put before the callouts' ids
}

// Result is everything Render learned about one body.
type Result struct {
	// HTML is the rendered body, "" for an empty body. A string: a site
	// keeps it as a template.HTML until its page is made, without a
	// second copy.
	HTML string
	// Headings lists every heading in document order.
	Headings []Heading
	// Links lists every relative link and image in document order (links in
	// footnotes last, where the footnotes are rendered). Absolute URLs
	// ("https:", "mailto:", "/x") and links that leave content/ (reported as
	// diagnostics instead) are not listed.
	Links []Link
	// External lists every absolute http(s) link and image of the body
	// (autolinks included), in document order, for cmesite check
	// --external.
	External []External
	// Sections is the plain text of the body for search, split at h2 and h3
	// headings. Text before the first such heading is a Section with an
	// empty Anchor (left out when it is empty). Each callout is its own
	// Section (left out when it has no text), placed after the Section that
	// encloses it.
	Sections []Section
	// Callouts lists the kind of every callout, in document order
	// (repeated kinds repeat).
	Callouts []string
	// Shown are the top-level callouts rendered for Input.CalloutsAt, nil
	// without it.
	Shown []Callout
	// Diagnostics are problems in the body, positioned at file lines.
	Diagnostics diag.List
}

// Heading is one heading of the body.
type Heading struct {
	Level int // 1 to 6
	// ID is the id attribute: {#custom} when given, else made from Text
	// the way GitHub does ("Übelkeit & Erbrechen" -> "übelkeit--erbrechen");
	// the same text always gives the same id, repeats get "-1", "-2".
	ID   string
	Text string // plain text: no markup, entities decoded
	Line int    // file line
}

// Link is one relative link or image of the body.
type Link struct {
	// Line is the file line on which the link starts.
	Line int
	// Target is the linked file as a cleaned path relative to content/,
	// e.g. "opioids/titration.md" or "pain/diagram.png", percent-escapes
	// decoded. A link to a folder ("../", "pain/") targets its "_index.md".
	// Target is "" for a same-page link ("#frag").
	Target string
	// Fragment is the part after "#", as written, without the "#".
	Fragment string
	// Raw is the destination as written in the Markdown.
	Raw string
	// Image is true for an image (![alt](src)), false for a link.
	Image bool
}

// External is one absolute http(s) link or image of the body.
type External struct {
	Line int    // the file line on which the link starts
	URL  string // as written
}

// Section is a piece of the body's text for the search index.
type Section struct {
	// Anchor is the id of the h2/h3 heading that starts the section (for a
	// callout: of the heading that encloses it); "" before the first one.
	Anchor string
	// Heading is that heading's plain text.
	Heading string
	// Text is the plain text: no tags, entities decoded, code included,
	// footnote markers and callout titles left out. Blocks are separated by
	// "\n".
	Text string
	// Callout is the callout kind when this Section is a callout, else "".
	Callout string
}

// Renderer renders module bodies. It is safe for concurrent use.
type Renderer struct {
	parser parser.Parser
	// noLinkify is parser without GFM's bare links (mayLink).
	noLinkify parser.Parser
	renderer  renderer.Renderer
	labels    []string // the title of each kind, by index in calloutKinds
}

// New returns a Renderer configured for cmesite.
func New(opts Options) *Renderer { return newRenderer(opts, linkRefs{}) }

// newRenderer is New with refs as the transformer that reads link
// reference definitions out of paragraphs (a test gives goldmark's own).
func newRenderer(opts Options, refs parser.ParagraphTransformer) *Renderer {
	labels := make([]string, len(calloutKinds))
	for i, k := range calloutKinds {
		labels[i] = k.Label
	}
	for k, v := range opts.CalloutLabels {
		if i := kindIndex(normaliseKind([]byte(k))); i >= 0 && v != "" {
			labels[i] = v
		}
	}
	md := newGoldmark(opts, refs, extension.Linkify)
	return &Renderer{parser: md.Parser(), noLinkify: newGoldmark(opts, refs).Parser(), renderer: md.Renderer(), labels: labels}
}

// newGoldmark is cmesite's Markdown, with refs reading link reference
// definitions; linkify is GFM's bare links, or none for a parser without
// them (the rest of GFM is always there).
func newGoldmark(opts Options, refs parser.ParagraphTransformer, linkify ...goldmark.Extender) goldmark.Markdown {
	return goldmark.New(
		// goldmark's default parser (goldmark.DefaultParser), with refs.
		goldmark.WithParser(parser.NewParser(
			parser.WithBlockParsers(parser.DefaultBlockParsers()...),
			parser.WithInlineParsers(parser.DefaultInlineParsers()...),
			parser.WithParagraphTransformers(util.Prioritized(refs, 100)),
		)),
		goldmark.WithExtensions(linkify...),
		goldmark.WithExtensions(
			// GFM: tables, task lists, ~~strikethrough~~ and bare URLs as
			// links (linkify), the Markdown dialect authors know from
			// GitHub.
			extension.Table, extension.Strikethrough, extension.TaskList,
			// Footnotes[^1] for references, the usual way to cite guidance.
			extension.Footnote,
			// Term / : definition lists, for glossaries of drugs and terms.
			extension.DefinitionList,
			// Typographer: curly quotes, dashes and ellipses, so pages read
			// like print.
			extension.Typographer,
			// Ours: callouts, link rewriting, table wrappers, and the one
			// walk that collects headings, links and search text.
			cmeExtension{callTeamHTML: opts.CallTheTeamHTML},
		),
		goldmark.WithParserOptions(
			// "## Heading {#custom-id}" keeps an id stable when the heading
			// text changes and other pages link to it. Every other heading
			// gets a stable id from the walk (same text, same id;
			// duplicates get -1, -2), so the theme can build a table of
			// contents and links can point at sections: not from goldmark's
			// WithAutoHeadingID, which gives every heading a list of ten
			// attributes for its id (380 MB at 100,000 modules), while
			// renderHeading writes it from outBuf.ids.
			parser.WithAttribute(),
		),
		// No html.WithUnsafe(): raw HTML in Markdown is replaced by a
		// comment, so authors cannot inject scripts or break the layout.
	)
}

// linkRefs is goldmark's LinkReferenceParagraphTransformer for the
// paragraphs that can start with a link reference definition ("[label]:
// destination", after any blank): it makes a block reader for every
// paragraph it is given, which came to 4% of what a large site's build
// allocates, nearly all of it for paragraphs of prose.
type linkRefs struct{}

func (linkRefs) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	src := reader.Source()
	for i := range lines.Len() {
		seg := lines.At(i)
		// goldmark skips blanks, across lines, before it looks for "[".
		for _, c := range seg.Value(src) {
			if !util.IsSpace(c) {
				if c == '[' {
					parser.LinkReferenceParagraphTransformer.Transform(node, reader, pc)
				}
				return
			}
		}
	}
	parser.LinkReferenceParagraphTransformer.Transform(node, reader, pc)
}

// mayLink reports whether src needs the parser with GFM's bare links.
// That parser is asked at every space of every line; it makes a link
// only of "http://", "https://" or "ftp://" followed by more, of "www."
// followed by more, or of an e-mail address, so a body with no "://", no
// "www." and no "@" is parsed without it, in about a quarter less time
// (most bodies: prose with no bare address in it). To the same HTML but
// for one thing: being asked splits a line's text at each space, and of
// a line ending in two or more spaces or tabs goldmark then trims only
// the last ("a  \n" is "a \n" with it, "a\n" without); such a body keeps
// the parser with bare links, so that its page is the same either way.
func mayLink(src []byte) bool {
	return bytes.Contains(src, []byte("://")) || bytes.Contains(src, []byte("www.")) || bytes.IndexByte(src, '@') >= 0 ||
		trailingSpaces(src)
}

// trailingSpaces reports whether a line of src ends in two or more
// spaces or tabs (or vertical tabs, form feeds or lone carriage returns:
// what goldmark trims as spaces, util.IsSpace).
func trailingSpaces(src []byte) bool {
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if n := len(line); n >= 2 && util.IsSpace(line[n-1]) && util.IsSpace(line[n-2]) {
			return true
		}
	}
	return false
}

// Render converts one body. It never fails: problems are in
// Result.Diagnostics.
func (r *Renderer) Render(in Input) Result {
	st := statePool.Get().(*docState)
	res := r.render(in, st, false)
	st.release()
	return res
}

// RenderTransient is Render for a caller done with the result's HTML and
// its Sections' texts before it calls done: they are not copied out of
// the buffers the Renderer reuses, and change once done is called. A
// one-off build of a large site shows each body and indexes its text at
// once, and allocates the two copies (as much again as its Markdown)
// for nothing. Everything else in the result is the caller's to keep.
func (r *Renderer) RenderTransient(in Input) (res Result, done func()) {
	st := statePool.Get().(*docState)
	return r.render(in, st, true), st.release
}

// render is Render and RenderTransient, with st taken from the pool; the
// caller gives st back.
func (r *Renderer) render(in Input, st *docState, transient bool) (res Result) {
	src := normaliseSource(in.Source)
	st.reset(r, in, src, &res)
	st.transient = transient
	defer func() {
		if p := recover(); p != nil {
			// A bug in goldmark or in this package, not in the module: keep
			// the build going and say so at the file.
			res = Result{}
			res.Diagnostics.Errorf(in.File, 0, "internal error rendering Markdown (please report this with the file): %v", p)
		}
	}()
	pc := parser.NewContext(parser.WithIDs(&st.ids))
	pc.Set(stateKey, st)
	p := r.noLinkify
	if mayLink(src) {
		p = r.parser
	}
	doc := p.Parse(text.NewReader(src), parser.WithContext(pc))
	if err := r.renderer.Render(&st.out, src, doc); err != nil {
		res.Diagnostics.Errorf(in.File, 0, "rendering Markdown: %v", err)
	}
	res.HTML = st.asString(st.out.b)
	if at := in.CalloutsAt; at != nil {
		res.Shown = st.shown(doc, at.URL)
	}
	return res
}

// asString is b as a string: a copy, or b's own bytes for RenderTransient.
func (st *docState) asString(b []byte) string {
	if st.transient {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(b)
}

// shown renders the top-level callouts of doc, whose page is rendered,
// again for the page at url: every relative link is rewritten for that
// page, and each callout takes the id made for it with the prefix
// (walker.Transform).
func (st *docState) shown(doc ast.Node, url string) []Callout {
	for _, l := range st.relLinks {
		*l.dest = l.r.rewrite(url, &st.scratch)
	}
	for i, c := range st.calloutNodes {
		c.id = st.shownIDs[i]
		c.title.id = c.id
	}
	var out []Callout
	buf := outBuf{ids: st.out.ids}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		c, ok := n.(*callout)
		if !ok {
			continue
		}
		buf.b = buf.b[:0]
		if err := st.r.renderer.Render(&buf, st.src, c); err != nil {
			continue
		}
		out = append(out, Callout{Kind: calloutKinds[c.kind].Name, HTML: bytes.Clone(buf.b)})
	}
	return out
}

// Callout is one callout of a body, rendered on its own.
type Callout struct {
	Kind string // its kind as CalloutKinds names it: "KEY POINTS"
	HTML []byte // the <aside> and its content
}

// Callouts renders the top-level callouts of a body one by one, for a
// page that shows them apart from the body (the pocket cards). Relative
// links are written for the page at shownAt ("pocket-cards/"), and the
// callouts' ids start with idPrefix, so that the callouts of many bodies
// can share one page. Problems in the body are Render's to report: none
// are returned here.
func (r *Renderer) Callouts(in Input, shownAt, idPrefix string) []Callout {
	in.CalloutsAt = &ShownAt{URL: shownAt, IDPrefix: idPrefix}
	return r.Render(in).Shown
}

// normaliseSource drops a UTF-8 byte order mark and turns CRLF into LF, so
// Windows-edited files render byte for byte like the others. Line numbers
// do not change. The input is copied only when it has a CR or a BOM.
func normaliseSource(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	i := bytes.IndexByte(src, '\r')
	if i < 0 {
		return src
	}
	out := make([]byte, 0, len(src))
	for i >= 0 {
		out = append(out, src[:i]...)
		if i+1 < len(src) && src[i+1] == '\n' {
			src = src[i+1:]
		} else {
			out = append(out, '\r') // a lone CR is left to goldmark
			src = src[i+1:]
		}
		i = bytes.IndexByte(src, '\r')
	}
	return append(out, src...)
}

// stateKey finds the docState of one Render call in its parser.Context.
var stateKey = parser.NewContextKey()

var statePool = sync.Pool{New: func() any { return new(docState) }}

// docState is the per-document state of one Render call. It is pooled;
// everything handed to the caller is copied out of it.
type docState struct {
	r         *Renderer
	file      string // Input.File
	page      string // Input.Path
	firstLine int    // Input.FirstLine, at least 1
	src       []byte
	res       *Result
	pageURL   string // URLFor(page)
	pageDir   string // path.Dir(page)
	shownAt   *ShownAt

	// relLinks are the relative links' destinations in the document and
	// what they resolved to, and shownIDs the callouts' ids with
	// shownAt's prefix: for shown.
	relLinks []relLink
	shownIDs []string

	// line counting: the number of '\n' before lineOff is lineN.
	lineOff, lineN int

	calloutNodes []*callout
	ids          ids

	// what the walk collects, reused across documents
	headings     []headingRec
	headingLines map[string]int // heading id -> its file line
	links        []Link
	externals    []External
	sections     []sectionRec
	text         []byte // every heading's and section's text
	callouts     []string

	// search text: bufs[0] collects the current heading's section, one more
	// buffer per open callout; heading collects a heading's text.
	bufs    [][]byte
	heading []byte
	scratch []byte
	inHead  bool
	secIdx  int // index in res.Sections of the current heading's section
	anchor  string
	headTxt span // the current h2/h3's text

	out outBuf
	// transient: HTML and the section texts are out's and text's own
	// bytes (RenderTransient).
	transient bool
}

func (st *docState) reset(r *Renderer, in Input, src []byte, res *Result) {
	st.r, st.src, st.res = r, src, res
	st.file, st.page, st.firstLine = in.File, in.Path, max(in.FirstLine, 1)
	st.pageURL = URLFor(in.Path)
	st.pageDir = path.Dir(in.Path)
	st.shownAt = in.CalloutsAt
	st.relLinks = st.relLinks[:0]
	st.shownIDs = st.shownIDs[:0]
	st.lineOff, st.lineN = 0, 0
	st.calloutNodes = st.calloutNodes[:0]
	st.ids.reset()
	st.headings = st.headings[:0]
	if st.headingLines == nil {
		st.headingLines = make(map[string]int)
	}
	clear(st.headingLines)
	st.links = st.links[:0]
	st.externals = st.externals[:0]
	st.sections = st.sections[:0]
	st.text = st.text[:0]
	st.callouts = st.callouts[:0]
	st.bufs = st.bufs[:0]
	st.heading = st.heading[:0]
	st.inHead = false
	st.secIdx, st.anchor, st.headTxt = 0, "", span{}
	st.out.b = st.out.b[:0]
	if st.out.ids == nil {
		st.out.ids = make(map[*ast.Heading]string)
	}
	clear(st.out.ids)
}

// maxPooled is the largest buffer kept for reuse; a huge module should not
// pin its memory for the rest of the build.
const maxPooled = 1 << 20

func (st *docState) release() {
	st.r, st.src, st.res = nil, nil, nil
	st.file, st.page, st.pageURL, st.pageDir, st.anchor = "", "", "", "", ""
	// Drop the strings the scratch slices and maps still point to.
	clear(st.headingLines)
	clear(st.out.ids)
	st.ids.reset()
	clear(st.headings[:cap(st.headings)])
	clear(st.links[:cap(st.links)])
	clear(st.externals[:cap(st.externals)])
	clear(st.sections[:cap(st.sections)])
	clear(st.callouts[:cap(st.callouts)])
	clear(st.calloutNodes[:cap(st.calloutNodes)])
	clear(st.relLinks[:cap(st.relLinks)])
	clear(st.shownIDs[:cap(st.shownIDs)])
	st.shownAt = nil
	st.transient = false
	if cap(st.out.b) > maxPooled {
		st.out.b = nil
	}
	all := st.bufs[:cap(st.bufs)]
	for i := range all {
		if cap(all[i]) > maxPooled {
			all[i] = nil
		}
	}
	if cap(st.heading) > maxPooled {
		st.heading = nil
	}
	if cap(st.text) > maxPooled {
		st.text = nil
	}
	statePool.Put(st)
}

// line returns the file line of byte offset off in the source. Offsets come
// mostly in increasing order, so it counts on from the last one.
func (st *docState) line(off int) int {
	first := st.firstLine
	if off < 0 {
		return first
	}
	off = min(off, len(st.src))
	if off < st.lineOff {
		st.lineOff, st.lineN = 0, 0
	}
	st.lineN += bytes.Count(st.src[st.lineOff:off], []byte{'\n'})
	st.lineOff = off
	return first + st.lineN
}

func (st *docState) errorf(off int, format string, args ...any) {
	st.res.Diagnostics.Errorf(st.file, st.line(off), format, args...)
}

func (st *docState) warnf(off int, format string, args ...any) {
	st.res.Diagnostics.Warnf(st.file, st.line(off), format, args...)
}

// outBuf is the util.BufWriter goldmark renders into: a plain growing
// slice, reused across documents, so rendering allocates no bufio.Writer.
type outBuf struct {
	b []byte
	// ids are the ids the walk gave headings without attributes
	// (renderHeading).
	ids map[*ast.Heading]string
}

var _ util.BufWriter = (*outBuf)(nil)

func (o *outBuf) Write(p []byte) (int, error)       { o.b = append(o.b, p...); return len(p), nil }
func (o *outBuf) WriteString(s string) (int, error) { o.b = append(o.b, s...); return len(s), nil }
func (o *outBuf) WriteByte(c byte) error            { o.b = append(o.b, c); return nil }
func (o *outBuf) WriteRune(r rune) (int, error) {
	n := len(o.b)
	o.b = utf8.AppendRune(o.b, r)
	return len(o.b) - n, nil
}
func (o *outBuf) Available() int { return cap(o.b) - len(o.b) }
func (o *outBuf) Buffered() int  { return 0 }
func (o *outBuf) Flush() error   { return nil }

// appendURLFor appends URLFor(contentPath) to b.
func appendURLFor(b []byte, contentPath string) []byte {
	prefix, slash := urlParts(contentPath)
	b = append(b, prefix...)
	if slash {
		b = append(b, '/')
	}
	return b
}

// URLFor maps a content-relative .md path to the URL path of its page:
// "pain/opioids.md" -> "pain/opioids/", "pain/_index.md" -> "pain/",
// "_index.md" -> "" (the site root). Other paths (images, PDFs) are
// served where they are and come back unchanged, as do names with no page
// name before ".md" (".md", "..md").
func URLFor(contentPath string) string {
	prefix, slash := urlParts(contentPath)
	if slash {
		return prefix + "/"
	}
	return prefix
}

// urlParts returns URLFor(p) as a prefix of p and whether a "/" follows.
func urlParts(p string) (prefix string, slash bool) {
	s, ok := strings.CutSuffix(p, ".md")
	if !ok {
		return p, false
	}
	switch stem := s[strings.LastIndexByte(s, '/')+1:]; stem {
	case "", ".", "..":
		return p, false // ".md", "..md": no page name, not a page
	case "_index":
		return s[:len(s)-len(stem)], false
	}
	return s, true
}

// Rel returns the relative URL that leads from the page at URL path from
// (e.g. "pain/opioids/") to the URL path to (e.g. "opioids/x/" or
// "pain/diagram.png"): "../../opioids/x/". Both are slash-separated paths
// relative to the site root without "." or ".." segments, as URLFor
// returns them. A from that does not end in "/" names a file, and links
// resolve against its folder, as in a browser. A link to the page itself
// is "./" (from "" to "" too).
func Rel(from, to string) string {
	up, rest := relParts(from, to)
	if up == 0 && rest == to && !needsDot(rest) {
		return to // no copy
	}
	return string(appendRel(nil, up, rest))
}

// relParts splits the way from page from to to into the number of "../"
// and the rest of to.
func relParts[S ~string | ~[]byte](from string, to S) (up int, rest S) {
	base := fileDir(from)
	common := 0 // length of the shared leading whole segments
	for i := 0; i < len(base) && i < len(to) && base[i] == to[i]; i++ {
		if base[i] == '/' {
			common = i + 1
		}
	}
	return strings.Count(base[common:], "/"), to[common:]
}

// needsDot reports whether rest, used as a relative URL on its own, needs a
// leading "./": when it is empty (the page itself), when its first segment
// holds ':' (it would read as a URL scheme) or is empty ("//x" would read
// as a host).
func needsDot[S ~string | ~[]byte](rest S) bool {
	if len(rest) == 0 || rest[0] == '/' {
		return true
	}
	for i := 0; i < len(rest) && rest[i] != '/'; i++ {
		if rest[i] == ':' {
			return true
		}
	}
	return false
}

// appendRel appends the relative URL of up "../" and rest to b.
func appendRel[S ~string | ~[]byte](b []byte, up int, rest S) []byte {
	return append(appendUp(b, up, rest), rest...)
}

// appendUp appends what goes before rest: "../" up times, or "./" when
// rest needs it.
func appendUp[S ~string | ~[]byte](b []byte, up int, rest S) []byte {
	if up == 0 && needsDot(rest) {
		return append(b, "./"...)
	}
	for range up {
		b = append(b, "../"...)
	}
	return b
}
