package markdown

import (
	"slices"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Callouts are GitHub alerts: a blockquote whose first line is "[!KIND]",
// alone on its line. The kind is case-insensitive and may hold spaces.
//
//	> [!RED FLAGS]
//	> - New confusion
//
// renders as
//
//	<aside class="callout callout-red-flags" aria-labelledby="callout-1">
//	<p class="callout-title" id="callout-1">Red flags</p>
//	<ul>...</ul>
//	</aside>
//
// The marker line is taken off the blockquote's first paragraph by a
// paragraph transformer, before inline parsing, so "[!" never meets the link
// parser; it leaves a calloutTitle node as the blockquote's first child.
// The document walk (walk.go) then swaps the blockquote for a callout node,
// numbers it and looks up its label.

// CalloutKind is one kind of callout. Every package that needs to know the
// kinds (the site's callout labels, search ranking, the scaffold of a new
// module, the theme's stylesheet and strings) takes them from here.
type CalloutKind struct {
	// Name is the kind as Result.Callouts and Section.Callout give it and
	// as diagnostics list it: upper case, words separated by one space
	// ("KEY POINTS"). Markdown may write it in any case and spacing.
	Name string
	// Key is the theme's UI string (i18n) key of the callout's title:
	// "callout_key_points". Options.CalloutLabels takes the theme's strings.
	Key string
	// Class is the suffix of the callout's CSS class: "key-points" for
	// <aside class="callout callout-key-points">.
	Class string
	// Label is the English title, shown when the theme gives none.
	Label string
}

// The callout kinds that mean more than their look.
const (
	// CalloutKeyPoints is the kind whose text search ranks like the
	// module's summary.
	CalloutKeyPoints = "KEY POINTS"
	// CalloutCallTheTeam is the kind that says when to call the palliative
	// home-care team (cmesite new scaffolds one).
	CalloutCallTheTeam = "CALL THE TEAM"
	// CalloutRedFlags is the kind that lists the signs that need action
	// now; the pocket cards print it.
	CalloutRedFlags = "RED FLAGS"
	// CalloutFacilitator holds a session guide's facilitator notes: the
	// theme hides them behind a "Show facilitator notes" toggle and prints
	// the handout without them, or the facilitator's copy with them.
	// Facilitator notes under a "Facilitator notes" heading instead are a
	// warning: they would be shown to participants and printed on the
	// handout.
	CalloutFacilitator = "FACILITATOR"
)

// calloutKinds are the allowed kinds, in the order diagnostics list them.
var calloutKinds = func() []CalloutKind {
	kinds := []CalloutKind{
		{Name: CalloutKeyPoints, Label: "Key points"},
		{Name: CalloutRedFlags, Label: "Red flags"},
		{Name: CalloutCallTheTeam, Label: "Call the team"},
		{Name: "PRACTICE TIP", Label: "Practice tip"},
		{Name: CalloutFacilitator, Label: "Facilitator notes"},
		{Name: "NOTE", Label: "Note"},
		{Name: "TIP", Label: "Tip"},
		{Name: "IMPORTANT", Label: "Important"},
		{Name: "WARNING", Label: "Warning"},
		{Name: "CAUTION", Label: "Caution"},
	}
	for i, k := range kinds {
		lower := strings.ToLower(k.Name)
		kinds[i].Key = "callout_" + strings.ReplaceAll(lower, " ", "_")
		kinds[i].Class = strings.ReplaceAll(lower, " ", "-")
	}
	return kinds
}()

// CalloutKinds returns the allowed callout kinds, in the order diagnostics
// list them.
func CalloutKinds() []CalloutKind { return slices.Clone(calloutKinds) }

// allowedKinds is the list of kinds for diagnostics.
var allowedKinds = func() string {
	names := make([]string, len(calloutKinds))
	for i, k := range calloutKinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}()

// kindIndex returns the index of kind in calloutKinds, or -1.
func kindIndex(kind string) int {
	for i, k := range calloutKinds {
		if k.Name == kind {
			return i
		}
	}
	return -1
}

// normaliseKind upper-cases a kind and collapses runs of blanks to one
// space: "key  points" -> "KEY POINTS".
func normaliseKind(b []byte) string {
	out := make([]byte, 0, len(b))
	space := false
	for _, c := range b {
		switch {
		case c == ' ' || c == '\t':
			space = len(out) > 0
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, c)
	}
	return string(out)
}

// parseMarker reads a callout marker at the start of line: "[!", a kind of
// ASCII letters, digits, blanks, '-' or '_' holding at least one letter, and
// "]". It returns the kind as written and what follows the marker on the
// line, or ok false when line does not start with a marker.
func parseMarker(line []byte) (kind, rest []byte, ok bool) {
	if len(line) < 4 || line[0] != '[' || line[1] != '!' {
		return nil, nil, false
	}
	letter := false
	for i := 2; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ']':
			if !letter {
				return nil, nil, false
			}
			return line[2:i], line[i+1:], true
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letter = true
		case '0' <= c && c <= '9', c == ' ', c == '\t', c == '-', c == '_':
		default:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// calloutParagraphTransformer finds callout markers. It runs before
// goldmark's link reference transformer (priority 100) so that a reference
// definition right under the marker still counts as one, and before the
// table transformer (200) so a table right under it is still a table.
type calloutParagraphTransformer struct{}

const calloutTransformerPriority = 50

func (calloutParagraphTransformer) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	parent := p.Parent()
	if parent == nil || parent.Kind() != ast.KindBlockquote || p.PreviousSibling() != nil {
		return
	}
	lines := p.Lines()
	if lines.Len() == 0 {
		return
	}
	seg := lines.At(0)
	line := seg.Value(reader.Source())
	lead := util.TrimLeftSpaceLength(line)
	written, rest, ok := parseMarker(line[lead:])
	if !ok {
		return
	}
	st, _ := pc.Get(stateKey).(*docState)
	kindName := normaliseKind(written)
	kind := kindIndex(kindName)
	shown := strings.TrimSpace(string(written))
	if !util.IsBlank(rest) {
		// "[!NOTE] text" is a plain blockquote on GitHub too; say so when
		// the kind is a real one, since the author clearly meant a callout
		// ("[!NOTE]: url" is a link reference definition, not a mistake).
		if kind >= 0 && st != nil && (rest[0] == ' ' || rest[0] == '\t') {
			st.warnf(seg.Start, "callout marker [!%s] must be alone on the first line of the blockquote, with the text on the lines below; it is shown as a plain blockquote", shown)
		}
		return
	}
	if kind < 0 {
		if st != nil {
			msg := "unknown callout kind " + strconv.Quote(shown) + "; allowed: " + allowedKinds
			if s := suggestKind(kindName); s != "" {
				msg += "; did you mean " + s + "?"
			}
			st.errorf(seg.Start, "%s", msg)
		}
		return
	}
	title := &calloutTitle{kind: kind}
	title.SetPos(seg.Start)
	parent.InsertBefore(parent, p, title)
	if lines.Len() == 1 {
		parent.RemoveChild(parent, p)
		return
	}
	lines.SetSliced(1, lines.Len())
}

// suggestKind returns the allowed kind closest to an unknown one, or "" when
// none is close: one a prefix of the other ("WARN" -> WARNING), all its
// words in one kind ("CALL TEAM" -> CALL THE TEAM), or within a small edit
// distance ("RED FLAG" -> RED FLAGS).
func suggestKind(kind string) string {
	best, bestD := "", 1<<30
	for _, k := range calloutKinds {
		if len(kind) >= 3 && (strings.HasPrefix(k.Name, kind) || strings.HasPrefix(kind, k.Name)) {
			return k.Name
		}
		if wordsIn(kind, k.Name) {
			return k.Name
		}
		if d := editDistance(kind, k.Name); d < bestD {
			best, bestD = k.Name, d
		}
	}
	if bestD <= max(1, min(2, len(best)/3)) {
		return best
	}
	return ""
}

// wordsIn reports whether kind has two or more words and each is a word of
// name.
func wordsIn(kind, name string) bool {
	words := strings.Fields(kind)
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		found := false
		for nw := range strings.FieldsSeq(name) {
			if w == nw {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// editDistance is the Levenshtein distance of two short ASCII strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30 // not worth suggesting anything
	}
	var rowBuf [65]int
	row := rowBuf[:len(b)+1]
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0] // value of row[j-1] from the previous line
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur := min(row[j]+1, row[j-1]+1, prev+cost)
			prev, row[j] = row[j], cur
		}
	}
	return row[len(b)]
}

