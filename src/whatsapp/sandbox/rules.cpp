#include "whatsapp/sandbox/rules.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

#include <boost/json/array.hpp>

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

// Meta's limit on a template body once its variables are filled in (132005 beyond it).
constexpr std::size_t kMaxFilledBody = 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string_view str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A send's component of a type ("body"), and for buttons of an index.
const json::object* find_component(const json::array* components, std::string_view type,
                                   int index = -1) {
  if (components == nullptr) return nullptr;
  for (const auto& c : *components) {
    if (!c.is_object()) continue;
    const auto& o = c.as_object();
    if (lower(str(o, "type")) != type) continue;
    if (index >= 0) {
      const auto* i = o.if_contains("index");
      int n = -1;
      if (i != nullptr && i->is_string()) {
        const auto s = std::string(i->as_string());
        if (!s.empty() &&
            std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
            s.size() < 4) {
          n = std::stoi(s);
        }
      } else if (i != nullptr && i->is_int64()) {
        n = static_cast<int>(i->as_int64());
      }
      if (n != index) continue;
    }
    return &o;
  }
  return nullptr;
}

const json::array* params_of(const json::object* component) {
  if (component == nullptr) return nullptr;
  const auto* p = component->if_contains("parameters");
  return p != nullptr && p->is_array() ? &p->as_array() : nullptr;
}

std::size_t count(const json::array* a) {
  return a == nullptr ? 0 : a->size();
}

// The text a parameter puts into the message, for the filled-length check.
std::string param_text(const json::object& p) {
  const auto type = str(p, "type");
  if (type == "text") return std::string(str(p, "text"));
  for (const char* key : {"currency", "date_time"}) {
    if (type == key) {
      if (const auto* o = p.if_contains(key); o != nullptr && o->is_object()) {
        return std::string(str(o->as_object(), "fallback_value"));
      }
    }
  }
  return {};
}

TemplateCheck problem(int code, std::string details) {
  TemplateCheck c;
  c.code = code;
  c.details = std::move(details);
  return c;
}

}  // namespace

// --- Rng -----------------------------------------------------------------------------------------

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Rng::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

bool Rng::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return uniform() < p;
}

double Rng::normal() {
  const double u1 = 1.0 - uniform();  // (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::int64_t Rng::sample(const Dist& d) {
  double v = static_cast<double>(d.median_ms);
  if (d.sigma > 0 && d.median_ms > 0) v *= std::exp(d.sigma * normal());
  v = std::clamp(v, static_cast<double>(d.min_ms), static_cast<double>(d.max_ms));
  return std::llround(v);
}

std::uint64_t Rng::below(std::uint64_t n) {
  return n == 0 ? 0 : next() % n;
}

std::string Rng::hex(std::size_t n, bool upper_case) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  std::string out(n, '0');
  for (auto& c : out)
    c = (upper_case ? kUpper : kLower)[next() & 0xf];
  return out;
}

std::string Rng::digits(std::size_t n) {
  std::string out(n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<char>('0' + (i == 0 ? 1 + below(9) : below(10)));
  }
  return out;
}

// --- TokenBucket ---------------------------------------------------------------------------------

void TokenBucket::refill(std::int64_t now_ms, int per_second) {
  const std::int64_t cap = std::int64_t{per_second} * 1000;
  if (milli_ < 0) {
    milli_ = cap;
    last_ms_ = now_ms;
    return;
  }
  if (now_ms > last_ms_) {
    // per_second messages a second is per_second thousandths a millisecond.
    milli_ += (now_ms - last_ms_) * per_second;
    last_ms_ = now_ms;
  }
  milli_ = std::min(milli_, cap);
}

bool TokenBucket::take(std::int64_t now_ms, int per_second) {
  refill(now_ms, per_second);
  if (milli_ < 1000) return false;
  milli_ -= 1000;
  return true;
}

void TokenBucket::take_if_any(std::int64_t now_ms, int per_second) {
  (void)take(now_ms, per_second);
}

double TokenBucket::available(std::int64_t now_ms, int per_second) {
  refill(now_ms, per_second);
  return static_cast<double>(milli_) / 1000.0;
}

// --- PairLimiter ---------------------------------------------------------------------------------

bool PairLimiter::take(const std::string& recipient, std::int64_t now_ms, const LimitOptions& o) {
  auto& p = pairs_[recipient];
  if (now_ms >= p.paid_until_ms) {
    p.burst_start_ms = now_ms;
    p.burst_count = 1;
    p.paid_until_ms = now_ms + o.pair_interval_ms;
    return true;
  }
  if (now_ms - p.burst_start_ms < o.pair_burst_window_ms && p.burst_count < o.pair_burst) {
    ++p.burst_count;
    p.paid_until_ms += o.pair_interval_ms;
    return true;
  }
  return false;
}

