/*
 * sc_plugin.h — the C ABI between the Smarter Cities host and a theme plugin.
 *
 * A theme plugin is a shared library that exports exactly one function,
 * sc_plugin_entry(), returning a pointer to a static sc_plugin_descriptor.
 * Everything that crosses between host and plugin is plain C: integers,
 * (pointer, length) strings, opaque context pointers and function pointers.
 * No C++ type and no exception ever crosses.
 *
 * Most authors do not use this header directly: smartercities/plugin.h wraps
 * it in ordinary C++ classes and the SMARTERCITIES_PLUGIN() macro.
 *
 * Versioning. SC_ABI_MAJOR changes when a change would break existing plugins;
 * the host refuses a plugin with another major. SC_ABI_MINOR grows when fields
 * or functions are appended; the host refuses a plugin whose minor is newer
 * than its own and reads every struct only up to the struct_size the other
 * side reports, so older plugins keep working. Fields marked "since 1.1" are
 * valid only when the struct's struct_size covers them.
 *
 * ABI 1.1 added: the caller as typed fields of sc_request (a plugin never
 * sees a credential: the host removes the Authorization and Cookie headers,
 * the session id and the CSRF token before a plugin is called);
 * sc_host_api.execute_returning (the id of the row a statement inserted and
 * the number of rows it changed) and sc_host_api.describe_route (what the
 * OpenAPI document says of a route).
 *
 * Ownership. Strings handed to a callback are valid only during that call;
 * copy what you keep. The descriptor and its strings belong to the plugin and
 * must live as long as the library is loaded.
 *
 * Threads. init and shutdown are called once each, on one thread. handle may
 * be called on several worker threads at once and must be thread-safe. All
 * host functions in sc_host_api are thread-safe.
 */
#ifndef SMARTERCITIES_SC_PLUGIN_H_
#define SMARTERCITIES_SC_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SC_ABI_MAJOR 1
#define SC_ABI_MINOR 1

/* The name of the one function a plugin exports. */
#define SC_PLUGIN_ENTRY_SYMBOL "sc_plugin_entry"

/* The section that marks a library as a Smarter Cities plugin. The host
 * checks for it before it runs any code of the library. Its content is
 * SC_ABI_MARKER_PREFIX followed by "<major>.<minor>". */
#define SC_ABI_MARKER_SECTION "smartercities_abi"
#define SC_ABI_MARKER_PREFIX "smartercities-plugin-abi:"

#if defined(__GNUC__)
#define SC_EXPORT __attribute__((visibility("default")))
#else
#define SC_EXPORT
#endif

/* A string that is not necessarily NUL-terminated. {NULL, 0} is empty. */
typedef struct sc_str {
  const char* data;
  size_t size;
} sc_str;

/* Result codes. SC_OK is success; every other code comes with a message
 * (from last_error on the plugin side, or from the host call's error string
 * on the host side). */
typedef enum sc_status {
  SC_OK = 0,
  SC_ERROR = 1,            /* anything not listed below */
  SC_INVALID_ARGUMENT = 2, /* the caller's input is wrong */
  SC_NOT_FOUND = 3,        /* the object does not exist */
  SC_CONFLICT = 4,         /* the object exists or the state forbids it */
  SC_PERMISSION_DENIED = 5 /* the caller may not do this */
} sc_status;

/* Log levels for sc_host_api.log. */
typedef enum sc_log_level {
  SC_LOG_DEBUG = 0,
  SC_LOG_INFO = 1,
  SC_LOG_WARN = 2,
  SC_LOG_ERROR = 3
} sc_log_level;

/* Who calls a route (sc_request.caller_kind). */
typedef enum sc_caller_kind {
  SC_CALLER_PUBLIC = 0,  /* nobody logged in */
  SC_CALLER_ACCOUNT = 1, /* a person's account, by a login session */
  SC_CALLER_TOKEN = 2    /* an API token */
} sc_caller_kind;

/* The caller's role (sc_request.caller_role). */
typedef enum sc_role {
  SC_ROLE_NONE = 0,         /* the public */
  SC_ROLE_ADMIN = 1,        /* an administrator: everything */
  SC_ROLE_THEME_EDITOR = 2, /* edits the one theme in caller_scope */
  SC_ROLE_CITY_EDITOR = 3   /* reports for the one city in caller_scope */
} sc_role;

