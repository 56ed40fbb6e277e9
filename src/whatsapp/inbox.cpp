#include "whatsapp/inbox.h"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "contacts/phone.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/time_format.h"

namespace kirim::whatsapp {
namespace {

using db::Value;
constexpr std::string_view kSignaturePrefix = "sha256=";

std::string upper_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::vector<std::string> string_array(const std::string& json_text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json_text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) out.push_back(upper_trimmed(std::string_view(e.as_string())));
  }
  return out;
}

const char* rank_name(StatusRank r) {
  switch (r) {
    case StatusRank::accepted:
      return "accepted";
    case StatusRank::sent:
      return "sent";
    case StatusRank::delivered:
      return "delivered";
    case StatusRank::read:
      return "read";
    case StatusRank::failed:
      return "failed";
    case StatusRank::none:
      break;
  }
  return "";
}

// The text of the message for lists and previews.
std::string preview_text(const InboundMessage& m) {
  if (!m.text.empty()) return m.text.substr(0, 1000);
  return "";
}

}  // namespace

StatusRank status_rank(std::string_view status) {
  if (status == "accepted") return StatusRank::accepted;
  if (status == "sent") return StatusRank::sent;
  if (status == "delivered") return StatusRank::delivered;
  if (status == "read" || status == "played") return StatusRank::read;
  if (status == "failed") return StatusRank::failed;
  return StatusRank::none;
}

// What one batch changed, per workspace, for the realtime notices after it commits.
struct Inbox::Effects {
  struct PerWorkspace {
    std::int64_t webhooks = 0, statuses = 0, messages = 0;
    std::set<std::int64_t> contacts;
    std::vector<boost::json::object> templates;
    // Per-message and consent notices in the order they happened (event name, data).
    std::vector<std::pair<std::string, boost::json::object>> notices;
    std::size_t message_notices = 0, dropped_notices = 0;

    void add_message_notice(const char* event, boost::json::object data) {
      if (message_notices >= kMaxMessageNotices) {
        ++dropped_notices;
        return;
      }
      ++message_notices;
      notices.emplace_back(event, std::move(data));
    }
  };
  std::map<std::int64_t, PerWorkspace> by_ws;
  std::map<std::int64_t, std::string> settings_cache;  // ws -> "out|in" keyword JSON
};

Inbox::Inbox(db::Database& db, const Clock& clock, Accounts& accounts, contacts::Contacts& contacts,
             InboxOptions options, Notify notify)
    : db_(db),
      clock_(clock),
      accounts_(accounts),
      contacts_(contacts),
      options_(std::move(options)),
      notify_(std::move(notify)) {}

Inbox::~Inbox() {
  stop();
}

void Inbox::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
    work_ = true;
  }
  worker_ = std::thread([this] { run(); });
}

void Inbox::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Inbox::wake() {
  {
    std::lock_guard lock(mu_);
    work_ = true;
  }
  cv_.notify_all();
}

std::optional<std::string> Inbox::handshake(std::optional<std::int64_t> account_id,
                                            std::string_view mode, std::string_view token,
                                            std::string_view challenge) {
  std::string expected = options_.verify_token;
  if (account_id) {
    auto s = accounts_.webhook_secrets(*account_id);
    if (!s) return std::nullopt;
    expected = s->verify_token;
  }
  if (mode != "subscribe" || expected.empty() || !crypto::constant_time_equal(token, expected)) {
    return std::nullopt;
  }
  return std::string(challenge);
}

