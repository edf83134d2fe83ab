#include "core/http/work_queue.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <future>

namespace smartercities::http {
namespace {

TEST(WorkQueueTest, RefusesWorkBeyondItsBoundAndTakesItAgainLater) {
  WorkQueue queue("test", 1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> done{0};
  auto blocked = [&] {
    released.wait();
    ++done;
  };
  EXPECT_TRUE(queue.TrySubmit(blocked));
  EXPECT_TRUE(queue.TrySubmit(blocked));  // waits behind the first
  EXPECT_FALSE(queue.TrySubmit(blocked));
  EXPECT_EQ(queue.pending(), 2u);
  release.set_value();
  for (int i = 0; i < 200 && queue.pending() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(done.load(), 2);
  EXPECT_TRUE(queue.TrySubmit([&] { ++done; }));
}

TEST(WorkQueueTest, ItsThreadsRunAtTheLowerPriorityAskedFor) {
  WorkQueue queue("nice", 2, 8, 10);
  std::promise<int> seen;
  ASSERT_TRUE(queue.TrySubmit([&] {
    seen.set_value(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())));
  }));
  int own = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  // setpriority sets the niceness itself; a thread cannot go below the
  // process's without privileges.
  EXPECT_EQ(seen.get_future().get(), std::max(own, 10));
}

TEST(WorkQueueTest, StopRefusesNewWork) {
  WorkQueue queue("stopped", 1, 4);
  queue.Stop();
  EXPECT_FALSE(queue.TrySubmit([] {}));
}

}  // namespace
}  // namespace smartercities::http
