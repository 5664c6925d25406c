// verify: the remote integrity check mt-aws-glacier never shipped. Compares a vault inventory
// with the journal, archive by archive, as the inventory streams past: archives the journal has
// and the vault does not, archives the vault has and the journal does not, and archives whose
// size or tree hash differ. Memory: the journal state plus one id per matched archive.
//
// Caveat: an inventory is a snapshot (Glacier refreshes it about once a day), so an archive
// uploaded after it was taken is not in it. Journal archives created after the inventory
// date are reported as "not yet in the inventory" and are not counted as missing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>

#include "base/result.h"
#include "journal/journal_state.h"
#include "meta/inventory.h"

namespace mtg::sync {

struct VerifyCounts {
  uint64_t ok = 0;
  uint64_t missing_in_vault = 0;
  uint64_t not_in_journal = 0;
  uint64_t size_mismatch = 0;
  uint64_t tree_hash_mismatch = 0;
  uint64_t newer_than_inventory = 0;  // not a failure, see the caveat above
  bool AllMatch() const {
    return missing_in_vault + not_in_journal + size_mismatch + tree_hash_mismatch == 0;
  }
};

class InventoryVerifier {
 public:
  // `line` receives one line per difference.
  InventoryVerifier(const journal::JournalState& state, std::function<void(const std::string&)> line);
  // One inventory archive (an InventorySink).
  [[nodiscard]] Result<void> Consider(const meta::InventoryItem& item);
  // Reports the journal's archives the inventory did not list, given when the inventory was
  // taken (known only once a JSON inventory has been read to its end); returns the counts.
  VerifyCounts Finish(int64_t inventory_time);

 private:
  const journal::JournalState& state_;
  std::function<void(const std::string&)> line_;
  std::unordered_set<std::string> seen_;
  VerifyCounts counts_;
};

}  // namespace mtg::sync
