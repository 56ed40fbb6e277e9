#include "notify/outgoing.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <netdb.h>
#include <sys/socket.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"

namespace kirim::notify {
namespace {

using db::Value;

constexpr const char* kEndpointColumns =
    "id, workspace_id, url, description, events, enabled, disabled_reason, last_status, "
    "last_error, last_attempt_at, consecutive_failures, created_at, updated_at";
constexpr const char* kDeliveryColumns =
    "id, workspace_id, endpoint_id, event, payload, state, attempts, redeliveries, "
    "response_status, response_body, error, duration_ms, created_at, last_attempt_at, "
    "next_attempt_at, delivered_at";
// The same columns of a delivery joined with its endpoint (table alias d).
constexpr const char* kJoinedDeliveryColumns =
    "d.id, d.workspace_id, d.endpoint_id, d.event, d.payload, d.state, d.attempts, "
    "d.redeliveries, d.response_status, d.response_body, d.error, d.duration_ms, d.created_at, "
    "d.last_attempt_at, d.next_attempt_at, d.delivered_at";

constexpr std::string_view kGoneReason = "The receiver answered 410 Gone.";

Error endpoint_not_found() {
  return make_error(Errc::not_found, "There is no such webhook endpoint.");
}

Error delivery_not_found() {
  return make_error(Errc::not_found, "There is no such webhook delivery.");
}

std::vector<std::string> split_events(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string join_events(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events)
    out += (out.empty() ? "" : ",") + e;
  return out;
}

Endpoint endpoint_from(const db::Rows& r, std::size_t i) {
  Endpoint e;
  e.id = r.integer(i, "id");
  e.workspace_id = r.integer(i, "workspace_id");
  e.url = r.text(i, "url");
  e.description = r.text(i, "description");
  e.events = split_events(r.text(i, "events"));
  e.enabled = r.integer(i, "enabled") != 0;
  e.disabled_reason = r.text(i, "disabled_reason");
  e.last_status = static_cast<int>(r.integer(i, "last_status"));
  e.last_error = r.text(i, "last_error");
  e.last_attempt_at = r.integer(i, "last_attempt_at");
  e.consecutive_failures = r.integer(i, "consecutive_failures");
  e.created_at = r.integer(i, "created_at");
  e.updated_at = r.integer(i, "updated_at");
  return e;
}

Delivery delivery_from(const db::Rows& r, std::size_t i) {
  Delivery d;
  d.id = r.integer(i, "id");
  d.workspace_id = r.integer(i, "workspace_id");
  d.endpoint_id = r.integer(i, "endpoint_id");
  d.event = r.text(i, "event");
  d.data = r.text(i, "payload");
  d.state = parse_delivery_state(r.text(i, "state")).value_or(DeliveryState::pending);
  d.attempts = static_cast<int>(r.integer(i, "attempts"));
  d.redeliveries = static_cast<int>(r.integer(i, "redeliveries"));
  d.response_status = static_cast<int>(r.integer(i, "response_status"));
  d.response_body = r.text(i, "response_body");
  d.error = r.text(i, "error");
  d.duration_ms = r.integer(i, "duration_ms");
  d.created_at = r.integer(i, "created_at");
  d.last_attempt_at = r.integer(i, "last_attempt_at");
  d.next_attempt_at = r.integer(i, "next_attempt_at");
  d.delivered_at = r.integer(i, "delivered_at");
  return d;
}

// The first n bytes of s, cut back to a UTF-8 character boundary.
std::string prefix(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t end = n;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
    --end;
  return s.substr(0, end);
}

std::string known_events() {
  std::string out;
  for (auto e : kEvents)
    out += (out.empty() ? "" : ", ") + std::string(e);
  return out;
}

// An event list as stored: {"*"}, or the named events, sorted and without repeats.
Result<std::vector<std::string>> normalize_events(const std::vector<std::string>& in) {
  if (in.empty()) {
    return json::validation_error(
        {{"events", "must name at least one event, or \"*\" for every event"}});
  }
  std::set<std::string> named;
  bool all = false;
  for (const auto& e : in) {
    if (e == kAllEvents) {
      all = true;
    } else if (is_event(e)) {
      named.insert(e);
    } else {
      return json::validation_error(
          {{"events", "\"" + e + "\" is not an event; the events are " + known_events()}});
    }
  }
  if (all && !named.empty()) {
    return json::validation_error({{"events", "\"*\" already means every event; give it alone"}});
  }
  if (all) return std::vector<std::string>{std::string(kAllEvents)};
  return std::vector<std::string>(named.begin(), named.end());
}

std::string transport_error(const whatsapp::HttpResponse& r, milliseconds timeout) {
  switch (r.transport) {
    case whatsapp::Transport::connect_failed:
      return "Could not connect: " + r.error;
    case whatsapp::Transport::timeout:
      return "No answer within " + std::to_string(timeout.count() / 1000) + " s.";
    case whatsapp::Transport::failed:
      return "The connection failed: " + r.error;
    case whatsapp::Transport::cancelled:
      return "Kirim stopped before the answer came.";
    case whatsapp::Transport::ok:
      break;
  }
  return {};
}

// Retry-After in seconds (the only form receivers commonly send), when present and sane.
std::optional<milliseconds> retry_after(const whatsapp::HttpResponse& r) {
  const auto v = r.header("retry-after");
  std::int64_t s = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || s < 0) return std::nullopt;
  return milliseconds(s * 1000);
}

}  // namespace

