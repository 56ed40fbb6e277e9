// Prints the Markdown tables of one bench/ingest run from its JSON lines (run.sh writes them).
//   node report.mjs RESULTS.jsonl
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const hooks = lines.filter((r) => r.kind === 'webhooks');
const imports = lines.filter((r) => r.kind === 'import');

const int = (x) => Math.round(x).toLocaleString('en-US');
const ms = (us) => (us / 1000).toFixed(us < 10_000 ? 2 : 1);
const rate = (r) => r.ok / (r.duration_us / 1e6);
const name = (r) => (r.server === 'kirim'
  ? `Kirim, ${r.variant} I/O thread${r.variant > 1 ? 's' : ''}`
  : `Node peer, ${r.variant > 1 ? `cluster of ${r.variant}` : '1 process'}`);
// Requests still in flight when wrk stops (at most one per connection and pass) may be stored
// without their 200 reaching wrk: more rows than 200s by that much is not a loss.
const verdict = (r) => {
  const acked = r.ok + r.warmup_ok;
  const d = r.rows - acked;
  if (d < 0) return `**${int(-d)} lost**`;
  if (d > 2 * r.connections) return `${int(d)} more rows than 200s`;
  return 'none lost';
};
const errors = (r) => {
  const e = r.socket_errors;
  const parts = Object.entries(e).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : '0';
};

console.log('## Webhooks\n');
const opt = (x, f = (v) => v) => (x === undefined || x === null ? '-' : f(x));
console.log('| server | conns | load1 / busy before | durable commit ms (probe) | acknowledged req/s | p50 ms | p99 ms | max ms | non-200 | socket errors | 200s (warm-up + run) | rows stored | rows - 200s | lost | server CPU (cores) | busiest thread (cores) | wrk CPU | exit |');
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---|');
for (const r of hooks) {
  console.log(`| ${name(r)} | ${r.connections} | ${r.load1} / ${Math.round(r.busy * 100)}% | ${opt(r.commit_probe_ms)} | ${int(rate(r))} | ${ms(r.p50_us)} | ${ms(r.p99_us)} | ${ms(r.max_us)} | ${r.non200} | ${errors(r)} | ${int(r.ok + r.warmup_ok)} | ${int(r.rows)} | ${r.rows - r.ok - r.warmup_ok} | ${verdict(r)} | ${r.server_cpu} | ${opt(r.busiest_thread)} | ${r.wrk_cpu} | ${r.exit} |`);
}

const at64 = (server) => hooks.filter((r) => r.server === server && r.connections === 64);
const bestOf = (rs) => rs.slice().sort((a, b) => rate(b) - rate(a))[0];
const k = bestOf(at64('kirim'));
if (k) {
  console.log('\nKirim / peer at 64 connections (Kirim\'s better I/O-thread setting):\n');
  console.log('| peer | peer req/s | Kirim req/s | Kirim / peer | p99 Kirim / peer |');
  console.log('|---|---:|---:|---:|---:|');
  for (const p of at64('node')) {
    console.log(`| ${name(p)} | ${int(rate(p))} | ${int(rate(k))} | **${(rate(k) / rate(p)).toFixed(1)}** | ${(k.p99_us / p.p99_us).toFixed(2)} |`);
  }
}

const kirimHooks = hooks.filter((r) => r.server === 'kirim');
if (kirimHooks.length) {
  console.log('\n## Kirim\'s webhook processor (statuses applied to messages, after the 200)\n');
  console.log('During the load, the processor shares the writer and the core with the receiver. "Alone" replays the');
  console.log('same stored events from scratch (all made pending again, their messages removed) on a restarted');
  console.log('Kirim with no load: the rate from the first to the last processed_at.\n');
  console.log('| run | stored | outcomes | processed during the load | backlog when the load stopped | drain s | writer commits/s during the load | units per commit | alone: events | alone: events/s | alone: statuses/s |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of kirimHooks) {
    const drainS = r.drain_ms / 1000;
    const alone = r.replay_ms > 0;
    const commits = r.commits > 0 ? int(r.commits / (r.duration_us / 1e6)) : '-';
    const perCommit = r.commits > 0 ? (r.units / r.commits).toFixed(1) : '-';
    console.log(`| ${name(r)}, ${r.connections} conns | ${int(r.rows)} | ${r.outcomes} | ${int(r.processed_during_load)} | ${int(r.backlog)} | ${drainS.toFixed(1)}${r.drained ? '' : ' (not drained)'} | ${commits} | ${perCommit} | ${alone ? int(r.replay_events) : '-'} | ${alone ? int(r.replay_events / (r.replay_ms / 1000)) : '-'} | ${alone ? int(r.replay_statuses / (r.replay_ms / 1000)) : '-'} |`);
  }
}

