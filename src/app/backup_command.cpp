#include "app/backup_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "app/commands.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/time_format.h"
#include "db/backup.h"
#include "db/migrations.h"

namespace kirim::app {
namespace {

namespace fs = std::filesystem;

// Width of the progress bar drawn on a terminal, in characters.
constexpr int kBarWidth = 30;
// Most backups `--keep` accepts; more is almost certainly a typo.
constexpr int kMaxKeep = 10'000;

struct BackupInputs {
  SettingInputs settings;
  std::string to;
  int keep = db::kDefaultBackupKeep;
  bool list = false;
};

struct RestoreInputs {
  SettingInputs settings;
  std::string file;
  bool yes = false;
};

// The progress and the result are printed; the log says only what went wrong, unless a level was
// asked for.
void setup_log(const SettingInputs& in, const Config& c) {
  const auto level = in.options.find("log-level");
  const bool asked = level != in.options.end() && level->second->count() > 0;
  log::setup(asked ? c.log_level : log::Level::warn, c.log_format);
}

int fail(std::string_view command, const Error& e) {
  std::cerr << "kirim " << command << ": " << e.message << "\n";
  return 1;
}

std::string human_size(std::int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

// "postgres://user:secret@host/db" -> "postgres://user:***@host/db", for messages.
std::string redacted(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// The file of a sqlite:PATH (or sqlite://PATH) URL.
std::string sqlite_file(const std::string& url) {
  std::string path = url.substr(std::string_view("sqlite:").size());
  return path.starts_with("//") ? path.substr(2) : path;
}

// Shows a backup's progress on standard error: a bar redrawn in place on a terminal, otherwise
// one plain line per 10 % (logs and CI keep every line).
class Progress {
 public:
  Progress() : terminal_(::isatty(STDERR_FILENO) != 0) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::int64_t done, std::int64_t total) {
    if (total <= 0) {  // pg_dump: only the bytes written so far are known
      if (!terminal_) return;
      std::cerr << "\r  " << human_size(done) << " written   " << std::flush;
      drawn_ = true;
      return;
    }
    const int percent = static_cast<int>(done * 100 / total);
    if (terminal_) {
      if (percent == last_percent_) return;
      last_percent_ = percent;
      const int filled = percent * kBarWidth / 100;
      std::cerr << "\r  [" << std::string(static_cast<std::size_t>(filled), '#')
                << std::string(static_cast<std::size_t>(kBarWidth - filled), ' ') << "] " << percent
                << "%  " << done << "/" << total << " pages" << std::flush;
      drawn_ = true;
      return;
    }
    for (int tenth = last_percent_ < 0 ? 0 : last_percent_ / 10 + 1; tenth <= percent / 10;
         ++tenth) {
      std::cerr << "backup: " << tenth * 10 << "%\n";
      last_percent_ = tenth * 10;
    }
  }

  void finish() {
    if (drawn_) std::cerr << "\n";
    drawn_ = false;
  }

 private:
  bool terminal_;
  bool drawn_ = false;
  int last_percent_ = -1;
};

// The secret key is not in the database; a restored installation needs the same one.
bool uses_key_file(const Config& c) {
  return c.secret_key.empty();
}

int run_list(const std::string& dir) {
  auto backups = db::list_backups(dir);
  if (!backups.ok()) return fail("backup", backups.error());
  if (backups->empty()) {
    std::cout << "no backups in " << dir << "\n";
    return 0;
  }
  std::printf("%-20s  %10s  %s\n", "TAKEN (UTC)", "SIZE", "FILE");
  for (const auto& b : *backups) {
    std::printf("%-20s  %10s  %s\n", iso8601_utc(b.taken_at).c_str(), human_size(b.bytes).c_str(),
                b.path.c_str());
  }
  return 0;
}

int run_backup(BackupInputs& in) {
  auto c = resolve(in.settings);
  if (!c.ok()) return fail("backup", c.error());
  setup_log(in.settings, *c);
  const std::string dir = in.to.empty() ? (fs::path(c->data_dir) / "backups").string() : in.to;
  if (in.list) return run_list(dir);

  SystemClock clock;
  Progress progress;
  db::BackupOptions options;
  options.clock = &clock;
  options.keep = in.keep;
  options.progress = [&progress](std::int64_t done, std::int64_t total) {
    progress.update(done, total);
  };
  auto info = db::backup(c->database_url(), dir, options);
  progress.finish();
  if (!info.ok()) return fail("backup", info.error());
  std::cout << "backup written: " << info->path << " (" << human_size(info->bytes)
            << ", schema version " << info->schema_version << ", "
            << static_cast<double>(info->duration.count()) / 1000 << " s)\n";
  for (const auto& removed : info->removed)
    std::cout << "removed old backup " << removed << "\n";
  std::error_code ec;
  if (uses_key_file(*c) && fs::exists(fs::path(c->data_dir) / "secret.key", ec)) {
    std::cout << "keep " << (fs::path(c->data_dir) / "secret.key").string()
              << " safe too: it decrypts the WhatsApp secrets stored in the database\n";
  }
  return 0;
}

bool confirmed(const std::string& prompt) {
  std::cerr << prompt << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

int run_restore(RestoreInputs& in) {
  auto c = resolve(in.settings);
  if (!c.ok()) return fail("restore", c.error());
  setup_log(in.settings, *c);
  const std::string url = c->database_url();
  const bool sqlite = url.starts_with("sqlite:");

  if (::isatty(STDIN_FILENO) && !in.yes) {
    if (sqlite) {
      std::cerr << "This replaces the database " << sqlite_file(url) << " with " << in.file
                << ".\nThe current database, if any, is kept beside it as "
                << fs::path(sqlite_file(url)).filename().string()
                << ".before-restore-<time>. kirim serve must be stopped first.\n";
    } else {
      std::cerr << "This replaces the contents of " << redacted(url) << " with " << in.file
                << " (pg_restore --clean, in one transaction).\nNothing of the current contents "
                   "is kept: back it up first (kirim backup) if you may need it.\n";
    }
    if (!confirmed("Restore?")) {
      std::cerr << "restore cancelled; nothing changed\n";
      return 1;
    }
  }

  SystemClock clock;
  auto info = db::restore(url, in.file, {&clock});
  if (!info.ok()) return fail("restore", info.error());
  std::cout << "restored " << in.file << " into " << (sqlite ? sqlite_file(url) : redacted(url))
            << " (schema version " << info->schema_version << ")\n";
  if (!info->kept.empty()) std::cout << "the previous database is kept as " << info->kept << "\n";
  const auto dialect = sqlite ? db::Dialect::sqlite : db::Dialect::postgres;
  if (info->schema_version < db::latest_version(dialect)) {
    std::cout << "kirim serve (or kirim migrate) will bring the schema up to version "
              << db::latest_version(dialect) << "\n";
  }
  std::error_code ec;
  if (uses_key_file(*c) && !fs::exists(fs::path(c->data_dir) / "secret.key", ec)) {
    std::cout << "note: " << (fs::path(c->data_dir) / "secret.key").string()
              << " does not exist; copy the backed-up installation's key there before starting "
                 "kirim, or its WhatsApp accounts' secrets must be entered again\n";
  }
  return 0;
}

}  // namespace

void register_backup_commands(CLI::App& app) {
  static BackupInputs backup_in;
  static RestoreInputs restore_in;

  auto* backup = app.add_subcommand(
      "backup", "Copy the database to a timestamped file (consistent while kirim serve runs)");
  add_settings(*backup, backup_in.settings, false);
  backup->add_option("--to", backup_in.to, "Directory of the backups (default <data-dir>/backups)");
  backup
      ->add_option("--keep", backup_in.keep,
                   "Newest backups kept in the directory; older ones are deleted after success")
      ->check(CLI::Range(1, kMaxKeep))
      ->capture_default_str();
  backup->add_flag("--list", backup_in.list, "List the backups in the directory instead");
  backup->callback([] {
    const int code = run_backup(backup_in);
    if (code != 0) throw CLI::RuntimeError(code);
  });

  auto* restore = app.add_subcommand(
      "restore", "Replace the database with a backup (kirim serve must be stopped)");
  add_settings(*restore, restore_in.settings, false);
  restore
      ->add_option("file", restore_in.file,
                   "The backup: a .db file (SQLite) or .dump file "
                   "(PostgreSQL) made by kirim backup")
      ->required();
  restore->add_flag("--yes", restore_in.yes, "Do not ask for confirmation on a terminal");
  restore->callback([] {
    const int code = run_restore(restore_in);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace kirim::app
