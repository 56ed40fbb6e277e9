#include "queue/rate_limiter.h"

#include <algorithm>
#include <array>
#include <limits>
#include <list>
#include <optional>
#include <utility>
#include <vector>

namespace kirim::queue {
namespace {

using std::chrono::nanoseconds;

constexpr std::int64_t kWindowNs = nanoseconds(kRateWindow).count();
constexpr std::int64_t kTierWindowMs = std::chrono::milliseconds(kTierWindow).count();
// "Long ago" for times that have not happened yet; far enough from the int64 limits that
// subtracting it from a steady time cannot overflow.
constexpr std::int64_t kLongAgo = std::numeric_limits<std::int64_t>::min() / 4;

std::int64_t ns(nanoseconds d) {
  return d.count();
}

// Pair and tier tables key recipients by a 64-bit hash rather than the string: no allocation per
// entry beyond the pooled node. Two colliding recipients would share one pair entry and one tier
// place; among 100,000 recipients the odds are about 3e-10.
std::uint64_t recipient_key(std::string_view recipient) {
  return std::hash<std::string_view>{}(recipient);
}

// Rounded up, so that `rate` sends spaced this far apart never fit in one window.
std::int64_t emission_ns(int mps) {
  return (kWindowNs + mps - 1) / mps;
}

int recovery_step(int configured_mps) {
  return std::max(1, configured_mps * kRecoveryStepPercent / 100);
}

// 4^strikes seconds after the (strikes + 1)-th consecutive 131056, capped.
std::int64_t pair_backoff_ns(int strikes) {
  std::int64_t s = 1;
  for (int i = 0; i < strikes && s < kMaxPairBackoff.count(); ++i)
    s *= 4;
  return ns(std::chrono::seconds(std::min<std::int64_t>(s, kMaxPairBackoff.count())));
}

Decision refuse(LimitReason reason, std::int64_t wait_ns) {
  return Decision{false, reason, nanoseconds(std::max<std::int64_t>(wait_ns, 1))};
}

struct ReasonName {
  LimitReason reason;
  std::string_view name;
};
constexpr std::array kReasonNames = {
    ReasonName{LimitReason::none, "none"},     ReasonName{LimitReason::rate, "rate"},
    ReasonName{LimitReason::pair, "pair"},     ReasonName{LimitReason::tier, "tier"},
    ReasonName{LimitReason::paused, "paused"},
};

struct EventName {
  LimiterEvent event;
  std::string_view name;
};
constexpr std::array kEventNames = {
    EventName{LimiterEvent::paused_auth, "paused_auth"},
    EventName{LimiterEvent::paused_number, "paused_number"},
    EventName{LimiterEvent::rate_reduced, "rate_reduced"},
};

// A listener call collected under the lock and made after it is released.
struct PendingEvent {
  LimiterEvent event;
  std::string detail;
};

}  // namespace

std::string_view reason_name(LimitReason r) {
  for (const auto& n : kReasonNames)
    if (n.reason == r) return n.name;
  return "unknown";
}

std::string_view event_name(LimiterEvent e) {
  for (const auto& n : kEventNames)
    if (n.event == e) return n.name;
  return "unknown";
}

// --- Internal state --------------------------------------------------------------------------

// One (number, recipient) pair, in steady-clock ns. Meta's model: a fresh pair starts a burst
// window; each send inside it adds one interval of debt; once the window closes or the burst is
// used up, the pair waits until the debt is paid.
struct LocalRateLimiter::Pair {
  std::int64_t paid_until = 0;
  std::int64_t burst_start = 0;
  std::int64_t strike_until = 0;  // consecutive 131056 are remembered until then
  int burst_count = 0;
  int strikes = 0;

  [[nodiscard]] bool forgettable(std::int64_t now) const {
    return now >= paid_until && (strikes == 0 || now >= strike_until);
  }
  // 0 when a send may go now.
  [[nodiscard]] std::int64_t wait(std::int64_t now, const NumberLimits& l) const {
    if (now >= paid_until) return 0;
    // After a 131056 the recipient's quota is spent: no burst until it is paid back.
    const int burst = strikes > 0 && now < strike_until ? 1 : l.pair_burst;
    if (now - burst_start < ns(l.pair_burst_window) && burst_count < burst) return 0;
    return paid_until - now;
  }
  void take(std::int64_t now, const NumberLimits& l) {
    if (strikes > 0 && now >= strike_until) strikes = 0;
    if (now >= paid_until) {
      burst_start = now;
      burst_count = 1;
      paid_until = now + ns(l.pair_interval);
    } else {
      ++burst_count;
      paid_until += ns(l.pair_interval);
    }
  }
};

// Unique recipients of a tier group in the rolling 24 hours, in wall-clock ms: a list ordered by
// each recipient's last counted send (a repeat moves it to the back) and an index into it. At
// most `cap` entries are added by sends (seeds may add more).
struct LocalRateLimiter::TierCounter {
  struct Entry {
    std::uint64_t key;
    std::int64_t at_ms;
  };
  using List = std::pmr::list<Entry>;

