// `cellgate app list` and `cellgate app get`: Applications as the hub stores them, laid out
// as `argocd app list` and `argocd app get` print them (app_view.h).
//
//   cellgate app list [--kubeconfig K] [--context C] [-n NS] [-N APPNS] [-o wide|name|json]
//   cellgate app get NAME [--kubeconfig K] [--context C] [-n NS] [-N APPNS] [-o json]
//
// Both read only the Application objects (spec and the status the controller writes); no
// Git or cell is contacted. Without -N they read the namespaces the controller watches by
// default: argocd and the controller namespace -n (hub.h). Exit code 0, 2 on an error (hub
// unreachable, CRDs missing, app not found). `app diff` and `app sync` live in cmd_app_diff.cc and
// cmd_app_sync.cc.
#include <memory>
#include <ostream>

#include "cli/app.h"
#include "cli/app_commands.h"
#include "cli/app_view.h"

namespace cellgate::cli {
namespace {

struct ListFlags {
  AppFlags app;
  std::string output = "wide";
};

struct GetFlags {
  AppFlags app;
  std::string name;
  std::string output = "wide";
};

int Fail(Streams io, const Error& e) {
  io.err << "cellgate: " << e.message() << "\n";
  return 2;
}

int RunList(const ListFlags& flags, Streams io) {
  if (flags.output != "wide" && flags.output != "json" && flags.output != "name") {
    return Fail(io, Error(ErrorCode::kInvalidArgument,
                          "-o " + flags.output + ": unknown output format (wide, name or json)"));
  }
  auto hub = Hub::Open(flags.app.hub);
  if (!hub) return Fail(io, hub.error());
  auto apps = ListApplications((*hub)->client().reader(),
                               AppNamespaces(flags.app.app_ns, (*hub)->controller_namespace()));
  if (!apps) return Fail(io, apps.error().Wrap("hub " + (*hub)->config().Describe()));
  if (flags.output == "json") {
    Json out = Json::array();
    for (const auto& a : *apps) out.push_back(AppForOutput(a));
    io.out << out.dump(2) << "\n";
  } else if (flags.output == "name") {
    io.out << FormatAppNames(*apps);
  } else {
    io.out << FormatAppList(*apps);
  }
  return 0;
}

int RunGet(const GetFlags& flags, Streams io) {
  if (flags.output != "wide" && flags.output != "json") {
    return Fail(io, Error(ErrorCode::kInvalidArgument,
                          "-o " + flags.output + ": unknown output format (wide or json)"));
  }
  auto hub = Hub::Open(flags.app.hub);
  if (!hub) return Fail(io, hub.error());
  auto app = FindApplication((*hub)->client().reader(), flags.name,
                             AppNamespaces(flags.app.app_ns, (*hub)->controller_namespace()));
  if (!app) return Fail(io, app.error().Wrap("hub " + (*hub)->config().Describe()));
  if (flags.output == "json") {
    io.out << AppForOutput(app->body()).dump(2) << "\n";
  } else {
    io.out << FormatAppDetails(app->body(), std::chrono::system_clock::now());
  }
  return 0;
}

}  // namespace

void AddAppOptions(CLI::App* cmd, AppFlags& flags) {
  AddHubOptions(cmd, flags.hub);
  cmd->add_option("-N,--app-namespace", flags.app_ns,
                  "Namespace of the Applications (default: argocd and the controller "
                  "namespace, as the controller watches)");
}

void RegisterAppCommand(CLI::App& app, Streams io, RunState& state) {
  auto* group = app.add_subcommand("app", "Applications in the hub: list, get, diff, sync");
  group->require_subcommand(1);

  auto list_flags = std::make_shared<ListFlags>();
  auto* list = group->add_subcommand("list", "List Applications (as argocd app list)");
  AddAppOptions(list, list_flags->app);
  list->add_option("-o,--output", list_flags->output, "wide (default), name or json");
  list->callback([list_flags, io, &state] { state.exit_code = RunList(*list_flags, io); });

  auto get_flags = std::make_shared<GetFlags>();
  auto* get = group->add_subcommand(
      "get", "Show an Application: summary, conditions, last operation, resources");
  get->add_option("name", get_flags->name, "Application name, or <namespace>/<name>")->required();
  AddAppOptions(get, get_flags->app);
  get->add_option("-o,--output", get_flags->output, "wide (default) or json");
  get->callback([get_flags, io, &state] { state.exit_code = RunGet(*get_flags, io); });

  AddAppDiffCommand(*group, io, state);
  AddAppSyncCommand(*group, io, state);
}

}  // namespace cellgate::cli
