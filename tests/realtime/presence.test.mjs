// Presence channels: members by unique user_id, member_added/removed, limits, HTTP views (reference §6, §10.5, §10.6).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realtimeForFile, unique, subscribed, once, APP, hmac } from './harness.mjs';

const rt = realtimeForFile();

function presenceOf(frame) {
  assert.equal(frame.event, 'pusher_internal:subscription_succeeded', frame.raw);
  assert.equal(typeof frame.data, 'string', `presence data must be a JSON string: ${frame.raw}`);
  const { presence } = JSON.parse(frame.data);
  assert.ok(presence && Array.isArray(presence.ids) && presence.hash && typeof presence.count === 'number', frame.raw);
  return presence;
}

const ids = (presence) => presence.ids.map(String).sort();

// A raw client joined to `channel` as `user`; returns [client, presence of its subscription_succeeded].
async function join(channel, user) {
  const c = await rt.connect();
  const f = await c.subscribePresence(rt.api, channel, user);
  return [c, presenceOf(f)];
}

// Triggers a marker on `channel` and waits until every client got it: whatever the server sent
// them before is then in their history.
async function flush(channel, ...clients) {
  const name = unique('marker-');
  await rt.api.trigger(channel, name, '{}');
  await Promise.all(clients.map((c) => c.take(name, `marker ${name}`)));
}

test('the first member gets a presence list with itself', async () => {
  const ch = `presence-${unique()}`;
  const [, p] = await join(ch, { user_id: 'alice', user_info: { name: 'Alice' } });
  assert.deepEqual(ids(p), ['alice']);
  assert.deepEqual(p.hash, { alice: { name: 'Alice' } });
  assert.equal(p.count, 1);
});

test('member_added goes to the others (not the joiner), with user_id and user_info', async () => {
  const ch = `presence-${unique()}`;
  const [a] = await join(ch, { user_id: 'a', user_info: { name: 'A' } });
  const [b, pb] = await join(ch, { user_id: 'b', user_info: { name: 'B', tags: [1, 2] } });
  assert.deepEqual(ids(pb), ['a', 'b']);
  assert.deepEqual(pb.hash, { a: { name: 'A' }, b: { name: 'B', tags: [1, 2] } });
  assert.equal(pb.count, 2);
  const added = await a.take('pusher_internal:member_added');
  assert.equal(added.channel, ch);
  assert.equal(typeof added.data, 'string', added.raw);
  assert.deepEqual(JSON.parse(added.data), { user_id: 'b', user_info: { name: 'B', tags: [1, 2] } });
  await flush(ch, a, b);
  assert.equal(b.seen('pusher_internal:member_added').length, 0, 'the joiner gets no member_added');
  assert.equal(a.seen('pusher_internal:member_added').length, 1);
});

test('a user without user_info is listed with null info', async () => {
  const ch = `presence-${unique()}`;
  const [, p] = await join(ch, { user_id: 'bare' });
  assert.deepEqual(ids(p), ['bare']);
  assert.ok(p.hash.bare === null || p.hash.bare === undefined || typeof p.hash.bare === 'object', JSON.stringify(p.hash));
  assert.ok('bare' in p.hash, 'every member appears in hash');
});

test('a second connection of the same user: no member_added, count unchanged; removed only when the last leaves', async () => {
  const ch = `presence-${unique()}`;
  const [watcher] = await join(ch, { user_id: 'w' });
  const [u1] = await join(ch, { user_id: 'dup', user_info: { tab: 1 } });
  await watcher.take('pusher_internal:member_added');
  const [u2, p2] = await join(ch, { user_id: 'dup', user_info: { tab: 2 } });
  assert.deepEqual(ids(p2), ['dup', 'w'], 'ids are unique users');
  assert.equal(p2.count, 2, 'count is unique users');
  await flush(ch, watcher, u1, u2);
  assert.equal(watcher.seen('pusher_internal:member_added').length, 1, 'no member_added for a second connection');
  assert.equal(u1.seen('pusher_internal:member_added').length, 0, 'no member_added of a user to itself');

  const users = await (await rt.api.get({ path: `/channels/${ch}/users` })).json();
  assert.deepEqual(users.users.map((u) => String(u.id)).sort(), ['dup', 'w']);
  const info = await (await rt.api.get({ path: `/channels/${ch}`, params: { info: 'user_count' } })).json();
  assert.equal(info.occupied, true);
  assert.equal(info.user_count, 2);

  // first connection leaves by unsubscribing: the user is still there
  u1.send({ event: 'pusher:unsubscribe', data: { channel: ch } });
  await u1.roundTrip();
  await flush(ch, watcher, u2);
  assert.equal(watcher.seen('pusher_internal:member_removed').length, 0, 'no member_removed while another connection remains');

  // the last connection disconnects: member_removed
  u2.terminate();
  const removed = await watcher.take('pusher_internal:member_removed');
  assert.equal(removed.channel, ch);
  assert.deepEqual(JSON.parse(removed.data), { user_id: 'dup' });
  const after = await (await rt.api.get({ path: `/channels/${ch}`, params: { info: 'user_count' } })).json();
  assert.equal(after.user_count, 1);
});

