// Sites the default theme's browser, accessibility and HTML tests run on: the
// demo build (`$CONFSITE_DEMO_OUTPUT`) and a purpose-made fixture site
// (tests/fixtures/browser-site: two events in two zones, several days, rooms
// and tracks, a shared room with overlapping sessions, unscheduled sessions,
// non-ASCII names, a very long title and titles that need escaping), built
// here with the confsite binary under test.
import { mkdtempSync, readdirSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { confsite } from './harness.mjs';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURE_ROOT = join(REPO, 'tests', 'fixtures', 'browser-site');
/** The base URL both builds use (the harness serves them under this path). */
export const BASE_URL = 'http://127.0.0.1:8765/confsite-demo/';

let built = null;
/** Builds the fixture site once per test process; returns its output directory. */
export function fixtureOutput() {
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), 'confsite-theme-')), 'site');
  confsite(['build', '--root', FIXTURE_ROOT, '--output', out, '--base-url', BASE_URL]);
  built = out;
  return out;
}

const htmlIn = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).sort() : []);

/**
 * The events of a built site (directories with an index.html and a
 * sessions.json), with their pages by type, as paths relative to the site root.
 */
export function eventsOf(out) {
  return readdirSync(out)
    .filter((d) => statSync(join(out, d)).isDirectory() && existsSync(join(out, d, 'sessions.json')) && existsSync(join(out, d, 'index.html')))
    .sort()
    .map((slug) => ({
      slug,
      home: `${slug}/index.html`,
      list: `${slug}/sessions.html`,
      agenda: `${slug}/agenda.html`,
      search: `${slug}/search.html`,
      days: htmlIn(join(out, slug, 'day')).map((f) => `${slug}/day/${f}`),
      sessions: htmlIn(join(out, slug, 'session')).map((f) => `${slug}/session/${f}`),
      speakers: htmlIn(join(out, slug, 'speaker')).map((f) => `${slug}/speaker/${f}`),
      rooms: htmlIn(join(out, slug, 'room')).map((f) => `${slug}/room/${f}`),
      tracks: htmlIn(join(out, slug, 'track')).map((f) => `${slug}/track/${f}`),
    }));
}

/** Every .html file under `dir`, relative to it. */
export function allPages(dir, prefix = '') {
  const found = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) found.push(...allPages(dir, rel));
    else if (name.endsWith('.html')) found.push(rel);
  }
  return found;
}

/** Up to `n` items spread evenly over `list` (always the first and the last). */
export function spread(list, n) {
  if (list.length <= n) return list.slice();
  if (n === 1) return [list[0]];
  const picked = new Set();
  for (let i = 0; i < n; i++) picked.add(list[Math.round((i * (list.length - 1)) / (n - 1))]);
  return [...picked];
}
