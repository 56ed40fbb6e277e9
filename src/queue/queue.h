#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"

// The durable job queue. Jobs live in the database (SQLite by default; PostgreSQL claims with
// FOR UPDATE SKIP LOCKED and wakes other nodes with LISTEN/NOTIFY), in named queues, with
// priorities, delays, unique keys, retries with exponential backoff and jitter, per-kind attempt
// limits, leases, pause and resume, and recurring schedules (cron with time zones).
//
// The contract for handlers: a job may run more than once. A worker that dies (kill -9) loses its
// lease and the job runs again after the lease expires, on this node or another; a handler must
// therefore be idempotent (check what it already did, commit its effects with a marker, or use a
// unique key). A job is never run by two workers at once while its lease holds: a long handler
// extends its lease through JobContext::heartbeat().
//
// Thread-safe. Owns its threads (a dispatcher per queue, a pool of workers per queue scaled between
// a minimum and a maximum from the backlog and the observed job time, one maintenance thread).
// Borrows the Database and Clock; stop() before destroying them.
namespace kirim::queue {

using std::chrono::milliseconds;

// Limits and timings, in one place.
inline constexpr milliseconds kDefaultLease{30'000};  // a job's lease; heartbeats extend it
inline constexpr int kDefaultMaxAttempts = 5;
inline constexpr milliseconds kBackoffBase{1'000};     // first retry after about this
inline constexpr milliseconds kBackoffCap{3'600'000};  // and never more than this
inline constexpr int kClaimBatch = 64;                 // jobs claimed per statement
inline constexpr milliseconds kIdlePoll{1'000};        // a dispatcher re-checks at least this often
inline constexpr milliseconds kReapEvery{1'000};       // expired leases are looked for this often
inline constexpr milliseconds kScaleEvery{1'000};      // the autoscaler decides this often
inline constexpr milliseconds kShrinkAfterIdle{10'000};  // an idle worker above the minimum leaves
inline constexpr std::size_t kMaxPayloadBytes = 1 << 20;
inline constexpr std::size_t kStatsSeconds = 600;  // per-second history kept for charts

enum class State { pending, running, succeeded, failed, cancelled };
[[nodiscard]] const char* state_name(State s);
[[nodiscard]] std::optional<State> parse_state(std::string_view s);

struct JobSpec {
  std::string queue = "default";
  std::string kind;
  std::string payload = "{}";  // JSON
  std::optional<std::int64_t> workspace_id;
  int priority = 0;         // higher runs first
  std::int64_t run_at = 0;  // ms since the epoch; 0: now
  std::string unique_key;   // non-empty: at most one such job pending or running
  std::vector<std::string> tags;
  int max_attempts = 0;  // 0: the kind's
};

struct Job {
  std::int64_t id = 0;
  std::optional<std::int64_t> workspace_id;
  std::string queue, kind, payload, unique_key, lease_owner, last_error;
  std::vector<std::string> tags;
  int priority = 0;
  State state = State::pending;
  std::int64_t run_at = 0, created_at = 0, started_at = 0, finished_at = 0, lease_until = 0;
  int attempts = 0, max_attempts = 0;
};

struct Attempt {
  int attempt = 0;
  std::string worker, outcome, error, trace;
  std::int64_t started_at = 0, finished_at = 0;
};

// What a handler reports. A permanent failure is not retried; a retry waits its backoff (or the
// given delay) unless the job has used its attempts.
struct Outcome {
  enum class Kind { success, retry, fail };
  Kind kind = Kind::success;
  std::string error;
  std::string trace;  // where and why, for the failed-jobs store (the handler's own words)
  std::optional<milliseconds> retry_after;

  [[nodiscard]] static Outcome ok() { return {}; }
  [[nodiscard]] static Outcome retry(std::string error, std::optional<milliseconds> after = {}) {
    return {Kind::retry, std::move(error), {}, after};
  }
  [[nodiscard]] static Outcome fail(std::string error) {
    return {Kind::fail, std::move(error), {}, {}};
  }
  // From a module's Error: bad input, missing things and refusals are permanent; the rest retry.
  [[nodiscard]] static Outcome from(const Error& e);
};

// What a running handler can see and do. Valid during the handler only.
class JobContext {
 public:
  virtual ~JobContext() = default;
  [[nodiscard]] virtual const Job& job() const = 0;
  // Extends the lease; false when the lease was lost (the job may be running elsewhere: stop).
  [[nodiscard]] virtual bool heartbeat() = 0;
  // True once the queue is stopping: finish what is in hand quickly, or return retry.
  [[nodiscard]] virtual bool stopping() const = 0;
};

using Handler = std::function<Outcome(JobContext&)>;

struct KindOptions {
  std::string queue = "default";
  int max_attempts = kDefaultMaxAttempts;
  milliseconds lease = kDefaultLease;
  milliseconds backoff_base = kBackoffBase;
  milliseconds backoff_cap = kBackoffCap;
};

struct QueueOptions {
  int min_workers = 1;
  int max_workers = 4;
};

struct QueueStats {
  std::string name;
  bool paused = false;
  std::int64_t ready = 0, delayed = 0, running = 0, failed = 0;  // from the database
  int workers = 0, busy_workers = 0, min_workers = 0, max_workers = 0;
  // Per second, over the last second and the last minute.
  double enqueued_1s = 0, started_1s = 0, succeeded_1s = 0, failed_1s = 0, retried_1s = 0;
  double succeeded_60s = 0, failed_60s = 0;
  // Milliseconds, over the last minute.
  double wait_p50 = 0, wait_p95 = 0, wait_p99 = 0, run_p50 = 0, run_p95 = 0, run_p99 = 0;
  std::uint64_t enqueued_total = 0, succeeded_total = 0, failed_total = 0, retried_total = 0;
};

struct KindStats {
  std::string kind, queue;
  std::uint64_t enqueued = 0, started = 0, succeeded = 0, failed = 0, retried = 0;
  double run_p50 = 0, run_p99 = 0;
};

// One second of a queue's history, for the dashboard's charts.
struct Sample {
  std::int64_t at = 0;  // ms
  double succeeded = 0, failed = 0, enqueued = 0;
  std::int64_t backlog = 0;
  double wait_p95 = 0;
  int workers = 0;
};

struct Schedule {
  std::int64_t id = 0;
  std::string name, cron, timezone, queue, kind, payload, description;
  bool enabled = true;
  std::int64_t next_run_at = 0, last_run_at = 0, last_job_id = 0;
};

struct JobQuery {
  std::optional<std::int64_t> workspace_id;  // the caller's; jobs without one are visible too
  std::optional<State> state;
  std::string queue, kind, tag, q;  // q: in the payload or the last error
  std::int64_t before = 0;
  int limit = 50;
};

class Queue {
 public:
  struct Options {
    std::string node;  // this process, unique per node: leases name it
    milliseconds reap_every = kReapEvery;
  };
  Queue(db::Database& db, const Clock& clock, Options options);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // Before start().
  void register_kind(const std::string& kind, KindOptions options, Handler handler);
  void configure_queue(const std::string& name, QueueOptions options);

  // Starts the threads; jobs this node held when it last stopped or died are released at once.
  void start();
  // Stops claiming, lets running jobs finish for up to `drain`, then releases the rest (pending
  // again, attempt not counted against them). Idempotent.
  void stop(milliseconds drain = milliseconds(10'000));

  // Returns the job's id; with a unique key that is already pending or running, that job's id.
  // invalid_argument for an unknown kind or a payload that is not a JSON object.
  [[nodiscard]] Result<std::int64_t> enqueue(const JobSpec& spec);
  [[nodiscard]] Result<std::vector<std::int64_t>> enqueue_many(const std::vector<JobSpec>& specs);
  // Blocks until the jobs ended (tests, the command line); false at the timeout.
  [[nodiscard]] bool wait_idle(milliseconds timeout);

  [[nodiscard]] Result<std::vector<Job>> jobs(const JobQuery& q);
  [[nodiscard]] Result<std::pair<Job, std::vector<Attempt>>> job(std::optional<std::int64_t> ws,
                                                                 std::int64_t id);
  // Failed or cancelled -> pending now, with its attempts reset.
  [[nodiscard]] Result<Job> retry(std::optional<std::int64_t> ws, std::int64_t id);
  // Pending -> cancelled.
  [[nodiscard]] Result<Job> cancel(std::optional<std::int64_t> ws, std::int64_t id);
  // Removes a job that is not running.
  [[nodiscard]] Result<void> remove(std::optional<std::int64_t> ws, std::int64_t id);
  // Bulk on failed jobs matching the query (its state is ignored): how many.
  [[nodiscard]] Result<std::int64_t> retry_failed(const JobQuery& q);
  [[nodiscard]] Result<std::int64_t> delete_failed(const JobQuery& q);

  [[nodiscard]] Result<void> pause(const std::string& queue, const std::string& by);
  [[nodiscard]] Result<void> resume(const std::string& queue);

  [[nodiscard]] Result<std::vector<QueueStats>> stats();
  [[nodiscard]] std::vector<KindStats> kind_stats() const;
  [[nodiscard]] std::vector<Sample> history(const std::string& queue) const;
  [[nodiscard]] std::vector<std::string> kinds() const;

  // Recurring schedules: created or updated by name (the cron expression and time zone are
  // checked); run_now enqueues its job at once.
  [[nodiscard]] Result<Schedule> upsert_schedule(Schedule s);
  [[nodiscard]] Result<std::vector<Schedule>> schedules();
  [[nodiscard]] Result<Schedule> set_schedule_enabled(const std::string& name, bool enabled);
  [[nodiscard]] Result<std::int64_t> run_schedule_now(const std::string& name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, with jitter
// in [0.5, 1.5) from `unit` (a number in [0, 1)).
[[nodiscard]] milliseconds backoff(int attempt, milliseconds base, milliseconds cap, double unit);

}  // namespace kirim::queue
