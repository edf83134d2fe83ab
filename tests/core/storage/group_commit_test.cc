// Short writes of several threads sharing one commit (WriteGrouped): each
// caller hears its own outcome, a failing part leaves only itself out, and
// what a call wrote is visible when it returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/core/storage/database_fixture.h"

namespace smartercities::storage {
namespace {

using ::testing::HasSubstr;

class GroupCommitTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    ASSERT_TRUE(Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)").ok());
  }

  Status Insert(int id, const std::string& who = "") {
    return database_->WriteGrouped([&](Connection& db) {
      return db.Execute("INSERT INTO t VALUES (?1, ?2)",
                        std::vector<Value>{std::int64_t{id}, who});
    });
  }

  // Starts a grouped write that holds the write lock until release is set,
  // after inserting id.
  std::thread HoldingWrite(int id, std::atomic<bool>& started,
                           std::atomic<bool>& release, Status& outcome) {
    return std::thread([this, id, &started, &release, &outcome] {
      outcome = database_->WriteGrouped([&](Connection& db) {
        Status status = db.Execute("INSERT INTO t VALUES (?1, 'holder')",
                                   std::vector<Value>{std::int64_t{id}});
        started = true;
        while (!release)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return status;
      });
    });
  }

  static void WaitFor(const std::atomic<bool>& flag) {
    while (!flag) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
};

TEST_F(GroupCommitTest, ManyThreadsWriteAndEachSeesItsRowWhenItsCallReturns) {
  constexpr int kThreads = 8;
  constexpr int kRows = 150;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRows; ++i) {
        int id = t * kRows + i + 1;
        if (!Insert(id).ok()) ++failures;
        // Acknowledged means committed: a read on this thread sees it.
        if (One("SELECT COUNT(*) FROM t WHERE id = ?1", {std::int64_t{id}}) !=
            "1") {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), std::to_string(kThreads * kRows));
}

TEST_F(GroupCommitTest, WritesThatArriveWhileOneRunsShareItsCommit) {
  std::uint64_t commits = database_->num_commits();
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  Status holder;
  std::thread first = HoldingWrite(1, started, release, holder);
  WaitFor(started);
  Status second, third;
  std::thread a([&] { second = Insert(2); });
  std::thread b([&] { third = Insert(3); });
  // Both are queued for the lock before the first part ends.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release = true;
  first.join();
  a.join();
  b.join();
  EXPECT_TRUE(holder.ok()) << holder.message();
  EXPECT_TRUE(second.ok()) << second.message();
  EXPECT_TRUE(third.ok()) << third.message();
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "3");
  EXPECT_EQ(database_->num_commits() - commits, 1u);
}

TEST_F(GroupCommitTest, AFailingPartLeavesOnlyItselfOut) {
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  Status holder;
  std::thread first = HoldingWrite(1, started, release, holder);
  WaitFor(started);
  Status failed, thrown, after;
  std::thread a([&] {
    failed = database_->WriteGrouped([](Connection& db) {
      Status status = db.Execute("INSERT INTO t VALUES (2, 'failing')", {});
      if (!status.ok()) return status;
      return Status::InvalidArgument("city: not a city of the covenant");
    });
  });
  std::thread b([&] {
    try {
      thrown = database_->WriteGrouped([](Connection& db) -> Status {
        Status status = db.Execute("INSERT INTO t VALUES (3, 'throwing')", {});
        (void)status;
        throw std::runtime_error("broken");
      });
    } catch (const std::runtime_error& e) {
      thrown = Status::Internal(e.what());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release = true;
  first.join();
  a.join();
  b.join();
  after = Insert(4);
  EXPECT_TRUE(holder.ok()) << holder.message();
  EXPECT_EQ(failed.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(failed.message(), HasSubstr("not a city"));
  EXPECT_EQ(thrown.code(), StatusCode::kInternal);
  EXPECT_EQ(thrown.message(), "broken");
  EXPECT_TRUE(after.ok()) << after.message();
  EXPECT_EQ(One("SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id)"),
            "1,4");
}

TEST_F(GroupCommitTest,
       WhenSqliteRollsTheSharedTransactionBackEveryMemberHears) {
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  Status holder;
  std::thread first = HoldingWrite(1, started, release, holder);
  WaitFor(started);
  Status breaking;
  std::thread a([&] {
    breaking = database_->WriteGrouped([](Connection& db) {
      // A conflict with the holder's row that rolls back the whole
      // transaction, the holder's part included.
      return db.Execute("INSERT OR ROLLBACK INTO t VALUES (1, 'again')", {});
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release = true;
  first.join();
  a.join();
  EXPECT_FALSE(breaking.ok());
  EXPECT_FALSE(holder.ok());
  EXPECT_THAT(holder.message(), HasSubstr("rolled back"));
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
  // The database takes writes again.
  EXPECT_TRUE(Insert(5).ok());
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "1");
}

TEST_F(GroupCommitTest, AWriteOfItsOwnCommitsTheWaitingMembersFirst) {
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  Status holder;
  std::thread first = HoldingWrite(1, started, release, holder);
  WaitFor(started);
  std::uint64_t commits = database_->num_commits();
  Status own;
  std::thread a([&] {
    own = database_->Write([](Connection& db) {
      return db.Execute("INSERT INTO t VALUES (2, 'own')", {});
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release = true;
  first.join();
  a.join();
  EXPECT_TRUE(holder.ok()) << holder.message();
  EXPECT_TRUE(own.ok()) << own.message();
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "2");
  // Its transaction is its own: the waiting member's commit came first.
  EXPECT_EQ(database_->num_commits() - commits, 2u);
}

}  // namespace
}  // namespace smartercities::storage
