// The WhatsApp webhook side: the parser over Meta's payloads of every kind, sealed secrets, the
// inbox on every back end (signatures, the durable store, statuses, inbound messages, consent,
// template / quality / account updates, replay, the webhook log, realtime notices), and the
// account store (sealed secrets, routes, the secret key, templates in Meta's shape).
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "contacts/contacts.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "db/migrations.h"
#include "db/testing.h"
#include "whatsapp/accounts.h"
#include "whatsapp/cloud_api.h"
#include "whatsapp/http_client.h"
#include "whatsapp/inbox.h"
#include "whatsapp/webhook_parser.h"

namespace kirim::whatsapp {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;
using contacts::Consent;

// --- Shared identities of the payloads
// ------------------------------------------------------------

constexpr const char* kWaba = "102290129340398";
constexpr const char* kPnid = "106540352242922";
constexpr const char* kDisplay = "15550783881";
constexpr const char* kOtherWaba = "203340129340511";
constexpr const char* kOtherPnid = "207750352242933";
constexpr const char* kAna = "6281234567890";   // +62 812-3456-7890, Indonesia
constexpr const char* kBudi = "6281298765432";  // +62 812-9876-5432
constexpr const char* kAppSecret = "instance-app-secret";
constexpr const char* kVerifyToken = "instance-verify-token";
constexpr const char* kAccountSecret = "account-app-secret";
constexpr const char* kAccountToken = "account-verify-token";
// How long a test waits for something another thread does before it fails.
constexpr auto kDeadline = std::chrono::seconds(30);

// Statuses from two WABAs, in two entries, the first with two changes: every element counts.
const std::string kStatusesBody = R"({"object":"whatsapp_business_account","entry":[
 {"id":"102290129340398","time":1764000200,"changes":[
  {"field":"messages","value":{"messaging_product":"whatsapp",
   "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
   "statuses":[
    {"id":"wamid.out.1","status":"sent","timestamp":"1764000101","recipient_id":"6281234567890",
     "biz_opaque_callback_data":"campaign=42;recipient=7001",
     "conversation":{"id":"f1e2d3c4b5a6","expiration_timestamp":"1764086501","origin":{"type":"marketing"}},
     "pricing":{"billable":true,"pricing_model":"PMP","category":"marketing","type":"regular"}},
    {"id":"wamid.out.2","status":"delivered","timestamp":"1764000102","recipient_id":"6281298765432",
     "pricing":{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}}]}},
  {"field":"messages","value":{"messaging_product":"whatsapp",
   "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
   "statuses":[{"id":"wamid.out.1","status":"read","timestamp":"1764000160","recipient_id":"6281234567890"}]}}]},
 {"id":"203340129340511","time":1764000201,"changes":[
  {"field":"messages","value":{"messaging_product":"whatsapp",
   "metadata":{"display_phone_number":"15550100200","phone_number_id":"207750352242933"},
   "statuses":[{"id":"wamid.out.3","status":"failed","timestamp":"1764000103","recipient_id":"14155552671",
    "errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable",
               "error_data":{"details":"Message Undeliverable."},
               "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"},
              {"code":131049,"title":"This message was not delivered to maintain healthy ecosystem engagement."}]}]}}]}]})";

// One inbound message of every type, from two people, in one change.
const std::string kEveryTypeBody = R"({"object":"whatsapp_business_account","entry":[
 {"id":"102290129340398","time":1764000100,"changes":[{"field":"messages","value":{
  "messaging_product":"whatsapp",
  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
  "contacts":[{"profile":{"name":"Ana Wijaya"},"wa_id":"6281234567890"},
              {"profile":{"name":"Budi Santoso"},"wa_id":"6281298765432"}],
  "messages":[
   {"from":"6281234567890","id":"wamid.in.text","timestamp":"1764000001","type":"text",
    "text":{"body":"Halo, is the sale still on?"}},
   {"from":"6281234567890","id":"wamid.in.image","timestamp":"1764000002","type":"image",
    "image":{"caption":"This one","mime_type":"image/jpeg","sha256":"mI3pl9A1aZ9dKXjNq3o1yw==","id":"1003383421387256"}},
   {"from":"6281234567890","id":"wamid.in.document","timestamp":"1764000003","type":"document",
    "document":{"filename":"invoice-118.pdf","mime_type":"application/pdf","sha256":"Qm9vaw==","id":"1003383421387257"}},
   {"from":"6281234567890","id":"wamid.in.audio","timestamp":"1764000004","type":"audio",
    "audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"QXVkaW8=","id":"1003383421387258","voice":true}},
   {"from":"6281234567890","id":"wamid.in.video","timestamp":"1764000005","type":"video",
    "video":{"caption":"Unboxing","mime_type":"video/mp4","sha256":"VmlkZW8=","id":"1003383421387259"}},
   {"from":"6281234567890","id":"wamid.in.sticker","timestamp":"1764000006","type":"sticker",
    "sticker":{"mime_type":"image/webp","sha256":"U3RpY2tlcg==","id":"1003383421387260","animated":false}},
   {"from":"6281234567890","id":"wamid.in.location","timestamp":"1764000007","type":"location",
    "location":{"latitude":-6.1754,"longitude":106.8272,"name":"Monas","address":"Gambir, Jakarta"}},
   {"from":"6281234567890","id":"wamid.in.contacts","timestamp":"1764000008","type":"contacts",
    "contacts":[{"name":{"formatted_name":"Citra Lestari","first_name":"Citra","last_name":"Lestari"},
                 "phones":[{"phone":"+62 812-5555-0101","wa_id":"6281255550101","type":"CELL"}]}]},
   {"from":"6281234567890","id":"wamid.in.button","timestamp":"1764000009","type":"button",
    "context":{"from":"15550783881","id":"wamid.out.promo"},
    "button":{"payload":"yes-interested","text":"Yes, interested"}},
   {"from":"6281234567890","id":"wamid.in.button_reply","timestamp":"1764000010","type":"interactive",
    "context":{"from":"15550783881","id":"wamid.out.menu"},
    "interactive":{"type":"button_reply","button_reply":{"id":"size-m","title":"Medium"}}},
   {"from":"6281234567890","id":"wamid.in.list_reply","timestamp":"1764000011","type":"interactive",
    "interactive":{"type":"list_reply","list_reply":{"id":"slot-2","title":"Tuesday 10:00","description":"Jakarta store"}}},
   {"from":"6281234567890","id":"wamid.in.reaction","timestamp":"1764000012","type":"reaction",
    "reaction":{"message_id":"wamid.out.promo","emoji":"\ud83d\udc4d"}},
   {"from":"6281234567890","id":"wamid.in.order","timestamp":"1764000013","type":"order",
    "order":{"catalog_id":"880012345","text":"Two please",
             "product_items":[{"product_retailer_id":"sku-1","quantity":2,"item_price":49.5,"currency":"USD"}]}},
   {"from":"6281298765432","id":"wamid.in.system","timestamp":"1764000014","type":"system",
    "system":{"body":"Budi changed their phone number to a number you can message.","wa_id":"6281298765433",
              "type":"user_changed_number"}},
   {"from":"6281298765432","id":"wamid.in.unsupported","timestamp":"1764000015","type":"unsupported",
    "errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown",
               "error_data":{"details":"Message type is currently not supported."}}]}
  ]}}]}]})";

// What each message of kEveryTypeBody should read as: wamid, type, text, media id, mime type,
// button payload, context.
struct ExpectedMessage {
  const char* wamid;
  const char* type;
  const char* text;
  const char* media_id;
  const char* mime_type;
  const char* payload;
  const char* context;
};
const std::vector<ExpectedMessage> kEveryType = {
    {"wamid.in.text", "text", "Halo, is the sale still on?", "", "", "", ""},
    {"wamid.in.image", "image", "This one", "1003383421387256", "image/jpeg", "", ""},
    {"wamid.in.document", "document", "invoice-118.pdf", "1003383421387257", "application/pdf", "",
     ""},
    {"wamid.in.audio", "audio", "", "1003383421387258", "audio/ogg; codecs=opus", "", ""},
    {"wamid.in.video", "video", "Unboxing", "1003383421387259", "video/mp4", "", ""},
    {"wamid.in.sticker", "sticker", "", "1003383421387260", "image/webp", "", ""},
    {"wamid.in.location", "location", "Monas", "", "", "", ""},
    {"wamid.in.contacts", "contacts", "", "", "", "", ""},
    {"wamid.in.button", "button", "Yes, interested", "", "", "yes-interested", "wamid.out.promo"},
    {"wamid.in.button_reply", "interactive", "Medium", "", "", "size-m", "wamid.out.menu"},
    {"wamid.in.list_reply", "interactive", "Tuesday 10:00", "", "", "slot-2", ""},
    {"wamid.in.reaction", "reaction", "\xF0\x9F\x91\x8D", "", "", "", ""},
    {"wamid.in.order", "order", "", "", "", "", ""},
    {"wamid.in.system", "system", "Budi changed their phone number to a number you can message.",
     "", "", "", ""},
    {"wamid.in.unsupported", "unsupported", "", "", "", "", ""},
};

// The message objects of kEveryTypeBody, as sent.
bj::array every_type_objects() {
  return bj::parse(kEveryTypeBody)
      .at("entry")
      .at(0)
      .at("changes")
      .at(0)
      .at("value")
      .at("messages")
      .as_array();
}

// --- Parser
// ---------------------------------------------------------------------------------------

TEST(WebhookParser, ReadsEveryStatusOfEveryEntryAndChange) {
  const auto p = parse_webhook(kStatusesBody);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->object, "whatsapp_business_account");
  ASSERT_EQ(p->statuses.size(), 4u);

  const auto& sent = p->statuses[0];
  EXPECT_EQ(sent.waba_id, kWaba);
  EXPECT_EQ(sent.phone_number_id, kPnid);
  EXPECT_EQ(sent.display_phone_number, kDisplay);
  EXPECT_EQ(sent.wamid, "wamid.out.1");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.timestamp, 1764000101);
  EXPECT_EQ(sent.recipient_id, kAna);
  EXPECT_EQ(sent.biz_opaque_callback_data, "campaign=42;recipient=7001");
  EXPECT_EQ(sent.conversation_id, "f1e2d3c4b5a6");
  EXPECT_EQ(sent.pricing_category, "marketing");
  EXPECT_TRUE(sent.errors.empty());

  const auto& delivered = p->statuses[1];
  EXPECT_EQ(delivered.wamid, "wamid.out.2");
  EXPECT_EQ(delivered.status, "delivered");
  EXPECT_EQ(delivered.recipient_id, kBudi);
  EXPECT_EQ(delivered.conversation_id, "");
  EXPECT_EQ(delivered.pricing_category, "utility");

  const auto& read = p->statuses[2];  // the second change of the first entry
  EXPECT_EQ(read.wamid, "wamid.out.1");
  EXPECT_EQ(read.status, "read");
  EXPECT_EQ(read.timestamp, 1764000160);
  EXPECT_EQ(read.pricing_category, "");

  const auto& failed = p->statuses[3];  // the second entry
  EXPECT_EQ(failed.waba_id, kOtherWaba);
  EXPECT_EQ(failed.phone_number_id, kOtherPnid);
  EXPECT_EQ(failed.status, "failed");
  EXPECT_EQ(failed.recipient_id, "14155552671");
  ASSERT_EQ(failed.errors.size(), 2u);
  EXPECT_EQ(failed.errors[0].code, 131026);
  EXPECT_EQ(failed.errors[0].title, "Message undeliverable");
  EXPECT_EQ(failed.errors[0].message, "Message undeliverable");
  EXPECT_EQ(failed.errors[0].details, "Message Undeliverable.");
  EXPECT_EQ(failed.errors[1].code, 131049);
  EXPECT_EQ(failed.errors[1].message, "");

  EXPECT_EQ(p->waba_ids, (std::vector<std::string>{kWaba, kOtherWaba}));
  EXPECT_EQ(p->phone_number_ids, (std::vector<std::string>{kPnid, kOtherPnid}));
  EXPECT_EQ(p->kinds, (std::vector<std::string>{"statuses"}));
  EXPECT_TRUE(p->messages.empty());
  EXPECT_FALSE(p->empty());
  EXPECT_EQ(p->summary(), "4 statuses");
}

TEST(WebhookParser, ReadsInboundMessagesOfEveryTypeAndKeepsEachWhole) {
  const auto p = parse_webhook(kEveryTypeBody);
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->messages.size(), kEveryType.size());
  const auto raw = every_type_objects();
  for (std::size_t i = 0; i < kEveryType.size(); ++i) {
    const auto& want = kEveryType[i];
    const auto& m = p->messages[i];
    SCOPED_TRACE(want.wamid);
    EXPECT_EQ(m.wamid, want.wamid);
    EXPECT_EQ(m.type, want.type);
    EXPECT_EQ(m.text, want.text);
    EXPECT_EQ(m.media_id, want.media_id);
    EXPECT_EQ(m.mime_type, want.mime_type);
    EXPECT_EQ(m.button_payload, want.payload);
    EXPECT_EQ(m.context_wamid, want.context);
    EXPECT_EQ(m.waba_id, kWaba);
    EXPECT_EQ(m.phone_number_id, kPnid);
    EXPECT_EQ(m.display_phone_number, kDisplay);
    EXPECT_EQ(m.timestamp, 1764000001 + static_cast<std::int64_t>(i));
    EXPECT_EQ(m.raw, raw[i].as_object());
  }
  // The profile name comes from the contact with the same wa_id, not the first one.
  EXPECT_EQ(p->messages[0].from, kAna);
  EXPECT_EQ(p->messages[0].profile_name, "Ana Wijaya");
  EXPECT_EQ(p->messages[13].from, kBudi);
  EXPECT_EQ(p->messages[13].profile_name, "Budi Santoso");
  EXPECT_EQ(p->messages[14].raw.at("errors").at(0).at("code"), 131051);
  EXPECT_EQ(p->kinds, (std::vector<std::string>{"messages"}));
  EXPECT_EQ(p->summary(), "15 messages");
}

