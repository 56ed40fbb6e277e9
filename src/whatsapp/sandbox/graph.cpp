// The Graph API endpoints: send (every message type, mark-as-read, typing), media, phone numbers
// and templates, with Meta's success and error shapes, latencies, limits and injected faults.
#include <algorithm>
#include <cstdlib>
#include <functional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/crypto.h"
#include "whatsapp/sandbox/meta.h"
#include "whatsapp/sandbox/multipart.h"
#include "whatsapp/sandbox/state.h"

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxButtons = 3;
constexpr std::size_t kMaxButtonTitle = 20;
constexpr std::size_t kMaxSections = 10;
constexpr std::size_t kMaxRows = 10;
constexpr std::size_t kMaxRowTitle = 24;
constexpr std::size_t kMaxRowDescription = 72;
constexpr std::size_t kMaxCaption = 1024;
constexpr std::size_t kMaxTemplateName = 512;
constexpr std::size_t kMaxTemplateBody = 1024;
constexpr std::size_t kDefaultPageSize = 25;
constexpr std::size_t kMaxPageSize = 1000;

enum class Group { messages, media, templates, phone_numbers };

// One Graph request while it is handled.
struct Call {
  Impl& s;
  std::shared_ptr<const SandboxOptions> c;
  Rng rng;
  std::int64_t now = 0;
  std::int64_t latency_ms = 0;
  std::string fbtrace;
  std::string version;
};

// What a handler produced, with what the log records of it.
struct Outcome {
  http::Response res;
  int code = 0;  // Meta error code, when refused
  std::string wamid;
  std::string to;
  std::int64_t extra_delay_ms = 0;
  std::string waba_usage;  // x-business-use-case-usage
};

Outcome outcome(http::Response res) {
  Outcome o;
  o.res = std::move(res);
  return o;
}

FaultContext fault_context(std::string_view endpoint, std::string_view pnid) {
  return FaultContext{endpoint, pnid, {}, {}, {}};
}

using Body = std::function<Outcome(Call&, http::Request&)>;
using GroupOf = std::function<Group(Impl&, const http::Request&)>;

