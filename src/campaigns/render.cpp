#include "campaigns/render.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json/serialize.hpp>

#include "core/json.h"

namespace kirim::campaigns {
namespace {

using whatsapp::TemplateButtonType;

std::string str(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// A `{{key}}` or `{{key|fallback}}` placeholder of a text: [begin, end) and its parts.
struct Placeholder {
  std::size_t begin = 0, end = 0;
  std::string key, fallback;
  bool has_fallback = false;
};

std::vector<Placeholder> placeholders(const std::string& text, bool allow_fallback) {
  std::vector<Placeholder> out;
  auto is_key = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
  };
  auto skip_spaces = [&](std::size_t i) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0)
      ++i;
    return i;
  };
  for (std::size_t open = text.find("{{"); open != std::string::npos;
       open = text.find("{{", open + 1)) {
    Placeholder p;
    p.begin = open;
    std::size_t i = skip_spaces(open + 2);
    const auto key_start = i;
    while (i < text.size() && is_key(text[i]))
      ++i;
    if (i == key_start) continue;
    p.key = text.substr(key_start, i - key_start);
    i = skip_spaces(i);
    if (allow_fallback && i < text.size() && text[i] == '|') {
      const auto close = text.find('}', i + 1);
      if (close == std::string::npos) continue;
      auto fallback = std::string_view(text).substr(i + 1, close - i - 1);
      while (!fallback.empty() && std::isspace(static_cast<unsigned char>(fallback.front())) != 0)
        fallback.remove_prefix(1);
      while (!fallback.empty() && std::isspace(static_cast<unsigned char>(fallback.back())) != 0)
        fallback.remove_suffix(1);
      p.fallback = std::string(fallback);
      p.has_fallback = true;
      i = close;
    }
    if (text.compare(i, 2, "}}") != 0) continue;
    p.end = i + 2;
    open = p.end - 1;
    out.push_back(std::move(p));
  }
  return out;
}

// The variables of a text: positional "1", "2"... or names, in order of appearance.
std::vector<std::string> variables(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& p : placeholders(text, false)) {
    if (std::find(out.begin(), out.end(), p.key) == out.end()) out.push_back(p.key);
  }
  return out;
}

// Replaces every http(s) URL of a text through `link`.
std::string rewrite_urls(const std::string& text,
                         const std::function<std::string(const std::string&)>& link) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto a = text.find("http://", pos), b = text.find("https://", pos);
    const auto start = std::min(a, b);
    if (start == std::string::npos) break;
    auto end = start;
    while (end < text.size() && std::isspace(static_cast<unsigned char>(text[end])) == 0 &&
           std::string_view("<>\"'").find(text[end]) == std::string_view::npos) {
      ++end;
    }
    out.append(text, pos, start - pos);
    out += link(text.substr(start, end - start));
    pos = end;
  }
  out.append(text, pos);
  return out;
}

Result<Source> read_source(const boost::json::value* v, const std::vector<std::string>& field_keys,
                           const std::string& where, std::map<std::string, std::string>& problems,
                           bool allow_click) {
  Source s;
  if (v == nullptr || !v->is_object()) {
    problems[where] = "needs a value: {\"field\", \"fallback\"} or {\"text\"}";
    return s;
  }
  const auto& o = v->as_object();
  if (const auto* c = o.if_contains("click"); c && c->is_bool() && c->as_bool()) {
    if (!allow_click) problems[where] = "click tracking is only for URL buttons";
    s.kind = Source::Kind::click;
    return s;
  }
  if (o.contains("field")) {
    s.kind = Source::Kind::field;
    s.value = str(o, "field");
    s.fallback = str(o, "fallback");
    static const std::set<std::string> standard = {"name", "phone", "language", "country",
                                                   "timezone"};
    if (!standard.contains(s.value) &&
        std::find(field_keys.begin(), field_keys.end(), s.value) == field_keys.end()) {
      problems[where] = "names no contact field: " + s.value;
    }
    if (s.fallback.size() > 1000) problems[where] = "the fallback is too long";
    return s;
  }
  if (o.contains("text")) {
    s.kind = Source::Kind::text;
    s.value = str(o, "text");
    if (s.value.empty()) problems[where] = "the text is empty";
    if (s.value.size() > 1000) problems[where] = "the text is too long";
    return s;
  }
  problems[where] = "needs a value: {\"field\", \"fallback\"} or {\"text\"}";
  return s;
}