TEST(WebhookParser, ReadsUserPreferencesStopAndResume) {
  const auto p =
      parse_webhook(R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398",
    "time":1764000300,"changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp",
    "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
    "contacts":[{"wa_id":"6281234567890","profile":{"name":"Ana Wijaya"}}],
    "user_preferences":[
     {"wa_id":"6281234567890","detail":"User requested to stop marketing messages",
      "category":"marketing_messages","value":"stop","timestamp":1764000290},
     {"wa_id":"6281298765432","detail":"User requested to resume marketing messages",
      "category":"marketing_messages","value":"resume","timestamp":"1764000295"}]}}]}]})");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->preferences.size(), 2u);
  EXPECT_EQ(p->preferences[0].waba_id, kWaba);
  EXPECT_EQ(p->preferences[0].phone_number_id, kPnid);
  EXPECT_EQ(p->preferences[0].wa_id, kAna);
  EXPECT_EQ(p->preferences[0].category, "marketing_messages");
  EXPECT_EQ(p->preferences[0].value, "stop");
  EXPECT_EQ(p->preferences[0].timestamp, 1764000290);
  EXPECT_EQ(p->preferences[1].wa_id, kBudi);
  EXPECT_EQ(p->preferences[1].value, "resume");
  EXPECT_EQ(p->preferences[1].timestamp, 1764000295);
  EXPECT_EQ(p->kinds, (std::vector<std::string>{"user_preferences"}));
  EXPECT_EQ(p->summary(), "2 preferences");
}

TEST(WebhookParser, ReadsTemplateStatusQualityAndCategoryUpdates) {
  const auto p = parse_webhook(R"({"object":"whatsapp_business_account","entry":[
   {"id":"102290129340398","time":1764000400,"changes":[
    {"field":"message_template_status_update","value":{"event":"REJECTED","message_template_id":594425479261596,
     "message_template_name":"spring_sale","message_template_language":"en_US",
     "message_template_category":"MARKETING","reason":"PROMOTIONAL",
     "rejection_info":{"reason":"Promotional content in a utility template","recommendation":"Change the category"}}},
    {"field":"message_template_quality_update","value":{"previous_quality_score":"GREEN",
     "new_quality_score":"YELLOW","message_template_id":594425479261597,
     "message_template_name":"order_update","message_template_language":"id"}},
    {"field":"template_category_update","value":{"message_template_id":"594425479261598",
     "message_template_name":"welcome","message_template_language":"en","previous_category":"UTILITY",
     "new_category":"MARKETING"}}]}]})");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->templates.size(), 3u);
  const auto& status = p->templates[0];
  EXPECT_EQ(status.waba_id, kWaba);
  EXPECT_EQ(status.field, "message_template_status_update");
  EXPECT_EQ(status.event, "REJECTED");
  EXPECT_EQ(status.template_id, "594425479261596");  // a number on the wire
  EXPECT_EQ(status.name, "spring_sale");
  EXPECT_EQ(status.language, "en_US");
  EXPECT_EQ(status.reason, "PROMOTIONAL");
  EXPECT_EQ(status.category, "MARKETING");
  const auto& quality = p->templates[1];
  EXPECT_EQ(quality.field, "message_template_quality_update");
  EXPECT_EQ(quality.event, "YELLOW");
  EXPECT_EQ(quality.name, "order_update");
  EXPECT_EQ(quality.language, "id");
  const auto& category = p->templates[2];
  EXPECT_EQ(category.field, "template_category_update");
  EXPECT_EQ(category.category, "MARKETING");
  EXPECT_EQ(category.template_id, "594425479261598");
  EXPECT_EQ(p->kinds, (std::vector<std::string>{"templates"}));
  EXPECT_EQ(p->summary(), "3 template updates");
}

TEST(WebhookParser, ReadsPhoneNumberQualityAndAccountUpdates) {
  const auto p = parse_webhook(R"({"object":"whatsapp_business_account","entry":[
   {"id":"102290129340398","time":1764000500,"changes":[
    {"field":"phone_number_quality_update","value":{"display_phone_number":"15550783881",
     "event":"UPGRADE","old_limit":"TIER_1K","current_limit":"TIER_10K",
     "max_daily_conversations_per_business":10000}},
    {"field":"account_update","value":{"phone_number":"15550783881","event":"ACCOUNT_RESTRICTION",
     "restriction_info":[{"restriction_type":"RESTRICTED_BIZ_INITIATED_MESSAGING",
                          "expiration":1764600000}]}}]}]})");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->quality.size(), 1u);
  EXPECT_EQ(p->quality[0].waba_id, kWaba);
  EXPECT_EQ(p->quality[0].display_phone_number, kDisplay);
  EXPECT_EQ(p->quality[0].event, "UPGRADE");
  EXPECT_EQ(p->quality[0].current_limit, "TIER_10K");
  EXPECT_EQ(p->quality[0].max_daily_conversations, 10000);
  EXPECT_EQ(p->quality[0].portfolio_limit, "TIER_10K");
  ASSERT_EQ(p->accounts.size(), 1u);
  EXPECT_EQ(p->accounts[0].field, "account_update");
  EXPECT_EQ(p->accounts[0].event, "ACCOUNT_RESTRICTION");
  EXPECT_EQ(p->accounts[0].value.at("restriction_info").at(0).at("restriction_type"),
            "RESTRICTED_BIZ_INITIATED_MESSAGING");
  EXPECT_EQ(p->kinds, (std::vector<std::string>{"quality", "account_update"}));
  EXPECT_EQ(p->summary(), "1 quality update, 1 other change");
}

TEST(WebhookParser, KeepsUnknownFieldsAndValueErrorsAsOtherChanges) {
  const auto p = parse_webhook(R"({"object":"whatsapp_business_account","entry":[
   {"id":"102290129340398","time":1764000600,"changes":[
    {"field":"business_capability_update","value":{"max_daily_conversations_per_business":2000,
     "max_phone_numbers_per_waba":25}},
    {"field":"messages","value":{"messaging_product":"whatsapp",
     "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
     "errors":[{"code":131000,"title":"Something went wrong","message":"Something went wrong"}]}},
    {"value":{"a":1}}]}]})");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->accounts.size(), 3u);
  EXPECT_EQ(p->accounts[0].field, "business_capability_update");
  EXPECT_EQ(p->accounts[0].value.at("max_phone_numbers_per_waba"), 25);
  EXPECT_EQ(p->accounts[1].field, "errors");
  EXPECT_EQ(p->accounts[1].value.at("errors").at(0).at("code"), 131000);
  EXPECT_EQ(p->accounts[2].field, "");
  EXPECT_EQ(p->kinds,
            (std::vector<std::string>{"business_capability_update", "errors", "unknown"}));
  EXPECT_EQ(p->summary(), "3 other changes");
}

TEST(WebhookParser, ReadsSeveralKindsInOneBodyAndABareChange) {
  const auto p = parse_webhook(R"({"object":"whatsapp_business_account","entry":[
   {"id":"102290129340398","changes":[{"field":"messages","value":{
     "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
     "statuses":[{"id":"wamid.a","status":"sent","timestamp":"1"},{"id":"wamid.b","status":"sent","timestamp":"2"}],
     "contacts":[{"wa_id":"6281234567890","profile":{"name":"Ana"}}],
     "messages":[{"from":"6281234567890","id":"wamid.c","timestamp":"3","type":"text","text":{"body":"hi"}}]}}]},
   {"id":"102290129340398","changes":[{"field":"messages","value":{
     "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
     "messages":[{"from":"6281234567890","id":"wamid.d","timestamp":"4","type":"text","text":{"body":"again"}}]}}]}]})");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->statuses.size(), 2u);
  ASSERT_EQ(p->messages.size(), 2u);
  EXPECT_EQ(p->messages[1].text, "again");
  EXPECT_EQ(p->waba_ids, (std::vector<std::string>{kWaba}));  // without repeats
  EXPECT_EQ(p->kinds, (std::vector<std::string>{"statuses", "messages"}));
  EXPECT_EQ(p->summary(), "2 statuses, 2 messages");

  // As Meta's dashboard "Test" button sends it: one change without the envelope.
  const auto bare = parse_webhook(R"({"field":"messages","value":{
    "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
    "messages":[{"from":"6281234567890","id":"wamid.e","timestamp":"5","type":"text","text":{"body":"test"}}]}})");
  ASSERT_TRUE(bare.has_value());
  ASSERT_EQ(bare->messages.size(), 1u);
  EXPECT_EQ(bare->messages[0].text, "test");
  EXPECT_EQ(bare->messages[0].phone_number_id, kPnid);
  EXPECT_EQ(bare->summary(), "1 message");
}

TEST(WebhookParser, ToleratesMissingOptionalParts) {
  const auto p = parse_webhook(R"({"entry":[
   {"id":"102290129340398"},
   {"id":"102290129340398","changes":[]},
   {"id":"102290129340398","changes":[{"field":"messages"}]},
   "not an entry",
   {"changes":[{"field":"messages","value":{
     "statuses":[{"id":"wamid.x","status":"delivered"},{"status":"read"},7,
                 {"id":"wamid.y","status":"failed","errors":[3,{"title":"no code"}]}],
     "messages":[{"id":"wamid.z","from":"6281234567890","type":"text"},{"type":"text"},
                 {"id":"wamid.w","from":"6281234567890","type":"image","image":{"id":"55"}},
                 {"id":"wamid.v","type":"interactive","interactive":{"type":"nfm_reply"}}]}}]}]})");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->object, "");
  ASSERT_EQ(p->statuses.size(), 2u);  // a status without an id is nothing to apply
  EXPECT_EQ(p->statuses[0].wamid, "wamid.x");
  EXPECT_EQ(p->statuses[0].timestamp, 0);
  EXPECT_EQ(p->statuses[0].waba_id, "");
  EXPECT_EQ(p->statuses[0].phone_number_id, "");
  EXPECT_EQ(p->statuses[0].conversation_id, "");
  EXPECT_EQ(p->statuses[0].pricing_category, "");
  ASSERT_EQ(p->statuses[1].errors.size(), 1u);
  EXPECT_EQ(p->statuses[1].errors[0].code, 0);
  EXPECT_EQ(p->statuses[1].errors[0].title, "no code");
  ASSERT_EQ(p->messages.size(), 3u);
  EXPECT_EQ(p->messages[0].text, "");
  EXPECT_EQ(p->messages[0].profile_name, "");  // no contacts[]
  EXPECT_EQ(p->messages[1].media_id, "55");
  EXPECT_EQ(p->messages[1].mime_type, "");
  EXPECT_EQ(p->messages[2].from, "");
  EXPECT_EQ(p->messages[2].text, "");
  // The change without a value is an (empty) messages change: no account update comes of it.
  EXPECT_TRUE(p->accounts.empty());
  EXPECT_EQ(p->waba_ids, (std::vector<std::string>{kWaba}));
}

TEST(WebhookParser, ReadsNumbersWhereStringsAreExpected) {
  const auto p =
      parse_webhook(R"({"object":"whatsapp_business_account","entry":[{"id":102290129340398,
   "changes":[{"field":"messages","value":{
    "metadata":{"display_phone_number":15550783881,"phone_number_id":106540352242922},
    "contacts":[{"wa_id":6281234567890,"profile":{"name":"Ana"}}],
    "statuses":[{"id":"wamid.n","status":"failed","timestamp":1764000101,"recipient_id":6281234567890,
                 "errors":[{"code":"131026","title":"Message undeliverable"}]},
                {"id":"wamid.bad-time","status":"sent","timestamp":"17640x"},
                {"id":"wamid.float-time","status":"sent","timestamp":1.5}],
    "messages":[{"from":6281234567890,"id":"wamid.m","timestamp":1764000102,"type":"text",
                 "text":{"body":"number ids"}}]}}]}]})");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->waba_ids, (std::vector<std::string>{kWaba}));
  ASSERT_EQ(p->statuses.size(), 3u);
  EXPECT_EQ(p->statuses[0].waba_id, kWaba);
  EXPECT_EQ(p->statuses[0].phone_number_id, kPnid);
  EXPECT_EQ(p->statuses[0].display_phone_number, kDisplay);
  EXPECT_EQ(p->statuses[0].timestamp, 1764000101);
  EXPECT_EQ(p->statuses[0].recipient_id, kAna);
  ASSERT_EQ(p->statuses[0].errors.size(), 1u);
  EXPECT_EQ(p->statuses[0].errors[0].code, 131026);
  EXPECT_EQ(p->statuses[1].timestamp, 0);  // malformed: 0, never a partial number
  EXPECT_EQ(p->statuses[2].timestamp, 0);
  ASSERT_EQ(p->messages.size(), 1u);
  EXPECT_EQ(p->messages[0].from, kAna);
  EXPECT_EQ(p->messages[0].timestamp, 1764000102);
  EXPECT_EQ(p->messages[0].profile_name, "Ana");
}

