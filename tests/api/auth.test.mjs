// Sign-in, sign-out, sessions, cookies, CSRF and the login rate limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverForFile, assertError, assertStatus, assertUser, cookiesByName, unique, OWNER,
} from './harness.mjs';

let owner; // a cookie client of the bootstrap owner, shared by the tests that only read
const ctx = serverForFile({ setup: (c) => { owner = c.owner; } });

// Each test that makes failed logins does so from its own (forwarded) address, so that the
// per-address limit of one test never spills into another.
const fromAddress = () => ({ 'x-forwarded-for': `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` });

function assertMe(me, { email, role }) {
  assert.deepEqual(Object.keys(me).sort(), ['csrf_token', 'role', 'user', 'workspace']);
  assertUser(me.user, { email, role });
  assert.equal(me.role, role);
  assert.deepEqual(Object.keys(me.workspace).sort(), ['created_at', 'id', 'name']);
  assert.ok(Number.isInteger(me.workspace.id));
  assert.equal(typeof me.csrf_token, 'string');
  assert.ok(me.csrf_token.length >= 16, 'csrf token too short');
}

test('login answers Me and sets an HttpOnly session cookie and a readable CSRF cookie', async () => {
  const c = ctx.server.anon();
  const res = await c.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
  assertStatus(res, 200);
  assertMe(res.json, { email: OWNER.email, role: 'owner' });
  const cookies = cookiesByName(res);
  const session = cookies.kirim_session;
  const csrf = cookies.kirim_csrf;
  assert.ok(session, `no kirim_session in ${res.setCookies}`);
  assert.ok(csrf, `no kirim_csrf in ${res.setCookies}`);
  assert.ok(session.value.length >= 20);
  assert.equal(session.attrs.httponly, true, 'session cookie must be HttpOnly');
  assert.equal(String(session.attrs.samesite).toLowerCase(), 'lax');
  assert.equal(session.attrs.secure, undefined, 'no Secure over plain HTTP');
  assert.equal(session.attrs.path, '/');
  assert.equal(csrf.attrs.httponly, undefined, 'the CSRF cookie must be readable by scripts');
  assert.equal(csrf.attrs.secure, undefined);
  assert.equal(csrf.value, res.json.csrf_token);
  assert.match(res.headers.get('cache-control') ?? '', /no-store/);

  // The session works and /me reports the same CSRF token.
  c.csrf = res.json.csrf_token;
  const me = assertStatus(await c.get('/api/v1/me'), 200);
  assertMe(me.json, { email: OWNER.email, role: 'owner' });
  assert.equal(me.json.csrf_token, res.json.csrf_token);
});

test('X-Forwarded-Proto: https from loopback makes both cookies Secure', async () => {
  const res = await ctx.server.anon().post('/api/v1/auth/login',
    { email: OWNER.email, password: OWNER.password },
    { headers: { 'x-forwarded-proto': 'https' } });
  assertStatus(res, 200);
  const cookies = cookiesByName(res);
  assert.equal(cookies.kirim_session.attrs.secure, true, res.setCookies.join(' | '));
  assert.equal(cookies.kirim_csrf.attrs.secure, true, res.setCookies.join(' | '));
  assert.equal(cookies.kirim_session.attrs.httponly, true);
});

test('a wrong password and an unknown email both give 401 invalid_credentials with one message', async () => {
  const headers = fromAddress();
  const wrong = await ctx.server.anon().post('/api/v1/auth/login',
    { email: OWNER.email, password: 'not the password' }, { headers });
  const unknown = await ctx.server.anon().post('/api/v1/auth/login',
    { email: `${unique('nobody')}@example.com`, password: OWNER.password }, { headers });
  const a = assertError(wrong, 401, 'invalid_credentials');
  const b = assertError(unknown, 401, 'invalid_credentials');
  assert.equal(a.message, b.message);
  assert.deepEqual(a, b);
  assert.equal(wrong.setCookies.length, 0, 'a failed login must not set cookies');
  assert.equal(unknown.setCookies.length, 0);
});

test('the email of a login is case-insensitive', async () => {
  const c = await ctx.server.login('OWNER@Example.COM', OWNER.password);
  assert.equal(c.me.user.email, OWNER.email);
  assertStatus(await c.get('/api/v1/me'), 200);
});

