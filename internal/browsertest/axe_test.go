package browsertest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAxe checks that Axe finds a real violation and passes a sound page,
// so an accessibility test built on it can fail.
func TestAxe(t *testing.T) {
	pages := map[string]string{
		"/bad":  `<!doctype html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1><img src="a.png"></main></body></html>`,
		"/good": `<!doctype html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1><img src="a.png" alt="A chart"></main></body></html>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(pages[r.URL.Path]))
	}))
	defer srv.Close()
	ctx := New(t, time.Minute)
	for _, tc := range []struct {
		path string
		want string // a rule that must be broken, or "" for none
	}{{"/bad", "image-alt"}, {"/good", ""}} {
		for _, scheme := range []string{"light", "dark"} {
			if err := chromedp.Do(ctx, ColorScheme(scheme), chromedp.Navigate(srv.URL+tc.path)); err != nil {
				t.Fatal(err)
			}
			vs := Axe(t, ctx)
			found := false
			for _, v := range vs {
				if v.ID == tc.want {
					found = true
				} else {
					t.Errorf("%s (%s): unexpected violation %s", tc.path, scheme, v)
				}
			}
			if tc.want != "" && !found {
				t.Errorf("%s (%s): axe did not report %s", tc.path, scheme, tc.want)
			}
		}
	}
}
