package content

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	files, _ := filepath.Glob("../../content/*/*.md")
	var data [][]byte
	for _, f := range files {
		if filepath.Base(f) != IndexName {
			d, _ := os.ReadFile(f)
			data = append(data, d)
		}
	}
	if len(data) == 0 {
		b.Skip("no sample content")
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		Parse("s/m.md", data[i%len(data)])
		i++
	}
}