std::string_view sv(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

const json::object* obj(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

const json::array* arr(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

std::size_t chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const Dist& dist_of(const SandboxOptions& c, Group g) {
  switch (g) {
    case Group::messages:
      return c.latency.messages;
    case Group::media:
      return c.latency.media;
    case Group::templates:
      return c.latency.templates;
    case Group::phone_numbers:
      return c.latency.phone_numbers;
  }
  return c.latency.phone_numbers;
}

Outcome ok(json::object body) {
  return outcome(json_response(200, json::serialize(body)));
}

Outcome ok_success() {
  return outcome(json_response(200, R"({"success":true})"));
}

// A refusal in Meta's envelope; details, when given, replace the table's.
Outcome fail(Call& call, int code, std::string_view details = {}) {
  call.s.count_error(code);
  Outcome o =
      outcome(json_response(meta_error(code).http_status, error_body(code, call.fbtrace, details)));
  o.code = code;
  return o;
}

Outcome unknown_object(Call& call, std::string_view method, std::string_view id) {
  call.s.count_error(100);
  Outcome o = outcome(json_response(400, unknown_object_body(method, id, call.fbtrace)));
  o.code = 100;
  return o;
}

// A 5xx the way a proxy in front of Graph sends it: HTML, no envelope.
Outcome http_failure(Call& call, int status) {
  call.s.count_error(status);
  Outcome o = outcome(http::Response::text(
      status,
      "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>" + std::to_string(status) +
          "</h1><p>Sorry, something went wrong.</p></body></html>",
      "text/html; charset=utf-8"));
  o.code = status;
  return o;
}

Outcome fault_outcome(Call& call, const FaultRule& rule) {
  const int code = std::stoi(rule.code);
  Outcome o = code >= 500 && code <= 599 ? http_failure(call, code) : fail(call, code);
  o.extra_delay_ms = rule.delay_ms;
  return o;
}

bool authorized(const http::Request& req, const SandboxOptions& c) {
  std::string token;
  const auto h = req.header("authorization");
  if (h.size() > 7 && lower(h.substr(0, 7)) == "bearer ") {
    token = std::string(h.substr(7));
  } else if (auto q = req.query_param("access_token")) {
    token = *q;
  }
  return !token.empty() && crypto::constant_time_equal(token, c.access_token);
}

// Runs one Graph request: token first (before any fault), then the body; the answer leaves
// after the sampled latency.
void handle(Impl& s, http::Request& req, const http::Reply& reply, const GroupOf& group_of,
            const Body& body) {
  Call call{s, s.cfg(), s.request_rng(), 0, 0, {}, {}};
  call.now = s.clock_.now_ms();
  call.fbtrace = make_fbtrace_id(call.rng);
  call.version = std::string(req.param("version"));
  call.latency_ms = call.rng.sample(dist_of(*call.c, group_of(s, req)));
  ++s.counters_.requests;
  Outcome out;
  if (!authorized(req, *call.c)) {
    s.count_error(190);
    out.res = json_response(401, auth_error_body(call.fbtrace));
    out.res.set_header("WWW-Authenticate",
                       "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access "
                       "token - Cannot parse access token\"");
    out.code = 190;
  } else {
    out = body(call, req);
  }
  out.res.set_header("x-fb-trace-id", call.fbtrace);
  out.res.set_header("x-fb-request-id", "A" + call.rng.hex(22, false));
  if (!call.version.empty()) out.res.set_header("facebook-api-version", call.version);
  if (!out.waba_usage.empty()) out.res.set_header("x-business-use-case-usage", out.waba_usage);
  const auto delay = call.latency_ms + out.extra_delay_ms;
  json::object entry{{"at_ms", call.now}, {"kind", "request"},        {"method", req.method},
                     {"path", req.path},  {"status", out.res.status}, {"latency_ms", delay}};
  if (out.code != 0) entry["code"] = out.code;
  if (!out.wamid.empty()) entry["wamid"] = out.wamid;
  if (!out.to.empty()) entry["to"] = out.to;
  s.log(std::move(entry));
  s.answer(reply, std::move(out.res), delay);
}

GroupOf fixed(Group g) {
  return [g](Impl&, const http::Request&) { return g; };
}

// --- messages ------------------------------------------------------------------------------------

// Checks an interactive object; fills the options a customer may tap.
std::optional<Outcome> check_interactive(Call& call, const json::object& in, SentMessage& msg) {
  const auto type = sv(in, "type");
  if (type.empty()) return fail(call, 131008, "interactive['type'] is required");
  const auto* action = obj(in, "action");
  if (type != "button" && type != "list") return std::nullopt;  // cta_url, flow, product...
  const auto* body = obj(in, "body");
  if (body == nullptr || sv(*body, "text").empty()) {
    return fail(call, 131008, "interactive['body']['text'] is required");
  }
  if (action == nullptr) return fail(call, 131008, "interactive['action'] is required");
  if (type == "button") {
    const auto* buttons = arr(*action, "buttons");
    if (buttons == nullptr || buttons->empty() || buttons->size() > kMaxButtons) {
      return fail(call, 131009, "interactive['action']['buttons'] must have 1 to 3 buttons");
    }
    for (const auto& b : *buttons) {
      const auto* reply = b.is_object() ? obj(b.as_object(), "reply") : nullptr;
      if (reply == nullptr || sv(*reply, "id").empty() || sv(*reply, "title").empty()) {
        return fail(call, 131008, "each button needs reply.id and reply.title");
      }
      if (chars(sv(*reply, "title")) > kMaxButtonTitle) {
        return fail(call, 131009, "a button title is at most 20 characters");
      }
      for (const auto& [id, title] : msg.options) {
        if (id == sv(*reply, "id")) return fail(call, 131009, "button ids must be unique");
      }
      msg.options.emplace_back(std::string(sv(*reply, "id")), std::string(sv(*reply, "title")));
    }
    msg.interactive_kind = "button_reply";
    return std::nullopt;
  }
  if (sv(*action, "button").empty() || chars(sv(*action, "button")) > kMaxButtonTitle) {
    return fail(call, 131009, "interactive['action']['button'] must have 1 to 20 characters");
  }
  const auto* sections = arr(*action, "sections");
  if (sections == nullptr || sections->empty() || sections->size() > kMaxSections) {
    return fail(call, 131009, "a list has 1 to 10 sections");
  }
  for (const auto& sec : *sections) {
    const auto* rows = sec.is_object() ? arr(sec.as_object(), "rows") : nullptr;
    if (rows == nullptr || rows->empty()) return fail(call, 131009, "each section needs rows");
    if (sections->size() > 1 && sv(sec.as_object(), "title").empty()) {
      return fail(call, 131008, "sections need a title when there are several");
    }
    for (const auto& r : *rows) {
      if (!r.is_object() || sv(r.as_object(), "id").empty() || sv(r.as_object(), "title").empty()) {
        return fail(call, 131008, "each row needs an id and a title");
      }
      const auto& row = r.as_object();
      if (chars(sv(row, "title")) > kMaxRowTitle ||
          chars(sv(row, "description")) > kMaxRowDescription) {
        return fail(call, 131009, "a row title is at most 24 characters, a description 72");
      }
      msg.options.emplace_back(std::string(sv(row, "id")), std::string(sv(row, "title")));
    }
  }
  if (msg.options.size() > kMaxRows) return fail(call, 131009, "a list has at most 10 rows");
  msg.interactive_kind = "list_reply";
  return std::nullopt;
}

// Checks the object of the message's type. May set media_missing for a media id never uploaded.
std::optional<Outcome> check_payload(Call& call, const std::string& type, const json::object& p,
                                     SentMessage& msg, bool& media_missing) {
  if (type == "text") {
    const auto body = sv(p, "body");
    if (body.empty()) return fail(call, 100, "The parameter text['body'] is required.");
    if (chars(body) > kMaxTextBody) {
      return fail(call, 100, "Param text['body'] must be at most 4096 characters long.");
    }
    return std::nullopt;
  }
  if (type == "image" || type == "video" || type == "audio" || type == "document" ||
      type == "sticker") {
    const auto id = sv(p, "id");
    const auto link = sv(p, "link");
    if (id.empty() == link.empty()) {
      return fail(call, 100, "Param " + type + " must contain either id or link.");
    }
    if (!link.empty() && link.rfind("http://", 0) != 0 && link.rfind("https://", 0) != 0) {
      return fail(call, 100, "Param " + type + "['link'] must be an http(s) URL.");
    }
    if (chars(sv(p, "caption")) > kMaxCaption) {
      return fail(call, 100, "Param " + type + "['caption'] must be at most 1024 characters.");
    }
    if (!id.empty()) {
      std::lock_guard lock(call.s.media_mu_);
      media_missing = !call.s.media_.contains(std::string(id));
    }
    return std::nullopt;
  }
  if (type == "reaction") {
    if (sv(p, "message_id").empty())
      return fail(call, 131008, "reaction['message_id'] is required");
    return std::nullopt;
  }
  if (type == "location") {
    const auto* lat = p.if_contains("latitude");
    const auto* lon = p.if_contains("longitude");
    if (lat == nullptr || lon == nullptr || !(lat->is_number() || lat->is_string()) ||
        !(lon->is_number() || lon->is_string())) {
      return fail(call, 131008, "location needs latitude and longitude");
    }
    return std::nullopt;
  }
  if (type == "contacts") return std::nullopt;  // an array; checked by the caller
  if (type == "interactive") return check_interactive(call, p, msg);
  if (type == "template") {
    const auto* language = obj(p, "language");
    if (sv(p, "name").empty())
      return fail(call, 100, "The parameter template['name'] is required.");
    if (language == nullptr || sv(*language, "code").empty()) {
      return fail(call, 100, "The parameter template['language']['code'] is required.");
    }
    return std::nullopt;
  }
  return fail(call, 100,
              "Param type must be one of {text, image, audio, video, document, sticker, reaction, "
              "location, contacts, interactive, template}.");
}

bool valid_phone_chars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')';
  });
}

