#include "db/backup.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "db/migrations.h"

extern char** environ;

namespace kirim::db {
namespace {

namespace fs = std::filesystem;

// How long our connection waits for a lock the server holds for a moment (a checkpoint).
constexpr int kBusyTimeoutMs = 5000;
// Restarts of the SQLite copy tolerated before giving up. The copy reads one snapshot, so it
// should never restart; the bound turns a surprise into an error instead of an endless loop.
constexpr int kMaxCopyRestarts = 3;
// Consecutive steps that found the source busy before giving up (each waits kBusyTimeoutMs).
constexpr int kMaxBusySteps = 3;
// Backups taken within the same second get -2, -3 ... up to this many.
constexpr int kMaxSameSecond = 1000;
// How often a running pg_dump / pg_restore is looked at for progress.
constexpr int kToolPollMs = 200;
// Output of a child process kept for error messages and parsing; the rest is read and dropped.
constexpr std::size_t kToolOutputLimit = 4u << 20;
// Where Debian installs each PostgreSQL version's client programs.
constexpr std::string_view kPostgresLibDir = "/usr/lib/postgresql";

constexpr std::string_view kSqliteExtension = ".db";
constexpr std::string_view kPostgresExtension = ".dump";
constexpr std::string_view kPartSuffix = ".part";

Error io_error(const std::string& what, int err) {
  return make_error(Errc::internal, what + ": " + std::strerror(err));
}

// ---------------------------------------------------------------------------------------------
// Names

// "sqlite:PATH" or "sqlite://PATH" -> PATH, as db::open reads it.
std::optional<std::string> sqlite_path(const std::string& url) {
  if (!url.starts_with("sqlite:")) return std::nullopt;
  std::string path = url.substr(7);
  if (path.starts_with("//")) path = path.substr(2);
  return path;
}

bool is_postgres(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

// "YYYYMMDD-HHMMSS" in UTC.
std::string utc_stamp(std::int64_t epoch_ms) {
  const std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

struct ParsedName {
  Dialect dialect;
  std::int64_t taken_at;  // ms
  int sequence;           // 1 for the first of its second, then 2, 3 ...
};

// kirim-YYYYMMDD-HHMMSS[-N].db|.dump, and nothing else: retention never touches a file whose
// name this module did not make.
std::optional<ParsedName> parse_backup_name(std::string_view name) {
  // Takes `count` digits off the front of name.
  const auto digits = [&name](std::size_t count) -> std::optional<int> {
    if (name.size() < count) return std::nullopt;
    int v = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (name[i] < '0' || name[i] > '9') return std::nullopt;
      v = v * 10 + (name[i] - '0');
    }
    name.remove_prefix(count);
    return v;
  };
  const auto literal = [&name](std::string_view s) {
    if (!name.starts_with(s)) return false;
    name.remove_prefix(s.size());
    return true;
  };
  if (!literal("kirim-")) return std::nullopt;
  const auto year = digits(4), month = digits(2), day = digits(2);
  if (!year || !month || !day || !literal("-")) return std::nullopt;
  const auto hour = digits(2), minute = digits(2), second = digits(2);
  if (!hour || !minute || !second) return std::nullopt;
  int sequence = 1;
  if (literal("-")) {
    std::size_t n = 0;
    while (n < name.size() && n < 5 && name[n] >= '0' && name[n] <= '9')
      ++n;
    const auto seq = n == 0 || n > 4 || name[0] == '0' ? std::nullopt : digits(n);
    if (!seq || *seq < 2) return std::nullopt;
    sequence = *seq;
  }
  Dialect dialect;
  if (name == kSqliteExtension) {
    dialect = Dialect::sqlite;
  } else if (name == kPostgresExtension) {
    dialect = Dialect::postgres;
  } else {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return ParsedName{dialect, static_cast<std::int64_t>(t) * 1000, sequence};
}

// ---------------------------------------------------------------------------------------------
// Files

Result<void> fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open " + path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return io_error("cannot sync " + path, err);
  return {};
}

Result<void> rename_durably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return io_error("cannot rename " + from + " to " + to, errno);
  }
  return fsync_path(fs::path(to).parent_path().string(), true);
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::int64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto n = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::int64_t>(n);
}

// A file being written under a temporary name, reserved with O_EXCL so that two processes never
// pick the same one. Removed (with any journal SQLite made beside it) unless kept.
class PartFile {
 public:
  PartFile() = default;
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;
  ~PartFile() {
    if (path_.empty()) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      ::unlink((path_ + suffix).c_str());
    }
  }

