#include "whatsapp/messages.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <type_traits>

#include <boost/json/array.hpp>

namespace kirim::whatsapp {

namespace bj = boost::json;

namespace {

// The length of valid UTF-8 in code points, or nullopt for invalid bytes.
std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
  }
  return n;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_name_char);
}
bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool is_http_url(std::string_view s) {
  return s.starts_with("https://") || s.starts_with("http://");
}

// Collects every problem of one body: field (a JSON path) -> reason.
class Problems {
 public:
  void fail(const std::string& field, std::string reason) {
    details_.emplace(field, std::move(reason));
  }

  // A string of [min, max] characters of valid UTF-8.
  void text(const std::string& field, std::string_view value, std::size_t min, std::size_t max) {
    const auto n = utf8_length(value);
    if (!n) {
      fail(field, "is not valid UTF-8");
    } else if (*n < min) {
      fail(field,
           min == 1 ? "is required" : "is shorter than " + std::to_string(min) + " characters");
    } else if (*n > max) {
      fail(field, "is longer than " + std::to_string(max) + " characters");
    }
  }
  void optional_text(const std::string& field, const std::optional<std::string>& value,
                     std::size_t max) {
    if (value) text(field, *value, 1, max);
  }

  [[nodiscard]] bool ok() const { return details_.empty(); }

  [[nodiscard]] Error error() const {
    std::string message;
    for (const auto& [field, reason] : details_) {
      if (!message.empty()) message += "; ";
      message += field + " " + reason;
    }
    Error e = make_error(Errc::invalid_argument, std::move(message), "validation_failed");
    e.details = details_;
    return e;
  }

 private:
  std::map<std::string, std::string> details_;
};

