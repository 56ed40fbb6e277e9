#include "whatsapp/http_client.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>
#include <sys/socket.h>

#include "core/check.h"
#include "core/log.h"

namespace kirim::whatsapp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    KIRIM_CHECK(rc == CURLE_OK, "curl_global_init failed");
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// The outcome on the wire of a finished transfer. A transfer that failed before any byte of its
// request was handed to a connection was never seen by the server, whatever the code (e.g. a
// timeout while connecting). Both signals must agree: pretransfer is only stamped after the
// request went out, and the request size counts what was written.
Transport transport_of(CURLcode rc, CURL* easy) {
  switch (rc) {
    case CURLE_OK:
      return Transport::ok;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return Transport::connect_failed;
    default:
      break;
  }
  curl_off_t pretransfer = -1;
  long request_bytes = -1;
  if (curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK &&
      curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes) == CURLE_OK &&
      pretransfer == 0 && request_bytes == 0) {
    return Transport::connect_failed;
  }
  return rc == CURLE_OPERATION_TIMEDOUT ? Transport::timeout : Transport::failed;
}

}  // namespace

std::string HttpResponse::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

// Everything below runs on the client's thread unless it says otherwise: curl's multi handle,
// the transfers, the socket watchers and the timer are touched there only, so they need no lock.
struct HttpClient::Impl {
  // One exchange: the request (which owns the bytes curl reads), the response being filled.
  struct Transfer {
    CURL* easy = nullptr;
    HttpRequest request;
    Callback done;
    HttpResponse response;
    curl_slist* headers = nullptr;
    curl_mime* mime = nullptr;
    bool too_large = false;
    char error[CURL_ERROR_SIZE] = {};
  };

  // A socket curl asked us to watch. The tcp::socket wraps curl's descriptor only to wait on it:
  // it is released, never closed, because curl owns the descriptor. Shared with the pending waits
  // so that a wait completing after the watch was dropped finds it marked removed.
  struct Watch {
    explicit Watch(asio::io_context& ioc) : socket(ioc) {}
    tcp::socket socket;
    curl_socket_t fd = CURL_SOCKET_BAD;
    int what = 0;  // CURL_POLL_IN / OUT / INOUT
    bool reading = false;
    bool writing = false;
    bool removed = false;
  };

  explicit Impl(HttpClientOptions o) : options(std::move(o)), timer(ioc) {}

  HttpClientOptions options;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::thread thread;
  std::atomic<std::size_t> in_flight{0};

  // State below is touched only on the client's thread.
  CURLM* multi = nullptr;
  asio::steady_timer timer;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::map<curl_socket_t, std::shared_ptr<Watch>> watches;
  bool shut_down = false;

  void add(std::unique_ptr<Transfer> t);
  void finish(Transfer& t, Transport transport, std::string error);
  void drain_completed();
  void socket_action(curl_socket_t fd, int events);
  void arm(const std::shared_ptr<Watch>& w);
  void on_ready(const std::shared_ptr<Watch>& w, int direction, boost::system::error_code ec);
  void unwatch(curl_socket_t fd);
  void shutdown();

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static size_t on_body(char* data, size_t size, size_t n, void* transfer);
  static size_t on_header(char* data, size_t size, size_t n, void* transfer);
};

size_t HttpClient::Impl::on_body(char* data, size_t size, size_t n, void* transfer) {
  auto& t = *static_cast<Transfer*>(transfer);
  const size_t bytes = size * n;
  if (t.response.body.size() + bytes > kMaxResponseBytes) {
    t.too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t.response.body.append(data, bytes);
  return bytes;
}

size_t HttpClient::Impl::on_header(char* data, size_t size, size_t n, void* transfer) {
  auto& t = *static_cast<Transfer*>(transfer);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new status line (after 100 Continue or a redirect): only the last block counts.
    t.response.headers.clear();
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    t.response.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                    std::string(trim(line.substr(colon + 1))));
  }
  return size * n;
}

