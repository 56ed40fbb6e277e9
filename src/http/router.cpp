#include "http/router.h"

#include "core/check.h"

namespace kirim::http {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/')
      ++i;
    const auto j = path.find('/', i);
    const auto end = j == std::string_view::npos ? path.size() : j;
    if (end > i) out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

void Router::add(Route route) {
  Compiled c;
  for (auto s : split_path(route.pattern))
    c.segments.emplace_back(s);
  for (const auto& other : compiled_) {
    KIRIM_CHECK(!(other.route.method == route.method && other.route.pattern == route.pattern),
                "route registered twice: " + route.method + " " + route.pattern);
  }
  routes_.push_back(route);
  c.route = std::move(route);
  compiled_.push_back(std::move(c));
}

void Router::set_fallback(Mode mode, Handler handler) {
  fallback_ = Route{"GET", "(static)", mode, std::move(handler)};
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  const auto parts = split_path(path);
  for (const auto& c : compiled_) {
    if (c.segments.size() != parts.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = c.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        params.emplace(seg.substr(1, seg.size() - 2), std::string(parts[i]));
      } else {
        ok = seg == parts[i];
      }
    }
    if (!ok) continue;
    if (c.route.method == method || (method == "HEAD" && c.route.method == "GET")) {
      m.route = &c.route;
      m.params = std::move(params);
      return m;
    }
    if (!m.allowed.empty()) m.allowed += ", ";
    m.allowed += c.route.method;
  }
  return m;
}

}  // namespace kirim::http
