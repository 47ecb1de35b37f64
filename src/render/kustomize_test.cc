#include "render/kustomize.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "render/testing/memory_snapshot.h"

namespace cellgate::render {
namespace {

using testing::MemorySnapshot;

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

MemorySnapshot Overlay() {
  MemorySnapshot s;
  s.AddFile("base/kustomization.yaml", "resources: [deploy.yaml, svc.yaml]\n");
  s.AddFile("base/deploy.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
)");
  s.AddFile("base/svc.yaml", R"(apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
)");
  s.AddFile("components/extra/kustomization.yaml", R"(apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [cm.yaml]
)");
  s.AddFile("components/extra/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n");
  s.AddFile("overlays/prod/kustomization.yaml", R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: prod-
resources: [../../base]
)");
  return s;
}

class KustomizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bin = FindTool("kustomize");
    if (!bin) GTEST_SKIP() << bin.error().message();
    build_.binary = *bin;
  }
  KustomizeBuild build_;
  ToolRunner runner_;
};

TEST(KustomizeEdits, ArgoCdOrderAndArguments) {
  argo::KustomizeOptions k;
  k.name_prefix = "p-";
  k.name_suffix = "-s";
  k.images = {"nginx=nginx:1.27"};
  k.replicas = {{"web", 3}};
  k.common_labels = {{"team", "web"}, {"env", "prod"}};
  k.force_common_labels = true;
  k.common_annotations = {{"owner", "me"}};
  k.ns = "prod";
  auto cmds = KustomizeEditCommands(k);
  ASSERT_EQ(cmds.size(), 7u);
  EXPECT_EQ(cmds[0], (std::vector<std::string>{"edit", "set", "nameprefix", "--", "p-"}));
  EXPECT_EQ(cmds[1], (std::vector<std::string>{"edit", "set", "namesuffix", "--", "-s"}));
  EXPECT_EQ(cmds[2], (std::vector<std::string>{"edit", "set", "image", "nginx=nginx:1.27"}));
  EXPECT_EQ(cmds[3], (std::vector<std::string>{"edit", "set", "replicas", "web=3"}));
  EXPECT_EQ(cmds[4],
            (std::vector<std::string>{"edit", "add", "label", "--force", "env:prod", "team:web"}));
  EXPECT_EQ(cmds[5], (std::vector<std::string>{"edit", "add", "annotation", "owner:me"}));
  EXPECT_EQ(cmds[6], (std::vector<std::string>{"edit", "set", "namespace", "--", "prod"}));
  EXPECT_TRUE(KustomizeEditCommands({}).empty());
}

TEST_F(KustomizeTest, BuildsOverlayFromTheCheckout) {
  auto s = Overlay();
  auto deps = FindKustomizeDeps(s, "overlays/prod");
  ASSERT_TRUE(deps);
  auto objs = RunKustomize(runner_, s, "overlays/prod", nullptr, *deps, build_);
  ASSERT_TRUE(objs) << objs.error().message();
  ASSERT_EQ(objs->size(), 2u);
  EXPECT_EQ((*objs)[0].Kind(), "Service");
  EXPECT_EQ((*objs)[0].Name(), "prod-web");
  EXPECT_EQ((*objs)[1].origin().file, "overlays/prod");
  EXPECT_EQ((*objs)[1].origin().document, 1);
  EXPECT_EQ(runner_.invocations(), 1u);
}

