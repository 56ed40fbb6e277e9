#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace kirim::http {

using Handler = std::function<Response(Request&)>;
// A non-blocking attempt at a blocking route, run on the I/O thread: an answer from memory, or
// nullopt to have the route's handler run on the blocking pool instead.
using FastPath = std::function<std::optional<Response>(Request&)>;

// A handler that answers later: it is called on the I/O thread, must not block, and calls reply
// exactly once, from any thread, when the answer is ready (e.g. after an asynchronous database
// write or a timer). The Request stays valid until reply is called.
using Reply = std::function<void(Response)>;
using DeferredHandler = std::function<void(Request&, Reply)>;

// Where a handler runs. Inline handlers run on the I/O thread and must not block (health, metrics,
// static files from memory). Blocking handlers run on the blocking pool (anything touching SQL).
// Deferred handlers start on the I/O thread and answer through their Reply.
enum class Mode { inline_, blocking, deferred };

struct Route {
  std::string method;   // "GET", "POST", ...
  std::string pattern;  // "/api/v1/users/{id}"; also the route's label in metrics and logs
  Mode mode = Mode::blocking;
  Handler handler;
  FastPath fast = {};             // optional; only for Mode::blocking routes
  DeferredHandler deferred = {};  // Mode::deferred routes use this instead of handler
};

// The route table: path patterns with {param} segments, matched segment by segment. Built at
// start-up, then read-only and safe to share between threads.
class Router {
 public:
  void add(Route route);
  // Handles GET and HEAD requests that match no route (the web app's files and SPA fallback).
  void set_fallback(Mode mode, Handler handler);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    std::map<std::string, std::string, std::less<>> params;
    std::string allowed;  // for a path that exists with other methods: "GET, POST"
  };
  [[nodiscard]] Match match(std::string_view method, std::string_view path) const;
  [[nodiscard]] const Route* fallback() const { return fallback_.handler ? &fallback_ : nullptr; }
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;  // "{id}" marks a parameter
  };
  std::vector<Compiled> compiled_;
  std::vector<Route> routes_;
  Route fallback_;
};

[[nodiscard]] std::vector<std::string_view> split_path(std::string_view path);

}  // namespace kirim::http
