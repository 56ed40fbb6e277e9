// The sandbox driven through its routes (the router's handlers, and once through a real server),
// with a ManualClock, fixed seeds and a poster that captures webhooks.
#include "whatsapp/sandbox/sandbox.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/crypto.h"
#include "http/server.h"
#include "whatsapp/sandbox/meta.h"
#include "whatsapp/sandbox/multipart.h"
#include "whatsapp/sandbox/rules.h"

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kWaba = "100000000000001";
constexpr const char* kPnid = "100000000000011";       // TIER_10K, 80 mps
constexpr const char* kSmallPnid = "100000000000012";  // TIER_250
constexpr const char* kHook = "http://hooks.test/whatsapp";

Dist constant(std::int64_t ms) {
  return Dist{ms, 0, ms, ms};
}

// Options without randomness where a test does not ask for it: no latency, fixed delays, no
// faults, no customers, nothing read.
SandboxOptions quiet() {
  SandboxOptions o;
  o.latency.messages = o.latency.media = o.latency.templates = o.latency.phone_numbers =
      constant(0);
  o.statuses.sent = constant(1'000);
  o.statuses.delivered = constant(2'000);
  o.statuses.read = constant(3'000);
  o.statuses.read_rate = 0;
  o.statuses.read_immediate_rate = 0;
  o.statuses.failed_after_sent_rate = 0;
  o.statuses.failed_after_delivered_rate = 0;
  o.customers.reply_rate = o.customers.button_rate = o.customers.opt_out_rate = 0;
  o.customers.reply_delay = constant(5'000);
  o.template_review.delay = constant(5'000);
  o.template_review.reject_rate = 0;
  o.faults.clear();
  o.webhooks.url = kHook;
  o.webhooks.retry_first_ms = 500;
  o.webhooks.retry_horizon_ms = 5'000;
  return o;
}

struct Posted {
  std::int64_t at_ms = 0;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::function<void(int)> done;

  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
  [[nodiscard]] json::object json() const { return json::parse(body).as_object(); }
};

// A request in flight: the deferred reply lands in `response`.
struct Pending {
  std::shared_ptr<http::Request> request;
  std::shared_ptr<std::optional<http::Response>> response;
  [[nodiscard]] bool ready() const { return response->has_value(); }
};

class Harness {
 public:
  explicit Harness(SandboxOptions options = quiet(), int answer = 200)
      : answer_(answer),
        sandbox_(clock_, std::move(options),
                 [this](std::string url, std::vector<std::pair<std::string, std::string>> headers,
                        std::string body, std::function<void(int)> done) {
                   posts_.push_back(Posted{clock_.now_ms(), std::move(url), std::move(headers),
                                           std::move(body), done});
                   if (answer_ >= 0) done(answer_);
                 }) {
    sandbox_.register_routes(router_, prefix_);
  }

  Pending start(const std::string& method, const std::string& target, std::string body = {},
                std::vector<std::pair<std::string, std::string>> headers = {
                    {"authorization", "Bearer sandbox-token"}}) {
    auto req = std::make_shared<http::Request>();
    req->method = method;
    req->target = target;
    const auto q = target.find('?');
    req->path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string rest = target.substr(q + 1);
      while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        req->query.emplace_back(pair.substr(0, eq),
                                eq == std::string::npos ? "" : pair.substr(eq + 1));
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
      }
    }
    req->headers = std::move(headers);
    req->headers.emplace_back("host", "sandbox.test");
    req->body = std::move(body);
    Pending p{req, std::make_shared<std::optional<http::Response>>()};
    auto match = router_.match(method, req->path);
    if (match.route == nullptr) {
      *p.response = http::Response::json(404, "{}");
      return p;
    }
    req->params = std::move(match.params);
    if (match.route->mode == http::Mode::deferred) {
      auto slot = p.response;
      match.route->deferred(*req, [slot](http::Response r) { *slot = std::move(r); });
    } else {
      *p.response = match.route->handler(*req);
    }
    return p;
  }

  http::Response call(const std::string& method, const std::string& target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {
                          {"authorization", "Bearer sandbox-token"}}) {
    auto p = start(method, target, std::move(body), std::move(headers));
    sandbox_.run_due();
    EXPECT_TRUE(p.ready()) << method << " " << target;
    return p.ready() ? **p.response : http::Response{};
  }

  http::Response send(const std::string& body, const std::string& pnid = kPnid) {
    return call("POST", "/v23.0/" + pnid + "/messages", body);
  }

  // Moves time forward in steps of `step`, running what comes due at each.
  void advance(milliseconds d, milliseconds step = milliseconds(100)) {
    for (auto left = d; left.count() > 0; left -= step) {
      clock_.advance(std::min(step, left));
      sandbox_.run_due();
    }
  }

  // Every status of every captured webhook, in order of arrival.
  std::vector<json::object> statuses() const {
    std::vector<json::object> out;
    for_each_value([&](const json::object& value) {
      if (const auto* s = value.if_contains("statuses")) {
        for (const auto& x : s->as_array())
          out.push_back(x.as_object());
      }
    });
    return out;
  }
  std::vector<json::object> inbound() const {
    std::vector<json::object> out;
    for_each_value([&](const json::object& value) {
      if (const auto* s = value.if_contains("messages")) {
        for (const auto& x : s->as_array())
          out.push_back(x.as_object());
      }
    });
    return out;
  }
  std::vector<json::object> changes(std::string_view field) const {
    std::vector<json::object> out;
    for (const auto& p : posts_) {
      const auto env = p.json();
      for (const auto& e : env.at("entry").as_array()) {
        for (const auto& c : e.as_object().at("changes").as_array()) {
          if (c.as_object().at("field").as_string() == field) out.push_back(c.as_object());
        }
      }
    }
    return out;
  }
  json::object find_status(std::string_view wamid, std::string_view name) const {
    for (const auto& s : statuses()) {
      if (s.at("id").as_string() == wamid && s.at("status").as_string() == name) return s;
    }
    ADD_FAILURE() << "no " << name << " status for " << wamid;
    return {};
  }
  std::vector<std::string> status_names(std::string_view wamid) const {
    std::vector<std::string> out;
    for (const auto& s : statuses()) {
      if (s.at("id").as_string() == wamid) out.emplace_back(s.at("status").as_string());
    }
    return out;
  }

  ManualClock clock_;
  int answer_;
  std::vector<Posted> posts_;
  http::Router router_;
  std::string prefix_;
  Sandbox sandbox_;

 private:
  template <typename F>
  void for_each_value(F&& f) const {
    for (const auto& p : posts_) {
      const auto env = p.json();
      for (const auto& e : env.at("entry").as_array()) {
        for (const auto& c : e.as_object().at("changes").as_array()) {
          f(c.as_object().at("value").as_object());
        }
      }
    }
  }
};

json::object body_of(const http::Response& r) {
  return json::parse(r.body).as_object();
}

std::string text_to(const std::string& to, const std::string& text = "hello") {
  return json::serialize(json::object{
      {"messaging_product", "whatsapp"}, {"to", to}, {"type", "text"}, {"text", {{"body", text}}}});
}

std::string hello_to(const std::string& to, const std::string& opaque = {}) {
  json::object o{{"messaging_product", "whatsapp"},
                 {"recipient_type", "individual"},
                 {"to", to},
                 {"type", "template"},
                 {"template", {{"name", "hello_world"}, {"language", {{"code", "en_US"}}}}}};
  if (!opaque.empty()) o["biz_opaque_callback_data"] = opaque;
  return json::serialize(o);
}

std::string promo_to(const std::string& to) {
  return json::serialize(json::parse(R"({"messaging_product":"whatsapp","to":")" + to +
                                     R"(","type":"template","template":{"name":"promo_offer",
      "language":{"code":"en_US"},"components":[
      {"type":"header","parameters":[{"type":"image","image":{"link":"https://x.test/p.jpg"}}]},
      {"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"20%"}]},
      {"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"PROMO_YES"}]}]}})"));
}

std::string recipient(int i) {
  return "1555" + std::to_string(1'000'000 + i);
}

int error_code(const http::Response& r) {
  return static_cast<int>(body_of(r).at("error").as_object().at("code").as_int64());
}

// --- shapes ----------------------------------------------------------------------------------

TEST(Sandbox, TemplateSendAnswersMetasSuccessShape) {
  Harness h;
  const auto r = h.send(hello_to("+1 555 123-4567"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto b = body_of(r);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.at("messaging_product"), "whatsapp");
  EXPECT_EQ(b.at("contacts"),
            json::parse(R"([{"input":"+1 555 123-4567","wa_id":"15551234567"}])"));
  const auto& m = b.at("messages").as_array().at(0).as_object();
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("message_status"), "accepted");
  const std::string wamid(m.at("id").as_string());
  EXPECT_EQ(wamid.rfind("wamid.HBg", 0), 0u) << wamid;
  EXPECT_FALSE(r.header("x-fb-trace-id").empty());
  EXPECT_EQ(r.header("facebook-api-version"), "v23.0");
}

TEST(Sandbox, MarkReadAndTypingAnswerSuccess) {
  Harness h;
  for (const char* extra : {"", R"(,"typing_indicator":{"type":"text"})"}) {
    const auto r = h.send(std::string(R"({"messaging_product":"whatsapp","status":"read",)") +
                          R"("message_id":"wamid.X")" + extra + "}");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"success":true})");
  }
  EXPECT_TRUE(h.posts_.empty());
}

TEST(Sandbox, ErrorsUseMetasEnvelope) {
  Harness h;
  const auto r = h.send(R"({"messaging_product":"whatsapp","to":"15550001234","type":"template",
      "template":{"name":"nope","language":{"code":"en_US"}}})");
  EXPECT_EQ(r.status, 404);
  const auto e = body_of(r).at("error").as_object();
  EXPECT_EQ(e.at("message"), "(#132001) Template name does not exist in the translation");
  EXPECT_EQ(e.at("type"), "OAuthException");
  EXPECT_EQ(e.at("code"), 132001);
  EXPECT_EQ(e.at("error_data").at("messaging_product"), "whatsapp");
  EXPECT_EQ(e.at("error_data").at("details"), "template name (nope) does not exist in en_US");
  EXPECT_EQ(e.at("fbtrace_id").as_string().size(), 23u);

  const auto unknown = h.call("GET", "/v23.0/999");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(body_of(unknown).at("error").at("code"), 100);
  EXPECT_EQ(body_of(unknown).at("error").at("error_subcode"), 33);
  EXPECT_EQ(body_of(unknown).at("error").at("type"), "GraphMethodException");

  const auto no_product = h.send(R"({"to":"15550001234","type":"text","text":{"body":"x"}})");
  EXPECT_EQ(no_product.status, 400);
  EXPECT_EQ(error_code(no_product), 100);
  EXPECT_EQ(error_code(h.send(text_to(std::string("15550000001")))), 131021);  // itself
}

TEST(Sandbox, BadTokenIs401With190BeforeAnyFault) {
  auto o = quiet();
  o.faults = {*parse_fault_rule("131000 always"), *parse_fault_rule("503 always endpoint=any")};
  Harness h(o);
  for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"authorization", "Bearer wrong"}}, {}}) {
    const auto r =
        h.call("POST", std::string("/v23.0/") + kPnid + "/messages", hello_to("1555"), headers);
    EXPECT_EQ(r.status, 401);
    const auto e = body_of(r).at("error").as_object();
    EXPECT_EQ(e.at("code"), 190);
    EXPECT_EQ(e.at("type"), "OAuthException");
    EXPECT_FALSE(e.contains("error_data"));
    EXPECT_FALSE(e.at("fbtrace_id").as_string().empty());
    EXPECT_FALSE(r.header("WWW-Authenticate").empty());
  }
  const auto faulted = h.send(hello_to("15551230000"));
  EXPECT_EQ(faulted.status, 500);
  EXPECT_EQ(error_code(faulted), 131000);
  // The token may also come as a query parameter.
  EXPECT_EQ(
      h.call("GET", std::string("/v23.0/") + kPnid + "?access_token=sandbox-token", "", {}).status,
      503);
}

