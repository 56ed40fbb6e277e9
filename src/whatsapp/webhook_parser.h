#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

// Meta's WhatsApp webhook payloads, read leniently: unknown keys, kinds and enum values are kept
// as they are, optional parts may be missing, IDs and timestamps stay strings, and every array
// is read in full (several entries, changes, statuses and messages per POST). Parsing never
// throws and never fails on a well-formed JSON object; only bodies that are not JSON objects are
// refused. Pure functions; thread-safe.
namespace kirim::whatsapp {

struct StatusError {
  int code = 0;
  std::string title, message, details;
};

// One entry of value.statuses[].
struct StatusUpdate {
  std::string waba_id, phone_number_id, display_phone_number;
  std::string wamid;           // id
  std::string status;          // sent | delivered | read | failed | played | (anything else)
  std::int64_t timestamp = 0;  // seconds since the epoch; 0 when missing or malformed
  std::string recipient_id;
  std::string biz_opaque_callback_data;
  std::string conversation_id, pricing_category;
  std::vector<StatusError> errors;
};

// One entry of value.messages[]: every type, with the fields Kirim reads lifted out and the whole
// object kept.
struct InboundMessage {
  std::string waba_id, phone_number_id, display_phone_number;
  std::string wamid, from, type;
  std::int64_t timestamp = 0;
  std::string profile_name;    // from value.contacts[] with the same wa_id
  std::string text;            // text.body, button.text, interactive reply title, caption...
  std::string button_payload;  // button.payload or interactive reply id
  std::string context_wamid;   // context.id: the message this replies to
  std::string media_id, mime_type;
  boost::json::object raw;  // the message object as received
};

// One entry of value.user_preferences[] (marketing stop / resume).
struct UserPreference {
  std::string waba_id, phone_number_id;
  std::string wa_id, category, value;  // value: stop | resume
  std::int64_t timestamp = 0;
};

// message_template_status_update (and the quality / category updates, by `field`).
struct TemplateUpdate {
  std::string waba_id, field;
  std::string event;  // APPROVED, REJECTED, PAUSED, ... or the new quality / category
  std::string template_id, name, language, reason, category;
};

// phone_number_quality_update.
struct QualityUpdate {
  std::string waba_id, display_phone_number, event, current_limit;
  std::int64_t max_daily_conversations = 0;
  // max_daily_conversations_per_business in Meta's tier words, whether it came as a tier name or
  // as a count (10000 -> TIER_10K, -1 -> TIER_UNLIMITED); empty when absent.
  std::string portfolio_limit;
};

// account_update and any other field Kirim does not act on in detail.
struct AccountUpdate {
  std::string waba_id, field, event;
  boost::json::object value;
};

struct ParsedWebhook {
  std::string object;  // "whatsapp_business_account"
  std::vector<StatusUpdate> statuses;
  std::vector<InboundMessage> messages;
  std::vector<UserPreference> preferences;
  std::vector<TemplateUpdate> templates;
  std::vector<QualityUpdate> quality;
  std::vector<AccountUpdate> accounts;  // account_update and unknown fields
  std::vector<std::string> waba_ids;    // entry[].id, in order, without repeats
  std::vector<std::string> phone_number_ids;
  // Kinds present ("statuses", "messages", "user_preferences", "templates", "quality",
  // "account_update", or an unknown field's name), for the webhook log.
  std::vector<std::string> kinds;

  [[nodiscard]] bool empty() const {
    return statuses.empty() && messages.empty() && preferences.empty() && templates.empty() &&
           quality.empty() && accounts.empty();
  }
  // "2 statuses, 1 message" for people.
  [[nodiscard]] std::string summary() const;
};

// std::nullopt when the body is not a JSON object.
[[nodiscard]] std::optional<ParsedWebhook> parse_webhook(std::string_view body);

}  // namespace kirim::whatsapp