/* One name/value pair: a header, a path parameter or a query parameter. */
typedef struct sc_pair {
  sc_str name;
  sc_str value;
} sc_pair;

/* An HTTP request as the host hands it to a plugin's route. All strings
 * belong to the host and are valid during the handle call only. Path and
 * query parameters are already percent-decoded. Header names are lower
 * case. The headers never include a credential: Authorization, Cookie, the
 * CSRF token and the host's own x-smartercities-* headers are removed. */
typedef struct sc_request {
  size_t struct_size;
  uint32_t route_id; /* the id the plugin gave register_route */
  sc_str method;     /* "GET", "POST", ... */
  sc_str path;       /* the full path, e.g. "/api/v1/themes/x/items/3" */
  const sc_pair* path_params;
  size_t num_path_params;
  const sc_pair* query_params;
  size_t num_query_params;
  const sc_pair* headers;
  size_t num_headers;
  sc_str body;
  sc_str request_id; /* the id the host gives this request in its logs */

  /* Since 1.1: who calls, as the host's access control established it
   * before the handler runs (after checking the route's permission). */
  uint32_t caller_kind; /* sc_caller_kind */
  uint32_t caller_role; /* sc_role */
  int64_t caller_id;    /* the account's or the token's id; 0 for the public */
  sc_str caller_name;   /* "user:anna", "token:helmond-export"; empty for the
                           public */
  sc_str caller_scope;  /* the theme id (theme editor) or CBS code (city
                           editor) the role is limited to; empty otherwise */
} sc_request;

/* Where a plugin writes its response. The host owns it; the functions may be
 * called any number of times during the handle call and never after it. The
 * default response is 200 with an empty body. */
typedef struct sc_response_writer {
  size_t struct_size;
  void* context;
  void (*set_status)(void* context, int status);
  void (*set_header)(void* context, sc_str name, sc_str value);
  void (*append_body)(void* context, sc_str data);
} sc_response_writer;

/* A value bound to, or read from, an SQL statement. */
typedef enum sc_value_type {
  SC_VALUE_NULL = 0,
  SC_VALUE_INTEGER = 1,
  SC_VALUE_REAL = 2,
  SC_VALUE_TEXT = 3
} sc_value_type;

typedef struct sc_value {
  sc_value_type type;
  int64_t integer;
  double real;
  sc_str text;
} sc_value;

/* Called once per result row. columns[i] has the name names[i]. Return 0 to
 * go on, anything else to stop reading rows. */
typedef int (*sc_row_callback)(void* context, const sc_str* names,
                               const sc_value* columns, size_t num_columns);

/* What a statement did (sc_host_api.execute_returning, since 1.1). */
typedef struct sc_statement_result {
  size_t struct_size;
  int64_t last_insert_id; /* the rowid of the last row it inserted, or 0 */
  int64_t changes;        /* rows it inserted, updated or deleted */
} sc_statement_result;

/* What the OpenAPI document (GET /api/v1/openapi.json) says of a route,
 * beyond what its manifest declaration says (sc_host_api.describe_route,
 * since 1.1). Schemas are JSON Schema objects as JSON text; empty strings
 * and empty lists leave the manifest's declaration. */
typedef struct sc_route_description {
  size_t struct_size;
  int success_status;     /* 200, 201 or 204; 0 leaves the manifest's */
  sc_str request_schema;  /* the body's schema */
  sc_str response_schema; /* the schema of the successful answer's body */
  const sc_pair* query;   /* query parameters: name and what it does */
  size_t num_query;
  const sc_pair* responses; /* other answers: status ("409") and when */
  size_t num_responses;
} sc_route_description;

/* An open write transaction; see sc_host_api.transaction. */
typedef struct sc_transaction sc_transaction;

/* Called inside a write transaction. Return SC_OK to commit; anything else
 * rolls back everything done in it. */
typedef int (*sc_transaction_body)(void* context, sc_transaction* transaction);

