#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "contacts/types.h"
#include "core/result.h"
#include "whatsapp/messages.h"

// A campaign's message, compiled once at launch against its template, then rendered per contact:
// template variables from contact fields with fallbacks or fixed text, click-tracking tokens in
// URL buttons, `{{field|fallback}}` in free-form text with its links sent through Kirim's
// redirect. Pure; thread-safe once compiled.
namespace kirim::campaigns {

// Where a value comes from.
struct Source {
  enum class Kind { text, field, click };
  Kind kind = Kind::text;
  std::string value;     // the text, or the field key
  std::string fallback;  // when the field is empty
};

// The template as stored (whatsapp::Template), what the campaign needs of it.
struct TemplateInfo {
  std::string name, language, status, category, parameter_format;
  boost::json::value components;
};

struct Compiled {
  bool is_template = true;
  // Template: the name, language and the source of each variable.
  std::string name, language;
  bool named = false;
  bool marketing = false;
  struct Var {
    std::string component;  // header | body | button
    std::string key;        // "1", "2"... or the name; button: its index
    Source source;
    int button_index = -1;
    whatsapp::TemplateButtonType button_type = whatsapp::TemplateButtonType::url;
  };
  std::vector<Var> vars;
  std::string header_media_type, header_media_link;  // image/video/document headers
  std::vector<std::string> click_urls;  // per click var, the template's URL (for the redirect)
  // Free-form text.
  std::string text;
  bool preview_url = false;
};

// Checks the message spec against the template (nullptr for free-form text) and the workspace's
// field keys; every problem in details (keys "message.params.body.1" ...).
[[nodiscard]] Result<Compiled> compile(const boost::json::object& message, const TemplateInfo* tmpl,
                                       const std::vector<std::string>& field_keys);

// The message for one contact. make_link(url) returns the tracking URL that redirects to url
// (for text links and click buttons: the button's variable gets the token part only).
using MakeLink = std::function<std::string(const std::string& url)>;
[[nodiscard]] Result<whatsapp::Message> render(const Compiled& c, const contacts::Contact& contact,
                                               const MakeLink& make_link);

// The text preview of a rendered message (for the conversation list).
[[nodiscard]] std::string preview(const Compiled& c, const whatsapp::Message& m);

// A contact's value for a source: name, phone, language, country, timezone, or a custom field.
[[nodiscard]] std::string field_value(const contacts::Contact& contact, const std::string& key);

}  // namespace kirim::campaigns