test('the 6th failed attempt for one email within the window is refused with 429 and Retry-After', async () => {
  const s = ctx.server;
  const victim = await s.createUser(owner, { role: 'viewer' });
  const headers = fromAddress();
  for (let i = 1; i <= 5; i++) {
    const res = await s.anon().post('/api/v1/auth/login',
      { email: victim.email, password: `wrong password ${i}` }, { headers });
    assertError(res, 401, 'invalid_credentials');
  }
  // Now even the right password is refused, from this address and from any other.
  for (const h of [headers, fromAddress()]) {
    const res = await s.anon().post('/api/v1/auth/login',
      { email: victim.email.toUpperCase(), password: victim.password }, { headers: h });
    assertError(res, 429, 'too_many_requests');
    const retry = res.headers.get('retry-after');
    assert.match(retry ?? '', /^\d+$/, `Retry-After must be whole seconds, got ${retry}`);
    assert.ok(Number(retry) > 0 && Number(retry) <= 15 * 60, `Retry-After ${retry}`);
    assert.equal(res.setCookies.length, 0);
  }
  // The limit is per email: the owner can still sign in from the same address.
  await s.login(OWNER.email, OWNER.password, { headers });
});

test('30 failures from one address block that address, not others', async () => {
  const s = ctx.server;
  const headers = fromAddress();
  const attempts = [];
  for (let i = 0; i < 30; i++) {
    attempts.push(s.anon().post('/api/v1/auth/login',
      { email: `${unique('spray')}@example.com`, password: 'guessing-1234' }, { headers }));
  }
  for (const res of await Promise.all(attempts)) assertError(res, 401, 'invalid_credentials');
  const blocked = await s.anon().post('/api/v1/auth/login',
    { email: OWNER.email, password: OWNER.password }, { headers });
  assertError(blocked, 429, 'too_many_requests');
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  await s.login(OWNER.email, OWNER.password, { headers: fromAddress() });
});

test('logout answers 204, clears both cookies and ends the session', async () => {
  const c = await ctx.server.login();
  const oldCookie = c.cookieHeader();
  const res = await c.post('/api/v1/auth/logout');
  assertStatus(res, 204);
  assert.equal(res.text, '');
  const cookies = cookiesByName(res);
  for (const name of ['kirim_session', 'kirim_csrf']) {
    assert.ok(cookies[name], `logout must clear ${name}: ${res.setCookies}`);
    assert.equal(cookies[name].value, '');
    assert.equal(cookies[name].attrs['max-age'], '0');
  }
  // The client dropped its cookies; replaying the old one must fail too.
  assertError(await c.get('/api/v1/me'), 401, 'unauthenticated');
  const replay = await ctx.server.request('GET', '/api/v1/me', { headers: { cookie: oldCookie } });
  assertError(replay, 401, 'unauthenticated');
});

test('logout with a session cookie needs the CSRF token', async () => {
  const c = await ctx.server.login();
  assertError(await c.post('/api/v1/auth/logout', undefined, { csrf: false }), 403, 'csrf_failed');
  assertStatus(await c.get('/api/v1/me'), 200);
  assertStatus(await c.post('/api/v1/auth/logout'), 204);
});

test('/me without credentials, with a garbage cookie or a garbage bearer is 401 unauthenticated', async () => {
  const s = ctx.server;
  assertError(await s.request('GET', '/api/v1/me'), 401, 'unauthenticated');
  for (const cookie of ['kirim_session=garbage', 'kirim_session=', `kirim_session=${'A'.repeat(43)}`,
    `kirim_session=${'x'.repeat(5000)}`, 'other=1']) {
    assertError(await s.request('GET', '/api/v1/me', { headers: { cookie } }), 401, 'unauthenticated');
  }
  for (const auth of ['Bearer garbage', 'Bearer kirim_garbage', 'Bearer ', 'Bearer kirim_']) {
    assertError(await s.request('GET', '/api/v1/me', { headers: { authorization: auth } }), 401, 'unauthenticated');
  }
  // Protected writes without credentials: 401, not 403 or 400.
  assertError(await s.request('POST', '/api/v1/users', { body: '{}', contentType: 'application/json' }), 401, 'unauthenticated');
  assertError(await s.request('POST', '/api/v1/auth/logout'), 401, 'unauthenticated');
});

