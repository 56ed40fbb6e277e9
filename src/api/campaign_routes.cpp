// Campaigns: definitions, launch and control, progress, recipients, conversions and click
// tracking (docs/api.md "Campaigns").
#include "api/routes.h"
#include "campaigns/campaigns.h"
#include "contacts/phone.h"
#include "core/json.h"
#include "core/time_format.h"

namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using http::Request;
using http::Response;
namespace cp = campaigns;

constexpr std::size_t kMaxSenders = 20;
constexpr std::size_t kMaxContactIds = 10'000;

boost::json::value time_or_null(std::int64_t ms) {
  return ms > 0 ? boost::json::value(iso8601_utc(ms)) : boost::json::value(nullptr);
}

const boost::json::object* object_of(json::ObjectReader& r, std::string_view key) {
  const auto* v = r.value(key, false);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    r.fail(key, "must be an object");
    return nullptr;
  }
  return &v->as_object();
}

Result<cp::CampaignInput> read_input(const boost::json::object& body, bool creating) {
  json::ObjectReader r(body);
  cp::CampaignInput in;
  in.name = r.string("name", creating, 1, 200);
  if (const auto* o = object_of(r, "audience")) in.audience = *o;
  if (const auto* o = object_of(r, "message")) in.message = *o;
  if (const auto* o = object_of(r, "schedule")) in.schedule = *o;
  if (body.contains("quiet_hours") && body.at("quiet_hours").is_null()) in.clear_quiet_hours = true;
  if (const auto* o = object_of(r, "quiet_hours")) in.quiet_hours = *o;
  if (body.contains("goal") && body.at("goal").is_null()) in.clear_goal = true;
  if (const auto* o = object_of(r, "goal")) in.goal = *o;
  if (const auto* v = r.value("senders", false)) {
    std::vector<std::int64_t> ids;
    if (!v->is_array() || v->as_array().size() > kMaxSenders) {
      r.fail("senders", "must be a list of at most 20 phone number ids");
    } else {
      for (const auto& e : v->as_array()) {
        if (!e.is_int64() || e.as_int64() <= 0) {
          r.fail("senders", "must be a list of phone number ids");
          break;
        }
        ids.push_back(e.as_int64());
      }
    }
    in.senders = std::move(ids);
  }
  if (auto s = r.integer("speed_mps", false, 1, cp::kMaxSpeedMps)) {
    in.speed_mps = static_cast<int>(*s);
  }
  KIRIM_TRY(r.finish());
  return in;
}

boost::json::object render(const Dependencies& d, const cp::Campaign& c) {
  auto counters = d.campaigns->counters(c.workspace_id, c.id);
  return cp::campaign_json(c, counters.ok() ? *counters : cp::Counters{},
                           d.campaigns->current_rate(c.id));
}

Result<Response> one(const Dependencies& d, int status, Result<cp::Campaign> c) {
  if (!c.ok()) return c.error();
  return json_response(status, render(d, *c));
}

Result<Response> list(const Dependencies& d, Request& req, const Principal& p) {
  std::optional<cp::State> state;
  if (auto s = req.query_param("state"); s && !s->empty()) {
    state = cp::parse_state(*s);
    if (!state) {
      return json::validation_error({{"state",
                                      "must be draft, scheduled, running, paused, "
                                      "completed, stopped or failed"}});
    }
  }
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  KIRIM_ASSIGN_OR_RETURN(auto rows,
                         d.campaigns->list(p.workspace_id, state, req.query_param("q").value_or(""),
                                           page.after, page.limit + 1));
  boost::json::array items;
  std::optional<std::int64_t> next;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i == static_cast<std::size_t>(page.limit)) {
      next = rows[i - 1].id;
      break;
    }
    items.push_back(render(d, rows[i]));
  }
  return json_response(200, page_json(std::move(items), next));
}

Result<Response> create(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  KIRIM_ASSIGN_OR_RETURN(auto in, read_input(body, true));
  return one(d, 201, d.campaigns->create(p.workspace_id, p.user_id, in));
}

Result<Response> get(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  return one(d, 200, d.campaigns->get(p.workspace_id, id));
}

Result<Response> update(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  KIRIM_ASSIGN_OR_RETURN(auto in, read_input(body, false));
  return one(d, 200, d.campaigns->update(p.workspace_id, id, in));
}

Result<Response> remove(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(d.campaigns->remove(p.workspace_id, id));
  return Response::no_content();
}

Result<Response> duplicate(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  return one(d, 201, d.campaigns->duplicate(p.workspace_id, p.user_id, id));
}

Result<Response> estimate(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  const auto* audience = object_of(r, "audience");
  const auto* message = object_of(r, "message");
  if (audience == nullptr && !r.has("audience")) r.fail("audience", "is required");
  KIRIM_TRY(r.finish());
  static const boost::json::object empty;
  KIRIM_ASSIGN_OR_RETURN(auto e, d.campaigns->estimate(p.workspace_id, audience ? *audience : empty,
                                                       message ? *message : empty));
  return json_response(200, boost::json::object{{"contacts", e.contacts},
                                                {"excluded",
                                                 {{"opted_out", e.opted_out},
                                                  {"tags", e.excluded_tags},
                                                  {"frequency_cap", e.frequency_cap},
                                                  {"window_closed", e.window_closed},
                                                  {"unknown_consent", e.unknown_consent}}}});
}

