// Backup and restore as an operator runs them: `smartercities backup FILE`
// while a server process takes writes, more writes, `smartercities restore
// FILE`: every write acknowledged before the backup began is back, none
// acknowledged after it ended, the audit trail is intact and the replaced
// database is kept. A file that fails a check is refused and changes
// nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using testing::RunCommand;

// Runs sql on a database file; the first column of each row.
std::vector<std::string> Query(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << file;
    sqlite3_close(db);
    return out;
  }
  char* error = nullptr;
  auto collect = [](void* rows, int, char** values, char**) {
    static_cast<std::vector<std::string>*>(rows)->emplace_back(
        values[0] ? values[0] : "");
    return 0;
  };
  if (sqlite3_exec(db, sql.c_str(), collect, &out, &error) != SQLITE_OK) {
    ADD_FAILURE() << error << " in " << sql;
    sqlite3_free(error);
  }
  sqlite3_close(db);
  return out;
}

class BackupRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(plugin_dir());
    testing::CopyPlugin(testing::ThemePluginDir(), "bedrijvige_stad",
                        plugin_dir());
  }

  fs::path plugin_dir() const { return dir_.path() / "plugins"; }
  fs::path data_dir() const { return dir_.path() / "data"; }
  fs::path database() const { return data_dir() / "smartercities.db"; }

  std::vector<std::string> Command(std::vector<std::string> words) const {
    for (const char* flag : {"--data-dir", "--plugin-dir"}) {
      words.push_back(flag);
      words.push_back(std::string_view(flag) == "--data-dir"
                          ? data_dir().string()
                          : plugin_dir().string());
    }
    return words;
  }

  void Serve() {
    server_.reset();
    server_.emplace(
        std::vector<std::string>{"--data-dir", data_dir().string(),
                                 "--plugin-dir", plugin_dir().string(),
                                 "--log-level", "warn"},
        std::map<std::string, std::string>{
            {"SMARTERCITIES_ADMIN_PASSWORD", "beheer-Kanaal-tulp-93"}});
    ASSERT_NE(server_->port(), 0) << server_->Output();
    std::ifstream in(data_dir() / "admin-token");
    std::getline(in, token_);
  }

  // Writes business parks from four threads until stop; every acknowledged
  // one goes into acknowledged, in order.
  void StartWriters() {
    stop_ = false;
    for (int w = 0; w < 4; ++w) {
      writers_.emplace_back([this, w, port = server_->port()] {
        for (int n = 0; !stop_.load(); ++n) {
          std::string name = "w" + std::to_string(w) + "-" + std::to_string(n);
          testing::HttpResponse response = testing::Fetch(
              port, "POST", "/api/v1/themes/bedrijvige-stad/business-parks",
              {{"Authorization", "Bearer " + token_},
               {"Content-Type", "application/json"}},
              json{{"city", "GM0794"}, {"name", name}, {"hasFibre", true}}
                  .dump());
          if (response.status != 201) continue;
          std::lock_guard lock(mutex_);
          acknowledged_.insert(json::parse(response.body)["name"]);
        }
      });
    }
  }

  void StopWriters() {
    stop_ = true;
    for (auto& writer : writers_) writer.join();
    writers_.clear();
  }

  std::set<std::string> Acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }

  std::set<std::string> Stored(const fs::path& file) {
    auto rows = Query(file, "SELECT name FROM bedrijvige_stad_parks");
    return {rows.begin(), rows.end()};
  }

  testing::TempDir dir_;
  std::optional<testing::ServerProcess> server_;
  std::string token_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> writers_;
  std::mutex mutex_;
  std::set<std::string> acknowledged_;
};

TEST_F(BackupRestoreTest, ARestoreDrillBringsBackEveryWriteBeforeTheBackup) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  StartWriters();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  fs::path backup = dir_.path() / "backups" / "drill.db";
  fs::create_directories(backup.parent_path());
  std::set<std::string> before = Acknowledged();
  auto [backup_code, backup_output] =
      RunCommand(Command({"backup", backup.string()}));
  std::set<std::string> during = Acknowledged();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  StopWriters();
  std::set<std::string> after = Acknowledged();
  ASSERT_EQ(backup_code, 0) << backup_output;
  EXPECT_THAT(backup_output, HasSubstr("integrity ok, audit trail intact"));
  struct stat info {};
  ASSERT_EQ(::stat(backup.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_GT(before.size(), 10u);
  ASSERT_GT(after.size(), during.size()) << "no writes after the backup";

  // A backup never overwrites a file.
  EXPECT_NE(RunCommand(Command({"backup", backup.string()})).exit_code, 0);
  // Nor does a restore replace a database a server uses.
  auto [busy_code, busy] = RunCommand(Command({"restore", backup.string()}));
  EXPECT_EQ(busy_code, 1) << busy;
  EXPECT_THAT(busy, HasSubstr("in use"));
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  std::set<std::string> latest = Stored(database());

  auto [code, output] = RunCommand(Command({"restore", backup.string()}));
  ASSERT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("the database it replaced is in"));
  std::set<std::string> restored = Stored(database());
  for (const std::string& name : before) {
    EXPECT_TRUE(restored.contains(name)) << name << " was acknowledged before "
                                         << "the backup and is lost";
  }
  for (const std::string& name : after) {
    if (!during.contains(name)) {
      EXPECT_FALSE(restored.contains(name))
          << name << " was written after the backup ended";
    }
  }
  auto [verify_code, verified] = RunCommand(Command({"audit", "verify"}));
  EXPECT_EQ(verify_code, 0) << verified;
  // The replaced database is kept whole.
  std::optional<fs::path> kept;
  for (const auto& entry : fs::directory_iterator(data_dir())) {
    if (entry.path().filename().string().starts_with("replaced-")) {
      kept = entry.path() / "smartercities.db";
    }
  }
  ASSERT_TRUE(kept && fs::exists(*kept)) << output;
  EXPECT_EQ(Stored(*kept), latest);

  // And the platform runs on the restored data.
  ASSERT_NO_FATAL_FAILURE(Serve());
  testing::HttpResponse list = testing::Fetch(
      server_->port(), "GET",
      "/api/v1/themes/bedrijvige-stad/business-parks?pageSize=1");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body)["total"], restored.size());
}

