#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

// Password hashing with Argon2id (libsodium's crypto_pwhash_str, interactive limits).
// Thread-safe. Each call costs tens of milliseconds and 64 MiB: call from the blocking pool.
namespace kirim::accounts {

inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 1024;

[[nodiscard]] Result<std::string> hash_password(std::string_view password);
[[nodiscard]] bool verify_password(const std::string& hash, std::string_view password);
// Spends the time of one verification without a stored hash, so that a login for an unknown
// email takes as long as one for a known email.
void burn_verification_time(std::string_view password);

}  // namespace kirim::accounts
