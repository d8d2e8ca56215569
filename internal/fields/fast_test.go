package fields

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"
)

// fastCases are frontmatters as organizers write them, and near misses.
var fastCases = []string{
	"title: Pain at home\nlevel: basic\ntopics:\n  - pain\n  - care-at-home\naudience: [gp, gp-trainee]\nsummary: A session on pain.\nduration: 75\ncredits: 1.0\nreviewed: 2022-12-25\n",
	"title: x\ntopics:\n- a\n- b\nweight: 30\n",
	"summary: \"Conversations: what matters, and who speaks\"\nkeywords: [ACP, \"advance care plan\", PPC]\ncompetencies: [3, 7, 9]\ndisclosures: []\n",
	"title: Ré-évaluation à domicile\nauthors: [\"Dr É. Dupont\", Jan]\n",
	"title: x\n\nlevel: basic\n",
	"title: x",
	"title: x\nreview_by: 2029-3-1\nweight: 07\n",
	"title: true\n",
	"title: yes\nlevel: No\n",
	"title: x # comment\n",
	"title: x\ntitle: y\n",
	"title: \"a\\\"b\"\n",
	"title: 'single'\n",
	"objectives:\n  - a\n   - b\n",
	"objectives:\n  - a\n - b\n",
	"authors:\n  - name: A\n    role: GP\n",
	"topics: [a, b,]\n",
	"topics: [ a , b ]\n",
	"topics: [a,b]\n",
	"topics: [\"a, b\", c]\n",
	"topics: [a\n",
	"topics:\n",
	"title: 1e3\ncredits: .5\nduration: 1_000\n",
	"title: x:y\nsummary: a - b [c] {d}\n",
	"title: 2024-02-30\n",
	"title: 12345678901234567890\n",
	"key: [[a]]\n",
	"- a\n",
	"title: x\n---\n",
	"title:  two spaces\n",
	"title: trailing \n",
	"title: x\n  more\n",
	strings.Repeat("u", 1100) + ": \"0000\"\n", // yaml.v3 refuses keys this long
}

// TestFastYAML: on every case, the fast parser either declines or makes
// yaml.v3's tree; and it takes the frontmatter organizers write (the
// first cases, and every module of the sample curriculum), which is the
// point of having it.
func TestFastYAML(t *testing.T) {
	for _, src := range fastCases {
		sameTree(t, []byte(src))
	}
	for _, src := range fastCases[:5] {
		if _, ok := fastYAML([]byte(src)); !ok {
			t.Errorf("declined %q", src)
		}
	}
	var many strings.Builder
	for i := range fastMaxKeys + 1 {
		fmt.Fprintf(&many, "k%d: v\n", i)
		if _, ok := fastYAML([]byte(many.String())); ok != (i < fastMaxKeys) {
			t.Errorf("with %d keys the fast parser answered %v", i+1, ok)
		}
	}
	taken, all := 0, 0
	err := fs.WalkDir(os.DirFS("../../content"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile("../../content/" + p)
		if err != nil {
			return err
		}
		front, ok := yamlFront(data)
		if !ok {
			return nil
		}
		all++
		if _, ok := fastYAML(front); ok {
			taken++
		} else {
			t.Logf("declined %s", p)
		}
		sameTree(t, front)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if all < 20 || taken < all*9/10 {
		t.Errorf("the fast parser took %d of %d frontmatters of the sample curriculum", taken, all)
	}
	t.Logf("the fast parser took %d of %d frontmatters of the sample curriculum", taken, all)
}

// yamlFront is a file's YAML frontmatter, split as content splits it.
func yamlFront(data []byte) ([]byte, bool) {
	var front []byte
	keep := func(b []byte, _ any) error { front = b; return nil }
	_, err := frontmatter.Parse(bytes.NewReader(data), nil, frontmatter.NewFormat("---", "---", keep))
	return front, err == nil && front != nil
}

// sameTree fails when the fast parser takes data but makes a tree other
// than yaml.v3's.
func sameTree(t *testing.T, data []byte) {
	t.Helper()
	fast, ok := fastYAML(data)
	if !ok {
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("fast parser took %q, which yaml.v3 rejects: %v", data, err)
	}
	if !reflect.DeepEqual(fast, &doc) {
		t.Fatalf("fast parser's tree of %q differs from yaml.v3's:\nfast: %s\nyaml: %s", data, dump(fast), dump(&doc))
	}
}

func dump(n *yaml.Node) string {
	var b strings.Builder
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		fmt.Fprintf(&b, "%s%v style=%v tag=%s value=%q at=%d:%d content=%d (nil %v)\n",
			strings.Repeat("  ", depth), n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, len(n.Content), n.Content == nil)
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// FuzzFastYAML: whatever the input, the fast parser either declines it or
// makes exactly yaml.v3's tree.
func FuzzFastYAML(f *testing.F) {
	for _, s := range fastCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameTree(t, []byte(s))
	})
}

// TestDecode: Decode gives the tree Parse gives, and the values taken
// out of one tree are unchanged after the parser's memory is used again.
func TestDecode(t *testing.T) {
	var kept []string
	for _, src := range fastCases {
		want, wantErr := Parse(YAML, []byte(src))
		calls := 0
		err := Decode(YAML, []byte(src), func(n *yaml.Node) {
			calls++
			if !reflect.DeepEqual(n, want) {
				t.Errorf("Decode(%q) gives another tree than Parse:\n%s\n%s", src, dump(n), dump(want))
			}
			if n != nil && len(n.Content) > 0 && len(n.Content[0].Content) > 1 {
				kept = append(kept, n.Content[0].Content[1].Value)
			}
		})
		if (err == nil) != (wantErr == nil) || (err == nil) != (calls == 1) {
			t.Errorf("Decode(%q): error %v, %d calls; Parse's error %v", src, err, calls, wantErr)
		}
	}
	for _, src := range fastCases {
		Decode(YAML, []byte(strings.ReplaceAll(src, "x", "overwritten")), func(*yaml.Node) {})
	}
	var again []string
	for _, src := range fastCases {
		Decode(YAML, []byte(src), func(n *yaml.Node) {
			if n != nil && len(n.Content) > 0 && len(n.Content[0].Content) > 1 {
				again = append(again, strings.Clone(n.Content[0].Content[1].Value))
			}
		})
	}
	if !reflect.DeepEqual(kept, again) {
		t.Errorf("values kept from Decode changed when the parser was used again:\n%q\n%q", kept, again)
	}
}
