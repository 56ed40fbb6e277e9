#pragma once

#include <memory>

#include "http/server.h"
#include "realtime/app.h"
#include "realtime/hub.h"

namespace kirim::realtime {

// Limits of one WebSocket connection.
inline constexpr std::size_t kMaxFrameBytes = 100 * 1024;  // larger frames close it (1009)
inline constexpr std::size_t kMaxQueuedFrames = 4096;      // a slower reader is dropped
inline constexpr std::chrono::seconds kIdleTimeout{120};   // no traffic at all: closed

// Takes over an upgraded connection at /app/{key}: checks the app and the protocol version,
// completes the WebSocket handshake, and serves the connection for the hub. The hub and apps must
// outlive every connection (Hub::close_all() at shutdown).
[[nodiscard]] http::UpgradeHandler websocket_handler(Hub& hub, const Apps& apps);
// WebSocket connections whose session has not ended yet, in this process.
[[nodiscard]] std::size_t open_websockets();

}  // namespace kirim::realtime