bool is_event(std::string_view name) {
  return std::find(kEvents.begin(), kEvents.end(), name) != kEvents.end();
}

const char* state_name(DeliveryState s) {
  switch (s) {
    case DeliveryState::pending:
      return "pending";
    case DeliveryState::delivered:
      return "delivered";
    case DeliveryState::failed:
      return "failed";
  }
  return "pending";
}

std::optional<DeliveryState> parse_delivery_state(std::string_view s) {
  for (auto st : {DeliveryState::pending, DeliveryState::delivered, DeliveryState::failed}) {
    if (s == state_name(st)) return st;
  }
  return std::nullopt;
}

bool Endpoint::subscribes(std::string_view event) const {
  return std::any_of(events.begin(), events.end(),
                     [&](const std::string& e) { return e == kAllEvents || e == event; });
}

Result<std::vector<std::string>> system_resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return make_error(Errc::unavailable, "cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::vector<std::string> out;
  for (auto* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* addr = nullptr;
    if (a->ai_family == AF_INET) {
      addr = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;  // NOLINT
    } else if (a->ai_family == AF_INET6) {
      addr = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;  // NOLINT
    }
    if (addr != nullptr && ::inet_ntop(a->ai_family, addr, text, sizeof text) != nullptr) {
      out.emplace_back(text);
    }
  }
  ::freeaddrinfo(found);
  return out;
}

bool is_private_address(std::string_view ip) {
  const std::string text(ip);
  auto v4_private = [](std::uint32_t a) {
    auto in = [a](std::uint32_t net, int bits) {
      const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
      return (a & mask) == net;
    };
    return in(0x00000000, 8)      // "this network", 0.0.0.0
           || in(0x0A000000, 8)   // 10/8
           || in(0x64400000, 10)  // 100.64/10, carrier-grade NAT
           || in(0x7F000000, 8)   // loopback
           || in(0xA9FE0000, 16)  // link-local, cloud metadata
           || in(0xAC100000, 12)  // 172.16/12
           || in(0xC0000000, 24)  // IETF protocol assignments
           || in(0xC0A80000, 16)  // 192.168/16
           || in(0xC6120000, 15)  // benchmarking
           || in(0xE0000000, 4)   // multicast
           || in(0xF0000000, 4);  // reserved and broadcast
  };
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return v4_private(ntohl(v4.s_addr));
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  const auto* b = v6.s6_addr;
  auto embedded_v4 = [b] {
    return (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) |
           (std::uint32_t{b[14]} << 8) | std::uint32_t{b[15]};
  };
  auto zeros = [b](int from, int to) {
    for (int i = from; i < to; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  };
  if (zeros(0, 10) && b[10] == 0xFF && b[11] == 0xFF) return v4_private(embedded_v4());  // mapped
  if (zeros(0, 12)) return true;  // ::, ::1 and the old IPv4-compatible form
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && zeros(4, 12)) {
    return v4_private(embedded_v4());  // NAT64
  }
  return (b[0] & 0xFE) == 0xFC                       // fc00::/7, unique local
         || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)  // fe80::/10, link-local
         || b[0] == 0xFF;                            // multicast
}

std::optional<std::string> url_problem(std::string_view url, bool allow_private,
                                       const Resolver& resolve) {
  if (url.empty()) return "is required";
  if (url.size() > kMaxUrlBytes) {
    return "must be at most " + std::to_string(kMaxUrlBytes) + " characters";
  }
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return "is not a valid URL";
  if (u->scheme_id() != boost::urls::scheme::http && u->scheme_id() != boost::urls::scheme::https) {
    return "must start with http:// or https://";
  }
  if (!u->has_authority() || u->encoded_host().empty()) return "must name a host";
  if (u->has_userinfo()) return "must not contain a user name or password";
  if (allow_private) return std::nullopt;
  std::vector<std::string> addresses;
  const auto type = u->host_type();
  if (type == boost::urls::host_type::ipv4 || type == boost::urls::host_type::ipv6) {
    addresses.push_back(u->host_address());
  } else if (type == boost::urls::host_type::name) {
    auto resolved =
        resolve ? resolve(u->host()) : Result<std::vector<std::string>>(std::vector<std::string>{});
    if (!resolved.ok() || resolved->empty()) return "names a host that does not resolve";
    addresses = std::move(resolved).value();
  } else {
    return "must name a host by name or IP address";
  }
  for (const auto& a : addresses) {
    if (is_private_address(a)) {
      return "must not point to a loopback, private or link-local address";
    }
  }
  return std::nullopt;
}

