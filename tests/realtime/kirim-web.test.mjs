// Kirim's own use of the hub: channel authorization for signed-in users (/broadcasting/auth,
// /broadcasting/user-auth), the realtime config endpoint, and the admin-only test event.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OWNER, unique } from '../api/harness.mjs';
import { PusherJS, deadline, realtimeForFile, subscribed, connected, waitFor } from './harness.mjs';

const rt = realtimeForFile();

// A pusher-js client on Kirim's own app, authorizing through the session of `client`.
function webClient(client, key) {
  const authorize = (endpoint, extra) => async ({ socketId, channelName }, callback) => {
    const body = new URLSearchParams({ socket_id: socketId, ...(channelName ? { channel_name: channelName } : {}) });
    const res = await client.request('POST', endpoint, {
      body: body.toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    if (res.status !== 200) callback(new Error(`${endpoint} answered ${res.status}`), null);
    else callback(null, res.json);
  };
  const pusher = new PusherJS(key, {
    wsHost: '127.0.0.1', wsPort: rt.port, forceTLS: false, enabledTransports: ['ws'],
    cluster: 'kirim', disableStats: true,
    channelAuthorization: { customHandler: authorize('/broadcasting/auth') },
    userAuthentication: { customHandler: authorize('/broadcasting/user-auth') },
  });
  rt.track(() => pusher.disconnect());
  return pusher;
}

async function newMember(owner, role) {
  const email = `${unique(role)}@example.com`;
  const res = await owner.post('/api/v1/users', { email, name: `${role} person`, password: 'long enough password', role });
  assert.equal(res.status, 201);
  return rt.server.login(email, 'long enough password');
}

test('members get the channel names and authorize their workspace channels only', async () => {
  const owner = await rt.server.login(OWNER.email, OWNER.password);
  const cfg = await owner.get('/api/v1/realtime');
  assert.equal(cfg.status, 200);
  assert.equal(cfg.json.key, 'kirim-web');
  const ws = owner.me.workspace.id;
  assert.equal(cfg.json.channels.workspace, `private-workspace.${ws}`);
  assert.equal(cfg.json.channels.presence, `presence-workspace.${ws}`);

  const form = (channel) => ({ body: `socket_id=123.456&channel_name=${channel}`, contentType: 'application/x-www-form-urlencoded' });
  const ok = await owner.request('POST', '/broadcasting/auth', form(`private-workspace.${ws}`));
  assert.equal(ok.status, 200);
  assert.match(ok.json.auth, /^kirim-web:[0-9a-f]{64}$/);
  const other = await owner.request('POST', '/broadcasting/auth', form(`private-workspace.${ws + 1}`));
  assert.equal(other.status, 403);
  const noCsrf = await owner.request('POST', '/broadcasting/auth', { ...form(`private-workspace.${ws}`), csrf: false });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.json.error.code, 'csrf_failed');
  const anon = await rt.server.anon().request('POST', '/broadcasting/auth', form(`private-workspace.${ws}`));
  assert.equal(anon.status, 401);
  const badSocket = await owner.request('POST', '/broadcasting/auth', { body: 'socket_id=nope&channel_name=x', contentType: 'application/x-www-form-urlencoded' });
  assert.equal(badSocket.status, 400);
});

test('presence shows each member once and the test event reaches every member live', async () => {
  const owner = await rt.server.login(OWNER.email, OWNER.password);
  const viewer = await newMember(owner, 'viewer');
  const ws = owner.me.workspace.id;
  const a = await connected(webClient(owner, 'kirim-web'));
  const b = await connected(webClient(viewer, 'kirim-web'));
  const b2 = await connected(webClient(viewer, 'kirim-web')); // a second tab of the same user

  const { channel: pa } = await subscribed(a, `presence-workspace.${ws}`);
  await subscribed(b, `presence-workspace.${ws}`);
  await subscribed(b2, `presence-workspace.${ws}`);
  await waitFor(() => pa.members.count === 2, { what: 'the viewer to appear once' });
  assert.equal(pa.members.get(String(viewer.me.user.id)).info.role, 'viewer');

  const { channel: privB } = await subscribed(b, `private-workspace.${ws}`);
  const got = deadline(new Promise((resolve) => privB.bind('test.event', resolve)), 'test.event');
  const message = unique('hello');
  const sent = await owner.post('/api/v1/realtime/test-event', { message });
  assert.equal(sent.status, 200);
  const data = await got;
  assert.equal(data.message, message);
  assert.equal(data.sent_by, owner.me.user.name);

  const denied = await viewer.post('/api/v1/realtime/test-event', { message: 'x' });
  assert.equal(denied.status, 403);
  const tooLong = await owner.post('/api/v1/realtime/test-event', { message: 'x'.repeat(201) });
  assert.equal(tooLong.status, 400);
  assert.ok(tooLong.json.error.details.message);

  const left = deadline(new Promise((resolve) => pa.bind('pusher:member_removed', resolve)), 'member_removed');
  b.disconnect();
  await new Promise((r) => setTimeout(r, 200)); // the second tab keeps the viewer present
  assert.equal(pa.members.count, 2);
  b2.disconnect();
  const removed = await left;
  assert.equal(String(removed.id), String(viewer.me.user.id)); // echoed as the number it was signed as
});

test('signin through /broadcasting/user-auth', async () => {
  const owner = await rt.server.login(OWNER.email, OWNER.password);
  const client = webClient(owner, 'kirim-web');
  await connected(client);
  client.signin();
  await deadline(client.user.signinDonePromise, 'signin');
  assert.equal(client.user.user_data.id, String(owner.me.user.id));
});
