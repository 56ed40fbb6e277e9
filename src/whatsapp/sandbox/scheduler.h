#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.h"

// The sandbox's timeline: tasks due at a time of the Clock (a delayed answer, a status webhook, a
// customer's reply, a webhook retry), run in (due time, insertion) order so that the same inputs
// give the same sequence. Tests call run_due() after ManualClock::advance; the real process runs
// a thread that loops on it. Thread-safe; owned by the Sandbox.
namespace kirim::whatsapp::sandbox {

// The longest the thread sleeps without looking at the clock: a ManualClock moved by hand is
// noticed within this time even without a notification.
inline constexpr std::int64_t kSchedulerIdleMs = 50;

class Scheduler {
 public:
  using Task = std::function<void()>;

  explicit Scheduler(const Clock& clock) : clock_(clock) {}
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs task at due_ms (now or in the past: on the next pass). on_drop runs instead when the
  // scheduler is stopped first (e.g. to answer a waiting client). A task with keep_on_clear
  // survives clear().
  void at(std::int64_t due_ms, Task task, Task on_drop = {}, bool keep_on_clear = false);

  // Runs every task whose time has come, including those that the tasks themselves schedule for
  // now. Returns how many ran. Tasks run on the calling thread, without the lock held.
  std::size_t run_due();

  // Starts the thread, which calls pass() (run_due and whatever follows it) whenever a task is
  // due or wake() is called.
  void start(std::function<void()> pass);
  void wake();
  // Stops the thread, then runs on_drop of every task left (in order) and forgets them.
  // Idempotent.
  void stop();
  // Forgets every task without keep_on_clear (a reset).
  void clear();

  [[nodiscard]] std::size_t pending() const;
  [[nodiscard]] std::optional<std::int64_t> next_due() const;

 private:
  struct Entry {
    std::int64_t due_ms;
    std::uint64_t seq;
    Task task;
    Task on_drop;
    bool keep_on_clear;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.due_ms != b.due_ms ? a.due_ms > b.due_ms : a.seq > b.seq;
    }
  };

  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Entry> heap_;  // guarded by mu_; a min-heap by Later
  std::uint64_t seq_ = 0;    // guarded by mu_
  bool stopping_ = false;    // guarded by mu_
  bool woken_ = false;       // guarded by mu_
  std::thread thread_;
};

}  // namespace kirim::whatsapp::sandbox
