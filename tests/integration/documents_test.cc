// The knowledge base through the real server, the real theme plugins, a
// real SQLite file and the real data directory: uploads of every accepted
// type (a PDF drawn with cairo among them), the refusals (wrong type, too
// large, no rights, a city editor attaching to another city), a name with
// a path, a PDF that cannot be read, the download's headers, nothing
// half-written when the insert fails, and the Dutch full-text search that
// finds a document by another form of its words.
#include <cairo-pdf.h>
#include <cairo.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

constexpr const char* kTheme = "bedrijvige-stad";

// A PDF of one page with text, drawn with cairo as the progress report is.
std::string PdfWithText(const std::string& text) {
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(
            reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &out, 595, 842);
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  cairo_move_to(cr, 50, 100);
  cairo_show_text(cr, text.c_str());
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

class DocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    config_.port = 0;
    config_.data_dir = dir_.path() / "data";
    config_.database_url = database_.url();
    config_.plugin_dir = testing::ThemePluginDir();
    config_.web_root = "";
    config_.initial_admin_password = "beheer-Kanaal-tulp-93";
    config_.document_limit_bytes = 64 * 1024;
    auto platform = app::Platform::Start(config_);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
    std::ifstream in(config_.AdminTokenFile());
    std::getline(in, admin_);
  }

  std::string Token(const std::string& role, const std::string& scope) {
    std::map<std::string, std::string> headers = {
        {"Authorization", "Bearer " + admin_},
        {"Content-Type", "application/json"}};
    HttpResponse made = Fetch(
        platform_->port(), "POST", "/api/v1/tokens", headers,
        json{{"name", role + " " + scope}, {"role", role}, {"scope", scope}}
            .dump());
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body)["token"];
  }

  // POST /api/v1/documents with fields and one file, as curl -F does.
  HttpResponse Upload(const std::string& token,
                      const std::map<std::string, std::string>& fields,
                      const std::string& file_name, const std::string& bytes) {
    testing::MultipartForm form =
        testing::Multipart({fields.begin(), fields.end()}, file_name, bytes,
                           "application/octet-stream");
    std::map<std::string, std::string> headers = {
        {"Content-Type", form.content_type}};
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return Fetch(platform_->port(), "POST", "/api/v1/documents", headers,
                 form.body);
  }

  static std::map<std::string, std::string> Plan(
      const std::string& title = "Plan glasvezel bedrijventerreinen") {
    return {{"title", title},     {"kind", "project-plan"},
            {"author", "GM0794"}, {"date", "2014-03-01"},
            {"language", "nl"},   {"licence", "CC-BY-4.0"},
            {"theme", kTheme},    {"city", "GM0794"}};
  }

  HttpResponse Get(const std::string& target) {
    return Fetch(platform_->port(), "GET", target);
  }

  json Search(const std::string& query) {
    HttpResponse found = Get("/api/v1/search?q=" + query);
    EXPECT_EQ(found.status, 200) << found.body;
    return json::parse(found.body, nullptr, false);
  }

  // The files in the documents directory.
  std::vector<std::string> StoredFiles() {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(config_.DocumentsDir(), error)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  app::Config config_;
  std::unique_ptr<app::Platform> platform_;
  std::string admin_;
};

TEST_F(DocumentsTest, EachAcceptedTypeIsStoredByContentAndItsTextFound) {
  struct Case {
    std::string file_name;
    std::string bytes;
    std::string media_type;
    std::string word;  // a word of its text, searched for
  };
  std::vector<Case> cases = {
      {"plan.txt", "Wij plaatsen slimme lantaarnpalen langs de ringweg.\n",
       "text/plain", "lantaarnpalen"},
      {"plan.md", "# Plan\n\nDe *glasvezelaansluitingen* van het terrein.\n",
       "text/markdown", "glasvezelaansluitingen"},
      {"plan.html",
       "<!DOCTYPE html><html><head><style>p{}</style><script>var "
       "geheimwoord;</script></head><body><p>Laadpalen &amp; "
       "deelauto&#39;s</p></body></html>",
       "text/html", "laadpalen"},
      // The type is found by content: a PDF named .txt is a PDF.
      {"verslag.txt", PdfWithText("Evaluatie van de parkeersensoren 2014"),
       "application/pdf", "parkeersensoren"},
  };
  for (const Case& c : cases) {
    HttpResponse stored = Upload(admin_, Plan(), c.file_name, c.bytes);
    ASSERT_EQ(stored.status, 201) << c.file_name << ": " << stored.body;
    json document = json::parse(stored.body);
    EXPECT_EQ(document["mediaType"], c.media_type) << c.file_name;
    EXPECT_EQ(document["textStatus"], "extracted") << c.file_name;
    EXPECT_EQ(document["fileName"], c.file_name);
    EXPECT_EQ(document["sha256"].get<std::string>().size(), 64u);
    // Stored under its hash, nowhere under the name it came with.
    EXPECT_TRUE(std::filesystem::exists(config_.DocumentsDir() /
                                        document["sha256"].get<std::string>()));
    json found = Search(c.word + "&kind=project-plan");
    ASSERT_EQ(found["total"], 1) << c.word << ": " << found.dump();
    EXPECT_EQ(found["items"][0]["type"], "document");
    EXPECT_EQ(found["items"][0]["id"],
              std::to_string(document["id"].get<int>()));
  }
  // A script's text is no document text.
  EXPECT_EQ(Search("geheimwoord")["total"], 0);
  EXPECT_EQ(StoredFiles().size(), cases.size());
}

