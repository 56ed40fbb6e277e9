#include "whatsapp/sandbox/options.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <toml++/toml.h>

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

constexpr std::string_view kTiers[] = {"TIER_250", "TIER_1K",   "TIER_2K",
                                       "TIER_10K", "TIER_100K", "TIER_UNLIMITED"};

json::array parse_array(std::string_view text) {
  return json::parse(text).as_array();
}

// Reads one JSON object of the configuration: every problem is collected as "path: reason", and
// keys nobody asked for are reported as unknown.
class Reader {
 public:
  Reader(const json::object& object, std::string path, std::map<std::string, std::string>& problems)
      : object_(object), path_(std::move(path)), problems_(problems) {}

  [[nodiscard]] bool has(std::string_view key) const { return object_.contains(key); }

  void fail(std::string_view key, std::string reason) { problems_[where(key)] = std::move(reason); }
  [[nodiscard]] std::string where(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const json::value* take(std::string_view key) {
    seen_.emplace_back(key);
    return object_.if_contains(key);
  }

  void string(std::string_view key, std::string& out, bool allow_empty = true) {
    const auto* v = take(key);
    if (v == nullptr) return;
    if (!v->is_string() || (!allow_empty && v->as_string().empty())) {
      fail(key, allow_empty ? "must be a string" : "must be a non-empty string");
      return;
    }
    out = std::string(v->as_string());
  }

  template <typename Int>
  void integer(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    const auto* v = take(key);
    if (v == nullptr) return;
    std::int64_t n = 0;
    if (v->is_int64()) {
      n = v->as_int64();
    } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max)) {
      n = static_cast<std::int64_t>(v->as_uint64());
    } else {
      fail(key,
           "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    if (n < min || n > max) {
      fail(key,
           "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    out = static_cast<Int>(n);
  }

  void number(std::string_view key, double& out, double min, double max) {
    const auto* v = take(key);
    if (v == nullptr) return;
    double d = 0;
    if (v->is_double()) {
      d = v->as_double();
    } else if (v->is_int64()) {
      d = static_cast<double>(v->as_int64());
    } else if (v->is_uint64()) {
      d = static_cast<double>(v->as_uint64());
    } else {
      fail(key, "must be a number");
      return;
    }
    if (!std::isfinite(d) || d < min || d > max) {
      std::ostringstream os;
      os << "must be a number from " << min << " to " << max;
      fail(key, os.str());
      return;
    }
    out = d;
  }

  void rate(std::string_view key, double& out) { number(key, out, 0.0, 1.0); }

  void boolean(std::string_view key, bool& out) {
    const auto* v = take(key);
    if (v == nullptr) return;
    if (!v->is_bool()) {
      fail(key, "must be true or false");
      return;
    }
    out = v->as_bool();
  }

  void delivery(std::string_view key, Delivery& out) {
    std::string s;
    const bool present = has(key);
    string(key, s);
    if (!present || problems_.contains(where(key))) return;
    if (s == "sync") {
      out = Delivery::sync;
    } else if (s == "async") {
      out = Delivery::async;
    } else if (s == "off") {
      out = Delivery::off;
    } else {
      fail(key, "must be sync, async or off");
    }
  }

  // A Dist: a whole number of milliseconds (constant) or {median_ms, sigma, min_ms, max_ms}.
  void dist(std::string_view key, Dist& out) {
    const auto* v = take(key);
    if (v == nullptr) return;
    if (v->is_int64() || v->is_uint64()) {
      const auto ms = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
      if (ms < 0 || ms > kMaxDelayMs) {
        fail(key, "must be from 0 to " + std::to_string(kMaxDelayMs) + " ms");
        return;
      }
      out = Dist{ms, 0, ms, ms};
      return;
    }
    if (!v->is_object()) {
      fail(key, "must be milliseconds or a table {median_ms, sigma, min_ms, max_ms}");
      return;
    }
    Dist d = out;
    Reader r(v->as_object(), where(key), problems_);
    r.integer("median_ms", d.median_ms, 0, kMaxDelayMs);
    r.number("sigma", d.sigma, 0.0, 5.0);
    r.integer("min_ms", d.min_ms, 0, kMaxDelayMs);
    r.integer("max_ms", d.max_ms, 0, kMaxDelayMs);
    r.finish();
    if (d.min_ms > d.max_ms) {
      fail(key, "min_ms must not exceed max_ms");
      return;
    }
    out = d;
  }

  const json::object* object(std::string_view key) {
    const auto* v = take(key);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      fail(key, "must be a table");
      return nullptr;
    }
    return &v->as_object();
  }

  const json::array* array(std::string_view key) {
    const auto* v = take(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      fail(key, "must be an array");
      return nullptr;
    }
    return &v->as_array();
  }

  Reader child(std::string_view key, const json::object& o) {
    return Reader(o, where(key), problems_);
  }

  void finish() {
    for (const auto& [k, v] : object_) {
      if (std::find(seen_.begin(), seen_.end(), std::string_view(k)) == seen_.end()) {
        fail(k, "is not a known setting");
      }
    }
  }

 private:
  const json::object& object_;
  std::string path_;
  std::map<std::string, std::string>& problems_;
  std::vector<std::string> seen_;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

constexpr std::string_view kEndpoints[] = {"messages", "media", "templates", "phone_numbers",
                                           "any"};

// Checks a rule however it was written; returns the reason it is wrong, or "".
std::string validate_rule(const FaultRule& r) {
  if (r.code != "accepted_timeout") {
    if (!all_digits(r.code) || r.code.size() > 9) {
      return "code must be a Meta error code, an HTTP status 500-599 or accepted_timeout";
    }
    const auto n = std::stol(r.code);
    if (n >= 500 && n <= 599 && r.mode == Delivery::async) {
      return "an HTTP " + r.code + " cannot be async";
    }
  }
  if (r.mode == Delivery::off) return "mode must be sync or async";
  if (std::find(std::begin(kEndpoints), std::end(kEndpoints), r.endpoint) == std::end(kEndpoints)) {
    return "endpoint must be messages, media, templates, phone_numbers or any";
  }
  if (r.mode == Delivery::async && r.endpoint != "messages") {
    return "only sends (endpoint messages) can fail async";
  }
  if (r.trigger == FaultRule::Trigger::rate && !(r.rate >= 0 && r.rate <= 1)) {
    return "rate must be from 0 to 1";
  }
  if ((r.trigger == FaultRule::Trigger::next || r.trigger == FaultRule::Trigger::every) &&
      r.count < 1) {
    return "next and every need a count of at least 1";
  }
  if (r.delay_ms < 0 || r.delay_ms > kMaxDelayMs) return "delay must be from 0 to 8 days in ms";
  return {};
}

FaultRule read_rule_object(Reader& r) {
  FaultRule rule;
  if (const auto* code = r.take("code"); code != nullptr) {
    if (code->is_int64()) {
      rule.code = std::to_string(code->as_int64());
    } else if (code->is_string()) {
      rule.code = std::string(code->as_string());
    } else {
      r.fail("code", "must be a number or accepted_timeout");
    }
  } else {
    r.fail("code", "is required");
  }
  r.delivery("mode", rule.mode);
  int triggers = 0;
  if (r.has("rate")) {
    ++triggers;
    rule.trigger = FaultRule::Trigger::rate;
    r.rate("rate", rule.rate);
  }
  if (r.has("next")) {
    ++triggers;
    rule.trigger = FaultRule::Trigger::next;
    r.integer("next", rule.count, 1, 1'000'000'000);
  }
  if (r.has("every")) {
    ++triggers;
    rule.trigger = FaultRule::Trigger::every;
    r.integer("every", rule.count, 1, 1'000'000'000);
  }
  bool always = false;
  r.boolean("always", always);
  if (always) ++triggers;
  if (triggers > 1) r.fail("rate", "give one of rate, next, every or always");
  r.integer("delay_ms", rule.delay_ms, 0, kMaxDelayMs);
  r.string("endpoint", rule.endpoint);
  r.string("to", rule.to);
  r.string("pnid", rule.pnid);
  r.string("type", rule.type);
  r.string("template", rule.template_name);
  r.finish();
  return rule;
}

std::vector<FaultRule> read_faults(Reader& parent, const json::array& list) {
  std::vector<FaultRule> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "faults[" + std::to_string(i) + "]";
    FaultRule rule;
    if (list[i].is_string()) {
      auto parsed = parse_fault_rule(list[i].as_string());
      if (!parsed.ok()) {
        parent.fail(key, parsed.error().message);
        continue;
      }
      rule = std::move(parsed.value());
    } else if (list[i].is_object()) {
      Reader r = parent.child(key, list[i].as_object());
      rule = read_rule_object(r);
      if (const auto why = validate_rule(rule); !why.empty() && !rule.code.empty()) {
        parent.fail(key, why);
        continue;
      }
    } else {
      parent.fail(key, "must be a rule string or a table");
      continue;
    }
    out.push_back(std::move(rule));
  }
  return out;
}

void read_latency(Reader& parent, LatencyOptions& out) {
  const auto* o = parent.object("latency");
  if (o == nullptr) return;
  Reader r = parent.child("latency", *o);
  r.dist("messages", out.messages);
  r.dist("media", out.media);
  r.dist("templates", out.templates);
  r.dist("phone_numbers", out.phone_numbers);
  r.finish();
}

void read_limits(Reader& parent, LimitOptions& out) {
  const auto* o = parent.object("limits");
  if (o == nullptr) return;
  Reader r = parent.child("limits", *o);
  r.boolean("throughput", out.throughput);
  r.boolean("pair", out.pair);
  r.integer("pair_interval_ms", out.pair_interval_ms, 1, 3'600'000);
  r.integer("pair_burst", out.pair_burst, 1, 100'000);
  r.integer("pair_burst_window_ms", out.pair_burst_window_ms, 1, 3'600'000);
  if (r.has("tier_scope")) {
    std::string s;
    r.string("tier_scope", s);
    if (s == "waba") {
      out.tier_scope = TierScope::waba;
    } else if (s == "number") {
      out.tier_scope = TierScope::number;
    } else {
      r.fail("tier_scope", "must be waba or number");
    }
  }
  r.delivery("tier_mode", out.tier_mode);
  r.integer("tier_error_code", out.tier_error_code, 1, 999'999'999);
  r.delivery("window_mode", out.window_mode);
  r.delivery("opt_out_mode", out.opt_out_mode);
  r.integer("waba_calls_per_hour", out.waba_calls_per_hour, 0, 100'000'000);
  r.finish();
}

void read_statuses(Reader& parent, StatusOptions& out) {
  const auto* o = parent.object("statuses");
  if (o == nullptr) return;
  Reader r = parent.child("statuses", *o);
  r.dist("sent", out.sent);
  r.dist("delivered", out.delivered);
  r.rate("read_rate", out.read_rate);
  r.dist("read", out.read);
  r.rate("read_immediate_rate", out.read_immediate_rate);
  r.boolean("skip_delivered_when_read_immediate", out.skip_delivered_when_read_immediate);
  r.rate("reorder_rate", out.reorder_rate);
  r.rate("duplicate_rate", out.duplicate_rate);
  r.dist("duplicate", out.duplicate);
  r.rate("failed_after_sent_rate", out.failed_after_sent_rate);
  r.rate("failed_after_delivered_rate", out.failed_after_delivered_rate);
  r.boolean("brazil_wa_id", out.brazil_wa_id);
  r.finish();
}

void read_webhooks(Reader& parent, WebhookOptions& out) {
  const auto* o = parent.object("webhooks");
  if (o == nullptr) return;
  Reader r = parent.child("webhooks", *o);
  r.string("url", out.url);
  if (!out.url.empty() && out.url.rfind("http://", 0) != 0 && out.url.rfind("https://", 0) != 0) {
    r.fail("url", "must start with http:// or https://");
  }
  r.integer("batch_max", out.batch_max, 1, static_cast<std::int64_t>(kMaxBatch));
  if (r.has("batch_shape")) {
    std::string s;
    r.string("batch_shape", s);
    if (s == "statuses") {
      out.batch_shape = BatchShape::statuses;
    } else if (s == "changes") {
      out.batch_shape = BatchShape::changes;
    } else if (s == "entries") {
      out.batch_shape = BatchShape::entries;
    } else {
      r.fail("batch_shape", "must be statuses, changes or entries");
    }
  }
  r.integer("retry_first_ms", out.retry_first_ms, 1, kMaxDelayMs);
  r.integer("retry_horizon_ms", out.retry_horizon_ms, 0, kMaxDelayMs);
  r.integer("max_in_flight", out.max_in_flight, 1, 100'000);
  r.boolean("escape_slashes", out.escape_slashes);
  r.finish();
}

void read_customers(Reader& parent, CustomerOptions& out) {
  const auto* o = parent.object("customers");
  if (o == nullptr) return;
  Reader r = parent.child("customers", *o);
  r.rate("reply_rate", out.reply_rate);
  r.rate("button_rate", out.button_rate);
  r.rate("opt_out_rate", out.opt_out_rate);
  r.rate("opt_out_via_preferences", out.opt_out_via_preferences);
  r.dist("reply_delay", out.reply_delay);
  r.finish();
  if (out.reply_rate + out.button_rate + out.opt_out_rate > 1.0 + 1e-9) {
    parent.fail("customers", "reply_rate + button_rate + opt_out_rate must not exceed 1");
  }
}

void read_template_review(Reader& parent, TemplateReviewOptions& out) {
  const auto* o = parent.object("template_review");
  if (o == nullptr) return;
  Reader r = parent.child("template_review", *o);
  r.dist("delay", out.delay);
  r.rate("reject_rate", out.reject_rate);
  r.finish();
}

bool valid_tier(std::string_view t) {
  return std::find(std::begin(kTiers), std::end(kTiers), t) != std::end(kTiers);
}

void read_number(Reader& r, NumberSpec& n) {
  r.string("id", n.id, false);
  if (!n.id.empty() && !all_digits(n.id)) r.fail("id", "must be digits");
  r.string("display_phone_number", n.display_phone_number, false);
  r.string("verified_name", n.verified_name, false);
  r.string("quality_rating", n.quality_rating, false);
  r.string("tier", n.tier, false);
  if (!valid_tier(n.tier))
    r.fail("tier", "must be TIER_250, TIER_2K, TIER_10K, TIER_100K or TIER_UNLIMITED");
  const bool mps_given = r.has("mps");
  r.integer("mps", n.mps, 1, 100'000);
  r.boolean("coexistence", n.coexistence);
  r.finish();
  // Numbers shared with the WhatsApp Business app are fixed at 20 mps.
  if (n.coexistence && !mps_given) n.mps = kCoexistenceMps;
  if (n.coexistence && n.mps != kCoexistenceMps) r.fail("mps", "a coexistence number has 20 mps");
  if (n.id.empty()) r.fail("id", "is required");
  if (n.display_phone_number.empty()) r.fail("display_phone_number", "is required");
}

void read_template(Reader& r, TemplateSpec& t) {
  r.string("id", t.id);
  if (!t.id.empty() && (!all_digits(t.id) || t.id.size() > 18)) {
    r.fail("id", "must be up to 18 digits");
  }
  r.string("name", t.name, false);
  r.string("language", t.language, false);
  r.string("category", t.category, false);
  if (t.category != "MARKETING" && t.category != "UTILITY" && t.category != "AUTHENTICATION") {
    r.fail("category", "must be MARKETING, UTILITY or AUTHENTICATION");
  }
  r.string("status", t.status, false);
  r.string("parameter_format", t.parameter_format, false);
  if (t.parameter_format != "POSITIONAL" && t.parameter_format != "NAMED") {
    r.fail("parameter_format", "must be POSITIONAL or NAMED");
  }
  r.string("quality", t.quality, false);
  if (const auto* c = r.take("components"); c != nullptr) {
    if (c->is_array()) {
      t.components = c->as_array();
    } else if (c->is_string()) {
      boost::system::error_code ec;
      auto v = json::parse(c->as_string(), ec);
      if (ec || !v.is_array()) {
        r.fail("components", "must be an array (or a JSON array in a string)");
      } else {
        t.components = std::move(v.as_array());
      }
    } else {
      r.fail("components", "must be an array (or a JSON array in a string)");
    }
  }
  r.finish();
  if (t.name.empty()) r.fail("name", "is required");
  if (t.language.empty()) r.fail("language", "is required");
}

std::vector<WabaSpec> read_wabas(Reader& parent, const json::array& list) {
  std::vector<WabaSpec> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "wabas[" + std::to_string(i) + "]";
    if (!list[i].is_object()) {
      parent.fail(key, "must be a table");
      continue;
    }
    Reader r = parent.child(key, list[i].as_object());
    WabaSpec w;
    r.string("id", w.id, false);
    if (!w.id.empty() && !all_digits(w.id)) r.fail("id", "must be digits");
    if (!r.has("id")) r.fail("id", "is required");
    r.string("name", w.name, false);
    r.string("tier", w.tier);
    if (!w.tier.empty() && !valid_tier(w.tier)) r.fail("tier", "is not a known tier");
    if (const auto* numbers = r.array("numbers"); numbers != nullptr) {
      for (std::size_t j = 0; j < numbers->size(); ++j) {
        const std::string nkey = "numbers[" + std::to_string(j) + "]";
        if (!(*numbers)[j].is_object()) {
          r.fail(nkey, "must be a table");
          continue;
        }
        Reader nr = r.child(nkey, (*numbers)[j].as_object());
        NumberSpec n;
        read_number(nr, n);
        w.numbers.push_back(std::move(n));
      }
    }
    if (const auto* templates = r.array("templates"); templates != nullptr) {
      for (std::size_t j = 0; j < templates->size(); ++j) {
        const std::string tkey = "templates[" + std::to_string(j) + "]";
        if (!(*templates)[j].is_object()) {
          r.fail(tkey, "must be a table");
          continue;
        }
        Reader tr = r.child(tkey, (*templates)[j].as_object());
        TemplateSpec t;
        read_template(tr, t);
        w.templates.push_back(std::move(t));
      }
    }
    r.finish();
    if (w.numbers.empty()) r.fail("numbers", "a WABA needs at least one number");
    out.push_back(std::move(w));
  }
  return out;
}

// Ids must be unique across everything the Graph API can look up by id.
void check_ids(SandboxOptions& o, std::map<std::string, std::string>& problems) {
  std::map<std::string, std::string> seen;  // id -> where
  std::uint64_t next_template_id = 1'000'000'000'000'101ULL;
  for (std::size_t i = 0; i < o.wabas.size(); ++i) {
    auto& w = o.wabas[i];
    const std::string wk = "wabas[" + std::to_string(i) + "]";
    if (!seen.emplace(w.id, wk).second) problems[wk + ".id"] = "is used twice";
    for (std::size_t j = 0; j < w.numbers.size(); ++j) {
      const std::string nk = wk + ".numbers[" + std::to_string(j) + "]";
      if (!seen.emplace(w.numbers[j].id, nk).second) problems[nk + ".id"] = "is used twice";
    }
    for (auto& t : w.templates) {
      if (t.id.empty()) {
        while (seen.contains(std::to_string(next_template_id)))
          ++next_template_id;
        t.id = std::to_string(next_template_id++);
      }
      seen.emplace(t.id, wk);
    }
    if (w.tier.empty()) {
      std::string best;
      for (const auto& n : w.numbers) {
        const auto l = tier_limit(n.tier);
        if (best.empty() || l == 0 || (tier_limit(best) != 0 && l > tier_limit(best)))
          best = n.tier;
      }
      w.tier = best;
    }
  }
}

Result<void> apply(SandboxOptions& options, const json::object& config, bool runtime_only) {
  SandboxOptions o = options;
  std::map<std::string, std::string> problems;
  Reader r(config, "", problems);
  r.string("access_token", o.access_token, false);
  r.string("app_secret", o.app_secret, false);
  if (runtime_only && r.has("seed")) {
    r.take("seed");
    r.fail("seed", "is fixed for a run; restart with another --seed, or POST reset");
  } else if (const auto* seed = r.take("seed"); seed != nullptr) {
    if (seed->is_int64() && seed->as_int64() >= 0) {
      o.seed = static_cast<std::uint64_t>(seed->as_int64());
    } else if (seed->is_uint64()) {
      o.seed = seed->as_uint64();
    } else {
      r.fail("seed", "must be a whole number of at least 0");
    }
  }
  r.string("public_url", o.public_url);
  r.integer("accepted_timeout_delay_ms", o.accepted_timeout_delay_ms, 0, kMaxDelayMs);
  r.integer("log_capacity", o.log_capacity, 0, static_cast<std::int64_t>(kMaxLogCapacity));
  r.integer("media_max_bytes", o.media_max_bytes, 0, std::int64_t{1} << 40);
  read_latency(r, o.latency);
  read_limits(r, o.limits);
  read_statuses(r, o.statuses);
  read_webhooks(r, o.webhooks);
  read_customers(r, o.customers);
  read_template_review(r, o.template_review);
  if (const auto* faults = r.array("faults"); faults != nullptr) o.faults = read_faults(r, *faults);
  if (r.has("wabas") && runtime_only) {
    r.take("wabas");
    r.fail("wabas", "accounts are fixed for a run; use POST quality or templates/{name}/status");
  } else if (const auto* wabas = r.array("wabas"); wabas != nullptr) {
    o.wabas = read_wabas(r, *wabas);
    if (o.wabas.empty()) r.fail("wabas", "at least one WABA is needed");
  }
  r.finish();
  if (problems.empty()) check_ids(o, problems);
  if (!problems.empty()) {
    std::string message = "The sandbox configuration is invalid:";
    for (const auto& [k, v] : problems)
      message += " " + k + " " + v + ";";
    message.pop_back();
    Error e = make_error(Errc::invalid_argument, std::move(message), "invalid_config");
    e.details = std::move(problems);
    return e;
  }
  options = std::move(o);
  return {};
}

json::object dist_json(const Dist& d) {
  return {
      {"median_ms", d.median_ms}, {"sigma", d.sigma}, {"min_ms", d.min_ms}, {"max_ms", d.max_ms}};
}

std::string_view shape_name(BatchShape s) {
  switch (s) {
    case BatchShape::statuses:
      return "statuses";
    case BatchShape::changes:
      return "changes";
    case BatchShape::entries:
      return "entries";
  }
  return "statuses";
}

}  // namespace

std::string_view delivery_name(Delivery d) {
  switch (d) {
    case Delivery::sync:
      return "sync";
    case Delivery::async:
      return "async";
    case Delivery::off:
      return "off";
  }
  return "off";
}

std::int64_t tier_limit(std::string_view tier) {
  if (tier == "TIER_250") return 250;
  if (tier == "TIER_1K") return 1'000;
  if (tier == "TIER_2K") return 2'000;
  if (tier == "TIER_10K") return 10'000;
  if (tier == "TIER_100K") return 100'000;
  if (tier == "TIER_UNLIMITED") return 0;
  return -1;
}

Result<FaultRule> parse_fault_rule(std::string_view text) {
  FaultRule rule;
  std::vector<std::string> words;
  {
    std::istringstream in{std::string(text)};
    std::string w;
    while (in >> w)
      words.push_back(w);
  }
  const auto bad = [&](const std::string& why) -> Error {
    return make_error(Errc::invalid_argument, "fault rule \"" + std::string(text) + "\": " + why,
                      "invalid_fault_rule");
  };
  if (words.empty()) return bad("is empty");
  rule.code = words[0];
  int triggers = 0;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto& w = words[i];
    const auto eq = w.find('=');
    const std::string key = w.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : w.substr(eq + 1);
    const auto count = [&]() -> std::optional<std::int64_t> {
      if (!all_digits(value) || value.size() > 12) return std::nullopt;
      return std::stoll(value);
    };
    if (eq == std::string::npos) {
      if (key == "sync") {
        rule.mode = Delivery::sync;
      } else if (key == "async") {
        rule.mode = Delivery::async;
      } else if (key == "always") {
        rule.trigger = FaultRule::Trigger::always;
        ++triggers;
      } else {
        return bad("unknown word \"" + key + "\"");
      }
    } else if (key == "rate") {
      char* end = nullptr;
      rule.rate = std::strtod(value.c_str(), &end);
      if (value.empty() || end == nullptr || *end != '\0') return bad("rate must be a number");
      rule.trigger = FaultRule::Trigger::rate;
      ++triggers;
    } else if (key == "next" || key == "every") {
      const auto n = count();
      if (!n) return bad(key + " must be a whole number");
      rule.count = *n;
      rule.trigger = key == "next" ? FaultRule::Trigger::next : FaultRule::Trigger::every;
      ++triggers;
    } else if (key == "delay") {
      const auto n = count();
      if (!n) return bad("delay must be milliseconds");
      rule.delay_ms = *n;
    } else if (key == "endpoint") {
      rule.endpoint = value;
    } else if (key == "to") {
      rule.to = value;
    } else if (key == "pnid") {
      rule.pnid = value;
    } else if (key == "type") {
      rule.type = value;
    } else if (key == "template") {
      rule.template_name = value;
    } else {
      return bad("unknown key \"" + key + "\"");
    }
  }
  if (triggers > 1) return bad("give one of rate=, next=, every= or always");
  if (const auto why = validate_rule(rule); !why.empty()) return bad(why);
  return rule;
}

std::string fault_rule_text(const FaultRule& r) {
  std::ostringstream out;
  out << r.code;
  if (r.code != "accepted_timeout") out << ' ' << delivery_name(r.mode);
  switch (r.trigger) {
    case FaultRule::Trigger::rate:
      out << " rate=" << r.rate;
      break;
    case FaultRule::Trigger::next:
      out << " next=" << r.count;
      break;
    case FaultRule::Trigger::every:
      out << " every=" << r.count;
      break;
    case FaultRule::Trigger::always:
      out << " always";
      break;
  }
  if (r.delay_ms > 0) out << " delay=" << r.delay_ms;
  if (r.endpoint != "messages") out << " endpoint=" << r.endpoint;
  if (!r.to.empty()) out << " to=" << r.to;
  if (!r.pnid.empty()) out << " pnid=" << r.pnid;
  if (!r.type.empty()) out << " type=" << r.type;
  if (!r.template_name.empty()) out << " template=" << r.template_name;
  return out.str();
}

std::vector<WabaSpec> SandboxOptions::default_wabas() {
  WabaSpec w;
  w.id = "100000000000001";
  w.name = "Kirim Sandbox";
  NumberSpec main;
  main.id = "100000000000011";
  main.display_phone_number = "+1 555-000-0001";
  main.tier = "TIER_10K";
  main.mps = 80;
  NumberSpec small;
  small.id = "100000000000012";
  small.display_phone_number = "+1 555-000-0002";
  small.verified_name = "Kirim Sandbox Support";
  small.tier = "TIER_250";
  small.mps = 80;
  w.numbers = {main, small};
  w.tier = "TIER_10K";

  TemplateSpec hello;
  hello.id = "1000000000000101";
  hello.name = "hello_world";
  hello.language = "en_US";
  hello.category = "UTILITY";
  hello.components = parse_array(R"([
    {"type":"HEADER","format":"TEXT","text":"Hello World"},
    {"type":"BODY","text":"Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API. Thank you for taking the time to test with us."},
    {"type":"FOOTER","text":"WhatsApp Business Platform sample message"}])");

  TemplateSpec order;
  order.id = "1000000000000102";
  order.name = "order_update";
  order.language = "en_US";
  order.category = "UTILITY";
  order.components = parse_array(R"([
    {"type":"BODY","text":"Your order {{1}} is on its way. Track it with the button below.",
     "example":{"body_text":[["#1001"]]}},
    {"type":"BUTTONS","buttons":[{"type":"URL","text":"Track order",
     "url":"https://shop.example.com/track/{{1}}","example":["https://shop.example.com/track/1001"]}]}])");

  TemplateSpec promo;
  promo.id = "1000000000000103";
  promo.name = "promo_offer";
  promo.language = "en_US";
  promo.category = "MARKETING";
  promo.components = parse_array(R"([
    {"type":"HEADER","format":"IMAGE","example":{"header_handle":["https://shop.example.com/promo.jpg"]}},
    {"type":"BODY","text":"Hi {{1}}, enjoy {{2}} off everything this week!",
     "example":{"body_text":[["Ana","20%"]]}},
    {"type":"FOOTER","text":"Tap Stop promotions to opt out"},
    {"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"Yes please"},
                                 {"type":"QUICK_REPLY","text":"Stop promotions"}]}])");

  TemplateSpec welcome;
  welcome.id = "1000000000000104";
  welcome.name = "welcome_named";
  welcome.language = "en_US";
  welcome.category = "UTILITY";
  welcome.parameter_format = "NAMED";
  welcome.components = parse_array(R"([
    {"type":"BODY","text":"Welcome, {{first_name}}! Your member number is {{member_id}}.",
     "example":{"body_text_named_params":[{"param_name":"first_name","example":"Ana"},
                                          {"param_name":"member_id","example":"K-1001"}]}}])");
  w.templates = {hello, order, promo, welcome};
  return {w};
}

