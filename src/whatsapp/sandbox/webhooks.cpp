#include "whatsapp/sandbox/webhooks.h"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "core/crypto.h"
#include "whatsapp/sandbox/meta.h"

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

json::object metadata(const WebhookItem& item) {
  return {{"display_phone_number", item.display_digits}, {"phone_number_id", item.pnid}};
}

const char* array_key(WebhookItem::Kind kind) {
  switch (kind) {
    case WebhookItem::Kind::status:
      return "statuses";
    case WebhookItem::Kind::message:
      return "messages";
    case WebhookItem::Kind::preferences:
      return "user_preferences";
    case WebhookItem::Kind::other:
      break;
  }
  return "";
}

json::object change_of(const WebhookItem& item) {
  if (item.kind == WebhookItem::Kind::other) {
    return {{"value", item.body}, {"field", item.field}};
  }
  json::object value{{"messaging_product", "whatsapp"}, {"metadata", metadata(item)}};
  if (item.kind != WebhookItem::Kind::status) value["contacts"] = json::array{item.contact};
  value[array_key(item.kind)] = json::array{item.body};
  return {{"value", std::move(value)}, {"field", item.field}};
}

// Whether b can join the change that a started: same field and number, same kind of array.
bool joins(const WebhookItem& a, const WebhookItem& b) {
  return a.kind != WebhookItem::Kind::other && a.kind == b.kind && a.field == b.field &&
         a.pnid == b.pnid;
}

json::object entry_of(const std::string& waba_id, json::array changes,
                      const std::vector<const WebhookItem*>& items) {
  json::object entry{{"id", waba_id}};
  // Meta stamps entries of account-level fields (templates, quality) with their time.
  for (const auto* i : items) {
    if (i->kind == WebhookItem::Kind::other) {
      entry["time"] = i->event_ms / 1000;
      break;
    }
  }
  entry["changes"] = std::move(changes);
  return entry;
}

}  // namespace

json::object render_envelope(const std::vector<WebhookItem>& items, BatchShape shape) {
  json::array entries;
  if (items.empty()) return {{"object", "whatsapp_business_account"}, {"entry", entries}};
  const auto& waba = items.front().waba_id;
  if (shape == BatchShape::entries) {
    for (const auto& i : items) {
      entries.push_back(entry_of(waba, json::array{change_of(i)}, {&i}));
    }
  } else {
    json::array changes;
    std::vector<const WebhookItem*> all;
    const WebhookItem* open = nullptr;  // the item whose change the next may join
    for (const auto& i : items) {
      all.push_back(&i);
      if (shape == BatchShape::statuses && open != nullptr && joins(*open, i)) {
        auto& value = changes.back().as_object()["value"].as_object();
        value[array_key(i.kind)].as_array().push_back(i.body);
        if (i.kind != WebhookItem::Kind::status) {
          auto& contacts = value["contacts"].as_array();
          const auto& wa_id = i.contact.if_contains("wa_id");
          const bool known =
              wa_id != nullptr && std::any_of(contacts.begin(), contacts.end(), [&](const auto& c) {
                const auto* id = c.as_object().if_contains("wa_id");
                return id != nullptr && *id == *wa_id;
              });
          if (!known) contacts.push_back(i.contact);
        }
        continue;
      }
      changes.push_back(change_of(i));
      open = &i;
    }
    entries.push_back(entry_of(waba, std::move(changes), all));
  }
  return {{"object", "whatsapp_business_account"}, {"entry", std::move(entries)}};
}

void Outbox::add(WebhookItem item) {
  std::lock_guard lock(mu_);
  items_.push_back(std::move(item));
}