OutgoingWebhooks::OutgoingWebhooks(db::Database& db, const Clock& clock, queue::Queue& queue,
                                   whatsapp::HttpClient& http, std::string secret_key,
                                   OutgoingOptions options)
    : db_(db),
      clock_(clock),
      queue_(queue),
      http_(http),
      key_(std::move(secret_key)),
      options_(std::move(options)),
      rng_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device{}()) {}

void OutgoingWebhooks::register_jobs(queue::Queue& queue) {
  queue.configure_queue(kQueueName, {1, kQueueMaxWorkers});
  queue::KindOptions deliver_options;
  deliver_options.queue = kQueueName;
  deliver_options.max_attempts = options_.max_attempts;
  deliver_options.backoff_base = options_.backoff_base;
  deliver_options.backoff_cap = options_.backoff_cap;
  // An attempt waits up to the timeout for its answer; the lease leaves room for the writes.
  deliver_options.lease = std::max(queue::kDefaultLease, options_.timeout * 3);
  queue.register_kind(kDeliverKind, deliver_options,
                      [this](queue::JobContext& ctx) { return deliver(ctx); });
  queue::KindOptions prune_options;
  prune_options.queue = kQueueName;
  prune_options.max_attempts = 3;
  queue.register_kind(kPruneKind, prune_options, [this](queue::JobContext& ctx) {
    int keep_days = kDefaultKeepDays;
    boost::system::error_code ec;
    auto v = boost::json::parse(ctx.job().payload, ec);
    if (!ec && v.is_object()) {
      if (const auto* k = v.as_object().if_contains("keep_days"); k && k->is_int64()) {
        keep_days = static_cast<int>(std::clamp<std::int64_t>(k->as_int64(), 1, 3650));
      }
    }
    auto pruned = prune(keep_days);
    if (!pruned.ok()) return queue::Outcome::from(pruned.error());
    auto resumed = resume_pending();
    if (!resumed.ok()) return queue::Outcome::from(resumed.error());
    return queue::Outcome::ok();
  });
}

std::string OutgoingWebhooks::seal(const std::string& plaintext) const {
  return crypto::seal_secret(key_, plaintext);
}

double OutgoingWebhooks::jitter() {
  std::lock_guard lock(rng_mu_);
  return std::uniform_real_distribution<double>(0, 1)(rng_);
}

std::string OutgoingWebhooks::body(const Delivery& d) {
  boost::system::error_code ec;
  auto data = boost::json::parse(d.data, ec);
  if (ec) data = boost::json::object{};
  boost::json::object o;
  o["id"] = d.id;
  o["event"] = d.event;
  o["created_at"] = iso8601_utc(d.created_at);
  o["data"] = std::move(data);
  return boost::json::serialize(o);
}

std::string OutgoingWebhooks::signature(std::string_view secret, std::int64_t unix_seconds,
                                        std::string_view body) {
  const auto t = std::to_string(unix_seconds);
  std::string signed_text;
  signed_text.reserve(t.size() + 1 + body.size());
  signed_text.append(t).append(".").append(body);
  return "t=" + t + ",v1=" + crypto::hmac_sha256_hex(secret, signed_text);
}

// --- Endpoints ----------------------------------------------------------------------------------

Result<std::vector<Endpoint>> OutgoingWebhooks::endpoints(std::int64_t ws) {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(std::string("SELECT ") + kEndpointColumns +
                                                  " FROM webhook_endpoints WHERE workspace_id = "
                                                  "$1 ORDER BY id",
                                              {ws}));
  std::vector<Endpoint> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(endpoint_from(rows, i));
  return out;
}

Result<Endpoint> OutgoingWebhooks::endpoint(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query(std::string("SELECT ") + kEndpointColumns +
                               " FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2",
                           {ws, id}));
  if (rows.empty()) return endpoint_not_found();
  return endpoint_from(rows, 0);
}

