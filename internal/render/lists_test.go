package render

import (
	"testing"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
)

// The list helpers build markup in Go: everything an author wrote must be
// escaped there, as the template would have.
func TestListsEscape(t *testing.T) {
	terms := []config.Term{{ID: "pain", Label: "Pain"}, {ID: `a"b <c>`, Label: `<script>alert(1)</script> & "q"`}}
	if got, want := string(termLinks("../../", "topics", terms)),
		`<a href="../../topics/pain/">Pain</a>, <a href="../../topics/a%22b%20%3Cc%3E/">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34;</a>`; got != want {
		t.Errorf("termLinks:\n got %s\nwant %s", got, want)
	}
	m := &curriculum.Module{URL: "pain/x y/", Front: &content.Front{Title: `A <b>bold</b> "title"`}}
	if got, want := string(moduleLinks("../", []*curriculum.Module{m})),
		`<ul><li><a href="../pain/x%20y/">A &lt;b&gt;bold&lt;/b&gt; &#34;title&#34;</a></li></ul>`; got != want {
		t.Errorf("moduleLinks:\n got %s\nwant %s", got, want)
	}
	if got, want := string(tocList([]Heading{{Level: 2, ID: "a-b", Text: "A & B"}, {Level: 3, ID: `x"y`, Text: "<i>"}})),
		`<ol><li class="toc-2"><a href="#a-b">A &amp; B</a></li><li class="toc-3"><a href="#x%22y">&lt;i&gt;</a></li></ol>`; got != want {
		t.Errorf("tocList:\n got %s\nwant %s", got, want)
	}
	if got := termIDs(terms); got != `pain a"b <c>` {
		t.Errorf("termIDs = %q (escaped by the template's attribute context)", got)
	}
}
