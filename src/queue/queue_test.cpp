// The durable queue on every back end: running, priorities, delays, retries with backoff, unique
// jobs under concurrency, leases taken back from dead workers, pause, graceful stop, schedules,
// management of failed jobs, and worker scaling.
#include "queue/queue.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/testing.h"

namespace kirim::queue {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, DoublesUpToTheCapWithJitterAroundIt) {
  EXPECT_EQ(backoff(1, 1000ms, 3'600'000ms, 0.5), 1000ms);
  EXPECT_EQ(backoff(2, 1000ms, 3'600'000ms, 0.5), 2000ms);
  EXPECT_EQ(backoff(5, 1000ms, 3'600'000ms, 0.5), 16000ms);
  EXPECT_EQ(backoff(1, 1000ms, 3'600'000ms, 0.0), 500ms);
  EXPECT_LT(backoff(1, 1000ms, 3'600'000ms, 0.999), 1500ms);
  EXPECT_EQ(backoff(40, 1000ms, 60'000ms, 0.5), 60'000ms);
  EXPECT_LE(backoff(40, 1000ms, 60'000ms, 0.99), 60'000ms);  // jitter never passes the cap
  EXPECT_EQ(backoff(0, 1000ms, 60'000ms, 0.5), 1000ms);
}

TEST(Outcome, ClientMistakesAreFinalEverythingElseRetries) {
  EXPECT_EQ(Outcome::from(make_error(Errc::invalid_argument, "x")).kind, Outcome::Kind::fail);
  EXPECT_EQ(Outcome::from(make_error(Errc::not_found, "x")).kind, Outcome::Kind::fail);
  EXPECT_EQ(Outcome::from(make_error(Errc::unavailable, "x")).kind, Outcome::Kind::retry);
  EXPECT_EQ(Outcome::from(make_error(Errc::internal, "x")).kind, Outcome::Kind::retry);
}

// Records what ran, in order, and lets a test wait for a count.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> ran;  // payload "n" of each run, in order
  void add(std::string s) {
    {
      std::lock_guard lock(mu);
      ran.push_back(std::move(s));
    }
    cv.notify_all();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds t = 10s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, t, [&] { return ran.size() >= n; });
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mu);
    return ran;
  }
};

std::string field(const std::string& payload, const char* key) {
  auto v = boost::json::parse(payload).as_object();
  const auto* f = v.if_contains(key);
  if (f == nullptr) return {};
  return f->is_string() ? std::string(f->as_string()) : std::to_string(f->as_int64());
}

class QueueTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    temp_ = std::make_unique<db::testing::TempDatabase>(GetParam());
    ASSERT_TRUE(db::migrate(db()).ok());
  }
  void TearDown() override {
    if (queue_) queue_->stop(1s);
  }
  db::Database& db() { return temp_->db(); }

  // A queue with kinds: "record" (records payload.n), "flaky" (retries until attempt payload.ok),
  // "broken" (fails for good), "slow" (waits payload.ms, watching stopping()).
  Queue& make_queue(QueueOptions opts = {}, std::string node = "test-node/1") {
    queue_ = std::make_unique<Queue>(db(), clock_, Queue::Options{std::move(node), 50ms});
    queue_->configure_queue("default", opts);
    queue_->configure_queue("other", {1, 1});
    queue_->register_kind("record", {}, [this](JobContext& ctx) {
      rec_.add(field(ctx.job().payload, "n"));
      return Outcome::ok();
    });
    KindOptions flaky;
    flaky.max_attempts = 3;
    flaky.backoff_base = 1000ms;
    queue_->register_kind("flaky", flaky, [](JobContext& ctx) {
      const int ok_at = std::stoi(field(ctx.job().payload, "ok"));
      if (ctx.job().attempts >= ok_at) return Outcome::ok();
      Outcome o = Outcome::retry("not yet (attempt " + std::to_string(ctx.job().attempts) + ")");
      o.trace = "flaky handler";
      return o;
    });
    queue_->register_kind("broken", {}, [](JobContext&) { return Outcome::fail("bad payload"); });
    KindOptions other;
    other.queue = "other";
    queue_->register_kind("elsewhere", other, [this](JobContext& ctx) {
      rec_.add("other:" + field(ctx.job().payload, "n"));
      return Outcome::ok();
    });
    queue_->register_kind("slow", {}, [this](JobContext& ctx) {
      rec_.add("slow-start:" + field(ctx.job().payload, "n"));
      const auto until = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(std::stoi(field(ctx.job().payload, "ms")));
      while (std::chrono::steady_clock::now() < until) {
        if (ctx.stopping()) return Outcome::retry("stopping");
        std::this_thread::sleep_for(2ms);
      }
      return Outcome::ok();
    });
    return *queue_;
  }

  JobSpec spec(const std::string& kind, const std::string& payload) {
    JobSpec s;
    s.kind = kind;
    s.payload = payload;
    return s;
  }

  Job job(std::int64_t id) {
    auto j = queue_->job(std::nullopt, id);
    EXPECT_TRUE(j.ok());
    return j->first;
  }

  // Waits (real time) until a job satisfies pred.
  bool wait_job(std::int64_t id, const std::function<bool(const Job&)>& pred,
                std::chrono::milliseconds t = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + t;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(job(id))) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  // Waits (real time) until a job reaches a state.
  bool wait_state(std::int64_t id, State s, std::chrono::milliseconds t = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + t;
    while (std::chrono::steady_clock::now() < deadline) {
      if (job(id).state == s) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  ManualClock clock_;
  std::unique_ptr<db::testing::TempDatabase> temp_;
  std::unique_ptr<Queue> queue_;
  Recorder rec_;
};

TEST_P(QueueTest, JobsRunOnceAndSucceed) {
  auto& q = make_queue();
  q.start();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 20; ++i) {
    auto id = q.enqueue(spec("record", "{\"n\":" + std::to_string(i) + "}"));
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(*id);
  }
  ASSERT_TRUE(rec_.wait_for(20));
  for (auto id : ids)
    EXPECT_TRUE(wait_state(id, State::succeeded));
  auto ran = rec_.snapshot();
  std::set<std::string> unique(ran.begin(), ran.end());
  EXPECT_EQ(unique.size(), 20u);
  EXPECT_EQ(ran.size(), 20u);
  EXPECT_FALSE(q.enqueue(spec("nope", "{}")).ok());
  EXPECT_FALSE(q.enqueue(spec("record", "[1]")).ok());
}

