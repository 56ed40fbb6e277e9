#include "contacts/imports.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fcntl.h>
#include <unistd.h>

#include "contacts/csv.h"
#include "contacts/filter.h"
#include "contacts/phone.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"

namespace kirim::contacts {
namespace {

namespace fs = std::filesystem;
using db::Value;

constexpr std::size_t kRowsPerStatement = 100;  // rows in one multi-row INSERT
constexpr std::size_t kMaxErrorRaw = 2000;      // bytes of a failed row kept in the report

constexpr const char* kImportColumns =
    "id, workspace_id, created_by, filename, state, size_bytes, bytes_received, preview, settings, "
    "rows_done, created_count, updated_count, skipped_count, failed_count, bytes_done, error, "
    "created_at, started_at, finished_at";

Error not_found() {
  return make_error(Errc::not_found, "There is no such import.");
}

Import import_from(const db::Rows& r, std::size_t i) {
  Import x;
  x.id = r.integer(i, "id");
  x.workspace_id = r.integer(i, "workspace_id");
  x.created_by = r.nullable_integer(i, "created_by");
  x.filename = r.text(i, "filename");
  x.state = r.text(i, "state");
  x.size_bytes = r.integer(i, "size_bytes");
  x.bytes_received = r.integer(i, "bytes_received");
  x.preview_json = r.text(i, "preview");
  x.settings_json = r.text(i, "settings");
  x.progress.rows = r.integer(i, "rows_done");
  x.progress.created = r.integer(i, "created_count");
  x.progress.updated = r.integer(i, "updated_count");
  x.progress.skipped = r.integer(i, "skipped_count");
  x.progress.failed = r.integer(i, "failed_count");
  x.progress.bytes = r.integer(i, "bytes_done");
  x.error = r.text(i, "error");
  x.created_at = r.integer(i, "created_at");
  x.started_at = r.integer(i, "started_at");
  x.finished_at = r.integer(i, "finished_at");
  return x;
}

Export export_from(const db::Rows& r, std::size_t i) {
  Export e;
  e.id = r.integer(i, "id");
  e.workspace_id = r.integer(i, "workspace_id");
  e.created_by = r.nullable_integer(i, "created_by");
  e.state = r.text(i, "state");
  e.filter_json = r.text(i, "filter");
  e.sort = r.text(i, "sort");
  e.rows = r.integer(i, "rows_done");
  e.total = r.integer(i, "total");
  e.error = r.text(i, "error");
  e.created_at = r.integer(i, "created_at");
  e.finished_at = r.integer(i, "finished_at");
  return e;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Header names people use for each standard column.
std::string suggest_target(std::string_view header, const std::vector<Field>& fields) {
  std::string h;
  for (unsigned char c : lower(header)) {
    if (std::isalnum(c)) h.push_back(static_cast<char>(c));
  }
  static const std::vector<std::pair<std::string, std::vector<std::string>>> known = {
      {"phone",
       {"phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "whatsapp",
        "whatsappnumber", "msisdn", "number", "tel", "telephone", "cell", "cellphone", "hp", "nohp",
        "nomorhp", "telepon", "wa", "nowa"}},
      {"name", {"name", "fullname", "contactname", "customername", "nama", "namalengkap"}},
      {"language", {"language", "lang", "locale", "bahasa"}},
      {"country", {"country", "countrycode", "negara"}},
      {"timezone", {"timezone", "tz", "zonawaktu"}},
      {"tags", {"tags", "tag", "labels", "label", "segment", "segments", "groups"}},
      {"consent", {"consent", "optin", "optedin", "subscribed", "marketingconsent"}}};
  for (const auto& [target, names] : known) {
    if (std::find(names.begin(), names.end(), h) != names.end()) return target;
  }
  for (const auto& f : fields) {
    std::string label;
    for (unsigned char c : lower(f.label)) {
      if (std::isalnum(c)) label.push_back(static_cast<char>(c));
    }
    std::string key;
    for (char c : f.key) {
      if (c != '_') key.push_back(c);
    }
    if (h == label || h == key) return "field:" + f.key;
  }
  return "ignore";
}

bool column_has_phones(const std::vector<std::vector<std::string>>& rows, std::size_t col,
                       const std::string& region) {
  int good = 0, total = 0;
  for (const auto& r : rows) {
    if (col >= r.size() || r[col].empty()) continue;
    ++total;
    if (parse_phone(r[col], region).ok()) ++good;
  }
  return total > 0 && good * 2 >= total;
}

Result<std::optional<Consent>> parse_consent_cell(std::string_view cell) {
  const auto l = lower(cell);
  if (l.empty()) return std::optional<Consent>{};
  if (l == "yes" || l == "y" || l == "true" || l == "1" || l == "opted_in" || l == "opt-in" ||
      l == "optin" || l == "subscribed") {
    return std::optional<Consent>(Consent::opted_in);
  }
  if (l == "no" || l == "n" || l == "false" || l == "0" || l == "opted_out" || l == "opt-out" ||
      l == "optout" || l == "unsubscribed") {
    return std::optional<Consent>(Consent::opted_out);
  }
  if (l == "unknown") return std::optional<Consent>(Consent::unknown);
  return make_error(Errc::invalid_argument, "consent must be yes/no, true/false or opted_in/out");
}

std::vector<std::string> split_tags(std::string_view cell) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto t = normalize_tag(cur);
    if (t.ok() && std::find(out.begin(), out.end(), *t) == out.end()) out.push_back(*t);
    cur.clear();
  };
  for (char c : cell) {
    if (c == ',' || c == ';' || c == '|') {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return out;
}

std::string placeholders(std::size_t rows, std::size_t cols, std::size_t& n) {
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) {
    out += r ? ",(" : "(";
    for (std::size_t c = 0; c < cols; ++c) {
      out += (c ? ",$" : "$") + std::to_string(++n);
    }
    out += ")";
  }
  return out;
}

// Runs a multi-row statement over `rows` of `cols` values each, kRowsPerStatement at a time.
// `head` is the statement up to VALUES, `tail` what follows the value lists.
Result<std::vector<db::Rows>> insert_rows(db::Connection& c, const std::string& head,
                                          const std::string& tail, std::size_t cols,
                                          const std::vector<Value>& values) {
  std::vector<db::Rows> out;
  const std::size_t rows = values.size() / cols;
  for (std::size_t start = 0; start < rows; start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, rows - start);
    std::size_t counter = 0;
    const std::string sql = head + " VALUES " + placeholders(n, cols, counter) + tail;
    std::span<const Value> slice(values.data() + start * cols, n * cols);
    KIRIM_ASSIGN_OR_RETURN(auto r, c.query(sql, slice));
    out.push_back(std::move(r));
  }
  return out;
}

// One row of the file, checked and converted.
struct Row {
  std::int64_t line = 0;
  std::string phone;
  std::string country, timezone;  // derived from the number
  std::optional<std::string> name, language, country_cell, timezone_cell;
  std::optional<Consent> consent;
  std::vector<std::string> tags;
  std::vector<std::pair<const Field*, FieldValue>> values;
};

void merge(Row& into, Row&& from) {
  if (from.name) into.name = std::move(from.name);
  if (from.language) into.language = std::move(from.language);
  if (from.country_cell) into.country_cell = std::move(from.country_cell);
  if (from.timezone_cell) into.timezone_cell = std::move(from.timezone_cell);
  if (from.consent) into.consent = from.consent;
  for (auto& t : from.tags) {
    if (std::find(into.tags.begin(), into.tags.end(), t) == into.tags.end()) into.tags.push_back(t);
  }
  for (auto& v : from.values) {
    auto it = std::find_if(into.values.begin(), into.values.end(),
                           [&](const auto& e) { return e.first == v.first; });
    if (it != into.values.end()) {
      it->second = std::move(v.second);
    } else {
      into.values.push_back(std::move(v));
    }
  }
}

struct Failure {
  std::int64_t line;
  std::string reason;
  std::string raw;
};

// The mapping resolved against the workspace's fields, ready to convert records.
struct Plan {
  int phone = -1;
  int name = -1, language = -1, country = -1, timezone = -1, consent = -1, tags = -1;
  std::vector<std::pair<int, Field>> fields;
  Dedupe dedupe = Dedupe::update;
  std::vector<std::string> extra_tags;
  Consent default_consent = Consent::unknown;
  bool has_header = true;
  std::string region;
};

Result<Row> convert(const Plan& plan, const std::vector<std::string>& rec, std::int64_t line) {
  auto cell = [&](int col) -> std::string_view {
    if (col < 0 || static_cast<std::size_t>(col) >= rec.size()) return {};
    return rec[static_cast<std::size_t>(col)];
  };
  Row row;
  row.line = line;
  const auto phone_cell = cell(plan.phone);
  if (phone_cell.empty()) return make_error(Errc::invalid_argument, "phone: is empty");
  auto phone = parse_phone(phone_cell, plan.region);
  if (!phone.ok()) return make_error(Errc::invalid_argument, "phone: " + phone.error().message);
  row.phone = phone->e164;
  row.country = phone->country;
  row.timezone = phone->timezone;
  auto text = [&](int col, std::optional<std::string>& out, std::size_t max,
                  const char* what) -> Result<void> {
    if (col < 0) return {};
    auto v = cell(col);
    if (v.empty()) return {};
    if (v.size() > max) {
      return make_error(Errc::invalid_argument,
                        std::string(what) + ": is longer than " + std::to_string(max));
    }
    out = std::string(v);
    return {};
  };
  KIRIM_TRY(text(plan.name, row.name, kMaxNameLength, "name"));
  KIRIM_TRY(text(plan.language, row.language, 16, "language"));
  if (plan.country >= 0 && !cell(plan.country).empty()) {
    std::string c(cell(plan.country));
    std::transform(c.begin(), c.end(), c.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (!known_region(c)) {
      return make_error(Errc::invalid_argument, "country: must be an ISO 3166 code such as ID");
    }
    row.country_cell = c;
  }
  if (plan.timezone >= 0 && !cell(plan.timezone).empty()) {
    if (!valid_timezone(cell(plan.timezone))) {
      return make_error(Errc::invalid_argument, "timezone: is not an IANA time zone");
    }
    row.timezone_cell = std::string(cell(plan.timezone));
  }
  if (plan.consent >= 0) {
    auto c = parse_consent_cell(cell(plan.consent));
    if (!c.ok()) return c.error();
    row.consent = *c;
  }
  if (plan.tags >= 0) row.tags = split_tags(cell(plan.tags));
  for (const auto& t : plan.extra_tags) {
    if (std::find(row.tags.begin(), row.tags.end(), t) == row.tags.end()) row.tags.push_back(t);
  }
  if (row.tags.size() > kMaxTagsPerContact) row.tags.resize(kMaxTagsPerContact);
  for (const auto& [col, field] : plan.fields) {
    auto v = cell(col);
    if (v.empty()) continue;
    auto fv = coerce_text(field, v);
    if (!fv.ok()) {
      return make_error(Errc::invalid_argument, field.label + ": " + fv.error().message);
    }
    row.values.emplace_back(&field, std::move(fv).value());
  }
  return row;
}

Result<Plan> make_plan(const ImportSettings& s, const std::vector<Field>& fields,
                       std::string region) {
  Plan plan;
  plan.dedupe = s.dedupe;
  plan.extra_tags = s.tags;
  plan.default_consent = s.consent;
  plan.has_header = s.has_header;
  plan.region = std::move(region);
  for (const auto& m : s.mapping) {
    const auto& t = m.target;
    if (t == "phone") {
      plan.phone = m.column;
    } else if (t == "name") {
      plan.name = m.column;
    } else if (t == "language") {
      plan.language = m.column;
    } else if (t == "country") {
      plan.country = m.column;
    } else if (t == "timezone") {
      plan.timezone = m.column;
    } else if (t == "consent") {
      plan.consent = m.column;
    } else if (t == "tags") {
      plan.tags = m.column;
    } else if (t.starts_with("field:")) {
      const auto key = t.substr(6);
      auto f =
          std::find_if(fields.begin(), fields.end(), [&](const Field& d) { return d.key == key; });
      if (f == fields.end()) return make_error(Errc::invalid_argument, "field " + key + " is gone");
      plan.fields.emplace_back(m.column, *f);
    }
  }
  if (plan.phone < 0) return make_error(Errc::invalid_argument, "no column is mapped to phone");
  return plan;
}

boost::json::object settings_to_json(const ImportSettings& s) {
  boost::json::array mapping;
  for (const auto& m : s.mapping)
    mapping.push_back({{"column", m.column}, {"target", m.target}});
  boost::json::array tags;
  for (const auto& t : s.tags)
    tags.emplace_back(t);
  return {{"mapping", std::move(mapping)},
          {"dedupe", s.dedupe == Dedupe::update ? "update" : "skip"},
          {"tags", std::move(tags)},
          {"consent", consent_name(s.consent)},
          {"has_header", s.has_header}};
}

ImportSettings settings_from_json(const std::string& text) {
  ImportSettings s;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return s;
  const auto& o = v.as_object();
  if (const auto* m = o.if_contains("mapping"); m && m->is_array()) {
    for (const auto& e : m->as_array()) {
      if (!e.is_object()) continue;
      const auto& eo = e.as_object();
      ColumnMapping cm;
      if (const auto* c = eo.if_contains("column"); c && c->is_int64()) {
        cm.column = static_cast<int>(c->as_int64());
      }
      if (const auto* t = eo.if_contains("target"); t && t->is_string()) {
        cm.target = std::string(t->as_string());
      }
      s.mapping.push_back(cm);
    }
  }
  if (const auto* d = o.if_contains("dedupe"); d && d->is_string()) {
    s.dedupe = d->as_string() == "skip" ? Dedupe::skip : Dedupe::update;
  }
  if (const auto* t = o.if_contains("tags"); t && t->is_array()) {
    for (const auto& e : t->as_array()) {
      if (e.is_string()) s.tags.emplace_back(e.as_string());
    }
  }
  if (const auto* c = o.if_contains("consent"); c && c->is_string()) {
    s.consent = parse_consent(std::string_view(c->as_string())).value_or(Consent::unknown);
  }
  if (const auto* h = o.if_contains("has_header"); h && h->is_bool()) s.has_header = h->as_bool();
  return s;
}

int preview_columns(const std::string& preview_json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(preview_json, ec);
  if (ec || !v.is_object()) return 0;
  std::size_t n = 0;
  if (const auto* h = v.as_object().if_contains("headers"); h && h->is_array()) {
    n = h->as_array().size();
  }
  if (const auto* rows = v.as_object().if_contains("rows"); rows && rows->is_array()) {
    for (const auto& r : rows->as_array()) {
      if (r.is_array()) n = std::max(n, r.as_array().size());
    }
  }
  return static_cast<int>(n);
}

}  // namespace

Imports::Imports(db::Database& db, const Clock& clock, Contacts& contacts, std::string data_dir,
                 Publish publish)
    : db_(db),
      clock_(clock),
      contacts_(contacts),
      data_dir_(std::move(data_dir)),
      publish_(std::move(publish)) {}

Imports::~Imports() {
  stop();
}

void Imports::start() {
  std::error_code ec;
  fs::create_directories(fs::path(data_dir_) / "imports", ec);
  fs::create_directories(fs::path(data_dir_) / "exports", ec);
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
    work_ = true;
  }
  worker_ = std::thread([this] { run(); });
}

