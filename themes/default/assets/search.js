/* cmesite search: as-you-type search over the static index in search/
 * (built by internal/search). The search page loads it with defer; other
 * pages load it on first use of the search box (main.js initSearchLoader),
 * so it starts after DOMContentLoaded and takes over a box that may already
 * be focused and hold words.
 *
 * Opened from disk (file:), where the browser refuses fetch(), each index
 * file search/X.json is read from its twin search/X.js, which a <script>
 * element may load (see diskFile in internal/site); links to folders get
 * "index.html", and result sections are not read from the pages.
 *
 * Page contract:
 *   <html data-root="../../">   relative path from the page to the site root
 *   <form data-search-form action="{root}search/">  the header search form, with
 *     <input type="search" name="q">, an empty <div data-search-suggest hidden>
 *     (the as-you-type dropdown) and data-i18n-* attributes with the UI strings
 *     (DEFAULT_STRINGS below: data-i18n-results-one, data-i18n-no-results, ...)
 *   search page only: [data-search-page] (data-i18n-* too), [data-search-status],
 *     [data-search-results], [data-search-error], [data-search-more],
 *     <details data-search-facets> holding [data-facet-group="level|topic|audience|format"]
 *     each with a [data-facet-options], and [data-search-clear]; the details
 *     start open on a wide screen, and while folded with no filter chosen,
 *     the facets are counted only when the reader opens them
 *   result pages: the text in [data-search-body] (else <main>), sections at
 *     h2/h3 elements with an id; snippets and section links come from there.
 *
 * The query rules are the twin of internal/search/query.go and the text
 * rules of internal/search/text.go: the Go browser test runs both on the
 * same index and compares. Keep them in step.
 *
 * Result DOM is built with createElement/textContent only: nothing from the
 * index, the pages or the query is ever parsed as HTML into this page.
 */
