// The WhatsApp Cloud API client: the error table, the HTTP client and every CloudApi call against
// a real local HTTP server, and the message builders' exact JSON and limits.
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/metrics.h"
#include "http/server.h"
#include "whatsapp/cloud_api.h"
#include "whatsapp/errors.h"
#include "whatsapp/http_client.h"
#include "whatsapp/messages.h"

namespace kirim::whatsapp {
namespace {

namespace bj = boost::json;
using std::chrono::milliseconds;

// --- The error table -----------------------------------------------------------------------------

struct Row {
  int code;
  ErrorClass cls;
};

// Every code of the reference's table with the class the reference's classification gives it.
const std::vector<Row> kExpectedRows = {
    {0, ErrorClass::stop_auth},
    {1, ErrorClass::retry},
    {2, ErrorClass::retry},
    {3, ErrorClass::stop_auth},
    {4, ErrorClass::throttle},
    {10, ErrorClass::stop_auth},
    {100, ErrorClass::fix_payload},
    {190, ErrorClass::stop_auth},
    {368, ErrorClass::stop_number},
    {80007, ErrorClass::throttle},
    {130429, ErrorClass::throttle},
    {130472, ErrorClass::drop_recipient},
    {130497, ErrorClass::drop_recipient},
    {131000, ErrorClass::retry},
    {131005, ErrorClass::stop_auth},
    {131008, ErrorClass::fix_payload},
    {131009, ErrorClass::fix_payload},
    {131016, ErrorClass::retry},
    {131021, ErrorClass::drop_recipient},
    {131026, ErrorClass::drop_recipient},
    {131031, ErrorClass::stop_number},
    {131037, ErrorClass::stop_number},
    {131042, ErrorClass::billing},
    {131045, ErrorClass::stop_number},
    {131047, ErrorClass::window_closed},
    {131048, ErrorClass::stop_number},
    {131049, ErrorClass::drop_recipient},
    {131050, ErrorClass::drop_recipient},
    {131051, ErrorClass::fix_payload},
    {131052, ErrorClass::drop_recipient},
    {131053, ErrorClass::fix_payload},
    {131056, ErrorClass::throttle_recipient},
    {131057, ErrorClass::retry},
    {131064, ErrorClass::fix_template},
    {132000, ErrorClass::fix_template},
    {132001, ErrorClass::fix_template},
    {132005, ErrorClass::fix_template},
    {132007, ErrorClass::fix_template},
    {132008, ErrorClass::fix_template},
    {132012, ErrorClass::fix_template},
    {132015, ErrorClass::fix_template},
    {132016, ErrorClass::fix_template},
    {132068, ErrorClass::fix_template},
    {132069, ErrorClass::fix_template},
    {133004, ErrorClass::retry},
    {133010, ErrorClass::stop_number},
    {135000, ErrorClass::fix_payload},
};

TEST(ErrorTable, EveryListedCodeHasItsClassTitleAndAction) {
  for (const auto& row : kExpectedRows) {
    SCOPED_TRACE(row.code);
    const auto info = lookup_error(row.code);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->code, row.code);
    EXPECT_EQ(info->cls, row.cls);
    EXPECT_FALSE(info->title.empty());
    EXPECT_FALSE(info->action.empty());
    // The table wins over the HTTP status, whatever it is (0: from a status webhook). Code 0
    // without a response is no code at all.
    for (int status : {0, 200, 400, 401, 403, 404, 429, 500, 503}) {
      if (row.code == 0 && status == 0) continue;
      EXPECT_EQ(classify_error(row.code, status), row.cls) << "status " << status;
    }
  }
}

TEST(ErrorTable, PermissionCodes200To299StopAuth) {
  for (int code : {200, 201, 250, 294, 299}) {
    SCOPED_TRACE(code);
    ASSERT_TRUE(lookup_error(code).has_value());
    EXPECT_EQ(lookup_error(code)->code, code);
    EXPECT_EQ(classify_error(code, 403), ErrorClass::stop_auth);
  }
  EXPECT_FALSE(lookup_error(199).has_value());
  EXPECT_FALSE(lookup_error(300).has_value());
}

TEST(ErrorTable, Unlisted132xxxCodesAreTemplateErrors) {
  for (int code : {132002, 132100, 132999}) {
    SCOPED_TRACE(code);
    ASSERT_TRUE(lookup_error(code).has_value());
    EXPECT_EQ(classify_error(code, 400), ErrorClass::fix_template);
    EXPECT_EQ(classify_error(code, 500), ErrorClass::fix_template);
  }
  EXPECT_FALSE(lookup_error(133000).has_value());
}

TEST(ErrorTable, UnknownCodesFallBackOnTheHttpStatus) {
  constexpr int kUnknown = 987654;
  EXPECT_FALSE(lookup_error(kUnknown).has_value());
  EXPECT_EQ(classify_error(kUnknown, 500), ErrorClass::retry);
  EXPECT_EQ(classify_error(kUnknown, 502), ErrorClass::retry);
  EXPECT_EQ(classify_error(kUnknown, 503), ErrorClass::retry);
  EXPECT_EQ(classify_error(kUnknown, 429), ErrorClass::throttle);
  EXPECT_EQ(classify_error(kUnknown, 400), ErrorClass::fix_payload);
  EXPECT_EQ(classify_error(kUnknown, 404), ErrorClass::fix_payload);
  EXPECT_EQ(classify_error(kUnknown, 0), ErrorClass::retry);
  EXPECT_EQ(classify_status(0), ErrorClass::retry);
  EXPECT_EQ(classify_status(504), ErrorClass::retry);
  EXPECT_EQ(classify_status(429), ErrorClass::throttle);
  EXPECT_EQ(classify_status(422), ErrorClass::fix_payload);
}

TEST(ErrorTable, CodeZeroIsAuthOnlyWithAResponse) {
  EXPECT_EQ(classify_error(0, 401), ErrorClass::stop_auth);
  EXPECT_EQ(classify_error(0, 0), ErrorClass::retry);
}

TEST(ErrorTable, OnlyRetryAndThrottleClassesAreRetryable) {
  const std::map<ErrorClass, bool> expected = {
      {ErrorClass::retry, true},
      {ErrorClass::throttle, true},
      {ErrorClass::throttle_recipient, true},
      {ErrorClass::stop_number, false},
      {ErrorClass::stop_auth, false},
      {ErrorClass::drop_recipient, false},
      {ErrorClass::fix_template, false},
      {ErrorClass::fix_payload, false},
      {ErrorClass::billing, false},
      {ErrorClass::window_closed, false},
  };
  std::set<std::string_view> names;
  for (const auto& [cls, retry] : expected) {
    EXPECT_EQ(retryable(cls), retry) << error_class_name(cls);
    names.insert(error_class_name(cls));
  }
  EXPECT_EQ(names.size(), expected.size());
  EXPECT_EQ(error_class_name(ErrorClass::throttle_recipient), "throttle_recipient");
}

// --- graph_error on responses made by hand ------------------------------------------------------

HttpResponse response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(GraphError, ReadsMetasEnvelope) {
  const auto e = graph_error(response(
      400,
      R"({"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit",)"
      R"("type":"OAuthException","code":131056,"error_data":{"messaging_product":"whatsapp",)"
      R"("details":"Message failed to send because there were too many messages"},)"
      R"("error_subcode":2494055,"fbtrace_id":"AbCdEf"}})"));
  EXPECT_EQ(e.code, 131056);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.cls, ErrorClass::throttle_recipient);
  EXPECT_EQ(e.transport, Transport::ok);
  EXPECT_EQ(e.message, "(#131056) (Business Account, Consumer Account) pair rate limit hit");
  EXPECT_EQ(e.title, "Message failed to send because there were too many messages");
  EXPECT_EQ(e.fbtrace_id, "AbCdEf");
  EXPECT_FALSE(e.outcome_unknown);
}

TEST(GraphError, UsesTheUserTitleWhenThereAreNoDetails) {
  const auto e = graph_error(response(
      401,
      R"({"error":{"code":190,"error_user_title":"Token expired","error_user_msg":"Log in"}})"));
  EXPECT_EQ(e.cls, ErrorClass::stop_auth);
  EXPECT_EQ(e.title, "Token expired");
  EXPECT_EQ(e.message, "HTTP 401");
  const auto m = graph_error(response(400, R"({"error":{"code":100,"error_user_msg":"Fix it"}})"));
  EXPECT_EQ(m.title, "Fix it");
}

TEST(GraphError, ToleratesMissingFieldsAndOddTypes) {
  const auto empty = graph_error(response(400, R"({"error":{}})"));
  EXPECT_EQ(empty.code, 0);
  EXPECT_EQ(empty.cls, ErrorClass::fix_payload);
  EXPECT_EQ(empty.message, "HTTP 400");
  EXPECT_FALSE(empty.outcome_unknown);

  const auto string_code = graph_error(response(400, R"({"error":{"code":"131047"}})"));
  EXPECT_EQ(string_code.code, 131047);
  EXPECT_EQ(string_code.cls, ErrorClass::window_closed);

  const auto html = graph_error(response(502, "<html>Bad gateway</html>"));
  EXPECT_EQ(html.code, 0);
  EXPECT_EQ(html.cls, ErrorClass::retry);

  const auto text_error = graph_error(response(429, R"({"error":"slow down"})"));
  EXPECT_EQ(text_error.cls, ErrorClass::throttle);
  EXPECT_EQ(text_error.message, "slow down");

  HttpResponse with_header = response(500, R"({"error":{"code":131000}})");
  with_header.headers.emplace_back("x-fb-trace-id", "FromHeader");
  EXPECT_EQ(graph_error(with_header).fbtrace_id, "FromHeader");
  EXPECT_EQ(graph_error(with_header).cls, ErrorClass::retry);
}

