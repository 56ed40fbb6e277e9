// The admin API under {prefix}/_sandbox/: state, configuration at runtime, reset, the log, and
// events on demand (inbound messages, preferences, quality, template status). Answers use
// Kirim's own error body; every route is inline (memory only, small locks).
#include <algorithm>

#include <boost/json/serialize.hpp>

#include "core/crypto.h"
#include "core/json.h"
#include "http/errors.h"
#include "whatsapp/sandbox/meta.h"
#include "whatsapp/sandbox/state.h"

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

constexpr std::string_view kTemplateEvents[] = {
    "APPROVED",   "REJECTED",       "PENDING",    "PAUSED",          "DISABLED",
    "IN_APPEAL",  "FLAGGED",        "REINSTATED", "DELETED",         "ARCHIVED",
    "UNARCHIVED", "LIMIT_EXCEEDED", "LOCKED",     "PENDING_DELETION"};

http::Response ok(const json::value& v) {
  return json_response(200, json::serialize(v));
}

http::Response bad(const Error& e) {
  return http::error_response(e);
}

http::Response not_found(std::string message) {
  return http::error_response(404, "not_found", message);
}

// The number named in a request, or the first number of the first WABA when none is named.
NumberState* number_or_first(Impl& s, const std::optional<std::string>& pnid) {
  if (pnid && !pnid->empty()) return s.number(*pnid);
  return s.wabas_.empty() ? nullptr : s.wabas_.begin()->second->numbers.front();
}

std::string pnid_hint(Impl& s) {
  std::string out;
  for (const auto& [id, n] : s.numbers_)
    out += (out.empty() ? "" : ", ") + id;
  return "no such number; the sandbox has " + out;
}

http::Response post_inbound(Impl& s, http::Request& req) {
  auto parsed = kirim::json::parse_object(req.body);
  if (!parsed.ok()) return bad(parsed.error());
  kirim::json::ObjectReader r(*parsed);
  const auto from = r.string("from", true, 5, 20);
  const auto pnid = r.string("pnid", false, 1, 32);
  const auto type = r.one_of("type", false, {"text", "button", "interactive", "reaction", "image"})
                        .value_or("text");
  const auto text = r.string("text", type == "text", 1, kMaxTextBody);
  const auto payload = r.string("payload", type == "button", 1, 256);
  const auto button_text = r.string("button_text", false, 1, 256);
  const auto reply_id = r.string("reply_id", type == "interactive", 1, 256);
  const auto reply_title = r.string("reply_title", type == "interactive", 1, 72);
  const auto interactive_type =
      r.one_of("interactive_type", false, {"button_reply", "list_reply"}).value_or("button_reply");
  const auto context_id = r.string("context_id", false, 1, 512);
  const auto message_id = r.string("message_id", type == "reaction", 1, 512);
  const auto emoji = r.string("emoji", type == "reaction", 1, 32);
  const auto caption = r.string("caption", false, 1, 1024);
  const auto name = r.string("name", false, 1, 256);
  if (from && digits_of(*from) != *from) r.fail("from", "must be digits (a wa_id)");
  auto* n = number_or_first(s, pnid);
  if (n == nullptr) r.fail("pnid", pnid_hint(s));
  if (auto done = r.finish(); !done.ok()) return bad(done.error());

  Inbound in;
  in.from = *from;
  in.name = name.value_or("");
  in.type = type;
  auto rng = s.request_rng();
  in.id = make_wamid(rng, in.from);
  if (context_id) in.message["context"] = {{"from", n->digits}, {"id", *context_id}};
  if (type == "text") {
    in.message["text"] = {{"body", *text}};
  } else if (type == "button") {
    in.message["button"] = {{"payload", *payload}, {"text", button_text.value_or(*payload)}};
  } else if (type == "interactive") {
    in.message["interactive"] = {{"type", interactive_type},
                                 {interactive_type, {{"id", *reply_id}, {"title", *reply_title}}}};
  } else if (type == "reaction") {
    in.message["reaction"] = {{"message_id", *message_id}, {"emoji", *emoji}};
  } else {
    json::object image{
        {"mime_type", "image/jpeg"}, {"sha256", crypto::sha256_hex(in.id)}, {"id", rng.digits(16)}};
    if (caption) image["caption"] = *caption;
    in.message["image"] = std::move(image);
  }
  const auto id = in.id;
  s.receive(*n, std::move(in));
  return ok(json::object{{"id", id}, {"from", *from}, {"pnid", n->id}});
}

http::Response post_preferences(Impl& s, http::Request& req) {
  auto parsed = kirim::json::parse_object(req.body);
  if (!parsed.ok()) return bad(parsed.error());
  kirim::json::ObjectReader r(*parsed);
  const auto wa_id = r.string("wa_id", true, 5, 20);
  const auto pnid = r.string("pnid", false, 1, 32);
  const auto value = r.one_of("value", false, {"stop", "resume"}).value_or("stop");
  auto* n = number_or_first(s, pnid);
  if (n == nullptr) r.fail("pnid", pnid_hint(s));
  if (auto done = r.finish(); !done.ok()) return bad(done.error());
  s.set_preference(*n, *wa_id, value == "stop");
  return ok(json::object{{"wa_id", *wa_id}, {"value", value}, {"pnid", n->id}});
}