TEST(WebhookParser, RefusesBodiesThatAreNotJsonObjects) {
  for (const char* body : {"", "   ", "[]", "[{\"object\":\"whatsapp_business_account\"}]", "null",
                           "42", "\"entry\"", "true", "{", "{\"entry\":[}", "{} {}", "\x01\x02"}) {
    EXPECT_FALSE(parse_webhook(body).has_value()) << body;
  }
  const auto empty = parse_webhook("{}");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(empty->kinds.empty());
  EXPECT_EQ(empty->summary(), "nothing");
}

TEST(WebhookParser, SummaryNamesEachKindInTheSingularOrPlural) {
  ParsedWebhook p;
  EXPECT_EQ(p.summary(), "nothing");
  p.statuses.resize(1);
  EXPECT_EQ(p.summary(), "1 status");
  p.statuses.resize(2);
  p.messages.resize(1);
  EXPECT_EQ(p.summary(), "2 statuses, 1 message");
  p.preferences.resize(1);
  p.templates.resize(2);
  p.quality.resize(1);
  p.accounts.resize(1);
  EXPECT_EQ(p.summary(),
            "2 statuses, 1 message, 1 preference, 2 template updates, 1 quality update, "
            "1 other change");
}

// --- Sealed secrets
// -------------------------------------------------------------------------------

// A deterministic 32-byte key: tests must not depend on unseeded randomness.
std::string test_key(std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::string key(crypto::kSecretKeyBytes, '\0');
  for (auto& ch : key)
    ch = static_cast<char>(gen() & 0xff);
  return key;
}

TEST(SealedSecrets, OpenGivesBackWhatWasSealed) {
  crypto::init();
  const auto key = test_key(1);
  for (const auto& plain : {std::string("EAAG-token-123"), std::string(),
                            std::string("caf\xC3\xA9 \x00 bytes", 13), std::string(5000, 'x')}) {
    const auto sealed = crypto::seal_secret(key, plain);
    EXPECT_TRUE(sealed.starts_with("v1."));
    if (!plain.empty()) {
      EXPECT_EQ(sealed.find(plain), std::string::npos);
    }
    const auto opened = crypto::open_secret(key, sealed);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, plain);
  }
}

TEST(SealedSecrets, TwoSealsOfOneTextDiffer) {
  crypto::init();
  const auto key = test_key(2);
  const auto a = crypto::seal_secret(key, "same text");
  const auto b = crypto::seal_secret(key, "same text");
  EXPECT_NE(a, b);  // a fresh nonce each time
  EXPECT_EQ(crypto::open_secret(key, a), "same text");
  EXPECT_EQ(crypto::open_secret(key, b), "same text");
}

TEST(SealedSecrets, AWrongKeyOrAnyFlippedByteIsRefused) {
  crypto::init();
  const auto key = test_key(3);
  const auto sealed = crypto::seal_secret(key, "app secret");
  EXPECT_FALSE(crypto::open_secret(test_key(4), sealed).has_value());
  EXPECT_FALSE(crypto::open_secret(key.substr(0, 16), sealed).has_value());

  auto raw = crypto::from_base64(sealed.substr(3));
  ASSERT_TRUE(raw.has_value());
  // Every byte counts: the nonce, the ciphertext and the tag.
  for (std::size_t i = 0; i < raw->size(); ++i) {
    auto tampered = *raw;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_FALSE(crypto::open_secret(key, "v1." + crypto::base64url(tampered)).has_value())
        << "byte " << i;
  }
  EXPECT_FALSE(crypto::open_secret(key, "v1." + crypto::base64url(raw->substr(0, 20))));
  EXPECT_FALSE(crypto::open_secret(key, "v2." + sealed.substr(3)).has_value());
  EXPECT_FALSE(crypto::open_secret(key, "v1.***").has_value());
  EXPECT_FALSE(crypto::open_secret(key, "").has_value());
}

// --- Test support for the stores -----------------------------------------------------------------

// A port on 127.0.0.1 that nothing listens on (bound, then closed): the Graph API of accounts
// whose calls must fail at once without leaving the machine.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string unreachable_graph() {
  return "http://127.0.0.1:" + std::to_string(closed_port()) + "/v23.0";
}

std::string signature(std::string_view secret, std::string_view body) {
  return "sha256=" + crypto::hmac_sha256_hex(secret, body);
}

// One entry with one change, as Meta sends most webhooks.
std::string webhook(const std::string& waba, const std::string& field, bj::object value) {
  return bj::serialize(bj::object{
      {"object", "whatsapp_business_account"},
      {"entry",
       bj::array{bj::object{
           {"id", waba},
           {"time", 1764000000},
           {"changes", bj::array{bj::object{{"field", field}, {"value", std::move(value)}}}}}}}});
}

bj::object metadata(const std::string& pnid, const std::string& display = kDisplay) {
  return {{"display_phone_number", display}, {"phone_number_id", pnid}};
}

bj::object status(const std::string& wamid, const std::string& state, std::int64_t ts,
                  const std::string& recipient = kAna, bj::array errors = {}) {
  bj::object s{{"id", wamid},
               {"status", state},
               {"timestamp", std::to_string(ts)},
               {"recipient_id", recipient}};
  if (!errors.empty()) s["errors"] = std::move(errors);
  return s;
}

std::string statuses(std::vector<bj::object> list, const std::string& pnid = kPnid) {
  bj::array a;
  for (auto& s : list)
    a.emplace_back(std::move(s));
  return webhook(kWaba, "messages",
                 {{"messaging_product", "whatsapp"},
                  {"metadata", metadata(pnid)},
                  {"statuses", std::move(a)}});
}

bj::object text_message(const std::string& wamid, const std::string& from, std::int64_t ts,
                        const std::string& body) {
  return {{"from", from},
          {"id", wamid},
          {"timestamp", std::to_string(ts)},
          {"type", "text"},
          {"text", {{"body", body}}}};
}

std::string messages(std::vector<bj::object> list, const std::string& pnid = kPnid,
                     const std::string& profile = "Ana Wijaya", const std::string& wa_id = kAna) {
  bj::array a;
  for (auto& m : list)
    a.emplace_back(std::move(m));
  return webhook(
      kWaba, "messages",
      {{"messaging_product", "whatsapp"},
       {"metadata", metadata(pnid)},
       {"contacts", bj::array{bj::object{{"profile", {{"name", profile}}}, {"wa_id", wa_id}}}},
       {"messages", std::move(a)}});
}

std::string preference(const std::string& wa_id, const std::string& value, std::int64_t ts) {
  return webhook(kWaba, "user_preferences",
                 {{"messaging_product", "whatsapp"},
                  {"metadata", metadata(kPnid)},
                  {"contacts", bj::array{bj::object{{"wa_id", wa_id}}}},
                  {"user_preferences", bj::array{bj::object{{"wa_id", wa_id},
                                                            {"detail", "User request"},
                                                            {"category", "marketing_messages"},
                                                            {"value", value},
                                                            {"timestamp", ts}}}}});
}

// A stored message, as the inbox left it.
struct StoredMessage {
  bool found = false;
  std::optional<std::int64_t> contact_id, phone_number_id;
  std::string direction, type, text, content, status, error_title, biz_opaque;
  std::int64_t status_rank = 0, error_code = 0, created_at = 0, sent_at = 0, delivered_at = 0,
               read_at = 0, failed_at = 0, status_at = 0;
};

struct Notice {
  std::int64_t workspace_id = 0;
  std::string event;
  bj::object data;
};

// A fresh migrated database per test with two workspaces, each with a WhatsApp account and
// numbers inserted as rows; an Inbox over the real Accounts, Contacts and a capturing Notify.
class StoreTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    crypto::init();
    temp_ = std::make_unique<db::testing::TempDatabase>(GetParam());
    ASSERT_TRUE(db::migrate(db()).ok());
    ws_ = insert("INSERT INTO workspaces (name, created_at) VALUES ($1, 1) RETURNING id", {"Acme"});
    other_ws_ =
        insert("INSERT INTO workspaces (name, created_at) VALUES ($1, 1) RETURNING id", {"Other"});
    api_ = std::make_unique<CloudApi>(http_);
    accounts_ = std::make_unique<Accounts>(db(), clock_, *api_, key_, unreachable_graph());
    contacts_ = std::make_unique<contacts::Contacts>(db(), clock_);
  }

  db::Database& db() { return temp_->db(); }

  std::int64_t insert(std::string_view sql, std::initializer_list<db::Value> params) {
    auto r = db().write_query(sql, params);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->integer(0, "id") : 0;
  }
  std::int64_t count(const std::string& table, const std::string& where = "1 = 1") {
    auto r = db().query("SELECT COUNT(*) AS n FROM " + table + " WHERE " + where);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->integer(0, "n") : -1;
  }
  std::string sealed(const std::string& plain) {
    return plain.empty() ? std::string() : crypto::seal_secret(key_, plain);
  }
  std::int64_t insert_account(std::int64_t ws, const std::string& waba, const std::string& secret,
                              const std::string& token) {
    return insert(
        "INSERT INTO wa_accounts (workspace_id, name, waba_id, access_token_enc, "
        "app_secret_enc, verify_token_enc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $7) RETURNING id",
        {ws, "Shop " + waba, waba, sealed("EAAG-access-" + waba), sealed(secret), sealed(token),
         clock_.now_ms()});
  }
  std::int64_t insert_number(std::int64_t ws, std::int64_t account, const std::string& pnid,
                             const std::string& display) {
    return insert(
        "INSERT INTO phone_numbers (workspace_id, account_id, pnid, display_number, "
        "messaging_tier, updated_at) VALUES ($1, $2, $3, $4, 'TIER_1K', $5) RETURNING id",
        {ws, account, pnid, display, clock_.now_ms()});
  }

  ManualClock clock_;
  const std::string key_ = test_key(42);
  std::unique_ptr<db::testing::TempDatabase> temp_;
  HttpClient http_;
  std::unique_ptr<CloudApi> api_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<contacts::Contacts> contacts_;
  std::int64_t ws_ = 0, other_ws_ = 0;
};

class InboxTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    account_ = insert_account(ws_, kWaba, kAccountSecret, kAccountToken);
    number_ = insert_number(ws_, account_, kPnid, "+1 555-078-3881");
    other_account_ = insert_account(other_ws_, kOtherWaba, "", "");
    other_number_ = insert_number(other_ws_, other_account_, kOtherPnid, "+1 555-010-0200");
    inbox_ = std::make_unique<Inbox>(
        db(), clock_, *accounts_, *contacts_, InboxOptions{kAppSecret, kVerifyToken},
        [this](std::int64_t ws, std::string_view event, const bj::object& data) {
          on_notice(ws, event, data);
        });
  }
  void TearDown() override { inbox_.reset(); }

  virtual void on_notice(std::int64_t ws, std::string_view event, const bj::object& data) {
    {
      std::lock_guard lock(mu_);
      notices_.push_back({ws, std::string(event), data});
    }
    cv_.notify_all();
  }

  struct Ack {
    int status = 0;
    std::string message;
  };
  Ack receive(std::optional<std::int64_t> account, const std::string& signature_header,
              const std::string& body) {
    std::promise<Ack> p;
    auto f = p.get_future();
    inbox_->receive(account, signature_header, body, [&p](int status, std::string message) {
      p.set_value({status, std::move(message)});
    });
    EXPECT_EQ(f.wait_for(kDeadline), std::future_status::ready);
    return f.get();
  }
  // Stores a body signed with the instance's app secret, as Meta would post it.
  void post(const std::string& body) {
    const auto ack = receive(std::nullopt, signature(kAppSecret, body), body);
    ASSERT_EQ(ack.status, 200) << ack.message;
  }
  void process() {
    auto n = inbox_->process_pending();
    ASSERT_TRUE(n.ok()) << n.error().message;
  }
  void deliver(const std::string& body) {
    post(body);
    process();
  }
  std::int64_t last_event_id() {
    return db().query("SELECT MAX(id) AS id FROM webhook_events")->integer(0, "id");
  }
  std::string outcome(std::int64_t id) {
    return db().query("SELECT outcome FROM webhook_events WHERE id = $1", {id})->text(0, "outcome");
  }

  StoredMessage message(const std::string& wamid, std::int64_t ws = 0) {
    auto r = db().query(
        "SELECT contact_id, phone_number_id, direction, type, text, content, status, "
        "status_rank, error_code, error_title, biz_opaque, created_at, sent_at, delivered_at, "
        "read_at, failed_at, status_at FROM messages WHERE workspace_id = $1 AND wamid = $2",
        {ws ? ws : ws_, wamid});
    EXPECT_TRUE(r.ok());
    StoredMessage m;
    if (!r.ok() || r->empty()) return m;
    m.found = true;
    m.contact_id = r->nullable_integer(0, "contact_id");
    m.phone_number_id = r->nullable_integer(0, "phone_number_id");
    m.direction = r->text(0, "direction");
    m.type = r->text(0, "type");
    m.text = r->text(0, "text");
    m.content = r->text(0, "content");
    m.status = r->text(0, "status");
    m.status_rank = r->integer(0, "status_rank");
    m.error_code = r->integer(0, "error_code");
    m.error_title = r->text(0, "error_title");
    m.biz_opaque = r->text(0, "biz_opaque");
    m.created_at = r->integer(0, "created_at");
    m.sent_at = r->integer(0, "sent_at");
    m.delivered_at = r->integer(0, "delivered_at");
    m.read_at = r->integer(0, "read_at");
    m.failed_at = r->integer(0, "failed_at");
    m.status_at = r->integer(0, "status_at");
    return m;
  }
  std::optional<contacts::Contact> contact(const std::string& wa_id, std::int64_t ws = 0) {
    auto r = contacts_->find_by_phone(ws ? ws : ws_, "+" + wa_id);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  }
  std::vector<contacts::ConsentEvent> consent_history(const std::string& wa_id) {
    auto c = contact(wa_id);
    if (!c) return {};
    auto h = contacts_->consent_history(ws_, c->id);
    EXPECT_TRUE(h.ok());
    return h.ok() ? *h : std::vector<contacts::ConsentEvent>{};
  }
  std::vector<Notice> notices() {
    std::lock_guard lock(mu_);
    return notices_;
  }
  std::vector<Notice> notices_named(std::string_view event) {
    std::vector<Notice> out;
    for (auto& n : notices()) {
      if (n.event == event) out.push_back(std::move(n));
    }
    return out;
  }
  void clear_notices() {
    std::lock_guard lock(mu_);
    notices_.clear();
  }

  std::int64_t account_ = 0, number_ = 0, other_account_ = 0, other_number_ = 0;
  std::unique_ptr<Inbox> inbox_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Notice> notices_;  // guarded by mu_
};

