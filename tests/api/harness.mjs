// Shared machinery for Kirim's black-box API tests (node:test, no dependencies).
//
// startServer() launches `kirim serve` on 127.0.0.1:0 with a fresh data directory, waits for the
// "Kirim is listening on ..." line and returns a Server with:
//   url, port, dataDir, env
//   request(method, path, opts)  one anonymous request (every response is checked for the headers
//                                every response must carry)
//   login(email, password)       a Client that keeps cookies and sends X-CSRF-Token
//   bearer(token)                a Client that sends Authorization: Bearer <token>
//   anon()                       a Client with no credentials
//   cli(...args)                 runs `kirim <args> --data-dir <dataDir>` (for `user ...` commands)
//   stop()                       SIGTERM, asserts exit code 0 within 15 s and no sanitizer report
//
// Environment: KIRIM_BIN (default: the debug build beside this repository), KIRIM_TEST_KEEP_DATA=1
// keeps the temporary data directories.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { before, after } from 'node:test';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const BIN = process.env.KIRIM_BIN || path.join(REPO, 'build', 'debug', 'kirim');
export const OWNER = { email: 'owner@example.com', password: 'correct horse battery' };

const KEEP = process.env.KIRIM_TEST_KEEP_DATA === '1';

// Servers still running when this test process exits (a crash, a cancelled run) are killed, so
// that no kirim outlives its test file.
const live = new Set();
process.on('exit', () => {
  for (const proc of live) {
    try { proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
});
const SANITIZER_REPORT = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

// ---------------------------------------------------------------------------------------------
// Small utilities

// Polls `check` (sync or async; truthy = done) every `intervalMs` until `timeoutMs` passes.
export async function waitFor(check, { timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
        (last instanceof Error ? `: ${last.message}` : ''));
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function tempDir(prefix = 'kirim-test-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir) {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}

let uniqueCounter = 0;
export function unique(prefix = 'u') {
  uniqueCounter += 1;
  return `${prefix}${process.pid}x${Date.now().toString(36)}x${uniqueCounter}`;
}

// A free TCP port on 127.0.0.1, found by binding port 0 and closing the socket again.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The environment for a child kirim: the caller's, minus every KIRIM_* variable (so that a
// developer's shell does not leak into the tests), plus `extra`.
export function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('KIRIM_')) env[k] = v;
  }
  return { ...env, ...extra };
}

// Waits (up to two minutes) for the binary to exist: others may be rebuilding it.
export async function waitForBinary() {
  await waitFor(() => {
    if (!existsSync(BIN)) return false;
    const st = statSync(BIN);
    // A binary still being linked is younger than a second; let the linker finish.
    return st.isFile() && (st.mode & 0o111) !== 0 && Date.now() - st.mtimeMs > 1000;
  }, { timeoutMs: 120_000, intervalMs: 250, what: `the kirim binary at ${BIN}` });
}

// Runs kirim to completion. Resolves {code, signal, stdout, stderr}.
export async function runKirim(args, { env = {}, input, timeoutMs = 30_000, cwd } = {}) {
  await waitForBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      env: childEnv(env),
      cwd: cwd ?? tmpdir(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kirim ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP

// Every response, whatever its status, must carry these.
export function assertCommonHeaders(res, what = '') {
  const h = res.headers;
  assert.ok(h.get('x-request-id'), `X-Request-Id missing on ${what}`);
  assert.equal(h.get('x-content-type-options'), 'nosniff', `X-Content-Type-Options on ${what}`);
  assert.equal(h.get('x-frame-options'), 'DENY', `X-Frame-Options on ${what}`);
}

// {status, headers, text, json, setCookies}. json is undefined when the body is not JSON.
async function toResult(res, method, url) {
  const text = await res.text();
  let json;
  if (text.length > 0) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  const out = {
    status: res.status,
    headers: res.headers,
    text,
    json,
    setCookies: res.headers.getSetCookie(),
    toString() { return `${method} ${url} -> ${res.status} ${text.slice(0, 500)}`; },
  };
  assertCommonHeaders(out, `${method} ${url}`);
  return out;
}

// Parses one Set-Cookie value into {name, value, attrs} with lower-cased attribute names.
export function parseSetCookie(line) {
  const [pair, ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attrs = {};
  for (const a of rest) {
    const t = a.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    if (i < 0) attrs[t.toLowerCase()] = true;
    else attrs[t.slice(0, i).toLowerCase()] = t.slice(i + 1);
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

export function cookiesByName(res) {
  const out = {};
  for (const line of res.setCookies) {
    const c = parseSetCookie(line);
    out[c.name] = c;
  }
  return out;
}

// Asserts the API's error body: exactly {"error": {"code", "message"[, "details"]}}.
// `details` (optional) is a subset that must be present with those exact values; pass a
// function to check details yourself, or `false` to require that there are none.
export function assertError(res, status, code, details) {
  const ctx = `${res}`;
  assert.equal(res.status, status, `status: ${ctx}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `content type: ${ctx}`);
  assert.ok(res.json && typeof res.json === 'object' && !Array.isArray(res.json), `JSON body: ${ctx}`);
  assert.deepEqual(Object.keys(res.json), ['error'], `top-level keys: ${ctx}`);
  const err = res.json.error;
  assert.equal(typeof err, 'object', ctx);
  for (const k of Object.keys(err)) {
    assert.ok(['code', 'message', 'details'].includes(k), `unexpected error key ${k}: ${ctx}`);
  }
  assert.equal(err.code, code, `error code: ${ctx}`);
  assert.equal(typeof err.message, 'string', ctx);
  assert.ok(err.message.length > 0, `empty message: ${ctx}`);
  if ('details' in err) {
    assert.equal(typeof err.details, 'object', ctx);
    assert.ok(err.details !== null && !Array.isArray(err.details), ctx);
    for (const [k, v] of Object.entries(err.details)) {
      assert.equal(typeof v, 'string', `details.${k} must be a string: ${ctx}`);
    }
  }
  if (details === false) {
    assert.ok(!('details' in err), `expected no details: ${ctx}`);
  } else if (typeof details === 'function') {
    details(err.details ?? {}, ctx);
  } else if (details) {
    assert.ok(err.details, `expected details: ${ctx}`);
    for (const [k, v] of Object.entries(details)) {
      if (v instanceof RegExp) assert.match(err.details[k] ?? '', v, `details.${k}: ${ctx}`);
      else if (v === true) assert.ok(typeof err.details[k] === 'string' && err.details[k], `details.${k}: ${ctx}`);
      else assert.equal(err.details[k], v, `details.${k}: ${ctx}`);
    }
  }
  return err;
}

export function assertStatus(res, status) {
  assert.equal(res.status, status, `${res}`);
  return res;
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function assertUser(u, expected = {}) {
  assert.deepEqual(Object.keys(u).sort(), ['created_at', 'email', 'id', 'name', 'role'], JSON.stringify(u));
  assert.ok(Number.isInteger(u.id) && u.id > 0, JSON.stringify(u));
  assert.equal(typeof u.email, 'string');
  assert.equal(typeof u.name, 'string');
  assert.ok(['owner', 'admin', 'editor', 'viewer'].includes(u.role), JSON.stringify(u));
  assert.match(u.created_at, ISO_UTC);
  for (const [k, v] of Object.entries(expected)) assert.equal(u[k], v, `user.${k} in ${JSON.stringify(u)}`);
  return u;
}

// A client of one server: anonymous, cookie-authenticated or bearer-authenticated.
export class Client {
  constructor(server, { bearer, headers } = {}) {
    this.server = server;
    this.bearerToken = bearer;
    this.extraHeaders = headers ?? {};
    this.cookies = new Map();
    this.csrf = undefined;
    this.me = undefined;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  absorbCookies(res) {
    for (const line of res.setCookies) {
      const c = parseSetCookie(line);
      if (c.attrs['max-age'] === '0' || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  // opts: json (object, sent as application/json), body (raw string/Buffer), headers,
  // csrf (false: omit X-CSRF-Token; a string: send that instead), contentType.
  async request(method, urlPath, opts = {}) {
    const headers = { ...this.extraHeaders };
    let body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.body !== undefined) {
      body = opts.body;
    }
    if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
    if (this.bearerToken !== undefined) headers.authorization = `Bearer ${this.bearerToken}`;
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const safe = method === 'GET' || method === 'HEAD';
    if (!safe && this.csrf !== undefined && opts.csrf !== false) {
      headers['x-csrf-token'] = typeof opts.csrf === 'string' ? opts.csrf : this.csrf;
    }
    Object.assign(headers, opts.headers ?? {});
    const url = this.server.url + urlPath;
    let res;
    try {
      res = await fetch(url, { method, headers, body, redirect: 'manual' });
    } catch (e) {
      // fetch hides the socket error in `cause`; surface it.
      const cause = e.cause ? `: ${e.cause.code ?? ''} ${e.cause.message ?? e.cause}` : '';
      throw new Error(`${method} ${urlPath} failed${cause}`, { cause: e });
    }
    const out = await toResult(res, method, urlPath);
    this.absorbCookies(out);
    return out;
  }

  get(p, o) { return this.request('GET', p, o); }
  post(p, json, o = {}) { return this.request('POST', p, { json, ...o }); }
  patch(p, json, o = {}) { return this.request('PATCH', p, { json, ...o }); }
  delete(p, o) { return this.request('DELETE', p, o); }

  // GETs every page of a list endpoint; returns all items.
  async all(listPath, limit = 200) {
    const items = [];
    let cursor = null;
    for (let i = 0; i < 1000; i++) {
      const sep = listPath.includes('?') ? '&' : '?';
      const res = await this.get(`${listPath}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assertStatus(res, 200);
      items.push(...res.json.data);
      cursor = res.json.next_cursor;
      if (cursor === null) return items;
    }
    throw new Error('too many pages');
  }
}

// ---------------------------------------------------------------------------------------------
// The server

export class Server {
  constructor() {
    this.stopped = false;
    this.stdout = '';
    this.stderr = '';
  }

  async request(method, urlPath, opts) {
    return new Client(this).request(method, urlPath, opts);
  }

  anon(opts) { return new Client(this, opts); }

  bearer(token) { return new Client(this, { bearer: token }); }

  // Logs in and returns a cookie client; throws unless the login answers 200.
  async login(email = OWNER.email, password = OWNER.password, { headers } = {}) {
    const c = new Client(this, { headers });
    const res = await c.post('/api/v1/auth/login', { email, password });
    assert.equal(res.status, 200, `login of ${email}: ${res}`);
    c.csrf = res.json.csrf_token;
    c.me = res.json;
    c.loginResponse = res;
    return c;
  }

  // Creates a user through the API with `by` (a Client) and returns the User.
  async createUser(by, { email = `${unique('user')}@example.com`, name = 'Test User', password = 'password-1234', role = 'viewer' } = {}) {
    const res = await by.post('/api/v1/users', { email, name, password, role });
    assert.equal(res.status, 201, `create user: ${res}`);
    return { ...res.json, password };
  }

  // Runs a `kirim` subcommand against this server's data directory.
  cli(args, opts) {
    return runKirim([...args, '--data-dir', this.dataDir], opts);
  }

  // Whether the process has installed a SIGTERM handler (Linux: SigCgt in /proc/PID/status).
  handlesSigterm() {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const m = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status);
      return m ? (BigInt(`0x${m[1]}`) & (1n << 14n)) !== 0n : false; // SIGTERM is 15
    } catch {
      return false;
    }
  }

  // Sends SIGTERM once the server handles it. Kirim prints its listening line a moment before
  // it installs its signal handler (a SIGTERM in between kills it outright; shutdown.test.mjs
  // checks that separately), so the harness waits for the handler to exist.
  async sigterm() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try {
      await waitFor(() => this.handlesSigterm() || this.proc.exitCode !== null,
        { timeoutMs: 5000, intervalMs: 5, what: 'kirim to handle SIGTERM' });
    } catch {
      // Send it anyway; the exit status will tell.
    }
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    const exited = this.exited;
    try {
      await this.sigterm();
      let timer;
      const result = await Promise.race([
        exited,
        new Promise((r) => { timer = setTimeout(() => r(null), 15_000); }),
      ]);
      clearTimeout(timer);
      if (result === null) {
        this.proc.kill('SIGKILL');
        await exited;
        assert.fail(`kirim did not exit within 15 s of SIGTERM\n${this.stderr.slice(-4000)}`);
      }
      assert.deepEqual(result, { code: 0, signal: null },
        `kirim should exit 0 after SIGTERM\n${this.stderr.slice(-4000)}`);
      assert.doesNotMatch(this.stderr, SANITIZER_REPORT, `sanitizer report:\n${this.stderr.slice(-8000)}`);
    } finally {
      if (this.ownsDataDir) removeDir(this.dataDir);
    }
  }
}

// opts:
//   args: extra arguments for `kirim serve`
//   listen: value of --listen (default 127.0.0.1:0; null: no flag)
//   dataDir: use this directory (default: a fresh one, removed by stop())
//   env: extra environment (KIRIM_ADMIN_EMAIL/PASSWORD default to OWNER)
//   admin: false to not set the KIRIM_ADMIN_* variables
//   readyTimeoutMs
export async function startServer(opts = {}) {
  await waitForBinary();
  const server = new Server();
  server.ownsDataDir = !opts.dataDir;
  server.dataDir = opts.dataDir ?? tempDir();
  const args = ['serve', '--data-dir', server.dataDir, '--access-log', 'false'];
  const listen = opts.listen === undefined ? '127.0.0.1:0' : opts.listen;
  if (listen !== null) args.push('--listen', listen);
  args.push(...(opts.args ?? []));
  const admin = opts.admin === false ? {} :
    { KIRIM_ADMIN_EMAIL: OWNER.email, KIRIM_ADMIN_PASSWORD: OWNER.password };
  server.env = childEnv({ ...admin, ...(opts.env ?? {}) });
  const proc = spawn(BIN, args, { env: server.env, cwd: server.dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  server.proc = proc;
  live.add(proc);
  server.exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => { live.delete(proc); resolve({ code, signal }); });
  });
  proc.stderr.on('data', (d) => { server.stderr += d; });
  const listening = new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      server.stdout += d;
      const m = /Kirim is listening on (http:\/\/[^\s]+)/.exec(server.stdout);
      if (m) resolve(m[1]);
    });
    proc.on('error', reject);
    server.exited.then(({ code, signal }) =>
      reject(new Error(`kirim serve exited (${code ?? signal}) before listening\n` +
        `args: ${args.join(' ')}\nstdout: ${server.stdout}\nstderr: ${server.stderr}`)));
  });
  let timer;
  try {
    server.url = await Promise.race([
      listening,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`kirim serve did not listen within ${opts.readyTimeoutMs ?? 30_000} ms\n${server.stderr}`)),
          opts.readyTimeoutMs ?? 30_000);
      }),
    ]);
  } catch (e) {
    proc.kill('SIGKILL');
    if (server.ownsDataDir) removeDir(server.dataDir);
    throw e;
  } finally {
    clearTimeout(timer);
  }
  server.port = Number(new URL(server.url).port);
  return server;
}

