// The command line: `kirim user ...` against a running server's data directory, `kirim serve`
// refusing bad settings, and the precedence flag > environment > file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  serverForFile, startServer, runKirim, assertError, assertStatus, freePort, tempDir, removeDir,
  unique, OWNER,
} from './harness.mjs';

let owner;
const ctx = serverForFile({
  setup: (c) => {
    owner = c.owner;
  },
});

const email = (p) => `${unique(p)}@example.com`;

test('`kirim user create` with a bad email exits non-zero, names the field and creates nothing', async () => {
  const s = ctx.server;
  const before = await owner.all('/api/v1/users');
  for (const bad of ['not-an-email', 'a@b', '@example.com', 'two@@example.com']) {
    const r = await s.cli(['user', 'create', '--email', bad, '--name', 'Bad', '--password', 'password-1234', '--role', 'viewer']);
    assert.notEqual(r.code, 0, `exit code for ${bad}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /email/i, `stderr should name the email field: ${r.stderr}`);
  }
  const short = await s.cli(['user', 'create', '--email', email('short'), '--name', 'Short', '--password', 'short']);
  assert.notEqual(short.code, 0);
  assert.match(short.stderr, /password/i);
  const role = await s.cli(['user', 'create', '--email', email('role'), '--name', 'Role', '--password', 'password-1234', '--role', 'emperor']);
  assert.notEqual(role.code, 0);
  assert.match(role.stderr, /role|emperor/i);
  const dup = await s.cli(['user', 'create', '--email', OWNER.email.toUpperCase(), '--name', 'Dup', '--password', 'password-1234']);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /already|exists|in use/i);
  assert.deepEqual(await owner.all('/api/v1/users'), before);
  const list = await s.cli(['user', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.doesNotMatch(list.stdout, /not-an-email|two@@/);
});

test('`kirim user create` adds a user the running server sees; `kirim user list` prints the users', async () => {
  const s = ctx.server;
  const e = email('cli');
  const r = await s.cli(['user', 'create', '--email', e.toUpperCase(), '--name', 'Cli Person', '--password', 'password-1234', '--role', 'editor']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(e.replace(/[.+]/g, '\\$&')));
  const users = await owner.all('/api/v1/users');
  const created = users.find((u) => u.email === e);
  assert.ok(created, 'the API lists the user made with the CLI');
  assert.equal(created.role, 'editor');
  assert.equal(created.name, 'Cli Person');
  // The password is read from standard input when not given.
  const e2 = email('stdin');
  const r2 = await s.cli(['user', 'create', '--email', e2, '--name', 'Stdin Person'], { input: 'password-from-stdin\n' });
  assert.equal(r2.code, 0, r2.stderr);
  await s.login(e2, 'password-from-stdin');

  const list = await s.cli(['user', 'list']);
  assert.equal(list.code, 0, list.stderr);
  for (const u of await owner.all('/api/v1/users')) {
    const line = list.stdout.split('\n').find((l) => l.includes(u.email));
    assert.ok(line, `user list lacks ${u.email}:\n${list.stdout}`);
    assert.match(line, new RegExp(`\\b${u.role}\\b`));
    assert.match(line, new RegExp(`^\\s*${u.id}\\b`));
  }
  await s.login(e, 'password-1234');
});

test('`kirim user reset-password` changes the password and ends the sessions', async () => {
  const s = ctx.server;
  const u = await s.createUser(owner, { role: 'viewer' });
  const session = await s.login(u.email, u.password);
  const next = 'reset by the operator';
  const r = await s.cli(['user', 'reset-password', '--email', u.email.toUpperCase(), '--password', next]);
  assert.equal(r.code, 0, r.stderr);
  assertError(await session.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(await s.anon().post('/api/v1/auth/login', { email: u.email, password: u.password },
    { headers: { 'x-forwarded-for': '10.202.0.1' } }), 401, 'invalid_credentials');
  const fresh = await s.login(u.email, next);
  assert.equal(fresh.me.user.id, u.id);
  // Unknown users and short passwords are refused.
  const unknown = await s.cli(['user', 'reset-password', '--email', email('ghost'), '--password', next]);
  assert.notEqual(unknown.code, 0);
  const short = await s.cli(['user', 'reset-password', '--email', u.email, '--password', 'short']);
  assert.notEqual(short.code, 0);
  assert.match(short.stderr, /password/i);
  await s.login(u.email, next);
});

test('`kirim user` commands before the first start say what to do', async () => {
  const dir = tempDir();
  try {
    const r = await runKirim(['user', 'list', '--data-dir', dir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /serve|workspace/i);
  } finally {
    removeDir(dir);
  }
});

test('`kirim serve --listen nonsense` exits non-zero with a clear message', async () => {
  for (const listen of ['nonsense', '127.0.0.1:notaport', '127.0.0.1:99999', 'not.an.address:0']) {
    const dir = tempDir();
    try {
      const r = await runKirim(['serve', '--listen', listen, '--data-dir', dir, '--access-log', 'false'],
        { env: { KIRIM_ADMIN_EMAIL: OWNER.email, KIRIM_ADMIN_PASSWORD: OWNER.password }, timeoutMs: 20_000 });
      assert.notEqual(r.code, 0, `--listen ${listen} should fail: ${r.stdout}`);
      assert.match(r.stderr, /listen/i, `--listen ${listen}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /listening on/);
    } finally {
      removeDir(dir);
    }
  }
});

