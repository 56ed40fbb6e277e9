#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

// Structured logging on top of spdlog. Every line is a message plus key/value fields, written as
// text ("2026-11-25T04:00:00.000Z info  listening addr=127.0.0.1:8080") or as one JSON object per
// line. Thread-safe; configure once at start-up, before other threads log.
namespace kirim::log {

enum class Level { trace, debug, info, warn, error, critical, off };
enum class Format { text, json };

struct Field {
  std::string_view key;
  std::string value;
};
using Fields = std::initializer_list<Field>;

// Configures the process-wide logger (stderr). Safe to call again (tests do).
void setup(Level level, Format format);
[[nodiscard]] bool parse_level(std::string_view name, Level& out);
[[nodiscard]] bool parse_format(std::string_view name, Format& out);
[[nodiscard]] bool enabled(Level level);

void write(Level level, std::string_view message, Fields fields);

inline void debug(std::string_view m, Fields f = {}) {
  write(Level::debug, m, f);
}
inline void info(std::string_view m, Fields f = {}) {
  write(Level::info, m, f);
}
inline void warn(std::string_view m, Fields f = {}) {
  write(Level::warn, m, f);
}
inline void error(std::string_view m, Fields f = {}) {
  write(Level::error, m, f);
}
inline void critical(std::string_view m, Fields f = {}) {
  write(Level::critical, m, f);
}

// Renders one line's body the way the current format wants it (exposed for tests).
[[nodiscard]] std::string render(Format format, std::string_view message, Fields fields);

}  // namespace kirim::log
