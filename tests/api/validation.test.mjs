// Bad input on the write endpoints, bad query and path parameters; and that a request that fails
// changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverForFile, assertError, assertStatus, unique, rawExchange, parseRawResponses, OWNER,
} from './harness.mjs';

let owner;
let victim; // a user whose PATCH /users/{id} we try to break
const ctx = serverForFile({
  setup: async (c) => {
    owner = c.owner;
    victim = await c.server.createUser(owner, { role: 'editor', name: 'Victim' });
    assertStatus(await owner.post('/api/v1/tokens', { name: 'existing' }), 201);
  },
});

// Everything a failed write could have touched, as the owner sees it.
async function snapshot() {
  const me = assertStatus(await owner.get('/api/v1/me'), 200).json;
  const workspace = assertStatus(await owner.get('/api/v1/workspace'), 200).json;
  return { me, workspace, users: await owner.all('/api/v1/users'), tokens: await owner.all('/api/v1/tokens') };
}

// The writes under test: a valid body for each, and who sends it.
function writes() {
  return [
    { method: 'POST', path: '/api/v1/users', body: { email: `${unique('v')}@example.com`, name: 'N', password: 'password-1234', role: 'viewer' }, field: 'name' },
    { method: 'PATCH', path: `/api/v1/users/${victim.id}`, body: { name: 'Changed' }, field: 'name' },
    { method: 'PATCH', path: '/api/v1/me', body: { name: 'Changed' }, field: 'name' },
    { method: 'POST', path: '/api/v1/me/password', body: { current_password: OWNER.password, new_password: 'a whole new password' }, field: 'new_password' },
    { method: 'PATCH', path: '/api/v1/workspace', body: { name: 'Changed' }, field: 'name' },
    { method: 'POST', path: '/api/v1/tokens', body: { name: 'changed' }, field: 'name' },
    { method: 'POST', path: '/api/v1/auth/login', body: { email: OWNER.email, password: OWNER.password }, field: 'email', anon: true },
  ];
}

function send(w, opts) {
  const client = w.anon ? ctx.server.anon() : owner;
  return client.request(w.method, w.path, opts);
}

async function expectNoChange(before, what) {
  const after = await snapshot();
  assert.deepEqual(after, before, `state changed after ${what}`);
}

test('malformed JSON is 400 invalid_json and changes nothing', async () => {
  const before = await snapshot();
  for (const w of writes()) {
    for (const raw of ['{"name": ', '{name: "x"}', "{'name': 'x'}", '', '{"name":"x"} trailing', '\u0000']) {
      const res = await send(w, { body: raw, contentType: 'application/json' });
      assertError(res, 400, 'invalid_json');
    }
  }
  await expectNoChange(before, 'malformed JSON');
});

test('a JSON body that is not an object is 400 invalid_json', async () => {
  const before = await snapshot();
  for (const w of writes()) {
    for (const raw of [JSON.stringify([w.body]), '[]', '"name"', '42', 'null', 'true']) {
      const res = await send(w, { body: raw, contentType: 'application/json' });
      assertError(res, 400, 'invalid_json');
    }
  }
  await expectNoChange(before, 'non-object JSON');
});

test('fields of the wrong type are 400 validation_failed naming the field', async () => {
  const before = await snapshot();
  for (const w of writes()) {
    for (const bad of [42, true, [], { nested: 1 }]) {
      const res = await send(w, { json: { ...w.body, [w.field]: bad } });
      assertError(res, 400, 'validation_failed', { [w.field]: true });
      // Only the bad field is named.
      assert.deepEqual(Object.keys(res.json.error.details), [w.field], `${res}`);
    }
  }
  // Several bad fields at once are all reported.
  const res = await owner.post('/api/v1/users', { email: 1, name: [], password: false, role: 'emperor' });
  assertError(res, 400, 'validation_failed', { email: true, name: true, password: true, role: true });
  await expectNoChange(before, 'wrong types');
});

test('missing and empty required fields are 400 validation_failed', async () => {
  const before = await snapshot();
  for (const w of writes()) {
    const { [w.field]: _, ...rest } = w.body;
    // PATCH /users/{id} has no required field; elsewhere the field is required.
    const optional = w.method === 'PATCH' && w.path.startsWith('/api/v1/users/');
    if (!optional) assertError(await send(w, { json: rest }), 400, 'validation_failed', { [w.field]: true });
    assertError(await send(w, { json: { ...w.body, [w.field]: '' } }), 400, 'validation_failed', { [w.field]: true });
    assertError(await send(w, { json: { ...w.body, [w.field]: '   ' } }), 400, 'validation_failed', { [w.field]: true });
  }
  assertError(await owner.post('/api/v1/users', {}), 400, 'validation_failed',
    { email: true, name: true, password: true, role: true });
  await expectNoChange(before, 'missing fields');
});

