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
