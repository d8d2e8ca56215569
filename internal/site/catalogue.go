package site

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/render"
)

// The catalogue lists every module in a table, page_size rows a page
// (catalogue/, catalogue/page/2/, ...), like a section. Without
// JavaScript a reader pages through it, or narrows it with the links of
// its filter panel to the term pages. With JavaScript, its filters read
// the catalogue's data file (catalogueData), one compact file for the
// whole curriculum, fetched once when a filter is first set.

// catalogueDataURL is where the catalogue's data file is.
const catalogueDataURL = "catalogue/modules.json"

// catalogue is one page of the catalogue's table.
func (f *Files) catalogue(dst []byte, pg listPage) ([]byte, error) {
	d := f.base("catalogue", pg.url, pg.title(f.t("catalogue_title"), f.t), f.t("catalogue_description"))
	d.Pager, d.DataURL = pg.pager(), catalogueDataURL
	d.Count = len(f.c.ListOrder())
	return f.listed(dst, d, f.rows(pg.modules, d.Root))
}

// catalogueData is the catalogue's data file: what each row of the table
// shows but its summary, for every module in list order, column by column
// (which compresses a third better than module by module), with each
// term, duration and number of credits written once and named by its
// index:
//
//	{"facets": [{"name": "level", "terms": [["basic", "Basic"], ...], "modules": [0, 1, [], [0, 1], ...]}, ...],
//	 "durations": ["", "45 min", "1 h 30 min", ...],
//	 "credits": ["", "1", "1.5", ...],
//	 "modules": {"url": [...], "title": [...], "duration": [1, 0, ...], "credits": [2, 0, ...]}}
//
// Module i is url[i], title[i], ... of "modules": its URL is relative to
// the site root and path-escaped, as the row's link has it (its id is the
// URL without the closing slash, unescaped); its duration and credits
// index "durations" and "credits" ("" when it gives none), formatted as
// the row shows them. A facet's "modules" holds, for module i, the
// indexes of its terms in that facet's "terms": one number for one term,
// an array for none or several. The facets are the table's columns, in
// order.
func (f *Files) catalogueData() ([]byte, error) {
	all := f.c.ListOrder()
	b := make([]byte, 0, 256+len(all)*128)
	b = append(b, `{"facets":[`...)
	for i, fc := range f.c.Facets {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = append(b, `{"name":`...)
		b = appendJSON(b, fc.Name)
		b = append(b, `,"terms":[`...)
		index := make(map[string]int, len(fc.Terms))
		for j, tp := range fc.Terms {
			if j > 0 {
				b = append(b, ',')
			}
			index[tp.Term.ID] = j
			b = append(b, '[')
			b = appendJSON(b, tp.Term.ID)
			b = append(b, ',')
			b = appendJSON(b, tp.Term.Label)
			b = append(b, ']')
		}
		b = append(b, `],"modules":[`...)
		var ids []int
		for k, m := range all {
			if k > 0 {
				b = append(b, ',')
			}
			ids = ids[:0]
			for _, t := range m.Terms(fc.Name) {
				if j, ok := index[t.ID]; ok {
					ids = append(ids, j)
				}
			}
			if len(ids) == 1 {
				b = strconv.AppendInt(b, int64(ids[0]), 10)
				continue
			}
			b = append(b, '[')
			for j, id := range ids {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, int64(id), 10)
			}
			b = append(b, ']')
		}
		b = append(b, "]}"...)
	}
	b = append(b, "],\n"...)

	// The durations and credits, each once, in the order modules first
	// give them.
	durations, credits := newStrings(), newStrings()
	dur := make([]int, len(all))
	cred := make([]int, len(all))
	for i, m := range all {
		if n := m.Front.Minutes; n > 0 {
			s, err := f.theme.Duration(n)
			if err != nil {
				return nil, err
			}
			dur[i] = durations.index(s)
		}
		if m.Front.HasCredits {
			cred[i] = credits.index(render.Credits(m.Front.Credits))
		}
	}
	b = append(b, `"durations":`...)
	b = durations.appendTo(b)
	b = append(b, ",\n"+`"credits":`...)
	b = credits.appendTo(b)

	column := func(name string, each func(b []byte, i int) []byte) {
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":[`...)
		for i := range all {
			if i > 0 {
				b = append(b, ',')
			}
			b = each(b, i)
		}
		b = append(b, ']')
	}
	b = append(b, ",\n"+`"modules":{`...)
	column("url", func(b []byte, i int) []byte { return appendJSON(b, moduleURL(all[i])) })
	b = append(b, ",\n"...)
	column("title", func(b []byte, i int) []byte { return appendJSON(b, all[i].Front.Title) })
	b = append(b, ",\n"...)
	column("duration", func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(dur[i]), 10) })
	b = append(b, ",\n"...)
	column("credits", func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(cred[i]), 10) })
	return append(b, "}}\n"...), nil
}

// moduleURL is m's URL as a link has it: each part between slashes
// path-escaped.
func moduleURL(m *curriculum.Module) string {
	parts := strings.Split(m.URL, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// stringList numbers strings in the order they are first seen; "" is 0.
type stringList struct {
	list []string
	at   map[string]int
}

func newStrings() *stringList { return &stringList{list: []string{""}, at: map[string]int{"": 0}} }

func (l *stringList) index(s string) int {
	i, ok := l.at[s]
	if !ok {
		i = len(l.list)
		l.at[s] = i
		l.list = append(l.list, s)
	}
	return i
}

// appendTo appends the strings as a JSON array.
func (l *stringList) appendTo(b []byte) []byte {
	b = append(b, '[')
	for i, s := range l.list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSON(b, s)
	}
	return append(b, ']')
}

// appendJSON appends s as a JSON string.
func appendJSON(b []byte, s string) []byte {
	plain := utf8.ValidString(s)
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= 0x20 && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		return append(append(append(b, '"'), s...), '"')
	}
	q, _ := json.Marshal(s) // cannot fail for a string
	return append(b, q...)
}
