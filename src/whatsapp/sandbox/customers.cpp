// Simulated customers: after delivery some reply, tap a button or opt out; and inbound messages
// in general (also made through the admin API), which open the 24-hour window.
#include <array>

#include "whatsapp/sandbox/meta.h"
#include "whatsapp/sandbox/state.h"

namespace kirim::whatsapp::sandbox {
namespace {

namespace json = boost::json;

// Replies in several languages, some with characters that Meta escapes in webhook bodies.
constexpr std::array<std::string_view, 8> kReplies = {"Thanks!",
                                                      "Obrigado! \xF0\x9F\x99\x8F",
                                                      "\xC2\xBF"
                                                      "Cu\xC3\xA1ndo llega mi pedido?",
                                                      "Merci, c'est not\xC3\xA9.",
                                                      "Can you call me later?",
                                                      "Terima kasih \xF0\x9F\x91\x8D",
                                                      "Ok",
                                                      "Wie viel kostet das?"};

constexpr std::array<std::string_view, 16> kFirstNames = {"Ana",
                                                          "Jos\xC3\xA9",
                                                          "Siti",
                                                          "Budi",
                                                          "Zo\xC3\xAB",
                                                          "Mehmet",
                                                          "Ay\xC5\x9F"
                                                          "e",
                                                          "Minh",
                                                          "Priya",
                                                          "Oluwaseun",
                                                          "Chlo\xC3\xA9",
                                                          "Bj\xC3\xB6rn",
                                                          "Dewi",
                                                          "Rafael",
                                                          "Fatima",
                                                          "Kenji"};
constexpr std::array<std::string_view, 16> kLastNames = {"Lima",
                                                         "Garc\xC3\xAD"
                                                         "a",
                                                         "Rahayu",
                                                         "Santoso",
                                                         "M\xC3\xBCller",
                                                         "Y\xC4\xB1lmaz",
                                                         "Nguy\xE1\xBB\x85n",
                                                         "Sharma",
                                                         "Adeyemi",
                                                         "Dubois",
                                                         "Lindqvist",
                                                         "Wijaya",
                                                         "Costa",
                                                         "Haddad",
                                                         "Sato",
                                                         "O'Brien"};

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::string Impl::fake_name(std::string_view wa_id) {
  const auto h = fnv1a(wa_id);
  return std::string(kFirstNames[h % kFirstNames.size()]) + " " +
         std::string(kLastNames[(h >> 16) % kLastNames.size()]);
}

CustomerPlan Impl::plan_customer(const SentMessage& msg, Rng& rng, const CustomerOptions& o) {
  CustomerPlan plan;
  const double u = rng.uniform();
  const std::size_t buttons =
      msg.quick_replies.empty() ? msg.options.size() : msg.quick_replies.size();
  if (u < o.reply_rate) {
    plan.action = CustomerPlan::Action::reply;
    plan.choice = rng.below(kReplies.size());
  } else if (u < o.reply_rate + o.button_rate) {
    if (buttons > 0) {
      plan.action = CustomerPlan::Action::button;
      plan.choice = rng.below(buttons);
    }
  } else if (u < o.reply_rate + o.button_rate + o.opt_out_rate) {
    plan.action = rng.chance(o.opt_out_via_preferences) ? CustomerPlan::Action::opt_out_preferences
                                                        : CustomerPlan::Action::opt_out_text;
  }
  if (plan.action != CustomerPlan::Action::none &&
      plan.action != CustomerPlan::Action::opt_out_preferences) {
    plan.inbound_id = make_wamid(rng, msg.wa_id);
  }
  return plan;
}

void Impl::act(const SentMessage& msg, const CustomerPlan& plan) {
  auto* n = number(msg.number->id);
  Inbound in;
  in.from = msg.wa_id;
  in.id = plan.inbound_id;
  const json::object context{{"from", n->digits}, {"id", msg.wamid}};
  switch (plan.action) {
    case CustomerPlan::Action::none:
      return;
    case CustomerPlan::Action::reply:
      in.type = "text";
      in.message = {{"text", {{"body", kReplies[plan.choice % kReplies.size()]}}}};
      break;
    case CustomerPlan::Action::opt_out_text:
      in.type = "text";
      in.message = {{"text", {{"body", "STOP"}}}};
      break;
    case CustomerPlan::Action::button:
      if (!msg.quick_replies.empty()) {
        const auto& q = msg.quick_replies[plan.choice % msg.quick_replies.size()];
        in.type = "button";
        in.message = {{"context", context}, {"button", {{"payload", q.payload}, {"text", q.text}}}};
      } else {
        const auto& [id, title] = msg.options[plan.choice % msg.options.size()];
        in.type = "interactive";
        in.message = {{"context", context},
                      {"interactive",
                       {{"type", msg.interactive_kind},
                        {msg.interactive_kind, {{"id", id}, {"title", title}}}}}};
      }
      break;
    case CustomerPlan::Action::opt_out_preferences:
      set_preference(*n, msg.wa_id, true);
      return;
  }
  receive(*n, std::move(in));
}

void Impl::receive(NumberState& n, Inbound in) {
  const auto now = clock_.now_ms();
  {
    std::lock_guard lock(n.mu);
    n.last_inbound[in.from] = now;
    n.bucket.take_if_any(now, n.spec.mps);
  }
  json::object body;
  if (const auto* ctx = in.message.if_contains("context")) body["context"] = *ctx;
  body["from"] = in.from;
  body["id"] = in.id;
  body["timestamp"] = seconds_string(now);
  body["type"] = in.type;
  for (const auto& [k, v] : in.message) {
    if (k != "context") body[k] = v;
  }
  WebhookItem item;
  item.kind = WebhookItem::Kind::message;
  item.waba_id = n.waba_id;
  item.pnid = n.id;
  item.display_digits = n.digits;
  item.contact = {{"profile", {{"name", in.name.empty() ? fake_name(in.from) : in.name}}},
                  {"wa_id", in.from}};
  item.body = std::move(body);
  item.event_ms = now;
  outbox_.add(std::move(item));
  ++counters_.inbound;
  scheduler_.wake();
}

void Impl::set_preference(NumberState& n, const std::string& wa_id, bool stop) {
  const auto now = clock_.now_ms();
  auto* w = waba(n.waba_id);
  {
    std::lock_guard lock(w->mu);
    if (stop) {
      w->opted_out.insert(wa_id);
    } else {
      w->opted_out.erase(wa_id);
    }
  }
  WebhookItem item;
  item.kind = WebhookItem::Kind::preferences;
  item.field = "user_preferences";
  item.waba_id = n.waba_id;
  item.pnid = n.id;
  item.display_digits = n.digits;
  item.contact = {{"wa_id", wa_id}, {"profile", {{"name", fake_name(wa_id)}}}};
  item.body = {{"wa_id", wa_id},
               {"detail", stop ? "User requested to stop marketing messages"
                               : "User requested to resume marketing messages"},
               {"category", "marketing_messages"},
               {"value", stop ? "stop" : "resume"},
               {"timestamp", now / 1000}};
  item.event_ms = now;
  outbox_.add(std::move(item));
  ++counters_.inbound;
  scheduler_.wake();
}

}  // namespace kirim::whatsapp::sandbox
