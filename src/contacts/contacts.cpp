#include "contacts/contacts.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "contacts/filter.h"
#include "contacts/phone.h"
#include "core/json.h"

namespace kirim::contacts {
namespace {

using db::Value;

constexpr const char* kContactColumns =
    "c.id, c.phone_e164, c.name, c.language, c.country, c.timezone, c.consent, c.consent_source, "
    "c.consent_at, c.created_at, c.updated_at, c.last_in_at, c.last_out_at";

Error invalid(std::map<std::string, std::string> details) {
  return json::validation_error(std::move(details));
}

Error not_found() {
  return make_error(Errc::not_found, "There is no such contact.");
}

Contact contact_from(const db::Rows& rows, std::size_t i) {
  Contact c;
  c.id = rows.integer(i, "id");
  c.phone = rows.text(i, "phone_e164");
  c.name = rows.text(i, "name");
  c.language = rows.text(i, "language");
  c.country = rows.text(i, "country");
  c.timezone = rows.text(i, "timezone");
  c.consent = parse_consent(rows.text(i, "consent")).value_or(Consent::unknown);
  c.consent_source = rows.text(i, "consent_source");
  c.consent_at = rows.integer(i, "consent_at");
  c.created_at = rows.integer(i, "created_at");
  c.updated_at = rows.integer(i, "updated_at");
  c.last_in_at = rows.integer(i, "last_in_at");
  c.last_out_at = rows.integer(i, "last_out_at");
  return c;
}

std::vector<std::string> parse_string_array(const std::string& json_text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json_text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) out.emplace_back(e.as_string());
  }
  return out;
}

std::string string_array_json(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items)
    a.emplace_back(s);
  return boost::json::serialize(a);
}

std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (auto id : ids)
    out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

// Fills tags and custom fields of the given contacts with two queries.
Result<void> attach(db::Database& db, std::int64_t ws, std::vector<Contact>& contacts,
                    const std::vector<Field>& fields) {
  if (contacts.empty()) return {};
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, Contact*> by_id;
  for (auto& c : contacts) {
    ids.push_back(c.id);
    by_id[c.id] = &c;
  }
  const auto list = id_list(ids);
  KIRIM_ASSIGN_OR_RETURN(
      auto tags, db.query("SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = "
                          "ct.tag_id WHERE ct.workspace_id = $1 AND ct.contact_id IN (" +
                              list + ") ORDER BY t.name",
                          {ws}));
  for (std::size_t i = 0; i < tags.size(); ++i) {
    by_id[tags.integer(i, "contact_id")]->tags.push_back(tags.text(i, "name"));
  }
  if (fields.empty()) return {};
  std::map<std::int64_t, const Field*> field_by_id;
  for (const auto& f : fields)
    field_by_id[f.id] = &f;
  KIRIM_ASSIGN_OR_RETURN(
      auto values,
      db.query("SELECT contact_id, field_id, text_value, num_value FROM contact_values "
               "WHERE workspace_id = $1 AND contact_id IN (" +
                   list + ")",
               {ws}));
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto f = field_by_id.find(values.integer(i, "field_id"));
    if (f == field_by_id.end()) continue;
    FieldValue v;
    const auto& row = values.row(i);
    if (!db::is_null(row[2])) v.text = values.text(i, "text_value");
    if (!db::is_null(row[3])) v.number = values.real(i, "num_value");
    by_id[values.integer(i, "contact_id")]->fields[f->second->key] = value_json(*f->second, v);
  }
  return {};
}

// The sort column and how its cursor value is stored.
struct SortColumn {
  const char* sql;
  bool text;
};

SortColumn sort_column(SortKey k) {
  switch (k) {
    case SortKey::created_at:
      return {"c.created_at", false};
    case SortKey::updated_at:
      return {"c.updated_at", false};
    case SortKey::name:
      return {"c.name", true};
    case SortKey::phone:
      return {"c.phone_e164", true};
    case SortKey::last_in_at:
      return {"c.last_in_at", false};
    case SortKey::last_out_at:
      return {"c.last_out_at", false};
  }
  return {"c.created_at", false};
}

std::string hex(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : s) {
    out.push_back(digits[ch >> 4]);
    out.push_back(digits[ch & 15]);
  }
  return out;
}

