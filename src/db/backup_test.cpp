// Backups and restores: a copy taken while a writer works is a consistent prefix of its
// commits, restores compare equal table by table, retention and the refusals of restore.
#include "db/backup.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "db/migrations.h"
#include "db/testing.h"

namespace kirim::db {
namespace {

namespace fs = std::filesystem;

// 2025-11-24T16:00:00Z
constexpr std::int64_t kStart = 1'764'000'000'000;

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("kirim-backup-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out.insert(e.path().filename().string());
  return out;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::unique_ptr<Database> open_db(const std::string& url) {
  auto db = open(url, Options{2});
  EXPECT_TRUE(db.ok()) << db.error().message;
  return db.ok() ? std::move(db).value() : nullptr;
}

struct Seeded {
  std::int64_t workspace = 0;
  std::int64_t tag = 0;
};

std::int64_t inserted_id(Connection& c, std::string_view sql, std::initializer_list<Value> params) {
  auto rows = c.query(sql, params);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  return rows.ok() && !rows->empty() ? rows->integer(0, "id") : 0;
}

// A migrated database with a workspace, users, tags and `contacts` contacts (seeded content).
Seeded seed(Database& db, int contacts) {
  EXPECT_TRUE(migrate(db).ok());
  Seeded s;
  std::mt19937 rng(42);
  const auto r = db.write([&](Connection& c) -> Result<void> {
    s.workspace =
        inserted_id(c, "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) RETURNING id",
                    {std::string("Acme"), kStart});
    for (int u = 0; u < 3; ++u) {
      const auto user = inserted_id(c,
                                    "INSERT INTO users (email, name, password_hash, created_at, "
                                    "updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                                    {"user" + std::to_string(u) + "@example.com",
                                     "User " + std::to_string(u), std::string("hash"), kStart});
      KIRIM_TRY(
          c.exec("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES "
                 "($1, $2, $3, $4)",
                 {s.workspace, user, std::string(u == 0 ? "owner" : "editor"), kStart}));
    }
    std::vector<std::int64_t> tags;
    for (int t = 0; t < 5; ++t) {
      tags.push_back(inserted_id(
          c, "INSERT INTO tags (workspace_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
          {s.workspace, "tag" + std::to_string(t), kStart}));
    }
    s.tag = tags.front();
    for (int i = 0; i < contacts; ++i) {
      const auto id = inserted_id(
          c,
          "INSERT INTO contacts (workspace_id, phone_e164, name, language, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
          {s.workspace, "+6281" + std::to_string(10'000'000 + i),
           "Contact " + std::to_string(rng() % 100'000), std::string(rng() % 2 ? "id" : "en"),
           kStart + i});
      for (const auto tag : tags) {
        if (rng() % 3 == 0) {
          KIRIM_TRY(c.exec(
              "INSERT INTO contact_tags (contact_id, tag_id, workspace_id) VALUES ($1, $2, $3)",
              {id, tag, s.workspace}));
        }
      }
    }
    return {};
  });
  EXPECT_TRUE(r.ok()) << r.error().message;
  return s;
}

std::vector<std::string> tables(Database& db) {
  const char* sql = db.dialect() == Dialect::sqlite
                        ? "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                          "'sqlite_%' ORDER BY name"
                        : "SELECT table_name AS name FROM information_schema.tables WHERE "
                          "table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY "
                          "table_name";
  auto rows = db.query(sql);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  std::vector<std::string> out;
  for (std::size_t i = 0; rows.ok() && i < rows->size(); ++i)
    out.push_back(rows->text(i, "name"));
  return out;
}

using Table = std::vector<std::vector<Value>>;

// Every row of the table, in a fixed order.
Table rows_of(Database& db, const std::string& table) {
  auto rows = db.query("SELECT * FROM " + table);
  EXPECT_TRUE(rows.ok()) << table << ": " << rows.error().message;
  if (!rows.ok()) return {};
  Table out = rows->mutable_rows();
  std::sort(out.begin(), out.end());
  return out;
}

std::int64_t count(Database& db, const std::string& sql) {
  auto rows = db.query(sql);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  return rows.ok() ? rows->integer(0, "n") : -1;
}

// Asserts that `restored` holds exactly `source`'s rows in every table, except rows `skip`
// rejects (rows the source got after the backup).
void expect_same_rows(
    Database& source, Database& restored,
    const std::function<bool(const std::string&, const std::vector<Value>&)>& skip = {}) {
  const auto names = tables(source);
  ASSERT_EQ(names, tables(restored));
  EXPECT_GT(names.size(), 10u);
  for (const auto& t : names) {
    Table expected = rows_of(source, t);
    if (skip) std::erase_if(expected, [&](const auto& row) { return skip(t, row); });
    EXPECT_EQ(rows_of(restored, t), expected) << "table " << t;
  }
}

// Byte 18 of an SQLite file: 1 for rollback-journal mode, 2 for WAL.
int file_format_byte(const std::string& path) {
  const auto bytes = read_bytes(path);
  return bytes.size() > 18 ? bytes[18] : -1;
}

// ---------------------------------------------------------------------------------------------
// SQLite

TEST(SqliteBackup, CopyTakenWhileAWriterCommitsIsAConsistentPrefixAndRestoresEqual) {
  testing::TempDatabase source(Dialect::sqlite);
  const auto seeded = seed(source.db(), 1500);

  // The writer commits one unit after another: a contact and its tag, named by its sequence.
  std::mutex mu;
  std::condition_variable cv;
  int written = 0;  // guarded by mu: units committed
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int i = 1; !stop; ++i) {
      auto r = source.db().write([&](Connection& c) -> Result<void> {
        const auto id = inserted_id(c,
                                    "INSERT INTO contacts (workspace_id, phone_e164, name, "
                                    "created_at, updated_at) VALUES ($1, $2, $3, $4, $4) "
                                    "RETURNING id",
                                    {seeded.workspace, "+6282" + std::to_string(10'000'000 + i),
                                     "writer-" + std::to_string(i), kStart + i});
        return c.exec(
                    "INSERT INTO contact_tags (contact_id, tag_id, workspace_id) VALUES ($1, $2, "
                    "$3)",
                    {id, seeded.tag, seeded.workspace})
                       .ok()
                   ? Result<void>{}
                   : make_error(Errc::internal, "tag insert failed");
      });
      if (!r.ok()) {
        failed = true;
        break;
      }
      {
        std::lock_guard lock(mu);
        written = i;
      }
      cv.notify_all();
    }
  });
  const auto wait_written = [&](int at_least) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), [&] { return written >= at_least; });
  };
  ASSERT_TRUE(wait_written(5));
  const int before_backup = [&] {
    std::lock_guard lock(mu);
    return written;
  }();

  // The snapshot is taken before the first step; after the first step the test lets the writer
  // commit three more units, which the copy must not contain.
  ManualClock clock(kStart);
  TempDir dir;
  BackupOptions options;
  options.clock = &clock;
  options.pages_per_step = 4;
  options.step_pause = std::chrono::milliseconds(1);
  int at_first_step = -1;
  std::int64_t steps = 0, last_done = 0, last_total = 0;
  options.progress = [&](std::int64_t done, std::int64_t total) {
    ++steps;
    last_done = done;
    last_total = total;
    if (at_first_step >= 0) return;
    {
      std::lock_guard lock(mu);
      at_first_step = written;
    }
    ASSERT_TRUE(wait_written(at_first_step + 3));
  };
  auto info = backup(source.url(), dir.str(), options);
  stop = true;
  writer.join();
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_FALSE(failed);
  EXPECT_GT(steps, 10) << "the copy should take many steps";
  EXPECT_EQ(last_done, last_total);
  const int final_written = written;

  TempDir target;
  ManualClock restore_clock(kStart);
  auto restored = restore("sqlite:" + (target / "kirim.db"), info->path, {&restore_clock});
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->kept, "");  // there was no database there
  EXPECT_EQ(restored->schema_version, latest_version(Dialect::sqlite));
  auto copy = open_db("sqlite:" + (target / "kirim.db"));
  ASSERT_TRUE(copy);

  // A prefix: writer-1 .. writer-N, each with its tag, and nothing after N.
  const auto n = count(*copy, "SELECT COUNT(*) AS n FROM contacts WHERE name LIKE 'writer-%'");
  EXPECT_EQ(count(*copy,
                  "SELECT COALESCE(MAX(CAST(SUBSTR(name, 8) AS INTEGER)), 0) AS n FROM contacts "
                  "WHERE name LIKE 'writer-%'"),
            n);
  EXPECT_EQ(count(*copy,
                  "SELECT COUNT(*) AS n FROM contact_tags t JOIN contacts c ON c.id = "
                  "t.contact_id WHERE c.name LIKE 'writer-%'"),
            n);
  EXPECT_GE(n, before_backup);
  EXPECT_LE(n, at_first_step + 1);  // at most the unit in flight when the snapshot was taken
  EXPECT_GT(final_written, n + 1);  // the writer went on during the copy
  auto integrity = copy->query("PRAGMA integrity_check");
  ASSERT_TRUE(integrity.ok());
  EXPECT_EQ(integrity->text(0, "integrity_check"), "ok");

  // Every table equals the source without the writer's rows after N.
  std::set<std::int64_t> later_ids;
  auto later = source.db().query(
      "SELECT id FROM contacts WHERE name LIKE 'writer-%' AND CAST(SUBSTR(name, 8) AS INTEGER) "
      "> $1",
      {n});
  ASSERT_TRUE(later.ok());
  for (std::size_t i = 0; i < later->size(); ++i)
    later_ids.insert(later->integer(i, "id"));
  EXPECT_EQ(later_ids.size(), static_cast<std::size_t>(final_written - n));
  auto source_rows = source.db().query("SELECT * FROM contacts LIMIT 1");
  const auto contact_id_col = source_rows->column("id");
  expect_same_rows(source.db(), *copy, [&](const std::string& table, const auto& row) {
    if (table == "contacts") return later_ids.contains(std::get<std::int64_t>(row[contact_id_col]));
    if (table == "contact_tags") return later_ids.contains(std::get<std::int64_t>(row[0]));
    return false;
  });
  auto schema = [](Database& db) {
    auto r = db.query("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
    return r.ok() ? r->mutable_rows() : Table{};
  };
  EXPECT_EQ(schema(*copy), schema(source.db()));
}

