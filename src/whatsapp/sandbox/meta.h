#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "whatsapp/sandbox/rules.h"

// Meta's wire shapes as the sandbox produces them: the error table, the error envelope, the
// `errors[]` element of a failed status, ids (wamid, fbtrace_id) and the encoding of webhook
// bodies. Stateless; thread-safe.
namespace kirim::whatsapp::sandbox {

// One row of the table of the error codes the sandbox can answer with (reference §3).
struct MetaError {
  int code = 0;
  int http_status = 400;
  std::string_view title;
  std::string_view details;
};

// The row of a code; an unknown code gets HTTP 400 and a generic title.
[[nodiscard]] MetaError meta_error(int code);

// {"error":{"message":"(#code) title","type":"OAuthException","code":...,"error_data":{
// "messaging_product":"whatsapp","details":...},"fbtrace_id":...}}. details empty: the table's.
[[nodiscard]] std::string error_body(int code, std::string_view fbtrace_id,
                                     std::string_view details = {});
// The 401 of a missing or wrong access token (code 190, no error_data).
[[nodiscard]] std::string auth_error_body(std::string_view fbtrace_id);
// Code 100, subcode 33: no such object, or not this operation on it.
[[nodiscard]] std::string unknown_object_body(std::string_view method, std::string_view id,
                                              std::string_view fbtrace_id);
// The element of statuses[].errors[] of a `failed` status.
[[nodiscard]] boost::json::object status_error(int code, std::string_view details = {});

// Serialized JSON as Meta sends it: every non-ASCII character escaped as lowercase \uXXXX
// (surrogate pairs above U+FFFF) and, when escape_slashes, "/" as "\/". The result parses to the
// same value; signatures are computed over exactly these bytes.
[[nodiscard]] std::string meta_json_encode(std::string_view serialized, bool escape_slashes);

// "wamid." + base64 of the protobuf-like bytes Meta encodes: the recipient and 18 random hex
// characters.
[[nodiscard]] std::string make_wamid(Rng& rng, std::string_view wa_id);
[[nodiscard]] std::string make_fbtrace_id(Rng& rng);
[[nodiscard]] std::string base64(std::string_view bytes);

}  // namespace kirim::whatsapp::sandbox
