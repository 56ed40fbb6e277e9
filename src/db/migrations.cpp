#include "db/migrations.h"

#include <algorithm>
#include <charconv>

#include "core/clock.h"
#include "core/log.h"

namespace kirim::db {

// Generated from migrations/<dialect>/*.sql by CMake (kirim_embed).
namespace embedded {
std::vector<std::pair<std::string_view, std::string_view>> sqlite_migrations();
std::vector<std::pair<std::string_view, std::string_view>> postgres_migrations();
}  // namespace embedded

namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// Any fixed number shared by all Kirim processes: the key of the advisory lock.
constexpr std::int64_t kMigrationLockKey = 0x6b6972696d;

}  // namespace

std::vector<Migration> migrations(Dialect dialect) {
  const auto files =
      dialect == Dialect::sqlite ? embedded::sqlite_migrations() : embedded::postgres_migrations();
  std::vector<Migration> out;
  for (const auto& [file, sql] : files) {
    int version = 0;
    std::from_chars(file.data(), file.data() + file.size(), version);
    auto name = file.substr(file.find('_') + 1);
    name = name.substr(0, name.rfind(".sql"));
    out.push_back({version, name, sql});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
  return out;
}

int latest_version(Dialect dialect) {
  const auto all = migrations(dialect);
  return all.empty() ? 0 : all.back().version;
}

Result<int> schema_version(Database& db) {
  auto rows = db.query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations");
  if (!rows.ok()) return 0;  // no table yet
  return static_cast<int>(rows->integer(0, "v"));
}

Result<int> migrate(Database& db) {
  KIRIM_TRY(db.write([](Connection& c) { return c.exec_script(kCreateTable); }));
  const SystemClock clock;
  int applied = 0;
  for (const auto& m : migrations(db.dialect())) {
    bool did = false;
    auto r = db.write([&](Connection& c) -> Result<void> {
      if (db.dialect() == Dialect::postgres) {
        KIRIM_TRY(c.query("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey}));
      }
      KIRIM_ASSIGN_OR_RETURN(auto done,
                             c.query("SELECT 1 FROM schema_migrations WHERE version = $1",
                                     {static_cast<std::int64_t>(m.version)}));
      if (!done.empty()) return {};
      KIRIM_TRY(c.exec_script(m.sql));
      KIRIM_TRY(
          c.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                 {static_cast<std::int64_t>(m.version), std::string(m.name), clock.now_ms()}));
      did = true;
      return {};
    });
    if (!r.ok()) {
      auto e = std::move(r).error();
      e.message = "migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                  ") failed: " + e.message;
      return e;
    }
    if (did) {
      ++applied;
      log::info("migration applied",
                {{"version", std::to_string(m.version)}, {"name", std::string(m.name)}});
    }
  }
  return applied;
}

}  // namespace kirim::db
