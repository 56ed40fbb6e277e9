#include "queue/queue.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>

#include "core/check.h"
#include "core/log.h"
#include "queue/cron.h"

namespace kirim::queue {
namespace {

using db::Value;
using Steady = std::chrono::steady_clock;

constexpr const char* kJobColumns =
    "id, workspace_id, queue, kind, payload, tags, unique_key, priority, state, run_at, attempts, "
    "max_attempts, lease_owner, lease_until, last_error, created_at, started_at, finished_at";

std::vector<std::string> split_tags(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (t.empty() || t.find(',') != std::string::npos) continue;
    out += (out.empty() ? "" : ",") + t;
  }
  return out;
}

Job job_from(const db::Rows& r, std::size_t i) {
  Job j;
  j.id = r.integer(i, "id");
  j.workspace_id = r.nullable_integer(i, "workspace_id");
  j.queue = r.text(i, "queue");
  j.kind = r.text(i, "kind");
  j.payload = r.text(i, "payload");
  j.tags = split_tags(r.text(i, "tags"));
  j.unique_key = r.text(i, "unique_key");
  j.priority = static_cast<int>(r.integer(i, "priority"));
  j.state = parse_state(r.text(i, "state")).value_or(State::pending);
  j.run_at = r.integer(i, "run_at");
  j.attempts = static_cast<int>(r.integer(i, "attempts"));
  j.max_attempts = static_cast<int>(r.integer(i, "max_attempts"));
  j.lease_owner = r.text(i, "lease_owner");
  j.lease_until = r.integer(i, "lease_until");
  j.last_error = r.text(i, "last_error");
  j.created_at = r.integer(i, "created_at");
  j.started_at = r.integer(i, "started_at");
  j.finished_at = r.integer(i, "finished_at");
  return j;
}

// Durations of the last minute, for percentiles. Guarded by its owner's lock.
struct Durations {
  std::deque<std::pair<std::int64_t, double>> items;  // (at ms, duration ms)
  void add(std::int64_t at, double d) {
    items.emplace_back(at, d);
    if (items.size() > 20'000) items.pop_front();
  }
  void trim(std::int64_t now) {
    while (!items.empty() && items.front().first < now - 60'000)
      items.pop_front();
  }
  [[nodiscard]] std::array<double, 3> percentiles() const {
    if (items.empty()) return {0, 0, 0};
    std::vector<double> v;
    v.reserve(items.size());
    for (const auto& [at, d] : items)
      v.push_back(d);
    std::sort(v.begin(), v.end());
    auto at = [&](double p) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
    };
    return {at(0.50), at(0.95), at(0.99)};
  }
};

}  // namespace

const char* state_name(State s) {
  static const char* names[] = {"pending", "running", "succeeded", "failed", "cancelled"};
  return names[static_cast<int>(s)];
}

std::optional<State> parse_state(std::string_view s) {
  for (int i = 0; i < 5; ++i) {
    if (s == state_name(static_cast<State>(i))) return static_cast<State>(i);
  }
  return std::nullopt;
}

Outcome Outcome::from(const Error& e) {
  switch (e.code) {
    case Errc::invalid_argument:
    case Errc::not_found:
    case Errc::forbidden:
    case Errc::conflict:
    case Errc::unauthenticated:
      return fail(e.message);
    default:
      return retry(e.message);
  }
}

milliseconds backoff(int attempt, milliseconds base, milliseconds cap, double unit) {
  const int shift = std::clamp(attempt - 1, 0, 30);
  const double raw = static_cast<double>(base.count()) * std::ldexp(1.0, shift);
  const double capped = std::min(raw, static_cast<double>(cap.count()));
  const double jittered = capped * (0.5 + std::clamp(unit, 0.0, 0.999999));
  return milliseconds(
      static_cast<std::int64_t>(std::min(jittered, static_cast<double>(cap.count()))));
}

struct Queue::Impl {
  struct Kind {
    KindOptions options;
    Handler handler;
    std::atomic<std::uint64_t> enqueued{0}, started{0}, succeeded{0}, failed{0}, retried{0};
    mutable std::mutex mu;
    Durations run;  // guarded by mu
  };

  // One named queue on this node: its dispatcher, its workers and its numbers.
  struct Lane {
    std::string name;
    QueueOptions options;
    std::mutex mu;
    std::condition_variable work_cv;        // workers wait for jobs
    std::condition_variable dispatch_cv;    // the dispatcher waits for room or a wake-up
    std::deque<Job> ready;                  // claimed, not started; guarded by mu
    int workers = 0, busy = 0, target = 0;  // guarded by mu: workers == target, the active ones
    Steady::time_point idle_since = Steady::now();  // guarded by mu
    bool wake = true;                               // guarded by mu
    std::atomic<bool> paused{false};
    std::thread dispatcher;
    std::vector<std::thread> threads;  // guarded by mu; joined at stop
    std::atomic<std::uint64_t> enqueued{0}, started{0}, succeeded{0}, failed{0}, retried{0};
    std::atomic<double> avg_run_ms{0};
    Durations wait, run;         // guarded by stats_mu
    std::deque<Sample> samples;  // guarded by stats_mu
    std::uint64_t last_succeeded = 0, last_failed = 0, last_enqueued = 0, last_started = 0,
                  last_retried = 0;  // guarded by stats_mu
    double rate_enqueued = 0, rate_started = 0, rate_succeeded = 0, rate_failed = 0,
           rate_retried = 0;  // guarded by stats_mu
    mutable std::mutex stats_mu;
  };

  class Context final : public JobContext {
   public:
    Context(Impl& impl, const Job& job) : impl_(impl), job_(job) {}
    const Job& job() const override { return job_; }
    bool heartbeat() override {
      auto r = impl_.db.write_exec(
          "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = "
          "'running'",
          {impl_.clock.now_ms() + impl_.lease_of(job_.kind).count(), job_.id, impl_.options.node});
      return r.ok() && *r > 0;
    }
    bool stopping() const override { return impl_.stopping.load(); }

   private:
    Impl& impl_;
    const Job& job_;
  };

  Impl(db::Database& d, const Clock& c, Options o)
      : db(d), clock(c), options(std::move(o)), rng(std::random_device{}()) {}

