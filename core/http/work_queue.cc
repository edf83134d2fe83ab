#include "core/http/work_queue.h"

#include <sys/resource.h>
#include <unistd.h>

#include "core/http/http_logger.h"

namespace smartercities::http {

WorkQueue::WorkQueue(std::string name, int threads, std::size_t max_pending,
                     int nice)
    : name_(std::move(name)), max_pending_(max_pending), nice_(nice) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] { Run(); });
  }
}

WorkQueue::~WorkQueue() { Stop(); }

bool WorkQueue::TrySubmit(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || pending_.load() >= max_pending_) return false;
    pending_.fetch_add(1);
    queue_.push_back(std::move(work));
  }
  work_ready_.notify_one();
  return true;
}

void WorkQueue::Run() {
  // Each thread lowers its own priority before it takes any work.
  if (nice_ > 0 &&
      ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice_) != 0) {
    HttpLogger()->warn("work queue '{}': could not lower its priority", name_);
  }
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
      if (stopped_) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    struct Done {
      std::atomic<std::size_t>& pending;
      ~Done() { pending.fetch_sub(1); }
    } done{pending_};
    try {
      work();
    } catch (...) {
      HttpLogger()->error("work queue '{}': a task ended with an exception",
                          name_);
    }
  }
}

void WorkQueue::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    dropped.swap(queue_);
  }
  work_ready_.notify_all();
  for (auto& thread : threads_) thread.join();
  // Work that never started is destroyed here, after the threads: it may
  // hold the last reference to a connection.
  pending_.fetch_sub(dropped.size());
}

}  // namespace smartercities::http
