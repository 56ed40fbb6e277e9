#pragma once

#include <functional>
#include <span>
#include <string>

#include <boost/json/object.hpp>

#include "accounts/accounts.h"
#include "api/api.h"
#include "http/message.h"

// What every handler shares: authentication (cookie or bearer) with CSRF checks, JSON bodies,
// pagination parameters and the rendering of the common objects.
namespace kirim::api {

using Authed = std::function<Result<http::Response>(http::Request&, const accounts::Principal&)>;
using Open = std::function<Result<http::Response>(http::Request&)>;

// Wraps a handler that needs a signed-in caller with at least `min_role`.
[[nodiscard]] http::Handler authed(const Dependencies& deps, accounts::Role min_role, Authed fn);
// One row of an area's route table: a blocking handler for signed-in callers of at least `role`.
struct AuthedRoute {
  const char* method;
  const char* pattern;
  accounts::Role role;
  Result<http::Response> (*fn)(const Dependencies&, http::Request&, const accounts::Principal&);
};
// Adds every row of a route table (the router keeps the first match: specific paths first).
void add_authed_routes(http::Router& router, const Dependencies& deps,
                       std::span<const AuthedRoute> routes);
// The caller as this process remembers them, without touching the database: for fast paths of
// reads. nullopt when unknown, stale, or when the request is not a GET/HEAD.
[[nodiscard]] std::optional<accounts::Principal> cached_caller(const Dependencies& deps,
                                                               const http::Request& req);
// Wraps a handler that needs no caller; its errors become the API's error body.
[[nodiscard]] http::Handler open(Open fn);

// The request body as a JSON object (415 unless application/json, 400 when malformed).
[[nodiscard]] Result<boost::json::object> json_body(const http::Request& req);
// ?limit= (1..200, default 50) and ?cursor= (an id from next_cursor).
struct PageParams {
  int limit = 50;
  std::int64_t after = 0;
};
[[nodiscard]] Result<PageParams> page_params(const http::Request& req);
[[nodiscard]] Result<std::int64_t> id_param(const http::Request& req, std::string_view name);

[[nodiscard]] http::Response json_response(int status, const boost::json::value& v);
[[nodiscard]] boost::json::value page_json(boost::json::array items,
                                           const std::optional<std::int64_t>& next_after);

[[nodiscard]] boost::json::object user_json(const accounts::User& u);
[[nodiscard]] boost::json::object workspace_json(const accounts::Workspace& w);
[[nodiscard]] boost::json::object me_json(const accounts::Me& me);
[[nodiscard]] boost::json::object token_json(const accounts::ApiToken& t);

}  // namespace kirim::api
