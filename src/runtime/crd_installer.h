// CrdInstaller: at start-up the controller makes sure the CRDs it serves (Application,
// ApplicationSet, AppProject; deploy/crds/*.yaml, embedded in the binary) exist on the hub and
// are Established before it watches them.
//
// The ownership rule (what is ours to write):
//  - A CRD is cellgate's when it carries the label app.kubernetes.io/part-of=cellgate, the
//    label every file in deploy/crds/ sets. Anything else with the same name is foreign:
//    Argo CD's own CRDs (part-of=argocd, when Argo CD is installed), or one applied by hand.
//  - Missing: created by server-side apply (field manager `field_manager`, the manifest plus
//    the annotation cellgate.io/crd-digest = SHA-256 of the embedded file).
//  - Ours with the same digest: left as is (no write at all, so restarts are free).
//  - Ours with another digest (a newer or older cellgate applied it): applied again, so the
//    CRD matches the running controller.
//  - Foreign: never written. It must serve every version our manifest serves (v1alpha1);
//    otherwise installation fails with a message naming the owner, since the controller
//    cannot use it.
// Every CRD, written or not, is then waited on until Established and served by discovery.
//
// RBAC: get, and create + patch (server-side apply) on customresourcedefinitions.
//
// Errors: an unreadable or non-CRD document is kInvalidArgument naming the file; failures of
// individual CRDs are collected, so one error lists every CRD that could not be installed.
//
// Thread-safety: pure apart from the calls through its arguments; not for concurrent use on
// one hub (it is run once at start-up, by the leader).
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kube/client.h"
#include "kube/cluster_client.h"
#include "runtime/embedded_files.h"

namespace cellgate::runtime {

inline constexpr std::string_view kPartOfLabel = "app.kubernetes.io/part-of";
inline constexpr std::string_view kCrdDigestAnnotation = "cellgate.io/crd-digest";

struct CrdInstallOptions {
  std::string field_manager = "cellgate-controller";
  std::chrono::milliseconds establish_timeout{std::chrono::seconds(60)};
};

enum class CrdAction {
  kCreated,    // was missing, applied
  kUpdated,    // ours, older or newer: applied
  kUnchanged,  // ours, same digest: no write
  kForeign,    // someone else's, compatible: no write
};

std::string_view CrdActionName(CrdAction action);  // "created", "updated", ...

struct CrdInstallResult {
  std::string name;  // "applications.argoproj.io"
  CrdAction action = CrdAction::kUnchanged;
  std::string owner;  // the foreign CRD's part-of label, or "" when it has none
};

// Waits until the CRD `name` is Established and served (kube::ClusterClient's
// WaitForCRDEstablished in production).
using CrdEstablishedWaiter =
    std::function<Status(std::string_view name, std::chrono::milliseconds timeout)>;

Result<std::vector<CrdInstallResult>> InstallCrds(kube::Reader& reader, kube::Applier& applier,
                                                  const CrdEstablishedWaiter& wait_established,
                                                  std::span<const EmbeddedFile> files,
                                                  const CrdInstallOptions& options = {});

// The production wiring: the hub's client and the embedded deploy/crds/.
Result<std::vector<CrdInstallResult>> InstallEmbeddedCrds(kube::ClusterClient& hub,
                                                          const CrdInstallOptions& options = {});

}  // namespace cellgate::runtime
