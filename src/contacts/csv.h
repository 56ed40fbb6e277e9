#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

// Reading CSV files a record at a time with libcsv, so that a file of any size is read with flat
// memory. Lenient like a spreadsheet: quoted fields may hold delimiters and line breaks, spaces
// around unquoted fields are trimmed, a UTF-8 byte-order mark is skipped, empty lines are skipped.
namespace kirim::contacts {

// The delimiter a file most likely uses (',', ';', '\t' or '|'), from its first lines.
[[nodiscard]] char detect_delimiter(std::string_view head);

// Owns an open file and a libcsv parser. Not thread-safe; one reader per job.
class CsvReader {
 public:
  static Result<std::unique_ptr<CsvReader>> open(const std::string& path, char delimiter);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next non-empty record; false at the end of the file. `number` is the record's position in
  // the file (1-based, empty lines not counted), which is its line number unless a quoted field
  // spans lines.
  [[nodiscard]] Result<bool> next(std::vector<std::string>& record, std::int64_t& number);
  // Bytes of the file consumed so far (read ahead by up to one chunk).
  [[nodiscard]] std::int64_t bytes_read() const { return bytes_read_; }

 private:
  CsvReader() = default;
  static void on_field(void* data, std::size_t len, void* self);
  static void on_record(int c, void* self);

  std::FILE* file_ = nullptr;
  struct Parser;
  std::unique_ptr<Parser> parser_;
  std::vector<std::string> current_;
  std::deque<std::vector<std::string>> ready_;
  std::int64_t records_ = 0;
  std::int64_t bytes_read_ = 0;
  bool eof_ = false;
  bool first_chunk_ = true;
};

// One record as a CSV line (quoted where needed), without the line break.
[[nodiscard]] std::string csv_line(const std::vector<std::string>& fields);

}  // namespace kirim::contacts
