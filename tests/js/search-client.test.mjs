// confsite's own search client (themes/default/static/search.js) against the
// real elasticlunr.js 0.9.5 from npm: the same analysis of text (tokenizer,
// trimmer, stop words, Porter stemmer) and the same ranked results with the
// same scores, over every word of every index the demo build wrote and of a
// generated 1,000-session program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import elasticlunr from 'elasticlunr';
import { demoOutput, confsite, confsiteBin } from './lib/harness.mjs';
import { builtProgram } from '../fixtures/search/generate-program.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
vm.runInThisContext(readFileSync(join(repo, 'themes/default/static/search.js'), 'utf8'), { filename: 'search.js' });
const CS = globalThis.ConfsiteSearch;
// elasticlunr.js warns on stderr when given no configuration; that case is tested on purpose.
elasticlunr.utils.warn = () => {};

/** A small deterministic PRNG, so failures reproduce. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedTexts() {
  const dir = join(repo, 'tests/fixtures/seeds');
  return readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
}

const elasticPipeline = () => {
  const p = new elasticlunr.Pipeline();
  p.add(elasticlunr.trimmer, elasticlunr.stopWordFilter, elasticlunr.stemmer);
  return p;
};

test('the stop words are elasticlunr.js defaults', () => {
  assert.deepEqual(
    [...CS.stopWords(), ''].sort(),
    Object.keys(elasticlunr.defaultStopWords).sort(),
  );
});

test('the stemmer stems every seed word and 200,000 generated words as elasticlunr.js does', () => {
  const words = new Set();
  for (const text of seedTexts()) for (const t of elasticlunr.tokenizer(text)) words.add(elasticlunr.trimmer(t));
  // Suffix combinations reach every rule of every step.
  const stems = ['rel', 'cond', 'gener', 'hop', 'sy', 'yell', 'agr', 'fe', 'bl', 'tr', 'hyp', 'oper', 'ing', 'y', 'ya', 'sky'];
  const suffixes = ['ational', 'tional', 'enci', 'anci', 'izer', 'bli', 'alli', 'entli', 'eli', 'ousli', 'ization',
    'ation', 'ator', 'alism', 'iveness', 'fulness', 'ousness', 'aliti', 'iviti', 'biliti', 'logi', 'icate', 'ative',
    'alize', 'iciti', 'ical', 'ful', 'ness', 'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment',
    'ent', 'sion', 'tion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'e', 'll', 'eed', 'ed', 'ing', 'sses',
    'ies', 'ss', 's', 'y', 'ly', 'yy', 'at', 'bl', 'iz', 'ating', 'bling', 'izing', 'll', 'lled', 'ttes'];
  for (const s of stems) for (const a of suffixes) for (const b of ['', ...suffixes]) words.add(s + a + b);
  const rand = rng(7);
  const alphabet = 'aeiouyyYbcdlmnrstwxzgsé1ı';
  for (let i = 0; i < 200000; i++) {
    const n = 1 + Math.floor(rand() * 11);
    let w = '';
    for (let k = 0; k < n; k++) w += alphabet[Math.floor(rand() * alphabet.length)];
    words.add(w);
  }
  let checked = 0;
  for (const w of words) {
    assert.equal(CS.stem(w), elasticlunr.stemmer(w), `stem(${JSON.stringify(w)})`);
    checked++;
  }
  assert.ok(checked > 200000);
});

test('text analysis (tokenize, trim, stop words, stem) equals elasticlunr.js on the seed documents', () => {
  const pipeline = elasticPipeline();
  for (const text of seedTexts()) {
    for (const line of text.split('\n')) {
      assert.deepEqual(CS.analyze(line), pipeline.run(elasticlunr.tokenizer(line)), line);
    }
  }
  const odd = ['', '   ', '--', 'a-b', 'e-BPF', 'Zoë’s', '(Käldström)', 'x\u00a0y', 'tab\there', '🚨 Contribfest', 'C++', 'ł', '_x_', 'NaN', 'constructor', '__proto__'];
  for (const q of odd) assert.deepEqual(CS.analyze(q), pipeline.run(elasticlunr.tokenizer(q)), q);
});

/** Every term with documents in any field's trie. */
function indexTerms(data) {
  const terms = new Set();
  const walk = (prefix, node) => {
    if (node.df > 0) terms.add(prefix);
    for (const k in node) if (k !== 'docs' && k !== 'df') walk(prefix + k, node[k]);
  };
  for (const f of data.fields) walk('', data.index[f].root);
  return [...terms].sort();
}

