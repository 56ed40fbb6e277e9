// kill -9 in the middle of work: the durable queue runs the job again after the restart, and an
// import resumes after its last committed batch, so nothing is lost and nothing is doubled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDir, removeDir, waitFor, assertStatus } from './harness.mjs';

function csv(n) {
  const lines = ['phone,name'];
  for (let i = 0; i < n; i += 1) lines.push(`+62815${String(30000000 + i)},Crash ${i}`);
  return `${lines.join('\n')}\n`;
}

test('an import killed mid-way (kill -9) finishes after the restart with every row exactly once', async () => {
  const dataDir = tempDir();
  const n = 60_000;
  let server = await startServer({ dataDir });
  try {
    const owner = await server.login();
    const bytes = Buffer.from(csv(n));
    const imp = assertStatus(await owner.post('/api/v1/imports', { filename: 'crash.csv', size_bytes: bytes.length }), 201).json;
    for (let off = 0; off < bytes.length; off += imp.max_chunk_bytes) {
      assertStatus(await owner.request('PUT', `/api/v1/imports/${imp.id}/data?offset=${off}`,
        { body: bytes.subarray(off, off + imp.max_chunk_bytes), contentType: 'text/csv' }), 200);
    }
    assertStatus(await owner.post(`/api/v1/imports/${imp.id}/start`, {
      mapping: [{ column: 0, target: 'phone' }, { column: 1, target: 'name' }], dedupe: 'update',
    }), 202);
    // Some batches are in, not all: kill the process without any warning.
    const mid = await waitFor(async () => {
      const i = (await owner.get(`/api/v1/imports/${imp.id}`)).json;
      return i.progress.rows > 0 && i.state === 'running' ? i : null;
    }, { timeoutMs: 60_000, intervalMs: 20, what: 'the import to be part-way' });
    assert.ok(mid.progress.rows < n, 'the import finished before the kill; make it larger');
    server.proc.kill('SIGKILL');
    await server.exited;

    server = await startServer({ dataDir });
    const again = await server.login();
    const done = await waitFor(async () => {
      const i = (await again.get(`/api/v1/imports/${imp.id}`)).json;
      return i.state === 'completed' ? i : null;
    }, { timeoutMs: 120_000, intervalMs: 100, what: 'the import to finish after the restart' });
    assert.equal(done.progress.rows, n);
    assert.equal(done.progress.created, n);
    assert.equal(done.progress.updated, 0, 'no row was applied twice');
    assert.equal(done.progress.failed, 0);
    assert.equal((await again.get('/api/v1/contacts?count=true&limit=1')).json.total, n);
    // The job ran again: its first attempt died with the process.
    const jobs = (await again.get(`/api/v1/jobs?kind=contacts.import`)).json.data;
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].state, 'succeeded');
    assert.ok(jobs[0].attempts >= 2, JSON.stringify(jobs[0]));
  } finally {
    await server.stop();
    removeDir(dataDir);
  }
});
