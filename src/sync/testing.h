// Test helpers for sync/: golden files under src/sync/testdata.
#pragma once

#include <string>
#include <vector>

#include "argo/application.h"
#include "core/object.h"
#include "sync/app_sync.h"

namespace cellgate::sync::testing {

// Absolute path of src/sync/testdata/<relative>.
std::string TestdataPath(const std::string& relative);

// Whole file; empty when it does not exist.
std::string ReadFile(const std::string& path);
bool FileExists(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);

// Case names in a testdata directory: file names ending in `suffix`, suffix removed, sorted.
std::vector<std::string> CaseNames(const std::string& dir, const std::string& suffix);

// Every non-empty YAML document of a file as an Object (test fails on parse errors).
std::vector<Object> LoadObjects(const std::string& path);
Object LoadObject(const std::string& path);

// An Application read as the engine reads it (argo::ParseApplication, then SyncSpecFor).
// The engine never reads the source, so a test Application may leave spec.source out: a
// placeholder fills it.
inline Result<AppSyncSpec> ParseAppSyncSpec(
    Json application,
    std::string_view control_plane_namespace = argo::kDefaultControlPlaneNamespace) {
  if (application.is_object() && application.contains("spec") && application["spec"].is_object() &&
      !application["spec"].contains("source") && !application["spec"].contains("sources")) {
    application["spec"]["source"] = {{"repoURL", "https://example.invalid/unused.git"}};
  }
  CG_ASSIGN_OR_RETURN(argo::Application app, argo::ParseApplication(application));
  return SyncSpecFor(app, control_plane_namespace);
}

// Golden comparison; with CELLGATE_UPDATE_GOLDEN=1 in the environment the file is rewritten.
void ExpectGolden(const std::string& path, const std::string& actual);

}  // namespace cellgate::sync::testing