std::string at(const std::string& base, std::size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

const char* media_type_name(MediaType t) {
  switch (t) {
    case MediaType::image:
      return "image";
    case MediaType::video:
      return "video";
    case MediaType::audio:
      return "audio";
    case MediaType::sticker:
      return "sticker";
    case MediaType::document:
      return "document";
  }
  return "image";
}

bj::object media_source(const std::string& field, const MediaSource& s, Problems& p) {
  bj::object o;
  if (s.id.empty() == s.link.empty()) {
    p.fail(field, "needs exactly one of id and link");
  } else if (!s.id.empty()) {
    o["id"] = s.id;
  } else {
    if (!is_http_url(s.link)) p.fail(field + ".link", "is not an http(s) URL");
    o["link"] = s.link;
  }
  return o;
}

bj::object location_object(const std::string& field, const Location& l, Problems& p) {
  if (!(l.latitude >= -90 && l.latitude <= 90)) p.fail(field + ".latitude", "is not in -90..90");
  if (!(l.longitude >= -180 && l.longitude <= 180))
    p.fail(field + ".longitude", "is not in -180..180");
  p.optional_text(field + ".name", l.name, 1000);
  p.optional_text(field + ".address", l.address, 1000);
  bj::object o{{"latitude", l.latitude}, {"longitude", l.longitude}};
  if (l.name) o["name"] = *l.name;
  if (l.address) o["address"] = *l.address;
  return o;
}

// --- One builder per message type: (problems, the typed message) -> (type, object).

struct Built {
  std::string type;
  bj::value object;
};

Built build(Problems& p, const Text& m) {
  p.text("text.body", m.body, 1, kTextBodyMax);
  return {"text", bj::object{{"body", m.body}, {"preview_url", m.preview_url}}};
}

Built build(Problems& p, const Media& m) {
  const std::string type = media_type_name(m.type);
  bj::object o = media_source(type, m.source, p);
  const bool captioned =
      m.type == MediaType::image || m.type == MediaType::video || m.type == MediaType::document;
  if (m.caption) {
    if (!captioned) p.fail(type + ".caption", "is not allowed for " + type);
    p.text(type + ".caption", *m.caption, 1, kCaptionMax);
    o["caption"] = *m.caption;
  }
  if (m.filename) {
    if (m.type != MediaType::document) p.fail(type + ".filename", "is only for documents");
    p.text(type + ".filename", *m.filename, 1, 255);
    o["filename"] = *m.filename;
  }
  return {type, std::move(o)};
}

Built build(Problems& p, const Location& m) {
  return {"location", location_object("location", m, p)};
}

Built build(Problems& p, const Contacts& m) {
  if (m.cards.empty()) p.fail("contacts", "needs at least one contact");
  bj::array cards;
  for (std::size_t i = 0; i < m.cards.size(); ++i) {
    const auto& c = m.cards[i];
    const std::string f = at("contacts", i);
    p.text(f + ".name.formatted_name", c.name.formatted_name, 1, 1000);
    bj::object name{{"formatted_name", c.name.formatted_name}};
    if (!c.name.first_name.empty()) name["first_name"] = c.name.first_name;
    if (!c.name.last_name.empty()) name["last_name"] = c.name.last_name;
    bj::object card{{"name", std::move(name)}};
    if (!c.phones.empty()) {
      bj::array phones;
      for (std::size_t j = 0; j < c.phones.size(); ++j) {
        const auto& ph = c.phones[j];
        p.text(at(f + ".phones", j) + ".phone", ph.phone, 1, 64);
        bj::object o{{"phone", ph.phone}};
        if (!ph.type.empty()) o["type"] = ph.type;
        if (!ph.wa_id.empty()) o["wa_id"] = ph.wa_id;
        phones.push_back(std::move(o));
      }
      card["phones"] = std::move(phones);
    }
    if (!c.emails.empty()) {
      bj::array emails;
      for (std::size_t j = 0; j < c.emails.size(); ++j) {
        const auto& e = c.emails[j];
        p.text(at(f + ".emails", j) + ".email", e.email, 1, 320);
        bj::object o{{"email", e.email}};
        if (!e.type.empty()) o["type"] = e.type;
        emails.push_back(std::move(o));
      }
      card["emails"] = std::move(emails);
    }
    if (c.org) {
      bj::object org;
      if (!c.org->company.empty()) org["company"] = c.org->company;
      if (!c.org->department.empty()) org["department"] = c.org->department;
      if (!c.org->title.empty()) org["title"] = c.org->title;
      card["org"] = std::move(org);
    }
    if (!c.urls.empty()) {
      bj::array urls;
      for (std::size_t j = 0; j < c.urls.size(); ++j) {
        const auto& u = c.urls[j];
        p.text(at(f + ".urls", j) + ".url", u.url, 1, kTemplateUrlMax);
        bj::object o{{"url", u.url}};
        if (!u.type.empty()) o["type"] = u.type;
        urls.push_back(std::move(o));
      }
      card["urls"] = std::move(urls);
    }
    cards.push_back(std::move(card));
  }
  return {"contacts", std::move(cards)};
}

// The header, body and footer every interactive message has.
bj::object interactive(Problems& p, const char* type, const std::optional<std::string>& header,
                       const std::string& body, const std::optional<std::string>& footer) {
  p.optional_text("interactive.header.text", header, kInteractiveHeaderMax);
  p.text("interactive.body.text", body, 1, kInteractiveBodyMax);
  p.optional_text("interactive.footer.text", footer, kInteractiveFooterMax);
  bj::object o{{"type", type}};
  if (header) o["header"] = bj::object{{"type", "text"}, {"text", *header}};
  o["body"] = bj::object{{"text", body}};
  if (footer) o["footer"] = bj::object{{"text", *footer}};
  return o;
}

Built build(Problems& p, const ReplyButtons& m) {
  bj::object o = interactive(p, "button", m.header, m.body, m.footer);
  if (m.buttons.empty() || m.buttons.size() > kReplyButtonsMax)
    p.fail("interactive.action.buttons", "needs 1 to 3 buttons");
  std::set<std::string> ids;
  bj::array buttons;
  for (std::size_t i = 0; i < m.buttons.size(); ++i) {
    const auto& b = m.buttons[i];
    const std::string f = at("interactive.action.buttons", i) + ".reply";
    p.text(f + ".id", b.id, 1, kReplyButtonIdMax);
    p.text(f + ".title", b.title, 1, kReplyButtonTitleMax);
    if (!ids.insert(b.id).second) p.fail(f + ".id", "repeats another button's id");
    buttons.push_back(
        bj::object{{"type", "reply"}, {"reply", bj::object{{"id", b.id}, {"title", b.title}}}});
  }
  o["action"] = bj::object{{"buttons", std::move(buttons)}};
  return {"interactive", std::move(o)};
}

Built build(Problems& p, const List& m) {
  bj::object o = interactive(p, "list", m.header, m.body, m.footer);
  p.text("interactive.action.button", m.button, 1, kListButtonMax);
  if (m.sections.empty() || m.sections.size() > kListSectionsMax)
    p.fail("interactive.action.sections", "needs 1 to 10 sections");
  std::size_t rows_total = 0;
  std::set<std::string> ids;
  bj::array sections;
  for (std::size_t i = 0; i < m.sections.size(); ++i) {
    const auto& s = m.sections[i];
    const std::string f = at("interactive.action.sections", i);
    if (s.title) {
      p.text(f + ".title", *s.title, 1, kListSectionTitleMax);
    } else if (m.sections.size() > 1) {
      p.fail(f + ".title", "is required when there are several sections");
    }
    if (s.rows.empty()) p.fail(f + ".rows", "needs at least one row");
    bj::array rows;
    for (std::size_t j = 0; j < s.rows.size(); ++j) {
      const auto& r = s.rows[j];
      const std::string rf = at(f + ".rows", j);
      p.text(rf + ".id", r.id, 1, kListRowIdMax);
      p.text(rf + ".title", r.title, 1, kListRowTitleMax);
      p.optional_text(rf + ".description", r.description, kListRowDescriptionMax);
      if (!ids.insert(r.id).second) p.fail(rf + ".id", "repeats another row's id");
      bj::object row{{"id", r.id}, {"title", r.title}};
      if (r.description) row["description"] = *r.description;
      rows.push_back(std::move(row));
    }
    rows_total += s.rows.size();
    bj::object section;
    if (s.title) section["title"] = *s.title;
    section["rows"] = std::move(rows);
    sections.push_back(std::move(section));
  }
  if (rows_total > kListRowsMax)
    p.fail("interactive.action.sections", "has more than 10 rows in total");
  o["action"] = bj::object{{"button", m.button}, {"sections", std::move(sections)}};
  return {"interactive", std::move(o)};
}

Built build(Problems& p, const CtaUrl& m) {
  bj::object o = interactive(p, "cta_url", m.header, m.body, m.footer);
  p.text("interactive.action.parameters.display_text", m.display_text, 1, kCtaDisplayTextMax);
  p.text("interactive.action.parameters.url", m.url, 1, kTemplateUrlMax);
  if (!m.url.empty() && !is_http_url(m.url))
    p.fail("interactive.action.parameters.url", "is not an http(s) URL");
  o["action"] =
      bj::object{{"name", "cta_url"},
                 {"parameters", bj::object{{"display_text", m.display_text}, {"url", m.url}}}};
  return {"interactive", std::move(o)};
}

Built build(Problems& p, const Reaction& m) {
  p.text("reaction.message_id", m.message_id, 1, 512);
  p.text("reaction.emoji", m.emoji, 0, 16);
  return {"reaction", bj::object{{"message_id", m.message_id}, {"emoji", m.emoji}}};
}

// --- Templates (sending) ---------------------------------------------------------------------

enum class ParamPlace { header, body };

bj::object template_parameter(Problems& p, const std::string& f, const TemplateParameter& param,
                              ParamPlace place) {
  bj::object o;
  bool nameable = true;
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, TextParam>) {
          p.text(f + ".text", v.text, 1,
                 place == ParamPlace::header ? kTemplateHeaderTextMax : kTemplateBodyMax);
          o["type"] = "text";
          o["text"] = v.text;
        } else if constexpr (std::is_same_v<V, CurrencyParam>) {
          if (place == ParamPlace::header) p.fail(f + ".type", "currency is for the body only");
          p.text(f + ".currency.fallback_value", v.fallback_value, 1, 1000);
          if (v.code.size() != 3 || !std::all_of(v.code.begin(), v.code.end(),
                                                 [](char c) { return c >= 'A' && c <= 'Z'; }))
            p.fail(f + ".currency.code", "is not an ISO 4217 code");
          o["type"] = "currency";
          o["currency"] = bj::object{{"fallback_value", v.fallback_value},
                                     {"code", v.code},
                                     {"amount_1000", v.amount_1000}};
        } else if constexpr (std::is_same_v<V, DateTimeParam>) {
          if (place == ParamPlace::header) p.fail(f + ".type", "date_time is for the body only");
          p.text(f + ".date_time.fallback_value", v.fallback_value, 1, 1000);
          o["type"] = "date_time";
          o["date_time"] = bj::object{{"fallback_value", v.fallback_value}};
        } else if constexpr (std::is_same_v<V, MediaParam>) {
          nameable = false;
          const std::string type = media_type_name(v.type);
          if (place == ParamPlace::body) p.fail(f + ".type", type + " is for the header only");
          if (v.type != MediaType::image && v.type != MediaType::video &&
              v.type != MediaType::document)
            p.fail(f + ".type", type + " is not a template header type");
          bj::object media = media_source(f + "." + type, v.source, p);
          if (v.filename) {
            if (v.type != MediaType::document) p.fail(f + ".filename", "is only for documents");
            p.text(f + "." + type + ".filename", *v.filename, 1, 255);
            media["filename"] = *v.filename;
          }
          o["type"] = type;
          o[type] = std::move(media);
        } else {
          nameable = false;
          if (place == ParamPlace::body) p.fail(f + ".type", "location is for the header only");
          o["type"] = "location";
          o["location"] = location_object(f + ".location", v, p);
        }
      },
      param.value);
  if (!param.name.empty()) {
    if (!nameable) {
      p.fail(f + ".parameter_name", "is not allowed on media and location parameters");
    } else if (!is_name(param.name)) {
      p.fail(f + ".parameter_name", "must be lower case letters, digits and '_'");
    }
    // parameter_name goes right after type, as in Meta's examples.
    bj::object named{{"type", o["type"]}, {"parameter_name", param.name}};
    for (auto& [k, v] : o)
      if (k != "type") named[k] = v;
    o = std::move(named);
  }
  return o;
}

