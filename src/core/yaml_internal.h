// Internal to core/yaml*.cc: scalar resolution shared by the parser and the emitter.
#pragma once

#include <string_view>

#include "core/object.h"

namespace cellgate::yaml_internal {

// The value a plain (unquoted, untagged) scalar denotes under YAML 1.1 / go-yaml v2 rules.
Json ResolvePlainScalar(std::string_view text);

}  // namespace cellgate::yaml_internal
