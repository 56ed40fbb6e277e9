#include "whatsapp/accounts.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <sys/stat.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"

namespace kirim::whatsapp {
namespace {

namespace fs = std::filesystem;
using db::Value;

constexpr const char* kAccountColumns =
    "id, workspace_id, name, waba_id, graph_url, access_token_enc, app_secret_enc, "
    "verify_token_enc, status, paused_reason, refreshed_at, refresh_error, created_at";

Error not_found() {
  return make_error(Errc::not_found, "There is no such WhatsApp account.");
}

Error upstream(const GraphError& e) {
  std::string msg = e.message.empty() ? "the Graph API did not answer" : e.message;
  if (e.code != 0) msg = "(#" + std::to_string(e.code) + ") " + msg;
  Error out{
      Errc::unavailable, "Meta's Graph API refused the request: " + msg, {}, "upstream_failed"};
  out.details["code"] = std::to_string(e.code);
  out.details["http_status"] = std::to_string(e.http_status);
  if (!e.fbtrace_id.empty()) out.details["fbtrace_id"] = e.fbtrace_id;
  return out;
}

Account account_from(const db::Rows& r, std::size_t i) {
  Account a;
  a.id = r.integer(i, "id");
  a.workspace_id = r.integer(i, "workspace_id");
  a.name = r.text(i, "name");
  a.waba_id = r.text(i, "waba_id");
  a.graph_url = r.text(i, "graph_url");
  a.has_access_token = !r.text(i, "access_token_enc").empty();
  a.has_app_secret = !r.text(i, "app_secret_enc").empty();
  a.has_verify_token = !r.text(i, "verify_token_enc").empty();
  a.status = r.text(i, "status");
  a.paused_reason = r.text(i, "paused_reason");
  a.refreshed_at = r.integer(i, "refreshed_at");
  a.refresh_error = r.text(i, "refresh_error");
  a.created_at = r.integer(i, "created_at");
  return a;
}

Template template_from(const db::Rows& r, std::size_t i) {
  Template t;
  t.id = r.integer(i, "id");
  t.account_id = r.integer(i, "account_id");
  t.meta_id = r.text(i, "meta_id");
  t.name = r.text(i, "name");
  t.language = r.text(i, "language");
  t.category = r.text(i, "category");
  t.status = r.text(i, "status");
  t.quality = r.text(i, "quality");
  t.parameter_format = r.text(i, "parameter_format");
  t.components_json = r.text(i, "components");
  t.rejected_reason = r.text(i, "rejected_reason");
  t.updated_at = r.integer(i, "updated_at");
  return t;
}

bool valid_graph_url(std::string_view s) {
  return s.empty() || s.starts_with("http://") || s.starts_with("https://");
}

bool digits_only(std::string_view s) {
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string str(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::vector<NamedExample> named_examples(const boost::json::value* v) {
  std::vector<NamedExample> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (const auto* o = e.if_object()) out.push_back({str(*o, "param_name"), str(*o, "example")});
  }
  return out;
}

}  // namespace

Result<std::string> load_secret_key(const std::string& configured, const std::string& data_dir) {
  if (!configured.empty()) {
    auto key = crypto::from_base64(configured);
    if (!key || key->size() != crypto::kSecretKeyBytes) {
      return make_error(Errc::invalid_argument,
                        "secret-key must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)");
    }
    return *key;
  }
  const auto path = fs::path(data_dir) / "secret.key";
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    std::string text;
    std::getline(in, text);
    auto key = crypto::from_base64(text);
    if (!key || key->size() != crypto::kSecretKeyBytes) {
      return make_error(Errc::invalid_argument, path.string() + " does not hold a 32-byte key");
    }
    return *key;
  }
  fs::create_directories(data_dir, ec);
  const auto raw = crypto::from_base64(crypto::random_token(crypto::kSecretKeyBytes));
  {
    const auto old = ::umask(077);
    std::ofstream out(path);
    ::umask(old);
    out << crypto::base64url(*raw) << "\n";
    if (!out) return make_error(Errc::internal, "cannot write " + path.string());
  }
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
  log::info("made a new secret key for stored secrets", {{"path", path.string()}});
  return *raw;
}

Accounts::Accounts(db::Database& db, const Clock& clock, CloudApi& api, std::string secret_key,
                   std::string default_graph_url)
    : db_(db), clock_(clock), api_(api), key_(std::move(secret_key)) {
  set_default_graph_url(std::move(default_graph_url));
}

void Accounts::set_default_graph_url(std::string url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  std::lock_guard lock(mu_);
  default_graph_url_ = url.empty() ? std::string(kDefaultGraphUrl) : std::move(url);
}

std::string Accounts::seal(const std::string& plaintext) const {
  return plaintext.empty() ? std::string() : crypto::seal_secret(key_, plaintext);
}

std::string Accounts::open(const std::string& sealed) const {
  if (sealed.empty()) return {};
  auto plain = crypto::open_secret(key_, sealed);
  if (!plain) {
    log::error("a stored secret cannot be decrypted: was the secret key changed?");
    return {};
  }
  return *plain;
}

Result<std::vector<Account>> Accounts::list(std::int64_t ws) {
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(std::string("SELECT ") + kAccountColumns +
                                                  " FROM wa_accounts WHERE workspace_id = $1 "
                                                  "ORDER BY id",
                                              {ws}));
  KIRIM_ASSIGN_OR_RETURN(
      auto nums, db_.query("SELECT id, account_id, pnid, display_number, verified_name, "
                           "quality_rating, messaging_tier, throughput_mps, status, updated_at "
                           "FROM phone_numbers WHERE workspace_id = $1 ORDER BY id",
                           {ws}));
  std::vector<Account> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(account_from(rows, i));
  for (std::size_t i = 0; i < nums.size(); ++i) {
    PhoneNumber p;
    p.id = nums.integer(i, "id");
    p.account_id = nums.integer(i, "account_id");
    p.pnid = nums.text(i, "pnid");
    p.display_number = nums.text(i, "display_number");
    p.verified_name = nums.text(i, "verified_name");
    p.quality_rating = nums.text(i, "quality_rating");
    p.messaging_tier = nums.text(i, "messaging_tier");
    p.throughput_mps = static_cast<int>(nums.integer(i, "throughput_mps"));
    p.status = nums.text(i, "status");
    p.updated_at = nums.integer(i, "updated_at");
    for (auto& a : out) {
      if (a.id == p.account_id) a.phone_numbers.push_back(p);
    }
  }
  return out;
}