TEST(GraphError, TransientUnknownCodesRetry) {
  EXPECT_EQ(graph_error(response(400, R"({"error":{"code":777001,"is_transient":true}})")).cls,
            ErrorClass::retry);
  EXPECT_EQ(graph_error(response(400, R"({"error":{"code":777001}})")).cls,
            ErrorClass::fix_payload);
  // The table still wins for listed codes.
  EXPECT_EQ(graph_error(response(400, R"({"error":{"code":131026,"is_transient":true}})")).cls,
            ErrorClass::drop_recipient);
}

TEST(GraphError, OnlyAConnectionNeverMadeHasAKnownOutcome) {
  for (const auto& [transport, unknown] :
       std::vector<std::pair<Transport, bool>>{{Transport::connect_failed, false},
                                               {Transport::timeout, true},
                                               {Transport::failed, true},
                                               {Transport::cancelled, true}}) {
    HttpResponse r;
    r.transport = transport;
    r.error = "boom";
    const auto e = graph_error(r);
    EXPECT_EQ(e.transport, transport);
    EXPECT_EQ(e.outcome_unknown, unknown);
    EXPECT_EQ(e.cls, ErrorClass::retry);
    EXPECT_EQ(e.http_status, 0);
    EXPECT_EQ(e.message, "boom");
  }
}

// --- A local stand-in for Graph
// --------------------------------------------------------------------

// What the fake Graph saw of one request.
struct Seen {
  std::string method, path, target, body;
  http::HeaderList headers;
  std::vector<std::pair<std::string, std::string>> query;

  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
  [[nodiscard]] std::string param(std::string_view name) const {
    for (const auto& [k, v] : query)
      if (k == name) return v;
    return {};
  }
  [[nodiscard]] bj::value json() const { return bj::parse(body); }
};

// A real HTTP server on 127.0.0.1:0. Routes under /v23.0/ answer at once with what the test's
// responder says; the same routes under /hold/v23.0/ are held until release() (or the end).
class FakeGraph {
 public:
  using Responder = std::function<http::Response(const http::Request&)>;

  FakeGraph() {
    for (const char* method : {"GET", "POST", "DELETE"}) {
      for (const char* pattern : {"/v23.0/{a}", "/v23.0/{a}/{b}", "/files/{a}"}) {
        router_.add({method, pattern, http::Mode::inline_,
                     [this](http::Request& req) { return answer(req); }});
      }
      router_.add({method,
                   "/hold/v23.0/{a}/{b}",
                   http::Mode::deferred,
                   {},
                   {},
                   [this](http::Request& req, http::Reply reply) { hold(req, std::move(reply)); }});
    }
    http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.io_threads = 2;
    o.blocking_threads = 1;
    o.body_limit = 4 * 1024 * 1024;
    o.access_log = false;
    o.shutdown_timeout = std::chrono::seconds(5);
    server_ = std::make_unique<http::Server>(o, router_, metrics_);
    const auto started = server_->start();
    EXPECT_TRUE(started.ok());
  }

  ~FakeGraph() {
    release();
    server_->shutdown();
  }

  [[nodiscard]] std::string origin() const {
    return "http://127.0.0.1:" + std::to_string(server_->port());
  }
  [[nodiscard]] std::string base_url() const { return origin() + "/v23.0"; }
  [[nodiscard]] std::string hold_url() const { return origin() + "/hold/v23.0"; }
  [[nodiscard]] std::size_t open_connections() const { return server_->open_connections(); }

  void respond(Responder r) {
    std::lock_guard lock(mu_);
    responder_ = std::move(r);
  }
  // Answers with this JSON and status from now on.
  void respond_json(int status, std::string body) {
    respond([status, body](const http::Request&) { return http::Response::json(status, body); });
  }

  [[nodiscard]] std::vector<Seen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  [[nodiscard]] Seen last() const {
    std::lock_guard lock(mu_);
    return seen_.empty() ? Seen{} : seen_.back();
  }

  // Waits (bounded) until n requests are held.
  [[nodiscard]] bool wait_held(std::size_t n,
                               std::chrono::seconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return held_.size() >= n; });
  }
  // Answers every held request with the responder.
  void release() {
    std::vector<std::pair<http::Request*, http::Reply>> held;
    Responder responder;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
      responder = responder_;
    }
    for (auto& [req, reply] : held)
      reply(responder ? responder(*req) : http::Response::json(200, "{}"));
  }

 private:
  void record(const http::Request& req) {
    seen_.push_back(Seen{req.method, req.path, req.target, req.body, req.headers, req.query});
  }
  http::Response answer(http::Request& req) {
    Responder responder;
    {
      std::lock_guard lock(mu_);
      record(req);
      responder = responder_;
    }
    return responder ? responder(req) : http::Response::json(200, "{}");
  }
  void hold(http::Request& req, http::Reply reply) {
    {
      std::lock_guard lock(mu_);
      record(req);
      held_.emplace_back(&req, std::move(reply));
    }
    cv_.notify_all();
  }

  http::Router router_;
  metrics::Registry metrics_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Responder responder_;                                       // guarded by mu_
  std::vector<Seen> seen_;                                    // guarded by mu_
  std::vector<std::pair<http::Request*, http::Reply>> held_;  // guarded by mu_
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A listener whose accept queue is full: Linux drops further SYNs, so connecting hangs.
class FullListener {
 public:
  FullListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 0), 0);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    for (int i = 0; i < 3; ++i) {
      const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      (void)::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      fillers_.push_back(c);
    }
  }
  ~FullListener() {
    for (int c : fillers_)
      ::close(c);
    ::close(fd_);
  }
  FullListener(const FullListener&) = delete;
  FullListener& operator=(const FullListener&) = delete;
  [[nodiscard]] int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

const std::string kAcceptedBody =
    R"({"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],)"
    R"("messages":[{"id":"wamid.HBgL123","message_status":"accepted"}]})";

class CloudApiTest : public ::testing::Test {
 protected:
  Credentials creds() const { return Credentials{graph_.base_url(), "tok-123"}; }

  static void expect_graph_headers(const Seen& s) {
    EXPECT_EQ(s.header("authorization"), "Bearer tok-123");
    EXPECT_EQ(s.header("user-agent"), "kirim");
  }

  FakeGraph graph_;
  HttpClient http_;
  CloudApi api_{http_};
};

// --- HttpClient
// ------------------------------------------------------------------------------------

TEST_F(CloudApiTest, HttpClientReturnsStatusBodyAndLowerCaseHeaders) {
  graph_.respond([](const http::Request& req) {
    auto r = http::Response::json(201, R"({"echo":")" + req.body + R"("})");
    r.set_header("X-Fb-Trace-Id", "Trace1");
    return r;
  });
  HttpRequest req;
  req.method = "POST";
  req.url = graph_.base_url() + "/abc/things";
  req.headers = {{"Content-Type", "text/plain"}, {"X-Custom", "yes"}};
  req.body = "hello";
  const auto r = http_.fetch(req);
  EXPECT_EQ(r.transport, Transport::ok);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"echo":"hello"})");
  EXPECT_EQ(r.header("x-fb-trace-id"), "Trace1");
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto s = graph_.last();
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.path, "/v23.0/abc/things");
  EXPECT_EQ(s.header("x-custom"), "yes");
  EXPECT_EQ(s.header("expect"), "");
  EXPECT_EQ(http_.in_flight(), 0u);
}

TEST_F(CloudApiTest, HttpClientReusesItsConnection) {
  for (int i = 0; i < 5; ++i) {
    HttpRequest req;
    req.url = graph_.base_url() + "/x";
    EXPECT_EQ(http_.fetch(req).status, 200);
  }
  EXPECT_EQ(graph_.seen().size(), 5u);
  EXPECT_EQ(graph_.open_connections(), 1u);
}

TEST_F(CloudApiTest, RefusedConnectionIsConnectFailedWithAKnownOutcome) {
  HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v23.0/1/messages";
  const auto r = http_.fetch(req);
  EXPECT_EQ(r.transport, Transport::connect_failed);
  EXPECT_TRUE(r.never_sent());
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());

  Credentials c{"http://127.0.0.1:" + std::to_string(closed_port()) + "/v23.0", "tok"};
  const auto sent = api_.send_message(c, "1", bj::object{{"to", "1"}});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error.transport, Transport::connect_failed);
  EXPECT_EQ(sent.error.cls, ErrorClass::retry);
  EXPECT_FALSE(sent.error.outcome_unknown);
}

TEST_F(CloudApiTest, OnlyHttpAndHttpsUrlsAreFetched) {
  // A media URL comes from a response; it must never make the client read a local file.
  const auto path = std::filesystem::temp_directory_path() / "kirim-client-secret.txt";
  { std::ofstream(path) << "do not read me"; }
  HttpRequest req;
  req.url = "file://" + path.string();
  const auto r = http_.fetch(req);
  EXPECT_NE(r.transport, Transport::ok);
  EXPECT_EQ(r.body.find("do not read me"), std::string::npos);
  std::filesystem::remove(path);
}

