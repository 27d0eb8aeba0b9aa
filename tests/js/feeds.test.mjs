// Calendar feeds read by Mozilla's ical.js, the parser in Thunderbird. It
// reads a TZID it has no VTIMEZONE for as floating local time without a
// word, so every DTSTART/DTEND here must come out in UTC, never floating.
//
// Truth comes from outside the code under test: the hand-written
// tests/fixtures/feeds/expected.json for the fixture site, and each demo
// event's sessions.json (times parsed by JavaScript's Date).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, cpSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { join, relative, sep, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import ICAL from 'ical.js';
import { confsite, demoOutput } from './lib/harness.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(REPO, 'tests', 'fixtures', 'feeds');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8'));
const warningsSeen = [];
const counts = { feeds: 0, events: 0 };

/** Every `.ics` under `root`, by `/`-separated relative path. */
function icsFiles(root) {
  const out = {};
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ics')) out[relative(root, p).split(sep).join('/')] = p;
    }
  };
  walk(root);
  return out;
}

/** RFC 5545 §3.3.11 unescaping, for values ical.js hands back raw. */
function unescapeText(v) {
  return v.replace(/\\([\\;,nN])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** One feed through ical.js, as plain data. Console output while parsing counts as a warning. */
function parse(path) {
  const text = readFileSync(path, 'utf8');
  const saved = { warn: console.warn, error: console.error, log: console.log };
  for (const k of Object.keys(saved)) console[k] = (...a) => warningsSeen.push(`${path}: ${a.join(' ')}`);
  try {
    const cal = new ICAL.Component(ICAL.parse(text));
    assert.equal(cal.name, 'vcalendar');
    const events = cal.getAllSubcomponents('vevent').map((vevent) => {
      const ev = new ICAL.Event(vevent);
      for (const [what, t] of [['start', ev.startDate], ['end', ev.endDate]]) {
        assert.ok(!t.isDate, `${path}: ${what} is a date, not a date-time`);
        assert.equal(t.zone?.tzid, 'UTC', `${path}: ${ev.uid} ${what} is not UTC (floating?)`);
      }
      return {
        uid: ev.uid,
        start: ev.startDate.toJSDate().toISOString(),
        end: ev.endDate.toJSDate().toISOString(),
        hasDtend: vevent.hasProperty('dtend'),
        dtstamp: vevent.getFirstPropertyValue('dtstamp').toJSDate().toISOString(),
        summary: ev.summary,
        description: ev.description ?? '',
        location: ev.location,
        url: vevent.getFirstPropertyValue('url'),
        categories: vevent.getAllProperties('categories').flatMap((p) => p.getValues()),
        organizer: vevent.hasProperty('organizer'),
        attendee: vevent.hasProperty('attendee'),
      };
    });
    return {
      prodid: cal.getFirstPropertyValue('prodid'),
      version: cal.getFirstPropertyValue('version'),
      calscale: cal.getFirstPropertyValue('calscale'),
      method: cal.getFirstPropertyValue('method'),
      // ical.js types X- properties as `unknown` and leaves them escaped.
      calname: unescapeText(cal.getFirstPropertyValue('x-wr-calname')),
      timezone: cal.getFirstPropertyValue('x-wr-timezone'),
      refresh: cal.getFirstProperty('refresh-interval'),
      ttl: cal.getFirstPropertyValue('x-published-ttl'),
      events,
    };
  } finally {
    Object.assign(console, saved);
  }
}

const iso = (s) => new Date(s).toISOString();
const lf = (s) => s.replace(/\r\n?/g, '\n');

let work;
const builds = {};

before(() => {
  work = mkdtempSync(join(tmpdir(), 'confsite-feeds-'));
  for (const name of ['first', 'second']) {
    const site = join(work, `${name}-site`);
    cpSync(join(FIXTURE, 'site'), site, { recursive: true });
    builds[name] = join(work, `${name}-out`);
    confsite(['build', '--root', site, '--output', builds[name]]);
  }
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`ical.js checked ${counts.feeds} feeds and ${counts.events} events; warnings: ${warningsSeen.length}`);
});

test('the fixture feeds hold the hand-written events, in UTC, text intact', () => {
  const files = icsFiles(builds.first);
  assert.deepEqual(Object.keys(files).sort(), Object.keys(EXPECTED.feeds).sort());
  for (const [rel, feed] of Object.entries(EXPECTED.feeds)) {
    const cal = parse(files[rel]);
    counts.feeds++;
    assert.equal(cal.calname, lf(feed.name), rel);
    assert.equal(cal.version, '2.0');
    assert.equal(cal.calscale, 'GREGORIAN');
    assert.equal(cal.method, 'PUBLISH');
    assert.match(cal.prodid, /^-\/\/confsite\/\/confsite /);
    assert.equal(cal.timezone, EXPECTED.timezone);
    assert.equal(cal.refresh.type, 'duration', `${rel}: REFRESH-INTERVAL is not a DURATION`);
    assert.equal(cal.refresh.getFirstValue().toSeconds(), 3600);
    assert.equal(cal.ttl, 'PT1H');
    assert.deepEqual(cal.events.map((e) => e.uid), feed.sessions.map((s) => EXPECTED.sessions[s].uid), rel);
    feed.sessions.forEach((slug, i) => {
      const want = EXPECTED.sessions[slug];
      const ev = cal.events[i];
      const where = `${rel}: ${slug}`;
      assert.equal(ev.start, iso(want.start), where);
      if (want.end === null) {
        assert.equal(ev.hasDtend, false, where);
        assert.equal(ev.end, ev.start, where);
      } else {
        assert.equal(ev.end, iso(want.end), where);
      }
      assert.equal(ev.dtstamp, iso(EXPECTED.dtstamp), where);
      assert.equal(ev.summary, want.summary, where);
      assert.equal(ev.description, want.description, where);
      assert.equal(ev.location, want.location, where);
      assert.equal(ev.url, want.url, where);
      assert.deepEqual(ev.categories, want.categories, where);
      assert.ok(!ev.organizer && !ev.attendee, where);
      counts.events++;
    });
  }
});

test('a hostile title stays one SUMMARY of one event', () => {
  const cal = parse(join(builds.first, 'berlin/ics/session-hostile.ics'));
  assert.equal(cal.events.length, 1);
  assert.equal(cal.events[0].uid, 'hostile.berlin@feeds.example.org');
  assert.equal(cal.events[0].summary, EXPECTED.sessions.hostile.summary);
  for (const path of Object.values(icsFiles(builds.first))) {
    for (const ev of parse(path).events) assert.ok(!ev.uid.includes('injected'), path);
  }
});

test('a second build gives the same UIDs (and the same bytes)', () => {
  const a = icsFiles(builds.first);
  const b = icsFiles(builds.second);
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const rel of Object.keys(a)) {
    assert.deepEqual(parse(a[rel]).events.map((e) => e.uid), parse(b[rel]).events.map((e) => e.uid), rel);
    assert.ok(readFileSync(a[rel]).equals(readFileSync(b[rel])), rel);
  }
});