TEST_P(QueueTest, HigherPriorityRunsFirst) {
  auto& q = make_queue({1, 1});
  ASSERT_TRUE(q.pause("default", "test").ok());
  q.start();
  for (int i = 0; i < 5; ++i) {
    auto s = spec("record", "{\"n\":\"low" + std::to_string(i) + "\"}");
    ASSERT_TRUE(q.enqueue(s).ok());
  }
  auto high = spec("record", "{\"n\":\"high\"}");
  high.priority = 10;
  ASSERT_TRUE(q.enqueue(high).ok());
  ASSERT_TRUE(q.resume("default").ok());
  ASSERT_TRUE(rec_.wait_for(6));
  auto ran = rec_.snapshot();
  EXPECT_EQ(ran.front(), "high");
  EXPECT_EQ(ran[1], "low0");  // then first in, first out
}

TEST_P(QueueTest, DelayedJobsWaitForTheirTime) {
  auto& q = make_queue();
  q.start();
  auto later = spec("record", "{\"n\":\"later\"}");
  later.run_at = clock_.now_ms() + 60'000;
  auto id = q.enqueue(later);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(q.enqueue(spec("record", "{\"n\":\"now\"}")).ok());
  ASSERT_TRUE(rec_.wait_for(1));
  EXPECT_EQ(rec_.snapshot(), std::vector<std::string>{"now"});
  EXPECT_EQ(job(*id).state, State::pending);
  clock_.advance(60'001ms);
  ASSERT_TRUE(rec_.wait_for(2));
  EXPECT_EQ(rec_.snapshot().back(), "later");
}

TEST_P(QueueTest, RetriesBackOffAndGiveUpAfterTheAttempts) {
  auto& q = make_queue();
  q.start();
  auto id = q.enqueue(spec("flaky", "{\"ok\":9}"));
  ASSERT_TRUE(id.ok());
  // First attempt fails: pending again, 0.5 to 1.5 s after now (base 1 s, jitter).
  ASSERT_TRUE(
      wait_job(*id, [](const Job& x) { return x.state == State::pending && x.attempts == 1; }));
  auto j = job(*id);
  EXPECT_GE(j.run_at, clock_.now_ms() + 500);
  EXPECT_LT(j.run_at, clock_.now_ms() + 1500);
  EXPECT_NE(j.last_error.find("not yet (attempt 1)"), std::string::npos);
  // Second: 1 to 3 s after that.
  clock_.advance(1500ms);
  const auto after_first = clock_.now_ms();
  ASSERT_TRUE(
      wait_job(*id, [](const Job& x) { return x.state == State::pending && x.attempts == 2; }));
  j = job(*id);
  EXPECT_EQ(j.attempts, 2);
  EXPECT_GE(j.run_at, after_first + 1000);
  EXPECT_LT(j.run_at, after_first + 3000);
  // Third and last: failed, every attempt stored with its error and trace.
  clock_.advance(3000ms);
  ASSERT_TRUE(wait_state(*id, State::failed));
  auto found = q.job(std::nullopt, *id);
  ASSERT_EQ(found->second.size(), 3u);
  EXPECT_EQ(found->second[0].outcome, "retry");
  EXPECT_EQ(found->second[2].outcome, "failed");
  EXPECT_EQ(found->second[2].trace, "flaky handler");
  EXPECT_NE(found->second[1].error.find("attempt 2"), std::string::npos);
}

TEST_P(QueueTest, APermanentFailureIsNotRetried) {
  auto& q = make_queue();
  q.start();
  auto id = q.enqueue(spec("broken", "{}"));
  ASSERT_TRUE(wait_state(*id, State::failed));
  auto found = q.job(std::nullopt, *id);
  EXPECT_EQ(found->first.attempts, 1);
  EXPECT_EQ(found->first.last_error, "bad payload");
  EXPECT_EQ(found->second.size(), 1u);
}

TEST_P(QueueTest, AUniqueJobExistsOnceWhilePendingEvenUnderConcurrency) {
  auto& q = make_queue();  // not started: every job stays pending
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::int64_t> ids;
  std::atomic<int> errors{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto s = spec("record", "{\"n\":1}");
        s.unique_key = "contact:7";
        auto id = q.enqueue(s);
        if (!id.ok()) {
          ++errors;
          continue;
        }
        std::lock_guard lock(mu);
        ids.insert(*id);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(db().query("SELECT COUNT(*) AS n FROM jobs")->integer(0, "n"), 1);
  // Once it has run, the same key may be enqueued again.
  q.start();
  ASSERT_TRUE(wait_state(*ids.begin(), State::succeeded));
  auto s = spec("record", "{\"n\":2}");
  s.unique_key = "contact:7";
  auto again = q.enqueue(s);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *ids.begin());
}

TEST_P(QueueTest, ExpiredLeasesOfADeadWorkerAreTakenBackAndRunAgain) {
  const auto now = clock_.now_ms();
  // Another node claimed this job and died: its lease ran out a second ago.
  ASSERT_TRUE(db().write_exec("INSERT INTO jobs (queue, kind, payload, state, run_at, attempts, "
                              "max_attempts, lease_owner, lease_until, created_at) VALUES "
                              "('default', 'record', '{\"n\":\"orphan\"}', 'running', $1, 1, 5, "
                              "'gone-node/9', $2, $1)",
                              {now, now - 1000})
                  .ok());
  // A job of this node's previous run: taken back at start, without waiting for its lease.
  ASSERT_TRUE(db().write_exec("INSERT INTO jobs (queue, kind, payload, state, run_at, attempts, "
                              "max_attempts, lease_owner, lease_until, created_at) VALUES "
                              "('default', 'record', '{\"n\":\"mine\"}', 'running', $1, 1, 5, "
                              "'test-node/0', $2, $1)",
                              {now, now + 600'000})
                  .ok());
  auto& q = make_queue();
  q.start();
  ASSERT_TRUE(rec_.wait_for(2));
  auto ran = rec_.snapshot();
  EXPECT_EQ(std::set<std::string>(ran.begin(), ran.end()),
            (std::set<std::string>{"orphan", "mine"}));
}

TEST_P(QueueTest, PauseStopsTheNextJobFromStartingUntilResumed) {
  auto& q = make_queue({1, 1});
  q.start();
  auto first = q.enqueue(spec("slow", "{\"n\":1,\"ms\":300}"));
  ASSERT_TRUE(rec_.wait_for(1));  // the first has started
  ASSERT_TRUE(q.pause("default", "test").ok());
  auto second = q.enqueue(spec("record", "{\"n\":\"after-pause\"}"));
  // A job on another queue shows the queue keeps working elsewhere.
  ASSERT_TRUE(q.enqueue(spec("elsewhere", "{\"n\":1}")).ok());
  ASSERT_TRUE(rec_.wait_for(2));
  ASSERT_TRUE(wait_state(*first, State::succeeded));
  std::this_thread::sleep_for(200ms);  // a dispatcher poll and more
  EXPECT_EQ(job(*second).state, State::pending);
  auto stats = q.stats();
  auto it = std::find_if(stats->begin(), stats->end(), [](auto& s) { return s.name == "default"; });
  EXPECT_TRUE(it->paused);
  ASSERT_TRUE(q.resume("default").ok());
  ASSERT_TRUE(wait_state(*second, State::succeeded));
}

TEST_P(QueueTest, StoppingLetsRunningJobsHandBackWithoutSpendingAnAttempt) {
  auto& q = make_queue({1, 1});
  q.start();
  auto id = q.enqueue(spec("slow", "{\"n\":1,\"ms\":60000}"));
  ASSERT_TRUE(rec_.wait_for(1));
  q.stop(2s);
  auto j = job(*id);
  EXPECT_EQ(j.state, State::pending);
  EXPECT_EQ(j.attempts, 0);
  EXPECT_TRUE(j.lease_owner.empty());
}

TEST_P(QueueTest, SchedulesEnqueueTheirJobWhenDueAndOnDemand) {
  auto& q = make_queue();
  Schedule s;
  s.name = "minutely";
  s.cron = "* * * * *";
  s.timezone = "Asia/Jakarta";
  s.kind = "record";
  s.payload = "{\"n\":\"tick\"}";
  auto made = q.upsert_schedule(s);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_GT(made->next_run_at, clock_.now_ms());
  EXPECT_LE(made->next_run_at, clock_.now_ms() + 60'000);
  EXPECT_FALSE(made->description.empty());
  s.cron = "61 * * * *";
  EXPECT_FALSE(q.upsert_schedule(s).ok());
  s.cron = "* * * * *";
  s.timezone = "Mars/Base";
  EXPECT_FALSE(q.upsert_schedule(s).ok());
  q.start();
  clock_.advance(61'000ms);
  ASSERT_TRUE(rec_.wait_for(1));
  EXPECT_EQ(rec_.snapshot().front(), "tick");
  auto after = q.schedules();
  EXPECT_GT(after->front().next_run_at, clock_.now_ms());
  EXPECT_GT(after->front().last_job_id, 0);
  ASSERT_TRUE(q.run_schedule_now("minutely").ok());
  ASSERT_TRUE(rec_.wait_for(2));
  EXPECT_FALSE(q.run_schedule_now("nope").ok());
}

TEST_P(QueueTest, FailedJobsCanBeRetriedDeletedAndListedByWorkspace) {
  auto& q = make_queue();
  auto ws =
      db().write_query("INSERT INTO workspaces (name, created_at) VALUES ('a', 1) RETURNING id", {})
          ->integer(0, "id");
  auto other =
      db().write_query("INSERT INTO workspaces (name, created_at) VALUES ('b', 1) RETURNING id", {})
          ->integer(0, "id");
  q.start();
  std::vector<std::int64_t> failed;
  for (int i = 0; i < 3; ++i) {
    auto s = spec("broken", "{\"i\":" + std::to_string(i) + "}");
    s.workspace_id = i < 2 ? ws : other;
    s.tags = {"batch:x"};
    failed.push_back(*q.enqueue(s));
  }
  for (auto id : failed)
    ASSERT_TRUE(wait_state(id, State::failed));
  JobQuery mine;
  mine.workspace_id = ws;
  mine.state = State::failed;
  EXPECT_EQ(q.jobs(mine)->size(), 2u);
  mine.tag = "batch:x";
  EXPECT_EQ(q.jobs(mine)->size(), 2u);
  EXPECT_EQ(q.job(ws, failed[2]).error().code, Errc::not_found);
  EXPECT_EQ(q.cancel(ws, failed[0]).error().code, Errc::conflict);
  mine.tag.clear();
  EXPECT_EQ(*q.delete_failed(mine), 2);
  EXPECT_EQ(q.jobs(mine)->size(), 0u);
  auto r = q.retry(other, failed[2]);
  ASSERT_TRUE(r.ok());
  // Pending again with fresh attempts (a worker may already have picked it up).
  EXPECT_NE(r->state, State::failed);
  EXPECT_LE(r->attempts, 1);
  ASSERT_TRUE(wait_state(failed[2], State::failed));  // it fails again, for good
}

TEST_P(QueueTest, WorkersGrowWithTheBacklogWithinTheMaximum) {
  auto& q = make_queue({1, 3});
  q.start();
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(q.enqueue(spec("slow", "{\"n\":" + std::to_string(i) + ",\"ms\":40}")).ok());
  int most = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto stats = q.stats();
    for (const auto& s : *stats) {
      if (s.name == "default") most = std::max(most, s.workers);
    }
    if (most >= 3) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(most, 3);
  ASSERT_TRUE(q.wait_idle(20s));
}

std::string name_of(const ::testing::TestParamInfo<db::Dialect>& p) {
  return db::dialect_name(p.param);
}
INSTANTIATE_TEST_SUITE_P(Backends, QueueTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);

}  // namespace
}  // namespace kirim::queue
