// The controller namespace's resolution order: -n, $CELLGATE_NAMESPACE, the hub context's
// namespace, "cellgate" (controller_namespace.h; Argo CD reads its namespace through
// client-go's ClientConfig.Namespace(): the flag, else the context's, e.g.
// cmd/argocd/commands/headless/headless.go and cmd/argocd-application-controller).
#include "cli/controller_namespace.h"

#include <gtest/gtest.h>

namespace cellgate::cli {
namespace {

kube::ClusterConfig Context(const std::string& ns) {
  kube::ClusterConfig c{.name = "hub", .server = "https://127.0.0.1:6443"};
  if (!ns.empty()) {
    c.default_namespace = ns;
    c.namespace_given = true;
  }
  return c;
}

std::string Resolved(std::string_view flag, const char* env, const kube::ClusterConfig* hub) {
  auto ns = ResolveControllerNamespace(flag, env, hub);
  EXPECT_TRUE(ns) << ns.error().message();
  return ns ? ns->name + " (" + ns->source + ")" : "";
}

TEST(ControllerNamespace, FlagThenEnvironmentThenContextThenCellgate) {
  const kube::ClusterConfig argocd = Context("argocd");
  EXPECT_EQ(Resolved("team-a", "team-b", &argocd), "team-a (from -n)");
  EXPECT_EQ(Resolved("", "team-b", &argocd), "team-b (from $CELLGATE_NAMESPACE)");
  EXPECT_EQ(Resolved("", nullptr, &argocd), "argocd (from context hub)");
  EXPECT_EQ(Resolved("", "", &argocd), "argocd (from context hub)");  // set but empty = unset
  const kube::ClusterConfig none = Context("");
  EXPECT_EQ(Resolved("", nullptr, &none), "cellgate (the default)");
  EXPECT_EQ(Resolved("", nullptr, nullptr), "cellgate (the default)");
}

TEST(ControllerNamespace, AContextWithoutNamespaceIsNotDefault) {
  // client-go would answer "default" here; no controller runs there.
  kube::ClusterConfig c = Context("");
  EXPECT_EQ(c.default_namespace, "default");
  EXPECT_EQ(Resolved("", nullptr, &c), "cellgate (the default)");
  // A context that names "default" itself is taken at its word.
  EXPECT_EQ(Resolved("", nullptr, &(c = Context("default"))), "default (from context hub)");
}

TEST(ControllerNamespace, RefusesWhatIsNotANamespaceName) {
  for (const char* bad : {"Argo", "../../api", "a/b", "-x", "x-", "a_b",
                          "a234567890123456789012345678901234567890123456789012345678901234"}) {
    auto flag = ResolveControllerNamespace(bad, nullptr, nullptr);
    ASSERT_FALSE(flag) << bad;
    EXPECT_EQ(flag.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(flag.error().message().rfind("-n \"" + std::string(bad) + "\" is not a namespace", 0),
              0u)
        << flag.error().message();
    auto env = ResolveControllerNamespace("", bad, nullptr);
    ASSERT_FALSE(env) << bad;
    EXPECT_NE(env.error().message().find("$CELLGATE_NAMESPACE"), std::string::npos);
  }
  EXPECT_TRUE(ResolveControllerNamespace(
      "a23456789012345678901234567890123456789012345678901234567890123", nullptr, nullptr));
}

TEST(ControllerNamespace, LookupFailuresSayWhere) {
  EXPECT_EQ(CellSecretsWhere("argocd"),
            " in namespace argocd (cluster Secrets labelled "
            "argocd.argoproj.io/secret-type=cluster)");
}

}  // namespace
}  // namespace cellgate::cli
