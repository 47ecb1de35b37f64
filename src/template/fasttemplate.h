// Argo CD's template rendering for ApplicationSets without goTemplate (valyala/fasttemplate
// driven by applicationset/utils Render.Replace):
//
// - A string is only rendered when one of its lines holds "{{" followed later by "}}"
//   (Argo CD's `.*{{.*}}.*` pre-check); other strings are returned unchanged.
// - Every "{{tag}}" is replaced by the parameter named TrimSpace(tag) when that parameter
//   exists and is a string; otherwise the text is left as it was, braces and spaces
//   included ("{{ unknown }}" stays "{{ unknown }}").
// - A "{{" with no "}}" after it is an error (fasttemplate refuses the template).
//
// Parameters are the flat map the generators produce ("path.basename", "metadata.labels.x",
// "values.y"); nested objects are not looked into.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::tmpl {

Result<std::string> RenderFastTemplate(std::string_view text, const Json& params);

}  // namespace cellgate::tmpl
