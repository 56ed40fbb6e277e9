#pragma once

#include "api/support.h"
#include "http/router.h"

// One function per group of routes; api.cpp calls them all.
namespace kirim::api {

void register_auth_routes(http::Router& router, const Dependencies& deps);
void register_team_routes(http::Router& router, const Dependencies& deps);
void register_ops_routes(http::Router& router, const Dependencies& deps);
void register_realtime_routes(http::Router& router, const Dependencies& deps);

}  // namespace kirim::api