Outcome post_message(Call& call, http::Request& req) {
  Impl& s = call.s;
  const auto& c = *call.c;
  auto* n = s.number(req.param("pnid"));
  if (n == nullptr) return unknown_object(call, "POST", req.param("pnid"));
  boost::system::error_code ec;
  auto parsed = json::parse(req.body, ec);
  if (ec || !parsed.is_object()) return fail(call, 100, "The request body is not a JSON object.");
  const auto& body = parsed.as_object();
  if (sv(body, "messaging_product") != "whatsapp") {
    return fail(call, 100, "The parameter messaging_product is required.");
  }

  // Mark as read, with or without the typing indicator.
  if (sv(body, "status") == "read") {
    if (sv(body, "message_id").empty()) {
      return fail(call, 100, "The parameter message_id is required.");
    }
    if (const auto* t = body.if_contains("typing_indicator");
        t != nullptr && (!t->is_object() || sv(t->as_object(), "type") != "text")) {
      return fail(call, 100, "Param typing_indicator['type'] must be text.");
    }
    return ok_success();
  }

  const std::string to_input(sv(body, "to"));
  if (to_input.empty()) return fail(call, 100, "The parameter to is required.");
  const auto to = digits_of(to_input);
  if (!valid_phone_chars(to_input) || to.size() < 5 || to.size() > 20) {
    return fail(call, 100, "Param to must be a phone number.");
  }
  if (const auto rt = sv(body, "recipient_type"); !rt.empty() && rt != "individual") {
    return fail(call, 100, "Param recipient_type must be individual.");
  }
  std::string type(sv(body, "type"));
  if (type.empty()) type = "text";
  const auto* payload = obj(body, type);
  if (type == "contacts") {
    const auto* list = arr(body, "contacts");
    if (list == nullptr || list->empty())
      return fail(call, 100, "The parameter contacts is required.");
  } else if (payload == nullptr) {
    return fail(call, 100, "The parameter " + type + " is required.");
  }
  auto msg = std::make_shared<SentMessage>();
  msg->type = type;
  if (const auto* opaque = body.if_contains("biz_opaque_callback_data"); opaque != nullptr) {
    if (!opaque->is_string() || opaque->as_string().size() > kMaxOpaque) {
      return fail(call, 100, "Param biz_opaque_callback_data must be at most 512 characters.");
    }
    msg->biz_opaque = std::string(opaque->as_string());
  }
  bool media_missing = false;
  if (payload != nullptr) {
    if (auto refused = check_payload(call, type, *payload, *msg, media_missing)) {
      return std::move(*refused);
    }
  }
  if (to == n->digits) return fail(call, 131021);
  const auto wa_id = s.wa_id_for(to);
  const bool is_template = type == "template";
  const std::string template_name = is_template ? std::string(sv(*payload, "name")) : "";
  const FaultContext fc{"messages", n->id, to, type, template_name};
  if (auto f = s.faults_.pick(fc, false, call.rng)) return fault_outcome(call, *f);

  bool window_open = false;
  int throttled = 0;
  {
    std::lock_guard lock(n->mu);
    if (c.limits.throughput && !n->bucket.take(call.now, n->spec.mps)) {
      throttled = 130429;
    } else if (c.limits.pair && !n->pairs.take(wa_id, call.now, c.limits)) {
      throttled = 131056;
    }
    if (throttled != 0) ++n->refused;
    auto it = n->last_inbound.find(wa_id);
    window_open = it != n->last_inbound.end() && it->second > call.now - kWindowMs;
  }
  if (throttled != 0) return fail(call, throttled);
  auto* w = s.waba(n->waba_id);

  std::string category = "service";
  if (is_template) {
    const auto language = sv(*obj(*payload, "language"), "code");
    std::shared_lock lock(w->templates_mu);
    const auto it = std::find_if(w->templates.begin(), w->templates.end(), [&](const auto& t) {
      return t.name == template_name && t.language == language;
    });
    if (it == w->templates.end()) {
      return fail(
          call, 132001,
          "template name (" + template_name + ") does not exist in " + std::string(language));
    }
    if (it->status == "PAUSED") return fail(call, 132015);
    if (it->status == "DISABLED") return fail(call, 132016);
    if (it->status != "APPROVED") {
      return fail(call, 132001,
                  "template name (" + template_name + ") is " + lower(it->status) + " in " +
                      std::string(language));
    }
    auto check = check_template_send(*it, *payload);
    if (check.code != 0) return fail(call, check.code, check.details);
    msg->quick_replies = std::move(check.quick_replies);
    category = lower(it->category);
  }

  // Policies that fail either at once (sync) or after a 200 (async).
  int fail_code = 0;
  const auto policy = [&](Delivery mode, int code) -> std::optional<Outcome> {
    if (mode == Delivery::sync) return fail(call, code);
    if (mode == Delivery::async) fail_code = code;
    return std::nullopt;
  };
  if (!is_template && !window_open) {
    if (auto r = policy(c.limits.window_mode, 131047)) return std::move(*r);
  }
  if (fail_code == 0 && category == "marketing" && c.limits.opt_out_mode != Delivery::off) {
    bool stopped = false;
    {
      std::lock_guard lock(w->mu);
      stopped = w->opted_out.contains(wa_id);
    }
    if (stopped) {
      if (auto r = policy(c.limits.opt_out_mode, 131050)) return std::move(*r);
    }
  }
  if (fail_code == 0 && is_template && !window_open && c.limits.tier_mode != Delivery::off) {
    bool admitted = true;
    if (c.limits.tier_scope == TierScope::waba) {
      std::lock_guard lock(w->mu);
      admitted = w->tier_counter.admit(wa_id, call.now, tier_limit(w->tier));
    } else {
      std::lock_guard lock(n->mu);
      admitted = n->tier.admit(wa_id, call.now, tier_limit(n->spec.tier));
    }
    if (!admitted) {
      if (auto r = policy(c.limits.tier_mode, c.limits.tier_error_code)) return std::move(*r);
    }
  }

  // Accepted.
  Outcome out;
  msg->wamid = make_wamid(call.rng, wa_id);
  if (auto f = s.faults_.pick(fc, true, call.rng)) {
    if (f->code == "accepted_timeout") {
      out.extra_delay_ms = f->delay_ms > 0 ? f->delay_ms : c.accepted_timeout_delay_ms;
    } else {
      out.extra_delay_ms = f->delay_ms;
      if (fail_code == 0) fail_code = std::stoi(f->code);
    }
  }
  if (fail_code == 0 && media_missing) fail_code = 131053;
  msg->wa_id = wa_id;
  msg->number = n;
  msg->category = category;
  msg->template_name = template_name;
  // Under per-message pricing only utility templates are free inside an open window.
  if (!is_template || (window_open && category == "utility")) {
    msg->pricing_type = "free_customer_service";
    msg->billable = false;
  } else {
    msg->pricing_type = "regular";
  }
  msg->conversation_id = call.rng.hex(32, false);
  msg->fail_code = fail_code;
  if (fail_code != 0) s.count_error(fail_code);
  {
    std::lock_guard lock(n->mu);
    ++n->accepted;
  }
  ++s.counters_.accepted;
  // Meta has taken the message: its statuses do not wait for a delayed answer, so a client
  // that timed out learns the outcome from them (biz_opaque_callback_data).
  s.schedule_lifecycle(msg, call.rng, call.now + call.latency_ms);

  json::object sent_message{{"id", msg->wamid}};
  if (is_template) sent_message["message_status"] = "accepted";
  out.res = json_response(
      200, json::serialize(json::object{
               {"messaging_product", "whatsapp"},
               {"contacts", json::array{json::object{{"input", to_input}, {"wa_id", wa_id}}}},
               {"messages", json::array{std::move(sent_message)}}}));
  out.wamid = msg->wamid;
  out.to = to;
  return out;
}

