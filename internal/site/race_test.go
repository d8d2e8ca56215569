//go:build race

package site

// raceSeeds is how many random edit sequences the incremental property
// tests run under the race detector: there they look for data races, which
// a few sequences find as well as many, at ten times the cost each; the
// run without -race tries them all.
const raceSeeds = 2