  // Creates path exclusively; false when it exists.
  Result<bool> reserve(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) return false;
      return io_error("cannot create " + path, errno);
    }
    ::close(fd);
    path_ = path;
    return true;
  }
  // The file was renamed away; only SQLite's leftovers beside the old name remain to remove.
  void renamed() {
    for (const char* suffix : {"-journal", "-wal", "-shm"}) {
      ::unlink((path_ + suffix).c_str());
    }
    path_.clear();
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Reserves dir/<base>[-N]<ext>.part for the first N whose final name is free too.
Result<std::string> reserve_name(PartFile& part, const std::string& dir, const std::string& base,
                                 std::string_view ext) {
  for (int n = 1; n <= kMaxSameSecond; ++n) {
    const std::string final_path =
        (fs::path(dir) / (base + (n == 1 ? "" : "-" + std::to_string(n)) + std::string(ext)))
            .string();
    std::error_code ec;
    if (fs::exists(final_path, ec)) continue;
    KIRIM_ASSIGN_OR_RETURN(const bool reserved,
                           part.reserve(final_path + std::string(kPartSuffix)));
    if (reserved) return final_path;
  }
  return make_error(Errc::conflict, "too many backups named " + base + " in " + dir);
}

struct NamedBackup {
  BackupFile file;
  int sequence = 1;
};

Result<std::vector<NamedBackup>> scan(const std::string& dir) {
  std::vector<NamedBackup> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;
    const auto parsed = parse_backup_name(entry.path().filename().string());
    if (!parsed) continue;
    NamedBackup b;
    b.file.path = entry.path().string();
    b.file.dialect = parsed->dialect;
    b.file.bytes = file_size(b.file.path);
    b.file.taken_at = parsed->taken_at;
    b.sequence = parsed->sequence;
    out.push_back(std::move(b));
  }
  if (ec) return make_error(Errc::internal, "cannot list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const NamedBackup& a, const NamedBackup& b) {
    if (a.file.taken_at != b.file.taken_at) return a.file.taken_at > b.file.taken_at;
    if (a.sequence != b.sequence) return a.sequence > b.sequence;
    return a.file.path > b.file.path;
  });
  return out;
}

// Deletes the backups of this kind beyond the newest `keep`, never the one just made (a clock
// set back could make it look older than the others).
std::vector<std::string> apply_retention(const std::string& dir, Dialect kind, int keep,
                                         const std::string& just_made) {
  std::vector<std::string> removed;
  auto all = scan(dir);
  if (!all.ok()) {
    log::warn("backup retention skipped", {{"error", all.error().message}});
    return removed;
  }
  int kept = 1;  // just_made
  for (const auto& b : *all) {
    if (b.file.dialect != kind || b.file.path == just_made) continue;
    if (kept < keep) {
      ++kept;
      continue;
    }
    std::error_code ec;
    if (fs::remove(b.file.path, ec)) {
      removed.push_back(b.file.path);
      log::info("old backup removed", {{"path", b.file.path}});
    } else if (ec) {
      log::warn("cannot remove old backup", {{"path", b.file.path}, {"error", ec.message()}});
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// SQLite

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

struct BackupCloser {
  void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
};
using BackupHandle = std::unique_ptr<sqlite3_backup, BackupCloser>;

Error sqlite_error(sqlite3* db, Errc code, const std::string& what) {
  return make_error(code, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

Result<SqliteHandle> sqlite_open(const std::string& path, int flags, Errc code = Errc::internal) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) return sqlite_error(raw, code, "cannot open " + path);
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Result<void> sqlite_exec(sqlite3* db, const char* sql, Errc code = Errc::internal) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite_error(db, code, sql);
  }
  return {};
}

// The first column of every row the statement returns, as text.
Result<std::vector<std::string>> sqlite_column(sqlite3* db, const char* sql,
                                               Errc code = Errc::internal) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return sqlite_error(db, code, sql);
  }
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return sqlite_error(db, code, sql);
  return out;
}

