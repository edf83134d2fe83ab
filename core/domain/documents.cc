#include "core/domain/documents.h"

#include <fcntl.h>
#include <smartercities/text.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/base/time_format.h"
#include "core/domain/covenant_term.h"
#include "core/domain/document_text.h"
#include "core/domain/knowledge_search.h"
#include "core/domain/parties.h"

namespace smartercities::domain {
namespace {

constexpr std::array<const char*, 6> kKinds = {
    "project-plan", "business-case", "evaluation",
    "minutes",      "presentation",  "reference-list"};

// Uploads and deletions place and remove files; one at a time, so that a
// failed upload never removes a file another upload of the same content
// has just stored.
std::mutex& FileMutex() {
  static std::mutex mutex;
  return mutex;
}

Document DocumentOf(const storage::Row& row) {
  Document d;
  d.id = row.Integer("id");
  d.title = row.Text("title");
  d.kind = row.Text("kind");
  d.author = row.Text("author");
  d.date = row.Text("date");
  d.language = row.Text("language");
  d.licence = row.Text("licence");
  d.theme = row.Text("theme_id");
  d.agreement = row.Text("agreement_id");
  d.indicator = row.Text("indicator_id");
  d.city = row.Text("city");
  if (!row.IsNull("project_id")) d.project = row.Integer("project_id");
  if (!row.IsNull("meeting_id")) d.meeting = row.Integer("meeting_id");
  d.file_name = row.Text("file_name");
  d.media_type = row.Text("media_type");
  d.size_bytes = row.Integer("size_bytes");
  d.sha256 = row.Text("sha256");
  d.text_status = row.Text("text_status");
  d.text_reason = row.Text("text_reason");
  d.uploaded_at = row.Text("uploaded_at");
  d.uploaded_by = row.Text("uploaded_by");
  return d;
}

storage::Value TextOrNull(const std::string& text) {
  return text.empty() ? storage::Value(nullptr) : storage::Value(text);
}

storage::Value IdOrNull(const std::optional<std::int64_t>& id) {
  return id ? storage::Value(*id) : storage::Value(nullptr);
}

Status Invalid(const char* field, const std::string& message) {
  std::string text = field;
  text += ": ";
  text += message;
  return Status::InvalidArgument(text);
}

// The checks that need no database: every problem names its field.
Status CheckFields(DocumentInput& input) {
  sdk::TextRules line;
  line.max_characters = 300;
  if (input.title.empty()) return Invalid("title", "is required");
  if (auto problem = sdk::TextProblem(input.title, line)) {
    return Invalid("title", *problem);
  }
  bool known_kind = false;
  for (const char* kind : kKinds) known_kind |= input.kind == kind;
  if (!known_kind) {
    return Invalid("kind",
                   "must be one of project-plan, business-case, evaluation, "
                   "minutes, presentation, reference-list; got '" +
                       sdk::Printable(input.kind, 40) + "'");
  }
  if (input.author.empty()) {
    return Invalid("author",
                   "is required: a city's CBS code (GM0363) or a covenant "
                   "party (ez, g32, g4, stedenlink)");
  }
  if (!IsCalendarDate(input.date)) {
    return Invalid("date", "must be a date as YYYY-MM-DD, got '" +
                               sdk::Printable(input.date, 20) + "'");
  }
  if (input.language.empty()) input.language = "nl";
  if (input.language != "nl" && input.language != "en") {
    return Invalid("language", "must be nl or en, got '" +
                                   sdk::Printable(input.language, 20) + "'");
  }
  sdk::TextRules short_line;
  short_line.max_characters = 100;
  if (auto problem = sdk::TextProblem(input.licence, short_line)) {
    return Invalid("licence", *problem);
  }
  if (input.theme.empty() && input.agreement.empty() &&
      input.indicator.empty() && input.city.empty() && !input.project &&
      !input.meeting) {
    return Invalid("theme",
                   "attach the document to something: a theme, an agreement, "
                   "an indicator, a city, a project or a meeting");
  }
  // An agreement by its letter belongs to the theme given.
  if (!input.agreement.empty() &&
      input.agreement.find('/') == std::string::npos) {
    if (input.theme.empty()) {
      return Invalid("agreement",
                     "name the theme too, or the agreement's id "
                     "(regelluwe-stad/e)");
    }
    input.agreement = input.theme + "/" + input.agreement;
  }
  return Status::Ok();
}

// Whether sql (with ?1) finds a row for value.
Result<bool> Exists(storage::Connection& db, const char* sql,
                    storage::Value value) {
  bool found = false;
  Status status = db.Execute(sql, std::vector<storage::Value>{std::move(value)},
                             [&](const storage::Row&) {
                               found = true;
                               return false;
                             });
  if (!status.ok()) return status;
  return found;
}

// The checks against what is stored; fills in the theme an agreement,
// indicator or project belongs to when none was given.
Status CheckReferences(storage::Connection& db, DocumentInput& input) {
  auto theme_of = [&](const char* sql, const std::string& id, const char* field,
                      const std::string& missing) -> Status {
    std::optional<std::string> theme;
    Status status = db.Execute(sql, std::vector<storage::Value>{id},
                               [&](const storage::Row& row) {
                                 theme = row.Text("theme_id");
                                 return false;
                               });
    if (!status.ok()) return status;
    if (!theme) return Invalid(field, missing);
    if (input.theme.empty()) input.theme = *theme;
    if (*theme != input.theme) {
      return Invalid(field,
                     "belongs to theme " + *theme + ", not " + input.theme);
    }
    return Status::Ok();
  };
  if (!input.theme.empty()) {
    auto found = Exists(db, "SELECT 1 FROM themes WHERE id = ?1", input.theme);
    if (!found.ok()) return found.status();
    if (!*found) {
      return Invalid("theme", "there is no theme '" +
                                  sdk::Printable(input.theme, 60) +
                                  "'; GET /api/v1/themes lists them");
    }
  }
  if (!input.agreement.empty()) {
    Status status = theme_of(
        "SELECT theme_id FROM agreements WHERE id = ?1", input.agreement,
        "agreement",
        "there is no agreement '" + sdk::Printable(input.agreement, 60) + "'");
    if (!status.ok()) return status;
  }
  if (!input.indicator.empty()) {
    Status status = theme_of(
        "SELECT theme_id FROM indicators WHERE id = ?1", input.indicator,
        "indicator",
        "there is no indicator '" + sdk::Printable(input.indicator, 60) + "'");
    if (!status.ok()) return status;
  }
  if (input.project) {
    Status status =
        theme_of("SELECT theme_id FROM projects WHERE id = ?1",
                 std::to_string(*input.project), "project",
                 "there is no project " + std::to_string(*input.project));
    if (!status.ok()) return status;
  }
  if (input.meeting) {
    auto found =
        Exists(db, "SELECT 1 FROM meetings WHERE id = ?1", *input.meeting);
    if (!found.ok()) return found.status();
    if (!*found) {
      return Invalid("meeting",
                     "there is no meeting " + std::to_string(*input.meeting));
    }
  }
  for (auto [field, code] :
       {std::pair<const char*, const std::string*>{"city", &input.city},
        {"author", &input.author}}) {
    if (code->empty()) continue;
    if (std::string_view(field) == "author" && FindParty(*code) != nullptr) {
      continue;
    }
    auto found = Exists(db, "SELECT 1 FROM cities WHERE cbs_code = ?1", *code);
    if (!found.ok()) return found.status();
    if (!*found) {
      std::string message = "'" + sdk::Printable(*code, 40) +
                            "' is not a city of the covenant (GET "
                            "/api/v1/cities lists them)";
      if (std::string_view(field) == "author") {
        message += " nor a covenant party (ez, g32, g4, stedenlink)";
      }
      return Invalid(field, message);
    }
  }
  return Status::Ok();
}

std::string ErrnoText(int error) { return std::strerror(error); }

constexpr const char* kSelect =
    "SELECT id, title, kind, author, date, language, licence, theme_id, "
    "agreement_id, indicator_id, city, project_id, meeting_id, file_name, "
    "media_type, size_bytes, sha256, text_status, text_reason, uploaded_at, "
    "uploaded_by FROM documents";

}  // namespace

// Writes bytes to path through a temporary name in the same directory,
// flushed to disk before the rename, so that path never holds part of a
// file. The directory's entry is flushed too.
Status WriteFileAtomically(const std::filesystem::path& path,
                           std::string_view bytes) {
  std::filesystem::path temporary = path;
  temporary += ".partial-" + std::to_string(::getpid());
  int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable("cannot create '" + temporary.string() +
                               "': " + ErrnoText(errno));
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      return Status::Unavailable("cannot write '" + temporary.string() +
                                 "': " + ErrnoText(error));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return Status::Unavailable("cannot store '" + path.string() +
                               "': " + ErrnoText(error));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return Status::Unavailable("cannot store '" + path.string() +
                               "': " + ErrnoText(error));
  }
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

std::span<const char* const> DocumentKinds() { return kKinds; }

void ApplyUploaderDefaults(std::string_view role, std::string_view scope,
                           DocumentInput& input) {
  if (role == "theme-editor" && input.theme.empty()) input.theme = scope;
  if (role == "city-editor") {
    if (input.city.empty()) input.city = scope;
    if (input.author.empty()) input.author = scope;
  }
}

std::optional<std::string> DocumentWriteRefusal(std::string_view role,
                                                std::string_view scope,
                                                const std::string& theme,
                                                const std::string& city) {
  std::string who = "your account (";
  who += role;
  who += " for ";
  who += scope;
  who += ")";
  if (role == "admin") return std::nullopt;
  if (role == "theme-editor") {
    if (!theme.empty() && theme == scope) return std::nullopt;
    return who + " adds and removes the documents of theme " +
           std::string(scope) +
           (theme.empty() ? std::string(", and this one has no theme")
                          : ", not of " + theme);
  }
  if (role == "city-editor") {
    if (!city.empty() && city == scope) return std::nullopt;
    return who + " adds and removes the documents of city " +
           std::string(scope) +
           (city.empty() ? std::string(", and this one names no city")
                         : ", not of " + city);
  }
  return who + " may not add or remove documents";
}

std::optional<std::string> UploadRefusal(std::string_view role,
                                         std::string_view scope,
                                         const DocumentInput& input) {
  if (auto refusal =
          DocumentWriteRefusal(role, scope, input.theme, input.city)) {
    return refusal;
  }
  if (role == "city-editor" && input.author != scope) {
    std::string reason = "author: your account uploads as city ";
    reason += scope;
    reason += ", not as ";
    reason += sdk::Printable(input.author, 40);
    return reason;
  }
  return std::nullopt;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

Result<Document> Documents::Upload(DocumentInput input, std::string_view bytes,
                                   const std::string& uploaded_by) {
  Status fields = CheckFields(input);
  if (!fields.ok()) return fields;
  std::string reason;
  auto media_type = SniffMediaType(bytes, input.file_name, &reason);
  if (!media_type) return Invalid("file", reason);

  Document document;
  document.title = input.title;
  document.kind = input.kind;
  document.author = input.author;
  document.date = input.date;
  document.language = input.language;
  document.licence = input.licence;
  document.file_name = SafeFileName(input.file_name);
  document.media_type = *media_type;
  document.size_bytes = static_cast<std::int64_t>(bytes.size());
  document.sha256 = Sha256Hex(bytes);
  document.uploaded_at = NowUtc();
  document.uploaded_by = uploaded_by;
  ExtractedText text = ExtractText(*media_type, bytes);
  document.text_status = text.status;
  document.text_reason = text.reason;

  std::lock_guard<std::mutex> lock(FileMutex());
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error) {
    return Status::Unavailable("cannot create the documents directory '" +
                               directory_.string() + "': " + error.message());
  }
  std::filesystem::path file = FileOf(document);
  bool had_file = std::filesystem::exists(file, error);
  if (!had_file) {
    Status written = WriteFileAtomically(file, bytes);
    if (!written.ok()) return written;
  }
  Status stored = database_.Write([&](storage::Connection& db) -> Status {
    Status references = CheckReferences(db, input);
    if (!references.ok()) return references;
    document.theme = input.theme;
    document.agreement = input.agreement;
    document.indicator = input.indicator;
    document.city = input.city;
    document.project = input.project;
    document.meeting = input.meeting;
    Status inserted = db.Execute(
        "INSERT INTO documents (title, kind, author, date, language, licence, "
        "theme_id, agreement_id, indicator_id, city, project_id, meeting_id, "
        "file_name, media_type, size_bytes, sha256, text_status, text_reason, "
        "uploaded_at, uploaded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        std::vector<storage::Value>{document.title,
                                    document.kind,
                                    document.author,
                                    document.date,
                                    document.language,
                                    document.licence,
                                    TextOrNull(document.theme),
                                    TextOrNull(document.agreement),
                                    TextOrNull(document.indicator),
                                    TextOrNull(document.city),
                                    IdOrNull(document.project),
                                    IdOrNull(document.meeting),
                                    document.file_name,
                                    document.media_type,
                                    document.size_bytes,
                                    document.sha256,
                                    document.text_status,
                                    TextOrNull(document.text_reason),
                                    document.uploaded_at,
                                    document.uploaded_by});
    if (!inserted.ok()) return inserted;
    document.id = db.LastInsertId();
    return IndexDocument(db, document, text.text);
  });
  if (!stored.ok()) {
    // The file this upload brought goes again; one stored before stays.
    if (!had_file) std::filesystem::remove(file, error);
    return stored;
  }
  return document;
}