std::size_t PairLimiter::sweep(std::int64_t now_ms) {
  return std::erase_if(pairs_,
                       [now_ms](const auto& kv) { return kv.second.paid_until_ms <= now_ms; });
}

// --- TierCounter ---------------------------------------------------------------------------------

void TierCounter::expire(std::int64_t now_ms) {
  while (!order_.empty() && order_.front().first <= now_ms - kWindowMs) {
    auto it = last_.find(order_.front().second);
    if (it != last_.end() && it->second == order_.front().first) last_.erase(it);
    order_.pop_front();
  }
}

bool TierCounter::admit(const std::string& recipient, std::int64_t now_ms, std::int64_t cap) {
  if (cap == 0) return true;
  expire(now_ms);
  auto it = last_.find(recipient);
  if (it == last_.end() && cap > 0 && static_cast<std::int64_t>(last_.size()) >= cap) {
    return false;
  }
  last_[recipient] = now_ms;
  order_.emplace_back(now_ms, recipient);
  return true;
}

std::size_t TierCounter::count(std::int64_t now_ms) {
  expire(now_ms);
  return last_.size();
}

void TierCounter::clear() {
  last_.clear();
  order_.clear();
}

// --- FaultSet ------------------------------------------------------------------------------------

void FaultSet::set(std::vector<FaultRule> rules) {
  std::lock_guard lock(mu_);
  rules_.clear();
  for (auto& r : rules)
    rules_.push_back(Entry{std::move(r)});
}

std::optional<FaultRule> FaultSet::pick(const FaultContext& c, bool acceptance, Rng& rng) {
  std::lock_guard lock(mu_);
  for (auto& e : rules_) {
    const auto& r = e.rule;
    const bool is_acceptance = r.code == "accepted_timeout" || r.mode == Delivery::async;
    if (is_acceptance != acceptance) continue;
    if (r.endpoint != "any" && r.endpoint != c.endpoint) continue;
    if (!r.pnid.empty() && r.pnid != c.pnid) continue;
    if (!r.to.empty() && r.to != c.to) continue;
    if (!r.type.empty() && r.type != c.type) continue;
    if (!r.template_name.empty() && r.template_name != c.template_name) continue;
    ++e.matched;
    bool fires = false;
    switch (r.trigger) {
      case FaultRule::Trigger::always:
        fires = true;
        break;
      case FaultRule::Trigger::rate:
        fires = rng.chance(r.rate);
        break;
      case FaultRule::Trigger::next:
        fires = e.fired < r.count;
        break;
      case FaultRule::Trigger::every:
        fires = e.matched % r.count == 0;
        break;
    }
    if (fires) {
      ++e.fired;
      return r;
    }
  }
  return std::nullopt;
}

json::array FaultSet::state() const {
  std::lock_guard lock(mu_);
  json::array out;
  for (const auto& e : rules_) {
    out.push_back(json::object{
        {"rule", fault_rule_text(e.rule)}, {"matched", e.matched}, {"fired", e.fired}});
  }
  return out;
}

// --- Templates -----------------------------------------------------------------------------------

std::vector<std::string> template_variables(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = text.find("{{", i)) != std::string_view::npos) {
    const auto end = text.find("}}", i + 2);
    if (end == std::string_view::npos) break;
    std::string name(text.substr(i + 2, end - i - 2));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));
    }
    i = end + 2;
  }
  return out;
}

