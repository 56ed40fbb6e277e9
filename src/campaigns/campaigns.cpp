#include "campaigns/campaigns.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <date/tz.h>

#include "campaigns/render.h"
#include "contacts/filter.h"
#include "contacts/phone.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"

namespace kirim::campaigns {
namespace {

using db::Value;
using Steady = std::chrono::steady_clock;
namespace bj = boost::json;

constexpr const char* kCampaignColumns =
    "c.id, c.workspace_id, c.name, c.state, c.audience, c.message, c.senders, c.schedule, "
    "c.quiet_hours, c.speed_mps, c.goal, c.planned, c.created_by, c.created_at, c.updated_at, "
    "c.scheduled_at, c.started_at, c.finished_at, c.error, u.name AS created_by_name";

constexpr const char* kCounterColumns =
    "n_pending, n_sending, n_accepted, n_sent, n_delivered, n_read, n_failed, n_unknown, "
    "n_skipped, n_cancelled, n_replied, n_clicked, n_converted";

const char* column_of(RecipientState s) {
  switch (s) {
    case RecipientState::pending:
      return "n_pending";
    case RecipientState::sending:
      return "n_sending";
    case RecipientState::accepted:
      return "n_accepted";
    case RecipientState::sent:
      return "n_sent";
    case RecipientState::delivered:
      return "n_delivered";
    case RecipientState::read:
      return "n_read";
    case RecipientState::failed:
      return "n_failed";
    case RecipientState::unknown:
      return "n_unknown";
    case RecipientState::skipped:
      return "n_skipped";
    case RecipientState::cancelled:
      return "n_cancelled";
  }
  return "n_pending";
}

bj::object parse_object(const std::string& text) {
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  return !ec && v.is_object() ? v.as_object() : bj::object{};
}

std::vector<std::int64_t> parse_ids(const std::string& text) {
  std::vector<std::int64_t> out;
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (e.is_int64()) out.push_back(e.as_int64());
  }
  return out;
}

std::string str(const bj::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t integer(const bj::object& o, std::string_view k, std::int64_t fallback = 0) {
  const auto* v = o.if_contains(k);
  return v && v->is_int64() ? v->as_int64() : fallback;
}

Campaign campaign_from(const db::Rows& r, std::size_t i) {
  Campaign c;
  c.id = r.integer(i, "id");
  c.workspace_id = r.integer(i, "workspace_id");
  c.name = r.text(i, "name");
  c.state = parse_state(r.text(i, "state")).value_or(State::draft);
  c.audience = parse_object(r.text(i, "audience"));
  c.message = parse_object(r.text(i, "message"));
  c.senders = parse_ids(r.text(i, "senders"));
  c.schedule = parse_object(r.text(i, "schedule"));
  c.quiet_hours = parse_object(r.text(i, "quiet_hours"));
  c.speed_mps = static_cast<int>(r.integer(i, "speed_mps"));
  c.goal = parse_object(r.text(i, "goal"));
  c.planned = r.integer(i, "planned");
  c.created_by = r.nullable_integer(i, "created_by");
  c.created_by_name = r.text(i, "created_by_name");
  c.created_at = r.integer(i, "created_at");
  c.updated_at = r.integer(i, "updated_at");
  c.scheduled_at = r.integer(i, "scheduled_at");
  c.started_at = r.integer(i, "started_at");
  c.finished_at = r.integer(i, "finished_at");
  c.error = r.text(i, "error");
  return c;
}

Counters counters_from(const db::Rows& r, std::size_t i) {
  Counters c;
  c.queued = r.integer(i, "n_pending");
  c.sending = r.integer(i, "n_sending");
  const auto accepted = r.integer(i, "n_accepted"), sent = r.integer(i, "n_sent"),
             delivered = r.integer(i, "n_delivered"), read = r.integer(i, "n_read");
  c.sent = accepted + sent + delivered + read;
  c.delivered = delivered + read;
  c.read = read;
  c.failed = r.integer(i, "n_failed");
  c.unknown = r.integer(i, "n_unknown");
  c.skipped = r.integer(i, "n_skipped");
  c.cancelled = r.integer(i, "n_cancelled");
  c.replied = r.integer(i, "n_replied");
  c.clicked = r.integer(i, "n_clicked");
  c.converted = r.integer(i, "n_converted");
  c.planned = c.queued + c.sending + c.sent + c.failed + c.unknown + c.skipped + c.cancelled;
  return c;
}

Error invalid(std::map<std::string, std::string> d) {
  return json::validation_error(std::move(d));
}

// Moves one recipient between states, with the campaign's counters, in the caller's unit.
Result<bool> move_recipient(db::Connection& c, std::int64_t campaign_id, std::int64_t recipient,
                            RecipientState from, RecipientState to, const std::string& extra_set,
                            std::vector<Value> extra_params) {
  std::vector<Value> params = std::move(extra_params);
  params.emplace_back(std::string(recipient_state_name(to)));
  const auto to_p = "$" + std::to_string(params.size());
  params.emplace_back(std::int64_t{rank_of(to)});
  const auto rank_p = "$" + std::to_string(params.size());
  params.emplace_back(recipient);
  const auto id_p = "$" + std::to_string(params.size());
  params.emplace_back(std::string(recipient_state_name(from)));
  const auto from_p = "$" + std::to_string(params.size());
  KIRIM_ASSIGN_OR_RETURN(
      auto n, c.exec("UPDATE campaign_recipients SET state = " + to_p + ", rank = " + rank_p +
                         (extra_set.empty() ? "" : ", " + extra_set) + " WHERE id = " + id_p +
                         " AND state = " + from_p,
                     params));
  if (n == 0) return false;
  KIRIM_TRY(c.exec(std::string("UPDATE campaigns SET ") + column_of(from) + " = " +
                       column_of(from) + " - 1, " + column_of(to) + " = " + column_of(to) +
                       " + 1 WHERE id = $1",
                   {campaign_id}));
  return true;
}

Result<void> add_series(db::Connection& c, std::int64_t campaign_id, std::int64_t at,
                        const char* column) {
  const std::int64_t bucket = at / kSeriesBucketMs * kSeriesBucketMs;
  KIRIM_TRY(c.exec(std::string("INSERT INTO campaign_series (campaign_id, bucket, ") + column +
                       ") VALUES ($1, $2, 1) ON CONFLICT (campaign_id, bucket) DO UPDATE SET " +
                       column + " = campaign_series." + column + " + 1",
                   {campaign_id, bucket}));
  return {};
}

// A rate to one decimal; a whole number as an integer (Boost.JSON writes the double 0 as 0E0).
bj::value rate_value(double r) {
  const auto tenths = static_cast<std::int64_t>(r * 10);
  if (tenths % 10 == 0) return bj::value(tenths / 10);
  return bj::value(static_cast<double>(tenths) / 10);
}

}  // namespace

const char* state_name(State s) {
  static const char* names[] = {"draft",     "scheduled", "running", "paused",
                                "completed", "stopped",   "failed"};
  return names[static_cast<int>(s)];
}

std::optional<State> parse_state(std::string_view s) {
  for (int i = 0; i < 7; ++i) {
    if (s == state_name(static_cast<State>(i))) return static_cast<State>(i);
  }
  return std::nullopt;
}

const char* recipient_state_name(RecipientState s) {
  static const char* names[] = {"pending", "sending", "accepted", "sent",    "delivered",
                                "read",    "failed",  "unknown",  "skipped", "cancelled"};
  return names[static_cast<int>(s)];
}

std::optional<RecipientState> parse_recipient_state(std::string_view s) {
  for (int i = 0; i < 10; ++i) {
    if (s == recipient_state_name(static_cast<RecipientState>(i))) {
      return static_cast<RecipientState>(i);
    }
  }
  return std::nullopt;
}

int rank_of(RecipientState s) {
  switch (s) {
    case RecipientState::pending:
      return 0;
    case RecipientState::sending:
      return 1;
    case RecipientState::accepted:
      return 2;
    case RecipientState::sent:
      return 3;
    case RecipientState::delivered:
      return 4;
    case RecipientState::read:
      return 5;
    default:
      return 9;
  }
}

}  // namespace kirim::campaigns

namespace kirim::campaigns {
namespace {

// Minutes since midnight of "HH:MM"; nullopt when malformed.
std::optional<int> minutes_of(const std::string& hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  const int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return h * 60 + m;
}

const date::time_zone* zone_or_utc(const std::string& name) {
  try {
    if (!name.empty()) return date::locate_zone(name);
  } catch (const std::exception&) {
  }
  return date::locate_zone("UTC");
}

// The instant of a local date and time in a zone (the first one when ambiguous, the end of the
// gap when it does not exist).
std::int64_t local_instant(const std::string& day, int minutes, const std::string& tz) {
  std::istringstream in(day);
  date::local_days d;
  in >> date::parse("%F", d);
  if (in.fail()) return 0;
  const auto local = date::local_seconds(d) + std::chrono::minutes(minutes);
  const auto* z = zone_or_utc(tz);
  auto info = z->get_info(local);
  date::sys_seconds t;
  if (info.result == date::local_info::nonexistent) {
    t = info.second.begin;
  } else {
    t = date::sys_seconds(local.time_since_epoch() - info.first.offset);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// When a contact's quiet hours end, or 0 when now is not inside them.
std::int64_t quiet_until(const bj::object& quiet, const std::string& tz, std::int64_t now_ms) {
  if (quiet.empty()) return 0;
  const auto start = minutes_of(str(quiet, "start"));
  const auto end = minutes_of(str(quiet, "end"));
  if (!start || !end || *start == *end) return 0;
  const auto* z = zone_or_utc(tz);
  const auto now = date::sys_seconds(std::chrono::seconds(now_ms / 1000));
  const auto local = z->to_local(now);
  const auto day = date::floor<date::days>(local);
  const int minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  const bool inside =
      *start < *end ? (minute >= *start && minute < *end) : (minute >= *start || minute < *end);
  if (!inside) return 0;
  // The next local `end` time.
  auto end_local = day + std::chrono::minutes(*end);
  if (end_local <= local) end_local += date::days(1);
  const auto info = z->get_info(date::local_seconds(end_local));
  const auto sys = info.result == date::local_info::nonexistent
                       ? info.second.begin
                       : date::sys_seconds(end_local.time_since_epoch() - info.first.offset);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

std::string digits_of(const std::string& e164) {
  std::string out;
  for (char ch : e164) {
    if (ch >= '0' && ch <= '9') out.push_back(ch);
  }
  return out;
}

}  // namespace

struct Campaigns::Impl {
  explicit Impl(Deps deps) : d(std::move(deps)) {}

  // A campaign the engine is running (or has paused): its compiled message and its controls.
  struct Live {
    std::int64_t id = 0, ws = 0;
    std::mutex mu;
    std::condition_variable cv;
    State state = State::running;  // guarded by mu
    // Recipients the dispatcher holds: claimed (or about to be) and not yet handed back, ended
    // or recorded. Pause and stop wait for it to reach zero. Guarded by mu.
    int in_flight = 0;
    Compiled compiled;
    bool text = false, marketing = false;
    std::vector<std::int64_t> senders;
    std::atomic<int> speed{20};
    bj::object quiet_hours;
    std::string limiter_key;
    // Accepted sends per second over the last ten seconds, for the rate shown.
    std::mutex rate_mu;
    std::deque<std::pair<std::int64_t, int>> accepted;  // (second, count); guarded by rate_mu
    std::string last_published;
  };

  // A sender number's dispatcher.
  struct Sender {
    std::int64_t id = 0, ws = 0, account_id = 0;
    std::string pnid;
    std::thread thread;
    std::mutex mu;
    std::condition_variable cv;
    bool wake = false;  // guarded by mu
    std::size_t turn = 0;
  };

  Deps d;
  std::mutex mu;
  std::map<std::int64_t, std::shared_ptr<Live>> live;       // guarded by mu
  std::map<std::int64_t, std::unique_ptr<Sender>> senders;  // guarded by mu
  std::set<std::int64_t> finished_recently;                 // guarded by mu: publish once more
  std::set<std::int64_t> touched;  // guarded by mu: moved by statuses, clicks or replies
  std::atomic<bool> stopping{false};
  std::thread publisher;
  std::mutex publisher_mu;
  std::condition_variable publisher_cv;

  // --- Loading ------------------------------------------------------------------------------

  Result<Campaign> load(std::optional<std::int64_t> ws, std::int64_t id) {
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, d.db.query(std::string("SELECT ") + kCampaignColumns +
                                  " FROM campaigns c LEFT JOIN users u ON u.id = c.created_by "
                                  "WHERE c.id = $1 AND ($2 = 0 OR c.workspace_id = $2)",
                              {id, ws.value_or(0)}));
    if (rows.empty()) return make_error(Errc::not_found, "There is no such campaign.");
    return campaign_from(rows, 0);
  }

  Result<Counters> counters(std::int64_t id) {
    KIRIM_ASSIGN_OR_RETURN(auto rows, d.db.query(std::string("SELECT ") + kCounterColumns +
                                                     " FROM campaigns WHERE id = $1",
                                                 {id}));
    if (rows.empty()) return make_error(Errc::not_found, "There is no such campaign.");
    return counters_from(rows, 0);
  }

  Result<void> event(std::int64_t ws, std::int64_t id, std::optional<std::int64_t> actor,
                     const std::string& kind, const std::string& detail) {
    const auto now = d.clock.now_ms();
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, d.db.write_query("INSERT INTO campaign_events (campaign_id, workspace_id, at, "
                                    "kind, actor_id, detail) VALUES ($1, $2, $3, $4, $5, $6) "
                                    "RETURNING id",
                                    {id, ws, now, kind, actor ? Value(*actor) : Value{}, detail}));
    if (d.publish) {
      bj::object e{{"id", rows.integer(0, "id")},
                   {"at", iso8601_utc(now)},
                   {"kind", kind},
                   {"detail", detail},
                   {"actor", nullptr}};
      if (actor) {
        auto name = d.db.query("SELECT name FROM users WHERE id = $1", {*actor});
        e["actor"] = bj::object{{"id", *actor},
                                {"name", name.ok() && !name->empty() ? name->text(0, "name") : ""}};
      }
      d.publish(ws, "private-campaign." + std::to_string(id), "campaign.event", e);
    }
    return {};
  }

  // Reads the template of a campaign's message, if any.
  Result<std::optional<TemplateInfo>> template_of(std::int64_t ws, const bj::object& message) {
    if (str(message, "kind") != "template") return std::optional<TemplateInfo>{};
    const auto id = integer(message, "template_id");
    if (id <= 0) return std::optional<TemplateInfo>{};
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, d.db.query("SELECT name, language, status, category, parameter_format, "
                              "components FROM templates WHERE workspace_id = $1 AND id = $2",
                              {ws, id}));
    if (rows.empty()) return std::optional<TemplateInfo>{};
    TemplateInfo t;
    t.name = rows.text(0, "name");
    t.language = rows.text(0, "language");
    t.status = rows.text(0, "status");
    t.category = rows.text(0, "category");
    t.parameter_format = rows.text(0, "parameter_format");
    boost::system::error_code ec;
    t.components = bj::parse(rows.text(0, "components"), ec);
    return std::optional<TemplateInfo>(std::move(t));
  }

