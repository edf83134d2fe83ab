#include "core/base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace smartercities {
namespace {

// Counts the objects of its type that exist, so a test can see whether the
// value a reference is bound to is still there.
class Counted {
 public:
  explicit Counted(std::string text) : text_(std::move(text)) { ++alive_; }
  Counted(const Counted& other) : text_(other.text_) { ++alive_; }
  Counted(Counted&& other) noexcept : text_(std::move(other.text_)) {
    ++alive_;
  }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) = default;
  ~Counted() { --alive_; }

  static int alive() { return alive_; }
  const std::string& text() const { return text_; }

 private:
  static inline int alive_ = 0;
  std::string text_;
};

Result<Counted> MakeCounted() {
  return Counted("a value long enough to live on the heap");
}

Result<std::string> MakeText() { return std::string("text"); }

TEST(ResultTest, TheValueOfATemporaryResultIsMovedOutNotReferenced) {
  static_assert(std::is_same_v<decltype(MakeText().value()), std::string>);
  Result<std::string> named = MakeText();
  static_assert(std::is_same_v<decltype(named.value()), std::string&>);
  static_assert(std::is_same_v<decltype(std::as_const(named).value()),
                               const std::string&>);
}

TEST(ResultTest, AReferenceToATemporaryResultsValueKeepsTheValueAlive) {
  ASSERT_EQ(Counted::alive(), 0);
  {
    auto&& held = MakeCounted().value();
    // The Result is gone; what held refers to must not be.
    EXPECT_EQ(Counted::alive(), 1);
    EXPECT_EQ(held.text(), "a value long enough to live on the heap");
  }
  EXPECT_EQ(Counted::alive(), 0);
}

TEST(ResultTest, MovingTheValueOutOfANamedResultTakesIt) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(7);
  std::unique_ptr<int> taken = std::move(result).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(ResultTest, AFailedResultCarriesItsStatus) {
  Result<std::string> failed = Status::NotFound("no theme 'x'");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(failed.status().message(), "no theme 'x'");
}

}  // namespace
}  // namespace smartercities
