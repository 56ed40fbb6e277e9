// kirim: the one binary. Parses the command line and hands over to a subcommand; the wiring of
// real implementations lives in the commands' files beside this one.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "core/crypto.h"

int main(int argc, char** argv) {
  kirim::crypto::init();
  CLI::App app{"Kirim: self-hosted WhatsApp Business campaigns"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kirim::app::kVersion));
  kirim::app::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return kirim::app::exit_code();
}
