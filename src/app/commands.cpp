#include "app/commands.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <unistd.h>

#include "accounts/accounts.h"
#include "api/api.h"
#include "app/backup_command.h"
#include "app/sandbox_command.h"
#include "campaigns/campaigns.h"
#include "contacts/contacts.h"
#include "contacts/imports.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/metrics.h"
#include "db/backup.h"
#include "db/database.h"
#include "db/migrations.h"
#include "http/server.h"
#include "http/static_files.h"
#include "notify/outgoing.h"
#include "queue/feed.h"
#include "queue/maintenance.h"
#include "queue/queue.h"
#include "queue/rate_limiter.h"
#include "realtime/app.h"
#include "realtime/bus.h"
#include "realtime/http_api.h"
#include "realtime/hub.h"
#include "realtime/webhooks.h"
#include "realtime/ws_session.h"
#include "whatsapp/accounts.h"
#include "whatsapp/cloud_api.h"
#include "whatsapp/http_client.h"
#include "whatsapp/inbox.h"

namespace kirim::app {
namespace {

int g_exit_code = 0;

}  // namespace

void add_settings(CLI::App& cmd, SettingInputs& in, bool all) {
  cmd.add_option("--config", in.config_path, "TOML configuration file")->envname("KIRIM_CONFIG");
  for (const auto& s : settings()) {
    const bool db_related = s.name == "data-dir" || s.name == "database" || s.name == "log-level" ||
                            s.name == "log-format";
    if (!all && !db_related) continue;
    const std::string name(s.name);
    in.options[name] =
        cmd.add_option("--" + name, in.raw[name], std::string(s.help))->envname(std::string(s.env));
  }
}

// Applies defaults, then the file, then the environment and flags (CLI11 has read both).
Result<Config> resolve(SettingInputs& in) {
  Config c;
  c.config_file = in.config_path;
  std::map<std::string, std::string> from_file;
  if (!in.config_path.empty()) {
    KIRIM_ASSIGN_OR_RETURN(from_file, read_config_file(in.config_path));
  }
  for (const auto& s : settings()) {
    const std::string name(s.name);
    auto opt = in.options.find(name);
    const bool given = opt != in.options.end() && opt->second->count() > 0;
    std::optional<std::string> value;
    if (given) {
      value = in.raw[name];
    } else if (auto f = from_file.find(name); f != from_file.end()) {
      value = f->second;
    }
    if (value) {
      if (auto r = s.set(c, *value); !r.ok()) return std::move(r).error();
    }
  }
  return c;
}

namespace {

int fail(const Error& e) {
  std::cerr << "kirim: " << e.message << "\n";
  for (const auto& [k, v] : e.details)
    std::cerr << "  " << k << ": " << v << "\n";
  return 1;
}

std::string find_web_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists("web/dist/index.html", ec)) return "web/dist";
  auto dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int i = 0; i < 6 && !dir.empty(); ++i, dir = dir.parent_path()) {
    if (fs::exists(dir / "share/kirim/web/index.html", ec))
      return (dir / "share/kirim/web").string();
    if (fs::exists(dir / "web/dist/index.html", ec)) return (dir / "web/dist").string();
  }
  return {};
}

int cores() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Result<std::unique_ptr<db::Database>> open_database(const Config& c, int readers) {
  KIRIM_ASSIGN_OR_RETURN(auto db, db::open(c.database_url(), db::Options{readers}));
  KIRIM_TRY(db::migrate(*db));
  return db;
}

// This process among the nodes sharing a database: host and data directory, then a nonce for
// this run, so that leases of an earlier run of the same node can be told apart and taken back.
std::string node_id(const std::string& data_dir) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::error_code ec;
  const auto dir = std::filesystem::weakly_canonical(data_dir, ec).string();
  return std::string(host) + ":" + (ec ? data_dir : dir) + "/" + crypto::random_token(6);
}

