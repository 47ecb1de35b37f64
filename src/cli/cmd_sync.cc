// `cellgate sync`: makes one cell run what the file's Applications render.
//
//   cellgate sync -f app.yaml --context CTX [--kubeconfig K] [--revision R] [--repo R]
//                 [--dry-run] [--prune] [--timeout D] [--watch [--watch-duration D]]
//
// Each Application is rendered, compared with the cell and synced by the sync engine
// (sync/executor.h): waves, hooks, health waits, prune. Pruning happens only with --prune or
// the Application's syncPolicy.automated.prune. Progress (phase, wave, objects applied and
// healthy, what is awaited) goes to stderr; the result per object to stdout. --timeout bounds
// each Application's sync, health waits included (default 5m). --dry-run sends every write as
// a server-side dry run.
//
// --watch then keeps the synced Applications in sync until SIGINT or SIGTERM (or for
// --watch-duration): self-heal watches the rendered kinds and re-applies drifted objects,
// printing each heal, and backs off from objects another actor keeps changing.
//
// Exit code: 0 every sync succeeded; 1 a sync failed (the cell refused a write, a hook
// failed, health did not arrive in time); 2 an error (unreadable file, render failure, an
// unreachable cell).
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <ostream>
#include <thread>

#include "cli/app.h"
#include "cli/cell_apps.h"
#include "cli/redacting_stream.h"
#include "core/mutex.h"
#include "engine/app_sync.h"
#include "engine/heal_guard.h"
#include "engine/self_heal.h"
#include "engine/watch_hub.h"

namespace cellgate::cli {
namespace {

struct SyncFlags {
  CellAppFlags app;
  bool dry_run = false;
  bool prune = false;
  bool watch = false;
  std::string timeout = "5m";
  std::string watch_duration;
};

std::atomic<int> g_signal{0};
extern "C" void OnStopSignal(int signo) { g_signal.store(signo); }

// SIGINT/SIGTERM set g_signal while an instance lives; the previous handlers come back after.
class StopSignals {
 public:
  StopSignals() {
    g_signal.store(0);
    struct sigaction sa {};
    sa.sa_handler = OnStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Progress lines on stderr: rewritten in place on a terminal, one line per change otherwise.
class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& err, std::string app)
      : err_(err), app_(std::move(app)), tty_(IsTerminalStderr(err)) {}

  void operator()(const engine::SyncProgress& p) {
    std::string line = app_ + ": " + std::string(sync::SyncPhaseName(p.sync_phase)) + " wave " +
                       std::to_string(p.wave) + " (step " + std::to_string(p.step) + "/" +
                       std::to_string(p.steps) + "): " + std::to_string(p.written) + " applied, " +
                       std::to_string(p.healthy) + " healthy, " + std::to_string(p.tasks_done) +
                       "/" + std::to_string(p.tasks_total) + " tasks" +
                       (p.message.empty() ? "" : ": " + p.message);
    if (line == last_) return;
    last_ = line;
    if (tty_) {
      err_ << "\r\033[K" << line.substr(0, 200) << std::flush;
    } else {
      err_ << line << "\n";
    }
  }

  void Done() {
    if (tty_ && !last_.empty()) err_ << "\n";
  }

