#include "queue/maintenance.h"

#include <chrono>

#include <boost/json/parse.hpp>

#include "core/log.h"

namespace kirim::queue::maintenance {
namespace {

int days_of(const boost::json::object& o, const char* key, int fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return fallback;
  return static_cast<int>(std::clamp<std::int64_t>(v->as_int64(), 1, 3650));
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Deletes matching rows kPruneBatch at a time; returns how many.
Result<std::int64_t> delete_in_batches(db::Database& db, const std::string& table,
                                       const std::string& where, std::int64_t cutoff) {
  std::int64_t total = 0;
  while (true) {
    KIRIM_ASSIGN_OR_RETURN(
        auto n, db.write_exec("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table +
                                  " WHERE " + where + " LIMIT " + std::to_string(kPruneBatch) + ")",
                              {cutoff}));
    total += n;
    if (n < kPruneBatch) return total;
  }
}

}  // namespace

Result<PruneResult> prune(db::Database& db, const std::string& payload) {
  boost::system::error_code ec;
  auto v = boost::json::parse(payload, ec);
  const boost::json::object o = !ec && v.is_object() ? v.as_object() : boost::json::object{};
  const std::int64_t day = 24LL * 3600 * 1000;
  const auto job_cutoff = now_ms() - days_of(o, "job_days", kDefaultJobDays) * day;
  const auto hook_cutoff = now_ms() - days_of(o, "webhook_days", kDefaultWebhookDays) * day;
  PruneResult r;
  KIRIM_ASSIGN_OR_RETURN(
      r.jobs, delete_in_batches(db, "jobs",
                                "state IN ('succeeded', 'cancelled') AND finished_at > 0 "
                                "AND finished_at < $1",
                                job_cutoff));
  KIRIM_ASSIGN_OR_RETURN(
      auto failed, delete_in_batches(db, "jobs",
                                     "state = 'failed' AND finished_at > 0 AND finished_at < "
                                     "$1",
                                     job_cutoff - days_of(o, "job_days", kDefaultJobDays) * day));
  r.jobs += failed;
  KIRIM_ASSIGN_OR_RETURN(r.webhooks,
                         delete_in_batches(db, "webhook_events",
                                           "outcome IN ('processed', 'ignored', 'unrouted') AND "
                                           "received_at < $1",
                                           hook_cutoff));
  log::info("pruned old records",
            {{"jobs", std::to_string(r.jobs)}, {"webhook_events", std::to_string(r.webhooks)}});
  return r;
}

Result<void> optimize(db::Database& db) {
  if (db.dialect() == db::Dialect::sqlite) {
    return db.write([](db::Connection& c) -> Result<void> {
      KIRIM_TRY(c.exec_script("PRAGMA optimize"));
      return {};
    });
  }
  return db.write([](db::Connection& c) -> Result<void> {
    KIRIM_TRY(c.exec_script("ANALYZE"));
    return {};
  });
}

}  // namespace kirim::queue::maintenance
