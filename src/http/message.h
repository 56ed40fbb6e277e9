#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Kirim's own view of an HTTP exchange, free of Beast types so that handlers compile fast and can
// be tested without a socket. The server converts to and from the wire.
namespace kirim::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // as received, e.g. "/api/v1/users?limit=5"
  std::string path;    // percent-decoded path, e.g. "/api/v1/users"
  std::vector<std::pair<std::string, std::string>> query;  // decoded query parameters, in order
  HeaderList headers;                                      // names in lower case
  std::string body;
  std::string remote_addr;
  bool tls = false;        // the client reached us over TLS (X-Forwarded-Proto: https)
  std::string request_id;  // from X-Request-Id when sane, else generated
  std::map<std::string, std::string, std::less<>> params;  // path parameters of the matched route

  [[nodiscard]] std::string_view header(std::string_view lower_name) const;
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> cookie(std::string_view name) const;
  [[nodiscard]] std::string_view param(std::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;

  void set_header(std::string name, std::string value);
  [[nodiscard]] std::string_view header(std::string_view name) const;

  [[nodiscard]] static Response json(int status, std::string body);
  [[nodiscard]] static Response text(int status, std::string body, std::string content_type);
  [[nodiscard]] static Response no_content();
};

}  // namespace kirim::http