void Inbox::receive(std::optional<std::int64_t> account_id, std::string_view signature_header,
                    std::string body, std::function<void(int, std::string)> done) {
  std::string secret = options_.app_secret;
  std::optional<std::int64_t> ws;
  if (account_id) {
    auto s = accounts_.webhook_secrets(*account_id);
    if (!s) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return done(404, "There is no such account.");
    }
    ws = s->workspace_id;
    if (!s->app_secret.empty()) secret = s->app_secret;
  }
  if (secret.empty()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return done(503,
                "No app secret is configured for this webhook; set KIRIM_WHATSAPP_APP_SECRET "
                "or the account's app secret.");
  }
  if (!signature_header.starts_with(kSignaturePrefix)) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return done(401, "The X-Hub-Signature-256 header is missing.");
  }
  const auto expected = crypto::hmac_sha256_hex(secret, body);
  auto given = std::string(signature_header.substr(kSignaturePrefix.size()));
  std::transform(given.begin(), given.end(), given.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!crypto::constant_time_equal(given, expected)) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return done(403, "The X-Hub-Signature-256 does not match the body.");
  }
  const auto now = clock_.now_ms();
  const auto size = static_cast<std::int64_t>(body.size());
  db_.write_async(
      [ws, account_id, now, size, body = std::move(body)](db::Connection& c) -> Result<void> {
        KIRIM_TRY(
            c.exec("INSERT INTO webhook_events (workspace_id, account_id, received_at, body, "
                   "size_bytes) VALUES ($1, $2, $3, $4, $5)",
                   {ws ? Value(*ws) : Value{}, account_id ? Value(*account_id) : Value{}, now, body,
                    size}));
        return {};
      },
      [this, done = std::move(done)](Result<void> r) {
        if (!r.ok()) {
          log::error("a webhook could not be stored", {{"error", r.error().message}});
          return done(503, "The webhook could not be stored; send it again.");
        }
        received_.fetch_add(1, std::memory_order_relaxed);
        wake();
        done(200, "");
      });
}

void Inbox::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || work_; });
      if (stopping_) return;
      work_ = false;
    }
    auto n = process_pending();
    if (!n.ok()) {
      log::error("webhook processing failed", {{"error", n.error().message}});
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  }
}

Result<std::size_t> Inbox::process_pending() {
  std::lock_guard lock(process_mu_);
  std::size_t total = 0;
  std::int64_t after = 0;
  while (true) {
    {
      std::lock_guard state(mu_);
      if (stopping_) break;  // the rest waits for the next start
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, db_.query("SELECT id, workspace_id, account_id, body FROM webhook_events WHERE "
                             "outcome = 'pending' AND id > $1 ORDER BY id LIMIT $2",
                             {after, static_cast<std::int64_t>(kProcessBatch)}));
    if (rows.empty()) break;
    std::vector<Pending> batch;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      batch.push_back(Pending{rows.integer(i, "id"), rows.nullable_integer(i, "workspace_id"),
                              rows.nullable_integer(i, "account_id"), rows.text(i, "body")});
    }
    after = batch.back().id;
    KIRIM_ASSIGN_OR_RETURN(auto n, process_batch(std::move(batch)));
    total += n;
  }
  return total;
}

Result<std::size_t> Inbox::process_batch(std::vector<Pending> batch) {
  Effects fx;
  auto all = db_.write([&](db::Connection& c) -> Result<void> {
    for (const auto& e : batch)
      KIRIM_TRY(apply(c, e, fx));
    return {};
  });
  if (!all.ok()) {
    // One event spoiled the batch: apply them one by one, and mark the one that fails.
    fx = Effects{};
    for (const auto& e : batch) {
      Effects one;
      auto r = db_.write([&](db::Connection& c) -> Result<void> { return apply(c, e, one); });
      if (!r.ok()) {
        log::error("a webhook could not be processed",
                   {{"event", std::to_string(e.id)}, {"error", r.error().message}});
        KIRIM_TRY(
            db_.write_exec("UPDATE webhook_events SET outcome = 'failed', error = $1, "
                           "processed_at = $2 WHERE id = $3",
                           {r.error().message.substr(0, 1000), clock_.now_ms(), e.id}));
        continue;
      }
      for (auto& [ws, p] : one.by_ws) {
        auto& into = fx.by_ws[ws];
        into.webhooks += p.webhooks;
        into.statuses += p.statuses;
        into.messages += p.messages;
        into.contacts.insert(p.contacts.begin(), p.contacts.end());
        for (auto& t : p.templates)
          into.templates.push_back(std::move(t));
        for (auto& [name, data] : p.notices) {
          if (name.starts_with("message.")) {
            into.add_message_notice(name.c_str(), std::move(data));
          } else {
            into.notices.emplace_back(std::move(name), std::move(data));
          }
        }
        into.dropped_notices += p.dropped_notices;
      }
    }
  }
  processed_.fetch_add(batch.size(), std::memory_order_relaxed);
  notify(fx);
  return batch.size();
}

