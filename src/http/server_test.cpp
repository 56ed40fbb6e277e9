// The server over real sockets: limits, keep-alive, threading, upgrades and graceful shutdown.
#include "http/server.h"

#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

#include "http/upgrade.h"

namespace kirim::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

class ServerTest : public ::testing::Test {
 protected:
  void start(std::size_t body_limit = 1024) {
    router_.add({"GET", "/inline", Mode::inline_, [this](Request&) {
                   inline_thread_ = std::this_thread::get_id();
                   return Response::text(200, "inline", "text/plain");
                 }});
    router_.add({"POST", "/blocking", Mode::blocking, [this](Request& req) {
                   blocking_thread_ = std::this_thread::get_id();
                   return Response::text(200, "got " + std::to_string(req.body.size()),
                                         "text/plain");
                 }});
    router_.add({"GET", "/slow", Mode::blocking, [this](Request&) {
                   slow_started_.set_value();
                   std::this_thread::sleep_for(std::chrono::milliseconds(300));
                   return Response::text(200, "slow done", "text/plain");
                 }});
    // Answers from another thread after a moment, as an asynchronous database write would.
    Route later{"POST", "/later", Mode::deferred, {}};
    later.deferred = [this](Request& req, Reply reply) {
      deferred_thread_ = std::this_thread::get_id();
      std::thread([body = req.body, reply = std::move(reply)] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        reply(Response::text(200, "later " + body, "text/plain"));
        reply(Response::text(500, "a second reply is ignored", "text/plain"));
      }).detach();
    };
    router_.add(std::move(later));
    Route throws{"GET", "/deferred-throws", Mode::deferred, {}};
    throws.deferred = [](Request&, Reply) { throw std::runtime_error("boom"); };
    router_.add(std::move(throws));
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.io_threads = 1;
    o.blocking_threads = 2;
    o.body_limit = body_limit;
    o.access_log = false;
    o.shutdown_timeout = std::chrono::seconds(5);
    server_ = std::make_unique<Server>(o, router_, metrics_);
    server_->add_upgrade("/echo", [](std::unique_ptr<Upgrade> up) {
      auto ex = up->stream.get_executor();
      asio::co_spawn(
          ex,
          [up = std::move(up)]() mutable -> asio::awaitable<void> {
            beast::websocket::stream<beast::tcp_stream> ws(std::move(up->stream));
            co_await ws.async_accept(up->request, asio::use_awaitable);
            beast::flat_buffer buf;
            co_await ws.async_read(buf, asio::use_awaitable);
            ws.text(true);
            co_await ws.async_write(buf.data(), asio::use_awaitable);
          },
          asio::detached);
    });
    ASSERT_TRUE(server_->start().ok());
  }
  void TearDown() override {
    if (server_) server_->shutdown();
  }

  tcp::socket connect() {
    tcp::socket s(client_ioc_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return s;
  }

  bhttp::response<bhttp::string_body> roundtrip(tcp::socket& s,
                                                bhttp::request<bhttp::string_body> req) {
    req.prepare_payload();
    bhttp::write(s, req);
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buf, res);
    return res;
  }

  static bhttp::request<bhttp::string_body> make(bhttp::verb v, std::string target,
                                                 std::string body = {}) {
    bhttp::request<bhttp::string_body> req{v, target, 11};
    req.set(bhttp::field::host, "localhost");
    req.body() = std::move(body);
    return req;
  }

  asio::io_context client_ioc_;
  Router router_;
  metrics::Registry metrics_;
  std::unique_ptr<Server> server_;
  std::thread::id inline_thread_, blocking_thread_, deferred_thread_;
  std::promise<void> slow_started_;
};

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  auto s = connect();
  for (int i = 0; i < 3; ++i) {
    auto res = roundtrip(s, make(bhttp::verb::get, "/inline"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "inline");
    EXPECT_TRUE(res.keep_alive());
    EXPECT_FALSE(res[bhttp::field::date].empty());
    EXPECT_FALSE(res["X-Request-Id"].empty());
  }
}

TEST_F(ServerTest, BlockingRoutesRunOffTheIoThread) {
  start();
  auto s = connect();
  EXPECT_EQ(roundtrip(s, make(bhttp::verb::get, "/inline")).result_int(), 200);
  auto res = roundtrip(s, make(bhttp::verb::post, "/blocking", "abc"));
  EXPECT_EQ(res.body(), "got 3");
  EXPECT_NE(inline_thread_, blocking_thread_);
}

