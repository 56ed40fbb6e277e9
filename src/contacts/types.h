#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

// The contacts module's values. Times are milliseconds since the Unix epoch; 0 means never.
namespace kirim::contacts {

enum class Consent { unknown, opted_in, opted_out };
[[nodiscard]] const char* consent_name(Consent c);
[[nodiscard]] std::optional<Consent> parse_consent(std::string_view s);

enum class FieldType { text, number, boolean, date, choice };
[[nodiscard]] const char* field_type_name(FieldType t);
[[nodiscard]] std::optional<FieldType> parse_field_type(std::string_view s);

struct Field {
  std::int64_t id = 0;
  std::string key;  // lower-case letters, digits and _
  std::string label;
  FieldType type = FieldType::text;
  std::vector<std::string> choices;  // for choice fields
  std::int64_t created_at = 0;
};

// A stored value of a custom field: text (text, choice, date as YYYY-MM-DD) or number (number,
// boolean as 0/1).
struct FieldValue {
  std::optional<std::string> text;
  std::optional<double> number;
};

struct Contact {
  std::int64_t id = 0;
  std::string phone;  // E.164
  std::string name, language, country, timezone;
  std::vector<std::string> tags;                     // by name
  std::map<std::string, boost::json::value> fields;  // key -> typed JSON value
  Consent consent = Consent::unknown;
  std::string consent_source;
  std::int64_t consent_at = 0;
  std::int64_t created_at = 0, updated_at = 0;
  std::int64_t last_in_at = 0, last_out_at = 0;
};

struct Tag {
  std::int64_t id = 0;
  std::string name;
  std::int64_t contacts = 0;
};

struct ConsentEvent {
  Consent state = Consent::unknown;
  std::string source;
  std::int64_t created_at = 0;
};

// What a create or update brings; absent members stay as they are. In fields, a null value
// removes the contact's value.
struct ContactInput {
  std::optional<std::string> phone, name, language, country, timezone;
  std::optional<std::vector<std::string>> tags;
  std::map<std::string, boost::json::value> fields;
  std::optional<Consent> consent;
};

// Which contacts: every condition must hold. Built from query parameters or a JSON object with
// the same names (filter.h).
struct FieldCondition {
  enum class Op { eq, contains, gte, lte, exists };
  std::string key;
  Op op = Op::eq;
  std::string value;
  std::string param;  // the parameter it came from, for error messages
};

struct Filter {
  std::string q;
  std::string phone;  // as given; parsed with the workspace's region
  std::vector<std::string> tags, not_tags;
  std::optional<Consent> consent;
  std::optional<std::int64_t> created_after, created_before;
  std::vector<FieldCondition> fields;
  std::vector<std::int64_t> ids;  // bulk actions by id
};

enum class SortKey { created_at, updated_at, name, phone, last_in_at, last_out_at };

struct Sort {
  SortKey key = SortKey::created_at;
  bool descending = true;
};

struct ListQuery {
  Filter filter;
  Sort sort;
  int limit = 50;
  std::string cursor;  // opaque, from the previous page
  bool count = false;
};

struct ContactPage {
  std::vector<Contact> items;
  std::string next_cursor;  // empty at the end
  std::optional<std::int64_t> total;
};

struct Message {
  std::int64_t id = 0;
  std::optional<std::int64_t> contact_id;
  std::string direction;  // in | out
  std::string wamid, type, text, content_json, status;
  std::int64_t error_code = 0;
  std::string error_title;
  std::string phone_number;  // the business number's display number
  std::int64_t created_at = 0, sent_at = 0, delivered_at = 0, read_at = 0, failed_at = 0;
};

}  // namespace kirim::contacts
