#include "sync/normalize.h"

namespace cellgate::sync {
namespace {

void EraseIfEmpty(Json& meta, const char* key) {
  auto it = meta.find(key);
  if (it != meta.end() && (it->is_null() || (it->is_object() && it->empty()))) meta.erase(it);
}

}  // namespace

bool IsSecret(const Json& obj) {
  return obj.is_object() && StringAt(obj, {"kind"}) == "Secret" &&
         SplitApiVersion(StringAt(obj, {"apiVersion"})).first.empty();
}

void FoldSecretStringData(Json& obj) {
  if (!IsSecret(obj)) return;
  auto it = obj.find("stringData");
  if (it == obj.end()) return;
  // Take stringData out first: inserting "data" may move the members of an ordered_json.
  Json string_data = std::move(*it);
  obj.erase("stringData");
  if (!string_data.is_object()) return;
  Json& data = obj["data"];
  if (!data.is_object()) data = Json::object();
  for (auto entry = string_data.begin(); entry != string_data.end(); ++entry) {
    // Non-string values are kept as they are, so the API server still rejects them.
    data[entry.key()] = entry->is_string() ? Json(Base64Encode(entry->get<std::string>())) : *entry;
  }
}

Json NormalizeForDiff(const Json& obj, const NormalizeOptions& options) {
  if (!obj.is_object()) return obj;
  Json out = obj;
  bool is_crd = StringAt(out, {"kind"}) == "CustomResourceDefinition" &&
                SplitApiVersion(StringAt(out, {"apiVersion"})).first == "apiextensions.k8s.io";
  if (options.ignore_status == IgnoreStatusField::kAll ||
      (options.ignore_status == IgnoreStatusField::kCrd && is_crd)) {
    out.erase("status");
  }
  auto meta = out.find("metadata");
  if (meta != out.end() && meta->is_object()) {
    for (const char* key :
         {"managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink",
          "deletionTimestamp", "deletionGracePeriodSeconds"}) {
      meta->erase(key);
    }
    auto annotations = meta->find("annotations");
    if (annotations != meta->end() && annotations->is_object()) {
      annotations->erase(std::string(kLastAppliedAnnotation));
    }
    EraseIfEmpty(*meta, "annotations");
    EraseIfEmpty(*meta, "labels");
  }
  FoldSecretStringData(out);
  return out;
}

}  // namespace cellgate::sync