bool is_busy(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

// What a copy says about itself: the schema version and whether integrity_check passes.
// not_kirim: no schema_migrations table.
struct CopyCheck {
  bool not_kirim = false;
  int schema_version = 0;
  std::string integrity;  // "ok", or the first problem found
};

Result<CopyCheck> check_copy(sqlite3* db) {
  CopyCheck check;
  KIRIM_ASSIGN_OR_RETURN(
      auto tables, sqlite_column(db,
                                 "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND "
                                 "name = 'schema_migrations'",
                                 Errc::invalid_argument));
  check.not_kirim = tables.empty() || tables.front() != "1";
  if (!check.not_kirim) {
    KIRIM_ASSIGN_OR_RETURN(
        auto version, sqlite_column(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                                    Errc::invalid_argument));
    check.schema_version = version.empty() ? 0 : std::atoi(version.front().c_str());
  }
  KIRIM_ASSIGN_OR_RETURN(auto integrity,
                         sqlite_column(db, "PRAGMA integrity_check", Errc::invalid_argument));
  check.integrity = integrity.empty() ? "no answer" : integrity.front();
  return check;
}

// Copies the live database at src_path into the empty file part_path.
//
// Consistency: the source connection opens one read transaction before the first step and keeps
// it to the last, so every step reads the same WAL snapshot: the copy is the database as of one
// commit, whatever the server's writer commits meanwhile, and the backup never restarts (it
// restarts only when its source connection sees a change between steps, which a held snapshot
// rules out). In WAL mode a reader blocks no writer, so the server is not held up; the price is
// that the WAL cannot be checkpointed past the snapshot until the copy ends, so it grows for the
// duration. The pause between steps leaves the disk to the writer now and then.
Result<int> copy_sqlite(const std::string& src_path, const std::string& part_path,
                        const BackupOptions& options) {
  KIRIM_ASSIGN_OR_RETURN(auto src, sqlite_open(src_path, SQLITE_OPEN_READWRITE, Errc::unavailable));
  sqlite3_busy_timeout(src.get(), kBusyTimeoutMs);
  KIRIM_TRY(sqlite_exec(src.get(), "PRAGMA query_only = ON", Errc::unavailable));
  KIRIM_TRY(sqlite_exec(src.get(), "BEGIN", Errc::unavailable));
  // The first read starts the transaction and pins its snapshot.
  KIRIM_TRY(sqlite_column(src.get(), "SELECT COUNT(*) FROM sqlite_schema", Errc::unavailable));

  KIRIM_ASSIGN_OR_RETURN(auto dst, sqlite_open(part_path, SQLITE_OPEN_READWRITE, Errc::internal));
  // The copy is a temporary file deleted on any failure: no journal needed until it is done.
  KIRIM_TRY(sqlite_exec(dst.get(), "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF"));
  {
    BackupHandle b(sqlite3_backup_init(dst.get(), "main", src.get(), "main"));
    if (!b) return sqlite_error(dst.get(), Errc::internal, "cannot start the backup");
    int restarts = 0;
    int busy = 0;
    int last_remaining = -1;
    while (true) {
      const int rc = sqlite3_backup_step(b.get(), std::max(1, options.pages_per_step));
      const int total = sqlite3_backup_pagecount(b.get());
      const int remaining = sqlite3_backup_remaining(b.get());
      if (last_remaining >= 0 && remaining > last_remaining && ++restarts > kMaxCopyRestarts) {
        return make_error(Errc::unavailable, "the backup of " + src_path + " restarted " +
                                                 std::to_string(restarts) + " times");
      }
      last_remaining = remaining;
      if (options.progress) options.progress(total - remaining, total);
      if (rc == SQLITE_DONE) break;
      if (rc == SQLITE_OK) {
        busy = 0;
      } else if (is_busy(rc)) {
        if (++busy > kMaxBusySteps) {
          return make_error(Errc::unavailable, src_path + " stayed locked; try again");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(kBusyTimeoutMs / 10));
        continue;
      } else {
        return make_error(Errc::unavailable,
                          "backup of " + src_path + " failed: " + sqlite3_errstr(rc));
      }
      if (options.step_pause.count() > 0) std::this_thread::sleep_for(options.step_pause);
    }
    const int rc = sqlite3_backup_finish(b.release());
    if (rc != SQLITE_OK) return sqlite_error(dst.get(), Errc::internal, "backup failed");
  }
  (void)sqlite_exec(src.get(), "COMMIT");
  src.reset();

  // The copy carries the source's WAL flag; a backup at rest is better as one self-contained
  // file that opens read-only anywhere. The server switches it back to WAL when it opens it.
  KIRIM_ASSIGN_OR_RETURN(auto mode, sqlite_column(dst.get(), "PRAGMA journal_mode = DELETE"));
  if (mode.empty() || mode.front() != "delete") {
    return make_error(Errc::internal, "cannot take the copy out of WAL mode");
  }
  auto check = check_copy(dst.get());
  if (!check.ok()) {
    return make_error(Errc::internal, "cannot check the copy: " + check.error().message);
  }
  if (check->integrity != "ok") {
    return make_error(Errc::internal, "the copy fails PRAGMA integrity_check: " + check->integrity);
  }
  return check->schema_version;
}

// Exclusive use of an SQLite database file: proof that no other process has it open, held while
// restore replaces the file. A connection with locking_mode=EXCLUSIVE asks to take the database
// out of WAL mode, which SQLite grants only to the sole connection of the sole process: every
// connection that has read a WAL database holds a shared lock on it until it closes, and Kirim's
// writer reads at open, so a running server (or a running backup) makes this fail at once with
// BUSY. The lock is then held (BEGIN EXCLUSIVE) across the renames, so no process can start using
// the old file in between. A lock file would stop only the processes that know of it; SQLite's
// own locks stop every SQLite client.
class ExclusiveUse {
 public:
  // nullptr when the file is not an SQLite database at all.
  static Result<std::unique_ptr<ExclusiveUse>> take(const std::string& path) {
    KIRIM_ASSIGN_OR_RETURN(auto db, sqlite_open(path, SQLITE_OPEN_READWRITE, Errc::unavailable));
    sqlite3_busy_timeout(db.get(), 0);
    const auto in_use = [&path] {
      return make_error(Errc::conflict,
                        "the database " + path +
                            " is in use (a running kirim serve, or a backup): stop it first");
    };
    KIRIM_TRY(sqlite_exec(db.get(), "PRAGMA locking_mode = EXCLUSIVE"));
    auto mode = sqlite_column(db.get(), "PRAGMA journal_mode = DELETE");
    if (!mode.ok()) {
      const int rc = sqlite3_errcode(db.get());
      if (is_busy(rc)) return in_use();
      // No process can be serving a file that is no database: nothing to lock, just replace it.
      if (rc == SQLITE_NOTADB) return std::unique_ptr<ExclusiveUse>();
      return std::move(mode).error();
    }
    if (mode->empty() || mode->front() != "delete") return in_use();
    if (auto r = sqlite_exec(db.get(), "BEGIN EXCLUSIVE"); !r.ok()) {
      if (is_busy(sqlite3_errcode(db.get()))) return in_use();
      return std::move(r).error();
    }
    return std::unique_ptr<ExclusiveUse>(new ExclusiveUse(std::move(db)));
  }

  ~ExclusiveUse() {
    // Nothing was written: no journal to roll back, the lock goes with the connection.
    (void)sqlite_exec(db_.get(), "ROLLBACK");
  }
  ExclusiveUse(const ExclusiveUse&) = delete;
  ExclusiveUse& operator=(const ExclusiveUse&) = delete;

 private:
  explicit ExclusiveUse(SqliteHandle db) : db_(std::move(db)) {}
  SqliteHandle db_;
};

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

// <db>.before-restore-YYYYMMDD-HHMMSS[-N], the first that is free.
Result<std::string> kept_name(const std::string& target, std::int64_t now_ms) {
  const std::string base = target + ".before-restore-" + utc_stamp(now_ms);
  for (int n = 1; n <= kMaxSameSecond; ++n) {
    const std::string name = base + (n == 1 ? "" : "-" + std::to_string(n));
    if (!exists(name)) return name;
  }
  return make_error(Errc::conflict, "too many files named " + base);
}

Result<RestoreInfo> restore_sqlite(const std::string& target, const std::string& file,
                                   const RestoreOptions& options) {
  if (!is_file(file)) return make_error(Errc::invalid_argument, file + " is not a file");
  const std::string dir = fs::path(target).parent_path().string();
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(Errc::internal, "cannot create " + dir + ": " + ec.message());
  }

  // 1. A private copy beside the target (same file system, so the final rename is atomic),
  //    made through SQLite so that a file that is no database is told apart at once.
  PartFile part;
  KIRIM_ASSIGN_OR_RETURN(
      const bool reserved,
      part.reserve(target + ".restore-" + std::to_string(::getpid()) + std::string(kPartSuffix)));
  if (!reserved) return make_error(Errc::conflict, "a restore of " + target + " is running");
  CopyCheck check;
  {
    KIRIM_ASSIGN_OR_RETURN(auto src,
                           sqlite_open(file, SQLITE_OPEN_READONLY, Errc::invalid_argument));
    KIRIM_ASSIGN_OR_RETURN(auto dst, sqlite_open(part.path(), SQLITE_OPEN_READWRITE));
    KIRIM_TRY(sqlite_exec(dst.get(), "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF"));
    BackupHandle b(sqlite3_backup_init(dst.get(), "main", src.get(), "main"));
    if (!b) return sqlite_error(dst.get(), Errc::internal, "cannot start the copy");
    const int rc = sqlite3_backup_step(b.get(), -1);
    b.reset();
    if (rc != SQLITE_DONE) {
      if ((rc & 0xff) == SQLITE_NOTADB) {
        return make_error(Errc::invalid_argument, file + " is not an SQLite database");
      }
      return make_error(Errc::invalid_argument, "cannot read " + file + ": " + sqlite3_errstr(rc));
    }
    // Whatever mode the file was in, the copy starts out of WAL mode (the server turns WAL on).
    KIRIM_TRY(sqlite_column(dst.get(), "PRAGMA journal_mode = DELETE"));
    auto checked = check_copy(dst.get());
    if (!checked.ok()) {
      return make_error(Errc::invalid_argument,
                        file + " cannot be read as a Kirim database: " + checked.error().message);
    }
    check = std::move(checked).value();
  }
  if (check.not_kirim) {
    return make_error(Errc::invalid_argument,
                      file + " is not a Kirim database (it has no schema_migrations table)");
  }
  if (check.integrity != "ok") {
    return make_error(Errc::invalid_argument,
                      file + " fails PRAGMA integrity_check: " + check.integrity);
  }
  const int latest = latest_version(Dialect::sqlite);
  if (check.schema_version > latest) {
    return make_error(Errc::invalid_argument,
                      file + " has schema version " + std::to_string(check.schema_version) +
                          " but this kirim knows versions up to " + std::to_string(latest) +
                          ": restore it with a newer kirim");
  }
  KIRIM_TRY(fsync_path(part.path(), false));

  RestoreInfo info;
  info.schema_version = check.schema_version;
  const std::string wal = target + "-wal";
  const std::string shm = target + "-shm";
  if (!exists(target)) {
    // A WAL without its database would be read as part of the restored one.
    if (exists(wal)) {
      return make_error(Errc::conflict, wal + " exists without " + target + "; move it away first");
    }
    (void)::unlink(shm.c_str());
    // link() fails if a database appeared meanwhile: never replace one that was not locked.
    if (::link(part.path().c_str(), target.c_str()) != 0) {
      return io_error("cannot create " + target, errno);
    }
    KIRIM_TRY(fsync_path(dir.empty() ? "." : dir, true));
    return info;  // part's destructor removes the temporary name
  }

  // The restored file gets the current one's permissions and, when allowed (root), its owner:
  // a restore run as another user must not lock the server out of its database.
  struct stat current {};
  if (::stat(target.c_str(), &current) == 0) {
    (void)::chmod(part.path().c_str(), current.st_mode & 07777);
    (void)!::chown(part.path().c_str(), current.st_uid, current.st_gid);
  }

  // 2. Exclusive use of the current database, held until the new one has its name.
  KIRIM_ASSIGN_OR_RETURN(auto lock, ExclusiveUse::take(target));
  // Out of WAL mode now, the old file is complete by itself; a -shm may linger.
  (void)::unlink(wal.c_str());
  (void)::unlink(shm.c_str());
  KIRIM_ASSIGN_OR_RETURN(info.kept, kept_name(target, options.clock->now_ms()));
  // 3. Keep the old file under a second name (a hard link: the target name never goes missing),
  //    then move the new one over the target in one rename.
  if (::link(target.c_str(), info.kept.c_str()) != 0) {
    return io_error("cannot keep " + target + " as " + info.kept, errno);
  }
  if (::rename(part.path().c_str(), target.c_str()) != 0) {
    const int err = errno;
    (void)::unlink(info.kept.c_str());
    return io_error("cannot move the restored database to " + target, err);
  }
  part.renamed();
  KIRIM_TRY(fsync_path(dir.empty() ? "." : dir, true));
  lock.reset();
  return info;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: pg_dump and pg_restore as child processes

// The URL as libpq keyword/value pairs without the password, which goes to the child in
// PGPASSWORD instead: a command line is visible to every user of the machine.
struct PgTarget {
  std::string conninfo;
  std::string password;
};

Result<PgTarget> pg_target(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (!options) {
    std::string msg = err ? err : "out of memory";
    PQfreemem(err);
    while (!msg.empty() && msg.back() == '\n')
      msg.pop_back();
    return make_error(Errc::invalid_argument, "bad PostgreSQL URL: " + msg);
  }
  PgTarget target;
  for (const auto* o = options; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    const std::string_view keyword = o->keyword;
    if (keyword == "password") {
      target.password = o->val;
      continue;
    }
    std::string quoted;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\'' || *c == '\\') quoted += '\\';
      quoted += *c;
    }
    if (!target.conninfo.empty()) target.conninfo += ' ';
    target.conninfo += std::string(keyword) + "='" + quoted + "'";
  }
  PQconninfoFree(options);
  return target;
}

