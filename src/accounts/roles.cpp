#include "accounts/roles.h"

namespace kirim::accounts {
namespace {
constexpr std::string_view kNames[] = {"owner", "admin", "editor", "viewer"};
}

std::string_view role_name(Role r) {
  return kNames[static_cast<int>(r)];
}

std::optional<Role> parse_role(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (kNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

}  // namespace kirim::accounts
