// The theme's own test: the plugin loads through the platform's loader and
// its route answers. Run with ctest after building.
#include <smartercities/testkit.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: my_theme_test <path to libmy_theme.so>\n";
    return 2;
  }
  smartercities::testkit::Harness harness(argv[1]);
  auto response = harness.Call("GET", "/api/v1/themes/mijn-thema/greeting");
  if (response.status != 200 ||
      response.body.find("\"cities\":41") == std::string::npos) {
    std::cerr << "unexpected answer " << response.status << ": "
              << response.body << "\n";
    return 1;
  }
  std::cout << "1 passed, 0 failed\n";
  return 0;
}
