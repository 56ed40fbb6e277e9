// SIGTERM with WebSocket clients connected: they are told to reconnect and the process exits 0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { REALTIME_ENV, RawClient, deadline, pusherClient, connected, subscribed, PusherServer, APP } from './harness.mjs';

test('SIGTERM closes every WebSocket with a reconnect code (4200-4299) and exits 0', async () => {
  const server = await startServer({ env: REALTIME_ENV });
  const cleanups = [];
  const rt = { port: server.port, track: (fn) => cleanups.push(fn) };
  rt.api = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(server.port), useTLS: false });
  try {
    const idle = await RawClient.connect(server.port);
    const busy = await RawClient.connect(server.port);
    await busy.subscribeOk('busy');
    await busy.subscribePresence(rt.api, 'presence-busy', { user_id: 'b' });
    const js = await connected(pusherClient(rt));
    await subscribed(js, 'private-js');
    const jsError = deadline(new Promise((resolve) => js.connection.bind('error', resolve)), 'pusher-js to see the close');

    await server.stop(); // SIGTERM; asserts exit 0 within 15 s and no sanitizer report

    for (const [name, c] of [['idle', idle], ['busy', busy]]) {
      const closed = await deadline(c.closed, `${name} client to be closed`);
      assert.ok(closed.code >= 4200 && closed.code <= 4299,
        `${name}: close code ${closed.code} (${closed.reason}); a shutdown should ask clients to reconnect (4200, reference §9)`);
    }
    const err = await jsError;
    assert.ok(err, 'pusher-js saw the connection end');
  } finally {
    for (const fn of cleanups) { try { fn(); } catch { /* ignore */ } }
    if (!server.stopped) await server.stop();
  }
});
