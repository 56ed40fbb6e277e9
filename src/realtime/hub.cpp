#include "realtime/hub.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace kirim::realtime {
namespace {

namespace json = boost::json;

std::shared_ptr<const std::string> make_frame(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

std::string subscription_error(std::string_view channel, std::string_view message, int status) {
  json::object data{{"type", "AuthError"}, {"error", message}, {"status", status}};
  return frame("pusher:subscription_error", channel, json::serialize(data));
}

// The user id of presence channel_data, as a string key and as the JSON the client sent.
struct PresenceUser {
  std::string key;
  std::string id_json;
  std::string info_json;
};

std::optional<PresenceUser> parse_channel_data(std::string_view channel_data) {
  boost::system::error_code ec;
  auto v = json::parse(channel_data, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* id = v.as_object().if_contains("user_id");
  if (id == nullptr) return std::nullopt;
  PresenceUser u;
  if (id->is_string()) {
    u.key = std::string(id->as_string());
  } else if (id->is_int64() || id->is_uint64()) {
    u.key = json::serialize(*id);
  } else {
    return std::nullopt;
  }
  if (u.key.empty() || u.key.size() > 128) return std::nullopt;
  u.id_json = json::serialize(*id);
  const auto* info = v.as_object().if_contains("user_info");
  u.info_json = info ? json::serialize(*info) : "null";
  return u;
}

}  // namespace

bool Hub::connect(const std::shared_ptr<Peer>& peer, const App& app, const std::string& socket_id) {
  {
    std::lock_guard lock(mu_);
    auto& st = apps_[&app];
    if (app.max_connections != 0 && st.connections >= app.max_connections) return false;
    ++st.connections;
    PeerState ps;
    ps.app = &app;
    ps.socket_id = socket_id;
    ps.peer = peer;
    peers_.emplace(peer.get(), std::move(ps));
    by_socket_id_[socket_id] = peer.get();
  }
  const std::string data = "{\"socket_id\":" + json_string(socket_id) +
                           ",\"activity_timeout\":" + std::to_string(app.activity_timeout_s) + "}";
  peer->send(make_frame(frame("pusher:connection_established", {}, json_string(data))));
  return true;
}

void Hub::disconnect(Peer* peer) {
  Outbox out;
  std::shared_ptr<Peer> keep;  // released outside the lock
  {
    std::lock_guard lock(mu_);
    auto it = peers_.find(peer);
    if (it == peers_.end()) return;
    auto& ps = it->second;
    keep = ps.peer;
    std::vector<std::string> names;
    for (const auto& [name, user] : ps.channels)
      names.push_back(name);
    for (const auto& name : names)
      unsubscribe(ps, peer, name, out);
    --apps_[ps.app].connections;
    if (ps.user_id) {
      auto& st = apps_[ps.app];
      auto u = st.users.find(*ps.user_id);
      if (u != st.users.end()) {
        u->second.erase(peer);
        if (u->second.empty()) st.users.erase(u);
      }
    }
    by_socket_id_.erase(ps.socket_id);
    peers_.erase(it);
  }
  deliver(out);
}

void Hub::on_message(Peer* peer, std::string_view text) {
  Outbox out;
  {
    std::lock_guard lock(mu_);
    auto it = peers_.find(peer);
    if (it == peers_.end()) return;
    auto& ps = it->second;
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    const json::object* msg = (!ec && v.is_object()) ? &v.as_object() : nullptr;
    const json::value* ev = msg ? msg->if_contains("event") : nullptr;
    if (ev == nullptr || !ev->is_string()) {
      out.emplace_back(ps.peer, make_frame(error_frame(4200, "Invalid message format")));
    } else {
      const std::string_view event = ev->as_string();
      // data may be an object or a JSON string holding one.
      json::value data_value;
      if (const auto* d = msg->if_contains("data")) {
        data_value = *d;
        if (d->is_string() && (event.starts_with("pusher:"))) {
          boost::system::error_code dec;
          auto parsed = json::parse(d->as_string(), dec);
          if (!dec) data_value = std::move(parsed);
        }
      }
      const json::object* data = data_value.is_object() ? &data_value.as_object() : nullptr;
      const auto str = [&](const char* key) -> std::optional<std::string> {
        if (data == nullptr) return std::nullopt;
        const auto* f = data->if_contains(key);
        if (f == nullptr || !f->is_string()) return std::nullopt;
        return std::string(f->as_string());
      };
      if (event == "pusher:ping") {
        out.emplace_back(ps.peer, make_frame(frame("pusher:pong", {}, "{}")));
      } else if (event == "pusher:pong") {
        // activity only
      } else if (event == "pusher:subscribe") {
        auto channel = str("channel");
        if (!channel) {
          out.emplace_back(ps.peer, make_frame(error_frame(4200, "subscribe needs a channel")));
        } else {
          subscribe(ps, *channel, str("auth").value_or(""), str("channel_data"), out);
        }
      } else if (event == "pusher:unsubscribe") {
        if (auto channel = str("channel")) unsubscribe(ps, peer, *channel, out);
      } else if (event == "pusher:signin") {
        signin(ps, str("auth").value_or(""), str("user_data").value_or(""), out);
      } else if (event.starts_with("client-")) {
        const auto* ch = msg->if_contains("channel");
        const auto* d = msg->if_contains("data");
        const std::string data_json = d ? json::serialize(*d) : "null";
        client_event(ps, peer, event, ch && ch->is_string() ? std::string(ch->as_string()) : "",
                     data_json, out);
      } else {
        out.emplace_back(ps.peer, make_frame(error_frame(
                                      4200, "Unknown event: only client- events may be sent")));
      }
    }
  }
  deliver(out);
}

void Hub::subscribe(PeerState& ps, const std::string& channel, std::string_view auth,
                    const std::optional<std::string>& channel_data, Outbox& out) {
  const App& app = *ps.app;
  const auto type = channel_type(channel);
  const auto fail = [&](std::string_view message, int status) {
    out.emplace_back(ps.peer, make_frame(subscription_error(channel, message, status)));
  };
  if (!type) return fail("Invalid channel name.", 400);
  PresenceUser user;
  switch (type->kind) {
    case ChannelKind::public_:
      break;
    case ChannelKind::user:
      if (!ps.user_id || user_channel_id(channel) != ps.user_id) {
        return fail("The connection is not signed in as this user.", 401);
      }
      break;
    case ChannelKind::private_:
    case ChannelKind::encrypted:
      if (!valid_auth(auth, app.key, app.secret, ps.socket_id + ":" + channel)) {
        return fail("The connection is unauthorized.", 401);
      }
      break;
    case ChannelKind::presence: {
      if (!channel_data || !valid_auth(auth, app.key, app.secret,
                                       ps.socket_id + ":" + channel + ":" + *channel_data)) {
        return fail("The connection is unauthorized.", 401);
      }
      auto parsed = parse_channel_data(*channel_data);
      if (!parsed) return fail("channel_data needs a user_id (a string or an integer).", 400);
      if (parsed->info_json.size() > app.max_user_info_bytes) {
        return fail(
            "user_info is larger than " + std::to_string(app.max_user_info_bytes) + " bytes.", 413);
      }
      user = std::move(*parsed);
      break;
    }
  }
  auto& st = apps_[ps.app];
  if (ps.channels.contains(channel)) {
    // Already in: acknowledge again, change nothing.
    out.emplace_back(ps.peer, make_frame(frame("pusher_internal:subscription_succeeded", channel,
                                               json_string("{}"))));
    return;
  }
  auto& ch = st.channels[channel];
  ch.type = *type;
  std::string succeeded_data = "{}";
  if (type->kind == ChannelKind::presence) {
    auto m = ch.members.find(user.key);
    const bool first = m == ch.members.end();
    if (first && ch.members.size() >= app.max_presence_members) {
      if (ch.subscribers.empty()) st.channels.erase(channel);
      return fail("The presence channel is full (" + std::to_string(app.max_presence_members) +
                      " members).",
                  403);
    }
    if (first) {
      m = ch.members.emplace(user.key, Member{user.id_json, user.info_json, 0}).first;
      hook(app, "member_added", channel + "\n" + user.key,
           "\"channel\":" + json_string(channel) + ",\"user_id\":" + json_string(user.key));
      const std::string added =
          "{\"user_id\":" + user.id_json + ",\"user_info\":" + user.info_json + "}";
      fan_out(st, channel,
              make_frame(frame("pusher_internal:member_added", channel, json_string(added))),
              nullptr, out);
    }
    ++m->second.connections;
    std::string ids, hash;
    for (const auto& [key, member] : ch.members) {
      if (!ids.empty()) {
        ids += ',';
        hash += ',';
      }
      ids += member.id_json;
      hash += json_string(key) + ":" + member.info_json;
    }
    succeeded_data = "{\"presence\":{\"ids\":[" + ids + "],\"hash\":{" + hash +
                     "},\"count\":" + std::to_string(ch.members.size()) + "}}";
  }
  if (ch.subscribers.empty()) {
    hook(app, "channel_occupied", channel, "\"channel\":" + json_string(channel));
  }
  ch.subscribers.insert(ps.peer.get());
  ps.channels[channel] = type->kind == ChannelKind::presence ? user.key : "";
  out.emplace_back(ps.peer, make_frame(frame("pusher_internal:subscription_succeeded", channel,
                                             json_string(succeeded_data))));
  if (type->cache) {
    auto c = st.cache.find(channel);
    if (c != st.cache.end() && c->second.expires_ms > clock_.now_ms()) {
      out.emplace_back(ps.peer, make_frame(c->second.frame));
    } else {
      out.emplace_back(ps.peer, make_frame(frame("pusher:cache_miss", channel, {})));
      hook(app, "cache_miss", channel, "\"channel\":" + json_string(channel));
    }
  }
}

void Hub::unsubscribe(PeerState& ps, Peer* peer, const std::string& channel, Outbox& out) {
  auto mine = ps.channels.find(channel);
  if (mine == ps.channels.end()) return;
  const std::string user_key = mine->second;
  ps.channels.erase(mine);
  auto& st = apps_[ps.app];
  auto it = st.channels.find(channel);
  if (it == st.channels.end()) return;
  auto& ch = it->second;
  ch.subscribers.erase(peer);
  if (ch.type.kind == ChannelKind::presence) {
    auto m = ch.members.find(user_key);
    if (m != ch.members.end() && --m->second.connections == 0) {
      const std::string removed = "{\"user_id\":" + m->second.id_json + "}";
      hook(*ps.app, "member_removed", channel + "\n" + user_key,
           "\"channel\":" + json_string(channel) + ",\"user_id\":" + json_string(user_key));
      ch.members.erase(m);
      fan_out(st, channel,
              make_frame(frame("pusher_internal:member_removed", channel, json_string(removed))),
              nullptr, out);
    }
  }
  if (ch.subscribers.empty()) {
    hook(*ps.app, "channel_vacated", channel, "\"channel\":" + json_string(channel));
    st.channels.erase(it);
  }
}

void Hub::signin(PeerState& ps, std::string_view auth, std::string_view user_data, Outbox& out) {
  const App& app = *ps.app;
  const auto refuse = [&](std::string_view message) {
    out.emplace_back(ps.peer, make_frame(error_frame(4009, message)));
    out.emplace_back(ps.peer, nullptr, 4009, std::string(message));  // after the error frame
  };
  if (!valid_auth(auth, app.key, app.secret, ps.socket_id + "::user::" + std::string(user_data))) {
    return refuse("Connection not authorized.");
  }
  boost::system::error_code ec;
  auto v = json::parse(user_data, ec);
  const auto* id = (!ec && v.is_object()) ? v.as_object().if_contains("id") : nullptr;
  if (id == nullptr || !id->is_string() || id->as_string().empty()) {
    return refuse("user_data needs a non-empty string id.");
  }
  const std::string user_id(id->as_string());
  if (ps.user_id && *ps.user_id != user_id) {
    return refuse("The connection is already signed in as another user.");
  }
  ps.user_id = user_id;
  apps_[ps.app].users[user_id].insert(ps.peer.get());
  const std::string data = "{\"user_data\":" + json_string(user_data) + "}";
  out.emplace_back(ps.peer, make_frame(frame("pusher:signin_success", {}, json_string(data))));
}

void Hub::client_event(PeerState& ps, Peer* peer, std::string_view event,
                       const std::string& channel, std::string_view data_json, Outbox& out) {
  const App& app = *ps.app;
  const auto reject = [&](std::string_view message) {
    out.emplace_back(ps.peer, make_frame(error_frame(4301, message, channel)));
  };
  if (!app.client_events) return reject("The app does not have client messaging enabled.");
  const auto type = channel_type(channel);
  if (!type || (type->kind != ChannelKind::private_ && type->kind != ChannelKind::presence)) {
    return reject("Client events are allowed only on private and presence channels.");
  }
  auto mine = ps.channels.find(channel);
  if (mine == ps.channels.end()) {
    out.emplace_back(ps.peer, make_frame(error_frame(
                                  4009,
                                  "Cannot broadcast client event (connection not subscribed to "
                                  "channel " +
                                      channel + ")",
                                  channel)));
    return;
  }
  if (data_json.size() > app.max_event_bytes) return reject("Client event data is too large.");
  const auto now_s = clock_.now_ms() / 1000;
  if (ps.rate_window_s != now_s) {
    ps.rate_window_s = now_s;
    ps.rate_count = 0;
  }
  if (++ps.rate_count > app.client_events_per_second) {
    return reject("Client event rejected due to rate limit");
  }
  std::string fields = "\"channel\":" + json_string(channel) + ",\"event\":" + json_string(event) +
                       ",\"data\":" + json_string(data_json) +
                       ",\"socket_id\":" + json_string(ps.socket_id);
  if (type->kind == ChannelKind::presence) fields += ",\"user_id\":" + json_string(mine->second);
  hook(app, "client_event", channel, fields);
  std::string f = frame(event, channel, data_json);
  if (type->kind == ChannelKind::presence) {
    f.pop_back();
    f += ",\"user_id\":" + json_string(mine->second) + "}";
  }
  fan_out(apps_[ps.app], channel, make_frame(std::move(f)), peer, out);
}

void Hub::fan_out(AppState& st, const std::string& channel,
                  const std::shared_ptr<const std::string>& f, Peer* except, Outbox& out) {
  if (const auto uid = user_channel_id(channel)) {
    auto u = st.users.find(*uid);
    if (u == st.users.end()) return;
    for (Peer* p : u->second) {
      if (p == except) continue;
      auto ps = peers_.find(p);
      if (ps != peers_.end()) out.emplace_back(ps->second.peer, f);
    }
    return;
  }
  auto it = st.channels.find(channel);
  if (it == st.channels.end()) return;
  for (Peer* p : it->second.subscribers) {
    if (p == except) continue;
    auto ps = peers_.find(p);
    if (ps != peers_.end()) out.emplace_back(ps->second.peer, f);
  }
}

void Hub::deliver(Outbox& out) {
  for (auto& d : out) {
    if (d.frame) {
      d.peer->send(std::move(d.frame));
    } else {
      d.peer->close(d.close_code, std::move(d.reason));
    }
  }
}

void Hub::publish(const App& app, const std::vector<std::string>& channels, std::string_view name,
                  std::string_view data, std::string_view except_socket_id) {
  Outbox out;
  {
    std::lock_guard lock(mu_);
    auto& st = apps_[&app];
    Peer* except = nullptr;
    if (!except_socket_id.empty()) {
      auto found = by_socket_id_.find(std::string(except_socket_id));
      if (found != by_socket_id_.end()) except = found->second;
    }
    for (const auto& channel : channels) {
      auto f = make_frame(frame(name, channel, json_string(data)));
      const auto type = channel_type(channel);
      if (type && type->cache) {
        st.cache[channel] = Cached{*f, clock_.now_ms() + app.cache_ttl_s * 1000};
      }
      fan_out(st, channel, f, except, out);
    }
  }
  deliver(out);
}

ChannelInfo Hub::info_locked(AppState& st, const std::string& name) {
  ChannelInfo info;
  auto it = st.channels.find(name);
  if (it != st.channels.end()) {
    info.occupied = !it->second.subscribers.empty();
    info.subscription_count = it->second.subscribers.size();
    info.user_count = it->second.members.size();
  }
  auto c = st.cache.find(name);
  if (c != st.cache.end() && c->second.expires_ms > clock_.now_ms()) {
    info.cached_data = c->second.frame;
    info.cache_ttl_s = (c->second.expires_ms - clock_.now_ms()) / 1000;
  }
  return info;
}

ChannelInfo Hub::channel(const App& app, const std::string& name) {
  std::lock_guard lock(mu_);
  return info_locked(apps_[&app], name);
}

std::vector<std::pair<std::string, ChannelInfo>> Hub::channels(const App& app,
                                                               std::string_view prefix) {
  std::lock_guard lock(mu_);
  auto& st = apps_[&app];
  std::vector<std::pair<std::string, ChannelInfo>> out;
  for (const auto& [name, ch] : st.channels) {
    if (ch.subscribers.empty() || !name.starts_with(prefix)) continue;
    out.emplace_back(name, info_locked(st, name));
  }
  return out;
}

std::vector<std::string> Hub::users(const App& app, const std::string& channel) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto& st = apps_[&app];
  auto it = st.channels.find(channel);
  if (it == st.channels.end()) return out;
  for (const auto& [key, member] : it->second.members)
    out.push_back(key);
  return out;
}

std::size_t Hub::terminate_user(const App& app, const std::string& user_id) {
  std::vector<std::shared_ptr<Peer>> victims;
  {
    std::lock_guard lock(mu_);
    auto& st = apps_[&app];
    auto u = st.users.find(user_id);
    if (u == st.users.end()) return 0;
    for (Peer* p : u->second) {
      auto ps = peers_.find(p);
      if (ps != peers_.end()) victims.push_back(ps->second.peer);
    }
  }
  for (auto& v : victims)
    v->close(4009, "You got disconnected by the app.");
  return victims.size();
}

void Hub::close_all() {
  std::unordered_map<Peer*, PeerState> all;
  {
    std::lock_guard lock(mu_);
    all.swap(peers_);
    by_socket_id_.clear();
    apps_.clear();
  }
  for (auto& [p, ps] : all)
    ps.peer->close(4200, "Server closed. Please reconnect shortly.");
}

std::size_t Hub::subscriptions() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [p, ps] : peers_)
    n += ps.channels.size();
  return n;
}

std::size_t Hub::connections() const {
  std::lock_guard lock(mu_);
  return peers_.size();
}

}  // namespace kirim::realtime
