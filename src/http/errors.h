#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

// The one error body of the API: {"error":{"code":"...","message":"...","details":{...}}}.
namespace kirim::http {

[[nodiscard]] Response error_response(int status, std::string_view code, std::string_view message,
                                      const std::map<std::string, std::string>& details = {});
// Maps an Error to its status and code (its reason when set, else one derived from its kind).
[[nodiscard]] Response error_response(const Error& error);
[[nodiscard]] int status_of(Errc code);

}  // namespace kirim::http