test('other bad settings are refused before anything starts', async () => {
  const dir = tempDir();
  try {
    for (const [flag, value, word] of [['--access-log', 'maybe', 'access-log'], ['--body-limit', '100', 'body-limit'],
      ['--secure-cookies', 'sometimes', 'secure-cookies'], ['--database', 'mysql://x', 'database'],
      ['--log-level', 'loud', 'log-level']]) {
      const r = await runKirim(['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, flag, value], { timeoutMs: 20_000 });
      assert.notEqual(r.code, 0, `${flag} ${value}`);
      assert.match(r.stderr, new RegExp(word), `${flag} ${value}: ${r.stderr}`);
    }
  } finally {
    removeDir(dir);
  }
});

test('a config file with an unknown key is refused', async () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'kirim.toml');
    writeFileSync(file, 'bogus = 1\n');
    const r = await runKirim(['serve', '--config', file, '--listen', '127.0.0.1:0', '--data-dir', dir], { timeoutMs: 20_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bogus/);
    assert.doesNotMatch(r.stdout, /listening on/);
    // Also inside a known section, and through KIRIM_CONFIG.
    writeFileSync(file, '[http]\nlisten = "127.0.0.1:0"\nlistne = "127.0.0.1:0"\n');
    const r2 = await runKirim(['serve', '--data-dir', dir], { env: { KIRIM_CONFIG: file }, timeoutMs: 20_000 });
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /listne/);
    // A file that is not TOML says where.
    writeFileSync(file, '[http\nlisten = \n');
    const r3 = await runKirim(['serve', '--config', file, '--data-dir', dir], { timeoutMs: 20_000 });
    assert.notEqual(r3.code, 0);
    assert.match(r3.stderr, /kirim\.toml/);
  } finally {
    removeDir(dir);
  }
});

test('listen: flag beats environment beats file', async () => {
  const [filePort, envPort] = [await freePort(), await freePort()];
  const dir = tempDir();
  const file = path.join(dir, 'kirim.toml');
  writeFileSync(file, `[http]\nlisten = "127.0.0.1:${filePort}"\n`);
  try {
    // File only.
    let s = await startServer({ listen: null, args: ['--config', file] });
    try {
      assert.equal(s.port, filePort, s.url);
      assertStatus(await s.request('GET', '/healthz'), 200);
    } finally { await s.stop(); }
    // Environment over file.
    s = await startServer({ listen: null, args: ['--config', file], env: { KIRIM_LISTEN: `127.0.0.1:${envPort}` } });
    try {
      assert.equal(s.port, envPort, s.url);
    } finally { await s.stop(); }
    // Flag over both (port 0: whatever is free, which is neither of the others).
    s = await startServer({ listen: '127.0.0.1:0', env: { KIRIM_LISTEN: `127.0.0.1:${envPort}`, KIRIM_CONFIG: file } });
    try {
      assert.notEqual(s.port, filePort);
      assert.notEqual(s.port, envPort);
      assertStatus(await s.request('GET', '/healthz'), 200);
    } finally { await s.stop(); }
  } finally {
    removeDir(dir);
  }
});
