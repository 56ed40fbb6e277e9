// Laravel Echo 2.x (on pusher-js 8.6.0) against the hub: what a Laravel front end does (reference §13).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Echo from 'laravel-echo';
import { realtimeForFile, unique, deadline, connected, APP, hmac, PusherJS } from './harness.mjs';

const rt = realtimeForFile();

// An Echo instance ('pusher' broadcaster) over a pusher-js client of ours.
async function echo(opts = {}) {
  const client = await connected(rt.pusher(opts));
  const e = new Echo({ broadcaster: 'pusher', client, withoutInterceptors: true });
  rt.track(() => e.disconnect());
  return e;
}

const when = (register, what) => deadline(new Promise((resolve) => register(resolve)), what);

test('Echo.channel(...).listen: namespaced and dotted event names', async () => {
  const e = await echo();
  const ch = e.channel('orders');
  await when((r) => ch.subscribed(r), 'subscribed to orders');
  const shipped = when((r) => ch.listen('OrderShipped', r), 'App\\Events\\OrderShipped');
  const created = when((r) => ch.listen('.server.created', r), 'server.created');
  await rt.api.trigger('orders', 'App\\Events\\OrderShipped', { order: { id: 1 } });
  await rt.api.trigger('orders', 'server.created', { ok: true });
  assert.deepEqual(await shipped, { order: { id: 1 } });
  assert.deepEqual(await created, { ok: true });
});

test('Echo.private(...).listen and .notification', async () => {
  const e = await echo();
  const ch = e.private('App.Models.User.7');
  await when((r) => ch.subscribed(r), 'subscribed to private-App.Models.User.7');
  const got = when((r) => ch.listen('.campaign.progress', r), 'campaign.progress');
  const note = when((r) => ch.notification(r), 'notification');
  await rt.api.trigger('private-App.Models.User.7', 'campaign.progress', { sent: 10, total: 100 });
  await rt.api.trigger('private-App.Models.User.7', 'Illuminate\\Notifications\\Events\\BroadcastNotificationCreated', { id: 'n1', type: 'x' });
  assert.deepEqual(await got, { sent: 10, total: 100 });
  assert.deepEqual(await note, { id: 'n1', type: 'x' });
});

test('Echo.private(...).error fires on a refused subscription (status 401)', async () => {
  const e = await echo({ authorize: (socketId, channel) => ({ auth: `${APP.key}:${hmac('nope', `${socketId}:${channel}`)}` }) });
  const err = await when((r) => e.private('forbidden').error(r), 'subscription error');
  assert.equal(err.status, 401, JSON.stringify(err));
  assert.equal(err.type, 'AuthError');
});

test('Echo.join(...): here, joining, leaving', async () => {
  const room = `inbox.${unique()}`;
  const e1 = await echo({ presence: () => ({ user_id: 1, user_info: { id: 1, name: 'Agent One' } }) });
  const p1 = e1.join(room);
  const here1 = await when((r) => p1.here(r), 'here for agent one');
  assert.deepEqual(here1, [{ id: 1, name: 'Agent One' }]);
  const joining = when((r) => p1.joining(r), 'joining');

  const e2 = await echo({ presence: () => ({ user_id: 2, user_info: { id: 2, name: 'Agent Two' } }) });
  const p2 = e2.join(room);
  const here2 = await when((r) => p2.here(r), 'here for agent two');
  assert.deepEqual(here2.map((u) => u.name).sort(), ['Agent One', 'Agent Two']);
  assert.deepEqual(await joining, { id: 2, name: 'Agent Two' });

  const leaving = when((r) => p1.leaving(r), 'leaving');
  e2.leave(room);
  assert.deepEqual(await leaving, { id: 2, name: 'Agent Two' });
});

test('whisper / listenForWhisper on private and presence channels; the whisperer does not hear itself', async () => {
  const name = `typing.${unique()}`;
  const a = await echo({ presence: () => ({ user_id: 'a' }) });
  const b = await echo({ presence: () => ({ user_id: 'b' }) });
  const pa = a.private(name);
  const pb = b.private(name);
  await Promise.all([when((r) => pa.subscribed(r), 'a subscribed'), when((r) => pb.subscribed(r), 'b subscribed')]);
  let echoed = 0;
  pa.listenForWhisper('typing', () => { echoed += 1; });
  const heard = when((r) => pb.listenForWhisper('typing', r), 'whisper on private');
  pa.whisper('typing', { name: 'A', typing: true });
  assert.deepEqual(await heard, { name: 'A', typing: true });

  const room = `room.${unique()}`;
  const ja = a.join(room);
  const jb = b.join(room);
  await Promise.all([when((r) => ja.here(r), 'a here'), when((r) => jb.here(r), 'b here')]);
  const heard2 = when((r) => jb.listenForWhisper('typing', r), 'whisper on presence');
  ja.whisper('typing', { name: 'A', room });
  assert.deepEqual(await heard2, { name: 'A', room });

  // a server event after the whispers: had the whisper echoed to a, it would be here first
  const marker = when((r) => pa.listen('.marker', r), 'marker');
  await rt.api.trigger(`private-${name}`, 'marker', {});
  await marker;
  assert.equal(echoed, 0, 'whispers are not echoed to the sender');
});

test('Echo.socketId() is the connection socket id; toOthers via socket_id', async () => {
  const me = await echo();
  const you = await echo();
  const mine = me.channel('toothers-echo');
  const yours = you.channel('toothers-echo');
  await Promise.all([when((r) => mine.subscribed(r), 'me subscribed'), when((r) => yours.subscribed(r), 'you subscribed')]);
  assert.match(me.socketId(), /^\d+\.\d+$/);
  let mineGot = 0;
  mine.listen('.only-others', () => { mineGot += 1; });
  const yoursGot = when((r) => yours.listen('.only-others', r), 'only-others');
  await rt.api.trigger('toothers-echo', 'only-others', { x: 1 }, { socket_id: me.socketId() });
  assert.deepEqual(await yoursGot, { x: 1 });
  const marker = when((r) => mine.listen('.marker', r), 'marker');
  await rt.api.trigger('toothers-echo', 'marker', {});
  await marker;
  assert.equal(mineGot, 0);
});

test('Echo with broadcaster "reverb" building pusher-js itself (the Laravel docs configuration)', async () => {
  const e = new Echo({
    broadcaster: 'reverb',
    key: APP.key,
    wsHost: '127.0.0.1',
    wsPort: rt.port,
    wssPort: rt.port,
    forceTLS: false,
    enabledTransports: ['ws', 'wss'],
    disableStats: true,
    Pusher: PusherJS,
    withoutInterceptors: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, cb) => cb(null, rt.api.authorizeChannel(socketId, channelName)),
    },
  });
  rt.track(() => e.disconnect());
  const ch = e.private('tenant.1.campaign.9');
  await when((r) => ch.subscribed(r), 'reverb-style private subscription');
  const got = when((r) => ch.listen('CampaignProgress', r), 'App\\Events\\CampaignProgress');
  await rt.api.trigger('private-tenant.1.campaign.9', 'App\\Events\\CampaignProgress', { pct: 50 });
  assert.deepEqual(await got, { pct: 50 });
});
