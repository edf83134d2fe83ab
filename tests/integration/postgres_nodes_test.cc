// Several nodes on one PostgreSQL database: real `smartercities serve`
// processes, each with its own data directory, sharing nothing but the
// database. What one node does (a figure written, a login, a failed login, a
// module switched off) is what every node serves; a node killed under write
// load loses no write it acknowledged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/postgres_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using testing::FetchFrom;
using ::testing::HasSubstr;
using testing::HttpResponse;

constexpr const char* kPassword = "beheer-Kanaal-tulp-93";
constexpr const char* kParks = "/api/v1/themes/bedrijvige-stad/business-parks";

class PostgresNodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (database_.url().empty()) {
      if (testing::PostgresTestDatabase::Required()) {
        FAIL() << database_.unavailable();
      }
      GTEST_SKIP() << database_.unavailable();
    }
    std::filesystem::create_directories(plugin_dir());
    testing::CopyPlugin(testing::ThemePluginDir(), "bedrijvige_stad",
                        plugin_dir());
  }

  std::filesystem::path plugin_dir() const { return dir_.path() / "plugins"; }
  std::filesystem::path data_dir(const std::string& node) const {
    return dir_.path() / node;
  }

  // A plugin directory of its own, name, holding only the fixture plugin.
  std::filesystem::path PluginDirWith(const std::string& name,
                                      const std::string& fixture) const {
    std::filesystem::path dir = dir_.path() / name;
    std::filesystem::create_directories(dir);
    testing::CopyPlugin(testing::TestPluginDir(), fixture, dir);
    return dir;
  }

  // Starts node `name` (its own data directory) on the shared database,
  // with the plugins in plugins (plugin_dir() when empty).
  std::unique_ptr<testing::ServerProcess> StartNode(
      const std::string& name, std::filesystem::path plugins = {}) {
    if (plugins.empty()) plugins = plugin_dir();
    auto node = std::make_unique<testing::ServerProcess>(
        std::vector<std::string>{"--data-dir", data_dir(name).string(),
                                 "--plugin-dir", plugins.string(), "--database",
                                 database_.url(), "--log-level", "warn"},
        std::map<std::string, std::string>{
            {"SMARTERCITIES_ADMIN_PASSWORD", kPassword}});
    EXPECT_NE(node->port(), 0) << node->Output();
    return node;
  }

  // The administrator's API token, from the data directory of the node that
  // started first (the others find the administrator made).
  std::string AdminToken(const std::string& node) const {
    std::ifstream in(data_dir(node) / "admin-token");
    std::string token;
    std::getline(in, token);
    return token;
  }

  static HttpResponse AddPark(std::uint16_t port, const std::string& token,
                              const std::string& name) {
    return Fetch(
        port, "POST", kParks,
        {{"Authorization", "Bearer " + token},
         {"Content-Type", "application/json"}},
        json{{"city", "GM0794"}, {"name", name}, {"hasFibre", true}}.dump());
  }

  // Uploads a text document of theme bedrijvige-stad, as curl -F does.
  static HttpResponse AddDocument(std::uint16_t port, const std::string& token,
                                  const std::string& title,
                                  const std::string& text) {
    testing::MultipartForm form =
        testing::Multipart({{"title", title},
                            {"kind", "project-plan"},
                            {"author", "GM0794"},
                            {"date", "2014-03-01"},
                            {"language", "nl"},
                            {"licence", "CC-BY-4.0"},
                            {"theme", "bedrijvige-stad"},
                            {"city", "GM0794"}},
                           "plan.txt", text, "text/plain");
    return Fetch(port, "POST", "/api/v1/documents",
                 {{"Authorization", "Bearer " + token},
                  {"Content-Type", form.content_type}},
                 form.body);
  }

  // Calls done every 20 ms until it answers true or a second has passed.
  static void WithinASecond(const std::function<bool()>& done) {
    auto start = std::chrono::steady_clock::now();
    while (!done() &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // The first column of every row of sql, run on the shared database.
  std::vector<std::string> Query(const std::string& sql) {
    std::vector<std::string> rows;
    PGconn* connection = PQconnectdb(database_.url().c_str());
    EXPECT_EQ(PQstatus(connection), CONNECTION_OK)
        << PQerrorMessage(connection);
    PGresult* result = PQexec(connection, sql.c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_TUPLES_OK)
        << PQresultErrorMessage(result);
    for (int row = 0; row < PQntuples(result); ++row) {
      rows.emplace_back(PQgetvalue(result, row, 0));
    }
    PQclear(result);
    PQfinish(connection);
    return rows;
  }

  testing::PostgresTestDatabase database_;
  testing::TempDir dir_;
};

TEST_F(PostgresNodesTest, ANodeWithAnOlderPluginThanTheDatabaseSaysSo) {
  std::filesystem::path older =
      PluginDirWith("plugins-older", "fixture_good_older");
  std::filesystem::path newer = PluginDirWith("plugins-newer", "fixture_good");
  auto a = StartNode("a", older);
  ASSERT_NE(a->port(), 0);
  std::map<std::string, std::string> admin = {
      {"Authorization", "Bearer " + AdminToken("a")}};
  HttpResponse ready = Fetch(a->port(), "GET", "/readyz", admin);
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(json::parse(ready.body)["plugins"], "ok") << ready.body;

  // b upgrades the theme: it migrates and records 1.2.3.
  auto b = StartNode("b", newer);
  ASSERT_NE(b->port(), 0);
  EXPECT_EQ(Fetch(b->port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(Query("SELECT version FROM themes WHERE id = 'test-good'"),
            std::vector<std::string>{"1.2.3"});

  // a still runs 1.2.2: it leaves the balancer, saying why.
  HttpResponse stale = Fetch(a->port(), "GET", "/readyz", admin);
  EXPECT_EQ(stale.status, 503);
  json stale_body = json::parse(stale.body);
  EXPECT_EQ(stale_body["plugins"], "differ");
  EXPECT_THAT(stale_body["pluginProblems"].dump(),
              HasSubstr("1.2.2 on this node and 1.2.3 in the database"));
  // The public sees that it is not ready, not which plugin.
  HttpResponse stale_public = Fetch(a->port(), "GET", "/readyz");
  EXPECT_EQ(stale_public.status, 503);
  EXPECT_FALSE(json::parse(stale_public.body).contains("pluginProblems"));

  // A node started with the older file refuses the theme, and does not
  // write its older manifest over the newer.
  auto c = StartNode("c", older);
  ASSERT_NE(c->port(), 0);
  HttpResponse refused = Fetch(c->port(), "GET", "/readyz", admin);
  EXPECT_EQ(refused.status, 503) << refused.body;
  json refused_body = json::parse(refused.body);
  EXPECT_EQ(refused_body["modules"]["test-good"], "failed");
  EXPECT_THAT(refused_body["pluginProblems"].dump(), HasSubstr("1.2.2 from"));
  EXPECT_THAT(refused_body["pluginProblems"].dump(),
              HasSubstr("older than 1.2.3"));
  EXPECT_EQ(Fetch(c->port(), "GET", "/api/v1/themes/test-good/items").status,
            404);
  EXPECT_EQ(Query("SELECT version FROM themes WHERE id = 'test-good'"),
            std::vector<std::string>{"1.2.3"});
}

// The same version built twice (rebuilt without a new version number) is
// told apart by the file's digest: the node whose file is not the one the
// database records last leaves the balancer, saying which file.
TEST_F(PostgresNodesTest, AnotherBuildOfTheSameVersionIsToldApart) {
  std::filesystem::path first = PluginDirWith("plugins-first", "fixture_good");
  std::filesystem::path rebuilt =
      PluginDirWith("plugins-rebuilt", "fixture_good");
  {
    // Bytes after the library's end change its digest, not what it does.
    std::ofstream out(rebuilt / "libfixture_good.so",
                      std::ios::binary | std::ios::app);
    out << "another build";
  }
  auto a = StartNode("a", first);
  ASSERT_NE(a->port(), 0);
  std::map<std::string, std::string> admin = {
      {"Authorization", "Bearer " + AdminToken("a")}};
  EXPECT_EQ(Fetch(a->port(), "GET", "/readyz", admin).status, 200);

  auto b = StartNode("b", rebuilt);
  ASSERT_NE(b->port(), 0);
  HttpResponse b_ready = Fetch(b->port(), "GET", "/readyz", admin);
  EXPECT_EQ(b_ready.status, 200) << b_ready.body;
  EXPECT_EQ(Fetch(b->port(), "GET", "/api/v1/themes/test-good/items").status,
            200);

  HttpResponse stale = Fetch(a->port(), "GET", "/readyz", admin);
  EXPECT_EQ(stale.status, 503) << stale.body;
  json body = json::parse(stale.body);
  EXPECT_EQ(body["plugins"], "differ");
  EXPECT_THAT(body["pluginProblems"].dump(),
              HasSubstr("theme 'test-good' 1.2.3 is another build on this "
                        "node ("));
  EXPECT_THAT(body["pluginProblems"].dump(),
              HasSubstr((first / "libfixture_good.so").string()));
}

TEST_F(PostgresNodesTest, ANodeGoesOnAfterTheServerEndedItsConnections) {
  auto a = StartNode("a");
  ASSERT_NE(a->port(), 0);
  std::string token = AdminToken("a");
  ASSERT_EQ(AddPark(a->port(), token, "Voor").status, 201);
  // Every connection of the node ends, as when the database server restarts.
  std::vector<std::string> ended = Query(
      "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE "
      "datname = current_database() AND pid <> pg_backend_pid()");
  EXPECT_GE(ended.size(), 2u);  // at least its write and listen connections
  // Its next write and read connect again, and nothing is lost.
  HttpResponse after = AddPark(a->port(), token, "Na");
  EXPECT_EQ(after.status, 201) << after.body;
  HttpResponse listed = Fetch(a->port(), "GET", kParks);
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_THAT(listed.body, HasSubstr("Voor"));
  EXPECT_THAT(listed.body, HasSubstr("Na"));
  EXPECT_EQ(Query("SELECT count(*)::text FROM audit_log WHERE object LIKE "
                  "'bedrijvige_stad_parks/%'"),
            std::vector<std::string>{"2"});
}

TEST_F(PostgresNodesTest, WhatOneNodeDoesEveryNodeServes) {
  auto a = StartNode("a");
  ASSERT_NE(a->port(), 0);
  auto b = StartNode("b");
  ASSERT_NE(b->port(), 0);
  std::string token = AdminToken("a");
  ASSERT_FALSE(token.empty());

  for (const auto* node : {a.get(), b.get()}) {
    EXPECT_EQ(Fetch(node->port(), "GET", "/readyz").status, 200)
        << node->Output();
  }
  HttpResponse themes_a = Fetch(a->port(), "GET", "/api/v1/themes");
  HttpResponse themes_b = Fetch(b->port(), "GET", "/api/v1/themes");
  EXPECT_EQ(themes_a.status, 200);
  EXPECT_EQ(themes_a.body, themes_b.body);

  // A figure written on A is read on B.
  HttpResponse added = AddPark(a->port(), token, "Brainport Park");
  ASSERT_EQ(added.status, 201) << added.body << a->Output();
  HttpResponse listed = Fetch(b->port(), "GET", kParks);
  ASSERT_EQ(listed.status, 200) << listed.body << b->Output();
  EXPECT_THAT(listed.body, HasSubstr("Brainport Park"));

  // A session made on A works on B.
  HttpResponse login =
      Fetch(a->port(), "POST", "/api/v1/sessions",
            {{"Content-Type", "application/json"}},
            json{{"username", "admin"}, {"password", kPassword}}.dump());
  ASSERT_EQ(login.status, 201) << login.body << a->Output();
  std::string cookie = login.Header("set-cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(
      Fetch(b->port(), "GET", "/api/v1/modules", {{"Cookie", cookie}}).status,
      200);

  // Failed logins on A count on B.
  for (int i = 0; i < 20; ++i) {
    HttpResponse wrong = FetchFrom(
        "127.0.0.2", a->port(), "POST", "/api/v1/sessions",
        {{"Content-Type", "application/json"}},
        json{{"username", "admin"}, {"password", "wrong-" + std::to_string(i)}}
            .dump());
    ASSERT_EQ(wrong.status, 401) << wrong.body;
  }
  HttpResponse refused =
      FetchFrom("127.0.0.2", b->port(), "POST", "/api/v1/sessions",
                {{"Content-Type", "application/json"}},
                json{{"username", "admin"}, {"password", kPassword}}.dump());
  EXPECT_EQ(refused.status, 429) << refused.body;

  // A module switched off on A is gone on B within a second.
  HttpResponse off =
      Fetch(a->port(), "PATCH", "/api/v1/modules/bedrijvige-stad",
            {{"Authorization", "Bearer " + token},
             {"Content-Type", "application/json"}},
            R"({"enabled":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  int status = 200;
  WithinASecond([&] {
    status = Fetch(b->port(), "GET", kParks).status;
    return status != 200;
  });
  EXPECT_NE(status, 200) << "node B still serves the module a second after "
                            "node A switched it off";
}

TEST_F(PostgresNodesTest, WhatOneNodeIndexesEveryNodeFinds) {
  auto a = StartNode("a");
  ASSERT_NE(a->port(), 0);
  auto b = StartNode("b");
  ASSERT_NE(b->port(), 0);
  std::string token = AdminToken("a");
  // The total of a search on node, or -1 when it does not answer 200.
  auto total = [](const testing::ServerProcess& node,
                  const std::string& query) {
    HttpResponse found = Fetch(node.port(), "GET", "/api/v1/search?" + query);
    if (found.status != 200) return std::int64_t{-1};
    return json::parse(found.body)["total"].get<std::int64_t>();
  };
  // B has searched before, so its index of the agenda is built.
  ASSERT_EQ(total(*b, "q=kanaalzone"), 0);
  ASSERT_EQ(total(*b, "q=zonnedakkaart"), 0);

  // A register record and a document written on A.
  ASSERT_EQ(AddPark(a->port(), token, "Kanaalzone Noord").status, 201);
  HttpResponse document =
      AddDocument(a->port(), token, "Zonnedakkaart",
                  "De zonnedakkaart toont elk dak van het bedrijventerrein.");
  ASSERT_EQ(document.status, 201) << document.body;

  // B finds both within a second, by the searches it answered before.
  std::int64_t parks = 0;
  std::int64_t documents = 0;
  WithinASecond([&] {
    parks = total(*b, "q=kanaalzone");
    documents = total(*b, "q=zonnedakkaart");
    return parks >= 1 && documents >= 1;
  });
  EXPECT_EQ(parks, 1) << "node B does not find the record node A wrote";
  EXPECT_EQ(documents, 1) << "node B does not find the document node A wrote";
  EXPECT_EQ(total(*b, "q=zonnedakkaarten&type=document"), 1);

  // The document removed on A is gone from B's hits within a second.
  std::string id =
      std::to_string(json::parse(document.body)["id"].get<std::int64_t>());
  HttpResponse removed = Fetch(a->port(), "DELETE", "/api/v1/documents/" + id,
                               {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(removed.status, 204) << removed.body;
  WithinASecond([&] {
    documents = total(*b, "q=zonnedakkaart");
    return documents == 0;
  });
  EXPECT_EQ(documents, 0) << "node B still finds the document node A removed";
}

TEST_F(PostgresNodesTest, ANodeKilledUnderWritesLosesNoAcknowledgedWrite) {
  auto a = StartNode("a");
  ASSERT_NE(a->port(), 0);
  auto b = StartNode("b");
  ASSERT_NE(b->port(), 0);
  std::string token = AdminToken("a");

  std::map<std::int64_t, std::string> acknowledged;
  std::mutex mutex;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    // Two writers on each node.
    std::uint16_t port = w % 2 == 0 ? a->port() : b->port();
    writers.emplace_back([&, w, port] {
      for (int n = 0; !stop.load(); ++n) {
        std::string name = "w" + std::to_string(w) + "-" + std::to_string(n);
        try {
          HttpResponse response = AddPark(port, token, name);
          if (response.status != 201) continue;
          json body = json::parse(response.body, nullptr, false);
          if (!body.is_object() || !body.contains("id")) continue;
          std::lock_guard lock(mutex);
          acknowledged[body["id"].get<std::int64_t>()] = name;
        } catch (const std::exception&) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      }
    });
  }
  // Killed once both nodes have acknowledged writes (however slow the
  // machine), while the writers go on.
  auto started = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= 20) break;
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(60)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  a->Kill();
  // B goes on taking writes after A is gone.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (std::thread& writer : writers) writer.join();

  std::set<std::string> stored;
  for (const std::string& row :
       Query("SELECT id || ' ' || name FROM "
             "bedrijvige_stad.bedrijvige_stad_parks")) {
    stored.insert(row);
  }
  std::set<std::string> audited;
  for (const std::string& row :
       Query("SELECT object FROM audit_log WHERE action = 'insert' AND "
             "object LIKE 'bedrijvige_stad_parks/%'")) {
    audited.insert(row);
  }
  std::lock_guard lock(mutex);
  EXPECT_GE(acknowledged.size(), 20u);
  for (const auto& [id, name] : acknowledged) {
    EXPECT_TRUE(stored.contains(std::to_string(id) + " " + name))
        << "acknowledged write " << id << " (" << name << ") is lost";
    EXPECT_TRUE(audited.contains("bedrijvige_stad_parks/" + std::to_string(id)))
        << "write " << id << " has no audit row";
  }
  // Every id was handed out once, whichever node wrote it.
  EXPECT_EQ(
      stored.size(),
      Query("SELECT id FROM bedrijvige_stad.bedrijvige_stad_parks").size());

  // The audit trail's chain is whole.
  auto [code, output] = testing::RunCommand(
      {"audit", "verify", "--data-dir", data_dir("b").string(), "--plugin-dir",
       plugin_dir().string(), "--database", database_.url()});
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("intact"));
}

TEST_F(PostgresNodesTest, MigrateToCopiesAnSqliteDataDirectoryAsItIs) {
  // A platform on SQLite with the demo data and a park of its own.
  std::string sqlite_dir = data_dir("sqlite").string();
  auto demo =
      testing::RunCommand({"demo", "load", "--data-dir", sqlite_dir,
                           "--plugin-dir", plugin_dir().string()},
                          {{"SMARTERCITIES_ADMIN_PASSWORD", kPassword}});
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  const std::vector<std::string> pages = {
      "/api/v1/themes", "/api/v1/cities", "/api/v1/measurements?pageSize=500",
      kParks, "/api/v1/themes/bedrijvige-stad"};
  // Searches of the documents, the agenda and the registers: by a word,
  // another inflection, a prefix, two words, with filters, a later page,
  // and one whose hits score alike (the four cities of the G4).
  const std::vector<std::string> searches = {
      "q=verkeerslicht",
      "q=energie",
      "q=verkeer*",
      "q=glasvezel%20bedrijventerrein",
      "q=stad&type=theme",
      "q=stad&theme=groene-stad&pageSize=5",
      "q=gemeente&pageSize=5&page=2",
      "q=plan&kind=project-plan&year=2014",
      "q=Strijp",
      "q=G4"};
  std::map<std::string, std::string> before;
  std::map<std::string, std::string> hits_before;
  {
    testing::ServerProcess sqlite(
        {"--data-dir", sqlite_dir, "--plugin-dir", plugin_dir().string()},
        {{"SMARTERCITIES_ADMIN_PASSWORD", kPassword}});
    ASSERT_NE(sqlite.port(), 0) << sqlite.Output();
    std::string token = AdminToken("sqlite");
    ASSERT_EQ(AddPark(sqlite.port(), token, "Strijp-S").status, 201);
    HttpResponse document = AddDocument(
        sqlite.port(), token, "Verkeerslichten op bedrijventerreinen",
        "Het plan legt glasvezel naar de verkeerslichten van de "
        "bedrijventerreinen, zodat elk verkeerslicht de energie meet die het "
        "verbruikt. De gemeente Helmond begint op Strijp-S.");
    ASSERT_EQ(document.status, 201) << document.body;
    document =
        AddDocument(sqlite.port(), token, "Energieplan",
                    "Energie besparen op bedrijventerreinen: zonne-"
                    "energie op elk dak en verkeer dat minder stilstaat.");
    ASSERT_EQ(document.status, 201) << document.body;
    for (const std::string& query : searches) {
      HttpResponse found =
          Fetch(sqlite.port(), "GET", "/api/v1/search?" + query);
      ASSERT_EQ(found.status, 200) << query << ": " << found.body;
      hits_before[query] = found.body;
    }
    for (const std::string& page : pages) {
      HttpResponse response = Fetch(sqlite.port(), "GET", page);
      ASSERT_EQ(response.status, 200) << page << ": " << response.body;
      before[page] = response.body;
    }
  }

  auto copied =
      testing::RunCommand({"migrate-to", database_.url(), "--data-dir",
                           sqlite_dir, "--plugin-dir", plugin_dir().string()});
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  EXPECT_THAT(copied.output, HasSubstr("the audit trail is intact"));

  // The same pages from a node on the copy.
  testing::ServerProcess node({"--data-dir", data_dir("node").string(),
                               "--plugin-dir", plugin_dir().string(),
                               "--database", database_.url()});
  ASSERT_NE(node.port(), 0) << node.Output();
  for (const std::string& page : pages) {
    HttpResponse response = Fetch(node.port(), "GET", page);
    EXPECT_EQ(response.status, 200) << page << ": " << response.body;
    EXPECT_EQ(response.body, before[page]) << page;
  }
  // The same hits in the same order, with the same scores and snippets:
  // the copied documents' entries are listed by the node's first search.
  for (const std::string& query : searches) {
    HttpResponse found = Fetch(node.port(), "GET", "/api/v1/search?" + query);
    EXPECT_EQ(found.status, 200) << query << ": " << found.body;
    EXPECT_EQ(found.body, hits_before[query]) << query;
  }
  EXPECT_GE(json::parse(hits_before["q=energie"])["total"], 2);
  EXPECT_GE(json::parse(hits_before["q=G4"])["total"], 4);

  // The ids go on after the copied ones; the SQLite token works.
  HttpResponse added = AddPark(node.port(), AdminToken("sqlite"), "Nieuw");
  EXPECT_EQ(added.status, 201) << added.body;

  // A database that is not empty is refused, and keeps what it has.
  auto again =
      testing::RunCommand({"migrate-to", database_.url(), "--data-dir",
                           sqlite_dir, "--plugin-dir", plugin_dir().string()});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.output, HasSubstr("is not empty"));
  EXPECT_THAT(Fetch(node.port(), "GET", kParks).body, HasSubstr("Nieuw"));
}

}  // namespace
}  // namespace smartercities