bool is_executable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// PATH first, then the newest /usr/lib/postgresql/<version>/bin (pg_dump must be at least as
// new as the server).
Result<std::string> find_tool(const std::string& name) {
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const auto dir = rest.substr(0, colon);
      if (!dir.empty() && is_executable(fs::path(dir) / name)) {
        return (fs::path(dir) / name).string();
      }
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  int best_version = -1;
  std::string best;
  std::error_code ec;
  for (fs::directory_iterator it(kPostgresLibDir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const auto& entry = *it;
    const auto version_name = entry.path().filename().string();
    int version = 0;
    const auto [end, parse_ec] =
        std::from_chars(version_name.data(), version_name.data() + version_name.size(), version);
    if (parse_ec != std::errc() || end != version_name.data() + version_name.size()) continue;
    const auto candidate = entry.path() / "bin" / name;
    if (version > best_version && is_executable(candidate)) {
      best_version = version;
      best = candidate.string();
    }
  }
  if (!best.empty()) return best;
  return make_error(Errc::unavailable, name + " not found on PATH or under " +
                                           std::string(kPostgresLibDir) +
                                           "/*/bin (install the PostgreSQL client)");
}

struct ToolOutput {
  int exit_code = 0;
  std::string out;
  std::string err;
};

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// Runs exe with args to its end, collecting its standard output and error; tick runs every
// kToolPollMs while it works. The child gets the environment plus PGPASSWORD (when given).
Result<ToolOutput> run_tool(const std::string& exe, const std::vector<std::string>& args,
                            const std::string& password, const std::function<void()>& tick) {
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return io_error("pipe", errno);
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return io_error("pipe", errno);
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);

  std::vector<std::string> argv_storage{exe};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_storage;
  for (char** e = environ; e && *e; ++e) {
    if (!std::string_view(*e).starts_with("PGPASSWORD=")) env_storage.emplace_back(*e);
  }
  if (!password.empty()) env_storage.push_back("PGPASSWORD=" + password);
  std::vector<char*> envp;
  for (auto& e : env_storage)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return make_error(Errc::unavailable, "cannot run " + exe + ": " + std::strerror(spawned));
  }
  out_write.reset();
  err_write.reset();

  ToolOutput result;
  bool out_open = true;
  bool err_open = true;
  char buf[16384];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out_read.get() : -1, POLLIN, 0},
                     {err_open ? err_read.get() : -1, POLLIN, 0}};
    const int n = ::poll(fds, 2, kToolPollMs);
    if (n < 0 && errno != EINTR) break;
    if (tick) tick();
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      auto& sink = i == 0 ? result.out : result.err;
      if (sink.size() < kToolOutputLimit) sink.append(buf, static_cast<std::size_t>(got));
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return io_error("waitpid", errno);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else {
    result.exit_code = 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  return result;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
    s.pop_back();
  return s;
}

