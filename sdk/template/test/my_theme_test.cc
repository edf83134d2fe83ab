// The theme's own test: the plugin loads through the platform's loader, its
// routes answer, and the platform's access control lets a city's editor
// write that city's projects and no other city's. Run with ctest after
// building.
#include <smartercities/testkit.h>

#include <iostream>
#include <string>

namespace {

namespace testkit = smartercities::testkit;

int failures = 0;

void Expect(bool holds, const std::string& what,
            const testkit::Response& response) {
  if (holds) return;
  ++failures;
  std::cerr << "FAILED: " << what << "; got " << response.status << ": "
            << response.body << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: my_theme_test <path to libmy_theme.so>\n";
    return 2;
  }
  testkit::Harness harness(argv[1]);
  const std::string base = "/api/v1/themes/mijn-thema";
  const auto amersfoort = testkit::Caller::CityEditor("GM0307");
  const auto utrecht = testkit::Caller::CityEditor("GM0344");

  auto greeting = harness.Call("GET", base + "/greeting");
  Expect(greeting.status == 200 &&
             greeting.body.find("\"cities\":41") != std::string::npos,
         "the greeting counts 41 cities", greeting);

  const std::string project =
      R"({"city": "GM0344", "name": "Wijkpanel", "stage": "pilot"})";
  auto anonymous = harness.Call("POST", base + "/projects", project);
  Expect(anonymous.status == 401, "the public may not add a project",
         anonymous);
  auto other_city =
      harness.Call("POST", base + "/projects", project, amersfoort);
  Expect(other_city.status == 403,
         "Amersfoort's editor may not add a project of Utrecht", other_city);
  auto added = harness.Call("POST", base + "/projects", project, utrecht);
  Expect(added.status == 201 &&
             added.body.find("\"city\":\"GM0344\"") != std::string::npos,
         "Utrecht's editor adds a project of Utrecht", added);
  auto rows = harness.Query("SELECT id, updated_by FROM mijn_thema_projects");
  if (rows.size() != 1 ||
      rows[0]["updated_by"] != "token:testkit-city-editor-GM0344") {
    ++failures;
    std::cerr << "FAILED: the project is stored with who added it\n";
  }
  const std::string item =
      base + "/projects/" + (rows.empty() ? "0" : rows[0]["id"]);

  const std::string changed =
      R"({"city": "GM0344", "name": "Wijkpanel", "stage": "running"})";
  auto theirs = harness.Call("PUT", item, changed, amersfoort);
  Expect(theirs.status == 403,
         "Amersfoort's editor may not change Utrecht's project", theirs);
  auto bad = harness.Call(
      "PUT", item,
      R"({"city": "GM0344", "name": "Wijkpanel", "stage": "done"})", utrecht);
  Expect(bad.status == 400 && bad.body.find("stage") != std::string::npos,
         "a stage that is not a choice is refused, naming the field", bad);
  auto mine = harness.Call("PUT", item, changed, utrecht);
  Expect(mine.status == 200 &&
             mine.body.find("\"stage\":\"running\"") != std::string::npos,
         "Utrecht's editor changes Utrecht's project", mine);
  auto removed = harness.Call("DELETE", item, "",
                              testkit::Caller::ThemeEditor("mijn-thema"));
  Expect(removed.status == 204, "the theme's editor removes a project",
         removed);

  std::cout << (failures == 0 ? "passed" : "FAILED") << "\n";
  return failures == 0 ? 0 : 1;
}
