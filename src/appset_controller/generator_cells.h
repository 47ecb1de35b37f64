// The registry's cells as the ApplicationSet generators and planner see them.
//
// The clusters generator reads cells the way Argo CD reads cluster Secrets: every usable cell
// with a Secret is a cluster with its name, server, project, labels and annotations; cells
// whose Secret cannot be used (kInvalid) are skipped, as Argo CD skips Secrets it cannot
// parse. The registry's implicit hub cell ("in-cluster", no Secret) is not passed as a cell:
// it becomes GeneratorInputs::in_cluster_enabled, so the generator applies Argo CD's rule
// (the local cluster only for an empty selector: it has no Secret, hence no labels).
// Connection state does not matter: an unreachable cell keeps its Applications.
//
// Known destinations (for deleting an Application whose cell is gone, appset/plan.h) are
// every usable cell, the implicit one included.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "appset/generators.h"
#include "cells/cell.h"

namespace cellgate::appset_controller {

struct GeneratorCells {
  std::vector<appset::Cell> cells;
  bool in_cluster_enabled = false;
  std::vector<std::pair<std::string, std::string>> destinations;  // {name, server}
};

GeneratorCells CellsForGenerators(const std::vector<cells::CellInfo>& listed);

}  // namespace cellgate::appset_controller
