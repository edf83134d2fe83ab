#include "core/domain/funding.h"

#include "core/base/time_format.h"
#include "core/domain/covenant_term.h"
#include "core/domain/model.h"

namespace smartercities::domain {
namespace {

using nlohmann::json;

Status FieldError(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field + ": " + message);
}

struct Totals {
  std::int64_t costs = 0;
  std::int64_t applications = 0;
  std::int64_t contributions = 0;
};

Result<Totals> ReadTotals(storage::Connection& db) {
  Totals totals;
  Status status = db.Execute(
      "SELECT kind, COALESCE(SUM(amount_cents), 0) AS total FROM "
      "funding_entries GROUP BY kind",
      {}, [&](const storage::Row& row) {
        std::string kind = row.Text("kind");
        std::int64_t total = row.Integer("total");
        if (kind == "cost") totals.costs = total;
        if (kind == "application") totals.applications = total;
        if (kind == "contribution") totals.contributions = total;
        return true;
      });
  if (!status.ok()) return status;
  return totals;
}

json EntryJson(const storage::Row& row) {
  auto justification = row.OptionalText("justification");
  return {{"id", row.Integer("id")},
          {"kind", row.Text("kind")},
          {"date", row.Text("date")},
          {"amountCents", row.Integer("amount_cents")},
          {"description", row.Text("description")},
          {"documentReference", row.Text("document_reference")},
          {"justification", justification ? json(*justification) : json()},
          {"recordedAt", row.Text("recorded_at")},
          {"recordedBy", row.Text("recorded_by")}};
}

// EZ's share of the costs in basis points, rounded down; null without
// costs.
json ShareBasisPoints(std::int64_t contributions, std::int64_t costs) {
  if (costs <= 0) return nullptr;
  // Both are at most a few times 10^8 cents: the product fits in 64 bits.
  return contributions * 10000 / costs;
}

}  // namespace

std::string FormatEuro(std::int64_t cents) {
  bool negative = cents < 0;
  std::uint64_t value = negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1
                                 : static_cast<std::uint64_t>(cents);
  std::string euros = std::to_string(value / 100);
  std::string grouped;
  for (std::size_t i = 0; i < euros.size(); ++i) {
    if (i > 0 && (euros.size() - i) % 3 == 0) grouped += ',';
    grouped += euros[i];
  }
  const unsigned fraction = static_cast<unsigned>(value % 100);
  std::string out = "EUR ";
  if (negative) out += '-';
  out += grouped;
  out += '.';
  out += static_cast<char>('0' + fraction / 10);
  out += static_cast<char>('0' + fraction % 10);
  return out;
}

ContributionCheck CheckContribution(std::int64_t costs_cents,
                                    std::int64_t contributed_cents,
                                    std::int64_t amount_cents) {
  ContributionCheck check;
  std::int64_t remaining = kEzContributionLimitCents - contributed_cents;
  if (amount_cents > remaining) {
    check.over_limit =
        "art. 7b: EZ contributes at most " +
        FormatEuro(kEzContributionLimitCents) + " over the covenant's term; " +
        FormatEuro(contributed_cents) + " is recorded, so " +
        FormatEuro(remaining < 0 ? 0 : remaining) +
        " remains and this contribution of " + FormatEuro(amount_cents) +
        " would pass the limit by " + FormatEuro(amount_cents - remaining);
  }
  // Above half: 2 * contributions > costs, in whole cents.
  std::int64_t after = contributed_cents + amount_cents;
  if (after * 2 > costs_cents) {
    check.above_half =
        "art. 7b: the starting point is that EZ co-finances 50% of "
        "Stedenlink's costs; with this contribution EZ would pay " +
        FormatEuro(after) + " of " + FormatEuro(costs_cents) +
        " recorded costs (at most " + FormatEuro(costs_cents / 2) +
        " is half); record why in \"justification\", or record the costs "
        "first";
  }
  return check;
}

