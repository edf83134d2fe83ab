// The progress reports per half year, and the editors' CSV upload:
//   GET  /rapportages                              the half years
//   GET  /rapportages/{period}                     the printable report
//   GET  /rapportages/{period}/rapportage.pdf      the same as a PDF
//   GET  /invoer/cijfers                           the upload form
//   POST /invoer/cijfers                           a CSV file (multipart)
// and the same under /en. The reports come from GET /api/v1/reports/{period}
// in-process (the page is that answer); the upload goes through the same
// import as POST /api/v1/measurements/import, every row checked against
// the logged-in editor's role.
#include <algorithm>
#include <ctime>

#include "core/base/time_format.h"
#include "core/domain/measurement_import.h"
#include "core/domain/progress_overview.h"
#include "core/web/form.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

constexpr std::size_t kUploadLimitBytes = 16 * 1024 * 1024;

http::RouteOptions PublicOptions(std::string summary) {
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.summary = std::move(summary);
  return options;
}

// The half years from the covenant's first (2013-H1) to the current one,
// newest first.
std::vector<domain::HalfYear> HalfYears() {
  std::vector<domain::HalfYear> out;
  std::string now = CurrentMonthUtc();
  for (int year = 2013;; ++year) {
    for (const char* half : {"-H1", "-H2"}) {
      auto period = domain::ParseHalfYear(std::to_string(year) + half);
      if (!period || period->first_month > now) {
        std::reverse(out.begin(), out.end());
        return out;
      }
      out.push_back(*period);
    }
  }
}

http::Response ReportsPage(Site& site, http::Request& request,
                           Language language) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["report"]["pageTitle"].get<std::string>(), false);
  json periods = json::array();
  for (const domain::HalfYear& period : HalfYears()) {
    std::string label =
        (period.name.ends_with("H1") ? t["report"]["firstHalf"]
                                     : t["report"]["secondHalf"])
            .get<std::string>() +
        " " + period.name.substr(0, 4);
    std::string page = Localize("/rapportages/" + period.name, language);
    periods.push_back({{"name", period.name},
                       {"label", label},
                       {"htmlUrl", page},
                       {"pdfUrl", page + "/rapportage.pdf"},
                       {"jsonUrl", "/api/v1/reports/" + period.name}});
  }
  model["periods"] = periods;
  return site.Page("reports", language, std::move(model));
}

// The report in form (text/html or application/pdf), from the API.
http::Response Report(Site& site, http::Request& request, Language language,
                      const char* form) {
  std::string period(request.Param("period"));
  http::Response response =
      site.CallApi(request, "GET",
                   "/api/v1/reports/" + period +
                       (language == Language::kEnglish ? "?lang=en" : ""),
                   nullptr, {{"accept", form}});
  if (response.status != 200) {
    const json& t = site.pages().Translations(language);
    json problem = json::parse(response.body, nullptr, false);
    return site.ErrorPage(
        request, language, response.status,
        problem.is_object()
            ? problem.value("detail", "")
            : t["error"]["notFound"]["text"].get<std::string>());
  }
  if (std::string_view(form) == "application/pdf") {
    response.SetHeader(
        "Content-Disposition",
        "attachment; filename=\"voortgangsrapportage-" + period + ".pdf\"");
  }
  return response;
}

// ---- the upload ----

struct UploadState {
  bool dry_run = false;
  std::string file_error;
  std::optional<domain::ImportReport> report;
};

