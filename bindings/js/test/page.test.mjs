// page.test.mjs - the inspector page (web/index.html) in real headless
// Chromium: opened from file:// and from a static HTTP server, a corpus file
// chosen in its file input, and what the page then shows checked against
// the manifest and the expected dump (from the Python implementation).
// A screenshot goes to BUILD/wasm-page.png (a CI artifact).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { launch, chooseFile, CHROMIUM } from './cdp.mjs';
import { PKG, CORPUS, BUILD, CLI, manifest } from './helpers.mjs';

const cases = manifest().cases.filter((c) => c.kind === 'read' && !c.sparse); // sparse: made by the runner
const dumpOf = (c) => JSON.parse(readFileSync(path.join(CORPUS, c.dump), 'utf8'));
// A valid file with keys and events, and a file both profiles reject with
// an offset inside the file.
const good = cases.find((c) => c.expect.strict === 'accept' && c.expect.compat === 'accept' && c.dump
  && dumpOf(c).kv.length >= 2 && dumpOf(c).events.length >= 3);
const bad = cases.find((c) => c.offset && c.offset.strict && c.offset.compat
  && c.offset.strict.at === c.offset.compat.at && c.offset.strict.rule === c.offset.compat.rule
  && c.offset.strict.at < readFileSync(path.join(CORPUS, c.path)).length
  && c.offset.strict.at > 128);
// A file strict rejects (with a rule) and compat accepts: no strict dump.
const mixed = cases.find((c) => c.expect.strict === 'reject' && c.expect.compat === 'accept' && c.dump
  && c.offset && c.offset.strict);

// Clicks the page's download button for `profile` as a user does, and
// returns the bytes Chromium saved (Browser.setDownloadBehavior has put
// downloads in `dir`) and the note the page shows.  Event-driven: waits for
// the download's end, whatever time the machine takes.
async function download(b, dir, profile) {
  await b.evaluate(`document.getElementById('dump-profile').value = ${JSON.stringify(profile)}`);
  const begin = b.nextEvent('Browser.downloadWillBegin');
  const end = b.nextEvent('Browser.downloadProgress', (p) => p.state === 'completed' || p.state === 'canceled');
  await b.page('Runtime.evaluate', { expression: "document.getElementById('download').click()", userGesture: true });
  const { suggestedFilename, guid } = await begin;
  const done = await end;
  assert.equal(done.guid, guid);
  assert.equal(done.state, 'completed', `download of the ${profile} dump`);
  return { name: suggestedFilename, bytes: readFileSync(path.join(dir, suggestedFilename)),
    note: await b.evaluate(text('#download-note')) };
}

// The C CLI's dump of a file (what the downloaded bytes must be), or null
// when the CLI is not built.
function cliDump(file, profile) {
  if (!existsSync(CLI)) return null;
  const r = spawnSync(CLI, ['dump', `--${profile}`, file]);
  assert.equal(r.status, 0, `acepack dump --${profile} ${file}: ${r.stderr}`);
  return r.stdout;
}

const text = (sel) => `document.querySelector(${JSON.stringify(sel)}).textContent`;

