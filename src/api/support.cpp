#include "api/support.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/json/serialize.hpp>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"
#include "http/errors.h"

namespace kirim::api {
namespace {

constexpr std::string_view kSessionCookie = "kirim_session";

http::Response render_error(const http::Request& req, const Error& e) {
  if (e.code == Errc::internal || e.code == Errc::unavailable) {
    log::error("request failed",
               {{"request_id", req.request_id}, {"path", req.path}, {"error", e.message}});
  }
  auto res = http::error_response(e);
  if (e.code == Errc::too_many) {
    auto it = e.details.find("retry_after");
    if (it != e.details.end()) res.set_header("Retry-After", it->second);
  }
  return res;
}

bool safe_method(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS";
}

Result<accounts::Principal> authenticate(const Dependencies& deps, const http::Request& req) {
  const auto auth = req.header("authorization");
  if (auth.starts_with("Bearer ") || auth.starts_with("bearer ")) {
    return deps.accounts.authenticate_token(std::string(auth.substr(7)));
  }
  const auto cookie = req.cookie(kSessionCookie);
  if (!cookie) return make_error(Errc::unauthenticated, "Sign in to continue.", "unauthenticated");
  KIRIM_ASSIGN_OR_RETURN(auto p, deps.accounts.authenticate_session(*cookie));
  if (!safe_method(req.method) &&
      !crypto::constant_time_equal(req.header("x-csrf-token"), p.csrf_token)) {
    return make_error(Errc::forbidden,
                      "The request lacks a valid X-CSRF-Token header. Reload the page and try "
                      "again.",
                      "csrf_failed");
  }
  return p;
}

}  // namespace

std::optional<accounts::Principal> cached_caller(const Dependencies& deps,
                                                 const http::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  const auto auth = req.header("authorization");
  if (auth.starts_with("Bearer ") || auth.starts_with("bearer ")) {
    return deps.accounts.cached_token(std::string(auth.substr(7)));
  }
  if (!auth.empty()) return std::nullopt;
  const auto cookie = req.cookie(kSessionCookie);
  if (!cookie) return std::nullopt;
  return deps.accounts.cached_session(*cookie);
}

http::Handler open(Open fn) {
  return [fn = std::move(fn)](http::Request& req) -> http::Response {
    auto r = fn(req);
    if (!r.ok()) return render_error(req, r.error());
    return std::move(r).value();
  };
}

http::Handler authed(const Dependencies& deps, accounts::Role min_role, Authed fn) {
  return [&deps, min_role, fn = std::move(fn)](http::Request& req) -> http::Response {
    auto p = authenticate(deps, req);
    if (!p.ok()) return render_error(req, p.error());
    if (!accounts::at_least(p->role, min_role)) {
      return render_error(
          req, make_error(Errc::forbidden,
                          "Your role (" + std::string(role_name(p->role)) + ") may not do this.",
                          "forbidden"));
    }
    auto r = fn(req, p.value());
    if (!r.ok()) return render_error(req, r.error());
    return std::move(r).value();
  };
}

Result<boost::json::object> json_body(const http::Request& req) {
  // The media type before any parameters, compared without case (RFC 9110 §8.3.1).
  auto type = req.header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ')
    type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  const bool is_json = type.size() == kJson.size() &&
                       std::equal(type.begin(), type.end(), kJson.begin(), [](char a, char b) {
                         return std::tolower(static_cast<unsigned char>(a)) == b;
                       });
  if (!is_json) {
    return make_error(Errc::invalid_argument, "Send the body as application/json.",
                      "unsupported_media_type");
  }
  return json::parse_object(req.body);
}

void add_authed_routes(http::Router& router, const Dependencies& deps,
                       std::span<const AuthedRoute> routes) {
  for (const auto& r : routes) {
    router.add(
        {r.method, r.pattern, http::Mode::blocking,
         authed(deps, r.role, [&deps, fn = r.fn](http::Request& req, const accounts::Principal& p) {
           return fn(deps, req, p);
         })});
  }
}

Result<PageParams> page_params(const http::Request& req) {
  PageParams p;
  if (auto l = req.query_param("limit")) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || ptr != l->data() + l->size() || n < 1 || n > 200) {
      return json::validation_error({{"limit", "must be a whole number from 1 to 200"}});
    }
    p.limit = n;
  }
  if (auto c = req.query_param("cursor"); c && !c->empty()) {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(c->data(), c->data() + c->size(), n);
    if (ec != std::errc() || ptr != c->data() + c->size() || n < 0) {
      return make_error(Errc::invalid_argument, "The cursor is not valid.", "bad_request");
    }
    p.after = n;
  }
  return p;
}

Result<std::int64_t> id_param(const http::Request& req, std::string_view name) {
  const auto v = req.param(name);
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n <= 0) {
    return make_error(Errc::not_found, "There is nothing with the id '" + std::string(v) + "'.");
  }
  return n;
}

http::Response json_response(int status, const boost::json::value& v) {
  auto res = http::Response::json(status, boost::json::serialize(v));
  res.set_header("Cache-Control", "no-store");
  return res;
}

boost::json::value page_json(boost::json::array items,
                             const std::optional<std::int64_t>& next_after) {
  boost::json::object o;
  o["data"] = std::move(items);
  if (next_after) {
    o["next_cursor"] = std::to_string(*next_after);
  } else {
    o["next_cursor"] = nullptr;
  }
  return o;
}

boost::json::object user_json(const accounts::User& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"role", accounts::role_name(u.role)},
          {"created_at", iso8601_utc(u.created_at)}};
}

boost::json::object workspace_json(const accounts::Workspace& w) {
  return {{"id", w.id}, {"name", w.name}, {"created_at", iso8601_utc(w.created_at)}};
}

boost::json::object me_json(const accounts::Me& me) {
  return {{"user", user_json(me.user)},
          {"workspace", workspace_json(me.workspace)},
          {"role", accounts::role_name(me.user.role)},
          {"csrf_token", me.csrf_token}};
}

boost::json::object token_json(const accounts::ApiToken& t) {
  boost::json::object o{
      {"id", t.id},
      {"name", t.name},
      {"prefix", t.prefix},
      {"created_at", iso8601_utc(t.created_at)},
      {"user", {{"id", t.user_id}, {"email", t.user_email}, {"name", t.user_name}}}};
  if (t.last_used_at) {
    o["last_used_at"] = iso8601_utc(*t.last_used_at);
  } else {
    o["last_used_at"] = nullptr;
  }
  return o;
}

}  // namespace kirim::api
