#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "realtime/app.h"

namespace kirim::realtime {

// Limits and delays of webhook delivery, in one place.
inline constexpr std::int64_t kLeaveDelayMs = 3'000;  // vacated/removed wait for a return
inline constexpr std::int64_t kBatchWindowMs = 50;    // events gathered into one request
inline constexpr std::size_t kMaxEventsPerRequest = 100;
inline constexpr std::int64_t kRetryForMs = 5 * 60 * 1000;  // give up after five minutes
inline constexpr std::int64_t kFirstRetryMs = 1'000;        // then doubling
inline constexpr std::size_t kMaxPendingEvents = 100'000;   // beyond: the oldest are dropped

// What a delivery attempt reports: true when the receiver answered 2xx.
using WebhookPoster = std::function<bool(const std::string& url, const std::string& key,
                                         const std::string& signature, const std::string& body)>;

// Sends an app's webhooks from its own thread, so that nothing on the event loop waits on a
// receiver: events are batched per app and URL, signed (X-Pusher-Key, X-Pusher-Signature =
// HMAC-SHA256 of the body with the app secret), retried with exponential backoff for five
// minutes. channel_vacated and member_removed wait three seconds and are dropped, together with
// the channel_occupied / member_added that follows, when the channel or member comes back in
// that time. Thread-safe.
class Webhooks {
 public:
  Webhooks(const Clock& clock, WebhookPoster poster);
  ~Webhooks();
  Webhooks(const Webhooks&) = delete;
  Webhooks& operator=(const Webhooks&) = delete;

  // One event: `name` is the webhook name; `json_fields` the rest of the event object's members
  // as JSON text without braces, e.g. "\"channel\":\"presence-x\",\"user_id\":\"1\"".
  void emit(const App& app, const std::string& name, const std::string& key,
            const std::string& json_fields);

  // For tests and shutdown: sends whatever is due at the clock's current time, now, on the
  // calling thread. Returns how many requests were attempted.
  std::size_t flush_due();
  [[nodiscard]] std::size_t pending() const;
  [[nodiscard]] std::uint64_t failures() const;

  // Starts the background thread (not started in tests that drive flush_due()).
  void start();

 private:
  struct Event {
    const App* app;
    std::string name;
    std::string key;  // channel, or channel + user, for cancelling a leave with a return
    std::string json;
    std::int64_t due_ms;
  };
  struct Request {
    std::string url;
    std::string app_key;
    std::string secret;
    std::string body;
    std::int64_t first_ms;
    std::int64_t next_ms;
    std::int64_t backoff_ms;
  };
  void run();

  const Clock& clock_;
  WebhookPoster poster_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;     // guarded by mu_
  std::deque<Request> retries_;  // guarded by mu_
  std::uint64_t failures_ = 0;   // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  std::thread thread_;
};

// Posts with libcurl (5 s timeout), for the real process.
[[nodiscard]] WebhookPoster curl_poster();

}  // namespace kirim::realtime
