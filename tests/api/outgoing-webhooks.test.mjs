// Outgoing webhooks over the REST API, received by a real HTTP server on 127.0.0.1:0 that checks
// every signature with node:crypto: endpoints and their secrets, contact events, the test ping,
// a failing receiver's retries, 410 Gone, rotation, roles, bad input that changes nothing, and the
// message and consent events of WhatsApp webhooks (a second server, with the sandbox account).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import {
  serverForFile, startServer, assertError, assertStatus, waitFor, ISO_UTC,
} from './harness.mjs';

let owner;
const ctx = serverForFile({ setup: (c) => { owner = c.owner; } });

// --- The receiver ------------------------------------------------------------------------------

// path -> status to answer (200 when absent); every request is kept with what its check found.
const answers = new Map();
const received = [];
let receiver;
let receiverUrl;

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url, method: req.method, headers: req.headers, body });
      const status = answers.get(req.url) ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: status < 300 }));
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}`;
});

after(async () => {
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
});

// The check a receiver should make: X-Kirim-Signature is "t=<unix seconds>,v1=<hex>", where hex
// is HMAC-SHA256 with the endpoint's secret over "<t>.<raw body>", and t is recent.
function verify(secret, headers, body, toleranceSeconds = 300) {
  const parts = Object.fromEntries(
    String(headers['x-kirim-signature'] ?? '').split(',').map((p) => p.split('=', 2)));
  if (!parts.t || !parts.v1) return false;
  if (Math.abs(Date.now() / 1000 - Number(parts.t)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function requestsTo(path) {
  return received.filter((r) => r.path === path);
}

// The one request of `event` among `requests`.
function byEvent(requests, event) {
  const found = requests.filter((r) => r.headers['x-kirim-event'] === event);
  assert.equal(found.length, 1, `one ${event} among ${requests.map((r) => r.headers['x-kirim-event'])}`);
  return found[0];
}

async function waitForRequests(path, n, what = `${n} request(s) to ${path}`) {
  return waitFor(() => (requestsTo(path).length >= n ? requestsTo(path) : false),
    { timeoutMs: 15_000, what });
}

let seq = 0;
function phone() {
  seq += 1;
  return `+62813${String(50000000 + (process.pid % 1000) * 1000 + seq).slice(-8)}`;
}

async function createEndpoint(path, extra = {}) {
  const res = assertStatus(await owner.post('/api/v1/webhooks/endpoints',
    { url: `${receiverUrl}${path}`, ...extra }), 201);
  return res.json;
}

async function deliveries(endpointId, query = '') {
  return assertStatus(
    await owner.get(`/api/v1/webhooks/endpoints/${endpointId}/deliveries${query}`), 200).json.data;
}

// --- Tests ------------------------------------------------------------------------------------

test('a new endpoint receives contact.created, signed with the secret shown once', async () => {
  const made = await createEndpoint('/crm', {
    description: 'CRM sync', events: ['contact.deleted', 'contact.created'],
  });
  assert.deepEqual(Object.keys(made).sort(), ['endpoint', 'secret']);
  assert.match(made.secret, /^whsec_[A-Za-z0-9_-]{32}$/);
  const ep = made.endpoint;
  assert.equal(ep.url, `${receiverUrl}/crm`);
  assert.equal(ep.description, 'CRM sync');
  assert.deepEqual(ep.events, ['contact.created', 'contact.deleted']);
  assert.equal(ep.enabled, true);
  assert.equal(ep.last_status, null);
  assert.equal(ep.consecutive_failures, 0);
  assert.match(ep.created_at, ISO_UTC);
  // The secret never comes back.
  const listed = assertStatus(await owner.get('/api/v1/webhooks/endpoints'), 200);
  assert.ok(!listed.text.includes(made.secret), listed.text);
  assert.ok(!listed.text.includes('whsec_'));
  assert.ok(listed.json.events.includes('message.status'));
  assert.ok(listed.json.data.some((e) => e.id === ep.id));

  const contact = assertStatus(await owner.post('/api/v1/contacts',
    { phone: phone(), name: 'Sari', tags: ['webhook'] }), 201).json;
  const [req] = await waitForRequests('/crm', 1);
  assert.equal(req.method, 'POST');
  assert.match(req.headers['content-type'], /^application\/json/);
  assert.equal(req.headers['x-kirim-event'], 'contact.created');
  assert.match(req.headers['x-kirim-delivery'], /^\d+$/);
  assert.ok(verify(made.secret, req.headers, req.body), `signature ${req.headers['x-kirim-signature']}`);
  assert.ok(!verify('whsec_not-the-secret', req.headers, req.body));
  assert.ok(!verify(made.secret, req.headers, `${req.body} `), 'the signature covers the exact body');
  const body = JSON.parse(req.body);
  assert.deepEqual(Object.keys(body), ['id', 'event', 'created_at', 'data']);
  assert.equal(String(body.id), req.headers['x-kirim-delivery']);
  assert.equal(body.event, 'contact.created');
  assert.match(body.created_at, ISO_UTC);
  assert.deepEqual(body.data, { contact });

  // The delivery, as the API shows it.
  const list = await waitFor(async () => {
    const d = await deliveries(ep.id);
    return d.length === 1 && d[0].state === 'delivered' ? d : false;
  }, { what: 'the delivery to be delivered' });
  assert.equal(list[0].id, body.id);
  assert.equal(list[0].event, 'contact.created');
  assert.equal(list[0].attempts, 1);
  assert.equal(list[0].response_status, 200);
  assert.equal(list[0].error, null);
  assert.ok(Number.isInteger(list[0].duration_ms));
  assert.match(list[0].delivered_at, ISO_UTC);
  assert.ok(!('payload' in list[0]));
  const one = assertStatus(await owner.get(`/api/v1/webhooks/deliveries/${body.id}`), 200).json;
  assert.deepEqual(one.payload, body);
  assert.equal(one.response_body, '{"received":true}');
  const endpointNow = assertStatus(await owner.get('/api/v1/webhooks/endpoints'), 200).json.data
    .find((e) => e.id === ep.id);
  assert.equal(endpointNow.last_status, 200);
  assert.match(endpointNow.last_attempt_at, ISO_UTC);

  // contact.updated is not subscribed; contact.deleted is.
  assertStatus(await owner.patch(`/api/v1/contacts/${contact.id}`, { name: 'Sari W.' }), 200);
  assertStatus(await owner.delete(`/api/v1/contacts/${contact.id}`), 204);
  const [, deleted] = await waitForRequests('/crm', 2);
  assert.equal(deleted.headers['x-kirim-event'], 'contact.deleted');
  assert.ok(verify(made.secret, deleted.headers, deleted.body));
  assert.deepEqual(JSON.parse(deleted.body).data, { contact_id: contact.id, phone: contact.phone });
  assert.equal(requestsTo('/crm').length, 2);
});

test('opting a contact out and in sends contact.opted_out and contact.opted_in', async () => {
  const made = await createEndpoint('/consent', { events: ['contact.opted_out', 'contact.opted_in'] });
  const contact = assertStatus(await owner.post('/api/v1/contacts', { phone: phone() }), 201).json;
  assertStatus(await owner.patch(`/api/v1/contacts/${contact.id}`, { consent: 'opted_out' }), 200);
  assertStatus(await owner.patch(`/api/v1/contacts/${contact.id}`, { consent: 'opted_out' }), 200);
  assertStatus(await owner.patch(`/api/v1/contacts/${contact.id}`, { consent: 'opted_in' }), 200);
  // Deliveries run in parallel: they may arrive in any order.
  const both = await waitForRequests('/consent', 2);
  const out = byEvent(both, 'contact.opted_out');
  const back = byEvent(both, 'contact.opted_in');
  const data = JSON.parse(out.body).data;
  assert.equal(data.contact_id, contact.id);
  assert.equal(data.phone, contact.phone);
  assert.equal(data.consent, 'opted_out');
  assert.equal(data.source, 'api');
  assert.match(data.changed_at, ISO_UTC);
  assert.ok(verify(made.secret, back.headers, back.body));
  assert.equal(JSON.parse(back.body).data.consent, 'opted_in');
  // Setting the same consent again changed nothing and sent nothing.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(requestsTo('/consent').length, 2);
});

test('the test event pings that endpoint only', async () => {
  const made = await createEndpoint('/ping', { events: ['message.status'] });
  const res = assertStatus(await owner.post(`/api/v1/webhooks/endpoints/${made.endpoint.id}/test`), 202);
  assert.equal(res.json.event, 'ping');
  assert.equal(res.json.state, 'pending');
  const [req] = await waitForRequests('/ping', 1);
  assert.equal(req.headers['x-kirim-event'], 'ping');
  assert.equal(req.headers['x-kirim-delivery'], String(res.json.id));
  assert.ok(verify(made.secret, req.headers, req.body));
  assert.equal(JSON.parse(req.body).data.endpoint_id, made.endpoint.id);
  assert.ok(requestsTo('/crm').every((r) => r.headers['x-kirim-event'] !== 'ping'));
});

test('a failing receiver shows the attempt, its error and the next try; a retry delivers it', async () => {
  answers.set('/flaky', 500);
  const made = await createEndpoint('/flaky');
  const id = made.endpoint.id;
  assertStatus(await owner.post('/api/v1/contacts', { phone: phone(), name: 'Retry' }), 201);
  await waitForRequests('/flaky', 1);
  const [failed] = await waitFor(async () => {
    const d = await deliveries(id);
    return d.length === 1 && d[0].attempts === 1 ? d : false;
  }, { what: 'the first attempt to be recorded' });
  assert.equal(failed.state, 'pending');
  assert.equal(failed.response_status, 500);
  assert.equal(failed.error, 'The receiver answered 500.');
  assert.match(failed.next_attempt_at, ISO_UTC);
  // The first retry waits about 30 s (15 to 45 with jitter).
  const wait = Date.parse(failed.next_attempt_at) - Date.parse(failed.last_attempt_at);
  assert.ok(wait >= 14_000 && wait <= 46_000, `next attempt after ${wait} ms`);
  assert.equal((await deliveries(id, '?state=pending')).length, 1);
  assert.equal((await deliveries(id, '?state=delivered')).length, 0);
  const detail = assertStatus(await owner.get(`/api/v1/webhooks/deliveries/${failed.id}`), 200).json;
  assert.equal(detail.response_body, '{"received":false}');
  const ep = assertStatus(await owner.get('/api/v1/webhooks/endpoints'), 200).json.data
    .find((e) => e.id === id);
  assert.equal(ep.last_status, 500);
  assert.equal(ep.consecutive_failures, 1);
  assert.equal(ep.last_error, 'The receiver answered 500.');
  // A pending delivery retries on its own.
  assertError(await owner.post(`/api/v1/webhooks/deliveries/${failed.id}/redeliver`), 409, 'conflict');

  // The job waits in the queue "webhooks"; an operator may run it now.
  const jobs = assertStatus(await owner.get(
    `/api/v1/jobs?kind=webhook.deliver&state=pending&tag=webhook.endpoint:${id}`), 200).json.data;
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0].queue, 'webhooks');
  assert.equal(jobs[0].max_attempts, 12);
  assert.equal(jobs[0].payload.delivery_id, failed.id);
  answers.set('/flaky', 200);
  assertStatus(await owner.post(`/api/v1/jobs/${jobs[0].id}/cancel`), 200);
  assertStatus(await owner.post(`/api/v1/jobs/${jobs[0].id}/retry`), 200);
  const [delivered] = await waitFor(async () => {
    const d = await deliveries(id);
    return d[0].state === 'delivered' ? d : false;
  }, { what: 'the retry to deliver' });
  assert.equal(delivered.attempts, 2);
  assert.equal(delivered.response_status, 200);
  assert.equal(delivered.error, null);
  const [first, second] = requestsTo('/flaky');
  assert.equal(first.body, second.body);
  assert.equal(first.headers['x-kirim-delivery'], second.headers['x-kirim-delivery']);

  // A delivered one may be sent again on demand, with the same id and body.
  const again = assertStatus(
    await owner.post(`/api/v1/webhooks/deliveries/${failed.id}/redeliver`), 202).json;
  assert.equal(again.redeliveries, 1);
  const third = (await waitForRequests('/flaky', 3))[2];
  assert.equal(third.body, first.body);
  assert.ok(verify(made.secret, third.headers, third.body));
});

test('410 Gone disables the endpoint; a disabled endpoint gets nothing until enabled', async () => {
  answers.set('/gone', 410);
  const made = await createEndpoint('/gone', { events: ['contact.updated'] });
  const id = made.endpoint.id;
  const contact = assertStatus(await owner.post('/api/v1/contacts', { phone: phone() }), 201).json;
  assertStatus(await owner.patch(`/api/v1/contacts/${contact.id}`, { name: 'Gone' }), 200);
  await waitForRequests('/gone', 1);
  const ep = await waitFor(async () => {
    const e = assertStatus(await owner.get('/api/v1/webhooks/endpoints'), 200).json.data
      .find((x) => x.id === id);
    return e.enabled === false ? e : false;
  }, { what: 'the endpoint to be disabled' });
  assert.equal(ep.disabled_reason, 'The receiver answered 410 Gone.');
  assert.equal((await deliveries(id))[0].state, 'failed');
  assertStatus(await owner.patch(`/api/v1/contacts/${contact.id}`, { name: 'Still gone' }), 200);
  assertError(await owner.post(`/api/v1/webhooks/endpoints/${id}/test`), 409, 'conflict');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(requestsTo('/gone').length, 1);
  assert.equal((await deliveries(id)).length, 1);

  answers.set('/gone', 204);
  const back = assertStatus(await owner.patch(`/api/v1/webhooks/endpoints/${id}`, { enabled: true }), 200).json;
  assert.equal(back.enabled, true);
  assert.equal(back.disabled_reason, null);
  assertStatus(await owner.patch(`/api/v1/contacts/${contact.id}`, { name: 'Back' }), 200);
  await waitForRequests('/gone', 2);
});

test('rotating the secret signs the next deliveries with the new one only', async () => {
  const made = await createEndpoint('/rotate');
  const rotated = assertStatus(
    await owner.post(`/api/v1/webhooks/endpoints/${made.endpoint.id}/rotate-secret`), 200).json;
  assert.notEqual(rotated.secret, made.secret);
  assert.equal(rotated.endpoint.id, made.endpoint.id);
  assertStatus(await owner.post(`/api/v1/webhooks/endpoints/${made.endpoint.id}/test`), 202);
  const [req] = await waitForRequests('/rotate', 1);
  assert.ok(verify(rotated.secret, req.headers, req.body));
  assert.ok(!verify(made.secret, req.headers, req.body));
});

test('bad input is refused with every reason and changes nothing; only admins may manage', async () => {
  const before = assertStatus(await owner.get('/api/v1/webhooks/endpoints'), 200).json.data;
  assertError(await owner.post('/api/v1/webhooks/endpoints', { url: 'ftp://example.com/x' }),
    400, 'validation_failed', { url: /http:\/\/ or https:\/\// });
  assertError(await owner.post('/api/v1/webhooks/endpoints', { url: 'not a url' }),
    400, 'validation_failed', { url: true });
  assertError(await owner.post('/api/v1/webhooks/endpoints',
    { url: `${receiverUrl}/x`, events: ['contact.created', 'contact.exploded'] }),
    400, 'validation_failed', { events: /contact\.exploded/ });
  assertError(await owner.post('/api/v1/webhooks/endpoints',
    { url: `${receiverUrl}/x`, events: ['*', 'contact.created'] }),
    400, 'validation_failed', { events: true });
  assertError(await owner.post('/api/v1/webhooks/endpoints',
    { url: 'https://user:pw@example.com/', description: 'x'.repeat(501), events: ['nope'], colour: 'red' }),
    400, 'validation_failed', { url: true, description: true, events: true, colour: true });
  assertError(await owner.post('/api/v1/webhooks/endpoints', {}), 400, 'validation_failed', { url: true });
  assertError(await owner.post('/api/v1/webhooks/endpoints', { url: `${receiverUrl}/x`, enabled: 'yes' }),
    400, 'validation_failed', { enabled: true });
  assert.deepEqual(assertStatus(await owner.get('/api/v1/webhooks/endpoints'), 200).json.data, before);

  const made = await createEndpoint('/valid');
  assertError(await owner.patch(`/api/v1/webhooks/endpoints/${made.endpoint.id}`,
    { url: 'gopher://x', events: [] }), 400, 'validation_failed', { url: true, events: true });
  const unchanged = assertStatus(await owner.get('/api/v1/webhooks/endpoints'), 200).json.data
    .find((e) => e.id === made.endpoint.id);
  assert.deepEqual(unchanged, made.endpoint);

  assertError(await owner.get('/api/v1/webhooks/endpoints/999999/deliveries'), 404, 'not_found');
  assertError(await owner.get('/api/v1/webhooks/deliveries/999999'), 404, 'not_found');
  assertError(await owner.post('/api/v1/webhooks/deliveries/999999/redeliver'), 404, 'not_found');
  assertError(await owner.delete('/api/v1/webhooks/endpoints/999999'), 404, 'not_found');
  assertError(await owner.get(`/api/v1/webhooks/endpoints/${made.endpoint.id}/deliveries?state=lost`),
    400, 'validation_failed', { state: true });

  // Editors may not see or change endpoints.
  const editor = await ctx.server.createUser(owner, { role: 'editor' });
  const client = await ctx.server.login(editor.email, editor.password);
  assertError(await client.get('/api/v1/webhooks/endpoints'), 403, 'forbidden');
  assertError(await client.post('/api/v1/webhooks/endpoints', { url: `${receiverUrl}/editor` }),
    403, 'forbidden');

  // Deleting an endpoint takes its deliveries with it.
  assertStatus(await owner.delete(`/api/v1/webhooks/endpoints/${made.endpoint.id}`), 204);
  assertError(await owner.get(`/api/v1/webhooks/endpoints/${made.endpoint.id}/deliveries`), 404, 'not_found');
});

// A signed WhatsApp webhook, as Meta sends it, for the sandbox's first number.
const SANDBOX_APP_SECRET = 'sandbox-secret';
const SANDBOX_PNID = '100000000000011';

async function postWhatsApp(server, value) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '100000000000001',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550000001', phone_number_id: SANDBOX_PNID },
          ...value,
        },
      }],
    }],
  });
  const signature = createHmac('sha256', SANDBOX_APP_SECRET).update(body).digest('hex');
  const res = await fetch(`${server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
    body,
  });
  assert.equal(res.status, 200, await res.text());
}