Built build(Problems& p, const TemplateMessage& m) {
  p.text("template.name", m.name, 1, kTemplateNameMax);
  if (!m.name.empty() && !is_name(m.name))
    p.fail("template.name", "must be lower case letters, digits and '_'");
  p.text("template.language.code", m.language, 1, 15);
  if (m.header.size() > 1) p.fail("template.components.header", "takes at most one parameter");

  // Named or positional, never both: judged over the parameters that can carry a name.
  std::size_t named = 0, unnamed = 0;
  const auto count = [&](const std::vector<TemplateParameter>& params) {
    for (const auto& param : params) {
      if (std::holds_alternative<MediaParam>(param.value) ||
          std::holds_alternative<Location>(param.value))
        continue;
      (param.name.empty() ? unnamed : named) += 1;
    }
  };
  count(m.header);
  count(m.body);
  if (named > 0 && unnamed > 0)
    p.fail("template.components", "mixes named and positional parameters");

  bj::array components;
  const auto component = [&](const char* type, const std::vector<TemplateParameter>& params,
                             ParamPlace place) {
    if (params.empty()) return;
    const std::string f = std::string("template.components.") + type + ".parameters";
    std::set<std::string> names;
    bj::array out;
    for (std::size_t i = 0; i < params.size(); ++i) {
      out.push_back(template_parameter(p, at(f, i), params[i], place));
      if (!params[i].name.empty() && !names.insert(params[i].name).second)
        p.fail(at(f, i) + ".parameter_name", "repeats another parameter's name");
    }
    components.push_back(bj::object{{"type", type}, {"parameters", std::move(out)}});
  };
  component("header", m.header, ParamPlace::header);
  component("body", m.body, ParamPlace::body);

  std::set<int> indexes;
  for (std::size_t i = 0; i < m.buttons.size(); ++i) {
    const auto& b = m.buttons[i];
    const std::string f = at("template.components.buttons", i);
    if (b.index < 0 || b.index >= static_cast<int>(kTemplateButtonsMax)) {
      p.fail(f + ".index", "is not in 0..9");
    } else if (!indexes.insert(b.index).second) {
      p.fail(f + ".index", "repeats another button's index");
    }
    bj::object param;
    const char* sub_type = "quick_reply";
    switch (b.type) {
      case TemplateButtonType::quick_reply:
        p.text(f + ".payload", b.value, 1, 1000);
        param = {{"type", "payload"}, {"payload", b.value}};
        break;
      case TemplateButtonType::url:
        sub_type = "url";
        p.text(f + ".text", b.value, 1, kTemplateUrlMax);
        param = {{"type", "text"}, {"text", b.value}};
        break;
      case TemplateButtonType::copy_code:
        sub_type = "copy_code";
        p.text(f + ".coupon_code", b.value, 1, kCopyCodeMax);
        param = {{"type", "coupon_code"}, {"coupon_code", b.value}};
        break;
    }
    components.push_back(bj::object{{"type", "button"},
                                    {"sub_type", sub_type},
                                    {"index", std::to_string(b.index)},
                                    {"parameters", bj::array{std::move(param)}}});
  }

  bj::object o{{"name", m.name}, {"language", bj::object{{"code", m.language}}}};
  if (!components.empty()) o["components"] = std::move(components);
  return {"template", std::move(o)};
}

