#include "realtime/app.h"

#include <cstdlib>
#include <type_traits>

#include <toml++/toml.h>

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

namespace {

Result<void> read_file_apps(const std::string& path, std::vector<App>& apps) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return make_error(Errc::invalid_argument, path + ": " + std::string(e.description()));
  }
  const auto* list = tbl.at_path("realtime.apps").as_array();
  if (list == nullptr) return {};
  int index = 0;
  for (const auto& node : *list) {
    ++index;
    const auto* t = node.as_table();
    const std::string where = path + ": realtime.apps #" + std::to_string(index);
    if (t == nullptr) return make_error(Errc::invalid_argument, where + " must be a table");
    App a;
    const auto text = [&](const char* key, std::string& out) -> Result<void> {
      auto v = (*t)[key].value<std::string>();
      if (!v || v->empty()) {
        return make_error(Errc::invalid_argument,
                          where + ": " + key + " must be a non-empty string");
      }
      out = *v;
      return {};
    };
    KIRIM_TRY(text("id", a.id));
    KIRIM_TRY(text("key", a.key));
    KIRIM_TRY(text("secret", a.secret));
    const auto number = [&](const char* key, auto& out, long long min,
                            long long max) -> Result<void> {
      const auto n = (*t)[key];
      if (!n) return {};
      auto v = n.value<long long>();
      if (!n.is_integer() || !v || *v < min || *v > max) {
        return make_error(Errc::invalid_argument,
                          where + ": " + key + " must be a whole number from " +
                              std::to_string(min) + " to " + std::to_string(max));
      }
      out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
      return {};
    };
    KIRIM_TRY(number("activity_timeout", a.activity_timeout_s, 1, 3600));
    KIRIM_TRY(number("max_connections", a.max_connections, 0, 10'000'000));
    KIRIM_TRY(number("max_presence_members", a.max_presence_members, 1, 100'000));
    KIRIM_TRY(number("max_user_info_bytes", a.max_user_info_bytes, 16, 1 << 20));
    KIRIM_TRY(number("max_event_bytes", a.max_event_bytes, 16, 1 << 20));
    KIRIM_TRY(number("client_events_per_second", a.client_events_per_second, 1, 100'000));
    if (const auto ce = (*t)["client_events"]; ce) {
      if (!ce.is_boolean()) {
        return make_error(Errc::invalid_argument, where + ": client_events must be true or false");
      }
      a.client_events = *ce.value<bool>();
    }
    if (const auto hooks = (*t)["webhooks"]; hooks) {
      const auto* arr = hooks.as_array();
      if (arr == nullptr) {
        return make_error(Errc::invalid_argument, where + ": webhooks must be a list of URLs");
      }
      for (const auto& u : *arr) {
        auto url = u.value<std::string>();
        if (!url || !(url->starts_with("http://") || url->starts_with("https://"))) {
          return make_error(Errc::invalid_argument,
                            where + ": webhooks must be http:// or https:// URLs");
        }
        a.webhook_urls.push_back(*url);
      }
    }
    apps.push_back(std::move(a));
  }
  return {};
}

}  // namespace

Result<Apps> load_apps(const std::string& config_path) {
  std::vector<App> apps;
  if (!config_path.empty()) KIRIM_TRY(read_file_apps(config_path, apps));
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
  for (std::size_t i = 0; i < apps.size(); ++i) {
    for (std::size_t j = i + 1; j < apps.size(); ++j) {
      if (apps[i].id == apps[j].id || apps[i].key == apps[j].key) {
        return make_error(Errc::invalid_argument,
                          "two realtime apps share the id or key of app '" + apps[j].id + "'");
      }
    }
    if (apps[i].id == "kirim" || apps[i].key == "kirim-web") {
      return make_error(Errc::invalid_argument,
                        "the realtime app id 'kirim' and key 'kirim-web' are Kirim's own");
    }
  }
  App own;
  own.id = "kirim";
  own.key = "kirim-web";
  own.secret = crypto::random_token(32);
  apps.push_back(std::move(own));
  return Apps(std::move(apps));
}

}  // namespace kirim::realtime
