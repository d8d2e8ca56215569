package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/devserver"
	"github.com/cmesite/cmesite/internal/diag"
	"github.com/cmesite/cmesite/internal/site"
	"github.com/cmesite/cmesite/internal/watch"
)

// ServeOptions configure a dev server.
type ServeOptions struct {
	Source string
	Addr   string
	Drafts bool
	Poll   time.Duration
	Open   bool
	// NoOrganizerPages leaves out the organizer pages (--no-organizer-pages).
	NoOrganizerPages bool
	// Ready, when set, is called once the first build is published and the
	// server listens (tests use it to find the address and wait on builds).
	Ready func(url string, srv *devserver.Server)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	set := flags("serve", "[--source DIR] [--addr 127.0.0.1:1313] [--drafts] [--poll DURATION] [--open] [--no-organizer-pages]", stdout, stderr)
	var o ServeOptions
	set.StringVar(&o.Source, "source", ".", "site root: holds content/, an optional cmesite.yaml and optional themes/")
	set.StringVar(&o.Addr, "addr", "127.0.0.1:1313", "address to listen on; loopback by default, so only this computer can see the preview")
	set.BoolVar(&o.Drafts, "drafts", false, "include modules marked draft: true")
	set.DurationVar(&o.Poll, "poll", 0, "look for changes at this interval (e.g. 500ms) instead of file-system events: for network shares, WSL and containers that send none")
	set.BoolVar(&o.Open, "open", false, "open the site in the default browser")
	set.BoolVar(&o.NoOrganizerPages, "no-organizer-pages", false, noOrganizerUsage)
	if code := parse(set, args, stdout); code >= 0 {
		return code
	}
	if set.NArg() > 0 {
		fmt.Fprintf(stderr, "cmesite serve: unexpected argument %q\n", set.Arg(0))
		return ExitUsage
	}
	if code := checkSource(o.Source, stderr); code >= 0 {
		return code
	}
	if o.Poll < 0 {
		fmt.Fprintln(stderr, "cmesite serve: --poll must be a positive duration such as 500ms")
		return ExitUsage
	}
	if err := Serve(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "cmesite serve: %v\n", err)
		return ExitContent
	}
	return ExitOK
}

