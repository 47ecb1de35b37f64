// `cellgate app sync NAME`: asks the controller to sync an Application, as `argocd app sync`
// asks Argo CD's API server, and waits for the result.
//
//   cellgate app sync NAME [--kubeconfig K] [--context C] [-n NS] [-N APPNS] [--prune]
//                          [--revision R]
//                          [--sync-option Key=Value]... [--timeout D] [--async]
//
// Writes the Application's `operation` (argo/operation_request.h: operation.sync {revision, prune,
// syncOptions}, initiatedBy.username) by a PUT conditional on the resourceVersion just read,
// retrying conflicts, then polls the Application every 500 ms until the controller has
// removed the operation and recorded status.operationState with phase Succeeded, Failed or
// Error, printing phase changes to stderr and the final state (app get's layout) to stdout.
// The CLI syncs nothing itself: without a running `cellgate controller` the wait times out
// (--timeout, default 5m) and the operation stays requested, as with Argo CD.
// initiatedBy.username is the hub identity (a SelfSubjectReview), else $USER.
//
// Exit code: 0 Succeeded (or requested, with --async); 1 Failed or Error; 2 a refused or
// invalid request, an unreachable hub, a timeout, or an operation removed by someone else.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <thread>

#include "argo/operation_request.h"
#include "cli/app.h"
#include "cli/app_commands.h"
#include "cli/app_view.h"
#include "cli/cell_apps.h"