TEST_F(CloudApiTest, DeadlinePassedWhileConnectingIsConnectFailed) {
  FullListener listener;
  HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/v23.0/1/messages";
  req.body = "{}";
  req.timeout = milliseconds(300);
  const auto r = http_.fetch(req);
  EXPECT_EQ(r.transport, Transport::connect_failed) << r.error;
  EXPECT_FALSE(graph_error(r).outcome_unknown);
}

TEST_F(CloudApiTest, ReplyPastTheDeadlineIsATimeoutWithAnUnknownOutcome) {
  HttpRequest req;
  req.method = "POST";
  req.url = graph_.hold_url() + "/1/messages";
  req.body = "{}";
  req.timeout = milliseconds(300);
  const auto r = http_.fetch(req);
  EXPECT_EQ(r.transport, Transport::timeout);
  EXPECT_FALSE(r.never_sent());
  EXPECT_TRUE(graph_.wait_held(1));  // the server did get it
  const auto e = graph_error(r);
  EXPECT_TRUE(e.outcome_unknown);
  EXPECT_EQ(e.cls, ErrorClass::retry);
  EXPECT_EQ(e.transport, Transport::timeout);
}

TEST_F(CloudApiTest, TwoHundredRequestsInFlightAtOnce) {
  constexpr int kRequests = 200;
  HttpClientOptions options;
  options.max_connections_per_host = kRequests;
  options.max_total_connections = kRequests;
  // Declared before the client: its destruction may still complete requests into them.
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, GraphResult<SendAccepted>> results;
  HttpClient http(options);
  CloudApi api(http);
  // Each answer names its recipient, so that a mix-up shows.
  graph_.respond([](const http::Request& req) {
    const auto to = bj::parse(req.body).as_object().at("to").as_string();
    return http::Response::json(
        200, R"({"contacts":[{"input":")" + std::string(to) + R"(","wa_id":")" + std::string(to) +
                 R"("}],"messages":[{"id":"wamid.)" + std::string(to) + R"("}]})");
  });

  const Credentials c{graph_.hold_url(), "tok"};
  for (int i = 0; i < kRequests; ++i) {
    const std::string to = std::to_string(6281200000 + i);
    api.send_message(c, "pn1", bj::object{{"to", to}, {"type", "text"}},
                     [&, to](GraphResult<SendAccepted> r) {
                       std::lock_guard lock(mu);
                       results.emplace(to, std::move(r));
                       cv.notify_all();
                     });
  }
  // Every request reached the server before any was answered.
  ASSERT_TRUE(graph_.wait_held(kRequests)) << graph_.seen().size() << " arrived";
  EXPECT_EQ(http.in_flight(), static_cast<std::size_t>(kRequests));
  graph_.release();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30),
                            [&] { return results.size() == static_cast<std::size_t>(kRequests); }));
  }
  for (const auto& [to, r] : results) {
    ASSERT_TRUE(r.ok()) << to << ": " << r.error.message;
    EXPECT_EQ(r.value->wamid, "wamid." + to);
    EXPECT_EQ(r.value->wa_id, to);
  }
  EXPECT_EQ(http.in_flight(), 0u);
}

TEST_F(CloudApiTest, DestroyingTheClientCancelsWhatIsInFlight) {
  constexpr int kRequests = 5;
  std::mutex mu;
  std::vector<HttpResponse> done;
  auto http = std::make_unique<HttpClient>();
  for (int i = 0; i < kRequests; ++i) {
    HttpRequest req;
    req.method = "POST";
    req.url = graph_.hold_url() + "/1/messages";
    req.body = "{}";
    http->start(std::move(req), [&](HttpResponse r) {
      std::lock_guard lock(mu);
      done.push_back(std::move(r));
    });
  }
  ASSERT_TRUE(graph_.wait_held(kRequests));
  EXPECT_EQ(http->in_flight(), static_cast<std::size_t>(kRequests));
  http.reset();
  std::lock_guard lock(mu);
  ASSERT_EQ(done.size(), static_cast<std::size_t>(kRequests));
  for (const auto& r : done) {
    EXPECT_EQ(r.transport, Transport::cancelled);
    EXPECT_TRUE(graph_error(r).outcome_unknown);
  }
}

TEST_F(CloudApiTest, RequestsStartedFromACallbackDuringShutdownAreCancelledToo) {
  std::promise<Transport> second;
  auto http = std::make_unique<HttpClient>();
  HttpRequest req;
  req.url = graph_.hold_url() + "/1/x";
  HttpClient* client = http.get();
  http->start(req, [&, client, req](HttpResponse) {
    client->start(req, [&](HttpResponse r) { second.set_value(r.transport); });
  });
  ASSERT_TRUE(graph_.wait_held(1));
  http.reset();
  auto f = second.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(f.get(), Transport::cancelled);
}

// --- CloudApi: messages
// ----------------------------------------------------------------------------

TEST_F(CloudApiTest, SendMessagePostsTheBodyAndParsesTheAcceptance) {
  graph_.respond_json(200, kAcceptedBody);
  auto body = build_message({.to = "+16505551234"}, Text{.body = "Hi Ana"});
  ASSERT_TRUE(body.ok());
  bj::object without_product = *body;
  without_product.erase("messaging_product");
  const auto r = api_.send_message(creds(), "106540352242922", without_product);
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(r.value->wamid, "wamid.HBgL123");
  EXPECT_EQ(r.value->wa_id, "16505551234");
  EXPECT_EQ(r.value->input, "+16505551234");
  EXPECT_EQ(r.value->message_status, "accepted");

  const auto s = graph_.last();
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.target, "/v23.0/106540352242922/messages");
  expect_graph_headers(s);
  EXPECT_EQ(s.header("content-type"), "application/json");
  // messaging_product is added when absent; the rest goes as built.
  EXPECT_EQ(s.json(), bj::value(*body)) << s.body;
}

TEST_F(CloudApiTest, SendMessageAsynchronouslyCallsBackOnce) {
  graph_.respond_json(200, kAcceptedBody);
  std::promise<GraphResult<SendAccepted>> p;
  api_.send_message(creds(), "pn1", bj::object{{"to", "1"}},
                    [&](GraphResult<SendAccepted> r) { p.set_value(std::move(r)); });
  const auto r = p.get_future().get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value->wamid, "wamid.HBgL123");
  EXPECT_EQ(graph_.last().json().as_object().at("messaging_product"), "whatsapp");
}

