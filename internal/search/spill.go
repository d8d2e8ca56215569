package search

import (
	"fmt"
	"os"
	"runtime"
	"sync"
)

// A spill keeps, for an index that ends with FinalTo (a one-off build),
// the bytes each doc holds until the index files are made: its term codes
// and its meta entry. They are written to a temporary file as each doc is
// added and read back, doc by doc, when the files are made.
//
// Why: a large site's index holds about 1.4 KB of them per doc from the
// doc's page until the end of the build, 135 MB at 100,000 modules, on a
// heap that the build keeps under its memory budget. Each megabyte a build
// holds makes the collector run more often for the rest of it (measured:
// 100 MB more held cost 12% more CPU at 100,000 modules), while writing and
// reading them back costs a write and two reads per doc (its meta entry,
// then its terms; its postings are counted as it is added), from the page
// cache.
//
// The file is made in the system's temporary folder and, except on
// Windows, unlinked at once, so nothing is left behind whatever happens
// to the build. When it cannot be made or written, the docs stay in
// memory, as without a spill.
type spill struct {
	mu   sync.Mutex
	f    *os.File
	buf  []byte // a doc's terms and meta, written in one call
	name string // to remove on close (Windows, where an open file cannot be removed)
	off  int64  // the file's length
	err  error  // the first failed read: the index's files are wrong
}

func newSpill() *spill {
	f, err := os.CreateTemp("", "cmesite-search-*.tmp")
	if err != nil {
		return nil
	}
	s := &spill{f: f}
	if runtime.GOOS == "windows" || os.Remove(f.Name()) != nil {
		s.name = f.Name()
	}
	return s
}

// put writes a doc's terms and meta entry and records where in e; it
// reports false when they could not be written (e keeps them in memory).
func (s *spill) put(e *docEntry, terms, meta []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return false
	}
	s.buf = append(append(s.buf[:0], terms...), meta...)
	n, err := s.f.Write(s.buf)
	off := s.off
	s.off += int64(n)
	if err != nil {
		return false
	}
	e.off, e.termLen, e.metaLen, e.spilled = off, int32(len(terms)), int32(len(meta)), true
	return true
}

// appendAt appends n bytes of the file at off to b. When they cannot be
// read, it appends nothing (the doc has no terms: the files are wrong,
// which Err reports, but well formed).
func (s *spill) appendAt(b []byte, off int64, n int) []byte {
	l := len(b)
	b = append(b, make([]byte, n)...)
	if _, err := s.f.ReadAt(b[l:], off); err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = fmt.Errorf("reading the search index's temporary file: %w", err)
		}
		s.mu.Unlock()
		return b[:l]
	}
	return b
}

// close closes and, where it was not unlinked, removes the file.
func (s *spill) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return
	}
	s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
	s.f = nil
}

// Spill makes the index keep what each doc added from now on holds until
// the index files are made in a temporary file rather than in memory
// (see spill). It is for an index that ends with FinalTo, which closes
// the file; Close closes it when the build ends without (an error).
func (x *Index) Spill() {
	if x.spill == nil {
		x.spill = newSpill()
	}
}

// Close gives back the temporary file of an index made to Spill and not
// finished with FinalTo.
func (x *Index) Close() {
	if x.spill != nil {
		x.spill.close()
	}
}

// Err reports whether the files FinalTo gave are complete: a doc's terms
// or meta entry that could not be read back from the temporary file
// (Spill) leave them wrong.
func (x *Index) Err() error {
	if x.spill == nil {
		return nil
	}
	x.spill.mu.Lock()
	defer x.spill.mu.Unlock()
	return x.spill.err
}

// appendTerms appends the term codes of e, a spilled doc, to b.
func (x *Index) appendTerms(b []byte, e *docEntry) []byte {
	return x.spill.appendAt(b, e.off, int(e.termLen))
}

// appendMeta appends e's meta entry (docEntry.meta) to b.
func (x *Index) appendMeta(b []byte, e *docEntry) []byte {
	if !e.spilled {
		return append(b, e.meta...)
	}
	return x.spill.appendAt(b, e.off+int64(e.termLen), int(e.metaLen))
}

// metaSize is the length of e's meta entry.
func (e *docEntry) metaSize() int {
	if e.spilled {
		return int(e.metaLen)
	}
	return len(e.meta)
}
