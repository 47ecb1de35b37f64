// AppRef: which Application a reconcile is about, and the work-queue key that names it.
//
// Applications live in the hub and, in cell-local mode, in the cells themselves (a cell whose
// API serves applications.argoproj.io holds its own Applications, as an Argo CD installed in
// that cell would). An Application is therefore named by its home cluster as well as its
// namespace and name: two cells may both hold argocd/cell-bootstrap.
//
//   home ""        the hub
//   home "cell-2"  the cell of that name in the CellRegistry
//
// Keys are "<home>|<namespace>/<name>"; '|' and '/' cannot appear in a cell name (a Secret's
// data.name is free text, so cell names with '|' are refused by ParseAppKey's caller as
// unroutable) or in a Kubernetes namespace or name.
//
// Thread-safety: values and pure functions.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace cellgate::controller {

inline constexpr std::string_view kHubHome;

struct AppRef {
  std::string home;  // "" = the hub
  std::string ns;
  std::string name;

  auto operator<=>(const AppRef&) const = default;
  bool operator==(const AppRef&) const = default;

  bool in_hub() const { return home.empty(); }
  // The work-queue key.
  std::string Key() const;
  // For messages and logs: "argocd/guestbook" in the hub, "cell-2:argocd/cell-bootstrap" in a
  // cell.
  std::string ToString() const;
};

// Inverse of AppRef::Key; nullopt for text that is not a key.
std::optional<AppRef> ParseAppKey(std::string_view key);

}  // namespace cellgate::controller