void Imports::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Imports::request_stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

void Imports::wake() {
  {
    std::lock_guard lock(mu_);
    work_ = true;
  }
  cv_.notify_all();
}

std::string Imports::import_path(std::int64_t id) const {
  return (fs::path(data_dir_) / "imports" / (std::to_string(id) + ".csv")).string();
}

std::string Imports::export_file(std::int64_t id) const {
  return (fs::path(data_dir_) / "exports" / (std::to_string(id) + ".csv")).string();
}

Result<Import> Imports::create(std::int64_t ws, std::int64_t user_id, const std::string& filename,
                               std::int64_t size_bytes) {
  std::map<std::string, std::string> problems;
  if (filename.empty() || filename.size() > 255)
    problems["filename"] = "must be 1 to 255 characters";
  if (size_bytes < 1 || size_bytes > kMaxImportBytes) {
    problems["size_bytes"] = "must be from 1 byte to 2 GiB";
  }
  if (!problems.empty()) return json::validation_error(std::move(problems));
  const auto now = clock_.now_ms();
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.write_query("INSERT INTO imports (workspace_id, created_by, filename, state, "
                                 "size_bytes, created_at) VALUES ($1, $2, $3, 'uploading', $4, $5) "
                                 "RETURNING id",
                                 {ws, user_id, filename, size_bytes, now}));
  const auto id = rows.integer(0, "id");
  std::error_code ec;
  fs::create_directories(fs::path(data_dir_) / "imports", ec);
  std::ofstream(import_path(id), std::ios::binary | std::ios::trunc);
  return get(ws, id);
}

