#include "queue/rate_limiter.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <barrier>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

// Counts allocations while a test asks for it: the limiter's steady state must not allocate.
namespace {
std::atomic<long> g_allocations{0};
std::atomic<bool> g_counting{false};
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace kirim::queue {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using whatsapp::ErrorClass;

constexpr std::string_view kNumber = "pn-1";

NumberLimits rate_only(int mps) {
  NumberLimits l;
  l.mps = mps;
  l.tier_unique_24h = kUnlimitedTier;
  return l;
}

// No pacing, rate high enough that only the limit under test refuses.
NumberLimits wide_open() {
  NumberLimits l = rate_only(kMaxMps);
  l.burst_tolerance = kMaxBurstTolerance;
  return l;
}

std::string recipient(int i) {
  return "62812" + std::to_string(1'000'000 + i);
}

milliseconds ceil_ms(std::chrono::nanoseconds d) {
  return std::chrono::ceil<milliseconds>(d);
}

// The most sends inside any half-open window [t, t + window) that starts at a send (the fullest
// window always starts at one). times_ms is sorted.
int max_in_any_window(const std::vector<std::int64_t>& times_ms, std::int64_t window_ms = 1000) {
  int best = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < times_ms.size(); ++i) {
    j = std::max(j, i);
    while (j < times_ms.size() && times_ms[j] < times_ms[i] + window_ms)
      ++j;
    best = std::max(best, static_cast<int>(j - i));
  }
  return best;
}

// The most sends at one instant.
int max_at_one_instant(const std::vector<std::int64_t>& times_ms) {
  return max_in_any_window(times_ms, 1);
}

struct RandomRun {
  std::vector<std::int64_t> allowed_ms;
  double seconds = 0;
};

// Attempts at random instants (a Poisson process of `demand` attempts per second), each to a new
// recipient, so that only the rate limits.
RandomRun drive_random(LocalRateLimiter& limiter, ManualClock& clock, double demand, int attempts,
                       std::uint64_t seed) {
  RandomRun run;
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap_ms(demand / 1000.0);
  const std::int64_t start = clock.now_ms();
  double t = 0;
  for (int i = 0; i < attempts; ++i) {
    t += gap_ms(rng);
    const auto target = start + static_cast<std::int64_t>(t);
    if (target > clock.now_ms()) clock.advance(milliseconds(target - clock.now_ms()));
    const std::string to = recipient(i);
    if (limiter.try_acquire(kNumber, {to}).allowed) run.allowed_ms.push_back(clock.now_ms());
  }
  run.seconds = static_cast<double>(clock.now_ms() - start) / 1000.0;
  return run;
}

// A dispatcher that always has work and sleeps exactly as long as retry_after says.
std::vector<std::int64_t> drive_dispatcher(LocalRateLimiter& limiter, ManualClock& clock,
                                           std::chrono::milliseconds length,
                                           std::string_view number = kNumber) {
  std::vector<std::int64_t> sent;
  const std::int64_t end = clock.now_ms() + length.count();
  int i = 0;
  while (clock.now_ms() < end) {
    const std::string to = recipient(i);
    const auto d = limiter.try_acquire(number, {to});
    if (d.allowed) {
      sent.push_back(clock.now_ms());
      ++i;
    } else {
      clock.advance(ceil_ms(d.retry_after));
    }
  }
  return sent;
}

// --- Rate ------------------------------------------------------------------------------------

struct Accuracy {
  int mps;
  double min_share;  // of the limit reached when demand is 4x the limit
};

class RateAccuracy : public ::testing::TestWithParam<Accuracy> {};

// Every sliding one-second window holds at most the limit, and a demand above the limit gets
// close to it. At 1 mps the window itself costs throughput: the one slot of each second waits
// for the next random attempt after it opens (a quarter of a second on average at 4x demand).
TEST_P(RateAccuracy, NeverAboveTheLimitInAnyWindowAndReachesIt) {
  const auto [mps, min_share] = GetParam();
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(mps)).ok());
  const RandomRun run = drive_random(limiter, clock, 4.0 * mps, 20'000, 42 + mps);
  ASSERT_FALSE(run.allowed_ms.empty());
  EXPECT_LE(max_in_any_window(run.allowed_ms), mps);
  const double rate = static_cast<double>(run.allowed_ms.size()) / run.seconds;
  EXPECT_GE(rate, min_share * mps) << "sent " << run.allowed_ms.size() << " in " << run.seconds;
  EXPECT_LE(rate, mps * (1.0 + 1.0 / run.seconds));
}

INSTANTIATE_TEST_SUITE_P(Limits, RateAccuracy,
                         ::testing::Values(Accuracy{1, 0.75}, Accuracy{80, 0.97},
                                           Accuracy{1000, 0.97}),
                         [](const auto& p) { return std::to_string(p.param.mps) + "mps"; });

TEST(RateLimiterRate, DispatcherFollowingRetryAfterSendsExactlyTheRate) {
  for (const int mps : {1, 7, 80, 1000}) {
    ManualClock clock;
    LocalRateLimiter limiter(clock);
    ASSERT_TRUE(limiter.configure(kNumber, rate_only(mps)).ok());
    const auto sent = drive_dispatcher(limiter, clock, 10s);
    EXPECT_EQ(static_cast<int>(sent.size()), 10 * mps) << mps;
    EXPECT_LE(max_in_any_window(sent), mps) << mps;
  }
}

