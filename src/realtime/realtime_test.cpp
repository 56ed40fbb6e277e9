#include <filesystem>
#include <fstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/crypto.h"
#include "realtime/hub.h"
#include "realtime/protocol.h"
#include "realtime/webhooks.h"

namespace kirim::realtime {
namespace {

TEST(Protocol, ChannelKindsByLongestPrefix) {
  EXPECT_EQ(channel_type("orders")->kind, ChannelKind::public_);
  EXPECT_EQ(channel_type("private-encrypted-cache-x")->kind, ChannelKind::encrypted);
  EXPECT_TRUE(channel_type("private-encrypted-cache-x")->cache);
  EXPECT_EQ(channel_type("private-cache-x")->kind, ChannelKind::private_);
  EXPECT_TRUE(channel_type("presence-cache-x")->cache);
  EXPECT_EQ(channel_type("presence-room")->kind, ChannelKind::presence);
  EXPECT_EQ(channel_type("#server-to-user-42")->kind, ChannelKind::user);
  EXPECT_EQ(user_channel_id("#server-to-user-42"), "42");
  EXPECT_FALSE(channel_type("#other").has_value());
  EXPECT_FALSE(channel_type("bad/name").has_value());
  EXPECT_FALSE(channel_type("").has_value());
  EXPECT_TRUE(channel_type(std::string(kMaxChannelName, 'a')).has_value());
  EXPECT_FALSE(channel_type(std::string(kMaxChannelName + 1, 'a')).has_value());
}

// The worked examples of Pusher's documentation (reference §5.3 and §10.1).
TEST(Protocol, ChannelSignatureVectors) {
  EXPECT_TRUE(valid_auth(
      "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
      "278d425bdf160c739803", "7ad3773142a6692b25b8", "1234.1234:private-foobar"));
  EXPECT_TRUE(valid_auth(
      "278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80",
      "278d425bdf160c739803", "7ad3773142a6692b25b8",
      R"(1234.1234:presence-foobar:{"user_id":10,"user_info":{"name":"Mr. Channels"}})"));
  EXPECT_FALSE(
      valid_auth("otherkey:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4",
                 "278d425bdf160c739803", "7ad3773142a6692b25b8", "1234.1234:private-foobar"));
  EXPECT_FALSE(valid_auth("no-colon", "k", "s", "x"));
}

TEST(Protocol, ApiSignatureWorkedExample) {
  ApiRequest req;
  req.method = "POST";
  req.path = "/apps/3/events";
  req.body = R"({"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"})";
  EXPECT_EQ(md5_hex(req.body), "ec365a775a4cd0599faeb73354201b6f");
  req.query = {
      {"auth_key", "278d425bdf160c739803"},
      {"auth_timestamp", "1353088179"},
      {"auth_version", "1.0"},
      {"body_md5", "ec365a775a4cd0599faeb73354201b6f"},
      {"auth_signature", "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"}};
  EXPECT_TRUE(
      verify_api_signature(req, "278d425bdf160c739803", "7ad3773142a6692b25b8", 1353088179, 600)
          .ok());
  // Stale timestamp, changed body, wrong secret: each refused.
  EXPECT_FALSE(
      verify_api_signature(req, "278d425bdf160c739803", "7ad3773142a6692b25b8", 1353088780, 600)
          .ok());
  auto changed = req;
  changed.body += " ";
  EXPECT_FALSE(
      verify_api_signature(changed, "278d425bdf160c739803", "7ad3773142a6692b25b8", 1353088179, 600)
          .ok());
  EXPECT_FALSE(verify_api_signature(req, "278d425bdf160c739803", "wrong", 1353088179, 600).ok());
}

TEST(Protocol, SocketIdsHaveTheShapeSdksCheck) {
  crypto::init();
  for (int i = 0; i < 100; ++i) {
    const auto id = new_socket_id();
    const auto dot = id.find('.');
    ASSERT_NE(dot, std::string::npos);
    EXPECT_EQ(id.find_first_not_of("0123456789."), std::string::npos);
    EXPECT_GT(dot, 0u);
    EXPECT_LT(dot, id.size() - 1);
  }
}

// A peer that records what it is sent.
class FakePeer final : public Peer {
 public:
  void send(std::shared_ptr<const std::string> frame) override { frames.push_back(*frame); }
  void close(int code, std::string) override { closed = code; }
  [[nodiscard]] std::vector<std::string> events() const {
    std::vector<std::string> out;
    for (const auto& f : frames) {
      out.emplace_back(boost::json::parse(f).as_object().at("event").as_string());
    }
    return out;
  }
  std::vector<std::string> frames;
  int closed = 0;
};

class HubTest : public ::testing::Test {
 protected:
  HubTest() {
    app_.id = "1";
    app_.key = "key";
    app_.secret = "secret";
  }
  std::shared_ptr<FakePeer> join(const std::string& socket_id) {
    auto p = std::make_shared<FakePeer>();
    EXPECT_TRUE(hub_.connect(p, app_, socket_id));
    return p;
  }
  void presence(FakePeer& p, const std::string& socket_id, const std::string& channel,
                const std::string& data) {
    const auto auth = "key:" + sign("secret", socket_id + ":" + channel + ":" + data);
    boost::json::object msg{
        {"event", "pusher:subscribe"},
        {"data", {{"channel", channel}, {"auth", auth}, {"channel_data", data}}}};
    hub_.on_message(&p, boost::json::serialize(msg));
  }
  ManualClock clock_;
  App app_;
  Hub hub_{clock_};
};

TEST_F(HubTest, MemberEventsOnlyOnAUsersFirstJoinAndLastLeave) {
  auto a = join("1.1");
  auto b1 = join("2.1");
  auto b2 = join("2.2");
  presence(*a, "1.1", "presence-r", R"({"user_id":"a"})");
  presence(*b1, "2.1", "presence-r", R"({"user_id":7,"user_info":{"n":1}})");
  presence(*b2, "2.2", "presence-r", R"({"user_id":7})");
  // a saw b join once, not twice; b's second tab saw no member_added about itself.
  const auto count = [](const FakePeer& p, const std::string& e) {
    const auto ev = p.events();
    return std::count(ev.begin(), ev.end(), e);
  };
  EXPECT_EQ(count(*a, "pusher_internal:member_added"), 1);
  EXPECT_EQ(count(*b2, "pusher_internal:member_added"), 0);
  EXPECT_EQ(hub_.channel(app_, "presence-r").user_count, 2u);
  EXPECT_EQ(hub_.channel(app_, "presence-r").subscription_count, 3u);
  hub_.disconnect(b1.get());
  EXPECT_EQ(count(*a, "pusher_internal:member_removed"), 0);
  hub_.disconnect(b2.get());
  EXPECT_EQ(count(*a, "pusher_internal:member_removed"), 1);
  EXPECT_EQ(hub_.users(app_, "presence-r"), std::vector<std::string>{"a"});
}

TEST_F(HubTest, BadSignatureGetsAChannelScopedErrorAndNoMembership) {
  auto a = join("1.1");
  hub_.on_message(a.get(),
                  R"({"event":"pusher:subscribe","data":{"channel":"private-x","auth":"key:00"}})");
  ASSERT_EQ(a->events().back(), "pusher:subscription_error");
  EXPECT_FALSE(hub_.channel(app_, "private-x").occupied);
  EXPECT_EQ(a->closed, 0);
}

TEST_F(HubTest, ClientEventsAreRateLimitedPerSecond) {
  auto a = join("1.1");
  auto b = join("2.2");
  for (auto* p : {a.get(), b.get()}) {
    const std::string sid = p == a.get() ? "1.1" : "2.2";
    const auto auth = "key:" + sign("secret", sid + ":private-c");
    hub_.on_message(
        p, R"({"event":"pusher:subscribe","data":{"channel":"private-c","auth":")" + auth + "\"}}");
  }
  b->frames.clear();
  for (int i = 0; i < app_.client_events_per_second + 2; ++i) {
    hub_.on_message(a.get(), R"({"event":"client-typing","channel":"private-c","data":{"i":1}})");
  }
  EXPECT_EQ(b->frames.size(), static_cast<std::size_t>(app_.client_events_per_second));
  EXPECT_EQ(a->events().back(), "pusher:error");
  clock_.advance(std::chrono::seconds(1));
  hub_.on_message(a.get(), R"({"event":"client-typing","channel":"private-c","data":{"i":1}})");
  EXPECT_EQ(b->frames.size(), static_cast<std::size_t>(app_.client_events_per_second + 1));
}

TEST_F(HubTest, CacheChannelsReplayTheLastEventUntilItExpires) {
  hub_.publish(app_, {"cache-prices"}, "price", R"({"v":42})", "");
  auto a = join("1.1");
  hub_.on_message(a.get(), R"({"event":"pusher:subscribe","data":{"channel":"cache-prices"}})");
  EXPECT_EQ(a->frames.back(), R"({"event":"price","channel":"cache-prices","data":"{\"v\":42}"})");
  clock_.advance(std::chrono::seconds(app_.cache_ttl_s));
  auto b = join("2.2");
  hub_.on_message(b.get(), R"({"event":"pusher:subscribe","data":{"channel":"cache-prices"}})");
  EXPECT_EQ(b->events().back(), "pusher:cache_miss");
}

TEST_F(HubTest, PublishSkipsTheExcludedSocket) {
  auto a = join("1.1");
  auto b = join("2.2");
  for (auto* p : {a.get(), b.get()}) {
    hub_.on_message(p, R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  }
  hub_.publish(app_, {"news"}, "story", "hello", "1.1");
  EXPECT_EQ(a->events().back(), "pusher_internal:subscription_succeeded");
  EXPECT_EQ(b->frames.back(), R"({"event":"story","channel":"news","data":"hello"})");
}

TEST_F(HubTest, TheConnectionQuotaFreesUpOnDisconnect) {
  app_.max_connections = 2;
  auto a = join("1.1");
  auto b = join("2.2");
  auto c = std::make_shared<FakePeer>();
  EXPECT_FALSE(hub_.connect(c, app_, "3.3"));
  EXPECT_TRUE(c->frames.empty());
  hub_.disconnect(a.get());
  EXPECT_TRUE(hub_.connect(c, app_, "3.3"));
}

TEST_F(HubTest, MalformedFramesGetAnErrorAndChangeNothing) {
  auto a = join("1.1");
  for (const char* bad : {"not json", "[]", R"({"event":1})", R"({"data":{}})"}) {
    hub_.on_message(a.get(), bad);
    EXPECT_NE(a->frames.back().find("4200"), std::string::npos) << bad;
  }
  EXPECT_EQ(hub_.connections(), 1u);
}

class AppsFile : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("kirim-apps-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(AppsFile, ReadsAppsWithTheirSwitchesAndKeepsKirimsOwn) {
  auto apps = load_apps(write(R"(
[[realtime.apps]]
id = "1"
key = "k1"
secret = "s1"
client_events = false
webhooks = ["http://127.0.0.1:9/hooks"]
max_presence_members = 50

[[realtime.apps]]
id = "2"
key = "k2"
secret = "s2"
)"));
  ASSERT_TRUE(apps.ok()) << apps.error().message;
  const App* one = apps->by_key("k1");
  ASSERT_NE(one, nullptr);
  EXPECT_FALSE(one->client_events);
  EXPECT_EQ(one->max_presence_members, 50u);
  EXPECT_EQ(one->webhook_urls, std::vector<std::string>{"http://127.0.0.1:9/hooks"});
  EXPECT_TRUE(apps->by_id("2")->client_events);
  EXPECT_NE(apps->by_key("kirim-web"), nullptr);
}

TEST_F(AppsFile, NamesTheAppAndFieldThatIsWrong) {
  auto missing = load_apps(write("[[realtime.apps]]\nid = \"1\"\nkey = \"k\"\n"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("realtime.apps #1: secret"), std::string::npos);
  auto dup =
      load_apps(write("[[realtime.apps]]\nid='1'\nkey='k'\nsecret='s'\n"
                      "[[realtime.apps]]\nid='2'\nkey='k'\nsecret='s'\n"));
  ASSERT_FALSE(dup.ok());
  auto bad =
      load_apps(write("[[realtime.apps]]\nid='1'\nkey='k'\nsecret='s'\n"
                      "max_event_bytes = 'lots'\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("max_event_bytes"), std::string::npos);
}

class WebhooksTest : public ::testing::Test {
 protected:
  WebhooksTest() {
    app_.key = "key";
    app_.secret = "secret";
    app_.webhook_urls = {"http://hooks.test/a"};
  }
  struct Sent {
    std::string url, key, signature, body;
  };
  ManualClock clock_;
  App app_;
  std::vector<Sent> sent_;
  bool up_ = true;
  Webhooks hooks_{clock_, [this](const std::string& url, const std::string& key,
                                 const std::string& signature, const std::string& body) {
                    sent_.push_back({url, key, signature, body});
                    return up_;
                  }};
};

TEST_F(WebhooksTest, EventsOfOneMomentShareASignedRequest) {
  hooks_.emit(app_, "channel_occupied", "c", R"("channel":"c")");
  hooks_.emit(app_, "client_event", "c", R"("channel":"c","event":"client-x","data":"{}")");
  EXPECT_EQ(hooks_.flush_due(), 1u);
  ASSERT_EQ(sent_.size(), 1u);
  const auto body = boost::json::parse(sent_[0].body).as_object();
  EXPECT_EQ(body.at("events").as_array().size(), 2u);
  EXPECT_EQ(body.at("events").as_array()[0].as_object().at("name").as_string(), "channel_occupied");
  EXPECT_EQ(sent_[0].key, "key");
  EXPECT_EQ(sent_[0].signature, sign("secret", sent_[0].body));
}

TEST_F(WebhooksTest, ALeaveWaitsThreeSecondsAndAReturnCancelsBoth) {
  hooks_.emit(app_, "channel_vacated", "c", R"("channel":"c")");
  hooks_.emit(app_, "channel_occupied", "c", R"("channel":"c")");  // a page reload
  clock_.advance(std::chrono::milliseconds(kLeaveDelayMs));
  EXPECT_EQ(hooks_.flush_due(), 0u);
  hooks_.emit(app_, "member_removed", "c\n1", R"("channel":"c","user_id":"1")");
  clock_.advance(std::chrono::milliseconds(kLeaveDelayMs - 1));
  EXPECT_EQ(hooks_.flush_due(), 0u);
  clock_.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(hooks_.flush_due(), 1u);
  EXPECT_NE(sent_.back().body.find("member_removed"), std::string::npos);
}

TEST_F(WebhooksTest, FailuresAreRetriedWithBackoffForFiveMinutes) {
  up_ = false;
  hooks_.emit(app_, "cache_miss", "c", R"("channel":"c")");
  EXPECT_EQ(hooks_.flush_due(), 1u);
  EXPECT_EQ(hooks_.flush_due(), 0u);  // not yet due again
  std::int64_t waited = 0;
  std::int64_t backoff = kFirstRetryMs;
  int attempts = 1;
  while (hooks_.pending() > 0) {
    clock_.advance(std::chrono::milliseconds(backoff));
    waited += backoff;
    backoff *= 2;
    attempts += static_cast<int>(hooks_.flush_due());
  }
  EXPECT_LE(waited, kRetryForMs);
  EXPECT_GE(attempts, 8);
  EXPECT_EQ(hooks_.failures(), 1u);
  EXPECT_EQ(sent_.front().body, sent_.back().body);  // the same request each time
}

TEST_F(WebhooksTest, AppsWithoutUrlsQueueNothing) {
  App quiet;
  hooks_.emit(quiet, "channel_occupied", "c", R"("channel":"c")");
  EXPECT_EQ(hooks_.pending(), 0u);
}

TEST_F(HubTest, HubAnnouncesOccupiedAndVacatedOnce) {
  std::vector<std::string> bodies;
  Webhooks hooks(clock_, [&](const std::string&, const std::string&, const std::string&,
                             const std::string& body) {
    bodies.push_back(body);
    return true;
  });
  app_.webhook_urls = {"http://hooks.test"};
  Hub hub(clock_, &hooks);
  auto a = std::make_shared<FakePeer>();
  auto b = std::make_shared<FakePeer>();
  ASSERT_TRUE(hub.connect(a, app_, "1.1"));
  ASSERT_TRUE(hub.connect(b, app_, "2.2"));
  for (auto* p : {a.get(), b.get()}) {
    hub.on_message(p, R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  }
  hooks.flush_due();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(boost::json::parse(bodies[0]).at("events").as_array().size(), 1u);
  hub.disconnect(a.get());
  hub.disconnect(b.get());
  clock_.advance(std::chrono::milliseconds(kLeaveDelayMs));
  hooks.flush_due();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_NE(bodies[1].find("channel_vacated"), std::string::npos);
}

}  // namespace
}  // namespace kirim::realtime
