package render

import (
	"html/template"

	"github.com/cmesite/cmesite/internal/config"
	"github.com/cmesite/cmesite/internal/curriculum"
	"github.com/cmesite/cmesite/internal/organize"
)

// Data is what a page template receives.
type Data struct {
	Kind        string // the page kind (template name)
	URL         string // the page's path relative to the site root, "" for the home page
	Root        string // relative path from the page to the site root: "./", "../", "../../"
	Title       string // page title (without the site title)
	Description string // meta description
	Canonical   string // absolute URL when the site has a base URL, else ""
	Lang        string

	Site   *curriculum.Curriculum
	Config *config.Config

	Module *curriculum.Module // module pages
	Body   template.HTML      // module body or section introduction
	TOC    []Heading          // module pages with 3 or more headings

	Section *curriculum.Section  // section pages
	Facet   *curriculum.Facet    // terms and term pages
	Term    *curriculum.TermPage // term pages
	Path    *curriculum.Path     // path pages

	List  template.HTML // pre-rendered module cards (lists) or rows (catalogue); print it once, as element content
	Count int           // modules in the whole list (List may be one page of it)
	Pager *Pager        // section, term and catalogue pages: which page of the list this is

	// DataURL is, on catalogue pages, the URL of the catalogue's data file
	// (relative to the site root), which JavaScript filters.
	DataURL string

	// Record is the learning record's data for the page's script, JSON for
	// a <script type="application/json"> element: on a module page the
	// module as the record keeps it, on a path page its modules, on start/
	// the topic groups and paths (see internal/site/record.go).
	Record template.JS
	// PathMinutes is, on a path page, the minutes of its modules together.
	PathMinutes int
	// Groups are, on start/, the topic groups a GP rates their confidence in.
	Groups []string

	QuickRefs []*curriculum.Module // home and help pages: quick-reference cards, the first page_size of them
	// QuickRefsMore is, on the home and help pages of a site with more
	// quick-reference cards than QuickRefs holds, the format's term page
	// that lists them all; nil otherwise.
	QuickRefsMore *curriculum.TermPage

	// Pocket holds, on the pocket cards' pages, the cards of the page.
	Pocket []PocketCard
	// PocketURL is the URL of the pocket cards (relative to the site root)
	// on the help page and on lists that hold quick-reference cards; ""
	// elsewhere.
	PocketURL string

	// Report is, on the organizer pages (coverage, reviews), the
	// organizer's report of the curriculum.
	Report *organize.Report
	// Alias is, on a redirect page, the old id the page stands at; Module
	// is the module it redirects to.
	Alias string
}

// PocketCard is a quick-reference card laid out for printing on A6.
type PocketCard struct {
	Module *curriculum.Module
	ID     string          // the card's element id: "pocket-1"
	Front  []template.HTML // its key points and red flags: the front of the sheet
	Back   []template.HTML // when to call the team: the back, with the contacts
	URL    string          // the absolute URL of the card's page, when the site has a base URL
	QR     template.HTML   // an SVG QR code of URL; "" without one
}

// Pager places a page in a list that runs over several pages. URLs are
// relative to the site root.
type Pager struct {
	Number, Total int    // this page's number (from 1) and how many there are
	First         string // the URL of page 1
	Prev, Next    string // the URLs of the pages before and after; "" at the ends
}

// Heading is an entry of a module's table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Item is what the "card" and "row" partials receive: one module, with the
// root placeholder that the site builder replaces per page.
type Item struct {
	Root   string
	Module *curriculum.Module
	Config *config.Config
}

// RootMarker stands for the page's root path in cached fragments.
const RootMarker = "@@ROOT@@"
