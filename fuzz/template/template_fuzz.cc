// The Go template parser and executor (template/template.h). Input: template text, then
// optionally a NUL byte and JSON parameters (fixed parameters otherwise, shaped like an
// ApplicationSet generator's). Parse and Execute must return a value or an error, never
// crash, leak or hang: small TemplateLimits bound each run, and a limit overrun is an error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/yaml.h"
#include "template/template.h"

namespace {

const cellgate::Json& DefaultParams() {
  static const cellgate::Json params = cellgate::Json::parse(R"({
    "name": "web", "cluster": {"name": "cell-1", "server": "https://10.0.0.1:6443"},
    "path": {"path": "apps/web", "basename": "web", "segments": ["apps", "web"]},
    "values": {"replicas": 3, "ratio": 0.5, "enabled": true, "none": null},
    "list": [1, "two", 3.5, [4], {"five": 5}]
  })");
  return params;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view text = input;
  cellgate::Json params = DefaultParams();
  if (auto nul = input.find('\0'); nul != std::string_view::npos) {
    text = input.substr(0, nul);
    auto parsed = cellgate::ParseJson(input.substr(nul + 1), "params.json", {.max_depth = 32});
    if (parsed) params = std::move(*parsed);
  }
  auto tmpl = cellgate::tmpl::Template::Parse(text);
  if (!tmpl) return 0;
  auto value = cellgate::tmpl::Value::FromJson(params);
  for (auto missing : {cellgate::tmpl::MissingKey::kDefault, cellgate::tmpl::MissingKey::kError}) {
    cellgate::tmpl::TemplateOptions options{
        .missing_key = missing,
        .limits = {.max_output_bytes = 64 << 10, .max_steps = 20'000, .max_depth = 32}};
    auto out = tmpl->Execute(value, options);
    if (out && out->size() > options.limits.max_output_bytes) __builtin_trap();
  }
  return 0;
}
