#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"

// Typed builders for the JSON bodies of the Cloud API: every message type of
// POST /{pnid}/messages, and template definitions for POST /{waba}/message_templates. Each body
// is checked against Meta's limits before anything leaves the process; a failure is
// Errc::invalid_argument whose details map each offending field (named by its JSON path, e.g.
// "interactive.action.buttons[1].reply.title") to the reason, and whose message lists them all.
// Pure functions over plain structs; thread-safe.
//
// Filling a message from code:
//   build_message({.to = "16505551234", .callback_data = "c42:r7"},
//                 ReplyButtons{.body = "Still coming?", .buttons = {{"yes", "Yes"}, {"no",
//                 "No"}}});
//   build_message({.to = "16505551234"},
//                 TemplateMessage{.name = "order_update", .language = "en_US",
//                                 .body = {{TextParam{"Ana"}}, {CurrencyParam{"$1", "USD",
//                                 1000}}}});
namespace kirim::whatsapp {

// Limits, counted in Unicode characters (code points) unless they say otherwise.
inline constexpr std::size_t kTextBodyMax = 4096;
inline constexpr std::size_t kCaptionMax = 1024;
inline constexpr std::size_t kCallbackDataMax = 512;  // biz_opaque_callback_data
inline constexpr std::size_t kPhoneDigitsMax = 15;    // E.164
inline constexpr std::size_t kInteractiveHeaderMax = 60;
inline constexpr std::size_t kInteractiveBodyMax = 1024;
inline constexpr std::size_t kInteractiveFooterMax = 60;
inline constexpr std::size_t kReplyButtonsMax = 3;
inline constexpr std::size_t kReplyButtonIdMax = 256;
inline constexpr std::size_t kReplyButtonTitleMax = 20;
inline constexpr std::size_t kListButtonMax = 20;
inline constexpr std::size_t kListSectionsMax = 10;
inline constexpr std::size_t kListRowsMax = 10;  // over all sections
inline constexpr std::size_t kListRowIdMax = 200;
inline constexpr std::size_t kListRowTitleMax = 24;
inline constexpr std::size_t kListRowDescriptionMax = 72;
inline constexpr std::size_t kListSectionTitleMax = 24;
inline constexpr std::size_t kCtaDisplayTextMax = 20;
inline constexpr std::size_t kTemplateNameMax = 512;
inline constexpr std::size_t kTemplateHeaderTextMax = 60;
inline constexpr std::size_t kTemplateBodyMax = 1024;
inline constexpr std::size_t kTemplateFooterMax = 60;
inline constexpr std::size_t kTemplateButtonsMax = 10;
inline constexpr std::size_t kTemplateButtonTextMax = 25;
inline constexpr std::size_t kTemplateUrlMax = 2000;
inline constexpr std::size_t kCopyCodeMax = 15;

// --- Messages ---------------------------------------------------------------------------------

// Who gets a message, and what travels with it.
struct Envelope {
  std::string to{};                            // E.164 digits, with or without the leading '+'
  std::optional<std::string> reply_to{};       // context.message_id: the wamid this answers
  std::optional<std::string> callback_data{};  // biz_opaque_callback_data, echoed in statuses
};

struct Text {
  std::string body{};
  bool preview_url = false;
};

enum class MediaType { image, video, audio, sticker, document };

// Exactly one of the two: an uploaded media id, or an http(s) URL Meta fetches.
struct MediaSource {
  std::string id{};
  std::string link{};
};

struct Media {
  MediaType type = MediaType::image;
  MediaSource source{};
  std::optional<std::string> caption{};   // image, video and document only
  std::optional<std::string> filename{};  // document only
};

struct Location {
  double latitude = 0;   // -90..90
  double longitude = 0;  // -180..180
  std::optional<std::string> name{};
  std::optional<std::string> address{};
};

// A contact card. Only name.formatted_name is required; empty strings are left out.
struct ContactCard {
  struct Name {
    std::string formatted_name{};
    std::string first_name{};
    std::string last_name{};
  };
  struct Phone {
    std::string phone{};
    std::string type{};   // CELL, MAIN, IPHONE, HOME, WORK
    std::string wa_id{};  // when the number is on WhatsApp
  };
  struct Email {
    std::string email{};
    std::string type{};  // HOME, WORK
  };
  struct Org {
    std::string company{};
    std::string department{};
    std::string title{};
  };
  struct Url {
    std::string url{};
    std::string type{};  // HOME, WORK
  };
  Name name{};
  std::vector<Phone> phones{};
  std::vector<Email> emails{};
  std::optional<Org> org{};
  std::vector<Url> urls{};
};

struct Contacts {
  std::vector<ContactCard> cards{};  // at least one
};

// Interactive messages share a text header, a required body and a footer.
struct ReplyButton {
  std::string id{};     // comes back in the button_reply webhook; unique within the message
  std::string title{};  // what the user sees
};
struct ReplyButtons {
  std::optional<std::string> header{};
  std::string body{};
  std::optional<std::string> footer{};
  std::vector<ReplyButton> buttons{};  // 1..3
};

struct ListRow {
  std::string id{};  // unique within the message
  std::string title{};
  std::optional<std::string> description{};
};
struct ListSection {
  std::optional<std::string> title{};  // required when there are several sections
  std::vector<ListRow> rows{};         // at least one
};
struct List {
  std::optional<std::string> header{};
  std::string body{};
  std::optional<std::string> footer{};
  std::string button{};                 // the label of the button that opens the list
  std::vector<ListSection> sections{};  // 1..10, at most 10 rows over all of them
};

struct CtaUrl {
  std::optional<std::string> header{};
  std::string body{};
  std::optional<std::string> footer{};
  std::string display_text{};
  std::string url{};  // http(s)
};

struct Reaction {
  std::string message_id{};  // the wamid reacted to
  std::string emoji{};       // empty removes an earlier reaction
};

// Template parameters. A template with named parameters ({{customer_name}}) gives every text,
// currency and date_time parameter its `name`; a positional one gives none. Media and location
// parameters (header only) never have a name.
struct TextParam {
  std::string text{};
};
struct CurrencyParam {
  std::string fallback_value{};  // "$100.99"
  std::string code{};            // ISO 4217, "USD"
  std::int64_t amount_1000 = 0;  // the amount times 1000
};
struct DateTimeParam {
  std::string fallback_value{};
};
struct MediaParam {
  MediaType type = MediaType::image;  // image, video or document
  MediaSource source{};
  std::optional<std::string> filename{};  // document only
};
using ParamValue = std::variant<TextParam, CurrencyParam, DateTimeParam, MediaParam, Location>;

struct TemplateParameter {
  ParamValue value{};
  std::string name{};  // parameter_name; empty for positional templates
};

enum class TemplateButtonType { quick_reply, url, copy_code };

// The variable part of one of the template's buttons, addressed by its position (0-based).
struct TemplateButtonParam {
  TemplateButtonType type = TemplateButtonType::quick_reply;
  int index = 0;
  std::string value{};  // quick_reply: payload; url: the URL's variable suffix; copy_code: the code
};

struct TemplateMessage {
  std::string name{};
  std::string language{};                   // "en_US"
  std::vector<TemplateParameter> header{};  // at most one: text, image, video, document, location
  std::vector<TemplateParameter> body{};    // text, currency, date_time
  std::vector<TemplateButtonParam> buttons{};
};

using Message = std::variant<Text, Media, Location, Contacts, ReplyButtons, List, CtaUrl, Reaction,
                             TemplateMessage>;

// The body for POST /{pnid}/messages, or every problem found.
[[nodiscard]] Result<boost::json::object> build_message(const Envelope& envelope,
                                                        const Message& message);

// --- Template definitions --------------------------------------------------------------------

enum class TemplateCategory { marketing, utility, authentication };
enum class ParameterFormat { positional, named };  // {{1}} or {{customer_name}}
enum class HeaderFormat { text, image, video, document, location };

struct NamedExample {
  std::string name{};  // the variable, without braces
  std::string example{};
};

struct TemplateHeader {
  HeaderFormat format = HeaderFormat::text;
  std::string text{};  // text headers only; at most one variable
  // For a text header with a variable: its example (positional) or named_examples (named).
  std::optional<std::string> example{};
  std::vector<NamedExample> named_examples{};
  // Image, video and document headers: the example's upload handle ("4::aW..."), if any.
  std::optional<std::string> media_handle{};
};

struct TemplateButton {
  enum class Type { quick_reply, url, phone_number, copy_code };
  Type type = Type::quick_reply;
  std::string text{};          // the label; not for copy_code
  std::string url{};           // url: may end with the one variable {{1}}
  std::string phone_number{};  // phone_number
  // url with a variable: a complete example URL; copy_code: the example code.
  std::string example{};
};

struct TemplateDefinition {
  std::string name{};  // lower case letters, digits and '_'
  std::string language{};
  TemplateCategory category = TemplateCategory::utility;
  ParameterFormat parameter_format = ParameterFormat::positional;
  std::optional<TemplateHeader> header{};
  std::string body{};  // required
  // Examples are required when the body has variables: one value per {{n}}, in order
  // (positional), or one per name (named).
  std::vector<std::string> body_examples{};
  std::vector<NamedExample> body_named_examples{};
  std::optional<std::string> footer{};  // no variables
  std::vector<TemplateButton> buttons{};
};

// The body for POST /{waba}/message_templates, or every problem found. Authentication
// templates' one-time-password buttons are not modelled.
[[nodiscard]] Result<boost::json::object> build_template_definition(const TemplateDefinition& t);

}  // namespace kirim::whatsapp
