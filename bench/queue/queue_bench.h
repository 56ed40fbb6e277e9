#pragma once

#include <CLI/CLI.hpp>

// `kirim-bench queue`: the durable queue (src/queue/queue.h) on a real database, measured in one
// process. Enqueues N jobs with the queue stopped, starts it and times how long C workers take to
// complete them all (outcomes committed), then enqueues jobs one at a time at a steady rate into
// the idle, running queue and times each one's pickup (enqueue call to handler start). Prints
// one JSON line on stdout; see bench/queue/README.md for the fields.
namespace kirim::bench {

// Adds the `queue` subcommand to `app`; its callback sets `exit_code` (0, 1 on a failed run).
void register_queue_command(CLI::App& app, int& exit_code);

}  // namespace kirim::bench