Result<Import> Imports::append(std::int64_t ws, std::int64_t id, std::int64_t offset,
                               std::string_view bytes) {
  std::lock_guard lock(upload_mu_);
  KIRIM_ASSIGN_OR_RETURN(auto imp, get(ws, id));
  if (imp.state != "uploading") {
    return make_error(Errc::conflict, "This import is not waiting for its file any more.");
  }
  const auto path = import_path(id);
  std::error_code ec;
  const auto on_disk =
      static_cast<std::int64_t>(fs::exists(path, ec) ? fs::file_size(path, ec) : 0);
  if (offset != on_disk) {
    Error e{Errc::conflict, "The upload stands at another offset.", {}, ""};
    e.details["bytes_received"] = std::to_string(on_disk);
    return e;
  }
  if (bytes.empty()) return json::validation_error({{"body", "is empty"}});
  if (offset + static_cast<std::int64_t>(bytes.size()) > imp.size_bytes) {
    return json::validation_error({{"body", "goes past the size given when the import was made"}});
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::internal, "cannot open the upload file");
  std::size_t written = 0;
  while (written < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) {
      ::close(fd);
      return make_error(Errc::unavailable, "writing the upload failed (disk full?)");
    }
    written += static_cast<std::size_t>(n);
  }
  ::fdatasync(fd);
  ::close(fd);
  const auto received = offset + static_cast<std::int64_t>(bytes.size());
  if (received < imp.size_bytes) {
    KIRIM_TRY(
        db_.write_exec("UPDATE imports SET bytes_received = $1 WHERE id = $2", {received, id}));
    imp.bytes_received = received;
    return imp;
  }
  // The whole file is here: read its first records for the preview and the suggested mapping.
  std::string head(64 * 1024, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  const char delimiter = detect_delimiter(head);
  KIRIM_ASSIGN_OR_RETURN(auto reader, CsvReader::open(path, delimiter));
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> rec;
  std::int64_t number = 0;
  while (records.size() < static_cast<std::size_t>(kPreviewRows) + 1) {
    auto more = reader->next(rec, number);
    if (!more.ok()) {
      (void)db_.write_exec(
          "UPDATE imports SET state = 'failed', error = $1, bytes_received = $2 "
          "WHERE id = $3",
          {more.error().message, received, id});
      return json::validation_error({{"file", more.error().message}});
    }
    if (!*more) break;
    records.push_back(rec);
  }
  if (records.empty()) {
    (void)db_.write_exec(
        "UPDATE imports SET state = 'failed', error = 'the file has no rows', bytes_received = $1 "
        "WHERE id = $2",
        {received, id});
    return json::validation_error({{"file", "has no rows"}});
  }
  KIRIM_ASSIGN_OR_RETURN(auto settings, contacts_.settings(ws));
  KIRIM_ASSIGN_OR_RETURN(auto fields, contacts_.fields(ws));
  std::size_t cols = 0;
  for (const auto& r : records)
    cols = std::max(cols, r.size());
  // A header row has no phone numbers in it while the rows below do.
  bool header_phone = false;
  for (const auto& cell : records[0]) {
    if (parse_phone(cell, settings.default_region).ok()) header_phone = true;
  }
  const bool has_header = !header_phone && records.size() > 1;
  std::vector<std::vector<std::string>> data(records.begin() + (has_header ? 1 : 0), records.end());
  boost::json::array headers, rows, suggested;
  bool have_phone = false;
  for (std::size_t c = 0; c < cols; ++c) {
    const std::string name =
        has_header && c < records[0].size() ? records[0][c] : "Column " + std::to_string(c + 1);
    headers.emplace_back(name);
    std::string target = has_header ? suggest_target(name, fields) : "ignore";
    if (target == "phone" && have_phone) target = "ignore";
    if (target == "ignore" && !have_phone && column_has_phones(data, c, settings.default_region)) {
      target = "phone";
    }
    if (target == "phone") have_phone = true;
    suggested.push_back({{"column", static_cast<std::int64_t>(c)}, {"target", target}});
  }
  for (const auto& r : data) {
    boost::json::array row;
    for (const auto& cell : r)
      row.emplace_back(cell);
    rows.push_back(std::move(row));
  }
  boost::json::object preview{{"delimiter", std::string(1, delimiter)},
                              {"has_header", has_header},
                              {"headers", std::move(headers)},
                              {"rows", std::move(rows)},
                              {"suggested_mapping", std::move(suggested)}};
  KIRIM_TRY(
      db_.write_exec("UPDATE imports SET state = 'mapping', bytes_received = $1, preview = $2 "
                     "WHERE id = $3",
                     {received, boost::json::serialize(preview), id}));
  return get(ws, id);
}

