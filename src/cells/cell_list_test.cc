#include "cells/cell_list.h"

#include <gtest/gtest.h>

#include "runtime/time_format.h"

namespace cellgate::cells {
namespace {

using std::chrono::seconds;

TEST(ShortAge, LargestWholeUnit) {
  EXPECT_EQ(ShortAge(seconds(45)), "45s");
  EXPECT_EQ(ShortAge(seconds(119)), "119s");
  EXPECT_EQ(ShortAge(seconds(180)), "3m");
  EXPECT_EQ(ShortAge(seconds(3 * 3600)), "3h");
  EXPECT_EQ(ShortAge(seconds(5 * 86400)), "5d");
  EXPECT_EQ(ShortAge(seconds(-5)), "0s");
}

std::vector<CellInfo> Cells(runtime::WallTime now) {
  CellInfo a;
  a.name = "cell-1";
  a.server = "https://10.0.0.1:6443";
  a.labels = {{"wave", "1"}, {"environment", "prod"}};
  a.connection.state = CellState::kConnected;
  a.connection.since = now - seconds(300);
  a.connection.server_version = "v1.32.2";
  CellInfo b;
  b.name = "cell-2";
  b.server = "https://10.0.0.2:6443";
  b.connection.state = CellState::kUnreachable;
  b.connection.since = now - seconds(30);
  b.connection.last_error = "probe cell-2: timed out\nafter 5 s";
  return {a, b};
}

TEST(FormatCellList, AlignedTableWithStateAgesLabelsAndErrors) {
  const runtime::WallTime now =
      runtime::ParseRfc3339("2025-01-01T12:00:00Z").value_or(runtime::WallTime{});
  EXPECT_EQ(
      FormatCellList(Cells(now), now),
      "NAME     SERVER                  STATE               VERSION   LABELS"
      "                    MESSAGE\n"
      "cell-1   https://10.0.0.1:6443   Connected (5m)      v1.32.2   environment=prod,wave=1\n"
      "cell-2   https://10.0.0.2:6443   Unreachable (30s)             <none>"
      "                    probe cell-2: timed out after 5 s\n");
}

TEST(CellListJson, CarriesEveryFieldAndNoCredentials) {
  const runtime::WallTime now =
      runtime::ParseRfc3339("2025-01-01T12:00:00Z").value_or(runtime::WallTime{});
  Json j = CellListJson(Cells(now));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["name"], "cell-1");
  EXPECT_EQ(j[0]["labels"]["environment"], "prod");
  EXPECT_EQ(j[0]["connection"]["state"], "Connected");
  EXPECT_EQ(j[0]["connection"]["since"], "2025-01-01T11:55:00Z");
  EXPECT_EQ(j[0]["connection"]["lastProbe"], "");
  EXPECT_EQ(j[1]["connection"]["message"], "probe cell-2: timed out\nafter 5 s");
}

}  // namespace
}  // namespace cellgate::cells