// Sends are spread over the second rather than sent in one burst: at most 1 + tolerance / (1 s /
// rate) at once.
TEST(RateLimiterRate, SpreadsSendsOutWithinTheBurstTolerance) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  const auto sent = drive_dispatcher(limiter, clock, 5s);
  // 50 ms of tolerance over 12.5 ms spacing: 5 at once at most, and 5 + 8 in any 100 ms.
  EXPECT_EQ(max_at_one_instant(sent), 5);
  EXPECT_LE(max_in_any_window(sent, 100), 13);
}

TEST(RateLimiterRate, ZeroToleranceSpacesEverySend) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(80);
  l.burst_tolerance = 0ms;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  const auto sent = drive_dispatcher(limiter, clock, 3s);
  EXPECT_EQ(max_at_one_instant(sent), 1);
  // Without tolerance a late caller loses its lateness: here the clock's millisecond steps make
  // every other 12.5 ms slot half a millisecond late. Why the default tolerance is not zero.
  EXPECT_LT(sent.size(), 240u);
  EXPECT_GE(sent.size(), 228u);
}

TEST(RateLimiterRate, MaximumToleranceLeavesOnlyTheWindow) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(80);
  l.burst_tolerance = kMaxBurstTolerance;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  for (int i = 0; i < 80; ++i)
    EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(i)}).allowed) << i;
  const auto d = limiter.try_acquire(kNumber, {recipient(80)});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, LimitReason::rate);
  EXPECT_EQ(d.retry_after, 1s);
}

// The window is half-open: a send exactly one second after the oldest in the window may go.
TEST(RateLimiterRate, WindowBoundaryIsExactlyOneSecond) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(3);
  l.burst_tolerance = kMaxBurstTolerance;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(i)}).allowed);
  clock.advance(kRateWindow - 1ms);
  const auto d = limiter.try_acquire(kNumber, {recipient(3)});
  EXPECT_EQ(d.reason, LimitReason::rate);
  EXPECT_EQ(d.retry_after, 1ms);
  clock.advance(1ms);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(3)}).allowed);
}

TEST(RateLimiterRate, UnconfiguredNumberGetsTheDefaults) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  EXPECT_FALSE(limiter.state(kNumber).known);
  ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(0)}).allowed);
  const auto s = limiter.state(kNumber);
  EXPECT_TRUE(s.known);
  EXPECT_EQ(s.configured_mps, kDefaultMps);
  EXPECT_EQ(s.current_mps, 80);
  EXPECT_EQ(s.tier_cap, kDefaultTierCap);
  EXPECT_EQ(s.tier_cap, 250);
  EXPECT_EQ(s.sent_last_second, 1);
  EXPECT_EQ(s.tier_used, 1);
}

TEST(RateLimiterRate, DefaultRateIsEightyPerSecond) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l;
  l.tier_unique_24h = kUnlimitedTier;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  const auto sent = drive_dispatcher(limiter, clock, 3s);
  EXPECT_EQ(sent.size(), 240u);
  EXPECT_EQ(max_in_any_window(sent), 80);
}

TEST(RateLimiterRate, LoweringTheRateHonoursSendsAlreadyInTheWindow) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(80);
  l.burst_tolerance = kMaxBurstTolerance;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  for (int i = 0; i < 60; ++i)
    ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(i)}).allowed);
  l.mps = 40;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  clock.advance(500ms);
  EXPECT_EQ(limiter.try_acquire(kNumber, {recipient(100)}).reason, LimitReason::rate);
  clock.advance(500ms);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(100)}).allowed);
  EXPECT_EQ(limiter.state(kNumber).configured_mps, 40);
}

TEST(RateLimiterRate, StateShowsTheNextSlotAndRecentSends) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(1);
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(0)}).allowed);
  clock.advance(400ms);
  auto s = limiter.state(kNumber);
  EXPECT_EQ(s.sent_last_second, 1);
  EXPECT_EQ(s.next_slot, 600ms);
  EXPECT_EQ(s.allowed, 1u);
  EXPECT_EQ(limiter.try_acquire(kNumber, {recipient(1)}).retry_after, 600ms);
  EXPECT_EQ(limiter.state(kNumber).refused_rate, 1u);
  clock.advance(600ms);
  s = limiter.state(kNumber);
  EXPECT_EQ(s.sent_last_second, 0);
  EXPECT_EQ(s.next_slot, 0ms);
}

// --- Batches ---------------------------------------------------------------------------------

TEST(RateLimiterBatch, AllowsWhatTheRateAllowsAndRefusesTheRestForRate) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i)
    names.push_back(recipient(i));
  std::vector<SendRequest> requests;
  for (const auto& n : names)
    requests.push_back({n});
  std::vector<Decision> out(requests.size());
  EXPECT_EQ(limiter.acquire_batch(kNumber, requests, out), 5u);
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_TRUE(out[i].allowed);
  for (std::size_t i = 5; i < out.size(); ++i) {
    EXPECT_EQ(out[i].reason, LimitReason::rate) << i;
    EXPECT_EQ(out[i].retry_after, out[5].retry_after);
  }
  EXPECT_EQ(limiter.state(kNumber).refused_rate, 15u);
  // The next batch, when the slot opens, picks up where the first stopped.
  clock.advance(ceil_ms(out[5].retry_after));
  EXPECT_EQ(limiter.acquire_batch(kNumber, std::span(requests).subspan(5), out), 1u);
}