  Result<Compiled> compile_for(const Campaign& c) {
    KIRIM_ASSIGN_OR_RETURN(auto tmpl, template_of(c.workspace_id, c.message));
    KIRIM_ASSIGN_OR_RETURN(auto fields, d.contacts.fields(c.workspace_id));
    std::vector<std::string> keys;
    for (const auto& f : fields)
      keys.push_back(f.key);
    if (str(c.message, "kind") == "template" && !tmpl) {
      return invalid({{"message.template_id", "names no template of this workspace"}});
    }
    return compile(c.message, tmpl ? &*tmpl : nullptr, keys);
  }

  // Starts (or resumes) running a campaign in this process.
  Result<void> go_live(const Campaign& c) {
    KIRIM_ASSIGN_OR_RETURN(auto compiled, compile_for(c));
    auto l = std::make_shared<Live>();
    l->id = c.id;
    l->ws = c.workspace_id;
    l->compiled = std::move(compiled);
    l->text = !l->compiled.is_template;
    l->marketing = l->compiled.marketing;
    l->senders = c.senders;
    l->speed.store(std::clamp(c.speed_mps, 1, kMaxSpeedMps));
    l->quiet_hours = c.quiet_hours;
    l->limiter_key = "campaign:" + std::to_string(c.id);
    l->state = c.state;
    configure_speed(*l);
    KIRIM_ASSIGN_OR_RETURN(auto accounts, d.accounts.list(c.workspace_id));
    {
      std::lock_guard lock(mu);
      live[c.id] = l;
      for (auto sid : c.senders) {
        if (senders.contains(sid)) {
          wake_sender(*senders[sid]);
          continue;
        }
        for (const auto& a : accounts) {
          for (const auto& n : a.phone_numbers) {
            if (n.id != sid) continue;
            auto s = std::make_unique<Sender>();
            s->id = sid;
            s->ws = c.workspace_id;
            s->account_id = a.id;
            s->pnid = n.pnid;
            configure_number(n);
            auto* raw = s.get();
            s->thread = std::thread([this, raw] { dispatch(*raw); });
            senders[sid] = std::move(s);
          }
        }
      }
    }
    return {};
  }

  void configure_speed(const Live& l) {
    queue::NumberLimits limits;
    limits.mps = std::clamp(l.speed.load(), queue::kMinMps, queue::kMaxMps);
    limits.tier_unique_24h = queue::kUnlimitedTier;
    limits.pair_burst = queue::kMaxPairBurst;
    limits.adaptive = false;
    (void)d.limiter.configure(l.limiter_key, limits);
  }

  void configure_number(const whatsapp::PhoneNumber& n) {
    queue::NumberLimits limits;
    limits.mps = std::clamp(n.throughput_mps, queue::kMinMps, queue::kMaxMps);
    const auto& tier = n.messaging_tier;
    limits.tier_unique_24h = tier.find("UNLIMITED") != std::string::npos ? queue::kUnlimitedTier
                             : tier.find("100K") != std::string::npos    ? 100'000
                             : tier.find("10K") != std::string::npos     ? 10'000
                             : tier.find("2K") != std::string::npos      ? 2'000
                             : tier.find("1K") != std::string::npos      ? 1'000
                                                                         : 250;
    (void)d.limiter.configure(n.pnid, limits);
  }

  void wake_sender(Sender& s) {
    {
      std::lock_guard lock(s.mu);
      s.wake = true;
    }
    s.cv.notify_all();
  }

  void wake_all() {
    std::lock_guard lock(mu);
    for (auto& [id, s] : senders)
      wake_sender(*s);
  }

  // --- Dispatching --------------------------------------------------------------------------

  static void release(Live& l, int n) {
    if (n <= 0) return;
    {
      std::lock_guard lock(l.mu);
      l.in_flight -= n;
    }
    l.cv.notify_all();
  }

  std::vector<std::shared_ptr<Live>> campaigns_of(const Sender& s) {
    std::vector<std::shared_ptr<Live>> out;
    std::lock_guard lock(mu);
    for (auto& [id, l] : live) {
      std::lock_guard state(l->mu);
      if (l->state == State::running &&
          std::find(l->senders.begin(), l->senders.end(), s.id) != l->senders.end()) {
        out.push_back(l);
      }
    }
    return out;
  }

  struct Claimed {
    std::int64_t id = 0, contact_id = 0;
  };

  // Marks up to n ready recipients of a campaign `sending` for this sender, committed before any
  // request is made for them.
  Result<std::vector<Claimed>> claim(const Live& l, const Sender& s, int n) {
    std::vector<Claimed> out;
    const auto now = d.clock.now_ms();
    const bool pg = d.db.dialect() == db::Dialect::postgres;
    KIRIM_TRY(d.db.write([&](db::Connection& c) -> Result<void> {
      KIRIM_ASSIGN_OR_RETURN(
          auto rows,
          c.query(std::string("UPDATE campaign_recipients SET state = 'sending', rank = 1, "
                              "sender_id = $1, attempts = attempts + 1, updated_at = $2 WHERE id "
                              "IN (SELECT id FROM campaign_recipients WHERE campaign_id = $3 AND "
                              "state = 'pending' AND send_after <= $2 ORDER BY id LIMIT $4") +
                      (pg ? " FOR UPDATE SKIP LOCKED" : "") + ") RETURNING id, contact_id",
                  {s.id, now, l.id, static_cast<std::int64_t>(n)}));
      for (std::size_t i = 0; i < rows.size(); ++i)
        out.push_back({rows.integer(i, "id"), rows.integer(i, "contact_id")});
      if (!out.empty()) {
        KIRIM_TRY(
            c.exec("UPDATE campaigns SET n_pending = n_pending - $1, n_sending = n_sending "
                   "+ $1 WHERE id = $2",
                   {static_cast<std::int64_t>(out.size()), l.id}));
      }
      return {};
    }));
    return out;
  }

  // Puts claimed recipients back (pending) or ends them (cancelled), when a pause or a stop
  // came before their requests were made.
  void hand_back(Live& l, const std::vector<Claimed>& rows, std::size_t from, RecipientState to,
                 std::int64_t send_after = 0) {
    if (from >= rows.size()) return;
    struct Release {
      Live& l;
      int n;
      ~Release() { Impl::release(l, n); }
    } release_after{l, static_cast<int>(rows.size() - from)};
    (void)d.db.write([&](db::Connection& c) -> Result<void> {
      for (std::size_t i = from; i < rows.size(); ++i) {
        KIRIM_TRY(move_recipient(c, l.id, rows[i].id, RecipientState::sending, to,
                                 "send_after = $1, attempts = attempts - 1",
                                 {send_after > 0 ? send_after : d.clock.now_ms()}));
      }
      return {};
    });
  }

  void finish_one(Live& l, const Claimed& r, RecipientState to, std::int64_t code,
                  const std::string& title) {
    struct Release {
      Live& l;
      ~Release() { Impl::release(l, 1); }
    } release_after{l};
    const auto now = d.clock.now_ms();
    (void)d.db.write([&](db::Connection& c) -> Result<void> {
      KIRIM_ASSIGN_OR_RETURN(
          auto moved,
          move_recipient(c, l.id, r.id, RecipientState::sending, to,
                         "error_code = $1, error_title = $2, updated_at = $3, "
                         "failed_at = CASE WHEN $4 = 1 THEN $3 ELSE failed_at END",
                         {code, title, now, std::int64_t{to == RecipientState::failed}}));
      if (moved && to == RecipientState::failed) KIRIM_TRY(add_series(c, l.id, now, "failed"));
      return {};
    });
  }

  // Waits for the campaign's rate and the number's, up to a moment; false when the caller should
  // give up this recipient for now (paused number, a stop, the pair limit: `defer` says when).
  enum class Slot { go, defer, paused_number, stop };
  Slot wait_slot(Live& l, const Sender& s, const std::string& to, std::int64_t& defer_until) {
    while (!stopping.load()) {
      {
        std::lock_guard lock(l.mu);
        if (l.state != State::running) return Slot::stop;
      }
      auto camp = d.limiter.try_acquire(l.limiter_key, {to, queue::TierUse::exempt});
      if (!camp.allowed) {
        std::this_thread::sleep_for(
            std::min<std::chrono::nanoseconds>(camp.retry_after, std::chrono::milliseconds(50)));
        continue;
      }
      auto num = d.limiter.try_acquire(s.pnid, {to, queue::TierUse::counted});
      if (num.allowed) return Slot::go;
      if (num.reason == queue::LimitReason::paused) return Slot::paused_number;
      if (num.reason == queue::LimitReason::pair || num.reason == queue::LimitReason::tier) {
        defer_until =
            d.clock.now_ms() +
            std::chrono::duration_cast<std::chrono::milliseconds>(num.retry_after).count() + 1;
        return Slot::defer;
      }
      std::this_thread::sleep_for(
          std::min<std::chrono::nanoseconds>(num.retry_after, std::chrono::milliseconds(50)));
    }
    return Slot::stop;
  }

