// Package fields decodes positioned key/value documents — frontmatter and
// cmesite.yaml — strictly into typed Go values.
//
// Documents are held as yaml.v3 nodes, whatever their syntax: YAML directly,
// JSON through the YAML parser (JSON is YAML's subset), TOML through
// BurntSushi/toml and a conversion that keeps each top-level key's line. A
// Decoder reads values out of those nodes and reports every problem — wrong
// type, empty value, bad date — as a diagnostic at the file line of the
// value, with what is allowed, instead of stopping at the first.
//
// Plain YAML — one key, value or list item a line, as organizers write
// frontmatter — is parsed by a small parser of this package (fast.go) that
// makes yaml.v3's tree for it at a fraction of the cost, and hands anything
// else to yaml.v3. FuzzFastYAML holds it to yaml.v3's tree, node for node.
package fields

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/diag"
	"gopkg.in/yaml.v3"
)

// Decoder reads typed values from nodes of one document and reports
// problems into Diags. Line numbers of nodes are relative to the document;
// Offset is added to make them file lines.
type Decoder struct {
	File   string
	Offset int
	Diags  *diag.List
}

// KV is one key of a mapping with its value node.
type KV struct {
	Key   string
	Line  int // file line of the key
	Value *yaml.Node
}

// Line returns the file line of node n.
func (d *Decoder) Line(n *yaml.Node) int {
	if n == nil || n.Line == 0 {
		return 0
	}
	return n.Line + d.Offset
}

// Errorf reports an error at node n.
func (d *Decoder) Errorf(n *yaml.Node, format string, args ...any) {
	d.Diags.Errorf(d.File, d.Line(n), format, args...)
}

// Mapping returns the keys of a mapping node in document order. A node that
// is not a mapping is reported (what names the document part, for example
// "frontmatter") and yields nil. A repeated key is an error.
func (d *Decoder) Mapping(n *yaml.Node, what string) []KV {
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, "%s must be a mapping of keys to values, found %s", what, describe(n))
		return nil
	}
	kvs := make([]KV, 0, len(n.Content)/2)
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if prev, ok := seen[key]; ok {
			d.Errorf(k, "%s: key %q appears twice (first on line %d); keep one", what, key, prev)
			continue
		}
		seen[key] = d.Line(k)
		kvs = append(kvs, KV{Key: key, Line: d.Line(k), Value: v})
	}
	return kvs
}

// Unknown reports a key that is not one of known as a warning with a
// did-you-mean suggestion.
func (d *Decoder) Unknown(kv KV, what string, known []string) {
	allowed := append([]string(nil), known...)
	sort.Strings(allowed)
	d.Diags.Warnf(d.File, kv.Line, "unknown %s field %q is ignored%s; known fields: %s",
		what, kv.Key, diag.DidYouMean(kv.Key, known), strings.Join(allowed, ", "))
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
			continue
		}
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	return n
}