(function () {
  "use strict";

  // ---- text rules (text.go) ----------------------------------------------
  const MAX_TOKEN_RUNES = 32;
  const FOLD_MAP = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d",
    "ł": "l", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t", "ς": "σ",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
  };
  const FOLD_RE = new RegExp("[" + Object.keys(FOLD_MAP).join("") + "]", "g");
  const NON_ASCII = /[^\x00-\x7f]/;
  const MARKS = /\p{M}+/gu;
  const TOKEN_RE = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
  const ENDS_IN_WORD = /[\p{L}\p{N}]$/u;
  // A word in display text, before folding (accents may still be separate marks).
  const TEXT_WORD_RE = /[\p{L}\p{N}\p{M}]+(?:['\u2019\u2018\u02bc][\p{L}\p{N}\p{M}]+)*/gu;

  function fold(s) {
    if (!NON_ASCII.test(s)) return s.toLowerCase();
    return s.normalize("NFKD").toLowerCase().replace(MARKS, "").replace(FOLD_RE, (c) => FOLD_MAP[c]);
  }

  function tokenize(s) {
    const out = [];
    const f = fold(s);
    TOKEN_RE.lastIndex = 0;
    let m;
    while ((m = TOKEN_RE.exec(f)) !== null) {
      let t = m[0];
      if (t.indexOf("'") >= 0) t = t.replace(/'/g, "");
      if (t.length > MAX_TOKEN_RUNES) {
        const cps = Array.from(t);
        if (cps.length > MAX_TOKEN_RUNES) t = cps.slice(0, MAX_TOKEN_RUNES).join("");
      }
      out.push(t);
    }
    return out;
  }

  const runeCount = (s) => (NON_ASCII.test(s) ? Array.from(s).length : s.length);

  // ---- query rules (query.go) --------------------------------------------
  const MAX_QUERY_TOKENS = 10;
  const Q_EXACT = 100, Q_PREFIX = 75, Q_TYPO = 60, Q_TYPO_PREFIX = 50;
  const W_TYPED = 100, W_SPELLING = 95, W_SYNONYM = 90, W_SYNONYM_TYPED = 50, W_FILLER = 25;
  const MIN_PREFIX = 2, MIN_TYPO = 5, MIN_SYNONYM_PREFIX = 4;
  const FIELD_WEIGHTS = [100, 150, 300, 500, 1000];
  const REPEAT_BONUS = [0, 20];
  const FACETS = ["level", "topic", "audience", "format"];
  const QUICK_REFERENCE = "quick-reference";
  const MANIFEST_VERSION = 2;

  const V64 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  const V64VAL = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) V64VAL[V64.charCodeAt(i)] = i;

  class SearchError extends Error {
    constructor(kind, file) {
      super(kind + ": " + file);
      this.kind = kind; // "load" or "corrupt"
      this.file = file;
    }
  }

  // Reads the numbers of a v64 list (encode.go: appendV64).
  class V64Reader {
    constructor(s, file) { this.s = s; this.pos = 0; this.file = file; }
    more() { return this.pos < this.s.length; }
    next() {
      let n = 0, mul = 1;
      while (this.pos < this.s.length) {
        const code = this.s.charCodeAt(this.pos++);
        const c = code < 128 ? V64VAL[code] : -1;
        if (c < 0 || mul > 2 ** 45) break;
        if (c < 32) return n + c * mul;
        n += (c - 32) * mul;
        mul *= 32;
      }
      throw new SearchError("corrupt", this.file);
    }
  }

  function termKey(term, keyLen) {
    if (keyLen === 0) return "";
    if (!NON_ASCII.test(term)) return term.slice(0, keyLen);
    return Array.from(term).slice(0, keyLen).join("");
  }

  function termFileName(key) {
    if (key === "") return "_";
    if (/^[a-z0-9]+$/.test(key)) return key;
    let hex = "_";
    for (const b of new TextEncoder().encode(key)) hex += b.toString(16).padStart(2, "0");
    return hex;
  }

  function spellingVariants(tok, pairs) {
    const out = [];
    for (const [a, b] of pairs) {
      const ha = tok.startsWith(a), hb = tok.startsWith(b);
      let v;
      if (ha && (!hb || a.length >= b.length)) v = b + tok.slice(a.length);
      else if (hb) v = a + tok.slice(b.length);
      else continue;
      if (v !== tok && !out.includes(v)) out.push(v);
    }
    return out;
  }

  function addAlt(alts, tokens, w) {
    const key = tokens.join(" ");
    for (const a of alts) {
      if (a.key === key) {
        a.weight = Math.max(a.weight, w);
        return;
      }
    }
    alts.push({ tokens, key, weight: w });
  }

  // within1: at most one insertion, deletion, substitution or transposition.
  function within1(a, b) {
    if (a.length > b.length) [a, b] = [b, a];
    if (b.length - a.length > 1) return false;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (i === a.length) return true;
    const eq = (x, xi, y, yi) => {
      if (x.length - xi !== y.length - yi) return false;
      for (; xi < x.length; xi++, yi++) if (x[xi] !== y[yi]) return false;
      return true;
    };
    if (a.length === b.length) {
      if (eq(a, i + 1, b, i + 1)) return true;
      return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && eq(a, i + 2, b, i + 2);
    }
    return eq(a, i, b, i + 1);
  }

  function typoQuality1(a, b) {
    if (within1(a, b)) return Q_TYPO;
    for (let m = a.length - 1; m <= a.length + 1; m++) {
      if (m >= 1 && m < b.length && within1(a, b.slice(0, m))) return Q_TYPO_PREFIX;
    }
    return 0;
  }

  function typoQuality(tok, term) {
    const q = typoQuality1(Array.from(tok), Array.from(term));
    if (q > 0) return q;
    if (tok.includes("ph") || term.includes("ph")) {
      return typoQuality1(Array.from(tok.replaceAll("ph", "f")), Array.from(term.replaceAll("ph", "f")));
    }
    return 0;
  }

  function typoKeys(tok, keyLen) {
    const r = Array.from(tok);
    const keys = [termKey(tok, keyLen)];
    if (keyLen === 0) return keys;
    keys.push(termKey(r.slice(1).join(""), keyLen));
    keys.push(termKey(r[0] + r.slice(2).join(""), keyLen));
    keys.push(termKey(r[1] + r[0] + r.slice(2).join(""), keyLen));
    return keys;
  }

  // ---- the index ------------------------------------------------------------
  const QR_BIT = 16; // encode.go qrBit
  const MASK_VALUES = 45; // encode.go maskValues
  const LIST_FACETS = FACETS.filter((f) => f !== "level"); // encode.go listFacets

  const ON_DISK = location.protocol === "file:";

  // diskJSON reads the twin of the index file path (search/t/ab.json) on
  // file:, search/t/ab.js, which sets self.cmesiteData[path] to the JSON.
  function diskJSON(root, path) {
    return new Promise((resolve, reject) => {
      const data = (self.cmesiteData = self.cmesiteData || {});
      const script = document.createElement("script");
      const done = (ok) => {
        script.remove();
        const v = data[path];
        delete data[path];
        if (!ok) reject(new SearchError("load", path));
        else if (v === undefined) reject(new SearchError("corrupt", path));
        else resolve(v);
      };
      script.onload = () => done(true);
      script.onerror = () => done(false);
      script.src = root + path.replace(/\.json$/, ".js");
      document.head.appendChild(script);
    });
  }

  // A posting list: its dictionary and its place there.
  const refKey = (ref) => ref.dict.key + "\u0000" + ref.i;

  class Engine {
    constructor(root) {
      this.root = root;
      this.ready = null;
      this.loads = new Map(); // file -> Promise of its JSON
      this.dicts = new Map(); // shard key -> dictionary, or null
      this.files = new Map(); // posting or facet file -> its strings
      this.posts = new Map(); // refKey -> {docs: Int32Array, codes: Uint8Array}
      this.meta = new Map(); // group -> [ {url, title, snippet, anchors, format} ]
      this.groups = new Set(); // facet groups read
    }

    init() {
      if (!this.ready) {
        this.ready = this._init();
        this.ready.catch(() => { this.ready = null; }); // try again on the next query
      }
      return this.ready;
    }

    async _init() {
      const file = "search/index.json";
      const man = await this.getJSON(file, "");
      const int = Number.isInteger;
      const ok = man && man.version === MANIFEST_VERSION && int(man.docs) && man.docs >= 0 &&
        int(man.termKey) && int(man.metaGroup) && man.metaGroup > 0 && int(man.facetGroup) && man.facetGroup > 0 &&
        typeof man.listFacets === "boolean" && Array.isArray(man.stop) && Array.isArray(man.spell) && Array.isArray(man.syn) &&
        Array.isArray(man.lay) && Array.isArray(man.filler) &&
        man.facets && FACETS.every((f) => Array.isArray(man.facets[f])) && Array.isArray(man.levels) &&
        man.levels.length === man.facets.level.length + 1 && man.files && man.files.terms && man.counts &&
        FACETS.every((f) => f === "level" || (Array.isArray(man.counts[f]) && man.counts[f].length === man.facets[f].length));
      if (!ok) throw new SearchError("corrupt", file);
      const n = man.docs;
      this.level = new Int32Array(n).fill(-1);
      for (let l = 0; l + 1 < man.levels.length; l++) {
        const lo = man.levels[l], hi = man.levels[l + 1];
        if (!int(lo) || !int(hi) || lo < 0 || lo > hi || hi > n) throw new SearchError("corrupt", file);
        this.level.fill(l, lo, hi);
      }
      this.qr = null; // doc -> a quick-reference card, when the manifest lists them
      if (typeof man.qr === "string") {
        this.qr = new Uint8Array(n);
        const r = new V64Reader(man.qr, file);
        for (let d = -1; r.more();) {
          d += r.next() + 1;
          if (d >= n) throw new SearchError("corrupt", file);
          this.qr[d] = 1;
        }
      }
      this.known = new Uint8Array(n); // the doc's facets are in stores
      this.stores = {};
      for (const f of LIST_FACETS) this.stores[f] = new FacetStore(man.facets[f].length, n);
      this.n = n;
      this.stop = new Set(man.stop);
      this.filler = new Set(man.filler);
      // query.go expansion: the synonym groups, then the lay terms.
      this.expand = man.syn.map((g) => ({ keys: g, alts: g }))
        .concat(man.lay.map((g) => ({ keys: g[0], alts: g[0].concat(g[1]) })));
      this.synAlts = this.expand.map((e) => e.alts.map((a) => a.split(" ")));
      this.synKeys = this.expand.map((e) => e.keys.map((a) => a.split(" ")));
      this.man = man;
    }

    async getJSON(path, hash) {
      if (ON_DISK) return diskJSON(this.root, path);
      let resp;
      const url = this.root + path + (hash ? "?v=" + encodeURIComponent(hash) : "");
      try {
        resp = await fetch(url, hash ? {} : { cache: "no-cache" });
      } catch (e) {
        throw new SearchError("load", path);
      }
      if (!resp.ok) throw new SearchError("load", path);
      try {
        return await resp.json();
      } catch (e) {
        throw new SearchError("corrupt", path);
      }
    }

    // load fetches a file once (and again after a failure) and hands its
    // JSON to check, which keeps what it needs.
    load(path, hash, check) {
      let p = this.loads.get(path);
      if (!p) {
        p = this.getJSON(path, hash).then(check);
        p.catch(() => this.loads.delete(path));
        this.loads.set(path, p);
      }
      return p;
    }

    loadDict(key) {
      if (this.dicts.has(key)) return Promise.resolve();
      const hash = this.man.files.terms[key];
      if (typeof hash !== "string") {
        this.dicts.set(key, null);
        return Promise.resolve();
      }
      const file = "search/t/" + termFileName(key) + ".json";
      return this.load(file, hash, (raw) => {
        if (!raw || !Array.isArray(raw.names) || !raw.names.every((x) => typeof x === "string") || typeof raw.chunks !== "string") {
          throw new SearchError("corrupt", file);
        }
        const names = raw.names;
        const chunk = new Int32Array(names.length), pos = new Int32Array(names.length), lens = [];
        const r = new V64Reader(raw.chunks, file);
        let i = 0;
        while (r.more()) {
          const k = r.next();
          if (k < 1 || i + k > names.length) throw new SearchError("corrupt", file);
          for (let j = 0; j < k; j++, i++) {
            chunk[i] = lens.length;
            pos[i] = j;
          }
          lens.push(k);
        }
        if (i !== names.length) throw new SearchError("corrupt", file);
        const index = new Map();
        names.forEach((t, j) => index.set(t, j));
        this.dicts.set(key, { key, names, chunk, pos, lens, index, hash });
      });
    }

    // chunkFile: the posting file (dir "p") or facet file (dir "f") of a list.
    chunkFile(ref, dir) {
      return "search/" + dir + "/" + termFileName(ref.dict.key) + "." + ref.dict.chunk[ref.i] + ".json";
    }

    loadChunk(ref, dir) {
      const file = this.chunkFile(ref, dir);
      if (this.files.has(file)) return Promise.resolve();
      const want = ref.dict.lens[ref.dict.chunk[ref.i]];
      return this.load(file, ref.dict.hash, (ss) => {
        if (!Array.isArray(ss) || ss.length !== want || !ss.every((x) => typeof x === "string")) throw new SearchError("corrupt", file);
        this.files.set(file, ss);
      });
    }

    postings(ref) {
      const k = refKey(ref);
      let p = this.posts.get(k);
      if (p) return p;
      const file = this.chunkFile(ref, "p");
      const r = new V64Reader(this.files.get(file)[ref.dict.pos[ref.i]], file);
      const docs = [], codes = [];
      let doc = -1;
      while (r.more()) {
        const v = r.next();
        doc += Math.floor(v / 2) + 1;
        let code = 0;
        if (v % 2 === 1) code = r.next();
        if (doc >= this.n || (code & ~QR_BIT) > 9 || code > (QR_BIT | 9) || (code === 0 && v % 2 === 1) ||
          (code & QR_BIT && this.qr)) throw new SearchError("corrupt", file);
        docs.push(doc);
        codes.push(code);
      }
      if (docs.length === 0) throw new SearchError("corrupt", file);
      p = { docs: Int32Array.from(docs), codes: Uint8Array.from(codes) };
      this.posts.set(k, p);
      return p;
    }

    // readFacets decodes facets (encode.go appendFacets) of the docs doc(0..n-1).
    readFacets(enc, doc, n, file) {
      const streams = enc.split(".");
      if (streams.length !== LIST_FACETS.length) throw new SearchError("corrupt", file);
      const vals = LIST_FACETS.map((f, k) => {
        const r = new V64Reader(streams[k], file);
        const size = this.man.facets[f].length;
        const out = new Array(n);
        for (let i = 0; i < n; i++) {
          const c = r.next();
          if (size <= MASK_VALUES) {
            if (c >= 2 ** size) throw new SearchError("corrupt", file);
            out[i] = c;
            continue;
          }
          const list = [];
          for (let j = 0; j < c; j++) {
            const v = r.next();
            if (v >= size) throw new SearchError("corrupt", file);
            list.push(v);
          }
          out[i] = list;
        }
        if (r.more()) throw new SearchError("corrupt", file);
        return out;
      });
      const stores = LIST_FACETS.map((f) => this.stores[f]);
      for (let i = 0; i < n; i++) {
        const d = doc(i);
        if (this.known[d]) continue;
        this.known[d] = 1;
        for (let k = 0; k < stores.length; k++) stores[k].set(d, vals[k][i]);
      }
    }

    loadGroup(g) {
      const file = "search/g/" + g + ".json";
      if (this.groups.has(g)) return Promise.resolve();
      return this.load(file, this.man.files.facets, (enc) => {
        if (typeof enc !== "string") throw new SearchError("corrupt", file);
        const lo = g * this.man.facetGroup;
        this.readFacets(enc, (i) => lo + i, Math.min(this.man.facetGroup, this.n - lo), file);
        this.groups.add(g);
      });
    }

    loadMeta(group) {
      if (this.meta.has(group)) return Promise.resolve();
      const file = "search/m/" + group + ".json";
      const want = Math.min(this.man.metaGroup, this.n - group * this.man.metaGroup);
      return this.load(file, this.man.files.meta, (raw) => {
        if (!Array.isArray(raw) || raw.length !== want) throw new SearchError("corrupt", file);
        const docs = raw.map((e) => {
          if (!Array.isArray(e) || e.length !== 5 || typeof e[0] !== "string" || typeof e[1] !== "string" ||
            typeof e[2] !== "string" || !Array.isArray(e[3]) || !Number.isInteger(e[4])) throw new SearchError("corrupt", file);
          const anchors = [];
          for (let i = 0; i + 1 < e[3].length; i += 2) anchors.push([String(e[3][i]), String(e[3][i + 1])]);
          return { url: e[0], title: e[1], snippet: e[2], anchors, format: e[4] };
        });
        this.meta.set(group, docs);
      });
    }

    metaOf(doc) {
      return this.meta.get(Math.floor(doc / this.man.metaGroup))[doc % this.man.metaGroup];
    }

    // parseQuery: query.go parseQuery.
    parseQuery(q) {
      let toks = tokenize(q);
      const f = fold(q);
      const typing = ENDS_IN_WORD.test(f) && toks.length <= MAX_QUERY_TOKENS;
      if (toks.length > MAX_QUERY_TOKENS) toks = toks.slice(0, MAX_QUERY_TOKENS);
      const words = [];
      toks.forEach((t, i) => {
        if (this.stop.has(t)) {
          if (i === toks.length - 1 && typing) words.push({ tok: t, optional: true, filler: false });
          return;
        }
        words.push({ tok: t, optional: false, filler: this.filler.has(t) });
      });
      const cs = [];
      for (let i = 0; i < words.length;) {
        const w = words[i];
        if (w.optional) {
          cs.push({ alts: [{ tokens: [w.tok], key: w.tok, weight: W_TYPED }], optional: true });
          i++;
          continue;
        }
        const ph = this.phraseAt(words, i, typing);
        if (ph.n > 0) {
          const c = { alts: [], optional: false };
          addAlt(c.alts, ph.typed, W_TYPED);
          for (const at of this.synAlts[ph.group]) addAlt(c.alts, at, W_SYNONYM);
          cs.push(c);
          i += ph.n;
          continue;
        }
        const isLast = i === words.length - 1;
        if (w.filler) {
          const wt = isLast && typing ? W_TYPED : W_FILLER;
          cs.push({ alts: [{ tokens: [w.tok], key: w.tok, weight: wt }], optional: true });
          i++;
          continue;
        }
        cs.push(this.wordConcept(w.tok, isLast && typing));
        i++;
      }
      return cs;
    }

    phraseAt(words, i, typing) {
      let best = { group: 0, typed: null, n: 0 };
      this.synKeys.forEach((keys, g) => {
        for (const at of keys) {
          const k = Math.min(at.length, words.length - i);
          if (at.length < 2 || k < 2 || k <= best.n || (k < at.length && i + k !== words.length)) continue;
          let ok = true;
          for (let j = 0; j < k; j++) {
            const w = words[i + j];
            const last = i + j === words.length - 1;
            if (w.optional || !(w.tok === at[j] || (last && typing && runeCount(w.tok) >= MIN_PREFIX && at[j].startsWith(w.tok)))) {
              ok = false;
              break;
            }
          }
          if (ok) best = { group: g, typed: at.slice(0, k), n: k };
        }
      });
      return best;
    }

    wordConcept(tok, typing) {
      const c = { alts: [], optional: false };
      addAlt(c.alts, [tok], W_TYPED);
      const variants = [tok].concat(spellingVariants(tok, this.man.spell));
      for (const v of variants.slice(1)) addAlt(c.alts, [v], W_SPELLING);
      const n = runeCount(tok);
      this.expand.forEach((e, g) => {
        let wt = 0;
        for (const a of e.keys) {
          if (a.includes(" ")) continue;
          if (variants.includes(a)) {
            wt = W_SYNONYM;
            break;
          }
          if (typing && n >= MIN_SYNONYM_PREFIX && a.startsWith(tok)) wt = W_SYNONYM_TYPED;
        }
        if (wt === 0) return;
        for (const at of this.synAlts[g]) addAlt(c.alts, at, wt);
      });
      return c;
    }


    // directMatches: query.go matchToken, for words in the index.
    directMatches(tok) {
      const dict = this.dicts.get(termKey(tok, this.man.termKey));
      const out = { terms: [], lists: [] };
      if (!dict) return out;
      const exact = dict.index.get(tok);
      if (exact !== undefined) {
        out.terms.push(tok);
        out.lists.push({ ref: { dict, i: exact }, quality: Q_EXACT });
      }
      if (runeCount(tok) >= MIN_PREFIX) {
        const merged = dict.index.get(tok + "*");
        const { names } = dict;
        for (let i = 0; i < names.length; i++) {
          const t = names[i];
          if (t !== tok && t.startsWith(tok) && !t.endsWith("*")) {
            out.terms.push(t);
            if (merged === undefined) out.lists.push({ ref: { dict, i }, quality: Q_PREFIX });
          }
        }
        if (merged !== undefined) out.lists.push({ ref: { dict, i: merged }, quality: Q_PREFIX });
      }
      return out;
    }

    typoMatches(tok) {
      const out = { terms: [], lists: [] };
      const seen = [];
      for (const k of typoKeys(tok, this.man.termKey)) {
        if (seen.includes(k)) continue;
        seen.push(k);
        const dict = this.dicts.get(k);
        if (!dict) continue;
        dict.names.forEach((t, i) => {
          if (t.endsWith("*")) return;
          const q = typoQuality(tok, t);
          if (q > 0) {
            out.terms.push(t);
            out.lists.push({ ref: { dict, i }, quality: q });
          }
        });
      }
      return out;
    }

    // search: query.go Search. Returns {total, complete, facets, terms,
    // conceptTerms, need, top(k)}: top(k) is the first k hits {doc, score,
    // complete}, in order; describe() adds display data. Facet counts (and
    // the files they need) only when wantFacets, else count() adds them.
    async search(q, filters, wantFacets) {
      await this.init();
      const K = this.man.termKey;
      const cs = this.parseQuery(q);
      const toks = new Set();
      for (const c of cs) for (const a of c.alts) for (const t of a.tokens) toks.add(t);
      await Promise.all([...toks].map((t) => this.loadDict(termKey(t, K))));
      const matches = new Map();
      const typo = [];
      for (const t of toks) {
        const m = this.directMatches(t);
        matches.set(t, m);
        if (m.terms.length === 0 && runeCount(t) >= MIN_TYPO) typo.push(t);
      }
      if (typo.length > 0) {
        await Promise.all(typo.flatMap((t) => typoKeys(t, K)).map((k) => this.loadDict(k)));
        for (const t of typo) matches.set(t, this.typoMatches(t));
      }
      const refs = [];
      for (const m of matches.values()) for (const l of m.lists) refs.push(l.ref);
      await Promise.all(refs.map((r) => this.loadChunk(r, "p")));
      const res = this.score(cs, matches);
      await this.filter(res, filters || {});
      if (wantFacets) await this.count(res);
      return res;
    }

    // score finds the docs a query matches and their ranking keys:
    // (matched concepts, total score, id) packed in one number, greater
    // first (ids are in tie order).
    score(cs, matches) {
      const n = this.n;
      let required = 0;
      for (const c of cs) if (!c.optional) required++;
      const need = required === 0 ? cs.length : required;
      const scores = [], conceptTerms = [], read = [];
      const allTerms = new Set();
      const qr = this.qr || new Uint8Array(n); // else from the postings
      const tables = new Map(); // quality -> score of each code
      const table = (q) => {
        let t = tables.get(q);
        if (!t) {
          t = new Int32Array(32);
          for (let c = 0; c < 32; c++) t[c] = Math.floor(FIELD_WEIGHTS[((c & 15) >> 1) % 5] * q / 100) + REPEAT_BONUS[c & 1];
          tables.set(q, t);
        }
        return t;
      };
      // Scratch arrays, kept from query to query: tokBest is all zeros
      // between tokens; sum and hits count for docs whose stamp is the
      // current alternative's.
      if (!this.scratch) {
        this.scratch = { tokBest: new Int32Array(n), sum: new Int32Array(n), hits: new Uint8Array(n), stamp: new Int32Array(n), alt: 0 };
      }
      const { tokBest, sum, hits, stamp } = this.scratch;
      for (const c of cs) {
        const best = new Int32Array(n);
        const termSet = new Set();
        const cread = [];
        for (const a of c.alts) {
          const len = a.tokens.length;
          const alt = ++this.scratch.alt;
          const aread = [];
          let first = null; // the docs of the first token: a doc that matches the alternative is one of them
          for (const tok of a.tokens) {
            const m = matches.get(tok);
            for (const t of m.terms) {
              termSet.add(t);
              allTerms.add(t);
            }
            const refs = [];
            const lists = m.lists.map((lm) => {
              refs.push(lm.ref);
              return this.postings(lm.ref);
            });
            aread.push(refs);
            m.lists.forEach((lm, li) => {
              const { docs, codes } = lists[li];
              const t = table(lm.quality);
              for (let j = 0; j < docs.length; j++) {
                const code = codes[j], d = docs[j];
                if (code & QR_BIT) qr[d] = 1; // never when the manifest lists the cards
                if (t[code] > tokBest[d]) tokBest[d] = t[code];
              }
            });
            const touched = first === null ? [] : null;
            for (const { docs } of lists) {
              for (let j = 0; j < docs.length; j++) {
                const d = docs[j], v = tokBest[d];
                if (v === 0) continue; // counted already (in an earlier list of the token)
                tokBest[d] = 0;
                if (stamp[d] !== alt) {
                  stamp[d] = alt;
                  sum[d] = 0;
                  hits[d] = 0;
                }
                sum[d] += v;
                hits[d]++;
                if (touched) touched.push(d);
              }
            }
            if (touched) first = touched;
          }
          for (const d of first || []) {
            if (stamp[d] === alt && hits[d] === len) {
              const v = Math.floor(Math.floor(sum[d] / len) * a.weight / 100);
              if (v > best[d]) best[d] = v;
            }
          }
          cread.push(aread);
        }
        scores.push(best);
        conceptTerms.push(termSet);
        read.push(cread);
      }
      const P = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
      const counted = cs.map((c) => !c.optional || required === 0);
      let nc = 0;
      const candDocs = new Int32Array(n), candKeys = new Float64Array(n), candMatched = new Uint8Array(n);
      for (let d = 0; d < n; d++) {
        let m = 0, total = 0;
        for (let ci = 0; ci < cs.length; ci++) {
          const v = scores[ci][d];
          if (v > 0) {
            total += v;
            if (counted[ci]) m++;
          }
        }
        if (m === 0) continue;
        if (qr[d]) total = Math.floor(total * 3 / 2);
        candDocs[nc] = d;
        candMatched[nc] = m;
        candKeys[nc] = (m * 65536 + total) * P + (P - 1 - d);
        nc++;
      }
      return {
        cs, read, required, need, P, nc, candDocs, candKeys, candMatched,
        terms: [...allTerms].sort(), conceptTerms,
      };
    }

    // filter applies the facet filters and gives res its hits (query.go
    // Search); it reads facets only when a filter needs them.
    async filter(res, filters) {
      const { need, nc, candDocs, candKeys, candMatched } = res;
      const selected = {};
      let filtered = false, anySelected = false; // by a facet but the level; by any
      for (const f of FACETS) {
        const want = new Set(filters[f] || []);
        selected[f] = new Set();
        this.man.facets[f].forEach((v, i) => { if (want.has(v[0])) selected[f].add(i); });
        if (selected[f].size > 0) {
          anySelected = true;
          if (f !== "level") filtered = true;
        }
      }
      let anyComplete = false;
      for (let j = 0; j < nc && !anyComplete; j++) anyComplete = candMatched[j] === need;
      const selMasks = {}; // facet -> the selected values as a mask, for FacetStore.has
      for (const f of LIST_FACETS) selMasks[f] = this.stores[f].maskOf(selected[f]);
      Object.assign(res, { selected, selMasks, filtered, anySelected, anyComplete });
      if (filtered) {
        const docs = [];
        for (let j = 0; j < nc; j++) docs.push(candDocs[j]);
        await this.loadFacetsOf(docs, res.cs, res.read, res.required, true, false);
      }
      const hitKeys = new Float64Array(nc);
      let nh = 0, complete = 0;
      for (let j = 0; j < nc; j++) {
        if (anySelected && this.fails(res, candDocs[j]).n > 0) continue;
        hitKeys[nh++] = candKeys[j];
        if (candMatched[j] === need) complete++;
      }
      res.total = nh;
      res.complete = complete;
      res.facets = {};
      for (const f of FACETS) res.facets[f] = [];
      res.hitKeys = hitKeys.subarray(0, nh);
      const objs = new Map(); // doc -> hit, so that describe() runs once per hit
      res.top = (k) => {
        const keys = topKeys(res.hitKeys, k);
        return Array.from(keys, (key) => {
          const d = res.P - 1 - (key % res.P);
          let h = objs.get(d);
          if (!h) {
            const hi = Math.floor(key / res.P);
            h = { doc: d, score: hi % 65536, complete: Math.floor(hi / 65536) === need };
            objs.set(d, h);
          }
          return h;
        });
      };
    }

    // fails returns how many facet filters doc d fails, and the last one.
    fails(res, d) {
      let n = 0, failed = "";
      for (const f of FACETS) {
        const sel = res.selected[f];
        if (sel.size === 0) continue;
        const ok = f === "level" ? sel.has(this.level[d]) : this.stores[f].has(d, sel, res.selMasks[f]);
        if (!ok) {
          n++;
          failed = f;
        }
      }
      return { n, failed };
    }

    // count fills in res.facets: for each value, the results that selecting
    // it would give (query.go Search).
    async count(res) {
      const { need, nc, candDocs, candMatched, selected, filtered, anySelected, anyComplete } = res;
      const docs = [];
      for (let j = 0; j < nc; j++) if (filtered || !anyComplete || candMatched[j] === need) docs.push(candDocs[j]);
      const others = await this.loadFacetsOf(docs, res.cs, res.read, res.required, filtered || !anyComplete, !anySelected);
      const counts = {};
      for (const f of FACETS) counts[f] = new Int32Array(this.man.facets[f].length);
      const none = { n: 0, failed: "" };
      for (let j = 0; j < nc; j++) {
        if (anyComplete && candMatched[j] !== need) continue;
        const d = candDocs[j];
        const { n: fails, failed } = anySelected ? this.fails(res, d) : none;
        for (const f of FACETS) {
          if (fails === 0 || (fails === 1 && failed === f)) {
            const c = counts[f];
            if (f === "level") {
              if (this.level[d] >= 0) c[this.level[d]]++;
            } else if (!others) {
              this.stores[f].count(d, c);
            }
          }
        }
      }
      if (others) {
        // Every doc is counted but those others holds.
        for (const f of LIST_FACETS) this.man.counts[f].forEach((v, i) => { counts[f][i] = v - others[f][i]; });
      }
      for (const f of FACETS) {
        res.facets[f] = [];
        this.man.facets[f].forEach((v, i) => {
          if (counts[f][i] > 0 || selected[f].has(i)) {
            res.facets[f].push({ id: v[0], label: v[1], count: counts[f][i], selected: selected[f].has(i) });
          }
        });
      }
    }

    // loadFacetsOf: query.go readFacetsOf.
    async loadFacetsOf(docs, cs, read, required, all, whole) {
      if (docs.length === 0) return null;
      if (this.man.listFacets) {
        const { inside, outside } = this.facetCovers(cs, read, required, all);
        if (whole && outside.cost >= 0 && outside.cost < inside.cost) {
          await Promise.all(outside.refs.map((r) => this.loadChunk(r, "f")));
          const isDoc = new Uint8Array(this.n), seen = new Uint8Array(this.n);
          for (const d of docs) isDoc[d] = 1;
          const others = {};
          for (const f of LIST_FACETS) others[f] = new Int32Array(this.man.facets[f].length);
          for (const r of outside.refs) {
            for (const d of this.otherFacets(r)) {
              if (isDoc[d] || seen[d]) continue;
              seen[d] = 1;
              for (const f of LIST_FACETS) this.stores[f].count(d, others[f]);
            }
          }
          return others;
        }
        this.partsRead = this.partsRead || new Set();
        const refs = inside.refs.filter((r) => !this.partsRead.has(refKey(r)));
        await Promise.all(refs.map((r) => this.loadChunk(r, "f")));
        for (const r of refs) {
          const k = refKey(r);
          if (this.partsRead.has(k)) continue;
          const file = this.chunkFile(r, "f");
          const { docs: pd } = this.postings(r);
          this.readFacets(this.files.get(file)[r.dict.pos[r.i]], (i) => pd[i], pd.length, file);
          this.partsRead.add(k);
        }
      }
      const groups = new Set();
      for (const d of docs) if (!this.known[d]) groups.add(Math.floor(d / this.man.facetGroup));
      if (groups.size > 0) await Promise.all([...groups].map((g) => this.loadGroup(g)));
      for (const d of docs) if (!this.known[d]) throw new SearchError("corrupt", "search/g/" + Math.floor(d / this.man.facetGroup) + ".json");
      return null;
    }

    // otherFacets reads the facet part of a list of more than half the docs
    // (query.go otherFacets) and returns the docs it holds, once decoded.
    otherFacets(ref) {
      this.othersRead = this.othersRead || new Map();
      const k = refKey(ref);
      let docs = this.othersRead.get(k);
      if (docs) return docs;
      const file = this.chunkFile(ref, "f");
      const part = this.files.get(file)[ref.dict.pos[ref.i]];
      const colon = part.indexOf(":");
      if (colon < 0) throw new SearchError("corrupt", file);
      const r = new V64Reader(part.slice(0, colon), file);
      const ds = [];
      let prev = -1;
      while (r.more()) {
        prev += r.next() + 1;
        if (prev >= this.n) throw new SearchError("corrupt", file);
        ds.push(prev);
      }
      this.readFacets(part.slice(colon + 1), (i) => ds[i], ds.length, file);
      docs = Int32Array.from(ds);
      this.othersRead.set(k, docs);
      return docs;
    }

    // facetCovers: query.go facetCovers.
    facetCovers(cs, read, required, all) {
      const n = this.n;
      const insideOf = (alts) => {
        const cv = { refs: [], cost: 0 };
        for (const toks of alts) {
          let best = -1, refs = null;
          for (const lists of toks) {
            let cost = 0;
            for (const r of lists) {
              const p = this.postings(r);
              if (2 * p.docs.length <= n && cost >= 0) cost += p.docs.length;
              else cost = -1;
            }
            if (cost >= 0 && (best < 0 || cost < best)) {
              best = cost;
              refs = lists;
            }
          }
          if (best < 0) {
            cv.cost += n;
            continue;
          }
          cv.cost += best;
          cv.refs.push(...refs);
        }
        return cv;
      };
      const outsideOf = (alts) => {
        let cv = { refs: [], cost: -1 };
        for (const toks of alts) {
          const alt = { refs: [], cost: 0 };
          for (const lists of toks) {
            let big = null, most = 0;
            for (const r of lists) {
              const len = this.postings(r).docs.length;
              if (2 * len > n && len > most) {
                big = r;
                most = len;
              }
            }
            if (most === 0) {
              alt.cost = -1;
              break;
            }
            alt.cost += n - most;
            alt.refs.push(big);
          }
          if (alt.cost >= 0 && (cv.cost < 0 || alt.cost < cv.cost)) cv = alt;
        }
        return cv;
      };
      let inside = { refs: [], cost: -1 }, outside = { refs: [], cost: -1 };
      let first = true;
      cs.forEach((c, ci) => {
        if (c.optional && required > 0) return;
        const ic = insideOf(read[ci]), oc = outsideOf(read[ci]);
        if (all) {
          inside.cost = Math.max(inside.cost, 0) + ic.cost;
          inside.refs.push(...ic.refs);
          if (oc.cost >= 0 && (outside.cost < 0 || oc.cost < outside.cost)) outside = oc;
        } else {
          if (inside.cost < 0 || ic.cost < inside.cost) inside = ic;
          if (first || (outside.cost >= 0 && oc.cost >= 0)) {
            outside = { refs: outside.refs.concat(oc.refs), cost: Math.max(outside.cost, 0) + oc.cost };
          }
          if (oc.cost < 0) outside = { refs: [], cost: -1 };
        }
        first = false;
      });
      return { inside, outside };
    }

    // describe loads display data for hits and fills in url, title, anchor,
    // heading and snippet (query.go: the first limit hits and bestAnchor).
    async describe(res, hits) {
      const groups = new Set(hits.map((h) => Math.floor(h.doc / this.man.metaGroup)));
      await Promise.all([...groups].map((g) => this.loadMeta(g)));
      for (const h of hits) {
        if (h.url !== undefined) continue;
        const m = this.metaOf(h.doc);
        h.url = m.url;
        h.title = m.title;
        h.snippet = m.snippet;
        h.anchors = m.anchors;
        h.titleCount = countConcepts(m.title, res.conceptTerms);
        h.anchor = "";
        h.heading = "";
        if (h.titleCount < res.need) {
          let bestN = 0;
          for (const [id, heading] of m.anchors) {
            const c = countConcepts(heading, res.conceptTerms);
            if (c > bestN) {
              bestN = c;
              h.anchor = id;
              h.heading = heading;
            }
          }
        }
        const lv = this.man.facets.level[this.level[h.doc]];
        h.level = lv ? lv[1] : "";
        h.levelId = lv ? lv[0] : "";
        const fm = this.man.facets.format[m.format];
        h.format = fm ? fm[1] : "";
        h.formatId = fm ? fm[0] : "";
      }
      return hits;
    }
  }

  // FacetStore holds a facet's values (index in the manifest's list) of the
  // docs whose facets are read: a bit mask per doc, in an Int32Array up to 31
  // values, a Float64Array up to MASK_VALUES, else a list per doc.
  class FacetStore {
    constructor(size, n) {
      this.small = size <= 31 ? new Int32Array(n) : null;
      this.big = size > 31 && size <= MASK_VALUES ? new Float64Array(n) : null;
      this.lists = size > MASK_VALUES ? new Map() : null;
    }

    set(d, v) {
      if (this.small) this.small[d] = v;
      else if (this.big) this.big[d] = v;
      else this.lists.set(d, v);
    }

    values(d) {
      if (this.lists) return this.lists.get(d) || [];
      const out = [];
      let m = this.small ? this.small[d] : this.big[d];
      for (let v = 0; m > 0; v++, m = Math.floor(m / 2)) if (m % 2 === 1) out.push(v);
      return out;
    }

    // count adds 1 to c[v] for each value v of doc d.
    count(d, c) {
      if (this.small) {
        for (let m = this.small[d]; m !== 0;) {
          const low = m & -m;
          c[31 - Math.clz32(low)]++;
          m ^= low;
        }
        return;
      }
      for (const v of this.values(d)) c[v]++;
    }

    maskOf(sel) {
      let m = 0;
      if (this.small) for (const v of sel) m |= 1 << v;
      return m;
    }

    // has reports whether doc d has a value of sel (mask: maskOf(sel)).
    has(d, sel, mask) {
      if (this.small) return (this.small[d] & mask) !== 0;
      for (const v of this.values(d)) if (sel.has(v)) return true;
      return false;
    }
  }

  // topKeys returns the k greatest keys, greatest first.
  function topKeys(keys, k) {
    if (k >= keys.length) return Float64Array.from(keys).sort().reverse();
    if (k <= 0) return new Float64Array(0);
    // A min-heap of the k greatest so far.
    const heap = Float64Array.from(keys.subarray(0, k)).sort();
    for (let j = k; j < keys.length; j++) {
      const v = keys[j];
      if (v <= heap[0]) continue;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        let mv = v;
        if (l < k && heap[l] < mv) {
          m = l;
          mv = heap[l];
        }
        if (r < k && heap[r] < mv) m = r;
        if (m === i) break;
        heap[i] = heap[m];
        i = m;
      }
      heap[i] = v;
    }
    return heap.sort().reverse();
  }

  // countConcepts: how many concepts have a matched word in text.
  function countConcepts(text, conceptTerms) {
    const toks = tokenize(text);
    let n = 0;
    for (const set of conceptTerms) {
      if (toks.some((t) => set.has(t))) n++;
    }
    return n;
  }

  // ---- snippets from the result's own page -----------------------------------
  // The index holds no body text (it would not fit the size budget); the
  // snippet under a result comes from its page, fetched once per page and
  // cut into sections at h2/h3 headings with an id.
  const SKIP_ELEMENTS = new Set(["script", "style", "nav", "header", "footer", "form", "noscript", "template",
    "svg", "button", "h1", "select", "textarea"]);
  const BLOCK_ELEMENTS = /^(p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|blockquote|section|article|aside|h[1-6]|pre|figure|figcaption|br|hr)$/;

  function extractSections(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const body = doc.querySelector("[data-search-body]") || doc.querySelector("main") || doc.body;
    if (!body) return [];
    const sections = [{ anchor: "", heading: "", parts: [] }];
    let heading = null;
    const walker = doc.createTreeWalker(body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType === 1 && (SKIP_ELEMENTS.has(node.localName) || node.hasAttribute("data-search-ignore"))) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === 1) {
        if ((node.localName === "h2" || node.localName === "h3") && node.id) {
          heading = node;
          sections.push({ anchor: node.id, heading: node.textContent.trim(), parts: [] });
        } else if (BLOCK_ELEMENTS.test(node.localName)) {
          sections[sections.length - 1].parts.push(" ");
        }
      } else if (!(heading && heading.contains(node))) {
        sections[sections.length - 1].parts.push(node.data);
      }
    }
    return sections.map((s) => ({ anchor: s.anchor, heading: s.heading, text: s.parts.join("").replace(/\s+/g, " ").trim() }));
  }

  const SNIPPET_BEFORE = 60, SNIPPET_LENGTH = 220;

  // snippetAround cuts text around its first highlighted word, or returns null.
  function snippetAround(text, isHit) {
    TEXT_WORD_RE.lastIndex = 0;
    let m, at = -1;
    while ((m = TEXT_WORD_RE.exec(text)) !== null) {
      if (isHit(m[0])) {
        at = m.index;
        break;
      }
    }
    if (at < 0) return null;
    let start = Math.max(0, at - SNIPPET_BEFORE);
    if (start > 0) {
      const sp = text.indexOf(" ", start);
      start = sp >= 0 && sp < at ? sp + 1 : at;
    }
    let end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (end < text.length) {
      const sp = text.lastIndexOf(" ", end);
      if (sp > at) end = sp;
    }
    return (start > 0 ? "… " : "") + text.slice(start, end).trim() + (end < text.length ? " …" : "");
  }

  // ---- user interface ----------------------------------------------------------
  const DEFAULT_STRINGS = {
    resultsOne: "{n} result",
    resultsOther: "{n} results",
    noResults: "No results for “{q}”.",
    partial: "Partial matches",
    partialOnly: "No result matches every word; these match some of them.",
    seeAll: "See all results",
    loading: "Loading…",
    unavailable: "Search is unavailable: {reason}.",
    errorLoad: "could not load {file}",
    errorCorrupt: "{file} is damaged",
    catalogue: "Browse the catalogue",
    topics: "Browse by topic",
    showMore: "Show more results",
  };

  function readStrings(el, into) {
    if (!el) return;
    for (const k of Object.keys(DEFAULT_STRINGS)) {
      const v = el.dataset["i18n" + k[0].toUpperCase() + k.slice(1)];
      if (v) into[k] = v;
    }
  }

  function format(template, vars) {
    return template.replace(/\{(\w+)\}/g, (all, name) => (Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : all));
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // appendHighlighted appends text to parent, with words for which isHit
  // is true in <mark>.
  function appendHighlighted(parent, text, isHit) {
    TEXT_WORD_RE.lastIndex = 0;
    let last = 0, m;
    while ((m = TEXT_WORD_RE.exec(text)) !== null) {
      if (!isHit(m[0])) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(el("mark", "", m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  const SCHEME = /^[a-z][a-z0-9+.-]*:|^\/\//i;

  function resultHref(root, url, anchor) {
    if (SCHEME.test(url)) url = ""; // the index only holds site-relative URLs
    if (ON_DISK && (url === "" || url.endsWith("/"))) url += "index.html";
    return root + url + (anchor ? "#" + encodeURIComponent(anchor) : "");
  }

  const isEditable = (t) => t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName || ""));

  function start() {
    const htmlRoot = document.documentElement.getAttribute("data-root");
    const root = htmlRoot === null || htmlRoot === "" ? "./" : htmlRoot.endsWith("/") ? htmlRoot : htmlRoot + "/";
    const forms = Array.from(document.querySelectorAll("[data-search-form]"));
    const page = document.querySelector("[data-search-page]");
    const strings = Object.assign({}, DEFAULT_STRINGS);
    forms.forEach((f) => readStrings(f, strings));
    readStrings(page, strings);
    const engine = new Engine(root);
    const pages = new Map(); // url -> Promise<sections|null>
    let seq = 0;

    const api = {
      engine, fold, tokenize, termFileName, lastMs: 0,
      // query: the engine's answer with display data for the first limit hits
      // (what query.go Search returns), for tests: res.hits holds the first
      // limit hits, or all of them.
      async query(q, filters, limit, all) {
        const res = await engine.search(q, filters, true);
        res.hits = res.top(all ? res.total : limit);
        await engine.describe(res, res.hits.slice(0, limit));
        return res;
      },
    };
    window.cmesiteSearch = api;

    function pageSections(url) {
      let p = pages.get(url);
      if (!p && ON_DISK) {
        p = Promise.resolve(null); // fetch() is refused on file:
      } else if (!p) {
        p = fetch(resultHref(root, url, ""))
          .then((r) => (r.ok ? r.text() : null))
          .then((html) => (html === null ? null : extractSections(html)))
          .catch(() => null);
        pages.set(url, p);
      }
      return p;
    }

    function errorText(e) {
      if (e instanceof SearchError) {
        return format(strings.unavailable, {
          reason: format(e.kind === "load" ? strings.errorLoad : strings.errorCorrupt, { file: e.file }),
        });
      }
      return format(strings.unavailable, { reason: String(e && e.message ? e.message : e) });
    }

    function errorBlock(e) {
      const box = el("div", "search-error");
      box.setAttribute("role", "alert");
      box.appendChild(el("p", "", errorText(e)));
      const links = el("p", "search-error-links");
      const cat = el("a", "", strings.catalogue);
      cat.href = root + "catalogue/";
      const top = el("a", "", strings.topics);
      top.href = root + "topics/";
      links.append(cat, " · ", top);
      box.appendChild(links);
      return box;
    }

    function countText(res, q) {
      q = q.trim();
      if (q.length > 60) q = Array.from(q).slice(0, 60).join("") + "…";
      if (res.total === 0) return format(strings.noResults, { q });
      if (res.complete === 0) return strings.partialOnly;
      return format(res.complete === 1 ? strings.resultsOne : strings.resultsOther, { n: res.complete });
    }

    // resultItem builds one result link; snippet upgrades come later.
    function resultItem(res, h, isHit) {
      const a = el("a", "search-result");
      a.setAttribute("data-search-result", "");
      a.href = resultHref(root, h.url, h.anchor);
      const title = el("span", "search-result-title");
      appendHighlighted(title, h.title, isHit);
      a.appendChild(title);
      const meta = el("span", "search-result-meta");
      // The same badge classes as the module pages (main.css).
      if (h.level) meta.appendChild(el("span", "badge level level-" + h.levelId, h.level));
      if (h.format) meta.appendChild(el("span", "badge format format-" + h.formatId, h.format));
      a.appendChild(meta);
      const section = el("span", "search-result-section");
      if (h.heading) appendHighlighted(section, h.heading, isHit);
      else section.hidden = true;
      a.appendChild(section);
      const snippet = el("span", "search-result-snippet");
      appendHighlighted(snippet, h.snippet, isHit);
      a.appendChild(snippet);
      upgradeSnippet(res, h, a, section, snippet, isHit);
      return a;
    }

    // upgradeSnippet: when the title does not name everything the reader
    // asked for, replace the summary under a result with the text around the
    // match in the best-matching section of its page, and point the link at
    // that section if no heading did. (A title match keeps the summary: it
    // describes the page best.)
    function upgradeSnippet(res, h, a, section, snippet, isHit) {
      if (h.titleCount >= res.need) return;
      pageSections(h.url).then((sections) => {
        if (!sections || !a.isConnected) return;
        let best = null, bestN = 0;
        for (const s of sections) {
          const n = countConcepts(s.heading + " " + s.text, res.conceptTerms);
          if (n > bestN) {
            best = s;
            bestN = n;
          }
        }
        if (h.anchor) best = sections.find((s) => s.anchor === h.anchor) || best;
        if (!best) return;
        const text = snippetAround(best.text, isHit);
        if (text) {
          snippet.replaceChildren();
          appendHighlighted(snippet, text, isHit);
        }
        if (!h.anchor && best.anchor) {
          a.href = resultHref(root, h.url, best.anchor);
          section.replaceChildren();
          appendHighlighted(section, best.heading, isHit);
          section.hidden = false;
        }
      });
    }

    function hitTest(res) {
      const terms = new Set(res.terms);
      return (word) => tokenize(word).some((t) => terms.has(t));
    }

    function searchable(q) {
      return tokenize(q).some((t) => runeCount(t) >= MIN_PREFIX);
    }

    function moveFocus(container, input, e) {
      const links = Array.from(container.querySelectorAll("[data-search-result]"));
      const i = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown") {
        if (links.length === 0) return false;
        links[Math.min(i + 1, links.length - 1)].focus();
        return true;
      }
      if (e.key === "ArrowUp") {
        if (i <= 0) input.focus();
        else links[i - 1].focus();
        return true;
      }
      return false;
    }

    // ---- the dropdown on every page but the search page ----
    function setupDropdown(form) {
      const input = form.querySelector('input[name="q"]');
      const box = form.querySelector("[data-search-suggest]");
      if (!input || !box) return;
      const status = el("div", "search-visually-hidden");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      form.appendChild(status);
      if (!box.id) box.id = "search-suggest-" + Math.random().toString(36).slice(2);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-controls", box.id);
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("autocomplete", "off");
      const LIMIT = 8;

      const close = () => {
        box.hidden = true;
        input.setAttribute("aria-expanded", "false");
      };
      const open = () => {
        box.hidden = false;
        input.setAttribute("aria-expanded", "true");
      };

      async function run() {
        const q = input.value;
        const my = ++seq;
        if (!searchable(q)) {
          box.replaceChildren();
          status.textContent = "";
          close();
          return;
        }
        const t0 = performance.now();
        if (!engine.man) {
          box.replaceChildren(el("p", "search-suggest-count", strings.loading));
          open();
        }
        try {
          const res = await engine.search(q, {}, false);
          const shown = await engine.describe(res, res.top(LIMIT));
          if (my !== seq) return;
          const isHit = hitTest(res);
          const list = el("ul", "search-suggest-list");
          for (const h of shown) {
            const li = el("li");
            li.appendChild(resultItem(res, h, isHit));
            list.appendChild(li);
          }
          const count = el("p", "search-suggest-count", countText(res, q));
          const nodes = [count];
          if (shown.length) nodes.push(list);
          const all = el("a", "search-suggest-all", strings.seeAll);
          all.href = root + (ON_DISK ? "search/index.html" : "search/") + "?q=" + encodeURIComponent(q);
          nodes.push(all);
          box.replaceChildren(...nodes);
          status.textContent = countText(res, q);
          open();
          api.lastMs = performance.now() - t0;
        } catch (e) {
          if (my !== seq) return;
          box.replaceChildren(errorBlock(e));
          status.textContent = errorText(e);
          open();
        }
      }

      input.addEventListener("input", run);
      input.addEventListener("focus", () => {
        engine.init().catch(() => {});
        if (box.childNodes.length && searchable(input.value)) open();
      });
      form.addEventListener("keydown", (e) => {
        if (e.key === "Escape") {
          if (!box.hidden) {
            close();
            input.focus();
            e.preventDefault();
          }
          return;
        }
        if ((e.key === "ArrowDown" || e.key === "ArrowUp") && !box.hidden) {
          if (moveFocus(box, input, e)) e.preventDefault();
        }
      });
      form.addEventListener("focusout", (e) => {
        if (!form.contains(e.relatedTarget)) close();
      });
      // Loaded on first use: the reader is in the box, perhaps with words.
      if (document.activeElement === input) {
        engine.init().catch(() => {});
        if (searchable(input.value)) run();
      }
    }

    // ---- the search page ----
    function setupPage(forms) {
      const results = document.querySelector("[data-search-results]");
      const status = document.querySelector("[data-search-status]");
      const errorBox = document.querySelector("[data-search-error]");
      const more = document.querySelector("[data-search-more]");
      const clear = document.querySelector("[data-search-clear]");
      // The filters fold away on small screens (results first) and start
      // open on wide ones.
      const facetBox = document.querySelector("[data-search-facets]");
      if (facetBox && facetBox.tagName === "DETAILS" && window.matchMedia("(min-width: 56rem)").matches) facetBox.open = true;
      const inputs = forms.map((f) => f.querySelector('input[name="q"]')).filter(Boolean);
      const PAGE = 20;
      let shown = PAGE;
      let current = null; // {q, res, counted: its facets are counted}
      const params = new URLSearchParams(location.search);
      let q = params.get("q") || "";
      const filters = {};
      for (const f of FACETS) filters[f] = params.getAll(f);
      inputs.forEach((i) => { i.value = q; });
      if (more) more.textContent = strings.showMore;
      const facetBoxes = {}; // facet -> Map id -> {label, input, count}

      function updateURL() {
        const p = new URLSearchParams();
        if (q) p.set("q", q);
        for (const f of FACETS) for (const v of filters[f]) p.append(f, v);
        const s = p.toString();
        history.replaceState(null, "", location.pathname + (s ? "?" + s : "") + location.hash);
      }

      function buildFacets() {
        for (const f of FACETS) {
          const group = document.querySelector('[data-facet-group="' + f + '"]');
          if (!group || facetBoxes[f]) continue;
          const opts = group.querySelector("[data-facet-options]") || group;
          const map = new Map();
          for (const [id, labelText] of engine.man.facets[f]) {
            const label = el("label", "search-facet");
            const box = el("input");
            box.type = "checkbox";
            box.value = id;
            box.setAttribute("data-facet", f);
            box.checked = filters[f].includes(id);
            box.addEventListener("change", () => {
              const vals = new Set(filters[f]);
              if (box.checked) vals.add(id);
              else vals.delete(id);
              filters[f] = engine.man.facets[f].map((v) => v[0]).filter((v) => vals.has(v));
              shown = PAGE;
              run();
            });
            const count = el("span", "search-facet-count");
            label.append(box, " ", el("span", "search-facet-label", labelText), " ", count);
            label.hidden = true;
            opts.appendChild(label);
            map.set(id, { label, input: box, count });
          }
          facetBoxes[f] = map;
        }
      }

      function anyFilter() {
        return FACETS.some((f) => filters[f].length > 0);
      }

      function showError(e) {
        if (!errorBox) return;
        errorBox.replaceChildren(errorBlock(e));
        errorBox.hidden = false;
      }

      function renderFacets(res) {
        let anyVisible = false;
        for (const f of FACETS) {
          const map = facetBoxes[f];
          if (!map) continue;
          const byId = new Map(res ? res.facets[f].map((v) => [v.id, v]) : []);
          let visible = 0;
          for (const [id, entry] of map) {
            const v = byId.get(id);
            entry.label.hidden = !v;
            entry.input.checked = filters[f].includes(id);
            entry.count.textContent = v ? "(" + v.count + ")" : "";
            if (v) visible++;
          }
          const group = document.querySelector('[data-facet-group="' + f + '"]');
          if (group) group.hidden = visible === 0;
          anyVisible = anyVisible || visible > 0;
        }
        const active = anyFilter();
        if (clear) clear.hidden = !active;
        if (facetBox) {
          facetBox.hidden = !anyVisible;
          if (active) facetBox.open = true;
        }
      }

      // foldedFacets shows the folded filters of results not counted yet:
      // the summary alone, until the reader opens it (countOnOpen).
      function foldedFacets(res) {
        for (const f of FACETS) {
          const group = document.querySelector('[data-facet-group="' + f + '"]');
          if (group) group.hidden = true;
        }
        if (clear) clear.hidden = true;
        if (facetBox) facetBox.hidden = res.total === 0;
      }

      // countFacets counts the facets of the results of cur ({q, res})
      // and shows them, unless stale() says that a newer search came
      // meanwhile; it reports whether it showed them.
      async function countFacets(cur, stale) {
        await engine.count(cur.res);
        if (stale()) return false;
        cur.counted = true;
        renderFacets(cur.res);
        return true;
      }

      // countOnOpen counts the facets of the results shown when the
      // reader opens the filters.
      async function countOnOpen() {
        if (!facetBox.open || !current || current.counted) return;
        const cur = current;
        const stale = () => cur !== current; // a newer search counts its own
        try {
          await countFacets(cur, stale);
        } catch (e) {
          // The results stay; the filters cannot be counted.
          if (!stale()) showError(e);
        }
      }
      if (facetBox) facetBox.addEventListener("toggle", countOnOpen);

      async function render(res, my) {
        const slice = res.top(shown);
        await engine.describe(res, slice);
        if (my !== seq) return;
        const isHit = hitTest(res);
        const items = [];
        slice.forEach((h, i) => {
          if (!h.complete && (i === 0 || slice[i - 1].complete) && res.complete > 0) {
            items.push(el("li", "search-partial-heading", strings.partial));
          }
          const li = el("li");
          li.appendChild(resultItem(res, h, isHit));
          items.push(li);
        });
        results.replaceChildren(...items);
        if (more) more.hidden = res.total <= shown;
      }

      async function run() {
        const my = ++seq;
        const t0 = performance.now();
        updateURL();
        if (errorBox) {
          errorBox.hidden = true;
          errorBox.replaceChildren();
        }
        if (!searchable(q)) {
          results.replaceChildren();
          if (status) status.textContent = "";
          if (more) more.hidden = true;
          current = null;
          try {
            await engine.init();
            if (my !== seq) return;
            buildFacets();
            renderFacets(null);
          } catch (e) {
            // reported when the reader searches
          }
          return;
        }
        if (!engine.man && status) status.textContent = strings.loading;
        try {
          // The results first; the facet counts (which may read more files)
          // after them.
          const res = await engine.search(q, filters, false);
          if (my !== seq) return;
          const cur = { q, res };
          current = cur;
          await render(res, my);
          if (my !== seq) return;
          if (status) status.textContent = countText(res, q);
          buildFacets();
          if (facetBox && !facetBox.open && !anyFilter()) {
            // The filters are folded away (a phone) and none is chosen:
            // their counts, and the files they read, wait until the
            // reader opens them.
            foldedFacets(res);
          } else if (!(await countFacets(cur, () => my !== seq))) {
            return;
          }
          api.lastMs = performance.now() - t0;
        } catch (e) {
          if (my !== seq) return;
          results.replaceChildren();
          if (more) more.hidden = true;
          if (status) status.textContent = errorText(e);
          showError(e);
        }
      }
      // For tests and measurements: search for nq (or the current query)
      // and resolve when the results are rendered.
      api.run = (nq) => {
        if (typeof nq === "string") {
          q = nq;
          inputs.forEach((i) => { i.value = nq; });
          shown = PAGE;
        }
        return run();
      };

      inputs.forEach((input) => {
        input.setAttribute("aria-controls", results.id || (results.id = "search-results"));
        input.addEventListener("input", () => {
          q = input.value;
          inputs.forEach((o) => { if (o !== input) o.value = q; });
          shown = PAGE;
          run();
        });
      });
      forms.forEach((form) => {
        const box = form.querySelector("[data-search-suggest]");
        if (box) box.hidden = true;
        form.addEventListener("submit", (e) => {
          e.preventDefault();
          run();
        });
      });
      document.addEventListener("keydown", (e) => {
        if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
        const t = e.target;
        const input = inputs.includes(t) ? t : null;
        if (!input && !results.contains(t)) return;
        if (moveFocus(results, input || inputs[0] || results, e)) e.preventDefault();
      });
      if (more) {
        more.addEventListener("click", () => {
          shown += PAGE;
          if (current) render(current.res, seq);
        });
      }
      if (clear) {
        clear.addEventListener("click", () => {
          for (const f of FACETS) filters[f] = [];
          shown = PAGE;
          run();
        });
      }
      run();
    }

    document.addEventListener("keydown", (e) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      const input = document.querySelector('[data-search-form] input[name="q"]');
      if (!input) return;
      e.preventDefault();
      input.focus();
      input.select();
    });

    if (page && document.querySelector("[data-search-results]")) setupPage(forms);
    else forms.forEach(setupDropdown);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