Result<Import> Imports::start_import(std::int64_t ws, std::int64_t id, ImportSettings s,
                                     const std::vector<NewFieldMapping>& new_fields) {
  KIRIM_ASSIGN_OR_RETURN(auto imp, get(ws, id));
  if (imp.state != "mapping") {
    return make_error(Errc::conflict, imp.state == "uploading"
                                          ? "The file is not fully uploaded yet."
                                          : "This import has already started.");
  }
  const int cols = preview_columns(imp.preview_json);
  KIRIM_ASSIGN_OR_RETURN(auto fields, contacts_.fields(ws));
  std::map<std::string, std::string> problems;
  std::set<int> used;
  int phones = 0;
  static const std::set<std::string> standard = {"phone",    "name",    "language", "country",
                                                 "timezone", "consent", "tags",     "ignore"};
  for (const auto& m : s.mapping) {
    const std::string key = "mapping." + std::to_string(m.column);
    if (m.column < 0 || m.column >= cols) {
      problems[key] = "is not a column of the file";
      continue;
    }
    if (!used.insert(m.column).second) problems[key] = "is mapped twice";
    if (m.target == "phone") ++phones;
    if (m.target.starts_with("field:")) {
      const auto k = m.target.substr(6);
      if (std::none_of(fields.begin(), fields.end(), [&](const Field& f) { return f.key == k; })) {
        problems[key] = "names no field of this workspace: " + k;
      }
    } else if (!standard.contains(m.target)) {
      problems[key] = "has an unknown target: " + m.target;
    }
  }
  std::set<std::string> new_keys;
  for (const auto& nf : new_fields) {
    const std::string key = "mapping." + std::to_string(nf.column);
    if (nf.column < 0 || nf.column >= cols) problems[key] = "is not a column of the file";
    if (!used.insert(nf.column).second) problems[key] = "is mapped twice";
    const auto k = key_from_label(nf.label);
    if (std::any_of(fields.begin(), fields.end(), [&](const Field& f) { return f.key == k; }) ||
        !new_keys.insert(k).second) {
      problems[key] = "a field named '" + nf.label + "' exists; map the column to it";
    }
  }
  if (phones != 1) problems["mapping"] = "map exactly one column to phone";
  std::vector<std::string> tags;
  for (const auto& t : s.tags) {
    auto n = normalize_tag(t);
    if (!n.ok()) {
      problems["tags"] = "'" + t + "' " + n.error().message;
    } else {
      tags.push_back(*n);
    }
  }
  s.tags = tags;
  if (!problems.empty()) return json::validation_error(std::move(problems));
  for (const auto& nf : new_fields) {
    auto f = contacts_.create_field(ws, "", nf.label, nf.type, nf.choices);
    if (!f.ok()) {
      auto e = std::move(f).error();
      std::map<std::string, std::string> details;
      for (auto& [k, v] : e.details)
        details["mapping." + std::to_string(nf.column) + "." + k] = v;
      if (details.empty()) details["mapping." + std::to_string(nf.column)] = e.message;
      return json::validation_error(std::move(details));
    }
    s.mapping.push_back({nf.column, "field:" + f->key});
  }
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.write_exec("UPDATE imports SET state = 'queued', settings = $1 WHERE id = $2 AND "
                             "workspace_id = $3 AND state = 'mapping'",
                             {boost::json::serialize(settings_to_json(s)), id, ws}));
  if (n == 0) return make_error(Errc::conflict, "This import has already started.");
  if (runner_) {
    KIRIM_TRY(runner_("contacts.import", ws, id));
  } else {
    wake();
  }
  return get(ws, id);
}

Result<Import> Imports::cancel(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto imp, get(ws, id));
  KIRIM_TRY(db_.write_exec(
      "UPDATE imports SET state = 'cancelled', finished_at = $1 WHERE id = $2 AND workspace_id = "
      "$3 AND state IN ('uploading', 'mapping', 'queued', 'running')",
      {clock_.now_ms(), id, ws}));
  KIRIM_ASSIGN_OR_RETURN(imp, get(ws, id));
  if (publish_) publish_(ws, "import.progress", &imp, nullptr);
  return imp;
}