// --- media ---------------------------------------------------------------------------------------

struct MediaKind {
  std::string_view mime;
  std::size_t max_bytes;
};
constexpr std::size_t kMiB = 1024 * 1024;
constexpr MediaKind kMediaKinds[] = {
    {"audio/aac", 16 * kMiB},
    {"audio/amr", 16 * kMiB},
    {"audio/mpeg", 16 * kMiB},
    {"audio/mp4", 16 * kMiB},
    {"audio/ogg", 16 * kMiB},
    {"video/mp4", 16 * kMiB},
    {"video/3gpp", 16 * kMiB},
    {"image/jpeg", 5 * kMiB},
    {"image/png", 5 * kMiB},
    {"image/webp", 500 * 1024},
    {"text/plain", 100 * kMiB},
    {"application/pdf", 100 * kMiB},
    {"application/msword", 100 * kMiB},
    {"application/vnd.ms-excel", 100 * kMiB},
    {"application/vnd.ms-powerpoint", 100 * kMiB},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", 100 * kMiB},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100 * kMiB},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", 100 * kMiB},
};

std::string media_url(Call& call, const http::Request& req, const Media& m) {
  const auto expires = (call.now + kMediaUrlTtlMs) / 1000;
  const auto hash =
      crypto::hmac_sha256_hex(call.c->app_secret, m.id + ":" + std::to_string(expires));
  return call.s.base_url(req) + "/_sandbox/media/" + m.id + "?expires=" + std::to_string(expires) +
         "&hash=" + hash;
}

