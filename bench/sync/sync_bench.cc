// Sync engine figures against a real cell (bench/RESULTS.md, "Sync"):
//
//   1. cold sync: N apps x (Deployment + Service + ConfigMap) into one empty namespace, by
//      `workers` threads calling ObserveApp + SyncApp (health waits included), as the fleet
//      controller's cell worker would; wall time and API requests by verb;
//   2. self-heal start: a fresh comparison per app (the baseline) and one SelfHealer per app
//      on one WatchHub;
//   3. steady state: nothing changes for `steady` seconds; API requests per minute (goal:
//      watch traffic only: no writes, no dry runs);
//   4. drift to healed: `edits` edits by another field manager (ConfigMap data, Deployment
//      replicas, alternating, one at a time), each timed from the edit's response to the
//      healer's re-apply returning; p50 / p99 (goal p99 < 1 s).
//
// Requests are counted twice: by our client (kube::Transport counters, exact for cellgate)
// and by the API server (/metrics apiserver_request_total, filtered to configmaps, services
// and deployments; this includes the cell's own controllers, and separates dry runs).
//
//   sync_bench --kubeconfig K --context C [--apps 500] [--workers 8] [--qps 50]
//              [--steady 60] [--edits 100] [--keep]
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/clock.h"
#include "core/yaml.h"
#include "engine/app_sync.h"
#include "engine/self_heal.h"
#include "engine/watch_hub.h"
#include "kube/cluster_client.h"
#include "kube/kubeconfig.h"

