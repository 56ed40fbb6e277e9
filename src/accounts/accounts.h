#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/auth_cache.h"
#include "accounts/login_limiter.h"
#include "accounts/roles.h"
#include "accounts/types.h"
#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"

// Workspaces, users, memberships, login sessions and API tokens. Every method is scoped by the
// caller's workspace, blocks on the database, and is thread-safe. Accounts borrows the Database
// and Clock, which must outlive it.
namespace kirim::accounts {

// Limits and lifetimes, in one place.
inline constexpr std::int64_t kSessionIdleMs = 14LL * 24 * 3600 * 1000;  // sliding expiry
inline constexpr std::int64_t kTouchIntervalMs =
    60'000;  // last_seen/last_used write at most this often
inline constexpr int kMaxFailuresPerEmail = 5;
inline constexpr int kMaxFailuresPerAddress = 30;
inline constexpr std::chrono::seconds kFailureWindow{15 * 60};
inline constexpr std::size_t kMaxNameLength = 200;
// How long this process trusts what it remembers of a credential or a profile. Changes made through
// this process apply at once; changes made by another process (a second node, the CLI) within this.
inline constexpr std::int64_t kAuthCacheTtlMs = 2'000;

class Accounts {
 public:
  Accounts(db::Database& db, const Clock& clock);
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // Creates the first workspace and its owner when there are no users yet. Returns the generated
  // password when none was given, std::nullopt when users already exist.
  struct Bootstrap {
    std::string email;
    std::string password;  // empty when the caller supplied it
  };
  [[nodiscard]] Result<std::optional<Bootstrap>> bootstrap(const std::string& email,
                                                           const std::string& password);

  // unauthenticated for a bad email/password (never says which), too_many when limited (the
  // reason "too_many_requests" and details["retry_after"] in seconds).
  [[nodiscard]] Result<LoginResult> login(const std::string& email, const std::string& password,
                                          const std::string& ip, const std::string& user_agent);
  [[nodiscard]] Result<void> logout(std::int64_t session_id);
  [[nodiscard]] Result<Principal> authenticate_session(const std::string& session_token);
  [[nodiscard]] Result<Principal> authenticate_token(const std::string& bearer);
  // Memory-only answers for the I/O thread: nullopt whenever the database must be asked (unknown
  // or stale credential, a last-seen time due for writing, a profile not cached).
  [[nodiscard]] std::optional<Principal> cached_session(const std::string& session_token);
  [[nodiscard]] std::optional<Principal> cached_token(const std::string& bearer);
  [[nodiscard]] std::optional<Me> cached_me(const Principal& p);

  [[nodiscard]] Result<Me> me(const Principal& p);
  [[nodiscard]] Result<Me> update_profile(const Principal& p, const std::string& name);
  [[nodiscard]] Result<void> change_password(const Principal& p, const std::string& current,
                                             const std::string& next);

  [[nodiscard]] Result<Workspace> workspace(const Principal& p);
  [[nodiscard]] Result<WorkspaceStats> workspace_stats(const Principal& p);
  [[nodiscard]] Result<Workspace> rename_workspace(const Principal& p, const std::string& name);

  [[nodiscard]] Result<Page<User>> list_users(std::int64_t workspace_id, std::int64_t after,
                                              int limit);
  [[nodiscard]] Result<User> create_user(const Principal& actor, const std::string& email,
                                         const std::string& name, const std::string& password,
                                         Role role);
  [[nodiscard]] Result<User> update_user(const Principal& actor, std::int64_t user_id,
                                         const std::optional<std::string>& name,
                                         std::optional<Role> role);
  [[nodiscard]] Result<void> remove_user(const Principal& actor, std::int64_t user_id);

  [[nodiscard]] Result<Page<ApiToken>> list_tokens(const Principal& p, std::int64_t after,
                                                   int limit);
  [[nodiscard]] Result<NewApiToken> create_token(const Principal& p, const std::string& name);
  [[nodiscard]] Result<void> revoke_token(const Principal& p, std::int64_t token_id);

  // For the command line, which acts as the instance's operator: the first workspace.
  [[nodiscard]] Result<User> cli_create_user(const std::string& email, const std::string& name,
                                             const std::string& password, Role role);
  [[nodiscard]] Result<std::vector<User>> cli_list_users();
  [[nodiscard]] Result<void> cli_reset_password(const std::string& email,
                                                const std::string& password);

 private:
  Result<User> find_member(std::int64_t workspace_id, std::int64_t user_id);
  Result<User> insert_member(std::int64_t workspace_id, const std::string& email,
                             const std::string& name, const std::string& password, Role role);
  Result<std::int64_t> first_workspace();

  db::Database& db_;
  const Clock& clock_;
  LoginLimiter per_email_;
  LoginLimiter per_address_;
  AuthCache cache_;
};

// Lower-cases and checks an email address; invalid_argument naming the problem otherwise.
[[nodiscard]] Result<std::string> normalize_email(const std::string& email);
[[nodiscard]] Result<void> check_password_rules(const std::string& password);

}  // namespace kirim::accounts
