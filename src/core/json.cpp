#include "core/json.h"

#include <boost/json/parse.hpp>

namespace kirim::json {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<boost::json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) {
    return make_error(Errc::invalid_argument, "The body is not valid JSON.", "invalid_json");
  }
  if (!v.is_object()) {
    return make_error(Errc::invalid_argument, "The body must be a JSON object.", "invalid_json");
  }
  return std::move(v.as_object());
}

const boost::json::value* ObjectReader::take(std::string_view key, bool required) {
  seen_.emplace(key);
  const auto* v = object_.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) fail(key, "is required");
    return nullptr;
  }
  return v;
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required,
                                                std::size_t min_len, std::size_t max_len) {
  return read_string(key, required, min_len, max_len, true);
}

std::optional<std::string> ObjectReader::raw_string(std::string_view key, bool required,
                                                    std::size_t min_len, std::size_t max_len) {
  return read_string(key, required, min_len, max_len, false);
}

std::optional<std::string> ObjectReader::read_string(std::string_view key, bool required,
                                                     std::size_t min_len, std::size_t max_len,
                                                     bool trimmed) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    fail(key, "must be a string");
    return std::nullopt;
  }
  const std::string_view whole(v->as_string());
  const auto s = trimmed ? trim(whole) : whole;
  if (s.size() < min_len) {
    fail(key, min_len <= 1 ? "must not be empty"
                           : "must be at least " + std::to_string(min_len) + " characters");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    fail(key, "must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::string> ObjectReader::one_of(std::string_view key, bool required,
                                                std::initializer_list<std::string_view> allowed) {
  auto s = string(key, required, 0, 200);
  if (!s) return std::nullopt;
  for (auto a : allowed) {
    if (a == *s) return s;
  }
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  fail(key, "must be one of: " + list);
  return std::nullopt;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required,
                                                  std::int64_t min, std::int64_t max) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else {
    fail(key, "must be an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    fail(key, "must be true or false");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::vector<std::string>> ObjectReader::string_array(std::string_view key,
                                                                   bool required,
                                                                   std::size_t max_items,
                                                                   std::size_t min_len,
                                                                   std::size_t max_len) {
  const auto* v = take(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    fail(key, "must be an array of strings");
    return std::nullopt;
  }
  const auto& a = v->as_array();
  if (a.size() > max_items) {
    fail(key, "may hold at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : a) {
    if (!e.is_string()) {
      fail(key, "must be an array of strings");
      return std::nullopt;
    }
    const auto s = trim(std::string_view(e.as_string()));
    if (s.size() < min_len || s.size() > max_len) {
      fail(key, "each item must be " + std::to_string(min_len) + " to " + std::to_string(max_len) +
                    " characters");
      return std::nullopt;
    }
    out.emplace_back(s);
  }
  return out;
}

void ObjectReader::fail(std::string_view key, std::string reason) {
  problems_.emplace(std::string(key), std::move(reason));
}

Result<void> ObjectReader::finish() {
  for (const auto& [k, v] : object_) {
    if (!seen_.contains(std::string_view(k)))
      problems_.emplace(std::string(k), "is not a known field");
  }
  if (problems_.empty()) return {};
  return validation_error(std::move(problems_));
}

Error validation_error(std::map<std::string, std::string> details) {
  return Error{Errc::invalid_argument, "The request has invalid fields.", std::move(details),
               "validation_failed"};
}

}  // namespace kirim::json
