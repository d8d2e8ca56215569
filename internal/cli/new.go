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
	"github.com/cmesite/cmesite/internal/content"
	"github.com/cmesite/cmesite/internal/diag"
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)+$`)

func newModule(args []string, stdout, stderr io.Writer) int {
	set := flags("new", "[--source DIR] [--format FORMAT] SECTION/SLUG", stdout, stderr)
	source := set.String("source", ".", "site root: holds content/")
	format := set.String("format", "", "the module's format, which sets the headings and callouts of the scaffold: "+strings.Join(scaffoldFormats, ", ")+" (default: the site's first format)")
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
	cfg, diags := config.Load(content.DirFS(*source))
	if diags.Errors() > 0 {
		printDiags(stderr, diags)
		return ExitContent
	}
	if *format == "" {
		*format = first(cfg.Formats, "e-learning")
	}
	if !cfg.Formats.Has(*format) {
		fmt.Fprintf(stderr, "cmesite new: --format %q is not one of the site's formats%s; allowed: %s\n", *format, diag.DidYouMean(*format, cfg.Formats.IDs()), allowed(cfg.Formats))
		return ExitUsage
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
	_, werr := f.WriteString(scaffold(cfg, id, *format, time.Now()))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		fmt.Fprintf(stderr, "cmesite new: %v\n", werr)
		return ExitContent
	}
	fmt.Fprintf(stdout, "created %s (format %s, draft: true; replace every %q text, then set draft: false)\n", filepath.ToSlash(file), *format, content.Placeholder)
	index := filepath.Join(filepath.Dir(file), "_index.md")
	if f, err := os.OpenFile(index, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
		section := path.Dir(id)
		fmt.Fprintf(f, "---\ntitle: %q\nsummary: \"%s what this unit of the curriculum covers, in one sentence.\"\n---\n\n%s an introduction to this section: who it is for and how its modules fit together.\n",
			config.Label(path.Base(section)), content.Placeholder, content.Placeholder)
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

// scaffoldFormats are the formats whose scaffold has a body of its own; a
// site's other formats get the e-learning body.
var scaffoldFormats = []string{"quick-reference", "e-learning", "small-group", "peer-review", "clinical-attachment"}

// shape is what a format's scaffold carries besides the common fields.
type shape struct {
	duration string // the duration field's value
	credits  string // the credits field's value, "" for none (a card)
	body     string // the Markdown body
}

// ph is a scaffold placeholder: text an author must replace, which check
// reports (content.Placeholder) until they do.
func ph(text string) string { return content.Placeholder + " " + text }

// shapes holds each format's fields and body, following the sample
// curriculum's modules of that format: a quick-reference card is key
// points, red flags, when to call the team and advice for carers; a
// small-group session guide has an aim, preparation, a timing plan, a
// case, discussion questions and facilitator notes (a FACILITATOR
// callout, which the page hides from participants); a peer-review case
// has how to present a case, the case, questions, facilitator notes and a
// reflective template; a clinical attachment has arrangements, what to
// observe and ask, a log with a skills checklist and a reflective summary.
var shapes = map[string]shape{
	"e-learning": {duration: "30", credits: "0.5", body: `
` + ph("the key message for a GP in practice, in one or two sentences.") + `

> [!KEY POINTS]
> - ` + ph("the first thing to remember.") + `
> - ` + ph("the second.") + `

## Assessment

` + ph("what to ask and examine. Link other modules with Markdown links to their files, such as ../symptoms/pain.md.") + `

## Management

` + ph("what to do, non-drug measures first. Take drug doses from national guidance; do not write your own.") + `

> [!PRACTICE TIP]
> ` + ph("one thing that makes this easier in a busy practice.") + `

> [!RED FLAGS]
> - ` + ph("a sign that needs action today.") + `

## Reflect

` + ph("a question for the reader to think about a patient of their own.") + `

> [!CALL THE TEAM]
> ` + ph("when to call the palliative home-care team.") + `
`},
	"quick-reference": {duration: "5", body: `
> [!KEY POINTS]
> - ` + ph("the first thing to do at the patient's side.") + `
> - ` + ph("the second.") + `

> [!RED FLAGS]
> - ` + ph("a sign that needs urgent action or admission.") + `

> [!CALL THE TEAM]
> ` + ph("when to call the palliative home-care team, and what to have ready when you call.") + `

## Advice for carers

- ` + ph("what the family can do, in plain words.") + `

## Check before you leave