TEST(RateLimiterBatch, RecipientLimitsSkipOnlyThatRecipient) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.pair_burst = 1;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  const std::string a = recipient(1), b = recipient(2), c = recipient(3);
  ASSERT_TRUE(limiter.try_acquire(kNumber, {b}).allowed);
  const std::vector<SendRequest> requests{{a}, {b}, {c}};
  std::vector<Decision> out(3);
  EXPECT_EQ(limiter.acquire_batch(kNumber, requests, out), 2u);
  EXPECT_TRUE(out[0].allowed);
  EXPECT_EQ(out[1].reason, LimitReason::pair);
  EXPECT_TRUE(out[2].allowed);
}

TEST(RateLimiterBatch, DecidesNoMoreThanTheOutputHolds) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, wide_open()).ok());
  const std::string a = recipient(1), b = recipient(2);
  const std::vector<SendRequest> requests{{a}, {b}};
  std::vector<Decision> out(1);
  EXPECT_EQ(limiter.acquire_batch(kNumber, requests, out), 1u);
  EXPECT_EQ(limiter.state(kNumber).allowed, 1u);
}

// --- Tier ------------------------------------------------------------------------------------

class TierCap : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(TierCap, ExactCapOnUniqueRecipientsAndRepeatsAreFree) {
  const std::int64_t cap = GetParam();
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = cap;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  int allowed = 0;
  Decision refused;
  for (int i = 0; i < cap + 10; ++i) {
    auto d = limiter.try_acquire(kNumber, {recipient(i)});
    while (d.reason == LimitReason::rate) {
      clock.advance(ceil_ms(d.retry_after));
      d = limiter.try_acquire(kNumber, {recipient(i)});
    }
    if (d.allowed) {
      ++allowed;
    } else {
      refused = d;
    }
  }
  EXPECT_EQ(allowed, cap);
  EXPECT_EQ(refused.reason, LimitReason::tier);
  EXPECT_GT(refused.retry_after, kTierWindow - 10s);
  EXPECT_LE(refused.retry_after, kTierWindow);
  EXPECT_EQ(limiter.state(kNumber).tier_used, cap);
  // Everyone already counted may get more.
  clock.advance(kDefaultPairInterval);
  for (int i = 0; i < cap; i += 7)
    EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(i)}).allowed) << i;
  EXPECT_EQ(limiter.state(kNumber).tier_used, cap);
  EXPECT_EQ(limiter.state(kNumber).refused_tier, 10u);
}

INSTANTIATE_TEST_SUITE_P(Tiers, TierCap, ::testing::Values(250, 2000));

TEST(RateLimiterTier, WindowRollsAfterTwentyFourHours) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = 250;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  for (int i = 0; i < 250; ++i)
    ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(i)}).allowed) << i;
  clock.advance(kTierWindow - 1ms);
  const auto d = limiter.try_acquire(kNumber, {recipient(250)});
  EXPECT_EQ(d.reason, LimitReason::tier);
  EXPECT_EQ(d.retry_after, 1ms);
  clock.advance(1ms);
  EXPECT_EQ(limiter.state(kNumber).tier_used, 0);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(250)}).allowed);
  EXPECT_EQ(limiter.state(kNumber).tier_used, 1);
}

TEST(RateLimiterTier, ARepeatKeepsTheRecipientCountedFromItsLastSend) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = 250;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  for (int i = 0; i < 250; ++i)
    ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(i)}).allowed);
  clock.advance(12h);
  ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(0)}).allowed);
  clock.advance(12h);
  EXPECT_EQ(limiter.state(kNumber).tier_used, 1);
  clock.advance(12h);
  EXPECT_EQ(limiter.state(kNumber).tier_used, 0);
}

TEST(RateLimiterTier, ExemptSendsDoNotCount) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = 250;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  for (int i = 0; i < 250; ++i)
    ASSERT_TRUE(limiter.try_acquire(kNumber, {recipient(i)}).allowed);
  const std::string replied = recipient(999);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {replied, TierUse::exempt}).allowed);
  EXPECT_EQ(limiter.state(kNumber).tier_used, 250);
  clock.advance(kDefaultPairInterval);
  EXPECT_EQ(limiter.try_acquire(kNumber, {replied}).reason, LimitReason::tier);
}

TEST(RateLimiterTier, SeedReloadsTheLastDayOfSends) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = 250;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  const std::int64_t now = clock.now_ms();
  const std::int64_t hour = 3'600'000;
  for (int i = 1; i < 250; ++i)
    limiter.seed(kNumber, recipient(i), now - hour);
  limiter.seed(kNumber, recipient(0), now - 5 * hour);     // out of order: the oldest, last
  limiter.seed(kNumber, recipient(1), now - 2 * hour);     // older than what is known: no change
  limiter.seed(kNumber, recipient(500), now - 24 * hour);  // outside the window
  EXPECT_EQ(limiter.state(kNumber).tier_used, 250);
  const auto d = limiter.try_acquire(kNumber, {recipient(250)});
  EXPECT_EQ(d.reason, LimitReason::tier);
  EXPECT_EQ(d.retry_after, 19h);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(7)}).allowed);
  clock.advance(19h);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(250)}).allowed);
  EXPECT_EQ(limiter.try_acquire(kNumber, {recipient(251)}).reason, LimitReason::tier);
  clock.advance(4h);
  EXPECT_EQ(limiter.state(kNumber).tier_used, 2);  // recipient(7) and recipient(250)
}

