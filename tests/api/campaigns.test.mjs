// Campaigns end to end against the embedded WhatsApp sandbox (`--sandbox true`): launch, exact
// counters, pause, resume, stop, emergency stop, validation, tracked links, replies and
// conversions, and a kill -9 in the middle of sending.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertError, assertStatus, removeDir, startServer, tempDir, waitFor,
} from './harness.mjs';

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

let server;
let owner;
let senders;
let hello;

before(async () => {
  server = await startServer({ args: ['--sandbox', 'true'] });
  owner = await server.login();
  ({ senders, hello } = await sandboxSetup(owner));
});

after(async () => {
  await server?.stop();
});

async function sandboxSetup(client) {
  const accounts = assertStatus(await client.get('/api/v1/whatsapp/accounts'), 200).json.data;
  assert.equal(accounts.length, 1, 'the sandbox account is connected at start');
  const templates = assertStatus(await client.get('/api/v1/whatsapp/templates'), 200).json.data;
  return {
    senders: accounts[0].phone_numbers.map((n) => n.id),
    hello: templates.find((t) => t.name === 'hello_world'),
  };
}

// n contacts +1202555<block><nnn>, with the given consent and tags; returns their ids.
async function makeContacts(client, block, n, { consent = 'opted_in', tags = [] } = {}) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const phone = `+1202555${block}${String(i).padStart(3, '0')}`;
    const res = assertStatus(await client.post('/api/v1/contacts',
      { phone, name: `Contact ${block}-${i}`, consent, tags }), 201);
    ids.push(res.json.id);
  }
  return ids;
}

async function createCampaign(client, body) {
  return assertStatus(await client.post('/api/v1/campaigns', {
    message: { kind: 'template', template_id: hello.id, language: hello.language, params: {} },
    senders: [senders[0]],
    ...body,
  }), 201).json;
}

async function campaign(client, id) {
  return assertStatus(await client.get(`/api/v1/campaigns/${id}`), 200).json;
}

async function waitCampaign(client, id, check, what, timeoutMs = 60_000) {
  return waitFor(async () => {
    const c = await campaign(client, id);
    return check(c) ? c : null;
  }, { timeoutMs, intervalMs: 50, what });
}

// Message requests the sandbox has received (accepted or refused), over its numbers.
async function sandboxRequests(client, prefix = '/sandbox') {
  const state = assertStatus(await client.get(`${prefix}/_sandbox/state`), 200).json;
  let n = 0;
  for (const w of state.wabas) for (const num of w.numbers) n += num.accepted + num.refused;
  return n;
}

// Every recipient state counted through the recipients list.
async function recipientStates(client, id) {
  const all = await client.all(`/api/v1/campaigns/${id}/recipients`);
  const by = {};
  for (const r of all) by[r.state] = (by[r.state] ?? 0) + 1;
  return { all, by };
}

const settled = (c) => c.counters.queued === 0 && c.counters.sending === 0;