std::size_t Outbox::flush(const WebhookOptions& options, const std::string& app_secret) {
  std::vector<WebhookItem> items;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    items.swap(items_);
    retry_horizon_ms_ = options.retry_horizon_ms;
    generation = generation_;
  }
  const auto now = clock_.now_ms();

  // Group per WABA in order of first appearance, then cut into POSTs of batch_max items.
  std::vector<std::pair<std::string, std::vector<WebhookItem>>> per_waba;
  for (auto& i : items) {
    auto it = std::find_if(per_waba.begin(), per_waba.end(),
                           [&](const auto& p) { return p.first == i.waba_id; });
    if (it == per_waba.end()) {
      per_waba.emplace_back(i.waba_id, std::vector<WebhookItem>{});
      it = per_waba.end() - 1;
    }
    it->second.push_back(std::move(i));
  }
  std::vector<std::shared_ptr<WebhookDelivery>> built;
  const std::size_t batch = std::max<std::size_t>(1, options.batch_max);
  for (auto& [waba, list] : per_waba) {
    for (std::size_t at = 0; at < list.size(); at += batch) {
      std::vector<WebhookItem> chunk(
          std::make_move_iterator(list.begin() + at),
          std::make_move_iterator(list.begin() + std::min(list.size(), at + batch)));
      auto d = std::make_shared<WebhookDelivery>();
      d->url = options.url;
      d->body = meta_json_encode(json::serialize(render_envelope(chunk, options.batch_shape)),
                                 options.escape_slashes);
      d->signature = "sha256=" + crypto::hmac_sha256_hex(app_secret, d->body);
      d->items = chunk.size();
      d->first_ms = now;
      d->next_backoff_ms = options.retry_first_ms;
      built.push_back(std::move(d));
    }
  }

  std::vector<std::shared_ptr<WebhookDelivery>> unsent;
  std::vector<std::shared_ptr<WebhookDelivery>> to_send;
  {
    std::lock_guard lock(mu_);
    for (auto& d : built) {
      if (d->url.empty()) {
        ++counts_.unsent;
        unsent.push_back(std::move(d));
      } else {
        waiting_.push_back(std::move(d));
      }
    }
    while (!waiting_.empty() && in_flight_ < options.max_in_flight) {
      auto d = std::move(waiting_.front());
      waiting_.pop_front();
      ++in_flight_;
      ++d->attempt;
      ++counts_.posts;
      if (d->attempt > 1) ++counts_.retried;
      to_send.push_back(std::move(d));
    }
  }
  for (const auto& d : unsent) {
    if (on_attempt_) on_attempt_(*d, -1);
  }
  for (auto& d : to_send) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"},
                                                             {"User-Agent", "facebookexternalua"},
                                                             {"X-Hub-Signature-256", d->signature}};
    auto owner = owner_;
    poster_(d->url, std::move(headers), d->body, [this, owner, d, generation](int status) {
      if (auto keep = owner.lock()) done(d, status, generation);
    });
  }
  return to_send.size();
}

void Outbox::done(const std::shared_ptr<WebhookDelivery>& d, int status, std::uint64_t generation) {
  const auto now = clock_.now_ms();
  bool retry = false;
  bool more_waiting = false;
  {
    std::lock_guard lock(mu_);
    if (in_flight_ > 0) --in_flight_;
    if (generation != generation_) return;
    if (status >= 200 && status < 300) {
      ++counts_.delivered;
    } else if (now + d->next_backoff_ms - d->first_ms <= retry_horizon_ms_) {
      retry = true;
      ++retrying_;
    } else {
      ++counts_.given_up;
    }
    more_waiting = !waiting_.empty();
  }
  if (on_attempt_) on_attempt_(*d, status);
  if (retry) {
    const auto due = now + d->next_backoff_ms;
    d->next_backoff_ms *= 2;
    scheduler_.at(due, [this, d, generation] {
      std::lock_guard lock(mu_);
      if (retrying_ > 0) --retrying_;
      if (generation == generation_) waiting_.push_back(d);
    });
  }
  if (more_waiting) scheduler_.wake();
}

void Outbox::clear() {
  std::lock_guard lock(mu_);
  items_.clear();
  waiting_.clear();
  retrying_ = 0;
  ++generation_;
}

Outbox::Stats Outbox::stats() const {
  std::lock_guard lock(mu_);
  Stats s = counts_;
  s.queued_items = items_.size();
  s.waiting = waiting_.size();
  s.in_flight = in_flight_;
  s.retrying = retrying_;
  return s;
}

}  // namespace kirim::whatsapp::sandbox
