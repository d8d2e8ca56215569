package markdown

import (
	"bytes"
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark/util"
)

// linkKind classifies a link destination.
type linkKind int

const (
	// linkOther is left alone and not recorded: an absolute URL
	// ("https:", "mailto:", "tel:", "//host"), an empty destination, "#"
	// or a bare "?query".
	linkOther linkKind = iota
	// linkFragment is a same-page "#frag": recorded, left alone.
	linkFragment
	// linkRelative is a relative path: rewritten for the page URL and
	// recorded.
	linkRelative
	// linkEscapes is a relative path that leaves content/: a diagnostic.
	linkEscapes
	// linkSiteAbsolute is "/x.md": .md files are not served, a warning.
	linkSiteAbsolute
)

// resolved is a classified link destination.
type resolved struct {
	kind     linkKind
	raw      string // the destination as written
	target   string // content-relative cleaned path
	fragment string
	query    string
	hasFrag  bool
	hasQuery bool
	suggest  string // for linkSiteAbsolute: the relative form
}

// resolveLink classifies destination dest (as written in Markdown:
// backslash escapes and entity references not yet resolved) of a link in
// the content file page, whose folder is pageDir (path.Dir(page)). scratch
// is reused for building the target.
func resolveLink(page, pageDir string, dest []byte, scratch *[]byte) resolved {
	if len(dest) == 0 || hasScheme(dest) || bytes.HasPrefix(dest, []byte("//")) {
		return resolved{}
	}
	r := resolved{raw: string(dest)}
	s := r.raw
	if strings.IndexByte(s, '\\') >= 0 || strings.IndexByte(s, '&') >= 0 {
		// What goldmark does before writing href.
		s = string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest))))
		if hasScheme([]byte(s)) || strings.HasPrefix(s, "//") {
			return resolved{}
		}
	}
	s, r.fragment, r.hasFrag = strings.Cut(s, "#")
	p, query, hasQuery := strings.Cut(s, "?")
	r.query, r.hasQuery = query, hasQuery
	if p == "" {
		if r.hasFrag && r.fragment != "" && !hasQuery {
			r.kind = linkFragment
		}
		return r
	}
	if p[0] == '/' {
		if strings.HasSuffix(p, ".md") {
			r.kind = linkSiteAbsolute
			r.suggest = Rel(fileDir(page), strings.TrimPrefix(path.Clean(p), "/"))
		}
		return r
	}
	if strings.IndexByte(p, '%') >= 0 {
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
	}
	isDir := p == "." || p == ".." || strings.HasSuffix(p, "/") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
	joined := appendJoin((*scratch)[:0], pageDir, p) // path.Join without garbage
	*scratch = joined
	switch {
	case string(joined) == ".." || bytes.HasPrefix(joined, []byte("../")):
		r.kind, r.target = linkEscapes, string(joined)
		return r
	case string(joined) == ".": // "./", "..", "a/.." from a top-level page
		r.target = "_index.md"
	case isDir:
		r.target = string(append(joined, "/_index.md"...))
	default:
		r.target = string(joined)
	}
	r.kind = linkRelative
	return r
}

// appendJoin appends path.Join(dir, p) to b.
func appendJoin(b []byte, dir, p string) []byte {
	start := len(b)
	if dir != "" {
		b = append(b, dir...)
		b = append(b, '/')
	}
	b = append(b, p...)
	return append(b[:start], cleanInPlace(b[start:])...)
}

// cleanInPlace is path.Clean working in p's own memory: it returns p's
// prefix holding the cleaned path (or "." for an empty result). It reads
// ahead of where it writes, so one buffer serves both.
func cleanInPlace(p []byte) []byte {
	n := len(p)
	if n == 0 {
		return []byte(".")
	}
	rooted := p[0] == '/'
	r, w, dotdot := 0, 0, 0
	if rooted {
		r, w, dotdot = 1, 1, 1
	}
	for r < n {
		switch {
		case p[r] == '/':
			r++ // empty element
		case p[r] == '.' && (r+1 == n || p[r+1] == '/'):
			r++ // "."
		case p[r] == '.' && p[r+1] == '.' && (r+2 == n || p[r+2] == '/'):
			r += 2 // "..": drop the last element, or keep ".." when there is none
			switch {
			case w > dotdot:
				w--
				for w > dotdot && p[w] != '/' {
					w--
				}
			case !rooted:
				if w > 0 {
					p[w] = '/'
					w++
				}
				p[w], p[w+1] = '.', '.'
				w += 2
				dotdot = w
			}
		default:
			if rooted && w != 1 || !rooted && w != 0 {
				p[w] = '/'
				w++
			}
			for ; r < n && p[r] != '/'; r++ {
				p[w] = p[r]
				w++
			}
		}
	}
	if w == 0 {
		return append(p[:0], '.')
	}
	return p[:w]
}

// fileDir returns the folder of a content path as a URL folder: "pain/"
// for "pain/x.md", "" for "x.md".
func fileDir(p string) string {
	return p[:strings.LastIndexByte(p, '/')+1]
}

// hasScheme reports whether s starts with a URL scheme and ':'
// (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
func hasScheme(s []byte) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// rewrite returns the new destination of a linkRelative link on the page
// at pageURL, written so that goldmark's href escaping (which resolves
// backslash escapes and entities, and keeps %XX) yields the right URL.
func (r resolved) rewrite(pageURL string, scratch *[]byte) []byte {
	to := appendURLFor((*scratch)[:0], r.target)
	*scratch = to
	up, rest := relParts(pageURL, to)
	b := make([]byte, 0, 3*up+len(rest)+len(r.query)+len(r.fragment)+4)
	b = appendUp(b, up, rest)
	b = appendURLText(b, rest, true)
	if r.hasQuery {
		b = append(b, '?')
		b = appendURLText(b, r.query, false)
	}
	if r.hasFrag {
		b = append(b, '#')
		b = appendURLText(b, r.fragment, false)
	}
	return b
}

// appendURLText appends s for goldmark's href escaping: '&' and '\' are
// protected from its entity and escape resolution and, in a path (whose
// percent escapes were decoded), '%', '#' and '?' are percent-escaped.
// Spaces and non-ASCII are left to goldmark.
func appendURLText[S string | []byte](b []byte, s S, isPath bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '\\':
			b = append(b, `\\`...)
		case isPath && c == '%':
			b = append(b, "%25"...)
		case isPath && c == '#':
			b = append(b, "%23"...)
		case isPath && c == '?':
			b = append(b, "%3F"...)
		default:
			b = append(b, c)
		}
	}
	return b
}
