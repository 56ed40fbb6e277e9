// Team management: creating users, roles and what each role may do, the last owner, removal,
// pagination and workspace isolation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  serverForFile, assertError, assertStatus, assertUser, unique, OWNER,
} from './harness.mjs';

let owner;
let ownerId;
const ctx = serverForFile({
  setup: (c) => {
    owner = c.owner;
    ownerId = owner.me.user.id;
  },
});

const email = (p = 'user') => `${unique(p)}@example.com`;

async function allUsers() {
  return owner.all('/api/v1/users');
}

test('an owner creates admin, editor and viewer users (201, a User)', async () => {
  for (const role of ['admin', 'editor', 'viewer']) {
    const e = email(role);
    const res = await owner.post('/api/v1/users', { email: e, name: `  The ${role}  `, password: 'password-1234', role });
    assertStatus(res, 201);
    assertUser(res.json, { email: e, role, name: `The ${role}` });
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const listed = (await allUsers()).find((u) => u.id === res.json.id);
    assert.deepEqual(listed, res.json);
    // The new user can sign in with the password they were given.
    const c = await ctx.server.login(e, 'password-1234');
    assert.equal(c.me.role, role);
    assert.equal(c.me.workspace.id, owner.me.workspace.id);
  }
});

test('an owner can create another owner; emails are stored lower-case', async () => {
  const res = assertStatus(await owner.post('/api/v1/users', { email: 'Second.Owner@Example.COM', name: 'Two', password: 'password-1234', role: 'owner' }), 201);
  assertUser(res.json, { email: 'second.owner@example.com', role: 'owner' });
  // Tidy up: the owner can remove another owner while one remains.
  assertStatus(await owner.delete(`/api/v1/users/${res.json.id}`), 204);
});

test('a duplicate email, in any case, is 409 conflict with details.email; nothing is created', async () => {
  const e = email('dup');
  assertStatus(await owner.post('/api/v1/users', { email: e, name: 'First', password: 'password-1234', role: 'viewer' }), 201);
  const before = await allUsers();
  for (const again of [e, e.toUpperCase(), `  ${e}  `, OWNER.email.toUpperCase()]) {
    const res = await owner.post('/api/v1/users', { email: again, name: 'Second', password: 'password-1234', role: 'editor' });
    assertError(res, 409, 'conflict', { email: true });
  }
  assert.deepEqual(await allUsers(), before);
});

test('concurrent creations with one email: exactly one 201, the others 409 conflict', async () => {
  const e = email('race');
  const results = await Promise.all(Array.from({ length: 5 }, (_, i) =>
    owner.post('/api/v1/users', { email: i % 2 ? e.toUpperCase() : e, name: `Racer ${i}`, password: 'password-1234', role: 'viewer' })));
  const created = results.filter((r) => r.status === 201);
  assert.equal(created.length, 1, results.map(String).join('\n'));
  for (const r of results) {
    if (r.status !== 201) assertError(r, 409, 'conflict', { email: true });
  }
  assert.equal((await allUsers()).filter((u) => u.email === e).length, 1);
});

test('a password shorter than 10 characters is 400 with details.password', async () => {
  const before = await allUsers();
  for (const password of ['short', '123456789', 'x']) {
    const res = await owner.post('/api/v1/users', { email: email('pw'), name: 'P', password, role: 'viewer' });
    assertError(res, 400, 'validation_failed', { password: true });
  }
  const invalid = await owner.post('/api/v1/users', { email: 'not-an-email', name: 'P', password: 'password-1234', role: 'viewer' });
  assertError(invalid, 400, 'validation_failed', { email: true });
  const role = await owner.post('/api/v1/users', { email: email('r'), name: 'P', password: 'password-1234', role: 'superuser' });
  assertError(role, 400, 'validation_failed', { role: true });
  assert.deepEqual(await allUsers(), before);
  // Exactly 10 is enough.
  assertStatus(await owner.post('/api/v1/users', { email: email('pw10'), name: 'P', password: '0123456789', role: 'viewer' }), 201);
});