Result<void> Inbox::apply(db::Connection& c, const Pending& e, Effects& fx) {
  const auto now = clock_.now_ms();
  auto finish = [&](std::optional<std::int64_t> ws, std::string outcome, const std::string& kinds,
                    const std::string& summary) -> Result<void> {
    KIRIM_TRY(
        c.exec("UPDATE webhook_events SET workspace_id = $1, outcome = $2, kinds = $3, "
               "summary = $4, processed_at = $5, error = '' WHERE id = $6",
               {ws ? Value(*ws) : Value{}, std::move(outcome), kinds, summary, now, e.id}));
    if (ws) fx.by_ws[*ws].webhooks += 1;
    return {};
  };
  auto parsed = parse_webhook(e.body);
  if (!parsed) return finish(e.workspace_id, "ignored", "", "not a JSON object");
  std::string kinds;
  for (const auto& k : parsed->kinds)
    kinds += (kinds.empty() ? "" : ",") + k;
  const auto summary = parsed->summary();

  // Routing: a per-account URL names the workspace; otherwise each part names its number or WABA.
  std::optional<std::int64_t> event_ws = e.workspace_id;
  bool applied = false, unrouted = false;
  auto route_number = [&](const std::string& pnid) -> std::optional<Route> {
    auto r = accounts_.route_phone_number(pnid);
    if (!r || (e.workspace_id && r->workspace_id != *e.workspace_id)) return std::nullopt;
    return r;
  };
  auto keywords =
      [&](std::int64_t ws) -> std::pair<std::vector<std::string>, std::vector<std::string>> {
    auto it = fx.settings_cache.find(ws);
    if (it == fx.settings_cache.end()) {
      auto rows =
          c.query("SELECT opt_out_keywords, opt_in_keywords FROM workspaces WHERE id = $1", {ws});
      std::string v = rows.ok() && !rows->empty() ? rows->text(0, "opt_out_keywords") + "\x1f" +
                                                        rows->text(0, "opt_in_keywords")
                                                  : std::string("[]\x1f[]");
      it = fx.settings_cache.emplace(ws, v).first;
    }
    const auto sep = it->second.find('\x1f');
    return {string_array(it->second.substr(0, sep)), string_array(it->second.substr(sep + 1))};
  };
  // The contact with this WhatsApp id, made when unknown.
  auto contact_for = [&](std::int64_t ws, const std::string& wa_id,
                         const std::string& profile_name) -> Result<std::optional<std::int64_t>> {
    auto phone = contacts::parse_phone("+" + wa_id, "");
    if (!phone.ok()) return std::optional<std::int64_t>{};
    KIRIM_ASSIGN_OR_RETURN(
        auto found, c.query("SELECT id, name FROM contacts WHERE workspace_id = $1 AND phone_e164 "
                            "= $2",
                            {ws, phone->e164}));
    if (!found.empty()) {
      const auto id = found.integer(0, "id");
      if (found.text(0, "name").empty() && !profile_name.empty()) {
        KIRIM_TRY(c.exec("UPDATE contacts SET name = $1, updated_at = $2 WHERE id = $3",
                         {profile_name.substr(0, contacts::kMaxNameLength), now, id}));
      }
      return std::optional<std::int64_t>(id);
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto made, c.query("INSERT INTO contacts (workspace_id, phone_e164, name, country, "
                           "timezone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) "
                           "RETURNING id",
                           {ws, phone->e164, profile_name.substr(0, contacts::kMaxNameLength),
                            phone->country, phone->timezone, now}));
    return std::optional<std::int64_t>(made.integer(0, "id"));
  };
  auto set_consent = [&](std::int64_t ws, std::int64_t contact, contacts::Consent state,
                         const char* source) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(
        auto cur, c.query("SELECT consent, phone_e164 FROM contacts WHERE id = $1", {contact}));
    if (cur.empty() || cur.text(0, "consent") == contacts::consent_name(state)) return {};
    KIRIM_TRY(contacts::detail::record_consent(c, ws, contact, state, source, now));
    const bool out = state == contacts::Consent::opted_out;
    fx.by_ws[ws].notices.emplace_back(
        out ? "contact.opted_out" : "contact.opted_in",
        boost::json::object{{"contact_id", contact},
                            {"phone", cur.text(0, "phone_e164")},
                            {"consent", contacts::consent_name(state)},
                            {"source", source},
                            {"changed_at", iso8601_utc(now)}});
    return {};
  };
  auto status_notice = [&](std::int64_t ws, const StatusUpdate& s,
                           std::optional<std::int64_t> contact, StatusRank rank, std::int64_t t,
                           std::int64_t code, const std::string& title) {
    fx.by_ws[ws].add_message_notice(
        "message.status",
        {{"wamid", s.wamid},
         {"contact_id", contact ? boost::json::value(*contact) : boost::json::value(nullptr)},
         {"phone", "+" + s.recipient_id},
         {"status", rank_name(rank)},
         {"error_code", code != 0 ? boost::json::value(code) : boost::json::value(nullptr)},
         {"error_title",
          code != 0 && !title.empty() ? boost::json::value(title) : boost::json::value(nullptr)},
         {"at", iso8601_utc(t)}});
  };

  for (const auto& s : parsed->statuses) {
    auto route = route_number(s.phone_number_id);
    if (!route) {
      unrouted = true;
      continue;
    }
    const auto rank = status_rank(s.status);
    if (rank == StatusRank::none) continue;
    const auto ws = route->workspace_id;
    event_ws = event_ws.value_or(ws);
    applied = true;
    fx.by_ws[ws].statuses += 1;
    const std::int64_t t = s.timestamp > 0 ? s.timestamp * 1000 : now;
    if (sink_ != nullptr) {
      KIRIM_TRY(sink_->on_status(c, ws, s, t));
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto rows,
        c.query("SELECT id, contact_id, status_rank, status_at, sent_at, delivered_at, "
                "read_at, failed_at FROM messages WHERE workspace_id = $1 AND wamid = $2",
                {ws, s.wamid}));
    const int code = s.errors.empty() ? 0 : s.errors[0].code;
    const std::string title =
        s.errors.empty() ? ""
                         : (s.errors[0].title.empty() ? s.errors[0].message : s.errors[0].title);
    if (rows.empty()) {
      // The status came before the send recorded its wamid: keep it; the send fills in the rest.
      std::optional<std::int64_t> contact;
      auto phone = contacts::parse_phone("+" + s.recipient_id, "");
      if (phone.ok()) {
        auto found = c.query("SELECT id FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2",
                             {ws, phone->e164});
        if (found.ok() && !found->empty()) contact = found->integer(0, "id");
      }
      const bool failed = rank == StatusRank::failed;
      const bool sent =
          rank == StatusRank::sent || rank == StatusRank::delivered || rank == StatusRank::read;
      KIRIM_ASSIGN_OR_RETURN(
          auto inserted,
          c.exec(
              "INSERT INTO messages (workspace_id, contact_id, phone_number_id, direction, wamid, "
              "status, status_rank, error_code, error_title, biz_opaque, created_at, sent_at, "
              "delivered_at, read_at, failed_at, status_at) VALUES ($1, $2, $3, 'out', $4, $5, $6, "
              "$7, $8, $9, $10, $11, $12, $13, $14, $10) ON CONFLICT (workspace_id, wamid) DO "
              "NOTHING",
              {ws, contact ? Value(*contact) : Value{}, route->phone_number_id, s.wamid,
               std::string(rank_name(rank)), static_cast<std::int64_t>(rank),
               static_cast<std::int64_t>(code), title, s.biz_opaque_callback_data, t,
               sent ? t : std::int64_t{0},
               rank == StatusRank::delivered || rank == StatusRank::read ? t : std::int64_t{0},
               rank == StatusRank::read ? t : std::int64_t{0}, failed ? t : std::int64_t{0}}));
      if (contact) fx.by_ws[ws].contacts.insert(*contact);
      if (inserted > 0) status_notice(ws, s, contact, rank, t, code, title);
      continue;
    }
    const auto id = rows.integer(0, "id");
    const auto cur = static_cast<StatusRank>(rows.integer(0, "status_rank"));
    const auto status_at = rows.integer(0, "status_at");
    std::int64_t sent_at = rows.integer(0, "sent_at"),
                 delivered_at = rows.integer(0, "delivered_at"),
                 read_at = rows.integer(0, "read_at"), failed_at = rows.integer(0, "failed_at");
    StatusRank next = cur;
    std::int64_t next_at = status_at;
    std::int64_t next_code = -1;  // -1: keep
    std::string next_title;
    if (rank == StatusRank::failed) {
      // A failure does not undo a delivery or a read that happened after it.
      const bool later_success =
          (cur == StatusRank::delivered || cur == StatusRank::read) && status_at > t;
      if (!later_success && cur != StatusRank::failed) {
        next = StatusRank::failed;
        next_at = t;
        next_code = code;
        next_title = title;
      }
      if (failed_at == 0) failed_at = t;
    } else {
      // The earliest time of each status, implied ones included: read implies delivered implies
      // sent. A late webhook may carry an earlier time than the one implied so far.
      auto earliest = [t](std::int64_t& at) {
        if (at == 0 || t < at) at = t;
      };
      earliest(sent_at);
      if (rank == StatusRank::delivered || rank == StatusRank::read) earliest(delivered_at);
      if (rank == StatusRank::read) earliest(read_at);
      if (cur == StatusRank::failed) {
        if (t > status_at) {
          next = rank;
          next_at = t;
        }
      } else if (static_cast<int>(rank) > static_cast<int>(cur)) {
        next = rank;
        next_at = t;
      }
    }
    if (next_code >= 0) {
      KIRIM_TRY(
          c.exec("UPDATE messages SET status = $1, status_rank = $2, status_at = $3, "
                 "sent_at = $4, delivered_at = $5, read_at = $6, failed_at = $7, error_code = "
                 "$8, error_title = $9 WHERE id = $10",
                 {std::string(rank_name(next)), static_cast<std::int64_t>(next), next_at, sent_at,
                  delivered_at, read_at, failed_at, next_code, next_title, id}));
    } else {
      KIRIM_TRY(
          c.exec("UPDATE messages SET status = $1, status_rank = $2, status_at = $3, "
                 "sent_at = $4, delivered_at = $5, read_at = $6, failed_at = $7 WHERE id = $8",
                 {std::string(rank_name(next)), static_cast<std::int64_t>(next), next_at, sent_at,
                  delivered_at, read_at, failed_at, id}));
    }
    if (auto contact = rows.nullable_integer(0, "contact_id"))
      fx.by_ws[ws].contacts.insert(*contact);
    if (next != cur) {
      status_notice(ws, s, rows.nullable_integer(0, "contact_id"), next, next_at,
                    next == StatusRank::failed ? code : 0, title);
    }
  }

  for (const auto& m : parsed->messages) {
    auto route = route_number(m.phone_number_id);
    if (!route) {
      unrouted = true;
      continue;
    }
    const auto ws = route->workspace_id;
    event_ws = event_ws.value_or(ws);
    applied = true;
    KIRIM_ASSIGN_OR_RETURN(auto contact, contact_for(ws, m.from, m.profile_name));
    if (!contact) continue;  // not a phone number: kept in the webhook log only
    const std::int64_t t = m.timestamp > 0 ? m.timestamp * 1000 : now;
    KIRIM_ASSIGN_OR_RETURN(
        auto inserted,
        c.exec("INSERT INTO messages (workspace_id, contact_id, phone_number_id, direction, "
               "wamid, type, text, content, status, created_at, status_at) VALUES ($1, $2, $3, "
               "'in', $4, $5, $6, $7, 'received', $8, $8) ON CONFLICT (workspace_id, wamid) DO "
               "NOTHING",
               {ws, *contact, route->phone_number_id, m.wamid, m.type, preview_text(m),
                boost::json::serialize(m.raw), t}));
    if (inserted == 0) continue;  // a duplicate: already applied
    if (sink_ != nullptr) {
      KIRIM_TRY(sink_->on_inbound(c, ws, *contact, m, t));
    }
    fx.by_ws[ws].messages += 1;
    fx.by_ws[ws].contacts.insert(*contact);
    {
      const auto text = preview_text(m);
      fx.by_ws[ws].add_message_notice(
          "message.received",
          {{"wamid", m.wamid},
           {"contact_id", *contact},
           {"phone", "+" + m.from},
           {"type", m.type},
           {"text", text.empty() ? boost::json::value(nullptr) : boost::json::value(text)},
           {"at", iso8601_utc(t)}});
    }
    KIRIM_TRY(
        c.exec("UPDATE contacts SET last_in_at = CASE WHEN last_in_at < $1 THEN $1 ELSE "
               "last_in_at END, updated_at = $2 WHERE id = $3",
               {t, now, *contact}));
    const auto [out_kw, in_kw] = keywords(ws);
    const auto said = upper_trimmed(m.type == "text" ? m.text : "");
    const auto button = upper_trimmed(m.button_payload.empty() ? m.text : m.button_payload);
    const bool is_button = m.type == "button" || m.type == "interactive";
    auto is_stop = [&](const std::string& s) {
      return std::find(out_kw.begin(), out_kw.end(), s) != out_kw.end();
    };
    if (!said.empty() && is_stop(said)) {
      KIRIM_TRY(set_consent(ws, *contact, contacts::Consent::opted_out, "keyword"));
    } else if (!said.empty() && std::find(in_kw.begin(), in_kw.end(), said) != in_kw.end()) {
      KIRIM_TRY(set_consent(ws, *contact, contacts::Consent::opted_in, "keyword"));
    } else if (is_button && (is_stop(button) || button.starts_with("STOP") ||
                             button.find("UNSUBSCRIBE") != std::string::npos ||
                             upper_trimmed(m.text).starts_with("STOP"))) {
      KIRIM_TRY(set_consent(ws, *contact, contacts::Consent::opted_out, "button"));
    }
  }

  for (const auto& p : parsed->preferences) {
    std::optional<Route> route = route_number(p.phone_number_id);
    if (!route) {
      auto r = accounts_.route_waba(p.waba_id);
      if (!r.empty()) route = r.front();
    }
    if (!route) {
      unrouted = true;
      continue;
    }
    const auto ws = route->workspace_id;
    event_ws = event_ws.value_or(ws);
    applied = true;
    KIRIM_ASSIGN_OR_RETURN(auto contact, contact_for(ws, p.wa_id, ""));
    if (!contact) continue;
    if (p.value == "stop") {
      KIRIM_TRY(set_consent(ws, *contact, contacts::Consent::opted_out, "whatsapp_preferences"));
    } else if (p.value == "resume") {
      KIRIM_TRY(set_consent(ws, *contact, contacts::Consent::opted_in, "whatsapp_preferences"));
    }
    fx.by_ws[ws].contacts.insert(*contact);
  }

  for (const auto& t : parsed->templates) {
    auto routes = accounts_.route_waba(t.waba_id);
    if (routes.empty()) {
      unrouted = true;
      continue;
    }
    for (const auto& r : routes) {
      if (e.workspace_id && r.workspace_id != *e.workspace_id) continue;
      event_ws = event_ws.value_or(r.workspace_id);
      applied = true;
      // Templates not yet synced have no Meta id: an update without one matches by name only.
      const std::string where =
          " WHERE account_id = $1 AND (($2 <> '' AND meta_id = $2) OR (name = $3 AND ($4 = '' OR "
          "language = $4)))";
      if (t.field == "message_template_status_update") {
        KIRIM_TRY(c.exec(
            "UPDATE templates SET status = $5, rejected_reason = $6, updated_at = $7" + where,
            {r.account_id, t.template_id, t.name, t.language, t.event,
             t.event == "REJECTED" ? t.reason : std::string(), now}));
      } else if (t.field == "message_template_quality_update") {
        KIRIM_TRY(c.exec("UPDATE templates SET quality = $5, updated_at = $6" + where,
                         {r.account_id, t.template_id, t.name, t.language, t.event, now}));
      } else if (t.field == "template_category_update" && !t.category.empty()) {
        KIRIM_TRY(c.exec("UPDATE templates SET category = $5, updated_at = $6" + where,
                         {r.account_id, t.template_id, t.name, t.language, t.category, now}));
      }
      fx.by_ws[r.workspace_id].templates.push_back({{"account_id", r.account_id},
                                                    {"name", t.name},
                                                    {"language", t.language},
                                                    {"field", t.field},
                                                    {"event", t.event}});
    }
  }

  for (const auto& q : parsed->quality) {
    auto routes = accounts_.route_waba(q.waba_id);
    if (routes.empty()) {
      unrouted = true;
      continue;
    }
    for (const auto& r : routes) {
      if (e.workspace_id && r.workspace_id != *e.workspace_id) continue;
      event_ws = event_ws.value_or(r.workspace_id);
      applied = true;
      // The number is named by its display form; compare digits only.
      KIRIM_ASSIGN_OR_RETURN(auto nums, c.query("SELECT id, display_number FROM phone_numbers "
                                                "WHERE account_id = $1",
                                                {r.account_id}));
      auto digits = [](const std::string& s) {
        std::string d;
        for (char ch : s) {
          if (ch >= '0' && ch <= '9') d.push_back(ch);
        }
        return d;
      };
      for (std::size_t i = 0; i < nums.size(); ++i) {
        if (digits(nums.text(i, "display_number")) != digits(q.display_phone_number)) continue;
        // The portfolio's limit replaces the number's own (current_limit goes in February 2026).
        const std::string tier = q.portfolio_limit.empty() ? q.current_limit : q.portfolio_limit;
        if (q.event == "THROUGHPUT_UPGRADE") {
          KIRIM_TRY(
              c.exec("UPDATE phone_numbers SET throughput_mps = 1000, updated_at = $1 WHERE "
                     "id = $2",
                     {now, nums.integer(i, "id")}));
        } else if (q.event == "FLAGGED" || q.event == "UNFLAGGED" || q.event == "ONBOARDING") {
          KIRIM_TRY(c.exec(
              "UPDATE phone_numbers SET quality_rating = $1, updated_at = $2 WHERE "
              "id = $3",
              {std::string(q.event == "FLAGGED" ? "RED" : "GREEN"), now, nums.integer(i, "id")}));
        }
        if (!tier.empty()) {
          KIRIM_TRY(
              c.exec("UPDATE phone_numbers SET messaging_tier = $1, updated_at = $2 WHERE "
                     "id = $3",
                     {tier, now, nums.integer(i, "id")}));
        }
      }
    }
  }

  for (const auto& a : parsed->accounts) {
    if (a.field != "account_update") continue;
    auto routes = accounts_.route_waba(a.waba_id);
    for (const auto& r : routes) {
      if (e.workspace_id && r.workspace_id != *e.workspace_id) continue;
      event_ws = event_ws.value_or(r.workspace_id);
      applied = true;
      static const std::set<std::string> pausing = {"ACCOUNT_VIOLATION", "ACCOUNT_RESTRICTION",
                                                    "DISABLED_UPDATE", "ACCOUNT_DELETED",
                                                    "ACCOUNT_OFFBOARDED"};
      if (pausing.contains(a.event)) {
        KIRIM_TRY(
            c.exec("UPDATE wa_accounts SET status = 'paused', paused_reason = $1, "
                   "updated_at = $2 WHERE id = $3",
                   {"Meta reported " + a.event, now, r.account_id}));
      } else if (a.event == "ACCOUNT_RECONNECTED") {
        KIRIM_TRY(
            c.exec("UPDATE wa_accounts SET status = 'active', paused_reason = '', updated_at "
                   "= $1 WHERE id = $2 AND paused_reason LIKE 'Meta reported %'",
                   {now, r.account_id}));
      }
    }
  }

  std::string outcome = applied ? "processed" : unrouted ? "unrouted" : "ignored";
  return finish(event_ws, std::move(outcome), kinds, summary);
}