Outcome post_media(Call& call, http::Request& req) {
  Impl& s = call.s;
  auto* n = s.number(req.param("pnid"));
  if (n == nullptr) return unknown_object(call, "POST", req.param("pnid"));
  if (auto f = s.faults_.pick(fault_context("media", n->id), false, call.rng)) {
    return fault_outcome(call, *f);
  }
  auto parts = parse_multipart(req.header("content-type"), req.body);
  if (!parts.ok()) return fail(call, 100, parts.error().message);
  std::string product, type;
  const MultipartPart* file = nullptr;
  for (const auto& p : *parts) {
    if (p.name == "messaging_product") product = p.data;
    if (p.name == "type") type = p.data;
    if (p.name == "file") file = &p;
  }
  if (product != "whatsapp") return fail(call, 100, "The parameter messaging_product is required.");
  if (file == nullptr) return fail(call, 100, "The parameter file is required.");
  if (type.empty()) type = file->content_type;
  const auto kind = std::find_if(std::begin(kMediaKinds), std::end(kMediaKinds),
                                 [&](const MediaKind& k) { return k.mime == type; });
  if (kind == std::end(kMediaKinds)) {
    return fail(call, 100, "Param file must be a file of a supported type; " + type + " is not.");
  }
  if (file->data.size() > kind->max_bytes) {
    return fail(call, 131053,
                "The file is " + std::to_string(file->data.size()) + " bytes; " + type +
                    " allows " + std::to_string(kind->max_bytes));
  }
  Media m;
  m.id = call.rng.digits(16);
  m.pnid = n->id;
  m.mime_type = type;
  m.filename = file->filename;
  m.sha256 = crypto::sha256_hex(file->data);
  m.data = file->data;
  const auto max_bytes = call.c->media_max_bytes;
  {
    std::lock_guard lock(s.media_mu_);
    s.media_bytes_ += m.data.size();
    s.media_order_.push_back(m.id);
    const std::string id = m.id;
    s.media_.emplace(id, std::move(m));
    while (s.media_bytes_ > max_bytes && !s.media_order_.empty()) {
      auto it = s.media_.find(s.media_order_.front());
      if (it != s.media_.end()) {
        s.media_bytes_ -= it->second.data.size();
        s.media_.erase(it);
      }
      s.media_order_.pop_front();
    }
    if (!s.media_.contains(id)) return fail(call, 131053, "The media store is full.");
    return ok(json::object{{"id", id}});
  }
}

// --- numbers, WABAs, templates -------------------------------------------------------------------

json::object number_json(const NumberState& n, const WabaState& w) {
  std::string waba_tier;
  {
    std::lock_guard lock(w.mu);
    waba_tier = w.tier;
  }
  std::lock_guard lock(n.mu);
  return {{"verified_name", n.spec.verified_name},
          {"code_verification_status", "VERIFIED"},
          {"display_phone_number", n.spec.display_phone_number},
          {"quality_rating", n.spec.quality_rating},
          {"platform_type", "CLOUD_API"},
          {"throughput", {{"level", n.spec.mps >= 1000 ? "HIGH" : "STANDARD"}}},
          {"messaging_limit_tier", n.spec.tier},
          {"whatsapp_business_manager_messaging_limit", waba_tier},
          {"is_on_biz_app", n.spec.coexistence},
          {"name_status", "APPROVED"},
          {"status", "CONNECTED"},
          {"id", n.id}};
}

json::object template_json(const TemplateSpec& t) {
  json::object o{{"name", t.name},
                 {"parameter_format", t.parameter_format},
                 {"components", t.components},
                 {"language", t.language},
                 {"status", t.status},
                 {"category", t.category},
                 {"quality_score", {{"score", t.quality}}},
                 {"id", t.id}};
  if (t.status == "REJECTED") o["rejected_reason"] = "INVALID_FORMAT";
  return o;
}