std::optional<std::string> unhex(std::string_view s) {
  if (s.size() % 2) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    unsigned v = 0;
    if (std::from_chars(s.data() + i, s.data() + i + 2, v, 16).ec != std::errc()) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// Cursor "<sort value>.<id>": the value as hex for text columns, as a number otherwise.
std::string make_cursor(const Contact& c, SortKey k) {
  std::string v;
  switch (k) {
    case SortKey::created_at:
      v = std::to_string(c.created_at);
      break;
    case SortKey::updated_at:
      v = std::to_string(c.updated_at);
      break;
    case SortKey::name:
      v = "x" + hex(c.name);
      break;
    case SortKey::phone:
      v = "x" + hex(c.phone);
      break;
    case SortKey::last_in_at:
      v = std::to_string(c.last_in_at);
      break;
    case SortKey::last_out_at:
      v = std::to_string(c.last_out_at);
      break;
  }
  return v + "." + std::to_string(c.id);
}

Result<std::pair<Value, std::int64_t>> read_cursor(std::string_view cursor, bool text) {
  auto bad = [] {
    return Error{Errc::invalid_argument, "The cursor is not valid.", {}, "bad_request"};
  };
  const auto dot = cursor.rfind('.');
  if (dot == std::string_view::npos) return bad();
  std::int64_t id = 0;
  const auto id_s = cursor.substr(dot + 1);
  if (std::from_chars(id_s.data(), id_s.data() + id_s.size(), id).ec != std::errc()) return bad();
  const auto v = cursor.substr(0, dot);
  if (text) {
    if (v.empty() || v[0] != 'x') return bad();
    auto s = unhex(v.substr(1));
    if (!s) return bad();
    return std::pair<Value, std::int64_t>{*s, id};
  }
  std::int64_t n = 0;
  if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc()) return bad();
  return std::pair<Value, std::int64_t>{n, id};
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return out;
}

bool valid_language(std::string_view s) {
  // WhatsApp locales: "en", "id", "pt_BR", "zh_HK"; BCP 47 "pt-BR" is accepted too.
  if (s.size() < 2 || s.size() > 8) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
  });
}

// What a create or update will store, validated in full before anything is written.
struct Prepared {
  std::optional<Phone> phone;
  std::optional<std::string> name, language, country, timezone;
  std::optional<std::vector<std::string>> tags;
  std::vector<std::pair<const Field*, std::optional<FieldValue>>> values;  // nullopt: remove
  std::optional<Consent> consent;
};

Result<Prepared> prepare(const ContactInput& in, const WorkspaceSettings& settings,
                         const std::vector<Field>& fields, bool creating) {
  Prepared p;
  std::map<std::string, std::string> problems;
  if (in.phone) {
    auto phone = parse_phone(*in.phone, settings.default_region);
    if (phone.ok()) {
      p.phone = std::move(phone).value();
    } else {
      problems["phone"] = phone.error().message;
    }
  } else if (creating) {
    problems["phone"] = "is required";
  }
  if (in.name) {
    auto n = trimmed(*in.name);
    if (n.size() > kMaxNameLength) {
      problems["name"] = "is longer than 200 characters";
    } else {
      p.name = n;
    }
  }
  if (in.language) {
    auto l = trimmed(*in.language);
    if (!l.empty() && !valid_language(l)) {
      problems["language"] = "must be a language code such as en, id or pt_BR";
    } else {
      p.language = l;
    }
  }
  if (in.country) {
    auto c = trimmed(*in.country);
    std::transform(c.begin(), c.end(), c.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (!c.empty() && !known_region(c)) {
      problems["country"] = "must be an ISO 3166 country code such as ID or US";
    } else {
      p.country = c;
    }
  }
  if (in.timezone) {
    auto z = trimmed(*in.timezone);
    if (!z.empty() && !valid_timezone(z)) {
      problems["timezone"] = "must be an IANA time zone such as Asia/Jakarta";
    } else {
      p.timezone = z;
    }
  }
  if (in.tags) {
    if (in.tags->size() > kMaxTagsPerContact) {
      problems["tags"] = "may hold at most 100 tags";
    } else {
      std::set<std::string> unique;
      for (const auto& t : *in.tags) {
        auto n = normalize_tag(t);
        if (!n.ok()) {
          problems["tags"] = "'" + t + "' " + n.error().message;
          break;
        }
        unique.insert(*n);
      }
      p.tags = std::vector<std::string>(unique.begin(), unique.end());
    }
  }
  for (const auto& [key, value] : in.fields) {
    auto f =
        std::find_if(fields.begin(), fields.end(), [&](const Field& d) { return d.key == key; });
    if (f == fields.end()) {
      problems["fields." + key] = "is not a field of this workspace";
      continue;
    }
    if (value.is_null()) {
      p.values.emplace_back(&*f, std::nullopt);
      continue;
    }
    auto v = coerce_value(*f, value);
    if (!v.ok()) {
      problems["fields." + key] = v.error().message;
    } else {
      p.values.emplace_back(&*f, std::move(v).value());
    }
  }
  p.consent = in.consent;
  if (!problems.empty()) return invalid(std::move(problems));
  return p;
}

Result<void> write_values(db::Connection& c, std::int64_t ws, std::int64_t contact_id,
                          const Prepared& p) {
  for (const auto& [field, value] : p.values) {
    if (!value) {
      KIRIM_TRY(c.exec("DELETE FROM contact_values WHERE contact_id = $1 AND field_id = $2",
                       {contact_id, field->id}));
      continue;
    }
    KIRIM_TRY(c.exec(
        "INSERT INTO contact_values (contact_id, field_id, workspace_id, text_value, num_value) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contact_id, field_id) DO UPDATE SET "
        "text_value = excluded.text_value, num_value = excluded.num_value",
        {contact_id, field->id, ws, value->text ? Value(*value->text) : Value{},
         value->number ? Value(*value->number) : Value{}}));
  }
  return {};
}

Result<void> write_tags(db::Connection& c, std::int64_t ws, std::int64_t contact_id,
                        const std::vector<std::string>& tags, std::int64_t now) {
  KIRIM_TRY(c.exec("DELETE FROM contact_tags WHERE contact_id = $1", {contact_id}));
  KIRIM_ASSIGN_OR_RETURN(auto ids, detail::ensure_tags(c, ws, tags, now));
  for (auto id : ids) {
    KIRIM_TRY(
        c.exec("INSERT INTO contact_tags (contact_id, tag_id, workspace_id) VALUES ($1, $2, "
               "$3) ON CONFLICT DO NOTHING",
               {contact_id, id, ws}));
  }
  return {};
}

}  // namespace

