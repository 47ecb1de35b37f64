#include "cells/cell_list.h"

#include <algorithm>
#include <array>
#include <ctime>

#include "runtime/time_format.h"

namespace cellgate::cells {

std::string ShortAge(std::chrono::system_clock::duration age) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(age).count();
  if (s < 0) s = 0;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 172800) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

namespace {

std::string Labels(const std::map<std::string, std::string>& labels) {
  if (labels.empty()) return "<none>";
  std::string out;
  for (const auto& kv : labels) {
    if (!out.empty()) out += ',';
    out += kv.first + "=" + kv.second;
  }
  return out;
}

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

std::string FormatCellList(const std::vector<CellInfo>& cells,
                           std::chrono::system_clock::time_point now) {
  using Row = std::array<std::string, 6>;
  std::vector<Row> rows;
  rows.push_back({"NAME", "SERVER", "STATE", "VERSION", "LABELS", "MESSAGE"});
  for (const auto& c : cells) {
    const CellConnection& conn = c.connection;
    std::string state(CellStateName(conn.state));
    if (conn.since != std::chrono::system_clock::time_point{}) {
      state += " (" + ShortAge(now - conn.since) + ")";
    }
    std::string message;
    if (conn.state == CellState::kUnreachable || conn.state == CellState::kInvalid) {
      message = OneLine(conn.last_error);
    }
    rows.push_back({c.name, c.server, state, conn.server_version, Labels(c.labels), message});
  }
  std::array<std::size_t, 6> width{};
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

Json CellListJson(const std::vector<CellInfo>& cells) {
  Json out = Json::array();
  for (const auto& c : cells) {
    Json labels = Json::object();
    for (const auto& kv : c.labels) labels[kv.first] = kv.second;
    Json annotations = Json::object();
    for (const auto& kv : c.annotations) annotations[kv.first] = kv.second;
    Json namespaces = Json::array();
    for (const auto& n : c.namespaces) namespaces.push_back(n);
    const CellConnection& conn = c.connection;
    out.push_back({{"name", c.name},
                   {"server", c.server},
                   {"labels", labels},
                   {"annotations", annotations},
                   {"namespaces", namespaces},
                   {"clusterResources", c.cluster_resources},
                   {"project", c.project},
                   {"connection",
                    {{"state", CellStateName(conn.state)},
                     {"message", conn.last_error},
                     {"since", runtime::Rfc3339OrEmpty(conn.since)},
                     {"lastProbe", runtime::Rfc3339OrEmpty(conn.last_probe)},
                     {"lastErrorAt", runtime::Rfc3339OrEmpty(conn.last_error_at)},
                     {"serverVersion", conn.server_version},
                     {"consecutiveFailures", conn.consecutive_failures}}}});
  }
  return out;
}

}  // namespace cellgate::cells
