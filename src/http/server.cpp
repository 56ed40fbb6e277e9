#include "http/server.h"

#include <atomic>
#include <ctime>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "core/check.h"
#include "core/crypto.h"
#include "core/log.h"
#include "http/errors.h"
#include "http/upgrade.h"

namespace kirim::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Route labels of requests that matched no route, for metrics.
const std::string kInvalidLabel = "(invalid)";
const std::string kNoRouteLabel = "(none)";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// RFC 9110 Date header, formatted at most once per second per thread.
const std::string& http_date() {
  thread_local std::time_t last = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != last) {
    last = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buf;
  }
  return cached;
}

// Appends "Name: value\r\n", dropping CR and LF from the value so that no handler can split
// the response.
void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  out += "\r\n";
}

Result<tcp::endpoint> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return make_error(Errc::invalid_argument, "listen must look like HOST:PORT: " + listen);
  }
  std::string host = listen.substr(0, colon);
  const std::string port_s = listen.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  int port = -1;
  try {
    port = std::stoi(port_s);
  } catch (...) {
  }
  if (port < 0 || port > 65535) {
    return make_error(Errc::invalid_argument, "listen has a bad port: " + listen);
  }
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return make_error(Errc::invalid_argument, "listen has a bad address: " + host);
  return tcp::endpoint(addr, static_cast<unsigned short>(port));
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r, metrics::Registry& m)
      : options(std::move(o)),
        router(r),
        metrics(m),
        ioc(std::max(1, options.io_threads)),
        blocking(static_cast<std::size_t>(std::max(1, options.blocking_threads))),
        acceptor(ioc),
        request_id_prefix(crypto::random_token(4)) {}

  // Per-connection state the shutdown needs to see. Touched only on the connection's strand,
  // except for the map itself, guarded by sessions_mu.
  struct SessionState {
    beast::tcp_stream* stream = nullptr;
    bool busy = false;  // between reading a request's header and finishing its response
  };

  ServerOptions options;
  const Router& router;
  metrics::Registry& metrics;
  asio::io_context ioc;
  asio::thread_pool blocking;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::vector<std::pair<std::function<bool(std::string_view)>, UpgradeHandler>> upgrades;
  std::vector<std::function<void()>> shutdown_hooks;
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};
  std::once_flag shutdown_once;
  std::string request_id_prefix;
  std::atomic<std::uint64_t> request_counter{0};
  std::unique_ptr<asio::signal_set> signals;
  std::promise<int> signal_received;

  mutable std::mutex sessions_mu;
  std::unordered_map<std::uint64_t, SessionState*> sessions;  // guarded by sessions_mu
  std::uint64_t next_session_id = 0;                          // guarded by sessions_mu

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket);
  asio::awaitable<Response> dispatch(Request& request, const std::string*& route_label);
  Response invoke(const Route& route, Request& request);
  std::optional<Response> invoke_fast(const Route& route, Request& request);
  asio::awaitable<Response> invoke_deferred(const Route& route, Request& request);
  void finish(const Request& req, const Response& res, const std::string* route_label,
              std::chrono::steady_clock::time_point started);

  std::string next_request_id() {
    return request_id_prefix + "-" + std::to_string(request_counter.fetch_add(1) + 1);
  }
};

asio::awaitable<void> Server::Impl::accept_loop() {
  while (!stopping.load()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping.load()) co_return;
      log::warn("accept failed", {{"error", ec.message()}});
      continue;
    }
    asio::co_spawn(socket.get_executor(), session(std::move(socket)), asio::detached);
  }
}

std::optional<Response> Server::Impl::invoke_fast(const Route& route, Request& request) {
  try {
    return route.fast(request);
  } catch (const std::exception& e) {
    KIRIM_BUG(std::string("fast path threw: ") + e.what() + " on " + route.pattern);
  }
  return std::nullopt;
}

