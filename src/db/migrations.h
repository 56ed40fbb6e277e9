#pragma once

#include <string_view>
#include <vector>

#include "db/database.h"

// Numbered schema migrations, one SQL file per version and dialect under migrations/<dialect>/,
// embedded in the binary. Applied in order at start; each in its own transaction together with
// its row in schema_migrations, so a crash never leaves one half-applied.
namespace kirim::db {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

[[nodiscard]] std::vector<Migration> migrations(Dialect dialect);
[[nodiscard]] int latest_version(Dialect dialect);

// Applies the missing migrations; returns how many were applied. Safe to run from several
// processes at once (PostgreSQL takes an advisory lock; SQLite has one writer).
[[nodiscard]] Result<int> migrate(Database& db);
// The highest applied version, 0 for an empty database.
[[nodiscard]] Result<int> schema_version(Database& db);

}  // namespace kirim::db
