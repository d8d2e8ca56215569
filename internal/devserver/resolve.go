package devserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	htmlesc "html"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

const notFoundFile = "404.html"

// target is where a request path leads in a site.
type target struct {
	Redirect string // non-empty: answer 301 with this clean path
	Name     string // the output path the request maps to
	Found    bool   // Name is in the site
}

// cleanPath returns the clean, rooted form of a URL path, keeping a trailing
// slash: no "." or ".." segments, no repeated slashes.
func cleanPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// resolve maps a request path to an output path of files. A path that is not
// clean redirects to its clean form, so the name it maps to never contains
// "." or ".." segments; a folder with an index redirects to its slash form.
func resolve(files Files, urlPath string) target {
	p := cleanPath(urlPath)
	if p != urlPath && urlPath != "" {
		return target{Redirect: p}
	}
	name := strings.TrimPrefix(p, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if exists(files, name) {
		return target{Name: name, Found: true}
	}
	if !strings.HasSuffix(p, "/") && exists(files, name+"/index.html") {
		return target{Redirect: p + "/"}
	}
	return target{Name: name}
}

// exists reports whether files has name (a page that cannot be made is
// there, as an error).
func exists(files Files, name string) bool {
	_, err := files.Get(name)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

// get returns what a request for the file name that exists answers: its
// bytes, or a page that says why it could not be made (status 500).
func get(files Files, name string) (int, string, []byte) {
	data, err := files.Get(name)
	if err != nil {
		return http.StatusInternalServerError, "error.html", []byte("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cmesite: page not made</title></head>\n<body><h1>This page could not be made</h1><pre>" +
			htmlesc.EscapeString(err.Error()) + "</pre><p>Fix the theme or content; this page reloads when it is made.</p></body></html>\n")
	}
	return http.StatusOK, name, data
}

// page is what a browser shows for a path: the status and the file's bytes
// (before injection).
type page struct {
	status int
	body   []byte
}

// lookupPage returns what a page at urlPath (as the browser's location
// reports it) shows in files, following one redirect.
func lookupPage(files Files, urlPath string) page {
	if files == nil {
		return page{status: http.StatusServiceUnavailable}
	}
	t := resolve(files, cleanPath(urlPath))
	if t.Redirect != "" {
		t = resolve(files, t.Redirect)
	}
	if t.Found {
		status, _, body := get(files, t.Name)
		return page{status, body}
	}
	body, _ := files.Get(notFoundFile)
	return page{http.StatusNotFound, body}
}

func (p page) equal(q page) bool {
	return p.status == q.status && bytes.Equal(p.body, q.body)
}

func (p page) hash() string { return pageHash(p.status, p.body) }

// pageHash identifies a page's status and bytes in 16 hex digits.
func pageHash(status int, body []byte) string {
	h := sha256.New()
	h.Write([]byte{byte(status >> 8), byte(status)})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// types pins the content types of the files a site is made of, so they do
// not depend on the host's mime tables.
var types = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".xml":         "application/xml; charset=utf-8",
	".svg":         "image/svg+xml",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
	".ics":         "text/calendar; charset=utf-8",
}

// contentType picks the Content-Type from the file name's extension,
// sniffing the bytes only when the extension is unknown.
func contentType(name string, body []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(body)
}

func isHTML(ctype string) bool {
	mt, _, _ := strings.Cut(ctype, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/html")
}

// injectAt is where the reload script goes in body: before the last
// </body>, else at the end; -1 when body carries it already.
func injectAt(body []byte) int {
	if bytes.Contains(body, []byte(ScriptTag)) {
		return -1
	}
	if at := lastCloseBody(body); at >= 0 {
		return at
	}
	return len(body)
}

// lastCloseBody finds the last "</body" (any case) that ends a tag name.
func lastCloseBody(b []byte) int {
	const tag = "</body"
	for i := len(b) - len(tag); i >= 0; i-- {
		if b[i] != '<' || !bytes.EqualFold(b[i:i+len(tag)], []byte(tag)) {
			continue
		}
		j := i + len(tag)
		if j == len(b) || b[j] == '>' || b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r' || b[j] == '\f' || b[j] == '/' {
			return i
		}
	}
	return -1
}

// serveBody writes one file: its Content-Type (unless already set), the
// reload script when it is HTML, and the page hash for the script.
func serveBody(w http.ResponseWriter, r *http.Request, status int, name string, body []byte, hash func() string) {
	h := w.Header()
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = contentType(name, body)
		h.Set("Content-Type", ctype)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	if isHTML(ctype) {
		if hash != nil { // only pages carry one: an image or PDF is not hashed on every request
			h.Set("Server-Timing", `cmesite;desc="`+hash()+`"`)
		}
		if at := injectAt(body); at >= 0 {
			// Written around the script, not copied with it: a page
			// is asked for after every save, by every open tab. A
			// page is always sent whole (a Range request too, which
			// HTTP allows); only media files need ranges.
			h.Set("Content-Length", strconv.Itoa(len(body)+len(ScriptTag)))
			w.WriteHeader(status)
			if r.Method != http.MethodHead {
				_, _ = w.Write(body[:at])
				_, _ = io.WriteString(w, ScriptTag)
				_, _ = w.Write(body[at:])
			}
			return
		}
	}
	if status == http.StatusOK {
		// Handles HEAD, Content-Length and Range requests (media files).
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
