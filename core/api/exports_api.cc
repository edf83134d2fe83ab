// The agenda's public data in bulk, and its DCAT-AP catalogue
// (docs/open-data.md):
//   GET /api/v1/exports                         the datasets and their files
//   GET /api/v1/exports/{dataset}.csv           RFC 4180, UTF-8, a header row
//   GET /api/v1/exports/{dataset}.json          {"items": [...], "total": N}
//   GET /api/v1/exports/{dataset}-metadata.json CSVW metadata of the CSV
//   GET /api/v1/exports/all.zip                 all of it, one snapshot
//   GET /api/v1/catalog.jsonld                  DCAT-AP in JSON-LD
//   GET /api/v1/catalog.ttl                     the same in Turtle
// Onze Stad and Kennisdeling ask the cities to open their data and share
// what they know (covenant, paragraphs "Onze Stad" and "Kennisdeling");
// Stedenlink runs the agenda's "kennis- en platformfunctie" (art. 7b).
//
// A file is written from one read transaction (one snapshot) into an
// anonymous temporary file, piece by piece from the SQLite cursor, and
// sent from that file (http::BodyFileWriter): memory stays flat whatever
// the number of figures, and the file, kept until the data changes,
// answers the next download of the same version without reading the
// database again. Its ETag names the version of the tables it is read
// from, so a client that has it gets 304.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/base/time_format.h"
#include "core/domain/open_data.h"
#include "core/domain/register_records.h"
#include "core/http/content_negotiation.h"
#include "core/http/zip_writer.h"
#include "plugins/common/dcat.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

constexpr const char* kAllFile = "all.zip";
constexpr const char* kCsvType = "text/csv";
constexpr const char* kJsonType = "application/json";
constexpr const char* kCsvwType = "application/csvm+json";
constexpr const char* kZipType = "application/zip";
// Files written at once; more wait for a moment (503 with Retry-After), so
// that downloads cannot take every worker.
constexpr int kMaxBuilds = 2;

enum class FileKind { kCsv, kJson, kMetadata, kZip };

struct RequestedFile {
  const domain::ExportDataset* dataset = nullptr;  // null for all.zip
  FileKind kind = FileKind::kCsv;
};

// One version of one file: since when it has been so, and the file when it
// was written.
struct Seen {
  std::uint64_t version = 0;
  std::chrono::system_clock::time_point since;
  std::shared_ptr<const http::BodyFile> file;
};

// The versions seen and the files kept, shared by the routes.
class ExportState {
 public:
  ExportState() {
    std::random_device random;
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%08x%08x", random(), random());
    instance_ = hex;
  }

  // Since when the file called key has had version (now, the first time
  // it is seen), and the file kept for that version, if any.
  Seen Look(const std::string& key, std::uint64_t version) {
    std::lock_guard lock(mutex_);
    Seen& seen = seen_[key];
    if (seen.version != version || seen.since.time_since_epoch().count() == 0) {
      seen.version = version;
      seen.since = std::chrono::system_clock::now();
      seen.file.reset();
    }
    return seen;
  }

  void Keep(const std::string& key, std::uint64_t version,
            std::shared_ptr<const http::BodyFile> file) {
    std::lock_guard lock(mutex_);
    Seen& seen = seen_[key];
    if (seen.version == version) seen.file = std::move(file);
  }

  // A strong validator: the server's instance (generations restart with
  // the process), the file and its version.
  std::string ETag(const std::string& key, std::uint64_t version) const {
    std::string out = "\"";
    out += instance_;
    out += '-';
    out += key;
    out += '-';
    out += std::to_string(version);
    out += '"';
    return out;
  }

  bool StartBuild() {
    if (builds_.fetch_add(1) >= kMaxBuilds) {
      builds_.fetch_sub(1);
      return false;
    }
    return true;
  }
  void EndBuild() { builds_.fetch_sub(1); }

 private:
  std::mutex mutex_;
  std::map<std::string, Seen, std::less<>> seen_;
  std::string instance_;
  std::atomic<int> builds_{0};
};

using Datasets = std::vector<domain::ExportDataset>;

const domain::ExportDataset* FindDataset(const Datasets& datasets,
                                         std::string_view id) {
  for (const auto& dataset : datasets) {
    if (dataset.id == id) return &dataset;
  }
  return nullptr;
}

