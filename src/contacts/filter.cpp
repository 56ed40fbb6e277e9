#include "contacts/filter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include <date/date.h>

namespace kirim::contacts {
namespace {

constexpr std::size_t kMaxTextValue = 1000;
constexpr std::size_t kMaxConditions = 50;

Error bad(const std::string& param, const std::string& reason) {
  return Error{Errc::invalid_argument,
               "The filter has an invalid value.",
               {{param, reason}},
               "validation_failed"};
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A LIKE pattern that matches `s` literally anywhere, with \ as the escape character.
std::string contains_pattern(std::string_view s) {
  std::string out = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

std::optional<double> parse_number(std::string_view s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (std::from_chars(s.data(), s.data() + 4, y).ec != std::errc() ||
      std::from_chars(s.data() + 5, s.data() + 7, m).ec != std::errc() ||
      std::from_chars(s.data() + 8, s.data() + 10, d).ec != std::errc()) {
    return false;
  }
  return date::year_month_day(date::year(y), date::month(static_cast<unsigned>(m)),
                              date::day(static_cast<unsigned>(d)))
      .ok();
}

Result<void> add_param(Filter& f, const std::string& name, const std::string& value) {
  if (name == "q") {
    f.q = value;
  } else if (name == "phone") {
    f.phone = value;
  } else if (name == "tag") {
    f.tags.push_back(value);
  } else if (name == "not_tag") {
    f.not_tags.push_back(value);
  } else if (name == "consent") {
    auto c = parse_consent(value);
    if (!c) return bad(name, "must be opted_in, opted_out or unknown");
    f.consent = c;
  } else if (name == "created_after" || name == "created_before") {
    auto t = parse_time(value);
    if (!t) return bad(name, "must be an ISO 8601 date or time");
    (name == "created_after" ? f.created_after : f.created_before) = t;
  } else if (name.starts_with("field.")) {
    if (f.fields.size() >= kMaxConditions) return bad(name, "too many field conditions");
    FieldCondition c;
    c.param = name;
    std::string rest = name.substr(6);
    c.op = FieldCondition::Op::eq;
    static const std::pair<const char*, FieldCondition::Op> ops[] = {
        {".contains", FieldCondition::Op::contains},
        {".gte", FieldCondition::Op::gte},
        {".lte", FieldCondition::Op::lte},
        {".exists", FieldCondition::Op::exists}};
    for (const auto& [suffix, op] : ops) {
      if (rest.ends_with(suffix)) {
        rest.resize(rest.size() - std::string_view(suffix).size());
        c.op = op;
        break;
      }
    }
    if (!valid_field_key(rest)) return bad(name, "names no valid field key");
    if (c.op == FieldCondition::Op::exists && value != "true" && value != "false") {
      return bad(name, "must be true or false");
    }
    c.key = rest;
    c.value = value;
    f.fields.push_back(std::move(c));
  } else if (name == "ids") {
    return bad(name, "is only accepted in a JSON filter");
  }
  return {};
}

}  // namespace

std::string Sql::bind(db::Value v) {
  params.push_back(std::move(v));
  return "$" + std::to_string(params.size());
}

Result<Filter> parse_filter(const Params& params) {
  Filter f;
  for (const auto& [k, v] : params) {
    KIRIM_TRY(add_param(f, k, v));
  }
  return f;
}

Result<Filter> parse_filter(const boost::json::object& object) {
  static const std::vector<std::string_view> known = {
      "q", "phone", "tag", "not_tag", "consent", "created_after", "created_before", "ids"};
  Filter f;
  for (const auto& [key, value] : object) {
    const std::string name(key);
    const bool is_field = name.starts_with("field.");
    if (!is_field && std::find(known.begin(), known.end(), name) == known.end()) {
      return bad("filter." + name, "is not a filter");
    }
    if (name == "ids") {
      if (!value.is_array()) return bad("filter.ids", "must be an array of contact ids");
      for (const auto& v : value.as_array()) {
        if (!v.is_int64() || v.as_int64() <= 0) {
          return bad("filter.ids", "must be an array of contact ids");
        }
        f.ids.push_back(v.as_int64());
      }
      continue;
    }
    std::vector<const boost::json::value*> items;
    if (value.is_array()) {
      for (const auto& v : value.as_array())
        items.push_back(&v);
    } else {
      items.push_back(&value);
    }
    for (const auto* v : items) {
      std::string text;
      if (v->is_string()) {
        text = std::string(v->as_string());
      } else if (v->is_bool()) {
        text = v->as_bool() ? "true" : "false";
      } else if (v->is_int64()) {
        text = std::to_string(v->as_int64());
      } else if (v->is_double()) {
        text = std::to_string(v->as_double());
      } else {
        return bad("filter." + name, "must be a string, a number, a boolean or an array of them");
      }
      if (auto r = add_param(f, name, text); !r.ok()) {
        auto e = std::move(r).error();
        std::map<std::string, std::string> details;
        for (auto& [k, reason] : e.details)
          details["filter." + k] = reason;
        e.details = std::move(details);
        return e;
      }
    }
  }
  return f;
}

Result<Sort> parse_sort(std::string_view s) {
  Sort sort;
  if (s.empty()) return sort;
  sort.descending = s.front() == '-';
  if (sort.descending) s.remove_prefix(1);
  static const std::pair<std::string_view, SortKey> keys[] = {
      {"created_at", SortKey::created_at},
      {"updated_at", SortKey::updated_at},
      {"name", SortKey::name},
      {"phone", SortKey::phone},
      {"last_inbound_at", SortKey::last_in_at},
      {"last_outbound_at", SortKey::last_out_at}};
  for (const auto& [name, key] : keys) {
    if (s == name) {
      sort.key = key;
      return sort;
    }
  }
  return Error{Errc::invalid_argument,
               "The request has invalid fields.",
               {{"sort",
                 "must be created_at, updated_at, name, phone, last_inbound_at or "
                 "last_outbound_at, with - for descending"}},
               "validation_failed"};
}

Result<Sql> compile_filter(std::int64_t workspace_id, const Filter& f,
                           const std::vector<Field>& fields) {
  Sql sql;
  sql.where = "c.workspace_id = " + sql.bind(workspace_id);
  if (!f.q.empty()) {
    const std::string name_cond =
        "LOWER(c.name) LIKE " + sql.bind(contains_pattern(lower(f.q))) + " ESCAPE '\\'";
    std::string digits;
    for (char ch : f.q) {
      if (ch >= '0' && ch <= '9') digits.push_back(ch);
    }
    const bool looks_like_phone =
        !digits.empty() && std::all_of(f.q.begin(), f.q.end(), [](char ch) {
          return (ch >= '0' && ch <= '9') || ch == '+' || ch == ' ' || ch == '-' || ch == '(' ||
                 ch == ')';
        });
    if (looks_like_phone) {
      // Phone prefix as a range, so the (workspace, phone) index serves it.
      const std::string lo = "+" + digits;
      std::string hi = lo;
      hi.back() = static_cast<char>(hi.back() + 1);
      sql.where += " AND (" + name_cond + " OR (c.phone_e164 >= " + sql.bind(lo) +
                   " AND c.phone_e164 < " + sql.bind(hi) + "))";
    } else {
      sql.where += " AND " + name_cond;
    }
  }
  if (!f.phone.empty()) sql.where += " AND c.phone_e164 = " + sql.bind(f.phone);
  if (f.consent) sql.where += " AND c.consent = " + sql.bind(std::string(consent_name(*f.consent)));
  if (f.created_after) sql.where += " AND c.created_at >= " + sql.bind(*f.created_after);
  if (f.created_before) sql.where += " AND c.created_at < " + sql.bind(*f.created_before);
  const std::string ws = "$1";  // the workspace, bound first above
  for (const auto& t : f.tags) {
    sql.where +=
        " AND c.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
        "WHERE t.workspace_id = " +
        ws + " AND t.name = " + sql.bind(t) + ")";
  }
  for (const auto& t : f.not_tags) {
    sql.where +=
        " AND c.id NOT IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = "
        "ct.tag_id WHERE t.workspace_id = " +
        ws + " AND t.name = " + sql.bind(t) + ")";
  }
  if (!f.ids.empty()) {
    sql.where += " AND c.id IN (";
    for (std::size_t i = 0; i < f.ids.size(); ++i) {
      sql.where += (i ? "," : "") + std::to_string(f.ids[i]);
    }
    sql.where += ")";
  }
  for (const auto& cond : f.fields) {
    auto def = std::find_if(fields.begin(), fields.end(),
                            [&](const Field& d) { return d.key == cond.key; });
    if (def == fields.end()) return bad(cond.param, "names no field of this workspace");
    const std::string fid = sql.bind(def->id);
    const std::string sub = "SELECT contact_id FROM contact_values WHERE field_id = " + fid;
    using Op = FieldCondition::Op;
    if (cond.op == Op::exists) {
      sql.where +=
          std::string(cond.value == "true" ? " AND c.id IN (" : " AND c.id NOT IN (") + sub + ")";
      continue;
    }
    const bool numeric = def->type == FieldType::number || def->type == FieldType::boolean;
    if (cond.op == Op::contains) {
      if (def->type != FieldType::text && def->type != FieldType::choice) {
        return bad(cond.param, "contains works on text and choice fields only");
      }
      sql.where += " AND c.id IN (" + sub + " AND LOWER(text_value) LIKE " +
                   sql.bind(contains_pattern(lower(cond.value))) + " ESCAPE '\\')";
      continue;
    }
    if ((cond.op == Op::gte || cond.op == Op::lte) && def->type != FieldType::number &&
        def->type != FieldType::date) {
      return bad(cond.param, "gte and lte work on number and date fields only");
    }
    auto v = coerce_text(*def, cond.value);
    if (!v.ok()) return bad(cond.param, v.error().message);
    const char* cmp = cond.op == Op::eq ? " = " : cond.op == Op::gte ? " >= " : " <= ";
    if (numeric) {
      sql.where += " AND c.id IN (" + sub + " AND num_value" + cmp + sql.bind(*v->number) + ")";
    } else {
      sql.where += " AND c.id IN (" + sub + " AND text_value" + cmp + sql.bind(*v->text) + ")";
    }
  }
  return sql;
}

bool valid_field_key(std::string_view key) {
  if (key.empty() || key.size() > 40 || !(key[0] >= 'a' && key[0] <= 'z')) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string key_from_label(std::string_view label) {
  std::string out;
  for (unsigned char c : label) {
    if (std::isalnum(c) && c < 128) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (out.empty() || !(out[0] >= 'a' && out[0] <= 'z')) out = "f_" + out;
  if (out.size() > 40) out.resize(40);
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  return out;
}

Result<FieldValue> coerce_text(const Field& field, std::string_view text) {
  auto fail = [](std::string reason) { return make_error(Errc::invalid_argument, reason); };
  FieldValue v;
  switch (field.type) {
    case FieldType::text:
      if (text.size() > kMaxTextValue) return fail("is longer than 1000 characters");
      v.text = std::string(text);
      return v;
    case FieldType::number: {
      auto n = parse_number(text);
      if (!n) return fail("must be a number");
      v.number = *n;
      return v;
    }
    case FieldType::boolean: {
      const auto l = lower(text);
      if (l == "true" || l == "yes" || l == "1" || l == "y") {
        v.number = 1;
      } else if (l == "false" || l == "no" || l == "0" || l == "n") {
        v.number = 0;
      } else {
        return fail("must be true or false");
      }
      return v;
    }
    case FieldType::date: {
      if (!valid_date(text)) return fail("must be a date written YYYY-MM-DD");
      v.text = std::string(text);
      return v;
    }
    case FieldType::choice:
      if (std::find(field.choices.begin(), field.choices.end(), text) == field.choices.end()) {
        std::string list;
        for (const auto& c : field.choices)
          list += (list.empty() ? "" : ", ") + c;
        return fail("must be one of: " + list);
      }
      v.text = std::string(text);
      return v;
  }
  return fail("has an unknown type");
}

Result<FieldValue> coerce_value(const Field& field, const boost::json::value& v) {
  if (v.is_string()) return coerce_text(field, std::string_view(v.as_string()));
  if (field.type == FieldType::number && (v.is_int64() || v.is_uint64() || v.is_double())) {
    FieldValue out;
    out.number = v.to_number<double>();
    return out;
  }
  if (field.type == FieldType::boolean && v.is_bool()) {
    FieldValue out;
    out.number = v.as_bool() ? 1 : 0;
    return out;
  }
  static const char* expected[] = {"must be text", "must be a number", "must be true or false",
                                   "must be a date written YYYY-MM-DD",
                                   "must be one of the choices"};
  return make_error(Errc::invalid_argument, expected[static_cast<int>(field.type)]);
}

boost::json::value value_json(const Field& field, const FieldValue& v) {
  switch (field.type) {
    case FieldType::number: {
      if (!v.number) return nullptr;
      const double d = *v.number;
      if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
      return d;
    }
    case FieldType::boolean:
      return v.number ? boost::json::value(*v.number != 0) : boost::json::value(nullptr);
    default:
      return v.text ? boost::json::value(*v.text) : boost::json::value(nullptr);
  }
}

std::optional<std::int64_t> parse_time(std::string_view s) {
  if (s.size() == 10) {
    if (!valid_date(s)) return std::nullopt;
    std::istringstream in{std::string(s)};
    date::sys_days d;
    in >> date::parse("%F", d);
    if (in.fail()) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(d.time_since_epoch()).count();
  }
  std::istringstream in{std::string(s)};
  date::sys_time<std::chrono::milliseconds> t;
  in >> date::parse("%FT%T%Ez", t);
  if (in.fail()) {
    in.clear();
    in.str(std::string(s));
    in >> date::parse("%FT%TZ", t);
    if (in.fail()) return std::nullopt;
  }
  return t.time_since_epoch().count();
}

}  // namespace kirim::contacts
