// kirim_loadgen: load generator for Pusher-protocol 7 servers (Kirim's realtime hub, soketi).
//
// One io_context on one thread (pin it to its own core with taskset). It opens WebSocket
// connections at a controlled rate, subscribes them (signing private channels itself), waits until
// all are subscribed, then publishes events through the signed HTTP API (POST /apps/{id}/events,
// keep-alive) with the scheduled send time embedded in the data, and measures the latency of every
// delivery. With --server-pid it samples the server's CPU time and RSS from /proc at the phase
// boundaries. Results are printed as one JSON line on stdout; progress goes to stderr.
//
// It only ever connects to 127.0.0.1.

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <openssl/evp.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string key = "app-key";
  std::string secret = "app-secret";
  std::string app_id = "app-id";
  std::string scenario = "fanout";
  std::size_t connections = 1000;
  double rate = 100;                      // fanout/private: HTTP API events per second
  double duration = 10;                   // seconds of publishing / holding / churning
  std::size_t channel_size = 10;          // members per channel (private, idle)
  std::size_t payload = 100;              // bytes of event data
  double connect_rate = 0;                // new connections per second, 0: as fast as allowed
  std::size_t connect_concurrency = 256;  // handshakes in flight at most
  std::size_t publishers = 8;             // keep-alive HTTP connections for the API
  std::size_t channels_per_event = 1;     // private: channels named in one API call (max 100)
  double drain_timeout = 10;              // seconds to wait for the last deliveries
  long server_pid = 0;                    // sample CPU and RSS of this process
};

[[noreturn]] void usage(const std::string& error) {
  std::cerr
      << "kirim_loadgen: " << error << "\n"
      << "usage: kirim_loadgen --port P [--host 127.0.0.1] [--key K] [--secret S] [--app-id ID]\n"
         "         --scenario fanout|idle|private|churn [--connections N] [--rate R]\n"
         "         [--duration S] [--channel-size K] [--payload BYTES] [--connect-rate C]\n"
         "         [--connect-concurrency N] [--publishers P] [--channels-per-event M]\n"
         "         [--drain-timeout S] [--server-pid PID]\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (name == "-h" || name == "--help") usage("help");
    if (i + 1 >= argc) usage("missing value for " + name);
    std::string v = argv[++i];
    try {
      if (name == "--host")
        o.host = v;
      else if (name == "--port")
        o.port = static_cast<std::uint16_t>(std::stoul(v));
      else if (name == "--key")
        o.key = v;
      else if (name == "--secret")
        o.secret = v;
      else if (name == "--app-id")
        o.app_id = v;
      else if (name == "--scenario")
        o.scenario = v;
      else if (name == "--connections")
        o.connections = std::stoul(v);
      else if (name == "--rate")
        o.rate = std::stod(v);
      else if (name == "--duration")
        o.duration = std::stod(v);
      else if (name == "--channel-size")
        o.channel_size = std::stoul(v);
      else if (name == "--payload")
        o.payload = std::stoul(v);
      else if (name == "--connect-rate")
        o.connect_rate = std::stod(v);
      else if (name == "--connect-concurrency")
        o.connect_concurrency = std::stoul(v);
      else if (name == "--publishers")
        o.publishers = std::stoul(v);
      else if (name == "--channels-per-event")
        o.channels_per_event = std::stoul(v);
      else if (name == "--drain-timeout")
        o.drain_timeout = std::stod(v);
      else if (name == "--server-pid")
        o.server_pid = std::stol(v);
      else
        usage("unknown option " + name);
    } catch (const std::exception&) {
      usage("bad value for " + name + ": " + v);
    }
  }
  if (o.host != "127.0.0.1" && o.host != "localhost") usage("only 127.0.0.1 may be targeted");
  o.host = "127.0.0.1";
  if (o.port == 0) usage("--port is required");
  if (o.scenario != "fanout" && o.scenario != "idle" && o.scenario != "private" &&
      o.scenario != "churn")
    usage("unknown scenario " + o.scenario);
  if (o.connections == 0) usage("--connections must be positive");
  if (o.channel_size == 0) o.channel_size = 1;
  if (o.publishers == 0) o.publishers = 1;
  if (o.connect_concurrency == 0) o.connect_concurrency = 1;
  o.channels_per_event = std::clamp<std::size_t>(o.channels_per_event, 1, 100);
  if (o.payload < 32) o.payload = 32;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Crypto and formatting helpers

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view data) {
  unsigned char out[32];
  std::size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out,
                 &len))
    throw std::runtime_error("HMAC failed");
  return hex(out, len);
}

