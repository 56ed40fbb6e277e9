#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/clock.h"
#include "whatsapp/sandbox/options.h"
#include "whatsapp/sandbox/scheduler.h"

// Webhooks as Meta sends them: items that come due together are grouped per WABA into POSTs of
// at most batch_max items (in the configured shape), encoded like Meta's bodies, signed with
// X-Hub-Signature-256, and retried with exponential backoff until the horizon.
namespace kirim::whatsapp::sandbox {

// Sends one webhook POST. done(http_status) must be called exactly once, from any thread; 0 means
// no response came. Production wires kirim::whatsapp::HttpClient; tests capture.
using WebhookPoster =
    std::function<void(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                       std::string body, std::function<void(int http_status)> done)>;

// One thing to report.
struct WebhookItem {
  enum class Kind {
    status,       // messages field: statuses[] element
    message,      // messages field: messages[] element, with its contact
    preferences,  // user_preferences field: user_preferences[] element, with its contact
    other,        // any other field: `body` is the whole value
  };
  Kind kind = Kind::other;
  std::string waba_id;
  std::string field = "messages";
  std::string pnid;            // for the metadata of number-level fields
  std::string display_digits;  // metadata.display_phone_number
  boost::json::object body;
  boost::json::object contact;
  std::int64_t event_ms = 0;  // entry.time of WABA-level fields
};

// Renders items (all of one WABA) into one envelope in the given shape.
[[nodiscard]] boost::json::object render_envelope(const std::vector<WebhookItem>& items,
                                                  BatchShape shape);

// One POST and its retry state.
struct WebhookDelivery {
  std::string url;
  std::string body;
  std::string signature;  // "sha256=<hex>"
  std::size_t items = 0;
  std::int64_t first_ms = 0;
  std::int64_t next_backoff_ms = 0;
  int attempt = 0;
};

// Owned by the Sandbox. Thread-safe. The poster's done callbacks may arrive after the owner is
// gone: they hold a weak reference to it (set_owner) and do nothing then.
class Outbox {
 public:
  Outbox(const Clock& clock, Scheduler& scheduler, WebhookPoster poster)
      : clock_(clock), scheduler_(scheduler), poster_(std::move(poster)) {}
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }
  // Called after every attempt with its outcome (the HTTP status; 0: no answer; -1: not sent for
  // want of a URL). Set before use.
  void on_attempt(std::function<void(const WebhookDelivery&, int status)> fn) {
    on_attempt_ = std::move(fn);
  }

  // Queues an item for the next flush.
  void add(WebhookItem item);
  // Turns the queued items into signed POSTs and sends as many as max_in_flight allows. Returns
  // how many POSTs it started.
  std::size_t flush(const WebhookOptions& options, const std::string& app_secret);
  // Forgets everything queued or waiting (a reset); answers still in flight are ignored.
  void clear();

  struct Stats {
    std::uint64_t posts = 0;      // attempts made
    std::uint64_t delivered = 0;  // answered 2xx
    std::uint64_t retried = 0;    // attempts that were retries
    std::uint64_t given_up = 0;   // dropped at the horizon
    std::uint64_t unsent = 0;     // dropped for want of a URL
    std::size_t queued_items = 0;
    std::size_t waiting = 0;
    std::size_t in_flight = 0;
    std::size_t retrying = 0;
  };
  [[nodiscard]] Stats stats() const;

 private:
  void done(const std::shared_ptr<WebhookDelivery>& d, int status, std::uint64_t generation);

  const Clock& clock_;
  Scheduler& scheduler_;
  WebhookPoster poster_;
  std::weak_ptr<void> owner_;
  std::function<void(const WebhookDelivery&, int)> on_attempt_;

  mutable std::mutex mu_;
  std::vector<WebhookItem> items_;                        // guarded by mu_
  std::deque<std::shared_ptr<WebhookDelivery>> waiting_;  // guarded by mu_
  std::size_t in_flight_ = 0;                             // guarded by mu_
  std::size_t retrying_ = 0;                              // guarded by mu_
  std::uint64_t generation_ = 0;                          // guarded by mu_; bumped by clear()
  std::int64_t retry_horizon_ms_ = 30'000;                // guarded by mu_
  Stats counts_;                                          // guarded by mu_ (the counters)
};

}  // namespace kirim::whatsapp::sandbox
