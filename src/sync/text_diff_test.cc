#include "sync/text_diff.h"

#include <gtest/gtest.h>

namespace cellgate::sync {
namespace {

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "x", "y"), "");
}

TEST(UnifiedDiff, OneChangeWithContext) {
  std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(UnifiedDiff(a, b, "live", "desired"),
            "--- live\n+++ desired\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiff, DistantChangesMakeTwoHunks) {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2    ? std::string("two")
          : i == 18 ? std::string("eighteen")
                    : std::to_string(i)) +
         "\n";
  }
  EXPECT_EQ(UnifiedDiff(a, b, "a", "b", 1),
            "--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\n@@ -17,3 +17,3 @@\n 17\n-18\n"
            "+eighteen\n 19\n");
}

TEST(UnifiedDiff, CloseChangesMerge) {
  EXPECT_EQ(UnifiedDiff("a\nb\nc\nd\n", "A\nb\nc\nD\n", "x", "y", 1),
            "--- x\n+++ y\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n-d\n+D\n");
}

TEST(UnifiedDiff, InsertionsAndDeletionsAtEdges) {
  EXPECT_EQ(UnifiedDiff("", "a\nb\n", "live", "desired"),
            "--- live\n+++ desired\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  EXPECT_EQ(UnifiedDiff("a\n", "", "live", "desired"),
            "--- live\n+++ desired\n@@ -1 +0,0 @@\n-a\n");
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\nc\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,3 @@\n a\n b\n+c\n");
}

TEST(UnifiedDiff, MissingFinalNewline) {
  EXPECT_EQ(UnifiedDiff("a\nb", "a\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}

TEST(UnifiedDiff, MinimalEditScript) {
  // The paper's example: abcabba -> cbabac has edit distance 5 (LCS 4), not 13.
  EXPECT_EQ(UnifiedDiff("a\nb\nc\na\nb\nb\na\n", "c\nb\na\nb\na\nc\n", "x", "y", 0),
            "--- x\n+++ y\n@@ -1,2 +0,0 @@\n-a\n-b\n@@ -3,0 +2 @@\n+b\n@@ -6 +4,0 @@\n-b\n"
            "@@ -7,0 +6 @@\n+c\n");
}

TEST(UnifiedDiff, LargeInputsStayCorrect) {
  std::string a, b;
  for (int i = 0; i < 3000; ++i) {
    a += "line " + std::to_string(i) + "\n";
    b += "line " + std::to_string(i % 7 == 0 ? i + 100000 : i) + "\n";
  }
  std::string d = UnifiedDiff(a, b, "a", "b", 0);
  std::size_t minus = 0, plus = 0;
  for (std::size_t p = d.find("\n-"); p != std::string::npos; p = d.find("\n-", p + 1)) ++minus;
  for (std::size_t p = d.find("\n+"); p != std::string::npos; p = d.find("\n+", p + 1)) ++plus;
  EXPECT_EQ(minus, 429u);
  EXPECT_EQ(plus, 429u + 1);  // "+++ b" counts once
}

}  // namespace
}  // namespace cellgate::sync