TEST(SqliteBackup, FileIsNamedByTheClockSyncedWholeAndDescribed) {
  testing::TempDatabase source(Dialect::sqlite);
  seed(source.db(), 50);
  ManualClock clock(kStart);
  TempDir dir;
  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  BackupOptions options;
  options.clock = &clock;
  options.progress = [&](std::int64_t done, std::int64_t total) {
    progress.emplace_back(done, total);
  };
  auto info = backup(source.url(), dir / "nested/backups", options);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->path, dir / "nested/backups/kirim-20251124-160000.db");
  EXPECT_EQ(info->started_at, kStart);
  EXPECT_EQ(info->bytes, static_cast<std::int64_t>(fs::file_size(info->path)));
  EXPECT_EQ(info->schema_version, latest_version(Dialect::sqlite));
  EXPECT_TRUE(info->removed.empty());
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().first, progress.back().second);
  EXPECT_EQ(progress.back().second * 4096, info->bytes);
  // Nothing but the finished file: no .part, no journal, no WAL; and out of WAL mode, so the
  // file is complete by itself.
  EXPECT_EQ(names_in(dir / "nested/backups"), std::set<std::string>{"kirim-20251124-160000.db"});
  EXPECT_EQ(file_format_byte(info->path), 1);

  // A second backup in the same second gets the next number.
  auto second = backup(source.url(), dir / "nested/backups", options);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->path, dir / "nested/backups/kirim-20251124-160000-2.db");
  auto listed = list_backups(dir / "nested/backups");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(0).path, second->path);  // newest first
  EXPECT_EQ(listed->at(1).path, info->path);
  EXPECT_EQ(listed->at(1).taken_at, kStart);
  EXPECT_EQ(listed->at(1).dialect, Dialect::sqlite);
  EXPECT_EQ(listed->at(1).bytes, info->bytes);
}

