// CSV imports and exports over the REST API: chunked upload with resume, preview and mapping,
// a 100,000-row import with bad rows, its error report, cancel, and an export of a filtered list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile, assertError, assertStatus, waitFor, unique } from './harness.mjs';

let owner;
const ctx = serverForFile({ setup: (c) => { owner = c.owner; } });

// A CSV of n people; every 97th row has a bad phone and every 89th a bad age.
function peopleCsv(n, first = 0) {
  const lines = ['Phone;Full name;Age;Labels'];
  for (let i = first; i < first + n; i += 1) {
    const p = i % 97 === 5 ? `not-a-phone-${i}` : `+62813${String(10000000 + i)}`;
    const age = i % 89 === 7 ? 'old' : String(i % 90);
    lines.push(`${p};"Person ${i}";${age};"t${i % 3}, all"`);
  }
  return `${lines.join('\n')}\n`;
}

async function upload(csv, name = 'people.csv') {
  const bytes = Buffer.from(csv);
  const created = assertStatus(await owner.post('/api/v1/imports', { filename: name, size_bytes: bytes.length }), 201).json;
  assert.equal(created.state, 'uploading');
  const chunk = created.max_chunk_bytes;
  assert.ok(chunk > 0);
  let last;
  for (let off = 0; off < bytes.length; off += chunk) {
    last = assertStatus(await owner.request('PUT', `/api/v1/imports/${created.id}/data?offset=${off}`,
      { body: bytes.subarray(off, off + chunk), contentType: 'text/csv' }), 200).json;
  }
  return last;
}

async function finished(id, timeoutMs = 120_000) {
  return waitFor(async () => {
    const i = (await owner.get(`/api/v1/imports/${id}`)).json;
    return ['completed', 'failed', 'cancelled'].includes(i.state) ? i : null;
  }, { timeoutMs, intervalMs: 100, what: `import ${id} to finish` });
}

test('an upload resumes from where it stands; the last chunk gives the preview', async () => {
  const csv = peopleCsv(40);
  const bytes = Buffer.from(csv);
  const created = assertStatus(await owner.post('/api/v1/imports', { filename: 'p.csv', size_bytes: bytes.length }), 201).json;
  assertStatus(await owner.request('PUT', `/api/v1/imports/${created.id}/data?offset=0`,
    { body: bytes.subarray(0, 100), contentType: 'text/csv' }), 200);
  // The same chunk again (a retry after a lost answer) is refused with the real offset.
  assertError(await owner.request('PUT', `/api/v1/imports/${created.id}/data?offset=0`,
    { body: bytes.subarray(0, 100), contentType: 'text/csv' }), 409, 'conflict',
  (d) => assert.equal(d.bytes_received, '100'));
  assertError(await owner.request('PUT', `/api/v1/imports/${created.id}/data?offset=abc`,
    { body: 'x', contentType: 'text/csv' }), 400, 'validation_failed', { offset: true });
  const done = assertStatus(await owner.request('PUT', `/api/v1/imports/${created.id}/data?offset=100`,
    { body: bytes.subarray(100), contentType: 'text/csv' }), 200).json;
  assert.equal(done.state, 'mapping');
  assert.equal(done.preview.delimiter, ';');
  assert.equal(done.preview.has_header, true);
  assert.deepEqual(done.preview.headers, ['Phone', 'Full name', 'Age', 'Labels']);
  assert.equal(done.preview.rows.length, 10);
  assert.deepEqual(done.preview.suggested_mapping.map((m) => m.target), ['phone', 'name', 'ignore', 'tags']);
  assertError(await owner.post('/api/v1/imports', { filename: '', size_bytes: 0 }), 400, 'validation_failed',
    { filename: true, size_bytes: true });
});

test('starting refuses a mapping without a phone or with unknown columns, and changes nothing', async () => {
  const imp = await upload(peopleCsv(20));
  for (const [mapping, key] of [
    [[{ column: 1, target: 'name' }], 'mapping'],
    [[{ column: 0, target: 'phone' }, { column: 7, target: 'name' }], 'mapping.7'],
    [[{ column: 0, target: 'phone' }, { column: 2, target: 'field:nope' }], 'mapping.2'],
    [[{ column: 0, target: 'phone' }, { column: 2, target: 'new_field', field: { label: 'x' } }], 'mapping.2'],
  ]) {
    assertError(await owner.post(`/api/v1/imports/${imp.id}/start`, { mapping, dedupe: 'update' }), 400,
      'validation_failed', (d) => assert.ok(key in d, JSON.stringify(d)));
  }
  assert.equal((await owner.get(`/api/v1/imports/${imp.id}`)).json.state, 'mapping');
  assertStatus(await owner.post(`/api/v1/imports/${imp.id}/cancel`, {}), 200);
  assertError(await owner.post(`/api/v1/imports/${imp.id}/start`, { mapping: [{ column: 0, target: 'phone' }] }), 409, 'conflict');
});