Result<Account> Accounts::get(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto all, list(ws));
  for (auto& a : all) {
    if (a.id == id) return std::move(a);
  }
  return not_found();
}

Result<Account> Accounts::create(std::int64_t ws, const AccountInput& in) {
  std::map<std::string, std::string> problems;
  const auto name = in.name.value_or("");
  if (name.empty() || name.size() > 200) problems["name"] = "must be 1 to 200 characters";
  if (!in.waba_id || !digits_only(*in.waba_id)) {
    problems["waba_id"] = "must be the business account's numeric id";
  }
  if (!in.access_token || in.access_token->empty()) problems["access_token"] = "is required";
  if (in.graph_url && !valid_graph_url(*in.graph_url)) {
    problems["graph_url"] = "must start with http:// or https://";
  }
  if (!problems.empty()) return json::validation_error(std::move(problems));
  std::string graph = in.graph_url.value_or("");
  while (!graph.empty() && graph.back() == '/')
    graph.pop_back();
  const auto now = clock_.now_ms();
  auto rows = db_.write_query(
      "INSERT INTO wa_accounts (workspace_id, name, waba_id, graph_url, access_token_enc, "
      "app_secret_enc, verify_token_enc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
      "$7, $8, $8) RETURNING id",
      {ws, name, *in.waba_id, graph, seal(*in.access_token), seal(in.app_secret.value_or("")),
       seal(in.verify_token.value_or("")), now});
  if (!rows.ok()) {
    auto e = std::move(rows).error();
    if (e.code == Errc::conflict) {
      e.message = "This business account is already connected.";
      e.details["waba_id"] = "is already connected";
    }
    return e;
  }
  const auto id = rows->integer(0, "id");
  KIRIM_TRY(reload_routes());
  (void)refresh(ws, id);  // a failure is kept on the account for people to see
  return get(ws, id);
}

