// The command table of the mtglacier program and the context every command runs in. Each
// command (sync, restore, tree-hash, ...) is one row: a name, a one-line summary, and a run
// function. Commands print only through the context's streams, so tests capture their output,
// and read files only through its FileSystem, so tests can use the in-memory one.
#pragma once

#include <atomic>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/exit_codes.h"
#include "io/file_system.h"

namespace mtg::cli {

struct Context {
  std::vector<std::string> args;  // arguments after the command name
  std::ostream& out;
  std::ostream& err;
  io::FileSystem& fs;
  int stdin_fd = 0;  // what "-" reads
  unsigned threads = 0;  // worker threads for parallel commands; 0 = one per core
  bool err_is_terminal = false;  // show a live progress line on `err`
  // Set (by a SIGINT/SIGTERM handler in main) to ask a running command to stop cleanly.
  const std::atomic<bool>* cancel = nullptr;
};

struct Command {
  std::string_view name;
  std::string_view summary;  // one line, shown by `mtglacier help`
  std::string_view usage;    // full help text, shown by `mtglacier help NAME` and NAME --help
  ExitCode (*run)(Context& ctx);
};

// Every command, in the order `help` lists them.
std::span<const Command> Commands();
const Command* FindCommand(std::string_view name);

// Runs the program: argv[0] is the program name. Global forms: help, --help, -h,
// help COMMAND, version, --version. Returns the exit status.
ExitCode RunMain(std::span<const std::string> argv, Context& ctx);

// "mtglacier: <command>: <message>" on ctx.err, the one format of every error line.
void PrintError(Context& ctx, std::string_view command, std::string_view message);

}  // namespace mtg::cli