void check_envelope(Problems& p, const Envelope& e) {
  std::string_view digits = e.to;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  if (e.to.empty()) {
    p.fail("to", "is required");
  } else if (!is_digits(digits) || digits.size() > kPhoneDigitsMax) {
    p.fail("to", "is not a phone number in E.164 digits");
  }
  if (e.reply_to) p.text("context.message_id", *e.reply_to, 1, 512);
  if (e.callback_data) p.text("biz_opaque_callback_data", *e.callback_data, 1, kCallbackDataMax);
}

// --- Templates (definitions) -----------------------------------------------------------------

// The variables of a template text, in order of appearance ("1", "customer_name", ...), or
// nullopt (with the problem recorded) when a {{ is not closed or holds something else.
std::optional<std::vector<std::string>> variables(Problems& p, const std::string& field,
                                                  std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const auto end = text.find("}}", pos + 2);
    if (end == std::string_view::npos) {
      p.fail(field, "has an unclosed {{");
      return std::nullopt;
    }
    const auto name = text.substr(pos + 2, end - pos - 2);
    if (!is_name(name)) {
      p.fail(field, "has a malformed variable {{" + std::string(name) + "}}");
      return std::nullopt;
    }
    out.emplace_back(name);
    pos = end + 2;
  }
  return out;
}

