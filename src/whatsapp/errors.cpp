#include "whatsapp/errors.h"

#include <algorithm>
#include <array>

namespace kirim::whatsapp {
namespace {

using C = ErrorClass;

// Every code of the reference's error table, with Meta's meaning and what Kirim does about it.
// Sorted by code (checked by a test) so that lookups can bisect.
constexpr std::array kErrors = {
    ErrorInfo{0, C::stop_auth, "Authentication failed", "Pause sends on this token; re-auth"},
    ErrorInfo{1, C::retry, "Unknown API error", "Retry with backoff, then dead-letter"},
    ErrorInfo{2, C::retry, "Service temporarily unavailable", "Retry with backoff"},
    ErrorInfo{3, C::stop_auth, "Missing capability or permission", "Pause; fix app permissions"},
    ErrorInfo{4, C::throttle, "Application rate limit hit", "Slow down; retry later"},
    ErrorInfo{10, C::stop_auth, "Permission denied", "Pause; fix app permissions"},
    ErrorInfo{100, C::fix_payload, "Invalid parameter", "Fix the payload; no retry"},
    ErrorInfo{190, C::stop_auth, "Access token expired", "Pause sends on this token; re-auth"},
    ErrorInfo{368, C::stop_number, "Temporarily blocked for policy violations",
              "Pause the number; human review"},
    ErrorInfo{80007, C::throttle, "WABA rate limit hit", "Slow down; retry later"},
    ErrorInfo{130429, C::throttle, "Throughput rate limit hit",
              "Throttle the number; retry with backoff"},
    ErrorInfo{130472, C::drop_recipient, "Recipient is in a marketing experiment",
              "Drop for this send"},
    ErrorInfo{130497, C::drop_recipient, "Business account barred from the recipient's country",
              "Drop recipients in that country"},
    ErrorInfo{131000, C::retry, "Something went wrong", "Retry with backoff, a few times"},
    ErrorInfo{131005, C::stop_auth, "Access denied", "Pause; fix app permissions"},
    ErrorInfo{131008, C::fix_payload, "Required parameter is missing", "Fix the payload"},
    ErrorInfo{131009, C::fix_payload, "Parameter value is not valid", "Fix payload or recipient"},
    ErrorInfo{131016, C::retry, "Service unavailable", "Retry with backoff"},
    ErrorInfo{131021, C::drop_recipient, "Recipient cannot be the sender", "Drop"},
    ErrorInfo{131026, C::drop_recipient, "Message undeliverable",
              "Drop from the campaign; mark the number suspect"},
    ErrorInfo{131031, C::stop_number, "Account has been locked", "Pause the number; human review"},
    ErrorInfo{131037, C::stop_number, "Display name approval needed", "Pause the number"},
    ErrorInfo{131042, C::billing, "Business eligibility payment issue",
              "Pause paid sends; alert the owner"},
    ErrorInfo{131045, C::stop_number, "Incorrect certificate", "Pause the number; register it"},
    ErrorInfo{131047, C::window_closed, "Re-engagement message",
              "Outside the 24-hour window: send a template or drop"},
    ErrorInfo{131048, C::stop_number, "Spam rate limit hit",
              "Pause the number and its campaigns; check quality"},
    ErrorInfo{131049, C::drop_recipient, "Meta chose not to deliver (per-user marketing limit)",
              "Drop; no resend for 24 hours"},
    ErrorInfo{131050, C::drop_recipient, "User stopped marketing messages", "Suppress; drop"},
    ErrorInfo{131051, C::fix_payload, "Unsupported message type", "Fix the payload"},
    // An inbound problem: the user's own media; nothing to resend on our side.
    ErrorInfo{131052, C::drop_recipient, "Media download error", "Ask the user to resend"},
    ErrorInfo{131053, C::fix_payload, "Media upload error", "Fix the media or its URL; re-upload"},
    ErrorInfo{131056, C::throttle_recipient, "Pair rate limit hit",
              "Delay this recipient (4^X s); others continue"},
    ErrorInfo{131057, C::retry, "Account in maintenance mode", "Retry after about a minute"},
    ErrorInfo{131064, C::fix_template, "Messaging limit hit for template violations",
              "Pause the campaign; review its templates"},
    ErrorInfo{132000, C::fix_template, "Template parameter count mismatch",
              "Fix the mapping; pause the campaign"},
    ErrorInfo{132001, C::fix_template, "Template does not exist in this language",
              "Fix name or locale, or wait for approval; pause"},
    ErrorInfo{132005, C::fix_template, "Translated text too long", "Fix the template"},
    ErrorInfo{132007, C::fix_template, "Template format character policy violated",
              "Fix the template"},
    ErrorInfo{132008, C::fix_template, "Template parameter value is not valid", "Fix the values"},
    ErrorInfo{132012, C::fix_template, "Template parameter format mismatch",
              "Fix the mapping; pause the campaign"},
    ErrorInfo{132015, C::fix_template, "Template is paused",
              "Pause the campaign; resume when it is approved again"},
    ErrorInfo{132016, C::fix_template, "Template is disabled", "Stop; create a new template"},
    ErrorInfo{132068, C::fix_template, "Flow is blocked", "Fix the Flow"},
    ErrorInfo{132069, C::fix_template, "Flow is throttled", "Slow down the Flow's sends"},
    ErrorInfo{133004, C::retry, "Server temporarily unavailable", "Retry with backoff"},
    ErrorInfo{133010, C::stop_number, "Phone number not registered",
              "Pause the number; register it"},
    ErrorInfo{135000, C::fix_payload, "Generic user error", "Fix the payload"},
};

// Codes that Meta documents as a family rather than one by one.
struct ErrorRange {
  int first = 0;
  int last = 0;
  ErrorInfo info;
};
constexpr std::array kRanges = {
    ErrorRange{200, 299, {0, C::stop_auth, "API permission error", "Pause; fix app permissions"}},
    ErrorRange{132000,
               132999,
               {0, C::fix_template, "Template error", "Fix the template or its parameters"}},
};

struct ClassName {
  ErrorClass cls;
  std::string_view name;
};
constexpr std::array kClassNames = {
    ClassName{C::retry, "retry"},
    ClassName{C::throttle, "throttle"},
    ClassName{C::throttle_recipient, "throttle_recipient"},
    ClassName{C::stop_number, "stop_number"},
    ClassName{C::stop_auth, "stop_auth"},
    ClassName{C::drop_recipient, "drop_recipient"},
    ClassName{C::fix_template, "fix_template"},
    ClassName{C::fix_payload, "fix_payload"},
    ClassName{C::billing, "billing"},
    ClassName{C::window_closed, "window_closed"},
};

constexpr bool sorted_by_code() {
  for (std::size_t i = 1; i < kErrors.size(); ++i)
    if (kErrors[i - 1].code >= kErrors[i].code) return false;
  return true;
}
static_assert(sorted_by_code(), "kErrors must stay sorted by code");

}  // namespace

std::string_view error_class_name(ErrorClass c) {
  for (const auto& n : kClassNames)
    if (n.cls == c) return n.name;
  return "unknown";
}

std::optional<ErrorInfo> lookup_error(int code) {
  const auto it = std::lower_bound(kErrors.begin(), kErrors.end(), code,
                                   [](const ErrorInfo& e, int c) { return e.code < c; });
  if (it != kErrors.end() && it->code == code) return *it;
  for (const auto& r : kRanges) {
    if (code >= r.first && code <= r.last) {
      ErrorInfo info = r.info;
      info.code = code;
      return info;
    }
  }
  return std::nullopt;
}

ErrorClass classify_status(int http_status) {
  if (http_status == 0 || http_status >= 500) return C::retry;
  if (http_status == 429) return C::throttle;
  if (http_status >= 400) return C::fix_payload;
  // A 1xx-3xx that still failed (e.g. a 200 without the expected body): transient.
  return C::retry;
}

ErrorClass classify_error(int code, int http_status) {
  if (code == 0 && http_status == 0) return classify_status(0);
  if (const auto info = lookup_error(code)) return info->cls;
  return classify_status(http_status);
}

bool retryable(ErrorClass c) {
  return c == C::retry || c == C::throttle || c == C::throttle_recipient;
}

}  // namespace kirim::whatsapp
