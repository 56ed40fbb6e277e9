// Contacts, custom fields, tags and consent (docs/api.md "Contacts").
#include <charconv>

#include <boost/json/parse.hpp>

#include "api/routes.h"
#include "contacts/contacts.h"
#include "contacts/filter.h"
#include "contacts/phone.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time_format.h"
#include "notify/outgoing.h"

namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using contacts::Contact;
using contacts::ContactInput;
using http::Request;
using http::Response;

constexpr std::int64_t kWindowMs = 24LL * 3600 * 1000;  // the customer-service window

boost::json::value time_or_null(std::int64_t ms) {
  return ms > 0 ? boost::json::value(iso8601_utc(ms)) : boost::json::value(nullptr);
}

// Tells the workspace's outgoing webhooks; the change stands whatever becomes of that.
void emit(const Dependencies& d, std::int64_t ws, std::string_view event,
          const boost::json::object& data) {
  if (d.outgoing == nullptr) return;
  if (auto r = d.outgoing->emit(ws, event, data); !r.ok()) {
    log::error("an outgoing webhook event could not be recorded",
               {{"event", std::string(event)}, {"error", r.error().message}});
  }
}

// contact.opted_out / contact.opted_in for a contact whose consent is now what it shows.
void emit_consent(const Dependencies& d, std::int64_t ws, const Contact& c) {
  if (c.consent == contacts::Consent::unknown) return;
  emit(d, ws, c.consent == contacts::Consent::opted_out ? "contact.opted_out" : "contact.opted_in",
       {{"contact_id", c.id},
        {"phone", c.phone},
        {"consent", contacts::consent_name(c.consent)},
        {"source", c.consent_source},
        {"changed_at", time_or_null(c.consent_at)}});
}

Result<ContactInput> read_input(const boost::json::object& body, bool creating) {
  json::ObjectReader r(body);
  ContactInput in;
  in.phone = r.string("phone", creating, 1, 64);
  in.name = r.string("name", false, 0, contacts::kMaxNameLength);
  in.language = r.string("language", false, 0, 16);
  in.country = r.string("country", false, 0, 2);
  in.timezone = r.string("timezone", false, 0, 64);
  if (auto c = r.one_of("consent", false, {"opted_in", "opted_out", "unknown"})) {
    in.consent = contacts::parse_consent(*c);
  }
  in.tags = r.string_array("tags", false, contacts::kMaxTagsPerContact, 1, contacts::kMaxTagLength);
  if (const auto* f = r.value("fields", false)) {
    if (!f->is_object()) {
      r.fail("fields", "must be an object of field keys and values");
    } else {
      for (const auto& [k, v] : f->as_object())
        in.fields.emplace(std::string(k), v);
    }
  }
  KIRIM_TRY(r.finish());
  return in;
}

Result<contacts::ListQuery> read_list_query(const Request& req) {
  contacts::ListQuery q;
  KIRIM_ASSIGN_OR_RETURN(q.filter, contacts::parse_filter(req.query));
  if (auto s = req.query_param("sort")) {
    KIRIM_ASSIGN_OR_RETURN(q.sort, contacts::parse_sort(*s));
  }
  if (auto l = req.query_param("limit")) {
    int n = 0;
    auto [p, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || p != l->data() + l->size() || n < 1 || n > contacts::kMaxPageSize) {
      return json::validation_error({{"limit", "must be a whole number from 1 to 500"}});
    }
    q.limit = n;
  }
  q.cursor = req.query_param("cursor").value_or("");
  q.count = req.query_param("count").value_or("") == "true";
  return q;
}

Result<Response> list_contacts(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto q, read_list_query(req));
  KIRIM_ASSIGN_OR_RETURN(auto page, d.contacts->list(p.workspace_id, q));
  boost::json::array items;
  for (const auto& c : page.items)
    items.push_back(contact_json(c));
  boost::json::object o{{"data", std::move(items)}};
  o["next_cursor"] =
      page.next_cursor.empty() ? boost::json::value(nullptr) : boost::json::value(page.next_cursor);
  if (page.total) o["total"] = *page.total;
  return json_response(200, o);
}

Result<Response> get_contact(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto c, d.contacts->get(p.workspace_id, id));
  return json_response(200, contact_json(c));
}

Result<Response> create_contact(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  KIRIM_ASSIGN_OR_RETURN(auto in, read_input(body, true));
  KIRIM_ASSIGN_OR_RETURN(auto c, d.contacts->create(p.workspace_id, in, "api"));
  emit(d, p.workspace_id, "contact.created", {{"contact", contact_json(c)}});
  if (in.consent) emit_consent(d, p.workspace_id, c);
  return json_response(201, contact_json(c));
}