void HttpClient::Impl::add(std::unique_ptr<Transfer> t) {
  if (shut_down) {
    finish(*t, Transport::cancelled, "the HTTP client is shutting down");
    return;
  }
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    finish(*t, Transport::failed, "curl_easy_init failed");
    return;
  }
  t->easy = easy;
  const HttpRequest& r = t->request;
  curl_easy_setopt(easy, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  // Only the web's schemes: a URL from a response (a media download) must not read local files.
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // 0 would mean "wait forever" to libcurl; every exchange has a deadline.
  const auto timeout = r.timeout.count() > 0 ? r.timeout : kDefaultTimeout;
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // Over TLS, new transfers wait for a connection that may multiplex (ALPN tells at the
  // handshake) rather than opening their own. Cleartext is HTTP/1.1 only: waiting there would
  // hold every transfer until the first response arrives.
  if (r.url.starts_with("https://")) curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  if (!options.verify_tls) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());

  for (const auto& [name, value] : r.headers) {
    const std::string line = name + ": " + value;
    t->headers = curl_slist_append(t->headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip before large bodies: the servers answer at once.
  t->headers = curl_slist_append(t->headers, "Expect:");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);

  if (!r.multipart.empty()) {
    t->mime = curl_mime_init(easy);
    for (const auto& part : r.multipart) {
      curl_mimepart* p = curl_mime_addpart(t->mime);
      curl_mime_name(p, part.name.c_str());
      curl_mime_data(p, part.value.data(), part.value.size());
      if (!part.filename.empty()) curl_mime_filename(p, part.filename.c_str());
      if (!part.content_type.empty()) curl_mime_type(p, part.content_type.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_MIMEPOST, t->mime);
    if (r.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  } else if (r.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (r.method == "POST" || !r.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.data());
    if (r.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  } else {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }

  Transfer& ref = *t;
  transfers.emplace(easy, std::move(t));
  if (const CURLMcode rc = curl_multi_add_handle(multi, easy); rc != CURLM_OK) {
    finish(ref, Transport::failed, curl_multi_strerror(rc));
  }
  // curl_multi_add_handle arms the timer; the transfer starts from there.
}

// Completes a transfer: hands the response to its callback and frees everything curl held.
void HttpClient::Impl::finish(Transfer& t, Transport transport, std::string error) {
  t.response.transport = transport;
  if (transport != Transport::ok) {
    t.response.error = std::move(error);
    t.response.status = 0;
  }
  std::unique_ptr<Transfer> owned;
  if (t.easy != nullptr) {
    curl_multi_remove_handle(multi, t.easy);
    auto it = transfers.find(t.easy);
    if (it != transfers.end()) {
      owned = std::move(it->second);
      transfers.erase(it);
    }
    curl_easy_cleanup(t.easy);
    t.easy = nullptr;
  }
  if (t.headers != nullptr) curl_slist_free_all(t.headers);
  t.headers = nullptr;
  if (t.mime != nullptr) curl_mime_free(t.mime);
  t.mime = nullptr;

  Callback done = std::move(t.done);
  HttpResponse response = std::move(t.response);
  owned.reset();
  in_flight.fetch_sub(1, std::memory_order_acq_rel);
  if (done) {
    try {
      done(std::move(response));
    } catch (const std::exception& e) {
      KIRIM_BUG(std::string("HTTP client callback threw: ") + e.what());
    }
  }
}

void HttpClient::Impl::drain_completed() {
  int pending = 0;
  while (CURLMsg* m = curl_multi_info_read(multi, &pending)) {
    if (m->msg != CURLMSG_DONE) continue;
    CURL* easy = m->easy_handle;
    const CURLcode rc = m->data.result;
    auto it = transfers.find(easy);
    if (it == transfers.end()) continue;
    Transfer& t = *it->second;
    if (rc == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      t.response.status = static_cast<int>(status);
      finish(t, Transport::ok, {});
    } else {
      std::string message = t.too_large          ? "response body too large"
                            : t.error[0] != '\0' ? std::string(t.error)
                                                 : std::string(curl_easy_strerror(rc));
      finish(t, transport_of(rc, easy), std::move(message));
    }
  }
}

void HttpClient::Impl::socket_action(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi, fd, events, &running);
  drain_completed();
}

void HttpClient::Impl::arm(const std::shared_ptr<Watch>& w) {
  if (w->removed) return;
  if ((w->what & CURL_POLL_IN) != 0 && !w->reading) {
    w->reading = true;
    w->socket.async_wait(tcp::socket::wait_read, [this, w](boost::system::error_code ec) {
      on_ready(w, CURL_CSELECT_IN, ec);
    });
  }
  if ((w->what & CURL_POLL_OUT) != 0 && !w->writing) {
    w->writing = true;
    w->socket.async_wait(tcp::socket::wait_write, [this, w](boost::system::error_code ec) {
      on_ready(w, CURL_CSELECT_OUT, ec);
    });
  }
}

void HttpClient::Impl::on_ready(const std::shared_ptr<Watch>& w, int direction,
                                boost::system::error_code ec) {
  const int wanted_bit = direction == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT;
  (direction == CURL_CSELECT_IN ? w->reading : w->writing) = false;
  if (ec == asio::error::operation_aborted || w->removed) return;
  // A wait that curl no longer wants (it changed its mind since) ends here.
  if ((w->what & wanted_bit) == 0) return;
  socket_action(w->fd, ec ? CURL_CSELECT_ERR : direction);
  arm(w);
}

void HttpClient::Impl::unwatch(curl_socket_t fd) {
  auto it = watches.find(fd);
  if (it == watches.end()) return;
  auto w = it->second;
  watches.erase(it);
  w->removed = true;
  boost::system::error_code ec;
  // Cancels the pending waits (their handlers see operation_aborted) and hands the descriptor
  // back without closing it: curl closes it.
  w->socket.release(ec);
}

int HttpClient::Impl::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto& d = *static_cast<Impl*>(self);
  if (what == CURL_POLL_REMOVE) {
    d.unwatch(fd);
    return 0;
  }
  if (d.shut_down) return 0;
  auto it = d.watches.find(fd);
  if (it == d.watches.end()) {
    auto w = std::make_shared<Watch>(d.ioc);
    w->fd = fd;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const bool v6 = ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
                    addr.ss_family == AF_INET6;
    boost::system::error_code ec;
    w->socket.assign(v6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec) {
      log::warn("cannot watch an HTTP client socket", {{"error", ec.message()}});
      return -1;  // curl fails the transfers on this socket
    }
    it = d.watches.emplace(fd, std::move(w)).first;
  }
  it->second->what = what;
  d.arm(it->second);
  return 0;
}

int HttpClient::Impl::on_timer(CURLM*, long timeout_ms, void* self) {
  auto& d = *static_cast<Impl*>(self);
  if (timeout_ms < 0 || d.shut_down) {
    d.timer.cancel();
    return 0;
  }
  // curl must not be re-entered from this callback: the action runs from the event loop.
  d.timer.expires_after(std::chrono::milliseconds(timeout_ms));
  d.timer.async_wait([&d](boost::system::error_code ec) {
    if (ec || d.shut_down) return;
    d.socket_action(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void HttpClient::Impl::shutdown() {
  shut_down = true;
  timer.cancel();
  // Completing a transfer may start new ones through start(): those find shut_down set.
  while (!transfers.empty()) {
    Transfer& t = *transfers.begin()->second;
    finish(t, Transport::cancelled, "the HTTP client shut down");
  }
  while (!watches.empty())
    unwatch(watches.begin()->first);
  curl_multi_cleanup(multi);
  multi = nullptr;
  work.reset();
}

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  global_init();
  auto& d = *impl_;
  d.multi = curl_multi_init();
  KIRIM_CHECK(d.multi != nullptr, "curl_multi_init failed");
  curl_multi_setopt(d.multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(d.multi, CURLMOPT_SOCKETDATA, &d);
  curl_multi_setopt(d.multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
  curl_multi_setopt(d.multi, CURLMOPT_TIMERDATA, &d);
  curl_multi_setopt(d.multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(d.multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(d.options.max_connections_per_host));
  curl_multi_setopt(d.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(d.options.max_total_connections));
  // Keep as many idle connections as may be open, so that bursts reuse them.
  curl_multi_setopt(d.multi, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(d.options.max_total_connections));
  d.thread = std::thread([&d] { d.ioc.run(); });
}

HttpClient::~HttpClient() {
  auto& d = *impl_;
  KIRIM_CHECK(std::this_thread::get_id() != d.thread.get_id(),
              "an HttpClient must not be destroyed from its own callbacks");
  asio::post(d.ioc, [&d] { d.shutdown(); });
  d.thread.join();
}

void HttpClient::start(HttpRequest request, Callback done) {
  auto& d = *impl_;
  d.in_flight.fetch_add(1, std::memory_order_acq_rel);
  auto t = std::make_unique<Impl::Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  asio::post(d.ioc, [&d, t = std::move(t)]() mutable { d.add(std::move(t)); });
}

HttpResponse HttpClient::fetch(HttpRequest request) {
  if (std::this_thread::get_id() == impl_->thread.get_id()) {
    KIRIM_BUG("HttpClient::fetch called on the client's own thread");
    HttpResponse r;
    r.transport = Transport::failed;
    r.error = "fetch() on the HTTP client's own thread would deadlock";
    return r;
  }
  auto promise = std::make_shared<std::promise<HttpResponse>>();
  auto future = promise->get_future();
  start(std::move(request),
        [promise](HttpResponse response) { promise->set_value(std::move(response)); });
  return future.get();
}

std::size_t HttpClient::in_flight() const {
  return impl_->in_flight.load(std::memory_order_acquire);
}

}  // namespace kirim::whatsapp
