// Finding and fetching a vault inventory for download-inventory and verify (reference §2.8):
// the newest completed full inventory job (partial ones, with InventoryRetrievalParameters, are
// skipped), its output streamed to a temporary file while its tree hash is computed (an
// inventory can be gigabytes, so it is never held in memory), and checked against the
// service's x-amz-sha256-tree-hash when one is sent.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "glacier/client.h"
#include "io/file_system.h"
#include "sync/inventory_journal.h"

namespace mtg::sync {

// Pages through every completed job; the full inventory with the greatest CreationDate (string
// order, as the original; the first on a tie), or nullopt when there is none.
[[nodiscard]] Result<std::optional<glacier::JobInfo>> FindNewestInventoryJob(glacier::Client& client,
                                                                             const std::string& vault);

struct FetchedInventory {
  std::string path{};  // the temporary file; the caller removes it
  InventoryFormat format = InventoryFormat::kJson;
  uint64_t bytes = 0;
};

// Streams the job's output into a new temporary file in `temp_dir`.
[[nodiscard]] Result<FetchedInventory> FetchInventory(glacier::Client& client, io::FileSystem& fs,
                                                      const std::string& vault,
                                                      const glacier::JobInfo& job,
                                                      const std::string& temp_dir);

}  // namespace mtg::sync
