#include "argo/operation.h"

#include <utility>

#include "argo/application_fields.h"

namespace cellgate::argo {
namespace {

using internal::FieldError;
using internal::Fields;

Result<SyncOperation> ParseSyncOperation(const Json& j, const std::string& where) {
  Fields f(j, where);
  SyncOperation s;
  CG_ASSIGN(s.revision, f.String("revision"));
  CG_ASSIGN(s.revisions, f.StringList("revisions"));
  CG_ASSIGN(s.prune, f.Bool("prune"));
  CG_ASSIGN(s.dry_run, f.Bool("dryRun"));
  CG_ASSIGN(s.sync_options, f.StringList("syncOptions"));
  CG_ASSIGN_OR_RETURN(const Json* res, f.List("resources"));
  if (res != nullptr) {
    for (std::size_t i = 0; i < res->size(); ++i) {
      const std::string at = f.Item("resources", i);
      if (!(*res)[i].is_object()) return FieldError(at, "must be a map");
      Fields r((*res)[i], at);
      SyncOperationResource item;
      CG_ASSIGN(item.group, r.String("group"));
      CG_ASSIGN(item.kind, r.String("kind"));
      CG_ASSIGN(item.name, r.String("name"));
      CG_ASSIGN(item.ns, r.String("namespace"));
      s.resources.push_back(std::move(item));
    }
  }
  CG_ASSIGN_OR_RETURN(const Json* strategy, f.Object("syncStrategy"));
  if (strategy != nullptr) {
    Fields st(*strategy, f.Path("syncStrategy"));
    CG_ASSIGN_OR_RETURN(const Json* apply, st.Object("apply"));
    CG_ASSIGN_OR_RETURN(const Json* hook, st.Object("hook"));
    if (apply != nullptr) {
      s.strategy = SyncStrategyKind::kApply;
      CG_ASSIGN(s.force, Fields(*apply, st.Path("apply")).Bool("force"));
    } else if (hook != nullptr) {
      CG_ASSIGN(s.force, Fields(*hook, st.Path("hook")).Bool("force"));
    }
  }
  CG_ASSIGN_OR_RETURN(const Json* source, f.Object("source"));
  if (source != nullptr) s.source = *source;
  return s;
}

}  // namespace

Result<RetryStrategy> ParseRetryStrategy(const Json& j, const std::string& where) {
  Fields f(j, where);
  RetryStrategy r;
  CG_ASSIGN_OR_RETURN(std::optional<std::int64_t> limit, f.Int("limit"));
  r.limit = limit.value_or(0);
  CG_ASSIGN(r.refresh, f.Bool("refresh"));
  CG_ASSIGN_OR_RETURN(const Json* backoff, f.Object("backoff"));
  if (backoff != nullptr) {
    Fields b(*backoff, f.Path("backoff"));
    RetryBackoff rb;
    CG_ASSIGN(rb.duration, b.String("duration"));
    CG_ASSIGN(rb.max_duration, b.String("maxDuration"));
    CG_ASSIGN(rb.factor, b.Int("factor"));
    r.backoff = std::move(rb);
  }
  return r;
}

Result<Operation> ParseOperation(const Json& j, const std::string& where) {
  if (!j.is_object()) return FieldError(where, "must be a map, got " + internal::TypeName(j));
  Fields f(j, where);
  Operation op;
  op.raw = j;
  CG_ASSIGN_OR_RETURN(const Json* sync, f.Object("sync"));
  if (sync != nullptr) CG_ASSIGN(op.sync, ParseSyncOperation(*sync, f.Path("sync")));
  CG_ASSIGN_OR_RETURN(const Json* by, f.Object("initiatedBy"));
  if (by != nullptr) {
    Fields b(*by, f.Path("initiatedBy"));
    CG_ASSIGN(op.initiated_by.username, b.String("username"));
    CG_ASSIGN(op.initiated_by.automated, b.Bool("automated"));
  }
  CG_ASSIGN_OR_RETURN(const Json* retry, f.Object("retry"));
  if (retry != nullptr) CG_ASSIGN(op.retry, ParseRetryStrategy(*retry, f.Path("retry")));
  return op;
}

}  // namespace cellgate::argo