test('a launched campaign sends once to each opted-in contact of its audience; counters are exact', async () => {
  await makeContacts(owner, '1', 25, { tags: ['vip'] });
  await makeContacts(owner, '2', 3, { consent: 'opted_out', tags: ['vip'] });
  await makeContacts(owner, '3', 2, { consent: 'unknown', tags: ['vip'] });
  await makeContacts(owner, '4', 4, { tags: ['vip', 'churned'] });

  const audience = { filter: { tag: ['vip'] }, exclude_tags: ['churned'] };
  const estimate = assertStatus(await owner.post('/api/v1/campaigns/estimate', { audience }), 200).json;
  assert.equal(estimate.contacts, 25, JSON.stringify(estimate));
  assert.equal(estimate.excluded.opted_out, 3);
  assert.equal(estimate.excluded.tags, 4);

  const before = await sandboxRequests(owner);
  const c = await createCampaign(owner, { name: 'VIP launch', audience, speed_mps: 50 });
  assert.equal(c.state, 'draft');
  const launched = assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/launch`), 200).json;
  assert.equal(launched.state, 'running');

  const done = await waitCampaign(owner, c.id, (x) => x.state === 'completed',
    'the campaign to complete');
  assert.ok(settled(done));
  const k = done.counters;
  assert.equal(k.planned, 25);
  assert.equal(k.sent + k.failed + k.unknown + k.skipped + k.cancelled, 25, JSON.stringify(k));
  assert.equal(k.unknown, 0);
  // One request per recipient reached the sandbox, none twice.
  assert.equal(await sandboxRequests(owner) - before, k.sent + k.failed - k.skipped);

  // The counters agree with the recipients, one by one.
  const { all, by } = await recipientStates(owner, c.id);
  assert.equal(all.length, 25);
  assert.equal(new Set(all.map((r) => r.contact.id)).size, 25, 'each contact once');
  const delivered = (by.delivered ?? 0) + (by.read ?? 0);
  const sent = (by.accepted ?? 0) + (by.sent ?? 0) + delivered;
  const now = await campaign(owner, c.id);
  assert.equal(now.counters.sent, sent, JSON.stringify({ by, counters: now.counters }));
  assert.equal(now.counters.failed, by.failed ?? 0);
  for (const r of all) {
    assert.ok(r.contact.phone.startsWith('+12025551'), `only the audience: ${r.contact.phone}`);
    if (r.state !== 'failed') assert.match(r.wamid, /^wamid\./);
  }

  // Statuses keep moving it after completion: most are delivered within a few seconds.
  await waitCampaign(owner, c.id, (x) => x.counters.delivered + x.counters.failed >= 20,
    'statuses to arrive', 30_000);

  const timeline = assertStatus(await owner.get(`/api/v1/campaigns/${c.id}/timeline`), 200).json.data;
  assert.deepEqual(timeline.map((e) => e.kind).filter((kind) => kind !== 'planned'),
    ['created', 'started', 'completed']);
  const series = assertStatus(await owner.get(`/api/v1/campaigns/${c.id}/series?interval=1m`), 200).json;
  assert.equal(series.interval_ms, 60_000);
  assert.equal(series.data.reduce((n, p) => n + p.sent, 0), k.sent);

  // A finished campaign can't be edited or relaunched, but it can be duplicated.
  assertError(await owner.patch(`/api/v1/campaigns/${c.id}`, { name: 'x' }), 409, 'conflict');
  const copy = assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/duplicate`), 201).json;
  assert.equal(copy.state, 'draft');
  assert.deepEqual(copy.audience, audience);
  assert.equal(copy.counters.planned, 0);
});

test('pause stops every request at once; resume goes on; stop cancels the rest', async () => {
  await makeContacts(owner, '5', 60, { tags: ['slow'] });
  const c = await createCampaign(owner, {
    name: 'Slow one', audience: { filter: { tag: ['slow'] } }, speed_mps: 8,
  });
  assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/launch`), 200);
  await waitCampaign(owner, c.id, (x) => x.counters.sent >= 5, 'a few sends');

  const paused = assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/pause`), 200).json;
  assert.equal(paused.state, 'paused');
  assert.equal(paused.counters.sending, 0, 'answers of requests made are in before pause returns');
  const requestsAtPause = await sandboxRequests(owner);
  const sentAtPause = paused.counters.sent + paused.counters.failed;
  await sleep(1500);
  assert.equal(await sandboxRequests(owner), requestsAtPause, 'no request left while paused');
  const still = await campaign(owner, c.id);
  assert.equal(still.state, 'paused');
  assert.equal(still.counters.sent + still.counters.failed, sentAtPause);
  assert.ok(still.counters.queued > 0);

  // The speed changes while paused; resuming goes on from where it stopped.
  const faster = assertStatus(await owner.patch(`/api/v1/campaigns/${c.id}/speed`, { speed_mps: 10 }), 200).json;
  assert.equal(faster.speed_mps, 10);
  assertError(await owner.patch(`/api/v1/campaigns/${c.id}/speed`, { speed_mps: 0 }), 400,
    'validation_failed');
  assert.equal(assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/resume`), 200).json.state,
    'running');
  await waitCampaign(owner, c.id, (x) => x.counters.sent + x.counters.failed >= sentAtPause + 3,
    'sending to go on');

  const stopped = assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/stop`), 200).json;
  assert.equal(stopped.state, 'stopped');
  const requestsAtStop = await sandboxRequests(owner);
  await sleep(1000);
  assert.equal(await sandboxRequests(owner), requestsAtStop, 'no request left after stop');
  const end = await campaign(owner, c.id);
  assert.ok(settled(end), JSON.stringify(end.counters));
  assert.ok(end.counters.cancelled > 0);
  const k = end.counters;
  assert.equal(k.sent + k.failed + k.unknown + k.skipped + k.cancelled, 60);
  const { by } = await recipientStates(owner, c.id);
  assert.equal(by.cancelled, k.cancelled);
  assert.equal(by.pending ?? 0, 0);
  const kinds = assertStatus(await owner.get(`/api/v1/campaigns/${c.id}/timeline`), 200).json.data
    .map((e) => e.kind);
  for (const kind of ['paused', 'speed_changed', 'resumed', 'stopped']) assert.ok(kinds.includes(kind), kinds.join());
  assertError(await owner.post(`/api/v1/campaigns/${c.id}/resume`), 409, 'conflict');
});

