#include "whatsapp/sandbox/meta.h"

#include <algorithm>
#include <array>

#include <boost/json/serialize.hpp>
#include <openssl/evp.h>

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

constexpr std::string_view kErrorHref =
    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

// The codes the sandbox produces, with Meta's HTTP status, title and details (reference §3).
constexpr std::array kErrors = {
    MetaError{0, 401, "AuthException", "We were unable to authenticate the app user."},
    MetaError{1, 400, "API Unknown", "Invalid request or possible server error."},
    MetaError{2, 503, "API Service", "Temporary due to downtime or due to being overloaded."},
    MetaError{4, 400, "Application request limit reached",
              "The app has reached its API call rate limit."},
    MetaError{10, 403, "Permission denied",
              "Permission is either not granted or has been removed."},
    MetaError{100, 400, "Invalid parameter",
              "The request included one or more unsupported or misspelled parameters."},
    MetaError{190, 401, "Access token has expired", "Your access token has expired."},
    MetaError{368, 403, "Temporarily blocked for policies violations",
              "The WhatsApp Business Account associated with the app has been restricted or "
              "disabled for violating a platform policy."},
    MetaError{80007, 400, "Rate limit issues",
              "The WhatsApp Business Account has reached its rate limit."},
    MetaError{130429, 400, "Rate limit hit",
              "Message failed to send because there were too many messages sent from this phone "
              "number in a short period of time."},
    MetaError{130472, 400, "User's number is part of an experiment",
              "Failed to send message because this user's phone number is part of an "
              "experiment."},
    MetaError{131000, 500, "Something went wrong",
              "Message failed to send due to an unknown error."},
    MetaError{131005, 403, "Access denied",
              "Permission is either not granted or has been removed."},
    MetaError{131008, 400, "Required parameter is missing",
              "The request is missing a required parameter."},
    MetaError{131009, 400, "Parameter value is not valid",
              "One or more parameter values are invalid."},
    MetaError{131016, 503, "Service unavailable", "A service is temporarily unavailable."},
    MetaError{131021, 400, "Recipient cannot be sender",
              "Sender and recipient phone number is the same."},
    MetaError{131026, 400, "Message undeliverable",
              "Unable to deliver message. Reasons can include: the recipient phone number is not "
              "a WhatsApp phone number; the recipient has not accepted the new Terms of Service "
              "and Privacy Policy; the recipient is using an old WhatsApp version."},
    MetaError{131031, 403, "Account has been locked",
              "The WhatsApp Business Account has been restricted or disabled."},
    MetaError{131042, 400, "Business eligibility payment issue",
              "Message failed to send because there were one or more errors related to your "
              "payment method."},
    MetaError{131045, 500, "Incorrect certificate",
              "Message failed to send due to a phone number registration error."},
    MetaError{131047, 400, "Re-engagement message",
              "Message failed to send because more than 24 hours have passed since the customer "
              "last replied to this number."},
    MetaError{131048, 400, "Spam rate limit hit",
              "Message failed to send because there are restrictions on how many messages can "
              "be sent from this phone number."},
    MetaError{131049, 400,
              "This message was not delivered to maintain healthy ecosystem "
              "engagement.",
              "In order to maintain a healthy ecosystem engagement, the message failed to be "
              "delivered."},
    MetaError{131050, 400,
              "Unable to deliver the message. This recipient has chosen to stop "
              "receiving marketing messages on WhatsApp from your business.",
              "The recipient has stopped marketing messages from this business."},
    MetaError{131051, 400, "Unsupported message type", "Message type is not currently supported."},
    MetaError{131052, 400, "Media download error",
              "Unable to download the media sent by the user."},
    MetaError{131053, 400, "Media upload error", "Unable to upload the media used in the message."},
    MetaError{131056, 400, "(Business Account, Consumer Account) pair rate limit hit",
              "Message failed to send because there were too many messages sent from this phone "
              "number to the same phone number in a short period of time."},
    MetaError{131057, 500, "Account in maintenance mode",
              "Business Account is in maintenance mode."},
    MetaError{132000, 400, "Number of parameters does not match the expected number of params",
              "The number of variable parameter values included in the request did not match "
              "the number of variable parameters defined in the template."},
    MetaError{132001, 404, "Template name does not exist in the translation",
              "The template does not exist in the specified language or the template has not "
              "been approved."},
    MetaError{132005, 400, "Translated text too long", "Translated text is too long."},
    MetaError{132007, 400, "Template format character policy violated",
              "Template content violates a WhatsApp policy."},
    MetaError{132012, 400, "Parameter format does not match format in the created template",
              "Variable parameter values formatted incorrectly."},
    MetaError{132015, 400, "Template is Paused",
              "Template is paused due to low quality so it cannot be sent in a template "
              "message."},
    MetaError{132016, 400, "Template is Disabled",
              "Template has been paused too many times due to low quality and is now "
              "permanently disabled."},
    MetaError{133004, 503, "Server temporarily unavailable", "Server is temporarily unavailable."},
    MetaError{133010, 400, "Phone number Not Registered",
              "The phone number is not registered on the WhatsApp Business Platform."},
    MetaError{135000, 400, "Generic user error",
              "Message failed to send because of an unknown error with your request parameters."},
};

}  // namespace

