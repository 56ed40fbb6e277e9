// User authentication (pusher:signin), #server-to-user-{id}, sendToUser, terminate_connections (reference §8).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, dataJson, unique, deadline, once, connected, reachState, APP, hmac } from './harness.mjs';

const rt = realtimeForFile();

// A raw client signed in as `id`.
async function signedIn(id, userInfo) {
  const c = await rt.connect();
  const { auth, user_data } = rt.api.authenticateUser(c.socketId, { id, ...(userInfo ? { user_info: userInfo } : {}) });
  c.send({ event: 'pusher:signin', data: { auth, user_data } });
  const ok = await c.take('pusher:signin_success');
  assert.equal(dataJson(ok).user_data, user_data, `user_data echoed byte for byte: ${ok.raw}`);
  return c;
}

test('pusher:signin with a good signature: signin_success echoes user_data', async () => {
  const c = await rt.connect();
  const userData = JSON.stringify({ id: 'user-1', user_info: { name: 'Ünï "Q"' }, watchlist: [] });
  const auth = `${APP.key}:${hmac(APP.secret, `${c.socketId}::user::${userData}`)}`;
  c.send({ event: 'pusher:signin', data: { auth, user_data: userData } });
  const ok = await c.take('pusher:signin_success');
  assert.equal(dataJson(ok).user_data, userData);
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

test('pusher:signin data as a JSON string is accepted too', async () => {
  const c = await rt.connect();
  const { auth, user_data } = rt.api.authenticateUser(c.socketId, { id: 'stringly' });
  c.send({ event: 'pusher:signin', data: JSON.stringify({ auth, user_data }) });
  const ok = await c.take('pusher:signin_success');
  assert.equal(dataJson(ok).user_data, user_data);
});

for (const [what, mk] of [
  ['a wrong secret', (sid, ud) => `${APP.key}:${hmac('wrong-secret', `${sid}::user::${ud}`)}`],
  ['another socket', (sid, ud) => `${APP.key}:${hmac(APP.secret, `1.1::user::${ud}`)}`],
  ['a wrong key part', (sid, ud) => `other-key:${hmac(APP.secret, `${sid}::user::${ud}`)}`],
  ['tampered user_data', (sid) => `${APP.key}:${hmac(APP.secret, `${sid}::user::{"id":"someone-else"}`)}`],
  ['the channel signature scheme', (sid) => `${APP.key}:${hmac(APP.secret, `${sid}:#server-to-user-mallory`)}`],
  ['no auth', () => undefined],
]) {
  test(`pusher:signin with ${what}: pusher:error 4009 and close 4009`, async () => {
    const c = await rt.connect();
    const userData = JSON.stringify({ id: 'mallory' });
    c.send({ event: 'pusher:signin', data: { auth: mk(c.socketId, userData), user_data: userData } });
    const err = await c.take('pusher:error');
    assert.equal(dataJson(err).code, 4009, err.raw);
    const closed = await deadline(c.closed, 'close 4009');
    assert.equal(closed.code, 4009);
    assert.equal(c.seen('pusher:signin_success').length, 0);
  });
}

test('pusher:signin whose user_data has no string id is refused (no signin_success)', async () => {
  for (const userData of ['{"name":"no id"}', '{"id":42}', '{"id":""}', 'not json']) {
    const c = await rt.connect();
    c.send({ event: 'pusher:signin', data: { auth: `${APP.key}:${hmac(APP.secret, `${c.socketId}::user::${userData}`)}`, user_data: userData } });
    // a pusher:error, and perhaps a close: either way no signin_success
    await Promise.race([c.take('pusher:error').catch(() => {}), c.closed]);
    assert.equal(c.seen('pusher:signin_success').length, 0, `${userData} must not sign in`);
    assert.ok(c.seen('pusher:error').length > 0 || c.closeInfo, `${userData}: refused`);
  }
});

test('#server-to-user-{id}: the signed-in user may subscribe, nobody else', async () => {
  const alice = await signedIn('alice');
  await alice.subscribeOk('#server-to-user-alice');
  alice.subscribe('#server-to-user-bob');
  const f = await alice.take((m) => m.channel === '#server-to-user-bob' || m.event === 'pusher:error', 'refusal of bob\'s channel');
  assert.notEqual(f.event, 'pusher_internal:subscription_succeeded', f.raw);
  await alice.roundTrip();
  assert.equal(alice.closeInfo, null);
});

// A pusher-js client signed in as `id`, subscribed to its #server-to-user channel.
async function pusherSignedIn(id, userInfo) {
  const pj = await connected(rt.pusher({ user: { id, ...(userInfo ? { user_info: userInfo } : {}) } }));
  pj.signin();
  await deadline(pj.user.signinDonePromise, 'pusher-js signin');
  const ch = pj.user.serverToUserChannel;
  assert.ok(ch, 'pusher-js signed in (signin_success with a usable user_data)');
  if (!ch.subscribed) {
    await deadline(new Promise((resolve, reject) => {
      ch.bind('pusher:subscription_succeeded', resolve);
      ch.bind('pusher:subscription_error', (e) => reject(new Error(`#server-to-user subscription_error ${JSON.stringify(e)}`)));
    }), `pusher-js subscription to ${ch.name}`);
  }
  return pj;
}

test('sendToUser reaches every signed-in socket of that user and nobody else', async () => {
  const id = unique('u');
  const a1 = await signedIn(id); // signed in, never subscribed to #server-to-user-{id}
  const a2 = await signedIn(id);
  await a2.subscribeOk(`#server-to-user-${id}`);
  const pj = await pusherSignedIn(id);

  const other = await signedIn(unique('other'));
  const anon = await rt.connect();
  await anon.subscribeOk('anon-marker');
  // an anonymous socket asking for that user's channel must get nothing either
  anon.subscribe(`#server-to-user-${id}`);
  await anon.roundTrip();

  const pjGot = once(pj.user, 'notify', 'pusher-js user event');
  await rt.api.sendToUser(id, 'notify', { for: id });
  const f1 = await a1.take('notify');
  const f2 = await a2.take('notify');
  for (const f of [f1, f2]) {
    assert.equal(f.channel, `#server-to-user-${id}`, f.raw);
    assert.equal(f.data, JSON.stringify({ for: id }));
  }
  assert.deepEqual(await pjGot, { for: id });

  // Markers sent after: whatever the others would have got has arrived before them.
  await rt.api.trigger('anon-marker', 'marker', '{}');
  await anon.take('marker');
  await other.roundTrip();
  assert.equal(other.seen('notify').length, 0, 'another user gets nothing');
  assert.equal(anon.seen('notify').length, 0, 'an anonymous socket gets nothing');
  assert.equal(a1.seen('notify').length, 1, 'delivered once per socket');
  assert.equal(a2.seen('notify').length, 1, 'delivered once per socket, even when subscribed');
});

test('sendToUser for a user with no sockets is accepted', async () => {
  const res = await rt.api.sendToUser(unique('ghost'), 'hello', {});
  assert.equal(res.status, 200);
});

test('terminate_connections closes that user\'s sockets; pusher-js ends disconnected; others stay', async () => {
  const id = unique('term');
  const pjA = await pusherSignedIn(id);
  const raw = await signedIn(id);
  const survivor = await signedIn(unique('survivor'));
  const anon = await rt.connect();

  const states = [];
  pjA.connection.bind('state_change', ({ current }) => states.push(current));
  const res = await rt.api.terminateUserConnections(id);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {});

  const closed = await deadline(raw.closed, 'the raw socket to be closed');
  assert.ok((closed.code >= 4000 && closed.code < 4100) || closed.code >= 4300,
    `close code ${closed.code} must tell clients not to reconnect (4000-4099)`);
  await reachState(pjA, 'disconnected');
  await survivor.roundTrip();
  await anon.roundTrip();
  assert.equal(survivor.closeInfo, null);
  assert.equal(anon.closeInfo, null);
  assert.ok(!states.includes('connecting'), `pusher-js must not reconnect: ${states}`);
});

test('pusher-js signin and user.bind: the user gets sendToUser events', async () => {
  const id = unique('js');
  const pj = await pusherSignedIn(id, { name: 'JS' });
  assert.equal(pj.user.user_data.id, id);
  assert.deepEqual(pj.user.user_data.user_info, { name: 'JS' });
  const got = once(pj.user, 'ding');
  await rt.api.sendToUser(id, 'ding', { dong: 1 });
  assert.deepEqual(await got, { dong: 1 });
});

test('terminate_connections also takes the user out of presence channels (member_removed to the others)', async () => {
  const id = unique('pres');
  const ch = `presence-term-${unique()}`;
  const watcher = await rt.connect();
  await watcher.subscribePresence(rt.api, ch, { user_id: 'watcher' });
  const victim = await signedIn(id);
  await victim.subscribePresence(rt.api, ch, { user_id: id });
  await watcher.take('pusher_internal:member_added');
  await rt.api.terminateUserConnections(id);
  await deadline(victim.closed, 'the terminated socket to close');
  const removed = await watcher.take('pusher_internal:member_removed');
  assert.deepEqual(JSON.parse(removed.data), { user_id: id });
});
