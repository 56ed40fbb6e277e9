// Outgoing webhooks: endpoints and their deliveries (docs/api.md "Outgoing webhooks").
#include "api/routes.h"
#include "core/json.h"
#include "notify/outgoing.h"

namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using http::Request;
using http::Response;

Result<notify::EndpointInput> read_input(const Dependencies& d, const Request& req, bool creating) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  notify::EndpointInput in;
  in.url = r.string("url", creating, 1, notify::kMaxUrlBytes);
  in.description = r.string("description", false, 0, notify::kMaxDescriptionBytes);
  in.events = r.string_array("events", false, notify::kEvents.size() + 1, 1, 64);
  in.enabled = r.boolean("enabled", false);
  // The service's own checks too, so that one answer names every problem.
  for (auto& [field, reason] : d.outgoing->problems(in, creating))
    r.fail(field, std::move(reason));
  KIRIM_TRY(r.finish());
  return in;
}

boost::json::object with_secret(const notify::EndpointWithSecret& e) {
  return {{"endpoint", notify::endpoint_json(e.endpoint)}, {"secret", e.secret}};
}

Result<Response> list_endpoints(const Dependencies& d, Request&, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto all, d.outgoing->endpoints(p.workspace_id));
  boost::json::array items;
  for (const auto& e : all)
    items.push_back(notify::endpoint_json(e));
  boost::json::array events;
  for (auto e : notify::kEvents)
    events.emplace_back(e);
  return json_response(
      200, boost::json::object{{"data", std::move(items)}, {"events", std::move(events)}});
}

Result<Response> create_endpoint(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto in, read_input(d, req, true));
  KIRIM_ASSIGN_OR_RETURN(auto made, d.outgoing->create(p.workspace_id, in));
  return json_response(201, with_secret(made));
}

Result<Response> update_endpoint(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto in, read_input(d, req, false));
  KIRIM_ASSIGN_OR_RETURN(auto e, d.outgoing->update(p.workspace_id, id, in));
  return json_response(200, notify::endpoint_json(e));
}

Result<Response> delete_endpoint(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(d.outgoing->remove(p.workspace_id, id));
  return Response::no_content();
}

Result<Response> rotate_secret(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto e, d.outgoing->rotate_secret(p.workspace_id, id));
  return json_response(200, with_secret(e));
}

Result<Response> test_endpoint(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto delivery, d.outgoing->send_test(p.workspace_id, id));
  return json_response(202, notify::delivery_json(delivery, false));
}

Result<Response> list_deliveries(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  notify::DeliveryQuery q;
  if (auto s = req.query_param("state"); s && !s->empty()) {
    q.state = notify::parse_delivery_state(*s);
    if (!q.state) {
      return json::validation_error({{"state", "must be pending, delivered or failed"}});
    }
  }
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  q.before = page.after;
  q.limit = page.limit + 1;  // one more tells whether another page follows
  KIRIM_ASSIGN_OR_RETURN(auto found, d.outgoing->deliveries(p.workspace_id, id, q));
  boost::json::array items;
  std::optional<std::int64_t> next;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i == static_cast<std::size_t>(page.limit)) {
      next = found[i - 1].id;
      break;
    }
    items.push_back(notify::delivery_json(found[i], false));
  }
  return json_response(200, page_json(std::move(items), next));
}

Result<Response> get_delivery(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto delivery, d.outgoing->delivery(p.workspace_id, id));
  return json_response(200, notify::delivery_json(delivery, true));
}

Result<Response> redeliver(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto delivery, d.outgoing->redeliver(p.workspace_id, id));
  return json_response(202, notify::delivery_json(delivery, false));
}

// Owners and admins only: endpoints receive the workspace's data, and their secrets sign it.
constexpr AuthedRoute kRoutes[] = {
    {"GET", "/api/v1/webhooks/endpoints", Role::admin, list_endpoints},
    {"POST", "/api/v1/webhooks/endpoints", Role::admin, create_endpoint},
    {"PATCH", "/api/v1/webhooks/endpoints/{id}", Role::admin, update_endpoint},
    {"DELETE", "/api/v1/webhooks/endpoints/{id}", Role::admin, delete_endpoint},
    {"POST", "/api/v1/webhooks/endpoints/{id}/rotate-secret", Role::admin, rotate_secret},
    {"POST", "/api/v1/webhooks/endpoints/{id}/test", Role::admin, test_endpoint},
    {"GET", "/api/v1/webhooks/endpoints/{id}/deliveries", Role::admin, list_deliveries},
    {"GET", "/api/v1/webhooks/deliveries/{id}", Role::admin, get_delivery},
    {"POST", "/api/v1/webhooks/deliveries/{id}/redeliver", Role::admin, redeliver},
};

}  // namespace

void register_webhook_out_routes(http::Router& router, const Dependencies& deps) {
  add_authed_routes(router, deps, kRoutes);
}

}  // namespace kirim::api
