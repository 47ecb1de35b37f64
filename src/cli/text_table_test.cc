#include "cli/text_table.h"

#include <gtest/gtest.h>

namespace cellgate::cli {
namespace {

TEST(TextTable, PadsEachColumnToItsWidestCellPlusTwo) {
  EXPECT_EQ(FormatTable({{"NAME", "STATUS"}, {"core-backend", "Synced"}, {"a", "OutOfSync"}}),
            "NAME          STATUS\n"
            "core-backend  Synced\n"
            "a             OutOfSync\n");
}

TEST(TextTable, EmptyTrailingCellsLeaveNoTrailingBlanks) {
  EXPECT_EQ(FormatTable({{"A", "B", "C"}, {"x", "", ""}, {"y"}}),
            "A  B  C\n"
            "x\n"
            "y\n");
}

TEST(TextTable, NewlinesAndTabsInACellKeepTheRowOnOneLine) {
  EXPECT_EQ(FormatTable({{"MESSAGE"}, {"first\nsecond\tthird"}}), "MESSAGE\nfirst second third\n");
}

TEST(TextTable, NoRowsIsEmpty) { EXPECT_EQ(FormatTable({}), ""); }

TEST(TextTable, FieldLinePadsTheLabelTo20Columns) {
  EXPECT_EQ(FieldLine("Name:", "argocd/web"), "Name:               argocd/web\n");
  EXPECT_EQ(FieldLine("A very long label here:", "v"), "A very long label here:v\n");
  EXPECT_EQ(FieldLine("Finished:", ""), "Finished:\n");
}

}  // namespace
}  // namespace cellgate::cli
