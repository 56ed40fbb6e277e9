// The web app's files: index.html for the SPA's routes, real 404s for missing assets, caching
// headers, HEAD. Served from a fixture web root, so that the test does not depend on a web build;
// one test also checks the default discovery of the web root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  startServer, assertStatus, assertError, rawExchange, parseRawResponses, tempDir, removeDir,
} from './harness.mjs';

const INDEX = '<!doctype html><html><head><title>Kirim fixture</title>' +
  '<script type="module" src="/assets/app-1234abcd.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("kirim fixture");\n';

let server;
let webRoot;

before(async () => {
  webRoot = tempDir('kirim-web-');
  mkdirSync(path.join(webRoot, 'assets'));
  writeFileSync(path.join(webRoot, 'index.html'), INDEX);
  writeFileSync(path.join(webRoot, 'assets', 'app-1234abcd.js'), SCRIPT);
  writeFileSync(path.join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  server = await startServer({ args: ['--web-root', webRoot] });
});

after(async () => {
  if (server) await server.stop();
  removeDir(webRoot);
});

function assertIndex(res) {
  assertStatus(res, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const csp = res.headers.get('content-security-policy');
  assert.ok(csp, 'index.html needs a Content-Security-Policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.text, INDEX);
}

test('GET / answers index.html with a Content-Security-Policy', async () => {
  assertIndex(await server.request('GET', '/'));
  assertIndex(await server.request('GET', '/index.html'));
});

test('SPA routes answer index.html', async () => {
  for (const p of ['/settings/users', '/settings/tokens', '/login', '/campaigns/42/edit', '/settings/users?tab=1']) {
    assertIndex(await server.request('GET', p));
  }
});

test('a missing asset is a real 404, not index.html', async () => {
  for (const p of ['/assets/does-not-exist.js', '/assets/app-00000000.js', '/assets/nested/x.css']) {
    const res = await server.request('GET', p);
    assert.equal(res.status, 404, `${res}`);
    assert.doesNotMatch(res.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(!res.text.includes('<html'), 'a missing asset must not get the page');
  }
});

test('assets are served with their type and long-lived caching; index is revalidated', async () => {
  const js = assertStatus(await server.request('GET', '/assets/app-1234abcd.js'), 200);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  assert.equal(js.text, SCRIPT);
  assert.match(js.headers.get('cache-control') ?? '', /immutable/);
  const svg = assertStatus(await server.request('GET', '/favicon.svg'), 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  const index = await server.request('GET', '/');
  assert.doesNotMatch(index.headers.get('cache-control') ?? '', /immutable/);
  // ETag revalidation.
  const etag = js.headers.get('etag');
  assert.ok(etag);
  const again = await server.request('GET', '/assets/app-1234abcd.js', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
});

test('HEAD answers the headers of GET and no body', async () => {
  const get = await server.request('GET', '/');
  const raw = await rawExchange(server.port,
    'HEAD / HTTP/1.1\r\nHost: test\r\n\r\n' +
    'HEAD /settings/users HTTP/1.1\r\nHost: test\r\n\r\n' +
    'HEAD /api/v1/me HTTP/1.1\r\nHost: test\r\n\r\n' +
    'GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n');
  const [head, spa, api, health] = parseRawResponses(raw, [0, 1, 2]);
  for (const r of [head, spa]) {
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.ok(r.headers['content-security-policy']);
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(get.text));
  }
  assert.equal(api.status, 401);
  assert.ok(api.headers['x-request-id']);
  // If any HEAD response had carried a body, this would not parse as the /healthz answer.
  assert.equal(health.status, 200);
  assert.equal(health.text, '{"status":"ok"}');
});

test('non-GET methods on web paths are not served the page', async () => {
  const res = await server.request('POST', '/settings/users', { body: '{}', contentType: 'application/json' });
  assert.ok([404, 405].includes(res.status), `${res}`);
  assertError(res, res.status, res.status === 405 ? 'method_not_allowed' : 'not_found');
});

test('without --web-root the server finds a web root (or a placeholder) and serves HTML', async () => {
  const s = await startServer();
  try {
    for (const p of ['/', '/settings/users']) {
      const res = assertStatus(await s.request('GET', p), 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.ok(res.headers.get('content-security-policy'));
      assert.match(res.text, /<html/i);
    }
    assert.equal((await s.request('GET', '/assets/does-not-exist.js')).status, 404);
  } finally {
    await s.stop();
  }
});

test('dot-dot paths do not escape the web root', async () => {
  for (const target of ['/../../../../etc/passwd', '/assets/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd']) {
    const raw = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`);
    const text = raw.toString();
    assert.doesNotMatch(text, /root:.*:0:0:/, `${target} leaked /etc/passwd`);
    const [res] = parseRawResponses(raw);
    assert.ok([200, 400, 404].includes(res.status), `${target}: ${res.status}`);
  }
});
