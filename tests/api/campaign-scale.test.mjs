// A large campaign on two numbers through the sandbox with failures and throttling injected
// (20,000 recipients in the suite, 100,000 with KIRIM_SCALE_N=100000): it completes, every
// recipient ends in one state, the counters equal the recipients counted one by one, and no
// recipient was sent twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  assertStatus, removeDir, startServer, tempDir, waitFor,
} from './harness.mjs';

// 20,000 in the suite (about two minutes under the sanitizers); KIRIM_SCALE_N=100000 for the full size.
const N = Number(process.env.KIRIM_SCALE_N ?? 20_000);

const CONFIG = `
[sandbox]
log_capacity = 10
faults = ["131026 async rate=0.02", "130429 rate=0.005", "131049 async rate=0.005"]

[sandbox.latency]
messages = { median_ms = 15, sigma = 0.3, min_ms = 2, max_ms = 200 }

# Statuses come quickly (and now and then twice, or out of order) so that the test can wait
# for the last one; no simulated customer writes back.
[sandbox.statuses]
sent = { median_ms = 200, sigma = 0.5, min_ms = 20, max_ms = 1000 }
delivered = { median_ms = 300, sigma = 0.5, min_ms = 20, max_ms = 1500 }
read_rate = 0.4
read = { median_ms = 500, sigma = 0.5, min_ms = 50, max_ms = 2000 }
reorder_rate = 0.02
duplicate_rate = 0.02
duplicate = { median_ms = 300, sigma = 0.5, min_ms = 50, max_ms = 1500 }

[sandbox.customers]
reply_rate = 0.0
button_rate = 0.0
opt_out_rate = 0.0

[[sandbox.wabas]]
id = "100000000000001"
name = "Kirim Sandbox"

  [[sandbox.wabas.numbers]]
  id = "100000000000011"
  display_phone_number = "+1 555-000-0001"
  verified_name = "Kirim Sandbox"
  tier = "TIER_UNLIMITED"
  mps = 1000

  [[sandbox.wabas.numbers]]
  id = "100000000000012"
  display_phone_number = "+1 555-000-0002"
  verified_name = "Kirim Sandbox Two"
  tier = "TIER_UNLIMITED"
  mps = 1000

  [[sandbox.wabas.templates]]
  name = "hello_world"
  language = "en_US"
  category = "UTILITY"
  status = "APPROVED"
  components = [{ type = "BODY", text = "Hello World" }]
`;

function csv(n) {
  const lines = ['phone,name'];
  for (let i = 0; i < n; i++) lines.push(`+1202${String(2_000_000 + i).padStart(7, '0')},Person ${i}`);
  return `${lines.join('\n')}\n`;
}

test(`a ${N.toLocaleString('en-US')}-recipient campaign with injected failures and throttling completes with exact counts`, { timeout: 1_800_000 }, async () => {
  const dataDir = tempDir();
  const configFile = path.join(dataDir, 'kirim.toml');
  writeFileSync(configFile, CONFIG);
  const server = await startServer({ dataDir, args: ['--sandbox', 'true', '--config', configFile] });
  try {
    const owner = await server.login();
    const account = (await owner.get('/api/v1/whatsapp/accounts')).json.data[0];
    assert.deepEqual(account.phone_numbers.map((n) => n.throughput_mps), [1000, 1000]);
    const hello = (await owner.get('/api/v1/whatsapp/templates')).json.data
      .find((t) => t.name === 'hello_world');

    // The audience: 100,000 opted-in contacts from a CSV import.
    const bytes = Buffer.from(csv(N));
    const imp = assertStatus(await owner.post('/api/v1/imports', { filename: 'big.csv', size_bytes: bytes.length }), 201).json;
    for (let off = 0; off < bytes.length; off += imp.max_chunk_bytes) {
      assertStatus(await owner.request('PUT', `/api/v1/imports/${imp.id}/data?offset=${off}`,
        { body: bytes.subarray(off, off + imp.max_chunk_bytes), contentType: 'text/csv' }), 200);
    }
    assertStatus(await owner.post(`/api/v1/imports/${imp.id}/start`, {
      mapping: [{ column: 0, target: 'phone' }, { column: 1, target: 'name' }],
      consent: 'opted_in', dedupe: 'update',
    }), 202);
    await waitFor(async () => (await owner.get(`/api/v1/imports/${imp.id}`)).json.state === 'completed',
      { timeoutMs: 300_000, intervalMs: 200, what: 'the import' });

    const c = assertStatus(await owner.post('/api/v1/campaigns', {
      name: 'Big one', audience: { filter: {} }, speed_mps: 1000,
      senders: account.phone_numbers.map((n) => n.id),
      message: { kind: 'template', template_id: hello.id, language: hello.language, params: {} },
    }), 201).json;
    assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/launch`), 200);
    const done = await waitFor(async () => {
      const x = (await owner.get(`/api/v1/campaigns/${c.id}`)).json;
      if (process.env.KIRIM_SCALE_VERBOSE) console.log(JSON.stringify([x.state, x.counters, x.rate]));
      return x.state === 'completed' ? x : null;
    }, { timeoutMs: 1_200_000, intervalMs: 500, what: 'the campaign to complete' });

    const k = done.counters;
    assert.equal(k.planned, N);
    assert.equal(k.queued + k.sending, 0);
    assert.equal(k.sent + k.failed + k.unknown + k.skipped + k.cancelled, N, JSON.stringify(k));
    assert.ok(k.failed > 0, 'the injected failures show');

    // Once the last status webhook is in, the counters equal the recipients counted one by one.
    let last = '';
    await waitFor(async () => {
      const s = (await owner.get('/sandbox/_sandbox/state')).json;
      const x = JSON.stringify((await owner.get(`/api/v1/campaigns/${c.id}`)).json.counters);
      const quiet = s.scheduled === 0 && s.webhooks.queued_items === 0
        && s.webhooks.in_flight === 0 && x === last;
      last = x;
      return quiet;
    }, { timeoutMs: 120_000, intervalMs: 1000, what: 'the status webhooks to settle' });

    const by = {};
    let failedAccepted = 0;
    let cursor = null;
    let total = 0;
    do {
      const page = assertStatus(await owner.get(`/api/v1/campaigns/${c.id}/recipients?limit=200${cursor ? `&cursor=${cursor}` : ''}`), 200).json;
      for (const r of page.data) {
        by[r.state] = (by[r.state] ?? 0) + 1;
        if (r.state === 'failed' && r.wamid) failedAccepted += 1;
      }
      total += page.data.length;
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(total, N);
    const final = (await owner.get(`/api/v1/campaigns/${c.id}`)).json.counters;
    const sent = (by.accepted ?? 0) + (by.sent ?? 0) + (by.delivered ?? 0) + (by.read ?? 0);
    assert.equal(final.sent, sent, JSON.stringify({ by, final }));
    assert.equal(final.failed, by.failed ?? 0);
    assert.equal(final.unknown, by.unknown ?? 0);
    assert.equal(final.delivered, (by.delivered ?? 0) + (by.read ?? 0));

    // Meta (the sandbox) accepted one message per recipient that went out, none twice: the sync
    // throttles were retried, and a failure that came by status had been accepted first.
    const state = assertStatus(await owner.get('/sandbox/_sandbox/state'), 200).json;
    assert.ok((state.counters.errors['130429'] ?? 0) > 0, 'throttling was injected');
    assert.ok(failedAccepted > 0, 'failures came by status');
    assert.equal(state.counters.messages_accepted, sent + failedAccepted);
  } finally {
    await server.stop();
    removeDir(dataDir);
  }
});
