#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/result.h"

// Kirim's configuration and where each setting may come from. Precedence, highest first:
// command-line flag, KIRIM_* environment variable, the TOML file (--config / KIRIM_CONFIG),
// default. Every setting is described once in settings(); the CLI, the environment and the file all
// read that table, so `kirim serve --help` lists every option.
namespace kirim {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "var";
  std::string database;  // empty: sqlite:<data_dir>/kirim.db
  std::string web_root;  // empty: web/dist beside the working directory or the binary
  log::Level log_level = log::Level::info;
  log::Format log_format = log::Format::text;
  bool access_log = true;
  int io_threads = 0;        // 0: one per core
  int blocking_threads = 0;  // 0: max(4, 2 x cores)
  std::size_t body_limit = 1024 * 1024;
  int shutdown_timeout_s = 10;
  std::string secure_cookies = "auto";  // auto (when the request came over TLS) | always | never
  std::string secret_key;               // base64 of 32 bytes; empty: <data_dir>/secret.key
  std::string whatsapp_app_secret;
  std::string whatsapp_verify_token;
  std::string whatsapp_graph_url;  // empty: Meta's
  bool sandbox = false;            // serve the sandbox at /sandbox and send through it
  std::string public_url;          // Kirim's base URL as the public reaches it (tracked links)
  std::string admin_email;
  std::string admin_password;
  std::string
      config_file;  // the TOML file the settings came from, if any (other sections live there)

  // The database URL after defaults: database, or sqlite:<data_dir>/kirim.db.
  [[nodiscard]] std::string database_url() const;
};

struct Setting {
  std::string_view name;      // flag name without dashes, e.g. "listen"
  std::string_view env;       // e.g. "KIRIM_LISTEN"
  std::string_view toml_key;  // dotted path in the file, e.g. "http.listen"
  std::string_view help;
  std::function<Result<void>(Config&, std::string_view)> set;
  std::function<std::string(const Config&)> get;
};

// The settings of `kirim serve` (and of the commands that open the database).
[[nodiscard]] const std::vector<Setting>& settings();

// Reads a TOML file into name -> raw value for the settings it mentions. Unknown keys are errors so
// that a typo does not go unnoticed.
[[nodiscard]] Result<std::map<std::string, std::string>> read_config_file(const std::string& path);

}  // namespace kirim
