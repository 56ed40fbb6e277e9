#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/metrics.h"
#include "core/result.h"
#include "http/router.h"

namespace kirim::http {

// Named limits and timeouts of the HTTP server, each covered by a boundary test.
inline constexpr std::size_t kHeaderLimit = 16 * 1024;        // request line + headers
inline constexpr std::chrono::seconds kIdleTimeout{60};       // waiting for the next request
inline constexpr std::chrono::seconds kBodyTimeout{30};       // reading a request body
inline constexpr std::chrono::seconds kWriteTimeout{30};      // writing a response
inline constexpr std::chrono::seconds kLingerTimeout{2};      // draining a refused request's body
inline constexpr std::size_t kLingerBytes = 8 * 1024 * 1024;  // ... and at most this much

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  int io_threads = 1;
  int blocking_threads = 4;
  std::size_t body_limit = 1024 * 1024;
  bool access_log = true;
  std::chrono::milliseconds shutdown_timeout{10'000};
  // Catch SIGINT and SIGTERM from start() on, for wait_for_signal(). Off in tests.
  bool handle_signals = false;
};

// A connection that asked to switch protocols, handed over with its socket and request
// (http/upgrade.h has the definition; only WebSocket code includes it).
struct Upgrade;
using UpgradeHandler = std::function<void(std::unique_ptr<Upgrade>)>;

// The HTTP/1.1 server: Boost.Beast on one io_context driven by io_threads threads, a strand per
// connection, blocking routes on a separate pool. Owns its threads; the Router and Registry must
// outlive it. start(), shutdown() and wait_for_signal() are called from one controlling thread.
class Server {
 public:
  Server(ServerOptions options, const Router& router, metrics::Registry& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Upgrade requests whose path starts with prefix go to handler, which owns the connection from
  // then on. Call before start().
  void add_upgrade(std::string path_prefix, UpgradeHandler handler);
  // The same for paths the predicate accepts (it sees the path without the query).
  void add_upgrade(std::function<bool(std::string_view path)> matches, UpgradeHandler handler);
  // Runs first thing in shutdown(), while the event loop still runs (e.g. to close WebSockets).
  void on_shutdown(std::function<void()> hook);

  // Binds and starts serving. Fails (unavailable) when the address cannot be bound.
  [[nodiscard]] Result<void> start();
  [[nodiscard]] unsigned short port() const;

  // Stops accepting, closes idle connections, lets requests in flight finish within the shutdown
  // timeout, then stops every thread. Blocks; idempotent.
  void shutdown();
  // Blocks until SIGINT or SIGTERM (caught from start() on; needs handle_signals), then shuts
  // down.
  void wait_for_signal();

  // Connections currently open (exported on /metrics).
  [[nodiscard]] std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kirim::http
