// Every link of the built site resolves when the site is served from a
// sub-path, as GitHub Pages serves a project site (https://org.github.io/repo/).
//
// For each bundled theme (as `confsite theme list` names them) the demo site
// is copied, every event is switched to that theme, and the copy is built
// with a base URL under /confsite-demo/ on a local port and served there by
// the harness. The crawl starts at the root, robots.txt and 404.html and
// follows every URL it finds:
//   - HTML: every href, src, srcset, poster, action and cite, URL-valued
//     data-* attributes, absolute <meta content>, url() in style attributes,
//     also inside <template>; parsed by Chromium's DOMParser and resolved
//     against the page (or its <base>) with the WHATWG URL parser;
//   - CSS: url() and @import;
//   - iCalendar: every URI-valued property (URL, SOURCE, ...), read by ical.js;
//   - JSON (sessions.json, schedule.json, the search index, ...): every
//     string that is an absolute URL on the site's host;
//   - XML and text (sitemap.xml, schedule.xml, robots.txt): absolute URLs.
// Internal targets must answer 200, `#fragment`s must name an element of
// the target page, nothing may point at the site's host outside the prefix,
// and webcal:// links must name a feed under the prefix (fetched over HTTP).
// Other hosts, mailto: and tel: are counted, never fetched. 404.html is also
// read as GitHub Pages serves it: at a missing URL deep inside the site.
// Finally Chromium opens a few pages of each event, running their scripts,
// and no request (page, script, stylesheet, fetch) may fail or leave the prefix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import ICAL from 'ical.js';
import { confsite, serve, launchChromium } from './lib/harness.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PREFIX = '/confsite-demo/';
const work = mkdtempSync(join(tmpdir(), 'confsite-crawl-'));

/** Names of the bundled themes, from the binary itself. */
function bundledThemes() {
  const empty = mkdtempSync(join(work, 'list-'));
  return confsite(['theme', 'list'], { cwd: empty })
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter(Boolean);
}
const THEMES = bundledThemes();

/** Sets top-level `theme:` in a YAML front matter block or file body. */
function setTheme(yaml, theme) {
  const lines = yaml.split('\n').filter((l) => !/^theme\s*:/.test(l));
  return [`theme: ${theme}`, ...lines].join('\n');
}

/** A copy of the demo site (config and content) with every event on `theme`. */
function demoOn(theme) {
  const root = join(work, `site-${theme}`);
  cpSync(join(REPO, 'confsite.yaml'), join(root, 'confsite.yaml'));
  cpSync(join(REPO, 'content'), join(root, 'content'), { recursive: true });
  const config = join(root, 'confsite.yaml');
  writeFileSync(config, setTheme(readFileSync(config, 'utf8'), theme));
  for (const event of readdirSync(join(root, 'content'))) {
    const file = join(root, 'content', event, '_event.md');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const m = /^---\r?\n([\s\S]*?\r?\n)---\r?\n/.exec(text);
    assert.ok(m, `${file} has front matter`);
    writeFileSync(file, `---\n${setTheme(m[1], theme)}---\n${text.slice(m[0].length)}`);
  }
  return root;
}

