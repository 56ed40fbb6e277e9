#include "realtime/app.h"

#include <cstdlib>

#include "core/crypto.h"

namespace kirim::realtime {

const App* Apps::by_key(std::string_view key) const {
  for (const auto& a : apps_) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

const App* Apps::by_id(std::string_view id) const {
  for (const auto& a : apps_) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

Result<Apps> apps_from_environment() {
  std::vector<App> apps;
  const char* id = std::getenv("KIRIM_REALTIME_APP_ID");
  const char* key = std::getenv("KIRIM_REALTIME_APP_KEY");
  const char* secret = std::getenv("KIRIM_REALTIME_APP_SECRET");
  const int given = (id && *id) + (key && *key) + (secret && *secret);
  if (given != 0 && given != 3) {
    return make_error(Errc::invalid_argument,
                      "set all of KIRIM_REALTIME_APP_ID, KIRIM_REALTIME_APP_KEY and "
                      "KIRIM_REALTIME_APP_SECRET, or none");
  }
  if (given == 3) {
    App a;
    a.id = id;
    a.key = key;
    a.secret = secret;
    // KIRIM_REALTIME_WEBHOOK_URL: one URL, or several separated by commas.
    if (const char* hooks = std::getenv("KIRIM_REALTIME_WEBHOOK_URL"); hooks && *hooks) {
      std::string_view rest = hooks;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto url = rest.substr(0, comma);
        if (!url.empty()) a.webhook_urls.emplace_back(url);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    }
    apps.push_back(std::move(a));
  }
  App own;
  own.id = "kirim";
  own.key = "kirim-web";
  own.secret = crypto::random_token(32);
  apps.push_back(std::move(own));
  return Apps(std::move(apps));
}

}  // namespace kirim::realtime
