// Accessibility gate: axe-core finds no violations (WCAG 2.x A/AA, best
// practices, and WCAG 2.2 target size) on the home, grid, list, session,
// speaker, agenda and search pages of every event of the demo build and of
// the fixture site, in light and dark colour schemes, after the scripts have
// run (stars, filters, now & next shown). Then the keyboard: every control is
// reached by Tab and works without a pointer.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve, launchChromium, demoOutput } from './lib/harness.mjs';
import { fixtureOutput, eventsOf, spread } from './lib/theme-sites.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** The pages axe checks for one event, with the states the scripts can put them in. */
function pagesOf(out, ev) {
  const sessions = JSON.parse(readFileSync(join(out, ev.slug, 'sessions.json'), 'utf8'));
  const timed = sessions.filter((s) => s.start);
  const pages = [];
  // Home with "now & next" showing: half an hour into the program.
  const during = timed.length ? new Date(Date.parse(timed[0].start) + 30 * 60000).toISOString() : null;
  pages.push(during ? `${ev.home}?now=${during}` : ev.home);
  pages.push(...ev.days.map((d) => (during ? `${d}?now=${during}` : d)));
  pages.push(ev.list, `${ev.list}?kind=${encodeURIComponent(sessions[0]?.kind ?? '')}`);
  pages.push(...spread(ev.sessions, 4), ...spread(ev.speakers, 2));
  const chosen = sessions.slice(0, 4).map((s) => s.slug).join('+');
  pages.push(`${ev.agenda}?s=${chosen}`, ev.agenda);
  const word = (sessions[0]?.title ?? 'talk').split(/\s+/).find((w) => w.length > 3) ?? 'talk';
  pages.push(ev.search, `${ev.search}?q=${encodeURIComponent(word)}`);
  pages.push(...spread(ev.rooms, 1), ...spread(ev.tracks, 1));
  pages.push(`${ev.slug}/speakers.html`, `${ev.slug}/tracks.html`, `${ev.slug}/rooms.html`, `${ev.slug}/unscheduled.html`);
  return pages;
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

async function checkSite(t, label, out) {
  const server = await serve(out);
  try {
    const events = eventsOf(out);
    assert.ok(events.length > 0, `${label} has events`);
    const groups = [{ name: 'site index', pages: ['index.html', '404.html'] }]
      .concat(events.map((ev) => ({ name: ev.slug, pages: pagesOf(out, ev) })));
    for (const group of groups) {
      await t.test(`${label}: ${group.name}`, async () => {
        const found = [];
        for (const scheme of ['light', 'dark']) {
          const context = await browser.newContext({ colorScheme: scheme, timezoneId: 'America/Los_Angeles' });
          const page = await context.newPage();
          for (const path of group.pages) {
            await page.goto(server.url + path);
            await searchResultsShown(page);
            // A starred session, so stars show both states.
            await page.evaluate(() => document.querySelector('button.star')?.click());
            for (const v of await axeViolations(page)) found.push(`${path} [${scheme}]: ${v}`);
          }
          await context.close();
        }
        assert.deepEqual(found, [], `axe violations:\n${found.join('\n')}`);
      });
    }
  } finally {
    await server.close();
  }
}

describe('axe on the demo build', () => {
  test('every event, light and dark', async (t) => { await checkSite(t, 'demo', demoOutput()); });
});

describe('axe on the fixture site', () => {
  test('every event, light and dark', async (t) => { await checkSite(t, 'fixture', fixtureOutput()); });
});

describe('keyboard', () => {
  let server;
  before(async () => { server = await serve(fixtureOutput()); });
  after(async () => { await server?.close(); });

  /** Tabs through the whole page; returns descriptions of the elements focused, in order. */
  async function tabThrough(page) {
    const seen = [];
    await page.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        if (!e.dataset.kbd) e.dataset.kbd = String(Math.random()).slice(2);
        return e.dataset.kbd;
      });
      if (id === null || seen.includes(id)) break;
      seen.push(id);
    }
    return seen;
  }

  for (const path of ['nordlicht-2025/day/2025-11-13.html', 'nordlicht-2025/sessions.html',
    'nordlicht-2025/session/web-components.html', 'nordlicht-2025/agenda.html?s=web-components+ebpf',
    'nordlicht-2025/index.html?now=2025-11-13T09:20:00Z', 'nordlicht-2025/room/raum-2.html']) {
    test(`every control on ${path} is reached by Tab`, async () => {
      const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
      const page = await context.newPage();
      await page.goto(server.url + path);
      const reached = new Set(await tabThrough(page));
      const missed = await page.$$eval('a[href], button, select, input, textarea, [tabindex="0"]', (els, ids) => els
        .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[hidden]'))
        .filter((e) => !ids.includes(e.dataset.kbd))
        .map((e) => e.outerHTML.slice(0, 100)), [...reached]);
      assert.deepEqual(missed, []);
      await context.close();
    });
  }

  test('stars, the time zone toggle, filters and the agenda download work from the keyboard', async () => {
    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(server.url + 'nordlicht-2025/sessions.html');
    // The skip link comes first and moves focus to the content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#main');

    const star = page.locator('[data-session="rust-kernels"] button.star');
    await star.focus();
    await page.keyboard.press('Space');
    assert.equal(await star.getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Enter');
    assert.equal(await star.getAttribute('aria-pressed'), 'false');
    await page.keyboard.press('Enter');

    await page.locator('.tz-toggle').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.textContent('[data-session="rust-kernels"] .when time'), '18:00');

    await page.locator('#filter-room').focus();
    await page.keyboard.press('ArrowDown'); // the first room
    // Read from the page: page.url() follows protocol events that may come after the key press returns.
    assert.equal(await page.evaluate(() => new URLSearchParams(location.search).get('room')), 'saal-orsted');
    assert.ok(await page.isHidden('[data-session="rust-kernels"]'));

    await page.goto(server.url + 'nordlicht-2025/agenda.html');
    const button = page.getByRole('button', { name: /Download my agenda/ });
    await button.focus();
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    assert.match(download.suggestedFilename(), /\.ics$/);
    await context.close();
  });
});