// Serve builds the site in memory, serves it and rebuilds on every change
// until ctx is done. Errors in the content do not stop it: they are shown
// in the browser and the terminal, and the last good build stays served.
func Serve(ctx context.Context, o ServeOptions, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another cmesite serve running? choose another --addr)", o.Addr, err)
	}
	if warn := exposed(ln.Addr()); warn != "" {
		fmt.Fprintln(stderr, warn)
	}
	root := content.DirFS(o.Source)
	opts := site.Options{Drafts: o.Drafts, NoOrganizerPages: o.NoOrganizerPages}
	if os.Getenv("CMESITE_TRACE") != "" {
		opts.Trace = stderr
	}
	b := site.New(root, opts)
	srv := devserver.New(func(format string, args ...any) { fmt.Fprintf(stderr, "devserver: "+format+"\n", args...) })
	if host, _, err := net.SplitHostPort(o.Addr); err == nil && host != "" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
			srv.AllowHosts(host) // --addr mybox.lan:1313 answers requests addressed to mybox.lan
		}
	}

	w, err := watch.New(watch.Options{Root: o.Source, Paths: []string{"content", "themes", "cmesite.yaml"}, Poll: o.Poll})
	if err != nil {
		ln.Close()
		return err
	}
	defer w.Close()

	// Each warning is printed in full once, when it first appears (again
	// if it goes away and comes back); the browser shows the current ones.
	var printed map[diag.Diagnostic]bool
	rebuild := func(changed []string, first bool) {
		start := time.Now()
		st, diags := b.Update(changed)
		warnings := warningsOnly(diags)
		// The browser is told first, the terminal after: a site can
		// have thousands of warnings to sort through. A failed build
		// keeps the last good build's files; otherwise pages are made
		// when they are asked for: publishing asks for the pages open
		// in a browser, to tell which of them must reload.
		failed := diags.Errors() > 0
		up := devserver.Update{}
		if !failed {
			up.Files = b.Files()
		}
		up.Problems, up.More = problems(root, diags)
		srv.Publish(up)
		took := time.Since(start)
		now := make(map[diag.Diagnostic]bool, len(warnings))
		var fresh diag.List
		for _, d := range warnings {
			if !printed[d] {
				fresh = append(fresh, d)
			}
			now[d] = true
		}
		printed = now
		printDiags(stderr, fresh)
		if failed {
			printDiags(stderr, errorsOnly(diags))
			fmt.Fprintf(stderr, "%s: %s; still serving the last good build\n", time.Now().Format("15:04:05"), counts(diags))
			return
		}
		what := "rebuilt"
		if first {
			what = "built"
		}
		fmt.Fprintf(stdout, "%s: %s %s, %s in %s%s\n", time.Now().Format("15:04:05"), what,
			plural(st.Modules, "module", "modules"), plural(st.Pages, "page", "pages"),
			took.Round(100*time.Microsecond), warningsNote(diags))
	}
	rebuild(nil, true)

	url := "http://" + browsable(ln.Addr()) + "/"
	fmt.Fprintf(stdout, "serving %s at %s (Ctrl-C to stop)\n", filepath.Clean(o.Source), url)
	if o.Open {
		openBrowser(url)
	}
	if o.Ready != nil {
		o.Ready(url, srv)
	}

	serveCtx, stopServe := context.WithCancel(ctx)
	defer stopServe()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, ln) }()

	for {
		select {
		case <-ctx.Done():
			w.Close()
			err := <-served
			fmt.Fprintln(stdout, "stopped")
			return err
		case err := <-served:
			return err
		case batch, ok := <-w.Batches():
			if !ok {
				stopServe()
				return <-served
			}
			// A batch names every change, folders that came or went
			// included, unless events were lost: then everything is read
			// again (files that did not change keep what was made of them).
			changed := batch.Paths
			if batch.Lost {
				changed = nil
			}
			rebuild(changed, false)
		case err, ok := <-w.Errors():
			if ok {
				fmt.Fprintf(stderr, "watch: %v\n", err)
			}
		}
	}
}

func errorsOnly(diags diag.List) diag.List {
	var out diag.List
	for _, d := range diags {
		if d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}

// exposed returns a warning when the server listens on an address other
// computers can reach, and "" on loopback.
func exposed(addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok || ta.IP.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("warning: serving on %s: the preview, drafts included, can be reached from other computers on the network; use the default --addr 127.0.0.1:1313 to keep it on this one", addr)
}

// browsable is the address to open the preview at: the listening
// address, or localhost with its port when the server listens on every
// interface (a browser does not open 0.0.0.0, and the preview would not
// answer a request addressed to it).
func browsable(addr net.Addr) string {
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", strconv.Itoa(ta.Port))
	}
	return addr.String()
}

func warningsOnly(diags diag.List) diag.List {
	out := make(diag.List, 0, diags.Warnings())
	for _, d := range diags {
		if d.Severity == diag.Warning {
			out = append(out, d)
		}
	}
	return out
}

// Limits of what a page is sent: a site with thousands of warnings shows
// the first maxProblems (the panel says how many more there are), and
// the first maxExcerpts of them with their source lines.
const (
	maxProblems = 200
	maxExcerpts = 20
)

// problems turns diagnostics into overlay entries, the first with source
// lines: the errors when there are any, else the warnings. It returns how
// many were left out.
func problems(root fs.FS, diags diag.List) ([]devserver.Problem, int) {
	list := errorsOnly(diags)
	if len(list) == 0 {
		list = warningsOnly(diags)
	}
	more := max(len(list)-maxProblems, 0)
	list = list[:len(list)-more]
	out := make([]devserver.Problem, 0, len(list))
	for i, d := range list {
		p := devserver.Problem{Diagnostic: d}
		if i < maxExcerpts {
			p.Source = diag.Excerpt(root, d, 2)
		}
		out = append(out, p)
	}
	return out, more
}

func openBrowser(url string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err == nil {
		go cmd.Wait()
	}
}