Result<Response> launch(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  return one(d, 200, d.campaigns->launch(p.workspace_id, p.user_id, id));
}

Result<Response> pause(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  return one(d, 200, d.campaigns->pause(p.workspace_id, p.user_id, id));
}

Result<Response> resume(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  return one(d, 200, d.campaigns->resume(p.workspace_id, p.user_id, id));
}

Result<Response> stop(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  return one(d, 200, d.campaigns->stop_campaign(p.workspace_id, p.user_id, id));
}

Result<Response> emergency_stop(const Dependencies& d, Request& req, const Principal& p) {
  std::string reason;
  if (!req.body.empty()) {
    KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
    json::ObjectReader r(body);
    reason = r.string("reason", false, 0, 500).value_or("");
    KIRIM_TRY(r.finish());
  }
  KIRIM_ASSIGN_OR_RETURN(auto ids, d.campaigns->emergency_stop(p.workspace_id, p.user_id, reason));
  boost::json::array stopped;
  for (auto id : ids)
    stopped.push_back(id);
  return json_response(200, boost::json::object{{"stopped", std::move(stopped)}});
}

Result<Response> speed(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  const auto mps = r.integer("speed_mps", true, 1, cp::kMaxSpeedMps);
  KIRIM_TRY(r.finish());
  return one(d, 200, d.campaigns->set_speed(p.workspace_id, p.user_id, id, static_cast<int>(*mps)));
}

Result<Response> audience(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  const auto* add = object_of(r, "add");
  const auto* exclude = object_of(r, "exclude");
  if (add == nullptr && exclude == nullptr) r.fail("add", "or exclude is required");
  for (const auto* part : {add, exclude}) {
    if (part == nullptr) continue;
    if (const auto* ids = part->if_contains("contact_ids");
        ids && ids->is_array() && ids->as_array().size() > kMaxContactIds) {
      r.fail(part == add ? "add.contact_ids" : "exclude.contact_ids", "has over 10,000 ids");
    }
  }
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto change,
                         d.campaigns->change_audience(p.workspace_id, p.user_id, id, add, exclude));
  return json_response(200,
                       boost::json::object{{"added", change.added}, {"excluded", change.excluded}});
}

boost::json::object recipient_json(const cp::Recipient& r) {
  return {
      {"id", r.id},
      {"contact", {{"id", r.contact_id}, {"name", r.contact_name}, {"phone", r.contact_phone}}},
      {"sender", r.sender_id > 0 ? boost::json::value(boost::json::object{
                                       {"id", r.sender_id}, {"display_number", r.sender_number}})
                                 : boost::json::value(nullptr)},
      {"state", cp::recipient_state_name(r.state)},
      {"wamid", r.wamid.empty() ? boost::json::value(nullptr) : boost::json::value(r.wamid)},
      {"error", r.error_code != 0 || !r.error_title.empty()
                    ? boost::json::value(
                          boost::json::object{{"code", r.error_code}, {"title", r.error_title}})
                    : boost::json::value(nullptr)},
      {"queued_at", time_or_null(r.queued_at)},
      {"sent_at", time_or_null(r.sent_at)},
      {"delivered_at", time_or_null(r.delivered_at)},
      {"read_at", time_or_null(r.read_at)},
      {"failed_at", time_or_null(r.failed_at)},
      {"replied_at", time_or_null(r.replied_at)},
      {"clicked_at", time_or_null(r.clicked_at)},
      {"converted_at", time_or_null(r.converted_at)},
      {"updated_at", time_or_null(r.updated_at)}};
}

Result<Response> recipients(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  std::optional<cp::RecipientState> state;
  if (auto s = req.query_param("state"); s && !s->empty()) {
    state = cp::parse_recipient_state(*s);
    if (!state) {
      return json::validation_error(
          {{"state",
            "must be pending, sending, accepted, sent, delivered, read, failed, "
            "unknown, skipped or cancelled"}});
    }
  }
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  KIRIM_ASSIGN_OR_RETURN(auto rows, d.campaigns->recipients(p.workspace_id, id, state,
                                                            req.query_param("q").value_or(""),
                                                            page.after, page.limit + 1));
  boost::json::array items;
  std::optional<std::int64_t> next;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i == static_cast<std::size_t>(page.limit)) {
      next = rows[i - 1].id;
      break;
    }
    items.push_back(recipient_json(rows[i]));
  }
  return json_response(200, page_json(std::move(items), next));
}

