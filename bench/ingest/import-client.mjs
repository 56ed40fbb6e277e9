// Runs one CSV import through Kirim's REST API the way the web app does, and measures it:
// creates the City, Plan and Orders fields, creates the import, uploads the file in chunks of
// max_chunk_bytes, starts it with a mapping (Joined becomes a new date field), and polls every
// 100 ms until it ends. While it runs it samples the server's VmRSS and VmHWM from /proc every
// 100 ms. Prints one JSON line.
//   node import-client.mjs URL TOKEN CSV_FILE SERVER_PID
import { readFile } from 'node:fs/promises';

const [url, token, csvPath, pidArg] = process.argv.slice(2);
if (!url || !token || !csvPath || !pidArg) {
  console.error('usage: node import-client.mjs URL TOKEN CSV_FILE SERVER_PID');
  process.exit(2);
}
const pollMs = 100;
const sampleMs = 100;
const timeoutMs = 30 * 60 * 1000;

async function call(method, path, body, contentType = 'application/json') {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
    body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

// Peak and current memory of the server, in kB, from /proc (VmHWM is the kernel's own peak).
const memory = { rss_max_kb: 0, hwm_kb: 0, samples: 0 };
async function sampleMemory() {
  try {
    const status = await readFile(`/proc/${pidArg}/status`, 'utf8');
    const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm')) ?? [])[1] ?? 0);
    memory.rss_max_kb = Math.max(memory.rss_max_kb, kb('VmRSS'));
    memory.hwm_kb = Math.max(memory.hwm_kb, kb('VmHWM'));
    memory.samples += 1;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}
const sampler = setInterval(sampleMemory, sampleMs);
const before = await sampleMemory();

for (const field of [
  { label: 'City', type: 'text' },
  { label: 'Plan', type: 'choice', choices: ['free', 'pro', 'business'] },
  { label: 'Orders', type: 'number' },
]) {
  await call('POST', '/api/v1/contact-fields', field);
}
const fields = (await call('GET', '/api/v1/contact-fields')).data;
const key = (label) => fields.find((f) => f.label === label).key;

const csv = await readFile(csvPath);
const t0 = performance.now();
const created = await call('POST', '/api/v1/imports', { filename: 'contacts-1m.csv', size_bytes: csv.length });
const chunk = created.max_chunk_bytes;
let last;
for (let off = 0; off < csv.length; off += chunk) {
  last = await call('PUT', `/api/v1/imports/${created.id}/data?offset=${off}`, csv.subarray(off, off + chunk), 'text/csv');
}
const tUploaded = performance.now();
if (last.state !== 'mapping') throw new Error(`after the upload the import is ${last.state}`);

const mapping = [
  { column: 0, target: 'phone' },
  { column: 1, target: 'name' },
  { column: 2, target: `field:${key('City')}` },
  { column: 3, target: `field:${key('Plan')}` },
  { column: 4, target: `field:${key('Orders')}` },
  { column: 5, target: 'new_field', field: { label: 'Joined', type: 'date' } },
  { column: 6, target: 'tags' },
];
const tStart = performance.now();
await call('POST', `/api/v1/imports/${created.id}/start`, { mapping, dedupe: 'update', tags: ['import-1m'], has_header: true });
let done;
while (performance.now() - tStart < timeoutMs) {
  const imp = await call('GET', `/api/v1/imports/${created.id}`);
  if (['completed', 'failed', 'cancelled'].includes(imp.state)) {
    done = imp;
    break;
  }
  await new Promise((r) => setTimeout(r, pollMs));
}
const tDone = performance.now();
clearInterval(sampler);
const after = await sampleMemory();
const contacts = await call('GET', '/api/v1/contacts?tag=import-1m&count=true&limit=1');

console.log(JSON.stringify({
  state: done?.state ?? 'timeout',
  error: done?.error ?? null,
  bytes: csv.length,
  chunk_bytes: chunk,
  chunks: Math.ceil(csv.length / chunk),
  upload_s: (tUploaded - t0) / 1000,
  import_s: (tDone - tStart) / 1000,
  server_started_at: done?.started_at ?? null,
  server_finished_at: done?.finished_at ?? null,
  progress: done?.progress ?? null,
  contacts_tagged: contacts.total ?? null,
  rss_before_kb: before?.rss ?? null,
  rss_max_kb: memory.rss_max_kb,
  hwm_kb: Math.max(memory.hwm_kb, after?.hwm ?? 0),
  rss_after_kb: after?.rss ?? null,
  memory_samples: memory.samples,
}));