test('emergency stop halts every running, paused and scheduled campaign of the workspace', async () => {
  await makeContacts(owner, '6', 30, { tags: ['urgent'] });
  const audience = { filter: { tag: ['urgent'] } };
  const a = await createCampaign(owner, { name: 'A', audience, speed_mps: 3 });
  const b = await createCampaign(owner, { name: 'B', audience, speed_mps: 3 });
  const later = await createCampaign(owner, {
    name: 'Later', audience, schedule: { mode: 'at', at: '2099-01-01T09:00:00Z' },
  });
  const draft = await createCampaign(owner, { name: 'Draft', audience });
  for (const x of [a, b]) assertStatus(await owner.post(`/api/v1/campaigns/${x.id}/launch`), 200);
  assert.equal(assertStatus(await owner.post(`/api/v1/campaigns/${later.id}/launch`), 200).json.state,
    'scheduled');
  assertStatus(await owner.post(`/api/v1/campaigns/${b.id}/pause`), 200);
  await waitCampaign(owner, a.id, (x) => x.counters.sent >= 1, 'a first send');

  const res = assertStatus(await owner.post('/api/v1/campaigns/emergency-stop',
    { reason: 'wrong coupon' }), 200).json;
  assert.deepEqual([...res.stopped].sort((x, y) => x - y), [a.id, b.id, later.id]);
  const requests = await sandboxRequests(owner);
  for (const x of [a, b, later]) {
    const now = await campaign(owner, x.id);
    assert.equal(now.state, 'stopped');
    assert.ok(settled(now), JSON.stringify(now.counters));
    const events = assertStatus(await owner.get(`/api/v1/campaigns/${x.id}/timeline`), 200).json.data;
    const last = events.at(-1);
    assert.equal(last.kind, 'emergency_stopped');
    assert.match(last.detail, /wrong coupon/);
    assert.equal(last.actor.name, 'Owner');
  }
  assert.equal((await campaign(owner, draft.id)).state, 'draft', 'drafts are left alone');
  await sleep(800);
  assert.equal(await sandboxRequests(owner), requests);
});

