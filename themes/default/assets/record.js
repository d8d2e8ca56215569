/* cmesite learning record: progress and notes, kept in this browser only
 * (localStorage) and never sent anywhere. The record's schema, its
 * migrations and what a page reads are documented in
 * internal/site/record.go; my-cme.js builds on window.cmeRecord. */
(() => {
  'use strict';
  const d = document, SCHEMA = 1;
  const migrations = {};
  const root = new URL(d.documentElement.dataset.root || './', location.href);
  const KEY = 'cmesite-record:' + root.pathname;
  const me = d.currentScript;
  const isObj = v => v && typeof v === 'object' && !Array.isArray(v);
  const str = v => typeof v === 'string' && v !== '';
  const today = () => { const t = new Date(); t.setMinutes(t.getMinutes() - t.getTimezoneOffset()); return t.toISOString().slice(0, 10); };
  function check(rec) {
    if (!isObj(rec) || rec.schema !== SCHEMA || !Array.isArray(rec.entries) || !(rec.notes === undefined || isObj(rec.notes))) return 'record';
    const bad = rec.entries.findIndex(e => !isObj(e) || !str(e.id) || !str(e.title) || !['module', 'activity'].includes(e.kind) || !/^\d{4}-\d\d-\d\d$/.test(e.date) || (e.kind === 'module' && !str(e.module)));
    return bad < 0 ? '' : 'entry:' + (bad + 1);
  }
  function upgrade(rec) {
    if (!isObj(rec) || !Number.isInteger(rec.schema) || rec.schema < 1) return [null, 'record'];
    if (rec.schema > SCHEMA) return [null, 'newer'];
    for (let v = rec.schema; v < SCHEMA; v++) rec = migrations[v](rec);
    const w = check(rec);
    return w ? [null, w] : [rec, ''];
  }
  function load() {
    const empty = { schema: SCHEMA, entries: [] };
    let raw;
    try { raw = localStorage.getItem(KEY); } catch (e) { return { rec: empty, problem: 'off' }; }
    if (raw === null) return { rec: empty, problem: '' };
    let rec, why;
    try { [rec, why] = upgrade(JSON.parse(raw)); } catch (e) { why = 'json'; }
    return rec ? { rec, problem: '' } : { rec: empty, problem: 'corrupt', raw, why };
  }
  function save(rec) {
    try { localStorage.setItem(KEY, JSON.stringify(rec)); return ''; } catch (e) {
      return e && (e.name === 'QuotaExceededError' || e.code === 22 || e.code === 1014) ? 'full' : 'off';
    }
  }
  function update(fn) {
    const l = load();
    if (l.problem) return l.problem;
    fn(l.rec);
    return save(l.rec);
  }
  const completed = rec => new Map(rec.entries.filter(e => e.kind === 'module').map(e => [e.module, e]));
  function say(box, problem, strings) {
    const p = box.querySelector('[data-record-message]');
    if (p && problem) { p.textContent = strings[problem]; p.hidden = false; }
  }

  window.cmeRecord = { KEY, SCHEMA, migrations, root, load, save, update, upgrade, completed, today, say, isObj };
  const label = (me && me.dataset.completed) || 'Completed';
  function markLists(done) {
    for (const el of d.querySelectorAll('[data-module]')) {
      const on = done.has(el.dataset.module), b = el.querySelector('.badge-completed');
      el.classList.toggle('is-completed', on);
      if (on && !b) {
        const s = d.createElement('span');
        s.className = 'badge badge-completed';
        s.textContent = label;
        (el.querySelector('.card-title, td') || el).append(' ', s);
      } else if (!on && b) b.remove();
    }
  }

  function modulePage(box, done) {
    const m = JSON.parse(box.querySelector('[data-record-module]').textContent), s = box.dataset;
    const strings = { off: s.i18nStorageOff, full: s.i18nStorageFull, corrupt: s.i18nCorrupt };
    const btn = box.querySelector('[data-complete]'), on = box.querySelector('[data-completed-on]');
    const note = box.querySelector('[data-note]'), status = box.querySelector('[data-note-status]');
    const l = load();
    box.hidden = false;
    if (l.problem) { say(box, l.problem, strings); btn.disabled = true; return; }
    const show = () => {
      const e = completed(load().rec).get(m.id);
      btn.textContent = e ? s.i18nUnmark : s.i18nMark;
      btn.setAttribute('aria-pressed', e ? 'true' : 'false');
      on.hidden = note.hidden = !e;
      if (e) {
        on.textContent = '';
        const [a, b] = s.i18nCompletedOn.split('{date}'), t = d.createElement('time');
        t.dateTime = t.textContent = e.date;
        on.append(a, t, b || '');
        for (const f of note.querySelectorAll('[data-note-field]')) if (d.activeElement !== f) f.value = (e.note || {})[f.dataset.noteField] || '';
      }
    };
    const fail = p => { if (p) say(box, p, strings); };
    btn.addEventListener('click', () => {
      fail(update(rec => {
        const i = rec.entries.findIndex(e => e.kind === 'module' && e.module === m.id);
        rec.notes = rec.notes || {};
        if (i >= 0) {
          const n = rec.entries[i].note;
          if (n && (n.what || n.soWhat || n.nowWhat)) rec.notes[m.id] = n;
          rec.entries.splice(i, 1);
        } else {
          const e = { id: 'module:' + m.id, kind: 'module', module: m.id, title: m.title, url: m.url, date: today() };
          for (const k of ['minutes', 'credits', 'level', 'format', 'topics', 'objectives']) if (m[k] !== undefined) e[k] = m[k];
          if (rec.notes[m.id]) { e.note = rec.notes[m.id]; delete rec.notes[m.id]; }
          rec.entries.push(e);
        }
      }));
      show();
      markLists(completed(load().rec));
    });
    note.addEventListener('input', ev => {
      const f = ev.target.dataset.noteField;
      if (!f) return;
      const p = update(rec => {
        const e = rec.entries.find(e => e.kind === 'module' && e.module === m.id);
        if (e) (e.note = e.note || {})[f] = ev.target.value;
      });
      fail(p);
      status.textContent = p ? '' : s.i18nSaved;
    });
    show();
    const missing = (m.prereqs || []).filter(p => !done.has(p.id));
    if (missing.length) {
      const p = d.createElement('p'), base = d.documentElement.dataset.root || './';
      p.className = 'notice record-prereqs';
      p.append(s.i18nPrereqs + ' ');
      missing.forEach((x, i) => { const a = d.createElement('a'); a.href = base + x.url; a.textContent = x.title; p.append(i ? ', ' : '', a); });
      const meta = d.querySelector('.module-meta');
      if (meta) meta.after(p);
    }
  }

  function pathPage(box, done) {
    const steps = JSON.parse(box.querySelector('[data-record-path]').textContent), s = box.dataset;
    const base = d.documentElement.dataset.root || './';
    let n = 0, min = 0, all = 0, next = null;
    for (const st of steps) {
      all += st.minutes;
      if (done.has(st.id)) { n++; min += st.minutes; } else if (!next) next = st;
    }
    box.querySelector('[data-path-progress]').value = n;
    box.querySelector('[data-path-status]').textContent = s.i18nStatus.replace('{done}', n).replace('{total}', steps.length).replace('{minutes}', min).replace('{allMinutes}', all);
    const p = box.querySelector('[data-path-next]');
    p.textContent = '';
    if (next) {
      const a = d.createElement('a');
      a.href = base + next.url;
      a.textContent = next.title;
      p.append(s.i18nNext + ' ', a);
    } else p.textContent = s.i18nDone;
    box.hidden = false;
  }
  function facilitator(box) {
    const notes = d.querySelectorAll('.module-body .callout-facilitator');
    if (!notes.length || !box) return;
    const s = box.dataset, html = d.documentElement, bar = d.createElement('div');
    bar.className = 'facilitator-tools';
    const button = (text, fn) => { const b = d.createElement('button'); b.type = 'button'; b.className = 'button'; b.textContent = text; b.addEventListener('click', fn); bar.append(b, ' '); return b; };
    const set = shown => {
      html.classList.toggle('hide-facilitator', !shown);
      toggle.textContent = shown ? s.i18nHideNotes : s.i18nShowNotes;
      toggle.setAttribute('aria-expanded', shown);
    };
    const print = shown => {
      const was = !html.classList.contains('hide-facilitator');
      set(shown);
      addEventListener('afterprint', () => set(was), { once: true });
      window.print();
    };
    const toggle = button('', () => set(html.classList.contains('hide-facilitator')));
    toggle.setAttribute('data-facilitator-toggle', '');
    button(s.i18nPrintHandout, () => print(false)).setAttribute('data-print-handout', '');
    button(s.i18nPrintNotes, () => print(true)).setAttribute('data-print-notes', '');
    d.querySelector('.module-body').before(bar);
    set(false);
  }

  function run() {
    const l = load(), done = completed(l.rec);
    markLists(done);
    const box = d.querySelector('[data-record]');
    if (box) modulePage(box, done);
    facilitator(box);
    const path = d.querySelector('[data-path-record]');
    if (path && !l.problem) pathPage(path, done);
    const body = d.querySelector('[data-catalogue] tbody');
    if (body) new MutationObserver(() => markLists(completed(load().rec))).observe(body, { childList: true });
  }
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', run); else run();
})();
