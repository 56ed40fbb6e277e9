#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "http/errors.h"
#include "http/router.h"
#include "http/static_files.h"

namespace kirim::http {
namespace {

Handler answer(std::string body) {
  return [body](Request&) { return Response::text(200, body, "text/plain"); };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router r;
  r.add({"GET", "/api/v1/users", Mode::inline_, answer("list")});
  r.add({"GET", "/api/v1/users/{id}", Mode::inline_, answer("one")});
  r.add({"DELETE", "/api/v1/users/{id}", Mode::inline_, answer("del")});
  auto m = r.match("GET", "/api/v1/users/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/users/{id}");
  EXPECT_EQ(m.params.at("id"), "42");
  EXPECT_EQ(r.match("GET", "/api/v1/users").route->pattern, "/api/v1/users");
  EXPECT_EQ(r.match("GET", "//api/v1//users/").route->pattern, "/api/v1/users");
  EXPECT_EQ(r.match("GET", "/api/v1/users/1/2").route, nullptr);
}

TEST(Router, HeadFallsBackToGetAndWrongMethodListsAllowed) {
  Router r;
  r.add({"GET", "/x", Mode::inline_, answer("x")});
  r.add({"POST", "/x", Mode::inline_, answer("x")});
  EXPECT_NE(r.match("HEAD", "/x").route, nullptr);
  auto m = r.match("PUT", "/x");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, "GET, POST");
  EXPECT_TRUE(r.match("PUT", "/y").allowed.empty());
}

TEST(Router, DuplicateRouteIsABug) {
  Router r;
  r.add({"GET", "/x", Mode::inline_, answer("x")});
  EXPECT_DEATH(r.add({"GET", "/x", Mode::inline_, answer("y")}), "route registered twice");
}

TEST(Errors, BodyShapeAndStatusPerKind) {
  auto res = error_response(
      Error{Errc::invalid_argument, "bad", {{"email", "is required"}}, "validation_failed"});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(
      res.body,
      R"({"error":{"code":"validation_failed","message":"bad","details":{"email":"is required"}}})");
  EXPECT_EQ(error_response(make_error(Errc::not_found, "gone")).body,
            R"({"error":{"code":"not_found","message":"gone"}})");
  EXPECT_EQ(
      error_response(make_error(Errc::invalid_argument, "x", "unsupported_media_type")).status,
      415);
  // Internal errors never leak their message.
  auto internal = error_response(make_error(Errc::internal, "sqlite said: disk I/O error"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("sqlite"), std::string::npos);
}

TEST(Request, CookiesAndQuery) {
  Request req;
  req.headers = {{"cookie", "a=1; kirim_session=abc ;b=2"}};
  req.query = {{"limit", "5"}};
  EXPECT_EQ(req.cookie("kirim_session").value(), "abc");
  EXPECT_EQ(req.cookie("b").value(), "2");
  EXPECT_FALSE(req.cookie("c").has_value());
  EXPECT_EQ(req.query_param("limit").value(), "5");
}

class Static : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("kirim-static-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<html>app</html>";
    std::ofstream(root_ / "assets" / "app-1a2b.js") << "console.log(1)";
    std::ofstream(root_ / "favicon.svg") << "<svg/>";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  Response get(const StaticFiles& files, const std::string& path, std::string etag = {}) {
    Request req;
    req.method = "GET";
    req.path = path;
    if (!etag.empty()) req.headers.emplace_back("if-none-match", etag);
    return files.serve(req);
  }
  std::filesystem::path root_;
};

TEST_F(Static, HashedAssetsAreImmutableAndPagesRevalidate) {
  auto files = StaticFiles::load(root_.string());
  ASSERT_TRUE(files.ok());
  auto js = get(**files, "/assets/app-1a2b.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
  auto index = get(**files, "/");
  EXPECT_EQ(index.body, "<html>app</html>");
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  EXPECT_FALSE(index.header("Content-Security-Policy").empty());
  EXPECT_EQ(get(**files, "/favicon.svg").header("Content-Type"), "image/svg+xml");
}

TEST_F(Static, SpaRoutesGetIndexButMissingAssetsAre404) {
  auto files = StaticFiles::load(root_.string());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(get(**files, "/settings/users").body, "<html>app</html>");
  EXPECT_EQ(get(**files, "/assets/old-bundle.js").status, 404);
}

TEST_F(Static, EtagGives304) {
  auto files = StaticFiles::load(root_.string());
  ASSERT_TRUE(files.ok());
  auto first = get(**files, "/assets/app-1a2b.js");
  auto second = get(**files, "/assets/app-1a2b.js", std::string(first.header("ETag")));
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
}

TEST(StaticMissing, ServesAPlaceholderThatSaysHowToBuild) {
  auto files = StaticFiles::load("/nonexistent/kirim/web");
  ASSERT_TRUE(files.ok());
  Request req;
  req.path = "/";
  EXPECT_NE((*files)->serve(req).body.find("make run"), std::string::npos);
}

}  // namespace
}  // namespace kirim::http
