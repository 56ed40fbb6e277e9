#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "accounts/types.h"
#include "core/clock.h"

namespace kirim::accounts {

// What this process recently learned from the database about credentials (by the hash of a
// session or API token) and profiles (by workspace and user), so that most authenticated reads
// need no query. Entries expire after a TTL; Accounts drops the affected entries whenever it
// changes sessions, tokens, memberships, users or workspaces. Thread-safe; owned by Accounts.
class AuthCache {
 public:
  AuthCache(const Clock& clock, std::int64_t ttl_ms) : clock_(clock), ttl_ms_(ttl_ms) {}

  // Bumped by every drop. A caller reads it before querying the database and passes it to put_*,
  // which then stores nothing if a drop happened in between (the answer may be stale).
  [[nodiscard]] std::uint64_t generation() const;

  // The principal when known, fresh, and not due for a last-seen write at `touch_due_ms`.
  [[nodiscard]] std::optional<Principal> credential(const std::string& key);
  void put_credential(const std::string& key, const Principal& p, std::int64_t touch_due_ms,
                      std::uint64_t generation);
  [[nodiscard]] std::optional<Me> me(std::int64_t workspace_id, std::int64_t user_id);
  void put_me(const Me& me, std::uint64_t generation);

  void drop_session(std::int64_t session_id);
  void drop_token(std::int64_t token_id);
  void drop_user(std::int64_t user_id);            // their credentials and profiles
  void drop_workspace(std::int64_t workspace_id);  // its profiles (the workspace part changed)

 private:
  // Beyond this many entries the cache starts over, which bounds memory.
  static constexpr std::size_t kMaxEntries = 100'000;

  struct CredentialEntry {
    Principal principal;
    std::int64_t fresh_until_ms;
    std::int64_t touch_due_ms;
  };
  struct MeEntry {
    Me me;
    std::int64_t fresh_until_ms;
  };

  const Clock& clock_;
  const std::int64_t ttl_ms_;
  mutable std::mutex mu_;
  std::uint64_t generation_ = 0;                                  // guarded by mu_
  std::unordered_map<std::string, CredentialEntry> credentials_;  // guarded by mu_
  std::unordered_map<std::string, MeEntry> profiles_;  // "workspace:user", guarded by mu_
};

}  // namespace kirim::accounts