  void dispatch(Sender& s) {
    while (!stopping.load()) {
      auto list = campaigns_of(s);
      bool worked = false;
      if (!list.empty()) {
        s.turn = (s.turn + 1) % list.size();
        for (std::size_t k = 0; k < list.size() && !stopping.load(); ++k) {
          auto& l = *list[(s.turn + k) % list.size()];
          if (send_some(l, s)) worked = true;
        }
      }
      if (!worked) {
        std::unique_lock lock(s.mu);
        s.cv.wait_for(lock, std::chrono::milliseconds(200),
                      [&] { return s.wake || stopping.load(); });
        s.wake = false;
      }
    }
  }

  // One round of a campaign on a sender: claims a few recipients and makes their requests.
  bool send_some(Live& l, Sender& s) {
    const int n = std::clamp(l.speed.load() / 10, 1, kClaimMax);
    {
      // Reserved before the claim commits, so that a pause or a stop waits for these too.
      std::lock_guard lock(l.mu);
      if (l.state != State::running) return false;
      l.in_flight += n;
    }
    auto claimed = claim(l, s, n);
    if (!claimed.ok()) {
      release(l, n);
      log::error("claiming recipients failed",
                 {{"campaign", std::to_string(l.id)}, {"error", claimed.error().message}});
      return false;
    }
    release(l, n - static_cast<int>(claimed->size()));
    if (claimed->empty()) return false;
    std::vector<std::int64_t> ids;
    for (const auto& r : *claimed)
      ids.push_back(r.contact_id);
    auto contacts = d.contacts.get_many(l.ws, ids);
    auto creds = d.accounts.credentials(l.ws, s.account_id);
    if (!contacts.ok() || !creds.ok()) {
      hand_back(l, *claimed, 0, RecipientState::pending, d.clock.now_ms() + 5'000);
      return false;
    }
    std::map<std::int64_t, const contacts::Contact*> by_id;
    for (const auto& c : *contacts)
      by_id[c.id] = &c;
    const auto now = d.clock.now_ms();
    for (std::size_t i = 0; i < claimed->size(); ++i) {
      const auto& r = (*claimed)[i];
      auto it = by_id.find(r.contact_id);
      if (it == by_id.end()) {
        finish_one(l, r, RecipientState::skipped, 0, "the contact was deleted");
        continue;
      }
      const auto& contact = *it->second;
      if (contact.consent == contacts::Consent::opted_out) {
        finish_one(l, r, RecipientState::skipped, 0, "the contact opted out");
        continue;
      }
      if (l.text && contact.last_in_at < now - 24LL * 3600 * 1000) {
        finish_one(l, r, RecipientState::skipped, 131047,
                   "the 24-hour window is closed: only templates may be sent");
        continue;
      }
      if (const auto until = quiet_until(l.quiet_hours, contact.timezone, now); until > 0) {
        hand_back(l, *claimed, i, RecipientState::pending, until);
        (void)d.db.write_exec(
            "UPDATE campaign_recipients SET send_after = $1 WHERE campaign_id = "
            "$2 AND state = 'pending' AND send_after < $1 AND contact_id IN "
            "(SELECT id FROM contacts WHERE workspace_id = $3 AND timezone = $4)",
            {until, l.id, l.ws, contact.timezone});
        return true;
      }
      const auto to = digits_of(contact.phone);
      std::int64_t defer_until = 0;
      const auto slot = wait_slot(l, s, to, defer_until);
      if (slot == Slot::defer) {
        hand_back(l, {r}, 0, RecipientState::pending, defer_until);
        continue;
      }
      if (slot != Slot::go) {
        RecipientState back = RecipientState::pending;
        {
          std::lock_guard lock(l.mu);
          if (l.state == State::stopped) back = RecipientState::cancelled;
        }
        hand_back(l, *claimed, i, back,
                  slot == Slot::paused_number ? d.clock.now_ms() + 60'000 : 0);
        return true;
      }
      // The request's body, with a tracking link per URL when the message has any.
      std::vector<std::pair<std::string, std::string>> links;
      auto make_link = [&](const std::string& url) {
        const auto token = crypto::random_token(9);
        links.emplace_back(token, url);
        return d.public_url + "/r/" + token;
      };
      auto message = render(l.compiled, contact, make_link);
      if (!message.ok()) {
        finish_one(l, r, RecipientState::failed, 0, message.error().message);
        continue;
      }
      whatsapp::Envelope envelope;
      envelope.to = to;
      envelope.callback_data = "cr:" + std::to_string(r.id);
      auto body = whatsapp::build_message(envelope, *message);
      if (!body.ok()) {
        std::string why = body.error().message;
        for (const auto& [k, v] : body.error().details)
          why += "; " + k + ": " + v;
        finish_one(l, r, RecipientState::failed, 0, why.substr(0, 500));
        continue;
      }
      if (!links.empty()) {
        (void)d.db.write([&](db::Connection& c) -> Result<void> {
          for (const auto& [token, url] : links) {
            KIRIM_TRY(
                c.exec("INSERT INTO campaign_links (token, workspace_id, campaign_id, "
                       "recipient_id, url) VALUES ($1, $2, $3, $4, $5)",
                       {token, l.ws, l.id, r.id, url}));
          }
          return {};
        });
      }
      // The last check: once a pause or a stop is decided, no request leaves.
      bool go = false;
      RecipientState back = RecipientState::pending;
      {
        std::lock_guard lock(l.mu);
        go = l.state == State::running;
        if (!go && l.state == State::stopped) {
          back = RecipientState::cancelled;
        }
      }
      if (!go) {
        hand_back(l, *claimed, i, back);
        return true;
      }
      const auto preview_text = preview(l.compiled, *message);
      auto live_ref = live_ptr(l.id);
      d.api.send_message(*creds, s.pnid, std::move(body).value(),
                         [this, live_ref, r, sender = s.id, account = s.account_id, pnid = s.pnid,
                          to, contact_id = contact.id,
                          preview_text](whatsapp::GraphResult<whatsapp::SendAccepted> res) {
                           record(live_ref, r, sender, account, pnid, to, contact_id, preview_text,
                                  std::move(res));
                         });
    }
    return true;
  }

  std::shared_ptr<Live> live_ptr(std::int64_t id) {
    std::lock_guard lock(mu);
    auto it = live.find(id);
    return it == live.end() ? nullptr : it->second;
  }

  // The answer to a request, on the HTTP client's thread: recorded without blocking it.
  void record(std::shared_ptr<Live> lp, Claimed r, std::int64_t sender, std::int64_t account_id,
              std::string pnid, std::string to, std::int64_t contact_id, std::string preview_text,
              whatsapp::GraphResult<whatsapp::SendAccepted> res) {
    auto& l = *lp;
    const auto now = d.clock.now_ms();
    const std::int64_t ws = l.ws;
    const std::int64_t campaign = l.id;
    auto done = [this, lp](Result<void> w) {
      if (!w.ok()) log::error("recording a send failed", {{"error", w.error().message}});
      release(*lp, 1);
    };
    if (res.ok()) {
      d.limiter.report_sent(pnid, to);
      {
        std::lock_guard lock(l.rate_mu);
        const auto second = now / 1000;
        if (l.accepted.empty() || l.accepted.back().first != second) {
          l.accepted.emplace_back(second, 0);
        }
        ++l.accepted.back().second;
        while (l.accepted.size() > 12)
          l.accepted.pop_front();
      }
      const auto wamid = res.value->wamid;
      const std::string type = l.compiled.is_template ? "template" : "text";
      d.db.write_async(
          [=](db::Connection& c) -> Result<void> {
            KIRIM_ASSIGN_OR_RETURN(
                auto moved,
                move_recipient(c, campaign, r.id, RecipientState::sending, RecipientState::accepted,
                               "wamid = $1, sent_at = CASE WHEN sent_at = 0 THEN $2 "
                               "ELSE sent_at END, updated_at = $2",
                               {wamid, now}));
            if (!moved) {
              // A status came first (through its callback data): only the wamid is missing.
              KIRIM_TRY(
                  c.exec("UPDATE campaign_recipients SET wamid = $1, sent_at = CASE WHEN "
                         "sent_at = 0 THEN $2 ELSE sent_at END WHERE id = $3 AND wamid IS "
                         "NULL",
                         {wamid, now, r.id}));
            }
            KIRIM_TRY(add_series(c, campaign, now, "sent"));
            KIRIM_TRY(c.exec(
                "INSERT INTO messages (workspace_id, contact_id, phone_number_id, direction, "
                "wamid, type, text, status, status_rank, created_at, status_at) VALUES ($1, $2, "
                "$3, 'out', $4, $5, $6, 'accepted', 1, $7, $7) ON CONFLICT (workspace_id, wamid) "
                "DO UPDATE SET contact_id = excluded.contact_id, phone_number_id = "
                "excluded.phone_number_id, type = excluded.type, text = excluded.text",
                {ws, contact_id, sender, wamid, type, preview_text, now}));
            KIRIM_TRY(
                c.exec("UPDATE contacts SET last_out_at = $1 WHERE id = $2", {now, contact_id}));
            return {};
          },
          done);
      return;
    }
    const auto& e = res.error;
    d.limiter.report_failure(pnid, to, e.cls, e.message);
    RecipientState to_state = RecipientState::failed;
    std::int64_t send_after = 0;
    if (e.outcome_unknown) {
      to_state = RecipientState::unknown;
    } else if (whatsapp::retryable(e.cls)) {
      to_state = RecipientState::pending;
      const int base = e.cls == whatsapp::ErrorClass::throttle_recipient ? 6'000 : 1'000;
      send_after = now + base * 4;
    }
    if (e.cls == whatsapp::ErrorClass::stop_auth) {
      (void)d.accounts.pause(account_id, "the access token was refused: " + e.message);
    }
    const std::string title = (e.title.empty() ? e.message : e.title).substr(0, 500);
    const std::int64_t code = e.code;
    d.db.write_async(
        [=](db::Connection& c) -> Result<void> {
          // A transient error retries a few times, then fails.
          KIRIM_ASSIGN_OR_RETURN(
              auto rows, c.query("SELECT attempts FROM campaign_recipients WHERE id = $1", {r.id}));
          auto target = to_state;
          if (target == RecipientState::pending && !rows.empty() &&
              rows.integer(0, "attempts") >= kMaxSendAttempts) {
            target = RecipientState::failed;
          }
          KIRIM_ASSIGN_OR_RETURN(
              auto moved, move_recipient(c, campaign, r.id, RecipientState::sending, target,
                                         "error_code = $1, error_title = $2, updated_at = $3, "
                                         "send_after = $4, failed_at = CASE WHEN $5 = 1 THEN $3 "
                                         "ELSE failed_at END",
                                         {code, title, now, send_after > 0 ? send_after : now,
                                          std::int64_t{target == RecipientState::failed}}));
          if (moved && target == RecipientState::failed) {
            KIRIM_TRY(add_series(c, campaign, now, "failed"));
          }
          return {};
        },
        done);
  }
  double rate(std::int64_t id) {
    auto l = live_ptr(id);
    if (!l) return 0;
    const auto now_s = d.clock.now_ms() / 1000;
    std::lock_guard lock(l->rate_mu);
    int total = 0;
    for (const auto& [second, count] : l->accepted) {
      if (second >= now_s - 5 && second < now_s) total += count;
    }
    return total / 5.0;
  }

  bj::object progress_json(const Campaign& c, const Counters& k) {
    return {{"id", c.id},
            {"state", state_name(c.state)},
            {"counters", counters_json(k)},
            {"rate", rate_json(c.id, k)}};
  }

  bj::object rate_json(std::int64_t id, const Counters& k) {
    const double r = rate(id);
    bj::object o{{"current_mps", rate_value(r)}};
    o["eta_seconds"] =
        r > 0 ? bj::value(static_cast<std::int64_t>(static_cast<double>(k.queued + k.sending) / r))
              : bj::value(nullptr);
    return o;
  }

  // Sends a campaign's numbers to browsers when they changed (at most every kPublishEvery).
  void publish_one(std::int64_t id, bool force) {
    if (!d.publish) return;
    auto c = load(std::nullopt, id);
    auto k = counters(id);
    if (!c.ok() || !k.ok()) return;
    auto data = progress_json(*c, *k);
    const auto text = bj::serialize(data);
    auto l = live_ptr(id);
    if (l && !force && text == l->last_published) return;
    if (l) l->last_published = text;
    d.publish(c->workspace_id, "private-workspace." + std::to_string(c->workspace_id),
              "campaign.updated", data);
    auto tail = d.db.query(
        "SELECT bucket, sent, delivered, read_count, failed, replied, clicked "
        "FROM campaign_series WHERE campaign_id = $1 ORDER BY bucket DESC "
        "LIMIT 6",
        {id});
    bj::array series;
    if (tail.ok()) {
      for (std::size_t i = tail->size(); i-- > 0;) {
        series.push_back({{"at", iso8601_utc(tail->integer(i, "bucket"))},
                          {"sent", tail->integer(i, "sent")},
                          {"delivered", tail->integer(i, "delivered")},
                          {"read", tail->integer(i, "read_count")},
                          {"failed", tail->integer(i, "failed")},
                          {"replied", tail->integer(i, "replied")},
                          {"clicked", tail->integer(i, "clicked")}});
      }
    }
    data["series_tail"] = std::move(series);
    d.publish(c->workspace_id, "private-campaign." + std::to_string(id), "campaign.progress", data);
  }

  void publish_now(std::int64_t id) { publish_one(id, true); }

  // A running campaign whose recipients are all planned and none waits or is being sent is
  // complete (statuses keep arriving afterwards and keep moving its counters).
  void complete_if_done(std::int64_t id) {
    auto rows = d.db.query(
        "SELECT workspace_id, state, planning_done, n_pending, n_sending FROM "
        "campaigns WHERE id = $1",
        {id});
    if (!rows.ok() || rows->empty()) return;
    if (rows->text(0, "state") != "running" || rows->integer(0, "planning_done") == 0 ||
        rows->integer(0, "n_pending") != 0 || rows->integer(0, "n_sending") != 0) {
      return;
    }
    const auto ws = rows->integer(0, "workspace_id");
    auto n = d.db.write_exec(
        "UPDATE campaigns SET state = 'completed', finished_at = $1, "
        "updated_at = $1 WHERE id = $2 AND state = 'running' AND n_pending = "
        "0 AND n_sending = 0",
        {d.clock.now_ms(), id});
    if (!n.ok() || *n == 0) return;
    retire(id);
    (void)event(ws, id, std::nullopt, "completed", "");
    publish_one(id, true);
  }

  // Forgets a campaign that no longer sends.
  void retire(std::int64_t id) {
    std::lock_guard lock(mu);
    if (auto it = live.find(id); it != live.end()) {
      {
        std::lock_guard state(it->second->mu);
        it->second->state = State::completed;
      }
      live.erase(it);
    }
    finished_recently.insert(id);
  }

  void publish_loop() {
    while (!stopping.load()) {
      {
        std::unique_lock lock(publisher_mu);
        publisher_cv.wait_for(lock, kPublishEvery, [&] { return stopping.load(); });
        if (stopping.load()) return;
      }
      std::vector<std::int64_t> ids;
      std::set<std::int64_t> finished;
      {
        std::lock_guard lock(mu);
        for (const auto& [id, l] : live)
          ids.push_back(id);
        finished.swap(finished_recently);
        for (auto id : touched) {
          if (!live.contains(id)) finished.insert(id);
        }
        touched.clear();
      }
      for (auto id : ids) {
        complete_if_done(id);
        publish_one(id, false);
      }
      for (auto id : finished)
        publish_one(id, false);
    }
  }
};

}  // namespace kirim::campaigns

namespace kirim::campaigns {
namespace {

// The SQL selecting the audience's contacts (alias c) of a campaign, for planning, estimates
// and audience changes. `extra` conditions are ANDed.
Result<contacts::Sql> audience_sql(contacts::Contacts& book, std::int64_t ws,
                                   const bj::object& audience, bool text_message, std::int64_t now,
                                   bool any_consent = false) {
  contacts::Filter filter;
  if (const auto* f = audience.if_contains("filter"); f && f->is_object()) {
    KIRIM_ASSIGN_OR_RETURN(filter, contacts::parse_filter(f->as_object()));
  }
  if (const auto* ids = audience.if_contains("contact_ids"); ids && ids->is_array()) {
    for (const auto& v : ids->as_array()) {
      if (v.is_int64()) filter.ids.push_back(v.as_int64());
    }
  }
  KIRIM_ASSIGN_OR_RETURN(auto fields, book.fields(ws));
  if (!filter.phone.empty()) {
    KIRIM_ASSIGN_OR_RETURN(auto settings, book.settings(ws));
    auto p = contacts::parse_phone(filter.phone, settings.default_region);
    if (!p.ok()) return invalid({{"audience.filter.phone", p.error().message}});
    filter.phone = p->e164;
  }
  KIRIM_ASSIGN_OR_RETURN(auto sql, contacts::compile_filter(ws, filter, fields));
  const bool unknown_ok = [&] {
    const auto* v = audience.if_contains("include_unknown_consent");
    return v && v->is_bool() && v->as_bool();
  }();
  if (!any_consent) {
    sql.where += unknown_ok ? " AND c.consent <> 'opted_out'" : " AND c.consent = 'opted_in'";
  }
  if (const auto* ex = audience.if_contains("exclude_tags"); ex && ex->is_array()) {
    for (const auto& t : ex->as_array()) {
      if (!t.is_string()) continue;
      sql.where +=
          " AND c.id NOT IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = "
          "ct.tag_id WHERE t.workspace_id = $1 AND t.name = " +
          sql.bind(std::string(t.as_string())) + ")";
    }
  }
  const auto cap_days = integer(audience, "frequency_cap_days");
  if (cap_days > 0) {
    sql.where += " AND c.last_out_at < " + sql.bind(now - cap_days * 24LL * 3600 * 1000);
  }
  if (text_message) sql.where += " AND c.last_in_at > " + sql.bind(now - 24LL * 3600 * 1000);
  return sql;
}

Result<void> check_audience(const bj::object& a) {
  std::map<std::string, std::string> p;
  static const std::set<std::string> known = {"filter", "exclude_tags", "contact_ids",
                                              "frequency_cap_days", "include_unknown_consent"};
  for (const auto& [k, v] : a) {
    if (!known.contains(std::string(k))) p["audience." + std::string(k)] = "is not known";
  }
  if (const auto* f = a.if_contains("filter")) {
    if (!f->is_object()) {
      p["audience.filter"] = "must be an object of contact filters";
    } else if (auto r = contacts::parse_filter(f->as_object()); !r.ok()) {
      for (const auto& [k, v] : r.error().details)
        p["audience." + k] = v;
    }
  }
  if (const auto* t = a.if_contains("exclude_tags"); t && !t->is_array()) {
    p["audience.exclude_tags"] = "must be an array of tag names";
  }
  if (const auto* ids = a.if_contains("contact_ids"); ids && !ids->is_array()) {
    p["audience.contact_ids"] = "must be an array of contact ids";
  }
  if (const auto* c = a.if_contains("frequency_cap_days");
      c && (!c->is_int64() || c->as_int64() < 0 || c->as_int64() > 365)) {
    p["audience.frequency_cap_days"] = "must be a whole number of days from 0 to 365";
  }
  if (!p.empty()) return invalid(std::move(p));
  return {};
}

Result<void> check_schedule(const bj::object& s) {
  const auto mode = str(s, "mode");
  if (mode == "now" || mode.empty()) return {};
  if (mode == "at") {
    if (!contacts::parse_time(str(s, "at"))) {
      return invalid({{"schedule.at", "must be an ISO 8601 time"}});
    }
    return {};
  }
  if (mode == "local") {
    std::map<std::string, std::string> p;
    if (str(s, "date").size() != 10 || !contacts::parse_time(str(s, "date"))) {
      p["schedule.date"] = "must be a date written YYYY-MM-DD";
    }
    if (!minutes_of(str(s, "time"))) p["schedule.time"] = "must be a time written HH:MM";
    if (!p.empty()) return invalid(std::move(p));
    return {};
  }
  return invalid({{"schedule.mode", "must be now, at or local"}});
}

Result<void> check_goal(const bj::object& g) {
  if (g.empty()) return {};
  const auto kind = str(g, "kind");
  if (kind != "button" && kind != "keyword" && kind != "click" && kind != "api") {
    return invalid({{"goal.kind", "must be button, keyword, click or api"}});
  }
  if ((kind == "button" || kind == "keyword") && str(g, "value").empty()) {
    return invalid({{"goal.value", "is required for a " + kind + " goal"}});
  }
  const auto hours = integer(g, "window_hours", kDefaultGoalWindowHours);
  if (hours < 1 || hours > 24 * 90) {
    return invalid({{"goal.window_hours", "must be from 1 to 2160 hours"}});
  }
  return {};
}

Result<void> check_quiet(const bj::object& q) {
  if (q.empty()) return {};
  if (!minutes_of(str(q, "start")) || !minutes_of(str(q, "end"))) {
    return invalid({{"quiet_hours", "needs start and end written HH:MM"}});
  }
  return {};
}

std::string ids_json(const std::vector<std::int64_t>& ids) {
  bj::array a;
  for (auto id : ids)
    a.emplace_back(id);
  return bj::serialize(a);
}

}  // namespace
}  // namespace kirim::campaigns

namespace kirim::campaigns {

Campaigns::Campaigns(Deps deps) : impl_(std::make_unique<Impl>(std::move(deps))) {}

Campaigns::~Campaigns() {
  stop();
}

namespace {

// Writes the recipients of an audience: contacts selected by `sql`, in id ranges, each range one
// unit of work that also counts them. Idempotent: contacts already recipients are skipped.
Result<std::int64_t> plan_recipients(db::Database& db, std::int64_t campaign, std::int64_t ws,
                                     contacts::Sql sql, std::int64_t now,
                                     const std::function<bool()>& should_stop,
                                     std::int64_t send_after = 0) {
  KIRIM_ASSIGN_OR_RETURN(
      auto range, db.query("SELECT MIN(id) AS lo, MAX(id) AS hi FROM contacts WHERE workspace_id "
                           "= $1",
                           {ws}));
  const auto lo = range.integer(0, "lo"), hi = range.integer(0, "hi");
  std::int64_t total = 0;
  const auto from_p = sql.bind(std::int64_t{0});
  const auto to_p = sql.bind(std::int64_t{0});
  const auto campaign_p = sql.bind(campaign);
  const auto now_p = sql.bind(now);
  const auto after_p = sql.bind(send_after > 0 ? send_after : now);
  const std::string insert =
      "INSERT INTO campaign_recipients (campaign_id, workspace_id, contact_id, state, rank, "
      "send_after, queued_at, updated_at) SELECT " +
      campaign_p + ", c.workspace_id, c.id, 'pending', 0, " + after_p + ", " + now_p + ", " +
      now_p + " FROM contacts c WHERE " + sql.where + " AND c.id >= " + from_p + " AND c.id < " +
      to_p + " ON CONFLICT (campaign_id, contact_id) DO NOTHING";
  const auto from_index = sql.params.size() - 5;
  for (std::int64_t start = lo; start <= hi && hi > 0; start += kPlanBatch) {
    if (should_stop && should_stop()) {
      return Error{Errc::unavailable, "stopping", {}, "stopping"};
    }
    auto params = sql.params;
    params[from_index] = start;
    params[from_index + 1] = start + kPlanBatch;
    std::int64_t n = 0;
    KIRIM_TRY(db.write([&](db::Connection& c) -> Result<void> {
      KIRIM_ASSIGN_OR_RETURN(n, c.exec(insert, params));
      if (n > 0) {
        KIRIM_TRY(
            c.exec("UPDATE campaigns SET n_pending = n_pending + $1, planned = planned + $1 "
                   "WHERE id = $2",
                   {n, campaign}));
      }
      return {};
    }));
    total += n;
  }
  return total;
}

}  // namespace

void Campaigns::register_jobs(queue::Queue& jobs) {
  queue::KindOptions plan;
  plan.queue = "campaigns";
  plan.max_attempts = 10;
  jobs.configure_queue("campaigns", {1, 2});
  jobs.register_kind("campaign.plan", plan, [this](queue::JobContext& ctx) {
    auto& d = impl_->d;
    const auto payload = parse_object(ctx.job().payload);
    const auto id = integer(payload, "id");
    auto c = impl_->load(std::nullopt, id);
    if (!c.ok()) return queue::Outcome::fail(c.error().message);
    if (c->state != State::running && c->state != State::paused) return queue::Outcome::ok();
    const bool adding = payload.contains("add");
    const auto audience =
        adding && payload.at("add").is_object() ? payload.at("add").as_object() : c->audience;
    auto sql = audience_sql(d.contacts, c->workspace_id, audience,
                            str(c->message, "kind") == "text", d.clock.now_ms());
    if (!sql.ok()) return queue::Outcome::fail(sql.error().message);
    const auto now = d.clock.now_ms();
    const bool local = str(c->schedule, "mode") == "local";
    // Local time: recipients wait until each one's time is set below, per time zone.
    auto n = plan_recipients(
        d.db, id, c->workspace_id, std::move(sql).value(), now, [&ctx] { return ctx.stopping(); },
        local ? kNeverMs : 0);
    if (!n.ok()) {
      if (n.error().reason == "stopping") return queue::Outcome::retry("stopped with the server");
      return queue::Outcome::from(n.error());
    }
    // Local time: each recipient waits for the time in its own zone.
    if (local) {
      const auto minutes = minutes_of(str(c->schedule, "time")).value_or(9 * 60);
      auto zones = d.db.query(
          "SELECT DISTINCT k.timezone FROM campaign_recipients r JOIN contacts "
          "k ON k.id = r.contact_id WHERE r.campaign_id = $1",
          {id});
      if (zones.ok()) {
        for (std::size_t i = 0; i < zones->size(); ++i) {
          const auto tz = zones->text(i, "timezone");
          const auto at = local_instant(str(c->schedule, "date"), minutes, tz);
          (void)d.db.write_exec(
              "UPDATE campaign_recipients SET send_after = $1 WHERE campaign_id "
              "= $2 AND state = 'pending' AND send_after = $5 AND contact_id IN (SELECT id FROM "
              "contacts WHERE workspace_id = $3 AND timezone = $4)",
              {at, id, c->workspace_id, tz, kNeverMs});
        }
      }
    }
    if (!adding) {
      (void)d.db.write_exec("UPDATE campaigns SET planning_done = 1 WHERE id = $1", {id});
      (void)impl_->event(c->workspace_id, id, std::nullopt, "planned",
                         std::to_string(*n) + " recipients");
    }
    impl_->wake_all();
    return queue::Outcome::ok();
  });
  queue::KindOptions start;
  start.queue = "campaigns";
  start.max_attempts = 5;
  jobs.register_kind("campaign.start", start, [this](queue::JobContext& ctx) {
    const auto id = integer(parse_object(ctx.job().payload), "id");
    auto c = impl_->load(std::nullopt, id);
    if (!c.ok()) return queue::Outcome::fail(c.error().message);
    if (c->state != State::scheduled) return queue::Outcome::ok();  // launched or stopped since
    auto r = start_running(*c, std::nullopt);
    return r.ok() ? queue::Outcome::ok() : queue::Outcome::from(r.error());
  });
}

Result<void> Campaigns::start_running(const Campaign& c, std::optional<std::int64_t> actor) {
  auto& d = impl_->d;
  const auto now = d.clock.now_ms();
  KIRIM_ASSIGN_OR_RETURN(
      auto n, d.db.write_exec("UPDATE campaigns SET state = 'running', started_at = CASE WHEN "
                              "started_at = 0 THEN $1 ELSE started_at END, updated_at = $1 WHERE "
                              "id = $2 AND state IN ('draft', 'scheduled')",
                              {now, c.id}));
  if (n == 0) return make_error(Errc::conflict, "The campaign is not waiting to start.");
  KIRIM_ASSIGN_OR_RETURN(auto fresh, impl_->load(std::nullopt, c.id));
  KIRIM_TRY(impl_->go_live(fresh));
  queue::JobSpec plan;
  plan.kind = "campaign.plan";
  plan.workspace_id = c.workspace_id;
  plan.payload = "{\"id\":" + std::to_string(c.id) + "}";
  plan.unique_key = "campaign.plan:" + std::to_string(c.id);
  plan.priority = 10;
  plan.tags = {"campaign:" + std::to_string(c.id)};
  KIRIM_TRY(d.jobs.enqueue(plan));
  KIRIM_TRY(impl_->event(c.workspace_id, c.id, actor, "started", ""));
  impl_->publish_now(c.id);
  return {};
}

void Campaigns::set_public_url(std::string url) {
  impl_->d.public_url = std::move(url);
}

void Campaigns::start() {
  auto& d = impl_->d;
  // A request whose answer a crash lost: Meta may have sent it. Never resend: report it.
  (void)d.db.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(auto rows, c.query("SELECT campaign_id, COUNT(*) AS n FROM "
                                              "campaign_recipients WHERE state = 'sending' GROUP "
                                              "BY campaign_id"));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto id = rows.integer(i, "campaign_id");
      const auto n = rows.integer(i, "n");
      KIRIM_TRY(
          c.exec("UPDATE campaign_recipients SET state = 'unknown', rank = 9, error_title = "
                 "'Kirim stopped while this request was being made: it may have been "
                 "sent' WHERE campaign_id = $1 AND state = 'sending'",
                 {id}));
      KIRIM_TRY(
          c.exec("UPDATE campaigns SET n_sending = n_sending - $1, n_unknown = n_unknown + "
                 "$1 WHERE id = $2",
                 {n, id}));
      log::warn("recipients whose send outcome is unknown after a restart",
                {{"campaign", std::to_string(id)}, {"recipients", std::to_string(n)}});
    }
    return {};
  });
  auto running = d.db.query(std::string("SELECT ") + kCampaignColumns +
                            " FROM campaigns c LEFT JOIN users u ON u.id = c.created_by WHERE "
                            "c.state IN ('running', 'paused')");
  if (running.ok()) {
    for (std::size_t i = 0; i < running->size(); ++i) {
      auto c = campaign_from(*running, i);
      if (auto r = impl_->go_live(c); !r.ok()) {
        log::error("a campaign could not resume",
                   {{"campaign", std::to_string(c.id)}, {"error", r.error().message}});
      }
    }
  }
  impl_->publisher = std::thread([this] { impl_->publish_loop(); });
}