let browser;
let parser;
before(async () => {
  browser = await launchChromium();
  parser = await browser.newPage();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** URLs an HTML document refers to, and its fragment targets, as Chromium parses it. */
function parseHtml(html, pageUrl) {
  return parser.evaluate(([html, pageUrl]) => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const baseEl = doc.querySelector('base[href]');
    const base = baseEl ? new URL(baseEl.getAttribute('href'), pageUrl).href : pageUrl;
    const refs = [];
    const add = (el, attr, raw) => {
      let url = null;
      try { url = new URL(raw.trim(), base).href; } catch { /* reported as broken */ }
      refs.push({ where: `<${el.localName} ${attr}="${raw}">`, url });
    };
    const URLISH = /^[^\s<>"]+\.(html|json|js|mjs|ics|xml|css|png|svg|jpe?g|webp)([?#]\S*)?$/;
    const scan = (root) => {
      for (const el of root.querySelectorAll('*')) {
        for (const { name, value } of el.attributes) {
          if (['href', 'src', 'poster', 'action', 'cite'].includes(name)) add(el, name, value);
          else if (name === 'srcset') {
            for (const c of value.split(',')) { const u = c.trim().split(/\s+/)[0]; if (u) add(el, name, u); }
          } else if (name.startsWith('data-') && URLISH.test(value)) add(el, name, value);
          else if (name === 'content' && el.localName === 'meta' && /^(https?|webcal):\/\//.test(value)) add(el, name, value);
          else if (name === 'style') {
            for (const m of value.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) add(el, name, m[2]);
          }
        }
        if (el.localName === 'template') scan(el.content);
      }
    };
    scan(doc);
    const ids = [...doc.querySelectorAll('[id]')].map((e) => e.id)
      .concat([...doc.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')));
    return { refs, ids };
  }, [html, pageUrl]);
}

/** URI-valued properties of an iCalendar file, read by ical.js. */
function icsUrls(text) {
  const urls = [];
  const walk = (comp) => {
    for (const prop of comp.getAllProperties()) {
      if (prop.type === 'uri' || ['url', 'source', 'tzurl', 'image', 'conference'].includes(prop.name)) {
        for (const v of prop.getValues()) if (typeof v === 'string') urls.push({ where: prop.name.toUpperCase(), raw: v });
      }
    }
    comp.getAllSubcomponents().forEach(walk);
  };
  walk(new ICAL.Component(ICAL.parse(text)));
  return urls;
}

/** Absolute URLs in any JSON value. */
function jsonUrls(value, path = '$', out = []) {
  if (typeof value === 'string') {
    if (/^(https?|webcal):\/\//.test(value)) out.push({ where: path, raw: value });
  } else if (Array.isArray(value)) value.forEach((v, i) => jsonUrls(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) jsonUrls(v, `${path}.${k}`, out);
  return out;
}

const decodeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The key a static server maps a URL to: no query or fragment, `dir/` as `dir/index.html`. */
function fileKey(url) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  if (u.pathname.endsWith('/')) u.pathname += 'index.html';
  return u.href;
}

/** Crawls the site at `base`; returns counts and every problem found. */
async function crawl(base) {
  const site = new URL(base);
  const files = new Map(); // fileKey → { status, kind, ids }
  const refs = []; // { from, where, url } to internal targets
  const problems = [];
  const counts = { files: 0, pages: 0, refs: 0, internal: 0, external: 0, webcal: 0, other: 0 };
  const queue = [];
  const enqueue = (url) => {
    const key = fileKey(url);
    if (!files.has(key)) { files.set(key, null); queue.push(key); }
  };

  /** Sorts one reference: internal (checked), webcal (checked over HTTP), external (counted). */
  const follow = (from, where, url) => {
    counts.refs++;
    if (url === null) { problems.push(`${from}: ${where} is not a URL`); return; }
    let u = new URL(url);
    if (u.protocol === 'webcal:') {
      counts.webcal++;
      u = new URL(`${site.protocol}${url.slice('webcal:'.length)}`);
      if (u.host !== site.host || !u.pathname.startsWith(site.pathname)) {
        problems.push(`${from}: ${where} subscribes to ${url}, not a feed of this site`);
        return;
      }
    } else if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      counts.other++;
      if (u.protocol === 'javascript:') problems.push(`${from}: ${where} is a javascript: link`);
      return;
    } else if (u.host !== site.host) {
      counts.external++;
      return;
    }
    if (u.protocol !== site.protocol || !u.pathname.startsWith(site.pathname)) {
      problems.push(`${from}: ${where} points outside ${base}: ${u.href}`);
      return;
    }
    counts.internal++;
    refs.push({ from, where, url: u.href });
    enqueue(u.href);
  };

  const visit = async (key) => {
    const res = await fetch(key);
    const type = res.headers.get('content-type') || '';
    const body = await res.text();
    const entry = { status: res.status, html: false, ids: new Set() };
    files.set(key, entry);
    if (res.status !== 200) return;
    counts.files++;
    const from = key.slice(base.length) || 'index.html';
    try {
      if (type.startsWith('text/html')) {
        counts.pages++;
        entry.html = true;
        const { refs: found, ids } = await parseHtml(body, key);
        entry.ids = new Set(ids);
        for (const r of found) follow(from, r.where, r.url);
        if (from === '404.html') {
          // GitHub Pages answers any missing path with this page, at that path.
          const deep = new URL('no/such/folder/page.html', base).href;
          const atDepth = await parseHtml(body, deep);
          for (const r of atDepth.refs) {
            // A link to the page itself (`#main`) stays on the 404 page.
            const url = r.url && fileKey(r.url) === fileKey(deep) ? key + new URL(r.url).hash : r.url;
            follow('404.html (served at no/such/folder/page.html)', r.where, url);
          }
        }
      } else if (type.startsWith('text/css')) {
        for (const m of body.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3/g)) {
          const raw = m[2] || m[4];
          if (raw.startsWith('data:')) continue;
          follow(from, `url(${raw})`, new URL(raw, key).href);
        }
      } else if (type.startsWith('text/calendar')) {
        for (const r of icsUrls(body)) follow(from, r.where, new URL(r.raw, key).href);
      } else if (type.startsWith('application/json')) {
        for (const r of jsonUrls(JSON.parse(body))) follow(from, r.where, r.raw);
      } else if (type.startsWith('application/xml') || type.startsWith('text/plain')) {
        for (const m of body.matchAll(/(?:https?|webcal):\/\/[^\s<>"']+/g)) follow(from, 'URL', decodeXml(m[0]));
      }
    } catch (e) {
      problems.push(`${from}: cannot be read (${e.message})`);
    }
  };

  for (const seed of [base, new URL('robots.txt', base).href, new URL('404.html', base).href]) enqueue(seed);
  while (queue.length) {
    const batch = queue.splice(0, 8);
    await Promise.all(batch.map(visit));
  }

  const missing = new Map(); // broken target → the references to it
  for (const r of refs) {
    const target = files.get(fileKey(r.url));
    if (!target || target.status !== 200) {
      const key = `${fileKey(r.url)} answers ${target ? target.status : 'nothing'}`;
      if (!missing.has(key)) missing.set(key, []);
      missing.get(key).push(`${r.from}: ${r.where}`);
      continue;
    }
    const hash = new URL(r.url).hash;
    if (hash && target.html && !target.ids.has(decodeURIComponent(hash.slice(1)))) {
      problems.push(`${r.from}: ${r.where} → no element #${decodeURIComponent(hash.slice(1))} on ${fileKey(r.url).slice(base.length)}`);
    }
  }
  for (const [target, from] of missing) {
    problems.push(`${target}, linked ${from.length} time(s), e.g. ${from[0]}`);
  }
  return { files, counts, problems };
}

/** The sitemap's URLs, as listed. */
async function sitemap(base) {
  const xml = await (await fetch(new URL('sitemap.xml', base))).text();
  return [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => decodeXml(m[1]));
}

/** Opens pages in Chromium with their scripts running; returns the failed requests. */
async function browse(base, paths) {
  const context = await browser.newContext();
  const failures = [];
  context.on('response', (res) => { if (res.status() >= 400) failures.push(`${res.status()} ${res.url()}`); });
  context.on('requestfailed', (req) => {
    // A navigation away from a page aborts its pending requests: not a failure of the site.
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') failures.push(`${req.failure()?.errorText} ${req.url()}`);
  });
  const page = await context.newPage();
  for (const p of paths) {
    await page.goto(new URL(p, base).href, { waitUntil: 'networkidle' });
  }
  await context.close();
  return failures;
}

for (const theme of THEMES) {
  test(`every link resolves under ${PREFIX} with every event on the ${theme} theme`, async (t) => {
    const root = demoOn(theme);
    const out = join(work, `out-${theme}`);
    const server = await serve(out, PREFIX);
    try {
      const base = server.url;
      confsite(['build', '--root', root, '--output', out, '--base-url', base]);
      const { files, counts, problems } = await crawl(base);

      // The sitemap lists every page the crawl reached (404.html aside), under the prefix.
      const listed = new Set((await sitemap(base)).map(fileKey));
      for (const [key, f] of files) {
        if (f?.html && f.status === 200 && !key.endsWith('/404.html') && !listed.has(key)) {
          problems.push(`sitemap.xml does not list ${key}`);
        }
      }
      for (const key of listed) if (!files.get(key)) problems.push(`sitemap.xml lists ${key}, which no link reaches`);

      // Scripts running in a real browser stay inside the prefix too.
      const events = readdirSync(join(root, 'content')).filter((e) => existsSync(join(out, e, 'index.html'))).sort();
      assert.ok(events.length >= 2, `the demo has events (${events.join(', ')})`);
      const paths = ['', '404.html'];
      for (const e of events) {
        paths.push(`${e}/`, `${e}/sessions.html`, `${e}/agenda.html`, `${e}/search.html?q=kubernetes`);
        const day = readdirSync(join(out, e)).includes('day') ? readdirSync(join(out, e, 'day')).sort()[0] : null;
        if (day) paths.push(`${e}/day/${day}`);
        const session = readdirSync(join(out, e, 'session')).sort()[0];
        paths.push(`${e}/session/${session}`);
      }
      const failed = await browse(base, paths);
      for (const f of failed) problems.push(`in Chromium: ${f}`);
      const outside = server.requests.filter((p) => !p.startsWith(PREFIX));
      for (const p of outside) problems.push(`requested outside ${PREFIX}: ${p}`);

      t.diagnostic(`${theme}: ${counts.files} files fetched (${counts.pages} HTML pages), ${counts.refs} references: `
        + `${counts.internal} internal, ${counts.webcal} webcal, ${counts.external} to other hosts, ${counts.other} other schemes; `
        + `${listed.size} sitemap URLs; ${paths.length} pages opened in Chromium; ${server.requests.length} requests served; `
        + `${problems.length} problems`);
      assert.ok(counts.pages > 100, `the crawl reached the demo's pages (${counts.pages})`);
      assert.ok(counts.webcal > 0, 'the pages offer webcal:// subscriptions');
      assert.equal(problems.length, 0, `${problems.length} problems:\n${problems.slice(0, 60).join('\n')}`);
    } finally {
      await server.close();
    }
  });
}
