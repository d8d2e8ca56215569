package site

import (
	"bytes"
	"encoding/xml"
	"slices"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/curriculum"
)

// feedSize caps feed.xml: the most recently reviewed modules.
const feedSize = 50

// abs makes a site-relative URL absolute when the site has a base URL;
// without one, sitemap and feed carry root-relative paths ("/pain/x/"),
// which crawlers and feed readers resolve against where the file was found.
func abs(cfg *config.Config, url string) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL + url
	}
	return "/" + url
}

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Link    []atomLink  `xml:"link"`
	Updated string      `xml:"updated"`
	Author  *atomAuthor `xml:"author,omitempty"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string    `xml:"title"`
	ID      string    `xml:"id"`
	Link    atomLink  `xml:"link"`
	Updated string    `xml:"updated"`
	Summary string    `xml:"summary"`
	Cats    []atomCat `xml:"category"`
}

type atomCat struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// feedModules are the feedSize most recently reviewed modules, newest
// first, then by ID: picked in one pass over the modules (which are in ID
// order), without sorting them all. A module without a review date is
// not among them: the feed tells readers what was reviewed, and it has
// no date to give such a module but the build day, which would show it
// as updated after every build.
func feedModules(c *curriculum.Curriculum) []*curriculum.Module {
	top := make([]*curriculum.Module, 0, feedSize+1)
	for _, m := range c.Modules {
		r := m.Front.Reviewed
		if r.IsZero() {
			continue
		}
		if len(top) == feedSize && !r.After(top[feedSize-1].Front.Reviewed) {
			continue // not newer than the last: an equal date with a later ID loses
		}
		i, _ := slices.BinarySearchFunc(top, r, func(x *curriculum.Module, r time.Time) int {
			if x.Front.Reviewed.Before(r) {
				return 1 // x is older: r goes before it
			}
			return -1 // x is newer or as new (and has an earlier ID)
		})
		top = slices.Insert(top, i, m)
		if len(top) > feedSize {
			top = top[:feedSize]
		}
	}
	return top
}

// feed is an Atom feed of ms, the most recently reviewed modules (each
// with a review date), newest first. The feed is as new as its newest
// entry; one without entries carries the build day, as Atom requires a
// date.
func feed(c *curriculum.Curriculum, ms []*curriculum.Module, today time.Time) []byte {
	cfg := c.Config
	day := func(t time.Time) string { return t.UTC().Format("2006-01-02") + "T00:00:00Z" }
	f := atomFeed{NS: "http://www.w3.org/2005/Atom", Title: cfg.Title, ID: abs(cfg, ""),
		Link:   []atomLink{{Href: abs(cfg, "")}, {Rel: "self", Href: abs(cfg, "feed.xml")}},
		Author: &atomAuthor{Name: cfg.Title}, Updated: day(today)}
	if len(ms) > 0 {
		f.Updated = day(ms[0].Front.Reviewed)
	}
	for _, m := range ms {
		e := atomEntry{Title: m.Front.Title, ID: abs(cfg, m.URL), Link: atomLink{Href: abs(cfg, m.URL)},
			Updated: day(m.Front.Reviewed), Summary: m.Front.Summary}
		for _, facet := range []string{content.FacetLevel, content.FacetTopic} {
			for _, t := range m.Terms(facet) {
				e.Cats = append(e.Cats, atomCat{Term: facet + ":" + t.ID, Label: t.Label})
			}
		}
		f.Entries = append(f.Entries, e)
	}
	return encodeXML(f)
}

func encodeXML(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		panic(err) // only fixed struct types are encoded here
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func robots(cfg *config.Config) []byte {
	s := "User-agent: *\nAllow: /\n"
	if cfg.BaseURL != "" {
		s += "Sitemap: " + cfg.BaseURL + "sitemap.xml\n"
	}
	return []byte(s)
}
