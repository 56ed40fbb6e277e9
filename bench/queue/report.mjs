// Turns bench/queue/run.sh's JSON lines into a Markdown table: per job length and concurrency,
// Kirim and BullMQ side by side, with Kirim's completed jobs/s over BullMQ's (AOF always, the
// durability-equivalent setup, and AOF everysec).
//   node report.mjs results.jsonl [more-runs.jsonl ...]
// With several files (repeated runs), each figure is the median over the runs that have the case,
// completed/s shows [min-max], and a ratio is the median of the per-run ratios (Kirim and BullMQ
// of the same run, so that a slower moment of the machine counts on both sides).
import { readFileSync } from 'node:fs';

const runs = process.argv.slice(2).map((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l)),
);
const order = ['kirim-sqlite', 'kirim-postgres', 'bullmq-always', 'bullmq-everysec'];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const median = (v) => {
  const s = v.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// key: "work/concurrency/case" -> one result per run (or undefined)
const keyOf = (r) => `${r.work_ms}/${r.concurrency}/${r.case}`;
const byKey = new Map();
runs.forEach((rows, i) => {
  for (const r of rows) {
    if (!byKey.has(keyOf(r))) byKey.set(keyOf(r), Array(runs.length).fill(undefined));
    byKey.get(keyOf(r))[i] = r;
  }
});
const peerRatio = (results, work, c, peer) =>
  median(
    results.map((r, i) => {
      const p = byKey.get(`${work}/${c}/${peer}`)?.[i];
      return r && p ? r.complete_per_s / p.complete_per_s : undefined;
    }),
  );

const several = runs.length > 1;
console.log(
  `| jobs | concurrency | system | enqueued/s | completed/s${several ? ' [min-max]' : ''} ` +
    '| ÷ BullMQ always | ÷ BullMQ everysec | pickup p50 / p99 ms | CPU s per M jobs (client + server) ' +
    '| RSS MB | load |',
);
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
const keys = [...byKey.keys()].sort((a, b) => {
  const [wa, ca, sa] = a.split('/');
  const [wb, cb, sb] = b.split('/');
  return Number(wa) - Number(wb) || Number(ca) - Number(cb) || order.indexOf(sa) - order.indexOf(sb);
});
for (const key of keys) {
  const results = byKey.get(key);
  const got = results.filter(Boolean);
  const r = got[0];
  const m = (f) => median(got.map(f));
  const kirim = r.system === 'kirim';
  const what = r.work_ms > 0 ? `${r.work_ms} ms` : 'no-op';
  const done = got.map((x) => x.complete_per_s);
  const range = several ? ` [${fmt(Math.min(...done))}-${fmt(Math.max(...done))}]` : '';
  const ratio = (peer) => {
    const x = peerRatio(results, r.work_ms, r.concurrency, peer);
    return kirim && x !== undefined ? x.toFixed(2) : '';
  };
  const cpu = m((x) => x.cpu_s_per_million);
  const cpuClient = m((x) => (x.cpu_s / x.jobs) * 1e6);
  const cpuServer = m((x) => (x.server_cpu_s / x.jobs) * 1e6);
  const rss = r.server_max_rss_mb
    ? `${fmt(m((x) => x.max_rss_mb))} + ${fmt(m((x) => x.server_max_rss_mb))}`
    : fmt(m((x) => x.max_rss_mb));
  const loads = got.map((x) => x.load1.toFixed(1)).join(', ');
  const bad = got.some((x) => !x.ok) ? ' **not ok**' : '';
  console.log(
    `| ${what} | ${r.concurrency} | ${r.label}${bad} | ${fmt(m((x) => x.enqueue_per_s))} ` +
      `| ${fmt(median(done))}${range} | ${ratio('bullmq-always')} | ${ratio('bullmq-everysec')} ` +
      `| ${ms(m((x) => x.pickup_ms.p50))} / ${ms(m((x) => x.pickup_ms.p99))} ` +
      `| ${cpu.toFixed(0)} (${cpuClient.toFixed(0)} + ${cpuServer.toFixed(0)}) | ${rss} | ${loads} |`,
  );
}
