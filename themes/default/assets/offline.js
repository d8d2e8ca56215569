// The offline site, page side: registers sw.js (not from disk, not under
// cmesite serve), offers a new build's reload, shows the content date
// offline. Every page loads it: keep it small. See worker.js.
(() => {
  "use strict";
  const sw = navigator.serviceWorker;
  if (!sw || location.protocol === "file:") return;
  const nav = performance.getEntriesByType("navigation")[0];
  if (nav && (nav.serverTiming || []).some((e) => e.name === "cmesite")) {
    // cmesite serve (its pages have a Server-Timing entry "cmesite"): no worker,
    // and none left from an earlier build.
    sw.getRegistrations().then((rs) => rs.forEach((r) => r.unregister()));
    return;
  }
  const root = document.documentElement.dataset.root || "./";

  // ask sends a message to a worker and resolves with its answer.
  const ask = (w, type) => new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data);
    w.postMessage({ type }, [ch.port2]);
  });

  const bar = (attr, text, button, click) => {
    let el = document.querySelector("[" + attr + "]");
    if (!text) return el && el.remove();
    if (!el) {
      el = document.createElement("div");
      el.setAttribute(attr, "");
      el.className = "offline-bar";
      el.setAttribute("role", "status");
      document.body.prepend(el);
    }
    el.textContent = text + " ";
    if (button) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "button";
      b.textContent = button;
      b.onclick = click;
      el.append(b);
    }
  };

  let controlled = !!sw.controller;
  sw.addEventListener("controllerchange", () => {
    // A new version took over (the reader asked for it here or in another
    // tab): load the page again from it.
    if (controlled) return location.reload();
    controlled = true;
    note();
  });

  const offer = (w) => {
    if (!sw.controller) return;
    ask(w, "info").then((info) =>
      bar("data-sw-update", info.text.offline_update, info.text.offline_update_reload, () => w.postMessage({ type: "skip" })));
  };

  sw.register(root + "sw.js").then((reg) => {
    if (reg.waiting) offer(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const w = reg.installing;
      w && w.addEventListener("statechange", () => w.state === "installed" && offer(w));
    });
  }, () => {});

  const note = () => {
    const c = sw.controller;
    if (navigator.onLine || !c) return bar("data-offline-note", "");
    ask(c, "info").then((info) => {
      const d = new Date(info.date + "T12:00:00Z").toLocaleDateString(document.documentElement.lang, { dateStyle: "long", timeZone: "UTC" });
      if (!navigator.onLine) bar("data-offline-note", info.text.offline_banner.replace("{date}", d));
    });
  };
  addEventListener("online", note);
  addEventListener("offline", note);
  note();
})();
