// WhatsApp accounts, templates, the webhook log (docs/api.md "WhatsApp") and the webhook
// receiver Meta calls.
#include <charconv>

#include "api/routes.h"
#include "core/json.h"
#include "whatsapp/accounts.h"
#include "whatsapp/inbox.h"

namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using http::Request;
using http::Response;

whatsapp::AccountInput read_account(json::ObjectReader& r, bool creating) {
  whatsapp::AccountInput in;
  in.name = r.string("name", creating, 1, 200);
  in.waba_id = r.string("waba_id", creating, 1, 32);
  in.access_token = r.raw_string("access_token", creating, 1, 4096);
  in.app_secret = r.raw_string("app_secret", false, 0, 512);
  in.verify_token = r.raw_string("verify_token", false, 0, 512);
  in.graph_url = r.string("graph_url", false, 0, 500);
  if (!creating) in.status = r.one_of("status", false, {"active", "paused"});
  return in;
}

Result<Response> list_accounts(const Dependencies& d, Request&, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto all, d.wa_accounts->list(p.workspace_id));
  boost::json::array items;
  for (const auto& a : all)
    items.push_back(whatsapp::account_json(a));
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> create_account(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto in = read_account(r, true);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto a, d.wa_accounts->create(p.workspace_id, in));
  return json_response(201, whatsapp::account_json(a));
}

Result<Response> update_account(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto in = read_account(r, false);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto a, d.wa_accounts->update(p.workspace_id, id, in));
  return json_response(200, whatsapp::account_json(a));
}

Result<Response> delete_account(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(d.wa_accounts->remove(p.workspace_id, id));
  return Response::no_content();
}

Result<Response> refresh_account(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto a, d.wa_accounts->refresh(p.workspace_id, id));
  return json_response(200, whatsapp::account_json(a));
}

Result<Response> list_templates(const Dependencies& d, Request& req, const Principal& p) {
  whatsapp::TemplateQuery q;
  if (auto a = req.query_param("account_id"); a && !a->empty()) {
    std::int64_t n = 0;
    if (std::from_chars(a->data(), a->data() + a->size(), n).ec != std::errc()) {
      return json::validation_error({{"account_id", "must be an account id"}});
    }
    q.account_id = n;
  }
  q.status = req.query_param("status").value_or("");
  q.category = req.query_param("category").value_or("");
  q.language = req.query_param("language").value_or("");
  q.q = req.query_param("q").value_or("");
  KIRIM_ASSIGN_OR_RETURN(auto all, d.wa_accounts->templates(p.workspace_id, q));
  boost::json::array items;
  for (const auto& t : all)
    items.push_back(whatsapp::template_json(t));
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> sync_templates(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto r, d.wa_accounts->sync_templates(p.workspace_id, id));
  return json_response(200, boost::json::object{{"synced", r.synced}, {"removed", r.removed}});
}

Result<Response> create_template(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto account = r.integer("account_id", true, 1, INT64_MAX);
  r.string("name", true, 1, 512);
  r.string("language", true, 2, 16);
  r.string("category", true, 1, 32);
  r.string("parameter_format", false, 0, 16);
  r.value("components", true);
  KIRIM_TRY(r.finish());
  body.erase("account_id");
  KIRIM_ASSIGN_OR_RETURN(auto t, d.wa_accounts->create_template(p.workspace_id, *account, body));
  return json_response(201, whatsapp::template_json(t));
}

Result<Response> delete_template(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(d.wa_accounts->delete_template(p.workspace_id, id));
  return Response::no_content();
}

Result<Response> list_webhooks(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  whatsapp::WebhookQuery q;
  q.q = req.query_param("q").value_or("");
  q.kind = req.query_param("kind").value_or("");
  q.outcome = req.query_param("outcome").value_or("");
  q.before = page.after;
  q.limit = page.limit + 1;
  KIRIM_ASSIGN_OR_RETURN(auto all, d.inbox->events(p.workspace_id, q));
  boost::json::array items;
  std::optional<std::int64_t> next;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i == static_cast<std::size_t>(page.limit)) {
      next = all[i - 1].id;
      break;
    }
    items.push_back(whatsapp::webhook_event_json(all[i], false));
  }
  return json_response(200, page_json(std::move(items), next));
}