Error tool_failed(const std::string& tool, const ToolOutput& r, Errc code = Errc::unavailable) {
  return make_error(code, tool + " failed (exit status " + std::to_string(r.exit_code) +
                              "): " + trimmed(r.err.empty() ? r.out : r.err));
}

// Whether a pg_restore --list table of contents has the table: lines like
// "216; 1259 16386 TABLE public schema_migrations postgres".
bool lists_table(std::string_view toc, std::string_view table) {
  while (!toc.empty()) {
    const auto nl = toc.find('\n');
    std::string_view line = toc.substr(0, nl);
    toc.remove_prefix(nl == std::string_view::npos ? toc.size() : nl + 1);
    std::vector<std::string_view> words;
    while (!line.empty()) {
      const auto sp = line.find(' ');
      if (sp != 0) words.push_back(line.substr(0, sp));
      line.remove_prefix(sp == std::string_view::npos ? line.size() : sp + 1);
    }
    if (words.size() >= 6 && words[3] == "TABLE" && words[5] == table) return true;
  }
  return false;
}

// The highest version in the archive's schema_migrations data (COPY ... FROM stdin lines), or
// nullopt when the archive holds no such table.
Result<std::optional<int>> archive_schema_version(const std::string& tool,
                                                  const std::string& file) {
  KIRIM_ASSIGN_OR_RETURN(auto list, run_tool(tool, {"--list", file}, "", {}));
  if (list.exit_code != 0) {
    return make_error(Errc::invalid_argument,
                      file + " is not a pg_dump archive: " + trimmed(list.err));
  }
  if (!lists_table(list.out, "schema_migrations")) return std::optional<int>{};
  KIRIM_ASSIGN_OR_RETURN(
      auto data,
      run_tool(tool, {"--data-only", "--table=schema_migrations", "--file=-", file}, "", {}));
  if (data.exit_code != 0) return tool_failed("pg_restore", data, Errc::invalid_argument);
  int version = 0;
  bool in_copy = false;
  std::string_view rest = data.out;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (!in_copy) {
      in_copy = line.starts_with("COPY ") && line.find("schema_migrations") != line.npos;
      continue;
    }
    if (line == "\\.") break;
    int v = 0;
    std::from_chars(line.data(), line.data() + line.size(), v);
    version = std::max(version, v);
  }
  return std::optional<int>{version};
}

