// Outgoing webhooks on every back end, delivered through the real queue and HTTP client to a
// local receiver (Kirim's own HTTP server on port 0): signing, retries with backoff on a manual
// clock, 410 Gone, subscriptions, disabled endpoints, workspace isolation, sealed secrets,
// redelivery, recovery after a lost job, URL rules and private addresses.
#include "notify/outgoing.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "core/crypto.h"
#include "core/metrics.h"
#include "db/migrations.h"
#include "db/testing.h"
#include "http/server.h"

namespace kirim::notify {
namespace {

namespace bj = boost::json;
using namespace std::chrono_literals;

// --- Pure functions -----------------------------------------------------------------------------

TEST(PrivateAddresses, LoopbackPrivateLinkLocalAndMappedAreRefusedPublicOnesAreNot) {
  for (const char* ip : {"127.0.0.1",
                         "127.8.9.10",
                         "10.0.0.1",
                         "172.16.0.1",
                         "172.31.255.255",
                         "192.168.1.1",
                         "169.254.169.254",
                         "100.64.0.1",
                         "0.0.0.0",
                         "224.0.0.1",
                         "255.255.255.255",
                         "::1",
                         "::",
                         "fc00::1",
                         "fd12:3456::1",
                         "fe80::1",
                         "ff02::1",
                         "::ffff:127.0.0.1",
                         "::ffff:10.1.2.3",
                         "64:ff9b::a00:1"}) {
    EXPECT_TRUE(is_private_address(ip)) << ip;
  }
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1",
                         "2001:4860:4860::8888", "::ffff:8.8.8.8", "not an ip"}) {
    EXPECT_FALSE(is_private_address(ip)) << ip;
  }
}

TEST(UrlRules, OnlyHttpAndHttpsWithAHostAndNoCredentials) {
  const Resolver none;
  EXPECT_EQ(url_problem("https://hooks.example.com/kirim?x=1", true, none), std::nullopt);
  EXPECT_EQ(url_problem("http://127.0.0.1:8080/hook", true, none), std::nullopt);
  EXPECT_TRUE(url_problem("", true, none).has_value());
  EXPECT_TRUE(url_problem("ftp://example.com/x", true, none).has_value());
  EXPECT_TRUE(url_problem("example.com/hook", true, none).has_value());
  EXPECT_TRUE(url_problem("https://", true, none).has_value());
  EXPECT_TRUE(url_problem("https://user:pass@example.com/", true, none).has_value());
  EXPECT_TRUE(url_problem("https://exa mple.com/", true, none).has_value());
  EXPECT_EQ(url_problem("https://example.com/" + std::string(kMaxUrlBytes - 20, 'a'), true, none),
            std::nullopt);
  EXPECT_TRUE(
      url_problem("https://example.com/" + std::string(kMaxUrlBytes, 'a'), true, none).has_value());
}

TEST(UrlRules, WithoutPrivateUrlsHostsAreResolvedAndPrivateOnesRefused) {
  const Resolver resolve = [](const std::string& host) -> Result<std::vector<std::string>> {
    if (host == "hooks.example.com") return std::vector<std::string>{"93.184.216.34"};
    if (host == "sneaky.example.com") return std::vector<std::string>{"93.184.216.34", "10.0.0.7"};
    if (host == "localhost") return std::vector<std::string>{"127.0.0.1", "::1"};
    return make_error(Errc::unavailable, "no such host");
  };
  EXPECT_EQ(url_problem("https://hooks.example.com/x", false, resolve), std::nullopt);
  EXPECT_EQ(url_problem("https://93.184.216.34/x", false, resolve), std::nullopt);
  for (const char* url :
       {"http://127.0.0.1:9000/x", "http://localhost/x", "http://[::1]/x", "http://10.1.1.1/",
        "http://169.254.169.254/latest/meta-data", "https://sneaky.example.com/",
        "http://[::ffff:192.168.0.1]/", "https://nowhere.invalid/"}) {
    EXPECT_TRUE(url_problem(url, false, resolve).has_value()) << url;
  }
}

TEST(Signature, IsHexHmacOfTimestampDotBody) {
  const auto s = OutgoingWebhooks::signature("whsec_abc", 1764000000, "{\"a\":1}");
  EXPECT_EQ(s, "t=1764000000,v1=" + crypto::hmac_sha256_hex("whsec_abc", "1764000000.{\"a\":1}"));
}