Result<Import> Imports::get(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto rows,
                         db_.query(std::string("SELECT ") + kImportColumns +
                                       " FROM imports WHERE workspace_id = $1 AND id = $2",
                                   {ws, id}));
  if (rows.empty()) return not_found();
  return import_from(rows, 0);
}

Result<std::vector<Import>> Imports::list(std::int64_t ws, std::int64_t before, int limit) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query(std::string("SELECT ") + kImportColumns +
                               " FROM imports WHERE workspace_id = $1 AND ($2 = 0 OR id < $2) "
                               "ORDER BY id DESC LIMIT $3",
                           {ws, before, static_cast<std::int64_t>(limit)}));
  std::vector<Import> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(import_from(rows, i));
  return out;
}

Result<std::string> Imports::errors_csv(std::int64_t ws, std::int64_t id) {
  KIRIM_TRY(get(ws, id));
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT line, reason, raw FROM import_errors WHERE import_id = $1 ORDER "
                           "BY line",
                           {id}));
  std::string out = "line,reason,row\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += csv_line({rows.text(i, "line"), rows.text(i, "reason"), rows.text(i, "raw")});
    out += "\n";
  }
  return out;
}

void Imports::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || work_; });
      if (stopping_) return;
      work_ = false;
    }
    // Everything queued, oldest first, imports before exports; a restart resumes what ran.
    while (true) {
      if (stop_requested()) return;
      auto next = db_.query(
          "SELECT id FROM imports WHERE state IN ('queued', 'running') ORDER BY id LIMIT 1");
      if (next.ok() && !next->empty()) {
        if (!import_job(next->integer(0, "id"), [this] { return stop_requested(); }).ok()) return;
        continue;
      }
      auto exp = db_.query(
          "SELECT id FROM exports WHERE state IN ('queued', 'running') ORDER BY id LIMIT 1");
      if (exp.ok() && !exp->empty()) {
        if (!export_job(exp->integer(0, "id"), [this] { return stop_requested(); }).ok()) return;
        continue;
      }
      break;
    }
  }
}

Result<void> Imports::resume_all() {
  if (!runner_) return {};
  KIRIM_ASSIGN_OR_RETURN(
      auto imports,
      db_.query("SELECT id, workspace_id FROM imports WHERE state IN ('queued', 'running')"));
  for (std::size_t i = 0; i < imports.size(); ++i) {
    KIRIM_TRY(
        runner_("contacts.import", imports.integer(i, "workspace_id"), imports.integer(i, "id")));
  }
  KIRIM_ASSIGN_OR_RETURN(
      auto exports,
      db_.query("SELECT id, workspace_id FROM exports WHERE state IN ('queued', 'running')"));
  for (std::size_t i = 0; i < exports.size(); ++i) {
    KIRIM_TRY(
        runner_("contacts.export", exports.integer(i, "workspace_id"), exports.integer(i, "id")));
  }
  return {};
}

bool Imports::stop_requested() {
  std::lock_guard lock(mu_);
  return stopping_;
}

Result<void> Imports::import_job(std::int64_t id, const StopCheck& should_stop) {
  auto r = run_import(id, should_stop);
  if (r.ok()) return {};
  if (r.error().reason == "stopping") return r;
  log::error("import failed", {{"import", std::to_string(id)}, {"error", r.error().message}});
  (void)db_.write_exec(
      "UPDATE imports SET state = 'failed', error = $1, finished_at = $2 WHERE id = $3 AND state "
      "IN ('queued', 'running')",
      {r.error().message, clock_.now_ms(), id});
  auto row =
      db_.query(std::string("SELECT ") + kImportColumns + " FROM imports WHERE id = $1", {id});
  if (row.ok() && !row->empty() && publish_) {
    auto imp = import_from(*row, 0);
    publish_(imp.workspace_id, "import.progress", &imp, nullptr);
  }
  return {};  // failed for good: recorded on the import, nothing to retry
}

Result<void> Imports::export_job(std::int64_t id, const StopCheck& should_stop) {
  auto r = run_export(id, should_stop);
  if (r.ok() || r.error().reason == "stopping") return r;
  log::error("export failed", {{"export", std::to_string(id)}, {"error", r.error().message}});
  (void)db_.write_exec(
      "UPDATE exports SET state = 'failed', error = $1, finished_at = $2 WHERE id = $3",
      {r.error().message, clock_.now_ms(), id});
  return {};
}

