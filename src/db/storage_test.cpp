// The storage suite: the Database contract, run against every back end this run covers.
#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/sqlite/sqlite_database.h"
#include "db/testing.h"

namespace kirim::db {
namespace {

class Storage : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    temp_ = std::make_unique<testing::TempDatabase>(GetParam());
    ASSERT_TRUE(db().write([](Connection& c) {
                      return c.exec_script(
                          "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                          "score DOUBLE PRECISION, note TEXT)");
                    })
                    .ok());
  }
  Database& db() { return temp_->db(); }
  std::int64_t count() { return db().query("SELECT COUNT(*) AS n FROM items")->integer(0, "n"); }

  std::unique_ptr<testing::TempDatabase> temp_;
};

TEST_P(Storage, RoundTripsEveryValueKind) {
  ASSERT_TRUE(db().write_exec("INSERT INTO items (id, name, score, note) VALUES ($1, $2, $3, $4)",
                              {std::int64_t{1}, std::string("a'b \"c\" $1"), 2.5, Value{}})
                  .ok());
  auto rows =
      db().query("SELECT id, name, score, note FROM items WHERE id = $1", {std::int64_t{1}});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->integer(0, "id"), 1);
  EXPECT_EQ(rows->text(0, "name"), "a'b \"c\" $1");
  EXPECT_DOUBLE_EQ(rows->real(0, "score"), 2.5);
  EXPECT_TRUE(is_null(rows->row(0)[3]));
  EXPECT_FALSE(rows->nullable_integer(0, "note").has_value());
}

TEST_P(Storage, AsynchronousWritesCallBackOnceAfterTheirCommit) {
  constexpr int kUnits = 200;
  std::atomic<int> ok{0}, failed{0};
  std::promise<void> all_done;
  std::atomic<int> remaining{kUnits};
  for (int i = 0; i < kUnits; ++i) {
    db().write_async(
        [i](Connection& c) -> Result<void> {
          // Every tenth unit fails (a duplicate key) and must roll back alone.
          const std::int64_t id = i % 10 == 9 ? 0 : i + 1;
          auto r = c.exec("INSERT INTO items (id, name) VALUES ($1, $2)",
                          {id, std::string("n") + std::to_string(i)});
          if (!r.ok()) return std::move(r).error();
          return {};
        },
        [&](Result<void> r) {
          (r.ok() ? ok : failed).fetch_add(1);
          if (remaining.fetch_sub(1) == 1) all_done.set_value();
        });
  }
  all_done.get_future().wait();
  // Unit 9 inserts id 0 first; units 19, 29, ... collide with it.
  EXPECT_EQ(failed.load(), kUnits / 10 - 1);
  EXPECT_EQ(ok.load(), kUnits - failed.load());
  EXPECT_EQ(count(), ok.load());
}

TEST_P(Storage, ListenersHearNotificationsFromOtherConnections) {
  auto l = db().listen("kirim_test_channel");
  ASSERT_TRUE(l.ok());
  if (GetParam() == Dialect::sqlite) {
    EXPECT_EQ(*l, nullptr);  // one process owns the file: nothing to listen to
    return;
  }
  ASSERT_NE(*l, nullptr);
  EXPECT_FALSE((*l)->wait(std::chrono::milliseconds(50)));
  ASSERT_TRUE(db().write([](Connection& c) -> Result<void> {
                    KIRIM_TRY(c.exec("SELECT pg_notify('kirim_test_channel', 'x')"));
                    return {};
                  })
                  .ok());
  EXPECT_TRUE((*l)->wait(std::chrono::milliseconds(5000)));
  EXPECT_FALSE((*l)->wait(std::chrono::milliseconds(50)));  // consumed
}

TEST_P(Storage, PlaceholdersMayRepeatAndQuotedDollarsStayText) {
  auto rows = db().query("SELECT '$1' AS literal, $1 AS a, $1 AS b", {std::int64_t{21}});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->text(0, "literal"), "$1");
  EXPECT_EQ(rows->integer(0, "a"), 21);
  EXPECT_EQ(rows->integer(0, "b"), 21);
}

TEST_P(Storage, ReturningGivesTheInsertedRow) {
  auto rows = db().write_query("INSERT INTO items (id, name) VALUES ($1, $2) RETURNING id, name",
                               {std::int64_t{7}, std::string("seven")});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->integer(0, "id"), 7);
  EXPECT_EQ(rows->text(0, "name"), "seven");
}

TEST_P(Storage, UniqueViolationIsAConflictAndChangesNothing) {
  ASSERT_TRUE(db().write_exec("INSERT INTO items (id, name) VALUES (1, 'x')").ok());
  auto r = db().write_exec("INSERT INTO items (id, name) VALUES (2, 'x')");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_EQ(count(), 1);
}

