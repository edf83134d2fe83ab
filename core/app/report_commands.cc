#include "core/app/report_commands.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "core/app/data_directory.h"
#include "core/domain/catalog.h"
#include "core/report/core_sections.h"
#include "core/report/progress_report.h"
#include "core/web/page_renderer.h"

namespace smartercities::app {

Status WriteReport(const Config& config, const std::string& period_text,
                   std::string format, const std::string& output,
                   std::ostream& out, std::ostream& notes) {
  auto period = domain::ParseHalfYear(period_text);
  if (!period) {
    // Built by appending: GCC 12 at -O3 reports a false -Wrestrict for
    // "'" + std::string (GCC bug 105329).
    std::string message = "'";
    message += period_text;
    message += "' is not a half year; write YYYY-H1 or YYYY-H2, e.g. 2013-H2";
    return Status::InvalidArgument(message);
  }
  bool to_file = !output.empty() && output != "-";
  if (format.empty()) {
    std::string extension =
        to_file ? std::filesystem::path(output).extension().string() : "";
    format = extension == ".pdf"    ? "pdf"
             : extension == ".json" ? "json"
                                    : "html";
  }
  auto pages = web::PageRenderer::Load();
  if (!pages.ok()) return pages.status();
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, notes);
  if (!database.ok()) return database.status();
  // The modules switched off are left out, as the API leaves them out.
  std::map<std::string, bool> enabled;
  Status read = (*database)->Read([&](storage::Connection& db) {
    return db.Execute("SELECT id, enabled FROM modules", {},
                      [&](const storage::Row& row) {
                        enabled[row.Text("id")] = row.Integer("enabled") != 0;
                        return true;
                      });
  });
  if (!read.ok()) return read;
  domain::Catalog catalog(**database);
  report::ReportSections sections;
  report::AddCoreSections(sections);
  auto built = report::ProgressReport::BuildFromCatalog(
      **database, catalog,
      [&enabled](std::string_view theme) {
        auto found = enabled.find(std::string(theme));
        return found == enabled.end() || found->second;
      },
      *period, sections, *pages, web::Language::kDutch);
  if (!built.ok()) return built.status();
  std::string bytes;
  if (format == "pdf") {
    auto pdf = built->Pdf();
    if (!pdf.ok()) return pdf.status();
    bytes = std::move(*pdf);
  } else if (format == "json") {
    bytes = built->model().dump(2) + "\n";
  } else {
    bytes = built->Html();
  }
  if (!to_file) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    return Status::Ok();
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) {
    return Status::Unavailable("could not write '" + output + "'");
  }
  notes << "wrote the progress report " << period->name << " (" << format
        << ", " << bytes.size() << " bytes) to " << output << "\n";
  return Status::Ok();
}

}  // namespace smartercities::app