// Dumps into part_path; the schema version is read back from the archive, so it is the dump's.
Result<int> dump_postgres(const std::string& url, const std::string& part_path,
                          const BackupOptions& options) {
  KIRIM_ASSIGN_OR_RETURN(const auto tool, find_tool("pg_dump"));
  KIRIM_ASSIGN_OR_RETURN(const auto reader, find_tool("pg_restore"));
  KIRIM_ASSIGN_OR_RETURN(const auto target, pg_target(url));
  std::function<void()> tick;
  if (options.progress) {
    tick = [&] { options.progress(file_size(part_path), 0); };
  }
  KIRIM_ASSIGN_OR_RETURN(auto r, run_tool(tool,
                                          {"--format=custom", "--no-owner", "--file=" + part_path,
                                           "--dbname=" + target.conninfo},
                                          target.password, tick));
  if (r.exit_code != 0) return tool_failed("pg_dump", r);
  if (options.progress) options.progress(file_size(part_path), 0);
  KIRIM_ASSIGN_OR_RETURN(const auto version, archive_schema_version(reader, part_path));
  return version.value_or(0);
}

Result<RestoreInfo> restore_postgres(const std::string& url, const std::string& file) {
  if (!is_file(file)) return make_error(Errc::invalid_argument, file + " is not a file");
  KIRIM_ASSIGN_OR_RETURN(const auto tool, find_tool("pg_restore"));
  KIRIM_ASSIGN_OR_RETURN(const auto target, pg_target(url));
  KIRIM_ASSIGN_OR_RETURN(const auto version, archive_schema_version(tool, file));
  if (!version) {
    return make_error(Errc::invalid_argument,
                      file + " is not a Kirim database dump (it has no schema_migrations table)");
  }
  const int latest = latest_version(Dialect::postgres);
  if (*version > latest) {
    return make_error(Errc::invalid_argument,
                      file + " has schema version " + std::to_string(*version) +
                          " but this kirim knows versions up to " + std::to_string(latest) +
                          ": restore it with a newer kirim");
  }
  KIRIM_ASSIGN_OR_RETURN(auto r,
                         run_tool(tool,
                                  {"--clean", "--if-exists", "--no-owner", "--single-transaction",
                                   "--dbname=" + target.conninfo, file},
                                  target.password, {}));
  if (r.exit_code != 0) return tool_failed("pg_restore", r);
  RestoreInfo info;
  info.schema_version = *version;
  return info;
}

}  // namespace

