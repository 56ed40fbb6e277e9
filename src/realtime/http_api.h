#pragma once

#include "core/clock.h"
#include "http/router.h"
#include "realtime/app.h"
#include "realtime/hub.h"

namespace kirim::realtime {

// How far an HTTP API request's auth_timestamp may be from the server's clock.
inline constexpr std::int64_t kMaxTimestampSkewS = 600;

// Adds the Pusher HTTP API under /apps/{app_id}/...: events, batch_events, channels, channel,
// channel users and terminate_connections. Every request is signed (realtime/protocol.h). The hub,
// apps and clock must outlive the router.
void register_http_api(http::Router& router, Hub& hub, const Apps& apps, const Clock& clock);

}  // namespace kirim::realtime