MetaError meta_error(int code) {
  for (const auto& e : kErrors) {
    if (e.code == code) return e;
  }
  return MetaError{code, 400, "Unknown error", "The request failed for an unknown reason."};
}

std::string error_body(int code, std::string_view fbtrace_id, std::string_view details) {
  const auto e = meta_error(code);
  json::object error{
      {"message", "(#" + std::to_string(code) + ") " + std::string(e.title)},
      {"type", "OAuthException"},
      {"code", code},
      {"error_data",
       {{"messaging_product", "whatsapp"}, {"details", details.empty() ? e.details : details}}},
      {"fbtrace_id", fbtrace_id}};
  return json::serialize(json::object{{"error", std::move(error)}});
}

std::string auth_error_body(std::string_view fbtrace_id) {
  return json::serialize(
      json::object{{"error",
                    {{"message", "Invalid OAuth access token - Cannot parse access token"},
                     {"type", "OAuthException"},
                     {"code", 190},
                     {"fbtrace_id", fbtrace_id}}}});
}

std::string unknown_object_body(std::string_view method, std::string_view id,
                                std::string_view fbtrace_id) {
  std::string verb(method);
  std::transform(verb.begin(), verb.end(), verb.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return json::serialize(json::object{
      {"error",
       {{"message", "Unsupported " + verb + " request. Object with ID '" + std::string(id) +
                        "' does not exist, cannot be loaded due to missing permissions, or does "
                        "not support this operation. Please read the Graph API documentation at "
                        "https://developers.facebook.com/docs/graph-api"},
        {"type", "GraphMethodException"},
        {"code", 100},
        {"error_subcode", 33},
        {"fbtrace_id", fbtrace_id}}}});
}

json::object status_error(int code, std::string_view details) {
  const auto e = meta_error(code);
  return {{"code", code},
          {"title", e.title},
          {"message", e.title},
          {"error_data", {{"details", details.empty() ? e.details : details}}},
          {"href", kErrorHref}};
}

std::string meta_json_encode(std::string_view in, bool escape_slashes) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  const auto put = [&](unsigned cp) {
    static constexpr char kHex[] = "0123456789abcdef";
    const char escaped[6] = {
        '\\',          'u', kHex[(cp >> 12) & 0xf], kHex[(cp >> 8) & 0xf], kHex[(cp >> 4) & 0xf],
        kHex[cp & 0xf]};
    out.append(escaped, 6);
  };
  for (std::size_t i = 0; i < in.size();) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if (c == '/' && escape_slashes) {
        out += "\\/";
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence; a broken one becomes U+FFFD.
    unsigned cp = 0xFFFD;
    std::size_t len = 1;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool valid = len > 1 && i + len <= in.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(in[i + k]);
      if ((cc & 0xC0) != 0x80) {
        valid = false;
      } else {
        cp = (cp << 6) | (cc & 0x3F);
      }
    }
    if (!valid) {
      cp = 0xFFFD;
      len = 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp);
    }
    i += len;
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string make_wamid(Rng& rng, std::string_view wa_id) {
  // The layout of real wamids: 1C 18 <len> <recipient> 15 02 00 11 18 12 <18 hex chars> 00.
  std::string raw = "\x1C\x18";
  raw += static_cast<char>(std::min<std::size_t>(wa_id.size(), 0x7F));
  raw += wa_id.substr(0, 0x7F);
  raw += std::string("\x15\x02\x00\x11\x18\x12", 6);
  raw += rng.hex(18, true);
  raw += '\0';
  return "wamid." + base64(raw);
}

std::string make_fbtrace_id(Rng& rng) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string out(23, 'A');
  for (auto& c : out)
    c = kChars[rng.next() & 63];
  return out;
}

}  // namespace kirim::whatsapp::sandbox
