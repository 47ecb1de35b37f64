// Test helpers for sync/: golden files under src/sync/testdata.
#pragma once

#include <string>
#include <vector>

#include "core/object.h"

namespace cellgate::sync::testing {

// Absolute path of src/sync/testdata/<relative>.
std::string TestdataPath(const std::string& relative);

// Whole file; empty when it does not exist.
std::string ReadFile(const std::string& path);
bool FileExists(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);

// Case names in a testdata directory: file names ending in `suffix`, suffix removed, sorted.
std::vector<std::string> CaseNames(const std::string& dir, const std::string& suffix);

// Every non-empty YAML document of a file as an Object (test fails on parse errors).
std::vector<Object> LoadObjects(const std::string& path);
Object LoadObject(const std::string& path);

// Objects from YAML text (documents separated by ---); fails the test on bad YAML.
std::vector<Object> Objects(const std::string& yaml);
Object OneObject(const std::string& yaml);

// Golden comparison; with CELLGATE_UPDATE_GOLDEN=1 in the environment the file is rewritten.
void ExpectGolden(const std::string& path, const std::string& actual);

}  // namespace cellgate::sync::testing