test('bad input is refused with the fields named, and nothing changes', async () => {
  assertError(await owner.post('/api/v1/campaigns', { audience: {} }), 400, 'validation_failed',
    { name: true });
  assertError(await owner.post('/api/v1/campaigns', { name: 'x', speed_mps: 5000 }), 400,
    'validation_failed', { speed_mps: true });
  assertError(await owner.post('/api/v1/campaigns', { name: 'x', senders: [999] }), 400,
    'validation_failed');
  assertError(await owner.post('/api/v1/campaigns', { name: 'x', goal: { kind: 'dance' } }), 400,
    'validation_failed');

  const bare = assertStatus(await owner.post('/api/v1/campaigns', { name: 'Bare' }), 201).json;
  // Rates are plain JSON numbers (a whole rate is written as an integer).
  assert.match((await owner.get(`/api/v1/campaigns/${bare.id}`)).text, /"current_mps":0[,}]/);
  const refused = assertError(await owner.post(`/api/v1/campaigns/${bare.id}/launch`), 400,
    'validation_failed');
  const fields = Object.keys(refused.details ?? {});
  assert.ok(fields.some((f) => f.startsWith('message')), fields.join());
  assert.ok(fields.some((f) => f.startsWith('senders')), fields.join());
  assert.equal((await campaign(owner, bare.id)).state, 'draft');

  // A template parameter the template does not have, or a missing one, names the variable.
  const order = assertStatus(await owner.get('/api/v1/whatsapp/templates'), 200).json.data
    .find((t) => t.name === 'order_update');
  const wrong = await createCampaign(owner, {
    name: 'Wrong params',
    message: { kind: 'template', template_id: order.id, language: order.language, params: {} },
  });
  const missing = assertError(await owner.post(`/api/v1/campaigns/${wrong.id}/launch`), 400,
    'validation_failed');
  assert.ok(Object.keys(missing.details ?? {}).some((f) => f.includes('body')),
    JSON.stringify(missing));

  // Viewers read but do not write.
  const viewer = await server.createUser(owner, { role: 'viewer' });
  const v = await server.login(viewer.email, viewer.password);
  assertStatus(await v.get(`/api/v1/campaigns/${bare.id}`), 200);
  assertError(await v.post('/api/v1/campaigns', { name: 'nope' }), 403, 'forbidden');
  assertError(await v.post(`/api/v1/campaigns/${bare.id}/launch`), 403, 'forbidden');
  assertError(await v.post('/api/v1/campaigns/emergency-stop', {}), 403, 'forbidden');

  assertStatus(await owner.delete(`/api/v1/campaigns/${bare.id}`), 204);
  assertError(await owner.get(`/api/v1/campaigns/${bare.id}`), 404, 'not_found');
});

