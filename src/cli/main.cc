#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "render/jsonnet_eval.h"

int main(int argc, char** argv) {
  // Hidden subcommand: a jsonnet evaluation child of the renderer (render/jsonnet.h).
  if (auto rc = cellgate::render::RunJsonnetEvalIfRequested(argc, argv)) return *rc;
  std::vector<std::string> args(argv, argv + argc);
  return cellgate::cli::Run(args, std::cout, std::cerr);
}