void Inbox::notify(const Effects& fx) {
  if (!notify_) return;
  for (const auto& [ws, p] : fx.by_ws) {
    if (p.webhooks > 0) notify_(ws, "webhook.received", {{"count", p.webhooks}});
    if (p.statuses > 0 || p.messages > 0) {
      boost::json::array contacts;
      std::size_t n = 0;
      for (auto id : p.contacts) {
        if (++n > 500) break;  // a small payload; the page refetches what it shows
        contacts.emplace_back(id);
      }
      notify_(
          ws, "inbox.updated",
          {{"statuses", p.statuses}, {"messages", p.messages}, {"contacts", std::move(contacts)}});
    }
    for (const auto& t : p.templates)
      notify_(ws, "template.updated", t);
    for (const auto& [event, data] : p.notices)
      notify_(ws, event, data);
    if (p.dropped_notices > 0) {
      log::warn(
          "message notices beyond the per-batch cap were dropped",
          {{"workspace", std::to_string(ws)}, {"dropped", std::to_string(p.dropped_notices)}});
    }
  }
}

Result<std::vector<WebhookEvent>> Inbox::events(std::int64_t ws, const WebhookQuery& q) {
  std::string sql =
      "SELECT id, workspace_id, account_id, received_at, processed_at, size_bytes, kinds, outcome, "
      "error, summary FROM webhook_events WHERE (workspace_id = $1 OR workspace_id IS NULL)";
  std::vector<Value> params{ws};
  if (q.before > 0) {
    params.emplace_back(q.before);
    sql += " AND id < $" + std::to_string(params.size());
  }
  if (!q.outcome.empty()) {
    params.emplace_back(q.outcome);
    sql += " AND outcome = $" + std::to_string(params.size());
  }
  if (!q.kind.empty()) {
    params.emplace_back("%" + q.kind + "%");
    sql += " AND kinds LIKE $" + std::to_string(params.size());
  }
  if (!q.q.empty()) {
    std::string pattern = "%";
    for (char ch : q.q) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
      pattern.push_back(ch);
    }
    pattern += "%";
    params.emplace_back(pattern);
    sql += " AND body LIKE $" + std::to_string(params.size()) + " ESCAPE '\\'";
  }
  sql += " ORDER BY id DESC LIMIT " +
         std::to_string(std::clamp<int>(q.limit, 1, static_cast<int>(kMaxWebhookLogPage)));
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql, params));
  std::vector<WebhookEvent> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    WebhookEvent e;
    e.id = rows.integer(i, "id");
    e.workspace_id = rows.nullable_integer(i, "workspace_id");
    e.account_id = rows.nullable_integer(i, "account_id");
    e.received_at = rows.integer(i, "received_at");
    e.processed_at = rows.integer(i, "processed_at");
    e.size_bytes = rows.integer(i, "size_bytes");
    e.kinds = rows.text(i, "kinds");
    e.outcome = rows.text(i, "outcome");
    e.error = rows.text(i, "error");
    e.summary = rows.text(i, "summary");
    out.push_back(std::move(e));
  }
  return out;
}