Result<void> Imports::run_import(std::int64_t id, const StopCheck& should_stop) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      db_.query(std::string("SELECT ") + kImportColumns + " FROM imports WHERE id = $1", {id}));
  if (rows.empty()) return {};
  Import imp = import_from(rows, 0);
  const auto ws = imp.workspace_id;
  const auto settings = settings_from_json(imp.settings_json);
  KIRIM_ASSIGN_OR_RETURN(auto ws_settings, contacts_.settings(ws));
  KIRIM_ASSIGN_OR_RETURN(auto fields, contacts_.fields(ws));
  KIRIM_ASSIGN_OR_RETURN(auto plan, make_plan(settings, fields, ws_settings.default_region));
  if (imp.state == "queued") {
    imp.started_at = clock_.now_ms();
    KIRIM_ASSIGN_OR_RETURN(
        auto n,
        db_.write_exec("UPDATE imports SET state = 'running', started_at = $1 WHERE id = $2 "
                       "AND state = 'queued'",
                       {imp.started_at, id}));
    if (n == 0) return {};  // cancelled meanwhile
    imp.state = "running";
  }
  std::string delimiter = ",";
  {
    boost::system::error_code ec;
    auto p = boost::json::parse(imp.preview_json, ec);
    if (!ec && p.is_object()) {
      if (const auto* d = p.as_object().if_contains("delimiter"); d && d->is_string()) {
        delimiter = std::string(d->as_string());
      }
    }
  }
  KIRIM_ASSIGN_OR_RETURN(auto reader,
                         CsvReader::open(import_path(id), delimiter.empty() ? ',' : delimiter[0]));
  std::vector<std::string> rec;
  std::int64_t line = 0;
  // Skip the header and the rows earlier batches committed.
  std::int64_t to_skip = imp.progress.rows + (plan.has_header ? 1 : 0);
  while (to_skip > 0) {
    KIRIM_ASSIGN_OR_RETURN(auto more, reader->next(rec, line));
    if (!more) break;
    --to_skip;
  }
  std::map<std::string, std::int64_t> tag_ids;  // tags made or found so far
  const auto resumed_rows = imp.progress.rows;
  const auto run_started = clock_.steady_now();
  auto last_publish = clock_.now_ms() - kProgressIntervalMs;
  bool done = false;
  while (!done) {
    if (should_stop()) return Error{Errc::unavailable, "stopping", {}, "stopping"};
    // Read and check one batch of rows.
    std::vector<Row> batch;
    std::map<std::string, std::size_t> by_phone;
    std::vector<Failure> failures;
    std::int64_t records = 0, skipped_in_file = 0;
    while (records < static_cast<std::int64_t>(kImportBatchRows)) {
      KIRIM_ASSIGN_OR_RETURN(auto more, reader->next(rec, line));
      if (!more) {
        done = true;
        break;
      }
      ++records;
      auto row = convert(plan, rec, line);
      if (!row.ok()) {
        auto raw = csv_line(rec);
        if (raw.size() > kMaxErrorRaw) raw.resize(kMaxErrorRaw);
        failures.push_back({line, row.error().message, std::move(raw)});
        continue;
      }
      auto [it, fresh] = by_phone.emplace(row->phone, batch.size());
      if (fresh) {
        batch.push_back(std::move(row).value());
      } else if (plan.dedupe == Dedupe::update) {
        merge(batch[it->second], std::move(row).value());
        ++skipped_in_file;  // counted below as an update of the same contact
      } else {
        ++skipped_in_file;
      }
    }
    ImportProgress delta;
    delta.rows = records;
    delta.failed = static_cast<std::int64_t>(failures.size());
    const auto bytes_now = reader->bytes_read();
    const auto now = clock_.now_ms();
    auto unit = [&](db::Connection& c) -> Result<void> {
      ImportProgress d = delta;
      // Which numbers exist already?
      std::map<std::string, std::pair<std::int64_t, std::string>> existing;  // phone -> id, consent
      for (std::size_t start = 0; start < batch.size(); start += 500) {
        const std::size_t n = std::min<std::size_t>(500, batch.size() - start);
        std::string sql =
            "SELECT id, phone_e164, consent FROM contacts WHERE workspace_id = $1 AND phone_e164 "
            "IN (";
        std::vector<Value> params{ws};
        for (std::size_t i = 0; i < n; ++i) {
          sql += (i ? ",$" : "$") + std::to_string(i + 2);
          params.emplace_back(batch[start + i].phone);
        }
        sql += ")";
        KIRIM_ASSIGN_OR_RETURN(auto found, c.query(sql, params));
        for (std::size_t i = 0; i < found.size(); ++i) {
          existing[found.text(i, "phone_e164")] = {found.integer(i, "id"),
                                                   found.text(i, "consent")};
        }
      }
      // New contacts, many per statement.
      std::vector<Value> values;
      std::vector<const Row*> inserted;
      for (const auto& r : batch) {
        if (existing.contains(r.phone)) continue;
        const auto consent = r.consent.value_or(plan.default_consent);
        const std::string country = r.country_cell.value_or(r.country);
        const std::string zone =
            r.timezone_cell ? *r.timezone_cell
                            : (r.country_cell ? country_timezone(*r.country_cell) : r.timezone);
        values.insert(values.end(),
                      {ws, r.phone, r.name.value_or(""), r.language.value_or(""), country, zone,
                       std::string(consent_name(consent)),
                       consent == Consent::unknown ? std::string() : std::string("import"),
                       consent == Consent::unknown ? std::int64_t{0} : now, now, now});
        inserted.push_back(&r);
      }
      std::map<std::string, std::int64_t> ids;  // phone -> contact id, for every row of the batch
      KIRIM_ASSIGN_OR_RETURN(
          auto made, insert_rows(c,
                                 "INSERT INTO contacts (workspace_id, phone_e164, name, language, "
                                 "country, timezone, consent, consent_source, consent_at, "
                                 "created_at, updated_at)",
                                 " RETURNING id, phone_e164", 11, values));
      for (const auto& rs : made) {
        for (std::size_t i = 0; i < rs.size(); ++i)
          ids[rs.text(i, "phone_e164")] = rs.integer(i, "id");
      }
      d.created = static_cast<std::int64_t>(inserted.size());
      // Consent history of the new contacts.
      values.clear();
      for (const auto* r : inserted) {
        const auto consent = r->consent.value_or(plan.default_consent);
        if (consent == Consent::unknown) continue;
        values.insert(values.end(), {ws, ids[r->phone], std::string(consent_name(consent)),
                                     std::string("import"), now});
      }
      KIRIM_TRY(insert_rows(c,
                            "INSERT INTO consent_events (workspace_id, contact_id, state, source, "
                            "created_at)",
                            "", 5, values));
      // Existing contacts: update the mapped, non-empty cells, or skip.
      std::vector<const Row*> touched(inserted.begin(), inserted.end());
      for (const auto& r : batch) {
        auto it = existing.find(r.phone);
        if (it == existing.end()) continue;
        if (plan.dedupe == Dedupe::skip) {
          ++d.skipped;
          continue;
        }
        ++d.updated;
        const auto cid = it->second.first;
        ids[r.phone] = cid;
        touched.push_back(&r);
        std::vector<Value> params;
        std::string sets;
        auto set = [&](const char* col, Value v) {
          params.push_back(std::move(v));
          sets +=
              std::string(sets.empty() ? "" : ", ") + col + " = $" + std::to_string(params.size());
        };
        if (r.name) set("name", *r.name);
        if (r.language) set("language", *r.language);
        if (r.country_cell) set("country", *r.country_cell);
        if (r.timezone_cell) set("timezone", *r.timezone_cell);
        set("updated_at", now);
        params.push_back(cid);
        KIRIM_TRY(
            c.exec("UPDATE contacts SET " + sets + " WHERE id = $" + std::to_string(params.size()),
                   params));
        if (r.consent && *r.consent != Consent::unknown &&
            consent_name(*r.consent) != it->second.second) {
          const std::string state = consent_name(*r.consent);
          KIRIM_TRY(
              c.exec("UPDATE contacts SET consent = $1, consent_source = 'import', "
                     "consent_at = $2 WHERE id = $3",
                     {state, now, cid}));
          KIRIM_TRY(
              c.exec("INSERT INTO consent_events (workspace_id, contact_id, state, source, "
                     "created_at) VALUES ($1, $2, $3, 'import', $4)",
                     {ws, cid, state, now}));
        }
      }
      if (plan.dedupe == Dedupe::update) {
        d.updated += skipped_in_file;
      } else {
        d.skipped += skipped_in_file;
      }
      // Tags and field values of every row written.
      std::set<std::string> tag_names;
      for (const auto* r : touched) {
        for (const auto& t : r->tags) {
          if (!tag_ids.contains(t)) tag_names.insert(t);
        }
      }
      if (!tag_names.empty()) {
        KIRIM_ASSIGN_OR_RETURN(
            auto made_tags,
            detail::ensure_tags(c, ws, std::vector<std::string>(tag_names.begin(), tag_names.end()),
                                now));
        std::size_t k = 0;
        for (const auto& t : tag_names)
          tag_ids[t] = made_tags[k++];
      }
      values.clear();
      for (const auto* r : touched) {
        for (const auto& t : r->tags)
          values.insert(values.end(), {ids[r->phone], tag_ids[t], ws});
      }
      KIRIM_TRY(insert_rows(c, "INSERT INTO contact_tags (contact_id, tag_id, workspace_id)",
                            " ON CONFLICT DO NOTHING", 3, values));
      values.clear();
      for (const auto* r : touched) {
        for (const auto& [field, v] : r->values) {
          values.insert(values.end(),
                        {ids[r->phone], field->id, ws, v.text ? Value(*v.text) : Value{},
                         v.number ? Value(*v.number) : Value{}});
        }
      }
      KIRIM_TRY(insert_rows(c,
                            "INSERT INTO contact_values (contact_id, field_id, workspace_id, "
                            "text_value, num_value)",
                            " ON CONFLICT (contact_id, field_id) DO UPDATE SET text_value = "
                            "excluded.text_value, num_value = excluded.num_value",
                            5, values));
      values.clear();
      for (const auto& f : failures)
        values.insert(values.end(), {id, f.line, f.reason, f.raw});
      KIRIM_TRY(insert_rows(c, "INSERT INTO import_errors (import_id, line, reason, raw)",
                            " ON CONFLICT DO NOTHING", 4, values));
      // The progress commits with the rows: a restart resumes exactly after this batch. A
      // cancelled import matches nothing here, and the whole batch rolls back.
      KIRIM_ASSIGN_OR_RETURN(
          auto n,
          c.exec("UPDATE imports SET rows_done = rows_done + $1, created_count = created_count + "
                 "$2, updated_count = updated_count + $3, skipped_count = skipped_count + $4, "
                 "failed_count = failed_count + $5, bytes_done = $6 WHERE id = $7 AND state = "
                 "'running'",
                 {d.rows, d.created, d.updated, d.skipped, d.failed, bytes_now, id}));
      if (n == 0) return Error{Errc::conflict, "cancelled", {}, "cancelled"};
      delta = d;
      return {};
    };
    if (records == 0) break;
    auto r = db_.write(unit);
    if (!r.ok()) {
      if (r.error().reason == "cancelled") return {};
      return r;
    }
    imp.progress.rows += delta.rows;
    imp.progress.created += delta.created;
    imp.progress.updated += delta.updated;
    imp.progress.skipped += delta.skipped;
    imp.progress.failed += delta.failed;
    imp.progress.bytes = bytes_now;
    const double secs = std::chrono::duration<double>(clock_.steady_now() - run_started).count();
    if (secs > 0) rate_.store(static_cast<double>(imp.progress.rows - resumed_rows) / secs);
    if (publish_ && clock_.now_ms() - last_publish >= kProgressIntervalMs) {
      last_publish = clock_.now_ms();
      publish_(ws, "import.progress", &imp, nullptr);
    }
  }
  imp.state = "completed";
  imp.finished_at = clock_.now_ms();
  imp.progress.bytes = imp.size_bytes;
  KIRIM_ASSIGN_OR_RETURN(
      auto n, db_.write_exec("UPDATE imports SET state = 'completed', finished_at = $1, bytes_done "
                             "= size_bytes WHERE id = $2 AND state = 'running'",
                             {imp.finished_at, id}));
  if (n > 0 && publish_) publish_(ws, "import.progress", &imp, nullptr);
  rate_.store(0);
  return {};
}

