#include "accounts/accounts.h"

#include <gtest/gtest.h>

#include "accounts/auth_cache.h"
#include "accounts/login_limiter.h"
#include "accounts/passwords.h"
#include "core/crypto.h"
#include "db/migrations.h"
#include "db/testing.h"

namespace kirim::accounts {
namespace {

using namespace std::chrono_literals;

TEST(LoginLimiter, AllowsExactlyMaxFailuresPerWindow) {
  ManualClock clock;
  LoginLimiter limiter(clock, 3, 60s);
  for (int i = 0; i < 2; ++i)
    limiter.record_failure("k");
  EXPECT_EQ(limiter.retry_after("k"), 0);
  limiter.record_failure("k");
  EXPECT_EQ(limiter.retry_after("k"), 60);
  clock.advance(59'000ms);
  EXPECT_EQ(limiter.retry_after("k"), 1);
  clock.advance(1'000ms);
  EXPECT_EQ(limiter.retry_after("k"), 0);
  EXPECT_EQ(limiter.retry_after("other"), 0);
}

TEST(LoginLimiter, ResetForgetsFailures) {
  ManualClock clock;
  LoginLimiter limiter(clock, 1, 60s);
  limiter.record_failure("k");
  EXPECT_GT(limiter.retry_after("k"), 0);
  limiter.reset("k");
  EXPECT_EQ(limiter.retry_after("k"), 0);
}

TEST(AuthCache, AStaleAnswerIsNotStoredAfterADrop) {
  ManualClock clock;
  AuthCache cache(clock, 1000);
  Principal p;
  p.user_id = 7;
  p.token_id = 3;
  const auto before = cache.generation();
  cache.drop_token(3);  // a revoke lands while a lookup was reading the database
  cache.put_credential("t:x", p, clock.now_ms() + 60'000, before);
  EXPECT_FALSE(cache.credential("t:x").has_value());
  cache.put_credential("t:x", p, clock.now_ms() + 60'000, cache.generation());
  EXPECT_TRUE(cache.credential("t:x").has_value());
  cache.drop_user(7);
  EXPECT_FALSE(cache.credential("t:x").has_value());
}

TEST(Passwords, HashVerifiesOnlyTheSamePassword) {
  crypto::init();
  auto h = hash_password("correct horse battery");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(*h, "correct horse battery"));
  EXPECT_FALSE(verify_password(*h, "correct horse batterY"));
}

TEST(Email, NormalizesAndValidates) {
  EXPECT_EQ(normalize_email("Ana@Example.COM").value(), "ana@example.com");
  for (const char* bad : {"", "ana", "@example.com", "ana@", "ana@example", "a b@c.de", "a@b@c.de",
                          "ana@example.com."}) {
    EXPECT_FALSE(normalize_email(bad).ok()) << bad;
  }
}

TEST(Roles, Ordering) {
  EXPECT_TRUE(at_least(Role::owner, Role::admin));
  EXPECT_TRUE(at_least(Role::admin, Role::admin));
  EXPECT_FALSE(at_least(Role::editor, Role::admin));
  EXPECT_EQ(parse_role("editor"), Role::editor);
  EXPECT_FALSE(parse_role("king").has_value());
}

class AccountsTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    crypto::init();
    temp_ = std::make_unique<db::testing::TempDatabase>(GetParam());
    ASSERT_TRUE(db::migrate(temp_->db()).ok());
    accounts_ = std::make_unique<Accounts>(temp_->db(), clock_);
    auto boot = accounts_->bootstrap("Owner@Example.com", "correct horse battery");
    ASSERT_TRUE(boot.ok() && boot.value().has_value());
    owner_ = login("owner@example.com", "correct horse battery");
  }

  Principal login(const std::string& email, const std::string& password) {
    auto r = accounts_->login(email, password, "10.0.0.1", "test");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    auto p = accounts_->authenticate_session(r->session_token);
    EXPECT_TRUE(p.ok());
    return p.value();
  }

  Principal add(const std::string& email, Role role) {
    auto u = accounts_->create_user(owner_, email, "Someone", "long enough password", role);
    EXPECT_TRUE(u.ok()) << (u.ok() ? "" : u.error().message);
    return login(email, "long enough password");
  }

  ManualClock clock_;
  std::unique_ptr<db::testing::TempDatabase> temp_;
  std::unique_ptr<Accounts> accounts_;
  Principal owner_;
};

TEST_P(AccountsTest, BootstrapHappensOnce) {
  auto again = accounts_->bootstrap("other@example.com", "another password");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value().has_value());
  EXPECT_EQ(owner_.role, Role::owner);
}

TEST_P(AccountsTest, GeneratedBootstrapPasswordWorks) {
  db::testing::TempDatabase fresh(GetParam());
  ASSERT_TRUE(db::migrate(fresh.db()).ok());
  Accounts acc(fresh.db(), clock_);
  auto boot = acc.bootstrap("", "");
  ASSERT_TRUE(boot.ok() && boot.value().has_value());
  EXPECT_EQ(boot.value()->email, "admin@kirim.local");
  EXPECT_GE(boot.value()->password.size(), kMinPasswordLength);
  EXPECT_TRUE(acc.login("admin@kirim.local", boot.value()->password, "ip", "ua").ok());
}

TEST_P(AccountsTest, WrongPasswordAndUnknownEmailLookTheSame) {
  auto wrong = accounts_->login("owner@example.com", "nope nope nope", "1.1.1.1", "");
  auto unknown = accounts_->login("ghost@example.com", "nope nope nope", "1.1.1.1", "");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().reason, "invalid_credentials");
  EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST_P(AccountsTest, FailuresLockTheEmailUntilTheWindowPasses) {
  for (int i = 0; i < kMaxFailuresPerEmail; ++i) {
    EXPECT_FALSE(accounts_->login("owner@example.com", "wrong password", "2.2.2.2", "").ok());
  }
  auto locked = accounts_->login("owner@example.com", "correct horse battery", "3.3.3.3", "");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, Errc::too_many);
  EXPECT_EQ(locked.error().details.at("retry_after"), "900");
  clock_.advance(kFailureWindow);
  EXPECT_TRUE(accounts_->login("owner@example.com", "correct horse battery", "3.3.3.3", "").ok());
}

TEST_P(AccountsTest, LogoutAndExpiryEndSessions) {
  auto r = accounts_->login("owner@example.com", "correct horse battery", "ip", "ua");
  ASSERT_TRUE(r.ok());
  auto p = accounts_->authenticate_session(r->session_token);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(accounts_->logout(*p->session_id).ok());
  EXPECT_FALSE(accounts_->authenticate_session(r->session_token).ok());

  auto r2 = accounts_->login("owner@example.com", "correct horse battery", "ip", "ua");
  clock_.advance(std::chrono::milliseconds(kSessionIdleMs - 1000));
  EXPECT_TRUE(accounts_->authenticate_session(r2->session_token).ok());  // slides the expiry
  clock_.advance(std::chrono::milliseconds(kSessionIdleMs - 1000));
  EXPECT_TRUE(accounts_->authenticate_session(r2->session_token).ok());
  clock_.advance(std::chrono::milliseconds(kSessionIdleMs + 1));
  EXPECT_FALSE(accounts_->authenticate_session(r2->session_token).ok());
}

TEST_P(AccountsTest, TokensAuthenticateUntilRevoked) {
  auto t = accounts_->create_token(owner_, "ci");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->secret.starts_with("kirim_"));
  EXPECT_EQ(t->token.prefix, t->secret.substr(0, 10));
  auto p = accounts_->authenticate_token(t->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user_id, owner_.user_id);
  EXPECT_TRUE(p->csrf_token.empty());
  auto listed = accounts_->list_tokens(owner_, 0, 50);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_TRUE(listed->items[0].last_used_at.has_value());
  ASSERT_TRUE(accounts_->revoke_token(owner_, t->token.id).ok());
  EXPECT_FALSE(accounts_->authenticate_token(t->secret).ok());
  EXPECT_EQ(accounts_->revoke_token(owner_, t->token.id).error().code, Errc::not_found);
  EXPECT_FALSE(accounts_->authenticate_token("kirim_forged").ok());
  EXPECT_FALSE(accounts_->authenticate_token("not-a-token").ok());
}

