// CSV imports and exports of contacts (docs/api.md "Imports and exports").
#include <charconv>
#include <fstream>
#include <iterator>

#include "api/routes.h"
#include "contacts/filter.h"
#include "contacts/imports.h"
#include "core/json.h"

namespace kirim::api {
namespace {

using accounts::Principal;
using accounts::Role;
using http::Request;
using http::Response;

boost::json::object render(const Dependencies& d, const contacts::Import& i, bool preview) {
  auto o = contacts::import_json(i, preview, d.clock->now_ms());
  o["max_chunk_bytes"] = static_cast<std::int64_t>(d.body_limit);
  return o;
}

Result<Response> list_imports(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto page, page_params(req));
  KIRIM_ASSIGN_OR_RETURN(auto items, d.imports->list(p.workspace_id, page.after, page.limit + 1));
  boost::json::array out;
  std::optional<std::int64_t> next;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i == static_cast<std::size_t>(page.limit)) {
      next = items[i - 1].id;
      break;
    }
    out.push_back(render(d, items[i], false));
  }
  return json_response(200, page_json(std::move(out), next));
}

Result<Response> create_import(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  auto filename = r.string("filename", true, 1, 255);
  auto size = r.integer("size_bytes", true, 1, contacts::kMaxImportBytes);
  KIRIM_TRY(r.finish());
  KIRIM_ASSIGN_OR_RETURN(auto i, d.imports->create(p.workspace_id, p.user_id, *filename, *size));
  return json_response(201, render(d, i, false));
}

Result<Response> upload_chunk(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  const auto offset_s = req.query_param("offset").value_or("");
  std::int64_t offset = -1;
  auto [ptr, ec] = std::from_chars(offset_s.data(), offset_s.data() + offset_s.size(), offset);
  if (ec != std::errc() || ptr != offset_s.data() + offset_s.size() || offset < 0) {
    return json::validation_error({{"offset", "must be the byte offset of this chunk"}});
  }
  KIRIM_ASSIGN_OR_RETURN(auto i, d.imports->append(p.workspace_id, id, offset, req.body));
  auto o = render(d, i, true);
  return json_response(200, o);
}

Result<Response> get_import(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto i, d.imports->get(p.workspace_id, id));
  return json_response(200, render(d, i, true));
}

Result<Response> start_import(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  contacts::ImportSettings s;
  std::vector<contacts::NewFieldMapping> new_fields;
  if (const auto* m = r.value("mapping", true)) {
    if (!m->is_array() || m->as_array().empty()) {
      r.fail("mapping", "must be an array of {column, target}");
    } else {
      for (const auto& e : m->as_array()) {
        const auto* o = e.if_object();
        const auto* col = o ? o->if_contains("column") : nullptr;
        const auto* target = o ? o->if_contains("target") : nullptr;
        if (!col || !col->is_int64() || !target || !target->is_string()) {
          r.fail("mapping", "each item must be {column: number, target: string}");
          break;
        }
        const int column = static_cast<int>(col->as_int64());
        const std::string t(target->as_string());
        if (t == "new_field") {
          const auto* f = o->if_contains("field");
          const auto* fo = f ? f->if_object() : nullptr;
          const auto* label = fo ? fo->if_contains("label") : nullptr;
          const auto* type = fo ? fo->if_contains("type") : nullptr;
          std::optional<contacts::FieldType> ft;
          if (type && type->is_string()) ft = contacts::parse_field_type(type->as_string());
          if (!label || !label->is_string() || label->as_string().empty() || !ft) {
            r.fail("mapping." + std::to_string(column),
                   "a new field needs {label, type: text|number|boolean|date|choice}");
            continue;
          }
          contacts::NewFieldMapping nf{column, std::string(label->as_string()), *ft, {}};
          if (const auto* ch = fo->if_contains("choices"); ch && ch->is_array()) {
            for (const auto& c : ch->as_array()) {
              if (c.is_string()) nf.choices.emplace_back(c.as_string());
            }
          }
          new_fields.push_back(std::move(nf));
        } else {
          s.mapping.push_back({column, t});
        }
      }
    }
  }
  if (auto dd = r.one_of("dedupe", false, {"update", "skip"})) {
    s.dedupe = *dd == "skip" ? contacts::Dedupe::skip : contacts::Dedupe::update;
  }
  if (auto t = r.string_array("tags", false, 20, 1, contacts::kMaxTagLength)) s.tags = *t;
  if (auto c = r.one_of("consent", false, {"opted_in", "opted_out", "unknown"})) {
    s.consent = *contacts::parse_consent(*c);
  }
  if (auto h = r.boolean("has_header", false)) s.has_header = *h;
  KIRIM_TRY(r.finish());
  if (!body.contains("has_header")) {
    // Follow what the preview guessed.
    KIRIM_ASSIGN_OR_RETURN(auto cur, d.imports->get(p.workspace_id, id));
    s.has_header = cur.preview_json.find("\"has_header\":false") == std::string::npos;
  }
  KIRIM_ASSIGN_OR_RETURN(auto i, d.imports->start_import(p.workspace_id, id, s, new_fields));
  return json_response(202, render(d, i, false));
}