// Checks a text's variables against the template's format and its examples; returns the
// example object for the component ("header_text" / "body_text" and their _named_params forms),
// or nullopt when there are none or a problem was recorded. Examples given for a text without
// variables are a problem too.
std::optional<bj::object> text_variables(Problems& p, const std::string& field,
                                         const std::string& text, ParameterFormat format,
                                         const char* example_key,
                                         const std::vector<std::string>& examples,
                                         const std::vector<NamedExample>& named_examples,
                                         bool nested, std::size_t max_variables) {
  const auto vars = variables(p, field, text);
  if (!vars) return std::nullopt;
  if (vars->empty()) {
    if (!examples.empty() || !named_examples.empty())
      p.fail(field + ".example", "is given but the text has no variable");
    return std::nullopt;
  }
  // Distinct variables, in order of first appearance.
  std::vector<std::string> distinct;
  for (const auto& v : *vars)
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
  if (distinct.size() > max_variables) {
    p.fail(field, "has more than " + std::to_string(max_variables) + " variable");
    return std::nullopt;
  }
  const std::string examples_field = field + ".example";
  if (format == ParameterFormat::positional) {
    for (std::size_t i = 0; i < distinct.size(); ++i) {
      if (!is_digits(distinct[i])) {
        p.fail(field, "has the named variable {{" + distinct[i] + "}} in a positional template");
        return std::nullopt;
      }
      if (distinct[i] != std::to_string(i + 1)) {
        p.fail(field, "must number its variables {{1}}..{{" + std::to_string(distinct.size()) +
                          "}} in order");
        return std::nullopt;
      }
    }
    if (examples.size() != distinct.size()) {
      p.fail(examples_field,
             "needs " + std::to_string(distinct.size()) + " example value(s), one per variable");
      return std::nullopt;
    }
    bj::array values;
    for (std::size_t i = 0; i < examples.size(); ++i) {
      p.text(at(examples_field, i), examples[i], 1, kTemplateBodyMax);
      values.push_back(bj::string(examples[i]));
    }
    bj::object example;
    if (nested) {
      example[example_key] = bj::array{std::move(values)};
    } else {
      example[example_key] = std::move(values);
    }
    return example;
  }
  for (const auto& v : distinct) {
    if (is_digits(v)) {
      p.fail(field, "has the positional variable {{" + v + "}} in a named template");
      return std::nullopt;
    }
  }
  bj::array params;
  std::set<std::string> given;
  for (std::size_t i = 0; i < named_examples.size(); ++i) {
    const auto& e = named_examples[i];
    if (std::find(distinct.begin(), distinct.end(), e.name) == distinct.end()) {
      p.fail(at(examples_field, i), "names {{" + e.name + "}}, which the text does not use");
      continue;
    }
    if (!given.insert(e.name).second) {
      p.fail(at(examples_field, i), "repeats the example of {{" + e.name + "}}");
      continue;
    }
    p.text(at(examples_field, i) + ".example", e.example, 1, kTemplateBodyMax);
    params.push_back(bj::object{{"param_name", e.name}, {"example", e.example}});
  }
  for (const auto& v : distinct)
    if (!given.contains(v)) p.fail(examples_field, "lacks an example for {{" + v + "}}");
  return bj::object{{std::string(example_key) + "_named_params", std::move(params)}};
}

