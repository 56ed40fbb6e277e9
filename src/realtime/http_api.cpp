#include "realtime/http_api.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/errors.h"

namespace kirim::realtime {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;

Response ok(const json::value& v) {
  return Response::json(200, json::serialize(v));
}
Response bad(std::string message) {
  return http::error_response(400, "bad_request", message);
}

std::set<std::string> info_attributes(std::string_view info) {
  std::set<std::string> out;
  while (!info.empty()) {
    const auto comma = info.find(',');
    auto part = info.substr(0, comma);
    if (!part.empty()) out.emplace(part);
    info = comma == std::string_view::npos ? std::string_view{} : info.substr(comma + 1);
  }
  return out;
}

json::object channel_attributes(const std::string& name, const ChannelInfo& c,
                                const std::set<std::string>& wanted) {
  json::object o;
  const bool presence = channel_type(name) && channel_type(name)->kind == ChannelKind::presence;
  if (wanted.contains("user_count") && presence) o["user_count"] = c.user_count;
  if (wanted.contains("subscription_count")) o["subscription_count"] = c.subscription_count;
  return o;
}

// Authenticates the request for its app: 404 for an unknown app, 401 for a bad signature.
struct Authed {
  const App* app = nullptr;
  std::optional<Response> error;
};

Authed authenticate(const Request& req, const Apps& apps, const Clock& clock) {
  Authed a;
  a.app = apps.by_id(req.param("app_id"));
  if (a.app == nullptr) {
    a.error = http::error_response(404, "not_found", "No app has this id.");
    return a;
  }
  ApiRequest api{req.method, req.path, {}, req.body};
  for (const auto& [k, v] : req.query)
    api.query.emplace(k, v);
  auto r = verify_api_signature(api, a.app->key, a.app->secret, clock.now_ms() / 1000,
                                kMaxTimestampSkewS);
  if (!r.ok()) a.error = http::error_response(r.error());
  return a;
}

// One event of /events or /batch_events, validated.
struct Event {
  std::string name;
  std::string data;
  std::vector<std::string> channels;
  std::string socket_id;
  std::set<std::string> info;
};

std::variant<Event, Response> parse_event(const json::object& o, const App& app) {
  Event e;
  const auto* name = o.if_contains("name");
  if (name == nullptr || !name->is_string() || name->as_string().empty() ||
      name->as_string().size() > 200) {
    return bad("name must be a string of 1 to 200 characters");
  }
  e.name = name->as_string();
  const auto* data = o.if_contains("data");
  if (data == nullptr) return bad("data is required");
  e.data = data->is_string() ? std::string(data->as_string()) : json::serialize(*data);
  if (e.data.size() > app.max_event_bytes) {
    return http::error_response(
        413, "payload_too_large",
        "data is larger than " + std::to_string(app.max_event_bytes) + " bytes");
  }
  if (const auto* chs = o.if_contains("channels")) {
    if (!chs->is_array()) return bad("channels must be an array of names");
    for (const auto& c : chs->as_array()) {
      if (!c.is_string()) return bad("channels must be an array of names");
      e.channels.emplace_back(c.as_string());
    }
  } else if (const auto* ch = o.if_contains("channel"); ch && ch->is_string()) {
    e.channels.emplace_back(ch->as_string());
  }
  if (e.channels.empty() || e.channels.size() > app.max_channels_per_event) {
    return bad("give 1 to " + std::to_string(app.max_channels_per_event) + " channels");
  }
  for (const auto& c : e.channels) {
    if (!channel_type(c)) return bad("invalid channel name: " + c);
  }
  if (const auto* s = o.if_contains("socket_id"); s && !s->is_null()) {
    if (!s->is_string() || !valid_socket_id(s->as_string())) return bad("invalid socket_id");
    e.socket_id = s->as_string();
  }
  if (const auto* i = o.if_contains("info"); i && i->is_string()) {
    e.info = info_attributes(i->as_string());
  }
  return e;
}

std::variant<json::object, Response> body_object(const Request& req) {
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec || !v.is_object()) return bad("the body must be a JSON object");
  return std::move(v.as_object());
}

json::object publish(Hub& hub, const App& app, const Event& e) {
  hub.publish(app, e.channels, e.name, e.data, e.socket_id);
  json::object attrs;
  if (!e.info.empty()) {
    for (const auto& c : e.channels) {
      attrs[c] = channel_attributes(c, hub.channel(app, c), e.info);
    }
  }
  return attrs;
}

}  // namespace

