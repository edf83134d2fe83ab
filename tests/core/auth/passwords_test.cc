#include "core/auth/passwords.h"

#include <gtest/gtest.h>

namespace smartercities::auth {
namespace {

TEST(PasswordRulesTest, RefusesShortLongCommonAndPatternedPasswords) {
  EXPECT_NE(PasswordProblem("kort", "anna"), std::nullopt);
  EXPECT_NE(PasswordProblem(std::string(129, 'x') + "abcde", "anna"),
            std::nullopt);
  EXPECT_NE(PasswordProblem("Password1234", "anna"), std::nullopt);
  EXPECT_NE(PasswordProblem("wachtwoord2024!", "anna"), std::nullopt);
  EXPECT_NE(PasswordProblem("annadevries-helmond", "annadevries"),
            std::nullopt);
  EXPECT_NE(PasswordProblem("aaaaaaaaaaaaaa", "anna"), std::nullopt);
  EXPECT_NE(PasswordProblem("abcdefghijklmnop", "anna"), std::nullopt);
  EXPECT_NE(PasswordProblem("xyzxyzxyzxyzxyz", "anna"), std::nullopt);
  EXPECT_EQ(PasswordProblem("fiets-Kanaal-tulp-93", "anna"), std::nullopt);
  // Characters, not bytes: twelve letters with accents are enough.
  EXPECT_EQ(PasswordProblem("één-twee-drië", "anna"), std::nullopt);
}

TEST(PasswordRulesTest, GeneratedPasswordsMeetTheRules) {
  for (int i = 0; i < 20; ++i) {
    std::string password = GeneratePassword();
    EXPECT_EQ(password.size(), 20u);
    EXPECT_EQ(PasswordProblem(password, "admin"), std::nullopt) << password;
  }
}

TEST(PasswordHasherTest, HashesWithArgon2idAndVerifies) {
  PasswordHasher hasher;
  auto hash = hasher.Hash("fiets-Kanaal-tulp-93");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(*hasher.Verify(*hash, "fiets-Kanaal-tulp-93"));
  EXPECT_FALSE(*hasher.Verify(*hash, "fiets-Kanaal-tulp-94"));
  EXPECT_FALSE(*hasher.Verify("not a hash", "fiets-Kanaal-tulp-93"));
  EXPECT_FALSE(hasher.NeedsRehash(*hash));
}

TEST(PasswordHasherTest, AHashWithLowerLimitsThanTodaysNeedsARehash) {
  PasswordHasher today;
  PasswordHasher stronger({4, 0});
  auto old_hash = today.Hash("fiets-Kanaal-tulp-93");
  ASSERT_TRUE(old_hash.ok());
  EXPECT_TRUE(stronger.NeedsRehash(*old_hash));
  EXPECT_TRUE(*stronger.Verify(*old_hash, "fiets-Kanaal-tulp-93"));
}

TEST(PasswordHasherTest, RefusesWhenAllSlotsStayBusy) {
  PasswordHasher hasher({}, 1, std::chrono::milliseconds(0));
  std::atomic<int> unavailable{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto hash = hasher.Hash("fiets-Kanaal-tulp-93");
      if (!hash.ok() && hash.status().code() == StatusCode::kUnavailable)
        ++unavailable;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GE(unavailable.load(), 1);
}

TEST(SecretsTest, ComparesWholeSecrets) {
  EXPECT_TRUE(SecretsEqual("abc", "abc"));
  EXPECT_FALSE(SecretsEqual("abc", "abd"));
  EXPECT_FALSE(SecretsEqual("abc", "abcd"));
}

}  // namespace
}  // namespace smartercities::auth
