// The search index `confsite build` writes for every demo event, read by the
// real elasticlunr.js 0.9.5 from npm: it loads, holds what the result lists
// show and nothing more, links only to pages that exist, and answers queries
// chosen from the seed documents with the sessions those documents say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import vm from 'node:vm';
import elasticlunr from 'elasticlunr';
import { demoOutput, confsite, confsiteBin } from './lib/harness.mjs';
import { builtProgram } from '../fixtures/search/generate-program.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
vm.runInThisContext(readFileSync(join(repo, 'themes/default/static/search.js'), 'utf8'), { filename: 'search.js' });
const CS = globalThis.ConfsiteSearch;

const FIELDS = ['title', 'speakers', 'track', 'room', 'tags', 'abstract'];
const STORED = new Set(['title', 'speakers', 'time', 'room', 'url']);

/** Every event of the demo: the folders with a search page. */
function demoEvents() {
  const out = demoOutput();
  const events = readdirSync(out, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(out, d.name, 'search.html')))
    .map((d) => d.name)
    .sort();
  assert.ok(events.length > 0, `no event with a search page under ${out}`);
  return events.map((slug) => ({
    slug,
    dir: join(out, slug),
    json: readFileSync(join(out, slug, 'search_index.json'), 'utf8'),
  }));
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function sizes(buf) {
  return { raw: buf.length, gzip: gzipSync(buf).length };
}

/** Does the trie of `field` hold `term` for document `ref`? */
function hasPosting(data, field, term, ref) {
  let node = data.index[field].root;
  for (const ch of term) {
    node = node[ch];
    if (!node) return false;
  }
  return ref in node.docs;
}

test('every demo event has an index elasticlunr.js loads, with the stored fields a result line shows', () => {
  for (const { slug, dir, json } of demoEvents()) {
    const data = JSON.parse(json);
    const idx = elasticlunr.Index.load(JSON.parse(json));
    assert.equal(data.version, elasticlunr.version, slug);
    assert.deepEqual(idx.getFields(), FIELDS, slug);
    assert.deepEqual(data.pipeline, ['trimmer', 'stopWordFilter', 'stemmer'], slug);
    const sessionPages = readdirSync(join(dir, 'session')).filter((f) => f.endsWith('.html')).sort();
    assert.equal(idx.documentStore.length, sessionPages.length, `${slug}: one document per session page`);
    const linked = [];
    for (const [ref, doc] of Object.entries(data.documentStore.docs)) {
      for (const key of Object.keys(doc)) assert.ok(STORED.has(key), `${slug} doc ${ref} stores ${key}`);
      assert.ok(doc.title, `${slug} doc ${ref} has a title`);
      assert.match(doc.url, /^session\/[^/]+\.html$/, `${slug} doc ${ref}: URL relative to the event root`);
      assert.ok(existsSync(join(dir, doc.url)), `${slug}: ${doc.url} exists`);
      linked.push(doc.url.slice('session/'.length));
      // The abstract is searchable but not stored.
      assert.ok(!('abstract' in doc));
    }
    assert.deepEqual(linked.sort(), sessionPages, `${slug}: every session is found by exactly one document`);
  }
});