std::optional<RequestedFile> ParseFile(const Datasets& datasets,
                                       std::string_view file) {
  if (file == kAllFile) return RequestedFile{nullptr, FileKind::kZip};
  struct Suffix {
    std::string_view text;
    FileKind kind;
  };
  // "-metadata.json" before ".json": both end the same way.
  for (Suffix suffix :
       {Suffix{"-metadata.json", FileKind::kMetadata},
        Suffix{".csv", FileKind::kCsv}, Suffix{".json", FileKind::kJson}}) {
    if (!file.ends_with(suffix.text)) continue;
    const auto* dataset =
        FindDataset(datasets, file.substr(0, file.size() - suffix.text.size()));
    if (dataset == nullptr) return std::nullopt;
    return RequestedFile{dataset, suffix.kind};
  }
  return std::nullopt;
}

std::string KnownFiles(const Datasets& datasets) {
  std::string out;
  for (const auto& dataset : datasets) {
    out += dataset.id;
    out += ".csv, ";
    out += dataset.id;
    out += ".json, ";
    out += dataset.id;
    out += "-metadata.json, ";
  }
  out += kAllFile;
  return out;
}

std::string MediaType(FileKind kind) {
  switch (kind) {
    case FileKind::kCsv:
      return kCsvType;
    case FileKind::kJson:
      return kJsonType;
    case FileKind::kMetadata:
      return kCsvwType;
    case FileKind::kZip:
      return kZipType;
  }
  return kJsonType;
}

std::string ContentType(FileKind kind) {
  switch (kind) {
    case FileKind::kCsv:
      return "text/csv; charset=utf-8; header=present";
    case FileKind::kJson:
      return "application/json";
    case FileKind::kMetadata:
      return "application/csvm+json";
    case FileKind::kZip:
      return "application/zip";
  }
  return "application/json";
}

// The version of the data a dataset is read from: the sum of its tables'
// generations, which grows with every change of any of them.
std::uint64_t VersionOf(storage::Database& database,
                        const std::vector<std::string>& tables) {
  std::uint64_t sum = 0;
  for (const std::string& table : tables)
    sum += database.TableGeneration(table);
  return sum;
}

std::uint64_t VersionOfAll(storage::Database& database,
                           const Datasets& datasets) {
  std::set<std::string> tables;
  for (const auto& dataset : datasets) {
    tables.insert(dataset.tables.begin(), dataset.tables.end());
  }
  return VersionOf(database, {tables.begin(), tables.end()});
}

