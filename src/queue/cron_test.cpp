#include "queue/cron.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <date/tz.h>
#include <gtest/gtest.h>

namespace kirim::queue {
namespace {

using std::chrono::sys_seconds;
using namespace std::chrono_literals;

// A UTC instant, for hand-computed expectations.
sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} /
                               std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s};
}

std::string iso(std::optional<sys_seconds> t) {
  if (!t) return "never";
  const auto day = std::chrono::floor<std::chrono::days>(*t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{*t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

Cron cron(std::string_view expr) {
  auto c = Cron::parse(expr);
  EXPECT_TRUE(c.ok()) << expr << ": " << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : *Cron::parse("* * * * *");
}

// The next `count` fire times after `from`, as ISO strings.
std::vector<std::string> fires(std::string_view expr, const std::string& tz, sys_seconds from,
                               int count) {
  const Cron c = cron(expr);
  std::vector<std::string> out;
  std::optional<sys_seconds> t = from;
  for (int i = 0; i < count && t; ++i) {
    t = c.next_after(*t, tz);
    out.push_back(iso(t));
  }
  return out;
}

std::string error_of(std::string_view expr) {
  auto c = Cron::parse(expr);
  if (c.ok()) return "parsed as " + c->to_string();
  EXPECT_EQ(c.error().code, Errc::invalid_argument) << expr;
  return c.error().message;
}

std::uint64_t bits(std::initializer_list<int> values) {
  std::uint64_t b = 0;
  for (int v : values)
    b |= std::uint64_t{1} << v;
  return b;
}

std::uint64_t span(int lo, int hi, int step = 1) {
  std::uint64_t b = 0;
  for (int v = lo; v <= hi; v += step)
    b |= std::uint64_t{1} << v;
  return b;
}

// --- syntax -------------------------------------------------------------------------------------

TEST(CronParse, StarsCoverWholeFieldsAndAreWildcards) {
  const CronExpr e = cron("* * * * *").expr();
  EXPECT_EQ(e.minutes, span(0, 59));
  EXPECT_EQ(e.hours, span(0, 23));
  EXPECT_EQ(e.days_of_month, span(1, 31));
  EXPECT_EQ(e.months, span(1, 12));
  EXPECT_EQ(e.days_of_week, span(0, 6));
  EXPECT_TRUE(e.hour_wildcard);
  EXPECT_TRUE(e.dom_wildcard);
  EXPECT_TRUE(e.dow_wildcard);
  EXPECT_EQ(e.every, 0s);
}

TEST(CronParse, ListsRangesAndSteps) {
  const CronExpr e = cron("0,15,30,45 9-17 1-30/2 */3 1-5").expr();
  EXPECT_EQ(e.minutes, bits({0, 15, 30, 45}));
  EXPECT_EQ(e.hours, span(9, 17));
  EXPECT_EQ(e.days_of_month, span(1, 29, 2));
  EXPECT_EQ(e.months, bits({1, 4, 7, 10}));
  EXPECT_EQ(e.days_of_week, span(1, 5));
  EXPECT_FALSE(e.hour_wildcard);
  EXPECT_FALSE(e.dom_wildcard);
  EXPECT_FALSE(e.dow_wildcard);
}

TEST(CronParse, StepOverStarAndOverMixedList) {
  EXPECT_EQ(cron("*/15 * * * *").expr().minutes, bits({0, 15, 30, 45}));
  EXPECT_EQ(cron("*/7 * * * *").expr().minutes, span(0, 59, 7));
  EXPECT_EQ(cron("1,10-20/5,58 * * * *").expr().minutes, bits({1, 10, 15, 20, 58}));
  EXPECT_TRUE(cron("0 */2 * * *").expr().hour_wildcard);
  EXPECT_EQ(cron("0 */2 * * *").expr().hours, span(0, 22, 2));
  EXPECT_EQ(cron("*/60 * * * *").expr().minutes, bits({0}));
}

TEST(CronParse, StepFromSingleValueRunsToEndOfField) {
  EXPECT_EQ(cron("5/15 * * * *").expr().minutes, bits({5, 20, 35, 50}));
  EXPECT_EQ(cron("0 0 * * 1/2").expr().days_of_week, bits({1, 3, 5}));
}

TEST(CronParse, MonthAndDayNamesAreCaseInsensitive) {
  const CronExpr e = cron("0 0 * jan-Mar mon,WED,fRi").expr();
  EXPECT_EQ(e.months, bits({1, 2, 3}));
  EXPECT_EQ(e.days_of_week, bits({1, 3, 5}));
  EXPECT_EQ(cron("0 0 * DEC SUN").expr(), cron("0 0 * 12 0").expr());
  EXPECT_EQ(cron("0 0 * JAN-DEC/6 *").expr().months, bits({1, 7}));
}

TEST(CronParse, SevenIsSunday) {
  EXPECT_EQ(cron("0 0 * * 7").expr().days_of_week, bits({0}));
  EXPECT_EQ(cron("0 0 * * 7").expr(), cron("0 0 * * SUN").expr());
  EXPECT_EQ(cron("0 0 * * 5-7").expr().days_of_week, bits({0, 5, 6}));
  EXPECT_EQ(cron("0 0 * * FRI-SUN").expr().days_of_week, bits({0, 5, 6}));
  EXPECT_EQ(cron("0 0 * * 0-7").expr().days_of_week, span(0, 6));
}

TEST(CronParse, QuestionMarkIsAnyDayInDayFields) {
  const CronExpr q = cron("0 0 ? * MON").expr();
  EXPECT_TRUE(q.dom_wildcard);
  EXPECT_EQ(q, cron("0 0 * * MON").expr());
  EXPECT_EQ(cron("0 0 1 * ?").expr(), cron("0 0 1 * *").expr());
}

TEST(CronParse, BlanksAroundAndBetweenFieldsAreIgnored) {
  EXPECT_EQ(cron("  0\t9 *  * 1-5 \t").expr(), cron("0 9 * * 1-5").expr());
  EXPECT_EQ(cron("00 09 01 01 *").expr(), cron("0 9 1 1 *").expr());
}

TEST(CronParse, MacrosExpandToFields) {
  EXPECT_EQ(cron("@yearly").to_string(), "0 0 1 1 *");
  EXPECT_EQ(cron("@annually").to_string(), "0 0 1 1 *");
  EXPECT_EQ(cron("@monthly").to_string(), "0 0 1 * *");
  EXPECT_EQ(cron("@weekly").to_string(), "0 0 * * 0");
  EXPECT_EQ(cron("@daily").to_string(), "0 0 * * *");
  EXPECT_EQ(cron("@midnight").to_string(), "0 0 * * *");
  EXPECT_EQ(cron("@hourly").to_string(), "0 * * * *");
  EXPECT_EQ(cron("@DAILY").expr(), cron("0 0 * * *").expr());
  EXPECT_TRUE(cron("@hourly").expr().hour_wildcard);
}

TEST(CronParse, EveryTakesWholeUnits) {
  EXPECT_EQ(cron("@every 5m").expr().every, 300s);
  EXPECT_EQ(cron("@every 90s").expr().every, 90s);
  EXPECT_EQ(cron("@every 1h30m").expr().every, 5400s);
  EXPECT_EQ(cron("@every 1d").expr().every, 86400s);
  EXPECT_EQ(cron("@EVERY   2h ").expr().every, 7200s);
  EXPECT_EQ(cron("@every 1s").expr().every, kMinEvery);
  EXPECT_EQ(cron("@every 366d").expr().every, kMaxEvery);
  EXPECT_TRUE(cron("@every 5m").is_interval());
  EXPECT_FALSE(cron("*/5 * * * *").is_interval());
}

TEST(CronParse, ExpressionLengthLimit) {
  std::string at_limit = "0 0 * * *";
  at_limit.resize(kMaxCronExpressionLength, ' ');
  EXPECT_TRUE(Cron::parse(at_limit).ok());
  EXPECT_EQ(error_of(at_limit + " "), "expression: is longer than 256 characters");
}

struct BadExpression {
  const char* expr;
  const char* message;
};

TEST(CronParse, ErrorsNameTheFieldAndWhy) {
  const BadExpression cases[] = {
      {"", "expression: is empty"},
      {"   ", "expression: is empty"},
      {"* * * *",
       "expression: expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
      {"0 * * * * *",
       "expression: expected 5 fields (minute hour day-of-month month day-of-week), got 6"},
      {"60 * * * *", "minute: 60 is out of range 0-59"},
      {"0 24 * * *", "hour: 24 is out of range 0-23"},
      {"0 0 0 * *", "day-of-month: 0 is out of range 1-31"},
      {"0 0 32 * *", "day-of-month: 32 is out of range 1-31"},
      {"0 0 * 0 *", "month: 0 is out of range 1-12"},
      {"0 0 * 13 *", "month: 13 is out of range 1-12"},
      {"0 0 * * 8", "day-of-week: 8 is out of range 0-7"},
      {"99999999999 * * * *", "minute: 99999999999 is out of range 0-59"},
      {"*/0 * * * *", "minute: step 0 is out of range 1-60"},
      {"*/61 * * * *", "minute: step 61 is out of range 1-60"},
      {"0 */25 * * *", "hour: step 25 is out of range 1-24"},
      {"0 0 * * */8", "day-of-week: step 8 is out of range 1-7"},
      {"*/x * * * *", "minute: step x is not a number"},
      {"*/ * * * *", "minute: */ is missing its step"},
      {"1/2/3 * * * *", "minute: 1/2/3 has more than one /"},
      {"5-2 * * * *", "minute: range 5-2 is reversed (start after end)"},
      {"0 0 * DEC-JAN *", "month: range DEC-JAN is reversed (start after end)"},
      {"1- * * * *", "minute: 1- is not a range like 1-5"},
      {"-1 * * * *", "minute: -1 is not a range like 1-5"},
      {"1-2-3 * * * *", "minute: 1-2-3 is not a range like 1-5"},
      {"1,,2 * * * *", "minute: empty list item in 1,,2"},
      {"1, * * * *", "minute: empty list item in 1,"},
      {"a * * * *", "minute: a is not a number"},
      {"0 MON * * *", "hour: MON is not a number"},
      {"0 0 * FOO *", "month: FOO is not a number or a month name (JAN-DEC)"},
      {"0 0 * * FOO", "day-of-week: FOO is not a number or a day name (SUN-SAT)"},
      {"0 0 * * MONDAY", "day-of-week: MONDAY is not a number or a day name (SUN-SAT)"},
      {"? * * * *", "minute: ? is only allowed in day-of-month and day-of-week"},
      {"0 0 ?,1 * *", "day-of-month: ? stands alone: no list and no step"},
      {"0 0 * * ?/2", "day-of-week: ? stands alone: no list and no step"},
      {"*,5 * * * *", "minute: * cannot be combined with other values in a list"},
      {"0 0 L * *", "day-of-month: L (last day of the month) is not supported"},
      {"0 0 l * *", "day-of-month: L (last day of the month) is not supported"},
      {"0 0 15W * *", "day-of-month: W (nearest weekday) is not supported"},
      {"0 0 * * 5L", "day-of-week: L (last weekday of the month) is not supported"},
      {"0 0 * * 1#2", "day-of-week: # (nth weekday of the month) is not supported"},
      {"@reboot", "expression: @reboot is not supported"},
      {"@daily 5", "expression: @daily takes no arguments"},
      {"@fortnightly",
       "expression: unknown macro @fortnightly (use @yearly, @annually, @monthly, @weekly, "
       "@daily, @midnight, @hourly or @every)"},
      {"@every", "@every: the interval is missing (e.g. @every 5m)"},
      {"@every 0s", "@every: 0s is not a positive interval of at least 1s"},
      {"@every 0m0s", "@every: 0m0s is not a positive interval of at least 1s"},
      {"@every 5", "@every: 5 is not a duration (whole numbers with d, h, m or s: 90s, 5m, 1h30m)"},
      {"@every m", "@every: m is not a duration (whole numbers with d, h, m or s: 90s, 5m, 1h30m)"},
      {"@every 5x",
       "@every: 5x is not a duration (whole numbers with d, h, m or s: 90s, 5m, 1h30m)"},
      {"@every 1.5h",
       "@every: 1.5h is not a duration (whole numbers with d, h, m or s: 90s, 5m, 1h30m)"},
      {"@every -5m",
       "@every: -5m is not a duration (whole numbers with d, h, m or s: 90s, 5m, 1h30m)"},
      {"@every 500ms",
       "@every: 500ms is not a duration (whole numbers with d, h, m or s: 90s, 5m, 1h30m)"},
      {"@every 5M",
       "@every: 5M is not a duration (whole numbers with d, h, m or s: 90s, 5m, 1h30m)"},
      {"@every 366d1s", "@every: 366d1s is longer than the maximum 366d"},
      {"@every 9999999999s", "@every: 9999999999s is longer than the maximum 366d"},
      {"@every 5m 3s",
       "@every: expected one interval, got 5m 3s (whole numbers with d, h, m or s: 90s, 5m, "
       "1h30m)"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(error_of(c.expr), c.message) << "for \"" << c.expr << "\"";
}

TEST(CronParse, EveryBadFieldIsReportedAtOnceWithDetails) {
  const auto r = Cron::parse("60 24 * 13 *");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_EQ(r.error().message,
            "minute: 60 is out of range 0-59; hour: 24 is out of range 0-23; month: 13 is out of "
            "range 1-12");
  EXPECT_EQ(r.error().details.size(), 3U);
  EXPECT_EQ(r.error().details.at("hour"), "24 is out of range 0-23");
  EXPECT_EQ(r.error().details.at("month"), "13 is out of range 1-12");
}

// --- to_string and describe ---------------------------------------------------------------------

TEST(CronToString, NormalisesNamesListsAndSteps) {
  const std::pair<const char*, const char*> cases[] = {
      {"*/15 * * * *", "*/15 * * * *"},
      {"0,15,30,45 * * * *", "*/15 * * * *"},
      {"0-59 * * * *", "* * * * *"},
      {"*/7 * * * *", "0-56/7 * * * *"},
      {"3,1,2,2 * * * *", "1-3 * * * *"},
      {"0 9-17 * * MON-FRI", "0 9-17 * * 1-5"},
      {"0 0 1-30/2 * *", "0 0 1-29/2 * *"},
      {"0 0 1,2 * *", "0 0 1,2 * *"},
      {"0 0 * JAN,APR,JUL,OCT *", "0 0 * */3 *"},
      {"5/15 * * * *", "5-50/15 * * * *"},
      {"0 0 * * 7", "0 0 * * 0"},
      {"0 0 * * FRI-SUN", "0 0 * * 0,5,6"},
      {"0 0 * * SUN-SAT", "0 0 * * 0-6"},
      {"0 0 ? * *", "0 0 * * *"},
      {"0 */6 * * *", "0 */6 * * *"},
      {"0 0,6,12,18 * * *", "0 0-18/6 * * *"},
      {"0 */24 * * *", "0 */24 * * *"},
      {"0 0 */2 * *", "0 0 */2 * *"},
      {"0 0 * * */7", "0 0 * * */7"},
      {"@every 90s", "@every 1m30s"},
      {"@every 60m", "@every 1h"},
      {"@every 1d2h3m4s", "@every 1d2h3m4s"},
      {"@every 25h", "@every 1d1h"},
  };
  for (const auto& [in, out] : cases)
    EXPECT_EQ(cron(in).to_string(), out) << in;
}

TEST(CronToString, ParsesBackToTheSameSchedule) {
  const char* exprs[] = {
      "*/15 * * * *",          "0 9-17 * * MON-FRI", "0 0 1-30/2 */3 *", "5/15 */2 ? * 6,0",
      "0 0 */2 * MON",         "0 0 13 * FRI",       "0 0 1-31 * 0-7",   "0 0-23 * * *",
      "*/7 0,12 1,15 2-4 1/2", "@every 1h30m",       "@weekly",          "0 */5 * * *"};
  for (const char* e : exprs) {
    const Cron c = cron(e);
    const auto again = Cron::parse(c.to_string());
    ASSERT_TRUE(again.ok()) << e << " -> " << c.to_string();
    EXPECT_EQ(*again, c) << e << " -> " << c.to_string();
  }
}

TEST(CronDescribe, ReadsLikeSentences) {
  const std::pair<const char*, const char*> cases[] = {
      {"* * * * *", "every minute"},
      {"*/15 * * * *", "every 15 minutes"},
      {"@hourly", "every hour"},
      {"30 * * * *", "every hour at minute 30"},
      {"0 */2 * * *", "every 2 hours"},
      {"0 9 * * 1-5", "at 09:00 on Monday to Friday"},
      {"0 9,17 * * *", "at 09:00 and 17:00"},
      {"0,30 9 * * *", "at 09:00 and 09:30"},
      {"*/15 9-17 * * *", "every 15 minutes during hours 9 to 17"},
      {"0 0 1 1 *", "at 00:00 on 1 January"},
      {"@monthly", "at 00:00 on day 1 of the month"},
      {"@weekly", "at 00:00 on Sunday"},
      {"0 0 1,15 * MON", "at 00:00 on days 1 and 15 of the month or on Monday"},
      {"0 8 * * SAT,SUN", "at 08:00 on Saturday and Sunday"},
      {"0 0 * * FRI-SUN", "at 00:00 on Friday to Sunday"},
      {"0 12 * 6-8 *", "at 12:00 in June to August"},
      {"0 0 */2 * *", "at 00:00 on every 2nd day of the month from day 1"},
      {"0 0 */2 * MON",
       "at 00:00 on every 2nd day of the month from day 1 when it falls on Monday"},
      {"@every 5m", "every 5 minutes"},
      {"@every 90s", "every 90 seconds"},
      {"@every 1h", "every hour"},
      {"@every 2d", "every 2 days"},
  };
  for (const auto& [in, out] : cases)
    EXPECT_EQ(cron(in).describe(), out) << in;
}

// --- next_after: ordinary cases -----------------------------------------------------------------

TEST(CronNext, IsStrictlyAfterTheGivenTime) {
  const Cron c = cron("*/15 * * * *");
  EXPECT_EQ(iso(c.next_after(utc(2025, 6, 1, 10, 7, 30), "UTC")), "2025-06-01T10:15:00Z");
  EXPECT_EQ(iso(c.next_after(utc(2025, 6, 1, 10, 14, 59), "UTC")), "2025-06-01T10:15:00Z");
  EXPECT_EQ(iso(c.next_after(utc(2025, 6, 1, 10, 15), "UTC")), "2025-06-01T10:30:00Z");
  EXPECT_EQ(iso(c.next_after(utc(2025, 6, 1, 23, 45), "UTC")), "2025-06-02T00:00:00Z");
}

TEST(CronNext, WeekdaysSkipTheWeekend) {
  // 2025-06-06 is a Friday.
  EXPECT_EQ(fires("0 9 * * 1-5", "UTC", utc(2025, 6, 6, 9), 3),
            (std::vector<std::string>{"2025-06-09T09:00:00Z", "2025-06-10T09:00:00Z",
                                      "2025-06-11T09:00:00Z"}));
}

TEST(CronNext, ListsOfHoursAndMinutes) {
  EXPECT_EQ(fires("0,30 9,17 * * *", "UTC", utc(2025, 6, 1, 12), 4),
            (std::vector<std::string>{"2025-06-01T17:00:00Z", "2025-06-01T17:30:00Z",
                                      "2025-06-02T09:00:00Z", "2025-06-02T09:30:00Z"}));
}

TEST(CronNext, MonthRestrictionJumpsToTheNextAllowedMonth) {
  EXPECT_EQ(fires("0 12 1 */3 *", "UTC", utc(2025, 2, 10), 3),
            (std::vector<std::string>{"2025-04-01T12:00:00Z", "2025-07-01T12:00:00Z",
                                      "2025-10-01T12:00:00Z"}));
}

TEST(CronNext, YearBoundaries) {
  EXPECT_EQ(iso(cron("0 0 1 1 *").next_after(utc(2025, 12, 31, 23, 59, 59), "UTC")),
            "2026-01-01T00:00:00Z");
  EXPECT_EQ(fires("59 23 31 12 *", "UTC", utc(2025, 12, 31, 23, 59), 2),
            (std::vector<std::string>{"2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"}));
  EXPECT_EQ(iso(cron("*/10 * * * *").next_after(utc(2025, 12, 31, 23, 55), "UTC")),
            "2026-01-01T00:00:00Z");
  // New Year in a zone ahead of UTC falls on 31 December in UTC.
  EXPECT_EQ(iso(cron("@yearly").next_after(utc(2025, 6, 1), "Asia/Kolkata")),
            "2025-12-31T18:30:00Z");
  EXPECT_EQ(iso(cron("@yearly").next_after(utc(2025, 6, 1), "Pacific/Chatham")),
            "2025-12-31T10:15:00Z");
  // ...and in a zone behind UTC, on 1 January after midnight UTC.
  EXPECT_EQ(iso(cron("@yearly").next_after(utc(2025, 12, 31, 23), "America/New_York")),
            "2026-01-01T05:00:00Z");
}

// --- month ends ---------------------------------------------------------------------------------

TEST(CronNext, ThirtyFirstSkipsShortMonths) {
  EXPECT_EQ(fires("0 0 31 * *", "UTC", utc(2025, 1, 31), 7),
            (std::vector<std::string>{"2025-03-31T00:00:00Z", "2025-05-31T00:00:00Z",
                                      "2025-07-31T00:00:00Z", "2025-08-31T00:00:00Z",
                                      "2025-10-31T00:00:00Z", "2025-12-31T00:00:00Z",
                                      "2026-01-31T00:00:00Z"}));
}

TEST(CronNext, TwentyNinthOfFebruaryOnlyInLeapYears) {
  EXPECT_EQ(fires("0 0 29 2 *", "UTC", utc(2025, 1, 1), 3),
            (std::vector<std::string>{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z",
                                      "2036-02-29T00:00:00Z"}));
  // 2100 is not a leap year: eight years pass, inside the search horizon.
  EXPECT_EQ(iso(cron("0 0 29 2 *").next_after(utc(2096, 3, 1), "UTC")), "2104-02-29T00:00:00Z");
}

TEST(CronNext, ImpossibleDatesNeverFire) {
  EXPECT_EQ(cron("0 0 30 2 *").next_after(utc(2025, 1, 1), "UTC"), std::nullopt);
  EXPECT_EQ(cron("0 0 31 4,6,9,11 *").next_after(utc(2025, 1, 1), "Europe/Berlin"), std::nullopt);
  EXPECT_EQ(cron("0 0 30-31 2 */2").next_after(utc(2025, 1, 1), "UTC"), std::nullopt);
  // With both day fields restricted, the weekday alone can match: Mondays of February.
  EXPECT_EQ(iso(cron("0 0 30 2 MON").next_after(utc(2025, 1, 1), "UTC")), "2025-02-03T00:00:00Z");
}

TEST(CronNext, SearchStopsAtTheHorizon) {
  // 29 February on a Sunday: 2004, then 2032. Twenty-eight years is beyond the horizon...
  const Cron c = cron("0 0 29 2 */7");
  EXPECT_EQ(c.next_after(utc(2004, 3, 1), "UTC"), std::nullopt);
  // ...seven years is not.
  EXPECT_EQ(iso(c.next_after(utc(2025, 1, 1), "UTC")), "2032-02-29T00:00:00Z");
}

// --- the day-of-month / day-of-week rule --------------------------------------------------------

TEST(CronNext, BothDayFieldsRestrictedMatchEither) {
  // The 13th or any Friday. 2025-06-13 is a Friday, 2025-07-13 a Sunday.
  EXPECT_EQ(fires("0 0 13 * FRI", "UTC", utc(2025, 6, 1), 8),
            (std::vector<std::string>{"2025-06-06T00:00:00Z", "2025-06-13T00:00:00Z",
                                      "2025-06-20T00:00:00Z", "2025-06-27T00:00:00Z",
                                      "2025-07-04T00:00:00Z", "2025-07-11T00:00:00Z",
                                      "2025-07-13T00:00:00Z", "2025-07-18T00:00:00Z"}));
}

TEST(CronNext, WildcardDayFieldMeansBothMustMatch) {
  // `*/2` is a wildcard, so: Mondays on an odd day of the month.
  EXPECT_EQ(fires("0 0 */2 * MON", "UTC", utc(2025, 6, 1), 3),
            (std::vector<std::string>{"2025-06-09T00:00:00Z", "2025-06-23T00:00:00Z",
                                      "2025-07-07T00:00:00Z"}));
  // Only one restricted field: it alone decides.
  EXPECT_EQ(fires("0 0 ? * MON", "UTC", utc(2025, 6, 1), 2),
            (std::vector<std::string>{"2025-06-02T00:00:00Z", "2025-06-09T00:00:00Z"}));
  EXPECT_EQ(fires("0 0 15 * ?", "UTC", utc(2025, 6, 1), 2),
            (std::vector<std::string>{"2025-06-15T00:00:00Z", "2025-07-15T00:00:00Z"}));
}

// --- daylight saving time -----------------------------------------------------------------------
// New York 2025: 02:00 EST -> 03:00 EDT on 9 March (07:00Z); 02:00 EDT -> 01:00 EST on
// 2 November (06:00Z). Berlin 2025: 02:00 CET -> 03:00 CEST on 30 March (01:00Z); 03:00 CEST ->
// 02:00 CET on 26 October (01:00Z). Sydney 2025: 03:00 AEDT -> 02:00 AEST on 6 April (16:00Z on
// the 5th); 02:00 AEST -> 03:00 AEDT on 5 October (16:00Z on the 4th).

TEST(CronDst, NewYorkGapFiresOnceAtTheEndOfTheGap) {
  EXPECT_EQ(fires("30 2 * * *", "America/New_York", utc(2025, 3, 8, 12), 2),
            (std::vector<std::string>{"2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z"}));
  // Four times inside the gap fire together, once.
  EXPECT_EQ(fires("*/15 2 * * *", "America/New_York", utc(2025, 3, 8, 12), 2),
            (std::vector<std::string>{"2025-03-09T07:00:00Z", "2025-03-10T06:00:00Z"}));
  // 01:59 EST, then 02:59 (in the gap) at 03:00 EDT one minute later.
  EXPECT_EQ(fires("59 1,2 * * *", "America/New_York", utc(2025, 3, 9, 6), 3),
            (std::vector<std::string>{"2025-03-09T06:59:00Z", "2025-03-09T07:00:00Z",
                                      "2025-03-10T05:59:00Z"}));
  // A time inside the gap and the time at its end are the same instant: once.
  EXPECT_EQ(fires("0 2,3 * * *", "America/New_York", utc(2025, 3, 9, 6), 2),
            (std::vector<std::string>{"2025-03-09T07:00:00Z", "2025-03-10T06:00:00Z"}));
}

TEST(CronDst, NewYorkOverlapFiresOnceAtTheFirstOccurrence) {
  EXPECT_EQ(fires("30 1 * * *", "America/New_York", utc(2025, 11, 1, 12), 2),
            (std::vector<std::string>{"2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"}));
  // From inside the second pass (01:00 EST), 01:30 EST is not fired.
  EXPECT_EQ(iso(cron("30 1 * * *").next_after(utc(2025, 11, 2, 6), "America/New_York")),
            "2025-11-03T06:30:00Z");
}

TEST(CronDst, NewYorkHourlyFiresOncePerRealHour) {
  // Spring forward: 01:00 EST, then 03:00 EDT an hour later; 02:00 does not exist.
  EXPECT_EQ(fires("0 * * * *", "America/New_York", utc(2025, 3, 9, 5, 30), 3),
            (std::vector<std::string>{"2025-03-09T06:00:00Z", "2025-03-09T07:00:00Z",
                                      "2025-03-09T08:00:00Z"}));
  EXPECT_EQ(fires("30 * * * *", "America/New_York", utc(2025, 3, 9, 5, 45), 3),
            (std::vector<std::string>{"2025-03-09T06:30:00Z", "2025-03-09T07:30:00Z",
                                      "2025-03-09T08:30:00Z"}));
  // Fall back: 01:00 EDT and 01:00 EST both fire, an hour apart.
  EXPECT_EQ(fires("@hourly", "America/New_York", utc(2025, 11, 2, 3, 30), 5),
            (std::vector<std::string>{"2025-11-02T04:00:00Z", "2025-11-02T05:00:00Z",
                                      "2025-11-02T06:00:00Z", "2025-11-02T07:00:00Z",
                                      "2025-11-02T08:00:00Z"}));
  EXPECT_EQ(fires("*/30 * * * *", "America/New_York", utc(2025, 11, 2, 4, 50), 5),
            (std::vector<std::string>{"2025-11-02T05:00:00Z", "2025-11-02T05:30:00Z",
                                      "2025-11-02T06:00:00Z", "2025-11-02T06:30:00Z",
                                      "2025-11-02T07:00:00Z"}));
}

TEST(CronDst, BerlinGapAndOverlap) {
  EXPECT_EQ(fires("30 2 * * *", "Europe/Berlin", utc(2025, 3, 29, 12), 2),
            (std::vector<std::string>{"2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z"}));
  EXPECT_EQ(fires("30 2 * * *", "Europe/Berlin", utc(2025, 10, 25, 12), 2),
            (std::vector<std::string>{"2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z"}));
  EXPECT_EQ(fires("0 * * * *", "Europe/Berlin", utc(2025, 3, 29, 23, 30), 3),
            (std::vector<std::string>{"2025-03-30T00:00:00Z", "2025-03-30T01:00:00Z",
                                      "2025-03-30T02:00:00Z"}));
  EXPECT_EQ(fires("0 * * * *", "Europe/Berlin", utc(2025, 10, 25, 23, 30), 3),
            (std::vector<std::string>{"2025-10-26T00:00:00Z", "2025-10-26T01:00:00Z",
                                      "2025-10-26T02:00:00Z"}));
}

TEST(CronDst, SydneySouthernHemisphere) {
  // October is spring: 02:30 does not exist on the 5th.
  EXPECT_EQ(fires("30 2 * * *", "Australia/Sydney", utc(2025, 10, 4, 0), 2),
            (std::vector<std::string>{"2025-10-04T16:00:00Z", "2025-10-05T15:30:00Z"}));
  // April is autumn: 02:30 happens twice on the 6th and fires at the first (AEDT).
  EXPECT_EQ(fires("30 2 * * *", "Australia/Sydney", utc(2025, 4, 5, 0), 2),
            (std::vector<std::string>{"2025-04-05T15:30:00Z", "2025-04-06T16:30:00Z"}));
  EXPECT_EQ(fires("0 * * * *", "Australia/Sydney", utc(2025, 10, 4, 14, 30), 3),
            (std::vector<std::string>{"2025-10-04T15:00:00Z", "2025-10-04T16:00:00Z",
                                      "2025-10-04T17:00:00Z"}));
  EXPECT_EQ(fires("0 * * * *", "Australia/Sydney", utc(2025, 4, 5, 14, 30), 3),
            (std::vector<std::string>{"2025-04-05T15:00:00Z", "2025-04-05T16:00:00Z",
                                      "2025-04-05T17:00:00Z"}));
}

TEST(CronDst, DailyScheduleKeepsItsLocalTimeAcrossTransitions) {
  EXPECT_EQ(fires("0 9 * * *", "America/New_York", utc(2025, 3, 8, 0), 2),
            (std::vector<std::string>{"2025-03-08T14:00:00Z", "2025-03-09T13:00:00Z"}));
  EXPECT_EQ(fires("0 9 * * *", "Australia/Sydney", utc(2025, 4, 4, 0), 2),
            (std::vector<std::string>{"2025-04-04T22:00:00Z", "2025-04-05T23:00:00Z"}));
}

TEST(CronZones, KolkataHalfHourOffset) {
  EXPECT_EQ(iso(cron("30 9 * * *").next_after(utc(2025, 6, 1), "Asia/Kolkata")),
            "2025-06-01T04:00:00Z");
  EXPECT_EQ(iso(cron("0 0 * * *").next_after(utc(2025, 6, 1), "Asia/Kolkata")),
            "2025-06-01T18:30:00Z");
  // Local Monday 00:00 is Sunday 18:30Z. 2025-06-02 is a Monday.
  EXPECT_EQ(iso(cron("0 0 * * MON").next_after(utc(2025, 6, 1), "Asia/Kolkata")),
            "2025-06-01T18:30:00Z");
}

TEST(CronZones, ChathamQuarterHourOffsetAndItsGap) {
  // +13:45 in January, +12:45 in July.
  EXPECT_EQ(iso(cron("0 9 * * *").next_after(utc(2025, 1, 10), "Pacific/Chatham")),
            "2025-01-10T19:15:00Z");
  EXPECT_EQ(iso(cron("0 12 * * *").next_after(utc(2025, 7, 9), "Pacific/Chatham")),
            "2025-07-09T23:15:00Z");
  // 2025-09-28: 02:45 -> 03:45; 03:00 does not exist and fires at 03:45 (+13:45).
  EXPECT_EQ(iso(cron("0 3 * * *").next_after(utc(2025, 9, 27), "Pacific/Chatham")),
            "2025-09-27T14:00:00Z");
}

TEST(CronZones, UnknownZonesNeverFire) {
  const Cron c = cron("* * * * *");
  for (const char* tz : {"", "Mars/Olympus_Mons", "america/new_york", "localtime", "../UTC",
                         "posix/Europe/Berlin", "Europe/"}) {
    EXPECT_EQ(c.next_after(utc(2025, 1, 1), tz), std::nullopt) << tz;
  }
  EXPECT_EQ(cron("@every 1m").next_after(utc(2025, 1, 1), "Nowhere"), std::nullopt);
}

TEST(CronZones, ValidTimeZone) {
  for (const char* tz : {"UTC", "Etc/UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney",
                         "Asia/Kolkata", "Pacific/Chatham"}) {
    EXPECT_TRUE(valid_time_zone(tz)) << tz;
  }
  for (const char* tz : {"", "Mars/Olympus_Mons", "america/new_york", "localtime", "../etc/passwd",
                         "America", "Europe/Berlin "}) {
    EXPECT_FALSE(valid_time_zone(tz)) << tz;
  }
  EXPECT_FALSE(valid_time_zone(std::string(kMaxTimeZoneNameLength + 1, 'A')));
}

// --- @every -------------------------------------------------------------------------------------

TEST(CronEvery, FiresOnMultiplesOfTheIntervalSinceTheEpoch) {
  EXPECT_EQ(fires("@every 5m", "UTC", utc(2025, 6, 1, 10, 7, 30), 2),
            (std::vector<std::string>{"2025-06-01T10:10:00Z", "2025-06-01T10:15:00Z"}));
  const Cron c = cron("@every 90s");
  EXPECT_EQ(c.next_after(sys_seconds{0s}, "UTC"), sys_seconds{90s});
  EXPECT_EQ(c.next_after(sys_seconds{100s}, "UTC"), sys_seconds{180s});
  EXPECT_EQ(c.next_after(sys_seconds{-1s}, "UTC"), sys_seconds{0s});
  EXPECT_EQ(c.next_after(sys_seconds{-90s}, "UTC"), sys_seconds{0s});
  EXPECT_EQ(c.next_after(sys_seconds{-91s}, "UTC"), sys_seconds{-90s});
}

TEST(CronEvery, IgnoresTheZoneAndItsDaylightSaving) {
  EXPECT_EQ(fires("@every 1h", "America/New_York", utc(2025, 3, 9, 5, 30), 3),
            (std::vector<std::string>{"2025-03-09T06:00:00Z", "2025-03-09T07:00:00Z",
                                      "2025-03-09T08:00:00Z"}));
  EXPECT_EQ(cron("@every 1d").next_after(utc(2025, 6, 1, 12), "Asia/Kolkata"), utc(2025, 6, 2));
}

TEST(CronNext, TimesOutsideTheSupportedYearsNeverFire) {
  const Cron c = cron("* * * * *");
  EXPECT_EQ(c.next_after(utc(1899, 12, 31, 23, 59), "UTC"), std::nullopt);
  EXPECT_EQ(iso(c.next_after(utc(1900, 1, 1), "UTC")), "1900-01-01T00:01:00Z");
  EXPECT_EQ(iso(c.next_after(utc(9999, 12, 31), "UTC")), "9999-12-31T00:01:00Z");
  EXPECT_EQ(c.next_after(utc(9999, 12, 31, 0, 0, 1), "UTC"), std::nullopt);
  EXPECT_EQ(c.next_after(sys_seconds::max(), "UTC"), std::nullopt);
  EXPECT_EQ(c.next_after(sys_seconds::min(), "UTC"), std::nullopt);
}

// --- against a minute-by-minute reference
// ---------------------------------------------------------

// Whether local wall-clock time `local` (seconds since the local epoch, on a minute) matches,
// written directly from the definition rather than from bit masks per month.
bool matches_local(const CronExpr& e, std::chrono::local_seconds local) {
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{local - day};
  const unsigned wd = std::chrono::weekday{day}.c_encoding();
  const bool dom = (e.days_of_month >> static_cast<unsigned>(ymd.day())) & 1U;
  const bool dow = (e.days_of_week >> wd) & 1U;
  const bool day_ok = (e.dom_wildcard || e.dow_wildcard) ? (dom && dow) : (dom || dow);
  return ((e.minutes >> hms.minutes().count()) & 1U) && ((e.hours >> hms.hours().count()) & 1U) &&
         ((e.months >> static_cast<unsigned>(ymd.month())) & 1U) && day_ok;
}

// Whether the schedule fires at UTC minute u under the header's rules, from the zone's offset
// at u and just before u.
bool fires_at(const CronExpr& e, const date::time_zone& zone, sys_seconds u) {
  const auto info = zone.get_info(u);
  const auto before = zone.get_info(info.begin - 1s);
  const std::chrono::local_seconds local{u.time_since_epoch() + info.offset};
  if (e.hour_wildcard) return matches_local(e, local);
  const bool second_pass =
      before.offset > info.offset &&
      local < std::chrono::local_seconds{info.begin.time_since_epoch() + before.offset};
  if (matches_local(e, local) && !second_pass) return true;
  if (u == info.begin && before.offset < info.offset) {
    for (auto l = std::chrono::local_seconds{u.time_since_epoch() + before.offset}; l < local;
         l += 1min) {
      if (matches_local(e, l)) return true;
    }
  }
  return false;
}

TEST(CronNext, AgreesWithMinuteByMinuteReferenceAroundTransitions) {
  std::mt19937 rng(20250309);
  const std::array<const char*, 9> minutes{"*",    "*/15", "0",  "30",   "0,30",
                                           "5-10", "*/7",  "59", "15,45"};
  const std::array<const char*, 9> hours{"*", "*/2", "1", "2", "1-3", "0,12", "*/5", "3", "2-4/2"};
  const std::array<const char*, 7> doms{"*", "?", "1", "9", "*/2", "1-7", "2,30"};
  const std::array<const char*, 6> months{"*", "3", "3,11", "*/2", "10-12", "4"};
  const std::array<const char*, 6> dows{"*", "?", "0", "MON-FRI", "6,0", "*/3"};
  struct Window {
    const char* tz;
    sys_seconds from;
  };
  // Four days around each transition of 2025; Lord Howe shifts by 30 minutes.
  const Window windows[] = {
      {"America/New_York", utc(2025, 3, 7)},    {"America/New_York", utc(2025, 10, 31)},
      {"Europe/Berlin", utc(2025, 3, 28)},      {"Europe/Berlin", utc(2025, 10, 24)},
      {"Australia/Sydney", utc(2025, 4, 4)},    {"Australia/Sydney", utc(2025, 10, 3)},
      {"Pacific/Chatham", utc(2025, 4, 3)},     {"Pacific/Chatham", utc(2025, 9, 26)},
      {"Australia/Lord_Howe", utc(2025, 4, 4)}, {"Australia/Lord_Howe", utc(2025, 10, 3)},
      {"Asia/Kolkata", utc(2025, 12, 30)},
  };
  constexpr auto kWindow = std::chrono::days{4};
  constexpr int kExpressionsPerWindow = 40;
  constexpr int kProbesPerExpression = 20;
  for (const auto& w : windows) {
    const date::time_zone* zone = date::locate_zone(w.tz);
    const sys_seconds until = w.from + kWindow;
    for (int i = 0; i < kExpressionsPerWindow; ++i) {
      const std::string expr = std::string(minutes[rng() % minutes.size()]) + " " +
                               hours[rng() % hours.size()] + " " + doms[rng() % doms.size()] + " " +
                               months[rng() % months.size()] + " " + dows[rng() % dows.size()];
      const Cron c = cron(expr);
      std::vector<sys_seconds> reference;
      for (auto u = w.from + 1min; u < until; u += 1min)
        if (fires_at(c.expr(), *zone, u)) reference.push_back(u);
      // The first reference time after t, or "beyond" when the window holds none.
      const auto expected_after = [&](sys_seconds t) {
        const auto it = std::upper_bound(reference.begin(), reference.end(), t);
        return it == reference.end() ? std::string("beyond") : iso(*it);
      };
      const auto actual_after = [&](sys_seconds t) {
        const auto got = c.next_after(t, w.tz);
        return got && *got >= until ? std::string("beyond") : iso(got);
      };
      // Chained from the window's start, as a scheduler uses it...
      std::vector<std::string> walked;
      std::vector<std::string> expected;
      for (auto t = w.from; walked.size() <= reference.size();) {
        const auto got = c.next_after(t, w.tz);
        if (!got || *got >= until) break;
        walked.push_back(iso(got));
        t = *got;
      }
      for (const auto u : reference)
        expected.push_back(iso(u));
      ASSERT_EQ(walked, expected) << expr << " in " << w.tz;
      // ...and from arbitrary seconds, gaps and repeated hours included.
      for (int p = 0; p < kProbesPerExpression; ++p) {
        const sys_seconds t = w.from + std::chrono::seconds{rng() % (86400 * 3)};
        ASSERT_EQ(actual_after(t), expected_after(t))
            << expr << " in " << w.tz << " after " << iso(t);
      }
    }
  }
}

}  // namespace
}  // namespace kirim::queue
