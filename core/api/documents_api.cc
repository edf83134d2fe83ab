// The knowledge base (art. 7b, docs/knowledge-base.md):
//   GET    /api/v1/documents[?theme=&kind=&city=&year=]
//   POST   /api/v1/documents                 multipart/form-data: the
//          fields of domain::DocumentInput and the file in "file"
//   GET    /api/v1/documents/{documentId}
//   GET    /api/v1/documents/{documentId}/file   the file, as an attachment
//   DELETE /api/v1/documents/{documentId}
//   GET    /api/v1/search?q=&theme=&kind=&city=&year=   the full-text search
//          over the documents and the agenda's texts
// Documents are added and removed by administrators, the theme's editors
// and the city's editors (domain::DocumentWriteRefusal); everyone reads.
#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/domain/documents.h"
#include "core/domain/knowledge_search.h"
#include "core/web/form.h"
#include "smartercities/json.h"
#include "smartercities/text.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

// Room for the form's other fields and the multipart framing around the
// file.
constexpr std::size_t kFormOverheadBytes = 64 * 1024;

json DocumentJson(const domain::Document& d) {
  auto text_or_null = [](const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
  };
  json out = {{"id", d.id},
              {"title", d.title},
              {"kind", d.kind},
              {"author", d.author},
              {"date", d.date},
              {"language", d.language},
              {"licence", d.licence},
              {"theme", text_or_null(d.theme)},
              {"agreement", text_or_null(d.agreement)},
              {"indicator", text_or_null(d.indicator)},
              {"city", text_or_null(d.city)},
              {"project", d.project ? json(*d.project) : json(nullptr)},
              {"meeting", d.meeting ? json(*d.meeting) : json(nullptr)},
              {"fileName", d.file_name},
              {"mediaType", d.media_type},
              {"sizeBytes", d.size_bytes},
              {"sha256", d.sha256},
              {"textStatus", d.text_status},
              {"textReason", text_or_null(d.text_reason)},
              {"uploadedAt", d.uploaded_at},
              {"uploadedBy", d.uploaded_by}};
  out["file"] = "/api/v1/documents/" + std::to_string(d.id) + "/file";
  return out;
}

json StringSchema() { return {{"type", "string"}}; }
json NullableString() { return {{"type", "string"}, {"nullable", true}}; }

json KindSchema() {
  json kinds = json::array();
  for (const char* kind : domain::DocumentKinds()) kinds.push_back(kind);
  return {{"type", "string"}, {"enum", kinds}};
}

json DocumentSchema() {
  json nullable_id = {{"type", "integer"}, {"nullable", true}};
  return {
      {"type", "object"},
      {"required",
       {"id", "title", "kind", "author", "date", "language", "fileName",
        "mediaType", "sizeBytes", "sha256", "textStatus", "file"}},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"title", StringSchema()},
        {"kind", KindSchema()},
        {"author",
         {{"type", "string"},
          {"description",
           "A city's CBS code or a covenant party (ez, g32, g4, "
           "stedenlink)"}}},
        {"date", {{"type", "string"}, {"format", "date"}}},
        {"language", {{"type", "string"}, {"enum", {"nl", "en"}}}},
        {"licence", StringSchema()},
        {"theme", NullableString()},
        {"agreement", NullableString()},
        {"indicator", NullableString()},
        {"city", NullableString()},
        {"project", nullable_id},
        {"meeting", nullable_id},
        {"fileName", StringSchema()},
        {"mediaType",
         {{"type", "string"},
          {"enum",
           {"application/pdf", "text/plain", "text/markdown", "text/html"}}}},
        {"sizeBytes", {{"type", "integer"}}},
        {"sha256", StringSchema()},
        {"textStatus",
         {{"type", "string"},
          {"enum", {"extracted", "empty", "failed"}},
          {"description",
           "Whether the file's text is searchable: extracted, empty (the "
           "file holds no text) or failed (it could not be read; "
           "textReason says why)"}}},
        {"textReason", NullableString()},
        {"uploadedAt", {{"type", "string"}, {"format", "date-time"}}},
        {"uploadedBy", StringSchema()},
        {"file", {{"type", "string"}, {"description", "Where to download"}}}}}};
}