// RFC 9110's IMF-fixdate: "Tue, 01 Dec 2026 05:40:00 GMT".
std::string HttpDate(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                          "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  char out[40];
  std::snprintf(out, sizeof(out), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return out;
}

// Whether If-None-Match names etag (or is "*"): weak comparison, as
// RFC 9110 has it for GET.
bool Matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.find('*') != std::string_view::npos) return true;
  while (!if_none_match.empty()) {
    std::size_t comma = if_none_match.find(',');
    std::string_view item = if_none_match.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

class Exports {
 public:
  explicit Exports(ApiContext& context) : context_(context) {}

  http::Response Serve(const http::Request& request) {
    std::string name(request.Param("file"));
    Datasets datasets = AllDatasets();
    auto file = ParseFile(datasets, name);
    if (!file) {
      std::string detail = "there is no download called '";
      detail += name.substr(0, 80);
      detail += "'; the files are: ";
      detail += KnownFiles(datasets);
      return ProblemFor(Status::NotFound(std::move(detail)));
    }
    std::string type = MediaType(file->kind);
    if (!http::Negotiate(request.Header("accept").value_or(""),
                         {type.c_str()})) {
      std::string detail = "this file is ";
      detail += type;
      detail += "; send an Accept header that allows it";
      return ProblemFor(406, detail);
    }
    std::uint64_t version =
        file->dataset ? VersionOf(context_.database, file->dataset->tables)
                      : VersionOfAll(context_.database, datasets);
    Seen seen = state_.Look(name, version);
    std::string etag = state_.ETag(name, version);
    http::Response response;
    response.SetHeader("ETag", etag);
    response.SetHeader("Last-Modified", HttpDate(seen.since));
    // Revalidated before every use: the data may change at any moment.
    response.SetHeader("Cache-Control", "public, no-cache");
    if (Matches(request.Header("if-none-match").value_or(""), etag)) {
      response.status = 304;
      return response;
    }
    response.SetHeader("Content-Type", ContentType(file->kind));
    if (file->kind == FileKind::kMetadata) {
      response.body = domain::CsvwMetadata(*file->dataset,
                                           FileUrl(file->dataset->id + ".csv"),
                                           context_.open_data.licence);
      return response;
    }
    std::string attachment = "attachment; filename=\"";
    attachment += name;
    attachment += '"';
    response.SetHeader("Content-Disposition", attachment);
    if (file->kind == FileKind::kCsv) {
      // Where a CSVW processor finds the columns' descriptions.
      std::string link = "<";
      link += file->dataset->id;
      link += "-metadata.json>; rel=\"describedby\"; type=\"";
      link += kCsvwType;
      link += '"';
      response.SetHeader("Link", link);
    }
    if (seen.file) {
      response.body_file = seen.file;
      return response;
    }
    if (!state_.StartBuild()) {
      response = ProblemFor(Status::Unavailable(
          "other downloads are being written now; try again in a few "
          "seconds"));
      response.SetHeader("Retry-After", "5");
      return response;
    }
    auto written = Write(*file, datasets, seen.since);
    state_.EndBuild();
    if (!written.ok()) return ProblemFor(written.status());
    state_.Keep(name, version, *written);
    response.body_file = std::move(written).value();
    return response;
  }

  json CatalogJson() {
    namespace dcat = smartercities::dcat;
    const OpenDataSettings& settings = context_.open_data;
    auto issued = CreatedAt();
    dcat::Catalog catalog;
    catalog.iri = Url("/api/v1/catalog.jsonld");
    catalog.title = dcat::Text("Open data van de Digitale Steden Agenda");
    catalog.description = dcat::Text(
        "De gegevens van de Digitale Steden Agenda van het Convenant Smarter "
        "Cities (2013): thema's, afspraken en hun versies, indicatoren, de "
        "cijfers die de steden rapporteren, de steden en wie aan welk thema "
        "deelneemt, en de registers die de thema's openbaar maken. Als CSV "
        "met CSVW-beschrijving, als JSON en alles in één ZIP.");
    catalog.publisher = dcat::Agent(settings.publisher);
    catalog.license = settings.licence;
    catalog.homepage = Url("/");
    catalog.issued = issued;
    std::chrono::system_clock::time_point latest{};
    for (const auto& dataset : AllDatasets()) {
      std::uint64_t version = VersionOf(context_.database, dataset.tables);
      auto since = state_.Look(dataset.id + ".csv", version).since;
      latest = std::max(latest, since);
      std::string modified = FormatUtc(since);
      dcat::Dataset node;
      node.iri = Url("/api/v1/catalog.jsonld#");
      node.iri += dataset.id;
      node.title = dcat::Text(dataset.title, "en");
      node.description = dcat::Text(dataset.description, "en");
      node.publisher = dcat::Agent(settings.publisher);
      node.contact_name = settings.publisher;
      node.contact_email = settings.contact_email;
      node.frequency = dataset.frequency;
      node.issued = issued;
      node.modified = modified;
      node.keywords = {"Digitale Steden Agenda", "Smarter Cities"};
      node.landing_page = FileUrl(dataset.id + "-metadata.json");
      for (FileKind kind : {FileKind::kCsv, FileKind::kJson}) {
        std::string file_name = dataset.id;
        file_name += kind == FileKind::kCsv ? ".csv" : ".json";
        dcat::Distribution distribution;
        distribution.iri = FileUrl(file_name);
        distribution.title = dataset.title;
        distribution.title += kind == FileKind::kCsv ? " (CSV)" : " (JSON)";
        distribution.access_url = FileUrl(file_name);
        distribution.download_url = FileUrl(file_name);
        distribution.format = kind == FileKind::kCsv ? "CSV" : "JSON";
        distribution.media_type = MediaType(kind);
        distribution.license = settings.licence;
        distribution.modified = modified;
        node.distributions.push_back(dcat::DistributionNode(distribution));
      }
      dcat::Distribution all;
      all.iri = FileUrl(kAllFile);
      all.title = "All datasets in one ZIP archive, with their CSVW metadata";
      all.access_url = FileUrl(kAllFile);
      all.download_url = FileUrl(kAllFile);
      all.format = "ZIP";
      all.media_type = kZipType;
      all.license = settings.licence;
      node.distributions.push_back(dcat::DistributionNode(all));
      catalog.datasets.push_back(dcat::DatasetNode(node));
    }
    catalog.modified = FormatUtc(latest);
    if (context_.modules.IsEnabled("onze-stad")) {
      catalog.parts.push_back(Url("/api/v1/themes/onze-stad/catalog-dcat"));
    }
    return dcat::CatalogDocument(catalog);
  }

  // The catalogue as JSON-LD (turtle false) or as Turtle: the same triples.
  http::Response Catalog(bool turtle) {
    http::Response response;
    json document = CatalogJson();
    if (turtle) {
      response.SetHeader("Content-Type", "text/turtle; charset=utf-8");
      response.body = smartercities::dcat::Turtle(document);
    } else {
      response.SetHeader("Content-Type", "application/ld+json");
      response.body =
          document.dump(2, ' ', false, json::error_handler_t::replace);
    }
    return response;
  }

  http::Response List() {
    json items = json::array();
    for (const auto& dataset : AllDatasets()) {
      items.push_back({{"id", dataset.id},
                       {"title", dataset.title},
                       {"description", dataset.description},
                       {"csv", FileUrl(dataset.id + ".csv")},
                       {"json", FileUrl(dataset.id + ".json")},
                       {"metadata", FileUrl(dataset.id + "-metadata.json")}});
    }
    return Json(200, {{"items", items},
                      {"total", items.size()},
                      {"all", FileUrl(kAllFile)},
                      {"catalog", Url("/api/v1/catalog.jsonld")}});
  }

 private:
  std::string Url(std::string_view path) const {
    std::string out = context_.open_data.base_url;
    out += path;
    return out;
  }
  std::string FileUrl(const std::string& file) const {
    std::string out = Url("/api/v1/exports/");
    out += file;
    return out;
  }

  // The core's datasets, then the registers the enabled modules export.
  Datasets AllDatasets() const {
    Datasets out = domain::CoreExportDatasets();
    for (const auto& published : context_.modules.PublishedRegisters()) {
      if (published.declaration.exported) {
        out.push_back(domain::RegisterDataset(published));
      }
    }
    return out;
  }

  domain::ExportScope Scope() {
    domain::ExportScope scope;
    scope.catalog = &context_.catalog;
    scope.theme_enabled = [this](std::string_view theme) {
      return context_.modules.IsEnabled(theme);
    };
    return scope;
  }

  // When the platform's database was made: the datasets' dct:issued.
  std::string CreatedAt() {
    std::string out;
    Status status = context_.database.Read([&](storage::Connection& db) {
      return db.Execute(
          "SELECT MIN(applied_at) AS at FROM schema_migrations WHERE owner = "
          "'core'",
          {}, [&](const storage::Row& row) {
            out = row.Text("at");
            return false;
          });
    });
    if (!status.ok()) out.clear();
    return out;
  }

  Result<std::shared_ptr<const http::BodyFile>> Write(
      const RequestedFile& file, const Datasets& datasets,
      std::chrono::system_clock::time_point since) {
    auto writer = http::BodyFileWriter::Create(context_.open_data.temp_dir);
    if (!writer.ok()) return writer.status();
    http::BodyFileWriter& out = **writer;
    domain::ExportScope scope = Scope();
    Status status;
    if (file.kind == FileKind::kZip) {
      status = WriteZip(out, scope, datasets, since);
    } else {
      domain::ExportSink sink(
          [&out](std::string_view bytes) { out.Append(bytes); });
      status = context_.database.Read([&](storage::Connection& db) {
        auto rows = domain::WriteExport(
            *file.dataset,
            file.kind == FileKind::kCsv ? domain::ExportWriter::Format::kCsv
                                        : domain::ExportWriter::Format::kJson,
            db, scope, sink);
        return rows.ok() ? Status::Ok() : rows.status();
      });
    }
    if (!status.ok()) return status;
    return out.Finish();
  }

  Status WriteZip(http::BodyFileWriter& out, const domain::ExportScope& scope,
                  const Datasets& datasets,
                  std::chrono::system_clock::time_point since) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                       since.time_since_epoch())
                       .count();
    // Level 1: the archive is written while the client waits, and figures
    // compress well even so. Compressed on a second thread while this one
    // reads and formats the rows: the two take about as long each.
    http::ZipWriter zip([&out](std::string_view bytes) { out.Append(bytes); },
                        1, http::ZipWriter::DosTime(seconds),
                        http::ZipWriter::DosDate(seconds),
                        http::ZipWriter::Threads::kTwo);
    std::string counts;
    Status status = context_.database.Read([&](storage::Connection& db) {
      for (const auto& dataset : datasets) {
        zip.BeginEntry(dataset.id + ".csv");
        domain::ExportSink sink(
            [&zip](std::string_view bytes) { zip.Write(bytes); });
        auto rows = domain::WriteExport(
            dataset, domain::ExportWriter::Format::kCsv, db, scope, sink);
        if (!rows.ok()) return rows.status();
        counts += "  ";
        counts += dataset.id;
        counts += ".csv: ";
        counts += std::to_string(*rows);
        counts += " rows. ";
        counts += dataset.title;
        counts += "\n";
        zip.BeginEntry(dataset.id + "-metadata.json");
        // Inside the archive the metadata names its CSV beside it.
        zip.Write(domain::CsvwMetadata(dataset, dataset.id + ".csv",
                                       context_.open_data.licence));
      }
      return Status::Ok();
    });
    if (!status.ok()) return status;
    zip.BeginEntry("README.txt");
    zip.Write(Readme(counts, since));
    return zip.Finish();
  }

  std::string Readme(const std::string& counts,
                     std::chrono::system_clock::time_point since) const {
    const OpenDataSettings& settings = context_.open_data;
    std::string date = FormatUtc(since).substr(0, 10);
    std::string out =
        "Open data of the Digitale Steden Agenda (Convenant Smarter Cities, "
        "2013)\n\n";
    out += "What: every dataset the platform publishes, as one snapshot of ";
    out += date;
    out += " (";
    out += FormatUtc(since);
    out +=
        "). Each CSV file (RFC 4180, UTF-8, a header row) comes with its "
        "description in the W3C CSVW format (<name>-metadata.json): what "
        "every column means, its type and whether it can be empty.\n\n";
    out += counts;
    out +=
        "\nFigures: figures.csv has the format of the platform's figures "
        "import; imported again it gives the same figures. Cells are "
        "written as they are stored: a spreadsheet program may read a "
        "cell that starts with =, +, - or @ as a formula, so open the "
        "files as text (or import them) rather than double-clicking.\n\n";
    out += "Publisher: ";
    out += settings.publisher;
    out += "\nLicence: ";
    out += settings.licence;
    out += "\nSource: ";
    out += FileUrl(kAllFile);
    out += "\nCatalogue (DCAT-AP): ";
    out += Url("/api/v1/catalog.jsonld");
    out += "\n\nHow to cite: ";
    out += settings.publisher;
    out += " (";
    out += date.substr(0, 4);
    out += "). Open data van de Digitale Steden Agenda, snapshot of ";
    out += date;
    out += ". ";
    out += FileUrl(kAllFile);
    out += "\n";
    return out;
  }

  ApiContext& context_;
  ExportState state_;
};

}  // namespace

