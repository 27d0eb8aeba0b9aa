// The attendee's program in a real browser (Debian's Chromium through
// playwright-core): stars and My agenda with its browser-made .ics (parsed by
// ical.js), the time zone toggle, filters in the URL, now & next with an
// injected clock, the offline copy, phones, print, share metadata, and what
// is left without JavaScript. Runs on the fixture site, whose program is
// known here (times below are worked out by hand from its content pages:
// Kiel is UTC+1 in November).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ICAL from 'ical.js';
import { serve, launchChromium, demoOutput } from './lib/harness.mjs';
import { fixtureOutput, eventsOf, REPO } from './lib/theme-sites.mjs';

const EV = 'nordlicht-2025';
const uid = (slug) => `${slug}.${EV}@127.0.0.1`;
let server;
let browser;

before(async () => {
  server = await serve(fixtureOutput());
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path, options = {}) {
  const { timezoneId = 'Europe/Berlin', viewport = { width: 1280, height: 900 }, ...rest } = options;
  const context = await browser.newContext({ timezoneId, viewport, acceptDownloads: true, ...rest });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + path);
  return { context, page, errors };
}

/** Titles (in order) of the sessions currently shown inside `scope`. */
const shownSessions = (page, scope = 'main') => page.$$eval(`${scope} [data-session]`,
  (els) => els.filter((e) => e.offsetParent !== null || e.getClientRects().length > 0).map((e) => e.dataset.session));

async function downloadText(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

/** Parses an iCalendar text with ical.js and checks the RFC 5545 line rules on the way. */
function parseIcs(text) {
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  for (const line of text.split('\r\n').slice(0, -1)) {
    assert.ok(!line.includes('\n') && !line.includes('\r'), `bare line break in ${JSON.stringify(line)}`);
    assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `line over 75 octets: ${JSON.stringify(line)}`);
  }
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((v) => ({
    uid: v.getFirstPropertyValue('uid'),
    summary: v.getFirstPropertyValue('summary'),
    location: v.getFirstPropertyValue('location'),
    start: v.getFirstPropertyValue('dtstart').toJSDate().toISOString(),
    end: v.getFirstPropertyValue('dtend')?.toJSDate().toISOString(),
    startUtc: v.getFirstProperty('dtstart').toICALString(),
    stamp: v.getFirstPropertyValue('dtstamp'),
    url: v.getFirstPropertyValue('url'),
  }));
}

/**
 * Waits until the service worker has saved the event (it writes `.confsite-saved`
 * last) and is the activated worker. The marker is written while the worker is
 * still installing, and until it is activated nothing answers offline requests.
 */
