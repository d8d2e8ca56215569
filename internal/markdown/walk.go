package markdown

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// cmeExtension registers this package's parts with goldmark: the callout
// paragraph transformer, the document walk and the renderers of the nodes
// they create.
type cmeExtension struct {
	callTeamHTML string // Options.CallTheTeamHTML
}

// walkPriority runs the walk after goldmark's footnote transformer (999),
// which moves footnote definitions to the end of the document, so the walk
// sees the document in the order it is rendered.
const walkPriority = 1000

func (e cmeExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithParagraphTransformers(util.Prioritized(calloutParagraphTransformer{}, calloutTransformerPriority)),
		parser.WithASTTransformers(util.Prioritized(walker{}, walkPriority)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(nodeRenderer(e), 500)))
}

type nodeRenderer struct {
	callTeamHTML string // Options.CallTheTeamHTML
}

func (r nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCallout, r.renderCallout)
	reg.Register(kindCalloutTitle, renderCalloutTitle)
	reg.Register(kindTableWrap, renderTableWrap)
	reg.Register(ast.KindHeading, renderHeading)
}

// renderHeading is goldmark's heading renderer, but for the id of a
// heading without attributes, which the walk keeps in the writer
// (outBuf.ids) rather than in an attribute list of the heading's own:
// every render of this package writes into an outBuf.
func renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	if !entering {
		w.WriteString("</h")
		w.WriteByte("0123456"[n.Level])
		w.WriteString(">\n")
		return ast.WalkContinue, nil
	}
	w.WriteString("<h")
	w.WriteByte("0123456"[n.Level])
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, html.HeadingAttributeFilter)
	} else if o, ok := w.(*outBuf); ok {
		if id, ok := o.ids[n]; ok {
			w.WriteString(` id="`)
			w.Write(util.EscapeHTML(util.StringToReadOnlyBytes(id)))
			w.WriteByte('"')
		}
	}
	w.WriteByte('>')
	return ast.WalkContinue, nil
}

// kindTableWrap is the node kind of the wrapper around a table.
var kindTableWrap = ast.NewNodeKind("TableWrap")

// tableWrap is <div class="table-wrap">: it lets a wide table scroll on its
// own on a phone instead of widening the page.
type tableWrap struct{ ast.BaseBlock }

func (n *tableWrap) Kind() ast.NodeKind { return kindTableWrap }

func (n *tableWrap) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

