// kirim-bench: benchmark drivers that run Kirim's own modules in one process and print one JSON
// line per run, for the run scripts under bench/ to collect.
//   kirim-bench queue --jobs N --concurrency C --database URL [--work-ms W] [--batch B]
#include <CLI/CLI.hpp>

#include "queue/queue_bench.h"

int main(int argc, char** argv) {
  CLI::App app{"kirim-bench: Kirim's modules under load, one JSON line per run"};
  app.require_subcommand(1);
  int exit_code = 0;
  kirim::bench::register_queue_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
