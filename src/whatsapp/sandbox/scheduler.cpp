#include "whatsapp/sandbox/scheduler.h"

#include <algorithm>
#include <chrono>

namespace kirim::whatsapp::sandbox {

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::at(std::int64_t due_ms, Task task, Task on_drop, bool keep_on_clear) {
  bool earliest = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      // Too late to run: the caller's fallback still runs, outside the lock.
    } else {
      earliest = heap_.empty() || due_ms < heap_.front().due_ms;
      heap_.push_back(Entry{due_ms, seq_++, std::move(task), std::move(on_drop), keep_on_clear});
      std::push_heap(heap_.begin(), heap_.end(), Later{});
      if (earliest) cv_.notify_one();
      return;
    }
  }
  if (on_drop) on_drop();
}

std::size_t Scheduler::run_due() {
  std::size_t ran = 0;
  while (true) {
    std::vector<Entry> due;
    {
      std::lock_guard lock(mu_);
      const auto now = clock_.now_ms();
      while (!heap_.empty() && heap_.front().due_ms <= now) {
        std::pop_heap(heap_.begin(), heap_.end(), Later{});
        due.push_back(std::move(heap_.back()));
        heap_.pop_back();
      }
    }
    if (due.empty()) return ran;
    for (auto& e : due) {
      e.task();
      ++ran;
    }
  }
}

void Scheduler::start(std::function<void()> pass) {
  {
    std::lock_guard lock(mu_);
    if (thread_.joinable() || stopping_) return;
  }
  thread_ = std::thread([this, pass = std::move(pass)] {
    while (true) {
      pass();
      std::unique_lock lock(mu_);
      if (stopping_) return;
      if (woken_) {
        woken_ = false;
        continue;
      }
      std::int64_t wait_ms = kSchedulerIdleMs;
      if (!heap_.empty()) {
        wait_ms =
            std::clamp<std::int64_t>(heap_.front().due_ms - clock_.now_ms(), 0, kSchedulerIdleMs);
      }
      if (wait_ms == 0) continue;
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                   [this] { return stopping_ || woken_; });
      woken_ = false;
      if (stopping_) return;
    }
  });
}

void Scheduler::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<Entry> left;
  {
    std::lock_guard lock(mu_);
    left.swap(heap_);
  }
  std::sort(left.begin(), left.end(), [](const Entry& a, const Entry& b) { return Later{}(b, a); });
  for (auto& e : left) {
    if (e.on_drop) e.on_drop();
  }
}

void Scheduler::clear() {
  std::lock_guard lock(mu_);
  std::erase_if(heap_, [](const Entry& e) { return !e.keep_on_clear; });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
}

std::size_t Scheduler::pending() const {
  std::lock_guard lock(mu_);
  return heap_.size();
}

std::optional<std::int64_t> Scheduler::next_due() const {
  std::lock_guard lock(mu_);
  if (heap_.empty()) return std::nullopt;
  return heap_.front().due_ms;
}

}  // namespace kirim::whatsapp::sandbox
