// `cellgate cell list` output: the registry's snapshot as a table for people and as JSON
// for scripts. Neither contains credentials (CellInfo holds none).
//
// Table columns: NAME, SERVER, STATE (with how long it has been so, kubectl-style ages),
// VERSION, LABELS (k=v, sorted, comma separated; "<none>" when empty) and MESSAGE (the
// last error of an Unreachable or Invalid cell). Columns are padded to the widest cell.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cells/cell.h"
#include "core/object.h"

namespace cellgate::cells {

// "45s", "3m", "2h", "4d": the largest whole unit, as kubectl prints ages.
std::string ShortAge(std::chrono::system_clock::duration age);

std::string FormatCellList(const std::vector<CellInfo>& cells,
                           std::chrono::system_clock::time_point now);

// [{"name", "server", "labels", "annotations", "namespaces", "clusterResources", "project",
//   "connection": {"state", "message", "since", "lastProbe", "serverVersion",
//   "lastErrorAt"}}], times as RFC 3339 UTC ("" when never).
Json CellListJson(const std::vector<CellInfo>& cells);

}  // namespace cellgate::cells