TEST(SqliteBackup, RetentionKeepsTheNewestOfItsKindAndNothingItDidNotName) {
  testing::TempDatabase source(Dialect::sqlite);
  seed(source.db(), 10);
  TempDir dir;
  // Files retention must leave alone: other names, other kinds, unfinished copies.
  const std::set<std::string> foreign = {
      "notes.txt",    "kirim-20000101-000000.dump",   "kirim-20000101-000000.db.part",
      "kirim-old.db", "kirim-20000101-000000.db.bak", "other-20000101-000000.db",
      "kirim.db"};
  for (const auto& f : foreign)
    write_text(dir / f, "not mine");
  write_text(dir / "kirim-20000101-000000.db", "an old backup");  // a name it made: it goes

  ManualClock clock(kStart);
  BackupOptions options;
  options.clock = &clock;
  options.keep = 3;
  std::vector<std::string> made;
  for (int i = 0; i < 5; ++i) {
    auto info = backup(source.url(), dir.str(), options);
    ASSERT_TRUE(info.ok()) << info.error().message;
    made.push_back(fs::path(info->path).filename().string());
    if (i < 2) {
      EXPECT_TRUE(info->removed.empty());  // 3 kept: the old one and the new ones
    } else if (i == 2) {
      EXPECT_EQ(info->removed, std::vector<std::string>{dir / "kirim-20000101-000000.db"});
    }
    clock.advance(i == 2 ? std::chrono::hours(24) : std::chrono::seconds(1));
  }
  EXPECT_EQ(made[4], "kirim-20251125-160003.db");
  std::set<std::string> expected = foreign;
  expected.insert(made.begin() + 2, made.end());
  EXPECT_EQ(names_in(dir.str()), expected);

  auto listed = list_backups(dir.str());
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> listed_names;
  for (const auto& b : *listed)
    listed_names.push_back(fs::path(b.path).filename().string());
  EXPECT_EQ(listed_names,
            (std::vector<std::string>{made[4], made[3], made[2], "kirim-20000101-000000.dump"}));
  EXPECT_EQ(listed->back().dialect, Dialect::postgres);

  options.keep = 0;
  EXPECT_EQ(backup(source.url(), dir.str(), options).error().code, Errc::invalid_argument);
}

