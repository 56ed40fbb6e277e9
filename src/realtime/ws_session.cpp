#include "realtime/ws_session.h"

#include <array>
#include <atomic>
#include <deque>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>

#include "http/upgrade.h"
#include "realtime/protocol.h"

namespace kirim::realtime {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using Stream = websocket::stream<beast::tcp_stream>;

websocket::close_reason make_reason(int code, std::string_view message) {
  websocket::close_reason r;
  r.code = static_cast<std::uint16_t>(code);
  const auto text = message.substr(0, 120);  // a close frame carries at most 123 bytes of reason
  r.reason.assign(text.data(), text.size());
  return r;
}

// One WebSocket connection. Every member is touched only on the connection's strand (the
// stream's executor); send() and close() post there. Lives as long as its read loop or a
// pending write holds it.
std::atomic<std::size_t> live_peers{0};
std::atomic<std::uint64_t> total_connections{0}, total_refused{0}, total_frames_in{0},
    total_bytes_in{0}, total_frames_out{0}, total_bytes_out{0};

class WsPeer final : public Peer, public std::enable_shared_from_this<WsPeer> {
 public:
  explicit WsPeer(Stream stream) : ws_(std::move(stream)) { ++live_peers; }
  ~WsPeer() override { --live_peers; }
  WsPeer(const WsPeer&) = delete;
  WsPeer& operator=(const WsPeer&) = delete;

  void send(std::shared_ptr<const std::string> frame) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
      self->enqueue(std::move(f));
    });
  }

  void close(int code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::move(reason)] {
      self->closing_ = make_reason(code, r);
      if (!self->writing_) self->start_writer();
    });
  }

  Stream& ws() { return ws_; }

  // Activity as the protocol counts it: any frame from the client. Strand only.
  void touched() {
    last_activity_ = std::chrono::steady_clock::now();
    ping_sent_ = false;
  }
  // The read loop ended: stop the watchdog now, so that a closed connection is freed at once
  // rather than when the watchdog's next check would come.
  void finished() {
    finished_ = true;
    watchdog_timer_.cancel();
  }

  // Every activity_timeout: a connection silent for that long gets pusher:ping; one still silent
  // at the next check is closed with 4201 (pusher-js answers pusher:ping with pusher:pong).
  // Arms the next check. A plain callback, not a coroutine: it costs a timer per connection and
  // nothing more while it waits.
  void watch(std::chrono::seconds every) {
    watchdog_timer_.expires_after(every);
    watchdog_timer_.async_wait(
        [self = shared_from_this(), every](const boost::system::error_code& ec) {
          if (ec || self->finished_) return;
          if (std::chrono::steady_clock::now() - self->last_activity_ >= every) {
            if (self->ping_sent_) {
              self->closing_ = make_reason(4201, "Pong reply not received in time");
              if (!self->writing_) self->start_writer();
              return;
            }
            self->ping_sent_ = true;
            self->enqueue(std::make_shared<const std::string>(frame("pusher:ping", {}, "{}")));
          }
          self->watch(every);
        });
  }

 private:
  void enqueue(std::shared_ptr<const std::string> f) {
    if (closing_ || closed_) return;
    if (queue_.size() >= kMaxQueuedFrames) {
      // A reader this slow would grow memory without bound: let it reconnect and catch up.
      closing_ = make_reason(4100, "Over capacity: the client reads too slowly.");
      queue_.clear();
    } else {
      queue_.push_back(std::move(f));
    }
    if (!writing_) start_writer();
  }

  void start_writer() {
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), write_loop(shared_from_this()), asio::detached);
  }

  static asio::awaitable<void> write_loop(std::shared_ptr<WsPeer> self) {
    while (!self->queue_.empty() && !self->closed_) {
      auto f = std::move(self->queue_.front());
      self->queue_.pop_front();
      self->ws_.text(true);
      auto [ec, n] = co_await self->ws_.async_write(asio::buffer(*f), use_tuple);
      (void)n;
      if (ec) {
        self->closed_ = true;
        break;
      }
      total_frames_out.fetch_add(1, std::memory_order_relaxed);
      total_bytes_out.fetch_add(f->size(), std::memory_order_relaxed);
    }
    if (self->closing_ && !self->closed_) {
      self->closed_ = true;
      auto [ec] = co_await self->ws_.async_close(*self->closing_, use_tuple);
      (void)ec;
    }
    self->writing_ = false;
  }

  Stream ws_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closed_ = false;
  bool finished_ = false;  // the read loop ended
  asio::steady_timer watchdog_timer_{ws_.get_executor()};
  bool ping_sent_ = false;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  std::optional<websocket::close_reason> closing_;
};

// Refuses a connection the Pusher way: an error frame, then a close with the same code.
asio::awaitable<void> refuse(Stream& ws, int code, std::string message) {
  total_refused.fetch_add(1, std::memory_order_relaxed);
  ws.text(true);
  const auto f = error_frame(code, message);
  auto [wec, n] = co_await ws.async_write(asio::buffer(f), use_tuple);
  (void)wec;
  (void)n;
  auto [cec] = co_await ws.async_close(make_reason(code, message), use_tuple);
  (void)cec;
}