std::string value_of(const Source& s, const contacts::Contact& c) {
  if (s.kind == Source::Kind::text) return s.value;
  auto v = field_value(c, s.value);
  return v.empty() ? s.fallback : v;
}

}  // namespace

std::string field_value(const contacts::Contact& c, const std::string& key) {
  if (key == "name") return c.name;
  if (key == "phone") return c.phone;
  if (key == "language") return c.language;
  if (key == "country") return c.country;
  if (key == "timezone") return c.timezone;
  auto it = c.fields.find(key);
  if (it == c.fields.end() || it->second.is_null()) return {};
  if (it->second.is_string()) return std::string(it->second.as_string());
  if (it->second.is_bool()) return it->second.as_bool() ? "yes" : "no";
  return boost::json::serialize(it->second);
}

Result<Compiled> compile(const boost::json::object& message, const TemplateInfo* tmpl,
                         const std::vector<std::string>& field_keys) {
  Compiled c;
  std::map<std::string, std::string> problems;
  const auto kind = str(message, "kind");
  if (kind == "text") {
    c.is_template = false;
    c.text = str(message, "text");
    if (const auto* p = message.if_contains("preview_url"); p && p->is_bool()) {
      c.preview_url = p->as_bool();
    }
    if (c.text.empty()) problems["message.text"] = "is required";
    if (c.text.size() > whatsapp::kTextBodyMax) problems["message.text"] = "is longer than 4096";
    static const std::set<std::string> standard = {"name", "phone", "language", "country",
                                                   "timezone"};
    for (const auto& p : placeholders(c.text, true)) {
      if (!standard.contains(p.key) &&
          std::find(field_keys.begin(), field_keys.end(), p.key) == field_keys.end()) {
        problems["message.text"] = "names no contact field: " + p.key;
      }
    }
    if (!problems.empty()) return json::validation_error(std::move(problems));
    return c;
  }
  if (kind != "template") {
    return json::validation_error({{"message.kind", "must be template or text"}});
  }
  if (tmpl == nullptr) return json::validation_error({{"message.template_id", "is required"}});
  if (tmpl->status != "APPROVED") {
    return json::validation_error(
        {{"message.template_id", "the template is " + tmpl->status + ", not APPROVED"}});
  }
  c.name = tmpl->name;
  c.language = tmpl->language;
  c.named = tmpl->parameter_format == "named";
  c.marketing = upper(tmpl->category) == "MARKETING";
  const boost::json::object empty;
  const auto* params_v = message.if_contains("params");
  const auto& params = params_v && params_v->is_object() ? params_v->as_object() : empty;
  std::set<std::string> used;
  auto take = [&](const std::string& key) -> const boost::json::value* {
    used.insert(key);
    return params.if_contains(key);
  };
  if (tmpl->components.is_array()) {
    for (const auto& cv : tmpl->components.as_array()) {
      if (!cv.is_object()) continue;
      const auto& comp = cv.as_object();
      const auto type = upper(str(comp, "type"));
      if (type == "HEADER") {
        const auto format = upper(str(comp, "format"));
        if (format == "TEXT" || format.empty()) {
          for (const auto& v : variables(str(comp, "text"))) {
            const std::string key = "header." + v;
            auto src = read_source(take(key), field_keys, "message.params." + key, problems, false);
            if (src.ok()) c.vars.push_back({"header", v, *src});
          }
        } else if (format == "IMAGE" || format == "VIDEO" || format == "DOCUMENT") {
          const auto* m = take("header.media");
          std::string link;
          if (m && m->is_object()) link = str(m->as_object(), "link");
          if (link.rfind("https://", 0) != 0 && link.rfind("http://", 0) != 0) {
            problems["message.params.header.media"] =
                "needs {\"link\": \"https://...\"} for the " + format + " header";
          }
          c.header_media_type = format;
          c.header_media_link = link;
        }
      } else if (type == "BODY") {
        for (const auto& v : variables(str(comp, "text"))) {
          const std::string key = "body." + v;
          auto src = read_source(take(key), field_keys, "message.params." + key, problems, false);
          if (src.ok()) c.vars.push_back({"body", v, *src});
        }
      } else if (type == "BUTTONS") {
        const auto* buttons = comp.if_contains("buttons");
        if (buttons == nullptr || !buttons->is_array()) continue;
        int index = 0;
        for (const auto& bv : buttons->as_array()) {
          if (bv.is_object()) {
            const auto& b = bv.as_object();
            const auto btype = upper(str(b, "type"));
            const std::string key = "button." + std::to_string(index);
            if (btype == "URL" && !variables(str(b, "url")).empty()) {
              auto src =
                  read_source(take(key), field_keys, "message.params." + key, problems, true);
              if (src.ok()) {
                Compiled::Var var{"button", std::to_string(index), *src, index,
                                  TemplateButtonType::url};
                c.vars.push_back(var);
                if (src->kind == Source::Kind::click) c.click_urls.push_back(str(b, "url"));
              }
            } else if (btype == "QUICK_REPLY" && params.contains(key)) {
              auto src =
                  read_source(take(key), field_keys, "message.params." + key, problems, false);
              if (src.ok()) {
                c.vars.push_back({"button", std::to_string(index), *src, index,
                                  TemplateButtonType::quick_reply});
              }
            } else if (btype == "COPY_CODE") {
              auto src =
                  read_source(take(key), field_keys, "message.params." + key, problems, false);
              if (src.ok()) {
                c.vars.push_back(
                    {"button", std::to_string(index), *src, index, TemplateButtonType::copy_code});
              }
            }
          }
          ++index;
        }
      }
    }
  }
  for (const auto& [k, v] : params) {
    if (!used.contains(std::string(k))) {
      problems["message.params." + std::string(k)] = "is not a variable of the template";
    }
  }
  if (!problems.empty()) return json::validation_error(std::move(problems));
  return c;
}

