#include "core/config.h"

#include <charconv>
#include <set>

#include <toml++/toml.h>

namespace kirim {
namespace {

Result<long long> parse_int(std::string_view name, std::string_view v, long long min,
                            long long max) {
  long long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max) {
    return make_error(Errc::invalid_argument,
                      std::string(name) + " must be a whole number from " + std::to_string(min) +
                          " to " + std::to_string(max) + ", got '" + std::string(v) + "'");
  }
  return n;
}

Result<bool> parse_bool(std::string_view name, std::string_view v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return make_error(Errc::invalid_argument,
                    std::string(name) + " must be true or false, got '" + std::string(v) + "'");
}

std::string level_name(log::Level l) {
  static constexpr const char* names[] = {"trace", "debug",    "info", "warn",
                                          "error", "critical", "off"};
  return names[static_cast<int>(l)];
}

}  // namespace

std::string Config::database_url() const {
  if (!database.empty()) return database;
  return "sqlite:" + data_dir + "/kirim.db";
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      {"listen", "KIRIM_LISTEN", "http.listen", "Address and port to serve on (port 0 picks one)",
       [](Config& c, std::string_view v) -> Result<void> {
         if (v.find(':') == std::string_view::npos) {
           return make_error(Errc::invalid_argument, "listen must look like HOST:PORT");
         }
         c.listen = v;
         return {};
       },
       [](const Config& c) { return c.listen; }},
      {"data-dir", "KIRIM_DATA_DIR", "data_dir", "Directory for the SQLite database and files",
       [](Config& c, std::string_view v) -> Result<void> {
         c.data_dir = v;
         return {};
       },
       [](const Config& c) { return c.data_dir; }},
      {"database", "KIRIM_DATABASE", "database.url",
       "sqlite:PATH or postgres://... (default sqlite:DATA_DIR/kirim.db)",
       [](Config& c, std::string_view v) -> Result<void> {
         if (!v.starts_with("sqlite:") && !v.starts_with("postgres://") &&
             !v.starts_with("postgresql://")) {
           return make_error(Errc::invalid_argument,
                             "database must start with sqlite: or postgres://");
         }
         c.database = v;
         return {};
       },
       [](const Config& c) { return c.database; }},
      {"web-root", "KIRIM_WEB_ROOT", "http.web_root", "Directory of the built web app",
       [](Config& c, std::string_view v) -> Result<void> {
         c.web_root = v;
         return {};
       },
       [](const Config& c) { return c.web_root; }},
      {"log-level", "KIRIM_LOG_LEVEL", "log.level", "trace, debug, info, warn, error or off",
       [](Config& c, std::string_view v) -> Result<void> {
         if (!log::parse_level(v, c.log_level)) {
           return make_error(Errc::invalid_argument,
                             "log-level must be trace, debug, info, "
                             "warn, error, critical or off");
         }
         return {};
       },
       [](const Config& c) { return level_name(c.log_level); }},
      {"log-format", "KIRIM_LOG_FORMAT", "log.format", "text or json",
       [](Config& c, std::string_view v) -> Result<void> {
         if (!log::parse_format(v, c.log_format)) {
           return make_error(Errc::invalid_argument, "log-format must be text or json");
         }
         return {};
       },
       [](const Config& c) {
         return std::string(c.log_format == log::Format::json ? "json" : "text");
       }},
      {"access-log", "KIRIM_ACCESS_LOG", "log.access", "Log one line per HTTP request (true/false)",
       [](Config& c, std::string_view v) -> Result<void> {
         KIRIM_ASSIGN_OR_RETURN(c.access_log, parse_bool("access-log", v));
         return {};
       },
       [](const Config& c) { return std::string(c.access_log ? "true" : "false"); }},
      {"io-threads", "KIRIM_IO_THREADS", "http.io_threads", "Network threads (0: one per core)",
       [](Config& c, std::string_view v) -> Result<void> {
         KIRIM_ASSIGN_OR_RETURN(auto n, parse_int("io-threads", v, 0, 256));
         c.io_threads = static_cast<int>(n);
         return {};
       },
       [](const Config& c) { return std::to_string(c.io_threads); }},
      {"blocking-threads", "KIRIM_BLOCKING_THREADS", "http.blocking_threads",
       "Threads for database and other blocking work (0: max(4, 2 x cores))",
       [](Config& c, std::string_view v) -> Result<void> {
         KIRIM_ASSIGN_OR_RETURN(auto n, parse_int("blocking-threads", v, 0, 1024));
         c.blocking_threads = static_cast<int>(n);
         return {};
       },
       [](const Config& c) { return std::to_string(c.blocking_threads); }},
      {"body-limit", "KIRIM_BODY_LIMIT", "http.body_limit", "Largest request body in bytes",
       [](Config& c, std::string_view v) -> Result<void> {
         KIRIM_ASSIGN_OR_RETURN(auto n, parse_int("body-limit", v, 1024, 1LL << 32));
         c.body_limit = static_cast<std::size_t>(n);
         return {};
       },
       [](const Config& c) { return std::to_string(c.body_limit); }},
      {"shutdown-timeout", "KIRIM_SHUTDOWN_TIMEOUT", "http.shutdown_timeout",
       "Seconds to let in-flight requests finish on SIGINT/SIGTERM",
       [](Config& c, std::string_view v) -> Result<void> {
         KIRIM_ASSIGN_OR_RETURN(auto n, parse_int("shutdown-timeout", v, 0, 3600));
         c.shutdown_timeout_s = static_cast<int>(n);
         return {};
       },
       [](const Config& c) { return std::to_string(c.shutdown_timeout_s); }},
      {"secure-cookies", "KIRIM_SECURE_COOKIES", "http.secure_cookies",
       "auto (Secure when the request came over TLS, per X-Forwarded-Proto), always or never",
       [](Config& c, std::string_view v) -> Result<void> {
         if (v != "auto" && v != "always" && v != "never") {
           return make_error(Errc::invalid_argument,
                             "secure-cookies must be auto, always or never");
         }
         c.secure_cookies = v;
         return {};
       },
       [](const Config& c) { return c.secure_cookies; }},
      {"secret-key", "KIRIM_SECRET_KEY", "secret_key",
       "32 bytes, base64, that encrypt stored secrets (default: a key file made in the data "
       "directory)",
       [](Config& c, std::string_view v) -> Result<void> {
         c.secret_key = v;
         return {};
       },
       [](const Config&) { return std::string(); }},
      {"whatsapp-app-secret", "KIRIM_WHATSAPP_APP_SECRET", "whatsapp.app_secret",
       "The Meta app's secret: checks X-Hub-Signature-256 on /webhooks/whatsapp",
       [](Config& c, std::string_view v) -> Result<void> {
         c.whatsapp_app_secret = v;
         return {};
       },
       [](const Config&) { return std::string(); }},
      {"whatsapp-verify-token", "KIRIM_WHATSAPP_VERIFY_TOKEN", "whatsapp.verify_token",
       "The token Meta's webhook handshake must present on /webhooks/whatsapp",
       [](Config& c, std::string_view v) -> Result<void> {
         c.whatsapp_verify_token = v;
         return {};
       },
       [](const Config&) { return std::string(); }},
      {"whatsapp-graph-url", "KIRIM_WHATSAPP_GRAPH_URL", "whatsapp.graph_url",
       "Graph API base URL for accounts without their own (default "
       "https://graph.facebook.com/v23.0)",
       [](Config& c, std::string_view v) -> Result<void> {
         if (!v.empty() && !v.starts_with("http://") && !v.starts_with("https://")) {
           return make_error(Errc::invalid_argument,
                             "whatsapp-graph-url must start with http:// or https://");
         }
         c.whatsapp_graph_url = v;
         while (!c.whatsapp_graph_url.empty() && c.whatsapp_graph_url.back() == '/')
           c.whatsapp_graph_url.pop_back();
         return {};
       },
       [](const Config& c) { return c.whatsapp_graph_url; }},
      {"public-url", "KIRIM_PUBLIC_URL", "http.public_url",
       "Kirim's base URL as recipients reach it, for tracked links /r/{token} (default: the "
       "listen address)",
       [](Config& c, std::string_view v) -> Result<void> {
         if (!v.empty() && !v.starts_with("http://") && !v.starts_with("https://")) {
           return make_error(Errc::invalid_argument,
                             "public-url must start with http:// or https://");
         }
         c.public_url = v;
         while (!c.public_url.empty() && c.public_url.back() == '/')
           c.public_url.pop_back();
         return {};
       },
       [](const Config& c) { return c.public_url; }},
      {"sandbox", "KIRIM_SANDBOX", "whatsapp.sandbox",
       "Serve the WhatsApp sandbox at /sandbox and use it for accounts without a Graph URL "
       "(true/false)",
       [](Config& c, std::string_view v) -> Result<void> {
         KIRIM_ASSIGN_OR_RETURN(c.sandbox, parse_bool("sandbox", v));
         return {};
       },
       [](const Config& c) { return std::string(c.sandbox ? "true" : "false"); }},
      {"admin-email", "KIRIM_ADMIN_EMAIL", "admin.email",
       "Email of the owner created on first start (default admin@kirim.local)",
       [](Config& c, std::string_view v) -> Result<void> {
         c.admin_email = v;
         return {};
       },
       [](const Config& c) { return c.admin_email; }},
      {"admin-password", "KIRIM_ADMIN_PASSWORD", "admin.password",
       "Password of the owner created on first start (default: generated and printed once)",
       [](Config& c, std::string_view v) -> Result<void> {
         c.admin_password = v;
         return {};
       },
       [](const Config&) { return std::string(); }},
  };
  return table;
}

