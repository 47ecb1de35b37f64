#include "template/go_format.h"

#include <gtest/gtest.h>

namespace cellgate::tmpl {
namespace {

TEST(GoFloat, ShortestLikeFmtV) {
  EXPECT_EQ(FormatGoFloat(3), "3");
  EXPECT_EQ(FormatGoFloat(1.5), "1.5");
  EXPECT_EQ(FormatGoFloat(100000), "100000");
  EXPECT_EQ(FormatGoFloat(1e6), "1e+06");
  EXPECT_EQ(FormatGoFloat(1234567), "1.234567e+06");
  EXPECT_EQ(FormatGoFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatGoFloat(0.00001), "1e-05");
  EXPECT_EQ(FormatGoFloat(-2.25), "-2.25");
  EXPECT_EQ(FormatGoFloat(0.1), "0.1");
}

TEST(GoFloat, JsonForm) {
  EXPECT_EQ(FormatJsonFloat(1e6), "1000000");
  EXPECT_EQ(FormatJsonFloat(1e21), "1e+21");
  EXPECT_EQ(FormatJsonFloat(0.0000001), "1e-7");
  EXPECT_EQ(FormatJsonFloat(2.5), "2.5");
}

TEST(Sprintf, Verbs) {
  auto S = [](const char* f, const std::vector<Value>& a) { return GoSprintf(f, a); };
  EXPECT_EQ(S("%d", {Value::Int(-42)}), "-42");
  EXPECT_EQ(S("%+d", {Value::Int(5)}), "+5");
  EXPECT_EQ(S("%x %X %o %b", {Value::Int(255), Value::Int(255), Value::Int(8), Value::Int(5)}),
            "ff FF 10 101");
  EXPECT_EQ(S("%#x", {Value::Int(255)}), "0xff");
  EXPECT_EQ(S("%-5d|", {Value::Int(7)}), "7    |");
  EXPECT_EQ(S("%05d", {Value::Int(-42)}), "-0042");
  EXPECT_EQ(S("%q", {Value::String("a\"b\n")}), "\"a\\\"b\\n\"");
  EXPECT_EQ(S("%x", {Value::String("hi")}), "6869");
  EXPECT_EQ(S("%v %v", {Value::Bool(true), Value::Nil()}), "true <nil>");
  EXPECT_EQ(S("%s", {Value::Nil()}), "%!s(<nil>)");
  EXPECT_EQ(S("%t", {Value::String("x")}), "%!t(string=x)");
  EXPECT_EQ(S("%e", {Value::Float(1234.5)}), "1.234500e+03");
  EXPECT_EQ(S("%g", {Value::Float(1e6)}), "1e+06");
  EXPECT_EQ(S("%6.2f|", {Value::Float(3.14159)}), "  3.14|");
  EXPECT_EQ(S("%.3s", {Value::String("abcdef")}), "abc");
  EXPECT_EQ(S("%c", {Value::Int(65)}), "A");
  EXPECT_EQ(S("%U", {Value::Int(0x1F600)}), "U+1F600");
  EXPECT_EQ(S("100%%", {}), "100%");
  EXPECT_EQ(S("%*d", {Value::Int(4), Value::Int(7)}), "   7");
  EXPECT_EQ(S("%v", {Value::MakeMap({{"b", Value::Int(2)}, {"a", Value::Int(1)}})}),
            "map[a:1 b:2]");
  EXPECT_EQ(S("%d", {Value::MakeList({Value::Int(1), Value::String("x")})}), "[1 %!d(string=x)]");
  EXPECT_EQ(S("50%", {}), "50%!(NOVERB)");
}

TEST(Sprint, SpacesBetweenNonStrings) {
  EXPECT_EQ(GoSprint({Value::Int(1), Value::Int(2)}), "1 2");
  EXPECT_EQ(GoSprint({Value::String("a"), Value::Int(2), Value::String("b")}), "a2b");
}

TEST(Json, EncodingJsonOutput) {
  Value v = Value::MakeMap({{"z", Value::Float(1.0)},
                            {"a", Value::MakeList({Value::Nil(), Value::Bool(false)})},
                            {"s", Value::String("\t<\u2028")}});
  EXPECT_EQ(GoJson(v, false), "{\"a\":[null,false],\"s\":\"\\t\\u003c\\u2028\",\"z\":1}");
  EXPECT_EQ(GoJson(Value::MakeList({}), true), "[]");
  EXPECT_EQ(GoJson(Value::MakeList({Value::Int(1)}), true), "[\n  1\n]");
}

}  // namespace
}  // namespace cellgate::tmpl