test('a password with surrounding spaces signs in exactly as it was set', async () => {
  const e = email('spaces');
  const password = '  spaced out password  ';
  assertStatus(await owner.post('/api/v1/users', { email: e, name: 'Spaces', password, role: 'viewer' }), 201);
  const res = await ctx.server.anon().post('/api/v1/auth/login', { email: e, password },
    { headers: { 'x-forwarded-for': '10.200.0.1' } });
  assertStatus(res, 200);
});

test('editors and viewers get 403 forbidden on every management endpoint; all may read', async () => {
  const s = ctx.server;
  const target = await s.createUser(owner, { role: 'viewer', name: 'Target' });
  const token = assertStatus(await owner.post('/api/v1/tokens', { name: 'owner-token' }), 201).json.token;
  const beforeUsers = await allUsers();
  const beforeWs = (await owner.get('/api/v1/workspace')).json;
  for (const role of ['editor', 'viewer']) {
    const u = await s.createUser(owner, { role });
    const c = await s.login(u.email, u.password);
    const denied = [
      ['POST', '/api/v1/users', { email: email('x'), name: 'X', password: 'password-1234', role: 'viewer' }],
      ['PATCH', `/api/v1/users/${target.id}`, { role: 'admin' }],
      ['PATCH', `/api/v1/users/${u.id}`, { role: 'admin' }], // not even themselves
      ['DELETE', `/api/v1/users/${target.id}`],
      ['GET', '/api/v1/tokens'],
      ['POST', '/api/v1/tokens', { name: 'mine' }],
      ['DELETE', `/api/v1/tokens/${token.id}`],
      ['PATCH', '/api/v1/workspace', { name: 'Hijacked' }],
    ];
    for (const [method, p, json] of denied) {
      const res = await c.request(method, p, json ? { json } : {});
      assertError(res, 403, 'forbidden');
    }
    const users = assertStatus(await c.get('/api/v1/users'), 200);
    assert.ok(users.json.data.some((x) => x.id === ownerId));
    assertStatus(await c.get('/api/v1/workspace'), 200);
    assertStatus(await c.get('/api/v1/me'), 200);
    // Their own profile is theirs to change.
    assertStatus(await c.patch('/api/v1/me', { name: `${role} renamed` }), 200);
  }
  const afterUsers = await allUsers();
  for (const u of beforeUsers) {
    assert.deepEqual(afterUsers.find((x) => x.id === u.id), u);
  }
  assert.equal((await owner.get('/api/v1/workspace')).json.name, beforeWs.name);
  assert.ok((await owner.all('/api/v1/tokens')).some((t) => t.id === token.id));
  assertStatus(await owner.delete(`/api/v1/tokens/${token.id}`), 204);
});

test('an admin manages non-owners but cannot make, unmake or remove an owner', async () => {
  const s = ctx.server;
  const admin = await s.createUser(owner, { role: 'admin' });
  const a = await s.login(admin.email, admin.password);
  // Allowed: create, promote to admin, rename, demote, remove non-owners.
  const e = assertStatus(await a.post('/api/v1/users', { email: email('byadmin'), name: 'E', password: 'password-1234', role: 'editor' }), 201).json;
  assertUser(assertStatus(await a.patch(`/api/v1/users/${e.id}`, { role: 'admin' }), 200).json, { role: 'admin' });
  assertUser(assertStatus(await a.patch(`/api/v1/users/${e.id}`, { role: 'viewer', name: ' Vee ' }), 200).json, { role: 'viewer', name: 'Vee' });
  assertStatus(await a.delete(`/api/v1/users/${e.id}`), 204);
  // Refused: anything that makes or unmakes an owner.
  assertError(await a.post('/api/v1/users', { email: email('own'), name: 'O', password: 'password-1234', role: 'owner' }), 403, 'forbidden');
  assertError(await a.patch(`/api/v1/users/${ownerId}`, { role: 'admin' }), 403, 'forbidden');
  assertError(await a.patch(`/api/v1/users/${ownerId}`, { role: 'viewer' }), 403, 'forbidden');
  assertError(await a.patch(`/api/v1/users/${admin.id}`, { role: 'owner' }), 403, 'forbidden');
  assertError(await a.delete(`/api/v1/users/${ownerId}`), 403, 'forbidden');
  const o = (await allUsers()).find((u) => u.id === ownerId);
  assert.equal(o.role, 'owner');
  assert.equal((await allUsers()).find((u) => u.id === admin.id).role, 'admin');
});

