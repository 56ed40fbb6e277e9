#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "contacts/contacts.h"
#include "contacts/types.h"
#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"

// CSV imports and exports of contacts, run in the background on their own thread. An import is
// created, uploaded in chunks to a file under the data directory, mapped, then started; each batch
// of rows commits together with the import's progress, so a restart resumes after the last
// committed batch and a row is never applied twice. Exports write a CSV file of any filtered list.
// Thread-safe; the Database, Clock and Contacts are borrowed and must outlive it; stop() before
// destroying them.
namespace kirim::contacts {

inline constexpr std::size_t kImportBatchRows = 1000;
inline constexpr int kPreviewRows = 10;
inline constexpr std::int64_t kMaxImportBytes = 2LL * 1024 * 1024 * 1024;
inline constexpr std::int64_t kProgressIntervalMs = 250;  // realtime progress at most 4 per second

struct ImportProgress {
  std::int64_t rows = 0, created = 0, updated = 0, skipped = 0, failed = 0, bytes = 0;
};

struct Import {
  std::int64_t id = 0;
  std::int64_t workspace_id = 0;
  std::optional<std::int64_t> created_by;
  std::string filename, state;  // uploading mapping queued running completed failed cancelled
  std::int64_t size_bytes = 0, bytes_received = 0;
  std::string preview_json, settings_json;  // "" when not yet known
  ImportProgress progress;
  std::string error;
  std::int64_t created_at = 0, started_at = 0, finished_at = 0;
};

// Where a column goes.
struct ColumnMapping {
  int column = 0;
  std::string target;  // phone name language country timezone consent tags field:KEY ignore
};

enum class Dedupe { update, skip };

struct ImportSettings {
  std::vector<ColumnMapping> mapping;
  Dedupe dedupe = Dedupe::update;
  std::vector<std::string> tags;       // added to every imported contact
  Consent consent = Consent::unknown;  // for rows without a consent column
  bool has_header = true;
};

// A column that creates a new field when the import starts.
struct NewFieldMapping {
  int column = 0;
  std::string label;
  FieldType type = FieldType::text;
  std::vector<std::string> choices;
};

struct Export {
  std::int64_t id = 0, workspace_id = 0;
  std::optional<std::int64_t> created_by;
  std::string state;  // queued running completed failed
  std::string filter_json, sort;
  std::int64_t rows = 0, total = 0;
  std::string error;
  std::int64_t created_at = 0, finished_at = 0;
};

class Imports {
 public:
  // Called from the worker thread with ("import.progress" | "export.progress", the object).
  using Publish = std::function<void(std::int64_t workspace_id, std::string_view event,
                                     const Import*, const Export*)>;

  Imports(db::Database& db, const Clock& clock, Contacts& contacts, std::string data_dir,
          Publish publish);
  ~Imports();
  Imports(const Imports&) = delete;
  Imports& operator=(const Imports&) = delete;

  // Where imports and exports run. Without a runner, on this object's own worker thread
  // (start()); with one, each is handed to it (the durable queue), which calls import_job() /
  // export_job() with its own stop check.
  using Runner = std::function<Result<void>(std::string_view kind, std::int64_t workspace_id,
                                            std::int64_t id)>;
  void set_runner(Runner runner) { runner_ = std::move(runner); }
  using StopCheck = std::function<bool()>;
  // Runs an import (an export) to its end. An error with reason "stopping" means it stopped
  // early and resumes when called again; other failures are recorded on it and return success.
  [[nodiscard]] Result<void> import_job(std::int64_t id, const StopCheck& should_stop);
  [[nodiscard]] Result<void> export_job(std::int64_t id, const StopCheck& should_stop);
  // Hands every import and export that is queued or was running to the runner again (at start:
  // the runner's unique keys make this harmless when they are already there).
  [[nodiscard]] Result<void> resume_all();

  // Starts the worker; imports left running or queued by a previous process resume.
  void start();
  // Stops after the batch in hand; what is unfinished resumes at the next start().
  void stop();
  // Asks the worker to stop after the batch in hand without waiting for it (safe from the
  // worker's own callbacks); stop() then joins it.
  void request_stop();

  [[nodiscard]] Result<Import> create(std::int64_t ws, std::int64_t user_id,
                                      const std::string& filename, std::int64_t size_bytes);
  // Appends a chunk at `offset`; conflict with details["bytes_received"] when the offset is not
  // where the upload stands. The chunk that completes the file computes the preview.
  [[nodiscard]] Result<Import> append(std::int64_t ws, std::int64_t id, std::int64_t offset,
                                      std::string_view bytes);
  [[nodiscard]] Result<Import> start_import(std::int64_t ws, std::int64_t id, ImportSettings s,
                                            const std::vector<NewFieldMapping>& new_fields);
  [[nodiscard]] Result<Import> cancel(std::int64_t ws, std::int64_t id);
  [[nodiscard]] Result<Import> get(std::int64_t ws, std::int64_t id);
  [[nodiscard]] Result<std::vector<Import>> list(std::int64_t ws, std::int64_t before, int limit);
  // The error report as CSV: line,reason,row.
  [[nodiscard]] Result<std::string> errors_csv(std::int64_t ws, std::int64_t id);

  [[nodiscard]] Result<Export> create_export(std::int64_t ws, std::int64_t user_id,
                                             const boost::json::object& filter,
                                             const std::string& sort);
  [[nodiscard]] Result<Export> get_export(std::int64_t ws, std::int64_t id);
  // The path of a completed export's file.
  [[nodiscard]] Result<std::string> export_path(std::int64_t ws, std::int64_t id);

  // Progress of the import being run now, for tests and metrics: rows per second so far.
  [[nodiscard]] double current_rate() const { return rate_.load(); }

 private:
  void run();
  bool stop_requested();
  Result<void> run_import(std::int64_t id, const StopCheck& should_stop);
  Result<void> run_export(std::int64_t id, const StopCheck& should_stop);
  std::string import_path(std::int64_t id) const;
  std::string export_file(std::int64_t id) const;
  void wake();

  db::Database& db_;
  const Clock& clock_;
  Contacts& contacts_;
  std::string data_dir_;
  Publish publish_;
  Runner runner_;

  std::mutex upload_mu_;  // one chunk at a time: the file's size is the upload's offset
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool work_ = true;       // guarded by mu_: something may be queued
  std::thread worker_;
  std::atomic<double> rate_{0};
};

// JSON for the API (and the realtime events): the objects of docs/api.md.
[[nodiscard]] boost::json::object import_json(const Import& i, bool with_preview,
                                              std::int64_t now_ms);
[[nodiscard]] boost::json::object export_json(const Export& e);

}  // namespace kirim::contacts
