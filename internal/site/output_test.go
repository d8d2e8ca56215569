package site

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestDirConcurrentPut: Put is called from several goroutines at once
// (writer.drain), for files in folders that do not exist yet; every file
// must arrive whole, in its place.
func TestDirConcurrentPut(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	d, err := NewDir(out, root)
	if err != nil {
		t.Fatal(err)
	}
	name := func(g, i int) string { return fmt.Sprintf("s%d/m%d/p%d/index.html", i%5, i%17, g*1000+i) }
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if err := d.Put(name(g, i), []byte(name(g, i))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	for g := range 8 {
		for i := range 200 {
			if b, err := os.ReadFile(filepath.Join(out, name(g, i))); err != nil || string(b) != name(g, i) {
				t.Fatalf("%s: %q, %v", name(g, i), b, err)
			}
		}
	}
}

// TestBuildIntoDir: a one-off build written to a folder, its files put
// by a goroutine per core, holds exactly the files of a build kept in
// memory, byte for byte, and nothing else.
func TestBuildIntoDir(t *testing.T) {
	want, _ := build(t, os.DirFS("../.."), Options{})
	root := t.TempDir()
	out := filepath.Join(root, "public")
	d, err := NewDir(out, root)
	if err != nil {
		t.Fatal(err)
	}
	if _, diags := New(os.DirFS("../.."), Options{Today: today, Stream: true}).Build(d); diags.Errors() > 0 {
		t.Fatal(diags)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	err = filepath.WalkDir(out, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		got[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	delete(got, Marker)
	if len(got) != len(want) {
		t.Errorf("%d files in the folder, %d in memory", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs in the folder", name)
		}
	}
}

// TestWriteFile checks writeFile against what os.WriteFile makes: the
// same bytes, an existing file cut to the new data, and an error that
// names the file.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "page.html")
	for _, size := range []int{0, 1, 4096, 3 << 20} {
		data := bytes.Repeat([]byte("abcdefg\n"), size/8+1)[:size]
		if err := writeFile(name, data); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("size %d: read back %d bytes, not the %d written", size, len(got), len(data))
		}
	}
	if err := writeFile(name, []byte("longer than what follows")); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(name, []byte("short")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(name); string(got) != "short" {
		t.Errorf("rewritten file holds %q, want %q", got, "short")
	}
	missing := filepath.Join(dir, "no-such-folder", "page.html")
	if err := writeFile(missing, []byte("x")); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("write into a missing folder: error %v, want one naming %s", err, missing)
	}
}
