#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "core/log.h"

namespace kirim::http {
namespace {

constexpr std::string_view kNotBuiltPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kirim</title></head><body>"
    "<h1>Kirim is running</h1><p>The web app has not been built. Run <code>make run</code> "
    "(or <code>npm --prefix web run build</code>) and start Kirim again, or point "
    "<code>--web-root</code> at a built <code>web/dist</code>.</p></body></html>";

// The page's own policy: scripts and styles from this origin (Mantine injects inline styles),
// WebSocket to this origin, images inline or from here.
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

}  // namespace

std::string content_type_for(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> table[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
  };
  for (const auto& [ext, type] : table) {
    if (path.ends_with(ext)) return std::string(type);
  }
  return "application/octet-stream";
}

Result<std::unique_ptr<StaticFiles>> StaticFiles::load(const std::string& root) {
  auto out = std::unique_ptr<StaticFiles>(new StaticFiles());
  namespace fs = std::filesystem;
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) {
    log::warn("web app not found; serving a placeholder page", {{"web_root", root}});
    out->files_["/index.html"] =
        File{std::string(kNotBuiltPage), "text/html; charset=utf-8", "\"placeholder\"", false};
    return out;
  }
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) return make_error(Errc::unavailable, "cannot read " + it->path().string());
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string url = "/" + fs::relative(it->path(), root).generic_string();
    File f;
    f.body = ss.str();
    f.content_type = content_type_for(url);
    f.etag = "\"" + crypto::sha256_hex(f.body).substr(0, 20) + "\"";
    f.immutable = url.starts_with("/assets/");
    out->files_.emplace(url, std::move(f));
  }
  if (ec) return make_error(Errc::unavailable, "cannot list " + root + ": " + ec.message());
  if (!out->files_.contains("/index.html")) {
    return make_error(Errc::invalid_argument, root + " has no index.html");
  }
  return out;
}

Response StaticFiles::serve(const Request& request) const {
  auto it = files_.find(request.path);
  if (it == files_.end() || request.path == "/") {
    // A missing asset is a real 404 (a stale page asking for an old bundle must not get HTML).
    if (request.path.starts_with("/assets/")) {
      Response r = Response::text(404, "not found\n", "text/plain; charset=utf-8");
      return r;
    }
    it = files_.find("/index.html");
  }
  const File& f = it->second;
  Response r;
  if (request.header("if-none-match") == f.etag) {
    r.status = 304;
  } else {
    r.body = f.body;
    r.set_header("Content-Type", f.content_type);
  }
  r.set_header("ETag", f.etag);
  r.set_header("Cache-Control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (f.content_type.starts_with("text/html")) {
    r.set_header("Content-Security-Policy", std::string(kCsp));
  }
  return r;
}

}  // namespace kirim::http