TEST(Sandbox, AnyVersionSegmentIsAccepted) {
  Harness h;
  EXPECT_EQ(
      h.call("POST", std::string("/v19.0/") + kPnid + "/messages", hello_to("15551230001")).status,
      200);
  EXPECT_EQ(h.call("GET", std::string("/v24.0/") + kPnid).status, 200);
}

// --- limits ----------------------------------------------------------------------------------

TEST(Sandbox, EightyFirstSendInASecondGets130429) {
  Harness h;
  for (int i = 0; i < 80; ++i) {
    ASSERT_EQ(h.send(hello_to(recipient(i))).status, 200) << i;
  }
  const auto refused = h.send(hello_to(recipient(80)));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(error_code(refused), 130429);
  h.clock_.advance(milliseconds(500));
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(h.send(hello_to(recipient(100 + i))).status, 200) << "half a second refills half";
  }
  EXPECT_EQ(error_code(h.send(hello_to(recipient(200)))), 130429);
  h.clock_.advance(seconds(1));
  EXPECT_EQ(h.send(hello_to(recipient(201))).status, 200);
}

TEST(Sandbox, PairLimitAllowsABurstOf45ThenWaitsItOut) {
  Harness h;
  const auto to = recipient(1);
  for (int i = 0; i < 45; ++i) {
    ASSERT_EQ(h.send(hello_to(to)).status, 200) << i;
  }
  const auto refused = h.send(hello_to(to));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(error_code(refused), 131056);
  EXPECT_EQ(h.send(hello_to(recipient(2))).status, 200) << "other recipients are unaffected";
  // 45 messages borrowed 45 x 6 s.
  h.clock_.advance(seconds(269));
  EXPECT_EQ(error_code(h.send(hello_to(to))), 131056);
  h.clock_.advance(seconds(1));
  EXPECT_EQ(h.send(hello_to(to)).status, 200);
  // Back to the steady pace: one per 6 s.
  h.clock_.advance(seconds(6));
  EXPECT_EQ(h.send(hello_to(to)).status, 200);
}

TEST(Sandbox, TierCapRefusesTheNextUniqueRecipientAsync) {
  auto o = quiet();
  o.limits.tier_scope = TierScope::number;
  Harness h(o);
  std::string last_wamid;
  for (int i = 0; i <= 250; ++i) {
    if (i % 80 == 79) h.clock_.advance(seconds(1));
    const auto r = h.send(hello_to(recipient(i)), kSmallPnid);
    ASSERT_EQ(r.status, 200) << i;
    last_wamid = body_of(r).at("messages").at(0).at("id").as_string();
  }
  h.advance(seconds(5));
  EXPECT_EQ(h.status_names(last_wamid), std::vector<std::string>{"failed"});
  EXPECT_EQ(h.find_status(last_wamid, "failed").at("errors").at(0).at("code"), 131049);
  // Someone already counted may still be messaged; after 24 h everyone may.
  const auto again = h.send(hello_to(recipient(3)), kSmallPnid);
  ASSERT_EQ(again.status, 200);
  h.advance(seconds(5));
  EXPECT_EQ(h.status_names(body_of(again).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "delivered"}));

  ASSERT_TRUE(h.sandbox_.configure(json::object{{"limits", {{"tier_mode", "sync"}}}}).ok());
  const auto refused = h.send(hello_to(recipient(999)), kSmallPnid);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(error_code(refused), 131049);
  h.clock_.advance(std::chrono::hours(24));
  EXPECT_EQ(h.send(hello_to(recipient(999)), kSmallPnid).status, 200);
}

TEST(Sandbox, TierCapIsPerWabaByDefault) {
  auto o = quiet();
  o.wabas[0].tier = "TIER_250";
  o.limits.tier_mode = Delivery::sync;
  Harness h(o);
  for (int i = 0; i < 250; ++i) {
    if (i % 80 == 79) h.clock_.advance(seconds(1));
    ASSERT_EQ(h.send(hello_to(recipient(i)), i % 2 ? kPnid : kSmallPnid).status, 200) << i;
  }
  h.clock_.advance(seconds(1));
  EXPECT_EQ(error_code(h.send(hello_to(recipient(250)), kPnid)), 131049);
  // Replies inside an open window are not business-initiated and do not count.
  h.call("POST", "/_sandbox/inbound", R"({"from":"15559990000","text":"hi"})");
  EXPECT_EQ(h.send(text_to("15559990000")).status, 200);
}

// --- templates -------------------------------------------------------------------------------

