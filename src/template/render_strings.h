// Rendering a whole JSON tree (an Application template, a generator spec) the way Argo CD's
// deeplyReplace does: every string value is rendered, and so is every object key (Argo CD
// templates map keys, e.g. an annotation name); numbers, booleans and null are copied.
// Strings without "{{" cannot change under either engine and are copied as they are.
//
// A rendering error names the JSON path of the string: "spec.source.path: 1:3: ...".
// When two keys render to the same text, the later one wins (as with Go maps).
//
// Thread-safety: pure function (the renderer must be safe to call as used).
#pragma once

#include <functional>
#include <string>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::tmpl {

using StringRenderer = std::function<Result<std::string>(const std::string&)>;

Result<Json> RenderJsonStrings(const Json& tree, const StringRenderer& render);

}  // namespace cellgate::tmpl
