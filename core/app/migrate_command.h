// migrate_command.h — `smartercities migrate-to postgresql://...`: copies the
// SQLite database of a data directory into an empty PostgreSQL database.
#ifndef SMARTERCITIES_CORE_APP_MIGRATE_COMMAND_H_
#define SMARTERCITIES_CORE_APP_MIGRATE_COMMAND_H_

#include <ostream>
#include <string>

#include "core/app/config.h"
#include "core/base/status.h"

namespace smartercities::app {

// Brings the data directory's SQLite database up to this build's schema,
// gives the PostgreSQL database at url the same schema (the core's and each
// plugin's migrations), copies every table's rows from one snapshot of the
// SQLite database, referenced tables first, and then checks that every
// table holds as many rows as it did and that the audit trail's chain is
// intact. Refuses a database that holds any table already; a copy that
// fails leaves what it wrote (the message says where it stopped), so start
// again on a new empty database. Stop the server first: writes after the
// snapshot are not copied.
Status MigrateTo(const Config& config, const std::string& url,
                 std::ostream& out);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_MIGRATE_COMMAND_H_
