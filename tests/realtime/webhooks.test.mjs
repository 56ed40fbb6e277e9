// Webhooks: sent to KIRIM_REALTIME_WEBHOOK_URL, signed so that the Pusher SDK's isValid() accepts
// them, with the three-second delay on leaving and retries when the receiver fails.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test, after } from 'node:test';

import { realtimeForFile, subscribed, waitFor, unique } from './harness.mjs';

// A receiver that records every request and fails the first `failNext` of them with 500.
const received = [];
let failNext = 0;
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (failNext > 0) {
      failNext -= 1;
      res.writeHead(500).end();
      return;
    }
    received.push({ headers: req.headers, body, at: Date.now() });
    res.writeHead(200).end('{}');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
after(() => receiver.close());

const rt = realtimeForFile({
  env: { KIRIM_REALTIME_WEBHOOK_URL: `http://127.0.0.1:${receiver.address().port}/hooks` },
});

// Every webhook event received so far, each checked with the SDK.
function events() {
  const out = [];
  for (const r of received) {
    const hook = rt.api.webhook({ headers: r.headers, rawBody: r.body });
    assert.ok(hook.isValid(), 'the SDK accepts the signature');
    for (const e of hook.getEvents()) out.push({ ...e, at: r.at });
  }
  return out;
}
const find = (pred) => events().find(pred);

test('occupied, member and client events arrive signed; leaving waits about three seconds', async () => {
  const channel = `presence-${unique('hooks')}`;
  const a = await rt.pusherConnected({ presence: () => ({ user_id: 'u1', user_info: { n: 1 } }) });
  const b = await rt.pusherConnected({ presence: () => ({ user_id: 'u2' }) });
  await subscribed(a, channel);
  const { channel: cb } = await subscribed(b, channel);
  await waitFor(() => find((e) => e.name === 'channel_occupied' && e.channel === channel), { what: 'channel_occupied' });
  await waitFor(() => find((e) => e.name === 'member_added' && e.channel === channel && e.user_id === 'u2'), { what: 'member_added' });

  cb.trigger('client-ping', { n: 1 });
  const ev = await waitFor(() => find((e) => e.name === 'client_event' && e.channel === channel), { what: 'client_event' });
  assert.equal(ev.event, 'client-ping');
  assert.equal(ev.user_id, 'u2');
  assert.deepEqual(JSON.parse(ev.data), { n: 1 });
  assert.match(ev.socket_id, /^\d+\.\d+$/);

  const leftAt = Date.now();
  b.disconnect();
  a.disconnect();
  const vacated = await waitFor(() => find((e) => e.name === 'channel_vacated' && e.channel === channel), { what: 'channel_vacated', timeoutMs: 10_000 });
  assert.ok(vacated.at - leftAt >= 2_900, `vacated after ${vacated.at - leftAt} ms`);
  assert.ok(find((e) => e.name === 'member_removed' && e.channel === channel && e.user_id === 'u1'));
});

test('a cache miss is announced', async () => {
  const channel = `cache-${unique('hooks')}`;
  const a = await rt.pusherConnected();
  await subscribed(a, channel);
  await waitFor(() => find((e) => e.name === 'cache_miss' && e.channel === channel), { what: 'cache_miss' });
});

test('a failing receiver gets the webhook again', async () => {
  failNext = 1;
  const channel = unique('retry');
  const a = await rt.pusherConnected();
  await subscribed(a, channel);
  await waitFor(() => find((e) => e.name === 'channel_occupied' && e.channel === channel), { what: 'the retried webhook', timeoutMs: 10_000 });
  assert.equal(failNext, 0);
});
