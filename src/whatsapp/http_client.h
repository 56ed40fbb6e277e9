#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

// Outbound HTTP for the Graph API, the sandbox's webhooks and (later) outgoing webhooks: libcurl's
// multi interface driven by an Asio event loop on the client's own thread
// (curl_multi_socket_action with a socket watcher per connection and one timer), so hundreds of
// requests are in flight at once with no thread per request. Connections are kept alive and
// reused; HTTP/2 is used when the server offers it (ALPN over TLS).
namespace kirim::whatsapp {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::chrono::milliseconds kDefaultTimeout{20'000};

// A response body larger than this fails the exchange (Meta's largest media is 100 MB).
inline constexpr std::size_t kMaxResponseBytes = 128 * 1024 * 1024;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, DELETE, ...
  std::string url;             // absolute: https://graph.facebook.com/v23.0/123/messages
  Headers headers;             // e.g. {"Authorization", "Bearer ..."}, {"Content-Type", ...}
  std::string body;
  // A multipart/form-data body instead of `body` (media upload): name -> value, and files.
  struct Part {
    std::string name;
    std::string value;         // the field's value, or the file's bytes
    std::string filename;      // non-empty: a file part
    std::string content_type;  // for file parts
  };
  std::vector<Part> multipart;
  std::chrono::milliseconds timeout{20'000};  // the whole exchange, connect included; 0: 20 s
};

// How an exchange ended on the wire.
enum class Transport {
  ok,              // a response arrived (any status)
  connect_failed,  // no connection was made (DNS, refused, TLS): the server never saw it
  timeout,         // the deadline passed; whether the server acted on it is unknown
  failed,          // the connection broke after the request may have been sent
  cancelled,       // the client shut down first
};

struct HttpResponse {
  Transport transport = Transport::ok;
  int status = 0;   // HTTP status; 0 without a response
  Headers headers;  // names in lower case
  std::string body;
  std::string error;  // libcurl's message when transport != ok

  [[nodiscard]] std::string header(std::string_view lower_name) const;
  // True when the server certainly did not act on the request (no connection was made).
  [[nodiscard]] bool never_sent() const { return transport == Transport::connect_failed; }
};

struct HttpClientOptions {
  std::size_t max_connections_per_host = 64;  // libcurl CURLMOPT_MAX_HOST_CONNECTIONS
  std::size_t max_total_connections = 256;
  bool verify_tls = true;
  std::string user_agent = "kirim";
};

// Owns a thread with its own io_context. Thread-safe: start() and fetch() from any thread
// (fetch() never from a callback). Callbacks run on the client's thread, one at a time, and must
// not block. Destroying the client completes every request still in flight with
// Transport::cancelled, then joins its thread; it must not be destroyed from its own callback.
// A timeout before the connection was made reports connect_failed, since the server never saw
// the request.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Callback = std::function<void(HttpResponse)>;
  void start(HttpRequest request, Callback done);
  // Blocks until the exchange ends. For blocking pools and the command line, never an I/O thread.
  [[nodiscard]] HttpResponse fetch(HttpRequest request);

  [[nodiscard]] std::size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kirim::whatsapp
