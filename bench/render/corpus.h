// Generated manifests shaped like real ones (Deployments with probes, env and resources,
// Services, ConfigMaps with embedded files, and a CustomResourceDefinition of 100 KB+), for
// the parse and render benchmarks. Deterministic: the same arguments give the same text.
#pragma once

#include <cstddef>
#include <string>

namespace cellgate::bench {

std::string Deployment(const std::string& name, int variant);
std::string Service(const std::string& name);
std::string ConfigMap(const std::string& name, int variant);
// A CRD with `properties` schema properties; ~450 bytes each, so 250 gives ~110 KB.
std::string LargeCrd(const std::string& plural, int properties = 250);

// A multi-document YAML stream of about `bytes` bytes: one LargeCrd, then Deployments,
// Services and ConfigMaps in turn.
std::string Corpus(std::size_t bytes);

}  // namespace cellgate::bench
