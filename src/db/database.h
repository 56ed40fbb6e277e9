#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

// The storage seam. Modules write SQL in named blocks with $1, $2 ... placeholders, valid on both
// SQLite and PostgreSQL, and run it through a Database. Every call blocks: call it from a blocking
// pool, never from an I/O thread.
namespace kirim::db {

enum class Dialect { sqlite, postgres };
[[nodiscard]] const char* dialect_name(Dialect d);

// NULL, an integer, a float, or text. Booleans are integers 0/1; times are integer milliseconds.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

[[nodiscard]] inline bool is_null(const Value& v) {
  return v.index() == 0;
}

// The rows a statement returned, with their column names.
class Rows {
 public:
  Rows() = default;
  Rows(std::vector<std::string> columns, std::vector<std::vector<Value>> rows)
      : columns_(std::move(columns)), rows_(std::move(rows)) {}

  [[nodiscard]] std::size_t size() const { return rows_.size(); }
  [[nodiscard]] bool empty() const { return rows_.empty(); }
  [[nodiscard]] const std::vector<std::string>& columns() const { return columns_; }
  [[nodiscard]] const std::vector<Value>& row(std::size_t i) const { return rows_[i]; }
  [[nodiscard]] std::size_t column(std::string_view name) const;  // npos when absent

  // Typed access by row and column name; NULL reads as 0 / "" / nullopt.
  [[nodiscard]] std::int64_t integer(std::size_t row, std::string_view col) const;
  [[nodiscard]] std::optional<std::int64_t> nullable_integer(std::size_t row,
                                                             std::string_view col) const;
  [[nodiscard]] double real(std::size_t row, std::string_view col) const;
  [[nodiscard]] std::string text(std::size_t row, std::string_view col) const;

  std::vector<std::vector<Value>>& mutable_rows() { return rows_; }

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<Value>> rows_;
};

// A connection inside a unit of work. Owned by the Database; valid only during the callback.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one statement; the rows it returns (none for most writes without RETURNING).
  virtual Result<Rows> query(std::string_view sql, std::span<const Value> params) = 0;
  // Runs one statement; the number of rows it changed.
  virtual Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Result<void> exec_script(std::string_view sql) = 0;

  Result<Rows> query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return query(sql, std::span<const Value>(params.begin(), params.size()));
  }
  Result<std::int64_t> exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    return exec(sql, std::span<const Value>(params.begin(), params.size()));
  }
};

// Notifications from other processes sharing the database (PostgreSQL LISTEN/NOTIFY). Owned by
// its caller; one thread waits on it at a time.
class Listener {
 public:
  virtual ~Listener() = default;
  // Blocks up to timeout; true when at least one notification arrived (all are consumed).
  // Reconnects by itself after a lost connection (and then returns true, since a notification
  // may have been missed).
  [[nodiscard]] virtual bool wait(std::chrono::milliseconds timeout) = 0;
};

struct PoolStats {
  int readers_total = 0;
  int readers_busy = 0;
  std::int64_t writes_queued = 0;     // units waiting for the writer
  std::uint64_t commits = 0;          // transactions committed by the writer
  std::uint64_t units_committed = 0;  // units in those transactions (units/commit = group size)
};

// A database back end. Thread-safe: any number of threads may call it at once. Owns its
// connections; destroying it waits for queued writes to finish.
class Database {
 public:
  virtual ~Database() = default;
  [[nodiscard]] virtual Dialect dialect() const = 0;

  // A read on a pooled connection. Must not modify data.
  virtual Result<Rows> query(std::string_view sql, std::span<const Value> params) = 0;
  Result<Rows> query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return query(sql, std::span<const Value>(params.begin(), params.size()));
  }

  // A unit of work: fn runs inside a transaction and all its changes are kept only if it returns
  // success. On SQLite, units from many threads are committed together by one writer; a failing
  // unit rolls back only itself. fn may run on another thread; it must not call back into this
  // Database (use the Connection it gets).
  using Unit = std::function<Result<void>(Connection&)>;
  virtual Result<void> write(Unit fn) = 0;
  // The same unit without blocking the caller: done(result) is called once, after the commit (or
  // the failure), on the database's own thread. done must be quick and must not call back into
  // this Database; post real work elsewhere. Safe from an I/O thread.
  using Done = std::function<void(Result<void>)>;
  virtual void write_async(Unit fn, Done done) = 0;

  // A single write statement as its own unit; returns the rows it returned (RETURNING).
  Result<Rows> write_query(std::string_view sql, std::initializer_list<Value> params = {});
  // A single write statement as its own unit; returns the number of rows it changed.
  Result<std::int64_t> write_exec(std::string_view sql, std::initializer_list<Value> params = {});

  // Succeeds when the database answers a trivial query.
  virtual Result<void> ping() = 0;
  // Listens on a channel; nullptr where the back end has no notifications (SQLite: one process
  // owns the file, so in-process wake-ups suffice). Raise them with "SELECT pg_notify(...)".
  [[nodiscard]] virtual Result<std::unique_ptr<Listener>> listen(const std::string& channel) {
    (void)channel;
    return std::unique_ptr<Listener>();
  }
  [[nodiscard]] virtual PoolStats stats() const = 0;
};

struct Options {
  int readers = 4;  // read connections (SQLite) or pool size (PostgreSQL)
};

// Opens "sqlite:PATH" (creating the file and its directory) or "postgres://...".
[[nodiscard]] Result<std::unique_ptr<Database>> open(const std::string& url,
                                                     const Options& options);

}  // namespace kirim::db
