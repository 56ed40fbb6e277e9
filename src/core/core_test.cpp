#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/config.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/result.h"
#include "core/time_format.h"

namespace kirim {
namespace {

Result<int> half(int n) {
  if (n % 2) return make_error(Errc::invalid_argument, "odd");
  return n / 2;
}

Result<int> quarter(int n) {
  KIRIM_ASSIGN_OR_RETURN(auto h, half(n));
  KIRIM_ASSIGN_OR_RETURN(auto q, half(h));
  return q;
}

TEST(Result, PropagatesTheFirstError) {
  EXPECT_EQ(quarter(8).value(), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_EQ(r.error().message, "odd");
}

TEST(Json, ParseObjectRefusesNonObjects) {
  EXPECT_TRUE(json::parse_object(R"({"a":1})").ok());
  for (const char* bad : {"[1]", "\"s\"", "{", "", "{\"a\":}"}) {
    auto r = json::parse_object(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().reason, "invalid_json") << bad;
  }
}

TEST(Json, ReaderCollectsEveryProblemIncludingUnknownFields) {
  auto o =
      json::parse_object(R"({"name":"  Ana  ","age":"x","role":"king","extra":true,"short":""})")
          .value();
  json::ObjectReader r(o);
  EXPECT_EQ(r.string("name", true, 1, 10).value(), "Ana");
  EXPECT_FALSE(r.integer("age", true, 0, 200).has_value());
  EXPECT_FALSE(r.one_of("role", true, {"owner", "admin"}).has_value());
  EXPECT_FALSE(r.string("short", true, 1, 10).has_value());
  EXPECT_FALSE(r.string("missing", true).has_value());
  auto done = r.finish();
  ASSERT_FALSE(done.ok());
  const auto& d = done.error().details;
  EXPECT_EQ(done.error().reason, "validation_failed");
  EXPECT_EQ(d.at("age"), "must be an integer");
  EXPECT_EQ(d.at("role"), "must be one of: owner, admin");
  EXPECT_EQ(d.at("short"), "must not be empty");
  EXPECT_EQ(d.at("missing"), "is required");
  EXPECT_EQ(d.at("extra"), "is not a known field");
  EXPECT_EQ(d.count("name"), 0u);
}

TEST(Json, RawStringsKeepTheirSpaces) {
  auto o = json::parse_object(R"({"password":"  spaced  ","name":"  trimmed  "})").value();
  json::ObjectReader r(o);
  EXPECT_EQ(r.raw_string("password", true, 1, 100).value(), "  spaced  ");
  EXPECT_EQ(r.string("name", true, 1, 100).value(), "trimmed");
  EXPECT_TRUE(r.finish().ok());
}

TEST(Json, IntegerBoundsAreInclusive) {
  auto o = json::parse_object(R"({"a":1,"b":200,"c":201})").value();
  json::ObjectReader r(o);
  EXPECT_EQ(r.integer("a", true, 1, 200).value(), 1);
  EXPECT_EQ(r.integer("b", true, 1, 200).value(), 200);
  EXPECT_FALSE(r.integer("c", true, 1, 200).has_value());
}

TEST(Crypto, KnownVectors) {
  EXPECT_EQ(crypto::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(crypto::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "ab"));
}

TEST(Crypto, RandomTokensAreUrlSafeAndDistinct) {
  crypto::init();
  const auto a = crypto::random_token(32);
  const auto b = crypto::random_token(32);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(TimeFormat, Iso8601) {
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601_utc(1'764'043'200'999), "2025-11-25T04:00:00Z");
}

TEST(Log, TextQuotesValuesThatNeedIt) {
  EXPECT_EQ(log::render(log::Format::text, "request", {{"path", "/a"}, {"ua", "x y"}}),
            R"(request path=/a ua="x y")");
}

TEST(Log, JsonEscapes) {
  EXPECT_EQ(log::render(log::Format::json, "say \"hi\"", {{"k", "a\nb"}}),
            R"("msg":"say \"hi\"","k":"a\nb")");
}

TEST(Metrics, RendersCountersAndCumulativeHistograms) {
  metrics::Registry reg;
  reg.counter("req_total", "Requests", {{"route", "/a"}}).inc(3);
  auto& h = reg.histogram("lat", "Latency", {{"route", "/a"}}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  reg.gauge("g", "A gauge", [] {
    return std::vector<std::pair<metrics::Labels, double>>{{{{"k", "v\"q"}}, 1.5}};
  });
  const auto text = reg.render();
  EXPECT_NE(text.find("# TYPE req_total counter\nreq_total{route=\"/a\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lat_bucket{route=\"/a\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lat_bucket{route=\"/a\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lat_bucket{route=\"/a\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lat_count{route=\"/a\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lat_sum{route=\"/a\"} 5.55\n"), std::string::npos);
  EXPECT_NE(text.find("g{k=\"v\\\"q\"} 1.5\n"), std::string::npos);
}

TEST(Metrics, SameLabelsSameCounter) {
  metrics::Registry reg;
  auto& a = reg.counter("c", "h", {{"x", "1"}});
  auto& b = reg.counter("c", "h", {{"x", "1"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &reg.counter("c", "h", {{"x", "2"}}));
}

class ConfigFile : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("kirim-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(ConfigFile, ReadsKnownKeys) {
  auto r = read_config_file(write(
      "data_dir = \"/tmp/x\"\n[http]\nlisten = \"0.0.0.0:9\"\nio_threads = 3\n[log]\naccess = "
      "false\n"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->at("listen"), "0.0.0.0:9");
  EXPECT_EQ(r->at("data-dir"), "/tmp/x");
  EXPECT_EQ(r->at("io-threads"), "3");
  EXPECT_EQ(r->at("access-log"), "false");
}

TEST_F(ConfigFile, RefusesUnknownKeysAndSyntaxErrors) {
  auto unknown = read_config_file(write("[http]\nlisten = \"a:1\"\nlisen = \"typo\"\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("http.lisen"), std::string::npos);
  auto broken = read_config_file(write("listen = \n"));
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find(":1:"), std::string::npos);
}

TEST(Config, SettersValidate) {
  Config c;
  const auto find = [](std::string_view n) -> const Setting& {
    for (const auto& s : settings()) {
      if (s.name == n) return s;
    }
    throw std::runtime_error("no setting");
  };
  EXPECT_FALSE(find("listen").set(c, "nonsense").ok());
  EXPECT_TRUE(find("listen").set(c, "127.0.0.1:0").ok());
  EXPECT_FALSE(find("io-threads").set(c, "-1").ok());
  EXPECT_FALSE(find("io-threads").set(c, "257").ok());
  EXPECT_TRUE(find("io-threads").set(c, "256").ok());
  EXPECT_FALSE(find("database").set(c, "mysql://x").ok());
  EXPECT_FALSE(find("log-level").set(c, "loud").ok());
  EXPECT_EQ(c.database_url(), "sqlite:var/kirim.db");
  EXPECT_TRUE(find("database").set(c, "postgres://u@h/db").ok());
  EXPECT_EQ(c.database_url(), "postgres://u@h/db");
}

}  // namespace
}  // namespace kirim
