#pragma once

#include <memory>
#include <string>

#include "db/database.h"

namespace kirim::db::sqlite {

// Opens (creating if needed) a SQLite database in WAL mode with foreign keys on: one writer thread
// that commits units in groups, and a pool of read connections.
[[nodiscard]] Result<std::unique_ptr<Database>> open(const std::string& path,
                                                     const Options& options);

// Rewrites $1, $2 ... placeholders (outside quotes and comments) to SQLite's ?1, ?2 ...
[[nodiscard]] std::string translate_placeholders(std::string_view sql);

}  // namespace kirim::db::sqlite
