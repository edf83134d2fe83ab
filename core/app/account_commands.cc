#include "core/app/account_commands.h"

#include <charconv>
#include <cstdlib>
#include <iomanip>

#include "core/api/json_response.h"
#include "core/app/data_directory.h"
#include "core/app/platform.h"
#include "core/auth/accounts.h"
#include "core/auth/audit.h"
#include "core/auth/passwords.h"
#include "core/auth/token_service.h"
#include "core/domain/city_list.h"

namespace smartercities::app {
namespace {

Status Usage(const std::string& what) {
  return Status::InvalidArgument("usage: smartercities " + what);
}

// Every change an operator command makes is audited as the command line.
auth::Actor CommandLine() { return {"cli", "operator", "cli"}; }

}  // namespace

Status UsersCommand(const Config& config, const std::vector<std::string>& args,
                    std::ostream& out) {
  if (args.empty()) {
    return Usage(
        "users add|list|disable|enable|set-role|reset-password|unlock ...");
  }
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) return database.status();
  auth::PasswordHasher hasher;
  auth::Accounts accounts(**database, hasher);
  auth::AuditRecorder recorder(CommandLine());
  storage::ScopedWriteObserver observe(&recorder);
  const std::string& verb = args[0];
  auto find = [&](const std::string& name) {
    return accounts.FindByName(name);
  };

  if (verb == "list" && args.size() == 1) {
    auto users = accounts.List();
    if (!users.ok()) return users.status();
    out << std::left << std::setw(20) << "USERNAME" << std::setw(14) << "ROLE"
        << std::setw(18) << "SCOPE"
        << "STATE\n";
    for (const auth::User& user : *users) {
      out << std::setw(20) << user.username << std::setw(14) << user.role
          << std::setw(18) << (user.scope.empty() ? "-" : user.scope)
          << (user.disabled ? "disabled" : "active") << "\n";
    }
    return Status::Ok();
  }
  if (verb == "add" && (args.size() == 3 || args.size() == 4)) {
    auth::NewUser user;
    user.username = args[1];
    user.role = args[2];
    if (args.size() == 4) user.scope = args[3];
    if (const char* password = std::getenv("SMARTERCITIES_NEW_PASSWORD"))
      user.password = password;
    auto added = accounts.Add(user);
    if (!added.ok()) return added.status();
    out << "account '" << added->first.username << "' created ("
        << added->first.role
        << (added->first.scope.empty() ? "" : " of " + added->first.scope)
        << ")\n";
    if (user.password.empty()) {
      out << "password (shown only now): " << added->second << "\n";
    }
    return Status::Ok();
  }
  if ((verb == "disable" || verb == "enable") && args.size() == 2) {
    auto user = find(args[1]);
    if (!user.ok()) return user.status();
    auto changed = accounts.SetDisabled(user->id, verb == "disable");
    if (!changed.ok()) return changed.status();
    out << "account '" << changed->username << "' "
        << (changed->disabled ? "disabled; its sessions have ended" : "enabled")
        << "\n";
    return Status::Ok();
  }
  if (verb == "set-role" && (args.size() == 3 || args.size() == 4)) {
    auto user = find(args[1]);
    if (!user.ok()) return user.status();
    auto changed =
        accounts.SetRole(user->id, args[2], args.size() == 4 ? args[3] : "");
    if (!changed.ok()) return changed.status();
    out << "account '" << changed->username << "' is now " << changed->role
        << (changed->scope.empty() ? "" : " of " + changed->scope) << "\n";
    return Status::Ok();
  }
  if (verb == "unlock" && args.size() == 2) {
    auto forgotten = accounts.Unlock(args[1]);
    if (!forgotten.ok()) return forgotten.status();
    api::LogSecurityEvent(
        "account '" + args[1] + "' unlocked from the command line (" +
        std::to_string(*forgotten) + " failed logins forgotten)");
    out << "account '" << args[1] << "' may log in again; " << *forgotten
        << " failed logins of the last hour are forgotten (its owner is "
           "still told about them at the next login)\n";
    return Status::Ok();
  }
  if (verb == "reset-password" && args.size() == 2) {
    auto user = find(args[1]);
    if (!user.ok()) return user.status();
    auto password = accounts.ResetPassword(user->id);
    if (!password.ok()) return password.status();
    out << "new password for '" << user->username
        << "' (shown only now; its sessions have ended): " << *password << "\n";
    return Status::Ok();
  }
  return Usage(
      "users add NAME ROLE [SCOPE] | list | disable NAME | enable NAME | "
      "set-role NAME ROLE [SCOPE] | reset-password NAME | unlock NAME");
}

Status TokensCommand(const Config& config, const std::vector<std::string>& args,
                     std::ostream& out) {
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) return database.status();
  auth::TokenService tokens(**database);
  auth::AuditRecorder recorder(CommandLine());
  storage::ScopedWriteObserver observe(&recorder);
  if (args.size() == 1 && args[0] == "list") {
    auto list = tokens.List();
    if (!list.ok()) return list.status();
    out << std::left << std::setw(6) << "ID" << std::setw(24) << "NAME"
        << std::setw(14) << "ROLE" << std::setw(18) << "SCOPE"
        << "STATE\n";
    for (const auto& token : *list) {
      out << std::setw(6) << token.id << std::setw(24) << token.name
          << std::setw(14) << token.role << std::setw(18)
          << (token.scope.empty() ? "-" : token.scope)
          << (token.revoked_at.empty() ? "valid"
                                       : "revoked " + token.revoked_at)
          << "\n";
    }
    return Status::Ok();
  }
  if (!args.empty() && args[0] == "create" &&
      (args.size() == 3 || args.size() == 4)) {
    auto created =
        tokens.Create(args[1], args[2], args.size() == 4 ? args[3] : "", "cli");
    if (!created.ok()) return created.status();
    out << "token " << created->first.id << " '" << created->first.name
        << "' created (" << created->first.role
        << (created->first.scope.empty() ? "" : " of " + created->first.scope)
        << "); its text, shown only now:\n"
        << created->second << "\n";
    return Status::Ok();
  }
  if (args.size() == 2 && args[0] == "revoke") {
    std::int64_t id = 0;
    auto [end, error] =
        std::from_chars(args[1].data(), args[1].data() + args[1].size(), id);
    if (error != std::errc() || end != args[1].data() + args[1].size()) {
      return Status::InvalidArgument(
          "token id: a number from 'tokens list', "
          "got '" +
          args[1] + "'");
    }
    auto revoked = tokens.Revoke(id);
    if (!revoked.ok()) return revoked.status();
    out << "token " << revoked->id << " '" << revoked->name << "' is revoked\n";
    return Status::Ok();
  }
  return Usage("tokens create NAME ROLE [SCOPE] | list | revoke ID");
}

Status VerifyAudit(const Config& config, std::ostream& out) {
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) return database.status();
  auto result = auth::VerifyAuditTrail(**database);
  if (!result.ok()) return result.status();
  if (result->broken_at) {
    return Status::FailedPrecondition(
        "the audit trail is broken: " + result->problem + " (" +
        std::to_string(result->rows) + " rows read)");
  }
  out << "the audit trail is intact: " << result->rows
      << " rows, each linked to the one before\n";
  return Status::Ok();
}

}  // namespace smartercities::app