TEST_F(BackupRestoreTest, AFileThatFailsACheckIsRefusedAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  StartWriters();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  StopWriters();
  fs::path backup = dir_.path() / "good.db";
  ASSERT_EQ(RunCommand(Command({"backup", backup.string()})).exit_code, 0);
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  std::set<std::string> stored = Stored(database());

  // Not a database at all.
  fs::path garbage = dir_.path() / "garbage.db";
  std::ofstream(garbage) << std::string(8192, 'x');
  // A database whose audit trail was edited behind the platform's back.
  fs::path tampered = dir_.path() / "tampered.db";
  fs::copy_file(backup, tampered);
  Query(tampered,
        "DROP TRIGGER audit_log_append_only_update; UPDATE audit_log SET "
        "actor = 'user:someone-else' WHERE seq = 1");
  // A database whose pages are damaged.
  fs::path damaged = dir_.path() / "damaged.db";
  fs::copy_file(backup, damaged);
  {
    std::fstream file(damaged, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(damaged) / 2));
    file << std::string(4096, '\x5a');
  }
  for (const auto& [file, reason] :
       {std::pair{garbage, "not"}, std::pair{tampered, "audit trail"},
        std::pair{damaged, "integrity"}}) {
    auto [code, output] = RunCommand(Command({"restore", file.string()}));
    EXPECT_NE(code, 0) << file;
    EXPECT_THAT(output, HasSubstr("nothing was changed")) << output;
    EXPECT_THAT(output, HasSubstr(reason)) << output;
    EXPECT_EQ(Stored(database()), stored) << file;
  }
  for (const auto& entry : fs::directory_iterator(data_dir())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("replaced-"));
    EXPECT_FALSE(entry.path().filename().string().starts_with("restoring-"))
        << "a refused copy was left in the data directory";
  }
}

// The knowledge base's files are part of the data: a backup carries them,
// so that a restore onto a machine whose files are gone brings back every
// document whole, and a backup with a file missing is refused rather than
// written without it.
TEST_F(BackupRestoreTest, DocumentFilesTravelWithTheBackup) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  const std::string content = "Plan voor slimme verkeerslichten in Helmond";
  testing::MultipartForm form =
      testing::Multipart({{"title", "Verkeersplan"},
                          {"kind", "project-plan"},
                          {"author", "GM0794"},
                          {"date", "2014-03-01"},
                          {"language", "nl"},
                          {"licence", "CC0-1.0"},
                          {"theme", "bedrijvige-stad"}},
                         "plan.txt", content, "text/plain");
  testing::HttpResponse uploaded =
      testing::Fetch(server_->port(), "POST", "/api/v1/documents",
                     {{"Authorization", "Bearer " + token_},
                      {"Content-Type", form.content_type}},
                     form.body);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  std::string file_url = json::parse(uploaded.body)["file"];

  fs::path backup = dir_.path() / "with-documents.db";
  auto [code, output] = RunCommand(Command({"backup", backup.string()}));
  ASSERT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("1 document files"));
  EXPECT_EQ(server_->Stop(SIGTERM), 0);

  // The machine's document files are lost; the backup brings them back.
  fs::remove_all(data_dir() / "documents");
  auto [restore_code, restored] =
      RunCommand(Command({"restore", backup.string()}));
  ASSERT_EQ(restore_code, 0) << restored;
  EXPECT_THAT(restored, HasSubstr("1 document files added"));
  EXPECT_TRUE(Query(database(),
                    "SELECT name FROM sqlite_schema WHERE name = "
                    "'backup_document_files'")
                  .empty())
      << "the backup's own table was left in the restored database";
  ASSERT_NO_FATAL_FAILURE(Serve());
  testing::HttpResponse file = testing::Fetch(server_->port(), "GET", file_url);
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, content);

  // A backup is refused, and leaves no file, when a listed file is missing.
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  fs::remove_all(data_dir() / "documents");
  fs::path incomplete = dir_.path() / "incomplete.db";
  auto [refused_code, refused] =
      RunCommand(Command({"backup", incomplete.string()}));
  EXPECT_NE(refused_code, 0);
  EXPECT_THAT(refused, HasSubstr("document 1's file"));
  EXPECT_FALSE(fs::exists(incomplete));
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial-"),
              std::string::npos)
        << entry.path();
  }
}

}  // namespace
}  // namespace smartercities