Result<WebhookEvent> Inbox::event(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT id, workspace_id, account_id, received_at, processed_at, "
                           "size_bytes, kinds, outcome, error, summary, body FROM webhook_events "
                           "WHERE (workspace_id = $1 OR workspace_id IS NULL) AND id = $2",
                           {ws, id}));
  if (rows.empty()) return make_error(Errc::not_found, "There is no such webhook.");
  WebhookEvent e;
  e.id = rows.integer(0, "id");
  e.workspace_id = rows.nullable_integer(0, "workspace_id");
  e.account_id = rows.nullable_integer(0, "account_id");
  e.received_at = rows.integer(0, "received_at");
  e.processed_at = rows.integer(0, "processed_at");
  e.size_bytes = rows.integer(0, "size_bytes");
  e.kinds = rows.text(0, "kinds");
  e.outcome = rows.text(0, "outcome");
  e.error = rows.text(0, "error");
  e.summary = rows.text(0, "summary");
  e.body = rows.text(0, "body");
  return e;
}

Result<WebhookEvent> Inbox::replay(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto e, event(ws, id));
  {
    std::lock_guard lock(process_mu_);
    KIRIM_TRY(process_batch({Pending{e.id, e.workspace_id, e.account_id, e.body}}));
  }
  return event(ws, id);
}

boost::json::object webhook_event_json(const WebhookEvent& e, bool with_body) {
  boost::json::array kinds;
  std::size_t start = 0;
  while (start < e.kinds.size()) {
    auto comma = e.kinds.find(',', start);
    if (comma == std::string::npos) comma = e.kinds.size();
    kinds.emplace_back(e.kinds.substr(start, comma - start));
    start = comma + 1;
  }
  boost::json::object o{
      {"id", e.id},
      {"received_at", iso8601_utc(e.received_at)},
      {"account_id",
       e.account_id ? boost::json::value(*e.account_id) : boost::json::value(nullptr)},
      {"kinds", std::move(kinds)},
      {"outcome", e.outcome},
      {"error", e.error.empty() ? boost::json::value(nullptr) : boost::json::value(e.error)},
      {"summary", e.summary},
      {"size_bytes", e.size_bytes},
      {"processed_at", e.processed_at > 0 ? boost::json::value(iso8601_utc(e.processed_at))
                                          : boost::json::value(nullptr)}};
  if (with_body) o["body"] = e.body;
  return o;
}

}  // namespace kirim::whatsapp