  explicit TierCounter(std::pmr::memory_resource* mr) : order(mr), index(mr) {}

  std::int64_t cap = kUnlimitedTier;
  std::size_t numbers = 0;          // numbers in the group
  std::int64_t last_ms = kLongAgo;  // the wall clock may step back; the list must not
  List order;                       // oldest first
  std::pmr::unordered_map<std::uint64_t, List::iterator> index;

  std::int64_t now(std::int64_t wall_ms) {
    last_ms = std::max(last_ms, wall_ms);
    return last_ms;
  }
  void expire(std::int64_t now_ms) {
    while (!order.empty() && order.front().at_ms <= now_ms - kTierWindowMs) {
      index.erase(order.front().key);
      order.pop_front();
    }
  }
  [[nodiscard]] std::int64_t used(std::int64_t now_ms) const {
    std::int64_t expired = 0;
    for (const auto& e : order) {
      if (e.at_ms > now_ms - kTierWindowMs) break;
      ++expired;
    }
    return static_cast<std::int64_t>(order.size()) - expired;
  }
  // Counts key as sent at at_ms; its place in the list keeps the list ordered.
  void touch(std::uint64_t key, std::int64_t at_ms) {
    if (const auto it = index.find(key); it != index.end()) {
      if (it->second->at_ms >= at_ms) return;
      if (at_ms >= order.back().at_ms) {  // a send now: the node moves, nothing is allocated
        it->second->at_ms = at_ms;
        order.splice(order.end(), order, it->second);
        return;
      }
      order.erase(it->second);
      index.erase(it);
    }
    auto pos = order.end();
    while (pos != order.begin() && std::prev(pos)->at_ms > at_ms)
      --pos;
    index.emplace(key, order.insert(pos, Entry{key, at_ms}));
  }
  void clear() {
    index.clear();
    order.clear();
  }
};

struct LocalRateLimiter::Number {
  explicit Number(std::pmr::memory_resource* mr) : pairs(mr) {}

  NumberLimits limits;

  // Rate: the last limits.mps send times (steady ns), oldest overwritten first.
  std::vector<std::int64_t> ring;
  std::size_t head = 0;  // where the next send time goes
  std::size_t count = 0;
  int current_mps = kDefaultMps;
  std::int64_t emission = emission_ns(kDefaultMps);
  std::int64_t tat = kLongAgo;  // GCRA's theoretical time of the next send
  std::int64_t backoff_until = kLongAgo;
  std::int64_t next_step = kLongAgo;  // when recovery adds its next step
  std::int64_t last_decrease = kLongAgo;

  std::pmr::unordered_map<std::uint64_t, Pair> pairs;
  std::size_t sweep_at = kPairSweepMinEntries;

  TierCounter* tier = nullptr;
  std::string tier_key;

  bool paused = false;
  PauseCause pause_cause = PauseCause::none;
  std::string pause_detail;

  std::uint64_t allowed = 0;
  std::uint64_t refused_rate = 0;
  std::uint64_t refused_pair = 0;
  std::uint64_t refused_tier = 0;
  std::uint64_t refused_paused = 0;
  std::uint64_t throttles = 0;
  std::uint64_t recipient_throttles = 0;

  // The send time `k` sends back (1 = the latest); k <= count.
  [[nodiscard]] std::int64_t sent_back(std::size_t k) const {
    return ring[(head + ring.size() - k) % ring.size()];
  }

  void resize_ring(int mps) {
    const auto cap = static_cast<std::size_t>(mps);
    if (cap == ring.size()) return;
    const std::size_t keep = std::min(count, cap);
    std::vector<std::int64_t> next(cap, 0);
    for (std::size_t k = keep; k >= 1; --k)
      next[keep - k] = sent_back(k);
    ring = std::move(next);
    count = keep;
    head = keep % cap;
  }

