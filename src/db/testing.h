#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "db/database.h"

// Test support: a fresh, empty database per test on SQLite (a temporary file) or PostgreSQL (a
// new database on the server named by KIRIM_TEST_POSTGRES_URL, dropped afterwards).
namespace kirim::db::testing {

// The back ends this run covers: SQLite always, PostgreSQL when KIRIM_TEST_POSTGRES_URL is set.
[[nodiscard]] std::vector<Dialect> dialects();

class TempDatabase {
 public:
  explicit TempDatabase(Dialect dialect, int readers = 4);
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  [[nodiscard]] Database& db() { return *db_; }
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  Dialect dialect_;
  std::string url_;
  std::string pg_name_;
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace kirim::db::testing