// The multipart form of an upload: the fields as text, the file as bytes.
json UploadSchema() {
  json text = StringSchema();
  json properties = {
      {"file",
       {{"type", "string"},
        {"format", "binary"},
        {"description",
         "PDF, HTML, Markdown or UTF-8 text, recognised by content"}}},
      {"title", text},
      {"kind", KindSchema()},
      {"author",
       {{"type", "string"},
        {"description",
         "The authoring party: a CBS code (GM0363) or a covenant party (ez, "
         "g32, g4, stedenlink). Required from administrators and theme "
         "editors; a city editor who leaves it out uploads as their city, "
         "and may name no other"}}},
      {"date", {{"type", "string"}, {"format", "date"}}},
      {"language", {{"type", "string"}, {"enum", {"nl", "en"}}}},
      {"licence", text},
      {"theme", text},
      {"agreement",
       {{"type", "string"},
        {"description", "A letter within theme, or an agreement's id"}}},
      {"indicator", text},
      {"city", text},
      {"project", {{"type", "integer"}}},
      {"meeting", {{"type", "integer"}}}};
  return {{"type", "object"},
          {"required", {"file", "title", "kind", "date"}},
          {"properties", properties}};
}

json CollectionSchema(json item) {
  return {{"type", "object"},
          {"required", {"items", "total"}},
          {"properties",
           {{"items", {{"type", "array"}, {"items", std::move(item)}}},
            {"total", {{"type", "integer"}}},
            {"page", {{"type", "integer"}}},
            {"pageSize", {{"type", "integer"}}}}}};
}

json HitTypeSchema() {
  json types = json::array();
  for (const char* type : domain::kSearchHitTypes) types.push_back(type);
  return {{"type", "string"}, {"enum", types}};
}

json SearchHitSchema() {
  return {
      {"type", "object"},
      {"required", {"type", "id", "title", "snippet", "link"}},
      {"properties",
       {{"type", HitTypeSchema()},
        {"id", StringSchema()},
        {"title", StringSchema()},
        {"snippet",
         {{"type", "string"},
          {"description", "The passage that matched, as plain text"}}},
        {"snippetParts",
         {{"type", "array"},
          {"description",
           "The snippet in pieces; match is true for the words that "
           "matched the query (to highlight)"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"text", StringSchema()}, {"match", {{"type", "boolean"}}}}}}}}},
        {"link", StringSchema()},
        {"theme", NullableString()},
        {"kind", NullableString()},
        {"city", NullableString()},
        {"year", {{"type", "integer"}, {"nullable", true}}},
        {"score", {{"type", "number"}}}}}};
}

// Where a hit's object is read in the API.
std::string HitLink(const domain::SearchHit& hit) {
  if (hit.type == "document") return "/api/v1/documents/" + hit.ref;
  if (hit.type == "theme") return "/api/v1/themes/" + hit.ref;
  if (hit.type == "agreement") {
    std::size_t slash = hit.ref.find('/');
    return "/api/v1/themes/" + hit.ref.substr(0, slash) + "/agreements/" +
           hit.ref.substr(slash + 1);
  }
  if (hit.type == "indicator") return "/api/v1/indicators/" + hit.ref;
  if (hit.type == "city") return "/api/v1/cities/" + hit.ref;
  if (hit.type == "project") {
    return "/api/v1/themes/" + hit.theme + "/projects/" + hit.ref;
  }
  if (hit.type == "record")
    return "/api/v1/themes/" + hit.theme + "/" + hit.ref;
  return "/api/v1/meetings/" + hit.ref;
}

// text as a JSON string: runs of printable ASCII as they are, the rest
// through sdk::JsonEscape (which also replaces bytes that are not UTF-8).
void AppendString(std::string& out, std::string_view text) {
  auto plain = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  };
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t from = i;
    while (i < text.size() && plain(text[i])) ++i;
    out.append(text.substr(from, i - from));
    from = i;
    // A run of other bytes ends at a printable ASCII one, which no UTF-8
    // sequence contains.
    while (i < text.size() && !plain(text[i])) ++i;
    if (i > from) out += sdk::JsonEscape(text.substr(from, i - from));
  }
  out += '"';
}

void AppendStringOrNull(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    AppendString(out, text);
  }
}