// describe names what a node holds, for messages: "a list", "a mapping",
// `the number 3`, `the text "x"`.
func describe(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	switch n.ShortTag() {
	case "!!null":
		return "an empty value"
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	case "!!timestamp":
		return "the date " + n.Value
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return fmt.Sprintf("the text %q", v)
}

func isScalar(n *yaml.Node) bool { return n != nil && n.Kind == yaml.ScalarNode }

// String reads a non-empty text value. Numbers and dates written without
// quotes are accepted as their text (a title "2024" is still a title).
func (d *Decoder) String(kv KV) (string, bool) {
	n := resolve(kv.Value)
	if !isScalar(n) || n.ShortTag() == "!!null" {
		d.Errorf(valueNode(kv), "%s must be text, found %s", kv.Key, describe(n))
		return "", false
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		d.Errorf(valueNode(kv), "%s must not be empty", kv.Key)
		return "", false
	}
	return s, true
}

// valueNode returns the value node, or a stand-in at the key's line when
// the value is missing, so messages always have a line.
func valueNode(kv KV) *yaml.Node {
	if kv.Value != nil && kv.Value.Line > 0 {
		return kv.Value
	}
	return &yaml.Node{}
}

// Strings reads a list of non-empty texts; a single text is accepted as a
// one-element list when scalarOK is set. An empty list is allowed (nonNil).
func (d *Decoder) Strings(kv KV, scalarOK bool) ([]string, bool) {
	n := resolve(kv.Value)
	if n == nil {
		d.Errorf(valueNode(kv), "%s must be a list, found nothing", kv.Key)
		return nil, false
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" && scalarOK {
		s := strings.TrimSpace(n.Value)
		if s == "" {
			d.Errorf(n, "%s must not be empty", kv.Key)
			return nil, false
		}
		return []string{s}, true
	}
	if n.Kind != yaml.SequenceNode {
		if scalarOK {
			d.Errorf(n, "%s must be a text or a list of texts, found %s", kv.Key, describe(n))
		} else {
			d.Errorf(n, "%s must be a list of texts, found %s", kv.Key, describe(n))
		}
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for _, item := range n.Content {
		item = resolve(item)
		if !isScalar(item) || item.ShortTag() == "!!null" || strings.TrimSpace(item.Value) == "" {
			d.Errorf(item, "each item of %s must be a non-empty text, found %s", kv.Key, describe(item))
			ok = false
			continue
		}
		out = append(out, strings.TrimSpace(item.Value))
	}
	return out, ok
}

// Int reads a whole number.
func (d *Decoder) Int(kv KV) (int, bool) {
	n := resolve(kv.Value)
	if isScalar(n) && n.ShortTag() == "!!int" {
		if v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil && v >= math.MinInt32 && v <= math.MaxInt32 {
			return int(v), true
		}
	}
	d.Errorf(valueNode(kv), "%s must be a whole number, found %s", kv.Key, describe(n))
	return 0, false
}

// Ints reads a list of whole numbers.
func (d *Decoder) Ints(kv KV) ([]int, bool) {
	n := resolve(kv.Value)
	if n == nil || n.Kind != yaml.SequenceNode {
		d.Errorf(valueNode(kv), "%s must be a list of whole numbers, found %s", kv.Key, describe(n))
		return nil, false
	}
	var out []int
	ok := true
	for _, item := range n.Content {
		v, good := d.Int(KV{Key: "each item of " + kv.Key, Line: d.Line(item), Value: item})
		ok = ok && good
		if good {
			out = append(out, v)
		}
	}
	return out, ok
}

// Float reads a number.
func (d *Decoder) Float(kv KV) (float64, bool) {
	n := resolve(kv.Value)
	if isScalar(n) && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
		if v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, true
		}
	}
	d.Errorf(valueNode(kv), "%s must be a number, found %s", kv.Key, describe(n))
	return 0, false
}

// Bool reads true or false.
func (d *Decoder) Bool(kv KV) (bool, bool) {
	n := resolve(kv.Value)
	if isScalar(n) && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	d.Errorf(valueNode(kv), "%s must be true or false, found %s", kv.Key, describe(n))
	return false, false
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Date reads a calendar date written YYYY-MM-DD (quoted or not).
func (d *Decoder) Date(kv KV) (time.Time, bool) {
	n := resolve(kv.Value)
	if isScalar(n) {
		v := strings.TrimSpace(n.Value)
		if len(v) > 10 && (v[10] == 'T' || v[10] == ' ') && dateRE.MatchString(v[:10]) && n.ShortTag() == "!!timestamp" {
			v = v[:10]
		}
		if dateRE.MatchString(v) {
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return t, true
			}
			d.Errorf(n, "%s: %q is not a real calendar date; write YYYY-MM-DD", kv.Key, v)
			return time.Time{}, false
		}
	}
	d.Errorf(valueNode(kv), "%s must be a date written YYYY-MM-DD, found %s", kv.Key, describe(n))
	return time.Time{}, false
}

// Minutes reads a positive duration given as whole minutes (45) or as a Go
// duration string ("45m", "1h30m", "2h").
func (d *Decoder) Minutes(kv KV) (int, bool) {
	n := resolve(kv.Value)
	if isScalar(n) {
		switch n.ShortTag() {
		case "!!int":
			if v, err := strconv.Atoi(n.Value); err == nil && v > 0 {
				return v, true
			}
		case "!!str":
			if dur, err := time.ParseDuration(strings.ReplaceAll(strings.TrimSpace(n.Value), " ", "")); err == nil && dur >= time.Minute && dur%time.Minute == 0 && dur <= 1000*time.Hour {
				return int(dur / time.Minute), true
			}
		}
	}
	d.Errorf(valueNode(kv), "%s must be a positive number of minutes (45) or a duration such as \"45m\" or \"1h30m\", found %s", kv.Key, describe(n))
	return 0, false
}