asio::awaitable<void> serve(Hub& hub, const Apps& apps, std::unique_ptr<http::Upgrade> up) {
  const std::string target(up->request.target());
  Stream stream(std::move(up->stream));
  stream.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "kirim"); }));
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = kIdleTimeout;  // a backstop: the watchdog below reaps first
  timeouts.keep_alive_pings = true;      // Beast pings at half the idle timeout
  stream.set_option(timeouts);
  // The message size limit is enforced by the read loop below, not by Beast: Beast's own refusal
  // tears the connection down without reading what the client is still sending, which resets
  // it and can destroy the close frame before the client reads it.
  stream.read_message_max(0);
  // Server frames are not masked, so without fragmentation Beast never uses its write buffer;
  // keeping it small saves about 4 KB per connection.
  stream.auto_fragment(false);
  stream.write_buffer_bytes(256);
  stream.binary(false);
  // The request was already read by the HTTP server; hand Beast what came after it.
  stream.next_layer().expires_never();
  auto [aec] = co_await stream.async_accept(up->request, use_tuple);
  up.reset();  // the request's headers are not needed any more; keep connections small
  if (aec) co_return;

  // /app/{key} (after an optional prefix) with ?protocol=N.
  auto url = boost::urls::parse_origin_form(target);
  std::string key;
  std::optional<int> protocol;
  if (url) {
    const std::string path = url->path();
    const auto pos = path.rfind("/app/");
    if (pos != std::string::npos) key = path.substr(pos + 5);
    for (auto p : url->params()) {
      if (p.key == "protocol") {
        try {
          protocol = std::stoi(std::string(p.value));
        } catch (...) {
          protocol = 0;
        }
      }
    }
  }
  const App* app = apps.by_key(key);
  if (app == nullptr)
    co_return co_await refuse(stream, 4001, "App key " + key + " does not exist.");
  if (!protocol) co_return co_await refuse(stream, 4008, "No protocol version supplied.");
  if (*protocol < 5 || *protocol > 7) {
    co_return co_await refuse(stream, 4007, "Unsupported protocol version.");
  }

  auto peer = std::make_shared<WsPeer>(std::move(stream));
  if (!hub.connect(peer, *app, new_socket_id())) {
    co_return co_await refuse(peer->ws(), 4004, "Over the app's connection quota.");
  }
  total_connections.fetch_add(1, std::memory_order_relaxed);
  peer->watch(std::chrono::seconds(app->activity_timeout_s));
  beast::flat_buffer buffer;
  boost::system::error_code read_ec;
  bool oversize = false;
  while (true) {
    auto [ec, n] = co_await peer->ws().async_read_some(buffer, kReadChunkBytes, use_tuple);
    (void)n;
    read_ec = ec;
    peer->touched();
    if (ec) break;
    if (oversize) {
      // Closing: drop whatever still comes until the client's close frame ends the read.
      buffer.consume(buffer.size());
      continue;
    }
    if (buffer.size() > kMaxFrameBytes) {
      oversize = true;
      buffer.consume(buffer.size());
      buffer.shrink_to_fit();
      peer->close(1009, "Message too big.");
      continue;
    }
    if (!peer->ws().is_message_done()) continue;
    total_frames_in.fetch_add(1, std::memory_order_relaxed);
    total_bytes_in.fetch_add(buffer.size(), std::memory_order_relaxed);
    if (!peer->ws().got_text()) {
      peer->send(std::make_shared<const std::string>(
          error_frame(4200, "Binary frames are not supported.")));
    } else {
      const auto data = buffer.cdata();
      hub.on_message(peer.get(),
                     std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer.consume(buffer.size());
  }
  peer->finished();
  hub.disconnect(peer.get());
  if (read_ec && read_ec != websocket::error::closed) {
    // Refused mid-message (too big) or failed: the client may still be sending. Closing with
    // unread data would reset the connection and could destroy the close frame Beast sent before
    // the client reads it, so read and drop for a moment first.
    co_await http::drain(peer->ws().next_layer(), kLingerTimeout, kLingerBytes);
  }
}

}  // namespace

std::size_t open_websockets() {
  return live_peers.load();
}

WsCounters ws_counters() {
  return WsCounters{total_connections.load(), total_refused.load(),    total_frames_in.load(),
                    total_bytes_in.load(),    total_frames_out.load(), total_bytes_out.load()};
}

http::UpgradeHandler websocket_handler(Hub& hub, const Apps& apps) {
  return [&hub, &apps](std::unique_ptr<http::Upgrade> up) {
    auto ex = up->stream.get_executor();
    asio::co_spawn(ex, serve(hub, apps, std::move(up)), asio::detached);
  };
}

}  // namespace kirim::realtime
