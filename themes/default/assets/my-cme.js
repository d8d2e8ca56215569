/* cmesite: the GP's CME record (my-cme/) and the self-assessment (start/).
 * Builds on record.js (window.cmeRecord). Everything stays in this browser:
 * exports are files the GP downloads, imports are files the GP picks. */
(() => {
  'use strict';
  const d = document, R = window.cmeRecord;
  if (!R) return;
  const el = (tag, props, ...kids) => {
    const e = d.createElement(tag);
    Object.assign(e, props || {});
    e.append(...kids.filter(k => k !== null && k !== undefined && k !== ''));
    return e;
  };
  const fill = (s, vals) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vals ? vals[k] : m));
  const isObj = R.isObj;
  const text = (v, max) => typeof v === 'string' && v.length <= max;
  const num = v => v === undefined || (typeof v === 'number' && isFinite(v) && v >= 0 && v <= 1e6);
  const NOTE = ['what', 'soWhat', 'nowWhat'];

  /* checkEntry says what is wrong with an entry, or '': a code that why()
     words. */
  function checkEntry(e) {
    if (!isObj(e)) return 'object';
    if (!text(e.id, 300) || !e.id) return 'id';
    if (e.kind !== 'module' && e.kind !== 'activity') return 'kind';
    if (e.kind === 'module' && !(text(e.module, 300) && e.module)) return 'module';
    if (!text(e.title, 1000) || !e.title.trim()) return 'title';
    if (!/^\d{4}-\d\d-\d\d$/.test(e.date) || isNaN(Date.parse(e.date))) return 'date';
    if (!num(e.minutes) || !num(e.credits)) return 'numbers';
    for (const k of ['url', 'level', 'format', 'provider']) if (e[k] !== undefined && !text(e[k], 2000)) return 'text:' + k;
    for (const k of ['topics', 'objectives']) if (e[k] !== undefined && !(Array.isArray(e[k]) && e[k].every(s => text(s, 2000)))) return 'list:' + k;
    if (e.note !== undefined && !(isObj(e.note) && NOTE.every(k => e.note[k] === undefined || text(e.note[k], 50000)))) return 'note';
    return '';
  }
  /* checkRecord says what is wrong with any entry of a record, or ''. */
  function checkRecord(rec) {
    const seen = new Set();
    for (let i = 0; i < rec.entries.length; i++) {
      const e = rec.entries[i];
      let w = checkEntry(e);
      if (!w && seen.has(e.id)) w = 'twice';
      if (w) return 'entry:' + (i + 1) + ':' + w;
      seen.add(e.id);
    }
    return '';
  }
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, c => {
    const r = crypto.getRandomValues(new Uint8Array(1))[0] & 15;
    return (c === 'x' ? r : (r & 3) | 8).toString(16);
  }));
  const download = (name, type, data) => {
    const a = el('a', { href: URL.createObjectURL(new Blob([data], { type })), download: name });
    d.body.append(a);
    a.click();
    a.remove();
  };

  function myCME(box) {
    const s = box.dataset;
    /* why words a code of checkEntry, checkRecord or record.js's load:
       "date", "text:url", "entry:3:date", "entry:3", "json", ... */
    const why = code => {
      const [k, a, b] = code.split(':');
      if (k === 'entry') return fill(s.i18nInvalid, { n: a, what: why(b || 'damaged') });
      const w = s['why' + k[0].toUpperCase() + k.slice(1)];
      return w ? fill(w, { field: a }) : code;
    };
    const msg = box.querySelector('[data-record-message]'), status = box.querySelector('[data-mycme-status]');
    const provider = s.provider, creditsLabel = s.creditsLabel;
    // The site's address: base_url when the site sets one, else where the
    // browser found it.
    const site = s.baseUrl || R.root.href;
    const abs = u => (u ? new URL(u, site).href : '');
    box.hidden = false;
    const report = (kind, extra) => {
      msg.textContent = '';
      msg.append(...extra);
      msg.hidden = false;
      msg.dataset.problem = kind;
    };
    const say = t => { status.textContent = t; };

    let state = R.load();
    const readOnly = () => state.problem !== '';
    if (!state.problem) {
      const w = checkRecord(state.rec);
      if (w) state = { rec: { schema: R.SCHEMA, entries: [] }, problem: 'corrupt', raw: JSON.stringify(state.rec), why: w };
    } else if (/^entry:/.test(state.why)) {
      // Say exactly what is wrong with the damaged entry.
      try { state.why = checkRecord(JSON.parse(state.raw)) || state.why; } catch (e) { /* keep the code */ }
    }
    const problemText = p => ({ off: s.i18nStorageOff, full: s.i18nStorageFull, corrupt: s.i18nCorrupt })[p];
    function showProblem() {
      if (!state.problem) { msg.hidden = true; return; }
      const parts = [problemText(state.problem)];
      if (state.problem === 'corrupt') {
        const a = el('a', { href: URL.createObjectURL(new Blob([state.raw], { type: 'application/json' })), download: 'cme-record-stored.json', textContent: s.i18nDownload });
        a.dataset.cmeStored = '';
        parts.push(' (' + why(state.why) + ') ', a);
      }
      report(state.problem, parts);
      for (const c of box.querySelectorAll('[data-cme-add] :is(input,select,textarea,button), [data-cme-import], [data-cme-export]')) c.disabled = true;
      if (state.problem === 'off') for (const c of box.querySelectorAll('[data-cme-clear]')) c.disabled = true;
    }
    /* change applies fn to the stored record and shows the result. */
    function change(fn) {
      const p = R.update(fn);
      if (p) {
        report(p, [problemText(p)]);
        return false;
      }
      state = R.load();
      render();
      return true;
    }
    const entries = () => state.rec.entries.slice().sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.title.localeCompare(b.title)));

    const list = box.querySelector('[data-cme-entries]'), totals = box.querySelector('[data-cme-totals]'), target = box.querySelector('[data-cme-target]');
    function noteFields(e, i) {
      const fs = el('div', { className: 'record-note' });
      const labels = { what: s.i18nWhat, soWhat: s.i18nSoWhat, nowWhat: s.i18nNowWhat };
      const warn = d.querySelector('.note-warning');
      if (warn) fs.append(warn.cloneNode(true));
      for (const k of NOTE) {
        const id = 'note-' + i + '-' + k;
        const ta = el('textarea', { id, rows: 3, value: (e.note || {})[k] || '', readOnly: readOnly() });
        ta.dataset.noteField = k;
        fs.append(el('label', { htmlFor: id, textContent: labels[k] }), ta);
      }
      fs.addEventListener('input', ev => {
        const k = ev.target.dataset.noteField;
        if (!k) return;
        const p = R.update(rec => {
          const x = rec.entries.find(x => x.id === e.id);
          if (x) (x.note = x.note || {})[k] = ev.target.value;
        });
        if (p) report(p, [problemText(p)]); else { state = R.load(); say(s.i18nSaved || ''); renderTotals(); }
      });
      return fs;
    }
    function render() {
      list.textContent = '';
      const all = entries();
      if (!all.length) list.append(el('p', { textContent: s.i18nEmpty }));
      all.forEach((e, i) => {
        const h = el('h3', {}, e.url ? el('a', { href: abs(e.url), textContent: e.title }) : e.title);
        const bits = [e.kind === 'module' ? s.i18nModule : s.i18nActivity, e.format, e.minutes ? fill(s.i18nMin, { n: e.minutes }) : '',
          e.credits !== undefined ? e.credits + ' ' + creditsLabel : '', e.kind === 'module' ? provider : e.provider].filter(Boolean);
        const meta = el('p', {}, el('time', { dateTime: e.date, textContent: e.date }), ' · ' + bits.join(' · '));
        const n = e.note || {};
        const printed = el('div', { className: 'print-only' }, ...NOTE.filter(k => n[k]).map(k => el('p', {}, el('strong', { textContent: ({ what: s.i18nWhat, soWhat: s.i18nSoWhat, nowWhat: s.i18nNowWhat })[k] + ' ' }), n[k])));
        const det = el('details', {}, el('summary', { textContent: s.i18nNote }), noteFields(e, i));
        if (NOTE.some(k => n[k])) det.open = true;
        const rm = el('button', { type: 'button', className: 'button button-secondary', textContent: s.i18nRemove, disabled: readOnly() });
        rm.addEventListener('click', () => {
          if (confirm(s.i18nRemove + ': ' + e.title + '?')) change(rec => { rec.entries = rec.entries.filter(x => x.id !== e.id); });
        });
        const art = el('article', { className: 'cme-entry' }, h, meta, det, printed, rm);
        art.dataset.cmeEntry = e.id;
        list.append(art);
      });
      renderTotals();
    }
    function table(caption, head, rows) {
      const t = el('table', {}, el('caption', { textContent: caption }));
      t.append(el('thead', {}, el('tr', {}, ...head.map(x => el('th', { scope: 'col', textContent: x })))));
      t.append(el('tbody', {}, ...rows.map(r => el('tr', {}, el('th', { scope: 'row', textContent: r[0] }), ...r.slice(1).map(x => el('td', { textContent: x }))))));
      return t;
    }
    const round = n => String(Math.round(n * 100) / 100);
    function renderTotals() {
      const years = new Map(), topics = new Map();
      const add = (m, k, e) => { const t = m.get(k) || [0, 0, 0]; t[0]++; t[1] += e.minutes || 0; t[2] += e.credits || 0; m.set(k, t); };
      for (const e of state.rec.entries) {
        add(years, e.date.slice(0, 4), e);
        for (const t of e.topics && e.topics.length ? e.topics : []) add(topics, t, e);
      }
      const rows = m => [...m].map(([k, t]) => [k, String(t[0]), String(t[1]), round(t[2])]);
      totals.textContent = '';
      if (years.size) {
        totals.append(table(s.i18nYear, [s.i18nYear, s.i18nEntries, s.i18nMinutes, creditsLabel], rows(years).sort((a, b) => (a[0] < b[0] ? 1 : -1))));
        if (topics.size) totals.append(table(s.i18nTopic, [s.i18nTopic, s.i18nEntries, s.i18nMinutes, creditsLabel], rows(topics).sort((a, b) => a[0].localeCompare(b[0]))));
      }
      target.textContent = '';
      if (s.target) {
        const year = R.today().slice(0, 4), done = (years.get(year) || [0, 0, 0])[2], goal = Number(s.target);
        const p = el('p', { id: 'cme-target-status', textContent: fill(s.i18nTarget, { label: s.targetLabel, done: round(done), target: s.target, credits: creditsLabel, year }) });
        const bar = el('progress', { max: goal, value: Math.min(done, goal) });
        bar.setAttribute('aria-labelledby', 'cme-target-status');
        target.append(p, bar);
      }
    }

    /* Exports: every entry with the site's provider, absolute links and the
       credits' label. */
    const exported = () => entries().map(e => {
      const x = { id: e.id, kind: e.kind };
      if (e.module) x.module = e.module;
      Object.assign(x, {
        title: e.title, provider: e.kind === 'module' ? provider : e.provider || '', url: abs(e.url), date: e.date,
        minutes: e.minutes || 0, credits: e.credits === undefined ? null : e.credits, creditsLabel,
        format: e.format || '', level: e.level || '', topics: e.topics || [], objectives: e.objectives || [],
        reflection: { what: (e.note || {}).what || '', soWhat: (e.note || {}).soWhat || '', nowWhat: (e.note || {}).nowWhat || '' }
      });
      return x;
    });
    const csvField = v => {
      const t = String(v === null || v === undefined ? '' : v);
      return /[",\r\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
    };
    const stamp = () => R.today();
    const exporters = {
      csv() {
        const head = ['title', 'provider', 'url', 'date', 'minutes', 'credits', 'credits_label', 'format', 'level', 'topics', 'objectives', 'what', 'so_what', 'now_what'];
        const rows = exported().map(x => [x.title, x.provider, x.url, x.date, x.minutes, x.credits, x.creditsLabel, x.format, x.level,
          x.topics.join('; '), x.objectives.join('; '), x.reflection.what, x.reflection.soWhat, x.reflection.nowWhat]);
        download('cme-record-' + stamp() + '.csv', 'text/csv;charset=utf-8', '\ufeff' + [head, ...rows].map(r => r.map(csvField).join(',')).join('\r\n') + '\r\n');
      },
      json() {
        download('cme-record-' + stamp() + '.json', 'application/json', JSON.stringify({
          format: 'cmesite-record', schema: R.SCHEMA, exported: new Date().toISOString(), site: { title: s.siteTitle, provider, url: site }, entries: exported()
        }, null, 2) + '\n');
      },
      xapi() {
        const lang = d.documentElement.lang || 'en', ext = k => site + 'xapi/' + k;
        const st = exported().map(x => {
          const r = x.reflection, resp = [r.what && s.i18nWhat + ' ' + r.what, r.soWhat && s.i18nSoWhat + ' ' + r.soWhat, r.nowWhat && s.i18nNowWhat + ' ' + r.nowWhat].filter(Boolean).join('\n\n');
          const def = { name: { [lang]: x.title }, type: x.kind === 'module' ? 'http://adlnet.gov/expapi/activities/lesson' : 'http://adlnet.gov/expapi/activities/meeting' };
          if (x.objectives.length) def.description = { [lang]: x.objectives.join('; ') };
          const ce = { [ext('provider')]: x.provider, [ext('format')]: x.format, [ext('level')]: x.level, [ext('topics')]: x.topics, [ext('credits-label')]: creditsLabel };
          if (x.credits !== null) ce[ext('credits')] = x.credits;
          const out = {
            actor: { objectType: 'Agent', name: '', mbox: '' },
            verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
            object: { objectType: 'Activity', id: x.kind === 'module' ? x.url : 'urn:uuid:' + x.id.replace(/^activity:/, ''), definition: def },
            result: { completion: true },
            context: { platform: x.provider || s.siteTitle, language: lang, extensions: ce },
            timestamp: x.date + 'T00:00:00Z'
          };
          if (x.minutes) out.result.duration = 'PT' + x.minutes + 'M';
          if (resp) out.result.response = resp;
          return out;
        });
        download('cme-record-' + stamp() + '.xapi.json', 'application/json', JSON.stringify(st, null, 2) + '\n');
      }
    };
    for (const b of box.querySelectorAll('[data-cme-export]')) b.addEventListener('click', () => exporters[b.dataset.cmeExport]());
    for (const b of box.querySelectorAll('[data-cme-print]')) b.addEventListener('click', () => window.print());

    /* Import: a JSON export (or a stored record), merged without
       duplicates; a bad file changes nothing and says why. */
    const imp = box.querySelector('[data-cme-import]');
    imp.addEventListener('change', async () => {
      const f = imp.files[0];
      if (!f) return;
      let data, bad = '';
      try { data = JSON.parse(await f.text()); } catch (e) { bad = 'json'; }
      let list = [];
      if (!bad) {
        if (isObj(data) && Array.isArray(data.entries) && (data.format === 'cmesite-record' || Number.isInteger(data.schema))) list = data.entries;
        else bad = 'record';
      }
      if (!bad && data.schema > R.SCHEMA) bad = 'newer';
      const incoming = [];
      for (let i = 0; !bad && i < list.length; i++) {
        const x = list[i];
        if (!isObj(x)) { bad = 'entry:' + (i + 1) + ':object'; break; }
        const e = {};
        for (const k of ['id', 'kind', 'module', 'title', 'date', 'minutes', 'level', 'format', 'topics', 'objectives']) if (x[k] !== undefined && x[k] !== '') e[k] = x[k];
        if (typeof x.credits === 'number') e.credits = x.credits;
        if (x.url) e.url = typeof x.url === 'string' && x.url.startsWith(site) ? x.url.slice(site.length) : x.url;
        if (x.provider && !(x.kind === 'module' && x.provider === provider)) e.provider = x.provider;
        if (e.kind === 'module' && e.topics && !e.topics.length) delete e.topics;
        const note = x.reflection || x.note;
        if (isObj(note) && NOTE.some(k => note[k])) { e.note = {}; for (const k of NOTE) if (note[k]) e.note[k] = note[k]; }
        for (const k of ['topics', 'objectives']) if (Array.isArray(e[k]) && !e[k].length) delete e[k];
        const w = checkEntry(e);
        if (w) bad = 'entry:' + (i + 1) + ':' + w;
        incoming.push(e);
      }
      imp.value = '';
      if (bad) { report('import', [s.i18nImportBad + ' ' + why(bad) + '.']); return; }
      let added = 0, same = 0;
      const ok = change(rec => {
        for (const e of incoming) {
          if (rec.entries.some(x => x.id === e.id || (e.kind === 'module' && x.kind === 'module' && x.module === e.module))) same++;
          else { rec.entries.push(e); added++; }
        }
      });
      if (ok) { msg.hidden = true; say(fill(s.i18nImported, { added, same })); }
    });

    /* Clear all, after a confirmation. */
    const clear = box.querySelector('[data-cme-clear]'), confirmBox = box.querySelector('[data-cme-clear-confirm]');
    const ask = open => { confirmBox.hidden = !open; clear.setAttribute('aria-expanded', open); };
    clear.addEventListener('click', () => { ask(true); confirmBox.querySelector('[data-cme-clear-no]').focus(); });
    confirmBox.querySelector('[data-cme-clear-no]').addEventListener('click', () => { ask(false); clear.focus(); });
    confirmBox.querySelector('[data-cme-clear-yes]').addEventListener('click', () => {
      const p = R.save({ schema: R.SCHEMA, entries: [] });
      ask(false);
      if (p) { report(p, [problemText(p)]); return; }
      state = R.load();
      msg.hidden = true;
      for (const c of box.querySelectorAll('[disabled]')) c.disabled = false;
      render();
      say(s.i18nCleared);
      clear.focus();
    });

    /* Add an activity that is not a module. */
    const form = box.querySelector('[data-cme-add]');
    form.elements.date.value = R.today();
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const f = form.elements, e = { id: 'activity:' + uuid(), kind: 'activity', title: f.title.value.trim(), date: f.date.value, minutes: Number(f.minutes.value), format: f.format.value };
      if (f.credits.value !== '') e.credits = Number(f.credits.value);
      if (f.provider.value.trim()) e.provider = f.provider.value.trim();
      const note = {};
      for (const t of form.querySelectorAll('[data-note-field]')) if (t.value.trim()) note[t.dataset.noteField] = t.value;
      if (Object.keys(note).length) e.note = note;
      const w = checkEntry(e);
      if (w) { report('add', [why(w)]); return; }
      if (change(rec => { rec.entries.push(e); })) {
        form.reset();
        f.date.value = R.today();
        say(s.i18nAdded);
      }
    });

    showProblem();
    render();
    if (state.problem) for (const t of list.querySelectorAll('textarea, button')) t.disabled = true;
  }

  /* start/: recommend a path and modules from the answers, the curriculum's
     modules (the catalogue's data file) and what the GP has completed. */
  function start(form) {
    const s = form.dataset, out = d.querySelector('[data-start-result]');
    const data = JSON.parse(form.querySelector('[data-start-data]').textContent);
    const base = d.documentElement.dataset.root || './';
    form.hidden = false;
    let cat = null;
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      out.textContent = '';
      try {
        if (!cat) {
          const r = await fetch(s.src);
          if (!r.ok) throw new Error(r.status);
          cat = await r.json();
        }
      } catch (e) {
        out.append(el('p', { className: 'record-message', textContent: s.i18nFailed }));
        out.hidden = false;
        return;
      }
      const role = form.elements.role.value, years = Number(form.elements.years.value);
      const conf = {}, weak = [];
      data.groups.forEach((g, i) => {
        const v = Number(form.querySelector('[data-group="' + i + '"]').value);
        for (const t of g.topics) conf[t] = v;
        if (v === 1) weak.push(g.name);
      });
      const facet = n => cat.facets.find(f => f.name === n);
      const terms = (f, i) => { if (!f) return []; const v = f.modules[i]; return (Array.isArray(v) ? v : [v]).map(j => f.terms[j][0]); };
      const lv = facet('level'), tp = facet('topic'), au = facet('audience'), fm = facet('format');
      const done = R.completed(R.load().rec);
      const novice = years === 0 || role === 'gp-trainee';
      const scores = new Map(), mods = [];
      cat.modules.url.forEach((url, i) => {
        const id = decodeURIComponent(url.replace(/\/$/, ''));
        const level = lv ? lv.modules[i] : 0, ts = terms(tp, i);
        let sc = 0;
        for (const t of ts) sc = Math.max(sc, { 1: 3, 2: 1, 3: 0 }[conf[t]] || 0);
        if (sc === 0) sc = ts.some(t => conf[t] === 2) ? 1 : 0;
        if (typeof level === 'number') sc += level === 0 ? (novice ? 2 : 1) : (novice ? -3 : years >= 10 ? 1 : -1);
        if (terms(au, i).includes(role)) sc += 1;
        if (terms(fm, i).includes('quick-reference')) sc -= 1;
        scores.set(id, sc);
        if (!done.has(id) && sc > 1) mods.push({ id, url, title: cat.modules.title[i], sc, i });
      });
      mods.sort((a, b) => b.sc - a.sc || a.i - b.i);
      let best = null, bestScore = -Infinity;
      for (const p of data.paths) {
        const left = p.modules.filter(m => !done.has(m));
        if (!left.length) continue;
        const avg = left.reduce((t, m) => t + (scores.get(m) || 0), 0) / left.length;
        if (avg > bestScore) { best = p; bestScore = avg; }
      }
      const link = (url, title) => el('a', { href: base + url, textContent: title });
      if (weak.length) out.append(el('p', { textContent: fill(s.i18nBecause, { groups: weak.join(', ') }) }));
      if (best) out.append(el('h2', { textContent: s.i18nPath }), el('p', {}, link(best.url, best.title)));
      if (mods.length) out.append(el('h2', { textContent: s.i18nModules }), el('ul', {}, ...mods.slice(0, 6).map(m => el('li', {}, link(m.url, m.title)))));
      if (!best && !mods.length) out.append(el('p', { textContent: s.i18nNone }));
      out.hidden = false;
      out.focus();
    });
  }

  const run = () => {
    const box = d.querySelector('[data-my-cme]');
    if (box) myCME(box);
    const form = d.querySelector('[data-start-form]');
    if (form) start(form);
  };
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', run); else run();
})();