std::string md5_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr))
    throw std::runtime_error("MD5 failed");
  return hex(out, len);
}

std::string fmt(double v, int decimals = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// ---------------------------------------------------------------------------------------------
// /proc sampling of the server under test

struct ProcSample {
  double cpu_s = 0;  // utime + stime of all threads
  long rss_kb = 0;
  bool ok = false;
};

ProcSample sample_process(long pid) {
  ProcSample s;
  if (pid <= 0) return s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return s;
  auto close_paren = line.rfind(')');
  if (close_paren == std::string::npos) return s;
  std::istringstream rest(line.substr(close_paren + 2));
  std::vector<std::string> fields;
  std::string f;
  while (rest >> f)
    fields.push_back(f);
  // Fields after the command start at field 3 (state); utime is field 14, stime field 15.
  if (fields.size() < 13) return s;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  s.cpu_s = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      s.rss_kb = std::stol(line.substr(6));
      break;
    }
  }
  s.ok = true;
  return s;
}

double own_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Shared state (one thread: no locks)

struct Latencies {
  std::vector<std::uint32_t> us;
  void add(std::int64_t ns) {
    if (ns < 0) ns = 0;
    us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(ns / 1000, UINT32_MAX)));
  }
  double pct_ms(double p) {
    if (us.empty()) return 0;
    std::size_t idx = static_cast<std::size_t>(p * static_cast<double>(us.size() - 1));
    std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(idx), us.end());
    return us[idx] / 1000.0;
  }
  double max_ms() const {
    return us.empty() ? 0 : *std::max_element(us.begin(), us.end()) / 1000.0;
  }
};

struct Conn {
  explicit Conn(asio::any_io_executor ex) : ws(ex) {}
  websocket::stream<beast::tcp_stream> ws;
  // After the subscription the socket leaves Beast and frames are read by hand (read_frames):
  // one read of many frames at a time keeps the loadgen's cost per delivery low.
  std::optional<tcp::socket> raw;
  bool closing = false;
};

// A client frame: FIN + opcode, masked with a zero key (allowed by RFC 6455), payload < 126 bytes.
std::string client_frame(std::uint8_t opcode, std::string_view payload) {
  std::string f;
  f += static_cast<char>(0x80 | opcode);
  f += static_cast<char>(0x80 | payload.size());
  f.append(4, '\0');
  f += payload;
  return f;
}

struct State {
  Options opt;
  tcp::endpoint endpoint;
  std::string ws_target;
  // connect phase
  std::size_t inflight = 0;
  std::size_t subscribed = 0;
  std::size_t connect_errors = 0;
  std::size_t finished = 0;  // subscriber coroutines that ended
  std::vector<std::size_t> subscribed_per_channel;
  std::vector<std::shared_ptr<Conn>> conns;
  Latencies connect_latency;  // connect + handshake + subscribe, per connection
  // run phase
  bool stopping = false;
  std::uint64_t deliveries = 0;
  std::uint64_t expected = 0;
  std::uint64_t events_sent = 0;
  std::uint64_t publish_errors = 0;
  std::uint64_t protocol_errors = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t pings = 0;
  Latencies latency;
  Latencies publish_latency;  // HTTP API round trips
  std::int64_t last_delivery_ns = 0;
  std::size_t errors_logged = 0;
  // churn
  std::uint64_t churn_cycles = 0;

  void log_error(std::string what) {
    if (auto at = what.find(" ["); at != std::string::npos)
      what.resize(at);  // drop source location
    if (errors_logged++ < 10) std::cerr << "kirim_loadgen: " << what << "\n";
  }
};

std::string channel_name(const State& st, std::size_t channel) {
  if (st.opt.scenario == "fanout") return "bench-fanout";
  if (st.opt.scenario == "private") return "private-bench-" + std::to_string(channel);
  if (st.opt.scenario == "idle") return "idle-" + std::to_string(channel);
  return "churn-" + std::to_string(channel);
}

