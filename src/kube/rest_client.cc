#include "kube/rest_client.h"

#include "core/redact.h"
#include "kube/api_error.h"

namespace cellgate::kube {
namespace {

std::string PropagationName(PropagationPolicy p) {
  switch (p) {
    case PropagationPolicy::kForeground:
      return "Foreground";
    case PropagationPolicy::kOrphan:
      return "Orphan";
    case PropagationPolicy::kBackground:
      break;
  }
  return "Background";
}

std::string ListContext(const GroupVersionKind& gvk, std::string_view ns) {
  std::string s = "list " + gvk.ToString();
  s += ns.empty() ? " (all namespaces)" : " in " + std::string(ns);
  return s;
}

}  // namespace

Object WithTypeMeta(Json item, const GroupVersionKind& gvk) {
  Json out = Json::object();
  out["apiVersion"] = gvk.ApiVersion();
  out["kind"] = gvk.kind;
  if (item.is_object()) {
    for (auto& [key, value] : item.items()) {
      if (key != "apiVersion" && key != "kind") out[key] = std::move(value);
    }
  }
  return Object(std::move(out));
}

std::string ObjectContext(std::string_view verb, const Object& object) {
  return std::string(verb) + " " + object.Key().ToString();
}

RestClient::RestClient(Transport& transport, RestMapper& mapper)
    : transport_(transport), mapper_(mapper) {}

std::string RestClient::NamespaceFor(const ResourceMapping& mapping, const Object& object) const {
  if (!mapping.namespaced) return {};
  std::string ns = object.Namespace();
  return ns.empty() ? transport_.config().default_namespace : ns;
}

Result<Object> RestClient::Get(const GroupVersionKind& gvk, std::string_view ns,
                               std::string_view name) {
  std::string context =
      "get " + gvk.ToString() + " " +
      (ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name));
  auto mapping = mapper_.Map(gvk);
  CG_TRY_WRAP(mapping, context);
  auto body = JsonResponse(
      transport_.Do({.verb = "get", .path = ResourcePath(*mapping, ns, name), .idempotent = true}),
      context);
  CG_TRY(body);
  return WithContext(Object::FromJson(std::move(*body)), context);
}

Result<ObjectList> RestClient::ListPage(const ResourceMapping& mapping, std::string_view ns,
                                        const ListOptions& options, std::string_view continue_token,
                                        std::int64_t limit, const std::string& context) {
  std::string path =
      ResourcePath(mapping, ns) + QueryString({{"labelSelector", options.label_selector},
                                               {"fieldSelector", options.field_selector},
                                               {"limit", limit > 0 ? std::to_string(limit) : ""},
                                               {"continue", std::string(continue_token)}});
  auto body =
      JsonResponse(transport_.Do({.verb = "list", .path = path, .idempotent = true}), context);
  CG_TRY(body);
  ObjectList list;
  list.resource_version = StringAt(*body, {"metadata", "resourceVersion"});
  list.continue_token = StringAt(*body, {"metadata", "continue"});
  if (auto items = body->find("items"); items != body->end() && items->is_array()) {
    list.items.reserve(items->size());
    for (auto& item : *items) list.items.push_back(WithTypeMeta(std::move(item), mapping.gvk));
  }
  return list;
}

Result<ObjectList> RestClient::List(const GroupVersionKind& gvk, std::string_view ns,
                                    const ListOptions& options) {
  std::string context = ListContext(gvk, ns);
  auto mapping = mapper_.Map(gvk);
  CG_TRY_WRAP(mapping, context);
  auto first = ListPage(*mapping, ns, options, options.continue_token, options.limit, context);
  if (!first || !options.all_pages) return first;
  ObjectList all = std::move(*first);
  while (!all.continue_token.empty()) {
    auto page = ListPage(*mapping, ns, options, all.continue_token, options.limit, context);
    if (!page && page.error().code() == ErrorCode::kFailedPrecondition) {
      // The continue token expired (410): fall back to one unpaged list, as client-go does.
      return ListPage(*mapping, ns, options, "", 0, context);
    }
    if (!page) return page;
    for (auto& item : page->items) all.items.push_back(std::move(item));
    all.resource_version = std::move(page->resource_version);
    all.continue_token = std::move(page->continue_token);
  }
  return all;
}