test('the inspector page in headless Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async () => {
  assert.ok(good && bad && mixed, 'the corpus has the files this test needs');
  const url = pathToFileURL(path.join(PKG, 'web', 'index.html')).href;
  const b = await launch(url);
  try {
    await b.waitFor("document.body && document.body.dataset.state === 'ready'");

    // A valid file: verdicts, header, regions, keys, events, filters.
    await chooseFile(b, path.join(CORPUS, good.path));
    const want = dumpOf(good);
    assert.equal(await b.evaluate(text('#verdict-strict')), 'valid');
    assert.equal(await b.evaluate(text('#verdict-compat')), 'valid');
    const header = await b.evaluate(`[...document.querySelectorAll('#header tr')].map(r => r.textContent).join('|')`);
    assert.match(header, new RegExp(`version${want.format_version}\\|`));
    assert.match(header, new RegExp(`eventCount${want.events.length}\\|`));
    const regions = await b.evaluate(`[...document.querySelectorAll('#bar div')].map(d => d.title)`);
    assert.ok(regions.some((t) => t.startsWith('events [')) && regions.some((t) => t.startsWith('index [')), String(regions));
    const keys = await b.evaluate(`[...document.querySelectorAll('#keys tbody tr td:first-child')].map(t => t.textContent)`);
    assert.deepEqual([...keys].sort(), want.kv.map((e) => e.key).sort());
    assert.equal(await b.evaluate(text('#event-count')), `${want.events.length} events`);
    const ids = await b.evaluate(`[...document.querySelectorAll('#events tbody tr td:first-child')].map(t => t.textContent)`);
    assert.deepEqual(ids, want.events.map((e) => e.id));
    // Filters: a key, and a kind.
    const k = want.kv[1].key;
    await b.evaluate(`(() => { const i = document.getElementById('key-filter'); i.value = ${JSON.stringify(k)}; i.dispatchEvent(new Event('input')); })()`);
    const filtered = await b.evaluate(`[...document.querySelectorAll('#keys tbody tr td:first-child')].map(t => t.textContent)`);
    assert.deepEqual(filtered, want.kv.map((e) => e.key).filter((x) => x.includes(k)));
    const kind = want.events[0].kind;
    await b.evaluate(`(() => { const i = document.getElementById('event-filter'); i.value = 'kind=${kind}'; i.dispatchEvent(new Event('input')); })()`);
    const kinds = await b.evaluate(`[...document.querySelectorAll('#events tbody tr td:nth-child(3)')].map(t => t.textContent)`);
    assert.equal(kinds.length, want.events.filter((e) => e.kind === kind).length);
    assert.ok(kinds.every((x) => x === String(kind)));

    // The dump download, under both profiles: the bytes Chromium saved are
    // the C CLI's dump and the expected dump (Python implementation).
    const dir = mkdtempSync(path.join(tmpdir(), 'acepack-download-'));
    try {
      await b.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
      const expected = readFileSync(path.join(CORPUS, good.dump));
      for (const profile of ['strict', 'compat']) {
        const got = await download(b, dir, profile);
        assert.equal(got.name, `${path.basename(good.path, '.ace')}.${profile}.dump.json`);
        assert.ok(got.bytes.equals(expected), `${profile}: the downloaded dump differs from ${good.dump}`);
        const cli = cliDump(path.join(CORPUS, good.path), profile);
        if (cli) assert.ok(got.bytes.equals(cli), `${profile}: the downloaded dump differs from the C CLI's`);
        assert.equal(got.note, `${expected.length} bytes`);
      }
      // A file strict rejects: the page says so instead of downloading.
      await chooseFile(b, path.join(CORPUS, mixed.path));
      await b.evaluate("document.getElementById('dump-profile').value = 'strict'");
      await b.page('Runtime.evaluate', { expression: "document.getElementById('download').click()", userGesture: true });
      const note = await b.evaluate(text('#download-note'));
      assert.ok(note.startsWith(`no dump: the file is rejected under strict: ${path.basename(mixed.path)}:`)
        && note.includes(`: ${mixed.offset.strict.rule}: `), note);
      const got = await download(b, dir, 'compat');
      assert.ok(got.bytes.equals(readFileSync(path.join(CORPUS, mixed.dump))), 'compat dump of the mixed file');
      const cli = cliDump(path.join(CORPUS, mixed.path), 'compat');
      if (cli) assert.ok(got.bytes.equals(cli), 'compat dump of the mixed file = the C CLI\'s');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // An invalid file: the rule and offset of the manifest, the byte marked.
    await chooseFile(b, path.join(CORPUS, bad.path));
    const exp = bad.offset.strict;
    for (const p of ['strict', 'compat']) {
      const v = await b.evaluate(text(`#verdict-${p}`));
      assert.ok(v.startsWith(`INVALID ${exp.rule} at byte ${exp.at}: `), `${p}: ${v}`);
    }
    const mark = await b.evaluate(`(() => { const m = document.getElementById('error-byte'); return m && m.textContent; })()`);
    const byte = readFileSync(path.join(CORPUS, bad.path))[exp.at];
    assert.equal(mark, byte.toString(16).padStart(2, '0'));
    assert.equal(await b.evaluate(`document.getElementById('content').hidden`), true);

    // Back to the valid file for the screenshot (the page at its fullest).
    await chooseFile(b, path.join(CORPUS, good.path));
    const shot = await b.page('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    mkdirSync(BUILD, { recursive: true });
    writeFileSync(path.join(BUILD, 'wasm-page.png'), Buffer.from(shot.data, 'base64'));
  } finally {
    await b.close();
  }
});

test('the page from a static HTTP server', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async () => {
  const server = createServer((req, res) => {
    const p = path.join(PKG, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!p.startsWith(PKG) || !existsSync(p)) { res.writeHead(404); res.end(); return; }
    const type = p.endsWith('.html') ? 'text/html' : p.endsWith('.css') ? 'text/css' : 'text/javascript';
    res.writeHead(200, { 'content-type': type });
    res.end(readFileSync(p));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const b = await launch(`http://127.0.0.1:${server.address().port}/web/index.html`);
  try {
    await b.waitFor("document.body && document.body.dataset.state === 'ready'");
    await chooseFile(b, path.join(CORPUS, bad.path));
    const v = await b.evaluate(text('#verdict-strict'));
    assert.ok(v.startsWith(`INVALID ${bad.offset.strict.rule} at byte ${bad.offset.strict.at}: `), v);
  } finally {
    await b.close();
    server.close();
  }
});
