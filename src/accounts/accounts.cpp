#include "accounts/accounts.h"

#include <algorithm>
#include <cctype>

#include "accounts/passwords.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"

namespace kirim::accounts {

using db::Value;

// The SQL of this module, one named block per statement.
namespace sql {

constexpr std::string_view kCountUsers = "SELECT COUNT(*) AS n FROM users";
constexpr std::string_view kFirstWorkspace = "SELECT MIN(id) AS id FROM workspaces";
constexpr std::string_view kInsertWorkspace =
    "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) RETURNING id";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (email, name, password_hash, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $4) RETURNING id";
constexpr std::string_view kInsertMembership =
    "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)";

// A user's login record and the first workspace they belong to.
constexpr std::string_view kLoginLookup =
    "SELECT u.id, u.password_hash, m.workspace_id FROM users u "
    "JOIN memberships m ON m.user_id = u.id WHERE u.email = $1 "
    "ORDER BY m.workspace_id LIMIT 1";
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, workspace_id, user_id, csrf_token, created_at, "
    "last_seen_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8) "
    "RETURNING id";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE id = $1";

constexpr std::string_view kFindSession =
    "SELECT s.id, s.user_id, s.workspace_id, s.csrf_token, s.last_seen_at, s.expires_at, m.role "
    "FROM sessions s JOIN memberships m ON m.workspace_id = s.workspace_id AND m.user_id = "
    "s.user_id "
    "WHERE s.token_hash = $1";
constexpr std::string_view kTouchSession =
    "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1";
constexpr std::string_view kFindToken =
    "SELECT t.id, t.user_id, t.workspace_id, t.last_used_at, m.role FROM api_tokens t "
    "JOIN memberships m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id "
    "WHERE t.token_hash = $1";
constexpr std::string_view kTouchToken = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";

constexpr std::string_view kMember =
    "SELECT u.id, u.email, u.name, m.role, u.created_at FROM users u "
    "JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 AND u.id = $2";
constexpr std::string_view kMembers =
    "SELECT u.id, u.email, u.name, m.role, u.created_at FROM users u "
    "JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 AND u.id > $2 "
    "ORDER BY u.id LIMIT $3";
constexpr std::string_view kMe =
    "SELECT u.id, u.email, u.name, m.role, u.created_at, w.id AS workspace_id, "
    "w.name AS workspace_name, w.created_at AS workspace_created_at FROM users u "
    "JOIN memberships m ON m.user_id = u.id JOIN workspaces w ON w.id = m.workspace_id "
    "WHERE m.workspace_id = $1 AND u.id = $2";
constexpr std::string_view kWorkspace = "SELECT id, name, created_at FROM workspaces WHERE id = $1";
constexpr std::string_view kRenameWorkspace = "UPDATE workspaces SET name = $2 WHERE id = $1";
constexpr std::string_view kWorkspaceStats =
    "SELECT (SELECT COUNT(*) FROM memberships WHERE workspace_id = $1) AS users, "
    "(SELECT COUNT(*) FROM api_tokens WHERE workspace_id = $1) AS api_tokens";

constexpr std::string_view kUpdateName =
    "UPDATE users SET name = $2, updated_at = $3 WHERE id = $1";
constexpr std::string_view kPasswordHash = "SELECT password_hash FROM users WHERE id = $1";
constexpr std::string_view kSetPassword =
    "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
constexpr std::string_view kDeleteOtherSessions =
    "DELETE FROM sessions WHERE user_id = $1 AND id <> $2";  // $2 = 0 keeps none
constexpr std::string_view kSetRole =
    "UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2";
constexpr std::string_view kCountOwners =
    "SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = $1 AND role = 'owner'";
constexpr std::string_view kDeleteMembership =
    "DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2";
constexpr std::string_view kDeleteWorkspaceSessions =
    "DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2";
constexpr std::string_view kDeleteWorkspaceTokens =
    "DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2";
constexpr std::string_view kDeleteUserWithoutMemberships =
    "DELETE FROM users WHERE id = $1 AND NOT EXISTS "
    "(SELECT 1 FROM memberships WHERE user_id = $1)";
constexpr std::string_view kUserByEmail = "SELECT id FROM users WHERE email = $1";

constexpr std::string_view kTokens =
    "SELECT t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.user_id, u.email, u.name AS "
    "user_name FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.workspace_id = $1 AND t.id > $2 ORDER BY t.id LIMIT $3";
constexpr std::string_view kInsertToken =
    "INSERT INTO api_tokens (workspace_id, user_id, name, prefix, token_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kDeleteToken =
    "DELETE FROM api_tokens WHERE workspace_id = $1 AND id = $2";

}  // namespace sql

namespace {

constexpr std::string_view kTokenPrefix = "kirim_";
constexpr std::size_t kShownPrefixLength = 10;  // "kirim_" and four characters

Error unauthenticated() {
  return make_error(Errc::unauthenticated, "Sign in to continue.", "unauthenticated");
}

Error forbidden(std::string message) {
  return make_error(Errc::forbidden, std::move(message), "forbidden");
}

User user_from(const db::Rows& rows, std::size_t i) {
  User u;
  u.id = rows.integer(i, "id");
  u.email = rows.text(i, "email");
  u.name = rows.text(i, "name");
  u.role = parse_role(rows.text(i, "role")).value_or(Role::viewer);
  u.created_at = rows.integer(i, "created_at");
  return u;
}

Error field_error(std::string field, std::string reason) {
  return json::validation_error({{std::move(field), std::move(reason)}});
}

Result<std::string> check_name(const std::string& name, const char* field) {
  if (name.empty()) return field_error(field, "must not be empty");
  if (name.size() > kMaxNameLength) {
    return field_error(field, "must be at most " + std::to_string(kMaxNameLength) + " characters");
  }
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::iscntrl(c); })) {
    return field_error(field, "must not contain control characters");
  }
  return name;
}

}  // namespace