// --- Inbox: receiving
// -----------------------------------------------------------------------------

TEST_P(InboxTest, ReceiveRefusesMissingOrWrongSignaturesAndUnknownAccountsStoringNothing) {
  const auto body = statuses({status("wamid.out.1", "sent", 1764000101)});
  EXPECT_EQ(receive(std::nullopt, "", body).status, 401);
  EXPECT_EQ(receive(std::nullopt, "md5=0123", body).status, 401);
  EXPECT_EQ(receive(std::nullopt, crypto::hmac_sha256_hex(kAppSecret, body), body).status, 401);
  EXPECT_EQ(receive(std::nullopt, signature("another secret", body), body).status, 403);
  EXPECT_EQ(receive(std::nullopt, signature(kAppSecret, body + " "), body).status, 403);
  EXPECT_EQ(receive(std::nullopt, "sha256=", body).status, 403);
  // The account's own endpoint checks the account's secret, not the instance's.
  EXPECT_EQ(receive(account_, signature(kAppSecret, body), body).status, 403);
  EXPECT_EQ(receive(account_ + other_account_ + 100, signature(kAppSecret, body), body).status,
            404);
  EXPECT_EQ(count("webhook_events"), 0);
  EXPECT_EQ(inbox_->received(), 0u);
  EXPECT_EQ(inbox_->refused(), 8u);
}

TEST_P(InboxTest, WithoutAnyAppSecretNothingIsAcceptedOrStored) {
  Inbox bare(db(), clock_, *accounts_, *contacts_, InboxOptions{}, {});
  const auto body = statuses({status("wamid.out.1", "sent", 1764000101)});
  std::promise<int> done;
  bare.receive(std::nullopt, signature("", body), body,
               [&done](int status, std::string) { done.set_value(status); });
  EXPECT_EQ(done.get_future().get(), 503);
  EXPECT_EQ(count("webhook_events"), 0);
  EXPECT_FALSE(bare.handshake(std::nullopt, "subscribe", "", "c").has_value());
}

TEST_P(InboxTest, ReceiveHashesTheExactBytesNotReserialisedJson) {
  // Meta escapes non-ASCII text as \u00e4; re-serialised JSON carries UTF-8 bytes instead.
  const std::string body =
      R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"J\u00fcrgen M\u00fcller"},"wa_id":"4915123456789"}],"messages":[{"from":"4915123456789","id":"wamid.umlaut","timestamp":"1764000001","type":"text","text":{"body":"Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6n \u00e4"}}]}}]}]})";
  const auto reserialised = bj::serialize(bj::parse(body));
  ASSERT_NE(reserialised, body);
  EXPECT_EQ(receive(std::nullopt, signature(kAppSecret, reserialised), body).status, 403);
  EXPECT_EQ(count("webhook_events"), 0);
  EXPECT_EQ(receive(std::nullopt, signature(kAppSecret, body), body).status, 200);
  ASSERT_EQ(count("webhook_events"), 1);
  EXPECT_EQ(db().query("SELECT body FROM webhook_events")->text(0, "body"), body);
  process();
  const auto m = message("wamid.umlaut");
  ASSERT_TRUE(m.found);
  EXPECT_EQ(m.text,
            "Gr\xC3\xBC\xC3\x9F"
            "e aus M\xC3\xBCnchen, sch\xC3\xB6n \xC3\xA4");
  EXPECT_EQ(contact("4915123456789")->name, "J\xC3\xBCrgen M\xC3\xBCller");
}

TEST_P(InboxTest, ReceiveStoresTheExactBodyBeforeAcknowledging) {
  // A second, independent connection to the same database looks at the table at the moment the
  // acknowledgement is given.
  auto observer = db::open(temp_->url(), db::Options{1});
  ASSERT_TRUE(observer.ok()) << observer.error().message;
  const std::string body = "{\"object\":\"whatsapp_business_account\",  \"entry\":[\n]}\n";
  std::promise<std::pair<int, std::int64_t>> seen;
  inbox_->receive(std::nullopt, signature(kAppSecret, body), body, [&](int status, std::string) {
    auto n = (*observer)->query("SELECT COUNT(*) AS n FROM webhook_events");
    seen.set_value({status, n.ok() ? n->integer(0, "n") : -1});
  });
  auto f = seen.get_future();
  ASSERT_EQ(f.wait_for(kDeadline), std::future_status::ready);
  const auto [status, rows_at_ack] = f.get();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(rows_at_ack, 1);

  auto row = db().query(
      "SELECT workspace_id, account_id, received_at, body, size_bytes, outcome FROM "
      "webhook_events");
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->size(), 1u);
  EXPECT_EQ(row->text(0, "body"), body);
  EXPECT_EQ(row->integer(0, "size_bytes"), static_cast<std::int64_t>(body.size()));
  EXPECT_EQ(row->integer(0, "received_at"), clock_.now_ms());
  EXPECT_EQ(row->text(0, "outcome"), "pending");
  EXPECT_FALSE(row->nullable_integer(0, "workspace_id").has_value());
  EXPECT_FALSE(row->nullable_integer(0, "account_id").has_value());
  EXPECT_EQ(inbox_->received(), 1u);
}

TEST_P(InboxTest, ReceiveAcceptsUppercaseHexAndTheAccountsOwnSecret) {
  const auto body = statuses({status("wamid.out.1", "sent", 1764000101)});
  auto upper = crypto::hmac_sha256_hex(kAppSecret, body);
  for (auto& ch : upper)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(receive(std::nullopt, "sha256=" + upper, body).status, 200);
  EXPECT_EQ(receive(account_, signature(kAccountSecret, body), body).status, 200);
  auto rows = db().query("SELECT workspace_id, account_id FROM webhook_events ORDER BY id");
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_FALSE(rows->nullable_integer(0, "workspace_id").has_value());
  EXPECT_EQ(rows->nullable_integer(1, "workspace_id"), ws_);
  EXPECT_EQ(rows->nullable_integer(1, "account_id"), account_);
  // An account without a secret of its own falls back on the instance's.
  EXPECT_EQ(receive(other_account_, signature(kAppSecret, body), body).status, 200);
  EXPECT_EQ(count("webhook_events"), 3);
}

TEST_P(InboxTest, HandshakeAnswersTheChallengeOnlyForSubscribeAndTheRightToken) {
  EXPECT_EQ(inbox_->handshake(std::nullopt, "subscribe", kVerifyToken, "1158201444"), "1158201444");
  EXPECT_EQ(inbox_->handshake(account_, "subscribe", kAccountToken, "ch-2"), "ch-2");
  EXPECT_FALSE(inbox_->handshake(std::nullopt, "unsubscribe", kVerifyToken, "c").has_value());
  EXPECT_FALSE(inbox_->handshake(std::nullopt, "", kVerifyToken, "c").has_value());
  EXPECT_FALSE(inbox_->handshake(std::nullopt, "subscribe", "wrong", "c").has_value());
  EXPECT_FALSE(inbox_->handshake(std::nullopt, "subscribe", "", "c").has_value());
  EXPECT_FALSE(inbox_->handshake(std::nullopt, "subscribe", kAccountToken, "c").has_value());
  EXPECT_FALSE(inbox_->handshake(account_, "subscribe", kVerifyToken, "c").has_value());
  EXPECT_FALSE(inbox_->handshake(account_, "Subscribe", kAccountToken, "c").has_value());
  // An account without a token of its own accepts none, and an unknown account is refused.
  EXPECT_FALSE(inbox_->handshake(other_account_, "subscribe", "", "c").has_value());
  EXPECT_FALSE(inbox_->handshake(other_account_, "subscribe", kVerifyToken, "c").has_value());
  EXPECT_FALSE(inbox_->handshake(account_ + other_account_ + 100, "subscribe", kVerifyToken, "c")
                   .has_value());
}

// --- Inbox: statuses
// ------------------------------------------------------------------------------

TEST_P(InboxTest, StatusesOnlyMoveForwardAndReadImpliesDelivered) {
  deliver(statuses({status("wamid.out.1", "sent", 1764000100)}));
  auto m = message("wamid.out.1");
  ASSERT_TRUE(m.found);
  EXPECT_EQ(m.status, "sent");
  EXPECT_EQ(m.sent_at, 1764000100000);

  deliver(statuses({status("wamid.out.1", "read", 1764000160)}));
  m = message("wamid.out.1");
  EXPECT_EQ(m.status, "read");
  EXPECT_EQ(m.status_rank, static_cast<std::int64_t>(StatusRank::read));
  EXPECT_EQ(m.read_at, 1764000160000);
  EXPECT_EQ(m.delivered_at, 1764000160000);  // read implies delivered
  EXPECT_EQ(m.sent_at, 1764000100000);

  // The delivery webhook comes late: the message stays read and keeps when it was delivered.
  deliver(statuses({status("wamid.out.1", "delivered", 1764000130)}));
  m = message("wamid.out.1");
  EXPECT_EQ(m.status, "read");
  EXPECT_EQ(m.status_at, 1764000160000);
  EXPECT_EQ(m.delivered_at, 1764000130000);
  EXPECT_EQ(m.read_at, 1764000160000);

  // A late sent changes nothing either.
  deliver(statuses({status("wamid.out.1", "sent", 1764000100)}));
  const auto again = message("wamid.out.1");
  EXPECT_EQ(again.status, "read");
  EXPECT_EQ(again.sent_at, m.sent_at);
  EXPECT_EQ(again.delivered_at, m.delivered_at);
  EXPECT_EQ(count("messages"), 1);
}

TEST_P(InboxTest, DuplicateStatusesAreHarmless) {
  const auto body = statuses({status("wamid.out.1", "sent", 1764000100),
                              status("wamid.out.1", "delivered", 1764000110),
                              status("wamid.out.1", "delivered", 1764000110)});
  deliver(body);
  const auto first = message("wamid.out.1");
  deliver(body);  // Meta re-delivers the whole POST
  const auto second = message("wamid.out.1");
  EXPECT_EQ(second.status, "delivered");
  EXPECT_EQ(second.sent_at, first.sent_at);
  EXPECT_EQ(second.delivered_at, 1764000110000);
  EXPECT_EQ(second.status_at, first.status_at);
  EXPECT_EQ(count("messages"), 1);
}

TEST_P(InboxTest, DeliveredBeforeSentStaysDeliveredAndKeepsTheSendTime) {
  deliver(statuses({status("wamid.out.2", "delivered", 1764000110)}));
  auto m = message("wamid.out.2");
  EXPECT_EQ(m.status, "delivered");
  EXPECT_EQ(m.delivered_at, 1764000110000);
  EXPECT_NE(m.sent_at, 0);  // delivered implies sent
  deliver(statuses({status("wamid.out.2", "sent", 1764000100)}));
  m = message("wamid.out.2");
  EXPECT_EQ(m.status, "delivered");
  EXPECT_EQ(m.sent_at, 1764000100000);
  EXPECT_EQ(m.delivered_at, 1764000110000);
}

