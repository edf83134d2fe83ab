// Feeds arbitrary bytes as the JSON config file of `smartercities serve
// --config FILE`, through app::ApplyFlags as the command line does. Besides
// what the sanitizers catch, a file it accepts must leave every setting in
// its documented range.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/app/config.h"

namespace {

namespace fs = std::filesystem;

fs::path* config_file = nullptr;

void RemoveConfigFile() {
  std::error_code ec;
  fs::remove(*config_file, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  config_file = new fs::path(
      fs::temp_directory_path() /
      ("smartercities-fuzz-config-" + std::to_string(::getpid()) + ".json"));
  std::atexit(RemoveConfigFile);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  {
    std::ofstream out(*config_file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(size));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", config_file->c_str());
      std::abort();
    }
  }
  smartercities::app::Config config;
  std::vector<std::string> args = {"--config", config_file->string()};
  smartercities::Status status = smartercities::app::ApplyFlags(args, config);
  if (!status.ok()) {
    if (status.message().empty()) std::abort();
    return 0;
  }
  if (config.host.empty() || config.io_threads < 1 || config.io_threads > 64 ||
      config.worker_threads < 1 || config.worker_threads > 256 ||
      config.handler_deadline_ms < 10 || config.handler_deadline_ms > 600000 ||
      (config.log_format != "text" && config.log_format != "json") ||
      config.tls_cert_file.empty() != config.tls_key_file.empty() ||
      !args.empty()) {
    std::abort();
  }
  return 0;
}
