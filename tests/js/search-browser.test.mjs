// The search box in Debian's Chromium (playwright-core): pages served over
// HTTP under a path prefix, as on GitHub Pages, and opened from file://.
// Typing shows results with speakers, time, room and highlighted words;
// arrows, Enter and Escape work; the search page reads ?q=; hostile text
// stays text. Times from first keystroke to results are logged, not asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { demoOutput, confsite, confsiteBin, serve, launchChromium } from './lib/harness.mjs';
import { builtProgram } from '../fixtures/search/generate-program.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PREFIX = '/confsite-demo/';

let browser;
let work;
let fixtureOut;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'confsite-search-browser-'));
  fixtureOut = join(work, 'out');
  confsite(['build', '--root', join(repo, 'tests/fixtures/search/site'), '--output', fixtureOut,
    '--base-url', `http://127.0.0.1:8765${PREFIX}`]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * Runs `fn(server, context)` with `root` served under the prefix and a fresh
 * browser context; both are closed afterwards, whatever happens. Service
 * workers are blocked: the offline copy's worker saves the index on install
 * by design (browser.test.mjs tests it), and these tests are about what the
 * page itself loads.
 */
async function withServer(root, fn) {
  const server = await serve(root, PREFIX);
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    return await fn(server, context);
  } finally {
    await context.close();
    await server.close();
  }
}

/** A fresh page that records script errors and dialogs (a test asserts there are none). */
async function newPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.errors = errors;
  return page;
}

/** The result lines in `list`: popup options, or the search page's links. */
const options = (page, list) => page.$$eval(`${list} > li`, (els) => els.map((li) => ({
  id: li.id,
  selected: li.getAttribute('aria-selected'),
  title: li.querySelector('.search-result-title')?.textContent ?? li.textContent,
  speakers: li.querySelector('.search-result-speakers')?.textContent ?? null,
  meta: li.querySelector('.search-result-meta')?.textContent ?? null,
  marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
  href: li.getAttribute('data-href') ?? li.querySelector('a')?.href,
})));

