// Package themes embeds the default theme, so that a cmesite binary built
// with `go install` alone can build a site. A site's own themes/<name>/
// folder overrides the default file by file (internal/render merges them).
package themes

import (
	"embed"
	"io/fs"
)

//go:embed default
var embedded embed.FS

// Default returns the default theme's files, rooted at themes/default:
// templates/, assets/ and i18n/.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}
