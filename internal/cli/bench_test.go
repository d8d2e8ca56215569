package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cmesite/cmesite/internal/devserver"
)

// BenchmarkServeEdit measures what an author sees: from the write of one
// module's file to the server answering with the new page content, through
// the real watcher (with its debounce), the incremental rebuild and the
// dev server. It reports the median in ms. Set CMESITE_BENCH_SITE to a
// site root (e.g. one made by ../shared/bench/gen-corpus.py).
func BenchmarkServeEdit(b *testing.B) {
	root := os.Getenv("CMESITE_BENCH_SITE")
	if root == "" {
		b.Skip("set CMESITE_BENCH_SITE to a site root holding content/")
	}
	matches, _ := filepath.Glob(filepath.Join(root, "content", "*", "*.md"))
	var file string
	for _, m := range matches {
		if filepath.Base(m) != "_index.md" {
			file = m
			break
		}
	}
	orig, _ := os.ReadFile(file)
	defer os.WriteFile(file, orig, 0o644)
	rel, _ := filepath.Rel(filepath.Join(root, "content"), file)
	page := strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ServeOptions{Source: root, Addr: "127.0.0.1:0",
			Ready: func(url string, _ *devserver.Server) { ready <- url }}, io.Discard, io.Discard)
	}()
	url := <-ready
	client := &http.Client{}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		marker := fmt.Sprintf("benchmark-edit-%d-%d", time.Now().UnixNano(), i)
		start := time.Now()
		os.WriteFile(file, append(append([]byte(nil), orig...), "\n"+marker+"\n"...), 0o644)
		for {
			resp, err := client.Get(url + page)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), marker) {
				break
			}
			if time.Since(start) > 30*time.Second {
				b.Fatal("the edit never showed")
			}
			time.Sleep(time.Millisecond) // polling the server as a browser would wait for it
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
	cancel()
	<-done
}
