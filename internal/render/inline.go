package render

import (
	"bytes"
	"html/template"
	"strconv"
	texttemplate "text/template"
	"text/template/parse"
)

// An inliner makes constant T and asset commands cheap. A theme's
// language is fixed, so {{T "home"}} or {{asset "main.css"}} returns the
// same string on every page, yet text/template would call the function
// (a reflective call) each time. The inliner replaces such a command, in
// the parse trees of a template set that has not executed yet, by the
// string constant it returns: {{"Home"}}. The template is then the same
// program, which html/template escapes as it would have escaped T's
// result, so every byte of the output stays the same. Only documented API
// is used: the changed trees are copies, given to html/template with
// AddParseTree before it escapes anything.
//
// A command that fails (a missing UI string or asset) is left as it is.
// Theme.execute runs the templates as written when an inlined one fails,
// so an error names the commands as the author wrote them.
type inliner struct {
	funcs texttemplate.FuncMap // T and asset
	done  map[string]*string   // by command text; nil when the command fails
}

func (t *Theme) newInliner() *inliner {
	return &inliner{
		funcs: texttemplate.FuncMap{"T": t.T, "asset": t.Asset},
		done:  map[string]*string{},
	}
}

// set inlines the constant commands of every template of ns, which has
// not executed yet: each template with one is replaced by a copy of its
// tree with the commands inlined.
func (in *inliner) set(ns *template.Template) error {
	for _, tmpl := range ns.Templates() {
		if tmpl.Tree == nil {
			continue
		}
		tree := tmpl.Tree.Copy()
		if !in.node(tree.Root) {
			continue
		}
		if _, err := ns.AddParseTree(tmpl.Name(), tree); err != nil {
			return err
		}
	}
	return nil
}

// node inlines the constant commands in n and reports whether it found
// one.
func (in *inliner) node(n parse.Node) bool {
	changed := false
	eachPipe(n, func(p *parse.PipeNode) { changed = in.pipe(p) || changed })
	return changed
}

// eachPipe calls f, in order, with the pipeline of every action, template
// call and if, range or with under n (nil for a template call without
// one). The pipelines given as arguments inside them are f's to visit.
func eachPipe(n parse.Node, f func(*parse.PipeNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				eachPipe(c, f)
			}
		}
	case *parse.ActionNode:
		f(n.Pipe)
	case *parse.TemplateNode:
		f(n.Pipe)
	case *parse.IfNode:
		eachBranchPipe(&n.BranchNode, f)
	case *parse.RangeNode:
		eachBranchPipe(&n.BranchNode, f)
	case *parse.WithNode:
		eachBranchPipe(&n.BranchNode, f)
	}
}

func eachBranchPipe(b *parse.BranchNode, f func(*parse.PipeNode)) {
	f(b.Pipe)
	eachPipe(b.List, f)
	eachPipe(b.ElseList, f)
}

// pipe inlines the first command of p, and the pipelines given as
// arguments anywhere in it. A later command is never constant: it
// receives the result of the one before as its last argument.
func (in *inliner) pipe(p *parse.PipeNode) bool {
	if p == nil {
		return false
	}
	changed := false
	for i, c := range p.Cmds {
		for _, a := range c.Args {
			switch a := a.(type) {
			case *parse.PipeNode:
				changed = in.pipe(a) || changed
			case *parse.ChainNode:
				if pp, ok := a.Node.(*parse.PipeNode); ok {
					changed = in.pipe(pp) || changed
				}
			}
		}
		if i == 0 {
			if s := in.constant(c); s != nil {
				c.Args = []parse.Node{&parse.StringNode{NodeType: parse.NodeString, Pos: c.Args[0].Position(), Quoted: strconv.Quote(*s), Text: *s}}
				changed = true
			}
		}
	}
	return changed
}

// constant returns the string that c returns if c is T or asset with
// literal arguments and succeeds, else nil.
func (in *inliner) constant(c *parse.CommandNode) *string {
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return nil
	}
	switch {
	case id.Ident == "T" && (len(c.Args) == 2 || len(c.Args) == 3):
	case id.Ident == "asset" && len(c.Args) == 2:
	default:
		return nil
	}
	if _, ok := c.Args[1].(*parse.StringNode); !ok {
		return nil
	}
	if len(c.Args) == 3 {
		if _, ok := c.Args[2].(*parse.NumberNode); !ok {
			return nil
		}
	}
	src := c.String()
	if s, ok := in.done[src]; ok {
		return s
	}
	// The command's value is what text/template computes for it, with
	// the same functions and the same conversion of a number argument.
	var s *string
	if tmpl, err := texttemplate.New("").Funcs(in.funcs).Parse("{{" + src + "}}"); err == nil {
		var b bytes.Buffer
		if tmpl.Execute(&b, nil) == nil {
			v := b.String()
			s = &v
		}
	}
	in.done[src] = s
	return s
}
