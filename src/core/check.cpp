#include "core/check.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "core/log.h"

namespace kirim::check {
namespace {
std::atomic<long> bugs{0};
}

void fail(std::string_view condition, std::string_view message, std::source_location where) {
  // Straight to stderr as well: the logger may be off or not yet set up.
  std::fprintf(stderr, "kirim: check failed: %.*s (%.*s) at %s:%u\n",
               static_cast<int>(message.size()), message.data(), static_cast<int>(condition.size()),
               condition.data(), where.file_name(), where.line());
  log::critical("check failed", {{"condition", std::string(condition)},
                                 {"message", std::string(message)},
                                 {"file", where.file_name()},
                                 {"line", std::to_string(where.line())}});
  std::abort();
}

void bug(std::string_view message, std::source_location where) {
  bugs.fetch_add(1, std::memory_order_relaxed);
  log::error("bug", {{"message", std::string(message)},
                     {"file", where.file_name()},
                     {"line", std::to_string(where.line())}});
}

long bug_count() {
  return bugs.load(std::memory_order_relaxed);
}

}  // namespace kirim::check
