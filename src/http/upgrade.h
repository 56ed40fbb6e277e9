#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/server.h"

namespace kirim::http {

// What the server hands to an UpgradeHandler: the connection (bound to its strand), the request
// that asked to upgrade, and any bytes already read past it.
struct Upgrade {
  boost::beast::tcp_stream stream;
  boost::beast::http::request<boost::beast::http::string_body> request;
  boost::beast::flat_buffer buffer;
  std::string remote_addr;
};

// Reads and drops what the peer still sends, for up to `limit` or `bytes`, before a close: closing
// with unread data makes the kernel reset the connection, which can destroy the last answer before
// the peer reads it. Its buffer lives only while it runs.
boost::asio::awaitable<void> drain(boost::beast::tcp_stream& stream, std::chrono::seconds limit,
                                   std::size_t bytes);

}  // namespace kirim::http