TEST_F(CloudApiTest, AcceptanceWithoutAMessageIdIsAnUnknownOutcome) {
  graph_.respond_json(200, R"({"messaging_product":"whatsapp","contacts":[]})");
  const auto r = api_.send_message(creds(), "pn1", bj::object{{"to", "1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.code, 0);
  EXPECT_EQ(r.error.http_status, 200);
  EXPECT_EQ(r.error.cls, ErrorClass::retry);
  EXPECT_TRUE(r.error.outcome_unknown);
  EXPECT_NE(r.error.message.find("messages[0].id"), std::string::npos);

  graph_.respond_json(200, "not json");
  const auto garbled = api_.send_message(creds(), "pn1", bj::object{{"to", "1"}});
  ASSERT_FALSE(garbled.ok());
  EXPECT_TRUE(garbled.error.outcome_unknown);
}

TEST_F(CloudApiTest, ErrorEnvelopesAreClassified) {
  struct Case {
    int status;
    int code;
    ErrorClass cls;
  };
  for (const auto& c : std::vector<Case>{{400, 131056, ErrorClass::throttle_recipient},
                                         {401, 190, ErrorClass::stop_auth},
                                         {500, 131000, ErrorClass::retry},
                                         {404, 132001, ErrorClass::fix_template},
                                         {400, 131047, ErrorClass::window_closed},
                                         {400, 130429, ErrorClass::throttle},
                                         {400, 131026, ErrorClass::drop_recipient},
                                         {400, 131042, ErrorClass::billing},
                                         {403, 368, ErrorClass::stop_number},
                                         {400, 100, ErrorClass::fix_payload}}) {
    SCOPED_TRACE(c.code);
    graph_.respond_json(c.status, R"({"error":{"message":"(#)" + std::to_string(c.code) +
                                      R"() nope","type":"OAuthException","code":)" +
                                      std::to_string(c.code) + R"(,"fbtrace_id":"T1"}})");
    const auto r = api_.send_message(creds(), "pn1", bj::object{{"to", "1"}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.code, c.code);
    EXPECT_EQ(r.error.http_status, c.status);
    EXPECT_EQ(r.error.cls, c.cls);
    EXPECT_EQ(r.error.transport, Transport::ok);
    EXPECT_EQ(r.error.fbtrace_id, "T1");
    EXPECT_FALSE(r.error.outcome_unknown);
  }
}

TEST_F(CloudApiTest, MarkReadWithAndWithoutTypingIndicator) {
  graph_.respond_json(200, R"({"success":true})");
  const auto plain = api_.mark_read(creds(), "pn1", "wamid.IN1");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(*plain.value);
  auto s = graph_.last();
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.target, "/v23.0/pn1/messages");
  expect_graph_headers(s);
  EXPECT_EQ(s.json(), bj::parse(R"({"messaging_product":"whatsapp","status":"read",)"
                                R"("message_id":"wamid.IN1"})"));

  const auto typing = api_.mark_read(creds(), "pn1", "wamid.IN2", true);
  ASSERT_TRUE(typing.ok());
  EXPECT_EQ(graph_.last().json(),
            bj::parse(R"({"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN2",)"
                      R"("typing_indicator":{"type":"text"}})"));

  graph_.respond_json(200, R"({"success":false})");
  EXPECT_FALSE(api_.mark_read(creds(), "pn1", "wamid.IN3").ok());
}

TEST_F(CloudApiTest, BaseUrlWithATrailingSlashJoinsWithOneSlash) {
  graph_.respond_json(200, R"({"success":true})");
  Credentials c = creds();
  c.base_url += "/";
  ASSERT_TRUE(api_.mark_read(c, "pn1", "wamid.1").ok());
  EXPECT_EQ(graph_.last().target, "/v23.0/pn1/messages");
}

// --- CloudApi: media
// -------------------------------------------------------------------------------

// The parts of a multipart/form-data body: name -> (headers block, content).
std::map<std::string, std::pair<std::string, std::string>> multipart_parts(
    const std::string& content_type, const std::string& body) {
  std::map<std::string, std::pair<std::string, std::string>> parts;
  const auto b = content_type.find("boundary=");
  if (b == std::string::npos) return parts;
  const std::string delimiter = "--" + content_type.substr(b + 9);
  std::size_t pos = body.find(delimiter);
  while (pos != std::string::npos) {
    const std::size_t start = pos + delimiter.size();
    if (body.compare(start, 2, "--") == 0) break;
    const std::size_t next = body.find("\r\n" + delimiter, start);
    if (next == std::string::npos) break;
    const std::string part = body.substr(start + 2, next - start - 2);  // after the CRLF
    const auto split = part.find("\r\n\r\n");
    const std::string headers = part.substr(0, split);
    const std::string content = part.substr(split + 4);
    const auto n = headers.find("name=\"");
    const auto name = headers.substr(n + 6, headers.find('"', n + 6) - n - 6);
    parts[name] = {headers, content};
    pos = next + 2;
  }
  return parts;
}

TEST_F(CloudApiTest, UploadMediaSendsTheThreeParts) {
  graph_.respond_json(200, R"({"id":"1037543291543636"})");
  const std::string bytes("\x89PNG\r\n\x1a\n\0\x01binary", 16);
  const auto r = api_.upload_media(creds(), "pn1", "image/png", "photo.png", bytes);
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(*r.value, "1037543291543636");

  const auto s = graph_.last();
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.target, "/v23.0/pn1/media");
  expect_graph_headers(s);
  const auto content_type = s.header("content-type");
  EXPECT_TRUE(content_type.starts_with("multipart/form-data; boundary=")) << content_type;
  const auto parts = multipart_parts(content_type, s.body);
  ASSERT_EQ(parts.size(), 3u) << s.body;
  EXPECT_EQ(parts.at("messaging_product").second, "whatsapp");
  EXPECT_EQ(parts.at("type").second, "image/png");
  EXPECT_EQ(parts.at("file").second, bytes);
  EXPECT_NE(parts.at("file").first.find("filename=\"photo.png\""), std::string::npos);
  EXPECT_NE(parts.at("file").first.find("Content-Type: image/png"), std::string::npos);
}

TEST_F(CloudApiTest, GetDownloadAndDeleteMedia) {
  graph_.respond([this](const http::Request& req) {
    if (req.path == "/files/abc") {
      std::string bytes("\0\x01\x02media", 8);
      return http::Response::text(200, bytes, "image/jpeg");
    }
    if (req.method == "DELETE") return http::Response::json(200, R"({"success":true})");
    return http::Response::json(
        200, R"({"messaging_product":"whatsapp","url":")" + graph_.origin() +
                 R"(/files/abc","mime_type":"image/jpeg","sha256":"e3b0c4","file_size":"303833",)"
                 R"("id":"MID1"})");
  });
  const auto info = api_.get_media(creds(), "MID1");
  ASSERT_TRUE(info.ok()) << info.error.message;
  EXPECT_EQ(info.value->id, "MID1");
  EXPECT_EQ(info.value->url, graph_.origin() + "/files/abc");
  EXPECT_EQ(info.value->mime_type, "image/jpeg");
  EXPECT_EQ(info.value->sha256, "e3b0c4");
  EXPECT_EQ(info.value->file_size, 303833);
  EXPECT_EQ(graph_.last().method, "GET");
  EXPECT_EQ(graph_.last().target, "/v23.0/MID1");
  expect_graph_headers(graph_.last());

  const auto bytes = api_.download_media(creds(), info.value->url);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes.value, std::string("\0\x01\x02media", 8));
  EXPECT_EQ(graph_.last().target, "/files/abc");
  expect_graph_headers(graph_.last());

  const auto deleted = api_.delete_media(creds(), "MID1");
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(graph_.last().method, "DELETE");
  EXPECT_EQ(graph_.last().target, "/v23.0/MID1");
}

TEST_F(CloudApiTest, DownloadErrorIsAGraphError) {
  graph_.respond_json(404, R"({"error":{"code":131053,"message":"gone"}})");
  const auto r = api_.download_media(creds(), graph_.origin() + "/files/missing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.code, 131053);
  EXPECT_EQ(r.error.cls, ErrorClass::fix_payload);
}

// --- CloudApi: phone numbers
// -----------------------------------------------------------------------

constexpr const char* kPhoneFields =
    "id,display_phone_number,verified_name,quality_rating,messaging_limit_tier,"
    "whatsapp_business_manager_messaging_limit,throughput,status";

TEST_F(CloudApiTest, ListPhoneNumbersParsesLeniently) {
  graph_.respond_json(200, R"({"data":[
      {"id":"111","display_phone_number":"+1 555-0100","verified_name":"Shop","quality_rating":"GREEN",
       "whatsapp_business_manager_messaging_limit":"TIER_10K","messaging_limit_tier":"TIER_1K",
       "throughput":{"level":"HIGH"},"status":"CONNECTED","new_field":[1,2]},
      {"id":"222","messaging_limit_tier":"TIER_250","throughput":{"level":"STANDARD"}},
      {"id":"333","throughput":{"level":"NOT_APPLICABLE"},
       "whatsapp_business_manager_messaging_limit":{"current_limit":"TIER_2K"}},
      {"id":444}
    ],"paging":{"cursors":{"before":"b","after":"a"}}})");
  const auto r = api_.list_phone_numbers(creds(), "WABA1");
  ASSERT_TRUE(r.ok()) << r.error.message;
  ASSERT_EQ(r.value->size(), 4u);
  const auto& a = (*r.value)[0];
  EXPECT_EQ(a.id, "111");
  EXPECT_EQ(a.display_phone_number, "+1 555-0100");
  EXPECT_EQ(a.verified_name, "Shop");
  EXPECT_EQ(a.quality_rating, "GREEN");
  EXPECT_EQ(a.messaging_limit_tier, "TIER_10K");  // the portfolio's limit wins
  EXPECT_EQ(a.throughput_mps, 1000);
  EXPECT_EQ(a.status, "CONNECTED");
  EXPECT_EQ((*r.value)[1].messaging_limit_tier, "TIER_250");
  EXPECT_EQ((*r.value)[1].throughput_mps, 80);
  EXPECT_EQ((*r.value)[2].messaging_limit_tier, "TIER_2K");
  EXPECT_EQ((*r.value)[2].throughput_mps, 80);
  EXPECT_EQ((*r.value)[3].id, "444");
  EXPECT_EQ((*r.value)[3].throughput_mps, 80);

  ASSERT_EQ(graph_.seen().size(), 1u);  // a short page with no next link is the last
  const auto s = graph_.last();
  EXPECT_EQ(s.method, "GET");
  EXPECT_EQ(s.path, "/v23.0/WABA1/phone_numbers");
  EXPECT_EQ(s.param("fields"), kPhoneFields);
  expect_graph_headers(s);
}

TEST_F(CloudApiTest, GetPhoneNumber) {
  graph_.respond_json(200, R"({"id":"111","display_phone_number":"+1 555-0100",)"
                           R"("quality_rating":"YELLOW","throughput":{"level":"HIGH"}})");
  const auto r = api_.get_phone_number(creds(), "111");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value->quality_rating, "YELLOW");
  EXPECT_EQ(r.value->throughput_mps, 1000);
  const auto s = graph_.last();
  EXPECT_EQ(s.method, "GET");
  EXPECT_EQ(s.path, "/v23.0/111");
  EXPECT_EQ(s.param("fields"), kPhoneFields);
}

// --- CloudApi: templates
// ---------------------------------------------------------------------------

std::string template_page(int first, int count, const std::string& paging) {
  bj::array data;
  for (int i = first; i < first + count; ++i) {
    data.push_back(bj::object{{"id", std::to_string(1000 + i)},
                              {"name", "t" + std::to_string(i)},
                              {"language", "en_US"},
                              {"status", "APPROVED"},
                              {"category", "UTILITY"},
                              {"parameter_format", "POSITIONAL"},
                              {"quality_score", bj::object{{"score", "GREEN"}}},
                              {"components", bj::array{bj::object{{"type", "BODY"}}}}});
  }
  return R"({"data":)" + bj::serialize(data) + (paging.empty() ? "" : ",\"paging\":" + paging) +
         "}";
}