TEST_F(DocumentsTest, DutchStemmingFindsOtherFormsOfAWord) {
  HttpResponse stored =
      Upload(admin_, Plan("Slimme verkeersregeling"), "regeling.txt",
             "Helmond vervangt alle verkeerslichten op de ring door slimme "
             "installaties die fietsers eerder groen geven.");
  ASSERT_EQ(stored.status, 201) << stored.body;
  // The singular finds the plural and the other way round; case and
  // accents do not matter.
  for (const char* query :
       {"verkeerslicht", "verkeerslichten", "VERKEERSLICHT", "fietser"}) {
    json found = Search(std::string(query) + "&kind=project-plan");
    ASSERT_EQ(found["total"], 1) << query << ": " << found.dump();
    json hit = found["items"][0];
    EXPECT_EQ(hit["type"], "document");
    EXPECT_EQ(hit["title"], "Slimme verkeersregeling");
    EXPECT_EQ(hit["link"], "/api/v1/documents/" + hit["id"].get<std::string>());
    EXPECT_EQ(hit["theme"], kTheme);
    EXPECT_EQ(hit["kind"], "project-plan");
    EXPECT_EQ(hit["year"], 2014);
  }
  // The snippet marks the word as it was written.
  json hit = Search("verkeerslicht&kind=project-plan")["items"][0];
  EXPECT_THAT(hit["snippet"].get<std::string>(), HasSubstr("verkeerslichten"));
  bool marked = false;
  for (const json& part : hit["snippetParts"]) {
    if (part["match"] == true) {
      EXPECT_EQ(part["text"], "verkeerslichten");
      marked = true;
    }
  }
  EXPECT_TRUE(marked) << hit.dump();
  // Every word must occur.
  EXPECT_EQ(Search("verkeerslichten%20zwembad")["total"], 0);
  // The agenda's own texts are searched too: a theme's agreements.
  json agenda = Search("ondernemersloket");
  bool agreement = false;
  for (const json& item : agenda["items"])
    agreement |= item["type"] == "agreement";
  EXPECT_TRUE(agreement) << agenda.dump();
}