Result<std::string> normalize_email(const std::string& email) {
  std::string e = email;
  std::transform(e.begin(), e.end(), e.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = e.find('@');
  const bool ok = e.size() <= 254 && at != std::string::npos && at > 0 &&
                  e.find('@', at + 1) == std::string::npos &&
                  e.find('.', at + 2) != std::string::npos && e.back() != '.' &&
                  std::none_of(e.begin(), e.end(),
                               [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); });
  if (!ok) return field_error("email", "must be a valid email address");
  return e;
}

Result<void> check_password_rules(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    return field_error("password",
                       "must be at least " + std::to_string(kMinPasswordLength) + " characters");
  }
  if (password.size() > kMaxPasswordLength) {
    return field_error("password",
                       "must be at most " + std::to_string(kMaxPasswordLength) + " characters");
  }
  return {};
}

Accounts::Accounts(db::Database& db, const Clock& clock)
    : db_(db),
      clock_(clock),
      per_email_(clock, kMaxFailuresPerEmail, kFailureWindow),
      per_address_(clock, kMaxFailuresPerAddress, kFailureWindow),
      cache_(clock, kAuthCacheTtlMs) {}

Result<std::optional<Accounts::Bootstrap>> Accounts::bootstrap(const std::string& email,
                                                               const std::string& password) {
  KIRIM_ASSIGN_OR_RETURN(auto count, db_.query(sql::kCountUsers));
  if (count.integer(0, "n") > 0) return std::optional<Bootstrap>();
  Bootstrap out;
  KIRIM_ASSIGN_OR_RETURN(out.email, normalize_email(email.empty() ? "admin@kirim.local" : email));
  std::string pw = password;
  if (pw.empty()) {
    pw = crypto::random_token(15);  // 20 characters
    out.password = pw;
  }
  KIRIM_TRY(check_password_rules(pw));
  KIRIM_ASSIGN_OR_RETURN(auto hash, hash_password(pw));
  const auto now = clock_.now_ms();
  bool created = false;
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(auto n, c.query(sql::kCountUsers));
    if (n.integer(0, "n") > 0) return {};  // another process got there first
    KIRIM_ASSIGN_OR_RETURN(auto ws,
                           c.query(sql::kInsertWorkspace, {std::string("My workspace"), now}));
    KIRIM_ASSIGN_OR_RETURN(auto u,
                           c.query(sql::kInsertUser, {out.email, std::string("Owner"), hash, now}));
    KIRIM_TRY(c.exec(sql::kInsertMembership,
                     {ws.integer(0, "id"), u.integer(0, "id"), std::string("owner"), now}));
    created = true;
    return {};
  }));
  if (!created) return std::optional<Bootstrap>();
  return std::optional<Bootstrap>(std::move(out));
}