func renderTableWrap(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		// Focusable, so that a keyboard can scroll a wide table.
		_, _ = w.WriteString("<div class=\"table-wrap\" tabindex=\"0\">\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

// walker is the one pass over the parsed document. In document order it
// records headings, rewrites and records relative links, turns marked
// blockquotes into callouts, wraps tables and gathers the search text.
type walker struct{}

func (walker) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*docState)
	if st == nil {
		return // not called through Render: nothing to collect into
	}
	// sections[0] is the text before the first h2/h3; dropped if empty.
	st.sections = append(st.sections, sectionRec{})
	if cap(st.bufs) > 0 {
		st.bufs = st.bufs[:1]
		st.bufs[0] = st.bufs[0][:0]
	} else {
		st.bufs = append(st.bufs, nil)
	}
	st.secIdx = 0
	st.ids.parsing = false
	if bytes.IndexByte(st.src, '{') >= 0 {
		// Custom ids ({#id}, WithAttribute) are reserved before the
		// walk makes any automatic one, which goes around them.
		ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if h, ok := n.(*ast.Heading); ok && entering {
				if id, ok := attr(h, "id").([]byte); ok {
					st.ids.Put(id)
				}
			}
			return ast.WalkContinue, nil
		})
	}
	st.children(doc)
	st.sections[st.secIdx].text = st.keep(st.bufs[0])
	// Callout ids ("callout-1") are made once every heading has its id, so
	// adding a callout never changes a heading's anchor.
	for i, c := range st.calloutNodes {
		st.scratch = strconv.AppendInt(append(st.scratch[:0], "callout-"...), int64(i+1), 10)
		c.id = st.ids.generate(st.scratch, kindCallout)
		c.title.id = c.id
	}
	// The ids of the callouts shown on another page (Render's shown)
	// start with its prefix: made now, among the same ids, as a parse
	// for that page alone would make them. Made after the page's own,
	// they are the same: the two sets of candidates ("callout-N" and
	// "<prefix>callout-N", with or without a "-N" suffix) never meet.
	// Without a prefix they are the page's own.
	if st.shownAt != nil {
		for i, c := range st.calloutNodes {
			id := c.id
			if st.shownAt.IDPrefix != "" {
				st.scratch = strconv.AppendInt(append(append(st.scratch[:0], st.shownAt.IDPrefix...), "callout-"...), int64(i+1), 10)
				id = st.ids.generate(st.scratch, kindCallout)
			}
			st.shownIDs = append(st.shownIDs, id)
		}
	}
	sections := st.sections
	if sections[0].text.empty() {
		sections = sections[1:]
	}
	// All texts are in one string; the records become the results. The
	// scratch slices are reused by the next document: hand out copies.
	// Heading texts are copied out of it, so that a caller can keep the
	// headings and drop the section texts, and with them the big string.
	// (For RenderTransient the string is text's own bytes.)
	all := st.asString(st.text)
	res := st.res
	if len(st.headings) > 0 {
		res.Headings = make([]Heading, len(st.headings))
		for i, h := range st.headings {
			res.Headings[i] = Heading{Level: h.level, ID: h.id, Text: strings.Clone(h.text.of(all)), Line: h.line}
			if strings.EqualFold(strings.TrimSpace(res.Headings[i].Text), "facilitator notes") {
				res.Diagnostics.Warnf(st.file, h.line, "facilitator notes under a heading are shown to participants and printed on their handout; put them in a \"> [!FACILITATOR]\" callout instead, which the page hides behind a toggle")
			}
		}
	}
	if len(sections) > 0 {
		res.Sections = make([]Section, len(sections))
		for i, s := range sections {
			res.Sections[i] = Section{Anchor: s.anchor, Heading: s.heading.of(all), Text: s.text.of(all), Callout: s.callout}
		}
	}
	res.Links = clone(st.links)
	res.External = clone(st.externals)
	res.Callouts = clone(st.callouts)
}

// span is a piece of docState.text.
type span struct{ start, end int }

func (s span) empty() bool             { return s.end == s.start }
func (s span) of(all string) string    { return all[s.start:s.end] }
func (s span) bytes(all []byte) []byte { return all[s.start:s.end] }

// headingRec and sectionRec are a Heading and a Section in the making,
// their texts spans of docState.text.
type headingRec struct {
	level int
	id    string
	text  span
	line  int
}

type sectionRec struct {
	anchor  string
	heading span
	text    span
	callout string
}

// keep appends b, trimmed of white space, to the document's text and
// returns where it is.
func (st *docState) keep(b []byte) span {
	b = bytes.TrimSpace(b)
	start := len(st.text)
	st.text = append(st.text, b...)
	return span{start, len(st.text)}
}

// clone returns an exact-size copy of s, nil when s is empty.
func clone[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// children visits the children of n. The next sibling is taken before the
// visit, which may replace the child (callouts, tables).
func (st *docState) children(n ast.Node) {
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		st.visit(c)
		c = next
	}
}

// buf is the text buffer the current node's text goes to.
func (st *docState) buf() *[]byte {
	if st.inHead {
		return &st.heading
	}
	return &st.bufs[len(st.bufs)-1]
}

// sep ends the current line of search text: blocks are separated by "\n".
func (st *docState) sep() {
	b := st.buf()
	if n := len(*b); n > 0 && (*b)[n-1] != '\n' {
		*b = append(*b, '\n')
	}
}

