#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/roles.h"

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

}  // namespace kirim::accounts