Result<LoginResult> Accounts::login(const std::string& email_in, const std::string& password,
                                    const std::string& ip, const std::string& user_agent) {
  std::string email = email_in;
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string email_key = "email:" + email;
  const std::string ip_key = "ip:" + ip;
  const auto wait = std::max(per_email_.retry_after(email_key), per_address_.retry_after(ip_key));
  if (wait > 0) {
    Error e = make_error(Errc::too_many,
                         "Too many failed sign-in attempts. Try again in " +
                             std::to_string((wait + 59) / 60) + " minute(s).",
                         "too_many_requests");
    e.details["retry_after"] = std::to_string(wait);
    return e;
  }
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kLoginLookup, {email}));
  const bool found = !rows.empty();
  const bool ok = found ? verify_password(rows.text(0, "password_hash"), password)
                        : (burn_verification_time(password), false);
  if (!ok) {
    per_email_.record_failure(email_key);
    per_address_.record_failure(ip_key);
    log::info("login failed", {{"ip", ip}});
    return make_error(Errc::unauthenticated, "Email or password is incorrect.",
                      "invalid_credentials");
  }
  per_email_.reset(email_key);
  const auto user_id = rows.integer(0, "id");
  const auto workspace_id = rows.integer(0, "workspace_id");
  LoginResult out;
  out.session_token = crypto::random_token(32);
  const std::string csrf = crypto::random_token(24);
  const auto now = clock_.now_ms();
  out.expires_at = now + kSessionIdleMs;
  KIRIM_ASSIGN_OR_RETURN(
      auto session, db_.write_query(sql::kInsertSession,
                                    {crypto::sha256_hex(out.session_token), workspace_id, user_id,
                                     csrf, now, out.expires_at, ip, user_agent.substr(0, 512)}));
  Principal p{user_id, workspace_id, Role::viewer, session.integer(0, "id"), std::nullopt, csrf};
  KIRIM_ASSIGN_OR_RETURN(out.me, me(p));
  return out;
}

Result<void> Accounts::logout(std::int64_t session_id) {
  KIRIM_TRY(db_.write_exec(sql::kDeleteSession, {session_id}));
  cache_.drop_session(session_id);
  return {};
}

Result<Principal> Accounts::authenticate_session(const std::string& session_token) {
  if (session_token.empty() || session_token.size() > 256) return unauthenticated();
  const auto hash = crypto::sha256_hex(session_token);
  const auto generation = cache_.generation();
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kFindSession, {hash}));
  if (rows.empty()) return unauthenticated();
  const auto now = clock_.now_ms();
  const auto expires_at = rows.integer(0, "expires_at");
  if (expires_at <= now) {
    (void)db_.write_exec(sql::kDeleteSession, {rows.integer(0, "id")});
    return unauthenticated();
  }
  Principal p;
  p.session_id = rows.integer(0, "id");
  p.user_id = rows.integer(0, "user_id");
  p.workspace_id = rows.integer(0, "workspace_id");
  p.role = parse_role(rows.text(0, "role")).value_or(Role::viewer);
  p.csrf_token = rows.text(0, "csrf_token");
  auto last_seen = rows.integer(0, "last_seen_at");
  if (now - last_seen >= kTouchIntervalMs) {
    (void)db_.write_exec(sql::kTouchSession, {*p.session_id, now, now + kSessionIdleMs});
    last_seen = now;
  }
  cache_.put_credential("s:" + hash, p, std::min(last_seen + kTouchIntervalMs, expires_at),
                        generation);
  return p;
}

Result<Principal> Accounts::authenticate_token(const std::string& bearer) {
  if (!bearer.starts_with(kTokenPrefix) || bearer.size() > 256) return unauthenticated();
  const auto hash = crypto::sha256_hex(bearer);
  const auto generation = cache_.generation();
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kFindToken, {hash}));
  if (rows.empty()) return unauthenticated();
  Principal p;
  p.token_id = rows.integer(0, "id");
  p.user_id = rows.integer(0, "user_id");
  p.workspace_id = rows.integer(0, "workspace_id");
  p.role = parse_role(rows.text(0, "role")).value_or(Role::viewer);
  const auto now = clock_.now_ms();
  auto last = rows.nullable_integer(0, "last_used_at");
  if (!last || now - *last >= kTouchIntervalMs) {
    (void)db_.write_exec(sql::kTouchToken, {*p.token_id, now});
    last = now;
  }
  cache_.put_credential("t:" + hash, p, *last + kTouchIntervalMs, generation);
  return p;
}

std::optional<Principal> Accounts::cached_session(const std::string& session_token) {
  if (session_token.empty() || session_token.size() > 256) return std::nullopt;
  return cache_.credential("s:" + crypto::sha256_hex(session_token));
}

