package cli

import (
	"runtime/debug"
	"testing"
)

// gcSettings reads the collector's GOGC and memory limit without
// changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// TestLimitMemory: a build sets GOGC=200 and the 920 MiB budget unless the
// user's GOGC or GOMEMLIMIT says otherwise, each for itself, and puts back
// what it changed when it ends.
func TestLimitMemory(t *testing.T) {
	before, beforeLimit := gcSettings()
	const mine, myLimit = 77, int64(123 << 20)
	tests := []struct {
		gogc, gomemlimit string
		percent          int
		limit            int64
	}{
		{"", "", buildGCPercent, buildMemoryBudget},
		{"50", "", mine, buildMemoryBudget},
		{"", "2GiB", buildGCPercent, myLimit},
		{"off", "2GiB", mine, myLimit},
	}
	for _, tc := range tests {
		t.Run("GOGC="+tc.gogc+",GOMEMLIMIT="+tc.gomemlimit, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			// What the runtime took from the user's variables when the
			// process started; limitMemory must leave it alone.
			debug.SetGCPercent(mine)
			debug.SetMemoryLimit(myLimit)
			restore := limitMemory()
			percent, limit := gcSettings()
			restore()
			if percent != tc.percent || limit != tc.limit {
				t.Errorf("during the build: GOGC=%d, memory limit %d; want %d, %d", percent, limit, tc.percent, tc.limit)
			}
			if percent, limit := gcSettings(); percent != mine || limit != myLimit {
				t.Errorf("after the build: GOGC=%d, memory limit %d; want %d, %d as before", percent, limit, mine, myLimit)
			}
		})
	}
	debug.SetGCPercent(before)
	debug.SetMemoryLimit(beforeLimit)
}