func (st *docState) visit(n ast.Node) {
	// A type switch, not n.Kind(): goldmark's kinds are variables, so a
	// switch on them is a chain of loads and compares for every node.
	switch n := n.(type) {
	case *ast.Text:
		b := st.buf()
		if n.IsRaw() {
			*b = append(*b, n.Segment.Value(st.src)...)
		} else {
			*b = appendPlain(*b, n.Segment.Value(st.src))
		}
		if n.HardLineBreak() {
			*b = append(*b, '\n')
		} else if n.SoftLineBreak() {
			*b = append(*b, ' ')
		}
	case *ast.String:
		b := st.buf()
		if n.IsRaw() {
			*b = append(*b, n.Value...)
		} else {
			// Typographer's quotes and dashes are entities ("&rsquo;").
			*b = appendPlain(*b, n.Value)
		}
	case *ast.Paragraph, *ast.TextBlock:
		st.sep()
		st.children(n)
	case *ast.Emphasis, *extast.Strikethrough:
		st.children(n)
	case *ast.CodeSpan:
		b := st.buf()
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			var v []byte
			switch c := c.(type) {
			case *ast.Text:
				v = c.Segment.Value(st.src)
			case *ast.String:
				v = c.Value
			}
			for _, ch := range v {
				if ch == '\n' {
					ch = ' '
				}
				*b = append(*b, ch)
			}
		}
	case *ast.Link:
		st.link(n, &n.Destination, false)
		st.children(n)
	case *ast.Image:
		st.link(n, &n.Destination, true)
		st.children(n)
	case *ast.AutoLink:
		b := st.buf()
		*b = append(*b, n.Label(st.src)...)
		if n.AutoLinkType == ast.AutoLinkURL {
			st.external(n, n.URL(st.src))
		}
	case *ast.RawHTML, *ast.HTMLBlock, *extast.FootnoteLink, *extast.FootnoteBacklink,
		*extast.TaskCheckBox, *calloutTitle:
		// Not text: raw HTML is not rendered, markers and titles are not
		// part of what a reader searches for.
	case *ast.Heading:
		st.headingNode(n)
	case *ast.Blockquote:
		if title, ok := n.FirstChild().(*calloutTitle); ok {
			st.callout(n, title)
			return
		}
		st.sep()
		st.children(n)
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		st.sep()
		b := st.buf()
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			*b = append(*b, seg.Value(st.src)...)
		}
		st.sep()
	case *extast.Table:
		parent := n.Parent()
		wrap := &tableWrap{}
		wrap.SetBlankPreviousLines(n.HasBlankPreviousLines())
		parent.ReplaceChild(parent, n, wrap)
		wrap.AppendChild(wrap, n)
		st.sep()
		st.children(n)
	default:
		if n.Type() == ast.TypeBlock {
			st.sep()
		}
		st.children(n)
	}
}

func (st *docState) headingNode(h *ast.Heading) {
	saved := st.inHead
	st.inHead = true
	st.heading = st.heading[:0]
	st.children(h)
	st.inHead = saved
	txt := st.keep(st.heading)
	var id string
	switch v := attr(h, "id").(type) {
	case []byte:
		id = st.ids.str(v)
	case string:
		id = v
	}
	if id == "" {
		// Custom ids are all reserved by now: automatic ones go around
		// them.
		id = st.ids.generate(st.heading, ast.KindHeading)
		if h.Attributes() != nil {
			h.SetAttributeString("id", id) // goldmark renders string values too
		} else {
			st.out.ids[h] = id
		}
	}
	pos := h.Pos()
	if pos < 0 && h.Lines().Len() > 0 {
		pos = h.Lines().At(0).Start
	}
	line := st.line(pos)
	if first, dup := st.headingLines[id]; dup {
		// Only custom ids can collide: automatic ones are made unique.
		st.warnf(pos, "heading id %q is already used by the heading on line %d; links to #%s reach only the first: give this heading another {#id}", id, first, id)
	} else {
		st.headingLines[id] = line
	}
	st.headings = append(st.headings, headingRec{level: h.Level, id: id, text: txt, line: line})
	if (h.Level == 2 || h.Level == 3) && len(st.bufs) == 1 {
		st.sections[st.secIdx].text = st.keep(st.bufs[0])
		st.bufs[0] = st.bufs[0][:0]
		st.secIdx = len(st.sections)
		st.anchor, st.headTxt = id, txt
		st.sections = append(st.sections, sectionRec{anchor: id, heading: txt})
		return
	}
	// Other headings (and any inside a callout) are part of the text.
	st.sep()
	b := st.buf()
	*b = append(*b, txt.bytes(st.text)...)
	st.sep()
}