namespace {

// Every problem of an endpoint's input at once, or the event list to store.
Result<std::optional<std::vector<std::string>>> validate(const EndpointInput& in, bool creating,
                                                         const OutgoingOptions& o) {
  std::map<std::string, std::string> problems;
  if (creating && !in.url) problems["url"] = "is required";
  if (in.url) {
    if (auto p = url_problem(*in.url, o.allow_private_urls, o.resolve)) problems["url"] = *p;
  }
  if (in.description && in.description->size() > kMaxDescriptionBytes) {
    problems["description"] =
        "must be at most " + std::to_string(kMaxDescriptionBytes) + " characters";
  }
  std::optional<std::vector<std::string>> events;
  if (in.events) {
    auto normalized = normalize_events(*in.events);
    if (normalized.ok()) {
      events = std::move(normalized).value();
    } else {
      for (const auto& [k, v] : normalized.error().details)
        problems[k] = v;
    }
  }
  if (!problems.empty()) return json::validation_error(std::move(problems));
  return events;
}

std::string new_secret() {
  return std::string(kSecretPrefix) + crypto::random_token(kSecretBytes);
}

}  // namespace

std::map<std::string, std::string> OutgoingWebhooks::problems(const EndpointInput& in,
                                                              bool creating) const {
  auto checked = validate(in, creating, options_);
  return checked.ok() ? std::map<std::string, std::string>{} : checked.error().details;
}

Result<EndpointWithSecret> OutgoingWebhooks::create(std::int64_t ws, const EndpointInput& in) {
  KIRIM_ASSIGN_OR_RETURN(auto events, validate(in, true, options_));
  const auto secret = new_secret();
  const auto now = clock_.now_ms();
  const std::string stored_events =
      join_events(events.value_or(std::vector<std::string>{std::string(kAllEvents)}));
  std::int64_t id = 0;
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(
        auto n,
        c.query("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE workspace_id = $1", {ws}));
    if (n.integer(0, "n") >= static_cast<std::int64_t>(kMaxEndpoints)) {
      return make_error(Errc::conflict, "A workspace can have at most " +
                                            std::to_string(kMaxEndpoints) +
                                            " webhook endpoints; delete one first.");
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto rows,
        c.query("INSERT INTO webhook_endpoints (workspace_id, url, description, secret_enc, "
                "events, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
                "RETURNING id",
                {ws, *in.url, in.description.value_or(""), seal(secret), stored_events,
                 std::int64_t{in.enabled.value_or(true) ? 1 : 0}, now}));
    id = rows.integer(0, "id");
    return {};
  }));
  forget_subscriptions(ws);
  KIRIM_ASSIGN_OR_RETURN(auto made, endpoint(ws, id));
  return EndpointWithSecret{std::move(made), secret};
}

Result<Endpoint> OutgoingWebhooks::update(std::int64_t ws, std::int64_t id,
                                          const EndpointInput& in) {
  KIRIM_ASSIGN_OR_RETURN(auto current, endpoint(ws, id));
  KIRIM_ASSIGN_OR_RETURN(auto events, validate(in, false, options_));
  std::vector<std::string> sets;
  std::vector<Value> params;
  auto set = [&](const char* col, Value v) {
    params.push_back(std::move(v));
    sets.push_back(std::string(col) + " = $" + std::to_string(params.size()));
  };
  if (in.url) set("url", *in.url);
  if (in.description) set("description", *in.description);
  if (events) set("events", join_events(*events));
  if (in.enabled) {
    set("enabled", std::int64_t{*in.enabled ? 1 : 0});
    if (*in.enabled && !current.enabled) {
      set("disabled_reason", std::string());
      set("consecutive_failures", std::int64_t{0});
    }
  }
  set("updated_at", clock_.now_ms());
  params.push_back(ws);
  params.push_back(id);
  std::string sql = "UPDATE webhook_endpoints SET ";
  for (std::size_t i = 0; i < sets.size(); ++i)
    sql += (i ? ", " : "") + sets[i];
  sql += " WHERE workspace_id = $" + std::to_string(params.size() - 1) + " AND id = $" +
         std::to_string(params.size());
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_TRY(c.exec(sql, params));
    return {};
  }));
  forget_subscriptions(ws);
  return endpoint(ws, id);
}

Result<void> OutgoingWebhooks::remove(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.write_exec("DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2",
                             {ws, id}));
  forget_subscriptions(ws);
  if (n == 0) return endpoint_not_found();
  return {};
}

Result<EndpointWithSecret> OutgoingWebhooks::rotate_secret(std::int64_t ws, std::int64_t id) {
  const auto secret = new_secret();
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.write_exec("UPDATE webhook_endpoints SET secret_enc = $1, updated_at = $2 WHERE "
                             "workspace_id = $3 AND id = $4",
                             {seal(secret), clock_.now_ms(), ws, id}));
  if (n == 0) return endpoint_not_found();
  KIRIM_ASSIGN_OR_RETURN(auto e, endpoint(ws, id));
  return EndpointWithSecret{std::move(e), secret};
}