Result<Response> update_contact(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  KIRIM_ASSIGN_OR_RETURN(auto in, read_input(body, false));
  std::optional<contacts::Consent> consent_before;
  if (d.outgoing != nullptr && in.consent) {
    if (auto before = d.contacts->get(p.workspace_id, id); before.ok()) {
      consent_before = before->consent;
    }
  }
  KIRIM_ASSIGN_OR_RETURN(auto c, d.contacts->update(p.workspace_id, id, in, "api"));
  emit(d, p.workspace_id, "contact.updated", {{"contact", contact_json(c)}});
  if (consent_before && *consent_before != c.consent) emit_consent(d, p.workspace_id, c);
  return json_response(200, contact_json(c));
}

Result<Response> delete_contact(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  std::optional<Contact> removed;
  if (d.outgoing != nullptr) {
    if (auto before = d.contacts->get(p.workspace_id, id); before.ok()) {
      removed = std::move(before).value();
    }
  }
  KIRIM_TRY(d.contacts->remove(p.workspace_id, id));
  if (removed) {
    emit(d, p.workspace_id, "contact.deleted",
         {{"contact_id", removed->id}, {"phone", removed->phone}});
  }
  return Response::no_content();
}

Result<Response> bulk_contacts(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto action = r.one_of("action", true, {"tag", "untag", "delete", "opt_in", "opt_out"});
  auto tags = r.string_array("tags", false, 20, 1, contacts::kMaxTagLength);
  contacts::Filter filter;
  bool selected = false;
  if (const auto* ids = r.value("ids", false)) {
    selected = true;
    if (!ids->is_array() || ids->as_array().empty() ||
        ids->as_array().size() > contacts::kMaxBulkIds) {
      r.fail("ids", "must be an array of 1 to 10000 contact ids");
    } else {
      for (const auto& v : ids->as_array()) {
        if (!v.is_int64() || v.as_int64() <= 0) {
          r.fail("ids", "must be an array of contact ids");
          break;
        }
        filter.ids.push_back(v.as_int64());
      }
    }
  }
  if (const auto* f = r.value("filter", false)) {
    if (selected) {
      r.fail("filter", "give ids or a filter, not both");
    } else if (!f->is_object()) {
      r.fail("filter", "must be an object of filters");
    } else {
      selected = true;
      auto parsed = contacts::parse_filter(f->as_object());
      if (!parsed.ok()) {
        for (const auto& [k, v] : parsed.error().details)
          r.fail(k, v);
      } else {
        filter = std::move(parsed).value();
      }
    }
  }
  if (!selected) r.fail("ids", "give ids or a filter to choose the contacts");
  KIRIM_TRY(r.finish());
  static const std::map<std::string, contacts::BulkAction> actions = {
      {"tag", contacts::BulkAction::tag},
      {"untag", contacts::BulkAction::untag},
      {"delete", contacts::BulkAction::remove},
      {"opt_in", contacts::BulkAction::opt_in},
      {"opt_out", contacts::BulkAction::opt_out}};
  KIRIM_ASSIGN_OR_RETURN(
      auto n, d.contacts->bulk(p.workspace_id, actions.at(*action),
                               tags.value_or(std::vector<std::string>{}), filter, "api"));
  return json_response(200, boost::json::object{{"affected", n}});
}

Result<Response> contact_consent(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto events, d.contacts->consent_history(p.workspace_id, id));
  boost::json::array items;
  for (const auto& e : events) {
    items.push_back({{"state", contacts::consent_name(e.state)},
                     {"source", e.source},
                     {"created_at", iso8601_utc(e.created_at)}});
  }
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> contact_messages(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  KIRIM_ASSIGN_OR_RETURN(auto msgs,
                         d.contacts->messages(p.workspace_id, id, page.after, page.limit));
  boost::json::array items;
  for (const auto& m : msgs.items)
    items.push_back(message_json(m));
  return json_response(200, page_json(std::move(items), msgs.next_before));
}

boost::json::object field_json(const contacts::Field& f) {
  boost::json::array choices;
  for (const auto& c : f.choices)
    choices.emplace_back(c);
  return {{"id", f.id},
          {"key", f.key},
          {"label", f.label},
          {"type", contacts::field_type_name(f.type)},
          {"choices", std::move(choices)},
          {"created_at", iso8601_utc(f.created_at)}};
}

Result<Response> list_fields(const Dependencies& d, Request&, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto fields, d.contacts->fields(p.workspace_id));
  boost::json::array items;
  for (const auto& f : fields)
    items.push_back(field_json(f));
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> create_field(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto label = r.string("label", true, 1, 100);
  auto type = r.one_of("type", true, {"text", "number", "boolean", "date", "choice"});
  auto key = r.string("key", false, 0, 40);
  auto choices = r.string_array("choices", false, contacts::kMaxChoices, 1, 100);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto f,
                         d.contacts->create_field(p.workspace_id, key.value_or(""), *label,
                                                  *contacts::parse_field_type(*type),
                                                  choices.value_or(std::vector<std::string>{})));
  return json_response(201, field_json(f));
}

Result<Response> update_field(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto label = r.string("label", false, 1, 100);
  auto choices = r.string_array("choices", false, contacts::kMaxChoices, 1, 100);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto f, d.contacts->update_field(p.workspace_id, id, label, choices));
  return json_response(200, field_json(f));
}