 private:
  std::ostream& err_;
  std::string app_;
  bool tty_;
  std::string last_;
};

std::string Column(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

void PrintResult(std::ostream& out, const sync::AppSyncSpec& spec, const std::string& cell,
                 const sync::SyncResult& r) {
  out << "Application " << spec.name << " in " << cell << ": " << sync::OperationPhaseName(r.phase)
      << ": " << r.message;
  if (!r.revision.empty()) out << " (revision " << r.revision.substr(0, 12) << ")";
  out << "\n";
  if (r.resources.empty()) return;
  std::size_t kind_w = 4, ns_w = 9, name_w = 4;
  auto kind_of = [](const sync::ResourceResult& res) {
    return res.key.group.empty() ? res.key.kind : res.key.group + "/" + res.key.kind;
  };
  for (const auto& res : r.resources) {
    kind_w = std::max(kind_w, kind_of(res).size());
    ns_w = std::max(ns_w, res.key.ns.size());
    name_w = std::max(name_w, res.key.name.size());
  }
  out << "  " << Column("PHASE", 8) << Column("WAVE", 4) << Column("KIND", kind_w)
      << Column("NAMESPACE", ns_w) << Column("NAME", name_w) << Column("RESULT", 12)
      << Column("HEALTH", 11) << "MESSAGE\n";
  for (const auto& res : r.resources) {
    std::string health;
    if (res.hook && res.hook_phase) {
      health = std::string(sync::OperationPhaseName(*res.hook_phase));
    } else if (res.health) {
      health = std::string(sync::HealthStatusName(res.health->status));
    }
    out << "  " << Column(std::string(sync::SyncPhaseName(res.sync_phase)), 8)
        << Column(std::to_string(res.wave), 4) << Column(kind_of(res), kind_w)
        << Column(res.key.ns, ns_w) << Column(res.key.name, name_w)
        << Column(std::string(sync::ResultCodeName(res.result)), 12) << Column(health, 11)
        << res.message << "\n";
  }
}

struct Watched {
  std::string app;
  std::unique_ptr<engine::SelfHealer> healer;
};

int Watch(std::vector<Watched>& watched, std::optional<std::chrono::milliseconds> duration,
          Streams io, core::Mutex& out_mu) {
  StopSignals signals;
  for (auto& w : watched) {
    if (auto s = w.healer->Start(); !s) {
      io.err << "cellgate: " << w.app << ": " << s.error().message() << "\n";
      return 2;
    }
  }
  {
    core::MutexLock lock(out_mu);
    io.err << "watching " << watched.size() << " application(s) for drift"
           << (duration ? " for " + engine::ShortDuration(*duration) : "") << "; Ctrl-C stops\n";
  }
  auto until =
      duration ? std::optional(std::chrono::steady_clock::now() + *duration) : std::nullopt;
  while (g_signal.load() == 0 && (!until || std::chrono::steady_clock::now() < *until)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& w : watched) w.healer->Stop();
  core::MutexLock lock(out_mu);
  for (auto& w : watched) {
    engine::SelfHealStatus s = w.healer->Snapshot();
    io.out << "Application " << w.app << ": self-heal stopped: " << s.heals << " heals, "
           << s.drifts << " drifts, " << s.checks << " checks, " << s.events << " events\n";
    for (const auto& c : s.conditions) io.out << "  " << c << "\n";
  }
  return 0;
}

int RunSync(const SyncFlags& flags, Streams io) {
  auto timeout = ParseDuration(flags.timeout);
  if (!timeout) {
    io.err << "cellgate: --timeout: " << timeout.error().message() << "\n";
    return 2;
  }
  std::optional<std::chrono::milliseconds> watch_duration;
  if (!flags.watch_duration.empty()) {
    auto d = ParseDuration(flags.watch_duration);
    if (!d) {
      io.err << "cellgate: --watch-duration: " << d.error().message() << "\n";
      return 2;
    }
    watch_duration = *d;
  }
  if (flags.watch && flags.dry_run) {
    io.err << "cellgate: --watch and --dry-run cannot be combined\n";
    return 2;
  }
  auto apps = LoadCellApps(flags.app, io.err);
  if (!apps) {
    io.err << "cellgate: " << apps.error().message() << "\n";
    return 2;
  }
  auto cell = CellTarget::Open(flags.app);
  if (!cell) {
    io.err << "cellgate: " << cell.error().message() << "\n";
    return 2;
  }
  engine::CellAccess access = (*cell)->Access();
  int exit_code = 0;
  core::Mutex out_mu;
  engine::WatchHub hub((*cell)->watcher());  // one watch per kind for all apps; outlives them
  std::vector<Watched> watched;
  for (auto& app : *apps) {
    if (!app) {
      io.err << "cellgate: " << app.error().message() << "\n";
      exit_code = 2;
      continue;
    }
    for (const auto& note : app->rendered.notes) {
      io.err << "note: " << app->spec.name << ": " << note << "\n";
    }
    auto observed = engine::ObserveApp(access, app->spec, app->rendered.objects,
                                       {.all_kinds = true, .parallelism = 8});
    if (!observed) {
      io.err << "cellgate: " << observed.error().message() << "\n";
      exit_code = 2;
      continue;
    }
    ProgressPrinter progress(io.err, app->spec.name);
    sync::SyncResult result = engine::SyncApp(
        access, app->spec, *observed, {.prune = flags.prune, .revision = app->rendered.revision},
        {.dry_run = flags.dry_run, .health_timeout = *timeout, .timeout = *timeout},
        [&](const engine::SyncProgress& p) { progress(p); });
    progress.Done();
    for (const auto& w : result.warnings) io.err << "note: " << app->spec.name << ": " << w << "\n";
    PrintResult(io.out, app->spec, (*cell)->name(), result);
    if (result.phase == sync::OperationPhase::kError) {
      exit_code = 2;
    } else if (!result.succeeded() && exit_code == 0) {
      exit_code = 1;
    }
    if (!flags.watch || !result.succeeded()) continue;

    // Self-heal starts from what the cell holds now, compared once more.
    auto after = engine::ObserveApp(access, app->spec, app->rendered.objects);
    if (!after) {
      io.err << "cellgate: " << after.error().message() << "\n";
      exit_code = 2;
      continue;
    }
    auto plan = app->spec.PlanOptions(flags.prune);
    engine::SelfHealTarget target{
        .instance = app->spec.instance,
        .destination_namespace = app->spec.destination_namespace,
        .desired = after->desired.objects,
        .ignore = after->ignore,
        .respect_ignore_differences = plan && plan->respect_ignore_differences,
        .baseline = engine::BaselineFrom(after->comparison)};
    std::string name = app->spec.name;
    watched.push_back({name, std::make_unique<engine::SelfHealer>(
                                 access, hub, std::move(target), engine::SelfHealOptions{},
                                 [&out_mu, io, name](const engine::HealEvent& e) {
                                   core::MutexLock lock(out_mu);
                                   io.out << name << ": " << e.key.ToString() << ": " << e.action;
                                   if (!e.changed_paths.empty()) {
                                     io.out << " (drifted:";
                                     for (const auto& p : e.changed_paths) io.out << " " << p;
                                     io.out << ")";
                                   }
                                   if (e.action != "failed") {
                                     io.out << " in " << engine::ShortDuration(e.latency);
                                   }
                                   if (!e.message.empty()) io.out << "; " << e.message;
                                   io.out << "\n" << std::flush;
                                 })});
  }
  if (!watched.empty()) {
    int w = Watch(watched, watch_duration, io, out_mu);
    if (w != 0) exit_code = w;
  }
  return exit_code;
}

}  // namespace

void RegisterSyncCommand(CLI::App& app, Streams io, RunState& state) {
  auto flags = std::make_shared<SyncFlags>();
  auto* cmd =
      app.add_subcommand("sync",
                         "Sync Applications into a cell: apply, prune, wait for health (exit 0: "
                         "succeeded, 1: failed, 2: error)");
  AddCellAppOptions(cmd, flags->app);
  cmd->add_flag("--dry-run", flags->dry_run, "Send every write as a server-side dry run");
  cmd->add_flag("--prune", flags->prune,
                "Delete objects the Applications no longer render (also without automated prune)");
  cmd->add_option("--timeout", flags->timeout,
                  "Longest wait for each Application's sync, health included (default 5m)");
  cmd->add_flag("--watch", flags->watch,
                "Afterwards, keep self-healing drift until SIGINT or SIGTERM");
  cmd->add_option("--watch-duration", flags->watch_duration,
                  "With --watch: stop after this long (e.g. 30s)");
  cmd->callback([flags, io, &state] { state.exit_code = RunSync(*flags, io); });
}

}  // namespace cellgate::cli