test('the last owner cannot be demoted (409); with two owners one may step down', async () => {
  const s = ctx.server;
  for (const role of ['admin', 'editor', 'viewer']) {
    assertError(await owner.patch(`/api/v1/users/${ownerId}`, { role }), 409, 'conflict');
  }
  assert.equal((await allUsers()).find((u) => u.id === ownerId).role, 'owner');
  // Setting the same role is not a change.
  assertStatus(await owner.patch(`/api/v1/users/${ownerId}`, { role: 'owner' }), 200);

  const second = await s.createUser(owner, { role: 'owner' });
  const b = await s.login(second.email, second.password);
  // b steps down while two owners exist; then b (now admin) cannot touch the owner,
  // and the remaining owner still cannot demote themselves.
  assertUser(assertStatus(await b.patch(`/api/v1/users/${second.id}`, { role: 'admin' }), 200).json, { role: 'admin' });
  assertError(await owner.patch(`/api/v1/users/${ownerId}`, { role: 'admin' }), 409, 'conflict');
  // The role change shows at once in b's session.
  assert.equal((await b.get('/api/v1/me')).json.role, 'admin');
  assertStatus(await owner.delete(`/api/v1/users/${second.id}`), 204);
});

test('two owners demoting each other at once leave exactly one owner', async () => {
  const s = ctx.server;
  const second = await s.createUser(owner, { role: 'owner' });
  const b = await s.login(second.email, second.password);
  const [r1, r2] = await Promise.all([
    owner.patch(`/api/v1/users/${second.id}`, { role: 'admin' }),
    b.patch(`/api/v1/users/${ownerId}`, { role: 'admin' }),
  ]);
  // One wins. The other is refused: 409 if it got past the role check while both were owners
  // (the last-owner rule), 403 if the winner had already demoted its author.
  assert.equal([r1, r2].filter((r) => r.status === 200).length, 1, `${r1}\n${r2}`);
  for (const r of [r1, r2]) {
    if (r.status === 409) assertError(r, 409, 'conflict');
    else if (r.status !== 200) assertError(r, 403, 'forbidden');
  }
  const owners = (await allUsers()).filter((u) => u.role === 'owner');
  assert.equal(owners.length, 1, JSON.stringify(owners));
  // Put things back: whoever is the owner now makes the bootstrap owner the only owner again.
  if (owners[0].id !== ownerId) {
    assertStatus(await b.patch(`/api/v1/users/${ownerId}`, { role: 'owner' }), 200);
  }
  assertStatus(await owner.delete(`/api/v1/users/${second.id}`), 204);
  assert.equal((await owner.get('/api/v1/me')).json.role, 'owner');
});

test('removing yourself is 409, even for a non-last owner', async () => {
  const s = ctx.server;
  assertError(await owner.delete(`/api/v1/users/${ownerId}`), 409, 'conflict');
  const admin = await s.createUser(owner, { role: 'admin' });
  const a = await s.login(admin.email, admin.password);
  assertError(await a.delete(`/api/v1/users/${admin.id}`), 409, 'conflict');
  const second = await s.createUser(owner, { role: 'owner' });
  const b = await s.login(second.email, second.password);
  assertError(await b.delete(`/api/v1/users/${second.id}`), 409, 'conflict');
  const ids = (await allUsers()).map((u) => u.id);
  for (const id of [ownerId, admin.id, second.id]) assert.ok(ids.includes(id));
  // The other owner can remove the second one.
  assertStatus(await owner.delete(`/api/v1/users/${second.id}`), 204);
  assertError(await b.get('/api/v1/me'), 401, 'unauthenticated');
});

