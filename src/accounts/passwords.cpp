#include "accounts/passwords.h"

#include <mutex>

#include <sodium.h>

namespace kirim::accounts {

Result<std::string> hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(Errc::unavailable, "not enough memory to hash a password");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void burn_verification_time(std::string_view password) {
  static std::once_flag once;
  static std::string dummy;
  std::call_once(once, [] {
    auto h = hash_password("kirim-timing-equalizer");
    dummy = h.ok() ? h.value() : std::string();
  });
  if (!dummy.empty()) (void)verify_password(dummy, password);
}

}  // namespace kirim::accounts