Result<Delivery> OutgoingWebhooks::send_test(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto e, endpoint(ws, id));
  if (!e.enabled) {
    return make_error(Errc::conflict, "The endpoint is disabled; enable it to send it events.");
  }
  const boost::json::object data{
      {"endpoint_id", id}, {"message", "A test event from Kirim: this endpoint is reachable."}};
  KIRIM_ASSIGN_OR_RETURN(auto ids, record(ws, kPingEvent, boost::json::serialize(data), {id}));
  if (ids.empty()) {
    return make_error(Errc::conflict, "The endpoint was disabled or deleted meanwhile.");
  }
  return delivery(ws, ids.front());
}

// --- Emitting -----------------------------------------------------------------------------------

Result<std::vector<std::int64_t>> OutgoingWebhooks::emit(std::int64_t ws, std::string_view event,
                                                         const boost::json::object& data) {
  if (!is_event(event)) {
    return make_error(Errc::invalid_argument,
                      "\"" + std::string(event) + "\" is not an outgoing webhook event.");
  }
  auto text = boost::json::serialize(data);
  if (text.size() > kMaxDataBytes) {
    return make_error(Errc::invalid_argument, "The event's data is larger than " +
                                                  std::to_string(kMaxDataBytes / 1024) + " KiB.");
  }
  KIRIM_ASSIGN_OR_RETURN(auto targets, subscribers(ws, event));
  if (targets.empty()) return std::vector<std::int64_t>{};
  return record(ws, event, text, targets);
}

Result<std::vector<std::int64_t>> OutgoingWebhooks::subscribers(std::int64_t ws,
                                                                std::string_view event) {
  // Every contact change and every message processed asks this, and most workspaces have no
  // endpoint: a fresh answer from memory keeps that free.
  auto pick = [event](const Subscriptions& s) {
    std::vector<std::int64_t> out;
    for (const auto& [id, events] : s.endpoints) {
      Endpoint e;
      e.events = events;
      if (e.subscribes(event)) out.push_back(id);
    }
    return out;
  };
  const auto now = clock_.steady_now();
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(subs_mu_);
    if (auto it = subs_.find(ws); it != subs_.end() && now - it->second.read_at < kSubscriptionsTtl)
      return pick(it->second);
    generation = subs_generation_;
  }
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT id, events FROM webhook_endpoints WHERE "
                                              "workspace_id = $1 AND enabled = 1 ORDER BY id",
                                              {ws}));
  Subscriptions read;
  read.read_at = now;
  for (std::size_t i = 0; i < rows.size(); ++i)
    read.endpoints.emplace_back(rows.integer(i, "id"), split_events(rows.text(i, "events")));
  auto out = pick(read);
  std::lock_guard lock(subs_mu_);
  if (generation == subs_generation_) {
    if (subs_.size() >= kMaxCachedWorkspaces) subs_.clear();
    subs_[ws] = std::move(read);
  }
  return out;
}

void OutgoingWebhooks::forget_subscriptions(std::int64_t ws) {
  std::lock_guard lock(subs_mu_);
  ++subs_generation_;
  subs_.erase(ws);
}

Result<std::vector<std::int64_t>> OutgoingWebhooks::record(
    std::int64_t ws, std::string_view event, const std::string& data,
    const std::vector<std::int64_t>& endpoint_ids) {
  const auto now = clock_.now_ms();
  std::vector<Delivery> made;
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    made.clear();
    for (auto endpoint_id : endpoint_ids) {
      // Only to an endpoint that is still there and enabled: the list may be a moment old.
      KIRIM_ASSIGN_OR_RETURN(
          auto rows,
          c.query("INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event, payload, "
                  "created_at) SELECT workspace_id, id, $3, $4, $5 FROM webhook_endpoints WHERE "
                  "workspace_id = $1 AND id = $2 AND enabled = 1 RETURNING id",
                  {ws, endpoint_id, std::string(event), data, now}));
      if (rows.empty()) continue;
      Delivery d;
      d.id = rows.integer(0, "id");
      d.workspace_id = ws;
      d.endpoint_id = endpoint_id;
      made.push_back(std::move(d));
    }
    return {};
  }));
  if (auto r = enqueue(made); !r.ok()) {
    // The deliveries are stored: resume_pending() (at start, and with the daily prune) makes
    // their jobs.
    log::error("outgoing webhook deliveries were stored but not enqueued",
               {{"event", std::string(event)}, {"error", r.error().message}});
  }
  std::vector<std::int64_t> ids;
  for (const auto& d : made)
    ids.push_back(d.id);
  return ids;
}