Result<Response> timeline(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto events, d.campaigns->timeline(p.workspace_id, id));
  boost::json::array items;
  for (const auto& e : events) {
    items.push_back({{"id", e.id},
                     {"at", iso8601_utc(e.at)},
                     {"kind", e.kind},
                     {"detail", e.detail},
                     {"actor", e.actor_id ? boost::json::value(boost::json::object{
                                                {"id", *e.actor_id}, {"name", e.actor_name}})
                                          : boost::json::value(nullptr)}});
  }
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> series(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  const auto interval = req.query_param("interval").value_or("10s");
  std::int64_t ms = 0;
  if (interval == "10s") {
    ms = 10'000;
  } else if (interval == "1m") {
    ms = 60'000;
  } else if (interval == "10m") {
    ms = 600'000;
  } else if (interval == "1h") {
    ms = 3'600'000;
  } else {
    return json::validation_error({{"interval", "must be 10s, 1m, 10m or 1h"}});
  }
  KIRIM_ASSIGN_OR_RETURN(auto points, d.campaigns->series(p.workspace_id, id, ms));
  boost::json::array items;
  for (const auto& s : points) {
    items.push_back({{"at", iso8601_utc(s.at)},
                     {"sent", s.sent},
                     {"delivered", s.delivered},
                     {"read", s.read},
                     {"failed", s.failed},
                     {"replied", s.replied},
                     {"clicked", s.clicked}});
  }
  return json_response(200, boost::json::object{{"interval_ms", ms}, {"data", std::move(items)}});
}

Result<Response> failures(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto rows, d.campaigns->failures(p.workspace_id, id));
  boost::json::array items;
  for (const auto& f : rows) {
    items.push_back({{"code", f.code}, {"title", f.title}, {"state", f.state}, {"count", f.count}});
  }
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> conversion(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  const auto campaign = r.integer("campaign_id", false, 1, INT64_MAX);
  auto contact = r.integer("contact_id", false, 1, INT64_MAX);
  const auto phone = r.string("phone", false, 1, 40);
  (void)r.value("value", false);  // recorded by the caller's own systems; accepted for them
  if (!contact && !phone) r.fail("contact_id", "or phone is required");
  KIRIM_TRY(r.finish());
  if (!contact) {
    auto parsed = contacts::parse_phone(*phone, "");
    if (!parsed.ok()) return json::validation_error({{"phone", parsed.error().message}});
    KIRIM_ASSIGN_OR_RETURN(auto found, d.contacts->find_by_phone(p.workspace_id, parsed->e164));
    if (!found) return make_error(Errc::not_found, "There is no contact with this phone number.");
    contact = found->id;
  }
  KIRIM_ASSIGN_OR_RETURN(auto recipient, d.campaigns->convert(p.workspace_id, campaign, *contact));
  return json_response(200, boost::json::object{{"recipient_id", recipient}});
}

constexpr AuthedRoute kRoutes[] = {
    {"GET", "/api/v1/campaigns", Role::viewer, list},
    {"POST", "/api/v1/campaigns", Role::editor, create},
    {"POST", "/api/v1/campaigns/estimate", Role::viewer, estimate},
    {"POST", "/api/v1/campaigns/emergency-stop", Role::editor, emergency_stop},
    {"GET", "/api/v1/campaigns/{id}", Role::viewer, get},
    {"PATCH", "/api/v1/campaigns/{id}", Role::editor, update},
    {"DELETE", "/api/v1/campaigns/{id}", Role::editor, remove},
    {"POST", "/api/v1/campaigns/{id}/duplicate", Role::editor, duplicate},
    {"POST", "/api/v1/campaigns/{id}/launch", Role::editor, launch},
    {"POST", "/api/v1/campaigns/{id}/pause", Role::editor, pause},
    {"POST", "/api/v1/campaigns/{id}/resume", Role::editor, resume},
    {"POST", "/api/v1/campaigns/{id}/stop", Role::editor, stop},
    {"PATCH", "/api/v1/campaigns/{id}/speed", Role::editor, speed},
    {"POST", "/api/v1/campaigns/{id}/audience", Role::editor, audience},
    {"GET", "/api/v1/campaigns/{id}/recipients", Role::viewer, recipients},
    {"GET", "/api/v1/campaigns/{id}/timeline", Role::viewer, timeline},
    {"GET", "/api/v1/campaigns/{id}/series", Role::viewer, series},
    {"GET", "/api/v1/campaigns/{id}/failures", Role::viewer, failures},
    {"POST", "/api/v1/conversions", Role::editor, conversion},
};

}  // namespace

void register_campaign_routes(http::Router& router, const Dependencies& deps) {
  add_authed_routes(router, deps, kRoutes);
  // A tracked link: no session (recipients open it from WhatsApp); an unknown token is a 404.
  router.add(
      {"GET", "/r/{token}", http::Mode::blocking, open([&deps](Request& req) -> Result<Response> {
         KIRIM_ASSIGN_OR_RETURN(auto url, deps.campaigns->click(std::string(req.param("token"))));
         auto res = Response::text(302, "", "text/plain");
         res.set_header("Location", url);
         res.set_header("Cache-Control", "no-store");
         return res;
       })});
}

}  // namespace kirim::api