std::optional<Principal> Accounts::cached_token(const std::string& bearer) {
  if (!bearer.starts_with(kTokenPrefix) || bearer.size() > 256) return std::nullopt;
  return cache_.credential("t:" + crypto::sha256_hex(bearer));
}

std::optional<Me> Accounts::cached_me(const Principal& p) {
  auto me = cache_.me(p.workspace_id, p.user_id);
  if (me) me->csrf_token = p.csrf_token;
  return me;
}

Result<User> Accounts::find_member(std::int64_t workspace_id, std::int64_t user_id) {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kMember, {workspace_id, user_id}));
  if (rows.empty()) return make_error(Errc::not_found, "No such user in this workspace.");
  return user_from(rows, 0);
}

Result<Me> Accounts::me(const Principal& p) {
  const auto generation = cache_.generation();
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kMe, {p.workspace_id, p.user_id}));
  if (rows.empty()) return unauthenticated();
  Me out;
  out.user = user_from(rows, 0);
  out.workspace = Workspace{rows.integer(0, "workspace_id"), rows.text(0, "workspace_name"),
                            rows.integer(0, "workspace_created_at")};
  cache_.put_me(out, generation);
  out.csrf_token = p.csrf_token;
  return out;
}

Result<Me> Accounts::update_profile(const Principal& p, const std::string& name) {
  KIRIM_ASSIGN_OR_RETURN(auto n, check_name(name, "name"));
  KIRIM_TRY(db_.write_exec(sql::kUpdateName, {p.user_id, n, clock_.now_ms()}));
  cache_.drop_user(p.user_id);
  return me(p);
}

Result<void> Accounts::change_password(const Principal& p, const std::string& current,
                                       const std::string& next) {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kPasswordHash, {p.user_id}));
  if (rows.empty()) return unauthenticated();
  if (!verify_password(rows.text(0, "password_hash"), current)) {
    return field_error("current_password", "is not your current password");
  }
  if (auto r = check_password_rules(next); !r.ok()) {
    return field_error("new_password", r.error().details.begin()->second);
  }
  KIRIM_ASSIGN_OR_RETURN(auto hash, hash_password(next));
  const auto now = clock_.now_ms();
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_TRY(c.exec(sql::kSetPassword, {p.user_id, hash, now}));
    KIRIM_TRY(c.exec(sql::kDeleteOtherSessions, {p.user_id, p.session_id.value_or(0)}));
    return {};
  }));
  cache_.drop_user(p.user_id);
  return {};
}

Result<Workspace> Accounts::workspace(const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kWorkspace, {p.workspace_id}));
  if (rows.empty()) return make_error(Errc::not_found, "No such workspace.");
  return Workspace{rows.integer(0, "id"), rows.text(0, "name"), rows.integer(0, "created_at")};
}

Result<WorkspaceStats> Accounts::workspace_stats(const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kWorkspaceStats, {p.workspace_id}));
  return WorkspaceStats{rows.integer(0, "users"), rows.integer(0, "api_tokens")};
}

Result<Workspace> Accounts::rename_workspace(const Principal& p, const std::string& name) {
  if (!at_least(p.role, Role::admin))
    return forbidden("Only owners and admins can rename the workspace.");
  KIRIM_ASSIGN_OR_RETURN(auto n, check_name(name, "name"));
  KIRIM_TRY(db_.write_exec(sql::kRenameWorkspace, {p.workspace_id, n}));
  cache_.drop_workspace(p.workspace_id);
  return workspace(p);
}

Result<Page<User>> Accounts::list_users(std::int64_t workspace_id, std::int64_t after, int limit) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      db_.query(sql::kMembers, {workspace_id, after, static_cast<std::int64_t>(limit + 1)}));
  Page<User> page;
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    page.items.push_back(user_from(rows, i));
  }
  if (rows.size() > static_cast<std::size_t>(limit)) page.next_after = page.items.back().id;
  return page;
}

