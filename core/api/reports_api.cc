// The progress report of a half year (article 6b of the covenant):
//   GET /api/v1/reports                 the half years a report exists for
//   GET /api/v1/reports/{period}        one report, period as 2013-H2:
//       JSON, or the printable HTML page (Accept: text/html), or the PDF
//       (Accept: application/pdf); ?lang=en for English
// Each is computed from the figures up to the half year's last month and
// kept in the response cache until the data change.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/base/time_format.h"
#include "core/http/content_negotiation.h"
#include "core/report/progress_report.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

constexpr std::initializer_list<const char*> kForms = {
    "application/json", "text/html", "application/pdf"};

// The first half year the covenant was in effect.
constexpr std::string_view kFirstReport = "2013-H1";

std::string FormOf(const http::Request& request) {
  return http::Negotiate(request.Header("accept").value_or(""), kForms)
             .value_or("none") +
         (request.Query("lang") == "en" ? "/en" : "/nl");
}

}  // namespace

Status RegisterReportRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "reports";
  options.body_limit_bytes = 0;
  options.summary =
      "The half years with a progress report, from the covenant's first";
  Status status = context.router->Add(PagedRoute(
      "/api/v1/reports", options, [](http::Request&, const Page& page) {
        json items = json::array();
        std::string now = CurrentMonthUtc();
        int year = std::stoi(std::string(kFirstReport.substr(0, 4)));
        for (;; ++year) {
          bool done = false;
          for (const char* half : {"H1", "H2"}) {
            auto period =
                domain::ParseHalfYear(std::to_string(year) + "-" + half);
            if (period->first_month > now) {
              done = true;
              break;
            }
            items.push_back({{"period", period->name},
                             {"from", period->first_month},
                             {"to", period->last_month},
                             {"complete", period->last_month < now},
                             {"url", "/api/v1/reports/" + period->name}});
          }
          if (done) break;
        }
        std::reverse(items.begin(), items.end());
        return Collection(items, page);
      }));
  if (!status.ok()) return status;

  options.cache_variant = &FormOf;
  options.response_types.assign(kForms.begin(), kForms.end());
  options.query = {QueryParameter(
      "lang", "The report's language: nl (default) or en",
      {{"type", "string"}, {"enum", {"nl", "en"}}, {"default", "nl"}})};
  options.deadline = std::chrono::seconds(60);
  options.summary =
      "The progress report of a half year (article 6b): JSON, a printable "
      "HTML page (Accept: text/html) or a PDF (Accept: application/pdf)";
  return context.router->Add(
      {"GET", "/api/v1/reports/{period}", "core",
       [ctx](http::Request& request) {
         auto form =
             http::Negotiate(request.Header("accept").value_or(""), kForms);
         if (!form) return http::NotAcceptable(kForms);
         std::string text(request.Param("period"));
         auto period = domain::ParseHalfYear(text);
         if (!period) {
           return ProblemFor(Status::InvalidArgument(
               "period: a half year as YYYY-H1 or YYYY-H2 (e.g. 2013-H2), "
               "got '" +
               text.substr(0, 20) + "'"));
         }
         if (period->first_month > CurrentMonthUtc()) {
           return ProblemFor(Status::NotFound(
               "the half year " + period->name +
               " has not begun; GET /api/v1/reports lists the reports"));
         }
         auto lang = request.Query("lang");
         if (lang && *lang != "nl" && *lang != "en") {
           return ProblemFor(Status::InvalidArgument(
               "query parameter 'lang' must be nl or en"));
         }
         web::Language language =
             lang == "en" ? web::Language::kEnglish : web::Language::kDutch;
         static const report::ReportSections kNoSections;
         auto built = report::ProgressReport::BuildFromCatalog(
             ctx->database, ctx->catalog,
             [ctx](std::string_view theme) {
               return ctx->modules.IsEnabled(theme);
             },
             *period,
             ctx->report_sections != nullptr ? *ctx->report_sections
                                             : kNoSections,
             *ctx->pages, language);
         if (!built.ok()) return ProblemFor(built.status());
         http::Response response;
         if (*form == "text/html") {
           response.SetHeader("Content-Type", "text/html; charset=utf-8");
           response.SetHeader(http::kStyleHashesHeader, built->StyleHash());
           response.body = built->Html();
         } else if (*form == "application/pdf") {
           auto pdf = built->Pdf();
           if (!pdf.ok()) return ProblemFor(pdf.status());
           response.SetHeader("Content-Type", "application/pdf");
           response.SetHeader("Content-Disposition",
                              "inline; filename=\"voortgangsrapportage-" +
                                  period->name + ".pdf\"");
           response.body = std::move(*pdf);
         } else {
           response = Json(200, built->model());
         }
         response.SetHeader("Vary", "Accept");
         return response;
       },
       options});
}

}  // namespace smartercities::api