namespace cellgate::cli {
namespace {

struct SyncFlags {
  AppFlags app;
  std::string name;
  bool prune = false;
  std::string revision;
  std::vector<std::string> sync_options;
  std::string timeout = "5m";
  bool async = false;
};

// Who the hub says we are (authentication.k8s.io/v1 SelfSubjectReview, Kubernetes >= 1.28),
// else the local user name.
std::string Username(kube::ClusterClient& hub) {
  Object review(Json{{"apiVersion", "authentication.k8s.io/v1"},
                     {"kind", "SelfSubjectReview"},
                     {"metadata", Json::object()}});
  if (auto r = hub.applier().Create(review, {}); r) {
    std::string user = StringAt(r->body(), {"status", "userInfo", "username"});
    if (!user.empty()) return user;
  }
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? std::string(user) : std::string("cellgate");
}

// Sets the operation on the live object: a GET, the checks, a conditional PUT; conflicts
// (the controller writing status meanwhile) start over.
Result<Object> RequestSync(kube::ClusterClient& hub, const Object& found,
                           const argo::SyncRequest& req) {
  for (int attempt = 0;; ++attempt) {
    auto live = hub.reader().Get(kApplicationKind, found.Namespace(), found.Name());
    CG_TRY(live);
    Json body = live->body();
    auto app = argo::ParseApplication(body);
    CG_TRY(app);
    auto operation = argo::BuildSyncOperation(*app, req);
    CG_TRY(operation);
    CG_TRY(argo::SetOperation(body, *operation));
    auto updated = hub.applier().Update(Object(std::move(body)), {.field_manager = "cellgate-cli"});
    if (updated) return updated;
    if (updated.error().code() != ErrorCode::kConflict || attempt >= 4) {
      return std::unexpected(updated.error().Wrap("set operation"));
    }
  }
}

int RunSync(const SyncFlags& flags, Streams io) {
  auto fail = [&](const Error& e) {
    io.err << "cellgate: " << e.message() << "\n";
    return 2;
  };
  auto timeout = ParseDuration(flags.timeout);
  if (!timeout) return fail(timeout.error().Wrap("--timeout"));
  for (const auto& o : flags.sync_options) {
    if (auto s = argo::CheckSyncOption(o); !s) return fail(s.error().Wrap("--sync-option"));
  }
  auto hub = Hub::Open(flags.app.hub);
  if (!hub) return fail(hub.error());
  kube::ClusterClient& client = (*hub)->client();
  auto found = FindApplication(client.reader(), flags.name,
                               AppNamespaces(flags.app.app_ns, (*hub)->controller_namespace()));
  if (!found) return fail(found.error().Wrap("hub " + (*hub)->config().Describe()));
  const std::string qualified = found->Namespace() + "/" + found->Name();

  argo::SyncRequest request{.revision = flags.revision,
                            .prune = flags.prune,
                            .sync_options = flags.sync_options,
                            .username = Username(client)};
  auto requested = RequestSync(client, *found, request);
  if (!requested) return fail(requested.error());
  io.err << "sync of " << qualified << " requested (revision "
         << StringAt(requested->body(), {"operation", "sync", "revision"})
         << (flags.prune ? ", prune" : "") << ", by " << request.username << ")\n";
  if (flags.async) return 0;

  const auto deadline = std::chrono::steady_clock::now() + *timeout;
  std::string last;
  for (;;) {
    auto live = client.reader().Get(kApplicationKind, found->Namespace(), found->Name());
    if (!live) {
      if (live.error().code() == ErrorCode::kNotFound) {
        return fail(live.error().Wrap("application " + qualified + " was deleted"));
      }
      // A blip on the hub: keep waiting until the deadline.
      io.err << "note: " << live.error().message() << "\n";
    } else {
      auto app = argo::ParseApplication(live->body());
      if (!app) return fail(app.error());
      argo::OperationProgress progress = argo::ProgressOf(*app);
      std::string line = std::string(argo::OperationProgressName(progress));
      std::string message = StringAt(live->body(), {"status", "operationState", "message"});
      if (!message.empty()) line += ": " + message;
      if (line != last) {
        io.err << qualified << ": " << line << "\n";
        last = line;
      }
      switch (progress) {
        case argo::OperationProgress::kSucceeded:
          io.out << FormatAppDetails(live->body(), std::chrono::system_clock::now());
          return 0;
        case argo::OperationProgress::kFailed:
        case argo::OperationProgress::kError:
          io.out << FormatAppDetails(live->body(), std::chrono::system_clock::now());
          io.err << "cellgate: operation of " << qualified << " completed with phase "
                 << OperationProgressName(progress) << "\n";
          return 1;
        case argo::OperationProgress::kVanished:
          return fail(Error(
              ErrorCode::kFailedPrecondition,
              "the operation of " + qualified + " was removed before the controller completed it"));
        case argo::OperationProgress::kPending:
        case argo::OperationProgress::kRunning:
          break;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Error(ErrorCode::kDeadlineExceeded,
                        "timed out after " + flags.timeout +
                            " waiting for the controller to sync " + qualified +
                            " (is cellgate controller running? the operation stays "
                            "requested)"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace

void AddAppSyncCommand(CLI::App& app_cmd, Streams io, RunState& state) {
  auto flags = std::make_shared<SyncFlags>();
  auto* cmd = app_cmd.add_subcommand(
      "sync",
      "Ask the controller to sync an Application and wait (exit 0: succeeded, 1: failed, 2: "
      "error or timeout)");
  cmd->add_option("name", flags->name, "Application name, or <namespace>/<name>")->required();
  AddAppOptions(cmd, flags->app);
  cmd->add_flag("--prune", flags->prune, "Delete objects the app no longer renders");
  cmd->add_option("--revision", flags->revision,
                  "Sync this revision instead of the targetRevision (refused with auto-sync)");
  cmd->add_option("--sync-option", flags->sync_options,
                  "Key=Value sync option (repeatable; replaces the app's syncOptions)");
  cmd->add_option("--timeout", flags->timeout,
                  "Longest wait for the operation to complete (default 5m)");
  cmd->add_flag("--async", flags->async, "Do not wait: return once the operation is written");
  cmd->callback([flags, io, &state] { state.exit_code = RunSync(*flags, io); });
}

}  // namespace cellgate::cli
