// Connection establishment, protocol versions, unknown app keys, ping/pong (reference §1, §3, §9).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, dataJson, SOCKET_ID, deadline, connected, PusherJS, waitFor } from './harness.mjs';

const rt = realtimeForFile();

test('connection_established comes first, double-encoded, with a socket_id and activity_timeout 30', async () => {
  const c = await rt.raw();
  const first = await c.take(() => true, 'the first frame');
  assert.equal(first.event, 'pusher:connection_established', first.raw);
  assert.equal(typeof first.data, 'string', `data must be a JSON-encoded string: ${first.raw}`);
  const d = JSON.parse(first.data);
  assert.match(d.socket_id, SOCKET_ID);
  assert.equal(d.activity_timeout, 30);
  assert.equal(first.channel, undefined);
});

test('socket ids are unique per connection', async () => {
  const clients = await Promise.all(Array.from({ length: 20 }, () => rt.connect()));
  const ids = new Set(clients.map((c) => c.socketId));
  assert.equal(ids.size, clients.length);
  for (const id of ids) assert.match(id, SOCKET_ID);
});

for (const protocol of ['5', '6', '7']) {
  test(`protocol ${protocol} is accepted`, async () => {
    const c = await rt.connect({ query: `protocol=${protocol}&client=js&version=8.6.0&flash=false` });
    assert.match(c.socketId, SOCKET_ID);
    await c.roundTrip();
  });
}

test('unknown extra query parameters are accepted', async () => {
  const c = await rt.connect({ query: 'protocol=7&client=js&version=8.6.0&flash=false&foo=bar&x=' });
  await c.roundTrip();
});

test('a path prefix before /app/{key} is accepted (pusher-js wsPath)', async () => {
  const c = await rt.connect({ path: '/realtime/app/app-key?protocol=7&client=js&version=8.6.0&flash=false' });
  await c.subscribeOk('prefixed');
  const p = await connected(rt.pusher({ extra: { wsPath: '/some/prefix' } }));
  assert.match(p.connection.socket_id, SOCKET_ID);
});

async function refused(opts, code) {
  const c = await rt.raw(opts);
  const err = await c.take('pusher:error', `pusher:error ${code}`);
  const d = dataJson(err);
  assert.equal(d.code, code, err.raw);
  assert.equal(typeof d.message, 'string');
  const closed = await deadline(c.closed, `close ${code}`);
  assert.equal(closed.code, code);
  assert.equal(c.seen('pusher:connection_established').length, 0, 'no connection_established on a refused connection');
}

test('a missing protocol is refused with 4008', async () => {
  await refused({ query: 'client=js&version=8.6.0&flash=false' }, 4008);
});

test('no query string at all is refused with 4008', async () => {
  await refused({ query: null }, 4008);
});

test('protocol 4 and below are refused with 4007', async () => {
  await refused({ query: 'protocol=4&client=js&version=8.6.0&flash=false' }, 4007);
  await refused({ query: 'protocol=1&client=js&version=8.6.0&flash=false' }, 4007);
});

test('an unknown app key is refused with 4001', async () => {
  await refused({ key: 'nope' }, 4001);
});

test('pusher:ping is answered with pusher:pong', async () => {
  const c = await rt.connect();
  c.send({ event: 'pusher:ping', data: {} });
  const pong = await c.take('pusher:pong');
  assert.equal(pong.channel, undefined);
  // data as a JSON string, as some clients send it, works too
  c.send({ event: 'pusher:ping', data: '{}' });
  await c.take('pusher:pong');
  // and without data
  c.send({ event: 'pusher:ping' });
  await c.take('pusher:pong');
});

test('a WebSocket PING control frame is answered with a PONG', async () => {
  const c = await rt.connect();
  const pong = deadline(new Promise((resolve) => c.ws.once('pong', (d) => resolve(d.toString()))), 'WS pong');
  c.ws.ping('hello');
  assert.equal(await pong, 'hello');
});

test('pusher-js 8.6.0 connects and gets a socket id', async () => {
  const p = await rt.pusherConnected();
  assert.match(p.connection.socket_id, SOCKET_ID);
  assert.equal(p.connection.state, 'connected');
});

test('pusher-js with an unknown key is refused and does not reconnect (state failed/disconnected)', async () => {
  const p = new PusherJS('nope', {
    wsHost: '127.0.0.1', wsPort: rt.port, forceTLS: false, enabledTransports: ['ws'], cluster: 'mt1', disableStats: true,
  });
  rt.track(() => p.disconnect());
  const err = await deadline(new Promise((resolve) => p.connection.bind('error', resolve)), 'pusher-js error');
  // pusher-js wraps the server's pusher:error: {type:'WebSocketError', error:{type:'PusherError', data:{code}}}
  assert.equal(err?.error?.data?.code ?? err?.data?.code, 4001, JSON.stringify(err));
  await deadline(new Promise((resolve) => {
    const check = () => { if (p.connection.state === 'disconnected' || p.connection.state === 'failed') resolve(); };
    p.connection.bind('state_change', check);
    check();
  }), 'pusher-js to stop');
});

test('many connections can come and go; the server keeps answering', async () => {
  const batch = await Promise.all(Array.from({ length: 30 }, () => rt.connect()));
  for (const c of batch.slice(0, 15)) c.terminate();
  for (const c of batch.slice(15)) await c.close();
  const c = await rt.connect();
  await c.roundTrip();
  const p = await connected(rt.pusher());
  assert.equal(p.connection.state, 'connected');
});

// A closed connection must give its memory back at once, not when its inactivity check would next
// run (every activity_timeout, 30 s here).
test('closed connections release their sessions at once, long before the activity timeout', async () => {
  const metric = async (name) => {
    const res = await rt.server.request('GET', '/metrics');
    const m = res.text.match(new RegExp(`^${name} (\\d+)`, 'm'));
    assert.ok(m, `${name} missing from /metrics`);
    return Number(m[1]);
  };
  const batch = await Promise.all(Array.from({ length: 40 }, () => rt.connect()));
  assert.ok(await metric('kirim_realtime_sessions') >= 40);
  for (const c of batch.slice(0, 20)) c.terminate();
  for (const c of batch.slice(20)) await c.close();
  await waitFor(async () => await metric('kirim_realtime_sessions') === await metric('kirim_realtime_connections'),
    { timeoutMs: 5000, what: 'sessions of closed connections to be released' });
});
