/* cmesite search: as-you-type search over the static index in search/
 * (built by internal/search). Loaded with defer on every page.
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
 *     each with a [data-facet-options], and [data-search-clear]
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
  const W_TYPED = 100, W_SPELLING = 95, W_SYNONYM = 90, W_SYNONYM_TYPED = 50;
  const MIN_PREFIX = 2, MIN_TYPO = 5, MIN_SYNONYM_PREFIX = 4;
  const FIELD_WEIGHTS = [100, 150, 300, 500, 1000];
  const REPEAT_BONUS = [0, 20];
  const FACETS = ["level", "topic", "audience", "format"];
  const QUICK_REFERENCE = "quick-reference";
  const MANIFEST_VERSION = 1;

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
  class Engine {
    constructor(root) {
      this.root = root;
      this.ready = null;
      this.shardLoads = new Map(); // key -> Promise
      this.shards = new Map(); // key -> {terms, encs, file} or null
      this.posts = new Map(); // term -> {docs: Int32Array, codes: Uint8Array}
      this.metaLoads = new Map(); // group -> Promise
      this.meta = new Map(); // group -> [ {url, title, snippet, anchors} ]
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
      const ok = man && man.version === MANIFEST_VERSION && Number.isInteger(man.docs) && man.docs >= 0 &&
        Number.isInteger(man.termKey) && Number.isInteger(man.metaGroup) && man.metaGroup > 0 &&
        Array.isArray(man.stop) && Array.isArray(man.spell) && Array.isArray(man.syn) &&
        man.facets && man.files && man.files.terms && Array.isArray(man.files.meta);
      if (!ok) throw new SearchError("corrupt", file);
      this.man = man;
      this.n = man.docs;
      this.stop = new Set(man.stop);
      this.termFiles = new Map(Object.entries(man.files.terms));
      this.synAlts = man.syn.map((g) => g.map((a) => a.split(" ")));
      const dfile = "search/docs.json";
      const cols = await this.getJSON(dfile, man.files.docs);
      if (!cols || typeof cols.rank !== "string") throw new SearchError("corrupt", dfile);
      const n = this.n;
      this.rank = new Int32Array(n);
      let r = new V64Reader(cols.rank, dfile);
      for (let d = 0; d < n; d++) {
        const v = r.next();
        if (v >= n) throw new SearchError("corrupt", dfile);
        this.rank[d] = v;
      }
      this.facetVals = {};
      for (const f of FACETS) {
        const vocab = man.facets[f];
        if (!Array.isArray(vocab) || typeof cols[f] !== "string") throw new SearchError("corrupt", dfile);
        const vals = new Array(n);
        r = new V64Reader(cols[f], dfile);
        for (let d = 0; d < n; d++) {
          const k = r.next();
          const list = [];
          for (let j = 0; j < k; j++) {
            const v = r.next();
            if (v >= vocab.length) throw new SearchError("corrupt", dfile);
            list.push(v);
          }
          vals[d] = list;
        }
        this.facetVals[f] = vals;
      }
      this.qrIndex = man.facets.format.findIndex((v) => v[0] === QUICK_REFERENCE);
    }

    async getJSON(path, hash) {
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

    loadShard(key) {
      if (this.shards.has(key)) return Promise.resolve();
      if (!this.termFiles.has(key)) {
        this.shards.set(key, null);
        return Promise.resolve();
      }
      let p = this.shardLoads.get(key);
      if (!p) {
        const file = "search/t/" + termFileName(key) + ".json";
        p = this.getJSON(file, this.termFiles.get(key)).then((flat) => {
          if (!Array.isArray(flat) || flat.length % 2 !== 0 || !flat.every((x) => typeof x === "string")) {
            throw new SearchError("corrupt", file);
          }
          const terms = [], encs = [];
          for (let i = 0; i < flat.length; i += 2) {
            terms.push(flat[i]);
            encs.push(flat[i + 1]);
          }
          this.shards.set(key, { terms, encs, file });
        });
        p.catch(() => this.shardLoads.delete(key));
        this.shardLoads.set(key, p);
      }
      return p;
    }

    postings(shard, i) {
      const term = shard.terms[i];
      let p = this.posts.get(term);
      if (p) return p;
      const r = new V64Reader(shard.encs[i], shard.file);
      const docs = [], codes = [];
      let doc = -1;
      while (r.more()) {
        const v = r.next();
        doc += Math.floor(v / 2) + 1;
        let code = 0;
        if (v % 2 === 1) code = r.next();
        if (doc >= this.n || code > 9 || (code === 0 && v % 2 === 1)) throw new SearchError("corrupt", shard.file);
        docs.push(doc);
        codes.push(code);
      }
      p = { docs: Int32Array.from(docs), codes: Uint8Array.from(codes) };
      this.posts.set(term, p);
      return p;
    }

    loadMeta(group) {
      if (this.meta.has(group)) return Promise.resolve();
      let p = this.metaLoads.get(group);
      if (!p) {
        const file = "search/m/" + group + ".json";
        const hash = this.man.files.meta[group];
        if (hash === undefined) return Promise.reject(new SearchError("corrupt", "search/index.json"));
        p = this.getJSON(file, hash).then((raw) => {
          if (!Array.isArray(raw)) throw new SearchError("corrupt", file);
          const docs = raw.map((e) => {
            if (!Array.isArray(e) || e.length !== 4 || typeof e[0] !== "string" || typeof e[1] !== "string" ||
              typeof e[2] !== "string" || !Array.isArray(e[3])) throw new SearchError("corrupt", file);
            const anchors = [];
            for (let i = 0; i + 1 < e[3].length; i += 2) anchors.push([String(e[3][i]), String(e[3][i + 1])]);
            return { url: e[0], title: e[1], snippet: e[2], anchors };
          });
          this.meta.set(group, docs);
        });
        p.catch(() => this.metaLoads.delete(group));
        this.metaLoads.set(group, p);
      }
      return p;
    }

    metaOf(doc) {
      const g = Math.floor(doc / this.man.metaGroup);
      const m = this.meta.get(g)[doc % this.man.metaGroup];
      if (!m) throw new SearchError("corrupt", "search/m/" + g + ".json");
      return m;
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
          if (i === toks.length - 1 && typing) words.push({ tok: t, optional: true });
          return;
        }
        words.push({ tok: t, optional: false });
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
        cs.push(this.wordConcept(w.tok, i === words.length - 1 && typing));
        i++;
      }
      return cs;
    }

    phraseAt(words, i, typing) {
      let best = { group: 0, typed: null, n: 0 };
      this.synAlts.forEach((alts, g) => {
        for (const at of alts) {
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
      this.man.syn.forEach((group, g) => {
        let wt = 0;
        for (const a of group) {
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

    directMatches(tok) {
      const shard = this.shards.get(termKey(tok, this.man.termKey));
      const out = [];
      if (!shard) return out;
      const prefixOK = runeCount(tok) >= MIN_PREFIX;
      const { terms } = shard;
      for (let i = 0; i < terms.length; i++) {
        const t = terms[i];
        if (t === tok) out.push({ shard, i, quality: Q_EXACT });
        else if (prefixOK && t.startsWith(tok)) out.push({ shard, i, quality: Q_PREFIX });
      }
      return out;
    }

    typoMatches(tok) {
      const out = [];
      const seen = [];
      for (const k of typoKeys(tok, this.man.termKey)) {
        if (seen.includes(k)) continue;
        seen.push(k);
        const shard = this.shards.get(k);
        if (!shard) continue;
        for (let i = 0; i < shard.terms.length; i++) {
          const q = typoQuality(tok, shard.terms[i]);
          if (q > 0) out.push({ shard, i, quality: q });
        }
      }
      return out;
    }

    // search: query.go Search. Returns {hits, complete, facets, terms, conceptTerms};
    // hits[i] = {doc, score, complete}; describe() adds display data.
    async search(q, filters) {
      await this.init();
      const K = this.man.termKey;
      const cs = this.parseQuery(q);
      const toks = new Set();
      for (const c of cs) for (const a of c.alts) for (const t of a.tokens) toks.add(t);
      await Promise.all([...toks].map((t) => this.loadShard(termKey(t, K))));
      const matches = new Map();
      const typo = [];
      for (const t of toks) {
        const m = this.directMatches(t);
        matches.set(t, m);
        if (m.length === 0 && runeCount(t) >= MIN_TYPO) typo.push(t);
      }
      if (typo.length > 0) {
        await Promise.all(typo.flatMap((t) => typoKeys(t, K)).map((k) => this.loadShard(k)));
        for (const t of typo) matches.set(t, this.typoMatches(t));
      }
      return this.rankDocs(cs, matches, filters || {});
    }

    rankDocs(cs, matches, filters) {
      const n = this.n;
      let required = 0;
      for (const c of cs) if (!c.optional) required++;
      const scores = [];
      const conceptTerms = [];
      const allTerms = new Set();
      for (const c of cs) {
        const best = new Int32Array(n);
        const termSet = new Set();
        for (const a of c.alts) {
          const sum = new Int32Array(n);
          const hits = new Int32Array(n);
          for (const tok of a.tokens) {
            const tokBest = new Int32Array(n);
            for (const m of matches.get(tok)) {
              const term = m.shard.terms[m.i];
              termSet.add(term);
              allTerms.add(term);
              const p = this.postings(m.shard, m.i);
              for (let j = 0; j < p.docs.length; j++) {
                const code = p.codes[j];
                const sc = Math.floor(FIELD_WEIGHTS[code >> 1] * m.quality / 100) + REPEAT_BONUS[code & 1];
                if (sc > tokBest[p.docs[j]]) tokBest[p.docs[j]] = sc;
              }
            }
            for (let d = 0; d < n; d++) {
              if (tokBest[d] > 0) {
                sum[d] += tokBest[d];
                hits[d]++;
              }
            }
          }
          const len = a.tokens.length;
          for (let d = 0; d < n; d++) {
            if (hits[d] === len) {
              const v = Math.floor(Math.floor(sum[d] / len) * a.weight / 100);
              if (v > best[d]) best[d] = v;
            }
          }
        }
        scores.push(best);
        conceptTerms.push(termSet);
      }
      const cands = [];
      for (let d = 0; d < n; d++) {
        let m = 0, total = 0;
        for (let ci = 0; ci < cs.length; ci++) {
          const v = scores[ci][d];
          if (v > 0) {
            total += v;
            if (!cs[ci].optional || required === 0) m++;
          }
        }
        if (m === 0) continue;
        if (this.qrIndex >= 0 && this.facetVals.format[d].includes(this.qrIndex)) total = Math.floor(total * 3 / 2);
        cands.push({ doc: d, matched: m, total });
      }
      const need = required === 0 ? cs.length : required;
      const rank = this.rank;
      cands.sort((a, b) => {
        const ac = a.matched === need, bc = b.matched === need;
        if (ac !== bc) return ac ? -1 : 1;
        return b.matched - a.matched || b.total - a.total || rank[a.doc] - rank[b.doc];
      });
      const selected = {};
      for (const f of FACETS) {
        const want = new Set(filters[f] || []);
        selected[f] = new Set();
        this.man.facets[f].forEach((v, i) => { if (want.has(v[0])) selected[f].add(i); });
      }
      const passes = (d, f) => {
        if (selected[f].size === 0) return true;
        for (const v of this.facetVals[f][d]) if (selected[f].has(v)) return true;
        return false;
      };
      const counts = {};
      for (const f of FACETS) counts[f] = new Int32Array(this.man.facets[f].length);
      const hitsOut = [];
      let complete = 0;
      const anyComplete = cands.length > 0 && cands[0].matched === need;
      for (const c of cands) {
        const isComplete = c.matched === need;
        let fails = 0, failed = "";
        for (const f of FACETS) {
          if (!passes(c.doc, f)) {
            fails++;
            failed = f;
          }
        }
        if (fails === 0) {
          hitsOut.push({ doc: c.doc, score: c.total, complete: isComplete });
          if (isComplete) complete++;
        }
        if (anyComplete && !isComplete) continue;
        for (const f of FACETS) {
          if (fails === 0 || (fails === 1 && failed === f)) {
            for (const v of this.facetVals[f][c.doc]) counts[f][v]++;
          }
        }
      }
      const facets = {};
      for (const f of FACETS) {
        facets[f] = [];
        this.man.facets[f].forEach((v, i) => {
          if (counts[f][i] > 0 || selected[f].has(i)) {
            facets[f].push({ id: v[0], label: v[1], count: counts[f][i], selected: selected[f].has(i) });
          }
        });
      }
      const terms = [...allTerms].sort();
      return { hits: hitsOut, complete, facets, terms, conceptTerms, need };
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
        h.level = this.facetLabel("level", h.doc);
        h.levelId = this.facetId("level", h.doc);
        h.format = this.facetLabel("format", h.doc);
        h.formatId = this.facetId("format", h.doc);
      }
      return hits;
    }

    facetId(f, doc) {
      const v = this.facetVals[f][doc];
      return v.length ? this.man.facets[f][v[0]][0] : "";
    }

    facetLabel(f, doc) {
      const v = this.facetVals[f][doc];
      return v.length ? this.man.facets[f][v[0]][1] : "";
    }
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
      // (what query.go Search returns), for tests.
      async query(q, filters, limit) {
        const res = await engine.search(q, filters);
        await engine.describe(res, res.hits.slice(0, limit));
        return res;
      },
    };
    window.cmesiteSearch = api;

    function pageSections(url) {
      let p = pages.get(url);
      if (!p) {
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
      if (res.hits.length === 0) return format(strings.noResults, { q });
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
          const res = await engine.search(q, {});
          const shown = await engine.describe(res, res.hits.slice(0, LIMIT));
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
          all.href = root + "search/?q=" + encodeURIComponent(q);
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
      let current = null; // {q, res}
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
        const active = FACETS.some((f) => filters[f].length > 0);
        if (clear) clear.hidden = !active;
        if (facetBox) {
          facetBox.hidden = !anyVisible;
          if (active) facetBox.open = true;
        }
      }

      async function render(res, my) {
        const slice = res.hits.slice(0, shown);
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
        if (more) more.hidden = res.hits.length <= shown;
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
          const res = await engine.search(q, filters);
          if (my !== seq) return;
          buildFacets();
          current = { q, res };
          await render(res, my);
          if (my !== seq) return;
          renderFacets(res);
          if (status) status.textContent = countText(res, q);
          api.lastMs = performance.now() - t0;
        } catch (e) {
          if (my !== seq) return;
          results.replaceChildren();
          if (more) more.hidden = true;
          if (status) status.textContent = errorText(e);
          if (errorBox) {
            errorBox.replaceChildren(errorBlock(e));
            errorBox.hidden = false;
          }
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
