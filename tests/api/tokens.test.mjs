// API tokens: creation, listing, use as Bearer, last_used_at and revocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile, assertError, assertStatus, ISO_UTC, unique, OWNER } from './harness.mjs';

let owner;
const ctx = serverForFile({
  setup: (c) => {
    owner = c.owner;
  },
});

function assertToken(t, expected = {}) {
  assert.deepEqual(Object.keys(t).sort(), ['created_at', 'id', 'last_used_at', 'name', 'prefix', 'user'], JSON.stringify(t));
  assert.ok(Number.isInteger(t.id) && t.id > 0);
  assert.match(t.created_at, ISO_UTC);
  assert.ok(t.last_used_at === null || ISO_UTC.test(t.last_used_at), JSON.stringify(t));
  assert.deepEqual(Object.keys(t.user).sort(), ['email', 'id', 'name']);
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(t[k], v, `token.${k}`);
}

async function createToken(name = unique('tok'), by = owner) {
  const res = assertStatus(await by.post('/api/v1/tokens', { name }), 201);
  return res.json;
}

test('creating a token answers 201 with the secret once; the prefix is its first 10 characters', async () => {
  const name = unique('ci');
  const res = assertStatus(await owner.post('/api/v1/tokens', { name: `  ${name}  ` }), 201);
  assert.deepEqual(Object.keys(res.json).sort(), ['secret', 'token']);
  const { secret, token } = res.json;
  assert.match(secret, /^kirim_[A-Za-z0-9_-]{20,}$/);
  assertToken(token, {
    name,
    prefix: secret.slice(0, 10),
    last_used_at: null,
    user: { id: owner.me.user.id, email: OWNER.email, name: owner.me.user.name },
  });
  assert.match(res.headers.get('cache-control') ?? '', /no-store/);
  // Two tokens never share a secret.
  const again = await createToken(name);
  assert.notEqual(again.secret, secret);
  assert.notEqual(again.token.id, token.id);
});

test('the list shows tokens without their secrets', async () => {
  const created = await createToken();
  const res = assertStatus(await owner.get('/api/v1/tokens'), 200);
  assert.ok(!res.text.includes(created.secret), 'the list leaks a secret');
  assert.ok(!res.text.includes(created.secret.slice(10)), 'the list leaks part of a secret');
  const listed = res.json.data.find((t) => t.id === created.token.id);
  assertToken(listed);
  assert.deepEqual(listed, created.token);
  for (const t of res.json.data) {
    assertToken(t);
    assert.ok(!('secret' in t) && !('token_hash' in t) && !('hash' in t));
  }
});

test('a secret works as Bearer, acts as its creator and sets last_used_at', async () => {
  const created = await createToken();
  const api = ctx.server.bearer(created.secret);
  const me = assertStatus(await api.get('/api/v1/me'), 200);
  assert.equal(me.json.user.id, owner.me.user.id);
  assert.equal(me.json.user.email, OWNER.email);
  assert.equal(me.json.role, 'owner');
  assert.equal(me.setCookies.length, 0, 'bearer requests get no cookies');
  // The token can manage tokens like its creator (and needs no CSRF token for it).
  const listed = assertStatus(await api.get('/api/v1/tokens'), 200).json.data.find((t) => t.id === created.token.id);
  assert.ok(listed);
  const after = (await owner.all('/api/v1/tokens')).find((t) => t.id === created.token.id);
  assert.notEqual(after.last_used_at, null, 'last_used_at stays null after use');
  assert.match(after.last_used_at, ISO_UTC);
  assert.ok(Date.parse(after.last_used_at) >= Date.parse(after.created_at) - 1000);
  // The secret works with the scheme in lower case too (RFC 9110: schemes are case-insensitive).
  assertStatus(await ctx.server.request('GET', '/api/v1/me', { headers: { authorization: `bearer ${created.secret}` } }), 200);
});

test('a token created by a token belongs to the same user', async () => {
  const parent = await createToken();
  const api = ctx.server.bearer(parent.secret);
  const child = assertStatus(await api.post('/api/v1/tokens', { name: unique('child') }), 201).json;
  assert.equal(child.token.user.id, owner.me.user.id);
  assertStatus(await ctx.server.bearer(child.secret).get('/api/v1/me'), 200);
});

test('revoking answers 204 and the token stops working at once; again is 404', async () => {
  const created = await createToken();
  const api = ctx.server.bearer(created.secret);
  assertStatus(await api.get('/api/v1/me'), 200);
  const before = (await owner.get('/api/v1/workspace')).json.stats.api_tokens;
  const res = assertStatus(await owner.delete(`/api/v1/tokens/${created.token.id}`), 204);
  assert.equal(res.text, '');
  assertError(await api.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(await api.patch('/api/v1/me', { name: 'Zombie' }), 401, 'unauthenticated');
  assert.ok(!(await owner.all('/api/v1/tokens')).some((t) => t.id === created.token.id));
  assert.equal((await owner.get('/api/v1/workspace')).json.stats.api_tokens, before - 1);
  assertError(await owner.delete(`/api/v1/tokens/${created.token.id}`), 404, 'not_found');
  assert.equal((await owner.get('/api/v1/me')).json.user.name, owner.me.user.name);
});

test('a token can revoke itself, and is dead right after', async () => {
  const created = await createToken();
  const api = ctx.server.bearer(created.secret);
  assertStatus(await api.delete(`/api/v1/tokens/${created.token.id}`), 204);
  assertError(await api.get('/api/v1/me'), 401, 'unauthenticated');
});

test('garbage and near-miss bearers are 401 unauthenticated', async () => {
  const created = await createToken();
  const s = ctx.server;
  const nearMisses = [
    'garbage',
    'kirim_',
    `kirim_${'A'.repeat(32)}`,
    created.secret.slice(0, -1),
    `${created.secret}x`,
    created.secret.toUpperCase() === created.secret ? `${created.secret}Q` : created.secret.toUpperCase(),
    created.token.prefix,
    `kirim_${'x'.repeat(5000)}`,
  ];
  for (const bad of nearMisses) {
    assertError(await s.bearer(bad).get('/api/v1/me'), 401, 'unauthenticated');
  }
  assertError(await s.request('GET', '/api/v1/me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401, 'unauthenticated');
  assertStatus(await s.bearer(created.secret).get('/api/v1/me'), 200);
});

test('tokens paginate like users', async () => {
  for (let i = 0; i < 3; i++) await createToken(`page-${i}`);
  const all = (await owner.get('/api/v1/tokens?limit=200')).json.data;
  assert.ok(all.length >= 3);
  const seen = [];
  let cursor = null;
  do {
    const res = assertStatus(await owner.get(`/api/v1/tokens?limit=2${cursor ? `&cursor=${cursor}` : ''}`), 200);
    assert.ok(res.json.data.length <= 2);
    seen.push(...res.json.data);
    cursor = res.json.next_cursor;
  } while (cursor !== null);
  assert.deepEqual(seen.map((t) => t.id), all.map((t) => t.id));
  assert.deepEqual(seen.map((t) => t.id), [...seen.map((t) => t.id)].sort((a, b) => a - b));
});
