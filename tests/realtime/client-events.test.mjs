// Client events (client-*): where they are allowed, routing, user_id, rate and size limits (reference §7).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, dataJson, unique, subscribed, once } from './harness.mjs';

const rt = realtimeForFile();

// Two raw clients subscribed to a private channel.
async function privatePair() {
  const ch = `private-chat-${unique()}`;
  const a = await rt.connect();
  const b = await rt.connect();
  await a.subscribePrivate(rt.api, ch);
  await b.subscribePrivate(rt.api, ch);
  return { ch, a, b };
}

// Makes sure everything the server would have sent to `clients` because of earlier client
// events has arrived: a server event on `ch` is ordered after them.
async function flush(ch, ...clients) {
  const name = unique('marker-');
  await rt.api.trigger(ch, name, '{}');
  await Promise.all(clients.map((c) => c.take(name)));
}

test('private channel: relayed to the other subscribers, not echoed to the sender, data as sent', async () => {
  const { ch, a, b } = await privatePair();
  const c = await rt.connect();
  await c.subscribePrivate(rt.api, ch);
  a.send({ event: 'client-typing', channel: ch, data: { who: 'a', n: 1 } });
  const atB = await b.take('client-typing');
  const atC = await c.take('client-typing');
  for (const f of [atB, atC]) {
    assert.equal(f.channel, ch);
    assert.deepEqual(dataJson(f), { who: 'a', n: 1 });
    assert.equal(f.user_id, undefined, 'no user_id on private channels');
  }
  await flush(ch, a, b, c);
  assert.equal(a.seen('client-typing').length, 0, 'never echoed to the sender');
  assert.equal(a.seen('pusher:error').length, 0);
});

test('client event data may be a string; it is relayed as given', async () => {
  const { ch, a, b } = await privatePair();
  a.send({ event: 'client-str', channel: ch, data: 'plain text, "quoted" \\ ünï' });
  const f = await b.take('client-str');
  assert.equal(f.data, 'plain text, "quoted" \\ ünï');
});

test('presence channel: relayed with the sender\'s user_id', async () => {
  const ch = `presence-chat-${unique()}`;
  const a = await rt.connect();
  const b = await rt.connect();
  await a.subscribePresence(rt.api, ch, { user_id: 'sender-1' });
  await b.subscribePresence(rt.api, ch, { user_id: 'reader-2' });
  a.send({ event: 'client-hello', channel: ch, data: { hi: true } });
  const f = await b.take('client-hello');
  assert.equal(f.user_id, 'sender-1', f.raw);
  assert.deepEqual(dataJson(f), { hi: true });
  await flush(ch, a, b);
  assert.equal(a.seen('client-hello').length, 0);
});

test('presence channel with a numeric user_id: user_id is sent as a string', async () => {
  const ch = `presence-num-${unique()}`;
  const a = await rt.connect();
  const b = await rt.connect();
  await a.subscribePresence(rt.api, ch, { user_id: 77 });
  await b.subscribePresence(rt.api, ch, { user_id: 78 });
  a.send({ event: 'client-n', channel: ch, data: {} });
  const f = await b.take('client-n');
  assert.equal(f.user_id, '77', f.raw);
});

for (const [kind, make] of [
  ['public', async (c) => { const ch = `public-${unique()}`; await c.subscribeOk(ch); return ch; }],
  ['cache (public)', async (c) => { const ch = `cache-${unique()}`; await c.subscribeOk(ch); return ch; }],
  ['private-encrypted', async (c) => { const ch = `private-encrypted-${unique()}`; await c.subscribePrivate(rt.api, ch); return ch; }],
]) {
  test(`${kind} channels refuse client events with pusher:error, without closing`, async () => {
    const a = await rt.connect();
    const ch = await make(a);
    const b = await rt.connect();
    if (ch.startsWith('private-')) await b.subscribePrivate(rt.api, ch); else await b.subscribeOk(ch);
    a.send({ event: 'client-nope', channel: ch, data: {} });
    const err = await a.take('pusher:error');
    assert.equal(typeof dataJson(err).code, 'number', err.raw);
    await flush(ch, a, b);
    assert.equal(b.seen('client-nope').length, 0, 'not relayed');
    assert.equal(a.closeInfo, null);
  });
}

