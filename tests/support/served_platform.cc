#include "tests/support/served_platform.h"

#include <fstream>
#include <map>
#include <utility>

namespace smartercities::testing {

TempDir* ServedPlatformTest::dir_ = nullptr;
app::Platform* ServedPlatformTest::platform_ = nullptr;
std::string ServedPlatformTest::token_;

void ServedPlatformTest::StartPlatform(
    const std::function<void(app::Config&)>& adjust) {
  dir_ = new TempDir();
  app::Config config;
  config.port = 0;
  config.data_dir = dir_->path() / "data";
  config.plugin_dir = ThemePluginDir();
  config.web_root = "";
  if (adjust) adjust(config);
  auto platform = app::Platform::Start(config);
  ASSERT_TRUE(platform.ok()) << platform.status().message();
  platform_ = std::move(platform).value().release();
  std::ifstream in(config.AdminTokenFile());
  std::getline(in, token_);
}

void ServedPlatformTest::StopPlatform() {
  delete platform_;
  platform_ = nullptr;
  delete dir_;
  dir_ = nullptr;
  token_.clear();
}

HttpResponse ServedPlatformTest::AsAdmin(const std::string& method,
                                         const std::string& target,
                                         const std::string& body,
                                         const std::string& type) {
  std::map<std::string, std::string> headers = {
      {"Authorization", "Bearer " + token_}};
  if (!body.empty()) headers["Content-Type"] = type;
  return Fetch(platform_->port(), method, target, headers, body);
}

}  // namespace smartercities::testing
