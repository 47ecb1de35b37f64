// An empty render with automated prune and allowEmpty: false: the sync refuses to prune,
// deletes nothing and says why; with allowEmpty: true the same commit prunes the app.
#include "sync_e2e_util.h"

namespace cellgate::engine::e2e {
namespace {

using EmptyRenderE2E = SyncE2ETest;

TEST_F(EmptyRenderE2E, RefusesToPruneEverythingUnlessAllowEmpty) {
  git::testing::Origin origin(tmp_.path() / "repo");
  origin.Write("app/settings.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n");
  origin.Write("app/flags.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\ndata: {b: '2'}\n");
  origin.Write("app/README.md", "Manifests of the app.\n");
  origin.CommitAndPublish("two ConfigMaps");
  std::string name = "empty-" + UniqueSuffix();
  auto file_for = [&](bool allow_empty) {
    return AppFile(ApplicationYaml(name, origin.url(), "app", ns_,
                                   std::string("  syncPolicy:\n    automated:\n      prune: true\n"
                                               "      allowEmpty: ") +
                                       (allow_empty ? "true" : "false") + "\n"),
                   allow_empty ? "allow.yaml" : "refuse.yaml");
  };
  auto sync = [&](const std::string& file) {
    std::vector<std::string> args = {"sync", "-f", file};
    for (auto& a : CellArgs()) args.push_back(a);
    return Cli(args);
  };
  CliResult created = sync(file_for(false));
  ASSERT_EQ(created.code, 0) << created.out << created.err;
  std::string uid =
      MustKubectl("get configmap settings -n " + ns_ + " -o jsonpath='{.metadata.uid}'");

  // Every manifest removed (a bad merge, a wrong path): the render is empty.
  fs::remove(origin.work() / "app/settings.yaml");
  fs::remove(origin.work() / "app/flags.yaml");
  origin.CommitAndPublish("oops");
  CliResult refused = sync(file_for(false));
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.out.find(": Failed: rendered no objects; refusing to prune 2 live objects"),
            std::string::npos)
      << refused.out;
  EXPECT_EQ(MustKubectl("get configmap settings -n " + ns_ + " -o jsonpath='{.metadata.uid}'"),
            uid);
  EXPECT_EQ(MustKubectl("get configmap flags -n " + ns_ + " -o name"), "configmap/flags");

  CliResult allowed = sync(file_for(true));
  EXPECT_EQ(allowed.code, 0) << allowed.out << allowed.err;
  EXPECT_NE(Shell(Kubectl() + "get configmap settings -n " + ns_).status, 0);
  EXPECT_NE(Shell(Kubectl() + "get configmap flags -n " + ns_).status, 0);
}

}  // namespace
}  // namespace cellgate::engine::e2e
