// What the integration tests share for running programs as a user would: shell quoting, reading a
// captured file, and running one command line with its stdout and stderr captured in files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mtg::testing {

// 'text' for /bin/sh, with embedded single quotes escaped.
std::string ShellQuote(std::string_view text);

// The whole content of a file ("" when it cannot be read).
std::string Slurp(const std::filesystem::path& path);

struct CommandResult {
  int status = -1;  // exit status; -1 when the command did not exit normally
  std::string out, err;
};

// Runs `command` with /bin/sh, stdin from the file `stdin_path`, stdout and stderr captured in
// files in `scratch_dir`.
CommandResult RunShell(const std::string& command, const std::filesystem::path& scratch_dir,
                       const std::string& stdin_path = "/dev/null");

}  // namespace mtg::testing
