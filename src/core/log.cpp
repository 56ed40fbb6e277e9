#include "core/log.h"

#include <atomic>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace kirim::log {
namespace {

std::atomic<Format> current_format{Format::text};

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace:
      return spdlog::level::trace;
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
    case Level::critical:
      return spdlog::level::critical;
    case Level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

void append_json_string(std::string& out, std::string_view s) {
  out += boost::json::serialize(boost::json::string(s));
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') return true;
  }
  return false;
}

}  // namespace

void setup(Level level, Format format) {
  current_format.store(format);
  auto logger =
      std::make_shared<spdlog::logger>("kirim", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_level(to_spdlog(level));
  if (format == Format::json) {
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  }
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

bool parse_level(std::string_view name, Level& out) {
  static constexpr std::pair<std::string_view, Level> table[] = {
      {"trace", Level::trace}, {"debug", Level::debug}, {"info", Level::info},
      {"warn", Level::warn},   {"error", Level::error}, {"critical", Level::critical},
      {"off", Level::off}};
  for (const auto& [n, l] : table) {
    if (n == name) {
      out = l;
      return true;
    }
  }
  return false;
}

bool parse_format(std::string_view name, Format& out) {
  if (name == "text") {
    out = Format::text;
    return true;
  }
  if (name == "json") {
    out = Format::json;
    return true;
  }
  return false;
}

bool enabled(Level level) {
  return spdlog::default_logger_raw()->should_log(to_spdlog(level));
}

std::string render(Format format, std::string_view message, Fields fields) {
  std::string out;
  out.reserve(64 + message.size());
  if (format == Format::json) {
    out += "\"msg\":";
    append_json_string(out, message);
    for (const auto& f : fields) {
      out += ',';
      append_json_string(out, f.key);
      out += ':';
      append_json_string(out, f.value);
    }
    return out;
  }
  out += message;
  for (const auto& f : fields) {
    out += ' ';
    out += f.key;
    out += '=';
    if (needs_quotes(f.value)) {
      append_json_string(out, f.value);
    } else {
      out += f.value;
    }
  }
  return out;
}

void write(Level level, std::string_view message, Fields fields) {
  auto* logger = spdlog::default_logger_raw();
  const auto l = to_spdlog(level);
  if (!logger->should_log(l)) return;
  logger->log(l, "{}", render(current_format.load(std::memory_order_relaxed), message, fields));
}

}  // namespace kirim::log