Result<Response> cancel_import(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto i, d.imports->cancel(p.workspace_id, id));
  return json_response(200, render(d, i, false));
}

Result<Response> import_errors(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto csv, d.imports->errors_csv(p.workspace_id, id));
  auto res = Response::text(200, std::move(csv), "text/csv; charset=utf-8");
  res.set_header("Content-Disposition",
                 "attachment; filename=\"import-" + std::to_string(id) + "-errors.csv\"");
  res.set_header("Cache-Control", "no-store");
  return res;
}

Result<Response> create_export(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto body, json_body(req));
  json::ObjectReader r(body);
  boost::json::object filter;
  if (const auto* f = r.value("filter", false)) {
    if (!f->is_object()) {
      r.fail("filter", "must be an object of filters");
    } else {
      filter = f->as_object();
    }
  }
  auto sort = r.string("sort", false, 0, 32);
  KIRIM_TRY(r.finish());
  if (sort) KIRIM_TRY(contacts::parse_sort(*sort));
  KIRIM_ASSIGN_OR_RETURN(
      auto e, d.imports->create_export(p.workspace_id, p.user_id, filter, sort.value_or("")));
  return json_response(202, contacts::export_json(e));
}

Result<Response> get_export(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto e, d.imports->get_export(p.workspace_id, id));
  return json_response(200, contacts::export_json(e));
}

Result<Response> download_export(const Dependencies& d, Request& req, const Principal& p) {
  KIRIM_ASSIGN_OR_RETURN(auto id, id_param(req, "id"));
  KIRIM_ASSIGN_OR_RETURN(auto path, d.imports->export_path(p.workspace_id, id));
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "The export's file is gone.");
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto res = Response::text(200, std::move(body), "text/csv; charset=utf-8");
  res.set_header("Content-Disposition",
                 "attachment; filename=\"contacts-" + std::to_string(id) + ".csv\"");
  res.set_header("Cache-Control", "no-store");
  return res;
}

constexpr AuthedRoute kRoutes[] = {
    {"GET", "/api/v1/imports", Role::viewer, list_imports},
    {"POST", "/api/v1/imports", Role::editor, create_import},
    {"GET", "/api/v1/imports/{id}", Role::viewer, get_import},
    {"PUT", "/api/v1/imports/{id}/data", Role::editor, upload_chunk},
    {"POST", "/api/v1/imports/{id}/start", Role::editor, start_import},
    {"POST", "/api/v1/imports/{id}/cancel", Role::editor, cancel_import},
    {"GET", "/api/v1/imports/{id}/errors.csv", Role::viewer, import_errors},
    {"POST", "/api/v1/exports", Role::editor, create_export},
    {"GET", "/api/v1/exports/{id}", Role::viewer, get_export},
    {"GET", "/api/v1/exports/{id}/download", Role::viewer, download_export},
};

}  // namespace

void register_import_routes(http::Router& router, const Dependencies& deps) {
  add_authed_routes(router, deps, kRoutes);
}

}  // namespace kirim::api
