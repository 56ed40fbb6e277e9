#pragma once

#include <source_location>
#include <string_view>

// Three levels of assertion, defined once:
//  - KIRIM_DCHECK(cond): a debug invariant; compiled out of release builds.
//  - KIRIM_CHECK(cond, msg): a fatal check; the process cannot go on correctly (start-up,
//  corruption).
//  - KIRIM_BUG(msg): a bug was found; it is logged and counted, and the process keeps serving.
// None of them is ever used on client input: bad input is an Error value.
namespace kirim::check {

[[noreturn]] void fail(std::string_view condition, std::string_view message,
                       std::source_location where = std::source_location::current());
void bug(std::string_view message, std::source_location where = std::source_location::current());
// How many KIRIM_BUG reports this process has logged (exported on /metrics).
[[nodiscard]] long bug_count();

}  // namespace kirim::check

#define KIRIM_CHECK(cond, msg)            \
  do {                                    \
    if (!(cond)) {                        \
      ::kirim::check::fail(#cond, (msg)); \
    }                                     \
  } while (false)

#ifdef NDEBUG
#define KIRIM_DCHECK(cond) \
  do {                     \
  } while (false)
#else
#define KIRIM_DCHECK(cond) KIRIM_CHECK(cond, "debug invariant")
#endif

#define KIRIM_BUG(msg) ::kirim::check::bug(msg)