http::Response post_quality(Impl& s, http::Request& req) {
  auto parsed = kirim::json::parse_object(req.body);
  if (!parsed.ok()) return bad(parsed.error());
  kirim::json::ObjectReader r(*parsed);
  const auto pnid = r.string("pnid", false, 1, 32);
  const auto event = r.one_of(
      "event", true,
      {"FLAGGED", "UNFLAGGED", "UPGRADE", "DOWNGRADE", "THROUGHPUT_UPGRADE", "ONBOARDING"});
  const std::initializer_list<std::string_view> tiers = {"TIER_250", "TIER_1K",   "TIER_2K",
                                                         "TIER_10K", "TIER_100K", "TIER_UNLIMITED"};
  const auto current_limit = r.one_of("current_limit", false, tiers);
  const auto portfolio_limit = r.one_of("max_daily_conversations_per_business", false, tiers);
  const auto quality = r.one_of("quality_rating", false, {"GREEN", "YELLOW", "RED", "UNKNOWN"});
  auto* n = number_or_first(s, pnid);
  if (n == nullptr) r.fail("pnid", pnid_hint(s));
  if (auto done = r.finish(); !done.ok()) return bad(done.error());

  auto* w = s.waba(n->waba_id);
  json::object value{{"display_phone_number", n->digits}, {"event", *event}};
  {
    std::lock_guard lock(n->mu);
    if (*event == "THROUGHPUT_UPGRADE" && !n->spec.coexistence) {
      n->spec.mps = std::max(n->spec.mps, kUpgradedMps);
    }
    if (quality) n->spec.quality_rating = *quality;
    if (current_limit) {
      if (*current_limit != n->spec.tier) value["old_limit"] = n->spec.tier;
      n->spec.tier = *current_limit;
    }
    value["current_limit"] = n->spec.tier;
  }
  {
    std::lock_guard lock(w->mu);
    if (portfolio_limit) w->tier = *portfolio_limit;
    value["max_daily_conversations_per_business"] = w->tier;
  }
  WebhookItem item;
  item.kind = WebhookItem::Kind::other;
  item.field = "phone_number_quality_update";
  item.waba_id = w->id;
  item.body = value;
  item.event_ms = s.clock_.now_ms();
  s.outbox_.add(std::move(item));
  s.scheduler_.wake();
  return ok(value);
}

http::Response post_template_status(Impl& s, http::Request& req) {
  auto parsed = kirim::json::parse_object(req.body);
  if (!parsed.ok()) return bad(parsed.error());
  kirim::json::ObjectReader r(*parsed);
  const auto event = r.string("event", true, 1, 32);
  const auto language = r.string("language", false, 1, 32).value_or("");
  const auto reason = r.string("reason", false, 1, 64).value_or("NONE");
  const auto waba_id = r.string("waba", false, 1, 32);
  if (event && std::find(std::begin(kTemplateEvents), std::end(kTemplateEvents), *event) ==
                   std::end(kTemplateEvents)) {
    r.fail("event", "is not a template status Meta sends");
  }
  if (auto done = r.finish(); !done.ok()) return bad(done.error());
  const std::string name(req.param("name"));
  for (auto& [id, w] : s.wabas_) {
    if (waba_id && *waba_id != id) continue;
    if (s.set_template_status(*w, name, language, *event, reason)) {
      return ok(json::object{{"name", name}, {"event", *event}, {"waba", id}});
    }
  }
  return not_found("No template named " + name + (language.empty() ? "" : " in " + language) + ".");
}

http::Response get_log(Impl& s, http::Request& req) {
  std::size_t limit = kDefaultLogLimit;
  if (auto l = req.query_param("limit")) {
    const auto d = digits_of(*l);
    if (d.empty() || d.size() != l->size() || d.size() > 9) {
      return http::error_response(400, "bad_request", "limit must be a whole number.");
    }
    limit = std::stoul(d);
  }
  return ok(json::object{{"data", s.log_json(limit)}});
}

http::Response get_media_file(Impl& s, http::Request& req) {
  const auto c = s.cfg();
  const auto h = req.header("authorization");
  const bool has_token = h.size() > 7 && crypto::constant_time_equal(h.substr(7), c->access_token);
  if (!has_token) {
    auto rng = s.request_rng();
    return json_response(401, auth_error_body(make_fbtrace_id(rng)));
  }
  const std::string id(req.param("id"));
  const auto expires = req.query_param("expires").value_or("");
  const auto hash = req.query_param("hash").value_or("");
  const auto e = digits_of(expires);
  const bool valid =
      !e.empty() && e == expires && e.size() < 15 &&
      crypto::constant_time_equal(hash, crypto::hmac_sha256_hex(c->app_secret, id + ":" + e)) &&
      std::stoll(e) * 1000 >= s.clock_.now_ms();
  std::lock_guard lock(s.media_mu_);
  auto it = s.media_.find(id);
  if (!valid || it == s.media_.end()) {
    return http::error_response(404, "not_found", "The media URL is unknown or has expired.");
  }
  auto res = http::Response::text(200, it->second.data, it->second.mime_type);
  if (!it->second.filename.empty()) {
    res.set_header("Content-Disposition", "attachment; filename=\"" + it->second.filename + "\"");
  }
  return res;
}

}  // namespace

