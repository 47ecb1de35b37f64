// `cellgate cell add` and `cellgate cell list`: the cells (Argo CD cluster Secrets) of a hub.
//
//   cellgate cell add --context CTX [--name NAME] [--label k=v]... [--kubeconfig K]
//                     [--hub-kubeconfig H] [--hub-context C] [-n NS] [--server URL]
//   cellgate cell list [--kubeconfig K] [--context C] [-n NS] [-o table|json]
//                      [--probe-timeout D]
//
// NS is the controller namespace (controller_namespace.h: -n, $CELLGATE_NAMESPACE, the hub
// context's namespace, else cellgate).
//
// cell add writes the cluster Secret for kubeconfig context CTX (of K; default $KUBECONFIG,
// else ~/.kube/config) into namespace NS of the hub (context C of H; defaults: K and its
// current context), creating the namespace when missing. NAME defaults to CTX, as `argocd
// cluster add` names a cluster after its context; --server replaces the context's server URL
// (when the controller reaches the cell by another address). Unlike
// `argocd cluster add`, nothing is created in the cell: the Secret embeds the context's own
// credentials (argo/cluster_secret.h explains the consequences; a note says so). Running it
// again replaces the Secret (labels, credentials). A name another cell's Secret already uses
// is refused. Exit code 0 added or updated, 2 on an error.
//
// cell list reads the Secrets in NS as the controller does (CellRegistry: the implicit
// in-cluster cell, invalid Secrets listed with their error; a note on stderr when NS holds
// none, naming NS and where it came from), probes every cell's GET /version at once,
// each with its own connection and --probe-timeout (default 3s), and prints NAME, SERVER,
// STATE, VERSION, LABELS, MESSAGE (cells/cell_list.h) or JSON. An unreachable cell shows the
// probe's error, never credentials. Exit code 0 (whatever the cells' states), 2 when the hub
// cannot be read.
#include <memory>
#include <ostream>

#include "argo/cluster_secret.h"
#include "cells/cell_list.h"
#include "cells/cell_registry.h"
#include "cells/cell_secret.h"
#include "cli/app.h"
#include "cli/cell_add.h"
#include "cli/cell_apps.h"
#include "cli/hub.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "kube/kubeconfig.h"

