#pragma once

// The sandbox's internals, shared by its .cpp files and included by nothing else.

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "http/message.h"
#include "http/router.h"
#include "whatsapp/sandbox/options.h"
#include "whatsapp/sandbox/rules.h"
#include "whatsapp/sandbox/scheduler.h"
#include "whatsapp/sandbox/webhooks.h"

namespace kirim::whatsapp::sandbox {

inline constexpr std::int64_t kWindowMs = 24LL * 3600 * 1000;  // customer-service window
inline constexpr std::int64_t kMediaUrlTtlMs = 5 * 60 * 1000;  // a media URL's life
inline constexpr std::int64_t kPairSweepEveryMs = 60 * 1000;   // forgetting paid-back pairs
inline constexpr std::size_t kMaxTextBody = 4096;              // text.body, in characters
inline constexpr std::size_t kMaxOpaque = 512;                 // biz_opaque_callback_data
inline constexpr std::size_t kMaxLoggedBody = 16 * 1024;       // webhook bodies in the log
inline constexpr std::int64_t kQuotaWindowMs = 3600 * 1000;    // Graph WABA call quota
inline constexpr std::size_t kDefaultLogLimit = 100;           // GET log without ?limit=

// One business phone number and what is counted against it. The spec's mps, tier and quality
// change at runtime (POST quality); everything below mu is guarded by it.
struct NumberState {
  std::string id;
  std::string waba_id;
  std::string digits;  // display number, digits only (webhook metadata)
  mutable std::mutex mu;
  NumberSpec spec;
  TokenBucket bucket;
  PairLimiter pairs;
  TierCounter tier;  // used when the tier scope is the number
  std::unordered_map<std::string, std::int64_t> last_inbound;  // wa_id -> time (the 24 h window)
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
};

// One WABA: its templates, its portfolio tier and counter, its opted-out users.
struct WabaState {
  std::string id;
  std::string name;
  std::vector<NumberState*> numbers;
  mutable std::shared_mutex templates_mu;
  std::vector<TemplateSpec> templates;  // guarded by templates_mu
  mutable std::mutex mu;
  std::string tier;                           // guarded by mu
  TierCounter tier_counter;                   // guarded by mu
  std::unordered_set<std::string> opted_out;  // guarded by mu; wa_ids that stopped marketing
  std::int64_t quota_window_start_ms = 0;     // guarded by mu
  int quota_calls = 0;                        // guarded by mu
};

struct Media {
  std::string id;
  std::string pnid;
  std::string mime_type;
  std::string filename;
  std::string sha256;
  std::string data;
};

// What the lifecycle of an accepted message needs: its status webhooks and its customer.
struct SentMessage {
  std::string wamid;
  std::string wa_id;
  const NumberState* number = nullptr;
  std::string type;
  std::string category;      // pricing: marketing, utility, authentication, service
  std::string pricing_type;  // regular, free_customer_service
  bool billable = true;
  std::string conversation_id;
  std::string biz_opaque;
  int fail_code = 0;  // async failure
  std::string fail_details;
  std::vector<QuickReply> quick_replies;                     // template quick-reply buttons
  std::string interactive_kind;                              // button_reply, list_reply or ""
  std::vector<std::pair<std::string, std::string>> options;  // interactive (id, title)
  std::string template_name;
};

// What the customer of a delivered message will do, decided when it is sent.
struct CustomerPlan {
  enum class Action { none, reply, button, opt_out_text, opt_out_preferences };
  Action action = Action::none;
  std::size_t choice = 0;  // which reply text or which button
  std::string inbound_id;  // the wamid of the customer's message
};

// A message a customer sends (simulated or through the admin API).
struct Inbound {
  std::string from;             // wa_id
  std::string name;             // profile name; empty: the deterministic fake name
  std::string type;             // text, button, interactive, reaction, location, image
  boost::json::object message;  // the type's fields and context, without from/id/timestamp
  std::string id;               // wamid
};

// The sandbox. Owned by Sandbox through a shared_ptr so that late webhook answers can tell it is
// gone. Thread-safe: each piece of state has its own lock (see the members).
class Impl {
 public:
  Impl(const Clock& clock, SandboxOptions options, WebhookPoster poster);
  ~Impl();