Result<Response> get_webhook(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto e, d.inbox->event(p.workspace_id, id));
  return json_response(200, whatsapp::webhook_event_json(e, true));
}

Result<Response> replay_webhook(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto e, d.inbox->replay(p.workspace_id, id));
  return json_response(200, whatsapp::webhook_event_json(e, true));
}

constexpr AuthedRoute kRoutes[] = {
    {"GET", "/api/v1/whatsapp/accounts", Role::viewer, list_accounts},
    {"POST", "/api/v1/whatsapp/accounts", Role::admin, create_account},
    {"PATCH", "/api/v1/whatsapp/accounts/{id}", Role::admin, update_account},
    {"DELETE", "/api/v1/whatsapp/accounts/{id}", Role::admin, delete_account},
    {"POST", "/api/v1/whatsapp/accounts/{id}/refresh", Role::admin, refresh_account},
    {"POST", "/api/v1/whatsapp/accounts/{id}/templates/sync", Role::editor, sync_templates},
    {"GET", "/api/v1/whatsapp/templates", Role::viewer, list_templates},
    {"POST", "/api/v1/whatsapp/templates", Role::editor, create_template},
    {"DELETE", "/api/v1/whatsapp/templates/{id}", Role::editor, delete_template},
    {"GET", "/api/v1/webhooks/events", Role::admin, list_webhooks},
    {"GET", "/api/v1/webhooks/events/{id}", Role::admin, get_webhook},
    {"POST", "/api/v1/webhooks/events/{id}/replay", Role::admin, replay_webhook},
};

std::optional<std::int64_t> account_param(const Request& req) {
  const auto v = req.param("account_id");
  if (v.empty()) return std::nullopt;
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n <= 0) return std::int64_t{0};
  return n;
}

// Meta's handshake: hub.mode, hub.verify_token, hub.challenge (PHP rewrites the dots).
Response handshake(const Dependencies& d, Request& req) {
  auto q = [&](const char* dotted, const char* underscored) {
    auto v = req.query_param(dotted);
    return v ? *v : req.query_param(underscored).value_or("");
  };
  auto challenge = d.inbox->handshake(account_param(req), q("hub.mode", "hub_mode"),
                                      q("hub.verify_token", "hub_verify_token"),
                                      q("hub.challenge", "hub_challenge"));
  if (!challenge) {
    return http::Response::json(
        403, R"({"error":{"code":"forbidden","message":"The verify token does not match."}})");
  }
  return http::Response::text(200, *challenge, "text/plain");
}

void receive(const Dependencies& d, Request& req, http::Reply reply) {
  d.inbox->receive(
      account_param(req), req.header("x-hub-signature-256"), std::move(req.body),
      [reply = std::move(reply)](int status, std::string message) {
        if (status == 200) {
          reply(http::Response::json(200, R"({"status":"ok"})"));
          return;
        }
        const char* code = status == 401   ? "unauthenticated"
                           : status == 403 ? "forbidden"
                           : status == 404 ? "not_found"
                                           : "unavailable";
        boost::json::object o{{"error", {{"code", code}, {"message", std::move(message)}}}};
        reply(json_response(status, o));
      });
}

}  // namespace

void register_whatsapp_routes(http::Router& router, const Dependencies& deps) {
  add_authed_routes(router, deps, kRoutes);
  for (const char* path : {"/webhooks/whatsapp", "/webhooks/whatsapp/{account_id}"}) {
    router.add(
        {"GET", path, http::Mode::inline_, [&deps](Request& req) { return handshake(deps, req); }});
    http::Route post{"POST", path, http::Mode::deferred, {}};
    post.deferred = [&deps](Request& req, http::Reply reply) {
      receive(deps, req, std::move(reply));
    };
    router.add(std::move(post));
  }
}

}  // namespace kirim::api
