#pragma once

#include <string_view>

namespace CLI {
class App;
}

namespace kirim::app {

inline constexpr std::string_view kVersion = KIRIM_VERSION;

// Adds serve, migrate and user to the command line; each runs from its callback.
void register_commands(CLI::App& app);
// The exit code the command that ran chose.
[[nodiscard]] int exit_code();

}  // namespace kirim::app
