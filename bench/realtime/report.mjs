// Prints the Markdown tables of bench/realtime/run.sh from its JSON lines
// ({"case", "server", "result"}, one per server and case).
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const cases = [...new Set(lines.map((l) => l.case))];
const num = (v, d = 0) => (v === undefined || v === null || Number.isNaN(v) ? '-' :
  Number(v).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ratio = (a, b) => (a === undefined || b === undefined || !b ? '-' : (a / b).toFixed(2));

for (const c of cases) {
  const k = lines.find((l) => l.case === c && l.server === 'kirim')?.result ?? {};
  const s = lines.find((l) => l.case === c && l.server === 'soketi')?.result ?? {};
  const sc = k.scenario ?? s.scenario;
  const errors = (r) => (r.connect_errors ?? 0) + (r.publish_errors ?? 0) + (r.protocol_errors ?? 0) +
    (r.disconnects ?? 0) + (r.missing_deliveries ?? 0);
  const rows = [];
  const row = (name, key, d = 0, f = (r) => r[key]) => rows.push([name, num(f(k), d), num(f(s), d), ratio(f(k), f(s))]);
  if (sc === 'churn') {
    row('connect+subscribe+close cycles', 'connects');
    row('cycles/s', 'connect_rate');
    row('cycle p50 ms', 'cycle_p50_ms', 2);
    row('cycle p99 ms', 'cycle_p99_ms', 2);
    row('cycle max ms', 'cycle_max_ms', 2);
    row('server CPU-s per 1,000 cycles', 'server_cpu_s_per_1k_connects', 3);
    row('server RSS before, MB', 'server_rss_kb_before', 1, (r) => r.server_rss_kb_before / 1024);
    row('server RSS 2 s after, MB', 'server_rss_kb_after', 1, (r) => r.server_rss_kb_after / 1024);
    row('errors', '', 0, errors);
    row('load generator CPU (share of a core)', 'loadgen_cpu_util', 2);
  } else {
    row('connections subscribed', 'connections_ok');
    row('connects/s (connect+subscribe)', 'connect_rate');
    if (sc !== 'idle') {
      row('deliveries', 'deliveries');
      row('deliveries/s', 'deliveries_per_s');
      row('latency p50 ms', 'p50_ms', 2);
      row('latency p95 ms', 'p95_ms', 2);
      row('latency p99 ms', 'p99_ms', 2);
      row('latency max ms', 'max_ms', 2);
      row('HTTP API p99 ms', 'publish_p99_ms', 2);
      row('server CPU-s while publishing', 'server_cpu_s_run', 2);
      row('server CPU-s per million deliveries', 'server_cpu_s_per_million', 3);
      row('deliveries per server CPU-s', 'deliveries_per_server_cpu_s');
    } else {
      row('server CPU-s while idle', 'server_cpu_s_run', 2);
    }
    row('server RSS before, MB', 'server_rss_kb_before', 1, (r) => r.server_rss_kb_before / 1024);
    row('server RSS subscribed, MB', 'server_rss_kb_subscribed', 1, (r) => r.server_rss_kb_subscribed / 1024);
    row('server RSS per connection, KB', 'server_rss_kb_per_conn', 2);
    row('errors (connect, publish, protocol, disconnects, missing)', '', 0, errors);
    row('load generator CPU (share of a core)', 'loadgen_cpu_util', 2);
  }
  console.log(`### ${c}\n`);
  console.log('| metric | Kirim | soketi | Kirim / soketi |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log();
}