// ------------------------------------------------------------------------------------------
// CSRF

test('a cookie-authenticated write without X-CSRF-Token is refused with 403 and changes nothing', async () => {
  const s = ctx.server;
  const user = await s.createUser(owner, { role: 'editor', name: 'Before' });
  const c = await s.login(user.email, user.password);
  assertError(await c.patch('/api/v1/me', { name: 'After' }, { csrf: false }), 403, 'csrf_failed');
  assert.equal((await c.get('/api/v1/me')).json.user.name, 'Before');

  assertError(await c.patch('/api/v1/me', { name: 'After' }, { csrf: 'wrong-token' }), 403, 'csrf_failed');
  assertError(await c.patch('/api/v1/me', { name: 'After' }, { csrf: '' }), 403, 'csrf_failed');
  // Another session's token does not do either.
  const other = await s.login(user.email, user.password);
  assert.notEqual(other.csrf, c.csrf);
  assertError(await c.patch('/api/v1/me', { name: 'After' }, { csrf: other.csrf }), 403, 'csrf_failed');
  assert.equal((await c.get('/api/v1/me')).json.user.name, 'Before');

  const ok = assertStatus(await c.patch('/api/v1/me', { name: 'After' }), 200);
  assert.equal(ok.json.user.name, 'After');
  assert.equal((await c.get('/api/v1/me')).json.user.name, 'After');
});

test('every kind of cookie-authenticated write needs the CSRF token', async () => {
  const s = ctx.server;
  const target = await s.createUser(owner, { role: 'viewer', name: 'Csrf Target' });
  const token = assertStatus(await owner.post('/api/v1/tokens', { name: unique('csrf') }), 201).json;
  const wsName = (await owner.get('/api/v1/workspace')).json.name;
  const newEmail = `${unique('csrf')}@example.com`;
  const attempts = [
    ['POST', '/api/v1/users', { email: newEmail, name: 'N', password: 'password-1234', role: 'viewer' }],
    ['PATCH', `/api/v1/users/${target.id}`, { role: 'admin' }],
    ['DELETE', `/api/v1/users/${target.id}`],
    ['POST', '/api/v1/tokens', { name: 'csrf-less' }],
    ['DELETE', `/api/v1/tokens/${token.token.id}`],
    ['PATCH', '/api/v1/workspace', { name: 'No CSRF' }],
    ['POST', '/api/v1/me/password', { current_password: OWNER.password, new_password: 'no csrf here 123' }],
  ];
  for (const [method, p, json] of attempts) {
    assertError(await owner.request(method, p, { json, csrf: false }), 403, 'csrf_failed');
  }
  const users = await owner.all('/api/v1/users');
  assert.ok(!users.some((u) => u.email === newEmail));
  assert.equal(users.find((u) => u.id === target.id).role, 'viewer');
  assert.ok((await owner.all('/api/v1/tokens')).some((t) => t.id === token.token.id));
  assert.equal((await owner.get('/api/v1/workspace')).json.name, wsName);
  await s.login(OWNER.email, OWNER.password);
  assertStatus(await owner.delete(`/api/v1/tokens/${token.token.id}`), 204);
});

test('a CSRF failure wins over a bad body: the body is not even looked at', async () => {
  const res = await owner.request('PATCH', '/api/v1/me', { body: '{not json', contentType: 'application/json', csrf: false });
  assertError(res, 403, 'csrf_failed');
});

test('bearer-token writes need no CSRF token', async () => {
  const s = ctx.server;
  const created = assertStatus(await owner.post('/api/v1/tokens', { name: unique('csrf') }), 201);
  const api = s.bearer(created.json.secret);
  const res = assertStatus(await api.patch('/api/v1/me', { name: 'Owner via token' }), 200);
  assert.equal(res.json.user.name, 'Owner via token');
  assertStatus(await api.patch('/api/v1/me', { name: 'Owner' }), 200);
  assertStatus(await owner.delete(`/api/v1/tokens/${created.json.token.id}`), 204);
});
