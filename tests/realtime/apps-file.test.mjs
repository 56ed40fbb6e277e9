// Apps from the TOML file: their switches apply, and the connection quota answers 4004.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { realtimeForFile, DEFAULT_QUERY, waitFor } from './harness.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'kirim-apps-'));
const file = path.join(dir, 'kirim.toml');
writeFileSync(file, `
[[realtime.apps]]
id = "quota"
key = "quota-key"
secret = "quota-secret"
max_connections = 2
client_events = false

[[realtime.apps]]
id = "brisk"
key = "brisk-key"
secret = "brisk-secret"
activity_timeout = 1
`);
const rt = realtimeForFile({ args: ['--config', file] });

test('the third connection of a two-connection app is refused with 4004', async () => {
  const a = await rt.connect({ key: 'quota-key' });
  await rt.connect({ key: 'quota-key' });
  const c = await rt.raw({ path: `/app/quota-key?${DEFAULT_QUERY}` });
  const closed = await c.closed;
  assert.equal(closed.code, 4004);
  await a.close();
  // The server counts the leave once its side of the close is done; a new one then fits.
  const again = await waitFor(async () => {
    const d = await rt.raw({ key: 'quota-key' });
    const first = await Promise.race([d.closed.then(() => null), d.take((f) => f.event === 'pusher:connection_established', 'established')]);
    return first ? d : null;
  }, { what: 'a connection within the quota again' });
  assert.ok(again);
});

test('a silent connection is pinged after activity_timeout and closed with 4201 if it stays silent', async () => {
  const silent = await rt.connect({ key: 'brisk-key' });
  const established = JSON.parse(silent.established.data);
  assert.equal(established.activity_timeout, 1);
  await silent.take((f) => f.event === 'pusher:ping', 'pusher:ping');
  const closed = await silent.closed;
  assert.equal(closed.code, 4201);
});

test('a connection that answers pusher:ping stays open', async () => {
  const lively = await rt.connect({ key: 'brisk-key' });
  for (let i = 0; i < 3; i++) {
    await lively.take((f) => f.event === 'pusher:ping', 'pusher:ping');
    lively.ws.send(JSON.stringify({ event: 'pusher:pong', data: {} }));
  }
  assert.equal(lively.closeInfo, null);
});
