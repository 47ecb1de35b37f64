// DestinationCell against an in-memory hub: a cell that is not found is reported with the
// namespace the cluster Secrets were read from, so a wrong controller namespace shows.
#include "cli/destination_cell.h"

#include <gtest/gtest.h>

#include "argo/cluster_secret.h"
#include "cells/cell_secret.h"
#include "kube/testing/fake_cluster.h"

namespace cellgate::cli {
namespace {

class DestinationCellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A cell registered where Argo CD keeps its cluster Secrets.
    kube::ClusterConfig cell{.name = "cell-a", .server = "https://127.0.0.1:10", .token = "t"};
    auto secret = argo::MakeClusterSecret(cell, "cell-a", {}, "argocd");
    ASSERT_TRUE(secret) << secret.error().message();
    ASSERT_TRUE(hub_.Create(*secret, {}));
  }

  kube::testing::FakeCluster hub_;
  // Nothing listens there: the background probes fail at once.
  kube::ClusterConfig hub_config_{.name = "hub", .server = "https://127.0.0.1:9", .token = "t"};
};

TEST_F(DestinationCellTest, UnknownServerNamesTheNamespaceItLookedIn) {
  auto cell =
      DestinationCell::Resolve(hub_, hub_config_, "cellgate", {.server = "https://127.0.0.1:10"});
  ASSERT_FALSE(cell);
  EXPECT_EQ(cell.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(cell.error().message(),
            "destination https://127.0.0.1:10: no cell has server https://127.0.0.1:10 in "
            "namespace cellgate (cluster Secrets labelled argocd.argoproj.io/secret-type=cluster)");
}

TEST_F(DestinationCellTest, UnknownNameNamesTheNamespaceItLookedIn) {
  auto cell = DestinationCell::Resolve(hub_, hub_config_, "cellgate", {.name = "cell-a"});
  ASSERT_FALSE(cell);
  EXPECT_NE(cell.error().message().find("cell cell-a is not registered in namespace cellgate "
                                        "(cluster Secrets labelled "
                                        "argocd.argoproj.io/secret-type=cluster)"),
            std::string::npos)
      << cell.error().message();
}

TEST_F(DestinationCellTest, TheSecretsNamespaceFindsTheCell) {
  auto by_name = DestinationCell::Resolve(hub_, hub_config_, "argocd", {.name = "cell-a"});
  ASSERT_TRUE(by_name) << by_name.error().message();
  EXPECT_EQ((*by_name)->name(), "cell-a");
}

}  // namespace
}  // namespace cellgate::cli
