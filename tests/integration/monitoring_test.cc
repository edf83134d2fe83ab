// Figures in bulk, progress with its inputs and the half-year report,
// through the real server over a real socket, on a real SQLite file with the
// real theme plugins: a CSV file imported, exported and imported again; a
// bad file and a city editor's file for another city refused whole; the
// progress of a series recomputed by hand from the inputs the API gives; the
// report as JSON, HTML and a PDF read back with pdftotext; and the same
// import and report from the command line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;
using ::testing::Not;

constexpr const char* kInvoices = "regelluwe-stad-e-invoices";

// What a shell command prints on its standard output.
std::string CommandOutput(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"),
                                             pclose);
  std::string text;
  if (!pipe) return text;
  char buffer[4096];
  while (std::size_t got = std::fread(buffer, 1, sizeof(buffer), pipe.get())) {
    text.append(buffer, got);
  }
  return text;
}

class MonitoringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    auto platform = app::Platform::Start(Config());
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
    std::ifstream in(Config().AdminTokenFile());
    std::getline(in, admin_token_);
  }
  void TearDown() override {
    if (platform_) platform_->Stop();
  }

  app::Config Config() const {
    app::Config config;
    config.port = 0;
    config.data_dir = dir_.path() / "data";
    config.database_url = database_.url();
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = "";
    return config;
  }

  std::uint16_t port() const { return platform_->port(); }

  HttpResponse Call(const std::string& token, const std::string& method,
                    const std::string& target,
                    const std::string& content_type = "",
                    const std::string& body = "",
                    const std::string& accept = "") const {
    std::map<std::string, std::string> headers = {
        {"Authorization", "Bearer " + token}};
    if (!content_type.empty()) headers["Content-Type"] = content_type;
    if (!accept.empty()) headers["Accept"] = accept;
    return Fetch(port(), method, target, headers, body);
  }

  HttpResponse ImportCsv(const std::string& token, const std::string& csv,
                         const std::string& query = "") const {
    return Call(token, "POST", "/api/v1/measurements/import" + query,
                "text/csv", csv);
  }

  std::string ExportCsv(const std::string& query) const {
    HttpResponse exported = Fetch(port(), "GET", "/api/v1/measurements" + query,
                                  {{"Accept", "text/csv"}});
    EXPECT_EQ(exported.status, 200) << exported.body;
    EXPECT_THAT(exported.Header("content-type"), HasSubstr("text/csv"));
    return exported.body;
  }

  // A token of a city editor of Helmond.
  std::string HelmondEditorToken() const {
    HttpResponse made = Call(
        admin_token_, "POST", "/api/v1/tokens", "application/json",
        R"({"name":"helmond-figures","role":"city-editor","scope":"GM0794"})");
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body)["token"];
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  std::unique_ptr<app::Platform> platform_;
  std::string admin_token_;
};