TEST(Sandbox, TemplateRefusals) {
  Harness h;
  const auto send_template = [&](const std::string& tmpl) {
    return h.send(R"({"messaging_product":"whatsapp","to":"15551112222","type":"template",
                   "template":)" +
                  tmpl + "}");
  };
  EXPECT_EQ(error_code(send_template(R"({"name":"hello_world","language":{"code":"pt_BR"}})")),
            132001);
  // order_update needs its body variable and its URL button's.
  const auto missing = send_template(R"({"name":"order_update","language":{"code":"en_US"}})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(error_code(missing), 132000);
  EXPECT_EQ(error_code(send_template(R"({"name":"order_update","language":{"code":"en_US"},
      "components":[{"type":"body","parameters":[{"type":"text","text":"#1"}]}]})")),
            132000);
  EXPECT_EQ(send_template(R"({"name":"order_update","language":{"code":"en_US"},
      "components":[{"type":"body","parameters":[{"type":"text","text":"#1"}]},
      {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"1"}]}]})")
                .status,
            200);
  // promo_offer: header image and two body variables.
  EXPECT_EQ(error_code(send_template(R"({"name":"promo_offer","language":{"code":"en_US"},
      "components":[{"type":"body","parameters":[{"type":"text","text":"Ana"}]}]})")),
            132000);
  EXPECT_EQ(error_code(send_template(R"({"name":"promo_offer","language":{"code":"en_US"},
      "components":[{"type":"header","parameters":[{"type":"video","video":{"link":"https://v"}}]},
      {"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"5%"}]}]})")),
            132012);
  // Named parameters need their names.
  EXPECT_EQ(error_code(send_template(R"({"name":"welcome_named","language":{"code":"en_US"},
      "components":[{"type":"body","parameters":[{"type":"text","text":"Ana"},
      {"type":"text","text":"K-1"}]}]})")),
            100);
  EXPECT_EQ(send_template(R"({"name":"welcome_named","language":{"code":"en_US"},
      "components":[{"type":"body","parameters":[
      {"type":"text","parameter_name":"first_name","text":"Ana"},
      {"type":"text","parameter_name":"member_id","text":"K-1"}]}]})")
                .status,
            200);
  // Not approved: pending is 132001, paused 132015.
  ASSERT_EQ(h.call("POST", std::string("/v23.0/") + kWaba + "/message_templates",
                   R"({"name":"fresh","language":"en_US","category":"UTILITY",
                       "components":[{"type":"BODY","text":"Hi"}]})")
                .status,
            200);
  EXPECT_EQ(error_code(send_template(R"({"name":"fresh","language":{"code":"en_US"}})")), 132001);
  ASSERT_EQ(
      h.call("POST", "/_sandbox/templates/hello_world/status", R"({"event":"PAUSED"})").status,
      200);
  EXPECT_EQ(error_code(send_template(R"({"name":"hello_world","language":{"code":"en_US"}})")),
            132015);
}

TEST(Sandbox, CreatedTemplatesGoPendingThenApprovedWithWebhooks) {
  Harness h;
  const auto created = h.call("POST", std::string("/v23.0/") + kWaba + "/message_templates",
                              R"({"name":"spring_sale","language":"en_US","category":"marketing",
                                  "components":[{"type":"BODY","text":"Hi {{1}}!"}]})");
  ASSERT_EQ(created.status, 200) << created.body;
  const auto b = body_of(created);
  EXPECT_EQ(b.at("status"), "PENDING");
  EXPECT_EQ(b.at("category"), "MARKETING");
  h.advance(seconds(6));
  const auto events = h.changes("message_template_status_update");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("value").at("event"), "PENDING");
  EXPECT_EQ(events[1].at("value").at("event"), "APPROVED");
  EXPECT_EQ(events[1].at("value").at("message_template_name"), "spring_sale");
  EXPECT_EQ(events[1].at("value").at("message_template_id").as_int64(),
            std::stoll(std::string(b.at("id").as_string())));
  EXPECT_EQ(h.posts_[1].json().at("entry").at(0).at("time").as_int64(),
            h.clock_.now_ms() / 1000 - 1);

  // Listed, paged, fetched by id, deleted.
  const auto list =
      body_of(h.call("GET", std::string("/v23.0/") + kWaba + "/message_templates?limit=2"));
  EXPECT_EQ(list.at("data").as_array().size(), 2u);
  EXPECT_TRUE(list.at("paging").as_object().contains("next"));
  const auto one = body_of(
      h.call("GET", std::string("/v23.0/") + kWaba + "/message_templates?name=spring_sale"));
  EXPECT_EQ(one.at("data").at(0).at("status"), "APPROVED");
  EXPECT_EQ(h.call("GET", "/v23.0/" + std::string(b.at("id").as_string())).status, 200);
  EXPECT_EQ(
      h.call("DELETE", std::string("/v23.0/") + kWaba + "/message_templates?name=spring_sale").body,
      R"({"success":true})");
  EXPECT_EQ(
      body_of(h.call("GET", std::string("/v23.0/") + kWaba + "/message_templates?name=spring_sale"))
          .at("data")
          .as_array()
          .size(),
      0u);
  // Named variables without parameter_format "named" are created, then rejected.
  ASSERT_EQ(h.call("POST", std::string("/v23.0/") + kWaba + "/message_templates",
                   R"({"name":"named_wrong","language":"en_US","category":"UTILITY",
                       "components":[{"type":"BODY","text":"Hi {{first_name}}"}]})")
                .status,
            200);
  h.advance(seconds(6));
  const auto last = h.changes("message_template_status_update").back();
  EXPECT_EQ(last.at("value").at("event"), "REJECTED");
  EXPECT_EQ(last.at("value").at("reason"), "INVALID_FORMAT");
}

// --- window and opt-outs ---------------------------------------------------------------------

TEST(Sandbox, FreeFormOutsideTheWindowFailsUntilTheCustomerWrites) {
  Harness h;
  const auto to = std::string("15557770001");
  const auto first = h.send(text_to(to));
  ASSERT_EQ(first.status, 200) << "async by default: accepted, then failed";
  const std::string wamid(body_of(first).at("messages").at(0).at("id").as_string());
  EXPECT_FALSE(body_of(first).at("messages").at(0).as_object().contains("message_status"));
  h.advance(seconds(2));
  ASSERT_EQ(h.status_names(wamid), std::vector<std::string>{"failed"});
  EXPECT_EQ(h.statuses().back().at("errors").at(0).at("code"), 131047);
  EXPECT_EQ(h.statuses().back().at("errors").at(0).at("title"), "Re-engagement message");

  ASSERT_TRUE(h.sandbox_.configure(json::object{{"limits", {{"window_mode", "sync"}}}}).ok());
  const auto refused = h.send(text_to(to));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(error_code(refused), 131047);

  ASSERT_EQ(
      h.call("POST", "/_sandbox/inbound", R"({"from":")" + to + R"(","text":"hi there"})").status,
      200);
  const auto reply = h.send(text_to(to));
  ASSERT_EQ(reply.status, 200);
  const std::string reply_id(body_of(reply).at("messages").at(0).at("id").as_string());
  h.advance(seconds(4));
  EXPECT_EQ(h.status_names(reply_id), (std::vector<std::string>{"sent", "delivered"}));
  const auto sent = h.statuses()[1];
  EXPECT_EQ(sent.at("pricing").at("category"), "service");
  EXPECT_EQ(sent.at("pricing").at("billable"), false);
  // The window closes 24 h after the customer's message.
  h.clock_.advance(std::chrono::hours(24));
  EXPECT_EQ(error_code(h.send(text_to(to))), 131047);
}

TEST(Sandbox, OptedOutUsersGet131050ForMarketingOnly) {
  Harness h;
  const auto to = std::string("15557770002");
  ASSERT_EQ(
      h.call("POST", "/_sandbox/preferences", R"({"wa_id":")" + to + R"(","value":"stop"})").status,
      200);
  const auto promo = h.send(promo_to(to));
  ASSERT_EQ(promo.status, 200);
  const auto hello = h.send(hello_to(to));
  h.advance(seconds(3));
  const auto pref = h.changes("user_preferences");
  ASSERT_EQ(pref.size(), 1u);
  EXPECT_EQ(pref[0].at("value").at("user_preferences").at(0).at("value"), "stop");
  EXPECT_EQ(pref[0].at("value").at("user_preferences").at(0).at("category"), "marketing_messages");
  EXPECT_EQ(h.status_names(body_of(promo).at("messages").at(0).at("id").as_string()),
            std::vector<std::string>{"failed"});
  EXPECT_EQ(h.status_names(body_of(hello).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "delivered"}));
  ASSERT_EQ(h.call("POST", "/_sandbox/preferences", R"({"wa_id":")" + to + R"(","value":"resume"})")
                .status,
            200);
  h.clock_.advance(seconds(10));
  const auto again = h.send(promo_to(to));
  h.advance(seconds(3));
  EXPECT_EQ(h.status_names(body_of(again).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "delivered"}));
}

