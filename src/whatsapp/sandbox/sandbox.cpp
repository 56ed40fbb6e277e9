#include "whatsapp/sandbox/sandbox.h"

#include <algorithm>

#include "whatsapp/sandbox/state.h"

namespace kirim::whatsapp::sandbox {

namespace json = boost::json;

std::string digits_of(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

http::Response json_response(int status, std::string body) {
  return http::Response::json(status, std::move(body));
}

std::string seconds_string(std::int64_t ms) {
  return std::to_string(ms / 1000);
}

// --- Impl: construction and configuration --------------------------------------------------------

Impl::Impl(const Clock& clock, SandboxOptions options, WebhookPoster poster)
    : clock_(clock),
      scheduler_(clock),
      outbox_(clock, scheduler_, std::move(poster)),
      rng_(options.seed) {
  faults_.set(options.faults);
  build_accounts(options);
  config_ = std::make_shared<const SandboxOptions>(std::move(options));
  outbox_.on_attempt([this](const WebhookDelivery& d, int status) {
    json::object e{{"at_ms", clock_.now_ms()}, {"kind", "webhook"},    {"url", d.url},
                   {"status", status},         {"attempt", d.attempt}, {"items", d.items}};
    if (status == -1) e["note"] = "no webhook URL is configured";
    if (d.body.size() > kMaxLoggedBody) {
      e["body"] = d.body.substr(0, kMaxLoggedBody);
      e["body_truncated"] = true;
    } else {
      e["body"] = d.body;
    }
    log(std::move(e));
  });
}

Impl::~Impl() {
  scheduler_.stop();
}

void Impl::build_accounts(const SandboxOptions& o) {
  for (const auto& w : o.wabas) {
    auto ws = std::make_unique<WabaState>();
    ws->id = w.id;
    ws->name = w.name;
    ws->tier = w.tier;
    ws->templates = w.templates;
    for (const auto& n : w.numbers) {
      auto ns = std::make_unique<NumberState>();
      ns->id = n.id;
      ns->waba_id = w.id;
      ns->digits = digits_of(n.display_phone_number);
      ns->spec = n;
      ws->numbers.push_back(ns.get());
      numbers_.emplace(n.id, std::move(ns));
    }
    wabas_.emplace(w.id, std::move(ws));
  }
}

std::shared_ptr<const SandboxOptions> Impl::cfg() const {
  std::lock_guard lock(config_mu_);
  return config_;
}

Result<json::object> Impl::configure(const json::object& changes) {
  auto next = std::make_shared<SandboxOptions>(*cfg());
  KIRIM_TRY(apply_sandbox_config(*next, changes, true));
  if (changes.contains("faults")) faults_.set(next->faults);
  {
    std::lock_guard lock(log_mu_);
    while (log_.size() > next->log_capacity)
      log_.pop_front();
  }
  auto out = sandbox_options_json(*next);
  {
    std::lock_guard lock(config_mu_);
    config_ = std::move(next);
  }
  scheduler_.wake();
  return out;
}

Rng Impl::request_rng() {
  std::lock_guard lock(rng_mu_);
  return Rng(rng_());
}

void Impl::reset() {
  const auto c = cfg();
  scheduler_.clear();
  outbox_.clear();
  faults_.set(c->faults);
  for (const auto& w : c->wabas) {
    auto* ws = waba(w.id);
    if (ws == nullptr) continue;
    {
      std::unique_lock lock(ws->templates_mu);
      ws->templates = w.templates;
    }
    std::lock_guard lock(ws->mu);
    ws->tier = w.tier;
    ws->tier_counter.clear();
    ws->opted_out.clear();
    ws->quota_calls = 0;
    ws->quota_window_start_ms = 0;
    for (const auto& n : w.numbers) {
      auto* ns = number(n.id);
      if (ns == nullptr) continue;
      std::lock_guard nlock(ns->mu);
      ns->spec = n;
      ns->bucket = TokenBucket{};
      ns->pairs.clear();
      ns->tier.clear();
      ns->last_inbound.clear();
      ns->accepted = 0;
      ns->refused = 0;
    }
  }
  {
    std::lock_guard lock(media_mu_);
    media_.clear();
    media_order_.clear();
    media_bytes_ = 0;
  }
  {
    std::lock_guard lock(errors_mu_);
    errors_.clear();
  }
  {
    std::lock_guard lock(log_mu_);
    log_.clear();
  }
  counters_.requests = 0;
  counters_.accepted = 0;
  counters_.statuses = 0;
  counters_.inbound = 0;
  counters_.template_events = 0;
  std::lock_guard lock(rng_mu_);
  rng_.seed(c->seed);
}

std::size_t Impl::run_due() {
  const auto ran = scheduler_.run_due();
  const auto now = clock_.now_ms();
  if (now - last_sweep_ms_.load() >= kPairSweepEveryMs) {
    last_sweep_ms_ = now;
    for (auto& [id, n] : numbers_) {
      std::lock_guard lock(n->mu);
      n->pairs.sweep(now);
      std::erase_if(n->last_inbound,
                    [now](const auto& kv) { return kv.second <= now - kWindowMs; });
    }
  }
  const auto c = cfg();
  outbox_.flush(c->webhooks, c->app_secret);
  return ran;
}

NumberState* Impl::number(std::string_view id) const {
  auto it = numbers_.find(id);
  return it == numbers_.end() ? nullptr : it->second.get();
}

WabaState* Impl::waba(std::string_view id) const {
  auto it = wabas_.find(id);
  return it == wabas_.end() ? nullptr : it->second.get();
}

void Impl::answer(const http::Reply& reply, http::Response response, std::int64_t delay_ms) {
  if (delay_ms <= 0) {
    reply(std::move(response));
    return;
  }
  struct Pending {
    http::Reply reply;
    http::Response response;
  };
  auto p = std::make_shared<Pending>(Pending{reply, std::move(response)});
  auto send = [p] { p->reply(std::move(p->response)); };
  scheduler_.at(clock_.now_ms() + delay_ms, send, send, true);
}

void Impl::log(json::object entry) {
  const auto capacity = cfg()->log_capacity;
  if (capacity == 0) return;
  std::lock_guard lock(log_mu_);
  log_.push_back(std::move(entry));
  while (log_.size() > capacity)
    log_.pop_front();
}

void Impl::count_error(int code) {
  std::lock_guard lock(errors_mu_);
  ++errors_[code];
}

std::string Impl::wa_id_for(std::string_view to) const {
  // Brazilian mobile numbers registered before the ninth digit keep their old id.
  if (cfg()->statuses.brazil_wa_id && to.size() == 13 && to.substr(0, 2) == "55" && to[4] == '9') {
    std::string out(to);
    out.erase(4, 1);
    return out;
  }
  return std::string(to);
}

std::string Impl::base_url(const http::Request& req) const {
  const auto c = cfg();
  if (!c->public_url.empty()) {
    auto url = c->public_url;
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    return url;
  }
  const auto host = req.header("host");
  return std::string(req.tls ? "https://" : "http://") +
         std::string(host.empty() ? "127.0.0.1" : host) + prefix_;
}

json::array Impl::log_json(std::size_t limit) const {
  std::lock_guard lock(log_mu_);
  json::array out;
  for (auto it = log_.rbegin(); it != log_.rend() && out.size() < limit; ++it)
    out.push_back(*it);
  return out;
}

// --- Sandbox -------------------------------------------------------------------------------------

Sandbox::Sandbox(const Clock& clock, SandboxOptions options, WebhookPoster poster)
    : impl_(std::make_shared<Impl>(clock, std::move(options), std::move(poster))) {
  impl_->outbox_.set_owner(impl_);
}

Sandbox::~Sandbox() {
  stop();
}

void Sandbox::register_routes(http::Router& router, const std::string& prefix) {
  std::string p = prefix;
  while (!p.empty() && p.back() == '/')
    p.pop_back();
  impl_->prefix_ = p;
  // Admin routes first: the router takes the first match, and /_sandbox/state has the shape of
  // the Graph's /{version}/{id}.
  impl_->register_admin(router, p);
  impl_->register_graph(router, p);
}

void Sandbox::register_metrics(metrics::Registry& registry) {
  auto impl = impl_;
  registry.counter_fn("kirim_sandbox_requests_total", "Graph API requests the sandbox received",
                      [impl] {
                        return std::vector<std::pair<metrics::Labels, double>>{
                            {{}, static_cast<double>(impl->counters_.requests.load())}};
                      });
  registry.counter_fn("kirim_sandbox_messages_accepted_total", "Sends the sandbox accepted",
                      [impl] {
                        return std::vector<std::pair<metrics::Labels, double>>{
                            {{}, static_cast<double>(impl->counters_.accepted.load())}};
                      });
  registry.counter_fn("kirim_sandbox_errors_total", "Refusals and failures by Meta error code",
                      [impl] {
                        std::vector<std::pair<metrics::Labels, double>> out;
                        std::lock_guard lock(impl->errors_mu_);
                        for (const auto& [code, n] : impl->errors_) {
                          out.push_back({{{"code", std::to_string(code)}}, static_cast<double>(n)});
                        }
                        return out;
                      });
  registry.counter_fn("kirim_sandbox_webhook_posts_total", "Webhook POSTs by outcome", [impl] {
    const auto s = impl->outbox_.stats();
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"outcome", "delivered"}}, static_cast<double>(s.delivered)},
        {{{"outcome", "retried"}}, static_cast<double>(s.retried)},
        {{{"outcome", "given_up"}}, static_cast<double>(s.given_up)},
        {{{"outcome", "unsent"}}, static_cast<double>(s.unsent)}};
  });
  registry.gauge("kirim_sandbox_scheduled", "Delayed answers, webhooks and replies waiting",
                 [impl] {
                   return std::vector<std::pair<metrics::Labels, double>>{
                       {{}, static_cast<double>(impl->scheduler_.pending())}};
                 });
  registry.gauge("kirim_sandbox_webhooks_in_flight", "Webhook POSTs awaiting an answer", [impl] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(impl->outbox_.stats().in_flight)}};
  });
}

void Sandbox::start() {
  auto* impl = impl_.get();
  impl_->scheduler_.start([impl] { impl->run_due(); });
}

void Sandbox::stop() {
  impl_->scheduler_.stop();
}

std::size_t Sandbox::run_due() {
  return impl_->run_due();
}

SandboxOptions Sandbox::options() const {
  return *impl_->cfg();
}

Result<json::object> Sandbox::configure(const json::object& changes) {
  return impl_->configure(changes);
}

}  // namespace kirim::whatsapp::sandbox