test('an unknown field is 400 validation_failed with "is not a known field"', async () => {
  const before = await snapshot();
  for (const w of writes()) {
    const res = await send(w, { json: { ...w.body, bogus: 1 } });
    assertError(res, 400, 'validation_failed', { bogus: 'is not a known field' });
    // The valid fields are not reported.
    assert.deepEqual(Object.keys(res.json.error.details), ['bogus'], `${res}`);
  }
  // An unknown field on a PATCH must not let the known ones through.
  assertError(await owner.patch('/api/v1/me', { name: 'Sneaky', role: 'viewer' }), 400, 'validation_failed',
    { role: 'is not a known field' });
  await expectNoChange(before, 'unknown fields');
});

test('a body that is not application/json is 415 unsupported_media_type', async () => {
  const before = await snapshot();
  for (const w of writes()) {
    const raw = JSON.stringify(w.body);
    // No Content-Type at all (a Buffer body makes fetch send none).
    assertError(await send(w, { body: Buffer.from(raw) }), 415, 'unsupported_media_type');
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      assertError(await send(w, { body: raw, contentType: type }), 415, 'unsupported_media_type');
    }
  }
  await expectNoChange(before, 'wrong media types');
  // A charset parameter is fine.
  const ok = await owner.request('PATCH', '/api/v1/workspace', { body: JSON.stringify({ name: before.workspace.name }), contentType: 'application/json; charset=utf-8' });
  assertStatus(ok, 200);
});

test('media types are case-insensitive: Application/JSON is JSON', async () => {
  // RFC 9110 section 8.3.1: type and subtype are case-insensitive.
  const name = (await owner.get('/api/v1/workspace')).json.name;
  for (const type of ['Application/JSON', 'APPLICATION/JSON; charset=UTF-8']) {
    const res = await owner.request('PATCH', '/api/v1/workspace', { body: JSON.stringify({ name }), contentType: type });
    assertStatus(res, 200);
  }
});

test('a body over 1 MiB is 413 payload_too_large; one just under it is read', async () => {
  const before = await snapshot();
  const big = JSON.stringify({ name: 'a'.repeat(1024 * 1024) });
  // Raw requests: the server answers 413 after the head and closes, while the client may still be
  // sending the body; fetch may then report the broken pipe instead of the answer.
  for (const w of writes()) {
    const head = `${w.method} ${w.path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(big)}\r\n` +
      (w.anon ? '' : `Cookie: ${owner.cookieHeader()}\r\nX-CSRF-Token: ${owner.csrf}\r\n`) + '\r\n';
    const raw = await rawExchange(ctx.server.port, head + big, { allowReset: true });
    assert.ok(raw.length > 0, `${w.method} ${w.path}: the connection closed without an answer`);
    const [res] = parseRawResponses(raw);
    assert.equal(res.status, 413, `${w.method} ${w.path}: ${res.text}`);
    assert.deepEqual(Object.keys(JSON.parse(res.text).error).sort(), ['code', 'message']);
    assert.equal(JSON.parse(res.text).error.code, 'payload_too_large');
    assert.ok(res.headers['x-request-id']);
  }
  // fetch with a body announced as too large (it may or may not see the answer, see above).
  try {
    const res = await owner.request('PATCH', '/api/v1/me', { body: big, contentType: 'application/json' });
    assertError(res, 413, 'payload_too_large');
  } catch (e) {
    assert.match(String(e.message), /EPIPE|ECONNRESET|other side closed|socket/i, String(e.message));
  }
  // Just under the limit: parsed, then refused for the name's length.
  const under = JSON.stringify({ name: 'a'.repeat(1024 * 1024 - 20) });
  assert.ok(Buffer.byteLength(under) <= 1024 * 1024);
  const res = await owner.request('PATCH', '/api/v1/me', { body: under, contentType: 'application/json' });
  assertError(res, 400, 'validation_failed', { name: true });
  await expectNoChange(before, 'oversized bodies');
  // The server is still fine.
  assertStatus(await ctx.server.request('GET', '/healthz'), 200);
});