Result<Account> Accounts::update(std::int64_t ws, std::int64_t id, const AccountInput& in) {
  KIRIM_TRY(get(ws, id));
  std::map<std::string, std::string> problems;
  if (in.name && (in.name->empty() || in.name->size() > 200)) {
    problems["name"] = "must be 1 to 200 characters";
  }
  if (in.waba_id) problems["waba_id"] = "cannot change; connect the other account separately";
  if (in.access_token && in.access_token->empty()) problems["access_token"] = "must not be empty";
  if (in.graph_url && !valid_graph_url(*in.graph_url)) {
    problems["graph_url"] = "must start with http:// or https://";
  }
  if (in.status && *in.status != "active" && *in.status != "paused") {
    problems["status"] = "must be active or paused";
  }
  if (!problems.empty()) return json::validation_error(std::move(problems));
  std::vector<std::string> sets;
  std::vector<Value> params;
  auto set = [&](const char* col, Value v) {
    params.push_back(std::move(v));
    sets.push_back(std::string(col) + " = $" + std::to_string(params.size()));
  };
  if (in.name) set("name", *in.name);
  if (in.access_token) set("access_token_enc", seal(*in.access_token));
  if (in.app_secret) set("app_secret_enc", seal(*in.app_secret));
  if (in.verify_token) set("verify_token_enc", seal(*in.verify_token));
  if (in.graph_url) {
    std::string g = *in.graph_url;
    while (!g.empty() && g.back() == '/')
      g.pop_back();
    set("graph_url", g);
  }
  if (in.status) {
    set("status", *in.status);
    if (*in.status == "active") set("paused_reason", std::string());
    if (*in.status == "paused") set("paused_reason", std::string("paused by a person"));
  }
  set("updated_at", clock_.now_ms());
  params.push_back(ws);
  params.push_back(id);
  std::string sql = "UPDATE wa_accounts SET ";
  for (std::size_t i = 0; i < sets.size(); ++i)
    sql += (i ? ", " : "") + sets[i];
  sql += " WHERE workspace_id = $" + std::to_string(params.size() - 1) + " AND id = $" +
         std::to_string(params.size());
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    KIRIM_TRY(c.exec(sql, params));
    return {};
  }));
  KIRIM_TRY(reload_routes());
  return get(ws, id);
}

Result<void> Accounts::remove(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto n,
      db_.write_exec("DELETE FROM wa_accounts WHERE workspace_id = $1 AND id = $2", {ws, id}));
  if (n == 0) return not_found();
  return reload_routes();
}

Result<Credentials> Accounts::credentials(std::int64_t ws, std::int64_t account_id) {
  KIRIM_ASSIGN_OR_RETURN(auto rows,
                         db_.query("SELECT graph_url, access_token_enc FROM wa_accounts WHERE "
                                   "workspace_id = $1 AND id = $2",
                                   {ws, account_id}));
  if (rows.empty()) return not_found();
  Credentials c;
  c.base_url = rows.text(0, "graph_url");
  if (c.base_url.empty()) {
    std::lock_guard lock(mu_);
    c.base_url = default_graph_url_;
  }
  c.access_token = open(rows.text(0, "access_token_enc"));
  return c;
}