TEST(SqliteBackup, FailedBackupLeavesNothingAndDeletesNothing) {
  TempDir dir;
  write_text(dir / "kirim-20000101-000000.db", "an old backup");
  ManualClock clock(kStart);
  BackupOptions options;
  options.clock = &clock;
  options.keep = 1;
  auto missing = backup("sqlite:" + (dir / "no-such.db"), dir.str(), options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::unavailable);
  write_text(dir / "garbage.db", std::string(8192, 'x'));
  auto garbage = backup("sqlite:" + (dir / "garbage.db"), dir.str(), options);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(names_in(dir.str()), (std::set<std::string>{"kirim-20000101-000000.db", "garbage.db"}));
  EXPECT_EQ(backup("mysql://x", dir.str(), options).error().code, Errc::invalid_argument);
  options.clock = nullptr;
  EXPECT_EQ(backup("sqlite:" + (dir / "garbage.db"), dir.str(), options).error().code,
            Errc::invalid_argument);
}

class SqliteRestore : public ::testing::Test {
 protected:
  void SetUp() override {
    // A backup with a known content to restore from.
    auto db = open_db("sqlite:" + (source_dir_ / "kirim.db"));
    seed(*db, 20);
    ASSERT_TRUE(db->write_exec("UPDATE workspaces SET name = 'From the backup'").ok());
    BackupOptions options;
    options.clock = &clock_;
    auto info = backup("sqlite:" + (source_dir_ / "kirim.db"), source_dir_ / "backups", options);
    ASSERT_TRUE(info.ok()) << info.error().message;
    backup_ = info->path;
  }

  // A database with other content at data/kirim.db, closed.
  void make_current() {
    auto db = open_db(url());
    seed(*db, 3);
    ASSERT_TRUE(db->write_exec("UPDATE workspaces SET name = 'Current'").ok());
  }
  [[nodiscard]] std::string url() const { return "sqlite:" + (data_ / "kirim.db"); }
  static std::string workspace_name(const std::string& url) {
    auto db = open_db(url);
    auto rows = db->query("SELECT name FROM workspaces");
    return rows.ok() && !rows->empty() ? rows->text(0, "name") : "";
  }

  ManualClock clock_{kStart};
  TempDir source_dir_;
  TempDir data_;
  std::string backup_;
};

