package render

import (
	"bytes"
	"html/template"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
)

// Constant folding of page templates.
//
// A theme's language is fixed, so an action such as {{T "home"}} prints
// the same text on every page. text/template still evaluates it each
// time: a reflective call of T, then one of the escaper html/template
// appended to the pipeline ({{T "home" | _html_template_htmlescaper}}).
// A module page has a few dozen of these. Once html/template has escaped a
// page's templates, each such action is replaced in the parse tree by a
// text node holding the bytes it prints, computed once by executing the
// action itself, so the output cannot differ.
//
// The tricky part is doing this without changing anything html/template
// does, since it escapes lazily, on a template's first Execute, and never
// says which trees it has escaped:
//
//   - Escaping is forced with a wrapper template added to the page's
//     namespace at load: {{if false}}{{template "base.html" .}}{{end}}.
//     Executing it escapes base.html and everything it calls exactly as a
//     first Execute of base.html would (the same escapeTree call from the
//     text context), and prints nothing and calls no function. It is run
//     on the page kind's first Render, so html/template sees its passes in
//     the same order as before (the module cards of Fragment, for one,
//     are escaped before the first module page).
//   - If escaping fails, html/template's error would name the wrapper
//     rather than base.html, and a failed pass leaves state behind. So the
//     wrapper is first run in a throwaway clone made at load; if that
//     fails, the page is left alone and Execute reports its error as ever.
//   - After escaping, the trees of base.html and its callees are final:
//     html/template records them as escaped and never edits them again.
//     But a later pass (a shared partial or a Fragment executed directly)
//     may copy a template's tree to escape it for another context, and a
//     copy of a folded tree would be escaped differently. So only
//     templates that no other template can reach are folded: every
//     template of the namespace not reached from base.html may start a
//     later pass, and whatever it reaches is left as it is. Derived
//     copies html/template made (names with "$htmltemplate_") cannot be
//     looked up, so reaching one of them means folding nothing.
//   - An action is folded only if it is T or asset with literal
//     arguments, followed by nothing but html/template's escapers (pure
//     functions). Its text is what the action prints when executed alone
//     in the wrapper, whose tree root is swapped for the purpose; an
//     action that fails (a missing UI string) is kept, so the page fails
//     with the same error.
//   - In the same trees, an action such as {{termLinks ...}} whose
//     function returns template.HTML loses its _html_template_htmlescaper:
//     that escaper returns a template.HTML value's text unchanged, and
//     text/template prints a template.HTML as its text, so the call (a
//     reflective one) changes nothing.
//   - Fragment may execute templates of the module namespace while the
//     module page is being folded, so trees are rewritten under
//     Theme.foldMu, which Fragment holds for reading.

// foldName names the wrapper template; no theme file can define it by
// accident.
const foldName = "\x00cmesite: escape and fold the page"

// fold is the folding state of one page kind.
type fold struct {
	wrapper *template.Template // in the page's namespace
	trial   *template.Template // the same in a clone of the namespace, made before anything executed
	once    sync.Once
	err     error // the wrapper failed to escape base.html after the trial succeeded
	folded  int   // actions replaced by text
	trimmed int   // no-op escapers removed
}

// newFold adds the wrapper template to ns, the namespace of page (its
// base.html), before anything in ns has executed. It returns nil when
// that fails, and the page is then never folded.
func newFold(ns *template.Template, page string) *fold {
	w, err := ns.New(foldName).Parse(`{{if false}}{{template ` + strconv.Quote(page) + ` .}}{{end}}`)
	if err != nil {
		return nil
	}
	trial, err := ns.Clone()
	if err != nil {
		return nil
	}
	return &fold{wrapper: w, trial: trial.Lookup(foldName)}
}

// htmlResults returns the names of the functions of fm whose first result
// is a template.HTML.
func htmlResults(fm template.FuncMap) map[string]bool {
	html := map[string]bool{}
	for name, fn := range fm {
		if typ := reflect.TypeOf(fn); typ.Kind() == reflect.Func && typ.NumOut() > 0 && typ.Out(0) == reflect.TypeFor[template.HTML]() {
			html[name] = true
		}
	}
	return html
}

// prepare escapes and folds the templates of page kind, once; Render
// calls it before executing a page, shared before executing a partial.
func (t *Theme) prepare(kind string) error {
	f := t.folds[kind]
	if f == nil {
		return nil
	}
	f.once.Do(func() {
		t.foldMu.Lock()
		defer t.foldMu.Unlock()
		f.err = f.run(t.pages[kind], t.htmlFuncs)
		f.trial = nil
	})
	return f.err
}

func (f *fold) run(page *template.Template, html map[string]bool) error {
	if f.trial.Execute(io.Discard, nil) != nil {
		return nil // the page does not escape: Execute will say why
	}
	if err := f.wrapper.Execute(io.Discard, nil); err != nil {
		// The trial escaped, so this cannot happen; base.html must not
		// run half-escaped if it does.
		return err
	}
	names := foldable(page)
	if len(names) == 0 {
		return nil
	}
	probe := f.wrapper.Tree
	root := probe.Root
	defer func() { probe.Root = root }()
	for _, name := range names {
		f.list(probe, html, page.Lookup(name).Tree.Root)
	}
	return nil
}