Result<void> detail::record_consent(db::Connection& c, std::int64_t ws, std::int64_t contact_id,
                                    Consent state, std::string_view source, std::int64_t now) {
  KIRIM_TRY(
      c.exec("UPDATE contacts SET consent = $1, consent_source = $2, consent_at = $3, "
             "updated_at = $3 WHERE id = $4 AND workspace_id = $5",
             {std::string(consent_name(state)), std::string(source), now, contact_id, ws}));
  KIRIM_TRY(
      c.exec("INSERT INTO consent_events (workspace_id, contact_id, state, source, "
             "created_at) VALUES ($1, $2, $3, $4, $5)",
             {ws, contact_id, std::string(consent_name(state)), std::string(source), now}));
  return {};
}

namespace {

Field field_from(const db::Rows& r, std::size_t i) {
  Field f;
  f.id = r.integer(i, "id");
  f.key = r.text(i, "field_key");
  f.label = r.text(i, "label");
  f.type = parse_field_type(r.text(i, "type")).value_or(FieldType::text);
  f.choices = parse_string_array(r.text(i, "choices"));
  f.created_at = r.integer(i, "created_at");
  return f;
}

Result<std::vector<std::string>> check_choices(FieldType type,
                                               const std::vector<std::string>& choices) {
  if (type != FieldType::choice) {
    if (!choices.empty()) return invalid({{"choices", "are only for choice fields"}});
    return std::vector<std::string>{};
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& c : choices) {
    auto t = trimmed(c);
    if (t.empty() || t.size() > 100) {
      return invalid({{"choices", "each choice must be 1 to 100 characters"}});
    }
    if (seen.insert(t).second) out.push_back(t);
  }
  if (out.empty()) return invalid({{"choices", "a choice field needs at least one choice"}});
  if (out.size() > kMaxChoices) return invalid({{"choices", "may hold at most 100 choices"}});
  return out;
}

}  // namespace

const char* consent_name(Consent c) {
  switch (c) {
    case Consent::opted_in:
      return "opted_in";
    case Consent::opted_out:
      return "opted_out";
    case Consent::unknown:
      break;
  }
  return "unknown";
}

std::optional<Consent> parse_consent(std::string_view s) {
  if (s == "opted_in") return Consent::opted_in;
  if (s == "opted_out") return Consent::opted_out;
  if (s == "unknown") return Consent::unknown;
  return std::nullopt;
}

const char* field_type_name(FieldType t) {
  static const char* names[] = {"text", "number", "boolean", "date", "choice"};
  return names[static_cast<int>(t)];
}

std::optional<FieldType> parse_field_type(std::string_view s) {
  for (int i = 0; i < 5; ++i) {
    if (s == field_type_name(static_cast<FieldType>(i))) return static_cast<FieldType>(i);
  }
  return std::nullopt;
}

Result<std::string> normalize_tag(std::string_view name) {
  auto t = trimmed(name);
  if (t.empty() || t.size() > kMaxTagLength) {
    return make_error(Errc::invalid_argument, "must be 1 to 64 characters");
  }
  for (unsigned char c : t) {
    const bool ok =
        std::isalnum(c) || c >= 0x80 || c == ' ' || c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) {
      return make_error(Errc::invalid_argument,
                        "may hold letters, digits, spaces and - _ . : only");
    }
  }
  return t;
}

namespace detail {

Result<std::vector<std::int64_t>> ensure_tags(db::Connection& c, std::int64_t ws,
                                              const std::vector<std::string>& names,
                                              std::int64_t now) {
  std::vector<std::int64_t> ids;
  for (const auto& n : names) {
    KIRIM_TRY(
        c.exec("INSERT INTO tags (workspace_id, name, created_at) VALUES ($1, $2, $3) ON "
               "CONFLICT (workspace_id, name) DO NOTHING",
               {ws, n, now}));
    KIRIM_ASSIGN_OR_RETURN(
        auto r, c.query("SELECT id FROM tags WHERE workspace_id = $1 AND name = $2", {ws, n}));
    if (r.empty()) return make_error(Errc::internal, "tag vanished while being added");
    ids.push_back(r.integer(0, "id"));
  }
  return ids;
}

Result<std::vector<Field>> load_fields(db::Connection* c, db::Database& db, std::int64_t ws) {
  constexpr const char* sql =
      "SELECT id, field_key, label, type, choices, created_at FROM contact_fields WHERE "
      "workspace_id = $1 ORDER BY id";
  KIRIM_ASSIGN_OR_RETURN(auto rows, c ? c->query(sql, {ws}) : db.query(sql, {ws}));
  std::vector<Field> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(field_from(rows, i));
  return out;
}

Result<WorkspaceSettings> load_settings(db::Database& db, std::int64_t ws) {
  KIRIM_ASSIGN_OR_RETURN(
      auto r, db.query("SELECT default_region, opt_out_keywords, opt_in_keywords FROM workspaces "
                       "WHERE id = $1",
                       {ws}));
  if (r.empty()) return make_error(Errc::not_found, "There is no such workspace.");
  WorkspaceSettings s;
  s.default_region = r.text(0, "default_region");
  s.opt_out_keywords = parse_string_array(r.text(0, "opt_out_keywords"));
  s.opt_in_keywords = parse_string_array(r.text(0, "opt_in_keywords"));
  return s;
}

}  // namespace detail

