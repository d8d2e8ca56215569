package site

import (
	"io/fs"
	"testing/fstest"
)

func mapFromFS(fsys fs.FS) map[string]string {
	m := map[string]string{}
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(fsys, p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func toMapFS(m map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for k, v := range m {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}