  db::Database& db;
  const Clock& clock;
  Options options;
  std::map<std::string, std::unique_ptr<Kind>> kinds;  // fixed after start
  std::map<std::string, std::unique_ptr<Lane>> lanes;  // fixed after start
  std::atomic<bool> started{false}, stopping{false};
  std::atomic<int> writes_in_flight{0};  // completions handed to the database, not yet done
  std::thread maintenance;
  std::thread listener;  // PostgreSQL: other nodes' enqueues wake this node's dispatchers
  std::mutex maint_mu;
  std::condition_variable maint_cv;
  std::mutex rng_mu;
  std::mt19937_64 rng;  // guarded by rng_mu: jitter only

  milliseconds lease_of(const std::string& kind) const {
    auto it = kinds.find(kind);
    return it == kinds.end() ? kDefaultLease : it->second->options.lease;
  }

  Lane& lane(const std::string& name) {
    auto it = lanes.find(name);
    KIRIM_CHECK(it != lanes.end(), "unknown queue " + name);
    return *it->second;
  }

  Lane& ensure_lane(const std::string& name) {
    auto& l = lanes[name];
    if (!l) {
      l = std::make_unique<Lane>();
      l->name = name;
    }
    return *l;
  }

  void wake(const std::string& queue) {
    auto it = lanes.find(queue);
    if (it == lanes.end()) return;
    {
      std::lock_guard lock(it->second->mu);
      it->second->wake = true;
    }
    it->second->dispatch_cv.notify_all();
  }

  double unit_random() {
    std::lock_guard lock(rng_mu);
    return std::uniform_real_distribution<double>(0, 1)(rng);
  }

  // Claims up to n ready jobs of a queue for this node.
  Result<std::vector<Job>> claim(const std::string& queue, int n) {
    const auto now = clock.now_ms();
    std::vector<Job> out;
    const bool pg = db.dialect() == db::Dialect::postgres;
    const std::string pick =
        std::string(
            "SELECT id FROM jobs WHERE queue = $4 AND state = 'pending' AND run_at <= $3 "
            "ORDER BY priority DESC, run_at, id LIMIT $5") +
        (pg ? " FOR UPDATE SKIP LOCKED" : "");
    KIRIM_TRY(db.write([&](db::Connection& c) -> Result<void> {
      // Leases run from the claim; the kind's lease applies once the job is known, so claim with
      // the longest and let the heartbeat set each job's own.
      KIRIM_ASSIGN_OR_RETURN(
          auto rows,
          c.query("UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, "
                  "attempts = attempts + 1, started_at = $3 WHERE id IN (" +
                      pick + ") RETURNING " + kJobColumns,
                  {options.node, now + kDefaultLease.count(), now, queue,
                   static_cast<std::int64_t>(n)}));
      for (std::size_t i = 0; i < rows.size(); ++i)
        out.push_back(job_from(rows, i));
      return {};
    }));
    std::sort(out.begin(), out.end(), [](const Job& a, const Job& b) {
      return std::tie(b.priority, a.run_at, a.id) < std::tie(a.priority, b.run_at, b.id);
    });
    return out;
  }

  // When the next delayed job of a queue is due (ms), if any.
  std::optional<std::int64_t> next_due(const std::string& queue) {
    auto r = db.query("SELECT MIN(run_at) AS t FROM jobs WHERE queue = $1 AND state = 'pending'",
                      {queue});
    if (!r.ok() || r->empty()) return std::nullopt;
    return r->nullable_integer(0, "t");
  }

  void dispatch(Lane& l) {
    while (!stopping.load()) {
      int room = 0;
      {
        std::unique_lock lock(l.mu);
        l.dispatch_cv.wait_for(lock, kIdlePoll, [&] {
          if (stopping.load()) return true;
          const int free = l.target - l.busy - static_cast<int>(l.ready.size());
          return l.wake && free > 0 && !l.paused.load();
        });
        if (stopping.load()) return;
        const int free = l.target - l.busy - static_cast<int>(l.ready.size());
        if (l.paused.load() || free <= 0) continue;
        l.wake = false;
        // Short jobs are claimed a batch ahead of the workers; long ones only for idle workers,
        // so that no claimed job waits out its lease in this node's buffer.
        const bool short_jobs = l.avg_run_ms.load() < 50;
        room = short_jobs ? std::max(free, std::min(kClaimBatch, l.target * 8) - l.busy -
                                               static_cast<int>(l.ready.size()))
                          : free;
      }
      if (room <= 0) continue;
      auto claimed = claim(l.name, room);
      if (!claimed.ok()) {
        log::error("claiming jobs failed", {{"queue", l.name}, {"error", claimed.error().message}});
        std::unique_lock lock(l.mu);
        l.dispatch_cv.wait_for(lock, kIdlePoll, [&] { return stopping.load(); });
        continue;
      }
      if (claimed->empty()) {
        // Nothing ready: sleep until the next delayed job or a wake-up.
        const auto due = next_due(l.name);
        const auto now = clock.now_ms();
        auto wait = kIdlePoll;
        if (due && *due > now) wait = std::min(kIdlePoll, milliseconds(*due - now));
        if (due && *due <= now) wait = milliseconds(0);
        std::unique_lock lock(l.mu);
        if (wait.count() > 0) {
          l.dispatch_cv.wait_for(lock, wait, [&] { return stopping.load() || l.wake; });
        }
        l.wake = true;  // look again after the wait
        continue;
      }
      {
        std::lock_guard lock(l.mu);
        for (auto& j : *claimed)
          l.ready.push_back(std::move(j));
        l.wake = true;  // there may be more
      }
      l.work_cv.notify_all();
    }
  }

  // Worker `index` of a lane takes jobs while index < target; the autoscaler moves target.
  void work(Lane& l, int index) {
    while (true) {
      Job job;
      {
        std::unique_lock lock(l.mu);
        l.work_cv.wait(lock, [&] {
          return (stopping.load() && l.ready.empty()) || (!l.ready.empty() && index < l.target);
        });
        if (l.ready.empty()) return;  // stopping
        job = std::move(l.ready.front());
        l.ready.pop_front();
        ++l.busy;
      }
      run_one(l, job);
      {
        std::lock_guard lock(l.mu);
        --l.busy;
        l.wake = true;
        if (l.busy == 0 && l.ready.empty()) l.idle_since = Steady::now();
      }
      l.dispatch_cv.notify_all();
    }
  }

