#include <ostream>

#include "cli/app.h"
#include "cli/version.h"

namespace cellgate::cli {

void RegisterVersionCommand(CLI::App& app, Streams io, RunState& state) {
  auto* cmd = app.add_subcommand("version", "Print the cellgate version");
  cmd->callback([io, &state] {
    io.out << "cellgate " << CELLGATE_VERSION << "\n";
    state.exit_code = 0;
  });
}

}  // namespace cellgate::cli
