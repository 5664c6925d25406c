#include "sync/verify.h"

namespace mtg::sync {
namespace {

std::string Named(std::string_view id, std::string_view rel) {
  std::string s = "archive ";
  s += id;
  s += " (filename ";
  s += rel;
  s += ')';
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

}  // namespace

InventoryVerifier::InventoryVerifier(const journal::JournalState& state,
                                     std::function<void(const std::string&)> line)
    : state_(state), line_(std::move(line)) {}

Result<void> InventoryVerifier::Consider(const meta::InventoryItem& item) {
  std::optional<journal::Archive> archive = state_.FindArchive(item.archive_id);
  if (!archive) {
    ++counts_.not_in_journal;
    line_("NOT IN JOURNAL archive " + item.archive_id + " (size " + std::to_string(item.size) +
          ", created " + item.creation_date + ")");
    return Ok();
  }
  if (!seen_.insert(item.archive_id).second) return Ok();  // listed twice: judged once
  bool ok = true;
  if (archive->size() != item.size) {
    ok = false;
    ++counts_.size_mismatch;
    line_("SIZE MISMATCH " + Named(item.archive_id, archive->relfilename()) + ": journal " +
          std::to_string(archive->size()) + ", vault " + std::to_string(item.size));
  }
  if (Lower(archive->tree_hash()) != Lower(item.sha256_tree_hash)) {
    ok = false;
    ++counts_.tree_hash_mismatch;
    line_("TREEHASH MISMATCH " + Named(item.archive_id, archive->relfilename()) + ": journal " +
          archive->tree_hash() + ", vault " + item.sha256_tree_hash);
  }
  if (ok) ++counts_.ok;
  return Ok();
}

VerifyCounts InventoryVerifier::Finish(int64_t inventory_time) {
  for (const journal::Archive& a : state_.archives()) {
    if (seen_.contains(a.archive_id())) continue;
    if (a.time() > inventory_time) {
      ++counts_.newer_than_inventory;
      line_("NOT YET IN INVENTORY " + Named(a.archive_id(), a.relfilename()) +
            ": uploaded after the inventory was taken");
    } else {
      ++counts_.missing_in_vault;
      line_("MISSING IN VAULT " + Named(a.archive_id(), a.relfilename()));
    }
  }
  return counts_;
}

}  // namespace mtg::sync
