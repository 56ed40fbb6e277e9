#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "realtime/app.h"
#include "realtime/protocol.h"
#include "realtime/webhooks.h"

namespace kirim::realtime {

// A connection as the hub sees it. Implementations queue frames and close on their own strand;
// both calls are thread-safe and never block.
class Peer {
 public:
  virtual ~Peer() = default;
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  virtual void close(int code, std::string reason) = 0;
};

// What the HTTP API asks for about a channel.
struct ChannelInfo {
  bool occupied = false;
  std::size_t subscription_count = 0;
  std::size_t user_count = 0;  // presence channels
  std::optional<std::string> cached_data;
  std::int64_t cache_ttl_s = 0;
};

// The Pusher hub: channels, presence, client events, signed-in users, cache channels. Thread-safe
// (one mutex over the state); fan-out builds each frame once and hands it to every recipient
// outside the lock. Owns the Peers it knows until they disconnect or clear() is called.
class Hub {
 public:
  // webhooks may be null (no webhooks); it must outlive the hub.
  explicit Hub(const Clock& clock, Webhooks* webhooks = nullptr)
      : clock_(clock), webhooks_(webhooks) {}
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // A new connection: remembers it and sends pusher:connection_established. False (and nothing
  // remembered) when the app is at its connection quota.
  [[nodiscard]] bool connect(const std::shared_ptr<Peer>& peer, const App& app,
                             const std::string& socket_id);
  // The connection is gone: leaves its channels (member_removed where it was the user's last).
  void disconnect(Peer* peer);
  // One text frame from a connection.
  void on_message(Peer* peer, std::string_view text);

  struct PublishResult {
    std::vector<std::pair<std::string, ChannelInfo>> info;  // per channel, when asked
  };
  // An event from the HTTP API to channels; `except_socket_id` is left out.
  void publish(const App& app, const std::vector<std::string>& channels, std::string_view name,
               std::string_view data, std::string_view except_socket_id);
  [[nodiscard]] ChannelInfo channel(const App& app, const std::string& name);
  // Occupied channels whose name starts with prefix.
  [[nodiscard]] std::vector<std::pair<std::string, ChannelInfo>> channels(const App& app,
                                                                          std::string_view prefix);
  // Unique user ids of a presence channel, as strings.
  [[nodiscard]] std::vector<std::string> users(const App& app, const std::string& channel);
  // Closes every connection signed in as user_id; returns how many.
  std::size_t terminate_user(const App& app, const std::string& user_id);

  // Asks every connection to reconnect (4200) and forgets them all (shutdown).
  void close_all();
  [[nodiscard]] std::size_t connections() const;
  // Channel subscriptions across all connections.
  [[nodiscard]] std::size_t subscriptions() const;

 private:
  struct Member {
    std::string id_json;    // the user_id as the client sent it (string or number)
    std::string info_json;  // user_info, "null" when absent
    int connections = 0;
  };
  struct Channel {
    ChannelType type;
    std::set<Peer*> subscribers;
    std::unordered_map<std::string, Member> members;  // presence: by user id string
  };
  struct Cached {
    std::string frame;
    std::int64_t expires_ms = 0;
  };
  struct AppState {
    std::unordered_map<std::string, Channel> channels;
    std::unordered_map<std::string, Cached> cache;
    std::unordered_map<std::string, std::set<Peer*>> users;  // signed-in user id -> connections
    std::size_t connections = 0;
  };
  struct PeerState {
    const App* app = nullptr;
    std::string socket_id;
    std::shared_ptr<Peer> peer;
    std::unordered_map<std::string, std::string> channels;  // name -> presence user id ("" else)
    std::optional<std::string> user_id;                     // after pusher:signin
    std::int64_t rate_window_s = 0;
    int rate_count = 0;
  };
  // What to do once the lock is released, in order: send a frame, or (frame null) close.
  struct Delivery {
    Delivery(std::shared_ptr<Peer> p, std::shared_ptr<const std::string> f, int code = 0,
             std::string why = {})
        : peer(std::move(p)), frame(std::move(f)), close_code(code), reason(std::move(why)) {}
    std::shared_ptr<Peer> peer;
    std::shared_ptr<const std::string> frame;
    int close_code;
    std::string reason;
  };
  using Outbox = std::vector<Delivery>;

  void subscribe(PeerState& ps, const std::string& channel, std::string_view auth,
                 const std::optional<std::string>& channel_data, Outbox& out);
  void unsubscribe(PeerState& ps, Peer* peer, const std::string& channel, Outbox& out);
  void signin(PeerState& ps, std::string_view auth, std::string_view user_data, Outbox& out);
  void client_event(PeerState& ps, Peer* peer, std::string_view event, const std::string& channel,
                    std::string_view data_json, Outbox& out);
  void fan_out(AppState& st, const std::string& channel,
               const std::shared_ptr<const std::string>& f, Peer* except, Outbox& out);
  static void deliver(Outbox& out);
  ChannelInfo info_locked(AppState& st, const std::string& name);

  void hook(const App& app, const char* name, const std::string& key, const std::string& fields) {
    if (webhooks_ != nullptr) webhooks_->emit(app, name, key, fields);
  }

  const Clock& clock_;
  Webhooks* webhooks_;
  mutable std::mutex mu_;
  std::unordered_map<Peer*, PeerState> peers_;           // guarded by mu_
  std::unordered_map<std::string, Peer*> by_socket_id_;  // guarded by mu_
  std::unordered_map<const App*, AppState> apps_;        // guarded by mu_
};

}  // namespace kirim::realtime