Result<User> Accounts::insert_member(std::int64_t workspace_id, const std::string& email_in,
                                     const std::string& name_in, const std::string& password,
                                     Role role) {
  std::map<std::string, std::string> problems;
  auto email = normalize_email(email_in);
  if (!email.ok()) problems.insert(email.error().details.begin(), email.error().details.end());
  auto name = check_name(name_in, "name");
  if (!name.ok()) problems.insert(name.error().details.begin(), name.error().details.end());
  if (auto pw = check_password_rules(password); !pw.ok()) {
    problems.insert(pw.error().details.begin(), pw.error().details.end());
  }
  if (!problems.empty()) return json::validation_error(std::move(problems));
  KIRIM_ASSIGN_OR_RETURN(auto existing, db_.query(sql::kUserByEmail, {email.value()}));
  if (!existing.empty()) {
    Error e = make_error(Errc::conflict, "A user with this email already exists.", "conflict");
    e.details["email"] = "is already in use";
    return e;
  }
  KIRIM_ASSIGN_OR_RETURN(auto hash, hash_password(password));
  const auto now = clock_.now_ms();
  std::int64_t id = 0;
  auto r = db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(auto u,
                           c.query(sql::kInsertUser, {email.value(), name.value(), hash, now}));
    id = u.integer(0, "id");
    KIRIM_TRY(
        c.exec(sql::kInsertMembership, {workspace_id, id, std::string(role_name(role)), now}));
    return {};
  });
  if (!r.ok()) {
    if (r.error().code == Errc::conflict) {
      Error e = make_error(Errc::conflict, "A user with this email already exists.", "conflict");
      e.details["email"] = "is already in use";
      return e;
    }
    return std::move(r).error();
  }
  return find_member(workspace_id, id);
}

Result<User> Accounts::create_user(const Principal& actor, const std::string& email,
                                   const std::string& name, const std::string& password,
                                   Role role) {
  if (!at_least(actor.role, Role::admin)) return forbidden("Only owners and admins can add users.");
  if (role == Role::owner && actor.role != Role::owner) {
    return forbidden("Only an owner can make another owner.");
  }
  return insert_member(actor.workspace_id, email, name, password, role);
}

Result<User> Accounts::update_user(const Principal& actor, std::int64_t user_id,
                                   const std::optional<std::string>& name,
                                   std::optional<Role> role) {
  if (!at_least(actor.role, Role::admin))
    return forbidden("Only owners and admins can change users.");
  KIRIM_ASSIGN_OR_RETURN(auto target, find_member(actor.workspace_id, user_id));
  std::optional<std::string> new_name;
  if (name) {
    KIRIM_ASSIGN_OR_RETURN(new_name, check_name(*name, "name"));
  }
  if (role && *role != target.role) {
    if ((target.role == Role::owner || *role == Role::owner) && actor.role != Role::owner) {
      return forbidden("Only an owner can make or unmake an owner.");
    }
  }
  const auto now = clock_.now_ms();
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    if (new_name) KIRIM_TRY(c.exec(sql::kUpdateName, {user_id, *new_name, now}));
    if (role && *role != target.role) {
      if (target.role == Role::owner) {
        KIRIM_ASSIGN_OR_RETURN(auto owners, c.query(sql::kCountOwners, {actor.workspace_id}));
        if (owners.integer(0, "n") <= 1) {
          return make_error(Errc::conflict,
                            "The workspace needs at least one owner. Make someone else an owner "
                            "first.",
                            "conflict");
        }
      }
      KIRIM_TRY(
          c.exec(sql::kSetRole, {actor.workspace_id, user_id, std::string(role_name(*role))}));
    }
    return {};
  }));
  cache_.drop_user(user_id);
  return find_member(actor.workspace_id, user_id);
}

Result<void> Accounts::remove_user(const Principal& actor, std::int64_t user_id) {
  if (!at_least(actor.role, Role::admin))
    return forbidden("Only owners and admins can remove users.");
  KIRIM_ASSIGN_OR_RETURN(auto target, find_member(actor.workspace_id, user_id));
  if (target.id == actor.user_id) {
    return make_error(Errc::conflict, "You cannot remove yourself.", "conflict");
  }
  if (target.role == Role::owner && actor.role != Role::owner) {
    return forbidden("Only an owner can remove an owner.");
  }
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    if (target.role == Role::owner) {
      KIRIM_ASSIGN_OR_RETURN(auto owners, c.query(sql::kCountOwners, {actor.workspace_id}));
      if (owners.integer(0, "n") <= 1) {
        return make_error(Errc::conflict, "The workspace needs at least one owner.", "conflict");
      }
    }
    KIRIM_TRY(c.exec(sql::kDeleteWorkspaceSessions, {actor.workspace_id, user_id}));
    KIRIM_TRY(c.exec(sql::kDeleteWorkspaceTokens, {actor.workspace_id, user_id}));
    KIRIM_TRY(c.exec(sql::kDeleteMembership, {actor.workspace_id, user_id}));
    KIRIM_TRY(c.exec(sql::kDeleteUserWithoutMemberships, {user_id}));
    return {};
  }));
  cache_.drop_user(user_id);
  return {};
}