TEST_P(InboxTest, FailedKeepsItsErrorAndOnlyALaterDeliveryOverridesIt) {
  deliver(statuses({status("wamid.out.3", "sent", 1764000100)}));
  bj::array errors{bj::object{{"code", 131026},
                              {"title", "Message undeliverable"},
                              {"message", "Message undeliverable"},
                              {"error_data", {{"details", "Message Undeliverable."}}}}};
  deliver(statuses({status("wamid.out.3", "failed", 1764000120, kAna, errors)}));
  auto m = message("wamid.out.3");
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.status_rank, static_cast<std::int64_t>(StatusRank::failed));
  EXPECT_EQ(m.error_code, 131026);
  EXPECT_EQ(m.error_title, "Message undeliverable");
  EXPECT_EQ(m.failed_at, 1764000120000);

  // An earlier delivery (another device) does not undo the failure.
  deliver(statuses({status("wamid.out.3", "delivered", 1764000110)}));
  m = message("wamid.out.3");
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.error_code, 131026);

  // A later one proves the message arrived.
  deliver(statuses({status("wamid.out.3", "delivered", 1764000130)}));
  m = message("wamid.out.3");
  EXPECT_EQ(m.status, "delivered");
  EXPECT_EQ(m.status_at, 1764000130000);
  EXPECT_EQ(m.failed_at, 1764000120000);

  // A failure that is older than the delivery changes nothing.
  deliver(statuses({status("wamid.out.3", "failed", 1764000125, kAna, errors)}));
  EXPECT_EQ(message("wamid.out.3").status, "delivered");

  // A message that fails first keeps the error's message when it has no title.
  deliver(statuses({status(
      "wamid.out.4", "failed", 1764000140, kAna,
      bj::array{bj::object{{"code", 131049}, {"message", "Not delivered to keep engagement"}}})}));
  m = message("wamid.out.4");
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.error_code, 131049);
  EXPECT_EQ(m.error_title, "Not delivered to keep engagement");
  EXPECT_EQ(m.failed_at, 1764000140000);
  EXPECT_EQ(m.sent_at, 0);
}

TEST_P(InboxTest, AStatusForAnUnknownWamidCreatesTheRowAndALaterOneContinuesIt) {
  contacts::ContactInput in;
  in.phone = "+" + std::string(kAna);
  auto ana = contacts_->create(ws_, in);
  ASSERT_TRUE(ana.ok()) << ana.error().message;
  auto sent = status("wamid.out.9", "sent", 1764000100);
  sent["biz_opaque_callback_data"] = "campaign=42;recipient=7001";
  deliver(statuses({sent}));
  auto m = message("wamid.out.9");
  ASSERT_TRUE(m.found);
  EXPECT_EQ(m.direction, "out");
  EXPECT_EQ(m.contact_id, ana->id);
  EXPECT_EQ(m.phone_number_id, number_);
  EXPECT_EQ(m.biz_opaque, "campaign=42;recipient=7001");
  EXPECT_EQ(m.status, "sent");
  EXPECT_EQ(m.created_at, 1764000100000);
  deliver(statuses(
      {status("wamid.out.9", "delivered", 1764000105), status("wamid.out.9", "read", 1764000200)}));
  m = message("wamid.out.9");
  EXPECT_EQ(m.status, "read");
  EXPECT_EQ(m.sent_at, 1764000100000);
  EXPECT_EQ(m.delivered_at, 1764000105000);
  EXPECT_EQ(m.read_at, 1764000200000);
  EXPECT_EQ(count("messages"), 1);
  // A recipient who is not a contact leaves the contact empty, and makes no contact.
  deliver(statuses({status("wamid.out.10", "sent", 1764000100, "14155552671")}));
  EXPECT_TRUE(message("wamid.out.10").found);
  EXPECT_FALSE(message("wamid.out.10").contact_id.has_value());
  EXPECT_EQ(count("contacts"), 1);
}

TEST_P(InboxTest, UnknownStatusStringsAreIgnored) {
  deliver(statuses({status("wamid.out.1", "sent", 1764000100)}));
  const auto before = message("wamid.out.1");
  deliver(statuses({status("wamid.out.1", "deleted", 1764000200),
                    status("wamid.out.1", "warning", 1764000201)}));
  const auto after = message("wamid.out.1");
  EXPECT_EQ(after.status, "sent");
  EXPECT_EQ(after.status_at, before.status_at);
  EXPECT_EQ(outcome(last_event_id()), "ignored");
  deliver(statuses({status("wamid.out.new", "deleted", 1764000200)}));
  EXPECT_FALSE(message("wamid.out.new").found);
  // "played" (voice messages) counts as read.
  deliver(statuses({status("wamid.out.1", "played", 1764000300)}));
  EXPECT_EQ(message("wamid.out.1").status, "read");
}

// --- Inbox: inbound messages
// ----------------------------------------------------------------------

TEST_P(InboxTest, AnInboundMessageCreatesTheContactAndLastInAtOnlyMovesForward) {
  deliver(messages({text_message("wamid.in.1", kAna, 1764000200, "Halo")}));
  auto ana = contact(kAna);
  ASSERT_TRUE(ana.has_value());
  EXPECT_EQ(ana->name, "Ana Wijaya");
  EXPECT_EQ(ana->phone, "+6281234567890");
  EXPECT_EQ(ana->country, "ID");
  EXPECT_EQ(ana->last_in_at, 1764000200000);
  auto m = message("wamid.in.1");
  EXPECT_EQ(m.direction, "in");
  EXPECT_EQ(m.status, "received");
  EXPECT_EQ(m.contact_id, ana->id);
  EXPECT_EQ(m.phone_number_id, number_);
  EXPECT_EQ(m.text, "Halo");
  EXPECT_EQ(m.created_at, 1764000200000);

  // An older message arriving late does not move last_in_at back, nor rename the contact.
  deliver(messages({text_message("wamid.in.0", kAna, 1764000100, "earlier")}, kPnid, "Ana W."));
  EXPECT_EQ(contact(kAna)->last_in_at, 1764000200000);
  EXPECT_EQ(contact(kAna)->name, "Ana Wijaya");
  deliver(messages({text_message("wamid.in.2", kAna, 1764000300, "later")}));
  EXPECT_EQ(contact(kAna)->last_in_at, 1764000300000);
  EXPECT_EQ(count("contacts"), 1);
  EXPECT_EQ(count("messages"), 3);
}

TEST_P(InboxTest, TheSameInboundMessageTwiceIsStoredOnce) {
  const auto body = messages({text_message("wamid.in.dup", kAna, 1764000200, "once")});
  deliver(body);
  clear_notices();
  deliver(body);
  deliver(messages({text_message("wamid.in.dup", kAna, 1764000200, "once"),
                    text_message("wamid.in.dup", kAna, 1764000200, "once")}));
  EXPECT_EQ(count("messages"), 1);
  EXPECT_EQ(count("contacts"), 1);
  EXPECT_TRUE(notices_named("inbox.updated").empty());  // nothing new to show
  EXPECT_EQ(notices_named("webhook.received").size(), 2u);
}

TEST_P(InboxTest, EveryInboundTypeIsStoredWithItsRawContent) {
  deliver(kEveryTypeBody);
  ASSERT_EQ(count("messages"), static_cast<std::int64_t>(kEveryType.size()));
  const auto raw = every_type_objects();
  for (std::size_t i = 0; i < kEveryType.size(); ++i) {
    SCOPED_TRACE(kEveryType[i].wamid);
    const auto m = message(kEveryType[i].wamid);
    ASSERT_TRUE(m.found);
    EXPECT_EQ(m.type, kEveryType[i].type);
    EXPECT_EQ(m.text, kEveryType[i].text);
    EXPECT_EQ(m.direction, "in");
    EXPECT_EQ(bj::parse(m.content), raw[i]);
  }
  EXPECT_EQ(contact(kAna)->name, "Ana Wijaya");
  EXPECT_EQ(contact(kBudi)->name, "Budi Santoso");
  EXPECT_EQ(contact(kAna)->last_in_at, 1764000013000);
  EXPECT_EQ(contact(kBudi)->last_in_at, 1764000015000);
  EXPECT_EQ(outcome(last_event_id()), "processed");
  // The contacts of a "contacts" message are a card, not people who wrote: none is made.
  EXPECT_EQ(count("contacts"), 2);
}

TEST_P(InboxTest, OptOutKeywordsMatchTheWholeMessageInAnyCase) {
  deliver(messages({text_message("wamid.in.1", kAna, 1764000100, "please don't stop")}));
  EXPECT_EQ(contact(kAna)->consent, Consent::unknown);
  deliver(messages({text_message("wamid.in.2", kAna, 1764000101, "stop sending me this")}));
  EXPECT_EQ(contact(kAna)->consent, Consent::unknown);
  deliver(messages({text_message("wamid.in.3", kAna, 1764000102, "  stop ")}));
  auto ana = contact(kAna);
  EXPECT_EQ(ana->consent, Consent::opted_out);
  EXPECT_EQ(ana->consent_source, "keyword");
  deliver(messages({text_message("wamid.in.4", kAna, 1764000103, "Start")}));
  EXPECT_EQ(contact(kAna)->consent, Consent::opted_in);
  deliver(messages({text_message("wamid.in.5", kAna, 1764000104, "berhenti")}));
  EXPECT_EQ(contact(kAna)->consent, Consent::opted_out);
  deliver(messages({text_message("wamid.in.6", kAna, 1764000105, "STOP")}));  // already out
  const auto history = consent_history(kAna);
  ASSERT_EQ(history.size(), 3u);  // newest first
  EXPECT_EQ(history[0].state, Consent::opted_out);
  EXPECT_EQ(history[1].state, Consent::opted_in);
  EXPECT_EQ(history[2].state, Consent::opted_out);
  for (const auto& e : history)
    EXPECT_EQ(e.source, "keyword");

  // The workspace's own keywords replace the defaults.
  ASSERT_TRUE(contacts_
                  ->update_settings(ws_, std::nullopt, std::vector<std::string>{"Keluar"},
                                    std::vector<std::string>{"Gabung"})
                  .ok());
  deliver(messages({text_message("wamid.in.7", kBudi, 1764000106, "stop")}, kPnid, "Budi", kBudi));
  EXPECT_EQ(contact(kBudi)->consent, Consent::unknown);
  deliver(
      messages({text_message("wamid.in.8", kBudi, 1764000107, "KELUAR")}, kPnid, "Budi", kBudi));
  EXPECT_EQ(contact(kBudi)->consent, Consent::opted_out);
  deliver(
      messages({text_message("wamid.in.9", kBudi, 1764000108, "gabung")}, kPnid, "Budi", kBudi));
  EXPECT_EQ(contact(kBudi)->consent, Consent::opted_in);
}

TEST_P(InboxTest, AStopPromotionsQuickReplyOptsOut) {
  auto button = [](const std::string& wamid, const std::string& label) {
    return bj::object{{"from", kAna},
                      {"id", wamid},
                      {"timestamp", "1764000100"},
                      {"type", "button"},
                      {"context", {{"from", kDisplay}, {"id", "wamid.out.promo"}}},
                      {"button", {{"payload", label}, {"text", label}}}};
  };
  deliver(messages({button("wamid.in.b1", "Yes please")}));
  EXPECT_EQ(contact(kAna)->consent, Consent::unknown);
  deliver(messages({button("wamid.in.b2", "Stop promotions")}));
  const auto ana = contact(kAna);
  EXPECT_EQ(ana->consent, Consent::opted_out);
  EXPECT_EQ(ana->consent_source, "button");
  const auto history = consent_history(kAna);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].source, "button");
}

TEST_P(InboxTest, UserPreferencesStopAndResumeChangeConsent) {
  deliver(preference(kAna, "stop", 1764000100));
  auto ana = contact(kAna);
  ASSERT_TRUE(ana.has_value());
  EXPECT_EQ(ana->consent, Consent::opted_out);
  EXPECT_EQ(ana->consent_source, "whatsapp_preferences");
  deliver(preference(kAna, "stop", 1764000101));  // no second event for the same state
  deliver(preference(kAna, "resume", 1764000200));
  EXPECT_EQ(contact(kAna)->consent, Consent::opted_in);
  const auto history = consent_history(kAna);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].state, Consent::opted_in);
  EXPECT_EQ(history[0].source, "whatsapp_preferences");
  EXPECT_EQ(history[1].state, Consent::opted_out);
  EXPECT_EQ(history[1].source, "whatsapp_preferences");
  EXPECT_EQ(count("messages"), 0);
}

TEST_P(InboxTest, AMessageToANumberThatIsNotRoutedChangesNothing) {
  deliver(messages({text_message("wamid.in.1", kAna, 1764000100, "STOP")}, "999000111222333"));
  auto e = db().query("SELECT workspace_id, outcome, kinds, summary FROM webhook_events");
  ASSERT_EQ(e->size(), 1u);
  EXPECT_EQ(e->text(0, "outcome"), "unrouted");
  EXPECT_EQ(e->text(0, "kinds"), "messages");
  EXPECT_EQ(e->text(0, "summary"), "1 message");
  EXPECT_FALSE(e->nullable_integer(0, "workspace_id").has_value());
  EXPECT_EQ(count("messages"), 0);
  EXPECT_EQ(count("contacts"), 0);
  EXPECT_EQ(count("consent_events"), 0);

  // Through an account's own endpoint, another workspace's number is not routed either.
  const auto body = messages({text_message("wamid.in.2", kAna, 1764000100, "hi")}, kOtherPnid);
  ASSERT_EQ(receive(account_, signature(kAccountSecret, body), body).status, 200);
  process();
  EXPECT_EQ(outcome(last_event_id()), "unrouted");
  EXPECT_EQ(count("messages"), 0);
  EXPECT_EQ(count("contacts"), 0);
  EXPECT_TRUE(notices_named("inbox.updated").empty());
}