void Campaigns::stop() {
  auto& d = *impl_;
  if (d.stopping.exchange(true)) return;
  d.publisher_cv.notify_all();
  if (d.publisher.joinable()) d.publisher.join();
  std::map<std::int64_t, std::unique_ptr<Impl::Sender>> senders;
  {
    std::lock_guard lock(d.mu);
    senders.swap(d.senders);
  }
  for (auto& [id, s] : senders) {
    d.wake_sender(*s);
    if (s->thread.joinable()) s->thread.join();
  }
  // Answers of requests already made are recorded before the database goes away.
  std::vector<std::shared_ptr<Impl::Live>> lives;
  {
    std::lock_guard lock(d.mu);
    for (auto& [id, l] : d.live)
      lives.push_back(l);
  }
  for (auto& l : lives) {
    std::unique_lock lock(l->mu);
    l->cv.wait_for(lock, std::chrono::seconds(20), [&] { return l->in_flight == 0; });
  }
}

}  // namespace kirim::campaigns

namespace kirim::campaigns {

Result<std::vector<Campaign>> Campaigns::list(std::int64_t ws, std::optional<State> state,
                                              const std::string& q, std::int64_t before,
                                              int limit) {
  std::string sql = std::string("SELECT ") + kCampaignColumns +
                    " FROM campaigns c LEFT JOIN users u ON u.id = c.created_by WHERE "
                    "c.workspace_id = $1";
  std::vector<Value> params{ws};
  if (state) {
    params.emplace_back(std::string(state_name(*state)));
    sql += " AND c.state = $" + std::to_string(params.size());
  }
  if (!q.empty()) {
    std::string pattern = "%";
    for (char ch : q) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
      pattern.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    pattern += "%";
    params.emplace_back(pattern);
    sql += " AND LOWER(c.name) LIKE $" + std::to_string(params.size()) + " ESCAPE '\\'";
  }
  if (before > 0) {
    params.emplace_back(before);
    sql += " AND c.id < $" + std::to_string(params.size());
  }
  sql += " ORDER BY c.id DESC LIMIT " + std::to_string(std::clamp(limit, 1, 201));
  KIRIM_ASSIGN_OR_RETURN(auto rows, impl_->d.db.query(sql, params));
  std::vector<Campaign> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(campaign_from(rows, i));
  return out;
}

Result<Campaign> Campaigns::get(std::int64_t ws, std::int64_t id) {
  return impl_->load(ws, id);
}

namespace {

Result<void> check_input(const CampaignInput& in) {
  std::map<std::string, std::string> p;
  if (in.name && (in.name->empty() || in.name->size() > 200)) {
    p["name"] = "must be 1 to 200 characters";
  }
  if (in.speed_mps && (*in.speed_mps < 1 || *in.speed_mps > kMaxSpeedMps)) {
    p["speed_mps"] = "must be from 1 to 1000 messages per second";
  }
  auto merge = [&](const Result<void>& r) {
    if (!r.ok()) {
      for (const auto& [k, v] : r.error().details)
        p[k] = v;
    }
  };
  if (in.audience) merge(check_audience(*in.audience));
  if (in.schedule) merge(check_schedule(*in.schedule));
  if (in.goal) merge(check_goal(*in.goal));
  if (in.quiet_hours) merge(check_quiet(*in.quiet_hours));
  if (in.message) {
    const auto kind = str(*in.message, "kind");
    if (kind != "template" && kind != "text") p["message.kind"] = "must be template or text";
  }
  if (!p.empty()) return invalid(std::move(p));
  return {};
}

}  // namespace

Result<Campaign> Campaigns::create(std::int64_t ws, std::int64_t user_id, const CampaignInput& in) {
  if (!in.name) return invalid({{"name", "is required"}});
  KIRIM_TRY(check_input(in));
  auto& d = impl_->d;
  if (in.senders) KIRIM_TRY(check_senders(ws, *in.senders));
  const auto now = d.clock.now_ms();
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      d.db.write_query(
          "INSERT INTO campaigns (workspace_id, name, state, audience, message, senders, schedule, "
          "quiet_hours, speed_mps, goal, created_by, created_at, updated_at) VALUES ($1, $2, "
          "'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
          {ws, *in.name, bj::serialize(in.audience.value_or(bj::object{})),
           bj::serialize(in.message.value_or(bj::object{})),
           ids_json(in.senders.value_or(std::vector<std::int64_t>{})),
           bj::serialize(in.schedule.value_or(bj::object{{"mode", "now"}})),
           in.quiet_hours && !in.quiet_hours->empty() ? bj::serialize(*in.quiet_hours)
                                                      : std::string(),
           std::int64_t{in.speed_mps.value_or(20)},
           in.goal && !in.goal->empty() ? bj::serialize(*in.goal) : std::string(), user_id, now}));
  const auto id = rows.integer(0, "id");
  KIRIM_TRY(impl_->event(ws, id, user_id, "created", ""));
  return get(ws, id);
}

