// cmesite default theme: progressive enhancements other than search.
//
// Every page works without this file. Each feature is a small function
// bound to a data attribute in the markup; `features` below maps a selector
// to its initialiser, which runs once per matching element. To add a
// feature, write `function initThing(el) {...}` and add a line to the list.
//
// Features:
//   [data-catalogue-filters]  catalogue filtering (form + [data-catalogue] table)
(() => {
  "use strict";

  const features = [
    ["[data-catalogue-filters]", initCatalogueFilters],
  ];

  function start() {
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
    const s = (n === 1 ? el.dataset[base + "One"] : el.dataset[base + "Other"]) || "{n}";
    return s.replace(/\{n\}/g, String(n));
  }

  // ---------------------------------------------------------------------
  // Catalogue filtering.
  //
  // Checkboxes [data-filter=FACET] with value=TERM filter the rows of
  // [data-catalogue] tbody tr by their data-FACET attribute (a space-
  // separated list of term ids). Within a facet any checked term matches
  // (OR); across facets every facet with a checked term must match (AND).
  // The state lives in the query string (?level=basic&topic=pain&topic=
  // opioids), read on load and written with history.replaceState.
  // Each checkbox's count shows how many rows it would match given the
  // other facets' filters.
  function initCatalogueFilters(form) {
    const table = document.querySelector("[data-catalogue]");
    if (!table || !table.tBodies.length) return;

    const boxes = Array.from(form.querySelectorAll("input[type=checkbox][data-filter]"));
    const facets = []; // facet names in page order
    // facet name -> {boxes, items: [{box, label, count, shown}], group, selected}
    const byFacet = new Map();
    for (const box of boxes) {
      const name = box.dataset.filter;
      let f = byFacet.get(name);
      if (!f) {
        const group = box.closest("[data-filter-group]");
        f = {
          boxes: [],
          items: [],
          group,
          selected: group ? group.querySelector("[data-filter-selected]") : null,
        };
        byFacet.set(name, f);
        facets.push(name);
      }
      const label = box.closest("label");
      f.boxes.push(box);
      f.items.push({ box, label, count: label ? label.querySelector(".count") : null, shown: -1 });
    }
    const status = form.querySelector("[data-catalogue-status]");

    // Read every row once: per facet, the list of its term ids.
    const rows = [];
    for (const tbody of table.tBodies) {
      for (const tr of tbody.rows) {
        const values = facets.map((name) => {
          const v = tr.getAttribute("data-" + name);
          return v ? v.split(" ").filter(Boolean) : [];
        });
        rows.push({ tr, values, hidden: tr.hidden });
      }
    }

    // URL -> checkboxes. Every box is set, so that state the browser may
    // have restored on "back" cannot disagree with the address. Values may
    // repeat the key (?topic=a&topic=b) or be comma-separated (?topic=a,b);
    // unknown values are ignored.
    const params = new URLSearchParams(location.search);
    for (const name of facets) {
      const f = byFacet.get(name);
      const wanted = new Set(params.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim()));
      for (const box of f.boxes) box.checked = wanted.has(box.value);
    }

    form.hidden = false;

    // Open the filter groups on wide screens; on phones they stay folded
    // (each summary shows how many of its terms are selected).
    if (window.matchMedia("(min-width: 48rem)").matches) {
      for (const f of byFacet.values()) if (f.group) f.group.open = true;
    }

    function apply(writeURL) {
      // Active sets per facet index; null where the facet has no filter.
      const active = facets.map((name) => {
        const on = byFacet.get(name).boxes.filter((b) => b.checked).map((b) => b.value);
        return on.length ? new Set(on) : null;
      });
      const counts = facets.map(() => new Map());
      const nf = facets.length;
      let shown = 0;
      const changed = [];

      for (const row of rows) {
        // Which facets does the row fail? Stop counting after two.
        let fails = 0;
        let failed = -1;
        for (let i = 0; i < nf && fails < 2; i++) {
          const set = active[i];
          if (!set) continue;
          const vals = row.values[i];
          let ok = false;
          for (let j = 0; j < vals.length; j++) {
            if (set.has(vals[j])) {
              ok = true;
              break;
            }
          }
          if (!ok) {
            fails++;
            failed = i;
          }
        }
        // A term's count is the rows it would show given the other facets.
        if (fails === 0) {
          for (let i = 0; i < nf; i++) bump(counts[i], row.values[i]);
        } else if (fails === 1) {
          bump(counts[failed], row.values[failed]);
        }
        const hide = fails > 0;
        if (!hide) shown++;
        if (hide !== row.hidden) {
          row.hidden = hide;
          changed.push(row);
        }
      }

      // Batch the DOM writes.
      for (const row of changed) row.tr.hidden = row.hidden;
      facets.forEach((name, i) => {
        const f = byFacet.get(name);
        let selected = 0;
        for (const item of f.items) {
          const { box } = item;
          if (box.checked) selected++;
          const n = counts[i].get(box.value) || 0;
          if (n !== item.shown) {
            item.shown = n;
            if (item.count) item.count.textContent = "(" + n + ")";
          }
          if (item.label) item.label.classList.toggle("is-empty", n === 0 && !box.checked);
        }
        if (f.selected) f.selected.textContent = selected ? String(selected) : "";
      });
      if (status) status.textContent = plural(form, "status", shown);
      if (writeURL) writeQuery(active);
    }

    function bump(map, values) {
      for (let j = 0; j < values.length; j++) map.set(values[j], (map.get(values[j]) || 0) + 1);
    }

    function writeQuery(active) {
      const url = new URL(location.href);
      const q = url.searchParams;
      facets.forEach((name, i) => {
        q.delete(name);
        if (!active[i]) return;
        // Keep the page order of the terms, so equal filters give equal URLs.
        for (const box of byFacet.get(name).boxes) if (box.checked) q.append(name, box.value);
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

    apply(params.toString() !== "");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