Result<void> OutgoingWebhooks::enqueue(const std::vector<Delivery>& deliveries) {
  std::vector<queue::JobSpec> specs;
  for (const auto& d : deliveries) {
    queue::JobSpec s;
    s.queue = kQueueName;
    s.kind = kDeliverKind;
    s.workspace_id = d.workspace_id;
    s.payload = boost::json::serialize(boost::json::object{{"delivery_id", d.id}});
    // One job per delivery and round: a redelivery starts a new round.
    s.unique_key = std::string(kDeliverKind) + ":" + std::to_string(d.id) + ":" +
                   std::to_string(d.redeliveries);
    s.tags = {"webhook.endpoint:" + std::to_string(d.endpoint_id)};
    specs.push_back(std::move(s));
  }
  if (specs.empty()) return {};
  KIRIM_TRY(queue_.enqueue_many(specs));
  return {};
}

Result<std::int64_t> OutgoingWebhooks::resume_pending() {
  std::int64_t after = 0, total = 0;
  while (true) {
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, db_.query("SELECT id, workspace_id, endpoint_id, redeliveries FROM "
                             "webhook_deliveries WHERE state = 'pending' AND id > $1 ORDER BY id "
                             "LIMIT $2",
                             {after, std::int64_t{kResumeBatch}}));
    if (rows.empty()) break;
    std::vector<Delivery> batch;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Delivery d;
      d.id = rows.integer(i, "id");
      d.workspace_id = rows.integer(i, "workspace_id");
      d.endpoint_id = rows.integer(i, "endpoint_id");
      d.redeliveries = static_cast<int>(rows.integer(i, "redeliveries"));
      batch.push_back(std::move(d));
    }
    after = batch.back().id;
    KIRIM_TRY(enqueue(batch));
    total += static_cast<std::int64_t>(batch.size());
  }
  return total;
}

Result<std::int64_t> OutgoingWebhooks::prune(int keep_days) {
  const auto cutoff = clock_.now_ms() - std::int64_t{keep_days} * 24 * 3600 * 1000;
  return db_.write_exec(
      "DELETE FROM webhook_deliveries WHERE state IN ('delivered', 'failed') AND created_at < $1",
      {cutoff});
}

// --- Deliveries ---------------------------------------------------------------------------------

Result<std::vector<Delivery>> OutgoingWebhooks::deliveries(std::int64_t ws,
                                                           std::int64_t endpoint_id,
                                                           const DeliveryQuery& q) {
  KIRIM_TRY(endpoint(ws, endpoint_id));
  std::string sql = std::string("SELECT ") + kDeliveryColumns +
                    " FROM webhook_deliveries WHERE workspace_id = $1 AND endpoint_id = $2";
  std::vector<Value> params{ws, endpoint_id};
  if (q.state) {
    params.emplace_back(std::string(state_name(*q.state)));
    sql += " AND state = $" + std::to_string(params.size());
  }
  if (q.before > 0) {
    params.emplace_back(q.before);
    sql += " AND id < $" + std::to_string(params.size());
  }
  sql += " ORDER BY id DESC LIMIT " + std::to_string(std::clamp(q.limit, 1, kMaxDeliveryPage + 1));
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql, params));
  std::vector<Delivery> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(delivery_from(rows, i));
  return out;
}

Result<Delivery> OutgoingWebhooks::delivery(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query(std::string("SELECT ") + kDeliveryColumns +
                               " FROM webhook_deliveries WHERE workspace_id = $1 AND id = $2",
                           {ws, id}));
  if (rows.empty()) return delivery_not_found();
  return delivery_from(rows, 0);
}

Result<Delivery> OutgoingWebhooks::redeliver(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto d, delivery(ws, id));
  if (d.state == DeliveryState::pending) {
    return make_error(Errc::conflict,
                      "This delivery is still pending; it is attempted again on its own.");
  }
  KIRIM_ASSIGN_OR_RETURN(auto e, endpoint(ws, d.endpoint_id));
  if (!e.enabled) {
    return make_error(Errc::conflict, "The endpoint is disabled; enable it to redeliver.");
  }
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.write_exec("UPDATE webhook_deliveries SET state = 'pending', redeliveries = "
                             "redeliveries + 1, next_attempt_at = $1 WHERE workspace_id = $2 AND "
                             "id = $3 AND state <> 'pending'",
                             {clock_.now_ms(), ws, id}));
  if (n == 0) {
    return make_error(Errc::conflict, "This delivery is being redelivered already.");
  }
  KIRIM_ASSIGN_OR_RETURN(auto again, delivery(ws, id));
  KIRIM_TRY(enqueue({again}));
  return again;
}

