#include "core/time_format.h"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace kirim {

std::string iso8601_utc(std::int64_t epoch_ms) {
  const std::chrono::sys_seconds t{std::chrono::seconds(epoch_ms / 1000)};
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

}  // namespace kirim
