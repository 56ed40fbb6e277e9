#include "core/crypto.h"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include "core/check.h"

namespace kirim::crypto {
namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0xf];
  }
  return out;
}

}  // namespace

void init() {
  KIRIM_CHECK(sodium_init() >= 0, "libsodium failed to initialize");
}

std::string random_token(std::size_t n_bytes) {
  std::string bytes(n_bytes, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return base64url(bytes);
}

std::string base64url(std::string_view bytes) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), in, bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return to_hex(digest.data(), digest.size());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t out_len = 0;
  const auto* r = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                            out.data(), out.size(), &out_len);
  KIRIM_CHECK(r != nullptr, "HMAC-SHA256 failed");
  return to_hex(out.data(), out_len);
}

std::optional<std::string> from_base64(std::string_view text) {
  for (int variant : {sodium_base64_VARIANT_URLSAFE_NO_PADDING, sodium_base64_VARIANT_URLSAFE,
                      sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING}) {
    std::string out(text.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, nullptr, variant) == 0) {
      out.resize(len);
      return out;
    }
  }
  return std::nullopt;
}

namespace {
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kSealPrefix = "v1.";
}  // namespace

std::string seal_secret(std::string_view key, std::string_view plaintext) {
  KIRIM_CHECK(key.size() == kSecretKeyBytes, "the secret key must be 32 bytes");
  std::string buf(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(buf.data());
  randombytes_buf(nonce, kNonceBytes);
  auto* ct = nonce + kNonceBytes;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  KIRIM_CHECK(ctx != nullptr, "EVP_CIPHER_CTX_new failed");
  int len = 0, total = 0;
  bool ok =
      EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()), nonce) == 1 &&
      EVP_EncryptUpdate(ctx, ct, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(ctx, ct + total, &len) == 1;
  total += len;
  ok = ok &&
       EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), ct + total) == 1;
  EVP_CIPHER_CTX_free(ctx);
  KIRIM_CHECK(ok, "AES-256-GCM encryption failed");
  return std::string(kSealPrefix) + base64url(buf);
}

std::optional<std::string> open_secret(std::string_view key, std::string_view sealed) {
  if (key.size() != kSecretKeyBytes || !sealed.starts_with(kSealPrefix)) return std::nullopt;
  auto raw = from_base64(sealed.substr(kSealPrefix.size()));
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return std::nullopt;
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  const auto ct_len = raw->size() - kNonceBytes - kTagBytes;
  const auto* ct = nonce + kNonceBytes;
  std::string out(ct_len, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return std::nullopt;
  int len = 0;
  std::string tag(raw->substr(kNonceBytes + ct_len));
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr,
                               reinterpret_cast<const unsigned char*>(key.data()), nonce) == 1 &&
            EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, ct,
                              static_cast<int>(ct_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                                tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return std::nullopt;
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kirim::crypto