Result<Export> Imports::create_export(std::int64_t ws, std::int64_t user_id,
                                      const boost::json::object& filter, const std::string& sort) {
  KIRIM_ASSIGN_OR_RETURN(auto f, parse_filter(filter));
  KIRIM_ASSIGN_OR_RETURN(auto total, contacts_.count(ws, f));
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      db_.write_query("INSERT INTO exports (workspace_id, created_by, state, filter, "
                      "sort, total, created_at) VALUES ($1, $2, 'queued', $3, $4, $5, "
                      "$6) RETURNING id",
                      {ws, user_id, boost::json::serialize(filter), sort, total, clock_.now_ms()}));
  const auto id = rows.integer(0, "id");
  if (runner_) {
    KIRIM_TRY(runner_("contacts.export", ws, id));
  } else {
    wake();
  }
  return get_export(ws, id);
}

Result<Export> Imports::get_export(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT id, workspace_id, created_by, state, filter, sort, rows_done, "
                           "total, error, created_at, finished_at FROM exports WHERE workspace_id "
                           "= $1 AND id = $2",
                           {ws, id}));
  if (rows.empty()) return make_error(Errc::not_found, "There is no such export.");
  return export_from(rows, 0);
}

Result<std::string> Imports::export_path(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto e, get_export(ws, id));
  if (e.state != "completed") return make_error(Errc::conflict, "The export is not ready yet.");
  return export_file(id);
}

