#pragma once

#include <optional>
#include <string_view>

namespace kirim::accounts {

// A member's role in a workspace, most powerful first.
enum class Role { owner = 0, admin = 1, editor = 2, viewer = 3 };

[[nodiscard]] std::string_view role_name(Role r);
[[nodiscard]] std::optional<Role> parse_role(std::string_view name);
// True when `have` is `need` or more powerful.
[[nodiscard]] inline bool at_least(Role have, Role need) {
  return static_cast<int>(have) <= static_cast<int>(need);
}

}  // namespace kirim::accounts
