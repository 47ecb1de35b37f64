// main() of render_test: the binary also serves as the jsonnet evaluator (jsonnet_eval.h), as
// cellgate's main() does, so Renderer tests run jsonnet in a real child process.
#include <gtest/gtest.h>

#include "render/jsonnet_eval.h"

int main(int argc, char** argv) {
  if (auto rc = cellgate::render::RunJsonnetEvalIfRequested(argc, argv)) return *rc;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