/* What the host offers a plugin. The host passes it to init; the pointer and
 * the functions stay valid until shutdown returns. host_context identifies
 * the plugin to the host and is the first argument of every call.
 *
 * Functions that return sc_status also fill *error (when error is not NULL)
 * with a message that stays valid until the next host call on this thread. */
typedef struct sc_host_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  void* host_context;

  /* Registers a route. method is an HTTP method; path is relative to the
   * theme's prefix /api/v1/themes/<id> and must be declared in the
   * manifest's "routes" with the same method. Segments written {name} are
   * path parameters. Only valid during init. SC_INVALID_ARGUMENT for a path
   * outside the manifest or a malformed one, SC_CONFLICT for a route that is
   * already registered. */
  int (*register_route)(void* host_context, sc_str method, sc_str path,
                        uint32_t route_id, sc_str* error);

  /* Writes one line to the host's log, tagged with the plugin id. */
  void (*log)(void* host_context, int level, sc_str message);

  /* Reads a configuration value given to this plugin by the operator.
   * Returns {NULL, 0} when it is not set. The string lives until shutdown. */
  sc_str (*config)(void* host_context, sc_str key);

  /* Runs one SQL statement with ? parameters and calls on_row for each row.
   * With transaction NULL, a statement that only reads runs on a read
   * connection and any other statement runs in a write transaction of its
   * own. The statement may touch only tables whose name starts with the
   * plugin's table prefix (its id with '-' as '_', then '_') and read the
   * host's public views (names starting with "public_"); anything else fails
   * with SC_PERMISSION_DENIED. on_row may be NULL. */
  int (*execute)(void* host_context, sc_transaction* transaction, sc_str sql,
                 const sc_value* params, size_t num_params,
                 sc_row_callback on_row, void* row_context, sc_str* error);

  /* Runs body inside one write transaction, which commits when body returns
   * SC_OK and rolls back otherwise. Returns body's result, or SC_ERROR when
   * the commit fails. Transactions do not nest. */
  int (*transaction)(void* host_context, sc_transaction_body body,
                     void* body_context, sc_str* error);

  /* Since 1.1. Runs one statement as execute does and, on success, fills
   * *result (when not NULL): the rowid of the last row it inserted (for an
   * INTEGER PRIMARY KEY, the new row's id) and how many rows it changed. */
  int (*execute_returning)(void* host_context, sc_transaction* transaction,
                           sc_str sql, const sc_value* params,
                           size_t num_params, sc_row_callback on_row,
                           void* row_context, sc_statement_result* result,
                           sc_str* error);

  /* Since 1.1. Describes a route registered in this init for the OpenAPI
   * document. Only valid during init, after register_route for the same
   * method and path. SC_NOT_FOUND for a route not registered,
   * SC_INVALID_ARGUMENT for a schema that is not a JSON object or a status
   * that is not a number from 200 to 599. */
  int (*describe_route)(void* host_context, sc_str method, sc_str path,
                        const sc_route_description* description, sc_str* error);
} sc_host_api;

/* What a plugin declares about itself. Returned by sc_plugin_entry(); the
 * host reads fields only up to struct_size. */
typedef struct sc_plugin_descriptor {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  sc_str id;            /* the theme id, e.g. "regelluwe-stad" */
  sc_str version;       /* the plugin's semantic version */
  sc_str manifest_json; /* theme.json as built into the library */

  /* Starts the plugin: registers routes, checks configuration. On success
   * stores the plugin's state in *instance and returns SC_OK. On failure the
   * host calls last_error, rolls back every route the plugin registered and
   * does not call shutdown. */
  int (*init)(const sc_host_api* host, void** instance);

  /* Stops the plugin and frees its state. Called once, after the last
   * handle call has returned. */
  void (*shutdown)(void* instance);

  /* The message of the last failure on the calling thread. */
  sc_str (*last_error)(void);

  /* Handles one request to a route registered in init. Returns SC_OK when a
   * response was written (whatever its status). Any other code makes the
   * host answer 500 and log last_error. */
  int (*handle)(void* instance, const sc_request* request,
                const sc_response_writer* response);
} sc_plugin_descriptor;

/* The signature of the one exported function. */
typedef const sc_plugin_descriptor* (*sc_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SMARTERCITIES_SC_PLUGIN_H_ */
