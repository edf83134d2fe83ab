// checkpointer.h — copies a long write-ahead log into the database file on
// a thread of its own.
//
// SQLite's automatic checkpoint runs inside the COMMIT that fills the log
// past 1000 pages. For the short writes of every day that is right: the
// copy is small, and the log starts over at the beginning, where its pages
// are still in memory. After one large transaction (an import of a million
// figures, some 100 MB of log) the copy takes long, and the caller would
// wait for it. So the write connection tells a Checkpointer how long the
// log is after each commit: from kLargeLogPages on, the Checkpointer's
// thread copies it, with a PASSIVE checkpoint on a connection of its own
// (it copies what no reader still needs and never blocks readers or
// writers), and the commit returns at once. The log is no less durable:
// with synchronous=NORMAL a committed transaction is in the log, and the
// copy is fsynced before the log is reused.
#ifndef SMARTERCITIES_CORE_STORAGE_CHECKPOINTER_H_
#define SMARTERCITIES_CORE_STORAGE_CHECKPOINTER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/base/status.h"

struct sqlite3;

namespace smartercities::storage {

class Checkpointer {
 public:
  // From this length on (40 MB at 4 KiB a page) the log is copied on the
  // Checkpointer's thread.
  static constexpr int kLargeLogPages = 10000;

  // Opens a connection of its own to path and starts the thread.
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path);
  // Stops the thread (after a checkpoint in progress) and closes the
  // connection.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // After a commit: the log now holds pages pages. True when the
  // Checkpointer copies it (it is long); false leaves it to the caller.
  // Cheap; never blocks on a checkpoint.
  bool LogCommitted(int pages);

  // The checkpoints run so far.
  std::uint64_t num_checkpoints() const { return num_checkpoints_.load(); }

 private:
  explicit Checkpointer(sqlite3* db);
  void Run();

  sqlite3* db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> num_checkpoints_{0};
  std::thread thread_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_CHECKPOINTER_H_
