// work_queue.h — threads for one kind of work, with a bound on how much of
// it may wait.
//
// The server keeps one queue per kind of work (the core's database reads and
// writes, the theme modules' handlers, password hashing), so that one kind
// filling up never makes another wait: a full queue refuses at once, and the
// caller answers 503 with Retry-After. A queue may run its threads at a
// lower CPU priority (nice), so that work which only burns CPU — password
// hashing — cannot slow down the answers of the others.
//
// Thread-safety: TrySubmit and pending may be called from any thread; Stop
// from one thread, once the server accepts no more work.
// Ownership: the queue owns its threads; Stop (or the destructor) drops the
// work not started yet and waits for the work that runs.
#ifndef SMARTERCITIES_CORE_HTTP_WORK_QUEUE_H_
#define SMARTERCITIES_CORE_HTTP_WORK_QUEUE_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace smartercities::http {

class WorkQueue {
 public:
  // threads: how many run at once; max_pending: how many may be queued or
  // running together; nice: 0, or up to 19 for a lower CPU priority.
  WorkQueue(std::string name, int threads, std::size_t max_pending,
            int nice = 0);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues work; false, without queuing it, when the queue is full or
  // stopped.
  bool TrySubmit(std::function<void()> work);

  // Work queued or running now.
  std::size_t pending() const { return pending_.load(); }
  std::size_t max_pending() const { return max_pending_; }
  const std::string& name() const { return name_; }

  void Stop();

 private:
  void Run();

  const std::string name_;
  const std::size_t max_pending_;
  const int nice_;
  std::atomic<std::size_t> pending_{0};
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<std::function<void()>> queue_;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_WORK_QUEUE_H_