TEST(RateLimiterTier, NumbersOfOnePortfolioShareTheCap) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = 250;
  l.tier_group = "portfolio-9";
  ASSERT_TRUE(limiter.configure("pn-1", l).ok());
  ASSERT_TRUE(limiter.configure("pn-2", l).ok());
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(limiter.try_acquire("pn-1", {recipient(i)}).allowed);
  for (int i = 200; i < 250; ++i)
    ASSERT_TRUE(limiter.try_acquire("pn-2", {recipient(i)}).allowed);
  EXPECT_EQ(limiter.try_acquire("pn-1", {recipient(250)}).reason, LimitReason::tier);
  EXPECT_EQ(limiter.try_acquire("pn-2", {recipient(250)}).reason, LimitReason::tier);
  EXPECT_TRUE(limiter.try_acquire("pn-2", {recipient(3)}).allowed);  // counted through pn-1
  EXPECT_EQ(limiter.state("pn-2").tier_used, 250);
  EXPECT_EQ(limiter.state("pn-2").tier_group, "portfolio-9");
  // Leaving the group: pn-2 counts alone from now on.
  l.tier_group.clear();
  ASSERT_TRUE(limiter.configure("pn-2", l).ok());
  EXPECT_TRUE(limiter.try_acquire("pn-2", {recipient(250)}).allowed);
  EXPECT_EQ(limiter.state("pn-2").tier_used, 1);
  EXPECT_EQ(limiter.state("pn-1").tier_used, 250);
}

TEST(RateLimiterTier, UnlimitedTierCountsNothing) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = kUnlimitedTier;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  const auto sent = drive_dispatcher(limiter, clock, 5s);
  EXPECT_EQ(sent.size(), 5000u);
  limiter.seed(kNumber, recipient(1), clock.now_ms());
  EXPECT_EQ(limiter.state(kNumber).tier_used, 0);
  EXPECT_EQ(limiter.state(kNumber).tier_cap, 0);
}

TEST(RateLimiterTier, MemoryStaysWithinTheCapOverDays) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.tier_unique_24h = 2000;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  int next = 0;
  std::int64_t most = 0;
  for (int step = 0; step < 3 * 24 * 60; ++step) {  // three days, 20 new recipients a minute
    for (int k = 0; k < 20; ++k)
      (void)limiter.try_acquire(kNumber, {recipient(next++)});
    most = std::max(most, limiter.state(kNumber).tier_used);
    clock.advance(1min);
  }
  EXPECT_EQ(most, 2000);
  EXPECT_LE(limiter.state(kNumber).tier_used, 2000);
  clock.advance(kTierWindow);
  (void)limiter.try_acquire(kNumber, {recipient(next)});
  EXPECT_EQ(limiter.state(kNumber).tier_used, 1);
}

// --- Pair ------------------------------------------------------------------------------------

TEST(RateLimiterPair, BurstOfFortyFiveThenPayBack) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, wide_open()).ok());
  const std::string to = recipient(1);
  for (int i = 0; i < kDefaultPairBurst; ++i)
    ASSERT_TRUE(limiter.try_acquire(kNumber, {to}).allowed) << i;
  const auto d = limiter.try_acquire(kNumber, {to});
  EXPECT_EQ(d.reason, LimitReason::pair);
  EXPECT_EQ(d.retry_after, 45 * kDefaultPairInterval);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(2)}).allowed);  // others go on
  clock.advance(45 * kDefaultPairInterval - 1ms);
  EXPECT_EQ(limiter.try_acquire(kNumber, {to}).reason, LimitReason::pair);
  clock.advance(1ms);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {to}).allowed);
}

TEST(RateLimiterPair, OnePerIntervalWithoutBurst) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = wide_open();
  l.pair_burst = 1;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  const std::string to = recipient(1);
  ASSERT_TRUE(limiter.try_acquire(kNumber, {to}).allowed);
  clock.advance(kDefaultPairInterval - 1ms);
  const auto d = limiter.try_acquire(kNumber, {to});
  EXPECT_EQ(d.reason, LimitReason::pair);
  EXPECT_EQ(d.retry_after, 1ms);
  clock.advance(1ms);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {to}).allowed);
  EXPECT_EQ(limiter.state(kNumber).refused_pair, 1u);
}

TEST(RateLimiterPair, BurstOnlyInsideTheBurstWindow) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, wide_open()).ok());
  const std::string to = recipient(1);
  ASSERT_TRUE(limiter.try_acquire(kNumber, {to}).allowed);
  clock.advance(kDefaultPairBurstWindow - 1ms);
  ASSERT_TRUE(limiter.try_acquire(kNumber, {to}).allowed);  // still in the burst: debt 12 s
  clock.advance(1ms);
  const auto d = limiter.try_acquire(kNumber, {to});
  EXPECT_EQ(d.reason, LimitReason::pair);
  EXPECT_EQ(d.retry_after, 6s);
}

