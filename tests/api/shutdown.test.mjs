// Graceful shutdown on SIGTERM: requests in flight complete, idle connections do not hold the
// process up, a stuck client is cut off at the shutdown timeout, and the exit code is 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  startServer, waitFor, serverRecvQueue, connectionRefused, parseRawResponses, removeDir, OWNER,
} from './harness.mjs';

function connect(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

// Collects everything the server sends until it closes the connection.
function collect(sock) {
  const chunks = [];
  sock.on('data', (d) => chunks.push(d));
  return new Promise((resolve, reject) => {
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

function loginRequest() {
  const body = JSON.stringify({ email: OWNER.email, password: OWNER.password });
  const head = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return { head, body };
}

async function exitWithin(server, ms) {
  let timer;
  const res = await Promise.race([
    server.exited,
    new Promise((r) => { timer = setTimeout(() => r(null), ms); }),
  ]);
  clearTimeout(timer);
  return res;
}

test('SIGTERM right after the listening line still shuts down cleanly (exit 0)', async () => {
  // A supervisor may stop the service the moment it reports readiness. Try a few times: the
  // window between the line and the signal handler is short.
  for (let i = 0; i < 6; i++) {
    const server = await startServer();
    server.proc.kill('SIGTERM'); // deliberately without waiting for the handler
    const res = await exitWithin(server, 15_000);
    server.stopped = true;
    if (server.ownsDataDir) removeDir(server.dataDir);
    assert.deepEqual(res, { code: 0, signal: null },
      `attempt ${i + 1}: SIGTERM right after "Kirim is listening" must exit 0, not die of the signal`);
  }
});

test('SIGTERM while a login is in flight: the login completes and the process exits 0', async () => {
  const server = await startServer();
  try {
    const sock = await connect(server.port);
    const done = collect(sock);
    const { head, body } = loginRequest();
    // Send the head and part of the body, and wait until the server has read it (its receive
    // queue is empty), so that the request is certainly in the server's hands.
    sock.write(head + body.slice(0, 10));
    await waitFor(() => serverRecvQueue(server.port, sock.localPort) === 0,
      { what: 'the server to read the request head' });
    await server.sigterm();
    // Shutdown has begun once new connections are refused.
    await waitFor(() => connectionRefused(server.port), { what: 'the listener to close' });
    // Finish the request: the login runs (hashing a password) during the shutdown.
    sock.write(body.slice(10));
    const [res, ...rest] = parseRawResponses(await done);
    assert.equal(rest.length, 0);
    assert.equal(res.status, 200, res.text);
    assert.equal(JSON.parse(res.text).user.email, OWNER.email);
    assert.match(res.headers['set-cookie'] ?? '', /kirim_session=/);
    assert.equal((res.headers.connection ?? '').toLowerCase(), 'close', 'a response during shutdown should close the connection');
  } finally {
    await server.stop(); // asserts exit code 0 within 15 s
  }
});

test('SIGTERM right after a request is sent: the answer still arrives', async () => {
  const server = await startServer();
  try {
    const sock = await connect(server.port);
    const done = collect(sock);
    const { head, body } = loginRequest();
    sock.write(head + body);
    await waitFor(() => serverRecvQueue(server.port, sock.localPort) === 0,
      { what: 'the server to read the request' });
    await server.sigterm();
    const [res] = parseRawResponses(await done);
    assert.equal(res.status, 200, res.text);
  } finally {
    await server.stop();
  }
});

test('idle keep-alive connections do not hold up the shutdown', async () => {
  const server = await startServer({ args: ['--shutdown-timeout', '60'] });
  try {
    const socks = [];
    for (let i = 0; i < 3; i++) {
      const sock = await connect(server.port);
      const got = new Promise((resolve) => sock.once('data', resolve));
      sock.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
      const first = (await got).toString();
      assert.match(first, /^HTTP\/1\.1 200/);
      socks.push({ sock, closed: new Promise((r) => sock.on('close', r)) });
      sock.on('error', () => {});
    }
    const started = Date.now();
    await server.sigterm();
    const res = await exitWithin(server, 10_000);
    assert.deepEqual(res, { code: 0, signal: null }, 'exit within 10 s (the timeout is 60 s) with code 0');
    assert.ok(Date.now() - started < 10_000);
    await Promise.all(socks.map((s) => s.closed));
  } finally {
    await server.stop();
  }
});

test('a client that never finishes its request is cut off at the shutdown timeout', async () => {
  const server = await startServer({ args: ['--shutdown-timeout', '1'] });
  let sock;
  try {
    sock = await connect(server.port);
    sock.on('error', () => {});
    const { head, body } = loginRequest();
    sock.write(head + body.slice(0, 5));
    await waitFor(() => serverRecvQueue(server.port, sock.localPort) === 0,
      { what: 'the server to read the request head' });
    await server.sigterm();
    const res = await exitWithin(server, 12_000);
    assert.deepEqual(res, { code: 0, signal: null }, 'exit with code 0 soon after the 1 s shutdown timeout');
  } finally {
    sock?.destroy();
    await server.stop();
  }
});
