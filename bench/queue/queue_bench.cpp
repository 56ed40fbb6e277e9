#include "queue/queue_bench.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "db/database.h"
#include "db/migrations.h"
#include "queue/queue.h"

namespace kirim::bench {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr const char* kQueueName = "bench";
constexpr const char* kKind = "bench.job";
constexpr std::chrono::milliseconds kCompletionPoll{1};  // how often the outcomes are looked for
constexpr std::chrono::milliseconds kStopDrain{10'000};

struct Settings {
  std::int64_t jobs = 0;
  int concurrency = 1;
  std::string database;
  int work_ms = 0;
  int batch = 1000;
  std::int64_t latency_jobs = 1000;
  double latency_rate = 200;  // jobs per second while pickup latency is measured
  int pool = 4;               // database connections (the server's default on 2 cores)
  std::vector<int> server_pids;
  int timeout_s = 3600;
  std::string schema_experiment;  // a statement run after the migrations (what-if runs only)
};

std::int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch())
      .count();
}

double seconds_between(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// This process's CPU time (user + system), all threads.
double own_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

double own_max_rss_mb() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

// One process as /proc/PID/stat tells it: its parent and its CPU ticks (own, and of the children
// it has reaped).
struct ProcStat {
  int ppid = 0;
  std::uint64_t ticks = 0, child_ticks = 0;
};

std::optional<ProcStat> read_stat(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; fields >> x;)
    f.push_back(x);
  // After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
  if (f.size() < 15) return std::nullopt;
  auto num = [&](std::size_t field) {
    std::uint64_t v = 0;
    const auto& x = f[field - 3];
    std::from_chars(x.data(), x.data() + x.size(), v);
    return v;
  };
  ProcStat s;
  s.ppid = static_cast<int>(num(4));
  s.ticks = num(14) + num(15);
  s.child_ticks = num(16) + num(17);
  return s;
}

// CPU seconds of the given server processes and all their descendants (a PostgreSQL postmaster
// and its backends, or redis-server), counting children that already exited through the roots.
double server_cpu_seconds(const std::vector<int>& roots) {
  if (roots.empty()) return 0;
  std::map<int, ProcStat> all;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    int pid = 0;
    auto [p, err] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (err != std::errc() || p != name.data() + name.size()) continue;
    if (auto s = read_stat(pid)) all.emplace(pid, *s);
  }
  std::uint64_t ticks = 0;
  for (const auto& [pid, s] : all) {
    for (int up = pid; up > 1;) {
      if (std::find(roots.begin(), roots.end(), up) != roots.end()) {
        ticks += s.ticks + (up == pid ? s.child_ticks : 0);
        break;
      }
      auto it = all.find(up);
      if (it == all.end()) break;
      up = it->second.ppid;
    }
  }
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

boost::json::object percentiles_json(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {{"p50", round3(percentile(v, 0.50))},
          {"p90", round3(percentile(v, 0.90))},
          {"p99", round3(percentile(v, 0.99))},
          {"max", round3(v.empty() ? 0 : v.back())},
          {"n", v.size()}};
}

// What the handlers saw: how many jobs ended and, for stamped jobs, their pickup latency.
// Shared by the worker threads and the main thread; the counters are atomic, the latencies under
// mu_.
class Probe {
 public:
  void job_started(const queue::Job& job) {
    const auto now = mono_ns();
    if (job.payload.size() <= 2) return;  // "{}": a throughput job, not stamped
    boost::system::error_code ec;
    auto v = boost::json::parse(job.payload, ec);
    if (ec || !v.is_object()) return;
    const auto* t = v.as_object().if_contains("t");
    if (!t || !t->is_int64()) return;
    std::lock_guard lock(mu_);
    pickups_ms_.push_back(static_cast<double>(now - t->as_int64()) / 1e6);
  }
  void job_ended() {
    // The lock is taken only by the job that reaches the target, so that counting stays off the
    // workers' path.
    if (ended_.fetch_add(1) + 1 < target_.load()) return;
    std::lock_guard lock(mu_);
    cv_.notify_all();
  }
  // Blocks until `target` jobs ended; false at the deadline.
  bool wait_for(std::int64_t target, Steady::time_point deadline) {
    std::unique_lock lock(mu_);
    target_.store(target);
    return cv_.wait_until(lock, deadline, [&] { return ended_.load() >= target; });
  }
  std::vector<double> pickups_ms() const {
    std::lock_guard lock(mu_);
    return pickups_ms_;
  }

 private:
  std::atomic<std::int64_t> ended_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<std::int64_t> target_{std::numeric_limits<std::int64_t>::max()};
  std::vector<double> pickups_ms_;  // guarded by mu_
};

Result<std::int64_t> unfinished(db::Database& db) {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db.query("SELECT COUNT(*) AS n FROM jobs WHERE state IN "
                                             "('pending', 'running')"));
  return rows.integer(0, "n");
}

