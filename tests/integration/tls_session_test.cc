// Under TLS the platform's session cookie is __Host- prefixed and Secure,
// and responses carry HSTS: a real HTTPS client (curl) logs in.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>

#include "core/app/platform.h"
#include "tests/support/test_support.h"
#include "tests/support/tls_certificate.h"

namespace smartercities {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Runs command and returns what it printed.
std::string Output(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[1024];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  ::pclose(pipe);
  return output;
}

TEST(TlsSessionTest, TheSessionCookieIsHostPrefixedAndSecure) {
  testing::TempDir dir;
  std::filesystem::path cert = dir.path() / "cert.pem";
  std::filesystem::path key = dir.path() / "key.pem";
  testing::WriteSelfSignedCertificate(cert, key);
  app::Config config;
  config.port = 0;
  config.data_dir = dir.path() / "data";
  config.plugin_dir = dir.path() / "no-plugins";
  config.web_root = "";
  config.initial_admin_password = "beheer-Kanaal-tulp-93";
  config.tls_cert_file = cert;
  config.tls_key_file = key;
  auto platform = app::Platform::Start(config);
  ASSERT_TRUE(platform.ok()) << platform.status().message();
  std::string url = "https://127.0.0.1:" + std::to_string((*platform)->port());

  std::string login = Output(
      "curl -s -i --cacert '" + cert.string() +
      "' -H 'Content-Type: application/json' -d "
      "'{\"username\":\"admin\",\"password\":\"beheer-Kanaal-tulp-93\"}' " +
      url + "/api/v1/sessions 2>&1");
  ASSERT_THAT(login, HasSubstr("HTTP/1.1 201"));
  EXPECT_THAT(login, HasSubstr("Set-Cookie: __Host-sc_session="));
  EXPECT_THAT(login, HasSubstr("; Secure"));
  EXPECT_THAT(login, HasSubstr("HttpOnly"));
  EXPECT_THAT(login, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(login, HasSubstr("Strict-Transport-Security: max-age="));

  // The cookie under its plain name is not a session over TLS.
  std::size_t start = login.find("__Host-sc_session=") + 18;
  std::string token = login.substr(start, login.find(';', start) - start);
  std::string me = Output("curl -s -i --cacert '" + cert.string() +
                          "' -H 'Cookie: __Host-sc_session=" + token + "' " +
                          url + "/api/v1/me 2>&1");
  EXPECT_THAT(me, HasSubstr("HTTP/1.1 200"));
  std::string plain = Output("curl -s -i --cacert '" + cert.string() +
                             "' -H 'Cookie: sc_session=" + token + "' " + url +
                             "/api/v1/me 2>&1");
  EXPECT_THAT(plain, HasSubstr("HTTP/1.1 401"));
  (*platform)->Stop();
}

}  // namespace
}  // namespace smartercities