std::size_t channel_count(const State& st) {
  if (st.opt.scenario == "fanout") return 1;
  return (st.opt.connections + st.opt.channel_size - 1) / st.opt.channel_size;
}

awaitable<void> sleep_for(Clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(use_awaitable);
}

awaitable<void> sleep_until(Clock::time_point tp) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_at(tp);
  co_await t.async_wait(use_awaitable);
}

std::string_view as_view(const beast::flat_buffer& b) {
  return {static_cast<const char*>(b.data().data()), b.size()};
}

// Reads the socket id out of pusher:connection_established (data is a JSON-encoded string).
std::string socket_id_of(std::string_view frame) {
  auto v = json::parse(frame);
  auto& o = v.as_object();
  if (o.at("event").as_string() != "pusher:connection_established")
    throw std::runtime_error("expected connection_established, got " + std::string(frame));
  const auto& data = o.at("data");
  json::value inner = data.is_string() ? json::parse(data.as_string()) : data;
  return std::string(inner.as_object().at("socket_id").as_string());
}

// Opens one connection and subscribes it to `channel`. Throws on failure.
awaitable<void> open_and_subscribe(State& st, Conn& c, const std::string& channel,
                                   beast::flat_buffer& buf) {
  auto& lowest = beast::get_lowest_layer(c.ws);
  lowest.expires_after(30s);
  co_await lowest.async_connect(st.endpoint, use_awaitable);
  lowest.socket().set_option(tcp::no_delay(true));
  co_await c.ws.async_handshake(st.opt.host + ":" + std::to_string(st.opt.port), st.ws_target,
                                use_awaitable);
  buf.clear();
  co_await c.ws.async_read(buf, use_awaitable);
  std::string socket_id = socket_id_of(as_view(buf));
  buf.consume(buf.size());
  std::string msg = R"({"event":"pusher:subscribe","data":{"channel":")" + channel + "\"";
  if (channel.rfind("private-", 0) == 0) {
    msg += R"(,"auth":")" + st.opt.key + ":" +
           hmac_sha256_hex(st.opt.secret, socket_id + ":" + channel) + "\"";
  }
  msg += "}}";
  c.ws.text(true);
  co_await c.ws.async_write(asio::buffer(msg), use_awaitable);
  for (;;) {
    co_await c.ws.async_read(buf, use_awaitable);
    std::string_view f = as_view(buf);
    bool ok = f.find("pusher_internal:subscription_succeeded") != std::string_view::npos;
    bool err = f.find("pusher:error") != std::string_view::npos ||
               f.find("subscription_error") != std::string_view::npos;
    std::string copy(err ? f : std::string_view{});
    buf.consume(buf.size());
    if (ok) break;
    if (err) throw std::runtime_error("subscribe refused: " + copy);
  }
  lowest.expires_never();
}

// Handles one frame of the run phase; true when the server asked for a pong.
bool on_frame(State& st, std::string_view f) {
  auto ts = f.find("ts:");
  if (ts != std::string_view::npos) {
    std::int64_t sent = 0;
    for (std::size_t i = ts + 3; i < f.size() && f[i] >= '0' && f[i] <= '9'; ++i)
      sent = sent * 10 + (f[i] - '0');
    std::int64_t now = now_ns();
    st.latency.add(now - sent);
    ++st.deliveries;
    st.last_delivery_ns = now;
    return false;
  }
  if (f.find("pusher:ping") != std::string_view::npos) {
    ++st.pings;
    return true;
  }
  if (f.find("pusher:error") != std::string_view::npos ||
      f.find("subscription_error") != std::string_view::npos) {
    ++st.protocol_errors;
    st.log_error("server sent " + std::string(f.substr(0, 300)));
  }
  return false;
}