Result<Response> delete_field(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(d.contacts->delete_field(p.workspace_id, id));
  return Response::no_content();
}

boost::json::object tag_json(const contacts::Tag& t) {
  return {{"id", t.id}, {"name", t.name}, {"contacts", t.contacts}};
}

Result<Response> list_tags(const Dependencies& d, Request&, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto tags, d.contacts->tags(p.workspace_id));
  boost::json::array items;
  for (const auto& t : tags)
    items.push_back(tag_json(t));
  return json_response(200, boost::json::object{{"data", std::move(items)}});
}

Result<Response> create_tag(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto name = r.string("name", true, 1, contacts::kMaxTagLength);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto t, d.contacts->create_tag(p.workspace_id, *name));
  return json_response(201, tag_json(t));
}

Result<Response> rename_tag(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto name = r.string("name", true, 1, contacts::kMaxTagLength);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto t, d.contacts->rename_tag(p.workspace_id, id, *name));
  return json_response(200, tag_json(t));
}

Result<Response> delete_tag(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_TRY(d.contacts->delete_tag(p.workspace_id, id));
  return Response::no_content();
}

constexpr AuthedRoute kRoutes[] = {
    {"GET", "/api/v1/contacts", Role::viewer, list_contacts},
    {"POST", "/api/v1/contacts", Role::editor, create_contact},
    {"POST", "/api/v1/contacts/bulk", Role::editor, bulk_contacts},
    {"GET", "/api/v1/contacts/{id}", Role::viewer, get_contact},
    {"PATCH", "/api/v1/contacts/{id}", Role::editor, update_contact},
    {"DELETE", "/api/v1/contacts/{id}", Role::editor, delete_contact},
    {"GET", "/api/v1/contacts/{id}/consent", Role::viewer, contact_consent},
    {"GET", "/api/v1/contacts/{id}/messages", Role::viewer, contact_messages},
    {"GET", "/api/v1/contact-fields", Role::viewer, list_fields},
    {"POST", "/api/v1/contact-fields", Role::admin, create_field},
    {"PATCH", "/api/v1/contact-fields/{id}", Role::admin, update_field},
    {"DELETE", "/api/v1/contact-fields/{id}", Role::admin, delete_field},
    {"GET", "/api/v1/tags", Role::viewer, list_tags},
    {"POST", "/api/v1/tags", Role::editor, create_tag},
    {"PATCH", "/api/v1/tags/{id}", Role::editor, rename_tag},
    {"DELETE", "/api/v1/tags/{id}", Role::editor, delete_tag},
};

}  // namespace

boost::json::object contact_json(const Contact& c) {
  boost::json::array tags;
  for (const auto& t : c.tags)
    tags.emplace_back(t);
  boost::json::object fields;
  for (const auto& [k, v] : c.fields)
    fields[k] = v;
  boost::json::object consent{
      {"state", contacts::consent_name(c.consent)},
      {"source", c.consent_source.empty() ? boost::json::value(nullptr)
                                          : boost::json::value(c.consent_source)},
      {"changed_at", time_or_null(c.consent_at)}};
  return {{"id", c.id},
          {"phone", c.phone},
          {"phone_display", contacts::format_international(c.phone)},
          {"name", c.name},
          {"language", c.language},
          {"country", c.country},
          {"timezone", c.timezone},
          {"tags", std::move(tags)},
          {"fields", std::move(fields)},
          {"consent", std::move(consent)},
          {"created_at", iso8601_utc(c.created_at)},
          {"updated_at", iso8601_utc(c.updated_at)},
          {"last_inbound_at", time_or_null(c.last_in_at)},
          {"last_outbound_at", time_or_null(c.last_out_at)},
          {"window_open_until", time_or_null(c.last_in_at > 0 ? c.last_in_at + kWindowMs : 0)}};
}

boost::json::object message_json(const contacts::Message& m) {
  boost::json::value content = boost::json::object{};
  boost::system::error_code ec;
  auto parsed = boost::json::parse(m.content_json, ec);
  if (!ec) content = std::move(parsed);
  boost::json::value error = nullptr;
  if (m.error_code != 0 || !m.error_title.empty()) {
    error = boost::json::object{{"code", m.error_code}, {"title", m.error_title}};
  }
  return {{"id", m.id},
          {"direction", m.direction},
          {"wamid", m.wamid},
          {"type", m.type},
          {"text", m.text},
          {"content", std::move(content)},
          {"status", m.status},
          {"error", std::move(error)},
          {"phone_number", m.phone_number},
          {"created_at", iso8601_utc(m.created_at)},
          {"sent_at", time_or_null(m.sent_at)},
          {"delivered_at", time_or_null(m.delivered_at)},
          {"read_at", time_or_null(m.read_at)},
          {"failed_at", time_or_null(m.failed_at)}};
}

void register_contact_routes(http::Router& router, const Dependencies& deps) {
  add_authed_routes(router, deps, kRoutes);
}

}  // namespace kirim::api