TEST(Events, TheSubscribableEventsAreKnownAndPingIsNotAmongThem) {
  EXPECT_TRUE(is_event("contact.created"));
  EXPECT_TRUE(is_event("message.status"));
  EXPECT_FALSE(is_event("ping"));
  EXPECT_FALSE(is_event("*"));
  EXPECT_FALSE(is_event("contact.exploded"));
  Endpoint e;
  e.events = {"*"};
  EXPECT_TRUE(e.subscribes("message.received"));
  e.events = {"contact.created"};
  EXPECT_TRUE(e.subscribes("contact.created"));
  EXPECT_FALSE(e.subscribes("contact.updated"));
}

// --- A local receiver ---------------------------------------------------------------------------

// Kirim's own HTTP server on 127.0.0.1:0 standing in for a customer's endpoint: POST
// /hook/{name} records the request and answers the next scripted status for that name (200
// once the script is used up).
class Receiver {
 public:
  struct Call {
    std::string name, body, content_type, event, delivery, signature;
  };

  Receiver() {
    router_.add({"POST", "/hook/{name}", http::Mode::inline_,
                 [this](http::Request& req) { return answer(req); }});
    http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.io_threads = 1;
    o.blocking_threads = 1;
    o.access_log = false;
    o.shutdown_timeout = std::chrono::seconds(5);
    server_ = std::make_unique<http::Server>(o, router_, metrics_);
    EXPECT_TRUE(server_->start().ok());
  }
  ~Receiver() { server_->shutdown(); }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  [[nodiscard]] std::string url(const std::string& name) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook/" + name;
  }
  void script(const std::string& name, std::deque<int> statuses) {
    std::lock_guard lock(mu_);
    scripts_[name] = std::move(statuses);
  }
  [[nodiscard]] std::vector<Call> calls(const std::string& name = {}) {
    std::lock_guard lock(mu_);
    std::vector<Call> out;
    for (const auto& c : calls_) {
      if (name.empty() || c.name == name) out.push_back(c);
    }
    return out;
  }
  // Waits (real time, bounded) until `name` was called n times.
  [[nodiscard]] bool wait_calls(const std::string& name, std::size_t n,
                                std::chrono::milliseconds limit = 15s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] {
      return std::count_if(calls_.begin(), calls_.end(), [&](const Call& c) {
               return c.name == name;
             }) >= static_cast<std::ptrdiff_t>(n);
    });
  }

 private:
  http::Response answer(http::Request& req) {
    int status = 200;
    {
      std::lock_guard lock(mu_);
      const std::string name(req.param("name"));
      calls_.push_back({name, req.body, std::string(req.header("content-type")),
                        std::string(req.header("x-kirim-event")),
                        std::string(req.header("x-kirim-delivery")),
                        std::string(req.header("x-kirim-signature"))});
      auto& script = scripts_[name];
      if (!script.empty()) {
        status = script.front();
        script.pop_front();
      }
    }
    cv_.notify_all();
    return http::Response::json(status, status < 300 ? "{\"ok\":true}" : "{\"error\":\"nope\"}");
  }

  http::Router router_;
  metrics::Registry metrics_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::deque<int>> scripts_;  // guarded by mu_
  std::vector<Call> calls_;                         // guarded by mu_
};

// --- The service on a real database and queue ---------------------------------------------------

class OutgoingTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    crypto::init();
    temp_ = std::make_unique<db::testing::TempDatabase>(GetParam());
    ASSERT_TRUE(db::migrate(db()).ok());
    ws_ = workspace("Acme");
    other_ws_ = workspace("Other");
  }
  void TearDown() override {
    if (queue_) queue_->stop(2s);
  }

  db::Database& db() { return temp_->db(); }

  std::int64_t workspace(const std::string& name) {
    auto r = db().write_query(
        "INSERT INTO workspaces (name, created_at) VALUES ($1, 1) RETURNING id", {name});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->integer(0, "id") : 0;
  }

  // The queue with the webhook kinds (1 s backoff, 3 attempts unless told) and the service.
  OutgoingWebhooks& start(OutgoingOptions o = {}, bool run = true) {
    if (o.backoff_base == kBackoffBase) o.backoff_base = 1000ms;
    if (o.backoff_cap == kBackoffCap) o.backoff_cap = 10'000ms;
    if (o.max_attempts == kMaxAttempts) o.max_attempts = 3;
    o.jitter_seed = 7;
    queue_ = std::make_unique<queue::Queue>(db(), clock_, queue::Queue::Options{"test/1", 50ms});
    hooks_ = std::make_unique<OutgoingWebhooks>(db(), clock_, *queue_, http_, key_, std::move(o));
    hooks_->register_jobs(*queue_);
    if (run) queue_->start();
    return *hooks_;
  }

  EndpointWithSecret endpoint(std::int64_t ws, const std::string& url,
                              std::vector<std::string> events = {"*"}) {
    EndpointInput in;
    in.url = url;
    in.events = std::move(events);
    auto made = hooks_->create(ws, in);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    return made.ok() ? *made : EndpointWithSecret{};
  }

  Delivery delivery(std::int64_t id, std::int64_t ws = 0) {
    auto d = hooks_->delivery(ws ? ws : ws_, id);
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : Delivery{};
  }

  // Waits (real time, bounded) until the delivery satisfies pred.
  bool wait_delivery(std::int64_t id, const std::function<bool(const Delivery&)>& pred,
                     std::chrono::milliseconds limit = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(delivery(id))) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  // Waits until the delivery's job, after `attempts` attempts, is back in the queue with its
  // backoff, and returns when it is due (ms). Only then may a test move the clock: the queue
  // reads the clock for the backoff after the handler has recorded the attempt.
  std::int64_t wait_retry_queued(int attempts) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = db().query(
          "SELECT run_at FROM jobs WHERE kind = $1 AND state = 'pending' AND attempts = $2",
          {std::string(kDeliverKind), std::int64_t{attempts}});
      if (r.ok() && !r->empty()) return r->integer(0, "run_at");
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "the job was not queued again after attempt " << attempts;
    return 0;
  }
  bool wait_state(std::int64_t id, DeliveryState s) {
    return wait_delivery(id, [s](const Delivery& d) { return d.state == s; });
  }

  std::int64_t count(const std::string& table, const std::string& where = "1 = 1") {
    auto r = db().query("SELECT COUNT(*) AS n FROM " + table + " WHERE " + where);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->integer(0, "n") : -1;
  }

  ManualClock clock_;
  const std::string key_ = std::string(crypto::kSecretKeyBytes, 'k');
  std::unique_ptr<db::testing::TempDatabase> temp_;
  Receiver receiver_;
  whatsapp::HttpClient http_;
  std::unique_ptr<queue::Queue> queue_;
  std::unique_ptr<OutgoingWebhooks> hooks_;
  std::int64_t ws_ = 0, other_ws_ = 0;
};

TEST_P(OutgoingTest, ADeliveryIsSignedWithTheEndpointsSecretAndMarkedDelivered) {
  auto& hooks = start();
  const auto made = endpoint(ws_, receiver_.url("a"));
  ASSERT_TRUE(made.secret.starts_with("whsec_"));
  const bj::object data{{"contact", bj::object{{"id", 7}, {"phone", "+6281234567890"}}}};
  auto ids = hooks.emit(ws_, "contact.created", data);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  ASSERT_EQ(ids->size(), 1u);
  ASSERT_TRUE(receiver_.wait_calls("a", 1));
  ASSERT_TRUE(wait_state(ids->front(), DeliveryState::delivered));

  const auto call = receiver_.calls("a").front();
  EXPECT_EQ(call.content_type, "application/json");
  EXPECT_EQ(call.event, "contact.created");
  EXPECT_EQ(call.delivery, std::to_string(ids->front()));
  // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, recomputed here.
  const auto t = std::to_string(clock_.now_ms() / 1000);
  ASSERT_EQ(call.signature.substr(0, call.signature.find(',')), "t=" + t);
  const auto v1 = call.signature.substr(call.signature.find(",v1=") + 4);
  EXPECT_EQ(v1, crypto::hmac_sha256_hex(made.secret, t + "." + call.body));
  EXPECT_NE(v1, crypto::hmac_sha256_hex("whsec_other", t + "." + call.body));
  const auto body = bj::parse(call.body).as_object();
  EXPECT_EQ(body.at("id").as_int64(), ids->front());
  EXPECT_EQ(body.at("event").as_string(), "contact.created");
  EXPECT_EQ(body.at("created_at").as_string(), "2025-11-24T16:00:00Z");
  EXPECT_EQ(body.at("data"), bj::value(data));
  EXPECT_EQ(call.body, OutgoingWebhooks::body(delivery(ids->front())));

  const auto d = delivery(ids->front());
  EXPECT_EQ(d.attempts, 1);
  EXPECT_EQ(d.response_status, 200);
  EXPECT_EQ(d.response_body, "{\"ok\":true}");
  EXPECT_EQ(d.delivered_at, clock_.now_ms());
  EXPECT_TRUE(d.error.empty());
  const auto e = hooks.endpoint(ws_, made.endpoint.id);
  EXPECT_EQ(e->last_status, 200);
  EXPECT_EQ(e->consecutive_failures, 0);
  EXPECT_EQ(e->last_attempt_at, clock_.now_ms());
}

