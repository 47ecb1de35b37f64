// Internal to sync/health*.cc: typed reads of status fields and the per-kind rules.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/object.h"
#include "sync/health.h"

namespace cellgate::sync::health_internal {

using FieldPath = std::initializer_list<std::string_view>;

// Reads fields of one object. Absent fields read as the default; a field of the wrong type
// also reads as the default but is remembered, and AssessHealth then reports Unknown with
// "<field>: expected <type>" instead of the rule's answer (gitops-engine fails the typed
// conversion in the same situation).
class Fields {
 public:
  explicit Fields(const Json& body) : body_(body) {}

  const Json* At(FieldPath path) const;  // nullptr when absent
  std::int64_t Int(FieldPath path, std::int64_t fallback = 0);
  std::optional<std::int64_t> OptionalInt(FieldPath path);
  std::string String(FieldPath path);
  bool Bool(FieldPath path, bool fallback = false);
  // The array at path; nullptr when absent or (recorded) not an array.
  const Json* Array(FieldPath path);
  // The first element of the array at path (default status.conditions) with type == `type`.
  const Json* Condition(std::string_view type, FieldPath path = {"status", "conditions"});

  // Field reads on a sub-object (a condition, a container status).
  std::string StringIn(const Json& obj, std::string_view key);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void Fail(FieldPath path, std::string_view expected);
  void Fail(std::string_view field, std::string_view expected);

  const Json& body_;
  std::string error_;
};

// Each rule reads `f` (bound to obj.body()); obj is there for names in messages.
Health DeploymentHealth(const Object& obj, Fields& f);
Health StatefulSetHealth(const Object& obj, Fields& f);
Health DaemonSetHealth(const Object& obj, Fields& f);
Health ReplicaSetHealth(const Object& obj, Fields& f);
Health PodHealth(const Object& obj, Fields& f);
Health ServiceHealth(const Object& obj, Fields& f);
Health IngressHealth(const Object& obj, Fields& f);
Health PersistentVolumeClaimHealth(const Object& obj, Fields& f);
Health JobHealth(const Object& obj, Fields& f);
Health CronJobHealth(const Object& obj, Fields& f);
Health HorizontalPodAutoscalerHealth(const Object& obj, Fields& f);
Health APIServiceHealth(const Object& obj, Fields& f);
Health CustomResourceDefinitionHealth(const Object& obj, Fields& f);
Health ApplicationHealth(const Object& obj, Fields& f);
// The cellgate extension; nullopt when the object has no Ready/Available condition.
std::optional<Health> ConditionsHealth(const Object& obj, Fields& f);

}  // namespace cellgate::sync::health_internal
