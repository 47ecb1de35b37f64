#include "cli/app.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <ostream>

#include "cli/redacting_stream.h"
#include "core/log.h"

namespace cellgate::cli {

std::string CliLogLevel(const std::string& flag, bool controller) {
  if (!flag.empty()) return flag;
  return controller ? "info" : "warn";
}

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& raw_err) {
  // Diagnostics pass the credential patterns (redacting_stream.h); command output does not.
  RedactingOstream err(raw_err);
  CLI::App app{"cellgate: GitOps control plane for cellular Kubernetes fleets", "cellgate"};
  app.require_subcommand(1);
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "debug, info, warn or error (default: warn; info for cellgate controller)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  // Logs go to stderr: stdout carries command output (`render -o json`). Runs before the
  // subcommand's callback. The logger is made once per process (InitLogging registers a named
  // logger); each invocation sets its level, which spdlog keeps atomically.
  app.parse_complete_callback([&app, &log_level] {
    const std::string level = CliLogLevel(log_level, app.got_subcommand("controller"));
    static std::once_flag once;
    std::call_once(once, [&] { InitLogging(level); });
    spdlog::default_logger_raw()->set_level(spdlog::level::from_str(level));
  });
  RunState state;
  Streams io{out, err};
  RegisterVersionCommand(app, io, state);
  RegisterRenderCommand(app, io, state);
  RegisterDiffCommand(app, io, state);
  RegisterSyncCommand(app, io, state);
  RegisterStatusCommand(app, io, state);
  RegisterControllerCommand(app, io, state);
  RegisterCellCommand(app, io, state);
  RegisterAppCommand(app, io, state);

  // CLI11 would report an unknown command only as "a subcommand is required".
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i].empty() || args[i][0] == '-') {
      if (args[i] == "--log-level") ++i;
      continue;
    }
    auto subs = app.get_subcommands([&](CLI::App* sub) { return sub->check_name(args[i]); });
    if (subs.empty()) {
      err << "cellgate: unknown command '" << args[i] << "'\nRun 'cellgate --help' for usage.\n";
      return 2;
    }
    break;
  }

  // CLI11 parses argv in reverse order of a vector.
  std::vector<std::string> rev(args.begin() + (args.empty() ? 0 : 1), args.end());
  std::reverse(rev.begin(), rev.end());
  try {
    app.parse(rev);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "cellgate: " << e.what() << "\n";
    if (e.get_exit_code() != 0) err << "Run 'cellgate --help' for usage.\n";
    return e.get_exit_code() == 0 ? 0 : 2;
  }
  return state.exit_code;
}

}  // namespace cellgate::cli
