package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cmesite/cmesite/internal/devserver"
	"github.com/cmesite/cmesite/internal/site"
)

// TestMemoryFlat: 1,000 successive edits, each rebuilt incrementally and
// published to the dev server as serve does, leave the heap where it was
// after the first hundred (no leak per edit).
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 rebuilds")
	}
	files := map[string]string{"content/symptoms/_index.md": section}
	for i := range 20 {
		files[fmt.Sprintf("content/symptoms/m%02d.md", i)] = module + fmt.Sprintf("\nModule %d.\n", i)
	}
	root := writeSite(t, files)
	b := site.New(os.DirFS(root), site.Options{})
	srv := devserver.New(nil)
	file := filepath.Join(root, "content", "symptoms", "m07.md")
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var base uint64
	for i := range 1000 {
		os.WriteFile(file, []byte(module+fmt.Sprintf("\nEdit number %d with some words.\n", i)), 0o644)
		if _, diags := b.Update([]string{"content/symptoms/m07.md"}); diags.Errors() > 0 {
			t.Fatal(diags)
		}
		srv.Publish(devserver.Update{Files: b.Files()})
		if _, err := b.Files().Get("symptoms/m07/index.html"); err != nil {
			t.Fatal(err)
		}
		if i == 99 {
			base = heap()
		}
	}
	end := heap()
	t.Logf("heap after 100 edits: %d KB, after 1000: %d KB", base/1024, end/1024)
	if end > base+2<<20 {
		t.Errorf("heap grew from %d KB to %d KB over 900 edits", base/1024, end/1024)
	}
}
