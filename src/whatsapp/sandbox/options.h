#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/result.h"

// Everything about the sandbox that a run can configure: its accounts, numbers and templates, its
// latencies and delays, its limits, its webhooks, its simulated customers and its injected faults.
// Every field has a realistic default; docs/sandbox.md lists them with their TOML keys.
namespace kirim::whatsapp::sandbox {

// Hard bounds that keep a configuration from exhausting memory or time.
inline constexpr std::int64_t kMaxDelayMs = 8LL * 24 * 3600 * 1000;  // past Meta's 7-day retries
inline constexpr std::size_t kMaxLogCapacity = 1'000'000;
inline constexpr std::size_t kMaxBatch = 1000;
inline constexpr int kCoexistenceMps = 20;  // fixed by Meta
inline constexpr int kUpgradedMps = 1'000;  // after THROUGHPUT_UPGRADE

// A latency or delay: log-normal around median_ms with spread sigma (0: always the median),
// clamped to [min_ms, max_ms].
struct Dist {
  std::int64_t median_ms = 0;
  double sigma = 0;
  std::int64_t min_ms = 0;
  std::int64_t max_ms = kMaxDelayMs;
};

// How a policy failure reaches the caller: an HTTP error, a 200 followed by a `failed` status
// webhook, or not at all (the check is switched off).
enum class Delivery { sync, async, off };
[[nodiscard]] std::string_view delivery_name(Delivery d);

// Response latency per group of Graph endpoints.
struct LatencyOptions {
  Dist messages{180, 0.45, 20, 4'000};
  Dist media{300, 0.5, 50, 10'000};
  Dist templates{250, 0.5, 30, 5'000};
  Dist phone_numbers{120, 0.4, 20, 3'000};  // also GET/DELETE of any object by id
};

// Whose unique recipients the messaging-tier cap counts.
enum class TierScope { waba, number };

struct LimitOptions {
  bool throughput = true;  // per-number token bucket at the number's mps (130429)
  bool pair = true;        // per (number, recipient) pacing (131056)
  std::int64_t pair_interval_ms = 6'000;
  int pair_burst = 45;
  std::int64_t pair_burst_window_ms = 6'000;
  // The rolling-24 h unique-recipient cap on business-initiated messages. Meta documents no
  // synchronous code for it: past the cap, sends are accepted and then fail, so the default is
  // async with 131049 ("not delivered to maintain healthy ecosystem engagement").
  TierScope tier_scope = TierScope::waba;
  Delivery tier_mode = Delivery::async;
  int tier_error_code = 131049;
  Delivery window_mode = Delivery::async;   // free-form outside the 24 h window (131047)
  Delivery opt_out_mode = Delivery::async;  // MARKETING template to an opted-out user (131050)
  int waba_calls_per_hour = 5'000;          // template and phone-number endpoints (80007); 0: off
};

struct StatusOptions {
  Dist sent{800, 0.6, 100, 10'000};              // after the response
  Dist delivered{1'500, 0.9, 100, 60'000};       // after sent
  double read_rate = 0.6;                        // share of delivered messages that get read
  Dist read{60'000, 1.5, 1'000, 6 * 3'600'000};  // after delivered
  double read_immediate_rate = 0.05;             // of reads: at the very moment of delivery
  bool skip_delivered_when_read_immediate = true;
  double reorder_rate = 0;                    // a status overtakes the one before it
  double duplicate_rate = 0;                  // a status webhook is sent a second time...
  Dist duplicate{2'000, 0.5, 100, 30'000};    // ...this much later
  double failed_after_sent_rate = 0.2;        // an async failure is preceded by `sent`
  double failed_after_delivered_rate = 0.01;  // ...or even by `delivered`
  bool brazil_wa_id = true;  // 55 + area + 9 + 8 digits: wa_id drops the 9, as Meta does
};

// How several webhook items due together are put into one POST.
enum class BatchShape {
  statuses,  // items of one number share one change: statuses[] / messages[] with several elements
  changes,   // one change per item, in one entry
  entries,   // one entry per item
};

struct WebhookOptions {
  std::string url;             // empty: webhooks are built and logged, not sent
  std::size_t batch_max = 50;  // items in one POST; 1 sends each on its own
  BatchShape batch_shape = BatchShape::statuses;
  std::int64_t retry_first_ms = 500;       // then doubling...
  std::int64_t retry_horizon_ms = 30'000;  // ...until this long after the first attempt
  std::size_t max_in_flight = 256;         // POSTs awaiting an answer; more wait their turn
  bool escape_slashes = true;              // "\/" in bodies, like Meta's encoder
};

struct CustomerOptions {
  double reply_rate = 0.03;   // a text reply after reading
  double button_rate = 0.08;  // a tap on a quick-reply or interactive button, where there is one
  double opt_out_rate = 0.005;
  double opt_out_via_preferences = 0.5;  // of opt-outs: user_preferences stop; the rest "STOP"
  Dist reply_delay{30'000, 1.0, 2'000, 3'600'000};  // after the read
};

struct TemplateReviewOptions {
  Dist delay{5'000, 0.3, 1'000, 60'000};
  double reject_rate = 0.1;
};

struct TemplateSpec {
  std::string id;
  std::string name;
  std::string language;
  std::string category = "UTILITY";  // MARKETING, UTILITY, AUTHENTICATION
  std::string status = "APPROVED";
  std::string parameter_format = "POSITIONAL";  // or NAMED
  std::string quality = "GREEN";
  boost::json::array components;  // as Meta's API takes and returns them
};

struct NumberSpec {
  std::string id;                    // phone number id (pnid)
  std::string display_phone_number;  // "+1 555-000-0001"
  std::string verified_name = "Kirim Sandbox";
  std::string quality_rating = "GREEN";
  std::string tier = "TIER_10K";  // TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED
  int mps = 80;                   // 80 standard, 1000 upgraded, 20 coexistence
  bool coexistence = false;
};

struct WabaSpec {
  std::string id;
  std::string name = "Kirim Sandbox";
  std::string tier;  // empty: the highest of its numbers' tiers
  std::vector<NumberSpec> numbers;
  std::vector<TemplateSpec> templates;
};

// One injected fault. `code` is a Meta error code (131000, 131026...), an HTTP status 500-599
// (answered without Meta's envelope, like a proxy), or `accepted_timeout` (the message is accepted
// but the answer comes after delay_ms, past the client's timeout).
struct FaultRule {
  enum class Trigger { rate, next, every, always };
  std::string code;
  Delivery mode = Delivery::sync;  // sync or async (async only for sends)
  Trigger trigger = Trigger::always;
  double rate = 0;            // Trigger::rate
  std::int64_t count = 0;     // Trigger::next (how many) and Trigger::every (each count-th)
  std::int64_t delay_ms = 0;  // extra delay before the answer
  // Filters; empty matches everything.
  std::string endpoint = "messages";  // messages, media, templates, phone_numbers, any
  std::string to, pnid, type, template_name;
};

// Parses the rule syntax of docs/sandbox.md, e.g. "131026 async rate=0.02 to=15551234567",
// "503 next=3", "accepted_timeout every=10 delay=30000".
[[nodiscard]] Result<FaultRule> parse_fault_rule(std::string_view text);
// The rule in the syntax parse_fault_rule reads.
[[nodiscard]] std::string fault_rule_text(const FaultRule& rule);

struct SandboxOptions {
  std::string access_token = "sandbox-token";
  std::string app_secret = "sandbox-secret";
  std::uint64_t seed = 1;
  // Base URL of the sandbox as clients reach it, for media URLs ("http://127.0.0.1:8090");
  // empty: taken from the request's Host header and the route prefix.
  std::string public_url;
  std::int64_t accepted_timeout_delay_ms = 30'000;  // default delay of accepted_timeout faults
  std::size_t log_capacity = 1'000;
  std::size_t media_max_bytes = 256u * 1024 * 1024;  // all stored media; the oldest go first
  LatencyOptions latency;
  LimitOptions limits;
  StatusOptions statuses;
  WebhookOptions webhooks;
  CustomerOptions customers;
  TemplateReviewOptions template_review;
  std::vector<FaultRule> faults = default_faults();
  std::vector<WabaSpec> wabas = default_wabas();

  // One WABA (100000000000001) with a TIER_10K and a TIER_250 number and four APPROVED templates.
  [[nodiscard]] static std::vector<WabaSpec> default_wabas();
  // 1% of sends fail asynchronously with 131026 (not on WhatsApp), as real audiences do.
  [[nodiscard]] static std::vector<FaultRule> default_faults();
};

// Reads the [sandbox] table of a TOML file over the defaults. Unknown keys and mistyped values are
// errors naming the key.
[[nodiscard]] Result<SandboxOptions> load_sandbox_options(const std::string& toml_path);

// Applies a JSON object with the keys of the [sandbox] table (the TOML file, converted, or the
// admin API's PUT config). With runtime_only, keys that describe accounts (wabas, seed) are
// refused. Nothing changes unless everything is valid.
[[nodiscard]] Result<void> apply_sandbox_config(SandboxOptions& options,
                                                const boost::json::object& config,
                                                bool runtime_only);

// The options as a JSON object with the same keys (the admin API's GET config).
[[nodiscard]] boost::json::object sandbox_options_json(const SandboxOptions& options);

// The messaging-tier cap of a tier name (TIER_250 -> 250); 0 for TIER_UNLIMITED; -1 if unknown.
[[nodiscard]] std::int64_t tier_limit(std::string_view tier);

}  // namespace kirim::whatsapp::sandbox
