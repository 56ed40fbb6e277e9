#pragma once

#include "api/support.h"
#include "contacts/types.h"
#include "http/router.h"

// One function per group of routes; api.cpp calls them all.
namespace kirim::api {

void register_auth_routes(http::Router& router, const Dependencies& deps);
void register_team_routes(http::Router& router, const Dependencies& deps);
void register_ops_routes(http::Router& router, const Dependencies& deps);
void register_realtime_routes(http::Router& router, const Dependencies& deps);
void register_contact_routes(http::Router& router, const Dependencies& deps);
void register_import_routes(http::Router& router, const Dependencies& deps);
void register_whatsapp_routes(http::Router& router, const Dependencies& deps);
void register_queue_routes(http::Router& router, const Dependencies& deps);
void register_webhook_out_routes(http::Router& router, const Dependencies& deps);
void register_campaign_routes(http::Router& router, const Dependencies& deps);

[[nodiscard]] boost::json::object contact_json(const contacts::Contact& c);
[[nodiscard]] boost::json::object message_json(const contacts::Message& m);

}  // namespace kirim::api
