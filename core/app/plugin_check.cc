#include "core/app/plugin_check.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "core/domain/manifest_parser.h"
#include "core/plugins/plugin_file.h"
#include "core/plugins/sandbox.h"

namespace smartercities::app {
namespace {

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void Pass(const std::string& what) { out_ << "  ok       " << what << "\n"; }
  void Fail(const std::string& what, const std::string& advice = "") {
    ++problems_;
    out_ << "  PROBLEM  " << what << "\n";
    if (!advice.empty()) out_ << "           what to do: " << advice << "\n";
  }
  void Note(const std::string& what) { out_ << "  note     " << what << "\n"; }
  int problems() const { return problems_; }
  // "would load", or "would NOT load (1 problem)".
  std::string Result() const {
    if (problems_ == 0) return "would load";
    return "would NOT load (" + std::to_string(problems_) +
           (problems_ == 1 ? " problem)" : " problems)");
  }

 private:
  std::ostream& out_;
  int problems_ = 0;
};

// text with every occurrence of from replaced by to: the loader names the
// scratch copy of the file, the report names the file the user gave.
std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  if (from.empty()) return text;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool CheckPlugin(const std::filesystem::path& file, std::ostream& out) {
  Report report(out);
  out << "checking " << file.string() << "\n";
  Status safe = plugins::CheckFileSafety(file);
  if (safe.ok()) {
    report.Pass("file: a regular file, owned and writable as the host needs");
  } else {
    report.Fail(safe.message());
  }
  auto marker = plugins::ReadAbiMarker(file);
  if (!marker.ok()) {
    report.Fail(marker.status().message());
    out << "result: " << report.Result() << "\n";
    return false;
  }
  Status abi = plugins::CheckAbiCompatible(*marker, file.stem().string(), file);
  if (abi.ok()) {
    report.Pass("ABI marker: built for " + std::to_string(marker->major) + "." +
                std::to_string(marker->minor) + ", which this host supports");
  } else {
    report.Fail(abi.message());
  }

  std::filesystem::path sidecar = file;
  sidecar += ".json";
  std::optional<domain::ThemeManifest> sidecar_manifest;
  if (!std::filesystem::exists(sidecar)) {
    report.Fail("no sidecar manifest " + sidecar.filename().string(),
                "copy the theme.json that smartercities_add_theme_plugin() "
                "writes beside the library");
  } else {
    std::vector<std::string> problems;
    auto parsed =
        domain::ParseManifest(ReadFile(sidecar), sidecar.string(), &problems);
    if (parsed.ok()) {
      report.Pass("sidecar manifest: valid (" +
                  std::to_string(parsed->agreements.size()) + " agreements, " +
                  std::to_string(parsed->indicators.size()) + " indicators, " +
                  std::to_string(parsed->routes.size()) + " routes)");
      sidecar_manifest = std::move(parsed).value();
    } else {
      for (const auto& problem : problems) {
        report.Fail("sidecar manifest: " + problem, "see docs/manifest.md");
      }
    }
  }
  if (!abi.ok()) {
    out << "result: " << report.Result() << "\n";
    return false;
  }

  // Load it for real, in a scratch directory and database, through the same
  // loader the platform uses.
  auto sandbox = plugins::Sandbox::Create("check");
  if (!sandbox.ok()) {
    report.Fail(sandbox.status().message());
    out << "result: " << report.Result() << "\n";
    return false;
  }
  Status added = (*sandbox)->AddPlugin(file);
  if (!added.ok()) {
    report.Fail(added.message());
    out << "result: " << report.Result() << "\n";
    return false;
  }
  const std::string copy =
      ((*sandbox)->plugin_dir() / file.filename()).string();
  auto previous_level = spdlog::get_level();
  spdlog::set_level(spdlog::level::off);
  Status loaded = (*sandbox)->StartHost();
  spdlog::set_level(previous_level);
  auto modules = loaded.ok() ? (*sandbox)->host().Modules()
                             : std::vector<plugins::ModuleInfo>();
  if (modules.empty()) {
    report.Fail("the loader found nothing to load");
  } else {
    const plugins::ModuleInfo& info = modules.front();
    if (info.state == plugins::ModuleState::kEnabled) {
      report.Pass("loads and starts as '" + info.id + "' " + info.version +
                  " (ABI " + info.abi + ") with " +
                  std::to_string(info.routes.size()) + " routes");
      for (const auto& route : info.routes) report.Note(route);
      if (sidecar_manifest && sidecar_manifest->id != info.id) {
        report.Fail("the sidecar manifest's id '" + sidecar_manifest->id +
                        "' differs from the library's '" + info.id + "'",
                    "rebuild and copy both files together");
      }
    } else {
      report.Fail(std::string(plugins::ToString(info.failure)) + ": " +
                  Replace(info.reason, copy, file.string()));
    }
  }
  (*sandbox)->StopHost();
  out << "result: " << report.Result() << "\n";
  return report.problems() == 0;
}

}  // namespace smartercities::app
