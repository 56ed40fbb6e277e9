#pragma once

#include <optional>
#include <string>
#include <string_view>

// What to do about an error of the WhatsApp Cloud API (Graph API): one table of every code that
// the reference lists, each with its class. The queue, the rate limiter and the campaign engine
// act on the class, never on the raw code.
namespace kirim::whatsapp {

enum class ErrorClass {
  retry,               // transient (1, 2, 131000, 131016, 131057, 133004, network, 5xx): back off
  throttle,            // the app, the WABA or the number is over its rate (4, 80007, 130429)
  throttle_recipient,  // one recipient is over the pair rate (131056): delay only them
  stop_number,         // the number cannot send (131048, 368, 131031, 131045, 133010, 131037)
  stop_auth,           // the token or its permissions fail (0, 190, 3, 10, 200-299, 131005)
  drop_recipient,      // this recipient cannot get it (131021, 131026, 131049, 131050, ...)
  fix_template,        // the template or its parameters are wrong (132xxx)
  fix_payload,         // the request itself is wrong (100, 131008, 131009, 131051, 135000)
  billing,             // payment problem (131042): paid sends pause
  window_closed,       // outside the 24-hour customer-service window (131047): send a template
};

[[nodiscard]] std::string_view error_class_name(ErrorClass c);

struct ErrorInfo {
  int code = 0;
  ErrorClass cls = ErrorClass::retry;
  std::string_view title;   // Meta's short meaning, e.g. "Pair rate limit hit"
  std::string_view action;  // what Kirim does, for people
};

// The entry for a known code, or nullopt.
[[nodiscard]] std::optional<ErrorInfo> lookup_error(int code);

// The class of an error: from the table for known codes (200-299 and unlisted 132xxx codes by
// range); otherwise by HTTP status (5xx and 429: retry / throttle, other 4xx: fix_payload).
// http_status 0 means no response came (a network failure): retry. Codes from status webhooks
// have no HTTP status either; pass 0 and the table decides. Code 0 with http_status 0 is "no
// code", never Meta's code 0.
[[nodiscard]] ErrorClass classify_error(int code, int http_status);

// The class of a failure that carries no Meta error code (a transport failure, or a response
// without an error body): 0 (no response) and 5xx retry, 429 throttles, other 4xx fix_payload.
[[nodiscard]] ErrorClass classify_status(int http_status);

// Whether a failed send may be sent again automatically: only when Meta certainly did not take
// it (an error body with a code, or a connection that never reached it). A timeout after the
// request was written is never retried blindly: its outcome is unknown.
[[nodiscard]] bool retryable(ErrorClass c);

}  // namespace kirim::whatsapp
