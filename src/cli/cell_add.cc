#include "cli/cell_add.h"

#include "argo/cluster_secret.h"

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
  const std::string name = argo::ParseClusterSecret(secret).cluster.name;
  bool exists = false;
  for (const auto& other : existing) {
    if (other.Name() == secret.Name()) {
      exists = true;
      continue;
    }
    const argo::Cluster cluster = argo::ParseClusterSecret(other).cluster;
    if (cluster.name == name) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "cell name " + name + " is already used by cluster secret " +
                           other.Namespace() + "/" + other.Name() + " (server " + cluster.server +
                           "); remove that Secret or choose another --name");
    }
  }
  return exists;
}

}  // namespace cellgate::cli
