// The per-number rate limiter (src/queue/rate_limiter.h): the cost of one decision, alone and
// with two threads on one number, and its accuracy against the real clock.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/clock.h"
#include "queue/rate_limiter.h"

namespace {

using namespace std::chrono_literals;
using kirim::queue::Decision;
using kirim::queue::LocalRateLimiter;
using kirim::queue::NumberLimits;
using kirim::queue::SendRequest;

constexpr std::string_view kNumber = "pn-bench";
constexpr std::size_t kRecipientsPerThread = 1 << 15;
constexpr int kBatch = 64;

// Steady time moves by a fixed step each time it is read, so that a limiter at 1,000 mps read
// every millisecond always has a free slot (the path that does all the work); a step of zero
// freezes time (after the first second every call is refused for rate).
class SteppingClock final : public kirim::Clock {
 public:
  explicit SteppingClock(std::int64_t step_ns) : step_ns_(step_ns) {}
  [[nodiscard]] std::int64_t now_ms() const override {
    return kEpochMs + ns_.load(std::memory_order_relaxed) / 1'000'000;
  }
  [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(
        std::chrono::nanoseconds(ns_.fetch_add(step_ns_, std::memory_order_relaxed) + step_ns_));
  }

 private:
  static constexpr std::int64_t kEpochMs = 1'764'000'000'000;
  const std::int64_t step_ns_;
  mutable std::atomic<std::int64_t> ns_{1'000'000'000'000};
};

// The real clock, remembering on each thread the last steady time it gave out: the limiter reads
// it once per decision, under its lock, so after an allowed call it is that send's exact instant.
class StampingClock final : public kirim::Clock {
 public:
  [[nodiscard]] std::int64_t now_ms() const override { return system_.now_ms(); }
  [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override {
    last_read = system_.steady_now();
    return last_read;
  }
  static thread_local std::chrono::steady_clock::time_point last_read;

 private:
  kirim::SystemClock system_;
};
thread_local std::chrono::steady_clock::time_point StampingClock::last_read;

// The fullest half-open one-second window of sorted ns stamps.
std::size_t fullest_second(const std::vector<std::int64_t>& sorted) {
  std::size_t most = 0;
  std::size_t j = 0;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    j = std::max(j, k);
    while (j < sorted.size() && sorted[j] < sorted[k] + 1'000'000'000)
      ++j;
    most = std::max(most, j - k);
  }
  return most;
}

const std::vector<std::string>& recipients() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (std::size_t i = 0; i < 4 * kRecipientsPerThread; ++i)
      v.push_back("62812" + std::to_string(10'000'000 + i));
    return v;
  }();
  return names;
}

NumberLimits limits(bool tier_capped) {
  NumberLimits l;
  l.mps = kirim::queue::kMaxMps;
  l.tier_unique_24h = tier_capped ? 100'000 : kirim::queue::kUnlimitedTier;
  l.burst_tolerance = kirim::queue::kMaxBurstTolerance;
  return l;
}

std::unique_ptr<SteppingClock> g_clock;
std::unique_ptr<LocalRateLimiter> g_limiter;

// Args: {time step per read in ns (0: frozen), tier capped (0/1)}.
void BM_TryAcquire(benchmark::State& state) {
  if (state.thread_index() == 0) {
    recipients();
    g_clock = std::make_unique<SteppingClock>(state.range(0));
    g_limiter = std::make_unique<LocalRateLimiter>(*g_clock);
    (void)g_limiter->configure(kNumber, limits(state.range(1) != 0));
  }
  const auto& names = recipients();
  const std::size_t base = static_cast<std::size_t>(state.thread_index()) * kRecipientsPerThread;
  std::size_t i = 0;
  std::int64_t allowed = 0;
  for (auto _ : state) {
    const Decision d = g_limiter->try_acquire(kNumber, {names[base + i]});
    allowed += d.allowed ? 1 : 0;
    i = (i + 1) % kRecipientsPerThread;
  }
  state.counters["allowed"] =
      benchmark::Counter(static_cast<double>(allowed), benchmark::Counter::kAvgIterations);
  if (state.thread_index() == 0) {
    g_limiter.reset();
    g_clock.reset();
  }
}
BENCHMARK(BM_TryAcquire)
    ->ArgNames({"step_ns", "tier"})
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Args({0, 1})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

// A dispatcher's batch of 64 recipients under one lock, at 1,000 mps (time moves 64 ms a batch).
void BM_AcquireBatch(benchmark::State& state) {
  SteppingClock clock(64'000'000);
  LocalRateLimiter limiter(clock);
  (void)limiter.configure(kNumber, limits(true));
  const auto& names = recipients();
  std::vector<SendRequest> requests(kBatch);
  std::vector<Decision> out(kBatch);
  std::size_t i = 0;
  std::int64_t allowed = 0;
  for (auto _ : state) {
    for (auto& r : requests) {
      r.recipient = names[i];
      i = (i + 1) % (2 * kRecipientsPerThread);  // fewer than the tier cap: every one may go
    }
    allowed += static_cast<std::int64_t>(limiter.acquire_batch(kNumber, requests, out));
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["allowed_share"] =
      static_cast<double>(allowed) / static_cast<double>(state.iterations() * kBatch);
}
BENCHMARK(BM_AcquireBatch);

// Two threads call try_acquire as fast as they can for two seconds of real time. Each allowed
// send is stamped twice: with the instant the limiter decided at (StampingClock), and as the
// caller sees it just after the call returns (late by the lock hand-over and any preemption).
// Reports the fullest one-second window of each over the limit (1.0: at the limit) and the
// throughput over the limit.
void BM_RealClockAccuracy(benchmark::State& state) {
  const int mps = static_cast<int>(state.range(0));
  double worst = 0;
  double worst_seen = 0;
  double share = 0;
  for (auto _ : state) {
    StampingClock clock;
    LocalRateLimiter limiter(clock);
    NumberLimits l = limits(false);
    l.mps = mps;
    l.burst_tolerance = kirim::queue::kDefaultBurstTolerance;
    (void)limiter.configure(kNumber, l);
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + 2s;
    std::vector<std::vector<std::int64_t>> stamps(2);
    std::vector<std::vector<std::int64_t>> seen(2);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < stamps.size(); ++t) {
      threads.emplace_back([&, t] {
        const auto& names = recipients();
        std::size_t i = t * kRecipientsPerThread;
        for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
          if (limiter.try_acquire(kNumber, {names[i]}).allowed) {
            seen[t].push_back((std::chrono::steady_clock::now() - start).count());
            stamps[t].push_back((StampingClock::last_read - start).count());
          }
          i = t * kRecipientsPerThread + (i + 1) % kRecipientsPerThread;
        }
      });
    }
    for (auto& th : threads)
      th.join();
    const auto merged = [](const std::vector<std::vector<std::int64_t>>& per_thread) {
      std::vector<std::int64_t> all;
      for (const auto& s : per_thread)
        all.insert(all.end(), s.begin(), s.end());
      std::sort(all.begin(), all.end());
      return all;
    };
    const auto decided = merged(stamps);
    worst = std::max(worst, static_cast<double>(fullest_second(decided)) / mps);
    worst_seen = std::max(worst_seen, static_cast<double>(fullest_second(merged(seen))) / mps);
    share = static_cast<double>(decided.size()) / (2.0 * mps);
  }
  state.counters["max_window_over_limit"] = worst;
  state.counters["seen_by_caller_over_limit"] = worst_seen;
  state.counters["throughput_over_limit"] = share;
}
BENCHMARK(BM_RealClockAccuracy)->Arg(80)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