TEST_P(OutgoingTest, AFailedAttemptIsRetriedAfterItsBackoffUntilAccepted) {
  auto& hooks = start();
  endpoint(ws_, receiver_.url("flaky"));
  receiver_.script("flaky", {500, 503});
  auto ids = hooks.emit(ws_, "contact.updated", {{"contact", bj::object{{"id", 1}}}});
  ASSERT_TRUE(ids.ok());
  const auto id = ids->front();
  ASSERT_TRUE(wait_delivery(id, [](const Delivery& x) { return x.attempts == 1; }));
  auto d = delivery(id);
  EXPECT_EQ(d.state, DeliveryState::pending);
  EXPECT_EQ(d.response_status, 500);
  EXPECT_EQ(d.error, "The receiver answered 500.");
  // 1 s base with jitter: the next attempt is 0.5 to 1.5 s later, not before.
  EXPECT_GE(d.next_attempt_at, clock_.now_ms() + 500);
  EXPECT_LT(d.next_attempt_at, clock_.now_ms() + 1500);
  // The queue waits exactly as long as the delivery says.
  EXPECT_EQ(wait_retry_queued(1), d.next_attempt_at);
  std::this_thread::sleep_for(150ms);  // a few dispatcher polls: still one call
  EXPECT_EQ(receiver_.calls("flaky").size(), 1u);

  clock_.advance(1500ms);
  ASSERT_TRUE(wait_delivery(id, [](const Delivery& x) { return x.attempts == 2; }));
  d = delivery(id);
  EXPECT_EQ(d.state, DeliveryState::pending);
  EXPECT_EQ(d.response_status, 503);
  EXPECT_EQ(hooks.endpoint(ws_, d.endpoint_id)->consecutive_failures, 2);
  EXPECT_EQ(wait_retry_queued(2), d.next_attempt_at);

  clock_.advance(3000ms);
  ASSERT_TRUE(wait_state(id, DeliveryState::delivered));
  d = delivery(id);
  EXPECT_EQ(d.attempts, 3);
  EXPECT_EQ(d.response_status, 200);
  EXPECT_TRUE(d.error.empty());
  EXPECT_EQ(hooks.endpoint(ws_, d.endpoint_id)->consecutive_failures, 0);
  // Every attempt carried the same delivery id and body.
  const auto calls = receiver_.calls("flaky");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].delivery, calls[2].delivery);
  EXPECT_EQ(calls[0].body, calls[2].body);
}

TEST_P(OutgoingTest, AfterTheLastAttemptTheDeliveryFailsAndTheJobToo) {
  auto& hooks = start();
  endpoint(ws_, receiver_.url("down"));
  receiver_.script("down", {500, 500, 500, 500});
  const auto id = hooks.emit(ws_, "contact.deleted", {{"contact_id", 3}})->front();
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_TRUE(wait_delivery(id, [attempt](const Delivery& d) { return d.attempts == attempt; }));
    if (attempt == 3) break;
    (void)wait_retry_queued(attempt);
    clock_.advance(10'000ms);
  }
  ASSERT_TRUE(wait_state(id, DeliveryState::failed));
  EXPECT_EQ(delivery(id).attempts, 3);
  EXPECT_EQ(delivery(id).next_attempt_at, 0);
  queue::JobQuery q;
  q.kind = kDeliverKind;
  q.state = queue::State::failed;
  EXPECT_TRUE(queue_->wait_idle(5s));
  EXPECT_EQ(queue_->jobs(q)->size(), 1u);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(receiver_.calls("down").size(), 3u);
}

