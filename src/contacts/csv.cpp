#include "contacts/csv.h"

#include <algorithm>
#include <array>

#include <csv.h>

namespace kirim::contacts {
namespace {

constexpr std::size_t kChunk = 256 * 1024;
constexpr std::size_t kMaxFieldsPerRecord = 1000;

int space_only(unsigned char c) {
  return c == ' ' ? 1 : 0;
}

// A cell that spreadsheets would run as a formula (CSV injection): = or @ first, or + or - first
// followed by more than a number (so that "+6281234567890" and "-3.5" stay as they are).
bool looks_like_formula(const std::string& f) {
  if (f.empty()) return false;
  if (f[0] == '=' || f[0] == '@' || f[0] == '\t' || f[0] == '\r') return true;
  if (f[0] != '+' && f[0] != '-') return false;
  return std::any_of(f.begin() + 1, f.end(), [](char c) {
    return !((c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '(' || c == ')' || c == '-');
  });
}

}  // namespace

struct CsvReader::Parser {
  csv_parser p;
};

char detect_delimiter(std::string_view head) {
  // Count candidates outside quotes on the first few lines; the most frequent wins, comma on ties.
  std::array<std::pair<char, int>, 4> counts{{{',', 0}, {';', 0}, {'\t', 0}, {'|', 0}}};
  bool quoted = false;
  int lines = 0;
  for (char c : head) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' && ++lines >= 5) break;
    for (auto& [d, n] : counts) {
      if (c == d) ++n;
    }
  }
  auto best = std::max_element(counts.begin(), counts.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  return best->second > 0 ? best->first : ',';
}

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::string& path, char delimiter) {
  std::unique_ptr<CsvReader> r(new CsvReader());
  r->file_ = std::fopen(path.c_str(), "rb");
  if (r->file_ == nullptr) return make_error(Errc::internal, "cannot open " + path);
  r->parser_ = std::make_unique<Parser>();
  if (csv_init(&r->parser_->p, 0) != 0) return make_error(Errc::internal, "csv_init failed");
  csv_set_delim(&r->parser_->p, static_cast<unsigned char>(delimiter));
  if (delimiter == '\t') csv_set_space_func(&r->parser_->p, space_only);
  return r;
}

CsvReader::~CsvReader() {
  if (parser_) csv_free(&parser_->p);
  if (file_ != nullptr) std::fclose(file_);
}

void CsvReader::on_field(void* data, std::size_t len, void* self) {
  auto* r = static_cast<CsvReader*>(self);
  if (r->current_.size() < kMaxFieldsPerRecord) {
    r->current_.emplace_back(static_cast<const char*>(data), len);
  }
}

void CsvReader::on_record(int, void* self) {
  auto* r = static_cast<CsvReader*>(self);
  const bool empty = std::all_of(r->current_.begin(), r->current_.end(),
                                 [](const std::string& f) { return f.empty(); });
  if (!empty) r->ready_.push_back(std::move(r->current_));
  r->current_.clear();
}

Result<bool> CsvReader::next(std::vector<std::string>& record, std::int64_t& number) {
  std::vector<char> buf;
  while (ready_.empty() && !eof_) {
    buf.resize(kChunk);
    const auto n = std::fread(buf.data(), 1, buf.size(), file_);
    std::size_t skip = 0;
    if (first_chunk_) {
      first_chunk_ = false;
      if (n >= 3 && static_cast<unsigned char>(buf[0]) == 0xEF &&
          static_cast<unsigned char>(buf[1]) == 0xBB &&
          static_cast<unsigned char>(buf[2]) == 0xBF) {
        skip = 3;
      }
    }
    bytes_read_ += static_cast<std::int64_t>(n);
    if (n > skip && csv_parse(&parser_->p, buf.data() + skip, n - skip, on_field, on_record,
                              this) != n - skip) {
      return make_error(Errc::invalid_argument, std::string("the file is not valid CSV: ") +
                                                    csv_strerror(csv_error(&parser_->p)));
    }
    if (n < buf.size()) {
      if (std::ferror(file_)) return make_error(Errc::internal, "reading the file failed");
      csv_fini(&parser_->p, on_field, on_record, this);
      eof_ = true;
    }
  }
  if (ready_.empty()) return false;
  record = std::move(ready_.front());
  ready_.pop_front();
  number = ++records_;
  return true;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    const auto& f = fields[i];
    const bool quote = f.find_first_of(",\"\r\n;") != std::string::npos ||
                       (!f.empty() && (f.front() == ' ' || f.back() == ' '));
    const bool formula = looks_like_formula(f);
    if (!quote && !formula) {
      out += f;
      continue;
    }
    out.push_back('"');
    if (formula) out.push_back('\'');
    for (char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out;
}

}  // namespace kirim::contacts