asio::awaitable<Response> Server::Impl::invoke_deferred(const Route& route, Request& request) {
  // The handler's reply may come from any thread; it resumes this session on its own strand.
  // A handler that throws before replying is a bug answered with 500; a second reply is ignored.
  auto initiate = [&route, &request](auto completion) {
    using Completion = decltype(completion);
    struct Slot {
      std::mutex mu;
      std::optional<Completion> completion;
    };
    auto slot = std::make_shared<Slot>();
    slot->completion.emplace(std::move(completion));
    Reply reply = [slot](Response res) {
      std::optional<Completion> h;
      {
        std::lock_guard lock(slot->mu);
        if (!slot->completion) return;
        h.emplace(std::move(*slot->completion));
        slot->completion.reset();
      }
      auto ex = asio::get_associated_executor(*h);
      asio::post(ex, [h = std::move(*h), res = std::move(res)]() mutable {
        std::move(h)(std::move(res));
      });
    };
    try {
      route.deferred(request, reply);
    } catch (const std::exception& e) {
      KIRIM_BUG(std::string("deferred handler threw: ") + e.what() + " on " + route.pattern);
      reply(error_response(500, "internal", "Something went wrong on our side."));
    }
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
      initiate, asio::use_awaitable);
}

Response Server::Impl::invoke(const Route& route, Request& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    KIRIM_BUG(std::string("handler threw: ") + e.what() + " on " + route.pattern);
  } catch (...) {
    KIRIM_BUG("handler threw a non-exception on " + route.pattern);
  }
  return error_response(500, "internal", "Something went wrong on our side.");
}

asio::awaitable<Response> Server::Impl::dispatch(Request& request,
                                                 const std::string*& route_label) {
  auto match = router.match(request.method, request.path);
  const Route* route = match.route;
  if (route == nullptr) {
    const bool api = request.path.starts_with("/api/");
    if (!match.allowed.empty()) {
      auto res = error_response(405, "method_not_allowed",
                                "This route does not accept " + request.method + ".");
      res.set_header("Allow", match.allowed);
      co_return res;
    }
    if (!api && (request.method == "GET" || request.method == "HEAD") && router.fallback()) {
      route = router.fallback();
      route_label = &route->pattern;
    } else {
      co_return error_response(404, "not_found", "There is nothing at " + request.path + ".");
    }
  } else {
    route_label = &route->pattern;
    request.params = std::move(match.params);
  }
  if (route->mode == Mode::inline_) co_return invoke(*route, request);
  if (route->mode == Mode::deferred) co_return co_await invoke_deferred(*route, request);
  if (route->fast) {
    auto answer = invoke_fast(*route, request);
    if (answer) co_return std::move(*answer);
  }
  co_return co_await asio::co_spawn(
      blocking.get_executor(),
      [this, route, &request]() -> asio::awaitable<Response> { co_return invoke(*route, request); },
      asio::use_awaitable);
}

void Server::Impl::finish(const Request& req, const Response& res, const std::string* route_label,
                          std::chrono::steady_clock::time_point started) {
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  // The registry's lookups build label strings under a lock; each thread remembers the handles
  // it has used, keyed by the route's stable label, so a request costs two atomic adds.
  struct Key {
    const void* registry;
    const std::string* route;
    std::string method;
    int status;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<const void*>()(k.route) ^ (std::hash<std::string>()(k.method) << 1) ^
             (static_cast<std::size_t>(k.status) << 7) ^ std::hash<const void*>()(k.registry);
    }
  };
  struct Handles {
    metrics::Counter* requests;
    metrics::Histogram* latency;
  };
  thread_local std::unordered_map<Key, Handles, KeyHash> cache;
  Key key{&metrics, route_label, req.method, res.status};
  auto it = cache.find(key);
  if (it == cache.end()) {
    Handles h{
        &metrics.counter("kirim_http_requests_total", "HTTP requests by route, method and status",
                         {{"route", *route_label},
                          {"method", req.method},
                          {"status", std::to_string(res.status)}}),
        &metrics.histogram("kirim_http_request_duration_seconds", "HTTP request latency by route",
                           {{"route", *route_label}}, metrics::latency_buckets())};
    it = cache.emplace(std::move(key), h).first;
  }
  it->second.requests->inc();
  it->second.latency->observe(elapsed.count());
  if (options.access_log && log::enabled(log::Level::info)) {
    log::info("request", {{"method", req.method},
                          {"path", req.path},
                          {"status", std::to_string(res.status)},
                          {"bytes", std::to_string(res.body.size())},
                          {"ms", fmt::format("{:.3f}", elapsed.count() * 1000.0)},
                          {"remote", req.remote_addr},
                          {"request_id", req.request_id}});
  }
}

