// Operations endpoints and what every response carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverForFile, assertError, assertStatus, unique, rawExchange, parseRawResponses,
} from './harness.mjs';

const ctx = serverForFile();

test('GET /healthz answers 200 {"status":"ok"} as JSON', async () => {
  const res = assertStatus(await ctx.server.request('GET', '/healthz'), 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(res.json, { status: 'ok' });
});

test('GET /readyz answers 200 with sqlite and every migration applied', async () => {
  const res = assertStatus(await ctx.server.request('GET', '/readyz'), 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.equal(res.json.status, 'ready');
  assert.equal(res.json.database, 'sqlite');
  assert.ok(Number.isInteger(res.json.schema_version) && res.json.schema_version >= 1, res.text);
  assert.equal(res.json.schema_version, res.json.latest_schema_version, res.text);
});

test('GET /metrics is Prometheus text with requests, latency, pool and build info', async () => {
  const s = ctx.server;
  // Make sure some labelled requests exist first.
  assertStatus(await s.request('GET', '/healthz'), 200);
  assertStatus(await s.request('GET', '/api/v1/me'), 401);
  const res = assertStatus(await s.request('GET', '/metrics'), 200);
  assert.match(res.headers.get('content-type'), /^text\/plain/);
  const text = res.text;
  assert.match(text, /^# (HELP|TYPE) /m);
  assert.match(text, /^kirim_http_requests_total\{[^}]*route="\/healthz"[^}]*\} \d+/m);
  assert.match(text, /^kirim_http_requests_total\{[^}]*route="\/api\/v1\/me"[^}]*status="401"[^}]*\} \d+/m);
  assert.match(text, /^kirim_http_request_duration_seconds_bucket\{[^}]*le="[^"]+"[^}]*\} \d+/m);
  assert.match(text, /^kirim_http_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d+/m);
  assert.match(text, /^kirim_db_readers(\{[^}]*\})? \d+/m);
  assert.match(text, /^kirim_build_info\{[^}]*version="[^"]+"[^}]*\} 1/m);
  // Every sample line is "name{labels} value" or "name value".
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    assert.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|\+Inf|-Inf|NaN)$/, line);
  }
});

test('metrics label unknown routes by pattern, not by raw path', async () => {
  const s = ctx.server;
  const marker = unique('nosuchroute');
  assertError(await s.request('GET', `/api/v1/${marker}`), 404, 'not_found');
  assertError(await s.request('DELETE', `/api/v1/users/${marker}`), 401, 'unauthenticated');
  const res = assertStatus(await s.request('GET', '/metrics'), 200);
  assert.ok(!res.text.includes(marker), 'a raw path leaked into metric labels');
  assert.match(res.text, /route="\/api\/v1\/users\/\{id\}"/);
});

test('every response has an X-Request-Id; a sane incoming one is echoed back', async () => {
  const s = ctx.server;
  // The harness checks X-Request-Id, nosniff and DENY on every response; exercise a few kinds.
  for (const [method, p] of [['GET', '/healthz'], ['GET', '/metrics'], ['GET', '/api/v1/me'],
    ['GET', '/api/v1/nope'], ['DELETE', '/healthz'], ['GET', '/'], ['GET', '/assets/nope.js']]) {
    const res = await s.request(method, p);
    assert.ok(res.headers.get('x-request-id').length > 0);
  }
  const a = await s.request('GET', '/healthz');
  const b = await s.request('GET', '/healthz');
  assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));

  const id = 'test-Req_1.2';
  const echoed = await s.request('GET', '/healthz', { headers: { 'x-request-id': id } });
  assert.equal(echoed.headers.get('x-request-id'), id);
  const echoedErr = await s.request('GET', '/api/v1/me', { headers: { 'x-request-id': id } });
  assert.equal(echoedErr.status, 401);
  assert.equal(echoedErr.headers.get('x-request-id'), id);

  // Unsafe ids (log injection, absurd length) are replaced, not echoed.
  for (const bad of ['has space', 'x'.repeat(200), 'a"b<c>']) {
    const res = await s.request('GET', '/healthz', { headers: { 'x-request-id': bad } });
    assert.notEqual(res.headers.get('x-request-id'), bad);
    assert.ok(res.headers.get('x-request-id').length > 0);
  }
});

test('security headers are on API, ops and error responses', async () => {
  const s = ctx.server;
  for (const p of ['/healthz', '/readyz', '/api/v1/me', '/api/v1/nope']) {
    const res = await s.request('GET', p);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', p);
  }
});

test('unknown /api routes answer a JSON 404 not_found', async () => {
  const s = ctx.server;
  for (const p of ['/api/v1/nope', '/api/v2/me', '/api/', '/api/v1/users/1/extra']) {
    assertError(await s.request('GET', p), 404, 'not_found');
  }
  assertError(await s.request('POST', '/api/v1/nope', { body: '{}', contentType: 'application/json' }), 404, 'not_found');
});

test('a known route with the wrong method answers 405 with an Allow header', async () => {
  const s = ctx.server;
  const cases = [
    ['DELETE', '/api/v1/me', ['GET', 'PATCH']],
    ['PUT', '/api/v1/users', ['GET', 'POST']],
    ['GET', '/api/v1/users/1', ['PATCH', 'DELETE']],
    ['GET', '/api/v1/auth/login', ['POST']],
    ['POST', '/healthz', ['GET']],
    ['POST', '/metrics', ['GET']],
  ];
  for (const [method, p, allowed] of cases) {
    const res = await s.request(method, p);
    assertError(res, 405, 'method_not_allowed');
    const allow = (res.headers.get('allow') ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    assert.deepEqual(allow.sort(), [...allowed].sort(), `Allow for ${method} ${p}`);
  }
});

function counter(text, route, method, status) {
  const re = new RegExp(`^kirim_http_requests_total\\{([^}]*)\\} (\\d+)$`, 'gm');
  let total = 0;
  for (const m of text.matchAll(re)) {
    const labels = m[1];
    if (labels.includes(`route="${route}"`) && labels.includes(`method="${method}"`) && labels.includes(`status="${status}"`)) {
      total += Number(m[2]);
    }
  }
  return total;
}

test('the request counter counts each request once', async () => {
  const s = ctx.server;
  const before = counter((await s.request('GET', '/metrics')).text, '/healthz', 'GET', '200');
  for (let i = 0; i < 3; i++) assertStatus(await s.request('GET', '/healthz'), 200);
  const after = counter((await s.request('GET', '/metrics')).text, '/healthz', 'GET', '200');
  assert.equal(after - before, 3);
});

test('a request that is not HTTP gets 400 bad_request as JSON, with the common headers', async () => {
  const raw = await rawExchange(ctx.server.port, 'THIS IS NOT HTTP\r\n\r\n');
  const [res] = parseRawResponses(raw);
  assert.equal(res.status, 400, raw.toString());
  assert.match(res.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(JSON.parse(res.text).error.code, 'bad_request');
  assert.ok(res.headers['x-request-id']);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  // The server is still there.
  assertStatus(await ctx.server.request('GET', '/healthz'), 200);
});