TemplateCheck check_template_send(const TemplateSpec& spec, const json::object& sent) {
  const json::array* components = nullptr;
  if (const auto* c = sent.if_contains("components"); c != nullptr) {
    if (!c->is_array()) return problem(100, "components must be an array");
    components = &c->as_array();
  }
  const bool named = spec.parameter_format == "NAMED";
  TemplateCheck ok;
  std::string body_text;

  // The template's own components.
  const json::object* t_header = nullptr;
  const json::object* t_body = nullptr;
  const json::array* t_buttons = nullptr;
  for (const auto& c : spec.components) {
    if (!c.is_object()) continue;
    const auto& o = c.as_object();
    const auto type = upper(str(o, "type"));
    if (type == "HEADER") t_header = &o;
    if (type == "BODY") t_body = &o;
    if (type == "BUTTONS") {
      if (const auto* b = o.if_contains("buttons"); b != nullptr && b->is_array()) {
        t_buttons = &b->as_array();
      }
    }
  }

  // Header: a text header with a variable takes one text parameter; a media header one media.
  const auto* s_header = params_of(find_component(components, "header"));
  if (t_header != nullptr) {
    const auto format = upper(str(*t_header, "format").empty() ? "TEXT" : str(*t_header, "format"));
    if (format == "TEXT") {
      const auto vars = template_variables(str(*t_header, "text"));
      if (count(s_header) != vars.size()) {
        return problem(132000, "header: expected " + std::to_string(vars.size()) +
                                   " parameter(s), received " + std::to_string(count(s_header)));
      }
    } else if (format == "IMAGE" || format == "VIDEO" || format == "DOCUMENT" ||
               format == "LOCATION") {
      if (count(s_header) != 1) {
        return problem(132000, "header: expected 1 " + lower(format) + " parameter, received " +
                                   std::to_string(count(s_header)));
      }
      const auto& p = (*s_header)[0];
      if (!p.is_object() || str(p.as_object(), "type") != lower(format)) {
        return problem(132012, "header: the parameter must be of type " + lower(format));
      }
    }
  } else if (count(s_header) > 0) {
    return problem(132000, "header: the template has no header parameters");
  }

  // Body.
  const auto* s_body = params_of(find_component(components, "body"));
  if (t_body != nullptr) {
    body_text = std::string(str(*t_body, "text"));
    const auto vars = template_variables(body_text);
    if (count(s_body) != vars.size()) {
      return problem(132000, "body: expected " + std::to_string(vars.size()) +
                                 " parameter(s), received " + std::to_string(count(s_body)));
    }
    for (std::size_t i = 0; i < count(s_body); ++i) {
      const auto& pv = (*s_body)[i];
      if (!pv.is_object()) return problem(100, "body: each parameter must be an object");
      const auto& p = pv.as_object();
      const auto type = str(p, "type");
      if (type != "text" && type != "currency" && type != "date_time") {
        return problem(132012, "body: parameter " + std::to_string(i + 1) +
                                   " must be text, currency or date_time");
      }
      if (type == "text" && str(p, "text").empty()) {
        return problem(131008, "body: parameter " + std::to_string(i + 1) + " has no text");
      }
      std::string var;
      if (named) {
        const auto name = str(p, "parameter_name");
        if (name.empty()) return problem(100, "Parameter name is missing or empty");
        if (std::find(vars.begin(), vars.end(), name) == vars.end()) {
          return problem(132000, "body: the template has no parameter named " + std::string(name));
        }
        var = "{{" + std::string(name) + "}}";
      } else {
        var = "{{" + std::to_string(i + 1) + "}}";
      }
      const auto value = param_text(p);
      for (std::size_t at = body_text.find(var); at != std::string::npos;
           at = body_text.find(var, at + value.size())) {
        body_text.replace(at, var.size(), value);
      }
    }
    if (code_points(body_text) > kMaxFilledBody) {
      return problem(132005, "body: " + std::to_string(code_points(body_text)) +
                                 " characters once filled in; at most 1024");
    }
  } else if (count(s_body) > 0) {
    return problem(132000, "body: the template has no body parameters");
  }

  // Buttons: a URL with a variable and a copy-code button each need their parameter; quick
  // replies may carry a payload.
  const std::size_t n_buttons = t_buttons == nullptr ? 0 : t_buttons->size();
  if (components != nullptr) {
    for (const auto& c : *components) {
      if (!c.is_object() || lower(str(c.as_object(), "type")) != "button") continue;
      bool found = false;
      for (std::size_t i = 0; i < n_buttons && !found; ++i) {
        found = find_component(components, "button", static_cast<int>(i)) == &c.as_object();
      }
      if (!found) return problem(132000, "button: no button of the template has that index");
    }
  }
  for (std::size_t i = 0; i < n_buttons; ++i) {
    if (!(*t_buttons)[i].is_object()) continue;
    const auto& b = (*t_buttons)[i].as_object();
    const auto type = upper(str(b, "type"));
    const auto* s_params = params_of(find_component(components, "button", static_cast<int>(i)));
    if (type == "URL") {
      const std::size_t need = template_variables(str(b, "url")).size();
      if (count(s_params) != need) {
        return problem(132000, "button " + std::to_string(i) + ": expected " +
                                   std::to_string(need) + " parameter(s), received " +
                                   std::to_string(count(s_params)));
      }
    } else if (type == "COPY_CODE" || type == "OTP") {
      if (count(s_params) != 1) {
        return problem(132000, "button " + std::to_string(i) + ": expected 1 parameter");
      }
    } else if (type == "QUICK_REPLY") {
      QuickReply q;
      q.text = std::string(str(b, "text"));
      q.payload = q.text;
      if (count(s_params) == 1 && (*s_params)[0].is_object()) {
        const auto payload = str((*s_params)[0].as_object(), "payload");
        if (!payload.empty()) q.payload = std::string(payload);
      } else if (count(s_params) > 1) {
        return problem(132000, "button " + std::to_string(i) + ": expected at most 1 parameter");
      }
      ok.quick_replies.push_back(std::move(q));
    }
  }
  return ok;
}

}  // namespace kirim::whatsapp::sandbox
