package site

import (
	"os"
	"testing"
)

// BenchmarkModulePage makes one module page of the sample curriculum: the
// template cost every module pays.
func BenchmarkModulePage(b *testing.B) {
	bl := New(os.DirFS("../.."), Options{Today: today})
	if _, diags := bl.Update(nil); diags.Errors() > 0 {
		b.Fatal(diags[0])
	}
	f := bl.Files()
	m := f.c.ByID["symptoms/breathlessness"]
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.theme.Render("module", f.moduleData(m)); err != nil {
			b.Fatal(err)
		}
	}
}