std::vector<FaultRule> SandboxOptions::default_faults() {
  FaultRule r;
  r.code = "131026";
  r.mode = Delivery::async;
  r.trigger = FaultRule::Trigger::rate;
  r.rate = 0.01;
  return {r};
}

Result<void> apply_sandbox_config(SandboxOptions& options, const json::object& config,
                                  bool runtime_only) {
  return apply(options, config, runtime_only);
}

Result<SandboxOptions> load_sandbox_options(const std::string& toml_path) {
  SandboxOptions options;
  if (toml_path.empty()) return options;
  toml::table tbl;
  try {
    tbl = toml::parse_file(toml_path);
  } catch (const toml::parse_error& e) {
    return make_error(Errc::invalid_argument, toml_path + ": " + std::string(e.description()),
                      "invalid_config");
  }
  const auto* sandbox = tbl["sandbox"].as_table();
  if (sandbox == nullptr) return options;
  // One reader for both sources: the table goes through toml++'s JSON formatter.
  std::ostringstream text;
  text << toml::json_formatter{*sandbox};
  boost::system::error_code ec;
  auto value = json::parse(text.str(), ec);
  if (ec || !value.is_object()) {
    return make_error(Errc::invalid_argument, toml_path + ": [sandbox] could not be read",
                      "invalid_config");
  }
  auto applied = apply(options, value.as_object(), false);
  if (!applied.ok()) {
    Error e = std::move(applied).error();
    std::map<std::string, std::string> details;
    for (auto& [k, v] : e.details)
      details["sandbox." + k] = v;
    std::string message = toml_path + ": [sandbox] is invalid:";
    for (const auto& [k, v] : details)
      message += " " + k + " " + v + ";";
    message.pop_back();
    e.message = std::move(message);
    e.details = std::move(details);
    return e;
  }
  return options;
}

