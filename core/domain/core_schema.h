// core_schema.h — the core's own tables, as numbered migrations of the owner
// "core". Applied at every start by Database::Migrate; a migration that has
// shipped is never changed, a new one is appended.
#ifndef SMARTERCITIES_CORE_DOMAIN_CORE_SCHEMA_H_
#define SMARTERCITIES_CORE_DOMAIN_CORE_SCHEMA_H_

#include <vector>

#include "core/storage/database.h"

namespace smartercities::domain {

std::vector<storage::Migration> CoreMigrations();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_CORE_SCHEMA_H_