test('every demo feed holds its scheduled sessions at their instants, none floating', () => {
  const root = demoOutput();
  const all = icsFiles(root);
  assert.ok(Object.keys(all).length > 0, `no feeds in ${root}`);
  const seen = new Set();
  const events = readdirSync(root).filter((d) => existsSync(join(root, d, 'sessions.json')));
  assert.ok(events.length > 0, `no event in ${root}`);
  const uids = new Set();
  for (const slug of events) {
    const dir = join(root, slug);
    const sessions = JSON.parse(readFileSync(join(dir, 'sessions.json'), 'utf8'));
    const scheduled = sessions.filter((s) => s.start);
    const files = icsFiles(dir);
    const eventName = parse(files['schedule.ics']).calname;
    const expected = { 'schedule.ics': scheduled };
    for (const day of new Set(scheduled.map((s) => s.start.slice(0, 10)))) {
      expected[`ics/day-${day}.ics`] = scheduled.filter((s) => s.start.slice(0, 10) === day);
    }
    for (const s of scheduled) expected[`ics/session-${s.slug}.ics`] = [s];
    for (const rel of Object.keys(files)) {
      const kind = rel.match(/^ics\/(track|room|speaker)-/)?.[1];
      if (!kind) continue;
      const calname = parse(files[rel]).calname;
      assert.ok(calname.startsWith(`${eventName}: `), rel);
      const name = calname.slice(eventName.length + 2);
      const member = {
        track: (s) => s.tracks.includes(name),
        room: (s) => s.room === name,
        speaker: (s) => s.speakers.some((sp) => sp.name === name),
      }[kind];
      expected[rel] = scheduled.filter(member);
    }
    assert.deepEqual(Object.keys(files).sort(), Object.keys(expected).sort(), slug);
    for (const [rel, path] of Object.entries(files)) {
      seen.add(`${slug}/${rel}`);
      const cal = parse(path);
      counts.feeds++;
      const want = expected[rel];
      assert.equal(cal.events.length, want.length, `${slug}/${rel}`);
      want.forEach((s, i) => {
        const ev = cal.events[i];
        const where = `${slug}/${rel}: ${s.slug}`;
        const host = new URL(s.url).hostname;
        assert.equal(ev.uid, `${s.slug}.${slug}@${host}`, where);
        assert.equal(ev.start, iso(s.start), where);
        if (s.end && new Date(s.end) > new Date(s.start)) assert.equal(ev.end, iso(s.end), where);
        else assert.equal(ev.hasDtend, false, where);
        assert.equal(ev.summary, lf(s.title), where);
        assert.equal(ev.url, s.url, where);
        assert.ok(ev.description.endsWith(s.url), where);
        assert.deepEqual(ev.categories, s.tracks, where);
        if (rel === 'schedule.ics') {
          assert.ok(!uids.has(ev.uid), `${where}: UID ${ev.uid} repeats`);
          uids.add(ev.uid);
        }
        counts.events++;
      });
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(all).sort(), 'feeds outside an event folder');
});

// Sessions of the seed documents that give times, with the instant read off
// the document by hand; checked once the demo content holds the seed.
const SEEDS = [
  // 004: "Time: 11:00am EST - 11:30am EST", Thursday, November 13, 2025 (Atlanta).
  ['AI-Assisted GitOps With Flux MCP Server', '2025-11-13T16:00:00Z', '2025-11-13T16:30:00Z'],
  // 002: 09:50, 30min, Cloud Native Rejekts, Detroit, 23 October 2022 (EDT, UTC-4).
  ['Cloud Native Authorization Landscape', '2022-10-23T13:50:00Z', '2022-10-23T14:20:00Z'],
];

function contentHolds(title) {
  const stack = [join(REPO, 'content')];
  while (stack.length) {
    const dir = stack.pop();
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (name.endsWith('.md') && readFileSync(p, 'utf8').includes(title)) return true;
    }
  }
  return false;
}

for (const [title, start, end] of SEEDS) {
  test(`seed session "${title}" is at ${start} in every feed holding it`, (t) => {
    assert.ok(contentHolds(title), `the demo content does not hold "${title}": re-run scripts/import-demo`);
    let found = 0;
    for (const path of Object.values(icsFiles(demoOutput()))) {
      for (const ev of parse(path).events) {
        if (ev.summary !== title) continue;
        assert.equal(ev.start, iso(start), path);
        assert.equal(ev.end, iso(end), path);
        found++;
      }
    }
    assert.ok(found >= 4, `${title} in ${found} feeds`);
  });
}

// Last, after every parse above.
test('ical.js printed no warnings', () => {
  assert.deepEqual(warningsSeen, []);
});