Result<void> Campaigns::check_senders(std::int64_t ws, const std::vector<std::int64_t>& ids) {
  KIRIM_ASSIGN_OR_RETURN(auto accounts, impl_->d.accounts.list(ws));
  for (auto id : ids) {
    bool found = false;
    for (const auto& a : accounts) {
      for (const auto& n : a.phone_numbers)
        found = found || n.id == id;
    }
    if (!found) return invalid({{"senders", "names a phone number this workspace does not have"}});
  }
  return {};
}

Result<Campaign> Campaigns::update(std::int64_t ws, std::int64_t id, const CampaignInput& in) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  if (c.state != State::draft && c.state != State::scheduled) {
    return make_error(Errc::conflict,
                      "A campaign can be edited while it is a draft or scheduled; pause or use "
                      "the controls instead.");
  }
  KIRIM_TRY(check_input(in));
  if (in.senders) KIRIM_TRY(check_senders(ws, *in.senders));
  std::vector<std::string> sets;
  std::vector<Value> params;
  auto set = [&](const char* col, Value v) {
    params.push_back(std::move(v));
    sets.push_back(std::string(col) + " = $" + std::to_string(params.size()));
  };
  if (in.name) set("name", *in.name);
  if (in.audience) set("audience", bj::serialize(*in.audience));
  if (in.message) set("message", bj::serialize(*in.message));
  if (in.senders) set("senders", ids_json(*in.senders));
  if (in.schedule) set("schedule", bj::serialize(*in.schedule));
  if (in.quiet_hours)
    set("quiet_hours", in.quiet_hours->empty() ? "" : bj::serialize(*in.quiet_hours));
  if (in.clear_quiet_hours) set("quiet_hours", std::string());
  if (in.speed_mps) set("speed_mps", std::int64_t{*in.speed_mps});
  if (in.goal) set("goal", in.goal->empty() ? "" : bj::serialize(*in.goal));
  if (in.clear_goal) set("goal", std::string());
  set("updated_at", impl_->d.clock.now_ms());
  params.emplace_back(id);
  std::string sql = "UPDATE campaigns SET ";
  for (std::size_t i = 0; i < sets.size(); ++i)
    sql += (i ? ", " : "") + sets[i];
  sql += " WHERE id = $" + std::to_string(params.size()) + " AND state IN ('draft', 'scheduled')";
  KIRIM_TRY(impl_->d.db.write([&](db::Connection& conn) -> Result<void> {
    KIRIM_TRY(conn.exec(sql, params));
    return {};
  }));
  return get(ws, id);
}