test('member_removed on unsubscribe of a user\'s only connection', async () => {
  const ch = `presence-${unique()}`;
  const [a] = await join(ch, { user_id: 'stay' });
  const [b] = await join(ch, { user_id: 'go' });
  await a.take('pusher_internal:member_added');
  b.send({ event: 'pusher:unsubscribe', data: { channel: ch } });
  const removed = await a.take('pusher_internal:member_removed');
  assert.deepEqual(JSON.parse(removed.data), { user_id: 'go' });
  await b.roundTrip();
  assert.equal(b.seen('pusher_internal:member_removed').length, 0);
});

test('numeric and string user_id are the same user (identity normalised to a string)', async () => {
  const ch = `presence-${unique()}`;
  const [w] = await join(ch, { user_id: 'watcher' });
  const [n, pn] = await join(ch, { user_id: 1453, user_info: { name: 'numeric' } });
  assert.deepEqual(ids(pn), ['1453', 'watcher']);
  const added = JSON.parse((await w.take('pusher_internal:member_added')).data);
  assert.equal(String(added.user_id), '1453');
  const [s, ps] = await join(ch, { user_id: '1453', user_info: { name: 'string' } });
  assert.equal(ps.count, 2);
  assert.deepEqual(ids(ps), ['1453', 'watcher']);
  await flush(ch, w, n, s);
  assert.equal(w.seen('pusher_internal:member_added').length, 1, 'the string id is the user already there');
  const users = await (await rt.api.get({ path: `/channels/${ch}/users` })).json();
  assert.deepEqual(users.users.map((u) => String(u.id)).sort(), ['1453', 'watcher']);
  n.terminate();
  await n.closed;
  await flush(ch, w, s);
  assert.equal(w.seen('pusher_internal:member_removed').length, 0);
  s.terminate();
  const removed = JSON.parse((await w.take('pusher_internal:member_removed')).data);
  assert.equal(String(removed.user_id), '1453');
});

test('channel_data without user_id, or missing, is refused', async () => {
  const ch = `presence-${unique()}`;
  const c = await rt.connect();
  const sign = (cd) => `${APP.key}:${hmac(APP.secret, `${c.socketId}:${ch}:${cd}`)}`;
  for (const cd of ['{"user_info":{"a":1}}', '{"user_id":""}', 'not json', '{"user_id":null}', '[]']) {
    await c.subscribeFails(ch, { auth: sign(cd), channel_data: cd });
  }
  await c.subscribeFails(ch, { auth: `${APP.key}:${hmac(APP.secret, `${c.socketId}:${ch}`)}` });
  await c.roundTrip();
  assert.equal(c.closeInfo, null);
});

test('user_info over 1 KB is refused with subscription_error; just under is fine', async () => {
  const ch = `presence-${unique()}`;
  const c = await rt.connect();
  const ok = await c.subscribePresence(rt.api, ch, { user_id: 'small', user_info: { bio: 'x'.repeat(900) } });
  assert.equal(presenceOf(ok).count, 1);
  const d = await rt.connect();
  const a = rt.api.authorizeChannel(d.socketId, ch, { user_id: 'big', user_info: { bio: 'x'.repeat(1100) } });
  await d.subscribeFails(ch, { auth: a.auth, channel_data: a.channel_data });
  await d.roundTrip();
  assert.equal(d.closeInfo, null);
});

test('at most 100 members: the 101st user is refused, a known user\'s extra connection is not', async () => {
  const ch = `presence-${unique()}`;
  const members = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
    const c = await rt.connect();
    await c.subscribePresence(rt.api, ch, { user_id: `m${i}` });
    return c;
  }));
  const info = await (await rt.api.get({ path: `/channels/${ch}`, params: { info: 'user_count' } })).json();
  assert.equal(info.user_count, 100);
  const extra = await rt.connect();
  const a = rt.api.authorizeChannel(extra.socketId, ch, { user_id: 'm100' });
  await extra.subscribeFails(ch, { auth: a.auth, channel_data: a.channel_data });
  const again = await rt.connect();
  const f = await again.subscribePresence(rt.api, ch, { user_id: 'm7' });
  assert.equal(presenceOf(f).count, 100);
  // one leaves: there is room again
  members[0].terminate();
  await members[1].take((m) => m.event === 'pusher_internal:member_removed' && JSON.parse(m.data).user_id === 'm0', 'member_removed m0');
  const late = await rt.connect();
  await late.subscribePresence(rt.api, ch, { user_id: 'm100' });
});