// The run-phase reader: parses server frames (unmasked) straight from the socket.
awaitable<void> read_frames(State& st, Conn& c, std::size_t index) {
  std::vector<char> buf(8192);
  std::size_t have = 0;
  try {
    for (;;) {
      have += co_await c.raw->async_read_some(asio::buffer(buf.data() + have, buf.size() - have),
                                              use_awaitable);
      std::size_t pos = 0;
      while (have - pos >= 2) {
        const auto* p = reinterpret_cast<const unsigned char*>(buf.data() + pos);
        std::uint64_t len = p[1] & 0x7f;
        std::size_t hdr = 2;
        if (len == 126) {
          if (have - pos < 4) break;
          len = (std::uint64_t{p[2]} << 8) | p[3];
          hdr = 4;
        } else if (len == 127) {
          if (have - pos < 10) break;
          len = 0;
          for (int i = 2; i < 10; ++i)
            len = (len << 8) | p[i];
          hdr = 10;
        }
        if (p[1] & 0x80) throw std::runtime_error("masked frame from the server");
        if (have - pos < hdr + len) {
          if (hdr + len > buf.size()) buf.resize(hdr + len);
          break;
        }
        const int opcode = p[0] & 0x0f;
        std::string_view payload(buf.data() + pos + hdr, len);
        pos += hdr + len;
        if (opcode == 1 || opcode == 0) {
          if (on_frame(st, payload)) {
            auto f = client_frame(1, R"({"event":"pusher:pong","data":{}})");
            co_await asio::async_write(*c.raw, asio::buffer(f), use_awaitable);
          }
        } else if (opcode == 9) {
          auto f = client_frame(10, payload.substr(0, 125));
          co_await asio::async_write(*c.raw, asio::buffer(f), use_awaitable);
        } else if (opcode == 8) {
          if (!c.closing) {
            ++st.disconnects;
            int code = len >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1])
                                : 0;
            st.log_error("connection " + std::to_string(index) + " closed by the server, code " +
                         std::to_string(code) + " " +
                         std::string(payload.substr(std::min<std::size_t>(2, len))));
          }
          beast::error_code ec;
          c.raw->close(ec);
          co_return;
        }
      }
      std::memmove(buf.data(), buf.data() + pos, have - pos);
      have -= pos;
    }
  } catch (const std::exception& e) {
    if (!c.closing) {
      ++st.disconnects;
      st.log_error("connection " + std::to_string(index) + " lost: " + e.what());
    }
  }
}

awaitable<void> subscriber(State& st, std::size_t index) {
  auto conn = std::make_shared<Conn>(co_await asio::this_coro::executor);
  std::size_t channel = st.opt.scenario == "fanout" ? 0 : index / st.opt.channel_size;
  beast::flat_buffer buf;
  auto t0 = Clock::now();
  try {
    co_await open_and_subscribe(st, *conn, channel_name(st, channel), buf);
  } catch (const std::exception& e) {
    --st.inflight;
    ++st.connect_errors;
    ++st.finished;
    st.log_error("connect/subscribe " + std::to_string(index) + ": " + e.what());
    co_return;
  }
  --st.inflight;
  st.connect_latency.add(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
  ++st.subscribed;
  ++st.subscribed_per_channel[channel];
  st.conns.push_back(conn);
  conn->raw.emplace(beast::get_lowest_layer(conn->ws).release_socket());
  co_await read_frames(st, *conn, index);
  ++st.finished;
}

// Opens opt.connections subscribers, at most connect_concurrency in flight, paced by connect_rate.
awaitable<void> launch_all(State& st) {
  auto ex = co_await asio::this_coro::executor;
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < st.opt.connections; ++i) {
    if (st.opt.connect_rate > 0) {
      auto due = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                          static_cast<double>(i) / st.opt.connect_rate));
      if (Clock::now() < due) co_await sleep_until(due);
    }
    while (st.inflight >= st.opt.connect_concurrency)
      co_await sleep_for(1ms);
    ++st.inflight;
    asio::co_spawn(ex, subscriber(st, i), asio::detached);
  }
  while (st.subscribed + st.connect_errors < st.opt.connections)
    co_await sleep_for(2ms);
}

// ---------------------------------------------------------------------------------------------
// HTTP API publisher

struct Publisher {
  explicit Publisher(asio::any_io_executor ex) : stream(ex) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool connected = false;
};

std::string signed_target(const State& st, const std::string& body) {
  std::string path = "/apps/" + st.opt.app_id + "/events";
  auto ts = std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  std::string query = "auth_key=" + st.opt.key + "&auth_timestamp=" + std::to_string(ts) +
                      "&auth_version=1.0&body_md5=" + md5_hex(body);
  std::string sig = hmac_sha256_hex(st.opt.secret, "POST\n" + path + "\n" + query);
  return path + "?" + query + "&auth_signature=" + sig;
}

