#include "cli/cell_add.h"

#include "argo/cluster_secret.h"
#include "cells/cell_secret.h"

namespace cellgate::cli {

Result<std::map<std::string, std::string>> ParseLabelFlags(const std::vector<std::string>& flags) {
  std::map<std::string, std::string> labels;
  for (const auto& flag : flags) {
    auto eq = flag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--label \"" + flag + "\" is not key=value (e.g. --label region=us-east-1)");
    }
    std::string key = flag.substr(0, eq);
    std::string value = flag.substr(eq + 1);
    auto [it, inserted] = labels.emplace(key, value);
    if (!inserted && it->second != value) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--label " + key + " is given twice with different values");
    }
  }
  return labels;
}

Result<bool> CheckCellNameFree(const std::vector<Object>& existing, const Object& secret) {
  const std::string name = cells::ParseCellSecret(secret).info.name;
  bool exists = false;
  for (const auto& other : existing) {
    if (other.Name() == secret.Name()) {
      exists = true;
      continue;
    }
    cells::CellSpec spec = cells::ParseCellSecret(other);
    if (spec.info.name == name) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "cell name " + name + " is already used by cluster secret " +
                           other.Namespace() + "/" + other.Name() + " (server " + spec.info.server +
                           "); remove that Secret or choose another --name");
    }
  }
  return exists;
}

}  // namespace cellgate::cli