Result<json> Funding::Summary() {
  json out;
  Status status = database_.Read([&](storage::Connection& db) -> Status {
    auto totals = ReadTotals(db);
    if (!totals.ok()) return totals.status();
    json costs = json::array();
    json applications = json::array();
    json contributions = json::array();
    Status read = db.Execute(
        "SELECT id, kind, date, amount_cents, description, "
        "document_reference, justification, recorded_at, recorded_by FROM "
        "funding_entries ORDER BY date, id",
        {}, [&](const storage::Row& row) {
          json entry = EntryJson(row);
          std::string kind = row.Text("kind");
          if (kind == "cost") costs.push_back(entry);
          if (kind == "application") applications.push_back(entry);
          if (kind == "contribution") {
            entry["aboveCoFinancing"] = !entry["justification"].is_null();
            contributions.push_back(entry);
          }
          return true;
        });
    if (!read.ok()) return read;
    out = {
        {"limitCents", kEzContributionLimitCents},
        {"costsCents", totals->costs},
        {"applicationsCents", totals->applications},
        {"contributionsCents", totals->contributions},
        {"remainingCents", kEzContributionLimitCents - totals->contributions},
        {"shareBasisPoints",
         ShareBasisPoints(totals->contributions, totals->costs)},
        {"withinCoFinancing", totals->contributions * 2 <= totals->costs},
        {"costs", {{"items", costs}, {"total", costs.size()}}},
        {"applications",
         {{"items", applications}, {"total", applications.size()}}},
        {"contributions",
         {{"items", contributions}, {"total", contributions.size()}}}};
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::variant<json, RuleRefusal>> Funding::Record(
    std::string_view kind, const json& fields, const std::string& who) {
  for (const char* key : {"date", "description", "documentReference"}) {
    if (!fields.contains(key) || !fields[key].is_string() ||
        fields[key].get<std::string>().empty()) {
      return FieldError(key, "is required, as text");
    }
  }
  std::string date = fields["date"];
  if (!IsCalendarDate(date)) {
    return FieldError("date", "must be a date as YYYY-MM-DD");
  }
  if (kind == "cost" &&
      (date < kCovenantEffectiveDate || date > kCovenantEndDate)) {
    return FieldError("date",
                      "art. 7b: EZ supports the costs Stedenlink makes "
                      "during the covenant's term, " +
                          std::string(kCovenantEffectiveDate) + " to " +
                          std::string(kCovenantEndDate) + "; " + date +
                          " is outside it");
  }
  if (!fields.contains("amountCents") ||
      !fields["amountCents"].is_number_integer() ||
      fields["amountCents"].get<std::int64_t>() <= 0 ||
      fields["amountCents"].get<std::int64_t>() >
          kEzContributionLimitCents * 100) {
    return FieldError("amountCents",
                      "must be a whole number of euro cents from 1 to "
                      "10,000,000,000 (EUR 12.50 is 1250)");
  }
  std::int64_t amount = fields["amountCents"];
  std::optional<std::string> justification;
  if (fields.contains("justification") && !fields["justification"].is_null()) {
    if (!fields["justification"].is_string()) {
      return FieldError("justification", "must be text");
    }
    std::string text = fields["justification"];
    if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
      justification = text;
    }
  }
  if (kind != "contribution" && justification) {
    return FieldError("justification",
                      "only a contribution above the 50% co-financing "
                      "carries a justification");
  }

  std::optional<json> stored;
  std::optional<RuleRefusal> refused;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    if (kind == "contribution") {
      auto totals = ReadTotals(db);
      if (!totals.ok()) return totals.status();
      ContributionCheck check =
          CheckContribution(totals->costs, totals->contributions, amount);
      if (check.over_limit) {
        refused = RuleRefusal{*check.over_limit};
        return Status::Ok();
      }
      if (!check.above_half) {
        // Within the 50%: a justification would be recorded for nothing.
        justification.reset();
      } else if (!justification) {
        refused = RuleRefusal{*check.above_half};
        return Status::Ok();
      }
    }
    Status inserted = db.Execute(
        "INSERT INTO funding_entries (kind, date, amount_cents, description, "
        "document_reference, justification, recorded_at, recorded_by) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        std::vector<storage::Value>{
            std::string(kind), date, amount,
            fields["description"].get<std::string>(),
            fields["documentReference"].get<std::string>(),
            justification ? storage::Value(*justification)
                          : storage::Value(nullptr),
            NowUtc(), who});
    if (!inserted.ok()) return inserted;
    auto rows = db.Query(
        "SELECT id, kind, date, amount_cents, description, "
        "document_reference, justification, recorded_at, recorded_by FROM "
        "funding_entries WHERE id = ?1",
        std::vector<storage::Value>{db.LastInsertId()});
    if (!rows.ok()) return rows.status();
    json entry = EntryJson(rows->front());
    if (kind == "contribution") {
      entry["aboveCoFinancing"] = !entry["justification"].is_null();
    }
    stored = entry;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (refused) return std::variant<json, RuleRefusal>(*refused);
  return std::variant<json, RuleRefusal>(*stored);
}

}  // namespace smartercities::domain