  void release(const Job& job) {
    // Back to pending without counting the attempt it did not make.
    (void)db.write_exec(
        "UPDATE jobs SET state = 'pending', lease_owner = '', lease_until = 0, attempts = "
        "attempts - 1 WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
        {job.id, options.node});
  }

  void run_one(Lane& l, Job& job) {
    // A pause or a stop takes effect before the next job starts.
    if (l.paused.load() || stopping.load()) {
      release(job);
      return;
    }
    auto kit = kinds.find(job.kind);
    const auto start_ms = clock.now_ms();
    {
      std::lock_guard lock(l.stats_mu);
      l.wait.add(start_ms, static_cast<double>(std::max<std::int64_t>(
                               0, start_ms - std::max(job.run_at, job.created_at))));
    }
    l.started.fetch_add(1, std::memory_order_relaxed);
    Outcome outcome;
    const auto t0 = Steady::now();
    if (kit == kinds.end()) {
      outcome = Outcome::fail("no handler for the kind " + job.kind + " on this node");
    } else {
      kit->second->started.fetch_add(1, std::memory_order_relaxed);
      Context ctx(*this, job);
      try {
        outcome = kit->second->handler(ctx);
      } catch (const std::exception& e) {
        outcome = Outcome::retry(std::string("the handler threw: ") + e.what());
        outcome.trace = "exception in the handler of " + job.kind + ": " + e.what();
      } catch (...) {
        outcome = Outcome::retry("the handler threw something that is not an exception");
        outcome.trace = "unknown exception in the handler of " + job.kind;
      }
    }
    const double run_ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    const auto end_ms = clock.now_ms();
    {
      std::lock_guard lock(l.stats_mu);
      l.run.add(end_ms, run_ms);
    }
    const double prev = l.avg_run_ms.load();
    l.avg_run_ms.store(prev == 0 ? run_ms : prev * 0.9 + run_ms * 0.1);
    if (kit != kinds.end()) {
      std::lock_guard lock(kit->second->mu);
      kit->second->run.add(end_ms, run_ms);
    }
    finish(l, job, kit == kinds.end() ? nullptr : kit->second.get(), outcome, start_ms, end_ms);
  }

  void finish(Lane& l, const Job& job, Kind* kind, const Outcome& o, std::int64_t start_ms,
              std::int64_t end_ms) {
    const std::string& me = options.node;
    if (o.kind == Outcome::Kind::success) {
      l.succeeded.fetch_add(1, std::memory_order_relaxed);
      if (kind) kind->succeeded.fetch_add(1, std::memory_order_relaxed);
      writes_in_flight.fetch_add(1);
      db.write_async(
          [id = job.id, me, end_ms](db::Connection& c) -> Result<void> {
            KIRIM_TRY(
                c.exec("UPDATE jobs SET state = 'succeeded', finished_at = $1, lease_owner = "
                       "'', lease_until = 0 WHERE id = $2 AND lease_owner = $3",
                       {end_ms, id, me}));
            return {};
          },
          [this](Result<void> r) {
            if (!r.ok())
              log::error("recording a finished job failed", {{"error", r.error().message}});
            writes_in_flight.fetch_sub(1);
          });
      return;
    }
    const bool exhausted = job.attempts >= job.max_attempts;
    const bool retry = o.kind == Outcome::Kind::retry && !exhausted && !stopping.load();
    const bool requeue_on_stop = o.kind == Outcome::Kind::retry && stopping.load();
    const auto base = kind ? kind->options.backoff_base : kBackoffBase;
    const auto cap = kind ? kind->options.backoff_cap : kBackoffCap;
    const auto delay =
        o.retry_after ? *o.retry_after : backoff(job.attempts, base, cap, unit_random());
    const std::string outcome_name = retry || requeue_on_stop ? "retry" : "failed";
    if (retry || requeue_on_stop) {
      l.retried.fetch_add(1, std::memory_order_relaxed);
      if (kind) kind->retried.fetch_add(1, std::memory_order_relaxed);
    } else {
      l.failed.fetch_add(1, std::memory_order_relaxed);
      if (kind) kind->failed.fetch_add(1, std::memory_order_relaxed);
    }
    const std::string error = o.error.substr(0, 4000);
    const std::string trace = o.trace.substr(0, 8000);
    const auto run_at = end_ms + (requeue_on_stop ? 0 : delay.count());
    const bool give_up = !(retry || requeue_on_stop);
    writes_in_flight.fetch_add(1);
    db.write_async(
        [id = job.id, attempt = job.attempts, me, start_ms, end_ms, outcome_name, error, trace,
         run_at, give_up, requeue_on_stop](db::Connection& c) -> Result<void> {
          if (give_up) {
            KIRIM_ASSIGN_OR_RETURN(
                auto n,
                c.exec("UPDATE jobs SET state = 'failed', finished_at = $1, last_error = $2, "
                       "lease_owner = '', lease_until = 0 WHERE id = $3 AND lease_owner = $4",
                       {end_ms, error, id, me}));
            if (n == 0) return {};  // the lease was lost: the job is someone else's now
          } else {
            KIRIM_ASSIGN_OR_RETURN(
                auto n,
                c.exec("UPDATE jobs SET state = 'pending', run_at = $1, last_error = $2, "
                       "lease_owner = '', lease_until = 0, attempts = attempts - $3 WHERE id = $4 "
                       "AND lease_owner = $5",
                       {run_at, error, std::int64_t{requeue_on_stop ? 1 : 0}, id, me}));
            if (n == 0) return {};
          }
          KIRIM_TRY(c.exec(
              "INSERT INTO job_attempts (job_id, attempt, worker, started_at, "
              "finished_at, outcome, error, trace) VALUES ($1, $2, $3, $4, $5, $6, "
              "$7, $8) ON CONFLICT (job_id, attempt) DO UPDATE SET finished_at = "
              "excluded.finished_at, outcome = excluded.outcome, error = "
              "excluded.error, trace = excluded.trace",
              {id, std::int64_t{attempt}, me, start_ms, end_ms, outcome_name, error, trace}));
          return {};
        },
        [this, queue = job.queue, give_up, id = job.id, kind_name = job.kind,
         error](Result<void> r) {
          if (!r.ok()) {
            log::error("recording a failed job failed", {{"error", r.error().message}});
          } else if (give_up) {
            log::warn("job failed",
                      {{"job", std::to_string(id)}, {"kind", kind_name}, {"error", error}});
          } else {
            wake(queue);
          }
          writes_in_flight.fetch_sub(1);
        });
  }