Result<WorkspaceSettings> Contacts::settings(std::int64_t ws) {
  return detail::load_settings(db_, ws);
}

Result<void> Contacts::update_settings(
    std::int64_t ws, const std::optional<std::string>& default_region,
    const std::optional<std::vector<std::string>>& opt_out_keywords,
    const std::optional<std::vector<std::string>>& opt_in_keywords) {
  std::map<std::string, std::string> problems;
  std::optional<std::string> region;
  if (default_region) {
    std::string r = *default_region;
    std::transform(r.begin(), r.end(), r.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (!r.empty() && !known_region(r)) {
      problems["default_region"] = "must be an ISO 3166 country code such as ID or US";
    }
    region = r;
  }
  // Keywords are compared with whole messages without case: store them upper-cased, once each.
  auto keywords =
      [](const std::optional<std::vector<std::string>>& in) -> std::optional<std::string> {
    if (!in) return std::nullopt;
    std::vector<std::string> out;
    for (auto k : *in) {
      std::transform(k.begin(), k.end(), k.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
    }
    return string_array_json(out);
  };
  const auto out_json = keywords(opt_out_keywords);
  const auto in_json = keywords(opt_in_keywords);
  if (opt_out_keywords && opt_in_keywords) {
    for (const auto& k : *opt_out_keywords) {
      for (const auto& j : *opt_in_keywords) {
        if (lower_ascii(k) == lower_ascii(j)) {
          problems["opt_in_keywords"] = "'" + j + "' is also an opt-out keyword";
        }
      }
    }
  }
  if (!problems.empty()) return invalid(std::move(problems));
  return db_.write([&](db::Connection& c) -> Result<void> {
    if (region) {
      KIRIM_TRY(c.exec("UPDATE workspaces SET default_region = $1 WHERE id = $2", {*region, ws}));
    }
    if (out_json) {
      KIRIM_TRY(
          c.exec("UPDATE workspaces SET opt_out_keywords = $1 WHERE id = $2", {*out_json, ws}));
    }
    if (in_json) {
      KIRIM_TRY(c.exec("UPDATE workspaces SET opt_in_keywords = $1 WHERE id = $2", {*in_json, ws}));
    }
    return {};
  });
}

Result<std::vector<Field>> Contacts::fields(std::int64_t ws) {
  return detail::load_fields(nullptr, db_, ws);
}

Result<ContactPage> Contacts::list(std::int64_t ws, const ListQuery& q) {
  KIRIM_ASSIGN_OR_RETURN(auto defs, fields(ws));
  Filter f = q.filter;
  if (!f.phone.empty()) {
    KIRIM_ASSIGN_OR_RETURN(auto settings, detail::load_settings(db_, ws));
    auto phone = parse_phone(f.phone, settings.default_region);
    if (!phone.ok()) return invalid({{"phone", phone.error().message}});
    f.phone = phone->e164;
  }
  KIRIM_ASSIGN_OR_RETURN(auto sql, compile_filter(ws, f, defs));
  ContactPage page;
  if (q.count) {
    KIRIM_ASSIGN_OR_RETURN(
        auto n, db_.query("SELECT COUNT(*) AS n FROM contacts c WHERE " + sql.where, sql.params));
    page.total = n.integer(0, "n");
  }
  const auto col = sort_column(q.sort.key);
  std::string where = sql.where;
  if (!q.cursor.empty()) {
    KIRIM_ASSIGN_OR_RETURN(auto cur, read_cursor(q.cursor, col.text));
    const auto v = sql.bind(cur.first);
    const auto id = sql.bind(cur.second);
    where += std::string(" AND (") + col.sql + ", c.id) " + (q.sort.descending ? "<" : ">") + " (" +
             v + ", " + id + ")";
  }
  const char* dir = q.sort.descending ? " DESC" : " ASC";
  const int limit = std::clamp(q.limit, 1, kMaxPageSize);
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query(std::string("SELECT ") + kContactColumns + " FROM contacts c WHERE " +
                               where + " ORDER BY " + col.sql + dir + ", c.id" + dir + " LIMIT " +
                               std::to_string(limit + 1),
                           sql.params));
  const bool more = rows.size() > static_cast<std::size_t>(limit);
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    page.items.push_back(contact_from(rows, i));
  }
  KIRIM_TRY(attach(db_, ws, page.items, defs));
  if (more) page.next_cursor = make_cursor(page.items.back(), q.sort.key);
  return page;
}

