#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/result.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace kirim::app {

inline constexpr std::string_view kVersion = KIRIM_VERSION;

// Adds serve, migrate and user to the command line; each runs from its callback.
void register_commands(CLI::App& app);
// The exit code the command that ran chose.
[[nodiscard]] int exit_code();

// Raw values of the settings as the command line and environment gave them.
struct SettingInputs {
  std::string config_path;
  std::map<std::string, std::string> raw;
  std::map<std::string, CLI::Option*> options;
};

// Adds --config and the settings' flags to cmd: all of them, or (all = false) only those of a
// command that just opens the database (--data-dir, --database, --log-level, --log-format).
void add_settings(CLI::App& cmd, SettingInputs& in, bool all);
// Applies defaults, then the file, then the environment and flags (CLI11 has read both).
[[nodiscard]] Result<Config> resolve(SettingInputs& in);

}  // namespace kirim::app