  // Every kReapEvery: extend this node's leases, take back expired ones, fire due schedules,
  // refresh pause flags, scale workers, sample the numbers.
  void maintain() {
    auto last_heartbeat = Steady::now() - milliseconds(60'000);
    while (true) {
      {
        std::unique_lock lock(maint_mu);
        maint_cv.wait_for(lock, options.reap_every, [&] { return stopping.load(); });
        if (stopping.load()) return;
      }
      const auto now = clock.now_ms();
      if (Steady::now() - last_heartbeat > kDefaultLease / 3) {
        last_heartbeat = Steady::now();
        (void)db.write_exec(
            "UPDATE jobs SET lease_until = $1 WHERE lease_owner = $2 AND state = 'running'",
            {now + kDefaultLease.count(), options.node});
      }
      reap(now);
      fire_schedules(now);
      refresh_pauses();
      scale();
      sample(now);
    }
  }

  void reap(std::int64_t now) {
    auto r = db.write([&](db::Connection& c) -> Result<void> {
      // Out of attempts: failed. Otherwise pending again at once.
      KIRIM_TRY(
          c.exec("UPDATE jobs SET state = 'failed', finished_at = $1, last_error = 'the "
                 "worker running it stopped answering (its lease expired) on its last "
                 "attempt', lease_owner = '' WHERE state = 'running' AND lease_until < $1 AND "
                 "attempts >= max_attempts",
                 {now}));
      KIRIM_ASSIGN_OR_RETURN(
          auto n, c.exec("UPDATE jobs SET state = 'pending', run_at = $1, last_error = 'the worker "
                         "running it stopped answering (its lease expired)', lease_owner = '' "
                         "WHERE state = 'running' AND lease_until < $1",
                         {now}));
      if (n > 0) log::warn("took back jobs whose lease expired", {{"jobs", std::to_string(n)}});
      return {};
    });
    if (!r.ok()) log::error("reaping leases failed", {{"error", r.error().message}});
    for (auto& [name, l] : lanes)
      wake(name);
  }

  void fire_schedules(std::int64_t now) {
    auto due = db.query(
        "SELECT id, name, cron, timezone, queue, kind, payload, next_run_at FROM schedules WHERE "
        "enabled = 1 AND next_run_at > 0 AND next_run_at <= $1",
        {now});
    if (!due.ok()) return;
    for (std::size_t i = 0; i < due->size(); ++i) {
      const auto name = due->text(i, "name");
      const auto fire_at = due->integer(i, "next_run_at");
      auto cron = Cron::parse(due->text(i, "cron"));
      if (!cron.ok()) continue;
      const auto next = cron->next_after(std::chrono::sys_seconds(std::chrono::seconds(now / 1000)),
                                         due->text(i, "timezone"));
      const std::int64_t next_ms =
          next ? std::chrono::duration_cast<std::chrono::milliseconds>(next->time_since_epoch())
                     .count()
               : 0;
      JobSpec spec;
      spec.queue = due->text(i, "queue");
      spec.kind = due->text(i, "kind");
      spec.payload = due->text(i, "payload");
      spec.unique_key = "schedule:" + name + ":" + std::to_string(fire_at);
      spec.tags = {"schedule:" + name};
      const auto schedule_id = due->integer(i, "id");
      auto ids = enqueue_specs(
          {spec}, [&](db::Connection& c, const std::vector<std::int64_t>& made) -> Result<void> {
            // The schedule moves on in the same unit of work, so a job is made once per time.
            KIRIM_ASSIGN_OR_RETURN(
                auto n, c.exec("UPDATE schedules SET next_run_at = $1, last_run_at = $2, "
                               "last_job_id = $3 WHERE id = $4 AND next_run_at = $5",
                               {next_ms, now, made.front(), schedule_id, fire_at}));
            if (n == 0) return make_error(Errc::conflict, "the schedule moved on meanwhile");
            return {};
          });
      if (!ids.ok() && ids.error().code != Errc::conflict) {
        log::error("a schedule could not enqueue its job",
                   {{"schedule", name}, {"error", ids.error().message}});
      }
    }
  }

  void refresh_pauses() {
    auto r = db.query("SELECT name, paused FROM queues");
    if (!r.ok()) return;
    for (std::size_t i = 0; i < r->size(); ++i) {
      auto it = lanes.find(r->text(i, "name"));
      if (it == lanes.end()) continue;
      const bool was = it->second->paused.exchange(r->integer(i, "paused") != 0);
      if (was && !it->second->paused.load()) wake(it->first);
    }
  }

  // Grows a queue's active workers while work waits and every one of them is busy (threads
  // are made once, up to the maximum); shrinks back towards the minimum after a quiet while.
  void scale() {
    for (auto& [name, lp] : lanes) {
      auto& l = *lp;
      std::lock_guard lock(l.mu);
      const bool waiting = !l.ready.empty() || l.wake;
      if (waiting && l.busy >= l.target && l.target < l.options.max_workers && !l.paused.load()) {
        ++l.target;
        while (static_cast<int>(l.threads.size()) < l.target) {
          const int index = static_cast<int>(l.threads.size());
          l.threads.emplace_back([this, &l, index] { work(l, index); });
        }
        l.work_cv.notify_all();
      } else if (l.busy == 0 && l.ready.empty() && l.target > std::max(1, l.options.min_workers) &&
                 Steady::now() - l.idle_since > kShrinkAfterIdle) {
        --l.target;
        l.idle_since = Steady::now();
      }
      l.workers = l.target;
    }
  }

  void sample(std::int64_t now) {
    for (auto& [name, lp] : lanes) {
      auto& l = *lp;
      std::lock_guard lock(l.stats_mu);
      const auto s = l.succeeded.load(), f = l.failed.load(), e = l.enqueued.load(),
                 st = l.started.load(), r = l.retried.load();
      const double secs = std::chrono::duration<double>(options.reap_every).count();
      l.rate_succeeded = static_cast<double>(s - l.last_succeeded) / secs;
      l.rate_failed = static_cast<double>(f - l.last_failed) / secs;
      l.rate_enqueued = static_cast<double>(e - l.last_enqueued) / secs;
      l.rate_started = static_cast<double>(st - l.last_started) / secs;
      l.rate_retried = static_cast<double>(r - l.last_retried) / secs;
      l.last_succeeded = s;
      l.last_failed = f;
      l.last_enqueued = e;
      l.last_started = st;
      l.last_retried = r;
      l.wait.trim(now);
      l.run.trim(now);
      Sample sm;
      sm.at = now;
      sm.succeeded = l.rate_succeeded;
      sm.failed = l.rate_failed;
      sm.enqueued = l.rate_enqueued;
      sm.wait_p95 = l.wait.percentiles()[1];
      {
        std::lock_guard lane_lock(l.mu);
        sm.workers = l.workers;
        sm.backlog = static_cast<std::int64_t>(l.ready.size());
      }
      l.samples.push_back(sm);
      if (l.samples.size() > kStatsSeconds) l.samples.pop_front();
    }
  }

  Result<std::int64_t> enqueue_one(const JobSpec& spec) {
    KIRIM_ASSIGN_OR_RETURN(auto ids, enqueue_specs({spec}));
    return ids.front();
  }

  // Inserts the jobs in one unit of work; `also` runs in the same unit with their ids (a
  // schedule records its job with it).
  using Also = std::function<Result<void>(db::Connection&, const std::vector<std::int64_t>&)>;
  Result<std::vector<std::int64_t>> enqueue_specs(const std::vector<JobSpec>& specs,
                                                  const Also& also = {}) {
    const auto now = clock.now_ms();
    for (const auto& s : specs) {
      auto k = kinds.find(s.kind);
      if (k == kinds.end()) {
        return make_error(Errc::invalid_argument, "There is no job kind " + s.kind + ".");
      }
      if (s.payload.size() > kMaxPayloadBytes) {
        return make_error(Errc::invalid_argument, "The job's payload is larger than 1 MiB.");
      }
      boost::system::error_code ec;
      auto v = boost::json::parse(s.payload, ec);
      if (ec || !v.is_object()) {
        return make_error(Errc::invalid_argument, "The job's payload must be a JSON object.");
      }
    }
    std::vector<std::int64_t> ids;
    std::set<std::string> queues;
    KIRIM_TRY(db.write([&](db::Connection& c) -> Result<void> {
      for (const auto& s : specs) {
        const auto& kind = *kinds.at(s.kind);
        const std::string& queue = s.queue == "default" ? kind.options.queue : s.queue;
        const int max_attempts = s.max_attempts > 0 ? s.max_attempts : kind.options.max_attempts;
        if (!s.unique_key.empty()) {
          KIRIM_ASSIGN_OR_RETURN(
              auto rows,
              c.query("INSERT INTO jobs (workspace_id, queue, kind, payload, tags, unique_key, "
                      "priority, state, run_at, max_attempts, created_at) VALUES ($1, $2, $3, $4, "
                      "$5, $6, $7, 'pending', $8, $9, $10) ON CONFLICT (unique_key) WHERE "
                      "unique_key IS NOT NULL AND state IN ('pending', 'running') DO NOTHING "
                      "RETURNING id",
                      {s.workspace_id ? Value(*s.workspace_id) : Value{}, queue, s.kind, s.payload,
                       join_tags(s.tags), s.unique_key, std::int64_t{s.priority},
                       s.run_at > 0 ? s.run_at : now, std::int64_t{max_attempts}, now}));
          if (rows.empty()) {
            KIRIM_ASSIGN_OR_RETURN(auto existing,
                                   c.query("SELECT id FROM jobs WHERE unique_key = $1 AND state IN "
                                           "('pending', 'running')",
                                           {s.unique_key}));
            ids.push_back(existing.empty() ? 0 : existing.integer(0, "id"));
            continue;
          }
          ids.push_back(rows.integer(0, "id"));
        } else {
          KIRIM_ASSIGN_OR_RETURN(
              auto rows,
              c.query("INSERT INTO jobs (workspace_id, queue, kind, payload, tags, priority, "
                      "state, run_at, max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6, "
                      "'pending', $7, $8, $9) RETURNING id",
                      {s.workspace_id ? Value(*s.workspace_id) : Value{}, queue, s.kind, s.payload,
                       join_tags(s.tags), std::int64_t{s.priority}, s.run_at > 0 ? s.run_at : now,
                       std::int64_t{max_attempts}, now}));
          ids.push_back(rows.integer(0, "id"));
        }
        queues.insert(queue);
      }
      if (db.dialect() == db::Dialect::postgres) {
        for (const auto& q : queues)
          KIRIM_TRY(c.exec("SELECT pg_notify('kirim_jobs', $1)", {q}));
      }
      if (also) KIRIM_TRY(also(c, ids));
      return {};
    }));
    for (const auto& s : specs) {
      auto& kind = *kinds.at(s.kind);
      kind.enqueued.fetch_add(1, std::memory_order_relaxed);
      const std::string& queue = s.queue == "default" ? kind.options.queue : s.queue;
      if (auto it = lanes.find(queue); it != lanes.end()) {
        it->second->enqueued.fetch_add(1, std::memory_order_relaxed);
      }
    }
    for (const auto& q : queues)
      wake(q);
    return ids;
  }
};

Queue::Queue(db::Database& db, const Clock& clock, Options options)
    : impl_(std::make_unique<Impl>(db, clock, std::move(options))) {}

Queue::~Queue() {
  stop(milliseconds(0));
}

void Queue::register_kind(const std::string& kind, KindOptions options, Handler handler) {
  KIRIM_CHECK(!impl_->started.load(), "register_kind after start");
  auto k = std::make_unique<Impl::Kind>();
  impl_->ensure_lane(options.queue);
  k->options = std::move(options);
  k->handler = std::move(handler);
  impl_->kinds[kind] = std::move(k);
}

void Queue::configure_queue(const std::string& name, QueueOptions options) {
  KIRIM_CHECK(!impl_->started.load(), "configure_queue after start");
  options.min_workers = std::max(0, options.min_workers);
  options.max_workers = std::max({1, options.min_workers, options.max_workers});
  impl_->ensure_lane(name).options = options;
}

void Queue::start() {
  auto& d = *impl_;
  if (d.started.exchange(true)) return;
  // This node's earlier incarnation died holding these: they run again now, not after a lease.
  const auto node_prefix = d.options.node.substr(0, d.options.node.rfind('/') + 1);
  if (!node_prefix.empty()) {
    std::string pattern;
    for (char ch : node_prefix) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
      pattern.push_back(ch);
    }
    pattern += "%";
    auto r = d.db.write_exec(
        "UPDATE jobs SET state = 'pending', lease_owner = '', lease_until = 0, run_at = $1 WHERE "
        "state = 'running' AND lease_owner <> $2 AND lease_owner LIKE $3 ESCAPE '\\'",
        {d.clock.now_ms(), d.options.node, pattern});
    if (r.ok() && *r > 0) {
      log::warn("released jobs a previous run of this node held", {{"jobs", std::to_string(*r)}});
    }
  }
  d.refresh_pauses();
  for (auto& [name, lp] : d.lanes) {
    auto& l = *lp;
    std::lock_guard lock(l.mu);
    l.target = std::max(1, l.options.min_workers);
    l.workers = l.target;
    for (int i = 0; i < l.target; ++i)
      l.threads.emplace_back([&d, &l, i] { d.work(l, i); });
    l.dispatcher = std::thread([&d, &l] { d.dispatch(l); });
  }
  d.maintenance = std::thread([&d] { d.maintain(); });
  auto listening = d.db.listen("kirim_jobs");
  if (listening.ok() && *listening) {
    d.listener = std::thread([&d, l = std::move(listening).value()] {
      while (!d.stopping.load()) {
        if (l->wait(milliseconds(500))) {
          for (auto& [name, lane] : d.lanes)
            d.wake(name);
        }
      }
    });
  }
}

void Queue::stop(milliseconds drain) {
  auto& d = *impl_;
  if (!d.started.load() || d.stopping.exchange(true)) return;
  d.maint_cv.notify_all();
  for (auto& [name, lp] : d.lanes) {
    lp->dispatch_cv.notify_all();
    if (lp->dispatcher.joinable()) lp->dispatcher.join();
  }
  // Claimed jobs that no worker started go back at once.
  for (auto& [name, lp] : d.lanes) {
    std::deque<Job> unstarted;
    {
      std::lock_guard lock(lp->mu);
      unstarted.swap(lp->ready);
    }
    for (const auto& j : unstarted)
      d.release(j);
    lp->work_cv.notify_all();
  }
  // Running jobs get the drain time (their handlers see stopping()); then the threads are joined.
  const auto deadline = Steady::now() + drain;
  for (auto& [name, lp] : d.lanes) {
    while (Steady::now() < deadline) {
      {
        std::lock_guard lock(lp->mu);
        if (lp->busy == 0) break;
      }
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  for (auto& [name, lp] : d.lanes) {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(lp->mu);
      threads.swap(lp->threads);
    }
    lp->work_cv.notify_all();
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }
  if (d.maintenance.joinable()) d.maintenance.join();
  if (d.listener.joinable()) d.listener.join();
  // The outcomes of the last jobs are written before stop() returns.
  const auto writes_deadline = Steady::now() + milliseconds(30'000);
  while (d.writes_in_flight.load() > 0 && Steady::now() < writes_deadline)
    std::this_thread::sleep_for(milliseconds(1));
}

Result<std::int64_t> Queue::enqueue(const JobSpec& spec) {
  return impl_->enqueue_one(spec);
}

Result<std::vector<std::int64_t>> Queue::enqueue_many(const std::vector<JobSpec>& specs) {
  if (specs.empty()) return std::vector<std::int64_t>{};
  return impl_->enqueue_specs(specs);
}

bool Queue::wait_idle(milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    auto r = impl_->db.query(
        "SELECT COUNT(*) AS n FROM jobs WHERE state IN ('pending', 'running') AND run_at <= $1",
        {impl_->clock.now_ms()});
    if (r.ok() && r->integer(0, "n") == 0) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

namespace {

// The WHERE clause of a job query: the caller's workspace (plus the instance's own jobs).
std::string job_where(const JobQuery& q, std::vector<Value>& params, bool with_state = true) {
  std::string where = "1 = 1";
  auto bind = [&](Value v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  };
  if (q.workspace_id) {
    where += " AND (workspace_id = " + bind(*q.workspace_id) + " OR workspace_id IS NULL)";
  }
  if (with_state && q.state) where += " AND state = " + bind(std::string(state_name(*q.state)));
  if (!q.queue.empty()) where += " AND queue = " + bind(q.queue);
  if (!q.kind.empty()) where += " AND kind = " + bind(q.kind);
  if (!q.tag.empty()) {
    where += " AND (',' || tags || ',') LIKE " + bind("%," + q.tag + ",%");
  }
  if (!q.q.empty()) {
    std::string pattern = "%";
    for (char ch : q.q) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
      pattern.push_back(ch);
    }
    pattern += "%";
    const auto p = bind(pattern);
    where += " AND (payload LIKE " + p + " ESCAPE '\\' OR last_error LIKE " + p + " ESCAPE '\\')";
  }
  if (q.before > 0) where += " AND id < " + bind(q.before);
  return where;
}

Error job_not_found() {
  return make_error(Errc::not_found, "There is no such job.");
}

}  // namespace

Result<std::vector<Job>> Queue::jobs(const JobQuery& q) {
  std::vector<Value> params;
  const auto where = job_where(q, params);
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      impl_->db.query(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE " + where +
                          " ORDER BY id DESC LIMIT " + std::to_string(std::clamp(q.limit, 1, 500)),
                      params));
  std::vector<Job> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(job_from(rows, i));
  return out;
}

Result<std::pair<Job, std::vector<Attempt>>> Queue::job(std::optional<std::int64_t> ws,
                                                        std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, impl_->db.query(std::string("SELECT ") + kJobColumns +
                                     " FROM jobs WHERE id = $1 AND ($2 = 0 OR workspace_id = $2 OR "
                                     "workspace_id IS NULL)",
                                 {id, ws.value_or(0)}));
  if (rows.empty()) return job_not_found();
  KIRIM_ASSIGN_OR_RETURN(
      auto attempts, impl_->db.query("SELECT attempt, worker, started_at, finished_at, outcome, "
                                     "error, trace FROM job_attempts WHERE job_id = $1 ORDER BY "
                                     "attempt",
                                     {id}));
  std::vector<Attempt> out;
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    out.push_back({static_cast<int>(attempts.integer(i, "attempt")), attempts.text(i, "worker"),
                   attempts.text(i, "outcome"), attempts.text(i, "error"),
                   attempts.text(i, "trace"), attempts.integer(i, "started_at"),
                   attempts.integer(i, "finished_at")});
  }
  return std::pair<Job, std::vector<Attempt>>{job_from(rows, 0), std::move(out)};
}

