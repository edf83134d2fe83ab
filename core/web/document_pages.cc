// The knowledge base on the site (docs/knowledge-base.md):
//   GET  /themas/{theme}/documenten         the theme's documents
//   GET  /themas/{theme}/documenten/nieuw   the upload form
//   POST /themas/{theme}/documenten         upload (multipart/form-data)
// and the same under /en. The list is public and cacheable; the form is a
// personal page. The upload checks the caller's scope with the API's rule
// (domain::UploadRefusal) and stores through domain::Documents, as
// POST /api/v1/documents does; a problem that names a field stands next to
// that field.
#include "core/domain/document_text.h"
#include "core/domain/documents.h"
#include "core/web/form.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

// Room for the form's other fields and the multipart framing.
constexpr std::size_t kFormOverheadBytes = 64 * 1024;

std::string DocumentsUrl(const std::string& theme, Language language) {
  return Localize("/themas/" + theme + "/documenten", language);
}

std::optional<domain::ThemeManifest> EnabledThemeOf(Site& site,
                                                    std::string_view id) {
  if (!site.modules().IsEnabled(id)) return std::nullopt;
  auto theme = site.catalog().GetTheme(id);
  if (!theme.ok() || !theme->has_value()) return std::nullopt;
  return std::move(**theme);
}

http::Response NoTheme(Site& site, const http::Request& request,
                       Language language) {
  return site.ErrorPage(request, language, 404,
                        site.pages()
                            .Translations(language)["error"]["noTheme"]
                            .get<std::string>());
}

json KindOptions(const json& t, const std::string& selected) {
  json options = json::array();
  for (const char* kind : domain::DocumentKinds()) {
    options.push_back({{"code", kind},
                       {"name", t["documents"]["kinds"][kind]},
                       {"selected", selected == kind}});
  }
  return options;
}

http::Response DocumentsPage(Site& site, http::Request& request,
                             Language language) {
  auto theme = EnabledThemeOf(site, request.Param("theme"));
  if (!theme) return NoTheme(site, request, language);
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language,
      t["documents"]["heading"].get<std::string>() + ": " + theme->name.nl,
      false);
  model["theme"] = {{"name", Localized(theme->name, language)},
                    {"url", ThemeUrl(theme->id, language)}};
  model["newUrl"] = DocumentsUrl(theme->id, language) + "/nieuw";
  domain::Documents documents(site.database(), site.options().documents_dir);
  domain::DocumentFilter filter;
  filter.theme = theme->id;
  auto found = documents.List(filter);
  if (!found.ok()) {
    return site.ErrorPage(request, language, 500, found.status().message());
  }
  json items = json::array();
  for (const domain::Document& d : *found) {
    json item = {{"title", d.title},
                 {"lang", d.language},
                 {"url", "/api/v1/documents/" + std::to_string(d.id) + "/file"},
                 {"kind", t["documents"]["kinds"][d.kind]},
                 {"author", d.author},
                 {"date", FormatDate(d.date, t)},
                 {"licence", d.licence},
                 {"fileName", d.file_name},
                 {"id", d.id}};
    if (d.text_status != "extracted") {
      item["textNote"] = t["documents"]["textNotSearchable"];
    }
    items.push_back(std::move(item));
  }
  model["documents"] = items;
  model["hasDocuments"] = !items.empty();
  model["searchUrl"] = Localize("/zoeken", language);
  return site.Page("documents", language, std::move(model));
}

// What the form shows: the values sent and the problem with a field.
struct FormState {
  domain::DocumentInput input;
  std::string error_field;
  std::string error;
};

