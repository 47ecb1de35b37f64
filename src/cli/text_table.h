// Plain-text tables as kubectl and the argocd CLI print them (Go's tabwriter with padding 2):
// every column is as wide as its widest cell plus two spaces, the last column is not padded,
// and trailing blanks are trimmed. Newlines inside a cell become spaces so a row stays one
// line.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace cellgate::cli {

using TableRow = std::vector<std::string>;

// Rows may differ in length; missing cells are empty. Returns "" for no rows.
std::string FormatTable(const std::vector<TableRow>& rows);

// "Name:" padded to 20 columns followed by the value, as argocd's printOpFmtStr ("%-20s%s").
std::string FieldLine(const std::string& label, const std::string& value);

}  // namespace cellgate::cli