// The Graph quota of WABA endpoints; false when over it (80007).
bool within_quota(Call& call, WabaState& w, std::string& usage) {
  const int per_hour = call.c->limits.waba_calls_per_hour;
  if (per_hour <= 0) return true;
  int calls = 0;
  std::int64_t start = 0;
  {
    std::lock_guard lock(w.mu);
    if (call.now - w.quota_window_start_ms >= kQuotaWindowMs) {
      w.quota_window_start_ms = call.now;
      w.quota_calls = 0;
    }
    calls = ++w.quota_calls;
    start = w.quota_window_start_ms;
  }
  const auto pct = std::min<std::int64_t>(100, std::int64_t{calls} * 100 / per_hour);
  const auto regain_min =
      calls > per_hour ? (start + kQuotaWindowMs - call.now + 59'999) / 60'000 : 0;
  usage = json::serialize(json::object{
      {w.id, json::array{json::object{{"type", "whatsapp_business_management"},
                                      {"call_count", pct},
                                      {"total_cputime", 1},
                                      {"total_time", 1},
                                      {"estimated_time_to_regain_access", regain_min}}}}});
  return calls <= per_hour;
}

Outcome get_object(Call& call, http::Request& req) {
  Impl& s = call.s;
  const std::string id(req.param("id"));
  if (auto* n = s.number(id)) {
    if (auto f = s.faults_.pick(fault_context("phone_numbers", id), false, call.rng)) {
      return fault_outcome(call, *f);
    }
    return ok(number_json(*n, *s.waba(n->waba_id)));
  }
  {
    std::unique_lock lock(s.media_mu_);
    if (auto it = s.media_.find(id); it != s.media_.end()) {
      const Media m{it->second.id,       it->second.pnid,   it->second.mime_type,
                    it->second.filename, it->second.sha256, {}};
      const auto size = it->second.data.size();
      lock.unlock();
      if (auto f = s.faults_.pick(fault_context("media", m.pnid), false, call.rng)) {
        return fault_outcome(call, *f);
      }
      return ok(json::object{{"messaging_product", "whatsapp"},
                             {"url", media_url(call, req, m)},
                             {"mime_type", m.mime_type},
                             {"sha256", m.sha256},
                             {"file_size", size},
                             {"id", m.id}});
    }
  }
  if (auto* w = s.waba(id)) {
    return ok(json::object{{"id", w->id},
                           {"name", w->name},
                           {"currency", "USD"},
                           {"timezone_id", "1"},
                           {"message_template_namespace", "kirim_sandbox_" + w->id}});
  }
  for (auto& [wid, w] : s.wabas_) {
    std::shared_lock lock(w->templates_mu);
    for (const auto& t : w->templates) {
      if (t.id == id) return ok(template_json(t));
    }
  }
  return unknown_object(call, "GET", id);
}

Outcome delete_object(Call& call, http::Request& req) {
  Impl& s = call.s;
  const std::string id(req.param("id"));
  {
    std::lock_guard lock(s.media_mu_);
    if (auto it = s.media_.find(id); it != s.media_.end()) {
      s.media_bytes_ -= it->second.data.size();
      s.media_.erase(it);
      std::erase(s.media_order_, id);
      return ok_success();
    }
  }
  for (auto& [wid, w] : s.wabas_) {
    std::unique_lock lock(w->templates_mu);
    auto it = std::find_if(w->templates.begin(), w->templates.end(),
                           [&](const auto& t) { return t.id == id; });
    if (it != w->templates.end()) {
      const auto name = it->name;
      const auto language = it->language;
      lock.unlock();
      s.set_template_status(*w, name, language, "DELETED", "NONE");
      return ok_success();
    }
  }
  return unknown_object(call, "DELETE", id);
}

Outcome get_phone_numbers(Call& call, http::Request& req) {
  Impl& s = call.s;
  auto* w = s.waba(req.param("waba"));
  if (w == nullptr) return unknown_object(call, "GET", req.param("waba"));
  Outcome out;
  if (!within_quota(call, *w, out.waba_usage)) {
    auto refused = fail(call, 80007);
    refused.waba_usage = std::move(out.waba_usage);
    return refused;
  }
  if (auto f = s.faults_.pick(fault_context("phone_numbers", ""), false, call.rng)) {
    return fault_outcome(call, *f);
  }
  json::array data;
  for (const auto* n : w->numbers)
    data.push_back(number_json(*n, *w));
  const auto first = w->numbers.front()->id;
  const auto last = w->numbers.back()->id;
  auto res = ok(json::object{
      {"data", std::move(data)},
      {"paging", {{"cursors", {{"before", base64(first)}, {"after", base64(last)}}}}}});
  res.waba_usage = std::move(out.waba_usage);
  return res;
}

Outcome get_templates(Call& call, http::Request& req) {
  Impl& s = call.s;
  auto* w = s.waba(req.param("waba"));
  if (w == nullptr) return unknown_object(call, "GET", req.param("waba"));
  std::string usage;
  if (!within_quota(call, *w, usage)) {
    auto refused = fail(call, 80007);
    refused.waba_usage = std::move(usage);
    return refused;
  }
  if (auto f = s.faults_.pick(fault_context("templates", ""), false, call.rng)) {
    return fault_outcome(call, *f);
  }
  std::size_t limit = kDefaultPageSize;
  if (auto l = req.query_param("limit")) {
    const auto d = digits_of(*l);
    if (d.empty() || d.size() != l->size() || d.size() > 6) {
      return fail(call, 100, "Param limit must be a number.");
    }
    limit = std::clamp<std::size_t>(std::stoul(d), 1, kMaxPageSize);
  }
  std::size_t start = 0;
  if (auto a = req.query_param("after")) {
    const auto d = digits_of(*a);
    if (!d.empty() && d.size() < 10) start = std::stoul(d);
  }
  const auto name = req.query_param("name").value_or("");
  const auto status = upper(req.query_param("status").value_or(""));
  json::array data;
  std::size_t matched = 0;
  bool more = false;
  {
    std::shared_lock lock(w->templates_mu);
    for (const auto& t : w->templates) {
      if (!name.empty() && t.name != name) continue;
      if (!status.empty() && t.status != status) continue;
      if (matched++ < start) continue;
      if (data.size() == limit) {
        more = true;
        break;
      }
      data.push_back(template_json(t));
    }
  }
  // Cursors are opaque to clients; the sandbox's are page offsets.
  json::object cursors{{"before", std::to_string(start)},
                       {"after", std::to_string(start + data.size())}};
  json::object paging{{"cursors", std::move(cursors)}};
  if (more) {
    paging["next"] = s.base_url(req) + "/" + call.version + "/" + w->id +
                     "/message_templates?limit=" + std::to_string(limit) +
                     "&after=" + std::to_string(start + data.size());
  }
  auto res = ok(json::object{{"data", std::move(data)}, {"paging", std::move(paging)}});
  res.waba_usage = std::move(usage);
  return res;
}

bool valid_template_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxTemplateName &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

Outcome post_template(Call& call, http::Request& req) {
  Impl& s = call.s;
  auto* w = s.waba(req.param("waba"));
  if (w == nullptr) return unknown_object(call, "POST", req.param("waba"));
  std::string usage;
  if (!within_quota(call, *w, usage)) {
    auto refused = fail(call, 80007);
    refused.waba_usage = std::move(usage);
    return refused;
  }
  if (auto f = s.faults_.pick(fault_context("templates", ""), false, call.rng)) {
    return fault_outcome(call, *f);
  }
  boost::system::error_code ec;
  auto parsed = json::parse(req.body, ec);
  if (ec || !parsed.is_object()) return fail(call, 100, "The request body is not a JSON object.");
  const auto& body = parsed.as_object();
  TemplateSpec t;
  t.name = std::string(sv(body, "name"));
  t.language = std::string(sv(body, "language"));
  t.category = upper(sv(body, "category"));
  if (!valid_template_name(t.name)) {
    return fail(call, 100,
                "Param name must be 1 to 512 lowercase letters, digits and underscores.");
  }
  if (t.language.empty()) return fail(call, 100, "The parameter language is required.");
  if (t.category != "MARKETING" && t.category != "UTILITY" && t.category != "AUTHENTICATION") {
    return fail(call, 100, "Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.");
  }
  const auto* components = arr(body, "components");
  if (components == nullptr) return fail(call, 100, "The parameter components is required.");
  const json::object* body_component = nullptr;
  std::size_t named = 0, positional = 0;
  for (const auto& cv : *components) {
    if (!cv.is_object()) return fail(call, 100, "Each component must be an object.");
    const auto& comp = cv.as_object();
    const auto type = upper(sv(comp, "type"));
    if (type == "BODY") body_component = &comp;
    for (const auto& v : template_variables(sv(comp, "text"))) {
      const bool digits =
          std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      (digits ? positional : named) += 1;
    }
  }
  if (body_component == nullptr || sv(*body_component, "text").empty() ||
      chars(sv(*body_component, "text")) > kMaxTemplateBody) {
    return fail(call, 100, "A template needs a BODY component of 1 to 1024 characters.");
  }
  if (named > 0 && positional > 0) {
    return fail(call, 100, "Named and positional parameters cannot be mixed in one template.");
  }
  const auto format = upper(sv(body, "parameter_format"));
  if (!format.empty() && format != "NAMED" && format != "POSITIONAL") {
    return fail(call, 100, "Param parameter_format must be named or positional.");
  }
  t.parameter_format = format.empty() ? "POSITIONAL" : format;
  t.components = *components;
  t.status = "PENDING";
  t.quality = "UNKNOWN";
  t.id = call.rng.digits(16);
  {
    std::unique_lock lock(w->templates_mu);
    for (const auto& existing : w->templates) {
      if (existing.name == t.name && existing.language == t.language) {
        return fail(call, 100, "Content in this language already exists.");
      }
    }
    w->templates.push_back(t);
  }
  // The review: a template whose named parameters were sent without parameter_format "named" is
  // created, then rejected, as Meta does.
  const auto review_ms =
      call.now + call.latency_ms + call.rng.sample(call.c->template_review.delay);
  const bool bad_format = named > 0 && t.parameter_format != "NAMED";
  const bool rejected = bad_format || call.rng.chance(call.c->template_review.reject_rate);
  const char* reasons[] = {"PROMOTIONAL", "INCORRECT_CATEGORY", "TAG_CONTENT_MISMATCH"};
  const std::string reason = bad_format ? "INVALID_FORMAT"
                             : rejected ? reasons[call.rng.below(3)]
                                        : "NONE";
  s.set_template_status(*w, t.name, t.language, "PENDING", "NONE");
  const std::string name = t.name, language = t.language;
  s.scheduler_.at(review_ms, [&s, w, name, language, rejected, reason] {
    std::string current;
    {
      std::shared_lock lock(w->templates_mu);
      for (const auto& x : w->templates) {
        if (x.name == name && x.language == language) current = x.status;
      }
    }
    if (current == "PENDING") {
      s.set_template_status(*w, name, language, rejected ? "REJECTED" : "APPROVED", reason);
    }
  });
  auto res = ok(json::object{{"id", t.id}, {"status", "PENDING"}, {"category", t.category}});
  res.waba_usage = std::move(usage);
  return res;
}

Outcome delete_template(Call& call, http::Request& req) {
  Impl& s = call.s;
  auto* w = s.waba(req.param("waba"));
  if (w == nullptr) return unknown_object(call, "DELETE", req.param("waba"));
  std::string usage;
  if (!within_quota(call, *w, usage)) {
    auto refused = fail(call, 80007);
    refused.waba_usage = std::move(usage);
    return refused;
  }
  if (auto f = s.faults_.pick(fault_context("templates", ""), false, call.rng)) {
    return fault_outcome(call, *f);
  }
  const auto name = req.query_param("name").value_or("");
  const auto hsm_id = req.query_param("hsm_id").value_or("");
  if (name.empty()) return fail(call, 100, "The parameter name is required.");
  std::vector<std::pair<std::string, std::string>> gone;  // (name, language)
  {
    std::shared_lock lock(w->templates_mu);
    for (const auto& t : w->templates) {
      if (t.name == name && (hsm_id.empty() || t.id == hsm_id))
        gone.emplace_back(t.name, t.language);
    }
  }
  if (gone.empty()) return fail(call, 100, "Message template not found.");
  for (const auto& [n, l] : gone)
    s.set_template_status(*w, n, l, "DELETED", "NONE");
  auto res = ok_success();
  res.waba_usage = std::move(usage);
  return res;
}

}  // namespace