// Starts a server for a whole test file (node:test before/after hooks) and returns a holder
// whose fields are filled in once `before` has run: server, owner (a cookie client of the
// bootstrap owner). opts.setup(holder) runs after that, inside the same hook: node 20 does not
// wait for one file-level before hook before starting the next, so use setup, not another hook.
export function serverForFile(opts = {}) {
  const holder = {};
  const { setup, ...serverOpts } = opts;
  before(async () => {
    holder.server = await startServer(serverOpts);
    holder.owner = await holder.server.login();
    if (setup) await setup(holder);
  });
  after(async () => {
    if (holder.server) await holder.server.stop();
  });
  return holder;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP, for what fetch hides (HEAD bodies, half-sent requests, connection handling).

// Sends `data` on a fresh connection and resolves the raw bytes the server sends until it
// closes the connection (or `timeoutMs` passes, which rejects). With allowReset, a reset or a
// broken pipe (the server closing while we still send) ends the exchange instead of failing it:
// what matters then is whether the answer arrived before.
export function rawExchange(port, data, { timeoutMs = 10_000, allowReset = false } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('raw exchange timed out')); }, timeoutMs);
    sock.on('connect', () => sock.write(data));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (e) => {
      if (allowReset && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return; // 'close' follows
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks)); });
  });
}

