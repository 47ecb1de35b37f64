// The `cellgate` command line: builds the CLI11 command tree and runs it.
//
// Every subcommand lives in its own cmd_<name>.cc and registers itself through a
// Register<Name>Command function called from BuildApp. Commands write results to `out`,
// diagnostics to `err`, and return the process exit code, so tests run them in-process.
//
// Thread-safety: one invocation per thread.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace cellgate::cli {

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

// Set by a subcommand's callback: the exit code main returns.
struct RunState {
  int exit_code = 0;
};

void RegisterVersionCommand(CLI::App& app, Streams io, RunState& state);
void RegisterRenderCommand(CLI::App& app, Streams io, RunState& state);
void RegisterDiffCommand(CLI::App& app, Streams io, RunState& state);
void RegisterSyncCommand(CLI::App& app, Streams io, RunState& state);
void RegisterStatusCommand(CLI::App& app, Streams io, RunState& state);
void RegisterControllerCommand(CLI::App& app, Streams io, RunState& state);
void RegisterCellCommand(CLI::App& app, Streams io, RunState& state);
void RegisterAppCommand(CLI::App& app, Streams io, RunState& state);

// The log level of an invocation: --log-level when given, else "info" for the long-running
// `cellgate controller` and "warn" for every other command, whose results go to stdout and
// whose progress goes to stderr as plain lines (`argocd --loglevel` defaults to info).
std::string CliLogLevel(const std::string& flag, bool controller);

// Runs the CLI with argv-style arguments (args[0] is the program name).
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cellgate::cli