test('a connection not subscribed to the channel cannot send to it (pusher:error, connection stays)', async () => {
  const { ch, a, b } = await privatePair();
  const outsider = await rt.connect();
  outsider.send({ event: 'client-sneak', channel: ch, data: {} });
  const err = await outsider.take('pusher:error');
  assert.equal(dataJson(err).code, 4009, `reference §14 recommends 4009: ${err.raw}`);
  await flush(ch, a, b);
  assert.equal(a.seen('client-sneak').length + b.seen('client-sneak').length, 0);
  await outsider.roundTrip();
  assert.equal(outsider.closeInfo, null);
});

test('after unsubscribing, client events are refused', async () => {
  const { ch, a, b } = await privatePair();
  a.send({ event: 'pusher:unsubscribe', data: { channel: ch } });
  a.send({ event: 'client-late', channel: ch, data: {} });
  await a.take('pusher:error');
  await flush(ch, b);
  assert.equal(b.seen('client-late').length, 0);
});

test('only client-* names: other event names from a client are refused', async () => {
  const { ch, a, b } = await privatePair();
  a.send({ event: 'my-event', channel: ch, data: {} });
  a.send({ event: 'pusher_internal:member_added', channel: ch, data: '{"user_id":"fake"}' });
  await a.roundTrip();
  await flush(ch, a, b);
  assert.equal(b.seen('my-event').length, 0);
  assert.equal(b.seen('pusher_internal:member_added').length, 0);
});

test('rate limit: beyond 10 client events per second the sender gets 4301, stays connected', async () => {
  const { ch, a, b } = await privatePair();
  const N = 25;
  for (let i = 0; i < N; i++) a.send({ event: 'client-flood', channel: ch, data: { i } });
  const err = await a.take('pusher:error', 'pusher:error 4301');
  assert.equal(dataJson(err).code, 4301, err.raw);
  await a.roundTrip();
  assert.equal(a.closeInfo, null, 'not closed for flooding');
  await flush(ch, a, b);
  const got = b.seen('client-flood').map((f) => dataJson(f).i);
  // A burst can straddle a one-second window boundary, so at most 2 x 10 get through.
  assert.ok(got.length >= 10 && got.length <= 20, `relayed ${got.length} of ${N}`);
  assert.deepEqual(got.slice(0, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the first ten pass, in order');
  const rejected = a.seen((f) => f.event === 'pusher:error' && dataJson(f).code === 4301).length;
  assert.equal(rejected, N - got.length, 'every dropped event is answered with 4301');
});

test('the rate limit is per connection', async () => {
  const { ch, a, b } = await privatePair();
  for (let i = 0; i < 10; i++) a.send({ event: 'client-a', channel: ch, data: { i } });
  for (let i = 0; i < 10; i++) b.send({ event: 'client-b', channel: ch, data: { i } });
  await flush(ch, a, b);
  await a.roundTrip();
  await b.roundTrip();
  assert.equal(a.seen('client-b').length, 10);
  assert.equal(b.seen('client-a').length, 10);
  assert.equal(a.seen('pusher:error').length + b.seen('pusher:error').length, 0);
});

test('client event data over 10 KB is refused with 4301; 9 KB passes', async () => {
  const { ch, a, b } = await privatePair();
  a.send({ event: 'client-big', channel: ch, data: { blob: 'x'.repeat(11 * 1024) } });
  const err = await a.take('pusher:error');
  assert.equal(dataJson(err).code, 4301, err.raw);
  a.send({ event: 'client-ok', channel: ch, data: { blob: 'y'.repeat(9 * 1024) } });
  const ok = await b.take('client-ok');
  assert.equal(dataJson(ok).blob.length, 9 * 1024);
  await flush(ch, b);
  assert.equal(b.seen('client-big').length, 0);
});

test('pusher-js: trigger client events on private and presence channels; pusher-js delivers user_id metadata', async () => {
  const ch = `presence-js-${unique()}`;
  const p1 = await rt.pusherConnected({ presence: () => ({ user_id: 'p1' }) });
  const p2 = await rt.pusherConnected({ presence: () => ({ user_id: 'p2' }) });
  const { channel: c1 } = await subscribed(p1, ch);
  const { channel: c2 } = await subscribed(p2, ch);
  const got = once(c2, 'client-wave', 'client-wave', undefined, true);
  assert.equal(c1.trigger('client-wave', { hand: 'left' }), true);
  const { data, meta } = await got;
  assert.deepEqual(data, { hand: 'left' });
  assert.equal(meta?.user_id, 'p1');
});
