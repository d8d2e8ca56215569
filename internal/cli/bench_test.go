package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/devserver"
	"github.com/cmesite/cmesite/themes"
)

// BenchmarkServeSave measures what an author sees: from a save to the
// server answering with the page that shows it, through the real watcher
// (with its debounce), the rebuild and the dev server, for each kind of
// save. Each sub-benchmark reports the median and the slowest save in ms.
// Set CMESITE_BENCH_SITE to a site root (one made by
// ../shared/bench/gen-corpus.py, for example); the benchmark changes
// files there and puts them back.
//
//	CMESITE_BENCH_SITE=/tmp/b10k go test ./internal/cli -run X -bench ServeSave -benchtime 10x
func BenchmarkServeSave(b *testing.B) {
	root := os.Getenv("CMESITE_BENCH_SITE")
	if root == "" {
		b.Skip("set CMESITE_BENCH_SITE to a site root holding content/")
	}
	content := filepath.Join(root, "content")
	sections, _ := filepath.Glob(filepath.Join(content, "*", "_index.md"))
	if len(sections) == 0 {
		b.Skip("no section in " + content)
	}
	section := filepath.Dir(sections[0])
	modules, _ := filepath.Glob(filepath.Join(section, "*.md"))
	modules = slices.DeleteFunc(modules, func(p string) bool { return filepath.Base(p) == "_index.md" })
	module := modules[len(modules)/2]
	urlOf := func(file string) string {
		rel, _ := filepath.Rel(content, file)
		return strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
	}
	// Put back what the benchmark changes, whatever happens.
	restore := map[string][]byte{}
	keep := func(file string) {
		if _, ok := restore[file]; ok {
			return
		}
		data, err := os.ReadFile(file)
		if err != nil {
			data = nil // did not exist: remove it
		}
		restore[file] = data
	}
	var made []string
	defer func() {
		for file, data := range restore {
			if data == nil {
				os.Remove(file)
			} else {
				os.WriteFile(file, data, 0o644)
			}
		}
		for _, p := range slices.Backward(made) {
			os.RemoveAll(p)
		}
	}()
	for _, f := range []string{module, sections[0], filepath.Join(root, "cmesite.yaml")} {
		keep(f)
	}
	themeFile := filepath.Join(root, "themes", "default", "templates", "module.html")
	if _, err := os.Stat(filepath.Join(root, "themes")); err != nil {
		made = append(made, filepath.Join(root, "themes"))
	} else {
		keep(themeFile)
	}
	moduleHTML, _ := fs.ReadFile(themes.Default(), "templates/module.html")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var log io.Writer = io.Discard
	if name := os.Getenv("CMESITE_BENCH_LOG"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		log = f
	}
	go func() {
		done <- Serve(ctx, ServeOptions{Source: root, Addr: "127.0.0.1:0",
			Ready: func(url string, _ *devserver.Server) { ready <- url }}, log, log)
	}()
	base := <-ready
	client := &http.Client{}
	// wait polls url until its body contains want (or, with want "",
	// until it answers 404), as a browser waits for its page. The
	// browser is another process: the poll reads into one buffer, so as
	// not to load the server's heap with a page's copy per millisecond.
	var page bytes.Buffer
	wait := func(b *testing.B, start time.Time, url, want string) {
		for {
			resp, err := client.Get(base + url)
			if err != nil {
				b.Fatal(err)
			}
			page.Reset()
			_, _ = page.ReadFrom(resp.Body)
			resp.Body.Close()
			body := page.Bytes()
			if want == "" && resp.StatusCode == http.StatusNotFound || want != "" && bytes.Contains(body, []byte(want)) {
				return
			}
			if time.Since(start) > 60*time.Second {
				b.Fatalf("the save never showed at /%s", url)
			}
			time.Sleep(time.Millisecond)
		}
	}
	orig := restore[module]
	origIndex := restore[sections[0]]
	summary := regexp.MustCompile(`\n(summary|description): ("?)`)
	title := regexp.MustCompile(`\ntitle: "?`)
	level := regexp.MustCompile(`\nlevel: [a-z-]+\n`)
	n := 0
	marker := func() string { n++; return fmt.Sprintf("bench%dx%d", time.Now().UnixNano()%1e9, n) }
	write := func(file string, data []byte) {
		if err := os.WriteFile(file, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// A save: do returns the URL to poll and what it must show.
	type save struct {
		name string
		do   func(b *testing.B, mark string) (url, want string)
		undo func(b *testing.B) // after the measured save, not measured
	}
	saves := []save{
		{"body", func(b *testing.B, mark string) (string, string) {
			write(module, append(bytes.Clone(orig), "\n"+mark+"\n"...))
			return urlOf(module), mark
		}, nil},
		{"summary", func(b *testing.B, mark string) (string, string) {
			write(module, summary.ReplaceAll(orig, []byte("\n${1}: ${2}"+mark+" ")))
			return urlOf(module), mark
		}, nil},
		{"title-moves", func(b *testing.B, mark string) (string, string) {
			write(module, title.ReplaceAll(orig, []byte("${0}A "+mark+" ")))
			return urlOf(module), mark
		}, nil},
		{"level", func(b *testing.B, mark string) (string, string) {
			data := append(bytes.Clone(orig), "\n"+mark+"\n"...)
			if bytes.Contains(data, []byte("\nlevel: basic\n")) {
				data = level.ReplaceAll(data, []byte("\nlevel: specialist\n"))
			} else {
				data = level.ReplaceAll(data, []byte("\nlevel: basic\n"))
			}
			write(module, data)
			return urlOf(module), mark
		}, nil},
		{"new-module", func(b *testing.B, mark string) (string, string) {
			file := filepath.Join(section, "bench-new-"+mark+".md")
			keep(file)
			write(file, summary.ReplaceAll(orig, []byte("\n${1}: ${2}"+mark+" ")))
			return urlOf(file), mark
		}, func(b *testing.B) {
			files, _ := filepath.Glob(filepath.Join(section, "bench-new-*.md"))
			for _, f := range files {
				os.Remove(f)
				wait(b, time.Now(), urlOf(f), "")
			}
		}},
		{"delete", func(b *testing.B, mark string) (string, string) {
			file := filepath.Join(section, "bench-gone.md")
			if err := os.Remove(file); err != nil {
				b.Fatal(err)
			}
			return urlOf(file), ""
		}, nil},
		{"rename", func(b *testing.B, mark string) (string, string) {
			from, to := filepath.Join(section, "bench-gone.md"), filepath.Join(section, "bench-renamed.md")
			keep(to)
			if err := os.Rename(from, to); err != nil {
				b.Fatal(err)
			}
			return urlOf(to), mark
		}, func(b *testing.B) {
			to := filepath.Join(section, "bench-renamed.md")
			os.Remove(to)
			wait(b, time.Now(), urlOf(to), "")
		}},
		{"new-folder", func(b *testing.B, mark string) (string, string) {
			dir := filepath.Join(content, "bench-folder-"+mark)
			made = append(made, dir)
			if err := os.Mkdir(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			file := filepath.Join(dir, "module.md")
			write(file, summary.ReplaceAll(orig, []byte("\n${1}: ${2}"+mark+" ")))
			return urlOf(file), mark
		}, func(b *testing.B) {
			dir := made[len(made)-1]
			os.RemoveAll(dir)
			made = made[:len(made)-1]
			wait(b, time.Now(), urlOf(filepath.Join(dir, "module.md")), "")
		}},
		{"section-index", func(b *testing.B, mark string) (string, string) {
			write(sections[0], summary.ReplaceAll(origIndex, []byte("\n${1}: ${2}"+mark+" ")))
			rel, _ := filepath.Rel(content, section)
			return filepath.ToSlash(rel) + "/", mark
		}, nil},
		{"config", func(b *testing.B, mark string) (string, string) {
			data := restore[filepath.Join(root, "cmesite.yaml")]
			data = append(regexp.MustCompile(`(?m)^title:.*\n`).ReplaceAll(bytes.Clone(data), nil), "title: "+mark+"\n"...)
			write(filepath.Join(root, "cmesite.yaml"), data)
			return urlOf(module), mark
		}, nil},
		{"theme", func(b *testing.B, mark string) (string, string) {
			os.MkdirAll(filepath.Dir(themeFile), 0o755)
			write(themeFile, bytes.Replace(moduleHTML, []byte(`{{define "main"}}`), []byte(`{{define "main"}}<p>`+mark+`</p>`), 1))
			return urlOf(module), mark
		}, nil},
	}
	// before is the unmeasured step a save starts from: the file that
	// delete and rename take away is there, and served.
	before := func(b *testing.B, name, mark string) {
		if name != "delete" && name != "rename" {
			return
		}
		file := filepath.Join(section, "bench-gone.md")
		keep(file)
		write(file, summary.ReplaceAll(orig, []byte("\n${1}: ${2}"+mark+" ")))
		wait(b, time.Now(), urlOf(file), mark)
	}
	for _, s := range saves {
		b.Run(s.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				mark := marker()
				b.StopTimer()
				before(b, s.name, mark)
				b.StartTimer()
				start := time.Now()
				url, want := s.do(b, mark)
				wait(b, start, url, want)
				lat = append(lat, time.Since(start))
				if s.undo != nil {
					b.StopTimer()
					s.undo(b)
					b.StartTimer()
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		})
	}
	cancel()
	<-done
}
