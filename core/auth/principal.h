// principal.h — the roles as stored and as the API spells them, and the
// caller (core/base/principal.h) under the name the auth subsystem uses.
#ifndef SMARTERCITIES_CORE_AUTH_PRINCIPAL_H_
#define SMARTERCITIES_CORE_AUTH_PRINCIPAL_H_

#include "core/base/principal.h"

namespace smartercities::auth {

using Principal = smartercities::Principal;

inline constexpr const char* kAdmin = "admin";
inline constexpr const char* kThemeEditor = "theme-editor";
inline constexpr const char* kCityEditor = "city-editor";

}  // namespace smartercities::auth

#endif  // SMARTERCITIES_CORE_AUTH_PRINCIPAL_H_