std::string padding_for(std::size_t payload, std::size_t used) {
  return std::string(payload > used ? payload - used : 0, 'x');
}

awaitable<void> publisher(State& st, std::size_t id, std::uint64_t total_events,
                          Clock::time_point start) {
  Publisher p(co_await asio::this_coro::executor);
  const std::size_t nchannels = channel_count(st);
  const std::size_t per_event = st.opt.scenario == "private" ? st.opt.channels_per_event : 1;
  std::size_t next_channel = id * per_event;
  for (std::uint64_t i = id; i < total_events; i += st.opt.publishers) {
    auto due = start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(static_cast<double>(i) / st.opt.rate));
    if (Clock::now() < due) co_await sleep_until(due);
    std::int64_t due_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(due.time_since_epoch()).count();
    // Channels of this event and how many deliveries it should make.
    std::string channels;
    std::uint64_t expect = 0;
    for (std::size_t k = 0; k < per_event; ++k) {
      std::size_t ch = st.opt.scenario == "fanout" ? 0 : (next_channel + k) % nchannels;
      if (k) channels += ",";
      channels += "\"" + channel_name(st, ch) + "\"";
      expect += st.subscribed_per_channel[ch];
    }
    next_channel =
        (next_channel + per_event * st.opt.publishers) % std::max<std::size_t>(nchannels, 1);
    // The latency clock starts at the scheduled time (no coordinated omission).
    std::string data = "ts:" + std::to_string(due_ns) + ";";
    data += padding_for(st.opt.payload, data.size());
    std::string body =
        R"({"name":"bench","channels":[)" + channels + R"(],"data":")" + data + "\"}";
    http::request<http::string_body> req{http::verb::post, signed_target(st, body), 11};
    req.set(http::field::host, st.opt.host + ":" + std::to_string(st.opt.port));
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();
    auto sent_at = Clock::now();
    st.expected += expect;
    ++st.events_sent;
    try {
      if (!p.connected) {
        p.stream.expires_after(10s);
        co_await p.stream.async_connect(st.endpoint, use_awaitable);
        p.stream.socket().set_option(tcp::no_delay(true));
        p.connected = true;
      }
      p.stream.expires_after(10s);
      co_await http::async_write(p.stream, req, use_awaitable);
      http::response<http::string_body> res;
      co_await http::async_read(p.stream, p.buffer, res, use_awaitable);
      st.publish_latency.add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent_at).count());
      if (res.result() != http::status::ok) {
        ++st.publish_errors;
        st.expected -= expect;
        st.log_error("publish: HTTP " + std::to_string(res.result_int()) + " " + res.body());
      }
      if (!res.keep_alive()) {
        beast::error_code ec;
        p.stream.socket().close(ec);
        p.connected = false;
      }
    } catch (const std::exception& e) {
      ++st.publish_errors;
      st.expected -= expect;
      st.log_error(std::string("publish: ") + e.what());
      beast::error_code ec;
      p.stream.socket().close(ec);
      p.connected = false;
      p.buffer.clear();
    }
  }
  if (p.connected) {
    beast::error_code ec;
    p.stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    p.stream.socket().close(ec);
  }
}

awaitable<void> close_one(std::shared_ptr<Conn> c) {
  try {
    // Close frame, code 1000; read_frames ends on the server's reply.
    auto f = client_frame(8, std::string_view("\x03\xe8", 2));
    co_await asio::async_write(*c->raw, asio::buffer(f), use_awaitable);
  } catch (const std::exception&) {
  }
}

awaitable<void> close_all(State& st) {
  auto ex = co_await asio::this_coro::executor;
  st.stopping = true;
  for (auto& c : st.conns) {
    c->closing = true;
    asio::co_spawn(ex, close_one(c), asio::detached);
  }
  auto deadline = Clock::now() + 10s;
  while (st.finished < st.opt.connections && Clock::now() < deadline)
    co_await sleep_for(5ms);
  for (auto& c : st.conns) {
    beast::error_code ec;
    if (c->raw) c->raw->close(ec);
  }
}

// ---------------------------------------------------------------------------------------------
// Churn: connect, subscribe, close, again