TEST_F(SqliteRestore, KeepsThePreviousFileAndPutsTheBackupInItsPlace) {
  make_current();
  fs::permissions(data_ / "kirim.db",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto r = restore(url(), backup_, {&clock_});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kept, data_ / "kirim.db.before-restore-20251124-160000");
  EXPECT_EQ(r->schema_version, latest_version(Dialect::sqlite));
  EXPECT_EQ(names_in(data_.str()),
            (std::set<std::string>{"kirim.db", "kirim.db.before-restore-20251124-160000"}));
  EXPECT_EQ(workspace_name(url()), "From the backup");
  EXPECT_EQ(workspace_name("sqlite:" + r->kept), "Current");
  // The restored file has the permissions of the one it replaced.
  EXPECT_EQ(fs::status(data_ / "kirim.db").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);

  // Again in the same second: the file kept now is the first restore's result.
  auto again = restore(url(), backup_, {&clock_});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->kept, data_ / "kirim.db.before-restore-20251124-160000-2");
  EXPECT_EQ(workspace_name("sqlite:" + again->kept), "From the backup");
  EXPECT_EQ(workspace_name("sqlite:" + r->kept), "Current");
  // The backup file itself is never changed.
  auto check = open_db("sqlite:" + backup_);
  EXPECT_EQ(count(*check, "SELECT COUNT(*) AS n FROM contacts"), 20);
}

TEST_F(SqliteRestore, RefusesWhileAServerHasTheDatabaseOpen) {
  make_current();
  {
    auto serving = open_db(url());  // what kirim serve holds: a writer and readers
    ASSERT_TRUE(serving->query("SELECT COUNT(*) AS n FROM contacts").ok());
    auto r = restore(url(), backup_, {&clock_});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::conflict);
    EXPECT_NE(r.error().message.find("in use"), std::string::npos) << r.error().message;
    // Nothing changed, and the server goes on working.
    EXPECT_TRUE(serving->write_exec("UPDATE workspaces SET name = 'Still current'").ok());
    EXPECT_EQ(names_in(data_.str()),
              (std::set<std::string>{"kirim.db", "kirim.db-wal", "kirim.db-shm"}));
  }
  EXPECT_EQ(workspace_name(url()), "Still current");
  auto r = restore(url(), backup_, {&clock_});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(workspace_name(url()), "From the backup");
}

TEST_F(SqliteRestore, RefusesAFileThatIsNotAKirimDatabase) {
  make_current();
  const auto before = read_bytes(data_ / "kirim.db");
  TempDir files;
  write_text(files / "text.db", "just some text that is long enough to look like a file header");
  {
    auto other = open_db("sqlite:" + (files / "other.db"));
    ASSERT_TRUE(other
                    ->write([](Connection& c) {
                      return c.exec_script("CREATE TABLE notes (id INTEGER PRIMARY KEY, t TEXT)");
                    })
                    .ok());
  }
  {
    auto newer = open_db("sqlite:" + (files / "newer.db"));
    seed(*newer, 1);
    ASSERT_TRUE(newer
                    ->write_exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                                 "(9999, 'future', 0)")
                    .ok());
  }
  for (const auto& [file, words] :
       std::vector<std::pair<std::string, std::string>>{{files / "text.db", "not an SQLite"},
                                                        {files / "other.db", "not a Kirim"},
                                                        {files / "newer.db", "schema version"},
                                                        {files / "missing.db", "not a file"}}) {
    auto r = restore(url(), file, {&clock_});
    ASSERT_FALSE(r.ok()) << file;
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(read_bytes(data_ / "kirim.db"), before);
  EXPECT_EQ(names_in(data_.str()), std::set<std::string>{"kirim.db"});
  EXPECT_EQ(workspace_name(url()), "Current");
}

TEST_F(SqliteRestore, IntoAnEmptyPlaceCreatesTheDatabaseAndKeepsNothing) {
  const std::string url = "sqlite:" + (data_ / "new/dir/kirim.db");
  auto r = restore(url, backup_, {&clock_});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kept, "");
  EXPECT_EQ(names_in(data_ / "new/dir"), std::set<std::string>{"kirim.db"});
  EXPECT_EQ(workspace_name(url), "From the backup");
  // A lone WAL would be taken for part of the new database: refused.
  write_text(data_ / "other-wal.db-wal", "stale");
  auto lone = restore("sqlite:" + (data_ / "other-wal.db"), backup_, {&clock_});
  ASSERT_FALSE(lone.ok());
  EXPECT_EQ(lone.error().code, Errc::conflict);
}