http::Response UploadPage(Site& site, const http::Request& request,
                          Language language, const UploadState& state,
                          int status) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(request, language,
                              t["upload"]["heading"].get<std::string>(), true);
  model["action"] = Localize("/invoer/cijfers", language);
  model["dryRun"] = state.dry_run;
  std::string scope(request.CallerScope());
  model["example"] =
      request.CallerRole() == "city-editor" ? scope : std::string("GM0794");
  json errors = json::array();
  if (!state.file_error.empty()) {
    errors.push_back({{"field", "file"}, {"message", state.file_error}});
    model["fields"]["file"]["error"] = state.file_error;
  }
  if (state.report) {
    const domain::ImportReport& report = *state.report;
    if (report.num_problems == 0) {
      model["result"] = {
          {"stored", report.stored},
          {"rows", report.rows},
          {"inserted", report.inserted},
          {"corrected", report.corrected},
          {"unchanged", report.unchanged},
          {"decimalCommas", report.decimal_commas == 0
                                ? json(nullptr)
                                : json(report.decimal_commas)},
          {"firstDecimalCommaLine", report.first_decimal_comma_line}};
    } else {
      json problems = json::array();
      for (const domain::ImportProblem& problem : report.problems) {
        problems.push_back(
            {{"line", problem.line},
             {"column",
              problem.column.empty() ? json("—") : json(problem.column)},
             {"value", problem.value},
             {"reason", problem.reason}});
      }
      model["problems"] = problems;
      model["hasProblems"] = true;
      model["problemsSummary"] =
          t["upload"]["problemsSummary"].get<std::string>() + " " +
          std::to_string(report.num_problems) + ".";
      errors.push_back(
          {{"field", "file"},
           {"message", t["upload"]["problemsSummary"].get<std::string>() + " " +
                           std::to_string(report.num_problems)}});
      model["fields"]["file"]["error"] =
          t["upload"]["problemsHeading"].get<std::string>();
    }
  }
  model["errors"] = errors;
  model["hasErrors"] = !errors.empty();
  http::Response response =
      site.Page("upload", language, std::move(model), status);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response Upload(Site& site, http::Request& request, Language language) {
  const json& t = site.pages().Translations(language);
  UploadState state;
  auto parts = ParseMultipartForm(request.body,
                                  request.Header("content-type").value_or(""));
  const FormPart* file = nullptr;
  if (parts) {
    for (const FormPart& part : *parts) {
      if (part.name == "file" && part.filename) file = &part;
      if (part.name == "dryRun" && part.data == "true") state.dry_run = true;
    }
  }
  if (file == nullptr || file->data.empty()) {
    state.file_error = t["upload"]["fileRequired"];
    return UploadPage(site, request, language, state, 400);
  }
  domain::ImportOptions options;
  options.reporter = {request.CallerName("unknown"),
                      std::string(request.CallerRole()),
                      std::string(request.CallerScope())};
  options.current_month = CurrentMonthUtc();
  options.dry_run = state.dry_run;
  options.theme_available = [&site](std::string_view theme) {
    return site.modules().IsEnabled(theme);
  };
  domain::MeasurementImport import(site.database());
  auto report = import.ImportCsv(file->data, options);
  if (!report.ok()) {
    return site.ErrorPage(request, language, 500, report.status().message());
  }
  state.report = std::move(*report);
  return UploadPage(site, request, language, state,
                    state.report->num_problems == 0 ? 200 : 422);
}

}  // namespace

Status RegisterReportPages(Site& site) {
  Site* s = &site;
  Status status = site.AddPage(
      "/rapportages", PublicOptions("The progress reports per half year"),
      [s](http::Request& r, Language l) { return ReportsPage(*s, r, l); });
  if (!status.ok()) return status;
  http::RouteOptions report = PublicOptions("A progress report (HTML)");
  report.deadline = std::chrono::seconds(60);
  status = site.AddPage("/rapportages/{period}", report,
                        [s](http::Request& r, Language l) {
                          return Report(*s, r, l, "text/html");
                        });
  if (!status.ok()) return status;
  report.summary = "A progress report (PDF)";
  status = site.AddPage("/rapportages/{period}/rapportage.pdf", report,
                        [s](http::Request& r, Language l) {
                          return Report(*s, r, l, "application/pdf");
                        });
  if (!status.ok()) return status;

  http::RouteOptions form;
  form.permission = "authenticated";
  form.summary = "The form to upload figures as CSV";
  status =
      site.AddPage("/invoer/cijfers", form, [s](http::Request& r, Language l) {
        return UploadPage(*s, r, l, UploadState(), 200);
      });
  if (!status.ok()) return status;
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    http::RouteOptions upload;
    upload.permission = "authenticated";
    upload.summary = "Upload figures as CSV (every row checked, all or none)";
    upload.body_type = std::string(kMultipartType);
    upload.body_limit_bytes = kUploadLimitBytes;
    upload.deadline = std::chrono::minutes(2);
    status = site.AddRoute(
        "POST", Localize("/invoer/cijfers", language), upload,
        [s, language](http::Request& r) { return Upload(*s, r, language); });
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::web
