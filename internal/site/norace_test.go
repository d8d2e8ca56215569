//go:build !race

package site

// raceSeeds is the number of seeds under -race (see race_test.go): without
// it, the tests run all their seeds.
const raceSeeds = 0
