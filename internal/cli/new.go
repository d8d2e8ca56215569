package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/markdown"
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)+$`)

func newModule(args []string, stdout, stderr io.Writer) int {
	set := flags("new", "[--source DIR] SECTION/SLUG", stdout, stderr)
	source := set.String("source", ".", "site root: holds content/")
	if code := parse(set, args, stdout); code >= 0 {
		return code
	}
	if set.NArg() != 1 {
		fmt.Fprintln(stderr, "cmesite new: give one module id, SECTION/SLUG, e.g. cmesite new symptoms/hiccups")
		return ExitUsage
	}
	id := strings.TrimSuffix(strings.Trim(filepath.ToSlash(set.Arg(0)), "/"), ".md")
	if !slugRE.MatchString(id) {
		fmt.Fprintf(stderr, "cmesite new: %q is not SECTION/SLUG: use lowercase letters, digits and hyphens, with at least one folder, e.g. symptoms/hiccups\n", set.Arg(0))
		return ExitUsage
	}
	if code := checkSource(*source, stderr); code >= 0 {
		return code
	}
	cfg, diags := config.Load(os.DirFS(*source))
	if diags.Errors() > 0 {
		printDiags(stderr, diags)
		return ExitContent
	}
	file := filepath.Join(*source, "content", filepath.FromSlash(id)+".md")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		fmt.Fprintf(stderr, "cmesite new: %v\n", err)
		return ExitContent
	}
	// O_EXCL: never overwrite an author's file, even one created a moment ago.
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(stderr, "cmesite new: %s already exists; it was not changed\n", filepath.ToSlash(file))
		return ExitContent
	}
	if err != nil {
		fmt.Fprintf(stderr, "cmesite new: %v\n", err)
		return ExitContent
	}
	_, werr := f.WriteString(scaffold(cfg, id, time.Now()))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		fmt.Fprintf(stderr, "cmesite new: %v\n", werr)
		return ExitContent
	}
	fmt.Fprintf(stdout, "created %s\n", filepath.ToSlash(file))
	index := filepath.Join(filepath.Dir(file), "_index.md")
	if f, err := os.OpenFile(index, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
		section := path.Dir(id)
		fmt.Fprintf(f, "---\ntitle: %q\nsummary: \"What this unit of the curriculum covers, in one sentence.\"\n---\n\nAn introduction to this section: who it is for and how its modules fit together.\n",
			config.Label(path.Base(section)))
		f.Close()
		fmt.Fprintf(stdout, "created %s (the section's title and introduction)\n", filepath.ToSlash(index))
	}
	return ExitOK
}

func first(v config.Vocabulary, fallback string) string {
	if len(v.Terms) > 0 {
		return v.Terms[0].ID
	}
	return fallback
}

func allowed(v config.Vocabulary) string {
	if v.Open {
		return "any id (cmesite.yaml configures no list)"
	}
	return strings.Join(v.IDs(), ", ")
}

func scaffold(cfg *config.Config, id string, now time.Time) string {
	title := config.Label(path.Base(id))
	topic := first(cfg.Topics, path.Dir(id))
	return fmt.Sprintf(`---
# Required ---------------------------------------------------------------
title: %q
# Competence level; one of: %s
level: %s
# One or more topics; allowed: %s
topics: [%s]
# Who it is for; allowed: %s
audience: [%s]
# One or two sentences, shown in lists, search results and the page description.
summary: "What a GP will be able to do after this module, in one or two sentences."

# Optional ---------------------------------------------------------------
# Learning objectives, with measurable verbs ("By the end you can ...").
objectives:
  - "Recognise ..."
  - "Explain ..."
# Minutes (45) or a duration ("1h30m").
duration: 30
# CME credits or points (the label is set in cmesite.yaml: %s).
credits: 0.5
# Format; one of: %s
format: %s
# Modules to do first, as section/slug (the path under content/ without .md).
prerequisites: []
# Extra search terms: synonyms, abbreviations, lay words.
keywords: []
# Authors with their role.
authors:
  - name: "Your name"
    role: "GP"
# Financial relationships of the authors; an empty list is shown as "none declared".
disclosures: []
# Review dates (YYYY-MM-DD); review_by must come after reviewed.
reviewed: %s
review_by: %s
# EAPC core competencies (1-10) this module addresses.
competencies: []
# References: only sources you can name exactly. Take drug doses from national guidance.
references: []
# Ordering within lists (lower first), then title.
weight: 0
# true leaves the module out of the site unless built with --drafts.
draft: false
---

Start with the key message for a GP in practice.

> [!%[13]s]
> - The first thing to remember.
> - The second.

## First heading

Write the module here. Link other modules with relative links to their
Markdown files, such as ../section/slug.md, written as a Markdown link.

> [!%[14]s]
> When to call the palliative home-care team.
`, title, allowed(cfg.Levels), first(cfg.Levels, "basic"), allowed(cfg.Topics), topic,
		allowed(cfg.Audiences), first(cfg.Audiences, "gp"), cfg.CreditsLabel,
		allowed(cfg.Formats), first(cfg.Formats, "e-learning"),
		now.Format(time.DateOnly), now.AddDate(3, 0, 0).Format(time.DateOnly),
		markdown.CalloutKeyPoints, markdown.CalloutCallTheTeam)
}
