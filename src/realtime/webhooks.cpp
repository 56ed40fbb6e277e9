#include "realtime/webhooks.h"

#include <algorithm>

#include <curl/curl.h>

#include "core/crypto.h"
#include "core/log.h"
#include "realtime/protocol.h"

namespace kirim::realtime {
namespace {

// The event that a return within the delay cancels, for each kind that can be cancelled.
bool is_leave(const std::string& name) {
  return name == "channel_vacated" || name == "member_removed";
}
std::string leave_for(const std::string& name) {
  if (name == "channel_occupied") return "channel_vacated";
  if (name == "member_added") return "member_removed";
  return {};
}

}  // namespace

Webhooks::Webhooks(const Clock& clock, WebhookPoster poster)
    : clock_(clock), poster_(std::move(poster)) {}

Webhooks::~Webhooks() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Webhooks::start() {
  thread_ = std::thread([this] { run(); });
}

void Webhooks::emit(const App& app, const std::string& name, const std::string& key,
                    const std::string& json_fields) {
  if (app.webhook_urls.empty()) return;
  const auto now = clock_.now_ms();
  std::lock_guard lock(mu_);
  if (const auto leave = leave_for(name); !leave.empty()) {
    // Back within the delay: neither the leave nor this return is announced.
    auto it = std::find_if(events_.begin(), events_.end(), [&](const Event& e) {
      return e.app == &app && e.name == leave && e.key == key;
    });
    if (it != events_.end()) {
      events_.erase(it);
      return;
    }
  }
  if (events_.size() >= kMaxPendingEvents) {
    events_.pop_front();
    ++failures_;
  }
  events_.push_back(
      Event{&app, name, key, json_fields, is_leave(name) ? now + kLeaveDelayMs : now});
  cv_.notify_one();
}

std::size_t Webhooks::flush_due() {
  const auto now = clock_.now_ms();
  std::vector<Request> batch;
  {
    std::lock_guard lock(mu_);
    // Due events grouped per app, in order, at most kMaxEventsPerRequest to a request.
    std::map<const App*, std::vector<std::string>> per_app;
    for (auto it = events_.begin(); it != events_.end();) {
      if (it->due_ms <= now || stopping_) {
        std::string e = "{\"name\":" + json_string(it->name);
        if (!it->json.empty()) e += "," + it->json;
        e += "}";
        per_app[it->app].push_back(std::move(e));
        it = events_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [app, events] : per_app) {
      for (std::size_t i = 0; i < events.size(); i += kMaxEventsPerRequest) {
        std::string body = "{\"time_ms\":" + std::to_string(now) + ",\"events\":[";
        for (std::size_t j = i; j < std::min(events.size(), i + kMaxEventsPerRequest); ++j) {
          if (j > i) body += ',';
          body += events[j];
        }
        body += "]}";
        for (const auto& url : app->webhook_urls) {
          batch.push_back(Request{url, app->key, app->secret, body, now, now, kFirstRetryMs});
        }
      }
    }
    for (auto it = retries_.begin(); it != retries_.end();) {
      if (it->next_ms <= now || stopping_) {
        batch.push_back(std::move(*it));
        it = retries_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& r : batch) {
    const bool ok = poster_(r.url, r.app_key, sign(r.secret, r.body), r.body);
    if (ok) continue;
    std::lock_guard lock(mu_);
    if (!stopping_ && now - r.first_ms + r.backoff_ms <= kRetryForMs) {
      r.next_ms = now + r.backoff_ms;
      r.backoff_ms *= 2;
      retries_.push_back(std::move(r));
    } else {
      ++failures_;
      log::warn("webhook dropped after retries", {{"url", r.url}});
    }
  }
  return batch.size();
}

std::size_t Webhooks::pending() const {
  std::lock_guard lock(mu_);
  return events_.size() + retries_.size();
}

std::uint64_t Webhooks::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

void Webhooks::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(kBatchWindowMs), [&] { return stopping_; });
    }
    flush_due();
    std::lock_guard lock(mu_);
    if (stopping_ && events_.empty()) return;
  }
}

WebhookPoster curl_poster() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }();
  (void)initialized;
  return [](const std::string& url, const std::string& key, const std::string& signature,
            const std::string& body) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return false;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("X-Pusher-Key: " + key).c_str());
    headers = curl_slist_append(headers, ("X-Pusher-Signature: " + signature).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return rc == CURLE_OK && status >= 200 && status < 300;
  };
}

}  // namespace kirim::realtime