awaitable<void> churn_worker(State& st, std::size_t id, Clock::time_point end) {
  auto ex = co_await asio::this_coro::executor;
  beast::flat_buffer buf;
  while (Clock::now() < end) {
    Conn c(ex);
    auto t0 = Clock::now();
    bool failed = false;
    try {
      co_await open_and_subscribe(st, c, channel_name(st, id), buf);
      st.connect_latency.add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
      c.closing = true;
      beast::get_lowest_layer(c.ws).expires_after(10s);
      // Beast's close sends the close frame, reads the server's, and waits for the TCP teardown.
      co_await c.ws.async_close(websocket::close_code::normal, use_awaitable);
      ++st.churn_cycles;
    } catch (const std::exception& e) {
      ++st.connect_errors;
      st.log_error(std::string("churn: ") + e.what());
      buf.clear();
      failed = true;
    }
    if (failed) co_await sleep_for(10ms);
  }
  ++st.finished;
}

// ---------------------------------------------------------------------------------------------
// Scenarios and report

struct Report {
  std::vector<std::pair<std::string, std::string>> fields;
  void add(const std::string& k, const std::string& raw) { fields.emplace_back(k, raw); }
  void num(const std::string& k, double v, int decimals = 3) { add(k, fmt(v, decimals)); }
  void integer(const std::string& k, std::uint64_t v) { add(k, std::to_string(v)); }
  std::string str() const {
    std::string out = "{";
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ",";
      out += "\"" + fields[i].first + "\":" + fields[i].second;
    }
    return out + "}";
  }
};

