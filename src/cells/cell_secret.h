// A cell's Argo CD cluster Secret as the registry and the CLI use it: the typed Cluster
// (argo/cluster_secret.h reads the Secret) as a CellSpec, and writing a Secret to the hub.
//
// Thread-safety: ParseCellSecret is a pure function; WriteClusterSecret is as thread-safe
// as its Applier.
#pragma once

#include "argo/cluster_secret.h"
#include "cells/cell.h"
#include "core/object.h"
#include "core/result.h"
#include "kube/client.h"

namespace cellgate::cells {

// The cell a cluster Secret describes. Never fails: an unusable Secret gives a CellSpec
// with `error` and state kInvalid, its descriptive fields filled as far as they were read.
CellSpec ParseCellSecret(const Object& secret);

// Creates the Secret, or replaces the existing one of that name (an unconditional PUT, as
// Argo CD's UpdateCluster replaces data, labels and annotations). Returns the stored Secret.
Result<Object> WriteClusterSecret(kube::Applier& applier, const Object& secret);

}  // namespace cellgate::cells
