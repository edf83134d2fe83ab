// http_logger.h — where core/http writes its log lines, the access log
// included. Internal to core/http.
//
// Thread-safety: spdlog loggers may be used from any thread.
#ifndef SMARTERCITIES_CORE_HTTP_HTTP_LOGGER_H_
#define SMARTERCITIES_CORE_HTTP_HTTP_LOGGER_H_

#include <spdlog/spdlog.h>

#include <memory>

namespace smartercities::http {

// The logger registered as "http" when the application set one up, so that
// it can send the access log elsewhere; otherwise the default logger.
inline std::shared_ptr<spdlog::logger> HttpLogger() {
  auto logger = spdlog::get("http");
  return logger ? logger : spdlog::default_logger();
}

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_HTTP_LOGGER_H_
