// What `cellgate diff`, `sync` and `status` share: the flags that name the Applications and
// the cell, the connection to the cell, and each Application rendered and ready for it.
//
// The cell is a kubeconfig context (--context, --kubeconfig; $KUBECONFIG and ~/.kube/config
// as kubectl reads them). Each Application's spec.destination server/name is ignored: the
// CLI always targets --context. Its destination namespace is kept, so objects without a
// namespace land where Argo CD would put them.
//
// The CLI has no record of what an Application deployed before (the fleet controller keeps
// that in the Application's status), so to find objects that must be pruned or reported as
// extraneous it lists every kind the cell serves, label-selected (live_state.h explains the
// cost). Commands pass all_kinds accordingly.
//
// Thread-safety: one invocation per thread.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/app_source.h"
#include "core/clock.h"
#include "engine/cell.h"
#include "kube/cluster_client.h"
#include "sync/app_spec.h"

namespace cellgate::cli {

struct CellAppFlags {
  std::string file;
  SourceFlags source;
  std::string kubeconfig;  // "" = $KUBECONFIG, else ~/.kube/config
  std::string context;     // required
};

// Adds -f/--file, --context, --kubeconfig, --revision, --repo and --work-dir to `cmd`.
void AddCellAppOptions(CLI::App* cmd, CellAppFlags& flags);

// One cell, reached through a kubeconfig context.
class CellTarget {
 public:
  static Result<std::unique_ptr<CellTarget>> Open(const CellAppFlags& flags);

  engine::CellAccess Access() {
    return engine::CellAccess{name_, client_->reader(), client_->applier(), kinds_, clock_};
  }
  kube::Watcher& watcher() { return client_->watcher(); }
  kube::ClusterClient& client() { return *client_; }
  const std::string& name() const { return name_; }

 private:
  CellTarget(std::string name, std::unique_ptr<kube::ClusterClient> client)
      : name_(std::move(name)), client_(std::move(client)), kinds_(*client_) {}

  std::string name_;
  std::unique_ptr<kube::ClusterClient> client_;
  engine::ClusterKindCatalog kinds_;
  SystemClock clock_;
};

// One Application of the file, rendered.
struct CellApp {
  LoadedApplication loaded;
  sync::AppSyncSpec spec;
  RenderedApp rendered;
};

// Reads the file and renders each Application. One Application's failure does not stop the
// others: its entry holds the error (already naming the Application). A file that cannot be
// read at all is the outer error.
Result<std::vector<Result<CellApp>>> LoadCellApps(const CellAppFlags& flags, std::ostream& notes);

// "30s", "5m", "1h30m", "500ms", or a plain number of seconds. kInvalidArgument otherwise.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace cellgate::cli
