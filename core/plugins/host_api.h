// host_api.h — the host services table (sc_host_api) a plugin receives in
// init: route registration, logging, configuration and storage, each call
// bound to the calling plugin through its PluginContext.
//
// Thread-safety: every function in the table is thread-safe, as
// sc_plugin.h promises.
#ifndef SMARTERCITIES_CORE_PLUGINS_HOST_API_H_
#define SMARTERCITIES_CORE_PLUGINS_HOST_API_H_

#include <smartercities/sc_plugin.h>

#include "core/plugins/module.h"
#include "core/storage/database.h"

namespace smartercities::plugins {

// Builds the table for module; database must outlive the module.
sc_host_api MakeHostApi(Module& module, storage::Database& database);

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_HOST_API_H_