TEST_F(MonitoringTest, AnExportedFileImportedAgainChangesNothing) {
  // Semicolons and decimal commas, as a Dutch spreadsheet writes them.
  const std::string csv =
      "indicator;city;period;value;source\n"
      "regelluwe-stad-e-invoices;GM0794;2013-03;10;jaarrekening\n"
      "regelluwe-stad-e-invoices;GM0794;2014-03;30,5;\"jaarrekening; p. 4\"\n"
      "regelluwe-stad-e-invoices;GM0363;2013-06;20;\n"
      "regelluwe-stad-e-invoices;GM0363;2014-03;22,25;\n";

  HttpResponse checked = ImportCsv(admin_token_, csv, "?dryRun=true");
  ASSERT_EQ(checked.status, 200) << checked.body;
  json dry = json::parse(checked.body);
  EXPECT_EQ(dry["dryRun"], true);
  EXPECT_EQ(dry["stored"], false);
  EXPECT_EQ(dry["rows"], 4);
  EXPECT_EQ(dry["decimalCommas"], 2);
  EXPECT_EQ(dry["delimiter"], ";");
  EXPECT_THAT(ExportCsv("?indicator=" + std::string(kInvoices)),
              Not(HasSubstr("GM0794")));

  HttpResponse stored = ImportCsv(admin_token_, csv);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(json::parse(stored.body)["inserted"], 4);

  std::string exported = ExportCsv("?indicator=" + std::string(kInvoices));
  EXPECT_THAT(exported, HasSubstr("30.5"));
  // A field is quoted only when it holds a comma, a quote or a line break.
  EXPECT_THAT(exported, HasSubstr("30.5,jaarrekening; p. 4\r\n"));
  HttpResponse again = ImportCsv(admin_token_, exported);
  ASSERT_EQ(again.status, 200) << again.body;
  json report = json::parse(again.body);
  EXPECT_EQ(report["unchanged"], 4);
  EXPECT_EQ(report["inserted"], 0);
  EXPECT_EQ(report["corrected"], 0);
  EXPECT_EQ(ExportCsv("?indicator=" + std::string(kInvoices)), exported);

  // Per city, the same figures in the same form.
  HttpResponse helmond =
      Fetch(port(), "GET", "/api/v1/cities/GM0794/measurements",
            {{"Accept", "text/csv"}});
  ASSERT_EQ(helmond.status, 200);
  EXPECT_THAT(helmond.body, HasSubstr("GM0794,2014-03,30.5"));
  EXPECT_THAT(helmond.body, Not(HasSubstr("GM0363")));
}

TEST_F(MonitoringTest, ABadFileStoresNothingAndNamesEveryBadLine) {
  const std::string csv =
      "indicator,city,period,value\n"
      "regelluwe-stad-e-invoices,GM0794,2013-06,12\n"
      "regelluwe-stad-e-invoices,GM9999,2013-06,10\n"
      "regelluwe-stad-e-invoices,GM0363,2013-13,10\n"
      "regelluwe-stad-e-invoices,GM0794,2013-06,13\n";
  HttpResponse refused = ImportCsv(admin_token_, csv);
  ASSERT_EQ(refused.status, 400) << refused.body;
  json problem = json::parse(refused.body);
  EXPECT_EQ(problem["numProblems"], 3);
  std::vector<int> lines;
  for (const json& item : problem["invalidParams"]) {
    lines.push_back(item["line"]);
  }
  EXPECT_THAT(lines, ::testing::UnorderedElementsAre(3, 4, 5));
  EXPECT_THAT(refused.body, HasSubstr("repeats the figure of line 2"));
  // Line 2 was fine, yet it was not stored either.
  EXPECT_THAT(ExportCsv("?indicator=" + std::string(kInvoices)),
              Not(HasSubstr("2013-06")));
}

TEST_F(MonitoringTest, ACityEditorsFileWithAnotherCityIsRefused) {
  std::string token = HelmondEditorToken();
  HttpResponse refused =
      ImportCsv(token,
                "indicator,city,period,value\n"
                "regelluwe-stad-e-invoices,GM0794,2013-06,12\n"
                "regelluwe-stad-e-invoices,GM0363,2013-06,10\n");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("line 3"));
  EXPECT_THAT(ExportCsv("?indicator=" + std::string(kInvoices)),
              Not(HasSubstr("2013-06")));

  HttpResponse own = ImportCsv(token,
                               "indicator,city,period,value\n"
                               "regelluwe-stad-e-invoices,GM0794,2013-06,12\n");
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_THAT(ExportCsv("?city=GM0794"), HasSubstr("GM0794,2013-06,12"));
}

