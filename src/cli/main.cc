// The mtglacier program: hands the command line to the command table (cli/command.h).
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv, argv + argc);
  mtg::cli::Context ctx{.args = {},
                        .out = std::cout,
                        .err = std::cerr,
                        .fs = mtg::io::PosixFileSystem::Instance(),
                        .stdin_fd = 0,
                        .threads = 0};
  int status = mtg::cli::RunMain(args, ctx);
  std::cout.flush();
  return std::cout.good() ? status : mtg::cli::kExitError;
}