// A page of search hits as the collection envelope, written directly: as
// nlohmann objects it cost a fifth of a search's time. The members are in
// the order nlohmann::json wrote them (by name).
std::string SearchPageBody(const domain::SearchAnswer& answer,
                           const Page& page) {
  std::string out = "{\"items\":[";
  for (const domain::SearchHit& hit : answer.hits) {
    if (out.back() != '[') out += ',';
    out += "{\"city\":";
    AppendStringOrNull(out, hit.city);
    out += ",\"id\":";
    AppendString(out, hit.ref);
    out += ",\"kind\":";
    AppendStringOrNull(out, hit.kind);
    out += ",\"link\":";
    AppendString(out, HitLink(hit));
    out += ",\"score\":";
    out += sdk::JsonNumber(hit.score);
    // The snippet as plain text, then in pieces that say which matched.
    std::string plain;
    std::string parts;
    bool in_match = false;
    std::size_t from = 0;
    auto piece_to = [&](std::size_t to) {
      if (to == from) return;
      std::string_view piece(hit.snippet.data() + from, to - from);
      plain += piece;
      parts += parts.empty() ? "[" : ",";
      parts +=
          in_match ? "{\"match\":true,\"text\":" : "{\"match\":false,\"text\":";
      AppendString(parts, piece);
      parts += '}';
    };
    for (std::size_t i = 0; i < hit.snippet.size(); ++i) {
      char c = hit.snippet[i];
      if (c == domain::kMatchStart || c == domain::kMatchEnd) {
        piece_to(i);
        from = i + 1;
        in_match = c == domain::kMatchStart;
      }
    }
    piece_to(hit.snippet.size());
    out += ",\"snippet\":";
    AppendString(out, plain);
    out += ",\"snippetParts\":";
    out += parts.empty() ? "[" : parts;
    out += "],\"theme\":";
    AppendStringOrNull(out, hit.theme);
    out += ",\"title\":";
    AppendString(out, hit.title);
    out += ",\"type\":";
    AppendString(out, hit.type);
    out += ",\"year\":";
    out += hit.year ? std::to_string(*hit.year) : "null";
    out += '}';
  }
  out += "],\"page\":";
  out += std::to_string(page.page);
  out += ",\"pageSize\":";
  out += std::to_string(page.page_size);
  out += ",\"total\":";
  out += std::to_string(answer.total);
  out += '}';
  return out;
}

// ?year= as a year (nullopt when absent or empty), or InvalidArgument.
Result<std::optional<int>> YearParameter(const http::Request& request) {
  auto text = request.Query("year");
  if (!text || text->empty()) return std::optional<int>();
  int year = 0;
  auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), year);
  if (error != std::errc() || end != text->data() + text->size() ||
      year < 1900 || year > 2099) {
    return Status::InvalidArgument(
        "year: must be a year from 1900 to 2099, got '" +
        std::string(text->substr(0, 20)) + "'");
  }
  return std::optional<int>(year);
}

nlohmann::json YearSchema() {
  return {{"type", "integer"}, {"minimum", 1900}, {"maximum", 2099}};
}

// ?kind= as a document kind (nullopt when absent or empty), or
// InvalidArgument.
Result<std::optional<std::string>> KindParameter(const http::Request& request) {
  auto text = request.Query("kind");
  if (!text || text->empty()) return std::optional<std::string>();
  for (const char* kind : domain::DocumentKinds()) {
    if (*text == kind) return std::optional<std::string>(std::string(*text));
  }
  return Status::InvalidArgument(
      "kind: must be one of project-plan, business-case, evaluation, "
      "minutes, presentation, reference-list, got '" +
      std::string(text->substr(0, 40)) + "'");
}

std::optional<std::string> TextParameter(const http::Request& request,
                                         std::string_view name) {
  auto text = request.Query(name);
  if (!text || text->empty()) return std::nullopt;
  return std::string(*text);
}

// The document named by the path, or NotFound.
// The themes whose documents and records the public sees: nullopt when
// every module is on (nothing to filter).
std::optional<std::set<std::string>> VisibleThemes(ApiContext& context) {
  plugins::PluginHost::EnabledModules enabled = context.modules.Enabled();
  if (enabled.all) return std::nullopt;
  return std::move(enabled.ids);
}

Result<domain::Document> LoadDocument(ApiContext& context,
                                      const http::Request& request) {
  auto id = IdParam(request, "documentId", "document");
  if (!id.ok()) return id.status();
  domain::Documents documents(context.database, context.documents_dir);
  auto found = documents.Get(*id);
  if (!found.ok()) return found.status();
  if (!found->has_value()) {
    return Status::NotFound("there is no document " + std::to_string(*id) +
                            "; GET /api/v1/documents lists them");
  }
  return std::move(**found);
}

