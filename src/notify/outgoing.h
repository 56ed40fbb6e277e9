#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"
#include "queue/queue.h"
#include "whatsapp/http_client.h"

// Outgoing webhooks: a workspace's endpoints (URLs that receive its events, each with its own
// signing secret) and the deliveries made to them. emit() records one delivery per subscribed,
// enabled endpoint and enqueues a job for each on the durable queue; the job POSTs the signed
// JSON body and retries with exponential backoff until a 2xx answer or its last attempt.
namespace kirim::notify {

using std::chrono::milliseconds;

// Limits and timings, in one place.
inline constexpr const char* kDeliverKind = "webhook.deliver";
inline constexpr const char* kPruneKind = "webhook.prune";
inline constexpr const char* kQueueName = "webhooks";
inline constexpr int kQueueMaxWorkers = 8;               // deliveries in flight per node
inline constexpr milliseconds kDeliveryTimeout{10'000};  // one attempt, connection included
// 12 attempts, 30 s doubling to a 3 h cap: the last is about 10 hours after the first.
inline constexpr int kMaxAttempts = 12;
inline constexpr milliseconds kBackoffBase{30'000};
inline constexpr milliseconds kBackoffCap{3 * 3'600'000};
inline constexpr std::size_t kMaxEndpoints = 20;  // per workspace
inline constexpr std::size_t kMaxUrlBytes = 2048;
inline constexpr std::size_t kMaxDescriptionBytes = 500;
inline constexpr std::size_t kMaxDataBytes = 64 * 1024;     // an event's data, serialized
inline constexpr std::size_t kMaxResponseBodyBytes = 2048;  // of an answer, kept per delivery
inline constexpr std::size_t kMaxErrorBytes = 1000;
inline constexpr int kMaxDeliveryPage = 200;
inline constexpr int kResumeBatch = 500;     // pending deliveries enqueued per unit at start
inline constexpr int kDefaultKeepDays = 30;  // finished deliveries kept by prune()
// How long emit() trusts what it read of a workspace's subscriptions. Changes made through this
// process apply at once; one made on another node applies within this time.
inline constexpr milliseconds kSubscriptionsTtl{2'000};
inline constexpr std::size_t kMaxCachedWorkspaces = 10'000;
inline constexpr std::string_view kSecretPrefix = "whsec_";
inline constexpr std::size_t kSecretBytes = 24;  // random bytes behind the prefix

// The events a workspace may subscribe to. "ping" is not among them: it goes only to the
// endpoint a person tests.
inline constexpr std::array<std::string_view, 7> kEvents = {
    "contact.created",  "contact.updated",  "contact.deleted", "contact.opted_out",
    "contact.opted_in", "message.received", "message.status"};
inline constexpr std::string_view kPingEvent = "ping";
inline constexpr std::string_view kAllEvents = "*";
[[nodiscard]] bool is_event(std::string_view name);

enum class DeliveryState { pending, delivered, failed };
[[nodiscard]] const char* state_name(DeliveryState s);
[[nodiscard]] std::optional<DeliveryState> parse_delivery_state(std::string_view s);

struct Endpoint {
  std::int64_t id = 0, workspace_id = 0;
  std::string url, description;
  std::vector<std::string> events;  // {"*"}: every event
  bool enabled = true;
  std::string disabled_reason;  // set when Kirim turned it off (410 Gone)
  int last_status = 0;          // of the last attempt; 0: none, or no answer
  std::string last_error;
  std::int64_t last_attempt_at = 0, consecutive_failures = 0, created_at = 0, updated_at = 0;

  [[nodiscard]] bool subscribes(std::string_view event) const;
};

// What a create or update brings; absent members stay as they are.
struct EndpointInput {
  std::optional<std::string> url, description;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;
};

// An endpoint with its signing secret: only the answers to create and rotate carry it.
struct EndpointWithSecret {
  Endpoint endpoint;
  std::string secret;
};

struct Delivery {
  std::int64_t id = 0, workspace_id = 0, endpoint_id = 0;
  std::string event;
  std::string data;  // the event's data, JSON
  DeliveryState state = DeliveryState::pending;
  int attempts = 0, redeliveries = 0, response_status = 0;
  std::string response_body, error;
  std::int64_t duration_ms = 0, created_at = 0, last_attempt_at = 0, next_attempt_at = 0,
               delivered_at = 0;
};

struct DeliveryQuery {
  std::optional<DeliveryState> state;
  std::int64_t before = 0;  // a delivery id: older ones only
  int limit = 50;
};

// Host name -> IP addresses (text), for the private-address check.
using Resolver = std::function<Result<std::vector<std::string>>(const std::string& host)>;
// getaddrinfo(); blocks.
[[nodiscard]] Result<std::vector<std::string>> system_resolve(const std::string& host);

// True for addresses that must not be called from a shared server: loopback, private (RFC 1918,
// fc00::/7), link-local (169.254/16 with cloud metadata, fe80::/10), carrier-grade NAT,
// unspecified, multicast and broadcast, and IPv4 mapped into IPv6 of any of these. Text that
// is not an address is not private.
[[nodiscard]] bool is_private_address(std::string_view ip);
// Why a URL cannot be an endpoint (http or https, a host, no user name or password, at most
// kMaxUrlBytes; without allow_private, no host that is or resolves to a private address), or
// nullopt when it can.
[[nodiscard]] std::optional<std::string> url_problem(std::string_view url, bool allow_private,
                                                     const Resolver& resolve);

struct OutgoingOptions {
  // Endpoints on loopback and private networks are allowed by default, because the sandbox,
  // the tests and single-tenant installations call receivers on 127.0.0.1 or the LAN. A server
  // whose workspace admins are not trusted with the network it runs in should turn this off:
  // URLs are then checked when saved and again before every attempt (redirects are never
  // followed).
  bool allow_private_urls = true;
  milliseconds timeout = kDeliveryTimeout;
  int max_attempts = kMaxAttempts;
  milliseconds backoff_base = kBackoffBase;
  milliseconds backoff_cap = kBackoffCap;
  Resolver resolve = system_resolve;
  std::uint64_t jitter_seed = 0;  // 0: from std::random_device
};

// The service. Blocking (database, and HTTP in the job): call it from a blocking pool or a
// worker, never an I/O thread. Thread-safe. Borrows the Database, Clock, Queue and HttpClient,
// which must outlive it (stop the queue before destroying it). Every method is scoped by the
// caller's workspace; the signing secrets are sealed at rest with the instance's secret key and
// leave only in the answers of create() and rotate_secret().
class OutgoingWebhooks {
 public:
  // secret_key: the instance's 32-byte key (whatsapp::load_secret_key()).
  OutgoingWebhooks(db::Database& db, const Clock& clock, queue::Queue& queue,
                   whatsapp::HttpClient& http, std::string secret_key,
                   OutgoingOptions options = {});
  OutgoingWebhooks(const OutgoingWebhooks&) = delete;
  OutgoingWebhooks& operator=(const OutgoingWebhooks&) = delete;

  // Registers webhook.deliver and webhook.prune on the queue "webhooks" (up to kQueueMaxWorkers
  // workers). `queue` is the one given to the constructor; call before it starts.
  void register_jobs(queue::Queue& queue);
  // Enqueues the job of every pending delivery that may have lost it (a crash between recording
  // a delivery and enqueueing its job). Safe at any time: unique keys make repeats free.
  [[nodiscard]] Result<std::int64_t> resume_pending();
  // Deletes delivered and failed deliveries older than keep_days; returns how many.
  [[nodiscard]] Result<std::int64_t> prune(int keep_days = kDefaultKeepDays);

  // What is wrong with an endpoint's input, field -> reason (empty when nothing is): for the API
  // to report with the problems of the request's own shape.
  [[nodiscard]] std::map<std::string, std::string> problems(const EndpointInput& in,
                                                            bool creating) const;

  [[nodiscard]] Result<std::vector<Endpoint>> endpoints(std::int64_t ws);
  [[nodiscard]] Result<Endpoint> endpoint(std::int64_t ws, std::int64_t id);
  // invalid_argument with per-field details for a bad URL, description or event list;
  // conflict beyond kMaxEndpoints. The secret is made here ("whsec_..."), shown once.
  [[nodiscard]] Result<EndpointWithSecret> create(std::int64_t ws, const EndpointInput& in);
  // Turning an endpoint back on clears why it was off and its failure count.
  [[nodiscard]] Result<Endpoint> update(std::int64_t ws, std::int64_t id, const EndpointInput& in);
  // With its deliveries; their pending jobs find nothing to do.
  [[nodiscard]] Result<void> remove(std::int64_t ws, std::int64_t id);
  // A new secret replaces the old one at once.
  [[nodiscard]] Result<EndpointWithSecret> rotate_secret(std::int64_t ws, std::int64_t id);
  // Delivers a "ping" to this endpoint only; conflict while it is disabled.
  [[nodiscard]] Result<Delivery> send_test(std::int64_t ws, std::int64_t id);

  // Records one delivery per enabled endpoint of the workspace subscribed to `event` and
  // enqueues their jobs; returns the deliveries' ids (none without subscribers). The event must
  // be one of kEvents; data is at most kMaxDataBytes serialized (invalid_argument otherwise).
  // Who subscribes is read at most every kSubscriptionsTtl per workspace, so that emitting to a
  // workspace without endpoints costs no query.
  [[nodiscard]] Result<std::vector<std::int64_t>> emit(std::int64_t ws, std::string_view event,
                                                       const boost::json::object& data);

  // An endpoint's deliveries, newest first.
  [[nodiscard]] Result<std::vector<Delivery>> deliveries(std::int64_t ws, std::int64_t endpoint_id,
                                                         const DeliveryQuery& q);
  [[nodiscard]] Result<Delivery> delivery(std::int64_t ws, std::int64_t id);
  // Attempts a delivered or failed delivery again (same id and body, fresh attempts); conflict
  // while it is pending or its endpoint is disabled.
  [[nodiscard]] Result<Delivery> redeliver(std::int64_t ws, std::int64_t id);

  // The exact body a delivery POSTs: {"id", "event", "created_at", "data"}.
  [[nodiscard]] static std::string body(const Delivery& d);
  // "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
  [[nodiscard]] static std::string signature(std::string_view secret, std::int64_t unix_seconds,
                                             std::string_view body);

 private:
  [[nodiscard]] queue::Outcome deliver(queue::JobContext& ctx);
  [[nodiscard]] Result<std::vector<std::int64_t>> record(
      std::int64_t ws, std::string_view event, const std::string& data,
      const std::vector<std::int64_t>& endpoint_ids);
  [[nodiscard]] Result<void> enqueue(const std::vector<Delivery>& deliveries);
  // Records an attempt's outcome, or (attempted false) why none was made.
  [[nodiscard]] Result<void> finish(const Delivery& d, DeliveryState state, bool attempted,
                                    int status, const std::string& response_body,
                                    const std::string& error, std::int64_t duration_ms,
                                    std::int64_t next_attempt_at, bool gone);
  [[nodiscard]] std::string seal(const std::string& plaintext) const;
  [[nodiscard]] double jitter();
  // The enabled endpoints of the workspace subscribed to `event`, from the cache when fresh.
  [[nodiscard]] Result<std::vector<std::int64_t>> subscribers(std::int64_t ws,
                                                              std::string_view event);
  // After a change to the workspace's endpoints.
  void forget_subscriptions(std::int64_t ws);

  // What emit() last read of a workspace: its enabled endpoints and their events.
  struct Subscriptions {
    std::vector<std::pair<std::int64_t, std::vector<std::string>>> endpoints;
    std::chrono::steady_clock::time_point read_at;
  };

  db::Database& db_;
  const Clock& clock_;
  queue::Queue& queue_;
  whatsapp::HttpClient& http_;
  std::string key_;
  OutgoingOptions options_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_: backoff jitter only
  std::mutex subs_mu_;
  std::map<std::int64_t, Subscriptions> subs_;  // guarded by subs_mu_
  // Guarded by subs_mu_: bumped by every change, so that a read that raced with one is not kept.
  std::uint64_t subs_generation_ = 0;
};

// JSON of the API. A delivery in full adds "payload" (the body it POSTs) and "response_body".
[[nodiscard]] boost::json::object endpoint_json(const Endpoint& e);
[[nodiscard]] boost::json::object delivery_json(const Delivery& d, bool full);

}  // namespace kirim::notify
