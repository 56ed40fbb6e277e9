// Subscribing: channel types, names, signatures, subscription_error, unsubscribe (reference §4, §5).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, dataJson, hmac, APP, subscribed, once, unique } from './harness.mjs';

const rt = realtimeForFile();

test('a public channel: subscription_succeeded with data "{}", then events', async () => {
  const c = await rt.connect();
  const ok = await c.subscribeOk('orders');
  assert.equal(ok.data, '{}', `subscription_succeeded data: ${ok.raw}`);
  await rt.api.trigger('orders', 'created', { id: 1 });
  const ev = await c.take('created');
  assert.deepEqual({ event: ev.event, channel: ev.channel, data: ev.data }, { event: 'created', channel: 'orders', data: '{"id":1}' });
});

test('an empty auth on a public channel is ignored', async () => {
  const c = await rt.connect();
  await c.subscribeOk('public-with-empty-auth', { auth: '' });
});

test('subscribing twice is idempotent: succeeded again, events delivered once', async () => {
  const c = await rt.connect();
  await c.subscribeOk('twice');
  await c.subscribeOk('twice');
  await rt.api.trigger('twice', 'once-only', 'a');
  await rt.api.trigger('twice', 'marker', 'b');
  await c.take('marker');
  assert.equal(c.seen('once-only').length, 1);
  const info = await (await rt.api.get({ path: '/channels/twice', params: { info: 'subscription_count' } })).json();
  assert.equal(info.subscription_count, 1);
});

test('unsubscribe gets no reply and stops delivery', async () => {
  const c = await rt.connect();
  await c.subscribeOk('leaving');
  await c.subscribeOk('staying');
  c.send({ event: 'pusher:unsubscribe', data: { channel: 'leaving' } });
  c.send({ event: 'pusher:unsubscribe', data: { channel: 'never-joined' } });
  await c.roundTrip();
  await rt.api.trigger('leaving', 'gone', 'x');
  await rt.api.trigger('staying', 'marker', 'y');
  await c.take('marker');
  assert.equal(c.seen('gone').length, 0, 'no event after unsubscribe');
  const afterSubscribe = c.history.filter((f) => f.event !== 'pusher:connection_established' &&
    f.event !== 'pusher_internal:subscription_succeeded' && f.event !== 'pusher:pong' && f.event !== 'marker');
  assert.deepEqual(afterSubscribe.map((f) => f.raw), [], 'unsubscribe is not answered');
});

test('names up to 164 characters of A-Za-z0-9_-=@,.; are accepted', async () => {
  const c = await rt.connect();
  const allowed = 'Az09_-=@,.;';
  await c.subscribeOk(allowed);
  const long = `n${'x'.repeat(163)}`;
  assert.equal(long.length, 164);
  await c.subscribeOk(long);
  await c.subscribeOk('App.Models.User.7');
  const priv = `private-${'p'.repeat(156)}`;
  assert.equal(priv.length, 164);
  await c.subscribePrivate(rt.api, priv);
});

