#include "app/sandbox_command.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/server.h"
#include "whatsapp/http_client.h"
#include "whatsapp/sandbox/sandbox.h"

namespace kirim::app {
namespace {

namespace sb = whatsapp::sandbox;

// Uploads go up to Meta's 100 MB document limit; the server holds a body in memory.
constexpr std::size_t kSandboxBodyLimit = 101u * 1024 * 1024;
// Meta gives a webhook receiver about 20 s before it counts the delivery as failed.
constexpr std::chrono::milliseconds kWebhookTimeout{20'000};

struct SandboxInputs {
  std::string listen = "127.0.0.1:8090";
  std::string webhook_url;
  std::string app_secret;
  std::string access_token;
  std::uint64_t seed = 1;
  std::string config;
  std::vector<std::string> faults;
  std::string log_level = "info";
  int io_threads = 0;
  bool access_log = false;
  CLI::Option* seed_option = nullptr;
  CLI::Option* faults_option = nullptr;
};

int fail(const Error& e) {
  std::cerr << "kirim sandbox: " << e.message << "\n";
  for (const auto& [k, v] : e.details)
    std::cerr << "  " << k << ": " << v << "\n";
  return 1;
}

// The file's [sandbox] table, then the flags (which win).
Result<sb::SandboxOptions> resolve(const SandboxInputs& in) {
  KIRIM_ASSIGN_OR_RETURN(auto options, sb::load_sandbox_options(in.config));
  boost::json::object flags;
  if (!in.webhook_url.empty()) flags["webhooks"] = {{"url", in.webhook_url}};
  if (!in.app_secret.empty()) flags["app_secret"] = in.app_secret;
  if (!in.access_token.empty()) flags["access_token"] = in.access_token;
  if (in.seed_option->count() > 0) flags["seed"] = in.seed;
  if (in.faults_option->count() > 0) {
    boost::json::array faults;
    for (const auto& f : in.faults)
      faults.emplace_back(f);
    flags["faults"] = std::move(faults);
  }
  KIRIM_TRY(sb::apply_sandbox_config(options, flags, false));
  return options;
}

int run_sandbox(const SandboxInputs& in) {
  log::Level level = log::Level::info;
  if (!log::parse_level(in.log_level, level)) {
    return fail(make_error(Errc::invalid_argument, "--log-level: unknown level " + in.log_level));
  }
  log::setup(level, log::Format::text);
  auto options = resolve(in);
  if (!options.ok()) return fail(options.error());

  auto client = std::make_unique<whatsapp::HttpClient>();
  sb::WebhookPoster poster = webhook_poster(*client);

  SystemClock clock;
  metrics::Registry registry;
  http::Router router;
  const auto webhook_url = options->webhooks.url;
  const auto token = options->access_token;
  const auto seed = options->seed;
  sb::Sandbox sandbox(clock, std::move(options.value()), std::move(poster));
  sandbox.register_routes(router, "");
  sandbox.register_metrics(registry);
  router.add({"GET", "/metrics", http::Mode::inline_, [&registry](http::Request&) {
                return http::Response::text(200, registry.render(),
                                            "text/plain; version=0.0.4; charset=utf-8");
              }});
  router.add({"GET", "/healthz", http::Mode::inline_,
              [](http::Request&) { return http::Response::json(200, R"({"status":"ok"})"); }});

  http::ServerOptions so;
  so.listen = in.listen;
  so.io_threads = in.io_threads > 0
                      ? in.io_threads
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  so.blocking_threads = 1;  // every sandbox route is inline or deferred
  so.body_limit = kSandboxBodyLimit;
  so.access_log = in.access_log;
  so.handle_signals = true;
  http::Server server(so, router, registry);
  // Requests still waiting for their simulated latency are answered before the server drains.
  server.on_shutdown([&sandbox] { sandbox.stop(); });
  if (auto r = server.start(); !r.ok()) return fail(r.error());
  sandbox.start();

  const auto colon = in.listen.rfind(':');
  const std::string url =
      "http://" + in.listen.substr(0, colon) + ":" + std::to_string(server.port());
  log::info("sandbox listening", {{"url", url},
                                  {"webhook_url", webhook_url.empty() ? "(none)" : webhook_url},
                                  {"seed", std::to_string(seed)}});
  std::cout << "Sandbox is listening on " << url << "\n"
            << "  Graph API:    " << url << "/v23.0  (Authorization: Bearer " << token << ")\n"
            << "  webhooks to:  "
            << (webhook_url.empty() ? "nowhere (give --webhook-url)" : webhook_url) << "\n"
            << "  admin API:    " << url << "/_sandbox/state" << std::endl;
  server.wait_for_signal();
  // Posts still in flight end as cancelled; the sandbox, stopped, ignores their answers.
  client.reset();
  log::info("sandbox stopped");
  return 0;
}

}  // namespace

whatsapp::sandbox::WebhookPoster webhook_poster(whatsapp::HttpClient& http_client) {
  return [&http_client](std::string url, std::vector<std::pair<std::string, std::string>> headers,
                        std::string body, std::function<void(int)> done) {
    whatsapp::HttpRequest request;
    request.method = "POST";
    request.url = std::move(url);
    request.headers = std::move(headers);
    request.body = std::move(body);
    request.timeout = kWebhookTimeout;
    http_client.start(std::move(request), [done = std::move(done)](whatsapp::HttpResponse r) {
      done(r.transport == whatsapp::Transport::ok ? r.status : 0);
    });
  };
}

void register_sandbox_command(CLI::App& app) {
  static SandboxInputs in;
  auto* cmd = app.add_subcommand(
      "sandbox", "Run a local stand-in for the WhatsApp Cloud API (see docs/sandbox.md)");
  cmd->add_option("--listen", in.listen, "HOST:PORT to serve on; port 0 picks a free one")
      ->envname("KIRIM_SANDBOX_LISTEN")
      ->capture_default_str();
  cmd->add_option("--webhook-url", in.webhook_url,
                  "Where status and message webhooks are POSTed, e.g. "
                  "http://127.0.0.1:8080/webhooks/whatsapp (none when empty)")
      ->envname("KIRIM_SANDBOX_WEBHOOK_URL");
  cmd->add_option("--app-secret", in.app_secret,
                  "Secret that signs webhooks (X-Hub-Signature-256); default sandbox-secret")
      ->envname("KIRIM_SANDBOX_APP_SECRET");
  cmd->add_option("--access-token", in.access_token,
                  "Bearer token the Graph endpoints accept; default sandbox-token")
      ->envname("KIRIM_SANDBOX_ACCESS_TOKEN");
  in.seed_option =
      cmd->add_option("--seed", in.seed,
                      "Seed of every random choice (ids, latencies, faults, customers); the same "
                      "seed and requests give the same run; default 1")
          ->envname("KIRIM_SANDBOX_SEED");
  cmd->add_option("--config", in.config,
                  "TOML file whose [sandbox] table sets every option (flags win)")
      ->envname("KIRIM_SANDBOX_CONFIG")
      ->check(CLI::ExistingFile);
  in.faults_option = cmd->add_option("--fault", in.faults,
                                     "A fault rule, e.g. \"131026 async rate=0.02\" or \"503 "
                                     "next=3\"; repeatable; replaces the configured rules");
  cmd->add_option("--io-threads", in.io_threads, "I/O threads (default: one per core)");
  cmd->add_flag("--access-log", in.access_log, "Log every request");
  cmd->add_option("--log-level", in.log_level, "trace, debug, info, warn or error")
      ->capture_default_str();
  cmd->callback([] {
    const int code = run_sandbox(in);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace kirim::app
