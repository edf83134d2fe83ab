// plugin.h compiles on its own, and its wrapper keeps exceptions inside.
#include <gtest/gtest.h>
#include <smartercities/plugin.h>

#include <stdexcept>
#include <string>

extern "C" const char sc_embedded_manifest[] = "{}";
extern "C" const std::size_t sc_embedded_manifest_size = 2;
extern "C" const char sc_embedded_id[] = "sdk-test";
extern "C" const char sc_embedded_version[] = "0.0.1";

namespace {

namespace sdk = smartercities::sdk;

class ThrowingTheme : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    if (host.Config("fail").has_value()) throw std::runtime_error("no config");
    return host.Route(
        "GET", "/x", [](const sdk::Request& request, sdk::Response&) {
          throw std::runtime_error("bad " + std::string(request.path()));
        });
  }
};

struct FakeHost {
  std::string config_value;
  bool has_config = false;
  int routes = 0;
  std::string body;
  int status = 0;
};

int RegisterRoute(void* context, sc_str, sc_str, std::uint32_t, sc_str*) {
  ++static_cast<FakeHost*>(context)->routes;
  return SC_OK;
}
void Log(void*, int, sc_str) {}
sc_str Config(void* context, sc_str) {
  auto* host = static_cast<FakeHost*>(context);
  if (!host->has_config) return {nullptr, 0};
  return {host->config_value.data(), host->config_value.size()};
}
int Execute(void*, sc_transaction*, sc_str, const sc_value*, std::size_t,
            sc_row_callback, void*, sc_str*) {
  return SC_OK;
}
int Transaction(void*, sc_transaction_body, void*, sc_str*) { return SC_OK; }

sc_host_api Api(FakeHost& host) {
  return {sizeof(sc_host_api), SC_ABI_MAJOR, SC_ABI_MINOR, &host,
          &RegisterRoute,      &Log,         &Config,      &Execute,
          &Transaction,        nullptr,      nullptr};
}

TEST(PluginWrapperTest, AnExceptionInInitBecomesAnErrorCodeAndMessage) {
  FakeHost fake;
  fake.has_config = true;
  sc_host_api api = Api(fake);
  void* instance = nullptr;
  int code = sdk::detail::Init<ThrowingTheme>(&api, &instance);
  EXPECT_EQ(code, SC_ERROR);
  EXPECT_EQ(sdk::detail::FromC(sdk::detail::LastErrorC()),
            "init threw: no config");
  EXPECT_EQ(instance, nullptr);
}

TEST(PluginWrapperTest, AnExceptionInAHandlerBecomesAnErrorCodeAndMessage) {
  FakeHost fake;
  sc_host_api api = Api(fake);
  void* instance = nullptr;
  ASSERT_EQ(sdk::detail::Init<ThrowingTheme>(&api, &instance), SC_OK);
  EXPECT_EQ(fake.routes, 1);
  sc_request request{};
  request.struct_size = sizeof(request);
  request.route_id = 0;
  request.path = sdk::detail::ToC("/api/v1/themes/sdk-test/x");
  sc_response_writer writer{sizeof(writer), &fake, [](void*, int) {},
                            [](void*, sc_str, sc_str) {}, [](void*, sc_str) {}};
  EXPECT_EQ(sdk::detail::Handle(instance, &request, &writer), SC_ERROR);
  EXPECT_EQ(sdk::detail::FromC(sdk::detail::LastErrorC()),
            "handler threw: bad /api/v1/themes/sdk-test/x");
  request.route_id = 7;
  EXPECT_EQ(sdk::detail::Handle(instance, &request, &writer), SC_NOT_FOUND);
  sdk::detail::Shutdown(instance);
}

TEST(PluginWrapperTest, JsonEscapeEscapesQuotesAndControlCharacters) {
  EXPECT_EQ(sdk::JsonEscape("a\"b\\c\n\x01"), "a\\\"b\\\\c\\n\\u0001");
}

}  // namespace
