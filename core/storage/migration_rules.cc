#include "core/storage/migration_rules.h"

namespace smartercities::storage {

std::string Excerpt(std::string_view sql) {
  constexpr std::size_t kExcerptChars = 40;
  // Built by appending: GCC 12 at -O3 reports a false -Wrestrict for
  // "'" + std::string (GCC bug 105329).
  std::string out = "'";
  bool space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = out.size() > 1;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  // Cutting off fewer characters than the ellipsis takes gains nothing.
  if (out.size() > 1 + kExcerptChars + 3) {
    out.resize(1 + kExcerptChars);
    out += "...";
  }
  out += '\'';
  return out;
}

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

Status ApplyInOrder(const std::string& owner,
                    std::span<const Migration> migrations, int applied,
                    const std::function<Status(const Migration&)>& apply) {
  for (std::size_t i = static_cast<std::size_t>(applied); i < migrations.size();
       ++i) {
    Status status = apply(migrations[i]);
    if (!status.ok()) {
      return status.WithContext(owner + " migration " +
                                std::to_string(migrations[i].version) + " (" +
                                migrations[i].description + ")");
    }
  }
  return Status::Ok();
}

}  // namespace smartercities::storage