  // The adaptive rate at `now`: recovery is a function of time, applied lazily.
  [[nodiscard]] int mps_at(std::int64_t now) const {
    if (current_mps >= limits.mps || now < next_step) return std::min(current_mps, limits.mps);
    const std::int64_t steps = 1 + (now - next_step) / ns(kRecoveryTick);
    return static_cast<int>(
        std::min<std::int64_t>(limits.mps, current_mps + steps * recovery_step(limits.mps)));
  }
  void settle(std::int64_t now) {
    const int mps = mps_at(now);
    if (mps == current_mps) return;
    if (now >= next_step)
      next_step += (1 + (now - next_step) / ns(kRecoveryTick)) * ns(kRecoveryTick);
    set_mps(mps);
  }
  void set_mps(int mps) {
    current_mps = mps;
    emission = emission_ns(mps);
  }

  // 0 when the rate allows a send now, at `mps` (the current rate).
  [[nodiscard]] std::int64_t rate_wait(std::int64_t now, int mps) const {
    std::int64_t wait = 0;
    if (count >= static_cast<std::size_t>(mps))
      wait = sent_back(static_cast<std::size_t>(mps)) + kWindowNs - now;
    if (tat != kLongAgo) wait = std::max(wait, tat - ns(limits.burst_tolerance) - now);
    return std::max<std::int64_t>(wait, 0);
  }
  void take_rate(std::int64_t now) {
    ring[head] = now;
    head = (head + 1) % ring.size();
    count = std::min(count + 1, ring.size());
    tat = std::max(tat, now) + emission;
  }

  [[nodiscard]] int sent_last_second(std::int64_t now) const {
    int n = 0;
    for (std::size_t k = 1; k <= count && sent_back(k) > now - kWindowNs; ++k)
      ++n;
    return n;
  }

