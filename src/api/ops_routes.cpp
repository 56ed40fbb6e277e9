#include "api/routes.h"
#include "core/check.h"
#include "db/migrations.h"

namespace kirim::api {

void register_ops_routes(http::Router& router, const Dependencies& deps) {
  using http::Mode;
  using http::Request;
  using http::Response;

  router.add({"GET", "/healthz", Mode::inline_, [](Request&) {
                auto r = Response::json(200, R"({"status":"ok"})");
                r.set_header("Cache-Control", "no-store");
                return r;
              }});

  router.add({"GET", "/readyz", Mode::blocking, [&deps](Request&) {
                const auto dialect = db::dialect_name(deps.db.dialect());
                const auto ping = deps.db.ping();
                const auto version = ping.ok() ? db::schema_version(deps.db) : Result<int>(0);
                const int latest = db::latest_version(deps.db.dialect());
                const bool ready = ping.ok() && version.ok() && version.value() == latest;
                boost::json::object o{{"status", ready ? "ready" : "not_ready"},
                                      {"database", dialect},
                                      {"schema_version", version.ok() ? version.value() : 0},
                                      {"latest_schema_version", latest}};
                if (!ping.ok())
                  o["reason"] = "the database does not answer";
                else if (!ready)
                  o["reason"] = "migrations are not all applied";
                return json_response(ready ? 200 : 503, o);
              }});

  // Gauges read the database pool on demand.
  deps.metrics.gauge("kirim_db_readers", "Database read connections by state", [&deps] {
    const auto s = deps.db.stats();
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"state", "busy"}}, static_cast<double>(s.readers_busy)},
        {{{"state", "idle"}}, static_cast<double>(s.readers_total - s.readers_busy)}};
  });
  deps.metrics.gauge("kirim_db_writes_queued", "Write units waiting for the writer", [&deps] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(deps.db.stats().writes_queued)}};
  });
  deps.metrics.gauge("kirim_db_commits", "Write transactions committed (a counter)", [&deps] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(deps.db.stats().commits)}};
  });
  deps.metrics.gauge("kirim_db_units_committed", "Write units committed (a counter)", [&deps] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(deps.db.stats().units_committed)}};
  });
  deps.metrics.gauge("kirim_build_info", "Build information", [&deps] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"version", deps.version}, {"database", db::dialect_name(deps.db.dialect())}}, 1}};
  });
  deps.metrics.gauge("kirim_bugs", "Internal bugs logged and survived (a counter)", [] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(check::bug_count())}};
  });

  router.add({"GET", "/metrics", Mode::inline_, [&deps](Request&) {
                return Response::text(200, deps.metrics.render(),
                                      "text/plain; version=0.0.4; charset=utf-8");
              }});
}

}  // namespace kirim::api