TEST(RateLimiterPair, BackoffAfter131056GrowsByFourUpToTheCap) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, wide_open()).ok());
  const std::string to = recipient(1);
  std::vector<std::chrono::seconds> waits;
  for (int strike = 0; strike < 7; ++strike) {
    clock.advance(kDefaultPairInterval);
    ASSERT_TRUE(limiter.try_acquire(kNumber, {to}).allowed) << strike;
    limiter.report_failure(kNumber, to, ErrorClass::throttle_recipient, "131056");
    const auto d = limiter.try_acquire(kNumber, {to});
    EXPECT_EQ(d.reason, LimitReason::pair);
    waits.push_back(std::chrono::ceil<std::chrono::seconds>(d.retry_after));
    clock.advance(ceil_ms(d.retry_after) - 1ms);
    EXPECT_EQ(limiter.try_acquire(kNumber, {to}).reason, LimitReason::pair);
    clock.advance(1ms);
  }
  // The first wait is at least the interval of the send itself (6 s), then 4^X s.
  EXPECT_EQ(waits, (std::vector<std::chrono::seconds>{6s, 6s, 16s, 64s, 256s, 1024s, 1024s}));
  EXPECT_EQ(limiter.state(kNumber).recipient_throttles, 7u);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(2)}).allowed);
}

TEST(RateLimiterPair, AfterABackoffNoBurstUntilPaidBack) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, wide_open()).ok());
  const std::string to = recipient(1);
  limiter.report_failure(kNumber, to, ErrorClass::throttle_recipient, "131056");
  const auto d = limiter.try_acquire(kNumber, {to});
  EXPECT_EQ(d.retry_after, 1s);  // 4^0
  clock.advance(1s);
  ASSERT_TRUE(limiter.try_acquire(kNumber, {to}).allowed);
  EXPECT_EQ(limiter.try_acquire(kNumber, {to}).retry_after, kDefaultPairInterval);
}

TEST(RateLimiterPair, SuccessOrTimeForgetsTheStrikes) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, wide_open()).ok());
  const std::string to = recipient(1);
  const auto strike_wait = [&] {
    limiter.report_failure(kNumber, to, ErrorClass::throttle_recipient, "131056");
    const auto d = limiter.try_acquire(kNumber, {to});
    clock.advance(ceil_ms(d.retry_after));
    return d.retry_after;
  };
  EXPECT_EQ(strike_wait(), 1s);
  EXPECT_EQ(strike_wait(), 4s);
  limiter.report_sent(kNumber, to);
  EXPECT_EQ(strike_wait(), 1s);  // the strike is remembered for an hour from here
  clock.advance(kPairStrikeMemory - 1s - 1ms);
  EXPECT_EQ(strike_wait(), 4s);  // and from here
  clock.advance(kPairStrikeMemory - 4s);
  EXPECT_EQ(strike_wait(), 1s);
}

TEST(RateLimiterPair, EntriesAreForgottenOnceTheyLimitNothing) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  // 60,000 recipients over 750 s; at any time only the last 6 s (480 recipients) limit anything.
  const auto sent = drive_dispatcher(limiter, clock, 750s);
  ASSERT_EQ(sent.size(), 60'000u);
  const auto entries = limiter.state(kNumber).pair_entries;
  EXPECT_GE(entries, 400u);
  EXPECT_LE(entries, kPairSweepMinEntries);
}

// Once the pair and tier tables have reached their working size, deciding allocates nothing:
// freed entries are reused from the limiter's pool.
TEST(RateLimiterMemory, SteadyStateAllocatesNothing) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(kMaxMps);
  l.tier_unique_24h = 10'000;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  std::vector<std::string> names;
  for (int i = 0; i < 30'000; ++i)
    names.push_back(recipient(i));
  const auto run = [&] {
    int allowed = 0;
    for (const auto& name : names) {
      auto d = limiter.try_acquire(kNumber, {name});
      for (; d.reason == LimitReason::rate; d = limiter.try_acquire(kNumber, {name}))
        clock.advance(ceil_ms(d.retry_after));
      if (d.allowed) ++allowed;
    }
    return allowed;
  };
  // Each day fills the tier with new recipients after the last day's have expired, and turns
  // the pair table over.
  for (int day = 0; day < 3; ++day) {
    ASSERT_EQ(run(), 10'000);
    clock.advance(kTierWindow + 1h);
  }
  g_allocations = 0;
  g_counting = true;
  const int allowed = run();
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(allowed, 10'000);
}

// --- Adaptive rate ---------------------------------------------------------------------------

struct Heard {
  std::string number;
  LimiterEvent event;
  std::string detail;
};

TEST(RateLimiterAdaptive, ThrottlingHalvesTheRateAndSendsFollowAtOnce) {
  ManualClock clock;
  std::vector<Heard> heard;
  LocalRateLimiter limiter(clock, [&](std::string_view n, LimiterEvent e, std::string_view d) {
    heard.push_back({std::string(n), e, std::string(d)});
  });
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  auto sent = drive_dispatcher(limiter, clock, 3s);
  limiter.report_failure(kNumber, recipient(0), ErrorClass::throttle, "130429");
  const std::int64_t throttled_at = clock.now_ms();
  EXPECT_EQ(limiter.state(kNumber).current_mps, 40);
  EXPECT_EQ(limiter.state(kNumber).backoff_left, kThrottleBackoff);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].event, LimiterEvent::rate_reduced);
  EXPECT_EQ(heard[0].detail, "80->40");
  const auto after = drive_dispatcher(limiter, clock, kThrottleBackoff);
  // Every send after the halving ends a second holding at most 40 sends.
  sent.insert(sent.end(), after.begin(), after.end());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (sent[i] < throttled_at) continue;
    const auto first = std::lower_bound(sent.begin(), sent.end(), sent[i] - 999);
    EXPECT_LE(sent.begin() + static_cast<std::ptrdiff_t>(i) + 1 - first, 40);
  }
  EXPECT_GE(after.size(), 55u);  // nothing for 0.5 s while the window drains, then 40/s
}

