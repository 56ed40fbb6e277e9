#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kirim::queue {

// Limits of the schedule language, each with a boundary test.
inline constexpr std::size_t kMaxCronExpressionLength = 256;
inline constexpr std::chrono::seconds kMinEvery{1};
inline constexpr std::chrono::seconds kMaxEvery{366LL * 24 * 3600};
// How far ahead next_after looks: 8 years covers the longest wait for a 29 February (2096 to
// 2104, as 2100 is not a leap year). A schedule with no time inside it counts as never firing.
inline constexpr std::chrono::seconds kCronSearchHorizon{8LL * 366 * 24 * 3600};
inline constexpr std::size_t kMaxTimeZoneNameLength = 64;

// The parsed form of a schedule: one bit set per field, or an interval. Plain data; two
// expressions with the same normalised form (Cron::to_string) compare equal.
struct CronExpr {
  std::uint64_t minutes = 0;        // bit m: minute m, 0-59
  std::uint32_t hours = 0;          // bit h: hour h, 0-23
  std::uint32_t days_of_month = 0;  // bit d: day d, 1-31
  std::uint16_t months = 0;         // bit m: month m, 1-12
  std::uint8_t days_of_week = 0;    // bit w: weekday w, 0-6, 0 = Sunday (7 is folded into 0)
  // Whether the field was written as `*` or `*/n` (or `?` for the day fields). The day fields'
  // wildcards decide the day rule, the hour field's the daylight saving rule (see Cron). For
  // minutes and months it changes nothing, so it is not kept.
  bool hour_wildcard = false;
  bool dom_wildcard = false;
  bool dow_wildcard = false;
  // Non-zero: an `@every` schedule, and the fields above are unused.
  std::chrono::seconds every{0};

  friend bool operator==(const CronExpr&, const CronExpr&) = default;
};

// A recurring schedule: a cron expression or an `@every` interval. An immutable value, cheap to
// copy; const methods are safe to call from any number of threads at once. It holds no
// reference to anything: time zones are looked up per call in the OS tz database through
// Howard Hinnant's date/tz, whose database is loaded once and then shared read-only.
//
// Syntax. Five fields separated by blanks: minute (0-59), hour (0-23), day-of-month (1-31),
// month (1-12 or JAN-DEC), day-of-week (0-7 or SUN-SAT, 0 and 7 are Sunday). Each field is `*`,
// or a list of values and ranges (`1,15`, `9-17`, `MON-FRI`), each optionally with a step
// (`*/15`, `1-30/2`, `5/15` meaning 5-59/15). Names are case-insensitive. `?` means `*` in the
// two day fields. A day-of-week range may end on Sunday written as 0 or SUN (`FRI-SUN`).
// `L`, `W` and `#` are refused, as are `*` and `?` inside a list. Macros: `@yearly`
// (= `@annually`, `0 0 1 1 *`), `@monthly` (`0 0 1 * *`), `@weekly` (`0 0 * * 0`), `@daily`
// (= `@midnight`, `0 0 * * *`), `@hourly` (`0 * * * *`) and `@every <duration>` with whole
// numbers of d, h, m and s (`90s`, `5m`, `1h30m`), from kMinEvery to kMaxEvery.
//
// Days (Vixie cron, crontab(5)). When both day fields are restricted, i.e. neither is a
// wildcard, a day matches if EITHER matches: `0 0 1,15 * MON` fires on the 1st, the 15th and
// every Monday. When either is a wildcard, a day must match both: `0 0 */2 * MON` fires on
// Mondays that fall on an odd day of the month. A day that a month does not have is skipped:
// `0 0 31 * *` fires only in the months with 31 days, `0 0 29 2 *` only in leap years.
//
// Time zones and daylight saving time. Fields match the local wall clock of the IANA zone
// given to next_after.
// - A schedule that names its hours (the hour field is not `*` or `*/n`; `30 2 * * *`,
//   `@daily`):
//   * a local time that does not exist (spring-forward gap) fires once, at the first instant
//     after the gap; several matching times inside one gap fire together, once. New York,
//     2025-03-09: `30 2 * * *` fires at 03:00 EDT (07:00Z).
//   * a local time that occurs twice (fall back) fires once, at its first occurrence. New York,
//     2025-11-02: `30 1 * * *` fires at 01:30 EDT (05:30Z) and not at 01:30 EST (06:30Z).
// - A schedule whose hour field is `*` or `*/n` (`0 * * * *`, `*/15 * * * *`, `@hourly`)
//   keeps its rhythm in real time, as Vixie cron does for such jobs: local times inside a gap
//   do not exist and are skipped, and local times that occur twice fire at both occurrences,
//   each being a distinct instant. Hence an hourly schedule fires once per real hour across
//   both transitions, never twice within one and never leaving one out: New York, 2025-03-09,
//   `0 * * * *` fires at 01:00 EST (06:00Z) then 03:00 EDT (07:00Z); 2025-11-02 at 01:00 EDT
//   (05:00Z), 01:00 EST (06:00Z), 02:00 EST (07:00Z).
// - `@every` intervals count UTC seconds and ignore the zone and its DST: they fire at every
//   multiple of the interval since the Unix epoch (`@every 5m` at :00, :05, ...; `@every 1d` at
//   00:00Z), so the times do not depend on when the schedule was created or last ran.
// The OS tz database lists explicit transitions up to 2037; date/tz does not read the rule that
// continues them, so after the last listed transition each zone keeps its last offset.
class Cron {
 public:
  // Errors: Errc::invalid_argument naming the field and why ("hour: 24 is out of range 0-23"),
  // with details {field: reason}; the field is "expression" or "@every" for the whole.
  [[nodiscard]] static Result<Cron> parse(std::string_view expr);

  // The first fire time strictly after t, in the IANA zone tz. nullopt when tz is not a known
  // zone, even for `@every` (check it with valid_time_zone when the schedule is stored), when
  // the schedule never fires within kCronSearchHorizon after t (`0 0 30 2 *`), or when t is
  // outside the years 1900-9999. Costs microseconds: it steps by month and day over bit sets,
  // never by minute.
  [[nodiscard]] std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds t,
                                                                   const std::string& tz) const;

  // For people, best effort: "every 15 minutes", "at 09:00 on Monday to Friday".
  [[nodiscard]] std::string describe() const;
  // The normalised expression: five numeric fields (`0 9 * * 1-5`; macros expanded, names and
  // 7 turned into numbers, lists sorted and merged) or `@every 1m30s`. parse(to_string())
  // gives back an equal Cron.
  [[nodiscard]] std::string to_string() const;

  [[nodiscard]] const CronExpr& expr() const { return expr_; }
  [[nodiscard]] bool is_interval() const { return expr_.every.count() > 0; }

  friend bool operator==(const Cron&, const Cron&) = default;

 private:
  explicit Cron(CronExpr expr) : expr_(expr) {}

  CronExpr expr_;
};

// Whether tz names a zone of the OS tz database ("Europe/Berlin", "UTC"). "localtime" is
// refused: it follows the machine's setting, which a stored schedule must not depend on.
[[nodiscard]] bool valid_time_zone(std::string_view tz);

}  // namespace kirim::queue
