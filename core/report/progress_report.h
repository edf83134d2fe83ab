// progress_report.h — the progress report of a half year that Stedenlink
// writes for the parties' administrative meeting (article 6b of the
// covenant): per theme, the status of every agreement with its indicators
// and a chart per indicator; the cities ahead and behind; the points that
// need a decision (milestones late, indicators deteriorating); the series
// whose deadline fell before the covenant took effect; and one section per
// covenant procedure that has registered one (projects, meetings, joins,
// amendments, as they come).
//
// A report is computed once (Build) from the stored figures up to the last
// month of the half year, with progress.h's method, and then given in three
// forms from the same model: JSON (model()), a self-contained printable HTML
// page with inline SVG charts (Html), and a PDF with the same charts, page
// numbers, a table of contents and bookmarks (Pdf, drawn with cairo).
//
// Thread-safety: a built report is immutable; its forms may be made from
// several threads. ReportSections is filled at start-up and read after.
#ifndef SMARTERCITIES_CORE_REPORT_PROGRESS_REPORT_H_
#define SMARTERCITIES_CORE_REPORT_PROGRESS_REPORT_H_

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/domain/catalog.h"
#include "core/domain/model.h"
#include "core/domain/progress_overview.h"
#include "core/report/progress_json.h"
#include "core/storage/database.h"
#include "core/web/page_renderer.h"

namespace smartercities::report {

// A section a covenant procedure contributes to the report: a heading,
// paragraphs and a table, all plain text.
struct ReportSection {
  std::string id;  // "projects", "meetings", ...
  std::string title;
  std::vector<std::string> paragraphs;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

// What a procedure registers: its section for a half year, or nullopt when
// it has nothing to say about it.
using SectionSource = std::function<Result<std::optional<ReportSection>>(
    storage::Database& database, const domain::HalfYear& period,
    web::Language language)>;

// The procedures' sections, in the order they were added.
class ReportSections {
 public:
  void Add(SectionSource source) { sources_.push_back(std::move(source)); }
  const std::vector<SectionSource>& sources() const { return sources_; }

 private:
  std::vector<SectionSource> sources_;
};

// One chart: lines in a unit box (x and y from 0 to 1), with what the axes
// and the target and deadline lines mean.
struct ChartLine {
  std::vector<std::pair<double, double>> points;
  bool emphasis = false;  // the network's line, drawn over the cities'
};
struct Chart {
  std::vector<ChartLine> lines;
  std::optional<double> target_y;
  std::optional<double> deadline_x;
  std::vector<std::pair<double, std::string>> x_ticks;
  std::vector<std::pair<double, std::string>> y_ticks;
  // What the chart shows, for a reader who cannot see it.
  std::string description;
};

class ProgressReport {
 public:
  // themes: the enabled themes; names: every city by CBS code.
  static Result<ProgressReport> Build(storage::Database& database,
                                      std::vector<domain::ThemeManifest> themes,
                                      CityNames names, domain::HalfYear period,
                                      const ReportSections& sections,
                                      const web::PageRenderer& pages,
                                      web::Language language);

  // The same for the themes of catalog for which theme_enabled holds (null:
  // all) and every stored city.
  static Result<ProgressReport> BuildFromCatalog(
      storage::Database& database, domain::Catalog& catalog,
      const std::function<bool(std::string_view)>& theme_enabled,
      domain::HalfYear period, const ReportSections& sections,
      const web::PageRenderer& pages, web::Language language);

  // The report as data: the same statuses, with their inputs, as the
  // progress endpoints give for the half year's last month.
  const nlohmann::json& model() const { return model_; }
  const domain::HalfYear& period() const { return period_; }

  // A printable HTML page that needs nothing else: its style inline (style
  // hash: the CSP hash of that style element, for the answer's header),
  // charts as inline SVG, no script.
  std::string Html() const;
  std::string StyleHash() const;

  // The PDF: a title page, a table of contents with page numbers, the
  // sections, page numbers in every footer, bookmarks.
  Result<std::string> Pdf() const;

  const Chart* ChartOf(const std::string& indicator_id) const;

 private:
  ProgressReport(const web::PageRenderer& pages) : pages_(&pages) {}

  const web::PageRenderer* pages_;
  web::Language language_ = web::Language::kDutch;
  domain::HalfYear period_;
  nlohmann::json model_;
  std::map<std::string, Chart> charts_;
};

}  // namespace smartercities::report

#endif  // SMARTERCITIES_CORE_REPORT_PROGRESS_REPORT_H_
