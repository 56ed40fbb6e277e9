// Garbage in: malformed JSON, binary frames, oversize frames, odd envelopes (reference §1, §2, §9).
// A bad frame earns a pusher:error and never harms the connection's neighbours or the server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, dataJson, deadline } from './harness.mjs';

const rt = realtimeForFile();

async function expectError(c, what) {
  const err = await c.take('pusher:error', `pusher:error after ${what}`);
  const d = dataJson(err);
  assert.equal(typeof d.code, 'number', `pusher:error code after ${what}: ${err.raw}`);
  assert.equal(typeof d.message, 'string', err.raw);
  return d;
}

test('malformed JSON gets pusher:error 4200 and the connection stays open', async () => {
  const c = await rt.connect();
  for (const bad of ['{', 'not json', '{"event":', '[1,2,3]', '"just a string"', '42', 'null']) {
    c.send(bad);
    const d = await expectError(c, JSON.stringify(bad));
    if (!['[1,2,3]', '"just a string"', '42', 'null'].includes(bad)) assert.equal(d.code, 4200, `${bad} -> ${JSON.stringify(d)}`);
  }
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

test('a frame without an event name gets pusher:error and the connection stays open', async () => {
  const c = await rt.connect();
  c.send({ data: {} });
  await expectError(c, 'no event');
  c.send({ event: 42, data: {} });
  await expectError(c, 'a numeric event');
  await c.roundTrip();
});

test('a binary frame gets pusher:error and the connection stays open', async () => {
  const c = await rt.connect();
  c.sendBinary(Buffer.from(JSON.stringify({ event: 'pusher:ping', data: {} })));
  await expectError(c, 'a binary frame');
  c.sendBinary(Buffer.from([0xff, 0x00, 0x01, 0x02]));
  await expectError(c, 'binary garbage');
  await c.roundTrip();
});

test('subscribe with bad data shapes gets an error, not a disconnect', async () => {
  const c = await rt.connect();
  c.send({ event: 'pusher:subscribe', data: {} });
  await c.take((f) => f.event === 'pusher:error' || f.event === 'pusher:subscription_error', 'an error for a subscribe without channel');
  c.send({ event: 'pusher:subscribe', data: { channel: 42 } });
  await c.take((f) => f.event === 'pusher:error' || f.event === 'pusher:subscription_error', 'an error for a numeric channel');
  c.send({ event: 'pusher:subscribe' });
  await c.take((f) => f.event === 'pusher:error' || f.event === 'pusher:subscription_error', 'an error for a subscribe without data');
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

test('data may be sent as a JSON string (accept both encodings)', async () => {
  const c = await rt.connect();
  c.send({ event: 'pusher:subscribe', data: JSON.stringify({ channel: 'stringly-typed' }) });
  const ok = await c.take((f) => f.channel === 'stringly-typed', 'subscription of stringly-typed');
  assert.equal(ok.event, 'pusher_internal:subscription_succeeded', ok.raw);
});

test('bad frames on one connection do not affect others', async () => {
  const bystander = await rt.connect();
  await bystander.subscribeOk('bystanders');
  const vandal = await rt.connect();
  vandal.send('}{');
  vandal.sendBinary(Buffer.alloc(10, 0xee));
  vandal.send({ event: 'pusher:subscribe', data: 'not json' });
  await expectError(vandal, 'garbage');
  await rt.api.trigger('bystanders', 'still-here', { ok: true });
  const ev = await bystander.take('still-here');
  assert.equal(ev.data, '{"ok":true}');
  await vandal.roundTrip();
});

test('a frame over 100 KB closes that connection (1009 or 4xxx); the server survives', async () => {
  const bystander = await rt.connect();
  const c = await rt.connect();
  c.send(JSON.stringify({ event: 'client-big', channel: 'private-x', data: 'x'.repeat(200 * 1024) }));
  const closed = await deadline(c.closed, 'the oversize connection to close');
  assert.ok(closed.code === 1009 || (closed.code >= 4000 && closed.code <= 4999),
    `close code ${closed.code} (${closed.reason}) should be 1009 or 4xxx`);
  await bystander.roundTrip();
  const fresh = await rt.connect();
  await fresh.roundTrip();
});

test('an oversize frame sent in fragments is refused as well', async () => {
  const c = await rt.connect();
  const chunk = 'y'.repeat(40 * 1024);
  c.ws.send(`{"event":"client-big","channel":"private-x","data":"${chunk}`, { fin: false });
  c.ws.send(chunk, { fin: false });
  c.ws.send(chunk, { fin: false });
  c.ws.send(`${chunk}"}`, { fin: true });
  const closed = await deadline(c.closed, 'the fragmented oversize connection to close');
  assert.ok(closed.code === 1009 || (closed.code >= 4000 && closed.code <= 4999), `close code ${closed.code}`);
  const fresh = await rt.connect();
  await fresh.roundTrip();
});

test('a frame just under 100 KB is not closed (the limit is on frames over 100 KB)', async () => {
  const c = await rt.connect();
  // An unknown client event on a channel we are not in: rejected with pusher:error, not a close.
  c.send(JSON.stringify({ event: 'client-big', channel: 'private-x', data: 'z'.repeat(90 * 1024) }));
  await c.take('pusher:error', 'pusher:error for the unsubscribed/oversize client event');
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

test('unknown pusher: events do not close the connection', async () => {
  const c = await rt.connect();
  c.send({ event: 'pusher:nonsense', data: {} });
  c.send({ event: 'pusher_internal:subscription_succeeded', channel: 'x', data: '{}' });
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

test('abrupt disconnects mid-subscription do not crash the server', async () => {
  for (let i = 0; i < 10; i++) {
    const c = await rt.connect();
    c.subscribe(`drop-${i}`);
    c.terminate();
  }
  const c = await rt.connect();
  await c.subscribeOk('drop-0');
  await c.roundTrip();
});