namespace {

// The WHERE clause of filter, its values appended to params.
std::string WhereOf(const DocumentFilter& filter,
                    std::vector<storage::Value>& params) {
  std::string where = " WHERE 1 = 1";
  auto add = [&](const char* condition, storage::Value value) {
    params.push_back(std::move(value));
    where += " AND ";
    where += condition;
    where += std::to_string(params.size());
  };
  if (filter.theme) add("theme_id = ?", *filter.theme);
  if (filter.kind) add("kind = ?", *filter.kind);
  if (filter.city) add("city = ?", *filter.city);
  if (filter.year) {
    add("substr(date, 1, 4) = ?", std::to_string(*filter.year));
  }
  if (filter.visible_themes) {
    nlohmann::json visible = nlohmann::json::array();
    for (const std::string& theme : *filter.visible_themes) {
      visible.push_back(theme);
    }
    params.emplace_back(visible.dump());
    where +=
        " AND (theme_id IS NULL OR theme_id IN (SELECT value FROM "
        "json_each(?" +
        std::to_string(params.size()) + ")))";
  }
  return where;
}

}  // namespace

Result<std::vector<Document>> Documents::List(const DocumentFilter& filter) {
  std::vector<storage::Value> params;
  std::string sql = kSelect + WhereOf(filter, params);
  sql += " ORDER BY date DESC, id DESC";
  std::vector<Document> out;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(sql, params, [&](const storage::Row& row) {
      out.push_back(DocumentOf(row));
      return true;
    });
  });
  if (!status.ok()) return status;
  return out;
}