Result<std::vector<std::int64_t>> Contacts::ids(std::int64_t ws, const Filter& f,
                                                std::int64_t after, int limit) {
  KIRIM_ASSIGN_OR_RETURN(auto defs, fields(ws));
  Filter filter = f;
  if (!filter.phone.empty()) {
    KIRIM_ASSIGN_OR_RETURN(auto settings, detail::load_settings(db_, ws));
    auto phone = parse_phone(filter.phone, settings.default_region);
    if (!phone.ok()) return invalid({{"filter.phone", phone.error().message}});
    filter.phone = phone->e164;
  }
  KIRIM_ASSIGN_OR_RETURN(auto sql, compile_filter(ws, filter, defs));
  const auto a = sql.bind(after);
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT c.id FROM contacts c WHERE " + sql.where + " AND c.id > " + a +
                               " ORDER BY c.id LIMIT " + std::to_string(limit),
                           sql.params));
  std::vector<std::int64_t> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(rows.integer(i, "id"));
  return out;
}

Result<std::int64_t> Contacts::count(std::int64_t ws, const Filter& f) {
  KIRIM_ASSIGN_OR_RETURN(auto defs, fields(ws));
  KIRIM_ASSIGN_OR_RETURN(auto sql, compile_filter(ws, f, defs));
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.query("SELECT COUNT(*) AS n FROM contacts c WHERE " + sql.where, sql.params));
  return n.integer(0, "n");
}

Result<Contact> Contacts::load(db::Connection* c, std::int64_t ws, std::int64_t id) {
  const std::string sql = std::string("SELECT ") + kContactColumns +
                          " FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2";
  KIRIM_ASSIGN_OR_RETURN(auto rows, c ? c->query(sql, {ws, id}) : db_.query(sql, {ws, id}));
  if (rows.empty()) return not_found();
  return contact_from(rows, 0);
}

Result<Contact> Contacts::get(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto c, load(nullptr, ws, id));
  KIRIM_ASSIGN_OR_RETURN(auto defs, fields(ws));
  std::vector<Contact> one{std::move(c)};
  KIRIM_TRY(attach(db_, ws, one, defs));
  return std::move(one.front());
}

Result<std::vector<Contact>> Contacts::get_many(std::int64_t ws,
                                                const std::vector<std::int64_t>& ids) {
  std::vector<Contact> out;
  if (ids.empty()) return out;
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      db_.query(std::string("SELECT ") + kContactColumns +
                    " FROM contacts c WHERE c.workspace_id = $1 AND c.id IN (" + id_list(ids) + ")",
                {ws}));
  std::map<std::int64_t, Contact> by_id;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto c = contact_from(rows, i);
    by_id.emplace(c.id, std::move(c));
  }
  for (auto id : ids) {
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(std::move(it->second));
  }
  KIRIM_ASSIGN_OR_RETURN(auto defs, fields(ws));
  KIRIM_TRY(attach(db_, ws, out, defs));
  return out;
}

Result<std::optional<Contact>> Contacts::find_by_phone(std::int64_t ws,
                                                       std::string_view phone_input) {
  KIRIM_ASSIGN_OR_RETURN(auto settings, detail::load_settings(db_, ws));
  auto phone = parse_phone(phone_input, settings.default_region);
  if (!phone.ok()) return invalid({{"phone", phone.error().message}});
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT id FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2",
                           {ws, phone->e164}));
  if (rows.empty()) return std::optional<Contact>{};
  KIRIM_ASSIGN_OR_RETURN(auto c, get(ws, rows.integer(0, "id")));
  return std::optional<Contact>(std::move(c));
}

Result<Contact> Contacts::create(std::int64_t ws, const ContactInput& in, std::string_view source) {
  KIRIM_ASSIGN_OR_RETURN(auto settings, detail::load_settings(db_, ws));
  KIRIM_ASSIGN_OR_RETURN(auto defs, fields(ws));
  KIRIM_ASSIGN_OR_RETURN(auto p, prepare(in, settings, defs, true));
  const auto now = clock_.now_ms();
  std::int64_t id = 0;
  std::int64_t existing = 0;
  auto r = db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(
        auto dup, c.query("SELECT id FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2",
                          {ws, p.phone->e164}));
    if (!dup.empty()) {
      existing = dup.integer(0, "id");
      return make_error(Errc::conflict, "A contact with this number exists.");
    }
    const auto consent = p.consent.value_or(Consent::unknown);
    KIRIM_ASSIGN_OR_RETURN(
        auto rows,
        c.query("INSERT INTO contacts (workspace_id, phone_e164, name, language, country, "
                "timezone, consent, consent_source, consent_at, created_at, updated_at) VALUES "
                "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                {ws, p.phone->e164, p.name.value_or(""), p.language.value_or(""),
                 p.country.value_or(p.phone->country),
                 p.timezone ? *p.timezone
                            : (p.country && !p.country->empty() ? country_timezone(*p.country)
                                                                : p.phone->timezone),
                 std::string(consent_name(consent)),
                 consent == Consent::unknown ? std::string() : std::string(source),
                 consent == Consent::unknown ? std::int64_t{0} : now, now}));
    id = rows.integer(0, "id");
    if (consent != Consent::unknown) {
      KIRIM_TRY(
          c.exec("INSERT INTO consent_events (workspace_id, contact_id, state, source, "
                 "created_at) VALUES ($1, $2, $3, $4, $5)",
                 {ws, id, std::string(consent_name(consent)), std::string(source), now}));
    }
    if (p.tags) KIRIM_TRY(write_tags(c, ws, id, *p.tags, now));
    return write_values(c, ws, id, p);
  });
  if (!r.ok()) {
    auto e = std::move(r).error();
    if (e.code == Errc::conflict) {
      e.message = "A contact with this number exists.";
      if (existing) e.details["id"] = std::to_string(existing);
    }
    return e;
  }
  return get(ws, id);
}