- [ ] ` + ph("a medicine, a plan or a number left in the home.") + `
`},
	"small-group": {duration: `"1h30m"`, credits: "1.5", body: `
` + ph("what the group will practise, and why, in one or two sentences.") + `

## Aim

` + ph("what each participant leaves with.") + `

## Preparation

- ` + ph("what participants read beforehand.") + `
- ` + ph("what the facilitator prints and arranges; group size.") + `

## Timing plan

| Time | Activity |
|---|---|
| 0-10 min | ` + ph("welcome, ground rules, aims.") + ` |
| 10-80 min | ` + ph("the main activity.") + ` |
| 80-90 min | ` + ph("each participant names one change; evaluation.") + ` |

## The case

*This case is a fictional composite.*

` + ph("the case, with what each role knows.") + `

## Discussion questions

1. ` + ph("a question for the whole group.") + `

> [!FACILITATOR]
> - ` + ph("what to watch for, and how to keep the group safe.") + `
`},
	"peer-review": {duration: `"1h15m"`, credits: "1", body: `
` + ph("what this peer-review case is about, in one or two sentences.") + `

## How to present an anonymised case

- Leave out names, dates, places and anything else that could identify the patient, family or colleagues.
- ` + ph("what the presenter prepares.") + `

## Worked example

*This case is a fictional composite.*

` + ph("the case, as a member of the group would present it.") + `

## Questions for the group

1. ` + ph("a question about what happened and why.") + `
2. ` + ph("a question about what the group would do differently.") + `

> [!FACILITATOR]
> - ` + ph("the points the discussion should reach, and where to find guidance.") + `

## Reflective note template

- What happened?
- What did I learn?
- What will I change in my practice?
`},
	"clinical-attachment": {duration: `"8h"`, credits: "8", body: `
` + ph("what the attachment is for and who it suits, in one or two sentences.") + `

> [!KEY POINTS]
> - ` + ph("the first thing to get out of the attachment.") + `

## Arranging it

- ` + ph("whom to contact, how long, what to agree beforehand.") + `

## What to observe

- ` + ph("what to watch on home visits and in team meetings.") + `

## What to ask the team

- ` + ph("a question to ask the nurses or physicians of the team.") + `

## Log

### Skills checklist

- [ ] ` + ph("a skill to see or practise under supervision.") + `

## Reflective summary

` + ph("what the learner writes afterwards, and for whom.") + `

> [!PRACTICE TIP]
> ` + ph("one thing that makes the attachment worthwhile.") + `

## Afterwards

- ` + ph("how to keep the contact with the team going.") + `
`},
}

func scaffold(cfg *config.Config, id, format string, now time.Time) string {
	title := config.Label(path.Base(id))
	topic := first(cfg.Topics, path.Dir(id))
	sh, ok := shapes[format]
	if !ok {
		sh = shapes["e-learning"]
	}
	credits := "# CME credits or points (the label is set in cmesite.yaml: " + cfg.CreditsLabel + ").\n"
	if sh.credits == "" {
		credits = "# CME credits or points (the label is set in cmesite.yaml: " + cfg.CreditsLabel + "); a\n# quick-reference card usually carries none: add credits: 0.5 if yours does.\n"
	} else {
		credits += "credits: " + sh.credits + "\n"
	}
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
summary: "%s"

# Optional ---------------------------------------------------------------
# Format; one of: %s
format: %s
# Learning objectives, with measurable verbs ("By the end you can ...").
objectives:
  - "%s"
  - "%s"
# Minutes (45) or a duration ("1h30m").
duration: %s
%s# Modules to do first, as section/slug (the path under content/ without .md).
prerequisites: []
# Extra search terms: synonyms, abbreviations, lay words.
keywords: []
# Authors with their role.
authors:
  - name: "%s"
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
# true leaves the module out of the site unless built with --drafts; set it
# to false when the module is written and cmesite check reports no placeholder.
draft: true
---
%s`, title, allowed(cfg.Levels), first(cfg.Levels, "basic"), allowed(cfg.Topics), topic,
		allowed(cfg.Audiences), first(cfg.Audiences, "gp"),
		ph("what a GP will be able to do after this module, in one or two sentences."),
		allowed(cfg.Formats), format,
		ph("Recognise ..."), ph("Explain ..."), sh.duration, credits,
		ph("your name"),
		now.Format(time.DateOnly), now.AddDate(3, 0, 0).Format(time.DateOnly), sh.body)
}
