#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/login_limiter.h"
#include "accounts/roles.h"
#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"

// Workspaces, users, memberships, login sessions and API tokens. Every method is scoped by the
// caller's workspace, blocks on the database, and is thread-safe. Accounts borrows the Database
// and Clock, which must outlive it.
namespace kirim::accounts {

// Who is making a request, established from a session cookie or an API token.
struct Principal {
  std::int64_t user_id = 0;
  std::int64_t workspace_id = 0;
  Role role = Role::viewer;
  std::optional<std::int64_t> session_id;  // set for cookie sessions
  std::optional<std::int64_t> token_id;    // set for API tokens
  std::string csrf_token;                  // the session's; empty for API tokens
};

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  Role role = Role::viewer;
  std::int64_t created_at = 0;
};

struct Workspace {
  std::int64_t id = 0;
  std::string name;
  std::int64_t created_at = 0;
};

struct WorkspaceStats {
  std::int64_t users = 0;
  std::int64_t api_tokens = 0;
};

struct Me {
  User user;
  Workspace workspace;
  std::string csrf_token;
};

struct LoginResult {
  Me me;
  std::string session_token;  // the cookie's value; stored only as a hash
  std::int64_t expires_at = 0;
};

struct ApiToken {
  std::int64_t id = 0;
  std::string name;
  std::string prefix;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::int64_t user_id = 0;
  std::string user_email;
  std::string user_name;
};

struct NewApiToken {
  ApiToken token;
  std::string secret;  // shown once
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::int64_t> next_after;  // pass as `after` for the next page
};

// Limits and lifetimes, in one place.
inline constexpr std::int64_t kSessionIdleMs = 14LL * 24 * 3600 * 1000;  // sliding expiry
inline constexpr std::int64_t kTouchIntervalMs =
    60'000;  // last_seen/last_used write at most this often
inline constexpr int kMaxFailuresPerEmail = 5;
inline constexpr int kMaxFailuresPerAddress = 30;
inline constexpr std::chrono::seconds kFailureWindow{15 * 60};
inline constexpr std::size_t kMaxNameLength = 200;

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
};

// Lower-cases and checks an email address; invalid_argument naming the problem otherwise.
[[nodiscard]] Result<std::string> normalize_email(const std::string& email);
[[nodiscard]] Result<void> check_password_rules(const std::string& password);

}  // namespace kirim::accounts
