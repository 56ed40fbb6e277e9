#pragma once

#include <cstdint>
#include <string>

namespace kirim {

// "2026-11-25T04:00:00Z" for milliseconds since the epoch (UTC, second precision).
[[nodiscard]] std::string iso8601_utc(std::int64_t epoch_ms);

}  // namespace kirim
