#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "whatsapp/sandbox/options.h"

// The sandbox's rules as small value types: its randomness, the throughput and pair limiters, the
// messaging-tier counter, the fault rules and the template checks. None of them knows HTTP.
namespace kirim::whatsapp::sandbox {

// A small deterministic generator (splitmix64). Each request draws its own from the sandbox's
// seeded std::mt19937_64, so one request's draws do not depend on other threads. Not thread-safe.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();  // [0, 1)
  // True with probability p; draws nothing when p is 0 or 1, so switching a rate off does not
  // shift the draws that follow.
  bool chance(double p);
  double normal();  // standard normal (Box-Muller), the same on every platform
  std::int64_t sample(const Dist& d);
  std::uint64_t below(std::uint64_t n);  // [0, n)
  std::string hex(std::size_t n, bool upper);
  std::string digits(std::size_t n);  // no leading zero

 private:
  std::uint64_t state_;
};

// A number's messages per second: a bucket of one second's worth, refilled continuously. Kept in
// thousandths of a message so that the arithmetic is exact. Not thread-safe.
class TokenBucket {
 public:
  bool take(std::int64_t now_ms, int per_second);
  // Takes a token when one is there (inbound messages count toward throughput but are never
  // refused).
  void take_if_any(std::int64_t now_ms, int per_second);
  [[nodiscard]] double available(std::int64_t now_ms, int per_second);

 private:
  void refill(std::int64_t now_ms, int per_second);
  std::int64_t milli_ = -1;  // -1: full (not used yet)
  std::int64_t last_ms_ = 0;
};

// Meta's pair rate: one message per interval to a recipient, with a burst of up to `burst`
// messages inside the burst window that is paid back afterwards (20 in a burst: a 2-minute wait).
// Not thread-safe.
class PairLimiter {
 public:
  bool take(const std::string& recipient, std::int64_t now_ms, const LimitOptions& o);
  // Forgets recipients that are fully paid back; returns how many it forgot.
  std::size_t sweep(std::int64_t now_ms);
  [[nodiscard]] std::size_t size() const { return pairs_.size(); }
  void clear() { pairs_.clear(); }

 private:
  struct Pair {
    std::int64_t paid_until_ms = 0;  // the theoretical time of the next message
    std::int64_t burst_start_ms = 0;
    int burst_count = 0;
  };
  std::unordered_map<std::string, Pair> pairs_;
};

// Unique recipients of business-initiated messages in a moving 24 hours. Not thread-safe.
class TierCounter {
 public:
  static constexpr std::int64_t kWindowMs = 24LL * 3600 * 1000;
  // Whether recipient may get one more under cap (0: no cap); counts them when so.
  bool admit(const std::string& recipient, std::int64_t now_ms, std::int64_t cap);
  [[nodiscard]] std::size_t count(std::int64_t now_ms);
  void clear();

 private:
  void expire(std::int64_t now_ms);
  std::unordered_map<std::string, std::int64_t> last_;  // recipient -> last counted
  std::deque<std::pair<std::int64_t, std::string>> order_;
};

// What a fault rule is matched against.
struct FaultContext {
  std::string_view endpoint;  // messages, media, templates, phone_numbers
  std::string_view pnid;
  std::string_view to;
  std::string_view type;
  std::string_view template_name;
};

// The configured fault rules with their trigger state (how many matched, how many of "next N"
// are left). Rules are tried in order and the first that fires applies; rules after it do not see
// that request. Thread-safe.
class FaultSet {
 public:
  void set(std::vector<FaultRule> rules);
  // Sync rules fire before the limits are checked; acceptance rules (async, accepted_timeout)
  // fire on a message that is being accepted.
  [[nodiscard]] std::optional<FaultRule> pick(const FaultContext& c, bool acceptance, Rng& rng);
  [[nodiscard]] boost::json::array state() const;

 private:
  struct Entry {
    FaultRule rule;
    std::int64_t matched = 0;
    std::int64_t fired = 0;
  };
  mutable std::mutex mu_;
  std::vector<Entry> rules_;  // guarded by mu_
};

// A quick-reply button of a sent template: what a customer's tap sends back.
struct QuickReply {
  std::string payload;
  std::string text;
};

// The outcome of checking a template send against the stored template: code 0 when it may be
// sent, else the Meta error code (100, 131008, 132000, 132005, 132012) and why.
struct TemplateCheck {
  int code = 0;
  std::string details;
  std::vector<QuickReply> quick_replies;
};

// The variables of a component text: {{1}}..{{n}} (positional) or {{name}} (named), in order of
// first appearance.
[[nodiscard]] std::vector<std::string> template_variables(std::string_view text);

// Checks the "template" object of a send (its components and parameters) against the template.
[[nodiscard]] TemplateCheck check_template_send(const TemplateSpec& spec,
                                                const boost::json::object& sent);

}  // namespace kirim::whatsapp::sandbox
