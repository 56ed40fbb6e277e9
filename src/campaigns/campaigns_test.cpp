// Campaigns: message rendering (pure), and how statuses, replies, clicks and conversions move
// recipients and counters, on both back ends.
#include "campaigns/campaigns.h"

#include <random>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "campaigns/render.h"
#include "core/crypto.h"
#include "db/migrations.h"
#include "db/testing.h"
#include "queue/rate_limiter.h"
#include "whatsapp/http_client.h"

namespace kirim::campaigns {
namespace {

namespace bj = boost::json;

bj::object object(std::string_view text) {
  return bj::parse(text).as_object();
}

contacts::Contact contact(std::string name) {
  contacts::Contact c;
  c.id = 7;
  c.phone = "+6281234567890";
  c.name = std::move(name);
  c.country = "ID";
  c.fields["city"] = "Bandung";
  return c;
}

// --- Rendering ---------------------------------------------------------------------------------

TEST(Render, TextFillsFieldsWithFallbacksAndRoutesLinksThroughKirim) {
  auto compiled = compile(object(R"({"kind": "text", "text": "Hi {{ name | there }} in {{city}}, )"
                                 R"(see https://shop.example/a?x=1 and http://b.example."})"),
                          nullptr, {"city"});
  ASSERT_TRUE(compiled.ok()) << compiled.error().message;
  std::vector<std::string> urls;
  auto link = [&](const std::string& url) {
    urls.push_back(url);
    return "https://kirim.example/r/t" + std::to_string(urls.size());
  };
  auto m = render(*compiled, contact("Ana"), link);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(std::get<whatsapp::Text>(*m).body,
            "Hi Ana in Bandung, see https://kirim.example/r/t1 and https://kirim.example/r/t2");
  EXPECT_EQ(urls, (std::vector<std::string>{"https://shop.example/a?x=1", "http://b.example."}));

  auto nameless = render(*compiled, contact(""), {});
  ASSERT_TRUE(nameless.ok());
  EXPECT_EQ(std::get<whatsapp::Text>(*nameless).body,
            "Hi there in Bandung, see https://shop.example/a?x=1 and http://b.example.");
}

TEST(Render, TextNamingAnUnknownFieldIsRefused) {
  auto compiled =
      compile(object(R"({"kind": "text", "text": "Hi {{nickname|you}}"})"), nullptr, {"city"});
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().details.at("message.text").find("nickname"), std::string::npos);
}

TemplateInfo order_update() {
  TemplateInfo t;
  t.name = "order_update";
  t.language = "en_US";
  t.status = "APPROVED";
  t.category = "UTILITY";
  t.parameter_format = "POSITIONAL";
  t.components = bj::parse(R"([{"type": "BODY", "text": "Hi {{1}}, order {{2}} has shipped."},
    {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track",
                                     "url": "https://kirim.example/r/{{1}}"}]}])");
  return t;
}

TEST(Render, TemplateVariablesComeFromFieldsTextAndClickTokens) {
  const auto t = order_update();
  auto compiled = compile(object(R"({"kind": "template", "template_id": 1, "params": {
      "body.1": {"field": "name", "fallback": "friend"}, "body.2": {"text": "A-100"},
      "button.0": {"click": true}}})"),
                          &t, {});
  ASSERT_TRUE(compiled.ok()) << compiled.error().message;
  int links = 0;
  auto m = render(*compiled, contact(""), [&](const std::string&) {
    ++links;
    return "https://kirim.example/r/tok" + std::to_string(links);
  });
  ASSERT_TRUE(m.ok()) << m.error().message;
  const auto& tm = std::get<whatsapp::TemplateMessage>(*m);
  EXPECT_EQ(tm.name, "order_update");
  ASSERT_EQ(tm.body.size(), 2U);
  EXPECT_EQ(std::get<whatsapp::TextParam>(tm.body[0].value).text, "friend");
  EXPECT_EQ(std::get<whatsapp::TextParam>(tm.body[1].value).text, "A-100");
  EXPECT_EQ(links, 1);
  ASSERT_EQ(tm.buttons.size(), 1U);
}

TEST(Render, TemplateMissingAVariableOrNotApprovedIsRefused) {
  auto t = order_update();
  auto missing = compile(object(R"({"kind": "template", "template_id": 1, "params": {
      "body.1": {"field": "name", "fallback": "friend"}}})"),
                         &t, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().details.contains("message.params.body.2")) << missing.error().message;
  t.status = "PAUSED";
  auto paused = compile(object(R"({"kind": "template", "template_id": 1, "params": {}})"), &t, {});
  ASSERT_FALSE(paused.ok());
}

// --- Statuses, replies, clicks and conversions -------------------------------------------------

