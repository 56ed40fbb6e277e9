#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "contacts/contacts.h"
#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"
#include "whatsapp/accounts.h"
#include "whatsapp/webhook_parser.h"

// The WhatsApp webhook inbox. receive() checks X-Hub-Signature-256 over the exact bytes and stores
// the body durably before it is acknowledged; a processing thread then applies stored events in
// order: statuses move messages forward monotonically, inbound messages join the contact's
// conversation (creating the contact when needed), opt-out signals change consent, template and
// quality updates change the account. Processing is idempotent, so a duplicate or replayed
// webhook has the effect of one. Thread-safe; borrows everything it is given; stop() before
// destroying them.
namespace kirim::whatsapp {

inline constexpr std::size_t kProcessBatch = 200;       // events per unit of work
inline constexpr std::int64_t kNotifyIntervalMs = 250;  // realtime updates per workspace
inline constexpr std::size_t kMaxWebhookLogPage = 200;
// Per-message notices (message.received, message.status) per workspace per processed batch;
// beyond this they are counted in a warning and dropped, so that a flood cannot stall processing.
inline constexpr std::size_t kMaxMessageNotices = 1000;

struct InboxOptions {
  std::string app_secret;    // the instance's Meta app (for /webhooks/whatsapp)
  std::string verify_token;  // its handshake token
};

// Message status ranks: they only grow (failed is terminal unless a later delivery proves
// otherwise).
enum class StatusRank : int {
  none = 0,
  accepted = 1,
  sent = 2,
  delivered = 3,
  read = 4,
  failed = 9
};

struct WebhookEvent {
  std::int64_t id = 0;
  std::optional<std::int64_t> workspace_id, account_id;
  std::int64_t received_at = 0, processed_at = 0, size_bytes = 0;
  std::string kinds, outcome, error, summary, body;
};

struct WebhookQuery {
  std::string q, kind, outcome;
  std::int64_t before = 0;
  int limit = 50;
};

// Receives, inside the inbox's unit of work, each status that applies to an outgoing message
// and each new inbound message, so that campaigns move their recipients in the same commit.
// An error rolls the whole batch back (it is retried).
class InboxSink {
 public:
  virtual ~InboxSink() = default;
  virtual Result<void> on_status(db::Connection& c, std::int64_t ws, const StatusUpdate& s,
                                 std::int64_t at_ms) = 0;
  virtual Result<void> on_inbound(db::Connection& c, std::int64_t ws, std::int64_t contact_id,
                                  const InboundMessage& m, std::int64_t at_ms) = 0;
};

class Inbox {
 public:
  // Notices for a workspace, called from the processing thread after the changes committed:
  // the realtime ones ("webhook.received" | "inbox.updated" | "template.updated"), then, in the
  // order they happened, one per message and consent change (the outgoing webhook events):
  //   "message.received"  {"wamid", "contact_id", "phone", "type", "text", "at"}
  //   "message.status"    {"wamid", "contact_id", "phone", "status", "error_code", "error_title",
  //                        "at"}: only when the status moved (duplicates and stale ones are not)
  //   "contact.opted_out" | "contact.opted_in"
  //                       {"contact_id", "phone", "consent", "source", "changed_at"}: a keyword,
  //                       a button or the WhatsApp preference changed the contact's consent
  // Message notices are capped at kMaxMessageNotices per workspace and batch.
  using Notify = std::function<void(std::int64_t workspace_id, std::string_view event,
                                    const boost::json::object& data)>;

  Inbox(db::Database& db, const Clock& clock, Accounts& accounts, contacts::Contacts& contacts,
        InboxOptions options, Notify notify);
  ~Inbox();
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // Before start(); the sink outlives the inbox's processing (stop() first).
  void set_sink(InboxSink* sink) { sink_ = sink; }
  void start();
  void stop();

  // GET handshake: the challenge when mode is "subscribe" and the token matches (the account's
  // own when account_id is given), nullopt otherwise (403).
  [[nodiscard]] std::optional<std::string> handshake(std::optional<std::int64_t> account_id,
                                                     std::string_view mode, std::string_view token,
                                                     std::string_view challenge);
  // POST: status 401 (no signature), 403 (wrong), 404 (unknown account), 503 (no app secret
  // configured or the database refused), or 200 once the body is stored. Never blocks: done is
  // called from the database's thread.
  void receive(std::optional<std::int64_t> account_id, std::string_view signature_header,
               std::string body, std::function<void(int status, std::string message)> done);

  // Applies every pending event now, on the caller's thread (tests and replays).
  [[nodiscard]] Result<std::size_t> process_pending();

  // The workspace's events, and the ones no workspace could be found for (an unknown number or
  // WABA: what an operator needs to see to connect it); never another workspace's.
  [[nodiscard]] Result<std::vector<WebhookEvent>> events(std::int64_t ws, const WebhookQuery& q);
  [[nodiscard]] Result<WebhookEvent> event(std::int64_t ws, std::int64_t id);
  // Processes a stored event again (idempotent) and returns it with its new outcome.
  [[nodiscard]] Result<WebhookEvent> replay(std::int64_t ws, std::int64_t id);

  [[nodiscard]] std::uint64_t received() const { return received_.load(); }
  [[nodiscard]] std::uint64_t refused() const { return refused_.load(); }
  [[nodiscard]] std::uint64_t processed() const { return processed_.load(); }

 private:
  struct Pending {
    std::int64_t id = 0;
    std::optional<std::int64_t> workspace_id, account_id;
    std::string body;
  };
  struct Effects;  // what a batch changed, for the notices
  void run();
  void wake();
  Result<std::size_t> process_batch(std::vector<Pending> batch);
  Result<void> apply(db::Connection& c, const Pending& e, Effects& fx);
  void notify(const Effects& fx);

  db::Database& db_;
  const Clock& clock_;
  Accounts& accounts_;
  contacts::Contacts& contacts_;
  InboxOptions options_;
  Notify notify_;
  InboxSink* sink_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool work_ = true;       // guarded by mu_
  std::thread worker_;
  std::mutex process_mu_;  // one processing pass at a time (the worker, a replay, a test)
  std::atomic<std::uint64_t> received_{0}, refused_{0}, processed_{0};
};

[[nodiscard]] boost::json::object webhook_event_json(const WebhookEvent& e, bool with_body);
[[nodiscard]] StatusRank status_rank(std::string_view status);

}  // namespace kirim::whatsapp
