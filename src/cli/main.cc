// The mtglacier program: hands the command line to the command table (cli/command.h).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"

namespace {

std::atomic<bool> g_cancel{false};

// The first SIGINT/SIGTERM asks the running command to stop cleanly (requests in flight finish,
// what is recorded stays recorded, unfinished uploads stay resumable); a second one kills.
void OnSignal(int signo) {
  if (g_cancel.exchange(true)) {
    ::signal(signo, SIG_DFL);
    ::raise(signo);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv, argv + argc);
  mtg::cli::Context ctx{.args = {},
                        .out = std::cout,
                        .err = std::cerr,
                        .fs = mtg::io::PosixFileSystem::Instance(),
                        .stdin_fd = 0,
                        .threads = 0,
                        .err_is_terminal = ::isatty(2) == 1,
                        .cancel = &g_cancel};
  int status = mtg::cli::RunMain(args, ctx);
  std::cout.flush();
  return std::cout.good() ? status : mtg::cli::kExitError;
}
