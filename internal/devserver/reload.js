// cmesite live reload and build-problem overlay. Served by `cmesite serve`
// at /__cmesite/reload.js; never part of a built site. No dependencies.
//
// Events on /__cmesite/events (data is JSON):
//   hello    {version, hash}      on connect: reload if this page changed meanwhile
//   problems {version, problems, more}  errors: the overlay; warnings only:
//                                 the warnings panel (an empty list hides both)
//   reload   {version, path}      this page's bytes changed
//   css      {version, swaps}     only stylesheets changed: swap <link> hrefs
//   version  {version, hash}      end of one publish
// Problem text is untrusted: the overlay is built with createElement and
// textContent only.
(function () {
  "use strict";
  if (window.__cmesite) return;
  var state = (window.__cmesite = {
    version: 0, // the last build version this page has processed
    connected: false,
    hash: null, // identifies the bytes this page was loaded from
    reloading: false
  });

  var EVENTS = "/__cmesite/events";
  var OVERLAY_ID = "cmesite-overlay";
  var STYLE_ID = "cmesite-overlay-style";
  var PANEL_ID = "cmesite-warnings";
  var DISMISSED_KEY = "cmesite:dismissed-warnings";
  var path = location.pathname;
  var scrollKey = "cmesite:scroll:" + path;

  // --- scroll position survives a reload ---------------------------------

  function restoreScroll() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
    } catch (e) {
      return;
    }
    if (!saved) return;
    var apply = function () {
      window.scrollTo(Number(saved.x) || 0, Number(saved.y) || 0);
    };
    var forget = function () {
      try {
        sessionStorage.removeItem(scrollKey);
      } catch (e) {}
    };
    apply(); // the DOM is parsed (deferred script)
    if (document.readyState === "complete") {
      forget();
      return;
    }
    // Again once images and fonts have given the page its full height.
    window.addEventListener("load", function () {
      apply();
      forget();
    }, { once: true });
  }

  function reload() {
    if (state.reloading) return;
    state.reloading = true;
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) {}
    location.reload();
  }

  // The server names the bytes it served in Server-Timing: cmesite;desc=H.
  function servedHash() {
    try {
      var nav = performance.getEntriesByType("navigation")[0];
      var timings = (nav && nav.serverTiming) || [];
      for (var i = 0; i < timings.length; i++) {
        if (timings[i].name === "cmesite") return timings[i].description;
      }
    } catch (e) {}
    return null;
  }

  // --- stylesheets swapped in place ---------------------------------------

  function linkPath(link) {
    try {
      return decodeURIComponent(new URL(link.href, location.href).pathname);
    } catch (e) {
      return null;
    }
  }

  function replaceLink(link, href) {
    var next = link.cloneNode(false);
    next.setAttribute("href", href);
    var done = function () {
      if (link.parentNode) link.parentNode.removeChild(link);
    };
    // Keep the old sheet until the new one applies: no flash of unstyled page.
    next.addEventListener("load", done);
    next.addEventListener("error", done);
    link.parentNode.insertBefore(next, link.nextSibling);
  }

  function swapStyles(swaps) {
    var links = document.querySelectorAll("link[rel][href]");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (!/(^|\s)stylesheet(\s|$)/i.test(link.getAttribute("rel") || "")) continue;
      var p = linkPath(link);
      for (var j = 0; j < swaps.length; j++) {
        if (p !== null && p === swaps[j].old && link.parentNode) {
          replaceLink(link, swaps[j].new);
          break;
        }
      }
    }
  }

  // --- build-problem overlay ----------------------------------------------

  var STYLE = [
    "#cmesite-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;",
    "padding:4vh 4vw;margin:0;background:rgba(0,0,0,.6);text-align:left;",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b}",
    "#cmesite-overlay *{box-sizing:border-box;letter-spacing:normal;text-transform:none}",
    "#cmesite-overlay .cmesite-panel{max-width:60rem;margin:0 auto;padding:1.25rem 1.5rem;background:#fff;color:#1b1b1b;",
    "border-top:6px solid #c62828;border-radius:6px;box-shadow:0 10px 40px rgba(0,0,0,.45)}",
    "#cmesite-overlay .cmesite-head{display:flex;align-items:flex-start;justify-content:space-between;gap:1rem}",
    "#cmesite-overlay .cmesite-title{margin:0;padding:0;font-size:1.3rem;font-weight:700;color:#b71c1c}",
    "#cmesite-overlay .cmesite-close{margin:0;padding:.1rem .6rem;font:inherit;font-size:1.5rem;line-height:1;",
    "background:transparent;color:inherit;border:1px solid currentColor;border-radius:4px;cursor:pointer}",
    "#cmesite-overlay .cmesite-close:focus-visible{outline:3px solid #1565c0;outline-offset:2px}",
    "#cmesite-overlay .cmesite-note{margin:.5rem 0 1rem;padding:0;font-weight:600}",
    "#cmesite-overlay .cmesite-list{margin:0;padding:0 0 0 1.5rem;list-style:decimal}",
    "#cmesite-overlay .cmesite-problem{margin:0 0 1rem;padding:0}",
    "#cmesite-overlay .cmesite-msg{margin:0;overflow-wrap:anywhere}",
    "#cmesite-overlay .cmesite-sev{display:inline-block;margin-right:.4rem;padding:.05rem .4rem;border-radius:3px;",
    "font-size:.75rem;font-weight:700;text-transform:uppercase;background:#c62828;color:#fff}",
    "#cmesite-overlay .cmesite-warning .cmesite-sev{background:#8a5a00}",
    "#cmesite-overlay .cmesite-where{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:700}",
    "#cmesite-overlay .cmesite-source{margin:.5rem 0 0;padding:.5rem 0;overflow:auto;border-radius:4px;",
    "background:#f3f3f3;color:#1b1b1b;white-space:pre;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
    "#cmesite-overlay .cmesite-line{display:block;padding:0 .75rem}",
    "#cmesite-overlay .cmesite-here{background:#ffd7d7;font-weight:700}",
    "#cmesite-overlay .cmesite-hint{margin:1rem 0 0;padding:0;font-size:.85rem;color:#555}",
    "@media (prefers-color-scheme:dark){",
    "#cmesite-overlay{color:#ececec}",
    "#cmesite-overlay .cmesite-panel{background:#1f1f1f;color:#ececec;border-top-color:#ef5350}",
    "#cmesite-overlay .cmesite-title{color:#ff8a80}",
    "#cmesite-overlay .cmesite-source{background:#2b2b2b;color:#ececec}",
    "#cmesite-overlay .cmesite-here{background:#5c1f1f}",
    "#cmesite-overlay .cmesite-hint{color:#b5b5b5}",
    "#cmesite-overlay .cmesite-warning .cmesite-sev{background:#a86d00}}",
    // The warnings panel: a corner of the page, which stays usable.
    "#cmesite-warnings{position:fixed;right:.75rem;bottom:.75rem;z-index:2147483646;box-sizing:border-box;",
    "width:min(28rem,calc(100vw - 1.5rem));max-height:45vh;overflow:auto;margin:0;padding:.6rem .8rem;",
    "background:#fff8e1;color:#1b1b1b;border:1px solid #8a5a00;border-left:6px solid #8a5a00;border-radius:6px;",
    "box-shadow:0 4px 18px rgba(0,0,0,.25);text-align:left;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    "#cmesite-warnings *{box-sizing:border-box;letter-spacing:normal;text-transform:none}",
    "#cmesite-warnings .cmesite-head{display:flex;align-items:flex-start;justify-content:space-between;gap:.5rem}",
    "#cmesite-warnings .cmesite-title{margin:0;padding:0;font-size:1rem;font-weight:700;color:#6b4500}",
    "#cmesite-warnings .cmesite-close{margin:0;padding:0 .45rem;font:inherit;font-size:1.2rem;line-height:1.3;",
    "background:transparent;color:inherit;border:1px solid currentColor;border-radius:4px;cursor:pointer}",
    "#cmesite-warnings .cmesite-close:focus-visible{outline:3px solid #1565c0;outline-offset:2px}",
    "#cmesite-warnings .cmesite-list{margin:.4rem 0 0;padding:0 0 0 1.2rem;list-style:disc}",
    "#cmesite-warnings .cmesite-problem{margin:0 0 .5rem;padding:0}",
    "#cmesite-warnings .cmesite-msg{margin:0;overflow-wrap:anywhere}",
    "#cmesite-warnings .cmesite-where{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:700}",
    "#cmesite-warnings .cmesite-source{margin:.3rem 0 0;padding:.3rem 0;overflow:auto;border-radius:4px;",
    "background:#fff;color:#1b1b1b;white-space:pre;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
    "#cmesite-warnings .cmesite-line{display:block;padding:0 .5rem}",
    "#cmesite-warnings .cmesite-here{background:#ffe0a3;font-weight:700}",
    "#cmesite-warnings .cmesite-hint{margin:.3rem 0 0;padding:0;font-size:.8rem;color:#555}",
    "@media (prefers-color-scheme:dark){",
    "#cmesite-warnings{background:#2b2413;color:#ececec;border-color:#d39a2b}",
    "#cmesite-warnings .cmesite-title{color:#ffcc80}",
    "#cmesite-warnings .cmesite-source{background:#1f1f1f;color:#ececec}",
    "#cmesite-warnings .cmesite-here{background:#5c4513}",
    "#cmesite-warnings .cmesite-hint{color:#b5b5b5}}",
    "@media print{#cmesite-warnings{display:none}}"
  ].join("");

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function hideOverlay() {
    var o = document.getElementById(OVERLAY_ID);
    if (o && o.parentNode) o.parentNode.removeChild(o);
  }

  function sourceBlock(lines) {
    var width = 1;
    for (var i = 0; i < lines.length; i++) width = Math.max(width, String(lines[i].n).length);
    var pre = el("pre", "cmesite-source");
    for (var k = 0; k < lines.length; k++) {
      var l = lines[k];
      var n = String(l.n);
      while (n.length < width) n = " " + n;
      var row = el("span", l.here ? "cmesite-line cmesite-here" : "cmesite-line",
        (l.here ? "> " : "  ") + n + " | " + (l.text || "") + "\n");
      if (l.here) row.setAttribute("aria-current", "true");
      pre.appendChild(row);
    }
    return pre;
  }

  function addStyle() {
    if (document.getElementById(STYLE_ID)) return;
    var style = el("style", null, STYLE);
    style.id = STYLE_ID;
    (document.head || document.documentElement).appendChild(style);
  }

  function hidePanel() {
    var o = document.getElementById(PANEL_ID);
    if (o && o.parentNode) o.parentNode.removeChild(o);
  }

  function problemItem(p, withSev) {
    var warn = p.severity === "warning";
    var item = el("li", "cmesite-problem " + (warn ? "cmesite-warning" : "cmesite-error"));
    item.setAttribute("data-problem", String(p.text || ""));
    var msg = el("p", "cmesite-msg");
    if (withSev) {
      msg.appendChild(el("span", "cmesite-sev", warn ? "warning" : "error"));
      msg.appendChild(document.createTextNode(" "));
    }
    msg.appendChild(el("span", "cmesite-where", p.where || p.file || ""));
    msg.appendChild(document.createTextNode(": " + (p.message || "")));
    item.appendChild(msg);
    if (p.source && p.source.length) item.appendChild(sourceBlock(p.source));
    return item;
  }

  // The set of warnings the author dismissed in this tab: the panel stays
  // away until the set changes.
  function signature(problems, more) {
    var texts = [];
    for (var i = 0; i < problems.length; i++) texts.push(String(problems[i].text || ""));
    return texts.join("\n") + "\n+" + (more || 0);
  }

  function dismissed() {
    try {
      return sessionStorage.getItem(DISMISSED_KEY);
    } catch (e) {
      return state.dismissed || null;
    }
  }

  function dismissPanel(sig) {
    state.dismissed = sig;
    try {
      sessionStorage.setItem(DISMISSED_KEY, sig);
    } catch (e) {}
    hidePanel();
  }

  // showPanel lists warnings in a corner: no backdrop, no focus taken, so
  // the page stays readable and usable underneath.
  function showPanel(problems, more) {
    hidePanel();
    if (!problems.length) return;
    var sig = signature(problems, more);
    if (dismissed() === sig) return;
    addStyle();
    var total = problems.length + (more || 0);
    var root = el("section"); // a labelled region, announced politely
    root.id = PANEL_ID;
    root.setAttribute("aria-live", "polite");
    root.setAttribute("aria-labelledby", "cmesite-warnings-title");
    var head = el("div", "cmesite-head");
    var title = el("h2", "cmesite-title", "cmesite: " + total + (total === 1 ? " warning" : " warnings"));
    title.id = "cmesite-warnings-title";
    var close = el("button", "cmesite-close", "\u00d7");
    close.type = "button";
    close.title = "Dismiss these warnings";
    close.setAttribute("aria-label", "Dismiss these warnings");
    close.addEventListener("click", function () {
      dismissPanel(sig);
    });
    head.appendChild(title);
    head.appendChild(close);
    root.appendChild(head);
    var list = el("ul", "cmesite-list");
    for (var i = 0; i < problems.length; i++) list.appendChild(problemItem(problems[i], false));
    root.appendChild(list);
    if (more) root.appendChild(el("p", "cmesite-hint", "and " + more + " more: run cmesite check to see them all."));
    root.appendChild(el("p", "cmesite-hint", "The page is built; these do not stop it. The terminal shows them too."));
    (document.body || document.documentElement).appendChild(root);
  }

  // showProblems picks the overlay for a failed build (errors) and the
  // panel for a good build with warnings.
  function showProblems(problems, more) {
    problems = problems || [];
    var errors = 0;
    for (var i = 0; i < problems.length; i++) if (problems[i].severity !== "warning") errors++;
    if (errors) {
      hidePanel();
      showOverlay(problems, more);
      return;
    }
    hideOverlay();
    showPanel(problems, more);
  }

  function showOverlay(problems, more) {
    hideOverlay();
    if (!problems || !problems.length) return;
    addStyle();
    var errors = 0;
    for (var i = 0; i < problems.length; i++) if (problems[i].severity !== "warning") errors++;
    var warnings = problems.length - errors;
    errors += more || 0; // those left out are errors: the overlay shows only errors
    var parts = [];
    if (errors) parts.push(errors + (errors === 1 ? " error" : " errors"));
    if (warnings) parts.push(warnings + (warnings === 1 ? " warning" : " warnings"));

    var root = el("div");
    root.id = OVERLAY_ID;
    root.setAttribute("role", "alertdialog");
    root.setAttribute("aria-modal", "true");
    root.setAttribute("aria-labelledby", "cmesite-overlay-title");

    var panel = el("div", "cmesite-panel");
    var head = el("div", "cmesite-head");
    var title = el("h2", "cmesite-title", "cmesite: the build has " + parts.join(" and "));
    title.id = "cmesite-overlay-title";
    var close = el("button", "cmesite-close", "\u00d7");
    close.type = "button";
    close.title = "Dismiss (Esc)";
    close.setAttribute("aria-label", "Dismiss (Esc)");
    close.addEventListener("click", hideOverlay);
    head.appendChild(title);
    head.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(el("p", "cmesite-note", "The last good build is still being served underneath."));

    var list = el("ol", "cmesite-list");
    for (var j = 0; j < problems.length; j++) list.appendChild(problemItem(problems[j], true));
    panel.appendChild(list);
    if (more) panel.appendChild(el("p", "cmesite-hint", "and " + more + " more: the terminal and cmesite check list them all."));
    panel.appendChild(el("p", "cmesite-hint", "Esc dismisses this until the next build; fix the source and save to rebuild."));
    root.appendChild(panel);
    (document.body || document.documentElement).appendChild(root);
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") {
      if (document.getElementById(OVERLAY_ID)) {
        hideOverlay();
        e.preventDefault();
      }
    }
  });

  // --- the event stream ----------------------------------------------------

  var source = null;
  var retry = null;
  var delay = 250; // reconnect backoff, doubling to 5 s

  function data(e) {
    try {
      return JSON.parse(e.data);
    } catch (x) {
      return null;
    }
  }

  function seen(version) {
    state.version = version;
    document.documentElement.setAttribute("data-cmesite-version", String(version));
  }

  function connect() {
    if (source || retry || state.reloading) return;
    var es = (source = new EventSource(EVENTS + "?path=" + encodeURIComponent(path)));
    es.addEventListener("hello", function (e) {
      var d = data(e);
      if (!d) return;
      delay = 250;
      state.connected = true;
      // A page that changed while this one was loading or disconnected.
      if (state.hash !== null && d.hash !== state.hash) {
        reload();
        return;
      }
      state.hash = d.hash;
      seen(d.version);
    });
    es.addEventListener("problems", function (e) {
      var d = data(e);
      if (d) showProblems(d.problems, d.more);
    });
    es.addEventListener("reload", function () {
      reload();
    });
    es.addEventListener("css", function (e) {
      var d = data(e);
      if (d && d.swaps) swapStyles(d.swaps);
    });
    es.addEventListener("version", function (e) {
      var d = data(e);
      if (!d || state.reloading) return;
      state.hash = d.hash;
      seen(d.version);
    });
    es.onerror = function () {
      // EventSource retries at a fixed pace on its own; back off instead.
      state.connected = false;
      es.close();
      if (source === es) source = null;
      if (retry || state.reloading) return;
      retry = setTimeout(function () {
        retry = null;
        connect();
      }, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }

  function disconnect() {
    if (source) source.close();
    source = null;
    if (retry) clearTimeout(retry);
    retry = null;
    state.connected = false;
  }

  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) connect(); // back from the back/forward cache
  });

  state.hash = servedHash();
  restoreScroll();
  connect();
})();
