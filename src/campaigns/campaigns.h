#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "campaigns/types.h"
#include "contacts/contacts.h"
#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"
#include "queue/queue.h"
#include "queue/rate_limiter.h"
#include "whatsapp/accounts.h"
#include "whatsapp/cloud_api.h"
#include "whatsapp/inbox.h"

// Campaigns: definitions, launch and control, and the engine that sends them. The planner writes
// one recipient row per contact (a queue job, in batches); a dispatcher thread per sender number
// takes pending recipients of the running campaigns that use it in turn, waits on the number's
// and the campaign's rate limits, marks them `sending` (committed before the request), calls the
// Cloud API and records the outcome: `accepted` with the wamid, a retry later for transient
// errors Meta certainly did not act on, `failed` with the error, or `unknown` when the request
// may have reached Meta (never resent). Status webhooks move recipients forward monotonically
// (through biz_opaque_callback_data, even before the wamid is stored). Counters live in the
// campaign's row and change in the same unit of work as the recipients: exact at every moment.
//
// Control commands take effect at once: after pause() or stop() return, no further request for
// that campaign leaves the process (the dispatcher checks under the campaign's lock right before
// each request, and the command waits for the requests already made to be answered).
//
// Thread-safe. Owns its threads; borrows everything in Deps; stop() before destroying them.
namespace kirim::campaigns {

inline constexpr std::chrono::milliseconds kPublishEvery{250};  // progress to browsers
inline constexpr int kMaxSpeedMps = 1000;
inline constexpr int kClaimMax = 50;               // recipients marked sending at once
inline constexpr int kMaxSendAttempts = 3;         // transient failures before `failed`
inline constexpr std::int64_t kPlanBatch = 5'000;  // recipients written per unit of work
inline constexpr std::int64_t kSeriesBucketMs = 10'000;
inline constexpr std::int64_t kDefaultGoalWindowHours = 72;
inline constexpr std::int64_t kNeverMs = 253'402'300'799'000;   // 9999-12-31: not yet due
inline constexpr std::chrono::milliseconds kPauseDrain{5'000};  // waiting for answers on pause

struct Deps {
  db::Database& db;
  const Clock& clock;
  contacts::Contacts& contacts;
  whatsapp::Accounts& accounts;
  whatsapp::CloudApi& api;
  queue::RateLimiter& limiter;
  queue::Queue& jobs;
  std::string public_url;  // Kirim's base URL as recipients reach it, for /r/{token}
  // Realtime notices: (workspace, channel, event, data).
  std::function<void(std::int64_t ws, const std::string& channel, std::string_view event,
                     const boost::json::object& data)>
      publish;
};

struct Estimate {
  std::int64_t contacts = 0;
  std::int64_t opted_out = 0, excluded_tags = 0, frequency_cap = 0, window_closed = 0,
               unknown_consent = 0;
};

class Campaigns final : public whatsapp::InboxSink {
 public:
  explicit Campaigns(Deps deps);
  ~Campaigns() override;
  Campaigns(const Campaigns&) = delete;
  Campaigns& operator=(const Campaigns&) = delete;

  // Registers the queue's job kinds (campaign.plan, campaign.start): before the queue starts.
  void register_jobs(queue::Queue& jobs);
  // Kirim's base URL for tracked links, when only known once the server listens: before start().
  void set_public_url(std::string url);
  // Recovers from the last run (recipients left `sending` become `unknown`) and starts the
  // dispatchers of running campaigns.
  void start();
  void stop();

  [[nodiscard]] Result<std::vector<Campaign>> list(std::int64_t ws, std::optional<State> state,
                                                   const std::string& q, std::int64_t before,
                                                   int limit);
  [[nodiscard]] Result<Campaign> get(std::int64_t ws, std::int64_t id);
  [[nodiscard]] Result<Campaign> create(std::int64_t ws, std::int64_t user_id,
                                        const CampaignInput& in);
  [[nodiscard]] Result<Campaign> update(std::int64_t ws, std::int64_t id, const CampaignInput& in);
  [[nodiscard]] Result<void> remove(std::int64_t ws, std::int64_t id);
  [[nodiscard]] Result<Campaign> duplicate(std::int64_t ws, std::int64_t user_id, std::int64_t id);
  [[nodiscard]] Result<Estimate> estimate(std::int64_t ws, const boost::json::object& audience,
                                          const boost::json::object& message);

  [[nodiscard]] Result<Campaign> launch(std::int64_t ws, std::int64_t user_id, std::int64_t id);
  [[nodiscard]] Result<Campaign> pause(std::int64_t ws, std::int64_t user_id, std::int64_t id);
  [[nodiscard]] Result<Campaign> resume(std::int64_t ws, std::int64_t user_id, std::int64_t id);
  [[nodiscard]] Result<Campaign> stop_campaign(std::int64_t ws, std::int64_t user_id,
                                               std::int64_t id);
  [[nodiscard]] Result<std::vector<std::int64_t>> emergency_stop(std::int64_t ws,
                                                                 std::int64_t user_id,
                                                                 const std::string& reason);
  [[nodiscard]] Result<Campaign> set_speed(std::int64_t ws, std::int64_t user_id, std::int64_t id,
                                           int speed_mps);
  struct AudienceChange {
    std::int64_t added = 0, excluded = 0;
  };
  [[nodiscard]] Result<AudienceChange> change_audience(std::int64_t ws, std::int64_t user_id,
                                                       std::int64_t id,
                                                       const boost::json::object* add,
                                                       const boost::json::object* exclude);

  [[nodiscard]] Result<Counters> counters(std::int64_t ws, std::int64_t id);
  // Messages accepted per second over the last seconds, while running.
  [[nodiscard]] double current_rate(std::int64_t id) const;
  [[nodiscard]] Result<std::vector<Recipient>> recipients(std::int64_t ws, std::int64_t id,
                                                          std::optional<RecipientState> state,
                                                          const std::string& q, std::int64_t after,
                                                          int limit);
  [[nodiscard]] Result<std::vector<Event>> timeline(std::int64_t ws, std::int64_t id);
  [[nodiscard]] Result<std::vector<SeriesPoint>> series(std::int64_t ws, std::int64_t id,
                                                        std::int64_t interval_ms);
  struct Failure {
    std::int64_t code = 0, count = 0;
    std::string title, state;  // state: failed, unknown or skipped
  };
  [[nodiscard]] Result<std::vector<Failure>> failures(std::int64_t ws, std::int64_t id);

  // A conversion for the contact's most recent campaign recipient within its goal's window.
  [[nodiscard]] Result<std::int64_t> convert(std::int64_t ws,
                                             std::optional<std::int64_t> campaign_id,
                                             std::int64_t contact_id);
  // A click on /r/{token}: the URL to go to; the recipient's first click counts.
  [[nodiscard]] Result<std::string> click(const std::string& token);

  // whatsapp::InboxSink: statuses and inbound messages, inside the inbox's unit of work.
  Result<void> on_status(db::Connection& c, std::int64_t ws, const whatsapp::StatusUpdate& s,
                         std::int64_t at_ms) override;
  Result<void> on_inbound(db::Connection& c, std::int64_t ws, std::int64_t contact_id,
                          const whatsapp::InboundMessage& m, std::int64_t at_ms) override;

 private:
  Result<void> start_running(const Campaign& c, std::optional<std::int64_t> actor);
  Result<void> check_senders(std::int64_t ws, const std::vector<std::int64_t>& ids);
  // Stops a campaign at once (stop, emergency stop): no request leaves after it returns.
  Result<void> halt(std::int64_t ws, std::int64_t id, std::optional<std::int64_t> actor,
                    const std::string& kind, const std::string& detail);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

[[nodiscard]] boost::json::object campaign_json(const Campaign& c, const Counters& counters,
                                                double rate);
[[nodiscard]] boost::json::object counters_json(const Counters& c);

}  // namespace kirim::campaigns