json::object sandbox_options_json(const SandboxOptions& o) {
  json::array faults;
  for (const auto& f : o.faults)
    faults.emplace_back(fault_rule_text(f));
  json::array wabas;
  for (const auto& w : o.wabas) {
    json::array numbers;
    for (const auto& n : w.numbers) {
      numbers.push_back(json::object{{"id", n.id},
                                     {"display_phone_number", n.display_phone_number},
                                     {"verified_name", n.verified_name},
                                     {"quality_rating", n.quality_rating},
                                     {"tier", n.tier},
                                     {"mps", n.mps},
                                     {"coexistence", n.coexistence}});
    }
    json::array templates;
    for (const auto& t : w.templates) {
      templates.push_back(json::object{{"id", t.id},
                                       {"name", t.name},
                                       {"language", t.language},
                                       {"category", t.category},
                                       {"status", t.status},
                                       {"parameter_format", t.parameter_format},
                                       {"quality", t.quality},
                                       {"components", t.components}});
    }
    wabas.push_back(json::object{{"id", w.id},
                                 {"name", w.name},
                                 {"tier", w.tier},
                                 {"numbers", std::move(numbers)},
                                 {"templates", std::move(templates)}});
  }
  const auto& l = o.limits;
  const auto& s = o.statuses;
  const auto& wh = o.webhooks;
  const auto& c = o.customers;
  return {
      {"access_token", o.access_token},
      {"app_secret", o.app_secret},
      {"seed", o.seed},
      {"public_url", o.public_url},
      {"accepted_timeout_delay_ms", o.accepted_timeout_delay_ms},
      {"log_capacity", o.log_capacity},
      {"media_max_bytes", o.media_max_bytes},
      {"latency",
       {{"messages", dist_json(o.latency.messages)},
        {"media", dist_json(o.latency.media)},
        {"templates", dist_json(o.latency.templates)},
        {"phone_numbers", dist_json(o.latency.phone_numbers)}}},
      {"limits",
       {{"throughput", l.throughput},
        {"pair", l.pair},
        {"pair_interval_ms", l.pair_interval_ms},
        {"pair_burst", l.pair_burst},
        {"pair_burst_window_ms", l.pair_burst_window_ms},
        {"tier_scope", l.tier_scope == TierScope::waba ? "waba" : "number"},
        {"tier_mode", delivery_name(l.tier_mode)},
        {"tier_error_code", l.tier_error_code},
        {"window_mode", delivery_name(l.window_mode)},
        {"opt_out_mode", delivery_name(l.opt_out_mode)},
        {"waba_calls_per_hour", l.waba_calls_per_hour}}},
      {"statuses",
       {{"sent", dist_json(s.sent)},
        {"delivered", dist_json(s.delivered)},
        {"read_rate", s.read_rate},
        {"read", dist_json(s.read)},
        {"read_immediate_rate", s.read_immediate_rate},
        {"skip_delivered_when_read_immediate", s.skip_delivered_when_read_immediate},
        {"reorder_rate", s.reorder_rate},
        {"duplicate_rate", s.duplicate_rate},
        {"duplicate", dist_json(s.duplicate)},
        {"failed_after_sent_rate", s.failed_after_sent_rate},
        {"failed_after_delivered_rate", s.failed_after_delivered_rate},
        {"brazil_wa_id", s.brazil_wa_id}}},
      {"webhooks",
       {{"url", wh.url},
        {"batch_max", wh.batch_max},
        {"batch_shape", shape_name(wh.batch_shape)},
        {"retry_first_ms", wh.retry_first_ms},
        {"retry_horizon_ms", wh.retry_horizon_ms},
        {"max_in_flight", wh.max_in_flight},
        {"escape_slashes", wh.escape_slashes}}},
      {"customers",
       {{"reply_rate", c.reply_rate},
        {"button_rate", c.button_rate},
        {"opt_out_rate", c.opt_out_rate},
        {"opt_out_via_preferences", c.opt_out_via_preferences},
        {"reply_delay", dist_json(c.reply_delay)}}},
      {"template_review",
       {{"delay", dist_json(o.template_review.delay)},
        {"reject_rate", o.template_review.reject_rate}}},
      {"faults", std::move(faults)},
      {"wabas", std::move(wabas)},
  };
}

}  // namespace kirim::whatsapp::sandbox