test('tracked links count the first click, replies are attributed, and conversions come by goal or API', async () => {
  // Customers write first: their 24-hour windows open, so a free-form campaign may reach them.
  const phones = ['12025557001', '12025557002', '12025557003'];
  for (const from of phones) {
    assertStatus(await owner.post('/sandbox/_sandbox/inbound', { from, text: 'Hello!' }), 200);
  }
  const contacts = await waitFor(async () => {
    const found = [];
    for (const p of phones) {
      const list = assertStatus(await owner.get(`/api/v1/contacts?q=${p}`), 200).json.data;
      const c = list.find((x) => x.phone === `+${p}`);
      if (!c || !c.last_inbound_at) return null;
      found.push(c);
    }
    return found;
  }, { timeoutMs: 20_000, what: 'the inbound messages to create the contacts' });

  const c = await createCampaign(owner, {
    name: 'Offer link',
    audience: { contact_ids: contacts.map((x) => x.id), include_unknown_consent: true },
    message: { kind: 'text', text: 'Hi {{name|there}}, the offer: https://example.com/offer?x=1 !' },
    goal: { kind: 'click', window_hours: 24 },
  });
  assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/launch`), 200);
  await waitCampaign(owner, c.id, (x) => x.state === 'completed', 'the campaign to complete');

  // The message that left has a tracked link in place of the URL.
  const tokens = [];
  for (const x of contacts) {
    const messages = assertStatus(await owner.get(`/api/v1/contacts/${x.id}/messages`), 200).json.data;
    const out = messages.find((m) => m.direction === 'out');
    assert.ok(out, `a message to ${x.phone}`);
    assert.match(out.text, new RegExp(`^Hi ${x.name || 'there'}, the offer: ${server.url}/r/[A-Za-z0-9_-]+ !$`));
    tokens.push(out.text.match(/\/r\/([A-Za-z0-9_-]+)/)[1]);
  }
  assert.equal(new Set(tokens).size, 3, 'a token per recipient');
  const token = tokens[0];

  const click = await fetch(`${server.url}/r/${token}`, { redirect: 'manual' });
  assert.equal(click.status, 302);
  assert.equal(click.headers.get('location'), 'https://example.com/offer?x=1');
  const again = await fetch(`${server.url}/r/${token}`, { redirect: 'manual' });
  assert.equal(again.status, 302);
  assert.equal((await fetch(`${server.url}/r/nope${token}`, { redirect: 'manual' })).status, 404, 'not_found');
  let now = await campaign(owner, c.id);
  assert.equal(now.counters.clicked, 1, 'the first click of a recipient counts once');
  assert.equal(now.counters.converted, 1, 'the goal is a click');

  // A reply from another recipient is attributed to the campaign.
  assertStatus(await owner.post('/sandbox/_sandbox/inbound', { from: phones[1], text: 'Interested' }), 200);
  now = await waitCampaign(owner, c.id, (x) => x.counters.replied === 1, 'the reply to count');

  // The API reports a conversion for the third, by phone; an unknown phone is a 404.
  const conv = assertStatus(await owner.post('/api/v1/conversions', { phone: `+${phones[2]}` }), 200).json;
  assert.ok(conv.recipient_id > 0);
  now = await campaign(owner, c.id);
  assert.equal(now.counters.converted, 2);
  assertError(await owner.post('/api/v1/conversions', { phone: '+12025550999' }), 404, 'not_found');
  assertError(await owner.post('/api/v1/conversions', {}), 400, 'validation_failed');
  const { all } = await recipientStates(owner, c.id);
  assert.equal(all.filter((r) => r.clicked_at).length, 1);
  assert.equal(all.filter((r) => r.replied_at).length, 1);
  assert.equal(all.filter((r) => r.converted_at).length, 2);
});

test('a kill -9 while sending: requests in flight become unknown and are never sent again', async () => {
  const dataDir = tempDir();
  let s = await startServer({ dataDir, args: ['--sandbox', 'true'] });
  try {
    let o = await s.login();
    const setup = await sandboxSetup(o);
    // Slow answers: many requests are in flight at any moment.
    assertStatus(await o.request('PUT', '/sandbox/_sandbox/config', {
      json: { latency: { messages: { median_ms: 1500, sigma: 0.1, min_ms: 1000, max_ms: 2500 } } },
    }), 200);
    await makeContacts(o, '8', 80);
    const c = assertStatus(await o.post('/api/v1/campaigns', {
      name: 'Crash', audience: { filter: {} }, senders: [setup.senders[0]], speed_mps: 20,
      message: { kind: 'template', template_id: setup.hello.id, language: setup.hello.language, params: {} },
    }), 201).json;
    assertStatus(await o.post(`/api/v1/campaigns/${c.id}/launch`), 200);
    await waitCampaign(o, c.id, (x) => x.counters.sending >= 5 && x.counters.sent >= 1,
      'requests in flight');
    s.proc.kill('SIGKILL');
    await s.exited;

    s = await startServer({ dataDir, args: ['--sandbox', 'true'] });
    o = await s.login();
    const done = await waitCampaign(o, c.id, (x) => x.state === 'completed',
      'the campaign to complete after the restart', 90_000);
    const k = done.counters;
    assert.ok(k.unknown >= 5, `requests in flight at the kill are unknown: ${JSON.stringify(k)}`);
    assert.equal(k.sent + k.failed + k.unknown + k.skipped + k.cancelled, 80, JSON.stringify(k));
    // The new process sent only what had not been tried: no unknown recipient went out again.
    const { all, by } = await recipientStates(o, c.id);
    assert.equal(by.unknown, k.unknown);
    const unknownPhones = new Set(all.filter((r) => r.state === 'unknown').map((r) => r.contact.phone.slice(1)));
    const log = assertStatus(await o.get('/sandbox/_sandbox/log?limit=1000'), 200).json.data;
    const resent = [...JSON.stringify(log).matchAll(/\\?"to\\?":\\?"(\d+)\\?"/g)]
      .map((m) => m[1]).filter((to) => unknownPhones.has(to));
    assert.deepEqual(resent, []);
    assert.ok(await sandboxRequests(o) > 0, 'the rest was sent after the restart');
  } finally {
    await s.stop();
    removeDir(dataDir);
  }
});

test('two campaigns on one number share its rate fairly and never exceed it together', async () => {
  await makeContacts(owner, '9', 240, { tags: ['shared'] });
  const audience = { filter: { tag: ['shared'] } };
  const number = (await owner.get('/api/v1/whatsapp/accounts')).json.data[0].phone_numbers[0];
  const mps = number.throughput_mps;
  assertStatus(await owner.request('PUT', '/sandbox/_sandbox/config', { json: { log_capacity: 5000 } }), 200);
  const stateBefore = assertStatus(await owner.get('/sandbox/_sandbox/state'), 200).json;
  const throttledBefore = stateBefore.counters.errors['130429'] ?? 0;
  const since = stateBefore.now_ms;
  const a = await createCampaign(owner, { name: 'Shared A', audience, speed_mps: 1000 });
  const b = await createCampaign(owner, { name: 'Shared B', audience, speed_mps: 1000 });
  await Promise.all([a, b].map((x) => owner.post(`/api/v1/campaigns/${x.id}/launch`)));

  // When the first finishes, the other is close behind: they took turns on the number.
  const first = await waitFor(async () => {
    const both = await Promise.all([campaign(owner, a.id), campaign(owner, b.id)]);
    return both.some((x) => x.state === 'completed') ? both : null;
  }, { timeoutMs: 60_000, intervalMs: 20, what: 'one campaign to complete' });
  const other = first.find((x) => x.state !== 'completed') ?? first[1];
  assert.ok(other.counters.sent + other.counters.failed >= 240 * 0.8,
    `the other campaign had sent ${other.counters.sent + other.counters.failed} of 240`);
  for (const x of [a, b]) {
    await waitCampaign(owner, x.id, (c) => c.state === 'completed', 'both to complete');
  }

  // Together they never went over the number's throughput: Meta (the sandbox) refused nothing
  // for it, and 480 requests took at least as long as the rate allows after the first burst.
  const stateAfter = assertStatus(await owner.get('/sandbox/_sandbox/state'), 200).json;
  assert.equal((stateAfter.counters.errors['130429'] ?? 0) - throttledBefore, 0,
    'no request over the throughput limit');
  const log = assertStatus(await owner.get('/sandbox/_sandbox/log?limit=5000'), 200).json.data;
  const times = log.filter((e) => e.kind === 'request' && e.path.includes(`/${number.pnid}/messages`)
    && e.at_ms >= since).map((e) => e.at_ms).sort((x, y) => x - y);
  assert.equal(times.length, 480);
  const spanS = (times.at(-1) - times[0]) / 1000;
  assert.ok(spanS >= ((480 - mps) / mps) * 0.9, `480 requests in ${spanS} s at ${mps}/s`);
});

test("a local-time schedule sends to each contact at that time in the contact's own time zone", async () => {
  // The same wall-clock time is 13 hours past in UTC+14 and 13 hours ahead in UTC-12.
  const local = new Date(Date.now() + 3_600_000);
  const date = local.toISOString().slice(0, 10);
  const time = local.toISOString().slice(11, 16);
  const early = [];
  const late = [];
  for (let i = 0; i < 3; i++) {
    early.push(assertStatus(await owner.post('/api/v1/contacts', {
      phone: `+1202555770${i}`, name: `East ${i}`, consent: 'opted_in', timezone: 'Pacific/Kiritimati', tags: ['zones'],
    }), 201).json.id);
    late.push(assertStatus(await owner.post('/api/v1/contacts', {
      phone: `+1202555780${i}`, name: `West ${i}`, consent: 'opted_in', timezone: 'Etc/GMT+12', tags: ['zones'],
    }), 201).json.id);
  }
  const c = await createCampaign(owner, {
    name: 'Local nine', audience: { filter: { tag: ['zones'] } }, schedule: { mode: 'local', date, time },
  });
  assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/launch`), 200);
  await waitCampaign(owner, c.id, (x) => x.counters.sent + x.counters.failed === 3,
    'the contacts whose time has come');
  await sleep(1500);
  const now = await campaign(owner, c.id);
  assert.equal(now.counters.sent + now.counters.failed, 3, JSON.stringify(now.counters));
  assert.equal(now.counters.queued, 3);
  const { all } = await recipientStates(owner, c.id);
  for (const r of all) {
    assert.equal(r.state === 'pending', late.includes(r.contact.id), `${r.contact.name}: ${r.state}`);
  }
  assertStatus(await owner.post(`/api/v1/campaigns/${c.id}/stop`), 200);
});