http::Response DocumentForm(Site& site, http::Request& request,
                            Language language,
                            const domain::ThemeManifest& theme,
                            const FormState& state, int status) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(request, language,
                              t["documents"]["add"].get<std::string>(), true);
  model["theme"] = {{"name", Localized(theme.name, language)},
                    {"url", ThemeUrl(theme.id, language)}};
  model["documentsUrl"] = DocumentsUrl(theme.id, language);
  model["action"] = DocumentsUrl(theme.id, language);
  const domain::DocumentInput& input = state.input;
  json texts = json::array();
  auto text_field = [&](const char* key, const std::string& value,
                        const char* type) {
    json field = {{"key", key},
                  {"label", t["documents"]["fields"][key]},
                  {"hint", t["documents"]["hints"].value(key, "")},
                  {"value", value},
                  {"type", type}};
    if (state.error_field == key) field["error"] = state.error;
    texts.push_back(std::move(field));
  };
  text_field("title", input.title, "text");
  text_field("date", input.date, "date");
  text_field("author", input.author, "text");
  text_field("city", input.city, "text");
  text_field("agreement", input.agreement, "text");
  text_field("licence", input.licence, "text");
  model["texts"] = texts;
  model["kinds"] = KindOptions(t, input.kind);
  model["kindError"] = state.error_field == "kind" ? state.error : "";
  model["languages"] =
      json::array({{{"code", "nl"},
                    {"name", t["documents"]["languages"]["nl"]},
                    {"selected", input.language != "en"}},
                   {{"code", "en"},
                    {"name", t["documents"]["languages"]["en"]},
                    {"selected", input.language == "en"}}});
  if (state.error_field == "file") model["fileError"] = state.error;
  json errors = json::array();
  if (!state.error.empty()) {
    std::string field = state.error_field.empty() ? "file" : state.error_field;
    errors.push_back({{"field", field}, {"message", state.error}});
    if (state.error_field.empty()) model["problem"] = state.error;
  }
  model["errors"] = errors;
  model["hasErrors"] = !errors.empty();
  http::Response response =
      site.Page("document_form", language, std::move(model), status);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response Upload(Site& site, http::Request& request, Language language) {
  auto theme = EnabledThemeOf(site, request.Param("theme"));
  if (!theme) return NoTheme(site, request, language);
  const json& t = site.pages().Translations(language);
  FormState state;
  auto parts = ParseMultipartForm(request.body,
                                  request.Header("content-type").value_or(""));
  const FormPart* file = nullptr;
  domain::DocumentInput& input = state.input;
  if (parts) {
    for (const FormPart& part : *parts) {
      if (part.name == "file" && part.filename) file = &part;
      if (part.filename) continue;
      if (part.name == "title") input.title = part.data;
      if (part.name == "kind") input.kind = part.data;
      if (part.name == "date") input.date = part.data;
      if (part.name == "language") input.language = part.data;
      if (part.name == "author") input.author = part.data;
      if (part.name == "city") input.city = part.data;
      if (part.name == "agreement") input.agreement = part.data;
      if (part.name == "licence") input.licence = part.data;
    }
  }
  input.theme = theme->id;
  if (file == nullptr || file->data.empty()) {
    state.error_field = "file";
    state.error = t["documents"]["fileRequired"];
    return DocumentForm(site, request, language, *theme, state, 400);
  }
  if (file->data.size() > site.options().document_limit_bytes) {
    state.error_field = "file";
    state.error =
        t["documents"]["tooLarge"].get<std::string>() + " " +
        std::to_string(site.options().document_limit_bytes / (1024 * 1024)) +
        " MiB";
    return DocumentForm(site, request, language, *theme, state, 413);
  }
  input.file_name = *file->filename;
  domain::ApplyUploaderDefaults(request.CallerRole(), request.CallerScope(),
                                input);
  if (auto reason = domain::UploadRefusal(request.CallerRole(),
                                          request.CallerScope(), input)) {
    state.error = *reason;
    return DocumentForm(site, request, language, *theme, state, 403);
  }
  domain::Documents documents(site.database(), site.options().documents_dir);
  auto stored =
      documents.Upload(input, file->data, request.CallerName("unknown"));
  if (!stored.ok()) {
    const std::string& message = stored.status().message();
    std::size_t colon = message.find(": ");
    if (stored.status().code() == StatusCode::kInvalidArgument &&
        colon != std::string::npos) {
      state.error_field = message.substr(0, colon);
      state.error = message.substr(colon + 2);
      return DocumentForm(site, request, language, *theme, state, 422);
    }
    return site.ErrorPage(request, language, 500, message);
  }
  http::Response response;
  response.status = 303;
  response.SetHeader("Location", DocumentsUrl(theme->id, language));
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace

Status RegisterDocumentPages(Site& site) {
  Site* s = &site;
  http::RouteOptions list;
  list.permission = "public";
  list.cacheable = true;
  list.summary = "A theme's documents in the knowledge base";
  Status status = site.AddPage(
      "/themas/{theme}/documenten", list,
      [s](http::Request& r, Language l) { return DocumentsPage(*s, r, l); });
  if (!status.ok()) return status;
  http::RouteOptions form;
  form.permission = "authenticated";
  form.summary = "The form to upload a document to a theme's knowledge base";
  status = site.AddPage("/themas/{theme}/documenten/nieuw", form,
                        [s](http::Request& r, Language l) {
                          auto theme = EnabledThemeOf(*s, r.Param("theme"));
                          if (!theme) return NoTheme(*s, r, l);
                          FormState state;
                          domain::ApplyUploaderDefaults(
                              r.CallerRole(), r.CallerScope(), state.input);
                          return DocumentForm(*s, r, l, *theme, state, 200);
                        });
  if (!status.ok()) return status;
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    http::RouteOptions upload;
    upload.permission = "authenticated";
    upload.summary = "Upload a document to a theme's knowledge base";
    upload.body_type = std::string(kMultipartType);
    upload.body_limit_bytes =
        site.options().document_limit_bytes + kFormOverheadBytes;
    upload.deadline = std::chrono::minutes(2);
    status = site.AddRoute(
        "POST", Localize("/themas/{theme}/documenten", language), upload,
        [s, language](http::Request& r) { return Upload(*s, r, language); });
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::web
