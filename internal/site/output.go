package site

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Marker is the file that marks a folder as cmesite's build output. A
// non-empty output folder without it is never replaced: it may hold
// someone's files.
const Marker = ".cmesite-build"

const markerText = "This folder is the output of `cmesite build`. cmesite replaces all of it on every build;\nkeep nothing of your own here.\n"

// Dir writes a build into a new folder beside the output folder and, on
// Commit, swaps it in place of the old one, so a web server serving the
// output never sees a half-written site.
type Dir struct {
	out  string // the output folder
	tmp  string // where this build is written
	mu   sync.Mutex
	dirs map[string]bool // the folders made, under mu
}

// NewDir prepares a build into out. It refuses an out that is the site
// root, contains it or lies inside its content/ or themes/ folders, and
// a non-empty folder that a previous cmesite build did not write.
func NewDir(out, siteRoot string) (*Dir, error) {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	absRoot, err := filepath.Abs(siteRoot)
	if err != nil {
		return nil, err
	}
	if absOut == absRoot || within(absRoot, absOut) {
		return nil, fmt.Errorf("output folder %s contains the site's sources; choose a folder such as %s", out, filepath.Join(siteRoot, "public"))
	}
	for _, src := range []string{"content", "themes"} {
		if p := filepath.Join(absRoot, src); absOut == p || within(absOut, p) {
			return nil, fmt.Errorf("output folder %s is inside the site's %s/ folder; choose a folder such as %s", out, src, filepath.Join(siteRoot, "public"))
		}
	}
	if fi, err := os.Lstat(absOut); err == nil {
		if !fi.IsDir() {
			return nil, fmt.Errorf("output %s exists and is not a folder; cmesite will not replace it", out)
		}
		entries, err := os.ReadDir(absOut)
		if err != nil {
			return nil, err
		}
		if len(entries) > 0 {
			if _, err := os.Stat(filepath.Join(absOut, Marker)); err != nil {
				return nil, fmt.Errorf("output folder %s is not empty and was not written by cmesite (it has no %s file); cmesite will not delete files it did not write: choose an empty or new folder, or empty this one yourself", out, Marker)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	parent := filepath.Dir(absOut)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(absOut)+".cmesite-new-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Dir{out: absOut, tmp: tmp, dirs: map[string]bool{"": true}}, nil
}

// within reports whether p is inside dir.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && !strings.HasPrefix(rel, "..")
}

// Put writes one file. Files are written in parallel; their folders are
// made one at a time.
func (d *Dir) Put(name string, data []byte) error {
	if err := d.mkdir(filepath.Dir(filepath.FromSlash(name))); err != nil {
		return err
	}
	return writeFile(filepath.Join(d.tmp, filepath.FromSlash(name)), data)
}

// mkdir makes the folder dir of the new build, and the folders it is in.
func (d *Dir) mkdir(dir string) error {
	if dir == "." {
		dir = ""
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.dirs[dir] {
		// A page's folder is usually new in a folder made before (a
		// module's in its section's): one mkdir, not MkdirAll's stats
		// of each parent.
		full := filepath.Join(d.tmp, dir)
		parent := filepath.Dir(dir)
		if parent == "." {
			parent = ""
		}
		if !d.dirs[parent] || os.Mkdir(full, 0o755) != nil {
			if err := os.MkdirAll(full, 0o755); err != nil {
				return err
			}
		}
		for p := dir; p != "" && p != "."; p = filepath.Dir(p) {
			d.dirs[p] = true
		}
	}
	return nil
}

// Abort removes the unfinished build and leaves the output as it was.
func (d *Dir) Abort() error { return os.RemoveAll(d.tmp) }

// Commit marks the new build and swaps it into place; the previous output
// is removed after the swap.
func (d *Dir) Commit() error {
	if err := os.WriteFile(filepath.Join(d.tmp, Marker), []byte(markerText), 0o644); err != nil {
		d.Abort()
		return err
	}
	if _, err := os.Lstat(d.out); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(d.tmp, d.out); err != nil {
			d.Abort()
			return err
		}
		return nil
	}
	if err := exchange(d.tmp, d.out); err != nil {
		d.Abort()
		return err
	}
	// d.tmp now holds the previous build.
	return os.RemoveAll(d.tmp)
}

// Memory keeps a build in memory (tests).
type Memory struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMemory returns an empty in-memory output.
func NewMemory() *Memory { return &Memory{files: map[string][]byte{}} }

// Put stores a copy of a file.
func (m *Memory) Put(name string, data []byte) error {
	data = bytes.Clone(data)
	m.mu.Lock()
	m.files[name] = data
	m.mu.Unlock()
	return nil
}

// Snapshot returns a copy of the file map; the byte slices are shared and
// never modified.
func (m *Memory) Snapshot() map[string][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.files)
}