Result<Job> Queue::retry(std::optional<std::int64_t> ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto found, job(ws, id));
  if (found.first.state != State::failed && found.first.state != State::cancelled) {
    return make_error(Errc::conflict, "Only failed or cancelled jobs can be retried.");
  }
  auto n = impl_->db.write_exec(
      "UPDATE jobs SET state = 'pending', run_at = $1, attempts = 0, finished_at = 0 WHERE id = $2 "
      "AND state IN ('failed', 'cancelled')",
      {impl_->clock.now_ms(), id});
  if (!n.ok()) {
    auto e = std::move(n).error();
    if (e.code == Errc::conflict) e.message = "The same unique job is already pending.";
    return e;
  }
  impl_->wake(found.first.queue);
  KIRIM_ASSIGN_OR_RETURN(auto again, job(ws, id));
  return again.first;
}

Result<Job> Queue::cancel(std::optional<std::int64_t> ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto found, job(ws, id));
  KIRIM_ASSIGN_OR_RETURN(
      auto n, impl_->db.write_exec("UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE id "
                                   "= $2 AND state = 'pending'",
                                   {impl_->clock.now_ms(), id}));
  if (n == 0) return make_error(Errc::conflict, "Only pending jobs can be cancelled.");
  KIRIM_ASSIGN_OR_RETURN(auto again, job(ws, id));
  return again.first;
}

