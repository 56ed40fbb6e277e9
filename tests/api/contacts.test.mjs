// Contacts over the REST API: create, read, update, delete, filters and pages, bulk actions,
// custom fields, tags, consent, workspace settings, roles, and bad input that changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile, assertError, assertStatus, unique, ISO_UTC } from './harness.mjs';

let owner;
const ctx = serverForFile({ setup: (c) => { owner = c.owner; } });

let seq = 0;
// A fresh Indonesian mobile number per call.
function phone() {
  seq += 1;
  return `+62812${String(70000000 + process.pid % 1000 * 1000 + seq).slice(-8)}`;
}

async function field(label, type, extra = {}) {
  const res = await owner.post('/api/v1/contact-fields', { label, type, ...extra });
  if (res.status === 409) {
    const all = await owner.get('/api/v1/contact-fields');
    return all.json.data.find((f) => f.label === label || f.key === extra.key);
  }
  return assertStatus(res, 201).json;
}

test('a contact is created with tags, fields and consent, and reads back the same', async () => {
  await field('City', 'text');
  await field('Age', 'number');
  const p = phone();
  const res = assertStatus(await owner.post('/api/v1/contacts', {
    phone: p.replace('+62', '+62 ').replace(/(\d{3})(\d{4})(\d{4})$/, '$1-$2-$3'),
    name: '  Ana  ', language: 'id', tags: ['vip', 'jakarta', 'vip'],
    fields: { city: 'Jakarta', age: 31 }, consent: 'opted_in',
  }), 201);
  const c = res.json;
  assert.equal(c.phone, p);
  assert.equal(c.name, 'Ana');
  assert.equal(c.country, 'ID');
  assert.equal(c.timezone, 'Asia/Jakarta');
  assert.deepEqual(c.tags, ['jakarta', 'vip']);
  assert.deepEqual(c.fields, { city: 'Jakarta', age: 31 });
  assert.equal(c.consent.state, 'opted_in');
  assert.equal(c.consent.source, 'api');
  assert.match(c.consent.changed_at, ISO_UTC);
  assert.match(c.created_at, ISO_UTC);
  assert.equal(c.last_inbound_at, null);
  assert.equal(c.window_open_until, null);
  assert.deepEqual(assertStatus(await owner.get(`/api/v1/contacts/${c.id}`), 200).json, c);
  const found = assertStatus(await owner.get(`/api/v1/contacts?phone=${encodeURIComponent(p)}`), 200);
  assert.deepEqual(found.json.data.map((x) => x.id), [c.id]);
  const history = assertStatus(await owner.get(`/api/v1/contacts/${c.id}/consent`), 200).json.data;
  assert.equal(history.length, 1);
  assert.equal(history[0].state, 'opted_in');
});

test('a number that exists is 409 with the existing id; bad input is 400 naming every field', async () => {
  const p = phone();
  const first = assertStatus(await owner.post('/api/v1/contacts', { phone: p }), 201).json;
  assertError(await owner.post('/api/v1/contacts', { phone: p.slice(1) }), 409, 'conflict',
    (d) => assert.equal(d.id, String(first.id)));
  const before = (await owner.get('/api/v1/contacts?count=true&limit=1')).json.total;
  for (const [body, fields] of [
    [{}, ['phone']],
    [{ phone: 'call me' }, ['phone']],
    [{ phone: phone(), country: 'XX', timezone: 'Mars/Base' }, ['country', 'timezone']],
    [{ phone: phone(), tags: ['ok', 'bad<tag>'] }, ['tags']],
    [{ phone: phone(), fields: { nope: 1 } }, ['fields.nope']],
    [{ phone: phone(), fields: { age: 'old' } }, ['fields.age']],
    [{ phone: phone(), consent: 'maybe' }, ['consent']],
    [{ phone: phone(), surprise: true }, ['surprise']],
  ]) {
    const res = await owner.post('/api/v1/contacts', body);
    assertError(res, 400, 'validation_failed', (d) => {
      for (const f of fields) assert.ok(f in d, `${JSON.stringify(body)}: expected ${f} in ${JSON.stringify(d)}`);
    });
  }
  assertError(await owner.post('/api/v1/contacts', '{"phone":', { contentType: 'application/json' }), 400, 'invalid_json');
  assert.equal((await owner.get('/api/v1/contacts?count=true&limit=1')).json.total, before);
});

