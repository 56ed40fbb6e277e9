#include "api/api.h"

#include "api/routes.h"

namespace kirim::api {

void register_routes(http::Router& router, const Dependencies& deps) {
  register_ops_routes(router, deps);
  register_auth_routes(router, deps);
  register_team_routes(router, deps);
  if (deps.contacts != nullptr) register_contact_routes(router, deps);
  if (deps.imports != nullptr) register_import_routes(router, deps);
  if (deps.wa_accounts != nullptr && deps.inbox != nullptr) register_whatsapp_routes(router, deps);
  if (deps.queue != nullptr) register_queue_routes(router, deps);
  if (deps.outgoing != nullptr) register_webhook_out_routes(router, deps);
  if (deps.campaigns != nullptr) register_campaign_routes(router, deps);
  if (deps.realtime_app != nullptr && deps.bus != nullptr && deps.clock != nullptr) {
    register_realtime_routes(router, deps);
  }
}

}  // namespace kirim::api
