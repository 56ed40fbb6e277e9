// Shared machinery for the black-box tests of Kirim's Pusher-compatible realtime hub.
//
// Reuses tests/api/harness.mjs to start the real binary (`kirim serve --listen 127.0.0.1:0`, fresh
// data directory, SIGTERM + exit 0 + no sanitizer report at the end) and adds:
//   realtimeForFile()        one server per test file, with the realtime app configured, a
//                            `pusher` server SDK pointed at it, and cleanup of every client
//                            after each test
//   RawClient                a plain `ws` client that records every frame (exact frames, close codes)
//   pusher-js clients        with channel/user authorization computed by the `pusher` SDK
//   signedRequest()          hand-signed HTTP API calls (to tamper with the signature, timestamp...)
//   deadline(), once()       waiting on events with a deadline instead of sleeping
//
// Synchronisation rule: tests never sleep. To show that something did NOT arrive, they make a
// later message arrive on the same connection (a marker) and then look at what came before it.

import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { before, after, afterEach } from 'node:test';
import WebSocket from 'ws';
import PusherServer from 'pusher';
import PusherJS from 'pusher-js';
import { startServer, waitFor, unique } from '../api/harness.mjs';

export { waitFor, unique, WebSocket, PusherServer, PusherJS };

export const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' };
export const REALTIME_ENV = {
  KIRIM_REALTIME_APP_ID: APP.id,
  KIRIM_REALTIME_APP_KEY: APP.key,
  KIRIM_REALTIME_APP_SECRET: APP.secret,
};
export const DEFAULT_QUERY = 'protocol=7&client=js&version=8.6.0&flash=false';
export const WAIT_MS = Number(process.env.KIRIM_RT_WAIT_MS || 5000);
export const SOCKET_ID = /^\d+\.\d+$/;

// ---------------------------------------------------------------------------------------------
// Waiting

// Resolves what `promise` resolves, or rejects after `ms` with a message naming `what` (a
// string, or a function giving one at that moment).
export function deadline(promise, what = 'event', ms = WAIT_MS) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// The next `event` emitted by an emitter with bind()/unbind() (pusher-js) or on()/off().
// withMeta: resolve {data, meta} (pusher-js passes {user_id} metadata for client events).
export function once(emitter, event, what = event, ms = WAIT_MS, withMeta = false) {
  return deadline(new Promise((resolve) => {
    if (typeof emitter.bind === 'function') {
      const cb = (data, meta) => { emitter.unbind(event, cb); resolve(withMeta ? { data, meta } : data); };
      emitter.bind(event, cb);
    } else {
      emitter.once(event, (...args) => resolve(args.length <= 1 ? args[0] : args));
    }
  }), what, ms);
}

// ---------------------------------------------------------------------------------------------
// Raw WebSocket client

// One parsed frame: {event, channel, data, user_id, raw, json, binary}. `data` is kept as sent
// (a string when the server double-encodes); dataJson() decodes it.
export function dataJson(msg) {
  if (typeof msg.data === 'string') return JSON.parse(msg.data);
  return msg.data;
}

