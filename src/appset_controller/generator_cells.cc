#include "appset_controller/generator_cells.h"

namespace cellgate::appset_controller {

GeneratorCells CellsForGenerators(const std::vector<cells::CellInfo>& listed) {
  GeneratorCells out;
  for (const auto& c : listed) {
    if (!c.usable()) continue;
    out.destinations.emplace_back(c.name, c.server);
    if (c.secret.empty()) {
      out.in_cluster_enabled = true;  // the registry's implicit hub cell
      continue;
    }
    out.cells.push_back(appset::Cell{.name = c.name,
                                     .server = c.server,
                                     .project = c.project,
                                     .labels = c.labels,
                                     .annotations = c.annotations});
  }
  return out;
}

}  // namespace cellgate::appset_controller