const char* header_format_name(HeaderFormat f) {
  switch (f) {
    case HeaderFormat::text:
      return "TEXT";
    case HeaderFormat::image:
      return "IMAGE";
    case HeaderFormat::video:
      return "VIDEO";
    case HeaderFormat::document:
      return "DOCUMENT";
    case HeaderFormat::location:
      return "LOCATION";
  }
  return "TEXT";
}

const char* category_name(TemplateCategory c) {
  switch (c) {
    case TemplateCategory::marketing:
      return "MARKETING";
    case TemplateCategory::utility:
      return "UTILITY";
    case TemplateCategory::authentication:
      return "AUTHENTICATION";
  }
  return "UTILITY";
}

std::optional<bj::object> definition_header(Problems& p, const TemplateDefinition& t) {
  if (!t.header) return std::nullopt;
  const auto& h = *t.header;
  bj::object o{{"type", "HEADER"}, {"format", header_format_name(h.format)}};
  if (h.format == HeaderFormat::text) {
    p.text("header.text", h.text, 1, kTemplateHeaderTextMax);
    o["text"] = h.text;
    std::vector<std::string> examples;
    if (h.example) examples.push_back(*h.example);
    if (auto example = text_variables(p, "header.text", h.text, t.parameter_format, "header_text",
                                      examples, h.named_examples, false, 1)) {
      o["example"] = std::move(*example);
    }
    if (h.media_handle) p.fail("header.media_handle", "is only for media headers");
    return o;
  }
  if (!h.text.empty()) p.fail("header.text", "is only for text headers");
  if (h.example || !h.named_examples.empty())
    p.fail("header.text.example", "is only for text headers");
  if (h.media_handle) {
    if (h.format == HeaderFormat::location) {
      p.fail("header.media_handle", "is not for location headers");
    } else {
      p.text("header.media_handle", *h.media_handle, 1, 10'000);
      o["example"] = bj::object{{"header_handle", bj::array{bj::string(*h.media_handle)}}};
    }
  }
  return o;
}

bj::object definition_button(Problems& p, const std::string& f, const TemplateButton& b) {
  switch (b.type) {
    case TemplateButton::Type::quick_reply:
      p.text(f + ".text", b.text, 1, kTemplateButtonTextMax);
      return {{"type", "QUICK_REPLY"}, {"text", b.text}};
    case TemplateButton::Type::phone_number: {
      p.text(f + ".text", b.text, 1, kTemplateButtonTextMax);
      std::string_view digits = b.phone_number;
      if (digits.starts_with('+')) digits.remove_prefix(1);
      if (!is_digits(digits) || digits.size() > kPhoneDigitsMax)
        p.fail(f + ".phone_number", "is not a phone number in E.164 digits");
      return {{"type", "PHONE_NUMBER"}, {"text", b.text}, {"phone_number", b.phone_number}};
    }
    case TemplateButton::Type::copy_code:
      if (!b.text.empty()) p.fail(f + ".text", "is set by WhatsApp for copy-code buttons");
      p.text(f + ".example", b.example, 1, kCopyCodeMax);
      return {{"type", "COPY_CODE"}, {"example", b.example}};
    case TemplateButton::Type::url:
      break;
  }
  p.text(f + ".text", b.text, 1, kTemplateButtonTextMax);
  p.text(f + ".url", b.url, 1, kTemplateUrlMax);
  if (!b.url.empty() && !is_http_url(b.url)) p.fail(f + ".url", "is not an http(s) URL");
  bj::object o{{"type", "URL"}, {"text", b.text}, {"url", b.url}};
  const auto vars = variables(p, f + ".url", b.url);
  if (vars && !vars->empty()) {
    if (vars->size() > 1 || (*vars)[0] != "1" || !b.url.ends_with("{{1}}")) {
      p.fail(f + ".url", "may hold one variable, {{1}}, at its end");
    } else if (b.example.empty()) {
      p.fail(f + ".example", "is required when the URL has a variable");
    } else {
      p.text(f + ".example", b.example, 1, kTemplateUrlMax);
      if (!is_http_url(b.example)) p.fail(f + ".example", "is not an http(s) URL");
      o["example"] = bj::array{bj::string(b.example)};
    }
  } else if (vars && !b.example.empty()) {
    p.fail(f + ".example", "is only for URLs with a variable");
  }
  return o;
}

}  // namespace

