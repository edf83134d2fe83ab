#include "core/http/work_queue.h"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <latch>

#include "core/http/http_logger.h"

namespace smartercities::http {

WorkQueue::WorkQueue(std::string name, int threads, std::size_t max_pending,
                     int nice)
    : name_(std::move(name)),
      max_pending_(max_pending),
      pool_(static_cast<std::size_t>(std::max(1, threads))) {
  if (nice <= 0) return;
  // One task per thread, each held until all have started, so that every
  // thread of the pool takes one and lowers its own priority.
  int count = std::max(1, threads);
  auto started = std::make_shared<std::latch>(count);
  for (int i = 0; i < count; ++i) {
    boost::asio::post(pool_, [started, nice, name = name_] {
      if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice) !=
          0) {
        HttpLogger()->warn("work queue '{}': could not lower its priority",
                           name);
      }
      started->arrive_and_wait();
    });
  }
}

WorkQueue::~WorkQueue() { Stop(); }

bool WorkQueue::TrySubmit(std::function<void()> work) {
  if (stopped_.load()) return false;
  if (pending_.fetch_add(1) >= max_pending_) {
    pending_.fetch_sub(1);
    return false;
  }
  boost::asio::post(pool_, [this, work = std::move(work)] {
    struct Done {
      std::atomic<std::size_t>& pending;
      ~Done() { pending.fetch_sub(1); }
    } done{pending_};
    work();
  });
  return true;
}

void WorkQueue::Stop() {
  if (stopped_.exchange(true)) return;
  pool_.stop();
  pool_.join();
}

}  // namespace smartercities::http