  // --- configuration and shared helpers (sandbox.cpp)
  [[nodiscard]] std::shared_ptr<const SandboxOptions> cfg() const;
  [[nodiscard]] Result<boost::json::object> configure(const boost::json::object& changes);
  [[nodiscard]] Rng request_rng();
  void reset();
  std::size_t run_due();
  [[nodiscard]] NumberState* number(std::string_view id) const;
  [[nodiscard]] WabaState* waba(std::string_view id) const;
  // Answers after delay_ms through the scheduler (at once when 0). Stopping answers at once.
  void answer(const http::Reply& reply, http::Response response, std::int64_t delay_ms);
  void log(boost::json::object entry);
  // The newest `limit` log entries, newest first.
  [[nodiscard]] boost::json::array log_json(std::size_t limit) const;
  void count_error(int code);
  [[nodiscard]] std::string wa_id_for(std::string_view to_digits) const;
  [[nodiscard]] std::string base_url(const http::Request& req) const;

  // --- the Graph endpoints (graph.cpp)
  void register_graph(http::Router& router, const std::string& prefix);

  // --- status webhooks of sent messages (statuses.cpp)
  void schedule_lifecycle(std::shared_ptr<const SentMessage> msg, Rng& rng, std::int64_t base_ms);

  // --- simulated customers and inbound messages (customers.cpp)
  // Delivers an inbound message at the clock's current time: opens the window, counts toward
  // throughput, queues the webhook.
  void receive(NumberState& number, Inbound in);
  void set_preference(NumberState& number, const std::string& wa_id, bool stop);
  [[nodiscard]] static CustomerPlan plan_customer(const SentMessage& msg, Rng& rng,
                                                  const CustomerOptions& o);
  // Carries out a plan at the clock's current time.
  void act(const SentMessage& msg, const CustomerPlan& plan);
  [[nodiscard]] static std::string fake_name(std::string_view wa_id);

  // --- the admin API (admin.cpp)
  void register_admin(http::Router& router, const std::string& prefix);
  [[nodiscard]] boost::json::object state_json();

  // --- template status changes (graph.cpp)
  // Sets a template's status and queues message_template_status_update. False when no such
  // template.
  bool set_template_status(WabaState& w, const std::string& name, const std::string& language,
                           const std::string& event, const std::string& reason);

  const Clock& clock_;
  Scheduler scheduler_;
  Outbox outbox_;
  FaultSet faults_;
  std::string prefix_;  // set by register_routes, before serving

  std::map<std::string, std::unique_ptr<WabaState>, std::less<>> wabas_;      // fixed after start
  std::map<std::string, std::unique_ptr<NumberState>, std::less<>> numbers_;  // fixed after start

  struct Counters {
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> statuses{0};
    std::atomic<std::uint64_t> inbound{0};
    std::atomic<std::uint64_t> template_events{0};
  } counters_;

  mutable std::mutex media_mu_;
  std::unordered_map<std::string, Media> media_;  // guarded by media_mu_
  std::deque<std::string> media_order_;           // guarded by media_mu_; oldest first
  std::size_t media_bytes_ = 0;                   // guarded by media_mu_

  mutable std::mutex errors_mu_;
  std::map<int, std::uint64_t> errors_;  // guarded by errors_mu_; refusals and failures by code

 private:
  void build_accounts(const SandboxOptions& o);

  mutable std::mutex config_mu_;
  std::shared_ptr<const SandboxOptions> config_;  // guarded by config_mu_; replaced, never changed

  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_; draws one seed per request

  mutable std::mutex log_mu_;
  std::deque<boost::json::object> log_;  // guarded by log_mu_; newest last

  std::atomic<std::int64_t> last_sweep_ms_{0};
};

// Small helpers shared by the .cpp files.
[[nodiscard]] std::string digits_of(std::string_view s);
[[nodiscard]] http::Response json_response(int status, std::string body);
[[nodiscard]] std::string seconds_string(std::int64_t ms);

}  // namespace kirim::whatsapp::sandbox
