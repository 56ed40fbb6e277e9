// The queue dashboard's API: queues, jobs, failed jobs, schedules and rate limiters
// (docs/api.md "Queue").
#include <charconv>

#include <boost/json/parse.hpp>

#include "api/routes.h"
#include "core/json.h"
#include "core/time_format.h"
#include "queue/feed.h"
#include "queue/queue.h"
#include "queue/rate_limiter.h"
#include "whatsapp/accounts.h"

namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using http::Request;
using http::Response;

boost::json::value time_or_null(std::int64_t ms) {
  return ms > 0 ? boost::json::value(iso8601_utc(ms)) : boost::json::value(nullptr);
}

boost::json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value(text) : v;
}

boost::json::object job_json(const queue::Job& j) {
  boost::json::array tags;
  for (const auto& t : j.tags)
    tags.emplace_back(t);
  return {{"id", j.id},
          {"queue", j.queue},
          {"kind", j.kind},
          {"state", queue::state_name(j.state)},
          {"payload", parsed(j.payload)},
          {"tags", std::move(tags)},
          {"unique_key",
           j.unique_key.empty() ? boost::json::value(nullptr) : boost::json::value(j.unique_key)},
          {"priority", j.priority},
          {"attempts", j.attempts},
          {"max_attempts", j.max_attempts},
          {"last_error",
           j.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(j.last_error)},
          {"worker",
           j.lease_owner.empty() ? boost::json::value(nullptr) : boost::json::value(j.lease_owner)},
          {"run_at", time_or_null(j.run_at)},
          {"created_at", time_or_null(j.created_at)},
          {"started_at", time_or_null(j.started_at)},
          {"finished_at", time_or_null(j.finished_at)}};
}

double round2(double v) {
  return static_cast<double>(static_cast<std::int64_t>(v * 100 + 0.5)) / 100;
}

Result<queue::JobQuery> read_query(const Request& req, const Principal& p) {
  queue::JobQuery q;
  q.workspace_id = p.workspace_id;
  if (auto s = req.query_param("state"); s && !s->empty()) {
    q.state = queue::parse_state(*s);
    if (!q.state) {
      return json::validation_error(
          {{"state", "must be pending, running, succeeded, failed or cancelled"}});
    }
  }
  q.queue = req.query_param("queue").value_or("");
  q.kind = req.query_param("kind").value_or("");
  q.tag = req.query_param("tag").value_or("");
  q.q = req.query_param("q").value_or("");
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  q.before = page.after;
  q.limit = page.limit;
  return q;
}

Result<Response> list_queues(const Dependencies& d, Request&, const Principal&) {
  KIRIM_ASSIGN_OR_RETURN(auto stats, d.queue->stats());
  boost::json::array items;
  for (const auto& s : stats)
    items.push_back(queue::stats_json(s));
  boost::json::array kinds;
  for (const auto& k : d.queue->kind_stats()) {
    kinds.push_back({{"kind", k.kind},
                     {"queue", k.queue},
                     {"enqueued", k.enqueued},
                     {"started", k.started},
                     {"succeeded", k.succeeded},
                     {"failed", k.failed},
                     {"retried", k.retried},
                     {"run_ms", {{"p50", round2(k.run_p50)}, {"p99", round2(k.run_p99)}}}});
  }
  return json_response(200, boost::json::object{{"data", std::move(items)},
                                                {"kinds", std::move(kinds)},
                                                {"channel", kQueuesChannel}});
}

Result<Response> queue_history(const Dependencies& d, Request& req, const Principal&) {
  boost::json::array items;
  for (const auto& s : d.queue->history(std::string(req.param("name")))) {
    items.push_back({{"at", iso8601_utc(s.at)},
                     {"succeeded", round2(s.succeeded)},
                     {"failed", round2(s.failed)},
                     {"enqueued", round2(s.enqueued)},
                     {"backlog", s.backlog},
                     {"wait_p95_ms", round2(s.wait_p95)},
                     {"workers", s.workers}});
  }
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> pause_queue(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto me, d.accounts.me(p));
  KIRIM_TRY(d.queue->pause(std::string(req.param("name")), me.user.name));
  return list_queues(d, req, p);
}