Result<bj::object> build_message(const Envelope& envelope, const Message& message) {
  Problems p;
  check_envelope(p, envelope);
  Built built = std::visit([&p](const auto& m) { return build(p, m); }, message);
  if (!p.ok()) return p.error();
  bj::object o{{"messaging_product", "whatsapp"},
               {"recipient_type", "individual"},
               {"to", envelope.to},
               {"type", built.type}};
  o[built.type] = std::move(built.object);
  if (envelope.reply_to) o["context"] = bj::object{{"message_id", *envelope.reply_to}};
  if (envelope.callback_data) o["biz_opaque_callback_data"] = *envelope.callback_data;
  return o;
}

Result<bj::object> build_template_definition(const TemplateDefinition& t) {
  Problems p;
  p.text("name", t.name, 1, kTemplateNameMax);
  if (!t.name.empty() && !is_name(t.name))
    p.fail("name", "must be lower case letters, digits and '_'");
  p.text("language", t.language, 1, 15);

  bj::array components;
  if (auto header = definition_header(p, t)) components.push_back(std::move(*header));

  p.text("body.text", t.body, 1, kTemplateBodyMax);
  bj::object body{{"type", "BODY"}, {"text", t.body}};
  if (auto example =
          text_variables(p, "body.text", t.body, t.parameter_format, "body_text", t.body_examples,
                         t.body_named_examples, true, std::numeric_limits<std::size_t>::max())) {
    body["example"] = std::move(*example);
  }
  components.push_back(std::move(body));

  if (t.footer) {
    p.text("footer.text", *t.footer, 1, kTemplateFooterMax);
    if (t.footer->find("{{") != std::string::npos) p.fail("footer.text", "cannot hold variables");
    components.push_back(bj::object{{"type", "FOOTER"}, {"text", *t.footer}});
  }

  if (!t.buttons.empty()) {
    if (t.buttons.size() > kTemplateButtonsMax)
      p.fail("buttons", "has more than " + std::to_string(kTemplateButtonsMax) + " buttons");
    bj::array buttons;
    for (std::size_t i = 0; i < t.buttons.size(); ++i)
      buttons.push_back(definition_button(p, at("buttons", i), t.buttons[i]));
    components.push_back(bj::object{{"type", "BUTTONS"}, {"buttons", std::move(buttons)}});
  }

  if (!p.ok()) return p.error();
  return bj::object{
      {"name", t.name},
      {"language", t.language},
      {"category", category_name(t.category)},
      {"parameter_format", t.parameter_format == ParameterFormat::named ? "named" : "positional"},
      {"components", std::move(components)}};
}

}  // namespace kirim::whatsapp
