// status.h — Status and Result<T>, the values that cross subsystem
// boundaries inside the core instead of exceptions.
//
// A Status is ok or carries a code and a message a person can act on
// ("plugin 'x' (plugins/libx.so) was built for SDK ABI 2.0; this host
// supports 1.0"). Result<T> is a T or a failed Status. Both are cheap to move
// and not thread-safe to mutate; copies are independent.
#ifndef SMARTERCITIES_CORE_BASE_STATUS_H_
#define SMARTERCITIES_CORE_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace smartercities {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (HTTP 400)
  kNotFound,            // no such object (HTTP 404)
  kAlreadyExists,       // a conflict with what is stored (HTTP 409)
  kPermissionDenied,    // the caller may not do this (HTTP 403)
  kUnauthenticated,     // the caller is not known (HTTP 401)
  kFailedPrecondition,  // the state forbids it (HTTP 409)
  kUnavailable,         // try again later (HTTP 503)
  kResourceExhausted,   // too many attempts; try again later (HTTP 429)
  kInternal,            // a fault of ours (HTTP 500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) {
    return {StatusCode::kNotFound, std::move(m)};
  }
  static Status AlreadyExists(std::string m) {
    return {StatusCode::kAlreadyExists, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Unavailable(std::string m) {
    return {StatusCode::kUnavailable, std::move(m)};
  }
  static Status Internal(std::string m) {
    return {StatusCode::kInternal, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with context: "migration 3: " + message.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value of type T, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  // The value; only when ok(). On a Result about to go away
  // (`Make().value()`, `std::move(result).value()`) the value is moved out
  // and returned by value, so a reference bound to it does not outlive it.
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace smartercities

#endif  // SMARTERCITIES_CORE_BASE_STATUS_H_