// The job kinds of a node and the instance's recurring upkeep.
void register_jobs(queue::Queue& jobs, db::Database& db, contacts::Imports& imports,
                   const std::string& database_url, const std::string& backup_dir) {
  jobs.configure_queue("default", {1, 4});
  jobs.configure_queue("imports", {1, 2});
  jobs.configure_queue("maintenance", {1, 1});
  auto id_of = [](const queue::Job& j) -> std::int64_t {
    boost::system::error_code ec;
    auto v = boost::json::parse(j.payload, ec);
    const auto* id = !ec && v.is_object() ? v.as_object().if_contains("id") : nullptr;
    return id && id->is_int64() ? id->as_int64() : 0;
  };
  queue::KindOptions transfers;
  transfers.queue = "imports";
  transfers.max_attempts = 20;  // each attempt resumes after the last committed batch
  jobs.register_kind("contacts.import", transfers, [&imports, id_of](queue::JobContext& ctx) {
    auto r = imports.import_job(id_of(ctx.job()), [&ctx] { return ctx.stopping(); });
    if (r.ok()) return queue::Outcome::ok();
    if (r.error().reason == "stopping") {
      return queue::Outcome::retry("stopped with the server", std::chrono::milliseconds(0));
    }
    return queue::Outcome::from(r.error());
  });
  jobs.register_kind("contacts.export", transfers, [&imports, id_of](queue::JobContext& ctx) {
    auto r = imports.export_job(id_of(ctx.job()), [&ctx] { return ctx.stopping(); });
    if (r.ok()) return queue::Outcome::ok();
    if (r.error().reason == "stopping") {
      return queue::Outcome::retry("stopped with the server", std::chrono::milliseconds(0));
    }
    return queue::Outcome::from(r.error());
  });
  queue::KindOptions upkeep;
  upkeep.queue = "maintenance";
  upkeep.max_attempts = 3;
  jobs.register_kind("maintenance.prune", upkeep, [&db](queue::JobContext& ctx) {
    auto r = queue::maintenance::prune(db, ctx.job().payload);
    return r.ok() ? queue::Outcome::ok() : queue::Outcome::from(r.error());
  });
  jobs.register_kind("backup.run", upkeep, [&db, database_url, backup_dir](queue::JobContext& ctx) {
    boost::system::error_code ec;
    auto v = boost::json::parse(ctx.job().payload, ec);
    db::BackupOptions options;
    if (!ec && v.is_object()) {
      if (const auto* keep = v.as_object().if_contains("keep"); keep && keep->is_int64()) {
        options.keep = static_cast<int>(std::clamp<std::int64_t>(keep->as_int64(), 1, 365));
      }
    }
    auto r = db::backup(database_url, backup_dir, options);
    if (!r.ok()) return queue::Outcome::from(r.error());
    log::info("backup made", {{"path", r->path}, {"bytes", std::to_string(r->bytes)}});
    return queue::Outcome::ok();
  });
  jobs.register_kind("maintenance.optimize", upkeep, [&db](queue::JobContext&) {
    auto r = queue::maintenance::optimize(db);
    return r.ok() ? queue::Outcome::ok() : queue::Outcome::from(r.error());
  });
}

// Recurring upkeep, made once; people may change or disable them afterwards.
void default_schedules(queue::Queue& jobs) {
  auto existing = jobs.schedules();
  if (!existing.ok()) return;
  auto has = [&](const std::string& name) {
    return std::any_of(existing->begin(), existing->end(),
                       [&](const queue::Schedule& s) { return s.name == name; });
  };
  const std::vector<queue::Schedule> defaults = {
      {0, "prune-old-records", "15 3 * * *", "UTC", "maintenance", "maintenance.prune",
       R"({"job_days":7,"webhook_days":30})", "", true, 0, 0, 0},
      {0, "optimize-database", "45 3 * * *", "UTC", "maintenance", "maintenance.optimize", "{}", "",
       true, 0, 0, 0},
      {0, "backup-database", "30 2 * * *", "UTC", "maintenance", "backup.run", R"({"keep":7})", "",
       true, 0, 0, 0},
      {0, "prune-webhook-deliveries", "0 4 * * *", "UTC", notify::kQueueName, notify::kPruneKind,
       R"({"keep_days":30})", "", true, 0, 0, 0},
  };
  for (const auto& s : defaults) {
    if (has(s.name)) continue;
    if (auto r = jobs.upsert_schedule(s); !r.ok()) {
      log::warn("could not create a schedule",
                {{"schedule", s.name}, {"error", r.error().message}});
    }
  }
}

