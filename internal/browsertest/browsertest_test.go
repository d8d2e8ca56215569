package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestVisible: Visible waits for a shown element, and does not take an
// element that is hidden or absent for one.
func TestVisible(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><title>x</title></head><body>
<p id="shown">shown</p><p id="hidden" hidden>hidden</p><div style="display:none"><p id="inside">inside</p></div>
<script>setTimeout(() => document.body.insertAdjacentHTML("beforeend", '<p id="later">later</p>'), 300)</script>
</body></html>`))
	}))
	defer srv.Close()
	ctx := New(t, time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), Visible("#shown"), Visible("#later")); err != nil {
		t.Fatalf("a shown element, and one added later: %v", err)
	}
	for _, sel := range []string{"#hidden", "#inside", "#absent"} {
		short, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := chromedp.Do(short, Visible(sel))
		cancel()
		if err == nil {
			t.Errorf("Visible(%q) took an element that is not shown", sel)
		}
	}
}
