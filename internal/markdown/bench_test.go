package markdown

import (
	"bytes"
	"os"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// benchModule is a generated module body (gen-corpus.py --modules 5,
// care-at-home/dying-at-home-in-dementia-in-the-care-home.md, frontmatter
// of 29 lines removed): 6.4 KB of paragraphs, lists, h2/h3 headings, a
// key-points blockquote and relative links.
func benchModule(b *testing.B) Input {
	src, err := os.ReadFile("testdata/bench-module.md")
	if err != nil {
		b.Fatal(err)
	}
	return Input{
		Source:    src,
		File:      "content/care-at-home/dying-at-home-in-dementia-in-the-care-home.md",
		Path:      "care-at-home/dying-at-home-in-dementia-in-the-care-home.md",
		FirstLine: 30,
	}
}

// BenchmarkRender compares Render with plain goldmark configured like the
// floor program (/work/shared/bench/limit): same base extensions, heading
// ids, no extras. Run both and compare ns/op:
//
//	go test -run '^$' -bench Render -benchmem ./internal/markdown
func BenchmarkRender(b *testing.B) {
	in := benchModule(b)
	b.Run("cmesite", func(b *testing.B) {
		r := New(Options{})
		b.SetBytes(int64(len(in.Source)))
		b.ReportAllocs()
		for b.Loop() {
			res := r.Render(in)
			if len(res.HTML) == 0 {
				b.Fatal("no output")
			}
		}
	})
	b.Run("goldmark", func(b *testing.B) {
		md := goldmark.New(
			goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList, extension.Typographer),
			goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		)
		b.SetBytes(int64(len(in.Source)))
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			if err := md.Convert(in.Source, &buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRenderParallel renders on every core at once, as the builder
// does, to show that the pools do not contend.
func BenchmarkRenderParallel(b *testing.B) {
	in := benchModule(b)
	r := New(Options{})
	b.SetBytes(int64(len(in.Source)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Render(in)
		}
	})
}