TEST(RateLimiterAdaptive, OneHalvingPerHoldoffAndNeverBelowTheFloor) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
  EXPECT_EQ(limiter.state(kNumber).current_mps, 40);
  clock.advance(kDecreaseHoldoff - 1ms);
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "80007");
  EXPECT_EQ(limiter.state(kNumber).current_mps, 40);
  std::vector<int> rates;
  for (int i = 0; i < 8; ++i) {
    clock.advance(kDecreaseHoldoff);
    limiter.report_failure(kNumber, "", ErrorClass::throttle, "4");
    rates.push_back(limiter.state(kNumber).current_mps);
  }
  EXPECT_EQ(rates, (std::vector<int>{20, 10, 5, 2, 1, 1, 1, 1}));
  EXPECT_EQ(limiter.state(kNumber).throttles, 10u);
}

TEST(RateLimiterAdaptive, RecoversByAStepEachSecondAfterTheBackoff) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
  clock.advance(kThrottleBackoff - 1ms);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 40);
  clock.advance(1ms);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 44);  // 5% of 80
  EXPECT_EQ(limiter.state(kNumber).backoff_left, 0ms);
  std::vector<int> rates;
  for (int i = 0; i < 11; ++i) {
    clock.advance(kRecoveryTick);
    rates.push_back(limiter.state(kNumber).current_mps);
  }
  EXPECT_EQ(rates, (std::vector<int>{48, 52, 56, 60, 64, 68, 72, 76, 80, 80, 80}));
  // The recovered rate is what the limiter enforces.
  const auto sent = drive_dispatcher(limiter, clock, 2s);
  EXPECT_EQ(sent.size(), 160u);
}

TEST(RateLimiterAdaptive, RecoveryIsLazyButTheSameWhenAskedLate) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(1000);
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
  clock.advance(kThrottleBackoff + 3 * kRecoveryTick);
  (void)limiter.try_acquire(kNumber, {recipient(0)});  // applies the recovery
  EXPECT_EQ(limiter.state(kNumber).current_mps, 500 + 4 * 50);
  clock.advance(kRecoveryTick);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 750);
}

TEST(RateLimiterAdaptive, NoRecoveryWhileThrottlesKeepComing) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
  clock.advance(kDecreaseHoldoff - 100ms);
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");  // no halving; backoff anew
  clock.advance(kThrottleBackoff - 1ms);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 40);
  clock.advance(1ms);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 44);

  int last = limiter.state(kNumber).current_mps;
  for (int i = 0; i < 60; ++i) {
    clock.advance(500ms);
    limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
    const int now = limiter.state(kNumber).current_mps;
    EXPECT_LE(now, last) << i;
    last = now;
  }
  EXPECT_EQ(last, kAdaptiveFloorMps);
}

TEST(RateLimiterAdaptive, SmallRatesRecoverByAtLeastOne) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(10)).ok());
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
  EXPECT_EQ(limiter.state(kNumber).current_mps, 5);
  clock.advance(kThrottleBackoff);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 6);
}

TEST(RateLimiterAdaptive, OffMeansOnlyCounted) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  NumberLimits l = rate_only(80);
  l.adaptive = false;
  ASSERT_TRUE(limiter.configure(kNumber, l).ok());
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
  const auto s = limiter.state(kNumber);
  EXPECT_EQ(s.current_mps, 80);
  EXPECT_EQ(s.throttles, 1u);
  EXPECT_EQ(s.backoff_left, 0ms);
}

TEST(RateLimiterAdaptive, ReconfiguringDuringBackoffKeepsRecoveringTowardTheNewRate) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  limiter.report_failure(kNumber, "", ErrorClass::throttle, "130429");
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(1000)).ok());
  EXPECT_EQ(limiter.state(kNumber).current_mps, 40);
  clock.advance(kThrottleBackoff);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 90);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(20)).ok());
  EXPECT_EQ(limiter.state(kNumber).current_mps, 20);
}

TEST(RateLimiterAdaptive, OtherFailuresDoNotChangeThePace) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(80)).ok());
  for (const auto c : {ErrorClass::retry, ErrorClass::drop_recipient, ErrorClass::fix_template,
                       ErrorClass::fix_payload, ErrorClass::billing, ErrorClass::window_closed})
    limiter.report_failure(kNumber, recipient(1), c, "x");
  const auto s = limiter.state(kNumber);
  EXPECT_EQ(s.current_mps, 80);
  EXPECT_FALSE(s.paused);
  EXPECT_EQ(s.pair_entries, 0u);
}

// --- Pause -----------------------------------------------------------------------------------