// Splits raw bytes into responses: [{status, headers (lower-cased names), body (Buffer)}].
// `headOnly` lists indices of responses to HEAD requests (no body despite Content-Length).
export function parseRawResponses(buf, headOnly = []) {
  const out = [];
  let at = 0;
  while (at < buf.length) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end < 0) throw new Error(`incomplete response head: ${buf.subarray(at).toString()}`);
    const head = buf.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(head[0].split(' ')[1]);
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    at = end + 4;
    const len = headOnly.includes(out.length) ? 0 : Number(headers['content-length'] ?? 0);
    const body = buf.subarray(at, at + len);
    at += len;
    out.push({ status, headers, body, text: body.toString() });
  }
  return out;
}

// The receive queue (bytes not yet read by the application) of the server's end of the
// TCP connection between serverPort and clientPort on 127.0.0.1, from /proc/net/tcp.
export function serverRecvQueue(serverPort, clientPort) {
  const hex = (p) => p.toString(16).toUpperCase().padStart(4, '0');
  const lines = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const local = f[1].split(':')[1];
    const remote = f[2].split(':')[1];
    if (local === hex(serverPort) && remote === hex(clientPort)) {
      return parseInt(f[4].split(':')[1], 16);
    }
  }
  return undefined;
}

// Whether a new TCP connection to the port is refused.
export function connectionRefused(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
}