Result<std::map<std::string, std::string>> read_config_file(const std::string& path) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return make_error(Errc::invalid_argument, path + ":" + std::to_string(where.line) + ":" +
                                                  std::to_string(where.column) + ": " +
                                                  std::string(e.description()));
  }
  std::map<std::string, std::string> out;
  std::set<std::string> known;
  for (const auto& s : settings()) {
    known.emplace(s.toml_key);
    auto node = tbl.at_path(s.toml_key);
    if (!node) continue;
    if (node.is_string()) {
      out[std::string(s.name)] = *node.value<std::string>();
    } else if (node.is_integer()) {
      out[std::string(s.name)] = std::to_string(*node.value<long long>());
    } else if (node.is_boolean()) {
      out[std::string(s.name)] = *node.value<bool>() ? "true" : "false";
    } else {
      return make_error(Errc::invalid_argument,
                        path + ": " + std::string(s.toml_key) + " has an unsupported type");
    }
  }
  // Refuse keys no setting reads, so that typos are reported instead of ignored. Sections that
  // later modules own ([realtime], [whatsapp], ...) are passed through untouched.
  std::string unknown;
  tbl.for_each([&](const toml::key& k, auto&& node) {
    if constexpr (toml::is_table<decltype(node)>) {
      node.for_each([&](const toml::key& sub, auto&&) {
        const std::string full = std::string(k.str()) + "." + std::string(sub.str());
        const bool owned = k.str() == "http" || k.str() == "log" || k.str() == "database" ||
                           k.str() == "admin" || k.str() == "whatsapp";
        if (owned && !known.contains(full)) unknown += (unknown.empty() ? "" : ", ") + full;
      });
    } else if (!known.contains(std::string(k.str()))) {
      unknown += (unknown.empty() ? "" : ", ") + std::string(k.str());
    }
  });
  if (!unknown.empty()) {
    return make_error(Errc::invalid_argument, path + ": unknown setting(s): " + unknown);
  }
  return out;
}

}  // namespace kirim
