#include "core/plugins/module_settings.h"

#include <vector>

#include "core/base/time_format.h"

namespace smartercities::plugins {
namespace {

ModuleSettings::Setting SettingOf(const storage::Row& row) {
  return {row.Integer("enabled") != 0, row.OptionalText("reason").value_or(""),
          row.Text("updated_by")};
}

}  // namespace

Result<std::optional<ModuleSettings::Setting>> ModuleSettings::Find(
    const std::string& id) const {
  std::optional<Setting> setting;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT enabled, reason, updated_by FROM modules WHERE id = ?1",
        std::vector<storage::Value>{id}, [&](const storage::Row& row) {
          setting = SettingOf(row);
          return false;
        });
  });
  if (!status.ok()) return status;
  return setting;
}

Result<std::map<std::string, ModuleSettings::Setting>> ModuleSettings::All()
    const {
  std::map<std::string, Setting> settings;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute("SELECT id, enabled, reason, updated_by FROM modules", {},
                      [&](const storage::Row& row) {
                        settings[row.Text("id")] = SettingOf(row);
                        return true;
                      });
  });
  if (!status.ok()) return status;
  return settings;
}

Status ModuleSettings::Store(const std::string& id, bool enabled,
                             const std::string& reason,
                             std::string_view actor) {
  return database_.Write([&](storage::Connection& db) {
    return db.Execute(
        "INSERT INTO modules (id, enabled, reason, updated_at, updated_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
        "enabled = ?2, reason = ?3, updated_at = ?4, updated_by = ?5",
        std::vector<storage::Value>{
            id, static_cast<std::int64_t>(enabled ? 1 : 0),
            reason.empty() ? storage::Value(nullptr) : storage::Value(reason),
            NowUtc(), std::string(actor)});
  });
}

}  // namespace smartercities::plugins
