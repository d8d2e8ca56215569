package markdown

import (
	"reflect"
	"testing"
)

func TestExternalLinks(t *testing.T) {
	src := "Intro.\n\nSee [NICE](https://www.nice.org.uk/guidance/ng31) and ![x](http://example.org/a.png).\n\n" +
		"A bare https://example.org/bare link, <https://example.org/angle>, [mail](mailto:a@example.org),\n" +
		"[local](other.md) and [ftp](ftp://example.org/f).\n"
	res := New(Options{}).Render(Input{Source: []byte(src), File: "content/pain/page.md", Path: "pain/page.md", FirstLine: 10})
	want := []External{
		{Line: 12, URL: "https://www.nice.org.uk/guidance/ng31"},
		{Line: 12, URL: "http://example.org/a.png"},
		{Line: 14, URL: "https://example.org/bare"},
		{Line: 14, URL: "https://example.org/angle"},
	}
	if !reflect.DeepEqual(res.External, want) {
		t.Errorf("External = %+v\nwant %+v", res.External, want)
	}
}
