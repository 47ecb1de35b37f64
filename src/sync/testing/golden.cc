#include "sync/testing/golden.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/yaml.h"

namespace cellgate::sync::testing {

std::string TestdataPath(const std::string& relative) {
  return std::string(CELLGATE_SOURCE_DIR) + "/src/sync/testdata/" + relative;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool FileExists(const std::string& path) { return std::filesystem::exists(path); }

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> CaseNames(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      names.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Object> LoadObjects(const std::string& path) {
  std::vector<Object> out;
  auto docs = ParseYamlDocuments(ReadFile(path), path);
  EXPECT_TRUE(docs.has_value()) << (docs ? "" : docs.error().message());
  if (!docs) return out;
  for (auto& doc : *docs) {
    if (doc.value.is_null()) continue;
    auto obj = Object::FromJson(std::move(doc.value), Origin{.file = path, .line = doc.line});
    EXPECT_TRUE(obj.has_value()) << (obj ? "" : obj.error().message());
    if (obj) out.push_back(std::move(*obj));
  }
  return out;
}

Object LoadObject(const std::string& path) {
  auto objs = LoadObjects(path);
  EXPECT_EQ(objs.size(), 1u) << path;
  return objs.empty() ? Object() : objs.front();
}

void ExpectGolden(const std::string& path, const std::string& actual) {
  const char* update = std::getenv("CELLGATE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    WriteFile(path, actual);
    return;
  }
  ASSERT_TRUE(FileExists(path)) << "missing golden file " << path << "; actual:\n" << actual;
  EXPECT_EQ(ReadFile(path), actual) << "golden file " << path;
}

std::vector<Object> Objects(const std::string& yaml) {
  std::vector<Object> out;
  auto docs = ParseYamlDocuments(yaml, "test.yaml");
  EXPECT_TRUE(docs) << (docs ? "" : docs.error().message());
  if (!docs) return out;
  for (auto& d : *docs) {
    if (d.value.is_null()) continue;
    auto o = Object::FromJson(d.value);
    EXPECT_TRUE(o) << (o ? "" : o.error().message());
    if (o) out.push_back(std::move(*o));
  }
  return out;
}

Object OneObject(const std::string& yaml) {
  auto objs = Objects(yaml);
  EXPECT_EQ(objs.size(), 1u);
  return objs.empty() ? Object() : objs.front();
}

}  // namespace cellgate::sync::testing
