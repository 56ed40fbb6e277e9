#include "db/testing.h"

#include <atomic>
#include <stdexcept>

#include <unistd.h>

namespace kirim::db::testing {
namespace {

std::atomic<int> counter{0};

std::string admin_url() {
  const char* url = std::getenv("KIRIM_TEST_POSTGRES_URL");
  return url ? url : "";
}

// postgres://user@host:port/name?x -> the same URL naming another database.
std::string with_database(const std::string& url, const std::string& name) {
  const auto query = url.find('?');
  const auto base = url.substr(0, query);
  const auto slash = base.rfind('/');
  if (slash == std::string::npos || slash < base.find("//") + 2) {
    throw std::runtime_error("KIRIM_TEST_POSTGRES_URL must name a database: " + url);
  }
  return base.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

void admin_exec_outside_transaction(const std::string& sql) {
  // CREATE/DROP DATABASE cannot run inside a transaction block; query() runs it bare.
  auto admin = open(admin_url(), Options{1});
  if (!admin.ok()) throw std::runtime_error(admin.error().message);
  auto r = (*admin)->query(sql, {});
  if (!r.ok()) throw std::runtime_error(r.error().message);
}

}  // namespace

std::vector<Dialect> dialects() {
  std::vector<Dialect> out{Dialect::sqlite};
  if (!admin_url().empty()) out.push_back(Dialect::postgres);
  return out;
}

TempDatabase::TempDatabase(Dialect dialect, int readers) : dialect_(dialect) {
  const int n = ++counter;
  if (dialect == Dialect::sqlite) {
    dir_ = std::filesystem::temp_directory_path() /
           ("kirim-test-" + std::to_string(getpid()) + "-" + std::to_string(n));
    std::filesystem::create_directories(dir_);
    url_ = "sqlite:" + (dir_ / "test.db").string();
  } else {
    pg_name_ = "kirim_test_" + std::to_string(getpid()) + "_" + std::to_string(n);
    admin_exec_outside_transaction("CREATE DATABASE " + pg_name_);
    url_ = with_database(admin_url(), pg_name_);
  }
  auto opened = open(url_, Options{readers});
  if (!opened.ok()) throw std::runtime_error(opened.error().message);
  db_ = std::move(opened).value();
}

TempDatabase::~TempDatabase() {
  db_.reset();
  if (dialect_ == Dialect::sqlite) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  } else {
    try {
      admin_exec_outside_transaction("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
}

}  // namespace kirim::db::testing
