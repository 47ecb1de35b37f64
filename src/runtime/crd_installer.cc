#include "runtime/crd_installer.h"

#include <spdlog/spdlog.h>

#include <set>
#include <utility>

#include "core/digest.h"
#include "core/yaml.h"

namespace cellgate::runtime {
namespace {

const kube::GroupVersionKind kCrdKind{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

struct Manifest {
  Object crd;
  std::string digest;
  std::string file;
};

std::set<std::string> ServedVersions(const Object& crd) {
  std::set<std::string> out;
  auto spec = crd.body().find("spec");
  if (spec == crd.body().end() || !spec->is_object()) return out;
  auto versions = spec->find("versions");
  if (versions == spec->end() || !versions->is_array()) return out;
  for (const auto& v : *versions) {
    if (v.is_object() && v.value("served", false)) out.insert(StringAt(v, {"name"}));
  }
  return out;
}

Result<std::vector<Manifest>> ReadManifests(std::span<const EmbeddedFile> files) {
  std::vector<Manifest> out;
  for (const auto& f : files) {
    auto docs = ParseYamlDocuments(f.content, f.name);
    CG_TRY_WRAP(docs, "CRD manifests");
    const std::string digest = Sha256Hex(f.content);
    for (const auto& d : *docs) {
      if (d.value.is_null()) continue;
      auto crd = Object::FromJson(
          d.value, {.file = std::string(f.name), .document = d.index, .line = d.line});
      CG_TRY_WRAP(crd, "CRD manifests");
      if (crd->ApiVersion() != "apiextensions.k8s.io/v1" ||
          crd->Kind() != "CustomResourceDefinition") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "CRD manifests: " + crd->origin().ToString() + ": " + crd->ApiVersion() +
                             " " + crd->Kind() +
                             " is not an apiextensions.k8s.io/v1 CustomResourceDefinition");
      }
      if (crd->Label(kPartOfLabel) != "cellgate") {
        return MakeError(ErrorCode::kInvalidArgument, "CRD manifests: " + crd->origin().ToString() +
                                                          ": " + crd->Name() + " lacks the label " +
                                                          std::string(kPartOfLabel) + "=cellgate");
      }
      out.push_back({std::move(*crd), digest, std::string(f.name)});
    }
  }
  return out;
}

// What to do with one CRD; writes and waits through the arguments.
Result<CrdInstallResult> InstallOne(kube::Reader& reader, kube::Applier& applier,
                                    const CrdEstablishedWaiter& wait_established, const Manifest& m,
                                    const CrdInstallOptions& options) {
  CrdInstallResult result{.name = m.crd.Name()};
  auto live = reader.Get(kCrdKind, "", m.crd.Name());
  bool write = false;
  if (!live) {
    if (live.error().code() != ErrorCode::kNotFound) return std::unexpected(live.error());
    result.action = CrdAction::kCreated;
    write = true;
  } else if (live->Label(kPartOfLabel) == "cellgate") {
    write = live->Annotation(kCrdDigestAnnotation) != m.digest;
    result.action = write ? CrdAction::kUpdated : CrdAction::kUnchanged;
  } else {
    result.action = CrdAction::kForeign;
    result.owner = live->Label(kPartOfLabel);
    const std::set<std::string> have = ServedVersions(*live);
    for (const auto& v : ServedVersions(m.crd)) {
      if (!have.contains(v)) {
        return MakeError(
            ErrorCode::kFailedPrecondition,
            "exists, owned by " +
                (result.owner.empty() ? "someone else (no " + std::string(kPartOfLabel) + " label)"
                                      : result.owner) +
                ", and does not serve " + v + "; it is left alone");
      }
    }
  }
  if (write) {
    Object desired = m.crd;
    desired.SetAnnotation(kCrdDigestAnnotation, m.digest);
    auto applied = applier.Apply(desired, {.field_manager = options.field_manager});
    CG_TRY(applied);
  }
  CG_TRY(wait_established(m.crd.Name(), options.establish_timeout));
  return result;
}

}  // namespace

std::string_view CrdActionName(CrdAction action) {
  switch (action) {
    case CrdAction::kCreated:
      return "created";
    case CrdAction::kUpdated:
      return "updated";
    case CrdAction::kUnchanged:
      return "unchanged";
    case CrdAction::kForeign:
      return "foreign, left alone";
  }
  return "unchanged";
}

Result<std::vector<CrdInstallResult>> InstallCrds(kube::Reader& reader, kube::Applier& applier,
                                                  const CrdEstablishedWaiter& wait_established,
                                                  std::span<const EmbeddedFile> files,
                                                  const CrdInstallOptions& options) {
  auto manifests = ReadManifests(files);
  CG_TRY(manifests);
  std::vector<CrdInstallResult> results;
  std::string failures;
  ErrorCode code = ErrorCode::kUnknown;
  for (const auto& m : *manifests) {
    auto r = InstallOne(reader, applier, wait_established, m, options);
    if (!r) {
      failures += (failures.empty() ? "" : "; ") + m.crd.Name() + ": " + r.error().message();
      code = r.error().code();
      continue;
    }
    spdlog::info("CRD {}: {}", r->name, CrdActionName(r->action));
    results.push_back(std::move(*r));
  }
  if (!failures.empty()) return MakeError(code, "install CRDs: " + failures);
  return results;
}

Result<std::vector<CrdInstallResult>> InstallEmbeddedCrds(kube::ClusterClient& hub,
                                                          const CrdInstallOptions& options) {
  if (EmbeddedCrds().empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "install CRDs: this build embeds no CRDs (deploy/crds/ was empty)");
  }
  return InstallCrds(
      hub.reader(), hub.applier(),
      [&](std::string_view name, std::chrono::milliseconds timeout) {
        return hub.WaitForCRDEstablished(name, timeout);
      },
      EmbeddedCrds(), options);
}

}  // namespace cellgate::runtime