TEST_P(AccountsTest, RolesLimitWhatMembersMayDo) {
  auto admin = add("admin@example.com", Role::admin);
  auto editor = add("editor@example.com", Role::editor);
  EXPECT_EQ(
      accounts_->create_user(editor, "x@example.com", "X", "long enough password", Role::viewer)
          .error()
          .code,
      Errc::forbidden);
  EXPECT_EQ(accounts_->create_user(admin, "y@example.com", "Y", "long enough password", Role::owner)
                .error()
                .code,
            Errc::forbidden);
  EXPECT_TRUE(
      accounts_->create_user(admin, "z@example.com", "Z", "long enough password", Role::editor)
          .ok());
  EXPECT_EQ(accounts_->update_user(admin, owner_.user_id, std::nullopt, Role::viewer).error().code,
            Errc::forbidden);
  EXPECT_EQ(accounts_->create_token(editor, "t").error().code, Errc::forbidden);
  EXPECT_EQ(accounts_->rename_workspace(editor, "W").error().code, Errc::forbidden);
  EXPECT_TRUE(accounts_->rename_workspace(admin, "Acme").ok());
}

TEST_P(AccountsTest, TheLastOwnerStays) {
  auto demote = accounts_->update_user(owner_, owner_.user_id, std::nullopt, Role::admin);
  ASSERT_FALSE(demote.ok());
  EXPECT_EQ(demote.error().code, Errc::conflict);
  EXPECT_EQ(accounts_->remove_user(owner_, owner_.user_id).error().code, Errc::conflict);
  auto second = add("owner2@example.com", Role::owner);
  EXPECT_TRUE(accounts_->update_user(owner_, second.user_id, std::nullopt, Role::admin).ok());
}

