package organize

import (
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		by   time.Time
		want string
	}{
		{time.Time{}, NoReview},
		{day.AddDate(0, 0, -1), Overdue},
		{day, Due}, // due today is not yet overdue
		{day.AddDate(0, 0, 90), Due},
		{day.AddDate(0, 0, 91), Fine},
	} {
		if got := Status(tt.by, day); got != tt.want {
			t.Errorf("Status(%s) = %s, want %s", tt.by.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestCatalogueURL(t *testing.T) {
	// In facet order, whatever the order given, as the catalogue writes them.
	if got := CatalogueURL([2]string{"audience", "gp"}, [2]string{"topic", "pain & dying"}, [2]string{"level", "basic"}); got != "catalogue/?level=basic&topic=pain+%26+dying&audience=gp" {
		t.Errorf("CatalogueURL = %s", got)
	}
}
