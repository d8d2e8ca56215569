// cmesite default theme: progressive enhancements other than search.
//
// Every page works without this file. Each feature is a small function
// bound to a data attribute in the markup; `features` below maps a selector
// to its initialiser, which runs once per matching element. To add a
// feature, write `function initThing(el) {...}` and add a line to the list.
//
// Features:
//   [data-catalogue-filters]  catalogue filtering (form + [data-catalogue] table)
//   [data-overdue-notice]     a module's overdue notice, shown once its review date passes
//   [data-reviews]            the review schedule's statuses, brought up to today
//   [data-checklist]          a page's task-list items become tickable, with "clear ticks"
//   [data-search-form]        loads search.js on first use (see initSearchLoader)
//
// Opened from disk (file:), links to folders ("topics/") open their
// index.html (see fileLinks).
(() => {
  "use strict";

  const features = [
    ["[data-catalogue-filters]", initCatalogueFilters],
    ["[data-overdue-notice]", initOverdueNotice],
    ["[data-reviews]", initReviews],
    ["[data-checklist]", initChecklist],
    ["[data-search-form]", initSearchLoader],
  ];

  function start() {
    if (location.protocol === "file:") fileLinks();
    for (const [selector, init] of features) {
      for (const el of document.querySelectorAll(selector)) {
        try {
          init(el);
        } catch (err) {
          // One broken feature must not take the others down.
          console.error("cmesite:", selector, err);
        }
      }
    }
  }

  // plural picks the "one" or "other" form of a UI string from the
  // element's data attributes and fills in {n}, like the Go T function.
  function plural(el, base, n) {
    const s = (n === 0 && el.dataset[base + "Zero"]) || (n === 1 ? el.dataset[base + "One"] : el.dataset[base + "Other"]) || "{n}";
    return s.replace(/\{n\}/g, String(n));
  }

  // ---------------------------------------------------------------------
  // Catalogue filtering.
  //
  // The catalogue is paged: each page holds page_size rows. Without
  // JavaScript its filter panel is a list of links to the term pages; here
  // each term becomes a checkbox [data-filter=FACET] with value=TERM.
  // Within a facet any checked term matches (OR); across facets every
  // facet with a checked term must match (AND). The state lives in the
  // query string (?level=basic&topic=pain&topic=opioids), read on load and
  // written with history.replaceState. With a filter set, the catalogue's
  // data file (form[data-src], see catalogueData in internal/site) is
  // fetched once; the rows that match replace the page's rows, page_size
  // at a time, and each checkbox's count shows how many modules it would
  // match given the other facets' filters. With none, the page is as
  // built.
  function initCatalogueFilters(form) {
    const table = document.querySelector("[data-catalogue]");
    if (!table || !table.tBodies.length) return;
    const tbody = table.tBodies[0];
    const staticRows = Array.from(tbody.rows);
    const staticPager = document.querySelector("[data-catalogue-pager]");
    const nav = document.querySelector("[data-catalogue-pages]");
    const pageStatus = nav && nav.querySelector("[data-catalogue-page]");
    const status = form.querySelector("[data-catalogue-status]");
    const size = Number(form.dataset.pageSize) || 50;
    const root = document.documentElement.dataset.root || "";

    const facets = []; // facet names in page order
    // facet name -> {boxes, items: [{box, label, count, total, empty}], group, selected}
    const byFacet = new Map();
    const boxes = Array.from(form.querySelectorAll("input[type=checkbox][data-filter]"));
    for (const box of boxes) {
      const name = box.dataset.filter;
      let f = byFacet.get(name);
      if (!f) {
        const group = box.closest("[data-filter-group]");
        f = { boxes: [], items: [], group, selected: group && group.querySelector("[data-filter-selected]") };
        byFacet.set(name, f);
        facets.push(name);
      }
      const label = box.closest("label");
      const count = label && label.querySelector(".count");
      // The term's link becomes the checkbox's label text.
      const link = label && label.querySelector("a");
      if (link) link.replaceWith(link.textContent);
      box.hidden = false;
      f.boxes.push(box);
      f.items.push({ box, label, count, total: count ? count.textContent : "", empty: !!label && label.classList.contains("is-empty") });
    }
    for (const el of form.querySelectorAll("[data-filter-hint]")) el.hidden = true;
    for (const el of form.querySelectorAll(".filter-actions")) el.hidden = false;

    // URL -> checkboxes. Every box is set, so that state the browser may
    // have restored on "back" cannot disagree with the address. Values may
    // repeat the key (?topic=a&topic=b) or be comma-separated (?topic=a,b);
    // unknown values are ignored.
    const params = new URLSearchParams(location.search);
    for (const name of facets) {
      const wanted = new Set(params.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim()));
      for (const box of byFacet.get(name).boxes) box.checked = wanted.has(box.value);
    }

    // Open the filter groups on wide screens; on phones they stay folded
    // (each summary shows how many of its terms are selected).
    if (window.matchMedia("(min-width: 48rem)").matches) {
      for (const f of byFacet.values()) if (f.group) f.group.open = true;
    }

    let data = null; // the data file, once loaded, and its modules as rows: list
    let loading = null;
    let counts = null; // per facet of the page, per term: the modules it would match; null: no filter
    let matches = [];
    let page = 0;

    function load() {
      if (!loading) {
        loading = fetch(form.dataset.src)
          .then((r) => {
            if (!r.ok) throw new Error(r.status);
            return r.json();
          })
          .then((d) => {
            // The file holds columns (catalogueData in internal/site). Per
            // module: t, its terms' indexes per facet of the file; p, per
            // facet of the page. Per facet of the page, ids: its terms' ids.
            const at = facets.map((name) => d.facets.findIndex((f) => f.name === name));
            const c = d.modules;
            d.ids = at.map((k) => (k < 0 ? [] : d.facets[k].terms.map((t) => t[0])));
            d.list = c.url.map((url, i) => {
              const t = d.facets.map((f) => [].concat(f.modules[i]));
              const p = at.map((k) => (k < 0 ? [] : t[k]));
              return { url, title: c.title[i], dur: d.durations[c.duration[i]], cred: d.credits[c.credits[i]], t, p };
            });
            data = d;
          });
      }
      return loading;
    }

    function apply(writeURL) {
      const on = facets.map((name) => byFacet.get(name).boxes.filter((b) => b.checked).map((b) => b.value));
      if (writeURL) writeQuery(on);
      facets.forEach((name, i) => {
        const f = byFacet.get(name);
        if (f.selected) f.selected.textContent = on[i].length ? String(on[i].length) : "";
      });
      if (!on.some((v) => v.length)) {
        counts = null;
        return show();
      }
      if (!data) {
        if (status) status.textContent = form.dataset.loading || "";
        load().then(
          () => apply(false),
          () => {
            if (status) status.textContent = form.dataset.failed || "";
          },
        );
        return;
      }
      // Per facet, a flag per term: is it checked? null where the facet
      // has no filter. Plain loops: this runs over every module.
      const active = on.map((vals, i) => {
        if (!vals.length) return null;
        const a = new Uint8Array(data.ids[i].length);
        for (const v of vals) a[data.ids[i].indexOf(v)] = 1; // -1: ignored
        return a;
      });
      counts = facets.map((_, i) => new Array(data.ids[i].length).fill(0));
      const nf = facets.length;
      const bump = (c, ts) => {
        for (let j = 0; j < ts.length; j++) c[ts[j]]++;
      };
      matches = [];
      for (const m of data.list) {
        const terms = m.p;
        // Which facets does the module fail? Stop counting after two.
        let fails = 0;
        let failed = -1;
        for (let i = 0; i < nf && fails < 2; i++) {
          const a = active[i];
          if (!a) continue;
          const ts = terms[i];
          let ok = false;
          for (let j = 0; j < ts.length && !ok; j++) ok = a[ts[j]] === 1;
          if (!ok) {
            fails++;
            failed = i;
          }
        }
        // A term's count is the modules it would show given the other facets.
        if (fails === 0) {
          for (let i = 0; i < nf; i++) bump(counts[i], terms[i]);
          matches.push(m);
        } else if (fails === 1) {
          bump(counts[failed], terms[failed]);
        }
      }
      page = 0;
      show();
    }

    // show puts the page's own rows back (no filter), or the current page
    // of the matches.
    function show() {
      facets.forEach((name, i) => {
        for (const item of byFacet.get(name).items) {
          const n = counts ? counts[i][data.ids[i].indexOf(item.box.value)] || 0 : -1;
          if (item.count) item.count.textContent = counts ? "(" + n + ")" : item.total;
          if (item.label) item.label.classList.toggle("is-empty", counts ? n === 0 && !item.box.checked : item.empty);
        }
      });
      if (staticPager) staticPager.hidden = !!counts;
      if (nav) nav.hidden = !counts || matches.length <= size;
      if (!counts) {
        tbody.replaceChildren(...staticRows);
        if (status) status.textContent = "";
        return;
      }
      const pages = Math.max(1, Math.ceil(matches.length / size));
      tbody.replaceChildren(...matches.slice(page * size, (page + 1) * size).map(row));
      if (status) status.textContent = plural(form, "status", matches.length);
      if (pageStatus) pageStatus.textContent = (form.dataset.pageText || "").replace("{n}", page + 1).replace("{total}", pages);
      if (nav) {
        nav.querySelector("[data-step='-1']").disabled = page === 0;
        nav.querySelector("[data-step='1']").disabled = page >= pages - 1;
      }
    }

    // row is a module's table row, with the cells and data- attributes of
    // the rows the build writes (but its summary).
    function row(m) {
      const tr = document.createElement("tr");
      tr.dataset.module = decodeURIComponent(m.url.replace(/\/$/, ""));
      const cell = (text, cls) => {
        const td = tr.insertCell();
        td.textContent = text;
        if (cls) td.className = cls;
        return td;
      };
      const a = document.createElement("a");
      a.href = root + m.url;
      a.textContent = m.title;
      cell("").append(a);
      // The file's facets are the table's columns, in order.
      data.facets.forEach((f, k) => {
        tr.setAttribute("data-" + f.name, m.t[k].map((t) => f.terms[t][0]).join(" "));
        cell(m.t[k].map((t) => f.terms[t][1]).join(", "));
      });
      cell(m.dur, "num");
      cell(m.cred, "num");
      return tr;
    }

    function writeQuery(on) {
      const url = new URL(location.href);
      const q = url.searchParams;
      facets.forEach((name, i) => {
        q.delete(name);
        // Keep the page order of the terms, so equal filters give equal URLs.
        for (const v of on[i]) q.append(name, v);
      });
      const next = url.pathname + (q.toString() ? "?" + q.toString() : "") + url.hash;
      if (next !== location.pathname + location.search + location.hash) {
        try {
          history.replaceState(history.state, "", next);
        } catch {
          // file:// pages and sandboxed frames may refuse; filtering still works.
        }
      }
    }

    form.addEventListener("change", (e) => {
      if (e.target.matches("[data-filter]")) apply(true);
    });
    form.addEventListener("reset", (e) => {
      e.preventDefault();
      for (const box of boxes) box.checked = false;
      apply(true);
    });
    form.addEventListener("submit", (e) => e.preventDefault());
    if (nav) {
      nav.addEventListener("click", (e) => {
        const b = e.target.closest("[data-step]");
        if (!b) return;
        page += Number(b.dataset.step);
        show();
        table.scrollIntoView({ block: "start" });
      });
    }

    apply(params.toString() !== "");
  }

  // ---------------------------------------------------------------------
  // Review dates.
  //
  // A page is the same whatever day it is built, so the notice that a
  // module is overdue for review is in every module page with a review
  // date, hidden until that date has passed (a build after the date shows
  // it without JavaScript). Dates are compared as YYYY-MM-DD in the
  // reader's time zone.

  function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function addDays(iso, days) {
    const [y, m, d] = iso.split("-").map(Number);
    const t = new Date(Date.UTC(y, m - 1, d + days));
    return t.toISOString().slice(0, 10);
  }

  function initOverdueNotice(el) {
    if (el.dataset.reviewBy < today()) el.hidden = false;
  }

  // The review schedule lists each module with the status it had on the
  // day of the build; this brings each row's status, and the counts, to
  // the reader's today. A schedule of several pages counts every module
  // from data-review-dates ("2026-03-01:2,..."); the modules without a
  // date keep the count the page was built with.
  function initReviews(table) {
    const now = today();
    const soon = addDays(now, Number(table.dataset.dueDays || 90));
    const statusOf = (by) => (!by ? "none" : by < now ? "overdue" : by <= soon ? "due" : "fine");
    const counts = { overdue: 0, due: 0, fine: 0, none: 0 };
    const dates = table.dataset.reviewDates;
    if (dates !== undefined) {
      const none = document.querySelector("[data-review-count=none]");
      counts.none = none ? Number(none.textContent) : 0;
      for (const pair of dates ? dates.split(",") : []) {
        const i = pair.lastIndexOf(":");
        counts[statusOf(pair.slice(0, i))] += Number(pair.slice(i + 1));
      }
    }
    for (const row of table.tBodies[0].rows) {
      const by = row.dataset.reviewBy;
      const status = statusOf(by);
      if (dates === undefined) counts[status]++;
      row.className = "review-" + status;
      const cell = row.querySelector("[data-review-status]");
      const label = table.dataset["status" + status[0].toUpperCase() + status.slice(1)];
      if (cell && label) cell.textContent = label;
    }
    for (const el of document.querySelectorAll("[data-review-count]")) {
      el.textContent = String(counts[el.dataset.reviewCount] || 0);
    }
    const asof = table.querySelector("[data-review-asof]");
    if (asof) {
      asof.dateTime = now;
      asof.textContent = now;
    }
  }

  // ---------------------------------------------------------------------
  // Tickable checklists.
  //
  // Markdown task-list items ("- [ ] ...") are built as disabled boxes, and
  // the theme draws a disabled box as a plain mark, not as a control: without
  // JavaScript nothing pretends to be tickable. Here each box is enabled and
  // labelled by its item's text (the whole line is the tap target), and a
  // "clear ticks" button follows each list. Ticks are kept in
  // sessionStorage, per page, and so last only as long as the browser tab:
  // a ticked checklist may be about a patient, and must not still be there
  // for the next one. A box the author wrote ticked ("- [x]") starts ticked.
  function initChecklist(body) {
    const boxes = Array.from(body.querySelectorAll("li > input[type=checkbox][disabled]"));
    if (boxes.length === 0) return;
    const key = "cmesite-ticks:" + location.pathname;
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(key) || "null");
    } catch (err) {
      saved = null; // storage blocked or damaged: start from the page
    }
    const initial = boxes.map((b) => b.checked);
    const save = () => {
      try {
        sessionStorage.setItem(key, JSON.stringify(boxes.map((b) => b.checked)));
      } catch (err) {
        // Storage full or blocked: the ticks still work for this view.
      }
    };
    boxes.forEach((box, i) => {
      const li = box.parentElement;
      const label = document.createElement("label");
      label.className = "task-label";
      // The item's own text (not a nested list) goes into the label.
      while (box.nextSibling && !/^(UL|OL)$/.test(box.nextSibling.nodeName)) {
        label.appendChild(box.nextSibling);
      }
      li.insertBefore(label, box);
      label.insertBefore(box, label.firstChild);
      box.disabled = false;
      box.removeAttribute("disabled");
      if (Array.isArray(saved) && saved.length === boxes.length) box.checked = !!saved[i];
      box.addEventListener("change", save);
    });
    const lists = new Set(boxes.map((b) => b.closest("ul, ol")));
    for (const list of lists) {
      if (!list || list.parentElement.closest("li")) continue; // nested lists share their parent's button
      const wrap = document.createElement("p");
      wrap.className = "ticks-clear";
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = body.dataset.ticksClear || "Clear ticks";
      button.addEventListener("click", () => {
        boxes.forEach((b, i) => {
          b.checked = initial[i];
        });
        try {
          sessionStorage.removeItem(key);
        } catch (err) {
          // nothing stored
        }
      });
      wrap.appendChild(button);
      if (body.dataset.ticksNote) {
        const note = document.createElement("span");
        note.className = "ticks-note";
        note.textContent = " " + body.dataset.ticksNote;
        wrap.appendChild(note);
      }
      list.after(wrap);
    }
  }

  // ---------------------------------------------------------------------
  // Search, loaded on first use.
  //
  // search.js is most of the theme's script and most pages are read
  // without searching, so only the search page loads it with the page.
  // Elsewhere it is added the first time the reader focuses a search box,
  // types into one, or presses "/" (which focuses the first box, as
  // search.js does once loaded). search.js then picks up where the reader
  // is: a focused box starts loading the index, typed words are searched.
  // Without JavaScript the box submits to search/, as before.
  let searchLoaded = false;
  const searchLoaders = [];

  function loadSearch(src) {
    if (searchLoaded || window.cmesiteSearch) return;
    searchLoaded = true;
    for (const [target, type, fn] of searchLoaders) target.removeEventListener(type, fn);
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    document.head.appendChild(script);
  }

  function initSearchLoader(form) {
    const input = form.querySelector('input[name="q"]');
    const src = form.dataset.searchJs;
    if (!input || !src || document.querySelector("[data-search-page]")) return;
    const listen = (target, type, fn) => {
      target.addEventListener(type, fn);
      searchLoaders.push([target, type, fn]);
    };
    const load = () => loadSearch(src);
    listen(input, "focus", load);
    listen(input, "input", load);
    if (input === document.activeElement) load();
    if (searchLoaders.some(([t, type]) => t === document && type === "keydown")) return;
    listen(document, "keydown", (e) => {
      const t = e.target;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName || ""))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  // ---------------------------------------------------------------------
  // Opened from disk.
  //
  // A browser shows a folder's listing for file:///.../topics/, not its
  // index.html, so on file: every link and form into the site that ends
  // in "/" gets "index.html" added, now and on click (for links drawn
  // later by other scripts). Links to other sites are left alone.
  function fileHref(href) {
    let u;
    try {
      u = new URL(href, location.href);
    } catch (e) {
      return null;
    }
    if (u.protocol !== "file:" || !u.pathname.endsWith("/")) return null;
    u.pathname += "index.html";
    return u.href;
  }

  function fileLinks() {
    const fix = (a) => {
      const h = a.getAttribute("href");
      const to = h !== null && fileHref(a.href);
      if (to) a.href = to;
    };
    document.querySelectorAll("a[href]").forEach(fix);
    document.querySelectorAll("form[action]").forEach((f) => {
      const to = fileHref(f.action);
      if (to) f.action = to;
    });
    document.addEventListener("click", (e) => {
      const a = e.target.closest && e.target.closest("a[href]");
      if (a) fix(a);
    }, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
