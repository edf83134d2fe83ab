// module_settings.h — the one place that reads and writes the `modules`
// table: whether each theme module is switched on, why not, and who said
// so last. The plugin host follows it; the command line, which cannot reach
// a running server, writes it and the server's watcher applies it.
//
// Thread-safety: all methods may be called from any thread (the database
// serialises writers).
#ifndef SMARTERCITIES_CORE_PLUGINS_MODULE_SETTINGS_H_
#define SMARTERCITIES_CORE_PLUGINS_MODULE_SETTINGS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::plugins {

class ModuleSettings {
 public:
  struct Setting {
    bool enabled = false;
    std::string reason;      // why it is off; empty when on
    std::string updated_by;  // who switched it last ("cli", "user:anna")
  };

  explicit ModuleSettings(storage::Database& database) : database_(database) {}

  // The stored setting of module id, nullopt when none is stored yet.
  Result<std::optional<Setting>> Find(const std::string& id) const;
  // Every stored setting by module id.
  Result<std::map<std::string, Setting>> All() const;
  // Stores a setting, replacing the one stored.
  Status Store(const std::string& id, bool enabled, const std::string& reason,
               std::string_view actor);

 private:
  storage::Database& database_;
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_MODULE_SETTINGS_H_