TEST_F(MonitoringTest, ACorrectionKeepsTheEarlierValueReadableThroughTheApi) {
  ASSERT_EQ(ImportCsv(admin_token_,
                      "indicator,city,period,value\n"
                      "regelluwe-stad-e-invoices,GM0794,2013-06,12\n")
                .status,
            200);
  ASSERT_EQ(ImportCsv(admin_token_,
                      "indicator,city,period,value\n"
                      "regelluwe-stad-e-invoices,GM0794,2013-06,14\n")
                .status,
            200);
  HttpResponse history =
      Call(admin_token_, "GET", "/api/v1/measurements/corrections");
  ASSERT_EQ(history.status, 200) << history.body;
  json items = json::parse(history.body)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["oldValue"], 12);
  EXPECT_EQ(items[0]["newValue"], 14);
  EXPECT_EQ(items[0]["city"], "GM0794");
}

TEST_F(MonitoringTest, ProgressComesWithInputsThatRecomputeIt) {
  ASSERT_EQ(ImportCsv(admin_token_,
                      "indicator,city,period,value\n"
                      "regelluwe-stad-e-invoices,GM0794,2013-03,10\n"
                      "regelluwe-stad-e-invoices,GM0794,2014-03,30\n")
                .status,
            200);
  HttpResponse answer =
      Fetch(port(), "GET",
            "/api/v1/indicators/regelluwe-stad-e-invoices/progress?at=2014-06");
  ASSERT_EQ(answer.status, 200) << answer.body;
  json progress = json::parse(answer.body);
  const json* helmond = nullptr;
  for (const json& city : progress["cities"]) {
    if (city["city"] == "GM0794") helmond = &city;
  }
  ASSERT_NE(helmond, nullptr) << answer.body;
  const json& inputs = (*helmond)["inputs"];
  EXPECT_EQ(inputs["base"]["period"], "2013-03");
  EXPECT_EQ(inputs["current"]["period"], "2014-03");
  EXPECT_EQ(inputs["target"], 60);
  EXPECT_EQ(inputs["deadline"], "2014-09");
  EXPECT_EQ(inputs["monthsObserved"], 12);
  EXPECT_EQ(inputs["monthsRequired"], 18);
  // By hand: (30 / 10)^(1/12) - 1 observed, (60 / 10)^(1/18) - 1 required.
  double observed = std::pow(3.0, 1.0 / 12) - 1;
  double required = std::pow(6.0, 1.0 / 18) - 1;
  EXPECT_NEAR(inputs["observedGrowth"].get<double>(), observed, 1e-9);
  EXPECT_NEAR(inputs["requiredGrowth"].get<double>(), required, 1e-9);
  EXPECT_NEAR(inputs["ratio"].get<double>(), observed / required, 1e-9);
  EXPECT_EQ((*helmond)["status"], "moderate-progress");
  EXPECT_THAT((*helmond)["rule"].get<std::string>(), HasSubstr("0.5"));

  // The month matters: before the second figure there is one figure only.
  json earlier = json::parse(
      Fetch(port(), "GET",
            "/api/v1/indicators/regelluwe-stad-e-invoices/progress?at=2013-12")
          .body);
  for (const json& city : earlier["cities"]) {
    if (city["city"] == "GM0794") {
      EXPECT_EQ(city["status"], "not-enough-data");
    }
  }

  HttpResponse theme =
      Fetch(port(), "GET", "/api/v1/themes/regelluwe-stad/progress?at=2014-06");
  ASSERT_EQ(theme.status, 200) << theme.body;
  EXPECT_THAT(theme.body, HasSubstr("\"regelluwe-stad/e\""));
  HttpResponse city =
      Fetch(port(), "GET", "/api/v1/cities/GM0794/progress?at=2014-06");
  ASSERT_EQ(city.status, 200) << city.body;
  EXPECT_THAT(city.body, HasSubstr("moderate-progress"));
  EXPECT_EQ(Fetch(port(), "GET",
                  "/api/v1/indicators/regelluwe-stad-e-invoices/"
                  "progress?at=2014-13")
                .status,
            400);
}