test('PATCH merges fields (null removes), replaces tags, and records consent changes', async () => {
  await field('Plan', 'choice', { choices: ['gold', 'silver'] });
  const c = assertStatus(await owner.post('/api/v1/contacts', {
    phone: phone(), fields: { plan: 'gold', city: 'Bandung' }, tags: ['a', 'b'],
  }), 201).json;
  const u = assertStatus(await owner.patch(`/api/v1/contacts/${c.id}`, {
    fields: { city: null, plan: 'silver' }, tags: ['c'], consent: 'opted_out', name: 'Budi',
  }), 200).json;
  assert.equal(u.name, 'Budi');
  assert.deepEqual(u.fields, { plan: 'silver' });
  assert.deepEqual(u.tags, ['c']);
  assert.equal(u.consent.state, 'opted_out');
  assertError(await owner.patch(`/api/v1/contacts/${c.id}`, { name: 'Changed', fields: { plan: 'bronze' } }),
    400, 'validation_failed', { 'fields.plan': true });
  assert.equal((await owner.get(`/api/v1/contacts/${c.id}`)).json.name, 'Budi');
  assertStatus(await owner.delete(`/api/v1/contacts/${c.id}`), 204);
  assertError(await owner.get(`/api/v1/contacts/${c.id}`), 404, 'not_found');
  assertError(await owner.delete(`/api/v1/contacts/${c.id}`), 404, 'not_found');
});

