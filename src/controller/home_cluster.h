// HomeCluster: one cluster where Applications live, as the controller serves it: the hub, or
// a cell that holds its own Applications (cell-local mode, see README.md).
//
// It owns what the controller keeps per home: the watch caches of Applications and
// AppProjects (Applications in the app namespaces, AppProjects in the controller namespace
// only), and the
// EventRecorder that writes Events next to the Applications. Status, `operation` and
// finalizer writes go through applier(); Events through events().
//
// Projects: an Application's spec.project is looked up in the controller namespace only, as
// Argo CD does (util/argo GetAppProjectByName reads the AppProject lister of the controller
// namespace; an Application in another namespace may use a project only when the project's
// sourceNamespaces admit it). Only that namespace's AppProjects are watched, so an AppProject a
// tenant creates in its own namespace is never read. In the hub, `default` falls back to
// Argo CD's implicit default project when no AppProject is named so; in a cell home there is
// no implicit project (app_project.h FindProject).
//
// Ownership: a cell home keeps the cell's CellClient alive (`keepalive`) for as long as the
// home exists; the hub home borrows the hub's client. Thread-safety: thread-safe. Listeners
// run on the caches' watch threads (object_cache.h).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "argo/app_project.h"
#include "cells/cell_client.h"
#include "controller/object_cache.h"
#include "core/clock.h"
#include "kube/client.h"
#include "runtime/event_recorder.h"

namespace cellgate::controller {

inline const kube::GroupVersionKind kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};
inline const kube::GroupVersionKind kAppProjectGvk{"argoproj.io", "v1alpha1", "AppProject"};

// home, "<namespace>/<name>", before, after (nullptr when absent).
using HomeObjectListener = std::function<void(const std::string& home, const std::string& key,
                                              const ObjectPtr& before, const ObjectPtr& after)>;

struct HomeClusterOptions {
  std::string name;  // "" for the hub, else the cell's name
  std::set<std::string> app_namespaces;
  std::string controller_namespace;
  runtime::EventRecorderOptions events;
};

struct HomeClusterClients {
  kube::Reader& reader;
  kube::Applier& applier;
  // Where Events go (a client with a budget of its own); null: `applier`, whose rate limit
  // the Events then share with status writes.
  kube::Applier* events = nullptr;
  kube::Watcher& watcher;
  std::shared_ptr<cells::CellClient> keepalive;  // null for the hub
};

class HomeCluster {
 public:
  HomeCluster(HomeClusterOptions options, HomeClusterClients clients, const Clock& clock,
              HomeObjectListener on_app, HomeObjectListener on_project);
  ~HomeCluster();
  HomeCluster(const HomeCluster&) = delete;
  HomeCluster& operator=(const HomeCluster&) = delete;

  // Starts both watches; fails when this cluster does not serve the argoproj.io kinds.
  Status Start();
  void Stop();
  bool WaitForSync(std::chrono::milliseconds timeout) const;

  const std::string& name() const { return options_.name; }
  bool is_hub() const { return options_.name.empty(); }
  // True for namespaces the controller serves Applications in.
  bool ServesNamespace(std::string_view ns) const;

  ObjectCache& apps() { return apps_; }
  const ObjectCache& apps() const { return apps_; }
  ObjectCache& projects() { return projects_; }
  kube::Reader& reader() { return clients_.reader; }
  kube::Applier& applier() { return clients_.applier; }
  runtime::EventRecorder& events() { return events_; }
  cells::CellClient* cell_client() const { return clients_.keepalive.get(); }

  // The project `name` ("" = default), from the controller namespace (rules above). Whether
  // an Application's namespace may use it is CheckApplication's sourceNamespaces rule.
  Result<argo::AppProject> Project(std::string_view name) const;

 private:
  const HomeClusterOptions options_;
  HomeClusterClients clients_;
  runtime::EventRecorder events_;
  ObjectCache apps_;
  ObjectCache projects_;
};

}  // namespace cellgate::controller