TEST_P(InboxTest, MessagesAndStatusesLandInTheWorkspaceOfTheirNumber) {
  post(messages({text_message("wamid.in.x", kAna, 1764000100, "for the other shop")}, kOtherPnid));
  post(statuses({status("wamid.out.x", "sent", 1764000100)}, kOtherPnid));
  process();
  EXPECT_EQ(count("messages", "workspace_id = " + std::to_string(ws_)), 0);
  EXPECT_TRUE(message("wamid.in.x", other_ws_).found);
  EXPECT_TRUE(message("wamid.out.x", other_ws_).found);
  EXPECT_EQ(message("wamid.in.x", other_ws_).phone_number_id, other_number_);
  EXPECT_FALSE(contact(kAna).has_value());
  EXPECT_TRUE(contact(kAna, other_ws_).has_value());
}

// --- Inbox: templates, numbers, accounts ---------------------------------------------------------

TEST_P(InboxTest, TemplateUpdatesChangeTheStoredTemplate) {
  auto add_template = [&](const std::string& meta_id, const std::string& name,
                          const std::string& lang) {
    return insert(
        "INSERT INTO templates (workspace_id, account_id, meta_id, name, language, category, "
        "status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'UTILITY', 'PENDING', $6, "
        "$6) RETURNING id",
        {ws_, account_, meta_id, name, lang, clock_.now_ms()});
  };
  add_template("594425479261596", "order_update", "en_US");
  add_template("594425479261597", "order_update", "id");
  add_template("594425479261598", "spring_sale", "en_US");
  auto read = [&](const std::string& meta_id) {
    return db()
        .query(
            "SELECT status, quality, category, rejected_reason FROM templates WHERE meta_id = $1",
            {meta_id})
        .value();
  };
  clock_.advance(std::chrono::minutes(5));
  deliver(webhook(kWaba, "message_template_status_update",
                  {{"event", "APPROVED"},
                   {"message_template_id", 594425479261596},
                   {"message_template_name", "order_update"},
                   {"message_template_language", "en_US"},
                   {"message_template_category", "UTILITY"},
                   {"reason", "NONE"}}));
  EXPECT_EQ(read("594425479261596").text(0, "status"), "APPROVED");
  EXPECT_EQ(read("594425479261596").text(0, "rejected_reason"), "");
  EXPECT_EQ(read("594425479261597").text(0, "status"), "PENDING");  // the other language
  EXPECT_EQ(db().query("SELECT updated_at FROM templates WHERE meta_id = '594425479261596'")
                ->integer(0, "updated_at"),
            clock_.now_ms());

  deliver(webhook(kWaba, "message_template_status_update",
                  {{"event", "REJECTED"},
                   {"message_template_id", "594425479261598"},
                   {"message_template_name", "spring_sale"},
                   {"message_template_language", "en_US"},
                   {"reason", "INCORRECT_CATEGORY"}}));
  EXPECT_EQ(read("594425479261598").text(0, "status"), "REJECTED");
  EXPECT_EQ(read("594425479261598").text(0, "rejected_reason"), "INCORRECT_CATEGORY");

  deliver(webhook(kWaba, "message_template_quality_update",
                  {{"previous_quality_score", "GREEN"},
                   {"new_quality_score", "YELLOW"},
                   {"message_template_id", 594425479261597},
                   {"message_template_name", "order_update"},
                   {"message_template_language", "id"}}));
  EXPECT_EQ(read("594425479261597").text(0, "quality"), "YELLOW");
  EXPECT_EQ(read("594425479261596").text(0, "quality"), "UNKNOWN");

  deliver(webhook(kWaba, "template_category_update",
                  {{"message_template_id", 594425479261598},
                   {"message_template_name", "spring_sale"},
                   {"message_template_language", "en_US"},
                   {"previous_category", "UTILITY"},
                   {"new_category", "MARKETING"}}));
  EXPECT_EQ(read("594425479261598").text(0, "category"), "MARKETING");
  EXPECT_EQ(read("594425479261596").text(0, "category"), "UTILITY");

  const auto updates = notices_named("template.updated");
  ASSERT_EQ(updates.size(), 4u);
  EXPECT_EQ(updates[0].workspace_id, ws_);
  EXPECT_EQ(updates[0].data.at("account_id"), account_);
  EXPECT_EQ(updates[0].data.at("name"), "order_update");
  EXPECT_EQ(updates[0].data.at("language"), "en_US");
  EXPECT_EQ(updates[0].data.at("event"), "APPROVED");
  EXPECT_EQ(updates[2].data.at("event"), "YELLOW");

  // A WABA no workspace has is unrouted and changes nothing.
  deliver(webhook("999999999999999", "message_template_status_update",
                  {{"event", "DISABLED"},
                   {"message_template_id", 594425479261596},
                   {"message_template_name", "order_update"},
                   {"message_template_language", "en_US"}}));
  EXPECT_EQ(outcome(last_event_id()), "unrouted");
  EXPECT_EQ(read("594425479261596").text(0, "status"), "APPROVED");
}

TEST_P(InboxTest, AnUpdateNamingNoTemplateIdChangesOnlyTheNamedTemplate) {
  // Templates made here and not yet synced have no Meta id.
  for (const char* name : {"draft_one", "draft_two"}) {
    insert(
        "INSERT INTO templates (workspace_id, account_id, name, language, status, created_at, "
        "updated_at) VALUES ($1, $2, $3, 'en', 'PENDING', 1, 1) RETURNING id",
        {ws_, account_, std::string(name)});
  }
  deliver(webhook(kWaba, "message_template_status_update",
                  {{"event", "APPROVED"},
                   {"message_template_name", "draft_one"},
                   {"message_template_language", "en"}}));
  EXPECT_EQ(db().query("SELECT status FROM templates WHERE name = 'draft_one'")->text(0, "status"),
            "APPROVED");
  EXPECT_EQ(db().query("SELECT status FROM templates WHERE name = 'draft_two'")->text(0, "status"),
            "PENDING");
}

TEST_P(InboxTest, PhoneNumberQualityUpdatesChangeTheTierThroughputAndRating) {
  auto number = [&] {
    return db()
        .query(
            "SELECT messaging_tier, throughput_mps, quality_rating FROM phone_numbers WHERE "
            "id = $1",
            {number_})
        .value();
  };
  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay},
                   {"event", "UPGRADE"},
                   {"old_limit", "TIER_1K"},
                   {"current_limit", "TIER_10K"}}));
  EXPECT_EQ(number().text(0, "messaging_tier"), "TIER_10K");
  EXPECT_EQ(outcome(last_event_id()), "processed");

  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay},
                   {"event", "THROUGHPUT_UPGRADE"},
                   {"current_limit", "TIER_UNLIMITED"}}));
  EXPECT_EQ(number().integer(0, "throughput_mps"), 1000);
  EXPECT_EQ(number().text(0, "messaging_tier"), "TIER_UNLIMITED");

  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay}, {"event", "FLAGGED"}}));
  EXPECT_EQ(number().text(0, "quality_rating"), "RED");
  EXPECT_EQ(number().text(0, "messaging_tier"), "TIER_UNLIMITED");  // no limit named: kept
  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay}, {"event", "UNFLAGGED"}}));
  EXPECT_EQ(number().text(0, "quality_rating"), "GREEN");

  // The other workspace's number is untouched.
  EXPECT_EQ(db().query("SELECT messaging_tier FROM phone_numbers WHERE id = $1", {other_number_})
                ->text(0, "messaging_tier"),
            "TIER_1K");
}

TEST_P(InboxTest, ThePortfolioLimitNamesTheTierInMetasWords) {
  auto tier = [&] {
    return db()
        .query("SELECT messaging_tier FROM phone_numbers WHERE id = $1", {number_})
        ->text(0, "messaging_tier");
  };
  // max_daily_conversations_per_business replaces current_limit; as a number it is the count.
  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay},
                   {"event", "UPGRADE"},
                   {"max_daily_conversations_per_business", 10000}}));
  EXPECT_EQ(tier(), "TIER_10K");
  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay},
                   {"event", "UPGRADE"},
                   {"max_daily_conversations_per_business", 2000}}));
  EXPECT_EQ(tier(), "TIER_2K");
  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay},
                   {"event", "UPGRADE"},
                   {"max_daily_conversations_per_business", -1}}));
  EXPECT_EQ(tier(), "TIER_UNLIMITED");
  // As a tier name, it is taken as it is, and wins over the number's own limit.
  deliver(webhook(kWaba, "phone_number_quality_update",
                  {{"display_phone_number", kDisplay},
                   {"event", "DOWNGRADE"},
                   {"current_limit", "TIER_1K"},
                   {"max_daily_conversations_per_business", "TIER_100K"}}));
  EXPECT_EQ(tier(), "TIER_100K");
}

TEST_P(InboxTest, AnAccountRestrictionPausesTheAccountAndReconnectingResumesIt) {
  deliver(webhook(kWaba, "account_update",
                  {{"phone_number", kDisplay},
                   {"event", "ACCOUNT_RESTRICTION"},
                   {"restriction_info",
                    bj::array{bj::object{{"restriction_type", "RESTRICTED_BIZ_INITIATED_MESSAGING"},
                                         {"expiration", 1764600000}}}}}));
  auto a = accounts_->get(ws_, account_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->status, "paused");
  EXPECT_EQ(a->paused_reason, "Meta reported ACCOUNT_RESTRICTION");
  EXPECT_EQ(accounts_->get(other_ws_, other_account_)->status, "active");
  EXPECT_EQ(outcome(last_event_id()), "processed");

  deliver(webhook(kWaba, "account_update", {{"event", "ACCOUNT_RECONNECTED"}}));
  a = accounts_->get(ws_, account_);
  EXPECT_EQ(a->status, "active");
  EXPECT_EQ(a->paused_reason, "");

  // A person's pause is not lifted by Meta.
  AccountInput pause;
  pause.status = "paused";
  ASSERT_TRUE(accounts_->update(ws_, account_, pause).ok());
  deliver(webhook(kWaba, "account_update", {{"event", "ACCOUNT_RECONNECTED"}}));
  EXPECT_EQ(accounts_->get(ws_, account_)->status, "paused");

  // Fields Kirim does not act on are logged and acknowledged, not applied.
  deliver(webhook(kWaba, "business_capability_update",
                  {{"max_daily_conversations_per_business", 2000}}));
  EXPECT_EQ(outcome(last_event_id()), "ignored");
}

// --- Inbox: replay, failures, the log, notices ---------------------------------------------------

TEST_P(InboxTest, ReplayAppliesAnEventAgainWithoutDoubleEffects) {
  const auto body = messages({text_message("wamid.in.1", kAna, 1764000100, "STOP")});
  ASSERT_EQ(receive(account_, signature(kAccountSecret, body), body).status, 200);
  post(statuses(
      {status("wamid.out.1", "sent", 1764000090), status("wamid.out.1", "read", 1764000095)}));
  process();
  const auto message_event = last_event_id() - 1;
  const auto status_event = last_event_id();
  const auto before = message("wamid.out.1");
  const auto consent_events = count("consent_events");
  ASSERT_EQ(consent_events, 1);
  clock_.advance(std::chrono::minutes(1));

  for (auto id : {message_event, status_event, message_event}) {
    auto replayed = inbox_->replay(ws_, id);
    ASSERT_TRUE(replayed.ok()) << replayed.error().message;
    EXPECT_EQ(replayed->outcome, "processed");
    EXPECT_EQ(replayed->processed_at, clock_.now_ms());
  }
  EXPECT_EQ(count("messages"), 2);
  EXPECT_EQ(count("contacts"), 1);
  EXPECT_EQ(count("consent_events"), consent_events);
  EXPECT_EQ(contact(kAna)->last_in_at, 1764000100000);
  const auto after = message("wamid.out.1");
  EXPECT_EQ(after.status, before.status);
  EXPECT_EQ(after.sent_at, before.sent_at);
  EXPECT_EQ(after.read_at, before.read_at);
  EXPECT_EQ(after.status_at, before.status_at);

  // Another workspace cannot replay (nor see) it.
  EXPECT_EQ(inbox_->replay(other_ws_, message_event).error().code, Errc::not_found);
  EXPECT_EQ(inbox_->event(other_ws_, message_event).error().code, Errc::not_found);
}

