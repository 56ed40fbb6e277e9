#include "db/sqlite/sqlite_database.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <sqlite3.h>

#include "core/log.h"

namespace kirim::db::sqlite {
namespace {

// Most units a writer puts in one transaction; more wait for the next commit.
constexpr std::size_t kMaxGroupSize = 512;
// How long a connection waits on a lock held by another process before giving up.
constexpr int kBusyTimeoutMs = 5000;

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  const int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return make_error(Errc::conflict, std::move(msg));
    }
    return make_error(Errc::invalid_argument, std::move(msg));
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return make_error(Errc::unavailable, std::move(msg));
  }
  return make_error(Errc::internal, std::move(msg));
}

// One SQLite connection with its cache of prepared statements. Used by one thread at a time.
class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_)
      sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    KIRIM_ASSIGN_OR_RETURN(auto* stmt, prepare(sql, params));
    std::vector<std::string> columns;
    const int n = sqlite3_column_count(stmt);
    columns.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      columns.emplace_back(sqlite3_column_name(stmt, i));
    std::vector<std::vector<Value>> rows;
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        auto err = sqlite_error(db_, rc, "query failed");
        sqlite3_reset(stmt);
        return err;
      }
      std::vector<Value> row;
      row.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, i)));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(stmt, i));
            break;
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          default: {
            const auto* p = sqlite3_column_blob(stmt, i);
            const int len = sqlite3_column_bytes(stmt, i);
            row.emplace_back(
                std::string(static_cast<const char*>(p ? p : ""), static_cast<std::size_t>(len)));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return Rows(std::move(columns), std::move(rows));
  }

  Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params) override {
    KIRIM_ASSIGN_OR_RETURN(auto* stmt, prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      auto err = sqlite_error(db_, rc, "statement failed");
      sqlite3_reset(stmt);
      return err;
    }
    sqlite3_reset(stmt);
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  Result<void> exec_script(std::string_view sql) override {
    const std::string s(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      auto e = sqlite_error(db_, rc, "script failed");
      sqlite3_free(err);
      return e;
    }
    return {};
  }

  sqlite3* handle() { return db_; }

 private:
  Result<sqlite3_stmt*> prepare(std::string_view sql, std::span<const Value> params) {
    auto it = cache_.find(std::string(sql));
    sqlite3_stmt* stmt = nullptr;
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      const auto translated = translate_placeholders(sql);
      const int rc =
          sqlite3_prepare_v3(db_, translated.c_str(), static_cast<int>(translated.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, "prepare failed");
      cache_.emplace(std::string(sql), stmt);
    }
    sqlite3_clear_bindings(stmt);
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<std::size_t>(expected) != params.size()) {
      return make_error(Errc::internal, "statement expects " + std::to_string(expected) +
                                            " parameters, got " + std::to_string(params.size()));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      const auto& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind failed");
    }
    return stmt;
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

Result<std::unique_ptr<SqliteConnection>> connect(const std::string& path, bool writer) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto err = sqlite_error(db, rc, "cannot open " + path);
    sqlite3_close_v2(db);
    err.code = Errc::unavailable;
    return err;
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // synchronous=FULL: a commit the writer acknowledged survives power loss; group commit pays
  // for the fsync once per group instead of once per write.
  const char* pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                 "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                               : "PRAGMA foreign_keys=ON; PRAGMA query_only=ON; "
                                 "PRAGMA temp_store=MEMORY;";
  KIRIM_TRY(conn->exec_script(pragmas));
  return conn;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<SqliteConnection> writer,
                 std::vector<std::unique_ptr<SqliteConnection>> readers)
      : writer_conn_(std::move(writer)), readers_(std::move(readers)) {
    for (auto& r : readers_)
      free_readers_.push_back(r.get());
    writer_thread_ = std::thread([this] { writer_loop(); });
  }

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(write_mu_);
      stopping_ = true;
    }
    write_cv_.notify_all();
    writer_thread_.join();
  }

  Dialect dialect() const override { return Dialect::sqlite; }

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    SqliteConnection* conn = nullptr;
    {
      std::unique_lock lock(read_mu_);
      read_cv_.wait(lock, [&] { return !free_readers_.empty(); });
      conn = free_readers_.back();
      free_readers_.pop_back();
    }
    auto r = conn->query(sql, params);
    {
      std::lock_guard lock(read_mu_);
      free_readers_.push_back(conn);
    }
    read_cv_.notify_one();
    return r;
  }

  Result<void> write(Unit fn) override {
    std::promise<Result<void>> promise;
    auto done = promise.get_future();
    write_async(std::move(fn), [&promise](Result<void> r) { promise.set_value(std::move(r)); });
    return done.get();
  }

  void write_async(Unit fn, Done done) override {
    auto p = std::make_unique<Pending>(Pending{std::move(fn), std::move(done)});
    {
      std::lock_guard lock(write_mu_);
      if (!stopping_) {
        queue_.push_back(std::move(p));  // leaves p empty
      }
    }
    if (p) {
      p->done(make_error(Errc::unavailable, "database is closing"));
      return;
    }
    write_cv_.notify_one();
  }

  Result<void> ping() override {
    return query("SELECT 1", {}).ok() ? Result<void>{} : ping_error();
  }

  PoolStats stats() const override {
    PoolStats s;
    {
      std::lock_guard lock(read_mu_);
      s.readers_total = static_cast<int>(readers_.size());
      s.readers_busy = static_cast<int>(readers_.size() - free_readers_.size());
    }
    {
      std::lock_guard lock(write_mu_);
      s.writes_queued = static_cast<std::int64_t>(queue_.size());
    }
    s.commits = commits_.load(std::memory_order_relaxed);
    s.units_committed = units_committed_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  struct Pending {
    Unit fn;
    Done done;
  };

  static Result<void> ping_error() {
    return make_error(Errc::unavailable, "database does not answer");
  }

  // Drains the queue in groups: one transaction per group, one savepoint per unit, so a failing
  // unit rolls back alone and the others commit together (one fsync for the whole group).
  void writer_loop() {
    while (true) {
      std::vector<std::unique_ptr<Pending>> group;
      {
        std::unique_lock lock(write_mu_);
        write_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued is done
        while (!queue_.empty() && group.size() < kMaxGroupSize) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      run_group(group);
    }
  }

  void run_group(const std::vector<std::unique_ptr<Pending>>& group) {
    auto& c = *writer_conn_;
    std::vector<Result<void>> results(group.size());
    if (auto begin = c.exec_script("BEGIN IMMEDIATE"); !begin.ok()) {
      for (const auto& p : group)
        p->done(begin.error());
      return;
    }
    bool aborted = false;
    std::size_t ok_units = 0;
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (aborted) {
        results[i] = make_error(Errc::unavailable, "transaction aborted by an earlier failure");
        continue;
      }
      (void)c.exec_script("SAVEPOINT kirim_unit");
      Result<void> r;
      try {
        r = group[i]->fn(c);
      } catch (const std::exception& e) {
        r = make_error(Errc::internal, std::string("unit threw: ") + e.what());
      }
      if (sqlite3_get_autocommit(c.handle())) {
        // SQLite rolled the whole transaction back (e.g. disk full): nothing of this group stands.
        aborted = true;
        results[i] = r.ok() ? make_error(Errc::unavailable, "transaction rolled back") : r;
        for (std::size_t j = 0; j < i; ++j) {
          if (results[j].ok())
            results[j] = make_error(Errc::unavailable, "transaction rolled back");
        }
        continue;
      }
      if (r.ok()) {
        (void)c.exec_script("RELEASE kirim_unit");
        ++ok_units;
      } else {
        (void)c.exec_script("ROLLBACK TO kirim_unit; RELEASE kirim_unit");
      }
      results[i] = std::move(r);
    }
    if (!aborted) {
      if (auto commit = c.exec_script("COMMIT"); !commit.ok()) {
        (void)c.exec_script("ROLLBACK");
        for (auto& r : results) {
          if (r.ok()) r = commit.error();
        }
      } else {
        commits_.fetch_add(1, std::memory_order_relaxed);
        units_committed_.fetch_add(ok_units, std::memory_order_relaxed);
      }
    }
    for (std::size_t i = 0; i < group.size(); ++i)
      group[i]->done(std::move(results[i]));
  }

  std::unique_ptr<SqliteConnection> writer_conn_;  // used only by writer_thread_
  std::vector<std::unique_ptr<SqliteConnection>> readers_;

  mutable std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<SqliteConnection*> free_readers_;  // guarded by read_mu_

  mutable std::mutex write_mu_;
  std::condition_variable write_cv_;
  std::deque<std::unique_ptr<Pending>> queue_;  // guarded by write_mu_
  bool stopping_ = false;                       // guarded by write_mu_

  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> units_committed_{0};
  std::thread writer_thread_;
};

}  // namespace

std::string translate_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n')
        out += sql[i++];
      if (i < sql.size()) out += '\n';
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<Database>> open(const std::string& path, const Options& options) {
  KIRIM_ASSIGN_OR_RETURN(auto writer, connect(path, true));
  std::vector<std::unique_ptr<SqliteConnection>> readers;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    KIRIM_ASSIGN_OR_RETURN(auto r, connect(path, false));
    readers.push_back(std::move(r));
  }
  return std::unique_ptr<Database>(new SqliteDatabase(std::move(writer), std::move(readers)));
}

}  // namespace kirim::db::sqlite
