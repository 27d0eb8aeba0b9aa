// Shared by the Node tests: where the built demo is, a static HTTP server
// that serves a directory under a path prefix (as GitHub Pages does), and
// Debian's Chromium driven by playwright-core.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import { execFileSync } from 'node:child_process';

/** The demo site built by scripts/test; a missing build is a failure, never a skip. */
export function demoOutput() {
  const dir = process.env.CONFSITE_DEMO_OUTPUT;
  if (!dir) throw new Error('CONFSITE_DEMO_OUTPUT is not set: run the tests through scripts/test');
  return dir;
}

/** The confsite binary built by scripts/test. */
export function confsiteBin() {
  const bin = process.env.CONFSITE_BIN;
  if (!bin) throw new Error('CONFSITE_BIN is not set: run the tests through scripts/test');
  return bin;
}

/** Runs `confsite args...`, returning stdout; throws with stderr on failure. */
export function confsite(args, options = {}) {
  return execFileSync(confsiteBin(), args, {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
    ...options,
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.ics': 'text/calendar; charset=utf-8', '.xml': 'application/xml',
  '.txt': 'text/plain', '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json',
};

/**
 * Serves `root` at http://127.0.0.1:<port><prefix>. Directory URLs serve
 * index.html; anything outside the prefix is a 404. Returns {url, close, requests}.
 */
export async function serve(root, prefix = '/confsite-demo/', port = 0) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    if (!path.startsWith(prefix)) { res.writeHead(404); res.end('outside prefix'); return; }
    let file = normalize(join(root, path.slice(prefix.length)));
    if (!file.startsWith(normalize(root))) { res.writeHead(403); res.end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}${prefix}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Launches Debian's Chromium headless (the machine's network is closed: no background traffic). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
