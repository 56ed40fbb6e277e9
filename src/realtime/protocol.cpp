#include "realtime/protocol.h"

#include <array>
#include <atomic>
#include <cstdlib>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <openssl/evp.h>
#include <sodium.h>

#include "core/crypto.h"

namespace kirim::realtime {
namespace {

// Longest prefixes first, so that "private-encrypted-cache-" is not read as "private-".
constexpr std::pair<std::string_view, ChannelType> kPrefixes[] = {
    {"private-encrypted-cache-", {ChannelKind::encrypted, true}},
    {"private-encrypted-", {ChannelKind::encrypted, false}},
    {"private-cache-", {ChannelKind::private_, true}},
    {"presence-cache-", {ChannelKind::presence, true}},
    {"private-", {ChannelKind::private_, false}},
    {"presence-", {ChannelKind::presence, false}},
    {"cache-", {ChannelKind::public_, true}},
};

constexpr std::string_view kUserChannelPrefix = "#server-to-user-";

bool valid_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '=' || c == '@' || c == ',' || c == '.' || c == ';';
}

}  // namespace

std::optional<ChannelType> channel_type(std::string_view name) {
  if (name.empty() || name.size() > kMaxChannelName) return std::nullopt;
  if (name.starts_with(kUserChannelPrefix)) {
    const auto id = name.substr(kUserChannelPrefix.size());
    if (id.empty()) return std::nullopt;
    return ChannelType{ChannelKind::user, false};
  }
  for (char c : name) {
    if (!valid_name_char(c)) return std::nullopt;
  }
  for (const auto& [prefix, type] : kPrefixes) {
    if (name.starts_with(prefix)) return type;
  }
  return ChannelType{ChannelKind::public_, false};
}

std::optional<std::string> user_channel_id(std::string_view name) {
  if (!name.starts_with(kUserChannelPrefix) || name.size() == kUserChannelPrefix.size()) {
    return std::nullopt;
  }
  return std::string(name.substr(kUserChannelPrefix.size()));
}

std::string sign(std::string_view secret, std::string_view text) {
  return crypto::hmac_sha256_hex(secret, text);
}

bool valid_auth(std::string_view auth, std::string_view key, std::string_view secret,
                std::string_view text) {
  const auto colon = auth.find(':');
  if (colon == std::string_view::npos) return false;
  if (!crypto::constant_time_equal(auth.substr(0, colon), key)) return false;
  return crypto::constant_time_equal(auth.substr(colon + 1), sign(secret, text));
}

std::string new_socket_id() {
  // Two random integers below 10^10, as SDKs expect /^\d+\.\d+$/.
  const auto a = static_cast<std::uint64_t>(randombytes_uniform(1'000'000'000)) * 10 +
                 randombytes_uniform(10) + 1;
  const auto b = static_cast<std::uint64_t>(randombytes_uniform(1'000'000'000)) * 10 +
                 randombytes_uniform(10) + 1;
  return std::to_string(a) + "." + std::to_string(b);
}

bool valid_socket_id(std::string_view s) {
  const auto dot = s.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == s.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != dot && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

std::string json_string(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

std::string frame(std::string_view event, std::string_view channel, std::string_view data_json) {
  std::string out;
  out.reserve(32 + event.size() + channel.size() + data_json.size());
  out += "{\"event\":";
  out += json_string(event);
  if (!channel.empty()) {
    out += ",\"channel\":";
    out += json_string(channel);
  }
  if (!data_json.empty()) {
    out += ",\"data\":";
    out += data_json;
  }
  out += '}';
  return out;
}

std::string error_frame(int code, std::string_view message, std::string_view channel) {
  std::string data = "{\"code\":";
  data += code == 0 ? std::string("null") : std::to_string(code);
  data += ",\"message\":";
  data += json_string(message);
  data += '}';
  return frame("pusher:error", channel, data);
}

std::string md5_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_md5(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

Result<void> verify_api_signature(const ApiRequest& req, std::string_view key,
                                  std::string_view secret, std::int64_t now_s,
                                  std::int64_t max_skew_s) {
  const auto unauthorized = [](std::string m) {
    return make_error(Errc::unauthenticated, std::move(m), "unauthorized");
  };
  const auto one = [&](const char* name) -> std::optional<std::string> {
    auto it = req.query.find(name);
    if (it == req.query.end()) return std::nullopt;
    return it->second;
  };
  const auto auth_key = one("auth_key");
  const auto timestamp = one("auth_timestamp");
  const auto signature = one("auth_signature");
  if (!auth_key || !timestamp || !signature) {
    return unauthorized("auth_key, auth_timestamp and auth_signature are required");
  }
  if (*auth_key != key) return unauthorized("unknown auth_key");
  char* end = nullptr;
  const long long ts = std::strtoll(timestamp->c_str(), &end, 10);
  if (end == timestamp->c_str() || *end != '\0')
    return unauthorized("auth_timestamp is not a number");
  if (ts < now_s - max_skew_s || ts > now_s + max_skew_s) {
    return unauthorized("auth_timestamp is more than " + std::to_string(max_skew_s) +
                        " seconds from the server's time");
  }
  // body_md5 must match the bytes received, and is part of what is signed.
  const auto body_md5 = one("body_md5");
  if (!req.body.empty()) {
    if (!body_md5 || !crypto::constant_time_equal(*body_md5, md5_hex(req.body))) {
      return unauthorized("body_md5 does not match the body");
    }
  }
  // Every parameter but auth_signature, keys lower-cased, sorted, joined as k=v with &.
  std::map<std::string, std::string> params;
  for (const auto& [k, v] : req.query) {
    if (k == "auth_signature") continue;
    std::string lk = k;
    for (auto& c : lk)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    params[lk] = v;
  }
  std::string query;
  for (const auto& [k, v] : params) {
    if (!query.empty()) query += '&';
    query += k;
    query += '=';
    query += v;
  }
  const std::string to_sign = req.method + "\n" + req.path + "\n" + query;
  if (!crypto::constant_time_equal(*signature, sign(secret, to_sign))) {
    return unauthorized("invalid signature");
  }
  return {};
}

}  // namespace kirim::realtime