Result<Response> resume_queue(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_TRY(d.queue->resume(std::string(req.param("name"))));
  return list_queues(d, req, p);
}

Result<Response> list_jobs(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto q, read_query(req, p));
  const int limit = q.limit;
  q.limit = limit + 1;
  KIRIM_ASSIGN_OR_RETURN(auto jobs, d.queue->jobs(q));
  boost::json::array items;
  std::optional<std::int64_t> next;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (i == static_cast<std::size_t>(limit)) {
      next = jobs[i - 1].id;
      break;
    }
    items.push_back(job_json(jobs[i]));
  }
  return json_response(200, page_json(std::move(items), next));
}

Result<Response> get_job(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto found, d.queue->job(p.workspace_id, id));
  auto o = job_json(found.first);
  boost::json::array attempts;
  for (const auto& a : found.second) {
    attempts.push_back({{"attempt", a.attempt},
                        {"worker", a.worker},
                        {"outcome", a.outcome},
                        {"error", a.error},
                        {"trace", a.trace},
                        {"started_at", time_or_null(a.started_at)},
                        {"finished_at", time_or_null(a.finished_at)}});
  }
  o["history"] = std::move(attempts);
  return json_response(200, o);
}

Result<Response> retry_job(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto j, d.queue->retry(p.workspace_id, id));
  return json_response(200, job_json(j));
}

Result<Response> cancel_job(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto j, d.queue->cancel(p.workspace_id, id));
  return json_response(200, job_json(j));
}

Result<Response> delete_job(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(d.queue->remove(p.workspace_id, id));
  return Response::no_content();
}

Result<queue::JobQuery> bulk_query(const Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  queue::JobQuery q;
  q.workspace_id = p.workspace_id;
  q.queue = r.string("queue", false, 0, 100).value_or("");
  q.kind = r.string("kind", false, 0, 100).value_or("");
  q.tag = r.string("tag", false, 0, 200).value_or("");
  q.q = r.string("q", false, 0, 200).value_or("");
  KIRIM_TRY(r.finish());
  return q;
}

Result<Response> retry_failed(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto q, bulk_query(req, p));
  KIRIM_ASSIGN_OR_RETURN(auto n, d.queue->retry_failed(q));
  return json_response(200, boost::json::object{{"affected", n}});
}

Result<Response> delete_failed(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto q, bulk_query(req, p));
  KIRIM_ASSIGN_OR_RETURN(auto n, d.queue->delete_failed(q));
  return json_response(200, boost::json::object{{"affected", n}});
}

boost::json::object schedule_json(const queue::Schedule& s) {
  return {{"name", s.name},
          {"cron", s.cron},
          {"timezone", s.timezone},
          {"description", s.description},
          {"queue", s.queue},
          {"kind", s.kind},
          {"payload", parsed(s.payload)},
          {"enabled", s.enabled},
          {"next_run_at", time_or_null(s.enabled ? s.next_run_at : 0)},
          {"last_run_at", time_or_null(s.last_run_at)},
          {"last_job_id",
           s.last_job_id > 0 ? boost::json::value(s.last_job_id) : boost::json::value(nullptr)}};
}

Result<Response> list_schedules(const Dependencies& d, Request&, const Principal&) {
  KIRIM_ASSIGN_OR_RETURN(auto all, d.queue->schedules());
  boost::json::array items;
  for (const auto& s : all)
    items.push_back(schedule_json(s));
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> update_schedule(const Dependencies& d, Request& req, const Principal&) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto enabled = r.boolean("enabled", false);
  auto cron = r.string("cron", false, 1, 100);
  auto tz = r.string("timezone", false, 1, 64);
  KIRIM_TRY(r.finish());
  const std::string name(req.param("name"));
  if (cron || tz) {
    KIRIM_ASSIGN_OR_RETURN(auto all, d.queue->schedules());
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.name == name; });
    if (it == all.end()) return make_error(Errc::not_found, "There is no schedule " + name + ".");
    auto s = *it;
    if (cron) s.cron = *cron;
    if (tz) s.timezone = *tz;
    KIRIM_TRY(d.queue->upsert_schedule(s));
  }
  if (enabled) KIRIM_TRY(d.queue->set_schedule_enabled(name, *enabled));
  KIRIM_ASSIGN_OR_RETURN(auto all, d.queue->schedules());
  for (const auto& s : all) {
    if (s.name == name) return json_response(200, schedule_json(s));
  }
  return make_error(Errc::not_found, "There is no schedule " + name + ".");
}