/** axe-core's WCAG 2.1 AA and best-practice rules over the search UI only (other parts have their own tests). */
async function axeViolations(page) {
  await page.addScriptTag({ path: join(repo, 'tests/js/node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const include = ['.search-form', '.search-page-form', '#search-results'].filter((sel) => document.querySelector(sel)).map((sel) => [sel]);
    const r = await window.axe.run({ include }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Types `text` into the box and waits until its results list shows that query. */
async function typeAndWait(page, selector, text) {
  await page.focus(selector);
  await page.keyboard.type(text);
  await page.waitForFunction(([list, q]) => document.querySelector(list)?.getAttribute('data-query') === q,
    [`${selector}-results`, text]);
  return options(page, `${selector}-results`);
}

test('over HTTP under a path prefix: lazy index, results as you type, arrows and Enter to the session page', async () => {
  await withServer(fixtureOut, async (server, context) => {
    const page = await newPage(context);
    await page.goto(`${server.url}search-fest/session/backstage-at-home.html`);
    await page.waitForLoadState('networkidle');
    assert.ok(!server.requests.some((p) => p.includes('search_index')), 'the index waits for the search box');
    const input = '#search-q';
    assert.equal(await page.getAttribute(input, 'role'), 'combobox');

    assert.deepEqual(await options(page, '#search-q-results'), []);
    let got = await typeAndWait(page, input, 'cilium');
    assert.ok(server.requests.includes(`${PREFIX}search-fest/search_index.json`), server.requests.join('\n'));
    assert.equal(got.length, 1);
    assert.equal(got[0].title, 'Effortless Mutual Authentication with Cilium');
    assert.equal(got[0].speakers, 'Liz Rice');
    assert.equal(got[0].meta, 'Fri 8 May, 11:00–11:30 · Hall A');
    assert.deepEqual(got[0].marks, ['Cilium']);
    assert.equal(got[0].href, `${server.url}search-fest/session/effortless-mutual-authentication-with-cilium.html`);
    assert.equal(await page.getAttribute(input, 'aria-expanded'), 'true');

    // A stemmed word: "scheduling" also finds "Scheduler".
    await page.fill(input, '');
    got = await typeAndWait(page, input, 'scheduling');
    assert.deepEqual(got.map((o) => o.title).sort(), ['Scheduling Pods at Scale', 'The Scheduler Deep Dive']);
    assert.deepEqual(got.map((o) => o.marks).flat().sort(), ['Scheduler', 'Scheduling']);
    assert.deepEqual(await axeViolations(page), []);

    // Arrows move the active option and wrap; Escape closes; Enter opens.
    await page.keyboard.press('ArrowDown');
    got = await options(page, '#search-q-results');
    assert.equal(got[0].selected, 'true');
    assert.equal(await page.getAttribute(input, 'aria-activedescendant'), got[0].id);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    got = await options(page, '#search-q-results');
    assert.deepEqual(got.map((o) => o.selected), ['true', 'false'], 'wraps to the first');
    await page.keyboard.press('ArrowUp');
    got = await options(page, '#search-q-results');
    assert.deepEqual(got.map((o) => o.selected), ['false', 'true']);
    await page.keyboard.press('Escape');
    assert.equal(await page.getAttribute(input, 'aria-expanded'), 'false');
    assert.equal(await page.isVisible('.search-popup'), false);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const target = (await options(page, '#search-q-results')).find((o) => o.selected === 'true');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(page.url(), target.href);
    assert.ok(page.url().startsWith(`${server.url}search-fest/session/`));
    assert.equal(await page.textContent('h1'), target.title);
    assert.deepEqual(page.errors, []);
  });
});

test('no results, accents typed or not, and hostile text shown as text', async () => {
  await withServer(fixtureOut, async (server, context) => {
    const page = await newPage(context);
    await page.goto(`${server.url}search-fest/index.html`);
    let got = await typeAndWait(page, '#search-q', 'zzyzx');
    assert.deepEqual(got, []);
    assert.equal(await page.textContent('#search-q-status'), 'No sessions match “zzyzx”.');
    assert.equal(await page.isVisible('#search-q-status'), true);

    for (const q of ['Käldström', 'kaldstrom']) {
      await page.fill('#search-q', '');
      got = await typeAndWait(page, '#search-q', q);
      assert.equal(got[0]?.title, 'Backstage at Home', q);
      assert.deepEqual(got[0].marks, ['Käldström'], q);
    }
    // A click opens the session, and the box is there on that page too.
    await Promise.all([page.waitForNavigation(), page.click('#search-q-results-0')]);
    assert.equal(await page.textContent('h1'), 'Backstage at Home');

    await page.fill('#search-q', '');
    got = await typeAndWait(page, '#search-q', 'hostile');
    assert.equal(got[0].title, '<img src=x onerror="window.pwned=1"> Hostile & friends');
    assert.equal(got[0].speakers, '<script>window.pwned=2</script>');
    assert.equal(await page.$$eval('.search-popup img, .search-popup script', (e) => e.length), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.deepEqual(page.errors, []);
  });
});

test('the search page answers ?q= and keeps the query in its URL', async () => {
  await withServer(fixtureOut, async (server, context) => {
    const page = await newPage(context);
    await page.goto(`${server.url}search-fest/search.html?q=authentication`);
    await page.waitForSelector('#search-page-q-results li');
    assert.equal(await page.inputValue('#search-page-q'), 'authentication');
    let got = await options(page, '#search-page-q-results');
    assert.deepEqual(got.map((o) => o.title), ['Effortless Mutual Authentication with Cilium']);
    assert.equal(await page.textContent('#search-page-q-status'), '1 session found.');

    await page.fill('#search-page-q', '');
    got = await typeAndWait(page, '#search-page-q', 'hall');
    assert.equal(got.length, 3, 'every session in Hall A, all listed on the search page');
    assert.equal(await page.evaluate(() => new URLSearchParams(location.search).get('q')), 'hall');
    assert.deepEqual(await axeViolations(page), []);
    // Arrows move from the box through the result links; Enter follows one.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.href), got[1].href);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-page-q');
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(page.url(), got[0].href);
    assert.deepEqual(page.errors, []);
  });
});

test('from file://: the index comes from search_index.js and links open the session page', async () => {
  const context = await browser.newContext();
  const page = await newPage(context);
  const failed = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  await page.goto(pathToFileURL(join(fixtureOut, 'search-fest', 'day', '2026-05-07.html')).href);
  const got = await typeAndWait(page, '#search-q', 'Liz Rice');
  assert.equal(got[0].title, 'Effortless Mutual Authentication with Cilium');
  assert.ok(got[0].href.startsWith('file://'), got[0].href);
  assert.ok(existsSync(fileURLToPath(got[0].href)), got[0].href);
  assert.ok(!failed.some((u) => u.endsWith('search_index.json')), 'no fetch is tried from file://');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(await page.textContent('h1'), 'Effortless Mutual Authentication with Cilium');
  assert.deepEqual(page.errors, []);
  await context.close();
});

// ---- The demo build and a 1,000-session program. ----

/** The demo event whose index has a session titled like `pattern`. */
function demoEventWith(pattern) {
  const out = demoOutput();
  for (const slug of readdirSync(out).sort()) {
    const file = join(out, slug, 'search_index.json');
    if (!existsSync(file)) continue;
    const docs = JSON.parse(readFileSync(file, 'utf8')).documentStore.docs;
    if (Object.values(docs).some((d) => pattern.test(d.title))) return slug;
  }
  assert.fail(`no demo event has a session titled like ${pattern}`);
}

/**
 * Opens `path`, focuses the nav box and types `query` at once, as a person
 * would: returns ms from the first keydown to the first result on screen (the
 * index loads on focus, so a cold first keystroke includes loading it), and
 * for one more keystroke once the index is in memory.
 */
async function timeKeystrokes(page, url, query) {
  await page.goto(url);
  await page.evaluate(() => {
    const t = (window.__searchTiming = {});
    const input = document.getElementById('search-q');
    input.addEventListener('keydown', () => { t.key ??= performance.now(); }, { capture: true });
    const list = document.getElementById('search-q-results');
    new MutationObserver(() => {
      if (list.querySelector('[role=option]')) t.results ??= performance.now();
    }).observe(list, { childList: true });
  });
  await page.focus('#search-q');
  await page.keyboard.type(query);
  await page.waitForFunction(() => window.__searchTiming.results);
  const cold = await page.evaluate(() => window.__searchTiming.results - window.__searchTiming.key);
  await page.evaluate(() => { window.__searchTiming = {}; });
  await page.evaluate(() => {
    const t = window.__searchTiming;
    const input = document.getElementById('search-q');
    input.addEventListener('keydown', () => { t.key ??= performance.now(); }, { capture: true, once: true });
    input.addEventListener('input', () => requestAnimationFrame(() => { t.results ??= performance.now(); }), { once: true });
  });
  await page.keyboard.press('Backspace');
  await page.waitForFunction(() => window.__searchTiming.results);
  const warm = await page.evaluate(() => window.__searchTiming.results - window.__searchTiming.key);
  return { cold, warm };
}

test('demo: seed 003 under the path prefix, "Liz Rice" leads to her Cilium talk', async () => {
  const slug = demoEventWith(/Effortless Mutual Authentication with Cilium/);
  await withServer(demoOutput(), async (server, context) => {
    const page = await newPage(context);
    await page.goto(`${server.url}${slug}/index.html`);
    const got = await typeAndWait(page, '#search-q', 'Liz Rice');
    assert.match(got[0].title, /Effortless Mutual Authentication with Cilium/);
    assert.deepEqual(got[0].marks, ['Liz Rice']);
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.ok(page.url().startsWith(`${server.url}${slug}/session/`), page.url());
    assert.match(await page.textContent('h1'), /Effortless Mutual Authentication with Cilium/);
    assert.deepEqual(page.errors, []);
  });
});

test('demo: seed 004, a popup too small for every match offers them all on the search page', async () => {
  const slug = demoEventWith(/The Journey of Deploying Backstage in a Large Organization/);
  await withServer(demoOutput(), async (server, context) => {
    const page = await newPage(context);
    await page.goto(`${server.url}${slug}/speakers.html`);
    const got = await typeAndWait(page, '#search-q', 'Kubernetes');
    assert.equal(got.length, 9, 'eight sessions and a link to all of them');
    const all = got[8];
    const count = Number(/^Show all (\d+) results$/.exec(all.title)?.[1]);
    assert.ok(count > 8, all.title);
    await page.keyboard.press('ArrowUp');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(page.url(), `${server.url}${slug}/search.html?q=Kubernetes`);
    await page.waitForSelector('#search-page-q-results li');
    assert.equal((await options(page, '#search-page-q-results')).length, count);
    assert.deepEqual(page.errors, []);
  });
});

test('first keystroke to results in Chromium (logged): KubeCon demo event and 1,000 sessions', async () => {
  const measure = (root, label, path, query) => withServer(root, async (server) => {
    const samples = [];
    for (let i = 0; i < 3; i++) {
      // A fresh context each time: nothing cached, the index comes over HTTP.
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await newPage(context);
      samples.push(await timeKeystrokes(page, `${server.url}${path}`, query));
      assert.deepEqual(page.errors, []);
      await context.close();
    }
    console.log(`# ${label}, "${query}": first keystroke → results ${samples.map((t) => t.cold.toFixed(0)).join(', ')} ms (the index loads on focus); one more keystroke ${samples.map((t) => t.warm.toFixed(1)).join(', ')} ms`);
  });
  const slug = demoEventWith(/The Journey of Deploying Backstage in a Large Organization/);
  await measure(demoOutput(), 'KubeCon NA 2025 (demo)', `${slug}/index.html`, 'backstage');
  const big = builtProgram(1000, confsiteBin(), (site, output) => confsite(['build', '--root', site, '--output', output]));
  await measure(big.out, '1,000 sessions', `${big.slug}/index.html`, 'kubernetes');
});
