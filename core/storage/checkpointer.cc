#include "core/storage/checkpointer.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace smartercities::storage {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(
    const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  // A connection learns that the file is in WAL mode when it first reads
  // it; until then a checkpoint does nothing.
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) {
    std::string reason =
        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    std::string message = "opening the checkpoint connection to '";
    message += path;
    message += "': ";
    message += reason;
    return Status::Unavailable(message);
  }
  return std::unique_ptr<Checkpointer>(new Checkpointer(db));
}

Checkpointer::Checkpointer(sqlite3* db) : db_(db) {
  thread_ = std::thread([this] { Run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(db_);
}

bool Checkpointer::LogCommitted(int pages) {
  if (pages < kLargeLogPages) return false;
  {
    std::lock_guard lock(mutex_);
    wanted_ = true;
  }
  wake_.notify_one();
  return true;
}

void Checkpointer::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    int log_pages = 0;
    int copied_pages = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &log_pages, &copied_pages);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("storage: checkpointing the write-ahead log failed: {}",
                   sqlite3_errmsg(db_));
    }
    num_checkpoints_.fetch_add(1);
    lock.lock();
  }
}

}  // namespace smartercities::storage