async function waitUntilSaved(page, timeoutMs = 60000) {
  await page.evaluate(async (timeoutMs) => {
    const until = Date.now() + timeoutMs;
    const marker = new URL('.confsite-saved', location.href).href;
    for (;;) {
      const reg = await navigator.serviceWorker.getRegistration();
      if (reg?.active?.state === 'activated' && await caches.match(marker)) return;
      if (Date.now() > until) throw new Error('the service worker did not finish saving the event');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, timeoutMs);
}

/**
 * The page's own address. `page.url()` is updated from protocol events, which
 * may arrive after a click or key press that called history.replaceState returns.
 */
const locationOf = async (page) => new URL(await page.evaluate(() => location.href));

const starButton = (page, slug) => page.locator(`[data-session="${slug}"] button.star`);

describe('My agenda', () => {
  test('stars survive a reload, the agenda lists them by day with clashes, and its .ics parses', async () => {
    const { context, page, errors } = await open(`${EV}/sessions.html`);
    for (const slug of ['web-components', 'sponsor-demo-observability', 'long-title', 'escaping']) {
      await starButton(page, slug).click();
      assert.equal(await starButton(page, slug).getAttribute('aria-pressed'), 'true');
    }
    // The grid and the session page star the same way.
    await page.goto(server.url + `${EV}/session/ebpf.html`);
    await page.getByRole('button', { name: 'Star this session' }).click();
    await page.goto(server.url + `${EV}/day/2025-11-13.html`);
    await starButton(page, 'maintainers-panel').click();
    await starButton(page, 'maintainers-panel').click(); // and un-star again
    await page.reload();
    assert.equal(await starButton(page, 'web-components').getAttribute('aria-pressed'), 'true');
    assert.equal(await starButton(page, 'maintainers-panel').getAttribute('aria-pressed'), 'false');

    await page.goto(server.url + `${EV}/agenda.html`);
    assert.deepEqual(await shownSessions(page, '#agenda'),
      ['web-components', 'sponsor-demo-observability', 'long-title', 'escaping', 'ebpf']);
    const days = await page.$$eval('#agenda .day-group:not([hidden]) h2', (hs) => hs.map((h) => h.textContent));
    assert.deepEqual(days, ['Thursday 13 November 2025', 'Friday 14 November 2025']);
    // 10:00–10:45, 10:00–12:00, 11:00–11:45, 11:15–12:00 on Thursday; 10:00–10:30 on Friday.
    const clashes = await page.$$eval('#agenda [data-session]:not([hidden])', (els) => Object.fromEntries(
      els.map((e) => [e.dataset.session, Array.from(e.querySelectorAll('.clash a'), (a) => a.textContent)])));
    assert.deepEqual(Object.keys(clashes).filter((k) => clashes[k].length).sort(),
      ['escaping', 'long-title', 'sponsor-demo-observability', 'web-components']);
    assert.equal(clashes['web-components'].length, 1);
    assert.equal(clashes['sponsor-demo-observability'].length, 3);
    assert.equal(clashes['ebpf'].length, 0);
    assert.match(await page.textContent('.agenda-summary'), /5 sessions, 4 of them clashing/);

    const { name, text } = await downloadText(page, () => page.getByRole('button', { name: /Download my agenda/ }).click());
    assert.match(name, /\.ics$/);
    const events = parseIcs(text);
    assert.deepEqual(events.map((e) => e.uid).sort(),
      ['ebpf', 'escaping', 'long-title', 'sponsor-demo-observability', 'web-components'].map(uid).sort());
    const byUid = Object.fromEntries(events.map((e) => [e.uid, e]));
    const web = byUid[uid('web-components')];
    assert.equal(web.startUtc, 'DTSTART:20251113T090000Z', 'DTSTART in UTC');
    assert.equal(web.start, '2025-11-13T09:00:00.000Z');
    assert.equal(web.end, '2025-11-13T09:45:00.000Z');
    assert.equal(web.summary, 'Web Components without a framework');
    assert.equal(web.location, 'Saal Ørsted');
    assert.equal(web.url, 'http://127.0.0.1:8765/confsite-demo/nordlicht-2025/session/web-components.html');
    assert.ok(web.stamp, 'DTSTAMP is there');
    assert.equal(byUid[uid('escaping')].summary, 'Commas, semicolons; back\\slashes & <script>alert(1)</script> in titles');
    assert.match(byUid[uid('long-title')].summary, /^A very long title, .* seventeen data centres$/);
    assert.equal(byUid[uid('ebpf')].start, '2025-11-14T09:00:00.000Z');
    assert.equal(byUid[uid('ebpf')].end, '2025-11-14T09:30:00.000Z');
    // The UIDs are the ones the pages carry (render::session_uid), so feeds and agenda never duplicate.
    const pageUid = await page.getAttribute('[data-session="web-components"]', 'data-uid');
    assert.equal(pageUid, web.uid);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a shared agenda link shows its sessions and can be adopted', async () => {
    const first = await open(`${EV}/session/css-layout.html`);
    await first.page.getByRole('button', { name: 'Star this session' }).click();
    await first.page.goto(server.url + `${EV}/session/closing-panel.html`);
    await first.page.getByRole('button', { name: 'Star this session' }).click();
    await first.page.goto(server.url + `${EV}/agenda.html`);
    await first.page.getByRole('button', { name: 'Share my agenda' }).click();
    const link = await first.page.inputValue('#agenda-link');
    await first.context.close();
    const url = new URL(link);
    assert.equal(url.origin + url.pathname, 'http://127.0.0.1:8765/confsite-demo/nordlicht-2025/agenda.html');
    assert.deepEqual(url.searchParams.get('s').split(' ').sort(), ['closing-panel', 'css-layout']);

    // Someone else, with no stars, opens it (on this server).
    const other = await open(`${EV}/agenda.html${url.search}`);
    assert.deepEqual(await shownSessions(other.page, '#agenda'), ['css-layout', 'closing-panel']);
    assert.match(await other.page.textContent('.agenda-shared-text'), /shared with you: 2 sessions/);
    assert.equal(await starButton(other.page, 'css-layout').getAttribute('aria-pressed'), 'false');
    await other.page.getByRole('button', { name: 'Add them to my agenda' }).click();
    await other.page.goto(server.url + `${EV}/agenda.html`);
    assert.deepEqual(await shownSessions(other.page, '#agenda'), ['css-layout', 'closing-panel']);
    await other.context.close();
  });
});

describe('time zones', () => {
  test('one toggle shows every time in the viewer’s zone, remembered across pages', async () => {
    const { context, page, errors } = await open(`${EV}/session/web-components.html`, { timezoneId: 'Asia/Tokyo' });
    const times = () => page.$$eval('.facts time', (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(await times(), ['10:00', '10:45']);
    assert.match(await page.textContent('.zone-name'), /Europe\/Berlin/);
    const toggle = page.locator('.tz-toggle');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    // Tokyo is UTC+9, Kiel UTC+1: eight hours later.
    assert.deepEqual(await times(), ['18:00', '18:45']);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    assert.match(await page.textContent('.zone-name'), /Asia\/Tokyo/);

    await page.goto(server.url + `${EV}/day/2025-11-13.html`);
    const cellTime = (slug) => page.textContent(`[data-session="${slug}"] .when time`);
    assert.equal(await cellTime('web-components'), '18:00');
    // 19:00 in Kiel is 03:00 the next morning in Tokyo, and says so.
    assert.equal(await cellTime('evening-social'), '03:00 (Fri, Nov 14)');
    assert.equal(await page.textContent('.grid-time time >> nth=0'), '16:00');
    await page.locator('.tz-toggle').click();
    assert.equal(await cellTime('web-components'), '10:00');
    assert.equal(await cellTime('evening-social'), '19:00');
    assert.deepEqual(errors, []);
    await context.close();

    // Another viewer, west of the event: six hours earlier.
    const ny = await open(`${EV}/sessions.html`, { timezoneId: 'America/New_York' });
    await ny.page.locator('.tz-toggle').click();
    assert.equal(await ny.page.textContent('[data-session="web-components"] .when time'), '04:00');
    await ny.page.reload();
    assert.equal(await ny.page.textContent('[data-session="web-components"] .when time'), '04:00');
    await ny.context.close();
  });
});

describe('filters', () => {
  test('the list filters by track, day, room and kind, in the URL, and exports only what is shown', async () => {
    const { context, page, errors } = await open(`${EV}/sessions.html`);
    await page.selectOption('#filter-track', 'systems');
    assert.deepEqual(await shownSessions(page), ['rust-kernels', 'long-title', 'ebpf']);
    assert.equal((await locationOf(page)).searchParams.get('track'), 'systems');
    assert.match(await page.textContent('.filter-status'), /Showing 3 of 20 sessions/);

    await page.goto(server.url + `${EV}/sessions.html?track=web&day=2025-11-14`);
    assert.equal(await page.inputValue('#filter-track'), 'web');
    assert.deepEqual(await shownSessions(page), ['day-two-keynote', 'css-layout']);
    const { text } = await downloadText(page, () => page.getByRole('button', { name: /Add these 2 sessions to my calendar/ }).click());
    assert.deepEqual(parseIcs(text).map((e) => e.uid).sort(), [uid('css-layout'), uid('day-two-keynote')]);

    await page.goto(server.url + `${EV}/sessions.html?kind=expo`);
    assert.deepEqual(await shownSessions(page), ['sponsor-demo-observability', 'sponsor-demo-databases']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    assert.equal((await shownSessions(page)).length, 20);
    assert.equal((await locationOf(page)).search, '');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the grid filters by room, and moving to another day keeps the filter', async () => {
    const { context, page } = await open(`${EV}/day/2025-11-13.html?room=raum-2`);
    assert.deepEqual(await shownSessions(page, '#grid'), ['rust-kernels', 'escaping', 'accessible-forms']);
    const next = await page.getAttribute('.day-nav a >> text=Fri 14 Nov', 'href');
    assert.match(next, /2025-11-14\.html\?room=raum-2$/);
    await page.click('.day-nav a >> text=Fri 14 Nov');
    // The click returns once the next page is committed, not once its script has filtered it.
    await page.waitForURL(/2025-11-14\.html\?room=raum-2$/);
    assert.deepEqual(await shownSessions(page, '#grid'), ['ebpf']);
    const { text } = await downloadText(page, () => page.locator('.export-shown').click());
    assert.deepEqual(parseIcs(text).map((e) => e.uid), [uid('ebpf')]);
    await context.close();
  });
});

describe('now & next', () => {
  test('during the event the home page shows what is on now and next per room', async () => {
    // 10:20 in Kiel on the first day.
    const { context, page, errors } = await open(`${EV}/index.html?now=2025-11-13T09:20:00Z`);
    const rooms = await page.$$eval('#now-next .now-rooms > li', (lis) => Object.fromEntries(lis.map((li) => [
      li.querySelector('h3').textContent,
      { now: Array.from(li.querySelectorAll('.now a'), (a) => a.textContent), next: li.querySelector('.next a')?.textContent ?? null },
    ])));
    assert.deepEqual(rooms['Saal Ørsted'].now, ['Web Components without a framework']);
    assert.match(rooms['Saal Ørsted'].next, /^A very long title/);
    assert.deepEqual(rooms['Raum 2'].now, ['Writing kernel drivers in Rust']);
    assert.equal(rooms['Raum 2'].next, 'Commas, semicolons; back\\slashes & <script>alert(1)</script> in titles');
    assert.deepEqual(rooms['Expo-Halle'].now, ['Sponsor demo: observability on a budget']);
    assert.equal(rooms['Expo-Halle'].next, 'Sponsor demo: databases that fit in your pocket');
    assert.deepEqual(rooms.Foyer.now, []);
    assert.equal(rooms.Foyer.next, 'Coffee break ☕');
    assert.match(await page.textContent('#now-next'), /It is 10:20/);
    assert.deepEqual(errors, []);

    // Before and after, it says so.
    await page.goto(server.url + `${EV}/index.html?now=2025-11-10T12:00:00Z`);
    assert.match(await page.textContent('#now-next'), /starts on Thursday, November 13 at 08:00/);
    await page.goto(server.url + `${EV}/index.html?now=2025-11-15T12:00:00Z`);
    assert.match(await page.textContent('#now-next'), /This event is over/);
    // Between the last talk and the evening social, only the foyer has something next.
    await page.goto(server.url + `${EV}/index.html?now=2025-11-13T15:00:00Z`);
    assert.deepEqual(await page.$$eval('#now-next .now-rooms > li', (lis) => lis.map((li) => li.textContent)),
      ['FoyerNext 19:00 Evening social at the harbour']);
    // Overnight nothing is on, and it says when the program continues.
    await page.goto(server.url + `${EV}/index.html?now=2025-11-13T22:30:00Z`);
    assert.match(await page.textContent('#now-next'), /Nothing is on right now\. The program continues on Friday, November 14 at 09:00\./);
    await context.close();
  });

  test('the grid marks the current time and the sessions running (clock from window.CONFSITE_NOW)', async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
    await context.addInitScript(() => { window.CONFSITE_NOW = '2025-11-13T10:30:00Z'; });
    const page = await context.newPage();
    await page.goto(server.url + `${EV}/day/2025-11-13.html`);
    assert.match(await page.textContent('.now-line'), /Now 11:30/);
    const running = await page.$$eval('.grid-cell.is-now', (cs) => cs.map((c) => c.dataset.session));
    assert.deepEqual(running.sort(), ['escaping', 'long-title', 'sponsor-demo-observability'].sort());
    // The line sits between the 11:15 and 11:45 row lines, halfway.
    const box = await page.locator('.now-line').boundingBox();
    const at = async (label) => (await page.locator(`.grid-time:has-text("${label}")`).boundingBox()).y;
    const [a, b] = [await at('11:15'), await at('11:45')];
    assert.ok(box.y > a && box.y < b, `now line at ${box.y}, between ${a} and ${b}`);
    // Other days have no line.
    await page.goto(server.url + `${EV}/day/2025-11-14.html`);
    assert.equal(await page.locator('.now-line').count(), 0);
    await context.close();
  });
});

describe('offline', () => {
  test('after one visit the event keeps working offline, and says it shows a saved copy', async () => {
    const own = await serve(fixtureOutput());
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    await page.goto(own.url + `${EV}/index.html`);
    // Wait until the service worker has saved the whole event. The server goes
    // either way: left open after a failure, it would keep the test process alive.
    try {
      await waitUntilSaved(page);
    } finally {
      await own.close();
    }
    await context.setOffline(true);

    for (const [path, heading] of [
      [`${EV}/sessions.html?track=web`, 'All sessions'],
      [`${EV}/day/2025-11-14.html`, 'Friday 14 November 2025'],
      [`${EV}/session/rust-kernels.html`, 'Writing kernel drivers in Rust'],
      [`${EV}/speaker/zoe-angstrom.html`, 'Zoë Ångström'],
      [`${EV}/room/expo-halle.html`, 'Expo-Halle'],
      [`${EV}/agenda.html`, 'My agenda'],
      [`${EV}/`, 'Nordlicht Dev Days 2025'],
    ]) {
      await page.goto(own.url + path);
      assert.equal(await page.textContent('h1'), heading, path);
      assert.match(await page.textContent('#offline-note'), /No connection: you are reading the copy of this page saved on/, path);
      assert.ok(await page.isVisible('#offline-note'));
    }
    // Filters, stars and data files work from the copy too.
    await page.goto(own.url + `${EV}/sessions.html?track=web`);
    assert.deepEqual(await shownSessions(page), ['web-components', 'accessible-forms', 'day-two-keynote', 'css-layout']);
    await starButton(page, 'css-layout').click();
    const sessions = await page.evaluate(async () => (await (await fetch('sessions.json')).json()).length);
    assert.equal(sessions, 20);
    const css = await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).borderBottomStyle);
    assert.equal(css, 'solid', 'the stylesheet came from the copy');
    await context.close();
  });
});

describe('phones', () => {
  for (const [label, path] of [
    ['home', `${EV}/index.html?now=2025-11-13T09:20:00Z`], ['grid', `${EV}/day/2025-11-13.html`],
    ['list', `${EV}/sessions.html`], ['session', `${EV}/session/long-title.html`],
    ['speaker', `${EV}/speaker/maximilian-alexander-von-hohenzollern-sigmaringen.html`],
    ['agenda', `${EV}/agenda.html?s=long-title+escaping`], ['room', `${EV}/room/saal-orsted.html`],
  ]) {
    test(`${label}: nothing scrolls sideways at 320px and controls are at least 44px`, async () => {
      const { context, page } = await open(path, { viewport: { width: 320, height: 640 }, hasTouch: true, isMobile: true });
      const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
      assert.ok(scroll <= width, `page is ${scroll}px wide in a ${width}px viewport`);
      const small = await page.$$eval('button, select, input, .event-nav a, .day-nav a, .day-links a', (els) => els
        .filter((e) => e.getClientRects().length)
        .map((e) => ({ e: e.outerHTML.slice(0, 80), r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.width < 43.5 || r.height < 43.5)
        .map(({ e, r }) => `${e} (${Math.round(r.width)}×${Math.round(r.height)})`));
      assert.deepEqual(small, []);
      await context.close();
    });
  }

  test('the grid becomes a list in time order on a phone, with each session’s room', async () => {
    const { context, page } = await open(`${EV}/day/2025-11-13.html`, { viewport: { width: 390, height: 844 } });
    assert.equal(await page.$eval('#grid', (g) => getComputedStyle(g).display), 'block');
    const tops = await page.$$eval('#grid .grid-cell', (cs) => cs.map((c) => [c.dataset.start, c.getBoundingClientRect().top]));
    for (let i = 1; i < tops.length; i++) {
      assert.ok(tops[i][0] >= tops[i - 1][0] && tops[i][1] > tops[i - 1][1], 'cells run down the page in time order');
    }
    assert.ok(await page.isVisible('[data-session="rust-kernels"] .where'));
    assert.match(await page.textContent('[data-session="rust-kernels"] .where'), /Raum 2/);
    await context.close();
  });
});

describe('print', () => {
  test('a day prints as a clean program and a room page as one door sign per day', async () => {
    const { context, page } = await open(`${EV}/day/2025-11-13.html`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.site-header'), false);
    assert.equal(await page.isVisible('#filters'), false);
    assert.equal(await page.locator('button.star').first().isVisible(), false);
    assert.equal(await page.$eval('#grid', (g) => getComputedStyle(g).display), 'block');
    assert.ok(await page.isVisible('[data-session="rust-kernels"] .where'));

    await page.goto(server.url + `${EV}/room/saal-orsted.html`);
    const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, 2, 'Saal Ørsted has sessions on two days: two door signs');
    await page.emulateMedia({ media: 'print' });
    const size = await page.$eval('.door-sign .sign-room', (e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 48, `room name in large type (${size}px)`);
    assert.equal(await page.isVisible('.site-header'), false);
    await context.close();
  });
});

describe('share', () => {
  test('session pages carry a canonical URL and Open Graph / Twitter card metadata', async () => {
    const { context, page } = await open(`${EV}/session/web-components.html`);
    const meta = async (sel) => page.getAttribute(sel, 'content');
    const url = 'http://127.0.0.1:8765/confsite-demo/nordlicht-2025/session/web-components.html';
    assert.equal(await page.getAttribute('link[rel=canonical]', 'href'), url);
    assert.equal(await meta('meta[property="og:url"]'), url);
    assert.equal(await meta('meta[property="og:title"]'), 'Web Components without a framework');
    assert.equal(await meta('meta[property="og:type"]'), 'article');
    assert.match(await meta('meta[property="og:description"]'), /^Thursday 13 November 2025, 10:00 CET, Saal Ørsted\. Custom elements/);
    assert.equal(await meta('meta[name="twitter:card"]'), 'summary');
    assert.equal(await meta('meta[name="twitter:title"]'), 'Web Components without a framework');
    await context.close();
  });
});

describe('without JavaScript', () => {
  test('the program is complete; the enhancements are absent rather than broken', async () => {
    const { context, page } = await open(`${EV}/day/2025-11-13.html`, { javaScriptEnabled: false, timezoneId: 'Asia/Tokyo' });
    assert.equal((await shownSessions(page, '#grid')).length, 14);
    assert.equal(await page.locator('button.star').count(), 0);
    assert.equal(await page.isVisible('#filters'), false);
    assert.equal(await page.isVisible('.tz-toggle'), false);
    assert.equal(await page.textContent('[data-session="web-components"] .when time'), '10:00');
    await page.goto(server.url + `${EV}/agenda.html`);
    assert.match(await page.textContent('main'), /needs JavaScript/);
    await page.goto(server.url + `${EV}/index.html`);
    assert.equal(await page.isVisible('#now-next'), false);
    await context.close();
  });
});

describe('from file://', () => {
  test('pages link to each other and stars reach My agenda without a server', async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(fixtureOutput(), EV, 'sessions.html')).href);
    await starButton(page, 'lunch').click();
    await page.click('.event-nav a >> text=My agenda');
    // The click returns once the agenda page is committed: wait for its script to have run.
    await page.waitForURL(/agenda\.html$/);
    assert.deepEqual(await shownSessions(page, '#agenda'), ['lunch']);
    await page.click('.event-nav a >> text=Schedule');
    await page.waitForURL(/day\/2025-11-13\.html$/);
    assert.equal(await page.textContent('h1'), 'Thursday 13 November 2025');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('screenshots', () => {
  // Taken from the demo event with the most scheduled sessions, for the README.
  test('grid, session page and My agenda at phone and desktop widths', async (t) => {
    const out = demoOutput();
    let best = null;
    for (const ev of eventsOf(out)) {
      const sessions = JSON.parse(await readFile(join(out, ev.slug, 'sessions.json'), 'utf8')).filter((s) => s.start);
      if (ev.days.length && (!best || sessions.length > best.sessions.length)) best = { ev, sessions };
    }
    assert.ok(best, 'the demo has an event with a schedule');
    const { ev, sessions } = best;
    const demo = await serve(out);
    t.after(() => demo.close()); // also after a failure: an open server keeps the process alive
    // The README's copies are replaced only on request: pixels differ a
    // little between runs, and a test run should not leave the tree changed.
    const dir = process.env.CONFSITE_UPDATE_SCREENSHOTS === '1'
      ? join(REPO, 'docs', 'screenshots')
      : join(REPO, 'target', 'test-output', 'screenshots');
    await mkdir(dir, { recursive: true });
    // A clock an hour and a half into the first day, so the grid shows "now".
    const now = new Date(Date.parse(sessions[0].start) + 90 * 60000).toISOString();
    const starred = sessions.slice(0, Math.min(6, sessions.length)).map((s) => s.slug);
    const session = sessions.find((s) => s.speakers.length && s.abstract) || sessions[0];
    for (const [size, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 900 }]]) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: size === 'phone' ? 2 : 1, timezoneId: 'UTC' });
      await context.addInitScript(([key, value]) => { window.CONFSITE_NOW = value; localStorage.setItem(key, '"event"'); }, ['confsite:tz', now]);
      const page = await context.newPage();
      await page.goto(demo.url + `${ev.slug}/agenda.html?s=${starred.join('+')}`);
      await page.getByRole('button', { name: 'Add them to my agenda' }).click();
      for (const [name, path] of [['grid', ev.days[0]], ['session', `${ev.slug}/session/${session.slug}.html`], ['agenda', ev.agenda]]) {
        await page.goto(demo.url + path);
        const file = join(dir, `${name}-${size}.png`);
        await page.screenshot({ path: file, fullPage: size === 'phone' ? false : name !== 'grid' });
        assert.ok((await stat(file)).size > 10_000, `${file} holds a picture`);
      }
      await context.close();
    }
  });
});
