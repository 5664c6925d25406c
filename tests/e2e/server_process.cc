#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace mtg::testing {

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string store_dir) {
  if (store_dir.empty()) {
    char tmpl[] = "/tmp/mtg-server-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    store_dir_ = tmpl;
    own_store_ = true;
  } else {
    store_dir_ = std::move(store_dir);
  }
  std::vector<std::string> args = {MTG_SERVER_BIN, "--listen", "127.0.0.1:0", "--store", store_dir_,
                                   "--access-key", kAccessKey, "--secret-key", kSecretKey};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe(out) != 0) {
    error_ = "pipe failed";
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  // The server's stderr must not be the test's: if a test dies without stopping it (a sanitizer
  // abort), an orphan holding ctest's output pipe would stall the whole run until it exits.
  // MTG_SERVER_STDERR names a file to keep it for debugging.
  const char* keep = std::getenv("MTG_SERVER_STDERR");
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, keep != nullptr ? keep : "/dev/null",
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  int rc = posix_spawn(&pid_, MTG_SERVER_BIN, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    error_ = "cannot start " + std::string(MTG_SERVER_BIN);
    close(out[0]);
    pid_ = -1;
    return;
  }
  // First line: "listening on 127.0.0.1:PORT".
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(out[0]);
  const std::string prefix = "listening on 127.0.0.1:";
  if (line.rfind(prefix, 0) != 0) {
    error_ = "unexpected first line from server: \"" + line + "\"";
    return;
  }
  port_ = std::atoi(line.c_str() + prefix.size());
}

void ServerProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ServerProcess::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

ServerProcess::~ServerProcess() {
  Stop();
  if (own_store_) {
    std::error_code ec;
    std::filesystem::remove_all(store_dir_, ec);
  }
}

}  // namespace mtg::testing
