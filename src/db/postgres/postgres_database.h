#pragma once

#include <memory>
#include <string>

#include "db/database.h"

namespace kirim::db::postgres {

// Connects a pool of libpq connections to a postgres:// URL. Each unit of work runs in its own
// transaction on one pooled connection.
[[nodiscard]] Result<std::unique_ptr<Database>> open(const std::string& url,
                                                     const Options& options);

}  // namespace kirim::db::postgres
