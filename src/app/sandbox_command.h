#pragma once

namespace CLI {
class App;
}

#include "whatsapp/http_client.h"
#include "whatsapp/sandbox/sandbox.h"

namespace kirim::app {

// Posts the sandbox's webhooks through the given client (which must outlive the poster).
[[nodiscard]] whatsapp::sandbox::WebhookPoster webhook_poster(whatsapp::HttpClient& http_client);

// Adds `kirim sandbox`: the local stand-in for Meta's WhatsApp Cloud API (docs/sandbox.md). It
// runs from its callback until SIGINT or SIGTERM; a failure to start exits with status 1.
void register_sandbox_command(CLI::App& app);

}  // namespace kirim::app
