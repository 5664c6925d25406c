#include "journal/pending_uploads.h"

#include <charconv>

#include "journal/quote.h"
#include "journal/relative_name.h"

namespace mtg::journal {
namespace {

constexpr std::string_view kHeader = "mtglacier-pending-uploads 1";

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string PendingUploadsPath(std::string_view journal_path) {
  return std::string(journal_path) + ".pending";
}

Result<std::vector<PendingUpload>> PendingUploads::Parse(std::string_view text, std::string_view path) {
  std::vector<PendingUpload> entries;
  size_t line_no = 0;
  auto bad = [&](std::string_view line, std::string_view why) {
    return Fail(ErrorCode::kParse, "pending uploads " + std::string(path) + ", line " +
                                         std::to_string(line_no) + ": " + std::string(why) + ": " +
                                         QuoteBytes(line));
  };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      ++line_no;
      return bad(text, "no newline at the end (the file is written atomically, so this is damage)");
    }
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    if (line_no == 1) {
      if (line != kHeader) return bad(line, "unknown header");
      continue;
    }
    std::vector<std::string_view> f;
    for (int i = 0; i < 6; ++i) {
      size_t tab = line.find('\t');
      if (tab == std::string_view::npos) return bad(line, "expected 7 tab-separated fields");
      f.push_back(line.substr(0, tab));
      line.remove_prefix(tab + 1);
    }
    PendingUpload e;
    e.upload_id = f[0];
    e.vault = f[1];
    if (!IsToken(f[0]) || !IsToken(f[1])) return bad(line, "bad upload id or vault");
    if (!ParseNumber(f[2], e.part_size) || !ParseNumber(f[3], e.size) || !ParseNumber(f[4], e.mtime)) {
      return bad(line, "bad number");
    }
    if (f[5] != "-") {
      if (f[5].size() != 64 || !IsToken(f[5])) return bad(line, "bad tree hash");
      e.final_tree_hash = f[5];
    }
    if (!IsRelativeFilename(line)) return bad(line, "bad relative file name");
    e.relative_name = line;
    entries.push_back(std::move(e));
  }
  if (line_no == 0) return bad("", "empty file");
  return entries;
}

std::string PendingUploads::Format(const std::vector<PendingUpload>& entries) {
  std::string out(kHeader);
  out += '\n';
  for (const PendingUpload& e : entries) {
    out += e.upload_id + '\t' + e.vault + '\t' + std::to_string(e.part_size) + '\t' +
           std::to_string(e.size) + '\t' + std::to_string(e.mtime) + '\t' +
           (e.final_tree_hash.empty() ? "-" : e.final_tree_hash) + '\t' + e.relative_name + '\n';
  }
  return out;
}

Result<PendingUploads> PendingUploads::Load(io::FileSystem& fs, std::string path) {
  auto text = fs.ReadFile(path, uint64_t{64} << 20);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return PendingUploads(fs, std::move(path), {});
    return Fail(std::move(text.error()).WithContext("pending uploads " + path));
  }
  auto entries = Parse(*text, path);
  if (!entries) return Fail(std::move(entries.error()));
  return PendingUploads(fs, std::move(path), std::move(*entries));
}

PendingUploads::PendingUploads(PendingUploads&& other) noexcept
    : fs_(other.fs_), path_(std::move(other.path_)), entries_(std::move(other.entries_)) {}

std::vector<PendingUpload> PendingUploads::entries() const {
  std::lock_guard lock(mu_);
  return entries_;
}

bool PendingUploads::Find(std::string_view vault, std::string_view relative_name, PendingUpload& out) const {
  std::lock_guard lock(mu_);
  for (const PendingUpload& e : entries_) {
    if (e.vault == vault && e.relative_name == relative_name) {
      out = e;
      return true;
    }
  }
  return false;
}

Result<void> PendingUploads::SaveLocked() {
  if (entries_.empty()) {
    auto removed = fs_->Remove(path_);
    if (!removed && removed.error().code != ErrorCode::kNotFound) {
      return Fail(std::move(removed.error()).WithContext("pending uploads " + path_));
    }
    return Ok();
  }
  auto written = fs_->WriteFileAtomically(path_, Format(entries_), 0600);
  if (!written) return Fail(std::move(written.error()).WithContext("pending uploads " + path_));
  return Ok();
}

Result<void> PendingUploads::Add(const PendingUpload& entry) {
  if (!IsToken(entry.upload_id) || !IsToken(entry.vault) || !IsRelativeFilename(entry.relative_name)) {
    return Fail(ErrorCode::kInvalidArgument, "pending uploads: refusing an entry that would not read back");
  }
  std::lock_guard lock(mu_);
  entries_.push_back(entry);
  return SaveLocked();
}

Result<void> PendingUploads::SetFinalTreeHash(std::string_view upload_id, std::string_view tree_hash) {
  std::lock_guard lock(mu_);
  for (PendingUpload& e : entries_) {
    if (e.upload_id == upload_id) {
      e.final_tree_hash = tree_hash;
      return SaveLocked();
    }
  }
  return Fail(ErrorCode::kNotFound, "pending uploads: no upload " + std::string(upload_id));
}

Result<void> PendingUploads::Remove(std::string_view upload_id) {
  std::lock_guard lock(mu_);
  size_t before = entries_.size();
  std::erase_if(entries_, [&](const PendingUpload& e) { return e.upload_id == upload_id; });
  if (entries_.size() == before) return Ok();
  return SaveLocked();
}

}  // namespace mtg::journal
