#include "cli/text_table.h"

#include <algorithm>

namespace cellgate::cli {
namespace {

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\t', ' ');
  return s;
}

}  // namespace

std::string FormatTable(const std::vector<TableRow>& rows) {
  std::size_t columns = 0;
  for (const auto& r : rows) columns = std::max(columns, r.size());
  std::vector<std::size_t> width(columns, 0);
  std::vector<TableRow> clean;
  clean.reserve(rows.size());
  for (const auto& r : rows) {
    TableRow row;
    row.reserve(columns);
    for (std::size_t i = 0; i < columns; ++i) {
      row.push_back(i < r.size() ? OneLine(r[i]) : std::string());
      width[i] = std::max(width[i], row.back().size());
    }
    clean.push_back(std::move(row));
  }
  std::string out;
  for (const auto& row : clean) {
    std::string line;
    for (std::size_t i = 0; i < columns; ++i) {
      line += row[i];
      if (i + 1 < columns) line.append(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::string FieldLine(const std::string& label, const std::string& value) {
  std::string line = label;
  if (line.size() < 20) line.append(20 - line.size(), ' ');
  line += OneLine(value);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

}  // namespace cellgate::cli
