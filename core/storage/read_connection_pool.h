// read_connection_pool.h — the read connections of one database file, one
// per thread that reads.
//
// A thread's connection is opened read-only on its first use and closed when
// the thread exits or when the pool is closed (SqliteDatabase closes it when
// it is destroyed), whichever comes first.
//
// Thread-safety: all methods may be called from any thread. A ReadSlot is
// used only by the thread it belongs to. Owns the connections; is owned by a
// shared_ptr (ForThisThread needs that), which exiting threads briefly share
// to close their connections.
#ifndef SMARTERCITIES_CORE_STORAGE_READ_CONNECTION_POOL_H_
#define SMARTERCITIES_CORE_STORAGE_READ_CONNECTION_POOL_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/storage/sqlite_connection.h"

namespace smartercities::storage {

// One thread's read connection and how deep that thread is in Read calls.
struct ReadSlot {
  std::unique_ptr<SqliteConnection> connection;
  int read_depth = 0;
};

class ReadConnectionPool
    : public std::enable_shared_from_this<ReadConnectionPool> {
 public:
  ReadConnectionPool(std::string path, int busy_timeout_ms);
  ReadConnectionPool(const ReadConnectionPool&) = delete;
  ReadConnectionPool& operator=(const ReadConnectionPool&) = delete;

  // The calling thread's slot, opening its connection on first use. The
  // pointer stays valid on this thread until it exits or Close. Fails when
  // the connection cannot be opened or the pool is closed.
  Result<ReadSlot*> ForThisThread();

  // Closes every connection; later calls of ForThisThread fail. The caller
  // makes sure that no thread is using its connection.
  void Close();

  // Closes thread's connection, if it has one; it is not in use.
  void CloseThread(std::thread::id thread);

  // The number of open connections.
  std::size_t size() const;

 private:
  const std::string path_;
  const int busy_timeout_ms_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  // Nodes of a std::map stay where they are, so a thread may keep using its
  // slot while other threads add theirs.
  std::map<std::thread::id, ReadSlot> slots_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_READ_CONNECTION_POOL_H_
