#!/usr/bin/env node
// BullMQ's counterpart of `kirim-bench queue`: the same phases, flags and JSON line.
//   node bullmq-bench.mjs --jobs N --concurrency C --database redis://127.0.0.1:PORT
//                         [--work-ms W] [--batch B] [--latency-jobs M] [--latency-rate R]
//                         [--server-pid PID] [--timeout-s S]
// 1. N jobs into the queue with no worker running: addBulk in batches of B, or add one by one
//    (awaited each) when B is 1, as kirim-bench uses enqueue_many or enqueue.
// 2. A Worker with concurrency C runs them; done when the worker has reported N completions (a
//    completion is reported after Redis acknowledged moving the job to completed).
// 3. Pickup latency: M jobs added one at a time at R per second into the idle, running queue,
//    each stamped with the moment its add call began; the processor records the difference.
// CPU: this process (process.cpuUsage) and, with --server-pid, redis-server's, over phases 1-2.
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const QUEUE = 'bench';
const KIND = 'bench.job';

const { values: a } = parseArgs({
  options: {
    jobs: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    database: { type: 'string' },
    'work-ms': { type: 'string', default: '0' },
    batch: { type: 'string', default: '1000' },
    'latency-jobs': { type: 'string', default: '1000' },
    'latency-rate': { type: 'string', default: '200' },
    'server-pid': { type: 'string', default: '' },
    'timeout-s': { type: 'string', default: '3600' },
  },
});
const jobs = Number(a.jobs);
const concurrency = Number(a.concurrency);
const workMs = Number(a['work-ms']);
const batch = Math.max(1, Number(a.batch));
const latencyJobs = Number(a['latency-jobs']);
const latencyRate = Number(a['latency-rate']);
const serverPids = a['server-pid'] ? a['server-pid'].split(',').map(Number) : [];
const deadline = performance.now() + Number(a['timeout-s']) * 1000;
if (!(jobs > 0) || !(concurrency >= 1) || !a.database) {
  console.error('usage: bullmq-bench.mjs --jobs N --concurrency C --database redis://HOST:PORT ...');
  process.exit(2);
}

function ownCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// CPU seconds of the server processes and their descendants (children already reaped count
// through the roots), from /proc, as kirim-bench reads them.
const CLK_TCK = 100;
function serverCpuSeconds(roots) {
  if (roots.length === 0) return 0;
  const all = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let line;
    try {
      line = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = line.slice(line.lastIndexOf(')') + 2).split(' ');
    // After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
    const field = (n) => Number(f[n - 3]);
    all.set(Number(name), { ppid: field(4), ticks: field(14) + field(15), child: field(16) + field(17) });
  }
  let ticks = 0;
  for (const [pid, s] of all) {
    for (let up = pid; up > 1; ) {
      if (roots.includes(up)) {
        ticks += s.ticks + (up === pid ? s.child : 0);
        break;
      }
      const p = all.get(up);
      if (!p) break;
      up = p.ppid;
    }
  }
  return ticks / CLK_TCK;
}

function serverMaxRssMb(roots) {
  let kb = 0;
  for (const pid of roots) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // the process is gone
    }
  }
  return kb / 1024;
}

const round3 = (v) => Math.round(v * 1000) / 1000;
function percentiles(values) {
  const v = [...values].sort((x, y) => x - y);
  const at = (p) => (v.length ? v[Math.min(v.length, Math.max(1, Math.ceil(p * v.length))) - 1] : 0);
  return {
    p50: round3(at(0.5)),
    p90: round3(at(0.9)),
    p99: round3(at(0.99)),
    max: round3(v.length ? v[v.length - 1] : 0),
    n: v.length,
  };
}

const redisOptions = { maxRetriesPerRequest: null, enableOfflineQueue: true };
const admin = new Redis(a.database, redisOptions);
if ((await admin.dbsize()) !== 0) {
  console.error('bullmq-bench: the Redis database is not empty: use a fresh one');
  process.exit(1);
}
const [, appendonly] = await admin.config('GET', 'appendonly');
const [, appendfsync] = await admin.config('GET', 'appendfsync');
const durability = appendonly === 'yes' ? `appendonly=yes, appendfsync=${appendfsync}` : 'appendonly=no';

