// The site's service worker. cmesite build writes it as sw.js at the site
// root, after the constants VERSION, DATE, PRECACHE, SAVE and TEXT (see
// internal/site/offline.go).
//
// - Install caches PRECACHE in a cache of this version, checking each file
//   against its hash, so a worker never holds a file of another build. A
//   file the previous version holds with the same hash is copied from its
//   cache; what the previous version held beyond its PRECACHE (pages read,
//   or everything saved) is carried over the same way, or fetched anew
//   when it changed.
// - Activation removes the previous version's cache. A first worker takes
//   control of open pages at once; a new version waits until the pages
//   ask for it ("skip", when the reader accepts the reload) or all pages of
//   the old version are closed. The pages (offline.js) reload when it takes
//   over, so a page and its assets always come from one version.
// - Every GET in the site's scope is answered from this version's cache
//   (the query string ignored: the site is static), else from the network,
//   whose good answer is kept. A page that is neither cached nor reachable
//   is answered with offline/, its links pointed at the site's root.
// - Pages ask, with a MessageChannel, for {type: "info"} (the content date,
//   the cache's name, what saving everything stores, the theme's strings)
//   and send {type: "skip"} to let a waiting version take over.

const SCOPE = self.registration.scope;
const PREFIX = "cmesite " + SCOPE + " ";
const CACHE = PREFIX + VERSION;
// STATE is a made-up URL in the cache: {hashes: {url: hash}, saved: bool}
// for what the cache holds (the hashes it knows) and whether everything
// was saved.
const STATE = new URL("offline/state.json", SCOPE).href;
const OFFLINE = new URL("offline/", SCOPE).href;
const WORKER = new URL("sw.js", SCOPE).href;
// LIST, every file saving everything stores, is read from the network
// only: it is large on a large site and is never needed offline.
const LIST = new URL("offline/files.json", SCOPE).href;

const abs = (u) => new URL(u, SCOPE).href;

// keyOf is the cache key of a URL: no query or fragment, and a folder's
// index.html as the folder.
function keyOf(href) {
  const u = new URL(href);
  u.search = "";
  u.hash = "";
  if (u.pathname.endsWith("/index.html")) u.pathname = u.pathname.slice(0, -"index.html".length);
  return u.href;
}

async function hashOf(buf) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  let s = "";
  for (let i = 0; i < 8; i++) s += d[i].toString(16).padStart(2, "0");
  return s;
}

// fetchChecked fetches url and returns a response to cache, or throws when
// it fails or its bytes are not those of this build.
async function fetchChecked(url, hash) {
  const resp = await fetch(url, { cache: "no-cache" });
  if (!resp.ok) throw new Error(url + ": " + resp.status);
  const buf = await resp.arrayBuffer();
  if (hash && (await hashOf(buf)) !== hash) throw new Error(url + ": not of this build");
  return new Response(buf, { status: 200, headers: { "Content-Type": resp.headers.get("Content-Type") || "" } });
}

async function readState(cache) {
  const r = cache && (await cache.match(STATE));
  if (!r) return { hashes: {}, saved: false };
  try {
    const s = await r.json();
    return { hashes: s.hashes || {}, saved: !!s.saved };
  } catch (e) {
    return { hashes: {}, saved: false };
  }
}

function writeState(cache, state) {
  return cache.put(STATE, new Response(JSON.stringify(state), { headers: { "Content-Type": "application/json" } }));
}

// previous is the cache of the version before this one, if any.
async function previous() {
  const keys = (await caches.keys()).filter((k) => k.startsWith(PREFIX) && k !== CACHE);
  return keys.length ? caches.open(keys[keys.length - 1]) : null;
}

// pool runs fn over items, n at a time.
async function pool(items, n, fn) {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, run));
}

async function install() {
  const cache = await caches.open(CACHE);
  const old = await previous();
  const oldState = await readState(old);
  const want = new Map(PRECACHE.map(([u, h]) => [abs(u), h]));
  const required = new Set(want.keys());
  let saved = false;
  if (old) {
    const extra = (await old.keys()).map((r) => r.url).filter((u) => u !== STATE && !want.has(u));
    if (extra.length || oldState.saved) {
      // What the reader kept: carry it over, by the new list's hashes.
      try {
        const list = await (await fetch(LIST, { cache: "no-cache" })).json();
        const hashes = new Map(list.files.map(([u, , h]) => [abs(u), h]));
        for (const u of extra) if (hashes.has(u)) want.set(u, hashes.get(u));
        if (oldState.saved) {
          for (const [u, h] of hashes) want.set(u, h);
          saved = true;
        }
      } catch (e) {
        // Keep the first visit's files only.
      }
    }
  }
  const state = { hashes: {}, saved: false };
  let missed = false;
  await pool([...want], 4, async ([u, h]) => {
    try {
      let resp = null;
      if (old && oldState.hashes[u] === h) resp = await old.match(u);
      if (!resp) resp = await fetchChecked(u, h);
      await cache.put(u, resp);
      state.hashes[u] = h;
    } catch (e) {
      if (required.has(u)) throw e;
      missed = true;
    }
  });
  state.saved = saved && !missed;
  await writeState(cache, state);
}

self.addEventListener("install", (e) => e.waitUntil(install()));

self.addEventListener("activate", (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

// offlinePage is offline/ for a page that is neither cached nor reachable:
// shown at the page's own address, so a <base> points its links at the
// site.
async function offlinePage(cache) {
  const page = await cache.match(OFFLINE);
  if (!page) return Response.error();
  const html = (await page.text()).replace(/<head>/i, '<head><base href="' + OFFLINE + '">');
  return new Response(html, { status: 503, statusText: "Offline", headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function answer(e) {
  const req = e.request;
  const cache = await caches.open(CACHE);
  const key = keyOf(req.url);
  const hit = await cache.match(key);
  if (hit) return hit;
  let resp;
  try {
    resp = await fetch(req);
  } catch (err) {
    if (req.mode === "navigate") return offlinePage(cache);
    return new Response("", { status: 503, statusText: "Offline" });
  }
  if (resp.ok && resp.type === "basic" && !resp.redirected && !req.headers.has("range")) {
    e.waitUntil(cache.put(key, resp.clone()).catch(() => {}));
  }
  return resp;
}

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET" || !req.url.startsWith(SCOPE)) return;
  const key = keyOf(req.url);
  if (key === WORKER || key === LIST) return;
  e.respondWith(answer(e));
});

self.addEventListener("message", (e) => {
  const m = e.data || {};
  if (m.type === "skip") {
    self.skipWaiting();
  } else if (m.type === "info" && e.ports[0]) {
    e.ports[0].postMessage({ version: VERSION, cache: CACHE, state: STATE, date: DATE, save: SAVE, text: TEXT });
  }
});
