// libFuzzer target for the schedule parser: any bytes are parsed without a crash, and whatever
// parses must print back to an equal schedule, describe itself and compute its next times.
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     src/queue/cron_fuzz.cpp src/queue/cron.cpp src/core/result.cpp \
//     -DUSE_OS_TZDB=1 -DHAS_STRING_VIEW=1 -DONLY_C_LOCALE=1 -ldate-tz -o cron_fuzz
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "queue/cron.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace q = kirim::queue;
  const auto c = q::Cron::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!c) return 0;
  const auto again = q::Cron::parse(c->to_string());
  if (!again || !(*again == *c)) std::abort();
  volatile std::size_t sink = c->describe().size();
  const std::chrono::sys_seconds t{std::chrono::seconds{1'741'500'000}};  // March 2025
  for (const char* tz : {"UTC", "America/New_York", "Pacific/Chatham"}) {
    const auto next = c->next_after(t, tz);
    if (next && *next <= t) std::abort();
    sink = sink + (next ? 1 : 0);
  }
  (void)sink;
  return 0;
}
