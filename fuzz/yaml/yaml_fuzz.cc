// The YAML reader (core/yaml.h) on arbitrary bytes: it must return a value or an error,
// never crash, leak or run away, and whatever it accepts must survive a round trip through
// the emitter (ToYaml) with the same meaning. ParseJson runs on the same bytes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/yaml.h"

namespace {

// NaN is the one value that does not equal itself; it round-trips as ".nan".
bool HasNaN(const cellgate::Json& j) {
  if (j.is_number_float()) return std::isnan(j.get<double>());
  if (j.is_object() || j.is_array()) {
    for (const auto& v : j) {
      if (HasNaN(v)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Small limits keep each run fast; the limits themselves are what is under test.
  cellgate::YamlLimits limits{
      .max_bytes = 1 << 20, .max_nodes = 20'000, .max_expanded_bytes = 1 << 20, .max_depth = 64};
  (void)cellgate::ParseJson(text, "fuzz.json", limits);
  auto docs = cellgate::ParseYamlDocuments(text, "fuzz.yaml", limits);
  if (!docs) return 0;
  for (const auto& doc : *docs) {
    if (HasNaN(doc.value)) continue;
    std::string emitted = cellgate::ToYaml(doc.value);
    cellgate::YamlLimits loose{.max_nodes = 1'000'000, .max_expanded_bytes = 64u << 20};
    auto again = cellgate::ParseYamlDocuments(emitted, "emitted.yaml", loose);
    if (!again) {
      std::fprintf(stderr, "emitted YAML does not parse: %s\n---\n%s\n",
                   again.error().message().c_str(), emitted.c_str());
      std::abort();
    }
    cellgate::Json back = again->empty() ? cellgate::Json() : (*again)[0].value;
    if (back != doc.value) {
      std::fprintf(stderr, "round trip changed the value:\n%s\n->\n%s\nvia\n%s\n",
                   doc.value.dump().c_str(), back.dump().c_str(), emitted.c_str());
      std::abort();
    }
  }
  return 0;
}
