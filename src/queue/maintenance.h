#pragma once

#include <string>

#include "core/result.h"
#include "db/database.h"

// Upkeep the queue runs on schedules: pruning records past their retention and keeping the
// database's statistics fresh. Blocking; run from a job.
namespace kirim::queue::maintenance {

inline constexpr int kDefaultJobDays = 7;       // finished jobs kept
inline constexpr int kDefaultWebhookDays = 30;  // processed webhook payloads kept
inline constexpr int kPruneBatch = 5'000;       // rows per unit of work, so writers are not held

struct PruneResult {
  std::int64_t jobs = 0, webhooks = 0, attempts = 0;
};

// payload: {"job_days": n, "webhook_days": n} (defaults above). Deletes succeeded and cancelled
// jobs (and failed ones twice as old), and webhook events that were processed, ignored or
// unrouted, older than their days, in batches.
[[nodiscard]] Result<PruneResult> prune(db::Database& db, const std::string& payload);

// SQLite: PRAGMA optimize and a WAL checkpoint; PostgreSQL: ANALYZE.
[[nodiscard]] Result<void> optimize(db::Database& db);

}  // namespace kirim::queue::maintenance
