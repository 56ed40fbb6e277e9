#include "accounts/login_limiter.h"

namespace kirim::accounts {

// Beyond this many keys, keys with no recent failure are dropped to bound memory.
constexpr std::size_t kMaxTrackedKeys = 100'000;

void LoginLimiter::prune(std::deque<std::int64_t>& times, std::int64_t now) {
  const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
  while (!times.empty() && times.front() <= now - window_ms)
    times.pop_front();
}

std::int64_t LoginLimiter::retry_after(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  const auto now = clock_.now_ms();
  prune(it->second, now);
  if (static_cast<int>(it->second.size()) < max_failures_) return 0;
  const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
  // The key may try again when the oldest failure that keeps it over the limit leaves the window.
  const auto oldest = it->second[it->second.size() - static_cast<std::size_t>(max_failures_)];
  return (oldest + window_ms - now + 999) / 1000;
}

void LoginLimiter::record_failure(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto now = clock_.now_ms();
  if (failures_.size() >= kMaxTrackedKeys) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      prune(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
  auto& times = failures_[key];
  prune(times, now);
  times.push_back(now);
}

void LoginLimiter::reset(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

}  // namespace kirim::accounts
