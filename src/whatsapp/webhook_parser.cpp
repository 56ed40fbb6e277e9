#include "whatsapp/webhook_parser.h"

#include <algorithm>
#include <charconv>

#include <boost/json/parse.hpp>

namespace kirim::whatsapp {
namespace {

namespace json = boost::json;

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

// A string member; numbers are turned into their text (IDs sometimes arrive as numbers).
std::string str(const json::object* o, std::string_view key) {
  if (o == nullptr) return {};
  const auto* v = o->if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

std::int64_t integer(const json::object* o, std::string_view key) {
  if (o == nullptr) return 0;
  const auto* v = o->if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_string()) {
    const std::string_view s = v->as_string();
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size()) return n;
  }
  return 0;
}

// A messaging limit in Meta's tier words: a tier name as it is, a count as its tier (250 ->
// TIER_250, 2000 -> TIER_2K, -1 -> TIER_UNLIMITED); empty when absent or unreadable.
std::string limit_tier(const json::object& o, std::string_view key) {
  auto name = str(&o, key);
  if (name.starts_with("TIER_")) return name;
  const auto n = integer(&o, key);
  if (n < 0) return "TIER_UNLIMITED";
  if (n == 0) return {};
  if (n % 1000 == 0) return "TIER_" + std::to_string(n / 1000) + "K";
  return "TIER_" + std::to_string(n);
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

void read_messages_value(const std::string& waba, const json::object& value, ParsedWebhook& out) {
  const auto* meta = object_at(value, "metadata");
  const auto pnid = str(meta, "phone_number_id");
  const auto display = str(meta, "display_phone_number");
  add_unique(out.phone_number_ids, pnid);
  if (const auto* statuses = array_at(value, "statuses")) {
    if (!statuses->empty()) add_unique(out.kinds, "statuses");
    for (const auto& sv : *statuses) {
      const auto* s = sv.if_object();
      if (s == nullptr) continue;
      StatusUpdate u;
      u.waba_id = waba;
      u.phone_number_id = pnid;
      u.display_phone_number = display;
      u.wamid = str(s, "id");
      u.status = str(s, "status");
      u.timestamp = integer(s, "timestamp");
      u.recipient_id = str(s, "recipient_id");
      u.biz_opaque_callback_data = str(s, "biz_opaque_callback_data");
      u.conversation_id = str(object_at(*s, "conversation"), "id");
      u.pricing_category = str(object_at(*s, "pricing"), "category");
      if (const auto* errs = array_at(*s, "errors")) {
        for (const auto& ev : *errs) {
          const auto* e = ev.if_object();
          if (e == nullptr) continue;
          u.errors.push_back({static_cast<int>(integer(e, "code")), str(e, "title"),
                              str(e, "message"), str(object_at(*e, "error_data"), "details")});
        }
      }
      if (!u.wamid.empty()) out.statuses.push_back(std::move(u));
    }
  }
  if (const auto* messages = array_at(value, "messages")) {
    if (!messages->empty()) add_unique(out.kinds, "messages");
    const auto* contacts = array_at(value, "contacts");
    for (const auto& mv : *messages) {
      const auto* m = mv.if_object();
      if (m == nullptr) continue;
      InboundMessage in;
      in.waba_id = waba;
      in.phone_number_id = pnid;
      in.display_phone_number = display;
      in.wamid = str(m, "id");
      in.from = str(m, "from");
      in.type = str(m, "type");
      in.timestamp = integer(m, "timestamp");
      in.context_wamid = str(object_at(*m, "context"), "id");
      in.raw = *m;
      if (contacts != nullptr) {
        for (const auto& cv : *contacts) {
          const auto* c = cv.if_object();
          if (c != nullptr && str(c, "wa_id") == in.from) {
            in.profile_name = str(object_at(*c, "profile"), "name");
          }
        }
        if (in.profile_name.empty() && contacts->size() == 1 && (*contacts)[0].is_object()) {
          in.profile_name = str(object_at((*contacts)[0].as_object(), "profile"), "name");
        }
      }
      const auto& t = in.type;
      if (t == "text") {
        in.text = str(object_at(*m, "text"), "body");
      } else if (t == "button") {
        const auto* b = object_at(*m, "button");
        in.text = str(b, "text");
        in.button_payload = str(b, "payload");
      } else if (t == "interactive") {
        const auto* i = object_at(*m, "interactive");
        for (const char* kind : {"button_reply", "list_reply"}) {
          if (const auto* r = i ? object_at(*i, kind) : nullptr) {
            in.text = str(r, "title");
            in.button_payload = str(r, "id");
          }
        }
      } else if (t == "reaction") {
        in.text = str(object_at(*m, "reaction"), "emoji");
      } else if (t == "image" || t == "video" || t == "audio" || t == "document" ||
                 t == "sticker") {
        const auto* media = object_at(*m, t);
        in.media_id = str(media, "id");
        in.mime_type = str(media, "mime_type");
        in.text = str(media, "caption");
        if (in.text.empty() && t == "document") in.text = str(media, "filename");
      } else if (t == "location") {
        const auto* l = object_at(*m, "location");
        in.text = str(l, "name");
        if (in.text.empty()) in.text = str(l, "address");
      } else if (t == "system") {
        in.text = str(object_at(*m, "system"), "body");
      }
      if (!in.wamid.empty()) out.messages.push_back(std::move(in));
    }
  }
  if (const auto* prefs = array_at(value, "user_preferences")) {
    if (!prefs->empty()) add_unique(out.kinds, "user_preferences");
    for (const auto& pv : *prefs) {
      const auto* p = pv.if_object();
      if (p == nullptr) continue;
      UserPreference u;
      u.waba_id = waba;
      u.phone_number_id = pnid;
      u.wa_id = str(p, "wa_id");
      u.category = str(p, "category");
      u.value = str(p, "value");
      u.timestamp = integer(p, "timestamp");
      if (!u.wa_id.empty()) out.preferences.push_back(std::move(u));
    }
  }
  if (const auto* errors = array_at(value, "errors"); errors && !errors->empty()) {
    add_unique(out.kinds, "errors");
    AccountUpdate a;
    a.waba_id = waba;
    a.field = "errors";
    a.value = value;
    out.accounts.push_back(std::move(a));
  }
}

void read_change(const std::string& waba, const json::object& change, ParsedWebhook& out) {
  const auto field = str(&change, "field");
  const auto* value = object_at(change, "value");
  static const json::object empty;
  const json::object& v = value ? *value : empty;
  if (field == "messages" ||
      (field.empty() && (v.contains("statuses") || v.contains("messages")))) {
    read_messages_value(waba, v, out);
  } else if (field == "user_preferences") {
    read_messages_value(waba, v, out);
  } else if (field == "message_template_status_update" ||
             field == "message_template_quality_update" || field == "template_category_update" ||
             field == "message_template_components_update") {
    add_unique(out.kinds, "templates");
    TemplateUpdate t;
    t.waba_id = waba;
    t.field = field;
    t.event = str(&v, "event");
    if (field == "message_template_quality_update") t.event = str(&v, "new_quality_score");
    t.template_id = str(&v, "message_template_id");
    t.name = str(&v, "message_template_name");
    t.language = str(&v, "message_template_language");
    t.reason = str(&v, "reason");
    t.category = str(&v, "new_category");
    if (t.category.empty()) t.category = str(&v, "message_template_category");
    out.templates.push_back(std::move(t));
  } else if (field == "phone_number_quality_update") {
    add_unique(out.kinds, "quality");
    QualityUpdate q;
    q.waba_id = waba;
    q.display_phone_number = str(&v, "display_phone_number");
    q.event = str(&v, "event");
    q.current_limit = str(&v, "current_limit");
    q.max_daily_conversations = integer(&v, "max_daily_conversations_per_business");
    q.portfolio_limit = limit_tier(v, "max_daily_conversations_per_business");
    out.quality.push_back(std::move(q));
  } else {
    add_unique(out.kinds, field.empty() ? "unknown" : field);
    AccountUpdate a;
    a.waba_id = waba;
    a.field = field;
    a.event = str(&v, "event");
    a.value = v;
    out.accounts.push_back(std::move(a));
  }
}

}  // namespace

std::string ParsedWebhook::summary() const {
  std::string out;
  auto part = [&](std::size_t n, const char* one, const char* many) {
    if (n == 0) return;
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + (n == 1 ? one : many);
  };
  part(statuses.size(), "status", "statuses");
  part(messages.size(), "message", "messages");
  part(preferences.size(), "preference", "preferences");
  part(templates.size(), "template update", "template updates");
  part(quality.size(), "quality update", "quality updates");
  part(accounts.size(), "other change", "other changes");
  return out.empty() ? "nothing" : out;
}

std::optional<ParsedWebhook> parse_webhook(std::string_view body) {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec || !root.is_object()) return std::nullopt;
  const auto& o = root.as_object();
  ParsedWebhook out;
  out.object = str(&o, "object");
  if (const auto* entries = array_at(o, "entry")) {
    for (const auto& ev : *entries) {
      const auto* e = ev.if_object();
      if (e == nullptr) continue;
      const auto waba = str(e, "id");
      add_unique(out.waba_ids, waba);
      if (const auto* changes = array_at(*e, "changes")) {
        for (const auto& cv : *changes) {
          if (const auto* c = cv.if_object()) read_change(waba, *c, out);
        }
      }
    }
  } else if (o.contains("field") && o.contains("value")) {
    // A bare change, as Meta's dashboard "Test" button and some tools send it.
    read_change("", o, out);
  }
  return out;
}

}  // namespace kirim::whatsapp