TEST(RateLimiterPause, StopAuthPausesNotifiesOnceAndResumeLifts) {
  ManualClock clock;
  std::vector<Heard> heard;
  LocalRateLimiter* self = nullptr;
  LocalRateLimiter limiter(clock, [&](std::string_view n, LimiterEvent e, std::string_view d) {
    heard.push_back({std::string(n), e, std::string(d)});
    EXPECT_TRUE(self->state(n).paused);  // the listener may call back
  });
  self = &limiter;
  ASSERT_TRUE(limiter.configure(kNumber, wide_open()).ok());
  limiter.report_failure(kNumber, recipient(1), ErrorClass::stop_auth, "190 token expired");
  limiter.report_failure(kNumber, recipient(2), ErrorClass::stop_auth, "190 token expired");
  limiter.report_failure(kNumber, recipient(3), ErrorClass::stop_number, "131031");
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].number, kNumber);
  EXPECT_EQ(heard[0].event, LimiterEvent::paused_auth);
  EXPECT_EQ(heard[0].detail, "190 token expired");

  const auto d = limiter.try_acquire(kNumber, {recipient(4)});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, LimitReason::paused);
  EXPECT_EQ(d.retry_after, kPausedRetryAfter);
  auto s = limiter.state(kNumber);
  EXPECT_TRUE(s.paused);
  EXPECT_EQ(s.pause_cause, PauseCause::auth);
  EXPECT_EQ(s.pause_detail, "190 token expired");
  EXPECT_EQ(s.refused_paused, 1u);
  EXPECT_TRUE(limiter.try_acquire("pn-other", {recipient(4)}).allowed);

  limiter.resume(kNumber);
  EXPECT_TRUE(limiter.try_acquire(kNumber, {recipient(4)}).allowed);
  s = limiter.state(kNumber);
  EXPECT_FALSE(s.paused);
  EXPECT_EQ(s.pause_cause, PauseCause::none);

  limiter.report_failure(kNumber, recipient(5), ErrorClass::stop_number, "131048 spam");
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[1].event, LimiterEvent::paused_number);
  EXPECT_EQ(limiter.state(kNumber).pause_cause, PauseCause::number);
}

TEST(RateLimiterPause, BatchWhilePausedRefusesEveryRequest) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  limiter.report_failure(kNumber, "", ErrorClass::stop_number, "368");
  const std::string a = recipient(1), b = recipient(2);
  const std::vector<SendRequest> requests{{a}, {b}};
  std::vector<Decision> out(2);
  EXPECT_EQ(limiter.acquire_batch(kNumber, requests, out), 0u);
  EXPECT_EQ(out[0].reason, LimitReason::paused);
  EXPECT_EQ(out[1].reason, LimitReason::paused);
  EXPECT_EQ(limiter.state(kNumber).refused_paused, 2u);
}

TEST(RateLimiterPause, PausingWithoutAListenerIsFine) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  limiter.report_failure(kNumber, "", ErrorClass::stop_auth, "0");
  EXPECT_TRUE(limiter.state(kNumber).paused);
  limiter.resume("pn-unknown");
  EXPECT_FALSE(limiter.state("pn-unknown").known);
}

// --- Configuration ---------------------------------------------------------------------------

TEST(RateLimiterConfig, EveryBoundIsChecked) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  const auto field_refused = [&](const NumberLimits& limits, const std::string& field) {
    const auto r = limiter.configure(kNumber, limits);
    if (r.ok()) return false;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    return r.error().details.contains(field);
  };
  const auto accepted = [&](const NumberLimits& limits) {
    return limiter.configure(kNumber, limits).ok();
  };
  NumberLimits l;

  l = NumberLimits{};
  l.mps = kMinMps - 1;
  EXPECT_TRUE(field_refused(l, "mps"));
  l.mps = kMinMps;
  EXPECT_TRUE(accepted(l));
  l.mps = kMaxMps;
  EXPECT_TRUE(accepted(l));
  l.mps = kMaxMps + 1;
  EXPECT_TRUE(field_refused(l, "mps"));

  l = NumberLimits{};
  l.burst_tolerance = -1ms;
  EXPECT_TRUE(field_refused(l, "burst_tolerance"));
  l.burst_tolerance = 0ms;
  EXPECT_TRUE(accepted(l));
  l.burst_tolerance = kMaxBurstTolerance;
  EXPECT_TRUE(accepted(l));
  l.burst_tolerance = kMaxBurstTolerance + 1ms;
  EXPECT_TRUE(field_refused(l, "burst_tolerance"));

  l = NumberLimits{};
  l.tier_unique_24h = -1;
  EXPECT_TRUE(field_refused(l, "tier_unique_24h"));
  for (const std::int64_t tier : {0, 250, 2000, 10'000, 100'000}) {
    l.tier_unique_24h = tier;
    EXPECT_TRUE(accepted(l)) << tier;
  }

  l = NumberLimits{};
  l.pair_interval = 0ms;
  EXPECT_TRUE(field_refused(l, "pair_interval"));
  l.pair_interval = 1ms;
  EXPECT_TRUE(accepted(l));
  l.pair_interval = kMaxPairInterval;
  EXPECT_TRUE(accepted(l));
  l.pair_interval = kMaxPairInterval + 1ms;
  EXPECT_TRUE(field_refused(l, "pair_interval"));

  l = NumberLimits{};
  l.pair_burst = 0;
  EXPECT_TRUE(field_refused(l, "pair_burst"));
  l.pair_burst = kMaxPairBurst;
  EXPECT_TRUE(accepted(l));
  l.pair_burst = kMaxPairBurst + 1;
  EXPECT_TRUE(field_refused(l, "pair_burst"));

  l = NumberLimits{};
  l.pair_burst_window = -1ms;
  EXPECT_TRUE(field_refused(l, "pair_burst_window"));
  l.pair_burst_window = kMaxPairInterval;
  EXPECT_TRUE(accepted(l));
  l.pair_burst_window = kMaxPairInterval + 1ms;
  EXPECT_TRUE(field_refused(l, "pair_burst_window"));

  EXPECT_FALSE(limiter.configure("", NumberLimits{}).ok());
}

