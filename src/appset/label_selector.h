// Kubernetes label selectors (matchLabels + matchExpressions with In, NotIn, Exists,
// DoesNotExist) as ApplicationSets use them in two places:
//
// - the clusters generator's `selector`, matched against a cell's labels with Kubernetes'
//   own rules (keys are qualified names, values valid label values), and
// - every generator's `selector`, matched after generation against the string-valued
//   parameters, with Argo CD's relaxed rule that values are not validated (so a server URL
//   can be matched).
//
// An empty selector ({} or absent) matches everything. matchLabels and matchExpressions are
// ANDed. NotIn and DoesNotExist match when the key is absent.
//
// Thread-safety: values; pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::appset {

struct LabelRequirement {
  enum class Op { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kIn;
  std::vector<std::string> values;
};

class LabelSelector {
 public:
  // `json` is a metav1.LabelSelector object (or null). With validate_values, values must be
  // valid label values as the API server requires.
  static Result<LabelSelector> Parse(const Json& json, bool validate_values);

  bool empty() const { return requirements_.empty(); }
  bool Matches(const std::map<std::string, std::string>& labels) const;

 private:
  std::vector<LabelRequirement> requirements_;
};

}  // namespace cellgate::appset
