// The HTTP API on the WebSocket port: trigger, batch, channel queries, signing and errors (reference §10).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, unique, waitFor, sdkStatus, md5, hmac, signQuery, subscribed, once } from './harness.mjs';

const rt = realtimeForFile();

const EVENTS = '/apps/app-id/events';

test('the reference worked example signs as documented (this suite\'s own signing)', () => {
  const body = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';
  assert.equal(md5(body), 'ec365a775a4cd0599faeb73354201b6f');
  assert.equal(hmac('7ad3773142a6692b25b8',
    'POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f'),
  'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c');
  const qs = new URLSearchParams(signQuery('POST', '/apps/3/events', {
    key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8', timestamp: 1353088179, body,
  }));
  assert.equal(qs.get('auth_signature'), 'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c');
});

test('trigger to several channels: every subscriber gets {event, channel, data}; response {}', async () => {
  const a = await rt.connect();
  const b = await rt.connect();
  await a.subscribeOk('multi-1');
  await b.subscribeOk('multi-2');
  await b.subscribePrivate(rt.api, 'private-multi-3');
  const res = await rt.api.trigger(['multi-1', 'multi-2', 'private-multi-3', 'nobody-here'], 'fanout', { n: 1 });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {});
  const fa = await a.take('fanout');
  assert.deepEqual(JSON.parse(fa.raw), { event: 'fanout', channel: 'multi-1', data: '{"n":1}' });
  const fb = [await b.take('fanout'), await b.take('fanout')].map((f) => f.channel).sort();
  assert.deepEqual(fb, ['multi-2', 'private-multi-3']);
});

test('data is relayed byte for byte as the string given', async () => {
  const c = await rt.connect();
  await c.subscribeOk('bytes');
  const payloads = [
    '{ "spaced" : [1,2 ,3] ,"f":1.50,"e":1e3 }',
    'not json at all',
    '"a json string"',
    '{"unicode":"ünïcödé 😀","esc":"\\u00e9\\n\\t\\\\ \\""}',
    '{"html":"<script>alert(1)</script>&amp;"}',
  ];
  for (const data of payloads) {
    await rt.request('POST', EVENTS, { body: { name: 'raw', channels: ['bytes'], data } }).then((r) => assert.equal(r.status, 200, `${r}`));
    const f = await c.take('raw');
    assert.equal(f.data, data);
  }
});

test('event names are relayed verbatim (backslashes, dots, unicode)', async () => {
  const c = await rt.connect();
  await c.subscribeOk('names');
  for (const name of ['App\\Events\\OrderShipped', '.server.created', 'Illuminate\\Notifications\\Events\\BroadcastNotificationCreated', 'ünï-event']) {
    await rt.api.trigger('names', name, {});
    const f = await c.take(name, name);
    assert.equal(f.event, name);
  }
});

test('socket_id excludes that connection (toOthers)', async () => {
  const me = await rt.connect();
  const you = await rt.connect();
  await me.subscribeOk('toothers');
  await you.subscribeOk('toothers');
  await rt.api.trigger('toothers', 'not-for-me', '{}', { socket_id: me.socketId });
  await rt.api.trigger('toothers', 'marker', '{}');
  await you.take('not-for-me');
  await me.take('marker');
  assert.equal(me.seen('not-for-me').length, 0);
});

test('events on a channel reach every subscriber in the order they were triggered', async () => {
  const ch = `ordered-${unique()}`;
  const clients = await Promise.all(Array.from({ length: 20 }, async () => {
    const c = await rt.connect();
    await c.subscribeOk(ch);
    return c;
  }));
  for (let i = 0; i < 50; i++) await rt.api.trigger(ch, 'seq', { i });
  for (let b = 0; b < 5; b++) {
    await rt.api.triggerBatch(Array.from({ length: 10 }, (_, k) => ({ channel: ch, name: 'seq', data: { i: 50 + b * 10 + k } })));
  }
  await rt.api.trigger(ch, 'done', '{}');
  for (const c of clients) {
    await c.take('done');
    const got = c.seen('seq').map((f) => JSON.parse(f.data).i);
    assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => i));
  }
});

test('info=subscription_count,user_count on trigger', async () => {
  const ch = `counted-${unique()}`;
  const pch = `presence-counted-${unique()}`;
  const c1 = await rt.connect();
  const c2 = await rt.connect();
  await c1.subscribeOk(ch);
  await c2.subscribeOk(ch);
  await c1.subscribePresence(rt.api, pch, { user_id: 'x' });
  await c2.subscribePresence(rt.api, pch, { user_id: 'x' });
  const res = await rt.api.trigger([ch, pch], 'counting', '{}', { info: 'subscription_count,user_count' });
  const body = await res.json();
  assert.equal(body.channels?.[ch]?.subscription_count, 2, JSON.stringify(body));
  assert.equal(body.channels?.[pch]?.user_count, 1, JSON.stringify(body));
  const plain = await (await rt.api.trigger(ch, 'counting', '{}')).json();
  assert.deepEqual(plain, {});
});