TEST_P(OutgoingTest, GoneDisablesTheEndpointAndItsOtherDeliveriesAreNotAttempted) {
  auto& hooks = start({}, false);
  queue_->configure_queue(kQueueName, {1, 1});  // one attempt at a time, in order
  const auto made = endpoint(ws_, receiver_.url("gone"));
  receiver_.script("gone", {410});
  const auto first = hooks.emit(ws_, "contact.created", {{"n", 1}})->front();
  const auto second = hooks.emit(ws_, "contact.created", {{"n", 2}})->front();
  queue_->start();
  ASSERT_TRUE(wait_state(first, DeliveryState::failed));
  ASSERT_TRUE(wait_state(second, DeliveryState::failed));
  EXPECT_EQ(receiver_.calls("gone").size(), 1u);  // the second was not sent
  EXPECT_EQ(delivery(first).response_status, 410);
  EXPECT_EQ(delivery(second).attempts, 0);
  EXPECT_NE(delivery(second).error.find("disabled"), std::string::npos);
  const auto e = hooks.endpoint(ws_, made.endpoint.id);
  EXPECT_FALSE(e->enabled);
  EXPECT_EQ(e->disabled_reason, "The receiver answered 410 Gone.");
  // A disabled endpoint gets nothing new, not even a test.
  EXPECT_TRUE(hooks.emit(ws_, "contact.created", {{"n", 3}})->empty());
  EXPECT_EQ(hooks.send_test(ws_, made.endpoint.id).error().code, Errc::conflict);
  EXPECT_EQ(hooks.redeliver(ws_, first).error().code, Errc::conflict);
  // Turned back on, it starts clean.
  EndpointInput on;
  on.enabled = true;
  auto back = hooks.update(ws_, made.endpoint.id, on);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->enabled);
  EXPECT_TRUE(back->disabled_reason.empty());
  EXPECT_EQ(back->consecutive_failures, 0);
}

TEST_P(OutgoingTest, OnlySubscribedEnabledEndpointsOfTheWorkspaceGetAnEvent) {
  auto& hooks = start();
  const auto all = endpoint(ws_, receiver_.url("all"));
  const auto contacts_only = endpoint(ws_, receiver_.url("created"), {"contact.created"});
  const auto off = endpoint(ws_, receiver_.url("off"));
  const auto other = endpoint(other_ws_, receiver_.url("other"));
  EndpointInput disable;
  disable.enabled = false;
  ASSERT_TRUE(hooks.update(ws_, off.endpoint.id, disable).ok());

  auto created = hooks.emit(ws_, "contact.created", {{"n", 1}});
  ASSERT_EQ(created->size(), 2u);
  auto status = hooks.emit(ws_, "message.status", {{"n", 2}});
  ASSERT_EQ(status->size(), 1u);
  ASSERT_TRUE(receiver_.wait_calls("all", 2));
  ASSERT_TRUE(receiver_.wait_calls("created", 1));
  ASSERT_TRUE(queue_->wait_idle(5s));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(receiver_.calls("created").size(), 1u);
  EXPECT_EQ(receiver_.calls("created").front().event, "contact.created");
  EXPECT_TRUE(receiver_.calls("off").empty());
  EXPECT_TRUE(receiver_.calls("other").empty());
  EXPECT_EQ(count("webhook_deliveries", "endpoint_id = " + std::to_string(off.endpoint.id)), 0);
  EXPECT_EQ(count("webhook_deliveries", "workspace_id = " + std::to_string(other_ws_)), 0);
  EXPECT_EQ(all.endpoint.events, std::vector<std::string>{"*"});
  EXPECT_EQ(contacts_only.endpoint.events, std::vector<std::string>{"contact.created"});
  // Unknown events and ping cannot be emitted; data has a size limit.
  EXPECT_EQ(hooks.emit(ws_, "ping", {}).error().code, Errc::invalid_argument);
  EXPECT_EQ(hooks.emit(ws_, "contact.exploded", {}).error().code, Errc::invalid_argument);
  EXPECT_EQ(
      hooks.emit(ws_, "contact.created", {{"big", std::string(kMaxDataBytes, 'x')}}).error().code,
      Errc::invalid_argument);
  (void)other;
}

TEST_P(OutgoingTest, AWorkspaceSeesAndChangesOnlyItsOwnEndpointsAndDeliveries) {
  auto& hooks = start();
  const auto mine = endpoint(ws_, receiver_.url("mine"));
  const auto theirs = endpoint(other_ws_, receiver_.url("theirs"));
  const auto delivered = hooks.emit(other_ws_, "contact.created", {{"n", 1}})->front();
  ASSERT_TRUE(receiver_.wait_calls("theirs", 1));

  EXPECT_EQ(hooks.endpoints(ws_)->size(), 1u);
  EXPECT_EQ(hooks.endpoints(ws_)->front().id, mine.endpoint.id);
  EXPECT_EQ(hooks.endpoint(ws_, theirs.endpoint.id).error().code, Errc::not_found);
  EndpointInput change;
  change.description = "taken over";
  EXPECT_EQ(hooks.update(ws_, theirs.endpoint.id, change).error().code, Errc::not_found);
  EXPECT_EQ(hooks.rotate_secret(ws_, theirs.endpoint.id).error().code, Errc::not_found);
  EXPECT_EQ(hooks.send_test(ws_, theirs.endpoint.id).error().code, Errc::not_found);
  EXPECT_EQ(hooks.deliveries(ws_, theirs.endpoint.id, {}).error().code, Errc::not_found);
  EXPECT_EQ(hooks.delivery(ws_, delivered).error().code, Errc::not_found);
  EXPECT_EQ(hooks.redeliver(ws_, delivered).error().code, Errc::not_found);
  EXPECT_EQ(hooks.remove(ws_, theirs.endpoint.id).error().code, Errc::not_found);
  EXPECT_EQ(hooks.endpoints(other_ws_)->size(), 1u);
  EXPECT_EQ(hooks.endpoint(other_ws_, theirs.endpoint.id)->description, "");
}