TEST(Backups, ListOfAMissingDirectoryIsEmpty) {
  auto listed = list_backups("/nonexistent/kirim-backups");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (when KIRIM_TEST_POSTGRES_URL is set)

bool have_postgres() {
  return testing::dialects().size() > 1;
}

TEST(PostgresBackup, DumpRestoresIntoAFreshDatabaseWithEqualRows) {
  if (!have_postgres()) GTEST_SKIP() << "KIRIM_TEST_POSTGRES_URL is not set";
  testing::TempDatabase source(Dialect::postgres);
  seed(source.db(), 300);
  ManualClock clock(kStart);
  TempDir dir;
  BackupOptions options;
  options.clock = &clock;
  options.keep = 2;
  std::int64_t last_bytes = -1;
  options.progress = [&](std::int64_t done, std::int64_t total) {
    EXPECT_EQ(total, 0);
    last_bytes = done;
  };
  // A password and parameters with quotes and spaces reach pg_dump intact (the password through
  // the environment, not the command line; the test server trusts every login).
  std::string url = source.url();
  url.replace(url.find("@"), 1, ":pa%27ss%20word@");
  url += (url.find('?') == std::string::npos ? "?" : "&") +
         std::string("application_name=it%27s%20kirim");
  auto info = backup(url, dir.str(), options);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->path, dir / "kirim-20251124-160000.dump");
  EXPECT_EQ(info->bytes, last_bytes);
  EXPECT_GT(info->bytes, 0);
  EXPECT_EQ(info->schema_version, latest_version(Dialect::postgres));
  EXPECT_EQ(names_in(dir.str()), std::set<std::string>{"kirim-20251124-160000.dump"});

  testing::TempDatabase target(Dialect::postgres);  // empty: no migrations
  auto r = restore(target.url(), info->path, {&clock});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kept, "");
  EXPECT_EQ(r->schema_version, latest_version(Dialect::postgres));
  expect_same_rows(source.db(), target.db());
  // The restored database goes on: identities continue after the restored ids.
  EXPECT_TRUE(target.db()
                  .write_query("INSERT INTO tags (workspace_id, name, created_at) SELECT id, "
                               "'after', 0 FROM workspaces RETURNING id")
                  .ok());

  // Restoring over a database that has data replaces it.
  ASSERT_TRUE(target.db().write_exec("DELETE FROM contact_tags").ok());
  auto again = restore(target.url(), info->path, {&clock});
  ASSERT_TRUE(again.ok()) << again.error().message;
  expect_same_rows(source.db(), target.db());
}

TEST(PostgresBackup, FailureReportsTheToolsErrorAndLeavesNothing) {
  if (!have_postgres()) GTEST_SKIP() << "KIRIM_TEST_POSTGRES_URL is not set";
  ManualClock clock(kStart);
  TempDir dir;
  BackupOptions options;
  options.clock = &clock;
  // No such database on the test server: the dump fails with the server's complaint.
  const std::string url = testing::TempDatabase(Dialect::postgres).url();  // dropped again
  auto secret = url;
  secret.replace(secret.find("@"), 1, ":hunter2@");
  auto r = backup(secret, dir.str(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_NE(r.error().message.find("does not exist"), std::string::npos) << r.error().message;
  EXPECT_TRUE(r.error().message.starts_with("pg_dump failed")) << r.error().message;
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
  EXPECT_TRUE(names_in(dir.str()).empty());
}

TEST(PostgresBackup, RestoreRefusesAFileThatIsNotAKirimDump) {
  if (!have_postgres()) GTEST_SKIP() << "KIRIM_TEST_POSTGRES_URL is not set";
  testing::TempDatabase target(Dialect::postgres);
  ASSERT_TRUE(migrate(target.db()).ok());
  TempDir dir;
  write_text(dir / "text.dump", "not a dump");
  ManualClock clock(kStart);
  auto r = restore(target.url(), dir / "text.dump", {&clock});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("pg_dump archive"), std::string::npos) << r.error().message;

  // A pg_dump archive of some other database.
  testing::TempDatabase other(Dialect::postgres);
  ASSERT_TRUE(other.db()
                  .write([](Connection& c) { return c.exec_script("CREATE TABLE notes (t TEXT)"); })
                  .ok());
  BackupOptions options;
  options.clock = &clock;
  auto dump = backup(other.url(), dir.str(), options);
  ASSERT_TRUE(dump.ok()) << dump.error().message;
  auto not_kirim = restore(target.url(), dump->path, {&clock});
  ASSERT_FALSE(not_kirim.ok());
  EXPECT_NE(not_kirim.error().message.find("not a Kirim"), std::string::npos)
      << not_kirim.error().message;
  EXPECT_EQ(count(target.db(),
                  "SELECT COUNT(*) AS n FROM information_schema.tables WHERE "
                  "table_name = 'notes'"),
            0);
}

}  // namespace
}  // namespace kirim::db