test('removing a user ends their sessions and revokes their tokens', async () => {
  const s = ctx.server;
  const admin = await s.createUser(owner, { role: 'admin' });
  const a1 = await s.login(admin.email, admin.password);
  const a2 = await s.login(admin.email, admin.password);
  const created = assertStatus(await a1.post('/api/v1/tokens', { name: 'admin-token' }), 201).json;
  const api = s.bearer(created.secret);
  assertStatus(await api.get('/api/v1/me'), 200);
  const statsBefore = (await owner.get('/api/v1/workspace')).json.stats;

  const res = assertStatus(await owner.delete(`/api/v1/users/${admin.id}`), 204);
  assert.equal(res.text, '');
  assertError(await a1.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(await a2.get('/api/v1/users'), 401, 'unauthenticated');
  assertError(await api.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(await api.post('/api/v1/tokens', { name: 'again' }), 401, 'unauthenticated');
  assert.ok(!(await allUsers()).some((u) => u.id === admin.id));
  assert.ok(!(await owner.all('/api/v1/tokens')).some((t) => t.id === created.token.id));
  const statsAfter = (await owner.get('/api/v1/workspace')).json.stats;
  assert.equal(statsAfter.users, statsBefore.users - 1);
  assert.equal(statsAfter.api_tokens, statsBefore.api_tokens - 1);
  // They cannot sign in any more, and the removed user is gone: 404 on a second removal.
  assertError(await s.anon().post('/api/v1/auth/login', { email: admin.email, password: admin.password },
    { headers: { 'x-forwarded-for': '10.200.0.2' } }), 401, 'invalid_credentials');
  assertError(await owner.delete(`/api/v1/users/${admin.id}`), 404, 'not_found');
  assertError(await owner.patch(`/api/v1/users/${admin.id}`, { name: 'Ghost' }), 404, 'not_found');
  // The email is free again.
  assertStatus(await owner.post('/api/v1/users', { email: admin.email, name: 'Again', password: 'password-1234', role: 'viewer' }), 201);
});

test('a role change applies at once to the user\'s sessions and tokens', async () => {
  const s = ctx.server;
  const admin = await s.createUser(owner, { role: 'admin' });
  const a = await s.login(admin.email, admin.password);
  const created = assertStatus(await a.post('/api/v1/tokens', { name: 'soon-viewer' }), 201).json;
  const api = s.bearer(created.secret);
  assertStatus(await api.get('/api/v1/tokens'), 200);
  assertStatus(await owner.patch(`/api/v1/users/${admin.id}`, { role: 'viewer' }), 200);
  assertError(await a.get('/api/v1/tokens'), 403, 'forbidden');
  assertError(await api.get('/api/v1/tokens'), 403, 'forbidden');
  assert.equal((await api.get('/api/v1/me')).json.role, 'viewer');
  assert.equal((await a.get('/api/v1/me')).json.role, 'viewer');
});

test('pagination: limit=2 walks every user exactly once, in id order', async () => {
  const s = ctx.server;
  for (let i = 0; i < 4; i++) await s.createUser(owner, { role: 'viewer', name: `Page ${i}` });
  const everyone = (await owner.get('/api/v1/users?limit=200')).json.data;
  assert.ok(everyone.length > 3);
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
    const res = assertStatus(await owner.get(`/api/v1/users${q}`), 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['data', 'next_cursor']);
    assert.ok(res.json.data.length <= 2);
    assert.ok(res.json.data.length > 0, 'no empty pages before the end');
    for (const u of res.json.data) assertUser(u);
    seen.push(...res.json.data);
    cursor = res.json.next_cursor;
    assert.ok(cursor === null || typeof cursor === 'string', `next_cursor must be a string or null: ${res}`);
    pages += 1;
    assert.ok(pages <= everyone.length, 'pagination does not end');
  } while (cursor !== null);
  assert.equal(pages, Math.ceil(everyone.length / 2));
  const ids = seen.map((u) => u.id);
  assert.equal(new Set(ids).size, ids.length, 'a user was seen twice');
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'not in id order');
  assert.deepEqual(seen, everyone);
});

