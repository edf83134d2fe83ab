#include "tests/support/served_platform.h"

#include <fstream>
#include <map>
#include <utility>

namespace smartercities::testing {

TempDir* ServedPlatformTest::dir_ = nullptr;
TestDatabase* ServedPlatformTest::database_ = nullptr;
app::Platform* ServedPlatformTest::platform_ = nullptr;
std::string ServedPlatformTest::token_;

void ServedPlatformTest::StartPlatform(
    const std::function<void(app::Config&)>& adjust) {
  dir_ = new TempDir();
  database_ = new TestDatabase();
  if (!database_->unavailable().empty()) return;  // SetUp says why
  app::Config config;
  config.port = 0;
  config.data_dir = dir_->path() / "data";
  config.database_url = database_->url();
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
  delete database_;
  database_ = nullptr;
  delete dir_;
  dir_ = nullptr;
  token_.clear();
}

void ServedPlatformTest::SetUp() {
  SMARTERCITIES_SKIP_WITHOUT_DATABASE(*database_);
  ASSERT_NE(platform_, nullptr) << "the suite's platform did not start";
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
