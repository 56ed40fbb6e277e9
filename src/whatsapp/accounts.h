#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"
#include "whatsapp/cloud_api.h"
#include "whatsapp/messages.h"

// Connected WhatsApp Business accounts, their phone numbers and message templates, per workspace.
// Secrets (access token, app secret, verify token) are stored sealed with the instance's secret
// key and never leave this class except as Credentials for the Graph API. Also routes webhooks:
// which workspace and account a phone number id or WABA id belongs to, from a cache rebuilt on
// every change. Thread-safe; blocking (database and Graph API). Borrows the Database, Clock and
// CloudApi.
namespace kirim::whatsapp {

struct PhoneNumber {
  std::int64_t id = 0, account_id = 0;
  std::string pnid, display_number, verified_name, quality_rating, messaging_tier, status;
  int throughput_mps = 80;
  std::int64_t updated_at = 0;
};

struct Account {
  std::int64_t id = 0, workspace_id = 0;
  std::string name, waba_id, graph_url, status, paused_reason, refresh_error;
  bool has_access_token = false, has_app_secret = false, has_verify_token = false;
  std::vector<PhoneNumber> phone_numbers;
  std::int64_t refreshed_at = 0, created_at = 0;
};

struct AccountInput {
  std::optional<std::string> name, waba_id, access_token, app_secret, verify_token, graph_url,
      status;
};

struct Template {
  std::int64_t id = 0, account_id = 0;
  std::string meta_id, name, language, category, status, quality, parameter_format, components_json,
      rejected_reason;
  std::int64_t updated_at = 0;
};

struct TemplateQuery {
  std::optional<std::int64_t> account_id;
  std::string status, category, language, q;
};

// Where a webhook belongs.
struct Route {
  std::int64_t workspace_id = 0, account_id = 0, phone_number_id = 0;  // phone_number_id: row id
};

class Accounts {
 public:
  // secret_key: 32 bytes. default_graph_url: for accounts without their own.
  Accounts(db::Database& db, const Clock& clock, CloudApi& api, std::string secret_key,
           std::string default_graph_url);
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  [[nodiscard]] Result<std::vector<Account>> list(std::int64_t ws);
  [[nodiscard]] Result<Account> get(std::int64_t ws, std::int64_t id);
  // Creates the account, then fetches its numbers; a failure to fetch is kept in
  // refresh_error and does not undo the creation.
  [[nodiscard]] Result<Account> create(std::int64_t ws, const AccountInput& in);
  [[nodiscard]] Result<Account> update(std::int64_t ws, std::int64_t id, const AccountInput& in);
  [[nodiscard]] Result<void> remove(std::int64_t ws, std::int64_t id);
  // Fetches the numbers from the Graph API. unavailable with reason "upstream_failed" and Meta's
  // message when the call fails (the error is also kept on the account).
  [[nodiscard]] Result<Account> refresh(std::int64_t ws, std::int64_t id);
  // Pauses an account (an auth failure, an account restriction): sends stop until resumed.
  [[nodiscard]] Result<void> pause(std::int64_t account_id, const std::string& reason);

  [[nodiscard]] Result<Credentials> credentials(std::int64_t ws, std::int64_t account_id);
  // The Graph URL of accounts without their own (set once the embedded sandbox's port is known).
  void set_default_graph_url(std::string url);

  [[nodiscard]] Result<std::vector<Template>> templates(std::int64_t ws, const TemplateQuery& q);
  struct SyncResult {
    std::int64_t synced = 0, removed = 0;
  };
  [[nodiscard]] Result<SyncResult> sync_templates(std::int64_t ws, std::int64_t account_id);
  // body: {name, language, category, parameter_format?, components} in Meta's shape; checked
  // against the template rules, submitted, stored as PENDING.
  [[nodiscard]] Result<Template> create_template(std::int64_t ws, std::int64_t account_id,
                                                 const boost::json::object& body);
  [[nodiscard]] Result<void> delete_template(std::int64_t ws, std::int64_t id);

  // Reads the routing tables into memory. Call once at start, before webhooks arrive, so that
  // the receiver (on an I/O thread) never waits for the database; every change reloads them.
  [[nodiscard]] Result<void> load_routes() { return reload_routes(); }
  // Webhook routing, from memory.
  [[nodiscard]] std::optional<Route> route_phone_number(const std::string& pnid);
  [[nodiscard]] std::vector<Route> route_waba(const std::string& waba_id);
  // The account's own app secret and verify token (for /webhooks/whatsapp/{account_id}); empty
  // when it has none.
  struct WebhookSecrets {
    std::int64_t workspace_id = 0;
    std::string app_secret, verify_token;
  };
  [[nodiscard]] std::optional<WebhookSecrets> webhook_secrets(std::int64_t account_id);

 private:
  Result<void> reload_routes();
  std::string seal(const std::string& plaintext) const;
  std::string open(const std::string& sealed) const;

  db::Database& db_;
  const Clock& clock_;
  CloudApi& api_;
  std::string key_;
  std::mutex mu_;
  std::string default_graph_url_;                                // guarded by mu_
  std::unordered_map<std::string, Route> by_pnid_;               // guarded by mu_
  std::unordered_map<std::string, std::vector<Route>> by_waba_;  // guarded by mu_
  std::unordered_map<std::int64_t, WebhookSecrets> secrets_;     // guarded by mu_
  bool routes_loaded_ = false;                                   // guarded by mu_
};

// Loads the secret key: KIRIM_SECRET_KEY (base64 of 32 bytes), or <data_dir>/secret.key, which
// is made (mode 0600) when it does not exist.
[[nodiscard]] Result<std::string> load_secret_key(const std::string& configured,
                                                  const std::string& data_dir);

// JSON of docs/api.md.
[[nodiscard]] boost::json::object account_json(const Account& a);
[[nodiscard]] boost::json::object template_json(const Template& t);

// Reads a template in Meta's shape ({name, language, category, parameter_format?, components})
// into the definition the rules check.
[[nodiscard]] Result<TemplateDefinition> template_from_json(const boost::json::object& body);

}  // namespace kirim::whatsapp
