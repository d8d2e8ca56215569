package devserver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzResolve checks the request path mapping: it never panics, a name it
// maps to is clean and inside the site, a redirect goes to a clean local
// path, and serving the path answers with one of the expected statuses.
func FuzzResolve(f *testing.F) {
	for _, seed := range []string{
		"/", "", "/index.html", "/pain/opioids", "/pain/opioids/", "/../x", "/a/../../b",
		"//evil.example/", "/./", "/a//b", `/..\..\x`, "/caf\u00e9/", "/\x00", "/%", "x", "/pain/opioids/..",
	} {
		f.Add(seed)
	}
	files := site()
	s := published(files)
	f.Fuzz(func(t *testing.T, p string) {
		tg := resolve(MapFiles(files), p)
		switch {
		case tg.Redirect != "":
			if !strings.HasPrefix(tg.Redirect, "/") || strings.HasPrefix(tg.Redirect, "//") {
				t.Fatalf("resolve(MapFiles(%q)) redirects off the site to %q", p, tg.Redirect)
			}
			if cleanPath(tg.Redirect) != tg.Redirect {
				t.Fatalf("resolve(MapFiles(%q)) redirects to unclean %q", p, tg.Redirect)
			}
			if tg.Redirect == p {
				t.Fatalf("resolve(MapFiles(%q)) redirects to itself", p)
			}
			if again := resolve(MapFiles(files), tg.Redirect); again.Redirect != "" && again.Redirect != tg.Redirect+"/" {
				t.Fatalf("resolve(MapFiles(%q)) -> %q -> %q: a redirect chain", p, tg.Redirect, again.Redirect)
			}
		default:
			if strings.HasPrefix(tg.Name, "/") {
				t.Fatalf("resolve(MapFiles(%q)) = rooted name %q", p, tg.Name)
			}
			for _, seg := range strings.Split(tg.Name, "/") {
				if seg == ".." || seg == "." || seg == "" {
					t.Fatalf("resolve(MapFiles(%q)) = unclean name %q", p, tg.Name)
				}
			}
			if _, ok := files[tg.Name]; ok != tg.Found {
				t.Fatalf("resolve(MapFiles(%q)) = %+v, but the site has it: %v", p, tg, ok)
			}
		}

		r := local(httptest.NewRequest("GET", "/", nil))
		r.URL = &url.URL{Path: p}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusMovedPermanently, http.StatusNotFound:
		default:
			t.Fatalf("GET %q: status %d", p, w.Code)
		}
		if w.Code == http.StatusOK && tg.Found && !bytes.Contains(w.Body.Bytes(), files[tg.Name][:min(8, len(files[tg.Name]))]) {
			t.Fatalf("GET %q served something other than %s", p, tg.Name)
		}
	})
}

// FuzzInject checks that injection adds the tag exactly once and removes
// nothing.
func FuzzInject(f *testing.F) {
	for _, seed := range []string{"", "<body></body>", "</BODY >", "</body", "a</body>b</body>", ScriptTag} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := string(inject([]byte(in)))
		if strings.Contains(in, ScriptTag) {
			if out != in {
				t.Fatalf("inject(%q) = %q; the tag was already there", in, out)
			}
			return
		}
		if strings.Count(out, ScriptTag) != 1 {
			t.Fatalf("inject(%q) = %q: tag not exactly once", in, out)
		}
		if strings.Replace(out, ScriptTag, "", 1) != in {
			t.Fatalf("inject(%q) = %q: changed more than the tag", in, out)
		}
	})
}