test('churn: many connections of a few users join and drop; member events and /users stay consistent', async () => {
  const ch = `presence-churn-${unique()}`;
  const [watcher] = await join(ch, { user_id: 'watcher' });
  const conns = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const [c] = await join(ch, { user_id: `u${i % 10}` });
    return { c, user: `u${i % 10}` };
  }));
  // drop every user's connections except those of u0..u3, half abruptly, half by unsubscribing
  const dropped = conns.filter(({ user }) => !['u0', 'u1', 'u2', 'u3'].includes(user));
  dropped.forEach(({ c }, i) => {
    if (i % 2) c.terminate();
    else c.send({ event: 'pusher:unsubscribe', data: { channel: ch } });
  });
  // u4..u9 leave: six member_removed
  for (let i = 0; i < 6; i++) await watcher.take('pusher_internal:member_removed', `member_removed #${i + 1}`);
  await flush(ch, watcher, ...conns.filter(({ user }) => ['u0', 'u1', 'u2', 'u3'].includes(user)).map(({ c }) => c));
  const added = watcher.seen('pusher_internal:member_added').map((f) => String(JSON.parse(f.data).user_id)).sort();
  const removed = watcher.seen('pusher_internal:member_removed').map((f) => String(JSON.parse(f.data).user_id)).sort();
  assert.deepEqual(added, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'], 'one member_added per user');
  assert.deepEqual(removed, ['u4', 'u5', 'u6', 'u7', 'u8', 'u9'], 'one member_removed per user that left');
  const users = await (await rt.api.get({ path: `/channels/${ch}/users` })).json();
  assert.deepEqual(users.users.map((u) => String(u.id)).sort(), ['u0', 'u1', 'u2', 'u3', 'watcher']);
  const [, late] = await join(ch, { user_id: 'late' });
  assert.deepEqual(ids(late), ['late', 'u0', 'u1', 'u2', 'u3', 'watcher']);
  assert.equal(late.count, 6);
});

test('HTTP: /users is presence-only (400 otherwise); /channels lists presence channels with user_count', async () => {
  const prefix = `presence-list${unique()}`;
  await join(`${prefix}-one`, { user_id: '1' });
  await join(`${prefix}-one`, { user_id: '2' });
  await join(`${prefix}-one`, { user_id: '2' });
  await join(`${prefix}-two`, { user_id: '3' });
  const pub = await rt.connect();
  await pub.subscribeOk('not-presence');
  const res = await rt.request('GET', '/apps/app-id/channels/not-presence/users');
  assert.equal(res.status, 400, `${res}`);
  const list = await (await rt.api.get({ path: '/channels', params: { filter_by_prefix: prefix, info: 'user_count' } })).json();
  assert.deepEqual(list, { channels: { [`${prefix}-one`]: { user_count: 2 }, [`${prefix}-two`]: { user_count: 1 } } });
});

test('pusher-js presence: members, me, member_added/member_removed', async () => {
  const ch = `presence-js-${unique()}`;
  const p1 = await rt.pusherConnected({ presence: () => ({ user_id: 'js1', user_info: { name: 'One' } }) });
  const { channel: c1 } = await subscribed(p1, ch);
  assert.equal(c1.members.count, 1);
  assert.equal(c1.members.me.id, 'js1');
  assert.deepEqual(c1.members.me.info, { name: 'One' });
  const added = once(c1, 'pusher:member_added');
  const p2 = await rt.pusherConnected({ presence: () => ({ user_id: 'js2', user_info: { name: 'Two' } }) });
  const { channel: c2 } = await subscribed(p2, ch);
  const m = await added;
  assert.equal(m.id, 'js2');
  assert.deepEqual(m.info, { name: 'Two' });
  assert.equal(c2.members.count, 2);
  const seen = [];
  c2.members.each((member) => seen.push(member.id));
  assert.deepEqual(seen.sort(), ['js1', 'js2']);
  const removed = once(c1, 'pusher:member_removed');
  p2.disconnect();
  assert.equal((await removed).id, 'js2');
  assert.equal(c1.members.count, 1);
});
