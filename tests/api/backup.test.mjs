// `kirim backup` while the server runs, and `kirim restore` of that file into a new data directory:
// a server started there has the user and the contact made through the API before the backup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, runKirim, assertStatus, tempDir, removeDir } from './harness.mjs';

test('a backup taken while the server runs restores into a new data directory with its users and contacts', async () => {
  const first = await startServer();
  const keep = tempDir('kirim-backup-files-');
  const restoredDir = tempDir('kirim-restored-');
  let second;
  try {
    const owner = await first.login();
    const user = await first.createUser(owner, { role: 'editor', name: 'Backed Up User' });
    const phone = `+62812${String(60000000 + (process.pid % 100000)).slice(-8)}`;
    const contact = assertStatus(await owner.post('/api/v1/contacts', { phone, name: 'Backed Up Contact' }), 201).json;

    const made = await first.cli(['backup', '--keep', '3']);
    assert.equal(made.code, 0, made.stderr);
    const m = /backup written: (\S+kirim-\d{8}-\d{6}(-\d+)?\.db) \(/.exec(made.stdout);
    assert.ok(m, `no path in: ${made.stdout}`);
    const file = m[1];
    assert.equal(path.dirname(file), path.join(first.dataDir, 'backups'));
    // Standard error is no terminal here: a plain line per 10 %, ending at 100 %.
    assert.match(made.stderr, /backup: 100%/);
    assert.match(made.stdout, /secret\.key/);

    const list = await first.cli(['backup', '--list']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.stdout.includes(file), list.stdout);

    // The running server's database is not restored over, and the server goes on serving.
    const refused = await first.cli(['restore', file, '--yes']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /in use/);
    assertStatus(await owner.get('/api/v1/contacts'), 200);

    copyFileSync(file, path.join(keep, path.basename(file)));
    await first.stop();

    const restored = await runKirim(['restore', path.join(keep, path.basename(file)), '--yes', '--data-dir', restoredDir]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /restored .* \(schema version \d+\)/);
    assert.ok(existsSync(path.join(restoredDir, 'kirim.db')));
    assert.deepEqual(readdirSync(restoredDir), ['kirim.db']);

    second = await startServer({ dataDir: restoredDir });
    const owner2 = await second.login();
    const users = await owner2.all('/api/v1/users');
    const found = users.find((u) => u.email === user.email);
    assert.ok(found, `user ${user.email} missing after the restore`);
    assert.equal(found.role, 'editor');
    assert.equal(found.name, 'Backed Up User');
    await second.login(user.email, user.password);
    const got = assertStatus(await owner2.get(`/api/v1/contacts/${contact.id}`), 200).json;
    assert.equal(got.phone, phone);
    assert.equal(got.name, 'Backed Up Contact');
  } finally {
    await first.stop();
    if (second) await second.stop();
    removeDir(keep);
    removeDir(restoredDir);
  }
});
