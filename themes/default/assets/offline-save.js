// cmesite default theme: "Save everything for offline" (help/) and the
// list of what this device holds (offline/). Loaded on those two pages
// only; offline.js registers the worker.
//
// Saving: the worker says how much everything is (its SAVE, from the
// build); the button says it before anything is fetched. On a click the
// page reads offline/files.json ([url, bytes, hash] for every file),
// fetches what the worker's cache does not hold with that hash, checks each
// file's sha256 against the list (a file of a newer build stops the saving:
// the page says to reload), and puts it in the worker's cache, four at a
// time, with a progress bar and a Cancel button. What is saved stays saved
// when it is cancelled or fails. The cache's state (a made-up URL the
// worker names) records the hashes and whether everything was saved, which
// the worker reads to carry the files over to the next build's cache.
(() => {
  "use strict";
  const sw = navigator.serviceWorker;
  const html = document.documentElement;
  const lang = html.lang;
  const scope = new URL(html.dataset.root || "./", document.baseURI).href;
  const abs = (u) => new URL(u, scope).href;
  const fill = (s, vals) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vals ? String(vals[k]) : m));
  const size = (n) => n >= 1e6
    ? new Intl.NumberFormat(lang, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }).format(n / 1e6)
    : new Intl.NumberFormat(lang, { style: "unit", unit: "kilobyte", maximumFractionDigits: 0 }).format(Math.max(1, n / 1e3));
  const dateOf = (d) => new Date(d + "T12:00:00Z").toLocaleDateString(lang, { dateStyle: "long", timeZone: "UTC" });
  // cmesite serve marks its pages with a Server-Timing entry "cmesite".
  const nav = performance.getEntriesByType("navigation")[0];
  const preview = !!nav && (nav.serverTiming || []).some((e) => e.name === "cmesite");

  const ask = (w, type) => new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data);
    w.postMessage({ type }, [ch.port2]);
  });
  // info is the worker's answer to "info", once a worker runs.
  const info = async () => {
    const w = sw.controller || (await sw.ready).active;
    return ask(w, "info");
  };
  const readState = async (cache, url) => {
    const r = await cache.match(url);
    try {
      const s = r ? await r.json() : {};
      return { hashes: s.hashes || {}, saved: !!s.saved };
    } catch (e) {
      return { hashes: {}, saved: false };
    }
  };
  const writeState = (cache, url, state) =>
    cache.put(url, new Response(JSON.stringify(state), { headers: { "Content-Type": "application/json" } }));
  const hashOf = async (buf) => {
    const d = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
    let s = "";
    for (let i = 0; i < 8; i++) s += d[i].toString(16).padStart(2, "0");
    return s;
  };
  const keyOf = (href) => {
    const u = new URL(href);
    u.search = u.hash = "";
    if (u.pathname.endsWith("/index.html")) u.pathname = u.pathname.slice(0, -"index.html".length);
    return u.href;
  };

  async function initSave(sec) {
    const t = (k) => sec.getAttribute("data-i18n-" + k);
    const status = sec.querySelector("[data-offline-status]");
    const btn = sec.querySelector("[data-offline-save]");
    const cancel = sec.querySelector("[data-offline-cancel]");
    const prog = sec.querySelector("[data-offline-progress]");
    const say = (s) => { status.textContent = s; };
    if (location.protocol === "file:") return say(t("disk"));
    if (preview) return say(t("preview"));
    if (!sw || !window.caches || !window.crypto || !crypto.subtle) return say(t("unsupported"));
    say(t("waiting"));
    const about = await info();
    const cache = await caches.open(about.cache);
    const total = about.save.bytes;
    const doneText = () => fill(t("done"), { files: about.save.files, size: size(total), date: dateOf(about.date) });
    say((await readState(cache, about.state)).saved ? doneText() : "");
    btn.textContent = fill(t("button"), { size: size(total) });
    btn.hidden = false;

    btn.addEventListener("click", async () => {
      const ctl = new AbortController();
      const state = await readState(cache, about.state);
      let done = 0, shown = -1, why = null;
      const progress = () => {
        if (why) return; // stopping: the status is the final word's
        prog.max = total || 1;
        prog.value = Math.min(done, total);
        const step = Math.floor((10 * done) / (total || 1));
        if (step !== shown) {
          shown = step;
          say(fill(t("progress"), { done: size(done), total: size(total) }));
        }
      };
      btn.disabled = true;
      cancel.hidden = false;
      prog.hidden = false;
      cancel.onclick = () => { why = "cancelled"; ctl.abort(); };
      try {
        if (navigator.storage && navigator.storage.estimate) {
          const e = await navigator.storage.estimate();
          if (e.quota && e.quota - e.usage < total) {
            why = "space";
            throw new Error("space");
          }
        }
        if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
        const resp = await fetch(abs("offline/files.json"), { cache: "no-cache", signal: ctl.signal });
        const list = (await resp.json()).files;
        const todo = [];
        for (const f of list) {
          if (state.hashes[abs(f[0])] === f[2]) done += f[1];
          else todo.push(f);
        }
        progress();
        let next = 0;
        const run = async () => {
          while (next < todo.length && !why) {
            const [u, n, h] = todo[next++];
            const r = await fetch(abs(u), { cache: "no-cache", signal: ctl.signal });
            if (!r.ok) throw new Error(u + ": " + r.status);
            const buf = await r.arrayBuffer();
            if ((await hashOf(buf)) !== h) {
              why = "updated";
              throw new Error("updated");
            }
            await cache.put(abs(u), new Response(buf, { headers: { "Content-Type": r.headers.get("Content-Type") || "" } }));
            state.hashes[abs(u)] = h;
            done += n;
            progress();
          }
        };
        await Promise.all([run(), run(), run(), run()]);
        if (why) throw new Error(why);
        state.saved = true;
        say(doneText());
      } catch (e) {
        // Whatever stopped one run stops the others, which may be between
        // a fetch and its progress.
        why = why || "failed";
        ctl.abort();
        if (why === "cancelled") say(fill(t("cancelled"), { done: size(done), total: size(total) }));
        else if (why === "space") say(fill(t("space"), { size: size(total) }));
        else if (why === "updated") say(t("updated"));
        else say(fill(t("failed"), { reason: e.message }));
      } finally {
        await writeState(cache, about.state, state);
        btn.disabled = false;
        cancel.hidden = true;
        prog.hidden = true;
      }
    });
  }

  // initPage fills offline/: which page it stands for, and what else this
  // device holds, with the titles the saved pages have.
  async function initPage(page) {
    if (document.querySelector("base")) {
      // The worker shows this page at the address of a page it lacks.
      const lead = page.querySelector("[data-offline-lead]");
      lead.textContent = fill(page.getAttribute("data-i18n-missing"), { url: decodeURI(location.pathname) });
    }
    if (!sw || !window.caches || location.protocol === "file:" || preview) return;
    const about = await info();
    const cache = await caches.open(about.cache);
    const listed = new Set([...page.querySelectorAll("a[href]")].map((a) => keyOf(a.href)));
    const items = [];
    for (const req of await cache.keys()) {
      const u = req.url;
      if (!u.endsWith("/") || listed.has(u) || u === abs("offline/")) continue;
      const text = await (await cache.match(req)).text();
      const m = /<title>([^<]*)<\/title>/i.exec(text);
      let title = m ? new DOMParser().parseFromString(m[1], "text/html").documentElement.textContent : u;
      const dot = title.lastIndexOf(" · ");
      if (dot > 0) title = title.slice(0, dot);
      items.push([title, u]);
    }
    items.sort((a, b) => a[0].localeCompare(b[0], lang));
    const more = page.querySelector("[data-offline-more]");
    const ul = more.querySelector("[data-offline-list]");
    for (const [title, u] of items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = u;
      a.textContent = title;
      li.append(a);
      ul.append(li);
    }
    if (!items.length) {
      const p = document.createElement("p");
      p.textContent = page.getAttribute("data-i18n-more-none");
      ul.replaceWith(p);
    }
    more.hidden = false;
  }

  const sec = document.querySelector("section.offline-save");
  if (sec) initSave(sec).catch((e) => console.error("cmesite:", e));
  const page = document.querySelector("[data-offline-page]");
  if (page) initPage(page).catch((e) => console.error("cmesite:", e));
})();
