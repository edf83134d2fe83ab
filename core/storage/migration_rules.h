// migration_rules.h — the rules every engine's Database::Migrate applies to
// the list of an owner's migrations and to the version a database holds, so
// that both engines refuse the same lists with the same words.
#ifndef SMARTERCITIES_CORE_STORAGE_MIGRATION_RULES_H_
#define SMARTERCITIES_CORE_STORAGE_MIGRATION_RULES_H_

#include <span>
#include <string>

#include "core/storage/database.h"

namespace smartercities::storage {

// InvalidArgument unless the versions run 1, 2, 3, ... in order.
Status CheckMigrationOrder(const std::string& owner,
                           std::span<const Migration> migrations);

// FailedPrecondition when the database holds a version of owner that this
// build does not know (a newer build wrote it).
Status CheckNotNewer(const std::string& owner, int applied, std::size_t known);

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_MIGRATION_RULES_H_
