// The webhook receiver a Node.js user would write: node:http, HMAC-SHA256 of the raw body with
// the app secret compared with timingSafeEqual, one INSERT per request into SQLite through
// better-sqlite3 (WAL, synchronous=FULL, like Kirim), and 200 once the insert has committed.
// 401 without a signature, 403 when it does not match, 404 elsewhere.
//   PORT=.. APP_SECRET=.. DB_PATH=.. [WORKERS=1] node webhook-receiver.mjs
// WORKERS > 1 runs a node:cluster of that many processes sharing the port and the database file.
import cluster from 'node:cluster';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import Database from 'better-sqlite3';

const port = Number(process.env.PORT);
const secret = process.env.APP_SECRET;
const dbPath = process.env.DB_PATH;
const workers = Number(process.env.WORKERS ?? 1);
const maxBody = 3 * 1024 * 1024;

function open() {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}

function schema() {
  // The same table and indexes as Kirim's webhook_events.
  const db = open();
  db.exec(`CREATE TABLE IF NOT EXISTS webhook_events (
    id INTEGER PRIMARY KEY,
    workspace_id BIGINT,
    account_id BIGINT,
    received_at BIGINT NOT NULL,
    kinds TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'pending',
    error TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    processed_at BIGINT NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS webhook_events_pending ON webhook_events(outcome, id);
  CREATE INDEX IF NOT EXISTS webhook_events_workspace ON webhook_events(workspace_id, id);`);
  db.close();
}

function serve() {
  const db = open();
  const insert = db.prepare('INSERT INTO webhook_events (received_at, body, size_bytes) VALUES (?, ?, ?)');
  const expectedLength = 'sha256='.length + 64;
  const answer = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/webhooks/whatsapp') {
      req.resume();
      return answer(res, 404, '{"error":"not found"}');
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
    });
    req.on('end', () => {
      if (size > maxBody) return answer(res, 413, '{"error":"too large"}');
      const raw = Buffer.concat(chunks, size);
      const given = req.headers['x-hub-signature-256'];
      if (typeof given !== 'string' || !given.startsWith('sha256=')) return answer(res, 401, '{"error":"no signature"}');
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const got = Buffer.from(given.toLowerCase());
      if (got.length !== expectedLength || !timingSafeEqual(got, expected)) {
        return answer(res, 403, '{"error":"bad signature"}');
      }
      try {
        insert.run(Date.now(), raw.toString('utf8'), size);
      } catch (e) {
        return answer(res, 503, JSON.stringify({ error: String(e.message) }));
      }
      return answer(res, 200, '{"status":"ok"}');
    });
  });
  server.keepAliveTimeout = 75_000;
  server.listen(port, '127.0.0.1', () => {
    if (cluster.isPrimary) console.log(`listening on http://127.0.0.1:${port} (1 process)`);
  });
  const stop = () => server.close(() => { db.close(); process.exit(0); });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (workers > 1 && cluster.isPrimary) {
  schema();
  let online = 0;
  for (let i = 0; i < workers; i += 1) cluster.fork();
  cluster.on('listening', () => {
    online += 1;
    if (online === workers) console.log(`listening on http://127.0.0.1:${port} (cluster of ${workers})`);
  });
  let exited = 0;
  cluster.on('exit', () => { exited += 1; if (exited === workers) process.exit(0); });
  const stop = () => { for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM'); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  if (workers <= 1) schema();
  serve();
}
