// The status webhooks of an accepted message: sent, delivered, read (or failed), with their
// delays, pricing and conversation, and the switches that make them arrive like Meta's do:
// skipped, reordered, duplicated.
#include <algorithm>

#include "whatsapp/sandbox/meta.h"
#include "whatsapp/sandbox/state.h"

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

WebhookItem status_item(const SentMessage& msg, const char* status, std::int64_t at_ms) {
  const std::string_view s(status);
  json::object body{{"id", msg.wamid},
                    {"status", status},
                    {"timestamp", seconds_string(at_ms)},
                    {"recipient_id", msg.wa_id}};
  if (s == "failed") {
    body["errors"] = json::array{status_error(msg.fail_code, msg.fail_details)};
  } else {
    json::object conversation{{"id", msg.conversation_id}};
    // Meta gives the expiration on `sent` only.
    if (s == "sent") conversation["expiration_timestamp"] = seconds_string(at_ms + kWindowMs);
    conversation["origin"] = {{"type", msg.category}};
    body["conversation"] = std::move(conversation);
    body["pricing"] = {{"billable", msg.billable},
                       {"pricing_model", "PMP"},
                       {"category", msg.category},
                       {"type", msg.pricing_type}};
  }
  if (!msg.biz_opaque.empty()) body["biz_opaque_callback_data"] = msg.biz_opaque;
  WebhookItem item;
  item.kind = WebhookItem::Kind::status;
  item.waba_id = msg.number->waba_id;
  item.pnid = msg.number->id;
  item.display_digits = msg.number->digits;
  item.body = std::move(body);
  item.event_ms = at_ms;
  return item;
}

}  // namespace

void Impl::schedule_lifecycle(std::shared_ptr<const SentMessage> msg, Rng& rng,
                              std::int64_t base_ms) {
  const auto c = cfg();
  const auto& st = c->statuses;
  const auto emit = [&](std::int64_t at, const char* status) {
    auto task = [this, msg, status, at] {
      outbox_.add(status_item(*msg, status, at));
      ++counters_.statuses;
    };
    scheduler_.at(at, task);
    if (rng.chance(st.duplicate_rate)) scheduler_.at(at + rng.sample(st.duplicate), task);
  };

  auto t_sent = base_ms + rng.sample(st.sent);
  if (msg->fail_code != 0) {
    auto t_fail = t_sent;
    if (rng.chance(st.failed_after_sent_rate)) {
      emit(t_sent, "sent");
      t_fail = t_sent + rng.sample(st.delivered);
      if (rng.chance(st.failed_after_delivered_rate)) {
        emit(t_fail, "delivered");
        t_fail += rng.sample(st.delivered);
      }
    }
    emit(t_fail, "failed");
    return;
  }

  auto t_delivered = t_sent + rng.sample(st.delivered);
  bool read = rng.chance(st.read_rate);
  // The customer decides now, so that what they do does not depend on when webhooks go out.
  const auto plan = plan_customer(*msg, rng, c->customers);
  if (plan.action != CustomerPlan::Action::none) read = true;  // nobody answers unread
  const bool immediate = read && rng.chance(st.read_immediate_rate);
  auto t_read = immediate ? t_delivered : t_delivered + rng.sample(st.read);
  const bool skip_delivered = immediate && st.skip_delivered_when_read_immediate;
  if (rng.chance(st.reorder_rate)) {
    // The later status overtakes the earlier: delivered (or read) comes before sent.
    std::swap(t_sent, skip_delivered ? t_read : t_delivered);
  }
  emit(t_sent, "sent");
  if (!skip_delivered) emit(t_delivered, "delivered");
  if (read) emit(t_read, "read");
  if (plan.action != CustomerPlan::Action::none) {
    const auto at = std::max({t_sent, t_delivered, t_read}) + rng.sample(c->customers.reply_delay);
    scheduler_.at(at, [this, msg, plan] { act(*msg, plan); });
  }
}

}  // namespace kirim::whatsapp::sandbox
