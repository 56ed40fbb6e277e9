#pragma once

namespace CLI {
class App;
}

namespace kirim::app {

// Adds `kirim backup [--to DIR] [--keep N] [--list]` and `kirim restore FILE [--yes]` (see
// db/backup.h and docs/operations.md). Both take --config, --data-dir and --database like
// `migrate`; each runs from its callback and exits with status 1 on failure.
void register_backup_commands(CLI::App& app);

}  // namespace kirim::app
