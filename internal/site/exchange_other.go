//go:build !linux

package site

// exchange swaps two folders with two renames: on systems without an
// atomic exchange there is a moment in which the output path is missing.
func exchange(a, b string) error { return exchangeByRename(a, b) }
