// cdp.mjs - a minimal Chrome DevTools Protocol client over
// --remote-debugging-pipe (fd 3: commands to the browser, fd 4: replies;
// each message is JSON followed by a NUL byte).  Node's built-in modules
// only, so the page test needs nothing from the npm registry.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch(url) {
  const profile = mkdtempSync(path.join(tmpdir(), 'acepack-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--remote-debugging-pipe', '--window-size=1200,1700',
    '--allow-file-access-from-files', url];
  const proc = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const out = proc.stdio[3];
  const inp = proc.stdio[4];
  let nextId = 1;
  const waiting = new Map();
  const listeners = new Set(); // (message) => void, for events (no id)
  let buf = Buffer.alloc(0);
  inp.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (let z = buf.indexOf(0); z >= 0; z = buf.indexOf(0)) {
      const msg = JSON.parse(buf.subarray(0, z).toString('utf8'));
      buf = buf.subarray(z + 1);
      if (msg.id === undefined) for (const l of listeners) l(msg);
      if (msg.id !== undefined && waiting.has(msg.id)) {
        const { resolve, reject } = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.error) reject(new Error(`${msg.error.message} (${JSON.stringify(msg.error)})`));
        else resolve(msg.result);
      }
    }
  });
  const exited = new Promise((res) => proc.on('exit', res));
  proc.on('exit', () => {
    for (const { reject } of waiting.values()) reject(new Error(`chromium exited: ${stderr.slice(-2000)}`));
    waiting.clear();
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    const m = { id, method, params };
    if (sessionId) m.sessionId = sessionId;
    out.write(JSON.stringify(m) + '\0');
  });
  // The page target the command line opened.  No limit of our own: on a
  // busy machine Chromium starts slowly; a Chromium that exits ends the
  // wait (the pending command is rejected), ctest's TIMEOUT is the backstop.
  let target = null;
  while (!target) {
    const { targetInfos } = await send('Target.getTargets');
    target = targetInfos.find((t) => t.type === 'page');
    if (!target) await new Promise((r) => setTimeout(r, 100));
  }
  const { sessionId } = await send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
  const page = (method, params) => send(method, params, sessionId);
  const evaluate = async (expression) => {
    const r = await page('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`page: ${JSON.stringify(r.exceptionDetails).slice(0, 500)}`);
    return r.result.value;
  };
  // Polls until `expression` is truthy.  No time limit: what the page does
  // takes what the machine gives it (ctest's TIMEOUT is the backstop).
  const waitFor = async (expression) => {
    for (;;) {
      const v = await evaluate(expression);
      if (v) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // The first event `method` (browser or page session) that `pred` accepts.
  // Register before causing it.
  const nextEvent = (method, pred = () => true) => new Promise((resolve, reject) => {
    const l = (msg) => {
      if (msg.method === method && pred(msg.params)) {
        listeners.delete(l);
        resolve(msg.params);
      }
    };
    listeners.add(l);
    proc.on('exit', () => reject(new Error(`chromium exited before ${method}: ${stderr.slice(-2000)}`)));
  });
  const close = async () => {
    try { await send('Browser.close'); } catch (e) { /* already gone */ }
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
    rmSync(profile, { recursive: true, force: true });
  };
  return { send, page, evaluate, waitFor, nextEvent, close, proc };
}

// Chooses `file` in the page's <input type=file id=file>, as a user does.
export async function chooseFile(b, file) {
  await b.evaluate("document.body.dataset.state = 'choosing'");
  const { root } = await b.page('DOM.getDocument', { depth: 0 });
  const { nodeId } = await b.page('DOM.querySelector', { nodeId: root.nodeId, selector: '#file' });
  await b.page('DOM.setFileInputFiles', { nodeId, files: [file] });
  const state = await b.waitFor("['done', 'error'].includes(document.body.dataset.state) && document.body.dataset.state");
  if (state === 'error') throw new Error(`page: ${await b.evaluate('document.body.dataset.error')}`);
}
