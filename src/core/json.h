#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"

// JSON helpers for the request path: parsing a body into an object, and reading its fields with
// validation that collects every problem at once (field -> reason) and refuses unknown fields.
namespace kirim::json {

// Parses a request body that must be one JSON object; otherwise Errc::invalid_argument with the
// reason "invalid_json".
[[nodiscard]] Result<boost::json::object> parse_object(std::string_view body);

// Reads the fields of one object. Not thread-safe; lives for one request.
class ObjectReader {
 public:
  explicit ObjectReader(const boost::json::object& object) : object_(object) {}

  // A string of [min_len, max_len] bytes after trimming surrounding white space.
  std::optional<std::string> string(std::string_view key, bool required, std::size_t min_len = 0,
                                    std::size_t max_len = 10'000);
  // A string taken exactly as sent (no trimming): for passwords and other secrets.
  std::optional<std::string> raw_string(std::string_view key, bool required, std::size_t min_len,
                                        std::size_t max_len);
  // One of the allowed strings.
  std::optional<std::string> one_of(std::string_view key, bool required,
                                    std::initializer_list<std::string_view> allowed);
  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min,
                                      std::int64_t max);
  std::optional<bool> boolean(std::string_view key, bool required);
  // An array of at most max_items strings, each [min_len, max_len] bytes after trimming.
  std::optional<std::vector<std::string>> string_array(std::string_view key, bool required,
                                                       std::size_t max_items, std::size_t min_len,
                                                       std::size_t max_len);
  // Any JSON value (not null), for the caller to check: nested objects and arrays.
  const boost::json::value* value(std::string_view key, bool required) {
    return take(key, required);
  }

  // Records a failure found by the caller's own check.
  void fail(std::string_view key, std::string reason);
  [[nodiscard]] bool has(std::string_view key) const { return object_.contains(key); }

  // Errc::invalid_argument listing every problem (including unknown fields) or success.
  [[nodiscard]] Result<void> finish();

 private:
  const boost::json::value* take(std::string_view key, bool required);
  std::optional<std::string> read_string(std::string_view key, bool required, std::size_t min_len,
                                         std::size_t max_len, bool trimmed);

  const boost::json::object& object_;
  std::set<std::string, std::less<>> seen_;
  std::map<std::string, std::string> problems_;
};

// The validation error every handler returns: "The request has invalid fields." plus details.
[[nodiscard]] Error validation_error(std::map<std::string, std::string> details);

}  // namespace kirim::json
