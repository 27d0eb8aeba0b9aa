// Valid HTML: the W3C Nu HTML Checker (npm vnu-jar, on the machine's Java)
// reports no errors on any page of the demo build or of the fixture site.
// One JVM checks every file. A page known to be invalid goes in with them, so
// a checker that silently checked nothing would fail the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { demoOutput } from './lib/harness.mjs';
import { fixtureOutput, allPages } from './lib/theme-sites.mjs';

const VNU = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');

test('vnu finds no errors on any page of the demo build and the fixture site', () => {
  const sites = { demo: demoOutput(), fixture: fixtureOutput() };
  const counts = Object.fromEntries(Object.entries(sites).map(([k, dir]) => [k, allPages(dir).length]));
  assert.ok(counts.demo > 0 && counts.fixture > 0, `pages to check: ${JSON.stringify(counts)}`);

  const canary = mkdtempSync(join(tmpdir(), 'confsite-vnu-'));
  writeFileSync(join(canary, 'invalid.html'), '<!DOCTYPE html><html lang="en"><title>x</title><ul><p>not a list item</p></ul></html>');

  const run = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', '--skip-non-html',
    sites.demo, sites.fixture, canary], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(run.error, undefined, `java runs: ${run.error}`);
  const json = [run.stdout, run.stderr].map((s) => s.trim()).find((s) => s.startsWith('{'));
  assert.ok(json, `vnu printed JSON (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  const messages = JSON.parse(json).messages.filter((m) => m.type === 'error' || m.subType === 'fatal');

  const fromCanary = messages.filter((m) => m.url.includes(canary));
  assert.ok(fromCanary.length > 0, 'vnu reports the known-invalid page');
  const errors = messages.filter((m) => !m.url.includes(canary))
    .map((m) => `${m.url.replace(/^file:/, '')}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, [], `vnu errors (${counts.demo} demo and ${counts.fixture} fixture pages checked):\n${errors.join('\n')}`);
});