TEST_P(OutgoingTest, SecretsAreSealedAtRestNeverInJsonAndRotationReplacesThem) {
  auto& hooks = start();
  const auto made = endpoint(ws_, receiver_.url("s"));
  const auto stored =
      db().query("SELECT secret_enc FROM webhook_endpoints WHERE id = $1", {made.endpoint.id})
          ->text(0, "secret_enc");
  EXPECT_EQ(stored.find(made.secret), std::string::npos);
  EXPECT_EQ(crypto::open_secret(key_, stored), made.secret);
  auto json_text = bj::serialize(endpoint_json(made.endpoint));
  EXPECT_EQ(json_text.find("whsec_"), std::string::npos);
  EXPECT_EQ(json_text.find("secret"), std::string::npos);

  auto rotated = hooks.rotate_secret(ws_, made.endpoint.id);
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(rotated->secret, made.secret);
  EXPECT_TRUE(rotated->secret.starts_with("whsec_"));
  // The next delivery is signed with the new secret only.
  const auto id = hooks.emit(ws_, "contact.created", {{"n", 1}})->front();
  ASSERT_TRUE(wait_state(id, DeliveryState::delivered));
  const auto call = receiver_.calls("s").front();
  const auto t = std::to_string(clock_.now_ms() / 1000);
  EXPECT_EQ(call.signature, OutgoingWebhooks::signature(rotated->secret, std::stoll(t), call.body));
  const auto listed = hooks.endpoints(ws_);
  ASSERT_TRUE(listed.ok());
  for (const auto& e : *listed)
    EXPECT_EQ(bj::serialize(endpoint_json(e)).find("whsec_"), std::string::npos);
  EXPECT_EQ(bj::serialize(delivery_json(delivery(id), true)).find("whsec_"), std::string::npos);
}

TEST_P(OutgoingTest, ADeliveredOrFailedDeliveryCanBeRedeliveredWithTheSameIdAndBody) {
  auto& hooks = start();
  const auto made = endpoint(ws_, receiver_.url("r"));
  receiver_.script("r", {400});
  const auto id = hooks.emit(ws_, "contact.opted_out", {{"contact_id", 4}})->front();
  ASSERT_TRUE(wait_delivery(id, [](const Delivery& d) { return d.attempts == 1; }));
  // Pending deliveries retry on their own; asking again is refused.
  EXPECT_EQ(hooks.redeliver(ws_, id).error().code, Errc::conflict);
  (void)wait_retry_queued(1);
  clock_.advance(2000ms);
  ASSERT_TRUE(wait_state(id, DeliveryState::delivered));
  ASSERT_TRUE(queue_->wait_idle(5s));

  auto again = hooks.redeliver(ws_, id);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->state, DeliveryState::pending);
  EXPECT_EQ(again->redeliveries, 1);
  ASSERT_TRUE(receiver_.wait_calls("r", 3));
  ASSERT_TRUE(wait_delivery(id, [](const Delivery& d) {
    return d.state == DeliveryState::delivered && d.attempts == 3;
  }));
  const auto calls = receiver_.calls("r");
  EXPECT_EQ(calls[2].delivery, std::to_string(id));
  EXPECT_EQ(calls[2].body, calls[0].body);
  // Listed newest first, filtered by state.
  const auto second = hooks.emit(ws_, "contact.opted_in", {{"contact_id", 4}})->front();
  ASSERT_TRUE(wait_state(second, DeliveryState::delivered));
  auto listed = hooks.deliveries(ws_, made.endpoint.id, {});
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().id, second);
  DeliveryQuery older;
  older.before = second;
  EXPECT_EQ(hooks.deliveries(ws_, made.endpoint.id, older)->front().id, id);
  DeliveryQuery failed;
  failed.state = DeliveryState::failed;
  EXPECT_TRUE(hooks.deliveries(ws_, made.endpoint.id, failed)->empty());
}

