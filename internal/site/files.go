package site

import (
	"io/fs"
	"path"

	"github.com/cmesite/cmesite/internal/content"
)

// writeStatics copies files kept next to the Markdown (images, PDFs) to
// the same place in the output.
func (b *Builder) writeStatics(tree content.Tree, changed map[string]bool, full bool, w *writer) {
	live := make(map[string]bool, len(tree.Static))
	for _, p := range tree.Static {
		live[p] = true
		src := path.Join(content.Dir, p)
		if _, known := b.statics[p]; known && !full && !changed[src] {
			w.seen[p] = true
			continue
		}
		data, err := fs.ReadFile(b.root, src)
		if err != nil {
			if w.err == nil {
				w.err = err
			}
			continue
		}
		h := content.HashBytes(data)
		b.statics[p] = h
		w.put(p, h, func() []byte { return data })
	}
	for p := range b.statics {
		if !live[p] {
			delete(b.statics, p)
		}
	}
}