TEST_P(AccountsTest, CacheAnswersOnlyWhatWasJustVerified) {
  auto r = accounts_->login("owner@example.com", "correct horse battery", "ip", "ua");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(accounts_->cached_session(r->session_token).has_value());
  auto p = accounts_->authenticate_session(r->session_token);
  ASSERT_TRUE(p.ok());
  auto cached = accounts_->cached_session(r->session_token);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->session_id, p->session_id);
  EXPECT_EQ(cached->csrf_token, p->csrf_token);
  clock_.advance(std::chrono::milliseconds(kAuthCacheTtlMs));
  EXPECT_FALSE(accounts_->cached_session(r->session_token).has_value());
}

TEST_P(AccountsTest, ChangesThroughThisProcessReachTheCacheAtOnce) {
  auto r = accounts_->login("owner@example.com", "correct horse battery", "ip", "ua");
  auto p = accounts_->authenticate_session(r->session_token);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(accounts_->me(*p).ok());
  ASSERT_TRUE(accounts_->cached_me(*p).has_value());
  ASSERT_TRUE(accounts_->rename_workspace(*p, "Renamed").ok());
  EXPECT_FALSE(accounts_->cached_me(*p).has_value());
  ASSERT_TRUE(accounts_->logout(*p->session_id).ok());
  EXPECT_FALSE(accounts_->cached_session(r->session_token).has_value());

  auto admin = add("admin@example.com", Role::admin);
  auto t = accounts_->create_token(admin, "script");
  ASSERT_TRUE(accounts_->authenticate_token(t->secret).ok());
  ASSERT_TRUE(accounts_->cached_token(t->secret).has_value());
  ASSERT_TRUE(accounts_->update_user(owner_, admin.user_id, std::nullopt, Role::viewer).ok());
  EXPECT_FALSE(accounts_->cached_token(t->secret).has_value());
  auto again = accounts_->authenticate_token(t->secret);
  EXPECT_EQ(again->role, Role::viewer);
  ASSERT_TRUE(accounts_->revoke_token(owner_, t->token.id).ok());
  EXPECT_FALSE(accounts_->cached_token(t->secret).has_value());
}

TEST_P(AccountsTest, CacheDefersToTheDatabaseWhenATouchIsDue) {
  auto t = accounts_->create_token(owner_, "script");
  ASSERT_TRUE(accounts_->authenticate_token(t->secret).ok());
  ASSERT_TRUE(accounts_->cached_token(t->secret).has_value());
  clock_.advance(std::chrono::milliseconds(kTouchIntervalMs));
  EXPECT_FALSE(accounts_->cached_token(t->secret).has_value());
}

