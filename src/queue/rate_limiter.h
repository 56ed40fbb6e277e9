#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/result.h"
#include "whatsapp/errors.h"

// Per phone number rate limiting that honours WhatsApp's limits (Cloud API reference §2): the
// number's messages per second, the messaging tier's unique recipients per rolling 24 hours, and
// the pair rate to one recipient; adaptive on Meta's throttling answers (§3).
namespace kirim::queue {

// --- Limits and intervals --------------------------------------------------------------------
// Throughput: Meta's default is 80 messages per second per number, 1,000 once upgraded.
inline constexpr int kMinMps = 1;
inline constexpr int kMaxMps = 1000;
inline constexpr int kDefaultMps = 80;
// The window over which the rate is exact: any half-open [t, t + 1 s) holds at most the rate.
inline constexpr std::chrono::seconds kRateWindow{1};
// How far ahead of its even spacing (1 s / rate) a send may go, so that a dispatcher waking
// every few milliseconds can take a small batch. kMaxBurstTolerance turns the spacing off (the
// window alone limits).
inline constexpr std::chrono::milliseconds kDefaultBurstTolerance{50};
inline constexpr std::chrono::milliseconds kMaxBurstTolerance{1000};

// Messaging tier: unique recipients of business-initiated messages per rolling 24 hours. 250 is
// a new portfolio's cap: the safe assumption until the account's own limit is known.
inline constexpr std::int64_t kDefaultTierCap = 250;
inline constexpr std::int64_t kUnlimitedTier = 0;
inline constexpr std::chrono::hours kTierWindow{24};

// Pair rate (one number to one recipient): one message per 6 s, and a burst of up to 45 inside
// 6 s that is paid back afterwards.
inline constexpr std::chrono::seconds kDefaultPairInterval{6};
inline constexpr int kDefaultPairBurst = 45;
inline constexpr std::chrono::seconds kDefaultPairBurstWindow{6};
inline constexpr std::chrono::hours kMaxPairInterval{1};  // configuration bound (interval, window)
inline constexpr int kMaxPairBurst = 1000;                // configuration bound
// After 131056 Meta asks to wait 4^X s (X = 0, 1, ... per consecutive refusal); capped here.
inline constexpr std::chrono::seconds kMaxPairBackoff{1024};  // 4^5 s
// A recipient's count of consecutive 131056 is forgotten after this long without another one.
inline constexpr std::chrono::hours kPairStrikeMemory{1};
// Pair entries that limit nothing any more are swept when the table has doubled since the last
// sweep, and never below this many entries (amortised O(1) per send).
inline constexpr std::size_t kPairSweepMinEntries = 1024;

// Adaptive rate (AIMD): on throttling the rate halves (not below the floor, at most once per
// hold-off, because every request already in flight answers with the same error); it stays down
// for the backoff and then grows back by a step of the configured rate each tick.
inline constexpr int kAdaptiveFloorMps = 1;
inline constexpr std::chrono::seconds kDecreaseHoldoff{1};
inline constexpr std::chrono::seconds kThrottleBackoff{2};
inline constexpr std::chrono::seconds kRecoveryTick{1};
inline constexpr int kRecoveryStepPercent = 5;  // of the configured rate, at least 1 mps

// What a refusal for `paused` suggests as a re-check interval: a paused number waits for
// resume(), not for time, but a caller that polls anyway should poll slowly.
inline constexpr std::chrono::seconds kPausedRetryAfter{60};

// --- Types -----------------------------------------------------------------------------------

// One number's limits. Validated by configure().
struct NumberLimits {
  int mps = kDefaultMps;  // kMinMps..kMaxMps, up to the number's throughput
  std::chrono::milliseconds burst_tolerance = kDefaultBurstTolerance;  // 0..kMaxBurstTolerance
  std::int64_t tier_unique_24h = kDefaultTierCap;  // kUnlimitedTier, or 250, 2000, 10000, 100000
  // Meta sets the tier cap per business portfolio, shared by its numbers: numbers configured
  // with the same group share one counter and one cap (the last configure() sets the cap).
  // Empty: the number counts alone.
  std::string tier_group;
  std::chrono::milliseconds pair_interval = kDefaultPairInterval;         // 1 ms..kMaxPairInterval
  int pair_burst = kDefaultPairBurst;                                     // 1..kMaxPairBurst
  std::chrono::milliseconds pair_burst_window = kDefaultPairBurstWindow;  // 0..kMaxPairInterval
  bool adaptive = true;  // AIMD on throttling; off: throttling is only counted
};

// Whether a send counts toward the messaging tier: business-initiated messages do; replies
// inside the 24-hour customer-service window do not.
enum class TierUse : std::uint8_t { counted, exempt };

struct SendRequest {
  std::string_view recipient;  // the WhatsApp id (E.164 digits), compared byte for byte
  TierUse tier = TierUse::counted;
};

enum class LimitReason : std::uint8_t {
  none,    // allowed
  rate,    // the number's messages per second (the current, possibly reduced, rate)
  pair,    // this recipient's pair rate, or its backoff after 131056; others may go
  tier,    // a new recipient over the tier cap; recipients already counted may go
  paused,  // an auth or number error paused the number until resume()
};
[[nodiscard]] std::string_view reason_name(LimitReason r);

struct Decision {
  bool allowed = false;
  LimitReason reason = LimitReason::none;
  // When refused: how long until this request could be allowed, if nothing else takes the slot
  // (kPausedRetryAfter for `paused`). Zero when allowed.
  std::chrono::nanoseconds retry_after{0};
};

enum class PauseCause : std::uint8_t { none, auth, number };

// What the listener hears: worth a notification to people.
enum class LimiterEvent : std::uint8_t {
  paused_auth,    // stop_auth (0, 190, 3, 10, 2xx, 131005): the token or its permissions fail
  paused_number,  // stop_number (131048, 368, 131031, ...): the number cannot send
  rate_reduced,   // throttling halved the rate (detail: "from->to")
};
[[nodiscard]] std::string_view event_name(LimiterEvent e);

// Called on the reporting thread, after the limiter's lock is released (it may call the
// limiter). Keep it short: it runs on a dispatcher's thread.
using LimiterListener =
    std::function<void(std::string_view number, LimiterEvent event, std::string_view detail)>;

// A number as the dashboard shows it.
struct LimiterState {
  bool known = false;  // false: never configured nor used; the rest is empty
  int configured_mps = 0;
  int current_mps = 0;  // below configured while adaptive backoff lasts
  int sent_last_second = 0;
  std::chrono::nanoseconds next_slot{0};     // 0: a send may go now (rate only)
  std::chrono::nanoseconds backoff_left{0};  // 0: not backing off
  std::int64_t tier_used = 0;                // unique recipients in the last 24 h (of the group)
  std::int64_t tier_cap = 0;                 // kUnlimitedTier: not counted
  std::string tier_group;
  std::size_t pair_entries = 0;
  bool paused = false;
  PauseCause pause_cause = PauseCause::none;
  std::string pause_detail;
  std::uint64_t allowed = 0;
  std::uint64_t refused_rate = 0;
  std::uint64_t refused_pair = 0;
  std::uint64_t refused_tier = 0;
  std::uint64_t refused_paused = 0;
  std::uint64_t throttles = 0;            // reports of class throttle
  std::uint64_t recipient_throttles = 0;  // reports of class throttle_recipient
};

// --- Interface -------------------------------------------------------------------------------

// The seam between dispatchers and the limits of their sender numbers: today in process
// (LocalRateLimiter), later possibly shared by several nodes. Numbers are keyed by their phone
// number id (pnid). A number used before configure() gets NumberLimits{}. Only an allowed request
// consumes anything (a rate slot, a pair slot, a tier place). Implementations are thread-safe.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // Sets or changes a number's limits; history (recent sends, pairs, pause) is kept. An
  // invalid_argument Error (every problem in details) changes nothing.
  [[nodiscard]] virtual Result<void> configure(std::string_view number,
                                               const NumberLimits& limits) = 0;
  [[nodiscard]] virtual Decision try_acquire(std::string_view number,
                                             const SendRequest& request) = 0;
  // Decides requests in order under one lock and writes one Decision each to out (which must be
  // at least as long; extra requests are not decided). Once the rate refuses (or the number is
  // paused), the remaining requests get the same refusal. Returns how many were allowed.
  virtual std::size_t acquire_batch(std::string_view number, std::span<const SendRequest> requests,
                                    std::span<Decision> out) = 0;
  // Counts a send of the last 24 h toward the number's tier (after a restart, from the database;
  // sent_at_ms is wall-clock ms since the epoch). Older sends are ignored. Configure the number
  // first: seeds go to the tier group it has then.
  virtual void seed(std::string_view number, std::string_view recipient,
                    std::int64_t sent_at_ms) = 0;
  // After each send: Meta accepted it, or it failed with this class (whatsapp/errors.h).
  virtual void report_sent(std::string_view number, std::string_view recipient) = 0;
  virtual void report_failure(std::string_view number, std::string_view recipient,
                              whatsapp::ErrorClass error, std::string_view detail) = 0;
  // Lifts a pause; the next stop error pauses (and notifies) again.
  virtual void resume(std::string_view number) = 0;
  [[nodiscard]] virtual LimiterState state(std::string_view number) const = 0;
};