Result<Contact> Contacts::update(std::int64_t ws, std::int64_t id, const ContactInput& in,
                                 std::string_view source) {
  KIRIM_TRY(load(nullptr, ws, id));  // another workspace's contact is not found, whatever the input
  KIRIM_ASSIGN_OR_RETURN(auto settings, detail::load_settings(db_, ws));
  KIRIM_ASSIGN_OR_RETURN(auto defs, fields(ws));
  KIRIM_ASSIGN_OR_RETURN(auto p, prepare(in, settings, defs, false));
  const auto now = clock_.now_ms();
  std::int64_t existing = 0;
  auto r = db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(auto current, load(&c, ws, id));
    std::vector<std::string> sets;
    std::vector<Value> params;
    auto set = [&](const char* col, Value v) {
      params.push_back(std::move(v));
      sets.push_back(std::string(col) + " = $" + std::to_string(params.size()));
    };
    if (p.phone && p.phone->e164 != current.phone) {
      KIRIM_ASSIGN_OR_RETURN(
          auto dup, c.query("SELECT id FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2",
                            {ws, p.phone->e164}));
      if (!dup.empty()) {
        existing = dup.integer(0, "id");
        return make_error(Errc::conflict, "A contact with this number exists.");
      }
      set("phone_e164", p.phone->e164);
      // A new number brings its own country and zone unless they are set explicitly.
      if (!p.country) set("country", p.phone->country);
      if (!p.timezone && !p.country) set("timezone", p.phone->timezone);
    }
    if (p.name) set("name", *p.name);
    if (p.language) set("language", *p.language);
    if (p.country) set("country", *p.country);
    if (p.timezone) set("timezone", *p.timezone);
    set("updated_at", now);
    params.push_back(ws);
    params.push_back(id);
    std::string sql = "UPDATE contacts SET ";
    for (std::size_t i = 0; i < sets.size(); ++i)
      sql += (i ? ", " : "") + sets[i];
    sql += " WHERE workspace_id = $" + std::to_string(params.size() - 1) + " AND id = $" +
           std::to_string(params.size());
    KIRIM_TRY(c.exec(sql, params));
    if (p.consent && *p.consent != current.consent) {
      KIRIM_TRY(detail::record_consent(c, ws, id, *p.consent, source, now));
    }
    if (p.tags) KIRIM_TRY(write_tags(c, ws, id, *p.tags, now));
    return write_values(c, ws, id, p);
  });
  if (!r.ok()) {
    auto e = std::move(r).error();
    if (e.code == Errc::conflict && existing) e.details["id"] = std::to_string(existing);
    return e;
  }
  return get(ws, id);
}

Result<void> Contacts::remove(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.write_exec("DELETE FROM contacts WHERE workspace_id = $1 AND id = $2", {ws, id}));
  if (n == 0) return not_found();
  return {};
}

