#include "cli/cell_add.h"

#include <gtest/gtest.h>

#include "argo/cluster_secret.h"

namespace cellgate::cli {
namespace {

Object Secret(const std::string& server, const std::string& name) {
  kube::ClusterConfig config{.name = "ctx", .server = server, .token = "s3cr3t-token"};
  auto secret = argo::MakeClusterSecret(config, name, {{"region", "us-east-1"}}, "cellgate");
  EXPECT_TRUE(secret) << secret.error().message();
  return *secret;
}

TEST(CellAddLabels, KeyValuePairs) {
  auto labels = ParseLabelFlags({"region=us-east-1", "wave=1", "empty="});
  ASSERT_TRUE(labels) << labels.error().message();
  EXPECT_EQ(*labels, (std::map<std::string, std::string>{
                         {"empty", ""}, {"region", "us-east-1"}, {"wave", "1"}}));
}

TEST(CellAddLabels, RefusesMissingEqualsEmptyKeyAndConflicts) {
  auto no_eq = ParseLabelFlags({"region"});
  ASSERT_FALSE(no_eq);
  EXPECT_NE(no_eq.error().message().find("--label \"region\" is not key=value"), std::string::npos);
  EXPECT_FALSE(ParseLabelFlags({"=x"}));
  auto twice = ParseLabelFlags({"wave=1", "wave=2"});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("wave is given twice"), std::string::npos);
  EXPECT_TRUE(ParseLabelFlags({"wave=1", "wave=1"}));
}

TEST(CellAddName, NewCellIsACreate) {
  auto r = CheckCellNameFree({Secret("https://10.0.0.2:6443", "cell-b")},
                             Secret("https://10.0.0.1:6443", "cell-a"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(*r);
}

TEST(CellAddName, SameServerAgainIsAnUpdate) {
  Object again = Secret("https://10.0.0.1:6443", "cell-a");
  auto r = CheckCellNameFree({Secret("https://10.0.0.1:6443", "cell-a")}, again);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(*r);
  // Renaming the cell of the same server is an update too (same Secret).
  auto renamed = CheckCellNameFree({again}, Secret("https://10.0.0.1:6443", "cell-z"));
  ASSERT_TRUE(renamed);
  EXPECT_TRUE(*renamed);
}

TEST(CellAddName, NameOfAnotherServersCellIsRefusedWithoutSecrets) {
  Object other = Secret("https://10.0.0.2:6443", "cell-a");
  auto r = CheckCellNameFree({other}, Secret("https://10.0.0.1:6443", "cell-a"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(r.error().message().find("cell name cell-a is already used by cluster secret "
                                     "cellgate/" +
                                     other.Name() + " (server https://10.0.0.2:6443)"),
            std::string::npos)
      << r.error().message();
  EXPECT_EQ(r.error().message().find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::cli
