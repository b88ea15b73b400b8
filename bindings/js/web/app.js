// app.js - the inspector page: a chosen or dropped file is read in the
// browser and checked by globalThis.Acepack (dist/acepack.web.js, the
// reference reader in WebAssembly).  The file is streamed straight into the
// module memory and both profiles read that one copy (a fresh page of
// memory costs, an 85 MB store has 21,000 of them); nothing per event is
// made unless a filter asks; tables show at most ROWS rows, so a store of
// a million events renders as fast as a small one.
'use strict';
(function () {
  const A = globalThis.Acepack;
  const ROWS = 200;
  const $ = (id) => document.getElementById(id);
  const utf8 = new TextDecoder('utf-8');
  // {name, size, files: {strict, compat} (AcepackFile), file: the one shown}
  let current = null;
  let dumpUrl = null; // the blob: URL of the last dump downloaded

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showVerdict(td, v) {
    td.textContent = '';
    if (v.ok) {
      td.append(el('span', { class: 'ok' }, 'valid'));
    } else {
      const cls = v.invalid ? 'bad' : 'limit';
      td.append(el('span', { class: cls }, v.invalid ? 'INVALID' : v.status));
      td.append(` ${v.rule ? v.rule + ' at byte ' + v.offset + ': ' : ''}${v.message || ''}`);
    }
  }

  function showRegions(regions, size) {
    const bar = $('bar');
    const legend = $('legend');
    bar.textContent = '';
    legend.textContent = '';
    if (!regions) {
      bar.append(el('div', { class: 'r-gap', style: 'width:100%' }, 'not opened'));
      return;
    }
    const seen = new Set();
    for (const r of regions) {
      const w = size > 0 ? ((r.end - r.start) / size) * 100 : 0;
      const d = el('div', { class: `r-${r.name}`, style: `width:${w}%`, title: `${r.name} [${r.start}, ${r.end})` }, r.name);
      bar.append(d);
      if (!seen.has(r.name)) {
        seen.add(r.name);
        const s = el('span');
        s.append(el('i', { class: `r-${r.name}` }), `${r.name}`);
        legend.append(s);
      }
    }
    for (const r of regions) legend.append(el('span', {}, `${r.name} [${r.start}, ${r.end})`));
  }

  function showHeader(h) {
    const t = $('header');
    t.textContent = '';
    if (!h) {
      t.append(el('tr', {}, 'the file did not open under either profile'));
      return;
    }
    for (const [k, v] of Object.entries(h)) {
      const tr = el('tr');
      tr.append(el('th', {}, k), el('td', {}, k === 'flags' ? `0x${v.toString(16).padStart(8, '0')}` : String(v)));
      t.append(tr);
    }
  }

  // 16 bytes a line around `at` (the first error), or the file's start.
  function showHex(file, at) {
    const pre = $('hex');
    pre.textContent = '';
    $('hex-title').textContent = at === null ? 'Bytes (start of the file)' : `Bytes around the first error (offset ${at})`;
    const size = file.size;
    const focus = at === null ? 0 : Math.min(at, Math.max(size - 1, 0));
    const first = Math.max(0, Math.floor(focus / 16) - 4) * 16;
    const last = Math.min(size, first + 16 * 10);
    const some = file.bytes(first, last); // these bytes only, not the file
    const byte = (i) => some[i - first];
    for (let line = first; line < last; line += 16) {
      pre.append(line.toString(16).padStart(8, '0') + '  ');
      let ascii = '';
      for (let i = line; i < line + 16; i++) {
        if (i < last) {
          const txt = byte(i).toString(16).padStart(2, '0');
          if (i === at) pre.append(el('mark', { id: 'error-byte' }, txt));
          else pre.append(txt);
          pre.append(' ');
          ascii += byte(i) >= 32 && byte(i) < 127 ? String.fromCharCode(byte(i)) : '.';
        } else {
          pre.append('   ');
        }
      }
      pre.append(` ${ascii}\n`);
    }
    if (at !== null && at >= size) pre.append(`(offset ${at}: the end of the file)\n`);
  }

  function preview(bytes) {
    const t = utf8.decode(bytes.subarray(0, 120));
    return bytes.length > 120 ? t + '…' : t;
  }

  function showKeys() {
    const body = $('keys').tBodies[0];
    body.textContent = '';
    if (!current.file) return;
    const q = $('key-filter').value;
    let n = 0;
    let shown = 0;
    for (const e of current.entries) {
      if (q && !e.key.includes(q)) continue;
      n++;
      if (shown >= ROWS) continue;
      shown++;
      const tr = el('tr');
      tr.append(el('td', {}, e.key), el('td', {}, String(e.value.length)), el('td', { class: 'v' }, preview(e.value)));
      body.append(tr);
    }
    $('key-count').textContent = `${n} ${q ? 'matching' : 'keys'}${n > shown ? `, first ${shown} shown` : ''}`;
  }

  // The byte columns, copied out of the module on the first filter that
  // scans (1 MB each for a million events), then kept.
  function column(name) {
    if (!current.columns[name]) current.columns[name] = current.file[`${name}Column`]();
    return current.columns[name];
  }

  // Filter words: kind=K, source=S, deleted, or text searched in payloads.
  function eventFilter(q) {
    const f = current.file;
    const tests = [];
    for (const w of q.split(/\s+/).filter(Boolean)) {
      const m = /^(kind|source)=(\d+)$/.exec(w);
      if (m) {
        const col = column(m[1]);
        const v = Number(m[2]);
        tests.push((i) => col[i] === v);
      } else if (w === 'deleted') {
        const flags = column('flags');
        tests.push((i) => (flags[i] & 1) === 1);
      } else {
        tests.push((i) => f.payloadTextAt(i).includes(w));
      }
    }
    return (i) => tests.every((t) => t(i));
  }

  function showEvents() {
    const body = $('events').tBodies[0];
    body.textContent = '';
    const f = current.file;
    if (!f) return;
    const n = f.eventCount;
    const q = $('event-filter').value.trim();
    const keep = eventFilter(q);
    let matching = 0;
    let shown = 0;
    for (let i = 0; i < n; i++) {
      if (q && !keep(i)) continue;
      matching++;
      if (shown >= ROWS) {
        if (!q) { matching = n; break; } // no filter: no need to count
        continue;
      }
      shown++;
      const flags = f.flagsAt(i);
      const tr = el('tr', flags & 1 ? { class: 'deleted' } : {});
      tr.append(el('td', {}, String(f.idAt(i))), el('td', {}, String(f.tsBigAt(i))),
        el('td', {}, String(f.kindAt(i))), el('td', {}, String(f.sourceAt(i))),
        el('td', {}, String(flags)), el('td', { class: 'v' }, preview(f.payloadAt(i))));
      body.append(tr);
    }
    $('event-count').textContent = `${matching} ${q ? 'matching' : 'events'}${matching > shown ? `, first ${shown} shown` : ''}`;
  }

  // `files`: the file opened under both profiles (one copy of its bytes).
  function load(name, files, phases) {
    let t = performance.now();
    const lap = (what) => { const n = performance.now(); phases[what] = n - t; t = n; };
    const verdicts = { strict: files.strict.verdict, compat: files.compat.verdict };
    const shown = verdicts.strict.ok ? 'strict' : verdicts.compat.ok ? 'compat' : null;
    const file = shown ? files[shown] : null;
    const size = files.strict.size;
    current = { name, size, files, file, columns: {} };
    $('download-note').textContent = '';
    $('key-filter').value = '';
    $('event-filter').value = '';
    if (file) current.entries = [...file.entries()];
    lap('keys');
    $('report').hidden = false;
    $('name').textContent = `${name} (${size} bytes)`;
    showVerdict($('verdict-strict'), verdicts.strict);
    showVerdict($('verdict-compat'), verdicts.compat);
    const header = file ? file.header() : null;
    showRegions(header ? A.regionsOf(header, size) : null, size);
    showHeader(header);
    const err = [verdicts.strict, verdicts.compat].find((v) => !v.ok && v.offset !== null);
    showHex(files.strict, err ? err.offset : null);
    $('content').hidden = !file;
    if (file) {
      showKeys();
      showEvents();
    }
    lap('render');
    showTiming(phases);
    document.body.dataset.state = 'done';
  }

  // Where the time went, in milliseconds (shown, and read by the bench).
  function showTiming(phases) {
    const timing = $('timing');
    const total = Object.values(phases).reduce((a, b) => a + b, 0);
    timing.dataset.phases = JSON.stringify(phases);
    timing.textContent = `${(total).toFixed(0)} ms: ` + Object.entries(phases)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  }

  async function check(f) {
    if (current) for (const x of Object.values(current.files)) x.close();
    current = null;
    const opened = {};
    // Read into the module and validated under strict, then compat over the same bytes.
    const strict = await A.openBlob(f, { profile: 'strict', phases: opened });
    const t = performance.now();
    const compat = strict.reopen({ profile: 'compat' });
    const phases = { read: opened.read, strict: opened.validate, compat: performance.now() - t };
    load(f.name, { strict, compat }, phases);
  }

  function readFile(f) {
    document.body.dataset.state = 'reading';
    check(f).catch((e) => {
      document.body.dataset.state = 'error';
      document.body.dataset.error = String(e && e.stack ? e.stack : e);
      $('report').hidden = false;
      $('name').textContent = `cannot check ${f.name}: ${e}`;
    });
  }

  function downloadDump() {
    const profile = $('dump-profile').value;
    const f = current.files[profile];
    const note = $('download-note');
    let dump;
    try {
      dump = f.dump();
    } catch (e) {
      if (!(e instanceof A.AcepackError)) throw e;
      note.textContent = `no dump: the file is rejected under ${profile}: ${A.diagnostic(current.name, e.verdict)}`;
      return;
    }
    note.textContent = `${dump.length} bytes`;
    const a = el('a', { download: `${current.name.replace(/\.ace$/, '')}.${profile}.dump.json` });
    // The URL of the previous download is released now, not after a delay:
    // a browser may fetch the blob late on a busy machine.
    if (dumpUrl) URL.revokeObjectURL(dumpUrl);
    dumpUrl = URL.createObjectURL(new Blob([dump], { type: 'application/json' }));
    a.href = dumpUrl;
    document.body.append(a);
    a.click();
    a.remove();
  }

  $('file').addEventListener('change', (e) => {
    if (e.target.files[0]) readFile(e.target.files[0]);
    e.target.value = ''; // choosing the same file again is a change too
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files[0]) readFile(e.dataTransfer.files[0]);
  });
  $('key-filter').addEventListener('input', showKeys);
  $('event-filter').addEventListener('input', showEvents);
  $('download').addEventListener('click', downloadDump);
  // Milliseconds from the navigation to a usable page (read by the bench).
  document.body.dataset.readyMs = performance.now().toFixed(1);
  document.body.dataset.state = 'ready';
})();