/** Queries: every indexed term, its 1–3 letter prefixes, every stored word, and word combinations. */
function queriesFor(data, seed) {
  const terms = indexTerms(data);
  const queries = new Set(terms);
  for (const t of terms) for (let n = 1; n <= 3 && n < t.length; n++) queries.add(t.slice(0, n));
  const words = [];
  for (const doc of Object.values(data.documentStore.docs)) {
    for (const key of ['title', 'speakers', 'room']) {
      if (!doc[key]) continue;
      const ws = doc[key].split(/\s+/).filter(Boolean);
      words.push(...ws);
      for (let i = 0; i + 1 < ws.length; i++) queries.add(`${ws[i]} ${ws[i + 1]}`);
      for (let i = 0; i + 2 < ws.length; i++) queries.add(`${ws[i]}-${ws[i + 1]} ${ws[i + 2].toUpperCase()}`);
      queries.add(doc[key]);
    }
  }
  for (const w of words) queries.add(w);
  const rand = rng(seed);
  for (let i = 0; i < 2000 && words.length; i++) {
    const n = 2 + Math.floor(rand() * 3);
    const pick = Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]);
    // Half of them as typed so far: the last word cut short.
    if (rand() < 0.5) pick[n - 1] = pick[n - 1].slice(0, 1 + Math.floor(rand() * pick[n - 1].length));
    queries.add(pick.join(' '));
  }
  return [...queries];
}

const CONFIGS = {
  'the client’s own settings': undefined,
  'elasticlunr defaults': null,
  'AND, per-field expansion and a zero boost': {
    fields: { title: { boost: 2, bool: 'AND', expand: true }, speakers: { boost: 1 }, abstract: { boost: 0 }, tags: { expand: true } },
    bool: 'OR',
  },
};

function compareAll(label, json, seed, { maxQueries = Infinity } = {}) {
  const theirs = elasticlunr.Index.load(JSON.parse(json));
  const ours = new CS.Index(JSON.parse(json));
  const queries = queriesFor(JSON.parse(json), seed).slice(0, maxQueries);
  let compared = 0;
  let nonEmpty = 0;
  for (const [name, config] of Object.entries(CONFIGS)) {
    const theirConfig = config === undefined ? CS.QUERY_CONFIG : config;
    for (const q of queries) {
      const expected = theirs.search(q, theirConfig).map((r) => [r.ref, r.score]);
      const actual = ours.search(q, config).map((r) => [r.ref, r.score]);
      assert.deepEqual(actual, expected, `${label}, ${name}: query ${JSON.stringify(q)}`);
      compared++;
      if (expected.length) nonEmpty++;
    }
  }
  return { compared, nonEmpty, queries: queries.length };
}

test('ranked results and scores equal elasticlunr.js for every word of every demo index', () => {
  const out = demoOutput();
  const events = readdirSync(out).filter((d) => existsSync(join(out, d, 'search_index.json'))).sort();
  assert.ok(events.length > 0, `no search_index.json under ${out}`);
  for (const [i, ev] of events.entries()) {
    const stats = compareAll(ev, readFileSync(join(out, ev, 'search_index.json'), 'utf8'), 100 + i);
    assert.ok(stats.nonEmpty > stats.queries, `${ev}: most queries find something`);
    console.log(`# ${ev}: ${stats.queries} queries × ${Object.keys(CONFIGS).length} configurations compared, ${stats.nonEmpty} with results`);
  }
});

test('ranked results and scores equal elasticlunr.js on a generated 1,000-session program', () => {
  const { out, slug } = builtProgram(1000, confsiteBin(), (site, output) => confsite(['build', '--root', site, '--output', output]));
  const json = readFileSync(join(out, slug, 'search_index.json'), 'utf8');
  const stats = compareAll('1,000 sessions', json, 5, { maxQueries: 6000 });
  console.log(`# 1,000 sessions: ${stats.queries} queries × ${Object.keys(CONFIGS).length} configurations compared, ${stats.nonEmpty} with results`);
});
