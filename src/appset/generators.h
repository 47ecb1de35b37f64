// ApplicationSet generators: list, clusters, git (directories and files), matrix and merge,
// producing parameter sets exactly as Argo CD documents them. Pure functions over their
// inputs: cells come from the caller, git content from a snapshot the caller resolves.
//
// Parameters are JSON objects. Without goTemplate they are flat maps of strings
// ("path.basename", "metadata.labels.region", "values.repo"); with goTemplate they keep
// their structure (.path.segments is a list, .metadata.labels a map, list elements as
// written).
//
// Every generator entry may carry a `selector`, applied after generation to the
// string-valued top-level parameters (Argo CD's Transform). Matrix and merge children may
// themselves be a matrix or merge one level deep (not deeper), and their selectors always
// apply (Argo CD 3 ignores applyNestedSelectors). The second child of a matrix is rendered
// with each parameter set of the first before it runs, so its git path or cluster selector
// can use them.
//
// Errors name the generator: "generator 1 (git): files[0]: ...". pullRequest, scmProvider,
// clusterDecisionResource and plugin are refused by name (they need services cellgate does
// not talk to).
//
// Limits: one generator may produce at most GeneratorInputs::max_param_sets parameter sets
// (matrix products grow fast), and git files larger than max_git_file_bytes are refused.
//
// Thread-safety: pure functions; the snapshot resolver is called on the caller's thread.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "git/source.h"
#include "template/template.h"

namespace cellgate::appset {

// A cell as the clusters generator sees it: the fields of its Argo CD cluster Secret.
struct Cell {
  std::string name;
  std::string server;
  std::string project;                             // the Secret's `project` field; "" when absent
  std::map<std::string, std::string> labels;       // the Secret's labels
  std::map<std::string, std::string> annotations;  // the Secret's annotations
};

using SnapshotResolver = std::function<Result<std::shared_ptr<const git::Snapshot>>(
    const std::string& repo_url, const std::string& revision)>;

struct GeneratorInputs {
  std::vector<Cell> cells;
  // Argo CD's local cluster (in-cluster, https://kubernetes.default.svc) is a candidate
  // unless a cell already has that server or this is false (cluster.inClusterEnabled).
  bool in_cluster_enabled = true;
  SnapshotResolver resolve_snapshot;
  // applicationsetcontroller.enable.new.git.file.globbing: doublestar instead of git
  // pathspec matching for git files generators.
  bool new_git_file_globbing = false;
  std::size_t max_param_sets = 10'000;
  std::size_t max_git_file_bytes = 1 << 20;
};

struct GeneratorEnv {
  bool go_template = false;
  tmpl::TemplateOptions template_options;
  const GeneratorInputs& inputs;
};

// The generator's type key ("list", "clusters", ...), or an error for none / several.
Result<std::string> GeneratorType(const Json& generator);

// Runs one generator entry (top level or child). `interpolate` holds the parameters of a
// matrix's first child when this is its second child. depth is 0 at the top level.
Result<std::vector<Json>> GenerateParams(const Json& generator, const GeneratorEnv& env,
                                         int depth = 0, const Json* interpolate = nullptr);

// Generator implementations, one per file.
Result<std::vector<Json>> GenerateList(const Json& spec, const GeneratorEnv& env);
Result<std::vector<Json>> GenerateClusters(const Json& spec, const GeneratorEnv& env);
Result<std::vector<Json>> GenerateGit(const Json& spec, const GeneratorEnv& env);
Result<std::vector<Json>> GenerateMatrix(const Json& spec, const GeneratorEnv& env, int depth);
Result<std::vector<Json>> GenerateMerge(const Json& spec, const GeneratorEnv& env, int depth);

// Renders one string with parameters, with the engine the ApplicationSet chose.
Result<std::string> RenderString(const std::string& text, const Json& params,
                                 const GeneratorEnv& env);

// `values` of clusters and git generators: each rendered with the parameters, then added as
// values.<key> (flat) or a `values` map (goTemplate).
Status AppendTemplatedValues(const Json& values, Json& params, const GeneratorEnv& env);

// A short form of a parameter set for error messages: {name: cell-1, server: ...}, at most
// ~120 characters.
std::string ShortParams(const Json& params);

}  // namespace cellgate::appset
