#include "accounts/passwords.h"
#include "api/routes.h"
#include "core/json.h"
#include "core/metrics.h"

namespace kirim::api {
namespace {

using accounts::Role;
using http::Request;
using http::Response;

bool secure(const Dependencies& deps, const Request& req) {
  return deps.secure_cookies == "always" || (deps.secure_cookies == "auto" && req.tls);
}

std::string cookie(std::string_view name, std::string_view value, long max_age, bool http_only,
                   bool secure_flag) {
  std::string c = std::string(name) + "=" + std::string(value) +
                  "; Path=/; SameSite=Lax; Max-Age=" + std::to_string(max_age);
  if (http_only) c += "; HttpOnly";
  if (secure_flag) c += "; Secure";
  return c;
}

Result<Response> login(const Dependencies& deps, Request& req) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto email = r.string("email", true, 1, 254);
  auto password = r.raw_string("password", true, 1, accounts::kMaxPasswordLength);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto result, deps.accounts.login(*email, *password, req.remote_addr,
                                                          std::string(req.header("user-agent"))));
  auto res = json_response(200, me_json(result.me));
  const long max_age = static_cast<long>(accounts::kSessionIdleMs / 1000);
  res.headers.emplace_back("Set-Cookie", cookie("kirim_session", result.session_token, max_age,
                                                true, secure(deps, req)));
  res.headers.emplace_back(
      "Set-Cookie", cookie("kirim_csrf", result.me.csrf_token, max_age, false, secure(deps, req)));
  return res;
}

Result<Response> logout(const Dependencies& deps, Request& req, const accounts::Principal& p) {
  if (p.session_id) KIRIM_TRY(deps.accounts.logout(*p.session_id));
  auto res = Response::no_content();
  res.headers.emplace_back("Set-Cookie", cookie("kirim_session", "", 0, true, secure(deps, req)));
  res.headers.emplace_back("Set-Cookie", cookie("kirim_csrf", "", 0, false, secure(deps, req)));
  return res;
}

Result<Response> me(const Dependencies& deps, Request&, const accounts::Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto m, deps.accounts.me(p));
  return json_response(200, me_json(m));
}

Result<Response> update_me(const Dependencies& deps, Request& req, const accounts::Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto name = r.string("name", true, 1, accounts::kMaxNameLength);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto m, deps.accounts.update_profile(p, *name));
  return json_response(200, me_json(m));
}

Result<Response> change_password(const Dependencies& deps, Request& req,
                                 const accounts::Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto current = r.raw_string("current_password", true, 1, accounts::kMaxPasswordLength);
  auto next = r.raw_string("new_password", true, 1, accounts::kMaxPasswordLength);
  KIRIM_TRY(r.finish());
  KIRIM_TRY(deps.accounts.change_password(p, *current, *next));
  return Response::no_content();
}

}  // namespace

void register_auth_routes(http::Router& router, const Dependencies& deps) {
  using http::Mode;
  router.add({"POST", "/api/v1/auth/login", Mode::blocking,
              open([&deps](Request& req) { return login(deps, req); })});
  router.add({"POST", "/api/v1/auth/logout", Mode::blocking,
              authed(deps, Role::viewer,
                     [&deps](Request& req, const auto& p) { return logout(deps, req, p); })});
  router.add({"GET", "/api/v1/me", Mode::blocking,
              authed(deps, Role::viewer,
                     [&deps](Request& req, const auto& p) { return me(deps, req, p); }),
              // The most frequent call of the web app and of scripts: answered from memory when
              // the caller and their profile were seen within the cache's lifetime.
              [&deps](Request& req) -> std::optional<Response> {
                const auto p = cached_caller(deps, req);
                if (!p) return std::nullopt;
                const auto m = deps.accounts.cached_me(*p);
                if (!m) return std::nullopt;
                return json_response(200, me_json(*m));
              }});
  router.add({"PATCH", "/api/v1/me", Mode::blocking,
              authed(deps, Role::viewer,
                     [&deps](Request& req, const auto& p) { return update_me(deps, req, p); })});
  router.add({"POST", "/api/v1/me/password", Mode::blocking,
              authed(deps, Role::viewer, [&deps](Request& req, const auto& p) {
                return change_password(deps, req, p);
              })});
}

}  // namespace kirim::api