// --- faults ----------------------------------------------------------------------------------

TEST(Sandbox, FaultTriggerNextN) {
  auto o = quiet();
  o.faults = {*parse_fault_rule("131000 sync next=2")};
  Harness h(o);
  EXPECT_EQ(error_code(h.send(hello_to(recipient(1)))), 131000);
  EXPECT_EQ(h.send(hello_to(recipient(2))).status, 500);
  EXPECT_EQ(h.send(hello_to(recipient(3))).status, 200);
  EXPECT_EQ(h.send(hello_to(recipient(4))).status, 200);
}

TEST(Sandbox, FaultTriggerEveryNth) {
  auto o = quiet();
  o.faults = {*parse_fault_rule("131016 every=3")};
  Harness h(o);
  std::vector<int> statuses;
  for (int i = 0; i < 7; ++i)
    statuses.push_back(h.send(hello_to(recipient(i))).status);
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 503, 200, 200, 503, 200}));
}

TEST(Sandbox, FaultTriggerAlwaysWithFilterAndHttp5xx) {
  auto o = quiet();
  o.faults = {*parse_fault_rule("502 always to=15550009999")};
  Harness h(o);
  const auto r = h.send(hello_to("15550009999"));
  EXPECT_EQ(r.status, 502);
  EXPECT_NE(r.header("Content-Type").find("text/html"), std::string_view::npos);
  EXPECT_EQ(h.send(hello_to("15550009998")).status, 200);
}

TEST(Sandbox, FaultTriggerRateIsSeeded) {
  auto o = quiet();
  o.limits.throughput = false;
  o.faults = {*parse_fault_rule("131026 async rate=0.25")};
  const auto failures = [&](std::uint64_t seed) {
    o.seed = seed;
    Harness h(o);
    for (int i = 0; i < 400; ++i)
      EXPECT_EQ(h.send(hello_to(recipient(i))).status, 200);
    h.advance(seconds(2), seconds(1));
    int failed = 0;
    for (const auto& s : h.statuses()) {
      if (s.at("status") == "failed") {
        EXPECT_EQ(s.at("errors").at(0).at("code"), 131026);
        ++failed;
      }
    }
    return failed;
  };
  const int n = failures(7);
  EXPECT_GT(n, 70);
  EXPECT_LT(n, 130);
  EXPECT_EQ(failures(7), n);
}

TEST(Sandbox, AcceptedThenAnsweredPastTheClientTimeout) {
  auto o = quiet();
  o.faults = {*parse_fault_rule("accepted_timeout next=1")};
  Harness h(o);
  auto p = h.start("POST", std::string("/v23.0/") + kPnid + "/messages", hello_to(recipient(1)));
  h.sandbox_.run_due();
  EXPECT_FALSE(p.ready());
  // The message was taken: its statuses arrive while the client still waits for the answer.
  h.advance(seconds(4));
  EXPECT_FALSE(p.ready());
  const auto statuses = h.statuses();
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0].at("status"), "sent");
  EXPECT_EQ(statuses[1].at("status"), "delivered");
  h.advance(seconds(26));
  ASSERT_TRUE(p.ready());
  EXPECT_EQ((*p.response)->status, 200);
  EXPECT_EQ(body_of(**p.response).at("messages").at(0).at("id"), statuses[0].at("id"));
  EXPECT_EQ(h.send(hello_to(recipient(2))).status, 200) << "next=1 fired once";
}

TEST(Sandbox, LatencyDefersTheAnswerWithoutBlocking) {
  auto o = quiet();
  o.latency.messages = constant(250);
  Harness h(o);
  auto p = h.start("POST", std::string("/v23.0/") + kPnid + "/messages", hello_to(recipient(1)));
  EXPECT_FALSE(p.ready());
  h.clock_.advance(milliseconds(249));
  h.sandbox_.run_due();
  EXPECT_FALSE(p.ready());
  h.clock_.advance(milliseconds(1));
  h.sandbox_.run_due();
  EXPECT_TRUE(p.ready());
}

