#pragma once

#include <cassert>
#include <map>
#include <string>
#include <utility>
#include <variant>

namespace kirim {

// The kinds of expected failure. Each maps to one HTTP status at the API edge; modules pick the
// closest kind and put the specifics in the message and details.
enum class Errc {
  invalid_argument,  // the caller's input is wrong (400)
  unauthenticated,   // no or bad credentials (401)
  forbidden,         // authenticated but not allowed (403)
  not_found,         // no such thing, or not visible to the caller (404)
  conflict,          // clashes with stored state (409)
  too_many,          // rate limited (429)
  unavailable,       // a dependency is down or busy; retrying may help (503)
  internal,          // a bug or an unexpected failure of a dependency (500)
};

[[nodiscard]] const char* errc_name(Errc code);

// An expected failure: a kind, a message for people, optional per-field details, and an optional
// machine-readable reason that refines the kind at the API edge (e.g. "invalid_json").
struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::map<std::string, std::string> details;  // field -> reason, for validation failures
  std::string reason;                          // empty: derived from code
};

[[nodiscard]] inline Error make_error(Errc code, std::string message, std::string reason = {}) {
  return Error{code, std::move(message), {}, std::move(reason)};
}

// Either a value or an Error. Nothing on the request path throws; failures travel as values.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  [[nodiscard]] bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace kirim

// Propagates a failed Result out of the enclosing function returning a Result.
#define KIRIM_CONCAT_INNER(a, b) a##b
#define KIRIM_CONCAT(a, b) KIRIM_CONCAT_INNER(a, b)
#define KIRIM_TRY_IMPL(tmp, expr)    \
  do {                               \
    auto tmp = (expr);               \
    if (!tmp.ok()) {                 \
      return std::move(tmp).error(); \
    }                                \
  } while (false)
#define KIRIM_TRY(expr) KIRIM_TRY_IMPL(KIRIM_CONCAT(kirim_try_, __COUNTER__), expr)

#define KIRIM_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                      \
  if (!tmp.ok()) {                        \
    return std::move(tmp).error();        \
  }                                       \
  lhs = std::move(tmp).value()

// KIRIM_ASSIGN_OR_RETURN(auto x, f()): binds the value of f() or returns its error. It expands to
// several statements: wrap it in braces under an if.
#define KIRIM_ASSIGN_OR_RETURN(lhs, expr) \
  KIRIM_ASSIGN_IMPL(KIRIM_CONCAT(kirim_assign_, __COUNTER__), lhs, expr)