TEST_F(DocumentsTest, SearchFiltersAndRefusesAnEmptyOrLongQuery) {
  auto with = [&](const std::string& kind, const std::string& date) {
    auto fields = Plan("Document " + kind);
    fields["kind"] = kind;
    fields["date"] = date;
    HttpResponse stored =
        Upload(admin_, fields, kind + ".txt", "Over de zonnedakkaart " + kind);
    ASSERT_EQ(stored.status, 201) << stored.body;
  };
  with("evaluation", "2013-11-02");
  with("minutes", "2014-05-20");
  EXPECT_EQ(Search("zonnedakkaart")["total"], 2);
  EXPECT_EQ(Search("zonnedakkaarten&kind=minutes")["total"], 1);
  EXPECT_EQ(Search("zonnedakkaart&year=2013")["total"], 1);
  EXPECT_EQ(Search("zonnedakkaart&theme=groene-stad")["total"], 0);
  EXPECT_EQ(Search("zonnedakkaart&theme=bedrijvige-stad")["total"], 2);
  EXPECT_EQ(Search("zonnedakkaart&city=GM0794")["total"], 2);
  EXPECT_EQ(Search("zonnedakkaart&city=GM0772")["total"], 0);
  HttpResponse listed = Get("/api/v1/documents?kind=evaluation");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(json::parse(listed.body)["total"], 1);

  for (const std::string& target :
       {std::string("/api/v1/search?q="), std::string("/api/v1/search"),
        std::string("/api/v1/search?q=%20%2B%2B"),
        "/api/v1/search?q=" + std::string(201, 'a'),
        std::string("/api/v1/search?q=plan&kind=poster"),
        std::string("/api/v1/search?q=plan&year=20x4")}) {
    HttpResponse refused = Get(target);
    EXPECT_EQ(refused.status, 400) << target << ": " << refused.body;
    EXPECT_THAT(refused.Header("content-type"),
                HasSubstr("application/problem+json"));
  }
  EXPECT_THAT(Get("/api/v1/search?q=").body, HasSubstr("q: "));

  // A theme whose module is switched off is not searched.
  std::map<std::string, std::string> as_admin = {
      {"Authorization", "Bearer " + admin_},
      {"Content-Type", "application/json"}};
  HttpResponse off = Fetch(platform_->port(), "PATCH",
                           std::string("/api/v1/modules/") + kTheme, as_admin,
                           R"({"enabled":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Search("zonnedakkaart")["total"], 0);
  // Nor are its documents listed.
  EXPECT_EQ(json::parse(Get("/api/v1/documents").body)["total"], 0);
}

TEST_F(DocumentsTest, TheListPagesNewestFirstAndCountsAll) {
  for (int day = 1; day <= 5; ++day) {
    auto fields = Plan("Verslag " + std::to_string(day));
    fields["date"] = "2014-03-0" + std::to_string(day);
    ASSERT_EQ(Upload(admin_, fields, "v.txt",
                     "Verslag van dag " + std::to_string(day))
                  .status,
              201);
  }
  json second = json::parse(Get("/api/v1/documents?page=2&pageSize=2").body);
  EXPECT_EQ(second["total"], 5);
  EXPECT_EQ(second["page"], 2);
  ASSERT_EQ(second["items"].size(), 2u);
  EXPECT_EQ(second["items"][0]["title"], "Verslag 3");
  EXPECT_EQ(second["items"][1]["title"], "Verslag 2");
  json last = json::parse(Get("/api/v1/documents?page=3&pageSize=2").body);
  ASSERT_EQ(last["items"].size(), 1u);
  EXPECT_EQ(last["items"][0]["title"], "Verslag 1");
  json past = json::parse(Get("/api/v1/documents?page=4&pageSize=2").body);
  EXPECT_EQ(past["total"], 5);
  EXPECT_TRUE(past["items"].empty());
}

TEST_F(DocumentsTest, WrongTypesAndTooLargeFilesAreRefusedAndNotStored) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  HttpResponse image = Upload(admin_, Plan(), "plan.txt", png);
  EXPECT_EQ(image.status, 415) << image.body;
  EXPECT_THAT(image.body, HasSubstr("file: "));
  HttpResponse zip =
      Upload(admin_, Plan(), "plan.docx", std::string("PK\x03\x04rest", 8));
  EXPECT_EQ(zip.status, 415) << zip.body;
  EXPECT_THAT(zip.body, HasSubstr("ZIP"));
  HttpResponse large =
      Upload(admin_, Plan(), "plan.txt",
             std::string(config_.document_limit_bytes + 1, 'a'));
  EXPECT_EQ(large.status, 413) << large.body;
  EXPECT_THAT(large.body, HasSubstr("at most 65536 bytes"));
  HttpResponse empty = Upload(admin_, Plan(), "plan.txt", "");
  EXPECT_EQ(empty.status, 415) << empty.body;
  HttpResponse no_kind = Upload(
      admin_,
      [] {
        auto fields = Plan();
        fields["kind"] = "poster";
        return fields;
      }(),
      "plan.txt", "tekst");
  EXPECT_EQ(no_kind.status, 400) << no_kind.body;
  EXPECT_THAT(no_kind.body, HasSubstr("kind: "));
  EXPECT_TRUE(StoredFiles().empty());
  EXPECT_EQ(json::parse(Get("/api/v1/documents").body)["total"], 0);
}