TEST_F(CloudApiTest, ListTemplatesFollowsNextLinksToTheEnd) {
  graph_.respond([this](const http::Request& req) {
    const auto after = req.query_param("after").value_or("");
    if (after.empty()) {
      return http::Response::json(
          200,
          template_page(0, 2,
                        R"({"cursors":{"before":"B","after":"P2"},"next":")" + graph_.base_url() +
                            R"(/WABA1/message_templates?after=P2&limit=2"})"));
    }
    if (after == "P2") {
      return http::Response::json(
          200, template_page(2, 2,
                             R"({"cursors":{"after":"P3"},"next":")" + graph_.base_url() +
                                 R"(/WABA1/message_templates?after=P3&limit=2"})"));
    }
    return http::Response::json(200, template_page(4, 1, R"({"cursors":{"after":"P4"}})"));
  });
  const auto r = api_.list_templates(creds(), "WABA1");
  ASSERT_TRUE(r.ok()) << r.error.message;
  ASSERT_EQ(r.value->size(), 5u);
  EXPECT_EQ((*r.value)[0].id, "1000");
  EXPECT_EQ((*r.value)[0].name, "t0");
  EXPECT_EQ((*r.value)[0].language, "en_US");
  EXPECT_EQ((*r.value)[0].status, "APPROVED");
  EXPECT_EQ((*r.value)[0].category, "UTILITY");
  EXPECT_EQ((*r.value)[0].quality, "GREEN");
  EXPECT_EQ((*r.value)[0].parameter_format, "POSITIONAL");
  EXPECT_TRUE((*r.value)[0].components.is_array());
  EXPECT_EQ((*r.value)[4].name, "t4");

  const auto seen = graph_.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].path, "/v23.0/WABA1/message_templates");
  EXPECT_EQ(seen[0].param("limit"), std::to_string(kListPageSize));
  EXPECT_NE(seen[0].param("fields").find("components"), std::string::npos);
  EXPECT_EQ(seen[1].param("after"), "P2");
  EXPECT_EQ(seen[2].param("after"), "P3");
  for (const auto& s : seen)
    expect_graph_headers(s);
}

TEST_F(CloudApiTest, ListTemplatesFollowsCursorsWhilePagesAreFull) {
  graph_.respond([](const http::Request& req) {
    const auto after = req.query_param("after").value_or("");
    if (after.empty())
      return http::Response::json(200,
                                  template_page(0, kListPageSize, R"({"cursors":{"after":"A1"}})"));
    return http::Response::json(200,
                                template_page(kListPageSize, 3, R"({"cursors":{"after":"A2"}})"));
  });
  const auto r = api_.list_templates(creds(), "WABA1");
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(r.value->size(), static_cast<std::size_t>(kListPageSize + 3));
  const auto seen = graph_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].path, "/v23.0/WABA1/message_templates");
  EXPECT_EQ(seen[1].param("after"), "A1");
  EXPECT_EQ(seen[1].param("fields"), seen[0].param("fields"));
}

TEST_F(CloudApiTest, ListTemplatesNeverFollowsALinkToAnotherHost) {
  graph_.respond([](const http::Request& req) {
    if (req.query_param("after").value_or("").empty()) {
      return http::Response::json(
          200,
          template_page(
              0, 1, R"({"cursors":{"after":"X1"},"next":"http://elsewhere.invalid/x?after=X1"})"));
    }
    return http::Response::json(200, template_page(1, 1, ""));
  });
  const auto r = api_.list_templates(creds(), "WABA1");
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(r.value->size(), 2u);
  const auto seen = graph_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].param("after"), "X1");
}

TEST_F(CloudApiTest, ListTemplatesStopsAtThePageCap) {
  std::atomic<int> n{0};
  graph_.respond([&](const http::Request&) {
    const auto next = std::to_string(++n);
    return http::Response::json(
        200,
        template_page(0, 1,
                      R"({"cursors":{"after":"C)" + next + R"("},"next":")" + graph_.base_url() +
                          "/WABA1/message_templates?after=C" + next + R"("})"));
  });
  const auto r = api_.list_templates(creds(), "WABA1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(graph_.seen().size(), static_cast<std::size_t>(kMaxListPages));
  EXPECT_FALSE(retryable(r.error.cls));
}

TEST_F(CloudApiTest, ListTemplatesPassesErrorsOn) {
  graph_.respond_json(400, R"({"error":{"code":80007,"message":"rate"}})");
  const auto r = api_.list_templates(creds(), "WABA1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.cls, ErrorClass::throttle);
}

TEST_F(CloudApiTest, CreateAndDeleteTemplate) {
  graph_.respond_json(200, R"({"id":"594425479261596","status":"PENDING","category":"UTILITY"})");
  TemplateDefinition def{.name = "order_update",
                         .language = "en_US",
                         .category = TemplateCategory::utility,
                         .body = "Hi {{1}}, order {{2}} shipped.",
                         .body_examples = {"Ana", "123"}};
  auto body = build_template_definition(def);
  ASSERT_TRUE(body.ok()) << body.error().message;
  const auto r = api_.create_template(creds(), "WABA1", *body);
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(r.value->id, "594425479261596");
  EXPECT_EQ(r.value->status, "PENDING");
  EXPECT_EQ(r.value->category, "UTILITY");
  EXPECT_EQ(r.value->name, "order_update");
  EXPECT_EQ(r.value->language, "en_US");
  auto s = graph_.last();
  EXPECT_EQ(s.method, "POST");
  EXPECT_EQ(s.target, "/v23.0/WABA1/message_templates");
  expect_graph_headers(s);
  EXPECT_EQ(s.header("content-type"), "application/json");
  EXPECT_EQ(s.json(), bj::value(*body));

  graph_.respond_json(200, R"({"success":true})");
  const auto d = api_.delete_template(creds(), "WABA1", "order_update");
  ASSERT_TRUE(d.ok());
  s = graph_.last();
  EXPECT_EQ(s.method, "DELETE");
  EXPECT_EQ(s.path, "/v23.0/WABA1/message_templates");
  EXPECT_EQ(s.param("name"), "order_update");
  expect_graph_headers(s);
}

// --- Message builders
// ------------------------------------------------------------------------------

bj::value built(const Envelope& e, const Message& m) {
  auto r = build_message(e, m);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? bj::value(*r) : bj::value();
}

// The fields a refused message names (its details' keys).
std::set<std::string> refused(const Envelope& e, const Message& m) {
  auto r = build_message(e, m);
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  std::set<std::string> fields;
  for (const auto& [field, reason] : r.error().details) {
    fields.insert(field);
    EXPECT_NE(r.error().message.find(field), std::string::npos);
  }
  return fields;
}

std::set<std::string> refused(const TemplateDefinition& t) {
  auto r = build_template_definition(t);
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  std::set<std::string> fields;
  for (const auto& [field, reason] : r.error().details)
    fields.insert(field);
  return fields;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

using Fields = std::set<std::string>;
const Envelope kTo{.to = "16505551234"};

TEST(Messages, TextWithReplyContextAndCallbackData) {
  EXPECT_EQ(built({.to = "+16505551234", .reply_to = "wamid.IN", .callback_data = "c1:r2"},
                  Text{.body = "Hello *Ana*", .preview_url = true}),
            bj::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual",
                "to":"+16505551234","type":"text","text":{"body":"Hello *Ana*","preview_url":true},
                "context":{"message_id":"wamid.IN"},"biz_opaque_callback_data":"c1:r2"})"));
}

TEST(Messages, TextLimits) {
  EXPECT_TRUE(refused(kTo, Text{repeat("a", kTextBodyMax)}).empty());
  // Characters, not bytes.
  EXPECT_TRUE(refused(kTo, Text{repeat("\xC3\xA9", kTextBodyMax)}).empty());
  EXPECT_EQ(refused(kTo, Text{repeat("a", kTextBodyMax + 1)}), Fields{"text.body"});
  EXPECT_EQ(refused(kTo, Text{""}), Fields{"text.body"});
  EXPECT_EQ(refused(kTo, Text{"\xC3"}), Fields{"text.body"});
  EXPECT_EQ(refused({.to = ""}, Text{"x"}), Fields{"to"});
  EXPECT_EQ(refused({.to = "+1650-555"}, Text{"x"}), Fields{"to"});
  EXPECT_EQ(refused({.to = "1234567890123456"}, Text{"x"}), Fields{"to"});
  EXPECT_TRUE(refused({.to = "123456789012345"}, Text{"x"}).empty());
  EXPECT_TRUE(
      refused({.to = "1", .callback_data = repeat("d", kCallbackDataMax)}, Text{"x"}).empty());
  EXPECT_EQ(refused({.to = "1", .callback_data = repeat("d", kCallbackDataMax + 1)}, Text{"x"}),
            Fields{"biz_opaque_callback_data"});
  EXPECT_EQ(refused({.to = "1", .reply_to = ""}, Text{"x"}), Fields{"context.message_id"});
}

TEST(Messages, MediaByIdOrLink) {
  EXPECT_EQ(built(kTo, Media{.type = MediaType::image, .source = {.id = "MID"}, .caption = "Look"}),
            bj::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual",
                "to":"16505551234","type":"image","image":{"id":"MID","caption":"Look"}})"));
  EXPECT_EQ(
      built(kTo, Media{.type = MediaType::document,
                       .source = {.link = "https://x.example/a.pdf"},
                       .caption = "Invoice",
                       .filename = "a.pdf"})
          .at("document"),
      bj::parse(R"({"link":"https://x.example/a.pdf","caption":"Invoice","filename":"a.pdf"})"));
  for (auto type : {MediaType::video, MediaType::audio, MediaType::sticker}) {
    const auto v = built(kTo, Media{.type = type, .source = {.id = "M"}});
    const std::string name(v.at("type").as_string());
    EXPECT_EQ(v.at(name), bj::parse(R"({"id":"M"})"));
  }
  EXPECT_EQ(built(kTo, Media{.type = MediaType::video, .source = {.id = "M"}}).at("type"), "video");
}

TEST(Messages, MediaLimits) {
  EXPECT_EQ(refused(kTo, Media{.type = MediaType::image, .source = {}}), Fields{"image"});
  EXPECT_EQ(
      refused(kTo, Media{.type = MediaType::image, .source = {.id = "a", .link = "https://b"}}),
      Fields{"image"});
  EXPECT_EQ(refused(kTo, Media{.type = MediaType::image, .source = {.link = "ftp://x"}}),
            Fields{"image.link"});
  EXPECT_EQ(refused(kTo, Media{.type = MediaType::audio, .source = {.id = "a"}, .caption = "x"}),
            Fields{"audio.caption"});
  EXPECT_EQ(refused(kTo, Media{.type = MediaType::sticker, .source = {.id = "a"}, .caption = "x"}),
            Fields{"sticker.caption"});
  EXPECT_EQ(refused(kTo, Media{.type = MediaType::image, .source = {.id = "a"}, .filename = "x"}),
            Fields{"image.filename"});
  EXPECT_TRUE(refused(kTo, Media{.type = MediaType::video,
                                 .source = {.id = "a"},
                                 .caption = repeat("c", kCaptionMax)})
                  .empty());
  EXPECT_EQ(refused(kTo, Media{.type = MediaType::video,
                               .source = {.id = "a"},
                               .caption = repeat("c", kCaptionMax + 1)}),
            Fields{"video.caption"});
}

TEST(Messages, Location) {
  EXPECT_EQ(
      built(kTo,
            Location{
                .latitude = -6.2, .longitude = 106.8, .name = "Toko", .address = "Jl. Sudirman 1"})
          .at("location"),
      bj::parse(R"({"latitude":-6.2,"longitude":106.8,"name":"Toko","address":"Jl. Sudirman 1"})"));
  EXPECT_EQ(built(kTo, Location{.latitude = 1, .longitude = 2}).at("location"),
            bj::parse(R"({"latitude":1.0,"longitude":2.0})"));
  EXPECT_EQ(refused(kTo, Location{.latitude = 90.5, .longitude = 0}), Fields{"location.latitude"});
  EXPECT_EQ(refused(kTo, Location{.latitude = 0, .longitude = -181}), Fields{"location.longitude"});
}

TEST(Messages, ContactCards) {
  Contacts m{.cards = {ContactCard{
                 .name = {.formatted_name = "Ana Lima", .first_name = "Ana", .last_name = "Lima"},
                 .phones = {{.phone = "+62 812 0000", .type = "CELL", .wa_id = "628120000"}},
                 .emails = {{.email = "ana@example.com", .type = "WORK"}},
                 .org = ContactCard::Org{.company = "Kirim", .title = "CTO"},
                 .urls = {{.url = "https://example.com", .type = "WORK"}}}}};
  EXPECT_EQ(built(kTo, m),
            bj::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual",
                "to":"16505551234","type":"contacts","contacts":[{
                  "name":{"formatted_name":"Ana Lima","first_name":"Ana","last_name":"Lima"},
                  "phones":[{"phone":"+62 812 0000","type":"CELL","wa_id":"628120000"}],
                  "emails":[{"email":"ana@example.com","type":"WORK"}],
                  "org":{"company":"Kirim","title":"CTO"},
                  "urls":[{"url":"https://example.com","type":"WORK"}]}]})"));
  EXPECT_EQ(built(kTo, Contacts{.cards = {{.name = {.formatted_name = "Bo"}}}}).at("contacts"),
            bj::parse(R"([{"name":{"formatted_name":"Bo"}}])"));
  EXPECT_EQ(refused(kTo, Contacts{}), Fields{"contacts"});
  EXPECT_EQ(refused(kTo, Contacts{.cards = {{.name = {.first_name = "Bo"}}}}),
            Fields{"contacts[0].name.formatted_name"});
  EXPECT_EQ(refused(kTo, Contacts{.cards = {{.name = {.formatted_name = "Bo"}, .phones = {{}}}}}),
            Fields{"contacts[0].phones[0].phone"});
}

ReplyButtons three_buttons() {
  return ReplyButtons{.header = "Order 123",
                      .body = "Still coming?",
                      .footer = "Reply below",
                      .buttons = {{"yes", "Yes"}, {"no", "No"}, {"later", "Later"}}};
}

TEST(Messages, ReplyButtons) {
  EXPECT_EQ(built(kTo, three_buttons()).at("interactive"),
            bj::parse(R"({"type":"button","header":{"type":"text","text":"Order 123"},
                "body":{"text":"Still coming?"},"footer":{"text":"Reply below"},
                "action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes"}},
                                     {"type":"reply","reply":{"id":"no","title":"No"}},
                                     {"type":"reply","reply":{"id":"later","title":"Later"}}]}})"));
  EXPECT_EQ(built(kTo, three_buttons()).at("type"), "interactive");
}