TEST(Sandbox, StopAnswersWaitingRequestsAtOnce) {
  auto o = quiet();
  o.latency.messages = constant(10'000);
  Harness h(o);
  auto p = h.start("POST", std::string("/v23.0/") + kPnid + "/messages", hello_to(recipient(1)));
  EXPECT_FALSE(p.ready());
  h.sandbox_.stop();
  ASSERT_TRUE(p.ready());
  EXPECT_EQ((*p.response)->status, 200);
}

// --- status webhooks -------------------------------------------------------------------------

TEST(Sandbox, StatusSequenceTimingPricingAndSignature) {
  auto o = quiet();
  o.latency.messages = constant(200);
  o.statuses.read_rate = 1;
  Harness h(o);
  auto p = h.start("POST", std::string("/v23.0/") + kPnid + "/messages",
                   hello_to("15551230000", "campaign=7;recipient=42"));
  const auto t0 = h.clock_.now_ms();
  h.advance(seconds(7), milliseconds(50));
  ASSERT_TRUE(p.ready());
  const std::string wamid(body_of(**p.response).at("messages").at(0).at("id").as_string());
  ASSERT_EQ(h.posts_.size(), 3u);
  // Each status when due: sent 1 s after the answer, delivered 2 s later, read 3 s after that.
  EXPECT_EQ(h.posts_[0].at_ms - t0, 1'200);
  EXPECT_EQ(h.posts_[1].at_ms - t0, 3'200);
  EXPECT_EQ(h.posts_[2].at_ms - t0, 6'200);
  EXPECT_EQ(h.status_names(wamid), (std::vector<std::string>{"sent", "delivered", "read"}));

  const auto env = h.posts_[0].json();
  EXPECT_EQ(env.at("object"), "whatsapp_business_account");
  const auto& entry = env.at("entry").at(0).as_object();
  EXPECT_EQ(entry.at("id"), kWaba);
  const auto& change = entry.at("changes").at(0).as_object();
  EXPECT_EQ(change.at("field"), "messages");
  EXPECT_EQ(change.at("value").at("metadata"),
            json::parse(R"({"display_phone_number":"15550000001","phone_number_id":")" +
                        std::string(kPnid) + R"("})"));
  const auto sent = h.statuses()[0];
  EXPECT_EQ(sent.at("recipient_id"), "15551230000");
  EXPECT_EQ(sent.at("timestamp").as_string(), std::to_string((t0 + 1'200) / 1000));
  EXPECT_EQ(sent.at("biz_opaque_callback_data"), "campaign=7;recipient=42");
  EXPECT_EQ(sent.at("pricing"), json::parse(R"({"billable":true,"pricing_model":"PMP",
                                                "category":"utility","type":"regular"})"));
  EXPECT_TRUE(sent.at("conversation").as_object().contains("expiration_timestamp"));
  EXPECT_EQ(sent.at("conversation").at("origin").at("type"), "utility");
  EXPECT_FALSE(h.statuses()[1].at("conversation").as_object().contains("expiration_timestamp"));
  EXPECT_EQ(h.statuses()[2].at("biz_opaque_callback_data"), "campaign=7;recipient=42");

  for (const auto& post : h.posts_) {
    EXPECT_EQ(post.url, kHook);
    EXPECT_EQ(post.header("X-Hub-Signature-256"),
              "sha256=" + crypto::hmac_sha256_hex("sandbox-secret", post.body));
    EXPECT_EQ(post.header("Content-Type"), "application/json");
  }
}

TEST(Sandbox, WebhookBodiesEscapeNonAsciiLikeMeta) {
  Harness h;
  ASSERT_EQ(h.call("POST", "/_sandbox/inbound",
                   R"({"from":"15551230000","name":"José","text":"Obrigado! 🙏 https://x.test/a"})")
                .status,
            200);
  h.sandbox_.run_due();
  ASSERT_EQ(h.posts_.size(), 1u);
  const auto& body = h.posts_[0].body;
  EXPECT_EQ(std::count_if(body.begin(), body.end(),
                          [](char c) { return static_cast<unsigned char>(c) >= 0x80; }),
            0);
  EXPECT_NE(body.find(R"("name":"Jos\u00e9")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"(Obrigado! \ud83d\ude4f https:\/\/x.test\/a)"), std::string::npos) << body;
  EXPECT_EQ(h.posts_[0].header("X-Hub-Signature-256"),
            "sha256=" + crypto::hmac_sha256_hex("sandbox-secret", body));
  // The escaped bytes still parse to the original text.
  const auto msg = h.inbound().at(0);
  EXPECT_EQ(msg.at("text").at("body"), "Obrigado! 🙏 https://x.test/a");
  EXPECT_EQ(msg.at("from"), "15551230000");
  EXPECT_EQ(msg.at("type"), "text");
}

TEST(Sandbox, ImmediateReadSkipsDelivered) {
  auto o = quiet();
  o.statuses.read_rate = 1;
  o.statuses.read_immediate_rate = 1;
  Harness h(o);
  const auto r = h.send(hello_to(recipient(1)));
  h.advance(seconds(8));
  EXPECT_EQ(h.status_names(body_of(r).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "read"}));
}

TEST(Sandbox, ReorderDeliversBeforeSent) {
  auto o = quiet();
  o.statuses.reorder_rate = 1;
  Harness h(o);
  const auto r = h.send(hello_to(recipient(1)));
  h.advance(seconds(5));
  EXPECT_EQ(h.status_names(body_of(r).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"delivered", "sent"}));
}

TEST(Sandbox, DuplicatesRepeatStatuses) {
  auto o = quiet();
  o.statuses.duplicate_rate = 1;
  o.statuses.duplicate = constant(200);
  Harness h(o);
  const auto r = h.send(hello_to(recipient(1)));
  h.advance(seconds(5));
  EXPECT_EQ(h.status_names(body_of(r).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "sent", "delivered", "delivered"}));
  EXPECT_EQ(h.posts_[0].body, h.posts_[1].body);
}

TEST(Sandbox, StatusesDueTogetherAreBatchedInTheConfiguredShape) {
  for (const auto shape : {BatchShape::statuses, BatchShape::changes, BatchShape::entries}) {
    auto o = quiet();
    o.webhooks.batch_shape = shape;
    o.webhooks.batch_max = 2;
    Harness h(o);
    for (int i = 0; i < 3; ++i)
      ASSERT_EQ(h.send(hello_to(recipient(i))).status, 200);
    h.clock_.advance(milliseconds(1'500));
    h.sandbox_.run_due();
    ASSERT_EQ(h.posts_.size(), 2u);  // 3 sent statuses, at most 2 to a POST
    const auto env = h.posts_[0].json();
    const auto& entries = env.at("entry").as_array();
    switch (shape) {
      case BatchShape::statuses:
        ASSERT_EQ(entries.size(), 1u);
        ASSERT_EQ(entries[0].at("changes").as_array().size(), 1u);
        EXPECT_EQ(entries[0].at("changes").at(0).at("value").at("statuses").as_array().size(), 2u);
        break;
      case BatchShape::changes:
        ASSERT_EQ(entries.size(), 1u);
        EXPECT_EQ(entries[0].at("changes").as_array().size(), 2u);
        break;
      case BatchShape::entries:
        EXPECT_EQ(entries.size(), 2u);
        break;
    }
    EXPECT_EQ(h.statuses().size(), 3u);
  }
}

TEST(Sandbox, FailedDeliveriesAreRetriedWithBackoffUntilTheHorizon) {
  Harness h(quiet(), 500);
  ASSERT_EQ(h.send(hello_to(recipient(1))).status, 200);
  const auto t0 = h.clock_.now_ms();
  h.advance(seconds(1));  // `sent` is due at +1 s
  h.answer_ = 0;          // then no answer at all
  h.advance(seconds(20), milliseconds(50));
  std::vector<std::int64_t> sent_attempts;
  for (const auto& p : h.posts_) {
    if (p.json()
            .at("entry")
            .at(0)
            .at("changes")
            .at(0)
            .at("value")
            .at("statuses")
            .at(0)
            .at("status") == "sent") {
      sent_attempts.push_back(p.at_ms - t0);
    }
  }
  // 500 ms doubling; the next one (at +8.5 s) would pass the 5 s horizon.
  EXPECT_EQ(sent_attempts, (std::vector<std::int64_t>{1'000, 1'500, 2'500, 4'500}));
  const auto state = body_of(h.call("GET", "/_sandbox/state"));
  EXPECT_EQ(state.at("webhooks").at("given_up"), 2);  // sent and delivered
  EXPECT_EQ(state.at("webhooks").at("delivered"), 0);

  // A 2xx ends the retries.
  h.answer_ = 200;
  ASSERT_EQ(h.send(hello_to(recipient(2))).status, 200);
  const auto before = h.posts_.size();
  h.advance(seconds(10));
  EXPECT_EQ(h.posts_.size(), before + 2);
}

TEST(Sandbox, DeliveriesWaitForFreeSlots) {
  auto o = quiet();
  o.webhooks.max_in_flight = 1;
  o.webhooks.batch_max = 1;
  Harness h(o, -1);  // answers only when the test says so
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(h.send(hello_to(recipient(i))).status, 200);
  h.clock_.advance(milliseconds(1'000));
  h.sandbox_.run_due();
  ASSERT_EQ(h.posts_.size(), 1u);
  h.posts_[0].done(200);
  h.sandbox_.run_due();
  ASSERT_EQ(h.posts_.size(), 2u);
  h.posts_[1].done(204);
  h.sandbox_.run_due();
  EXPECT_EQ(h.posts_.size(), 3u);
}

// --- reproducibility -------------------------------------------------------------------------

TEST(Sandbox, SameSeedAndRequestsGiveTheSameWebhooks) {
  SandboxOptions o;  // the realistic defaults: random latencies, delays, faults and customers
  o.webhooks.url = kHook;
  o.limits.throughput = false;
  o.customers.reply_rate = 0.2;
  o.customers.button_rate = 0.2;
  o.statuses.duplicate_rate = 0.1;
  o.statuses.reorder_rate = 0.1;
  o.faults.push_back(*parse_fault_rule("131000 rate=0.05"));
  const auto run = [&](std::uint64_t seed) {
    o.seed = seed;
    Harness h(o);
    std::vector<std::string> answers;
    std::vector<Pending> pending;
    for (int i = 0; i < 60; ++i) {
      pending.push_back(
          h.start("POST", std::string("/v23.0/") + kPnid + "/messages", promo_to(recipient(i))));
      h.clock_.advance(milliseconds(7));
      h.sandbox_.run_due();
    }
    h.advance(std::chrono::hours(2), seconds(1));
    for (const auto& p : pending)
      answers.push_back(p.ready() ? (*p.response)->body : "(none)");
    std::vector<std::string> bodies;
    for (const auto& p : h.posts_)
      bodies.push_back(std::to_string(p.at_ms) + " " + p.body);
    return std::make_pair(answers, bodies);
  };
  const auto a = run(42);
  const auto b = run(42);
  EXPECT_GT(a.second.size(), 50u);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(run(43).first, a.first);
}

// --- customers -------------------------------------------------------------------------------

TEST(Sandbox, SimulatedCustomersReplyTapAndOptOutAtTheirRates) {
  auto o = quiet();
  o.limits.throughput = false;
  o.customers.reply_rate = 0.10;
  o.customers.button_rate = 0.10;
  o.customers.opt_out_rate = 0.05;
  o.customers.opt_out_via_preferences = 0.5;
  Harness h(o);
  constexpr int kSends = 2000;
  std::map<std::string, std::string> wamid_to;
  for (int i = 0; i < kSends; ++i) {
    const auto r = h.send(promo_to(recipient(i)));
    ASSERT_EQ(r.status, 200);
    wamid_to[std::string(body_of(r).at("messages").at(0).at("id").as_string())] = recipient(i);
  }
  h.advance(seconds(30), seconds(1));
  int replies = 0, taps = 0, stops = 0;
  for (const auto& m : h.inbound()) {
    const auto type = m.at("type").as_string();
    if (type == "button") {
      ++taps;
      const auto& ctx = m.at("context").as_object();
      EXPECT_EQ(wamid_to.at(std::string(ctx.at("id").as_string())), m.at("from").as_string());
      const auto payload = m.at("button").at("payload").as_string();
      const auto text = m.at("button").at("text").as_string();
      EXPECT_TRUE((payload == "PROMO_YES" && text == "Yes please") ||
                  (payload == "Stop promotions" && text == "Stop promotions"))
          << payload << " " << text;
    } else if (m.at("text").at("body") == "STOP") {
      ++stops;
    } else {
      ++replies;
    }
  }
  const auto prefs = h.changes("user_preferences").size();
  EXPECT_NEAR(replies, 200, 50);
  EXPECT_NEAR(taps, 200, 50);
  EXPECT_NEAR(static_cast<double>(stops + prefs), 100, 35);
  EXPECT_GT(stops, 20);
  EXPECT_GT(prefs, 20u);
  // Every reply arrives after its message was read, with the customer's deterministic name.
  const auto change = h.changes("messages");
  for (const auto& c : change) {
    const auto& v = c.at("value").as_object();
    if (!v.contains("messages")) continue;
    const auto& contact = v.at("contacts").at(0).as_object();
    EXPECT_FALSE(contact.at("profile").at("name").as_string().empty());
    EXPECT_EQ(contact.at("wa_id"), v.at("messages").at(0).at("from"));
  }
  // Replies opened windows: a free-form message to a replier is delivered.
  std::string replier;
  for (const auto& m : h.inbound()) {
    if (m.at("type") == "text" && m.at("text").at("body") != "STOP") {
      replier = std::string(m.at("from").as_string());
      break;
    }
  }
  ASSERT_FALSE(replier.empty());
  const auto followup = h.send(text_to(replier));
  h.advance(seconds(4));
  EXPECT_EQ(h.status_names(body_of(followup).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "delivered"}));
}

TEST(Sandbox, CustomersAnswerInteractiveButtonsWithInteractiveReplies) {
  auto o = quiet();
  o.customers.button_rate = 1;
  Harness h(o);
  ASSERT_EQ(h.call("POST", "/_sandbox/inbound", R"({"from":"15553334444","text":"menu"})").status,
            200);
  const auto r = h.send(R"({"messaging_product":"whatsapp","to":"15553334444","type":"interactive",
      "interactive":{"type":"button","body":{"text":"Pick"},"action":{"buttons":[
      {"type":"reply","reply":{"id":"b1","title":"Yes"}},{"type":"reply","reply":{"id":"b2","title":"No"}}]}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  h.advance(seconds(20));
  const auto in = h.inbound();
  ASSERT_EQ(in.size(), 2u);
  const auto& reply = in[1];
  EXPECT_EQ(reply.at("type"), "interactive");
  EXPECT_EQ(reply.at("interactive").at("type"), "button_reply");
  const auto id = reply.at("interactive").at("button_reply").at("id").as_string();
  EXPECT_TRUE(id == "b1" || id == "b2");
  EXPECT_EQ(reply.at("context").at("id"), body_of(r).at("messages").at(0).at("id"));
  // A reply means the message was read first.
  EXPECT_EQ(h.status_names(body_of(r).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "delivered", "read"}));
}

TEST(Sandbox, InteractiveLimitsAreEnforced) {
  Harness h;
  h.call("POST", "/_sandbox/inbound", R"({"from":"15553334444","text":"menu"})");
  const auto four =
      h.send(R"({"messaging_product":"whatsapp","to":"15553334444","type":"interactive",
      "interactive":{"type":"button","body":{"text":"Pick"},"action":{"buttons":[
      {"type":"reply","reply":{"id":"1","title":"a"}},{"type":"reply","reply":{"id":"2","title":"b"}},
      {"type":"reply","reply":{"id":"3","title":"c"}},{"type":"reply","reply":{"id":"4","title":"d"}}]}}})");
  EXPECT_EQ(error_code(four), 131009);
  EXPECT_EQ(error_code(h.send(text_to("15553334444", std::string(4097, 'x')))), 100);
}

// --- media and numbers -----------------------------------------------------------------------

std::string multipart_body(const std::string& boundary, const std::string& type,
                           const std::string& bytes) {
  return "--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n--" +
         boundary + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n" + type + "\r\n--" +
         boundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
         "Content-Type: " +
         type + "\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
}

TEST(Sandbox, MediaUploadResolveDownloadDelete) {
  Harness h;
  const std::string bytes("\xFF\xD8\xFF\xE0 fake jpeg \r\n--not-the-boundary", 35);
  const auto up = h.call("POST", std::string("/v23.0/") + kPnid + "/media",
                         multipart_body("XyZ", "image/jpeg", bytes),
                         {{"authorization", "Bearer sandbox-token"},
                          {"content-type", "multipart/form-data; boundary=XyZ"}});
  ASSERT_EQ(up.status, 200) << up.body;
  const std::string id(body_of(up).at("id").as_string());
  const auto info = body_of(h.call("GET", "/v23.0/" + id));
  EXPECT_EQ(info.at("mime_type"), "image/jpeg");
  EXPECT_EQ(info.at("file_size"), 35);
  EXPECT_EQ(info.at("sha256").as_string(), crypto::sha256_hex(bytes));
  EXPECT_EQ(info.at("messaging_product"), "whatsapp");
  const std::string url(info.at("url").as_string());
  const std::string base = "http://sandbox.test";
  ASSERT_EQ(url.rfind(base + "/_sandbox/media/" + id + "?", 0), 0u) << url;
  const auto target = url.substr(base.size());
  const auto file = h.call("GET", target);
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, bytes);
  EXPECT_EQ(h.call("GET", target, "", {}).status, 401);
  // A media message by that id is delivered; an unknown id fails with 131053.
  h.call("POST", "/_sandbox/inbound", R"({"from":"15553334444","text":"photo?"})");
  const auto ok = h.send(R"({"messaging_product":"whatsapp","to":"15553334444","type":"image",
                             "image":{"id":")" +
                         id + R"("}})");
  const auto bad = h.send(R"({"messaging_product":"whatsapp","to":"15553334444","type":"image",
                              "image":{"id":"12345"}})");
  h.advance(seconds(4));
  EXPECT_EQ(h.status_names(body_of(ok).at("messages").at(0).at("id").as_string()),
            (std::vector<std::string>{"sent", "delivered"}));
  const std::string bad_id(body_of(bad).at("messages").at(0).at("id").as_string());
  EXPECT_EQ(h.find_status(bad_id, "failed").at("errors").at(0).at("code"), 131053);
  // The URL expires after five minutes.
  h.clock_.advance(std::chrono::minutes(5) + seconds(1));
  EXPECT_EQ(h.call("GET", target).status, 404);
  EXPECT_EQ(h.call("DELETE", "/v23.0/" + id).body, R"({"success":true})");
  EXPECT_EQ(h.call("GET", "/v23.0/" + id).status, 400);
  // Unsupported types are refused.
  EXPECT_EQ(error_code(h.call("POST", std::string("/v23.0/") + kPnid + "/media",
                              multipart_body("b", "image/gif", "GIF89a"),
                              {{"authorization", "Bearer sandbox-token"},
                               {"content-type", "multipart/form-data; boundary=b"}})),
            100);
}

TEST(Sandbox, PhoneNumbersAndTheirFields) {
  Harness h;
  const auto list = body_of(h.call("GET", std::string("/v23.0/") + kWaba + "/phone_numbers"));
  const auto& data = list.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("id"), kPnid);
  EXPECT_EQ(data[0].at("display_phone_number"), "+1 555-000-0001");
  EXPECT_EQ(data[0].at("throughput").at("level"), "STANDARD");
  EXPECT_EQ(data[0].at("messaging_limit_tier"), "TIER_10K");
  EXPECT_EQ(data[1].at("messaging_limit_tier"), "TIER_250");
  EXPECT_EQ(data[0].at("quality_rating"), "GREEN");
  EXPECT_TRUE(list.at("paging").at("cursors").as_object().contains("after"));
  const auto usage = h.call("GET", std::string("/v23.0/") + kWaba + "/phone_numbers");
  EXPECT_NE(usage.header("x-business-use-case-usage").find(kWaba), std::string_view::npos);
  const auto one = body_of(h.call("GET", std::string("/v23.0/") + kSmallPnid));
  EXPECT_EQ(one.at("verified_name"), "Kirim Sandbox Support");
}

// --- admin API -------------------------------------------------------------------------------

TEST(Sandbox, AdminStateConfigResetAndLog) {
  Harness h;
  for (int i = 0; i < 3; ++i)
    h.send(hello_to(recipient(i)));
  h.send(hello_to("bad number!"));
  auto state = body_of(h.call("GET", "/_sandbox/state"));
  EXPECT_EQ(state.at("counters").at("requests"), 4);
  EXPECT_EQ(state.at("counters").at("messages_accepted"), 3);
  EXPECT_EQ(state.at("counters").at("errors").at("100"), 1);
  const auto& number = state.at("wabas").at(0).at("numbers").at(0).as_object();
  EXPECT_EQ(number.at("accepted"), 3);
  EXPECT_EQ(number.at("tokens").as_double(), 77.0);
  EXPECT_EQ(state.at("wabas").at(0).at("unique_recipients_24h"), 3);

  // The log, newest first, limited.
  const auto log = body_of(h.call("GET", "/_sandbox/log?limit=2")).at("data").as_array();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].at("kind"), "request");
  EXPECT_EQ(log[0].at("code"), 100);
  EXPECT_EQ(log[1].at("status"), 200);
  EXPECT_TRUE(log[1].as_object().contains("wamid"));
  h.advance(seconds(2));
  const auto with_hooks = body_of(h.call("GET", "/_sandbox/log?limit=1")).at("data").as_array();
  EXPECT_EQ(with_hooks[0].at("kind"), "webhook");
  EXPECT_EQ(with_hooks[0].at("status"), 200);

  // Runtime configuration: a fault rule in its text form, then a bad change that changes nothing.
  const auto put = h.call("PUT", "/_sandbox/config",
                          R"({"faults":["130429 next=1"],"limits":{"pair_burst":2}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(body_of(put).at("faults").at(0), "130429 sync next=1");
  EXPECT_EQ(error_code(h.send(hello_to(recipient(9)))), 130429);
  const auto bad = h.call("PUT", "/_sandbox/config",
                          R"({"limits":{"pair_burst":0},"statuses":{"read_rate":2},"bogus":1})");
  EXPECT_EQ(bad.status, 400);
  const auto details = body_of(bad).at("error").at("details").as_object();
  EXPECT_TRUE(details.contains("limits.pair_burst"));
  EXPECT_TRUE(details.contains("statuses.read_rate"));
  EXPECT_TRUE(details.contains("bogus"));
  EXPECT_EQ(body_of(h.call("GET", "/_sandbox/config")).at("limits").at("pair_burst"), 2);
  EXPECT_EQ(h.call("PUT", "/_sandbox/config", R"({"seed":5})").status, 400);

  // Reset: counters, buckets and fault state back to the start.
  EXPECT_EQ(h.call("POST", "/_sandbox/reset").status, 200);
  state = body_of(h.call("GET", "/_sandbox/state"));
  EXPECT_EQ(state.at("counters").at("messages_accepted"), 0);
  EXPECT_EQ(state.at("wabas").at(0).at("numbers").at(0).at("tokens").as_double(), 80.0);
  EXPECT_EQ(error_code(h.send(hello_to(recipient(9)))), 130429) << "next=1 armed again";
}

TEST(Sandbox, AdminQualityAndTemplateEvents) {
  Harness h;
  const auto q = h.call("POST", "/_sandbox/quality",
                        R"({"pnid":"100000000000011","event":"THROUGHPUT_UPGRADE"})");
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(body_of(h.call("GET", std::string("/v23.0/") + kPnid)).at("throughput").at("level"),
            "HIGH");
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(h.send(hello_to(recipient(i))).status, 200) << i;
  EXPECT_EQ(error_code(h.send(hello_to(recipient(1000)))), 130429);
  ASSERT_EQ(h.call("POST", "/_sandbox/quality",
                   R"({"pnid":"100000000000012","event":"DOWNGRADE","current_limit":"TIER_250",
                       "quality_rating":"RED"})")
                .status,
            200);
  ASSERT_EQ(h.call("POST", "/_sandbox/templates/promo_offer/status",
                   R"({"event":"REJECTED","reason":"PROMOTIONAL"})")
                .status,
            200);
  EXPECT_EQ(h.call("POST", "/_sandbox/templates/nope/status", R"({"event":"APPROVED"})").status,
            404);
  EXPECT_EQ(h.call("POST", "/_sandbox/templates/promo_offer/status", R"({"event":"BOGUS"})").status,
            400);
  h.sandbox_.run_due();
  const auto quality = h.changes("phone_number_quality_update");
  ASSERT_EQ(quality.size(), 2u);
  EXPECT_EQ(quality[0].at("value").at("event"), "THROUGHPUT_UPGRADE");
  EXPECT_EQ(quality[1].at("value").at("display_phone_number"), "15550000002");
  EXPECT_EQ(quality[1].at("value").at("current_limit"), "TIER_250");
  const auto tmpl = h.changes("message_template_status_update");
  ASSERT_EQ(tmpl.size(), 1u);
  EXPECT_EQ(tmpl[0].at("value").at("event"), "REJECTED");
  EXPECT_EQ(tmpl[0].at("value").at("reason"), "PROMOTIONAL");
  EXPECT_EQ(tmpl[0].at("value").at("message_template_category"), "MARKETING");
}

TEST(Sandbox, AdminInboundKinds) {
  Harness h;
  // Started together, before the sandbox runs: their webhooks go out in one pass.
  const auto button = h.start("POST", "/_sandbox/inbound",
                              R"({"from":"15551112222","type":"button","payload":"YES",
                                  "button_text":"Yes please","context_id":"wamid.ABC"})");
  const auto list = h.start("POST", "/_sandbox/inbound",
                            R"({"from":"15551112222","type":"interactive","reply_id":"r1",
                                "reply_title":"One","interactive_type":"list_reply"})");
  ASSERT_EQ((*button.response)->status, 200);
  ASSERT_EQ((*list.response)->status, 200);
  EXPECT_EQ(h.call("POST", "/_sandbox/inbound", R"({"from":"15551112222","type":"button"})").status,
            400);
  EXPECT_EQ(
      h.call("POST", "/_sandbox/inbound", R"({"from":"1555","pnid":"nope","text":"x"})").status,
      400);
  h.sandbox_.run_due();
  const auto in = h.inbound();
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0].at("button"), json::parse(R"({"payload":"YES","text":"Yes please"})"));
  EXPECT_EQ(in[0].at("context").at("id"), "wamid.ABC");
  EXPECT_EQ(in[0].at("context").at("from"), "15550000001");
  EXPECT_EQ(in[1].at("interactive").at("list_reply"), json::parse(R"({"id":"r1","title":"One"})"));
  // Both came together: one POST, one change, two messages, one contact.
  ASSERT_EQ(h.posts_.size(), 1u);
  const auto value = h.changes("messages").at(0).at("value").as_object();
  EXPECT_EQ(value.at("messages").as_array().size(), 2u);
  EXPECT_EQ(value.at("contacts").as_array().size(), 1u);
}

