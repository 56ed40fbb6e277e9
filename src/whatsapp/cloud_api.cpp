#include "whatsapp/cloud_api.h"

#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/log.h"

namespace kirim::whatsapp {

namespace bj = boost::json;

namespace {

// --- Requests -------------------------------------------------------------------------------

std::string segment(std::string_view s) {
  return boost::urls::encode(s, boost::urls::pchars);
}
std::string query_value(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

// The base URL and a path joined by exactly one slash.
std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/')
    base.remove_suffix(1);
  while (!path.empty() && path.front() == '/')
    path.remove_prefix(1);
  std::string url(base);
  url += '/';
  url += path;
  return url;
}

HttpRequest graph_request(const Credentials& c, std::string method, std::string url) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers.emplace_back("Authorization", "Bearer " + c.access_token);
  return r;
}

HttpRequest json_request(const Credentials& c, std::string method, std::string url,
                         const bj::object& body) {
  HttpRequest r = graph_request(c, std::move(method), std::move(url));
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = bj::serialize(body);
  return r;
}

// --- Lenient reading of Graph's JSON ----------------------------------------------------------

std::optional<bj::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  bj::value v = bj::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

const bj::object* object_at(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}
const bj::array* array_at(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}
const bj::object* first_object(const bj::object& o, std::string_view key) {
  const auto* a = array_at(o, key);
  if (a == nullptr || a->empty()) return nullptr;
  return a->front().if_object();
}

// A string field; numbers are rendered (Graph sends some ids either way). Anything else: "".
std::string text_at(const bj::object* o, std::string_view key) {
  if (o == nullptr) return {};
  const auto* v = o->if_contains(key);
  if (v == nullptr) return {};
  if (const auto* s = v->if_string()) return std::string(*s);
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

std::optional<std::int64_t> integer_at(const bj::object* o, std::string_view key) {
  if (o == nullptr) return std::nullopt;
  const auto* v = o->if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  if (const auto* s = v->if_string()) {
    try {
      std::size_t used = 0;
      const std::string str(*s);
      const auto n = std::stoll(str, &used);
      if (used == str.size()) return n;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

bool success_of(const bj::object& o) {
  const auto* v = o.if_contains("success");
  return v != nullptr && v->is_bool() && v->get_bool();
}

bool is_2xx(const HttpResponse& r) {
  return r.transport == Transport::ok && r.status >= 200 && r.status < 300;
}

// A response that came back 2xx but without what the call promises. Meta answered, so whatever
// the request asked for may have happened.
GraphError unexpected(const HttpResponse& r, std::string message) {
  GraphError e;
  e.http_status = r.status;
  e.transport = r.transport;
  e.cls = ErrorClass::retry;
  e.message = std::move(message);
  e.fbtrace_id = r.header("x-fb-trace-id");
  e.outcome_unknown = true;
  return e;
}

template <typename T>
GraphResult<T> failure(GraphError e) {
  GraphResult<T> out;
  out.error = std::move(e);
  return out;
}

// Turns a response into a result: Graph's error for non-2xx, the parsed value for a 2xx whose
// body is an object that `parse` accepts (it returns nullopt and names what is missing otherwise).
template <typename T, typename Parse>
GraphResult<T> read_result(const HttpResponse& r, Parse parse) {
  if (!is_2xx(r)) return failure<T>(graph_error(r));
  const auto v = parse_json(r.body);
  const bj::object* o = v ? v->if_object() : nullptr;
  if (o == nullptr) return failure<T>(unexpected(r, "the response is not a JSON object"));
  std::string missing;
  std::optional<T> value = parse(*o, missing);
  if (!value) return failure<T>(unexpected(r, "the response lacks " + missing));
  GraphResult<T> out;
  out.value = std::move(value);
  return out;
}

GraphResult<bool> read_success(const HttpResponse& r) {
  return read_result<bool>(r, [](const bj::object& o, std::string& missing) -> std::optional<bool> {
    if (!success_of(o)) {
      missing = "\"success\": true";
      return std::nullopt;
    }
    return true;
  });
}

GraphResult<SendAccepted> read_send(const HttpResponse& r) {
  return read_result<SendAccepted>(
      r, [](const bj::object& o, std::string& missing) -> std::optional<SendAccepted> {
        const bj::object* message = first_object(o, "messages");
        SendAccepted s;
        s.wamid = text_at(message, "id");
        if (s.wamid.empty()) {
          missing = "messages[0].id";
          return std::nullopt;
        }
        s.message_status = text_at(message, "message_status");
        const bj::object* contact = first_object(o, "contacts");
        s.wa_id = text_at(contact, "wa_id");
        s.input = text_at(contact, "input");
        return s;
      });
}

int throughput_mps(const bj::object& o) {
  const bj::object* t = object_at(o, "throughput");
  const std::string level = t != nullptr ? text_at(t, "level") : text_at(&o, "throughput");
  return level == "HIGH" ? kHighThroughputMps : kStandardThroughputMps;
}

PhoneNumberInfo parse_phone_number(const bj::object& o) {
  PhoneNumberInfo p;
  p.id = text_at(&o, "id");
  p.display_phone_number = text_at(&o, "display_phone_number");
  p.verified_name = text_at(&o, "verified_name");
  p.quality_rating = text_at(&o, "quality_rating");
  p.status = text_at(&o, "status");
  // The portfolio's limit replaces the deprecated per-number tier; it comes as a string or as an
  // object holding one.
  const std::string limit_key = "whatsapp_business_manager_messaging_limit";
  p.messaging_limit_tier = text_at(&o, limit_key);
  if (const bj::object* limit = object_at(o, limit_key); p.messaging_limit_tier.empty() && limit) {
    for (const char* key : {"current_limit", "value", "tier", "limit"}) {
      p.messaging_limit_tier = text_at(limit, key);
      if (!p.messaging_limit_tier.empty()) break;
    }
  }
  if (p.messaging_limit_tier.empty()) p.messaging_limit_tier = text_at(&o, "messaging_limit_tier");
  p.throughput_mps = throughput_mps(o);
  return p;
}

TemplateInfo parse_template(const bj::object& o) {
  TemplateInfo t;
  t.id = text_at(&o, "id");
  t.name = text_at(&o, "name");
  t.language = text_at(&o, "language");
  t.status = text_at(&o, "status");
  t.category = text_at(&o, "category");
  t.parameter_format = text_at(&o, "parameter_format");
  t.rejected_reason = text_at(&o, "rejected_reason");
  if (const bj::object* q = object_at(o, "quality_score")) {
    t.quality = text_at(q, "score");
  } else {
    t.quality = text_at(&o, "quality_score");
  }
  if (const auto* c = o.if_contains("components")) t.components = *c;
  return t;
}

bool same_origin(std::string_view a, std::string_view b) {
  const auto ua = boost::urls::parse_uri(a);
  const auto ub = boost::urls::parse_uri(b);
  return ua && ub && ua->scheme() == ub->scheme() && ua->encoded_host() == ub->encoded_host() &&
         ua->port_number() == ub->port_number();
}

// Every page of a Graph edge: follows paging.next (when it stays on the account's Graph host),
// or else paging.cursors.after while pages come back full; at most kMaxListPages requests.
template <typename T, typename ParseItem>
GraphResult<std::vector<T>> list_all(HttpClient& http, const Credentials& c,
                                     const std::string& first_url, ParseItem parse_item) {
  std::vector<T> items;
  std::string url = first_url;
  std::string previous_after;
  for (int page = 0; page < kMaxListPages; ++page) {
    const HttpResponse r = http.fetch(graph_request(c, "GET", url));
    std::string next, after;
    std::size_t count = 0;
    auto read =
        read_result<bool>(r, [&](const bj::object& o, std::string& missing) -> std::optional<bool> {
          const bj::array* data = array_at(o, "data");
          if (data == nullptr) {
            missing = "data";
            return std::nullopt;
          }
          for (const auto& item : *data) {
            if (const auto* obj = item.if_object()) items.push_back(parse_item(*obj));
          }
          count = data->size();
          const bj::object* paging = object_at(o, "paging");
          next = text_at(paging, "next");
          after = text_at(paging != nullptr ? object_at(*paging, "cursors") : nullptr, "after");
          return true;
        });
    if (!read.ok()) return failure<std::vector<T>>(std::move(read.error));

    if (!next.empty() && same_origin(next, c.base_url)) {
      url = next;
    } else if (!after.empty() && after != previous_after &&
               (!next.empty() || count >= static_cast<std::size_t>(kListPageSize))) {
      // No usable next link: ask for the page after the cursor with the same query.
      const auto at = first_url.find('?');
      url = first_url + (at == std::string::npos ? "?" : "&") + "after=" + query_value(after);
    } else {
      GraphResult<std::vector<T>> out;
      out.value = std::move(items);
      return out;
    }
    previous_after = after;
  }
  log::warn("Graph listing stopped at the page cap", {{"url", first_url}});
  GraphError e;
  e.http_status = 200;
  e.cls = ErrorClass::fix_payload;
  e.message = "the listing has more than " + std::to_string(kMaxListPages) + " pages";
  return failure<std::vector<T>>(std::move(e));
}

constexpr const char* kPhoneNumberFields =
    "id,display_phone_number,verified_name,quality_rating,messaging_limit_tier,"
    "whatsapp_business_manager_messaging_limit,throughput,status";
constexpr const char* kTemplateFields =
    "id,name,language,status,category,components,quality_score,parameter_format,rejected_reason";

}  // namespace

// --- Errors
// ---------------------------------------------------------------------------------------

GraphError graph_error(const HttpResponse& r) {
  GraphError e;
  e.transport = r.transport;
  if (r.transport != Transport::ok) {
    e.http_status = 0;
    e.cls = classify_status(0);
    e.message = r.error.empty() ? "the request failed" : r.error;
    // Only a connection that never opened proves that Meta did not see the request.
    e.outcome_unknown = r.transport != Transport::connect_failed;
    return e;
  }
  e.http_status = r.status;
  e.fbtrace_id = r.header("x-fb-trace-id");
  bool has_code = false;
  bool transient = false;
  const auto v = parse_json(r.body);
  const bj::object* body = v ? v->if_object() : nullptr;
  const bj::object* err = body != nullptr ? object_at(*body, "error") : nullptr;
  if (err != nullptr) {
    if (const auto code = integer_at(err, "code")) {
      e.code = static_cast<int>(*code);
      has_code = true;
    }
    e.message = text_at(err, "message");
    e.title = text_at(object_at(*err, "error_data"), "details");
    if (e.title.empty()) e.title = text_at(err, "error_user_title");
    if (e.title.empty()) e.title = text_at(err, "error_user_msg");
    if (const auto id = text_at(err, "fbtrace_id"); !id.empty()) e.fbtrace_id = id;
    const auto* t = err->if_contains("is_transient");
    transient = t != nullptr && t->is_bool() && t->get_bool();
  } else if (body != nullptr && body->contains("error")) {
    e.message = text_at(body, "error");
  }
  e.cls = has_code ? classify_error(e.code, r.status) : classify_status(r.status);
  // Graph marks some unlisted errors as transient: those are worth another try.
  if (has_code && transient && !lookup_error(e.code)) e.cls = ErrorClass::retry;
  if (e.message.empty()) e.message = "HTTP " + std::to_string(r.status);
  return e;
}

// --- Messages
// -------------------------------------------------------------------------------------

namespace {

HttpRequest send_request(const Credentials& c, const std::string& pnid, bj::object body) {
  if (!body.contains("messaging_product")) body["messaging_product"] = "whatsapp";
  return json_request(c, "POST", join_url(c.base_url, segment(pnid) + "/messages"), body);
}

}  // namespace

void CloudApi::send_message(const Credentials& c, const std::string& pnid, bj::object body,
                            Done<SendAccepted> done) {
  http_.start(send_request(c, pnid, std::move(body)),
              [done = std::move(done)](HttpResponse r) { done(read_send(r)); });
}

GraphResult<SendAccepted> CloudApi::send_message(const Credentials& c, const std::string& pnid,
                                                 bj::object body) {
  return read_send(http_.fetch(send_request(c, pnid, std::move(body))));
}

GraphResult<bool> CloudApi::mark_read(const Credentials& c, const std::string& pnid,
                                      const std::string& wamid, bool typing) {
  bj::object body{{"messaging_product", "whatsapp"}, {"status", "read"}, {"message_id", wamid}};
  if (typing) body["typing_indicator"] = bj::object{{"type", "text"}};
  return read_success(http_.fetch(
      json_request(c, "POST", join_url(c.base_url, segment(pnid) + "/messages"), body)));
}

// --- Media
// ----------------------------------------------------------------------------------------

GraphResult<std::string> CloudApi::upload_media(const Credentials& c, const std::string& pnid,
                                                const std::string& mime_type,
                                                const std::string& filename, std::string bytes) {
  HttpRequest r = graph_request(c, "POST", join_url(c.base_url, segment(pnid) + "/media"));
  r.timeout = kMediaTimeout;
  r.multipart.push_back({"messaging_product", "whatsapp", {}, {}});
  r.multipart.push_back({"type", mime_type, {}, {}});
  r.multipart.push_back(
      {"file", std::move(bytes), filename.empty() ? "file" : filename, mime_type});
  return read_result<std::string>(
      http_.fetch(std::move(r)),
      [](const bj::object& o, std::string& missing) -> std::optional<std::string> {
        auto id = text_at(&o, "id");
        if (id.empty()) {
          missing = "id";
          return std::nullopt;
        }
        return id;
      });
}

GraphResult<MediaInfo> CloudApi::get_media(const Credentials& c, const std::string& media_id) {
  return read_result<MediaInfo>(
      http_.fetch(graph_request(c, "GET", join_url(c.base_url, segment(media_id)))),
      [](const bj::object& o, std::string& missing) -> std::optional<MediaInfo> {
        MediaInfo m;
        m.id = text_at(&o, "id");
        m.url = text_at(&o, "url");
        if (m.url.empty()) {
          missing = "url";
          return std::nullopt;
        }
        m.mime_type = text_at(&o, "mime_type");
        m.sha256 = text_at(&o, "sha256");
        m.file_size = integer_at(&o, "file_size").value_or(0);
        return m;
      });
}

GraphResult<std::string> CloudApi::download_media(const Credentials& c, const std::string& url) {
  HttpRequest r = graph_request(c, "GET", url);
  r.timeout = kMediaTimeout;
  HttpResponse response = http_.fetch(std::move(r));
  if (!is_2xx(response)) return failure<std::string>(graph_error(response));
  GraphResult<std::string> out;
  out.value = std::move(response.body);
  return out;
}

GraphResult<bool> CloudApi::delete_media(const Credentials& c, const std::string& media_id) {
  return read_success(
      http_.fetch(graph_request(c, "DELETE", join_url(c.base_url, segment(media_id)))));
}

// --- Phone numbers
// --------------------------------------------------------------------------------

GraphResult<std::vector<PhoneNumberInfo>> CloudApi::list_phone_numbers(const Credentials& c,
                                                                       const std::string& waba_id) {
  const std::string url = join_url(
      c.base_url, segment(waba_id) + "/phone_numbers?fields=" + std::string(kPhoneNumberFields));
  return list_all<PhoneNumberInfo>(http_, c, url, parse_phone_number);
}

GraphResult<PhoneNumberInfo> CloudApi::get_phone_number(const Credentials& c,
                                                        const std::string& pnid) {
  const std::string url =
      join_url(c.base_url, segment(pnid) + "?fields=" + std::string(kPhoneNumberFields));
  return read_result<PhoneNumberInfo>(
      http_.fetch(graph_request(c, "GET", url)),
      [](const bj::object& o, std::string& missing) -> std::optional<PhoneNumberInfo> {
        if (text_at(&o, "id").empty()) {
          missing = "id";
          return std::nullopt;
        }
        return parse_phone_number(o);
      });
}

// --- Templates
// ------------------------------------------------------------------------------------

GraphResult<std::vector<TemplateInfo>> CloudApi::list_templates(const Credentials& c,
                                                                const std::string& waba_id) {
  const std::string url = join_url(
      c.base_url, segment(waba_id) + "/message_templates?fields=" + std::string(kTemplateFields) +
                      "&limit=" + std::to_string(kListPageSize));
  return list_all<TemplateInfo>(http_, c, url, parse_template);
}

GraphResult<TemplateInfo> CloudApi::create_template(const Credentials& c,
                                                    const std::string& waba_id, bj::object body) {
  const auto url = join_url(c.base_url, segment(waba_id) + "/message_templates");
  const std::string name = text_at(&body, "name");
  const std::string language = text_at(&body, "language");
  const std::string format = text_at(&body, "parameter_format");
  return read_result<TemplateInfo>(
      http_.fetch(json_request(c, "POST", url, body)),
      [&](const bj::object& o, std::string& missing) -> std::optional<TemplateInfo> {
        TemplateInfo t = parse_template(o);
        if (t.id.empty()) {
          missing = "id";
          return std::nullopt;
        }
        if (t.name.empty()) t.name = name;
        if (t.language.empty()) t.language = language;
        if (t.parameter_format.empty()) t.parameter_format = format;
        if (t.components.is_null()) {
          if (const auto* comps = body.if_contains("components")) t.components = *comps;
        }
        return t;
      });
}

GraphResult<bool> CloudApi::delete_template(const Credentials& c, const std::string& waba_id,
                                            const std::string& name) {
  const auto url =
      join_url(c.base_url, segment(waba_id) + "/message_templates?name=" + query_value(name));
  return read_success(http_.fetch(graph_request(c, "DELETE", url)));
}

}  // namespace kirim::whatsapp