test('the index holds each stored title and speaker word under the term elasticlunr.js makes of it', () => {
  // The index is built by elasticlunr-rs; a query is analysed by JS. They must agree.
  const pipeline = new elasticlunr.Pipeline();
  pipeline.add(elasticlunr.trimmer, elasticlunr.stopWordFilter, elasticlunr.stemmer);
  let checked = 0;
  for (const { slug, json } of demoEvents()) {
    const data = JSON.parse(json);
    for (const [ref, doc] of Object.entries(data.documentStore.docs)) {
      for (const field of ['title', 'speakers', 'room']) {
        // Words over 64 characters are not indexed (src/render/search.rs says why).
        const words = elasticlunr.tokenizer(doc[field] || '').filter((w) => [...w].length <= 64);
        for (const term of pipeline.run(words)) {
          assert.ok(hasPosting(data, field, term, ref), `${slug}: ${field} of doc ${ref} (${doc[field]}) holds "${term}"`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 0);
});

test('search_index.js holds the same index, for file:// pages', () => {
  for (const { slug, dir, json } of demoEvents()) {
    const context = vm.createContext({});
    vm.runInContext(readFileSync(join(dir, 'search_index.js'), 'utf8'), context);
    assert.deepEqual(JSON.parse(JSON.stringify(context.confsiteSearchIndex)), JSON.parse(json), slug);
  }
});

test('index sizes, raw and gzipped, per demo event and for 1,000 sessions (budget: 300 KB gzipped at the default level)', () => {
  for (const { slug, dir } of demoEvents()) {
    const j = sizes(readFileSync(join(dir, 'search_index.json')));
    const s = sizes(readFileSync(join(dir, 'search_index.js')));
    console.log(`# ${slug}: search_index.json ${kb(j.raw)} raw, ${kb(j.gzip)} gzip; search_index.js ${kb(s.raw)} raw, ${kb(s.gzip)} gzip`);
  }
  const { out, slug } = builtProgram(1000, confsiteBin(), (site, output) => confsite(['build', '--root', site, '--output', output]));
  const json = readFileSync(join(out, slug, 'search_index.json'));
  const j = sizes(json);
  console.log(`# 1,000 generated sessions: search_index.json ${kb(j.raw)} raw, ${kb(j.gzip)} gzip`);
  assert.equal(elasticlunr.Index.load(JSON.parse(json)).documentStore.length, 1000);
  assert.ok(j.gzip < 300 * 1024, `${kb(j.gzip)} gzipped is over the 300 KB budget`);
});

// ---- Queries from the seed documents. ----

/** The demo event imported from a seed, found by a session title the seed contains. */
function eventWith(seed, titlePattern) {
  for (const ev of demoEvents()) {
    const data = JSON.parse(ev.json);
    if (Object.values(data.documentStore.docs).some((d) => titlePattern.test(d.title))) {
      return { ...ev, data, idx: elasticlunr.Index.load(data), ours: new CS.Index(JSON.parse(ev.json)) };
    }
  }
  assert.fail(`no demo event has a session titled like ${titlePattern} (imported from seed ${seed})`);
}

/** Titles of the results, best first, from elasticlunr.js; the client must give the same. */
function titles(ev, query) {
  const theirs = ev.idx.search(query, CS.QUERY_CONFIG);
  const ours = ev.ours.search(query);
  assert.deepEqual(ours.map((r) => [r.ref, r.score]), theirs.map((r) => [r.ref, r.score]), `client ranks "${query}" as elasticlunr.js`);
  return theirs.map((r) => ev.data.documentStore.docs[r.ref].title);
}

function assertFirst(ev, query, pattern) {
  const got = titles(ev, query);
  assert.ok(got.length > 0, `${ev.slug}: "${query}" finds nothing`);
  assert.match(got[0], pattern, `${ev.slug}: "${query}" ranks first: ${JSON.stringify(got.slice(0, 3))}`);
}

/** The first results are exactly the sessions whose titles match `pattern` (at least `min` of them). */
function assertFirstAreTitled(ev, query, pattern, min) {
  const expected = Object.values(ev.data.documentStore.docs).map((d) => d.title).filter((t) => pattern.test(t));
  assert.ok(expected.length >= min, `${ev.slug}: ${expected.length} titles match ${pattern}`);
  const got = titles(ev, query);
  assert.deepEqual(got.slice(0, expected.length).sort(), expected.sort(), `${ev.slug}: "${query}" → ${JSON.stringify(got.slice(0, expected.length + 2))}`);
}

test('seed 003 (video summaries): Liz Rice and Cilium find her talk; "scheduling" finds the talks that say "scheduler"', () => {
  const ev = eventWith('003', /Effortless Mutual Authentication with Cilium/);
  assertFirst(ev, 'Liz Rice', /Effortless Mutual Authentication with Cilium/);
  assertFirst(ev, 'rice', /Effortless Mutual Authentication with Cilium/);
  assertFirst(ev, 'Cilium', /Effortless Mutual Authentication with Cilium/);
  // Only two summaries mention a scheduler ("Volcano Batch Scheduler"; "API server, scheduler"), none says "scheduling".
  const got = titles(ev, 'scheduling');
  assert.deepEqual(got.slice().sort(), titles(ev, 'scheduler').slice().sort());
  assert.equal(got.length, 2, JSON.stringify(got));
  assert.ok(got.some((t) => /Secret Life of Kubernetes Containers/.test(t)), JSON.stringify(got));
  assert.ok(got.some((t) => /Need for Speed/.test(t)), JSON.stringify(got));
});

test('seed 002 (Rejekts 2022): eBPF, Backstage and an accented speaker name', () => {
  const ev = eventWith('002', /How to measure CPU and memory usage of eBPF programs/);
  assertFirstAreTitled(ev, 'eBPF', /\beBPF\b/, 2);
  assertFirst(ev, 'Backstage', /portal with Backstage/);
  assertFirst(ev, 'Gómez', /portal with Backstage/);
  assertFirst(ev, 'Mauricio Vasquez Bernal', /How to measure CPU and memory usage of eBPF programs/);
});

test('seed 004 (KubeCon NA 2025): Backstage, "schedulers" finding "Scheduling", and non-ASCII surnames', () => {
  const ev = eventWith('004', /The Journey of Deploying Backstage in a Large Organization/);
  assertFirstAreTitled(ev, 'Backstage', /Backstage/, 3);
  assertFirstAreTitled(ev, 'schedulers', /Scheduling/, 3);
  assertFirst(ev, 'Mészáros', /Package Management for Your Cluster, Reimagined/);
  // Typed without accents, the name still finds the speaker.
  assertFirst(ev, 'Meszaros', /Package Management for Your Cluster, Reimagined/);
  assertFirst(ev, 'Käldström', /Kubernetes Access Control/);
  assertFirst(ev, 'Ojea', /Kubernetes Network Driver/);
});

test('seed 000 (talk list) and 001 (DevConf.cz blog notes): words of titles and abstracts', () => {
  const talks = eventWith('000', /Where Does My INSERT Go\?/);
  assertFirst(talks, 'logical replication', /Where Does My INSERT Go\?/);
  assertFirst(talks, 'PostgreSQL', /Where Does My INSERT Go\?/);
  const devconf = eventWith('001', /homomorphic/i);
  assertFirst(devconf, 'homomorphic', /homomorphic/i);
});