// --- a real server ---------------------------------------------------------------------------

std::string http_exchange(unsigned short port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)::send(fd, request.data(), request.size(), 0);
  std::string out;
  char buf[4096];
  while (true) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    const auto head_end = out.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    const auto cl = out.find("Content-Length: ");
    if (cl == std::string::npos || cl > head_end) continue;
    const auto len = std::stoul(out.substr(cl + 16));
    if (out.size() >= head_end + 4 + len) break;
  }
  ::close(fd);
  return out;
}

TEST(Sandbox, ServesThroughARealServerUnderAPrefixWithItsThread) {
  ManualClock clock;
  auto o = quiet();
  o.latency.messages = constant(300);
  std::vector<std::string> posted;
  std::mutex mu;
  Sandbox sandbox(clock, o,
                  [&](std::string, std::vector<std::pair<std::string, std::string>>,
                      std::string body, std::function<void(int)> done) {
                    {
                      std::lock_guard lock(mu);
                      posted.push_back(std::move(body));
                    }
                    done(200);
                  });
  http::Router router;
  metrics::Registry registry;
  sandbox.register_routes(router, "/sandbox");
  sandbox.register_metrics(registry);
  http::ServerOptions so;
  so.listen = "127.0.0.1:0";
  so.access_log = false;
  http::Server server(so, router, registry);
  ASSERT_TRUE(server.start().ok());
  sandbox.start();
  const auto body = hello_to(recipient(1));
  const std::string request =
      "POST /sandbox/v23.0/" + std::string(kPnid) +
      "/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sandbox-token\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  // The answer waits for the ManualClock: move it on while the client waits.
  auto exchange =
      std::async(std::launch::async, [&] { return http_exchange(server.port(), request); });
  while (exchange.wait_for(milliseconds(5)) != std::future_status::ready) {
    clock.advance(milliseconds(10));
  }
  const auto response = exchange.get();
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find("\"message_status\":\"accepted\""), std::string::npos);
  clock.advance(seconds(2));
  const auto deadline = std::chrono::steady_clock::now() + seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mu);
      if (!posted.empty()) break;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  {
    std::lock_guard lock(mu);
    EXPECT_FALSE(posted.empty()) << "the thread sends the status webhook";
  }
  EXPECT_NE(registry.render().find("kirim_sandbox_messages_accepted_total 1"), std::string::npos);
  sandbox.stop();
  server.shutdown();
}