json::object Impl::state_json() {
  const auto now = clock_.now_ms();
  const auto c = cfg();
  json::array wabas;
  for (auto& [id, w] : wabas_) {
    json::array numbers;
    for (auto* n : w->numbers) {
      std::lock_guard lock(n->mu);
      const auto open =
          std::count_if(n->last_inbound.begin(), n->last_inbound.end(),
                        [now](const auto& kv) { return kv.second > now - kWindowMs; });
      numbers.push_back(json::object{{"id", n->id},
                                     {"display_phone_number", n->spec.display_phone_number},
                                     {"mps", n->spec.mps},
                                     {"tier", n->spec.tier},
                                     {"quality_rating", n->spec.quality_rating},
                                     {"tokens", n->bucket.available(now, n->spec.mps)},
                                     {"pair_recipients", n->pairs.size()},
                                     {"unique_recipients_24h", n->tier.count(now)},
                                     {"open_windows", open},
                                     {"accepted", n->accepted},
                                     {"refused", n->refused}});
    }
    json::array templates;
    {
      std::shared_lock lock(w->templates_mu);
      for (const auto& t : w->templates) {
        templates.push_back(json::object{{"id", t.id},
                                         {"name", t.name},
                                         {"language", t.language},
                                         {"category", t.category},
                                         {"status", t.status}});
      }
    }
    std::lock_guard lock(w->mu);
    wabas.push_back(json::object{{"id", w->id},
                                 {"tier", w->tier},
                                 {"unique_recipients_24h", w->tier_counter.count(now)},
                                 {"opted_out", w->opted_out.size()},
                                 {"numbers", std::move(numbers)},
                                 {"templates", std::move(templates)}});
  }
  json::object errors;
  {
    std::lock_guard lock(errors_mu_);
    for (const auto& [code, count] : errors_)
      errors[std::to_string(code)] = count;
  }
  const auto hooks = outbox_.stats();
  std::size_t media_count = 0, media_bytes = 0;
  {
    std::lock_guard lock(media_mu_);
    media_count = media_.size();
    media_bytes = media_bytes_;
  }
  return {{"now_ms", now},
          {"seed", c->seed},
          {"wabas", std::move(wabas)},
          {"counters",
           {{"requests", counters_.requests.load()},
            {"messages_accepted", counters_.accepted.load()},
            {"statuses", counters_.statuses.load()},
            {"inbound", counters_.inbound.load()},
            {"template_events", counters_.template_events.load()},
            {"errors", std::move(errors)}}},
          {"webhooks",
           {{"url", c->webhooks.url},
            {"posts", hooks.posts},
            {"delivered", hooks.delivered},
            {"retried", hooks.retried},
            {"given_up", hooks.given_up},
            {"unsent", hooks.unsent},
            {"queued_items", hooks.queued_items},
            {"waiting", hooks.waiting},
            {"in_flight", hooks.in_flight},
            {"retrying", hooks.retrying}}},
          {"media", {{"count", media_count}, {"bytes", media_bytes}}},
          {"scheduled", scheduler_.pending()},
          {"faults", faults_.state()}};
}

void Impl::register_admin(http::Router& router, const std::string& p) {
  const auto add = [&](const char* method, const std::string& path,
                       std::function<http::Response(Impl&, http::Request&)> fn) {
    http::Route r;
    r.method = method;
    r.pattern = p + "/_sandbox/" + path;
    r.mode = http::Mode::inline_;
    r.handler = [this, fn = std::move(fn)](http::Request& req) { return fn(*this, req); };
    router.add(std::move(r));
  };
  add("GET", "state", [](Impl& s, http::Request&) { return ok(s.state_json()); });
  add("GET", "config", [](Impl& s, http::Request&) { return ok(sandbox_options_json(*s.cfg())); });
  add("PUT", "config", [](Impl& s, http::Request& req) {
    auto parsed = kirim::json::parse_object(req.body);
    if (!parsed.ok()) return bad(parsed.error());
    auto applied = s.configure(*parsed);
    if (!applied.ok()) return bad(applied.error());
    return ok(*applied);
  });
  add("POST", "reset", [](Impl& s, http::Request&) {
    s.reset();
    return ok(json::object{{"reset", true}});
  });
  add("GET", "log", get_log);
  add("POST", "inbound", post_inbound);
  add("POST", "preferences", post_preferences);
  add("POST", "quality", post_quality);
  add("POST", "templates/{name}/status", post_template_status);
  add("GET", "media/{id}", get_media_file);
}

}  // namespace kirim::whatsapp::sandbox
