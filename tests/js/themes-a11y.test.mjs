// The bundled themes other than default pass the checks default passes.
// For each of them the demo site is built with every event on that theme;
// then axe-core (WCAG 2.x A/AA, best practices, WCAG 2.2 target size) runs in
// Chromium, in light and dark colour schemes and after the scripts have run,
// on the site index, 404.html and each event's home, schedule days, session
// list, a session, a speaker, My agenda (with sessions chosen) and search
// (with a query); and the W3C Nu HTML Checker (vnu-jar) reads every page.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { confsite, serve, launchChromium } from './lib/harness.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');
const BASE_URL = 'http://127.0.0.1:8765/confsite-demo/';
const work = mkdtempSync(join(tmpdir(), 'confsite-themes-a11y-'));

/** Bundled themes besides default (default has its own a11y and HTML tests). */
const THEMES = confsite(['theme', 'list'], { cwd: work })
  .split('\n')
  .map((line) => line.trim().split(/\s+/)[0])
  .filter((name) => name && name !== 'default');

function setTheme(yaml, theme) {
  return [`theme: ${theme}`, ...yaml.split('\n').filter((l) => !/^theme\s*:/.test(l))].join('\n');
}

/** The demo built with every event on `theme`; returns the output directory. */
function buildDemoOn(theme) {
  const root = join(work, `site-${theme}`);
  cpSync(join(REPO, 'confsite.yaml'), join(root, 'confsite.yaml'));
  cpSync(join(REPO, 'content'), join(root, 'content'), { recursive: true });
  writeFileSync(join(root, 'confsite.yaml'), setTheme(readFileSync(join(root, 'confsite.yaml'), 'utf8'), theme));
  for (const event of readdirSync(join(root, 'content'))) {
    const file = join(root, 'content', event, '_event.md');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const m = /^---\r?\n([\s\S]*?\r?\n)---\r?\n/.exec(text);
    assert.ok(m, `${file} has front matter`);
    writeFileSync(file, `---\n${setTheme(m[1], theme)}---\n${text.slice(m[0].length)}`);
  }
  const out = join(work, `out-${theme}`);
  confsite(['build', '--root', root, '--output', out, '--base-url', BASE_URL]);
  return out;
}

const htmlIn = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).sort() : []);

/** Every .html file under `dir`, relative to it. */
function allPages(dir, prefix = '') {
  const found = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) found.push(...allPages(dir, rel));
    else if (name.endsWith('.html')) found.push(rel);
  }
  return found;
}

/** The pages axe reads for one event, in states the scripts can put them in. */
function pagesOf(out, slug) {
  const sessions = JSON.parse(readFileSync(join(out, slug, 'sessions.json'), 'utf8'));
  const timed = sessions.filter((s) => s.start);
  // Half an hour into the program, so "now" marks show.
  const now = timed.length ? `?now=${new Date(Date.parse(timed[0].start) + 30 * 60000).toISOString()}` : '';
  const withBody = sessions.find((s) => s.abstract) ?? sessions[0];
  const speaker = htmlIn(join(out, slug, 'speaker'))[0];
  const word = (sessions[0]?.title ?? 'talk').split(/\s+/).find((w) => w.length > 3) ?? 'talk';
  return [
    `${slug}/index.html${now}`,
    ...htmlIn(join(out, slug, 'day')).map((d) => `${slug}/day/${d}${now}`),
    `${slug}/sessions.html`,
    `${slug}/session/${withBody.slug}.html`,
    ...(speaker ? [`${slug}/speaker/${speaker}`] : []),
    `${slug}/agenda.html?s=${sessions.slice(0, 3).map((s) => s.slug).join('+')}`,
    `${slug}/search.html?q=${encodeURIComponent(word)}`,
  ];
}

/**
 * Waits until the search page shows the results for its ?q= (the index loads
 * after the page does), so axe reads the results rather than racing them.
 */
async function searchResultsShown(page) {
  await page.waitForFunction(() => {
    const input = document.getElementById('search-page-q');
    return !input?.value.trim() || document.getElementById('search-page-q-results')?.hasAttribute('data-query');
  }).catch((e) => { throw new Error(`no search results shown on ${page.url()}: ${e.message}`); });
}

async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
      rules: { 'target-size': { enabled: true } },
    });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

const outputs = {};
let browser;
before(async () => {
  for (const theme of THEMES) outputs[theme] = buildDemoOn(theme);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

test('there are bundled themes besides default', () => {
  assert.ok(THEMES.length >= 2, `themes: ${THEMES.join(', ')}`);
});

for (const theme of THEMES) {
  describe(`the ${theme} theme`, () => {
    test('axe finds no violations, light and dark', async (t) => {
      const out = outputs[theme];
      const events = readdirSync(out).filter((d) => existsSync(join(out, d, 'sessions.json'))).sort();
      assert.ok(events.length >= 2, `events: ${events}`);
      const pages = ['index.html', '404.html', ...events.flatMap((e) => pagesOf(out, e))];
      const server = await serve(out);
      const found = [];
      try {
        for (const scheme of ['light', 'dark']) {
          const context = await browser.newContext({ colorScheme: scheme, timezoneId: 'America/Los_Angeles' });
          const page = await context.newPage();
          for (const path of pages) {
            await page.goto(server.url + path);
            await searchResultsShown(page);
            // One starred session, so stars show both states.
            await page.evaluate(() => document.querySelector('button.star')?.click());
            for (const v of await axeViolations(page)) found.push(`${path} [${scheme}]: ${v}`);
          }
          await context.close();
        }
      } finally {
        await server.close();
      }
      t.diagnostic(`${theme}: axe ran on ${pages.length} pages × 2 colour schemes`);
      assert.deepEqual(found, [], `axe violations:\n${found.join('\n')}`);
    });
  });
}

test('vnu finds no errors on any page of any of these themes', (t) => {
  const dirs = THEMES.map((theme) => outputs[theme]);
  const count = dirs.reduce((n, d) => n + allPages(d).length, 0);
  assert.ok(count > 200, `pages to check: ${count}`);
  // A page known to be invalid goes in too: a checker that checked nothing fails.
  const canary = mkdtempSync(join(work, 'canary-'));
  writeFileSync(join(canary, 'invalid.html'), '<!DOCTYPE html><html lang="en"><title>x</title><ul><p>not a list item</p></ul></html>');
  const run = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', '--skip-non-html', ...dirs, canary],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(run.error, undefined, `java runs: ${run.error}`);
  const json = [run.stdout, run.stderr].map((s) => s.trim()).find((s) => s.startsWith('{'));
  assert.ok(json, `vnu printed JSON (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  const messages = JSON.parse(json).messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  assert.ok(messages.some((m) => m.url.includes(canary)), 'vnu reports the known-invalid page');
  const errors = messages.filter((m) => !m.url.includes(canary))
    .map((m) => `${m.url.replace(/^file:/, '').replace(work, '')}:${m.lastLine}: ${m.message}`);
  t.diagnostic(`vnu read ${count} pages (${THEMES.join(', ')})`);
  assert.deepEqual(errors, [], `vnu errors:\n${errors.slice(0, 80).join('\n')}`);
});