Result<std::int64_t> Contacts::bulk(std::int64_t ws, BulkAction action,
                                    const std::vector<std::string>& tags, const Filter& f,
                                    std::string_view source) {
  std::vector<std::string> tag_names;
  if (action == BulkAction::tag || action == BulkAction::untag) {
    if (tags.empty()) return invalid({{"tags", "name at least one tag"}});
    for (const auto& t : tags) {
      auto n = normalize_tag(t);
      if (!n.ok()) return invalid({{"tags", "'" + t + "' " + n.error().message}});
      tag_names.push_back(*n);
    }
  }
  if (f.ids.size() > kMaxBulkIds) return invalid({{"ids", "may hold at most 10000 ids"}});
  // Work through the selection in slices of ids, each slice one unit of work, so that a bulk
  // action over a million contacts neither holds the writer for long nor builds a huge statement.
  constexpr int kSlice = 2000;
  std::int64_t affected = 0;
  std::int64_t after = 0;
  const auto now = clock_.now_ms();
  while (true) {
    KIRIM_ASSIGN_OR_RETURN(auto slice, ids(ws, f, after, kSlice));
    if (slice.empty()) break;
    after = slice.back();
    const auto list = id_list(slice);
    auto r = db_.write([&](db::Connection& c) -> Result<void> {
      switch (action) {
        case BulkAction::remove: {
          KIRIM_ASSIGN_OR_RETURN(
              auto n,
              c.exec("DELETE FROM contacts WHERE workspace_id = $1 AND id IN (" + list + ")",
                     {ws}));
          affected += n;
          return {};
        }
        case BulkAction::tag: {
          KIRIM_ASSIGN_OR_RETURN(auto tag_ids, detail::ensure_tags(c, ws, tag_names, now));
          for (auto tid : tag_ids) {
            KIRIM_ASSIGN_OR_RETURN(
                auto n, c.exec("INSERT INTO contact_tags (contact_id, tag_id, workspace_id) SELECT "
                               "id, $1, $2 FROM contacts WHERE workspace_id = $2 AND id IN (" +
                                   list + ") ON CONFLICT DO NOTHING",
                               {tid, ws}));
            affected += n;
          }
          return {};
        }
        case BulkAction::untag: {
          for (const auto& name : tag_names) {
            KIRIM_ASSIGN_OR_RETURN(
                auto n, c.exec("DELETE FROM contact_tags WHERE contact_id IN (" + list +
                                   ") AND tag_id IN (SELECT id FROM tags WHERE workspace_id = $1 "
                                   "AND name = $2)",
                               {ws, name}));
            affected += n;
          }
          return {};
        }
        case BulkAction::opt_in:
        case BulkAction::opt_out: {
          const auto state = action == BulkAction::opt_in ? Consent::opted_in : Consent::opted_out;
          const std::string name = consent_name(state);
          KIRIM_ASSIGN_OR_RETURN(
              auto changed,
              c.query("SELECT id FROM contacts WHERE workspace_id = $1 AND consent <> "
                      "$2 AND id IN (" +
                          list + ")",
                      {ws, name}));
          for (std::size_t i = 0; i < changed.size(); ++i) {
            KIRIM_TRY(detail::record_consent(c, ws, changed.integer(i, "id"), state, source, now));
          }
          affected += static_cast<std::int64_t>(changed.size());
          return {};
        }
      }
      return {};
    });
    KIRIM_TRY(r);
    if (slice.size() < static_cast<std::size_t>(kSlice)) break;
  }
  return affected;
}

Result<std::vector<ConsentEvent>> Contacts::consent_history(std::int64_t ws, std::int64_t id) {
  KIRIM_TRY(load(nullptr, ws, id));
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT state, source, created_at FROM consent_events WHERE "
                           "workspace_id = $1 AND contact_id = $2 ORDER BY id DESC LIMIT 200",
                           {ws, id}));
  std::vector<ConsentEvent> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back({parse_consent(rows.text(i, "state")).value_or(Consent::unknown),
                   rows.text(i, "source"), rows.integer(i, "created_at")});
  }
  return out;
}

Result<bool> Contacts::set_consent(std::int64_t ws, std::int64_t id, Consent state,
                                   std::string_view source) {
  bool changed = false;
  const auto now = clock_.now_ms();
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(auto current, load(&c, ws, id));
    if (current.consent == state) return {};
    changed = true;
    return detail::record_consent(c, ws, id, state, source, now);
  }));
  return changed;
}

Result<Field> Contacts::create_field(std::int64_t ws, std::string key, std::string label,
                                     FieldType type, std::vector<std::string> choices) {
  label = trimmed(label);
  std::map<std::string, std::string> problems;
  if (label.empty() || label.size() > 100) problems["label"] = "must be 1 to 100 characters";
  if (key.empty()) key = key_from_label(label);
  if (!valid_field_key(key)) {
    problems["key"] = "must be 1 to 40 lower-case letters, digits or _, starting with a letter";
  }
  static const std::set<std::string> reserved = {"phone",    "name", "language", "country",
                                                 "timezone", "tags", "consent",  "id"};
  if (reserved.contains(key)) problems["key"] = "is a standard contact column";
  auto checked = check_choices(type, choices);
  if (!checked.ok()) {
    for (auto& [k, v] : checked.error().details)
      problems[k] = v;
  }
  if (!problems.empty()) return invalid(std::move(problems));
  const auto now = clock_.now_ms();
  std::int64_t id = 0;
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(
        auto n, c.query("SELECT COUNT(*) AS n FROM contact_fields WHERE workspace_id = $1", {ws}));
    if (static_cast<std::size_t>(n.integer(0, "n")) >= kMaxFields) {
      return make_error(Errc::conflict, "A workspace can have at most 200 custom fields.");
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto dup,
        c.query("SELECT id FROM contact_fields WHERE workspace_id = $1 AND field_key = $2",
                {ws, key}));
    if (!dup.empty()) {
      return Error{Errc::conflict,
                   "A field with this key exists.",
                   {{"key", "is already used by another field"}},
                   ""};
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto rows, c.query("INSERT INTO contact_fields (workspace_id, field_key, label, type, "
                           "choices, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                           {ws, key, label, std::string(field_type_name(type)),
                            string_array_json(*checked), now}));
    id = rows.integer(0, "id");
    return {};
  }));
  return Field{id, key, label, type, *checked, now};
}