test('filters combine, pages follow next_cursor without repeats, and count gives the total', async () => {
  const tag = unique('batch').toLowerCase();
  const made = [];
  for (let i = 0; i < 23; i += 1) {
    const res = await owner.post('/api/v1/contacts', {
      phone: phone(), name: `Filter ${String(i).padStart(2, '0')}`,
      tags: i % 2 ? [tag, 'odd'] : [tag], fields: { age: i },
    });
    made.push(assertStatus(res, 201).json);
  }
  const seen = [];
  let cursor = '';
  let total;
  for (;;) {
    const res = assertStatus(await owner.get(`/api/v1/contacts?tag=${tag}&sort=name&limit=5&count=${cursor ? 'false' : 'true'}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
    if (!cursor) total = res.json.total;
    seen.push(...res.json.data.map((c) => c.name));
    if (!res.json.next_cursor) break;
    cursor = res.json.next_cursor;
  }
  assert.equal(total, 23);
  assert.deepEqual(seen, made.map((c) => c.name));
  const odd = await owner.get(`/api/v1/contacts?tag=${tag}&tag=odd&field.age.gte=10&field.age.lte=15&sort=-name`);
  assert.deepEqual(odd.json.data.map((c) => c.fields.age), [15, 13, 11]);
  const notOdd = await owner.get(`/api/v1/contacts?tag=${tag}&not_tag=odd&q=filter%2002&count=true`);
  assert.equal(notOdd.json.total, 1);
  assertError(await owner.get('/api/v1/contacts?sort=shoe_size'), 400, 'validation_failed', { sort: true });
  assertError(await owner.get('/api/v1/contacts?field.nope=1'), 400, 'validation_failed', { 'field.nope': true });
  assertError(await owner.get('/api/v1/contacts?limit=501'), 400, 'validation_failed', { limit: true });
  assertError(await owner.get('/api/v1/contacts?cursor=xyz'), 400, 'bad_request');
});

test('bulk actions act on ids or a filter and report how many changed', async () => {
  const tag = unique('bulk').toLowerCase();
  const ids = [];
  for (let i = 0; i < 6; i += 1) {
    ids.push(assertStatus(await owner.post('/api/v1/contacts', { phone: phone(), tags: [tag] }), 201).json.id);
  }
  let res = assertStatus(await owner.post('/api/v1/contacts/bulk', { action: 'tag', tags: ['chosen'], ids: ids.slice(0, 2) }), 200);
  assert.equal(res.json.affected, 2);
  res = assertStatus(await owner.post('/api/v1/contacts/bulk', { action: 'opt_out', filter: { tag } }), 200);
  assert.equal(res.json.affected, 6);
  const out = await owner.get(`/api/v1/contacts?tag=${tag}&consent=opted_out&count=true`);
  assert.equal(out.json.total, 6);
  res = assertStatus(await owner.post('/api/v1/contacts/bulk', { action: 'delete', filter: { tag, 'not_tag': 'chosen' } }), 200);
  assert.equal(res.json.affected, 4);
  assert.equal((await owner.get(`/api/v1/contacts?tag=${tag}&count=true`)).json.total, 2);
  assertError(await owner.post('/api/v1/contacts/bulk', { action: 'tag', ids }), 400, 'validation_failed', { tags: true });
  assertError(await owner.post('/api/v1/contacts/bulk', { action: 'delete' }), 400, 'validation_failed', { ids: true });
  assertError(await owner.post('/api/v1/contacts/bulk', { action: 'explode', ids }), 400, 'validation_failed', { action: true });
  assertError(await owner.post('/api/v1/contacts/bulk', { action: 'delete', filter: { bogus: 1 } }), 400, 'validation_failed', { 'filter.bogus': true });
});

test('custom fields and tags: keys from labels, conflicts, renames and deletes', async () => {
  const label = `Loyalty ${unique('tier')}`;
  const f = assertStatus(await owner.post('/api/v1/contact-fields', { label, type: 'choice', choices: ['gold', 'gold', 'silver'] }), 201).json;
  assert.match(f.key, /^loyalty_/);
  assert.deepEqual(f.choices, ['gold', 'silver']);
  assertError(await owner.post('/api/v1/contact-fields', { label: 'x', key: f.key, type: 'text' }), 409, 'conflict');
  assertError(await owner.post('/api/v1/contact-fields', { label: 'Phone', type: 'text' }), 400, 'validation_failed', { key: true });
  assertError(await owner.post('/api/v1/contact-fields', { label: 'Kind', type: 'colour' }), 400, 'validation_failed', { type: true });
  const renamed = assertStatus(await owner.patch(`/api/v1/contact-fields/${f.id}`, { label: 'Loyalty' }), 200).json;
  assert.equal(renamed.key, f.key);
  assertStatus(await owner.delete(`/api/v1/contact-fields/${f.id}`), 204);
  assertError(await owner.delete(`/api/v1/contact-fields/${f.id}`), 404, 'not_found');

  const name = unique('tag').toLowerCase();
  const t = assertStatus(await owner.post('/api/v1/tags', { name }), 201).json;
  assert.deepEqual(t, { id: t.id, name, contacts: 0 });
  assertError(await owner.post('/api/v1/tags', { name }), 409, 'conflict');
  assertError(await owner.post('/api/v1/tags', { name: 'a/b' }), 400, 'validation_failed', { name: true });
  assertStatus(await owner.patch(`/api/v1/tags/${t.id}`, { name: `${name}-2` }), 200);
  const listed = (await owner.get('/api/v1/tags')).json.data.find((x) => x.id === t.id);
  assert.equal(listed.name, `${name}-2`);
  assertStatus(await owner.delete(`/api/v1/tags/${t.id}`), 204);
});

test('the workspace default region reads local numbers; keywords are stored upper-case', async () => {
  assertError(await owner.post('/api/v1/contacts', { phone: '0812-9999-0001' }), 400, 'validation_failed', { phone: true });
  assertError(await owner.patch('/api/v1/workspace', { default_region: 'XX' }), 400, 'validation_failed', { default_region: true });
  const ws = assertStatus(await owner.patch('/api/v1/workspace', {
    default_region: 'id', opt_out_keywords: ['stop', 'Berhenti'], opt_in_keywords: ['start'],
  }), 200).json;
  assert.deepEqual(ws.settings, { default_region: 'ID', opt_out_keywords: ['STOP', 'BERHENTI'], opt_in_keywords: ['START'] });
  const c = assertStatus(await owner.post('/api/v1/contacts', { phone: '0812-9999-0001' }), 201).json;
  assert.equal(c.phone, '+6281299990001');
  assertStatus(await owner.patch('/api/v1/workspace', { default_region: '' }), 200);
});

test('viewers read but do not write; another workspace sees nothing', async () => {
  const v = await ctx.server.createUser(owner, { role: 'viewer' });
  const viewer = await ctx.server.login(v.email, v.password);
  const c = assertStatus(await owner.post('/api/v1/contacts', { phone: phone() }), 201).json;
  assertStatus(await viewer.get(`/api/v1/contacts/${c.id}`), 200);
  assertStatus(await viewer.get('/api/v1/contacts'), 200);
  assertError(await viewer.post('/api/v1/contacts', { phone: phone() }), 403, 'forbidden');
  assertError(await viewer.patch(`/api/v1/contacts/${c.id}`, { name: 'x' }), 403, 'forbidden');
  assertError(await viewer.delete(`/api/v1/contacts/${c.id}`), 403, 'forbidden');
  assertError(await viewer.post('/api/v1/contact-fields', { label: 'x', type: 'text' }), 403, 'forbidden');
  const e = await ctx.server.createUser(owner, { role: 'editor' });
  const editor = await ctx.server.login(e.email, e.password);
  assertError(await editor.post('/api/v1/contact-fields', { label: 'x', type: 'text' }), 403, 'forbidden');
  assertStatus(await editor.post('/api/v1/tags', { name: unique('ed').toLowerCase() }), 201);
  assertError(await ctx.server.anon().get('/api/v1/contacts'), 401, 'unauthenticated');
});
