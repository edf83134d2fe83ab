// module_info.h — what the admin API, the command line and the test kit see
// of a theme module: its lifecycle state, why a load failed, and a snapshot
// of one module. Plain data; nothing here knows how plugins are loaded.
#ifndef SMARTERCITIES_CORE_PLUGINS_MODULE_INFO_H_
#define SMARTERCITIES_CORE_PLUGINS_MODULE_INFO_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/plugins/circuit_breaker.h"

namespace smartercities::plugins {

enum class ModuleState {
  kDiscovered,
  kValidated,
  kLoaded,
  kInitialized,
  kEnabled,
  kDisabled,
  kFailed,
};

std::string_view ToString(ModuleState state);

// Why a module failed, for programs (the reason says it for people). Each
// names the step of loading or starting that refused it.
enum class LoadFailure {
  kNone,
  kFile,        // not a regular file, wrong owner, writable by others
  kMarker,      // not a shared library, or no ABI marker section
  kAbi,         // built for another ABI major or a newer minor
  kLibrary,     // dlopen failed (a missing dependency)
  kEntry,       // no sc_plugin_entry, or it returned no descriptor
  kDescriptor,  // descriptor too small or without a function
  kManifest,    // the embedded manifest is invalid or its id differs
  kDuplicate,   // another module has the id, or its table prefix overlaps
  kEngine,      // its manifest does not name the database's storage engine
  kVersion,     // the database records a newer version of its theme
  kStorage,     // its migrations or the catalogue sync failed
  kInit,        // its init returned a failure
  kRoutes,      // the router refused one of its routes
};

// "file", "marker", "abi", ...; "" for kNone.
std::string_view ToString(LoadFailure failure);

// A snapshot of one module for the admin API and the CLI.
struct ModuleInfo {
  std::string id;
  std::string version;
  std::string file;
  ModuleState state = ModuleState::kDiscovered;
  std::string reason;
  LoadFailure failure = LoadFailure::kNone;
  bool enabled = false;  // whether it serves now
  std::string abi;       // "1.1"; empty when not read
  // The file's SHA-256 (domain::FileDigest); empty until it is loaded.
  std::string file_digest;
  std::string name;  // the theme's Dutch name; empty when not read
  std::vector<std::string> routes;  // "GET /api/v1/themes/x/..."
  // The circuit breaker and the share; empty breaker before loading.
  CircuitBreaker::Description breaker;
  int running = 0;  // requests running or waiting now
  int share = 0;
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_MODULE_INFO_H_