if (imports.length) {
  console.log('\n## CSV import\n');
  console.log('| importer | rows | load1 / busy before | upload s | start -> completed s | rows/s | created / failed | peak RSS (VmHWM) MB | exit |');
  console.log('|---|---:|---|---:|---:|---:|---|---:|---|');
  let kirimS;
  let sqliteS;
  for (const r of imports) {
    if (r.server === 'kirim') {
      const x = r.result;
      if (!x) { console.log(`| Kirim | ${int(r.rows)} | ${r.load1} / ${Math.round(r.busy * 100)}% | failed | | | | | ${r.exit} |`); continue; }
      kirimS = x.import_s;
      const p = x.progress ?? {};
      console.log(`| Kirim API (${x.state}), ${r.variant} I/O thread${r.variant > 1 ? 's' : ''} | ${int(p.rows ?? 0)} | ${r.load1} / ${Math.round(r.busy * 100)}% | ${x.upload_s.toFixed(1)} | ${x.import_s.toFixed(1)} | ${int((p.rows ?? 0) / x.import_s)} | ${int(p.created ?? 0)} / ${int(p.failed ?? 0)} | ${(x.hwm_kb / 1024).toFixed(0)} | ${r.exit} |`);
    } else {
      sqliteS = r.wall_s;
      console.log(`| sqlite3 CLI \`.import --csv\` | ${int(r.rows)} | ${r.load1} / ${Math.round(r.busy * 100)}% | - | ${r.wall_s} | ${int(r.rows / r.wall_s)} | ${int(r.imported)} / ${r.errors} errors | ${(r.peak_rss_kb / 1024).toFixed(0)} | 0 |`);
    }
  }
  if (kirimS && sqliteS) console.log(`\nKirim / sqlite3 time: **${(kirimS / sqliteS).toFixed(1)}x**`);
}

console.log('\n## Targets\n');
console.log('| target | measured | met |');
console.log('|---|---|---|');
const bestK = bestOf(kirimHooks);
if (bestK) {
  const lost = kirimHooks.filter((r) => r.rows < r.ok + r.warmup_ok);
  const non200 = kirimHooks.reduce((s, r) => s + r.non200, 0);
  console.log(`| >= 20,000 webhooks/s acknowledged, nothing lost | best ${int(rate(bestK))}/s (${name(bestK)}, ${bestK.connections} conns); ${lost.length ? `${lost.length} run(s) lost webhooks` : 'no run lost a webhook'}; ${non200} non-200 | ${rate(bestK) >= 20_000 && !lost.length && !non200 ? 'met' : '**not met**'} |`);
}
const ki = imports.find((r) => r.server === 'kirim' && r.result);
if (ki) {
  const x = ki.result;
  const full = ki.rows >= 1_000_000;
  console.log(`| ${int(ki.rows)}-row import in < 60 s | ${x.import_s.toFixed(1)} s${full ? '' : ' (not the 1,000,000 rows of the target)'} | ${!full ? 'n/a' : x.import_s < 60 && x.state === 'completed' ? 'met' : '**not met**'} |`);
  console.log(`| peak memory < 300 MB during the import | VmHWM ${(x.hwm_kb / 1024).toFixed(0)} MB | ${!full ? 'n/a' : x.hwm_kb < 300 * 1024 ? 'met' : '**not met**'} |`);
}
