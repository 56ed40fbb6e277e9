#include "db/postgres/postgres_database.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include <libpq-fe.h>
#include <poll.h>

namespace kirim::db::postgres {
namespace {

// Type OIDs (pg_type.h) whose text form Kirim reads back as numbers.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

Error pg_error(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg =
      std::string(what) + ": " + (res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
    msg.pop_back();
  const std::string_view sqlstate = state ? state : "";
  if (sqlstate == "23505") return make_error(Errc::conflict, std::move(msg));
  if (sqlstate.starts_with("23")) return make_error(Errc::invalid_argument, std::move(msg));
  if (sqlstate.starts_with("08") || sqlstate == "40001" || sqlstate == "40P01" ||
      sqlstate == "57P01" || PQstatus(conn) != CONNECTION_OK) {
    return make_error(Errc::unavailable, std::move(msg));
  }
  return make_error(Errc::internal, std::move(msg));
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    KIRIM_ASSIGN_OR_RETURN(auto res, run(sql, params));
    const int ncols = PQnfields(res.get());
    const int nrows = PQntuples(res.get());
    std::vector<std::string> columns;
    std::vector<Oid> types;
    for (int c = 0; c < ncols; ++c) {
      columns.emplace_back(PQfname(res.get(), c));
      types.push_back(PQftype(res.get(), c));
    }
    std::vector<std::vector<Value>> rows;
    rows.reserve(static_cast<std::size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      std::vector<Value> row;
      row.reserve(static_cast<std::size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res.get(), r, c)) {
          row.emplace_back(std::monostate{});
          continue;
        }
        const char* v = PQgetvalue(res.get(), r, c);
        switch (types[static_cast<std::size_t>(c)]) {
          case kInt2:
          case kInt4:
          case kInt8:
            row.emplace_back(static_cast<std::int64_t>(std::strtoll(v, nullptr, 10)));
            break;
          case kBool:
            row.emplace_back(static_cast<std::int64_t>(v[0] == 't' ? 1 : 0));
            break;
          case kFloat4:
          case kFloat8:
          case kNumeric:
            row.emplace_back(std::strtod(v, nullptr));
            break;
          default:
            row.emplace_back(
                std::string(v, static_cast<std::size_t>(PQgetlength(res.get(), r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return Rows(std::move(columns), std::move(rows));
  }

  Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params) override {
    KIRIM_ASSIGN_OR_RETURN(auto res, run(sql, params));
    const char* n = PQcmdTuples(res.get());
    return static_cast<std::int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
  }

  Result<void> exec_script(std::string_view sql) override {
    const std::string s(sql);
    Res res(PQexec(conn_, s.c_str()));
    const auto st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
      return pg_error(conn_, res.get(), "script failed");
    }
    return {};
  }

  // Reconnects a connection the server dropped; true when it is usable.
  bool ensure_alive() {
    if (PQstatus(conn_) == CONNECTION_OK) return true;
    PQreset(conn_);
    return PQstatus(conn_) == CONNECTION_OK;
  }

 private:
  struct ResDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using Res = std::unique_ptr<PGresult, ResDeleter>;

  Result<Res> run(std::string_view sql, std::span<const Value> params) {
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& v = params[i];
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        storage[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        storage[i] = buf;
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        storage[i] = *s;
      } else {
        continue;  // NULL
      }
      values[i] = storage[i].c_str();
    }
    const std::string s(sql);
    Res res(PQexecParams(conn_, s.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                         nullptr, nullptr, 0));
    const auto st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      return pg_error(conn_, res.get(), "query failed");
    }
    return res;
  }

  PGconn* conn_;
};

// A connection of its own that LISTENs on one channel.
class PgListener final : public Listener {
 public:
  PgListener(std::string url, std::string channel)
      : url_(std::move(url)), channel_(std::move(channel)) {}
  ~PgListener() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  Result<void> connect() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      return make_error(Errc::unavailable, "cannot connect to PostgreSQL to listen");
    }
    char* quoted = PQescapeIdentifier(conn_, channel_.c_str(), channel_.size());
    const std::string sql = std::string("LISTEN ") + (quoted ? quoted : channel_.c_str());
    if (quoted != nullptr) PQfreemem(quoted);
    PGresult* r = PQexec(conn_, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return make_error(Errc::unavailable, "LISTEN failed");
    return {};
  }

  bool wait(std::chrono::milliseconds timeout) override {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(1000)));
      return connect().ok();
    }
    if (drain()) return true;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n <= 0) return false;
    if (PQconsumeInput(conn_) == 0) {
      (void)connect();
      return true;
    }
    return drain();
  }

 private:
  bool drain() {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }

  std::string url_, channel_;
  PGconn* conn_ = nullptr;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string url, std::vector<std::unique_ptr<PgConnection>> conns)
      : url_(std::move(url)), conns_(std::move(conns)) {
    for (auto& c : conns_)
      free_.push_back(c.get());
    for (std::size_t i = 0; i < conns_.size(); ++i)
      async_threads_.emplace_back([this] { async_loop(); });
  }

  ~PgDatabase() override {
    {
      std::lock_guard lock(async_mu_);
      async_stopping_ = true;
    }
    async_cv_.notify_all();
    for (auto& t : async_threads_)
      t.join();
  }

  // Each unit is its own transaction on a pooled connection; asynchronous units run on one
  // thread per connection, so at most as many are in flight as there are connections.
  void write_async(Unit fn, Done done) override {
    {
      std::lock_guard lock(async_mu_);
      if (!async_stopping_) {
        async_queue_.emplace_back(std::move(fn), std::move(done));
        async_cv_.notify_one();
        return;
      }
    }
    done(make_error(Errc::unavailable, "database is closing"));
  }

  Dialect dialect() const override { return Dialect::postgres; }

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    auto lease = acquire();
    if (!lease.conn->ensure_alive()) {
      return make_error(Errc::unavailable, "cannot reach PostgreSQL");
    }
    return lease.conn->query(sql, params);
  }

  Result<void> write(Unit fn) override {
    auto lease = acquire();
    auto& c = *lease.conn;
    if (!c.ensure_alive()) return make_error(Errc::unavailable, "cannot reach PostgreSQL");
    KIRIM_TRY(c.exec_script("BEGIN"));
    Result<void> r;
    try {
      r = fn(c);
    } catch (const std::exception& e) {
      r = make_error(Errc::internal, std::string("unit threw: ") + e.what());
    }
    if (!r.ok()) {
      (void)c.exec_script("ROLLBACK");
      return r;
    }
    if (auto commit = c.exec_script("COMMIT"); !commit.ok()) {
      (void)c.exec_script("ROLLBACK");
      return commit;
    }
    ++commits_;
    return {};
  }

  Result<std::unique_ptr<Listener>> listen(const std::string& channel) override {
    auto l = std::make_unique<PgListener>(url_, channel);
    KIRIM_TRY(l->connect());
    return std::unique_ptr<Listener>(std::move(l));
  }

  Result<void> ping() override {
    auto r = query("SELECT 1", {});
    if (!r.ok()) return std::move(r).error();
    return {};
  }

  PoolStats stats() const override {
    std::lock_guard lock(mu_);
    PoolStats s;
    s.readers_total = static_cast<int>(conns_.size());
    s.readers_busy = static_cast<int>(conns_.size() - free_.size());
    s.commits = commits_;
    s.units_committed = commits_;
    return s;
  }

 private:
  struct Lease {
    PgDatabase* db;
    PgConnection* conn;
    Lease(PgDatabase* d, PgConnection* c) : db(d), conn(c) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      {
        std::lock_guard lock(db->mu_);
        db->free_.push_back(conn);
      }
      db->cv_.notify_one();
    }
  };

  Lease acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    auto* c = free_.back();
    free_.pop_back();
    return Lease(this, c);
  }

  void async_loop() {
    while (true) {
      std::pair<Unit, Done> job;
      {
        std::unique_lock lock(async_mu_);
        async_cv_.wait(lock, [&] { return async_stopping_ || !async_queue_.empty(); });
        if (async_queue_.empty()) return;  // stopping, and everything queued is done
        job = std::move(async_queue_.front());
        async_queue_.pop_front();
      }
      job.second(write(std::move(job.first)));
    }
  }

  std::string url_;
  std::vector<std::unique_ptr<PgConnection>> conns_;
  std::mutex async_mu_;
  std::condition_variable async_cv_;
  std::deque<std::pair<Unit, Done>> async_queue_;  // guarded by async_mu_
  bool async_stopping_ = false;                    // guarded by async_mu_
  std::vector<std::thread> async_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PgConnection*> free_;  // guarded by mu_
  std::atomic<std::uint64_t> commits_{0};
};

}  // namespace

Result<std::unique_ptr<Database>> open(const std::string& url, const Options& options) {
  std::vector<std::unique_ptr<PgConnection>> conns;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(c);
      PQfinish(c);
      while (!msg.empty() && msg.back() == '\n')
        msg.pop_back();
      return make_error(Errc::unavailable, "cannot connect to PostgreSQL: " + msg);
    }
    auto conn = std::make_unique<PgConnection>(c);
    KIRIM_TRY(conn->exec_script("SET client_min_messages TO warning"));
    conns.push_back(std::move(conn));
  }
  return std::unique_ptr<Database>(new PgDatabase(url, std::move(conns)));
}

}  // namespace kirim::db::postgres