Result<DocumentPage> Documents::ListPage(const DocumentFilter& filter,
                                         std::size_t offset,
                                         std::size_t limit) {
  std::vector<storage::Value> params;
  std::string where = WhereOf(filter, params);
  std::string count = "SELECT count(*) AS n FROM documents" + where;
  std::vector<storage::Value> paged = params;
  paged.emplace_back(static_cast<std::int64_t>(limit));
  paged.emplace_back(static_cast<std::int64_t>(offset));
  std::string sql = kSelect + where + " ORDER BY date DESC, id DESC LIMIT ?" +
                    std::to_string(params.size() + 1) + " OFFSET ?" +
                    std::to_string(params.size() + 2);
  DocumentPage page;
  Status status = database_.Read([&](storage::Connection& db) {
    Status counted = db.Execute(count, params, [&](const storage::Row& row) {
      page.total = row.Integer("n");
      return false;
    });
    if (!counted.ok()) return counted;
    return db.Execute(sql, paged, [&](const storage::Row& row) {
      page.items.push_back(DocumentOf(row));
      return true;
    });
  });
  if (!status.ok()) return status;
  return page;
}

Result<std::optional<Document>> Documents::Get(std::int64_t id) {
  std::optional<Document> found;
  std::string sql = kSelect;
  sql += " WHERE id = ?1";
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(sql, std::vector<storage::Value>{id},
                      [&](const storage::Row& row) {
                        found = DocumentOf(row);
                        return false;
                      });
  });
  if (!status.ok()) return status;
  return found;
}

Status Documents::Delete(std::int64_t id) {
  std::lock_guard<std::mutex> lock(FileMutex());
  std::string sha256;
  bool still_used = false;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    Status read = db.Execute("SELECT sha256 FROM documents WHERE id = ?1",
                             std::vector<storage::Value>{id},
                             [&](const storage::Row& row) {
                               sha256 = row.Text("sha256");
                               return false;
                             });
    if (!read.ok()) return read;
    if (sha256.empty()) {
      return Status::NotFound("there is no document " + std::to_string(id));
    }
    Status removed = db.Execute("DELETE FROM documents WHERE id = ?1",
                                std::vector<storage::Value>{id});
    if (!removed.ok()) return removed;
    Status unindexed = UnindexDocument(db, id);
    if (!unindexed.ok()) return unindexed;
    auto used = Exists(db, "SELECT 1 FROM documents WHERE sha256 = ?1", sha256);
    if (!used.ok()) return used.status();
    still_used = *used;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (!still_used) {
    std::error_code error;
    std::filesystem::remove(directory_ / sha256, error);
  }
  return Status::Ok();
}

}  // namespace smartercities::domain
