#include "tests/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <stdexcept>

#include "tests/support/test_support.h"

namespace smartercities::testing {
namespace {

// Starts the executable with args and env, its standard output and error on
// the returned pipe; throws when the process cannot be made.
std::pair<pid_t, int> Spawn(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_storage = {Executable().string()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Only the pipe's write end stays open in the child (O_CLOEXEC closes
    // the rest at exec), so the parent sees the end of the output when the
    // process ends.
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    for (const auto& [name, value] : env) {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  return {pid, out[0]};
}

std::optional<int> ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return std::nullopt;
}

}  // namespace

std::filesystem::path Executable() {
  return BinaryDir() / "bin" / "smartercities";
}

CommandResult RunCommand(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env) {
  auto [pid, fd] = Spawn(args, env);
  CommandResult result;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = ExitCode(status).value_or(-1);
  return result;
}

ServerProcess::ServerProcess(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env,
                             std::chrono::seconds timeout) {
  std::vector<std::string> serve = {"serve", "--port", "0"};
  serve.insert(serve.end(), args.begin(), args.end());
  auto [pid, fd] = Spawn(serve, env);
  pid_ = pid;
  reader_ = std::thread([this, fd = fd] { ReadOutput(fd); });
  static const std::regex kUrl(R"(running at https?://[^:]+:([0-9]+)/)");
  std::unique_lock lock(mutex_);
  std::smatch match;
  changed_.wait_for(lock, timeout, [&] {
    return std::regex_search(output_, match, kUrl) || output_closed_;
  });
  if (!match.empty()) port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
}

ServerProcess::~ServerProcess() {
  Kill();
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::ReadOutput(int fd) {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    output_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  output_closed_ = true;
  changed_.notify_all();
}

std::string ServerProcess::Output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

std::optional<int> ServerProcess::Stop(int signal,
                                       std::chrono::seconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      if (reader_.joinable()) reader_.join();
      return ExitCode(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return std::nullopt;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
}

}  // namespace smartercities::testing