TEST_F(DocumentsTest, EditorsUploadWithinTheirScopeOnly) {
  // The public.
  EXPECT_EQ(Upload("", Plan(), "plan.txt", "tekst").status, 401);
  // A city editor attaching to another city, or writing as another.
  std::string eindhoven = Token("city-editor", "GM0772");
  HttpResponse other_city = Upload(eindhoven, Plan(), "plan.txt", "tekst");
  EXPECT_EQ(other_city.status, 403) << other_city.body;
  EXPECT_THAT(other_city.body, HasSubstr("not of GM0794"));
  auto as_other = Plan();
  as_other["city"] = "GM0772";
  HttpResponse other_author = Upload(eindhoven, as_other, "plan.txt", "tekst");
  EXPECT_EQ(other_author.status, 403) << other_author.body;
  EXPECT_THAT(other_author.body, HasSubstr("author"));
  // A theme editor of another theme.
  HttpResponse other_theme =
      Upload(Token("theme-editor", "groene-stad"), Plan(), "plan.txt", "tekst");
  EXPECT_EQ(other_theme.status, 403) << other_theme.body;
  EXPECT_TRUE(StoredFiles().empty());

  // Within their scope they may; a city editor's city and authorship are
  // filled in.
  std::string helmond = Token("city-editor", "GM0794");
  auto own = Plan();
  own.erase("city");
  own.erase("author");
  HttpResponse stored =
      Upload(helmond, own, "plan.txt", "Eigen stadsplan met boomsensoren");
  ASSERT_EQ(stored.status, 201) << stored.body;
  json document = json::parse(stored.body);
  EXPECT_EQ(document["city"], "GM0794");
  EXPECT_EQ(document["author"], "GM0794");
  EXPECT_EQ(document["uploadedBy"], "token:city-editor GM0794");
  EXPECT_EQ(Upload(Token("theme-editor", kTheme), Plan(), "b.txt", "Ander plan")
                .status,
            201);

  // Deleting follows the same scope; the audit trail says who did what.
  std::string id = std::to_string(document["id"].get<int>());
  std::map<std::string, std::string> as_eindhoven = {
      {"Authorization", "Bearer " + eindhoven}};
  EXPECT_EQ(Fetch(platform_->port(), "DELETE", "/api/v1/documents/" + id,
                  as_eindhoven)
                .status,
            403);
  std::map<std::string, std::string> as_helmond = {
      {"Authorization", "Bearer " + helmond}};
  EXPECT_EQ(
      Fetch(platform_->port(), "DELETE", "/api/v1/documents/" + id, as_helmond)
          .status,
      204);
  EXPECT_EQ(Get("/api/v1/documents/" + id).status, 404);
  EXPECT_EQ(Search("boomsensor")["total"], 0);
  EXPECT_FALSE(std::filesystem::exists(config_.DocumentsDir() /
                                       document["sha256"].get<std::string>()));
  std::map<std::string, std::string> as_admin = {
      {"Authorization", "Bearer " + admin_}};
  HttpResponse audit =
      Fetch(platform_->port(), "GET",
            "/api/v1/audit-events?object=documents/" + id, as_admin);
  ASSERT_EQ(audit.status, 200) << audit.body;
  json events = json::parse(audit.body)["items"];
  ASSERT_EQ(events.size(), 2u) << events.dump();
  for (const json& event : events) {
    EXPECT_EQ(event["actor"], "token:city-editor GM0794") << event.dump();
  }
}

TEST_F(DocumentsTest, ANameWithAPathIsStoredWithoutIt) {
  for (const auto& [sent, kept] :
       std::vector<std::pair<std::string, std::string>>{
           {"../../etc/plan.txt", "plan.txt"},
           {"C:\\Users\\anna\\Plan 2014.txt", "Plan 2014.txt"},
           {"/tmp/.verborgen", "verborgen"}}) {
    HttpResponse stored = Upload(admin_, Plan(), sent, "Tekst van " + kept);
    ASSERT_EQ(stored.status, 201) << sent << ": " << stored.body;
    EXPECT_EQ(json::parse(stored.body)["fileName"], kept) << sent;
  }
  // Nothing was written outside the documents directory.
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "etc"));
  for (const std::string& name : StoredFiles()) {
    EXPECT_EQ(name.size(), 64u) << name;
  }
}

TEST_F(DocumentsTest, APdfThatCannotBeReadIsStoredWithEmptyTextAndAReason) {
  HttpResponse stored =
      Upload(admin_, Plan("Kapot verslag"), "kapot.pdf",
             "%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref");
  ASSERT_EQ(stored.status, 201) << stored.body;
  json document = json::parse(stored.body);
  EXPECT_EQ(document["mediaType"], "application/pdf");
  EXPECT_EQ(document["textStatus"], "failed");
  EXPECT_THAT(document["textReason"].get<std::string>(),
              HasSubstr("could not be read"));
  // Its title is still found, and the file is there to download.
  EXPECT_EQ(Search("kapot&kind=project-plan")["total"], 1);
  HttpResponse file = Get(document["file"].get<std::string>());
  EXPECT_EQ(file.status, 200);
  EXPECT_THAT(file.body, HasSubstr("garbage without xref"));
}

