#include "kube/watch_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cellgate::kube {
namespace {

std::string Event(const std::string& type, const std::string& name, const std::string& rv) {
  return R"({"type":")" + type +
         R"(","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
         R"(","namespace":"a","resourceVersion":")" + rv + R"("}}})";
}

std::vector<std::string> FeedAll(LineBuffer& buffer, const std::vector<std::string>& chunks) {
  std::vector<std::string> lines;
  for (const auto& c : chunks) {
    auto s = buffer.Feed(c, [&](std::string_view line) {
      lines.emplace_back(line);
      return Ok();
    });
    EXPECT_TRUE(s) << s.error().message();
  }
  return lines;
}

TEST(LineBuffer, WholeLinesInOneChunk) {
  LineBuffer b;
  auto lines = FeedAll(b, {"one\ntwo\n"});
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(b.pending(), 0u);
}

TEST(LineBuffer, LinesSplitAcrossChunksAnywhere) {
  std::string stream = Event("ADDED", "a", "1") + "\n" + Event("MODIFIED", "a", "2") + "\n";
  for (std::size_t cut = 1; cut < stream.size(); cut += 7) {
    for (std::size_t cut2 = cut; cut2 < stream.size(); cut2 += 13) {
      LineBuffer b;
      auto lines =
          FeedAll(b, {stream.substr(0, cut), stream.substr(cut, cut2 - cut), stream.substr(cut2)});
      ASSERT_EQ(lines.size(), 2u) << cut << " " << cut2;
      EXPECT_EQ(lines[0], Event("ADDED", "a", "1"));
      EXPECT_EQ(lines[1], Event("MODIFIED", "a", "2"));
    }
  }
}

TEST(LineBuffer, ByteAtATimeCrLfAndBlankLines) {
  std::string stream = "first\r\n\n\nsecond\n";
  std::vector<std::string> chunks;
  for (char c : stream) chunks.emplace_back(1, c);
  LineBuffer b;
  EXPECT_EQ(FeedAll(b, chunks), (std::vector<std::string>{"first", "second"}));
}

TEST(LineBuffer, PartialLineWaitsForItsEnd) {
  LineBuffer b;
  EXPECT_TRUE(FeedAll(b, {"{\"type\":"}).empty());
  EXPECT_EQ(b.pending(), 8u);
  EXPECT_EQ(FeedAll(b, {"1}\n"}), (std::vector<std::string>{"{\"type\":1}"}));
}

TEST(LineBuffer, RefusesOverlongLines) {
  LineBuffer b(16);
  auto s = b.Feed(std::string(10, 'x'), [](std::string_view) { return Ok(); });
  EXPECT_TRUE(s);
  s = b.Feed(std::string(10, 'x'), [](std::string_view) { return Ok(); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kResourceExhausted);
}

TEST(LineBuffer, StopsAtCallbackError) {
  LineBuffer b;
  int calls = 0;
  auto s = b.Feed("a\nb\nc\n", [&](std::string_view) -> Status {
    if (++calls == 2) return MakeError(ErrorCode::kInternal, "stop");
    return Ok();
  });
  EXPECT_FALSE(s);
  EXPECT_EQ(calls, 2);
}

TEST(ParseWatchEvent, ObjectEvents) {
  auto e = ParseWatchEvent(Event("ADDED", "a", "7"));
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->type, WatchEventType::kAdded);
  EXPECT_EQ(e->object.Name(), "a");
  EXPECT_EQ(e->resource_version, "7");
  EXPECT_EQ(ParseWatchEvent(Event("MODIFIED", "a", "8"))->type, WatchEventType::kModified);
  EXPECT_EQ(ParseWatchEvent(Event("DELETED", "a", "9"))->type, WatchEventType::kDeleted);
}

TEST(ParseWatchEvent, BookmarkCarriesOnlyAVersion) {
  auto e = ParseWatchEvent(
      R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"12345","annotations":{"k8s.io/initial-events-end":"true"}}}})");
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->type, WatchEventType::kBookmark);
  EXPECT_EQ(e->resource_version, "12345");
}

TEST(ParseWatchEvent, ErrorWithGoneCode) {
  auto e = ParseWatchEvent(
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}})j");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, WatchEventType::kError);
  EXPECT_EQ(WatchErrorCode(*e), 410);
  EXPECT_EQ(e->resource_version, "");
}

TEST(ParseWatchEvent, RejectsJunkWithoutQuotingIt) {
  auto bad = ParseWatchEvent("{\"type\":\"ADDED\",\"object\":{\"data\":\"s3cret");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message().find("s3cret"), std::string::npos);
  EXPECT_FALSE(ParseWatchEvent(R"({"type":"WEIRD","object":{}})"));
  EXPECT_FALSE(ParseWatchEvent(R"({"type":"ADDED"})"));
  EXPECT_FALSE(ParseWatchEvent(R"({"type":"ADDED","object":{"kind":"ConfigMap"}})"));
}

TEST(StatusObject, DescribesClientFailures) {
  auto o = StatusObject(Error(ErrorCode::kUnavailable, "connection refused"), 0);
  EXPECT_EQ(o.Kind(), "Status");
  EXPECT_EQ(StringAt(o.body(), {"message"}), "connection refused");
  EXPECT_EQ(StringAt(o.body(), {"reason"}), "Unavailable");
}

}  // namespace
}  // namespace cellgate::kube
