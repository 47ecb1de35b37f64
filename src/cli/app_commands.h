// The `cellgate app` command group (cmd_app.cc registers it): flags every app subcommand
// shares and the subcommands defined in their own files.
//
// Thread-safety: one invocation per thread.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/app.h"
#include "cli/hub.h"

namespace cellgate::cli {

struct AppFlags {
  HubFlags hub;        // with -n: the controller namespace
  std::string app_ns;  // -N: the Application namespace; "" = AppNamespaces' default
};

// Adds --kubeconfig, --context, -n/--namespace and -N/--app-namespace.
void AddAppOptions(CLI::App* cmd, AppFlags& flags);

void AddAppDiffCommand(CLI::App& app_cmd, Streams io, RunState& state);  // cmd_app_diff.cc
void AddAppSyncCommand(CLI::App& app_cmd, Streams io, RunState& state);  // cmd_app_sync.cc

}  // namespace cellgate::cli
