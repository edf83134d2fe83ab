// Feeds arbitrary bytes as the JSON config file of `smartercities serve
// --config FILE`, through app::ParseCommandLine as the executable does. Besides
// what the sanitizers catch, a file it accepts must leave every setting in
// its documented range, and the settings must serialise as valid JSON (the
// file was JSON; what was read from it must still be).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/app/command_line.h"
#include "tests/fuzz/json_property.h"

namespace {

// The file lives in memory (memfd) and is named by its /proc/self/fd path:
// writing a real file for every input made the run ten times slower.
int file_fd = -1;
std::string config_file;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  file_fd = ::memfd_create("smartercities.json", MFD_CLOEXEC);
  if (file_fd < 0) {
    std::perror("memfd_create");
    std::abort();
  }
  config_file = "/proc/self/fd/" + std::to_string(file_fd);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (::ftruncate(file_fd, 0) != 0 ||
      ::pwrite(file_fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::perror("writing the input");
    std::abort();
  }
  auto invocation = smartercities::app::ParseCommandLine(
      {"serve", "--config", config_file}, smartercities::app::Config{});
  if (invocation.exit_code) {
    if (*invocation.exit_code != 2 || invocation.message.empty()) std::abort();
    return 0;
  }
  const smartercities::app::Config& config = invocation.config;
  if (config.host.empty() || config.io_threads < 1 || config.io_threads > 64 ||
      config.worker_threads < 1 || config.worker_threads > 256 ||
      config.handler_deadline_ms < 10 || config.handler_deadline_ms > 600000 ||
      (config.log_format != "text" && config.log_format != "json") ||
      config.tls_cert_file.empty() != config.tls_key_file.empty() ||
      invocation.command != smartercities::app::Command::kServe) {
    std::abort();
  }
  for (const std::string& origin : config.public_origins) {
    if (!origin.starts_with("http://") && !origin.starts_with("https://")) {
      std::abort();
    }
  }
  smartercities::fuzz::RequireJsonRoundTrip(
      {{"host", config.host},
       {"port", config.port},
       {"dataDir", config.data_dir.string()},
       {"pluginDir", config.plugin_dir.string()},
       {"webRoot", config.web_root.string()},
       {"tlsCert", config.tls_cert_file.string()},
       {"publicOrigin", config.public_origins},
       {"monitoringAddress", config.monitoring_address},
       {"plugins", config.plugin_config}},
      "the settings read from the file");
  return 0;
}