TEST_F(MonitoringTest, TheReportHoldsEveryThemeAsJsonHtmlAndPdf) {
  ASSERT_EQ(ImportCsv(admin_token_,
                      "indicator,city,period,value\n"
                      "regelluwe-stad-e-invoices,GM0794,2013-03,10\n"
                      "regelluwe-stad-e-invoices,GM0794,2013-12,30\n")
                .status,
            200);
  HttpResponse data = Fetch(port(), "GET", "/api/v1/reports/2013-H2");
  ASSERT_EQ(data.status, 200) << data.body;
  json model = json::parse(data.body);
  EXPECT_EQ(model["period"], "2013-H2");
  EXPECT_EQ(model["at"], "2013-12");
  std::set<std::string> themes;
  int num_agreements = 0;
  for (const json& theme : model["themes"]) {
    themes.insert(theme["theme"].get<std::string>());
    num_agreements += static_cast<int>(theme["agreements"].size());
  }
  EXPECT_EQ(themes.size(), 9u);
  EXPECT_TRUE(themes.contains("regelluwe-stad"));
  EXPECT_GT(num_agreements, 50);

  // The report's status of the theme is the progress endpoint's.
  json theme = json::parse(
      Fetch(port(), "GET", "/api/v1/themes/regelluwe-stad/progress?at=2013-12")
          .body);
  for (const json& item : model["themes"]) {
    if (item["theme"] == "regelluwe-stad") {
      EXPECT_EQ(item["status"], theme["status"]);
      EXPECT_EQ(item["agreements"].size(), theme["agreements"].size());
    }
  }

  HttpResponse html = Fetch(port(), "GET", "/api/v1/reports/2013-H2",
                            {{"Accept", "text/html"}});
  ASSERT_EQ(html.status, 200);
  EXPECT_THAT(html.Header("content-type"), HasSubstr("text/html"));
  EXPECT_THAT(html.body, HasSubstr("<svg"));
  EXPECT_THAT(html.body, Not(HasSubstr("<script")));
  // Every line of a chart has its coordinates (a chart without a target
  // line once took the indicator's target for it and drew it empty).
  EXPECT_THAT(html.body, Not(::testing::ContainsRegex("<line[^>]*=\"\"")));
  EXPECT_THAT(html.body, HasSubstr("Voortgangsrapportage"));

  HttpResponse pdf = Fetch(port(), "GET", "/api/v1/reports/2013-H2",
                           {{"Accept", "application/pdf"}});
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  std::filesystem::path file = dir_.path() / "report.pdf";
  {
    std::ofstream out(file, std::ios::binary);
    out << pdf.body;
  }
  std::string text =
      CommandOutput("pdftotext -layout '" + file.string() + "' -");
  EXPECT_THAT(text, HasSubstr("Voortgangsrapportage"));
  EXPECT_THAT(text, HasSubstr("Inhoud"));
  EXPECT_THAT(text, HasSubstr("Besluitpunten"));
  EXPECT_THAT(text, HasSubstr("Regelluwe"));
  // Every page carries its number: the form feed pdftotext puts between
  // pages is followed by as many pages as the footers count.
  std::size_t num_pages = 1 + std::count(text.begin(), text.end(), '\f') -
                          (text.ends_with('\f') ? 1 : 0);
  EXPECT_GT(num_pages, 3u);
  EXPECT_THAT(text, HasSubstr("van " + std::to_string(num_pages)));

  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/reports/2013-H3").status, 400);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/reports/2099-H1").status, 404);
}