Result<void> Campaigns::remove(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  if (active(c.state)) {
    return make_error(Errc::conflict, "Stop the campaign before deleting it.");
  }
  KIRIM_TRY(impl_->d.db.write_exec("DELETE FROM campaigns WHERE id = $1 AND workspace_id = $2",
                                   {id, ws}));
  return {};
}

Result<Campaign> Campaigns::duplicate(std::int64_t ws, std::int64_t user_id, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  CampaignInput in;
  in.name = (c.name + " (copy)").substr(0, 200);
  in.audience = c.audience;
  in.message = c.message;
  in.senders = c.senders;
  in.schedule = bj::object{{"mode", "now"}};
  if (!c.quiet_hours.empty()) in.quiet_hours = c.quiet_hours;
  in.speed_mps = c.speed_mps;
  if (!c.goal.empty()) in.goal = c.goal;
  return create(ws, user_id, in);
}

Result<Estimate> Campaigns::estimate(std::int64_t ws, const bj::object& audience,
                                     const bj::object& message) {
  KIRIM_TRY(check_audience(audience));
  auto& d = impl_->d;
  const auto now = d.clock.now_ms();
  const bool text = str(message, "kind") == "text";
  KIRIM_ASSIGN_OR_RETURN(auto sql, audience_sql(d.contacts, ws, audience, text, now));
  Estimate e;
  KIRIM_ASSIGN_OR_RETURN(
      auto n, d.db.query("SELECT COUNT(*) AS n FROM contacts c WHERE " + sql.where, sql.params));
  e.contacts = n.integer(0, "n");
  // What the exclusions took away, each against the bare filter (any consent).
  bj::object bare;
  if (const auto* f = audience.if_contains("filter")) bare["filter"] = *f;
  if (const auto* ids = audience.if_contains("contact_ids")) bare["contact_ids"] = *ids;
  KIRIM_ASSIGN_OR_RETURN(auto base, audience_sql(d.contacts, ws, bare, false, now, true));
  const bool unknown_ok = [&] {
    const auto* v = audience.if_contains("include_unknown_consent");
    return v && v->is_bool() && v->as_bool();
  }();
  const std::string eligible =
      unknown_ok ? " AND c.consent <> 'opted_out'" : " AND c.consent = 'opted_in'";
  auto count = [&](const std::string& extra, const std::vector<Value>& more = {}) {
    auto params = base.params;
    params.insert(params.end(), more.begin(), more.end());
    auto r = d.db.query("SELECT COUNT(*) AS n FROM contacts c WHERE " + base.where + extra, params);
    return r.ok() ? r->integer(0, "n") : std::int64_t{0};
  };
  e.opted_out = count(" AND c.consent = 'opted_out'");
  e.unknown_consent = unknown_ok ? 0 : count(" AND c.consent = 'unknown'");
  const auto cap_days = integer(audience, "frequency_cap_days");
  if (cap_days > 0) {
    e.frequency_cap = count(
        eligible + " AND c.last_out_at >= " + std::to_string(now - cap_days * 24LL * 3600 * 1000));
  }
  if (text) {
    e.window_closed =
        count(eligible + " AND c.last_in_at <= " + std::to_string(now - 24LL * 3600 * 1000));
  }
  if (const auto* ex = audience.if_contains("exclude_tags"); ex && ex->is_array()) {
    std::string in;
    std::vector<Value> names;
    for (const auto& t : ex->as_array()) {
      if (!t.is_string()) continue;
      names.emplace_back(std::string(t.as_string()));
      in += (in.empty() ? "$" : ", $") + std::to_string(base.params.size() + names.size());
    }
    if (!names.empty()) {
      e.excluded_tags = count(eligible +
                                  " AND c.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN "
                                  "tags t ON t.id = ct.tag_id WHERE t.workspace_id = $1 AND "
                                  "t.name IN (" +
                                  in + "))",
                              names);
    }
  }
  return e;
}

Result<Campaign> Campaigns::launch(std::int64_t ws, std::int64_t user_id, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  if (c.state != State::draft) {
    return make_error(Errc::conflict, "Only a draft can be launched; this campaign is " +
                                          std::string(state_name(c.state)) + ".");
  }
  std::map<std::string, std::string> p;
  if (c.message.empty()) p["message"] = "is required";
  if (c.senders.empty()) p["senders"] = "choose at least one phone number";
  if (!p.empty()) return invalid(std::move(p));
  KIRIM_TRY(check_senders(ws, c.senders));
  KIRIM_TRY(impl_->compile_for(c));  // the template is approved and every variable has a value
  KIRIM_ASSIGN_OR_RETURN(auto accounts, impl_->d.accounts.list(ws));
  for (const auto& a : accounts) {
    for (const auto& n : a.phone_numbers) {
      if (std::find(c.senders.begin(), c.senders.end(), n.id) != c.senders.end() &&
          a.status != "active") {
        return invalid({{"senders", "the account of " + n.display_number + " is paused"}});
      }
    }
  }
  const auto mode = str(c.schedule, "mode");
  if (mode == "at") {
    const auto at = contacts::parse_time(str(c.schedule, "at")).value_or(0);
    if (at > impl_->d.clock.now_ms()) {
      KIRIM_TRY(
          impl_->d.db.write_exec("UPDATE campaigns SET state = 'scheduled', scheduled_at = "
                                 "$1, updated_at = $2 WHERE id = $3 AND state = 'draft'",
                                 {at, impl_->d.clock.now_ms(), id}));
      queue::JobSpec start;
      start.kind = "campaign.start";
      start.workspace_id = ws;
      start.payload = "{\"id\":" + std::to_string(id) + "}";
      start.run_at = at;
      start.unique_key = "campaign.start:" + std::to_string(id);
      start.tags = {"campaign:" + std::to_string(id)};
      KIRIM_TRY(impl_->d.jobs.enqueue(start));
      KIRIM_TRY(impl_->event(ws, id, user_id, "scheduled", iso8601_utc(at)));
      impl_->publish_now(id);
      return get(ws, id);
    }
  }
  KIRIM_TRY(start_running(c, user_id));
  return get(ws, id);
}

Result<Campaign> Campaigns::pause(std::int64_t ws, std::int64_t user_id, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  if (c.state != State::running) {
    return make_error(Errc::conflict, "Only a running campaign can be paused.");
  }
  auto& d = *impl_;
  // From here no request for this campaign starts; then the ones made are answered.
  if (auto l = d.live_ptr(id)) {
    std::unique_lock lock(l->mu);
    l->state = State::paused;
    l->cv.wait_for(lock, kPauseDrain, [&] { return l->in_flight == 0; });
  }
  KIRIM_TRY(d.d.db.write_exec(
      "UPDATE campaigns SET state = 'paused', updated_at = $1 WHERE id = $2 AND state = "
      "'running'",
      {d.d.clock.now_ms(), id}));
  KIRIM_TRY(d.event(ws, id, user_id, "paused", ""));
  d.publish_now(id);
  return get(ws, id);
}

Result<Campaign> Campaigns::resume(std::int64_t ws, std::int64_t user_id, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  if (c.state != State::paused) {
    return make_error(Errc::conflict, "Only a paused campaign can be resumed.");
  }
  auto& d = *impl_;
  KIRIM_TRY(d.d.db.write_exec(
      "UPDATE campaigns SET state = 'running', updated_at = $1 WHERE id = $2 AND state = 'paused'",
      {d.d.clock.now_ms(), id}));
  if (auto l = d.live_ptr(id)) {
    std::lock_guard lock(l->mu);
    l->state = State::running;
  } else {
    KIRIM_ASSIGN_OR_RETURN(auto fresh, get(ws, id));
    KIRIM_TRY(d.go_live(fresh));
  }
  d.wake_all();
  KIRIM_TRY(d.event(ws, id, user_id, "resumed", ""));
  d.publish_now(id);
  return get(ws, id);
}

Result<Campaign> Campaigns::stop_campaign(std::int64_t ws, std::int64_t user_id, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  if (!active(c.state)) {
    return make_error(Errc::conflict, "The campaign is not running, paused or scheduled.");
  }
  KIRIM_TRY(halt(ws, id, user_id, "stopped", ""));
  return get(ws, id);
}

Result<void> Campaigns::halt(std::int64_t ws, std::int64_t id, std::optional<std::int64_t> actor,
                             const std::string& kind, const std::string& detail) {
  auto& d = *impl_;
  if (auto l = d.live_ptr(id)) {
    std::unique_lock lock(l->mu);
    l->state = State::stopped;
    l->cv.wait_for(lock, kPauseDrain, [&] { return l->in_flight == 0; });
  }
  const auto now = d.d.clock.now_ms();
  KIRIM_TRY(d.d.db.write([&](db::Connection& conn) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(
        auto n, conn.exec("UPDATE campaign_recipients SET state = 'cancelled', rank = 9, "
                          "updated_at = $1 WHERE campaign_id = $2 AND state = 'pending'",
                          {now, id}));
    KIRIM_TRY(
        conn.exec("UPDATE campaigns SET state = 'stopped', finished_at = $1, updated_at = "
                  "$1, n_pending = n_pending - $2, n_cancelled = n_cancelled + $2 WHERE id "
                  "= $3",
                  {now, n, id}));
    KIRIM_TRY(conn.exec(
        "UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE unique_key "
        "IN ($2, $3) AND state = 'pending'",
        {now, "campaign.start:" + std::to_string(id), "campaign.plan:" + std::to_string(id)}));
    return {};
  }));
  d.retire(id);
  KIRIM_TRY(d.event(ws, id, actor, kind, detail));
  d.publish_now(id);
  return {};
}

Result<std::vector<std::int64_t>> Campaigns::emergency_stop(std::int64_t ws, std::int64_t user_id,
                                                            const std::string& reason) {
  auto& d = *impl_;
  // Every campaign of the workspace first stops sending, then each is recorded as stopped.
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, d.d.db.query("SELECT id FROM campaigns WHERE workspace_id = $1 AND state IN "
                              "('running', 'paused', 'scheduled')",
                              {ws}));
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < rows.size(); ++i)
    ids.push_back(rows.integer(i, "id"));
  for (auto id : ids) {
    if (auto l = d.live_ptr(id)) {
      std::lock_guard lock(l->mu);
      l->state = State::stopped;
    }
  }
  for (auto id : ids)
    KIRIM_TRY(halt(ws, id, user_id, "emergency_stopped", reason));
  return ids;
}

