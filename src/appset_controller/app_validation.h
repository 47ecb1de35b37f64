// Checks of generated Applications before they are written (Argo CD's
// validateGeneratedApplications), so an Application that could never work is reported on the
// ApplicationSet instead of created:
//  - spec.project must name an AppProject of the controller namespace; "default" exists
//    implicitly when no AppProject has that name (argo::FindProject), as Argo CD's server
//    creates it. Message: "application references project team-a which does not exist".
//  - the destination (Argo CD's ValidateDestination): a name without a server must name
//    exactly one usable cell ("application destination spec is invalid: unable to find
//    destination server: there are no clusters with this name: eu-1", or "... there are 2
//    clusters with the same name: [https://a https://b]"); a name together with a server is
//    refused ("... application destination can't have both name and server defined: eu-1
//    https://a"). A server alone is not checked here, as in Argo CD.
// An invalid Application is neither created nor updated, and not deleted either: an
// existing one stays as it is. The others proceed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "argo/app_project.h"
#include "cells/cell.h"
#include "core/object.h"

namespace cellgate::appset_controller {

// Errors by index into `apps`; empty when every Application is valid.
std::map<std::size_t, std::string> ValidateGeneratedApplications(
    const std::vector<Object>& apps, std::span<const argo::AppProject> projects,
    const std::vector<cells::CellInfo>& cells);

// One message for the ApplicationSet's condition: the last error, plus " (and N more)" when
// there are several (Argo CD keeps the status small the same way).
std::string ValidationSummary(const std::map<std::size_t, std::string>& errors);

}  // namespace cellgate::appset_controller