// attr returns the value of n's attribute name, or nil.
func attr(n ast.Node, name string) any {
	v, _ := n.AttributeString(name)
	return v
}

// callout swaps blockquote bq, whose first child is title, for a callout
// node and gathers its text into its own Section.
func (st *docState) callout(bq ast.Node, title *calloutTitle) {
	title.label = st.r.labels[title.kind]
	c := &callout{kind: title.kind, title: title}
	st.calloutNodes = append(st.calloutNodes, c) // ids come after the walk
	c.SetBlankPreviousLines(bq.HasBlankPreviousLines())
	c.SetPos(bq.Pos())
	parent := bq.Parent()
	parent.ReplaceChild(parent, bq, c)
	for ch := bq.FirstChild(); ch != nil; {
		next := ch.NextSibling()
		c.AppendChild(c, ch) // moves ch out of bq
		ch = next
	}

	kind := calloutKinds[title.kind].Name
	st.callouts = append(st.callouts, kind)
	idx := len(st.sections)
	st.sections = append(st.sections, sectionRec{anchor: st.anchor, heading: st.headTxt, callout: kind})
	// Reuse the buffer this depth had in an earlier callout.
	if len(st.bufs) < cap(st.bufs) {
		st.bufs = st.bufs[:len(st.bufs)+1]
		st.bufs[len(st.bufs)-1] = st.bufs[len(st.bufs)-1][:0]
	} else {
		st.bufs = append(st.bufs, nil)
	}
	st.children(c)
	if txt := st.keep(st.bufs[len(st.bufs)-1]); !txt.empty() {
		st.sections[idx].text = txt
	} else {
		// Nothing to search for. Only items of nested callouts, already
		// complete, come after idx.
		st.sections = slices.Delete(st.sections, idx, idx+1)
	}
	st.bufs = st.bufs[:len(st.bufs)-1]
}

// link rewrites and records one link or image whose destination is *dest.
func (st *docState) link(n ast.Node, dest *[]byte, image bool) {
	raw := *dest
	r := resolveLink(st.page, st.pageDir, raw, &st.scratch)
	switch r.kind {
	case linkOther:
		st.external(n, raw)
		return
	case linkSiteAbsolute:
		st.warnf(st.nodeOffset(n), "link %q starts at the site root, where .md files are not served; write it relative to this file: %q", r.raw, r.suggest)
		return
	case linkEscapes:
		st.errorf(st.nodeOffset(n), "link %q leaves the content folder (it resolves to %q); link to files inside content/", r.raw, r.target)
		return
	case linkRelative:
		*dest = r.rewrite(st.pageURL, &st.scratch)
		if st.shownAt != nil {
			st.relLinks = append(st.relLinks, relLink{dest, r})
		}
	}
	st.links = append(st.links, Link{
		Line:     st.line(st.nodeOffset(n)),
		Target:   r.target,
		Fragment: r.fragment,
		Raw:      r.raw,
		Image:    image,
	})
}

// external records dest when it is an absolute http(s) URL.
func (st *docState) external(n ast.Node, dest []byte) {
	if len(dest) < 8 {
		return
	}
	if lower := bytes.ToLower(dest[:8]); !bytes.HasPrefix(lower, []byte("http://")) && !bytes.HasPrefix(lower, []byte("https://")) {
		return
	}
	st.externals = append(st.externals, External{Line: st.line(st.nodeOffset(n)), URL: string(dest)})
}

// nodeOffset returns a source offset of inline node n: its own position
// (goldmark records the "[" of a link), else that of its first text, else
// that of its block.
func (st *docState) nodeOffset(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	for c := n.FirstChild(); c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return -1
}

// relLink is a relative link's destination in the document, and what it
// resolved to.
type relLink struct {
	dest *[]byte
	r    resolved
}
