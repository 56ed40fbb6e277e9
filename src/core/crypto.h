#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Small wrappers over OpenSSL and libsodium for what every module needs. Thread-safe.
namespace kirim::crypto {

// Must run once before any other function here (initializes libsodium).
void init();

// n cryptographically random bytes, encoded as unpadded base64url.
[[nodiscard]] std::string random_token(std::size_t n_bytes);
[[nodiscard]] std::string sha256_hex(std::string_view data);
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares in time that depends only on the lengths.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);
[[nodiscard]] std::string base64url(std::string_view bytes);

}  // namespace kirim::crypto