test('batch_events: up to 10 events, each delivered; more than 10 is 400', async () => {
  const c = await rt.connect();
  await c.subscribeOk('batch-a');
  await c.subscribeOk('batch-b');
  const batch = Array.from({ length: 10 }, (_, i) => ({ channel: i % 2 ? 'batch-a' : 'batch-b', name: 'b', data: { i } }));
  const res = await rt.api.triggerBatch(batch);
  assert.equal(res.status, 200);
  const got = [];
  for (let i = 0; i < 10; i++) got.push(JSON.parse((await c.take('b')).data).i);
  assert.deepEqual(got.sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const eleven = Array.from({ length: 11 }, (_, i) => ({ channel: 'batch-a', name: 'too-many', data: { i } }));
  assert.equal(await sdkStatus(rt.api.triggerBatch(eleven)), 400);
  await rt.api.trigger('batch-a', 'marker', '{}');
  await c.take('marker');
  assert.equal(c.seen('too-many').length, 0, 'a refused batch delivers nothing');
});

test('batch_events with info: {"batch":[attributes per item]}', async () => {
  const ch = `batch-info-${unique()}`;
  const c = await rt.connect();
  await c.subscribeOk(ch);
  const res = await rt.api.triggerBatch([
    { channel: ch, name: 'i1', data: '1', info: 'subscription_count' },
    { channel: ch, name: 'i2', data: '2' },
  ]);
  const body = await res.json();
  assert.ok(Array.isArray(body.batch) && body.batch.length === 2, JSON.stringify(body));
  assert.equal(body.batch[0].subscription_count, 1, JSON.stringify(body));
  assert.deepEqual(body.batch[1], {}, JSON.stringify(body));
});

test('batch_events honours socket_id per item', async () => {
  const me = await rt.connect();
  const you = await rt.connect();
  await me.subscribeOk('batch-x');
  await you.subscribeOk('batch-x');
  await rt.api.triggerBatch([
    { channel: 'batch-x', name: 'others-only', data: '1', socket_id: me.socketId },
    { channel: 'batch-x', name: 'everyone', data: '2' },
  ]);
  await you.take('others-only');
  await you.take('everyone');
  await me.take('everyone');
  assert.equal(me.seen('others-only').length, 0);
});

test('GET /channels: occupied channels only, filter_by_prefix, user_count for presence', async () => {
  const p = unique('lst');
  const c = await rt.connect();
  await c.subscribeOk(`${p}-a`);
  await c.subscribeOk(`${p}-b`);
  await c.subscribeOk(`${p}-gone`);
  c.send({ event: 'pusher:unsubscribe', data: { channel: `${p}-gone` } });
  await c.roundTrip();
  await c.subscribePresence(rt.api, `presence-${p}`, { user_id: 'u1' });
  const all = await (await rt.api.get({ path: '/channels', params: { filter_by_prefix: p } })).json();
  assert.deepEqual(all, { channels: { [`${p}-a`]: {}, [`${p}-b`]: {} } });
  const everything = await (await rt.api.get({ path: '/channels' })).json();
  assert.ok(everything.channels[`${p}-a`] && everything.channels[`presence-${p}`], JSON.stringify(everything));
  const pres = await (await rt.api.get({ path: '/channels', params: { filter_by_prefix: `presence-${p}`, info: 'user_count' } })).json();
  assert.deepEqual(pres, { channels: { [`presence-${p}`]: { user_count: 1 } } });
  // user_count without a presence- prefix filter is a bad request
  assert.equal(await sdkStatus(rt.api.get({ path: '/channels', params: { info: 'user_count' } })), 400);
});

test('GET /channels/{name}: occupied, subscription_count, user_count', async () => {
  const ch = `info-${unique()}`;
  const empty = await (await rt.api.get({ path: `/channels/${ch}` })).json();
  assert.equal(empty.occupied, false);
  const c1 = await rt.connect();
  const c2 = await rt.connect();
  await c1.subscribeOk(ch);
  await c2.subscribeOk(ch);
  const info = await (await rt.api.get({ path: `/channels/${ch}`, params: { info: 'subscription_count' } })).json();
  assert.deepEqual(info, { occupied: true, subscription_count: 2 });
  c2.terminate();
  await c2.closed;
  await c1.roundTrip();
  // the server may see the close a moment after the client: poll the count with a deadline
  await waitFor(async () => (await (await rt.api.get({ path: `/channels/${ch}`, params: { info: 'subscription_count' } })).json()).subscription_count === 1,
    { timeoutMs: 5000, what: 'subscription_count 1 after a disconnect' });
  const pch = `presence-info-${unique()}`;
  await c1.subscribePresence(rt.api, pch, { user_id: 'a' });
  const c3 = await rt.connect();
  await c3.subscribePresence(rt.api, pch, { user_id: 'b' });
  const c4 = await rt.connect();
  await c4.subscribePresence(rt.api, pch, { user_id: 'b' });
  const pinfo = await (await rt.api.get({ path: `/channels/${pch}`, params: { info: 'user_count' } })).json();
  assert.equal(pinfo.occupied, true);
  assert.equal(pinfo.user_count, 2);
  const users = await (await rt.api.get({ path: `/channels/${pch}/users` })).json();
  assert.deepEqual(users.users.map((u) => u.id).sort(), ['a', 'b']);
  // user_count on a non-presence channel is an error
  assert.equal(await sdkStatus(rt.api.get({ path: `/channels/${ch}`, params: { info: 'user_count' } })), 400);
});

test('a pusher-js client sees HTTP-triggered events with data parsed', async () => {
  const p = await rt.pusherConnected();
  const { channel } = await subscribed(p, 'js-http');
  const got = once(channel, 'App\\Events\\Thing');
  await rt.api.trigger('js-http', 'App\\Events\\Thing', { a: [1, 2] });
  assert.deepEqual(await got, { a: [1, 2] });
});

test('terminate_connections for a user with no connections answers {}', async () => {
  const r = await rt.request('POST', '/apps/app-id/users/nobody-at-all/terminate_connections', { body: {} });
  assert.equal(r.status, 200, `${r}`);
  assert.deepEqual(r.json, {});
});

test('trigger with a single "channel" instead of "channels"', async () => {
  const c = await rt.connect();
  await c.subscribeOk('single-ch');
  const r = await rt.request('POST', EVENTS, { body: { name: 'one', channel: 'single-ch', data: '{"x":1}' } });
  assert.equal(r.status, 200, `${r}`);
  assert.equal((await c.take('one')).data, '{"x":1}');
});

test('/users of an empty presence channel is an empty list', async () => {
  const users = await (await rt.api.get({ path: `/channels/presence-empty-${unique()}/users` })).json();
  assert.deepEqual(users, { users: [] });
});

// ---- errors ------------------------------------------------------------------------------

const good = { name: 'e', channels: ['err-ch'], data: '{}' };

test('a good hand-signed request is accepted (the baseline for the error cases)', async () => {
  const r = await rt.request('POST', EVENTS, { body: good });
  assert.equal(r.status, 200, `${r}`);
});

test('bad signature: 401', async () => {
  assert.equal((await rt.request('POST', EVENTS, { body: good, secret: 'wrong' })).status, 401);
  assert.equal((await rt.request('POST', EVENTS, { body: good, signature: '0'.repeat(64) })).status, 401);
  assert.equal((await rt.request('POST', EVENTS, { body: good, signature: '' })).status, 401);
  assert.equal((await rt.request('POST', EVENTS, { body: good, key: 'not-the-key' })).status, 401);
  // no auth parameters at all
  const bare = await fetch(`http://127.0.0.1:${rt.port}${EVENTS}`, { method: 'POST', body: JSON.stringify(good), headers: { 'content-type': 'application/json' } });
  assert.equal(bare.status, 401);
  // a signature over another path
  const qs = signQuery('POST', '/apps/app-id/batch_events', { body: JSON.stringify(good) });
  const other = await fetch(`http://127.0.0.1:${rt.port}${EVENTS}?${qs}`, { method: 'POST', body: JSON.stringify(good), headers: { 'content-type': 'application/json' } });
  assert.equal(other.status, 401);
  // GET with a bad signature
  assert.equal((await rt.request('GET', '/apps/app-id/channels', { secret: 'wrong' })).status, 401);
});

test('auth_timestamp outside ±600 s: 401; inside: accepted', async () => {
  const now = Math.floor(Date.now() / 1000);
  assert.equal((await rt.request('POST', EVENTS, { body: good, timestamp: now - 700 })).status, 401);
  assert.equal((await rt.request('POST', EVENTS, { body: good, timestamp: now + 700 })).status, 401);
  assert.equal((await rt.request('POST', EVENTS, { body: good, timestamp: now - 3600 * 24 })).status, 401);
  assert.equal((await rt.request('POST', EVENTS, { body: good, timestamp: now - 300 })).status, 200);
  assert.equal((await rt.request('POST', EVENTS, { body: good, timestamp: now + 300 })).status, 200);
});

test('body_md5 must match the body received: 401', async () => {
  const body = JSON.stringify(good);
  // signed correctly, but over the MD5 of another body
  assert.equal((await rt.request('POST', EVENTS, { body, signBody: JSON.stringify({ ...good, name: 'other' }) })).status, 401);
  // body_md5 left out
  assert.equal((await rt.request('POST', EVENTS, { body, bodyMd5: null })).status, 401);
  assert.equal((await rt.request('POST', EVENTS, { body, bodyMd5: 'ffffffffffffffffffffffffffffffff' })).status, 401);
});

test('unknown app id: 404', async () => {
  const r = await rt.request('POST', '/apps/no-such-app/events', { body: good });
  assert.equal(r.status, 404, `${r}`);
  assert.equal((await rt.request('GET', '/apps/no-such-app/channels')).status, 404);
});

test('data over 10 KB: 413; 10 000 bytes is fine', async () => {
  const c = await rt.connect();
  await c.subscribeOk('err-ch');
  const big = { name: 'big', channels: ['err-ch'], data: 'x'.repeat(10 * 1024 + 1) };
  const r = await rt.request('POST', EVENTS, { body: big });
  assert.equal(r.status, 413, `${r}`);
  const ok = { name: 'fits', channels: ['err-ch'], data: 'y'.repeat(10000) };
  assert.equal((await rt.request('POST', EVENTS, { body: ok })).status, 200);
  await c.take('fits');
  assert.equal(c.seen('big').length, 0);
  assert.equal(await sdkStatus(rt.api.triggerBatch([{ channel: 'err-ch', name: 'big', data: 'z'.repeat(11 * 1024) }])), 413);
});

test('malformed requests: 400', async () => {
  const cases = {
    'not JSON': 'this is not json',
    'JSON array': '[]',
    'no name': { channels: ['a'], data: '{}' },
    'no channels': { name: 'e', data: '{}' },
    'empty channels': { name: 'e', channels: [], data: '{}' },
    'channels not an array': { name: 'e', channels: 'a', data: '{}' },
    '101 channels': { name: 'e', channels: Array.from({ length: 101 }, (_, i) => `c${i}`), data: '{}' },
    'bad channel name': { name: 'e', channels: ['bad name'], data: '{}' },
    '165-char channel name': { name: 'e', channels: [`c${'x'.repeat(164)}`], data: '{}' },
    'event name over 200': { name: 'e'.repeat(201), channels: ['a'], data: '{}' },
    'batch not an array': { batch: 'x' },
  };
  for (const [what, body] of Object.entries(cases)) {
    const path = what.startsWith('batch') ? '/apps/app-id/batch_events' : EVENTS;
    const r = await rt.request('POST', path, { body });
    assert.equal(r.status, 400, `${what}: ${r}`);
  }
  // 100 channels is the maximum, and fine
  const hundred = { name: 'e', channels: Array.from({ length: 100 }, (_, i) => `c${i}`), data: '{}' };
  assert.equal((await rt.request('POST', EVENTS, { body: hundred })).status, 200);
});

test('data given as an object instead of a string is not lost', async () => {
  const c = await rt.connect();
  await c.subscribeOk('obj-data');
  const r = await rt.request('POST', EVENTS, { body: { name: 'obj', channels: ['obj-data'], data: { a: 1 } } });
  if (r.status === 200) {
    const f = await c.take('obj');
    assert.deepEqual(JSON.parse(f.data), { a: 1 });
  } else {
    assert.equal(r.status, 400, `${r}`);
  }
});

test('the API keeps HTTP/1.1 connections alive across requests', async () => {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ports = new Set();
  for (let i = 0; i < 3; i++) {
    const qs = signQuery('GET', '/apps/app-id/channels', {});
    const localPort = await new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: rt.port, path: `/apps/app-id/channels?${qs}`, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(req.socket.localPort));
        assert.equal(res.statusCode, 200);
      });
      req.on('error', reject);
    });
    ports.add(localPort);
  }
  agent.destroy();
  assert.equal(ports.size, 1, 'one connection for three requests');
});

test('the connection socket_id is valid for the SDK (authorizeChannel does not throw)', async () => {
  const c = await rt.connect();
  assert.doesNotThrow(() => rt.api.authorizeChannel(c.socketId, 'private-x'));
});