asio::awaitable<void> Server::Impl::session(tcp::socket socket) {
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  const bool trusted_proxy = remote == "127.0.0.1" || remote == "::1";
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  SessionState state{&stream, false};
  std::uint64_t id;
  {
    std::lock_guard lock(sessions_mu);
    id = ++next_session_id;
    sessions.emplace(id, &state);
  }
  struct Deregister {
    Impl* impl;
    std::uint64_t id;
    ~Deregister() {
      std::lock_guard lock(impl->sessions_mu);
      impl->sessions.erase(id);
    }
  } deregister{this, id};

  bool drain_before_close = false;
  while (!stopping.load()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(options.body_limit);
    stream.expires_after(kIdleTimeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    (void)hn;
    state.busy = true;
    const auto started = std::chrono::steady_clock::now();
    Response early;
    bool have_early = false;
    if (!hec) {
      stream.expires_after(kBodyTimeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      (void)bn;
      hec = bec;
    }
    if (hec) {
      if (hec == bhttp::error::body_limit) {
        early = error_response(
            413, "payload_too_large",
            "The body is larger than " + std::to_string(options.body_limit) + " bytes.");
      } else if (hec == bhttp::error::header_limit) {
        early = error_response(431, "headers_too_large", "The request headers are too large.");
      } else if (hec == bhttp::error::end_of_stream || hec == beast::error::timeout ||
                 hec == asio::error::operation_aborted || hec == asio::error::connection_reset ||
                 hec == asio::error::eof || hec == bhttp::error::partial_message) {
        break;
      } else {
        early = error_response(400, "bad_request", "The request is not valid HTTP/1.1.");
      }
      have_early = true;
    }

    Request request;
    Response response;
    bool keep_alive = false;
    unsigned http_version = 11;
    const std::string* route_label = &kInvalidLabel;
    if (have_early) {
      response = std::move(early);
      request.method = "-";
      request.remote_addr = remote;
      request.request_id = next_request_id();
    } else {
      auto& req = parser.get();
      // An upgrade to a registered path leaves this server's hands.
      if (beast::websocket::is_upgrade(req)) {
        const std::string_view target = req.target();
        const auto path = target.substr(0, target.find('?'));
        for (const auto& [matches, handler] : upgrades) {
          if (matches(path)) {
            auto up = std::unique_ptr<Upgrade>(
                new Upgrade{std::move(stream), parser.release(), std::move(buffer), remote});
            {
              std::lock_guard lock(sessions_mu);
              sessions.erase(id);
            }
            handler(std::move(up));
            co_return;
          }
        }
      }
      keep_alive = req.keep_alive();
      http_version = req.version();
      request.method = std::string(req.method_string());
      request.target = std::string(req.target());
      request.remote_addr = remote;
      for (const auto& f : req)
        request.headers.emplace_back(lower(f.name_string()), f.value());
      const auto incoming_id = request.header("x-request-id");
      request.request_id =
          sane_request_id(incoming_id) ? std::string(incoming_id) : next_request_id();
      request.tls = trusted_proxy && request.header("x-forwarded-proto") == "https";
      if (trusted_proxy) {
        if (auto fwd = request.header("x-forwarded-for"); !fwd.empty()) {
          request.remote_addr = std::string(fwd.substr(0, fwd.find(',')));
        }
      }
      auto url = boost::urls::parse_origin_form(req.target());
      if (!url) {
        response = error_response(400, "bad_request", "The request target is not a valid path.");
      } else {
        request.path = url->path();
        for (auto p : url->params())
          request.query.emplace_back(p.key, p.value);
        request.body = std::move(req.body());
        route_label = &kNoRouteLabel;
        response = co_await dispatch(request, route_label);
      }
    }

    // Headers every response carries.
    response.set_header("X-Request-Id", request.request_id);
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Referrer-Policy", "same-origin");
    if (request.tls) {
      response.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }

    const bool close = have_early || !keep_alive || stopping.load();
    drain_before_close = have_early;
    // The head is written by hand: one string and one write, cheaper than Beast's serializer.
    std::string head;
    head.reserve(256 + response.headers.size() * 48);
    head += "HTTP/1.1 ";
    head += std::to_string(response.status);
    head += ' ';
    head += bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
    head += "\r\nDate: ";
    head += http_date();
    head += "\r\n";
    for (const auto& [k, v] : response.headers)
      append_header(head, k, v);
    head += "Content-Length: ";
    head += std::to_string(response.body.size());
    if (close) {
      head += "\r\nConnection: close";
    } else if (http_version == 10) {
      head += "\r\nConnection: keep-alive";
    }
    head += "\r\n\r\n";
    finish(request, response, route_label, started);
    const std::array<asio::const_buffer, 2> wire{
        asio::buffer(head),
        request.method == "HEAD" ? asio::const_buffer() : asio::buffer(response.body)};

    stream.expires_after(kWriteTimeout);
    auto [wec, wn] = co_await asio::async_write(stream, wire, use_tuple);
    (void)wn;
    state.busy = false;
    if (wec || close) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  // The client may still be sending the body we refused.
  if (drain_before_close) co_await drain(stream, kLingerTimeout, kLingerBytes);
  stream.close();
}

asio::awaitable<void> drain(beast::tcp_stream& stream, std::chrono::seconds limit,
                            std::size_t bytes) {
  std::vector<char> sink(4096);
  std::size_t drained = 0;
  stream.expires_after(limit);
  while (drained < bytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    if (ec) break;
    drained += n;
  }
}

Server::Server(ServerOptions options, const Router& router, metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() {
  shutdown();
}

void Server::on_shutdown(std::function<void()> hook) {
  impl_->shutdown_hooks.push_back(std::move(hook));
}

void Server::add_upgrade(std::string path_prefix, UpgradeHandler handler) {
  add_upgrade(
      [prefix = std::move(path_prefix)](std::string_view path) { return path.starts_with(prefix); },
      std::move(handler));
}

void Server::add_upgrade(std::function<bool(std::string_view path)> matches,
                         UpgradeHandler handler) {
  impl_->upgrades.emplace_back(std::move(matches), std::move(handler));
}

Result<void> Server::start() {
  auto& d = *impl_;
  KIRIM_ASSIGN_OR_RETURN(auto endpoint, parse_listen(d.options.listen));
  boost::system::error_code ec;
  d.acceptor.open(endpoint.protocol(), ec);
  if (!ec) d.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor.bind(endpoint, ec);
  if (!ec) d.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(Errc::unavailable,
                      "cannot listen on " + d.options.listen + ": " + ec.message());
  }
  if (d.options.handle_signals) {
    // Installed before the caller can announce readiness, so that a SIGTERM sent the moment the
    // server says it listens still shuts it down gracefully.
    d.signals = std::make_unique<asio::signal_set>(d.ioc, SIGINT, SIGTERM);
    d.signals->async_wait([&d](const boost::system::error_code& wait_ec, int sig) {
      if (!wait_ec) d.signal_received.set_value(sig);
    });
  }
  asio::co_spawn(d.ioc, d.accept_loop(), asio::detached);
  const int n = std::max(1, d.options.io_threads);
  for (int i = 0; i < n; ++i)
    d.threads.emplace_back([&d] { d.ioc.run(); });
  return {};
}

unsigned short Server::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

std::size_t Server::open_connections() const {
  std::lock_guard lock(impl_->sessions_mu);
  return impl_->sessions.size();
}

void Server::shutdown() {
  auto& d = *impl_;
  std::call_once(d.shutdown_once, [&d] {
    d.stopping.store(true);
    for (auto& hook : d.shutdown_hooks)
      hook();
    asio::post(d.ioc, [&d] {
      boost::system::error_code ec;
      d.acceptor.close(ec);
    });
    // Idle connections are closed now; busy ones close after their response.
    {
      std::lock_guard lock(d.sessions_mu);
      for (const auto& [id, state] : d.sessions) {
        asio::post(state->stream->get_executor(), [&d, id = id] {
          std::lock_guard inner(d.sessions_mu);
          auto it = d.sessions.find(id);
          if (it != d.sessions.end() && !it->second->busy) it->second->stream->cancel();
        });
      }
    }
    const auto deadline = std::chrono::steady_clock::now() + d.options.shutdown_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(d.sessions_mu);
        if (d.sessions.empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    {
      std::lock_guard lock(d.sessions_mu);
      if (!d.sessions.empty()) {
        log::warn("shutdown deadline passed",
                  {{"open_connections", std::to_string(d.sessions.size())}});
      }
    }
    d.ioc.stop();
    for (auto& t : d.threads)
      t.join();
    d.blocking.join();
    d.stopped.store(true);
  });
}

void Server::wait_for_signal() {
  KIRIM_CHECK(impl_->signals != nullptr, "wait_for_signal needs handle_signals and start()");
  const int sig = impl_->signal_received.get_future().get();
  log::info("shutting down", {{"signal", std::to_string(sig)}});
  shutdown();
}

}  // namespace kirim::http