// --- pieces ----------------------------------------------------------------------------------

TEST(SandboxOptions, FaultRulesParseAndPrint) {
  const auto r = parse_fault_rule("131026 async rate=0.02 to=15551234567 template=promo_offer");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->code, "131026");
  EXPECT_EQ(r->mode, Delivery::async);
  EXPECT_EQ(r->trigger, FaultRule::Trigger::rate);
  EXPECT_DOUBLE_EQ(r->rate, 0.02);
  EXPECT_EQ(fault_rule_text(*r), "131026 async rate=0.02 to=15551234567 template=promo_offer");
  EXPECT_EQ(fault_rule_text(*parse_fault_rule("accepted_timeout every=10 delay=25000")),
            "accepted_timeout every=10 delay=25000");
  for (const char* bad :
       {"", "abc", "503 async", "131000 rate=2", "131000 next=0", "131000 next=1 always",
        "131000 async endpoint=media", "131000 colour=red"}) {
    EXPECT_FALSE(parse_fault_rule(bad).ok()) << bad;
  }
}

TEST(SandboxOptions, LoadsTheSandboxTableOfATomlFile) {
  const auto path =
      std::filesystem::temp_directory_path() / ("sandbox-" + std::to_string(::getpid()) + ".toml");
  {
    std::ofstream f(path);
    f << R"(
[sandbox]
access_token = "t0k"
app_secret = "s3cret"
seed = 9
faults = ["131000 next=2", { code = 131026, mode = "async", rate = 0.1 }]
[sandbox.latency]
messages = 50
media = { median_ms = 100, sigma = 0.2 }
[sandbox.limits]
tier_mode = "sync"
window_mode = "off"
[sandbox.webhooks]
url = "http://127.0.0.1:8080/webhooks/whatsapp"
batch_shape = "changes"
[sandbox.customers]
reply_rate = 0.5
[[sandbox.wabas]]
id = "200"
  [[sandbox.wabas.numbers]]
  id = "201"
  display_phone_number = "+62 811-0000-001"
  tier = "TIER_2K"
  coexistence = true
  [[sandbox.wabas.templates]]
  name = "halo"
  language = "id"
  category = "MARKETING"
  components = '[{"type":"BODY","text":"Halo {{1}}"}]'
)";
  }
  auto o = load_sandbox_options(path.string());
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->access_token, "t0k");
  EXPECT_EQ(o->seed, 9u);
  EXPECT_EQ(o->latency.messages.median_ms, 50);
  EXPECT_EQ(o->latency.messages.max_ms, 50);
  EXPECT_EQ(o->latency.media.median_ms, 100);
  EXPECT_DOUBLE_EQ(o->latency.media.sigma, 0.2);
  EXPECT_EQ(o->limits.tier_mode, Delivery::sync);
  EXPECT_EQ(o->limits.window_mode, Delivery::off);
  EXPECT_EQ(o->webhooks.batch_shape, BatchShape::changes);
  EXPECT_DOUBLE_EQ(o->customers.reply_rate, 0.5);
  ASSERT_EQ(o->faults.size(), 2u);
  EXPECT_EQ(fault_rule_text(o->faults[1]), "131026 async rate=0.1");
  ASSERT_EQ(o->wabas.size(), 1u);
  EXPECT_EQ(o->wabas[0].tier, "TIER_2K");
  EXPECT_EQ(o->wabas[0].numbers[0].mps, 20);
  EXPECT_FALSE(o->wabas[0].templates[0].id.empty());
  EXPECT_EQ(o->wabas[0].templates[0].components.size(), 1u);

  {
    std::ofstream f(path);
    f << "[sandbox]\nseed = \"x\"\nunknown = 1\n[sandbox.limits]\npair_burst = -1\n";
  }
  auto bad = load_sandbox_options(path.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().details.contains("sandbox.seed"));
  EXPECT_TRUE(bad.error().details.contains("sandbox.unknown"));
  EXPECT_TRUE(bad.error().details.contains("sandbox.limits.pair_burst"));
  std::filesystem::remove(path);
  EXPECT_FALSE(load_sandbox_options(path.string()).ok());
}

