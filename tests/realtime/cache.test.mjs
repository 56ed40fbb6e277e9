// Cache channels: last HTTP event replayed on subscribe, pusher:cache_miss otherwise (reference §12).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, unique, once, APP, hmac } from './harness.mjs';

const rt = realtimeForFile();

// Frames for `channel` in the order received, from subscription_succeeded on.
function channelFrames(c, channel) {
  return c.history.filter((f) => f.channel === channel);
}

async function subscribeAny(c, ch) {
  if (ch.startsWith('presence-')) return c.subscribePresence(rt.api, ch, { user_id: unique('cu') });
  if (ch.startsWith('private-')) return c.subscribePrivate(rt.api, ch);
  return c.subscribeOk(ch);
}

for (const prefix of ['cache-', 'private-cache-', 'presence-cache-', 'private-encrypted-cache-']) {
  test(`${prefix}: cache_miss when empty, then the last HTTP event replayed right after subscription_succeeded`, async () => {
    const ch = `${prefix}${unique()}`;
    const first = await rt.connect();
    await subscribeAny(first, ch);
    const miss = await first.take('pusher:cache_miss');
    assert.equal(miss.channel, ch, miss.raw);
    const frames = channelFrames(first, ch).map((f) => f.event);
    assert.deepEqual(frames, ['pusher_internal:subscription_succeeded', 'pusher:cache_miss'], 'cache_miss right after subscription_succeeded');

    await rt.api.trigger(ch, 'price', { v: 41 });
    await rt.api.trigger(ch, 'price', { v: 42 });
    await first.take('price');
    const live = await first.take('price');

    const second = await rt.connect();
    await subscribeAny(second, ch);
    const replay = await second.take('price');
    assert.equal(replay.channel, ch);
    assert.equal(replay.data, live.data, 'the last event, data byte for byte');
    assert.equal(second.seen('pusher:cache_miss').length, 0);
    const seq = channelFrames(second, ch).map((f) => f.event);
    assert.deepEqual(seq, ['pusher_internal:subscription_succeeded', 'price'], 'replay comes right after subscription_succeeded');
    if (!prefix.includes('encrypted')) assert.deepEqual(JSON.parse(replay.data), { v: 42 });
  });
}

test('the cache is kept when the channel has no subscribers', async () => {
  const ch = `cache-${unique()}`;
  await rt.api.trigger(ch, 'stat', 'sent-with-nobody-listening');
  const c = await rt.connect();
  await c.subscribeOk(ch);
  const replay = await c.take('stat');
  assert.equal(replay.data, 'sent-with-nobody-listening');
  c.send({ event: 'pusher:unsubscribe', data: { channel: ch } });
  await c.roundTrip();
  const d = await rt.connect();
  await d.subscribeOk(ch);
  assert.equal((await d.take('stat')).data, 'sent-with-nobody-listening');
});

test('client events are never cached', async () => {
  const ch = `private-cache-${unique()}`;
  const a = await rt.connect();
  const b = await rt.connect();
  await a.subscribePrivate(rt.api, ch);
  await b.subscribePrivate(rt.api, ch);
  await rt.api.trigger(ch, 'server-ev', 'from-server');
  await b.take('server-ev');
  a.send({ event: 'client-ev', channel: ch, data: { from: 'client' } });
  await b.take('client-ev');
  const c = await rt.connect();
  await c.subscribePrivate(rt.api, ch);
  const replay = await c.take((f) => f.channel === ch && f.event !== 'pusher_internal:subscription_succeeded', 'the replay');
  assert.equal(replay.event, 'server-ev', replay.raw);
  assert.equal(replay.data, 'from-server');
});

test('a failed subscription to a cache channel gets neither the replay nor cache_miss', async () => {
  const ch = `private-cache-${unique()}`;
  await rt.api.trigger(ch, 'secret', 'hidden');
  const c = await rt.connect();
  await c.subscribeFails(ch, { auth: `${APP.key}:${hmac('wrong', `${c.socketId}:${ch}`)}` });
  await c.roundTrip();
  assert.equal(c.seen('secret').length, 0);
  assert.equal(c.seen('pusher:cache_miss').length, 0);
});

test('a non-cache channel has no cache: no replay, no cache_miss', async () => {
  const ch = `plain-${unique()}`;
  await rt.api.trigger(ch, 'old', 'x');
  const c = await rt.connect();
  await c.subscribeOk(ch);
  await c.roundTrip();
  assert.equal(c.seen('old').length, 0);
  assert.equal(c.seen('pusher:cache_miss').length, 0);
});

test('socket_id exclusion does not stop an event from being cached', async () => {
  const ch = `cache-${unique()}`;
  const me = await rt.connect();
  await me.subscribeOk(ch);
  await me.take('pusher:cache_miss');
  await rt.api.trigger(ch, 'excluded', 'still-cached', { socket_id: me.socketId });
  const later = await rt.connect();
  await later.subscribeOk(ch);
  assert.equal((await later.take('excluded')).data, 'still-cached');
});

test('pusher-js: pusher:cache_miss and the replayed event reach channel listeners', async () => {
  const ch = `cache-js-${unique()}`;
  const p1 = await rt.pusherConnected();
  const c1 = p1.subscribe(ch);
  const miss = once(c1, 'pusher:cache_miss');
  await miss;
  await rt.api.trigger(ch, 'latest', { n: 7 });
  const p2 = await rt.pusherConnected();
  const c2 = p2.subscribe(ch);
  const got = once(c2, 'latest');
  assert.deepEqual(await got, { n: 7 });
});
