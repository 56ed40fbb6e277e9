#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

// multipart/form-data bodies (RFC 7578), as media uploads send them. Boost has no parser for
// them; this one reads only what a form upload needs: each part's name, file name, content type
// and bytes.
namespace kirim::whatsapp::sandbox {

inline constexpr std::size_t kMaxMultipartParts = 32;

struct MultipartPart {
  std::string name;
  std::string filename;  // empty: a plain field
  std::string content_type;
  std::string data;
};

// The boundary parameter of a Content-Type header, or "" when it is not multipart/form-data.
[[nodiscard]] std::string multipart_boundary(std::string_view content_type);

// Splits a body into its parts. Errc::invalid_argument when it is not well formed.
[[nodiscard]] Result<std::vector<MultipartPart>> parse_multipart(std::string_view content_type,
                                                                 std::string_view body);

}  // namespace kirim::whatsapp::sandbox
