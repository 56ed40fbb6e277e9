#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

// The Pusher protocol 7 as pure functions: channel kinds and names, signatures, frames.
namespace kirim::realtime {

enum class ChannelKind { public_, private_, encrypted, presence, user };

struct ChannelType {
  ChannelKind kind = ChannelKind::public_;
  bool cache = false;
};

inline constexpr std::size_t kMaxChannelName = 164;

// The kind of a channel from its prefix (longest first); nullopt for an invalid name.
[[nodiscard]] std::optional<ChannelType> channel_type(std::string_view name);
// "#server-to-user-{id}" -> id, else nullopt.
[[nodiscard]] std::optional<std::string> user_channel_id(std::string_view name);

// hex(HMAC-SHA256(secret, text)) compared in constant time with the hex after "key:" in `auth`,
// whose key part must equal `key`.
[[nodiscard]] bool valid_auth(std::string_view auth, std::string_view key, std::string_view secret,
                              std::string_view text);
[[nodiscard]] std::string sign(std::string_view secret, std::string_view text);

// "<digits>.<digits>", unique enough per process.
[[nodiscard]] std::string new_socket_id();
// True for the "<digits>.<digits>" shape SDKs and Kirim give socket ids.
[[nodiscard]] bool valid_socket_id(std::string_view s);

// {"event":E[,"channel":C],"data":D} where D is given as already-encoded JSON (a string literal
// or an object), inserted verbatim.
[[nodiscard]] std::string frame(std::string_view event, std::string_view channel,
                                std::string_view data_json);
// The JSON string literal of s (for data that must travel as a string).
[[nodiscard]] std::string json_string(std::string_view s);
// pusher:error with a code (or null) and a message; channel-scoped when channel is not empty.
[[nodiscard]] std::string error_frame(int code, std::string_view message,
                                      std::string_view channel = {});

// Verifies a signed HTTP API request (auth_key, auth_timestamp, auth_version, body_md5,
// auth_signature) against the app's key and secret. `query` is the decoded query parameters.
struct ApiRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> query;
  std::string body;
};
[[nodiscard]] Result<void> verify_api_signature(const ApiRequest& req, std::string_view key,
                                                std::string_view secret, std::int64_t now_s,
                                                std::int64_t max_skew_s);
[[nodiscard]] std::string md5_hex(std::string_view data);

}  // namespace kirim::realtime