// The report's table of contents runs over several pages of the PDF. The
// first line of each page after the first was drawn in the footer's smaller
// font, which the footer of the page before had left set.
TEST_F(MonitoringTest, APdfLineAfterAPageBreakKeepsItsFont) {
  HttpResponse pdf = Fetch(port(), "GET", "/api/v1/reports/2013-H2",
                           {{"Accept", "application/pdf"}});
  ASSERT_EQ(pdf.status, 200);
  std::filesystem::path file = dir_.path() / "report.pdf";
  {
    std::ofstream out(file, std::ios::binary);
    out << pdf.body;
  }
  // Each word with its box. An agreement id stands in the contents
  // (indented), in the headings and in tables: one size in each column.
  std::string boxes =
      CommandOutput("pdftotext -bbox '" + file.string() + "' -");
  static const std::regex kAgreementId(
      R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="[0-9.]+" )re"
      R"re(yMax="([0-9.]+)">[a-z-]+/[a-z]+</word>)re");
  // Tenths of a point: heights by left edge.
  std::map<long, std::set<long>> heights_by_x;
  std::size_t num_ids = 0;
  for (auto word =
           std::sregex_iterator(boxes.begin(), boxes.end(), kAgreementId);
       word != std::sregex_iterator(); ++word) {
    double x = std::stod((*word)[1]);
    double height = std::stod((*word)[3]) - std::stod((*word)[2]);
    heights_by_x[std::lround(x * 10)].insert(std::lround(height * 10));
    ++num_ids;
  }
  // The contents alone list more agreements than fit on one page.
  EXPECT_GT(num_ids, 90u);
  for (const auto& [x, heights] : heights_by_x) {
    EXPECT_EQ(heights.size(), 1u)
        << "the agreement ids whose left edge is at " << x / 10 << "." << x % 10
        << " pt are drawn at " << heights.size() << " sizes";
  }
}

TEST_F(MonitoringTest, TheCommandLineImportsAndWritesTheReport) {
  platform_->Stop();
  platform_.reset();
  std::filesystem::path csv = dir_.path() / "figures.csv";
  {
    std::ofstream out(csv);
    out << "indicator,city,period,value\n"
           "regelluwe-stad-e-invoices,GM0794,2013-03,10\n"
           "regelluwe-stad-e-invoices,GM0794,2013-12,30\n";
  }
  std::vector<std::string> common = {
      "--data-dir", (dir_.path() / "data").string(), "--plugin-dir",
      testing::ThemePluginDir().string()};
  for (const std::string& arg : database_.ServeArguments()) {
    common.push_back(arg);
  }
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), common.begin(), common.end());
    return testing::RunCommand(args);
  };
  testing::CommandResult dry =
      run({"import", "measurements", csv.string(), "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_THAT(dry.output, HasSubstr("checked 2 figures"));
  EXPECT_THAT(dry.output, HasSubstr("nothing was stored"));
  // Not on a terminal: plain lines, no bar redrawn with carriage returns.
  EXPECT_THAT(dry.output, Not(HasSubstr("\r")));

  testing::CommandResult imported =
      run({"import", "measurements", csv.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_THAT(imported.output, HasSubstr("2 new"));

  {
    std::ofstream out(csv);
    out << "indicator,city,period,value\n"
           "regelluwe-stad-e-invoices,GM0794,2013-04,x\n";
  }
  testing::CommandResult bad = run({"import", "measurements", csv.string()});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("line 2, value"));

  std::filesystem::path pdf = dir_.path() / "rapport.pdf";
  testing::CommandResult written =
      run({"report", "2013-H2", "--output", pdf.string()});
  ASSERT_EQ(written.exit_code, 0) << written.output;
  std::ifstream in(pdf, std::ios::binary);
  std::string head(5, '\0');
  in.read(head.data(), 5);
  EXPECT_EQ(head, "%PDF-");

  std::filesystem::path html = dir_.path() / "rapport.html";
  testing::CommandResult page =
      run({"report", "2013-H2", "--format", "html", "--output", html.string()});
  ASSERT_EQ(page.exit_code, 0) << page.output;
  std::ifstream page_in(html);
  std::stringstream page_text;
  page_text << page_in.rdbuf();
  EXPECT_THAT(page_text.str(), HasSubstr("<svg"));
}

}  // namespace
}  // namespace smartercities