test('100,000 rows import with a new field, exact counts and an error report by line', async () => {
  const n = 100_000;
  const imp = await upload(peopleCsv(n));
  const label = `Age ${unique('a')}`;
  const tag = unique('big').toLowerCase();
  const started = assertStatus(await owner.post(`/api/v1/imports/${imp.id}/start`, {
    mapping: [
      { column: 0, target: 'phone' }, { column: 1, target: 'name' }, { column: 3, target: 'tags' },
      { column: 2, target: 'new_field', field: { label, type: 'number' } },
    ],
    dedupe: 'update', tags: [tag], consent: 'opted_in',
  }), 202).json;
  assert.equal(started.state, 'queued');
  const done = await finished(imp.id);
  assert.equal(done.state, 'completed', JSON.stringify(done));
  let badPhone = 0;
  let badAge = 0;
  for (let i = 0; i < n; i += 1) {
    if (i % 97 === 5) badPhone += 1;
    else if (i % 89 === 7) badAge += 1;
  }
  assert.equal(done.progress.rows, n);
  assert.equal(done.progress.failed, badPhone + badAge);
  assert.equal(done.progress.created, n - badPhone - badAge);
  assert.ok(done.progress.rows_per_second > 0);
  const total = (await owner.get(`/api/v1/contacts?tag=${tag}&count=true&limit=1`)).json.total;
  assert.equal(total, n - badPhone - badAge);
  const report = await owner.get(`/api/v1/imports/${imp.id}/errors.csv`);
  assertStatus(report, 200);
  assert.match(report.headers.get('content-type'), /^text\/csv/);
  const lines = report.text.trim().split('\n');
  assert.equal(lines[0], 'line,reason,row');
  assert.equal(lines.length - 1, badPhone + badAge);
  // Row i is on line i + 2 (the header is line 1).
  assert.match(lines[1], /^7,"phone: /);
  assert.ok(lines.some((l) => l.startsWith('9,') && l.includes(': must be a number')), lines.slice(0, 5).join('\n'));
  const fieldKey = (await owner.get('/api/v1/contact-fields')).json.data.find((f) => f.label === label).key;
  const sample = (await owner.get(`/api/v1/contacts?tag=${tag}&phone=%2B6281310000012`)).json.data[0];
  assert.equal(sample.name, 'Person 12');
  assert.equal(sample.fields[fieldKey], 12);
  assert.deepEqual(sample.tags, [tag, 'all', 't0'].sort());
  assert.equal(sample.consent.state, 'opted_in');
});

test('an export of a filtered list downloads as CSV with every column', async () => {
  const tag = unique('exp').toLowerCase();
  for (let i = 0; i < 12; i += 1) {
    assertStatus(await owner.post('/api/v1/contacts', { phone: `+62814${String(20000000 + i)}`, name: `Exp ${i}`, tags: [tag] }), 201);
  }
  const e = assertStatus(await owner.post('/api/v1/exports', { filter: { tag } }), 202).json;
  assert.equal(e.total, 12);
  const done = await waitFor(async () => {
    const x = (await owner.get(`/api/v1/exports/${e.id}`)).json;
    return x.state === 'completed' ? x : null;
  }, { what: 'the export' });
  assert.equal(done.rows, 12);
  const file = assertStatus(await owner.get(`/api/v1/exports/${e.id}/download`), 200);
  assert.match(file.headers.get('content-disposition'), /attachment; filename="contacts-\d+\.csv"/);
  const lines = file.text.trim().split('\n');
  assert.match(lines[0], /^phone,name,language,country,timezone,consent,consent_source,tags,created_at/);
  assert.equal(lines.length, 13);
  assert.ok(lines[1].startsWith('+6281420000000,Exp 0,'));
  // In the order asked for: names descending.
  const sorted = assertStatus(await owner.post('/api/v1/exports', { filter: { tag }, sort: '-name' }), 202).json;
  await waitFor(async () => (await owner.get(`/api/v1/exports/${sorted.id}`)).json.state === 'completed',
    { what: 'the sorted export' });
  const names = (await owner.get(`/api/v1/exports/${sorted.id}/download`)).text.trim().split('\n').slice(1)
    .map((l) => l.split(',')[1]);
  assert.deepEqual(names, [9, 8, 7, 6, 5, 4, 3, 2, 11, 10, 1, 0].map((i) => `Exp ${i}`));
  assertError(await owner.post('/api/v1/exports', { filter: { nonsense: true } }), 400, 'validation_failed');
  assertError(await owner.post('/api/v1/exports', { sort: 'shoe_size' }), 400, 'validation_failed', { sort: true });
});
