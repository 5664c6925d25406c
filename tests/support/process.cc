#include "process.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mtg::testing {

std::string ShellQuote(std::string_view text) {
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult RunShell(const std::string& command, const std::filesystem::path& scratch_dir,
                       const std::string& stdin_path) {
  const std::filesystem::path out = scratch_dir / "stdout", err = scratch_dir / "stderr";
  const std::string line = command + " <" + ShellQuote(stdin_path) + " >" + ShellQuote(out.string()) +
                           " 2>" + ShellQuote(err.string());
  int raw = std::system(line.c_str());
  CommandResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

}  // namespace mtg::testing
