// server_process.h — the `smartercities` executable run as an operator runs
// it, for the tests that need a real process: real signals, a real exit
// code, the text it prints.
//
// Its standard output and error are read by a thread of their own into
// memory for as long as it runs, so a server that logs a lot never blocks
// on a full pipe, and a test can look at everything it printed.
//
// Thread-safety: one test thread uses an object; Output may be called while
// the reader thread appends.
#ifndef SMARTERCITIES_TESTS_SUPPORT_SERVER_PROCESS_H_
#define SMARTERCITIES_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace smartercities::testing {

// The built executable (<build>/bin/smartercities).
std::filesystem::path Executable();

struct CommandResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string output;  // standard output and error, interleaved
};

// Runs `smartercities args...` to its end with `env` added to the
// environment, and returns its exit code and output.
CommandResult RunCommand(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {});

class ServerProcess {
 public:
  // Starts `smartercities serve --port 0 args...` with `env` added to the
  // environment, and waits up to `timeout` for the line that gives its URL.
  // port() is 0 when it did not come (the process ended or took too long);
  // Output() says why.
  ServerProcess(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {},
                std::chrono::seconds timeout = std::chrono::seconds(30));
  // Kills the process (SIGKILL) if it still runs.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Everything it has printed so far.
  std::string Output() const;

  // Sends `signal` and waits up to `timeout` for the process to end; its
  // exit code, or nullopt when it did not exit normally or in time (then it
  // is killed).
  std::optional<int> Stop(
      int signal, std::chrono::seconds timeout = std::chrono::seconds(30));
  // SIGKILL, and waits for the process to end.
  void Kill();

 private:
  void ReadOutput(int fd);

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool output_closed_ = false;
};

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_SUPPORT_SERVER_PROCESS_H_