Result<void> Queue::remove(std::optional<std::int64_t> ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto found, job(ws, id));
  if (found.first.state == State::running) {
    return make_error(Errc::conflict, "A running job cannot be deleted.");
  }
  KIRIM_TRY(impl_->db.write_exec("DELETE FROM jobs WHERE id = $1 AND state <> 'running'", {id}));
  return {};
}

Result<std::int64_t> Queue::retry_failed(const JobQuery& q) {
  std::vector<Value> params;
  const auto where = job_where(q, params, false);
  params.emplace_back(impl_->clock.now_ms());
  const std::string sql =
      "UPDATE jobs SET state = 'pending', attempts = 0, finished_at = 0, run_at = $" +
      std::to_string(params.size()) + " WHERE state = 'failed' AND " + where +
      " AND (unique_key IS NULL OR unique_key NOT IN (SELECT unique_key FROM jobs WHERE "
      "unique_key IS NOT NULL AND state IN ('pending', 'running')))";
  std::int64_t n = 0;
  KIRIM_TRY(impl_->db.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(n, c.exec(sql, params));
    return {};
  }));
  for (auto& [name, l] : impl_->lanes)
    impl_->wake(name);
  return n;
}

Result<std::int64_t> Queue::delete_failed(const JobQuery& q) {
  std::vector<Value> params;
  const auto where = job_where(q, params, false);
  std::int64_t n = 0;
  KIRIM_TRY(impl_->db.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(n,
                           c.exec("DELETE FROM jobs WHERE state = 'failed' AND " + where, params));
    return {};
  }));
  return n;
}