TEST_P(Storage, AFailingUnitLeavesNoTrace) {
  auto r = db().write([](Connection& c) -> Result<void> {
    KIRIM_TRY(c.exec("INSERT INTO items (id, name) VALUES (1, 'one')"));
    KIRIM_TRY(c.exec("INSERT INTO items (id, name) VALUES (2, 'two')"));
    return make_error(Errc::invalid_argument, "changed my mind");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "changed my mind");
  EXPECT_EQ(count(), 0);
}

TEST_P(Storage, ExecCountsChangedRows) {
  ASSERT_TRUE(
      db().write_exec("INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')").ok());
  auto n = db().write_exec("UPDATE items SET note = 'n' WHERE id >= $1", {std::int64_t{2}});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 2);
}

// Many threads write at once; every unit that succeeds is kept, the failing ones roll back alone.
TEST_P(Storage, ConcurrentUnitsCommitIndependently) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::int64_t id = t * 1000 + i;
        auto r = db().write([&](Connection& c) -> Result<void> {
          KIRIM_TRY(c.exec("INSERT INTO items (id, name) VALUES ($1, $2)",
                           {id, "item-" + std::to_string(id)}));
          if (i % 5 == 4) return make_error(Errc::conflict, "every fifth fails");
          return {};
        });
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failures.load(), kThreads * kPerThread / 5);
  EXPECT_EQ(count(), kThreads * kPerThread * 4 / 5);
  auto fifth = db().query("SELECT COUNT(*) AS n FROM items WHERE id % 1000 % 5 = 4");
  EXPECT_EQ(fifth->integer(0, "n"), 0);
  const auto s = db().stats();
  EXPECT_GE(s.units_committed, static_cast<std::uint64_t>(kThreads * kPerThread * 4 / 5));
}

TEST_P(Storage, ReadsSeeCommittedWrites) {
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(db().write_exec("INSERT INTO items (id, name) VALUES ($1, $2)",
                                {std::int64_t{i}, "n" + std::to_string(i)})
                    .ok());
    EXPECT_EQ(count(), i);
  }
}

TEST_P(Storage, MigrationsApplyOnceAndRecordTheirVersion) {
  auto first = migrate(db());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first.value(), static_cast<int>(migrations(db().dialect()).size()));
  EXPECT_EQ(schema_version(db()).value(), latest_version(db().dialect()));
  auto again = migrate(db());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 0);
  // The accounts schema is there and enforces its rules.
  EXPECT_TRUE(db().write_exec("INSERT INTO workspaces (name, created_at) VALUES ('w', 1)").ok());
  auto bad_role = db().write_exec(
      "INSERT INTO users (email, name, password_hash, created_at, updated_at) "
      "VALUES ('a@b.c', 'A', 'h', 1, 1)");
  ASSERT_TRUE(bad_role.ok());
  auto r = db().write_exec(
      "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (1, 1, 'king', 1)");
  EXPECT_FALSE(r.ok());
  auto orphan = db().write_exec(
      "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (99, 1, 'owner', "
      "1)");
  EXPECT_FALSE(orphan.ok());
}

TEST_P(Storage, EveryDialectHasTheSameMigrations) {
  const auto mine = migrations(GetParam());
  const auto other =
      migrations(GetParam() == Dialect::sqlite ? Dialect::postgres : Dialect::sqlite);
  ASSERT_EQ(mine.size(), other.size());
  for (std::size_t i = 0; i < mine.size(); ++i) {
    EXPECT_EQ(mine[i].version, other[i].version);
    EXPECT_EQ(mine[i].name, other[i].name);
  }
}

TEST_P(Storage, PingAnswers) {
  EXPECT_TRUE(db().ping().ok());
}

std::string name_of(const ::testing::TestParamInfo<Dialect>& info) {
  return dialect_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(Backends, Storage, ::testing::ValuesIn(testing::dialects()), name_of);

// CI must run this suite on PostgreSQL too; a missing server is a failure there, not a skip.
TEST(StorageCoverage, PostgresIsCoveredInCi) {
  if (std::getenv("CI") != nullptr) {
    EXPECT_EQ(testing::dialects().size(), 2u)
        << "CI is set but KIRIM_TEST_POSTGRES_URL is not: the storage suite must run on PostgreSQL";
  }
}

TEST(SqlitePlaceholders, TranslatesOutsideQuotesAndComments) {
  EXPECT_EQ(sqlite::translate_placeholders("SELECT $1, '$2', \"$3\" -- $4\n, $10"),
            "SELECT ?1, '$2', \"$3\" -- $4\n, ?10");
}

TEST(Open, RefusesUnknownSchemes) {
  auto r = open("mysql://x", Options{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
}

TEST(Open, PostgresDownIsUnavailable) {
  auto r = open("postgres://nobody@127.0.0.1:1/none?connect_timeout=2", Options{1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace kirim::db
