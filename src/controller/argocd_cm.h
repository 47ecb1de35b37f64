// argocd-cm: the settings Argo CD keeps in the ConfigMap `argocd-cm` of its own namespace
// (util/settings/settings.go), as far as cellgate honours them. This is the one reader of
// that ConfigMap; the controller reads it from the controller namespace.
//
// Honoured: the health customization of argoproj.io/Application, in either of Argo CD's
// forms (SettingsManager.GetResourceOverrides):
//   - split keys `resource.customizations.health.<group>_<kind>` (`<kind>` alone for the
//     core group; `all` means "*/*"), and
//   - the legacy key `resource.customizations`, a YAML map "<group>/<kind>" -> {health.lua},
//     whose entries a split key for the same group/kind overrides.
// A non-empty health script under a key that is, or as a wildcard matches (Argo CD's
// getWildcardHealthOverrideLua: github.com/gobwas/glob without separators),
// "argoproj.io/Application" sets sync::HealthOptions::application_health. The script is not
// run (there is no Lua here): the built-in Application assessment (sync/health.h), which
// computes what the script in Argo CD's documentation computes, stands in for whatever it
// says. Every other key is ignored.
//
// Errors (kInvalidArgument, naming the ConfigMap and the key): `resource.customizations` that
// is not a YAML map, a split key whose group_kind has more than one '_' (Argo CD refuses both
// and loads no overrides at all). The caller then keeps the settings it had.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "core/object.h"
#include "core/result.h"
#include "sync/health.h"

namespace cellgate::controller {

inline constexpr std::string_view kArgoCdConfigMap = "argocd-cm";

struct ArgoCdSettings {
  sync::HealthOptions health;

  bool operator==(const ArgoCdSettings&) const = default;
};

// The settings of an argocd-cm ConfigMap body (only `data` is read).
Result<ArgoCdSettings> ParseArgoCdConfigMap(const Json& configmap);

}  // namespace cellgate::controller