// --- Delivering ---------------------------------------------------------------------------------

Result<void> OutgoingWebhooks::finish(const Delivery& d, DeliveryState state, bool attempted,
                                      int status, const std::string& response_body,
                                      const std::string& error, std::int64_t duration_ms,
                                      std::int64_t next_attempt_at, bool gone) {
  const auto now = clock_.now_ms();
  const bool delivered = state == DeliveryState::delivered;
  return db_.write([&](db::Connection& c) -> Result<void> {
    if (!attempted) {
      KIRIM_TRY(
          c.exec("UPDATE webhook_deliveries SET state = $1, error = $2, next_attempt_at = 0 "
                 "WHERE id = $3 AND state = 'pending'",
                 {std::string(state_name(state)), error, d.id}));
      return {};
    }
    KIRIM_TRY(c.exec(
        "UPDATE webhook_deliveries SET state = $1, attempts = attempts + 1, response_status = $2, "
        "response_body = $3, error = $4, duration_ms = $5, last_attempt_at = $6, "
        "next_attempt_at = $7, delivered_at = $8 WHERE id = $9 AND state = 'pending'",
        {std::string(state_name(state)), std::int64_t{status},
         prefix(response_body, kMaxResponseBodyBytes), error, duration_ms, now, next_attempt_at,
         delivered ? now : std::int64_t{0}, d.id}));
    KIRIM_TRY(c.exec(
        "UPDATE webhook_endpoints SET last_status = $1, last_error = $2, last_attempt_at = $3, "
        "consecutive_failures = CASE WHEN $4 = 1 THEN 0 ELSE consecutive_failures + 1 END, "
        "enabled = CASE WHEN $5 = 1 THEN 0 ELSE enabled END, disabled_reason = CASE WHEN $5 = 1 "
        "THEN $6 ELSE disabled_reason END, updated_at = CASE WHEN $5 = 1 THEN $3 ELSE updated_at "
        "END WHERE id = $7",
        {std::int64_t{status}, error, now, std::int64_t{delivered ? 1 : 0},
         std::int64_t{gone ? 1 : 0}, std::string(kGoneReason), d.endpoint_id}));
    return {};
  });
}

queue::Outcome OutgoingWebhooks::deliver(queue::JobContext& ctx) {
  const auto& job = ctx.job();
  std::int64_t id = 0;
  {
    boost::system::error_code ec;
    auto v = boost::json::parse(job.payload, ec);
    const auto* f = !ec && v.is_object() ? v.as_object().if_contains("delivery_id") : nullptr;
    if (f != nullptr && f->is_int64()) id = f->as_int64();
  }
  if (id <= 0) return queue::Outcome::fail("The job names no webhook delivery.");
  auto rows = db_.query(std::string("SELECT ") + kJoinedDeliveryColumns +
                            ", e.url, e.secret_enc, e.enabled FROM webhook_deliveries d JOIN "
                            "webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1",
                        {id});
  if (!rows.ok()) return queue::Outcome::from(rows.error());
  // Deleted with its endpoint, or already settled by an earlier run of this job: nothing to do.
  if (rows->empty()) return queue::Outcome::ok();
  const auto d = delivery_from(*rows, 0);
  if (d.state != DeliveryState::pending) return queue::Outcome::ok();
  const auto url = rows->text(0, "url");
  auto settle = [&](const std::string& why) {
    if (auto r = finish(d, DeliveryState::failed, false, 0, {}, why, 0, 0, false); !r.ok()) {
      return queue::Outcome::from(r.error());
    }
    return queue::Outcome::fail(why);
  };
  if (rows->integer(0, "enabled") == 0) {
    (void)settle("The endpoint was disabled before this delivery was attempted.");
    return queue::Outcome::ok();  // nothing is wrong with the job
  }
  const auto secret = crypto::open_secret(key_, rows->text(0, "secret_enc"));
  if (!secret) {
    log::error("an outgoing webhook secret cannot be decrypted: was the secret key changed?",
               {{"endpoint", std::to_string(d.endpoint_id)}});
    return settle("The endpoint's secret cannot be decrypted; rotate the secret.");
  }
  if (!options_.allow_private_urls) {
    if (auto p = url_problem(url, false, options_.resolve)) return settle("The URL " + *p + ".");
  }
  if (ctx.stopping()) return queue::Outcome::retry("Kirim is stopping", milliseconds(0));

  const auto text = body(d);
  whatsapp::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.body = text;
  req.timeout = options_.timeout;
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Kirim-Event", d.event},
                 {"X-Kirim-Delivery", std::to_string(d.id)},
                 {"X-Kirim-Signature", signature(*secret, clock_.now_ms() / 1000, text)}};
  const auto started = clock_.steady_now();
  const auto res = http_.fetch(std::move(req));
  const auto duration =
      std::chrono::duration_cast<milliseconds>(clock_.steady_now() - started).count();

  const bool answered = res.transport == whatsapp::Transport::ok;
  const bool ok = answered && res.status >= 200 && res.status < 300;
  const bool gone = answered && res.status == 410;
  const bool last = job.attempts >= job.max_attempts;
  std::string error;
  if (!answered) {
    error = transport_error(res, options_.timeout);
  } else if (!ok) {
    error = "The receiver answered " + std::to_string(res.status) + ".";
  }
  error = prefix(error, kMaxErrorBytes);
  const auto state = ok               ? DeliveryState::delivered
                     : (gone || last) ? DeliveryState::failed
                                      : DeliveryState::pending;
  milliseconds delay{0};
  if (state == DeliveryState::pending) {
    delay = queue::backoff(job.attempts, options_.backoff_base, options_.backoff_cap, jitter());
    if (answered && (res.status == 429 || res.status == 503)) {
      if (auto after = retry_after(res))
        delay = std::min(std::max(delay, *after), options_.backoff_cap);
    }
  }
  const auto next = state == DeliveryState::pending ? clock_.now_ms() + delay.count() : 0;
  auto recorded = finish(d, state, true, answered ? res.status : 0, answered ? res.body : "", error,
                         duration, next, gone);
  if (!recorded.ok()) {
    // The receiver may have it; the next attempt repeats it under the same delivery id.
    log::error("recording an outgoing webhook attempt failed",
               {{"delivery", std::to_string(d.id)}, {"error", recorded.error().message}});
    return queue::Outcome::retry("recording the attempt failed: " + recorded.error().message);
  }
  if (gone) {
    forget_subscriptions(d.workspace_id);
    log::warn("an outgoing webhook endpoint answered 410 Gone and was disabled",
              {{"endpoint", std::to_string(d.endpoint_id)}});
  }
  if (ok) return queue::Outcome::ok();
  if (state == DeliveryState::failed) return queue::Outcome::fail(error);
  return queue::Outcome::retry(error, delay);
}