// foldable returns the templates of page's namespace that base.html
// reaches and nothing else does (see above).
func foldable(page *template.Template) []string {
	mine := map[string]bool{}
	reach(page, page.Name(), mine)
	others := map[string]bool{}
	for _, t := range page.Templates() {
		name := t.Name()
		if !mine[name] && name != foldName && !reach(page, name, others) {
			return nil
		}
	}
	var out []string
	for name := range mine {
		if !others[name] {
			out = append(out, name)
		}
	}
	return out
}

// reach adds to seen the templates name calls, directly or not, and name
// itself. It reports false if one of them cannot be looked up (a derived
// template, or a missing one).
func reach(ns *template.Template, name string, seen map[string]bool) bool {
	if seen[name] {
		return true
	}
	t := ns.Lookup(name)
	if t == nil {
		return false
	}
	seen[name] = true
	if t.Tree == nil {
		return true
	}
	ok := true
	calls(t.Tree.Root, func(callee string) {
		if !reach(ns, callee, seen) {
			ok = false
		}
	})
	return ok
}

// branch is the branch of an {{if}}, {{range}} or {{with}}, or nil.
func branch(n parse.Node) *parse.BranchNode {
	switch n := n.(type) {
	case *parse.IfNode:
		return &n.BranchNode
	case *parse.RangeNode:
		return &n.BranchNode
	case *parse.WithNode:
		return &n.BranchNode
	}
	return nil
}

// calls calls fn with the name of each {{template}} in l.
func calls(l *parse.ListNode, fn func(string)) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TemplateNode:
			fn(n.Name)
		default:
			if b := branch(n); b != nil {
				calls(b.List, fn)
				calls(b.ElseList, fn)
			}
		}
	}
}

// list folds the constant actions of l, and of the lists in it, using
// probe, the wrapper's tree, to execute them, and drops the no-op escapers
// after the functions named in html.
func (f *fold) list(probe *parse.Tree, html map[string]bool, l *parse.ListNode) {
	if l == nil {
		return
	}
	changed := false
	for i, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			if identity(n.Pipe, html) {
				n.Pipe.Cmds = n.Pipe.Cmds[:1:1]
				f.trimmed++
				continue
			}
			if !constant(n.Pipe) {
				continue
			}
			probe.Root = &parse.ListNode{NodeType: parse.NodeList, Pos: n.Pos, Nodes: []parse.Node{n}}
			var b bytes.Buffer
			if f.wrapper.Execute(&b, nil) != nil {
				continue // keep the action: the page fails as before
			}
			l.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: b.Bytes()}
			f.folded++
			changed = true
		default:
			if b := branch(n); b != nil {
				f.list(probe, html, b.List)
				f.list(probe, html, b.ElseList)
			}
		}
	}
	if changed {
		l.Nodes = joinText(l.Nodes)
	}
}

// joinText merges runs of text nodes into one, and drops empty ones.
func joinText(nodes []parse.Node) []parse.Node {
	out := nodes[:0:0]
	for _, n := range nodes {
		t, ok := n.(*parse.TextNode)
		if !ok {
			out = append(out, n)
			continue
		}
		if len(t.Text) == 0 {
			continue
		}
		if len(out) > 0 {
			if prev, ok := out[len(out)-1].(*parse.TextNode); ok {
				text := append(append([]byte(nil), prev.Text...), t.Text...)
				out[len(out)-1] = &parse.TextNode{NodeType: parse.NodeText, Pos: prev.Pos, Text: text}
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// constant reports whether a pipeline always prints the same text: T or
// asset with literal arguments, then only escapers.
func constant(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) == 0 {
		return false
	}
	first := p.Cmds[0].Args
	if id, ok := first[0].(*parse.IdentifierNode); !ok || id.Ident != "T" && id.Ident != "asset" {
		return false
	}
	for _, a := range first[1:] {
		switch a.(type) {
		case *parse.StringNode, *parse.NumberNode:
		default:
			return false
		}
	}
	for _, c := range p.Cmds[1:] {
		if len(c.Args) != 1 {
			return false
		}
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || !isEscaper(id.Ident) {
			return false
		}
	}
	return true
}

// identity reports whether a pipeline is a call of one of the functions
// named in html, which return a template.HTML, then
// _html_template_htmlescaper, which returns such a value unchanged.
func identity(p *parse.PipeNode, html map[string]bool) bool {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) != 2 || len(p.Cmds[1].Args) != 1 {
		return false
	}
	fn, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode)
	if !ok || !html[fn.Ident] {
		return false
	}
	esc, ok := p.Cmds[1].Args[0].(*parse.IdentifierNode)
	return ok && esc.Ident == "_html_template_htmlescaper"
}

// isEscaper reports whether a function name is one of html/template's
// escapers (a theme cannot define functions) or a predefined escaper.
func isEscaper(name string) bool {
	return strings.HasPrefix(name, "_html_template_") || name == "html" || name == "urlquery" || name == "js"
}