TEST_P(InboxTest, OneEventThatFailsIsMarkedFailedAndTheRestOfTheBatchIsApplied) {
  const std::string stale_pnid = "106540352242999";
  const auto stale = insert_number(ws_, account_, stale_pnid, "+1 555-078-3999");
  // The routes are read once; then the number's row goes away behind them, so storing a
  // message on it breaks the messages -> phone_numbers foreign key.
  ASSERT_TRUE(accounts_->route_phone_number(stale_pnid).has_value());
  ASSERT_EQ(*db().write_exec("DELETE FROM phone_numbers WHERE id = $1", {stale}), 1);

  post(messages({text_message("wamid.in.1", kAna, 1764000100, "first")}));
  // Through the account's own endpoint, so that the event names its workspace.
  const auto broken = messages({text_message("wamid.in.2", kBudi, 1764000101, "broken")},
                               stale_pnid, "Budi", kBudi);
  ASSERT_EQ(receive(account_, signature(kAccountSecret, broken), broken).status, 200);
  post(statuses({status("wamid.out.1", "sent", 1764000102)}));
  const auto last = last_event_id();
  auto n = inbox_->process_pending();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(outcome(last - 2), "processed");
  EXPECT_EQ(outcome(last - 1), "failed");
  EXPECT_EQ(outcome(last), "processed");
  const auto failed = inbox_->event(ws_, last - 1);
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->error.empty());
  EXPECT_EQ(failed->processed_at, clock_.now_ms());
  EXPECT_TRUE(message("wamid.in.1").found);
  EXPECT_FALSE(message("wamid.in.2").found);
  EXPECT_FALSE(contact(kBudi).has_value());  // its unit rolled back whole
  EXPECT_TRUE(message("wamid.out.1").found);
  // Nothing is left pending, so nothing is retried in a loop.
  EXPECT_EQ(count("webhook_events", "outcome = 'pending'"), 0);
  EXPECT_EQ(*inbox_->process_pending(), 0u);
}

TEST_P(InboxTest, TheLogIsSearchedByTextKindAndOutcomeWithinTheWorkspace) {
  post(messages({text_message("wamid.in.1", kAna, 1764000100, "Where is my parcel?")}));
  post(statuses({status("wamid.out.1", "sent", 1764000101)}));
  post(statuses({status("wamid.out.2", "sent", 1764000102)}, kOtherPnid));
  const auto ignored = statuses({status("wamid.out.3", "deleted", 1764000103)});
  ASSERT_EQ(receive(account_, signature(kAccountSecret, ignored), ignored).status, 200);
  process();
  auto ids = [&](std::int64_t ws, std::string q, std::string kind = "", std::string result = "",
                 std::int64_t before = 0, int limit = 50) {
    WebhookQuery query;
    query.q = std::move(q);
    query.kind = std::move(kind);
    query.outcome = std::move(result);
    query.before = before;
    query.limit = limit;
    std::vector<std::string> out;
    auto r = inbox_->events(ws, query);
    EXPECT_TRUE(r.ok());
    for (const auto& e : *r)
      out.push_back(e.kinds + "/" + e.outcome);
    return out;
  };
  using Lines = std::vector<std::string>;
  EXPECT_EQ(ids(ws_, ""), (Lines{"statuses/ignored", "statuses/processed", "messages/processed"}));
  EXPECT_EQ(ids(ws_, "parcel"), Lines{"messages/processed"});
  EXPECT_EQ(ids(ws_, "wamid.out.1"), Lines{"statuses/processed"});
  EXPECT_TRUE(ids(ws_, "wamid.out.2").empty());  // the other workspace's
  EXPECT_TRUE(ids(ws_, "100%").empty());
  EXPECT_EQ(ids(ws_, "", "messages"), Lines{"messages/processed"});
  EXPECT_EQ(ids(ws_, "", "", "ignored"), Lines{"statuses/ignored"});
  EXPECT_EQ(ids(ws_, "", "statuses", "processed"), Lines{"statuses/processed"});
  EXPECT_EQ(ids(ws_, "", "", "", 0, 1).size(), 1u);
  EXPECT_EQ(ids(other_ws_, ""), Lines{"statuses/processed"});
  EXPECT_TRUE(ids(other_ws_, "parcel").empty());

  auto all = inbox_->events(ws_, WebhookQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(ids(ws_, "", "", "", all->front().id).size(), 2u);
  auto one = inbox_->event(ws_, all->back().id);
  ASSERT_TRUE(one.ok());
  EXPECT_NE(one->body.find("Where is my parcel?"), std::string::npos);
  EXPECT_EQ(one->summary, "1 message");
  const auto j = webhook_event_json(*one, true);
  EXPECT_EQ(j.at("kinds"), (bj::array{"messages"}));
  EXPECT_EQ(j.at("outcome"), "processed");
  EXPECT_TRUE(j.contains("body"));
  EXPECT_FALSE(webhook_event_json(*one, false).contains("body"));
}

TEST_P(InboxTest, NoticesFollowTheCommitOfEachBatch) {
  post(messages({text_message("wamid.in.1", kAna, 1764000100, "Halo")}));
  post(statuses(
      {status("wamid.out.1", "sent", 1764000101), status("wamid.out.2", "sent", 1764000102)}));
  post(statuses({status("wamid.out.3", "sent", 1764000103)}, kOtherPnid));
  EXPECT_TRUE(notices().empty());  // storing is not applying
  process();
  const auto received = notices_named("webhook.received");
  ASSERT_EQ(received.size(), 2u);
  for (const auto& n : received) {
    EXPECT_EQ(n.data.at("count"), n.workspace_id == ws_ ? 2 : 1);
  }
  const auto updated = notices_named("inbox.updated");
  ASSERT_EQ(updated.size(), 2u);
  const auto& mine = updated[0].workspace_id == ws_ ? updated[0] : updated[1];
  const auto& theirs = updated[0].workspace_id == ws_ ? updated[1] : updated[0];
  EXPECT_EQ(mine.data.at("messages"), 1);
  EXPECT_EQ(mine.data.at("statuses"), 2);
  EXPECT_EQ(mine.data.at("contacts"), (bj::array{contact(kAna)->id}));
  EXPECT_EQ(theirs.workspace_id, other_ws_);
  EXPECT_EQ(theirs.data.at("statuses"), 1);
  EXPECT_EQ(theirs.data.at("messages"), 0);
  EXPECT_TRUE(notices_named("template.updated").empty());
}

TEST_P(InboxTest, EveryNewMessageMovedStatusAndConsentChangeGetsOneNoticeInOrder) {
  deliver(messages({text_message("wamid.in.1", kAna, 1764000100, "Halo")}));
  const auto ana = contact(kAna)->id;
  deliver(statuses({status("wamid.out.1", "sent", 1764000101),
                    status("wamid.out.1", "delivered", 1764000102),
                    status("wamid.out.1", "delivered", 1764000102),  // a duplicate
                    status("wamid.out.1", "sent", 1764000101),       // stale
                    status("wamid.out.2", "failed", 1764000103, kAna,
                           bj::array{bj::object{{"code", 131049},
                                                {"title", "Not delivered to keep engagement"}}})}));
  deliver(messages({text_message("wamid.in.1", kAna, 1764000100, "Halo")}));  // again
  deliver(messages({text_message("wamid.in.2", kAna, 1764000104, "STOP")}));
  deliver(messages({text_message("wamid.in.3", kAna, 1764000105, "STOP")}));  // already out

  std::vector<Notice> seen;
  for (auto& n : notices()) {
    if (n.event.starts_with("message.") || n.event.starts_with("contact.")) seen.push_back(n);
  }
  ASSERT_EQ(seen.size(), 7u);
  for (const auto& n : seen)
    EXPECT_EQ(n.workspace_id, ws_);
  EXPECT_EQ(seen[0].event, "message.received");
  EXPECT_EQ(seen[0].data, (bj::object{{"wamid", "wamid.in.1"},
                                      {"contact_id", ana},
                                      {"phone", "+6281234567890"},
                                      {"type", "text"},
                                      {"text", "Halo"},
                                      {"at", "2025-11-24T16:01:40Z"}}));
  EXPECT_EQ(seen[1].event, "message.status");
  EXPECT_EQ(seen[1].data.at("status"), "sent");
  EXPECT_EQ(seen[1].data.at("contact_id"), ana);
  EXPECT_EQ(seen[1].data.at("error_code"), nullptr);
  EXPECT_EQ(seen[2].data.at("wamid"), "wamid.out.1");
  EXPECT_EQ(seen[2].data.at("status"), "delivered");
  EXPECT_EQ(seen[2].data.at("at"), "2025-11-24T16:01:42Z");
  EXPECT_EQ(seen[3].data.at("wamid"), "wamid.out.2");
  EXPECT_EQ(seen[3].data.at("status"), "failed");
  EXPECT_EQ(seen[3].data.at("error_code"), 131049);
  EXPECT_EQ(seen[3].data.at("error_title"), "Not delivered to keep engagement");
  EXPECT_EQ(seen[3].data.at("phone"), "+6281234567890");
  EXPECT_EQ(seen[4].event, "message.received");
  EXPECT_EQ(seen[4].data.at("wamid"), "wamid.in.2");
  EXPECT_EQ(seen[5].event, "contact.opted_out");
  EXPECT_EQ(seen[5].data.at("contact_id"), ana);
  EXPECT_EQ(seen[5].data.at("phone"), "+6281234567890");
  EXPECT_EQ(seen[5].data.at("consent"), "opted_out");
  EXPECT_EQ(seen[5].data.at("source"), "keyword");
  EXPECT_EQ(seen[6].event, "message.received");
  EXPECT_EQ(seen[6].data.at("wamid"), "wamid.in.3");
}

TEST_P(InboxTest, MessageNoticesAreCappedPerBatchButTheMessagesAreAllApplied) {
  std::vector<bj::object> many;
  for (std::size_t i = 0; i < kMaxMessageNotices + 5; ++i) {
    many.push_back(status("wamid.cap." + std::to_string(i), "sent", 1764000101));
  }
  deliver(statuses(std::move(many)));
  EXPECT_EQ(notices_named("message.status").size(), kMaxMessageNotices);
  EXPECT_EQ(count("messages"), static_cast<std::int64_t>(kMaxMessageNotices + 5));
}

// The processing thread: the one test that starts it, waiting on the notice with a deadline.
class InboxThreadTest : public InboxTest {
 protected:
  void on_notice(std::int64_t ws, std::string_view event, const bj::object& data) override {
    // Called after the commit: what the notice announces is already visible.
    if (event == "inbox.updated") {
      auto r = db().query("SELECT COUNT(*) AS n FROM messages WHERE workspace_id = $1", {ws});
      visible_at_notice_ = r.ok() ? r->integer(0, "n") : -1;
    }
    InboxTest::on_notice(ws, event, data);
  }
  std::int64_t visible_at_notice_ = -1;  // written before the notice is recorded under mu_
};

TEST_P(InboxThreadTest, TheProcessingThreadAppliesWhatArrivesAndNotifies) {
  inbox_->start();
  post(messages({text_message("wamid.in.1", kAna, 1764000100, "Halo")}));
  {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, kDeadline, [&] {
      return std::any_of(notices_.begin(), notices_.end(),
                         [](const Notice& n) { return n.event == "inbox.updated"; });
    }));
    EXPECT_EQ(visible_at_notice_, 1);
  }
  inbox_->stop();
  EXPECT_TRUE(message("wamid.in.1").found);
  EXPECT_EQ(outcome(last_event_id()), "processed");
  EXPECT_EQ(inbox_->processed(), 1u);
}

// --- Accounts
// -------------------------------------------------------------------------------------

class AccountsTest : public StoreTest {
 protected:
  AccountInput input(const std::string& waba) {
    AccountInput in;
    in.name = "Acme Store";
    in.waba_id = waba;
    in.access_token = "EAAG-secret-access-token";
    in.app_secret = "app-secret-0123";
    in.verify_token = "verify-token-4567";
    return in;
  }
  db::Rows raw(std::int64_t id) {
    return db()
        .query(
            "SELECT access_token_enc, app_secret_enc, verify_token_enc FROM wa_accounts WHERE "
            "id = $1",
            {id})
        .value();
  }
};

TEST_P(AccountsTest, CreateSealsEverySecretAndTheJsonShowsNone) {
  auto a = accounts_->create(ws_, input(kWaba));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->name, "Acme Store");
  EXPECT_EQ(a->waba_id, kWaba);
  EXPECT_EQ(a->status, "active");
  EXPECT_TRUE(a->has_access_token);
  EXPECT_TRUE(a->has_app_secret);
  EXPECT_TRUE(a->has_verify_token);
  EXPECT_FALSE(a->refresh_error.empty());  // the Graph API was out of reach: kept, not fatal

  const auto rows = raw(a->id);
  const std::vector<std::pair<std::string, std::string>> secrets = {
      {"access_token_enc", "EAAG-secret-access-token"},
      {"app_secret_enc", "app-secret-0123"},
      {"verify_token_enc", "verify-token-4567"}};
  for (const auto& [column, plain] : secrets) {
    SCOPED_TRACE(column);
    const auto stored = rows.text(0, column);
    EXPECT_NE(stored, plain);
    EXPECT_EQ(stored.find(plain), std::string::npos);
    EXPECT_TRUE(stored.starts_with("v1."));
    EXPECT_EQ(crypto::open_secret(key_, stored), plain);
    EXPECT_FALSE(crypto::open_secret(test_key(7), stored).has_value());
  }

  const auto text = bj::serialize(account_json(*a));
  for (const auto& [column, plain] : secrets) {
    EXPECT_EQ(text.find(plain), std::string::npos) << column;
    EXPECT_EQ(text.find(rows.text(0, column)), std::string::npos) << column;
  }
  EXPECT_NE(text.find("\"has_access_token\":true"), std::string::npos);
  EXPECT_NE(text.find("\"webhook_path\":\"/webhooks/whatsapp/" + std::to_string(a->id) + "\""),
            std::string::npos);

  const auto hooks = accounts_->webhook_secrets(a->id);
  ASSERT_TRUE(hooks.has_value());
  EXPECT_EQ(hooks->workspace_id, ws_);
  EXPECT_EQ(hooks->app_secret, "app-secret-0123");
  EXPECT_EQ(hooks->verify_token, "verify-token-4567");
  EXPECT_EQ(accounts_->credentials(ws_, a->id)->access_token, "EAAG-secret-access-token");
  EXPECT_EQ(accounts_->credentials(other_ws_, a->id).error().code, Errc::not_found);
}