Result<BackupInfo> backup(const std::string& database_url, const std::string& dir,
                          const BackupOptions& options) {
  if (!options.clock) return make_error(Errc::invalid_argument, "backup needs a clock");
  if (options.keep < 1) {
    return make_error(Errc::invalid_argument, "keep must be at least 1");
  }
  const auto sqlite_file = sqlite_path(database_url);
  if (!sqlite_file && !is_postgres(database_url)) {
    return make_error(Errc::invalid_argument,
                      "unknown database URL (expected sqlite:PATH or postgres://...)");
  }
  if (sqlite_file && !is_file(*sqlite_file)) {
    return make_error(Errc::unavailable, "no database at " + *sqlite_file);
  }
  if (dir.empty()) return make_error(Errc::invalid_argument, "backup needs a directory");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(Errc::internal, "cannot create " + dir + ": " + ec.message());

  BackupInfo info;
  info.started_at = options.clock->now_ms();
  const auto t0 = options.clock->steady_now();
  const Dialect kind = sqlite_file ? Dialect::sqlite : Dialect::postgres;
  PartFile part;
  KIRIM_ASSIGN_OR_RETURN(
      const auto final_path,
      reserve_name(part, dir, "kirim-" + utc_stamp(info.started_at),
                   kind == Dialect::sqlite ? kSqliteExtension : kPostgresExtension));
  if (kind == Dialect::sqlite) {
    KIRIM_ASSIGN_OR_RETURN(info.schema_version, copy_sqlite(*sqlite_file, part.path(), options));
  } else {
    KIRIM_ASSIGN_OR_RETURN(info.schema_version, dump_postgres(database_url, part.path(), options));
  }
  KIRIM_TRY(fsync_path(part.path(), false));
  KIRIM_TRY(rename_durably(part.path(), final_path));
  part.renamed();
  info.path = final_path;
  info.bytes = file_size(final_path);
  info.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.clock->steady_now() - t0);
  log::info("backup written", {{"path", info.path},
                               {"bytes", std::to_string(info.bytes)},
                               {"ms", std::to_string(info.duration.count())}});
  info.removed = apply_retention(dir, kind, options.keep, final_path);
  return info;
}

Result<RestoreInfo> restore(const std::string& database_url, const std::string& file,
                            const RestoreOptions& options) {
  if (!options.clock) return make_error(Errc::invalid_argument, "restore needs a clock");
  if (const auto path = sqlite_path(database_url)) {
    if (path->empty()) return make_error(Errc::invalid_argument, "sqlite: needs a file path");
    return restore_sqlite(*path, file, options);
  }
  if (is_postgres(database_url)) return restore_postgres(database_url, file);
  return make_error(Errc::invalid_argument,
                    "unknown database URL (expected sqlite:PATH or postgres://...)");
}

Result<std::vector<BackupFile>> list_backups(const std::string& dir) {
  KIRIM_ASSIGN_OR_RETURN(auto named, scan(dir));
  std::vector<BackupFile> out;
  out.reserve(named.size());
  for (auto& b : named)
    out.push_back(std::move(b.file));
  return out;
}

}  // namespace kirim::db