TEST(SandboxOptions, DefaultsAreTheDocumentedAccount) {
  const SandboxOptions o;
  ASSERT_EQ(o.wabas.size(), 1u);
  EXPECT_EQ(o.wabas[0].id, kWaba);
  ASSERT_EQ(o.wabas[0].numbers.size(), 2u);
  EXPECT_EQ(o.wabas[0].numbers[0].tier, "TIER_10K");
  EXPECT_EQ(o.wabas[0].numbers[1].tier, "TIER_250");
  std::vector<std::string> names;
  for (const auto& t : o.wabas[0].templates) {
    names.push_back(t.name);
    EXPECT_EQ(t.status, "APPROVED");
  }
  EXPECT_EQ(names, (std::vector<std::string>{"hello_world", "order_update", "promo_offer",
                                             "welcome_named"}));
  EXPECT_EQ(o.access_token, "sandbox-token");
  EXPECT_EQ(o.app_secret, "sandbox-secret");
}

TEST(SandboxPieces, MetaJsonEncoding) {
  EXPECT_EQ(meta_json_encode(R"({"a":"é/ü"})", false), R"({"a":"\u00e9/\u00fc"})");
  EXPECT_EQ(meta_json_encode(R"({"a":"😀"})", true), R"({"a":"\ud83d\ude00"})");
  EXPECT_EQ(meta_json_encode(R"({"u":"http://x/y"})", true), R"({"u":"http:\/\/x\/y"})");
  EXPECT_EQ(meta_json_encode("\"\xC3\"", false), "\"\\ufffd\"");
  EXPECT_EQ(json::parse(meta_json_encode(R"({"a":"ñ 😀 /"})", true)).at("a"), "ñ 😀 /");
}

TEST(SandboxPieces, Multipart) {
  const auto parts = parse_multipart("multipart/form-data; boundary=\"abc\"",
                                     "--abc\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1"
                                     "\r\n--abc\r\nContent-Disposition: form-data; name=\"f\"; "
                                     "filename=\"a b.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                                     "%PDF\r\n--abc--\r\n");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "x");
  EXPECT_EQ((*parts)[0].data, "1");
  EXPECT_EQ((*parts)[1].filename, "a b.pdf");
  EXPECT_EQ((*parts)[1].content_type, "application/pdf");
  EXPECT_EQ((*parts)[1].data, "%PDF");
  EXPECT_FALSE(parse_multipart("application/json", "{}").ok());
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=abc", "--abc\r\nno end").ok());
}

TEST(SandboxPieces, WamidsCarryTheRecipient) {
  Rng rng(1);
  const auto wamid = make_wamid(rng, "15551234567");
  EXPECT_EQ(wamid.rfind("wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI", 0), 0u) << wamid;
  EXPECT_NE(make_wamid(rng, "15551234567"), wamid);
}

TEST(SandboxPieces, BrazilianNinthDigitWaId) {
  Harness h;
  const auto r = h.send(hello_to("5511987654321"));
  EXPECT_EQ(body_of(r).at("contacts").at(0).at("wa_id"), "551187654321");
  EXPECT_EQ(body_of(r).at("contacts").at(0).at("input"), "5511987654321");
}

}  // namespace
}  // namespace kirim::whatsapp::sandbox