namespace cellgate::sync {
namespace {

using Clk = std::chrono::steady_clock;
using Counts = std::map<std::string, double>;

double Seconds(Clk::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Manifests(int i) {
  std::string n = "app" + std::to_string(i);
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + n +
         "}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: " + n +
         "}}\n  template:\n    metadata: {labels: {app: " + n +
         "}}\n    spec: {containers: [{name: main, image: nginx:1.27}]}\n---\n"
         "apiVersion: v1\nkind: Service\nmetadata: {name: " +
         n + "}\nspec:\n  selector: {app: " + n +
         "}\n  ports: [{port: 80, targetPort: 8080}]\n---\n"
         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " +
         n + "}\ndata: {key: value-" + std::to_string(i) + "}\n";
}

std::vector<Object> Parse(const std::string& yaml) {
  std::vector<Object> out;
  auto docs = ParseYamlDocuments(yaml, "bench.yaml");
  for (auto& d : *docs) out.push_back(*Object::FromJson(d.value));
  return out;
}

// Our client's requests by verb.
Counts ClientCounts(kube::ClusterClient& c) {
  Counts out;
  for (const auto& r : c.RequestCounts()) out[r.verb] += static_cast<double>(r.count);
  return out;
}

// apiserver_request_total for configmaps, services and deployments, by verb (+ " dry-run").
Counts ServerCounts(kube::ClusterClient& c) {
  Counts out;
  auto r = c.transport().Do(
      {.verb = "metrics", .path = "/metrics", .accept = "text/plain", .idempotent = true});
  if (!r || r->status != 200) {
    std::cerr << "cannot read /metrics\n";
    return out;
  }
  std::istringstream lines(r->body);
  std::string line;
  auto label = [](const std::string& l, const std::string& key) {
    auto p = l.find(key + "=\"");
    if (p == std::string::npos) return std::string();
    p += key.size() + 2;
    return l.substr(p, l.find('"', p) - p);
  };
  while (std::getline(lines, line)) {
    if (!line.starts_with("apiserver_request_total{")) continue;
    std::string resource = label(line, "resource");
    if (resource != "configmaps" && resource != "services" && resource != "deployments") continue;
    if (!label(line, "subresource").empty()) continue;
    std::string verb = label(line, "verb");
    if (!label(line, "dry_run").empty()) verb += " dry-run";
    out[verb] += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

Counts Delta(const Counts& after, const Counts& before) {
  Counts d;
  for (const auto& [k, v] : after) {
    double x = v - (before.contains(k) ? before.at(k) : 0);
    if (x > 0) d[k] = x;
  }
  return d;
}

std::string Format(const Counts& c, double scale = 1) {
  std::ostringstream o;
  double total = 0;
  for (const auto& [k, v] : c) {
    o << k << " " << static_cast<long>(v * scale + 0.5) << ", ";
    total += v * scale;
  }
  o << "total " << static_cast<long>(total + 0.5);
  return o.str();
}

struct App {
  AppSyncSpec spec;
  std::vector<Object> rendered;
};

int Main(int argc, char** argv) {
  CLI::App cli{"sync engine benchmark against a real cell"};
  std::string kubeconfig, context;
  int apps = 500, workers = 8, steady = 60, edits = 100;
  double qps = 50;
  bool keep = false;
  cli.add_option("--kubeconfig", kubeconfig)->required();
  cli.add_option("--context", context)->required();
  cli.add_option("--apps", apps);
  cli.add_option("--workers", workers);
  cli.add_option("--qps", qps, "client rate limit (the transport's default is 50)");
  cli.add_option("--steady", steady, "seconds of steady state");
  cli.add_option("--edits", edits);
  cli.add_flag("--keep", keep, "leave the namespace in place");
  CLI11_PARSE(cli, argc, argv);

  auto config = kube::LoadKubeconfig({.paths = {kubeconfig}, .context = context});
  if (!config) {
    std::cerr << config.error().message() << "\n";
    return 2;
  }
  kube::ClusterClientOptions options;
  options.transport.rate_limit.qps = qps;
  options.transport.rate_limit.burst = static_cast<int>(std::max(qps * 2, 1.0));
  options.transport.max_idle_connections = static_cast<std::size_t>(workers) * 2;
  auto client = kube::ClusterClient::Create(*config, options);
  if (!client) {
    std::cerr << client.error().message() << "\n";
    return 2;
  }
  kube::ClusterClient& c = **client;
  ClusterKindCatalog kinds(c);
  SystemClock clock;
  CellAccess cell{context, c.reader(), c.applier(), kinds, clock};
  const std::string ns = "bench-sync-" + std::to_string(getpid());
  if (auto s = c.applier().Apply(
          Parse("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n").front(), {});
      !s) {
    std::cerr << s.error().message() << "\n";
    return 2;
  }
  std::vector<App> all(static_cast<std::size_t>(apps));
  for (int i = 0; i < apps; ++i) {
    auto app =
        Parse("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: bench-" +
              std::to_string(i) + "-" + std::to_string(getpid()) +
              "}\nspec: {destination: {namespace: " + ns + "}}\n");
    all[i] = App{*ParseAppSyncSpec(app.front().body()), Parse(Manifests(i))};
  }
  std::cout << "## sync_bench: " << apps << " apps x 3 objects, " << workers << " workers, " << qps
            << " QPS client limit, cell " << context << "\n";

  // 1. Cold sync.
  Counts client0 = ClientCounts(c), server0 = ServerCounts(c);
  std::atomic<int> next{0}, failed{0};
  std::vector<double> per_app(all.size());
  auto t0 = Clk::now();
  {
    std::vector<std::jthread> pool;
    for (int w = 0; w < workers; ++w) {
      pool.emplace_back([&] {
        for (int i = next++; i < apps; i = next++) {
          auto start = Clk::now();
          auto observed = ObserveApp(cell, all[i].spec, all[i].rendered);
          SyncResult r = observed ? SyncApp(cell, all[i].spec, *observed, {}) : SyncResult{};
          if (!observed || !r.succeeded()) {
            ++failed;
            std::cerr << all[i].spec.name << ": "
                      << (observed ? r.message : observed.error().message()) << "\n";
          }
          per_app[i] = Seconds(Clk::now() - start);
        }
      });
    }
  }
  double cold = Seconds(Clk::now() - t0);
  std::sort(per_app.begin(), per_app.end());
  std::cout << "cold sync: " << cold << " s for " << apps << " apps (" << failed
            << " failed); per app p50 " << per_app[per_app.size() / 2] << " s, p99 "
            << per_app[per_app.size() * 99 / 100] << " s\n";
  std::cout << "  client requests: " << Format(Delta(ClientCounts(c), client0)) << "\n";
  std::cout << "  server requests (cm/svc/deploy, controllers included): "
            << Format(Delta(ServerCounts(c), server0)) << "\n";

  // 2. Self-heal start.
  Counts client1 = ClientCounts(c), server1 = ServerCounts(c);
  t0 = Clk::now();
  WatchHub hub(c.watcher());
  std::mutex heal_mu;
  std::condition_variable heal_cv;
  std::map<ObjectKey, Clk::time_point> healed_at;
  std::vector<std::unique_ptr<SelfHealer>> healers;
  for (auto& app : all) {
    auto observed = ObserveApp(cell, app.spec, app.rendered);
    if (!observed) {
      std::cerr << observed.error().message() << "\n";
      return 1;
    }
    healers.push_back(
        std::make_unique<SelfHealer>(cell, hub,
                                     SelfHealTarget{.instance = app.spec.instance,
                                                    .destination_namespace = ns,
                                                    .desired = observed->desired.objects,
                                                    .ignore = observed->ignore,
                                                    .baseline = BaselineFrom(observed->comparison)},
                                     SelfHealOptions{}, [&](const HealEvent& e) {
                                       std::lock_guard lock(heal_mu);
                                       healed_at[e.key] = Clk::now();
                                       heal_cv.notify_all();
                                     }));
    if (auto s = healers.back()->Start(); !s) {
      std::cerr << s.error().message() << "\n";
      return 1;
    }
  }
  std::cout << "self-heal start: " << Seconds(Clk::now() - t0) << " s (a comparison per app, "
            << hub.WatchCount() << " watches)\n";
  std::cout << "  client requests: " << Format(Delta(ClientCounts(c), client1)) << "\n";

  // 3. Steady state.
  std::this_thread::sleep_for(std::chrono::seconds(5));  // let the Deployments settle
  Counts client2 = ClientCounts(c), server2 = ServerCounts(c);
  auto stats = [&] {
    std::size_t heals = 0, checks = 0, events = 0;
    for (auto& h : healers) {
      auto s = h->Snapshot();
      heals += s.heals;
      checks += s.checks;
      events += s.events;
    }
    return std::tuple(heals, checks, events);
  };
  auto [heals0, checks0, events0] = stats();
  std::this_thread::sleep_for(std::chrono::seconds(steady));
  auto [heals1, checks1, events1] = stats();
  double per_minute = 60.0 / steady;
  std::cout << "steady state (" << steady << " s, per minute): client "
            << Format(Delta(ClientCounts(c), client2), per_minute) << "; heals "
            << (heals1 - heals0) * per_minute << ", dry-run checks "
            << (checks1 - checks0) * per_minute << ", watch events "
            << (events1 - events0) * per_minute << "\n";
  std::cout << "  server requests (cm/svc/deploy, controllers included): "
            << Format(Delta(ServerCounts(c), server2), per_minute) << "\n";

  // 4. Drift to healed.
  std::vector<double> latencies;
  int missed = 0;
  for (int e = 0; e < edits; ++e) {
    int i = (e * 7919) % apps;
    std::string n = "app" + std::to_string(i);
    bool deploy = e % 2 == 1;
    ObjectKey key{deploy ? "apps" : "", deploy ? "Deployment" : "ConfigMap", ns, n};
    Object edit = Parse(deploy ? "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + n +
                                     ", namespace: " + ns + "}\nspec: {replicas: 2}\n"
                               : "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + n +
                                     ", namespace: " + ns + "}\ndata: {key: drift-" +
                                     std::to_string(e) + "}\n")
                      .front();
    {
      std::lock_guard lock(heal_mu);
      healed_at.erase(key);
    }
    auto done = c.applier().Apply(edit, {.field_manager = "bench-editor", .force = true});
    auto edited = Clk::now();
    if (!done) {
      std::cerr << done.error().message() << "\n";
      ++missed;
      continue;
    }
    std::unique_lock lock(heal_mu);
    if (!heal_cv.wait_for(lock, std::chrono::seconds(10),
                          [&] { return healed_at.contains(key); })) {
      ++missed;
      continue;
    }
    latencies.push_back(std::chrono::duration<double, std::milli>(healed_at[key] - edited).count());
  }
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    std::cout << "drift to healed over " << latencies.size() << " edits (" << missed
              << " not healed within 10 s): p50 " << latencies[latencies.size() / 2] << " ms, p99 "
              << latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)]
              << " ms, max " << latencies.back() << " ms\n";
  }
  healers.clear();
  if (!keep) {
    (void)c.applier().Delete(
        Parse("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n").front(), {});
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cellgate::sync

int main(int argc, char** argv) { return cellgate::sync::Main(argc, argv); }
