#include <charconv>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "api/routes.h"
#include "campaigns/campaigns.h"
#include "core/json.h"
#include "core/time_format.h"
#include "realtime/protocol.h"

// Kirim's own use of the hub: Laravel-style channel authorization for the signed-in user, and a
// test event owners and admins can send to their workspace.
namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using http::Request;
using http::Response;

std::string workspace_channel(const Principal& p) {
  return "private-workspace." + std::to_string(p.workspace_id);
}
std::string presence_channel(const Principal& p) {
  return "presence-workspace." + std::to_string(p.workspace_id);
}

// socket_id and channel_name from a form-encoded body (what pusher-js sends) or a JSON one.
std::map<std::string, std::string> auth_fields(const Request& req) {
  std::map<std::string, std::string> out;
  if (req.header("content-type").starts_with("application/json")) {
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body, ec);
    if (!ec && v.is_object()) {
      for (const auto& [k, val] : v.as_object()) {
        if (val.is_string()) out[std::string(k)] = std::string(val.as_string());
      }
    }
    return out;
  }
  // Read the form body as the query of a URL: the same encoding.
  const std::string target = "/?" + req.body;  // the view below points into it
  auto u = boost::urls::parse_origin_form(target);
  if (u) {
    for (auto p : u->params())
      out[p.key] = p.value;
  }
  return out;
}

Result<Response> channel_auth(const Dependencies& deps, Request& req, const Principal& p) {
  auto f = auth_fields(req);
  const auto socket_id = f["socket_id"];
  const auto channel = f["channel_name"];
  if (!realtime::valid_socket_id(socket_id) || channel.empty()) {
    return json::validation_error({{"socket_id", "and channel_name are required"}});
  }
  const auto& app = *deps.realtime_app;
  if (channel == workspace_channel(p)) {
    boost::json::object o{
        {"auth", app.key + ":" + realtime::sign(app.secret, socket_id + ":" + channel)}};
    return json_response(200, o);
  }
  if (channel == presence_channel(p)) {
    KIRIM_ASSIGN_OR_RETURN(auto me, deps.accounts.me(p));
    const boost::json::object data{{"user_id", me.user.id},
                                   {"user_info",
                                    {{"name", me.user.name},
                                     {"email", me.user.email},
                                     {"role", accounts::role_name(me.user.role)}}}};
    const auto channel_data = boost::json::serialize(data);
    boost::json::object o{
        {"auth", app.key + ":" +
                     realtime::sign(app.secret, socket_id + ":" + channel + ":" + channel_data)},
        {"channel_data", channel_data}};
    return json_response(200, o);
  }
  // A campaign's dashboard: any member of the campaign's workspace.
  if (channel.starts_with("private-campaign.") && deps.campaigns != nullptr) {
    std::int64_t id = 0;
    const auto digits = std::string_view(channel).substr(17);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec == std::errc() && end == digits.data() + digits.size() &&
        deps.campaigns->get(p.workspace_id, id).ok()) {
      boost::json::object o{
          {"auth", app.key + ":" + realtime::sign(app.secret, socket_id + ":" + channel)}};
      return json_response(200, o);
    }
  }
  // The queue dashboard's live numbers are the instance's, for owners and admins.
  if (channel == kQueuesChannel && accounts::at_least(p.role, Role::admin)) {
    boost::json::object o{
        {"auth", app.key + ":" + realtime::sign(app.secret, socket_id + ":" + channel)}};
    return json_response(200, o);
  }
  return make_error(Errc::forbidden, "You may not subscribe to " + channel + ".", "forbidden");
}

Result<Response> user_auth(const Dependencies& deps, Request& req, const Principal& p) {
  auto f = auth_fields(req);
  const auto socket_id = f["socket_id"];
  if (!realtime::valid_socket_id(socket_id))
    return json::validation_error({{"socket_id", "is required"}});
  KIRIM_ASSIGN_OR_RETURN(auto me, deps.accounts.me(p));
  const boost::json::object data{
      {"id", std::to_string(me.user.id)},
      {"user_info", {{"name", me.user.name}, {"role", accounts::role_name(me.user.role)}}}};
  const auto user_data = boost::json::serialize(data);
  const auto& app = *deps.realtime_app;
  boost::json::object o{
      {"auth", app.key + ":" + realtime::sign(app.secret, socket_id + "::user::" + user_data)},
      {"user_data", user_data}};
  return json_response(200, o);
}

Result<Response> config(const Dependencies& deps, Request&, const Principal& p) {
  boost::json::object channels{{"workspace", workspace_channel(p)},
                               {"presence", presence_channel(p)}};
  if (accounts::at_least(p.role, Role::admin)) channels["queues"] = kQueuesChannel;
  boost::json::object o{{"key", deps.realtime_app->key}, {"channels", std::move(channels)}};
  return json_response(200, o);
}

Result<Response> test_event(const Dependencies& deps, Request& req, const Principal& p) {
  std::string message = "Hello from Kirim";
  if (!req.body.empty()) {
    KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
    json::ObjectReader r(body);
    if (auto m = r.string("message", false, 1, 200)) message = *m;
    KIRIM_TRY(r.finish());
  }
  KIRIM_ASSIGN_OR_RETURN(auto me, deps.accounts.me(p));
  const boost::json::object data{{"message", message},
                                 {"sent_by", me.user.name},
                                 {"sent_at", iso8601_utc(deps.clock->now_ms())}};
  const auto channel = workspace_channel(p);
  deps.bus->publish(channel, "test.event", boost::json::serialize(data));
  return json_response(200, boost::json::object{{"channel", channel}, {"event", "test.event"}});
}

}  // namespace

void register_realtime_routes(http::Router& router, const Dependencies& deps) {
  using http::Mode;
  const auto add = [&](const char* method, const char* pattern, Role role, auto fn) {
    router.add({method, pattern, Mode::blocking,
                authed(deps, role, [&deps, fn](Request& req, const Principal& p) {
                  return fn(deps, req, p);
                })});
  };
  add("POST", "/broadcasting/auth", Role::viewer, channel_auth);
  add("POST", "/broadcasting/user-auth", Role::viewer, user_auth);
  add("GET", "/api/v1/realtime", Role::viewer, config);
  add("POST", "/api/v1/realtime/test-event", Role::admin, test_event);
}

}  // namespace kirim::api
