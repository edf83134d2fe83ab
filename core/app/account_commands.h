// account_commands.h — the operator commands for accounts, API tokens and
// the audit trail: `smartercities users ...`, `tokens ...`, `audit verify`.
// They work on the data directory's database, so a running server sees the
// result at once; every change they make is in the audit trail as "cli".
#ifndef SMARTERCITIES_CORE_APP_ACCOUNT_COMMANDS_H_
#define SMARTERCITIES_CORE_APP_ACCOUNT_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "core/app/config.h"
#include "core/base/status.h"

namespace smartercities::app {

// args: the words after "users" (add NAME ROLE [SCOPE], list, disable NAME,
// enable NAME, set-role NAME ROLE [SCOPE], reset-password NAME).
Status UsersCommand(const Config& config, const std::vector<std::string>& args,
                    std::ostream& out);

// args: the words after "tokens" (create NAME ROLE [SCOPE], list,
// revoke ID).
Status TokensCommand(const Config& config, const std::vector<std::string>& args,
                     std::ostream& out);

// Checks the audit trail's hash chain; kFailedPrecondition when it is
// broken, naming the first row that does not match.
Status VerifyAudit(const Config& config, std::ostream& out);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_ACCOUNT_COMMANDS_H_
