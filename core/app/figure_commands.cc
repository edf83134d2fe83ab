#include "core/app/figure_commands.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/app/data_directory.h"
#include "core/auth/audit.h"
#include "core/base/time_format.h"
#include "core/domain/measurement_import.h"

namespace smartercities::app {
namespace {

const char* PhaseName(domain::ImportPhase phase) {
  switch (phase) {
    case domain::ImportPhase::kReading:
      return "reading";
    case domain::ImportPhase::kChecking:
      return "checking";
    default:
      return "storing";
  }
}

// Shows how far an import is: a bar redrawn in place on a terminal, a line
// per tenth otherwise.
class ProgressDisplay {
 public:
  ProgressDisplay(std::ostream& out, bool terminal)
      : out_(out), terminal_(terminal) {}
  ~ProgressDisplay() { Finish(); }

  void Show(domain::ImportPhase phase, std::size_t done, std::size_t total) {
    int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
    if (terminal_) {
      constexpr int kWidth = 30;
      int filled = percent * kWidth / 100;
      out_ << '\r' << std::left << std::setw(9) << PhaseName(phase) << " ["
           << std::string(static_cast<std::size_t>(filled), '#')
           << std::string(static_cast<std::size_t>(kWidth - filled), '.')
           << "] " << std::right << std::setw(3) << percent << "%"
           << std::flush;
      drawn_ = true;
      return;
    }
    int tenth = percent / 10;
    if (phase != last_phase_ || tenth > last_tenth_) {
      out_ << PhaseName(phase) << ": " << tenth * 10 << "%\n" << std::flush;
      last_phase_ = phase;
      last_tenth_ = tenth;
    }
  }

  // Ends the bar's line.
  void Finish() {
    if (drawn_) out_ << "\n" << std::flush;
    drawn_ = false;
  }

 private:
  std::ostream& out_;
  bool terminal_;
  bool drawn_ = false;
  domain::ImportPhase last_phase_ = domain::ImportPhase::kReading;
  int last_tenth_ = -1;
};

}  // namespace

Status ImportMeasurements(const Config& config,
                          const std::filesystem::path& file, bool dry_run,
                          std::ostream& out, std::ostream& progress,
                          bool progress_is_terminal) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::NotFound("cannot read '" + file.string() +
                            "'; give the path of a CSV file");
  }
  ProgressDisplay display(progress, progress_is_terminal);
  display.Show(domain::ImportPhase::kReading, 0, 1);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string csv = std::move(buffer).str();
  display.Show(domain::ImportPhase::kReading, 1, 1);

  auth::AuditRecorder recorder({"cli", "operator", "cli"});
  storage::ScopedWriteObserver observe(&recorder);
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) return database.status();
  domain::ImportOptions options;
  options.reporter = {"cli", "operator", ""};
  options.current_month = CurrentMonthUtc();
  options.dry_run = dry_run;
  options.progress = [&display](domain::ImportPhase phase, std::size_t done,
                                std::size_t total) {
    display.Show(phase, done, total);
  };
  domain::MeasurementImport import(**database);
  auto report = import.ImportCsv(csv, options);
  display.Finish();
  if (!report.ok()) return report.status();
  if (report->num_problems > 0) {
    for (const domain::ImportProblem& problem : report->problems) {
      out << "line " << problem.line;
      if (!problem.column.empty()) out << ", " << problem.column;
      if (!problem.value.empty()) out << " (\"" << problem.value << "\")";
      out << ": " << problem.reason << "\n";
    }
    if (report->problems.size() < report->num_problems) {
      out << "... and " << report->num_problems - report->problems.size()
          << " more\n";
    }
    return Status::InvalidArgument(
        file.string() + " has " + std::to_string(report->num_problems) +
        (report->num_problems == 1 ? " problem" : " problems") +
        " (listed above); nothing was stored");
  }
  out << (dry_run ? "checked " : "imported ") << report->rows
      << " figures from " << file.string() << " (fields separated by '"
      << report->delimiter << "')\n";
  out << "  " << report->inserted << " new, " << report->corrected
      << " corrected, " << report->unchanged << " unchanged"
      << (dry_run ? " (a dry run: nothing was stored)" : "") << "\n";
  if (report->decimal_commas > 0) {
    out << "  " << report->decimal_commas
        << " values had a decimal comma, read as a decimal point (the first "
           "on line "
        << report->first_decimal_comma_line << ")\n";
  }
  if (report->import_id) {
    out << "  import " << *report->import_id << ", file BLAKE2b-256 "
        << report->file_hash << "\n";
  }
  return Status::Ok();
}

}  // namespace smartercities::app