// The 403 for a refusal whose reason the domain gave, written to the
// security log first.
http::Response Forbidden(const http::Request& request,
                         const std::string& reason) {
  LogSecurityEvent("refused " + request.method + " " + request.path + " to " +
                   request.CallerName("the public") + " with 403: " + reason +
                   " (request id " + request.request_id + ")");
  return ProblemFor(Status::PermissionDenied(reason));
}

// The value of a Content-Disposition header that offers name for saving
// (RFC 6266): an ASCII fallback and the UTF-8 name percent-encoded.
std::string Disposition(const std::string& name) {
  std::string fallback;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    bool plain =
        u >= 0x20 && u < 0x7F && c != '"' && c != '\\' && c != ';' && c != '%';
    fallback += plain ? c : '_';
  }
  static const char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[u >> 4];
      encoded += kHex[u & 0xF];
    }
  }
  std::string out = "attachment; filename=\"";
  out += fallback;
  out += "\"; filename*=UTF-8''";
  out += encoded;
  return out;
}

// The form's fields as an upload's input; InvalidArgument for a project or
// meeting that is no number.
Result<domain::DocumentInput> InputOf(const std::vector<web::FormPart>& parts) {
  domain::DocumentInput input;
  for (const web::FormPart& part : parts) {
    if (part.filename) continue;
    const std::string& v = part.data;
    const std::string& n = part.name;
    if (n == "title") input.title = v;
    if (n == "kind") input.kind = v;
    if (n == "author") input.author = v;
    if (n == "date") input.date = v;
    if (n == "language") input.language = v;
    if (n == "licence") input.licence = v;
    if (n == "theme") input.theme = v;
    if (n == "agreement") input.agreement = v;
    if (n == "indicator") input.indicator = v;
    if (n == "city") input.city = v;
    if ((n == "project" || n == "meeting") && !v.empty()) {
      std::int64_t id = 0;
      auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), id);
      if (error != std::errc() || end != v.data() + v.size() || id < 1) {
        return Status::InvalidArgument(n + ": must be the id of a " + n +
                                       " (a whole number), got '" +
                                       v.substr(0, 20) + "'");
      }
      (n == "project" ? input.project : input.meeting) = id;
    }
  }
  return input;
}

}  // namespace

// Shared with the site's upload form (core/web/document_pages.cc): the
// upload of a multipart body by the request's caller.
http::Response UploadDocument(ApiContext& context, http::Request& request) {
  auto parts = web::ParseMultipartForm(
      request.body, request.Header("content-type").value_or(""));
  if (!parts) {
    return ProblemFor(Status::InvalidArgument(
        "the body is not well-formed multipart/form-data; send the fields "
        "and the file as a browser form does (curl -F file=@plan.pdf -F "
        "title=...)"));
  }
  const web::FormPart* file = nullptr;
  for (const web::FormPart& part : *parts) {
    if (part.name == "file" && part.filename) {
      if (file != nullptr) {
        return ProblemFor(
            Status::InvalidArgument("file: send one file per upload"));
      }
      file = &part;
    }
  }
  if (file == nullptr) {
    return ProblemFor(Status::InvalidArgument(
        "file: is required, as a part named \"file\" with a filename"));
  }
  if (file->data.size() > context.document_limit_bytes) {
    return ProblemFor(413, "file: is " + std::to_string(file->data.size()) +
                               " bytes; a document may have at most " +
                               std::to_string(context.document_limit_bytes) +
                               " bytes");
  }
  auto input = InputOf(*parts);
  if (!input.ok()) return ProblemFor(input.status());
  auto& fields = *input;
  fields.file_name = *file->filename;
  domain::ApplyUploaderDefaults(request.CallerRole(), request.CallerScope(),
                                fields);
  if (auto reason = domain::UploadRefusal(request.CallerRole(),
                                          request.CallerScope(), fields)) {
    return Forbidden(request, *reason);
  }
  domain::Documents documents(context.database, context.documents_dir);
  auto stored = documents.Upload(std::move(fields), file->data,
                                 request.CallerName("unknown"));
  if (!stored.ok()) {
    if (stored.status().message().starts_with("file: ")) {
      return ProblemFor(415, stored.status().message());
    }
    return ProblemFor(stored.status());
  }
  http::Response response = Json(201, DocumentJson(*stored));
  response.SetHeader("Location",
                     "/api/v1/documents/" + std::to_string(stored->id));
  return response;
}