bool Impl::set_template_status(WabaState& w, const std::string& name, const std::string& language,
                               const std::string& event, const std::string& reason) {
  std::vector<TemplateSpec> changed;
  {
    std::unique_lock lock(w.templates_mu);
    for (auto it = w.templates.begin(); it != w.templates.end();) {
      if (it->name != name || (!language.empty() && it->language != language)) {
        ++it;
        continue;
      }
      changed.push_back(*it);
      if (event == "DELETED") {
        it = w.templates.erase(it);
        continue;
      }
      it->status = event == "REINSTATED" ? "APPROVED" : event;
      ++it;
    }
  }
  if (changed.empty()) return false;
  const auto now = clock_.now_ms();
  for (const auto& t : changed) {
    // Ids are digits (checked when loaded, generated otherwise); Meta sends them as numbers.
    json::object value{{"event", event},
                       {"message_template_id", std::strtoll(t.id.c_str(), nullptr, 10)},
                       {"message_template_name", t.name},
                       {"message_template_language", t.language},
                       {"message_template_category", t.category},
                       {"reason", reason.empty() ? "NONE" : reason}};
    if (event == "PAUSED") {
      value["other_info"] = {{"title", "FIRST_PAUSE"},
                             {"description",
                              "Your template has been paused for 3 hours due to "
                              "low quality."}};
    }
    WebhookItem item;
    item.kind = WebhookItem::Kind::other;
    item.waba_id = w.id;
    item.field = "message_template_status_update";
    item.body = std::move(value);
    item.event_ms = now;
    ++counters_.template_events;
    scheduler_.at(now, [this, item = std::move(item)]() mutable { outbox_.add(std::move(item)); });
  }
  return true;
}