std::string test_key() {
  std::mt19937 gen(7);
  std::string key(crypto::kSecretKeyBytes, '\0');
  for (auto& ch : key)
    ch = static_cast<char>(gen() & 0xff);
  return key;
}

class CampaignStore : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    crypto::init();
    temp_ = std::make_unique<db::testing::TempDatabase>(GetParam());
    ASSERT_TRUE(db::migrate(db()).ok());
    ws_ = insert("INSERT INTO workspaces (name, created_at) VALUES ('Acme', 1) RETURNING id", {});
    other_ws_ =
        insert("INSERT INTO workspaces (name, created_at) VALUES ('Other', 1) RETURNING id", {});
    api_ = std::make_unique<whatsapp::CloudApi>(http_);
    accounts_ =
        std::make_unique<whatsapp::Accounts>(db(), clock_, *api_, key_, "http://127.0.0.1:9/v23.0");
    contacts_ = std::make_unique<contacts::Contacts>(db(), clock_);
    limiter_ = std::make_unique<queue::LocalRateLimiter>(clock_);
    jobs_ = std::make_unique<queue::Queue>(db(), clock_, queue::Queue::Options{"test-node"});
    campaigns_ = std::make_unique<Campaigns>(Deps{db(),
                                                  clock_,
                                                  *contacts_,
                                                  *accounts_,
                                                  *api_,
                                                  *limiter_,
                                                  *jobs_,
                                                  "https://kirim.example",
                                                  {}});
  }
  void TearDown() override {
    campaigns_.reset();
    jobs_.reset();
  }

  db::Database& db() { return temp_->db(); }

  std::int64_t insert(std::string_view sql, std::initializer_list<db::Value> params) {
    auto r = db().write_query(sql, params);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->integer(0, "id") : 0;
  }

  std::int64_t campaign(const std::string& goal = "", std::int64_t ws = 0) {
    return insert(
        "INSERT INTO campaigns (workspace_id, name, state, goal, created_at, updated_at, "
        "started_at) VALUES ($1, 'Promo', 'running', $2, 1, 1, 1) RETURNING id",
        {ws == 0 ? ws_ : ws, goal});
  }

  std::int64_t contact_row(const std::string& phone, std::int64_t ws = 0) {
    return insert(
        "INSERT INTO contacts (workspace_id, phone_e164, name, consent, created_at, "
        "updated_at) VALUES ($1, $2, 'Ana', 'opted_in', 1, 1) RETURNING id",
        {ws == 0 ? ws_ : ws, phone});
  }

  // A recipient in `state`, counted in the campaign's counters as the engine would.
  std::int64_t recipient(std::int64_t campaign, std::int64_t contact, const std::string& state,
                         const std::string& wamid, std::int64_t sent_at = 0) {
    const auto id = insert(
        "INSERT INTO campaign_recipients (campaign_id, workspace_id, contact_id, state, wamid, "
        "sent_at) VALUES ($1, (SELECT workspace_id FROM campaigns WHERE id = $1), $2, $3, $4, $5) "
        "RETURNING id",
        {campaign, contact, state, wamid.empty() ? db::Value{} : db::Value(wamid), sent_at});
    EXPECT_TRUE(
        db().write_exec("UPDATE campaigns SET n_" + state + " = n_" + state + " + 1 WHERE id = $1",
                        {campaign})
            .ok());
    return id;
  }

  void status(const std::string& wamid, const std::string& what, std::int64_t ws = 0,
              const std::string& callback = "", int error = 0) {
    whatsapp::StatusUpdate s;
    s.wamid = wamid;
    s.status = what;
    s.biz_opaque_callback_data = callback;
    if (error != 0) s.errors.push_back({error, "Message undeliverable", "", ""});
    clock_.advance(std::chrono::milliseconds(1000));
    auto r = db().write([&](db::Connection& c) {
      return campaigns_->on_status(c, ws == 0 ? ws_ : ws, s, clock_.now_ms());
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  void inbound(std::int64_t contact, const std::string& text, const std::string& context = "",
               const std::string& payload = "") {
    whatsapp::InboundMessage m;
    m.wamid = "wamid.in" + std::to_string(++inbound_seq_);
    m.type = payload.empty() ? "text" : "button";
    m.text = text;
    m.button_payload = payload;
    m.context_wamid = context;
    clock_.advance(std::chrono::milliseconds(1000));
    auto r = db().write([&](db::Connection& c) {
      return campaigns_->on_inbound(c, ws_, contact, m, clock_.now_ms());
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  Counters counters(std::int64_t id) {
    auto k = campaigns_->counters(ws_, id);
    EXPECT_TRUE(k.ok());
    return k.ok() ? *k : Counters{};
  }

  std::string state_of(std::int64_t recipient) {
    return db()
        .query("SELECT state FROM campaign_recipients WHERE id = $1", {recipient})
        ->text(0, "state");
  }

  std::int64_t series_sum(std::int64_t campaign, const std::string& column) {
    return db()
        .query("SELECT COALESCE(SUM(" + column +
                   "), 0) AS n FROM campaign_series WHERE "
                   "campaign_id = $1",
               {campaign})
        ->integer(0, "n");
  }

  ManualClock clock_;
  const std::string key_ = test_key();
  std::unique_ptr<db::testing::TempDatabase> temp_;
  whatsapp::HttpClient http_;
  std::unique_ptr<whatsapp::CloudApi> api_;
  std::unique_ptr<whatsapp::Accounts> accounts_;
  std::unique_ptr<contacts::Contacts> contacts_;
  std::unique_ptr<queue::LocalRateLimiter> limiter_;
  std::unique_ptr<queue::Queue> jobs_;
  std::unique_ptr<Campaigns> campaigns_;
  std::int64_t ws_ = 0, other_ws_ = 0;
  int inbound_seq_ = 0;
};

TEST_P(CampaignStore, StatusesOnlyMoveARecipientForward) {
  const auto c = campaign();
  const auto r = recipient(c, contact_row("+6281200000001"), "accepted", "wamid.A");
  status("wamid.A", "delivered");
  EXPECT_EQ(state_of(r), "delivered");
  status("wamid.A", "sent");  // late: ignored
  EXPECT_EQ(state_of(r), "delivered");
  status("wamid.A", "read");
  status("wamid.A", "read");    // a duplicate counts once
  status("wamid.A", "failed");  // a failure does not undo a read
  EXPECT_EQ(state_of(r), "read");
  const auto k = counters(c);
  EXPECT_EQ(k.sent, 1);
  EXPECT_EQ(k.delivered, 1);
  EXPECT_EQ(k.read, 1);
  EXPECT_EQ(k.failed, 0);
  EXPECT_EQ(k.planned, 1);
  EXPECT_EQ(series_sum(c, "delivered"), 1);
  EXPECT_EQ(series_sum(c, "read_count"), 1);
  EXPECT_EQ(series_sum(c, "failed"), 0);
}

TEST_P(CampaignStore, CallbackDataFindsARecipientWhoseWamidIsNotStoredYet) {
  const auto c = campaign();
  const auto r = recipient(c, contact_row("+6281200000002"), "sending", "");
  status("wamid.B", "delivered", 0, "cr:" + std::to_string(r));
  EXPECT_EQ(state_of(r), "delivered");
  EXPECT_EQ(
      db().query("SELECT wamid FROM campaign_recipients WHERE id = $1", {r})->text(0, "wamid"),
      "wamid.B");
  const auto k = counters(c);
  EXPECT_EQ(k.sending, 0);
  EXPECT_EQ(k.delivered, 1);
}

TEST_P(CampaignStore, ADeliveryProvesAFailureOrAnUnknownOutcomeWrong) {
  const auto c = campaign();
  const auto failed = recipient(c, contact_row("+6281200000003"), "accepted", "wamid.C");
  const auto unknown = recipient(c, contact_row("+6281200000004"), "unknown", "wamid.D");
  status("wamid.C", "failed", 0, "", 131026);
  EXPECT_EQ(state_of(failed), "failed");
  auto k = counters(c);
  EXPECT_EQ(k.failed, 1);
  EXPECT_EQ(k.unknown, 1);
  auto fails = campaigns_->failures(ws_, c);
  ASSERT_TRUE(fails.ok());
  ASSERT_EQ(fails->size(), 2U);
  EXPECT_EQ((*fails)[0].count, 1);

  status("wamid.C", "delivered");
  status("wamid.D", "read");
  EXPECT_EQ(state_of(failed), "delivered");
  EXPECT_EQ(state_of(unknown), "read");
  k = counters(c);
  EXPECT_EQ(k.failed, 0);
  EXPECT_EQ(k.unknown, 0);
  EXPECT_EQ(k.sent, 2);
  EXPECT_EQ(k.delivered, 2);
  EXPECT_EQ(k.read, 1);
  EXPECT_EQ(db().query("SELECT error_code FROM campaign_recipients WHERE id = $1", {failed})
                ->integer(0, "error_code"),
            0);
}

TEST_P(CampaignStore, AnotherWorkspacesStatusChangesNothing) {
  const auto c = campaign();
  const auto r = recipient(c, contact_row("+6281200000005"), "accepted", "wamid.E");
  status("wamid.E", "delivered", other_ws_);
  status("wamid.X", "delivered", 0, "cr:" + std::to_string(r), 0);  // ours: moves
  EXPECT_EQ(state_of(r), "delivered");
  const auto theirs = campaign("", other_ws_);
  const auto their_r = recipient(theirs, contact_row("+6281200000006", other_ws_), "accepted", "");
  status("wamid.Y", "read", 0, "cr:" + std::to_string(their_r));  // our workspace: not theirs
  EXPECT_EQ(state_of(their_r), "accepted");
}

TEST_P(CampaignStore, RepliesAreAttributedAndAKeywordGoalConvertsOnAWholeWord) {
  const auto c = campaign(R"({"kind": "keyword", "value": "yes", "window_hours": 24})");
  const auto ana = contact_row("+6281200000007");
  const auto r = recipient(c, ana, "delivered", "wamid.F", clock_.now_ms());
  inbound(ana, "yesterday was fine");  // the most recent recipient within the window
  auto k = counters(c);
  EXPECT_EQ(k.replied, 1);
  EXPECT_EQ(k.converted, 0);
  inbound(ana, "YES, please!", "wamid.F");
  k = counters(c);
  EXPECT_EQ(k.replied, 1);  // the first reply counts
  EXPECT_EQ(k.converted, 1);
  EXPECT_GT(db().query("SELECT converted_at FROM campaign_recipients WHERE id = $1", {r})
                ->integer(0, "converted_at"),
            0);
  EXPECT_EQ(series_sum(c, "replied"), 1);

  // Outside the window a message is not a reply to the campaign.
  const auto bo = contact_row("+6281200000008");
  recipient(c, bo, "delivered", "wamid.G", clock_.now_ms());
  clock_.advance(std::chrono::hours(25));
  inbound(bo, "yes");
  EXPECT_EQ(counters(c).replied, 1);
}

TEST_P(CampaignStore, AButtonGoalConvertsOnItsPayload) {
  const auto c = campaign(R"({"kind": "button", "value": "BUY_NOW"})");
  const auto ana = contact_row("+6281200000009");
  recipient(c, ana, "read", "wamid.H", clock_.now_ms());
  inbound(ana, "Not now", "wamid.H", "LATER");
  EXPECT_EQ(counters(c).converted, 0);
  inbound(ana, "Buy now", "wamid.H", "buy_now");
  EXPECT_EQ(counters(c).converted, 1);
}

TEST_P(CampaignStore, AClickCountsOnceAndRedirects) {
  const auto c = campaign(R"({"kind": "click"})");
  const auto r = recipient(c, contact_row("+6281200000010"), "delivered", "wamid.I", 1);
  ASSERT_TRUE(db().write_exec("INSERT INTO campaign_links (token, workspace_id, campaign_id, "
                              "recipient_id, url) VALUES ('tok1', $1, $2, $3, $4)",
                              {ws_, c, r, std::string("https://shop.example/x")})
                  .ok());
  auto first = campaigns_->click("tok1");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "https://shop.example/x");
  ASSERT_TRUE(campaigns_->click("tok1").ok());
  const auto k = counters(c);
  EXPECT_EQ(k.clicked, 1);
  EXPECT_EQ(k.converted, 1);
  EXPECT_EQ(
      db().query("SELECT clicks FROM campaign_links WHERE token = 'tok1'")->integer(0, "clicks"),
      2);
  auto none = campaigns_->click("nope");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::not_found);
}

TEST_P(CampaignStore, AConversionTakesTheMostRecentRecipientWithinTheWindow) {
  const auto older = campaign();
  const auto newer = campaign(R"({"kind": "api", "window_hours": 2})");
  const auto ana = contact_row("+6281200000011");
  recipient(older, ana, "read", "wamid.J", clock_.now_ms() - 5000);
  const auto r = recipient(newer, ana, "delivered", "wamid.K", clock_.now_ms());
  auto got = campaigns_->convert(ws_, std::nullopt, ana);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, r);
  EXPECT_EQ(counters(newer).converted, 1);
  ASSERT_TRUE(campaigns_->convert(ws_, std::nullopt, ana).ok());
  EXPECT_EQ(counters(newer).converted, 1);  // once
  // Naming the campaign picks its recipient.
  ASSERT_TRUE(campaigns_->convert(ws_, older, ana).ok());
  EXPECT_EQ(counters(older).converted, 1);

  clock_.advance(std::chrono::hours(3));  // past the newer campaign's two hours
  auto late = campaigns_->convert(ws_, newer, ana);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Errc::not_found);
  EXPECT_FALSE(campaigns_->convert(other_ws_, std::nullopt, ana).ok());
}

std::string name_of(const ::testing::TestParamInfo<db::Dialect>& p) {
  return db::dialect_name(p.param);
}
INSTANTIATE_TEST_SUITE_P(Backends, CampaignStore, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);

}  // namespace
}  // namespace kirim::campaigns