TEST(Messages, ReplyButtonLimits) {
  auto m = three_buttons();
  m.buttons.push_back({"x", "X"});
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.buttons"});
  m.buttons.clear();
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.buttons"});

  m = three_buttons();
  m.buttons[0].title = repeat("t", kReplyButtonTitleMax);
  m.buttons[1].id = repeat("i", kReplyButtonIdMax);
  EXPECT_TRUE(refused(kTo, m).empty());
  m.buttons[0].title = repeat("t", kReplyButtonTitleMax + 1);
  m.buttons[1].id = repeat("i", kReplyButtonIdMax + 1);
  EXPECT_EQ(refused(kTo, m), (Fields{"interactive.action.buttons[0].reply.title",
                                     "interactive.action.buttons[1].reply.id"}));

  m = three_buttons();
  m.buttons[2].id = "yes";
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.buttons[2].reply.id"});

  m = three_buttons();
  m.header = repeat("h", kInteractiveHeaderMax + 1);
  m.body = repeat("b", kInteractiveBodyMax + 1);
  m.footer = repeat("f", kInteractiveFooterMax + 1);
  EXPECT_EQ(refused(kTo, m), (Fields{"interactive.header.text", "interactive.body.text",
                                     "interactive.footer.text"}));
  m = three_buttons();
  m.body = "";
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.body.text"});
}

List a_list() {
  return List{
      .header = "Menu",
      .body = "Pick one",
      .footer = "Thanks",
      .button = "Options",
      .sections = {ListSection{.title = "Food",
                               .rows = {{.id = "f1", .title = "Rice", .description = "Warm"},
                                        {.id = "f2", .title = "Soup"}}},
                   ListSection{.title = "Drinks", .rows = {{.id = "d1", .title = "Tea"}}}}};
}

TEST(Messages, List) {
  EXPECT_EQ(built(kTo, a_list()).at("interactive"),
            bj::parse(R"({"type":"list","header":{"type":"text","text":"Menu"},
                "body":{"text":"Pick one"},"footer":{"text":"Thanks"},
                "action":{"button":"Options","sections":[
                  {"title":"Food","rows":[{"id":"f1","title":"Rice","description":"Warm"},
                                          {"id":"f2","title":"Soup"}]},
                  {"title":"Drinks","rows":[{"id":"d1","title":"Tea"}]}]}})"));
}

TEST(Messages, ListLimits) {
  auto m = a_list();
  m.button = repeat("b", kListButtonMax + 1);
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.button"});

  m = a_list();
  m.sections[0].rows[0].id = repeat("i", kListRowIdMax);
  m.sections[0].rows[0].title = repeat("t", kListRowTitleMax);
  m.sections[0].rows[0].description = repeat("d", kListRowDescriptionMax);
  m.sections[0].title = repeat("s", kListSectionTitleMax);
  EXPECT_TRUE(refused(kTo, m).empty());
  m.sections[0].rows[0].id = repeat("i", kListRowIdMax + 1);
  m.sections[0].rows[0].title = repeat("t", kListRowTitleMax + 1);
  m.sections[0].rows[0].description = repeat("d", kListRowDescriptionMax + 1);
  m.sections[0].title = repeat("s", kListSectionTitleMax + 1);
  EXPECT_EQ(refused(kTo, m), (Fields{"interactive.action.sections[0].rows[0].id",
                                     "interactive.action.sections[0].rows[0].title",
                                     "interactive.action.sections[0].rows[0].description",
                                     "interactive.action.sections[0].title"}));

  m = a_list();
  m.sections[1].title.reset();
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.sections[1].title"});

  m = a_list();
  m.sections[1].rows.clear();
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.sections[1].rows"});

  m = a_list();
  m.sections[1].rows[0].id = "f1";
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.sections[1].rows[0].id"});

  m = a_list();
  m.sections.clear();
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.sections"});

  // Ten rows in all are fine, eleven are not.
  m = a_list();
  for (int i = 0; i < 7; ++i)
    m.sections[1].rows.push_back({.id = "x" + std::to_string(i), .title = "X"});
  EXPECT_TRUE(refused(kTo, m).empty());
  m.sections[1].rows.push_back({.id = "x7", .title = "X"});
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.sections"});

  m = a_list();
  m.sections.clear();
  for (int i = 0; i < 11; ++i)
    m.sections.push_back({.title = "S", .rows = {{.id = std::to_string(i), .title = "R"}}});
  EXPECT_EQ(refused(kTo, m), Fields{"interactive.action.sections"});
}