Result<void> Imports::run_export(std::int64_t id, const StopCheck& should_stop) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT id, workspace_id, created_by, state, filter, sort, rows_done, "
                           "total, error, created_at, finished_at FROM exports WHERE id = $1",
                           {id}));
  if (rows.empty()) return {};
  Export e = export_from(rows, 0);
  const auto ws = e.workspace_id;
  KIRIM_TRY(
      db_.write_exec("UPDATE exports SET state = 'running', rows_done = 0 WHERE id = $1", {id}));
  e.state = "running";
  e.rows = 0;
  boost::system::error_code ec;
  auto fv = boost::json::parse(e.filter_json, ec);
  KIRIM_ASSIGN_OR_RETURN(auto f,
                         parse_filter(fv.is_object() ? fv.as_object() : boost::json::object{}));
  KIRIM_ASSIGN_OR_RETURN(auto fields, contacts_.fields(ws));
  const auto path = export_file(id);
  const auto tmp = path + ".part";
  std::error_code dir_ec;
  fs::create_directories(fs::path(path).parent_path(), dir_ec);
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return make_error(Errc::internal, "cannot write " + tmp);
  std::vector<std::string> header = {
      "phone",          "name", "language",   "country",         "timezone",        "consent",
      "consent_source", "tags", "created_at", "last_inbound_at", "last_outbound_at"};
  for (const auto& fd : fields)
    header.push_back(fd.key);
  out << csv_line(header) << "\n";
  // The list's own pages, in the order asked for (creation order by default).
  ListQuery query;
  query.filter = f;
  query.sort = Sort{SortKey::created_at, false};
  if (!e.sort.empty()) {
    KIRIM_ASSIGN_OR_RETURN(query.sort, parse_sort(e.sort));
  }
  query.limit = kMaxPageSize;
  auto last_publish = clock_.now_ms() - kProgressIntervalMs;
  while (true) {
    if (should_stop()) return Error{Errc::unavailable, "stopping", {}, "stopping"};
    KIRIM_ASSIGN_OR_RETURN(auto listed, contacts_.list(ws, query));
    const auto& page = listed.items;
    for (const auto& c : page) {
      std::string tags;
      for (const auto& t : c.tags)
        tags += (tags.empty() ? "" : ", ") + t;
      auto time = [](std::int64_t ms) { return ms > 0 ? iso8601_utc(ms) : std::string(); };
      std::vector<std::string> line = {c.phone,
                                       c.name,
                                       c.language,
                                       c.country,
                                       c.timezone,
                                       consent_name(c.consent),
                                       c.consent_source,
                                       tags,
                                       time(c.created_at),
                                       time(c.last_in_at),
                                       time(c.last_out_at)};
      for (const auto& fd : fields) {
        auto it = c.fields.find(fd.key);
        if (it == c.fields.end() || it->second.is_null()) {
          line.emplace_back();
        } else if (it->second.is_string()) {
          line.emplace_back(it->second.as_string());
        } else if (it->second.is_bool()) {
          line.emplace_back(it->second.as_bool() ? "true" : "false");
        } else {
          line.push_back(boost::json::serialize(it->second));
        }
      }
      out << csv_line(line) << "\n";
    }
    e.rows += static_cast<std::int64_t>(page.size());
    const bool last_page = listed.next_cursor.empty();
    query.cursor = listed.next_cursor;
    if (clock_.now_ms() - last_publish >= kProgressIntervalMs) {
      last_publish = clock_.now_ms();
      KIRIM_TRY(db_.write_exec("UPDATE exports SET rows_done = $1 WHERE id = $2", {e.rows, id}));
      if (publish_) publish_(ws, "export.progress", nullptr, &e);
    }
    if (last_page) break;
  }
  out.close();
  if (!out) return make_error(Errc::unavailable, "writing the export failed (disk full?)");
  std::error_code fec;
  fs::rename(tmp, path, fec);
  if (fec) return make_error(Errc::internal, "cannot finish the export file");
  e.state = "completed";
  e.finished_at = clock_.now_ms();
  e.total = std::max(e.total, e.rows);
  KIRIM_TRY(
      db_.write_exec("UPDATE exports SET state = 'completed', rows_done = $1, total = $2, "
                     "finished_at = $3 WHERE id = $4",
                     {e.rows, e.total, e.finished_at, id}));
  if (publish_) publish_(ws, "export.progress", nullptr, &e);
  return {};
}

boost::json::object import_json(const Import& i, bool with_preview, std::int64_t now_ms) {
  auto time_or_null = [](std::int64_t ms) {
    return ms > 0 ? boost::json::value(iso8601_utc(ms)) : boost::json::value(nullptr);
  };
  boost::json::object progress{{"rows", i.progress.rows},       {"created", i.progress.created},
                               {"updated", i.progress.updated}, {"skipped", i.progress.skipped},
                               {"failed", i.progress.failed},   {"bytes", i.progress.bytes},
                               {"rows_per_second", nullptr},    {"eta_seconds", nullptr}};
  if (i.started_at > 0 && i.progress.rows > 0) {
    const auto end = i.finished_at > 0 ? i.finished_at : now_ms;
    const double secs = static_cast<double>(std::max<std::int64_t>(end - i.started_at, 1)) / 1000;
    progress["rows_per_second"] =
        static_cast<std::int64_t>(static_cast<double>(i.progress.rows) / secs);
    if (i.state == "running" && i.progress.bytes > 0) {
      const double remaining =
          static_cast<double>(std::max<std::int64_t>(i.size_bytes - i.progress.bytes, 0));
      progress["eta_seconds"] =
          static_cast<std::int64_t>(remaining / (static_cast<double>(i.progress.bytes) / secs));
    } else if (i.state == "completed") {
      progress["eta_seconds"] = 0;
    }
  }
  boost::json::object o{
      {"id", i.id},
      {"filename", i.filename},
      {"state", i.state},
      {"size_bytes", i.size_bytes},
      {"bytes_received", i.bytes_received},
      {"progress", std::move(progress)},
      {"error", i.error.empty() ? boost::json::value(nullptr) : boost::json::value(i.error)},
      {"created_at", iso8601_utc(i.created_at)},
      {"started_at", time_or_null(i.started_at)},
      {"finished_at", time_or_null(i.finished_at)}};
  if (i.created_by) {
    o["created_by"] = *i.created_by;
  } else {
    o["created_by"] = nullptr;
  }
  boost::system::error_code ec;
  if (with_preview && !i.preview_json.empty()) {
    auto p = boost::json::parse(i.preview_json, ec);
    o["preview"] = ec ? boost::json::value(nullptr) : p;
  } else {
    o["preview"] = nullptr;
  }
  if (!i.settings_json.empty()) {
    auto s = boost::json::parse(i.settings_json, ec);
    o["settings"] = ec ? boost::json::value(nullptr) : s;
  } else {
    o["settings"] = nullptr;
  }
  return o;
}

boost::json::object export_json(const Export& e) {
  boost::json::object o{
      {"id", e.id},
      {"state", e.state},
      {"rows", e.rows},
      {"total", e.total},
      {"error", e.error.empty() ? boost::json::value(nullptr) : boost::json::value(e.error)},
      {"created_at", iso8601_utc(e.created_at)}};
  o["finished_at"] = e.finished_at > 0 ? boost::json::value(iso8601_utc(e.finished_at))
                                       : boost::json::value(nullptr);
  return o;
}

}  // namespace kirim::contacts
