#include "core/storage/migration_rules.h"

namespace smartercities::storage {

Status CheckMigrationOrder(const std::string& owner,
                           std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    int version = migrations[i].version;
    int expected = static_cast<int>(i + 1);
    if (version == expected) continue;
    std::string problem = version < 1 ? "is not a version (versions start at 1)"
                          : version < expected
                              ? "comes twice or out of order"
                              : "leaves a gap (migration " +
                                    std::to_string(expected) + " is missing)";
    return Status::InvalidArgument(owner + " migration " +
                                   std::to_string(version) + " " + problem +
                                   "; versions run 1, 2, 3, ... in order");
  }
  return Status::Ok();
}

Status CheckNotNewer(const std::string& owner, int applied, std::size_t known) {
  if (applied <= static_cast<int>(known)) return Status::Ok();
  std::string versions = known == 0 ? "none" : "1.." + std::to_string(known);
  return Status::FailedPrecondition(
      "the database has " + owner + " migration " + std::to_string(applied) +
      " but this build knows " + versions + "; a newer build wrote it");
}

}  // namespace smartercities::storage
