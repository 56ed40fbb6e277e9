#include "accounts/passwords.h"
#include "api/routes.h"
#include "core/json.h"

namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using http::Request;
using http::Response;

const std::initializer_list<std::string_view> kRoles = {"owner", "admin", "editor", "viewer"};

Result<boost::json::object> full_workspace_json(const Dependencies& deps, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto ws, deps.accounts.workspace(p));
  KIRIM_ASSIGN_OR_RETURN(auto stats, deps.accounts.workspace_stats(p));
  auto o = workspace_json(ws);
  o["stats"] = {{"users", stats.users}, {"api_tokens", stats.api_tokens}};
  if (deps.contacts != nullptr) {
    KIRIM_ASSIGN_OR_RETURN(auto s, deps.contacts->settings(p.workspace_id));
    boost::json::array out_kw, in_kw;
    for (const auto& k : s.opt_out_keywords)
      out_kw.emplace_back(k);
    for (const auto& k : s.opt_in_keywords)
      in_kw.emplace_back(k);
    o["settings"] = {{"default_region", s.default_region},
                     {"opt_out_keywords", std::move(out_kw)},
                     {"opt_in_keywords", std::move(in_kw)}};
  }
  return o;
}

Result<Response> get_workspace(const Dependencies& deps, Request&, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto o, full_workspace_json(deps, p));
  return json_response(200, o);
}

Result<Response> update_workspace(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto name = r.string("name", false, 1, accounts::kMaxNameLength);
  std::optional<std::string> region;
  std::optional<std::vector<std::string>> out_kw, in_kw;
  if (deps.contacts != nullptr) {
    region = r.string("default_region", false, 0, 2);
    out_kw = r.string_array("opt_out_keywords", false, contacts::kMaxKeywords, 1,
                            contacts::kMaxKeywordLength);
    in_kw = r.string_array("opt_in_keywords", false, contacts::kMaxKeywords, 1,
                           contacts::kMaxKeywordLength);
  }
  if (!name && !region && !out_kw && !in_kw && !r.has("name")) r.fail("name", "is required");
  KIRIM_TRY(r.finish());
  if (region || out_kw || in_kw) {
    KIRIM_TRY(deps.contacts->update_settings(p.workspace_id, region, out_kw, in_kw));
  }
  if (name) KIRIM_TRY(deps.accounts.rename_workspace(p, *name));
  KIRIM_ASSIGN_OR_RETURN(auto o, full_workspace_json(deps, p));
  return json_response(200, o);
}

Result<Response> list_users(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  KIRIM_ASSIGN_OR_RETURN(auto users,
                         deps.accounts.list_users(p.workspace_id, page.after, page.limit));
  boost::json::array items;
  for (const auto& u : users.items)
    items.push_back(user_json(u));
  return json_response(200, page_json(std::move(items), users.next_after));
}

Result<Response> create_user(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto email = r.string("email", true, 1, 254);
  auto name = r.string("name", true, 1, accounts::kMaxNameLength);
  auto password = r.raw_string("password", true, 1, accounts::kMaxPasswordLength);
  auto role = r.one_of("role", true, kRoles);
  KIRIM_TRY(r.finish());
  const auto& raw_password = body.at("password").as_string();
  KIRIM_ASSIGN_OR_RETURN(auto user,
                         deps.accounts.create_user(p, *email, *name, std::string(raw_password),
                                                   *accounts::parse_role(*role)));
  return json_response(201, user_json(user));
}

Result<Response> update_user(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto name = r.string("name", false, 1, accounts::kMaxNameLength);
  auto role = r.one_of("role", false, kRoles);
  KIRIM_TRY(r.finish());
  std::optional<Role> new_role;
  if (role) new_role = accounts::parse_role(*role);
  KIRIM_ASSIGN_OR_RETURN(auto user, deps.accounts.update_user(p, id, name, new_role));
  return json_response(200, user_json(user));
}

Result<Response> remove_user(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(deps.accounts.remove_user(p, id));
  return Response::no_content();
}

Result<Response> list_tokens(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  KIRIM_ASSIGN_OR_RETURN(auto tokens, deps.accounts.list_tokens(p, page.after, page.limit));
  boost::json::array items;
  for (const auto& t : tokens.items)
    items.push_back(token_json(t));
  return json_response(200, page_json(std::move(items), tokens.next_after));
}

Result<Response> create_token(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto name = r.string("name", true, 1, accounts::kMaxNameLength);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto created, deps.accounts.create_token(p, *name));
  boost::json::object o{{"token", token_json(created.token)}, {"secret", created.secret}};
  return json_response(201, o);
}

Result<Response> revoke_token(const Dependencies& deps, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(deps.accounts.revoke_token(p, id));
  return Response::no_content();
}

// One row per route: method, pattern, least role, handler.
constexpr AuthedRoute kRoutes[] = {
    {"GET", "/api/v1/workspace", Role::viewer, get_workspace},
    {"PATCH", "/api/v1/workspace", Role::admin, update_workspace},
    {"GET", "/api/v1/users", Role::viewer, list_users},
    {"POST", "/api/v1/users", Role::admin, create_user},
    {"PATCH", "/api/v1/users/{id}", Role::admin, update_user},
    {"DELETE", "/api/v1/users/{id}", Role::admin, remove_user},
    {"GET", "/api/v1/tokens", Role::admin, list_tokens},
    {"POST", "/api/v1/tokens", Role::admin, create_token},
    {"DELETE", "/api/v1/tokens/{id}", Role::admin, revoke_token},
};

}  // namespace

void register_team_routes(http::Router& router, const Dependencies& deps) {
  add_authed_routes(router, deps, kRoutes);
}

}  // namespace kirim::api