Result<Campaign> Campaigns::set_speed(std::int64_t ws, std::int64_t user_id, std::int64_t id,
                                      int speed_mps) {
  if (speed_mps < 1 || speed_mps > kMaxSpeedMps) {
    return invalid({{"speed_mps", "must be from 1 to 1000 messages per second"}});
  }
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  auto& d = *impl_;
  KIRIM_TRY(d.d.db.write_exec("UPDATE campaigns SET speed_mps = $1, updated_at = $2 WHERE id = $3",
                              {std::int64_t{speed_mps}, d.d.clock.now_ms(), id}));
  if (auto l = d.live_ptr(id)) {
    l->speed.store(speed_mps);
    d.configure_speed(*l);
  }
  KIRIM_TRY(
      d.event(ws, id, user_id, "speed_changed",
              std::to_string(c.speed_mps) + " -> " + std::to_string(speed_mps) + " messages/s"));
  d.publish_now(id);
  return get(ws, id);
}

Result<Campaigns::AudienceChange> Campaigns::change_audience(std::int64_t ws, std::int64_t user_id,
                                                             std::int64_t id, const bj::object* add,
                                                             const bj::object* exclude) {
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  if (c.state != State::running && c.state != State::paused) {
    return make_error(Errc::conflict,
                      "The audience of a running or paused campaign can change; "
                      "edit a draft instead.");
  }
  auto& d = *impl_;
  const auto now = d.d.clock.now_ms();
  AudienceChange out;
  if (add != nullptr) {
    KIRIM_TRY(check_audience(*add));
    KIRIM_ASSIGN_OR_RETURN(
        auto sql, audience_sql(d.d.contacts, ws, *add, str(c.message, "kind") == "text", now));
    KIRIM_ASSIGN_OR_RETURN(out.added, plan_recipients(d.d.db, id, ws, std::move(sql), now, {}));
    KIRIM_TRY(
        d.event(ws, id, user_id, "audience_added", std::to_string(out.added) + " recipients"));
  }
  if (exclude != nullptr) {
    KIRIM_TRY(check_audience(*exclude));
    KIRIM_ASSIGN_OR_RETURN(auto sql, audience_sql(d.d.contacts, ws, *exclude, false, now, true));
    // Recipients not sent yet are dropped; the condition re-checks their state in the unit.
    KIRIM_TRY(d.d.db.write([&](db::Connection& conn) -> Result<void> {
      auto params = sql.params;
      params.emplace_back(id);
      const auto id_p = "$" + std::to_string(params.size());
      params.emplace_back(now);
      const auto now_p = "$" + std::to_string(params.size());
      KIRIM_ASSIGN_OR_RETURN(
          out.excluded,
          conn.exec("UPDATE campaign_recipients SET state = 'cancelled', rank = 9, updated_at = " +
                        now_p + " WHERE campaign_id = " + id_p +
                        " AND state = 'pending' AND contact_id IN (SELECT c.id FROM contacts c "
                        "WHERE " +
                        sql.where + ")",
                    params));
      KIRIM_TRY(
          conn.exec("UPDATE campaigns SET n_pending = n_pending - $1, n_cancelled = "
                    "n_cancelled + $1 WHERE id = $2",
                    {out.excluded, id}));
      return {};
    }));
    KIRIM_TRY(d.event(ws, id, user_id, "audience_excluded",
                      std::to_string(out.excluded) + " recipients"));
  }
  d.wake_all();
  d.publish_now(id);
  return out;
}

Result<Counters> Campaigns::counters(std::int64_t ws, std::int64_t id) {
  KIRIM_TRY(get(ws, id));
  return impl_->counters(id);
}

double Campaigns::current_rate(std::int64_t id) const {
  return impl_->rate(id);
}

}  // namespace kirim::campaigns

namespace kirim::campaigns {
namespace {

constexpr std::size_t kMaxSeriesPoints = 2'000;
constexpr int kStatusRetries = 3;  // a status racing a send's record: read again and retry

// A LIKE pattern matching `s` anywhere, literally (\ escapes).
std::string contains_pattern(const std::string& s) {
  std::string out = "%";
  for (char ch : s) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out + "%";
}

std::string upper_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  std::string out(s);
  for (auto& ch : out)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

// Whether `word` appears in `text` as a whole word, ignoring case.
bool has_word(const std::string& text, const std::string& word) {
  const auto t = upper_trimmed(text), w = upper_trimmed(word);
  if (w.empty()) return false;
  auto is_word_char = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
  for (std::size_t pos = t.find(w); pos != std::string::npos; pos = t.find(w, pos + 1)) {
    const bool start_ok = pos == 0 || !is_word_char(t[pos - 1]);
    const bool end_ok = pos + w.size() == t.size() || !is_word_char(t[pos + w.size()]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

std::int64_t window_ms(const bj::object& goal) {
  const auto hours = integer(goal, "window_hours", kDefaultGoalWindowHours);
  return (hours > 0 ? hours : kDefaultGoalWindowHours) * 3600 * 1000;
}

// Sets a recipient's `<what>_at` once and counts it on the campaign (and the series).
Result<bool> mark_once(db::Connection& c, std::int64_t campaign, std::int64_t recipient,
                       const std::string& what, const char* series_column, std::int64_t at) {
  KIRIM_ASSIGN_OR_RETURN(auto n, c.exec("UPDATE campaign_recipients SET " + what +
                                            "_at = $1 "
                                            "WHERE id = $2 AND " +
                                            what + "_at = 0",
                                        {at, recipient}));
  if (n == 0) return false;
  KIRIM_TRY(
      c.exec("UPDATE campaigns SET n_" + what + " = n_" + what + " + 1 WHERE id = $1", {campaign}));
  if (series_column != nullptr) KIRIM_TRY(add_series(c, campaign, at, series_column));
  return true;
}

std::optional<RecipientState> status_target(std::string_view status) {
  if (status == "sent") return RecipientState::sent;
  if (status == "delivered") return RecipientState::delivered;
  if (status == "read") return RecipientState::read;
  if (status == "failed") return RecipientState::failed;
  return std::nullopt;
}

// Whether a status may move a recipient from `cur` to `to`. Ranks only grow; a failure ends
// only what was not delivered yet; a delivery or a read proves a failure or an unknown outcome
// wrong.
bool may_move(RecipientState cur, RecipientState to) {
  switch (cur) {
    case RecipientState::sending:
    case RecipientState::accepted:
    case RecipientState::sent:
    case RecipientState::delivered:
      return to == RecipientState::failed ? rank_of(cur) <= rank_of(RecipientState::sent)
                                          : rank_of(to) > rank_of(cur);
    case RecipientState::unknown:
      return true;
    case RecipientState::failed:
      return to == RecipientState::delivered || to == RecipientState::read;
    default:
      return false;
  }
}

bj::value time_or_null(std::int64_t ms) {
  return ms > 0 ? bj::value(iso8601_utc(ms)) : bj::value(nullptr);
}

}  // namespace

Result<std::vector<Recipient>> Campaigns::recipients(std::int64_t ws, std::int64_t id,
                                                     std::optional<RecipientState> state,
                                                     const std::string& q, std::int64_t after,
                                                     int limit) {
  KIRIM_TRY(get(ws, id));
  std::vector<Value> params{id, after};
  std::string sql =
      "SELECT r.id, r.contact_id, r.sender_id, r.state, r.wamid, r.error_code, r.error_title, "
      "r.queued_at, r.sent_at, r.delivered_at, r.read_at, r.failed_at, r.replied_at, "
      "r.clicked_at, r.converted_at, r.updated_at, c.name AS contact_name, c.phone_e164 AS "
      "contact_phone, p.display_number FROM campaign_recipients r LEFT JOIN contacts c ON c.id = "
      "r.contact_id LEFT JOIN phone_numbers p ON p.id = r.sender_id WHERE r.campaign_id = $1 AND "
      "r.id > $2";
  if (state) {
    params.emplace_back(std::string(recipient_state_name(*state)));
    sql += " AND r.state = $" + std::to_string(params.size());
  }
  if (!q.empty()) {
    params.emplace_back(contains_pattern(q));
    const auto p = "$" + std::to_string(params.size());
    sql += " AND (LOWER(c.name) LIKE " + p + " ESCAPE '\\' OR c.phone_e164 LIKE " + p +
           " ESCAPE '\\')";
  }
  params.emplace_back(static_cast<std::int64_t>(std::clamp(limit, 1, 1000)));
  sql += " ORDER BY r.id LIMIT $" + std::to_string(params.size());
  KIRIM_ASSIGN_OR_RETURN(auto rows, impl_->d.db.query(sql, params));
  std::vector<Recipient> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Recipient r;
    r.id = rows.integer(i, "id");
    r.contact_id = rows.integer(i, "contact_id");
    r.sender_id = rows.integer(i, "sender_id");
    r.contact_name = rows.text(i, "contact_name");
    r.contact_phone = rows.text(i, "contact_phone");
    r.sender_number = rows.text(i, "display_number");
    r.state = parse_recipient_state(rows.text(i, "state")).value_or(RecipientState::pending);
    r.wamid = rows.text(i, "wamid");
    r.error_code = rows.integer(i, "error_code");
    r.error_title = rows.text(i, "error_title");
    r.queued_at = rows.integer(i, "queued_at");
    r.sent_at = rows.integer(i, "sent_at");
    r.delivered_at = rows.integer(i, "delivered_at");
    r.read_at = rows.integer(i, "read_at");
    r.failed_at = rows.integer(i, "failed_at");
    r.replied_at = rows.integer(i, "replied_at");
    r.clicked_at = rows.integer(i, "clicked_at");
    r.converted_at = rows.integer(i, "converted_at");
    r.updated_at = rows.integer(i, "updated_at");
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Event>> Campaigns::timeline(std::int64_t ws, std::int64_t id) {
  KIRIM_TRY(get(ws, id));
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, impl_->d.db.query("SELECT e.id, e.at, e.kind, e.detail, e.actor_id, u.name AS "
                                   "actor_name FROM campaign_events e LEFT JOIN users u ON u.id = "
                                   "e.actor_id WHERE e.campaign_id = $1 ORDER BY e.id",
                                   {id}));
  std::vector<Event> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back({rows.integer(i, "id"), rows.integer(i, "at"), rows.text(i, "kind"),
                   rows.text(i, "detail"), rows.nullable_integer(i, "actor_id"),
                   rows.text(i, "actor_name")});
  }
  return out;
}

Result<std::vector<SeriesPoint>> Campaigns::series(std::int64_t ws, std::int64_t id,
                                                   std::int64_t interval_ms) {
  if (interval_ms < kSeriesBucketMs || interval_ms % kSeriesBucketMs != 0) {
    return invalid({{"interval", "must be a multiple of 10 seconds"}});
  }
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, id));
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, impl_->d.db.query("SELECT bucket, sent, delivered, read_count, failed, replied, "
                                   "clicked FROM campaign_series WHERE campaign_id = $1 ORDER BY "
                                   "bucket",
                                   {id}));
  std::map<std::int64_t, SeriesPoint> points;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto at = rows.integer(i, "bucket") / interval_ms * interval_ms;
    auto& p = points[at];
    p.at = at;
    p.sent += rows.integer(i, "sent");
    p.delivered += rows.integer(i, "delivered");
    p.read += rows.integer(i, "read_count");
    p.failed += rows.integer(i, "failed");
    p.replied += rows.integer(i, "replied");
    p.clicked += rows.integer(i, "clicked");
  }
  std::int64_t first = c.started_at > 0 ? c.started_at / interval_ms * interval_ms : 0;
  if (!points.empty() && (first == 0 || points.begin()->first < first))
    first = points.begin()->first;
  if (first == 0) return std::vector<SeriesPoint>{};
  std::int64_t last = points.empty() ? first : points.rbegin()->first;
  if (c.state == State::running || c.state == State::paused) {
    last = std::max(last, impl_->d.clock.now_ms() / interval_ms * interval_ms);
  }
  const auto span = static_cast<std::size_t>((last - first) / interval_ms) + 1;
  if (span > kMaxSeriesPoints) {
    first = last - static_cast<std::int64_t>(kMaxSeriesPoints - 1) * interval_ms;
  }
  std::vector<SeriesPoint> out;
  for (std::int64_t at = first; at <= last; at += interval_ms) {
    auto it = points.find(at);
    if (it != points.end()) {
      out.push_back(it->second);
    } else {
      SeriesPoint p;
      p.at = at;
      out.push_back(p);
    }
  }
  return out;
}