TEST_P(OutgoingTest, TheTestEventGoesToThatEndpointOnly) {
  auto& hooks = start();
  const auto a = endpoint(ws_, receiver_.url("ping-a"), {"contact.created"});
  endpoint(ws_, receiver_.url("ping-b"));
  auto d = hooks.send_test(ws_, a.endpoint.id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->event, "ping");
  ASSERT_TRUE(receiver_.wait_calls("ping-a", 1));
  ASSERT_TRUE(wait_state(d->id, DeliveryState::delivered));
  EXPECT_EQ(receiver_.calls("ping-a").front().event, "ping");
  EXPECT_EQ(
      bj::parse(receiver_.calls("ping-a").front().body).at("data").at("endpoint_id").as_int64(),
      a.endpoint.id);
  EXPECT_TRUE(receiver_.calls("ping-b").empty());
}

TEST_P(OutgoingTest, PendingDeliveriesWhoseJobWasLostAreEnqueuedAgain) {
  auto& hooks = start({}, false);
  endpoint(ws_, receiver_.url("lost"));
  const auto id = hooks.emit(ws_, "contact.created", {{"n", 1}})->front();
  // A crash between recording the delivery and enqueueing its job.
  ASSERT_TRUE(db().write_exec("DELETE FROM jobs").ok());
  EXPECT_EQ(*hooks.resume_pending(), 1);
  EXPECT_EQ(*hooks.resume_pending(), 1);  // the unique key: still one job
  EXPECT_EQ(count("jobs"), 1);
  queue_->start();
  ASSERT_TRUE(wait_state(id, DeliveryState::delivered));
  EXPECT_EQ(receiver_.calls("lost").size(), 1u);
}

TEST_P(OutgoingTest, ADeletedEndpointTakesItsDeliveriesAndTheirJobsDoNothing) {
  auto& hooks = start({}, false);
  const auto made = endpoint(ws_, receiver_.url("deleted"));
  ASSERT_EQ(hooks.emit(ws_, "contact.created", {{"n", 1}})->size(), 1u);
  ASSERT_TRUE(hooks.remove(ws_, made.endpoint.id).ok());
  EXPECT_EQ(count("webhook_deliveries"), 0);
  queue_->start();
  ASSERT_TRUE(queue_->wait_idle(5s));
  EXPECT_TRUE(receiver_.calls("deleted").empty());
  EXPECT_EQ(hooks.remove(ws_, made.endpoint.id).error().code, Errc::not_found);
}

TEST_P(OutgoingTest, BadInputIsRefusedWithEveryProblemAndChangesNothing) {
  auto& hooks = start();
  EndpointInput in;
  in.url = "ftp://example.com";
  in.description = std::string(kMaxDescriptionBytes + 1, 'd');
  in.events = std::vector<std::string>{"contact.created", "contact.exploded"};
  auto r = hooks.create(ws_, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_EQ(r.error().details.size(), 3u);
  EXPECT_NE(r.error().details.at("events").find("contact.exploded"), std::string::npos);
  in = {};
  in.url = receiver_.url("x");
  in.events = std::vector<std::string>{"*", "contact.created"};
  EXPECT_EQ(hooks.create(ws_, in).error().details.count("events"), 1u);
  in.events = std::vector<std::string>{};
  EXPECT_EQ(hooks.create(ws_, in).error().details.count("events"), 1u);
  EXPECT_EQ(hooks.create(ws_, EndpointInput{}).error().details.count("url"), 1u);
  EXPECT_EQ(count("webhook_endpoints"), 0);

  const auto made =
      endpoint(ws_, receiver_.url("x"), {"message.status", "contact.created", "message.status"});
  EXPECT_EQ(made.endpoint.events, (std::vector<std::string>{"contact.created", "message.status"}));
  EndpointInput bad;
  bad.url = "not a url";
  EXPECT_EQ(hooks.update(ws_, made.endpoint.id, bad).error().code, Errc::invalid_argument);
  EXPECT_EQ(hooks.endpoint(ws_, made.endpoint.id)->url, receiver_.url("x"));
  for (std::size_t i = 1; i < kMaxEndpoints; ++i)
    endpoint(ws_, receiver_.url("n" + std::to_string(i)));
  in = {};
  in.url = receiver_.url("one-too-many");
  EXPECT_EQ(hooks.create(ws_, in).error().code, Errc::conflict);
  EXPECT_EQ(count("webhook_endpoints"), static_cast<std::int64_t>(kMaxEndpoints));
}

TEST_P(OutgoingTest, WithoutPrivateUrlsAnAddressThatTurnsPrivateIsNotCalled) {
  std::mutex mu;
  std::string address = "93.184.216.34";  // guarded by mu
  OutgoingOptions o;
  o.allow_private_urls = false;
  o.resolve = [&](const std::string& host) -> Result<std::vector<std::string>> {
    std::lock_guard lock(mu);
    if (host == "hooks.example.com") return std::vector<std::string>{address};
    return make_error(Errc::unavailable, "no such host");
  };
  auto& hooks = start(o);
  EndpointInput in;
  in.url = receiver_.url("private");
  auto refused = hooks.create(ws_, in);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().details.at("url"),
            "must not point to a loopback, private or link-local address");
  in.url = "https://hooks.example.com/kirim";
  auto made = hooks.create(ws_, in);
  ASSERT_TRUE(made.ok()) << made.error().message;
  {
    std::lock_guard lock(mu);
    address = "127.0.0.1";  // the name now points inside
  }
  const auto id = hooks.emit(ws_, "contact.created", {{"n", 1}})->front();
  ASSERT_TRUE(wait_state(id, DeliveryState::failed));
  EXPECT_EQ(delivery(id).attempts, 0);
  EXPECT_NE(delivery(id).error.find("private"), std::string::npos);
}

