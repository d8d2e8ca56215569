package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/linkcheck"
	"github.com/cmesite/cmesite/internal/site"
)

// printGitHub prints diagnostics as GitHub Actions workflow commands
// (::error file=PATH,line=N,col=C::MESSAGE and ::warning ...), which
// GitHub shows as annotations on the files of a pull request. Values are
// escaped as GitHub's runner unescapes them: %, CR and LF in the message;
// also : and , in the properties.
func printGitHub(w io.Writer, diags diag.List) {
	bw := bufio.NewWriter(w)
	for _, d := range diags {
		bw.WriteString("::")
		bw.WriteString(d.Severity.String())
		bw.WriteString(" file=")
		bw.WriteString(escapeProperty(d.File))
		if d.Line > 0 {
			fmt.Fprintf(bw, ",line=%d", d.Line)
			if d.Col > 0 {
				fmt.Fprintf(bw, ",col=%d", d.Col)
			}
		}
		bw.WriteString("::")
		bw.WriteString(escapeData(d.Message))
		bw.WriteByte('\n')
	}
	bw.Flush()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

// checkExternal checks the http(s) links of the built site (check
// --external) and returns a warning at each dead link's file and line.
// The cache file is cacheFile, or linkcheck.DefaultCachePath(); a cache
// that cannot be read or written is only noted. Ctrl-C stops the check:
// the links not asked yet are reported as not checked.
func checkExternal(b *site.Builder, cacheFile string, stderr io.Writer) diag.List {
	links := b.ExternalLinks()
	if len(links) == 0 {
		return nil
	}
	var urls []string
	for _, l := range links {
		urls = append(urls, l.URL)
	}
	slices.Sort(urls)
	urls = slices.Compact(urls)
	if cacheFile == "" {
		p, err := linkcheck.DefaultCachePath()
		if err != nil {
			fmt.Fprintf(stderr, "cmesite check: no cache folder (%v); every link is asked\n", err)
		}
		cacheFile = p
	}
	opts := linkcheck.Options{}
	if cacheFile != "" {
		opts.Cache = linkcheck.OpenCache(cacheFile)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(stderr, "checking %s...\n", plural(len(urls), "external link", "external links"))
	res := linkcheck.Check(ctx, urls, opts)
	if err := opts.Cache.Save(time.Now(), 0); err != nil {
		fmt.Fprintf(stderr, "cmesite check: cannot write the link cache %s: %v\n", cacheFile, err)
	}
	var diags diag.List
	for _, l := range links {
		if r := res[l.URL]; !r.OK {
			diags.Warnf(l.File, l.Line, "dead external link %s: %s; fix or remove the link, or check it in a browser", l.URL, r.Reason)
		}
	}
	diags.Sort()
	return diags
}
