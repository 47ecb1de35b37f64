// Test helpers: testdata files, cells from YAML, order-insensitive JSON comparison.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "appset/generators.h"
#include "core/yaml.h"

namespace cellgate::appset::testing {

inline std::filesystem::path TestData(const std::string& name) {
  return std::filesystem::path(CELLGATE_SOURCE_DIR) / "src/appset/testdata" / name;
}

inline std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<Json> ReadYamlDocs(const std::string& name) {
  auto docs = ParseYamlDocuments(ReadText(TestData(name)), name);
  EXPECT_TRUE(docs.has_value()) << name << ": " << (docs ? "" : docs.error().message());
  std::vector<Json> out;
  if (docs) {
    for (auto& d : *docs) {
      if (!d.value.is_null()) out.push_back(d.value);
    }
  }
  return out;
}

inline Json Yaml(const std::string& text) {
  auto docs = ParseYamlDocuments(text, "inline");
  EXPECT_TRUE(docs.has_value()) << (docs ? "" : docs.error().message());
  return docs && !docs->empty() ? docs->front().value : Json();
}

inline std::vector<Cell> ReadCells(const std::string& name) {
  std::vector<Cell> cells;
  std::vector<Json> docs = ReadYamlDocs(name);
  for (const auto& c : docs.at(0)) {
    Cell cell{.name = c.value("name", ""),
              .server = c.value("server", ""),
              .project = c.value("project", "")};
    Json labels = c.value("labels", Json::object());
    Json annotations = c.value("annotations", Json::object());
    for (const auto& [k, v] : labels.items()) cell.labels[k] = v.get<std::string>();
    for (const auto& [k, v] : annotations.items()) cell.annotations[k] = v.get<std::string>();
    cells.push_back(std::move(cell));
  }
  return cells;
}

// Key order does not matter to the API server; compare as unordered JSON.
inline nlohmann::json Plain(const Json& j) { return nlohmann::json::parse(j.dump()); }

}  // namespace cellgate::appset::testing
