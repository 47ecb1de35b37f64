#include "controller/app_ref.h"

namespace cellgate::controller {

std::string AppRef::Key() const { return home + "|" + ns + "/" + name; }

std::string AppRef::ToString() const {
  std::string s = ns + "/" + name;
  return home.empty() ? s : home + ":" + s;
}

std::optional<AppRef> ParseAppKey(std::string_view key) {
  const auto bar = key.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  const auto slash = key.find('/', bar + 1);
  if (slash == std::string_view::npos || slash == bar + 1 || slash + 1 == key.size()) {
    return std::nullopt;
  }
  AppRef ref{.home = std::string(key.substr(0, bar)),
             .ns = std::string(key.substr(bar + 1, slash - bar - 1)),
             .name = std::string(key.substr(slash + 1))};
  if (ref.name.find('/') != std::string::npos) return std::nullopt;
  return ref;
}

}  // namespace cellgate::controller
