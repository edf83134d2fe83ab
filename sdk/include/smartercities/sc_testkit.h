/*
 * sc_testkit.h — the C interface of the Smarter Cities test kit.
 *
 * The test kit (libsmartercities_testkit.so, CMake target
 * SmarterCities::testkit) loads a built theme plugin through the platform's
 * real loader into a fresh scratch data directory and database (with the
 * covenant's cities), switches it on, and lets a test call its routes as
 * any caller — the public, an administrator, a theme editor or a city
 * editor — through the platform's real access control, and read its
 * tables.
 *
 * Like the plugin ABI (sc_plugin.h), only C crosses: integers,
 * (pointer, length) strings, opaque handles and callbacks. So a test built
 * with any C++ compiler and standard library (GCC or Clang, libstdc++ or
 * libc++) can link the kit, which is built with the platform's toolchain.
 * Most tests use the header-only C++ wrapper in smartercities/testkit.h.
 *
 * Ownership. Strings handed to callbacks are valid during that call only;
 * the message behind an sc_str* error stays valid until the next call of
 * the kit on the same thread.
 *
 * Threads. A kit handle is not thread-safe: use one per test, from one
 * thread at a time. Separate handles are independent.
 */
#ifndef SMARTERCITIES_SC_TESTKIT_H_
#define SMARTERCITIES_SC_TESTKIT_H_

#include <smartercities/sc_plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SC_TESTKIT_API __attribute__((visibility("default")))
#else
#define SC_TESTKIT_API
#endif

/* A scratch platform with one plugin loaded. */
typedef struct sc_testkit sc_testkit;

/* One call of a route. */
typedef struct sc_testkit_request {
  size_t struct_size;
  sc_str method;       /* "GET", "POST", ... */
  sc_str target;       /* path and query: "/api/v1/themes/x/items?page=2" */
  sc_str body;         /* empty: none */
  sc_str content_type; /* of the body; empty: application/json */
  /* Who calls: "" for the public, "admin", "theme-editor" or
   * "city-editor"; scope is the theme id (theme editor) or the CBS code
   * (city editor) the role is limited to. The kit makes an API token for
   * the role and scope in the scratch database and sends it as a bearer
   * token, so the platform's access control decides as it would in
   * production. */
  sc_str role;
  sc_str scope;
  const sc_pair* headers; /* further request headers */
  size_t num_headers;
} sc_testkit_request;

/* Makes the scratch platform, loads the plugin at library_path (and the
 * sidecar manifest beside it, when there is one) and switches it on.
 * Returns NULL and fills *error when the platform would not load or start
 * it; the message names the reason. */
SC_TESTKIT_API sc_testkit* sc_testkit_open(sc_str library_path, sc_str* error);

/* Stops the plugin and removes the scratch directory. */
SC_TESTKIT_API void sc_testkit_close(sc_testkit* kit);

/* Calls a route as the platform would: access control (the route's
 * permission, the caller's scope, the city a request names), the body's
 * media type and text rules, then the plugin's handler; the answer is
 * written to response (without the headers the HTTP server adds to every
 * answer). An unknown path answers 404, a method the path does not take
 * 405. Returns SC_OK when an answer was written, whatever its status;
 * SC_INVALID_ARGUMENT (with *error) for a malformed request or a role and
 * scope the platform would not give a token (an unknown role, a city that
 * is not the covenant's). */
SC_TESTKIT_API int sc_testkit_call(sc_testkit* kit,
                                   const sc_testkit_request* request,
                                   const sc_response_writer* response,
                                   sc_str* error);

/* Runs one read-only SQL statement on the scratch database (any table) and
 * calls on_row for each row. Returns SC_OK, or an error code with *error. */
SC_TESTKIT_API int sc_testkit_query(sc_testkit* kit, sc_str sql,
                                    sc_row_callback on_row, void* row_context,
                                    sc_str* error);

/* What the platform says of the plugin's module: field is "id", "state"
 * ("enabled", ...), "reason" (why it is failed or disabled), "failure" (the
 * kind of a load failure: "abi", "manifest", "init", ...) or "abi". The
 * string stays valid until the next call on the kit. {NULL, 0} for an
 * unknown field. */
SC_TESTKIT_API sc_str sc_testkit_module(sc_testkit* kit, sc_str field);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SMARTERCITIES_SC_TESTKIT_H_ */