Result<Field> Contacts::update_field(std::int64_t ws, std::int64_t id,
                                     const std::optional<std::string>& label,
                                     const std::optional<std::vector<std::string>>& choices) {
  KIRIM_ASSIGN_OR_RETURN(auto all, fields(ws));
  auto it = std::find_if(all.begin(), all.end(), [&](const Field& f) { return f.id == id; });
  if (it == all.end()) return make_error(Errc::not_found, "There is no such field.");
  Field f = *it;
  if (label) {
    auto l = trimmed(*label);
    if (l.empty() || l.size() > 100) return invalid({{"label", "must be 1 to 100 characters"}});
    f.label = l;
  }
  if (choices) {
    KIRIM_ASSIGN_OR_RETURN(f.choices, check_choices(f.type, *choices));
  }
  KIRIM_TRY(db_.write_exec(
      "UPDATE contact_fields SET label = $1, choices = $2 WHERE workspace_id = $3 AND id = $4",
      {f.label, string_array_json(f.choices), ws, id}));
  return f;
}

Result<void> Contacts::delete_field(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto n,
      db_.write_exec("DELETE FROM contact_fields WHERE workspace_id = $1 AND id = $2", {ws, id}));
  if (n == 0) return make_error(Errc::not_found, "There is no such field.");
  return {};
}

Result<std::vector<Tag>> Contacts::tags(std::int64_t ws) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT t.id, t.name, (SELECT COUNT(*) FROM contact_tags ct WHERE "
                           "ct.tag_id = t.id) AS n FROM tags t WHERE t.workspace_id = $1 ORDER BY "
                           "t.name",
                           {ws}));
  std::vector<Tag> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back({rows.integer(i, "id"), rows.text(i, "name"), rows.integer(i, "n")});
  }
  return out;
}

Result<Tag> Contacts::create_tag(std::int64_t ws, const std::string& name) {
  auto n = normalize_tag(name);
  if (!n.ok()) return invalid({{"name", n.error().message}});
  auto rows = db_.write_query(
      "INSERT INTO tags (workspace_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
      {ws, *n, clock_.now_ms()});
  if (!rows.ok()) {
    auto e = std::move(rows).error();
    if (e.code == Errc::conflict) {
      e.message = "A tag with this name exists.";
      e.details["name"] = "is already a tag";
    }
    return e;
  }
  return Tag{rows->integer(0, "id"), *n, 0};
}

Result<Tag> Contacts::rename_tag(std::int64_t ws, std::int64_t id, const std::string& name) {
  auto n = normalize_tag(name);
  if (!n.ok()) return invalid({{"name", n.error().message}});
  auto changed =
      db_.write_exec("UPDATE tags SET name = $1 WHERE workspace_id = $2 AND id = $3", {*n, ws, id});
  if (!changed.ok()) {
    auto e = std::move(changed).error();
    if (e.code == Errc::conflict) {
      e.message = "A tag with this name exists.";
      e.details["name"] = "is already a tag";
    }
    return e;
  }
  if (*changed == 0) return make_error(Errc::not_found, "There is no such tag.");
  KIRIM_ASSIGN_OR_RETURN(auto all, tags(ws));
  for (auto& t : all) {
    if (t.id == id) return t;
  }
  return make_error(Errc::not_found, "There is no such tag.");
}

Result<void> Contacts::delete_tag(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.write_exec("DELETE FROM tags WHERE workspace_id = $1 AND id = $2", {ws, id}));
  if (n == 0) return make_error(Errc::not_found, "There is no such tag.");
  return {};
}

Result<Contacts::MessagePage> Contacts::messages(std::int64_t ws, std::int64_t contact_id,
                                                 std::int64_t before, int limit) {
  KIRIM_TRY(load(nullptr, ws, contact_id));
  limit = std::clamp(limit, 1, 200);
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      db_.query("SELECT m.id, m.direction, m.wamid, m.type, m.text, m.content, m.status, "
                "m.error_code, m.error_title, m.created_at, m.sent_at, m.delivered_at, m.read_at, "
                "m.failed_at, p.display_number FROM messages m LEFT JOIN phone_numbers p ON p.id "
                "= m.phone_number_id WHERE m.workspace_id = $1 AND m.contact_id = $2 AND ($3 = 0 "
                "OR m.id < $3) ORDER BY m.id DESC LIMIT " +
                    std::to_string(limit + 1),
                {ws, contact_id, before}));
  MessagePage page;
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    Message m;
    m.id = rows.integer(i, "id");
    m.contact_id = contact_id;
    m.direction = rows.text(i, "direction");
    m.wamid = rows.text(i, "wamid");
    m.type = rows.text(i, "type");
    m.text = rows.text(i, "text");
    m.content_json = rows.text(i, "content");
    m.status = rows.text(i, "status");
    m.error_code = rows.integer(i, "error_code");
    m.error_title = rows.text(i, "error_title");
    m.phone_number = rows.text(i, "display_number");
    m.created_at = rows.integer(i, "created_at");
    m.sent_at = rows.integer(i, "sent_at");
    m.delivered_at = rows.integer(i, "delivered_at");
    m.read_at = rows.integer(i, "read_at");
    m.failed_at = rows.integer(i, "failed_at");
    page.items.push_back(std::move(m));
  }
  if (rows.size() > static_cast<std::size_t>(limit)) page.next_before = page.items.back().id;
  return page;
}

}  // namespace kirim::contacts
