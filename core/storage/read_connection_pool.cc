#include "core/storage/read_connection_pool.h"

#include <algorithm>
#include <vector>

namespace smartercities::storage {
namespace {

// Closes the exiting thread's connections in the pools it read from that
// still exist.
class ReadThreadExit {
 public:
  ReadThreadExit() = default;
  ReadThreadExit(const ReadThreadExit&) = delete;
  ReadThreadExit& operator=(const ReadThreadExit&) = delete;
  ~ReadThreadExit() {
    for (const auto& weak : pools_) {
      if (auto pool = weak.lock())
        pool->CloseThread(std::this_thread::get_id());
    }
  }

  void Add(std::weak_ptr<ReadConnectionPool> pool) {
    std::erase_if(pools_, [](const auto& weak) { return weak.expired(); });
    pools_.push_back(std::move(pool));
  }

 private:
  std::vector<std::weak_ptr<ReadConnectionPool>> pools_;
};

thread_local ReadThreadExit read_thread_exit;

}  // namespace

ReadConnectionPool::ReadConnectionPool(std::string path, int busy_timeout_ms)
    : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms) {}

Result<ReadSlot*> ReadConnectionPool::ForThisThread() {
  std::thread::id thread = std::this_thread::get_id();
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      return Status::FailedPrecondition("the database '" + path_ +
                                        "' is closed");
    }
    auto it = slots_.find(thread);
    if (it != slots_.end()) return &it->second;
  }
  // Opening takes a while; other threads need not wait for it, and no other
  // thread adds this thread's slot.
  auto connection =
      SqliteConnection::Open(path_, /*read_only=*/true, busy_timeout_ms_);
  if (!connection.ok()) return connection.status();
  std::lock_guard lock(mutex_);
  if (closed_) {
    return Status::FailedPrecondition("the database '" + path_ + "' is closed");
  }
  ReadSlot& slot = slots_[thread];
  slot.connection = std::move(connection).value();
  read_thread_exit.Add(weak_from_this());
  return &slot;
}

void ReadConnectionPool::Close() {
  std::map<std::thread::id, ReadSlot> slots;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    slots.swap(slots_);
  }
}

std::size_t ReadConnectionPool::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

void ReadConnectionPool::CloseThread(std::thread::id thread) {
  ReadSlot slot;
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(thread);
    if (it == slots_.end()) return;
    slot = std::move(it->second);
    slots_.erase(it);
  }
}

}  // namespace smartercities::storage