awaitable<void> run(State& st, Report& r) {
  auto ex = co_await asio::this_coro::executor;
  const Options& o = st.opt;
  r.add("scenario", "\"" + o.scenario + "\"");
  r.integer("port", o.port);
  ProcSample s0 = sample_process(o.server_pid);
  double self0 = own_cpu_s();
  auto wall0 = Clock::now();

  if (o.scenario == "churn") {
    auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(o.duration));
    for (std::size_t i = 0; i < o.connections; ++i)
      asio::co_spawn(ex, churn_worker(st, i, end), asio::detached);
    while (st.finished < o.connections)
      co_await sleep_for(5ms);
    double wall = seconds_since(wall0);
    ProcSample s1 = sample_process(o.server_pid);
    co_await sleep_for(2s);  // let the server release the closed connections
    ProcSample s2 = sample_process(o.server_pid);
    r.integer("workers", o.connections);
    r.integer("connects", st.churn_cycles);
    r.integer("connect_errors", st.connect_errors);
    r.num("connect_rate", static_cast<double>(st.churn_cycles) / wall, 1);
    r.num("cycle_p50_ms", st.connect_latency.pct_ms(0.50));
    r.num("cycle_p95_ms", st.connect_latency.pct_ms(0.95));
    r.num("cycle_p99_ms", st.connect_latency.pct_ms(0.99));
    r.num("cycle_max_ms", st.connect_latency.max_ms());
    r.integer("protocol_errors", st.protocol_errors);
    r.num("wall_s", wall);
    if (s0.ok) {
      r.num("server_cpu_s", s1.cpu_s - s0.cpu_s, 2);
      r.num(
          "server_cpu_s_per_1k_connects",
          st.churn_cycles ? (s1.cpu_s - s0.cpu_s) / static_cast<double>(st.churn_cycles) * 1000 : 0,
          4);
      r.integer("server_rss_kb_before", static_cast<std::uint64_t>(s0.rss_kb));
      r.integer("server_rss_kb_end", static_cast<std::uint64_t>(s1.rss_kb));
      r.integer("server_rss_kb_after", static_cast<std::uint64_t>(s2.rss_kb));
    }
    r.num("loadgen_cpu_util", (own_cpu_s() - self0) / wall, 2);
    co_return;
  }

  st.subscribed_per_channel.assign(channel_count(st), 0);
  co_await launch_all(st);
  double connect_wall = seconds_since(wall0);
  std::cerr << "kirim_loadgen: " << st.subscribed << " subscribed, " << st.connect_errors
            << " failed in " << fmt(connect_wall, 2) << " s\n";
  co_await sleep_for(1s);  // let the server settle before the run-phase samples
  ProcSample s1 = sample_process(o.server_pid);
  double self1 = own_cpu_s();
  auto run0 = Clock::now();

  if (o.scenario == "idle") {
    co_await sleep_until(run0 + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.duration)));
  } else {
    auto total = static_cast<std::uint64_t>(o.rate * o.duration);
    auto start = Clock::now() + 20ms;
    std::size_t done = 0;
    for (std::size_t p = 0; p < o.publishers; ++p) {
      asio::co_spawn(ex, publisher(st, p, total, start), [&done](std::exception_ptr) { ++done; });
    }
    while (done < o.publishers)
      co_await sleep_for(2ms);
    auto drain_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(o.drain_timeout));
    while (st.deliveries < st.expected && Clock::now() < drain_end)
      co_await sleep_for(2ms);
  }
  double run_wall = seconds_since(run0);
  double self2 = own_cpu_s();
  ProcSample s2 = sample_process(o.server_pid);
  std::uint64_t disconnects_during_run = st.disconnects;

  co_await close_all(st);

  r.integer("connections", o.connections);
  r.integer("connections_ok", st.subscribed);
  r.integer("connect_errors", st.connect_errors);
  r.num("connect_rate", static_cast<double>(st.subscribed) / connect_wall, 1);
  r.num("connect_p50_ms", st.connect_latency.pct_ms(0.50));
  r.num("connect_p99_ms", st.connect_latency.pct_ms(0.99));
  if (o.scenario != "idle") {
    r.integer("events", st.events_sent);
    r.integer("deliveries", st.deliveries);
    r.integer("expected_deliveries", st.expected);
    r.integer("missing_deliveries", st.expected > st.deliveries ? st.expected - st.deliveries : 0);
    r.num("deliveries_per_s", static_cast<double>(st.deliveries) / run_wall, 1);
    r.num("p50_ms", st.latency.pct_ms(0.50));
    r.num("p95_ms", st.latency.pct_ms(0.95));
    r.num("p99_ms", st.latency.pct_ms(0.99));
    r.num("max_ms", st.latency.max_ms());
    r.num("publish_p50_ms", st.publish_latency.pct_ms(0.50));
    r.num("publish_p99_ms", st.publish_latency.pct_ms(0.99));
    r.integer("publish_errors", st.publish_errors);
  }
  r.integer("protocol_errors", st.protocol_errors);
  r.integer("disconnects", disconnects_during_run);
  r.integer("pings", st.pings);
  r.num("connect_wall_s", connect_wall);
  r.num("run_wall_s", run_wall);
  r.num("loadgen_cpu_util", (self2 - self1) / run_wall, 2);
  if (s0.ok && s1.ok && s2.ok) {
    r.num("server_cpu_s_connect", s1.cpu_s - s0.cpu_s, 2);
    r.num("server_cpu_s_run", s2.cpu_s - s1.cpu_s, 2);
    r.num("server_cpu_util_run", (s2.cpu_s - s1.cpu_s) / run_wall, 3);
    if (o.scenario != "idle" && st.deliveries > 0) {
      r.num("server_cpu_s_per_million",
            (s2.cpu_s - s1.cpu_s) / static_cast<double>(st.deliveries) * 1e6, 3);
      r.num("deliveries_per_server_cpu_s",
            s2.cpu_s > s1.cpu_s ? static_cast<double>(st.deliveries) / (s2.cpu_s - s1.cpu_s) : 0,
            0);
    }
    r.integer("server_rss_kb_before", static_cast<std::uint64_t>(s0.rss_kb));
    r.integer("server_rss_kb_subscribed", static_cast<std::uint64_t>(s1.rss_kb));
    r.integer("server_rss_kb_end", static_cast<std::uint64_t>(s2.rss_kb));
    if (st.subscribed > 0)
      r.num("server_rss_kb_per_conn",
            static_cast<double>(s1.rss_kb - s0.rss_kb) / static_cast<double>(st.subscribed), 2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_options(argc, argv);
  State st;
  st.opt = opt;
  st.endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), opt.port);
  st.ws_target = "/app/" + opt.key + "?protocol=7&client=kirim-loadgen&version=1.0";
  Report report;
  asio::io_context io(1);
  int rc = 0;
  asio::co_spawn(io, run(st, report), [&](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "kirim_loadgen: " << ex.what() << "\n";
      }
      rc = 1;
    }
    io.stop();
  });
  io.run();
  std::cout << report.str() << std::endl;
  // Leave without tearing down thousands of coroutine frames and sockets one by one.
  std::_Exit(rc);
}