test('names over 164 characters or with other characters are refused, connection open', async () => {
  const c = await rt.connect();
  for (const name of [`n${'x'.repeat(164)}`, 'has space', 'slash/no', 'star*', 'ünïcode', 'quote"', 'hash#inside', '', 'tab\tname']) {
    c.subscribe(name);
    const f = await c.take((m) => m.event === 'pusher:subscription_error' || m.event === 'pusher:error' ||
      (m.event === 'pusher_internal:subscription_succeeded' && m.channel === name), `refusal of ${JSON.stringify(name)}`);
    assert.notEqual(f.event, 'pusher_internal:subscription_succeeded', `${JSON.stringify(name)} must be refused`);
  }
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

test('# names: refused unless #server-to-user-{id} of the signed-in user', async () => {
  const c = await rt.connect();
  for (const name of ['#server-to-user-1', '#foo', '#server-to-user-']) {
    c.subscribe(name);
    const f = await c.take((m) => m.event === 'pusher:subscription_error' || m.event === 'pusher:error' ||
      (m.event === 'pusher_internal:subscription_succeeded' && m.channel === name), `refusal of ${name}`);
    assert.notEqual(f.event, 'pusher_internal:subscription_succeeded', `${name} must be refused for a socket not signed in`);
  }
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

const authOf = (socketId, channel, channelData) =>
  `${APP.key}:${hmac(APP.secret, channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`)}`;

for (const prefix of ['private-', 'private-encrypted-', 'private-cache-', 'private-encrypted-cache-']) {
  test(`${prefix} channels need a valid signature`, async () => {
    const name = `${prefix}room.${unique()}`;
    const c = await rt.connect();
    // the right signature
    const ok = await c.subscribeOk(name, { auth: authOf(c.socketId, name) });
    assert.equal(ok.data, '{}', ok.raw);

    const other = await rt.connect();
    const cases = {
      'no auth': {},
      'empty auth': { auth: '' },
      'wrong secret': { auth: `${APP.key}:${hmac('not-the-secret', `${other.socketId}:${name}`)}` },
      'another socket': { auth: authOf(c.socketId, name) },
      'another channel': { auth: authOf(other.socketId, `${name}x`) },
      'wrong key part': { auth: `not-the-key:${hmac(APP.secret, `${other.socketId}:${name}`)}` },
      'no key part': { auth: hmac(APP.secret, `${other.socketId}:${name}`) },
      'truncated': { auth: authOf(other.socketId, name).slice(0, -2) },
      'garbage': { auth: `${APP.key}:zz` },
    };
    for (const [what, extra] of Object.entries(cases)) {
      const f = await other.subscribeFails(name, extra);
      const d = dataJson(f);
      assert.equal(d.type, 'AuthError', `${what}: ${f.raw}`);
      assert.equal(d.status, 401, `${what}: ${f.raw}`);
      assert.equal(typeof d.error, 'string', `${what}: ${f.raw}`);
    }
    await other.roundTrip();
    assert.equal(other.closeInfo, null, 'a failed subscription does not close the connection');
    // and the failed connection gets nothing from the channel
    await rt.api.trigger(name, 'secret-stuff', 's');
    await c.take('secret-stuff');
    await other.roundTrip();
    assert.equal(other.seen('secret-stuff').length, 0);
    // it can still subscribe properly afterwards
    await other.subscribeOk(name, { auth: authOf(other.socketId, name) });
  });
}

test('private-encrypted-: the SDK-encrypted payload is relayed untouched', async () => {
  const name = `private-encrypted-${unique()}`;
  const c = await rt.connect();
  await c.subscribePrivate(rt.api, name);
  await rt.api.trigger(name, 'sealed', { secret: 42 });
  const ev = await c.take('sealed');
  const d = JSON.parse(ev.data);
  assert.deepEqual(Object.keys(d).sort(), ['ciphertext', 'nonce']);
});

test('pusher-js decrypts a private-encrypted- event end to end (the server relays the ciphertext untouched)', async () => {
  const name = `private-encrypted-js-${unique()}`;
  const p = await rt.pusherConnected();
  const { channel } = await subscribed(p, name);
  const got = once(channel, 'sealed');
  await rt.api.trigger(name, 'sealed', { secret: 'ünï 42' });
  assert.deepEqual(await got, { secret: 'ünï 42' });
});

test('the reference test vector: key:hex(HMAC-SHA256(secret, "socket:channel"))', () => {
  // reference §5.3, checked so that this suite's own signing is right
  assert.equal(hmac('7ad3773142a6692b25b8', '1234.1234:private-foobar'),
    '58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4');
  assert.equal(hmac('7ad3773142a6692b25b8', '1234.1234:presence-foobar:{"user_id":10,"user_info":{"name":"Mr. Channels"}}'),
    '31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80');
});

test('presence: the signature covers channel_data byte for byte', async () => {
  const name = `presence-${unique()}`;
  const c = await rt.connect();
  const channelData = '{"user_id":"u1",  "user_info":{"name":"A"}}'; // odd spacing, signed as is
  await c.subscribeOk(name, { auth: authOf(c.socketId, name, channelData), channel_data: channelData });
  const d = await rt.connect();
  const f = await d.subscribeFails(name, { auth: authOf(d.socketId, name, channelData), channel_data: '{"user_id":"u1","user_info":{"name":"A"}}' });
  assert.equal(dataJson(f).status, 401);
  const g = await d.subscribeFails(name, { auth: authOf(d.socketId, name) });
  assert.equal(dataJson(g).type, 'AuthError');
});

test('pusher-js: private subscription works, and a bad signature surfaces as pusher:subscription_error 401', async () => {
  const p = await rt.pusherConnected();
  const name = `private-js-${unique()}`;
  const { channel } = await subscribed(p, name);
  const got = once(channel, 'server-said');
  await rt.api.trigger(name, 'server-said', { hello: 'world' });
  assert.deepEqual(await got, { hello: 'world' });

  const bad = await rt.pusherConnected({ authorize: (socketId, ch) => ({ auth: `${APP.key}:${hmac('wrong', `${socketId}:${ch}`)}` }) });
  const ch2 = bad.subscribe(name);
  const err = await once(ch2, 'pusher:subscription_error');
  assert.equal(err.status, 401, JSON.stringify(err));
  assert.equal(err.type, 'AuthError', JSON.stringify(err));
  assert.equal(bad.connection.state, 'connected');
});

test('a subscription from one connection does not leak to another', async () => {
  const a = await rt.connect();
  const b = await rt.connect();
  await a.subscribeOk('only-a');
  await b.subscribeOk('only-b');
  await rt.api.trigger(['only-a'], 'for-a', '1');
  await rt.api.trigger(['only-b'], 'for-b', '2');
  await a.take('for-a');
  await b.take('for-b');
  await a.roundTrip();
  await b.roundTrip();
  assert.equal(a.seen('for-b').length, 0);
  assert.equal(b.seen('for-a').length, 0);
});