// Waits until every job's outcome is committed (the handlers can finish before their outcomes,
// which the queue writes asynchronously, reach the database).
Result<void> wait_committed(db::Database& db, Steady::time_point deadline) {
  while (true) {
    KIRIM_ASSIGN_OR_RETURN(auto n, unfinished(db));
    if (n == 0) return {};
    if (Steady::now() > deadline) {
      return make_error(Errc::unavailable, std::to_string(n) + " jobs still unfinished");
    }
    std::this_thread::sleep_for(kCompletionPoll);
  }
}

// The durability the database runs with, as it reports it.
std::string durability(db::Database& db) {
  if (db.dialect() == db::Dialect::postgres) {
    auto r = db.query(
        "SELECT current_setting('fsync') AS f, current_setting('synchronous_commit') AS s");
    if (!r.ok() || r->empty()) return "unknown";
    return "fsync=" + r->text(0, "f") + ", synchronous_commit=" + r->text(0, "s");
  }
  // synchronous is per connection: ask the writer's, the one that commits.
  std::string out = "unknown";
  (void)db.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(auto sync, c.query("PRAGMA synchronous"));
    KIRIM_ASSIGN_OR_RETURN(auto mode, c.query("PRAGMA journal_mode"));
    static const char* names[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
    const auto* level = sync.empty() ? nullptr : std::get_if<std::int64_t>(&sync.row(0).at(0));
    const auto* journal = mode.empty() ? nullptr : std::get_if<std::string>(&mode.row(0).at(0));
    out = std::string("synchronous=") +
          (level && *level >= 0 && *level <= 3 ? names[*level] : "?") +
          ", journal_mode=" + (journal ? *journal : "?");
    return {};
  });
  return out;
}

Result<boost::json::object> run(const Settings& s) {
  KIRIM_ASSIGN_OR_RETURN(auto db, db::open(s.database, db::Options{s.pool}));
  KIRIM_TRY(db::migrate(*db));
  if (!s.schema_experiment.empty()) {
    KIRIM_TRY(db->write([&](db::Connection& c) { return c.exec_script(s.schema_experiment); }));
  }
  {
    KIRIM_ASSIGN_OR_RETURN(auto rows, db->query("SELECT COUNT(*) AS n FROM jobs"));
    if (rows.integer(0, "n") != 0) {
      return make_error(Errc::invalid_argument, "the database already holds jobs: use a fresh one");
    }
  }
  const auto deadline = Steady::now() + std::chrono::seconds(s.timeout_s);
  SystemClock clock;
  Probe probe;
  queue::Queue jobs(*db, clock, queue::Queue::Options{"kirim-bench/" + std::to_string(::getpid())});
  jobs.configure_queue(kQueueName, {s.concurrency, s.concurrency});
  queue::KindOptions kind;
  kind.queue = kQueueName;
  const auto work = std::chrono::milliseconds(s.work_ms);
  jobs.register_kind(kKind, kind, [&probe, work](queue::JobContext& ctx) {
    probe.job_started(ctx.job());
    if (work.count() > 0) std::this_thread::sleep_for(work);
    probe.job_ended();
    return queue::Outcome::ok();
  });

  // 1. N jobs into the stopped queue: one unit of work per batch (enqueue_many), or per job.
  const auto cpu0 = own_cpu_seconds();
  const auto server0 = server_cpu_seconds(s.server_pids);
  const auto t0 = Steady::now();
  std::vector<queue::JobSpec> batch;
  queue::JobSpec spec;
  spec.kind = kKind;
  for (std::int64_t i = 0; i < s.jobs;) {
    if (s.batch <= 1) {
      KIRIM_TRY(jobs.enqueue(spec));
      ++i;
      continue;
    }
    batch.assign(static_cast<std::size_t>(std::min<std::int64_t>(s.batch, s.jobs - i)), spec);
    KIRIM_TRY(jobs.enqueue_many(batch));
    i += static_cast<std::int64_t>(batch.size());
  }
  const auto t1 = Steady::now();

  // 2. Start C workers and wait until every job's outcome is committed.
  const auto stats1 = db->stats();
  jobs.start();
  if (!probe.wait_for(s.jobs, deadline)) {
    return make_error(Errc::unavailable, "the jobs did not finish within the timeout");
  }
  KIRIM_TRY(wait_committed(*db, deadline));
  const auto t2 = Steady::now();
  const auto cpu2 = own_cpu_seconds();
  const auto server2 = server_cpu_seconds(s.server_pids);
  const auto stats2 = db->stats();

  // 3. Pickup latency: the queue is running and idle; jobs arrive one at a time at a steady rate,
  //    each stamped with the moment its enqueue call began.
  std::vector<double> enqueue_calls_ms;
  enqueue_calls_ms.reserve(static_cast<std::size_t>(s.latency_jobs));
  const auto interval = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / s.latency_rate));
  const auto paced_from = Steady::now();
  for (std::int64_t i = 0; i < s.latency_jobs; ++i) {
    std::this_thread::sleep_until(paced_from + i * interval);
    queue::JobSpec stamped;
    stamped.kind = kKind;
    const auto stamp = mono_ns();
    stamped.payload = boost::json::serialize(boost::json::object{{"t", stamp}});
    KIRIM_TRY(jobs.enqueue(stamped));
    enqueue_calls_ms.push_back(static_cast<double>(mono_ns() - stamp) / 1e6);
  }
  if (!probe.wait_for(s.jobs + s.latency_jobs, deadline)) {
    return make_error(Errc::unavailable, "the stamped jobs did not finish within the timeout");
  }
  jobs.stop(kStopDrain);
  KIRIM_ASSIGN_OR_RETURN(auto done, db->query("SELECT COUNT(*) AS n FROM jobs WHERE state = "
                                              "'succeeded'"));

  const double enqueue_s = seconds_between(t0, t1);
  const double complete_s = seconds_between(t1, t2);
  const double cpu_s = cpu2 - cpu0;
  const double server_cpu_s = server2 - server0;
  const auto n = static_cast<double>(s.jobs);
  boost::json::object out;
  out["system"] = "kirim";
  out["database"] = db::dialect_name(db->dialect());
  out["durability"] = durability(*db);
  out["jobs"] = s.jobs;
  out["concurrency"] = s.concurrency;
  out["work_ms"] = s.work_ms;
  out["enqueue"] = s.batch <= 1 ? "one by one (Queue::enqueue)" : "batches (Queue::enqueue_many)";
  out["batch"] = std::max(1, s.batch);
  out["enqueue_s"] = round3(enqueue_s);
  out["complete_s"] = round3(complete_s);
  out["enqueue_per_s"] = static_cast<std::int64_t>(std::round(n / enqueue_s));
  out["complete_per_s"] = static_cast<std::int64_t>(std::round(n / complete_s));
  out["pickup_ms"] = percentiles_json(probe.pickups_ms());
  out["enqueue_call_ms"] = percentiles_json(enqueue_calls_ms);
  out["latency_rate"] = s.latency_rate;
  // Transactions the database committed while the jobs ran (claims, outcomes, upkeep): on SQLite
  // each is one fsync shared by the units grouped into it.
  out["run_commits"] = stats2.commits - stats1.commits;
  out["run_units"] = stats2.units_committed - stats1.units_committed;
  out["cpu_s"] = round3(cpu_s);
  out["server_cpu_s"] = round3(server_cpu_s);
  out["cpu_s_per_million"] = round3((cpu_s + server_cpu_s) / n * 1e6);
  out["max_rss_mb"] = round3(own_max_rss_mb());
  if (!s.schema_experiment.empty()) out["schema_experiment"] = s.schema_experiment;
  out["succeeded"] = done.integer(0, "n");
  out["ok"] = done.integer(0, "n") == s.jobs + s.latency_jobs;
  return out;
}

}  // namespace