// ------------------------------------------------------------------------------------------
// Another workspace. The API cannot create one, so the test writes it into the database with
// the sqlite3 shell (skipped when that is not installed).

function sqlite(db, sql) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' }).trim();
}

function haveSqlite() {
  try { execFileSync('sqlite3', ['-version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

test('resources of another workspace are 404 and invisible', { skip: !haveSqlite() && 'sqlite3 shell not installed' }, async () => {
  const s = ctx.server;
  const db = path.join(s.dataDir, 'kirim.db');
  // A user of this workspace, moved by hand into a new workspace 2 as its owner.
  const other = await s.createUser(owner, { role: 'admin', name: 'Other Owner' });
  const wsId = Number(sqlite(db,
    `BEGIN; INSERT INTO workspaces (name, created_at) VALUES ('Other', 0);
     UPDATE memberships SET workspace_id = last_insert_rowid(), role = 'owner' WHERE user_id = ${other.id};
     COMMIT; SELECT workspace_id FROM memberships WHERE user_id = ${other.id};`));
  assert.notEqual(wsId, owner.me.workspace.id);
  const o = await s.login(other.email, other.password);
  assert.equal(o.me.workspace.id, wsId);
  assert.equal(o.me.role, 'owner');
  const theirUser = await s.createUser(o, { role: 'editor' });
  const theirToken = assertStatus(await o.post('/api/v1/tokens', { name: 'theirs' }), 201).json;
  const ourToken = assertStatus(await owner.post('/api/v1/tokens', { name: 'ours' }), 201).json;

  // Neither side sees or touches the other's users or tokens.
  assert.ok(!(await allUsers()).some((u) => u.id === theirUser.id || u.id === other.id));
  assert.ok(!(await owner.all('/api/v1/tokens')).some((t) => t.id === theirToken.token.id));
  const theirs = await o.all('/api/v1/users');
  assert.deepEqual(theirs.map((u) => u.id).sort(), [other.id, theirUser.id].sort());
  assertError(await owner.patch(`/api/v1/users/${theirUser.id}`, { name: 'Mine now' }), 404, 'not_found');
  assertError(await owner.patch(`/api/v1/users/${other.id}`, { role: 'viewer' }), 404, 'not_found');
  assertError(await owner.delete(`/api/v1/users/${theirUser.id}`), 404, 'not_found');
  assertError(await owner.delete(`/api/v1/tokens/${theirToken.token.id}`), 404, 'not_found');
  assertError(await o.patch(`/api/v1/users/${ownerId}`, { name: 'Mine now' }), 404, 'not_found');
  assertError(await o.delete(`/api/v1/users/${ownerId}`), 404, 'not_found');
  assertError(await o.delete(`/api/v1/tokens/${ourToken.token.id}`), 404, 'not_found');
  // Their token acts in their workspace only.
  const api = s.bearer(theirToken.secret);
  assert.equal((await api.get('/api/v1/workspace')).json.id, wsId);
  assertError(await api.delete(`/api/v1/users/${ownerId}`), 404, 'not_found');
  // Stats count only the own workspace.
  const stats = (await o.get('/api/v1/workspace')).json.stats;
  assert.deepEqual(stats, { users: 2, api_tokens: 1 });
  // Everything is still there.
  assert.equal((await o.all('/api/v1/users')).length, 2);
  assert.ok((await owner.all('/api/v1/tokens')).some((t) => t.id === ourToken.token.id));
  assertStatus(await api.get('/api/v1/me'), 200);
  assertStatus(await owner.delete(`/api/v1/tokens/${ourToken.token.id}`), 204);
});
