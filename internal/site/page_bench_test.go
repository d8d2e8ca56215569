package site

import (
	"os"
	"testing"

	"github.com/cmesite/cmesite/internal/curriculum"
)

// BenchmarkModulePage renders one module page of the sample curriculum:
// the template cost every module pays.
func BenchmarkModulePage(b *testing.B) {
	bl := New(os.DirFS("../.."), Options{Today: today})
	if _, diags := bl.Build(nil, NewMemory()); diags.Errors() > 0 {
		b.Fatal(diags[0])
	}
	var m *curriculum.Module
	c := bl.last
	for _, x := range c.Modules {
		if x.ID == "symptoms/breathlessness" {
			m = x
		}
	}
	data := bl.moduleData(c, m, bl.docs[m.Doc.Path].html)
	b.ResetTimer()
	for b.Loop() {
		if _, err := bl.theme.Render("module", data); err != nil {
			b.Fatal(err)
		}
	}
}