Result<Account> Accounts::refresh(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(auto account, get(ws, id));
  KIRIM_ASSIGN_OR_RETURN(auto creds, credentials(ws, id));
  auto numbers = api_.list_phone_numbers(creds, account.waba_id);
  const auto now = clock_.now_ms();
  if (!numbers.ok()) {
    const auto err = upstream(numbers.error);
    (void)db_.write_exec("UPDATE wa_accounts SET refresh_error = $1 WHERE id = $2",
                         {err.message, id});
    if (numbers.error.cls == ErrorClass::stop_auth) {
      (void)pause(id, "the access token was refused: " + numbers.error.message);
    }
    return err;
  }
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    std::set<std::string> seen;
    for (const auto& n : *numbers.value) {
      seen.insert(n.id);
      KIRIM_TRY(c.exec(
          "INSERT INTO phone_numbers (workspace_id, account_id, pnid, display_number, "
          "verified_name, quality_rating, messaging_tier, throughput_mps, status, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (pnid) DO UPDATE SET "
          "display_number = excluded.display_number, verified_name = excluded.verified_name, "
          "quality_rating = excluded.quality_rating, messaging_tier = excluded.messaging_tier, "
          "throughput_mps = excluded.throughput_mps, status = excluded.status, updated_at = "
          "excluded.updated_at WHERE phone_numbers.account_id = excluded.account_id",
          {ws, id, n.id, n.display_phone_number, n.verified_name,
           n.quality_rating.empty() ? std::string("UNKNOWN") : n.quality_rating,
           n.messaging_limit_tier, static_cast<std::int64_t>(n.throughput_mps), n.status, now}));
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto stored, c.query("SELECT id, pnid FROM phone_numbers WHERE account_id = $1", {id}));
    for (std::size_t i = 0; i < stored.size(); ++i) {
      if (!seen.contains(stored.text(i, "pnid"))) {
        KIRIM_TRY(c.exec("DELETE FROM phone_numbers WHERE id = $1", {stored.integer(i, "id")}));
      }
    }
    KIRIM_TRY(c.exec("UPDATE wa_accounts SET refreshed_at = $1, refresh_error = '' WHERE id = $2",
                     {now, id}));
    return {};
  }));
  KIRIM_TRY(reload_routes());
  return get(ws, id);
}

Result<void> Accounts::pause(std::int64_t account_id, const std::string& reason) {
  KIRIM_TRY(db_.write_exec(
      "UPDATE wa_accounts SET status = 'paused', paused_reason = $1, updated_at = $2 WHERE id = $3",
      {reason.substr(0, 500), clock_.now_ms(), account_id}));
  log::warn("whatsapp account paused",
            {{"account", std::to_string(account_id)}, {"reason", reason}});
  return {};
}

