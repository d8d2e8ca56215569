package fields

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// Syntax is the language of a document.
type Syntax string

// The syntaxes frontmatter may be written in.
const (
	YAML Syntax = "YAML"
	TOML Syntax = "TOML"
	JSON Syntax = "JSON"
)

// SyntaxError is a document that does not parse; Line is relative to the
// document (1-based, 0 when unknown).
type SyntaxError struct {
	Syntax Syntax
	Line   int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("invalid %s: %s", e.Syntax, e.Msg) }

// Parse parses data written in syntax into a node tree whose lines are
// relative to data. An empty document yields a nil node and no error; a
// document that does not parse, the error with its line.
func Parse(syntax Syntax, data []byte) (*yaml.Node, *SyntaxError) {
	if syntax == YAML {
		if n, ok := fastYAML(data); ok {
			return n, nil
		}
	}
	return parse(syntax, data)
}

// parse is Parse by the libraries alone.
func parse(syntax Syntax, data []byte) (*yaml.Node, *SyntaxError) {
	switch syntax {
	case TOML:
		return parseTOML(data)
	case JSON:
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			line := 0 // decoding into any fails only on syntax
			if se := (*json.SyntaxError)(nil); errors.As(err, &se) {
				line = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			}
			return nil, &SyntaxError{Syntax: JSON, Line: line, Msg: strings.TrimPrefix(err.Error(), "json: ")}
		}
		// JSON is YAML: parse again for positions.
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		_, msg := yamlErrorLine(err)
		return nil, &SyntaxError{Syntax: syntax, Line: yamlProblemLine(data), Msg: msg}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return &doc, nil
}

// Decode parses data as Parse does and gives the tree to use, which must
// not keep the tree or any node of it once it returns: their memory is
// used again by the next Decode. The values are the caller's to keep.
// A module's frontmatter is decoded this way, without an allocation per
// node (fastYAML).
func Decode(syntax Syntax, data []byte, use func(*yaml.Node)) *SyntaxError {
	if syntax == YAML {
		p := fastParsers.Get().(*fastParser)
		defer fastParsers.Put(p)
		defer p.release()
		if n, ok := p.parse(data); ok {
			use(n)
			return nil
		}
	}
	n, se := parse(syntax, data)
	if se == nil {
		use(n)
	}
	return se
}

// yamlErrorLine splits yaml.v3's message, which gives its position only as
// text ("yaml: line 3: did not find expected key"), into that line (0 when
// there is none) and the message.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, e := strconv.Atoi(rest[:i]); e == nil {
				return n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return 0, msg
}

// maxProblemSearch is the number of lines of a document that fails to parse
// up to which yamlProblemLine looks for the line of the problem itself;
// frontmatter and cmesite.yaml are far shorter.
const maxProblemSearch = 2000

// yamlProblemLine returns the line (1-based, relative to data) on which
// data, which yaml.v3 failed to parse, goes wrong for good: the first line
// after the longest prefix of whole lines that still parses.
//
// yaml.v3's own line is not that line. Its parser (decode.go, fail) prints
// the line of the "context mark" — where the construct being parsed began
// — and else of the "problem mark", and adds one to turn the 0-based mark
// into a line number only for scanner errors, not for parser errors. So an
// unclosed flow sequence "topics: [a, b" on line 4 is reported on line 3,
// a list item indented too little on line 5 ("  - a" then " - b") on line
// 4, and a problem whose context is on the first line is reported at the
// line of the problem instead. The library has no other way to give the
// position (its marks are not exported), so the line is found here by
// parsing prefixes: a YAML document cut after a whole line parses as long
// as the cut does not fall inside a flow collection or a quoted text, so
// the longest prefix that parses ends just before the line that broke the
// document. An unclosed "[" or quote breaks every prefix that contains it,
// so it is reported on its own line; bad indentation, a tab or a stray ':'
// on the line where it is. A document longer than maxProblemSearch lines
// falls back to yaml.v3's line.
func yamlProblemLine(data []byte) int {
	var ends []int // offset just past each line
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	if len(ends) > maxProblemSearch {
		var doc yaml.Node
		line, _ := yamlErrorLine(yaml.Unmarshal(data, &doc))
		return max(line, 1)
	}
	for n := len(ends) - 1; n > 0; n-- {
		var doc yaml.Node
		if yaml.Unmarshal(data[:ends[n-1]], &doc) == nil {
			return n + 1
		}
	}
	return 1
}

func parseTOML(data []byte) (*yaml.Node, *SyntaxError) {
	var m map[string]any
	md, err := toml.Decode(string(data), &m)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &SyntaxError{Syntax: TOML, Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &SyntaxError{Syntax: TOML, Msg: err.Error()}
	}
	lines := tomlKeyLines(data)
	root := &yaml.Node{Kind: yaml.MappingNode, Line: 1}
	// Keys in document order, as TOML wrote them.
	keys := make([]string, 0, len(m))
	for _, k := range md.Keys() {
		if len(k) == 1 {
			keys = append(keys, k[0])
		}
	}
	if len(keys) != len(m) { // defensive: fall back to sorted order
		keys = keys[:0]
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	}
	for _, k := range keys {
		line := lines[k]
		if line == 0 {
			line = 1
		}
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: line},
			tomlNode(m[k], line))
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}, Line: 1}, nil
}

// tomlKeyLines finds the line of each top-level key ("key = ..." before
// any [table]).
func tomlKeyLines(data []byte) map[string]int {
	out := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		s := strings.TrimSpace(line)
		if strings.HasPrefix(s, "[") {
			name := strings.Trim(s, "[] \t")
			if _, ok := out[name]; !ok {
				out[name] = i + 1
			}
			continue
		}
		if eq := strings.IndexByte(s, '='); eq > 0 {
			key := strings.Trim(strings.TrimSpace(s[:eq]), `"'`)
			if _, ok := out[key]; !ok {
				out[key] = i + 1
			}
		}
	}
	return out
}

func tomlNode(v any, line int) *yaml.Node {
	scalar := func(tag, val string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: val, Line: line}
	}
	switch v := v.(type) {
	case string:
		return scalar("!!str", v)
	case int64:
		return scalar("!!int", strconv.FormatInt(v, 10))
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return scalar("!!str", fmt.Sprint(v))
		}
		return scalar("!!float", strconv.FormatFloat(v, 'g', -1, 64))
	case bool:
		return scalar("!!bool", strconv.FormatBool(v))
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return scalar("!!timestamp", v.Format(time.DateOnly))
		}
		return scalar("!!timestamp", v.Format(time.RFC3339))
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line}
		for _, item := range v {
			n.Content = append(n.Content, tomlNode(item, line))
		}
		return n
	case []map[string]any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line}
		for _, item := range v {
			n.Content = append(n.Content, tomlNode(item, line))
		}
		return n
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			n.Content = append(n.Content, scalar("!!str", k), tomlNode(v[k], line))
		}
		return n
	}
	return scalar("!!str", fmt.Sprint(v))
}
