// Helpers for the end-to-end tests of the transfer commands: a sandbox directory with the data,
// the journal and a config file pointing at a test server; running the built mtglacier there; and
// looking into the vault through the Glacier API (inventory, archive retrieval, pending uploads).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "process.h"
#include "server_process.h"

namespace mtg::testing {

using RunResult = CommandResult;

class Sandbox {
 public:
  Sandbox();
  ~Sandbox();
  const std::filesystem::path& root() const { return root_; }
  std::string data() const { return (root_ / "data").string(); }
  std::string journal() const { return (root_ / "journal.log").string(); }
  std::string DataPath(const std::string& rel) const { return (root_ / "data" / rel).string(); }
  // Writes a config file (key, secret, region, endpoint) that every Run passes with --config.
  void SetEndpoint(const std::string& endpoint);

  void Write(const std::string& rel, const std::string& content, int64_t mtime = 1500000000);
  void WriteRandom(const std::string& rel, size_t size, int64_t mtime = 1500000000);

  // Runs the binary with `args` (plus --config unless the args are empty), in a clean
  // environment, stdin from /dev/null.
  RunResult Run(const std::vector<std::string>& args) const;
  RunResult RunWithStdin(const std::vector<std::string>& args, const std::string& input) const;
  // The shell command line Run would use, for tests that start it in the background.
  std::string CommandLine(const std::vector<std::string>& args) const;

 private:
  std::filesystem::path root_;
  std::string config_;
};

std::string RandomBytes(size_t size, uint32_t seed);
std::string TreeHashHex(const std::string& data);

struct JournalEntry {
  std::string archive_id;
  uint64_t size = 0;
  std::string tree_hash;
};
// The latest version of each file in the journal (empty when there is no journal).
std::map<std::string, JournalEntry> LiveJournal(const std::string& journal_path);

// The archives in the vault now, by id (from an inventory job; the server's jobs finish at once).
struct VaultArchive {
  uint64_t size = 0;
  std::string tree_hash;
  std::string description;
};
std::map<std::string, VaultArchive> VaultArchives(const ServerProcess& server, const std::string& vault);
// Every live journal archive (all versions) is in the vault with its size and tree hash, and the
// vault holds nothing else. Returns the differences, one per line ("" when they match).
std::string CompareVaultWithJournal(const ServerProcess& server, const std::string& vault,
                                    const std::string& journal_path);
// The archive's bytes, through an archive-retrieval job.
std::optional<std::string> RetrieveArchive(const ServerProcess& server, const std::string& vault,
                                           const std::string& archive_id);
// Upload ids of the vault's multipart uploads in progress.
std::vector<std::string> PendingUploads(const ServerProcess& server, const std::string& vault);
// Requests of one operation (e.g. "upload-part") in the server's access log.
size_t CountInAccessLog(const std::string& log_path, const std::string& operation);

}  // namespace mtg::testing