Result<void> Queue::pause(const std::string& queue, const std::string& by) {
  if (impl_->lanes.find(queue) == impl_->lanes.end()) {
    return make_error(Errc::not_found, "There is no queue " + queue + ".");
  }
  KIRIM_TRY(impl_->db.write_exec(
      "INSERT INTO queues (name, paused, paused_at, paused_by) VALUES ($1, 1, $2, $3) ON CONFLICT "
      "(name) DO UPDATE SET paused = 1, paused_at = excluded.paused_at, paused_by = "
      "excluded.paused_by",
      {queue, impl_->clock.now_ms(), by}));
  impl_->lanes.at(queue)->paused.store(true);  // this node at once; others within a second
  return {};
}

Result<void> Queue::resume(const std::string& queue) {
  if (impl_->lanes.find(queue) == impl_->lanes.end()) {
    return make_error(Errc::not_found, "There is no queue " + queue + ".");
  }
  KIRIM_TRY(
      impl_->db.write_exec("INSERT INTO queues (name, paused) VALUES ($1, 0) ON CONFLICT (name) DO "
                           "UPDATE SET paused = 0",
                           {queue}));
  impl_->lanes.at(queue)->paused.store(false);
  impl_->wake(queue);
  return {};
}

Result<std::vector<QueueStats>> Queue::stats() {
  KIRIM_ASSIGN_OR_RETURN(
      auto counts,
      impl_->db.query(
          "SELECT queue, state, CASE WHEN state = 'pending' AND run_at > $1 THEN 1 ELSE "
          "0 END AS delayed, COUNT(*) AS n FROM jobs WHERE state IN ('pending', "
          "'running', 'failed') GROUP BY queue, state, CASE WHEN state = 'pending' AND "
          "run_at > $1 THEN 1 ELSE 0 END",
          {impl_->clock.now_ms()}));
  std::vector<QueueStats> out;
  for (auto& [name, lp] : impl_->lanes) {
    auto& l = *lp;
    QueueStats s;
    s.name = name;
    s.paused = l.paused.load();
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts.text(i, "queue") != name) continue;
      const auto st = counts.text(i, "state");
      const auto n = counts.integer(i, "n");
      if (st == "pending") {
        (counts.integer(i, "delayed") ? s.delayed : s.ready) += n;
      } else if (st == "running") {
        s.running += n;
      } else {
        s.failed += n;
      }
    }
    {
      std::lock_guard lock(l.mu);
      s.workers = l.workers;
      s.busy_workers = l.busy;
      s.min_workers = l.options.min_workers;
      s.max_workers = l.options.max_workers;
    }
    {
      std::lock_guard lock(l.stats_mu);
      s.enqueued_1s = l.rate_enqueued;
      s.started_1s = l.rate_started;
      s.succeeded_1s = l.rate_succeeded;
      s.failed_1s = l.rate_failed;
      s.retried_1s = l.rate_retried;
      double succ = 0, fail = 0;
      int n = 0;
      for (auto it = l.samples.rbegin(); it != l.samples.rend() && n < 60; ++it, ++n) {
        succ += it->succeeded;
        fail += it->failed;
      }
      s.succeeded_60s = n ? succ / n : 0;
      s.failed_60s = n ? fail / n : 0;
      const auto w = l.wait.percentiles();
      const auto r = l.run.percentiles();
      s.wait_p50 = w[0];
      s.wait_p95 = w[1];
      s.wait_p99 = w[2];
      s.run_p50 = r[0];
      s.run_p95 = r[1];
      s.run_p99 = r[2];
    }
    s.enqueued_total = l.enqueued.load();
    s.succeeded_total = l.succeeded.load();
    s.failed_total = l.failed.load();
    s.retried_total = l.retried.load();
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<KindStats> Queue::kind_stats() const {
  std::vector<KindStats> out;
  for (const auto& [name, k] : impl_->kinds) {
    KindStats s;
    s.kind = name;
    s.queue = k->options.queue;
    s.enqueued = k->enqueued.load();
    s.started = k->started.load();
    s.succeeded = k->succeeded.load();
    s.failed = k->failed.load();
    s.retried = k->retried.load();
    std::lock_guard lock(k->mu);
    const auto p = k->run.percentiles();
    s.run_p50 = p[0];
    s.run_p99 = p[2];
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Sample> Queue::history(const std::string& queue) const {
  auto it = impl_->lanes.find(queue);
  if (it == impl_->lanes.end()) return {};
  std::lock_guard lock(it->second->stats_mu);
  return {it->second->samples.begin(), it->second->samples.end()};
}

std::vector<std::string> Queue::kinds() const {
  std::vector<std::string> out;
  for (const auto& [name, k] : impl_->kinds)
    out.push_back(name);
  return out;
}

namespace {

Schedule schedule_from(const db::Rows& r, std::size_t i) {
  Schedule s;
  s.id = r.integer(i, "id");
  s.name = r.text(i, "name");
  s.cron = r.text(i, "cron");
  s.timezone = r.text(i, "timezone");
  s.queue = r.text(i, "queue");
  s.kind = r.text(i, "kind");
  s.payload = r.text(i, "payload");
  s.enabled = r.integer(i, "enabled") != 0;
  s.next_run_at = r.integer(i, "next_run_at");
  s.last_run_at = r.integer(i, "last_run_at");
  s.last_job_id = r.integer(i, "last_job_id");
  if (auto c = Cron::parse(s.cron); c.ok()) s.description = c->describe();
  return s;
}

}  // namespace

Result<Schedule> Queue::upsert_schedule(Schedule s) {
  auto cron = Cron::parse(s.cron);
  if (!cron.ok()) {
    return Error{Errc::invalid_argument,
                 "The schedule is not valid.",
                 {{"cron", cron.error().message}},
                 "validation_failed"};
  }
  if (s.timezone.empty()) s.timezone = "UTC";
  if (!valid_time_zone(s.timezone)) {
    return Error{Errc::invalid_argument,
                 "The schedule is not valid.",
                 {{"timezone", "is not an IANA time zone"}},
                 "validation_failed"};
  }
  if (impl_->kinds.find(s.kind) == impl_->kinds.end()) {
    return Error{Errc::invalid_argument,
                 "The schedule is not valid.",
                 {{"kind", "is not a job kind"}},
                 "validation_failed"};
  }
  if (s.queue.empty()) s.queue = impl_->kinds.at(s.kind)->options.queue;
  const auto now = impl_->clock.now_ms();
  const auto next =
      cron->next_after(std::chrono::sys_seconds(std::chrono::seconds(now / 1000)), s.timezone);
  const std::int64_t next_ms =
      next ? std::chrono::duration_cast<milliseconds>(next->time_since_epoch()).count() : 0;
  KIRIM_TRY(impl_->db.write_exec(
      "INSERT INTO schedules (name, cron, timezone, queue, kind, payload, enabled, next_run_at, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name) DO UPDATE SET "
      "cron = excluded.cron, timezone = excluded.timezone, queue = excluded.queue, kind = "
      "excluded.kind, payload = excluded.payload, next_run_at = excluded.next_run_at",
      {s.name, s.cron, s.timezone, s.queue, s.kind, s.payload.empty() ? "{}" : s.payload,
       std::int64_t{s.enabled ? 1 : 0}, next_ms, now}));
  KIRIM_ASSIGN_OR_RETURN(auto all, schedules());
  for (auto& x : all) {
    if (x.name == s.name) return x;
  }
  return make_error(Errc::internal, "the schedule vanished");
}

Result<std::vector<Schedule>> Queue::schedules() {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, impl_->db.query("SELECT id, name, cron, timezone, queue, kind, payload, enabled, "
                                 "next_run_at, last_run_at, last_job_id FROM schedules ORDER BY "
                                 "name"));
  std::vector<Schedule> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(schedule_from(rows, i));
  return out;
}

Result<Schedule> Queue::set_schedule_enabled(const std::string& name, bool enabled) {
  KIRIM_ASSIGN_OR_RETURN(auto n,
                         impl_->db.write_exec("UPDATE schedules SET enabled = $1 WHERE name = $2",
                                              {std::int64_t{enabled ? 1 : 0}, name}));
  if (n == 0) return make_error(Errc::not_found, "There is no schedule " + name + ".");
  KIRIM_ASSIGN_OR_RETURN(auto all, schedules());
  for (auto& x : all) {
    if (x.name == name) return x;
  }
  return make_error(Errc::not_found, "There is no schedule " + name + ".");
}

Result<std::int64_t> Queue::run_schedule_now(const std::string& name) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      impl_->db.query("SELECT queue, kind, payload FROM schedules WHERE name = $1", {name}));
  if (rows.empty()) return make_error(Errc::not_found, "There is no schedule " + name + ".");
  JobSpec spec;
  spec.queue = rows.text(0, "queue");
  spec.kind = rows.text(0, "kind");
  spec.payload = rows.text(0, "payload");
  spec.unique_key = "schedule:" + name + ":now";
  spec.tags = {"schedule:" + name};
  KIRIM_ASSIGN_OR_RETURN(auto id, enqueue(spec));
  KIRIM_TRY(impl_->db.write_exec(
      "UPDATE schedules SET last_run_at = $1, last_job_id = $2 WHERE name = $3",
      {impl_->clock.now_ms(), id, name}));
  return id;
}

}  // namespace kirim::queue