TEST_P(AccountsTest, NamesRefuseControlCharacters) {
  auto r = accounts_->update_profile(owner_, std::string("a\0b", 3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details.at("name"), "must not contain control characters");
  EXPECT_EQ(accounts_->me(owner_)->user.name, "Owner");
}

TEST_P(AccountsTest, PasswordsAreTakenExactlyAsGiven) {
  ASSERT_TRUE(
      accounts_->create_user(owner_, "spaces@example.com", "S", "  spaced password  ", Role::viewer)
          .ok());
  EXPECT_TRUE(accounts_->login("spaces@example.com", "  spaced password  ", "ip", "").ok());
  EXPECT_FALSE(accounts_->login("spaces@example.com", "spaced password", "ip", "").ok());
}

TEST_P(AccountsTest, DuplicateEmailIsAConflictWhateverTheCase) {
  auto r = accounts_->create_user(owner_, "OWNER@example.com", "Dup", "long enough password",
                                  Role::viewer);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_EQ(r.error().details.at("email"), "is already in use");
}

TEST_P(AccountsTest, RemovingAUserEndsTheirSessionsAndTokens) {
  auto admin = add("admin@example.com", Role::admin);
  auto token = accounts_->create_token(admin, "script");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(accounts_->remove_user(owner_, admin.user_id).ok());
  EXPECT_FALSE(accounts_->authenticate_token(token->secret).ok());
  auto users = accounts_->list_users(owner_.workspace_id, 0, 50);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->items.size(), 1u);
  EXPECT_FALSE(accounts_->login("admin@example.com", "long enough password", "ip", "").ok());
}

TEST_P(AccountsTest, ChangingThePasswordEndsOtherSessions) {
  auto first = accounts_->login("owner@example.com", "correct horse battery", "ip", "");
  auto second = login("owner@example.com", "correct horse battery");
  auto wrong = accounts_->change_password(second, "not it at all", "brand new password");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().details.count("current_password"), 1u);
  auto shortpw = accounts_->change_password(second, "correct horse battery", "short");
  ASSERT_FALSE(shortpw.ok());
  EXPECT_EQ(shortpw.error().details.count("new_password"), 1u);
  ASSERT_TRUE(
      accounts_->change_password(second, "correct horse battery", "brand new password").ok());
  EXPECT_FALSE(accounts_->authenticate_session(first->session_token).ok());
  EXPECT_TRUE(accounts_->me(second).ok());
  EXPECT_TRUE(accounts_->login("owner@example.com", "brand new password", "ip", "").ok());
}

TEST_P(AccountsTest, PagesCoverEveryUserOnce) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(accounts_
                    ->create_user(owner_, "u" + std::to_string(i) + "@example.com", "U",
                                  "long enough password", Role::viewer)
                    .ok());
  }
  std::vector<std::int64_t> seen;
  std::int64_t after = 0;
  while (true) {
    auto page = accounts_->list_users(owner_.workspace_id, after, 2);
    ASSERT_TRUE(page.ok());
    for (const auto& u : page->items)
      seen.push_back(u.id);
    if (!page->next_after) break;
    after = *page->next_after;
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST_P(AccountsTest, OtherWorkspacesStayInvisible) {
  ASSERT_TRUE(
      temp_->db().write_exec("INSERT INTO workspaces (name, created_at) VALUES ('B', 1)").ok());
  auto other_ws = temp_->db().query("SELECT MAX(id) AS id FROM workspaces")->integer(0, "id");
  Principal outsider = owner_;
  outsider.workspace_id = other_ws;
  EXPECT_EQ(accounts_->list_users(other_ws, 0, 50)->items.size(), 0u);
  auto t = accounts_->create_token(owner_, "mine");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(accounts_->revoke_token(outsider, t->token.id).error().code, Errc::not_found);
  EXPECT_EQ(accounts_->update_user(outsider, owner_.user_id, "X", std::nullopt).error().code,
            Errc::not_found);
  EXPECT_TRUE(accounts_->authenticate_token(t->secret).ok());
}

std::string name_of(const ::testing::TestParamInfo<db::Dialect>& info) {
  return db::dialect_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);

}  // namespace
}  // namespace kirim::accounts