test('a chunked body that grows over 1 MiB is 413 too', async () => {
  const chunk = 'a'.repeat(64 * 1024);
  let req = 'PATCH /api/v1/me HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
    `Cookie: ${owner.cookieHeader()}\r\nX-CSRF-Token: ${owner.csrf}\r\nTransfer-Encoding: chunked\r\n\r\n`;
  req += '9\r\n{"name":"\r\n';
  for (let i = 0; i < 17; i++) req += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  req += '2\r\n"}\r\n0\r\n\r\n';
  const [res] = parseRawResponses(await rawExchange(ctx.server.port, req));
  assert.equal(res.status, 413, res.text);
  assert.equal(JSON.parse(res.text).error.code, 'payload_too_large');
  assert.equal((await owner.get('/api/v1/me')).json.user.name, 'Owner');
});

test('absurdly nested JSON is refused as invalid_json, and the server survives', async () => {
  const deep = `{"name":${'['.repeat(50000)}${']'.repeat(50000)}}`;
  assertError(await owner.request('PATCH', '/api/v1/me', { body: deep, contentType: 'application/json' }), 400, 'invalid_json');
  const invalidUtf8 = Buffer.from([...Buffer.from('{"name":"'), 0xff, 0xfe, ...Buffer.from('"}')]);
  assertError(await owner.request('PATCH', '/api/v1/me', { body: invalidUtf8, contentType: 'application/json' }), 400, 'invalid_json');
  assertStatus(await ctx.server.request('GET', '/healthz'), 200);
});

test('bad ?limit is 400 validation_failed naming limit; limits 1 and 200 are fine', async () => {
  for (const list of ['/api/v1/users', '/api/v1/tokens']) {
    for (const limit of ['0', '201', 'abc', '-1', '1.5', '2x', '99999999999999999999', '%20']) {
      const res = await owner.get(`${list}?limit=${limit}`);
      assertError(res, 400, 'validation_failed', { limit: true });
    }
    for (const limit of ['1', '200']) {
      const res = assertStatus(await owner.get(`${list}?limit=${limit}`), 200);
      assert.ok(Array.isArray(res.json.data));
      assert.ok(res.json.data.length <= Number(limit));
    }
    const dflt = assertStatus(await owner.get(list), 200);
    assert.deepEqual(Object.keys(dflt.json).sort(), ['data', 'next_cursor']);
  }
});

test('a bad ?cursor is 400 bad_request', async () => {
  for (const list of ['/api/v1/users', '/api/v1/tokens']) {
    for (const cursor of ['abc', '-5', '1x', '1.0', '99999999999999999999999']) {
      const res = await owner.get(`${list}?cursor=${cursor}`);
      assertError(res, 400, 'bad_request');
    }
    // A cursor past the end is an empty last page.
    const res = assertStatus(await owner.get(`${list}?cursor=999999999`), 200);
    assert.deepEqual(res.json, { data: [], next_cursor: null });
  }
});

test('non-numeric, zero, negative and unknown ids are 404 not_found and change nothing', async () => {
  const before = await snapshot();
  for (const id of ['abc', '0', '-1', '1.5', '1e3', '0x10', '99999999', '99999999999999999999999', '%20']) {
    assertError(await owner.patch(`/api/v1/users/${id}`, { name: 'X' }), 404, 'not_found');
    assertError(await owner.delete(`/api/v1/users/${id}`), 404, 'not_found');
    assertError(await owner.delete(`/api/v1/tokens/${id}`), 404, 'not_found');
  }
  await expectNoChange(before, 'bad ids');
});

test('a failed write among good ones leaves exactly the good ones', async () => {
  // A good rename, then a rename with an unknown field: only the first sticks.
  const name = unique('ws');
  assertStatus(await owner.patch('/api/v1/workspace', { name }), 200);
  assertError(await owner.patch('/api/v1/workspace', { name: 'Other', extra: true }), 400, 'validation_failed');
  assert.equal((await owner.get('/api/v1/workspace')).json.name, name);
  // A user creation that fails validation does not create the user.
  const email = `${unique('half')}@example.com`;
  assertError(await owner.post('/api/v1/users', { email, name: 'Half', password: 'short', role: 'viewer' }),
    400, 'validation_failed', { password: true });
  const users = await owner.all('/api/v1/users');
  assert.ok(!users.some((u) => u.email === email));
  // The password is unchanged after a refused change: the old one still signs in.
  assertError(await owner.post('/api/v1/me/password', { current_password: OWNER.password, new_password: 'short' }),
    400, 'validation_failed', { new_password: true });
  await ctx.server.login(OWNER.email, OWNER.password);
});