Result<std::vector<Campaigns::Failure>> Campaigns::failures(std::int64_t ws, std::int64_t id) {
  KIRIM_TRY(get(ws, id));
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, impl_->d.db.query("SELECT error_code, error_title, state, COUNT(*) AS n FROM "
                                   "campaign_recipients WHERE campaign_id = $1 AND state IN "
                                   "('failed', 'unknown', 'skipped') GROUP BY error_code, "
                                   "error_title, state ORDER BY n DESC, error_code LIMIT 100",
                                   {id}));
  std::vector<Failure> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Failure f;
    f.code = rows.integer(i, "error_code");
    f.count = rows.integer(i, "n");
    f.title = rows.text(i, "error_title");
    f.state = rows.text(i, "state");
    if (f.title.empty() && f.state == "unknown") {
      f.title = "No answer came for the request: it may have been sent, and is not sent again";
    }
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::int64_t> Campaigns::convert(std::int64_t ws, std::optional<std::int64_t> campaign_id,
                                        std::int64_t contact_id) {
  auto& d = *impl_;
  const auto now = d.d.clock.now_ms();
  std::int64_t found = 0, campaign = 0;
  KIRIM_TRY(d.d.db.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(
        auto rows,
        c.query("SELECT r.id, r.campaign_id, r.sent_at, k.goal FROM campaign_recipients r JOIN "
                "campaigns k ON k.id = r.campaign_id WHERE r.workspace_id = $1 AND r.contact_id "
                "= $2 AND r.sent_at > 0 AND ($3 = 0 OR r.campaign_id = $3) ORDER BY r.sent_at "
                "DESC, r.id DESC LIMIT 1",
                {ws, contact_id, campaign_id.value_or(0)}));
    if (rows.empty()) return {};
    const auto goal = parse_object(rows.text(0, "goal"));
    if (rows.integer(0, "sent_at") < now - window_ms(goal)) return {};
    found = rows.integer(0, "id");
    campaign = rows.integer(0, "campaign_id");
    KIRIM_TRY(mark_once(c, campaign, found, "converted", nullptr, now));
    return {};
  }));
  if (found == 0) {
    return make_error(Errc::not_found,
                      "No campaign message reached this contact within its goal's window.");
  }
  {
    std::lock_guard lock(d.mu);
    d.touched.insert(campaign);
  }
  return found;
}

Result<std::string> Campaigns::click(const std::string& token) {
  auto& d = *impl_;
  const auto now = d.d.clock.now_ms();
  std::string url;
  std::int64_t campaign = 0;
  KIRIM_TRY(d.d.db.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, c.query("SELECT l.recipient_id, l.campaign_id, l.url, k.goal FROM "
                           "campaign_links l JOIN campaigns k ON k.id = l.campaign_id WHERE "
                           "l.token = $1",
                           {token}));
    if (rows.empty()) return {};
    url = rows.text(0, "url");
    campaign = rows.integer(0, "campaign_id");
    const auto recipient = rows.integer(0, "recipient_id");
    KIRIM_TRY(
        c.exec("UPDATE campaign_links SET clicks = clicks + 1, first_click_at = CASE WHEN "
               "first_click_at = 0 THEN $1 ELSE first_click_at END WHERE token = $2",
               {now, token}));
    KIRIM_ASSIGN_OR_RETURN(auto first,
                           mark_once(c, campaign, recipient, "clicked", "clicked", now));
    if (first && str(parse_object(rows.text(0, "goal")), "kind") == "click") {
      KIRIM_TRY(mark_once(c, campaign, recipient, "converted", nullptr, now));
    }
    return {};
  }));
  if (url.empty()) return make_error(Errc::not_found, "This link does not exist.");
  {
    std::lock_guard lock(d.mu);
    d.touched.insert(campaign);
  }
  return url;
}

Result<void> Campaigns::on_status(db::Connection& c, std::int64_t ws,
                                  const whatsapp::StatusUpdate& s, std::int64_t at) {
  const auto to = status_target(s.status);
  if (!to) return {};
  std::string where;
  std::vector<Value> params;
  if (s.biz_opaque_callback_data.starts_with("cr:")) {
    std::int64_t rid = 0;
    std::istringstream in(s.biz_opaque_callback_data.substr(3));
    if (!(in >> rid)) return {};
    where = "id = $1 AND workspace_id = $2";
    params = {rid, ws};
  } else if (!s.wamid.empty()) {
    where = "wamid = $1 AND workspace_id = $2";
    params = {s.wamid, ws};
  } else {
    return {};
  }
  for (int attempt = 0; attempt < kStatusRetries; ++attempt) {
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, c.query("SELECT id, campaign_id, state FROM campaign_recipients WHERE " + where +
                               " LIMIT 1",
                           params));
    if (rows.empty()) return {};
    const auto rid = rows.integer(0, "id");
    const auto campaign = rows.integer(0, "campaign_id");
    const auto cur = parse_recipient_state(rows.text(0, "state"));
    if (!cur || !may_move(*cur, *to)) return {};
    std::string set =
        "updated_at = $1, sent_at = CASE WHEN sent_at = 0 OR sent_at > $1 THEN $1 "
        "ELSE sent_at END";
    std::vector<Value> extra{at};
    if (!s.wamid.empty()) {
      extra.emplace_back(s.wamid);
      set += ", wamid = COALESCE(wamid, $2)";
    }
    if (*to == RecipientState::delivered || *to == RecipientState::read) {
      set += ", delivered_at = CASE WHEN delivered_at = 0 THEN $1 ELSE delivered_at END";
    }
    if (*to == RecipientState::read)
      set += ", read_at = CASE WHEN read_at = 0 THEN $1 ELSE read_at END";
    if (*to == RecipientState::failed) {
      const std::int64_t code = s.errors.empty() ? 0 : s.errors[0].code;
      const std::string title =
          s.errors.empty() ? "failed"
                           : (s.errors[0].title.empty() ? s.errors[0].message : s.errors[0].title);
      extra.emplace_back(code);
      const auto code_p = "$" + std::to_string(extra.size());
      extra.emplace_back(title.substr(0, 500));
      const auto title_p = "$" + std::to_string(extra.size());
      set += ", failed_at = $1, error_code = " + code_p + ", error_title = " + title_p;
    } else if (*cur == RecipientState::failed || *cur == RecipientState::unknown) {
      set += ", error_code = 0, error_title = ''";
    }
    KIRIM_ASSIGN_OR_RETURN(auto moved, move_recipient(c, campaign, rid, *cur, *to, set, extra));
    if (!moved) continue;  // moved meanwhile by the send's own record: look again
    if (*cur == RecipientState::unknown || *cur == RecipientState::failed) {
      KIRIM_TRY(add_series(c, campaign, at, "sent"));
    }
    const bool reached_delivered = rank_of(*cur) < rank_of(RecipientState::delivered) ||
                                   *cur == RecipientState::failed ||
                                   *cur == RecipientState::unknown;
    if ((*to == RecipientState::delivered || *to == RecipientState::read) && reached_delivered) {
      KIRIM_TRY(add_series(c, campaign, at, "delivered"));
    }
    if (*to == RecipientState::read) KIRIM_TRY(add_series(c, campaign, at, "read_count"));
    if (*to == RecipientState::failed) KIRIM_TRY(add_series(c, campaign, at, "failed"));
    std::lock_guard lock(impl_->mu);
    impl_->touched.insert(campaign);
    return {};
  }
  return {};
}

Result<void> Campaigns::on_inbound(db::Connection& c, std::int64_t ws, std::int64_t contact_id,
                                   const whatsapp::InboundMessage& m, std::int64_t at) {
  db::Rows rows;
  if (!m.context_wamid.empty()) {
    KIRIM_ASSIGN_OR_RETURN(
        rows, c.query("SELECT r.id, r.campaign_id, r.sent_at, k.goal FROM campaign_recipients r "
                      "JOIN campaigns k ON k.id = r.campaign_id WHERE r.workspace_id = $1 AND "
                      "r.wamid = $2 LIMIT 1",
                      {ws, m.context_wamid}));
  }
  if (rows.empty()) {
    KIRIM_ASSIGN_OR_RETURN(
        rows, c.query("SELECT r.id, r.campaign_id, r.sent_at, k.goal FROM campaign_recipients r "
                      "JOIN campaigns k ON k.id = r.campaign_id WHERE r.workspace_id = $1 AND "
                      "r.contact_id = $2 AND r.sent_at > 0 ORDER BY r.sent_at DESC, r.id DESC "
                      "LIMIT 1",
                      {ws, contact_id}));
    if (rows.empty()) return {};
    const auto goal = parse_object(rows.text(0, "goal"));
    if (rows.integer(0, "sent_at") < at - window_ms(goal)) return {};
  }
  const auto rid = rows.integer(0, "id");
  const auto campaign = rows.integer(0, "campaign_id");
  const auto goal = parse_object(rows.text(0, "goal"));
  KIRIM_TRY(mark_once(c, campaign, rid, "replied", "replied", at));
  const auto kind = str(goal, "kind");
  const auto value = str(goal, "value");
  bool converts = false;
  if (kind == "button") {
    const auto answer = m.button_payload.empty() ? m.text : m.button_payload;
    converts = !value.empty() && (upper_trimmed(answer) == upper_trimmed(value) ||
                                  upper_trimmed(m.text) == upper_trimmed(value));
  } else if (kind == "keyword") {
    converts = has_word(m.text, value);
  }
  if (converts) KIRIM_TRY(mark_once(c, campaign, rid, "converted", nullptr, at));
  std::lock_guard lock(impl_->mu);
  impl_->touched.insert(campaign);
  return {};
}

bj::object counters_json(const Counters& c) {
  return {{"planned", c.planned},    {"queued", c.queued},       {"sending", c.sending},
          {"sent", c.sent},          {"delivered", c.delivered}, {"read", c.read},
          {"replied", c.replied},    {"clicked", c.clicked},     {"converted", c.converted},
          {"failed", c.failed},      {"unknown", c.unknown},     {"skipped", c.skipped},
          {"cancelled", c.cancelled}};
}

bj::object campaign_json(const Campaign& c, const Counters& counters, double rate) {
  bj::object o{{"id", c.id},
               {"name", c.name},
               {"state", state_name(c.state)},
               {"audience", c.audience},
               {"message", c.message},
               {"schedule", c.schedule},
               {"speed_mps", c.speed_mps},
               {"counters", counters_json(counters)}};
  bj::array senders;
  for (auto s : c.senders)
    senders.push_back(s);
  o["senders"] = std::move(senders);
  o["quiet_hours"] = c.quiet_hours.empty() ? bj::value(nullptr) : bj::value(c.quiet_hours);
  o["goal"] = c.goal.empty() ? bj::value(nullptr) : bj::value(c.goal);
  o["rate"] =
      bj::object{{"current_mps", rate_value(rate)},
                 {"eta_seconds",
                  rate > 0 ? bj::value(static_cast<std::int64_t>(
                                 static_cast<double>(counters.queued + counters.sending) / rate))
                           : bj::value(nullptr)}};
  o["created_by"] = c.created_by
                        ? bj::value(bj::object{{"id", *c.created_by}, {"name", c.created_by_name}})
                        : bj::value(nullptr);
  o["created_at"] = time_or_null(c.created_at);
  o["updated_at"] = time_or_null(c.updated_at);
  o["scheduled_at"] = time_or_null(c.scheduled_at);
  o["started_at"] = time_or_null(c.started_at);
  o["finished_at"] = time_or_null(c.finished_at);
  o["error"] = c.error.empty() ? bj::value(nullptr) : bj::value(c.error);
  return o;
}

}  // namespace kirim::campaigns