TEST_F(DocumentsTest, TheFileIsServedAsAnAttachmentOfTheTypeFoundByContent) {
  // HTML sent as .txt stays HTML to the platform, and is never shown
  // inline: it is an attachment, with nosniff.
  std::string html = "<html><body><script>alert(1)</script>Plan</body></html>";
  HttpResponse stored = Upload(admin_, Plan(), "Ideeën plan 2014.txt", html);
  ASSERT_EQ(stored.status, 201) << stored.body;
  json document = json::parse(stored.body);
  HttpResponse file = Get(document["file"].get<std::string>());
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body, html);
  EXPECT_EQ(file.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(file.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(file.Header("content-disposition"),
            "attachment; filename=\"Idee__n plan 2014.txt\"; "
            "filename*=UTF-8''Idee%C3%ABn%20plan%202014.txt");
  EXPECT_EQ(Get("/api/v1/documents/999/file").status, 404);
  EXPECT_EQ(Get("/api/v1/documents/abc").status, 404);
}

TEST_F(DocumentsTest, AFailedInsertLeavesNothingHalfWritten) {
  // The same content stored before: its file stays when a later upload of
  // it fails.
  HttpResponse first = Upload(admin_, Plan(), "plan.txt", "Gedeelde inhoud");
  ASSERT_EQ(first.status, 201) << first.body;
  std::string kept = json::parse(first.body)["sha256"];

  // An agreement that does not exist fails inside the write, after the
  // file was placed.
  auto bad = Plan();
  bad["agreement"] = "zz";
  HttpResponse refused = Upload(admin_, bad, "nieuw.txt", "Nieuwe inhoud");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("agreement: "));
  HttpResponse again = Upload(admin_, bad, "plan.txt", "Gedeelde inhoud");
  EXPECT_EQ(again.status, 400) << again.body;

  EXPECT_EQ(StoredFiles(), std::vector<std::string>{kept});
  EXPECT_EQ(json::parse(Get("/api/v1/documents").body)["total"], 1);
  EXPECT_EQ(Search("nieuwe&kind=project-plan")["total"], 0);
  // No temporary file is left either.
  for (const std::string& name : StoredFiles()) {
    EXPECT_EQ(name.find("partial"), std::string::npos) << name;
  }

  // Two documents with one content share the file; it goes with the last.
  HttpResponse second =
      Upload(admin_, Plan("Tweede"), "b.txt", "Gedeelde inhoud");
  ASSERT_EQ(second.status, 201) << second.body;
  std::map<std::string, std::string> as_admin = {
      {"Authorization", "Bearer " + admin_}};
  std::string first_id =
      std::to_string(json::parse(first.body)["id"].get<int>());
  EXPECT_EQ(Fetch(platform_->port(), "DELETE", "/api/v1/documents/" + first_id,
                  as_admin)
                .status,
            204);
  EXPECT_EQ(StoredFiles(), std::vector<std::string>{kept});
}

TEST_F(DocumentsTest, AnAgreementByItsLetterGivesTheDocumentsTheme) {
  auto fields = Plan();
  fields["agreement"] = "a";
  HttpResponse stored = Upload(admin_, fields, "a.txt", "Over afspraak a");
  ASSERT_EQ(stored.status, 201) << stored.body;
  json document = json::parse(stored.body);
  EXPECT_EQ(document["agreement"], std::string(kTheme) + "/a");
  HttpResponse one =
      Get("/api/v1/documents/" + std::to_string(document["id"].get<int>()));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json::parse(one.body)["title"], document["title"]);
}

TEST_F(DocumentsTest, TheOpenApiDocumentDescribesTheUploadAndTheSearch) {
  HttpResponse document = Get("/api/v1/openapi.json");
  ASSERT_EQ(document.status, 200);
  json paths = json::parse(document.body)["paths"];
  json upload, search;
  for (const auto& [path, operations] : paths.items()) {
    if (path.ends_with("/documents") && operations.contains("post")) {
      upload = operations["post"];
    }
    if (path.ends_with("/search")) search = operations["get"];
  }
  ASSERT_TRUE(upload.is_object()) << paths.dump().substr(0, 500);
  json form = upload["requestBody"]["content"]["multipart/form-data"]["schema"];
  EXPECT_EQ(form["properties"]["file"]["format"], "binary") << form.dump();
  EXPECT_TRUE(upload["responses"].contains("201"));
  EXPECT_TRUE(upload["responses"].contains("413"));
  EXPECT_TRUE(upload["responses"].contains("415"));
  ASSERT_TRUE(search.is_object());
  bool has_q = false;
  for (const json& parameter : search["parameters"]) {
    has_q |= parameter["name"] == "q";
  }
  EXPECT_TRUE(has_q) << search.dump();
  EXPECT_TRUE(search["responses"].contains("400"));
}

}  // namespace
}  // namespace smartercities