TEST(Messages, CtaUrl) {
  EXPECT_EQ(built(kTo, CtaUrl{.body = "See the offer",
                              .display_text = "Open",
                              .url = "https://shop.example/o?id=1"})
                .at("interactive"),
            bj::parse(R"({"type":"cta_url","body":{"text":"See the offer"},
                "action":{"name":"cta_url","parameters":{"display_text":"Open",
                                                         "url":"https://shop.example/o?id=1"}}})"));
  EXPECT_EQ(
      refused(kTo, CtaUrl{.body = "b",
                          .display_text = repeat("d", kCtaDisplayTextMax + 1),
                          .url = "javascript:x"}),
      (Fields{"interactive.action.parameters.display_text", "interactive.action.parameters.url"}));
}

TEST(Messages, Reaction) {
  EXPECT_EQ(
      built(kTo, Reaction{.message_id = "wamid.X", .emoji = "\xF0\x9F\x98\x80"}).at("reaction"),
      bj::parse(R"({"message_id":"wamid.X","emoji":"\ud83d\ude00"})"));
  // An empty emoji removes the reaction.
  EXPECT_EQ(built(kTo, Reaction{.message_id = "wamid.X"}).at("reaction"),
            bj::parse(R"({"message_id":"wamid.X","emoji":""})"));
  EXPECT_EQ(refused(kTo, Reaction{.emoji = "x"}), Fields{"reaction.message_id"});
}

TEST(Messages, PositionalTemplateWithEveryParameterKind) {
  TemplateMessage m{
      .name = "order_update",
      .language = "en_US",
      .header = {{MediaParam{.type = MediaType::image,
                             .source = {.link = "https://x.example/i.png"}}}},
      .body = {{TextParam{"Ana"}},
               {CurrencyParam{.fallback_value = "$100.99", .code = "USD", .amount_1000 = 100990}},
               {DateTimeParam{"May 1"}}},
      .buttons = {{.type = TemplateButtonType::quick_reply, .index = 0, .value = "STOP"},
                  {.type = TemplateButtonType::url, .index = 1, .value = "order/123"},
                  {.type = TemplateButtonType::copy_code, .index = 2, .value = "SAVE10"}}};
  EXPECT_EQ(built(kTo, m),
            bj::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual",
                "to":"16505551234","type":"template","template":{"name":"order_update",
                "language":{"code":"en_US"},"components":[
                 {"type":"header","parameters":[{"type":"image","image":{"link":"https://x.example/i.png"}}]},
                 {"type":"body","parameters":[{"type":"text","text":"Ana"},
                   {"type":"currency","currency":{"fallback_value":"$100.99","code":"USD","amount_1000":100990}},
                   {"type":"date_time","date_time":{"fallback_value":"May 1"}}]},
                 {"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"STOP"}]},
                 {"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"order/123"}]},
                 {"type":"button","sub_type":"copy_code","index":"2","parameters":[{"type":"coupon_code","coupon_code":"SAVE10"}]}
                ]}})"));
}

TEST(Messages, TemplateHeaderKinds) {
  const auto header = [](TemplateParameter p) {
    return built(kTo, TemplateMessage{.name = "t", .language = "en", .header = {std::move(p)}})
        .at("template")
        .at("components")
        .at(0)
        .at("parameters")
        .at(0);
  };
  EXPECT_EQ(header({TextParam{"Sale"}}), bj::parse(R"({"type":"text","text":"Sale"})"));
  EXPECT_EQ(header({MediaParam{.type = MediaType::video, .source = {.id = "V1"}}}),
            bj::parse(R"({"type":"video","video":{"id":"V1"}})"));
  EXPECT_EQ(header({MediaParam{
                .type = MediaType::document, .source = {.id = "D1"}, .filename = "a.pdf"}}),
            bj::parse(R"({"type":"document","document":{"id":"D1","filename":"a.pdf"}})"));
  EXPECT_EQ(
      header({Location{.latitude = 1.5, .longitude = 2.5, .name = "Shop", .address = "Main St"}}),
      bj::parse(R"({"type":"location","location":{"latitude":1.5,"longitude":2.5,
                         "name":"Shop","address":"Main St"}})"));
  // No components at all when nothing varies.
  EXPECT_EQ(built(kTo, TemplateMessage{.name = "hello_world", .language = "en_US"}).at("template"),
            bj::parse(R"({"name":"hello_world","language":{"code":"en_US"}})"));
}

TEST(Messages, NamedTemplate) {
  TemplateMessage m{.name = "greeting",
                    .language = "id",
                    .header = {{TextParam{"Promo"}, "promo"}},
                    .body = {{TextParam{"John"}, "customer_name"},
                             {CurrencyParam{"Rp10.000", "IDR", 10000000}, "price"}}};
  EXPECT_EQ(built(kTo, m).at("template").at("components"), bj::parse(R"([
              {"type":"header","parameters":[{"type":"text","parameter_name":"promo","text":"Promo"}]},
              {"type":"body","parameters":[
                {"type":"text","parameter_name":"customer_name","text":"John"},
                {"type":"currency","parameter_name":"price",
                 "currency":{"fallback_value":"Rp10.000","code":"IDR","amount_1000":10000000}}]}])"));
}

