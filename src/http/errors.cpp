#include "http/errors.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace kirim::http {
namespace {

struct ErrcInfo {
  Errc errc;
  int status;
  std::string_view code;
};

// One row per kind of error: its HTTP status and the default code of the error body.
constexpr ErrcInfo kErrcTable[] = {
    {Errc::invalid_argument, 400, "bad_request"},
    {Errc::unauthenticated, 401, "unauthenticated"},
    {Errc::forbidden, 403, "forbidden"},
    {Errc::not_found, 404, "not_found"},
    {Errc::conflict, 409, "conflict"},
    {Errc::too_many, 429, "too_many_requests"},
    {Errc::unavailable, 503, "unavailable"},
    {Errc::internal, 500, "internal"},
};

const ErrcInfo& info(Errc e) {
  for (const auto& row : kErrcTable) {
    if (row.errc == e) return row;
  }
  return kErrcTable[7];
}

// Reasons whose status differs from their kind's.
constexpr std::pair<std::string_view, int> kReasonStatus[] = {
    {"unsupported_media_type", 415},
    {"payload_too_large", 413},
};

}  // namespace

int status_of(Errc code) {
  return info(code).status;
}

Response error_response(int status, std::string_view code, std::string_view message,
                        const std::map<std::string, std::string>& details) {
  boost::json::object err;
  err["code"] = code;
  err["message"] = message;
  if (!details.empty()) {
    boost::json::object d;
    for (const auto& [k, v] : details)
      d[k] = v;
    err["details"] = std::move(d);
  }
  boost::json::object body;
  body["error"] = std::move(err);
  return Response::json(status, boost::json::serialize(body));
}

Response error_response(const Error& error) {
  const auto& row = info(error.code);
  // Internal failures carry no inner detail to the client; the log has it.
  const std::string_view message = error.code == Errc::internal
                                       ? std::string_view("Something went wrong on our side.")
                                       : std::string_view(error.message);
  int status = row.status;
  for (const auto& [reason, s] : kReasonStatus) {
    if (reason == error.reason) status = s;
  }
  return error_response(status, error.reason.empty() ? row.code : error.reason, message,
                        error.details);
}

}  // namespace kirim::http
