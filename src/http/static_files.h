#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "core/result.h"
#include "http/message.h"

namespace kirim::http {

// The built web app, read into memory at start-up and served from there. Hashed assets under
// /assets/ are cached for a year; everything else, index.html included, is revalidated by ETag.
// Paths that name no file get index.html (the single-page app routes them). Read-only after
// load(), so safe to share between threads.
class StaticFiles {
 public:
  // Loads every file below root. An empty or missing root serves a short page that says how to
  // build the web app.
  [[nodiscard]] static Result<std::unique_ptr<StaticFiles>> load(const std::string& root);

  [[nodiscard]] Response serve(const Request& request) const;
  [[nodiscard]] std::size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string body;
    std::string content_type;
    std::string etag;
    bool immutable = false;
  };
  std::unordered_map<std::string, File> files_;  // by URL path, e.g. "/assets/index-3f9a.js"
};

[[nodiscard]] std::string content_type_for(std::string_view path);

}  // namespace kirim::http
