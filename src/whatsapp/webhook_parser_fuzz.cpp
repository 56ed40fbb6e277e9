// libFuzzer target for the webhook parser: any bytes are read without a crash, and every field
// of what comes out is touched so that the sanitizers check each one. Built and run by
// scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "whatsapp/webhook_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wa = kirim::whatsapp;
  const auto p = wa::parse_webhook(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!p) return 0;
  std::size_t n = p->object.size() + p->summary().size() + (p->empty() ? 1 : 0);
  for (const auto& v : {p->waba_ids, p->phone_number_ids, p->kinds})
    for (const auto& s : v)
      n += s.size();
  for (const auto& s : p->statuses) {
    n += s.waba_id.size() + s.phone_number_id.size() + s.display_phone_number.size() +
         s.wamid.size() + s.status.size() + static_cast<std::size_t>(s.timestamp) +
         s.recipient_id.size() + s.biz_opaque_callback_data.size() + s.conversation_id.size() +
         s.pricing_category.size();
    for (const auto& e : s.errors)
      n += static_cast<std::size_t>(e.code) + e.title.size() + e.message.size() + e.details.size();
  }
  for (const auto& m : p->messages) {
    n += m.waba_id.size() + m.phone_number_id.size() + m.display_phone_number.size() +
         m.wamid.size() + m.from.size() + m.type.size() + static_cast<std::size_t>(m.timestamp) +
         m.profile_name.size() + m.text.size() + m.button_payload.size() + m.context_wamid.size() +
         m.media_id.size() + m.mime_type.size() + boost::json::serialize(m.raw).size();
  }
  for (const auto& u : p->preferences) {
    n += u.waba_id.size() + u.phone_number_id.size() + u.wa_id.size() + u.category.size() +
         u.value.size() + static_cast<std::size_t>(u.timestamp);
  }
  for (const auto& t : p->templates) {
    n += t.waba_id.size() + t.field.size() + t.event.size() + t.template_id.size() + t.name.size() +
         t.language.size() + t.reason.size() + t.category.size();
  }
  for (const auto& q : p->quality) {
    n += q.waba_id.size() + q.display_phone_number.size() + q.event.size() +
         q.current_limit.size() + static_cast<std::size_t>(q.max_daily_conversations) +
         q.portfolio_limit.size();
  }
  for (const auto& a : p->accounts)
    n +=
        a.waba_id.size() + a.field.size() + a.event.size() + boost::json::serialize(a.value).size();
  volatile std::size_t sink = n;
  (void)sink;
  return 0;
}