const queue = new Queue(QUEUE, { connection: new Redis(a.database, redisOptions) });
await queue.waitUntilReady();

const pickups = [];
let completed = 0;
let waiting = null; // { target, resolve }
const worker = new Worker(
  QUEUE,
  async (job) => {
    if (job.data.t !== undefined) pickups.push(performance.now() - job.data.t);
    if (workMs > 0) await sleep(workMs);
  },
  { connection: new Redis(a.database, redisOptions), concurrency, autorun: false },
);
worker.on('completed', () => {
  completed += 1;
  if (waiting && completed >= waiting.target) waiting.resolve();
});
worker.on('failed', (job, err) => console.error('bullmq-bench: a job failed:', err?.message));
worker.on('error', (err) => console.error('bullmq-bench: worker error:', err?.message));
await worker.waitUntilReady();

async function completions(target) {
  if (completed >= target) return;
  let timer;
  await Promise.race([
    new Promise((resolve) => (waiting = { target, resolve })),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('the jobs did not finish within the timeout')),
        Math.max(0, deadline - performance.now()));
    }),
  ]);
  clearTimeout(timer);
  waiting = null;
}

// 1. Enqueue with no worker running.
const cpu0 = ownCpuSeconds();
const server0 = serverCpuSeconds(serverPids);
const t0 = performance.now();
for (let i = 0; i < jobs; ) {
  if (batch <= 1) {
    await queue.add(KIND, {});
    i += 1;
    continue;
  }
  const n = Math.min(batch, jobs - i);
  await queue.addBulk(Array.from({ length: n }, () => ({ name: KIND, data: {} })));
  i += n;
}
const t1 = performance.now();

// 2. Run them.
const running = worker.run();
await completions(jobs);
const t2 = performance.now();
const cpu2 = ownCpuSeconds();
const server2 = serverCpuSeconds(serverPids);

// 3. Pickup latency at a steady rate.
const enqueueCalls = [];
const pacedFrom = performance.now();
for (let i = 0; i < latencyJobs; i++) {
  const due = pacedFrom + (i * 1000) / latencyRate;
  const now = performance.now();
  if (due > now) await sleep(due - now);
  const stamp = performance.now();
  await queue.add(KIND, { t: stamp });
  enqueueCalls.push(performance.now() - stamp);
}
await completions(jobs + latencyJobs);
await worker.close();
await running;
const succeeded = await queue.getCompletedCount();
const serverRss = serverMaxRssMb(serverPids);
await queue.close();
await admin.quit();

const enqueueS = (t1 - t0) / 1000;
const completeS = (t2 - t1) / 1000;
const cpuS = cpu2 - cpu0;
const serverCpuS = server2 - server0;
const out = {
  system: 'bullmq',
  database: 'redis',
  durability,
  jobs,
  concurrency,
  work_ms: workMs,
  enqueue: batch <= 1 ? 'one by one (Queue.add)' : 'batches (Queue.addBulk)',
  batch,
  enqueue_s: round3(enqueueS),
  complete_s: round3(completeS),
  enqueue_per_s: Math.round(jobs / enqueueS),
  complete_per_s: Math.round(jobs / completeS),
  pickup_ms: percentiles(pickups),
  enqueue_call_ms: percentiles(enqueueCalls),
  latency_rate: latencyRate,
  cpu_s: round3(cpuS),
  server_cpu_s: round3(serverCpuS),
  cpu_s_per_million: round3(((cpuS + serverCpuS) / jobs) * 1e6),
  max_rss_mb: round3(process.resourceUsage().maxRSS / 1024),
  server_max_rss_mb: round3(serverRss),
  bullmq: JSON.parse(readFileSync(new URL('./node_modules/bullmq/package.json', import.meta.url))).version,
  succeeded,
  ok: succeeded === jobs + latencyJobs,
};
console.log(JSON.stringify(out));
process.exit(out.ok ? 0 : 1);
