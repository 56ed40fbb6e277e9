#pragma once

#include <cstddef>
#include <optional>
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
// The bytes of unpadded (or padded) base64url or standard base64 text; nullopt when malformed.
[[nodiscard]] std::optional<std::string> from_base64(std::string_view text);

// Secrets at rest: AES-256-GCM under a 32-byte key, with a random 96-bit nonce per message.
// The result is "v1." + base64url(nonce | ciphertext | tag). open_secret() returns nullopt for
// a wrong key or anything tampered with.
inline constexpr std::size_t kSecretKeyBytes = 32;
[[nodiscard]] std::string seal_secret(std::string_view key, std::string_view plaintext);
[[nodiscard]] std::optional<std::string> open_secret(std::string_view key, std::string_view sealed);

}  // namespace kirim::crypto