test('inbound messages, status changes and keyword opt-outs of WhatsApp webhooks are sent', async () => {
  // The sandbox's account is connected to the first workspace at start; its webhooks are
  // signed with the sandbox's app secret.
  const server = await startServer({ args: ['--sandbox', 'true'] });
  try {
    const admin = await server.login();
    const made = assertStatus(await admin.post('/api/v1/webhooks/endpoints', {
      url: `${receiverUrl}/whatsapp`,
      events: ['message.received', 'message.status', 'contact.opted_out'],
    }), 201).json;
    const from = '6281355501234';
    const contacts = [{ profile: { name: 'Dewi' }, wa_id: from }];
    await postWhatsApp(server, {
      contacts,
      messages: [{ from, id: 'wamid.hook.in.1', timestamp: '1764000100', type: 'text', text: { body: 'Halo' } }],
    });
    const [received] = await waitForRequests('/whatsapp', 1);
    assert.equal(received.headers['x-kirim-event'], 'message.received');
    assert.ok(verify(made.secret, received.headers, received.body));
    const msg = JSON.parse(received.body).data;
    assert.equal(msg.wamid, 'wamid.hook.in.1');
    assert.equal(msg.phone, `+${from}`);
    assert.equal(msg.type, 'text');
    assert.equal(msg.text, 'Halo');
    assert.equal(msg.at, '2025-11-24T16:01:40Z');
    assert.ok(Number.isInteger(msg.contact_id));

    // Two changes of one message's status; the repeated one sends nothing.
    await postWhatsApp(server, {
      statuses: [
        { id: 'wamid.hook.out.1', status: 'sent', timestamp: '1764000101', recipient_id: from },
        { id: 'wamid.hook.out.1', status: 'delivered', timestamp: '1764000102', recipient_id: from },
        { id: 'wamid.hook.out.1', status: 'delivered', timestamp: '1764000102', recipient_id: from },
      ],
    });
    const statuses = (await waitForRequests('/whatsapp', 3)).slice(1);
    const seen = [];
    for (const req of statuses) {
      assert.equal(req.headers['x-kirim-event'], 'message.status');
      assert.ok(verify(made.secret, req.headers, req.body));
      const data = JSON.parse(req.body).data;
      assert.equal(data.wamid, 'wamid.hook.out.1');
      assert.equal(data.contact_id, msg.contact_id);
      assert.equal(data.phone, `+${from}`);
      assert.equal(data.error_code, null);
      seen.push(data.status);
    }
    // Deliveries run in parallel and may arrive in any order; their ids follow the events'.
    assert.deepEqual(seen.sort(), ['delivered', 'sent']);
    const ordered = [...statuses].sort(
      (a, b) => Number(a.headers['x-kirim-delivery']) - Number(b.headers['x-kirim-delivery']));
    assert.deepEqual(ordered.map((r) => JSON.parse(r.body).data.status), ['sent', 'delivered']);

    // "STOP" opts the contact out: the message, then the consent change.
    await postWhatsApp(server, {
      contacts,
      messages: [{ from, id: 'wamid.hook.in.2', timestamp: '1764000103', type: 'text', text: { body: 'STOP' } }],
    });
    const last = (await waitForRequests('/whatsapp', 5)).slice(3);
    const stop = byEvent(last, 'message.received');
    assert.equal(JSON.parse(stop.body).data.text, 'STOP');
    const optedOut = byEvent(last, 'contact.opted_out');
    assert.ok(Number(stop.headers['x-kirim-delivery']) < Number(optedOut.headers['x-kirim-delivery']));
    const consent = JSON.parse(optedOut.body).data;
    assert.equal(consent.contact_id, msg.contact_id);
    assert.equal(consent.consent, 'opted_out');
    assert.equal(consent.source, 'keyword');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(requestsTo('/whatsapp').length, 5);
  } finally {
    await server.stop();
  }
});
