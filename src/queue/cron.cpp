#include "queue/cron.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <exception>
#include <span>
#include <utility>
#include <vector>

#include <date/tz.h>

namespace kirim::queue {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using LocalSeconds = std::chrono::local_seconds;

constexpr std::array<std::string_view, 12> kMonthAbbrev{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                        "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayAbbrev{"SUN", "MON", "TUE", "WED",
                                                     "THU", "FRI", "SAT"};
constexpr std::array<std::string_view, 12> kMonthNames{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDayNames{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
// The most days each month can have, 29 February included: what a schedule can ever match.
constexpr std::array<unsigned, 12> kMaxMonthDays{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Numbers longer than this are out of every field's range; the cap keeps from_chars in int.
constexpr std::size_t kMaxDigits = 9;
// More distinct times than this are described by field rather than listed ("at 09:00 and 17:00").
constexpr int kMaxListedTimes = 4;

// The times next_after accepts: far enough from the limits of the calendar arithmetic that
// adding the horizon and any UTC offset stays exact.
constexpr sys_seconds kEarliest = std::chrono::sys_days{std::chrono::year{1900} / 1 / 1};
constexpr sys_seconds kLatest = std::chrono::sys_days{std::chrono::year{9999} / 12 / 31};

enum Field { kMinute = 0, kHour, kDom, kMonth, kDow, kFieldCount };

struct FieldSpec {
  std::string_view name;
  int min;
  int max;       // the largest value accepted (7 for day-of-week: Sunday again)
  int star_max;  // the largest value `*` covers
  std::span<const std::string_view> names;  // names[i] is the value i + names_base
  int names_base;
  std::string_view names_hint;  // for errors
  bool allows_question;
};

constexpr std::array<FieldSpec, kFieldCount> kFields{{
    {"minute", 0, 59, 59, {}, 0, "", false},
    {"hour", 0, 23, 23, {}, 0, "", false},
    {"day-of-month", 1, 31, 31, {}, 0, "", true},
    {"month", 1, 12, 12, kMonthAbbrev, 1, " or a month name (JAN-DEC)", false},
    {"day-of-week", 0, 7, 6, kDayAbbrev, 0, " or a day name (SUN-SAT)", true},
}};

struct Macro {
  std::string_view name;
  std::string_view fields;
};
constexpr std::array<Macro, 7> kMacros{{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

struct DurationUnit {
  char symbol;
  std::int64_t seconds;
  std::string_view singular;
};
// Largest first: to_string and describe pick the largest units that fit.
constexpr std::array<DurationUnit, 4> kUnits{{
    {'d', 86400, "day"},
    {'h', 3600, "hour"},
    {'m', 60, "minute"},
    {'s', 1, "second"},
}};

constexpr std::string_view kBlanks = " \t";
constexpr std::string_view kEveryHint = "whole numbers with d, h, m or s: 90s, 5m, 1h30m";

// --- errors -------------------------------------------------------------------------------------

// One problem with one part of an expression: the field (or "expression", "@every") and why.
struct Problem {
  std::string field;
  std::string reason;
};

Error to_error(const std::vector<Problem>& problems) {
  Error e = make_error(Errc::invalid_argument, "");
  for (const auto& p : problems) {
    if (!e.message.empty()) e.message += "; ";
    e.message += p.field + ": " + p.reason;
    e.details.emplace(p.field, p.reason);
  }
  return e;
}

Error one_error(std::string_view field, std::string reason) {
  return to_error({Problem{std::string(field), std::move(reason)}});
}

// --- small helpers ------------------------------------------------------------------------------

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(sep, start);
    parts.push_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::vector<std::string_view> split_blanks(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (true) {
    i = s.find_first_not_of(kBlanks, i);
    if (i == std::string_view::npos) return words;
    const std::size_t end = s.find_first_of(kBlanks, i);
    words.push_back(s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    if (end == std::string_view::npos) return words;
    i = end;
  }
}

// The values of bits lo..hi that are set, in order.
std::vector<int> values_of(std::uint64_t bits, int lo, int hi) {
  std::vector<int> v;
  for (int i = lo; i <= hi; ++i)
    if ((bits >> i) & 1U) v.push_back(i);
  return v;
}

std::uint64_t range_bits(int lo, int hi, int step) {
  std::uint64_t bits = 0;
  for (int v = lo; v <= hi; v += step)
    bits |= std::uint64_t{1} << v;
  return bits;
}

std::uint64_t full_bits(const FieldSpec& spec) {
  return range_bits(spec.min, spec.star_max, 1);
}

// The step n > 1 of an evenly spaced set of at least `min_count` values, or 0.
int progression_step(const std::vector<int>& v, std::size_t min_count) {
  if (v.size() < std::max<std::size_t>(min_count, 2)) return 0;
  const int step = v[1] - v[0];
  if (step < 2) return 0;
  for (std::size_t i = 2; i < v.size(); ++i)
    if (v[i] - v[i - 1] != step) return 0;
  return step;
}

// --- parsing ------------------------------------------------------------------------------------

struct FieldBits {
  std::uint64_t bits = 0;
  bool wildcard = false;
};

Result<int> parse_value(const FieldSpec& spec, std::string_view token) {
  if (token.empty()) return one_error(spec.name, "a value is missing");
  if (all_digits(token)) {
    int v = spec.max + 1;
    if (token.size() <= kMaxDigits) std::from_chars(token.data(), token.data() + token.size(), v);
    if (v < spec.min || v > spec.max) {
      return one_error(spec.name, std::string(token) + " is out of range " +
                                      std::to_string(spec.min) + "-" + std::to_string(spec.max));
    }
    return v;
  }
  const std::string name = upper(token);
  for (std::size_t i = 0; i < spec.names.size(); ++i)
    if (spec.names[i] == name) return static_cast<int>(i) + spec.names_base;
  return one_error(spec.name,
                   std::string(token) + " is not a number" + std::string(spec.names_hint));
}

// Quartz-style extensions that a five-field cron does not have: refused by name.
std::optional<std::string> unsupported_extension(Field field, std::string_view text) {
  const std::string u = upper(text);
  if (field == kDom) {
    if (u.find('L') != std::string::npos) return "L (last day of the month) is not supported";
    if (u.find('W') != std::string::npos) return "W (nearest weekday) is not supported";
  }
  if (field == kDow) {
    if (u.find('#') != std::string::npos) {
      return "# (nth weekday of the month) is not supported";
    }
    // No day name contains an L, so any L is Quartz's "last".
    if (u.find('L') != std::string::npos) {
      return "L (last weekday of the month) is not supported";
    }
  }
  return std::nullopt;
}

Result<FieldBits> parse_field(Field field, std::string_view text) {
  const FieldSpec& spec = kFields[field];
  if (auto why = unsupported_extension(field, text)) return one_error(spec.name, *why);
  if (text == "?") {
    if (!spec.allows_question) {
      return one_error(spec.name, "? is only allowed in day-of-month and day-of-week");
    }
    return FieldBits{full_bits(spec), true};
  }
  const auto items = split(text, ',');
  FieldBits out;
  for (const std::string_view item : items) {
    if (item.empty()) return one_error(spec.name, "empty list item in " + std::string(text));
    const auto slash = split(item, '/');
    if (slash.size() > 2) return one_error(spec.name, std::string(item) + " has more than one /");
    const std::string_view base = slash[0];
    const int span = spec.star_max - spec.min + 1;
    int step = 1;
    if (slash.size() == 2) {
      const std::string_view s = slash[1];
      if (s.empty()) return one_error(spec.name, std::string(item) + " is missing its step");
      if (!all_digits(s)) {
        return one_error(spec.name, "step " + std::string(s) + " is not a number");
      }
      step = span + 1;
      if (s.size() <= kMaxDigits) std::from_chars(s.data(), s.data() + s.size(), step);
      if (step < 1 || step > span) {
        return one_error(spec.name,
                         "step " + std::string(s) + " is out of range 1-" + std::to_string(span));
      }
    }
    int lo = 0;
    int hi = 0;
    if (base == "*" || base == "?") {
      if (base == "?") {
        return one_error(spec.name, spec.allows_question
                                        ? "? stands alone: no list and no step"
                                        : "? is only allowed in day-of-month and day-of-week");
      }
      if (items.size() > 1) {
        return one_error(spec.name, "* cannot be combined with other values in a list");
      }
      lo = spec.min;
      hi = spec.star_max;
      out.wildcard = true;
    } else if (base.find('-') != std::string_view::npos) {
      const auto ends = split(base, '-');
      if (ends.size() != 2 || ends[0].empty() || ends[1].empty()) {
        return one_error(spec.name, std::string(base) + " is not a range like 1-5");
      }
      KIRIM_ASSIGN_OR_RETURN(lo, parse_value(spec, ends[0]));
      KIRIM_ASSIGN_OR_RETURN(hi, parse_value(spec, ends[1]));
      // FRI-SUN: Sunday written as 0 at the end of a range means the 7 that follows Saturday.
      if (field == kDow && hi == 0 && lo > 0) hi = 7;
      if (lo > hi) {
        return one_error(spec.name,
                         "range " + std::string(base) + " is reversed (start after end)");
      }
    } else {
      KIRIM_ASSIGN_OR_RETURN(lo, parse_value(spec, base));
      // 5/15: from 5 to the end of the field, every 15.
      hi = slash.size() == 2 ? std::max(lo, spec.star_max) : lo;
    }
    out.bits |= range_bits(lo, hi, step);
  }
  if (field == kDow && ((out.bits >> 7) & 1U)) {
    out.bits = (out.bits & ~(std::uint64_t{1} << 7)) | 1U;  // 7 is Sunday, 0
  }
  return out;
}

Result<seconds> parse_every(std::string_view text) {
  const auto words = split_blanks(text);
  if (words.empty()) return one_error("@every", "the interval is missing (e.g. @every 5m)");
  if (words.size() > 1) {
    const auto first = static_cast<std::size_t>(words.front().data() - text.data());
    const auto last =
        static_cast<std::size_t>(words.back().data() - text.data()) + words.back().size();
    return one_error("@every", "expected one interval, got " +
                                   std::string(text.substr(first, last - first)) + " (" +
                                   std::string(kEveryHint) + ")");
  }
  const std::string_view d = words[0];
  const auto bad = [&] {
    return one_error("@every",
                     std::string(d) + " is not a duration (" + std::string(kEveryHint) + ")");
  };
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < d.size()) {
    const std::size_t digits_end = d.find_first_not_of("0123456789", i);
    if (digits_end == i || digits_end == std::string_view::npos) return bad();
    if (digits_end - i > kMaxDigits) {
      return one_error("@every", std::string(d) + " is longer than the maximum " +
                                     std::to_string(kMaxEvery.count() / 86400) + "d");
    }
    std::int64_t n = 0;
    std::from_chars(d.data() + i, d.data() + digits_end, n);
    const auto unit = std::find_if(kUnits.begin(), kUnits.end(), [&](const DurationUnit& u) {
      return u.symbol == d[digits_end];
    });
    if (unit == kUnits.end()) return bad();
    total += n * unit->seconds;
    if (total > kMaxEvery.count()) {
      return one_error("@every", std::string(d) + " is longer than the maximum " +
                                     std::to_string(kMaxEvery.count() / 86400) + "d");
    }
    i = digits_end + 1;
  }
  if (total < kMinEvery.count()) {
    return one_error("@every", std::string(d) + " is not a positive interval of at least 1s");
  }
  return seconds{total};
}

Result<CronExpr> parse_fields(std::string_view text) {
  const auto words = split_blanks(text);
  if (words.size() != kFieldCount) {
    return one_error("expression",
                     "expected 5 fields (minute hour day-of-month month day-of-week), got " +
                         std::to_string(words.size()));
  }
  std::array<FieldBits, kFieldCount> f;
  std::vector<Problem> problems;
  for (int i = 0; i < kFieldCount; ++i) {
    auto r = parse_field(static_cast<Field>(i), words[static_cast<std::size_t>(i)]);
    if (r) {
      f[static_cast<std::size_t>(i)] = *r;
    } else {
      for (const auto& [field, reason] : r.error().details)
        problems.push_back(Problem{field, reason});
    }
  }
  if (!problems.empty()) return to_error(problems);
  CronExpr e;
  e.minutes = f[kMinute].bits;
  e.hours = static_cast<std::uint32_t>(f[kHour].bits);
  e.days_of_month = static_cast<std::uint32_t>(f[kDom].bits);
  e.months = static_cast<std::uint16_t>(f[kMonth].bits);
  e.days_of_week = static_cast<std::uint8_t>(f[kDow].bits);
  e.hour_wildcard = f[kHour].wildcard;
  e.dom_wildcard = f[kDom].wildcard;
  e.dow_wildcard = f[kDow].wildcard;
  return e;
}

// --- next_after ---------------------------------------------------------------------------------

// The days of a month that match both day fields under the Vixie rule, as bits 1..31.
std::uint32_t matching_days(const CronExpr& e, std::chrono::year y, std::chrono::month m) {
  const unsigned last = static_cast<unsigned>((y / m / std::chrono::last).day());
  const auto valid = static_cast<std::uint32_t>((std::uint64_t{1} << (last + 1)) - 2);
  const unsigned first_weekday =
      std::chrono::weekday{std::chrono::local_days{y / m / 1}}.c_encoding();
  std::uint32_t by_weekday = 0;
  for (unsigned d = 1; d <= last; ++d)
    if ((e.days_of_week >> ((first_weekday + d - 1) % 7)) & 1U) by_weekday |= 1U << d;
  const std::uint32_t by_date = e.days_of_month & valid;
  return (e.dom_wildcard || e.dow_wildcard) ? (by_date & by_weekday) : (by_date | by_weekday);
}

// Whether some year has a day that matches: false for `0 0 30 2 *`, whatever the weekday rule.
bool can_ever_fire(const CronExpr& e) {
  if (!e.dom_wildcard && !e.dow_wildcard) return e.days_of_week != 0 || e.days_of_month != 0;
  for (unsigned m = 1; m <= 12; ++m) {
    const auto days =
        static_cast<std::uint32_t>((std::uint64_t{1} << (kMaxMonthDays[m - 1] + 1)) - 2);
    if (((e.months >> m) & 1U) && (e.days_of_month & days) != 0) return true;
  }
  return false;
}

// The first time of day at or after h:m that matches, as {hour, minute}.
std::optional<std::pair<int, int>> next_time_of_day(const CronExpr& e, int h, int m) {
  std::uint32_t hours = e.hours & ~((std::uint32_t{1} << h) - 1);
  while (hours != 0) {
    const int hh = std::countr_zero(hours);
    const int from = hh == h ? m : 0;
    const std::uint64_t minutes = e.minutes & ~((std::uint64_t{1} << from) - 1);
    if (minutes != 0) return std::pair{hh, std::countr_zero(minutes)};
    hours &= hours - 1;
  }
  return std::nullopt;
}

// The first local wall-clock time in [lower, upper) that matches, on the naive calendar (no
// zone). Steps by month and by day over bit sets, so a search over years costs a few thousand
// operations at most.
std::optional<LocalSeconds> next_local(const CronExpr& e, LocalSeconds lower, LocalSeconds upper) {
  const auto start = std::chrono::ceil<std::chrono::minutes>(lower);
  if (start >= upper) return std::nullopt;
  const auto start_day = std::chrono::floor<std::chrono::days>(start);
  const std::chrono::year_month_day ymd{start_day};
  std::chrono::year y = ymd.year();
  std::chrono::month mon = ymd.month();
  unsigned d = static_cast<unsigned>(ymd.day());
  const auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(start - start_day);
  int h = static_cast<int>(since_midnight.count() / 60);
  int m = static_cast<int>(since_midnight.count() % 60);
  while (true) {
    if (std::chrono::local_days{y / mon / std::chrono::day{d}} >= upper) return std::nullopt;
    if ((e.months >> static_cast<unsigned>(mon)) & 1U) {
      std::uint32_t days = matching_days(e, y, mon) & ~((std::uint32_t{1} << d) - 1);
      while (days != 0) {
        const auto dd = static_cast<unsigned>(std::countr_zero(days));
        if (const auto hm = next_time_of_day(e, dd == d ? h : 0, dd == d ? m : 0)) {
          const LocalSeconds at = std::chrono::local_days{y / mon / std::chrono::day{dd}} +
                                  std::chrono::hours{hm->first} + std::chrono::minutes{hm->second};
          if (at >= upper) return std::nullopt;
          return at;
        }
        days &= days - 1;
      }
    }
    if (mon == std::chrono::December) y += std::chrono::years{1};
    mon += std::chrono::months{1};
    d = 1;
    h = 0;
    m = 0;
  }
}

LocalSeconds to_local(sys_seconds t, seconds offset) {
  return LocalSeconds{t.time_since_epoch() + offset};
}

sys_seconds to_sys(LocalSeconds t, seconds offset) {
  return sys_seconds{t.time_since_epoch() - offset};
}

const date::time_zone* find_zone(std::string_view tz) {
  if (tz.empty() || tz.size() > kMaxTimeZoneNameLength || tz == "localtime") return nullptr;
  try {
    return date::locate_zone(tz);
  } catch (const std::exception&) {
    // Unknown names are expected input; a missing tz database reads the same way.
    return nullptr;
  }
}

// The cron part of next_after: walks the zone's periods of constant UTC offset from the one
// holding t, and in each looks for the first matching local time that maps into it.
std::optional<sys_seconds> next_in_zone(const CronExpr& e, sys_seconds t,
                                        const date::time_zone& zone) {
  using namespace std::chrono_literals;
  const sys_seconds horizon = t + kCronSearchHorizon;
  date::sys_info period = zone.get_info(t);
  seconds previous_offset = period.offset;
  if (period.begin > kEarliest) previous_offset = zone.get_info(period.begin - 1s).offset;
  while (true) {
    const seconds offset = period.offset;
    // Where this period's local times start. For schedules that name their hours, right after
    // the previous period's last local time: a spring-forward gap's times then belong to this
    // period and fire at its first instant, and a fall-back overlap's times, already matched
    // in the previous period, are not matched again. For wildcard hours, at this period's own
    // first local time: gap times do not exist, overlap times fire on both passes.
    const LocalSeconds first_local =
        to_local(period.begin, e.hour_wildcard ? offset : previous_offset);
    // In the period holding t, only local times after t's count. A later period starts after
    // t, so all of its times do, including a gap's, which map to its start rather than to
    // their own wall-clock reading.
    const LocalSeconds lower =
        period.begin > t ? first_local : std::max(first_local, to_local(t + 1s, offset));
    const sys_seconds end = std::min(period.end, horizon);
    if (const auto local = next_local(e, lower, to_local(end, offset))) {
      return std::max(to_sys(*local, offset), period.begin);
    }
    if (period.end >= horizon) return std::nullopt;
    date::sys_info next = zone.get_info(period.end);
    if (next.end <= period.end) return std::nullopt;  // a malformed database; never loop
    previous_offset = offset;
    period = std::move(next);
  }
}

// --- rendering ----------------------------------------------------------------------------------

std::string render_values(const std::vector<int>& v) {
  if (const int step = progression_step(v, 3)) {
    return std::to_string(v.front()) + "-" + std::to_string(v.back()) + "/" + std::to_string(step);
  }
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1)
      ++j;
    if (!out.empty()) out += ',';
    if (j - i >= 2) {
      out += std::to_string(v[i]) + "-" + std::to_string(v[j]);
    } else {
      out += std::to_string(v[i]);
      if (j > i) out += "," + std::to_string(v[j]);
    }
    i = j + 1;
  }
  return out;
}

// `*` or `*/n` when bits are exactly what `*/n` gives, with n > 1 only when n divides the
// field's span (a regular rhythm: `*/15`, not `*/7`).
std::optional<std::string> as_star(const FieldSpec& spec, std::uint64_t bits) {
  const int span = spec.star_max - spec.min + 1;
  for (int n = 1; n < span; ++n) {
    if (span % n == 0 && bits == range_bits(spec.min, spec.star_max, n)) {
      return n == 1 ? std::string("*") : "*/" + std::to_string(n);
    }
  }
  return std::nullopt;
}

std::string render_field(Field field, std::uint64_t bits, bool wildcard) {
  const FieldSpec& spec = kFields[field];
  const auto v = values_of(bits, spec.min, spec.star_max);
  if (field == kMinute || field == kMonth) {
    if (auto star = as_star(spec, bits)) return *star;
    return render_values(v);
  }
  if (!wildcard) return render_values(v);
  const int span = spec.star_max - spec.min + 1;
  const int step = v.size() >= 2 ? v[1] - v[0] : span;
  return step == 1 ? std::string("*") : "*/" + std::to_string(step);
}

std::string render_every(seconds every) {
  std::string out = "@every ";
  std::int64_t left = every.count();
  for (const auto& unit : kUnits) {
    if (left >= unit.seconds) {
      out += std::to_string(left / unit.seconds) + unit.symbol;
      left %= unit.seconds;
    }
  }
  return out;
}

// --- describing ---------------------------------------------------------------------------------

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

std::string ordinal(int n) {
  const int mod100 = n % 100;
  const char* suffix = "th";
  if (mod100 < 11 || mod100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

std::string plural(std::int64_t n, std::string_view unit) {
  if (n == 1) return std::string(unit);
  return std::to_string(n) + " " + std::string(unit) + "s";
}

// Values as words with runs of three or more merged: "1 to 5, 10 and 12".
template <typename Name>
std::string run_words(const std::vector<int>& v, Name name) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1)
      ++j;
    if (j - i >= 2) {
      words.push_back(name(v[i]) + " to " + name(v[j]));
    } else {
      for (std::size_t k = i; k <= j; ++k)
        words.push_back(name(v[k]));
    }
    i = j + 1;
  }
  return join_words(words);
}

std::string number_word(int n) {
  return std::to_string(n);
}

std::string two_digits(int n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

std::string clock(int h, int m) {
  return two_digits(h) + ":" + two_digits(m);
}

// Weekdays from Monday to Sunday, so that FRI-SUN reads "Friday to Sunday".
std::string weekday_words(std::uint8_t bits) {
  std::vector<int> monday_first;
  for (int i = 0; i < 7; ++i)
    if ((bits >> ((i + 1) % 7)) & 1U) monday_first.push_back(i);
  return run_words(monday_first, [](int i) { return std::string(kDayNames[(i + 1) % 7]); });
}

std::string month_words(std::uint16_t bits) {
  return run_words(values_of(bits, 1, 12),
                   [](int m) { return std::string(kMonthNames[static_cast<std::size_t>(m - 1)]); });
}

std::string day_of_month_words(std::uint32_t bits) {
  const auto v = values_of(bits, 1, 31);
  if (const int step = progression_step(v, 5)) {
    return "every " + ordinal(step) + " day of the month from day " + std::to_string(v.front());
  }
  return (v.size() == 1 ? "day " : "days ") + run_words(v, number_word) + " of the month";
}

std::string time_words(const CronExpr& e) {
  const auto minutes = values_of(e.minutes, 0, 59);
  const auto hours = values_of(e.hours, 0, 23);
  const auto minute_count = static_cast<int>(minutes.size());
  const auto hour_count = static_cast<int>(hours.size());
  if (minute_count * hour_count <= kMaxListedTimes) {
    std::vector<std::string> times;
    for (const int h : hours)
      for (const int m : minutes)
        times.push_back(clock(h, m));
    return "at " + join_words(times);
  }
  const auto minute_star = as_star(kFields[kMinute], e.minutes);
  std::string minute_part;
  if (minute_star && *minute_star == "*") {
    minute_part = "every minute";
  } else if (minute_star) {
    minute_part = "every " + minute_star->substr(2) + " minutes";
  } else if (const int step = progression_step(minutes, 3)) {
    minute_part = "every " + std::to_string(step) + " minutes from minute " +
                  std::to_string(minutes.front()) + " to " + std::to_string(minutes.back());
  } else {
    minute_part =
        (minute_count == 1 ? "at minute " : "at minutes ") + run_words(minutes, number_word);
  }
  if (hour_count == 24) {
    if (minute_count == 1) {
      return minutes[0] == 0 ? "every hour" : "every hour at minute " + std::to_string(minutes[0]);
    }
    return minute_part;
  }
  const int hour_step = progression_step(hours, 2);
  if (minute_count == 1 && hour_step > 0 && hours.front() == 0 && 24 % hour_step == 0 &&
      hour_count == 24 / hour_step) {
    return "every " + std::to_string(hour_step) + " hours" +
           (minutes[0] == 0 ? "" : " at minute " + std::to_string(minutes[0]));
  }
  return minute_part + (hour_count == 1 ? " during hour " : " during hours ") +
         run_words(hours, number_word);
}

std::string day_words(const CronExpr& e) {
  const bool all_dates = e.days_of_month == full_bits(kFields[kDom]);
  const bool all_weekdays = e.days_of_week == full_bits(kFields[kDow]);
  const bool either = !e.dom_wildcard && !e.dow_wildcard;
  if (either) {
    if (all_dates || all_weekdays) return "";
    return " on " + day_of_month_words(e.days_of_month) + " or on " + weekday_words(e.days_of_week);
  }
  if (all_dates && all_weekdays) return "";
  if (all_dates) return " on " + weekday_words(e.days_of_week);
  if (all_weekdays) return " on " + day_of_month_words(e.days_of_month);
  return " on " + day_of_month_words(e.days_of_month) + " when it falls on " +
         weekday_words(e.days_of_week);
}

std::string describe_every(seconds every) {
  for (const auto& unit : kUnits) {
    if (every.count() % unit.seconds == 0) {
      return "every " + plural(every.count() / unit.seconds, unit.singular);
    }
  }
  return "every " + plural(every.count(), "second");
}

}  // namespace

Result<Cron> Cron::parse(std::string_view expr) {
  if (expr.size() > kMaxCronExpressionLength) {
    return one_error("expression",
                     "is longer than " + std::to_string(kMaxCronExpressionLength) + " characters");
  }
  const auto words = split_blanks(expr);
  if (words.empty()) return one_error("expression", "is empty");
  if (words[0].front() != '@') {
    KIRIM_ASSIGN_OR_RETURN(CronExpr e, parse_fields(expr));
    return Cron(e);
  }
  const std::string macro = lower(words[0]);
  if (macro == "@every") {
    const std::size_t at = expr.find_first_not_of(kBlanks);
    KIRIM_ASSIGN_OR_RETURN(const seconds every, parse_every(expr.substr(at + words[0].size())));
    CronExpr e;
    e.every = every;
    return Cron(e);
  }
  for (const auto& m : kMacros) {
    if (m.name != macro) continue;
    if (words.size() > 1)
      return one_error("expression", std::string(m.name) + " takes no arguments");
    KIRIM_ASSIGN_OR_RETURN(CronExpr e, parse_fields(m.fields));
    return Cron(e);
  }
  if (macro == "@reboot") return one_error("expression", "@reboot is not supported");
  return one_error("expression", "unknown macro " + std::string(words[0]) +
                                     " (use @yearly, @annually, @monthly, @weekly, @daily, "
                                     "@midnight, @hourly or @every)");
}

std::optional<sys_seconds> Cron::next_after(sys_seconds t, const std::string& tz) const {
  if (t < kEarliest || t > kLatest) return std::nullopt;
  // Checked for intervals too, so that a bad zone fails the same way for every schedule.
  const date::time_zone* zone = find_zone(tz);
  if (zone == nullptr) return std::nullopt;
  if (is_interval()) {
    // Multiples of the interval since the epoch: floor division, also before 1970.
    const std::int64_t n = expr_.every.count();
    const std::int64_t s = t.time_since_epoch().count();
    const std::int64_t q = s >= 0 ? s / n : -((-s + n - 1) / n);
    return sys_seconds{seconds{(q + 1) * n}};
  }
  if (!can_ever_fire(expr_)) return std::nullopt;
  try {
    return next_in_zone(expr_, t, *zone);
  } catch (const std::exception&) {
    // date/tz reads a zone's file on first use; if that fails the zone cannot be evaluated.
    return std::nullopt;
  }
}

std::string Cron::to_string() const {
  if (is_interval()) return render_every(expr_.every);
  return render_field(kMinute, expr_.minutes, false) + " " +
         render_field(kHour, expr_.hours, expr_.hour_wildcard) + " " +
         render_field(kDom, expr_.days_of_month, expr_.dom_wildcard) + " " +
         render_field(kMonth, expr_.months, false) + " " +
         render_field(kDow, expr_.days_of_week, expr_.dow_wildcard);
}

std::string Cron::describe() const {
  if (is_interval()) return describe_every(expr_.every);
  const auto dates = values_of(expr_.days_of_month, 1, 31);
  const auto months = values_of(expr_.months, 1, 12);
  const bool all_weekdays = expr_.days_of_week == full_bits(kFields[kDow]);
  // `0 0 1 1 *`: "at 00:00 on 1 January" rather than "on day 1 of the month in January".
  if (dates.size() == 1 && months.size() == 1 && (expr_.dow_wildcard && all_weekdays)) {
    return time_words(expr_) + " on " + std::to_string(dates[0]) + " " +
           std::string(kMonthNames[static_cast<std::size_t>(months[0] - 1)]);
  }
  std::string out = time_words(expr_) + day_words(expr_);
  if (months.size() != 12) out += " in " + month_words(expr_.months);
  return out;
}

bool valid_time_zone(std::string_view tz) {
  return find_zone(tz) != nullptr;
}

}  // namespace kirim::queue