// kindCallout is the node kind of a callout.
var kindCallout = ast.NewNodeKind("Callout")

// kindCalloutTitle is the node kind of a callout's title.
var kindCalloutTitle = ast.NewNodeKind("CalloutTitle")

// callout is a blockquote that became a callout. Its first child is its
// calloutTitle.
type callout struct {
	ast.BaseBlock
	kind  int    // index in calloutKinds
	id    string // the title's id, "callout-1"
	title *calloutTitle
}

func (n *callout) Kind() ast.NodeKind { return kindCallout }

func (n *callout) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Kind": calloutKinds[n.kind].Name, "ID": n.id}, nil)
}

// calloutTitle stands for the "[!KIND]" line.
type calloutTitle struct {
	ast.BaseBlock
	kind  int    // index in calloutKinds
	label string // set by the walk
	id    string // set by the walk
}

func (n *calloutTitle) Kind() ast.NodeKind { return kindCalloutTitle }

func (n *calloutTitle) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Kind": calloutKinds[n.kind].Name, "Label": n.label, "ID": n.id}, nil)
}

// renderCallout writes a callout. A CALL THE TEAM callout ends with
// Options.CallTheTeamHTML (the site's contacts), so the numbers are where
// the GP reads when to call.
func (r nodeRenderer) renderCallout(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*callout)
	if entering {
		_, _ = w.WriteString(`<aside class="callout callout-`)
		_, _ = w.WriteString(calloutKinds[n.kind].Class)
		_, _ = w.WriteString(`" aria-labelledby="`)
		_, _ = w.WriteString(n.id)
		_, _ = w.WriteString("\">\n")
	} else {
		if r.callTeamHTML != "" && calloutKinds[n.kind].Name == CalloutCallTheTeam {
			_, _ = w.WriteString(r.callTeamHTML)
		}
		_, _ = w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}

func renderCalloutTitle(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*calloutTitle)
	if !entering {
		return ast.WalkContinue, nil
	}
	if n.id == "" {
		// Not turned into a callout (only when this package's walk did not
		// run, e.g. the extension used on its own): show nothing.
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<p class="callout-title" id="`)
	_, _ = w.WriteString(n.id)
	_, _ = w.WriteString(`">`)
	_, _ = w.Write(util.EscapeHTML([]byte(n.label)))
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}