Result<Response> run_schedule(const Dependencies& d, Request& req, const Principal&) {
  KIRIM_ASSIGN_OR_RETURN(auto id, d.queue->run_schedule_now(std::string(req.param("name"))));
  return json_response(202, boost::json::object{{"job_id", id}});
}

boost::json::object rate_limit_json(const queue::LimiterState& s) {
  auto ms = [](std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  return {{"known", s.known},
          {"configured_mps", s.configured_mps},
          {"current_mps", s.current_mps},
          {"sent_last_second", s.sent_last_second},
          {"next_slot_ms", round2(ms(s.next_slot))},
          {"backoff_ms", round2(ms(s.backoff_left))},
          {"tier",
           {{"used", s.tier_used},
            {"cap", s.tier_cap == queue::kUnlimitedTier ? boost::json::value(nullptr)
                                                        : boost::json::value(s.tier_cap)}}},
          {"paused", s.paused},
          {"pause_detail", s.pause_detail.empty() ? boost::json::value(nullptr)
                                                  : boost::json::value(s.pause_detail)},
          {"allowed", s.allowed},
          {"refused",
           {{"rate", s.refused_rate},
            {"pair", s.refused_pair},
            {"tier", s.refused_tier},
            {"paused", s.refused_paused}}},
          {"throttles", s.throttles}};
}

Result<Response> rate_limits(const Dependencies& d, Request&, const Principal& p) {
  boost::json::array items;
  if (d.limiter != nullptr && d.wa_accounts != nullptr) {
    KIRIM_ASSIGN_OR_RETURN(auto accounts, d.wa_accounts->list(p.workspace_id));
    for (const auto& a : accounts) {
      for (const auto& n : a.phone_numbers) {
        auto o = rate_limit_json(d.limiter->state(n.pnid));
        o["phone_number"] = n.display_number;
        o["pnid"] = n.pnid;
        o["account"] = a.name;
        items.push_back(std::move(o));
      }
    }
  }
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

constexpr AuthedRoute kRoutes[] = {
    {"GET", "/api/v1/queues", Role::admin, list_queues},
    {"GET", "/api/v1/queues/{name}/history", Role::admin, queue_history},
    {"POST", "/api/v1/queues/{name}/pause", Role::admin, pause_queue},
    {"POST", "/api/v1/queues/{name}/resume", Role::admin, resume_queue},
    {"GET", "/api/v1/jobs", Role::admin, list_jobs},
    {"POST", "/api/v1/jobs/failed/retry", Role::admin, retry_failed},
    {"POST", "/api/v1/jobs/failed/delete", Role::admin, delete_failed},
    {"GET", "/api/v1/jobs/{id}", Role::admin, get_job},
    {"POST", "/api/v1/jobs/{id}/retry", Role::admin, retry_job},
    {"POST", "/api/v1/jobs/{id}/cancel", Role::admin, cancel_job},
    {"DELETE", "/api/v1/jobs/{id}", Role::admin, delete_job},
    {"GET", "/api/v1/schedules", Role::admin, list_schedules},
    {"PATCH", "/api/v1/schedules/{name}", Role::admin, update_schedule},
    {"POST", "/api/v1/schedules/{name}/run", Role::admin, run_schedule},
    {"GET", "/api/v1/rate-limits", Role::admin, rate_limits},
};

}  // namespace

void register_queue_routes(http::Router& router, const Dependencies& deps) {
  add_authed_routes(router, deps, kRoutes);
}

}  // namespace kirim::api