Result<whatsapp::Message> render(const Compiled& c, const contacts::Contact& contact,
                                 const MakeLink& make_link) {
  if (!c.is_template) {
    whatsapp::Text t;
    t.preview_url = c.preview_url;
    std::string out;
    std::size_t last = 0;
    for (const auto& p : placeholders(c.text, true)) {
      out.append(c.text, last, p.begin - last);
      auto v = field_value(contact, p.key);
      out += v.empty() ? p.fallback : v;
      last = p.end;
    }
    out.append(c.text, last);
    if (make_link) out = rewrite_urls(out, make_link);
    t.body = std::move(out);
    return whatsapp::Message(std::move(t));
  }
  whatsapp::TemplateMessage m;
  m.name = c.name;
  m.language = c.language;
  if (!c.header_media_type.empty()) {
    whatsapp::MediaParam media;
    media.type = c.header_media_type == "IMAGE"   ? whatsapp::MediaType::image
                 : c.header_media_type == "VIDEO" ? whatsapp::MediaType::video
                                                  : whatsapp::MediaType::document;
    media.source.link = c.header_media_link;
    m.header.push_back({media, ""});
  }
  std::size_t click = 0;
  for (const auto& v : c.vars) {
    if (v.component == "button") {
      whatsapp::TemplateButtonParam b;
      b.type = v.button_type;
      b.index = v.button_index;
      if (v.source.kind == Source::Kind::click) {
        // The template's URL ends with the variable: Kirim's redirect whose token goes there.
        const auto full =
            make_link ? make_link(click < c.click_urls.size() ? c.click_urls[click] : std::string())
                      : std::string();
        ++click;
        b.value = full.substr(full.rfind('/') + 1);
      } else {
        b.value = value_of(v.source, contact);
      }
      m.buttons.push_back(std::move(b));
      continue;
    }
    whatsapp::TemplateParameter p;
    p.value = whatsapp::TextParam{value_of(v.source, contact)};
    if (c.named) p.name = v.key;
    (v.component == "header" ? m.header : m.body).push_back(std::move(p));
  }
  return whatsapp::Message(std::move(m));
}

std::string preview(const Compiled& c, const whatsapp::Message& m) {
  if (const auto* t = std::get_if<whatsapp::Text>(&m)) return t->body.substr(0, 1000);
  return "Template " + c.name;
}

}  // namespace kirim::campaigns
