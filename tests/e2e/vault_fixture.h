// Test helper: fills a vault the way `sync` does, without needing `sync` (written in parallel
// with the restore path): each file is uploaded with the typed client under an mt2 description
// and recorded in a journal with JournalWriter, so restore tests start from a real vault and a
// real journal. Also raw uploads with any description, for foreign and hostile archives.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "glacier/client.h"
#include "http/curl_transport.h"
#include "journal/journal_writer.h"

namespace mtg::testing {

class VaultFixture {
 public:
  VaultFixture(const std::string& endpoint, std::string vault);
  ~VaultFixture();
  glacier::Client& client() { return *client_; }

  // Uploads bytes under `description` (multipart in 1 MiB parts above 1 MiB); the archive id.
  [[nodiscard]] Result<glacier::ArchiveCreated> UploadRaw(const std::string& data,
                                                          const std::string& description);
  // Uploads the file `root`/`rel` as sync would and appends its CREATED record to `journal`.
  [[nodiscard]] Result<std::string> Backup(journal::JournalWriter& journal, const std::string& root,
                                           const std::string& rel);

 private:
  std::unique_ptr<http::CurlTransport> transport_;
  std::unique_ptr<glacier::Client> client_;
  std::string vault_;
};

}  // namespace mtg::testing
