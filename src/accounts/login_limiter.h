#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace kirim::accounts {

// Counts failed logins per key (an email, an address) in a sliding window and says when a key
// must wait. In memory and per process. Thread-safe.
class LoginLimiter {
 public:
  LoginLimiter(const Clock& clock, int max_failures, std::chrono::seconds window)
      : clock_(clock), max_failures_(max_failures), window_(window) {}

  // Seconds until the key may try again; 0 when it may try now.
  [[nodiscard]] std::int64_t retry_after(const std::string& key);
  void record_failure(const std::string& key);
  void reset(const std::string& key);

 private:
  void prune(std::deque<std::int64_t>& times, std::int64_t now);

  const Clock& clock_;
  const int max_failures_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::int64_t>> failures_;  // guarded by mu_
};

}  // namespace kirim::accounts
