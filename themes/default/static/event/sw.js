// confsite offline copy: the service worker of one event. confsite.js
// registers it with the event's folder as its scope (the theme copies it to
// each event's root for that reason).
//
// On install it saves every page, calendar feed, data file and theme file
// reachable by links from the event's home page, so after one visit the
// program works offline. Pages and data are then fetched network first (with
// a timeout, for hallway Wi-Fi) and fall back to the saved copy; a saved page
// is marked with `data-offline-copy` on <body> (when it was saved) so the
// page can say it is a copy. Theme files are served from the copy and
// refreshed in the background. When `sessions.json` changes, everything is
// saved again.
'use strict';

const SCOPE = new URL(self.registration.scope);
const CACHE = 'confsite:' + SCOPE.pathname;
/** Written once a full save has finished; holds a fingerprint of sessions.json. */
const DONE = new URL('.confsite-saved', SCOPE).href;
const PROGRAM = new URL('sessions.json', SCOPE).href;
const START = ['index.html', 'sessions.html', 'agenda.html', 'search.html', 'sessions.json',
  'search_index.json', 'search_index.js', 'schedule.ics'];
const TIMEOUT_MS = 4000;
const MAX_FILES = 20000;
const ASSET = /\.(css|js|mjs|png|jpe?g|gif|svg|webp|woff2?|ico|webmanifest)$/;

/** One cache key per file: no query, no fragment, `dir/` as `dir/index.html`. */
function keyOf(url) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  if (u.pathname.endsWith('/')) u.pathname += 'index.html';
  return u.href;
}

const inScope = (u) => u.origin === SCOPE.origin && u.pathname.startsWith(SCOPE.pathname);
/** Files worth saving: anything in the event's folder, and the theme's assets it loads. */
const wanted = (u) => inScope(u) || (u.origin === SCOPE.origin && ASSET.test(u.pathname));

function decode(s) {
  return s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
}

/** The saveable URLs an HTML page links to or loads. */
function linksIn(html, base) {
  const found = [];
  const re = /\s(?:href|src|data-index|data-index-js)="([^"]*)"/g;
  let m;
  while ((m = re.exec(html))) {
    try {
      const u = new URL(decode(m[1]), base);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && wanted(u)) found.push(keyOf(u.href));
    } catch (e) { /* not a URL */ }
  }
  return found;
}

/** A copy of `res` that records when it was saved. */
async function stamped(res) {
  const headers = new Headers(res.headers);
  headers.set('x-confsite-saved', new Date().toISOString());
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers });
}

function fingerprint(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return text.length + ':' + (h >>> 0).toString(16);
}

let saving = null;

/** Saves everything reachable from the event's pages, breadth first, a few at a time. */
function saveAll() {
  if (saving) return saving;
  saving = (async () => {
    const cache = await caches.open(CACHE);
    const seen = new Set();
    let wave = START.map((p) => keyOf(new URL(p, SCOPE).href));
    wave.forEach((u) => seen.add(u));
    let program = '';
    while (wave.length) {
      const next = [];
      for (let i = 0; i < wave.length; i += 6) {
        await Promise.all(wave.slice(i, i + 6).map(async (url) => {
          try {
            const res = await fetch(url, { cache: 'no-cache' });
            if (!res.ok) return;
            if ((res.headers.get('content-type') || '').includes('text/html')) {
              for (const link of linksIn(await res.clone().text(), url)) {
                if (!seen.has(link) && seen.size < MAX_FILES) {
                  seen.add(link);
                  next.push(link);
                }
              }
            }
            if (url === PROGRAM) program = await res.clone().text();
            await cache.put(url, await stamped(res));
          } catch (e) { /* offline or gone: keep what we have */ }
        }));
      }
      wave = next;
    }
    await cache.put(DONE, new Response(fingerprint(program)));
  })().finally(() => { saving = null; });
  return saving;
}

let lastCheck = 0;

/** Saves again when the program changed since the last full save (checked at most every 10 minutes). */
async function refresh() {
  if (Date.now() - lastCheck < 600000) return undefined;
  lastCheck = Date.now();
  const cache = await caches.open(CACHE);
  const done = await cache.match(DONE);
  if (!done) return saveAll();
  try {
    const res = await fetch(PROGRAM, { cache: 'no-cache' });
    if (res.ok && fingerprint(await res.text()) !== (await done.text())) return saveAll();
  } catch (e) { /* offline: nothing to compare */ }
  return undefined;
}

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(saveAll());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'check') event.waitUntil(refresh());
});

/** A saved page, marked as a copy for confsite.js. */
async function markCopy(res) {
  const saved = res.headers.get('x-confsite-saved') || '';
  const html = (await res.text()).replace(/<body\b/i, '<body data-offline-copy="' + saved.replace(/[^0-9TZ:.-]/g, '') + '"');
  const headers = new Headers(res.headers);
  headers.set('content-type', 'text/html; charset=utf-8');
  return new Response(html, { status: 200, headers });
}

function notSaved(page) {
  const home = new URL('index.html', SCOPE).href;
  const body = page
    ? '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<title>Offline</title><main><h1>You are offline</h1><p>This page was not saved for offline use yet. ' +
      '<a href="' + home + '">The program’s home page</a> may be.</p></main></html>'
    : '';
  return new Response(body, { status: 503, statusText: 'Offline', headers: { 'content-type': page ? 'text/html; charset=utf-8' : 'text/plain' } });
}

/** Network first, with a timeout; the saved copy when the network fails or is slow. */
async function networkFirst(event, page) {
  const request = event.request;
  const cache = await caches.open(CACHE);
  const key = keyOf(request.url);
  // Every fresh page or file also refreshes the saved copy.
  const network = fetch(request).then((res) => {
    if (res.ok && res.type === 'basic' && wanted(new URL(key))) {
      const copy = res.clone();
      event.waitUntil(stamped(copy).then((c) => cache.put(key, c)).catch(() => {}));
    }
    return res;
  });
  let timer;
  const slow = new Promise((resolve) => { timer = setTimeout(resolve, TIMEOUT_MS, null); });
  try {
    const res = await Promise.race([network, slow]);
    if (res) return res;
  } catch (e) { /* failed: use the copy */ } finally {
    clearTimeout(timer);
  }
  const saved = await cache.match(key);
  if (saved) return page ? markCopy(saved) : saved;
  return network.catch(() => notSaved(page));
}

/** Theme files: the saved copy at once, refreshed in the background. */
async function savedFirst(event) {
  const cache = await caches.open(CACHE);
  const key = keyOf(event.request.url);
  const saved = await cache.match(key);
  const network = fetch(event.request).then((res) => {
    if (res.ok && res.type === 'basic') {
      const copy = res.clone();
      event.waitUntil(stamped(copy).then((c) => cache.put(key, c)).catch(() => {}));
    }
    return res;
  });
  if (saved) {
    network.catch(() => {});
    return saved;
  }
  return network.catch(() => notSaved(false));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  const page = request.mode === 'navigate' || request.destination === 'document';
  if (!page && ASSET.test(url.pathname) && !inScope(url)) {
    event.respondWith(savedFirst(event));
  } else {
    event.respondWith(networkFirst(event, page));
  }
});
