package site

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
)

// TestFeedModules checks the one-pass pick of the feed's modules against
// sorting them all: newest review first, then by ID, at most feedSize,
// and none without a review date.
func TestFeedModules(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, feedSize - 1, feedSize, feedSize + 1, 400} {
		c := &curriculum.Curriculum{}
		for i := range n {
			fr := &content.Front{}
			if rng.IntN(4) > 0 { // some modules have no review date
				fr.Reviewed = time.Date(2020+rng.IntN(3), time.Month(1+rng.IntN(2)), 1, 0, 0, 0, 0, time.UTC)
			}
			c.Modules = append(c.Modules, &curriculum.Module{ID: fmt.Sprintf("s/m%04d", i), Front: fr})
		}
		want := slices.DeleteFunc(slices.Clone(c.Modules), func(m *curriculum.Module) bool { return m.Front.Reviewed.IsZero() })
		slices.SortStableFunc(want, func(a, b *curriculum.Module) int {
			return cmp.Or(b.Front.Reviewed.Compare(a.Front.Reviewed), cmp.Compare(a.ID, b.ID))
		})
		want = want[:min(len(want), feedSize)]
		if got := feedModules(c); !slices.Equal(got, want) {
			t.Errorf("%d modules: got %d modules, want %d; first %v", n, len(got), len(want), got[:min(3, len(got))])
		}
	}
}