TEST(Messages, TemplateLimits) {
  const TemplateMessage base{.name = "t", .language = "en_US"};
  auto m = base;
  m.body = {{TextParam{"a"}, "first"}, {TextParam{"b"}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components"});  // never mixed

  m = base;
  m.header = {{TextParam{"a"}}, {TextParam{"b"}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.header"});

  m = base;
  m.header = {{TextParam{repeat("h", kTemplateHeaderTextMax + 1)}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.header.parameters[0].text"});

  m = base;
  m.body = {{MediaParam{.type = MediaType::image, .source = {.id = "I"}}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.body.parameters[0].type"});
  m.body = {{Location{}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.body.parameters[0].type"});
  m = base;
  m.header = {{CurrencyParam{"$1", "USD", 1000}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.header.parameters[0].type"});
  m.header = {{MediaParam{.type = MediaType::audio, .source = {.id = "A"}}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.header.parameters[0].type"});
  m.header = {{MediaParam{.type = MediaType::image, .source = {.id = "I"}}, "photo"}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.header.parameters[0].parameter_name"});

  m = base;
  m.body = {{TextParam{"a"}, "Bad-Name"}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.body.parameters[0].parameter_name"});
  m.body = {{TextParam{"a"}, "x"}, {TextParam{"b"}, "x"}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.body.parameters[1].parameter_name"});
  m.body = {{CurrencyParam{"$1", "usd", 1000}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.body.parameters[0].currency.code"});
  m.body = {{TextParam{""}}};
  EXPECT_EQ(refused(kTo, m), Fields{"template.components.body.parameters[0].text"});

  m = base;
  m.buttons = {
      {.type = TemplateButtonType::copy_code, .index = 0, .value = repeat("c", kCopyCodeMax)}};
  EXPECT_TRUE(refused(kTo, m).empty());
  m.buttons = {
      {.type = TemplateButtonType::copy_code, .index = 0, .value = repeat("c", kCopyCodeMax + 1)},
      {.type = TemplateButtonType::quick_reply, .index = 0, .value = "P"},
      {.type = TemplateButtonType::url, .index = 10, .value = "x"}};
  EXPECT_EQ(refused(kTo, m), (Fields{"template.components.buttons[0].coupon_code",
                                     "template.components.buttons[1].index",
                                     "template.components.buttons[2].index"}));

  EXPECT_EQ(refused(kTo, TemplateMessage{.name = "Order Update", .language = ""}),
            (Fields{"template.name", "template.language.code"}));
  EXPECT_TRUE(refused(kTo, TemplateMessage{.name = repeat("n", kTemplateNameMax), .language = "en"})
                  .empty());
  EXPECT_EQ(
      refused(kTo, TemplateMessage{.name = repeat("n", kTemplateNameMax + 1), .language = "en"}),
      Fields{"template.name"});
}

// --- Template definitions
// --------------------------------------------------------------------------

TEST(TemplateDefinitions, PositionalWithEveryComponent) {
  TemplateDefinition t{
      .name = "order_shipped",
      .language = "en_US",
      .category = TemplateCategory::utility,
      .header =
          TemplateHeader{.format = HeaderFormat::text, .text = "Order {{1}}", .example = "123"},
      .body = "Hi {{1}}, your order {{2}} is on its way. {{1}}, thanks!",
      .body_examples = {"Ana", "123"},
      .footer = "Kirim Shop",
      .buttons = {
          {.type = TemplateButton::Type::quick_reply, .text = "Stop"},
          {.type = TemplateButton::Type::url,
           .text = "Track",
           .url = "https://shop.example/track/{{1}}",
           .example = "https://shop.example/track/123"},
          {.type = TemplateButton::Type::url, .text = "Shop", .url = "https://shop.example"},
          {.type = TemplateButton::Type::phone_number,
           .text = "Call",
           .phone_number = "+16505551234"},
          {.type = TemplateButton::Type::copy_code, .example = "SAVE10"}}};
  auto r = build_template_definition(t);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(bj::value(*r),
            bj::parse(R"({"name":"order_shipped","language":"en_US","category":"UTILITY",
              "parameter_format":"positional","components":[
               {"type":"HEADER","format":"TEXT","text":"Order {{1}}","example":{"header_text":["123"]}},
               {"type":"BODY","text":"Hi {{1}}, your order {{2}} is on its way. {{1}}, thanks!",
                "example":{"body_text":[["Ana","123"]]}},
               {"type":"FOOTER","text":"Kirim Shop"},
               {"type":"BUTTONS","buttons":[
                 {"type":"QUICK_REPLY","text":"Stop"},
                 {"type":"URL","text":"Track","url":"https://shop.example/track/{{1}}",
                  "example":["https://shop.example/track/123"]},
                 {"type":"URL","text":"Shop","url":"https://shop.example"},
                 {"type":"PHONE_NUMBER","text":"Call","phone_number":"+16505551234"},
                 {"type":"COPY_CODE","example":"SAVE10"}]}]})"));
}

TEST(TemplateDefinitions, NamedWithMediaHeader) {
  TemplateDefinition t{
      .name = "promo_2025",
      .language = "id",
      .category = TemplateCategory::marketing,
      .parameter_format = ParameterFormat::named,
      .header = TemplateHeader{.format = HeaderFormat::image, .media_handle = "4::aW1n"},
      .body = "Hai {{customer_name}}, diskon {{discount}}!",
      .body_named_examples = {{"discount", "20%"}, {"customer_name", "Budi"}}};
  auto r = build_template_definition(t);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(bj::value(*r), bj::parse(R"({"name":"promo_2025","language":"id","category":"MARKETING",
              "parameter_format":"named","components":[
               {"type":"HEADER","format":"IMAGE","example":{"header_handle":["4::aW1n"]}},
               {"type":"BODY","text":"Hai {{customer_name}}, diskon {{discount}}!",
                "example":{"body_text_named_params":[{"param_name":"discount","example":"20%"},
                                                     {"param_name":"customer_name","example":"Budi"}]}}]})"));

  TemplateDefinition h{
      .name = "n",
      .language = "en",
      .parameter_format = ParameterFormat::named,
      .header = TemplateHeader{.text = "Hi {{name}}", .named_examples = {{"name", "Ana"}}},
      .body = "Plain body"};
  auto hr = build_template_definition(h);
  ASSERT_TRUE(hr.ok()) << hr.error().message;
  EXPECT_EQ(hr->at("components").at(0),
            bj::parse(R"({"type":"HEADER","format":"TEXT","text":"Hi {{name}}",
                          "example":{"header_text_named_params":[{"param_name":"name","example":"Ana"}]}})"));
  EXPECT_EQ(hr->at("components").at(1), bj::parse(R"({"type":"BODY","text":"Plain body"})"));

  TemplateDefinition loc{.name = "l",
                         .language = "en",
                         .header = TemplateHeader{.format = HeaderFormat::location},
                         .body = "B"};
  auto lr = build_template_definition(loc);
  ASSERT_TRUE(lr.ok());
  EXPECT_EQ(lr->at("components").at(0), bj::parse(R"({"type":"HEADER","format":"LOCATION"})"));
  EXPECT_EQ(lr->at("category"), "UTILITY");
}

TemplateDefinition simple_definition() {
  return TemplateDefinition{.name = "simple", .language = "en_US", .body = "Hello"};
}

TEST(TemplateDefinitions, NameLanguageBodyAndFooterLimits) {
  auto t = simple_definition();
  t.name = "Order-Update";
  EXPECT_EQ(refused(t), Fields{"name"});
  t.name = repeat("n", kTemplateNameMax);
  EXPECT_TRUE(refused(t).empty());
  t.name = repeat("n", kTemplateNameMax + 1);
  EXPECT_EQ(refused(t), Fields{"name"});

  t = simple_definition();
  t.language = "";
  t.body = "";
  EXPECT_EQ(refused(t), (Fields{"language", "body.text"}));

  t = simple_definition();
  t.body = repeat("b", kTemplateBodyMax);
  EXPECT_TRUE(refused(t).empty());
  t.body = repeat("b", kTemplateBodyMax + 1);
  EXPECT_EQ(refused(t), Fields{"body.text"});

  t = simple_definition();
  t.footer = repeat("f", kTemplateFooterMax + 1);
  EXPECT_EQ(refused(t), Fields{"footer.text"});
  t.footer = "Hi {{1}}";
  EXPECT_EQ(refused(t), Fields{"footer.text"});
}

TEST(TemplateDefinitions, VariablesAndExamples) {
  auto t = simple_definition();
  t.body = "Hi {{2}} and {{1}}";
  t.body_examples = {"a", "b"};
  EXPECT_EQ(refused(t), Fields{"body.text"});  // not in sequence
  t.body = "Hi {{1}} and {{3}}";
  EXPECT_EQ(refused(t), Fields{"body.text"});  // a gap
  t.body = "Hi {{1}} and {{2}}";
  t.body_examples = {"a"};
  EXPECT_EQ(refused(t), Fields{"body.text.example"});  // one example per variable
  t.body_examples = {};
  EXPECT_EQ(refused(t), Fields{"body.text.example"});  // examples are required
  t.body = "Hi {{name}}";
  EXPECT_EQ(refused(t), Fields{"body.text"});  // named in a positional template
  t.body = "Hi {{1";
  EXPECT_EQ(refused(t), Fields{"body.text"});
  t.body = "Hi {{Name}}";
  EXPECT_EQ(refused(t), Fields{"body.text"});
  t.body = "Hello";
  t.body_examples = {"unused"};
  EXPECT_EQ(refused(t), Fields{"body.text.example"});

  t = simple_definition();
  t.parameter_format = ParameterFormat::named;
  t.body = "Hi {{1}}";
  EXPECT_EQ(refused(t), Fields{"body.text"});  // positional in a named template
  t.body = "Hi {{first_name}} {{last_name}}";
  t.body_named_examples = {{"first_name", "Ana"}};
  EXPECT_EQ(refused(t), Fields{"body.text.example"});
  t.body_named_examples = {{"first_name", "Ana"}, {"last_name", "Lima"}, {"other", "x"}};
  EXPECT_EQ(refused(t), Fields{"body.text.example[2]"});
  t.body_named_examples = {{"first_name", "Ana"}, {"last_name", "Lima"}};
  EXPECT_TRUE(refused(t).empty());
}

TEST(TemplateDefinitions, HeaderLimits) {
  auto t = simple_definition();
  t.header = TemplateHeader{.text = repeat("h", kTemplateHeaderTextMax + 1)};
  EXPECT_EQ(refused(t), Fields{"header.text"});
  t.header = TemplateHeader{.text = "{{1}} and {{2}}", .example = "a"};
  EXPECT_EQ(refused(t), Fields{"header.text"});  // one variable at most
  t.header = TemplateHeader{.text = "Hi {{1}}"};
  EXPECT_EQ(refused(t), Fields{"header.text.example"});
  t.header = TemplateHeader{.format = HeaderFormat::video, .text = "x"};
  EXPECT_EQ(refused(t), Fields{"header.text"});
  t.header = TemplateHeader{.format = HeaderFormat::location, .media_handle = "h"};
  EXPECT_EQ(refused(t), Fields{"header.media_handle"});
  t.header = TemplateHeader{.text = "Hi", .media_handle = "h"};
  EXPECT_EQ(refused(t), Fields{"header.media_handle"});
}

TEST(TemplateDefinitions, ButtonLimits) {
  auto t = simple_definition();
  for (int i = 0; i < static_cast<int>(kTemplateButtonsMax); ++i)
    t.buttons.push_back(
        {.type = TemplateButton::Type::quick_reply, .text = "B" + std::to_string(i)});
  EXPECT_TRUE(refused(t).empty());
  t.buttons.push_back({.type = TemplateButton::Type::quick_reply, .text = "B"});
  EXPECT_EQ(refused(t), Fields{"buttons"});

  t = simple_definition();
  t.buttons = {
      {.type = TemplateButton::Type::quick_reply, .text = repeat("l", kTemplateButtonTextMax)}};
  EXPECT_TRUE(refused(t).empty());
  t.buttons = {
      {.type = TemplateButton::Type::quick_reply, .text = repeat("l", kTemplateButtonTextMax + 1)},
      {.type = TemplateButton::Type::phone_number, .text = "Call", .phone_number = "call me"},
      {.type = TemplateButton::Type::copy_code, .example = repeat("c", kCopyCodeMax + 1)},
      {.type = TemplateButton::Type::copy_code, .text = "Copy", .example = "X"}};
  EXPECT_EQ(refused(t), (Fields{"buttons[0].text", "buttons[1].phone_number", "buttons[2].example",
                                "buttons[3].text"}));

  const auto url_button = [](std::string url, std::string example = {}) {
    auto d = simple_definition();
    d.buttons = {{.type = TemplateButton::Type::url,
                  .text = "Go",
                  .url = std::move(url),
                  .example = std::move(example)}};
    return d;
  };
  const std::string prefix = "https://x.example/";
  EXPECT_TRUE(refused(url_button(prefix + repeat("p", kTemplateUrlMax - prefix.size()))).empty());
  EXPECT_EQ(refused(url_button(prefix + repeat("p", kTemplateUrlMax - prefix.size() + 1))),
            Fields{"buttons[0].url"});
  EXPECT_EQ(refused(url_button("https://x.example/{{1}}")), Fields{"buttons[0].example"});
  EXPECT_EQ(refused(url_button("https://x.example/{{1}}/a", "https://x.example/1/a")),
            Fields{"buttons[0].url"});
  EXPECT_EQ(refused(url_button("https://x.example/{{1}}{{2}}", "https://x.example/12")),
            Fields{"buttons[0].url"});
  EXPECT_EQ(refused(url_button("https://x.example/{{2}}", "https://x.example/2")),
            Fields{"buttons[0].url"});
  EXPECT_EQ(refused(url_button("https://x.example/", "https://x.example/2")),
            Fields{"buttons[0].example"});
  EXPECT_EQ(refused(url_button("mailto:a@b")), Fields{"buttons[0].url"});
}

}  // namespace
}  // namespace kirim::whatsapp
