#include "db/database.h"

#include <filesystem>

#include "db/postgres/postgres_database.h"
#include "db/sqlite/sqlite_database.h"

namespace kirim::db {

const char* dialect_name(Dialect d) {
  return d == Dialect::sqlite ? "sqlite" : "postgres";
}

std::size_t Rows::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return i;
  }
  return std::string::npos;
}

std::int64_t Rows::integer(std::size_t row, std::string_view col) const {
  return nullable_integer(row, col).value_or(0);
}

std::optional<std::int64_t> Rows::nullable_integer(std::size_t row, std::string_view col) const {
  const auto c = column(col);
  if (c == std::string::npos) return std::nullopt;
  const auto& v = rows_[row][c];
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    try {
      return std::stoll(*s);
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

double Rows::real(std::size_t row, std::string_view col) const {
  const auto c = column(col);
  if (c == std::string::npos) return 0;
  const auto& v = rows_[row][c];
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return 0;
}

std::string Rows::text(std::size_t row, std::string_view col) const {
  const auto c = column(col);
  if (c == std::string::npos) return {};
  const auto& v = rows_[row][c];
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

Result<Rows> Database::write_query(std::string_view sql, std::initializer_list<Value> params) {
  Rows out;
  const std::vector<Value> copy(params);
  auto r = write([&](Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(out, c.query(sql, std::span<const Value>(copy)));
    return {};
  });
  if (!r.ok()) return std::move(r).error();
  return out;
}

Result<std::int64_t> Database::write_exec(std::string_view sql,
                                          std::initializer_list<Value> params) {
  std::int64_t changed = 0;
  const std::vector<Value> copy(params);
  auto r = write([&](Connection& c) -> Result<void> {
    KIRIM_ASSIGN_OR_RETURN(changed, c.exec(sql, std::span<const Value>(copy)));
    return {};
  });
  if (!r.ok()) return std::move(r).error();
  return changed;
}

Result<std::unique_ptr<Database>> open(const std::string& url, const Options& options) {
  if (url.starts_with("sqlite:")) {
    std::string path = url.substr(7);
    if (path.starts_with("//")) path = path.substr(2);
    if (path.empty()) return make_error(Errc::invalid_argument, "sqlite: needs a file path");
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return make_error(Errc::unavailable,
                        "cannot create directory " + parent.string() + ": " + ec.message());
    }
    return sqlite::open(path, options);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return postgres::open(url, options);
  }
  return make_error(Errc::invalid_argument,
                    "unknown database URL (expected sqlite:PATH or postgres://...): " + url);
}

}  // namespace kirim::db