Result<Object> RestClient::Write(const HttpRequest& request, const std::string& context,
                                 const Object& sent) {
  // An API server may quote what it was sent (a 422 on a Secret names the invalid value): a
  // refused Secret's values are masked in the response before its message is cut and quoted.
  Redactor known;
  if (sent.Kind() == "Secret") known.AddSecret(sent.body());
  auto response = transport_.Do(request);
  if (!known.empty() && response && (response->status < 200 || response->status > 299)) {
    response->body = known.Redact(response->body);
  }
  auto body = JsonResponse(response, context);
  if (!body && !known.empty()) {
    return MakeError(body.error().code(), known.Redact(body.error().message()));
  }
  CG_TRY(body);
  return WithContext(Object::FromJson(std::move(*body)), context);
}

Result<Object> RestClient::Apply(const Object& object, const ApplyOptions& options) {
  std::string context = ObjectContext(options.dry_run ? "dry-run apply" : "apply", object);
  auto mapping = mapper_.Map(GroupVersionKind::Of(object));
  CG_TRY_WRAP(mapping, context);
  Json body = object.body();
  EraseManagedFields(body);
  std::string path = ResourcePath(*mapping, NamespaceFor(*mapping, object), object.Name()) +
                     QueryString({{"fieldManager", options.field_manager},
                                  {"force", options.force ? "true" : ""},
                                  {"dryRun", options.dry_run ? "All" : ""}});
  return Write({.verb = "apply",
                .method = "PATCH",
                .path = std::move(path),
                .body = body.dump(),
                .content_type = "application/apply-patch+yaml",
                .idempotent = true},
               context, object);
}

Result<Object> RestClient::Create(const Object& object, const WriteOptions& options) {
  std::string context = ObjectContext(options.dry_run ? "dry-run create" : "create", object);
  auto mapping = mapper_.Map(GroupVersionKind::Of(object));
  CG_TRY_WRAP(mapping, context);
  std::string path = ResourcePath(*mapping, NamespaceFor(*mapping, object)) +
                     QueryString({{"fieldManager", options.field_manager},
                                  {"dryRun", options.dry_run ? "All" : ""}});
  return Write({.verb = "create",
                .method = "POST",
                .path = std::move(path),
                .body = object.body().dump(),
                .content_type = "application/json",
                .idempotent = options.dry_run},
               context, object);
}

Result<Object> RestClient::Update(const Object& object, const WriteOptions& options) {
  std::string context = ObjectContext(options.dry_run ? "dry-run update" : "update", object);
  auto mapping = mapper_.Map(GroupVersionKind::Of(object));
  CG_TRY_WRAP(mapping, context);
  std::string path = ResourcePath(*mapping, NamespaceFor(*mapping, object), object.Name()) +
                     QueryString({{"fieldManager", options.field_manager},
                                  {"dryRun", options.dry_run ? "All" : ""}});
  return Write({.verb = "update",
                .method = "PUT",
                .path = std::move(path),
                .body = object.body().dump(),
                .content_type = "application/json",
                .idempotent = options.dry_run},
               context, object);
}

Status RestClient::Delete(const Object& object, const DeleteOptions& options) {
  std::string context = ObjectContext(options.dry_run ? "dry-run delete" : "delete", object);
  auto mapping = mapper_.Map(GroupVersionKind::Of(object));
  CG_TRY_WRAP(mapping, context);
  Json body = {{"apiVersion", "v1"},
               {"kind", "DeleteOptions"},
               {"propagationPolicy", PropagationName(options.propagation)}};
  if (options.dry_run) body["dryRun"] = Json::array({"All"});
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (!options.precondition_uid.empty()) {
    body["preconditions"] = {{"uid", options.precondition_uid}};
  }
  auto response = JsonResponse(
      transport_.Do({.verb = "delete",
                     .method = "DELETE",
                     .path = ResourcePath(*mapping, NamespaceFor(*mapping, object), object.Name()),
                     .body = body.dump(),
                     .content_type = "application/json",
                     .idempotent = options.dry_run}),
      context);
  CG_TRY(response);
  return Ok();
}

}  // namespace cellgate::kube
