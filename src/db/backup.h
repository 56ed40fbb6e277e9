#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"

// Backups and restores of Kirim's database, for `kirim backup` / `kirim restore` and the
// scheduled backup task.
//
// SQLite: the online backup API copies the live file from a connection of its own, page by page,
// inside one read transaction, so the copy is the database as of one commit while the server
// goes on writing (WAL: the reader blocks no writer). PostgreSQL: `pg_dump --format=custom` and
// `pg_restore`, run as child processes. Every function blocks (disk, child processes): call it
// from a command or a worker thread, never from an I/O thread. Functions hold no state between
// calls; several may run at once on different directories.
namespace kirim::db {

// Backups of one kind kept in a directory after a successful backup.
inline constexpr int kDefaultBackupKeep = 7;
// SQLite pages copied per step of the online backup (4 MiB with 4 KiB pages).
inline constexpr int kDefaultBackupPagesPerStep = 1024;
// Pause between two steps, so the copy leaves the disk to the server's writer now and then.
inline constexpr std::chrono::milliseconds kDefaultBackupStepPause{2};

struct BackupOptions {
  // Names the file (UTC time) and measures the run. Required.
  const Clock* clock = nullptr;
  // The newest backups of this kind (.db or .dump) kept in the directory, this one included; at
  // least 1. Older ones are deleted only after this backup succeeded.
  int keep = kDefaultBackupKeep;
  int pages_per_step = kDefaultBackupPagesPerStep;                 // SQLite only
  std::chrono::milliseconds step_pause = kDefaultBackupStepPause;  // SQLite only
  // Called on the calling thread as the copy advances: SQLite reports pages copied of the total;
  // PostgreSQL reports the bytes pg_dump has written with a total of 0 (not known in advance).
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct BackupInfo {
  std::string path;             // the finished file, dir/kirim-YYYYMMDD-HHMMSS[-N].db|.dump
  std::int64_t bytes = 0;       // its size
  std::int64_t started_at = 0;  // ms since the epoch, from the clock
  std::chrono::milliseconds duration{0};  // from the clock's steady time
  int schema_version = 0;                 // the highest migration in the copy
  std::vector<std::string> removed;       // older backups retention deleted
};

// One backup file in a directory, as list_backups found it.
struct BackupFile {
  std::string path;
  Dialect dialect = Dialect::sqlite;  // .db files are SQLite copies, .dump files pg_dump archives
  std::int64_t bytes = 0;
  std::int64_t taken_at = 0;  // ms since the epoch, read from the name (second precision)
};

struct RestoreOptions {
  // Names the file the current SQLite database is kept as. Required.
  const Clock* clock = nullptr;
};

struct RestoreInfo {
  // SQLite: what the replaced database is kept as, <db>.before-restore-YYYYMMDD-HHMMSS[-N];
  // empty when there was no database yet, and always on PostgreSQL.
  std::string kept;
  int schema_version = 0;  // of the restored database
};

// Copies the database named by database_url (sqlite:PATH or postgres://...) into dir (created if
// missing) as a new file, then applies retention. The file appears under its final name only
// once complete, synced and (SQLite) checked with PRAGMA integrity_check; a failure leaves
// nothing behind and deletes nothing. Errors: invalid_argument (bad URL or options),
// unavailable (source unreadable, pg_dump missing or failing, with its stderr), internal (I/O).
[[nodiscard]] Result<BackupInfo> backup(const std::string& database_url, const std::string& dir,
                                        const BackupOptions& options);

// Replaces the database named by database_url with the backup in file, after checking that the
// file is a Kirim backup this build can run (schema_migrations present, schema not newer,
// integrity_check ok on SQLite; pg_restore --list on PostgreSQL).
// SQLite: refused with Errc::conflict while any process (a running server, a backup) has the
// database open; the current file is kept (see RestoreInfo::kept) and the restored one takes its
// name in one rename, with no -wal or -shm of the old one left beside it.
// PostgreSQL: pg_restore --clean --if-exists --no-owner --single-transaction, so a failure
// changes nothing. The file itself is never modified.
[[nodiscard]] Result<RestoreInfo> restore(const std::string& database_url, const std::string& file,
                                          const RestoreOptions& options);

// The backups in dir that Kirim named (kirim-YYYYMMDD-HHMMSS[-N].db or .dump), newest first.
// A missing directory has none.
[[nodiscard]] Result<std::vector<BackupFile>> list_backups(const std::string& dir);

}  // namespace kirim::db
