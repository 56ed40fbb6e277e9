#pragma once

#include <memory>

#include "http/server.h"
#include "realtime/app.h"
#include "realtime/hub.h"

namespace kirim::realtime {

// Limits of one WebSocket connection.
inline constexpr std::size_t kMaxFrameBytes = 100 * 1024;     // larger frames close it (1009)
inline constexpr std::size_t kReadChunkBytes = 16 * 1024;     // read at most this much at once
inline constexpr std::size_t kMaxQueuedFrames = 4096;         // a slower reader is dropped
inline constexpr std::chrono::seconds kIdleTimeout{120};      // no traffic at all: closed
inline constexpr std::chrono::seconds kLingerTimeout{2};      // draining after a failure
inline constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;  // ... and at most this much

// Takes over an upgraded connection at /app/{key}: checks the app and the protocol version,
// completes the WebSocket handshake, and serves the connection for the hub. The hub and apps must
// outlive every connection (Hub::close_all() at shutdown).
[[nodiscard]] http::UpgradeHandler websocket_handler(Hub& hub, const Apps& apps);
// WebSocket connections whose session has not ended yet, in this process.
[[nodiscard]] std::size_t open_websockets();

// Totals since start, for /metrics.
struct WsCounters {
  std::uint64_t connections = 0;  // accepted and served
  std::uint64_t refused = 0;      // unknown app, bad protocol
  std::uint64_t frames_in = 0, bytes_in = 0;
  std::uint64_t frames_out = 0, bytes_out = 0;
};
[[nodiscard]] WsCounters ws_counters();

}  // namespace kirim::realtime
