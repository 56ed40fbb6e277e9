#include "whatsapp/sandbox/multipart.h"

#include <algorithm>
#include <cctype>

namespace kirim::whatsapp::sandbox {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The value of `key` among "; key=value" parameters, unquoted.
std::string parameter(std::string_view header_value, std::string_view key) {
  std::size_t i = header_value.find(';');
  while (i != std::string_view::npos) {
    const auto next = header_value.find(';', i + 1);
    auto item =
        trim(header_value.substr(i + 1, next == std::string_view::npos ? next : next - i - 1));
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && lower(trim(item.substr(0, eq))) == key) {
      auto v = trim(item.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    i = next;
  }
  return {};
}

Error malformed(std::string why) {
  return make_error(Errc::invalid_argument, "The multipart body is malformed: " + why,
                    "invalid_multipart");
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
  const auto semi = content_type.find(';');
  if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data") return {};
  return parameter(content_type, "boundary");
}

Result<std::vector<MultipartPart>> parse_multipart(std::string_view content_type,
                                                   std::string_view body) {
  const auto boundary = multipart_boundary(content_type);
  if (boundary.empty() || boundary.size() > 200) return malformed("no boundary");
  const std::string delim = "--" + boundary;
  std::vector<MultipartPart> parts;
  auto at = body.find(delim);
  if (at == std::string_view::npos) return malformed("the boundary never appears");
  while (true) {
    at += delim.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return malformed("a delimiter is not followed by CRLF");
    at += 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return malformed("a part has no end of headers");
    MultipartPart part;
    for (auto line_start = at; line_start < headers_end;) {
      auto line_end = body.find("\r\n", line_start);
      if (line_end == std::string_view::npos || line_end > headers_end) line_end = headers_end;
      const auto line = body.substr(line_start, line_end - line_start);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        const auto name = lower(trim(line.substr(0, colon)));
        const auto value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
          part.name = parameter(value, "name");
          part.filename = parameter(value, "filename");
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
      line_start = line_end + 2;
    }
    const auto data_start = headers_end + 4;
    const auto data_end = body.find("\r\n" + delim, data_start);
    if (data_end == std::string_view::npos) return malformed("a part is not closed");
    part.data = std::string(body.substr(data_start, data_end - data_start));
    if (parts.size() == kMaxMultipartParts) return malformed("too many parts");
    parts.push_back(std::move(part));
    at = data_end + 2;
  }
}

}  // namespace kirim::whatsapp::sandbox