namespace cellgate::cli {
namespace {

const kube::GroupVersionKind kSecretKind{"", "v1", "Secret"};
const kube::GroupVersionKind kNamespaceKind{"", "v1", "Namespace"};

struct CellAddFlags {
  std::string context;
  std::string name;
  std::vector<std::string> labels;
  std::string kubeconfig;
  HubFlags hub;  // --hub-kubeconfig, --hub-context, -n
  std::string server;
};

struct CellListFlags {
  HubFlags hub;
  std::string output = "table";
  std::string probe_timeout = "3s";
};

std::string ClusterSecretSelector() {
  return std::string(argo::kSecretTypeLabel) + "=" + std::string(argo::kSecretTypeCluster);
}

Status EnsureNamespace(kube::ClusterClient& hub, const std::string& ns) {
  auto got = hub.reader().Get(kNamespaceKind, "", ns);
  if (got) return Ok();
  if (got.error().code() != ErrorCode::kNotFound) {
    return std::unexpected(got.error().Wrap("read namespace " + ns));
  }
  Object namespace_object(
      Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  auto created = hub.applier().Create(namespace_object, {});
  if (!created && created.error().code() != ErrorCode::kAlreadyExists) {
    return std::unexpected(created.error().Wrap("create namespace " + ns));
  }
  return Ok();
}

int RunCellAdd(const CellAddFlags& flags, Streams io) {
  auto fail = [&](const Error& e) {
    io.err << "cellgate: " << e.message() << "\n";
    return 2;
  };
  auto labels = ParseLabelFlags(flags.labels);
  if (!labels) return fail(labels.error());
  kube::KubeconfigOptions cell_kubeconfig{.context = flags.context};
  if (!flags.kubeconfig.empty()) cell_kubeconfig.paths = {flags.kubeconfig};
  auto config = kube::LoadKubeconfig(cell_kubeconfig);
  if (!config) return fail(config.error().Wrap("cell context " + flags.context));
  if (!flags.server.empty()) config->server = flags.server;
  const std::string name = flags.name.empty() ? flags.context : flags.name;

  HubFlags hub_flags = flags.hub;
  if (hub_flags.kubeconfig.empty()) hub_flags.kubeconfig = flags.kubeconfig;
  auto hub = Hub::Open(hub_flags);
  if (!hub) return fail(hub.error());
  const std::string& ns = (*hub)->controller_namespace();
  auto secret = argo::MakeClusterSecret(*config, name, *labels, ns);
  if (!secret) return fail(secret.error());
  kube::ClusterClient& client = (*hub)->client();
  if (auto s = EnsureNamespace(client, ns); !s) {
    return fail(s.error().Wrap("hub " + (*hub)->config().Describe()));
  }
  auto existing =
      client.reader().List(kSecretKind, ns, {.label_selector = ClusterSecretSelector()});
  if (!existing) {
    return fail(existing.error().Wrap("hub " + (*hub)->config().Describe() +
                                      ": list cluster Secrets in " + (*hub)->DescribeNamespace()));
  }
  auto update = CheckCellNameFree(existing->items, *secret);
  if (!update) return fail(update.error());
  auto written = cells::WriteClusterSecret(client.applier(), *secret);
  if (!written) return fail(written.error());
  io.err << "note: the Secret embeds the credentials of context " << flags.context
         << "; whoever can read Secrets in namespace " << ns << " of the hub can act as "
         << "that identity (register a dedicated, least-privilege identity)\n";
  io.out << "Cell '" << name << "' " << (*update ? "updated" : "added") << ": Secret " << ns << "/"
         << secret->Name() << " (server " << cells::ParseCellSecret(*secret).info.server << ")\n";
  return 0;
}

// Waits until every usable cell of the registry has been probed once (or the deadline).
std::vector<cells::CellInfo> ProbedCells(cells::CellRegistry& registry,
                                         std::chrono::milliseconds deadline) {
  // Shared with the listener: a notification already running may outlive RemoveListener.
  struct Signal {
    core::Mutex mu;
    core::CondVar changed;
  };
  auto signal = std::make_shared<Signal>();
  int id = registry.AddListener([signal](const cells::CellChange&) {
    core::MutexLock lock(signal->mu);
    signal->changed.notify_all();
  });
  auto all_probed = [&] {
    for (const auto& c : registry.List()) {
      if (c.usable() && c.connection.state == cells::CellState::kUnknown) return false;
    }
    return true;
  };
  {
    core::MutexLock lock(signal->mu);
    signal->changed.wait_for(lock, deadline, all_probed);
  }
  registry.RemoveListener(id);
  return registry.List();
}

int RunCellList(const CellListFlags& flags, Streams io) {
  auto fail = [&](const Error& e) {
    io.err << "cellgate: " << e.message() << "\n";
    return 2;
  };
  if (flags.output != "table" && flags.output != "json") {
    return fail(Error(ErrorCode::kInvalidArgument,
                      "-o " + flags.output + ": unknown output format (table or json)"));
  }
  auto probe_timeout = ParseDuration(flags.probe_timeout);
  if (!probe_timeout) return fail(probe_timeout.error().Wrap("--probe-timeout"));
  auto hub = Hub::Open(flags.hub);
  if (!hub) return fail(hub.error());
  kube::ClusterClient& client = (*hub)->client();
  // One direct read first: a hub that is down or forbids the read is reported at once, not
  // after the registry's watch has retried in the background.
  const std::string& ns = (*hub)->controller_namespace();
  auto secrets = client.reader().List(
      kSecretKind, ns, {.label_selector = ClusterSecretSelector(), .limit = 1, .all_pages = false});
  if (!secrets) {
    return fail(secrets.error().Wrap("hub " + (*hub)->config().Describe() +
                                     ": list cluster Secrets in " + (*hub)->DescribeNamespace()));
  }
  if (secrets->items.empty()) {
    // Only the implicit in-cluster cell will show: say where no Secret was found.
    io.err << "note: no cluster Secrets (label " << ClusterSecretSelector() << ") in "
           << (*hub)->DescribeNamespace() << " of hub " << (*hub)->config().Describe()
           << "; pass -n or set $" << kNamespaceEnv << " if the controller runs elsewhere\n";
  }
  cells::KubeCellConnector connector({.probe_timeout = *probe_timeout});
  SystemClock clock;
  cells::CellRegistry registry(client.watcher(), (*hub)->config(), connector, clock, {.ns = ns});
  if (auto s = registry.Start(); !s) return fail(s.error());
  if (!registry.WaitForSync(std::chrono::seconds(10))) {
    registry.Stop();
    return fail(Error(ErrorCode::kDeadlineExceeded,
                      "hub " + (*hub)->config().Describe() + ": the cluster Secrets in " +
                          (*hub)->DescribeNamespace() + " could not be listed within 10s"));
  }
  auto cells = ProbedCells(registry, *probe_timeout + std::chrono::seconds(2));
  registry.Stop();
  if (flags.output == "json") {
    io.out << cells::CellListJson(cells).dump(2) << "\n";
  } else {
    io.out << cells::FormatCellList(cells, clock.WallNow());
  }
  return 0;
}

}  // namespace

void RegisterCellCommand(CLI::App& app, Streams io, RunState& state) {
  auto* cell = app.add_subcommand("cell", "Cells of the fleet: Argo CD cluster Secrets in the hub");
  cell->require_subcommand(1);

  auto add_flags = std::make_shared<CellAddFlags>();
  auto* add = cell->add_subcommand(
      "add", "Register a kubeconfig context as a cell (writes its cluster Secret into the hub)");
  add->add_option("--context", add_flags->context, "Kubeconfig context of the cell")->required();
  add->add_option("--name", add_flags->name, "Cell name (default: the context name)");
  add->add_option("--label", add_flags->labels,
                  "Label of the cell, k=v (repeatable): region, environment, wave...");
  add->add_option("--kubeconfig", add_flags->kubeconfig,
                  "Kubeconfig holding the cell's context (default $KUBECONFIG, else "
                  "~/.kube/config)");
  add->add_option("--hub-kubeconfig", add_flags->hub.kubeconfig,
                  "Kubeconfig of the hub (default: --kubeconfig)");
  add->add_option("--hub-context", add_flags->hub.context,
                  "Kubeconfig context of the hub (default: the current context)");
  AddControllerNamespaceOption(add, add_flags->hub.ns);
  add->add_option("--server", add_flags->server,
                  "API server URL to store instead of the context's (how the controller "
                  "reaches the cell)");
  add->callback([add_flags, io, &state] { state.exit_code = RunCellAdd(*add_flags, io); });

  auto list_flags = std::make_shared<CellListFlags>();
  auto* list = cell->add_subcommand("list", "Cells with their labels and connection state");
  AddHubOptions(list, list_flags->hub);
  list->add_option("-o,--output", list_flags->output, "table (default) or json");
  list->add_option("--probe-timeout", list_flags->probe_timeout,
                   "Longest wait for each cell's GET /version (default 3s)");
  list->callback([list_flags, io, &state] { state.exit_code = RunCellList(*list_flags, io); });
}

}  // namespace cellgate::cli