Result<std::vector<Template>> Accounts::templates(std::int64_t ws, const TemplateQuery& q) {
  std::string sql =
      "SELECT id, account_id, meta_id, name, language, category, status, quality, "
      "parameter_format, components, rejected_reason, updated_at FROM templates WHERE "
      "workspace_id = $1";
  std::vector<Value> params{ws};
  auto add = [&](const char* cond, Value v) {
    params.push_back(std::move(v));
    sql += std::string(" AND ") + cond + " $" + std::to_string(params.size());
  };
  if (q.account_id) add("account_id =", *q.account_id);
  if (!q.status.empty()) add("status =", upper(q.status));
  if (!q.category.empty()) add("category =", upper(q.category));
  if (!q.language.empty()) add("language =", q.language);
  if (!q.q.empty()) {
    std::string pattern = "%";
    for (char c : q.q) {
      if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
      pattern.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    pattern += "%";
    params.push_back(pattern);
    sql += " AND LOWER(name) LIKE $" + std::to_string(params.size()) + " ESCAPE '\\'";
  }
  sql += " ORDER BY name, language LIMIT 1000";
  KIRIM_ASSIGN_OR_RETURN(auto rows, db_.query(sql, params));
  std::vector<Template> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(template_from(rows, i));
  return out;
}

Result<Accounts::SyncResult> Accounts::sync_templates(std::int64_t ws, std::int64_t account_id) {
  KIRIM_ASSIGN_OR_RETURN(auto account, get(ws, account_id));
  KIRIM_ASSIGN_OR_RETURN(auto creds, credentials(ws, account_id));
  auto list = api_.list_templates(creds, account.waba_id);
  if (!list.ok()) return upstream(list.error);
  SyncResult result;
  const auto now = clock_.now_ms();
  KIRIM_TRY(db_.write([&](db::Connection& c) -> Result<void> {
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& t : *list.value) {
      seen.insert({t.name, t.language});
      const auto fmt = t.parameter_format.empty() ? std::string("positional") : [&] {
        std::string f = t.parameter_format;
        std::transform(f.begin(), f.end(), f.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        return f;
      }();
      KIRIM_TRY(c.exec(
          "INSERT INTO templates (workspace_id, account_id, meta_id, name, language, category, "
          "status, quality, parameter_format, components, rejected_reason, created_at, "
          "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON "
          "CONFLICT (account_id, name, language) DO UPDATE SET meta_id = excluded.meta_id, "
          "category = excluded.category, status = excluded.status, quality = excluded.quality, "
          "parameter_format = excluded.parameter_format, components = excluded.components, "
          "rejected_reason = excluded.rejected_reason, updated_at = excluded.updated_at",
          {ws, account_id, t.id, t.name, t.language, t.category, t.status,
           t.quality.empty() ? std::string("UNKNOWN") : t.quality, fmt,
           boost::json::serialize(t.components), t.rejected_reason, now}));
      ++result.synced;
    }
    KIRIM_ASSIGN_OR_RETURN(
        auto stored,
        c.query("SELECT id, name, language FROM templates WHERE account_id = $1", {account_id}));
    for (std::size_t i = 0; i < stored.size(); ++i) {
      if (!seen.contains({stored.text(i, "name"), stored.text(i, "language")})) {
        KIRIM_TRY(c.exec("DELETE FROM templates WHERE id = $1", {stored.integer(i, "id")}));
        ++result.removed;
      }
    }
    return {};
  }));
  return result;
}

Result<Template> Accounts::create_template(std::int64_t ws, std::int64_t account_id,
                                           const boost::json::object& body) {
  KIRIM_ASSIGN_OR_RETURN(auto account, get(ws, account_id));
  KIRIM_ASSIGN_OR_RETURN(auto def, template_from_json(body));
  KIRIM_ASSIGN_OR_RETURN(auto request, build_template_definition(def));
  KIRIM_ASSIGN_OR_RETURN(
      auto dup, db_.query("SELECT id FROM templates WHERE account_id = $1 AND name = $2 AND "
                          "language = $3",
                          {account_id, def.name, def.language}));
  if (!dup.empty()) {
    return Error{Errc::conflict,
                 "A template with this name and language exists.",
                 {{"name", "is already used in this language"}},
                 ""};
  }
  KIRIM_ASSIGN_OR_RETURN(auto creds, credentials(ws, account_id));
  auto made = api_.create_template(creds, account.waba_id, request);
  if (!made.ok()) return upstream(made.error);
  const auto now = clock_.now_ms();
  const std::string category =
      made.value->category.empty() ? str(request, "category") : made.value->category;
  const std::string status = made.value->status.empty() ? "PENDING" : made.value->status;
  const auto* comps = request.if_contains("components");
  KIRIM_ASSIGN_OR_RETURN(
      auto rows,
      db_.write_query(
          "INSERT INTO templates (workspace_id, account_id, meta_id, name, language, category, "
          "status, parameter_format, components, created_at, updated_at) VALUES ($1, $2, $3, $4, "
          "$5, $6, $7, $8, $9, $10, $10) ON CONFLICT (account_id, name, language) DO UPDATE SET "
          "meta_id = excluded.meta_id, status = excluded.status, updated_at = excluded.updated_at "
          "RETURNING id",
          {ws, account_id, made.value->id, def.name, def.language, category, status,
           std::string(def.parameter_format == ParameterFormat::named ? "named" : "positional"),
           comps ? boost::json::serialize(*comps) : std::string("[]"), now}));
  KIRIM_ASSIGN_OR_RETURN(auto all, templates(ws, TemplateQuery{account_id, "", "", "", ""}));
  for (auto& t : all) {
    if (t.id == rows.integer(0, "id")) return t;
  }
  return make_error(Errc::internal, "the new template vanished");
}

Result<void> Accounts::delete_template(std::int64_t ws, std::int64_t id) {
  KIRIM_ASSIGN_OR_RETURN(
      auto rows, db_.query("SELECT t.name, t.account_id, a.waba_id FROM templates t JOIN "
                           "wa_accounts a ON a.id = t.account_id WHERE t.workspace_id = $1 AND "
                           "t.id = $2",
                           {ws, id}));
  if (rows.empty()) return make_error(Errc::not_found, "There is no such template.");
  KIRIM_ASSIGN_OR_RETURN(auto creds, credentials(ws, rows.integer(0, "account_id")));
  auto r = api_.delete_template(creds, rows.text(0, "waba_id"), rows.text(0, "name"));
  // Already gone at Meta is fine: the local copy goes too.
  if (!r.ok() && r.error.http_status != 404 && r.error.code != 100) return upstream(r.error);
  KIRIM_TRY(
      db_.write_exec("DELETE FROM templates WHERE workspace_id = $1 AND account_id = $2 AND "
                     "name = $3",
                     {ws, rows.integer(0, "account_id"), rows.text(0, "name")}));
  return {};
}

Result<void> Accounts::reload_routes() {
  KIRIM_ASSIGN_OR_RETURN(
      auto nums,
      db_.query("SELECT p.id, p.pnid, p.account_id, p.workspace_id FROM phone_numbers p"));
  KIRIM_ASSIGN_OR_RETURN(
      auto accts,
      db_.query("SELECT id, workspace_id, waba_id, app_secret_enc, verify_token_enc FROM "
                "wa_accounts"));
  std::unordered_map<std::string, Route> by_pnid;
  std::unordered_map<std::string, std::vector<Route>> by_waba;
  std::unordered_map<std::int64_t, WebhookSecrets> secrets;
  for (std::size_t i = 0; i < nums.size(); ++i) {
    by_pnid[nums.text(i, "pnid")] = Route{nums.integer(i, "workspace_id"),
                                          nums.integer(i, "account_id"), nums.integer(i, "id")};
  }
  for (std::size_t i = 0; i < accts.size(); ++i) {
    const auto id = accts.integer(i, "id");
    const auto ws = accts.integer(i, "workspace_id");
    by_waba[accts.text(i, "waba_id")].push_back(Route{ws, id, 0});
    secrets[id] = WebhookSecrets{ws, open(accts.text(i, "app_secret_enc")),
                                 open(accts.text(i, "verify_token_enc"))};
  }
  std::lock_guard lock(mu_);
  by_pnid_ = std::move(by_pnid);
  by_waba_ = std::move(by_waba);
  secrets_ = std::move(secrets);
  routes_loaded_ = true;
  return {};
}

std::optional<Route> Accounts::route_phone_number(const std::string& pnid) {
  {
    std::lock_guard lock(mu_);
    if (routes_loaded_) {
      auto it = by_pnid_.find(pnid);
      if (it == by_pnid_.end()) return std::nullopt;
      return it->second;
    }
  }
  if (!reload_routes().ok()) return std::nullopt;
  return route_phone_number(pnid);
}

std::vector<Route> Accounts::route_waba(const std::string& waba_id) {
  {
    std::lock_guard lock(mu_);
    if (routes_loaded_) {
      auto it = by_waba_.find(waba_id);
      return it == by_waba_.end() ? std::vector<Route>{} : it->second;
    }
  }
  if (!reload_routes().ok()) return {};
  return route_waba(waba_id);
}

std::optional<Accounts::WebhookSecrets> Accounts::webhook_secrets(std::int64_t account_id) {
  {
    std::lock_guard lock(mu_);
    if (routes_loaded_) {
      auto it = secrets_.find(account_id);
      if (it == secrets_.end()) return std::nullopt;
      return it->second;
    }
  }
  if (!reload_routes().ok()) return std::nullopt;
  return webhook_secrets(account_id);
}

Result<TemplateDefinition> template_from_json(const boost::json::object& body) {
  TemplateDefinition t;
  std::map<std::string, std::string> problems;
  t.name = str(body, "name");
  t.language = str(body, "language");
  const auto category = upper(str(body, "category"));
  if (category == "MARKETING") {
    t.category = TemplateCategory::marketing;
  } else if (category == "UTILITY") {
    t.category = TemplateCategory::utility;
  } else if (category == "AUTHENTICATION") {
    t.category = TemplateCategory::authentication;
  } else {
    problems["category"] = "must be MARKETING, UTILITY or AUTHENTICATION";
  }
  const auto fmt = str(body, "parameter_format");
  if (fmt.empty() || fmt == "positional" || fmt == "POSITIONAL") {
    t.parameter_format = ParameterFormat::positional;
  } else if (fmt == "named" || fmt == "NAMED") {
    t.parameter_format = ParameterFormat::named;
  } else {
    problems["parameter_format"] = "must be positional or named";
  }
  const auto* comps = body.if_contains("components");
  if (comps == nullptr || !comps->is_array()) {
    problems["components"] = "must be an array of components";
  } else {
    for (const auto& cv : comps->as_array()) {
      const auto* c = cv.if_object();
      if (c == nullptr) {
        problems["components"] = "each component must be an object";
        continue;
      }
      const auto type = upper(str(*c, "type"));
      const auto* example = c->if_contains("example");
      const auto* ex = example ? example->if_object() : nullptr;
      if (type == "HEADER") {
        TemplateHeader h;
        const auto format = upper(str(*c, "format"));
        static const std::map<std::string, HeaderFormat> formats = {
            {"TEXT", HeaderFormat::text},
            {"IMAGE", HeaderFormat::image},
            {"VIDEO", HeaderFormat::video},
            {"DOCUMENT", HeaderFormat::document},
            {"LOCATION", HeaderFormat::location}};
        auto f = formats.find(format.empty() ? "TEXT" : format);
        if (f == formats.end()) {
          problems["components.header.format"] = "must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION";
          continue;
        }
        h.format = f->second;
        h.text = str(*c, "text");
        if (ex) {
          if (const auto* ht = ex->if_contains("header_text");
              ht && ht->is_array() && !ht->as_array().empty() && ht->as_array()[0].is_string()) {
            h.example = std::string(ht->as_array()[0].as_string());
          }
          h.named_examples = named_examples(ex->if_contains("header_text_named_params"));
          if (const auto* hh = ex->if_contains("header_handle");
              hh && hh->is_array() && !hh->as_array().empty() && hh->as_array()[0].is_string()) {
            h.media_handle = std::string(hh->as_array()[0].as_string());
          }
        }
        t.header = std::move(h);
      } else if (type == "BODY") {
        t.body = str(*c, "text");
        if (ex) {
          if (const auto* bt = ex->if_contains("body_text"); bt && bt->is_array()) {
            const auto& outer = bt->as_array();
            const auto* row = !outer.empty() ? outer[0].if_array() : nullptr;
            if (row) {
              for (const auto& v : *row) {
                if (v.is_string()) t.body_examples.emplace_back(v.as_string());
              }
            }
          }
          t.body_named_examples = named_examples(ex->if_contains("body_text_named_params"));
        }
      } else if (type == "FOOTER") {
        t.footer = str(*c, "text");
      } else if (type == "BUTTONS") {
        const auto* buttons = c->if_contains("buttons");
        if (buttons == nullptr || !buttons->is_array()) {
          problems["components.buttons"] = "must be an array";
          continue;
        }
        for (const auto& bv : buttons->as_array()) {
          const auto* b = bv.if_object();
          if (b == nullptr) continue;
          TemplateButton btn;
          const auto bt = upper(str(*b, "type"));
          if (bt == "QUICK_REPLY") {
            btn.type = TemplateButton::Type::quick_reply;
          } else if (bt == "URL") {
            btn.type = TemplateButton::Type::url;
          } else if (bt == "PHONE_NUMBER") {
            btn.type = TemplateButton::Type::phone_number;
          } else if (bt == "COPY_CODE") {
            btn.type = TemplateButton::Type::copy_code;
          } else {
            problems["components.buttons"] =
                "each button's type must be QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE";
            continue;
          }
          btn.text = str(*b, "text");
          btn.url = str(*b, "url");
          btn.phone_number = str(*b, "phone_number");
          if (const auto* e = b->if_contains("example")) {
            if (e->is_string()) {
              btn.example = std::string(e->as_string());
            } else if (e->is_array() && !e->as_array().empty() && e->as_array()[0].is_string()) {
              btn.example = std::string(e->as_array()[0].as_string());
            }
          }
          t.buttons.push_back(std::move(btn));
        }
      } else {
        problems["components"] = "has an unknown component type: " + type;
      }
    }
  }
  if (!problems.empty()) return json::validation_error(std::move(problems));
  return t;
}

boost::json::object account_json(const Account& a) {
  auto time_or_null = [](std::int64_t ms) {
    return ms > 0 ? boost::json::value(iso8601_utc(ms)) : boost::json::value(nullptr);
  };
  boost::json::array numbers;
  for (const auto& p : a.phone_numbers) {
    numbers.push_back({{"id", p.id},
                       {"pnid", p.pnid},
                       {"display_number", p.display_number},
                       {"verified_name", p.verified_name},
                       {"quality_rating", p.quality_rating},
                       {"messaging_tier", p.messaging_tier},
                       {"throughput_mps", p.throughput_mps},
                       {"status", p.status},
                       {"updated_at", iso8601_utc(p.updated_at)}});
  }
  return {{"id", a.id},
          {"name", a.name},
          {"waba_id", a.waba_id},
          {"graph_url",
           a.graph_url.empty() ? boost::json::value(nullptr) : boost::json::value(a.graph_url)},
          {"status", a.status},
          {"paused_reason", a.paused_reason.empty() ? boost::json::value(nullptr)
                                                    : boost::json::value(a.paused_reason)},
          {"has_access_token", a.has_access_token},
          {"has_app_secret", a.has_app_secret},
          {"has_verify_token", a.has_verify_token},
          {"webhook_path", "/webhooks/whatsapp/" + std::to_string(a.id)},
          {"phone_numbers", std::move(numbers)},
          {"refreshed_at", time_or_null(a.refreshed_at)},
          {"refresh_error", a.refresh_error.empty() ? boost::json::value(nullptr)
                                                    : boost::json::value(a.refresh_error)},
          {"created_at", iso8601_utc(a.created_at)}};
}

boost::json::object template_json(const Template& t) {
  boost::system::error_code ec;
  auto comps = boost::json::parse(t.components_json, ec);
  return {{"id", t.id},
          {"account_id", t.account_id},
          {"meta_id", t.meta_id},
          {"name", t.name},
          {"language", t.language},
          {"category", t.category},
          {"status", t.status},
          {"quality", t.quality},
          {"parameter_format", t.parameter_format},
          {"components", ec ? boost::json::value(boost::json::array{}) : comps},
          {"rejected_reason", t.rejected_reason.empty() ? boost::json::value(nullptr)
                                                        : boost::json::value(t.rejected_reason)},
          {"updated_at", iso8601_utc(t.updated_at)}};
}

}  // namespace kirim::whatsapp