void register_http_api(http::Router& router, Hub& hub, const Apps& apps, const Clock& clock) {
  using http::Mode;
  router.add({"POST", "/apps/{app_id}/events", Mode::inline_, [&](Request& req) {
                auto a = authenticate(req, apps, clock);
                if (a.error) return std::move(*a.error);
                auto body = body_object(req);
                if (auto* r = std::get_if<Response>(&body)) return std::move(*r);
                auto e = parse_event(std::get<json::object>(body), *a.app);
                if (auto* r = std::get_if<Response>(&e)) return std::move(*r);
                const auto& ev = std::get<Event>(e);
                auto attrs = publish(hub, *a.app, ev);
                if (ev.info.empty()) return ok(json::object{});
                return ok(json::object{{"channels", std::move(attrs)}});
              }});

  router.add({"POST", "/apps/{app_id}/batch_events", Mode::inline_, [&](Request& req) {
                auto a = authenticate(req, apps, clock);
                if (a.error) return std::move(*a.error);
                auto body = body_object(req);
                if (auto* r = std::get_if<Response>(&body)) return std::move(*r);
                const auto* batch = std::get<json::object>(body).if_contains("batch");
                if (batch == nullptr || !batch->is_array()) return bad("batch must be an array");
                if (batch->as_array().size() > a.app->max_batch_events) {
                  return bad("a batch holds at most " + std::to_string(a.app->max_batch_events) +
                             " events");
                }
                // Validate every event before publishing any: a bad batch changes nothing.
                std::vector<Event> events;
                for (const auto& item : batch->as_array()) {
                  if (!item.is_object()) return bad("each batch item must be an object");
                  auto e = parse_event(item.as_object(), *a.app);
                  if (auto* r = std::get_if<Response>(&e)) return std::move(*r);
                  events.push_back(std::get<Event>(std::move(e)));
                }
                json::array attrs;
                bool any_info = false;
                for (const auto& e : events) {
                  auto per = publish(hub, *a.app, e);
                  json::object item;
                  if (!e.info.empty()) {
                    any_info = true;
                    for (auto& [c, v] : per)
                      item = v.as_object();
                  }
                  attrs.push_back(std::move(item));
                }
                if (!any_info) return ok(json::object{});
                return ok(json::object{{"batch", std::move(attrs)}});
              }});

  router.add({"GET", "/apps/{app_id}/channels", Mode::inline_, [&](Request& req) {
                auto a = authenticate(req, apps, clock);
                if (a.error) return std::move(*a.error);
                const auto prefix = req.query_param("filter_by_prefix").value_or("");
                const auto info = info_attributes(req.query_param("info").value_or(""));
                if (info.contains("user_count") && !prefix.starts_with("presence-")) {
                  return bad("user_count needs filter_by_prefix=presence-");
                }
                json::object channels;
                for (const auto& [name, c] : hub.channels(*a.app, prefix)) {
                  channels[name] = channel_attributes(name, c, info);
                }
                return ok(json::object{{"channels", std::move(channels)}});
              }});

  router.add({"GET", "/apps/{app_id}/channels/{channel}", Mode::inline_, [&](Request& req) {
                auto a = authenticate(req, apps, clock);
                if (a.error) return std::move(*a.error);
                const std::string name(req.param("channel"));
                const auto type = channel_type(name);
                if (!type) return bad("invalid channel name");
                const auto info = info_attributes(req.query_param("info").value_or(""));
                if (info.contains("user_count") && type->kind != ChannelKind::presence) {
                  return bad("user_count applies only to presence channels");
                }
                if (info.contains("cache") && !type->cache) {
                  return bad("cache applies only to cache channels");
                }
                const auto c = hub.channel(*a.app, name);
                json::object o{{"occupied", c.occupied}};
                if (info.contains("user_count")) o["user_count"] = c.user_count;
                if (info.contains("subscription_count")) {
                  o["subscription_count"] = c.subscription_count;
                }
                if (info.contains("cache") && c.cached_data) {
                  boost::system::error_code ec;
                  auto f = json::parse(*c.cached_data, ec);
                  const auto* d = ec ? nullptr : f.as_object().if_contains("data");
                  o["cache"] = {{"data", d ? *d : json::value(nullptr)}, {"ttl", c.cache_ttl_s}};
                }
                return ok(o);
              }});

  router.add({"GET", "/apps/{app_id}/channels/{channel}/users", Mode::inline_, [&](Request& req) {
                auto a = authenticate(req, apps, clock);
                if (a.error) return std::move(*a.error);
                const std::string name(req.param("channel"));
                const auto type = channel_type(name);
                if (!type || type->kind != ChannelKind::presence) {
                  return bad("users are listed only for presence channels");
                }
                json::array users;
                for (const auto& id : hub.users(*a.app, name))
                  users.push_back(json::object{{"id", id}});
                return ok(json::object{{"users", std::move(users)}});
              }});

  router.add({"POST", "/apps/{app_id}/users/{user_id}/terminate_connections", Mode::inline_,
              [&](Request& req) {
                auto a = authenticate(req, apps, clock);
                if (a.error) return std::move(*a.error);
                hub.terminate_user(*a.app, std::string(req.param("user_id")));
                return ok(json::object{});
              }});
}

}  // namespace kirim::realtime