Status RegisterExportRoutes(ApiContext& context) {
  auto exports = std::make_shared<Exports>(context);
  http::RouteOptions options;
  options.permission = "public";
  options.tag = "open data";
  options.body_limit_bytes = 0;
  options.summary =
      "The datasets that can be downloaded in bulk, with the addresses of "
      "their files";
  Status status = context.router->Add(
      {"GET", "/api/v1/exports", "core",
       [exports](http::Request&) { return exports->List(); }, options});
  if (!status.ok()) return status;

  http::RouteOptions file = options;
  // All the figures take a while to write; the client waits for the first
  // byte until the file is complete.
  file.deadline = std::chrono::minutes(10);
  // Each file has one of them; the handler answers 406 for another.
  file.response_types = {"text/csv", "application/json",
                         "application/csvm+json", "application/zip"};
  file.summary =
      "One dataset as {dataset}.csv (RFC 4180) or {dataset}.json, the CSVW "
      "metadata of its CSV as {dataset}-metadata.json, or every dataset in "
      "all.zip; one snapshot each, with ETag and Last-Modified";
  file.doc.responses = {
      {"304",
       "Not Modified: the file is the one whose ETag was sent in "
       "If-None-Match"},
      {"404", "No such file; the detail names every file there is"},
      {"503",
       "Other downloads are being written now; try again after Retry-After"}};
  status = context.router->Add(
      {"GET", "/api/v1/exports/{file}", "core",
       [exports](http::Request& request) { return exports->Serve(request); },
       file});
  if (!status.ok()) return status;

  http::RouteOptions catalog = options;
  catalog.response_types = {"application/ld+json"};
  catalog.summary =
      "The DCAT-AP catalogue (JSON-LD) of the downloads, with Onze Stad's "
      "catalogue of the cities' datasets as a part";
  status = context.router->Add(
      {"GET", "/api/v1/catalog.jsonld", "core",
       [exports](http::Request&) { return exports->Catalog(false); }, catalog});
  if (!status.ok()) return status;

  catalog.response_types = {"text/turtle"};
  catalog.summary =
      "The same DCAT-AP catalogue as Turtle (RDF 1.1), for a harvester that "
      "reads Turtle";
  return context.router->Add(
      {"GET", "/api/v1/catalog.ttl", "core",
       [exports](http::Request&) { return exports->Catalog(true); }, catalog});
}

}  // namespace smartercities::api