export class RawClient {
  constructor(ws) {
    this.ws = ws;
    this.history = [];   // every frame ever received, in order
    this.inbox = [];     // frames not yet taken
    this.waiters = [];
    this.closeInfo = null;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const w of this.waiters.splice(0)) w.reject(new Error(`connection closed (${code} ${reason}) while waiting for ${w.what}; received: ${this.describe()}`));
      });
    });
    ws.on('error', () => { /* 'close' follows */ });
    ws.on('message', (buf, isBinary) => {
      const raw = buf.toString();
      let json;
      try { json = JSON.parse(raw); } catch { json = undefined; }
      const msg = { raw, json, binary: isBinary, ...(json && typeof json === 'object' ? json : {}) };
      this.history.push(msg);
      const i = this.waiters.findIndex((w) => w.pred(msg));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w.resolve(msg);
      } else {
        this.inbox.push(msg);
      }
    });
  }

  // Opens /app/{key}?{query}. Resolves the client once the WS handshake is done (not waiting
  // for connection_established: use established()).
  static open(port, { key = APP.key, query = DEFAULT_QUERY, path, headers } = {}) {
    const url = `ws://127.0.0.1:${port}${path ?? `/app/${key}${query === null ? '' : `?${query}`}`}`;
    const ws = new WebSocket(url, { headers, maxPayload: 64 * 1024 * 1024 });
    const client = new RawClient(ws);
    return deadline(new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (req, res) => reject(new Error(`WebSocket upgrade of ${url} answered HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    }), `WebSocket handshake with ${url}`);
  }

  // Opens a connection and waits for pusher:connection_established; sets socketId.
  static async connect(port, opts) {
    const c = await RawClient.open(port, opts);
    const m = await c.take((f) => f.event === 'pusher:connection_established', 'pusher:connection_established');
    c.established = m;
    c.socketId = dataJson(m).socket_id;
    return c;
  }

  describe() {
    return JSON.stringify(this.history.map((m) => m.raw.slice(0, 300)));
  }

  // Takes the first not-yet-taken frame matching pred (a predicate, or an event name), waiting
  // for it up to the deadline.
  take(pred, what, ms = WAIT_MS) {
    const p = typeof pred === 'string' ? ((name) => (f) => f.event === name)(pred) : pred;
    const label = what ?? (typeof pred === 'string' ? pred : 'a matching frame');
    const i = this.inbox.findIndex(p);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    if (this.closeInfo) return Promise.reject(new Error(`connection already closed (${this.closeInfo.code}) before ${label}; received: ${this.describe()}`));
    let waiter;
    const promise = new Promise((resolve, reject) => {
      waiter = { pred: p, resolve, reject, what: label };
      this.waiters.push(waiter);
    });
    return deadline(promise, () => `${label}; received so far: ${this.describe()}`, ms).finally(() => {
      const k = this.waiters.indexOf(waiter);
      if (k >= 0) this.waiters.splice(k, 1);
    });
  }

  // Frames received so far (history) matching pred.
  seen(pred) {
    const p = typeof pred === 'string' ? ((name) => (f) => f.event === name)(pred) : pred;
    return this.history.filter(p);
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' || Buffer.isBuffer(obj) ? obj : JSON.stringify(obj));
  }

  sendBinary(buf) {
    this.ws.send(buf, { binary: true });
  }

  // pusher:ping -> pusher:pong round trip: everything the server queued for us before
  // answering the ping has arrived when this resolves.
  async roundTrip() {
    this.send({ event: 'pusher:ping', data: {} });
    return this.take('pusher:pong', 'pusher:pong');
  }

  subscribe(channel, extra = {}) {
    this.send({ event: 'pusher:subscribe', data: { channel, ...extra } });
  }

  // Subscribes and waits for this channel's subscription_succeeded; returns that frame.
  async subscribeOk(channel, extra = {}) {
    this.subscribe(channel, extra);
    return this.take((f) => f.channel === channel &&
      (f.event === 'pusher_internal:subscription_succeeded' || f.event === 'pusher:subscription_error' || f.event === 'pusher:error'),
    `subscription to ${channel}`).then((f) => {
      assert.equal(f.event, 'pusher_internal:subscription_succeeded', `subscribe ${channel}: ${f.raw}`);
      return f;
    });
  }

  // Subscribes and waits for the channel-scoped subscription_error; returns it.
  async subscribeFails(channel, extra = {}) {
    this.subscribe(channel, extra);
    const f = await this.take((m) => m.channel === channel &&
      (m.event === 'pusher_internal:subscription_succeeded' || m.event === 'pusher:subscription_error'),
    `subscription_error for ${channel}`);
    assert.equal(f.event, 'pusher:subscription_error', `subscribe ${channel} should fail: ${f.raw}`);
    return f;
  }

  async subscribePrivate(api, channel) {
    const { auth } = api.authorizeChannel(this.socketId, channel);
    return this.subscribeOk(channel, { auth });
  }

  async subscribePresence(api, channel, presence) {
    const a = api.authorizeChannel(this.socketId, channel, presence);
    return this.subscribeOk(channel, { auth: a.auth, channel_data: a.channel_data });
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      try { this.ws.close(1000); } catch { /* ignore */ }
    }
    return deadline(this.closed, 'close', 3000).catch(() => { this.ws.terminate(); });
  }

  terminate() {
    this.ws.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP API signing (reference §10.1), for requests the SDK would refuse to make.

export function md5(s) {
  return createHash('md5').update(s).digest('hex');
}

export function hmac(secret, s) {
  return createHmac('sha256', secret).update(s).digest('hex');
}

// Builds the query string of a signed request. opts: params (extra query), body (string),
// timestamp (seconds), key, secret, bodyMd5 (override; null: omit), signature (override).
export function signQuery(method, path, opts = {}) {
  const params = {
    auth_key: opts.key ?? APP.key,
    auth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
    ...(opts.params ?? {}),
  };
  if (opts.body !== undefined && opts.body !== '' && opts.bodyMd5 !== null) params.body_md5 = opts.bodyMd5 ?? md5(opts.body);
  const toSign = Object.keys(params).map((k) => k.toLowerCase()).sort()
    .map((k) => `${k}=${params[k]}`).join('&');
  const sig = opts.signature ?? hmac(opts.secret ?? APP.secret, `${method}\n${path}\n${toSign}`);
  const qs = Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${qs}&auth_signature=${sig}`;
}

// A signed request to the HTTP API: {status, text, json}. `body` is an object (JSON-encoded)
// or a raw string; signBody: the string to compute body_md5 over (default: the body sent).
export async function signedRequest(port, method, path, opts = {}) {
  const body = opts.body === undefined ? undefined : (typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
  const qs = signQuery(method, path, { ...opts, body: opts.signBody ?? body });
  const res = await fetch(`http://127.0.0.1:${port}${path}?${qs}`, {
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, text, json, toString() { return `${method} ${path} -> ${res.status} ${text.slice(0, 300)}`; } };
}

// ---------------------------------------------------------------------------------------------
// pusher-js clients

// A pusher-js client. opts:
//   presence: (channelName) => presence data {user_id, user_info} for presence channels
//   user: user data for signin ({id, user_info?})
//   authorize: custom (socketId, channelName) => {auth, channel_data?} (default: the SDK's)
//   extra: more pusher-js options
export function pusherClient(rt, opts = {}) {
  const api = rt.api;
  const client = new PusherJS(APP.key, {
    wsHost: '127.0.0.1',
    wsPort: rt.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    cluster: 'mt1',
    disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        try {
          const res = opts.authorize
            ? opts.authorize(socketId, channelName)
            : api.authorizeChannel(socketId, channelName,
              channelName.startsWith('presence-') ? (opts.presence?.(channelName) ?? { user_id: unique('p') }) : undefined);
          callback(null, res);
        } catch (e) {
          callback(e, null);
        }
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        try {
          callback(null, api.authenticateUser(socketId, opts.user ?? { id: unique('user') }));
        } catch (e) {
          callback(e, null);
        }
      },
    },
    ...(opts.extra ?? {}),
  });
  rt.track(() => client.disconnect());
  return client;
}

export async function connected(client) {
  if (client.connection.state === 'connected') return client;
  await deadline(new Promise((resolve, reject) => {
    const onState = ({ current }) => {
      if (current === 'connected') { client.connection.unbind('state_change', onState); resolve(); }
      if (current === 'failed' || current === 'unavailable') { client.connection.unbind('state_change', onState); reject(new Error(`pusher-js connection ${current}`)); }
    };
    client.connection.bind('state_change', onState);
  }), 'pusher-js to connect');
  return client;
}

// Waits until a pusher-js client's connection is in `state`.
export function reachState(client, state) {
  if (client.connection.state === state) return Promise.resolve();
  const seen = [];
  return deadline(new Promise((resolve) => {
    const onState = ({ current }) => {
      seen.push(current);
      if (current === state) { client.connection.unbind('state_change', onState); resolve(); }
    };
    client.connection.bind('state_change', onState);
  }), () => `pusher-js state ${state} (went through: ${seen.join(' -> ') || 'nothing'})`);
}

// Subscribes a pusher-js client and waits for pusher:subscription_succeeded (rejects on
// pusher:subscription_error). Resolves {channel, data}.
export async function subscribed(client, name) {
  const channel = client.subscribe(name);
  if (channel.subscribed) return { channel, data: undefined };
  const data = await deadline(new Promise((resolve, reject) => {
    const ok = (d) => { channel.unbind('pusher:subscription_error', bad); resolve(d); };
    const bad = (e) => { channel.unbind('pusher:subscription_succeeded', ok); reject(new Error(`subscription_error on ${name}: ${JSON.stringify(e)}`)); };
    channel.bind('pusher:subscription_succeeded', ok);
    channel.bind('pusher:subscription_error', bad);
  }), `subscription to ${name}`);
  return { channel, data };
}

// ---------------------------------------------------------------------------------------------
// The server for one test file

// Starts a Kirim server with the realtime app before the file's tests, stops it after them,
// and closes every client a test opened through it after that test. Returns a holder with
// server, port, api (the pusher server SDK), raw(opts), connect(opts), pusher(opts), track(fn).
export function realtimeForFile(opts = {}) {
  const rt = { cleanups: [] };
  rt.track = (fn) => { rt.cleanups.push(fn); };
  rt.raw = async (o) => { const c = await RawClient.open(rt.port, o); rt.track(() => c.close()); return c; };
  rt.connect = async (o) => { const c = await RawClient.connect(rt.port, o); rt.track(() => c.close()); return c; };
  rt.pusher = (o) => pusherClient(rt, o);
  rt.pusherConnected = (o) => connected(pusherClient(rt, o));
  rt.request = (method, path, o) => signedRequest(rt.port, method, path, o);
  before(async () => {
    rt.server = await startServer({ ...opts, env: { ...REALTIME_ENV, ...(opts.env ?? {}) } });
    rt.port = rt.server.port;
    rt.api = new PusherServer({
      appId: APP.id, key: APP.key, secret: APP.secret,
      host: '127.0.0.1', port: String(rt.port), useTLS: false,
      encryptionMasterKeyBase64: Buffer.alloc(32, 7).toString('base64'),
    });
  });
  afterEach(async () => {
    const fns = rt.cleanups.splice(0);
    await Promise.all(fns.map(async (fn) => { try { await fn(); } catch { /* best effort */ } }));
  });
  after(async () => {
    const fns = rt.cleanups.splice(0);
    await Promise.all(fns.map(async (fn) => { try { await fn(); } catch { /* best effort */ } }));
    if (rt.server) await rt.server.stop();
  });
  return rt;
}

// Response body of a pusher SDK call as JSON.
export async function sdkJson(promise) {
  const res = await promise;
  return res.json();
}

// The HTTP status of a rejected SDK call (RequestError.status), or 200.
export async function sdkStatus(promise) {
  try {
    const res = await promise;
    return res.status;
  } catch (e) {
    if (e && typeof e.status === 'number') return e.status;
    throw e;
  }
}