TEST(RateLimiterConfig, AllProblemsAtOnceAndNothingChanges) {
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(20)).ok());
  NumberLimits bad;
  bad.mps = 0;
  bad.pair_burst = 0;
  bad.tier_unique_24h = -5;
  const auto r = limiter.configure(kNumber, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details.size(), 3u);
  const auto s = limiter.state(kNumber);
  EXPECT_EQ(s.configured_mps, 20);
  EXPECT_EQ(s.tier_cap, 0);
}

TEST(RateLimiterConfig, NamesForLogsAndJson) {
  EXPECT_EQ(reason_name(LimitReason::none), "none");
  EXPECT_EQ(reason_name(LimitReason::rate), "rate");
  EXPECT_EQ(reason_name(LimitReason::pair), "pair");
  EXPECT_EQ(reason_name(LimitReason::tier), "tier");
  EXPECT_EQ(reason_name(LimitReason::paused), "paused");
  EXPECT_EQ(event_name(LimiterEvent::paused_auth), "paused_auth");
  EXPECT_EQ(event_name(LimiterEvent::paused_number), "paused_number");
  EXPECT_EQ(event_name(LimiterEvent::rate_reduced), "rate_reduced");
}

// --- Threads ---------------------------------------------------------------------------------

// Several dispatcher threads share one number. Time moves only between phases (the barrier's
// completion step), so every allowed send's instant is known exactly; meanwhile other threads
// report outcomes and read the state of the same number.
TEST(RateLimiterThreads, ManyThreadsOnOneNumberNeverExceedTheRate) {
  constexpr int kThreads = 4;
  constexpr int kPhases = 400;
  constexpr int kAttemptsPerPhase = 40;
  constexpr int kMps = 80;
  ManualClock clock;
  LocalRateLimiter limiter(clock);
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(kMps)).ok());

  std::vector<std::int64_t> phase_ms(kPhases);
  std::vector<std::atomic<int>> allowed(kPhases);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> step(0, 25);
  int phase = 0;
  phase_ms[0] = clock.now_ms();
  std::barrier sync(kThreads + 1, [&]() noexcept {
    clock.advance(milliseconds(step(rng)));
    if (++phase < kPhases) phase_ms[static_cast<std::size_t>(phase)] = clock.now_ms();
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int p = 0; p < kPhases; ++p) {
        for (int i = 0; i < kAttemptsPerPhase; ++i) {
          const std::string to = recipient(t * 1'000'000 + p * kAttemptsPerPhase + i);
          if (limiter.try_acquire(kNumber, {to}).allowed)
            allowed[static_cast<std::size_t>(p)].fetch_add(1);
        }
        sync.arrive_and_wait();
      }
    });
  }
  // The extra participant: reports and reads while the dispatchers run.
  for (int p = 0; p < kPhases; ++p) {
    limiter.report_sent(kNumber, recipient(p));
    limiter.report_failure(kNumber, recipient(p), ErrorClass::retry, "131000");
    (void)limiter.state(kNumber);
    (void)limiter.try_acquire("pn-2", {recipient(p)});
    sync.arrive_and_wait();
  }
  for (auto& th : threads)
    th.join();

  std::vector<std::int64_t> sent;
  for (int p = 0; p < kPhases; ++p)
    sent.insert(sent.end(), static_cast<std::size_t>(allowed[static_cast<std::size_t>(p)].load()),
                phase_ms[static_cast<std::size_t>(p)]);
  EXPECT_LE(max_in_any_window(sent), kMps);
  const double seconds = static_cast<double>(phase_ms.back() - phase_ms.front()) / 1000.0;
  EXPECT_GE(static_cast<double>(sent.size()), 0.9 * kMps * seconds);
  EXPECT_EQ(limiter.state(kNumber).allowed, sent.size());
}

TEST(RateLimiterThreads, ThrottlesAndPausesFromOtherThreadsAreSafe) {
  ManualClock clock;
  std::atomic<int> events{0};
  LocalRateLimiter limiter(clock, [&](std::string_view, LimiterEvent e, std::string_view) {
    if (e != LimiterEvent::rate_reduced) events.fetch_add(1);
  });
  ASSERT_TRUE(limiter.configure(kNumber, rate_only(1000)).ok());
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    for (int i = 0; !stop.load(); ++i) {
      std::array<std::string, 8> names;
      std::array<SendRequest, 8> requests;
      for (std::size_t k = 0; k < names.size(); ++k) {
        names[k] = recipient(i * 8 + static_cast<int>(k));
        requests[k] = {names[k]};
      }
      std::array<Decision, 8> out;
      (void)limiter.acquire_batch(kNumber, requests, out);
    }
  });
  for (int i = 0; i < 2000; ++i) {
    clock.advance(1ms);
    limiter.report_failure(kNumber, recipient(i), ErrorClass::throttle, "130429");
    limiter.report_failure(kNumber, recipient(i), ErrorClass::throttle_recipient, "131056");
    if (i % 100 == 0) limiter.report_failure(kNumber, "", ErrorClass::stop_auth, "190");
    if (i % 100 == 50) limiter.resume(kNumber);
  }
  stop = true;
  sender.join();
  EXPECT_EQ(events.load(), 20);
  EXPECT_EQ(limiter.state(kNumber).current_mps, 250);  // halved at 1 ms and 1001 ms only
}

}  // namespace
}  // namespace kirim::queue
