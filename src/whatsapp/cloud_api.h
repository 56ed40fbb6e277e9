#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "whatsapp/errors.h"
#include "whatsapp/http_client.h"

// The WhatsApp Cloud API (Graph API) as typed calls over HttpClient: messages, mark-as-read,
// media, templates and phone numbers. Stateless apart from the HttpClient it borrows; thread-safe.
// Every call exists in an asynchronous form (callback on the HttpClient's thread) and, where the
// callers are blocking pools (account refresh, template sync), a blocking one.
namespace kirim::whatsapp {

inline constexpr const char* kDefaultGraphUrl = "https://graph.facebook.com/v23.0";

// Page size asked of Graph listings, and the most pages one listing follows before giving up.
inline constexpr int kListPageSize = 100;
inline constexpr int kMaxListPages = 100;
// Media moves up to 100 MB: its calls get longer than the default request timeout.
inline constexpr std::chrono::milliseconds kMediaTimeout{120'000};
// Messages per second of a number by throughput.level (STANDARD, NOT_APPLICABLE, unknown / HIGH).
inline constexpr int kStandardThroughputMps = 80;
inline constexpr int kHighThroughputMps = 1000;

// Where and as whom to call: an account's Graph base URL (no trailing slash; the sandbox's in
// tests) and its access token.
struct Credentials {
  std::string base_url = kDefaultGraphUrl;
  std::string access_token;
};

// A failed call. `code` is Meta's error code (0 when the body had none); `cls` says what to do.
struct GraphError {
  int code = 0;
  int http_status = 0;  // 0: no response
  ErrorClass cls = ErrorClass::retry;
  Transport transport = Transport::ok;
  std::string message;  // Meta's message, or the transport's
  std::string title;    // error_user_title / error_data.details when given
  std::string fbtrace_id;
  // True when Meta may have acted on the request (timeout, broken connection or client shutdown
  // after sending, or a 2xx without the expected body): a send with this outcome must be marked
  // unknown, never resent blindly, whatever `cls` says. False for connect_failed and for error
  // bodies.
  bool outcome_unknown = false;
};

template <typename T>
struct GraphResult {
  std::optional<T> value;
  GraphError error;  // meaningful only when !ok()
  [[nodiscard]] bool ok() const { return value.has_value(); }
};

struct SendAccepted {
  std::string wamid;           // messages[0].id
  std::string wa_id;           // contacts[0].wa_id (may differ from what was sent)
  std::string input;           // contacts[0].input
  std::string message_status;  // accepted | held_for_quality_assessment | paused | ""
};

struct MediaInfo {
  std::string id, url, mime_type, sha256;
  std::int64_t file_size = 0;
};

struct PhoneNumberInfo {
  std::string id;                                                   // phone number id (pnid)
  std::string display_phone_number, verified_name, quality_rating;  // GREEN, YELLOW, RED, UNKNOWN
  std::string messaging_limit_tier;  // TIER_250 ... TIER_UNLIMITED, from the limit fields
  int throughput_mps = 80;           // from throughput.level: STANDARD 80, HIGH 1000
  std::string status;                // CONNECTED, ...
};

struct TemplateInfo {
  std::string id, name, language, status, category, quality, parameter_format, rejected_reason;
  boost::json::value components;  // as Meta returns them
};

class CloudApi {
 public:
  explicit CloudApi(HttpClient& http) : http_(http) {}

  template <typename T>
  using Done = std::function<void(GraphResult<T>)>;

  // POST /{pnid}/messages with a body from messages.h (messaging_product is added when absent).
  void send_message(const Credentials& c, const std::string& pnid, boost::json::object body,
                    Done<SendAccepted> done);
  [[nodiscard]] GraphResult<SendAccepted> send_message(const Credentials& c,
                                                       const std::string& pnid,
                                                       boost::json::object body);
  // POST /{pnid}/messages {status: read, message_id[, typing_indicator]}.
  [[nodiscard]] GraphResult<bool> mark_read(const Credentials& c, const std::string& pnid,
                                            const std::string& wamid, bool typing = false);

  // Media: upload (multipart), resolve, download (the URL needs the token), delete.
  [[nodiscard]] GraphResult<std::string> upload_media(const Credentials& c, const std::string& pnid,
                                                      const std::string& mime_type,
                                                      const std::string& filename,
                                                      std::string bytes);
  [[nodiscard]] GraphResult<MediaInfo> get_media(const Credentials& c, const std::string& media_id);
  [[nodiscard]] GraphResult<std::string> download_media(const Credentials& c,
                                                        const std::string& url);
  [[nodiscard]] GraphResult<bool> delete_media(const Credentials& c, const std::string& media_id);

  // Phone numbers of a WABA, and one number.
  [[nodiscard]] GraphResult<std::vector<PhoneNumberInfo>> list_phone_numbers(
      const Credentials& c, const std::string& waba_id);
  [[nodiscard]] GraphResult<PhoneNumberInfo> get_phone_number(const Credentials& c,
                                                              const std::string& pnid);

  // Templates: every page of GET /{waba}/message_templates; create; delete by name.
  [[nodiscard]] GraphResult<std::vector<TemplateInfo>> list_templates(const Credentials& c,
                                                                      const std::string& waba_id);
  // body: {name, language, category, components[, parameter_format]} (messages.h builds it).
  // Returns {id, status, category}.
  [[nodiscard]] GraphResult<TemplateInfo> create_template(const Credentials& c,
                                                          const std::string& waba_id,
                                                          boost::json::object body);
  [[nodiscard]] GraphResult<bool> delete_template(const Credentials& c, const std::string& waba_id,
                                                  const std::string& name);

 private:
  HttpClient& http_;
};

// Reads Meta's error envelope {"error":{message,type,code,error_data,error_subcode,fbtrace_id}}
// from a response (or the transport failure) and classifies it.
[[nodiscard]] GraphError graph_error(const HttpResponse& r);

}  // namespace kirim::whatsapp
