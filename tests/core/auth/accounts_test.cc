#include "core/auth/accounts.h"

#include <gtest/gtest.h>

#include "tests/core/auth/auth_fixture.h"

namespace smartercities::auth {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class AccountsTest : public testing::AuthDatabaseTest {
 protected:
  std::chrono::system_clock::time_point now_ =
      std::chrono::system_clock::time_point(hours(24 * 365 * 56));
  PasswordHasher hasher_;
  std::unique_ptr<Accounts> accounts_;

  void SetUp() override {
    AuthDatabaseTest::SetUp();
    accounts_ = std::make_unique<Accounts>(*database_, hasher_,
                                           [this] { return now_; });
  }

  User AddHelmondEditor() {
    auto added = accounts_->Add(
        {"helmond", "Helmond", kCityEditor, "GM0794", "fiets-Kanaal-tulp-93"});
    EXPECT_TRUE(added.ok()) << added.status().message();
    return added->first;
  }
};

TEST_F(AccountsTest, TheFirstAdministratorIsCreatedOnceWithAGeneratedPassword) {
  auto first = accounts_->EnsureFirstAdministrator("");
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->size(), 20u);
  EXPECT_TRUE(accounts_->Login("admin", **first).ok());
  auto again = accounts_->EnsureFirstAdministrator("");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST_F(AccountsTest, RoleAndScopeMustGoTogetherAndExist) {
  EXPECT_EQ(accounts_->Add({"a1", "", kCityEditor, "", "fiets-Kanaal-tulp-93"})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  auto unknown_city =
      accounts_->Add({"a2", "", kCityEditor, "GM9999", "fiets-Kanaal-tulp-93"});
  EXPECT_NE(unknown_city.status().message().find("GM9999"), std::string::npos);
  EXPECT_FALSE(
      accounts_
          ->Add({"a3", "", kThemeEditor, "rode-stad", "fiets-Kanaal-tulp-93"})
          .ok());
  EXPECT_FALSE(
      accounts_->Add({"a4", "", kAdmin, "GM0794", "fiets-Kanaal-tulp-93"})
          .ok());
  EXPECT_FALSE(
      accounts_->Add({"a5", "", "superuser", "", "fiets-Kanaal-tulp-93"}).ok());
  EXPECT_TRUE(
      accounts_
          ->Add({"a6", "", kThemeEditor, "groene-stad", "fiets-Kanaal-tulp-93"})
          .ok());
  EXPECT_EQ(
      accounts_->Add({"Not Valid", "", kAdmin, "", "fiets-Kanaal-tulp-93"})
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->Add({"a6", "", kAdmin, "", "fiets-Kanaal-tulp-93"})
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(
      accounts_->Add({"a7", "", kAdmin, "", "password1234"}).status().code(),
      StatusCode::kInvalidArgument);
}

TEST_F(AccountsTest, NoPasswordOrHashIsReadable) {
  AddHelmondEditor();
  auto users = accounts_->List();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  std::string stored;
  ASSERT_TRUE(database_
                  ->Read([&](storage::Connection& db) {
                    auto rows = db.Query("SELECT password_hash FROM users", {});
                    stored = rows->front().Text("password_hash");
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(stored.find("fiets"), std::string::npos);
  EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u);
}

TEST_F(AccountsTest, ASessionEndsAfterThirtyIdleMinutes) {
  AddHelmondEditor();
  auto login = accounts_->Login("helmond", "fiets-Kanaal-tulp-93");
  ASSERT_TRUE(login.ok()) << login.status().message();
  auto resumed = accounts_->Resume(login->session_token);
  ASSERT_TRUE(resumed.ok() && resumed->has_value());
  EXPECT_EQ((*resumed)->name, "user:helmond");
  EXPECT_EQ((*resumed)->role, kCityEditor);
  EXPECT_EQ((*resumed)->scope, "GM0794");
  EXPECT_EQ((*resumed)->csrf_token, login->csrf_token);

  now_ += minutes(29);
  EXPECT_TRUE(accounts_->Resume(login->session_token)->has_value());
  now_ += minutes(29);  // used 29 minutes ago: still alive
  EXPECT_TRUE(accounts_->Resume(login->session_token)->has_value());
  now_ += minutes(31);
  EXPECT_FALSE(accounts_->Resume(login->session_token)->has_value());
  // Gone for good, not only for this request.
  now_ -= minutes(31);
  EXPECT_FALSE(accounts_->Resume(login->session_token)->has_value());
}

TEST_F(AccountsTest, ASessionEndsTwelveHoursAfterLoginHoweverBusy) {
  AddHelmondEditor();
  auto login = accounts_->Login("helmond", "fiets-Kanaal-tulp-93");
  ASSERT_TRUE(login.ok());
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    now_ += minutes(20);
    ASSERT_TRUE(accounts_->Resume(login->session_token)->has_value()) << i;
  }
  now_ += minutes(20);
  EXPECT_FALSE(accounts_->Resume(login->session_token)->has_value());
}

TEST_F(AccountsTest, LogoutDisableAndPasswordChangesEndSessions) {
  User user = AddHelmondEditor();
  auto first = accounts_->Login("helmond", "fiets-Kanaal-tulp-93");
  auto second = accounts_->Login("helmond", "fiets-Kanaal-tulp-93");
  ASSERT_TRUE(first.ok() && second.ok());
  auto first_session = **accounts_->Resume(first->session_token);

  // A password change keeps the session it was made in and ends the others.
  ASSERT_TRUE(accounts_
                  ->SetPassword(user.id, "nieuw-Kanaal-roos-17", true,
                                first_session.session_id)
                  .ok());
  EXPECT_TRUE(accounts_->Resume(first->session_token)->has_value());
  EXPECT_FALSE(accounts_->Resume(second->session_token)->has_value());
  EXPECT_FALSE(accounts_->Login("helmond", "fiets-Kanaal-tulp-93").ok());

  ASSERT_TRUE(accounts_->Logout(first_session.session_id).ok());
  EXPECT_FALSE(accounts_->Resume(first->session_token)->has_value());

  auto third = accounts_->Login("helmond", "nieuw-Kanaal-roos-17");
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(accounts_->SetDisabled(user.id, true).ok());
  EXPECT_FALSE(accounts_->Resume(third->session_token)->has_value());
  EXPECT_EQ(accounts_->Login("helmond", "nieuw-Kanaal-roos-17").status().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(AccountsTest, AWrongPasswordAndAnUnknownNameGetTheSameAnswer) {
  AddHelmondEditor();
  auto wrong = accounts_->Login("helmond", "fiets-Kanaal-tulp-94");
  auto unknown = accounts_->Login("tilburg", "fiets-Kanaal-tulp-93");
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(AccountsTest, AHundredFailuresInAnHourThrottleTheAccount) {
  AddHelmondEditor();
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(accounts_->Login("helmond", "wrong-password-" + std::to_string(i))
                  .status()
                  .code(),
              StatusCode::kUnauthenticated)
        << i;
    now_ += seconds(10);
  }
  seconds retry_after{0};
  auto throttled =
      accounts_->Login("helmond", "fiets-Kanaal-tulp-93", &retry_after);
  EXPECT_EQ(throttled.status().code(), StatusCode::kResourceExhausted);
  // The first failure was 1000 s ago; it leaves the window in 2600 s.
  EXPECT_EQ(retry_after.count(), 3600 - 1000);
  // Other accounts are not affected.
  EXPECT_EQ(accounts_->Login("tilburg", "x").status().code(),
            StatusCode::kUnauthenticated);
  now_ += retry_after;
  EXPECT_TRUE(accounts_->Login("helmond", "fiets-Kanaal-tulp-93").ok());
}

TEST_F(AccountsTest, ALoginRehashesAPasswordHashedWithOldLimits) {
  AddHelmondEditor();
  PasswordHasher stronger({3, 0});
  Accounts upgraded(*database_, stronger, [this] { return now_; });
  auto hash_of = [&] {
    std::string hash;
    EXPECT_TRUE(database_
                    ->Read([&](storage::Connection& db) {
                      hash = db.Query("SELECT password_hash FROM users", {})
                                 ->front()
                                 .Text("password_hash");
                      return Status::Ok();
                    })
                    .ok());
    return hash;
  };
  std::string before = hash_of();
  EXPECT_TRUE(stronger.NeedsRehash(before));
  ASSERT_TRUE(upgraded.Login("helmond", "fiets-Kanaal-tulp-93").ok());
  std::string after = hash_of();
  EXPECT_NE(before, after);
  EXPECT_FALSE(stronger.NeedsRehash(after));
}

}  // namespace
}  // namespace smartercities::auth
