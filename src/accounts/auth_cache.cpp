#include "accounts/auth_cache.h"

namespace kirim::accounts {
namespace {

std::string profile_key(std::int64_t workspace_id, std::int64_t user_id) {
  return std::to_string(workspace_id) + ":" + std::to_string(user_id);
}

template <typename Map, typename Pred>
void drop_where(Map& map, Pred pred) {
  for (auto it = map.begin(); it != map.end();) {
    it = pred(it->second) ? map.erase(it) : std::next(it);
  }
}

}  // namespace

std::optional<Principal> AuthCache::credential(const std::string& key) {
  const auto now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto it = credentials_.find(key);
  if (it == credentials_.end()) return std::nullopt;
  if (now >= it->second.fresh_until_ms || now >= it->second.touch_due_ms) {
    credentials_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

std::uint64_t AuthCache::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

void AuthCache::put_credential(const std::string& key, const Principal& p,
                               std::int64_t touch_due_ms, std::uint64_t generation) {
  const auto now = clock_.now_ms();
  std::lock_guard lock(mu_);
  if (generation != generation_) return;
  if (credentials_.size() >= kMaxEntries) credentials_.clear();
  credentials_[key] = CredentialEntry{p, now + ttl_ms_, touch_due_ms};
}

std::optional<Me> AuthCache::me(std::int64_t workspace_id, std::int64_t user_id) {
  const auto now = clock_.now_ms();
  std::lock_guard lock(mu_);
  auto it = profiles_.find(profile_key(workspace_id, user_id));
  if (it == profiles_.end()) return std::nullopt;
  if (now >= it->second.fresh_until_ms) {
    profiles_.erase(it);
    return std::nullopt;
  }
  return it->second.me;
}

void AuthCache::put_me(const Me& me, std::uint64_t generation) {
  const auto now = clock_.now_ms();
  std::lock_guard lock(mu_);
  if (generation != generation_) return;
  if (profiles_.size() >= kMaxEntries) profiles_.clear();
  Me stored = me;
  stored.csrf_token.clear();  // per session; the caller adds its own
  profiles_[profile_key(me.workspace.id, me.user.id)] = MeEntry{std::move(stored), now + ttl_ms_};
}

void AuthCache::drop_session(std::int64_t session_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  drop_where(credentials_,
             [&](const CredentialEntry& e) { return e.principal.session_id == session_id; });
}

void AuthCache::drop_token(std::int64_t token_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  drop_where(credentials_,
             [&](const CredentialEntry& e) { return e.principal.token_id == token_id; });
}

void AuthCache::drop_user(std::int64_t user_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  drop_where(credentials_,
             [&](const CredentialEntry& e) { return e.principal.user_id == user_id; });
  drop_where(profiles_, [&](const MeEntry& e) { return e.me.user.id == user_id; });
}

void AuthCache::drop_workspace(std::int64_t workspace_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  drop_where(profiles_, [&](const MeEntry& e) { return e.me.workspace.id == workspace_id; });
}

}  // namespace kirim::accounts