TEST_P(AccountsTest, CreateRefusesBadInputAndStoresNothing) {
  AccountInput bad;
  bad.name = "";
  bad.waba_id = "WABA-1";
  bad.graph_url = "ftp://graph";
  auto r = accounts_->create(ws_, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  for (const char* field : {"name", "waba_id", "access_token", "graph_url"})
    EXPECT_TRUE(r.error().details.contains(field)) << field;
  EXPECT_EQ(count("wa_accounts"), 0);
}

TEST_P(AccountsTest, UpdateReplacesOneSecretAndKeepsTheOthers) {
  auto a = accounts_->create(ws_, input(kWaba));
  ASSERT_TRUE(a.ok());
  const auto before = raw(a->id);
  AccountInput change;
  change.app_secret = "rotated-app-secret";
  ASSERT_TRUE(accounts_->update(ws_, a->id, change).ok());
  const auto after = raw(a->id);
  EXPECT_EQ(after.text(0, "access_token_enc"), before.text(0, "access_token_enc"));
  EXPECT_EQ(after.text(0, "verify_token_enc"), before.text(0, "verify_token_enc"));
  EXPECT_NE(after.text(0, "app_secret_enc"), before.text(0, "app_secret_enc"));
  EXPECT_EQ(crypto::open_secret(key_, after.text(0, "app_secret_enc")), "rotated-app-secret");
  const auto hooks = accounts_->webhook_secrets(a->id);
  ASSERT_TRUE(hooks.has_value());
  EXPECT_EQ(hooks->app_secret, "rotated-app-secret");
  EXPECT_EQ(hooks->verify_token, "verify-token-4567");
  EXPECT_EQ(accounts_->credentials(ws_, a->id)->access_token, "EAAG-secret-access-token");

  // An empty app secret clears it; an empty access token is refused.
  change.app_secret = "";
  ASSERT_TRUE(accounts_->update(ws_, a->id, change).ok());
  EXPECT_EQ(accounts_->webhook_secrets(a->id)->app_secret, "");
  EXPECT_FALSE(accounts_->get(ws_, a->id)->has_app_secret);
  AccountInput empty_token;
  empty_token.access_token = "";
  EXPECT_EQ(accounts_->update(ws_, a->id, empty_token).error().code, Errc::invalid_argument);
  EXPECT_EQ(accounts_->update(other_ws_, a->id, change).error().code, Errc::not_found);
}

TEST_P(AccountsTest, TheSameBusinessAccountTwiceInOneWorkspaceIsAConflict) {
  ASSERT_TRUE(accounts_->create(ws_, input(kWaba)).ok());
  auto again = accounts_->create(ws_, input(kWaba));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_TRUE(again.error().details.contains("waba_id"));
  EXPECT_EQ(count("wa_accounts"), 1);
  // Another workspace may connect the same business account.
  EXPECT_TRUE(accounts_->create(other_ws_, input(kWaba)).ok());
  EXPECT_EQ(accounts_->route_waba(kWaba).size(), 2u);
}

TEST_P(AccountsTest, RoutesFollowCreateAndRemove) {
  EXPECT_TRUE(accounts_->route_waba(kWaba).empty());
  auto a = accounts_->create(ws_, input(kWaba));
  ASSERT_TRUE(a.ok());
  auto routes = accounts_->route_waba(kWaba);
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].workspace_id, ws_);
  EXPECT_EQ(routes[0].account_id, a->id);

  // Numbers come from the Graph API on refresh; here the row is written directly and an update
  // rebuilds the routes.
  const auto pn = insert_number(ws_, a->id, kPnid, "+1 555-078-3881");
  AccountInput rename;
  rename.name = "Acme";
  ASSERT_TRUE(accounts_->update(ws_, a->id, rename).ok());
  auto route = accounts_->route_phone_number(kPnid);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->workspace_id, ws_);
  EXPECT_EQ(route->account_id, a->id);
  EXPECT_EQ(route->phone_number_id, pn);

  EXPECT_EQ(accounts_->remove(other_ws_, a->id).error().code, Errc::not_found);
  EXPECT_EQ(accounts_->route_waba(kWaba).size(), 1u);
  ASSERT_TRUE(accounts_->remove(ws_, a->id).ok());
  EXPECT_TRUE(accounts_->route_waba(kWaba).empty());
  EXPECT_FALSE(accounts_->route_phone_number(kPnid).has_value());
  EXPECT_FALSE(accounts_->webhook_secrets(a->id).has_value());
  EXPECT_EQ(count("phone_numbers"), 0);
  EXPECT_EQ(accounts_->remove(ws_, a->id).error().code, Errc::not_found);
}

// --- The secret key and templates in Meta's shape
// ---------------------------------------------------

class SecretKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    dir_ = fs::temp_directory_path() /
           ("kirim-key-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SecretKeyTest, MakesAPrivateKeyFileOnceAndReadsItBack) {
  const auto data_dir = (dir_ / "var").string();
  auto first = load_secret_key("", data_dir);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->size(), crypto::kSecretKeyBytes);
  const auto path = dir_ / "var" / "secret.key";
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto second = load_secret_key("", data_dir);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  // What one key sealed, the key read back opens.
  EXPECT_EQ(crypto::open_secret(*second, crypto::seal_secret(*first, "token")), "token");
}

TEST_F(SecretKeyTest, AConfiguredKeyWinsAndABadOneIsRefused) {
  const auto key = test_key(9);
  const auto data_dir = (dir_ / "var").string();
  auto configured = load_secret_key(crypto::base64url(key), data_dir);
  ASSERT_TRUE(configured.ok());
  EXPECT_EQ(*configured, key);
  EXPECT_FALSE(fs::exists(dir_ / "var" / "secret.key"));  // nothing written
  for (const auto& bad : {std::string("not base64!"), crypto::base64url(key.substr(0, 16)),
                          crypto::base64url(key + "x")}) {
    auto r = load_secret_key(bad, data_dir);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
  fs::create_directories(dir_ / "bad");
  std::ofstream(dir_ / "bad" / "secret.key") << "short\n";
  auto broken = load_secret_key("", (dir_ / "bad").string());
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, Errc::invalid_argument);
}

TEST(TemplateFromJson, ReadsMetaShapedComponentsWithPositionalExamples) {
  const auto body = bj::parse(R"({"name":"order_update","language":"en_US","category":"utility",
    "components":[
     {"type":"HEADER","format":"TEXT","text":"Order {{1}}","example":{"header_text":["#1042"]}},
     {"type":"BODY","text":"Hi {{1}}, your order {{2}} ships today.",
      "example":{"body_text":[["Ana","#1042"]]}},
     {"type":"FOOTER","text":"Reply STOP to opt out"},
     {"type":"BUTTONS","buttons":[
      {"type":"QUICK_REPLY","text":"Stop promotions"},
      {"type":"URL","text":"Track","url":"https://shop.example/track/{{1}}",
       "example":["https://shop.example/track/1042"]},
      {"type":"PHONE_NUMBER","text":"Call us","phone_number":"+15550783881"},
      {"type":"COPY_CODE","example":"SAVE20"}]}]})")
                        .as_object();
  auto t = template_from_json(body);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->name, "order_update");
  EXPECT_EQ(t->language, "en_US");
  EXPECT_EQ(t->category, TemplateCategory::utility);
  EXPECT_EQ(t->parameter_format, ParameterFormat::positional);
  ASSERT_TRUE(t->header.has_value());
  EXPECT_EQ(t->header->format, HeaderFormat::text);
  EXPECT_EQ(t->header->text, "Order {{1}}");
  EXPECT_EQ(t->header->example, "#1042");
  EXPECT_EQ(t->body, "Hi {{1}}, your order {{2}} ships today.");
  EXPECT_EQ(t->body_examples, (std::vector<std::string>{"Ana", "#1042"}));
  EXPECT_EQ(t->footer, "Reply STOP to opt out");
  ASSERT_EQ(t->buttons.size(), 4u);
  EXPECT_EQ(t->buttons[0].type, TemplateButton::Type::quick_reply);
  EXPECT_EQ(t->buttons[0].text, "Stop promotions");
  EXPECT_EQ(t->buttons[1].type, TemplateButton::Type::url);
  EXPECT_EQ(t->buttons[1].url, "https://shop.example/track/{{1}}");
  EXPECT_EQ(t->buttons[1].example, "https://shop.example/track/1042");
  EXPECT_EQ(t->buttons[2].type, TemplateButton::Type::phone_number);
  EXPECT_EQ(t->buttons[2].phone_number, "+15550783881");
  EXPECT_EQ(t->buttons[3].type, TemplateButton::Type::copy_code);
  EXPECT_EQ(t->buttons[3].example, "SAVE20");
  // What it read passes the template rules.
  EXPECT_TRUE(build_template_definition(*t).ok());
}

TEST(TemplateFromJson, ReadsNamedExamplesAndMediaHeaders) {
  const auto body = bj::parse(R"({"name":"welcome","language":"id","category":"MARKETING",
    "parameter_format":"named",
    "components":[
     {"type":"HEADER","format":"TEXT","text":"Halo {{first_name}}",
      "example":{"header_text_named_params":[{"param_name":"first_name","example":"Ana"}]}},
     {"type":"BODY","text":"Kode {{code}} berlaku sampai {{date}}.",
      "example":{"body_text_named_params":[{"param_name":"code","example":"HEMAT10"},
                                           {"param_name":"date","example":"31 Mei"}]}}]})")
                        .as_object();
  auto t = template_from_json(body);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->category, TemplateCategory::marketing);
  EXPECT_EQ(t->parameter_format, ParameterFormat::named);
  ASSERT_TRUE(t->header.has_value());
  ASSERT_EQ(t->header->named_examples.size(), 1u);
  EXPECT_EQ(t->header->named_examples[0].name, "first_name");
  EXPECT_EQ(t->header->named_examples[0].example, "Ana");
  ASSERT_EQ(t->body_named_examples.size(), 2u);
  EXPECT_EQ(t->body_named_examples[1].name, "date");
  EXPECT_EQ(t->body_named_examples[1].example, "31 Mei");
  EXPECT_FALSE(t->footer.has_value());
  EXPECT_TRUE(t->buttons.empty());

  auto image =
      template_from_json(bj::parse(R"({"name":"promo","language":"en","category":"MARKETING",
    "components":[{"type":"HEADER","format":"IMAGE","example":{"header_handle":["4::aW1hZ2UvanBlZw==:ARb"]}},
                  {"type":"BODY","text":"New arrivals"}]})")
                             .as_object());
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(image->header->format, HeaderFormat::image);
  EXPECT_EQ(image->header->media_handle, "4::aW1hZ2UvanBlZw==:ARb");
}

TEST(TemplateFromJson, ReportsEveryBadPart) {
  auto bad = template_from_json(bj::parse(R"({"name":"x","language":"en","category":"PROMO",
    "parameter_format":"both",
    "components":[{"type":"HEADER","format":"GIF"},
                  {"type":"BUTTONS","buttons":[{"type":"OTP","text":"Code"}]},
                  {"type":"CAROUSEL"}, 5]})")
                                    .as_object());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  for (const char* key : {"category", "parameter_format", "components.header.format",
                          "components.buttons", "components"}) {
    EXPECT_TRUE(bad.error().details.contains(key)) << key;
  }
  auto no_components = template_from_json(
      bj::parse(R"({"name":"x","language":"en","category":"UTILITY"})").as_object());
  ASSERT_FALSE(no_components.ok());
  EXPECT_TRUE(no_components.error().details.contains("components"));
  auto buttons_not_array =
      template_from_json(bj::parse(R"({"name":"x","language":"en","category":"UTILITY",
                    "components":[{"type":"BUTTONS","buttons":{}}]})")
                             .as_object());
  ASSERT_FALSE(buttons_not_array.ok());
  EXPECT_TRUE(buttons_not_array.error().details.contains("components.buttons"));
}

std::string name_of(const ::testing::TestParamInfo<db::Dialect>& p) {
  return db::dialect_name(p.param);
}
INSTANTIATE_TEST_SUITE_P(Backends, InboxTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);
INSTANTIATE_TEST_SUITE_P(Backends, InboxThreadTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);
INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);

}  // namespace
}  // namespace kirim::whatsapp