TEST_F(KustomizeTest, AppOverridesRunInAScratchCopy) {
  auto s = Overlay();
  argo::KustomizeOptions k;
  k.name_suffix = "-v2";
  k.images = {"nginx=nginx:1.27"};
  k.common_labels = {{"team", "web"}};
  k.common_annotations = {{"owner", "sre"}};
  k.ns = "prod";
  k.replicas = {{"prod-web", 3}};
  k.patches =
      Json::array({{{"target", {{"kind", "Service"}}},
                    {"patch", R"([{"op":"replace","path":"/spec/ports/0/port","value":8080}])"}}});
  k.components = {"../../components/extra"};
  auto deps = FindKustomizeDeps(s, "overlays/prod", {.components = k.components});
  ASSERT_TRUE(deps);
  EXPECT_FALSE(deps->whole_repository) << deps->reason;
  auto objs = RunKustomize(runner_, s, "overlays/prod", &k, *deps, build_);
  ASSERT_TRUE(objs) << objs.error().message();
  ASSERT_EQ(objs->size(), 3u);
  const Object* deploy = nullptr;
  const Object* svc = nullptr;
  for (const auto& o : *objs) {
    EXPECT_EQ(o.Namespace(), "prod");
    EXPECT_EQ(o.Label("team"), "web");
    EXPECT_EQ(o.Annotation("owner"), "sre");
    if (o.Kind() == "Deployment") deploy = &o;
    if (o.Kind() == "Service") svc = &o;
  }
  ASSERT_TRUE(deploy && svc);
  EXPECT_EQ(deploy->Name(), "prod-web-v2");
  EXPECT_EQ(deploy->body()["spec"]["replicas"], 3);
  EXPECT_EQ(deploy->body()["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.27");
  EXPECT_EQ(svc->body()["spec"]["ports"][0]["port"], 8080);
  // The shared checkout is untouched.
  auto root = s.Materialize();
  ASSERT_TRUE(root);
  EXPECT_EQ(Slurp(*root / "overlays/prod/kustomization.yaml"),
            *s.ReadFile("overlays/prod/kustomization.yaml"));
}

TEST_F(KustomizeTest, ToolErrorsCarryStderrWithoutScratchPaths) {
  MemorySnapshot s;
  s.AddFile("bad/kustomization.yaml", "resources: [missing.yaml]\n");
  KustomizeDeps deps{.dirs = {"bad"}};  // the walker would refuse it before kustomize runs
  argo::KustomizeOptions k;
  k.name_prefix = "x-";
  auto objs = RunKustomize(runner_, s, "bad", &k, deps, build_);
  ASSERT_FALSE(objs);
  EXPECT_EQ(objs.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(objs.error().message().find("missing.yaml"), std::string::npos)
      << objs.error().message();
  EXPECT_EQ(objs.error().message().find("cellgate-kustomize-"), std::string::npos)
      << objs.error().message();
}

// A directory next to the shared checkout, where another commit's checkout would be.
class SiblingOfCheckout {
 public:
  SiblingOfCheckout(const std::filesystem::path& checkout, const std::string& name)
      : dir_(checkout.parent_path() / name) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "kustomization.yaml") << "resources: [secret.yaml]\n";
    std::ofstream(dir_ / "secret.yaml")
        << "apiVersion: v1\nkind: Secret\nmetadata: {name: other-commit}\n";
  }
  ~SiblingOfCheckout() { std::filesystem::remove_all(dir_); }

 private:
  std::filesystem::path dir_;
};

// Even a reference the walker did not report cannot reach beyond the commit: the build runs
// in a scratch root holding only that commit's trees.
TEST_F(KustomizeTest, BuildsInAScratchRootHoldingOnlyThisCommit) {
  const std::string other = "cellgate-other-commit-" + std::to_string(::getpid());
  MemorySnapshot s;
  s.AddFile("app/kustomization.yaml", "resources: [../../" + other + "]\n");
  auto checkout = s.Materialize();
  ASSERT_TRUE(checkout);
  SiblingOfCheckout sibling(*checkout, other);
  std::string tmpl = (std::filesystem::temp_directory_path() / "cellgate-scratch-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  ToolRunner runner({.temp_dir = tmpl});
  KustomizeDeps deps{.dirs = {"app"}};  // as if the walker had missed the reference
  auto objs = RunKustomize(runner, s, "app", nullptr, deps, build_);
  std::filesystem::remove_all(tmpl);
  ASSERT_FALSE(objs) << (*objs)[0].Name();
  EXPECT_EQ(objs.error().message().find("other-commit\n"), std::string::npos);
}

// A symlink that looks lexically inside the repository but leads out of it on disk.
TEST_F(KustomizeTest, ReferencesAreCheckedAfterSymlinks) {
  const std::string other = "cellgate-other-commit-" + std::to_string(::getpid());
  MemorySnapshot s;
  s.AddFile("app/kustomization.yaml", "resources: [esc]\n");
  s.AddSymlink("app/up", "..");               // the repository root
  s.AddSymlink("app/esc", "up/../" + other);  // lexically app/<other>; on disk outside
  s.AddFile("app/" + other + "/kustomization.yaml", "resources: []\n");  // the decoy
  auto checkout = s.Materialize();
  ASSERT_TRUE(checkout);
  SiblingOfCheckout sibling(*checkout, other);
  auto deps = FindKustomizeDeps(s, "app");
  ASSERT_TRUE(deps) << deps.error().message();
  auto objs = RunKustomize(runner_, s, "app", nullptr, *deps, build_);
  ASSERT_FALSE(objs) << (*objs)[0].Name();
  EXPECT_EQ(objs.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(objs.error().message(),
            "app/kustomization.yaml: resources entry 'esc' leads outside the repository through "
            "a symlink");
}

}  // namespace
}  // namespace cellgate::render
