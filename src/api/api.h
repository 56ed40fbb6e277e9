#pragma once

#include <string>

#include "accounts/accounts.h"
#include "contacts/contacts.h"
#include "contacts/imports.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "db/database.h"
#include "http/router.h"
#include "realtime/app.h"
#include "realtime/bus.h"

namespace kirim::whatsapp {
class Accounts;
class Inbox;
}  // namespace kirim::whatsapp
namespace kirim::queue {
class Queue;
class RateLimiter;
}  // namespace kirim::queue
namespace kirim::notify {
class OutgoingWebhooks;
}  // namespace kirim::notify
namespace kirim::campaigns {
class Campaigns;
}  // namespace kirim::campaigns

// The REST API's handlers: each parses and validates its input, authorizes the caller, calls one
// module and renders the answer. Nothing here holds state of its own.
namespace kirim::api {

struct Dependencies {
  db::Database& db;
  accounts::Accounts& accounts;
  metrics::Registry& metrics;
  std::string secure_cookies = "auto";  // auto | always | never
  std::string version;
  const realtime::App* realtime_app = nullptr;  // Kirim's own app: signs channel authorizations
  realtime::Bus* bus = nullptr;                 // app events to browsers
  const Clock* clock = nullptr;
  contacts::Contacts* contacts = nullptr;     // contacts, fields, tags
  contacts::Imports* imports = nullptr;       // CSV imports and exports
  std::size_t body_limit = 1024 * 1024;       // the server's: the largest upload chunk
  whatsapp::Accounts* wa_accounts = nullptr;  // WhatsApp accounts, numbers, templates
  whatsapp::Inbox* inbox = nullptr;           // the webhook receiver and its log
  queue::Queue* queue = nullptr;              // the durable queue and its dashboard
  queue::RateLimiter* limiter = nullptr;      // per phone number sending limits
  // Outgoing webhooks: endpoints, deliveries, and the contact events the API emits.
  notify::OutgoingWebhooks* outgoing = nullptr;
  campaigns::Campaigns* campaigns = nullptr;  // campaigns, their engine and tracking
};

// The realtime channel of the queue dashboard's live numbers (owners and admins may subscribe).
inline constexpr const char* kQueuesChannel = "private-queues";

// Adds every /api/v1 route and the operations routes (/healthz, /readyz, /metrics).
void register_routes(http::Router& router, const Dependencies& deps);

}  // namespace kirim::api
