// migration_rules.h — what both engines share so that they speak alike:
// the rules Database::Migrate applies to an owner's migrations and to the
// version a database holds, and how a failure names its statement.
#ifndef SMARTERCITIES_CORE_STORAGE_MIGRATION_RULES_H_
#define SMARTERCITIES_CORE_STORAGE_MIGRATION_RULES_H_

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/storage/database.h"

namespace smartercities::storage {

// The first words of a statement for messages, on one line and in single
// quotes, cut after 40 characters with "...".
std::string Excerpt(std::string_view sql);

// InvalidArgument unless the versions run 1, 2, 3, ... in order.
Status CheckMigrationOrder(const std::string& owner,
                           std::span<const Migration> migrations);

// FailedPrecondition when the database holds a version of owner that this
// build does not know (a newer build wrote it).
Status CheckNotNewer(const std::string& owner, int applied, std::size_t known);

// Applies migrations[applied], migrations[applied + 1], ... with apply, in
// order, stopping at the first failure, which names owner, the version and
// the description.
Status ApplyInOrder(const std::string& owner,
                    std::span<const Migration> migrations, int applied,
                    const std::function<Status(const Migration&)>& apply);

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_MIGRATION_RULES_H_