// The in-process limiter: exact on one node. Owned by whoever wires the dispatchers (src/app/);
// it must outlive them. The clock must outlive it. Thread-safe: one mutex over all numbers, held
// for O(1) work per request (no allocation once pair and tier tables are warm), never while the
// listener runs.
//
// Rate: a send is allowed when (1) fewer than the current rate were allowed in the last second:
// a ring of the last `mps` send times, whose entry `rate` sends back must be at least 1 s old,
// is exact over every sliding half-open window and O(1); and (2) GCRA spacing of 1 s / rate with
// `burst_tolerance` lets it go no earlier than that ahead of even spacing. The ring alone would
// allow the whole second's quota in one burst and then repeat that burst every second; GCRA alone
// is exact only without tolerance, and then loses throughput to every late caller. Together they
// spread sends out and never exceed the rate in any window.
class LocalRateLimiter final : public RateLimiter {
 public:
  explicit LocalRateLimiter(const Clock& clock, LimiterListener listener = {});
  ~LocalRateLimiter() override;
  LocalRateLimiter(const LocalRateLimiter&) = delete;
  LocalRateLimiter& operator=(const LocalRateLimiter&) = delete;

  [[nodiscard]] Result<void> configure(std::string_view number,
                                       const NumberLimits& limits) override;
  [[nodiscard]] Decision try_acquire(std::string_view number, const SendRequest& request) override;
  std::size_t acquire_batch(std::string_view number, std::span<const SendRequest> requests,
                            std::span<Decision> out) override;
  void seed(std::string_view number, std::string_view recipient, std::int64_t sent_at_ms) override;
  void report_sent(std::string_view number, std::string_view recipient) override;
  void report_failure(std::string_view number, std::string_view recipient,
                      whatsapp::ErrorClass error, std::string_view detail) override;
  void resume(std::string_view number) override;
  [[nodiscard]] LimiterState state(std::string_view number) const override;

 private:
  struct Pair;
  struct TierCounter;
  struct Number;
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  template <typename T>
  using StringMap =
      std::unordered_map<std::string, std::unique_ptr<T>, StringHash, std::equal_to<>>;

  Number& number_locked(std::string_view id);
  void attach_tier_locked(Number& n, std::string_view id);
  Decision decide_locked(Number& n, const SendRequest& request, std::int64_t now_ns);

  const Clock& clock_;
  const LimiterListener listener_;

  // State below is guarded by mu_. pool_ backs the pair and tier tables (freed entries are
  // reused, so the steady state does not allocate) and outlives them.
  mutable std::mutex mu_;
  std::pmr::unsynchronized_pool_resource pool_;
  StringMap<TierCounter> tiers_;  // by group key
  StringMap<Number> numbers_;     // by pnid
};

}  // namespace kirim::queue
