#include "appset_controller/app_validation.h"

#include <gtest/gtest.h>

#include "appset_controller/appsets_test_util.h"
#include "appset_controller/generator_cells.h"

namespace cellgate::appset_controller {
namespace {

using testing::YamlJson;

Object App(const std::string& project, const std::string& dest) {
  return Object(
      YamlJson("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: "
               "a}\nspec: {project: " +
               project + ", destination: " + dest + "}\n"));
}

cells::CellInfo Cell(const std::string& name, const std::string& server, const std::string& secret,
                     cells::CellState state = cells::CellState::kConnected) {
  cells::CellInfo c{.name = name, .server = server, .secret = secret};
  c.connection.state = state;
  return c;
}

TEST(AppValidation, ProjectMustExistExceptTheImplicitDefault) {
  auto team =
      argo::ParseAppProject(YamlJson("apiVersion: argoproj.io/v1alpha1\nkind: "
                                     "AppProject\nmetadata: {name: team-a}\nspec: {}\n"));
  ASSERT_TRUE(team);
  std::vector<argo::AppProject> projects = {*team};
  std::vector<Object> apps = {App("default", "{server: https://a}"),
                              App("team-a", "{server: https://a}"),
                              App("team-b", "{server: https://a}")};
  auto errors = ValidateGeneratedApplications(apps, projects, {});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors.at(2), "application references project team-b which does not exist");
  EXPECT_EQ(ValidationSummary(errors), errors.at(2));
}

TEST(AppValidation, DestinationNamesMustNameOneUsableCell) {
  std::vector<cells::CellInfo> cells = {
      Cell("eu-1", "https://eu", "s1"), Cell("twin", "https://t1", "s2"),
      Cell("twin", "https://t2", "s3"),
      Cell("broken", "https://b", "s4", cells::CellState::kInvalid),
      Cell("down", "https://d", "s5", cells::CellState::kUnreachable)};
  std::vector<Object> apps = {App("default", "{name: eu-1}"),
                              App("default", "{name: down}"),
                              App("default", "{name: nowhere}"),
                              App("default", "{name: twin}"),
                              App("default", "{name: broken}"),
                              App("default", "{name: eu-1, server: https://eu}"),
                              App("default", "{server: https://unknown}")};
  auto errors = ValidateGeneratedApplications(apps, {}, cells);
  EXPECT_FALSE(errors.contains(0));
  EXPECT_FALSE(errors.contains(1));  // unreachable is still a cell
  EXPECT_EQ(errors.at(2),
            "application destination spec is invalid: unable to find destination server: there "
            "are no clusters with this name: nowhere");
  EXPECT_EQ(errors.at(3),
            "application destination spec is invalid: unable to find destination server: there "
            "are 2 clusters with the same name: [https://t1 https://t2]");
  EXPECT_NE(errors.at(4).find("no clusters with this name: broken"), std::string::npos);
  EXPECT_EQ(errors.at(5),
            "application destination spec is invalid: application destination can't have both "
            "name and server defined: eu-1 https://eu");
  EXPECT_FALSE(errors.contains(6));  // a server alone is not checked, as in Argo CD
  EXPECT_EQ(ValidationSummary(errors), errors.at(5) + " (and 3 more)");
}

TEST(GeneratorCells, SecretsAreCellsAndTheImplicitHubIsTheInClusterSwitch) {
  cells::CellInfo labelled = Cell("eu-1", "https://eu", "cluster-eu");
  labelled.labels = {{"environment", "production"}};
  labelled.project = "team-a";
  std::vector<cells::CellInfo> listed = {
      Cell("in-cluster", "https://kubernetes.default.svc", ""), labelled,
      Cell("broken", "https://b", "s", cells::CellState::kInvalid)};
  GeneratorCells g = CellsForGenerators(listed);
  EXPECT_TRUE(g.in_cluster_enabled);
  ASSERT_EQ(g.cells.size(), 1u);
  EXPECT_EQ(g.cells[0].name, "eu-1");
  EXPECT_EQ(g.cells[0].labels.at("environment"), "production");
  EXPECT_EQ(g.cells[0].project, "team-a");
  std::vector<std::pair<std::string, std::string>> dest = {
      {"in-cluster", "https://kubernetes.default.svc"}, {"eu-1", "https://eu"}};
  EXPECT_EQ(g.destinations, dest);
  EXPECT_FALSE(CellsForGenerators({labelled}).in_cluster_enabled);
}

}  // namespace
}  // namespace cellgate::appset_controller