// --- JSON ---------------------------------------------------------------------------------------

namespace {

boost::json::value time_or_null(std::int64_t ms) {
  return ms > 0 ? boost::json::value(iso8601_utc(ms)) : boost::json::value(nullptr);
}

boost::json::value text_or_null(const std::string& s) {
  return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}

}  // namespace

boost::json::object endpoint_json(const Endpoint& e) {
  boost::json::array events;
  for (const auto& ev : e.events)
    events.emplace_back(ev);
  return {{"id", e.id},
          {"url", e.url},
          {"description", e.description},
          {"events", std::move(events)},
          {"enabled", e.enabled},
          {"disabled_reason", text_or_null(e.disabled_reason)},
          {"last_status",
           e.last_status > 0 ? boost::json::value(e.last_status) : boost::json::value(nullptr)},
          {"last_error", text_or_null(e.last_error)},
          {"last_attempt_at", time_or_null(e.last_attempt_at)},
          {"consecutive_failures", e.consecutive_failures},
          {"created_at", iso8601_utc(e.created_at)},
          {"updated_at", iso8601_utc(e.updated_at)}};
}

boost::json::object delivery_json(const Delivery& d, bool full) {
  boost::json::object o{
      {"id", d.id},
      {"endpoint_id", d.endpoint_id},
      {"event", d.event},
      {"state", state_name(d.state)},
      {"attempts", d.attempts},
      {"redeliveries", d.redeliveries},
      {"response_status",
       d.response_status > 0 ? boost::json::value(d.response_status) : boost::json::value(nullptr)},
      {"duration_ms",
       d.last_attempt_at > 0 ? boost::json::value(d.duration_ms) : boost::json::value(nullptr)},
      {"error", text_or_null(d.error)},
      {"created_at", iso8601_utc(d.created_at)},
      {"last_attempt_at", time_or_null(d.last_attempt_at)},
      {"next_attempt_at", d.state == DeliveryState::pending ? time_or_null(d.next_attempt_at)
                                                            : boost::json::value(nullptr)},
      {"delivered_at", time_or_null(d.delivered_at)}};
  if (full) {
    o["payload"] = boost::json::parse(OutgoingWebhooks::body(d));
    o["response_body"] =
        d.last_attempt_at > 0 ? boost::json::value(d.response_body) : boost::json::value(nullptr);
  }
  return o;
}

}  // namespace kirim::notify
