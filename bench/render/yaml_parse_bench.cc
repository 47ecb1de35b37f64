// YAML text -> object model (Json + Object validation): core's libyaml event parser against
// yaml-cpp 0.7 converting its nodes to the same Json (with the same YAML 1.1 scalar
// resolver, so both do the same work). Throughput is reported as bytes/second.
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "core/object.h"
#include "core/yaml.h"
#include "core/yaml_internal.h"
#include "corpus.h"

namespace cellgate::bench {
namespace {

Json ToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      // "!" marks a quoted scalar: always a string; "?" a plain one: resolve it.
      if (n.Tag() == "!") return n.Scalar();
      return yaml_internal::ResolvePlainScalar(n.Scalar());
    case YAML::NodeType::Sequence: {
      Json a = Json::array();
      for (const auto& item : n) a.push_back(ToJson(item));
      return a;
    }
    case YAML::NodeType::Map: {
      Json o = Json::object();
      for (const auto& kv : n) o[kv.first.Scalar()] = ToJson(kv.second);
      return o;
    }
    default:
      return nullptr;
  }
}

std::size_t ParseLibyaml(const std::string& text) {
  auto docs = ParseYamlDocuments(text, "corpus.yaml");
  if (!docs) return 0;
  std::size_t objects = 0;
  for (auto& d : *docs) objects += Object::FromJson(std::move(d.value)).has_value();
  return objects;
}

std::size_t ParseYamlCpp(const std::string& text) {
  std::size_t objects = 0;
  for (const auto& doc : YAML::LoadAll(text)) {
    objects += Object::FromJson(ToJson(doc)).has_value();
  }
  return objects;
}

const std::string& MixedCorpus() {
  static const std::string corpus = Corpus(4u << 20);
  return corpus;
}

const std::string& CrdOnly() {
  static const std::string crd = LargeCrd("widgets");
  return crd;
}

template <std::size_t (*Parse)(const std::string&), const std::string& (*Text)()>
void BM_Parse(benchmark::State& state) {
  const std::string& text = Text();
  std::size_t objects = 0;
  for (auto _ : state) benchmark::DoNotOptimize(objects = Parse(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["objects"] = static_cast<double>(objects);
  state.counters["input_MB"] = static_cast<double>(text.size()) / 1e6;
}

BENCHMARK_TEMPLATE(BM_Parse, ParseLibyaml, MixedCorpus)
    ->Name("Parse/libyaml/mixed_4MB")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Parse, ParseYamlCpp, MixedCorpus)
    ->Name("Parse/yaml-cpp/mixed_4MB")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Parse, ParseLibyaml, CrdOnly)
    ->Name("Parse/libyaml/crd_110KB")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_Parse, ParseYamlCpp, CrdOnly)
    ->Name("Parse/yaml-cpp/crd_110KB")
    ->Unit(benchmark::kMicrosecond);

// Both parsers must agree, or the comparison means nothing.
void CheckSameResult() {
  auto a = ParseYamlDocuments(MixedCorpus(), "corpus.yaml");
  auto b = YAML::LoadAll(MixedCorpus());
  std::size_t mismatches = a ? (a->size() == b.size() ? 0 : 1) : 1;
  for (std::size_t i = 0; a && mismatches == 0 && i < b.size(); ++i) {
    if ((*a)[i].value != ToJson(b[i])) ++mismatches;
  }
  std::fprintf(stderr, "corpus: %.2f MB, %zu documents, libyaml and yaml-cpp %s\n",
               MixedCorpus().size() / 1e6, b.size(), mismatches ? "DIFFER" : "agree");
}

}  // namespace
}  // namespace cellgate::bench

int main(int argc, char** argv) {
  cellgate::bench::CheckSameResult();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