// With the sandbox on and no account connected yet, the first workspace gets the sandbox's
// business account, so that a new installation can send at once.
void connect_sandbox_account(db::Database& db, whatsapp::Accounts& accounts) {
  auto ws = db.query("SELECT id FROM workspaces ORDER BY id LIMIT 1");
  auto any = db.query("SELECT COUNT(*) AS n FROM wa_accounts");
  if (!ws.ok() || ws->empty() || !any.ok() || any->integer(0, "n") > 0) return;
  const whatsapp::sandbox::SandboxOptions defaults;
  whatsapp::AccountInput in;
  in.name = "Sandbox";
  in.waba_id = defaults.wabas.front().id;
  in.access_token = defaults.access_token;
  auto made = accounts.create(ws->integer(0, "id"), in);
  if (!made.ok()) {
    log::warn("could not connect the sandbox account", {{"error", made.error().message}});
    return;
  }
  if (auto t = accounts.sync_templates(ws->integer(0, "id"), made->id); !t.ok()) {
    log::warn("could not sync the sandbox's templates", {{"error", t.error().message}});
  }
  log::info("connected the sandbox's business account", {{"waba_id", *in.waba_id}});
}

int run_serve(const Config& c) {
  log::setup(c.log_level, c.log_format);
  const int io_threads = c.io_threads > 0 ? c.io_threads : cores();
  const int blocking = c.blocking_threads > 0 ? c.blocking_threads : std::max(4, 2 * cores());
  auto db = open_database(c, std::max(2, blocking));
  if (!db.ok()) return fail(db.error());
  SystemClock clock;
  accounts::Accounts accounts(**db, clock);

  auto boot = accounts.bootstrap(c.admin_email, c.admin_password);
  if (!boot.ok()) return fail(boot.error());
  if (boot.value()) {
    const auto& b = *boot.value();
    std::cout << "\nKirim created the first workspace and its owner account:\n"
              << "  email:    " << b.email << "\n"
              << "  password: "
              << (b.password.empty() ? "(the one you set in KIRIM_ADMIN_PASSWORD)" : b.password)
              << "\n"
              << (b.password.empty() ? "" : "  This password is shown only now.\n") << std::endl;
  }

  auto apps = realtime::load_apps(c.config_file);
  if (!apps.ok()) return fail(apps.error());
  realtime::Webhooks webhooks(clock, realtime::curl_poster());
  webhooks.start();
  realtime::Hub hub(clock, &webhooks);  // outlives the server, which closes its connections first

  metrics::Registry registry;
  http::Router router;
  const realtime::App& own_app = *apps->by_id("kirim");
  realtime::LocalBus bus(hub, own_app);
  contacts::Contacts contact_book(**db, clock);
  api::Dependencies deps{**db,     accounts, registry, c.secure_cookies, std::string(kVersion),
                         &own_app, &bus,     &clock};
  deps.contacts = &contact_book;
  // Import and export progress goes to the workspace's private channel.
  contacts::Imports imports(
      **db, clock, contact_book, c.data_dir,
      [&bus, &clock](std::int64_t ws, std::string_view event, const contacts::Import* imp,
                     const contacts::Export* exp) {
        const auto data =
            imp ? contacts::import_json(*imp, false, clock.now_ms()) : contacts::export_json(*exp);
        bus.publish("private-workspace." + std::to_string(ws), event, boost::json::serialize(data));
      });
  deps.imports = &imports;
  deps.body_limit = c.body_limit;

  // WhatsApp: the Graph API client, the connected accounts, and the webhook inbox.
  auto secret_key = whatsapp::load_secret_key(c.secret_key, c.data_dir);
  if (!secret_key.ok()) return fail(secret_key.error());
  whatsapp::HttpClient http_client;
  whatsapp::CloudApi cloud_api(http_client);
  whatsapp::Accounts wa_accounts(**db, clock, cloud_api, *secret_key, c.whatsapp_graph_url);
  // The inbox's message and consent notices go to the workspace's outgoing webhooks (set below,
  // before the inbox starts), the others to its realtime channel.
  notify::OutgoingWebhooks* outgoing = nullptr;
  auto workspace_notice = [&bus, &outgoing](std::int64_t ws, std::string_view event,
                                            const boost::json::object& data) {
    if (!notify::is_event(event)) {
      bus.publish("private-workspace." + std::to_string(ws), event, boost::json::serialize(data));
      return;
    }
    if (outgoing == nullptr) return;
    if (auto r = outgoing->emit(ws, event, data); !r.ok()) {
      log::error("an outgoing webhook event could not be recorded",
                 {{"event", std::string(event)}, {"error", r.error().message}});
    }
  };
  whatsapp::InboxOptions inbox_options{c.whatsapp_app_secret, c.whatsapp_verify_token};
  if (c.sandbox && inbox_options.app_secret.empty()) {
    inbox_options.app_secret = whatsapp::sandbox::SandboxOptions{}.app_secret;
  }
  whatsapp::Inbox inbox(**db, clock, wa_accounts, contact_book, inbox_options, workspace_notice);
  deps.wa_accounts = &wa_accounts;
  deps.inbox = &inbox;
  if (auto r = wa_accounts.load_routes(); !r.ok()) return fail(r.error());

  // The durable queue and what runs on it: imports and exports, upkeep.
  queue::Queue jobs(**db, clock, queue::Queue::Options{node_id(c.data_dir)});
  register_jobs(jobs, **db, imports, c.database_url(),
                (std::filesystem::path(c.data_dir) / "backups").string());
  imports.set_runner([&jobs](std::string_view kind, std::int64_t ws, std::int64_t id) {
    queue::JobSpec spec;
    spec.kind = std::string(kind);
    spec.workspace_id = ws;
    spec.payload = "{\"id\":" + std::to_string(id) + "}";
    spec.unique_key = spec.kind + ":" + std::to_string(id);
    spec.tags = {spec.kind + ":" + std::to_string(id)};
    auto r = jobs.enqueue(spec);
    if (!r.ok()) return Result<void>(std::move(r).error());
    return Result<void>();
  });
  queue::LocalRateLimiter limiter(
      clock, [&bus, &wa_accounts](std::string_view number, queue::LimiterEvent event,
                                  std::string_view detail) {
        auto route = wa_accounts.route_phone_number(std::string(number));
        if (!route) return;
        boost::json::object o{{"pnid", std::string(number)},
                              {"event", std::string(queue::event_name(event))},
                              {"detail", std::string(detail)}};
        bus.publish("private-workspace." + std::to_string(route->workspace_id), "number.limited",
                    boost::json::serialize(o));
      });
  queue::Feed feed(jobs, [&bus](const boost::json::object& data) {
    bus.publish(api::kQueuesChannel, "queue.stats", boost::json::serialize(data));
  });
  deps.queue = &jobs;
  deps.limiter = &limiter;
  notify::OutgoingWebhooks outgoing_webhooks(**db, clock, jobs, http_client, *secret_key);
  outgoing_webhooks.register_jobs(jobs);
  if (auto r = outgoing_webhooks.resume_pending(); !r.ok()) return fail(r.error());
  outgoing = &outgoing_webhooks;
  deps.outgoing = &outgoing_webhooks;

  // Campaigns: the engine sends through the Cloud API within the numbers' limits; statuses and
  // replies reach it through the inbox, inside the inbox's unit of work.
  campaigns::Campaigns campaign_engine(campaigns::Deps{
      **db, clock, contact_book, wa_accounts, cloud_api, limiter, jobs, c.public_url,
      [&bus](std::int64_t, const std::string& channel, std::string_view event,
             const boost::json::object& data) {
        bus.publish(channel, event, boost::json::serialize(data));
      }});
  campaign_engine.register_jobs(jobs);
  inbox.set_sink(&campaign_engine);
  deps.campaigns = &campaign_engine;

  // --sandbox: Meta's stand-in on this server under /sandbox, for trying Kirim without a Meta
  // account. Its webhooks come back to /webhooks/whatsapp signed with the instance's app secret.
  std::unique_ptr<whatsapp::sandbox::Sandbox> sandbox;
  if (c.sandbox) {
    auto options =
        c.config_file.empty()
            ? Result<whatsapp::sandbox::SandboxOptions>(whatsapp::sandbox::SandboxOptions{})
            : whatsapp::sandbox::load_sandbox_options(c.config_file);
    if (!options.ok()) return fail(options.error());
    if (!c.whatsapp_app_secret.empty()) options->app_secret = c.whatsapp_app_secret;
    sandbox = std::make_unique<whatsapp::sandbox::Sandbox>(clock, std::move(options.value()),
                                                           webhook_poster(http_client));
    sandbox->register_routes(router, "/sandbox");
    sandbox->register_metrics(registry);
  }
  api::register_routes(router, deps);
  realtime::register_http_api(router, hub, apps.value(), clock);
  registry.gauge("kirim_realtime_connections", "Open realtime (WebSocket) connections", [&hub] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(hub.connections())}};
  });
  registry.gauge("kirim_realtime_subscriptions", "Channel subscriptions", [&hub] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(hub.subscriptions())}};
  });
  registry.gauge("kirim_realtime_sessions",
                 "WebSocket sessions whose memory is still held (open or closing)", [] {
                   return std::vector<std::pair<metrics::Labels, double>>{
                       {{}, static_cast<double>(realtime::open_websockets())}};
                 });
  registry.counter_fn("kirim_realtime_frames_total", "WebSocket frames by direction", [] {
    const auto n = realtime::ws_counters();
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"direction", "in"}}, static_cast<double>(n.frames_in)},
        {{{"direction", "out"}}, static_cast<double>(n.frames_out)}};
  });
  registry.counter_fn("kirim_realtime_bytes_total", "WebSocket payload bytes by direction", [] {
    const auto n = realtime::ws_counters();
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"direction", "in"}}, static_cast<double>(n.bytes_in)},
        {{{"direction", "out"}}, static_cast<double>(n.bytes_out)}};
  });
  registry.counter_fn("kirim_realtime_connections_total", "WebSocket connections by outcome", [] {
    const auto n = realtime::ws_counters();
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"outcome", "accepted"}}, static_cast<double>(n.connections)},
        {{{"outcome", "refused"}}, static_cast<double>(n.refused)}};
  });
  registry.counter_fn("kirim_whatsapp_webhooks_total", "WhatsApp webhooks by outcome", [&inbox] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{{"outcome", "stored"}}, static_cast<double>(inbox.received())},
        {{{"outcome", "refused"}}, static_cast<double>(inbox.refused())},
        {{{"outcome", "processed"}}, static_cast<double>(inbox.processed())}};
  });
  registry.gauge(
      "kirim_import_rows_per_second", "Rows per second of the import running now", [&imports] {
        return std::vector<std::pair<metrics::Labels, double>>{{{}, imports.current_rate()}};
      });
  registry.gauge("kirim_realtime_webhooks_pending", "Webhook events and retries waiting",
                 [&webhooks] {
                   return std::vector<std::pair<metrics::Labels, double>>{
                       {{}, static_cast<double>(webhooks.pending())}};
                 });
  registry.counter_fn("kirim_realtime_webhook_failures", "Webhooks given up on", [&webhooks] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(webhooks.failures())}};
  });

  const auto web_root = find_web_root(c.web_root);
  auto files = http::StaticFiles::load(web_root);
  if (!files.ok()) return fail(files.error());
  const http::StaticFiles& static_files = **files;
  router.set_fallback(http::Mode::inline_,
                      [&static_files](http::Request& req) { return static_files.serve(req); });

  http::ServerOptions so;
  so.listen = c.listen;
  so.io_threads = io_threads;
  so.blocking_threads = blocking;
  so.body_limit = c.body_limit;
  so.access_log = c.access_log;
  so.shutdown_timeout = std::chrono::seconds(c.shutdown_timeout_s);
  so.handle_signals = true;
  http::Server server(so, router, registry);
  registry.gauge("kirim_http_open_connections", "Open HTTP connections", [&server] {
    return std::vector<std::pair<metrics::Labels, double>>{
        {{}, static_cast<double>(server.open_connections())}};
  });
  // pusher-js may put a path prefix before /app/{key} (its wsPath option).
  server.add_upgrade(
      [](std::string_view path) { return path.find("/app/") != std::string_view::npos; },
      realtime::websocket_handler(hub, apps.value()));
  server.on_shutdown([&hub] {
    hub.close_all();  // 4200: clients reconnect to another node or after the restart
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (realtime::open_websockets() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  server.on_shutdown([&sandbox] {
    if (sandbox) sandbox->stop();  // answers what waits on simulated latency before the drain
  });
  default_schedules(jobs);
  if (auto r = server.start(); !r.ok()) return fail(r.error());
  if (sandbox) {
    const std::string self = "http://127.0.0.1:" + std::to_string(server.port());
    (void)sandbox->configure(
        boost::json::object{{"webhooks", {{"url", self + "/webhooks/whatsapp"}}}});
    sandbox->start();
    if (c.whatsapp_graph_url.empty()) wa_accounts.set_default_graph_url(self + "/sandbox/v23.0");
    connect_sandbox_account(**db, wa_accounts);
  }

  const auto colon = c.listen.rfind(':');
  const std::string url =
      "http://" + c.listen.substr(0, colon) + ":" + std::to_string(server.port());
  // The workers start once the server listens: a campaign's tracked links need its address.
  campaign_engine.set_public_url(c.public_url.empty() ? url : c.public_url);
  campaign_engine.start();
  jobs.start();
  if (auto r = imports.resume_all(); !r.ok()) return fail(r.error());
  feed.start();
  inbox.start();
  log::info("listening", {{"url", url},
                          {"database", db::dialect_name((*db)->dialect())},
                          {"web_root", web_root.empty() ? "(none)" : web_root},
                          {"io_threads", std::to_string(io_threads)},
                          {"blocking_threads", std::to_string(blocking)}});
  std::cout << "Kirim is listening on " << url << std::endl;
  server.wait_for_signal();
  campaign_engine.stop();  // no request leaves after this; answers in flight are recorded
  feed.stop();
  jobs.stop(std::chrono::seconds(c.shutdown_timeout_s));  // imports commit their batch in hand
  inbox.stop();  // stored webhooks not processed yet are processed at the next start
  log::info("stopped");
  return 0;
}

std::string read_secret(const std::string& prompt) {
  if (isatty(STDIN_FILENO)) std::cerr << prompt << std::flush;
  std::string line;
  std::getline(std::cin, line);
  return line;
}

}  // namespace

int exit_code() {
  return g_exit_code;
}

// The values the command line fills in; alive for the whole process, like the CLI::App.
struct CommandState {
  SettingInputs serve, migrate, create, list, reset;
  bool status_only = false;
  std::string email, name, password, role = "viewer";
};

void register_commands(CLI::App& app) {
  static CommandState state;
  register_sandbox_command(app);
  register_backup_commands(app);
  // serve
  {
    auto* in = &state.serve;
    auto* cmd = app.add_subcommand("serve", "Run the web app, the API and the workers");
    add_settings(*cmd, *in, true);
    cmd->callback([in] {
      auto c = resolve(*in);
      g_exit_code = c.ok() ? run_serve(c.value()) : fail(c.error());
    });
  }
  // migrate
  {
    auto* in = &state.migrate;
    auto* status_only = &state.status_only;
    auto* cmd = app.add_subcommand("migrate", "Apply the database migrations (also done by serve)");
    add_settings(*cmd, *in, false);
    cmd->add_flag("--status", *status_only, "Only show the schema version");
    cmd->callback([in, status_only] {
      auto c = resolve(*in);
      if (!c.ok()) {
        g_exit_code = fail(c.error());
        return;
      }
      log::setup(c->log_level, c->log_format);
      auto db = db::open(c->database_url(), db::Options{1});
      if (!db.ok()) {
        g_exit_code = fail(db.error());
        return;
      }
      if (!*status_only) {
        auto applied = db::migrate(**db);
        if (!applied.ok()) {
          g_exit_code = fail(applied.error());
          return;
        }
        std::cout << "applied " << applied.value() << " migration(s)\n";
      }
      auto v = db::schema_version(**db);
      std::cout << "schema version " << (v.ok() ? v.value() : 0) << " of "
                << db::latest_version((*db)->dialect()) << " ("
                << db::dialect_name((*db)->dialect()) << ")\n";
    });
  }
  // user create | list | reset-password
  {
    auto* user = app.add_subcommand("user", "Manage users from the command line");
    user->require_subcommand(1);
    auto* a = &state;
    auto with_accounts = [](SettingInputs& in, const std::function<int(accounts::Accounts&)>& fn) {
      auto c = resolve(in);
      if (!c.ok()) {
        g_exit_code = fail(c.error());
        return;
      }
      log::setup(log::Level::warn, c->log_format);
      auto db = open_database(c.value(), 1);
      if (!db.ok()) {
        g_exit_code = fail(db.error());
        return;
      }
      SystemClock clock;
      accounts::Accounts acc(**db, clock);
      g_exit_code = fn(acc);
    };

    auto* create = user->add_subcommand("create", "Add a user to the workspace");
    add_settings(*create, a->create, false);
    create->add_option("--email", a->email, "Email address")->required();
    create->add_option("--name", a->name, "Display name")->required();
    create
        ->add_option("--password", a->password,
                     "Password (prompted, or read from standard input, when absent)")
        ->envname("KIRIM_USER_PASSWORD");
    create->add_option("--role", a->role, "owner, admin, editor or viewer")
        ->check(CLI::IsMember({"owner", "admin", "editor", "viewer"}))
        ->capture_default_str();
    create->callback([a, with_accounts] {
      if (a->password.empty()) a->password = read_secret("Password: ");
      with_accounts(a->create, [a](accounts::Accounts& acc) {
        auto u =
            acc.cli_create_user(a->email, a->name, a->password, *accounts::parse_role(a->role));
        if (!u.ok()) return fail(u.error());
        std::cout << "created user " << u->id << " <" << u->email << "> as "
                  << accounts::role_name(u->role) << "\n";
        return 0;
      });
    });

    auto* list = user->add_subcommand("list", "List the workspace's users");
    add_settings(*list, a->list, false);
    list->callback([a, with_accounts] {
      with_accounts(a->list, [](accounts::Accounts& acc) {
        auto users = acc.cli_list_users();
        if (!users.ok()) return fail(users.error());
        std::printf("%-6s %-32s %-24s %s\n", "ID", "EMAIL", "NAME", "ROLE");
        for (const auto& u : users.value()) {
          std::printf("%-6lld %-32s %-24s %s\n", static_cast<long long>(u.id), u.email.c_str(),
                      u.name.c_str(), std::string(accounts::role_name(u.role)).c_str());
        }
        return 0;
      });
    });

    auto* reset = user->add_subcommand("reset-password", "Set a new password and end sessions");
    add_settings(*reset, a->reset, false);
    reset->add_option("--email", a->email, "Email address")->required();
    reset
        ->add_option("--password", a->password,
                     "New password (prompted, or read from standard input, when absent)")
        ->envname("KIRIM_USER_PASSWORD");
    reset->callback([a, with_accounts] {
      if (a->password.empty()) a->password = read_secret("New password: ");
      with_accounts(a->reset, [a](accounts::Accounts& acc) {
        auto r = acc.cli_reset_password(a->email, a->password);
        if (!r.ok()) return fail(r.error());
        std::cout << "password changed for " << a->email << "; their sessions have ended\n";
        return 0;
      });
    });
  }
}

}  // namespace kirim::app
