// plugin_check.h — `smartercities plugin check FILE`: everything the host
// would check before and while loading a plugin, run on one file in a
// scratch directory and database, every problem printed with what to do.
#ifndef SMARTERCITIES_CORE_APP_PLUGIN_CHECK_H_
#define SMARTERCITIES_CORE_APP_PLUGIN_CHECK_H_

#include <filesystem>
#include <ostream>

namespace smartercities::app {

// Prints the report to out; returns true only when the host would load and
// start the plugin.
bool CheckPlugin(const std::filesystem::path& file, std::ostream& out);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_PLUGIN_CHECK_H_
