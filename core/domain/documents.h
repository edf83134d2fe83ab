// documents.h — the knowledge base's documents ("kennis- en
// platformfunctie", art. 7b): plans, business cases, evaluations, minutes,
// presentations and reference lists that the parties share, each described
// (title, kind, author, date, language, licence), attached to what it is
// about (a theme, an agreement, an indicator, a city, a project or a
// meeting) and stored with its file.
//
// A file is kept in the documents directory under its SHA-256 and nowhere
// else: the name its uploader gave is only offered again on download. A
// file is written to a temporary name, flushed to disk and renamed before
// the row that names it is inserted, in one audited write together with
// its text in the full-text index; when that write fails, a file this
// upload brought is removed again and a file that was there before (the
// same content uploaded earlier) is left alone.
//
// Thread-safety: a Documents may be used from many threads; uploads and
// deletions are serialised among themselves (the files they place and
// remove), reads are not.
#ifndef SMARTERCITIES_CORE_DOMAIN_DOCUMENTS_H_
#define SMARTERCITIES_CORE_DOMAIN_DOCUMENTS_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// The kinds of document, as the API names them: project-plan,
// business-case (a societal cost-benefit analysis, MKBA), evaluation,
// minutes, presentation, reference-list.
std::span<const char* const> DocumentKinds();

// What an uploader says of a document. Empty strings and nullopt are
// "not given".
struct DocumentInput {
  std::string title;
  std::string kind;
  // Who wrote it: a city's CBS code ("GM0363") or a covenant party's id
  // ("ez", "g32", "g4", "stedenlink").
  std::string author;
  std::string date;      // YYYY-MM-DD
  std::string language;  // "nl" or "en"
  std::string licence;   // e.g. "CC-BY-4.0"; "" is "all rights reserved"
  std::string theme;
  // An agreement by its letter within theme ("e") or its id
  // ("regelluwe-stad/e").
  std::string agreement;
  std::string indicator;
  std::string city;
  std::optional<std::int64_t> project;
  std::optional<std::int64_t> meeting;
  std::string file_name;  // as uploaded; stored without any directory
};

struct Document {
  std::int64_t id = 0;
  std::string title;
  std::string kind;
  std::string author;
  std::string date;
  std::string language;
  std::string licence;
  std::string theme;      // "" when none
  std::string agreement;  // the agreement's id, "" when none
  std::string indicator;
  std::string city;
  std::optional<std::int64_t> project;
  std::optional<std::int64_t> meeting;
  std::string file_name;
  std::string media_type;
  std::int64_t size_bytes = 0;
  std::string sha256;
  std::string text_status;  // "extracted", "empty" or "failed"
  std::string text_reason;
  std::string uploaded_at;
  std::string uploaded_by;
};

struct DocumentFilter {
  std::optional<std::string> theme;
  std::optional<std::string> kind;
  std::optional<std::string> city;
  std::optional<int> year;
  // When set, only documents of these themes or of none (the enabled
  // modules' documents).
  std::optional<std::set<std::string>> visible_themes;
};

// A page of the documents a filter selects, and how many it selects.
struct DocumentPage {
  std::vector<Document> items;
  std::int64_t total = 0;
};

class Documents {
 public:
  Documents(storage::Database& database, std::filesystem::path directory)
      : database_(database), directory_(std::move(directory)) {}

  // Checks input (every problem names its field: "kind: ..."), finds the
  // file's type by its content, takes its text, and stores file, row and
  // index entry. InvalidArgument for a bad field or a file of a type that
  // is not accepted (naming "file"); NotFound never (a missing theme,
  // city, ... is an InvalidArgument naming the field). A PDF that cannot
  // be read is stored with text_status "failed" and the reason.
  Result<Document> Upload(DocumentInput input, std::string_view bytes,
                          const std::string& uploaded_by);

  // The documents filter selects, newest date first.
  Result<std::vector<Document>> List(const DocumentFilter& filter);
  // limit of them from offset on, and the total, read in one snapshot:
  // only the page's rows are read.
  Result<DocumentPage> ListPage(const DocumentFilter& filter,
                                std::size_t offset, std::size_t limit);

  // The document, or nullopt when there is none with id.
  Result<std::optional<Document>> Get(std::int64_t id);

  // Removes the document's row and index entry (audited), then its file
  // when no other document has the same content. NotFound when there is
  // none.
  Status Delete(std::int64_t id);

  // Where a document's file is.
  std::filesystem::path FileOf(const Document& document) const {
    return directory_ / document.sha256;
  }

 private:
  storage::Database& database_;
  std::filesystem::path directory_;
};

// Who may add and remove documents: administrators any; a theme editor
// those of the theme; a city editor those of the city (attached to it, and
// written by it). Fills what the caller leaves out: a theme editor's
// theme, a city editor's city and authorship.
void ApplyUploaderDefaults(std::string_view role, std::string_view scope,
                           DocumentInput& input);
// Why a caller with role and scope may not add or remove a document of
// theme and city ("" when none), or nullopt when they may.
std::optional<std::string> DocumentWriteRefusal(std::string_view role,
                                                std::string_view scope,
                                                const std::string& theme,
                                                const std::string& city);

// DocumentWriteRefusal for an upload: also, a city editor writes as the
// city (author).
std::optional<std::string> UploadRefusal(std::string_view role,
                                         std::string_view scope,
                                         const DocumentInput& input);

// The lower-case hexadecimal SHA-256 of bytes.
std::string Sha256Hex(std::string_view bytes);

// Writes bytes to path through a temporary name in the same directory,
// flushed to disk before the rename, so that path never holds part of a
// file.
Status WriteFileAtomically(const std::filesystem::path& path,
                           std::string_view bytes);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_DOCUMENTS_H_
