#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "contacts/types.h"
#include "core/result.h"
#include "db/database.h"

// Contact filters: read from query parameters (or a JSON object with the same names) and turned
// into SQL over `contacts c`, valid on SQLite and PostgreSQL.
namespace kirim::contacts {

using Params = std::vector<std::pair<std::string, std::string>>;

// Reads the filter parameters of docs/api.md ("Listing and filtering"); other parameters are
// ignored. invalid_argument naming the parameter for a bad value or operator.
[[nodiscard]] Result<Filter> parse_filter(const Params& params);
// The same from a JSON object: each member a string, a number, a boolean or an array of those.
// Unknown members are refused.
[[nodiscard]] Result<Filter> parse_filter(const boost::json::object& object);
// sort=created_at | -name | ...
[[nodiscard]] Result<Sort> parse_sort(std::string_view s);

// A WHERE clause ("c.workspace_id = $1 AND ...") and its parameters.
struct Sql {
  std::string where;
  std::vector<db::Value> params;
  // Appends a parameter and returns its placeholder, "$n".
  std::string bind(db::Value v);
};

// Compiles a filter for one workspace. Field conditions are checked against the workspace's
// field definitions (unknown key, operator not valid for the type, bad value: invalid_argument
// naming the parameter). Tag names resolve to ids in SQL. `phone` must already be E.164.
[[nodiscard]] Result<Sql> compile_filter(std::int64_t workspace_id, const Filter& filter,
                                         const std::vector<Field>& fields);

// Field keys: 1 to 40 of [a-z0-9_], starting with a letter; key_from_label("Last order (date)")
// is "last_order_date".
[[nodiscard]] bool valid_field_key(std::string_view key);
[[nodiscard]] std::string key_from_label(std::string_view label);

// Checks and converts a value for a field: JSON string/number/bool as the type requires (strings
// are accepted for every type, as CSV cells are). The reason in the error is for people.
[[nodiscard]] Result<FieldValue> coerce_value(const Field& field, const boost::json::value& v);
[[nodiscard]] Result<FieldValue> coerce_text(const Field& field, std::string_view text);
// The stored value as JSON of the field's type.
[[nodiscard]] boost::json::value value_json(const Field& field, const FieldValue& v);

// Dates: "2024-05-01" or a full ISO 8601 time -> milliseconds; nullopt when malformed.
[[nodiscard]] std::optional<std::int64_t> parse_time(std::string_view s);

}  // namespace kirim::contacts