void Impl::register_graph(http::Router& router, const std::string& p) {
  const auto add = [&](const char* method, const std::string& pattern, GroupOf group, Body body) {
    http::Route r;
    r.method = method;
    r.pattern = p + pattern;
    r.mode = http::Mode::deferred;
    r.deferred = [this, group = std::move(group), body = std::move(body)](http::Request& req,
                                                                          http::Reply reply) {
      handle(*this, req, reply, group, body);
    };
    router.add(std::move(r));
  };
  add("POST", "/{version}/{pnid}/messages", fixed(Group::messages), post_message);
  add("POST", "/{version}/{pnid}/media", fixed(Group::media), post_media);
  add("GET", "/{version}/{waba}/phone_numbers", fixed(Group::phone_numbers), get_phone_numbers);
  add("GET", "/{version}/{waba}/message_templates", fixed(Group::templates), get_templates);
  add("POST", "/{version}/{waba}/message_templates", fixed(Group::templates), post_template);
  add("DELETE", "/{version}/{waba}/message_templates", fixed(Group::templates), delete_template);
  const GroupOf by_id = [](Impl& s, const http::Request& req) {
    std::lock_guard lock(s.media_mu_);
    return s.media_.contains(std::string(req.param("id"))) ? Group::media : Group::phone_numbers;
  };
  add("GET", "/{version}/{id}", by_id, get_object);
  add("DELETE", "/{version}/{id}", by_id, delete_object);
}

}  // namespace kirim::whatsapp::sandbox
