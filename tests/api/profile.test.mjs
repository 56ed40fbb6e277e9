// The signed-in user's profile and password, and the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile, assertError, assertStatus, unique } from './harness.mjs';

let owner;
const ctx = serverForFile({
  setup: (c) => {
    owner = c.owner;
  },
});

test('PATCH /me trims and saves the name and answers Me', async () => {
  const s = ctx.server;
  const u = await s.createUser(owner, { role: 'viewer', name: 'Plain' });
  const c = await s.login(u.email, u.password);
  const res = assertStatus(await c.patch('/api/v1/me', { name: '  Ana  María  ' }), 200);
  assert.equal(res.json.user.name, 'Ana  María');
  assert.equal(res.json.user.id, u.id);
  assert.equal(res.json.role, 'viewer');
  assert.equal(res.json.csrf_token, c.csrf);
  assert.equal((await c.get('/api/v1/me')).json.user.name, 'Ana  María');
  assert.equal((await owner.all('/api/v1/users')).find((x) => x.id === u.id).name, 'Ana  María');
  // Names are limited to 200 characters.
  assertError(await c.patch('/api/v1/me', { name: 'n'.repeat(201) }), 400, 'validation_failed', { name: true });
  assertStatus(await c.patch('/api/v1/me', { name: 'n'.repeat(200) }), 200);
  assertError(await c.patch('/api/v1/me', { name: '' }), 400, 'validation_failed', { name: true });
  assert.equal((await c.get('/api/v1/me')).json.user.name, 'n'.repeat(200));
});

test('POST /me/password refuses a wrong current password and a short new one', async () => {
  const s = ctx.server;
  const u = await s.createUser(owner, { role: 'editor' });
  const c = await s.login(u.email, u.password);
  const wrong = await c.post('/api/v1/me/password', { current_password: 'not my password', new_password: 'a fine new password' });
  assertError(wrong, 400, 'validation_failed', { current_password: true });
  assert.ok(!('new_password' in wrong.json.error.details));
  const short = await c.post('/api/v1/me/password', { current_password: u.password, new_password: 'short' });
  assertError(short, 400, 'validation_failed', { new_password: true });
  // Neither changed anything: the old password still signs in, the session still works.
  assertStatus(await c.get('/api/v1/me'), 200);
  await s.login(u.email, u.password);
});

test('a password change: 204, old password out, new one in, other sessions end, this one stays', async () => {
  const s = ctx.server;
  const u = await s.createUser(owner, { role: 'admin' });
  const other = await s.login(u.email, u.password); // signed in before the change
  const current = await s.login(u.email, u.password);
  const next = 'the new password 123';
  const res = assertStatus(await current.post('/api/v1/me/password', { current_password: u.password, new_password: next }), 204);
  assert.equal(res.text, '');

  assertError(await other.get('/api/v1/me'), 401, 'unauthenticated');
  assertStatus(await current.get('/api/v1/me'), 200);
  assertStatus(await current.patch('/api/v1/me', { name: 'Still here' }), 200);

  const old = await s.anon().post('/api/v1/auth/login', { email: u.email, password: u.password },
    { headers: { 'x-forwarded-for': '10.201.0.1' } });
  assertError(old, 401, 'invalid_credentials');
  const fresh = await s.login(u.email, next);
  assert.equal(fresh.me.user.id, u.id);
  // The session that changed the password keeps working after the new login too.
  assertStatus(await current.get('/api/v1/me'), 200);
});

test('GET /workspace reports stats that match the lists', async () => {
  const s = ctx.server;
  await s.createUser(owner, { role: 'viewer' });
  assertStatus(await owner.post('/api/v1/tokens', { name: unique('stat') }), 201);
  const ws = assertStatus(await owner.get('/api/v1/workspace'), 200).json;
  assert.deepEqual(Object.keys(ws).sort(), ['created_at', 'id', 'name', 'settings', 'stats']);
  assert.deepEqual(Object.keys(ws.settings).sort(), ['default_region', 'opt_in_keywords', 'opt_out_keywords']);
  assert.equal(ws.id, owner.me.workspace.id);
  assert.deepEqual(Object.keys(ws.stats).sort(), ['api_tokens', 'users']);
  assert.equal(ws.stats.users, (await owner.all('/api/v1/users')).length);
  assert.equal(ws.stats.api_tokens, (await owner.all('/api/v1/tokens')).length);

  // They follow changes.
  const extra = await s.createUser(owner, { role: 'viewer' });
  const tok = assertStatus(await owner.post('/api/v1/tokens', { name: unique('stat') }), 201).json;
  const after = (await owner.get('/api/v1/workspace')).json.stats;
  assert.deepEqual(after, { users: ws.stats.users + 1, api_tokens: ws.stats.api_tokens + 1 });
  assertStatus(await owner.delete(`/api/v1/users/${extra.id}`), 204);
  assertStatus(await owner.delete(`/api/v1/tokens/${tok.token.id}`), 204);
  assert.deepEqual((await owner.get('/api/v1/workspace')).json.stats, ws.stats);
});

test('PATCH /workspace renames for owners and admins; editors and viewers get 403', async () => {
  const s = ctx.server;
  const admin = await s.createUser(owner, { role: 'admin' });
  const a = await s.login(admin.email, admin.password);
  const name = unique('Acme');
  const res = assertStatus(await a.patch('/api/v1/workspace', { name: `  ${name}  ` }), 200);
  assert.equal(res.json.name, name);
  assert.equal(res.json.id, owner.me.workspace.id);
  assert.equal((await owner.get('/api/v1/workspace')).json.name, name);
  assert.equal((await owner.get('/api/v1/me')).json.workspace.name, name);

  for (const role of ['editor', 'viewer']) {
    const u = await s.createUser(owner, { role });
    const c = await s.login(u.email, u.password);
    assertError(await c.patch('/api/v1/workspace', { name: 'Taken over' }), 403, 'forbidden');
    assert.equal((await c.get('/api/v1/workspace')).json.name, name);
  }
  assertError(await owner.patch('/api/v1/workspace', { name: '' }), 400, 'validation_failed', { name: true });
  assertError(await owner.patch('/api/v1/workspace', { name: 'w'.repeat(201) }), 400, 'validation_failed', { name: true });
  const owned = assertStatus(await owner.patch('/api/v1/workspace', { name: 'Owner Co' }), 200);
  assert.equal(owned.json.name, 'Owner Co');
});