TEST_F(ServerTest, DeferredRoutesAnswerWhenTheirReplyComesFromAnotherThread) {
  start();
  auto s = connect();
  EXPECT_EQ(roundtrip(s, make(bhttp::verb::get, "/inline")).result_int(), 200);
  for (int i = 0; i < 3; ++i) {
    auto res = roundtrip(s, make(bhttp::verb::post, "/later", "n" + std::to_string(i)));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "later n" + std::to_string(i));
    EXPECT_TRUE(res.keep_alive());
  }
  EXPECT_EQ(deferred_thread_, inline_thread_);  // started on the I/O thread
}

TEST_F(ServerTest, ADeferredHandlerThatThrowsIsAnswered500AndTheConnectionLives) {
  start();
  auto s = connect();
  EXPECT_EQ(roundtrip(s, make(bhttp::verb::get, "/deferred-throws")).result_int(), 500);
  EXPECT_EQ(roundtrip(s, make(bhttp::verb::get, "/inline")).result_int(), 200);
}

TEST_F(ServerTest, BodyAtTheLimitIsAcceptedOneByteMoreIs413) {
  start(1024);
  auto s = connect();
  EXPECT_EQ(roundtrip(s, make(bhttp::verb::post, "/blocking", std::string(1024, 'x'))).body(),
            "got 1024");
  auto s2 = connect();
  auto res = roundtrip(s2, make(bhttp::verb::post, "/blocking", std::string(1025, 'x')));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_NE(res.body().find("payload_too_large"), std::string::npos);
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(ServerTest, OversizeHeadersAre431) {
  start();
  auto s = connect();
  auto req = make(bhttp::verb::get, "/inline");
  req.set("X-Big", std::string(kHeaderLimit, 'h'));
  auto res = roundtrip(s, req);
  EXPECT_EQ(res.result_int(), 431);
}

TEST_F(ServerTest, GarbageGets400AndTheServerKeepsServing) {
  start();
  {
    auto s = connect();
    asio::write(s, asio::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")));
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buf, res);
    EXPECT_EQ(res.result_int(), 400);
  }
  auto s = connect();
  EXPECT_EQ(roundtrip(s, make(bhttp::verb::get, "/inline")).result_int(), 200);
}

TEST_F(ServerTest, UnknownApiRouteIsJson404AndWrongMethodIs405) {
  start();
  auto s = connect();
  auto res = roundtrip(s, make(bhttp::verb::get, "/api/v1/nothing"));
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  auto res2 = roundtrip(s, make(bhttp::verb::delete_, "/inline"));
  EXPECT_EQ(res2.result_int(), 405);
  EXPECT_EQ(res2[bhttp::field::allow], "GET");
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  start();
  auto s = connect();
  auto req = make(bhttp::verb::head, "/inline");
  bhttp::write(s, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::empty_body> p;
  p.skip(true);
  bhttp::read(s, buf, p);
  EXPECT_EQ(p.get().result_int(), 200);
  EXPECT_EQ(p.get()[bhttp::field::content_length], "6");
}

TEST_F(ServerTest, UpgradeHookTakesTheConnection) {
  start();
  beast::websocket::stream<tcp::socket> ws(connect());
  ws.handshake("localhost", "/echo");
  ws.write(asio::buffer(std::string("hello")));
  beast::flat_buffer buf;
  ws.read(buf);
  EXPECT_EQ(beast::buffers_to_string(buf.data()), "hello");
}

TEST_F(ServerTest, ShutdownLetsTheRequestInFlightFinish) {
  start();
  auto s = connect();
  auto req = make(bhttp::verb::get, "/slow");
  req.prepare_payload();
  bhttp::write(s, req);
  slow_started_.get_future().wait();
  std::thread stopper([this] { server_->shutdown(); });
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(s, buf, res);
  stopper.join();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "slow done");
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(ServerTest, ShutdownClosesIdleConnectionsAtOnce) {
  start();
  auto idle = connect();
  EXPECT_EQ(roundtrip(idle, make(bhttp::verb::get, "/inline")).result_int(), 200);
  const auto begun = std::chrono::steady_clock::now();
  server_->shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(2));
  char c;
  boost::system::error_code ec;
  idle.read_some(asio::buffer(&c, 1), ec);
  EXPECT_EQ(ec, asio::error::eof);
}

TEST_F(ServerTest, CountsRequestsInMetrics) {
  start();
  auto s = connect();
  (void)roundtrip(s, make(bhttp::verb::get, "/inline"));
  const auto text = metrics_.render();
  EXPECT_NE(text.find(R"(kirim_http_requests_total{route="/inline",method="GET",status="200"} 1)"),
            std::string::npos);
}

TEST(ServerStart, BusyPortIsAClearError) {
  Router router;
  metrics::Registry m;
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  Server first(o, router, m);
  ASSERT_TRUE(first.start().ok());
  o.listen = "127.0.0.1:" + std::to_string(first.port());
  Server second(o, router, m);
  auto r = second.start();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace kirim::http
