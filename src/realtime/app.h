#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace kirim::realtime {

// One Pusher "app": its credentials, switches and limits. Immutable once loaded.
struct App {
  std::string id;
  std::string key;
  std::string secret;
  bool client_events = true;
  int activity_timeout_s = 30;  // sent in connection_established
  std::size_t max_presence_members = 100;
  std::size_t max_user_info_bytes = 1024;
  std::size_t max_event_bytes = 10 * 1024;  // data of one event (HTTP API or client event)
  int client_events_per_second = 10;
  std::size_t max_channels_per_event = 100;
  std::size_t max_batch_events = 10;
  std::int64_t cache_ttl_s = 1800;  // how long a cache channel keeps its last event
  std::vector<std::string> webhook_urls;
  std::size_t max_connections = 0;  // 0: no quota; above it new connections get 4004
};

// The apps the hub serves, looked up by key (WebSocket) or id (HTTP API). Read-only after load;
// safe to share between threads.
class Apps {
 public:
  explicit Apps(std::vector<App> apps) : apps_(std::move(apps)) {}
  [[nodiscard]] const App* by_key(std::string_view key) const;
  [[nodiscard]] const App* by_id(std::string_view id) const;
  [[nodiscard]] const std::vector<App>& all() const { return apps_; }

 private:
  std::vector<App> apps_;
};

// The apps of a TOML file's [[realtime.apps]] tables (none when path is empty), then the one of
// KIRIM_REALTIME_APP_ID / _KEY / _SECRET (client events on, as Laravel setups expect), then
// Kirim's own app for its web app, whose secret is generated per process. Duplicate ids or keys
// and missing or mistyped fields are errors that name the app and the field.
[[nodiscard]] Result<Apps> load_apps(const std::string& config_path);

}  // namespace kirim::realtime