void register_queue_command(CLI::App& app, int& exit_code) {
  auto settings = std::make_shared<Settings>();
  auto* cmd = app.add_subcommand(
      "queue",
      "Enqueue N jobs, complete them with C workers, then measure pickup latency at a steady rate");
  cmd->add_option("--jobs", settings->jobs, "jobs to enqueue and complete")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--concurrency", settings->concurrency, "workers (the queue's min and max)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--database", settings->database, "sqlite:PATH or postgres://...")->required();
  cmd->add_option("--work-ms", settings->work_ms, "each job sleeps this long (0: no-op)")
      ->check(CLI::Range(0, 60'000));
  cmd->add_option("--batch", settings->batch,
                  "jobs per enqueue_many call; 1 enqueues them one by one")
      ->check(CLI::Range(1, 100'000));
  cmd->add_option("--latency-jobs", settings->latency_jobs,
                  "jobs enqueued one at a time afterwards, for pickup latency")
      ->check(CLI::Range(0, 1'000'000));
  cmd->add_option("--latency-rate", settings->latency_rate, "their rate, jobs per second")
      ->check(CLI::Range(1.0, 100'000.0));
  cmd->add_option("--pool", settings->pool, "database connections")->check(CLI::Range(1, 256));
  cmd->add_option("--server-pid", settings->server_pids,
                  "a database server process whose CPU (with its children's) is counted too")
      ->delimiter(',');
  cmd->add_option("--timeout-s", settings->timeout_s, "give up after this long")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--schema-experiment", settings->schema_experiment,
                  "SQL run after the migrations, for what-if runs (echoed in the line)");
  cmd->callback([settings, &exit_code] {
    log::setup(log::Level::warn, log::Format::text);
    auto r = run(*settings);
    if (!r.ok()) {
      std::cerr << "kirim-bench queue: " << r.error().message << "\n";
      exit_code = 1;
      return;
    }
    std::cout << boost::json::serialize(*r) << std::endl;
    exit_code = (*r)["ok"].as_bool() ? 0 : 1;
  });
}

}  // namespace kirim::bench
