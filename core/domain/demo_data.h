// demo_data.h — the clearly labelled sample that makes a first visit show a
// living site: figures for every indicator and each theme's own sample rows
// (its manifest's "demo" statements).
//
// Every demo record carries is_demo = 1 and the API shows it as demo;
// RemoveDemo deletes exactly those records (in the core's measurements and in
// every plugin table with an is_demo column), so real data is never touched.
// Loading again first removes the previous sample. Thread-safe through the
// Database.
#ifndef SMARTERCITIES_CORE_DOMAIN_DEMO_DATA_H_
#define SMARTERCITIES_CORE_DOMAIN_DEMO_DATA_H_

#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/storage/database.h"

namespace smartercities::domain {

struct DemoSummary {
  int measurements = 0;
  int theme_rows = 0;
};

// Loads the sample for the given themes (whose tables and catalog entries
// must exist). Each theme's part runs in one transaction.
Result<DemoSummary> LoadDemo(storage::Database& database,
                             const std::vector<ThemeManifest>& themes);

// Removes every demo record of the given themes and of the core.
Result<DemoSummary> RemoveDemo(storage::Database& database,
                               const std::vector<ThemeManifest>& themes);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_DEMO_DATA_H_