TEST_P(OutgoingTest, EndpointChangesOfAnotherNodeReachEmitWithinTheSubscriptionsTtl) {
  auto& hooks = start();
  const auto here = endpoint(ws_, receiver_.url("here"));
  ASSERT_EQ(hooks.emit(ws_, "contact.created", {{"n", 1}})->size(), 1u);
  // Another node, sharing the database, adds an endpoint and turns this one off.
  auto added = db().write_query(
      "INSERT INTO webhook_endpoints (workspace_id, url, secret_enc, events, created_at, "
      "updated_at) VALUES ($1, $2, $3, '*', 1, 1) RETURNING id",
      {ws_, receiver_.url("there"), crypto::seal_secret(key_, "whsec_there")});
  ASSERT_TRUE(added.ok());
  const auto there = added->integer(0, "id");
  ASSERT_TRUE(
      db().write_exec("UPDATE webhook_endpoints SET enabled = 0 WHERE id = $1", {here.endpoint.id})
          .ok());
  // What this node read is still fresh: the new endpoint is not known yet, and the one turned
  // off gets nothing even so.
  EXPECT_TRUE(hooks.emit(ws_, "contact.created", {{"n", 2}})->empty());
  clock_.advance(kSubscriptionsTtl);
  auto ids = hooks.emit(ws_, "contact.created", {{"n", 3}});
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(delivery(ids->front()).endpoint_id, there);
  // Changes made here apply at once.
  EndpointInput on;
  on.enabled = true;
  ASSERT_TRUE(hooks.update(ws_, here.endpoint.id, on).ok());
  EXPECT_EQ(hooks.emit(ws_, "contact.created", {{"n", 4}})->size(), 2u);
  ASSERT_TRUE(hooks.remove(ws_, there).ok());
  EXPECT_EQ(hooks.emit(ws_, "contact.created", {{"n", 5}})->size(), 1u);
}

TEST_P(OutgoingTest, PruneDeletesOnlyOldFinishedDeliveries) {
  auto& hooks = start();
  endpoint(ws_, receiver_.url("p"));
  const auto old_one = hooks.emit(ws_, "contact.created", {{"n", 1}})->front();
  ASSERT_TRUE(wait_state(old_one, DeliveryState::delivered));
  clock_.advance(std::chrono::hours(24 * 31));
  ASSERT_TRUE(queue_->wait_idle(5s));
  queue_->stop(1s);
  const auto fresh = hooks.emit(ws_, "contact.created", {{"n", 2}})->front();
  EXPECT_EQ(*hooks.prune(30), 1);
  EXPECT_EQ(hooks.delivery(ws_, old_one).error().code, Errc::not_found);
  EXPECT_EQ(delivery(fresh).state, DeliveryState::pending);
}

std::string name_of(const ::testing::TestParamInfo<db::Dialect>& p) {
  return db::dialect_name(p.param);
}
INSTANTIATE_TEST_SUITE_P(Backends, OutgoingTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);

}  // namespace
}  // namespace kirim::notify