  Pair& pair_for(std::uint64_t key, std::int64_t now) {
    if (auto it = pairs.find(key); it != pairs.end()) return it->second;
    if (pairs.size() >= sweep_at) {
      std::erase_if(pairs, [now](const auto& kv) { return kv.second.forgettable(now); });
      sweep_at = std::max(kPairSweepMinEntries, 2 * pairs.size());
    }
    return pairs[key];
  }
};

// --- LocalRateLimiter ------------------------------------------------------------------------

LocalRateLimiter::LocalRateLimiter(const Clock& clock, LimiterListener listener)
    : clock_(clock), listener_(std::move(listener)) {}

LocalRateLimiter::~LocalRateLimiter() = default;

LocalRateLimiter::Number& LocalRateLimiter::number_locked(std::string_view id) {
  if (auto it = numbers_.find(id); it != numbers_.end()) return *it->second;
  auto n = std::make_unique<Number>(&pool_);
  n->resize_ring(n->limits.mps);
  n->set_mps(n->limits.mps);
  attach_tier_locked(*n, id);
  return *numbers_.emplace(std::string(id), std::move(n)).first->second;
}

void LocalRateLimiter::attach_tier_locked(Number& n, std::string_view id) {
  std::string key =
      n.limits.tier_group.empty() ? "number:" + std::string(id) : "group:" + n.limits.tier_group;
  if (n.tier != nullptr && key != n.tier_key) {
    if (--n.tier->numbers == 0) tiers_.erase(n.tier_key);
    n.tier = nullptr;
  }
  if (n.tier == nullptr) {
    auto it = tiers_.find(key);
    if (it == tiers_.end()) it = tiers_.emplace(key, std::make_unique<TierCounter>(&pool_)).first;
    n.tier = it->second.get();
    ++n.tier->numbers;
    n.tier_key = std::move(key);
  }
  n.tier->cap = n.limits.tier_unique_24h;
  // An unlimited tier is not counted: a number without a cap may reach millions of recipients.
  if (n.tier->cap == kUnlimitedTier) n.tier->clear();
}

Result<void> LocalRateLimiter::configure(std::string_view number, const NumberLimits& limits) {
  Error error = make_error(Errc::invalid_argument, "invalid rate limits");
  if (number.empty()) error.details["number"] = "must not be empty";
  if (limits.mps < kMinMps || limits.mps > kMaxMps) error.details["mps"] = "must be 1 to 1000";
  if (limits.burst_tolerance.count() < 0 || limits.burst_tolerance > kMaxBurstTolerance)
    error.details["burst_tolerance"] = "must be 0 to 1000 ms";
  if (limits.tier_unique_24h < 0)
    error.details["tier_unique_24h"] = "must be 0 (unlimited) or more";
  if (limits.pair_interval.count() < 1 || limits.pair_interval > kMaxPairInterval)
    error.details["pair_interval"] = "must be 1 ms to 1 hour";
  if (limits.pair_burst < 1 || limits.pair_burst > kMaxPairBurst)
    error.details["pair_burst"] = "must be 1 to 1000";
  if (limits.pair_burst_window.count() < 0 || limits.pair_burst_window > kMaxPairInterval)
    error.details["pair_burst_window"] = "must be 0 to 1 hour";
  if (!error.details.empty()) return error;

  std::lock_guard lock(mu_);
  Number& n = number_locked(number);
  const std::int64_t now = ns(clock_.steady_now().time_since_epoch());
  n.settle(now);
  n.limits = limits;
  n.resize_ring(limits.mps);
  // A reduced rate keeps recovering toward the new configured rate; otherwise the new rate
  // applies at once.
  const bool backing_off = limits.adaptive && n.current_mps < limits.mps && now < n.next_step;
  n.set_mps(backing_off ? n.current_mps : limits.mps);
  if (!limits.adaptive) n.next_step = kLongAgo;
  attach_tier_locked(n, number);
  return {};
}

Decision LocalRateLimiter::decide_locked(Number& n, const SendRequest& request, std::int64_t now) {
  if (n.paused) {
    ++n.refused_paused;
    return refuse(LimitReason::paused, ns(kPausedRetryAfter));
  }
  const std::uint64_t key = recipient_key(request.recipient);
  if (const auto it = n.pairs.find(key); it != n.pairs.end()) {
    if (const auto wait = it->second.wait(now, n.limits); wait > 0) {
      ++n.refused_pair;
      return refuse(LimitReason::pair, wait);
    }
  }
  TierCounter* tier =
      request.tier == TierUse::counted && n.tier->cap != kUnlimitedTier ? n.tier : nullptr;
  std::int64_t now_ms = 0;
  if (tier != nullptr) {
    now_ms = tier->now(clock_.now_ms());
    tier->expire(now_ms);
    if (!tier->index.contains(key) && static_cast<std::int64_t>(tier->index.size()) >= tier->cap) {
      ++n.refused_tier;
      const std::int64_t wait_ms = tier->order.front().at_ms + kTierWindowMs - now_ms;
      return refuse(LimitReason::tier, ns(std::chrono::milliseconds(wait_ms)));
    }
  }
  if (const auto wait = n.rate_wait(now, n.current_mps); wait > 0) {
    ++n.refused_rate;
    return refuse(LimitReason::rate, wait);
  }
  n.take_rate(now);
  n.pair_for(key, now).take(now, n.limits);
  if (tier != nullptr) tier->touch(key, now_ms);
  ++n.allowed;
  return Decision{true, LimitReason::none, nanoseconds(0)};
}

Decision LocalRateLimiter::try_acquire(std::string_view number, const SendRequest& request) {
  std::lock_guard lock(mu_);
  Number& n = number_locked(number);
  const std::int64_t now = ns(clock_.steady_now().time_since_epoch());
  n.settle(now);
  return decide_locked(n, request, now);
}

std::size_t LocalRateLimiter::acquire_batch(std::string_view number,
                                            std::span<const SendRequest> requests,
                                            std::span<Decision> out) {
  const std::size_t count = std::min(requests.size(), out.size());
  std::lock_guard lock(mu_);
  Number& n = number_locked(number);
  const std::int64_t now = ns(clock_.steady_now().time_since_epoch());
  n.settle(now);
  std::size_t allowed = 0;
  std::size_t i = 0;
  for (; i < count; ++i) {
    out[i] = decide_locked(n, requests[i], now);
    if (out[i].allowed) ++allowed;
    if (out[i].reason == LimitReason::rate || out[i].reason == LimitReason::paused) break;
  }
  // Time does not move inside the batch: what stopped it stops the rest.
  for (std::size_t j = i + 1; j < count; ++j) {
    out[j] = out[i];
    if (out[i].reason == LimitReason::rate) ++n.refused_rate;
    if (out[i].reason == LimitReason::paused) ++n.refused_paused;
  }
  return allowed;
}

void LocalRateLimiter::seed(std::string_view number, std::string_view recipient,
                            std::int64_t sent_at_ms) {
  std::lock_guard lock(mu_);
  Number& n = number_locked(number);
  if (n.tier->cap == kUnlimitedTier) return;
  const std::int64_t now_ms = n.tier->now(clock_.now_ms());
  if (sent_at_ms <= now_ms - kTierWindowMs) return;
  n.tier->touch(recipient_key(recipient), std::min(sent_at_ms, now_ms));
}

void LocalRateLimiter::report_sent(std::string_view number, std::string_view recipient) {
  std::lock_guard lock(mu_);
  const auto it = numbers_.find(number);
  if (it == numbers_.end()) return;
  const auto pair = it->second->pairs.find(recipient_key(recipient));
  if (pair != it->second->pairs.end()) pair->second.strikes = 0;
}

void LocalRateLimiter::report_failure(std::string_view number, std::string_view recipient,
                                      whatsapp::ErrorClass error, std::string_view detail) {
  using whatsapp::ErrorClass;
  std::optional<PendingEvent> event;
  {
    std::lock_guard lock(mu_);
    Number& n = number_locked(number);
    const std::int64_t now = ns(clock_.steady_now().time_since_epoch());
    n.settle(now);
    switch (error) {
      case ErrorClass::throttle: {
        ++n.throttles;
        if (!n.limits.adaptive) break;
        if (now - n.last_decrease >= ns(kDecreaseHoldoff)) {
          const int before = n.current_mps;
          n.set_mps(std::max(kAdaptiveFloorMps, before / 2));
          n.last_decrease = now;
          if (n.current_mps != before)
            event = PendingEvent{LimiterEvent::rate_reduced,
                                 std::to_string(before) + "->" + std::to_string(n.current_mps)};
        }
        n.backoff_until = now + ns(kThrottleBackoff);
        n.next_step = n.backoff_until;
        break;
      }
      case ErrorClass::throttle_recipient: {
        ++n.recipient_throttles;
        Pair& p = n.pair_for(recipient_key(recipient), now);
        if (p.strikes > 0 && now >= p.strike_until) p.strikes = 0;
        p.paid_until = std::max(p.paid_until, now + pair_backoff_ns(p.strikes));
        p.burst_count = std::numeric_limits<int>::max();  // no burst until paid back
        ++p.strikes;
        p.strike_until = now + ns(kPairStrikeMemory);
        break;
      }
      case ErrorClass::stop_auth:
      case ErrorClass::stop_number: {
        if (n.paused) break;
        n.paused = true;
        const bool auth = error == ErrorClass::stop_auth;
        n.pause_cause = auth ? PauseCause::auth : PauseCause::number;
        n.pause_detail = std::string(detail);
        event = PendingEvent{auth ? LimiterEvent::paused_auth : LimiterEvent::paused_number,
                             n.pause_detail};
        break;
      }
      default:
        break;  // the other classes concern one message, not the number's pace
    }
  }
  if (event && listener_) listener_(number, event->event, event->detail);
}

void LocalRateLimiter::resume(std::string_view number) {
  std::lock_guard lock(mu_);
  const auto it = numbers_.find(number);
  if (it == numbers_.end()) return;
  Number& n = *it->second;
  n.paused = false;
  n.pause_cause = PauseCause::none;
  n.pause_detail.clear();
}

LimiterState LocalRateLimiter::state(std::string_view number) const {
  std::lock_guard lock(mu_);
  LimiterState s;
  const auto it = numbers_.find(number);
  if (it == numbers_.end()) return s;
  const Number& n = *it->second;
  const std::int64_t now = ns(clock_.steady_now().time_since_epoch());
  s.known = true;
  s.configured_mps = n.limits.mps;
  s.current_mps = n.mps_at(now);
  s.sent_last_second = n.sent_last_second(now);
  s.next_slot = nanoseconds(n.rate_wait(now, s.current_mps));
  s.backoff_left = nanoseconds(std::max<std::int64_t>(0, n.backoff_until - now));
  s.tier_cap = n.tier->cap;
  s.tier_used = n.tier->used(std::max(n.tier->last_ms, clock_.now_ms()));
  s.tier_group = n.limits.tier_group;
  s.pair_entries = n.pairs.size();
  s.paused = n.paused;
  s.pause_cause = n.pause_cause;
  s.pause_detail = n.pause_detail;
  s.allowed = n.allowed;
  s.refused_rate = n.refused_rate;
  s.refused_pair = n.refused_pair;
  s.refused_tier = n.refused_tier;
  s.refused_paused = n.refused_paused;
  s.throttles = n.throttles;
  s.recipient_throttles = n.recipient_throttles;
  return s;
}

}  // namespace kirim::queue