Result<Page<ApiToken>> Accounts::list_tokens(const Principal& p, std::int64_t after, int limit) {
  if (!at_least(p.role, Role::admin))
    return forbidden("Only owners and admins can manage API tokens.");
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      db_.query(sql::kTokens, {p.workspace_id, after, static_cast<std::int64_t>(limit + 1)}));
  Page<ApiToken> page;
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    ApiToken t;
    t.id = rows.integer(i, "id");
    t.name = rows.text(i, "name");
    t.prefix = rows.text(i, "prefix");
    t.created_at = rows.integer(i, "created_at");
    t.last_used_at = rows.nullable_integer(i, "last_used_at");
    t.user_id = rows.integer(i, "user_id");
    t.user_email = rows.text(i, "email");
    t.user_name = rows.text(i, "user_name");
    page.items.push_back(std::move(t));
  }
  if (rows.size() > static_cast<std::size_t>(limit)) page.next_after = page.items.back().id;
  return page;
}

Result<NewApiToken> Accounts::create_token(const Principal& p, const std::string& name) {
  if (!at_least(p.role, Role::admin))
    return forbidden("Only owners and admins can manage API tokens.");
  KIRIM_ASSIGN_OR_RETURN(auto n, check_name(name, "name"));
  NewApiToken out;
  out.secret = std::string(kTokenPrefix) + crypto::random_token(24);
  const auto now = clock_.now_ms();
  const auto prefix = out.secret.substr(0, kShownPrefixLength);
  KIRIM_ASSIGN_OR_RETURN(auto rows,
                         db_.write_query(sql::kInsertToken, {p.workspace_id, p.user_id, n, prefix,
                                                             crypto::sha256_hex(out.secret), now}));
  KIRIM_ASSIGN_OR_RETURN(auto user, find_member(p.workspace_id, p.user_id));
  out.token = ApiToken{rows.integer(0, "id"), n,         prefix,     now,
                       std::nullopt,          p.user_id, user.email, user.name};
  return out;
}

Result<void> Accounts::revoke_token(const Principal& p, std::int64_t token_id) {
  if (!at_least(p.role, Role::admin))
    return forbidden("Only owners and admins can manage API tokens.");
  KIRIM_ASSIGN_OR_RETURN(auto n, db_.write_exec(sql::kDeleteToken, {p.workspace_id, token_id}));
  if (n == 0) return make_error(Errc::not_found, "No such API token.");
  cache_.drop_token(token_id);
  return {};
}

Result<std::int64_t> Accounts::first_workspace() {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kFirstWorkspace));
  const auto id = rows.nullable_integer(0, "id");
  if (!id) {
    return make_error(Errc::not_found, "There is no workspace yet; start `kirim serve` once.");
  }
  return *id;
}

Result<User> Accounts::cli_create_user(const std::string& email, const std::string& name,
                                       const std::string& password, Role role) {
  KIRIM_ASSIGN_OR_RETURN(auto ws, first_workspace());
  return insert_member(ws, email, name, password, role);
}

Result<std::vector<User>> Accounts::cli_list_users() {
  KIRIM_ASSIGN_OR_RETURN(auto ws, first_workspace());
  std::vector<User> out;
  std::int64_t after = 0;
  while (true) {
    KIRIM_ASSIGN_OR_RETURN(auto page, list_users(ws, after, 200));
    out.insert(out.end(), page.items.begin(), page.items.end());
    if (!page.next_after) break;
    after = *page.next_after;
  }
  return out;
}

Result<void> Accounts::cli_reset_password(const std::string& email_in,
                                          const std::string& password) {
  KIRIM_ASSIGN_OR_RETURN(auto email, normalize_email(email_in));
  KIRIM_TRY(check_password_rules(password));
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql::kUserByEmail, {email}));
  if (rows.empty()) return make_error(Errc::not_found, "No user has the email " + email + ".");
  const auto id = rows.integer(0, "id");
  KIRIM_ASSIGN_OR_RETURN(auto hash, hash_password(password));
  const auto now = clock_.now_ms();
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_TRY(c.exec(sql::kSetPassword, {id, hash, now}));
    KIRIM_TRY(c.exec(sql::kDeleteOtherSessions, {id, std::int64_t{0}}));
    return {};
  }));
  cache_.drop_user(id);
  return {};
}

}  // namespace kirim::accounts
