// A client that stops reading must not hold up the others or grow the server without bound:
// it is dropped with 4100 (over capacity, reconnect after backing off; reference §9).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, deadline } from './harness.mjs';

const rt = realtimeForFile();

test('a client that does not read is closed with 4100; readers on the same channels get everything', async () => {
  const channels = Array.from({ length: 100 }, (_, i) => `bp-${i}`);
  const slow = await rt.connect();
  for (const ch of channels) slow.subscribe(ch);
  await slow.roundTrip();
  assert.equal(slow.seen('pusher_internal:subscription_succeeded').length, 100);
  const reader = await rt.connect();
  await reader.subscribeOk('bp-0');

  slow.ws._socket.pause(); // stop reading: the kernel buffers fill, then the server's queue
  const data = 'x'.repeat(5000);
  const REQUESTS = 120; // 12 000 frames of 5 KB (60 MB) for the slow client: far over 4096 queued frames plus socket buffers
  for (let i = 0; i < REQUESTS; i++) {
    const res = await rt.api.trigger(channels, 'bulk', data);
    assert.equal(res.status, 200);
  }
  await rt.api.trigger('bp-0', 'done', '{}');
  await reader.take('done', 'the reader to get every event', 20_000);
  assert.equal(reader.seen('bulk').length, REQUESTS, 'the reader is not held up by the slow client');

  slow.ws._socket.resume();
  const closed = await deadline(slow.closed, 'the slow client to be closed', 20_000);
  assert.equal(closed.code, 4100, `close ${closed.code} ${closed.reason}`);
  assert.ok(slow.seen('bulk').length < REQUESTS * channels.length, 'the slow client did not get everything');
  const fresh = await rt.connect();
  await fresh.roundTrip();
});
