#include "sync/key_order.h"

#include <algorithm>

namespace cellgate::sync {

void AlignKeyOrder(Json& value, const Json& reference) {
  if (value.is_object() && reference.is_object()) {
    Json ordered = Json::object();
    for (auto it = reference.begin(); it != reference.end(); ++it) {
      auto found = value.find(it.key());
      if (found == value.end()) continue;
      Json member = std::move(*found);
      AlignKeyOrder(member, *it);
      ordered[it.key()] = std::move(member);
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!reference.contains(it.key())) ordered[it.key()] = std::move(*it);
    }
    value = std::move(ordered);
    return;
  }
  if (value.is_array() && reference.is_array()) {
    std::size_t n = std::min(value.size(), reference.size());
    for (std::size_t i = 0; i < n; ++i) AlignKeyOrder(value[i], reference[i]);
  }
}

nlohmann::json Canonical(const Json& value) {
  // nlohmann::json stores objects in std::map, so converting sorts every level.
  return nlohmann::json::parse(value.dump());
}

}  // namespace cellgate::sync
