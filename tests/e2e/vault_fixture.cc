#include "vault_fixture.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/clock.h"
#include "hash/tree_hash.h"
#include "meta/description.h"
#include "server_process.h"

namespace mtg::testing {

VaultFixture::VaultFixture(const std::string& endpoint, std::string vault)
    : transport_(std::make_unique<http::CurlTransport>(http::CurlOptions{})), vault_(std::move(vault)) {
  glacier::ClientConfig config;
  config.endpoint = *glacier::ParseEndpoint(endpoint);
  config.region = "us-east-1";
  config.credentials = {ServerProcess::kAccessKey, ServerProcess::kSecretKey, ""};
  client_ = std::make_unique<glacier::Client>(config, *transport_, SystemClock::Instance());
}

VaultFixture::~VaultFixture() = default;

Result<glacier::ArchiveCreated> VaultFixture::UploadRaw(const std::string& data,
                                                        const std::string& description) {
  constexpr uint64_t kPart = 1024 * 1024;
  auto bytes = hash::AsBytes(data);
  if (data.size() <= kPart) {
    http::MemoryBody body(bytes);
    return client_->UploadArchive(vault_, description, body, hash::Sha256AndTreeHash(bytes));
  }
  auto upload = client_->InitiateMultipartUpload(vault_, description, kPart);
  if (!upload) return Fail(upload.error());
  std::vector<hash::Digest> trees;
  for (uint64_t off = 0; off < data.size(); off += kPart) {
    auto part = bytes.subspan(off, std::min<uint64_t>(kPart, data.size() - off));
    hash::DualHash h = hash::Sha256AndTreeHash(part);
    trees.push_back(h.tree);
    http::MemoryBody body(part);
    MTG_TRY_VOID(client_->UploadPart(vault_, *upload, off, body, h));
  }
  return client_->CompleteMultipartUpload(vault_, *upload, data.size(),
                                          hash::ToHex(hash::CombineTreeHashes(trees)));
}

Result<std::string> VaultFixture::Backup(journal::JournalWriter& journal, const std::string& root,
                                         const std::string& rel) {
  const std::string path = root + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  struct stat st {};
  if (!in || ::stat(path.c_str(), &st) != 0) return Fail(ErrorCode::kIo, "cannot read " + path);
  auto description = meta::EncodeDescription(rel, st.st_mtime);
  if (!description) return Fail(description.error());
  auto created = UploadRaw(content.str(), *description);
  if (!created) return Fail(created.error());
  const std::string tree = hash::ToHex(hash::TreeHashOf(hash::AsBytes(content.str())));
  MTG_TRY_VOID(journal.AddCreated({.time = SystemClock::Instance().NowUnix(),
                                   .archive_id = created->archive_id,
                                   .size = content.str().size(),
                                   .mtime = static_cast<int64_t>(st.st_mtime),
                                   .tree_hash = tree,
                                   .relfilename = rel}));
  return created->archive_id;
}

}  // namespace mtg::testing