Status RegisterDocumentRoutes(ApiContext& context) {
  if (context.documents_dir.empty()) return Status::Ok();
  ApiContext* ctx = &context;
  auto add = [&](const std::string& method, const std::string& pattern,
                 const http::RouteOptions& options, http::Handler handler) {
    return context.router->Add(
        {method, pattern, "core", std::move(handler), options});
  };
  auto search = std::make_shared<domain::KnowledgeSearch>(context.database);
  search->SetRegisters([ctx] { return ctx->modules.PublishedRegisters(); });

  http::RouteOptions read;
  read.permission = "public";
  read.tag = "knowledge-base";
  read.body_limit_bytes = 0;
  read.cacheable = true;

  http::RouteOptions options = read;
  options.summary =
      "The knowledge base's documents, newest first (filter by theme, kind, "
      "city and year)";
  options.doc.response_schema = CollectionSchema(DocumentSchema()).dump();
  options.query = {
      QueryParameter("theme", "Only the documents attached to this theme"),
      QueryParameter("kind",
                     "Only this kind: project-plan, business-case, "
                     "evaluation, minutes, presentation or reference-list",
                     KindSchema()),
      QueryParameter("city",
                     "Only the documents attached to this city (a CBS code)"),
      QueryParameter("year", "Only the documents dated in this year",
                     YearSchema())};
  Status status = context.router->Add(PagedRoute(
      "/api/v1/documents", options,
      [ctx](http::Request& request, const Page& page) {
        auto year = YearParameter(request);
        if (!year.ok()) return ProblemFor(year.status());
        auto kind = KindParameter(request);
        if (!kind.ok()) return ProblemFor(kind.status());
        domain::DocumentFilter filter;
        filter.theme = TextParameter(request, "theme");
        filter.city = TextParameter(request, "city");
        filter.kind = *kind;
        filter.year = *year;
        // A switched-off module's documents are not listed.
        filter.visible_themes = VisibleThemes(*ctx);
        domain::Documents documents(ctx->database, ctx->documents_dir);
        auto found = documents.ListPage(
            filter, (page.page - 1) * page.page_size, page.page_size);
        if (!found.ok()) return ProblemFor(found.status());
        json items = json::array();
        for (const domain::Document& d : found->items) {
          items.push_back(DocumentJson(d));
        }
        return CollectionPage(items, found->total, page);
      }));
  if (!status.ok()) return status;

  http::RouteOptions upload;
  upload.permission = "authenticated";
  upload.tag = "knowledge-base";
  upload.body_type = std::string(web::kMultipartType);
  upload.body_limit_bytes = context.document_limit_bytes + kFormOverheadBytes;
  upload.deadline = std::chrono::minutes(2);
  upload.summary =
      "Upload a document (multipart/form-data: title, kind, author, date, "
      "language, licence, theme, agreement, indicator, city, project, "
      "meeting and the file in \"file\"); administrators, the theme's "
      "editors and the city's editors";
  upload.doc.success_status = 201;
  upload.doc.request_schema = UploadSchema().dump();
  upload.doc.response_schema = DocumentSchema().dump();
  upload.doc.responses = {
      {"413", "The file is larger than the configured limit"},
      {"415",
       "The file is not PDF, HTML, Markdown or plain UTF-8 text (found by "
       "its content, not its name)"}};
  status = add(
      "POST", "/api/v1/documents", upload,
      [ctx](http::Request& request) { return UploadDocument(*ctx, request); });
  if (!status.ok()) return status;

  options = read;
  options.summary = "One document's description";
  options.doc.response_schema = DocumentSchema().dump();
  status = add("GET", "/api/v1/documents/{documentId}", options,
               [ctx](http::Request& request) {
                 auto document = LoadDocument(*ctx, request);
                 if (!document.ok()) return ProblemFor(document.status());
                 return Json(200, DocumentJson(*document));
               });
  if (!status.ok()) return status;

  options = read;
  options.cacheable = false;
  options.response_types = {"application/pdf", "text/html", "text/markdown",
                            "text/plain"};
  options.summary =
      "A document's file, as an attachment with the name it was uploaded "
      "with and the type found by its content";
  status = add("GET", "/api/v1/documents/{documentId}/file", options,
               [ctx](http::Request& request) {
                 auto loaded = LoadDocument(*ctx, request);
                 if (!loaded.ok()) return ProblemFor(loaded.status());
                 const auto& document = *loaded;
                 domain::Documents documents(ctx->database, ctx->documents_dir);
                 std::ifstream in(documents.FileOf(document), std::ios::binary);
                 std::ostringstream bytes;
                 bytes << in.rdbuf();
                 if (!in || bytes.str().size() !=
                                static_cast<std::size_t>(document.size_bytes)) {
                   return ProblemFor(Status::Internal(
                       "the file of document " + std::to_string(document.id) +
                       " is missing from the data directory; an operator "
                       "restores it from a backup"));
                 }
                 http::Response response;
                 response.status = 200;
                 response.body = std::move(bytes).str();
                 std::string type = document.media_type;
                 if (type.starts_with("text/")) type += "; charset=utf-8";
                 response.SetHeader("Content-Type", type);
                 response.SetHeader("Content-Disposition",
                                    Disposition(document.file_name));
                 response.SetHeader("X-Content-Type-Options", "nosniff");
                 return response;
               });
  if (!status.ok()) return status;

  http::RouteOptions remove;
  remove.permission = "authenticated";
  remove.tag = "knowledge-base";
  remove.body_limit_bytes = 0;
  remove.summary =
      "Remove a document (administrators, the theme's editors, the city's "
      "editors); its file goes when no other document has the same content";
  remove.doc.success_status = 204;
  status = add("DELETE", "/api/v1/documents/{documentId}", remove,
               [ctx](http::Request& request) {
                 auto loaded = LoadDocument(*ctx, request);
                 if (!loaded.ok()) return ProblemFor(loaded.status());
                 const auto& document = *loaded;
                 if (auto reason = domain::DocumentWriteRefusal(
                         request.CallerRole(), request.CallerScope(),
                         document.theme, document.city)) {
                   return Forbidden(request, *reason);
                 }
                 domain::Documents documents(ctx->database, ctx->documents_dir);
                 Status deleted = documents.Delete(document.id);
                 if (!deleted.ok()) return ProblemFor(deleted);
                 http::Response response;
                 response.status = 204;
                 return response;
               });
  if (!status.ok()) return status;

  options = read;
  options.summary =
      "Full-text search in Dutch over the documents and the agenda's texts "
      "(themes, agreements, indicators, cities, projects, meetings' "
      "decisions): every word must occur, in any inflection; best first, "
      "with the passage that matched";
  options.doc.response_schema = CollectionSchema(SearchHitSchema()).dump();
  options.query = {
      QueryParameter("q",
                     "The words to search for (at most 200 bytes); a word "
                     "ending in * is a prefix",
                     {{"type", "string"}}, true),
      QueryParameter("theme", "Only what belongs to this theme"),
      QueryParameter("kind", "Only documents of this kind", KindSchema()),
      QueryParameter("city", "Only what is attached to this city (a CBS code)"),
      QueryParameter("year", "Only what is dated in this year", YearSchema()),
      QueryParameter("type",
                     "Only hits of this type (document, record, agreement, "
                     "...)",
                     HitTypeSchema())};
  // A page of hits is read, not processed: ten by default.
  options.default_page_size = 10;
  options.lane = http::Lane::kSearch;
  return context.router->Add(PagedRoute(
      "/api/v1/search", options,
      [ctx, search](http::Request& request, const Page& chosen) {
        auto year = YearParameter(request);
        if (!year.ok()) return ProblemFor(year.status());
        auto kind = KindParameter(request);
        if (!kind.ok()) return ProblemFor(kind.status());
        domain::SearchQuery query;
        query.text = std::string(request.Query("q").value_or(""));
        query.theme = TextParameter(request, "theme");
        query.city = TextParameter(request, "city");
        query.kind = *kind;
        query.year = *year;
        query.type = TextParameter(request, "type");
        if (query.type &&
            std::find(std::begin(domain::kSearchHitTypes),
                      std::end(domain::kSearchHitTypes),
                      *query.type) == std::end(domain::kSearchHitTypes)) {
          return ProblemFor(Status::InvalidArgument(
              "type: must be one of document, theme, agreement, indicator, "
              "city, project, meeting, record, got '" +
              query.type->substr(0, 40) + "'"));
        }
        // Filtering reads each match's row: only when a module is off.
        query.visible_themes = VisibleThemes(*ctx);
        query.offset = (chosen.page - 1) * chosen.page_size;
        query.limit = chosen.page_size;
        auto answer = search->Search(query);
        if (!answer.ok()) return ProblemFor(answer.status());
        return http::Response::Json(200, SearchPageBody(*answer, chosen));
      }));
}

}  // namespace smartercities::api
